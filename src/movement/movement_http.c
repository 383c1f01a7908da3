/* movement_http.c: HTTP routes of the movement: campaigns, registrations, pledges, coverage. */
#include <string.h>

#include "http/http.h"
#include "json/json.h"
#include "movement/movement.h"

#define SIGNED EDX_ROLES_SIGNED_IN
#define ADMINS EDX_ROLES_ADMIN
#define MINISTRY EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN)

static int h_campaigns(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_campaign_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

/* POST creates; PUT /campaigns/{code} redefines (the body's code must match the path's). */
static int define(edx_req *r, edx_resp *out, int replace)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    const char *code = edx_req_param(r, "code");
    if (rc == 0 && replace) {
        const char *given = json_string_value(json_object_get(body, "code"));
        if (given && strcmp(given, code) != 0)
            rc = edx_err_invalid(&e, "code", "the body's code %.64s differs from the path's %.64s",
                                 given, code);
    }
    if (rc == 0)
        rc = edx_campaign_define(edx_req_db(r), edx_req_arena(r), edx_req_who(r), body, replace,
                                 &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, replace ? 200 : 201, o);
}

static int h_campaign_create(edx_req *r, edx_resp *out)
{
    return define(r, out, 0);
}

static int h_campaign_put(edx_req *r, edx_resp *out)
{
    return define(r, out, 1);
}

static int h_campaign_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_campaign_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                              edx_req_param(r, "code"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const register_fields[] = {"unit", NULL};

static int h_register(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    const char *unit = NULL;
    int rc;
    if ((rc = edx_req_json(r, &body, &e)) == 0 &&
        (rc = edx_json_only(body, register_fields, &e)) == 0 &&
        (rc = edx_json_get_str(body, "unit", 1, &unit, &e)) == 0)
        rc = edx_campaign_register(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                   edx_req_param(r, "code"), unit, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_registration(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_campaign_registration(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                       edx_req_param(r, "code"), edx_req_param(r, "unit"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const pledge_fields[] = {"pledges", NULL};

static int h_pledges_put(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc;
    if ((rc = edx_req_json(r, &body, &e)) == 0 && (rc = edx_json_only(body, pledge_fields, &e)) == 0)
        rc = edx_campaign_pledge(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                 edx_req_param(r, "code"), edx_req_param(r, "unit"),
                                 json_object_get(body, "pledges"), &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_coverage(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_coverage_query q;
    int64_t limit = 100, offset = 0;
    memset(&q, 0, sizeof q);
    q.registered = -1;
    const char *reg = edx_req_query(r, "registered");
    int rc;
    if ((rc = edx_req_query_int(r, "limit", 1, 500, &limit, &e)) < 0 ||
        (rc = edx_req_query_int(r, "offset", 0, 100000000, &offset, &e)) < 0)
        return edx_resp_error(out, &e);
    if (reg && *reg) {
        if (strcmp(reg, "true") == 0 || strcmp(reg, "1") == 0) q.registered = 1;
        else if (strcmp(reg, "false") == 0 || strcmp(reg, "0") == 0) q.registered = 0;
        else {
            edx_err_invalid(&e, "registered", "registered must be true or false");
            return edx_resp_error(out, &e);
        }
    }
    q.limit = (int)limit;
    q.offset = (int)offset;
    q.type = edx_req_query(r, "type");
    q.province = edx_req_query(r, "province");
    if (q.type && !*q.type) q.type = NULL;
    if (q.province && !*q.province) q.province = NULL;
    json_t *o = NULL;
    rc = edx_campaign_coverage(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                               edx_req_param(r, "code"), &q, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

extern const edx_route edx_movement_routes[];
const edx_route edx_movement_routes[] = {
    {"GET", "/api/v1/campaigns", SIGNED, 0, h_campaigns, "Emulation campaigns"},
    {"POST", "/api/v1/campaigns", MINISTRY, 0, h_campaign_create, "Define a campaign"},
    {"GET", "/api/v1/campaigns/{code}", SIGNED, 0, h_campaign_get, "One campaign's definition"},
    {"PUT", "/api/v1/campaigns/{code}", MINISTRY, 0, h_campaign_put,
     "Redefine a campaign (until a unit registers)"},
    {"POST", "/api/v1/campaigns/{code}/registrations", ADMINS, 0, h_register,
     "Register a unit for a campaign"},
    {"GET", "/api/v1/campaigns/{code}/registrations/{unit}", ADMINS, 0, h_registration,
     "A unit's registration and pledges"},
    {"PUT", "/api/v1/campaigns/{code}/registrations/{unit}/pledges", ADMINS, 0, h_pledges_put,
     "Replace a unit's pledged targets"},
    {"GET", "/api/v1/campaigns/{code}/coverage", ADMINS, 0, h_coverage,
     "Who has and has not registered, by type and province"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
