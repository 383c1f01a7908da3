/*
 * movement.h: the emulation movement as data: campaigns (period, phases,
 * review milestones, eligible unit types, criteria, indicators, reward forms),
 * the units registered for them and the targets they pledge.
 *
 * A campaign is defined by a JSON document checked against
 * docs/schemas/campaign.json and then for sense (dates in order, phases inside
 * the period and apart, milestones inside their phase, criteria weights summing
 * to 1, unique codes, computed indicators naming a known source). The 2025–2030
 * movement ships as data/movement/campaign-2025-2030.json.
 *
 * Every function takes the acting principal: ministry admins define campaigns;
 * a unit admin registers and pledges for units of its subtree only, and sees
 * coverage of its subtree. Results are jansson objects the caller owns; every
 * write is one transaction plus one audit record.
 */
#ifndef EDX_MOVEMENT_H
#define EDX_MOVEMENT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "registry/registry.h"
#include "store/db.h"

/*
 * Create the campaign `def` describes; with `replace`, an existing campaign of
 * the same code is redefined, which is refused (EDX_ECONFLICT) once a unit has
 * registered. A bad definition is EDX_EINVAL naming the field ("phases[1].ends_on").
 * *out: the stored campaign as edx_campaign_get gives it.
 */
int edx_campaign_define(edx_db *db, edx_arena *a, const edx_principal *p, const json_t *def,
                        int replace, json_t **out, edx_err *err);

/* One campaign: its definition plus "registered" (count in the caller's scope). */
int edx_campaign_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                     json_t **out, edx_err *err);

/* Every campaign, newest period first: {"campaigns":[{code, name, name_en, kind, starts_on,
 * ends_on, registered}]}. */
int edx_campaign_list(edx_db *db, edx_arena *a, const edx_principal *p, json_t **out,
                      edx_err *err);

/*
 * Register `unit` for the campaign. The unit must be active, of an eligible
 * type and writable by `p`; the campaign must not have ended. Registering twice
 * is EDX_ECONFLICT ("already_registered").
 */
int edx_campaign_register(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                          const char *unit, json_t **out, edx_err *err);

/*
 * Replace the unit's pledges with `pledges`, a list of {indicator, phase,
 * target, note?}: all or nothing. Targets must suit the indicator's unit
 * (percent 0–100, count a whole number ≥ 0, yes_no 0 or 1, score within the
 * campaign's scale); one pledge per indicator and phase. *out as
 * edx_campaign_registration gives it.
 */
int edx_campaign_pledge(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                        const char *unit, const json_t *pledges, json_t **out, edx_err *err);

/* A unit's registration and pledges; EDX_ENOTFOUND when it has not registered. */
int edx_campaign_registration(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                              const char *unit, json_t **out, edx_err *err);

typedef struct edx_coverage_query {
    int registered;       /* -1 every eligible unit, 1 registered only, 0 not registered only */
    const char *type;     /* unit type, or NULL */
    const char *province; /* province code, or NULL */
    int limit, offset;    /* page of the unit list (limit 0: 100; at most 500) */
} edx_coverage_query;

/*
 * Who has and has not registered, among the active units of an eligible type
 * in the caller's scope: totals, by unit type, by province, and one page of
 * units with their registration time and number of pledges.
 */
int edx_campaign_coverage(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                          const edx_coverage_query *q, json_t **out, edx_err *err);

/* The computed-indicator sources edudx knows ("credentials.diplomas_issued", …), NULL-ended. */
extern const char *const edx_indicator_sources[];

#endif
