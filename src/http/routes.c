/* routes.c: the server's route table: built-in endpoints plus each domain's routes. */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int edx_http_healthz(edx_req *r, edx_resp *out);
int edx_http_readyz(edx_req *r, edx_resp *out);
int edx_http_metrics(edx_req *r, edx_resp *out);
int edx_http_openapi(edx_req *r, edx_resp *out);

extern const edx_route edx_registry_routes[];
extern const edx_route edx_audit_routes[];
extern const edx_route edx_credential_routes[];
extern const edx_route edx_movement_routes[];
extern const edx_route edx_review_routes[];
extern const edx_route edx_reports_routes[];
extern const edx_route edx_awards_routes[];

static const edx_route builtin[] = {
    {"GET", "/healthz", EDX_ROLES_ALL, 0, edx_http_healthz, "Liveness"},
    {"GET", "/readyz", EDX_ROLES_ALL, 0, edx_http_readyz, "Readiness (store reachable)"},
    {"GET", "/metrics", EDX_ROLES_ALL, 0, edx_http_metrics, "Prometheus metrics"},
    {"GET", "/api/v1/openapi.json", EDX_ROLES_ALL, 0, edx_http_openapi, "This API's OpenAPI 3.1 document"},
    {NULL, NULL, 0, 0, NULL, NULL},
};

static const edx_route *const tables[] = {builtin, edx_registry_routes, edx_audit_routes,
                                          edx_credential_routes, edx_movement_routes,
                                          edx_review_routes, edx_reports_routes,
                                          edx_awards_routes};

#define MAX_ROUTES 256
static edx_route all[MAX_ROUTES + 1];
static size_t nall;

const edx_route *edx_routes(size_t *n)
{
    if (!nall) {
        for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
            for (const edx_route *r = tables[t]; r->method && nall < MAX_ROUTES; r++)
                all[nall++] = *r;
    }
    *n = nall;
    return all;
}
