/* review_http.c: HTTP routes of review rounds, councils and scorecards. */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "json/json.h"
#include "review/review.h"

#define SIGNED EDX_ROLES_SIGNED_IN
#define MINISTRY EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN)
#define COUNCIL (EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN) | EDX_ROLE_BIT(EDX_ROLE_REVIEWER))

static int h_round_create(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_round_create(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                              edx_req_param(r, "code"), body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_round_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_round_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                           edx_req_param(r, "code"), edx_req_param(r, "round"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_round_close(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_round_close(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                             edx_req_param(r, "code"), edx_req_param(r, "round"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_round_results(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    const char *group = edx_req_query(r, "group");
    int rc = edx_round_results(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                               edx_req_param(r, "code"), edx_req_param(r, "round"),
                               group && *group ? group : NULL, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_queue(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_review_queue(edx_req_db(r), edx_req_arena(r), edx_req_who(r), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_entry(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int64_t id = 0;
    int rc = edx_req_param_id(r, "entry", "entry", &id, &e);
    if (rc == 0) rc = edx_review_entry(edx_req_db(r), edx_req_arena(r), edx_req_who(r), id, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_scorecard(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int64_t id = 0;
    int rc = edx_req_param_id(r, "entry", "entry", &id, &e);
    if (rc == 0) rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_review_score(edx_req_db(r), edx_req_arena(r), edx_req_who(r), id, body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const recuse_fields[] = {"reason", NULL};

static int h_recuse(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    const char *reason = NULL;
    int64_t id = 0;
    int rc;
    if ((rc = edx_req_param_id(r, "entry", "entry", &id, &e)) == 0 && (rc = edx_req_json(r, &body, &e)) == 0 &&
        (rc = edx_json_only(body, recuse_fields, &e)) == 0 &&
        (rc = edx_json_get_str(body, "reason", 1, &reason, &e)) == 0)
        rc = edx_review_recuse(edx_req_db(r), edx_req_arena(r), edx_req_who(r), id, reason, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}

extern const edx_route edx_review_routes[];
const edx_route edx_review_routes[] = {
    {"POST", "/api/v1/campaigns/{code}/rounds", MINISTRY, 0, h_round_create,
     "Create a review round: council, entries, assignments"},
    {"GET", "/api/v1/campaigns/{code}/rounds/{round}", COUNCIL, 0, h_round_get,
     "A round: council, entries, progress (Ministry, chair)"},
    {"POST", "/api/v1/campaigns/{code}/rounds/{round}/close", COUNCIL, 0, h_round_close,
     "Close a round (Ministry, chair)"},
    {"GET", "/api/v1/campaigns/{code}/rounds/{round}/results", COUNCIL, 0, h_round_results,
     "Fair aggregations and rankings side by side (Ministry, chair)"},
    {"GET", "/api/v1/reviews", SIGNED, 0, h_queue, "Your review assignments"},
    {"GET", "/api/v1/reviews/{entry}", COUNCIL, 0, h_entry,
     "An assigned entry: rubric, reports, initiatives, your scorecard"},
    {"PUT", "/api/v1/reviews/{entry}/scorecard", COUNCIL, 0, h_scorecard,
     "Save or submit your scorecard"},
    {"POST", "/api/v1/reviews/{entry}/recusal", COUNCIL, 0, h_recuse,
     "Recuse yourself from an entry, with a reason"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
