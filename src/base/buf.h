/*
 * buf.h: a growable byte buffer (always NUL-terminated), heap-backed.
 *
 * Appends report failure (-1) instead of aborting; once an append failed the
 * buffer is marked `oom` and further appends are no-ops, so a sequence of
 * appends can be checked once at the end.
 */
#ifndef EDX_BUF_H
#define EDX_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct edx_buf {
    char *data;
    size_t len, cap;
    int oom;
} edx_buf;

#define EDX_BUF_INIT {0}

int edx_buf_reserve(edx_buf *b, size_t extra);
int edx_buf_append(edx_buf *b, const void *p, size_t n);
int edx_buf_puts(edx_buf *b, const char *s);
int edx_buf_putc(edx_buf *b, char c);
int edx_buf_printf(edx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append `s` escaped as a JSON string body (without quotes). */
int edx_buf_json_escape(edx_buf *b, const char *s);

/* Forget the contents, keep the memory. */
void edx_buf_reset(edx_buf *b);

/* Free the memory; the buffer is empty and usable again. */
void edx_buf_free(edx_buf *b);

/* Hand the heap block to the caller (free() it); the buffer becomes empty. */
char *edx_buf_steal(edx_buf *b, size_t *len);

#endif
