/*
 * embed.h: files compiled into the binary (scripts/embed.sh): database
 * migrations, the web UI and the OpenAPI document. Each file's data is
 * followed by a NUL byte so text can be used as a C string.
 */
#ifndef EDX_EMBED_H
#define EDX_EMBED_H

#include <stddef.h>

typedef struct edx_embed {
    const char *name; /* e.g. "web/index.html", "migrations/0001_init.sql" */
    const unsigned char *data;
    size_t len;
} edx_embed;

/* All embedded files, sorted by name (byte order). */
const edx_embed *edx_embed_all(size_t *n);

/* The file called `name`, or NULL. */
const edx_embed *edx_embed_find(const char *name);

#endif
