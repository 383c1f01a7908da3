/* movement_int.h: what movement.c shares with the module's other files (reports.c). */
#ifndef EDX_MOVEMENT_INT_H
#define EDX_MOVEMENT_INT_H

#include "movement/movement.h"

/* A loaded campaign: its row id and parsed definition (owned: json_decref). */
typedef struct camp {
    int64_t id;
    json_t *def;
} camp;

/* docs/schemas/campaign.json parsed, once (external, so it is never optimised away). */
extern json_t *mv_schema_doc;

/* Load campaign `code`: EDX_ENOTFOUND naming `field` when there is none. */
int mv_camp_load(edx_db *db, const char *code, const char *field, camp *c, edx_err *err);

/* Load the campaign and the unit for a write by `p`; the unit must be of an eligible type. */
int mv_unit_for_campaign(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                         const char *unit, camp *c, edx_unit_ref *u, edx_err *err);

/* Member `k` of `o` as a string, or NULL. */
const char *mv_str(const json_t *o, const char *k);

/* The member of array `arr` whose "code" is `code`, or NULL. */
const json_t *mv_find_code(const json_t *arr, const char *code);

/* Today in Vietnam (UTC+7), YYYY-MM-DD. */
void mv_today(char out[11]);

/* `x` suits indicator `ind` (percent 0-100, count, yes_no, score within the scale)? */
int mv_check_value(const json_t *def, const json_t *ind, double x, const char *field,
                   edx_err *err);

/*
 * For the computed indicators: initiatives of units in [lo, hi) recognised by a decision
 * dated in [from, until], and adoptions of them by units outside [lo, hi) in that time.
 */
int mv_initiative_counts(edx_db *db, const char *lo, const char *hi, const char *from,
                         const char *until, int64_t *recognised, int64_t *adoptions,
                         edx_err *err);

#endif
