/* campaign.c: `edudx campaign`: define campaigns from JSON, register units, pledge, coverage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "json/json.h"
#include "movement/movement.h"

static const char usage_campaign[] =
    "usage: edudx campaign load FILE [--replace]      define a campaign from its JSON\n"
    "       edudx campaign list                        every campaign\n"
    "       edudx campaign show CODE                   one campaign's definition\n"
    "       edudx campaign register CODE --unit UNIT   register a unit\n"
    "       edudx campaign pledge CODE --unit UNIT --file FILE\n"
    "                                                 replace the unit's pledges with FILE's\n"
    "                                                 list of {indicator, phase, target, note}\n"
    "       edudx campaign registration CODE --unit UNIT   a unit's registration and pledges\n"
    "       edudx campaign coverage CODE [--registered true|false] [--type T] [--province P]\n"
    "                                                 who has and has not registered\n"
    "\n"
    "A campaign is a JSON document (docs/schemas/campaign.json): period, phases, review\n"
    "milestones, eligible unit types, criteria with weights, indicators, reward forms. The\n"
    "2025-2030 movement ships as data/movement/campaign-2025-2030.json. --replace redefines a\n"
    "campaign until the first unit registers. --json prints machine output.\n";

/* Read a JSON file: the parsed value, or NULL after printing why (exit code in *rc). */
static json_t *read_json(const char *path, int *rc)
{
    size_t len = 0;
    json_t *v = NULL;
    edx_err e;
    char *data = cli_slurp(path, &len);
    if (!data) {
        fprintf(stderr, "edudx campaign: cannot read %s: %s\n", path, strerror(errno));
        *rc = 2;
        return NULL;
    }
    if (edx_jcs_parse(data, len, &v, &e) != 0) {
        fprintf(stderr, "edudx campaign: %s: %s\n", path, e.message);
        *rc = 2;
    }
    free(data);
    return v;
}

static void print_coverage(const json_t *c)
{
    printf("%s: %lld of %lld eligible units registered (%lld not)\n",
           json_string_value(json_object_get(c, "campaign")),
           (long long)json_integer_value(json_object_get(c, "registered")),
           (long long)json_integer_value(json_object_get(c, "eligible")),
           (long long)json_integer_value(json_object_get(c, "not_registered")));
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(c, "by_type"), i, g) {
        printf("  %-20s %6lld / %lld\n", json_string_value(json_object_get(g, "type")),
               (long long)json_integer_value(json_object_get(g, "registered")),
               (long long)json_integer_value(json_object_get(g, "eligible")));
    }
    json_array_foreach(json_object_get(c, "units"), i, g) {
        const char *at = json_string_value(json_object_get(g, "registered_at"));
        printf("  %-24s %-12s %s\n", json_string_value(json_object_get(g, "code")),
               at ? "registered" : "-", json_string_value(json_object_get(g, "name")));
    }
}

int cli_campaign(int argc, char **argv)
{
    cli_opt o[] = {{"replace", 0}, {"unit", 1},  {"file", 1},
                   {"registered", 1}, {"type", 1}, {"province", 1}};
    const int n = (int)(sizeof o / sizeof o[0]);
    char *pos[3];
    int np, rc = cli_parse(argc, argv, o, n, pos, 2, &np, usage_campaign);
    if (rc) return rc > 0 ? 0 : 2;
    if (np < 1) return cli_usage_error(usage_campaign, "which campaign command?");
    const char *cmd = pos[0], *arg = np > 1 ? pos[1] : NULL, *unit = cli_val(o, n, "unit");
    int needs_arg = strcmp(cmd, "list") != 0;
    if (needs_arg && !arg) return cli_usage_error(usage_campaign, "%s needs a %s", cmd,
                                                  strcmp(cmd, "load") == 0 ? "FILE" : "CODE");
    int needs_unit = strcmp(cmd, "register") == 0 || strcmp(cmd, "pledge") == 0 ||
                     strcmp(cmd, "registration") == 0;
    if (needs_unit && !unit) return cli_usage_error(usage_campaign, "%s needs --unit", cmd);
    json_t *in = NULL, *out = NULL;
    if (strcmp(cmd, "load") == 0 && !(in = read_json(arg, &rc))) return rc;
    if (strcmp(cmd, "pledge") == 0) {
        const char *file = cli_val(o, n, "file");
        if (!file) return cli_usage_error(usage_campaign, "pledge needs --file");
        if (!(in = read_json(file, &rc))) return rc;
    }
    cli_ctx x;
    if ((rc = cli_ctx_open(&x))) {
        json_decref(in);
        return rc;
    }
    edx_db *db = x.db;
    if (strcmp(cmd, "load") == 0) {
        rc = edx_campaign_define(db, &x.a, &x.sys, in, cli_has(o, n, "replace"), &out, &x.e);
    } else if (strcmp(cmd, "list") == 0) {
        rc = edx_campaign_list(db, &x.a, &x.sys, &out, &x.e);
    } else if (strcmp(cmd, "show") == 0) {
        rc = edx_campaign_get(db, &x.a, &x.sys, arg, &out, &x.e);
    } else if (strcmp(cmd, "register") == 0) {
        rc = edx_campaign_register(db, &x.a, &x.sys, arg, unit, &out, &x.e);
    } else if (strcmp(cmd, "pledge") == 0) {
        const json_t *list = json_is_object(in) ? json_object_get(in, "pledges") : in;
        rc = edx_campaign_pledge(db, &x.a, &x.sys, arg, unit, list, &out, &x.e);
    } else if (strcmp(cmd, "registration") == 0) {
        rc = edx_campaign_registration(db, &x.a, &x.sys, arg, unit, &out, &x.e);
    } else if (strcmp(cmd, "coverage") == 0) {
        edx_coverage_query q = {-1, cli_val(o, n, "type"), cli_val(o, n, "province"), 500, 0};
        const char *reg = cli_val(o, n, "registered");
        if (reg && strcmp(reg, "true") == 0) q.registered = 1;
        else if (reg && strcmp(reg, "false") == 0) q.registered = 0;
        else if (reg) {
            rc = cli_usage_error(usage_campaign, "--registered is true or false");
            goto done;
        }
        rc = edx_campaign_coverage(db, &x.a, &x.sys, arg, &q, &out, &x.e);
        if (rc >= 0 && !cli_g.json) {
            print_coverage(out);
            rc = 0;
            goto done;
        }
    } else {
        rc = cli_usage_error(usage_campaign, "unknown campaign command %s", cmd);
        goto done;
    }
    rc = cli_result("campaign", rc, &x.e, &out);
done:
    json_decref(in);
    json_decref(out);
    cli_ctx_close(&x);
    return rc;
}
