/*
 * awards_http.c: the reward rules at work over HTTP: the shipped rule file
 * (data/awards/rules.json, compiled once) and eligibility checks of a history.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "awards/awards.h"
#include "awards/rules.h"
#include "movement/movement.h"
#include "base/embed.h"
#include "base/timeutil.h"
#include "http/http.h"
#include "json/json.h"

#define ADMIN EDX_ROLES_ADMIN
#define MINISTRY EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN)
#define COUNCIL (EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN) | EDX_ROLE_BIT(EDX_ROLE_REVIEWER))
#define NOMINATION_READERS (EDX_ROLES_ADMIN | EDX_ROLE_BIT(EDX_ROLE_REVIEWER))

static pthread_once_t once = PTHREAD_ONCE_INIT;
static edx_rules *builtin;

static void load(void)
{
    edx_arena *scope = edx_json_use_arena(NULL);
    const edx_embed *f = edx_embed_find("data/awards/rules.json");
    edx_err e;
    if (f && edx_rules_load((const char *)f->data, f->len, &builtin, &e) != 0)
        fprintf(stderr, "edudx: the built-in reward rules do not load: %s\n", e.message);
    edx_json_use_arena(scope);
}

const edx_rules *edx_rules_builtin(void)
{
    pthread_once(&once, load);
    return builtin;
}

static int h_rules(edx_req *r, edx_resp *out)
{
    (void)r;
    const edx_embed *f = edx_embed_find("data/awards/rules.json");
    if (!f) {
        edx_err e;
        edx_err_set(&e, EDX_EINTERNAL, 500, "internal", "", "no reward rules are built in");
        return edx_resp_error(out, &e);
    }
    out->status = 200;
    out->static_body = f->data;
    out->len = f->len;
    out->content_type = "application/json";
    return 0;
}

static const char *const fields[] = {"form", "candidate_year", "as_of", "history", NULL};

static int h_eligibility(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *report = NULL;
    const char *form = NULL, *as_of = NULL;
    int64_t year = 0;
    char today[32];
    edx_history h;
    edx_eligibility verdict;
    const edx_rules *rules = edx_rules_builtin();
    int rc;
    if (!rules) rc = edx_err_set(&e, EDX_EINTERNAL, 500, "internal", "", "no reward rules are built in");
    else if ((rc = edx_req_json(r, &body, &e)) == 0 && (rc = edx_json_only(body, fields, &e)) == 0 &&
             (rc = edx_json_get_str(body, "form", 1, &form, &e)) == 0 &&
             (rc = edx_json_get_int(body, "candidate_year", 1, EDX_YEAR_MIN, EDX_YEAR_MAX, &year, &e)) == 0 &&
             (rc = edx_json_get_str(body, "as_of", 0, &as_of, &e)) == 0 &&
             (rc = edx_history_parse(rules, json_object_get(body, "history"), edx_req_arena(r), &h, &e)) == 0) {
        if (!as_of) {
            edx_time_iso(edx_now() + 7 * 3600, today);
            today[10] = '\0';
            as_of = today;
        }
        edx_elig_query q = {form, (int)year, as_of};
        rc = edx_rules_evaluate(rules, &h, &q, &verdict, &report, &e);
    }
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, report);
}

/* ---- history ---------------------------------------------------------------------------------- */

static int h_history(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int64_t person = 0;
    int rc = edx_req_query_int(r, "person", 1, INT64_MAX, &person, &e);
    if (rc == 0)
        rc = edx_award_history_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                   edx_req_query(r, "unit"), person, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_history_import(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    size_t len = 0;
    const char *data = edx_req_body(r, &len);
    edx_history_report rep;
    int rc = edx_award_history_import(edx_req_db(r), edx_req_arena(r), edx_req_who(r), data, len,
                                      &rep, &e);
    json_t *o = rc < 0 ? NULL
                       : json_pack("{s:I,s:I,s:I}", "records", (json_int_t)rep.records, "added",
                                   (json_int_t)rep.added, "existing", (json_int_t)rep.existing);
    return edx_resp_result(out, rc, &e, 200, o);
}

/* ---- nominations and ballots ----------------------------------------------------------------- */

/* The request's JSON body, or NULL when it has none. */
static int body_opt(edx_req *r, json_t **body, edx_err *e)
{
    size_t len = 0;
    *body = NULL;
    edx_req_body(r, &len);
    return len ? edx_req_json(r, body, e) : 0;
}

typedef int (*id_fn)(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                     const json_t *body, json_t **out, edx_err *err);

/* POST/GET …/{id}[/verb] with an optional body: parse, call, answer. */
static int by_id(edx_req *r, edx_resp *out, const char *what, id_fn fn, int status)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int64_t id = 0;
    int rc = edx_req_param_id(r, "id", what, &id, &e);
    if (rc == 0) rc = body_opt(r, &body, &e);
    if (rc == 0) rc = fn(edx_req_db(r), edx_req_arena(r), edx_req_who(r), id, body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, status, o);
}

static int nom_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                   const json_t *body, json_t **out, edx_err *err)
{
    (void)body;
    return edx_nomination_get(db, a, p, id, out, err);
}
static int nom_withdraw(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                        const json_t *body, json_t **out, edx_err *err)
{
    (void)body;
    return edx_nomination_withdraw(db, a, p, id, out, err);
}
static int nom_submit(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                      const json_t *body, json_t **out, edx_err *err)
{
    (void)body;
    return edx_nomination_submit(db, a, p, id, out, err);
}
static int nom_comments(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                        const json_t *body, json_t **out, edx_err *err)
{
    (void)body;
    return edx_nomination_comments(db, a, p, id, out, err);
}
static int ballot_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                      const json_t *body, json_t **out, edx_err *err)
{
    (void)body;
    return edx_ballot_get(db, a, p, id, out, err);
}

static int h_nom_get(edx_req *r, edx_resp *out) { return by_id(r, out, "nomination", nom_get, 200); }
static int h_nom_check(edx_req *r, edx_resp *out)
{
    return by_id(r, out, "nomination", edx_nomination_check, 200);
}
static int h_nom_withdraw(edx_req *r, edx_resp *out)
{
    return by_id(r, out, "nomination", nom_withdraw, 200);
}
static int h_nom_post(edx_req *r, edx_resp *out)
{
    return by_id(r, out, "nomination", edx_nomination_post, 200);
}
static int h_nom_submit(edx_req *r, edx_resp *out)
{
    return by_id(r, out, "nomination", nom_submit, 200);
}
static int h_nom_comments(edx_req *r, edx_resp *out)
{
    return by_id(r, out, "nomination", nom_comments, 200);
}
static int h_nom_comment(edx_req *r, edx_resp *out)
{
    return by_id(r, out, "nomination", edx_nomination_comment, 201);
}
static int h_ballot_get(edx_req *r, edx_resp *out) { return by_id(r, out, "ballot", ballot_get, 200); }
static int h_ballot_vote(edx_req *r, edx_resp *out)
{
    return by_id(r, out, "ballot", edx_ballot_vote, 200);
}
static int h_ballot_close(edx_req *r, edx_resp *out)
{
    return by_id(r, out, "ballot", edx_ballot_close, 200);
}

/* decide / annul: they sign or revoke a credential, so they need the deployment. */
static int with_env(edx_req *r, edx_resp *out, int annul)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int64_t id = 0;
    int rc = edx_req_param_id(r, "id", "nomination", &id, &e);
    if (rc == 0) rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = (annul ? edx_nomination_annul : edx_nomination_decide)(
            edx_req_db(r), edx_req_arena(r), edx_req_who(r), edx_req_cred_env(r), id, body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}
static int h_nom_decide(edx_req *r, edx_resp *out) { return with_env(r, out, 0); }
static int h_nom_annul(edx_req *r, edx_resp *out) { return with_env(r, out, 1); }

static int h_nominations(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    const char *status = edx_req_query(r, "status"), *unit = edx_req_query(r, "unit");
    int rc = edx_nomination_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                 edx_req_param(r, "code"), status && *status ? status : NULL,
                                 unit && *unit ? unit : NULL, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_nominate(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_nomination_create(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                   edx_req_param(r, "code"), body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_ballots(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_ballot_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                             edx_req_param(r, "code"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_ballot_open(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_ballot_create(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                               edx_req_param(r, "code"), body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_public(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_nomination_public(edx_req_db(r), edx_req_arena(r), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

/* The dossier's PDF or ZIP, as a download named after the nomination. */
static int dossier(edx_req *r, edx_resp *out, int zip)
{
    edx_err e;
    edx_err_clear(&e);
    edx_buf b = {0};
    int64_t id = 0;
    const edx_server_cfg *c = edx_req_cfg(r);
    edx_evidence_cfg cfg = edx_evidence_cfg_for(c->evidence_dir, c->max_upload);
    int rc = edx_req_param_id(r, "id", "nomination", &id, &e);
    if (rc == 0)
        rc = zip ? edx_nomination_evidence_zip(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                               &cfg, id, &b, &e)
                 : edx_nomination_dossier_pdf(edx_req_db(r), edx_req_arena(r), edx_req_who(r), id,
                                              &b, &e);
    if (rc < 0) {
        edx_buf_free(&b);
        return edx_resp_error(out, &e);
    }
    out->status = 200;
    out->body = b.data;
    out->len = b.len;
    out->content_type = zip ? "application/zip" : "application/pdf";
    edx_resp_header(out, "Content-Disposition",
                    edx_arena_printf(edx_req_arena(r), "attachment; filename=\"nomination-%lld-%s\"",
                                     (long long)id, zip ? "evidence.zip" : "dossier.pdf"));
    return 0;
}
static int h_dossier_pdf(edx_req *r, edx_resp *out) { return dossier(r, out, 0); }
static int h_dossier_zip(edx_req *r, edx_resp *out) { return dossier(r, out, 1); }

extern const edx_route edx_awards_routes[];
const edx_route edx_awards_routes[] = {
    {"GET", "/api/v1/awards/rules", EDX_ROLES_SIGNED_IN, 0, h_rules,
     "The reward forms and eligibility rules (data, with citations)"},
    {"POST", "/api/v1/awards/eligibility", EDX_ROLES_SIGNED_IN, 0, h_eligibility,
     "Check a subject's history against a reward form's rules, explained"},
    {"GET", "/api/v1/awards/history", ADMIN, 0, h_history,
     "A unit's or person's recorded awards, ratings and recognised initiatives"},
    {"POST", "/api/v1/awards/history/import", ADMIN, EDX_RT_UPLOAD, h_history_import,
     "Import past awards and yearly ratings from CSV (all or nothing; reruns add nothing)"},
    {"GET", "/api/v1/campaigns/{code}/nominations", NOMINATION_READERS, 0, h_nominations,
     "Nominations of the campaign in your scope (filters: status, unit)"},
    {"POST", "/api/v1/campaigns/{code}/nominations", ADMIN, 0, h_nominate,
     "Propose a unit or one of its people for a reward form; eligibility is checked at once"},
    {"GET", "/api/v1/nominations/{id}", NOMINATION_READERS, 0, h_nom_get,
     "One nomination: eligibility explained, ballot, posting, decision, every step"},
    {"POST", "/api/v1/nominations/{id}/check", MINISTRY, 0, h_nom_check,
     "Evaluate eligibility again, or confirm an unknown verdict by hand with a note"},
    {"POST", "/api/v1/nominations/{id}/withdraw", ADMIN, 0, h_nom_withdraw,
     "Withdraw a proposed nomination"},
    {"POST", "/api/v1/nominations/{id}/post", MINISTRY, 0, h_nom_post,
     "Post a nomination that passed its ballot for public comment (days or until)"},
    {"POST", "/api/v1/nominations/{id}/submit", MINISTRY, 0, h_nom_submit,
     "Submit a posted nomination upward once its public window is over"},
    {"POST", "/api/v1/nominations/{id}/decide", MINISTRY, 0, h_nom_decide,
     "Record the decision (number, date, issuer) and issue the award credential"},
    {"POST", "/api/v1/nominations/{id}/annul", MINISTRY, 0, h_nom_annul,
     "Annul a decided award with a reason; its credential is revoked"},
    {"GET", "/api/v1/nominations/{id}/comments", MINISTRY, 0, h_nom_comments,
     "The public comments received on a nomination"},
    {"GET", "/api/v1/nominations/{id}/dossier.pdf", NOMINATION_READERS, 0, h_dossier_pdf,
     "The electronic dossier as one PDF"},
    {"GET", "/api/v1/nominations/{id}/evidence.zip", NOMINATION_READERS, 0, h_dossier_zip,
     "The dossier's evidence files as a ZIP with SHA256SUMS"},
    {"GET", "/api/v1/campaigns/{code}/ballots", COUNCIL, 0, h_ballots,
     "Ballots of the campaign (the Ministry: all; council members: theirs)"},
    {"POST", "/api/v1/campaigns/{code}/ballots", COUNCIL, 0, h_ballot_open,
     "Open a council ballot on eligible nominations (Ministry or the round's chair)"},
    {"GET", "/api/v1/ballots/{id}", COUNCIL, 0, h_ballot_get,
     "A ballot: items, members, who has voted (count), tallies once counted"},
    {"POST", "/api/v1/ballots/{id}/vote", COUNCIL, 0, h_ballot_vote,
     "Vote once on every item of a ballot (council members)"},
    {"POST", "/api/v1/ballots/{id}/close", COUNCIL, 0, h_ballot_close,
     "Count a ballot: nominations pass or are rejected by their form's threshold"},
    {"GET", "/api/v1/public/nominations", EDX_ROLES_ALL, 0, h_public,
     "Nominations posted for public comment (no sign-in)"},
    {"POST", "/api/v1/public/nominations/{id}/comments", EDX_ROLES_ALL, EDX_RT_CSRF_EXEMPT,
     h_nom_comment, "Comment on a posted nomination while its window is open (no sign-in)"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
