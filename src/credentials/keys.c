/*
 * keys.c: issuer keys. Each unit signs with its newest unretired Ed25519 key;
 * older keys stay listed (with the time they stopped signing) so credentials
 * signed before a rotation still resolve and verify.
 *
 * At rest a key is its public Multikey and its 32-byte seed sealed with
 * crypto_secretbox (XSalsa20-Poly1305) under the master key: nonce || box,
 * base64url. An opened seed is checked against the stored public key, so a
 * sealed seed copied onto another key's row is refused.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/timeutil.h"
#include "credentials/credentials.h"
#include "credentials/cred_int.h"
#include "json/json.h"

#define SEALED_BYTES (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + EDX_ED25519_SEED)

static int seal(const uint8_t *master, const uint8_t seed[EDX_ED25519_SEED], char *out,
                size_t cap)
{
    uint8_t box[SEALED_BYTES];
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, seed, EDX_ED25519_SEED, box, master);
    if (cap < edx_b64url_len(sizeof box)) return -1;
    edx_b64url(box, sizeof box, out);
    return 0;
}

static int unseal(const uint8_t *master, const char *sealed, const char *public_mb,
                  uint8_t seed[EDX_ED25519_SEED], uint8_t pk[EDX_ED25519_PK], edx_err *err)
{
    uint8_t box[SEALED_BYTES + 4], sk[EDX_ED25519_SK];
    char mk[EDX_MULTIKEY_CHARS];
    size_t n = 0;
    if (edx_b64url_decode(sealed, strlen(sealed), box, sizeof box, &n) != 0 || n != SEALED_BYTES ||
        crypto_secretbox_open_easy(seed, box + crypto_secretbox_NONCEBYTES,
                                   n - crypto_secretbox_NONCEBYTES, box, master) != 0)
        return edx_err_set(err, EDX_EINTERNAL, 500, "key_unsealable", "",
                           "an issuer key cannot be opened: wrong master key file?");
    edx_ed25519_keypair(seed, pk, sk);
    edx_wipe(sk, sizeof sk);
    edx_multikey_from_ed25519(pk, mk);
    if (strcmp(mk, public_mb) != 0) {
        edx_wipe(seed, EDX_ED25519_SEED);
        return edx_err_set(err, EDX_EINTERNAL, 500, "key_mismatch", "",
                           "an issuer key's sealed seed does not match its public key");
    }
    return 0;
}

/* Make a new key for the unit inside the caller's transaction. */
static int key_create(edx_db *db, const edx_cred_env *env, int64_t unit_id, int64_t now,
                      int64_t *key_id, uint8_t seed[EDX_ED25519_SEED],
                      uint8_t pk[EDX_ED25519_PK], edx_err *err)
{
    uint8_t sk[EDX_ED25519_SK];
    char mk[EDX_MULTIKEY_CHARS], sealed[128];
    edx_random(seed, EDX_ED25519_SEED);
    edx_ed25519_keypair(seed, pk, sk);
    edx_wipe(sk, sizeof sk);
    edx_multikey_from_ed25519(pk, mk);
    if (seal(env->master_key, seed, sealed, sizeof sealed) != 0) return edx_err_nomem(err);
    int rc = edx_db_exec(db,
                         "INSERT INTO cred_keys (unit_id, public_multibase, sealed_seed, created_at)"
                         " VALUES (?, ?, ?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(unit_id), EDX_DB_TEXT(mk), EDX_DB_TEXT(sealed),
                                     EDX_DB_INT(now)),
                         err);
    if (rc < 0) return rc;
    if ((rc = edx_db_query_int(db, "SELECT id FROM cred_keys WHERE public_multibase = ?",
                               EDX_DB_ARGS(EDX_DB_TEXT(mk)), key_id, err)) < 0)
        return rc;
    json_t *detail = json_pack("{s:s}", "publicKeyMultibase", mk);
    char target[48];
    snprintf(target, sizeof target, "unit-id:%lld", (long long)unit_id);
    rc = edx_audit_append(db, "system:keys", "credential.key_create", target, NULL, NULL, detail,
                          err);
    json_decref(detail);
    return rc;
}

int edx_cred_key_active(edx_db *db, const edx_cred_env *env, int64_t unit_id, int64_t *key_id,
                        uint8_t seed[EDX_ED25519_SEED], uint8_t pk[EDX_ED25519_PK], edx_err *err)
{
    return cred_key_open(db, env, unit_id, 1, key_id, seed, pk, err);
}

int cred_key_open(edx_db *db, const edx_cred_env *env, int64_t unit_id, int create,
                  int64_t *key_id, uint8_t seed[EDX_ED25519_SEED], uint8_t pk[EDX_ED25519_PK],
                  edx_err *err)
{
    edx_rows *r = NULL;
    if (!env->master_key)
        return edx_err_set(err, EDX_EINVAL, 500, "no_master_key", "",
                           "this process has no master key file: it cannot sign");
    int rc = edx_db_query(db, &r,
                          "SELECT id, public_multibase, sealed_seed FROM cred_keys"
                          " WHERE unit_id = ? AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
                          EDX_DB_ARGS(EDX_DB_INT(unit_id)), err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc > 0) {
        *key_id = edx_rows_int(r, 0);
        rc = unseal(env->master_key, edx_rows_text(r, 2), edx_rows_text(r, 1), seed, pk, err);
        edx_rows_close(r);
        return rc;
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (!create)
        return edx_err_set(err, EDX_ECONFLICT, 409, "no_signing_key", "",
                           "the unit has no signing key yet");
    if (!edx_db_in_tx(db))
        return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "",
                           "a unit's first key is made inside a write transaction");
    return key_create(db, env, unit_id, edx_now(), key_id, seed, pk, err);
}

static json_t *key_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    const char *mb = edx_rows_text(r, 1);
    char did[EDX_DID_MAX];
    snprintf(did, sizeof did, "did:key:%s", mb);
    return json_pack("{s:I,s:s,s:s,s:o,s:o,s:s}", "id", (json_int_t)edx_rows_int(r, 0),
                     "publicKeyMultibase", mb, "did", did, "created",
                     cred_time_json(edx_rows_int(r, 2)), "retired",
                     cred_time_json(edx_rows_isnull(r, 3) ? 0 : edx_rows_int(r, 3)), "status",
                     edx_rows_isnull(r, 3) ? "active" : "retired");
}

static int keys_json(edx_db *db, int64_t unit_id, json_t **out, edx_err *err)
{
    return edx_db_query_array(db,
                              "SELECT id, public_multibase, created_at, retired_at FROM cred_keys"
                              " WHERE unit_id = ? ORDER BY id DESC",
                              EDX_DB_ARGS(EDX_DB_INT(unit_id)), key_row, NULL, out, err);
}

int edx_cred_keys_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit_code,
                       json_t **out, edx_err *err)
{
    edx_unit_ref u;
    int rc = edx_unit_ref_get(db, a, p, unit_code, 0, "unit", &u, err);
    if (rc < 0) return rc;
    return keys_json(db, u.id, out, err);
}

int edx_cred_key_rotate(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                        const char *unit_code, json_t **out, edx_err *err)
{
    edx_unit_ref u;
    uint8_t seed[EDX_ED25519_SEED], pk[EDX_ED25519_PK];
    int64_t key_id = 0, now = edx_now();
    if (!env->master_key)
        return edx_err_set(err, EDX_EINVAL, 500, "no_master_key", "",
                           "this process has no master key file: it cannot make keys");
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = edx_unit_ref_get(db, a, p, unit_code, 1, "unit", &u, err)) < 0) goto done;
    if ((rc = edx_db_lock(db, CRED_LOCK_BASE + u.id, err)) < 0) goto done;
    if ((rc = edx_db_exec(db,
                          "UPDATE cred_keys SET retired_at = ? WHERE unit_id = ?"
                          " AND retired_at IS NULL",
                          EDX_DB_ARGS(EDX_DB_INT(now), EDX_DB_INT(u.id)), err)) < 0)
        goto done;
    if ((rc = key_create(db, env, u.id, now, &key_id, seed, pk, err)) < 0) goto done;
    edx_wipe(seed, sizeof seed);
    {
        char mk[EDX_MULTIKEY_CHARS];
        edx_multikey_from_ed25519(pk, mk);
        json_t *detail = json_pack("{s:s}", "publicKeyMultibase", mk);
        char target[64];
        snprintf(target, sizeof target, "unit:%s", u.code);
        rc = edx_audit_commit(db, p->actor, "credential.key_rotate", target, NULL, NULL, detail, 0,
                              err);
        json_decref(detail);
        if (rc < 0) return rc;
    }
    return keys_json(db, u.id, out, err);
done:
    edx_wipe(seed, sizeof seed);
    edx_db_rollback(db);
    return rc;
}

/* did:web:host[:path]:units:CODE#z6Mk… or did:key:z6Mk…#z6Mk… → a key this store holds. */
int edx_cred_store_resolve(void *ctx, const char *vm, edx_di_key *key, edx_err *err)
{
    edx_db *db = ctx;
    edx_rows *r = NULL;
    const char *frag = strchr(vm, '#');
    int rc;
    memset(key, 0, sizeof *key);
    if (strncmp(vm, "did:key:", 8) == 0) {
        if ((rc = edx_did_key_resolve(NULL, vm, key, err)) < 0) return rc;
    } else if (strncmp(vm, "did:web:", 8) == 0 && frag) {
        char why[96];
        if (edx_multikey_decode_ed25519(frag + 1, 0, key->pk, why) != 0)
            return edx_err_set(err, EDX_EINVAL, 400, "key_unresolved", "verificationMethod",
                               "the did:web method's fragment is not a key: %s", why);
        snprintf(key->controller, sizeof key->controller, "%.*s", (int)(frag - vm), vm);
    } else {
        return edx_err_set(err, EDX_ENOTFOUND, 400, "key_unresolved", "verificationMethod",
                           "the verification method %.*s cannot be resolved", 120, vm);
    }
    char mk[EDX_MULTIKEY_CHARS];
    edx_multikey_from_ed25519(key->pk, mk);
    rc = edx_db_query(db, &r,
                      "SELECT k.retired_at, u.code FROM cred_keys k JOIN units u ON u.id = k.unit_id"
                      " WHERE k.public_multibase = ?",
                      EDX_DB_ARGS(EDX_DB_TEXT(mk)), err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    int found = rc > 0;
    if (found) {
        key->retired_at = edx_rows_isnull(r, 0) ? 0 : edx_rows_int(r, 0);
        if (strncmp(vm, "did:web:", 8) == 0) {
            /* A did:web method must name the unit that holds the key. */
            const char *code = edx_rows_text(r, 1);
            size_t cl = strlen(code), n = (size_t)(frag - vm);
            if (n < cl + 7 || memcmp(vm + n - cl, code, cl) != 0 ||
                memcmp(vm + n - cl - 7, ":units:", 7) != 0)
                found = 0;
        }
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (!found && strncmp(vm, "did:web:", 8) == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 400, "key_unresolved", "verificationMethod",
                           "no issuer of this deployment has the key %s", mk);
    return 0;
}

int edx_cred_did_document(edx_db *db, edx_arena *a, const edx_cred_env *env, const char *unit_code,
                          json_t **out, edx_err *err)
{
    edx_unit_ref u;
    edx_principal sys;
    json_t *keys = NULL, *doc = NULL;
    int rc;
    edx_principal_system(&sys);
    if (unit_code) {
        rc = edx_unit_ref_get(db, a, &sys, unit_code, 0, "code", &u, err);
    } else {
        int64_t root = 0;
        rc = edx_db_query_int(db, "SELECT id FROM units WHERE depth = 0 ORDER BY id LIMIT 1",
                              EDX_DB_NOARGS, &root, err);
        if (rc == 0) return edx_err_notfound(err, "the deployment's root unit");
        if (rc > 0) rc = edx_unit_ref_by_id(db, a, root, &u, err) > 0 ? 0 : EDX_ENOTFOUND;
    }
    if (rc < 0) return rc;
    if ((rc = keys_json(db, u.id, &keys, err)) < 0) return rc;
    const char *did = edx_did_web(a, env->public_url, unit_code);
    json_t *vms = json_array(), *assertion = json_array(), *auth = json_array(),
           *aka = json_array();
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k) {
        const char *mb = json_string_value(json_object_get(k, "publicKeyMultibase"));
        char *id = edx_arena_printf(a, "%s#%s", did, mb);
        json_t *vm = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "type", "Multikey", "controller",
                               did, "publicKeyMultibase", mb);
        const char *retired = json_string_value(json_object_get(k, "retired"));
        /* A retired key stopped signing then; proofs created before it still verify. */
        if (retired) json_object_set_new(vm, "expires", json_string(retired));
        else json_array_append_new(auth, json_string(id));
        json_array_append_new(vms, vm);
        json_array_append_new(assertion, json_string(id));
        json_array_append(aka, json_object_get(k, "did"));
    }
    doc = json_pack("{s:[s,s],s:s,s:s,s:o,s:o,s:o,s:o}", "@context", "https://www.w3.org/ns/did/v1",
                    "https://w3id.org/security/multikey/v1", "id", did, "name", u.name,
                    "alsoKnownAs", aka, "verificationMethod", vms, "assertionMethod", assertion,
                    "authentication", auth);
    json_decref(keys);
    if (!doc) return edx_err_nomem(err);
    *out = doc;
    return 0;
}
