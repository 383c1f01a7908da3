/*
 * map.h: a string-keyed hash map whose memory comes from an arena (freed with
 * it). Keys are not copied: they must live at least as long as the map.
 */
#ifndef EDX_MAP_H
#define EDX_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

typedef struct edx_map_slot {
    const char *key;
    void *value;
    uint64_t hash;
} edx_map_slot;

typedef struct edx_map {
    edx_arena *arena;
    edx_map_slot *slots;
    size_t cap, count;
} edx_map;

void edx_map_init(edx_map *m, edx_arena *a);

/* The value stored under `key`, or NULL. */
void *edx_map_get(const edx_map *m, const char *key);

/* Insert or replace; 0 or -1 when out of memory. */
int edx_map_put(edx_map *m, const char *key, void *value);

#endif
