/* users.c: `edudx user …` and `edudx token …`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_user[] =
    "usage: edudx user add NAME --role ROLE [--unit CODE] [--display-name TEXT]\n"
    "       edudx user list\n"
    "       edudx user passwd NAME\n"
    "       edudx user disable NAME | enable NAME\n"
    "\n"
    "Roles: ministry_admin, unit_admin (needs --unit: manages that unit's subtree),\n"
    "reviewer, teacher and learner (need --unit). Passwords are read from the\n"
    "terminal (asked twice) or from one line of standard input; at least 10\n"
    "characters, not a common password. Passwords are stored as Argon2id hashes.\n"
    "Changing a password or disabling an account ends its sessions.\n";

int cli_user(int argc, char **argv)
{
    cli_opt o[] = {{"role", 1}, {"unit", 1}, {"display-name", 1}};
    const int n = 3;
    char *pos[2];
    int np, rc = cli_parse(argc, argv, o, n, pos, 2, &np, usage_user);
    if (rc) return rc > 0 ? 0 : 2;
    if (np < 1) return cli_usage_error(usage_user, "add, list, passwd, disable or enable?");
    const char *cmd = pos[0];
    int needs_name = strcmp(cmd, "list") != 0;
    if (needs_name && np != 2) return cli_usage_error(usage_user, "which user name?");
    cli_ctx x;
    if ((rc = cli_ctx_open(&x))) return rc;
    edx_db *db = x.db;
    json_t *out = NULL;
    char pw[512] = "";
    if (strcmp(cmd, "add") == 0 || strcmp(cmd, "passwd") == 0) {
        if (cli_read_secret("new password", pw, sizeof pw, 1)) {
            rc = 2;
            goto done;
        }
    }
    if (strcmp(cmd, "add") == 0) {
        if (!cli_val(o, n, "role")) {
            rc = cli_usage_error(usage_user, "--role is required");
            goto done;
        }
        const char *dn = cli_val(o, n, "display-name");
        json_t *body = json_pack("{s:s,s:s,s:s,s:s?}", "username", pos[1], "display_name",
                                 dn ? dn : pos[1], "role", cli_val(o, n, "role"), "unit_code",
                                 cli_val(o, n, "unit"));
        rc = body ? edx_user_add(db, &x.a, &x.sys, body, pw, &out, &x.e) : edx_err_nomem(&x.e);
        json_decref(body);
        if (rc == 0) fprintf(stderr, "created %s\n", pos[1]);
    } else if (strcmp(cmd, "list") == 0) {
        rc = edx_user_list(db, &x.a, &x.sys, &out, &x.e);
        if (rc == 0 && !cli_g.json) {
            size_t i;
            json_t *u;
            json_array_foreach(json_object_get(out, "users"), i, u) {
                const char *unit = json_string_value(json_object_get(u, "unit_code"));
                printf("%-24s %-15s %-9s %s\n", json_string_value(json_object_get(u, "username")),
                       json_string_value(json_object_get(u, "role")),
                       json_string_value(json_object_get(u, "status")), unit ? unit : "-");
            }
            json_decref(out);
            out = NULL;
        }
    } else if (strcmp(cmd, "passwd") == 0) {
        rc = edx_user_set_password(db, &x.a, &x.sys, pos[1], pw, &x.e);
        if (rc == 0) fprintf(stderr, "password changed; sessions of %s ended\n", pos[1]);
    } else if (strcmp(cmd, "disable") == 0 || strcmp(cmd, "enable") == 0) {
        rc = edx_user_set_status(db, &x.a, &x.sys, pos[1],
                                 strcmp(cmd, "disable") == 0 ? "disabled" : "active", &x.e);
        if (rc == 0) fprintf(stderr, "%s %sd\n", pos[1], cmd);
    } else {
        rc = cli_usage_error(usage_user, "unknown user command %s", cmd);
        goto done;
    }
    if (rc < 0) rc = cli_fail("user", &x.e);
    else if (out && cli_g.json) cli_print_json(out), out = NULL;
done:
    edx_wipe(pw, sizeof pw);
    json_decref(out);
    cli_ctx_close(&x);
    return rc < 0 ? 1 : rc;
}

static const char usage_token[] =
    "usage: edudx token create --user NAME [--name LABEL] [--scope read|write] [--days N]\n"
    "       edudx token revoke ID\n"
    "       edudx token list [--user NAME]\n"
    "\n"
    "An API token lets a program call the API as the user, limited to reading\n"
    "(scope read, the default) or not (write). It is printed once and only its\n"
    "hash is kept; it expires after --days (default 90, at most 730). Use it as\n"
    "`Authorization: Bearer <token>`.\n";

int cli_token(int argc, char **argv)
{
    cli_opt o[] = {{"user", 1}, {"name", 1}, {"scope", 1}, {"days", 1}};
    const int n = 4;
    char *pos[2];
    int np, rc = cli_parse(argc, argv, o, n, pos, 2, &np, usage_token);
    if (rc) return rc > 0 ? 0 : 2;
    if (np < 1) return cli_usage_error(usage_token, "create, revoke or list?");
    const char *cmd = pos[0];
    if (strcmp(cmd, "create") == 0 && !cli_val(o, n, "user"))
        return cli_usage_error(usage_token, "--user is required");
    if (strcmp(cmd, "revoke") == 0 && np != 2) return cli_usage_error(usage_token, "which token id?");
    cli_ctx x;
    if ((rc = cli_ctx_open(&x))) return rc;
    edx_db *db = x.db;
    json_t *out = NULL;
    if (strcmp(cmd, "create") == 0) {
        const char *days = cli_val(o, n, "days");
        char *secret = NULL;
        rc = edx_token_create(db, &x.a, &x.sys, cli_val(o, n, "user"),
                              cli_val(o, n, "name") ? cli_val(o, n, "name") : "cli",
                              cli_val(o, n, "scope"), days ? atoll(days) : 90, &secret, &out, &x.e);
        if (rc == 0) {
            if (cli_g.json) {
                json_object_set_new(out, "token", json_string(secret));
                cli_print_json(out);
                out = NULL;
            } else {
                printf("%s\n", secret);
                fprintf(stderr, "token %s for %s (%s scope, expires %s); shown only now\n",
                        json_string_value(json_object_get(out, "id")), cli_val(o, n, "user"),
                        json_string_value(json_object_get(out, "scope")),
                        json_string_value(json_object_get(out, "expires_at")));
            }
            edx_wipe(secret, strlen(secret));
        }
    } else if (strcmp(cmd, "revoke") == 0) {
        rc = edx_token_revoke(db, &x.a, &x.sys, pos[1], &x.e);
        if (rc == 0) fprintf(stderr, "token %s revoked\n", pos[1]);
    } else if (strcmp(cmd, "list") == 0) {
        rc = edx_token_list(db, &x.a, &x.sys, cli_val(o, n, "user"), &out, &x.e);
        if (rc == 0) {
            cli_print_json(out);
            out = NULL;
        }
    } else {
        rc = cli_usage_error(usage_token, "unknown token command %s", cmd);
        goto done;
    }
    if (rc < 0) rc = cli_fail("token", &x.e);
done:
    json_decref(out);
    cli_ctx_close(&x);
    return rc;
}
