/* reports_http.c: HTTP routes of the cross-domain views. */
#include <string.h>

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

/* A file name of safe characters only: "<campaign>-<milestone>[-<part>].<ext>". */
static const char *disposition(edx_arena *a, const char *code, const char *ms, const char *part,
                               const char *ext)
{
    char *name = edx_arena_printf(a, "%.60s-%.60s%s%.20s.%s", code, ms, part ? "-" : "",
                                  part ? part : "", ext);
    if (!name) return "attachment";
    for (char *p = name; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            *p = '_';
    return edx_arena_printf(a, "attachment; filename=\"%s\"", name);
}

static int send_buf(edx_resp *out, edx_buf *b, const char *type)
{
    out->status = 200;
    out->body = edx_buf_steal(b, &out->len);
    out->content_type = type;
    return 0;
}

static int h_review(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_arena *a = edx_req_arena(r);
    const char *code = edx_req_param(r, "code"), *ms = edx_req_param(r, "milestone");
    const char *fmt = edx_req_query(r, "format"), *level = edx_req_query(r, "level");
    if (!fmt || !*fmt) fmt = "json";
    if (strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0 && strcmp(fmt, "xlsx") != 0 &&
        strcmp(fmt, "pdf") != 0) {
        edx_err_invalid(&e, "format", "format is json, csv, xlsx or pdf");
        return edx_resp_error(out, &e);
    }
    if (level && strcmp(fmt, "csv") != 0) {
        edx_err_invalid(&e, "level", "level applies to format=csv only (XLSX has every level)");
        return edx_resp_error(out, &e);
    }
    if (!level || !*level) level = "units";
    if (strcmp(level, "units") != 0 && strcmp(level, "provinces") != 0 &&
        strcmp(level, "types") != 0) {
        edx_err_invalid(&e, "level", "level is units, provinces or types");
        return edx_resp_error(out, &e);
    }
    edx_milestone_report *rep = NULL;
    edx_buf b = EDX_BUF_INIT;
    int rc = edx_milestone_report_build(edx_req_db(r), a, edx_req_who(r), code, ms,
                                        edx_req_query(r, "unit"), &rep, &e);
    if (rc < 0) return edx_resp_error(out, &e);
    const char *type = "application/json", *ext = NULL, *part = NULL;
    if (strcmp(fmt, "json") == 0) {
        rc = edx_milestone_report_json(rep, &b, &e);
    } else if (strcmp(fmt, "csv") == 0) {
        rc = edx_milestone_report_csv(rep, level, &b, &e);
        type = "text/csv; charset=utf-8", ext = "csv", part = level;
    } else if (strcmp(fmt, "xlsx") == 0) {
        rc = edx_milestone_report_xlsx(rep, &b, &e);
        type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext = "xlsx";
    } else {
        rc = edx_milestone_report_pdf(rep, &b, &e);
        type = "application/pdf", ext = "pdf";
    }
    edx_milestone_report_free(rep);
    if (rc < 0) {
        edx_buf_free(&b);
        return edx_resp_error(out, &e);
    }
    if (ext) edx_resp_header(out, "Content-Disposition", disposition(a, code, ms, part, ext));
    return send_buf(out, &b, type);
}

static int h_review_chart(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_arena *a = edx_req_arena(r);
    const char *file = edx_req_param(r, "chart");
    size_t n = file ? strlen(file) : 0;
    if (n < 5 || strcmp(file + n - 4, ".svg") != 0) {
        edx_err_set(&e, EDX_ENOTFOUND, 404, "not_found", "chart",
                    "charts are achievement.svg, types.svg, reports.svg or provinces.svg");
        return edx_resp_error(out, &e);
    }
    char *name = edx_arena_strndup(a, file, n - 4);
    edx_milestone_report *rep = NULL;
    edx_buf b = EDX_BUF_INIT;
    int rc = name ? edx_milestone_report_build(
                        edx_req_db(r), a, edx_req_who(r), edx_req_param(r, "code"),
                        edx_req_param(r, "milestone"), edx_req_query(r, "unit"), &rep, &e)
                  : edx_err_nomem(&e);
    if (rc == 0) {
        rc = edx_milestone_report_svg(rep, a, name, &b, &e);
        edx_milestone_report_free(rep);
    }
    if (rc < 0) {
        edx_buf_free(&b);
        return edx_resp_error(out, &e);
    }
    return send_buf(out, &b, "image/svg+xml; charset=utf-8");
}

extern const edx_route edx_reports_routes[];
const edx_route edx_reports_routes[] = {
    {"GET", "/api/v1/campaigns/{code}/dashboard", EDX_ROLES_ADMIN, 0, h_dashboard,
     "The campaign at a glance: coverage, reports, initiatives, review progress"},
    {"GET", "/api/v1/campaigns/{code}/reviews/{milestone}", EDX_ROLES_ADMIN, 0, h_review,
     "The review of a milestone (2027, 2030) per unit, province and type: JSON, CSV, XLSX, PDF"},
    {"GET", "/api/v1/campaigns/{code}/reviews/{milestone}/charts/{chart}", EDX_ROLES_ADMIN, 0,
     h_review_chart, "A chart of the review as SVG"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
