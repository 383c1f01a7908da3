/*
 * arena.h: a region allocator. Each request and each CLI command owns one;
 * everything allocated from it is released at once by edx_arena_free().
 *
 * Allocation failure returns NULL (never aborts); callers treat it as
 * EDX_ENOMEM like any other error.
 */
#ifndef EDX_ARENA_H
#define EDX_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct edx_arena_chunk edx_arena_chunk;

typedef struct edx_arena {
    edx_arena_chunk *head;
    size_t chunk_size; /* size of ordinary chunks; big requests get their own */
    size_t total;      /* bytes obtained from malloc, for limits and tests */
} edx_arena;

/* Prepare an arena whose chunks hold `chunk_size` bytes (0: 8 KiB). No allocation yet. */
void edx_arena_init(edx_arena *a, size_t chunk_size);

/* Release every chunk; the arena may be used again afterwards. */
void edx_arena_free(edx_arena *a);

/* Forget every allocation but keep one chunk for reuse (a scratch arena per loop step). */
void edx_arena_reset(edx_arena *a);

/* `n` bytes aligned for any type, or NULL. */
void *edx_arena_alloc(edx_arena *a, size_t n);

/* Zeroed `count * size` bytes (overflow-checked), or NULL. */
void *edx_arena_calloc(edx_arena *a, size_t count, size_t size);

/* Copies of strings and byte ranges (NUL-terminated), or NULL. */
char *edx_arena_strdup(edx_arena *a, const char *s);
char *edx_arena_strndup(edx_arena *a, const char *s, size_t n);

/* printf into the arena, or NULL. */
char *edx_arena_printf(edx_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *edx_arena_vprintf(edx_arena *a, const char *fmt, va_list ap);

#endif
