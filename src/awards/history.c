/*
 * history.c: each subject's award and rating history (imported from CSV, or written
 * by decisions), read back as the history rules.h evaluates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "awards/awards_int.h"
#include "base/csv.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "json/json.h"
#include "movement/movement.h"

void aw_today(char out[11])
{
    char iso[32];
    edx_time_iso(edx_now() + 7 * 3600, iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
}

/* ---- reading ------------------------------------------------------------------------------- */

static json_t *award_row(edx_rows *r, void *ctx)
{
    int annulled_too = *(int *)ctx;
    json_t *o = json_object();
    json_object_set_new(o, "form", json_string(edx_rows_text(r, 1)));
    json_object_set_new(o, "year", json_integer(edx_rows_int(r, 2)));
    if (edx_rows_text(r, 4)) json_object_set_new(o, "type", json_string(edx_rows_text(r, 4)));
    if (edx_rows_text(r, 5)) json_object_set_new(o, "decision", json_string(edx_rows_text(r, 5)));
    if (edx_rows_text(r, 6))
        json_object_set_new(o, "decision_date", json_string(edx_rows_text(r, 6)));
    if (edx_rows_text(r, 7)) json_object_set_new(o, "issuer", json_string(edx_rows_text(r, 7)));
    if (annulled_too) {
        json_object_set_new(o, "source", json_string(edx_rows_text(r, 8)));
        json_object_set_new(o, "annulled", json_boolean(edx_rows_int(r, 9)));
    }
    return o;
}

static json_t *rating_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s}", "year", (json_int_t)edx_rows_int(r, 2), "level",
                     edx_rows_text(r, 3) ? edx_rows_text(r, 3) : "");
}

#define HISTORY_SQL                                                                                \
    "SELECT kind, form, year, level, award_type, decision, decision_date, issuer, source,"        \
    " annulled FROM award_history WHERE unit_id = ? AND person_id = ? AND kind = ?"

static const char *const SCOPE_OF[][2] = {
    {"unit", "unit"}, {"province", "province"}, {"ministry", "ministry"}, {"nation", "national"}};

/* The unit's recognised initiatives in the history's shape. */
static int initiatives_json(edx_db *db, edx_arena *a, int64_t unit_id, json_t *out, edx_err *err)
{
    edx_unit_ref u;
    edx_principal sys;
    json_t *list = NULL;
    int rc = edx_unit_ref_by_id(db, a, unit_id, &u, err);
    if (rc <= 0) return rc;
    edx_principal_system(&sys);
    edx_initiative_query q = {u.code, NULL, 1, NULL, 500, 0};
    if ((rc = edx_initiative_list(db, a, &sys, &q, &list, err)) < 0) return rc;
    size_t i;
    json_t *it, *items = json_object_get(list, "items");
    json_array_foreach(items, i, it) {
        const json_t *rg = json_object_get(it, "recognition");
        const char *scope = json_string_value(json_object_get(rg, "scope"));
        const char *date = json_string_value(json_object_get(rg, "decision_date"));
        /* Only the unit's own initiatives, not those of units below it. */
        const char *owner = json_string_value(json_object_get(json_object_get(it, "unit"), "code"));
        if (owner && strcmp(owner, u.code) != 0) continue;
        json_t *o = json_object();
        json_object_set_new(o, "title", json_string(json_string_value(json_object_get(it, "title"))));
        if (date && strlen(date) >= 4) {
            json_object_set_new(o, "year", json_integer(atoi(date)));
            json_object_set_new(o, "decision_date", json_string(date));
        }
        for (size_t k = 0; scope && k < sizeof SCOPE_OF / sizeof *SCOPE_OF; k++)
            if (strcmp(scope, SCOPE_OF[k][0]) == 0)
                json_object_set_new(o, "scope", json_string(SCOPE_OF[k][1]));
        const char *body = json_string_value(json_object_get(rg, "body"));
        if (body) json_object_set_new(o, "recognising_body", json_string(body));
        const char *num = json_string_value(json_object_get(rg, "decision_number"));
        if (num) json_object_set_new(o, "decision", json_string(num));
        json_array_append_new(out, o);
    }
    json_decref(list);
    return 0;
}

int aw_history_json(edx_db *db, edx_arena *a, int64_t unit_id, int64_t person_id,
                    const char *kind, const char *name, int include_annulled, json_t **out,
                    edx_err *err)
{
    json_t *awards = NULL, *ratings = NULL, *inits = json_array();
    int rc = edx_db_query_array(db,
                                include_annulled ? HISTORY_SQL " ORDER BY year, form"
                                                 : HISTORY_SQL " AND annulled = 0 ORDER BY year, form",
                                EDX_DB_ARGS(EDX_DB_INT(unit_id), EDX_DB_INT(person_id),
                                            EDX_DB_TEXT("award")),
                                award_row, &include_annulled, &awards, err);
    if (rc >= 0)
        rc = edx_db_query_array(db, HISTORY_SQL " ORDER BY year",
                                EDX_DB_ARGS(EDX_DB_INT(unit_id), EDX_DB_INT(person_id),
                                            EDX_DB_TEXT("rating")),
                                rating_row, NULL, &ratings, err);
    if (rc >= 0 && person_id == 0 && inits) rc = initiatives_json(db, a, unit_id, inits, err);
    if (rc < 0 || !inits) {
        json_decref(awards);
        json_decref(ratings);
        json_decref(inits);
        return rc < 0 ? rc : edx_err_nomem(err);
    }
    *out = json_pack("{s:{s:s,s:s?},s:o,s:o,s:o,s:[]}", "subject", "kind", kind, "name", name,
                     "awards", awards, "ratings", ratings, "initiatives", inits, "leads");
    return *out ? 0 : edx_err_nomem(err);
}

/* The subject (unit `code`, person `person_id` or 0) `p` may read: unit, kind and name. */
static int subject_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                       int64_t person_id, int write, edx_unit_ref *u, const char **name,
                       edx_err *err)
{
    int rc = edx_unit_ref_get(db, a, p, code, write, "unit", u, err);
    if (rc < 0) return rc;
    *name = u->name;
    if (person_id == 0) return 0;
    json_t *person = NULL;
    edx_principal sys;
    edx_principal_system(&sys);
    if ((rc = edx_person_get(db, a, &sys, person_id, &person, err)) < 0)
        return rc == EDX_ENOTFOUND ? edx_err_set(err, rc, 404, "not_found", "person_id",
                                                 "no person %lld", (long long)person_id)
                                   : rc;
    const char *at = json_string_value(json_object_get(person, "unit_code"));
    if (!at || strcmp(at, u->code) != 0)
        rc = edx_err_invalid(err, "person_id", "person %lld is not of unit %s",
                             (long long)person_id, u->code);
    else
        *name = edx_arena_strdup(a, json_string_value(json_object_get(person, "full_name")));
    json_decref(person);
    return rc;
}

int edx_award_history_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit,
                          int64_t person_id, json_t **out, edx_err *err)
{
    edx_unit_ref u;
    const char *name;
    if (!unit) return edx_err_invalid(err, "unit", "say whose history (unit)");
    int rc = subject_get(db, a, p, unit, person_id, 0, &u, &name, err);
    if (rc < 0) return rc;
    if ((rc = aw_history_json(db, a, u.id, person_id, person_id ? "individual" : "collective",
                              name, 1, out, err)) < 0)
        return rc;
    json_t *s = json_object_get(*out, "subject");
    json_object_set_new(s, "unit", json_string(u.code));
    json_object_set_new(s, "person_id", person_id ? json_integer(person_id) : json_null());
    return 0;
}

/* ---- import -------------------------------------------------------------------------------- */

static const char *const COLUMNS[] = {"unit",      "person_id", "kind",     "form",          "year",
                                      "level",     "award_type", "decision", "decision_date", "issuer"};
enum { C_UNIT, C_PERSON, C_KIND, C_FORM, C_YEAR, C_LEVEL, C_TYPE, C_DECISION, C_DATE, C_ISSUER, NCOL };

static const char *field(char **f, size_t nf, int col)
{
    return (size_t)col < nf && f[col][0] ? f[col] : NULL;
}

/* Prefix the error's message with the input line. */
static void at_line(edx_err *err, long line)
{
    char msg[sizeof err->message + 32];
    int n = snprintf(msg, sizeof msg, "line %ld: %s", line, err->message);
    if (n > 0) memcpy(err->message, msg, strnlen(msg, sizeof err->message - 1));
    err->message[strnlen(msg, sizeof err->message - 1)] = '\0';
}

/* Check one record by reading it as a one-record history, the way evaluation will. */
static int record_check(const edx_rules *rules, edx_arena *a, char **f, size_t nf, int award,
                        long year, edx_err *err)
{
    json_t *rec = award ? json_pack("{s:s,s:I,s:s?,s:s?,s:s?,s:s?}", "form", field(f, nf, C_FORM),
                                    "year", (json_int_t)year, "type", field(f, nf, C_TYPE),
                                    "decision", field(f, nf, C_DECISION), "decision_date",
                                    field(f, nf, C_DATE), "issuer", field(f, nf, C_ISSUER))
                        : json_pack("{s:I,s:s}", "year", (json_int_t)year, "level",
                                    field(f, nf, C_LEVEL) ? field(f, nf, C_LEVEL) : "");
    json_t *h = rec ? json_pack("{s:{s:s},s:o}", "subject", "kind", "collective",
                                award ? "awards" : "ratings", json_pack("[o]", rec))
                    : NULL;
    edx_history parsed;
    int rc = h ? edx_history_parse(rules, h, a, &parsed, err) : edx_err_nomem(err);
    json_decref(h);
    return rc;
}

int edx_award_history_import(edx_db *db, edx_arena *a, const edx_principal *p, const char *csv,
                             size_t len, edx_history_report *rep, edx_err *err)
{
    memset(rep, 0, sizeof *rep);
    const edx_rules *rules = edx_rules_builtin();
    if (!rules) return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "no reward rules");
    if (len == 0 || memchr(csv, '\0', len))
        return edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file",
                           len ? "the file holds a NUL byte" : "the file is empty");
    edx_csv c;
    edx_csv_init(&c, csv, len);
    c.max_fields = 16;
    char **f;
    size_t nf;
    int rc = edx_csv_next(&c, a, &f, &nf, err);
    if (rc <= 0) return rc < 0 ? rc : edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file", "no header");
    if (nf != NCOL) goto bad_header;
    for (int i = 0; i < NCOL; i++)
        if (strcmp(f[i], COLUMNS[i]) != 0) goto bad_header;
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    int64_t now = edx_now();
    while ((rc = edx_csv_next(&c, a, &f, &nf, err)) > 0) {
        long line = c.record;
        if (nf == 1 && !f[0][0]) continue;
        edx_unit_ref u;
        const char *name;
        const char *kind = field(f, nf, C_KIND), *ys = field(f, nf, C_YEAR);
        char *end = NULL;
        long year = ys ? strtol(ys, &end, 10) : 0;
        long long person = field(f, nf, C_PERSON) ? strtoll(f[C_PERSON], &end, 10) : 0;
        int award = kind && strcmp(kind, "award") == 0;
        if (nf != NCOL) {
            rc = edx_err_invalid(err, "file", "line %ld has %zu columns; the header has %d", line,
                                 nf, NCOL);
        } else if (!field(f, nf, C_UNIT)) {
            rc = edx_err_invalid(err, "unit", "line %ld: unit is empty", line);
        } else if (person < 0 || (field(f, nf, C_PERSON) && *end)) {
            rc = edx_err_invalid(err, "person_id", "line %ld: person_id is a number", line);
        } else if (!award && !(kind && strcmp(kind, "rating") == 0)) {
            rc = edx_err_invalid(err, "kind", "line %ld: kind is award or rating", line);
        } else if (!ys || year < EDX_YEAR_MIN || year > EDX_YEAR_MAX) {
            rc = edx_err_invalid(err, "year", "line %ld: year is from %d to %d", line,
                                 EDX_YEAR_MIN, EDX_YEAR_MAX);
        } else if (award && !field(f, nf, C_FORM)) {
            rc = edx_err_invalid(err, "form", "line %ld: an award needs its form", line);
        } else if (!award && (field(f, nf, C_FORM) || !field(f, nf, C_LEVEL))) {
            rc = edx_err_invalid(err, "level", "line %ld: a rating has a level and no form", line);
        } else if ((rc = record_check(rules, a, f, nf, award, year, err)) < 0) {
            at_line(err, line);
        } else if ((rc = subject_get(db, a, p, f[C_UNIT], person, 1, &u, &name, err)) < 0) {
            at_line(err, line);
        } else {
            edx_rows *rows = NULL;
            rc = edx_db_query(db, &rows,
                              "INSERT INTO award_history (unit_id, person_id, kind, form, year,"
                              " level, award_type, decision, decision_date, issuer, source,"
                              " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?)"
                              " ON CONFLICT (unit_id, person_id, kind, form, year) DO NOTHING"
                              " RETURNING id",
                              EDX_DB_ARGS(EDX_DB_INT(u.id), EDX_DB_INT(person), EDX_DB_TEXT(kind),
                                          EDX_DB_TEXT(award ? f[C_FORM] : ""), EDX_DB_INT(year),
                                          EDX_DB_TEXT(field(f, nf, C_LEVEL)),
                                          EDX_DB_TEXT(field(f, nf, C_TYPE)),
                                          EDX_DB_TEXT(field(f, nf, C_DECISION)),
                                          EDX_DB_TEXT(field(f, nf, C_DATE)),
                                          EDX_DB_TEXT(field(f, nf, C_ISSUER)), EDX_DB_INT(now)),
                              err);
            if (rc >= 0 && (rc = edx_rows_next(rows, err)) >= 0) {
                rep->records++;
                if (rc > 0) rep->added++;
                else rep->existing++;
            }
            edx_rows_close(rows);
        }
        if (rc < 0) break;
    }
    json_t *detail = rc < 0 ? NULL
                            : json_pack("{s:I,s:I,s:I}", "records", (json_int_t)rep->records,
                                        "added", (json_int_t)rep->added, "existing",
                                        (json_int_t)rep->existing);
    rc = edx_audit_commit(db, p->actor, "award_history.import", "award_history", NULL, NULL,
                          detail, rc < 0 ? rc : 0, err);
    json_decref(detail);
    if (rc < 0) memset(rep, 0, sizeof *rep);
    return rc;
bad_header:
    return edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file", "the header must be: %s,%s,%s,%s,%s,%s,%s,%s,%s,%s",
                       COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4], COLUMNS[5],
                       COLUMNS[6], COLUMNS[7], COLUMNS[8], COLUMNS[9]);
}
