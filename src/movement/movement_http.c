/* movement_http.c: HTTP routes of the movement: campaigns, registrations, pledges, coverage. */
#include <stdlib.h>
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
    int rc;
    if ((rc = edx_req_query_int(r, "limit", 1, 500, &limit, &e)) < 0 ||
        (rc = edx_req_query_int(r, "offset", 0, 100000000, &offset, &e)) < 0 ||
        (rc = edx_req_query_bool(r, "registered", &q.registered, &e)) < 0)
        return edx_resp_error(out, &e);
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

/* ---- progress reports ---------------------------------------------------------------------- */

static int h_reports(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    const char *status = edx_req_query(r, "status"), *period = edx_req_query(r, "period");
    int rc = edx_report_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                             edx_req_param(r, "code"), status && *status ? status : NULL,
                             period && *period ? period : NULL, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_report_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_report_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                            edx_req_param(r, "code"), edx_req_param(r, "unit"),
                            edx_req_param(r, "period"), 0, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_report_version(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int64_t n = 0;
    int rc = edx_req_param_id(r, "version", "version", &n, &e);
    if (rc == 0 && n > 100000) rc = edx_err_set(&e, EDX_ENOTFOUND, 404, "not_found", "version",
                                                "version %lld not found", (long long)n);
    if (rc == 0)
        rc = edx_report_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                            edx_req_param(r, "code"), edx_req_param(r, "unit"),
                            edx_req_param(r, "period"), (int)n, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const report_fields[] = {"values", NULL};

static int h_report_put(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc;
    if ((rc = edx_req_json(r, &body, &e)) == 0 && (rc = edx_json_only(body, report_fields, &e)) == 0)
        rc = edx_report_save(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                             edx_req_param(r, "code"), edx_req_param(r, "unit"),
                             edx_req_param(r, "period"), json_object_get(body, "values"), &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_report_submit(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_report_submit(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                               edx_req_param(r, "code"), edx_req_param(r, "unit"),
                               edx_req_param(r, "period"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const review_fields[] = {"comment", NULL};

static int review(edx_req *r, edx_resp *out, const char *action)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    const char *comment = NULL;
    size_t len = 0;
    int rc = 0;
    edx_req_body(r, &len);
    if (len > 0 && ((rc = edx_req_json(r, &body, &e)) < 0 ||
                    (rc = edx_json_only(body, review_fields, &e)) < 0 ||
                    (rc = edx_json_get_str(body, "comment", 0, &comment, &e)) < 0)) {
        json_decref(body);
        return edx_resp_error(out, &e);
    }
    rc = edx_report_review(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                           edx_req_param(r, "code"), edx_req_param(r, "unit"),
                           edx_req_param(r, "period"), action, comment, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_report_return(edx_req *r, edx_resp *out)
{
    return review(r, out, "return");
}

static int h_report_accept(edx_req *r, edx_resp *out)
{
    return review(r, out, "accept");
}

/* ---- evidence files ------------------------------------------------------------------------ */

static edx_evidence_cfg evidence_cfg(edx_req *r)
{
    const edx_server_cfg *c = edx_req_cfg(r);
    return edx_evidence_cfg_for(c->evidence_dir, c->max_upload);
}

static int h_evidence_put(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    size_t len = 0;
    const char *data = edx_req_body(r, &len);
    edx_evidence_cfg cfg = evidence_cfg(r);
    const char *unit = edx_req_query(r, "unit"), *name = edx_req_query(r, "name");
    int rc = !unit || !*unit ? edx_err_invalid(&e, "unit", "say which unit the file is for (?unit=)")
                             : edx_evidence_put(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                                &cfg, unit, name, edx_req_header(r, "Content-Type"),
                                                data, len, &o, &e);
    return edx_resp_result(out, rc, &e, 201, o);
}

/* "attachment; filename=…" with the UTF-8 name percent-encoded (RFC 6266 / RFC 8187). */
static const char *disposition(edx_arena *a, const char *name)
{
    static const char hexd[] = "0123456789ABCDEF";
    size_t n = strlen(name);
    char *enc = edx_arena_alloc(a, 3 * n + 1), *q = enc;
    if (!enc) return "attachment";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            *q++ = (char)*p;
        } else {
            *q++ = '%';
            *q++ = hexd[*p >> 4];
            *q++ = hexd[*p & 15];
        }
    }
    *q = '\0';
    return edx_arena_printf(a, "attachment; filename=\"evidence\"; filename*=UTF-8''%s", enc);
}

static int h_evidence_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_evidence_file f;
    edx_evidence_cfg cfg = evidence_cfg(r);
    int rc = edx_evidence_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r), &cfg,
                              edx_req_param(r, "sha256"), &f, &e);
    if (rc < 0) return edx_resp_error(out, &e);
    out->status = 200;
    out->body = f.data;
    out->len = f.size;
    out->content_type = f.media_type;
    edx_resp_header(out, "Content-Disposition", disposition(edx_req_arena(r), f.name ? f.name : "evidence"));
    edx_resp_header(out, "Content-Security-Policy", "sandbox; default-src 'none'");
    return 0;
}

/* ---- initiatives ---------------------------------------------------------------------------- */

static int h_initiatives(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_initiative_query q;
    int64_t limit = 100, offset = 0;
    memset(&q, 0, sizeof q);
    int rc;
    if ((rc = edx_req_query_int(r, "limit", 1, 500, &limit, &e)) < 0 ||
        (rc = edx_req_query_int(r, "offset", 0, 100000000, &offset, &e)) < 0 ||
        (rc = edx_req_query_bool(r, "recognised", &q.recognised, &e)) < 0)
        return edx_resp_error(out, &e);
    q.limit = (int)limit;
    q.offset = (int)offset;
    q.unit = edx_req_query(r, "unit");
    q.scope = edx_req_query(r, "scope");
    q.q = edx_req_query(r, "q");
    if (q.unit && !*q.unit) q.unit = NULL;
    if (q.scope && !*q.scope) q.scope = NULL;
    json_t *o = NULL;
    rc = edx_initiative_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r), &q, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_initiative_create(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_initiative_create(edx_req_db(r), edx_req_arena(r), edx_req_who(r), body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_initiative_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int64_t id = 0;
    int rc = edx_req_param_id(r, "id", "initiative", &id, &e);
    if (rc == 0) rc = edx_initiative_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r), id, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

/* POST …/recognition and …/adoptions: the body goes to `fn` with the path's id. */
static int initiative_write(edx_req *r, edx_resp *out,
                            int (*fn)(edx_db *, edx_arena *, const edx_principal *, int64_t,
                                      const json_t *, json_t **, edx_err *),
                            int status)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int64_t id = 0;
    int rc = edx_req_param_id(r, "id", "initiative", &id, &e);
    if (rc == 0) rc = edx_req_json(r, &body, &e);
    if (rc == 0) rc = fn(edx_req_db(r), edx_req_arena(r), edx_req_who(r), id, body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, status, o);
}

static int h_initiative_recognise(edx_req *r, edx_resp *out)
{
    return initiative_write(r, out, edx_initiative_recognise, 200);
}

static int h_initiative_adopt(edx_req *r, edx_resp *out)
{
    return initiative_write(r, out, edx_initiative_adopt, 201);
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
    {"GET", "/api/v1/campaigns/{code}/reports", ADMINS, 0, h_reports,
     "Progress reports in scope (the Ministry's review queue)"},
    {"GET", "/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}", ADMINS, 0,
     h_report_get, "A unit's report for a period: status, draft, versions"},
    {"PUT", "/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}", ADMINS, 0,
     h_report_put, "Save the draft of a report"},
    {"POST", "/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}/submit", ADMINS, 0,
     h_report_submit, "Submit the draft as a new version"},
    {"POST", "/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}/return", MINISTRY,
     0, h_report_return, "Return a submitted report for correction"},
    {"POST", "/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}/accept", MINISTRY,
     0, h_report_accept, "Accept a submitted report"},
    {"GET", "/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}/versions/{version}",
     ADMINS, 0, h_report_version, "One submitted version of a report"},
    {"GET", "/api/v1/initiatives", SIGNED, 0, h_initiatives, "Initiatives, to find and copy"},
    {"POST", "/api/v1/initiatives", ADMINS, 0, h_initiative_create, "Submit an initiative"},
    {"GET", "/api/v1/initiatives/{id}", SIGNED, 0, h_initiative_get,
     "One initiative with its recognition and adoptions"},
    {"POST", "/api/v1/initiatives/{id}/recognition", ADMINS, 0, h_initiative_recognise,
     "Record an initiative's recognition (a body above its unit)"},
    {"POST", "/api/v1/initiatives/{id}/adoptions", ADMINS, 0, h_initiative_adopt,
     "Record that another unit applied an initiative"},
    {"POST", "/api/v1/evidence", ADMINS, EDX_RT_UPLOAD, h_evidence_put,
     "Upload an evidence file (PDF, image, office document)"},
    {"GET", "/api/v1/evidence/{sha256}", SIGNED, 0, h_evidence_get,
     "Download an evidence file you may read"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
