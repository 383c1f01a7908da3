#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "crypto/crypto.h"
#include "json/json.h"

static void put_field(edx_buf *b, const char *s)
{
    if (!s) {
        edx_buf_puts(b, "-;");
        return;
    }
    edx_buf_printf(b, "%zu:", strlen(s));
    edx_buf_puts(b, s);
    edx_buf_putc(b, ';');
}

/* The record hash: SHA-256 over length-prefixed fields, so no two records share an encoding. */
static int record_hash(int64_t seq, int64_t at, const char *actor, const char *action,
                       const char *target, const char *before, const char *after,
                       const char *detail, const char *prev, char out[EDX_AUDIT_HASH_HEX])
{
    edx_buf b = EDX_BUF_INIT;
    edx_buf_puts(&b, "edudx-audit-v1;");
    put_field(&b, prev);
    edx_buf_printf(&b, "%lld;%lld;", (long long)seq, (long long)at);
    put_field(&b, actor);
    put_field(&b, action);
    put_field(&b, target);
    put_field(&b, before);
    put_field(&b, after);
    put_field(&b, detail);
    if (b.oom) {
        edx_buf_free(&b);
        return -1;
    }
    edx_sha256_hex(b.data, b.len, out);
    edx_buf_free(&b);
    return 0;
}

int edx_audit_digest(const json_t *v, char out[EDX_AUDIT_HASH_HEX])
{
    char *s = edx_json_dumpf(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY, NULL);
    if (!s) return -1;
    edx_sha256_hex(s, strlen(s), out);
    free(s);
    return 0;
}

int edx_audit_append(edx_db *db, const char *actor, const char *action, const char *target,
                     const char *before_digest, const char *after_digest, json_t *detail,
                     edx_err *err)
{
    if (!edx_db_in_tx(db))
        return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "audit outside a transaction");
    char *detail_s = NULL;
    edx_rows *r = NULL;
    int rc;
    if (detail) {
        detail_s = edx_json_dumpf(detail, JSON_COMPACT | JSON_SORT_KEYS, NULL);
        if (!detail_s) return edx_err_nomem(err);
    }
    /* Taking the head row's lock serialises writers across processes (PostgreSQL). */
    rc = edx_db_query(db, &r,
                      "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
                      NULL, 0, err);
    if (rc < 0) goto done;
    rc = edx_rows_next(r, err);
    if (rc != 1) {
        if (rc == 0) rc = edx_err_set(err, EDX_EDB, 500, "db_error", "", "audit head missing");
        goto done;
    }
    int64_t seq = edx_rows_int(r, 0);
    char prev[EDX_AUDIT_HASH_HEX];
    snprintf(prev, sizeof prev, "%s", edx_rows_text(r, 1) ? edx_rows_text(r, 1) : "");
    edx_rows_close(r);
    r = NULL;
    int64_t at = edx_now();
    char hash[EDX_AUDIT_HASH_HEX];
    if (record_hash(seq, at, actor, action, target, before_digest, after_digest, detail_s, prev,
                    hash)) {
        rc = edx_err_nomem(err);
        goto done;
    }
    rc = edx_db_exec(db,
                     "INSERT INTO audit_log (seq, at, actor, action, target, before_digest,"
                     " after_digest, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     EDX_DB_ARGS(EDX_DB_INT(seq), EDX_DB_INT(at), EDX_DB_TEXT(actor),
                                 EDX_DB_TEXT(action), EDX_DB_TEXT(target),
                                 EDX_DB_TEXT(before_digest), EDX_DB_TEXT(after_digest),
                                 EDX_DB_TEXT(detail_s), EDX_DB_TEXT(prev), EDX_DB_TEXT(hash)),
                     err);
    if (rc < 0) goto done;
    rc = edx_db_exec(db, "UPDATE audit_head SET hash = ? WHERE id = 1",
                     EDX_DB_ARGS(EDX_DB_TEXT(hash)), err);
    if (rc < 0) goto done;
    rc = 0;
done:
    edx_rows_close(r);
    free(detail_s);
    return rc;
}

#define PAGE 5000

int edx_audit_verify(edx_db *db, edx_audit_report *rep, edx_err *err)
{
    memset(rep, 0, sizeof *rep);
    /* Read the head first and check the chain up to it: records appended meanwhile by a
     * live server are not part of this check, so verifying never races with writers. */
    int64_t head_seq = 0;
    char head_hash[EDX_AUDIT_HASH_HEX] = "";
    edx_rows *r;
    int rc = edx_db_query(db, &r, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, 0, err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc == 1) {
        head_seq = edx_rows_int(r, 0);
        snprintf(head_hash, sizeof head_hash, "%s", edx_rows_text(r, 1) ? edx_rows_text(r, 1) : "");
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (rc == 0) {
        snprintf(rep->reason, sizeof rep->reason, "the audit head row is missing");
        return 1;
    }
    char prev[EDX_AUDIT_HASH_HEX] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    int64_t expect = 1;
    int tampered = 0;
    while (!tampered && expect <= head_seq) {
        rc = edx_db_query(db, &r,
                          "SELECT seq, at, actor, action, target, before_digest, after_digest,"
                          " detail, prev_hash, hash FROM audit_log WHERE seq >= ? AND seq <= ?"
                          " ORDER BY seq LIMIT ?",
                          EDX_DB_ARGS(EDX_DB_INT(expect), EDX_DB_INT(head_seq), EDX_DB_INT(PAGE)),
                          err);
        if (rc < 0) return rc;
        int got = 0;
        while ((rc = edx_rows_next(r, err)) == 1) {
            got++;
            int64_t seq = edx_rows_int(r, 0);
            const char *stored_prev = edx_rows_text(r, 8), *stored = edx_rows_text(r, 9);
            char h[EDX_AUDIT_HASH_HEX];
            if (seq != expect) {
                snprintf(rep->reason, sizeof rep->reason,
                         "record %lld is missing (the next record is %lld)", (long long)expect,
                         (long long)seq);
            } else if (!stored_prev || strcmp(stored_prev, prev) != 0) {
                snprintf(rep->reason, sizeof rep->reason,
                         "record %lld does not follow record %lld (chain broken: deleted,"
                         " reordered or edited)",
                         (long long)seq, (long long)seq - 1);
            } else if (record_hash(seq, edx_rows_int(r, 1), edx_rows_text(r, 2),
                                   edx_rows_text(r, 3), edx_rows_text(r, 4), edx_rows_text(r, 5),
                                   edx_rows_text(r, 6), edx_rows_text(r, 7), prev, h) != 0) {
                edx_rows_close(r);
                return edx_err_nomem(err);
            } else if (!stored || strcmp(h, stored) != 0) {
                snprintf(rep->reason, sizeof rep->reason,
                         "record %lld was changed after it was written (hash mismatch)",
                         (long long)seq);
            } else {
                snprintf(prev, sizeof prev, "%s", stored);
                rep->records++;
                expect++;
                continue;
            }
            rep->bad_seq = expect;
            tampered = 1;
            break;
        }
        edx_rows_close(r);
        if (rc < 0) return rc;
        if (!got) break;
    }
    snprintf(rep->head, sizeof rep->head, "%s", prev);
    if (tampered) return 1;
    /* The head says how long the chain is: a cut-off tail or an altered head shows here. */
    if (expect - 1 != head_seq) {
        snprintf(rep->reason, sizeof rep->reason,
                 "the log ends at record %lld but %lld records were written (records deleted"
                 " from the end)",
                 (long long)(expect - 1), (long long)head_seq);
        rep->bad_seq = expect;
        return 1;
    }
    if (strcmp(head_hash, prev) != 0) {
        snprintf(rep->reason, sizeof rep->reason,
                 "the head does not match record %lld (the head was altered)", (long long)head_seq);
        rep->bad_seq = head_seq;
        return 1;
    }
    return 0;
}

static json_t *record_json(edx_rows *r, void *ctx)
{
    (void)ctx;
    char ts[32];
    edx_time_iso(edx_rows_int(r, 1), ts);
    const char *d = edx_rows_text(r, 7);
    return json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "seq", (json_int_t)edx_rows_int(r, 0),
                     "at", ts, "actor", edx_json_str_or_null(edx_rows_text(r, 2)), "action",
                     edx_json_str_or_null(edx_rows_text(r, 3)), "target",
                     edx_json_str_or_null(edx_rows_text(r, 4)), "before_digest",
                     edx_json_str_or_null(edx_rows_text(r, 5)), "after_digest",
                     edx_json_str_or_null(edx_rows_text(r, 6)), "detail",
                     d ? json_loads(d, 0, NULL) : json_null(), "hash",
                     edx_json_str_or_null(edx_rows_text(r, 8)));
}

int edx_audit_list(edx_db *db, int64_t before_seq, int limit, json_t **out, edx_err *err)
{
    if (before_seq <= 0) before_seq = INT64_MAX;
    return edx_db_query_array(db,
                              "SELECT seq, at, actor, action, target, before_digest, after_digest,"
                              " detail, hash FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?",
                              EDX_DB_ARGS(EDX_DB_INT(before_seq), EDX_DB_INT(limit)), record_json,
                              NULL, out, err);
}

int edx_audit_commit(edx_db *db, const char *actor, const char *action, const char *target,
                     const json_t *before, const json_t *after, json_t *detail, int rc,
                     edx_err *err)
{
    char bd[EDX_AUDIT_HASH_HEX], ad[EDX_AUDIT_HASH_HEX];
    if (rc < 0) goto fail;
    if ((before && edx_audit_digest(before, bd)) || (after && edx_audit_digest(after, ad))) {
        rc = edx_err_nomem(err);
        goto fail;
    }
    rc = edx_audit_append(db, actor, action, target, before ? bd : NULL, after ? ad : NULL,
                          detail, err);
    if (rc < 0) goto fail;
    return edx_db_commit(db, err);
fail:
    edx_db_rollback(db);
    return rc;
}

int edx_audit_seq(edx_db *db, int64_t *seq, edx_err *err)
{
    *seq = 0;
    int rc = edx_db_query_int(db, "SELECT seq FROM audit_head WHERE id = 1", NULL, 0, seq, err);
    return rc < 0 ? rc : 0;
}
