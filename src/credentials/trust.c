/*
 * trust.c: the registry of issuers accredited by the Ministry: which unit,
 * from when until when, for which credential types, under which decision.
 * The export is itself a verifiable credential signed by the root unit, so an
 * offline verifier can check it once and then trust the keys inside.
 */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "credentials/cred_int.h"
#include "json/json.h"

/* "diploma transcript" ← ["diploma","transcript"] (validated); "*" means every type. */
static int types_text(edx_arena *a, json_t *types, char **out, edx_err *err)
{
    if (!types || json_is_null(types)) {
        *out = "*";
        return 0;
    }
    if ((json_is_string(types) && strcmp(json_string_value(types), "*") == 0) ||
        (json_array_size(types) == 1 &&
         json_is_string(json_array_get(types, 0)) &&
         strcmp(json_string_value(json_array_get(types, 0)), "*") == 0)) {
        *out = "*";
        return 0;
    }
    if (!json_is_array(types) || json_array_size(types) == 0)
        return edx_err_invalid(err, "types", "types must be a non-empty list of credential types "
                                             "(diploma, degree, transcript, skills, award) or \"*\"");
    edx_buf b = EDX_BUF_INIT;
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) {
        const char *s = json_string_value(t);
        if (!s || (edx_cred_type_parse(s) < 0 && strcmp(s, "other") != 0)) {
            edx_buf_free(&b);
            return edx_err_invalid(err, "types", "unknown credential type %.40s", s ? s : "");
        }
        edx_buf_printf(&b, "%s%s", i ? " " : "", s);
    }
    *out = b.oom ? NULL : edx_arena_strdup(a, b.data);
    edx_buf_free(&b);
    return *out ? 0 : edx_err_nomem(err);
}

static json_t *types_json(const char *text)
{
    json_t *arr = json_array();
    if (strcmp(text, "*") == 0) {
        for (int i = 0; i < EDX_CRED_NTYPES; i++)
            json_array_append_new(arr, json_string(edx_cred_type_name((edx_cred_type)i)));
        json_array_append_new(arr, json_string("other"));
        return arr;
    }
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, " ");
        json_array_append_new(arr, json_stringn(p, n));
        p += n;
        while (*p == ' ') p++;
    }
    return arr;
}

static json_t *trust_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "unit", edx_rows_text(r, 0), "name",
                     edx_rows_text(r, 1), "unitType", edx_rows_text(r, 6), "accreditedFrom",
                     cred_time_json(edx_rows_int(r, 2)), "accreditedUntil",
                     cred_time_json(edx_rows_isnull(r, 3) ? 0 : edx_rows_int(r, 3)), "types",
                     types_json(edx_rows_text(r, 4)), "decision",
                     edx_json_str_or_null(edx_rows_text(r, 5)));
}

#define TRUST_SELECT                                                                               \
    "SELECT u.code, u.name, t.accredited_from, t.accredited_until, t.types, t.decision, u.type,"  \
    " u.id FROM trust_registry t JOIN units u ON u.id = t.unit_id"

int edx_trust_list(edx_db *db, edx_arena *a, json_t **out, edx_err *err)
{
    (void)a;
    return edx_db_query_array(db, TRUST_SELECT " ORDER BY u.path", EDX_DB_NOARGS, trust_row, NULL,
                              out, err);
}

static int parse_day(json_t *body, const char *key, int required, int64_t *out, edx_err *err)
{
    const char *s = NULL;
    int rc = edx_json_get_str(body, key, required, &s, err);
    if (rc < 0) return rc;
    if (!s) return 0;
    if (edx_time_parse(s, out) != 0)
        return edx_err_invalid(err, key, "%s must be a date (YYYY-MM-DD)", key);
    return 0;
}

int edx_trust_put(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                  const char *unit_code, json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"from", "until", "types", "decision", NULL};
    int64_t from = 0, until = 0, now = edx_now();
    const char *decision = NULL;
    char *types = NULL, *dclean = NULL;
    edx_unit_ref u;
    if (p->role != EDX_ROLE_MINISTRY_ADMIN && p->via != EDX_AUTH_SYSTEM)
        return edx_err_forbidden(err, "only the Ministry accredits issuers");
    int rc = edx_json_only(body, allowed, err);
    if (rc < 0) return rc;
    if ((rc = parse_day(body, "from", 1, &from, err)) < 0) return rc;
    if ((rc = parse_day(body, "until", 0, &until, err)) < 0) return rc;
    if (until && until < from)
        return edx_err_invalid(err, "until", "until must not be before from");
    if (until) until += 86399; /* the whole last day */
    if ((rc = types_text(a, json_object_get(body, "types"), &types, err)) < 0) return rc;
    if ((rc = edx_json_get_str(body, "decision", 0, &decision, err)) < 0) return rc;
    if (decision && (rc = edx_text_clean(a, decision, 1, 200, "decision", &dclean, err)) < 0)
        return rc;
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    if ((rc = edx_unit_ref_get(db, a, p, unit_code, 1, "unit", &u, err)) < 0) goto fail;
    /* The registry is exported signed by the root unit: make sure it has a key. */
    if (env && env->master_key) {
        int64_t root = 0, kid = 0;
        uint8_t seed[EDX_ED25519_SEED], pk[EDX_ED25519_PK];
        if ((rc = edx_db_query_int(db, "SELECT id FROM units WHERE depth = 0 ORDER BY id LIMIT 1",
                                   EDX_DB_NOARGS, &root, err)) < 0)
            goto fail;
        if (rc > 0) {
            rc = edx_cred_key_active(db, env, root, &kid, seed, pk, err);
            edx_wipe(seed, sizeof seed);
            if (rc < 0) goto fail;
        }
    }
    if ((rc = edx_db_exec(db, "DELETE FROM trust_registry WHERE unit_id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(u.id)), err)) < 0)
        goto fail;
    if ((rc = edx_db_exec(db,
                          "INSERT INTO trust_registry (unit_id, accredited_from, accredited_until,"
                          " types, decision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          EDX_DB_ARGS(EDX_DB_INT(u.id), EDX_DB_INT(from),
                                      until ? EDX_DB_INT(until) : EDX_DB_NULL, EDX_DB_TEXT(types),
                                      EDX_DB_TEXT(dclean), EDX_DB_INT(now), EDX_DB_INT(now)),
                          err)) < 0)
        goto fail;
    json_t *after = NULL;
    if ((rc = edx_db_query_array(db, TRUST_SELECT " WHERE u.id = ?", EDX_DB_ARGS(EDX_DB_INT(u.id)),
                                 trust_row, NULL, &after, err)) < 0)
        goto fail;
    char target[64];
    snprintf(target, sizeof target, "trust:%s", u.code);
    rc = edx_audit_commit(db, p->actor, "trust.put", target, NULL, json_array_get(after, 0), NULL,
                          0, err);
    if (rc < 0) {
        json_decref(after);
        return rc;
    }
    *out = json_incref(json_array_get(after, 0));
    json_decref(after);
    return 0;
fail:
    edx_db_rollback(db);
    return rc;
}

int edx_trust_remove(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit_code,
                     edx_err *err)
{
    edx_unit_ref u;
    if (p->role != EDX_ROLE_MINISTRY_ADMIN && p->via != EDX_AUTH_SYSTEM)
        return edx_err_forbidden(err, "only the Ministry accredits issuers");
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = edx_unit_ref_get(db, a, p, unit_code, 1, "unit", &u, err)) < 0) goto fail;
    if ((rc = edx_db_exec(db, "DELETE FROM trust_registry WHERE unit_id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(u.id)), err)) < 0)
        goto fail;
    if (rc == 0) {
        rc = edx_err_notfound(err, "accreditation");
        goto fail;
    }
    char target[64];
    snprintf(target, sizeof target, "trust:%s", u.code);
    return edx_audit_commit(db, p->actor, "trust.remove", target, NULL, NULL, NULL, 0, err);
fail:
    edx_db_rollback(db);
    return rc;
}

static json_t *key_entry(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:s,s:o,s:o}", "publicKeyMultibase", edx_rows_text(r, 0), "created",
                     cred_time_json(edx_rows_int(r, 1)), "retired",
                     cred_time_json(edx_rows_isnull(r, 2) ? 0 : edx_rows_int(r, 2)));
}

int edx_trust_export(edx_db *db, edx_arena *a, const edx_cred_env *env, json_t **out,
                     edx_err *err)
{
    json_t *entries = NULL, *doc = NULL;
    uint8_t seed[EDX_ED25519_SEED], pk[EDX_ED25519_PK];
    int64_t root = 0, key_id = 0;
    edx_di_signer s;
    char uid[37], id[48], from[32];
    int rc = edx_trust_list(db, a, &entries, err);
    if (rc < 0) return rc;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        json_t *keys = NULL;
        const char *code = json_string_value(json_object_get(e, "unit"));
        rc = edx_db_query_array(db,
                                "SELECT k.public_multibase, k.created_at, k.retired_at"
                                " FROM cred_keys k JOIN units u ON u.id = k.unit_id"
                                " WHERE u.code = ? ORDER BY k.id",
                                EDX_DB_ARGS(EDX_DB_TEXT(code)), key_entry, NULL, &keys, err);
        if (rc < 0) goto done;
        json_t *dids = json_array();
        size_t j;
        json_t *k;
        json_array_foreach(keys, j, k) {
            char did[EDX_DID_MAX];
            snprintf(did, sizeof did, "did:key:%s",
                     json_string_value(json_object_get(k, "publicKeyMultibase")));
            json_array_append_new(dids, json_string(did));
        }
        json_array_append_new(dids, json_string(edx_did_web(a, env->public_url, code)));
        json_object_set_new(e, "dids", dids);
        json_object_set_new(e, "keys", keys);
    }
    if ((rc = edx_db_query_int(db, "SELECT id FROM units WHERE depth = 0 ORDER BY id LIMIT 1",
                               EDX_DB_NOARGS, &root, err)) <= 0) {
        if (rc == 0) rc = edx_err_notfound(err, "the root unit");
        goto done;
    }
    edx_unit_ref ru;
    if ((rc = edx_unit_ref_by_id(db, a, root, &ru, err)) <= 0) goto done;
    /* Reading the registry never writes: the root's key exists once anything was accredited. */
    if ((rc = cred_key_open(db, env, root, 0, &key_id, seed, pk, err)) < 0) {
        if (rc == EDX_ECONFLICT)
            edx_err_set(err, EDX_ECONFLICT, 409, "no_signing_key", "",
                        "the Ministry has no signing key yet: accredit an issuer first");
        goto done;
    }
    char did[EDX_DID_MAX];
    edx_did_key(pk, did);
    cred_uuid_new(uid);
    snprintf(id, sizeof id, "urn:uuid:%s", uid);
    edx_time_iso(edx_now(), from);
    doc = json_pack("{s:[s],s:s,s:[s,s],s:s,s:{s:s,s:[s],s:s},s:s,s:{s:s,s:s,s:o}}", "@context",
                    EDX_VC_V2, "id", id, "type", "VerifiableCredential", "EdudxTrustRegistry",
                    "name", "Danh sách cơ sở được công nhận cấp văn bằng số / Accredited issuers",
                    "issuer", "id", did, "type", "Profile", "name", ru.name, "validFrom", from,
                    "credentialSubject", "type", "TrustRegistry", "deployment", env->public_url,
                    "issuers", entries);
    entries = NULL;
    if (!doc) {
        rc = edx_err_nomem(err);
        goto wipe;
    }
    if (edx_di_signer_init(&s, seed, NULL, edx_now()) != 0) {
        rc = edx_err_nomem(err);
        goto wipe;
    }
    rc = edx_di_sign(&s, doc, NULL, NULL, err);
    edx_di_signer_free(&s);
    if (rc == 0) {
        *out = doc;
        doc = NULL;
    }
wipe:
    edx_wipe(seed, sizeof seed);
done:
    json_decref(entries);
    json_decref(doc);
    return rc;
}
