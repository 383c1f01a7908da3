/*
 * auth.c: login, sessions, CSRF tokens and API tokens.
 *
 * Session tokens and API token secrets are 256-bit random values; the store
 * keeps only their SHA-256, so a database dump does not yield live
 * credentials. Sessions live in the store, so any server of a deployment can
 * check any session. The CSRF token is derived from the session token and
 * needs no storage: only a page that can read the login answer knows it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "json/json.h"
#include "registry/registry_int.h"

void edx_auth_cfg_default(edx_auth_cfg *c)
{
    c->session_ttl = 12 * 3600;
    c->session_idle = 2 * 3600;
    c->acct_max_failures = 5;
    c->addr_max_failures = 30;
    c->throttle_window = 15 * 60;
}

void edx_session_csrf(const char *session_token, char out[EDX_TOKEN_CHARS])
{
    uint8_t h[EDX_SHA256_BYTES];
    char msg[EDX_TOKEN_CHARS + 16];
    int n = snprintf(msg, sizeof msg, "edudx-csrf:%s", session_token);
    edx_sha256(msg, (size_t)n, h);
    edx_b64url(h, sizeof h, out);
    edx_wipe(msg, sizeof msg);
}

/* ---- principals from stored accounts ----------------------------------------------------- */

#define PRINCIPAL_COLS                                                                             \
    "x.id, x.username, x.display_name, x.role, x.status, x.unit_id, un.code, un.path"
#define PRINCIPAL_FROM " FROM users x LEFT JOIN units un ON un.id = x.unit_id"

/* Fill `p` from columns starting at `c` (PRINCIPAL_COLS); -1 when the account is not usable. */
static int fill_principal(edx_rows *r, int c, edx_arena *a, edx_principal *p)
{
    memset(p, 0, sizeof *p);
    const char *status = edx_rows_text(r, c + 4);
    int role = edx_role_parse(edx_rows_text(r, c + 3));
    if (!status || strcmp(status, "active") != 0 || role < 0) return -1;
    p->role = (edx_role)role;
    p->user_id = edx_rows_int(r, c);
    p->username = edx_arena_strdup(a, edx_rows_text(r, c + 1));
    p->display_name = edx_arena_strdup(a, edx_rows_text(r, c + 2));
    p->unit_id = edx_rows_int(r, c + 5);
    if (edx_rows_text(r, c + 6)) p->unit_code = edx_arena_strdup(a, edx_rows_text(r, c + 6));
    if (edx_rows_text(r, c + 7)) p->unit_path = edx_arena_strdup(a, edx_rows_text(r, c + 7));
    if (!p->username || !p->display_name) return -1;
    snprintf(p->actor, sizeof p->actor, "user:%s", p->username);
    return 0;
}

static json_t *principal_json(const edx_principal *p)
{
    return json_pack("{s:s,s:s,s:s,s:s?}", "username", p->username, "display_name",
                     p->display_name, "role", edx_role_name(p->role), "unit_code", p->unit_code);
}

/* ---- throttling -------------------------------------------------------------------------- */

/*
 * Count one attempt for `key` before the password is checked, in one statement, so parallel
 * guesses cannot all slip past a check-then-count. Returns the attempts in the current window
 * and its start, or -1 when the store fails (the caller then refuses: fail closed).
 */
static int64_t count_attempt(edx_db *db, const char *key, int64_t window, int64_t now,
                             int64_t *start)
{
    edx_rows *r;
    int64_t n = -1;
    if (edx_db_query(db, &r,
                     "INSERT INTO login_throttle (key, window_start, failures) VALUES (?, ?, 1)"
                     " ON CONFLICT (key) DO UPDATE SET"
                     " failures = CASE WHEN login_throttle.window_start <= ? THEN 1"
                     "            ELSE login_throttle.failures + 1 END,"
                     " window_start = CASE WHEN login_throttle.window_start <= ? THEN ?"
                     "            ELSE login_throttle.window_start END"
                     " RETURNING failures, window_start",
                     EDX_DB_ARGS(EDX_DB_TEXT(key), EDX_DB_INT(now), EDX_DB_INT(now - window),
                                 EDX_DB_INT(now - window), EDX_DB_INT(now)),
                     NULL) < 0)
        return -1;
    if (edx_rows_next(r, NULL) == 1) {
        n = edx_rows_int(r, 0);
        *start = edx_rows_int(r, 1);
    }
    edx_rows_close(r);
    return n;
}

/* A successful sign-in: the account starts afresh; the address gets its attempt back. */
static void attempt_succeeded(edx_db *db, const char *acct, const char *addr)
{
    edx_db_exec(db, "DELETE FROM login_throttle WHERE key = ?", EDX_DB_ARGS(EDX_DB_TEXT(acct)),
                NULL);
    edx_db_exec(db, "UPDATE login_throttle SET failures = failures - 1 WHERE key = ? AND failures > 0",
                EDX_DB_ARGS(EDX_DB_TEXT(addr)), NULL);
}

/* The throttling key of a client address: IPv6 clients count per /64, which one holds. */
static void addr_key(const char *client, char *out, size_t cap)
{
    struct in6_addr a6;
    if (client && strchr(client, ':') && inet_pton(AF_INET6, client, &a6) == 1) {
        memset(a6.s6_addr + 8, 0, 8);
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a6, buf, sizeof buf);
        snprintf(out, cap, "addr:%s/64", buf);
    } else {
        snprintf(out, cap, "addr:%s", client ? client : "?");
    }
}

/* A hash to check against when the account does not exist, so both cases take as long. */
static char dummy_hash[EDX_PWHASH_BYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[EDX_TOKEN_CHARS];
    edx_token_new(pw);
    if (edx_pw_hash(pw, dummy_hash) != 0) dummy_hash[0] = '\0';
    edx_wipe(pw, sizeof pw);
}

static int create_session(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg, edx_principal *p,
                          const char *addr, const char *ua, edx_login_result *res, edx_err *err)
{
    int64_t now = edx_now();
    char hash[EDX_SHA256_HEX];
    edx_token_new(res->token);
    edx_sha256_hex(res->token, strlen(res->token), hash);
    res->expires_at = now + cfg->session_ttl;
    char uabuf[201];
    snprintf(uabuf, sizeof uabuf, "%s", ua ? ua : "");
    edx_utf8_trim_partial(uabuf);
    if (!edx_utf8_valid(uabuf, strlen(uabuf))) uabuf[0] = '\0';
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    /* Housekeeping: forget long-expired sessions of this account. */
    rc = edx_db_exec(db, "DELETE FROM sessions WHERE user_id = ? AND expires_at < ?",
                     EDX_DB_ARGS(EDX_DB_INT(p->user_id), EDX_DB_INT(now)), err);
    if (rc >= 0)
        rc = edx_db_exec(db, "DELETE FROM login_throttle WHERE window_start < ?",
                         EDX_DB_ARGS(EDX_DB_INT(now - cfg->throttle_window)), err);
    if (rc >= 0)
        rc = edx_db_query_int(db,
                              "INSERT INTO sessions (token_hash, user_id, created_at, expires_at,"
                              " last_seen_at, client_ip, user_agent) VALUES (?,?,?,?,?,?,?)"
                              " RETURNING id",
                              EDX_DB_ARGS(EDX_DB_TEXT(hash), EDX_DB_INT(p->user_id),
                                          EDX_DB_INT(now), EDX_DB_INT(res->expires_at),
                                          EDX_DB_INT(now), EDX_DB_TEXT(addr),
                                          EDX_DB_TEXT(uabuf)),
                              &p->session_id, err);
    json_t *detail = json_pack("{s:s?}", "client", addr);
    char *target = edx_arena_printf(a, "user:%s", p->username);
    rc = reg_finish_write(db, p, "auth.login", target ? target : "user", NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
    if (rc < 0) return rc;
    p->via = EDX_AUTH_SESSION;
    char csrf[EDX_TOKEN_CHARS], ts[32];
    edx_session_csrf(res->token, csrf);
    edx_time_iso(res->expires_at, ts);
    res->session = json_pack("{s:o,s:s,s:s}", "user", principal_json(p), "csrf_token", csrf,
                             "expires_at", ts);
    return 0;
}

/* Throttle, look up and verify; fills *p for an active account with the right password. */
static int check_credentials(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg,
                             const char *username, const char *password, const char *client_addr,
                             edx_principal *p, int64_t *retry_after, edx_err *err)
{
    *retry_after = 0;
    if (!username || !password || strlen(username) > 64 || strlen(password) > 256 ||
        !edx_utf8_valid(username, strlen(username)))
        return edx_err_set(err, EDX_EAUTH, 401, "bad_credentials", "",
                           "wrong user name or password");
    int64_t now = edx_now();
    char acct[80], addr[80];
    snprintf(acct, sizeof acct, "acct:%s", username);
    for (char *c = acct + 5; *c; c++) *c = (char)tolower((unsigned char)*c);
    addr_key(client_addr, addr, sizeof addr);
    int64_t acct_start = 0, addr_start = 0;
    int64_t na = count_attempt(db, acct, cfg->throttle_window, now, &acct_start);
    int64_t nd = count_attempt(db, addr, cfg->throttle_window, now, &addr_start);
    if (na < 0 || nd < 0)
        return edx_err_set(err, EDX_EDB, 503, "busy", "", "sign-in is unavailable; try again");
    int64_t wait = 0;
    if (na > cfg->acct_max_failures) wait = acct_start + cfg->throttle_window - now;
    if (nd > cfg->addr_max_failures && addr_start + cfg->throttle_window - now > wait)
        wait = addr_start + cfg->throttle_window - now;
    if (wait > 0) {
        *retry_after = wait;
        return edx_err_set(err, EDX_ELIMIT, 429, "too_many_attempts", "",
                           "too many failed sign-in attempts; try again in %lld minutes",
                           (long long)((wait + 59) / 60));
    }
    edx_rows *r;
    char *hash = NULL;
    int found = 0;
    int rc = edx_db_query(db, &r,
                          "SELECT " PRINCIPAL_COLS ", x.password_hash" PRINCIPAL_FROM
                          " WHERE x.username = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(acct + 5)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(r, err)) == 1 && fill_principal(r, 0, a, p) == 0) {
        hash = edx_arena_strdup(a, edx_rows_text(r, 8));
        found = hash != NULL;
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    int ok;
    if (found) {
        ok = edx_pw_verify(hash, password);
    } else {
        pthread_once(&dummy_once, make_dummy);
        edx_pw_verify(dummy_hash, password);
        ok = 0;
    }
    if (!ok) {
        if (na == cfg->acct_max_failures)
            edx_log(EDX_LOG_WARN, "auth.lockout",
                    "sign-in paused for an account after %lld failures", (long long)na);
        return edx_err_set(err, EDX_EAUTH, 401, "bad_credentials", "",
                           "wrong user name or password");
    }
    attempt_succeeded(db, acct, addr);
    return 0;
}

int edx_login(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg, const char *username,
              const char *password, const char *client_addr, const char *user_agent,
              edx_login_result *res, edx_err *err)
{
    memset(res, 0, sizeof *res);
    edx_principal p;
    int rc = check_credentials(db, a, cfg, username, password, client_addr, &p,
                               &res->retry_after, err);
    if (rc < 0) return rc;
    return create_session(db, a, cfg, &p, client_addr, user_agent, res, err);
}

int edx_user_check_password(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg,
                            const char *username, const char *password, const char *client_addr,
                            int64_t *retry_after, edx_err *err)
{
    edx_principal p;
    return check_credentials(db, a, cfg, username, password, client_addr, &p, retry_after, err);
}

int edx_session_auth(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg, const char *token,
                     edx_principal *out, edx_err *err)
{
    if (!token || strlen(token) != EDX_TOKEN_CHARS - 1)
        return edx_err_set(err, EDX_EAUTH, 401, "unauthenticated", "", "please sign in");
    char hash[EDX_SHA256_HEX];
    edx_sha256_hex(token, strlen(token), hash);
    edx_rows *r;
    int rc = edx_db_query(db, &r,
                          "SELECT s.id, s.expires_at, s.last_seen_at, " PRINCIPAL_COLS
                          " FROM sessions s JOIN users x ON x.id = s.user_id"
                          " LEFT JOIN units un ON un.id = x.unit_id WHERE s.token_hash = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(hash)), err);
    if (rc < 0) return rc;
    int64_t now = edx_now(), sid = 0, last = 0;
    int ok = 0;
    if ((rc = edx_rows_next(r, err)) == 1) {
        sid = edx_rows_int(r, 0);
        int64_t exp = edx_rows_int(r, 1);
        last = edx_rows_int(r, 2);
        ok = now < exp && now < last + cfg->session_idle && fill_principal(r, 3, a, out) == 0;
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (!ok)
        return edx_err_set(err, EDX_EAUTH, 401, "unauthenticated", "",
                           "your session has ended; please sign in again");
    out->via = EDX_AUTH_SESSION;
    out->session_id = sid;
    out->token_write = 1;
    /* Idle tracking is bookkeeping, not data: refresh at most once a minute, no audit record. */
    if (now - last >= 60)
        edx_db_exec_nowait(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?",
                           EDX_DB_ARGS(EDX_DB_INT(now), EDX_DB_INT(sid)), NULL);
    return 0;
}

int edx_session_describe(edx_db *db, edx_arena *a, const edx_principal *p,
                         const char *session_token, json_t **out, edx_err *err)
{
    (void)a;
    int64_t exp = 0;
    int rc = edx_db_query_int(db, "SELECT expires_at FROM sessions WHERE id = ?",
                              EDX_DB_ARGS(EDX_DB_INT(p->session_id)), &exp, err);
    if (rc < 0) return rc;
    json_t *o = json_pack("{s:o}", "user", principal_json(p));
    if (session_token) {
        char csrf[EDX_TOKEN_CHARS];
        edx_session_csrf(session_token, csrf);
        json_object_set_new(o, "csrf_token", json_string(csrf));
    }
    json_object_set_new(o, "expires_at", exp ? reg_time_json(exp) : json_null());
    json_object_set_new(o, "auth", json_string(p->via == EDX_AUTH_TOKEN ? "token" : "session"));
    *out = o;
    return 0;
}

int edx_session_end(edx_db *db, const edx_principal *p, edx_err *err)
{
    if (p->via != EDX_AUTH_SESSION)
        return edx_err_invalid(err, "", "only a browser session can sign out");
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    rc = edx_db_exec(db, "DELETE FROM sessions WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_INT(p->session_id)), err);
    char target[100];
    snprintf(target, sizeof target, "user:%s", p->username);
    return reg_finish_write(db, p, "auth.logout", target, NULL, NULL, NULL, rc < 0 ? rc : 0, err);
}

typedef struct session_ctx {
    const edx_principal *p;
    const edx_auth_cfg *cfg;
} session_ctx;

static json_t *session_json(edx_rows *r, void *ctx)
{
    const session_ctx *c = ctx;
    /* It ends at whichever comes first: its lifetime, or the idle timeout from its last use. */
    int64_t exp = edx_rows_int(r, 3), idle = edx_rows_int(r, 2) + c->cfg->session_idle;
    return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "id", (json_int_t)edx_rows_int(r, 0),
                     "created_at", reg_time_json(edx_rows_int(r, 1)), "last_seen_at",
                     reg_time_json(edx_rows_int(r, 2)), "expires_at", reg_time_json(exp),
                     "idle_expires_at", reg_time_json(idle < exp ? idle : exp), "client",
                     edx_json_str_or_null(edx_rows_text(r, 4)), "user_agent",
                     edx_json_str_or_null(edx_rows_text(r, 5)), "current",
                     edx_rows_int(r, 0) == c->p->session_id);
}

int edx_session_list(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg, const edx_principal *p,
                     json_t **out, edx_err *err)
{
    (void)a;
    session_ctx c = {p, cfg};
    json_t *arr;
    int rc = edx_db_query_array(db,
                                "SELECT id, created_at, last_seen_at, expires_at, client_ip,"
                                " user_agent FROM sessions WHERE user_id = ? AND expires_at > ?"
                                " AND last_seen_at > ? ORDER BY last_seen_at DESC, id DESC",
                                EDX_DB_ARGS(EDX_DB_INT(p->user_id), EDX_DB_INT(edx_now()),
                                            EDX_DB_INT(edx_now() - cfg->session_idle)),
                                session_json, &c, &arr, err);
    if (rc < 0) return rc;
    *out = json_pack("{s:o}", "sessions", arr);
    return 0;
}

int edx_session_revoke(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                       edx_err *err)
{
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    rc = edx_db_exec(db, "DELETE FROM sessions WHERE id = ? AND user_id = ?",
                     EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(p->user_id)), err);
    if (rc == 0) rc = edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "no such session");
    char *target = edx_arena_printf(a, "user:%s", p->username);
    json_t *detail = json_pack("{s:I}", "session", (json_int_t)id);
    rc = reg_finish_write(db, p, "auth.session_revoke", target ? target : "user", NULL, NULL,
                          detail, rc < 0 ? rc : 0, err);
    json_decref(detail);
    return rc;
}

/* ---- API tokens -------------------------------------------------------------------------- */

#define TOKEN_PREFIX "edx_"
#define PUBID_HEX 16

int edx_token_auth(edx_db *db, edx_arena *a, const char *token, edx_principal *out, edx_err *err)
{
    size_t n = token ? strlen(token) : 0;
    const size_t pre = strlen(TOKEN_PREFIX);
    if (n != pre + PUBID_HEX + 1 + EDX_TOKEN_CHARS - 1 || strncmp(token, TOKEN_PREFIX, pre) != 0 ||
        token[pre + PUBID_HEX] != '_')
        return edx_err_set(err, EDX_EAUTH, 401, "invalid_token", "", "invalid API token");
    char pubid[PUBID_HEX + 1];
    memcpy(pubid, token + pre, PUBID_HEX);
    pubid[PUBID_HEX] = '\0';
    const char *secret = token + pre + PUBID_HEX + 1;
    char hash[EDX_SHA256_HEX];
    edx_sha256_hex(secret, strlen(secret), hash);
    edx_rows *r;
    int rc = edx_db_query(db, &r,
                          "SELECT t.id, t.secret_hash, t.scope, t.expires_at, t.revoked_at, "
                          PRINCIPAL_COLS ", t.last_used_at FROM api_tokens t"
                          " JOIN users x ON x.id = t.user_id"
                          " LEFT JOIN units un ON un.id = x.unit_id WHERE t.public_id = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(pubid)), err);
    if (rc < 0) return rc;
    int ok = 0;
    int64_t tid = 0, last_used = 0;
    int write = 0;
    if ((rc = edx_rows_next(r, err)) == 1) {
        last_used = edx_rows_int(r, 13);
        const char *stored = edx_rows_text(r, 1), *scope = edx_rows_text(r, 2);
        tid = edx_rows_int(r, 0);
        write = scope && strcmp(scope, "write") == 0;
        ok = stored && strlen(stored) == EDX_SHA256_HEX - 1 &&
             edx_ct_equal(stored, hash, EDX_SHA256_HEX - 1) && edx_rows_isnull(r, 4) &&
             edx_rows_int(r, 3) > edx_now() && fill_principal(r, 5, a, out) == 0;
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (!ok)
        return edx_err_set(err, EDX_EAUTH, 401, "invalid_token", "",
                           "invalid, expired or revoked API token");
    out->via = EDX_AUTH_TOKEN;
    out->token_id = tid;
    out->token_write = write;
    /* When it was last used helps its owner decide what to revoke; bookkeeping, no audit. */
    int64_t now = edx_now();
    if (now - last_used >= 60)
        edx_db_exec_nowait(db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                           EDX_DB_ARGS(EDX_DB_INT(now), EDX_DB_INT(tid)), NULL);
    snprintf(out->actor, sizeof out->actor, "token:%s(%s)", pubid, out->username);
    return 0;
}

int edx_token_create(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                     const char *name, const char *scope, int64_t ttl_days, char **secret_out,
                     json_t **out, edx_err *err)
{
    if (!scope) scope = "read";
    if (strcmp(scope, "read") != 0 && strcmp(scope, "write") != 0)
        return edx_err_invalid(err, "scope", "scope must be read or write");
    if (ttl_days == 0) ttl_days = 90;
    if (ttl_days < 1 || ttl_days > 730)
        return edx_err_invalid(err, "expires_in_days", "expires_in_days must be 1 to 730");
    char *clean;
    int rc = edx_text_clean(a, name ? name : "", 1, 100, "name", &clean, err);
    if (rc < 0) return rc;
    if (!username) username = p->username;
    if (!username) return edx_err_invalid(err, "user", "which user is the token for?");
    int64_t uid = 0;
    edx_rows *r;
    rc = edx_db_query(db, &r, "SELECT id, status FROM users WHERE username = ?",
                      EDX_DB_ARGS(EDX_DB_TEXT(username)), err);
    if (rc < 0) return rc;
    int active = 0;
    if ((rc = edx_rows_next(r, err)) == 1) {
        uid = edx_rows_int(r, 0);
        active = edx_rows_text(r, 1) && strcmp(edx_rows_text(r, 1), "active") == 0;
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (!uid)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "user", "user %s not found",
                           username);
    if (!active) return edx_err_invalid(err, "user", "user %s is disabled", username);
    if (p->via != EDX_AUTH_SYSTEM && p->user_id != uid)
        return edx_err_forbidden(err, "you can create tokens only for yourself");
    uint8_t raw[PUBID_HEX / 2];
    char pubid[PUBID_HEX + 1], secret[EDX_TOKEN_CHARS], hash[EDX_SHA256_HEX];
    edx_random(raw, sizeof raw);
    edx_hex(raw, sizeof raw, pubid);
    edx_token_new(secret);
    edx_sha256_hex(secret, strlen(secret), hash);
    int64_t now = edx_now(), exp = now + ttl_days * 86400;
    if ((rc = edx_db_begin(db, err)) < 0) goto done;
    rc = edx_db_exec(db,
                     "INSERT INTO api_tokens (public_id, secret_hash, user_id, name, scope,"
                     " created_at, expires_at) VALUES (?,?,?,?,?,?,?)",
                     EDX_DB_ARGS(EDX_DB_TEXT(pubid), EDX_DB_TEXT(hash), EDX_DB_INT(uid),
                                 EDX_DB_TEXT(clean), EDX_DB_TEXT(scope), EDX_DB_INT(now),
                                 EDX_DB_INT(exp)),
                     err);
    char ts[32];
    edx_time_iso(exp, ts);
    json_t *after = json_pack("{s:s,s:s,s:s,s:s}", "user", username, "name", clean, "scope", scope,
                              "expires_at", ts);
    char *target = edx_arena_printf(a, "token:%s", pubid);
    rc = reg_finish_write(db, p, "token.create", target ? target : "token", NULL, after, NULL,
                          rc < 0 ? rc : 0, err);
    json_decref(after);
    if (rc < 0) goto done;
    *secret_out = edx_arena_printf(a, TOKEN_PREFIX "%s_%s", pubid, secret);
    if (!*secret_out) {
        rc = edx_err_nomem(err);
        goto done;
    }
    char cts[32];
    edx_time_iso(now, cts);
    *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:n}", "id", pubid, "user", username, "name", clean,
                     "scope", scope, "created_at", cts, "expires_at", ts, "revoked_at");
    rc = 0;
done:
    edx_wipe(secret, sizeof secret);
    return rc;
}

int edx_token_revoke(edx_db *db, edx_arena *a, const edx_principal *p, const char *public_id,
                     edx_err *err)
{
    edx_rows *r;
    int rc = edx_db_query(db, &r, "SELECT user_id, revoked_at FROM api_tokens WHERE public_id = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(public_id)), err);
    if (rc < 0) return rc;
    int64_t owner = 0;
    int revoked = 0;
    if ((rc = edx_rows_next(r, err)) == 1) {
        owner = edx_rows_int(r, 0);
        revoked = !edx_rows_isnull(r, 1);
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    int allowed = p->via == EDX_AUTH_SYSTEM || p->role == EDX_ROLE_MINISTRY_ADMIN ||
                  (owner && owner == p->user_id);
    if (!owner || !allowed)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "token %.20s not found",
                           public_id);
    if (revoked) return 0;
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    rc = edx_db_exec(db, "UPDATE api_tokens SET revoked_at = ? WHERE public_id = ?",
                     EDX_DB_ARGS(EDX_DB_INT(edx_now()), EDX_DB_TEXT(public_id)), err);
    char *target = edx_arena_printf(a, "token:%s", public_id);
    return reg_finish_write(db, p, "token.revoke", target ? target : "token", NULL, NULL, NULL,
                            rc < 0 ? rc : 0, err);
}

static json_t *token_json(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                     edx_json_str_or_null(edx_rows_text(r, 0)), "user",
                     edx_json_str_or_null(edx_rows_text(r, 1)), "name",
                     edx_json_str_or_null(edx_rows_text(r, 2)), "scope",
                     edx_json_str_or_null(edx_rows_text(r, 3)), "created_at",
                     reg_time_json(edx_rows_int(r, 4)), "expires_at",
                     reg_time_json(edx_rows_int(r, 5)), "revoked_at",
                     reg_time_json(edx_rows_int(r, 6)), "last_used_at",
                     reg_time_json(edx_rows_int(r, 7)));
}

int edx_token_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                   json_t **out, edx_err *err)
{
    (void)a;
    int all = username == NULL && p->via == EDX_AUTH_SYSTEM; /* the CLI without --user */
    if (!username && !all) username = p->username;
    if (!all && !username) return edx_err_invalid(err, "user", "which user's tokens?");
    if (username && p->via != EDX_AUTH_SYSTEM && p->role != EDX_ROLE_MINISTRY_ADMIN &&
        (!p->username || strcmp(p->username, username) != 0))
        return edx_err_forbidden(err, "you can list only your own tokens");
    json_t *arr;
    int rc = edx_db_query_array(db,
                                "SELECT t.public_id, x.username, t.name, t.scope, t.created_at,"
                                " t.expires_at, t.revoked_at, t.last_used_at FROM api_tokens t"
                                " JOIN users x ON x.id = t.user_id"
                                " WHERE ? = 1 OR x.username = ? ORDER BY t.created_at, t.id",
                                EDX_DB_ARGS(EDX_DB_INT(all), EDX_DB_TEXT(username)), token_json,
                                NULL, &arr, err);
    if (rc < 0) return rc;
    *out = json_pack("{s:o}", "tokens", arr);
    return 0;
}
