/*
 * rules.h: reward eligibility as versioned data (docs/eligibility.md).
 *
 * A rule file (data/awards/rules.json) lists the reward forms and titles and the
 * rules that make a subject eligible for them. Each rule carries its legal
 * citations, an effective-date range and a verified flag; its condition is a
 * small expression tree over a closed set of operators (all, any, not,
 * has_award, count_awards, consecutive_ratings, has_initiative, leads,
 * no_award_within, after_award, since_last_award, manual). Nothing legal is
 * written in C: the engine only knows how to evaluate the operators.
 *
 * The file is compiled once (edx_rules_load): every member, type, date, form
 * code and operator is checked, so evaluation never meets a malformed rule.
 * Evaluation (edx_rules_evaluate) takes a subject's recorded history, a reward
 * form, the year the reward would be for and the date of the decision, picks
 * the rule versions in effect on that date and answers eligible / not eligible
 * / unknown, with a report that explains every condition in Vietnamese and
 * English and names the history records it used.
 *
 * Three-valued logic: a condition holds, fails or is unknown. Award, initiative
 * and leadership lists are taken as complete (an award not recorded was not
 * given); a yearly rating that is missing between the first recorded year and
 * the candidate year is missing data, so a condition it decides is unknown.
 */
#ifndef EDX_RULES_H
#define EDX_RULES_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* Years accepted in rule files, histories and queries. */
#define EDX_YEAR_MIN 1900
#define EDX_YEAR_MAX 2100

/* A compiled rule file: immutable once loaded, shareable between threads. */
typedef struct edx_rules edx_rules;

/*
 * Compile a rule file (`len` bytes of JSON). Returns 0 and sets *out (free it
 * with edx_rules_free), or EDX_EINVAL with the start of err->message naming the
 * JSON location, e.g. "rules[3].condition.all[1].has_awrd: unknown condition …",
 * err->field holding it too (its first 63 bytes), and
 * err->code one of: "invalid_json", "unknown_condition" (an operator outside the
 * closed set), "unknown_field", "unknown_form", "invalid_field" (wrong type,
 * value out of range or outside its vocabulary, missing member), "invalid_date",
 * "duplicate_form", "duplicate_rule" (an id and version given twice),
 * "overlapping_versions" (two versions of one rule in effect on the same day),
 * "inconsistent_versions" (versions of one rule that apply to different forms or
 * kinds). EDX_ENOMEM when out of memory.
 */
int edx_rules_load(const char *json, size_t len, edx_rules **out, edx_err *err)
    __attribute__((warn_unused_result));

/* Release compiled rules. Safe with NULL. */
void edx_rules_free(edx_rules *r);

/* The file's "version" (the data release, quoted in every report). Owned by `r`. */
const char *edx_rules_version(const edx_rules *r);

/* 1 when `code` names a reward form or title of the rule set, else 0. */
int edx_rules_has_form(const edx_rules *r, const char *code);

/* ---- A subject's history -------------------------------------------------------------------- */

typedef enum edx_subject_kind {
    EDX_SUBJECT_INDIVIDUAL = 1,
    EDX_SUBJECT_COLLECTIVE = 2,
} edx_subject_kind;

/* Yearly rating of duty fulfilment, ordered from worst to best. */
typedef enum edx_rating_level {
    EDX_RATING_NOT_COMPLETED = 1, /* Không hoàn thành nhiệm vụ */
    EDX_RATING_COMPLETED = 2,     /* Hoàn thành nhiệm vụ */
    EDX_RATING_GOOD = 3,          /* Hoàn thành tốt nhiệm vụ */
    EDX_RATING_EXCELLENT = 4,     /* Hoàn thành xuất sắc nhiệm vụ */
} edx_rating_level;

/* The kind of commendation an award was given under; 0 when not recorded. */
typedef enum edx_award_type {
    EDX_AWARD_TYPE_UNKNOWN = 0,
    EDX_AWARD_REGULAR = 1,      /* thường xuyên */
    EDX_AWARD_MOVEMENT = 2,     /* theo phong trào thi đua (theo đợt, chuyên đề) */
    EDX_AWARD_IRREGULAR = 3,    /* đột xuất */
    EDX_AWARD_CONTRIBUTION = 4, /* quá trình cống hiến */
    EDX_AWARD_SENIORITY = 5,    /* niên hạn */
    EDX_AWARD_FOREIGN = 6,      /* đối ngoại */
} edx_award_type;

/* The scope an initiative is recognised to influence; 0 when not recorded. */
typedef enum edx_scope {
    EDX_SCOPE_UNKNOWN = 0,
    EDX_SCOPE_UNIT = 1,     /* cơ sở */
    EDX_SCOPE_MINISTRY = 2, /* bộ, ngành (same tier as a province) */
    EDX_SCOPE_PROVINCE = 3, /* tỉnh, thành phố */
    EDX_SCOPE_NATIONAL = 4, /* toàn quốc */
} edx_scope;

/* A body that recognises an initiative or organises an emulation; 0 when not recorded. */
typedef enum edx_body {
    EDX_BODY_UNKNOWN = 0,
    EDX_BODY_UNIT = 1,
    EDX_BODY_MINISTRY = 2, /* the ministry or its head */
    EDX_BODY_PROVINCE = 3, /* the province or city, or its head */
    EDX_BODY_GOVERNMENT = 4,
    EDX_BODY_PRIME_MINISTER = 5,
    EDX_BODY_PRESIDENT = 6,
} edx_body;

typedef enum edx_lead_kind {
    EDX_LEAD_CLUSTER = 1,  /* cụm thi đua */
    EDX_LEAD_BLOCK = 2,    /* khối thi đua */
    EDX_LEAD_MOVEMENT = 3, /* phong trào thi đua */
} edx_lead_kind;

/* The review at which leadership was recognised; 0 when not recorded. */
typedef enum edx_review {
    EDX_REVIEW_UNKNOWN = 0,
    EDX_REVIEW_ANNUAL = 1,
    EDX_REVIEW_PRELIMINARY = 2, /* sơ kết */
    EDX_REVIEW_FINAL = 3,       /* tổng kết */
} edx_review;

/* Dates are integers YYYYMMDD (20250807), 0 when not recorded. */

/* An award or an emulation title received. */
typedef struct edx_award_rec {
    const char *form;     /* a form code of the rule set */
    int year;             /* the year the award or title is for */
    int decision_date;    /* awards decided after the query's as_of date are ignored */
    const char *decision; /* decision number, or NULL */
    const char *issuer;   /* or NULL */
    edx_award_type type;
} edx_award_rec;

typedef struct edx_rating_rec {
    int year; /* at most one rating per year */
    edx_rating_level level;
} edx_rating_rec;

typedef struct edx_initiative_rec {
    const char *title; /* or NULL */
    int year;          /* year of recognition */
    edx_scope scope;
    edx_body recognised_by;       /* level of the recognising body */
    const char *recognising_body; /* its name, or NULL */
    const char *decision;         /* or NULL */
    int decision_date;
} edx_initiative_rec;

/* The subject was recognised as leading an emulation cluster, block or movement. */
typedef struct edx_lead_rec {
    edx_lead_kind kind;
    edx_body organiser; /* who organised the cluster or launched the movement */
    int year;           /* the year of that recognition */
    edx_review review;
    int movement_from, movement_to; /* a movement's span in years; 0 when not recorded */
    const char *name;               /* or NULL */
} edx_lead_rec;

/* Record indexes in reports are 0-based positions in these arrays. */
typedef struct edx_history {
    edx_subject_kind kind;
    const char *name; /* or NULL */
    const edx_award_rec *awards;
    size_t n_awards;
    const edx_rating_rec *ratings;
    size_t n_ratings;
    const edx_initiative_rec *initiatives;
    size_t n_initiatives;
    const edx_lead_rec *leads;
    size_t n_leads;
} edx_history;

/*
 * Read a history given as JSON (the format is in docs/eligibility.md) into *out,
 * everything allocated in `a`; `in` may be released afterwards. Rating levels
 * are codes ("excellent", "good", "completed", "not_completed") or their
 * Vietnamese names ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
 * "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ", with or without
 * "nhiệm vụ", any case, NFC or NFD). Errors: EDX_EINVAL naming the location,
 * e.g. "awards[2].form" ("unknown_form" when the form is not in `r`, two
 * ratings for one year, a bad date), EDX_ENOMEM.
 */
int edx_history_parse(const edx_rules *r, const json_t *in, edx_arena *a, edx_history *out,
                      edx_err *err) __attribute__((warn_unused_result));

/* The shipped rule file (data/awards/rules.json, built in), compiled on first use; NULL
 * when it does not load (said on stderr). */
const edx_rules *edx_rules_builtin(void);

/* ---- Evaluation ----------------------------------------------------------------------------- */

typedef enum edx_eligibility {
    EDX_NOT_ELIGIBLE = 0,
    EDX_ELIGIBLE = 1,
    EDX_ELIGIBILITY_UNKNOWN = 2, /* data missing, or a condition needs a person's check */
} edx_eligibility;

typedef struct edx_elig_query {
    const char *form;   /* form code */
    int candidate_year; /* the year the reward would be for; records after it are ignored */
    const char *as_of;  /* "YYYY-MM-DD": the rule versions in effect that day apply */
} edx_elig_query;

/*
 * Decide whether the subject of `h` may be proposed for q->form. The rules that
 * apply are those for the form (or its level) and the subject's kind whose
 * effective range covers q->as_of; of each rule id at most one version is in
 * effect. Requirements must all hold and one route must hold:
 *   eligible      every requirement holds and some route holds;
 *   not eligible  a requirement fails, every route fails, or the form is not
 *                 given to this kind of subject;
 *   unknown       otherwise (data missing, a "manual" condition, no rule in effect).
 * *verdict gets the answer; *report (caller owns, json_decref) explains it:
 *   {"form","form_name":{vi,en},"subject_kind","candidate_year","as_of",
 *    "rules_version","verdict":"eligible"|"not_eligible"|"unknown",
 *    "summary":{vi,en},"warnings":[{"code","rule","version","message":{vi,en}}],
 *    "rules":[{"id","version","kind","verified","citations","effective_from",
 *              "effective_until","notes","result","explanation":NODE}]}
 *   NODE = {"op","path","result":"held"|"failed"|"unknown","message":{vi,en},
 *           "records":{"awards"|"ratings"|"initiatives"|"leads":[index…]},
 *           "children":[NODE…]}   (records and children only when not empty)
 * A warning "unverified_rule" is given for each unverified rule the verdict
 * rests on. `h` may come from edx_history_parse or be built by the caller; it is
 * checked the same way. Errors: EDX_EINVAL (unknown form, bad year or date, a
 * malformed history: err->field names it), EDX_ENOMEM.
 */
int edx_rules_evaluate(const edx_rules *r, const edx_history *h, const edx_elig_query *q,
                       edx_eligibility *verdict, json_t **report, edx_err *err)
    __attribute__((warn_unused_result));

#endif
