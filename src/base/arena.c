#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct edx_arena_chunk {
    edx_arena_chunk *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
};

#define ALIGN (_Alignof(max_align_t))

void edx_arena_init(edx_arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 8192;
    a->total = 0;
}

void edx_arena_free(edx_arena *a)
{
    edx_arena_chunk *c = a->head;
    while (c) {
        edx_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

void edx_arena_reset(edx_arena *a)
{
    edx_arena_chunk *keep = NULL, *c = a->head;
    while (c) {
        edx_arena_chunk *next = c->next;
        if (!keep && c->cap == a->chunk_size) {
            keep = c;
        } else {
            free(c);
        }
        c = next;
    }
    a->head = keep;
    a->total = 0;
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
        a->total = keep->cap;
    }
}

void *edx_arena_alloc(edx_arena *a, size_t n)
{
    if (n == 0) n = 1;
    if (n > SIZE_MAX - ALIGN) return NULL;
    n = (n + ALIGN - 1) & ~(ALIGN - 1);
    edx_arena_chunk *c = a->head;
    if (c && c->cap - c->used >= n) {
        void *p = c->data + c->used;
        c->used += n;
        return p;
    }
    size_t cap = n > a->chunk_size / 2 ? n : a->chunk_size;
    if (cap > SIZE_MAX - sizeof *c) return NULL;
    edx_arena_chunk *nc = malloc(sizeof *nc + cap);
    if (!nc) return NULL;
    nc->cap = cap;
    nc->used = n;
    a->total += cap;
    if (c && cap != a->chunk_size) {
        /* A big block goes behind the current chunk so its free space stays usable. */
        nc->next = c->next;
        c->next = nc;
    } else {
        nc->next = c;
        a->head = nc;
    }
    return nc->data;
}

void *edx_arena_calloc(edx_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = edx_arena_alloc(a, count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

char *edx_arena_strndup(edx_arena *a, const char *s, size_t n)
{
    char *p = edx_arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *edx_arena_strdup(edx_arena *a, const char *s)
{
    return s ? edx_arena_strndup(a, s, strlen(s)) : NULL;
}

char *edx_arena_vprintf(edx_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *p = edx_arena_alloc(a, (size_t)n + 1);
    if (p) vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *edx_arena_printf(edx_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = edx_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}
