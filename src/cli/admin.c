/* admin.c: init, serve, migrate, backup, audit and routes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "base/buf.h"
#include "base/log.h"
#include "cli/cli.h"
#include "http/http.h"

/* mkdir -p of the directory part of `path`. */
static void make_parent_dirs(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash) return;
    *slash = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(buf, 0750);
        *p = '/';
    }
    mkdir(buf, 0750);
}

static const char usage_init[] =
    "usage: edudx init [--admin NAME] [--display-name TEXT] [--public-url URL]\n"
    "\n"
    "Create the store (SQLite file or PostgreSQL schema) with all migrations, the\n"
    "server secret file and the master key file that seals issuers' signing keys\n"
    "(32 random bytes each, mode 0600) if they do not exist. Safe to run again.\n"
    "With --admin, also create a ministry_admin account; its password is read from\n"
    "the terminal (asked twice) or from one line of standard input.\n"
    "--public-url sets how the deployment is reached (default http://127.0.0.1:8080):\n"
    "credentials carry it in their status list and verification links.\n";

int cli_init(int argc, char **argv)
{
    cli_opt o[] = {{"admin", 1}, {"display-name", 1}, {"public-url", 1}};
    char *pos[1];
    int np, rc = cli_parse(argc, argv, o, 3, pos, 0, &np, usage_init);
    if (rc) return rc > 0 ? 0 : 2;
    if (!edx_db_url_is_postgres(cli_g.db)) make_parent_dirs(cli_g.db);
    make_parent_dirs(cli_g.secret_file);
    uint8_t *key = edx_secret_alloc(EDX_SECRET_BYTES);
    if (!key) return 1;
    rc = cli_load_secret(key, 1);
    if (rc == 0) {
        char why[160];
        make_parent_dirs(cli_g.master_key_file);
        if (edx_secret_load(cli_g.master_key_file, 1, key, why) != 0) {
            fprintf(stderr, "edudx init: %s\n", why);
            rc = 1;
        }
    }
    edx_secret_free(key);
    if (rc) return rc;
    edx_db *db;
    if ((rc = cli_open_db(&db))) return rc;
    {
        const char *pu = cli_val(o, 3, "public-url");
        char cur[512];
        edx_err pe;
        edx_err_clear(&pe);
        int have = edx_db_setting_get(db, "public_url", cur, sizeof cur, &pe);
        if (have < 0 || ((pu || have == 0) &&
                         edx_db_setting_put(db, "public_url", pu ? pu : "http://127.0.0.1:8080",
                                            &pe) < 0)) {
            edx_db_close(db);
            return cli_fail("init", &pe);
        }
    }
    const char *admin = cli_val(o, 2, "admin");
    if (admin) {
        char pw[512];
        if (cli_read_secret("password for the new admin", pw, sizeof pw, 1)) {
            edx_db_close(db);
            return 2;
        }
        edx_principal sys;
        edx_principal_system(&sys);
        edx_arena a;
        edx_arena_init(&a, 0);
        edx_err e;
        edx_err_clear(&e);
        const char *dn = cli_val(o, 2, "display-name");
        json_t *body = json_pack("{s:s,s:s,s:s}", "username", admin, "display_name",
                                 dn ? dn : "Quản trị Bộ GD&ĐT", "role", "ministry_admin");
        json_t *out = NULL;
        rc = edx_user_add(db, &a, &sys, body, pw, &out, &e);
        edx_wipe(pw, sizeof pw);
        json_decref(body);
        json_decref(out);
        edx_arena_free(&a);
        if (rc < 0) {
            edx_db_close(db);
            return cli_fail("init", &e);
        }
        fprintf(stderr, "created ministry_admin %s\n", admin);
    }
    edx_db_close(db);
    fprintf(stderr, "store ready: %s\nsecret: %s\n", cli_g.db, cli_g.secret_file);
    return 0;
}

static const char usage_serve[] =
    "usage: edudx serve [options]\n"
    "\n"
    "Serve the web UI and the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json),\n"
    "/healthz, /readyz and /metrics. SIGTERM or SIGINT drains: new connections are\n"
    "refused, requests in flight finish (up to --grace seconds), then it exits 0.\n"
    "\n"
    "  --listen HOST:PORT      address (default 127.0.0.1:8080)\n"
    "  --threads N             worker threads, one store connection each (default: cores)\n"
    "  --public-url URL        how users reach it; https:// makes cookies Secure\n"
    "  --max-body BYTES        JSON bodies (default 1048576)\n"
    "  --max-upload BYTES      CSV uploads (default 67108864)\n"
    "  --max-header BYTES      request line and headers (default 16384)\n"
    "  --idle-timeout S        close silent connections after S seconds (default 30)\n"
    "  --request-timeout S     a request body must arrive within S seconds (default 60)\n"
    "  --grace S               how long to wait for requests in flight on SIGTERM (default 30)\n"
    "  --drain-delay S         on SIGTERM, answer /readyz 503 for S seconds before closing\n"
    "                          the listener, so a load balancer stops sending (default 0)\n"
    "  --max-connections N     (default 4096)\n"
    "  --max-per-ip N          connections per client address, 0 = unlimited (default 0)\n"
    "  --session-ttl S         session lifetime (default 43200)\n"
    "  --session-idle S        session idle timeout (default 7200)\n"
    "  --trust-proxy           take client addresses from X-Forwarded-For\n"
    "  --access-log on|off     one JSON line per request on stderr (default on)\n"
    "  --log-file FILE         write logs to FILE instead of stderr\n";

static int num(const char *v, long long min, long long max, long long *out, const char *name)
{
    if (!v) return 0;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || errno || x < min || x > max) {
        cli_usage_error(usage_serve, "--%s must be a number from %lld to %lld", name, min, max);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_serve(int argc, char **argv)
{
    cli_opt o[] = {{"listen", 1},        {"threads", 1},         {"public-url", 1},
                   {"max-body", 1},      {"max-upload", 1},      {"max-header", 1},
                   {"idle-timeout", 1},  {"request-timeout", 1}, {"grace", 1},
                   {"max-connections", 1}, {"max-per-ip", 1},    {"session-ttl", 1},
                   {"session-idle", 1},  {"trust-proxy", 0},     {"access-log", 1},
                   {"log-file", 1},      {"drain-delay", 1}};
    const int n = (int)(sizeof o / sizeof o[0]);
    char *pos[1];
    int np, rc = cli_parse(argc, argv, o, n, pos, 0, &np, usage_serve);
    if (rc) return rc > 0 ? 0 : 2;
    edx_server_cfg c;
    edx_server_cfg_default(&c);
    c.db_url = cli_g.db;
    c.secret_file = cli_g.secret_file;
    c.master_key_file = cli_g.master_key_file;
    c.evidence_dir = cli_g.evidence_dir;
    if (cli_val(o, n, "listen")) c.listen = cli_val(o, n, "listen");
    c.public_url = cli_val(o, n, "public-url");
    c.trust_proxy = cli_has(o, n, "trust-proxy");
    const char *al = cli_val(o, n, "access-log");
    if (al && strcmp(al, "on") != 0 && strcmp(al, "off") != 0)
        return cli_usage_error(usage_serve, "--access-log takes on or off");
    if (al) c.access_log = al;
    long long v;
    struct {
        const char *name;
        long long min, max;
        int kind; /* 0 int, 1 size_t, 2 int64 */
        void *dst;
    } nums[] = {
        {"threads", 1, 256, 0, &c.threads},
        {"max-body", 1024, 1LL << 30, 1, &c.max_body},
        {"max-upload", 1024, 1LL << 32, 1, &c.max_upload},
        {"max-header", 1024, 1 << 20, 1, &c.max_header},
        {"idle-timeout", 1, 86400, 0, &c.idle_timeout},
        {"request-timeout", 1, 86400, 0, &c.request_timeout},
        {"grace", 0, 3600, 0, &c.shutdown_grace},
        {"drain-delay", 0, 600, 0, &c.drain_delay},
        {"max-connections", 1, 1000000, 0, &c.max_connections},
        {"max-per-ip", 0, 1000000, 0, &c.max_per_ip},
        {"session-ttl", 60, 30LL * 86400, 2, &c.auth.session_ttl},
        {"session-idle", 60, 30LL * 86400, 2, &c.auth.session_idle},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        v = -1;
        if (num(cli_val(o, n, nums[i].name), nums[i].min, nums[i].max, &v, nums[i].name)) return 2;
        if (v < 0) continue;
        if (nums[i].kind == 0) *(int *)nums[i].dst = (int)v;
        else if (nums[i].kind == 1) *(size_t *)nums[i].dst = (size_t)v;
        else *(int64_t *)nums[i].dst = v;
    }
    const char *lf = cli_val(o, n, "log-file");
    if (lf && edx_log_open(lf) != 0) {
        fprintf(stderr, "edudx serve: cannot open log file %s: %s\n", lf, strerror(errno));
        return 1;
    }
    rc = edx_serve(&c);
    edx_log_close();
    return rc;
}

static const char usage_migrate[] =
    "usage: edudx migrate [--status]\n"
    "\n"
    "Apply the schema migrations this edudx knows and the store lacks (serve and\n"
    "every command do this too). --status prints the versions and changes nothing.\n";

int cli_migrate(int argc, char **argv)
{
    cli_opt o[] = {{"status", 0}};
    char *pos[1];
    int np, rc = cli_parse(argc, argv, o, 1, pos, 0, &np, usage_migrate);
    if (rc) return rc > 0 ? 0 : 2;
    edx_db *db;
    edx_err e;
    edx_err_clear(&e);
    if (edx_db_open(&db, cli_g.db, &e) < 0) return cli_fail("migrate", &e);
    int cur = 0, latest = 0, applied = 0;
    if (!cli_has(o, 1, "status") && edx_db_migrate(db, &applied, &e) < 0) {
        edx_db_close(db);
        return cli_fail("migrate", &e);
    }
    if (edx_db_schema_version(db, &cur, &latest, &e) < 0) {
        edx_db_close(db);
        return cli_fail("migrate", &e);
    }
    edx_db_close(db);
    if (cli_g.json)
        cli_print_json(json_pack("{s:i,s:i,s:i}", "current", cur, "latest", latest, "applied",
                                 applied));
    else
        printf("schema version %d of %d%s (applied %d now)\n", cur, latest,
               cur == latest ? ", up to date" : ", migrations pending", applied);
    return 0;
}

static const char usage_backup[] =
    "usage: edudx backup FILE\n"
    "\n"
    "Copy the live SQLite store to FILE with SQLite's online backup API: a\n"
    "consistent snapshot while the server keeps running. To restore, stop the\n"
    "server, replace the store file with the copy (and delete any -wal/-shm files\n"
    "next to the old one), then start it again. For PostgreSQL use pg_dump.\n";

int cli_backup(int argc, char **argv)
{
    char *pos[1];
    int np, rc = cli_parse(argc, argv, NULL, 0, pos, 1, &np, usage_backup);
    if (rc) return rc > 0 ? 0 : 2;
    if (np != 1) return cli_usage_error(usage_backup, "which file should the copy go to?");
    struct stat st;
    if (stat(pos[0], &st) == 0) {
        fprintf(stderr, "edudx backup: %s exists; choose a new file name\n", pos[0]);
        return 2;
    }
    edx_db *db;
    if ((rc = cli_open_db(&db))) return rc;
    edx_err e;
    edx_err_clear(&e);
    rc = edx_db_backup(db, pos[0], &e);
    edx_db_close(db);
    if (rc < 0) return cli_fail("backup", &e);
    fprintf(stderr, "backup written to %s\n", pos[0]);
    return 0;
}

static const char usage_audit[] =
    "usage: edudx audit verify\n"
    "       edudx audit list [--limit N] [--before SEQ]\n"
    "\n"
    "verify walks the whole hash chain and exits 0 when it is intact, 1 when a\n"
    "record was edited, deleted or reordered (it names the first bad record). It\n"
    "prints the head hash: keep it somewhere else to detect a rewritten chain.\n";

int cli_audit(int argc, char **argv)
{
    cli_opt o[] = {{"limit", 1}, {"before", 1}};
    char *pos[2];
    int np, rc = cli_parse(argc, argv, o, 2, pos, 1, &np, usage_audit);
    if (rc) return rc > 0 ? 0 : 2;
    if (np != 1) return cli_usage_error(usage_audit, "verify or list?");
    edx_db *db;
    if ((rc = cli_open_db(&db))) return rc;
    edx_err e;
    edx_err_clear(&e);
    if (strcmp(pos[0], "verify") == 0) {
        edx_audit_report rep;
        rc = edx_audit_verify(db, &rep, &e);
        edx_db_close(db);
        if (rc < 0) return cli_fail("audit verify", &e);
        if (cli_g.json) {
            cli_print_json(json_pack("{s:b,s:I,s:I,s:s,s:s}", "intact", rc == 0, "records",
                                     (json_int_t)rep.records, "first_bad_seq",
                                     (json_int_t)rep.bad_seq, "reason", rep.reason, "head",
                                     rep.head));
        } else if (rc == 0) {
            printf("audit log intact: %lld records, head %s\n", (long long)rep.records, rep.head);
        } else {
            printf("audit log TAMPERED: %s\n", rep.reason);
        }
        return rc == 0 ? 0 : 1;
    }
    if (strcmp(pos[0], "list") == 0) {
        long long limit = 20, before = 0;
        const char *l = cli_val(o, 2, "limit"), *b = cli_val(o, 2, "before");
        if (l) limit = atoll(l);
        if (b) before = atoll(b);
        if (limit < 1 || limit > 100000) {
            edx_db_close(db);
            return cli_usage_error(usage_audit, "--limit must be 1 to 100000");
        }
        json_t *arr = NULL;
        rc = edx_audit_list(db, before, (int)limit, &arr, &e);
        edx_db_close(db);
        if (rc < 0) return cli_fail("audit list", &e);
        if (cli_g.json) {
            cli_print_json(arr);
            return 0;
        }
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
            printf("%6lld  %s  %-22s %-16s %s\n",
                   (long long)json_integer_value(json_object_get(v, "seq")),
                   json_string_value(json_object_get(v, "at")),
                   json_string_value(json_object_get(v, "actor")),
                   json_string_value(json_object_get(v, "action")),
                   json_string_value(json_object_get(v, "target")));
        }
        json_decref(arr);
        return 0;
    }
    edx_db_close(db);
    return cli_usage_error(usage_audit, "unknown audit command %s", pos[0]);
}

static const char usage_routes[] =
    "usage: edudx routes\n"
    "\n"
    "Print every HTTP route with the roles allowed to call it (--json for tests\n"
    "and tools).\n";

int cli_routes(int argc, char **argv)
{
    char *pos[1];
    int np, rc = cli_parse(argc, argv, NULL, 0, pos, 0, &np, usage_routes);
    if (rc) return rc > 0 ? 0 : 2;
    size_t n;
    const edx_route *rt = edx_routes(&n);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *roles = json_array();
        for (int k = 0; k < EDX_ROLE_COUNT; k++)
            if (rt[i].roles & EDX_ROLE_BIT(k))
                json_array_append_new(roles, json_string(edx_role_name((edx_role)k)));
        json_array_append_new(arr, json_pack("{s:s,s:s,s:o,s:s,s:b,s:b}", "method", rt[i].method,
                                             "path", rt[i].pattern, "roles", roles, "summary",
                                             rt[i].summary, "csrf_exempt",
                                             (rt[i].flags & EDX_RT_CSRF_EXEMPT) != 0, "upload",
                                             (rt[i].flags & EDX_RT_UPLOAD) != 0));
    }
    if (cli_g.json) {
        cli_print_json(arr);
        return 0;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        printf("%-7s %-38s", json_string_value(json_object_get(v, "method")),
               json_string_value(json_object_get(v, "path")));
        size_t j;
        json_t *role;
        json_array_foreach(json_object_get(v, "roles"), j, role)
            printf("%s%s", j ? "," : " ", json_string_value(role));
        putchar('\n');
    }
    json_decref(arr);
    return 0;
}
