/*
 * db.h: the store. One interface, two backends: SQLite (a file, the default)
 * and PostgreSQL (libpq, for national deployments with several servers).
 *
 * SQL is written once, in the common subset of both dialects, with `?` as
 * the only placeholder; the PostgreSQL backend renumbers them to $1..$n.
 * Every value travels as a bound parameter: no SQL is ever assembled from
 * input. Times are integers (Unix seconds), booleans 0/1.
 *
 * A handle belongs to one thread at a time (the server opens one per worker
 * thread). Life cycle: edx_db_open → queries → edx_db_close.
 */
#ifndef EDX_DB_H
#define EDX_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct edx_db edx_db;
typedef struct edx_rows edx_rows;

typedef enum { EDX_DB_SQLITE = 1, EDX_DB_POSTGRES = 2 } edx_db_kind;

enum { EDX_DBV_NULL = 0, EDX_DBV_INT = 1, EDX_DBV_TEXT = 2, EDX_DBV_BLOB = 3 };

/* A bound parameter. A TEXT whose pointer is NULL binds SQL NULL; a BLOB is `n` bytes at `s`. */
typedef struct edx_dbv {
    int type;
    int64_t i;
    const char *s;
    size_t n;
} edx_dbv;

#define EDX_DB_TEXT(x) ((edx_dbv){.type = EDX_DBV_TEXT, .s = (x)})
#define EDX_DB_INT(x) ((edx_dbv){.type = EDX_DBV_INT, .i = (int64_t)(x)})
#define EDX_DB_NULL ((edx_dbv){.type = EDX_DBV_NULL})
#define EDX_DB_BLOB(p, len) ((edx_dbv){.type = EDX_DBV_BLOB, .s = (const char *)(p), .n = (len)})
/* Expands to `array, count` for the args/nargs parameters below. */
#define EDX_DB_ARGS(...)                                                                           \
    (const edx_dbv[]){__VA_ARGS__},                                                                \
        (int)(sizeof((const edx_dbv[]){__VA_ARGS__}) / sizeof(edx_dbv))
#define EDX_DB_NOARGS NULL, 0

/*
 * Open a store. `url` is a SQLite file path (optionally "sqlite:" + path) or a
 * PostgreSQL URI ("postgres://…" or "postgresql://…"). SQLite files are opened
 * in WAL mode with foreign keys on and a busy timeout.
 */
int edx_db_open(edx_db **out, const char *url, edx_err *err);
void edx_db_close(edx_db *db);

edx_db_kind edx_db_kind_of(const edx_db *db);

/* 1 if `url` names a PostgreSQL database. */
int edx_db_url_is_postgres(const char *url);

/* Run one statement; returns the number of rows changed (>= 0) or an EDX_E code. */
int edx_db_exec(edx_db *db, const char *sql, const edx_dbv *args, int nargs, edx_err *err);

/*
 * Run a query. On success *out is a cursor: call edx_rows_next until it
 * returns 0, read columns in between, then edx_rows_close. Text pointers stay
 * valid until the next edx_rows_next or close.
 */
int edx_db_query(edx_db *db, edx_rows **out, const char *sql, const edx_dbv *args, int nargs,
                 edx_err *err);
int edx_rows_next(edx_rows *r, edx_err *err); /* 1 row, 0 end, <0 error */
const char *edx_rows_text(edx_rows *r, int col); /* NULL for SQL NULL */
int64_t edx_rows_int(edx_rows *r, int col);      /* 0 for SQL NULL */
double edx_rows_real(edx_rows *r, int col);      /* 0 for SQL NULL; no text round trip */
/* A BLOB column (SQLite BLOB, PostgreSQL bytea): NULL for SQL NULL; valid like text. */
const void *edx_rows_blob(edx_rows *r, int col, size_t *len);
int edx_rows_isnull(edx_rows *r, int col);
void edx_rows_close(edx_rows *r);

/*
 * Like edx_db_exec, but give up at once instead of waiting when another
 * writer holds the store (SQLite's busy timeout): for bookkeeping that may be
 * skipped, never for data.
 */
int edx_db_exec_nowait(edx_db *db, const char *sql, const edx_dbv *args, int nargs,
                       edx_err *err);

/*
 * Convenience: run a query expected to return at most one row with one
 * integer column. Returns 1 and sets *out when a row came back, 0 when none.
 */
int edx_db_query_int(edx_db *db, const char *sql, const edx_dbv *args, int nargs, int64_t *out,
                     edx_err *err);

/*
 * Run a query and collect one JSON value per row, made by `row(r, ctx)`, into
 * a new array the caller owns. A row function returning NULL means out of
 * memory.
 */
typedef struct json_t json_t;
int edx_db_query_array(edx_db *db, const char *sql, const edx_dbv *args, int nargs,
                       json_t *(*row)(edx_rows *r, void *ctx), void *ctx, json_t **out,
                       edx_err *err);

/*
 * Transactions. edx_db_begin starts a write transaction (SQLite: BEGIN
 * IMMEDIATE, so writers queue instead of failing on upgrade). Nesting is an
 * error. rollback is safe to call when no transaction is open.
 */
int edx_db_begin(edx_db *db, edx_err *err);
int edx_db_commit(edx_db *db, edx_err *err);
void edx_db_rollback(edx_db *db);
int edx_db_in_tx(const edx_db *db);

/*
 * Inside a write transaction, wait for other writers of the same kind (`key`):
 * PostgreSQL takes a transaction-scoped advisory lock; on SQLite the write
 * transaction is already exclusive, so nothing more is needed.
 */
int edx_db_lock(edx_db *db, int64_t key, edx_err *err);

/*
 * Deployment settings (table `settings`): copy the value of `key` into buf
 * (1 found, 0 absent, <0 error); put inserts or replaces (own transaction
 * unless one is open).
 */
int edx_db_setting_get(edx_db *db, const char *key, char *buf, size_t cap, edx_err *err);
int edx_db_setting_put(edx_db *db, const char *key, const char *value, edx_err *err);

/*
 * Bulk mode for one connection doing a long batch of inserts (credential
 * issuance): SQLite gets a 256 MiB page cache and checkpoints less often;
 * PostgreSQL needs nothing. Durability is unchanged (every commit syncs).
 */
void edx_db_bulk(edx_db *db, int on);

/* Run several ';'-separated statements without parameters (migrations only). */
int edx_db_script(edx_db *db, const char *sql, edx_err *err);

/* Cheap liveness check (readyz). */
int edx_db_ping(edx_db *db, edx_err *err);

/* SQLite only: consistent online copy to `path` (backup API); integrity check. */
int edx_db_backup(edx_db *db, const char *path, edx_err *err);
int edx_db_integrity_check(edx_db *db, edx_err *err);

/*
 * Migrations: numbered SQL files compiled into the binary
 * (src/store/migrations/NNNN_name[.sqlite|.postgres].sql). edx_db_migrate
 * applies the pending ones in order, each in its own transaction, and is safe
 * to run from several processes at once. A store newer than the binary is an
 * error (EDX_EINVAL) rather than something to guess about.
 */
int edx_db_migrate(edx_db *db, int *applied, edx_err *err);
int edx_db_schema_version(edx_db *db, int *current, int *latest, edx_err *err);

#endif
