/*
 * scoring.h: fair aggregation of a review council's scorecards.
 *
 * Reviewers score entries on a weighted rubric. From the same scorecards this
 * module computes four scores per entry, meant to be shown side by side:
 *
 *   MEAN     the raw mean of the reviewers' weighted scores;
 *   TRIMMED  the same with the highest and lowest dropped when there are at
 *            least five reviews (otherwise equal to MEAN);
 *   ZSCORE   each reviewer's scores turned into z-scores against that
 *            reviewer's own mean and spread; the entries' mean z-scores are
 *            mapped linearly onto the range of the raw entry means (Evalato);
 *   MODEL    the quality q_e of the additive model s = q_e + b_r + noise,
 *            fitted by least squares with a ridge penalty on the reviewer
 *            offsets b_r (the model NeurIPS has used since 2002).
 *
 * Each score comes with a standard error, a rank over all entries and within
 * the entry's group (competition ranking "1224"), and near-tie flags for the
 * council. docs/scoring.md gives the formulas, the rules and a worked example.
 *
 * Pure computation: no store, no I/O, no global state; safe to call from
 * several threads on different inputs.
 */
#ifndef EDX_SCORING_H
#define EDX_SCORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

typedef enum edx_scoring_method {
    EDX_SCORING_MEAN = 0,
    EDX_SCORING_TRIMMED = 1,
    EDX_SCORING_ZSCORE = 2,
    EDX_SCORING_MODEL = 3,
} edx_scoring_method;

#define EDX_SCORING_NMETHODS 4

/* The ridge weight on reviewer offsets when the input leaves it 0: it acts as
 * this many extra reviews of offset zero for every reviewer. */
#define EDX_SCORING_LAMBDA_DEFAULT 2.0

/* Near-tie bits (edx_scoring_value.near_tie and .group_near_tie). */
#define EDX_SCORING_TIE_ABOVE 1u /* within the uncertainty of the entry ranked just above */
#define EDX_SCORING_TIE_BELOW 2u /* within the uncertainty of the entry ranked just below */

/* One reviewer's scores for one entry. */
typedef struct edx_scorecard {
    uint32_t entry;       /* 0-based, < nentries */
    uint32_t reviewer;    /* 0-based, < nreviewers */
    const double *scores; /* ncriteria scores on the rubric scale */
} edx_scorecard;

typedef struct edx_scoring_input {
    const edx_scorecard *cards;
    size_t ncards;
    size_t nentries;   /* every entry needs at least one scorecard */
    size_t nreviewers; /* reviewers without scorecards are allowed */
    size_t ncriteria;
    const double *weights;       /* ncriteria weights, each finite and > 0; NULL: all equal */
    double scale_min, scale_max; /* the rubric scale, min < max */
    const uint32_t *groups;      /* nentries group ids (unit type, province...); NULL: one group */
    double lambda;               /* ridge on reviewer offsets, >= 0; 0: LAMBDA_DEFAULT */
    double tie_z;                /* near-tie width in standard errors, >= 0; 0: 1.0 */
} edx_scoring_input;

/* One entry's result under one method. */
typedef struct edx_scoring_value {
    double score;
    double se;              /* standard error of score */
    uint32_t rank;          /* 1-based among all entries; equal scores share a rank */
    uint32_t group_rank;    /* 1-based within the entry's group */
    uint8_t near_tie;       /* EDX_SCORING_TIE_* against neighbours in the overall ranking */
    uint8_t group_near_tie; /* the same against neighbours within the group */
} edx_scoring_value;

typedef struct edx_scoring_entry {
    uint32_t n;     /* scorecards */
    uint32_t group; /* group id (0 when the input has none) */
    bool trimmed;   /* TRIMMED dropped one high and one low (n >= 5); else it equals MEAN */
    edx_scoring_value m[EDX_SCORING_NMETHODS];
} edx_scoring_entry;

typedef struct edx_scoring_reviewer {
    uint32_t n;         /* scorecards */
    double mean, sd;    /* of its weighted scores (population sd): its z-scores' origin */
    double offset;      /* b_r of the model: > 0 lenient, < 0 harsh; 0 without scorecards */
    uint32_t component; /* connected part of the reviewer–entry graph (see `components`);
                           UINT32_MAX without scorecards */
} edx_scoring_reviewer;

typedef struct edx_scoring_result {
    size_t nentries, nreviewers, ngroups;
    edx_scoring_entry *entries;      /* nentries */
    edx_scoring_reviewer *reviewers; /* nreviewers */
    /* Entries best first, per method; equal scores by entry index. */
    uint32_t *order[EDX_SCORING_NMETHODS];
    /* Entries by ascending group id, then best first within the group. */
    uint32_t *group_order[EDX_SCORING_NMETHODS];
    double scale_min, scale_max; /* the rubric scale */
    double mean, sd;             /* of all weighted scores (population sd) */
    double lambda;               /* ridge weight used */
    double tie_z;                /* near-tie width used */
    double sigma;                /* residual standard deviation of the model */
    /* Connected parts of the reviewer–entry graph. The model calibrates reviewers against
     * each other only through shared entries: entries of different parts (councils that
     * share no entry) keep their council's overall level. */
    size_t components;
    int iterations; /* conjugate-gradient steps of the model fit */
    bool converged; /* false: the fit stopped at its step limit (scores still usable) */
} edx_scoring_result;

/*
 * Score every entry by every method and rank them. Everything *out points to
 * is allocated from `a` (the caller's arena); temporaries are freed before
 * returning. Returns 0, EDX_EINVAL (bad input: the message names the
 * scorecard, entry or parameter, err->field the input path such as
 * "cards[12].scores[1]") or EDX_ENOMEM. On error *out is zeroed.
 *
 * Bad input: ncriteria 0 or cards NULL with ncards > 0; a weight not finite or
 * <= 0; a scale not finite or min >= max; a scorecard with an entry or
 * reviewer out of range, NULL scores, or a score NaN or outside the scale; the
 * same reviewer twice on one entry; an entry without scorecards; lambda or
 * tie_z negative or not finite; more than UINT32_MAX entries, reviewers or
 * scorecards.
 */
int edx_scoring_run(const edx_scoring_input *in, edx_arena *a, edx_scoring_result *out,
                    edx_err *err) __attribute__((warn_unused_result));

/*
 * Rank within another grouping (say by province after by unit type): rewrites
 * every entry's group, group_rank and group_near_tie, res->ngroups and
 * res->group_order (new arrays from `a`; the old ones stay in the arena).
 * `groups` holds nentries ids; NULL puts every entry in one group. Returns 0
 * or EDX_ENOMEM (res then keeps its previous grouping).
 */
int edx_scoring_regroup(edx_scoring_result *res, const uint32_t *groups, edx_arena *a, edx_err *err)
    __attribute__((warn_unused_result));

/*
 * Entries on the award line. Adjacent near-ties mean little in a long ranking
 * (neighbours among thousands are always within each other's uncertainty);
 * what a council needs is who could fall on either side of the line. With
 * `places` awards under method m (in each group when by_group), the line lies
 * midway between the last awarded score and the next; an entry is borderline
 * when the line is within res->tie_z standard errors of its score. Sets
 * flags[e] to 1 for those and 0 for the rest (nentries bytes, the caller's
 * buffer) and returns how many. A ranking of at most `places` entries has no
 * line: nothing in it is flagged.
 */
size_t edx_scoring_borderline(const edx_scoring_result *res, edx_scoring_method m, size_t places,
                              bool by_group, uint8_t *flags);

/* "mean", "trimmed", "zscore", "model"; "" for anything else. Static storage. */
const char *edx_scoring_method_name(edx_scoring_method m);

#endif
