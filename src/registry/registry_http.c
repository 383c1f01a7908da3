/*
 * registry_http.c: HTTP routes of the registry: session (sign in/out), units,
 * provinces, people, users and API tokens. Each handler parses the request,
 * calls one registry function and shapes the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "crypto/crypto.h"
#include "http/http.h"
#include "json/json.h"
#include "registry/registry.h"

/* Members that carry secrets, wiped before a request body is released. */
static const char *const secrets[] = {"password", "current_password", "national_id", NULL};

/* ---- session ---------------------------------------------------------------------------- */

static const char *const login_fields[] = {"username", "password", NULL};

static int session_cookie(edx_req *r, edx_resp *out, const char *token, int64_t max_age)
{
    const edx_server_cfg *cfg = edx_req_cfg(r);
    int secure = cfg->public_url && strncmp(cfg->public_url, "https://", 8) == 0;
    char *c = edx_arena_printf(edx_req_arena(r),
                               "edx_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
                               token, (long long)max_age, secure ? "; Secure" : "");
    if (c) edx_resp_header(out, "Set-Cookie", c);
    return c ? 0 : -1;
}

static int h_login(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL;
    const char *user = NULL, *pw = NULL;
    int rc;
    if ((rc = edx_req_json(r, &body, &e)) < 0 || (rc = edx_json_only(body, login_fields, &e)) < 0 ||
        (rc = edx_json_get_str(body, "username", 1, &user, &e)) < 0 ||
        (rc = edx_json_get_str(body, "password", 1, &pw, &e)) < 0) {
        edx_json_free_secrets(body, secrets);
        return edx_resp_error(out, &e);
    }
    edx_login_result res;
    rc = edx_login(edx_req_db(r), edx_req_arena(r), &edx_req_cfg(r)->auth, user, pw,
                   edx_req_client(r), edx_req_header(r, "User-Agent"), &res, &e);
    edx_json_free_secrets(body, secrets);
    if (rc < 0) {
        if (res.retry_after > 0) {
            char *ra = edx_arena_printf(edx_req_arena(r), "%lld", (long long)res.retry_after);
            if (ra) edx_resp_header(out, "Retry-After", ra);
        }
        return edx_resp_error(out, &e);
    }
    session_cookie(r, out, res.token, edx_req_cfg(r)->auth.session_ttl);
    edx_wipe(res.token, sizeof res.token);
    return edx_resp_json(out, 200, res.session);
}

static int h_session_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    json_t *o = NULL;
    int rc = edx_session_describe(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                  edx_req_session_token(r), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_logout(edx_req *r, edx_resp *out)
{
    edx_err e;
    int rc = edx_session_end(edx_req_db(r), edx_req_who(r), &e);
    if (rc == 0) session_cookie(r, out, "", 0);
    if (rc < 0) return edx_resp_error(out, &e);
    out->status = 204;
    return 0;
}

static int h_sessions_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    json_t *o = NULL;
    int rc = edx_session_list(edx_req_db(r), edx_req_arena(r), &edx_req_cfg(r)->auth,
                              edx_req_who(r), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_session_revoke(edx_req *r, edx_resp *out)
{
    edx_err e;
    int64_t v = 0;
    int rc = edx_req_param_id(r, "id", "session", &v, &e);
    if (rc == 0) rc = edx_session_revoke(edx_req_db(r), edx_req_arena(r), edx_req_who(r), v, &e);
    if (rc < 0) return edx_resp_error(out, &e);
    out->status = 204;
    return 0;
}

/* ---- units ------------------------------------------------------------------------------- */

static int h_provinces(edx_req *r, edx_resp *out)
{
    edx_err e;
    json_t *arr = NULL;
    int rc = edx_province_list(edx_req_db(r), &arr, &e);
    return edx_resp_result(out, rc, &e, 200, rc < 0 ? NULL : json_pack("{s:o}", "provinces", arr));
}

static int h_units_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_unit_query q;
    memset(&q, 0, sizeof q);
    int64_t limit = 100, offset = 0;
    int rc;
    if ((rc = edx_req_query_int(r, "limit", 1, 500, &limit, &e)) < 0 ||
        (rc = edx_req_query_int(r, "offset", 0, 100000000, &offset, &e)) < 0)
        return edx_resp_error(out, &e);
    q.limit = (int)limit;
    q.offset = (int)offset;
    q.parent = edx_req_query(r, "parent");
    q.under = edx_req_query(r, "under");
    q.q = edx_req_query(r, "q");
    q.type = edx_req_query(r, "type");
    q.province = edx_req_query(r, "province");
    if (q.type && !*q.type) q.type = NULL;
    if (q.province && !*q.province) q.province = NULL;
    json_t *o = NULL;
    rc = edx_unit_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r), &q, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_unit_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    json_t *o = NULL;
    int rc = edx_unit_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                          edx_req_param(r, "code"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_unit_create(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0) rc = edx_unit_create(edx_req_db(r), edx_req_arena(r), edx_req_who(r), body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_unit_update(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_unit_update(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                             edx_req_param(r, "code"), body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_units_import(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    const char *ct = edx_req_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "text/csv", 8) != 0 || (ct[8] && ct[8] != ';' && ct[8] != ' ')) {
        edx_err_set(&e, EDX_EINVAL, 415, "unsupported_media_type", "",
                    "send the file as text/csv (RFC 4180, UTF-8)");
        return edx_resp_error(out, &e);
    }
    const char *dry = edx_req_query(r, "dry_run");
    int dry_run = dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0);
    if (dry && !dry_run && strcmp(dry, "0") != 0 && strcmp(dry, "false") != 0) {
        edx_err_invalid(&e, "dry_run", "dry_run must be 1, true, 0 or false");
        return edx_resp_error(out, &e);
    }
    size_t len;
    const char *data = edx_req_body(r, &len);
    edx_import_report rep;
    int rc = edx_units_import_csv(edx_req_db(r), edx_req_arena(r), edx_req_who(r), data, len,
                                  dry_run, NULL, &rep, &e);
    if (rc < 0) return edx_resp_error(out, &e);
    return edx_resp_json(out, 200,
                         json_pack("{s:b,s:I,s:I,s:I,s:I,s:s}", "dry_run", dry_run, "rows",
                                   (json_int_t)rep.rows, "created", (json_int_t)rep.created,
                                   "updated", (json_int_t)rep.updated, "unchanged",
                                   (json_int_t)rep.unchanged, "sha256", rep.sha256));
}

static int h_units_export(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_buf b = EDX_BUF_INIT;
    int rc = edx_units_export_csv(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                  edx_req_query(r, "under"), &b, &e);
    if (rc < 0) {
        edx_buf_free(&b);
        return edx_resp_error(out, &e);
    }
    out->status = 200;
    out->body = edx_buf_steal(&b, &out->len);
    out->content_type = "text/csv; charset=utf-8";
    edx_resp_header(out, "Content-Disposition", "attachment; filename=\"units.csv\"");
    return 0;
}

/* ---- people ------------------------------------------------------------------------------ */

static int h_people_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    int64_t limit = 100, offset = 0, subtree = 0;
    int rc;
    if ((rc = edx_req_query_int(r, "limit", 1, 500, &limit, &e)) < 0 ||
        (rc = edx_req_query_int(r, "offset", 0, 100000000, &offset, &e)) < 0 ||
        (rc = edx_req_query_int(r, "subtree", 0, 1, &subtree, &e)) < 0)
        return edx_resp_error(out, &e);
    json_t *o = NULL;
    rc = edx_person_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r), edx_req_query(r, "unit"),
                         (int)subtree, edx_req_query(r, "q"), (int)limit, (int)offset, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_person_add(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_person_add(edx_req_db(r), edx_req_arena(r), edx_req_who(r), edx_req_secret(r),
                            body, &o, &e);
    edx_json_free_secrets(body, secrets);
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_person_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    int64_t v = 0;
    json_t *o = NULL;
    int rc = edx_req_param_id(r, "id", "person", &v, &e);
    if (rc == 0) rc = edx_person_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r), v, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const lookup_fields[] = {"national_id", NULL};

static int h_person_lookup(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    const char *nid = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0) rc = edx_json_only(body, lookup_fields, &e);
    if (rc == 0) rc = edx_json_get_str(body, "national_id", 1, &nid, &e);
    if (rc == 0)
        rc = edx_person_find_nid(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                 edx_req_secret(r), nid, &o, &e);
    edx_json_free_secrets(body, secrets);
    return edx_resp_result(out, rc, &e, 200, o);
}

/* ---- users ------------------------------------------------------------------------------- */

static int h_users_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    json_t *o = NULL;
    int rc = edx_user_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_user_add(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_user_add(edx_req_db(r), edx_req_arena(r), edx_req_who(r), body, NULL, &o, &e);
    edx_json_free_secrets(body, secrets);
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_user_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    json_t *o = NULL;
    int rc = edx_user_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                          edx_req_param(r, "username"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const user_patch_fields[] = {"status", NULL};

static int h_user_patch(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    const char *status = NULL;
    const char *username = edx_req_param(r, "username");
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0) rc = edx_json_only(body, user_patch_fields, &e);
    if (rc == 0) rc = edx_json_get_str(body, "status", 1, &status, &e);
    if (rc == 0)
        rc = edx_user_set_status(edx_req_db(r), edx_req_arena(r), edx_req_who(r), username,
                                 status, &e);
    json_decref(body);
    if (rc == 0) rc = edx_user_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r), username, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const password_fields[] = {"password", "current_password", NULL};

static int h_user_password(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL;
    const char *pw = NULL, *current = NULL;
    const char *username = edx_req_param(r, "username");
    const edx_principal *who = edx_req_who(r);
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0) rc = edx_json_only(body, password_fields, &e);
    if (rc == 0) rc = edx_json_get_str(body, "password", 1, &pw, &e);
    if (rc == 0) rc = edx_json_get_str(body, "current_password", 0, &current, &e);
    int self = who->username && strcmp(who->username, username) == 0;
    if (rc == 0 && self) {
        /* Changing one's own password needs the current one: a stolen session is not enough. */
        int64_t wait = 0;
        edx_err e2;
        if (!current) {
            rc = edx_err_invalid(&e, "current_password", "current_password is required");
        } else if (edx_user_check_password(edx_req_db(r), edx_req_arena(r), &edx_req_cfg(r)->auth,
                                           username, current, edx_req_client(r), &wait, &e2) < 0) {
            if (e2.rc == EDX_ELIMIT) {
                e = e2;
                char *ra = edx_arena_printf(edx_req_arena(r), "%lld", (long long)wait);
                if (ra) edx_resp_header(out, "Retry-After", ra);
            } else
                edx_err_set(&e, EDX_EPERM, 403, "forbidden", "current_password",
                            "the current password is wrong");
            rc = e.rc;
        }
    }
    if (rc == 0)
        rc = edx_user_set_password(edx_req_db(r), edx_req_arena(r), who, username, pw, &e);
    edx_json_free_secrets(body, secrets);
    if (rc < 0) return edx_resp_error(out, &e);
    out->status = 204;
    return 0;
}

/* ---- tokens ------------------------------------------------------------------------------ */

static int h_tokens_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    json_t *o = NULL;
    int rc = edx_token_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r), NULL, &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

static const char *const token_fields[] = {"name", "scope", "expires_in_days", NULL};

static int h_token_create(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    const char *name = NULL, *scope = NULL;
    int64_t days = 90;
    char *secret = NULL;
    if (edx_req_who(r)->via == EDX_AUTH_TOKEN) {
        /* A token minting tokens would let a leaked short-lived one outlive itself. */
        edx_err_forbidden(&e, "sign in with your password to create API tokens");
        return edx_resp_error(out, &e);
    }
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0) rc = edx_json_only(body, token_fields, &e);
    if (rc == 0) rc = edx_json_get_str(body, "name", 1, &name, &e);
    if (rc == 0) rc = edx_json_get_str(body, "scope", 0, &scope, &e);
    if (rc == 0) rc = edx_json_get_int(body, "expires_in_days", 0, 1, 730, &days, &e);
    if (rc == 0)
        rc = edx_token_create(edx_req_db(r), edx_req_arena(r), edx_req_who(r), NULL, name, scope,
                              days, &secret, &o, &e);
    json_decref(body);
    if (rc == 0) {
        json_object_set_new(o, "token", json_string(secret));
        edx_wipe(secret, strlen(secret));
    }
    return edx_resp_result(out, rc, &e, 201, o);
}

static int h_token_revoke(edx_req *r, edx_resp *out)
{
    edx_err e;
    int rc = edx_token_revoke(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                              edx_req_param(r, "id"), &e);
    if (rc < 0) return edx_resp_error(out, &e);
    out->status = 204;
    return 0;
}

/* ---- the table --------------------------------------------------------------------------- */

#define ANY EDX_ROLES_ALL
#define SIGNED EDX_ROLES_SIGNED_IN
#define ADMINS EDX_ROLES_ADMIN

extern const edx_route edx_registry_routes[];
const edx_route edx_registry_routes[] = {
    {"POST", "/api/v1/session", ANY, EDX_RT_CSRF_EXEMPT, h_login, "Sign in; sets the session cookie"},
    {"GET", "/api/v1/session", SIGNED, 0, h_session_get, "The signed-in user and CSRF token"},
    {"DELETE", "/api/v1/session", SIGNED, 0, h_logout, "Sign out"},
    {"GET", "/api/v1/sessions", SIGNED, 0, h_sessions_list, "Your open sessions"},
    {"DELETE", "/api/v1/sessions/{id}", SIGNED, 0, h_session_revoke, "End one of your sessions"},
    {"GET", "/api/v1/provinces", SIGNED, 0, h_provinces, "The 34 provinces"},
    {"GET", "/api/v1/units", SIGNED, 0, h_units_list, "List or search units in scope"},
    {"POST", "/api/v1/units", ADMINS, 0, h_unit_create, "Create a unit"},
    {"POST", "/api/v1/units:import", ADMINS, EDX_RT_UPLOAD, h_units_import, "Import units from CSV"},
    {"GET", "/api/v1/units:export", ADMINS, 0, h_units_export, "Export units as CSV"},
    {"GET", "/api/v1/units/{code}", SIGNED, 0, h_unit_get, "One unit with its ancestors"},
    {"PATCH", "/api/v1/units/{code}", ADMINS, 0, h_unit_update, "Change a unit"},
    {"GET", "/api/v1/people", ADMINS, 0, h_people_list, "People of a unit"},
    {"POST", "/api/v1/people", ADMINS, 0, h_person_add, "Register a person"},
    {"POST", "/api/v1/people:lookup", ADMINS, 0, h_person_lookup, "Find a person by ID number"},
    {"GET", "/api/v1/people/{id}", ADMINS, 0, h_person_get, "One person"},
    {"GET", "/api/v1/users", ADMINS, 0, h_users_list, "Accounts in scope"},
    {"POST", "/api/v1/users", ADMINS, 0, h_user_add, "Create an account"},
    {"GET", "/api/v1/users/{username}", SIGNED, 0, h_user_get, "One account"},
    {"PATCH", "/api/v1/users/{username}", ADMINS, 0, h_user_patch, "Enable or disable an account"},
    {"POST", "/api/v1/users/{username}/password", SIGNED, 0, h_user_password, "Set a password"},
    {"GET", "/api/v1/tokens", SIGNED, 0, h_tokens_list, "Your API tokens"},
    {"POST", "/api/v1/tokens", SIGNED, 0, h_token_create, "Create an API token (shown once)"},
    {"DELETE", "/api/v1/tokens/{id}", SIGNED, 0, h_token_revoke, "Revoke an API token"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
