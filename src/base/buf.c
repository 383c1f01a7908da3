#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int edx_buf_reserve(edx_buf *b, size_t extra)
{
    if (b->oom) return -1;
    if (extra > SIZE_MAX - b->len - 1) goto fail;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) { cap = need; break; }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) goto fail;
    b->data = p;
    b->cap = cap;
    return 0;
fail:
    b->oom = 1;
    return -1;
}

int edx_buf_append(edx_buf *b, const void *p, size_t n)
{
    if (edx_buf_reserve(b, n)) return -1;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int edx_buf_puts(edx_buf *b, const char *s)
{
    return edx_buf_append(b, s, strlen(s));
}

int edx_buf_putc(edx_buf *b, char c)
{
    return edx_buf_append(b, &c, 1);
}

int edx_buf_printf(edx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    int rc = -1;
    if (n >= 0 && edx_buf_reserve(b, (size_t)n) == 0) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
        rc = 0;
    }
    va_end(ap);
    return rc;
}

int edx_buf_json_escape(edx_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            edx_buf_append(b, e, 2);
        } else if (c < 0x20) {
            switch (c) {
            case '\n': edx_buf_append(b, "\\n", 2); break;
            case '\r': edx_buf_append(b, "\\r", 2); break;
            case '\t': edx_buf_append(b, "\\t", 2); break;
            default: {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                edx_buf_append(b, e, 6);
            }
            }
        } else {
            edx_buf_putc(b, (char)c);
        }
    }
    return b->oom ? -1 : 0;
}

void edx_buf_reset(edx_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void edx_buf_free(edx_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

char *edx_buf_steal(edx_buf *b, size_t *len)
{
    if (edx_buf_reserve(b, 0)) return NULL;
    char *p = b->data;
    if (len) *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
