/*
 * ballots.c: a review round's council votes on nominations (docs/nominations.md).
 *
 * Counting is exact under concurrency: a vote is one transaction that first
 * claims (ballot, member) in ballot_voters (its primary key turns a second vote
 * into a conflict), then adds one to each item's counter. Counters are updated
 * in item order, then the ballot's row, so concurrent votes lock in one order
 * and cannot deadlock. A secret ballot stores no choice next to a member.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "awards/awards_int.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "json/json.h"
#include "movement/movement.h"
#include "review/review.h"

#define MAX_ITEMS 500
#define DEFAULT_MINUTES (3 * 24 * 60)

typedef struct ballot {
    int64_t id, campaign_id, round_id, members, voted, opens_at, closes_at, closed_at;
    int secret, closed_early;
    const char *campaign, *title, *status, *created_by;
} ballot;

static int ballot_load(edx_db *db, edx_arena *a, int64_t id, ballot *b, edx_err *err)
{
    edx_rows *rows = NULL;
    memset(b, 0, sizeof *b);
    int rc = edx_db_query(db, &rows,
                          "SELECT b.id, b.campaign_id, c.code, b.round_id, b.title, b.status,"
                          " b.secret, b.members, b.voted, b.opens_at, b.closes_at, b.closed_at,"
                          " b.closed_early, b.created_by FROM ballots b"
                          " JOIN campaigns c ON c.id = b.campaign_id WHERE b.id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(id)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(rows, err)) > 0) {
        b->id = edx_rows_int(rows, 0);
        b->campaign_id = edx_rows_int(rows, 1);
        b->campaign = edx_arena_strdup(a, edx_rows_text(rows, 2));
        b->round_id = edx_rows_int(rows, 3);
        b->title = edx_arena_strdup(a, edx_rows_text(rows, 4));
        b->status = edx_arena_strdup(a, edx_rows_text(rows, 5));
        b->secret = (int)edx_rows_int(rows, 6);
        b->members = edx_rows_int(rows, 7);
        b->voted = edx_rows_int(rows, 8);
        b->opens_at = edx_rows_int(rows, 9);
        b->closes_at = edx_rows_int(rows, 10);
        b->closed_at = edx_rows_int(rows, 11);
        b->closed_early = (int)edx_rows_int(rows, 12);
        b->created_by = edx_arena_strdup(a, edx_rows_text(rows, 13));
    }
    edx_rows_close(rows);
    if (rc == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "no ballot %lld",
                           (long long)id);
    if (rc > 0 && (!b->status || !b->campaign || !b->title)) return edx_err_nomem(err);
    return rc < 0 ? rc : 0;
}

/* The Ministry, or members of the round's council (1 chair, 0 member), else 404. */
static int may_read(edx_db *db, edx_arena *a, const edx_principal *p, const ballot *b, int *chair,
                    edx_err *err)
{
    edx_council c;
    *chair = 0;
    if (aw_is_ministry(p)) return 0;
    int rc = edx_council_by_id(db, a, b->round_id, &c, err);
    if (rc < 0) return rc;
    if (p->user_id && p->user_id == c.chair_id) {
        *chair = 1;
        return 0;
    }
    if ((rc = edx_council_has(db, b->round_id, p->user_id, err)) < 0) return rc;
    if (rc == 1) return 0;
    return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id", "no ballot %lld",
                       (long long)b->id);
}

/* Whether an item passes: yes ≥ threshold% of its base (all members, or those who voted). */
static int passes(int64_t yes, const char *base, int64_t threshold, int64_t members, int64_t voted)
{
    int64_t n = strcmp(base, "all") == 0 ? members : voted;
    return n > 0 && yes * 100 >= threshold * n;
}

static int ballot_json(edx_db *db, edx_arena *a, const edx_principal *p, const ballot *b,
                       json_t **out, edx_err *err)
{
    edx_council c;
    edx_rows *rows = NULL;
    int64_t mine = 0;
    int closed = strcmp(b->status, "closed") == 0;
    json_t *items = json_array();
    int rc = items ? edx_council_by_id(db, a, b->round_id, &c, err) : edx_err_nomem(err);
    if (rc >= 0 && p->user_id)
        rc = edx_db_query_int(db,
                              "SELECT COUNT(*) FROM ballot_voters WHERE ballot_id = ? AND user_id = ?",
                              EDX_DB_ARGS(EDX_DB_INT(b->id), EDX_DB_INT(p->user_id)), &mine, err);
    if (rc >= 0)
        rc = edx_db_query(db, &rows,
                          "SELECT nomination_id, base, threshold, yes, no, abstain, passed"
                          " FROM ballot_items WHERE ballot_id = ? ORDER BY nomination_id",
                          EDX_DB_ARGS(EDX_DB_INT(b->id)), err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        json_t *o = json_pack("{s:I,s:s,s:I}", "nomination_id", (json_int_t)edx_rows_int(rows, 0),
                              "base", edx_rows_text(rows, 1), "threshold",
                              (json_int_t)edx_rows_int(rows, 2));
        if (o && closed) {
            json_object_set_new(o, "yes", json_integer(edx_rows_int(rows, 3)));
            json_object_set_new(o, "no", json_integer(edx_rows_int(rows, 4)));
            json_object_set_new(o, "abstain", json_integer(edx_rows_int(rows, 5)));
            json_object_set_new(o, "passed", json_boolean(edx_rows_int(rows, 6)));
        }
        if (!o || json_array_append_new(items, o) < 0) rc = edx_err_nomem(err);
    }
    edx_rows_close(rows);
    /* Each item's nomination as the API shows it (subject, form, eligibility summary). */
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        if (rc < 0) break;
        nom n;
        int64_t nid = json_integer_value(json_object_get(it, "nomination_id"));
        if ((rc = aw_nom_load(db, a, nid, &n, err)) < 0) break;
        json_t *nj = aw_nom_json(db, a, &n, 0);
        if (!nj) rc = edx_err_nomem(err);
        else {
            json_object_del(nj, "ballot");
            json_object_set_new(it, "nomination", nj);
        }
    }
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    int64_t now = edx_now();
    *out = json_pack("{s:I,s:s,s:s,s:{s:s,s:s},s:s,s:b,s:b,s:I,s:I,s:b,s:o,s:o,s:o,s:b,s:s,s:o}",
                     "id", (json_int_t)b->id, "campaign", b->campaign, "title", b->title, "round",
                     "code", c.code, "name", c.name, "status", b->status, "accepting",
                     !closed && now < b->closes_at, "secret", b->secret, "members",
                     (json_int_t)b->members, "voted", (json_int_t)b->voted, "you_voted",
                     mine > 0, "opens_at", aw_time_json(b->opens_at), "closes_at",
                     aw_time_json(b->closes_at), "closed_at", aw_time_json(b->closed_at),
                     "closed_early", b->closed_early, "created_by", b->created_by, "items", items);
    return *out ? 0 : edx_err_nomem(err);
}

static json_t *vote_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:s,s:I,s:s}", "member", edx_rows_text(r, 0), "nomination",
                     (json_int_t)edx_rows_int(r, 1), "choice", edx_rows_text(r, 2));
}

int edx_ballot_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id, json_t **out,
                   edx_err *err)
{
    ballot b;
    int chair;
    int rc = ballot_load(db, a, id, &b, err);
    if (rc < 0 || (rc = may_read(db, a, p, &b, &chair, err)) < 0) return rc;
    if ((rc = ballot_json(db, a, p, &b, out, err)) < 0) return rc;
    if (strcmp(b.status, "closed") == 0 && !b.secret) {
        json_t *votes = NULL;
        rc = edx_db_query_array(db, "SELECT u.username, c.nomination_id, c.choice FROM ballot_choices c"
                                    " JOIN users u ON u.id = c.user_id WHERE c.ballot_id = ?"
                                    " ORDER BY u.username, c.nomination_id",
                                EDX_DB_ARGS(EDX_DB_INT(id)), vote_row, NULL, &votes, err);
        if (rc < 0) {
            json_decref(*out);
            return rc;
        }
        json_object_set_new(*out, "votes", votes);
    }
    return 0;
}

static json_t *id_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_integer(edx_rows_int(r, 0));
}

int edx_ballot_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                    json_t **out, edx_err *err)
{
    int64_t cid = 0;
    json_t *ids = NULL, *items = json_array();
    int rc = items ? edx_campaign_id(db, campaign, &cid, err) : edx_err_nomem(err);
    if (rc >= 0)
        rc = edx_db_query_array(db,
                                "SELECT b.id FROM ballots b WHERE b.campaign_id = ? AND (? = 1 OR"
                                " b.round_id IN (SELECT round_id FROM council_members"
                                " WHERE user_id = ?)) ORDER BY b.id DESC LIMIT 200",
                                EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_INT(aw_is_ministry(p)),
                                            EDX_DB_INT(p->user_id)),
                                id_row, NULL, &ids, err);
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        ballot b;
        json_t *o = NULL;
        if (rc < 0) break;
        if ((rc = ballot_load(db, a, json_integer_value(v), &b, err)) >= 0 &&
            (rc = ballot_json(db, a, p, &b, &o, err)) >= 0 && json_array_append_new(items, o) < 0)
            rc = edx_err_nomem(err);
    }
    json_decref(ids);
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{s:o}", "items", items);
    return *out ? 0 : edx_err_nomem(err);
}

/* ---- opening -------------------------------------------------------------------------------- */

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

int edx_ballot_create(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                      const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"round", "title", "nominations", "closes_at", "minutes",
                                          NULL};
    const char *round = NULL, *closes = NULL;
    char *title = NULL;
    int64_t minutes = 0, cid = 0, closes_at = 0, id = 0;
    edx_council c;
    json_t *camp = NULL;
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0 || (rc = edx_json_get_str((json_t *)body, "round", 1, &round, err)) < 0 ||
        (rc = edx_json_get_str((json_t *)body, "closes_at", 0, &closes, err)) < 0 ||
        (rc = edx_json_get_int((json_t *)body, "minutes", 0, 1, 30 * 24 * 60, &minutes, err)) < 0)
        return rc;
    const json_t *tj = json_object_get(body, "title");
    if (!json_is_string(tj)) return edx_err_invalid(err, "title", "title is required text");
    if ((rc = edx_text_clean(a, json_string_value(tj), 3, 300, "title", &title, err)) < 0) return rc;
    const json_t *list = json_object_get(body, "nominations");
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0 || n > MAX_ITEMS)
        return edx_err_invalid(err, "nominations", "nominations is a list of 1 to %d ids", MAX_ITEMS);
    int64_t *ids = edx_arena_alloc(a, n * sizeof *ids);
    if (!ids) return edx_err_nomem(err);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(list, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return edx_err_invalid(err, "nominations", "nominations[%zu] is not an id", i);
        ids[i] = json_integer_value(v);
    }
    qsort(ids, n, sizeof *ids, cmp_i64);
    for (size_t i = 1; i < n; i++)
        if (ids[i] == ids[i - 1])
            return edx_err_invalid(err, "nominations", "nomination %lld is listed twice",
                                   (long long)ids[i]);
    int64_t now = edx_now();
    if (closes && minutes) return edx_err_invalid(err, "closes_at", "give closes_at or minutes, not both");
    if (closes) {
        if (edx_time_parse(closes, &closes_at) != 0 || closes_at <= now ||
            closes_at > now + 30 * 86400)
            return edx_err_invalid(err, "closes_at", "closes_at is a time within the next 30 days");
    } else {
        closes_at = now + 60 * (minutes ? minutes : DEFAULT_MINUTES);
    }
    if ((rc = edx_campaign_id(db, campaign, &cid, err)) < 0 ||
        (rc = edx_council_get(db, a, campaign, round, &c, err)) < 0)
        return rc;
    if (!aw_is_ministry(p) && !(p->user_id && p->user_id == c.chair_id))
        return edx_err_forbidden(err, "only the Ministry and the round's chair open a ballot");
    if (c.members < 1)
        return edx_err_set(err, EDX_ECONFLICT, 409, "no_council", "round", "the round has no council");
    if ((rc = aw_campaign_doc(db, a, campaign, &camp, err)) < 0) return rc;
    if ((rc = edx_db_begin(db, err)) < 0) goto done;
    int secret = 0;
    edx_rows *rows = NULL;
    rc = edx_db_query(db, &rows,
                      "INSERT INTO ballots (campaign_id, round_id, title, status, secret, members,"
                      " opens_at, closes_at, created_by) VALUES (?, ?, ?, 'open', 1, ?, ?, ?, ?)"
                      " RETURNING id",
                      EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_INT(c.round_id), EDX_DB_TEXT(title),
                                  EDX_DB_INT(c.members), EDX_DB_INT(now), EDX_DB_INT(closes_at),
                                  EDX_DB_TEXT(p->actor)),
                      err);
    if (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) id = edx_rows_int(rows, 0);
    edx_rows_close(rows);
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        nom m;
        if ((rc = aw_nom_load(db, a, ids[i], &m, err)) < 0) break;
        if (m.campaign_id != cid) {
            rc = edx_err_invalid(err, "nominations", "nomination %lld is of another campaign",
                                 (long long)ids[i]);
        } else if (strcmp(m.status, "proposed") != 0) {
            rc = edx_err_set(err, EDX_ECONFLICT, 409, "wrong_status", "nominations",
                             "nomination %lld is %s; a ballot takes proposed ones",
                             (long long)ids[i], m.status);
        } else if (strcmp(m.verdict, "eligible") != 0 &&
                   !(strcmp(m.verdict, "unknown") == 0 && m.confirmed_by)) {
            rc = edx_err_set(err, EDX_ECONFLICT, 409, "not_eligible", "nominations",
                             "nomination %lld is %s; only eligible nominations (or unknown ones "
                             "confirmed by the Ministry) go to a ballot",
                             (long long)ids[i], m.verdict);
        }
        if (rc < 0) break;
        const json_t *cfg = json_object_get(aw_campaign_form(camp, m.form), "ballot");
        const char *base = json_string_value(json_object_get(cfg, "base"));
        int64_t threshold = json_integer_value(json_object_get(cfg, "threshold"));
        const json_t *sj = json_object_get(cfg, "secret");
        secret |= !sj || json_is_true(sj);
        rc = edx_db_exec(db,
                         "INSERT INTO ballot_items (ballot_id, nomination_id, base, threshold)"
                         " VALUES (?, ?, ?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(ids[i]),
                                     EDX_DB_TEXT(base ? base : "all"),
                                     EDX_DB_INT(threshold ? threshold : 90)),
                         err);
        if (rc >= 0)
            rc = edx_db_exec(db,
                             "UPDATE nominations SET status = 'on_ballot', ballot_id = ?,"
                             " updated_at = ? WHERE id = ?",
                             EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(now), EDX_DB_INT(ids[i])), err);
        if (rc >= 0) rc = aw_step(db, ids[i], "ballot.open", p->actor, title, err);
    }
    if (rc >= 0)
        rc = edx_db_exec(db, "UPDATE ballots SET secret = ? WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_INT(secret), EDX_DB_INT(id)), err);
    char target[48];
    snprintf(target, sizeof target, "ballot:%lld", (long long)id);
    json_t *detail = json_pack("{s:s,s:s,s:I,s:i}", "campaign", campaign, "round", round,
                               "items", (json_int_t)n, "secret", secret);
    rc = edx_audit_commit(db, p->actor, "ballot.open", target, NULL, NULL, detail, rc < 0 ? rc : 0,
                          err);
    json_decref(detail);
    if (rc >= 0) rc = edx_ballot_get(db, a, p, id, out, err);
done:
    json_decref(camp);
    return rc;
}

/* ---- voting --------------------------------------------------------------------------------- */

typedef struct choice {
    int64_t nomination;
    int kind; /* 0 yes, 1 no, 2 abstain */
} choice;

static const char *const CHOICES[] = {"yes", "no", "abstain"};
static const char *const TALLY_SQL[] = {
    "UPDATE ballot_items SET yes = yes + 1 WHERE ballot_id = ? AND nomination_id = ?",
    "UPDATE ballot_items SET no = no + 1 WHERE ballot_id = ? AND nomination_id = ?",
    "UPDATE ballot_items SET abstain = abstain + 1 WHERE ballot_id = ? AND nomination_id = ?",
};

static int cmp_choice(const void *x, const void *y)
{
    return cmp_i64(&((const choice *)x)->nomination, &((const choice *)y)->nomination);
}

int edx_ballot_vote(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                    const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"choices", NULL};
    static const char *const item_allowed[] = {"nomination", "choice", NULL};
    ballot b;
    json_t *items = NULL;
    if (!json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = edx_json_only((json_t *)body, allowed, err);
    if (rc < 0) return rc;
    const json_t *list = json_object_get(body, "choices");
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0 || n > MAX_ITEMS)
        return edx_err_invalid(err, "choices", "choices is a list: one per nomination on the ballot");
    choice *ch = edx_arena_alloc(a, n * sizeof *ch);
    if (!ch) return edx_err_nomem(err);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(list, i);
        const char *c = NULL;
        int64_t nid = 0;
        if (!json_is_object(v) || (rc = edx_json_only(v, item_allowed, err)) < 0 ||
            (rc = edx_json_get_int(v, "nomination", 1, 1, INT64_MAX, &nid, err)) < 0 ||
            (rc = edx_json_get_str(v, "choice", 1, &c, err)) < 0)
            return rc < 0 ? rc : edx_err_invalid(err, "choices", "choices[%zu] is an object", i);
        ch[i].nomination = nid;
        ch[i].kind = -1;
        for (int k = 0; k < 3; k++)
            if (strcmp(c, CHOICES[k]) == 0) ch[i].kind = k;
        if (ch[i].kind < 0)
            return edx_err_invalid(err, "choices", "choices[%zu].choice is yes, no or abstain", i);
    }
    qsort(ch, n, sizeof *ch, cmp_choice);
    for (size_t i = 1; i < n; i++)
        if (ch[i].nomination == ch[i - 1].nomination)
            return edx_err_invalid(err, "choices", "nomination %lld is chosen twice",
                                   (long long)ch[i].nomination);
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    if ((rc = ballot_load(db, a, id, &b, err)) < 0) goto finish;
    if ((rc = edx_council_has(db, b.round_id, p->user_id, err)) < 0) goto finish;
    if (rc == 0) {
        rc = aw_is_ministry(p) ? edx_err_forbidden(err, "only members of the council vote")
                            : edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "id",
                                          "no ballot %lld", (long long)id);
        goto finish;
    }
    int64_t now = edx_now();
    if (!b.status || strcmp(b.status, "open") != 0 || now >= b.closes_at) {
        char iso[32];
        edx_time_iso(b.closes_at, iso);
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "ballot_closed", "",
                         "the ballot closed at %s; no more votes are taken", iso);
        goto finish;
    }
    /* The ballot paper must list every item, and only them. */
    int64_t count = 0;
    if ((rc = edx_db_query_int(db, "SELECT COUNT(*) FROM ballot_items WHERE ballot_id = ?",
                               EDX_DB_ARGS(EDX_DB_INT(id)), &count, err)) < 0)
        goto finish;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        int64_t k = 0;
        rc = edx_db_query_int(db,
                              "SELECT COUNT(*) FROM ballot_items WHERE ballot_id = ? AND nomination_id = ?",
                              EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(ch[i].nomination)), &k, err);
        if (rc >= 0 && k == 0)
            rc = edx_err_invalid(err, "choices", "nomination %lld is not on this ballot",
                                 (long long)ch[i].nomination);
    }
    if (rc < 0) goto finish;
    if ((int64_t)n != count) {
        rc = edx_err_invalid(err, "choices", "the ballot has %lld nominations; choose for each",
                             (long long)count);
        goto finish;
    }
    rc = edx_db_exec(db, "INSERT INTO ballot_voters (ballot_id, user_id, voted_at) VALUES (?, ?, ?)",
                     EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(p->user_id), EDX_DB_INT(now)), err);
    if (rc == EDX_ECONFLICT) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "already_voted", "",
                         "you have voted on this ballot already; a vote is not changed");
        goto finish;
    }
    for (size_t i = 0; i < n && rc >= 0; i++) {
        rc = edx_db_exec(db, TALLY_SQL[ch[i].kind],
                         EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(ch[i].nomination)), err);
        if (rc >= 0 && !b.secret)
            rc = edx_db_exec(db,
                             "INSERT INTO ballot_choices (ballot_id, user_id, nomination_id, choice)"
                             " VALUES (?, ?, ?, ?)",
                             EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_INT(p->user_id),
                                         EDX_DB_INT(ch[i].nomination),
                                         EDX_DB_TEXT(CHOICES[ch[i].kind])),
                             err);
    }
    if (rc >= 0)
        rc = edx_db_exec(db, "UPDATE ballots SET voted = voted + 1 WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_INT(id)), err);
finish: {
    char target[48];
    snprintf(target, sizeof target, "ballot:%lld", (long long)id);
    /* A secret ballot's audit record says who voted, never how. */
    if (rc >= 0 && !b.secret) {
        items = json_array();
        for (size_t i = 0; i < n && items; i++)
            json_array_append_new(items, json_pack("{s:I,s:s}", "nomination",
                                                   (json_int_t)ch[i].nomination, "choice",
                                                   CHOICES[ch[i].kind]));
    }
    json_t *detail = items ? json_pack("{s:o}", "choices", items) : NULL;
    rc = edx_audit_commit(db, p->actor, "ballot.vote", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
}
    if (rc < 0) return rc;
    char iso[32];
    edx_time_iso(edx_now(), iso);
    *out = json_pack("{s:b,s:I,s:s}", "ok", 1, "ballot", (json_int_t)id, "voted_at", iso);
    return *out ? 0 : edx_err_nomem(err);
}

/* ---- counting ------------------------------------------------------------------------------- */

int edx_ballot_close(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                     const json_t *body, json_t **out, edx_err *err)
{
    static const char *const allowed[] = {"early", NULL};
    int early = 0, chair = 0, before_time = 0;
    ballot b;
    edx_rows *rows = NULL;
    json_t *tally = json_array();
    if (body && !json_is_object(body)) return edx_err_invalid(err, "", "the body must be an object");
    int rc = tally ? 0 : edx_err_nomem(err);
    if (rc >= 0 && body && ((rc = edx_json_only((json_t *)body, allowed, err)) < 0 ||
                            (rc = edx_json_get_bool((json_t *)body, "early", 0, &early, err)) < 0))
        goto out;
    if ((rc = edx_db_begin(db, err)) < 0) goto out;
    if ((rc = ballot_load(db, a, id, &b, err)) < 0 || (rc = may_read(db, a, p, &b, &chair, err)) < 0)
        goto finish;
    if (!aw_is_ministry(p) && !chair) {
        rc = edx_err_forbidden(err, "only the Ministry and the round's chair close a ballot");
        goto finish;
    }
    if (!b.status || strcmp(b.status, "open") != 0) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "ballot_closed", "", "the ballot is closed already");
        goto finish;
    }
    int64_t now = edx_now();
    before_time = now < b.closes_at && b.voted < b.members;
    if (before_time && !early) {
        char iso[32];
        edx_time_iso(b.closes_at, iso);
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "ballot_open", "early",
                         "%lld of %lld members have voted and the ballot is open until %s; "
                         "close it early only on purpose (early: true)",
                         (long long)b.voted, (long long)b.members, iso);
        goto finish;
    }
    if ((rc = edx_db_query(db, &rows,
                           "SELECT nomination_id, base, threshold, yes, no, abstain FROM ballot_items"
                           " WHERE ballot_id = ? ORDER BY nomination_id",
                           EDX_DB_ARGS(EDX_DB_INT(id)), err)) < 0)
        goto finish;
    while ((rc = edx_rows_next(rows, err)) > 0) {
        int64_t yes = edx_rows_int(rows, 3);
        int ok = passes(yes, edx_rows_text(rows, 1), edx_rows_int(rows, 2), b.members, b.voted);
        json_array_append_new(tally, json_pack("{s:I,s:I,s:I,s:I,s:b,s:s,s:I}", "nomination",
                                               (json_int_t)edx_rows_int(rows, 0), "yes",
                                               (json_int_t)yes, "no",
                                               (json_int_t)edx_rows_int(rows, 4), "abstain",
                                               (json_int_t)edx_rows_int(rows, 5), "passed", ok,
                                               "base", edx_rows_text(rows, 1), "threshold",
                                               (json_int_t)edx_rows_int(rows, 2)));
    }
    edx_rows_close(rows);
    size_t i;
    json_t *t;
    json_array_foreach(tally, i, t) {
        if (rc < 0) break;
        int64_t nid = json_integer_value(json_object_get(t, "nomination"));
        int ok = json_is_true(json_object_get(t, "passed"));
        char note[160];
        snprintf(note, sizeof note, "yes %lld, no %lld, abstain %lld of %lld members (%lld voted)",
                 (long long)json_integer_value(json_object_get(t, "yes")),
                 (long long)json_integer_value(json_object_get(t, "no")),
                 (long long)json_integer_value(json_object_get(t, "abstain")),
                 (long long)b.members, (long long)b.voted);
        rc = edx_db_exec(db, "UPDATE ballot_items SET passed = ? WHERE ballot_id = ? AND nomination_id = ?",
                         EDX_DB_ARGS(EDX_DB_INT(ok), EDX_DB_INT(id), EDX_DB_INT(nid)), err);
        if (rc >= 0)
            rc = edx_db_exec(db,
                             "UPDATE nominations SET status = ?, updated_at = ? WHERE id = ?"
                             " AND status = 'on_ballot'",
                             EDX_DB_ARGS(EDX_DB_TEXT(ok ? "passed" : "rejected"),
                                         EDX_DB_INT(now), EDX_DB_INT(nid)),
                             err);
        if (rc >= 0) rc = aw_step(db, nid, ok ? "ballot.passed" : "ballot.rejected", p->actor, note, err);
    }
    if (rc >= 0)
        rc = edx_db_exec(db, "UPDATE ballots SET status = 'closed', closed_at = ?, closed_early = ?"
                             " WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_INT(now), EDX_DB_INT(before_time), EDX_DB_INT(id)), err);
finish: {
    char target[48];
    snprintf(target, sizeof target, "ballot:%lld", (long long)id);
    json_t *detail = rc >= 0 ? json_pack("{s:O,s:I,s:I,s:b}", "tally", tally, "members",
                                         (json_int_t)b.members, "voted", (json_int_t)b.voted,
                                         "early", before_time)
                             : NULL;
    rc = edx_audit_commit(db, p->actor, "ballot.close", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
}
    if (rc >= 0) rc = edx_ballot_get(db, a, p, id, out, err);
out:
    json_decref(tally);
    return rc;
}
