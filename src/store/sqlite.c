/*
 * sqlite.c: the SQLite backend. One connection per handle, opened with
 * SQLITE_OPEN_NOMUTEX (the handle is used by one thread at a time), WAL,
 * synchronous=FULL, foreign keys on, a 5 s busy timeout. Prepared statements
 * are cached per connection, keyed by the SQL text.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_impl.h"

#define CACHE_SLOTS 96

typedef struct cached {
    const char *key; /* the caller's pointer, checked against `text` */
    char *text;
    sqlite3_stmt *st;
    int busy;
} cached;

typedef struct sq_db {
    edx_db base;
    sqlite3 *h;
    cached cache[CACHE_SLOTS];
    int ncache;
} sq_db;

typedef struct sq_rows {
    edx_rows base;
    sqlite3_stmt *st;
    cached *slot; /* NULL when the statement is not cached */
} sq_rows;

static int map_err(sq_db *d, int rc, const char *sql, edx_err *err)
{
    int ext = sqlite3_extended_errcode(d->h), prim = rc & 0xff;
    const char *msg = sqlite3_errmsg(d->h);
    (void)sql;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return edx_err_set(err, EDX_ECONFLICT, 409, "conflict", "", "already exists (%s)", msg);
    if (prim == SQLITE_CONSTRAINT)
        return edx_err_set(err, EDX_ECONFLICT, 409, "conflict", "", "constraint failed (%s)", msg);
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        return edx_err_set(err, EDX_EDB, 503, "busy", "", "the database is busy; try again");
    if (prim == SQLITE_NOMEM) return edx_err_nomem(err);
    return edx_err_set(err, EDX_EDB, 500, "db_error", "", "database error: %s", msg);
}

static int bind(sq_db *d, sqlite3_stmt *st, const edx_dbv *args, int nargs, edx_err *err)
{
    for (int i = 0; i < nargs; i++) {
        int rc;
        switch (args[i].type) {
        case EDX_DBV_INT: rc = sqlite3_bind_int64(st, i + 1, args[i].i); break;
        case EDX_DBV_TEXT:
            rc = args[i].s ? sqlite3_bind_text(st, i + 1, args[i].s, -1, SQLITE_STATIC)
                           : sqlite3_bind_null(st, i + 1);
            break;
        case EDX_DBV_BLOB:
            rc = args[i].s ? sqlite3_bind_blob64(st, i + 1, args[i].s, args[i].n, SQLITE_STATIC)
                           : sqlite3_bind_null(st, i + 1);
            break;
        default: rc = sqlite3_bind_null(st, i + 1);
        }
        if (rc != SQLITE_OK) return map_err(d, rc, NULL, err);
    }
    return 0;
}

/* A ready statement for `sql`: from the cache when free, else freshly prepared. */
static int prepare(sq_db *d, const char *sql, sqlite3_stmt **st, cached **slot, edx_err *err)
{
    *slot = NULL;
    for (int i = 0; i < d->ncache; i++) {
        cached *c = &d->cache[i];
        if (c->key == sql && !c->busy && strcmp(c->text, sql) == 0) {
            c->busy = 1;
            *st = c->st;
            *slot = c;
            return 0;
        }
    }
    int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK) return map_err(d, rc, sql, err);
    if (d->ncache < CACHE_SLOTS) {
        char *copy = strdup(sql);
        if (copy) {
            cached *c = &d->cache[d->ncache++];
            c->key = sql;
            c->text = copy;
            c->st = *st;
            c->busy = 1;
            *slot = c;
        }
    }
    return 0;
}

static void release(sqlite3_stmt *st, cached *slot)
{
    if (slot) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        slot->busy = 0;
    } else {
        sqlite3_finalize(st);
    }
}

static int sq_exec(edx_db *db, const char *sql, const edx_dbv *args, int nargs, edx_err *err)
{
    sq_db *d = (sq_db *)db;
    sqlite3_stmt *st;
    cached *slot;
    int rc = prepare(d, sql, &st, &slot, err);
    if (rc < 0) return rc;
    rc = bind(d, st, args, nargs, err);
    if (rc == 0) {
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {}
        rc = s == SQLITE_DONE ? sqlite3_changes(d->h) : map_err(d, s, sql, err);
    }
    release(st, slot);
    return rc;
}

static int sq_query(edx_db *db, edx_rows **out, const char *sql, const edx_dbv *args, int nargs,
                    edx_err *err)
{
    sq_db *d = (sq_db *)db;
    sqlite3_stmt *st;
    cached *slot;
    *out = NULL;
    int rc = prepare(d, sql, &st, &slot, err);
    if (rc < 0) return rc;
    rc = bind(d, st, args, nargs, err);
    sq_rows *r = rc == 0 ? malloc(sizeof *r) : NULL;
    if (!r) {
        release(st, slot);
        return rc < 0 ? rc : edx_err_nomem(err);
    }
    r->base.db = db;
    r->st = st;
    r->slot = slot;
    *out = &r->base;
    return 0;
}

static int sq_next(edx_rows *rows, edx_err *err)
{
    sq_rows *r = (sq_rows *)rows;
    int s = sqlite3_step(r->st);
    if (s == SQLITE_ROW) return 1;
    if (s == SQLITE_DONE) return 0;
    return map_err((sq_db *)rows->db, s, NULL, err);
}

static const void *sq_blob(edx_rows *rows, int col, size_t *len)
{
    sqlite3_stmt *st = ((sq_rows *)rows)->st;
    const void *p = sqlite3_column_blob(st, col);
    *len = (size_t)sqlite3_column_bytes(st, col);
    return p;
}

static const char *sq_text(edx_rows *rows, int col)
{
    return (const char *)sqlite3_column_text(((sq_rows *)rows)->st, col);
}

static int64_t sq_int(edx_rows *rows, int col)
{
    return sqlite3_column_int64(((sq_rows *)rows)->st, col);
}

static double sq_real(edx_rows *rows, int col)
{
    return sqlite3_column_double(((sq_rows *)rows)->st, col);
}

static int sq_isnull(edx_rows *rows, int col)
{
    return sqlite3_column_type(((sq_rows *)rows)->st, col) == SQLITE_NULL;
}

static void sq_close_rows(edx_rows *rows)
{
    sq_rows *r = (sq_rows *)rows;
    release(r->st, r->slot);
    free(r);
}

static int sq_script(edx_db *db, const char *sql, edx_err *err)
{
    sq_db *d = (sq_db *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        edx_err_set(err, EDX_EDB, 500, "db_error", "", "database error: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return EDX_EDB;
    }
    return 0;
}

static void sq_close(edx_db *db)
{
    sq_db *d = (sq_db *)db;
    for (int i = 0; i < d->ncache; i++) {
        sqlite3_finalize(d->cache[i].st);
        free(d->cache[i].text);
    }
    sqlite3_close_v2(d->h);
    free(d);
}

#define BUSY_MS 5000

/* ms < 0 restores the default wait. */
static void sq_busy_wait(edx_db *db, int ms)
{
    sqlite3_busy_timeout(((sq_db *)db)->h, ms < 0 ? BUSY_MS : ms);
}

static const edx_db_ops sqlite_ops = {
    .exec = sq_exec,
    .query = sq_query,
    .next = sq_next,
    .text = sq_text,
    .blob = sq_blob,
    .integer = sq_int,
    .real = sq_real,
    .isnull = sq_isnull,
    .close_rows = sq_close_rows,
    .script = sq_script,
    .close = sq_close,
    .busy_wait = sq_busy_wait,
};

/* Before first use: no global memory statistics (a process-wide mutex on every malloc), and
 * multi-thread mode (each connection is used by one thread at a time). */
static pthread_once_t configured = PTHREAD_ONCE_INIT;

static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_initialize();
}

int edx_sqlite_open(edx_db **out, const char *path, edx_err *err)
{
    pthread_once(&configured, configure);
    sq_db *d = calloc(1, sizeof *d);
    if (!d) return edx_err_nomem(err);
    d->base.ops = &sqlite_ops;
    d->base.kind = EDX_DB_SQLITE;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &d->h, flags, NULL);
    if (rc != SQLITE_OK) {
        edx_err_set(err, EDX_EDB, 500, "db_error", "db", "cannot open database %s: %s", path,
                    d->h ? sqlite3_errmsg(d->h) : "out of memory");
        sqlite3_close_v2(d->h);
        free(d);
        return EDX_EDB;
    }
    sqlite3_busy_timeout(d->h, BUSY_MS);
    sqlite3_extended_result_codes(d->h, 1);
    /* Two processes opening a new file at once can see SQLITE_BUSY while one of them switches
     * it to WAL (SQLite gives up at once where waiting could deadlock): try again a while. */
    for (int attempt = 0;; attempt++) {
        rc = sq_script(&d->base,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                       " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16384;",
                       err);
        int busy = (sqlite3_errcode(d->h) & 0xff) == SQLITE_BUSY ||
                   (sqlite3_errcode(d->h) & 0xff) == SQLITE_LOCKED;
        if (rc == 0 || !busy || attempt >= 100) break;
        sqlite3_sleep(50);
    }
    if (rc < 0) {
        sq_close(&d->base);
        return rc;
    }
    *out = &d->base;
    return 0;
}

int edx_db_backup(edx_db *db, const char *path, edx_err *err)
{
    if (db->kind != EDX_DB_SQLITE)
        return edx_err_set(err, EDX_EINVAL, 400, "unsupported", "db",
                           "backup copies SQLite stores; for PostgreSQL use pg_dump");
    sq_db *d = (sq_db *)db;
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        edx_err_set(err, EDX_EIO, 500, "io_error", "file", "cannot create %s: %s", path,
                    dst ? sqlite3_errmsg(dst) : "out of memory");
        sqlite3_close_v2(dst);
        return EDX_EIO;
    }
    sqlite3_busy_timeout(dst, 5000);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", d->h, "main");
    if (!b) {
        edx_err_set(err, EDX_EIO, 500, "io_error", "file", "backup failed: %s", sqlite3_errmsg(dst));
        sqlite3_close_v2(dst);
        return EDX_EIO;
    }
    /* One step under one read transaction: in WAL mode writers go on meanwhile and the
     * copy is the state at the start (copying in pieces would restart on every write). */
    do {
        rc = sqlite3_backup_step(b, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        edx_err_set(err, EDX_EIO, 500, "io_error", "file", "backup failed: %s", sqlite3_errstr(rc));
        sqlite3_close_v2(dst);
        return EDX_EIO;
    }
    /* The copy is a standalone file: leave it in rollback-journal mode. */
    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    sqlite3_close_v2(dst);
    return 0;
}

int edx_db_integrity_check(edx_db *db, edx_err *err)
{
    if (db->kind != EDX_DB_SQLITE) return 0;
    edx_rows *r;
    int rc = edx_db_query(db, &r, "PRAGMA integrity_check", NULL, 0, err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc == 1) {
        const char *t = edx_rows_text(r, 0);
        if (!t || strcmp(t, "ok") != 0) {
            edx_err_set(err, EDX_EDB, 500, "corrupt", "", "integrity check: %s", t ? t : "?");
            rc = EDX_EDB;
        } else {
            rc = 0;
        }
    }
    edx_rows_close(r);
    return rc;
}
