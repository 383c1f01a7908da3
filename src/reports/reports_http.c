/* reports_http.c: HTTP routes of the cross-domain views. */
#include "http/http.h"
#include "reports/reports.h"

static int h_dashboard(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_dashboard(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                           edx_req_param(r, "code"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

extern const edx_route edx_reports_routes[];
const edx_route edx_reports_routes[] = {
    {"GET", "/api/v1/campaigns/{code}/dashboard", EDX_ROLES_ADMIN, 0, h_dashboard,
     "The campaign at a glance: coverage, reports, initiatives, review progress"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
