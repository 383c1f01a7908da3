/*
 * Unit tests of src/json/jcs.c: RFC 8785 canonical JSON.
 *
 * Run as `test_jcs --numbers` it is instead the helper of tests/unit/jcs_oracle.mjs:
 * it reads 16-hex-digit IEEE double bit patterns from stdin, one per line, and
 * prints edx_jcs_number of each (or "error" when not finite), one per line.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "json/json.h"

/* Read a file under the repository root ($EDX_ROOT, else the working directory). */
static char *read_data(const char *rel, size_t *len)
{
    const char *root = getenv("EDX_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root && *root ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s (run from the repository root or set EDX_ROOT)", path);
    edx_buf b = EDX_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        edx_buf_append(&b, chunk, n);
    fclose(f);
    assert_false(b.oom);
    return edx_buf_steal(&b, len);
}

/* Parse `in` (length n) and return its canonical form; fails the test on error. */
static char *canon_n(const char *in, size_t n, size_t *len)
{
    json_t *v;
    edx_err e;
    if (edx_jcs_parse(in, n, &v, &e)) fail_msg("parse failed: %s", e.message);
    char *s = edx_jcs_dump(v, len, &e);
    json_decref(v);
    if (!s) fail_msg("edx_jcs failed: %s", e.message);
    return s;
}

static void assert_canon(const char *in, const char *want)
{
    size_t len;
    char *got = canon_n(in, strlen(in), &len);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    free(got);
}

static void assert_rejected(const char *in, size_t n)
{
    json_t *v = (json_t *)1;
    edx_err e;
    edx_err_clear(&e);
    assert_int_equal(edx_jcs_parse(in, n, &v, &e), EDX_EINVAL);
    assert_null(v);
    assert_string_equal(e.code, "invalid_json");
    assert_true(e.message[0] != '\0');
}

static void test_cyberphone_inputs_canonicalise_to_their_outputs(void **state)
{
    (void)state;
    static const char *const names[] = {"arrays",  "french", "structures",
                                        "unicode", "values", "weird"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[128];
        size_t in_len, want_len, got_len;
        snprintf(path, sizeof path, "tests/data/jcs/input/%s.json", names[i]);
        char *in = read_data(path, &in_len);
        snprintf(path, sizeof path, "tests/data/jcs/output/%s.json", names[i]);
        char *want = read_data(path, &want_len);
        char *got = canon_n(in, in_len, &got_len);
        if (got_len != want_len || memcmp(got, want, want_len) != 0)
            fail_msg("%s: got %s, want %s", names[i], got, want);
        free(in);
        free(want);
        free(got);
    }
}

static void assert_number(double x, const char *want)
{
    char out[32];
    assert_int_equal(edx_jcs_number(x, out), 0);
    assert_string_equal(out, want);
}

static void test_numbers_follow_ecmascript_to_string(void **state)
{
    (void)state;
    volatile double tenth = 0.1, fifth = 0.2; /* computed at run time, like JS would */
    assert_number(1e21, "1e+21");
    assert_number(999999999999999900000.0, "999999999999999900000");
    assert_number(1e20, "100000000000000000000");
    assert_number(1e-7, "1e-7");
    assert_number(1e-6, "0.000001");
    assert_number(1.5e-7, "1.5e-7");
    assert_number(1.5e-6, "0.0000015");
    assert_number(5e-324, "5e-324");
    assert_number(-5e-324, "-5e-324");
    assert_number(2.2250738585072014e-308, "2.2250738585072014e-308");
    assert_number(1.7976931348623157e308, "1.7976931348623157e+308");
    assert_number(0.0, "0");
    assert_number(-0.0, "0");
    assert_number(9007199254740991.0, "9007199254740991"); /* 2^53 - 1 */
    assert_number(9007199254740992.0, "9007199254740992"); /* 2^53 */
    assert_number(9007199254740994.0, "9007199254740994"); /* 2^53 + 2; 2^53 + 1 is not a double */
    assert_number(9223372036854775808.0, "9223372036854776000"); /* 2^63 */
    assert_number(tenth + fifth, "0.30000000000000004");
    assert_number(333333333.3333333, "333333333.3333333");
    assert_number(1e30, "1e+30");
    assert_number(4.5, "4.5");
    assert_number(0.002, "0.002");
    assert_number(1e-27, "1e-27");
    assert_number(-1.5, "-1.5");
    assert_number(123456789012345680000.0, "123456789012345680000");
    assert_number(1.2345678901234567e21, "1.2345678901234568e+21");
    assert_number(5.684341886080802e-14, "5.684341886080802e-14"); /* 2^-44 */
    char out[32] = "x";
    assert_int_equal(edx_jcs_number(NAN, out), -1);
    assert_string_equal(out, "");
    assert_int_equal(edx_jcs_number(INFINITY, out), -1);
    assert_int_equal(edx_jcs_number(-INFINITY, out), -1);
}

static void test_parsed_numbers_are_doubles(void **state)
{
    (void)state;
    assert_canon("[1E30,-0,0.0,-0.0e5,9007199254740993,18446744073709551616,1e-400,4.50,2e-3]",
                 "[1e+30,0,0,0,9007199254740992,18446744073709552000,0,4.5,0.002]");
    assert_canon("123456789012345678901234567890", "1.2345678901234568e+29");
    /* Integers built in code are converted to double first. */
    json_t *a = json_pack("[I,I,i]", (json_int_t)9007199254740993LL, (json_int_t)INT64_MIN, -7);
    assert_non_null(a);
    edx_err e;
    char *s = edx_jcs_dump(a, NULL, &e);
    assert_string_equal(s, "[9007199254740992,-9223372036854776000,-7]");
    free(s);
    json_decref(a);
}

static void test_parse_accepts_any_top_level_value(void **state)
{
    (void)state;
    assert_canon(" \"x\" ", "\"x\"");
    assert_canon("42", "42");
    assert_canon("true", "true");
    assert_canon("null", "null");
    assert_canon("[ ]", "[]");
    assert_canon("{ }", "{}");
}

static void test_parse_rejects_what_i_json_forbids(void **state)
{
    (void)state;
    static const char *const bad[] = {"{\"a\":1,\"a\":2}",
                                      "{\"b\":{\"a\":1,\"a\":1}}", /* duplicate keys */
                                      "[\"\\ud800\"]",
                                      "[\"\\udc00\"]",
                                      "\"\\ud800x\"",
                                      "\"\\ud800\\u0041\"",
                                      "{\"\\udfff\":1}", /* lone surrogates */
                                      "[\"\xff\"]",
                                      "\"\xc3(\"",
                                      "[\"\xed\xa0\x80\"]",
                                      "[\"\xc0\xaf\"]", /* invalid UTF-8 */
                                      "NaN",
                                      "[NaN]",
                                      "Infinity",
                                      "[-Infinity]",
                                      "[nan]",
                                      "[1e400]",
                                      "[-1e400]", /* non-finite */
                                      "",
                                      " ",
                                      "[1,]",
                                      "1 2",
                                      "[01]",
                                      "{\"a\":1}x",
                                      "{'a':1}",
                                      "[\"a\x01\"]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_rejected(bad[i], strlen(bad[i]));
    assert_rejected("[\"a\0\"]", 5); /* a raw NUL byte */
}

static void test_nul_characters_are_kept_and_escaped(void **state)
{
    (void)state;
    const char *in = "[\"a\\u0000b\"]";
    json_t *v;
    edx_err e;
    assert_int_equal(edx_jcs_parse(in, strlen(in), &v, &e), 0);
    assert_int_equal(json_string_length(json_array_get(v, 0)), 3);
    json_decref(v);
    assert_canon(in, "[\"a\\u0000b\"]");
    assert_rejected("{\"a\\u0000\":1}", 13); /* jansson keeps keys NUL-free */
}

static void test_strings_are_escaped_like_json_stringify(void **state)
{
    (void)state;
    assert_canon(
        "\"\\u0001\\u001F\\b\\t\\n\\u000b\\f\\r\\\"\\\\\\/"
        "\\u007f\\u2028\\u2029\\u00e9\\ud83d\\ude00\"",
        "\"\\u0001\\u001f\\b\\t\\n\\u000b\\f\\r\\\"\\\\/\x7f\xe2\x80\xa8\xe2\x80\xa9\xc3\xa9"
        "\xf0\x9f\x98\x80\"");
    assert_canon("\"</script>&'\"", "\"</script>&'\"");
}

static void test_keys_sort_by_utf16_code_units(void **state)
{
    (void)state;
    /* U+1F600 is D83D DE00 in UTF-16, before U+E000; UTF-8 bytes would say the opposite. */
    assert_canon("{\"\\ue000\":1,\"\\ud83d\\ude00\":2}",
                 "{\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1}");
    assert_canon("{\"\\uffff\":1,\"\\ud800\\udc00\":2,\"\\ud7ff\":3,\"\\u00e9\":4,\"b\":5,\"a\":6,"
                 "\"ab\":7,\"\":8,\"\\udbff\\udfff\":9,\"\\uf000\":10}",
                 "{\"\":8,\"a\":6,\"ab\":7,\"b\":5,\"\xc3\xa9\":4,\"\xed\x9f\xbf\":3,"
                 "\"\xf0\x90\x80\x80\":2,\"\xf4\x8f\xbf\xbf\":9,\"\xef\x80\x80\":10,"
                 "\"\xef\xbf\xbf\":1}");
}

static void test_large_objects_are_sorted_too(void **state)
{
    (void)state;
    json_t *o = json_object();
    edx_buf want = EDX_BUF_INIT;
    for (int i = 299; i >= 0; i--) {
        char k[16];
        snprintf(k, sizeof k, "k%03d", i);
        json_object_set_new(o, k, json_integer(i));
    }
    for (int i = 0; i < 300; i++)
        edx_buf_printf(&want, "%s\"k%03d\":%d", i ? "," : "{", i, i);
    edx_buf_putc(&want, '}');
    edx_err e;
    edx_buf got = EDX_BUF_INIT;
    edx_buf_puts(&got, "prefix:"); /* edx_jcs appends */
    assert_int_equal(edx_jcs(o, &got, &e), 0);
    assert_string_equal(got.data + 7, want.data);
    edx_buf_free(&got);
    edx_buf_free(&want);
    json_decref(o);
}

static void test_unicode_is_not_normalised(void **state)
{
    (void)state;
    /* NFD "é" (e + U+0301) and NFC "é" are different names and keep their bytes. */
    assert_canon("{\"\\u00e9\":\"e\\u0301\",\"e\\u0301\":\"\\u00e9\"}",
                 "{\"e\xcc\x81\":\"\xc3\xa9\",\"\xc3\xa9\":\"e\xcc\x81\"}");
    assert_canon("\"\\u1e0d\\u0307\"", "\"\xe1\xb8\x8d\xcc\x87\"");
}

static void test_excessive_nesting_is_an_error(void **state)
{
    (void)state;
    json_t *root = json_array(), *cur = root;
    for (int i = 0; i < 5000; i++) {
        json_t *next = json_array();
        json_array_append_new(cur, next);
        cur = next;
    }
    edx_err e;
    edx_buf b = EDX_BUF_INIT;
    assert_int_equal(edx_jcs(root, &b, &e), EDX_EINVAL);
    assert_null(edx_jcs_dump(root, NULL, &e));
    edx_buf_free(&b);
    json_decref(root);
}

/* The oracle helper: hex bit patterns in, Number::toString forms out. */
static int numbers_mode(void)
{
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        if (line[0] == '\n' || line[0] == '\0') continue;
        char *end;
        uint64_t bits = strtoull(line, &end, 16);
        if (end == line) {
            fprintf(stderr, "not a hex bit pattern: %s", line);
            return 2;
        }
        double x;
        memcpy(&x, &bits, sizeof x);
        char out[32];
        if (edx_jcs_number(x, out)) {
            fputs("error\n", stdout);
        } else {
            fputs(out, stdout);
            fputc('\n', stdout);
        }
    }
    return fflush(stdout) ? 1 : 0;
}

static void test_parse_errors_say_where(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"{\"a\":1,}", "line 1 column 8"},
        {"{\"a\":1,\n \"a\":2}", "duplicate key at line 2 column 2"},
        {"[\"\u1ea1\", x]", "invalid token at line 1 column 7"}, /* columns count characters */
        {"[\"abc", "premature end of input"},
        {"[1e999]", "beyond the range of IEEE doubles"},
        {"[\"\\ud800\"]", "lone high surrogate"},
        {"{\"a\" 1}", "':' expected"},
        {"[1 2]", "']' or ',' expected"},
        {"[1.]", "invalid number"},
        {"[\"a\\x\"]", "invalid escape"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = NULL;
        edx_err e;
        edx_err_clear(&e);
        assert_int_equal(edx_jcs_parse(cases[i].in, strlen(cases[i].in), &v, &e), EDX_EINVAL);
        if (!strstr(e.message, cases[i].want))
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i].in, e.message, cases[i].want);
    }
}

static void test_escaped_strings_and_keys_decode(void **state)
{
    (void)state;
    assert_canon("{\"k\\u00e9\\n\":\"\\ud83d\\ude00\\/\\\"\\t\"}",
                 "{\"k\u00e9\\n\":\"\U0001F600/\\\"\\t\"}");
    /* A key longer than the parser's stack copy, with an escape. */
    char in[700], want[700];
    char key[300];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    snprintf(in, sizeof in, "{\"%s\\u0041\":[1,{\"b\":\"\\u0042\"}]}", key);
    snprintf(want, sizeof want, "{\"%sA\":[1,{\"b\":\"B\"}]}", key);
    assert_canon(in, want);
}

/* Values made in an arena scope come from the arena and cost nothing to drop; outside, malloc. */
static void test_arena_scope_builds_and_drops_values(void **state)
{
    (void)state;
    edx_json_init();
    edx_arena a;
    edx_arena_init(&a, 0);
    json_t *outside = json_object();
    for (int round = 0; round < 3; round++) {
        edx_json_use_arena(&a);
        json_t *v = NULL;
        edx_err e;
        const char *in = "{\"b\":[1,2,{\"c\":\"\\u00e9\"}],\"a\":\"x\"}";
        assert_int_equal(edx_jcs_parse(in, strlen(in), &v, &e), 0);
        assert_true(a.total > 0);
        char *text = edx_json_dump(v, NULL); /* plain malloc even here */
        json_decref(v);
        edx_json_use_arena(NULL);
        edx_arena_reset(&a);
        assert_string_equal(text, "{\"b\":[1.0,2.0,{\"c\":\"\u00e9\"}],\"a\":\"x\"}");
        free(text);
    }
    json_object_set_new(outside, "n", json_integer(1));
    assert_int_equal(json_integer_value(json_object_get(outside, "n")), 1);
    json_decref(outside);
    edx_arena_free(&a);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--numbers") == 0) return numbers_mode();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cyberphone_inputs_canonicalise_to_their_outputs),
        cmocka_unit_test(test_numbers_follow_ecmascript_to_string),
        cmocka_unit_test(test_parsed_numbers_are_doubles),
        cmocka_unit_test(test_parse_accepts_any_top_level_value),
        cmocka_unit_test(test_parse_rejects_what_i_json_forbids),
        cmocka_unit_test(test_nul_characters_are_kept_and_escaped),
        cmocka_unit_test(test_strings_are_escaped_like_json_stringify),
        cmocka_unit_test(test_keys_sort_by_utf16_code_units),
        cmocka_unit_test(test_large_objects_are_sorted_too),
        cmocka_unit_test(test_unicode_is_not_normalised),
        cmocka_unit_test(test_excessive_nesting_is_an_error),
        cmocka_unit_test(test_parse_errors_say_where),
        cmocka_unit_test(test_escaped_strings_and_keys_decode),
        cmocka_unit_test(test_arena_scope_builds_and_drops_values),
    };
    return cmocka_run_group_tests_name("jcs", tests, NULL, NULL);
}
