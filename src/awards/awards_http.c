/*
 * awards_http.c: the reward rules at work over HTTP: the shipped rule file
 * (data/awards/rules.json, compiled once) and eligibility checks of a history.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "awards/rules.h"
#include "base/embed.h"
#include "base/timeutil.h"
#include "http/http.h"
#include "json/json.h"

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

extern const edx_route edx_awards_routes[];
const edx_route edx_awards_routes[] = {
    {"GET", "/api/v1/awards/rules", EDX_ROLES_SIGNED_IN, 0, h_rules,
     "The reward forms and eligibility rules (data, with citations)"},
    {"POST", "/api/v1/awards/eligibility", EDX_ROLES_SIGNED_IN, 0, h_eligibility,
     "Check a subject's history against a reward form's rules, explained"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
