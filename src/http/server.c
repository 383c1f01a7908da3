/*
 * server.c: libmicrohttpd integration: limits, authentication pipeline,
 * dispatch, static files, access log, graceful shutdown.
 *
 * libmicrohttpd can queue a response only before the body is read or after
 * all of it arrived. A body that grows past its limit (chunked, no
 * Content-Length) or a body that arrives too slowly is therefore answered by
 * writing the 413/408 reply straight to the socket and closing the
 * connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "crypto/crypto.h"
#include "credentials/credentials.h"
#include "http/http.h"
#include "json/json.h"

#define MAX_PARAMS 4
#define SESSION_COOKIE "edx_session"

struct edx_req {
    struct MHD_Connection *conn;
    edx_arena arena;
    const char *method, *url;
    size_t route_idx;
    const edx_route *route;
    const char *pname[MAX_PARAMS], *pval[MAX_PARAMS];
    int np;
    edx_buf body;
    size_t body_limit;
    int responded;
    int64_t start_ns;
    char id[40];
    char client[64];
    edx_principal who;
    const char *session_token;
    int status;
    size_t bytes;
    const char *raw_uri; /* as received, before percent-decoding */
    int started;
    edx_resp pending; /* an answer decided before the body: sent once the body is skipped */
    int has_pending;
    size_t skipped;   /* body bytes read and dropped while an answer is pending */
};

/* Body bytes we read and drop to answer politely before closing instead. */
#define SKIP_LIMIT (16u << 20)

/* ---- server state (one server per process) ----------------------------------------------- */

typedef struct static_file {
    const char *url; /* "/", "/js/app.js" */
    const edx_embed *file;
    const char *type;
    char etag[24];
} static_file;

static struct {
    const edx_server_cfg *cfg;
    uint8_t *secret; /* sodium-allocated, wiped at exit */
    uint8_t *master; /* seals issuer keys; NULL when no master key file */
    char public_url[512];
    edx_cred_env cred;
    const edx_route *routes;
    size_t nroutes;
    static_file *files;
    size_t nfiles;
    atomic_long inflight;
    atomic_int draining;
    atomic_ulong seq;
    char boot[8];
    pthread_mutex_t dbs_lock;
    edx_db **dbs;
    size_t ndbs, capdbs;
    int access_log;
} S;

static _Thread_local edx_db *tl_db;

/* The calling worker thread's store connection, opened on first use. */
static edx_db *thread_db(edx_err *err)
{
    if (tl_db) return tl_db;
    edx_db *db;
    if (edx_db_open(&db, S.cfg->db_url, err) < 0) return NULL;
    pthread_mutex_lock(&S.dbs_lock);
    if (S.ndbs == S.capdbs) {
        size_t cap = S.capdbs ? S.capdbs * 2 : 8;
        edx_db **v = realloc(S.dbs, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&S.dbs_lock);
            edx_db_close(db);
            edx_err_nomem(err);
            return NULL;
        }
        S.dbs = v;
        S.capdbs = cap;
    }
    S.dbs[S.ndbs++] = db;
    pthread_mutex_unlock(&S.dbs_lock);
    tl_db = db;
    return db;
}

void edx_server_cfg_default(edx_server_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->listen = "127.0.0.1:8080";
    c->access_log = "-";
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    c->threads = n > 0 && n < 64 ? (int)n : 2;
    c->max_body = 1 << 20;
    c->max_upload = 64 << 20;
    c->max_header = 16 << 10;
    c->idle_timeout = 30;
    c->request_timeout = 60;
    c->shutdown_grace = 30;
    c->max_connections = 4096;
    c->max_per_ip = 0;
    edx_auth_cfg_default(&c->auth);
}

/* ---- request accessors ------------------------------------------------------------------- */

edx_arena *edx_req_arena(edx_req *r)
{
    return &r->arena;
}

edx_db *edx_req_db(edx_req *r)
{
    (void)r;
    return tl_db;
}

const edx_principal *edx_req_who(edx_req *r)
{
    return &r->who;
}

const edx_server_cfg *edx_req_cfg(edx_req *r)
{
    (void)r;
    return S.cfg;
}

const edx_cred_env *edx_req_cred_env(edx_req *r)
{
    (void)r;
    return &S.cred;
}

const uint8_t *edx_req_secret(edx_req *r)
{
    (void)r;
    return S.secret;
}

const char *edx_req_param(edx_req *r, const char *name)
{
    for (int i = 0; i < r->np; i++)
        if (strcmp(r->pname[i], name) == 0) return r->pval[i];
    return NULL;
}

const char *edx_req_query(edx_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *edx_req_header(edx_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *edx_req_client(edx_req *r)
{
    return r->client;
}

const char *edx_req_session_token(edx_req *r)
{
    return r->session_token;
}

const char *edx_req_body(edx_req *r, size_t *len)
{
    *len = r->body.len;
    return r->body.data ? r->body.data : "";
}

int edx_req_json(edx_req *r, json_t **out, edx_err *err)
{
    const char *ct = edx_req_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
        (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' '))
        return edx_err_set(err, EDX_EINVAL, 415, "unsupported_media_type", "",
                           "send the body as application/json");
    size_t len;
    const char *b = edx_req_body(r, &len);
    return edx_json_parse_object(b, len, out, err);
}

int edx_req_query_int(edx_req *r, const char *name, int64_t min, int64_t max, int64_t *out,
                      edx_err *err)
{
    const char *v = edx_req_query(r, name);
    if (!v) return 0;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || errno || x < min || x > max)
        return edx_err_invalid(err, name, "%s must be a whole number from %lld to %lld", name,
                               (long long)min, (long long)max);
    *out = x;
    return 0;
}

int edx_resp_json(edx_resp *out, int status, json_t *body)
{
    out->status = status;
    out->json = body;
    return 0;
}

int edx_resp_error(edx_resp *out, const edx_err *err)
{
    out->status = err->status ? err->status : edx_err_status_for(err->rc);
    if (out->json) json_decref(out->json);
    out->json = edx_json_error(err);
    return 0;
}

int edx_req_param_id(edx_req *r, const char *name, const char *what, int64_t *out, edx_err *err)
{
    const char *s = edx_req_param(r, name);
    char *end;
    long long x = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || x <= 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", name, "%s %.20s not found", what,
                           s ? s : "");
    *out = x;
    return 0;
}

int edx_req_query_bool(edx_req *r, const char *name, int *out, edx_err *err)
{
    const char *v = edx_req_query(r, name);
    *out = -1;
    if (!v || !*v) return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) *out = 1;
    else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0) *out = 0;
    else return edx_err_invalid(err, name, "%s must be true or false (or 1, 0)", name);
    return 0;
}

int edx_resp_result(edx_resp *out, int rc, const edx_err *err, int status, json_t *body)
{
    if (rc < 0) {
        json_decref(body);
        return edx_resp_error(out, err);
    }
    return edx_resp_json(out, status, body ? body : json_object());
}

void edx_resp_header(edx_resp *out, const char *name, const char *value)
{
    if (out->nhdr >= 6) return;
    out->hdr_name[out->nhdr] = name;
    out->hdr_value[out->nhdr] = value;
    out->nhdr++;
}

static void resp_fail(edx_resp *out, int rc, int status, const char *code, const char *fmt,
                      const char *arg)
{
    edx_err e;
    edx_err_set(&e, rc, status, code, "", fmt, arg);
    edx_resp_error(out, &e);
}

/* ---- sending ------------------------------------------------------------------------------ */

static void common_headers(struct MHD_Response *mr, edx_req *r, int api, const edx_resp *resp)
{
    /* A handler that chose its own caching (status lists, DID documents) keeps it. */
    for (int i = 0; resp && i < resp->nhdr; i++)
        if (strcasecmp(resp->hdr_name[i], "Cache-Control") == 0) api = api ? 2 : 0;
    MHD_add_response_header(mr, "X-Request-Id", r->id);
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(mr, "X-Frame-Options", "DENY");
    if (api == 1) {
        MHD_add_response_header(mr, "Cache-Control", "no-store");
    } else if (!api) {
        MHD_add_response_header(mr, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self';"
                                " script-src 'self'; connect-src 'self'; frame-ancestors 'none';"
                                " base-uri 'none'; form-action 'self'");
    }
}

static enum MHD_Result send_resp(edx_req *r, edx_resp *resp, int api)
{
    struct MHD_Response *mr;
    const char *type = resp->content_type;
    if (resp->status == 0) {
        if (resp->json) json_decref(resp->json);
        resp->json = NULL;
        resp_fail(resp, EDX_EINTERNAL, 500, "internal", "%s", "internal error");
    }
    if (resp->status >= 500 && resp->json) {
        /* Store and system errors stay in the log; the client gets the request id to quote. */
        json_t *e = json_object_get(resp->json, "error");
        const char *msg = json_string_value(json_object_get(e, "message"));
        const char *code = json_string_value(json_object_get(e, "code"));
        if (msg && code && strcmp(code, "busy") != 0) {
            edx_log(EDX_LOG_ERROR, "http.error", "request %s: %s", r->id, msg);
            char *text = edx_arena_printf(&r->arena,
                                          "the server could not complete this request; quote"
                                          " request id %s to the administrators",
                                          r->id);
            if (text) json_object_set_new(e, "message", json_string(text));
            json_object_set_new(e, "field", json_string(""));
        }
    }
    if (resp->json) {
        size_t len;
        char *s = edx_json_dump(resp->json, &len);
        json_decref(resp->json);
        resp->json = NULL;
        if (!s) return MHD_NO;
        mr = MHD_create_response_from_buffer(len, s, MHD_RESPMEM_MUST_FREE);
        if (!mr) free(s);
        r->bytes = len;
        if (!type) type = "application/json";
    } else if (resp->static_body) {
        mr = MHD_create_response_from_buffer(resp->len, (void *)resp->static_body,
                                             MHD_RESPMEM_PERSISTENT);
        r->bytes = resp->len;
    } else {
        mr = MHD_create_response_from_buffer(resp->len, resp->body ? resp->body : (char *)"",
                                             resp->body ? MHD_RESPMEM_MUST_FREE
                                                        : MHD_RESPMEM_PERSISTENT);
        if (!mr) free(resp->body);
        r->bytes = resp->len;
    }
    resp->body = NULL;
    if (!mr) return MHD_NO;
    if (type) MHD_add_response_header(mr, "Content-Type", type);
    common_headers(mr, r, api, resp);
    for (int i = 0; i < resp->nhdr; i++)
        MHD_add_response_header(mr, resp->hdr_name[i], resp->hdr_value[i]);
    r->status = resp->status;
    r->responded = 1;
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)resp->status, mr);
    MHD_destroy_response(mr);
    return ok;
}

/*
 * Write an error answer on the socket itself and let the caller close the
 * connection: for a body that must be cut off midway (too slow, or too big to
 * skip), where libmicrohttpd can no longer queue a response. `resp` is an
 * edx_resp holding a JSON error; it is consumed.
 */
static void raw_reply(edx_req *r, edx_resp *resp)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    size_t bl = 0;
    char *body = resp->json ? edx_json_dump(resp->json, &bl) : NULL;
    json_decref(resp->json);
    resp->json = NULL;
    r->status = resp->status;
    r->responded = 1;
    r->bytes = bl;
    if (ci && body) {
        char head[400];
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                          "Connection: close\r\nCache-Control: no-store\r\nX-Request-Id: %s\r\n"
                          "Content-Length: %zu\r\n\r\n",
                          resp->status, MHD_get_reason_phrase_for((unsigned)resp->status), r->id,
                          bl);
        (void)!send(ci->connect_fd, head, (size_t)hl, MSG_NOSIGNAL | MSG_DONTWAIT | MSG_MORE);
        (void)!send(ci->connect_fd, body, bl, MSG_NOSIGNAL | MSG_DONTWAIT);
        shutdown(ci->connect_fd, SHUT_WR);
    }
    free(body);
}

/* ---- static files -------------------------------------------------------------------------- */

static const char *mime(const char *name)
{
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"},   {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".svg", "image/svg+xml"},                {".png", "image/png"},
        {".ico", "image/x-icon"},                 {".webmanifest", "application/manifest+json"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(dot, map[i][0]) == 0) return map[i][1];
    return "application/octet-stream";
}

static int load_static(void)
{
    size_t n;
    const edx_embed *t = edx_embed_all(&n);
    S.files = calloc(n + 1, sizeof *S.files);
    if (!S.files) return -1;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(t[i].name, "web/", 4) != 0) continue;
        static_file *f = &S.files[S.nfiles++];
        f->url = t[i].name + 3; /* "/index.html" */
        f->file = &t[i];
        f->type = mime(t[i].name);
        char h[EDX_SHA256_HEX];
        edx_sha256_hex(t[i].data, t[i].len, h);
        snprintf(f->etag, sizeof f->etag, "\"%.16s\"", h);
    }
    return 0;
}

static const static_file *find_static(const char *url)
{
    char page[128];
    if (strcmp(url, "/") == 0) url = "/index.html";
    for (size_t i = 0; i < S.nfiles; i++)
        if (strcmp(S.files[i].url, url) == 0) return &S.files[i];
    /* Pages without their extension: /verify is /verify.html. */
    if (!strchr(url + 1, '/') && !strchr(url, '.') && strlen(url) < sizeof page - 6) {
        snprintf(page, sizeof page, "%s.html", url);
        for (size_t i = 0; i < S.nfiles; i++)
            if (strcmp(S.files[i].url, page) == 0) return &S.files[i];
    }
    return NULL;
}

static void serve_static(edx_req *r, edx_resp *out)
{
    const static_file *f = find_static(r->url);
    if (!f) {
        resp_fail(out, EDX_ENOTFOUND, 404, "not_found", "nothing at %s", "this address");
        return;
    }
    const char *inm = edx_req_header(r, "If-None-Match");
    edx_resp_header(out, "ETag", f->etag);
    edx_resp_header(out, "Cache-Control", "no-cache");
    if (inm && strstr(inm, f->etag)) {
        out->status = 304;
        out->static_body = (const unsigned char *)"";
        out->len = 0;
        return;
    }
    out->status = 200;
    out->static_body = f->file->data;
    out->len = f->file->len;
    out->content_type = f->type;
}

/* ---- routing -------------------------------------------------------------------------------- */

/* Does `url` match `pattern`? Fills path parameters into r. */
static int match(edx_req *r, const char *pattern, const char *url)
{
    const char *p = pattern, *u = url;
    int np = 0;
    while (*p && *u) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *ue = u;
            while (*ue && *ue != '/') ue++;
            if (!pe || ue == u || np == MAX_PARAMS) return 0;
            r->pname[np] = edx_arena_strndup(&r->arena, p + 1, (size_t)(pe - p - 1));
            r->pval[np] = edx_arena_strndup(&r->arena, u, (size_t)(ue - u));
            if (!r->pname[np] || !r->pval[np]) return 0;
            np++;
            p = pe + 1;
            u = ue;
            continue;
        }
        if (*p != *u) return 0;
        p++;
        u++;
    }
    if (*p || *u) return 0;
    r->np = np;
    return 1;
}

/* 1 if some route has this path under another method (for 405). */
static int route_lookup(edx_req *r, const char *method, int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < S.nroutes; i++) {
        if (!match(r, S.routes[i].pattern, r->url)) continue;
        const char *m = method;
        if (strcmp(m, "HEAD") == 0) m = "GET";
        if (strcmp(S.routes[i].method, m) == 0) {
            r->route = &S.routes[i];
            r->route_idx = i;
            return 1;
        }
        *path_known = 1;
    }
    r->np = 0;
    return 0;
}

static int bad_path(const char *url)
{
    if (url[0] != '/') return 1;
    for (const char *p = url; *p; p++) {
        if (*p == '\\') return 1;
        if ((unsigned char)*p < 0x20 || *p == 0x7F) return 1;
        if (*p == '/' && p[1] == '.' && (p[2] == '/' || p[2] == '\0')) return 1;
        if (*p == '/' && p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0')) return 1;
        if (*p == '/' && p[1] == '/') return 1;
    }
    return !edx_utf8_valid(url, strlen(url));
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    int *ok = cls;
    const char *parts[2] = {key, value};
    for (int i = 0; i < 2; i++) {
        const char *v = parts[i];
        if (!v) continue;
        if (!edx_utf8_valid(v, strlen(v))) *ok = 0;
        for (const unsigned char *c = (const unsigned char *)v; *c; c++)
            if (*c < 0x20 || *c == 0x7F) *ok = 0;
    }
    return *ok ? MHD_YES : MHD_NO;
}

/* Every query parameter is valid UTF-8 text, so handlers and the store never see bad bytes. */
static int query_ok(edx_req *r)
{
    int ok = 1;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &ok);
    return ok;
}

/* ---- authentication pipeline ---------------------------------------------------------------- */

static int unsafe_method(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* When the browser names an Origin on a write, it must be this server's. */
static int origin_ok(edx_req *r)
{
    const char *origin = edx_req_header(r, "Origin");
    if (!origin) return 1;
    const char *host = edx_req_header(r, "Host");
    const char *o = strstr(origin, "://");
    if (!o) return 0;
    o += 3;
    if (S.cfg->public_url) {
        const char *pu = strstr(S.cfg->public_url, "://");
        if (pu) {
            pu += 3;
            size_t n = strcspn(pu, "/");
            if (strlen(o) == n && strncmp(o, pu, n) == 0) return 1;
        }
    }
    return host && strcmp(o, host) == 0;
}

/* Authenticate and authorise; 1 when `out` holds a refusal. */
static int authorise(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    const edx_route *rt = r->route;
    edx_principal_public(&r->who);
    /* Routes open to anyone ignore credentials: a probe with a stale token still works. */
    if (rt->roles & EDX_ROLE_BIT(EDX_ROLE_PUBLIC)) return 0;
    const char *authz = edx_req_header(r, "Authorization");
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    int needs_db = authz || cookie;
    edx_db *db = needs_db ? thread_db(&e) : NULL;
    if (needs_db && !db) {
        edx_resp_error(out, &e);
        return 1;
    }
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0) {
            resp_fail(out, EDX_EAUTH, 401, "invalid_token", "%s",
                      "use Authorization: Bearer <token>");
            edx_resp_header(out, "WWW-Authenticate", "Bearer");
            return 1;
        }
        if (edx_token_auth(db, &r->arena, authz + 7, &r->who, &e) < 0) {
            edx_resp_error(out, &e);
            edx_resp_header(out, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return 1;
        }
    } else if (cookie) {
        if (edx_session_auth(db, &r->arena, &S.cfg->auth, cookie, &r->who, &e) < 0) {
            if (e.rc != EDX_EAUTH) {
                edx_resp_error(out, &e);
                return 1;
            }
            edx_principal_public(&r->who); /* a stale cookie is simply no session */
        } else {
            r->session_token = cookie;
        }
    }
    if (!(rt->roles & EDX_ROLE_BIT(r->who.role))) {
        if (r->who.role == EDX_ROLE_PUBLIC)
            resp_fail(out, EDX_EAUTH, 401, "unauthenticated", "%s", "please sign in");
        else
            resp_fail(out, EDX_EPERM, 403, "forbidden", "a %s may not do this",
                      edx_role_name(r->who.role));
        return 1;
    }
    if (unsafe_method(r->method)) {
        if (r->who.via == EDX_AUTH_TOKEN && !r->who.token_write) {
            resp_fail(out, EDX_EPERM, 403, "read_only_token", "%s",
                      "this API token has read scope only");
            return 1;
        }
        if (!origin_ok(r)) {
            resp_fail(out, EDX_EPERM, 403, "bad_origin", "%s",
                      "the request came from another site");
            return 1;
        }
        if (r->who.via == EDX_AUTH_SESSION && !(rt->flags & EDX_RT_CSRF_EXEMPT)) {
            const char *sent = edx_req_header(r, "X-CSRF-Token");
            char want[EDX_TOKEN_CHARS];
            edx_session_csrf(r->session_token, want);
            if (!sent || strlen(sent) != strlen(want) || !edx_ct_equal(sent, want, strlen(want))) {
                resp_fail(out, EDX_EPERM, 403, "csrf_failed", "%s",
                          "missing or wrong X-CSRF-Token header");
                return 1;
            }
        }
    }
    return 0;
}

/* ---- request life cycle ------------------------------------------------------------------- */

static void new_id(edx_req *r)
{
    const char *given = edx_req_header(r, "X-Request-Id");
    if (given) {
        size_t n = strlen(given);
        int ok = n > 0 && n < sizeof r->id;
        for (size_t i = 0; ok && i < n; i++) {
            char c = given[i];
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
        }
        if (ok) {
            memcpy(r->id, given, n + 1);
            return;
        }
    }
    snprintf(r->id, sizeof r->id, "%s-%06lx", S.boot, (unsigned long)atomic_fetch_add(&S.seq, 1));
}

static void client_addr(edx_req *r)
{
    snprintf(r->client, sizeof r->client, "?");
    if (S.cfg->trust_proxy) {
        const char *xff = edx_req_header(r, "X-Forwarded-For");
        if (xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ') last++;
            snprintf(r->client, sizeof r->client, "%s", last);
            return;
        }
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->client, sizeof r->client);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->client,
                  sizeof r->client);
}

/* First call: everything known from the headers. 1 when `out` holds the answer already. */
static int begin(edx_req *r, edx_resp *out)
{
    /* libmicrohttpd answers headers beyond its memory pool itself (HTML); those between our
     * limit and the pool's size get a proper JSON 431 here. */
    const union MHD_ConnectionInfo *hs =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (hs && hs->header_size > S.cfg->max_header) {
        char *msg = edx_arena_printf(&r->arena, "the request headers are larger than %zu bytes",
                                     S.cfg->max_header);
        resp_fail(out, EDX_ELIMIT, 431, "headers_too_large", "%s", msg ? msg : "headers too large");
        edx_resp_header(out, "Connection", "close");
        return 1;
    }
    /* An encoded NUL ends a decoded path or value early: refuse what decoding would hide. */
    const char *q = r->raw_uri ? strchr(r->raw_uri, '?') : NULL;
    size_t ulen = r->raw_uri ? strlen(r->raw_uri) : 0;
    for (size_t i = 0; i + 2 < ulen; i++)
        if (r->raw_uri[i] == '%' && r->raw_uri[i + 1] == '0' && r->raw_uri[i + 2] == '0') {
            int in_query = q && r->raw_uri + i > q;
            resp_fail(out, EDX_EINVAL, 400, in_query ? "invalid_query" : "invalid_path", "%s",
                      in_query ? "the query string contains a NUL byte"
                               : "the path contains a NUL byte");
            return 1;
        }
    if (!query_ok(r)) {
        resp_fail(out, EDX_EINVAL, 400, "invalid_query", "%s",
                  "the query string is not valid UTF-8 or has control characters");
        return 1;
    }
    if (bad_path(r->url)) {
        resp_fail(out, EDX_EINVAL, 400, "invalid_path", "%s",
                  "the path is not allowed (dot segments, back slashes or control characters)");
        return 1;
    }
    int path_known;
    if (!route_lookup(r, r->method, &path_known)) {
        r->route_idx = S.nroutes + 1; /* unmatched */
        if (path_known) {
            resp_fail(out, EDX_EINVAL, 405, "method_not_allowed", "%s not allowed here",
                      r->method);
            return 1;
        }
        if ((strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) &&
            strncmp(r->url, "/api/", 5) != 0) {
            r->route_idx = S.nroutes; /* static */
            serve_static(r, out);
            return 1;
        }
        resp_fail(out, EDX_ENOTFOUND, 404, "not_found", "no such endpoint: %s", r->url);
        return 1;
    }
    if (authorise(r, out)) return 1;
    r->body_limit = (r->route->flags & EDX_RT_UPLOAD) ? S.cfg->max_upload : S.cfg->max_body;
    const char *cl = edx_req_header(r, "Content-Length");
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || *end || n > r->body_limit) {
            char *msg = edx_arena_printf(&r->arena, "the body is larger than %zu bytes",
                                         r->body_limit);
            resp_fail(out, EDX_ELIMIT, 413, "payload_too_large", "%s", msg ? msg : "too large");
            return 1;
        }
        /* One buffer of the declared size: no reallocations leave copies of secrets behind. */
        if (n && edx_buf_reserve(&r->body, (size_t)n)) {
            resp_fail(out, EDX_ENOMEM, 503, "out_of_memory", "%s", "out of memory");
            return 1;
        }
    }
    return 0;
}

static int timed_out(edx_req *r)
{
    return S.cfg->request_timeout > 0 &&
           edx_mono_ns() - r->start_ns > (int64_t)S.cfg->request_timeout * 1000000000LL;
}

static void dispatch(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    if (!thread_db(&e)) {
        edx_resp_error(out, &e);
        return;
    }
    r->route->handler(r, out);
    if (tl_db && edx_db_in_tx(tl_db)) {
        edx_log(EDX_LOG_ERROR, "http.open_tx", "handler of %s left a transaction open",
                r->route->pattern);
        edx_db_rollback(tl_db);
    }
}

/* Called when the request line has arrived: the request object starts here. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    edx_req *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    atomic_fetch_add(&S.inflight, 1);
    edx_arena_init(&r->arena, 4096);
    r->conn = c;
    r->start_ns = edx_mono_ns();
    r->route_idx = S.nroutes + 1;
    r->raw_uri = edx_arena_strdup(&r->arena, uri ? uri : "");
    return r;
}

static int is_api(const char *url)
{
    return strncmp(url, "/api/", 5) == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    edx_req *r = *con_cls;
    edx_resp out;
    memset(&out, 0, sizeof out);
    if (!r) return MHD_NO;
    if (!r->started) {
        r->started = 1;
        r->conn = c;
        r->url = url;
        r->method = method;
        new_id(r);
        client_addr(r);
        if (begin(r, &out)) {
            /* Answer after the body (skipped) so the connection can stay open, unless the
             * declared body is too big to be worth reading. */
            const char *cl = edx_req_header(r, "Content-Length");
            const char *expect = edx_req_header(r, "Expect");
            unsigned long long n = cl ? strtoull(cl, NULL, 10) : 0;
            /* A client waiting for "100 Continue" has sent no body yet: answer at once. */
            if (n > SKIP_LIMIT || (expect && strcasecmp(expect, "100-continue") == 0))
                return send_resp(r, &out, is_api(url) || out.json);
            r->pending = out;
            r->has_pending = 1;
        }
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->responded) return MHD_YES;
        if (r->has_pending) {
            r->skipped += n;
            if (r->skipped <= SKIP_LIMIT && !timed_out(r)) return MHD_YES;
            r->has_pending = 0;
            raw_reply(r, &r->pending); /* the answer already decided, then close */
            return MHD_NO;
        }
        if (timed_out(r)) {
            resp_fail(&out, EDX_ELIMIT, 408, "request_timeout", "%s",
                      "the request body arrived too slowly");
            raw_reply(r, &out);
            return MHD_NO;
        }
        if (r->body.len + n > r->body_limit) {
            /* Streamed past the limit: drop what came and skip the rest, then answer. */
            char *msg = edx_arena_printf(&r->arena, "the body is larger than %zu bytes",
                                         r->body_limit);
            resp_fail(&r->pending, EDX_ELIMIT, 413, "payload_too_large", "%s",
                      msg ? msg : "too large");
            r->has_pending = 1;
            r->skipped = r->body.len + n;
            edx_buf_free(&r->body);
            return MHD_YES;
        }
        if (edx_buf_append(&r->body, upload_data, n)) return MHD_NO;
        return MHD_YES;
    }
    if (r->responded) return MHD_YES;
    if (r->has_pending) {
        r->has_pending = 0;
        return send_resp(r, &r->pending, is_api(url) || r->pending.json);
    }
    if (timed_out(r)) {
        resp_fail(&out, EDX_ELIMIT, 408, "request_timeout", "%s",
                  "the request body arrived too slowly");
        edx_resp_header(&out, "Connection", "close");
    } else {
        dispatch(r, &out);
    }
    return send_resp(r, &out, 1);
}

static void access_log(edx_req *r, int64_t ns)
{
    char ts[32];
    edx_time_iso_ms(edx_now_ms(), ts);
    edx_buf b = EDX_BUF_INIT;
    edx_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"info\",\"event\":\"http\",\"id\":\"%s\",", ts,
                   r->id);
    edx_buf_puts(&b, "\"method\":\"");
    edx_buf_json_escape(&b, r->method ? r->method : "");
    edx_buf_puts(&b, "\",\"path\":\"");
    /* Paths are valid UTF-8 here or the request was refused before routing. */
    edx_buf_json_escape(&b, r->url && edx_utf8_valid(r->url, strlen(r->url)) ? r->url : "?");
    edx_buf_printf(&b, "\",\"route\":\"%s\",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"client\":\"",
                   r->route ? r->route->pattern : r->route_idx == S.nroutes ? "static" : "-",
                   r->status, r->bytes, (double)ns / 1e6);
    edx_buf_json_escape(&b, r->client);
    edx_buf_puts(&b, "\",\"actor\":\"");
    edx_buf_json_escape(&b, r->who.actor[0] ? r->who.actor : "public");
    edx_buf_puts(&b, "\"}");
    if (!b.oom) edx_log_line(b.data, b.len);
    edx_buf_free(&b);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    edx_req *r = *con_cls;
    if (!r) return;
    *con_cls = NULL;
    int64_t ns = edx_mono_ns() - r->start_ns;
    if (!r->status) r->status = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 499;
    if (r->has_pending) json_decref(r->pending.json);
    edx_metrics_observe(r->route_idx, r->status, ns);
    if (S.access_log) access_log(r, ns);
    /* Bodies carry passwords and ID numbers: wipe before the memory is reused. */
    if (r->body.data) edx_wipe(r->body.data, r->body.cap);
    edx_buf_free(&r->body);
    edx_arena_free(&r->arena);
    free(r);
    atomic_fetch_sub(&S.inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = '\0';
    edx_log(EDX_LOG_WARN, "http.mhd", "%s", msg);
}

/* ---- built-in routes: health, readiness, metrics, OpenAPI ----------------------------------- */

int edx_http_healthz(edx_req *r, edx_resp *out);
int edx_http_readyz(edx_req *r, edx_resp *out);
int edx_http_metrics(edx_req *r, edx_resp *out);
int edx_http_openapi(edx_req *r, edx_resp *out);

int edx_http_healthz(edx_req *r, edx_resp *out)
{
    (void)r;
    static const char ok[] = "{\"status\":\"ok\"}";
    out->status = 200;
    out->static_body = (const unsigned char *)ok;
    out->len = sizeof ok - 1;
    out->content_type = "application/json";
    return 0;
}

int edx_http_readyz(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    if (atomic_load(&S.draining))
        return edx_resp_json(out, 503, json_pack("{s:s}", "status", "draining"));
    if (edx_db_ping(edx_req_db(r), &e) < 0) {
        edx_log(EDX_LOG_ERROR, "http.readyz", "store unreachable: %s", e.message);
        return edx_resp_json(out, 503, json_pack("{s:s,s:s}", "status", "unavailable", "reason",
                                                 "the store is unreachable"));
    }
    return edx_resp_json(out, 200, json_pack("{s:s}", "status", "ready"));
}

int edx_http_metrics(edx_req *r, edx_resp *out)
{
    (void)r;
    edx_buf b = EDX_BUF_INIT;
    edx_metrics_render(&b, S.routes, S.nroutes);
    edx_buf_printf(&b, "# HELP edx_http_inflight_requests Requests being served.\n"
                       "# TYPE edx_http_inflight_requests gauge\nedx_http_inflight_requests %ld\n",
                   (long)atomic_load(&S.inflight));
    if (b.oom) {
        edx_buf_free(&b);
        edx_err e;
        edx_err_nomem(&e);
        return edx_resp_error(out, &e);
    }
    out->status = 200;
    out->body = edx_buf_steal(&b, &out->len);
    out->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}

int edx_http_openapi(edx_req *r, edx_resp *out)
{
    (void)r;
    const edx_embed *f = edx_embed_find("openapi.json");
    if (!f) {
        resp_fail(out, EDX_ENOTFOUND, 404, "not_found", "%s", "no OpenAPI document built in");
        return 0;
    }
    out->status = 200;
    out->static_body = f->data;
    out->len = f->len;
    out->content_type = "application/json";
    return 0;
}

/* ---- start and stop -------------------------------------------------------------------------- */

/* Per-connection memory of libmicrohttpd: room for headers of twice our limit, so most
 * oversized requests reach begin() and get a JSON 431 rather than the library's page. */
static size_t pool_size(size_t max_header)
{
    size_t n = max_header * 2;
    return n < 32768 ? 32768 : n;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
                        int *v6)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen) return -1;
    size_t hl = (size_t)(colon - listen);
    if (hl >= sizeof host) return -1;
    memcpy(host, listen, hl);
    host[hl] = '\0';
    char *h = host;
    if (h[0] == '[' && hl > 2 && h[hl - 1] == ']') {
        h[hl - 1] = '\0';
        h++;
    }
    struct addrinfo hints = {0}, *res;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if (getaddrinfo(h, colon + 1, &hints, &res) != 0) return -1;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

int edx_serve(const edx_server_cfg *cfg)
{
    int rc = 1;
    struct MHD_Daemon *d = NULL;
    edx_err e;
    edx_err_clear(&e);
    memset(&S, 0, sizeof S);
    S.cfg = cfg;
    pthread_mutex_init(&S.dbs_lock, NULL);
    S.routes = edx_routes(&S.nroutes);
    S.access_log = cfg->access_log && strcmp(cfg->access_log, "off") != 0;
    uint8_t b[3];
    edx_random(b, sizeof b);
    edx_hex(b, sizeof b, S.boot);

    char why[160];
    S.secret = edx_secret_alloc(EDX_SECRET_BYTES);
    if (!S.secret) {
        fprintf(stderr, "edudx serve: out of memory\n");
        goto done;
    }
    if (edx_secret_load(cfg->secret_file, 0, S.secret, why) != 0) {
        fprintf(stderr, "edudx serve: %s (run edudx init first)\n", why);
        goto done;
    }
    edx_db *db;
    int applied = 0;
    if (edx_db_open(&db, cfg->db_url, &e) < 0) {
        fprintf(stderr, "edudx serve: %s\n", e.message);
        goto done;
    }
    if (edx_db_migrate(db, &applied, &e) < 0) {
        fprintf(stderr, "edudx serve: %s\n", e.message);
        edx_db_close(db);
        goto done;
    }
    /* Credentials carry links to this deployment: one public URL, kept in the store. */
    if (cfg->public_url) {
        snprintf(S.public_url, sizeof S.public_url, "%s", cfg->public_url);
        size_t pl = strlen(S.public_url);
        while (pl > 0 && S.public_url[pl - 1] == '/') S.public_url[--pl] = '\0';
        if (edx_db_setting_put(db, "public_url", S.public_url, &e) < 0) {
            fprintf(stderr, "edudx serve: %s\n", e.message);
            edx_db_close(db);
            goto done;
        }
    } else if (edx_db_setting_get(db, "public_url", S.public_url, sizeof S.public_url, &e) <= 0) {
        snprintf(S.public_url, sizeof S.public_url, "http://%s", cfg->listen);
    }
    edx_db_close(db);
    if (applied) edx_log(EDX_LOG_INFO, "db.migrate", "applied %d migration(s)", applied);
    S.master = edx_secret_alloc(EDX_SECRET_BYTES);
    if (!S.master) goto done;
    if (!cfg->master_key_file || edx_secret_load(cfg->master_key_file, 0, S.master, why) != 0) {
        edx_log(EDX_LOG_WARN, "credentials.no_master_key",
                "no master key file: credentials cannot be issued or revoked by this server");
        edx_secret_free(S.master);
        S.master = NULL;
    }
    S.cred.public_url = S.public_url;
    S.cred.master_key = S.master;
    S.cred.nid_key = S.secret;
    S.cred.threads = 1; /* a request signs on its own worker thread */
    if (load_static()) goto done;
    edx_metrics_init(S.nroutes + 2);

    struct sockaddr_storage ss;
    socklen_t sslen;
    int v6 = 0;
    if (parse_listen(cfg->listen, &ss, &sslen, &v6)) {
        fprintf(stderr, "edudx serve: cannot use --listen %s (want HOST:PORT)\n", cfg->listen);
        goto done;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* worker threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     (v6 ? MHD_USE_IPv6 : 0);
    d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 1),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool_size(cfg->max_header), MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)cfg->max_per_ip, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "edudx serve: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
        goto done;
    }
    edx_log(EDX_LOG_INFO, "http.start", "listening on %s with %d threads", cfg->listen,
            cfg->threads);
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {}
    /* Drain: refuse new connections, let requests in flight finish, then stop. */
    atomic_store(&S.draining, 1);
    edx_log(EDX_LOG_INFO, "http.drain", "signal %d: finishing %ld request(s) in flight", sig,
            (long)atomic_load(&S.inflight));
    /* Keep accepting for a moment while /readyz says 503, so load balancers move away first. */
    if (cfg->drain_delay > 0) {
        struct timespec dl = {cfg->drain_delay, 0};
        nanosleep(&dl, NULL);
    }
    MHD_socket ls = MHD_quiesce_daemon(d);
    if (ls != MHD_INVALID_SOCKET) close(ls);
    int64_t until = edx_mono_ns() + (int64_t)cfg->shutdown_grace * 1000000000LL;
    while (atomic_load(&S.inflight) > 0 && edx_mono_ns() < until) {
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    d = NULL;
    edx_log(EDX_LOG_INFO, "http.stop", "stopped");
    rc = 0;
done:
    if (d) MHD_stop_daemon(d);
    for (size_t i = 0; i < S.ndbs; i++) edx_db_close(S.dbs[i]);
    free(S.dbs);
    free(S.files);
    edx_metrics_free();
    edx_secret_free(S.secret);
    edx_secret_free(S.master);
    pthread_mutex_destroy(&S.dbs_lock);
    return rc;
}
