/*
 * awards_int.h: what the awards module's files share (not for other modules).
 */
#ifndef EDX_AWARDS_INT_H
#define EDX_AWARDS_INT_H

#include "awards/awards.h"
#include "awards/rules.h"

/* A nomination row. Strings in the arena. */
typedef struct nom {
    int64_t id, campaign_id, unit_id, person_id, ballot_id;
    int64_t candidate_year, checked_at, posted_from, posted_until, annulled_at;
    int64_t created_at, updated_at;
    const char *campaign, *unit_code, *unit_name, *unit_path, *subject_name, *form, *summary;
    const char *status, *verdict, *eligibility, *confirmed_by, *confirm_note;
    const char *decision_number, *decision_date, *decision_issuer, *credential_id;
    const char *annul_reason, *created_by;
} nom;

/* Load nomination `id` (any scope): 0, EDX_ENOTFOUND. */
int aw_nom_load(edx_db *db, edx_arena *a, int64_t id, nom *n, edx_err *err);
/* 0 when `p` may read it: the Ministry, a unit admin of its subtree, a reviewer on a council
 * that has it on a ballot. Else 404 (a unit admin does not learn that it exists). */
int aw_nom_may_read(edx_db *db, const edx_principal *p, const nom *n, edx_err *err);
/* The nomination as the API shows it (without steps); caller owns. */
json_t *aw_nom_json(edx_db *db, edx_arena *a, const nom *n, int with_report);
/* Append a line to the nomination's own history (inside the caller's transaction). */
int aw_step(edx_db *db, int64_t id, const char *action, const char *actor, const char *note,
            edx_err *err);
/* Move `n` to `status` (inside the caller's transaction), stamping updated_at. */
int aw_set_status(edx_db *db, int64_t id, const char *status, edx_err *err);

/* The reward form `code` of the campaign definition `camp`, or NULL. */
const json_t *aw_campaign_form(const json_t *camp, const char *code);
/* The campaign definition (no scope check): caller owns. */
int aw_campaign_doc(edx_db *db, edx_arena *a, const char *code, json_t **out, edx_err *err);

/* The subject's history as rules.h reads it (awards not annulled, ratings, the unit's
 * recognised initiatives for a collective); caller owns. */
int aw_history_json(edx_db *db, edx_arena *a, int64_t unit_id, int64_t person_id,
                    const char *kind, const char *name, int include_annulled, json_t **out,
                    edx_err *err);

/* The Ministry or the system (the CLI). */
int aw_is_ministry(const edx_principal *p);
/* Unix seconds as an ISO 8601 string, null for 0. */
json_t *aw_time_json(int64_t t);

/* Today in Vietnam, YYYY-MM-DD. */
void aw_today(char out[11]);

#endif
