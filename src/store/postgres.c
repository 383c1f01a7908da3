/*
 * postgres.c: the PostgreSQL backend on libpq. Statements are sent with
 * PQexecParams (text parameters); `?` placeholders are renumbered to $n once
 * per SQL text and the result cached per connection. A broken connection is
 * reset once before a statement fails.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_impl.h"

#define CACHE_SLOTS 96
#define MAX_PARAMS 1024

typedef struct xlat {
    const char *key;
    char *orig;
    char *sql;
} xlat;

typedef struct pg_db {
    edx_db base;
    PGconn *c;
    xlat cache[CACHE_SLOTS];
    int ncache;
} pg_db;

typedef struct pg_rows {
    edx_rows base;
    PGresult *res;
    int row, nrows;
    unsigned char *blob; /* the last bytea unescaped (freed on the next call or close) */
} pg_rows;

/* Renumber `?` outside quotes to $1..$n; malloc'd. */
static char *translate(const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n * 4 + 1);
    if (!out) return NULL;
    char *o = out;
    int idx = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote) quote = 0;
            *o++ = *p;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            *o++ = *p;
        } else if (*p == '?') {
            o += sprintf(o, "$%d", ++idx);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static const char *sql_for(pg_db *d, const char *sql, char **tofree)
{
    *tofree = NULL;
    for (int i = 0; i < d->ncache; i++)
        if (d->cache[i].key == sql && strcmp(d->cache[i].orig, sql) == 0) return d->cache[i].sql;
    char *t = translate(sql);
    if (!t) return NULL;
    if (d->ncache < CACHE_SLOTS) {
        char *orig = strdup(sql);
        if (orig) {
            xlat *x = &d->cache[d->ncache++];
            x->key = sql;
            x->orig = orig;
            x->sql = t;
            return t;
        }
    }
    *tofree = t;
    return t;
}

static int map_err(pg_db *d, PGresult *res, edx_err *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(d->c);
    char clean[240];
    snprintf(clean, sizeof clean, "%s", msg ? msg : "?");
    for (char *p = clean; *p; p++)
        if (*p == '\n') *p = ' ';
    if (state && strcmp(state, "23505") == 0)
        return edx_err_set(err, EDX_ECONFLICT, 409, "conflict", "", "already exists (%s)", clean);
    if (state && strncmp(state, "23", 2) == 0)
        return edx_err_set(err, EDX_ECONFLICT, 409, "conflict", "", "constraint failed (%s)", clean);
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                  strcmp(state, "55P03") == 0))
        return edx_err_set(err, EDX_EDB, 503, "busy", "", "the database is busy; try again");
    return edx_err_set(err, EDX_EDB, 500, "db_error", "", "database error: %s", clean);
}

static PGresult *run(pg_db *d, const char *sql, const edx_dbv *args, int nargs, edx_err *err,
                     int *rc)
{
    char *tofree;
    const char *q = sql_for(d, sql, &tofree);
    *rc = 0;
    if (!q) {
        *rc = edx_err_nomem(err);
        return NULL;
    }
    if (nargs > MAX_PARAMS) {
        free(tofree);
        *rc = edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "too many parameters");
        return NULL;
    }
    const char *vals[MAX_PARAMS];
    int lens[MAX_PARAMS], fmts[MAX_PARAMS], binary = 0;
    char nums[MAX_PARAMS][21]; /* the decimal form of any int64 */
    for (int i = 0; i < nargs; i++) {
        lens[i] = 0;
        fmts[i] = 0;
        switch (args[i].type) {
        case EDX_DBV_INT:
            snprintf(nums[i], sizeof nums[i], "%lld", (long long)args[i].i);
            vals[i] = nums[i];
            break;
        case EDX_DBV_TEXT: vals[i] = args[i].s; break;
        case EDX_DBV_BLOB:
            /* bytea travels in binary: no escaping, no doubling. */
            vals[i] = args[i].s;
            lens[i] = (int)args[i].n;
            fmts[i] = 1;
            binary = 1;
            break;
        default: vals[i] = NULL;
        }
    }
    /* A connection lost outside a transaction is worth one reconnect. */
    if (PQstatus(d->c) != CONNECTION_OK && !d->base.in_tx) PQreset(d->c);
    PGresult *res = PQexecParams(d->c, q, nargs, NULL, nargs ? vals : NULL, binary ? lens : NULL,
                                 binary ? fmts : NULL, 0);
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        *rc = map_err(d, res, err);
        PQclear(res);
        res = NULL;
    }
    free(tofree);
    return res;
}

static int pg_exec(edx_db *db, const char *sql, const edx_dbv *args, int nargs, edx_err *err)
{
    int rc;
    PGresult *res = run((pg_db *)db, sql, args, nargs, err, &rc);
    if (!res) return rc;
    const char *t = PQcmdTuples(res);
    int changed = t && *t ? atoi(t) : 0;
    PQclear(res);
    return changed;
}

static int pg_query(edx_db *db, edx_rows **out, const char *sql, const edx_dbv *args, int nargs,
                    edx_err *err)
{
    int rc;
    *out = NULL;
    PGresult *res = run((pg_db *)db, sql, args, nargs, err, &rc);
    if (!res) return rc;
    pg_rows *r = malloc(sizeof *r);
    if (!r) {
        PQclear(res);
        return edx_err_nomem(err);
    }
    r->base.db = db;
    r->res = res;
    r->blob = NULL;
    r->row = -1;
    r->nrows = PQntuples(res);
    *out = &r->base;
    return 0;
}

static int pg_next(edx_rows *rows, edx_err *err)
{
    (void)err;
    pg_rows *r = (pg_rows *)rows;
    if (r->row + 1 >= r->nrows) return 0;
    r->row++;
    return 1;
}

static const char *pg_text(edx_rows *rows, int col)
{
    pg_rows *r = (pg_rows *)rows;
    if (PQgetisnull(r->res, r->row, col)) return NULL;
    return PQgetvalue(r->res, r->row, col);
}

static int64_t pg_int(edx_rows *rows, int col)
{
    const char *t = pg_text(rows, col);
    if (!t) return 0;
    if (t[0] == 't' && t[1] == '\0') return 1; /* booleans from PostgreSQL expressions */
    return strtoll(t, NULL, 10);
}

static double pg_real(edx_rows *rows, int col)
{
    const char *t = pg_text(rows, col);
    return t ? strtod(t, NULL) : 0;
}

static int pg_isnull(edx_rows *rows, int col)
{
    pg_rows *r = (pg_rows *)rows;
    return PQgetisnull(r->res, r->row, col);
}

static const void *pg_blob(edx_rows *rows, int col, size_t *len)
{
    pg_rows *r = (pg_rows *)rows;
    if (PQgetisnull(r->res, r->row, col)) return NULL;
    PQfreemem(r->blob);
    r->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, r->row, col), len);
    return r->blob;
}

static void pg_close_rows(edx_rows *rows)
{
    pg_rows *r = (pg_rows *)rows;
    PQfreemem(r->blob);
    PQclear(r->res);
    free(r);
}

static int pg_script(edx_db *db, const char *sql, edx_err *err)
{
    pg_db *d = (pg_db *)db;
    PGresult *res = PQexec(d->c, sql);
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) rc = map_err(d, res, err);
    PQclear(res);
    return rc;
}

static void pg_close(edx_db *db)
{
    pg_db *d = (pg_db *)db;
    for (int i = 0; i < d->ncache; i++) {
        free(d->cache[i].orig);
        free(d->cache[i].sql);
    }
    PQfinish(d->c);
    free(d);
}

static const edx_db_ops pg_ops = {
    .exec = pg_exec,
    .query = pg_query,
    .next = pg_next,
    .text = pg_text,
    .blob = pg_blob,
    .integer = pg_int,
    .real = pg_real,
    .isnull = pg_isnull,
    .close_rows = pg_close_rows,
    .script = pg_script,
    .close = pg_close,
};

static void quiet_notices(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

int edx_pg_open(edx_db **out, const char *conninfo, edx_err *err)
{
    pg_db *d = calloc(1, sizeof *d);
    if (!d) return edx_err_nomem(err);
    d->base.ops = &pg_ops;
    d->base.kind = EDX_DB_POSTGRES;
    d->c = PQconnectdb(conninfo);
    if (!d->c || PQstatus(d->c) != CONNECTION_OK) {
        /* The message may echo the URI's host but never its password. */
        char msg[200];
        snprintf(msg, sizeof msg, "%s", d->c ? PQerrorMessage(d->c) : "out of memory");
        for (char *p = msg; *p; p++)
            if (*p == '\n') *p = ' ';
        edx_err_set(err, EDX_EDB, 503, "db_unavailable", "db", "cannot connect to PostgreSQL: %s", msg);
        PQfinish(d->c);
        free(d);
        return EDX_EDB;
    }
    PQsetNoticeProcessor(d->c, quiet_notices, NULL);
    PQsetClientEncoding(d->c, "UTF8");
    *out = &d->base;
    return 0;
}
