/*
 * credential.c: `edudx credential …` and `edudx trust …`: issue cohorts from
 * CSV, verify files offline, revoke/suspend/reinstate, print, keys, and the
 * registry of accredited issuers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "base/timeutil.h"
#include "cli/cli.h"
#include "credentials/credentials.h"
#include "json/json.h"

static const char usage_credential[] =
    "usage: edudx credential <command> [options]\n"
    "\n"
    "  issue --issuer UNIT --type TYPE --csv FILE [--skip-invalid] [--dry-run]\n"
    "        [--out-dir DIR] [--jsonl FILE]\n"
    "      Issue a cohort: one credential per CSV row. TYPE is diploma, degree,\n"
    "      transcript, skills or award; the columns are in docs/schemas/TYPE.input.json.\n"
    "      Every row is checked first: one bad row and nothing is issued (unless\n"
    "      --skip-invalid, which issues the good rows and reports the others). A rerun\n"
    "      issues only rows whose external_id the issuer has not issued yet. Progress\n"
    "      goes to stderr; --out-dir writes one EXTERNAL_ID.json per credential issued\n"
    "      by this run, --jsonl one line each.\n"
    "  verify FILE... [--trust FILE] [--status-dir DIR] [--store] [--require-trusted]\n"
    "      Verify credentials (a JSON file, or JSONL with one per line). Offline by\n"
    "      default: issuer keys from did:key or the trust registry file (edudx trust\n"
    "      export), status from the status list files in DIR (edudx credential\n"
    "      status-export). --store checks against this deployment's store instead.\n"
    "      Prints one line per credential (--json: one report per line).\n"
    "      Exit 0 all valid, 1 any invalid (or untrusted with --require-trusted),\n"
    "      2 unreadable input.\n"
    "  revoke|suspend|reinstate ID --reason TEXT\n"
    "      Change a credential's status; the status list is re-signed at once.\n"
    "  show ID              the stored credential and its status\n"
    "  list [--issuer UNIT] [--type T] [--status S] [--q TEXT] [--limit N]\n"
    "  render ID --pdf FILE an A4 PDF with a QR code linking to /verify\n"
    "  keys UNIT [--rotate] the unit's signing keys; --rotate retires the active key\n"
    "  status-export --out DIR   every status list, for offline verifiers\n"
    "  export --out FILE [--issuer UNIT]   every stored credential, one JSON per line\n";

static void progress(void *ctx, long done, long total)
{
    (void)ctx;
    fprintf(stderr, "\rissuing: %ld/%ld", done, total);
    if (done >= total) fputc('\n', stderr);
}

typedef struct sink {
    const char *dir;
    FILE *jsonl;
} sink;

static int emit(void *ctx, const char *external_id, const char *id, const char *doc, size_t len)
{
    sink *s = ctx;
    (void)id;
    if (s->jsonl && (fwrite(doc, 1, len, s->jsonl) != len || fputc('\n', s->jsonl) == EOF))
        return -1;
    if (s->dir) {
        char path[4096], name[128];
        size_t k = 0;
        /* External ids may hold '/': keep file names flat. */
        for (const char *p = external_id; *p && k < sizeof name - 1; p++)
            name[k++] = (*p == '/' || *p == '\\') ? '_' : *p;
        name[k] = '\0';
        snprintf(path, sizeof path, "%s/%s.json", s->dir, name);
        FILE *f = fopen(path, "wb");
        if (!f) return -1;
        int bad = fwrite(doc, 1, len, f) != len || fputc('\n', f) == EOF;
        if (fclose(f) != 0 || bad) return -1;
    }
    return 0;
}

static int load_master(uint8_t *key)
{
    char why[160];
    if (edx_secret_load(cli_g.master_key_file, 0, key, why) != 0) {
        fprintf(stderr, "edudx: %s (the master key file seals issuers' keys; run edudx init)\n",
                why);
        return 1;
    }
    return 0;
}

/*
 * What every credential command works with: the CLI context, the deployment
 * (public URL from the store) and, for commands that sign, the master key and
 * the server secret in guarded memory. cred_cli_close releases all of it.
 */
typedef struct cred_cli {
    cli_ctx x;
    edx_cred_env env;
    uint8_t *master, *nid;
    char url[512];
    int opened;
} cred_cli;

/* Exit code or 0; cred_cli_close is safe either way. */
static int cred_cli_open(cred_cli *c, int need_keys)
{
    memset(c, 0, sizeof *c);
    int rc = cli_ctx_open(&c->x);
    c->opened = 1;
    if (rc) return rc;
    if (edx_db_setting_get(c->x.db, "public_url", c->url, sizeof c->url, &c->x.e) <= 0)
        snprintf(c->url, sizeof c->url, "http://127.0.0.1:8080");
    c->env.public_url = c->url;
    if (need_keys) {
        c->master = edx_secret_alloc(EDX_SECRET_BYTES);
        c->nid = edx_secret_alloc(EDX_SECRET_BYTES);
        if (!c->master || !c->nid) return 1;
        if ((rc = load_master(c->master)) || (rc = cli_load_secret(c->nid, 0))) return rc;
        c->env.master_key = c->master;
        c->env.nid_key = c->nid;
    }
    return 0;
}

static void cred_cli_close(cred_cli *c)
{
    if (c->opened) cli_ctx_close(&c->x);
    edx_secret_free(c->master);
    edx_secret_free(c->nid);
    memset(c, 0, sizeof *c);
}

static int cmd_issue(cli_opt *o, int n)
{
    const char *issuer = cli_val(o, n, "issuer"), *type = cli_val(o, n, "type");
    const char *csv = cli_val(o, n, "csv");
    if (!issuer || !type || !csv)
        return cli_usage_error(usage_credential, "issue needs --issuer, --type and --csv");
    int t = edx_cred_type_parse(type);
    if (t < 0)
        return cli_usage_error(usage_credential,
                               "--type must be diploma, degree, transcript, skills or award");
    size_t len = 0;
    char *data = cli_slurp(csv, &len);
    if (!data) {
        fprintf(stderr, "edudx credential issue: cannot read %s: %s\n", csv, strerror(errno));
        return 2;
    }
    sink s = {cli_val(o, n, "out-dir"), NULL};
    const char *jsonl = cli_val(o, n, "jsonl");
    if (s.dir && mkdir(s.dir, 0750) != 0 && errno != EEXIST) {
        fprintf(stderr, "edudx credential issue: cannot create %s: %s\n", s.dir, strerror(errno));
        free(data);
        return 2;
    }
    if (jsonl && !(s.jsonl = fopen(jsonl, "ab"))) {
        fprintf(stderr, "edudx credential issue: cannot write %s: %s\n", jsonl, strerror(errno));
        free(data);
        return 2;
    }
    cred_cli c;
    edx_issue_opts io;
    edx_issue_report rep;
    memset(&io, 0, sizeof io);
    memset(&rep, 0, sizeof rep);
    int rc = cred_cli_open(&c, 1);
    if (rc) goto done;
    io.issuer = issuer;
    io.type = (edx_cred_type)t;
    io.skip_invalid = cli_has(o, n, "skip-invalid");
    io.dry_run = cli_has(o, n, "dry-run");
    io.progress = isatty(STDERR_FILENO) || getenv("EDX_PROGRESS") ? progress : NULL;
    io.emit = (s.dir || s.jsonl) ? emit : NULL;
    io.emit_ctx = &s;
    rc = edx_cred_issue_csv(c.x.db, &c.x.a, &c.x.sys, &c.env, data, len, &io, &rep, &c.x.e);
    if (rc < 0) {
        rc = cli_fail("credential issue", &c.x.e);
        goto done;
    }
    if (c.x.e.nrows) cli_fail("credential issue (skipped rows)", &c.x.e);
    if (cli_g.json)
        cli_print_json(json_pack("{s:I,s:I,s:I,s:I,s:b}", "records", (json_int_t)rep.records,
                                 "issued", (json_int_t)rep.issued, "existing",
                                 (json_int_t)rep.existing, "invalid", (json_int_t)rep.invalid,
                                 "dryRun", io.dry_run));
    else
        fprintf(stderr, "%s: %ld records, %ld issued, %ld already issued, %ld invalid\n",
                io.dry_run ? "dry run" : "done", rep.records, rep.issued, rep.existing,
                rep.invalid);
    rc = 0;
done:
    if (s.jsonl && fclose(s.jsonl) != 0 && rc == 0) rc = 1;
    free(data);
    cred_cli_close(&c);
    return rc;
}

/* ---- verify -------------------------------------------------------------------------------------- */

/* One thread's share of a batch of lines; each thread keeps its own verifier. */
typedef struct vjob {
    char **lines;
    size_t *lens;
    size_t n;
    int nthreads, tid;
    const char *file;
    size_t base, nlines;
    int require_trusted;
    edx_buf *out;     /* per line: the text to print */
    int *invalid;     /* per line: 1 when it counts against exit status 0 */
    edx_verifier *v;
} vjob;

static void format_report(edx_buf *b, const char *file, size_t line, size_t nlines,
                          json_t *rep, int ok, int require_trusted);

/*
 * Verify and format on this thread, in an arena scope: the parsed credential and its report
 * are jansson values made and dropped per line, so they come from a reused arena.
 */
static void *verify_worker(void *arg)
{
    vjob *j = arg;
    edx_arena scratch;
    edx_arena_init(&scratch, 1 << 16);
    for (size_t i = (size_t)j->tid; i < j->n; i += (size_t)j->nthreads) {
        json_t *rep = NULL;
        edx_json_use_arena(&scratch);
        int valid = edx_verify_text(j->v, j->lines[i], j->lens[i], 0, &rep);
        int trusted = json_is_true(json_object_get(rep, "trusted"));
        j->invalid[i] = !rep || valid != 1 || (j->require_trusted && !trusted);
        edx_buf_reset(&j->out[i]);
        if (rep)
            format_report(&j->out[i], j->file, j->base + i + 1, j->nlines, rep, valid == 1,
                          j->require_trusted);
        json_decref(rep);
        edx_json_use_arena(NULL);
        edx_arena_reset(&scratch);
    }
    edx_arena_free(&scratch);
    return NULL;
}

/* A verifier with the offline material loaded; NULL after printing why. */
static edx_verifier *make_verifier(edx_db *db, const edx_cred_env *env, const char *trust,
                                   size_t trust_len, char **lists, size_t *list_lens,
                                   size_t nlists)
{
    edx_err e;
    edx_err_clear(&e);
    edx_verifier *v = edx_verifier_new(db, env);
    if (!v) return NULL;
    int rc = trust ? edx_verifier_load_trust(v, trust, trust_len, &e) : 0;
    for (size_t i = 0; i < nlists && rc == 0; i++)
        rc = edx_verifier_add_status_list(v, lists[i], list_lens[i], &e);
    if (rc != 0) {
        cli_fail("credential verify", &e);
        edx_verifier_free(v);
        return NULL;
    }
    return v;
}

/* Split a file into credentials: one JSON document, or JSON lines. */
static size_t split(char *data, size_t len, char ***lines, size_t **lens)
{
    json_t *whole = NULL;
    edx_err e;
    size_t cap = 1024, n = 0;
    *lines = malloc(cap * sizeof **lines);
    *lens = malloc(cap * sizeof **lens);
    if (!*lines || !*lens) return 0;
    if (edx_jcs_parse(data, len, &whole, &e) == 0) {
        json_decref(whole);
        (*lines)[0] = data;
        (*lens)[0] = len;
        return 1;
    }
    char *p = data, *end = data + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        size_t l = (size_t)(le - p);
        while (l && (p[l - 1] == '\r' || p[l - 1] == ' ' || p[l - 1] == '\t')) l--;
        if (l) {
            if (n == cap) {
                cap *= 2;
                char **nls = realloc(*lines, cap * sizeof **lines);
                size_t *nle = nls ? realloc(*lens, cap * sizeof **lens) : NULL;
                if (nls) *lines = nls;
                if (!nle) return n;
                *lens = nle;
            }
            (*lines)[n] = p;
            (*lens)[n] = l;
            n++;
        }
        p = le + 1;
    }
    return n;
}

static int load_dir(const char *dir, char ***files, size_t **lens, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d) return -1;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len = 0;
        char *data = cli_slurp(path, &len);
        if (!data) continue;
        char **nf = realloc(*files, (*n + 1) * sizeof **files);
        size_t *nl = nf ? realloc(*lens, (*n + 1) * sizeof **lens) : NULL;
        if (nf) *files = nf;
        if (!nl) {
            free(data);
            break;
        }
        *lens = nl;
        (*files)[*n] = data;
        (*lens)[*n] = len;
        (*n)++;
    }
    closedir(d);
    return 0;
}

/* One report as printed: a JSON line (--json) or a verdict line and the checks that did not pass. */
static void format_report(edx_buf *b, const char *file, size_t line, size_t nlines,
                          json_t *rep, int ok, int require_trusted)
{
    if (cli_g.json) {
        if (edx_json_dump_buf(rep, JSON_COMPACT, b) == 0) edx_buf_putc(b, '\n');
        return;
    }
    json_t *c = json_object_get(rep, "credential");
    const char *subject = json_string_value(json_object_get(c, "subject"));
    const char *iname = json_string_value(json_object_get(json_object_get(c, "issuer"), "name"));
    int trusted = json_is_true(json_object_get(rep, "trusted"));
    const char *verdict = !ok ? "INVALID" : (!trusted && require_trusted) ? "UNTRUSTED" : "VALID";
    if (nlines > 1) edx_buf_printf(b, "%s:%zu: %s", file, line, verdict);
    else edx_buf_printf(b, "%s: %s", file, verdict);
    if (subject) edx_buf_printf(b, "  %s", subject);
    if (iname) edx_buf_printf(b, "  (%s)", iname);
    edx_buf_putc(b, '\n');
    size_t i;
    json_t *ch;
    json_array_foreach(json_object_get(rep, "checks"), i, ch) {
        const char *st = json_string_value(json_object_get(ch, "status"));
        if (strcmp(st, "pass") == 0 && ok) continue;
        edx_buf_printf(b, "  %-4s %-10s %s\n", st, json_string_value(json_object_get(ch, "check")),
                       json_string_value(json_object_get(json_object_get(ch, "message"), "en")));
    }
}

static int cmd_verify(cli_opt *o, int n, char **files, int nfiles)
{
    if (nfiles == 0) return cli_usage_error(usage_credential, "verify needs a FILE");
    const char *trust_file = cli_val(o, n, "trust"), *status_dir = cli_val(o, n, "status-dir");
    int use_store = cli_has(o, n, "store"), require_trusted = cli_has(o, n, "require-trusted");
    char *trust = NULL, **lists = NULL;
    size_t trust_len = 0, *list_lens = NULL, nlists = 0;
    int rc = 0, any_invalid = 0;
    cred_cli c;
    int have_ctx = 0;
    memset(&c, 0, sizeof c);
    if (trust_file && !(trust = cli_slurp(trust_file, &trust_len))) {
        fprintf(stderr, "edudx credential verify: cannot read %s: %s\n", trust_file,
                strerror(errno));
        return 2;
    }
    if (status_dir && load_dir(status_dir, &lists, &list_lens, &nlists) != 0) {
        fprintf(stderr, "edudx credential verify: cannot read %s: %s\n", status_dir,
                strerror(errno));
        free(trust);
        return 2;
    }
    if (use_store) {
        if ((rc = cred_cli_open(&c, 0))) goto done;
        have_ctx = 1;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = use_store ? 1 : (int)(cores > 0 ? (cores > 16 ? 16 : cores) : 1);
    edx_verifier *vs[16] = {0};
    for (int t = 0; t < nthreads; t++)
        if (!(vs[t] = make_verifier(have_ctx ? c.x.db : NULL, &c.env, trust, trust_len, lists,
                                    list_lens, nlists))) {
            rc = 2;
            goto done;
        }
    /* Batches keep memory flat: verify and format 8,192 on every core, print them in order. */
    enum { BATCH = 8192 };
    edx_buf *out = calloc(BATCH, sizeof *out);
    int *invalid = calloc(BATCH, sizeof *invalid);
    if (!out || !invalid) {
        free(out);
        free(invalid);
        rc = 1;
        goto done;
    }
    for (int f = 0; f < nfiles && rc == 0; f++) {
        size_t len = 0;
        char *data = cli_slurp(files[f], &len);
        if (!data) {
            fprintf(stderr, "edudx credential verify: cannot read %s: %s\n", files[f],
                    strerror(errno));
            rc = 2;
            break;
        }
        char **lines = NULL;
        size_t *lens = NULL;
        size_t nl = split(data, len, &lines, &lens);
        if (nl == 0) {
            fprintf(stderr, "edudx credential verify: %s holds no credential\n", files[f]);
            rc = 2;
        }
        for (size_t base = 0; base < nl; base += BATCH) {
            size_t cnt = nl - base < BATCH ? nl - base : BATCH;
            vjob jobs[16];
            pthread_t th[16];
            int t_used = cnt < (size_t)nthreads ? (int)cnt : nthreads, started = 1;
            for (int t = 0; t < t_used; t++)
                jobs[t] = (vjob){lines + base, lens + base, cnt, t_used, t, files[f], base, nl,
                                 require_trusted, out, invalid, vs[t]};
            for (int t = 1; t < t_used; t++) {
                if (pthread_create(&th[t], NULL, verify_worker, &jobs[t]) != 0) break;
                started++;
            }
            if (started < t_used) {
                /* Fewer threads than planned: this thread takes the missing lanes too. */
                for (int t = started; t < t_used; t++) {
                    jobs[t].v = vs[0];
                    verify_worker(&jobs[t]);
                }
            }
            verify_worker(&jobs[0]);
            for (int t = 1; t < started; t++) pthread_join(th[t], NULL);
            for (size_t i = 0; i < cnt; i++) {
                if (invalid[i]) any_invalid = 1;
                if (out[i].oom) rc = 1;
                else fwrite(out[i].data, 1, out[i].len, stdout);
            }
        }
        free(lines);
        free(lens);
        free(data);
    }
    for (size_t i = 0; i < BATCH; i++) edx_buf_free(&out[i]);
    free(out);
    free(invalid);
    for (int t = 0; t < nthreads; t++) edx_verifier_free(vs[t]);
    if (rc) goto done;
    rc = any_invalid ? 1 : 0;
done:
    free(trust);
    for (size_t i = 0; i < nlists; i++) free(lists[i]);
    free(lists);
    free(list_lens);
    cred_cli_close(&c);
    return rc;
}

/* ---- the rest ---------------------------------------------------------------------------------- */

static int export_line(void *ctx, const char *doc, size_t len)
{
    FILE *f = ctx;
    return fwrite(doc, 1, len, f) == len && fputc('\n', f) != EOF ? 0 : -1;
}

static int cmd_status_export(cli_ctx *x, const edx_cred_env *env, const char *dir)
{
    edx_rows *r = NULL;
    int rc = edx_db_query(x->db, &r,
                          "SELECT u.code, l.seq FROM cred_status_lists l"
                          " JOIN units u ON u.id = l.unit_id ORDER BY u.code, l.seq",
                          EDX_DB_NOARGS, &x->e);
    if (rc < 0) return cli_fail("credential status-export", &x->e);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        edx_rows_close(r);
        fprintf(stderr, "edudx credential status-export: cannot create %s: %s\n", dir,
                strerror(errno));
        return 2;
    }
    json_t *pairs = json_array();
    while ((rc = edx_rows_next(r, &x->e)) > 0)
        json_array_append_new(pairs, json_pack("[s,I]", edx_rows_text(r, 0),
                                               (json_int_t)edx_rows_int(r, 1)));
    edx_rows_close(r);
    size_t i, written = 0;
    json_t *pr;
    json_array_foreach(pairs, i, pr) {
        static const char *const purposes[] = {"revocation", "suspension"};
        for (int k = 0; k < 2; k++) {
            edx_buf b = EDX_BUF_INIT;
            int64_t ver;
            const char *code = json_string_value(json_array_get(pr, 0));
            int64_t seq = json_integer_value(json_array_get(pr, 1));
            if (edx_status_list_get(x->db, env, code, seq, purposes[k], &b, &ver, &x->e) == 0) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%s-%lld-%s.json", dir, code, (long long)seq,
                         purposes[k]);
                FILE *f = fopen(path, "wb");
                if (!f || fwrite(b.data, 1, b.len, f) != b.len) rc = -1;
                if (f && fclose(f) != 0) rc = -1;
                written++;
            }
            edx_buf_free(&b);
        }
    }
    json_decref(pairs);
    if (rc < 0) {
        fprintf(stderr, "edudx credential status-export: writing to %s failed\n", dir);
        return 1;
    }
    fprintf(stderr, "wrote %zu status lists to %s\n", written, dir);
    return 0;
}

int cli_credential(int argc, char **argv)
{
    cli_opt o[] = {{"issuer", 1},      {"type", 1},     {"csv", 1},         {"skip-invalid", 0},
                   {"dry-run", 0},     {"out-dir", 1},  {"jsonl", 1},       {"trust", 1},
                   {"status-dir", 1},  {"store", 0},    {"require-trusted", 0}, {"reason", 1},
                   {"status", 1},      {"q", 1},        {"limit", 1},       {"pdf", 1},
                   {"rotate", 0},      {"out", 1}};
    const int n = (int)(sizeof o / sizeof o[0]);
    char *pos[64];
    int np, rc = cli_parse(argc, argv, o, n, pos, 64, &np, usage_credential);
    if (rc) return rc > 0 ? 0 : 2;
    if (np < 1) return cli_usage_error(usage_credential, "which credential command?");
    const char *cmd = pos[0];
    if (strcmp(cmd, "issue") == 0) return cmd_issue(o, n);
    if (strcmp(cmd, "verify") == 0) return cmd_verify(o, n, pos + 1, np - 1);

    int writes = strcmp(cmd, "revoke") == 0 || strcmp(cmd, "suspend") == 0 ||
                 strcmp(cmd, "reinstate") == 0 || (strcmp(cmd, "keys") == 0 && cli_has(o, n, "rotate"));
    cred_cli c;
    json_t *out = NULL;
    if ((rc = cred_cli_open(&c, writes))) goto done;
    if (writes && strcmp(cmd, "keys") != 0) {
        if (np != 2) {
            rc = cli_usage_error(usage_credential, "%s needs one credential ID", cmd);
            goto done;
        }
        if (!cli_val(o, n, "reason")) {
            rc = cli_usage_error(usage_credential, "%s needs --reason", cmd);
            goto done;
        }
        rc = edx_cred_set_status(c.x.db, &c.x.a, &c.x.sys, &c.env, pos[1], cmd, cli_val(o, n, "reason"),
                                 &out, &c.x.e);
    } else if (strcmp(cmd, "show") == 0 && np == 2) {
        rc = edx_cred_get(c.x.db, &c.x.a, &c.x.sys, pos[1], &out, &c.x.e);
    } else if (strcmp(cmd, "list") == 0) {
        edx_cred_query q = {cli_val(o, n, "issuer"), cli_val(o, n, "type"), cli_val(o, n, "status"),
                            cli_val(o, n, "q"), 0, 0};
        const char *lim = cli_val(o, n, "limit");
        q.limit = lim ? atoi(lim) : 100;
        rc = edx_cred_list(c.x.db, &c.x.a, &c.x.sys, &q, &out, &c.x.e);
    } else if (strcmp(cmd, "render") == 0 && np == 2) {
        const char *pdf = cli_val(o, n, "pdf");
        if (!pdf) {
            rc = cli_usage_error(usage_credential, "render needs --pdf FILE");
            goto done;
        }
        json_t *cred = NULL;
        edx_buf b = EDX_BUF_INIT;
        rc = edx_cred_get(c.x.db, &c.x.a, &c.x.sys, pos[1], &cred, &c.x.e);
        if (rc == 0) {
            char *vurl = edx_arena_printf(&c.x.a, "%s/verify?id=%s", c.url,
                                          json_string_value(json_object_get(cred, "id")));
            rc = edx_cred_render_pdf(json_object_get(cred, "document"), vurl, &b, &c.x.e);
        }
        json_decref(cred);
        if (rc == 0) {
            FILE *f = fopen(pdf, "wb");
            int bad = !f || fwrite(b.data, 1, b.len, f) != b.len;
            if (f && fclose(f) != 0) bad = 1;
            edx_buf_free(&b);
            if (bad) {
                fprintf(stderr, "edudx credential render: cannot write %s\n", pdf);
                rc = 1;
                goto done;
            }
            fprintf(stderr, "wrote %s\n", pdf);
            goto done;
        }
        edx_buf_free(&b);
    } else if (strcmp(cmd, "keys") == 0 && np == 2) {
        rc = cli_has(o, n, "rotate")
                 ? edx_cred_key_rotate(c.x.db, &c.x.a, &c.x.sys, &c.env, pos[1], &out, &c.x.e)
                 : edx_cred_keys_list(c.x.db, &c.x.a, &c.x.sys, pos[1], &out, &c.x.e);
    } else if (strcmp(cmd, "export") == 0) {
        const char *file = cli_val(o, n, "out");
        if (!file) {
            rc = cli_usage_error(usage_credential, "export needs --out FILE");
            goto done;
        }
        FILE *f = strcmp(file, "-") == 0 ? stdout : fopen(file, "wb");
        if (!f) {
            fprintf(stderr, "edudx credential export: cannot write %s: %s\n", file, strerror(errno));
            rc = 2;
            goto done;
        }
        long count = 0;
        rc = edx_cred_export(c.x.db, &c.x.a, &c.x.sys, cli_val(o, n, "issuer"), export_line, f, &count,
                             &c.x.e);
        if ((f != stdout && fclose(f) != 0) && rc == 0) rc = edx_err_set(&c.x.e, EDX_EIO, 500, "io", "", "writing %s failed", file);
        if (rc < 0) {
            rc = cli_fail("credential export", &c.x.e);
            goto done;
        }
        fprintf(stderr, "exported %ld credentials\n", count);
        rc = 0;
        goto done;
    } else if (strcmp(cmd, "status-export") == 0) {
        if (!cli_val(o, n, "out")) {
            rc = cli_usage_error(usage_credential, "status-export needs --out DIR");
            goto done;
        }
        rc = cmd_status_export(&c.x, &c.env, cli_val(o, n, "out"));
        goto done;
    } else {
        rc = cli_usage_error(usage_credential, "unknown or incomplete command: %s", cmd);
        goto done;
    }
    rc = cli_result("credential", rc, &c.x.e, &out);
done:
    json_decref(out);
    cred_cli_close(&c);
    return rc;
}

static const char usage_trust[] =
    "usage: edudx trust <command> [options]\n"
    "\n"
    "The Ministry's registry of accredited issuers, which verification reports.\n"
    "  list                                   the registry\n"
    "  add UNIT --from YYYY-MM-DD [--until YYYY-MM-DD] [--types diploma,transcript]\n"
    "      [--decision TEXT]                  accredit a unit (types default: all)\n"
    "  remove UNIT                            end an accreditation record\n"
    "  export --out FILE                      the registry with every issuer key, signed\n"
    "                                         by the root unit, for offline verifiers\n";

int cli_trust(int argc, char **argv)
{
    cli_opt o[] = {{"from", 1}, {"until", 1}, {"types", 1}, {"decision", 1}, {"out", 1}};
    const int n = (int)(sizeof o / sizeof o[0]);
    char *pos[2];
    int np, rc = cli_parse(argc, argv, o, n, pos, 2, &np, usage_trust);
    if (rc) return rc > 0 ? 0 : 2;
    if (np < 1) return cli_usage_error(usage_trust, "list, add, remove or export?");
    cred_cli c;
    json_t *out = NULL;
    int export = strcmp(pos[0], "export") == 0, add = strcmp(pos[0], "add") == 0;
    if ((rc = cred_cli_open(&c, export || add))) goto done;
    if (strcmp(pos[0], "list") == 0) {
        rc = edx_trust_list(c.x.db, &c.x.a, &out, &c.x.e);
    } else if (strcmp(pos[0], "add") == 0 && np == 2) {
        json_t *types = NULL;
        const char *tl = cli_val(o, n, "types");
        if (tl) {
            types = json_array();
            for (const char *p = tl; *p;) {
                size_t k = strcspn(p, ", ");
                if (k) json_array_append_new(types, json_stringn(p, k));
                p += k;
                while (*p == ',' || *p == ' ') p++;
            }
        }
        json_t *body = json_pack("{s:s?,s:s?,s:o?,s:s?}", "from", cli_val(o, n, "from"), "until",
                                 cli_val(o, n, "until"), "types", types, "decision",
                                 cli_val(o, n, "decision"));
        rc = edx_trust_put(c.x.db, &c.x.a, &c.x.sys, &c.env, pos[1], body, &out, &c.x.e);
        json_decref(body);
    } else if (strcmp(pos[0], "remove") == 0 && np == 2) {
        rc = edx_trust_remove(c.x.db, &c.x.a, &c.x.sys, pos[1], &c.x.e);
        if (rc == 0) out = json_pack("{s:s}", "removed", pos[1]);
    } else if (export) {
        const char *file = cli_val(o, n, "out");
        if (!file) {
            rc = cli_usage_error(usage_trust, "export needs --out FILE");
            goto done;
        }
        rc = edx_trust_export(c.x.db, &c.x.a, &c.env, &out, &c.x.e);
        if (rc == 0) {
            size_t len;
            char *text = edx_jcs_dump(out, &len, &c.x.e);
            FILE *f = fopen(file, "wb");
            int bad = !text || !f || fwrite(text, 1, len, f) != len;
            if (f && fclose(f) != 0) bad = 1;
            free(text);
            json_decref(out);
            out = NULL;
            if (bad) {
                fprintf(stderr, "edudx trust export: cannot write %s\n", file);
                rc = 1;
            } else {
                fprintf(stderr, "wrote %s\n", file);
            }
            goto done;
        }
    } else {
        rc = cli_usage_error(usage_trust, "unknown or incomplete command: %s", pos[0]);
        goto done;
    }
    rc = cli_result("trust", rc, &c.x.e, &out);
done:
    json_decref(out);
    cred_cli_close(&c);
    return rc;
}
