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

/* The review or one of its charts, in `format`; downloads get a file name. */
static int review(edx_req *r, edx_resp *out, const char *format, const char *part)
{
    edx_err e;
    edx_err_clear(&e);
    edx_arena *a = edx_req_arena(r);
    const char *code = edx_req_param(r, "code"), *ms = edx_req_param(r, "milestone"), *type;
    edx_buf b = EDX_BUF_INIT;
    int rc = edx_milestone_render(edx_req_db(r), a, edx_req_who(r), code, ms,
                                  edx_req_query(r, "unit"), format, part, &b, &type, &e);
    if (rc < 0) {
        edx_buf_free(&b);
        return edx_resp_error(out, &e);
    }
    if (strcmp(format, "json") != 0 && strcmp(format, "svg") != 0)
        edx_resp_header(out, "Content-Disposition",
                        disposition(a, code, ms, strcmp(format, "csv") == 0 ? part : NULL, format));
    return send_buf(out, &b, type);
}

static int h_review(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    const char *fmt = edx_req_query(r, "format"), *level = edx_req_query(r, "level");
    if (!fmt || !*fmt) fmt = "json";
    if (level && strcmp(fmt, "csv") != 0) {
        edx_err_invalid(&e, "level", "level applies to format=csv only (XLSX has every level)");
        return edx_resp_error(out, &e);
    }
    if (strcmp(fmt, "csv") == 0 && (!level || !*level)) level = "units";
    /* svg is the charts' route. */
    if (strcmp(fmt, "svg") == 0) fmt = "";
    return review(r, out, fmt, level && *level ? level : NULL);
}

static int h_review_chart(edx_req *r, edx_resp *out)
{
    const char *file = edx_req_param(r, "chart");
    size_t n = file ? strlen(file) : 0;
    char *name = n > 4 && strcmp(file + n - 4, ".svg") == 0
                     ? edx_arena_strndup(edx_req_arena(r), file, n - 4)
                     : "";
    return review(r, out, "svg", name ? name : "");
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
