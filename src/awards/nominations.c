/*
 * nominations.c: a nomination from proposal to decision (docs/nominations.md).
 *
 * proposed ──ballot──▶ on_ballot ──close──▶ passed ──post──▶ posted ──submit──▶ submitted
 *    │                                  └─▶ rejected                              │
 *    └─withdraw─▶ withdrawn                                      decide ◀─────────┘
 *                                                                   ▼
 *                                                  decided ──annul──▶ annulled
 *
 * Each move checks the state it starts from inside the transaction that makes it,
 * so two people acting at once cannot both move a nomination.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "awards/awards_int.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "credentials/credentials.h"
#include "json/json.h"
#include "movement/movement.h"

#define MAX_COMMENTS 1000

/* ---- loading and showing ------------------------------------------------------------------ */

#define NOM_SQL                                                                                    \
    "SELECT n.id, n.campaign_id, c.code, n.unit_id, u.code, u.name, u.path, n.person_id,"          \
    " n.subject_name, n.form, n.candidate_year, n.summary, n.status, n.verdict, n.eligibility,"    \
    " n.checked_at, n.confirmed_by, n.confirm_note, n.ballot_id, n.posted_from, n.posted_until,"   \
    " n.decision_number, n.decision_date, n.decision_issuer, n.credential_id, n.annul_reason,"     \
    " n.annulled_at, n.created_by, n.created_at, n.updated_at FROM nominations n"                  \
    " JOIN campaigns c ON c.id = n.campaign_id JOIN units u ON u.id = n.unit_id"

static const char *dup(edx_arena *a, edx_rows *r, int col)
{
    return edx_rows_text(r, col) ? edx_arena_strdup(a, edx_rows_text(r, col)) : NULL;
}

static void nom_read(edx_arena *a, edx_rows *r, nom *n)
{
    memset(n, 0, sizeof *n);
    n->id = edx_rows_int(r, 0);
    n->campaign_id = edx_rows_int(r, 1);
    n->campaign = dup(a, r, 2);
    n->unit_id = edx_rows_int(r, 3);
    n->unit_code = dup(a, r, 4);
    n->unit_name = dup(a, r, 5);
    n->unit_path = dup(a, r, 6);
    n->person_id = edx_rows_int(r, 7);
    n->subject_name = dup(a, r, 8);
    n->form = dup(a, r, 9);
    n->candidate_year = edx_rows_int(r, 10);
    n->summary = dup(a, r, 11);
    n->status = dup(a, r, 12);
    n->verdict = dup(a, r, 13);
    n->eligibility = dup(a, r, 14);
    n->checked_at = edx_rows_int(r, 15);
    n->confirmed_by = dup(a, r, 16);
    n->confirm_note = dup(a, r, 17);
    n->ballot_id = edx_rows_int(r, 18);
    n->posted_from = edx_rows_int(r, 19);
    n->posted_until = edx_rows_int(r, 20);
    n->decision_number = dup(a, r, 21);
    n->decision_date = dup(a, r, 22);
    n->decision_issuer = dup(a, r, 23);
    n->credential_id = dup(a, r, 24);
    n->annul_reason = dup(a, r, 25);
    n->annulled_at = edx_rows_int(r, 26);
    n->created_by = dup(a, r, 27);
    n->created_at = edx_rows_int(r, 28);
    n->updated_at = edx_rows_int(r, 29);
}

int aw_nom_load(edx_db *db, edx_arena *a, int64_t id, nom *n, edx_err *err)
{
    edx_rows *rows = NULL;
    memset(n, 0, sizeof *n);
    int rc = edx_db_query(db, &rows, NOM_SQL " WHERE n.id = ?", EDX_DB_ARGS(EDX_DB_INT(id)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(rows, err)) > 0) nom_read(a, rows, n);
    edx_rows_close(rows);
    if (rc > 0 && (!n->status || !n->unit_path || !n->form || !n->verdict))
        return edx_err_nomem(err);
    if (rc == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "no nomination %lld",
                           (long long)id);
    return rc < 0 ? rc : 0;
}

int aw_is_ministry(const edx_principal *p)
{
    return p->role == EDX_ROLE_MINISTRY_ADMIN || p->via == EDX_AUTH_SYSTEM;
}

json_t *aw_time_json(int64_t t)
{
    char iso[32];
    if (!t) return json_null();
    edx_time_iso(t, iso);
    return json_string(iso);
}

int aw_nom_may_read(edx_db *db, const edx_principal *p, const nom *n, edx_err *err)
{
    if (aw_is_ministry(p)) return 0;
    if (p->role == EDX_ROLE_UNIT_ADMIN && edx_scope_can_read(p, n->unit_path)) return 0;
    if (p->role == EDX_ROLE_REVIEWER && n->ballot_id) {
        int64_t k = 0;
        int rc = edx_db_query_int(db,
                                  "SELECT COUNT(*) FROM ballots b JOIN council_members m"
                                  " ON m.round_id = b.round_id WHERE b.id = ? AND m.user_id = ?",
                                  EDX_DB_ARGS(EDX_DB_INT(n->ballot_id), EDX_DB_INT(p->user_id)),
                                  &k, err);
        if (rc < 0) return rc;
        if (k > 0) return 0;
    }
    return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "no nomination %lld",
                       (long long)n->id);
}

int aw_campaign_doc(edx_db *db, edx_arena *a, const char *code, json_t **out, edx_err *err)
{
    edx_principal sys;
    edx_principal_system(&sys);
    return edx_campaign_get(db, a, &sys, code, out, err);
}

const json_t *aw_campaign_form(const json_t *camp, const char *code)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(camp, "reward_forms"), i, f) {
        const char *c = json_string_value(json_object_get(f, "code"));
        if (c && code && strcmp(c, code) == 0) return f;
    }
    return NULL;
}

static json_t *form_name(const json_t *camp, const char *code)
{
    const json_t *f = aw_campaign_form(camp, code);
    const char *vi = json_string_value(json_object_get(f, "name"));
    const char *en = json_string_value(json_object_get(f, "name_en"));
    return json_pack("{s:s,s:s}", "vi", vi ? vi : code, "en", en ? en : (vi ? vi : code));
}

static json_t *ballot_part(edx_db *db, const nom *n)
{
    edx_rows *rows = NULL;
    edx_err e;
    json_t *o = json_null();
    if (!n->ballot_id ||
        edx_db_query(db, &rows,
                     "SELECT b.id, b.status, i.yes, i.no, i.abstain, i.base, i.threshold, i.passed,"
                     " b.members, b.voted, b.title FROM ballot_items i JOIN ballots b"
                     " ON b.id = i.ballot_id WHERE i.ballot_id = ? AND i.nomination_id = ?",
                     EDX_DB_ARGS(EDX_DB_INT(n->ballot_id), EDX_DB_INT(n->id)), &e) < 0)
        return o;
    if (edx_rows_next(rows, &e) > 0) {
        int closed = strcmp(edx_rows_text(rows, 1), "closed") == 0;
        o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I}", "id", (json_int_t)edx_rows_int(rows, 0),
                      "title", edx_rows_text(rows, 10), "status", edx_rows_text(rows, 1), "base",
                      edx_rows_text(rows, 5), "threshold", (json_int_t)edx_rows_int(rows, 6),
                      "members", (json_int_t)edx_rows_int(rows, 8), "voted",
                      (json_int_t)edx_rows_int(rows, 9));
        if (o && closed) {
            json_object_set_new(o, "yes", json_integer(edx_rows_int(rows, 2)));
            json_object_set_new(o, "no", json_integer(edx_rows_int(rows, 3)));
            json_object_set_new(o, "abstain", json_integer(edx_rows_int(rows, 4)));
            json_object_set_new(o, "passed", json_boolean(edx_rows_int(rows, 7)));
        }
    }
    edx_rows_close(rows);
    return o ? o : json_null();
}

static json_t *nom_json_with(edx_db *db, edx_arena *a, const nom *n, const json_t *camp,
                             int with_report)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(n->id));
    json_object_set_new(o, "campaign", json_string(n->campaign));
    json_object_set_new(o, "unit", json_pack("{s:s,s:s}", "code", n->unit_code, "name", n->unit_name));
    json_object_set_new(o, "subject",
                        json_pack("{s:s,s:s,s:o}", "kind", n->person_id ? "individual" : "collective",
                                  "name", n->subject_name, "person_id",
                                  n->person_id ? json_integer(n->person_id) : json_null()));
    json_object_set_new(o, "form", json_string(n->form));
    json_object_set_new(o, "form_name", form_name(camp, n->form));
    json_object_set_new(o, "candidate_year", json_integer(n->candidate_year));
    json_object_set_new(o, "summary", json_string(n->summary));
    json_object_set_new(o, "status", json_string(n->status));
    json_t *el = json_pack("{s:s,s:b,s:o}", "verdict", n->verdict, "confirmed",
                           n->confirmed_by != NULL, "checked_at", aw_time_json(n->checked_at));
    if (el && n->confirmed_by) {
        json_object_set_new(el, "confirmed_by", json_string(n->confirmed_by));
        json_object_set_new(el, "confirm_note", edx_json_str_or_null(n->confirm_note));
    }
    if (el && with_report) {
        json_t *rep = json_loads(n->eligibility, 0, NULL);
        json_object_set_new(el, "report", rep ? rep : json_null());
    } else if (el) {
        json_t *rep = json_loads(n->eligibility, 0, NULL);
        json_object_set(el, "summary", json_object_get(rep, "summary"));
        json_decref(rep);
    }
    json_object_set_new(o, "eligibility", el ? el : json_null());
    json_object_set_new(o, "ballot", ballot_part(db, n));
    if (n->posted_from) {
        int64_t k = 0;
        edx_err e;
        if (edx_db_query_int(db, "SELECT COUNT(*) FROM nomination_comments WHERE nomination_id = ?",
                             EDX_DB_ARGS(EDX_DB_INT(n->id)), &k, &e) < 0)
            k = -1;
        json_object_set_new(o, "posting",
                            json_pack("{s:o,s:o,s:b,s:I}", "from", aw_time_json(n->posted_from),
                                      "until", aw_time_json(n->posted_until), "open",
                                      edx_now() < n->posted_until, "comments", (json_int_t)k));
    } else {
        json_object_set_new(o, "posting", json_null());
    }
    json_object_set_new(o, "decision",
                        n->decision_number
                            ? json_pack("{s:s,s:s,s:s}", "number", n->decision_number, "date",
                                        n->decision_date, "issuer", n->decision_issuer)
                            : json_null());
    json_object_set_new(o, "credential", edx_json_str_or_null(n->credential_id));
    json_object_set_new(o, "annulment",
                        n->annul_reason ? json_pack("{s:s,s:o}", "reason", n->annul_reason, "at",
                                                    aw_time_json(n->annulled_at))
                                        : json_null());
    json_object_set_new(o, "created_by", json_string(n->created_by));
    json_object_set_new(o, "created_at", aw_time_json(n->created_at));
    json_object_set_new(o, "updated_at", aw_time_json(n->updated_at));
    (void)a;
    return o;
}

json_t *aw_nom_json(edx_db *db, edx_arena *a, const nom *n, int with_report)
{
    json_t *camp = NULL;
    edx_err e;
    if (aw_campaign_doc(db, a, n->campaign, &camp, &e) < 0) camp = NULL;
    json_t *o = nom_json_with(db, a, n, camp, with_report);
    json_decref(camp);
    return o;
}

int aw_step(edx_db *db, int64_t id, const char *action, const char *actor, const char *note,
            edx_err *err)
{
    return edx_db_exec(db,
                       "INSERT INTO nomination_steps (nomination_id, at, action, actor, note)"
                       " VALUES (?, ?, ?, ?, ?)",
                       EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(edx_now()), EDX_DB_TEXT(action),
                                   EDX_DB_TEXT(actor), EDX_DB_TEXT(note)),
                       err);
}

int aw_set_status(edx_db *db, int64_t id, const char *status, edx_err *err)
{
    return edx_db_exec(db, "UPDATE nominations SET status = ?, updated_at = ? WHERE id = ?",
                       EDX_DB_ARGS(EDX_DB_TEXT(status), EDX_DB_INT(edx_now()), EDX_DB_INT(id)),
                       err);
}

static json_t *step_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:o,s:s,s:s,s:o}", "at", aw_time_json(edx_rows_int(r, 0)), "action",
                     edx_rows_text(r, 1), "actor", edx_rows_text(r, 2), "note",
                     edx_json_str_or_null(edx_rows_text(r, 3)));
}

int edx_nomination_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                       json_t **out, edx_err *err)
{
    nom n;
    json_t *steps = NULL;
    int rc = aw_nom_load(db, a, id, &n, err);
    if (rc < 0 || (rc = aw_nom_may_read(db, p, &n, err)) < 0) return rc;
    if ((rc = edx_db_query_array(db,
                                 "SELECT at, action, actor, note FROM nomination_steps"
                                 " WHERE nomination_id = ? ORDER BY id",
                                 EDX_DB_ARGS(EDX_DB_INT(id)), step_row, NULL, &steps, err)) < 0)
        return rc;
    *out = aw_nom_json(db, a, &n, 1);
    if (!*out) {
        json_decref(steps);
        return edx_err_nomem(err);
    }
    json_object_set_new(*out, "steps", steps);
    return 0;
}

/* ---- eligibility ----------------------------------------------------------------------------- */

static int evaluate(edx_db *db, edx_arena *a, int64_t unit_id, int64_t person_id, const char *name,
                    const char *form, int64_t year, const char **verdict, json_t **report,
                    edx_err *err)
{
    const edx_rules *rules = edx_rules_builtin();
    char today[11];
    aw_today(today);
    if (!rules || !edx_rules_has_form(rules, form)) {
        *verdict = "unknown";
        *report = json_pack(
            "{s:s,s:I,s:s,s:s,s:{s:s,s:s},s:[{s:s,s:{s:s,s:s}}],s:[]}", "form", form,
            "candidate_year", (json_int_t)year, "as_of", today, "verdict", "unknown", "summary",
            "vi", "Không có quy tắc xét khen cho hình thức này: cần người kiểm tra.", "en",
            "No eligibility rules for this form: a person must check.", "warnings", "code",
            "no_rules", "message", "vi", "Chưa có quy tắc trong dữ liệu.", "en",
            "The rule file has no rules for this form.", "rules");
        return *report ? 0 : edx_err_nomem(err);
    }
    json_t *hj = NULL;
    edx_history h;
    edx_eligibility v;
    int rc = aw_history_json(db, a, unit_id, person_id, person_id ? "individual" : "collective",
                             name, 0, &hj, err);
    if (rc < 0) return rc;
    if ((rc = edx_history_parse(rules, hj, a, &h, err)) >= 0) {
        edx_elig_query q = {form, (int)year, today};
        rc = edx_rules_evaluate(rules, &h, &q, &v, report, err);
    }
    json_decref(hj);
    if (rc < 0) return rc;
    *verdict = v == EDX_ELIGIBLE ? "eligible" : v == EDX_NOT_ELIGIBLE ? "not_eligible" : "unknown";
    return 0;
}

/* ---- proposing -------------------------------------------------------------------------------- */

/* The campaign's id: the definition carries none, so ask movement. */
static int campaign_id(edx_db *db, const char *code, int64_t *id, edx_err *err)
{
    return edx_campaign_id(db, code, id, err);
}

static int text_field(edx_arena *a, const json_t *body, const char *key, size_t min, size_t max,
                      char **out, edx_err *err)
{
    const json_t *v = json_object_get(body, key);
    if (!json_is_string(v)) return edx_err_invalid(err, key, "%s is required text", key);
    return edx_text_clean(a, json_string_value(v), min, max, key, out, err);
}

int edx_nomination_create(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                          const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"unit", "person_id", "form", "candidate_year", "summary",
                                          NULL};
    json_t *camp = NULL, *report = NULL;
    char *summary = NULL;
    const char *unit = NULL, *form = NULL, *verdict = NULL, *name = NULL;
    int64_t person = 0, year = 0, id = 0;
    edx_unit_ref u;
    char *text = NULL;
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0 || (rc = edx_json_get_str((json_t *)body, "unit", 1, &unit, err)) < 0 ||
        (rc = edx_json_get_int((json_t *)body, "person_id", 0, 1, INT64_MAX, &person, err)) < 0 ||
        (rc = edx_json_get_str((json_t *)body, "form", 1, &form, err)) < 0 ||
        (rc = edx_json_get_int((json_t *)body, "candidate_year", 1, 2000, EDX_YEAR_MAX, &year,
                               err)) < 0 ||
        (rc = text_field(a, body, "summary", 10, 4000, &summary, err)) < 0)
        return rc;
    int64_t cid = 0;
    if ((rc = campaign_id(db, campaign, &cid, err)) < 0 ||
        (rc = aw_campaign_doc(db, a, campaign, &camp, err)) < 0)
        return rc;
    if (!aw_campaign_form(camp, form)) {
        rc = edx_err_invalid(err, "form", "campaign %s leads to no reward form %.64s", campaign, form);
        goto done;
    }
    if ((rc = edx_unit_ref_get(db, a, p, unit, 1, "unit", &u, err)) < 0) goto done;
    name = u.name;
    if (person) {
        json_t *pj = NULL;
        edx_principal sys;
        edx_principal_system(&sys);
        if ((rc = edx_person_get(db, a, &sys, person, &pj, err)) < 0) {
            if (rc == EDX_ENOTFOUND)
                rc = edx_err_set(err, rc, 404, "not_found", "person_id", "no person %lld",
                                 (long long)person);
            goto done;
        }
        const char *at = json_string_value(json_object_get(pj, "unit_code"));
        if (!at || strcmp(at, u.code) != 0)
            rc = edx_err_invalid(err, "person_id", "person %lld is not of unit %s",
                                 (long long)person, u.code);
        else
            name = edx_arena_strdup(a, json_string_value(json_object_get(pj, "full_name")));
        json_decref(pj);
        if (rc < 0) goto done;
    }
    if ((rc = evaluate(db, a, u.id, person, name, form, year, &verdict, &report, err)) < 0)
        goto done;
    if (!(text = edx_json_dump(report, NULL))) {
        rc = edx_err_nomem(err);
        goto done;
    }
    if ((rc = edx_db_begin(db, err)) < 0) goto done;
    int64_t now = edx_now();
    edx_rows *rows = NULL;
    rc = edx_db_query(db, &rows,
                      "INSERT INTO nominations (campaign_id, unit_id, person_id, subject_name,"
                      " form, candidate_year, summary, status, verdict, eligibility, checked_at,"
                      " created_by, created_at, updated_at) VALUES"
                      " (?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?, ?, ?) RETURNING id",
                      EDX_DB_ARGS(EDX_DB_INT(cid),
                                  EDX_DB_INT(u.id), EDX_DB_INT(person), EDX_DB_TEXT(name),
                                  EDX_DB_TEXT(form), EDX_DB_INT(year), EDX_DB_TEXT(summary),
                                  EDX_DB_TEXT(verdict), EDX_DB_TEXT(text), EDX_DB_INT(now),
                                  EDX_DB_TEXT(p->actor), EDX_DB_INT(now), EDX_DB_INT(now)),
                      err);
    if (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) id = edx_rows_int(rows, 0);
    edx_rows_close(rows);
    if (rc == EDX_ECONFLICT)
        edx_err_set(err, rc, 409, "already_nominated", "form",
                    "%s is already nominated for this form and year", name);
    if (rc >= 0) rc = aw_step(db, id, "propose", p->actor, verdict, err);
    char target[48];
    snprintf(target, sizeof target, "nomination:%lld", (long long)id);
    json_t *detail = json_pack("{s:s,s:s,s:s,s:I,s:s}", "campaign", campaign, "unit", u.code, "form",
                               form, "candidate_year", (json_int_t)year, "verdict", verdict);
    rc = edx_audit_commit(db, p->actor, "nomination.create", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
    if (rc >= 0) rc = edx_nomination_get(db, a, p, id, out, err);
done:
    json_decref(camp);
    json_decref(report);
    free(text);
    return rc;
}

int edx_nomination_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                        const char *status, const char *unit, json_t **out, edx_err *err)
{
    int64_t cid = 0;
    const char *lo = "", *hi = "\x7f";
    json_t *camp = NULL, *items = json_array();
    edx_rows *rows = NULL;
    int rc = campaign_id(db, campaign, &cid, err);
    if (rc < 0 || !items) goto done;
    if (p->role == EDX_ROLE_UNIT_ADMIN && (rc = edx_scope_range(a, p, &lo, &hi, err)) < 0) goto done;
    if (unit) {
        edx_unit_ref u;
        if ((rc = edx_unit_ref_get(db, a, p, unit, 0, "unit", &u, err)) < 0) goto done;
        if (strcmp(u.path, lo) > 0) lo = u.path;
        char *end = edx_unit_path_end(a, u.path);
        if (end && strcmp(end, hi) < 0) hi = end;
    }
    int reviewer = !aw_is_ministry(p) && p->role != EDX_ROLE_UNIT_ADMIN;
    if ((rc = aw_campaign_doc(db, a, campaign, &camp, err)) < 0) goto done;
    rc = edx_db_query(db, &rows,
                      NOM_SQL " WHERE n.campaign_id = ? AND u.path >= ? AND u.path < ?"
                              " AND (CAST(? AS TEXT) IS NULL OR n.status = ?)"
                              " AND (? = 0 OR n.ballot_id IN (SELECT b.id FROM ballots b JOIN"
                              " council_members m ON m.round_id = b.round_id WHERE m.user_id = ?))"
                              " ORDER BY n.id DESC LIMIT 2000",
                      EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi),
                                  EDX_DB_TEXT(status), EDX_DB_TEXT(status), EDX_DB_INT(reviewer),
                                  EDX_DB_INT(p->user_id)),
                      err);
    if (rc < 0) goto done;
    while ((rc = edx_rows_next(rows, err)) > 0) {
        nom n;
        nom_read(a, rows, &n);
        json_t *o = nom_json_with(db, a, &n, camp, 0);
        if (!o || json_array_append_new(items, o) < 0) {
            rc = edx_err_nomem(err);
            break;
        }
    }
    edx_rows_close(rows);
done:
    json_decref(camp);
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{s:o}", "items", items);
    return *out ? 0 : edx_err_nomem(err);
}

/* ---- moves ------------------------------------------------------------------------------------ */

/*
 * Run one move: begin, load, check the start state (`from`, a '|'-separated list) and who
 * acts, let `fn` do the change, add the step, audit, commit, answer with the nomination.
 */
typedef int (*move_fn)(edx_db *db, edx_arena *a, const edx_principal *p, const nom *n,
                       void *ctx, const char **note, edx_err *err);

static int state_in(const char *s, const char *list)
{
    if (!s) return 0;
    size_t n = strlen(s);
    for (const char *q = list; q && *q;) {
        const char *bar = strchr(q, '|');
        size_t len = bar ? (size_t)(bar - q) : strlen(q);
        if (len == n && strncmp(q, s, n) == 0) return 1;
        q = bar ? bar + 1 : NULL;
    }
    return 0;
}

static int move(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id, const char *from,
                int ministry_only, const char *action, move_fn fn, void *ctx, json_t **out,
                edx_err *err)
{
    nom n;
    const char *note = NULL;
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = aw_nom_load(db, a, id, &n, err)) < 0 || (rc = aw_nom_may_read(db, p, &n, err)) < 0)
        goto finish;
    if (ministry_only ? !aw_is_ministry(p)
                      : !(aw_is_ministry(p) || (p->role == EDX_ROLE_UNIT_ADMIN &&
                                             edx_scope_can_write(p, n.unit_path)))) {
        rc = edx_err_forbidden(err, ministry_only ? "only the Ministry may do this"
                                                  : "you may not act for this unit");
        goto finish;
    }
    if (!state_in(n.status, from)) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "wrong_status", "status",
                         "the nomination is %s; this needs %s", n.status, from);
        goto finish;
    }
    if ((rc = fn(db, a, p, &n, ctx, &note, err)) >= 0)
        rc = aw_step(db, id, action, p->actor, note, err);
finish: {
    char target[48], act[48];
    snprintf(target, sizeof target, "nomination:%lld", (long long)id);
    snprintf(act, sizeof act, "nomination.%s", action);
    json_t *detail = note ? json_pack("{s:s}", "note", note) : NULL;
    rc = edx_audit_commit(db, p->actor, act, target, NULL, NULL, detail, rc < 0 ? rc : 0, err);
    json_decref(detail);
}
    if (rc < 0) return rc;
    return out ? edx_nomination_get(db, a, p, id, out, err) : 0;
}

/* check */
typedef struct check_ctx {
    int confirm;
    char *note;
} check_ctx;

static int do_check(edx_db *db, edx_arena *a, const edx_principal *p, const nom *n, void *vctx,
                    const char **note, edx_err *err)
{
    check_ctx *c = vctx;
    const char *verdict;
    json_t *report = NULL;
    int rc = evaluate(db, a, n->unit_id, n->person_id, n->subject_name, n->form,
                      n->candidate_year, &verdict, &report, err);
    if (rc < 0) return rc;
    char *text = edx_json_dump(report, NULL);
    json_decref(report);
    if (!text) return edx_err_nomem(err);
    if (c->confirm && strcmp(verdict, "unknown") != 0) {
        free(text);
        return edx_err_set(err, EDX_ECONFLICT, 409, "not_unknown", "confirm",
                           "only an unknown verdict is confirmed by hand; this one is %s",
                           verdict);
    }
    rc = edx_db_exec(db,
                     "UPDATE nominations SET verdict = ?, eligibility = ?, checked_at = ?,"
                     " confirmed_by = ?, confirm_note = ?, updated_at = ? WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(verdict), EDX_DB_TEXT(text), EDX_DB_INT(edx_now()),
                                 EDX_DB_TEXT(c->confirm ? p->actor : NULL),
                                 EDX_DB_TEXT(c->confirm ? c->note : NULL), EDX_DB_INT(edx_now()),
                                 EDX_DB_INT(n->id)),
                     err);
    free(text);
    *note = c->confirm ? c->note : verdict;
    return rc;
}

int edx_nomination_check(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                         const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"confirm", "note", NULL};
    check_ctx c = {0, NULL};
    if (body && !json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = body ? edx_json_only((json_t *)body, allowed, err) : 0;
    if (rc < 0 || (body && (rc = edx_json_get_bool((json_t *)body, "confirm", 0, &c.confirm, err)) < 0))
        return rc;
    if (c.confirm && (rc = text_field(a, body, "note", 5, 1000, &c.note, err)) < 0) return rc;
    return move(db, a, p, id, "proposed", 1, c.confirm ? "confirm" : "check", do_check, &c, out,
                err);
}

static int do_status(edx_db *db, edx_arena *a, const edx_principal *p, const nom *n, void *ctx,
                     const char **note, edx_err *err)
{
    (void)a, (void)p, (void)note;
    return aw_set_status(db, n->id, ctx, err);
}

int edx_nomination_withdraw(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                            json_t **out, edx_err *err)
{
    return move(db, a, p, id, "proposed", 0, "withdraw", do_status, "withdrawn", out, err);
}

/* post */
typedef struct post_ctx {
    int64_t days, until;
} post_ctx;

static int do_post(edx_db *db, edx_arena *a, const edx_principal *p, const nom *n, void *vctx,
                   const char **note, edx_err *err)
{
    (void)p;
    post_ctx *c = vctx;
    int64_t now = edx_now(), until = c->until;
    if (!until) {
        int64_t days = c->days;
        if (!days) {
            json_t *camp = NULL;
            int rc = aw_campaign_doc(db, a, n->campaign, &camp, err);
            if (rc < 0) return rc;
            days = json_integer_value(json_object_get(aw_campaign_form(camp, n->form), "posting_days"));
            json_decref(camp);
            if (days <= 0) days = 10;
        }
        until = now + days * 86400;
    }
    char *s = edx_arena_alloc(a, 32);
    if (s) edx_time_iso(until, s);
    *note = s;
    return edx_db_exec(db,
                       "UPDATE nominations SET status = 'posted', posted_from = ?, posted_until = ?,"
                       " updated_at = ? WHERE id = ?",
                       EDX_DB_ARGS(EDX_DB_INT(now), EDX_DB_INT(until), EDX_DB_INT(now),
                                   EDX_DB_INT(n->id)),
                       err);
}

int edx_nomination_post(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                        const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"days", "until", NULL};
    post_ctx c = {0, 0};
    const char *until = NULL;
    if (body && !json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = body ? edx_json_only((json_t *)body, allowed, err) : 0;
    if (rc < 0 || (body && ((rc = edx_json_get_int((json_t *)body, "days", 0, 1, 60, &c.days, err)) < 0 ||
                            (rc = edx_json_get_str((json_t *)body, "until", 0, &until, err)) < 0)))
        return rc;
    if (until) {
        if (c.days) return edx_err_invalid(err, "until", "give days or until, not both");
        if (edx_time_parse(until, &c.until) != 0 || c.until <= edx_now() ||
            c.until > edx_now() + 60 * 86400)
            return edx_err_invalid(err, "until", "until is a time within the next 60 days");
    }
    return move(db, a, p, id, "passed", 1, "post", do_post, &c, out, err);
}

static int do_submit(edx_db *db, edx_arena *a, const edx_principal *p, const nom *n, void *ctx,
                     const char **note, edx_err *err)
{
    (void)a, (void)p, (void)ctx, (void)note;
    if (edx_now() < n->posted_until) {
        char iso[32];
        edx_time_iso(n->posted_until, iso);
        return edx_err_set(err, EDX_ECONFLICT, 409, "window_open", "status",
                           "the public window is open until %s", iso);
    }
    return aw_set_status(db, n->id, "submitted", err);
}

int edx_nomination_submit(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                          json_t **out, edx_err *err)
{
    return move(db, a, p, id, "posted", 1, "submit", do_submit, NULL, out, err);
}

/* decide */
typedef struct decide_ctx {
    char *number, *issuer;
    const char *date;
} decide_ctx;

static int do_decide(edx_db *db, edx_arena *a, const edx_principal *p, const nom *n, void *vctx,
                     const char **note, edx_err *err)
{
    (void)p;
    decide_ctx *c = vctx;
    char src[48];
    snprintf(src, sizeof src, "nomination:%lld", (long long)n->id);
    *note = edx_arena_strdup(a, c->number);
    int rc = edx_db_exec(db,
                         "UPDATE nominations SET status = 'decided', decision_number = ?,"
                         " decision_date = ?, decision_issuer = ?, updated_at = ? WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_TEXT(c->number), EDX_DB_TEXT(c->date),
                                     EDX_DB_TEXT(c->issuer), EDX_DB_INT(edx_now()),
                                     EDX_DB_INT(n->id)),
                         err);
    /* The award joins the subject's history, so later eligibility counts it. */
    if (rc >= 0)
        rc = edx_db_exec(db,
                         "INSERT INTO award_history (unit_id, person_id, kind, form, year, award_type,"
                         " decision, decision_date, issuer, source, created_at)"
                         " VALUES (?, ?, 'award', ?, ?, 'movement', ?, ?, ?, ?, ?)"
                         " ON CONFLICT (unit_id, person_id, kind, form, year) DO NOTHING",
                         EDX_DB_ARGS(EDX_DB_INT(n->unit_id), EDX_DB_INT(n->person_id),
                                     EDX_DB_TEXT(n->form), EDX_DB_INT(n->candidate_year),
                                     EDX_DB_TEXT(c->number), EDX_DB_TEXT(c->date),
                                     EDX_DB_TEXT(c->issuer), EDX_DB_TEXT(src),
                                     EDX_DB_INT(edx_now())),
                         err);
    return rc;
}

typedef struct emit_ctx {
    char id[128];
} emit_ctx;

static int emit_id(void *vctx, const char *external_id, const char *id, const char *doc, size_t len)
{
    (void)external_id, (void)doc, (void)len;
    emit_ctx *c = vctx;
    snprintf(c->id, sizeof c->id, "%s%s", strncmp(id, "urn:uuid:", 9) ? "urn:uuid:" : "", id);
    return 0;
}

/* Issue the award credential of decided nomination `n` (once: its external id is
 * NOM-<id>, so a rerun finds the one issued before) and link it. */
static int issue_award(edx_db *db, edx_arena *a, const edx_principal *p,
                       const struct edx_cred_env *env, const nom *n, edx_err *err)
{
    json_t *camp = NULL, *records = NULL, *found = NULL;
    emit_ctx ec = {{0}};
    char ext[48], reason[1001];
    const char *issuer = p->unit_code;
    int rc = 0;
    if (!issuer) { /* a Ministry account without a unit signs as the Ministry */
        edx_unit_ref m;
        if ((rc = edx_unit_ref_ministry(db, a, &m, err)) < 0) return rc;
        issuer = m.code;
    }
    snprintf(ext, sizeof ext, "NOM-%lld", (long long)n->id);
    snprintf(reason, sizeof reason, "%s", n->summary);
    if ((rc = aw_campaign_doc(db, a, n->campaign, &camp, err)) < 0) return rc;
    const json_t *f = aw_campaign_form(camp, n->form);
    records = json_pack("[{s:s,s:s,s:s,s:s,s:s,s:s,s:s}]", "external_id", ext, "full_name",
                        n->subject_name, "reward",
                        json_string_value(json_object_get(f, "name")) ? json_string_value(json_object_get(f, "name")) : n->form,
                        "reason", reason, "campaign",
                        json_string_value(json_object_get(camp, "name")) ? json_string_value(json_object_get(camp, "name")) : n->campaign,
                        "decision_number", n->decision_number, "decision_date", n->decision_date);
    if (!records) {
        rc = edx_err_nomem(err);
        goto done;
    }
    edx_issue_opts o = {0};
    o.issuer = issuer;
    o.type = EDX_CRED_AWARD;
    o.emit = emit_id;
    o.emit_ctx = &ec;
    edx_issue_report rep;
    if ((rc = edx_cred_issue_json(db, a, p, env, records, &o, &rep, err)) < 0) goto done;
    if (!ec.id[0]) { /* issued before: find it */
        edx_cred_query q = {issuer, "award", NULL, ext, 1, 0};
        if ((rc = edx_cred_list(db, a, p, &q, &found, err)) < 0) goto done;
        const char *id = json_string_value(
            json_object_get(json_array_get(json_object_get(found, "items"), 0), "id"));
        if (!id) {
            rc = edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "the award credential %s is lost", ext);
            goto done;
        }
        snprintf(ec.id, sizeof ec.id, "%s%s", strncmp(id, "urn:uuid:", 9) ? "urn:uuid:" : "", id);
    }
    if ((rc = edx_db_begin(db, err)) < 0) goto done;
    rc = edx_db_exec(db, "UPDATE nominations SET credential_id = ?, updated_at = ? WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(ec.id), EDX_DB_INT(edx_now()), EDX_DB_INT(n->id)), err);
    if (rc >= 0) rc = aw_step(db, n->id, "credential", p->actor, ec.id, err);
    char target[48];
    snprintf(target, sizeof target, "nomination:%lld", (long long)n->id);
    json_t *detail = json_pack("{s:s}", "credential", ec.id);
    rc = edx_audit_commit(db, p->actor, "nomination.credential", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
done:
    json_decref(camp);
    json_decref(records);
    json_decref(found);
    return rc;
}

int edx_nomination_decide(edx_db *db, edx_arena *a, const edx_principal *p,
                          const struct edx_cred_env *env, int64_t id, const json_t *body,
                          json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"number", "date", "issuer", NULL};
    decide_ctx c = {NULL, NULL, NULL};
    nom n;
    int64_t t;
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0 || (rc = text_field(a, body, "number", 1, 64, &c.number, err)) < 0 ||
        (rc = edx_json_get_str((json_t *)body, "date", 1, &c.date, err)) < 0 ||
        (rc = text_field(a, body, "issuer", 2, 300, &c.issuer, err)) < 0)
        return rc;
    if (strlen(c.date) != 10 || edx_time_parse(c.date, &t) != 0 || t > edx_now() + 86400)
        return edx_err_invalid(err, "date", "date is the decision's day, YYYY-MM-DD, not later than today");
    /* A decision recorded before a failed issue: issue now, without deciding twice. */
    if ((rc = aw_nom_load(db, a, id, &n, err)) < 0) return rc;
    if (!n.status || strcmp(n.status, "decided") != 0 || n.credential_id) {
        if ((rc = move(db, a, p, id, "submitted", 1, "decide", do_decide, &c, NULL, err)) < 0)
            return rc;
        if ((rc = aw_nom_load(db, a, id, &n, err)) < 0) return rc;
    } else if (!aw_is_ministry(p)) {
        return edx_err_forbidden(err, "only the Ministry may do this");
    }
    if ((rc = issue_award(db, a, p, env, &n, err)) < 0) return rc;
    return edx_nomination_get(db, a, p, id, out, err);
}

/* annul */
static int do_annul(edx_db *db, edx_arena *a, const edx_principal *p, const nom *n, void *ctx,
                    const char **note, edx_err *err)
{
    (void)a, (void)p;
    char src[48];
    snprintf(src, sizeof src, "nomination:%lld", (long long)n->id);
    *note = ctx;
    int rc = edx_db_exec(db,
                         "UPDATE nominations SET status = 'annulled', annul_reason = ?,"
                         " annulled_at = ?, updated_at = ? WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_TEXT(ctx), EDX_DB_INT(edx_now()),
                                     EDX_DB_INT(edx_now()), EDX_DB_INT(n->id)),
                         err);
    if (rc >= 0)
        rc = edx_db_exec(db, "UPDATE award_history SET annulled = 1 WHERE source = ?",
                         EDX_DB_ARGS(EDX_DB_TEXT(src)), err);
    return rc;
}

int edx_nomination_annul(edx_db *db, edx_arena *a, const edx_principal *p,
                         const struct edx_cred_env *env, int64_t id, const json_t *body,
                         json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"reason", NULL};
    char *reason = NULL;
    nom n;
    json_t *cred = NULL;
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0 || (rc = text_field(a, body, "reason", 5, 1000, &reason, err)) < 0) return rc;
    if (!aw_is_ministry(p)) return edx_err_forbidden(err, "only the Ministry may do this");
    if ((rc = aw_nom_load(db, a, id, &n, err)) < 0) return rc;
    if (!n.status || strcmp(n.status, "decided") != 0)
        return edx_err_set(err, EDX_ECONFLICT, 409, "wrong_status", "status",
                           "the nomination is %s; this needs decided", n.status);
    /* The credential first: if revoking fails nothing has changed; a revoked credential
     * of a nomination still decided is revoked again harmlessly on a retry. */
    if (n.credential_id) {
        rc = edx_cred_set_status(db, a, p, env, n.credential_id, "revoke", reason, &cred, err);
        json_decref(cred);
        if (rc < 0 && rc != EDX_ECONFLICT) return rc;
    }
    return move(db, a, p, id, "decided", 1, "annul", do_annul, reason, out, err);
}

/* ---- the public window --------------------------------------------------------------------- */

int edx_nomination_public(edx_db *db, edx_arena *a, json_t **out, edx_err *err)
{
    json_t *items = json_array(), *camps = json_object();
    edx_rows *rows = NULL;
    int64_t now = edx_now();
    int rc = items && camps ? 0 : edx_err_nomem(err);
    if (rc >= 0)
        rc = edx_db_query(db, &rows,
                          NOM_SQL " WHERE n.posted_from IS NOT NULL AND n.posted_until > ?"
                                  " AND n.status IN ('posted', 'submitted', 'decided')"
                                  " ORDER BY n.posted_until DESC, n.id LIMIT 500",
                          EDX_DB_ARGS(EDX_DB_INT(now - 30 * 86400)), err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        nom n;
        nom_read(a, rows, &n);
        json_t *camp = json_object_get(camps, n.campaign);
        if (!camp) {
            edx_err e;
            if (aw_campaign_doc(db, a, n.campaign, &camp, &e) < 0) camp = json_object();
            json_object_set_new(camps, n.campaign, camp);
        }
        json_t *o = json_pack(
            "{s:I,s:s,s:s?,s:{s:s,s:s},s:{s:s,s:s},s:s,s:o,s:I,s:s,s:s,s:{s:o,s:o,s:b}}", "id",
            (json_int_t)n.id, "campaign", n.campaign, "campaign_name",
            json_string_value(json_object_get(camp, "name")), "unit", "code", n.unit_code, "name",
            n.unit_name, "subject", "kind", n.person_id ? "individual" : "collective", "name",
            n.subject_name, "form", n.form, "form_name", form_name(camp, n.form),
            "candidate_year", (json_int_t)n.candidate_year, "summary", n.summary, "status",
            n.status, "posting", "from", aw_time_json(n.posted_from), "until",
            aw_time_json(n.posted_until), "open", now < n.posted_until);
        if (!o || json_array_append_new(items, o) < 0) rc = edx_err_nomem(err);
    }
    edx_rows_close(rows);
    json_decref(camps);
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{s:o}", "items", items);
    return *out ? 0 : edx_err_nomem(err);
}

int edx_nomination_comment(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                           const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"name", "contact", "text", NULL};
    char *name = NULL, *contact = NULL, *text = NULL;
    nom n;
    int64_t count = 0, cid = 0;
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0 || (rc = text_field(a, body, "name", 2, 100, &name, err)) < 0 ||
        (rc = text_field(a, body, "text", 5, 4000, &text, err)) < 0)
        return rc;
    const json_t *c = json_object_get(body, "contact");
    if (c && !json_is_null(c) && (rc = text_field(a, body, "contact", 0, 200, &contact, err)) < 0)
        return rc;
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    if ((rc = aw_nom_load(db, a, id, &n, err)) < 0) goto finish;
    if (!n.posted_from) {
        rc = edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "no posted nomination %lld",
                         (long long)id);
        goto finish;
    }
    if (!n.status || strcmp(n.status, "posted") != 0 || edx_now() >= n.posted_until) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "window_closed", "",
                         "comments on this nomination are closed");
        goto finish;
    }
    if ((rc = edx_db_query_int(db, "SELECT COUNT(*) FROM nomination_comments WHERE nomination_id = ?",
                               EDX_DB_ARGS(EDX_DB_INT(id)), &count, err)) < 0)
        goto finish;
    if (count >= MAX_COMMENTS) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "too_many_comments", "",
                         "this nomination has %d comments, the most kept; write to the Ministry",
                         MAX_COMMENTS);
        goto finish;
    }
    edx_rows *rows = NULL;
    rc = edx_db_query(db, &rows,
                      "INSERT INTO nomination_comments (nomination_id, name, contact, text,"
                      " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                      EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_TEXT(name), EDX_DB_TEXT(contact),
                                  EDX_DB_TEXT(text), EDX_DB_INT(edx_now())),
                      err);
    if (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) cid = edx_rows_int(rows, 0);
    edx_rows_close(rows);
finish: {
    char target[48];
    snprintf(target, sizeof target, "nomination:%lld", (long long)id);
    /* Who wrote it stays out of the log: the comment row holds it for the Ministry. */
    rc = edx_audit_commit(db, p->actor, "nomination.comment", target, NULL, NULL, NULL,
                          rc < 0 ? rc : 0, err);
}
    if (rc < 0) return rc;
    *out = json_pack("{s:I,s:I,s:b}", "id", (json_int_t)cid, "nomination", (json_int_t)id,
                     "received", 1);
    return *out ? 0 : edx_err_nomem(err);
}

static json_t *comment_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:o,s:s,s:o}", "id", (json_int_t)edx_rows_int(r, 0), "name",
                     edx_rows_text(r, 1), "contact", edx_json_str_or_null(edx_rows_text(r, 2)),
                     "text", edx_rows_text(r, 3), "at", aw_time_json(edx_rows_int(r, 4)));
}

int edx_nomination_comments(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                            json_t **out, edx_err *err)
{
    nom n;
    json_t *items = NULL;
    int rc = aw_nom_load(db, a, id, &n, err);
    if (rc < 0) return rc;
    if (!aw_is_ministry(p)) return edx_err_forbidden(err, "only the Ministry reads the comments");
    if ((rc = edx_db_query_array(db,
                                 "SELECT id, name, contact, text, created_at FROM"
                                 " nomination_comments WHERE nomination_id = ? ORDER BY id",
                                 EDX_DB_ARGS(EDX_DB_INT(id)), comment_row, NULL, &items, err)) < 0)
        return rc;
    *out = json_pack("{s:o}", "items", items);
    return *out ? 0 : edx_err_nomem(err);
}

/* ---- for other domains ---------------------------------------------------------------------- */

int edx_awards_decided(edx_db *db, const char *campaign, const char *path_lo,
                       const char *path_hi, json_t **out, edx_err *err)
{
    edx_arena arena, *a = &arena;
    edx_arena_init(a, 0);
    json_t *camp = NULL, *res = json_object();
    edx_rows *rows = NULL;
    int64_t cid = 0;
    int rc = res ? 0 : edx_err_nomem(err);
    if (rc >= 0) rc = campaign_id(db, campaign, &cid, err);
    if (rc >= 0) rc = aw_campaign_doc(db, a, campaign, &camp, err);
    if (rc >= 0)
        rc = edx_db_query(db, &rows,
                          "SELECT u.code, n.form, n.candidate_year, n.decision_number,"
                          " n.decision_date, n.decision_issuer, n.person_id, n.subject_name"
                          " FROM nominations n JOIN units u ON u.id = n.unit_id"
                          " WHERE n.campaign_id = ? AND n.status = 'decided'"
                          " AND u.path >= ? AND u.path < ? ORDER BY u.path, n.id",
                          EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(path_lo ? path_lo : ""),
                                      EDX_DB_TEXT(path_hi ? path_hi : "\x7f")),
                          err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        const char *code = edx_rows_text(rows, 0);
        json_t *list = json_object_get(res, code);
        if (!list) json_object_set_new(res, code, list = json_array());
        json_t *o = json_pack("{s:s,s:o,s:I,s:{s:s,s:s,s:s},s:{s:s,s:s}}", "form",
                              edx_rows_text(rows, 1), "form_name",
                              form_name(camp, edx_rows_text(rows, 1)), "year",
                              (json_int_t)edx_rows_int(rows, 2), "decision", "number",
                              edx_rows_text(rows, 3), "date", edx_rows_text(rows, 4), "issuer",
                              edx_rows_text(rows, 5), "subject", "kind",
                              edx_rows_int(rows, 6) ? "individual" : "collective", "name",
                              edx_rows_text(rows, 7));
        if (!o || json_array_append_new(list, o) < 0) rc = edx_err_nomem(err);
    }
    edx_rows_close(rows);
    json_decref(camp);
    edx_arena_free(a);
    if (rc < 0) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return 0;
}
