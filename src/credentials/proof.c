/*
 * proof.c: Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite
 * (W3C vc-di-eddsa, sections 3.3.x).
 *
 *   hashData = SHA-256(JCS(proofConfig)) || SHA-256(JCS(document without proof))
 *   proofValue = "z" + base58btc(Ed25519(hashData))
 *
 * proofConfig is the proof without proofValue; it carries the document's
 * @context, and a verifier refuses a document whose @context does not start
 * with the proof's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "credentials/credentials.h"
#include "json/json.h"

#define CRYPTOSUITE "eddsa-jcs-2022"
#define PROOF_TYPE "DataIntegrityProof"

int edx_di_signer_init(edx_di_signer *s, const uint8_t seed[EDX_ED25519_SEED], const char *vm,
                       int64_t created)
{
    memset(s, 0, sizeof *s);
    s->sk = edx_secret_alloc(EDX_ED25519_SK);
    if (!s->sk) return -1;
    edx_ed25519_keypair(seed, s->pk, s->sk);
    if (vm)
        snprintf(s->vm, sizeof s->vm, "%s", vm);
    else
        edx_did_key_vm(s->pk, s->vm);
    edx_time_iso(created, s->created);
    s->purpose = "assertionMethod";
    return 0;
}

int edx_di_signer_clone(edx_di_signer *s, const edx_di_signer *from)
{
    memset(s, 0, sizeof *s);
    s->sk = edx_secret_alloc(EDX_ED25519_SK);
    if (!s->sk) return -1;
    memcpy(s->sk, from->sk, EDX_ED25519_SK);
    memcpy(s->pk, from->pk, sizeof s->pk);
    memcpy(s->vm, from->vm, sizeof s->vm);
    memcpy(s->created, from->created, sizeof s->created);
    s->purpose = from->purpose;
    return 0;
}

void edx_di_signer_free(edx_di_signer *s)
{
    if (!s) return;
    edx_secret_free(s->sk);
    free(s->ctx_jcs);
    edx_buf_free(&s->scratch);
    memset(s, 0, sizeof *s);
}

static int jcs_hash(const json_t *v, edx_buf *scratch, uint8_t out[EDX_SHA256_BYTES],
                    edx_err *err)
{
    edx_buf_reset(scratch);
    if (edx_jcs(v, scratch, err) != 0) return err && err->rc ? err->rc : EDX_EINVAL;
    edx_sha256(scratch->data, scratch->len, out);
    return 0;
}

/* The proof options of the signer, with the document's @context (may be NULL). */
static json_t *proof_config(const edx_di_signer *s, json_t *ctx)
{
    json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", PROOF_TYPE, "cryptosuite", CRYPTOSUITE,
                          "created", s->created, "verificationMethod", s->vm, "proofPurpose",
                          s->purpose);
    /* A copy: the proof must not alias the document's @context. */
    if (p && ctx && json_object_set_new(p, "@context", json_deep_copy(ctx)) != 0) {
        json_decref(p);
        return NULL;
    }
    return p;
}

int edx_di_sign(edx_di_signer *s, json_t *doc, char **text, size_t *text_len, edx_err *err)
{
    uint8_t msg[2 * EDX_SHA256_BYTES], sig[EDX_ED25519_SIG];
    char value[100];
    int rc, before = 0;
    size_t pos = 0;
    edx_buf proof_text = EDX_BUF_INIT;
    if (!json_is_object(doc)) return edx_err_invalid(err, "credential", "a credential is an object");
    if (json_object_get(doc, "proof"))
        return edx_err_invalid(err, "proof", "the credential already has a proof");
    json_t *ctx = json_object_get(doc, "@context");
    json_t *cfg = proof_config(s, ctx);
    if (!cfg) return edx_err_nomem(err);

    /* The proof configuration is the same for a whole batch of one type: hash it once. */
    edx_buf_reset(&s->scratch);
    if (ctx && edx_jcs(ctx, &s->scratch, err) != 0) {
        rc = EDX_EINVAL;
        goto done;
    }
    if (!s->ctx_jcs || s->ctx_len != s->scratch.len ||
        memcmp(s->ctx_jcs, s->scratch.data ? s->scratch.data : "", s->ctx_len) != 0) {
        free(s->ctx_jcs);
        s->ctx_len = s->scratch.len;
        s->ctx_jcs = malloc(s->ctx_len + 1);
        if (!s->ctx_jcs) {
            rc = edx_err_nomem(err);
            goto done;
        }
        memcpy(s->ctx_jcs, s->scratch.data ? s->scratch.data : "", s->ctx_len);
        if ((rc = jcs_hash(cfg, &s->scratch, s->proof_hash, err)) < 0) {
            free(s->ctx_jcs);
            s->ctx_jcs = NULL;
            goto done;
        }
    }
    memcpy(msg, s->proof_hash, EDX_SHA256_BYTES);
    /* One serialisation: hash it, then splice the proof into the same text. */
    edx_buf_reset(&s->scratch);
    if ((rc = edx_jcs_insert_point(doc, "proof", &s->scratch, &pos, &before, err)) < 0) goto done;
    edx_sha256(s->scratch.data, s->scratch.len, msg + EDX_SHA256_BYTES);
    edx_ed25519_sign(s->sk, msg, sizeof msg, sig);
    value[0] = 'z';
    if (edx_base58_encode(sig, sizeof sig, value + 1, sizeof value - 1) == 0) {
        rc = edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "base58 buffer too small");
        goto done;
    }
    if (json_object_set_new(cfg, "proofValue", json_string(value)) != 0) {
        rc = edx_err_nomem(err);
        goto done;
    }
    if (text) {
        edx_buf out = EDX_BUF_INIT;
        if ((rc = edx_jcs(cfg, &proof_text, err)) < 0) goto done;
        edx_buf_reserve(&out, s->scratch.len + proof_text.len + 16);
        edx_buf_append(&out, s->scratch.data, pos);
        if (!before && s->scratch.len > 2) edx_buf_putc(&out, ',');
        edx_buf_puts(&out, "\"proof\":");
        edx_buf_append(&out, proof_text.data, proof_text.len);
        if (before) edx_buf_putc(&out, ',');
        edx_buf_append(&out, s->scratch.data + pos, s->scratch.len - pos);
        if (out.oom) {
            edx_buf_free(&out);
            rc = edx_err_nomem(err);
            goto done;
        }
        *text = edx_buf_steal(&out, text_len);
    }
    if (json_object_set(doc, "proof", cfg) != 0) {
        if (text) {
            free(*text);
            *text = NULL;
        }
        rc = edx_err_nomem(err);
        goto done;
    }
    rc = 0;
done:
    edx_buf_free(&proof_text);
    json_decref(cfg);
    return rc;
}

/* ---- verification -------------------------------------------------------------------------- */

static int fail(edx_di_result *res, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(edx_di_result *res, const char *code, const char *fmt, ...)
{
    va_list ap;
    snprintf(res->code, sizeof res->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(res->detail, sizeof res->detail, fmt, ap);
    va_end(ap);
    return 0;
}

int edx_datetime_stamp(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se, n = 0;
    if (!s || strlen(s) < 20) return 0;
    for (int i = 0; i < 19; i++) {
        char c = s[i];
        int digit = c >= '0' && c <= '9';
        if (i == 4 || i == 7) {
            if (c != '-') return 0;
        } else if (i == 10) {
            if (c != 'T') return 0;
        } else if (i == 13 || i == 16) {
            if (c != ':') return 0;
        } else if (!digit) {
            return 0;
        }
    }
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
        return 0;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') return 0;
        while (*p >= '0' && *p <= '9') p++;
    }
    int off = 0;
    if (p[0] == 'Z' && p[1] == '\0') {
        off = 0;
    } else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':' &&
               p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[4] >= '0' &&
               p[4] <= '5' && p[5] >= '0' && p[5] <= '9') {
        int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
        if (oh > 14) return 0;
        off = (oh * 60 + om) * 60 * (p[0] == '+' ? 1 : -1);
    } else {
        return 0;
    }
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return 0;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap)) return 0;
    /* Days from the civil date (H. Hinnant's algorithm). */
    int64_t yy = y - (mo <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    *out = days * 86400 + h * 3600 + mi * 60 + se - off;
    return 1;
}

/* The document's @context must begin with the proof's (string or array). */
static int context_prefix_ok(const json_t *doc_ctx, const json_t *proof_ctx)
{
    if (!proof_ctx) return 1;
    const json_t *dc = doc_ctx;
    size_t dn = json_is_array(dc) ? json_array_size(dc) : (dc ? 1 : 0);
    size_t pn = json_is_array(proof_ctx) ? json_array_size(proof_ctx) : 1;
    if (pn > dn) return 0;
    for (size_t i = 0; i < pn; i++) {
        const json_t *pv = json_is_array(proof_ctx) ? json_array_get(proof_ctx, i) : proof_ctx;
        const json_t *dv = json_is_array(dc) ? json_array_get(dc, i) : dc;
        if (!json_equal((json_t *)pv, (json_t *)dv)) return 0;
    }
    return 1;
}

static int verify_one(const json_t *doc, json_t *unsecured, const json_t *proof,
                      const char *purpose, edx_di_resolver resolve, void *ctx, edx_buf *scratch,
                      edx_di_result *res)
{
    uint8_t msg[2 * EDX_SHA256_BYTES], sig[80];
    size_t siglen = 0;
    edx_err e;
    edx_err_clear(&e);
    int rc = 0;
    json_t *opts = NULL;

    if (!json_is_object(proof)) return fail(res, "proof_malformed", "the proof is not an object");
    const char *type = json_string_value(json_object_get(proof, "type"));
    const char *suite = json_string_value(json_object_get(proof, "cryptosuite"));
    const char *vm = json_string_value(json_object_get(proof, "verificationMethod"));
    const char *pp = json_string_value(json_object_get(proof, "proofPurpose"));
    const char *pv = json_string_value(json_object_get(proof, "proofValue"));
    const json_t *created = json_object_get(proof, "created");
    const json_t *expires = json_object_get(proof, "expires");
    const json_t *pctx = json_object_get(proof, "@context");
    if (!type || strcmp(type, PROOF_TYPE) != 0)
        return fail(res, "proof_type", "the proof type is not DataIntegrityProof");
    if (!suite || strcmp(suite, CRYPTOSUITE) != 0)
        return fail(res, "cryptosuite_unsupported", "the cryptosuite is not eddsa-jcs-2022");
    if (!vm || !*vm) return fail(res, "proof_malformed", "the proof has no verificationMethod");
    snprintf(res->vm, sizeof res->vm, "%s", vm);
    if (!pp || strcmp(pp, purpose) != 0)
        return fail(res, "proof_purpose", "the proof purpose is not %s", purpose);
    if (created) {
        const char *cs = json_string_value(created);
        if (!cs || !edx_datetime_stamp(cs, &res->created_at))
            return fail(res, "proof_created",
                        "the proof's created date is not an XML Schema dateTimeStamp");
        snprintf(res->created, sizeof res->created, "%s", cs);
    }
    if (expires) {
        int64_t t;
        const char *es = json_string_value(expires);
        if (!es || !edx_datetime_stamp(es, &t))
            return fail(res, "proof_expires", "the proof's expires date is malformed");
        if (t < edx_now()) return fail(res, "proof_expired", "the proof expired at %s", es);
    }
    if (pctx && !json_is_array(pctx) && !json_is_string(pctx))
        return fail(res, "proof_malformed", "the proof's @context is neither a string nor a list");
    if (!context_prefix_ok(json_object_get(doc, "@context"), pctx))
        return fail(res, "context_mismatch",
                    "the credential's @context does not start with the proof's @context");
    if (!pv || pv[0] != 'z')
        return fail(res, "proof_value_encoding",
                    "the proofValue is not multibase base58btc (it must start with 'z')");
    if (edx_base58_decode(pv + 1, strlen(pv + 1), sig, sizeof sig, &siglen) != 0)
        return fail(res, "proof_value_encoding", "the proofValue is not valid base58btc");
    if (siglen != EDX_ED25519_SIG)
        return fail(res, "proof_value_length",
                    "the proofValue holds %zu bytes; an Ed25519 signature has 64", siglen);

    if (resolve(ctx, vm, &res->key, &e) < 0)
        return fail(res, e.code[0] ? e.code : "key_unresolved", "%s", e.message);

    /* proofConfig: the proof without proofValue; the unsecured document takes its @context. */
    opts = json_copy((json_t *)proof); /* shallow: only proofValue is removed */
    if (!opts || json_object_del(opts, "proofValue") != 0) {
        rc = -1;
        goto done;
    }
    if (pctx && json_object_set(unsecured, "@context", (json_t *)pctx) != 0) {
        rc = -1;
        goto done;
    }
    if (jcs_hash(opts, scratch, msg, &e) < 0) {
        rc = fail(res, "proof_malformed", "the proof cannot be canonicalised: %s", e.message);
        goto done;
    }
    if (jcs_hash(unsecured, scratch, msg + EDX_SHA256_BYTES, &e) < 0) {
        rc = fail(res, "syntax", "the credential cannot be canonicalised: %s", e.message);
        goto done;
    }
    if (!edx_ed25519_verify(res->key.pk, msg, sizeof msg, sig)) {
        rc = fail(res, "signature_invalid",
                  "the signature does not match: the credential was changed or signed by "
                  "another key");
        goto done;
    }
    rc = 1;
done:
    json_decref(opts);
    return rc;
}

int edx_di_verify(const json_t *doc, const char *purpose, edx_di_resolver resolve, void *ctx,
                  edx_buf *scratch, edx_di_result *res)
{
    memset(res, 0, sizeof *res);
    if (!json_is_object(doc)) return fail(res, "syntax", "a credential is a JSON object");
    const json_t *proof = json_object_get(doc, "proof");
    if (!proof) return fail(res, "proof_missing", "the credential has no proof");
    if (json_is_array(proof) && json_array_size(proof) == 0)
        return fail(res, "proof_missing", "the credential has no proof");
    size_t n = json_is_array(proof) ? json_array_size(proof) : 1;
    int rc = 1;
    for (size_t i = 0; i < n && rc == 1; i++) {
        const json_t *one = json_is_array(proof) ? json_array_get(proof, i) : proof;
        /* Each proof of a set covers the document without any proof. */
        json_t *unsecured = json_copy((json_t *)doc);
        if (!unsecured || json_object_del(unsecured, "proof") != 0) {
            json_decref(unsecured);
            return -1;
        }
        rc = verify_one(doc, unsecured, one, purpose, resolve, ctx, scratch, res);
        json_decref(unsecured);
    }
    if (rc == 1) snprintf(res->code, sizeof res->code, "ok");
    return rc;
}
