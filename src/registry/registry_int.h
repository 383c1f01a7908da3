/* registry_int.h: shared between the registry's own files; not for other modules. */
#ifndef EDX_REGISTRY_INT_H
#define EDX_REGISTRY_INT_H

#include "registry/registry.h"

/* A unit as stored. Strings live in the arena it was loaded into. */
typedef struct unit_rec {
    int64_t id, parent_id, depth, created_at, updated_at, children;
    const char *code, *name, *name_en, *type, *parent_code, *province, *status, *path;
} unit_rec;

/* Load by code: 1 found, 0 not, <0 error. */
int unit_load(edx_db *db, edx_arena *a, const char *code, unit_rec *out, edx_err *err);
/* Load by id: 1 found, 0 not, <0 error. */
int unit_load_id(edx_db *db, edx_arena *a, int64_t id, unit_rec *out, edx_err *err);

/* Unit as API JSON. */
json_t *unit_json(const unit_rec *u);

/* Load a unit the caller may read; EDX_ENOTFOUND / EDX_EPERM with a message. */
int unit_for_read(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                  const char *field, unit_rec *out, edx_err *err);

/* Commit the open transaction after appending its audit record, or roll back on failure. */
int reg_finish_write(edx_db *db, const edx_principal *p, const char *action, const char *target,
                     const json_t *before, const json_t *after, json_t *detail, int rc,
                     edx_err *err);


/* "2026-11-29T18:33:21Z", or JSON null for 0. */
json_t *reg_time_json(int64_t t);

#endif
