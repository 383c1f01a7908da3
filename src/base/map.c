#include "base/map.h"

#include <stdint.h>
#include <string.h>

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a, then a mixer so low bits spread well */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

void edx_map_init(edx_map *m, edx_arena *a)
{
    m->arena = a;
    m->slots = NULL;
    m->cap = m->count = 0;
}

void *edx_map_get(const edx_map *m, const char *key)
{
    if (!m->cap) return NULL;
    uint64_t h = hash(key);
    size_t i = h & (m->cap - 1);
    while (m->slots[i].key) {
        if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0) return m->slots[i].value;
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

static void place(edx_map_slot *slots, size_t cap, const char *key, void *value, uint64_t h)
{
    size_t i = h & (cap - 1);
    while (slots[i].key) i = (i + 1) & (cap - 1);
    slots[i].key = key;
    slots[i].value = value;
    slots[i].hash = h;
}

int edx_map_put(edx_map *m, const char *key, void *value)
{
    uint64_t h = hash(key);
    if (m->cap) {
        size_t i = h & (m->cap - 1);
        while (m->slots[i].key) {
            if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0) {
                m->slots[i].value = value;
                return 0;
            }
            i = (i + 1) & (m->cap - 1);
        }
    }
    if ((m->count + 1) * 4 > m->cap * 3) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        edx_map_slot *s = edx_arena_calloc(m->arena, cap, sizeof *s);
        if (!s) return -1;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key) place(s, cap, m->slots[i].key, m->slots[i].value, m->slots[i].hash);
        m->slots = s;
        m->cap = cap;
    }
    place(m->slots, m->cap, key, value, h);
    m->count++;
    return 0;
}
