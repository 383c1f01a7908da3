/*
 * err.h: return codes and the error record every fallible function fills.
 *
 * Functions return 0 on success or a negative EDX_E* code. Details go into an
 * edx_err the caller owns: an HTTP status hint, a stable machine code, the
 * offending field (may be empty) and a human message. Row-level problems of a
 * batch (CSV imports) are listed in `rows`, allocated from the caller's arena.
 */
#ifndef EDX_ERR_H
#define EDX_ERR_H

#include <stddef.h>

enum {
    EDX_OK = 0,
    EDX_EINVAL = -1,    /* bad input: 400/422, CLI exit 2 */
    EDX_ENOTFOUND = -2, /* 404 */
    EDX_ECONFLICT = -3, /* 409: already exists, stale state */
    EDX_EPERM = -4,     /* 403: authenticated but not allowed */
    EDX_EAUTH = -5,     /* 401: not authenticated */
    EDX_ELIMIT = -6,    /* 413/429: too large, too many */
    EDX_EDB = -7,       /* store failure: 500/503 */
    EDX_ENOMEM = -8,
    EDX_EIO = -9,
    EDX_EINTERNAL = -10,
};

typedef struct edx_rowerr {
    long row;           /* 1-based line of the input, header is row 1 */
    const char *column; /* column name, or "" for the whole row */
    const char *reason;
} edx_rowerr;

typedef struct edx_err {
    int rc;
    int status;         /* HTTP status hint */
    char code[48];      /* stable machine code, e.g. "invalid_field" */
    char field[64];     /* offending input field, "" when none */
    char message[320];  /* one human sentence */
    edx_rowerr *rows;   /* optional per-row report (caller's arena) */
    size_t nrows;
} edx_err;

/* Fill *e (when not NULL) and return rc, so callers can `return edx_err_set(...)`. */
int edx_err_set(edx_err *e, int rc, int status, const char *code, const char *field,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Shorthands for the common cases. */
int edx_err_invalid(edx_err *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int edx_err_notfound(edx_err *e, const char *what);
int edx_err_forbidden(edx_err *e, const char *why);
int edx_err_nomem(edx_err *e);

/* Reset to "no error". */
void edx_err_clear(edx_err *e);

/* Default HTTP status for a return code, used when a callee did not set one. */
int edx_err_status_for(int rc);

/* The CLI exit code for a return code: 2 for bad input/usage, 1 otherwise. */
int edx_err_exit_code(int rc);

#endif
