/*
 * review.h: review rounds of a campaign and their councils.
 *
 * A round (screening, scoring or final) has a council: reviewers, one of them
 * the chair. Its entries are units registered for the campaign. Creating the
 * round assigns each entry to `reviewers_per_entry` (at least 3) members with
 * the load kept even and conflicts of interest left out: a reviewer never
 * reviews its own unit, a unit above it or a unit below it
 * (a member at the Ministry itself, the root, may review every unit below). A reviewer may
 * recuse itself from an entry with a reason (kept and audited); another member
 * takes the place when one is free. Reviewers score each criterion of the
 * campaign's rubric with a comment, save drafts and submit once. Results show
 * the fair aggregations of review/scoring.h side by side (scoring.h).
 *
 * Who sees what: the Ministry everything; a round's chair its round and results;
 * a reviewer its own assignments, the entry's reports and initiatives, and its
 * own scorecards. With `blind`, reviewers see an entry number, not the unit.
 */
#ifndef EDX_REVIEW_H
#define EDX_REVIEW_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "registry/registry.h"
#include "store/db.h"

/*
 * Create a round of `campaign` and assign it: {code, name, stage, blind?,
 * reviewers_per_entry? (3 or more; default 3), members: [{username, role:
 * "chair"|"member"}], entries?: [unit codes] (default: every registered unit)}.
 * Members are reviewer or ministry_admin accounts; exactly one chair. An entry
 * with too few members free of conflict is EDX_ECONFLICT naming it; nothing is
 * created then. Ministry only. *out as edx_round_get gives it.
 */
int edx_round_create(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                     const json_t *body, json_t **out, edx_err *err);

/* The round: council, entries with their reviewers and progress (Ministry, chair). */
int edx_round_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                  const char *round, json_t **out, edx_err *err);

/* Close a round (Ministry or its chair): no more scorecards or recusals. */
int edx_round_close(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                    const char *round, json_t **out, edx_err *err);

/*
 * Results of a round from its submitted scorecards: per entry the weighted mean,
 * the trimmed mean, the z-score normalised and the model score, each with its
 * standard error, rank, rank within the group (`group`: "type", "province" or
 * NULL for none) and near-tie flags; reviewers' offsets. Ministry and chair.
 */
int edx_round_results(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                      const char *round, const char *group, json_t **out, edx_err *err);

/* The caller's assignments in open rounds, with the state of its scorecard. */
int edx_review_queue(edx_db *db, edx_arena *a, const edx_principal *p, json_t **out,
                     edx_err *err);

/* One assigned entry for its reviewer: rubric, the unit's reports and initiatives, its card. */
int edx_review_entry(edx_db *db, edx_arena *a, const edx_principal *p, int64_t entry,
                     json_t **out, edx_err *err);

/*
 * Save the caller's scorecard for an entry: {scores: {criterion: number}, comment?,
 * submit?: true}. Scores lie on the campaign's scale; submitting needs every criterion
 * and happens once (409 already_submitted). Only an assigned reviewer (403), in an open
 * round (409 round_closed).
 */
int edx_review_score(edx_db *db, edx_arena *a, const edx_principal *p, int64_t entry,
                     const json_t *body, json_t **out, edx_err *err);

/* Step back from an entry with a reason (5 to 500 characters); a free member takes over. */
int edx_review_recuse(edx_db *db, edx_arena *a, const edx_principal *p, int64_t entry,
                      const char *reason, json_t **out, edx_err *err);

/* Progress of the campaign's rounds (the dashboard's part): per round its stage, status,
 * entries, assignments, submitted scorecards. Ministry and reviewers; [] for others. */
int edx_review_progress(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                        json_t **out, edx_err *err);

/*
 * The council of round `round` of `campaign` for other domains (ballots): the
 * round's id, its chair's user id and its size. EDX_ENOTFOUND when no such round.
 */
typedef struct edx_council {
    int64_t round_id, chair_id;
    int members;
    const char *code, *name; /* in `a` */
} edx_council;
int edx_council_get(edx_db *db, edx_arena *a, const char *campaign, const char *round,
                    edx_council *out, edx_err *err);
/* The same by the round's id. */
int edx_council_by_id(edx_db *db, edx_arena *a, int64_t round_id, edx_council *out, edx_err *err);
/* 1 when `user_id` sits on the council of round `round_id`, 0 when not, <0 on error. */
int edx_council_has(edx_db *db, int64_t round_id, int64_t user_id, edx_err *err);

/* ---- for the 2027/2030 reviews (review_data.c) ------------------------------------------- */

/* One entry's line in a milestone review: the additive model's score (the fairest of the
 * four, docs/scoring.md), its standard error, rank overall and within the province, near-tie
 * flag, and the raw weighted mean beside it. */
typedef struct edx_round_score {
    const char *unit;
    double score, se, mean;
    uint32_t rank, province_rank;
    int near_tie;
} edx_round_score;

/*
 * The scored entries of round `round` as edx_round_results computes them (grouped by
 * province), without the JSON: an array of *n in `a`, in entry order. No role check: the
 * caller shows each viewer only its own units' lines.
 */
int edx_round_scores(edx_db *db, edx_arena *a, const char *campaign, const char *round,
                     edx_round_score **out, size_t *n, edx_err *err);

/*
 * The latest closed round of `campaign` (by creation, then id): its code, name and stage in
 * `a`, or *code NULL when no round is closed yet. EDX_ENOTFOUND naming "campaign" when there
 * is no such campaign. The caller decides who may see the results it then asks for.
 */
int edx_round_latest_closed(edx_db *db, edx_arena *a, const char *campaign, const char **code,
                            const char **name, const char **stage, edx_err *err);

#endif
