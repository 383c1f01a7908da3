/*
 * review.c: review rounds, councils, assignment, scorecards and results.
 *
 * Assignment is greedy and deterministic: entries in order, each given the
 * `k` members free of conflict with the least load so far (ties broken by a
 * hash of entry and member, so no member is always first). That keeps every
 * load within one of the mean whenever conflicts allow.
 */
#include "review/review.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/timeutil.h"
#include "base/map.h"
#include "base/utf8.h"
#include "json/json.h"
#include "movement/movement.h"
#include "review/scoring.h"

#define MAX_MEMBERS 500
#define MAX_ENTRIES 100000

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/*
 * Conflict of interest: the same unit, or one above or below the other. The
 * root of the tree (the Ministry) is the exception as the unit above: it
 * oversees every unit, and its council members are the movement's reviewers.
 */
static int conflicted(const char *reviewer_path, const char *unit_path)
{
    if (!reviewer_path || !unit_path) return 0;
    size_t a = strlen(reviewer_path), b = strlen(unit_path);
    int root = a > 1 && strchr(reviewer_path + 1, '/') == reviewer_path + a - 1;
    if (root && a < b) return 0;
    return strncmp(reviewer_path, unit_path, a < b ? a : b) == 0;
}

static uint32_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (uint32_t)x;
}

/* ---- the round ------------------------------------------------------------------------------ */

typedef struct round_ref {
    int64_t id, campaign_id;
    const char *status, *stage, *name;
    int blind, per_entry;
    int64_t chair_id; /* user id of the chair */
} round_ref;

static int round_load(edx_db *db, edx_arena *a, const char *campaign, const char *code,
                      round_ref *r, edx_err *err)
{
    edx_rows *rows = NULL;
    int64_t cid = 0;
    memset(r, 0, sizeof *r);
    int rc = edx_campaign_id(db, campaign, &cid, err);
    if (rc < 0) return rc;
    rc = edx_db_query(db, &rows,
                      "SELECT id, status, stage, name, blind, reviewers_per_entry,"
                      " (SELECT user_id FROM council_members m WHERE m.round_id = r.id"
                      "  AND m.role = 'chair') FROM review_rounds r"
                      " WHERE campaign_id = ? AND code = ?",
                      EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(code)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(rows, err)) > 0) {
        r->id = edx_rows_int(rows, 0);
        r->campaign_id = cid;
        r->status = edx_arena_strdup(a, edx_rows_text(rows, 1));
        r->stage = edx_arena_strdup(a, edx_rows_text(rows, 2));
        r->name = edx_arena_strdup(a, edx_rows_text(rows, 3));
        r->blind = (int)edx_rows_int(rows, 4);
        r->per_entry = (int)edx_rows_int(rows, 5);
        r->chair_id = edx_rows_int(rows, 6);
    }
    edx_rows_close(rows);
    if (rc == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "round",
                           "round %.64s of campaign %.64s not found", code, campaign);
    return rc < 0 ? rc : 0;
}

/* The Ministry or the round's chair. */
static int may_lead(const edx_principal *p, const round_ref *r, edx_err *err)
{
    if (p->role == EDX_ROLE_MINISTRY_ADMIN || (p->user_id && p->user_id == r->chair_id)) return 0;
    return edx_err_forbidden(err, "only the Ministry and the round's chair may do this");
}

typedef struct member {
    int64_t user_id;
    const char *username, *path;
    int load;
} member;

typedef struct round_entry {
    int64_t id, registration_id;
    const char *unit, *path;
} round_entry;

/* Assign entry `e` to the k least-loaded members free of conflict; 0 or EDX_ECONFLICT. */
static int assign_entry(edx_db *db, member *m, size_t nm, const round_entry *e, int k,
                        int64_t *exclude, size_t nexclude, int64_t now, edx_err *err)
{
    for (int pick = 0; pick < k; pick++) {
        member *best = NULL;
        uint32_t best_tie = 0;
        for (size_t i = 0; i < nm; i++) {
            if (conflicted(m[i].path, e->path)) continue;
            int taken = 0;
            for (size_t x = 0; x < nexclude; x++) taken |= exclude[x] == m[i].user_id;
            if (taken) continue;
            uint32_t tie = mix((uint64_t)e->id * 1000003u + (uint64_t)m[i].user_id);
            if (!best || m[i].load < best->load || (m[i].load == best->load && tie < best_tie)) {
                best = &m[i];
                best_tie = tie;
            }
        }
        if (!best)
            return edx_err_set(err, EDX_ECONFLICT, 409, "too_few_reviewers", "members",
                               "entry %s has %d reviewers free of conflict; it needs %d", e->unit,
                               pick, k);
        int rc = edx_db_exec(db,
                             "INSERT INTO review_assignments (entry_id, user_id, status,"
                             " assigned_at) VALUES (?, ?, 'assigned', ?)",
                             EDX_DB_ARGS(EDX_DB_INT(e->id), EDX_DB_INT(best->user_id),
                                         EDX_DB_INT(now)),
                             err);
        if (rc < 0) return rc;
        best->load++;
        /* Not the same member twice: it is now among those to skip (room for k). */
        if (exclude) exclude[nexclude++] = best->user_id;
    }
    return 0;
}

int edx_round_create(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                     const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"code", "name", "stage", "blind", "reviewers_per_entry",
                                          "members", "entries", NULL};
    static const char *const stages[] = {"screening", "scoring", "final", NULL};
    member *m = NULL;
    round_entry *e = NULL;
    size_t nm = 0, ne = 0;
    int64_t cid = 0, rid = 0, now = edx_now();
    if (p->role != EDX_ROLE_MINISTRY_ADMIN)
        return edx_err_forbidden(err, "only the Ministry creates review rounds");
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0) return rc;
    const char *code = str(body, "code"), *name = str(body, "name"), *stage = str(body, "stage");
    if (!code || strlen(code) < 1 || strlen(code) > 64 ||
        strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") !=
            strlen(code))
        return edx_err_invalid(err, "code", "code is 1 to 64 letters, digits, - _ or .");
    char *clean_name = NULL;
    if (!name || edx_text_clean(a, name, 2, 200, "name", &clean_name, err) < 0)
        return name ? err->rc : edx_err_invalid(err, "name", "name is required");
    int stage_ok = 0;
    for (const char *const *s = stages; stage && *s; s++) stage_ok |= strcmp(*s, stage) == 0;
    if (!stage_ok) return edx_err_invalid(err, "stage", "stage is screening, scoring or final");
    const json_t *bl = json_object_get(body, "blind"), *k = json_object_get(body, "reviewers_per_entry");
    if (bl && !json_is_boolean(bl)) return edx_err_invalid(err, "blind", "blind is true or false");
    if (k && (!json_is_integer(k) || json_integer_value(k) < 3 || json_integer_value(k) > 15))
        return edx_err_invalid(err, "reviewers_per_entry", "reviewers_per_entry is 3 to 15");
    int per = k ? (int)json_integer_value(k) : 3;
    const json_t *mem = json_object_get(body, "members"), *ents = json_object_get(body, "entries");
    if (!json_is_array(mem) || json_array_size(mem) < 3 || json_array_size(mem) > MAX_MEMBERS)
        return edx_err_invalid(err, "members", "members is a list of 3 to %d reviewers",
                               MAX_MEMBERS);
    if (ents && (!json_is_array(ents) || json_array_size(ents) > MAX_ENTRIES))
        return edx_err_invalid(err, "entries", "entries is a list of unit codes");
    if ((rc = edx_campaign_id(db, campaign, &cid, err)) < 0) return rc;

    m = calloc(json_array_size(mem), sizeof *m);
    if (!m) return edx_err_nomem(err);
    int chairs = 0;
    size_t i;
    json_t *x;
    json_array_foreach(mem, i, x) {
        edx_user_ref u;
        const char *role = str(x, "role") ? str(x, "role") : "member";
        if (!str(x, "username")) {
            rc = edx_err_invalid(err, "members", "members[%zu] needs a username", i);
            goto done;
        }
        if ((rc = edx_user_ref_get(db, a, str(x, "username"), &u, err)) < 0) goto done;
        if (strcmp(u.status, "active") != 0 ||
            (strcmp(u.role, "reviewer") != 0 && strcmp(u.role, "ministry_admin") != 0)) {
            rc = edx_err_invalid(err, "members", "%s is not an active reviewer", u.username);
            goto done;
        }
        if (strcmp(role, "chair") != 0 && strcmp(role, "member") != 0) {
            rc = edx_err_invalid(err, "members", "members[%zu].role is chair or member", i);
            goto done;
        }
        for (size_t j = 0; j < nm; j++)
            if (m[j].user_id == u.id) {
                rc = edx_err_invalid(err, "members", "%s is listed twice", u.username);
                goto done;
            }
        chairs += strcmp(role, "chair") == 0;
        m[nm++] = (member){u.id, u.username, u.unit_path, 0};
    }
    if (chairs != 1) {
        rc = edx_err_invalid(err, "members", "a council has exactly one chair");
        goto done;
    }
    if ((size_t)per > nm) {
        rc = edx_err_invalid(err, "reviewers_per_entry", "%d reviewers per entry need at least "
                             "%d members", per, per);
        goto done;
    }

    if ((rc = edx_db_begin(db, err)) < 0) goto done;
    rc = edx_db_exec(db,
                     "INSERT INTO review_rounds (campaign_id, code, name, stage, status, blind,"
                     " reviewers_per_entry, created_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
                     EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(code), EDX_DB_TEXT(clean_name),
                                 EDX_DB_TEXT(stage), EDX_DB_INT(json_is_true(bl)), EDX_DB_INT(per),
                                 EDX_DB_INT(now)),
                     err);
    if (rc == EDX_ECONFLICT)
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "exists", "code", "round %s exists already",
                         code);
    if (rc >= 0)
        rc = edx_db_query_int(db, "SELECT id FROM review_rounds WHERE campaign_id = ? AND code = ?",
                              EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(code)), &rid, err);
    json_array_foreach(mem, i, x) {
        if (rc < 0) break;
        rc = edx_db_exec(db, "INSERT INTO council_members (round_id, user_id, role) VALUES (?, ?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(rid), EDX_DB_INT(m[i].user_id),
                                     EDX_DB_TEXT(str(x, "role") ? str(x, "role") : "member")),
                         err);
    }
    /* The entries: the registrations named, or all of them. */
    if (rc >= 0) {
        edx_rows *rows = NULL;
        rc = edx_db_query(db, &rows,
                          "SELECT g.id, u.code, u.path FROM campaign_registrations g"
                          " JOIN units u ON u.id = g.unit_id WHERE g.campaign_id = ?"
                          " ORDER BY u.path",
                          EDX_DB_ARGS(EDX_DB_INT(cid)), err);
        size_t cap = 0;
        while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
            const char *uc = edx_rows_text(rows, 1);
            if (ents) {
                int named = 0;
                json_array_foreach(ents, i, x) named |= json_is_string(x) && strcmp(json_string_value(x), uc) == 0;
                if (!named) continue;
            }
            if (ne == cap) {
                cap = cap ? cap * 2 : 64;
                round_entry *ne2 = realloc(e, cap * sizeof *e);
                if (!ne2) {
                    rc = edx_err_nomem(err);
                    break;
                }
                e = ne2;
            }
            e[ne++] = (round_entry){0, edx_rows_int(rows, 0), edx_arena_strdup(a, uc),
                              edx_arena_strdup(a, edx_rows_text(rows, 2))};
        }
        edx_rows_close(rows);
        if (rc >= 0 && ents && json_array_size(ents) != ne)
            rc = edx_err_invalid(err, "entries", "entries names %zu units; %zu of them are "
                                 "registered for the campaign", json_array_size(ents), ne);
        if (rc >= 0 && ne == 0)
            rc = edx_err_invalid(err, "entries", "no registered unit to review");
    }
    int64_t *exclude = rc >= 0 ? malloc((size_t)per * sizeof *exclude) : NULL;
    if (rc >= 0 && !exclude) rc = edx_err_nomem(err);
    for (size_t j = 0; rc >= 0 && j < ne; j++) {
        rc = edx_db_exec(db, "INSERT INTO round_entries (round_id, registration_id) VALUES (?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(rid), EDX_DB_INT(e[j].registration_id)), err);
        if (rc >= 0)
            rc = edx_db_query_int(db,
                                  "SELECT id FROM round_entries WHERE round_id = ?"
                                  " AND registration_id = ?",
                                  EDX_DB_ARGS(EDX_DB_INT(rid), EDX_DB_INT(e[j].registration_id)),
                                  &e[j].id, err);
        if (rc >= 0) rc = assign_entry(db, m, nm, &e[j], per, exclude, 0, now, err);
    }
    free(exclude);
    {
        char target[128];
        snprintf(target, sizeof target, "round:%.60s/%.60s", campaign, code);
        json_t *detail = json_pack("{s:s,s:I,s:I,s:i}", "stage", stage, "members",
                                   (json_int_t)nm, "entries", (json_int_t)ne, "per_entry", per);
        rc = edx_audit_commit(db, p->actor, "round.create", target, NULL, NULL, detail,
                              rc < 0 ? rc : 0, err);
        json_decref(detail);
    }
    if (rc >= 0) rc = edx_round_get(db, a, p, campaign, code, out, err);
done:
    free(m);
    free(e);
    return rc < 0 ? rc : 0;
}

static json_t *member_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:s,s:s,s:s,s:I}", "username", edx_rows_text(r, 0), "display_name",
                     edx_rows_text(r, 1), "role", edx_rows_text(r, 2), "assigned",
                     (json_int_t)edx_rows_int(r, 3));
}

static json_t *round_entry_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:s,s:I,s:I,s:I}", "entry", (json_int_t)edx_rows_int(r, 0),
                     "unit", edx_rows_text(r, 1), "name", edx_rows_text(r, 2), "reviewers",
                     (json_int_t)edx_rows_int(r, 3), "recused", (json_int_t)edx_rows_int(r, 4),
                     "submitted", (json_int_t)edx_rows_int(r, 5));
}

int edx_round_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                  const char *round, json_t **out, edx_err *err)
{
    round_ref r;
    json_t *members = NULL, *entries = NULL;
    int rc = round_load(db, a, campaign, round, &r, err);
    if (rc < 0 || (rc = may_lead(p, &r, err)) < 0) return rc;
    rc = edx_db_query_array(db,
                            "SELECT x.username, x.display_name, m.role,"
                            " (SELECT COUNT(*) FROM review_assignments s JOIN round_entries e"
                            "  ON e.id = s.entry_id WHERE e.round_id = m.round_id"
                            "  AND s.user_id = m.user_id AND s.status = 'assigned')"
                            " FROM council_members m JOIN users x ON x.id = m.user_id"
                            " WHERE m.round_id = ? ORDER BY m.role, x.username",
                            EDX_DB_ARGS(EDX_DB_INT(r.id)), member_row, NULL, &members, err);
    if (rc >= 0)
        rc = edx_db_query_array(
            db,
            "SELECT e.id, u.code, u.name,"
            " (SELECT COUNT(*) FROM review_assignments s WHERE s.entry_id = e.id"
            "  AND s.status = 'assigned'),"
            " (SELECT COUNT(*) FROM review_assignments s WHERE s.entry_id = e.id"
            "  AND s.status = 'recused'),"
            " (SELECT COUNT(*) FROM scorecards c WHERE c.entry_id = e.id AND c.status = 'submitted')"
            " FROM round_entries e JOIN campaign_registrations g ON g.id = e.registration_id"
            " JOIN units u ON u.id = g.unit_id WHERE e.round_id = ? ORDER BY e.id",
            EDX_DB_ARGS(EDX_DB_INT(r.id)), round_entry_row, NULL, &entries, err);
    if (rc < 0) {
        json_decref(members);
        json_decref(entries);
        return rc;
    }
    *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:i,s:o,s:o}", "campaign", campaign, "code", round,
                     "name", r.name, "stage", r.stage, "status", r.status, "blind", r.blind,
                     "reviewers_per_entry", r.per_entry, "members", members, "entries", entries);
    return *out ? 0 : edx_err_nomem(err);
}

int edx_round_close(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                    const char *round, json_t **out, edx_err *err)
{
    round_ref r;
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = round_load(db, a, campaign, round, &r, err)) >= 0 && (rc = may_lead(p, &r, err)) >= 0)
        rc = edx_db_exec(db, "UPDATE review_rounds SET status = 'closed' WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_INT(r.id)), err);
    char target[128];
    snprintf(target, sizeof target, "round:%.60s/%.60s", campaign, round);
    rc = edx_audit_commit(db, p->actor, "round.close", target, NULL, NULL, NULL, rc < 0 ? rc : 0,
                          err);
    if (rc < 0) return rc;
    return edx_round_get(db, a, p, campaign, round, out, err);
}

/* ---- a reviewer's side ----------------------------------------------------------------------- */

typedef struct assigned {
    int64_t entry, round_id;
    const char *campaign, *round, *round_status, *unit, *unit_name, *unit_path, *card_status;
    int blind;
    const char *assignment; /* "assigned", "recused" */
} assigned;

/* The caller's assignment to `entry` (EDX_EPERM when there is none). */
static int assigned_load(edx_db *db, edx_arena *a, const edx_principal *p, int64_t entry,
                         assigned *x, edx_err *err)
{
    edx_rows *rows = NULL;
    memset(x, 0, sizeof *x);
    int rc = edx_db_query(
        db, &rows,
        "SELECT e.id, r.id, c.code, r.code, r.status, u.code, u.name, u.path, r.blind, s.status,"
        " (SELECT k.status FROM scorecards k WHERE k.entry_id = e.id AND k.user_id = s.user_id)"
        " FROM review_assignments s JOIN round_entries e ON e.id = s.entry_id"
        " JOIN review_rounds r ON r.id = e.round_id JOIN campaigns c ON c.id = r.campaign_id"
        " JOIN campaign_registrations g ON g.id = e.registration_id"
        " JOIN units u ON u.id = g.unit_id WHERE s.entry_id = ? AND s.user_id = ?",
        EDX_DB_ARGS(EDX_DB_INT(entry), EDX_DB_INT(p->user_id)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(rows, err)) > 0) {
        x->entry = edx_rows_int(rows, 0);
        x->round_id = edx_rows_int(rows, 1);
        x->campaign = edx_arena_strdup(a, edx_rows_text(rows, 2));
        x->round = edx_arena_strdup(a, edx_rows_text(rows, 3));
        x->round_status = edx_arena_strdup(a, edx_rows_text(rows, 4));
        x->unit = edx_arena_strdup(a, edx_rows_text(rows, 5));
        x->unit_name = edx_arena_strdup(a, edx_rows_text(rows, 6));
        x->unit_path = edx_arena_strdup(a, edx_rows_text(rows, 7));
        x->blind = (int)edx_rows_int(rows, 8);
        x->assignment = edx_arena_strdup(a, edx_rows_text(rows, 9));
        x->card_status = edx_rows_isnull(rows, 10) ? NULL : edx_arena_strdup(a, edx_rows_text(rows, 10));
    }
    edx_rows_close(rows);
    if (rc == 0) return edx_err_forbidden(err, "this entry is not assigned to you");
    return rc < 0 ? rc : 0;
}

static json_t *queue_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    int blind = (int)edx_rows_int(r, 5);
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}", "entry", (json_int_t)edx_rows_int(r, 0),
                          "campaign", edx_rows_text(r, 1), "round", edx_rows_text(r, 2),
                          "round_name", edx_rows_text(r, 3), "assignment", edx_rows_text(r, 6),
                          "scorecard", edx_json_str_or_null(edx_rows_text(r, 7)));
    json_object_set_new(o, "unit", blind ? json_null() : json_string(edx_rows_text(r, 4)));
    return o;
}

int edx_review_queue(edx_db *db, edx_arena *a, const edx_principal *p, json_t **out,
                     edx_err *err)
{
    (void)a;
    json_t *arr = NULL;
    if (!p->user_id) return edx_err_forbidden(err, "sign in as a reviewer");
    int rc = edx_db_query_array(
        db,
        "SELECT e.id, c.code, r.code, r.name, u.code, r.blind, s.status,"
        " (SELECT k.status FROM scorecards k WHERE k.entry_id = e.id AND k.user_id = s.user_id)"
        " FROM review_assignments s JOIN round_entries e ON e.id = s.entry_id"
        " JOIN review_rounds r ON r.id = e.round_id JOIN campaigns c ON c.id = r.campaign_id"
        " JOIN campaign_registrations g ON g.id = e.registration_id"
        " JOIN units u ON u.id = g.unit_id"
        " WHERE s.user_id = ? AND r.status = 'open' ORDER BY r.id, e.id",
        EDX_DB_ARGS(EDX_DB_INT(p->user_id)), queue_row, NULL, &arr, err);
    if (rc < 0) return rc;
    *out = json_pack("{s:o}", "assignments", arr);
    return *out ? 0 : edx_err_nomem(err);
}

/* The caller's scorecard for the entry: {scores, comment, status} or null. */
static json_t *card_of(edx_db *db, int64_t entry, int64_t user, edx_err *err, int *rc)
{
    edx_rows *rows = NULL;
    json_t *o = json_null();
    *rc = edx_db_query(db, &rows,
                       "SELECT scores, comment, status FROM scorecards WHERE entry_id = ?"
                       " AND user_id = ?",
                       EDX_DB_ARGS(EDX_DB_INT(entry), EDX_DB_INT(user)), err);
    if (*rc < 0) return NULL;
    if ((*rc = edx_rows_next(rows, err)) > 0) {
        json_t *s = NULL;
        const char *t = edx_rows_text(rows, 0);
        edx_err e;
        if (edx_jcs_parse(t, strlen(t), &s, &e) != 0) s = json_object();
        o = json_pack("{s:o,s:o,s:s}", "scores", s, "comment",
                      edx_json_str_or_null(edx_rows_text(rows, 1)), "status",
                      edx_rows_text(rows, 2));
        *rc = 0;
    }
    edx_rows_close(rows);
    return o;
}

int edx_review_entry(edx_db *db, edx_arena *a, const edx_principal *p, int64_t entry,
                     json_t **out, edx_err *err)
{
    assigned x;
    json_t *camp = NULL, *reports = NULL, *inits = NULL, *card = NULL;
    int rc = assigned_load(db, a, p, entry, &x, err);
    if (rc < 0) return rc;
    if ((rc = edx_campaign_get(db, a, p, x.campaign, &camp, err)) < 0) return rc;
    /* The unit's evidence for the council: its reports (as submitted) and its initiatives. */
    edx_principal sys;
    edx_principal_system(&sys);
    edx_initiative_query iq = {x.unit, NULL, -1, NULL, 100, 0};
    if ((rc = edx_report_list(db, a, &sys, x.campaign, NULL, NULL, &reports, err)) >= 0 &&
        (rc = edx_initiative_list(db, a, p, &iq, &inits, err)) >= 0)
        card = card_of(db, entry, p->user_id, err, &rc);
    if (rc < 0) goto fail;
    json_t *mine = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(reports, "reports"), i, r) {
        if (strcmp(str(r, "unit"), x.unit) != 0 || json_integer_value(json_object_get(r, "version")) <= 0)
            continue;
        /* The values as submitted, with their evidence files, for the scorecard's side. */
        json_t *full = NULL;
        if (!x.blind && (rc = edx_report_get(db, a, &sys, x.campaign, x.unit, str(r, "period"), 0,
                                             &full, err)) < 0) {
            json_decref(mine);
            goto fail;
        }
        json_t *cur = full ? json_object_get(full, "current") : NULL;
        json_t *vals = json_is_object(cur) ? json_object_get(cur, "values") : NULL;
        json_object_set_new(r, "values", vals ? json_incref(vals) : json_array());
        json_decref(full);
        json_array_append(mine, r);
    }
    *out = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:O,s:O,s:o,s:o,s:o}", "entry", (json_int_t)entry,
                     "campaign", x.campaign, "round", x.round, "assignment", x.assignment, "unit",
                     x.blind ? json_null() : json_pack("{s:s,s:s}", "code", x.unit, "name", x.unit_name),
                     "blind", json_boolean(x.blind), "criteria", json_object_get(camp, "criteria"),
                     "scale", json_object_get(camp, "scale") ? json_object_get(camp, "scale") : json_null(),
                     "reports", x.blind ? json_array() : mine, "initiatives",
                     x.blind ? json_array() : json_incref(json_object_get(inits, "initiatives")),
                     "scorecard",
                     card);
    if (x.blind) json_decref(mine);
    card = NULL;
    rc = *out ? 0 : edx_err_nomem(err);
fail:
    json_decref(camp);
    json_decref(reports);
    json_decref(inits);
    json_decref(card);
    return rc;
}

int edx_review_score(edx_db *db, edx_arena *a, const edx_principal *p, int64_t entry,
                     const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"scores", "comment", "submit", NULL};
    assigned x;
    json_t *camp = NULL, *scores = NULL;
    char *text = NULL, *comment = NULL;
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0) return rc;
    const json_t *sc = json_object_get(body, "scores"), *sub = json_object_get(body, "submit");
    const json_t *cm = json_object_get(body, "comment");
    if (!json_is_object(sc)) return edx_err_invalid(err, "scores", "scores is an object of numbers");
    if (sub && !json_is_boolean(sub)) return edx_err_invalid(err, "submit", "submit is true or false");
    if (cm && !json_is_null(cm) &&
        (!json_is_string(cm) ||
         edx_text_clean(a, json_string_value(cm), 0, 4000, "comment", &comment, err) < 0))
        return json_is_string(cm) ? err->rc : edx_err_invalid(err, "comment", "comment is text");
    int submit = json_is_true(sub);
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    if ((rc = assigned_load(db, a, p, entry, &x, err)) < 0) goto finish;
    if (!x.assignment || !x.round_status || strcmp(x.assignment, "assigned") != 0) {
        rc = edx_err_forbidden(err, "you recused yourself from this entry");
        goto finish;
    }
    if (conflicted(p->unit_path, x.unit_path)) {
        rc = edx_err_forbidden(err, "a conflict of interest: you may not score your own unit, "
                                    "one above it or one below it");
        goto finish;
    }
    if (strcmp(x.round_status, "open") != 0) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "round_closed", "", "the round is closed");
        goto finish;
    }
    if (x.card_status && strcmp(x.card_status, "submitted") == 0) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "already_submitted", "",
                         "your scorecard for this entry is submitted already");
        goto finish;
    }
    if ((rc = edx_campaign_get(db, a, p, x.campaign, &camp, err)) < 0) goto finish;
    const json_t *scale = json_object_get(camp, "scale");
    double lo = scale ? json_number_value(json_object_get(scale, "min")) : 0;
    double hi = scale ? json_number_value(json_object_get(scale, "max")) : 10;
    const json_t *crit = json_object_get(camp, "criteria");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)sc, k, v) {
        size_t i;
        json_t *c;
        int known = 0;
        json_array_foreach(crit, i, c) known |= strcmp(str(c, "code"), k) == 0;
        if (!known) {
            rc = edx_err_invalid(err, "scores", "the rubric has no criterion %.64s", k);
            goto finish;
        }
        double s = json_number_value(v);
        if (!json_is_number(v) || !isfinite(s) || s < lo || s > hi) {
            rc = edx_err_invalid(err, "scores", "%s: a score from %g to %g", k, lo, hi);
            goto finish;
        }
    }
    if (submit) {
        size_t i;
        json_t *c;
        json_array_foreach(crit, i, c) {
            if (!json_object_get(sc, str(c, "code"))) {
                rc = edx_err_invalid(err, "scores", "%s is not scored yet", str(c, "code"));
                goto finish;
            }
        }
    }
    scores = json_deep_copy(sc);
    if (!scores || !(text = edx_jcs_dump(scores, NULL, err))) {
        rc = edx_err_nomem(err);
        goto finish;
    }
    int64_t now = edx_now();
    rc = edx_db_exec(db,
                     "INSERT INTO scorecards (entry_id, user_id, scores, comment, status,"
                     " updated_at, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                     " ON CONFLICT (entry_id, user_id) DO UPDATE SET scores = excluded.scores,"
                     " comment = excluded.comment, status = excluded.status,"
                     " updated_at = excluded.updated_at, submitted_at = excluded.submitted_at",
                     EDX_DB_ARGS(EDX_DB_INT(entry), EDX_DB_INT(p->user_id), EDX_DB_TEXT(text),
                                 EDX_DB_TEXT(comment), EDX_DB_TEXT(submit ? "submitted" : "draft"),
                                 EDX_DB_INT(now), submit ? EDX_DB_INT(now) : EDX_DB_TEXT(NULL)),
                     err);
finish: {
    char target[64];
    snprintf(target, sizeof target, "entry:%lld", (long long)entry);
    rc = edx_audit_commit(db, p->actor, submit ? "review.submit" : "review.save", target, NULL,
                          scores, NULL, rc < 0 ? rc : 0, err);
}
    json_decref(camp);
    json_decref(scores);
    free(text);
    if (rc < 0) return rc;
    return edx_review_entry(db, a, p, entry, out, err);
}

int edx_review_recuse(edx_db *db, edx_arena *a, const edx_principal *p, int64_t entry,
                      const char *reason, json_t **out, edx_err *err)
{
    assigned x;
    char *clean = NULL;
    int replaced = 0;
    if (!reason || edx_text_clean(a, reason, 5, 500, "reason", &clean, err) < 0)
        return reason ? err->rc : edx_err_invalid(err, "reason", "say why (a reason)");
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = assigned_load(db, a, p, entry, &x, err)) < 0) goto finish;
    if (!x.round_status || !x.assignment || strcmp(x.round_status, "open") != 0 ||
        strcmp(x.assignment, "assigned") != 0 ||
        (x.card_status && strcmp(x.card_status, "submitted") == 0)) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "cannot_recuse", "",
                         "you can recuse only from an entry you have not scored, in an open round");
        goto finish;
    }
    rc = edx_db_exec(db,
                     "UPDATE review_assignments SET status = 'recused', recuse_reason = ?"
                     " WHERE entry_id = ? AND user_id = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(clean), EDX_DB_INT(entry), EDX_DB_INT(p->user_id)),
                     err);
    if (rc >= 0)
        rc = edx_db_exec(db, "DELETE FROM scorecards WHERE entry_id = ? AND user_id = ?",
                         EDX_DB_ARGS(EDX_DB_INT(entry), EDX_DB_INT(p->user_id)), err);
    /* A replacement: the least-loaded member free of conflict not yet on this entry. */
    if (rc >= 0) {
        edx_rows *rows = NULL;
        int64_t best = 0;
        rc = edx_db_query(
            db, &rows,
            "SELECT m.user_id, un.path, (SELECT COUNT(*) FROM review_assignments s"
            "  JOIN round_entries e ON e.id = s.entry_id WHERE e.round_id = m.round_id"
            "  AND s.user_id = m.user_id AND s.status = 'assigned') AS load"
            " FROM council_members m JOIN users x ON x.id = m.user_id"
            " LEFT JOIN units un ON un.id = x.unit_id WHERE m.round_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM review_assignments s WHERE s.entry_id = ?"
            "  AND s.user_id = m.user_id) ORDER BY load, m.user_id",
            EDX_DB_ARGS(EDX_DB_INT(x.round_id), EDX_DB_INT(entry)), err);
        while (rc >= 0 && !best && (rc = edx_rows_next(rows, err)) > 0)
            if (!conflicted(edx_rows_text(rows, 1), x.unit_path)) best = edx_rows_int(rows, 0);
        edx_rows_close(rows);
        if (rc >= 0 && best) {
            rc = edx_db_exec(db,
                             "INSERT INTO review_assignments (entry_id, user_id, status,"
                             " assigned_at) VALUES (?, ?, 'assigned', ?)",
                             EDX_DB_ARGS(EDX_DB_INT(entry), EDX_DB_INT(best), EDX_DB_INT(edx_now())),
                             err);
            replaced = rc >= 0;
        }
    }
finish: {
    char target[64];
    snprintf(target, sizeof target, "entry:%lld", (long long)entry);
    json_t *detail = json_pack("{s:s?,s:b}", "reason", clean, "replaced", replaced);
    rc = edx_audit_commit(db, p->actor, "review.recuse", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
}
    if (rc < 0) return rc;
    return edx_review_queue(db, a, p, out, err);
}

/* ---- results ----------------------------------------------------------------------------------- */

/* To three decimals, for reading. */
static double r3(double x)
{
    return floor(x * 1000 + 0.5) / 1000;
}

/* A round's submitted scorecards, scored: entries in entry-id order. */
typedef struct scored {
    size_t ne, nr, nk;
    int64_t *entry_ids;
    const char **units, **names, **gkeys, **usernames;
    edx_scoring_result res;
} scored;

/*
 * One criterion's score in a stored scorecard. Cards are stored as canonical JSON of a flat
 * object of numbers ({"creativity":7,"effectiveness":8.5}), so the member is found by its
 * quoted name followed by a colon; 0 when absent, as json_number_value gives for a missing
 * member. A round of 50,000 entries has 250,000 cards: this keeps them out of jansson.
 */
static double card_score(const char *text, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = strchr(text, '"'); p; p = strchr(p + 1, '"'))
        if (strncmp(p + 1, code, n) == 0 && p[n + 1] == '"' && p[n + 2] == ':')
            return strtod(p + n + 3, NULL);
    return 0;
}

/* Reviewer index of user `uid` through an open-addressing table (cap a power of two). */
typedef struct rix {
    int64_t *keys;
    uint32_t *vals;
    size_t cap, n;
} rix;

static int rix_find(edx_arena *a, rix *t, int64_t uid, uint32_t next, uint32_t *out)
{
    if (2 * (t->n + 1) > t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 1024;
        int64_t *k = edx_arena_calloc(a, nc, sizeof *k);
        uint32_t *v = edx_arena_alloc(a, nc * sizeof *v);
        if (!k || !v) return -1;
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->keys[i]) continue;
            size_t j = mix((uint64_t)t->keys[i]) & (nc - 1);
            while (k[j]) j = (j + 1) & (nc - 1);
            k[j] = t->keys[i];
            v[j] = t->vals[i];
        }
        t->keys = k, t->vals = v, t->cap = nc;
    }
    size_t j = mix((uint64_t)uid) & (t->cap - 1);
    while (t->keys[j] && t->keys[j] != uid) j = (j + 1) & (t->cap - 1);
    if (!t->keys[j]) {
        t->keys[j] = uid;
        t->vals[j] = next;
        t->n++;
    }
    *out = t->vals[j];
    return 0;
}

/* Load the round's submitted scorecards and run every aggregation, grouped by `group`. */
static int round_score(edx_db *db, edx_arena *a, const round_ref *r, const char *campaign,
                       const char *group, scored *s, edx_err *err)
{
    json_t *camp = NULL;
    edx_rows *rows = NULL;
    edx_principal sys;
    memset(s, 0, sizeof *s);
    edx_principal_system(&sys);
    int rc = edx_campaign_get(db, a, &sys, campaign, &camp, err);
    if (rc < 0) return rc;
    const json_t *crit = json_object_get(camp, "criteria"), *scale = json_object_get(camp, "scale");
    size_t nc = json_array_size(crit), cap = 0;
    double *weights = edx_arena_calloc(a, nc ? nc : 1, sizeof *weights);
    const char **codes = edx_arena_calloc(a, nc ? nc : 1, sizeof *codes);
    edx_scorecard *cards = NULL;
    rix reviewers = {0};
    int province = group && strcmp(group, "province") == 0;
    if (!weights || !codes) {
        rc = edx_err_nomem(err);
        goto fail;
    }
    for (size_t i = 0; i < nc; i++) {
        weights[i] = json_number_value(json_object_get(json_array_get(crit, i), "weight"));
        codes[i] = str(json_array_get(crit, i), "code");
    }
    /* The round's entries once (not once per scorecard), by id. */
    size_t nall = 0, acap = 0;
    int64_t *all_ids = NULL;
    const char **all_units = NULL, **all_names = NULL, **all_keys = NULL;
    rc = edx_db_query(db, &rows,
                      "SELECT e.id, u.code, u.name, u.type, COALESCE(u.province, '')"
                      " FROM round_entries e JOIN campaign_registrations g ON g.id = e.registration_id"
                      " JOIN units u ON u.id = g.unit_id WHERE e.round_id = ? ORDER BY e.id",
                      EDX_DB_ARGS(EDX_DB_INT(r->id)), err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        if (nall == acap) {
            size_t n2 = acap ? acap * 2 : 256;
            int64_t *p1 = edx_arena_alloc(a, n2 * sizeof *p1);
            const char **p2 = edx_arena_alloc(a, n2 * sizeof *p2);
            const char **p3 = edx_arena_alloc(a, n2 * sizeof *p3);
            const char **p4 = edx_arena_alloc(a, n2 * sizeof *p4);
            if (!p1 || !p2 || !p3 || !p4) {
                rc = edx_err_nomem(err);
                break;
            }
            if (nall) {
                memcpy(p1, all_ids, nall * sizeof *p1);
                memcpy(p2, all_units, nall * sizeof *p2);
                memcpy(p3, all_names, nall * sizeof *p3);
                memcpy(p4, all_keys, nall * sizeof *p4);
            }
            all_ids = p1, all_units = p2, all_names = p3, all_keys = p4, acap = n2;
        }
        all_ids[nall] = edx_rows_int(rows, 0);
        all_units[nall] = edx_arena_strdup(a, edx_rows_text(rows, 1));
        all_names[nall] = edx_arena_strdup(a, edx_rows_text(rows, 2));
        all_keys[nall] = edx_arena_strdup(a, edx_rows_text(rows, province ? 4 : 3));
        nall++;
    }
    edx_rows_close(rows);
    if (rc < 0) goto fail;
    rc = edx_db_query(db, &rows,
                      "SELECT k.entry_id, k.user_id, k.scores"
                      " FROM scorecards k JOIN round_entries e ON e.id = k.entry_id"
                      " WHERE e.round_id = ? AND k.status = 'submitted'"
                      " ORDER BY k.entry_id, k.user_id",
                      EDX_DB_ARGS(EDX_DB_INT(r->id)), err);
    size_t at = 0;
    int64_t *uids = NULL;
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        if (s->nk == cap) {
            size_t nc2 = cap ? cap * 2 : 256;
            void *p1 = edx_arena_alloc(a, nc2 * sizeof *cards);
            void *p2 = edx_arena_alloc(a, nc2 * sizeof *s->entry_ids);
            void *p4 = edx_arena_alloc(a, nc2 * sizeof *s->units);
            void *p5 = edx_arena_alloc(a, nc2 * sizeof *s->names);
            void *p6 = edx_arena_alloc(a, nc2 * sizeof *s->gkeys);
            void *p7 = edx_arena_calloc(a, nc2, sizeof *s->usernames);
            void *p8 = edx_arena_alloc(a, nc2 * sizeof *uids);
            if (!p1 || !p2 || !p4 || !p5 || !p6 || !p7 || !p8) {
                rc = edx_err_nomem(err);
                break;
            }
            if (cap) {
                memcpy(p1, cards, s->nk * sizeof *cards);
                memcpy(p2, s->entry_ids, s->ne * sizeof *s->entry_ids);
                memcpy(p4, s->units, s->ne * sizeof *s->units);
                memcpy(p5, s->names, s->ne * sizeof *s->names);
                memcpy(p6, s->gkeys, s->ne * sizeof *s->gkeys);
                memcpy(p7, s->usernames, s->nr * sizeof *s->usernames);
                memcpy(p8, uids, s->nr * sizeof *uids);
            }
            cards = p1, s->entry_ids = p2, s->units = p4, s->names = p5, s->gkeys = p6,
            s->usernames = p7, uids = p8;
            cap = nc2;
        }
        if (!cards) { /* never: the first row allocates; for the analyser */
            rc = edx_err_nomem(err);
            break;
        }
        int64_t eid = edx_rows_int(rows, 0), uid = edx_rows_int(rows, 1);
        if (s->ne == 0 || s->entry_ids[s->ne - 1] != eid) {
            while (at < nall && all_ids[at] < eid) at++; /* both in id order */
            if (at == nall || all_ids[at] != eid) continue;
            s->entry_ids[s->ne] = eid;
            s->units[s->ne] = all_units[at];
            s->names[s->ne] = all_names[at];
            s->gkeys[s->ne] = all_keys[at];
            s->ne++;
        }
        uint32_t ri;
        if (rix_find(a, &reviewers, uid, (uint32_t)s->nr, &ri) < 0) {
            rc = edx_err_nomem(err);
            break;
        }
        if (ri == s->nr) uids[s->nr++] = uid;
        const char *t = edx_rows_text(rows, 2);
        double *v = edx_arena_alloc(a, (nc ? nc : 1) * sizeof *v);
        if (!v) {
            rc = edx_err_nomem(err);
            break;
        }
        for (size_t i = 0; i < nc; i++) v[i] = card_score(t, codes[i]);
        cards[s->nk++] = (edx_scorecard){(uint32_t)(s->ne - 1), ri, v};
    }
    edx_rows_close(rows);
    if (rc < 0) goto fail;
    /* The scorers' names, once each: the council's members, then anyone else one by one. */
    rc = edx_db_query(db, &rows,
                      "SELECT x.id, x.username FROM council_members m JOIN users x"
                      " ON x.id = m.user_id WHERE m.round_id = ?",
                      EDX_DB_ARGS(EDX_DB_INT(r->id)), err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        uint32_t ri;
        if (rix_find(a, &reviewers, edx_rows_int(rows, 0), UINT32_MAX, &ri) < 0 ||
            (ri < s->nr && !(s->usernames[ri] = edx_arena_strdup(a, edx_rows_text(rows, 1))))) {
            rc = edx_err_nomem(err);
            break;
        }
    }
    edx_rows_close(rows);
    for (size_t i = 0; rc >= 0 && uids && i < s->nr; i++) {
        if (s->usernames[i]) continue;
        rc = edx_db_query(db, &rows, "SELECT username FROM users WHERE id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(uids[i])), err);
        if (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0)
            s->usernames[i] = edx_arena_strdup(a, edx_rows_text(rows, 0));
        edx_rows_close(rows);
        if (!s->usernames[i]) s->usernames[i] = "";
    }
    if (rc < 0) goto fail;
    /* Group ids in order of first appearance of each key. */
    uint32_t *groups = edx_arena_calloc(a, s->ne ? s->ne : 1, sizeof *groups);
    edx_map gix;
    edx_map_init(&gix, a);
    if (!groups) {
        rc = edx_err_nomem(err);
        goto fail;
    }
    size_t ng = 0;
    for (size_t i = 0; i < s->ne; i++) {
        void *g = edx_map_get(&gix, s->gkeys[i]);
        if (!g) {
            g = (void *)(uintptr_t)++ng;
            if (edx_map_put(&gix, s->gkeys[i], g) < 0) {
                rc = edx_err_nomem(err);
                goto fail;
            }
        }
        groups[i] = (uint32_t)((uintptr_t)g - 1);
    }
    edx_scoring_input in = {cards, s->nk, s->ne, s->nr, nc, weights,
                            scale ? json_number_value(json_object_get(scale, "min")) : 0,
                            scale ? json_number_value(json_object_get(scale, "max")) : 10,
                            group ? groups : NULL, 0, 0};
    if (s->ne > 0 && (rc = edx_scoring_run(&in, a, &s->res, err)) < 0) goto fail;
    json_decref(camp);
    return 0;
fail:
    json_decref(camp);
    return rc;
}

int edx_round_results(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                      const char *round, const char *group, json_t **out, edx_err *err)
{
    round_ref r;
    scored s;
    if (group && strcmp(group, "type") != 0 && strcmp(group, "province") != 0)
        return edx_err_invalid(err, "group", "group is type or province");
    int rc = round_load(db, a, campaign, round, &r, err);
    if (rc < 0 || (rc = may_lead(p, &r, err)) < 0) return rc;
    if ((rc = round_score(db, a, &r, campaign, group, &s, err)) < 0) return rc;
    json_t *entries = json_array(), *revs = json_array();
    for (size_t i = 0; i < s.ne; i++) {
        const edx_scoring_entry *en = &s.res.entries[i];
        json_t *o = json_pack("{s:I,s:s,s:s,s:s?,s:i,s:b}", "entry", (json_int_t)s.entry_ids[i],
                              "unit", s.units[i], "name", s.names[i], "group",
                              group ? s.gkeys[i] : NULL, "reviews", (int)en->n,
                              "high_low_dropped", en->trimmed);
        for (int m = 0; m < EDX_SCORING_NMETHODS; m++) {
            const edx_scoring_value *v = &en->m[m];
            json_object_set_new(o, edx_scoring_method_name((edx_scoring_method)m),
                                json_pack("{s:f,s:f,s:i,s:i,s:b}", "score",
                                          r3(v->score), "se",
                                          r3(v->se), "rank", (int)v->rank,
                                          "group_rank", (int)v->group_rank, "near_tie",
                                          v->near_tie != 0));
        }
        json_array_append_new(entries, o);
    }
    for (size_t i = 0; i < s.nr; i++)
        json_array_append_new(revs, json_pack("{s:s,s:i,s:f,s:f}", "username", s.usernames[i],
                                              "scorecards", (int)s.res.reviewers[i].n, "mean",
                                              r3(s.res.reviewers[i].mean),
                                              "offset", r3(s.res.reviewers[i].offset)));
    *out = json_pack("{s:s,s:s,s:s?,s:I,s:o,s:o}", "campaign", campaign, "round", round, "group",
                     group, "scorecards", (json_int_t)s.nk, "entries", entries, "reviewers", revs);
    return *out ? 0 : edx_err_nomem(err);
}

int edx_round_scores(edx_db *db, edx_arena *a, const char *campaign, const char *round,
                     edx_round_score **out, size_t *n, edx_err *err)
{
    round_ref r;
    scored s;
    *out = NULL;
    *n = 0;
    int rc = round_load(db, a, campaign, round, &r, err);
    if (rc < 0 || (rc = round_score(db, a, &r, campaign, "province", &s, err)) < 0) return rc;
    edx_round_score *v = edx_arena_calloc(a, s.ne ? s.ne : 1, sizeof *v);
    if (!v) return edx_err_nomem(err);
    for (size_t i = 0; i < s.ne; i++) {
        const edx_scoring_value *m = &s.res.entries[i].m[EDX_SCORING_MODEL];
        v[i].unit = s.units[i];
        v[i].score = r3(m->score);
        v[i].se = r3(m->se);
        v[i].rank = m->rank;
        v[i].province_rank = m->group_rank;
        v[i].near_tie = m->near_tie != 0;
        v[i].mean = r3(s.res.entries[i].m[EDX_SCORING_MEAN].score);
    }
    *out = v;
    *n = s.ne;
    return 0;
}

static json_t *progress_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "code", edx_rows_text(r, 0), "name",
                     edx_rows_text(r, 1), "stage", edx_rows_text(r, 2), "status",
                     edx_rows_text(r, 3), "entries", (json_int_t)edx_rows_int(r, 4),
                     "assignments", (json_int_t)edx_rows_int(r, 5), "submitted",
                     (json_int_t)edx_rows_int(r, 6));
}

int edx_review_progress(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                        json_t **out, edx_err *err)
{
    (void)a;
    int64_t cid = 0;
    int rc = edx_campaign_id(db, campaign, &cid, err);
    if (rc < 0) return rc;
    if (p->role != EDX_ROLE_MINISTRY_ADMIN && p->role != EDX_ROLE_REVIEWER) {
        *out = json_array();
        return *out ? 0 : edx_err_nomem(err);
    }
    return edx_db_query_array(
        db,
        "SELECT r.code, r.name, r.stage, r.status,"
        " (SELECT COUNT(*) FROM round_entries e WHERE e.round_id = r.id),"
        " (SELECT COUNT(*) FROM review_assignments s JOIN round_entries e ON e.id = s.entry_id"
        "  WHERE e.round_id = r.id AND s.status = 'assigned'),"
        " (SELECT COUNT(*) FROM scorecards k JOIN round_entries e ON e.id = k.entry_id"
        "  WHERE e.round_id = r.id AND k.status = 'submitted')"
        " FROM review_rounds r WHERE r.campaign_id = ? ORDER BY r.id",
        EDX_DB_ARGS(EDX_DB_INT(cid)), progress_row, NULL, out, err);
}

/* ---- the council, for other domains ------------------------------------------------------- */

static int council_read(edx_db *db, edx_arena *a, const char *sql, const edx_dbv *args, int nargs,
                        edx_council *out, edx_err *err)
{
    edx_rows *rows = NULL;
    memset(out, 0, sizeof *out);
    int rc = edx_db_query(db, &rows, sql, args, nargs, err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(rows, err)) > 0) {
        out->round_id = edx_rows_int(rows, 0);
        out->code = edx_arena_strdup(a, edx_rows_text(rows, 1));
        out->name = edx_arena_strdup(a, edx_rows_text(rows, 2));
        out->chair_id = edx_rows_int(rows, 3);
        out->members = (int)edx_rows_int(rows, 4);
    }
    edx_rows_close(rows);
    if (rc == 0) return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "round", "no such round");
    return rc < 0 ? rc : 0;
}

#define COUNCIL_SQL                                                                                \
    "SELECT r.id, r.code, r.name,"                                                                 \
    " (SELECT user_id FROM council_members m WHERE m.round_id = r.id AND m.role = 'chair'),"       \
    " (SELECT COUNT(*) FROM council_members m WHERE m.round_id = r.id) FROM review_rounds r"

int edx_council_get(edx_db *db, edx_arena *a, const char *campaign, const char *round,
                    edx_council *out, edx_err *err)
{
    int64_t cid = 0;
    int rc = edx_campaign_id(db, campaign, &cid, err);
    if (rc < 0) return rc;
    return council_read(db, a, COUNCIL_SQL " WHERE r.campaign_id = ? AND r.code = ?",
                        EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(round)), out, err);
}

int edx_council_by_id(edx_db *db, edx_arena *a, int64_t round_id, edx_council *out, edx_err *err)
{
    return council_read(db, a, COUNCIL_SQL " WHERE r.id = ?", EDX_DB_ARGS(EDX_DB_INT(round_id)),
                        out, err);
}

int edx_council_has(edx_db *db, int64_t round_id, int64_t user_id, edx_err *err)
{
    int64_t n = 0;
    int rc = edx_db_query_int(db,
                              "SELECT COUNT(*) FROM council_members WHERE round_id = ? AND user_id = ?",
                              EDX_DB_ARGS(EDX_DB_INT(round_id), EDX_DB_INT(user_id)), &n, err);
    return rc < 0 ? rc : n > 0;
}
