/*
 * Unit tests of the credential primitives: base58/multikey/did:key, the
 * eddsa-jcs-2022 proof against the W3C vc-di-eddsa test vector, and the
 * verifier's refusals (tampering, context prefix, purpose, dates, keys).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/gzip.h"
#include "credentials/cred_int.h"
#include "credentials/credentials.h"
#include "crypto/crypto.h"
#include "json/json.h"

/* W3C vc-di-eddsa TestVectors (keyPair.json, eddsa-jcs-2022/). */
#define TV_PUBLIC "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
#define TV_SECRET "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
#define TV_VM "did:key:" TV_PUBLIC "#" TV_PUBLIC
#define TV_CREATED 1677281798 /* 2023-02-24T23:36:38Z */
#define TV_PROOF_VALUE                                                                             \
    "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
#define TV_DOC_HASH "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
#define TV_PROOF_HASH "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db"
static const char *TV_UNSIGNED =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\",\"https://www.w3.org/ns/credentials/"
    "examples/v2\"],\"id\":\"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33\",\"type\":["
    "\"VerifiableCredential\",\"AlumniCredential\"],\"name\":\"Alumni Credential\",\"description\":"
    "\"A minimum viable example of an Alumni Credential.\",\"issuer\":\"https://vc.example/issuers/"
    "5678\",\"validFrom\":\"2023-01-01T00:00:00Z\",\"credentialSubject\":{\"id\":\"did:example:"
    "abcdefgh\",\"alumniOf\":\"The School of Examples\"}}";

static json_t *parse(const char *s)
{
    json_t *v = NULL;
    edx_err e;
    assert_int_equal(edx_jcs_parse(s, strlen(s), &v, &e), 0);
    return v;
}

static void tv_seed(uint8_t seed[32])
{
    char why[96];
    assert_int_equal(edx_multikey_decode_ed25519(TV_SECRET, 1, seed, why), 0);
}

static json_t *tv_signed(void)
{
    uint8_t seed[32];
    tv_seed(seed);
    edx_di_signer s;
    assert_int_equal(edx_di_signer_init(&s, seed, TV_VM, TV_CREATED), 0);
    json_t *doc = parse(TV_UNSIGNED);
    edx_err e;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(edx_di_sign(&s, doc, &text, &len, &e), 0);
    /* The spliced text is exactly the canonical form of the signed document. */
    edx_buf b = EDX_BUF_INIT;
    assert_int_equal(edx_jcs(doc, &b, &e), 0);
    assert_int_equal(len, b.len);
    assert_memory_equal(text, b.data, len);
    edx_buf_free(&b);
    free(text);
    edx_di_signer_free(&s);
    edx_wipe(seed, sizeof seed);
    return doc;
}

static int verify(const json_t *doc, edx_di_result *res)
{
    edx_buf scratch = EDX_BUF_INIT;
    int rc = edx_di_verify(doc, "assertionMethod", edx_did_key_resolve, NULL, &scratch, res);
    edx_buf_free(&scratch);
    return rc;
}

static void test_base58_round_trips_and_keeps_leading_zeros(void **state)
{
    (void)state;
    uint8_t in[40], out[64];
    char enc[80];
    size_t n;
    for (int round = 0; round < 200; round++) {
        size_t len = (size_t)(round % 40);
        edx_random(in, len);
        if (round % 3 == 0 && len > 2) in[0] = in[1] = 0;
        assert_true(edx_base58_encode(in, len, enc, sizeof enc) > 0 || len == 0);
        assert_int_equal(edx_base58_decode(enc, strlen(enc), out, sizeof out, &n), 0);
        assert_int_equal(n, len);
        assert_memory_equal(in, out, len);
    }
    /* "Hello World!" from the base58 draft. */
    assert_true(edx_base58_encode((const uint8_t *)"Hello World!", 12, enc, sizeof enc) > 0);
    assert_string_equal(enc, "2NEpo7TZRRrLZSi2U");
    assert_int_equal(edx_base58_decode("0OIl", 4, out, sizeof out, &n), -1);
}

static void test_multikey_and_did_key_of_the_test_vector(void **state)
{
    (void)state;
    uint8_t seed[32], pk[32], sk[64];
    char mk[EDX_MULTIKEY_CHARS], did[EDX_DID_MAX], why[96];
    tv_seed(seed);
    edx_ed25519_keypair(seed, pk, sk);
    edx_multikey_from_ed25519(pk, mk);
    assert_string_equal(mk, TV_PUBLIC);
    edx_did_key(pk, did);
    assert_string_equal(did, "did:key:" TV_PUBLIC);
    uint8_t back[32];
    assert_int_equal(edx_multikey_decode_ed25519(TV_PUBLIC, 0, back, why), 0);
    assert_memory_equal(back, pk, 32);
    /* A public key is not a secret key and the other way round. */
    assert_int_equal(edx_multikey_decode_ed25519(TV_PUBLIC, 1, back, why), -1);
    assert_non_null(strstr(why, "prefix"));
    assert_int_equal(edx_multikey_decode_ed25519(TV_SECRET, 0, back, why), -1);
}

static void test_eddsa_jcs_2022_reproduces_the_w3c_test_vector(void **state)
{
    (void)state;
    json_t *unsigned_doc = parse(TV_UNSIGNED);
    edx_buf b = EDX_BUF_INIT;
    edx_err e;
    char hex[EDX_SHA256_HEX];
    assert_int_equal(edx_jcs(unsigned_doc, &b, &e), 0);
    edx_sha256_hex(b.data, b.len, hex);
    assert_string_equal(hex, TV_DOC_HASH);
    edx_buf_free(&b);

    json_t *doc = tv_signed();
    json_t *proof = json_object_get(doc, "proof");
    assert_string_equal(json_string_value(json_object_get(proof, "proofValue")), TV_PROOF_VALUE);
    assert_string_equal(json_string_value(json_object_get(proof, "created")),
                        "2023-02-24T23:36:38Z");
    /* The proof configuration hash: the proof without proofValue. */
    json_t *cfg = json_deep_copy(proof);
    json_object_del(cfg, "proofValue");
    assert_int_equal(edx_jcs(cfg, &b, &e), 0);
    edx_sha256_hex(b.data, b.len, hex);
    assert_string_equal(hex, TV_PROOF_HASH);
    edx_buf_free(&b);

    edx_di_result res;
    assert_int_equal(verify(doc, &res), 1);
    assert_string_equal(res.code, "ok");
    assert_string_equal(res.key.controller, "did:key:" TV_PUBLIC);
    json_decref(cfg);
    json_decref(doc);
    json_decref(unsigned_doc);
}

/* Change every byte of the signed text in turn: whatever still parses must fail. */
static void test_verify_rejects_a_change_to_any_byte(void **state)
{
    (void)state;
    json_t *doc = tv_signed();
    edx_buf b = EDX_BUF_INIT;
    edx_err e;
    assert_int_equal(edx_jcs(doc, &b, &e), 0);
    int parsed = 0;
    for (size_t i = 0; i < b.len; i++) {
        char *copy = malloc(b.len + 1);
        memcpy(copy, b.data, b.len + 1);
        char c = copy[i];
        copy[i] = (char)(c == 'a' ? 'b' : c == '0' ? '1' : c == 'Z' ? 'Y' : c ^ 1);
        json_t *t = NULL;
        if (edx_jcs_parse(copy, b.len, &t, &e) == 0) {
            edx_di_result res;
            parsed++;
            if (verify(t, &res) == 1) fail_msg("change at byte %zu (%c) still verifies", i, c);
            json_decref(t);
        }
        free(copy);
    }
    assert_true(parsed > (int)b.len / 2);
    edx_buf_free(&b);
    json_decref(doc);
}

static void test_reordered_members_still_verify(void **state)
{
    (void)state;
    json_t *doc = tv_signed();
    /* Build the same credential with members in reverse order. */
    json_t *rev = json_object();
    const char *keys[64];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v) keys[n++] = k;
    while (n-- > 0) json_object_set(rev, keys[n], json_object_get(doc, keys[n]));
    edx_di_result res;
    assert_int_equal(verify(rev, &res), 1);
    json_decref(rev);
    json_decref(doc);
}

static void expect_failure(json_t *doc, const char *code)
{
    edx_di_result res;
    assert_int_equal(verify(doc, &res), 0);
    if (strcmp(res.code, code) != 0) fail_msg("expected %s, got %s (%s)", code, res.code, res.detail);
    json_decref(doc);
}

static void test_verify_refusals_name_the_reason(void **state)
{
    (void)state;
    json_t *d, *p;

    d = tv_signed(); /* the document's @context misses the proof's prefix */
    json_array_remove(json_object_get(d, "@context"), 1);
    expect_failure(d, "context_mismatch");

    d = tv_signed();
    json_object_set_new(json_object_get(d, "proof"), "proofPurpose", json_string("authentication"));
    expect_failure(d, "proof_purpose");

    d = tv_signed();
    json_object_set_new(json_object_get(d, "proof"), "created", json_string("2023-02-24 23:36:38"));
    expect_failure(d, "proof_created");

    d = tv_signed(); /* a did:key whose multicodec prefix is not Ed25519 (0x1200: P-256) */
    {
        uint8_t raw[35] = {0x80, 0x24, 0x02};
        char mb[80] = "z", vm[200];
        edx_base58_encode(raw, sizeof raw, mb + 1, sizeof mb - 1);
        snprintf(vm, sizeof vm, "did:key:%s#%s", mb, mb);
        json_object_set_new(json_object_get(d, "proof"), "verificationMethod", json_string(vm));
    }
    expect_failure(d, "did_key_prefix");

    d = tv_signed();
    json_object_set_new(json_object_get(d, "proof"), "proofValue", json_string("z0OIl0OIl"));
    expect_failure(d, "proof_value_encoding");

    d = tv_signed();
    json_object_set_new(json_object_get(d, "proof"), "proofValue", json_string("u" "AAAA"));
    expect_failure(d, "proof_value_encoding");

    d = tv_signed(); /* truncated proofValue */
    p = json_object_get(d, "proof");
    {
        char pv[120];
        snprintf(pv, sizeof pv, "%s", json_string_value(json_object_get(p, "proofValue")));
        pv[40] = '\0';
        json_object_set_new(p, "proofValue", json_string(pv));
    }
    expect_failure(d, "proof_value_length");

    d = tv_signed(); /* a proof that names another key */
    {
        uint8_t seed[32], pk[32], sk[64];
        char vm[EDX_DID_MAX];
        edx_random(seed, sizeof seed);
        edx_ed25519_keypair(seed, pk, sk);
        edx_did_key_vm(pk, vm);
        json_object_set_new(json_object_get(d, "proof"), "verificationMethod", json_string(vm));
    }
    expect_failure(d, "signature_invalid");

    d = tv_signed();
    json_object_del(d, "proof");
    expect_failure(d, "proof_missing");

    d = tv_signed();
    json_object_set_new(json_object_get(d, "proof"), "cryptosuite", json_string("eddsa-rdfc-2022"));
    expect_failure(d, "cryptosuite_unsupported");
}

static void test_proof_sets_verify_every_proof(void **state)
{
    (void)state;
    json_t *d = tv_signed();
    json_t *p = json_object_get(d, "proof");
    json_t *set = json_array();
    json_array_append(set, p);
    json_array_append(set, p);
    json_object_set_new(d, "proof", set);
    edx_di_result res;
    assert_int_equal(verify(d, &res), 1);
    json_t *bad = json_deep_copy(p);
    json_object_set_new(bad, "created", json_string("2024-01-01T00:00:00Z"));
    json_array_append_new(set, bad);
    assert_int_equal(verify(d, &res), 0);
    json_decref(d);
}

static void test_datetime_stamps(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(edx_datetime_stamp("2023-02-24T23:36:38Z", &t), 1);
    assert_int_equal(t, TV_CREATED);
    assert_int_equal(edx_datetime_stamp("2023-02-25T06:36:38+07:00", &t), 1);
    assert_int_equal(t, TV_CREATED);
    assert_int_equal(edx_datetime_stamp("2023-02-24T23:36:38.123Z", &t), 1);
    const char *bad[] = {"2023-02-24T23:36:38", "2023-02-30T00:00:00Z", "2023-2-24T23:36:38Z",
                         "2023-02-24 23:36:38Z", "2023-02-24T24:00:00Z", "2023-02-24T23:36:38z",
                         "2023-02-24T23:36:38+0700", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(edx_datetime_stamp(bad[i], &t), 0);
}

static void test_did_web_names(void **state)
{
    (void)state;
    edx_arena a;
    edx_arena_init(&a, 0);
    assert_string_equal(edx_did_web(&a, "https://edudx.moet.gov.vn", NULL),
                        "did:web:edudx.moet.gov.vn");
    assert_string_equal(edx_did_web(&a, "http://127.0.0.1:8080/", "THPT-CVA"),
                        "did:web:127.0.0.1%3A8080:units:THPT-CVA");
    assert_string_equal(edx_did_web(&a, "https://edu.vn/vc", NULL), "did:web:edu.vn:vc");
    edx_arena_free(&a);
}

static void test_gzip_round_trip_and_bombs(void **state)
{
    (void)state;
    static uint8_t zeros[16384];
    edx_buf z = EDX_BUF_INIT, out = EDX_BUF_INIT;
    assert_int_equal(edx_gzip(zeros, sizeof zeros, &z), 0);
    assert_int_equal(edx_gunzip(z.data, z.len, 1 << 20, &out), 0);
    assert_int_equal(out.len, sizeof zeros);
    edx_buf_reset(&out);
    assert_int_equal(edx_gunzip(z.data, z.len, 1000, &out), -1); /* over the limit */
    assert_int_equal(edx_gunzip(z.data, z.len - 3, 1 << 20, &out), -1); /* truncated */
    z.data[z.len / 2] ^= 0x55;
    assert_int_equal(edx_gunzip(z.data, z.len, 1 << 20, &out), -1); /* corrupt */
    edx_buf_free(&z);
    edx_buf_free(&out);
}

static void test_status_lists_decode_and_refuse_bad_lists(void **state)
{
    (void)state;
    edx_buf bits = EDX_BUF_INIT, z = EDX_BUF_INIT;
    edx_err e;
    /* The example of Bitstring Status List v1.0: 131,072 entries, all clear. */
    assert_int_equal(edx_status_list_decode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3"
                                            "AYbSVKsAQAAA",
                                            &bits, &e),
                     0);
    assert_int_equal(bits.len, 16384);
    for (size_t i = 0; i < bits.len; i++) assert_int_equal(bits.data[i], 0);
    assert_int_equal(edx_status_bit(&bits, 0), 0);
    assert_int_equal(edx_status_bit(&bits, 131072), -1);
    edx_buf_free(&bits);

    /* Index 0 is the most significant bit of byte 0. */
    static uint8_t raw[16384];
    raw[0] = 0x80;
    raw[1] = 0x01;
    assert_int_equal(edx_gzip(raw, sizeof raw, &z), 0);
    char *enc = malloc(edx_b64url_len(z.len) + 2);
    enc[0] = 'u';
    edx_b64url((const uint8_t *)z.data, z.len, enc + 1);
    assert_int_equal(edx_status_list_decode(enc, &bits, &e), 0);
    assert_int_equal(edx_status_bit(&bits, 0), 1);
    assert_int_equal(edx_status_bit(&bits, 1), 0);
    assert_int_equal(edx_status_bit(&bits, 15), 1);
    edx_buf_free(&bits);
    free(enc);
    edx_buf_free(&z);

    /* Too short: 1,000 bytes are 8,000 entries. */
    assert_int_equal(edx_gzip(raw, 1000, &z), 0);
    enc = malloc(edx_b64url_len(z.len) + 2);
    enc[0] = 'u';
    edx_b64url((const uint8_t *)z.data, z.len, enc + 1);
    assert_int_equal(edx_status_list_decode(enc, &bits, &e), EDX_EINVAL);
    assert_string_equal(e.code, "status_list_length");
    edx_buf_free(&bits);
    free(enc);
    edx_buf_free(&z);

    /* Not gzip, not base64url, not multibase 'u'. */
    assert_int_equal(edx_status_list_decode("uAAAAAAAAAAAAAAAA", &bits, &e), EDX_EINVAL);
    assert_string_equal(e.code, "status_list_gzip");
    assert_int_equal(edx_status_list_decode("u!!!!", &bits, &e), EDX_EINVAL);
    assert_string_equal(e.code, "status_list_encoding");
    assert_int_equal(edx_status_list_decode("zH4sIAAAAAAAAA", &bits, &e), EDX_EINVAL);
    assert_string_equal(e.code, "status_list_encoding");
    assert_int_equal(edx_status_list_decode("", &bits, &e), EDX_EINVAL);
    edx_buf_free(&bits);
}

/* Stored documents: packed and unpacked byte for byte; older plain-text rows read as they are. */
static void test_stored_documents_pack_and_unpack(void **state)
{
    (void)state;
    cred_packer p = {0};
    edx_buf text = EDX_BUF_INIT, packed = EDX_BUF_INIT, back = EDX_BUF_INIT;
    for (int i = 0; i < 200; i++)
        edx_buf_printf(&text, "%s{\"id\":\"urn:uuid:%08d\",\"name\":\"Nguy\xe1\xbb\x85n V\xc4\x83n %d\"}",
                       i ? "" : "[", i, i * 7919);
    edx_buf_putc(&text, ']');
    assert_int_equal(cred_doc_pack(&p, text.data, text.len, &packed), 0);
    assert_int_equal((unsigned char)packed.data[0], 0x01);
    assert_true(packed.len < text.len / 3);
    assert_int_equal(cred_doc_unpack(packed.data, packed.len, &back), 0);
    assert_int_equal(back.len, text.len);
    assert_memory_equal(back.data, text.data, text.len);
    /* A row from before compression: its JCS text. */
    edx_buf_reset(&back);
    assert_int_equal(cred_doc_unpack("{\"a\":1}", 7, &back), 0);
    assert_string_equal(back.data, "{\"a\":1}");
    /* Corrupt values are refused, never half-read. */
    edx_buf_reset(&back);
    assert_int_equal(cred_doc_unpack("", 0, &back), -1);
    assert_int_equal(cred_doc_unpack("\x02xyz", 4, &back), -1);
    assert_int_equal(cred_doc_unpack(packed.data, packed.len / 2, &back), -1);
    packed.data[packed.len - 3] ^= 0x55;
    assert_int_equal(cred_doc_unpack(packed.data, packed.len, &back), -1); /* the checksum */
    cred_packer_free(&p);
    edx_buf_free(&text);
    edx_buf_free(&packed);
    edx_buf_free(&back);
}

int main(void)
{
    if (edx_crypto_init() != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base58_round_trips_and_keeps_leading_zeros),
        cmocka_unit_test(test_multikey_and_did_key_of_the_test_vector),
        cmocka_unit_test(test_eddsa_jcs_2022_reproduces_the_w3c_test_vector),
        cmocka_unit_test(test_verify_rejects_a_change_to_any_byte),
        cmocka_unit_test(test_reordered_members_still_verify),
        cmocka_unit_test(test_verify_refusals_name_the_reason),
        cmocka_unit_test(test_proof_sets_verify_every_proof),
        cmocka_unit_test(test_datetime_stamps),
        cmocka_unit_test(test_did_web_names),
        cmocka_unit_test(test_gzip_round_trip_and_bombs),
        cmocka_unit_test(test_status_lists_decode_and_refuse_bad_lists),
        cmocka_unit_test(test_stored_documents_pack_and_unpack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
