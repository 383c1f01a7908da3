/*
 * http.h: the HTTP server (libmicrohttpd, epoll, a thread pool with one
 * store connection per worker thread), its router and the request/response
 * API that route handlers use.
 *
 * A request goes: limits → route match → authentication (bearer token or
 * session cookie) → the route's roles → token scope → CSRF for cookie writes →
 * body (bounded) → handler. Handlers parse, call a domain function and fill an
 * edx_resp; they hold no logic of their own. Each request owns an arena
 * released when the request completes.
 */
#ifndef EDX_HTTP_H
#define EDX_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "registry/registry.h"
#include "store/db.h"

typedef struct edx_server_cfg {
    const char *listen;      /* "127.0.0.1:8080" */
    const char *db_url;
    const char *secret_file;
    const char *master_key_file; /* seals issuer keys; absent: credentials cannot be signed */
    const char *evidence_dir;    /* evidence files by SHA-256 (must be shared by all servers) */
    const char *public_url;  /* https://… makes cookies Secure */
    const char *access_log;  /* path, "-" (stderr) or "off" */
    int threads;             /* worker threads (default: number of cores) */
    size_t max_body;         /* JSON bodies, bytes */
    size_t max_upload;       /* CSV and other uploads, bytes */
    size_t max_header;       /* request line + headers, bytes */
    int idle_timeout;        /* seconds a connection may stay silent */
    int request_timeout;     /* seconds a request body may take */
    int shutdown_grace;      /* seconds in-flight requests get on SIGTERM */
    int drain_delay;         /* seconds /readyz answers 503 before the listener closes */
    int max_connections;
    int max_per_ip;
    int trust_proxy;         /* take the client address from X-Forwarded-For */
    edx_auth_cfg auth;
} edx_server_cfg;

void edx_server_cfg_default(edx_server_cfg *c);

/* Run until SIGTERM/SIGINT, then drain and stop. Returns a process exit code. */
int edx_serve(const edx_server_cfg *cfg);

/* ---- for route handlers ------------------------------------------------------------------- */

typedef struct edx_req edx_req;

typedef struct edx_resp {
    int status;
    json_t *json;              /* sent as application/json (owned, freed after sending) */
    char *body;                /* or raw bytes (malloc'd, freed after sending) */
    size_t len;
    const unsigned char *static_body; /* or bytes that outlive the server */
    const char *content_type;
    const char *hdr_name[6], *hdr_value[6]; /* extra headers (strings in the request arena) */
    int nhdr;
} edx_resp;

enum {
    EDX_RT_CSRF_EXEMPT = 1, /* sign-in: no session yet */
    EDX_RT_UPLOAD = 2,      /* body limit is max_upload rather than max_body */
};

typedef struct edx_route {
    const char *method;
    const char *pattern;   /* "/api/v1/units/{code}"; {x} matches one path segment */
    unsigned roles;        /* EDX_ROLE_BIT()s that may call it; PUBLIC means anyone */
    int flags;
    int (*handler)(edx_req *r, edx_resp *out);
    const char *summary;
} edx_route;

/* Every route of the server, ending with a zeroed entry. */
const edx_route *edx_routes(size_t *n);

/* Accessors. Strings live until the request completes. */
edx_arena *edx_req_arena(edx_req *r);
edx_db *edx_req_db(edx_req *r);
const edx_principal *edx_req_who(edx_req *r);
const edx_server_cfg *edx_req_cfg(edx_req *r);
const uint8_t *edx_req_secret(edx_req *r);
struct edx_cred_env;
/* The deployment as the credentials module sees it (public URL, keys). */
const struct edx_cred_env *edx_req_cred_env(edx_req *r);
const char *edx_req_param(edx_req *r, const char *name);     /* from the path pattern */
const char *edx_req_query(edx_req *r, const char *name);     /* query string, decoded */
const char *edx_req_header(edx_req *r, const char *name);
const char *edx_req_client(edx_req *r);
const char *edx_req_session_token(edx_req *r);
const char *edx_req_body(edx_req *r, size_t *len);

/* Parse the body as a JSON object (415 unless Content-Type is JSON). */
int edx_req_json(edx_req *r, json_t **out, edx_err *err);

/* Integer query parameter within [min,max]; absent leaves *out. */
int edx_req_query_int(edx_req *r, const char *name, int64_t min, int64_t max, int64_t *out,
                      edx_err *err);

/* Path parameter `name` as a positive integer; anything else is 404 "<what> not found". */
int edx_req_param_id(edx_req *r, const char *name, const char *what, int64_t *out, edx_err *err);
/* Query parameter `name` as a yes/no: 1 (true, 1), 0 (false, 0), -1 when absent or empty;
 * anything else is 400 naming it. */
int edx_req_query_bool(edx_req *r, const char *name, int *out, edx_err *err);

/* Fill `out` with a JSON body and status. Takes ownership of `body`. */
int edx_resp_json(edx_resp *out, int status, json_t *body);
/* Fill `out` with the error body for `err` (status from err). */
int edx_resp_error(edx_resp *out, const edx_err *err);
/*
 * The usual end of a handler: rc < 0 answers with `err` (and drops `body`);
 * otherwise `body` (an empty object when NULL) with `status`. Takes `body`.
 */
int edx_resp_result(edx_resp *out, int rc, const edx_err *err, int status, json_t *body);
/* Add a header; name and value must outlive the request (arena or static). */
void edx_resp_header(edx_resp *out, const char *name, const char *value);

/* Metrics (metrics.c). */
void edx_metrics_init(size_t nroutes);
void edx_metrics_observe(size_t route, int status, int64_t ns);
void edx_metrics_render(edx_buf *out, const edx_route *routes, size_t nroutes);
void edx_metrics_free(void);

#endif
