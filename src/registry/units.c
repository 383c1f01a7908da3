/*
 * units.c: the organisation tree. Each unit stores a materialised path of
 * codes ("/BGDDT/SGDDT-HN/THPT-CVA/") so that a subtree is one index range
 * scan: path >= prefix AND path < prefix-with-last-'/'-bumped-to-'0'.
 *
 * All writes (CSV import, API create, API update) go through apply_rows(): it
 * validates every row, resolves parents, computes new paths, checks scope and
 * cycles, and only then writes, in one transaction with one audit record.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/map.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "json/json.h"
#include "registry/registry_int.h"

#define MAX_DEPTH 12
#define MAX_IMPORT_ROWS 200000
#define MAX_REPORTED_ERRORS 1000

const char *const edx_unit_types[] = {
    "ministry", "ministry_unit", "national_university", "doet", "university",
    "college",  "vocational",    "school",              "other", NULL,
};

static const char *const unit_statuses[] = {"active", "inactive", "closed", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0) return 1;
    return 0;
}

int edx_unit_type_valid(const char *type)
{
    return type && in_list(edx_unit_types, type);
}

int edx_unit_code_check(const char *code, const char *field, edx_err *err)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0) return edx_err_invalid(err, field, "%s is required", field);
    if (n > 32) return edx_err_invalid(err, field, "%s must have at most 32 characters", field);
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (i > 0 && (c == '-' || c == '_' || c == '.'));
        if (!ok)
            return edx_err_invalid(err, field,
                                   "%s may use only A-Z, 0-9 and (after the first) . _ -", field);
    }
    return 0;
}

/* ---- store --------------------------------------------------------------------------- */

#define UNIT_COLS                                                                                  \
    "u.id, u.code, u.name, u.name_en, u.type, p.code, u.province, u.status, u.path, u.depth,"     \
    " u.created_at, u.updated_at, u.parent_id,"                                                    \
    " (SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id)"
#define UNIT_FROM " FROM units u LEFT JOIN units p ON p.id = u.parent_id"

static char *dup(edx_arena *a, const char *s)
{
    return s ? edx_arena_strdup(a, s) : NULL;
}

static int read_unit(edx_rows *r, edx_arena *a, unit_rec *u)
{
    u->id = edx_rows_int(r, 0);
    u->code = dup(a, edx_rows_text(r, 1));
    u->name = dup(a, edx_rows_text(r, 2));
    u->name_en = dup(a, edx_rows_text(r, 3));
    u->type = dup(a, edx_rows_text(r, 4));
    u->parent_code = dup(a, edx_rows_text(r, 5));
    u->province = dup(a, edx_rows_text(r, 6));
    u->status = dup(a, edx_rows_text(r, 7));
    u->path = dup(a, edx_rows_text(r, 8));
    u->depth = edx_rows_int(r, 9);
    u->created_at = edx_rows_int(r, 10);
    u->updated_at = edx_rows_int(r, 11);
    u->parent_id = edx_rows_int(r, 12);
    u->children = edx_rows_int(r, 13);
    return u->code && u->name && u->type && u->status && u->path ? 0 : -1;
}

static int load_one(edx_db *db, edx_arena *a, const char *sql, const edx_dbv *args, int nargs,
                    unit_rec *out, edx_err *err)
{
    edx_rows *r;
    int rc = edx_db_query(db, &r, sql, args, nargs, err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc == 1 && read_unit(r, a, out)) rc = edx_err_nomem(err);
    edx_rows_close(r);
    return rc > 1 ? 1 : rc;
}

int unit_load(edx_db *db, edx_arena *a, const char *code, unit_rec *out, edx_err *err)
{
    return load_one(db, a, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.code = ?",
                    EDX_DB_ARGS(EDX_DB_TEXT(code)), out, err);
}

int unit_load_id(edx_db *db, edx_arena *a, int64_t id, unit_rec *out, edx_err *err)
{
    return load_one(db, a, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.id = ?",
                    EDX_DB_ARGS(EDX_DB_INT(id)), out, err);
}

json_t *reg_time_json(int64_t t)
{
    if (!t) return json_null();
    char ts[32];
    edx_time_iso(t, ts);
    return json_string(ts);
}

/* The fields that define a unit's content, for audit digests. */
static json_t *unit_digest_json(const unit_rec *u)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(u->code));
    json_object_set_new(o, "name", json_string(u->name));
    json_object_set_new(o, "name_en", edx_json_str_or_null(u->name_en));
    json_object_set_new(o, "type", json_string(u->type));
    json_object_set_new(o, "parent_code", edx_json_str_or_null(u->parent_code));
    json_object_set_new(o, "province", edx_json_str_or_null(u->province));
    json_object_set_new(o, "status", json_string(u->status));
    return o;
}

json_t *unit_json(const unit_rec *u)
{
    json_t *o = unit_digest_json(u);
    json_object_set_new(o, "depth", json_integer(u->depth));
    json_object_set_new(o, "children_count", json_integer(u->children));
    json_object_set_new(o, "created_at", reg_time_json(u->created_at));
    json_object_set_new(o, "updated_at", reg_time_json(u->updated_at));
    return o;
}

/* Row mapper for edx_db_query_array: ctx is the arena. */
static json_t *unit_row_json(edx_rows *r, void *ctx)
{
    unit_rec u = {0};
    return read_unit(r, ctx, &u) ? NULL : unit_json(&u);
}

int unit_for_read(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                  const char *field, unit_rec *out, edx_err *err)
{
    int rc = unit_load(db, a, code, out, err);
    if (rc < 0) return rc;
    if (rc == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", field, "unit %s not found", code);
    if (!edx_scope_can_read(p, out->path))
        return edx_err_set(err, EDX_EPERM, 403, "forbidden", field,
                           "unit %s is outside your unit's subtree", code);
    return 0;
}

int reg_finish_write(edx_db *db, const edx_principal *p, const char *action, const char *target,
                     const json_t *before, const json_t *after, json_t *detail, int rc,
                     edx_err *err)
{
    return edx_audit_commit(db, p->actor, action, target, before, after, detail, rc, err);
}

static void unit_ref_from(const unit_rec *u, edx_unit_ref *out)
{
    out->id = u->id;
    out->code = u->code;
    out->name = u->name;
    out->name_en = u->name_en;
    out->type = u->type;
    out->path = u->path;
    out->province = u->province;
    out->status = u->status;
}

int edx_unit_ref_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                     int write, const char *field, edx_unit_ref *out, edx_err *err)
{
    unit_rec u;
    memset(&u, 0, sizeof u);
    int rc = unit_for_read(db, a, p, code, field, &u, err);
    if (rc < 0) return rc;
    if (write && !edx_scope_can_write(p, u.path))
        return edx_err_set(err, EDX_EPERM, 403, "forbidden", field,
                           "you may not act for unit %s", code);
    unit_ref_from(&u, out);
    return 0;
}

int edx_unit_ref_by_id(edx_db *db, edx_arena *a, int64_t id, edx_unit_ref *out, edx_err *err)
{
    unit_rec u;
    memset(&u, 0, sizeof u);
    int rc = unit_load_id(db, a, id, &u, err);
    if (rc > 0) unit_ref_from(&u, out);
    return rc;
}

int edx_unit_ref_by_code(edx_db *db, edx_arena *a, const char *code, edx_unit_ref *out,
                         edx_err *err)
{
    unit_rec u;
    memset(&u, 0, sizeof u);
    int rc = unit_load(db, a, code, &u, err);
    if (rc > 0) unit_ref_from(&u, out);
    if (rc == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "unit", "unit %.64s not found",
                           code);
    return rc < 0 ? rc : 0;
}

int edx_unit_ref_ministry(edx_db *db, edx_arena *a, edx_unit_ref *out, edx_err *err)
{
    edx_rows *rows = NULL;
    char *code = NULL;
    int rc = edx_db_query(db, &rows,
                          "SELECT code FROM units WHERE parent_id IS NULL AND type = 'ministry'"
                          " ORDER BY id LIMIT 1",
                          EDX_DB_NOARGS, err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(rows, err)) > 0) code = edx_arena_strdup(a, edx_rows_text(rows, 0));
    edx_rows_close(rows);
    if (rc < 0) return rc;
    if (!code) return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "unit", "the tree has no Ministry");
    return edx_unit_ref_by_code(db, a, code, out, err);
}

/* ---- reading ----------------------------------------------------------------------------- */

/* An ancestor in a breadcrumb: a scoped user sees the names above its unit, nothing more. */
static json_t *ancestor_json(edx_rows *r, void *ctx)
{
    const edx_principal *p = ctx;
    return json_pack("{s:o,s:o,s:o,s:b}", "code", edx_json_str_or_null(edx_rows_text(r, 0)),
                     "name", edx_json_str_or_null(edx_rows_text(r, 1)), "type",
                     edx_json_str_or_null(edx_rows_text(r, 2)), "readable",
                     edx_scope_can_read(p, edx_rows_text(r, 3)));
}

int edx_unit_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                 json_t **out, edx_err *err)
{
    unit_rec u = {0};
    int rc = unit_for_read(db, a, p, code, "code", &u, err);
    if (rc < 0) return rc;
    json_t *anc;
    rc = edx_db_query_array(db,
                            "WITH RECURSIVE anc(id, n) AS (SELECT parent_id, 1 FROM units WHERE id = ?"
                            " UNION ALL SELECT x.parent_id, anc.n + 1 FROM units x JOIN anc"
                            " ON x.id = anc.id WHERE x.parent_id IS NOT NULL AND anc.n < 64)"
                            " SELECT code, name, type, path FROM units"
                            " WHERE id IN (SELECT id FROM anc) ORDER BY depth",
                            EDX_DB_ARGS(EDX_DB_INT(u.id)), ancestor_json, (void *)p, &anc, err);
    if (rc < 0) return rc;
    json_t *o = unit_json(&u);
    json_object_set_new(o, "ancestors", anc);
    json_object_set_new(o, "writable", json_boolean(edx_scope_can_write(p, u.path)));
    *out = o;
    return 0;
}

char *edx_unit_path_end(edx_arena *a, const char *path)
{
    char *e = edx_arena_strdup(a, path);
    if (e && *e) e[strlen(e) - 1] = '0';
    return e;
}

/* "%term%" with LIKE's wildcards escaped, on the search key of `q`. */
static char *like_pattern(edx_arena *a, const char *q)
{
    char *key = edx_utf8_search_key(a, q);
    if (!key) return NULL;
    size_t n = strlen(key);
    char *p = edx_arena_alloc(a, n * 2 + 3);
    if (!p) return NULL;
    char *o = p;
    *o++ = '%';
    for (const char *s = key; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\') *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '%';
    *o = '\0';
    return p;
}

int edx_unit_list(edx_db *db, edx_arena *a, const edx_principal *p, const edx_unit_query *q,
                  json_t **out, edx_err *err)
{
    int limit = q->limit ? q->limit : 100;
    if (limit < 1 || limit > 500) return edx_err_invalid(err, "limit", "limit must be 1 to 500");
    if (q->offset < 0) return edx_err_invalid(err, "offset", "offset must not be negative");
    if (q->type && !edx_unit_type_valid(q->type))
        return edx_err_invalid(err, "type", "unknown unit type %s", q->type);
    if (q->q && (!edx_utf8_valid(q->q, strlen(q->q)) || strlen(q->q) > 200))
        return edx_err_invalid(err, "q", "q must be valid UTF-8 of at most 200 bytes");
    if (p->role != EDX_ROLE_MINISTRY_ADMIN && p->role != EDX_ROLE_REVIEWER && !p->unit_path)
        return edx_err_forbidden(err, "your account is not attached to a unit");

    /* The range to search: the caller's scope, narrowed by `under` or `parent`. */
    const char *lo = "/", *hi = "0";
    if (p->role != EDX_ROLE_MINISTRY_ADMIN && p->role != EDX_ROLE_REVIEWER) {
        lo = p->unit_path;
        hi = edx_unit_path_end(a, lo);
    }
    int64_t parent_id = -1; /* -1: no parent filter; 0: roots */
    const char *anchor = q->under ? q->under : q->parent;
    unit_rec base = {0};
    if (anchor && *anchor) {
        int rc = unit_for_read(db, a, p, anchor, q->under ? "under" : "parent", &base, err);
        if (rc < 0) return rc;
        lo = base.path;
        hi = edx_unit_path_end(a, lo);
        if (!q->under) parent_id = base.id;
    } else if (q->parent) {
        parent_id = 0;
    }
    if (!hi) return edx_err_nomem(err);
    const char *like = NULL;
    if (q->q && *q->q && !(like = like_pattern(a, q->q))) return edx_err_nomem(err);

    /* Roots "in scope" for a scoped user: their own unit. */
    int scoped_roots = parent_id == 0 && p->role != EDX_ROLE_MINISTRY_ADMIN &&
                       p->role != EDX_ROLE_REVIEWER;
    /*
     * parent_id: -1 = any, 0 = roots, n = children of n. A scoped user's "roots" are
     * their own unit. Written out as three static statements so each uses its index.
     */
    int rc;
    const char *sql;
    edx_dbv v[10];
    int nv = 0;
    if (parent_id > 0) {
        sql = "SELECT " UNIT_COLS UNIT_FROM
              " WHERE u.parent_id = ?"
              " AND (CAST(? AS TEXT) IS NULL OR u.type = ?)"
              " AND (CAST(? AS TEXT) IS NULL OR u.province = ?)"
              " AND (CAST(? AS TEXT) IS NULL OR u.search_key LIKE ? ESCAPE '\\')"
              " ORDER BY u.search_key, u.code LIMIT ? OFFSET ?";
        v[nv++] = EDX_DB_INT(parent_id);
    } else if (parent_id == 0 && !scoped_roots) {
        sql = "SELECT " UNIT_COLS UNIT_FROM
              " WHERE u.parent_id IS NULL"
              " AND (CAST(? AS TEXT) IS NULL OR u.type = ?)"
              " AND (CAST(? AS TEXT) IS NULL OR u.province = ?)"
              " AND (CAST(? AS TEXT) IS NULL OR u.search_key LIKE ? ESCAPE '\\')"
              " ORDER BY u.search_key, u.code LIMIT ? OFFSET ?";
    } else if (parent_id == 0) {
        sql = "SELECT " UNIT_COLS UNIT_FROM
              " WHERE u.id = ?"
              " AND (CAST(? AS TEXT) IS NULL OR u.type = ?)"
              " AND (CAST(? AS TEXT) IS NULL OR u.province = ?)"
              " AND (CAST(? AS TEXT) IS NULL OR u.search_key LIKE ? ESCAPE '\\')"
              " ORDER BY u.search_key, u.code LIMIT ? OFFSET ?";
        v[nv++] = EDX_DB_INT(p->unit_id);
    } else {
        sql = "SELECT " UNIT_COLS UNIT_FROM
              " WHERE u.path >= ? AND u.path < ?"
              " AND (CAST(? AS TEXT) IS NULL OR u.type = ?)"
              " AND (CAST(? AS TEXT) IS NULL OR u.province = ?)"
              " AND (CAST(? AS TEXT) IS NULL OR u.search_key LIKE ? ESCAPE '\\')"
              " ORDER BY u.depth, u.search_key, u.code LIMIT ? OFFSET ?";
        v[nv++] = EDX_DB_TEXT(lo);
        v[nv++] = EDX_DB_TEXT(hi);
    }
    v[nv++] = EDX_DB_TEXT(q->type);
    v[nv++] = EDX_DB_TEXT(q->type);
    v[nv++] = EDX_DB_TEXT(q->province);
    v[nv++] = EDX_DB_TEXT(q->province);
    v[nv++] = EDX_DB_TEXT(like);
    v[nv++] = EDX_DB_TEXT(like);
    v[nv++] = EDX_DB_INT(limit + 1); /* one more tells whether there is a next page */
    v[nv++] = EDX_DB_INT(q->offset);
    json_t *arr;
    if ((rc = edx_db_query_array(db, sql, v, nv, unit_row_json, a, &arr, err)) < 0) return rc;
    int more = json_array_size(arr) > (size_t)limit;
    if (more) json_array_remove(arr, (size_t)limit);
    json_t *o = json_object();
    json_object_set_new(o, "units", arr);
    json_object_set_new(o, "limit", json_integer(limit));
    json_object_set_new(o, "offset", json_integer(q->offset));
    json_object_set_new(o, "next_offset", more ? json_integer(q->offset + limit) : json_null());
    *out = o;
    return 0;
}

static json_t *province_json(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:o,s:o,s:o}", "code", edx_json_str_or_null(edx_rows_text(r, 0)), "name",
                     edx_json_str_or_null(edx_rows_text(r, 1)), "name_en",
                     edx_json_str_or_null(edx_rows_text(r, 2)));
}

int edx_province_list(edx_db *db, json_t **out, edx_err *err)
{
    return edx_db_query_array(db, "SELECT code, name, name_en FROM provinces ORDER BY code", NULL,
                              0, province_json, NULL, out, err);
}

/* ---- writing: one path for CSV rows and API bodies ------------------------------------- */

enum { ACT_CREATE = 1, ACT_UPDATE, ACT_UNCHANGED };
enum { ABSENT_PARENT = 1, ABSENT_PROVINCE = 2, ABSENT_STATUS = 4, ABSENT_NAME_EN = 8,
       ABSENT_NAME = 16, ABSENT_TYPE = 32 };

/* Advisory lock key serialising writers of the unit tree (PostgreSQL). */
#define UNITS_LOCK 7342002
enum { MODE_UPSERT = 0, MODE_CREATE, MODE_UPDATE };

typedef struct urow {
    long line;
    const char *code, *name, *name_en, *type, *parent_code, *province, *status;
    unit_rec *existing;
    char *path;
    int depth, state, action;
} urow;

typedef struct errlist {
    edx_rowerr *v;
    size_t n, cap;
    long total;
} errlist;

typedef struct applier {
    edx_db *db;
    edx_arena *a;
    const edx_principal *p;
    edx_map file;     /* code → urow */
    edx_map known;    /* code → unit_rec (from the store), or &missing */
    edx_map provinces;
    errlist errs;
    int scope_errors; /* rows refused because they reach outside the caller's subtree */
    unsigned absent;  /* ABSENT_* columns the CSV lacks: existing units keep those values */
    int all_known;    /* every stored unit is in `known`: a miss means "no such unit" */
    edx_err *err;
} applier;

static unit_rec missing_unit;

static int add_error(applier *ap, long line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int add_error(applier *ap, long line, const char *column, const char *fmt, ...)
{
    errlist *e = &ap->errs;
    e->total++;
    if (e->n >= MAX_REPORTED_ERRORS) return 0;
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        edx_rowerr *v = edx_arena_alloc(ap->a, cap * sizeof *v);
        if (!v) return -1;
        if (e->n) memcpy(v, e->v, e->n * sizeof *v);
        e->v = v;
        e->cap = cap;
    }
    va_list ap2;
    va_start(ap2, fmt);
    char *reason = edx_arena_vprintf(ap->a, fmt, ap2);
    va_end(ap2);
    if (!reason) return -1;
    e->v[e->n].row = line;
    e->v[e->n].column = column;
    e->v[e->n].reason = reason;
    e->n++;
    return 0;
}

/* A unit of the store by code, cached; NULL when there is none. */
static unit_rec *known(applier *ap, const char *code, int *rc)
{
    *rc = 0;
    unit_rec *u = edx_map_get(&ap->known, code);
    if (u) return u == &missing_unit ? NULL : u;
    if (ap->all_known) return NULL;
    u = edx_arena_alloc(ap->a, sizeof *u);
    if (!u) {
        *rc = edx_err_nomem(ap->err);
        return NULL;
    }
    int found = unit_load(ap->db, ap->a, code, u, ap->err);
    if (found < 0) {
        *rc = found;
        return NULL;
    }
    const char *key = found ? u->code : edx_arena_strdup(ap->a, code);
    if (!key || edx_map_put(&ap->known, key, found ? u : &missing_unit)) {
        *rc = edx_err_nomem(ap->err);
        return NULL;
    }
    return found ? u : NULL;
}

static int preload_all(applier *ap)
{
    edx_rows *r;
    int rc = edx_db_query(ap->db, &r, "SELECT " UNIT_COLS UNIT_FROM, NULL, 0, ap->err);
    if (rc < 0) return rc;
    while ((rc = edx_rows_next(r, ap->err)) == 1) {
        unit_rec *u = edx_arena_alloc(ap->a, sizeof *u);
        if (!u || read_unit(r, ap->a, u) || edx_map_put(&ap->known, u->code, u)) {
            rc = edx_err_nomem(ap->err);
            break;
        }
    }
    edx_rows_close(r);
    if (rc == 0) ap->all_known = 1;
    return rc < 0 ? rc : 0;
}

static int load_provinces(applier *ap)
{
    edx_rows *r;
    int rc = edx_db_query(ap->db, &r, "SELECT code FROM provinces", NULL, 0, ap->err);
    if (rc < 0) return rc;
    while ((rc = edx_rows_next(r, ap->err)) == 1) {
        char *c = edx_arena_strdup(ap->a, edx_rows_text(r, 0));
        if (!c || edx_map_put(&ap->provinces, c, c)) {
            rc = edx_err_nomem(ap->err);
            break;
        }
    }
    edx_rows_close(r);
    return rc < 0 ? rc : 0;
}

/* Validate and normalise one row's fields in place; problems go to the error list. */
static int check_fields(applier *ap, urow *w)
{
    edx_err e;
    char *clean;
    if (edx_unit_code_check(w->code, "code", &e) < 0)
        return add_error(ap, w->line, "code", "%s", e.message);
    if (edx_text_clean(ap->a, w->name, 1, 255, "name", &clean, &e) < 0) {
        if (e.rc == EDX_ENOMEM) return -1;
        if (add_error(ap, w->line, "name", "%s", e.message)) return -1;
    } else {
        w->name = clean;
    }
    if (w->name_en && *w->name_en) {
        if (edx_text_clean(ap->a, w->name_en, 1, 255, "name_en", &clean, &e) < 0) {
            if (add_error(ap, w->line, "name_en", "%s", e.message)) return -1;
        } else {
            w->name_en = clean;
        }
    } else {
        w->name_en = NULL;
    }
    if (!w->type || !*w->type) {
        if (add_error(ap, w->line, "type", "type is required")) return -1;
    } else if (!edx_unit_type_valid(w->type)) {
        if (add_error(ap, w->line, "type",
                      "unknown type \"%.40s\" (use ministry, ministry_unit, national_university,"
                      " doet, university, college, vocational, school or other)",
                      w->type))
            return -1;
    }
    if (!w->status || !*w->status) {
        w->status = w->existing ? w->existing->status : "active";
    } else if (!in_list(unit_statuses, w->status)) {
        if (add_error(ap, w->line, "status",
                      "unknown status \"%.40s\" (use active, inactive or closed)", w->status))
            return -1;
    }
    if (w->province && *w->province) {
        if (!edx_map_get(&ap->provinces, w->province) &&
            add_error(ap, w->line, "province", "unknown province \"%.40s\"", w->province))
            return -1;
    } else {
        w->province = NULL;
    }
    if (w->parent_code && *w->parent_code) {
        if (edx_unit_code_check(w->parent_code, "parent_code", &e) < 0) {
            if (add_error(ap, w->line, "parent_code", "%s", e.message)) return -1;
            w->parent_code = NULL;
        } else if (strcmp(w->parent_code, w->code) == 0) {
            if (add_error(ap, w->line, "parent_code", "a unit cannot be its own parent"))
                return -1;
            w->parent_code = NULL;
        }
    } else {
        w->parent_code = NULL;
    }
    return 0;
}

/* Final path of `code` after the import; NULL (with an error recorded) on cycles or depth. */
static char *final_path(applier *ap, const char *code, int *depth, int *rc, int guard)
{
    *rc = 0;
    if (guard > MAX_DEPTH) return NULL;
    urow *w = edx_map_get(&ap->file, code);
    if (w) {
        if (w->state == 2) {
            *depth = w->depth;
            return w->path;
        }
        if (w->state == 1) return NULL; /* cycle */
        w->state = 1;
        char *pp = NULL;
        int pd = -1;
        if (w->parent_code) {
            pp = final_path(ap, w->parent_code, &pd, rc, guard + 1);
            if (!pp) {
                w->state = 0;
                return NULL;
            }
        }
        w->path = pp ? edx_arena_printf(ap->a, "%s%s/", pp, code)
                     : edx_arena_printf(ap->a, "/%s/", code);
        if (!w->path) {
            *rc = edx_err_nomem(ap->err);
            return NULL;
        }
        w->depth = pd + 1;
        w->state = 2;
        *depth = w->depth;
        return w->path;
    }
    unit_rec *u = known(ap, code, rc);
    if (!u) return NULL;
    if (!u->parent_code) {
        *depth = 0;
        return edx_arena_printf(ap->a, "/%s/", code);
    }
    int pd;
    char *pp = final_path(ap, u->parent_code, &pd, rc, guard + 1);
    if (!pp) return NULL;
    *depth = pd + 1;
    return edx_arena_printf(ap->a, "%s%s/", pp, code);
}

static int same(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

static int by_depth(const void *x, const void *y)
{
    const urow *a = *(const urow *const *)x, *b = *(const urow *const *)y;
    if (a->depth != b->depth) return a->depth < b->depth ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int by_row(const void *x, const void *y)
{
    const edx_rowerr *a = x, *b = y;
    return a->row < b->row ? -1 : a->row > b->row;
}

/* Check everything; fill ap->errs. Returns <0 only for store/memory failures. */
static int plan(applier *ap, urow *rows, long n, int mode)
{
    int rc = load_provinces(ap);
    if (rc < 0) return rc;
    if (n > 200 && (rc = preload_all(ap)) < 0) return rc;
    for (long i = 0; i < n; i++) {
        urow *w = &rows[i];
        if (edx_unit_code_check(w->code, "code", NULL) == 0) {
            w->existing = known(ap, w->code, &rc);
            if (rc < 0) return rc;
            /* Columns the file does not have keep their stored values. */
            unit_rec *u = w->existing;
            if (u && (ap->absent & ABSENT_PARENT)) w->parent_code = u->parent_code;
            if (u && (ap->absent & ABSENT_PROVINCE)) w->province = u->province;
            if (u && (ap->absent & ABSENT_STATUS)) w->status = u->status;
            if (u && (ap->absent & ABSENT_NAME_EN)) w->name_en = u->name_en;
            if (u && (ap->absent & ABSENT_NAME)) w->name = u->name;
            if (u && (ap->absent & ABSENT_TYPE)) w->type = u->type;
        }
        if (check_fields(ap, w)) return edx_err_nomem(ap->err);
        if (edx_unit_code_check(w->code, "code", NULL) < 0) {
            w->code = NULL; /* reported; nothing else to check on this row */
            continue;
        }
        urow *prev = edx_map_get(&ap->file, w->code);
        if (prev) {
            if (add_error(ap, w->line, "code", "code %s already appears in row %ld", w->code,
                          prev->line))
                return edx_err_nomem(ap->err);
            w->code = NULL;
            continue;
        }
        if (edx_map_put(&ap->file, w->code, w)) return edx_err_nomem(ap->err);
    }
    for (long i = 0; i < n; i++) {
        urow *w = &rows[i];
        if (!w->code) continue;
        w->existing = known(ap, w->code, &rc);
        if (rc < 0) return rc;
        if (mode == MODE_CREATE && w->existing) {
            ap->errs.total++;
            return edx_err_set(ap->err, EDX_ECONFLICT, 409, "conflict", "code",
                               "unit %s already exists", w->code);
        }
        if (mode == MODE_UPDATE && !w->existing) {
            ap->errs.total++;
            return edx_err_set(ap->err, EDX_ENOTFOUND, 404, "not_found", "code",
                               "unit %s not found", w->code);
        }
        if (w->parent_code && !edx_map_get(&ap->file, w->parent_code)) {
            unit_rec *pu = known(ap, w->parent_code, &rc);
            if (rc < 0) return rc;
            if (!pu && add_error(ap, w->line, "parent_code",
                                 "parent_code %s is not a known unit", w->parent_code))
                return edx_err_nomem(ap->err);
            if (!pu) w->parent_code = NULL, w->state = 3; /* reported; skip path */
        }
    }
    for (long i = 0; i < n; i++) {
        urow *w = &rows[i];
        if (!w->code || w->state == 3) continue;
        int depth;
        char *path = final_path(ap, w->code, &depth, &rc, 0);
        if (rc < 0) return rc;
        if (!path) {
            if (add_error(ap, w->line, "parent_code",
                          "parent_code %s would make a cycle or a tree deeper than %d levels",
                          w->parent_code ? w->parent_code : "", MAX_DEPTH))
                return edx_err_nomem(ap->err);
            w->state = 3;
            continue;
        }
        unit_rec *u = w->existing;
        if (u && !edx_scope_can_write(ap->p, u->path)) {
            ap->scope_errors++;
            if (add_error(ap, w->line, "code", "unit %s is outside your unit's subtree", w->code))
                return edx_err_nomem(ap->err);
            continue;
        }
        if (!edx_scope_can_write(ap->p, w->path)) {
            ap->scope_errors++;
            if (add_error(ap, w->line, "parent_code",
                          "unit %s would be placed outside your unit's subtree", w->code))
                return edx_err_nomem(ap->err);
            continue;
        }
        if (u && strcmp(u->path, w->path) != 0) {
            /* A move carries the unit's subtree along: the deepest descendant must still fit. */
            int64_t deepest = 0;
            char *end = edx_unit_path_end(ap->a, u->path);
            if (!end) return edx_err_nomem(ap->err);
            rc = edx_db_query_int(ap->db, "SELECT MAX(depth) FROM units WHERE path >= ? AND path < ?",
                                  EDX_DB_ARGS(EDX_DB_TEXT(u->path), EDX_DB_TEXT(end)), &deepest,
                                  ap->err);
            if (rc < 0) return rc;
            if (w->depth + (deepest - u->depth) > MAX_DEPTH) {
                if (add_error(ap, w->line, "parent_code",
                              "moving %s there would make its subtree deeper than %d levels",
                              w->code, MAX_DEPTH))
                    return edx_err_nomem(ap->err);
                continue;
            }
        }
        if (!u) {
            w->action = ACT_CREATE;
        } else if (same(u->name, w->name) && same(u->name_en, w->name_en) &&
                   same(u->type, w->type) && same(u->parent_code, w->parent_code) &&
                   same(u->province, w->province) && same(u->status, w->status)) {
            w->action = ACT_UNCHANGED;
        } else {
            w->action = ACT_UPDATE;
        }
    }
    return 0;
}

/* New units go to PostgreSQL in batches of this many rows per INSERT (one round trip). */
#define BATCH 64
#define UNIT_INSERT                                                                                \
    "INSERT INTO units (code, name, name_en, type, parent_id, path, depth, province, status,"      \
    " search_key, created_at, updated_at) VALUES "
#define UNIT_VALUES "(?,?,?,?,?,?,?,?,?,?,?,?)"

static char batch_sql[sizeof UNIT_INSERT + BATCH * sizeof UNIT_VALUES + 32];
static pthread_once_t batch_once = PTHREAD_ONCE_INIT;

static void build_batch_sql(void)
{
    char *p = batch_sql;
    p += sprintf(p, "%s", UNIT_INSERT);
    for (int i = 0; i < BATCH; i++) p += sprintf(p, "%s%s", i ? "," : "", UNIT_VALUES);
    sprintf(p, " RETURNING id, code");
}

/* The 12 insert/update values of a row (parent id resolved, search key built). */
static int row_values(applier *ap, urow *w, int64_t now, edx_dbv v[12])
{
    int rc = 0;
    int64_t parent_id = 0;
    if (w->parent_code) {
        unit_rec *pu = known(ap, w->parent_code, &rc);
        if (rc < 0) return rc;
        if (!pu) return edx_err_set(ap->err, EDX_EINTERNAL, 500, "internal", "", "parent lost");
        parent_id = pu->id;
    }
    /* Search on the name without accents, and on the code. */
    char *key = edx_utf8_search_key(ap->a, w->name);
    char *lower = key ? edx_arena_printf(ap->a, "%s %s", key, w->code) : NULL;
    if (!lower) return edx_err_nomem(ap->err);
    for (char *c = lower + strlen(key); *c; c++) *c = (char)tolower((unsigned char)*c);
    v[0] = EDX_DB_TEXT(w->code);
    v[1] = EDX_DB_TEXT(w->name);
    v[2] = EDX_DB_TEXT(w->name_en);
    v[3] = EDX_DB_TEXT(w->type);
    v[4] = parent_id ? EDX_DB_INT(parent_id) : EDX_DB_NULL;
    v[5] = EDX_DB_TEXT(w->path);
    v[6] = EDX_DB_INT(w->depth);
    v[7] = EDX_DB_TEXT(w->province);
    v[8] = EDX_DB_TEXT(w->status);
    v[9] = EDX_DB_TEXT(lower);
    v[10] = EDX_DB_INT(now);
    v[11] = EDX_DB_INT(now);
    return 0;
}

/* A unit just created: known from now on, so its children find its id. */
static int remember(applier *ap, const char *code, int64_t id)
{
    urow *w = edx_map_get(&ap->file, code);
    unit_rec *u = edx_arena_calloc(ap->a, 1, sizeof *u);
    if (!w || !u) return edx_err_nomem(ap->err);
    u->id = id;
    u->code = w->code;
    u->path = w->path;
    u->depth = w->depth;
    u->parent_code = w->parent_code;
    return edx_map_put(&ap->known, w->code, u) ? edx_err_nomem(ap->err) : 0;
}

static int insert_batch(applier *ap, urow **w, int64_t now)
{
    edx_dbv v[BATCH * 12];
    int rc;
    for (int i = 0; i < BATCH; i++)
        if ((rc = row_values(ap, w[i], now, v + i * 12)) < 0) return rc;
    pthread_once(&batch_once, build_batch_sql);
    edx_rows *r;
    if ((rc = edx_db_query(ap->db, &r, batch_sql, v, BATCH * 12, ap->err)) < 0) return rc;
    int got = 0;
    while ((rc = edx_rows_next(r, ap->err)) == 1) {
        if ((rc = remember(ap, edx_rows_text(r, 1), edx_rows_int(r, 0))) < 0) break;
        got++;
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (got != BATCH) return edx_err_set(ap->err, EDX_EDB, 500, "db_error", "", "batch insert lost rows");
    return 0;
}

static int write_rows(applier *ap, urow *rows, long n, void (*progress)(long, long),
                      edx_import_report *rep)
{
    edx_err *err = ap->err;
    urow **order = edx_arena_alloc(ap->a, (size_t)(n ? n : 1) * sizeof *order);
    if (!order) return edx_err_nomem(err);
    long m = 0;
    for (long i = 0; i < n; i++)
        if (rows[i].action == ACT_CREATE || rows[i].action == ACT_UPDATE) order[m++] = &rows[i];
    qsort(order, (size_t)m, sizeof *order, by_depth);
    int64_t now = edx_now();
    int rc = 0;
    long done = 0;
    /* Batches save round trips to a PostgreSQL server; in-process SQLite is faster row by row. */
    int batch = edx_db_kind_of(ap->db) == EDX_DB_POSTGRES;
    for (long i = 0; i < m; i++) {
        urow *w = order[i];
        if (batch && w->action == ACT_CREATE) {
            /* Parents sort first, so a run of new units at one depth can go in one statement. */
            long k = 0;
            while (k < BATCH && i + k < m && order[i + k]->action == ACT_CREATE &&
                   order[i + k]->depth == w->depth)
                k++;
            if (k == BATCH) {
                if ((rc = insert_batch(ap, order + i, now)) < 0) return rc;
                rep->created += BATCH;
                i += BATCH - 1;
                done += BATCH;
                if (progress && done / 5000 != (done - BATCH) / 5000) progress(done, m);
                continue;
            }
        }
        edx_dbv v[12];
        if ((rc = row_values(ap, w, now, v)) < 0) return rc;
        if (w->action == ACT_CREATE) {
            int64_t id = 0;
            rc = edx_db_query_int(ap->db, UNIT_INSERT UNIT_VALUES " RETURNING id", v, 12, &id, err);
            if (rc < 0) return rc;
            if ((rc = remember(ap, w->code, id)) < 0) return rc;
            rep->created++;
        } else {
            /* Its current path may already reflect a moved ancestor: read it back. */
            edx_rows *r;
            rc = edx_db_query(ap->db, &r, "SELECT path, depth FROM units WHERE id = ?",
                              EDX_DB_ARGS(EDX_DB_INT(w->existing->id)), err);
            if (rc < 0) return rc;
            rc = edx_rows_next(r, err);
            char *cur = rc == 1 ? edx_arena_strdup(ap->a, edx_rows_text(r, 0)) : NULL;
            int64_t cur_depth = rc == 1 ? edx_rows_int(r, 1) : 0;
            edx_rows_close(r);
            if (rc < 0) return rc;
            if (!cur) return edx_err_nomem(err);
            if (strcmp(cur, w->path) != 0) {
                char *end = edx_unit_path_end(ap->a, cur);
                if (!end) return edx_err_nomem(err);
                rc = edx_db_exec(ap->db,
                                 "UPDATE units SET path = ? || substr(path, ?),"
                                 " depth = depth + ? WHERE path >= ? AND path < ?",
                                 EDX_DB_ARGS(EDX_DB_TEXT(w->path),
                                             EDX_DB_INT((int64_t)strlen(cur) + 1),
                                             EDX_DB_INT(w->depth - cur_depth), EDX_DB_TEXT(cur),
                                             EDX_DB_TEXT(end)),
                                 err);
                if (rc < 0) return rc;
            }
            rc = edx_db_exec(ap->db,
                             "UPDATE units SET name = ?, name_en = ?, type = ?, parent_id = ?,"
                             " province = ?, status = ?, search_key = ?, updated_at = ?"
                             " WHERE id = ?",
                             EDX_DB_ARGS(v[1], v[2], v[3], v[4], v[7], v[8], v[9], v[11],
                                         EDX_DB_INT(w->existing->id)),
                             err);
            if (rc < 0) return rc;
            rep->updated++;
        }
        done++;
        if (progress && done % 5000 == 0) progress(done, m);
    }
    if (progress && m) progress(m, m);
    return 0;
}

static int apply_rows(applier *ap, urow *rows, long n, int mode, int dry_run,
                      void (*progress)(long, long), edx_import_report *rep, json_t *detail)
{
    edx_err *err = ap->err;
    int rc;
    /* Plan and write in one transaction, so no other writer moves a unit in between: a
     * cycle or a stale scope check could otherwise slip through. */
    if (!dry_run) {
        if ((rc = edx_db_begin(ap->db, err)) < 0) return rc;
        if ((rc = edx_db_lock(ap->db, UNITS_LOCK, err)) < 0) goto fail;
    }
    if ((rc = plan(ap, rows, n, mode)) < 0) goto fail;
    if (ap->errs.total) {
        edx_db_rollback(ap->db);
        qsort(ap->errs.v, ap->errs.n, sizeof *ap->errs.v, by_row);
        if (mode != MODE_UPSERT) {
            /* A single API object: report like any field error. */
            edx_err_set(err, EDX_EINVAL, 400, "invalid_field", ap->errs.v[0].column, "%s",
                        ap->errs.v[0].reason);
            if (ap->scope_errors) {
                err->rc = EDX_EPERM;
                err->status = 403;
                snprintf(err->code, sizeof err->code, "forbidden");
            }
            return err->rc;
        }
        if (ap->scope_errors)
            edx_err_set(err, EDX_EPERM, 403, "forbidden", "file",
                        "%d row%s reach outside your unit's subtree; nothing was imported",
                        ap->scope_errors, ap->scope_errors == 1 ? "" : "s");
        else
            edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file",
                        "%ld problem%s in the file; nothing was imported", ap->errs.total,
                        ap->errs.total == 1 ? "" : "s");
        err->rows = ap->errs.v;
        err->nrows = ap->errs.n;
        return err->rc;
    }
    for (long i = 0; i < n; i++) {
        if (rows[i].action == ACT_CREATE) rep->created++;
        else if (rows[i].action == ACT_UPDATE) rep->updated++;
        else rep->unchanged++;
    }
    rep->rows = n;
    /* Nothing to change (a rerun of the same file): no write, no audit record. */
    if (dry_run || rep->created + rep->updated == 0) {
        edx_db_rollback(ap->db);
        return 0;
    }
    rep->created = rep->updated = 0; /* write_rows counts what it really wrote */
    rc = write_rows(ap, rows, n, progress, rep);
    if (mode == MODE_UPSERT) {
        json_object_set_new(detail, "rows", json_integer(n));
        json_object_set_new(detail, "created", json_integer(rep->created));
        json_object_set_new(detail, "updated", json_integer(rep->updated));
        json_object_set_new(detail, "unchanged", json_integer(rep->unchanged));
        json_object_set_new(detail, "sha256", json_string(rep->sha256));
        rc = reg_finish_write(ap->db, ap->p, "units.import", "units", NULL, NULL, detail, rc, err);
    } else {
        urow *w = &rows[0];
        unit_rec after = {.code = w->code, .name = w->name, .name_en = w->name_en,
                          .type = w->type, .parent_code = w->parent_code,
                          .province = w->province, .status = w->status};
        json_t *aj = unit_digest_json(&after);
        json_t *bj = w->existing ? unit_digest_json(w->existing) : NULL;
        char *target = edx_arena_printf(ap->a, "unit:%s", w->code);
        rc = reg_finish_write(ap->db, ap->p, mode == MODE_CREATE ? "unit.create" : "unit.update",
                              target ? target : "unit", bj, aj, NULL, rc, err);
        json_decref(aj);
        json_decref(bj);
    }
    return rc;
fail:
    edx_db_rollback(ap->db);
    return rc;
}

static void applier_init(applier *ap, edx_db *db, edx_arena *a, const edx_principal *p,
                         edx_err *err)
{
    memset(ap, 0, sizeof *ap);
    ap->db = db;
    ap->a = a;
    ap->p = p;
    ap->err = err;
    edx_map_init(&ap->file, a);
    edx_map_init(&ap->known, a);
    edx_map_init(&ap->provinces, a);
}

/* ---- CSV import / export ----------------------------------------------------------------- */

static const char *const csv_columns[] = {"code",     "name",   "type",    "parent_code",
                                          "province", "status", "name_en", NULL};

int edx_units_import_csv(edx_db *db, edx_arena *a, const edx_principal *p, const char *data,
                         size_t len, int dry_run, void (*progress)(long done, long total),
                         edx_import_report *rep, edx_err *err)
{
    memset(rep, 0, sizeof *rep);
    edx_sha256_hex(data, len, rep->sha256);
    if (len == 0) return edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file", "the file is empty");
    if (memchr(data, '\0', len)) {
        /* Name the record holding the NUL so the user can find it. */
        const char *z = memchr(data, '\0', len);
        long line = 1;
        for (const char *q = data; q < z; q++)
            if (*q == '\n') line++;
        edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file",
                    "line %ld contains a NUL byte; nothing was imported", line);
        edx_rowerr *r = edx_arena_calloc(a, 1, sizeof *r);
        if (r) {
            r->row = line;
            r->column = "";
            r->reason = "contains a NUL byte";
            err->rows = r;
            err->nrows = 1;
        }
        return EDX_EINVAL;
    }
    edx_csv csv;
    edx_csv_init(&csv, data, len);
    csv.max_fields = 32;
    char **f;
    size_t nf;
    int rc = edx_csv_next(&csv, a, &f, &nf, err);
    if (rc < 0) return rc;
    if (rc == 0) return edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file", "the file is empty");
    int col[8];
    for (int i = 0; i < 8; i++) col[i] = -1;
    applier ap;
    applier_init(&ap, db, a, p, err);
    for (size_t i = 0; i < nf && i < csv.max_fields; i++) {
        int k = -1;
        for (int j = 0; csv_columns[j]; j++)
            if (strcmp(f[i], csv_columns[j]) == 0) k = j;
        if (k < 0) {
            add_error(&ap, 1, f[i], "unknown column \"%.40s\" (columns: code, name, type,"
                      " parent_code, province, status, name_en)", f[i]);
        } else if (col[k] >= 0) {
            add_error(&ap, 1, f[i], "column %s appears twice", f[i]);
        } else {
            col[k] = (int)i;
        }
    }
    for (int j = 0; j < 3; j++)
        if (col[j] < 0) add_error(&ap, 1, csv_columns[j], "the header lacks column %s", csv_columns[j]);
    if (col[3] < 0) ap.absent |= ABSENT_PARENT;
    if (col[4] < 0) ap.absent |= ABSENT_PROVINCE;
    if (col[5] < 0) ap.absent |= ABSENT_STATUS;
    if (col[6] < 0) ap.absent |= ABSENT_NAME_EN;
    if (nf > csv.max_fields) add_error(&ap, 1, "", "the header has %zu columns", nf);
    if (ap.errs.total) {
        edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file",
                    "the header row is wrong; nothing was imported");
        err->rows = ap.errs.v;
        err->nrows = ap.errs.n;
        return EDX_EINVAL;
    }
    size_t expect = 0;
    for (int j = 0; j < 7; j++)
        if (col[j] >= 0) expect++;
    csv.max_fields = expect;
    size_t cap = 1024;
    long n = 0;
    urow *rows = edx_arena_alloc(a, cap * sizeof *rows);
    if (!rows) return edx_err_nomem(err);
    /* Records are read into a scratch arena; only good rows are copied to keep. */
    edx_arena scratch;
    edx_arena_init(&scratch, 4096);
    while ((rc = edx_csv_next(&csv, &scratch, &f, &nf, err)) == 1) {
        if (csv.record > MAX_IMPORT_ROWS + 1) {
            rc = edx_err_set(err, EDX_ELIMIT, 413, "too_many_rows", "file",
                             "the file has more than %d rows; split it", MAX_IMPORT_ROWS);
            break;
        }
        if (nf == 1 && f[0][0] == '\0') {
            edx_arena_reset(&scratch);
            continue; /* blank line */
        }
        if (nf != expect) {
            edx_arena_reset(&scratch);
            if (add_error(&ap, csv.record, "", "has %zu fields; the header has %zu", nf, expect)) {
                rc = edx_err_nomem(err);
                break;
            }
            continue;
        }
        if ((size_t)n == cap) {
            urow *nr = edx_arena_alloc(a, cap * 2 * sizeof *nr);
            if (!nr) {
                rc = edx_err_nomem(err);
                break;
            }
            memcpy(nr, rows, cap * sizeof *nr);
            rows = nr;
            cap *= 2;
        }
        urow *w = &rows[n];
        memset(w, 0, sizeof *w);
        w->line = csv.record;
        const char **dst[7] = {&w->code,     &w->name,   &w->type,    &w->parent_code,
                               &w->province, &w->status, &w->name_en};
        int copied = 1;
        for (int j = 0; j < 7; j++) {
            *dst[j] = col[j] >= 0 ? edx_arena_strdup(a, f[col[j]]) : NULL;
            if (col[j] >= 0 && !*dst[j]) copied = 0;
        }
        edx_arena_reset(&scratch);
        if (!copied) {
            rc = edx_err_nomem(err);
            break;
        }
        n++;
    }
    if (rc < 0 && err && err->nrows == 1) {
        /* The reader's row report lives in the scratch arena: keep a copy. */
        edx_rowerr *keep = edx_arena_alloc(a, sizeof *keep);
        if (keep) *keep = err->rows[0];
        err->rows = keep;
        err->nrows = keep ? 1 : 0;
        if (keep && ap.errs.total == 0)
            snprintf(err->message, sizeof err->message, "row %ld: %s; nothing was imported",
                     keep->row, keep->reason);
    }
    edx_arena_free(&scratch);
    if (rc < 0) return rc;
    if (n == 0 && ap.errs.total == 0)
        return edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file",
                           "the file has a header but no rows");
    json_t *detail = json_object();
    if (csv.had_bom) json_object_set_new(detail, "bom", json_true());
    rc = apply_rows(&ap, rows, n, MODE_UPSERT, dry_run, progress, rep, detail);
    json_decref(detail);
    return rc;
}

int edx_units_export_csv(edx_db *db, edx_arena *a, const edx_principal *p, const char *under,
                         edx_buf *out, edx_err *err)
{
    const char *lo = "/", *hi = "0";
    unit_rec base = {0};
    if (under && *under) {
        int rc = unit_for_read(db, a, p, under, "under", &base, err);
        if (rc < 0) return rc;
        lo = base.path;
    } else if (p->role != EDX_ROLE_MINISTRY_ADMIN && p->role != EDX_ROLE_REVIEWER) {
        if (!p->unit_path) return edx_err_forbidden(err, "your account is not attached to a unit");
        lo = p->unit_path;
    }
    /* unit_for_read succeeds only with a path (read_unit checks it). */
    if (strcmp(lo, "/") != 0 && !(hi = edx_unit_path_end(a, lo))) // NOLINT(clang-analyzer-core.NonNullParamChecker)
        return edx_err_nomem(err);
    edx_rows *r;
    int rc = edx_db_query(db, &r,
                          "SELECT u.code, u.name, u.type, p.code, u.province, u.status, u.name_en"
                          UNIT_FROM " WHERE u.path >= ? AND u.path < ? ORDER BY u.depth, u.code",
                          EDX_DB_ARGS(EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)), err);
    if (rc < 0) return rc;
    edx_buf_puts(out, "code,name,type,parent_code,province,status,name_en\r\n");
    while ((rc = edx_rows_next(r, err)) == 1) {
        for (int i = 0; i < 7; i++) {
            if (i) edx_buf_putc(out, ',');
            edx_csv_put_field(out, edx_rows_text(r, i));
        }
        edx_buf_puts(out, "\r\n");
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    return out->oom ? edx_err_nomem(err) : 0;
}

/* ---- API create / update ---------------------------------------------------------------- */

static const char *const unit_fields[] = {"code",     "name",   "type",    "parent_code",
                                          "province", "status", "name_en", NULL};

/* Read a string member into *dst: absent leaves it, null clears it, else must be a string. */
static int take(json_t *body, const char *key, const char **dst, edx_err *err)
{
    json_t *v = json_object_get(body, key);
    if (!v) return 0;
    if (json_is_null(v)) {
        *dst = NULL;
        return 0;
    }
    if (!json_is_string(v)) return edx_err_invalid(err, key, "%s must be a string", key);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return edx_err_invalid(err, key, "%s contains a NUL character", key);
    *dst = json_string_value(v);
    return 0;
}

static int unit_write(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                      json_t *body, int mode, json_t **out, edx_err *err)
{
    int rc = edx_json_only(body, unit_fields, err);
    if (rc < 0) return rc;
    urow w;
    memset(&w, 0, sizeof w);
    w.line = 1;
    applier ap;
    applier_init(&ap, db, a, p, err);
    if (mode == MODE_UPDATE) {
        if (json_object_get(body, "code"))
            return edx_err_invalid(err, "code", "the code of a unit cannot change");
        w.code = code;
    } else {
        if ((rc = take(body, "code", &w.code, err)) < 0) return rc;
        if (!w.code) return edx_err_invalid(err, "code", "code is required");
        if (!json_object_get(body, "name")) return edx_err_invalid(err, "name", "name is required");
        if (!json_object_get(body, "type")) return edx_err_invalid(err, "type", "type is required");
    }
    /* Fields the body lacks keep their stored values (read inside the write transaction). */
    const char **dst[6] = {&w.name, &w.type, &w.parent_code, &w.province, &w.status, &w.name_en};
    static const unsigned bits[6] = {ABSENT_NAME,     ABSENT_TYPE,   ABSENT_PARENT,
                                     ABSENT_PROVINCE, ABSENT_STATUS, ABSENT_NAME_EN};
    for (int j = 0; j < 6; j++) {
        if (!json_object_get(body, unit_fields[j + 1])) {
            if (mode == MODE_UPDATE) ap.absent |= bits[j];
            continue;
        }
        if ((rc = take(body, unit_fields[j + 1], dst[j], err)) < 0) return rc;
    }
    for (int j = 0; j < 2; j++) {
        json_t *v = json_object_get(body, unit_fields[j + 1]);
        if (json_is_null(v))
            return edx_err_invalid(err, unit_fields[j + 1], "%s is required", unit_fields[j + 1]);
    }
    json_t *st = json_object_get(body, "status");
    if (st && (json_is_null(st) || (json_is_string(st) && !*json_string_value(st))))
        return edx_err_invalid(err, "status", "status must be active, inactive or closed");
    edx_import_report rep;
    memset(&rep, 0, sizeof rep);
    rc = apply_rows(&ap, &w, 1, mode, 0, NULL, &rep, NULL);
    if (rc < 0) return rc;
    return edx_unit_get(db, a, p, w.code, out, err);
}

int edx_unit_create(edx_db *db, edx_arena *a, const edx_principal *p, json_t *body, json_t **out,
                    edx_err *err)
{
    return unit_write(db, a, p, NULL, body, MODE_CREATE, out, err);
}

int edx_unit_update(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                    json_t *body, json_t **out, edx_err *err)
{
    return unit_write(db, a, p, code, body, MODE_UPDATE, out, err);
}
