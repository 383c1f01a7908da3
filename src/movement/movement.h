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

/* The store id of campaign `code` (for other domains' rows): 0, or EDX_ENOTFOUND naming
 * "campaign". */
int edx_campaign_id(edx_db *db, const char *code, int64_t *id, edx_err *err);

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

/* ---- evidence files (evidence.c) --------------------------------------------------------- */

typedef struct edx_evidence_cfg {
    const char *dir;  /* the evidence folder: DIR/ab/cd/<sha256> */
    size_t max_bytes; /* largest file accepted */
} edx_evidence_cfg;

/* The evidence settings of a server: folder `dir` (NULL: var/evidence), files up to the
 * smaller of EDX_EVIDENCE_MAX_DEFAULT and `max_upload`. */
edx_evidence_cfg edx_evidence_cfg_for(const char *dir, size_t max_upload);

#define EDX_EVIDENCE_MAX_DEFAULT (20u << 20)

/*
 * Store an evidence file sent for `unit` (which `p` must be able to act for).
 * The bytes must be a PDF, PNG, JPEG, WebP, .docx/.xlsx/.pptx without macros or
 * an OpenDocument file, and agree with `name`'s extension and `declared_type`
 * (a Content-Type; NULL or application/octet-stream: not checked). Empty: 400;
 * too large: 413; another kind: 415 unsupported_file; a lie: 400 type_mismatch.
 * *out: {sha256, name, media_type, size, unit}. Uploading the same bytes again
 * stores nothing new.
 */
int edx_evidence_put(edx_db *db, edx_arena *a, const edx_principal *p, const edx_evidence_cfg *cfg,
                     const char *unit, const char *name, const char *declared_type,
                     const void *data, size_t len, json_t **out, edx_err *err);

/* 0 when `p` may read the file `sha256` (uploaded for a unit in its scope); else an error
 * naming `field` (400 malformed, 404 unknown or out of scope). */
int edx_evidence_check(edx_db *db, edx_arena *a, const edx_principal *p, const char *sha256,
                       const char *field, edx_err *err);

typedef struct edx_evidence_file {
    char *data; /* malloc'd; the caller frees it */
    size_t size;
    const char *media_type, *name; /* in the caller's arena */
} edx_evidence_file;

/* Read a file `p` may read, checked against its hash. */
int edx_evidence_get(edx_db *db, edx_arena *a, const edx_principal *p, const edx_evidence_cfg *cfg,
                     const char *sha256, edx_evidence_file *out, edx_err *err);

/* The media type of `data` when it is a kind evidence may be, else NULL and *why. */
const char *edx_evidence_sniff(const void *data, size_t n, const char **why);

/* ---- progress reports (reports.c) ---------------------------------------------------------- */

/*
 * A registered unit's report for a period: "2026" (the calendar year) or
 * "2026-S1" / "2026-S2" (its halves), inside the campaign and begun already.
 *
 * edx_report_save replaces the draft's values: a list of {indicator, value,
 * note?, evidence: [sha256…]} for manual indicators (computed ones are
 * refused), each value checked like a pledge, each file one `p` may read.
 * Refused (409 report_locked) while the report is submitted or accepted.
 *
 * edx_report_submit freezes the draft as version N+1 (every value needs a
 * number and at least one evidence file) together with the computed
 * indicators, worked out from the platform's data for the unit's subtree and
 * the period; earlier versions stay readable.
 *
 * edx_report_review: the Ministry "return"s a submitted report for correction
 * (a comment is required) or "accept"s it.
 *
 * edx_report_get: the report (status, draft, versions, the current version's
 * content); with version > 0, that version's content.
 */
int edx_report_save(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                    const char *unit, const char *period, const json_t *values, json_t **out,
                    edx_err *err);
int edx_report_submit(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                      const char *unit, const char *period, json_t **out, edx_err *err);
int edx_report_review(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                      const char *unit, const char *period, const char *action,
                      const char *comment, json_t **out, edx_err *err);
int edx_report_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                   const char *unit, const char *period, int version, json_t **out,
                   edx_err *err);
/* Reports of the campaign in the caller's scope, newest first, optionally of one status/period. */
int edx_report_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                    const char *status, const char *period, json_t **out, edx_err *err);

/* ---- initiatives (initiatives.c) ----------------------------------------------------------- */

/*
 * Submit an initiative for a unit `p` may act for: {unit, title, authors?: [names], problem,
 * solution, results, evidence: [sha256…] (at least one), recognition?: {body,
 * decision_number, decision_date, scope}} where scope is unit, province, ministry or nation.
 * *out as edx_initiative_get gives it.
 */
int edx_initiative_create(edx_db *db, edx_arena *a, const edx_principal *p, const json_t *body,
                          json_t **out, edx_err *err);

/* One initiative with its recognition and the units that adopted it (any signed-in user). */
int edx_initiative_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                       json_t **out, edx_err *err);

typedef struct edx_initiative_query {
    const char *unit;  /* the initiatives of this unit's subtree, or NULL for all */
    const char *scope; /* recognised with this scope, or NULL */
    int recognised;    /* -1 any, 1 recognised only, 0 not yet */
    const char *q;     /* words of the title, accents optional */
    int limit, offset;
} edx_initiative_query;

int edx_initiative_list(edx_db *db, edx_arena *a, const edx_principal *p,
                        const edx_initiative_query *q, json_t **out, edx_err *err);

/*
 * Record its recognition ({body, decision_number, decision_date, scope}): by the Ministry or
 * an admin of a unit above the initiative's unit (not the unit itself).
 */
int edx_initiative_recognise(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                             const json_t *body, json_t **out, edx_err *err);

/*
 * Record that `unit` (one `p` may act for, outside the owner's subtree) applied it: {unit,
 * adopted_on, note?, evidence: [sha256…] (at least one)}. Once per unit.
 */
int edx_initiative_adopt(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                         const json_t *body, json_t **out, edx_err *err);

/*
 * The campaign at a glance for the caller's scope (the ministry dashboard): eligible and
 * registered units (total and by unit type), progress reports by period and status, and
 * initiatives of its units (submitted, recognised, adopted elsewhere).
 */
int edx_campaign_summary(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                         json_t **out, edx_err *err);

/* The computed-indicator sources edudx knows ("credentials.diplomas_issued", …), NULL-ended. */
extern const char *const edx_indicator_sources[];

/* ---- the 2027/2030 reviews (milestone_data.c) ----------------------------------------------- */

/* One registered unit as a milestone review sees it. Arrays have one slot per indicator of
 * the campaign (edx_milestone_data.ind order); strings live in the arena given to the load. */
typedef struct edx_milestone_unit {
    const char *code, *name, *name_en, *type, *province; /* province "" when none */
    double *pledge;       /* the target pledged for the milestone's phase, or NAN */
    double *value;        /* the value reported or computed, or NAN */
    const char **period;  /* the period `value` comes from, or NULL */
    unsigned char *accepted; /* 1 when that report is accepted, 0 when only submitted */
    int reported;         /* a report submitted or accepted for a period up to the milestone */
    int64_t initiatives, recognised, adoptions; /* the unit's own initiatives up to the milestone */
} edx_milestone_unit;

/* Eligible (active, of a participating type) units of one type in one province. */
typedef struct edx_milestone_cell {
    const char *type, *province;
    int64_t eligible;
} edx_milestone_cell;

/* Reports of one period (up to the milestone) by status. */
typedef struct edx_milestone_period {
    const char *period;
    int64_t submitted, accepted, returned, draft;
} edx_milestone_period;

typedef struct edx_milestone_data {
    json_t *campaign;          /* the definition (owned; edx_milestone_data_free) */
    const json_t *milestone;   /* the milestone's member of campaign.milestones */
    const json_t *phase;       /* the phase it ends */
    char until[11];            /* the milestone's date, YYYY-MM-DD */
    size_t nind;
    const json_t **ind;        /* the campaign's indicators, in its order */
    size_t nunits;
    edx_milestone_unit *units; /* registered by the milestone, in [lo, hi), by path */
    size_t ncells;
    edx_milestone_cell *cells; /* eligible units by type and province, in [lo, hi) */
    size_t nperiods;
    edx_milestone_period *periods; /* in order of their end, then the year before its halves */
} edx_milestone_data;

/*
 * Read what the review of `milestone` (a code of campaign.milestones) needs, for units whose
 * path is in [lo, hi) (the caller has checked that scope), in a few grouped queries:
 *   - the registered units (registered on or before the milestone's date);
 *   - per indicator, the pledge for the milestone's phase;
 *   - per indicator, the value of the latest accepted report holding one (a report of a
 *     period ending on or before the milestone), else of the latest submitted one: the
 *     current version's value, computed ones as frozen at submission; a later end wins,
 *     on the same end the year wins over its half; null values are passed over;
 *   - the unit's own initiatives submitted, recognised (decision dated) and adopted elsewhere
 *     up to the milestone;
 *   - eligible units by type and province, and reports by period and status.
 * Errors: EDX_ENOTFOUND naming "code" (campaign) or "milestone". Free with
 * edx_milestone_data_free (arena memory goes with the arena).
 */
int edx_milestone_data_load(edx_db *db, edx_arena *a, const char *campaign, const char *milestone,
                            const char *lo, const char *hi, edx_milestone_data *out,
                            edx_err *err);
void edx_milestone_data_free(edx_milestone_data *d);

#endif
