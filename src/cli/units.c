/* units.c: `edudx units …` and `edudx people …`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "json/json.h"

static const char usage_units[] =
    "usage: edudx units import FILE.csv [--dry-run]\n"
    "       edudx units export [FILE] [--under CODE]\n"
    "       edudx units list [--under CODE | --parent CODE] [--q TEXT] [--type T]\n"
    "                        [--province P] [--limit N]\n"
    "       edudx units show CODE\n"
    "       edudx units provinces\n"
    "\n"
    "import reads RFC 4180 CSV (UTF-8, with or without BOM). Header: code,name,type\n"
    "and optionally parent_code,province,status,name_en, in any order. Rows are\n"
    "matched by code: new codes are created, known ones updated. The whole file is\n"
    "one transaction: when any row is wrong nothing is written and every problem is\n"
    "listed as row, column, reason (exit 2). Running the same file again changes\n"
    "nothing. Types: ministry ministry_unit national_university doet university\n"
    "college vocational school other. Statuses: active inactive closed.\n"
    "Provinces (the 34 since July 2025): `edudx units provinces`.\n";

static void progress(long done, long total)
{
    fprintf(stderr, "\rwriting units: %ld/%ld", done, total);
    if (done == total) fputc('\n', stderr);
}

static int units_import(edx_db *db, edx_arena *a, const edx_principal *p, const char *file,
                        int dry)
{
    size_t len = 0;
    char *data = cli_slurp(file, &len);
    if (!data) {
        fprintf(stderr, "edudx units import: cannot read %s: %s\n", file, strerror(errno));
        return 2;
    }
    edx_err e;
    edx_err_clear(&e);
    edx_import_report rep;
    int rc = edx_units_import_csv(db, a, p, data, len, dry, progress, &rep, &e);
    free(data);
    if (rc < 0) return cli_fail("units import", &e);
    if (cli_g.json)
        cli_print_json(json_pack("{s:b,s:I,s:I,s:I,s:I,s:s}", "dry_run", dry, "rows",
                                 (json_int_t)rep.rows, "created", (json_int_t)rep.created,
                                 "updated", (json_int_t)rep.updated, "unchanged",
                                 (json_int_t)rep.unchanged, "sha256", rep.sha256));
    else
        printf("%s%ld rows: %ld created, %ld updated, %ld unchanged\n",
               dry ? "dry run, nothing written: " : "", rep.rows, rep.created, rep.updated,
               rep.unchanged);
    return 0;
}

static void print_unit_line(json_t *u)
{
    printf("%-20s %-20s %s\n", json_string_value(json_object_get(u, "code")),
           json_string_value(json_object_get(u, "type")),
           json_string_value(json_object_get(u, "name")));
}

int cli_units(int argc, char **argv)
{
    cli_opt o[] = {{"dry-run", 0}, {"under", 1},    {"parent", 1}, {"q", 1},
                   {"type", 1},    {"province", 1}, {"limit", 1}};
    const int n = (int)(sizeof o / sizeof o[0]);
    char *pos[3];
    int np, rc = cli_parse(argc, argv, o, n, pos, 3, &np, usage_units);
    if (rc) return rc > 0 ? 0 : 2;
    if (np < 1) return cli_usage_error(usage_units, "import, export, list, show or provinces?");
    const char *cmd = pos[0];
    cli_ctx x;
    if ((rc = cli_ctx_open(&x))) return rc;
    edx_db *db = x.db;
    edx_arena *a = &x.a;
    const edx_principal *sys = &x.sys;
    edx_err *e = &x.e;
    json_t *out = NULL;
    if (strcmp(cmd, "import") == 0) {
        if (np != 2) rc = cli_usage_error(usage_units, "which CSV file?");
        else rc = units_import(db, a, sys, pos[1], cli_has(o, n, "dry-run"));
    } else if (strcmp(cmd, "export") == 0) {
        edx_buf b = EDX_BUF_INIT;
        rc = edx_units_export_csv(db, a, sys, cli_val(o, n, "under"), &b, e);
        if (rc < 0) {
            rc = cli_fail("units export", e);
        } else {
            FILE *f = np == 2 && strcmp(pos[1], "-") != 0 ? fopen(pos[1], "wb") : stdout;
            if (!f) {
                fprintf(stderr, "edudx units export: cannot write %s: %s\n", pos[1],
                        strerror(errno));
                rc = 1;
            } else {
                rc = fwrite(b.data, 1, b.len, f) == b.len ? 0 : 1;
                if (f != stdout && fclose(f) != 0) rc = 1;
            }
        }
        edx_buf_free(&b);
    } else if (strcmp(cmd, "list") == 0) {
        edx_unit_query q;
        memset(&q, 0, sizeof q);
        q.under = cli_val(o, n, "under");
        q.parent = cli_val(o, n, "parent");
        q.q = cli_val(o, n, "q");
        q.type = cli_val(o, n, "type");
        q.province = cli_val(o, n, "province");
        q.limit = cli_val(o, n, "limit") ? atoi(cli_val(o, n, "limit")) : 500;
        rc = edx_unit_list(db, a, sys, &q, &out, e);
        if (rc < 0) {
            rc = cli_fail("units list", e);
        } else if (cli_g.json) {
            cli_print_json(out);
            out = NULL;
        } else {
            size_t i;
            json_t *u;
            json_array_foreach(json_object_get(out, "units"), i, u) print_unit_line(u);
        }
    } else if (strcmp(cmd, "show") == 0) {
        if (np != 2) {
            rc = cli_usage_error(usage_units, "which unit code?");
        } else {
            rc = cli_result("units show", edx_unit_get(db, a, sys, pos[1], &out, e), e, &out);
        }
    } else if (strcmp(cmd, "provinces") == 0) {
        if ((rc = edx_province_list(db, &out, e)) < 0) {
            rc = cli_fail("units provinces", e);
        } else if (cli_g.json) {
            cli_print_json(out);
            out = NULL;
        } else {
            size_t i;
            json_t *p;
            json_array_foreach(out, i, p) printf("%-14s %s\n",
                                                 json_string_value(json_object_get(p, "code")),
                                                 json_string_value(json_object_get(p, "name")));
        }
    } else {
        rc = cli_usage_error(usage_units, "unknown units command %s", cmd);
    }
    json_decref(out);
    cli_ctx_close(&x);
    return rc;
}

static const char usage_people[] =
    "usage: edudx people add --unit CODE --name TEXT --kind teacher|manager|learner|staff\n"
    "       edudx people find\n"
    "       edudx people list --unit CODE [--subtree] [--q TEXT]\n"
    "\n"
    "The 12-digit ID number is read from the terminal without echo (or one line of\n"
    "standard input), never from the command line where ps and shell history would\n"
    "keep it. Only a keyed hash and the last 4 digits are stored.\n";

int cli_people(int argc, char **argv)
{
    cli_opt o[] = {{"unit", 1}, {"name", 1}, {"kind", 1}, {"subtree", 0}, {"q", 1}};
    const int n = (int)(sizeof o / sizeof o[0]);
    char *pos[2];
    int np, rc = cli_parse(argc, argv, o, n, pos, 1, &np, usage_people);
    if (rc) return rc > 0 ? 0 : 2;
    if (np != 1) return cli_usage_error(usage_people, "add, find or list?");
    uint8_t *key = edx_secret_alloc(EDX_SECRET_BYTES);
    if (!key) return 1;
    cli_ctx x;
    json_t *out = NULL;
    char nid[64] = "";
    if ((rc = cli_ctx_open(&x)) || (rc = cli_load_secret(key, 0))) goto done;
    edx_db *db = x.db;
    if (strcmp(pos[0], "add") == 0 || strcmp(pos[0], "find") == 0) {
        if (cli_read_secret("12-digit ID number", nid, sizeof nid, 0)) {
            rc = 2;
            goto done;
        }
    }
    if (strcmp(pos[0], "add") == 0) {
        json_t *body = json_pack("{s:s?,s:s?,s:s?,s:s}", "unit_code", cli_val(o, n, "unit"),
                                 "full_name", cli_val(o, n, "name"), "kind", cli_val(o, n, "kind"),
                                 "national_id", nid);
        rc = body ? edx_person_add(db, &x.a, &x.sys, key, body, &out, &x.e) : edx_err_nomem(&x.e);
        static const char *const secret_keys[] = {"national_id", NULL};
        edx_json_free_secrets(body, secret_keys);
    } else if (strcmp(pos[0], "find") == 0) {
        rc = edx_person_find_nid(db, &x.a, &x.sys, key, nid, &out, &x.e);
    } else if (strcmp(pos[0], "list") == 0) {
        rc = edx_person_list(db, &x.a, &x.sys, cli_val(o, n, "unit"), cli_has(o, n, "subtree"),
                             cli_val(o, n, "q"), 500, 0, &out, &x.e);
    } else {
        rc = cli_usage_error(usage_people, "unknown people command %s", pos[0]);
        goto done;
    }
    rc = cli_result("people", rc, &x.e, &out);
done:
    edx_wipe(nid, sizeof nid);
    json_decref(out);
    cli_ctx_close(&x);
    edx_secret_free(key);
    return rc;
}
