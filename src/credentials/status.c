/*
 * status.c: stored credentials, their status (active, suspended, revoked) and
 * the Bitstring Status List v1.0 credentials that publish it.
 *
 * Each issuing unit has numbered lists of 131,072 entries; a credential holds
 * one slot in a list, published at the same index in the unit's revocation
 * list and its suspension list. Slots are taken in order and mapped to
 * indexes by a fixed permutation, so neighbouring indexes do not tell who was
 * issued next to whom. A status change bumps the list's version and re-signs
 * both lists in the same transaction, so an acknowledged revocation is
 * published by the time the answer is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/gzip.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "credentials/cred_int.h"
#include "json/json.h"

static const char *const purposes[2] = {"revocation", "suspension"};

json_t *cred_time_json(int64_t t)
{
    char b[32];
    if (t == 0) return json_null();
    edx_time_iso(t, b);
    return json_string(b);
}

char *cred_jcs_text(const json_t *doc, size_t *len)
{
    edx_err e;
    return edx_jcs_dump(doc, len, &e);
}

int cred_uuid_parse(const char *id, char out[37])
{
    if (!id) return -1;
    if (strncmp(id, "urn:uuid:", 9) == 0) id += 9;
    if (strlen(id) != 36) return -1;
    for (int i = 0; i < 36; i++) {
        char c = id[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return -1;
        } else if (c >= 'A' && c <= 'F') {
            c = (char)(c - 'A' + 'a');
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return -1;
        }
        out[i] = c;
    }
    out[36] = '\0';
    return 0;
}

void cred_uuid_new(char out[37])
{
    /* UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time order keeps
     * the store's uid index appending instead of splitting pages all over. */
    uint8_t r[16];
    char hex[33];
    uint64_t ms = (uint64_t)edx_now_ms();
    edx_random(r + 6, sizeof r - 6);
    for (int i = 0; i < 6; i++) r[i] = (uint8_t)(ms >> (40 - 8 * i));
    r[6] = (uint8_t)((r[6] & 0x0f) | 0x70);
    r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
    edx_hex(r, sizeof r, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static char *list_url(edx_arena *a, const char *public_url, const char *unit_code, int64_t seq,
                      const char *purpose)
{
    return edx_arena_printf(a, "%s/status/%s/%lld/%s", public_url, unit_code, (long long)seq,
                            purpose);
}

json_t *cred_status_entries(const char *public_url, const char *unit_code, int64_t seq,
                            int64_t index)
{
    json_t *arr = json_array();
    char url[512], id[560], idx[24];
    snprintf(idx, sizeof idx, "%lld", (long long)index);
    for (int i = 0; i < 2; i++) {
        snprintf(url, sizeof url, "%s/status/%s/%lld/%s", public_url, unit_code, (long long)seq,
                 purposes[i]);
        snprintf(id, sizeof id, "%s#%s", url, idx);
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "type",
                                             "BitstringStatusListEntry", "statusPurpose",
                                             purposes[i], "statusListIndex", idx,
                                             "statusListCredential", url));
    }
    return arr;
}

int64_t cred_status_index(int64_t slot, int64_t salt)
{
    /* An odd multiplier is a bijection modulo a power of two; the salt shifts it per list. */
    return (int64_t)(((uint64_t)slot * 0x9E3779B1u + (uint64_t)salt) & (STATUS_LIST_SIZE - 1));
}

int edx_status_bit(const edx_buf *bits, int64_t index)
{
    if (index < 0 || (size_t)(index / 8) >= bits->len) return -1;
    return (((const uint8_t *)bits->data)[index / 8] >> (7 - index % 8)) & 1;
}

int edx_status_list_decode(const char *encoded, edx_buf *bits, edx_err *err)
{
    edx_buf gz = EDX_BUF_INIT;
    size_t n = encoded ? strlen(encoded) : 0, got = 0;
    int rc = EDX_EINVAL;
    if (n < 2 || encoded[0] != 'u') {
        edx_err_set(err, EDX_EINVAL, 400, "status_list_encoding", "encodedList",
                    "the status list is not multibase base64url (it must start with 'u')");
        goto done;
    }
    if (n > 8u * 1024 * 1024 || edx_buf_reserve(&gz, n) != 0) {
        edx_err_set(err, EDX_ELIMIT, 400, "status_list_too_big", "encodedList",
                    "the status list is too large");
        goto done;
    }
    if (edx_b64url_decode(encoded + 1, n - 1, (uint8_t *)gz.data, gz.cap, &got) != 0) {
        edx_err_set(err, EDX_EINVAL, 400, "status_list_encoding", "encodedList",
                    "the status list is not valid base64url");
        goto done;
    }
    if (edx_gunzip(gz.data, got, 16u * 1024 * 1024, bits) != 0) {
        edx_err_set(err, EDX_EINVAL, 400, "status_list_gzip", "encodedList",
                    "the status list is not valid GZIP data");
        goto done;
    }
    if (bits->len * 8 < STATUS_LIST_SIZE) {
        edx_err_set(err, EDX_EINVAL, 400, "status_list_length", "encodedList",
                    "the status list has %zu entries; at least 131072 are required",
                    bits->len * 8);
        goto done;
    }
    rc = 0;
done:
    edx_buf_free(&gz);
    return rc;
}

/* ---- lists in the store ------------------------------------------------------------------ */

long cred_status_reserve(edx_db *db, const edx_cred_env *env, int64_t unit_id, long n,
                         int64_t now, int64_t *list_id, int64_t *seq, int64_t *salt,
                         int64_t *first_slot, edx_err *err)
{
    edx_rows *r = NULL;
    int rc = edx_db_query(db, &r,
                          "SELECT id, seq, next_slot, size, salt FROM cred_status_lists"
                          " WHERE unit_id = ? ORDER BY seq DESC LIMIT 1",
                          EDX_DB_ARGS(EDX_DB_INT(unit_id)), err);
    if (rc < 0) return rc;
    int64_t next = 0, size = 0, cur_seq = 0;
    if ((rc = edx_rows_next(r, err)) > 0) {
        *list_id = edx_rows_int(r, 0);
        cur_seq = edx_rows_int(r, 1);
        next = edx_rows_int(r, 2);
        size = edx_rows_int(r, 3);
        *salt = edx_rows_int(r, 4);
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (cur_seq == 0 || next >= size) {
        uint32_t s;
        edx_random(&s, sizeof s);
        *salt = s & (STATUS_LIST_SIZE - 1);
        cur_seq++;
        next = 0;
        size = STATUS_LIST_SIZE;
        rc = edx_db_exec(db,
                         "INSERT INTO cred_status_lists (unit_id, seq, size, next_slot, salt,"
                         " version, doc_version, created_at, updated_at)"
                         " VALUES (?, ?, ?, 0, ?, 1, 0, ?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(unit_id), EDX_DB_INT(cur_seq), EDX_DB_INT(size),
                                     EDX_DB_INT(*salt), EDX_DB_INT(now), EDX_DB_INT(now)),
                         err);
        if (rc < 0) return rc;
        if ((rc = edx_db_query_int(db,
                                   "SELECT id FROM cred_status_lists WHERE unit_id = ? AND seq = ?",
                                   EDX_DB_ARGS(EDX_DB_INT(unit_id), EDX_DB_INT(cur_seq)), list_id,
                                   err)) < 0)
            return rc;
        if ((rc = cred_status_list_refresh(db, env, *list_id, err)) < 0) return rc;
    }
    long k = (long)(size - next) < n ? (long)(size - next) : n;
    rc = edx_db_exec(db, "UPDATE cred_status_lists SET next_slot = ? WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_INT(next + k), EDX_DB_INT(*list_id)), err);
    if (rc < 0) return rc;
    *seq = cur_seq;
    *first_slot = next;
    return k;
}

int cred_status_list_refresh(edx_db *db, const edx_cred_env *env, int64_t list_id, edx_err *err)
{
    edx_arena a;
    edx_rows *r = NULL;
    edx_buf gz = EDX_BUF_INIT;
    uint8_t *bits[2] = {NULL, NULL};
    uint8_t seed[EDX_ED25519_SEED], pk[EDX_ED25519_PK];
    edx_di_signer signer;
    int have_signer = 0;
    char *docs[2] = {NULL, NULL};
    int64_t unit_id = 0, seq = 0, size = 0, version = 0, key_id = 0;
    edx_unit_ref u;
    edx_arena_init(&a, 0);
    memset(seed, 0, sizeof seed);
    int rc = edx_db_query(db, &r,
                          "SELECT unit_id, seq, size, version FROM cred_status_lists WHERE id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(list_id)), err);
    if (rc < 0) goto done;
    if ((rc = edx_rows_next(r, err)) > 0) {
        unit_id = edx_rows_int(r, 0);
        seq = edx_rows_int(r, 1);
        size = edx_rows_int(r, 2);
        version = edx_rows_int(r, 3);
    }
    edx_rows_close(r);
    r = NULL;
    if (rc <= 0) {
        if (rc == 0) rc = edx_err_notfound(err, "status list");
        goto done;
    }
    if ((rc = edx_unit_ref_by_id(db, &a, unit_id, &u, err)) <= 0) {
        if (rc == 0) rc = edx_err_notfound(err, "unit");
        goto done;
    }
    for (int i = 0; i < 2; i++) {
        bits[i] = calloc((size_t)size / 8, 1);
        if (!bits[i]) {
            rc = edx_err_nomem(err);
            goto done;
        }
    }
    rc = edx_db_query(db, &r,
                      "SELECT list_index, status FROM credentials WHERE list_id = ?"
                      " AND status <> 'active'",
                      EDX_DB_ARGS(EDX_DB_INT(list_id)), err);
    if (rc < 0) goto done;
    while ((rc = edx_rows_next(r, err)) > 0) {
        int64_t ix = edx_rows_int(r, 0);
        int which = strcmp(edx_rows_text(r, 1), "revoked") == 0 ? 0 : 1;
        if (ix >= 0 && ix < size) bits[which][ix / 8] |= (uint8_t)(0x80 >> (ix % 8));
    }
    edx_rows_close(r);
    r = NULL;
    if (rc < 0) goto done;

    if ((rc = edx_cred_key_active(db, env, unit_id, &key_id, seed, pk, err)) < 0) goto done;
    if (edx_di_signer_init(&signer, seed, NULL, edx_now()) != 0) {
        rc = edx_err_nomem(err);
        goto done;
    }
    have_signer = 1;
    char did[EDX_DID_MAX], from[32];
    edx_did_key(pk, did);
    edx_time_iso(edx_now(), from);
    for (int i = 0; i < 2; i++) {
        edx_buf_reset(&gz);
        if (edx_gzip(bits[i], (size_t)size / 8, &gz) != 0) {
            rc = edx_err_nomem(err);
            goto done;
        }
        char *enc = edx_arena_alloc(&a, edx_b64url_len(gz.len) + 2);
        if (!enc) {
            rc = edx_err_nomem(err);
            goto done;
        }
        enc[0] = 'u';
        edx_b64url((const uint8_t *)gz.data, gz.len, enc + 1);
        char *url = list_url(&a, env->public_url, u.code, seq, purposes[i]);
        char *subject_id = edx_arena_printf(&a, "%s#list", url);
        json_t *doc = json_pack("{s:[s],s:s,s:[s,s],s:{s:s,s:[s],s:s},s:s,s:{s:s,s:s,s:s,s:s}}",
                                "@context", EDX_VC_V2, "id", url, "type", "VerifiableCredential",
                                "BitstringStatusListCredential", "issuer", "id", did, "type",
                                "Profile", "name", u.name, "validFrom", from,
                                "credentialSubject", "id", subject_id, "type",
                                "BitstringStatusList", "statusPurpose", purposes[i],
                                "encodedList", enc);
        if (!doc) {
            rc = edx_err_nomem(err);
            goto done;
        }
        size_t dl;
        rc = edx_di_sign(&signer, doc, &docs[i], &dl, err);
        json_decref(doc);
        if (rc < 0) goto done;
    }
    rc = edx_db_exec(db,
                     "UPDATE cred_status_lists SET doc_revocation = ?, doc_suspension = ?,"
                     " doc_version = ? WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(docs[0]), EDX_DB_TEXT(docs[1]), EDX_DB_INT(version),
                                 EDX_DB_INT(list_id)),
                     err);
    if (rc > 0) rc = 0;
done:
    edx_rows_close(r);
    if (have_signer) edx_di_signer_free(&signer);
    edx_wipe(seed, sizeof seed);
    for (int i = 0; i < 2; i++) {
        free(bits[i]);
        free(docs[i]);
    }
    edx_buf_free(&gz);
    edx_arena_free(&a);
    return rc;
}

int edx_status_list_get(edx_db *db, const edx_cred_env *env, const char *unit_code, int64_t seq,
                        const char *purpose, edx_buf *out, int64_t *version, edx_err *err)
{
    (void)env;
    edx_rows *r = NULL;
    int col;
    if (strcmp(purpose, "revocation") == 0) col = 0;
    else if (strcmp(purpose, "suspension") == 0) col = 1;
    else return edx_err_notfound(err, "status list");
    int rc = edx_db_query(db, &r,
                          "SELECT l.doc_revocation, l.doc_suspension, l.doc_version"
                          " FROM cred_status_lists l JOIN units u ON u.id = l.unit_id"
                          " WHERE u.code = ? AND l.seq = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(unit_code), EDX_DB_INT(seq)), err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc > 0) {
        const char *doc = edx_rows_text(r, col);
        if (!doc) rc = 0;
        else {
            *version = edx_rows_int(r, 2);
            if (edx_buf_puts(out, doc) != 0) rc = edx_err_nomem(err);
        }
    }
    edx_rows_close(r);
    if (rc == 0) return edx_err_notfound(err, "status list");
    return rc < 0 ? rc : 0;
}

/* ---- stored credentials -------------------------------------------------------------------- */

#define CRED_COLS                                                                                  \
    "c.uid, c.type, u.code, c.external_id, c.subject_name, c.status, c.status_reason,"           \
    " c.status_at, c.issued_at, l.seq, c.list_index, u.name, u.path"
#define CRED_FROM                                                                                  \
    " FROM credentials c JOIN units u ON u.id = c.unit_id"                                         \
    " JOIN cred_status_lists l ON l.id = c.list_id"

static json_t *cred_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    char id[48];
    snprintf(id, sizeof id, "urn:uuid:%s", edx_rows_text(r, 0));
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I}", "id",
                     edx_rows_text(r, 0), "credentialId", id, "type", edx_rows_text(r, 1),
                     "issuer", edx_rows_text(r, 2), "issuerName", edx_rows_text(r, 11),
                     "externalId", edx_rows_text(r, 3), "subjectName", edx_rows_text(r, 4),
                     "status", edx_json_str_or_null(edx_rows_text(r, 5)), "statusReason",
                     edx_json_str_or_null(edx_rows_text(r, 6)), "issuedAt",
                     cred_time_json(edx_rows_int(r, 8)), "statusList",
                     (json_int_t)edx_rows_int(r, 9), "statusListIndex",
                     (json_int_t)edx_rows_int(r, 10));
}

/* The text of the stored document in column `col`, appended to `out` (reset first). */
static int row_document(edx_rows *r, int col, edx_buf *out, edx_err *err)
{
    size_t n = 0;
    const void *v = edx_rows_blob(r, col, &n);
    edx_buf_reset(out);
    if (!v || cred_doc_unpack(v, n, out) != 0)
        return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "",
                           "a stored credential cannot be read");
    return 0;
}

static int load_one(edx_db *db, edx_arena *a, const char *id, int with_doc, json_t **summary,
                    char **path, json_t **doc, edx_err *err)
{
    char uid[37];
    edx_rows *r = NULL;
    if (cred_uuid_parse(id, uid) != 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "credential %.60s not found",
                           id ? id : "");
    int rc = edx_db_query(db, &r,
                          with_doc ? "SELECT " CRED_COLS ", c.document" CRED_FROM " WHERE c.uid = ?"
                                   : "SELECT " CRED_COLS CRED_FROM " WHERE c.uid = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(uid)), err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc > 0) {
        if (summary && !(*summary = cred_row(r, NULL))) rc = edx_err_nomem(err);
        if (path) *path = edx_arena_strdup(a, edx_rows_text(r, 12));
        if (with_doc && doc && rc > 0) {
            edx_buf t = EDX_BUF_INIT;
            if ((rc = row_document(r, 13, &t, err)) == 0)
                rc = edx_jcs_parse(t.data, t.len, doc, err) == 0 ? 1 : EDX_EINTERNAL;
            edx_buf_free(&t);
        }
    }
    edx_rows_close(r);
    if (rc == 0) return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id",
                                    "credential %s not found", uid);
    return rc < 0 ? rc : 0;
}

int edx_cred_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *id, json_t **out,
                 edx_err *err)
{
    json_t *sum = NULL, *doc = NULL;
    char *path = NULL;
    int rc = load_one(db, a, id, 1, &sum, &path, &doc, err);
    if (rc < 0) return rc;
    if (!edx_scope_can_read(p, path)) {
        json_decref(sum);
        json_decref(doc);
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "credential not found");
    }
    json_object_set_new(sum, "document", doc);
    *out = sum;
    return 0;
}

int edx_cred_get_public(edx_db *db, const char *id, json_t **out, edx_err *err)
{
    edx_arena a;
    edx_arena_init(&a, 0);
    int rc = load_one(db, &a, id, 1, NULL, NULL, out, err);
    edx_arena_free(&a);
    return rc;
}

int edx_cred_list(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_query *q,
                  json_t **out, edx_err *err)
{
    const char *from = "/", *to = "0";
    if (q->issuer) {
        edx_unit_ref u;
        int rc = edx_unit_ref_get(db, a, p, q->issuer, 0, "issuer", &u, err);
        if (rc < 0) return rc;
        from = u.path;
    } else if (p->unit_path && p->role != EDX_ROLE_MINISTRY_ADMIN && p->via != EDX_AUTH_SYSTEM) {
        from = p->unit_path;
    }
    /* The subtree of path "/A/B/" is [ "/A/B/", "/A/B0" ). */
    size_t n = strlen(from);
    char *end = edx_arena_strdup(a, from);
    if (!end) return edx_err_nomem(err);
    if (n > 1) end[n - 1] = '0';
    else end = (char *)to;
    if (n <= 1) from = "/";
    if (q->type && edx_cred_type_parse(q->type) < 0 && strcmp(q->type, "other") != 0)
        return edx_err_invalid(err, "type",
                               "type must be diploma, degree, transcript, skills, award or other");
    if (q->status && strcmp(q->status, "active") != 0 && strcmp(q->status, "revoked") != 0 &&
        strcmp(q->status, "suspended") != 0)
        return edx_err_invalid(err, "status", "status must be active, revoked or suspended");
    char *key = q->q ? edx_utf8_search_key(a, q->q) : NULL;
    char *like = key ? edx_arena_printf(a, "%%%s%%", key) : NULL;
    int limit = q->limit > 0 && q->limit <= 500 ? q->limit : 100;
    return edx_db_query_array(
        db,
        "SELECT " CRED_COLS CRED_FROM " WHERE u.path >= ? AND u.path < ?"
        " AND (CAST(? AS TEXT) IS NULL OR c.type = ?)"
        " AND (CAST(? AS TEXT) IS NULL OR c.status = ?)"
        " AND (CAST(? AS TEXT) IS NULL OR c.search_key LIKE ? OR c.external_id = ?)"
        " ORDER BY c.id DESC LIMIT ? OFFSET ?",
        EDX_DB_ARGS(EDX_DB_TEXT(from), EDX_DB_TEXT(end), EDX_DB_TEXT(q->type),
                    EDX_DB_TEXT(q->type), EDX_DB_TEXT(q->status), EDX_DB_TEXT(q->status),
                    EDX_DB_TEXT(like), EDX_DB_TEXT(like), EDX_DB_TEXT(q->q), EDX_DB_INT(limit),
                    EDX_DB_INT(q->offset > 0 ? q->offset : 0)),
        cred_row, NULL, out, err);
}

int edx_cred_set_status(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                        const char *id, const char *action, const char *reason, json_t **out,
                        edx_err *err)
{
    char uid[37], target[64];
    char *clean = NULL;
    const char *to;
    if (strcmp(action, "revoke") == 0) to = "revoked";
    else if (strcmp(action, "suspend") == 0) to = "suspended";
    else if (strcmp(action, "reinstate") == 0) to = "active";
    else return edx_err_invalid(err, "action", "the action must be revoke, suspend or reinstate");
    int rc = edx_text_clean(a, reason, 3, 500, "reason", &clean, err);
    if (rc < 0) return rc;
    if (cred_uuid_parse(id, uid) != 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "credential not found");
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    edx_rows *r = NULL;
    int64_t unit_id = 0, list_id = 0;
    char *status = NULL, *code = NULL;
    rc = edx_db_query(db, &r,
                      "SELECT c.unit_id, c.list_id, c.status, u.code FROM credentials c"
                      " JOIN units u ON u.id = c.unit_id WHERE c.uid = ?",
                      EDX_DB_ARGS(EDX_DB_TEXT(uid)), err);
    if (rc < 0) goto fail;
    if ((rc = edx_rows_next(r, err)) > 0) {
        unit_id = edx_rows_int(r, 0);
        list_id = edx_rows_int(r, 1);
        status = edx_arena_strdup(a, edx_rows_text(r, 2));
        code = edx_arena_strdup(a, edx_rows_text(r, 3));
    }
    edx_rows_close(r);
    if (rc < 0) goto fail;
    if (rc == 0) {
        rc = edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "credential %s not found",
                         uid);
        goto fail;
    }
    edx_unit_ref u;
    if ((rc = edx_unit_ref_get(db, a, p, code, 1, "id", &u, err)) < 0) {
        if (rc == EDX_EPERM)
            rc = edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "credential not found");
        goto fail;
    }
    if ((rc = edx_db_lock(db, CRED_LOCK_BASE + unit_id, err)) < 0) goto fail;
    if (strcmp(status, "revoked") == 0) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "already_revoked", "id",
                         "the credential is revoked; revocation is final");
        goto fail;
    }
    if (strcmp(status, to) == 0 || (strcmp(to, "active") == 0 && strcmp(status, "suspended") != 0)) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "status_unchanged", "id",
                         "the credential is already %s", status);
        goto fail;
    }
    int64_t now = edx_now();
    if ((rc = edx_db_exec(db,
                          "UPDATE credentials SET status = ?, status_reason = ?, status_at = ?"
                          " WHERE uid = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(to), EDX_DB_TEXT(clean), EDX_DB_INT(now),
                                      EDX_DB_TEXT(uid)),
                          err)) < 0)
        goto fail;
    if ((rc = edx_db_exec(db,
                          "UPDATE cred_status_lists SET version = version + 1, updated_at = ?"
                          " WHERE id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(now), EDX_DB_INT(list_id)), err)) < 0)
        goto fail;
    if ((rc = cred_status_list_refresh(db, env, list_id, err)) < 0) goto fail;
    snprintf(target, sizeof target, "credential:%s", uid);
    {
        char action_name[48];
        snprintf(action_name, sizeof action_name, "credential.%s", action);
        json_t *detail = json_pack("{s:s,s:s,s:s}", "from", status, "to", to, "reason", clean);
        rc = edx_audit_commit(db, p->actor, action_name, target, NULL, NULL, detail, 0, err);
        json_decref(detail);
        if (rc < 0) return rc;
    }
    return load_one(db, a, uid, 0, out, NULL, NULL, err);
fail:
    edx_db_rollback(db);
    return rc;
}

int edx_cred_export(edx_db *db, edx_arena *a, const edx_principal *p, const char *issuer,
                    int (*emit)(void *ctx, const char *doc, size_t len), void *ctx, long *count,
                    edx_err *err)
{
    const char *from, *end;
    *count = 0;
    if (issuer) {
        edx_unit_ref u;
        int rc = edx_unit_ref_get(db, a, p, issuer, 0, "issuer", &u, err);
        if (rc < 0) return rc;
        from = u.path;
        if (!(end = edx_unit_path_end(a, from))) return edx_err_nomem(err);
    } else {
        int rc = edx_scope_range(a, p, &from, &end, err);
        if (rc < 0) return rc;
    }
    edx_rows *r = NULL;
    int rc = edx_db_query(db, &r,
                          "SELECT c.document FROM credentials c JOIN units u ON u.id = c.unit_id"
                          " WHERE u.path >= ? AND u.path < ? ORDER BY c.id",
                          EDX_DB_ARGS(EDX_DB_TEXT(from), EDX_DB_TEXT(end)), err);
    if (rc < 0) return rc;
    edx_buf t = EDX_BUF_INIT;
    while ((rc = edx_rows_next(r, err)) > 0) {
        if ((rc = row_document(r, 0, &t, err)) < 0) break;
        if (emit(ctx, t.data, t.len) != 0) {
            rc = edx_err_set(err, EDX_EIO, 500, "output_failed", "", "writing the export failed");
            break;
        }
        (*count)++;
    }
    edx_rows_close(r);
    edx_buf_free(&t);
    return rc < 0 ? rc : 0;
}
