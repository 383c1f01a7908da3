/*
 * main.c: `edudx <command> …`: global options, dispatch, and the helpers the
 * commands share (cli.h).
 */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "cli/cli.h"
#include "json/json.h"

#ifndef EDX_VERSION
#define EDX_VERSION "0.1.0"
#endif

cli_global cli_g;

static const char usage_main[] =
    "usage: edudx [--db URL] [--secret-file FILE] [--json] <command> [args]\n"
    "\n"
    "edudx runs the education sector's digital-transformation movement: the\n"
    "organisation registry, accounts, verifiable credentials (diplomas, transcripts,\n"
    "certificates), the emulation movement's campaigns and (later) reviews and rewards.\n"
    "\n"
    "Commands:\n"
    "  init              create the store and the server secret (--admin NAME adds an admin)\n"
    "  serve             run the HTTP server (web UI and API)\n"
    "  migrate           apply pending schema migrations (--status to list)\n"
    "  units             import | export | list | show units of the organisation tree\n"
    "  people            add | find people (ID numbers are never stored)\n"
    "  user              add | list | passwd | disable | enable accounts\n"
    "  token             create | revoke | list API tokens\n"
    "  backup FILE       consistent copy of a live SQLite store\n"
    "  audit             verify | list the hash-chained audit log\n"
    "  credential        issue | verify | revoke | suspend | reinstate | show | list |\n"
    "                    render | keys | status-export: verifiable credentials\n"
    "  trust             list | add | remove | export the registry of accredited issuers\n"
    "  routes            the HTTP routes and the roles allowed on each\n"
    "  version           print the version\n"
    "\n"
    "Global options:\n"
    "  --db URL          SQLite file or postgres://… (env EDX_DB; default var/edudx.db)\n"
    "  --secret-file F   server secret (env EDX_SECRET_FILE; default var/secret.key)\n"
    "  --master-key-file F  seals issuers' signing keys (env EDX_MASTER_KEY_FILE;\n"
    "                    default: master.key beside the server secret)\n"
    "  --evidence-dir D  evidence files, stored by SHA-256 (env EDX_EVIDENCE_DIR;\n"
    "                    default: evidence/ beside the server secret)\n"
    "  --json            machine-readable output\n"
    "  --log-level L     debug, info, warn, error, off (default info)\n"
    "\n"
    "Exit codes: 0 ok, 1 the checked thing failed, 2 bad usage or input.\n"
    "Run `edudx <command> --help` for a command's options.\n";

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "edudx: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", usage);
    return 2;
}

int cli_parse(int argc, char **argv, cli_opt *opts, int nopts, char **pos, int maxpos, int *npos,
              const char *usage)
{
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        if (strncmp(a, "--", 2) == 0 && a[2]) {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t n = eq ? (size_t)(eq - name) : strlen(name);
            int k = -1;
            for (int j = 0; j < nopts; j++)
                if (strlen(opts[j].name) == n && strncmp(opts[j].name, name, n) == 0) k = j;
            if (k < 0) {
                cli_usage_error(usage, "unknown option %s", a);
                return -1;
            }
            if (opts[k].takes_value) {
                if (eq) {
                    opts[k].value = eq + 1;
                } else if (i + 1 < argc) {
                    opts[k].value = argv[++i];
                } else {
                    cli_usage_error(usage, "option --%s needs a value", opts[k].name);
                    return -1;
                }
            } else if (eq) {
                cli_usage_error(usage, "option --%s takes no value", opts[k].name);
                return -1;
            }
            opts[k].given = 1;
            continue;
        }
        if (*npos >= maxpos) {
            cli_usage_error(usage, "unexpected argument %s", a);
            return -1;
        }
        pos[(*npos)++] = argv[i];
    }
    return 0;
}

const char *cli_val(cli_opt *opts, int nopts, const char *name)
{
    for (int i = 0; i < nopts; i++)
        if (strcmp(opts[i].name, name) == 0) return opts[i].given ? opts[i].value : NULL;
    return NULL;
}

int cli_has(cli_opt *opts, int nopts, const char *name)
{
    for (int i = 0; i < nopts; i++)
        if (strcmp(opts[i].name, name) == 0) return opts[i].given;
    return 0;
}

int cli_fail(const char *cmd, const edx_err *e)
{
    fprintf(stderr, "edudx %s: %s", cmd, e->message[0] ? e->message : "failed");
    if (e->field[0] && !e->nrows) fprintf(stderr, " [%s]", e->field);
    fputc('\n', stderr);
    /* A terminal full of the same reason helps nobody: the first 50, then a count. */
    size_t shown = e->nrows < 50 ? e->nrows : 50;
    for (size_t i = 0; i < shown; i++)
        fprintf(stderr, "  row %ld%s%s: %s\n", e->rows[i].row,
                e->rows[i].column && *e->rows[i].column ? ", column " : "",
                e->rows[i].column ? e->rows[i].column : "", e->rows[i].reason);
    if (e->nrows > shown)
        fprintf(stderr, "  … and %zu more problems (--json prints them all)\n", e->nrows - shown);
    return edx_err_exit_code(e->rc);
}

int cli_open_db(edx_db **db)
{
    edx_err e;
    edx_err_clear(&e);
    if (edx_db_open(db, cli_g.db, &e) < 0) return cli_fail("db", &e);
    int applied;
    if (edx_db_migrate(*db, &applied, &e) < 0) {
        edx_db_close(*db);
        *db = NULL;
        return cli_fail("db", &e);
    }
    return 0;
}

int cli_ctx_open(cli_ctx *c)
{
    memset(c, 0, sizeof *c);
    edx_arena_init(&c->a, 1 << 16);
    edx_principal_system(&c->sys);
    return cli_open_db(&c->db);
}

void cli_ctx_close(cli_ctx *c)
{
    edx_arena_free(&c->a);
    edx_db_close(c->db);
    c->db = NULL;
}

/* Read a whole file (or stdin for "-") into a malloc'd buffer. */
char *cli_slurp(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    edx_buf b = EDX_BUF_INIT;
    struct stat st;
    /* A regular file's size is known: one allocation instead of a doubling series. */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        edx_buf_reserve(&b, (size_t)st.st_size);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) edx_buf_append(&b, chunk, n);
    int bad = ferror(f) || b.oom;
    if (f != stdin) fclose(f);
    if (bad) {
        edx_buf_free(&b);
        return NULL;
    }
    if (!b.data && edx_buf_reserve(&b, 1) != 0) return NULL;
    return edx_buf_steal(&b, len);
}

int cli_load_secret(uint8_t *key, int create)
{
    char why[160];
    if (edx_secret_load(cli_g.secret_file, create, key, why) != 0) {
        fprintf(stderr, "edudx: %s\n", why);
        return 1;
    }
    return 0;
}

static int read_line(FILE *f, char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, f)) return -1;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n') buf[--n] = '\0';
    if (n && buf[n - 1] == '\r') buf[--n] = '\0';
    return 0;
}

int cli_read_secret(const char *prompt, char *buf, size_t cap, int confirm)
{
    if (!isatty(STDIN_FILENO)) {
        if (read_line(stdin, buf, cap)) {
            fprintf(stderr, "edudx: expected a line on standard input\n");
            return -1;
        }
        return 0;
    }
    struct termios old, quiet;
    tcgetattr(STDIN_FILENO, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    for (;;) {
        fprintf(stderr, "%s: ", prompt);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        int rc = read_line(stdin, buf, cap);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
        if (rc) return -1;
        if (!confirm) return 0;
        char again[512];
        fprintf(stderr, "again: ");
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        rc = read_line(stdin, again, sizeof again);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
        int same = rc == 0 && strcmp(again, buf) == 0;
        edx_wipe(again, sizeof again);
        if (same) return 0;
        fprintf(stderr, "the two entries differ; try again\n");
    }
}

int cli_result(const char *cmd, int rc, const edx_err *e, json_t **out)
{
    if (rc < 0) return cli_fail(cmd, e);
    cli_print_json(*out);
    *out = NULL;
    return 0;
}

void cli_print_json(json_t *v)
{
    char *s = edx_json_dumpf(v, JSON_INDENT(2) | JSON_ENCODE_ANY, NULL);
    if (s) {
        puts(s);
        free(s);
    }
    json_decref(v);
}

static int cli_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("edudx %s\n", EDX_VERSION);
    return 0;
}

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"init", cli_init},     {"serve", cli_serve},   {"migrate", cli_migrate},
    {"units", cli_units},   {"people", cli_people}, {"user", cli_user},
    {"token", cli_token},   {"backup", cli_backup}, {"audit", cli_audit},
    {"routes", cli_routes}, {"version", cli_version}, {"credential", cli_credential},
    {"trust", cli_trust},   {"campaign", cli_campaign},
};

/* The global options that take a value and the variables they set. */
static const char **global_value(const char *flag)
{
    static const struct {
        const char *flag;
        const char **dst;
    } opts[] = {{"--db", &cli_g.db},
                {"--secret-file", &cli_g.secret_file},
                {"--master-key-file", &cli_g.master_key_file},
                {"--evidence-dir", &cli_g.evidence_dir}};
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
        if (strcmp(flag, opts[k].flag) == 0) return opts[k].dst;
    return NULL;
}

/* `name` in the directory of the server secret (files that live beside it by default). */
static const char *beside_secret(const char *name, char *buf, size_t cap)
{
    const char *slash = strrchr(cli_g.secret_file, '/');
    if (slash)
        snprintf(buf, cap, "%.*s/%s", (int)(slash - cli_g.secret_file), cli_g.secret_file, name);
    else
        snprintf(buf, cap, "%s", name);
    return buf;
}

int main(int argc, char **argv)
{
    edx_json_init();
    const char *db = getenv("EDX_DB"), *secret = getenv("EDX_SECRET_FILE");
    const char *master = getenv("EDX_MASTER_KEY_FILE");
    cli_g.db = db && *db ? db : "var/edudx.db";
    cli_g.secret_file = secret && *secret ? secret : "var/secret.key";
    const char *evidence = getenv("EDX_EVIDENCE_DIR");
    cli_g.master_key_file = master && *master ? master : NULL;
    cli_g.evidence_dir = evidence && *evidence ? evidence : NULL;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0) {
            fputs(usage_main, stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) return cli_version(0, NULL);
        if (strcmp(a, "--json") == 0) {
            cli_g.json = 1;
        } else if (global_value(a) || strcmp(a, "--log-level") == 0) {
            if (i + 1 >= argc) return cli_usage_error(usage_main, "%s needs a value", a);
            const char *v = argv[++i];
            const char **dst = global_value(a);
            if (dst) *dst = v;
            else {
                int l = edx_log_level_parse(v);
                if (l < 0) return cli_usage_error(usage_main, "unknown log level %s", v);
                edx_log_set_level(l);
            }
        } else if (strncmp(a, "--", 2) == 0) {
            return cli_usage_error(usage_main, "unknown option %s", a);
        } else {
            break;
        }
    }
    if (i >= argc) {
        fputs(usage_main, stderr);
        return 2;
    }
    /* Batches allocate and free a lot: keep freed memory instead of returning it to the
     * kernel and faulting it back in a moment later. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    if (edx_crypto_init() != 0) {
        fprintf(stderr, "edudx: cannot initialise libsodium\n");
        return 1;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(argv[i], commands[k].name) != 0) continue;
        /* Later global options (after the command) are accepted too. */
        int n = argc - i - 1;
        char **rest = argv + i + 1;
        int m = 0;
        for (int j = 0; j < n; j++) {
            if (global_value(rest[j]) && j + 1 < n) {
                *global_value(rest[j]) = rest[j + 1];
                j++;
            } else if (strcmp(rest[j], "--json") == 0) {
                cli_g.json = 1;
            } else {
                rest[m++] = rest[j];
            }
        }
        /* The master key file and the evidence folder live beside the server secret unless
         * placed elsewhere. */
        static char master_path[4096], evidence_path[4096];
        if (!cli_g.master_key_file)
            cli_g.master_key_file = beside_secret("master.key", master_path, sizeof master_path);
        if (!cli_g.evidence_dir)
            cli_g.evidence_dir = beside_secret("evidence", evidence_path, sizeof evidence_path);
        return commands[k].run(m, rest);
    }
    return cli_usage_error(usage_main, "unknown command %s", argv[i]);
}
