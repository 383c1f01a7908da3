/*
 * initiatives.c: initiatives (sáng kiến, good models) and their adoption by other units.
 *
 * An initiative belongs to the unit that submits it (for itself or for named
 * people of it): problem, solution, results, evidence files, and, once a
 * competent body has recognised it, that body, the decision and the scope of
 * influence it granted (unit, province, ministry, nation): the legal hook for
 * replicability. Replicability is then measured by adoptions: another unit,
 * outside the owner's subtree, records that it applied the initiative, with
 * evidence. Every signed-in user may read initiatives: they are there to be
 * copied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "json/json.h"
#include "movement/movement_int.h"
#include "schema/schema.h"

static const char *const scopes[] = {"unit", "province", "ministry", "nation", NULL};

static int one_of(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (strcmp(*list, s) == 0) return 1;
    return 0;
}

/* A text member cleaned (NFC, no controls) into *out; absent: NULL unless required. */
static int text_member(const json_t *o, const char *k, int required, size_t min, size_t max,
                       edx_arena *a, char **out, edx_err *err)
{
    const json_t *v = json_object_get(o, k);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? edx_err_invalid(err, k, "%s is required", k) : 0;
    if (!json_is_string(v)) return edx_err_invalid(err, k, "%s must be text", k);
    return edx_text_clean(a, json_string_value(v), min, max, k, out, err) < 0 ? err->rc : 0;
}

/* A list of evidence files the caller may read: its canonical JSON text into *out. */
static int evidence_member(edx_db *db, edx_arena *a, const edx_principal *p, const json_t *o,
                           int required, char **out, edx_err *err)
{
    const json_t *ev = json_object_get(o, "evidence");
    size_t i;
    json_t *e;
    if (!ev && !required) ev = NULL;
    if ((ev && !json_is_array(ev)) || json_array_size(ev) > 20)
        return edx_err_invalid(err, "evidence", "evidence must be a list of at most 20 files");
    if (required && json_array_size(ev) == 0)
        return edx_err_invalid(err, "evidence", "at least one evidence file is required");
    json_array_foreach(ev, i, e) {
        char f[32];
        snprintf(f, sizeof f, "evidence[%zu]", i);
        int rc = edx_evidence_check(db, a, p, json_string_value(e), f, err);
        if (rc < 0) return rc;
    }
    json_t *arr = ev ? json_deep_copy(ev) : json_array();
    char *t = arr ? edx_jcs_dump(arr, NULL, err) : NULL;
    json_decref(arr);
    if (!t) return edx_err_nomem(err);
    *out = edx_arena_strdup(a, t);
    free(t);
    return *out ? 0 : edx_err_nomem(err);
}

/* The body's "unit", one `p` may act for. */
static int unit_member(edx_db *db, edx_arena *a, const edx_principal *p, const json_t *body,
                       edx_unit_ref *u, edx_err *err)
{
    const char *unit = mv_str(body, "unit");
    if (!unit) return edx_err_invalid(err, "unit", "unit is required");
    return edx_unit_ref_get(db, a, p, unit, 1, "unit", u, err);
}

typedef struct recog {
    char *body, *number, *date, *scope;
} recog;

/* {body, decision_number, decision_date, scope}, all required together. */
static int recognition_member(const json_t *o, edx_arena *a, recog *r, edx_err *err)
{
    static const char *const allowed[] = {"body", "decision_number", "decision_date", "scope",
                                          NULL};
    memset(r, 0, sizeof *r);
    if (!json_is_object(o))
        return edx_err_invalid(err, "recognition", "recognition must be an object");
    int rc = edx_json_only((json_t *)o, allowed, err);
    if (rc < 0) return rc;
    if ((rc = text_member(o, "body", 1, 2, 300, a, &r->body, err)) < 0 ||
        (rc = text_member(o, "decision_number", 1, 1, 100, a, &r->number, err)) < 0 ||
        (rc = text_member(o, "decision_date", 1, 10, 10, a, &r->date, err)) < 0 ||
        (rc = text_member(o, "scope", 1, 1, 20, a, &r->scope, err)) < 0)
        return rc;
    int64_t t;
    char day[11];
    if (!r->date || !r->scope || edx_time_parse(r->date, &t) != 0)
        return edx_err_invalid(err, "decision_date", "decision_date must be a date (YYYY-MM-DD)");
    mv_today(day);
    if (strcmp(r->date, day) > 0)
        return edx_err_invalid(err, "decision_date", "decision_date %s is in the future", r->date);
    if (!one_of(scopes, r->scope))
        return edx_err_invalid(err, "scope", "scope is unit, province, ministry or nation");
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

#define INIT_COLS                                                                                  \
    "i.id, u.code, u.name, i.title, i.authors, i.problem, i.solution, i.results, i.scope,"         \
    " i.recognised_by, i.decision_number, i.decision_date, i.evidence, i.created_at,"              \
    " (SELECT COUNT(*) FROM initiative_adoptions d WHERE d.initiative_id = i.id)"
#define INIT_FROM " FROM initiatives i JOIN units u ON u.id = i.unit_id"

static json_t *parse_or_empty(const char *t)
{
    json_t *v = NULL;
    edx_err e;
    if (!t || edx_jcs_parse(t, strlen(t), &v, &e) != 0) return json_array();
    return v;
}

static json_t *initiative_row(edx_rows *r, void *ctx)
{
    int full = ctx != NULL;
    char when[32];
    edx_time_iso(edx_rows_int(r, 13), when);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(edx_rows_int(r, 0)));
    json_object_set_new(o, "unit", json_pack("{s:s,s:s}", "code", edx_rows_text(r, 1), "name",
                                             edx_rows_text(r, 2)));
    json_object_set_new(o, "title", json_string(edx_rows_text(r, 3)));
    json_object_set_new(o, "authors", parse_or_empty(edx_rows_text(r, 4)));
    if (full) {
        json_object_set_new(o, "problem", json_string(edx_rows_text(r, 5)));
        json_object_set_new(o, "solution", json_string(edx_rows_text(r, 6)));
        json_object_set_new(o, "results", json_string(edx_rows_text(r, 7)));
        json_object_set_new(o, "evidence", parse_or_empty(edx_rows_text(r, 12)));
    }
    if (edx_rows_isnull(r, 9))
        json_object_set_new(o, "recognition", json_null());
    else
        json_object_set_new(o, "recognition",
                            json_pack("{s:s,s:s,s:s,s:s}", "body", edx_rows_text(r, 9),
                                      "decision_number", edx_rows_text(r, 10), "decision_date",
                                      edx_rows_text(r, 11), "scope", edx_rows_text(r, 8)));
    json_object_set_new(o, "adoptions", json_integer(edx_rows_int(r, 14)));
    json_object_set_new(o, "created_at", json_string(when));
    return o;
}

static json_t *adoption_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:s,s:s,s:s,s:o,s:o}", "unit", edx_rows_text(r, 0), "name",
                     edx_rows_text(r, 1), "adopted_on", edx_rows_text(r, 2), "note",
                     edx_json_str_or_null(edx_rows_text(r, 3)), "evidence",
                     parse_or_empty(edx_rows_text(r, 4)));
}

int edx_initiative_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                       json_t **out, edx_err *err)
{
    (void)a;
    json_t *arr = NULL, *adopt = NULL;
    if (p->role == EDX_ROLE_PUBLIC) return edx_err_forbidden(err, "sign in to read initiatives");
    int rc = edx_db_query_array(db, "SELECT " INIT_COLS INIT_FROM " WHERE i.id = ?",
                                EDX_DB_ARGS(EDX_DB_INT(id)), initiative_row, (void *)1, &arr, err);
    if (rc < 0) return rc;
    if (json_array_size(arr) == 0) {
        json_decref(arr);
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "initiative %lld not found",
                           (long long)id);
    }
    rc = edx_db_query_array(db,
                            "SELECT u.code, u.name, d.adopted_on, d.note, d.evidence"
                            " FROM initiative_adoptions d JOIN units u ON u.id = d.unit_id"
                            " WHERE d.initiative_id = ? ORDER BY d.adopted_on, u.code",
                            EDX_DB_ARGS(EDX_DB_INT(id)), adoption_row, NULL, &adopt, err);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    json_object_set_new(*out, "adopted_by", adopt);
    return 0;
}

int edx_initiative_list(edx_db *db, edx_arena *a, const edx_principal *p,
                        const edx_initiative_query *q, json_t **out, edx_err *err)
{
    const char *lo = "/", *hi = "0", *like = NULL;
    int limit = q->limit ? q->limit : 100;
    if (p->role == EDX_ROLE_PUBLIC) return edx_err_forbidden(err, "sign in to read initiatives");
    if (limit < 1 || limit > 500) return edx_err_invalid(err, "limit", "limit must be 1 to 500");
    if (q->offset < 0) return edx_err_invalid(err, "offset", "offset must not be negative");
    if (q->scope && !one_of(scopes, q->scope))
        return edx_err_invalid(err, "scope", "scope is unit, province, ministry or nation");
    if (q->unit) {
        edx_unit_ref u;
        int rc = edx_unit_ref_by_code(db, a, q->unit, &u, err);
        if (rc < 0) return rc;
        lo = u.path;
        if (!(hi = edx_unit_path_end(a, lo))) return edx_err_nomem(err);
    }
    if (q->q && *q->q) {
        if (!edx_utf8_valid(q->q, strlen(q->q)) || strlen(q->q) > 200)
            return edx_err_invalid(err, "q", "q must be valid UTF-8 of at most 200 bytes");
        char *key = edx_utf8_search_key(a, q->q);
        like = key ? edx_arena_printf(a, "%%%s%%", key) : NULL;
        if (!like) return edx_err_nomem(err);
    }
    json_t *arr = NULL;
    int rc = edx_db_query_array(
        db,
        "SELECT " INIT_COLS INIT_FROM " WHERE u.path >= ? AND u.path < ?"
        " AND (CAST(? AS TEXT) IS NULL OR i.scope = ?)"
        " AND (? < 0 OR (i.recognised_by IS NOT NULL) = (? = 1))"
        " AND (CAST(? AS TEXT) IS NULL OR i.search_key LIKE ?)"
        " ORDER BY i.id DESC LIMIT ? OFFSET ?",
        EDX_DB_ARGS(EDX_DB_TEXT(lo), EDX_DB_TEXT(hi), EDX_DB_TEXT(q->scope), EDX_DB_TEXT(q->scope),
                    EDX_DB_INT(q->recognised), EDX_DB_INT(q->recognised), EDX_DB_TEXT(like),
                    EDX_DB_TEXT(like), EDX_DB_INT(limit + 1), EDX_DB_INT(q->offset)),
        initiative_row, NULL, &arr, err);
    if (rc < 0) return rc;
    int more = json_array_size(arr) > (size_t)limit;
    if (more) json_array_remove(arr, (size_t)limit);
    *out = json_pack("{s:o,s:i,s:i,s:o}", "initiatives", arr, "limit", limit, "offset", q->offset,
                     "next_offset", more ? json_integer(q->offset + limit) : json_null());
    return *out ? 0 : edx_err_nomem(err);
}

/* ---- writing ------------------------------------------------------------------------------- */

int edx_initiative_create(edx_db *db, edx_arena *a, const edx_principal *p, const json_t *body,
                          json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"unit", "title", "authors", "problem", "solution",
                                          "results", "evidence", "recognition", NULL};
    edx_unit_ref u = {0};
    char *title, *problem, *solution, *results, *evidence, *authors_text = NULL;
    recog rg = {0};
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0) return rc;
    if ((rc = unit_member(db, a, p, body, &u, err)) < 0) return rc;
    if ((rc = text_member(body, "title", 1, 3, 300, a, &title, err)) < 0 ||
        (rc = text_member(body, "problem", 1, 10, 10000, a, &problem, err)) < 0 ||
        (rc = text_member(body, "solution", 1, 10, 10000, a, &solution, err)) < 0 ||
        (rc = text_member(body, "results", 1, 10, 10000, a, &results, err)) < 0 ||
        (rc = evidence_member(db, a, p, body, 1, &evidence, err)) < 0)
        return rc;
    const json_t *auth = json_object_get(body, "authors");
    if (auth && (!json_is_array(auth) || json_array_size(auth) > 20))
        return edx_err_invalid(err, "authors", "authors must be a list of at most 20 names");
    json_t *names = json_array();
    size_t i;
    json_t *n;
    json_array_foreach(auth, i, n) {
        char *clean = NULL;
        if (!json_is_string(n) ||
            edx_text_clean(a, json_string_value(n), 2, 100, "authors", &clean, err) < 0) {
            json_decref(names);
            return edx_err_invalid(err, "authors", "authors[%zu] must be a name of 2 to 100 "
                                   "characters", i);
        }
        json_array_append_new(names, json_string(clean));
    }
    authors_text = edx_jcs_dump(names, NULL, err);
    json_decref(names);
    if (!authors_text) return edx_err_nomem(err);
    const json_t *rj = json_object_get(body, "recognition");
    if (rj && !json_is_null(rj) && (rc = recognition_member(rj, a, &rg, err)) < 0) goto done;
    char *key = edx_utf8_search_key(a, title);
    int64_t now = edx_now(), id = 0;
    if ((rc = edx_db_begin(db, err)) < 0) goto done;
    rc = edx_db_exec(db,
                     "INSERT INTO initiatives (unit_id, title, authors, problem, solution, results,"
                     " scope, recognised_by, decision_number, decision_date, evidence, search_key,"
                     " created_by, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     EDX_DB_ARGS(EDX_DB_INT(u.id), EDX_DB_TEXT(title), EDX_DB_TEXT(authors_text),
                                 EDX_DB_TEXT(problem), EDX_DB_TEXT(solution), EDX_DB_TEXT(results),
                                 EDX_DB_TEXT(rg.scope), EDX_DB_TEXT(rg.body),
                                 EDX_DB_TEXT(rg.number), EDX_DB_TEXT(rg.date),
                                 EDX_DB_TEXT(evidence), EDX_DB_TEXT(key ? key : ""),
                                 EDX_DB_TEXT(p->actor), EDX_DB_INT(now), EDX_DB_INT(now)),
                     err);
    if (rc >= 0)
        rc = edx_db_query_int(db, "SELECT MAX(id) FROM initiatives WHERE unit_id = ?",
                              EDX_DB_ARGS(EDX_DB_INT(u.id)), &id, err);
    {
        char target[64];
        snprintf(target, sizeof target, "initiative:%lld", (long long)id);
        json_t *detail = json_pack("{s:s,s:s}", "unit", u.code, "title", title);
        rc = edx_audit_commit(db, p->actor, "initiative.create", target, NULL, NULL, detail,
                              rc < 0 ? rc : 0, err);
        json_decref(detail);
    }
    if (rc >= 0) rc = edx_initiative_get(db, a, p, id, out, err);
done:
    free(authors_text);
    return rc < 0 ? rc : 0;
}

/* The owner's unit of initiative `id` (its path in *path), or EDX_ENOTFOUND. */
static int owner_of(edx_db *db, edx_arena *a, int64_t id, edx_unit_ref *u, edx_err *err)
{
    int64_t unit_id = 0;
    int rc = edx_db_query_int(db, "SELECT unit_id FROM initiatives WHERE id = ?",
                              EDX_DB_ARGS(EDX_DB_INT(id)), &unit_id, err);
    if (rc < 0) return rc;
    if (rc == 0 || edx_unit_ref_by_id(db, a, unit_id, u, err) <= 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "initiative %lld not found",
                           (long long)id);
    return 0;
}

int edx_initiative_recognise(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                             const json_t *body, json_t **out, edx_err *err)
{
    edx_unit_ref owner = {0};
    recog rg;
    int rc = recognition_member(body, a, &rg, err);
    if (rc < 0) return rc;
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    if ((rc = owner_of(db, a, id, &owner, err)) < 0) goto finish;
    /* Recognition comes from above: the Ministry, or an admin of a unit over the owner's. */
    int above = p->role == EDX_ROLE_MINISTRY_ADMIN ||
                (p->role == EDX_ROLE_UNIT_ADMIN && p->unit_path && owner.path &&
                 strlen(owner.path) > strlen(p->unit_path) &&
                 strncmp(owner.path, p->unit_path, strlen(p->unit_path)) == 0);
    if (!above) {
        rc = edx_err_forbidden(err, "an initiative is recognised by a body above its unit");
        goto finish;
    }
    rc = edx_db_exec(db,
                     "UPDATE initiatives SET scope = ?, recognised_by = ?, decision_number = ?,"
                     " decision_date = ?, recognised_unit_id = ?, updated_at = ? WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(rg.scope), EDX_DB_TEXT(rg.body),
                                 EDX_DB_TEXT(rg.number), EDX_DB_TEXT(rg.date),
                                 p->unit_id ? EDX_DB_INT(p->unit_id) : EDX_DB_TEXT(NULL),
                                 EDX_DB_INT(edx_now()), EDX_DB_INT(id)),
                     err);
finish: {
    char target[64];
    snprintf(target, sizeof target, "initiative:%lld", (long long)id);
    json_t *detail = json_pack("{s:s?,s:s?,s:s?,s:s?}", "body", rg.body, "decision", rg.number,
                               "date", rg.date, "scope", rg.scope);
    rc = edx_audit_commit(db, p->actor, "initiative.recognise", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
}
    if (rc < 0) return rc;
    return edx_initiative_get(db, a, p, id, out, err);
}

int edx_initiative_adopt(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                         const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"unit", "adopted_on", "note", "evidence", NULL};
    edx_unit_ref owner = {0}, u = {0};
    char *date = NULL, *note = NULL, *evidence = NULL, day[11];
    int64_t t;
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0) return rc;
    if ((rc = unit_member(db, a, p, body, &u, err)) < 0) return rc;
    if ((rc = text_member(body, "adopted_on", 1, 10, 10, a, &date, err)) < 0 ||
        (rc = text_member(body, "note", 0, 0, 2000, a, &note, err)) < 0 ||
        (rc = evidence_member(db, a, p, body, 1, &evidence, err)) < 0)
        return rc;
    mv_today(day);
    if (!date || edx_time_parse(date, &t) != 0 || strcmp(date, day) > 0)
        return edx_err_invalid(err, "adopted_on", "adopted_on must be a date, not in the future");
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    if ((rc = owner_of(db, a, id, &owner, err)) < 0) goto finish;
    if (!owner.path || !u.path || strncmp(u.path, owner.path, strlen(owner.path)) == 0) {
        rc = edx_err_invalid(err, "unit", "%s is %s or one of its units: adoption counts only "
                             "elsewhere", u.code, owner.code);
        goto finish;
    }
    rc = edx_db_exec(db,
                     "INSERT INTO initiative_adoptions (initiative_id, unit_id, adopted_on, note,"
                     " evidence, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(u.id), EDX_DB_TEXT(date),
                                 EDX_DB_TEXT(note), EDX_DB_TEXT(evidence), EDX_DB_TEXT(p->actor),
                                 EDX_DB_INT(edx_now())),
                     err);
    if (rc == EDX_ECONFLICT)
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "already_adopted", "unit",
                         "%s has recorded this adoption already", u.code);
finish: {
    char target[64];
    snprintf(target, sizeof target, "initiative:%lld", (long long)id);
    json_t *detail = json_pack("{s:s,s:s?}", "unit", u.code, "adopted_on", date);
    rc = edx_audit_commit(db, p->actor, "initiative.adopt", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
}
    if (rc < 0) return rc;
    return edx_initiative_get(db, a, p, id, out, err);
}

int mv_initiative_counts(edx_db *db, const char *lo, const char *hi, const char *from,
                         const char *until, int64_t *recognised, int64_t *adoptions,
                         edx_err *err)
{
    int rc = edx_db_query_int(db,
                              "SELECT COUNT(*) FROM initiatives i JOIN units u ON u.id = i.unit_id"
                              " WHERE u.path >= ? AND u.path < ? AND i.recognised_by IS NOT NULL"
                              " AND i.decision_date >= ? AND i.decision_date <= ?",
                              EDX_DB_ARGS(EDX_DB_TEXT(lo), EDX_DB_TEXT(hi), EDX_DB_TEXT(from),
                                          EDX_DB_TEXT(until)),
                              recognised, err);
    if (rc < 0) return rc;
    rc = edx_db_query_int(db,
                          "SELECT COUNT(*) FROM initiative_adoptions d"
                          " JOIN initiatives i ON i.id = d.initiative_id"
                          " JOIN units u ON u.id = i.unit_id JOIN units du ON du.id = d.unit_id"
                          " WHERE u.path >= ? AND u.path < ? AND NOT (du.path >= ? AND du.path < ?)"
                          " AND d.adopted_on >= ? AND d.adopted_on <= ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(lo), EDX_DB_TEXT(hi), EDX_DB_TEXT(lo),
                                      EDX_DB_TEXT(hi), EDX_DB_TEXT(from), EDX_DB_TEXT(until)),
                          adoptions, err);
    return rc < 0 ? rc : 0;
}
