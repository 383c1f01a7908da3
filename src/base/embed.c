#include "base/embed.h"

#include <string.h>

const edx_embed *edx_embed_find(const char *name)
{
    size_t n;
    const edx_embed *t = edx_embed_all(&n);
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, t[mid].name);
        if (c == 0) return &t[mid];
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}
