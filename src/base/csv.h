/*
 * csv.h: an RFC 4180 reader over a buffer in memory.
 *
 * Quoted fields (with "" for a quote, and line breaks inside), CRLF or LF line
 * ends, a UTF-8 byte order mark at the start (skipped). Strict: a NUL byte, a
 * quote inside an unquoted field, an unterminated quote or invalid UTF-8 is
 * an error naming the record. Records are numbered from 1 (the header).
 */
#ifndef EDX_CSV_H
#define EDX_CSV_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

typedef struct edx_csv {
    const char *p, *end;
    long record;       /* number of the record last returned */
    int had_bom;
    size_t max_fields; /* fields kept per record (0: all); the rest are counted, not stored */
} edx_csv;

void edx_csv_init(edx_csv *c, const char *data, size_t len);

/*
 * Read the next record. Fields are NUL-terminated strings in `a`; *nfields is
 * the true count even when max_fields kept fewer.
 * Returns 1 with a record, 0 at the end, EDX_EINVAL on malformed input (err
 * names the record in its message and err->rows[0]).
 */
int edx_csv_next(edx_csv *c, edx_arena *a, char ***fields, size_t *nfields, edx_err *err);

/* Append `s` to `b` as one CSV field, quoting when needed. */
struct edx_buf;
int edx_csv_put_field(struct edx_buf *b, const char *s);

#endif
