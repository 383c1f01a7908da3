/*
 * reports.c: progress reports of registered units, with evidence, every version kept.
 *
 * A report belongs to a registration and a period: a calendar year ("2026") or
 * one of its halves ("2026-S1": January–June, "2026-S2": July–December), as
 * the state's six-month and yearly reports run. The unit edits a draft of its
 * manual indicators (each value with its evidence files), then submits it: the
 * computed indicators are computed from the platform's data at that moment and
 * the whole becomes version N, never changed again. The Ministry returns it
 * for correction with a comment (the unit edits and submits version N+1) or
 * accepts it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "credentials/credentials.h"
#include "json/json.h"
#include "movement/movement_int.h"

#define MAX_EVIDENCE 20

typedef struct period {
    char code[16];
    char from[11], until[11];
    int64_t t_from, t_until; /* Unix seconds, Vietnam time: first and last second */
} period;

/* "2026", "2026-S1", "2026-S2" inside the campaign's period and begun already. */
static int period_parse(const json_t *def, const char *s, period *p, edx_err *err)
{
    int y = 0;
    char half = 0, tail = 0;
    size_t n = s ? strlen(s) : 0;
    if (n == 4 && sscanf(s, "%4d%c", &y, &tail) == 1) {
        half = 0;
    } else if (n == 7 && sscanf(s, "%4d-S%c%c", &y, &half, &tail) == 2 && (half == '1' || half == '2')) {
    } else {
        return edx_err_invalid(err, "period", "the period is a year (2026) or a half-year "
                                              "(2026-S1, 2026-S2)");
    }
    if (y < 2000 || y > 2100) return edx_err_invalid(err, "period", "year %d is out of range", y);
    snprintf(p->code, sizeof p->code, "%s", s);
    snprintf(p->from, sizeof p->from, "%04d-%s", y, half == '2' ? "07-01" : "01-01");
    snprintf(p->until, sizeof p->until, "%04d-%s", y, half == '1' ? "06-30" : "12-31");
    if (strcmp(p->until, mv_str(def, "starts_on")) < 0 || strcmp(p->from, mv_str(def, "ends_on")) > 0)
        return edx_err_invalid(err, "period", "period %s is outside the campaign (%s to %s)", s,
                               mv_str(def, "starts_on"), mv_str(def, "ends_on"));
    char day[11];
    mv_today(day);
    if (strcmp(p->from, day) > 0)
        return edx_err_invalid(err, "period", "period %s has not begun", s);
    int64_t a = 0, b = 0;
    edx_time_parse(p->from, &a);
    edx_time_parse(p->until, &b);
    p->t_from = a - 7 * 3600;
    p->t_until = b + 86400 - 1 - 7 * 3600;
    return 0;
}

/* ---- loading ------------------------------------------------------------------------------- */

typedef struct rep {
    camp c;
    edx_unit_ref u;
    period per;
    int64_t reg_id, id, version;
    const char *status, *comment;
    json_t *draft; /* owned */
} rep;

static void rep_free(rep *r)
{
    json_decref(r->c.def);
    json_decref(r->draft);
    r->c.def = r->draft = NULL;
}

/*
 * Campaign, unit (to act for when `write`), registration, period and the
 * report row if there is one (r->id 0 when not).
 */
static int rep_load(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                    const char *unit, const char *period_code, int write, rep *r, edx_err *err)
{
    memset(r, 0, sizeof *r);
    int rc = write ? mv_unit_for_campaign(db, a, p, code, unit, &r->c, &r->u, err)
                   : mv_camp_load(db, code, "campaign", &r->c, err);
    if (rc < 0) return rc;
    if (!write && (rc = edx_unit_ref_get(db, a, p, unit, 0, "unit", &r->u, err)) < 0) return rc;
    if ((rc = period_parse(r->c.def, period_code, &r->per, err)) < 0) return rc;
    rc = edx_db_query_int(db,
                          "SELECT id FROM campaign_registrations WHERE campaign_id = ?"
                          " AND unit_id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(r->c.id), EDX_DB_INT(r->u.id)), &r->reg_id, err);
    if (rc < 0) return rc;
    if (rc == 0)
        return edx_err_set(err, EDX_ECONFLICT, 409, "not_registered", "unit",
                           "%s has not registered for campaign %s", r->u.code, code);
    edx_rows *rows = NULL;
    rc = edx_db_query(db, &rows,
                      "SELECT id, status, version, draft, comment FROM progress_reports"
                      " WHERE registration_id = ? AND period = ?",
                      EDX_DB_ARGS(EDX_DB_INT(r->reg_id), EDX_DB_TEXT(r->per.code)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(rows, err)) > 0) {
        r->id = edx_rows_int(rows, 0);
        r->status = edx_arena_strdup(a, edx_rows_text(rows, 1));
        r->version = edx_rows_int(rows, 2);
        const char *d = edx_rows_text(rows, 3);
        r->comment = edx_rows_isnull(rows, 4) ? NULL : edx_arena_strdup(a, edx_rows_text(rows, 4));
        if (edx_jcs_parse(d, strlen(d), &r->draft, err) != 0) rc = EDX_EINTERNAL;
    }
    edx_rows_close(rows);
    return rc < 0 ? rc : 0;
}

/* ---- the draft ----------------------------------------------------------------------------- */

/* Check the draft's values: manual indicators of the campaign, once each, with readable evidence. */
static int check_values(edx_db *db, edx_arena *a, const edx_principal *p, const json_t *def,
                        const json_t *values, edx_err *err)
{
    static const char *const allowed[] = {"indicator", "value", "note", "evidence", NULL};
    size_t i, j;
    json_t *v;
    if (!json_is_array(values) || json_array_size(values) > 200)
        return edx_err_invalid(err, "values", "values must be a list of at most 200");
    json_array_foreach(values, i, v) {
        char field[32];
        snprintf(field, sizeof field, "values[%zu]", i);
        if (!json_is_object(v)) return edx_err_invalid(err, field, "%s must be an object", field);
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m) {
            int known = 0;
            for (const char *const *x = allowed; *x; x++) known |= strcmp(*x, k) == 0;
            if (!known)
                return edx_err_invalid(err, field, "%s has an unknown member \"%.40s\"", field, k);
        }
        const char *ic = mv_str(v, "indicator");
        const json_t *ind = ic ? mv_find_code(json_object_get(def, "indicators"), ic) : NULL;
        if (!ind)
            return edx_err_invalid(err, field, "%s: the campaign has no indicator %.64s", field,
                                   ic ? ic : "(none)");
        if (strcmp(mv_str(ind, "kind"), "computed") == 0)
            return edx_err_invalid(err, field, "%s: %s is computed by edudx from its data, not "
                                   "reported", field, ic);
        const json_t *x = json_object_get(v, "value");
        if (x && !json_is_null(x)) {
            if (!json_is_number(x)) return edx_err_invalid(err, field, "%s.value must be a number", field);
            int rc = mv_check_value(def, ind, json_number_value(x), field, err);
            if (rc < 0) return rc;
        }
        const json_t *note = json_object_get(v, "note");
        if (note && !json_is_null(note) &&
            (!json_is_string(note) || json_string_length(note) > 2000))
            return edx_err_invalid(err, field, "%s.note must be text of at most 2000 bytes", field);
        const json_t *ev = json_object_get(v, "evidence");
        if (ev && (!json_is_array(ev) || json_array_size(ev) > MAX_EVIDENCE))
            return edx_err_invalid(err, field, "%s.evidence must be a list of at most %d files",
                                   field, MAX_EVIDENCE);
        json_t *e;
        json_array_foreach(ev, j, e) {
            char ef[80];
            snprintf(ef, sizeof ef, "%s.evidence[%zu]", field, j);
            int rc = edx_evidence_check(db, a, p, json_string_value(e), ef, err);
            if (rc < 0) return rc;
        }
        for (j = 0; j < i; j++)
            if (strcmp(mv_str(json_array_get(values, j), "indicator"), ic) == 0)
                return edx_err_invalid(err, field, "%s repeats values[%zu] (%s)", field, j, ic);
    }
    return 0;
}

static void target_of(const rep *r, char out[128])
{
    const char *code = r->c.def ? mv_str(r->c.def, "code") : "";
    snprintf(out, 128, "report:%.32s/%.40s/%.15s", code ? code : "", r->u.code ? r->u.code : "",
             r->per.code);
}

int edx_report_save(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                    const char *unit, const char *period_code, const json_t *values, json_t **out,
                    edx_err *err)
{
    rep r;
    char *text = NULL, target[128];
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = rep_load(db, a, p, code, unit, period_code, 1, &r, err)) < 0) goto finish;
    if (r.id && (strcmp(r.status, "submitted") == 0 || strcmp(r.status, "accepted") == 0)) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "report_locked", "period",
                         "the %s report of %s is %s: it changes only when returned for "
                         "correction", r.per.code, r.u.code, r.status);
        goto finish;
    }
    if ((rc = check_values(db, a, p, r.c.def, values, err)) < 0) goto finish;
    json_t *draft = json_pack("{s:O}", "values", values);
    text = draft ? edx_jcs_dump(draft, NULL, err) : NULL;
    json_decref(draft);
    if (!text) {
        rc = edx_err_nomem(err);
        goto finish;
    }
    int64_t now = edx_now();
    if (r.id)
        rc = edx_db_exec(db,
                         "UPDATE progress_reports SET draft = ?, status = CASE status WHEN"
                         " 'returned' THEN 'returned' ELSE 'draft' END, updated_at = ? WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_TEXT(text), EDX_DB_INT(now), EDX_DB_INT(r.id)), err);
    else
        rc = edx_db_exec(db,
                         "INSERT INTO progress_reports (registration_id, period, status, version,"
                         " draft, updated_at) VALUES (?, ?, 'draft', 0, ?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(r.reg_id), EDX_DB_TEXT(r.per.code),
                                     EDX_DB_TEXT(text), EDX_DB_INT(now)),
                         err);
finish:
    target_of(&r, target);
    rc = edx_audit_commit(db, p->actor, "report.save", target, r.draft, NULL, NULL,
                          rc < 0 ? rc : 0, err);
    rep_free(&r);
    free(text);
    if (rc < 0) return rc;
    return edx_report_get(db, a, p, code, unit, period_code, 0, out, err);
}

/* ---- submitting ---------------------------------------------------------------------------- */

/* The computed value of `source` for the unit's subtree over the period, or NAN when none. */
static int compute(edx_db *db, edx_arena *a, const rep *r, const char *source, double *out,
                   edx_err *err)
{
    edx_cred_stats st;
    const char *hi = edx_unit_path_end(a, r->u.path);
    *out = NAN;
    if (!hi) return edx_err_nomem(err);
    if (strncmp(source, "initiatives.", 12) == 0) {
        int64_t recognised = 0, adoptions = 0;
        int rc = mv_initiative_counts(db, r->u.path, hi, r->per.from, r->per.until, &recognised,
                                      &adoptions, err);
        if (rc < 0) return rc;
        *out = (double)(strcmp(source, "initiatives.recognised") == 0 ? recognised : adoptions);
        return 0;
    }
    int rc = edx_cred_stats_get(db, r->u.path, hi, r->per.t_from, r->per.t_until, &st, err);
    if (rc < 0) return rc;
    if (strcmp(source, "credentials.diplomas_issued") == 0) *out = (double)st.diplomas;
    else if (strcmp(source, "credentials.skills_certificates") == 0) *out = (double)st.skills;
    else if (strcmp(source, "credentials.transcript_share") == 0 && st.learners > 0)
        *out = round(1000.0 * (double)st.learners_with_transcript / (double)st.learners) / 10.0;
    return 0;
}

int edx_report_submit(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                      const char *unit, const char *period_code, json_t **out, edx_err *err)
{
    rep r;
    char *text = NULL, target[128];
    json_t *body = NULL, *vals = NULL;
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = rep_load(db, a, p, code, unit, period_code, 1, &r, err)) < 0) goto finish;
    if (!r.id || (strcmp(r.status, "draft") != 0 && strcmp(r.status, "returned") != 0)) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, r.id ? "report_locked" : "no_draft", "period",
                         r.id ? "the %s report of %s is %s already"
                              : "there is no draft of the %s report of %s to submit%s",
                         r.per.code, r.u.code, r.id ? r.status : "");
        goto finish;
    }
    const json_t *draft_vals = json_object_get(r.draft, "values");
    if (json_array_size(draft_vals) == 0) {
        rc = edx_err_invalid(err, "values", "the draft reports no value");
        goto finish;
    }
    /* Evidence may have gone out of reach since the draft was saved: check again. */
    if ((rc = check_values(db, a, p, r.c.def, draft_vals, err)) < 0) goto finish;
    vals = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(draft_vals, i, v) {
        const json_t *x = json_object_get(v, "value"), *ev = json_object_get(v, "evidence");
        if (!json_is_number(x)) {
            rc = edx_err_invalid(err, "values", "%s has no value yet", mv_str(v, "indicator"));
            goto finish;
        }
        if (json_array_size(ev) == 0) {
            rc = edx_err_invalid(err, "values", "%s needs at least one evidence file",
                                 mv_str(v, "indicator"));
            goto finish;
        }
        json_array_append(vals, v);
    }
    json_t *ind;
    json_array_foreach(json_object_get(r.c.def, "indicators"), i, ind) {
        if (strcmp(mv_str(ind, "kind"), "computed") != 0) continue;
        double x;
        if ((rc = compute(db, a, &r, mv_str(ind, "source"), &x, err)) < 0) goto finish;
        json_array_append_new(vals, json_pack("{s:s,s:o,s:b,s:s}", "indicator", mv_str(ind, "code"),
                                              "value", isnan(x) ? json_null() : json_real(x),
                                              "computed", 1, "source", mv_str(ind, "source")));
    }
    int64_t now = edx_now(), version = r.version + 1;
    char when[32];
    edx_time_iso(now, when);
    body = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:O}", "campaign", code, "unit", r.u.code,
                     "period", r.per.code, "from", r.per.from, "until", r.per.until, "version",
                     (json_int_t)version, "submitted_at", when, "submitted_by", p->actor,
                     "values", vals);
    if (!body || !(text = edx_jcs_dump(body, NULL, err))) {
        rc = edx_err_nomem(err);
        goto finish;
    }
    rc = edx_db_exec(db,
                     "INSERT INTO report_versions (report_id, version, body, submitted_at,"
                     " submitted_by) VALUES (?, ?, ?, ?, ?)",
                     EDX_DB_ARGS(EDX_DB_INT(r.id), EDX_DB_INT(version), EDX_DB_TEXT(text),
                                 EDX_DB_INT(now), EDX_DB_TEXT(p->actor)),
                     err);
    json_array_foreach(vals, i, v) {
        if (rc < 0) break;
        char num[32] = "";
        const json_t *x = json_object_get(v, "value");
        if (json_is_number(x)) edx_jcs_number(json_number_value(x), num);
        rc = edx_db_exec(db,
                         "INSERT INTO report_values (report_id, version, indicator_id, value)"
                         " SELECT ?, ?, id, ? FROM campaign_indicators"
                         " WHERE campaign_id = ? AND code = ?",
                         EDX_DB_ARGS(EDX_DB_INT(r.id), EDX_DB_INT(version),
                                     EDX_DB_TEXT(num[0] ? num : NULL), EDX_DB_INT(r.c.id),
                                     EDX_DB_TEXT(mv_str(v, "indicator"))),
                         err);
        size_t j;
        json_t *e;
        json_array_foreach(json_object_get(v, "evidence"), j, e) {
            if (rc < 0) break;
            rc = edx_db_exec(db,
                             "INSERT INTO report_evidence (report_id, version, indicator_id,"
                             " sha256) SELECT ?, ?, id, ? FROM campaign_indicators"
                             " WHERE campaign_id = ? AND code = ? ON CONFLICT DO NOTHING",
                             EDX_DB_ARGS(EDX_DB_INT(r.id), EDX_DB_INT(version),
                                         EDX_DB_TEXT(json_string_value(e)), EDX_DB_INT(r.c.id),
                                         EDX_DB_TEXT(mv_str(v, "indicator"))),
                             err);
        }
    }
    if (rc >= 0)
        rc = edx_db_exec(db,
                         "UPDATE progress_reports SET status = 'submitted', version = ?,"
                         " comment = NULL, updated_at = ? WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_INT(version), EDX_DB_INT(now), EDX_DB_INT(r.id)), err);
finish:
    target_of(&r, target);
    rc = edx_audit_commit(db, p->actor, "report.submit", target, NULL, body, NULL,
                          rc < 0 ? rc : 0, err);
    rep_free(&r);
    json_decref(body);
    json_decref(vals);
    free(text);
    if (rc < 0) return rc;
    return edx_report_get(db, a, p, code, unit, period_code, 0, out, err);
}

/* ---- review -------------------------------------------------------------------------------- */

int edx_report_review(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                      const char *unit, const char *period_code, const char *action,
                      const char *comment, json_t **out, edx_err *err)
{
    rep r;
    char target[128], *clean = NULL;
    int ret = strcmp(action, "return") == 0;
    if (!ret && strcmp(action, "accept") != 0)
        return edx_err_invalid(err, "action", "a report is returned or accepted");
    if (p->role != EDX_ROLE_MINISTRY_ADMIN)
        return edx_err_forbidden(err, "the Ministry returns or accepts reports");
    if (ret && (!comment || edx_text_clean(a, comment, 2, 2000, "comment", &clean, err) < 0))
        return comment ? err->rc
                       : edx_err_invalid(err, "comment", "say what to correct (a comment)");
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = rep_load(db, a, p, code, unit, period_code, 0, &r, err)) < 0) goto finish;
    if (!r.id || strcmp(r.status, "submitted") != 0) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "not_submitted", "period",
                         "the %s report of %s is %s: only a submitted report is reviewed",
                         r.per.code, r.u.code, r.id ? r.status : "not started");
        goto finish;
    }
    rc = edx_db_exec(db,
                     "UPDATE progress_reports SET status = ?, comment = ?, updated_at = ?"
                     " WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(ret ? "returned" : "accepted"), EDX_DB_TEXT(clean),
                                 EDX_DB_INT(edx_now()), EDX_DB_INT(r.id)),
                     err);
finish:
    target_of(&r, target);
    json_t *detail = json_pack("{s:I,s:s?}", "version", (json_int_t)r.version, "comment", clean);
    rc = edx_audit_commit(db, p->actor, ret ? "report.return" : "report.accept", target, NULL,
                          NULL, detail, rc < 0 ? rc : 0, err);
    json_decref(detail);
    rep_free(&r);
    if (rc < 0) return rc;
    return edx_report_get(db, a, p, code, unit, period_code, 0, out, err);
}

/* ---- reading ------------------------------------------------------------------------------- */

static json_t *version_row(edx_rows *rows, void *ctx)
{
    (void)ctx;
    char when[32];
    edx_time_iso(edx_rows_int(rows, 1), when);
    return json_pack("{s:I,s:s,s:s}", "version", (json_int_t)edx_rows_int(rows, 0),
                     "submitted_at", when, "submitted_by", edx_rows_text(rows, 2));
}

/* The body of version `v` of report `id`: NULL with *rc 0 when there is none. */
static json_t *version_body(edx_db *db, int64_t id, int64_t v, int *rc, edx_err *err)
{
    edx_rows *rows = NULL;
    json_t *body = NULL;
    *rc = edx_db_query(db, &rows, "SELECT body FROM report_versions WHERE report_id = ? AND version = ?",
                       EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(v)), err);
    if (*rc < 0) return NULL;
    if ((*rc = edx_rows_next(rows, err)) > 0) {
        const char *t = edx_rows_text(rows, 0);
        *rc = edx_jcs_parse(t, strlen(t), &body, err) == 0 ? 0 : EDX_EINTERNAL;
    }
    edx_rows_close(rows);
    return body;
}

int edx_report_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                   const char *unit, const char *period_code, int version, json_t **out,
                   edx_err *err)
{
    rep r;
    json_t *versions = NULL, *current = NULL;
    int rc = rep_load(db, a, p, code, unit, period_code, 0, &r, err);
    if (rc < 0) goto done;
    if (!r.id) {
        rc = edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "period",
                         "%s has no %s report", r.u.code, r.per.code);
        goto done;
    }
    if (version) {
        current = version >= 1 && version <= r.version ? version_body(db, r.id, version, &rc, err)
                                                       : NULL;
        if (rc >= 0 && !current)
            rc = edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "version",
                             "the %s report of %s has no version %d", r.per.code, r.u.code,
                             version);
        if (rc >= 0) {
            *out = current;
            current = NULL;
        }
        goto done;
    }
    rc = edx_db_query_array(db,
                            "SELECT version, submitted_at, submitted_by FROM report_versions"
                            " WHERE report_id = ? ORDER BY version",
                            EDX_DB_ARGS(EDX_DB_INT(r.id)), version_row, NULL, &versions, err);
    if (rc < 0) goto done;
    if (r.version && !(current = version_body(db, r.id, r.version, &rc, err)) && rc >= 0)
        rc = edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "a report version is missing");
    if (rc < 0) goto done;
    *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s?,s:O,s:o,s:o}", "campaign", code, "unit",
                     r.u.code, "period", r.per.code, "from", r.per.from, "until", r.per.until,
                     "status", r.status, "version", (json_int_t)r.version, "comment", r.comment,
                     "draft", json_object_get(r.draft, "values"), "versions", versions,
                     "current", current ? current : json_null());
    versions = current = NULL;
    rc = *out ? 0 : edx_err_nomem(err);
done:
    json_decref(versions);
    json_decref(current);
    rep_free(&r);
    return rc;
}

static json_t *report_row(edx_rows *rows, void *ctx)
{
    (void)ctx;
    char when[32];
    edx_time_iso(edx_rows_int(rows, 5), when);
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "unit", edx_rows_text(rows, 0), "name",
                     edx_rows_text(rows, 1), "period", edx_rows_text(rows, 2), "status",
                     edx_rows_text(rows, 3), "version", (json_int_t)edx_rows_int(rows, 4),
                     "updated_at", when);
}

int edx_report_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                    const char *status, const char *period_code, json_t **out, edx_err *err)
{
    camp c;
    const char *lo, *hi;
    static const char *const statuses[] = {"draft", "submitted", "returned", "accepted", NULL};
    if (status) {
        int ok = 0;
        for (const char *const *s = statuses; *s; s++) ok |= strcmp(*s, status) == 0;
        if (!ok)
            return edx_err_invalid(err, "status", "status is draft, submitted, returned or "
                                                  "accepted");
    }
    int rc = edx_scope_range(a, p, &lo, &hi, err);
    if (rc < 0) return rc;
    if ((rc = mv_camp_load(db, code, "code", &c, err)) < 0) return rc;
    json_t *arr = NULL;
    rc = edx_db_query_array(db,
                            "SELECT u.code, u.name, r.period, r.status, r.version, r.updated_at"
                            " FROM progress_reports r"
                            " JOIN campaign_registrations g ON g.id = r.registration_id"
                            " JOIN units u ON u.id = g.unit_id"
                            " WHERE g.campaign_id = ? AND u.path >= ? AND u.path < ?"
                            " AND (CAST(? AS TEXT) IS NULL OR r.status = ?)"
                            " AND (CAST(? AS TEXT) IS NULL OR r.period = ?)"
                            " ORDER BY r.updated_at DESC, u.code LIMIT 1000",
                            EDX_DB_ARGS(EDX_DB_INT(c.id), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi),
                                        EDX_DB_TEXT(status), EDX_DB_TEXT(status),
                                        EDX_DB_TEXT(period_code), EDX_DB_TEXT(period_code)),
                            report_row, NULL, &arr, err);
    json_decref(c.def);
    if (rc < 0) return rc;
    *out = json_pack("{s:s,s:o}", "campaign", code, "reports", arr);
    return *out ? 0 : edx_err_nomem(err);
}
