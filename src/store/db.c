#include <stdio.h>
#include "store/db.h"

#include <jansson.h>
#include <string.h>

#include "store/db_impl.h"

int edx_db_url_is_postgres(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

int edx_db_open(edx_db **out, const char *url, edx_err *err)
{
    *out = NULL;
    if (!url || !*url) return edx_err_invalid(err, "db", "no database given (--db)");
    if (edx_db_url_is_postgres(url)) return edx_pg_open(out, url, err);
    if (strncmp(url, "sqlite:", 7) == 0) url += 7;
    return edx_sqlite_open(out, url, err);
}

void edx_db_close(edx_db *db)
{
    if (!db) return;
    if (db->in_tx) edx_db_rollback(db);
    db->ops->close(db);
}

edx_db_kind edx_db_kind_of(const edx_db *db)
{
    return db->kind;
}

int edx_db_exec(edx_db *db, const char *sql, const edx_dbv *args, int nargs, edx_err *err)
{
    return db->ops->exec(db, sql, args, nargs, err);
}

int edx_db_query(edx_db *db, edx_rows **out, const char *sql, const edx_dbv *args, int nargs,
                 edx_err *err)
{
    return db->ops->query(db, out, sql, args, nargs, err);
}

int edx_rows_next(edx_rows *r, edx_err *err)
{
    return r->db->ops->next(r, err);
}

const char *edx_rows_text(edx_rows *r, int col)
{
    return r->db->ops->text(r, col);
}

const void *edx_rows_blob(edx_rows *r, int col, size_t *len)
{
    *len = 0;
    return r->db->ops->blob(r, col, len);
}

int64_t edx_rows_int(edx_rows *r, int col)
{
    return r->db->ops->integer(r, col);
}

double edx_rows_real(edx_rows *r, int col)
{
    return r->db->ops->real(r, col);
}

int edx_rows_isnull(edx_rows *r, int col)
{
    return r->db->ops->isnull(r, col);
}

void edx_rows_close(edx_rows *r)
{
    if (r) r->db->ops->close_rows(r);
}

int edx_db_exec_nowait(edx_db *db, const char *sql, const edx_dbv *args, int nargs,
                       edx_err *err)
{
    if (db->ops->busy_wait) db->ops->busy_wait(db, 0);
    int rc = edx_db_exec(db, sql, args, nargs, err);
    if (db->ops->busy_wait) db->ops->busy_wait(db, -1);
    return rc;
}

int edx_db_query_int(edx_db *db, const char *sql, const edx_dbv *args, int nargs, int64_t *out,
                     edx_err *err)
{
    edx_rows *r;
    int rc = edx_db_query(db, &r, sql, args, nargs, err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc == 1) *out = edx_rows_int(r, 0);
    edx_rows_close(r);
    return rc;
}

int edx_db_query_array(edx_db *db, const char *sql, const edx_dbv *args, int nargs,
                       json_t *(*row)(edx_rows *r, void *ctx), void *ctx, json_t **out,
                       edx_err *err)
{
    edx_rows *r;
    *out = NULL;
    int rc = edx_db_query(db, &r, sql, args, nargs, err);
    if (rc < 0) return rc;
    json_t *arr = json_array();
    while (arr && (rc = edx_rows_next(r, err)) == 1) {
        json_t *v = row(r, ctx);
        if (!v || json_array_append_new(arr, v)) {
            rc = edx_err_nomem(err);
            break;
        }
    }
    edx_rows_close(r);
    if (!arr) return edx_err_nomem(err);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

int edx_db_begin(edx_db *db, edx_err *err)
{
    if (db->in_tx)
        return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "nested transaction");
    int rc = edx_db_exec(db, db->kind == EDX_DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN", NULL, 0, err);
    if (rc < 0) return rc;
    db->in_tx = 1;
    return 0;
}

int edx_db_commit(edx_db *db, edx_err *err)
{
    if (!db->in_tx) return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "no transaction");
    int rc = edx_db_exec(db, "COMMIT", NULL, 0, err);
    if (rc < 0) {
        edx_db_rollback(db);
        return rc;
    }
    db->in_tx = 0;
    return 0;
}

void edx_db_rollback(edx_db *db)
{
    if (!db->in_tx) return;
    db->in_tx = 0;
    edx_db_exec(db, "ROLLBACK", NULL, 0, NULL);
}

int edx_db_in_tx(const edx_db *db)
{
    return db->in_tx;
}

int edx_db_lock(edx_db *db, int64_t key, edx_err *err)
{
    if (!db->in_tx) return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "lock outside a transaction");
    if (db->kind != EDX_DB_POSTGRES) return 0;
    edx_rows *r;
    int rc = edx_db_query(db, &r, "SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))",
                          EDX_DB_ARGS(EDX_DB_INT(key)), err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    edx_rows_close(r);
    return rc < 0 ? rc : 0;
}

int edx_db_script(edx_db *db, const char *sql, edx_err *err)
{
    return db->ops->script(db, sql, err);
}

int edx_db_ping(edx_db *db, edx_err *err)
{
    int64_t one = 0;
    int rc = edx_db_query_int(db, "SELECT 1", NULL, 0, &one, err);
    return rc < 0 ? rc : 0;
}

int edx_db_setting_get(edx_db *db, const char *key, char *buf, size_t cap, edx_err *err)
{
    edx_rows *r = NULL;
    int rc = edx_db_query(db, &r, "SELECT value FROM settings WHERE key = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(key)), err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc > 0) snprintf(buf, cap, "%s", edx_rows_text(r, 0));
    edx_rows_close(r);
    return rc;
}

int edx_db_setting_put(edx_db *db, const char *key, const char *value, edx_err *err)
{
    int own = !edx_db_in_tx(db), rc;
    if (own && (rc = edx_db_begin(db, err)) < 0) return rc;
    rc = edx_db_exec(db, "DELETE FROM settings WHERE key = ?", EDX_DB_ARGS(EDX_DB_TEXT(key)), err);
    if (rc >= 0)
        rc = edx_db_exec(db, "INSERT INTO settings (key, value) VALUES (?, ?)",
                         EDX_DB_ARGS(EDX_DB_TEXT(key), EDX_DB_TEXT(value)), err);
    if (!own) return rc < 0 ? rc : 0;
    if (rc < 0) {
        edx_db_rollback(db);
        return rc;
    }
    return edx_db_commit(db, err);
}

void edx_db_bulk(edx_db *db, int on)
{
    edx_err e;
    if (edx_db_kind_of(db) != EDX_DB_SQLITE) return;
    edx_db_script(db, on ? "PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 16384"
                         : "PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 1000",
                  &e);
}
