/*
 * awards.h: the reward side of the movement (docs/nominations.md).
 *
 * - History: each subject's recorded awards and yearly ratings (a unit, or a person
 *   of the registry), imported from CSV or written by decisions here; with the
 *   unit's recognised initiatives it is what rules.h evaluates.
 * - Nominations: proposed by a unit for itself or one of its people, for a reward
 *   form of the campaign → eligibility (explained, stored; an "unknown" verdict
 *   needs a person's confirmation) → council ballot → posted for public comment →
 *   submitted upward → decided (an award credential is issued) → maybe annulled.
 *   Every step is one transaction, one audit record and one line of the
 *   nomination's own history.
 * - Ballots: a review round's council votes on a list of nominations. Threshold
 *   and base (all members, or those who voted) come from the reward form
 *   (campaign "reward_forms[].ballot"; default at least 90% of all members,
 *   secret). A member votes once, for every item at once; the tallies are
 *   counters, so a secret ballot keeps no link between a member and a choice.
 *
 * Roles: the Ministry does everything; a unit admin proposes and withdraws for
 * units of its subtree and reads their nominations; council members read and vote
 * their ballots; the round's chair opens and closes ballots of its round; anyone
 * reads posted nominations and comments while the window is open.
 */
#ifndef EDX_AWARDS_H
#define EDX_AWARDS_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "registry/registry.h"
#include "store/db.h"

struct edx_cred_env;
struct edx_evidence_cfg;

/* ---- history (history.c) --------------------------------------------------------------------- */

typedef struct edx_history_report {
    long records, added, existing; /* existing: the same record was there (a rerun adds nothing) */
} edx_history_report;

/*
 * Import past awards and ratings from CSV with the header
 *   unit,person_id,kind,form,year,level,award_type,decision,decision_date,issuer
 * (person_id empty for the unit itself; kind "award" (form: a reward form or
 * title code of the rule set) or "rating" (level: excellent, good, completed,
 * not_completed or the Vietnamese name)). Units must be in `p`'s scope. All or
 * nothing: the first bad record is named (line and column) and nothing is
 * written; a record already stored for the subject, kind, form and year is
 * counted as existing and left alone.
 */
int edx_award_history_import(edx_db *db, edx_arena *a, const edx_principal *p, const char *csv,
                             size_t len, edx_history_report *rep, edx_err *err);

/* A subject's history: {"subject":{unit,person_id,kind,name},"awards":[],"ratings":[],
 * "initiatives":[]} (annulled awards listed with "annulled": true). */
int edx_award_history_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit,
                          int64_t person_id, json_t **out, edx_err *err);

/* ---- nominations (nominations.c) ------------------------------------------------------------ */

/* body {unit, person_id?, form, candidate_year, summary}: 201 with the nomination. */
int edx_nomination_create(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                          const json_t *body, json_t **out, edx_err *err);
int edx_nomination_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                       json_t **out, edx_err *err);
/* status, unit: filters or NULL. {"items":[…]} in the caller's scope. */
int edx_nomination_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                        const char *status, const char *unit, json_t **out, edx_err *err);
/* Evaluate again (Ministry); body {confirm: true, note} accepts an "unknown" verdict. */
int edx_nomination_check(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                         const json_t *body, json_t **out, edx_err *err);
int edx_nomination_withdraw(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                            json_t **out, edx_err *err);
/* passed → posted for {days} (1–60; default the form's posting_days or 10) or {until}. */
int edx_nomination_post(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                        const json_t *body, json_t **out, edx_err *err);
/* posted, window over → submitted. */
int edx_nomination_submit(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                          json_t **out, edx_err *err);
/* submitted → decided {number, date, issuer}; issues the award credential (as p's unit). */
int edx_nomination_decide(edx_db *db, edx_arena *a, const edx_principal *p,
                          const struct edx_cred_env *env, int64_t id, const json_t *body,
                          json_t **out, edx_err *err);
/* decided → annulled {reason}; the credential is revoked and the award leaves the history. */
int edx_nomination_annul(edx_db *db, edx_arena *a, const edx_principal *p,
                         const struct edx_cred_env *env, int64_t id, const json_t *body,
                         json_t **out, edx_err *err);

/* Posted nominations, for anyone: {"items":[…]}, the window still open or closed ≤ 30 days. */
int edx_nomination_public(edx_db *db, edx_arena *a, json_t **out, edx_err *err);
/* A public comment {name, contact?, text} while the window is open (409 window_closed). */
int edx_nomination_comment(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                           const json_t *body, json_t **out, edx_err *err);
int edx_nomination_comments(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                            json_t **out, edx_err *err);

/* The electronic dossier: one PDF (proposal, eligibility, reports, evidence list, scores,
 * ballot minutes, comments, decision) and a ZIP of the evidence files. */
int edx_nomination_dossier_pdf(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                               edx_buf *out, edx_err *err);
int edx_nomination_evidence_zip(edx_db *db, edx_arena *a, const edx_principal *p,
                                const struct edx_evidence_cfg *cfg, int64_t id, edx_buf *out,
                                edx_err *err);

/* ---- ballots (ballots.c) ---------------------------------------------------------------------- */

/* body {round, title, nominations:[id…], closes_at? | minutes?}: Ministry or the chair. */
int edx_ballot_create(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                      const json_t *body, json_t **out, edx_err *err);
int edx_ballot_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id, json_t **out,
                   edx_err *err);
int edx_ballot_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                    json_t **out, edx_err *err);
/* body {choices:[{nomination, choice: yes|no|abstain}…]} covering every item once. */
int edx_ballot_vote(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                    const json_t *body, json_t **out, edx_err *err);
/* Count: after closes_at, when every member voted, or with {early: true}. */
int edx_ballot_close(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                     const json_t *body, json_t **out, edx_err *err);

/*
 * Awards decided in `campaign` (nominations in status "decided", not annulled) for
 * units whose path is in [path_lo, path_hi) (NULL, NULL: all), for reports across
 * domains. *out (caller owns): {"UNITCODE": [{"form","form_name":{vi,en},"year",
 * "decision":{number,date,issuer},"subject":{kind,name}}…], …}.
 */
int edx_awards_decided(edx_db *db, const char *campaign, const char *path_lo,
                       const char *path_hi, json_t **out, edx_err *err);

#endif
