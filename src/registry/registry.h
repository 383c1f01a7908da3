/*
 * registry.h: the organisation registry (units of the education sector),
 * people (teachers, managers, learners), user accounts, roles, sessions and
 * API tokens.
 *
 * Every function takes the acting principal and enforces its scope: a
 * ministry admin sees everything, a unit admin only its unit's subtree. The
 * CLI acts as a system principal (edx_principal_system). Results meant for
 * callers are jansson objects the caller owns (json_decref); temporaries come
 * from the caller's arena. Every write is one transaction plus one audit
 * record.
 */
#ifndef EDX_REGISTRY_H
#define EDX_REGISTRY_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "crypto/crypto.h"
#include "store/db.h"

/* ---- Roles and principals ---------------------------------------------------------- */

typedef enum {
    EDX_ROLE_PUBLIC = 0,
    EDX_ROLE_MINISTRY_ADMIN = 1,
    EDX_ROLE_UNIT_ADMIN = 2,
    EDX_ROLE_REVIEWER = 3,
    EDX_ROLE_TEACHER = 4,
    EDX_ROLE_LEARNER = 5,
    EDX_ROLE_COUNT = 6
} edx_role;

#define EDX_ROLE_BIT(r) (1u << (r))
#define EDX_ROLES_SIGNED_IN                                                                        \
    (EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN) | EDX_ROLE_BIT(EDX_ROLE_UNIT_ADMIN) |                   \
     EDX_ROLE_BIT(EDX_ROLE_REVIEWER) | EDX_ROLE_BIT(EDX_ROLE_TEACHER) |                            \
     EDX_ROLE_BIT(EDX_ROLE_LEARNER))
#define EDX_ROLES_ADMIN (EDX_ROLE_BIT(EDX_ROLE_MINISTRY_ADMIN) | EDX_ROLE_BIT(EDX_ROLE_UNIT_ADMIN))
#define EDX_ROLES_ALL (EDX_ROLES_SIGNED_IN | EDX_ROLE_BIT(EDX_ROLE_PUBLIC))

/* "ministry_admin" … "learner", "public". */
const char *edx_role_name(edx_role r);
/* The role called `name`, or -1. "public" is not a role an account can have. */
int edx_role_parse(const char *name);

typedef enum { EDX_AUTH_NONE = 0, EDX_AUTH_SESSION, EDX_AUTH_TOKEN, EDX_AUTH_SYSTEM } edx_auth_kind;

/* Who is acting. Strings point into the request's arena. */
typedef struct edx_principal {
    edx_role role;
    edx_auth_kind via;
    int64_t user_id;       /* 0 for public and system */
    const char *username;
    const char *display_name;
    int64_t unit_id;       /* 0 when the account has no unit */
    const char *unit_code;
    const char *unit_path; /* scope of a unit admin/teacher/learner: this subtree */
    int64_t session_id;    /* EDX_AUTH_SESSION */
    int64_t token_id;      /* EDX_AUTH_TOKEN */
    int token_write;       /* a token's scope allows writes */
    char actor[96];        /* for the audit log: "user:name", "token:id", "cli:root" */
} edx_principal;

/* The CLI's principal: full rights, audited as "cli:<os user>". */
void edx_principal_system(edx_principal *p);
/* An anonymous caller. */
void edx_principal_public(edx_principal *p);

/* 1 when `p` may read / change data of the unit at `unit_path`. */
int edx_scope_can_read(const edx_principal *p, const char *unit_path);
int edx_scope_can_write(const edx_principal *p, const char *unit_path);

/* The exclusive upper bound of the subtree range of `path` ("/A/" → "/A0"), in `a`. */
char *edx_unit_path_end(edx_arena *a, const char *path);

/*
 * The range of unit paths [*lo, *hi) whose data `p` may read, for SQL
 * "path >= lo AND path < hi": every unit for a ministry admin or the system,
 * the account's subtree otherwise; EDX_EPERM for an account without a unit.
 */
int edx_scope_range(edx_arena *a, const edx_principal *p, const char **lo, const char **hi,
                    edx_err *err);

/* ---- Units ------------------------------------------------------------------------- */

/* "ministry", "ministry_unit", … ; 1 if `type` is one of them. */
int edx_unit_type_valid(const char *type);
extern const char *const edx_unit_types[];

/* Check a unit code: 1–32 of A–Z 0–9 . _ - starting with a letter or digit. */
int edx_unit_code_check(const char *code, const char *field, edx_err *err);

/* A unit as other modules see it; strings live in the caller's arena. */
typedef struct edx_unit_ref {
    int64_t id;
    const char *code, *name, *name_en, *type, *path, *province, *status;
} edx_unit_ref;

/*
 * Load unit `code` for `p` to read (write = 0) or to act for (write = 1):
 * EDX_ENOTFOUND or EDX_EPERM with `field` named in the error.
 */
int edx_unit_ref_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                     int write, const char *field, edx_unit_ref *out, edx_err *err);
/* Load by id, without scope checks: 1 found, 0 not, <0 error. */
int edx_unit_ref_by_id(edx_db *db, edx_arena *a, int64_t id, edx_unit_ref *out, edx_err *err);
/* Load by code, without scope checks (names and paths are not secret): 0, or EDX_ENOTFOUND
 * naming field "unit". */
int edx_unit_ref_by_code(edx_db *db, edx_arena *a, const char *code, edx_unit_ref *out,
                         edx_err *err);

/* The Ministry: the first root of the tree (type "ministry"), or EDX_ENOTFOUND. */
int edx_unit_ref_ministry(edx_db *db, edx_arena *a, edx_unit_ref *out, edx_err *err);

/* One unit as JSON, with its ancestors (root first) and number of children. */
int edx_unit_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                 json_t **out, edx_err *err);

typedef struct edx_unit_query {
    const char *parent;   /* children of this code ("" for roots in scope) */
    const char *under;    /* whole subtree of this code */
    const char *q;        /* text search on name and code, accents optional */
    const char *type;
    const char *province;
    int limit;            /* 1..500, default 100 */
    int offset;
} edx_unit_query;

/* {"units":[…],"limit","offset","next_offset"}; only units in the caller's scope. */
int edx_unit_list(edx_db *db, edx_arena *a, const edx_principal *p, const edx_unit_query *q,
                  json_t **out, edx_err *err);

/* The 34 provinces: [{"code","name","name_en"}]. */
int edx_province_list(edx_db *db, json_t **out, edx_err *err);

/* Create from JSON {code,name,type,parent_code?,province?,status?,name_en?}; 409 if it exists. */
int edx_unit_create(edx_db *db, edx_arena *a, const edx_principal *p, json_t *body, json_t **out,
                    edx_err *err);
/* Change some fields of an existing unit (JSON with any of the fields except code). */
int edx_unit_update(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                    json_t *body, json_t **out, edx_err *err);

typedef struct edx_import_report {
    long rows, created, updated, unchanged;
    char sha256[EDX_SHA256_HEX];
} edx_import_report;

/*
 * Import units from RFC 4180 CSV (header: code,name,type and optionally
 * parent_code, province, status, name_en; UTF-8 with or without BOM).
 * Upsert by code, in one transaction: either every row is applied or, when
 * any row is wrong, nothing is written and err->rows lists each problem
 * (row, column, reason). `dry_run` validates and reports without writing.
 * `progress` (may be NULL) is called now and then with rows done so far.
 */
int edx_units_import_csv(edx_db *db, edx_arena *a, const edx_principal *p, const char *data,
                         size_t len, int dry_run, void (*progress)(long done, long total),
                         edx_import_report *rep, edx_err *err);

/* The units in scope (optionally under `under`) as CSV in import format, parents first. */
struct edx_buf;
int edx_units_export_csv(edx_db *db, edx_arena *a, const edx_principal *p, const char *under,
                         struct edx_buf *out, edx_err *err);

/* ---- People ------------------------------------------------------------------------ */

/*
 * Check a 12-digit citizen ID number: digits only, a known province code in
 * the first three digits, a century/sex digit and birth year that make sense.
 */
int edx_nid_check(const char *nid, const char *field, edx_err *err);

/* The keyed hash under which an ID number is stored and looked up (hex). */
void edx_nid_hash(const uint8_t key[EDX_SECRET_BYTES], const char *nid, char out[EDX_SHA256_HEX]);

/* Add a person from JSON {unit_code, full_name, kind, national_id}. Never stores the number. */
int edx_person_add(edx_db *db, edx_arena *a, const edx_principal *p,
                   const uint8_t key[EDX_SECRET_BYTES], json_t *body, json_t **out, edx_err *err);
int edx_person_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id, json_t **out,
                   edx_err *err);
/* Find by ID number (through its hash); 404 when none in the caller's scope. */
int edx_person_find_nid(edx_db *db, edx_arena *a, const edx_principal *p,
                        const uint8_t key[EDX_SECRET_BYTES], const char *nid, json_t **out,
                        edx_err *err);
/* People of a unit (and its subtree when `subtree`), optional name search. */
int edx_person_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit_code,
                    int subtree, const char *q, int limit, int offset, json_t **out, edx_err *err);

/* ---- Users ------------------------------------------------------------------------- */

/* Who an account is, for other domains (councils): strings in `a`; unit NULL when none. */
typedef struct edx_user_ref {
    int64_t id;
    const char *username, *display_name, *role, *status, *unit_code, *unit_path;
} edx_user_ref;

/* Load by user name without scope checks: 0, or EDX_ENOTFOUND naming "username". */
int edx_user_ref_get(edx_db *db, edx_arena *a, const char *username, edx_user_ref *out,
                     edx_err *err);

/* Minimum strength: ≥ 10 characters, not mostly the user name, not a common password. */
int edx_password_check(const char *password, const char *username, edx_err *err);

/* Create from JSON {username, display_name, role, unit_code?} with `password`. */
int edx_user_add(edx_db *db, edx_arena *a, const edx_principal *p, json_t *body,
                 const char *password, json_t **out, edx_err *err);
int edx_user_list(edx_db *db, edx_arena *a, const edx_principal *p, json_t **out, edx_err *err);
int edx_user_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                 json_t **out, edx_err *err);
/* New password; ends the user's other sessions and revokes the user's API tokens. */
int edx_user_set_password(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                          const char *password, edx_err *err);
/* "active" or "disabled"; disabling ends sessions and stops the user's tokens. */
int edx_user_set_status(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                        const char *status, edx_err *err);

/* ---- Sessions, login, tokens ------------------------------------------------------- */

typedef struct edx_auth_cfg {
    int64_t session_ttl;    /* absolute lifetime, seconds */
    int64_t session_idle;   /* idle timeout, seconds */
    int acct_max_failures;  /* per account per window */
    int addr_max_failures;  /* per client address per window */
    int64_t throttle_window;
} edx_auth_cfg;

void edx_auth_cfg_default(edx_auth_cfg *c);

typedef struct edx_login_result {
    char token[EDX_TOKEN_CHARS]; /* the session cookie value; wipe after use */
    int64_t expires_at;
    int64_t retry_after;         /* seconds, when throttled */
    json_t *session;             /* {"user":…,"csrf_token":…,"expires_at":…} */
} edx_login_result;

/*
 * Check a user name and password and open a session. Failures say only
 * "wrong user name or password" (EDX_EAUTH) whether or not the account
 * exists; too many failures per account or address give EDX_ELIMIT with
 * retry_after set.
 */
int edx_login(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg, const char *username,
              const char *password, const char *client_addr, const char *user_agent,
              edx_login_result *res, edx_err *err);

/* Check a password the way sign-in does (throttled), without opening a session. */
int edx_user_check_password(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg,
                            const char *username, const char *password, const char *client_addr,
                            int64_t *retry_after, edx_err *err);

/* Resolve a session cookie value into a principal; EDX_EAUTH when unknown or expired. */
int edx_session_auth(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg, const char *token,
                     edx_principal *out, edx_err *err);

/* The CSRF token bound to a session token (base64url). */
void edx_session_csrf(const char *session_token, char out[EDX_TOKEN_CHARS]);

/* {"user":…,"csrf_token":…,"expires_at":…} for the caller's session. */
int edx_session_describe(edx_db *db, edx_arena *a, const edx_principal *p,
                         const char *session_token, json_t **out, edx_err *err);

/* End the caller's session (logout). */
int edx_session_end(edx_db *db, const edx_principal *p, edx_err *err);

/* The caller's open sessions: {"sessions":[{id,created_at,last_seen_at,expires_at,
 * idle_expires_at,client,user_agent,current}]}. */
int edx_session_list(edx_db *db, edx_arena *a, const edx_auth_cfg *cfg, const edx_principal *p,
                     json_t **out, edx_err *err);

/* End one of the caller's sessions (e.g. a forgotten browser); 404 when it is not theirs. */
int edx_session_revoke(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                       edx_err *err);

/* Resolve "Bearer edx_<id>_<secret>"'s token part into a principal. */
int edx_token_auth(edx_db *db, edx_arena *a, const char *token, edx_principal *out, edx_err *err);

/*
 * Create an API token for `username` (or the caller when NULL). The full token
 * is returned once in *secret_out (arena); only its hash is stored.
 */
int edx_token_create(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                     const char *name, const char *scope, int64_t ttl_days, char **secret_out,
                     json_t **out, edx_err *err);
int edx_token_revoke(edx_db *db, edx_arena *a, const edx_principal *p, const char *public_id,
                     edx_err *err);
int edx_token_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *username,
                   json_t **out, edx_err *err);

#endif
