/*
 * cred_http.c: HTTP routes of the credentials module: batch issuance, the
 * credential register, revocation, status lists, DID documents, the trust
 * registry, verification (our API, the W3C VC API and the public /verify
 * page's backend) and the printable PDF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/embed.h"
#include "base/timeutil.h"
#include "credentials/cred_int.h"
#include "http/http.h"
#include "json/json.h"

#define ADMINS EDX_ROLES_ADMIN
#define MINISTRY EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN)

/* Send stored JCS text as JSON. */
static int reply_text(edx_req *r, edx_resp *out, const char *ctype, edx_buf *b)
{
    (void)r;
    size_t len;
    out->status = 200;
    out->body = edx_buf_steal(b, &len);
    out->len = len;
    out->content_type = ctype;
    return 0;
}

/* A yes/no query parameter, no when absent. */
static int flag(edx_req *r, const char *name, int *out, edx_err *e)
{
    int rc = edx_req_query_bool(r, name, out, e);
    if (*out < 0) *out = 0;
    return rc;
}

static int is_type(edx_req *r, const char *want)
{
    const char *ct = edx_req_header(r, "Content-Type");
    size_t n = strlen(want);
    return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static json_t *issue_answer(const edx_issue_report *rep, const edx_err *e, int dry)
{
    json_t *errors = json_array();
    for (size_t i = 0; i < e->nrows; i++)
        json_array_append_new(errors, json_pack("{s:I,s:s,s:s}", "row", (json_int_t)e->rows[i].row,
                                                "column", e->rows[i].column, "reason",
                                                e->rows[i].reason));
    return json_pack("{s:b,s:I,s:I,s:I,s:I,s:o}", "dryRun", dry, "records",
                     (json_int_t)rep->records, "issued", (json_int_t)rep->issued, "existing",
                     (json_int_t)rep->existing, "invalid", (json_int_t)rep->invalid, "errors",
                     errors);
}

/* POST /api/v1/credentials/batches: CSV (?issuer=&type=) or JSON {issuer, type, records}. */
static int h_batch(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_issue_opts o;
    edx_issue_report rep;
    memset(&o, 0, sizeof o);
    memset(&rep, 0, sizeof rep);
    json_t *body = NULL;
    int rc, dry = 0, skip = 0;
    const char *type = NULL;
    if ((rc = flag(r, "dryRun", &dry, &e)) < 0 || (rc = flag(r, "skipInvalid", &skip, &e)) < 0)
        return edx_resp_error(out, &e);
    if (is_type(r, "text/csv")) {
        o.issuer = edx_req_query(r, "issuer");
        type = edx_req_query(r, "type");
    } else if (is_type(r, "application/json")) {
        static const char *const fields[] = {"issuer", "type", "records", "skipInvalid", "dryRun",
                                             NULL};
        int b = 0;
        if ((rc = edx_req_json(r, &body, &e)) == 0 && (rc = edx_json_only(body, fields, &e)) == 0 &&
            (rc = edx_json_get_str(body, "issuer", 1, &o.issuer, &e)) == 0 &&
            (rc = edx_json_get_str(body, "type", 1, &type, &e)) == 0 &&
            (rc = edx_json_get_bool(body, "skipInvalid", 0, &b, &e)) == 0) {
            skip |= b;
            b = 0;
            rc = edx_json_get_bool(body, "dryRun", 0, &b, &e);
            dry |= b;
        }
        if (rc < 0) {
            json_decref(body);
            return edx_resp_error(out, &e);
        }
    } else {
        edx_err_set(&e, EDX_EINVAL, 415, "unsupported_media_type", "",
                    "send a CSV file (text/csv) or JSON records (application/json)");
        return edx_resp_error(out, &e);
    }
    if (!o.issuer) {
        edx_err_invalid(&e, "issuer", "issuer (a unit code) is required");
        json_decref(body);
        return edx_resp_error(out, &e);
    }
    int t = edx_cred_type_parse(type);
    if (t < 0) {
        edx_err_invalid(&e, "type", "type must be diploma, degree, transcript, skills or award");
        json_decref(body);
        return edx_resp_error(out, &e);
    }
    o.type = (edx_cred_type)t;
    o.skip_invalid = skip;
    o.dry_run = dry;
    if (body) {
        rc = edx_cred_issue_json(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                 edx_req_cred_env(r), json_object_get(body, "records"), &o, &rep,
                                 &e);
    } else {
        size_t len;
        const char *data = edx_req_body(r, &len);
        rc = edx_cred_issue_csv(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                edx_req_cred_env(r), data, len, &o, &rep, &e);
    }
    json_decref(body);
    if (rc < 0) {
        json_t *err = edx_json_error(&e);
        if (e.nrows) {
            json_t *ans = issue_answer(&rep, &e, dry);
            json_object_update(err, ans);
            json_decref(ans);
        }
        return edx_resp_json(out, e.status ? e.status : edx_err_status_for(rc), err);
    }
    return edx_resp_json(out, dry ? 200 : 201, issue_answer(&rep, &e, dry));
}

static int h_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    edx_cred_query q;
    memset(&q, 0, sizeof q);
    int64_t limit = 50, offset = 0;
    q.issuer = edx_req_query(r, "issuer");
    q.type = edx_req_query(r, "type");
    q.status = edx_req_query(r, "status");
    q.q = edx_req_query(r, "q");
    int rc = edx_req_query_int(r, "limit", 1, 500, &limit, &e);
    if (rc == 0) rc = edx_req_query_int(r, "offset", 0, 100000000, &offset, &e);
    q.limit = (int)limit;
    q.offset = (int)offset;
    json_t *o = NULL;
    if (rc == 0) rc = edx_cred_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r), &q, &o, &e);
    return edx_resp_result(out, rc, &e, 200, rc == 0 ? json_pack("{s:o}", "items", o) : NULL);
}

static int h_get(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_cred_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r), edx_req_param(r, "id"),
                          &o, &e);
    return edx_resp_result(out, rc, &e, 200, o);
}

/* The signed credential for whoever holds its id (the QR code's link). */
static int h_public(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_cred_get_public(edx_req_db(r), edx_req_param(r, "id"), &o, &e);
    if (rc == 0) edx_resp_header(out, "Cache-Control", "no-store");
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_pdf(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    edx_buf pdf = EDX_BUF_INIT;
    int rc = edx_cred_get(edx_req_db(r), edx_req_arena(r), edx_req_who(r), edx_req_param(r, "id"),
                          &o, &e);
    if (rc == 0) {
        const char *uid = json_string_value(json_object_get(o, "id"));
        char *url = edx_arena_printf(edx_req_arena(r), "%s/verify?id=%s",
                                     edx_req_cred_env(r)->public_url, uid);
        rc = edx_cred_render_pdf(json_object_get(o, "document"), url, &pdf, &e);
        if (rc == 0) {
            char *cd = edx_arena_printf(edx_req_arena(r), "attachment; filename=\"%s.pdf\"", uid);
            edx_resp_header(out, "Content-Disposition", cd);
        }
    }
    json_decref(o);
    if (rc < 0) {
        edx_buf_free(&pdf);
        return edx_resp_error(out, &e);
    }
    return reply_text(r, out, "application/pdf", &pdf);
}

static int set_status(edx_req *r, edx_resp *out, const char *action)
{
    edx_err e;
    edx_err_clear(&e);
    static const char *const fields[] = {"reason", NULL};
    json_t *body = NULL, *o = NULL;
    const char *reason = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0) rc = edx_json_only(body, fields, &e);
    if (rc == 0) rc = edx_json_get_str(body, "reason", 1, &reason, &e);
    if (rc == 0)
        rc = edx_cred_set_status(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                 edx_req_cred_env(r), edx_req_param(r, "id"), action, reason, &o,
                                 &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_revoke(edx_req *r, edx_resp *out) { return set_status(r, out, "revoke"); }
static int h_suspend(edx_req *r, edx_resp *out) { return set_status(r, out, "suspend"); }
static int h_reinstate(edx_req *r, edx_resp *out) { return set_status(r, out, "reinstate"); }

/* GET /status/{unit}/{seq}/{purpose}: the signed Bitstring Status List credential. */
static int h_status_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    char *end;
    const char *s = edx_req_param(r, "seq");
    long long seq = strtoll(s, &end, 10);
    edx_buf b = EDX_BUF_INIT;
    int64_t version = 0;
    int rc = (!*s || *end || seq <= 0) ? edx_err_notfound(&e, "status list")
                                       : edx_status_list_get(edx_req_db(r), edx_req_cred_env(r),
                                                             edx_req_param(r, "unit"), seq,
                                                             edx_req_param(r, "purpose"), &b,
                                                             &version, &e);
    if (rc < 0) {
        edx_buf_free(&b);
        return edx_resp_error(out, &e);
    }
    char *etag = edx_arena_printf(edx_req_arena(r), "\"v%lld\"", (long long)version);
    const char *inm = edx_req_header(r, "If-None-Match");
    edx_resp_header(out, "ETag", etag);
    /* Verifiers may reuse a list for five minutes; a revocation shows within that. */
    edx_resp_header(out, "Cache-Control", "public, max-age=300");
    edx_resp_header(out, "Access-Control-Allow-Origin", "*");
    if (inm && strstr(inm, etag)) {
        edx_buf_free(&b);
        out->status = 304;
        out->static_body = (const unsigned char *)"";
        out->len = 0;
        return 0;
    }
    return reply_text(r, out, "application/vc+ld+json", &b);
}

static int did_doc(edx_req *r, edx_resp *out, const char *code)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_cred_did_document(edx_req_db(r), edx_req_arena(r), edx_req_cred_env(r), code, &o,
                                   &e);
    if (rc == 0) {
        edx_resp_header(out, "Access-Control-Allow-Origin", "*");
        edx_resp_header(out, "Cache-Control", "public, max-age=300");
    }
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_did_root(edx_req *r, edx_resp *out) { return did_doc(r, out, NULL); }
static int h_did_unit(edx_req *r, edx_resp *out) { return did_doc(r, out, edx_req_param(r, "code")); }

static int h_keys(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_cred_keys_list(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                edx_req_param(r, "code"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, rc == 0 ? json_pack("{s:o}", "items", o) : NULL);
}

static int h_key_rotate(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_cred_key_rotate(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                 edx_req_cred_env(r), edx_req_param(r, "code"), &o, &e);
    return edx_resp_result(out, rc, &e, 200, rc == 0 ? json_pack("{s:o}", "items", o) : NULL);
}

static int h_trust_list(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_trust_list(edx_req_db(r), edx_req_arena(r), &o, &e);
    return edx_resp_result(out, rc, &e, 200, rc == 0 ? json_pack("{s:o}", "items", o) : NULL);
}

static int h_trust_put(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *o = NULL;
    int rc = edx_req_json(r, &body, &e);
    if (rc == 0)
        rc = edx_trust_put(edx_req_db(r), edx_req_arena(r), edx_req_who(r), edx_req_cred_env(r),
                           edx_req_param(r, "code"), body, &o, &e);
    json_decref(body);
    return edx_resp_result(out, rc, &e, 200, o);
}

static int h_trust_delete(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    int rc = edx_trust_remove(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                              edx_req_param(r, "code"), &e);
    if (rc < 0) return edx_resp_error(out, &e);
    out->status = 204;
    out->static_body = (const unsigned char *)"";
    return 0;
}

static int h_trust_export(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *o = NULL;
    int rc = edx_trust_export(edx_req_db(r), edx_req_arena(r), edx_req_cred_env(r), &o, &e);
    if (rc == 0)
        edx_resp_header(out, "Content-Disposition", "attachment; filename=\"trust-registry.json\"");
    return edx_resp_result(out, rc, &e, 200, o);
}

/* ---- verification ---------------------------------------------------------------------------- */

static int verify_doc(edx_req *r, json_t *doc, json_t **report)
{
    edx_verifier *v = edx_verifier_new(edx_req_db(r), edx_req_cred_env(r));
    if (!v) return -1;
    int rc = edx_verify_json(v, doc, 0, report);
    edx_verifier_free(v);
    return rc;
}

static int body_json(edx_req *r, json_t **out, edx_err *e)
{
    size_t len;
    if (!is_type(r, "application/json") && !is_type(r, "application/vc+ld+json") &&
        !is_type(r, "application/vc"))
        return edx_err_set(e, EDX_EINVAL, 415, "unsupported_media_type", "",
                           "send the credential as application/json");
    const char *data = edx_req_body(r, &len);
    return edx_jcs_parse(data ? data : "", len, out, e);
}

/* POST /api/v1/verify: a credential (or {"verifiableCredential": …}) in, a report out. */
static int h_verify(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *doc = NULL, *rep = NULL;
    int rc = body_json(r, &doc, &e);
    if (rc < 0) return edx_resp_error(out, &e);
    json_t *inner = json_object_get(doc, "verifiableCredential");
    rc = verify_doc(r, json_is_object(inner) ? inner : doc, &rep);
    json_decref(doc);
    if (rc < 0) return edx_resp_error(out, (edx_err_nomem(&e), &e));
    return edx_resp_json(out, 200, rep);
}

/* One failed or doubtful check in the VC API's shape: {check, code, message (English)}. */
static json_t *vcapi_problem(json_t *c, const char *id)
{
    return json_pack("{s:s,s:O,s:O}", "check", id, "code", json_object_get(c, "code"), "message",
                     json_object_get(json_object_get(c, "message"), "en"));
}

/* W3C VC API: POST /credentials/verify → 200 valid, 400 with the failed checks. */
static int h_vcapi_verify(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *rep = NULL;
    int rc = body_json(r, &body, &e);
    if (rc < 0) return edx_resp_error(out, &e);
    json_t *vc = json_object_get(body, "verifiableCredential");
    if (!json_is_object(vc)) {
        json_decref(body);
        edx_err_invalid(&e, "verifiableCredential", "verifiableCredential (an object) is required");
        return edx_resp_error(out, &e);
    }
    rc = verify_doc(r, vc, &rep);
    json_decref(body);
    if (rc < 0) return edx_resp_error(out, (edx_err_nomem(&e), &e));
    /* The VC API's shape: checks that passed, warnings, errors. */
    json_t *checks = json_array(), *warnings = json_array(), *errors = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rep, "checks"), i, c) {
        const char *st = json_string_value(json_object_get(c, "status"));
        const char *id = json_string_value(json_object_get(c, "check"));
        if (strcmp(st, "pass") == 0) json_array_append_new(checks, json_string(id));
        else if (strcmp(st, "fail") == 0) json_array_append_new(errors, vcapi_problem(c, id));
        else if (strcmp(st, "warn") == 0) json_array_append_new(warnings, vcapi_problem(c, id));
    }
    json_object_set_new(rep, "warnings", warnings);
    json_object_set_new(rep, "errors", errors);
    json_object_set(rep, "report", json_object_get(rep, "checks"));
    json_object_set_new(rep, "checks", checks);
    return edx_resp_json(out, rc == 1 ? 200 : 400, rep);
}

/* W3C VC API: POST /credentials/issue, signing as the caller's unit. */
static int h_vcapi_issue(edx_req *r, edx_resp *out)
{
    edx_err e;
    edx_err_clear(&e);
    json_t *body = NULL, *signed_vc = NULL;
    int rc = body_json(r, &body, &e);
    if (rc < 0) return edx_resp_error(out, &e);
    static const char *const fields[] = {"credential", "options", NULL};
    if ((rc = edx_json_only(body, fields, &e)) == 0) {
        json_t *cred = json_object_get(body, "credential");
        if (!json_is_object(cred))
            rc = edx_err_invalid(&e, "credential", "credential (an object) is required");
        else
            rc = edx_cred_issue_document(edx_req_db(r), edx_req_arena(r), edx_req_who(r),
                                         edx_req_cred_env(r), cred, &signed_vc, &e);
    }
    json_decref(body);
    if (rc < 0) return edx_resp_error(out, &e);
    return edx_resp_json(out, 201, json_pack("{s:o}", "verifiableCredential", signed_vc));
}

/* GET /schemas/{name}: the input schemas of the credential types. */
static int h_schema(edx_req *r, edx_resp *out)
{
    char name[128];
    edx_err e;
    edx_err_clear(&e);
    snprintf(name, sizeof name, "schemas/%.100s", edx_req_param(r, "name"));
    const edx_embed *f = strstr(name, "..") ? NULL : edx_embed_find(name);
    if (!f) return edx_resp_error(out, (edx_err_notfound(&e, "schema"), &e));
    out->status = 200;
    out->static_body = f->data;
    out->len = f->len;
    out->content_type = "application/schema+json";
    edx_resp_header(out, "Access-Control-Allow-Origin", "*");
    return 0;
}

const edx_route edx_credential_routes[] = {
    {"POST", "/api/v1/credentials/batches", ADMINS, EDX_RT_UPLOAD, h_batch,
     "Issue a batch of credentials from CSV or JSON records"},
    {"GET", "/api/v1/credentials", ADMINS, 0, h_list, "Issued credentials in scope"},
    {"GET", "/api/v1/credentials/{id}", ADMINS, 0, h_get, "One credential with its document"},
    {"GET", "/api/v1/credentials/{id}/pdf", ADMINS, 0, h_pdf, "Printable A4 PDF with a QR code"},
    {"GET", "/api/v1/credentials/{id}/public", EDX_ROLES_ALL, 0, h_public,
     "The signed credential, for whoever holds its id"},
    {"POST", "/api/v1/credentials/{id}/revoke", ADMINS, 0, h_revoke, "Revoke (final)"},
    {"POST", "/api/v1/credentials/{id}/suspend", ADMINS, 0, h_suspend, "Suspend"},
    {"POST", "/api/v1/credentials/{id}/reinstate", ADMINS, 0, h_reinstate,
     "Lift a suspension"},
    {"POST", "/api/v1/verify", EDX_ROLES_ALL, EDX_RT_CSRF_EXEMPT, h_verify,
     "Verify a credential: a report of every check"},
    {"GET", "/api/v1/units/{code}/keys", ADMINS, 0, h_keys, "A unit's signing keys"},
    {"POST", "/api/v1/units/{code}/keys:rotate", ADMINS, 0, h_key_rotate,
     "Retire the unit's signing key and make a new one"},
    {"GET", "/api/v1/trust-registry", EDX_ROLES_ALL, 0, h_trust_list, "Accredited issuers"},
    {"GET", "/api/v1/trust-registry:export", EDX_ROLES_ALL, 0, h_trust_export,
     "The registry with every key, signed, for offline verifiers"},
    {"PUT", "/api/v1/trust-registry/{code}", MINISTRY, 0, h_trust_put, "Accredit an issuer"},
    {"DELETE", "/api/v1/trust-registry/{code}", MINISTRY, 0, h_trust_delete,
     "Remove an accreditation"},
    {"GET", "/status/{unit}/{seq}/{purpose}", EDX_ROLES_ALL, 0, h_status_list,
     "Bitstring Status List credential"},
    {"GET", "/.well-known/did.json", EDX_ROLES_ALL, 0, h_did_root, "The deployment's DID document"},
    {"GET", "/units/{code}/did.json", EDX_ROLES_ALL, 0, h_did_unit, "A unit's did:web document"},
    {"GET", "/schemas/{name}", EDX_ROLES_ALL, 0, h_schema, "Input schemas of credential types"},
    {"POST", "/credentials/issue", ADMINS, 0, h_vcapi_issue, "W3C VC API: issue"},
    {"POST", "/credentials/verify", EDX_ROLES_ALL, EDX_RT_CSRF_EXEMPT, h_vcapi_verify,
     "W3C VC API: verify"},
    {NULL, NULL, 0, 0, NULL, NULL},
};
