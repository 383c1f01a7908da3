/* Unit tests of registry rules and crypto helpers: ID numbers, passwords, codes, scope, JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "json/json.h"
#include "registry/registry.h"

static void test_nid_accepts_valid_numbers(void **state)
{
    (void)state;
    edx_err e;
    assert_int_equal(edx_nid_check("001185012345", "nid", &e), 0); /* Hà Nội, male, 1985 */
    assert_int_equal(edx_nid_check("079208045678", "nid", &e), 0); /* HCMC, 2008 */
    assert_int_equal(edx_nid_check("096305000001", "nid", &e), 0); /* Cà Mau, 2005 */
}

static void test_nid_refuses_malformed_numbers(void **state)
{
    (void)state;
    edx_err e;
    const char *bad[] = {"", "12345", "0011850123456", "00118501234x", "999185012345",
                         "003185012345", "001985012345", " 001185012345", "00118501234５"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(edx_nid_check(bad[i], "national_id", &e), EDX_EINVAL);
        assert_string_equal(e.field, "national_id");
        assert_null(strstr(e.message, bad[i][0] ? bad[i] : "\x01")); /* never echoed */
    }
}

static void test_nid_hash_is_keyed_and_stable(void **state)
{
    (void)state;
    uint8_t k1[32], k2[32];
    for (int i = 0; i < 32; i++) k1[i] = (uint8_t)i, k2[i] = (uint8_t)(i + 1);
    char a[EDX_SHA256_HEX], b[EDX_SHA256_HEX], c[EDX_SHA256_HEX];
    edx_nid_hash(k1, "001185012345", a);
    edx_nid_hash(k1, "001185012345", b);
    edx_nid_hash(k2, "001185012345", c);
    assert_string_equal(a, "18247832513b9b1f2c94a28ae66504ce7e5082b905342b8d4a090a5d177c1252");
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
}

static void test_password_strength_rules(void **state)
{
    (void)state;
    edx_err e;
    assert_int_equal(edx_password_check("correct horse battery", "hoa.nguyen", &e), 0);
    assert_int_equal(edx_password_check("Mật khẩu dài 2025", "x", &e), 0);
    const char *weak[] = {"short", "1234567890", "PASSWORD123", "aaaaaaaaaaaaaa", "abababababab",
                          "hoa.nguyen12"};
    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++)
        assert_int_equal(edx_password_check(weak[i], "hoa.nguyen", &e), EDX_EINVAL);
    assert_int_equal(edx_password_check(NULL, "x", &e), EDX_EINVAL);
}

static void test_argon2id_hash_and_verify(void **state)
{
    (void)state;
    char h[EDX_PWHASH_BYTES];
    assert_int_equal(edx_pw_hash("correct horse battery", h), 0);
    assert_non_null(strstr(h, "$argon2id$"));
    assert_true(edx_pw_verify(h, "correct horse battery"));
    assert_false(edx_pw_verify(h, "correct horse batterY"));
    assert_false(edx_pw_verify("$2y$10$notargon", "x"));
}

static void test_unit_codes(void **state)
{
    (void)state;
    edx_err e;
    assert_int_equal(edx_unit_code_check("SGDDT-HA-NOI", "code", &e), 0);
    assert_int_equal(edx_unit_code_check("A.B_C-1", "code", &e), 0);
    const char *bad[] = {"", "-A", "a", "A B", "A/B", "Á", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(edx_unit_code_check(bad[i], "code", &e), EDX_EINVAL);
    assert_true(edx_unit_type_valid("doet"));
    assert_false(edx_unit_type_valid("castle"));
}

static void test_scope_of_each_role(void **state)
{
    (void)state;
    edx_principal p;
    edx_principal_public(&p);
    assert_false(edx_scope_can_read(&p, "/BGDDT/"));
    edx_principal_system(&p);
    assert_true(edx_scope_can_write(&p, "/BGDDT/SGDDT-HUE/"));
    assert_non_null(strstr(p.actor, "cli:"));
    memset(&p, 0, sizeof p);
    p.role = EDX_ROLE_UNIT_ADMIN;
    p.unit_path = "/BGDDT/SGDDT-HA-NOI/";
    assert_true(edx_scope_can_read(&p, "/BGDDT/SGDDT-HA-NOI/THPT-CVA/"));
    assert_true(edx_scope_can_write(&p, "/BGDDT/SGDDT-HA-NOI/"));
    assert_false(edx_scope_can_read(&p, "/BGDDT/SGDDT-HA-NOI-2/"));
    assert_false(edx_scope_can_read(&p, "/BGDDT/"));
    p.via = EDX_AUTH_TOKEN;
    p.token_write = 0;
    assert_false(edx_scope_can_write(&p, "/BGDDT/SGDDT-HA-NOI/"));
    p.role = EDX_ROLE_REVIEWER;
    assert_true(edx_scope_can_read(&p, "/BGDDT/SGDDT-HUE/"));
    assert_false(edx_scope_can_write(&p, "/BGDDT/SGDDT-HUE/"));
    p.role = EDX_ROLE_TEACHER;
    assert_false(edx_scope_can_write(&p, "/BGDDT/SGDDT-HA-NOI/"));
    assert_int_equal(edx_role_parse("unit_admin"), EDX_ROLE_UNIT_ADMIN);
    assert_int_equal(edx_role_parse("public"), -1);
}

static void test_strict_json_input(void **state)
{
    (void)state;
    json_t *v;
    edx_err e;
    const char *bad[] = {"{\"a\":1,\"a\":2}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}",
                         "{\"a\":1e400}", "{\"a\":123456789012345678901234567890}", "[1]", "{",
                         "{\"a\":1}x", "{\"a\":NaN}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(edx_json_parse_object(bad[i], strlen(bad[i]), &v, &e), EDX_EINVAL);
    const char *good = "{\"name\":\"Hà Nội\",\"n\":9007199254740993}";
    assert_int_equal(edx_json_parse_object(good, strlen(good), &v, &e), 0);
    static const char *const only[] = {"name", NULL};
    assert_int_equal(edx_json_only(v, only, &e), EDX_EINVAL);
    assert_string_equal(e.field, "n");
    int64_t n;
    assert_int_equal(edx_json_get_int(v, "n", 1, 0, 100, &n, &e), EDX_EINVAL);
    const char *s;
    assert_int_equal(edx_json_get_str(v, "name", 1, &s, &e), 0);
    assert_int_equal(edx_json_get_str(v, "missing", 1, &s, &e), EDX_EINVAL);
    json_decref(v);
}

static void test_tokens_and_encodings(void **state)
{
    (void)state;
    char t[EDX_TOKEN_CHARS], u[EDX_TOKEN_CHARS];
    edx_token_new(t);
    edx_token_new(u);
    assert_int_equal(strlen(t), 43);
    assert_string_not_equal(t, u);
    for (const char *p = t; *p; p++) assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    char h[EDX_SHA256_HEX];
    edx_sha256_hex("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    char c1[EDX_TOKEN_CHARS], c2[EDX_TOKEN_CHARS];
    edx_session_csrf(t, c1);
    edx_session_csrf(u, c2);
    assert_string_not_equal(c1, c2);
}

int main(void)
{
    if (edx_crypto_init() != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nid_accepts_valid_numbers),
        cmocka_unit_test(test_nid_refuses_malformed_numbers),
        cmocka_unit_test(test_nid_hash_is_keyed_and_stable),
        cmocka_unit_test(test_password_strength_rules),
        cmocka_unit_test(test_argon2id_hash_and_verify),
        cmocka_unit_test(test_unit_codes),
        cmocka_unit_test(test_scope_of_each_role),
        cmocka_unit_test(test_strict_json_input),
        cmocka_unit_test(test_tokens_and_encodings),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
