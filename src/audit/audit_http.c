/* audit_http.c: reading and verifying the audit log over HTTP (ministry admins). */
#include "audit/audit.h"
#include "http/http.h"

static int h_audit_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    int64_t limit = 100, before = 0;
    if (edx_req_query_int(r, "limit", 1, 1000, &limit, &e) < 0 ||
        edx_req_query_int(r, "before", 1, INT64_MAX, &before, &e) < 0)
        return edx_resp_error(out, &e);
    json_t *arr = NULL;
    if (edx_audit_list(edx_req_db(r), before, (int)limit, &arr, &e) < 0)
        return edx_resp_error(out, &e);
    return edx_resp_json(out, 200, json_pack("{s:o}", "records", arr));
}

static int h_audit_verify(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_audit_report rep;
    int rc = edx_audit_verify(edx_req_db(r), &rep, &e);
    if (rc < 0) return edx_resp_error(out, &e);
    return edx_resp_json(out, 200,
                         json_pack("{s:b,s:I,s:I,s:s,s:s}", "intact", rc == 0, "records",
                                   (json_int_t)rep.records, "first_bad_seq",
                                   (json_int_t)rep.bad_seq, "reason", rep.reason, "head",
                                   rep.head));
}

#define MINISTRY EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN)

extern const edx_route edx_audit_routes[];
const edx_route edx_audit_routes[] = {
    {"GET", "/api/v1/audit", MINISTRY, 0, h_audit_list, "Audit records, newest first"},
    {"GET", "/api/v1/audit:verify", MINISTRY, 0, h_audit_verify, "Check the audit chain"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
