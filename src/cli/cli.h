/*
 * cli.h: what the subcommands share: global options, argument parsing,
 * opening the store, reading secrets from the terminal, printing errors.
 *
 * Exit codes: 0 success, 1 the checked thing failed (or the system did),
 * 2 bad usage or bad input.
 */
#ifndef EDX_CLI_H
#define EDX_CLI_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "crypto/crypto.h"
#include "registry/registry.h"
#include "store/db.h"

typedef struct cli_global {
    const char *db;          /* --db / EDX_DB, default var/edudx.db */
    const char *secret_file; /* --secret-file / EDX_SECRET_FILE, default var/secret.key */
    const char *master_key_file; /* --master-key-file / EDX_MASTER_KEY_FILE, var/master.key */
    const char *evidence_dir;    /* --evidence-dir / EDX_EVIDENCE_DIR, var/evidence */
    int json;                /* --json */
} cli_global;

extern cli_global cli_g;

typedef struct cli_opt {
    const char *name;  /* without dashes: "role" */
    int takes_value;
    const char *value; /* set when given */
    int given;
} cli_opt;

/*
 * Parse argv (after the command words) into `opts` and positional arguments.
 * Prints `usage` and returns 1 for --help; returns -1 (after a message) for
 * bad usage; 0 otherwise.
 */
int cli_parse(int argc, char **argv, cli_opt *opts, int nopts, char **pos, int maxpos, int *npos,
              const char *usage);
const char *cli_val(cli_opt *opts, int nopts, const char *name);
int cli_has(cli_opt *opts, int nopts, const char *name);

/* Open the store and apply migrations. Prints and returns an exit code on failure (else 0). */
int cli_open_db(edx_db **db);

/* What most commands work with: the store, an arena, the system principal, an error record. */
typedef struct cli_ctx {
    edx_db *db;
    edx_arena a;
    edx_principal sys;
    edx_err e;
} cli_ctx;

/* Open all of it (exit code on failure, else 0); cli_ctx_close releases it. */
int cli_ctx_open(cli_ctx *c);
void cli_ctx_close(cli_ctx *c);

/* Load the server secret into `key`; create it when `create`. Exit code or 0. */
int cli_load_secret(uint8_t *key, int create);

/* Read a whole file (or stdin for "-") into a malloc'd buffer; NULL with errno on failure. */
char *cli_slurp(const char *path, size_t *len);

/* Print an error (and row reports) to stderr; returns the exit code for it. */
int cli_fail(const char *cmd, const edx_err *e);

/* Print usage error; returns 2. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read a secret (password, ID number) without echo from the terminal, or one line of stdin. */
int cli_read_secret(const char *prompt, char *buf, size_t cap, int confirm);

/*
 * Finish a command that produced *out: print it (and take it) when rc >= 0,
 * else print the error. Returns the exit code.
 */
int cli_result(const char *cmd, int rc, const edx_err *e, json_t **out);

/* Print JSON (pretty) to stdout. Steals the reference. */
void cli_print_json(json_t *v);

/* Subcommands. Each gets argv starting after its noun. */
int cli_init(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_units(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_people(int argc, char **argv);
int cli_credential(int argc, char **argv);
int cli_trust(int argc, char **argv);
int cli_campaign(int argc, char **argv);

#endif
