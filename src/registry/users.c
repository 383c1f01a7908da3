/*
 * users.c: accounts and their roles. A unit admin manages accounts of its
 * own subtree only and can never create or touch a ministry admin.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/utf8.h"
#include "json/json.h"
#include "registry/registry_int.h"

/* A short list of the passwords attackers try first (plus anything built on "edudx"). */
static const char *const common_passwords[] = {
    "1234567890", "12345678910", "0123456789", "1111111111", "0000000000", "1234512345",
    "qwertyuiop", "password12", "password123", "password1234", "passw0rd123", "abc1234567",
    "abcd123456", "iloveyou12", "admin12345", "administrator", "matkhau123", "matkhau1234",
    "matkhaumoi", "qwerty1234", "qwerty12345", "1q2w3e4r5t", "zaq12wsxcde", "welcome123",
    "letmein123", "changeme123", "abcdefghij", "0987654321", "9876543210", "1234554321",
    "baomat12345", "hanoi12345", "vietnam123", "vietnam1234", "saigon1234", NULL,
};

int edx_password_check(const char *password, const char *username, edx_err *err)
{
    if (!password) return edx_err_set(err, EDX_EINVAL, 400, "password_required", "password", "a password is required");
    size_t bytes = strlen(password);
    if (!edx_utf8_valid(password, bytes))
        return edx_err_set(err, EDX_EINVAL, 400, "password_invalid", "password", "the password is not valid UTF-8");
    size_t n = edx_utf8_len(password);
    if (n < 10)
        return edx_err_set(err, EDX_EINVAL, 400, "password_too_short", "password",
                           "the password must have at least 10 characters");
    if (bytes > 256)
        return edx_err_set(err, EDX_EINVAL, 400, "password_too_long", "password",
                           "the password must have at most 256 bytes");
    char lower[257];
    int rc = 0;
    for (size_t i = 0; i <= bytes; i++) lower[i] = (char)tolower((unsigned char)password[i]);
    for (const char *const *c = common_passwords; *c && !rc; c++)
        if (strcmp(lower, *c) == 0)
            rc = edx_err_set(err, EDX_EINVAL, 400, "password_too_common", "password",
                             "this password is too common; choose another");
    int distinct = 0, seen[256] = {0};
    for (size_t i = 0; i < bytes; i++)
        if (!seen[(unsigned char)lower[i]]++) distinct++;
    if (!rc && distinct < 5)
        rc = edx_err_set(err, EDX_EINVAL, 400, "password_too_simple", "password",
                         "the password repeats too few different characters");
    if (!rc && username && strlen(username) >= 4) {
        char ul[65];
        snprintf(ul, sizeof ul, "%s", username);
        for (char *c = ul; *c; c++) *c = (char)tolower((unsigned char)*c);
        if (strstr(lower, ul) && bytes < strlen(ul) + 6)
            rc = edx_err_set(err, EDX_EINVAL, 400, "password_like_username", "password",
                             "the password must not be built on the user name");
    }
    edx_wipe(lower, sizeof lower);
    edx_wipe(seen, sizeof seen);
    return rc;
}

/* Check strength and hash: one place for every password that gets stored. */
static int hash_new_password(const char *password, const char *username,
                             char hash[EDX_PWHASH_BYTES], edx_err *err)
{
    int rc = edx_password_check(password, username, err);
    if (rc < 0) return rc;
    if (edx_pw_hash(password, hash) != 0) return edx_err_nomem(err);
    return 0;
}

static int username_check(const char *u, edx_err *err)
{
    size_t n = u ? strlen(u) : 0;
    if (n < 3 || n > 64)
        return edx_err_invalid(err, "username", "username must have 3 to 64 characters");
    for (size_t i = 0; i < n; i++) {
        char c = u[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '@'))
            return edx_err_invalid(err, "username",
                                   "username may use only a-z, 0-9 and . _ - @ (lower case)");
    }
    return 0;
}

#define USER_COLS                                                                                  \
    "x.id, x.username, x.display_name, x.role, x.status, x.created_at, x.updated_at, u.code,"     \
    " u.path"
#define USER_FROM " FROM users x LEFT JOIN units u ON u.id = x.unit_id"

/* May `p` manage an account with this role and unit path? */
static int can_manage(const edx_principal *p, const char *role, const char *unit_path)
{
    if (p->role == EDX_ROLE_MINISTRY_ADMIN) return p->via != EDX_AUTH_TOKEN || p->token_write;
    if (p->role != EDX_ROLE_UNIT_ADMIN) return 0;
    /* Ministry admins and reviewers reach the whole country: not for a unit admin to make. */
    if (role && (strcmp(role, "ministry_admin") == 0 || strcmp(role, "reviewer") == 0)) return 0;
    return unit_path && edx_scope_can_write(p, unit_path);
}

typedef struct user_row {
    int64_t id, created_at, updated_at;
    const char *username, *role, *status, *unit_path, *unit_code, *display_name;
} user_row;

/* One row of USER_COLS; strings are copied into `a`. -1 when out of memory. */
static int read_user(edx_rows *r, edx_arena *a, user_row *u)
{
    u->id = edx_rows_int(r, 0);
    u->username = edx_arena_strdup(a, edx_rows_text(r, 1));
    u->display_name = edx_arena_strdup(a, edx_rows_text(r, 2));
    u->role = edx_arena_strdup(a, edx_rows_text(r, 3));
    u->status = edx_arena_strdup(a, edx_rows_text(r, 4));
    u->created_at = edx_rows_int(r, 5);
    u->updated_at = edx_rows_int(r, 6);
    u->unit_code = edx_rows_text(r, 7) ? edx_arena_strdup(a, edx_rows_text(r, 7)) : NULL;
    u->unit_path = edx_rows_text(r, 8) ? edx_arena_strdup(a, edx_rows_text(r, 8)) : NULL;
    return u->username && u->display_name && u->role && u->status ? 0 : -1;
}

static json_t *user_json(const user_row *u)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "username", u->username, "display_name",
                     u->display_name, "role", u->role, "status", u->status, "created_at",
                     reg_time_json(u->created_at), "updated_at", reg_time_json(u->updated_at),
                     "unit_code", edx_json_str_or_null(u->unit_code));
}

/* Row mapper for lists: ctx is the arena. */
static json_t *user_row_json(edx_rows *r, void *ctx)
{
    user_row u;
    return read_user(r, ctx, &u) ? NULL : user_json(&u);
}

static int user_load(edx_db *db, edx_arena *a, const char *username, user_row *out, edx_err *err)
{
    edx_rows *r;
    int rc = edx_db_query(db, &r, "SELECT " USER_COLS USER_FROM " WHERE x.username = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(username)), err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    if (rc == 1 && read_user(r, a, out)) rc = edx_err_nomem(err);
    edx_rows_close(r);
    if (rc == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "username", "user %s not found",
                           username);
    return rc < 0 ? rc : 0;
}

int edx_user_ref_get(edx_db *db, edx_arena *a, const char *username, edx_user_ref *out,
                     edx_err *err)
{
    user_row u;
    memset(&u, 0, sizeof u);
    int rc = user_load(db, a, username, &u, err);
    if (rc < 0) return rc;
    out->id = u.id;
    out->username = u.username;
    out->display_name = u.display_name;
    out->role = u.role;
    out->status = u.status;
    out->unit_code = u.unit_code;
    out->unit_path = u.unit_path;
    return 0;
}

/* Load a user the caller may manage (403 for one outside the caller's reach). */
static int user_for_write(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                          user_row *u, edx_err *err)
{
    int rc = user_load(db, a, username, u, err);
    if (rc < 0) return rc;
    if (!can_manage(p, u->role, u->unit_path ? u->unit_path : ""))
        return edx_err_forbidden(err, "you cannot manage this account");
    return 0;
}

int edx_user_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                 json_t **out, edx_err *err)
{
    int self = p->username && strcmp(p->username, username) == 0;
    /* Only admins look accounts up: others get the same answer whether a name exists or not. */
    if (!self && p->role != EDX_ROLE_MINISTRY_ADMIN && p->role != EDX_ROLE_UNIT_ADMIN)
        return edx_err_forbidden(err, "you can see only your own account");
    user_row u = {0};
    int rc = user_load(db, a, username, &u, err);
    if (rc < 0) return rc;
    if (!self && p->role != EDX_ROLE_MINISTRY_ADMIN && !can_manage(p, u.role, u.unit_path))
        return edx_err_forbidden(err, "you cannot see this account");
    *out = user_json(&u);
    return *out ? 0 : edx_err_nomem(err);
}

static const char *const user_fields[] = {"username", "display_name", "role", "unit_code",
                                          "password", NULL};

int edx_user_add(edx_db *db, edx_arena *a, const edx_principal *p, json_t *body,
                 const char *password, json_t **out, edx_err *err)
{
    const char *username = NULL, *display = NULL, *role = NULL, *unit_code = NULL;
    char *clean;
    int rc;
    if ((rc = edx_json_only(body, user_fields, err)) < 0 ||
        (rc = edx_json_get_str(body, "username", 1, &username, err)) < 0 ||
        (rc = edx_json_get_str(body, "display_name", 1, &display, err)) < 0 ||
        (rc = edx_json_get_str(body, "role", 1, &role, err)) < 0 ||
        (rc = edx_json_get_str(body, "unit_code", 0, &unit_code, err)) < 0)
        return rc;
    if (!password && (rc = edx_json_get_str(body, "password", 1, &password, err)) < 0) return rc;
    if ((rc = username_check(username, err)) < 0) return rc;
    if ((rc = edx_text_clean(a, display, 1, 200, "display_name", &clean, err)) < 0) return rc;
    int r = edx_role_parse(role);
    if (r < 0)
        return edx_err_invalid(err, "role",
                               "role must be ministry_admin, unit_admin, reviewer, teacher or learner");
    unit_rec u = {0};
    memset(&u, 0, sizeof u);
    if (unit_code && *unit_code) {
        if ((rc = unit_for_read(db, a, p, unit_code, "unit_code", &u, err)) < 0) return rc;
    } else if (r == EDX_ROLE_UNIT_ADMIN || r == EDX_ROLE_TEACHER || r == EDX_ROLE_LEARNER) {
        return edx_err_invalid(err, "unit_code", "a %s needs a unit_code", role);
    }
    if (!can_manage(p, role, u.path ? u.path : ""))
        return edx_err_set(err, EDX_EPERM, 403, "forbidden", "role",
                           "you cannot create a %s account there", role);
    char hash[EDX_PWHASH_BYTES];
    if ((rc = hash_new_password(password, username, hash, err)) < 0) return rc;
    int64_t now = edx_now();
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    rc = edx_db_exec(db,
                     "INSERT INTO users (username, display_name, password_hash, role, unit_id,"
                     " status, created_at, updated_at, password_changed_at)"
                     " VALUES (?,?,?,?,?, 'active', ?,?,?)",
                     EDX_DB_ARGS(EDX_DB_TEXT(username), EDX_DB_TEXT(clean), EDX_DB_TEXT(hash),
                                 EDX_DB_TEXT(role), u.id ? EDX_DB_INT(u.id) : EDX_DB_NULL,
                                 EDX_DB_INT(now), EDX_DB_INT(now), EDX_DB_INT(now)),
                     err);
    edx_wipe(hash, sizeof hash);
    if (rc == EDX_ECONFLICT)
        edx_err_set(err, EDX_ECONFLICT, 409, "conflict", "username", "user %s already exists",
                    username);
    json_t *after = json_pack("{s:s,s:s,s:s,s:s?}", "username", username, "display_name", clean,
                              "role", role, "unit", u.code);
    char *target = edx_arena_printf(a, "user:%s", username);
    rc = reg_finish_write(db, p, "user.create", target ? target : "user", NULL, after, NULL, rc,
                          err);
    json_decref(after);
    if (rc < 0) return rc;
    return edx_user_get(db, a, p, username, out, err);
}

int edx_user_list(edx_db *db, edx_arena *a, const edx_principal *p, json_t **out, edx_err *err)
{
    (void)a;
    const char *lo = "/", *hi = "0";
    int all = p->role == EDX_ROLE_MINISTRY_ADMIN;
    char *end = NULL;
    if (!all) {
        if (p->role != EDX_ROLE_UNIT_ADMIN || !p->unit_path)
            return edx_err_forbidden(err, "you cannot list accounts");
        lo = p->unit_path;
        end = edx_unit_path_end(a, lo);
        if (!end) return edx_err_nomem(err);
        hi = end;
    }
    json_t *arr;
    int rc = edx_db_query_array(
        db,
        "SELECT " USER_COLS USER_FROM
        " WHERE ? = 1 OR (u.path >= ? AND u.path < ? AND x.role <> 'ministry_admin')"
        " ORDER BY x.username",
        EDX_DB_ARGS(EDX_DB_INT(all), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)), user_row_json, a, &arr,
        err);
    if (rc < 0) return rc;
    *out = json_pack("{s:o}", "users", arr);
    return 0;
}

/* Sessions end when an account's password or status changes (all but `keep`, the caller's). */
static int end_sessions(edx_db *db, int64_t user_id, int64_t keep, edx_err *err)
{
    int rc = edx_db_exec(db, "DELETE FROM sessions WHERE user_id = ? AND id <> ?",
                         EDX_DB_ARGS(EDX_DB_INT(user_id), EDX_DB_INT(keep)), err);
    return rc < 0 ? rc : 0;
}

int edx_user_set_password(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                          const char *password, edx_err *err)
{
    user_row u = {0};
    int self = p->username && p->user_id && strcmp(p->username, username) == 0;
    int rc = self ? user_load(db, a, username, &u, err)
                  : user_for_write(db, a, p, username, &u, err);
    if (rc < 0) return rc;
    char hash[EDX_PWHASH_BYTES];
    if ((rc = hash_new_password(password, username, hash, err)) < 0) return rc;
    int64_t now = edx_now();
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    rc = edx_db_exec(db,
                     "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?"
                     " WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(hash), EDX_DB_INT(now), EDX_DB_INT(now),
                                 EDX_DB_INT(u.id)),
                     err);
    edx_wipe(hash, sizeof hash);
    if (rc >= 0) rc = end_sessions(db, u.id, self ? p->session_id : 0, err);
    /* A new password is the answer to a stolen one: tokens made with it go too. */
    int revoked = 0;
    if (rc >= 0)
        rc = revoked = edx_db_exec(db,
                                   "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?"
                                   " AND revoked_at IS NULL",
                                   EDX_DB_ARGS(EDX_DB_INT(now), EDX_DB_INT(u.id)), err);
    char *target = edx_arena_printf(a, "user:%s", username);
    json_t *detail = json_pack("{s:i}", "tokens_revoked", revoked);
    rc = reg_finish_write(db, p, "user.password", target ? target : "user", NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
    return rc;
}

int edx_user_set_status(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                        const char *status, edx_err *err)
{
    if (!status || (strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0))
        return edx_err_invalid(err, "status", "status must be active or disabled");
    user_row u = {0};
    int rc = user_for_write(db, a, p, username, &u, err);
    if (rc < 0) return rc;
    if (p->user_id == u.id && strcmp(status, "disabled") == 0)
        return edx_err_invalid(err, "status", "you cannot disable your own account");
    if (strcmp(u.status, status) == 0) return 0; // NOLINT: user_load sets status or fails
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    rc = edx_db_exec(db, "UPDATE users SET status = ?, updated_at = ? WHERE id = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(status), EDX_DB_INT(edx_now()), EDX_DB_INT(u.id)),
                     err);
    if (rc >= 0 && strcmp(status, "disabled") == 0) rc = end_sessions(db, u.id, 0, err);
    json_t *before = json_pack("{s:s}", "status", u.status);
    json_t *after = json_pack("{s:s}", "status", status);
    char *target = edx_arena_printf(a, "user:%s", username);
    rc = reg_finish_write(db, p, "user.status", target ? target : "user", before, after, NULL, rc,
                          err);
    json_decref(before);
    json_decref(after);
    return rc;
}
