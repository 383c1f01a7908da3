/*
 * milestone_data.c: what the 2027 and 2030 reviews read from the movement's tables, in bulk.
 *
 * A review covers every registered unit of the sector (50,000 in the benchmark), so it
 * reads each table once with a grouped or range query over the caller's scope and joins
 * in memory (registrations by id, indicators and units by code), rather than asking per
 * unit. The review itself (reports/milestone.c) never touches these tables.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/map.h"
#include "base/timeutil.h"
#include "movement/movement_int.h"

typedef struct reg_ix {
    int64_t reg;
    size_t unit;
} reg_ix;

static int reg_cmp(const void *x, const void *y)
{
    const reg_ix *a = x, *b = y;
    return a->reg < b->reg ? -1 : a->reg > b->reg;
}

static long unit_of_reg(const reg_ix *ix, size_t n, int64_t reg)
{
    reg_ix key = {reg, 0};
    if (!ix || !n) return -1;
    const reg_ix *f = bsearch(&key, ix, n, sizeof *ix, reg_cmp);
    return f ? (long)f->unit : -1;
}

/* Grow an arena array of `size`-byte items to hold one more; 0 or -1. */
static int grow(edx_arena *a, void **items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    void *p = edx_arena_alloc(a, nc * size);
    if (!p) return -1;
    if (n && *items) memcpy(p, *items, n * size);
    *items = p;
    *cap = nc;
    return 0;
}

/* The last day of a period ("2026", "2026-S1", "2026-S2"), 0; -1 when it is none. */
static int period_end(const char *s, char out[11], int *is_year)
{
    size_t n = strlen(s);
    if (n == 4) {
        *is_year = 1;
        snprintf(out, 11, "%.4s-12-31", s);
        return 0;
    }
    if (n == 7 && s[4] == '-' && s[5] == 'S' && (s[6] == '1' || s[6] == '2')) {
        *is_year = 0;
        snprintf(out, 11, "%.4s-%s", s, s[6] == '1' ? "06-30" : "12-31");
        return 0;
    }
    return -1;
}

/* The campaign's indicators by store id: index + 1 in the definition, 0 when unknown. */
typedef struct ind_ids {
    size_t n;
    int64_t *id;
    size_t *ix;
} ind_ids;

static size_t ind_of(const ind_ids *t, int64_t id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->id[i] == id) return t->ix[i];
    return 0;
}

static int load_ind_ids(edx_db *db, edx_arena *a, int64_t cid, const edx_map *by_code, ind_ids *t,
                        edx_err *err)
{
    edx_rows *rows = NULL;
    size_t cap = 0;
    memset(t, 0, sizeof *t);
    int rc =
        edx_db_query(db, &rows, "SELECT id, code FROM campaign_indicators WHERE campaign_id = ?",
                     EDX_DB_ARGS(EDX_DB_INT(cid)), err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        size_t c1 = cap;
        if (grow(a, (void **)&t->id, t->n, &c1, sizeof *t->id) < 0 ||
            grow(a, (void **)&t->ix, t->n, &cap, sizeof *t->ix) < 0) {
            rc = edx_err_nomem(err);
            break;
        }
        t->id[t->n] = edx_rows_int(rows, 0);
        t->ix[t->n++] = (size_t)(uintptr_t)edx_map_get(by_code, edx_rows_text(rows, 1));
    }
    edx_rows_close(rows);
    return rc < 0 ? rc : 0;
}

/* The chosen report for one value: accepted first, then the later end, then the year. */
static int better(int acc, const char *end, int year, int cur_acc, const char *cur_end,
                  int cur_year)
{
    if (acc != cur_acc) return acc > cur_acc;
    int c = strcmp(end, cur_end);
    if (c != 0) return c > 0;
    return year > cur_year;
}

static int load_units(edx_db *db, edx_arena *a, int64_t cid, const char *lo, const char *hi,
                      int64_t t_end, edx_milestone_data *d, reg_ix **ix, edx_map *by_code,
                      edx_err *err)
{
    edx_rows *rows = NULL;
    size_t cap = 0, icap = 0, k = d->nind ? d->nind : 1;
    int rc = edx_db_query(
        db, &rows,
        "SELECT g.id, u.code, u.name, u.name_en, u.type, COALESCE(u.province, '')"
        " FROM campaign_registrations g JOIN units u ON u.id = g.unit_id"
        " WHERE g.campaign_id = ? AND u.path >= ? AND u.path < ?"
        " AND g.registered_at <= ? ORDER BY u.path",
        EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi), EDX_DB_INT(t_end)), err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        size_t n = d->nunits;
        if (grow(a, (void **)&d->units, n, &cap, sizeof *d->units) < 0 ||
            grow(a, (void **)ix, n, &icap, sizeof **ix) < 0) {
            rc = edx_err_nomem(err);
            break;
        }
        edx_milestone_unit *u = &d->units[n];
        memset(u, 0, sizeof *u);
        u->code = edx_arena_strdup(a, edx_rows_text(rows, 1));
        u->name = edx_arena_strdup(a, edx_rows_text(rows, 2));
        u->name_en = edx_rows_isnull(rows, 3) ? NULL : edx_arena_strdup(a, edx_rows_text(rows, 3));
        u->type = edx_arena_strdup(a, edx_rows_text(rows, 4));
        u->province = edx_arena_strdup(a, edx_rows_text(rows, 5));
        u->pledge = edx_arena_alloc(a, k * sizeof *u->pledge);
        u->value = edx_arena_alloc(a, k * sizeof *u->value);
        u->period = edx_arena_calloc(a, k, sizeof *u->period);
        u->accepted = edx_arena_calloc(a, k, 1);
        if (!u->code || !u->name || !u->type || !u->province || !u->pledge || !u->value ||
            !u->period || !u->accepted || edx_map_put(by_code, u->code, u) < 0) {
            rc = edx_err_nomem(err);
            break;
        }
        for (size_t i = 0; i < k; i++)
            u->pledge[i] = u->value[i] = NAN;
        (*ix)[n] = (reg_ix){edx_rows_int(rows, 0), n};
        d->nunits++;
    }
    edx_rows_close(rows);
    if (rc < 0) return rc;
    if (d->nunits && *ix) qsort(*ix, d->nunits, sizeof **ix, reg_cmp);
    return 0;
}

/* The scope is every unit: the queries below then skip the join on units (the registrations
 * in scope are known already, rows of others are dropped in memory). */
static int whole(const char *lo, const char *hi)
{
    return strcmp(lo, "/") == 0 && strcmp(hi, "0") == 0;
}

static int load_pledges(edx_db *db, int64_t cid, const char *lo, const char *hi, const char *phase,
                        edx_milestone_data *d, const reg_ix *ix, const ind_ids *ind, edx_err *err)
{
    edx_rows *rows = NULL;
    int rc = whole(lo, hi)
                 ? edx_db_query(db, &rows,
                                "SELECT registration_id, indicator_id, target FROM campaign_pledges"
                                " WHERE phase_id = (SELECT id FROM campaign_phases"
                                "  WHERE campaign_id = ? AND code = ?)",
                                EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(phase)), err)
                 : edx_db_query(db, &rows,
                                "SELECT pl.registration_id, pl.indicator_id, pl.target"
                                " FROM campaign_pledges pl"
                                " JOIN campaign_registrations g ON g.id = pl.registration_id"
                                " JOIN units u ON u.id = g.unit_id"
                                " WHERE g.campaign_id = ? AND u.path >= ? AND u.path < ?"
                                " AND pl.phase_id = (SELECT id FROM campaign_phases"
                                "  WHERE campaign_id = ? AND code = ?)",
                                EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi),
                                            EDX_DB_INT(cid), EDX_DB_TEXT(phase)),
                                err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        long u = unit_of_reg(ix, d->nunits, edx_rows_int(rows, 0));
        size_t k = ind_of(ind, edx_rows_int(rows, 1));
        if (u >= 0 && k) d->units[u].pledge[k - 1] = edx_rows_real(rows, 2);
    }
    edx_rows_close(rows);
    return rc < 0 ? rc : 0;
}

static int period_cmp(const void *x, const void *y)
{
    const edx_milestone_period *a = x, *b = y;
    char ea[11], eb[11];
    int ya = 0, yb = 0;
    period_end(a->period, ea, &ya);
    period_end(b->period, eb, &yb);
    int c = strcmp(ea, eb);
    if (c) return c;
    return yb - ya ? yb - ya : strcmp(a->period, b->period);
}

/* Count one report of `per` in `st` (periods are few: a list will do). NULL when out of memory. */
static const char *count_period(edx_arena *a, edx_milestone_data *d, size_t *cap, const char *per,
                                const char *st)
{
    size_t i = 0;
    while (i < d->nperiods && strcmp(d->periods[i].period, per) != 0)
        i++;
    if (i == d->nperiods) {
        char *copy = edx_arena_strdup(a, per);
        if (!copy || grow(a, (void **)&d->periods, i, cap, sizeof *d->periods) < 0) return NULL;
        d->periods[i] = (edx_milestone_period){copy, 0, 0, 0, 0};
        d->nperiods++;
    }
    edx_milestone_period *p = &d->periods[i];
    if (strcmp(st, "submitted") == 0)
        p->submitted++;
    else if (strcmp(st, "accepted") == 0)
        p->accepted++;
    else if (strcmp(st, "returned") == 0)
        p->returned++;
    else
        p->draft++;
    return p->period;
}

/*
 * One pass over the reports of the registrations in scope, in report order: each report is
 * counted by period and status; the values of the current version of those submitted or
 * accepted (joined for those only) are candidates for their unit's indicator.
 */
static int load_reports(edx_db *db, edx_arena *a, int64_t cid, const char *lo, const char *hi,
                        edx_milestone_data *d, const reg_ix *ix, const ind_ids *ind, edx_err *err)
{
    edx_rows *rows = NULL;
    size_t k = d->nind ? d->nind : 1, pcap = 0;
    /* The end day of each chosen value, to compare against (arena, per unit and indicator). */
    char(*ends)[11] = edx_arena_calloc(a, (d->nunits ? d->nunits : 1) * k, sizeof *ends);
    unsigned char *years = edx_arena_calloc(a, (d->nunits ? d->nunits : 1) * k, 1);
    if (!ends || !years) return edx_err_nomem(err);
#define REPORTS_SQL(FROM, WHERE)                                                                   \
    "SELECT r.id, r.registration_id, r.period, r.status, v.indicator_id, v.value"                  \
    " FROM progress_reports r" FROM                                                                \
    " LEFT JOIN report_values v ON v.report_id = r.id AND v.version = r.version"                   \
    " AND r.status IN ('submitted', 'accepted')" WHERE " ORDER BY r.id"
    /* Over every unit, no join: registration ids belong to one campaign, and those not in
     * scope (another campaign, registered after the milestone) are dropped in memory. */
    int rc =
        whole(lo, hi)
            ? edx_db_query(db, &rows, REPORTS_SQL("", ""), EDX_DB_NOARGS, err)
            : edx_db_query(db, &rows,
                           REPORTS_SQL(" JOIN campaign_registrations g ON g.id = r.registration_id"
                                       " JOIN units u ON u.id = g.unit_id",
                                       " WHERE g.campaign_id = ? AND u.path >= ?"
                                       " AND u.path < ?"),
                           EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)), err);
#undef REPORTS_SQL
    int64_t last = 0;
    long u = -1;
    int skip = 1, year = 0, acc = 0;
    const char *per = NULL;
    char end[11] = "";
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        int64_t id = edx_rows_int(rows, 0);
        if (id != last) { /* a new report */
            last = id;
            u = unit_of_reg(ix, d->nunits, edx_rows_int(rows, 1));
            const char *pc = edx_rows_text(rows, 2), *st = edx_rows_text(rows, 3);
            skip = u < 0 || period_end(pc, end, &year) < 0 || strcmp(end, d->until) > 0;
            if (skip) continue;
            if (!(per = count_period(a, d, &pcap, pc, st))) {
                rc = edx_err_nomem(err);
                break;
            }
            acc = strcmp(st, "accepted") == 0;
            if (acc || strcmp(st, "submitted") == 0) d->units[u].reported = 1;
        }
        if (skip || edx_rows_isnull(rows, 4) || edx_rows_isnull(rows, 5)) continue;
        size_t x = ind_of(ind, edx_rows_int(rows, 4));
        if (!x--) continue;
        edx_milestone_unit *un = &d->units[u];
        size_t at = (size_t)u * k + x;
        if (un->period[x] && !better(acc, end, year, un->accepted[x], ends[at], years[at]))
            continue;
        un->value[x] = edx_rows_real(rows, 5);
        un->period[x] = per;
        un->accepted[x] = (unsigned char)acc;
        memcpy(ends[at], end, 11);
        years[at] = (unsigned char)year;
    }
    edx_rows_close(rows);
    if (rc < 0) return rc;
    if (d->nperiods) qsort(d->periods, d->nperiods, sizeof *d->periods, period_cmp);
    return 0;
}

static int load_initiatives(edx_db *db, const char *lo, const char *hi, int64_t t_end,
                            const char *until, const edx_map *by_code, edx_err *err)
{
    edx_rows *rows = NULL;
    int rc = edx_db_query(
        db, &rows,
        "SELECT u.code, COUNT(*), SUM(CASE WHEN n.recognised_by IS NOT NULL"
        " AND n.decision_date <= ? THEN 1 ELSE 0 END)"
        " FROM initiatives n JOIN units u ON u.id = n.unit_id"
        " WHERE u.path >= ? AND u.path < ? AND n.created_at <= ?"
        " GROUP BY u.code",
        EDX_DB_ARGS(EDX_DB_TEXT(until), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi), EDX_DB_INT(t_end)), err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        edx_milestone_unit *u = edx_map_get(by_code, edx_rows_text(rows, 0));
        if (!u) continue;
        u->initiatives = edx_rows_int(rows, 1);
        u->recognised = edx_rows_int(rows, 2);
    }
    edx_rows_close(rows);
    if (rc < 0) return rc;
    /* Adoptions are recorded only outside the owner's subtree, so every one is "elsewhere". */
    rc = edx_db_query(db, &rows,
                      "SELECT u.code, COUNT(*) FROM initiative_adoptions d"
                      " JOIN initiatives n ON n.id = d.initiative_id"
                      " JOIN units u ON u.id = n.unit_id"
                      " WHERE u.path >= ? AND u.path < ? AND d.adopted_on <= ? GROUP BY u.code",
                      EDX_DB_ARGS(EDX_DB_TEXT(lo), EDX_DB_TEXT(hi), EDX_DB_TEXT(until)), err);
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        edx_milestone_unit *u = edx_map_get(by_code, edx_rows_text(rows, 0));
        if (u) u->adoptions = edx_rows_int(rows, 1);
    }
    edx_rows_close(rows);
    return rc < 0 ? rc : 0;
}

static int load_cells(edx_db *db, edx_arena *a, int64_t cid, const char *lo, const char *hi,
                      edx_milestone_data *d, edx_err *err)
{
    edx_rows *rows = NULL;
    size_t cap = 0;
#define CELLS_SQL(WHERE)                                                                           \
    "SELECT u.type, COALESCE(u.province, ''), COUNT(*) FROM units u"                               \
    " JOIN campaign_unit_types t ON t.unit_type = u.type AND t.campaign_id = ?"                    \
    " WHERE u.status = 'active'" WHERE " GROUP BY u.type, u.province"
    /* Over every unit, the index on (status, type, province) answers alone (0012). */
    int rc =
        whole(lo, hi)
            ? edx_db_query(db, &rows, CELLS_SQL(""), EDX_DB_ARGS(EDX_DB_INT(cid)), err)
            : edx_db_query(db, &rows, CELLS_SQL(" AND u.path >= ? AND u.path < ?"),
                           EDX_DB_ARGS(EDX_DB_INT(cid), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)), err);
#undef CELLS_SQL
    while (rc >= 0 && (rc = edx_rows_next(rows, err)) > 0) {
        if (grow(a, (void **)&d->cells, d->ncells, &cap, sizeof *d->cells) < 0) {
            rc = edx_err_nomem(err);
            break;
        }
        edx_milestone_cell *c = &d->cells[d->ncells];
        c->type = edx_arena_strdup(a, edx_rows_text(rows, 0));
        c->province = edx_arena_strdup(a, edx_rows_text(rows, 1));
        c->eligible = edx_rows_int(rows, 2);
        if (!c->type || !c->province) {
            rc = edx_err_nomem(err);
            break;
        }
        d->ncells++;
    }
    edx_rows_close(rows);
    return rc < 0 ? rc : 0;
}

int edx_milestone_data_load(edx_db *db, edx_arena *a, const char *campaign, const char *milestone,
                            const char *lo, const char *hi, edx_milestone_data *out, edx_err *err)
{
    camp c;
    reg_ix *ix = NULL;
    edx_map ind, by_code;
    ind_ids ids;
    memset(out, 0, sizeof *out);
    int rc = mv_camp_load(db, campaign, "code", &c, err);
    if (rc < 0) return rc;
    out->campaign = c.def;
    out->milestone =
        milestone ? mv_find_code(json_object_get(c.def, "milestones"), milestone) : NULL;
    if (!out->milestone) {
        rc = edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "milestone",
                         "campaign %.64s has no milestone %.64s", campaign,
                         milestone ? milestone : "");
        goto fail;
    }
    out->phase = mv_find_code(json_object_get(c.def, "phases"), mv_str(out->milestone, "phase"));
    const char *on = mv_str(out->milestone, "on");
    int64_t t_end = 0;
    if (!out->phase || !on || strlen(on) != 10 || edx_time_parse(on, &t_end) < 0) {
        rc = edx_err_set(err, EDX_EINTERNAL, 500, "internal", "",
                         "the stored milestone %.64s is malformed", milestone);
        goto fail;
    }
    memcpy(out->until, on, 11);
    t_end += 86400 - 1 - 7 * 3600; /* the milestone's last second, Vietnam time */
    const json_t *inds = json_object_get(c.def, "indicators");
    out->nind = json_array_size(inds);
    out->ind = edx_arena_calloc(a, out->nind ? out->nind : 1, sizeof *out->ind);
    if (!out->ind) {
        rc = edx_err_nomem(err);
        goto fail;
    }
    edx_map_init(&ind, a);
    edx_map_init(&by_code, a);
    for (size_t i = 0; i < out->nind; i++) {
        out->ind[i] = json_array_get(inds, i);
        if (edx_map_put(&ind, mv_str(out->ind[i], "code"), (void *)(uintptr_t)(i + 1)) < 0) {
            rc = edx_err_nomem(err);
            goto fail;
        }
    }
    if ((rc = load_ind_ids(db, a, c.id, &ind, &ids, err)) < 0 ||
        (rc = load_units(db, a, c.id, lo, hi, t_end, out, &ix, &by_code, err)) < 0 ||
        (rc = load_pledges(db, c.id, lo, hi, mv_str(out->phase, "code"), out, ix, &ids, err)) < 0 ||
        (rc = load_reports(db, a, c.id, lo, hi, out, ix, &ids, err)) < 0 ||
        (rc = load_initiatives(db, lo, hi, t_end, out->until, &by_code, err)) < 0 ||
        (rc = load_cells(db, a, c.id, lo, hi, out, err)) < 0)
        goto fail;
    return 0;
fail:
    edx_milestone_data_free(out);
    return rc;
}

void edx_milestone_data_free(edx_milestone_data *d)
{
    json_decref(d->campaign);
    memset(d, 0, sizeof *d);
}
