/*
 * milestone.c: the review of a campaign milestone (the preliminary review of 2027, the final
 * one of 2030) per unit, per province, per unit type and over the caller's scope.
 *
 * Each domain reads its own tables: the movement's pledges, reports and initiatives in bulk
 * (edx_milestone_data_load), the latest closed round's results (edx_round_results), the
 * awards decided (edx_awards_decided). This file joins them by unit, works out achievement
 * and aggregates, and writes the JSON. The whole sector is 50,000 units, so the JSON is
 * written straight into a buffer rather than built as a jansson tree first (which would cost
 * about ten allocations per unit and indicator).
 *
 * Achievement of a pledge: value / target when higher is better, target / value when lower
 * is better (no ratio when the divisor is 0); "met" when the value reaches the target. A
 * group's mean achievement averages the ratios capped at 1, so one unit far beyond its
 * target does not hide others short of theirs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awards/awards.h"
#include "base/map.h"
#include "base/timeutil.h"
#include "json/json.h"
#include "reports/milestone_int.h"
#include "review/review.h"

static const char *const type_labels[][3] = {
    {"ministry", "Bộ", "Ministry"},
    {"ministry_unit", "Đơn vị thuộc Bộ", "Ministry unit"},
    {"national_university", "Đại học quốc gia", "National university"},
    {"doet", "Sở Giáo dục và Đào tạo", "Department of Education and Training"},
    {"university", "Trường đại học", "University"},
    {"college", "Trường cao đẳng", "College"},
    {"vocational", "Cơ sở giáo dục nghề nghiệp", "Vocational institution"},
    {"school", "Trường phổ thông", "School"},
    {"other", "Khác", "Other"},
};

const char *ms_type_label(const char *type, int vi)
{
    for (size_t i = 0; i < sizeof type_labels / sizeof type_labels[0]; i++)
        if (strcmp(type_labels[i][0], type) == 0) return type_labels[i][vi ? 1 : 2];
    return type;
}

static double r3(double x)
{
    return floor(x * 1000 + 0.5) / 1000;
}

double ms_mean_achievement(const ms_group *g, size_t i)
{
    return g->ind[i].ach_n ? r3(g->ind[i].ach_sum / (double)g->ind[i].ach_n) : NAN;
}

void ms_pct(double ratio, char out[16])
{
    if (isnan(ratio))
        out[0] = '\0';
    else
        snprintf(out, 16, "%.1f%%", ratio * 100);
}

void ms_num(double x, char out[32])
{
    if (isnan(x) || edx_jcs_number(x, out) < 0) out[0] = '\0';
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- building --------------------------------------------------------------------------- */

static int group_init(edx_arena *a, ms_group *g, const char *key, size_t nind)
{
    memset(g, 0, sizeof *g);
    g->key = key;
    g->ind = edx_arena_calloc(a, nind ? nind : 1, sizeof *g->ind);
    return g->ind ? 0 : -1;
}

/* The group of `key` in `groups` (found or appended; room for `cap` is there). */
static ms_group *group_of(edx_arena *a, ms_group *groups, size_t *n, edx_map *ix, const char *key,
                          size_t nind)
{
    ms_group *g = edx_map_get(ix, key);
    if (g) return g;
    g = &groups[*n];
    if (group_init(a, g, key, nind) < 0 || edx_map_put(ix, key, g) < 0) return NULL;
    (*n)++;
    return g;
}

static int group_cmp(const void *x, const void *y)
{
    const ms_group *a = x, *b = y;
    return strcmp(a->key, b->key);
}

/* Add unit `u` (index k) of the report to group g. */
static void group_add(const edx_milestone_report *r, ms_group *g, size_t k)
{
    const edx_milestone_unit *u = &r->d.units[k];
    size_t ni = r->d.nind;
    g->registered++;
    g->reported += u->reported != 0;
    g->initiatives += u->initiatives;
    g->recognised += u->recognised;
    g->adoptions += u->adoptions;
    g->awards += (int64_t)json_array_size(r->unit_awards[k]);
    if (r->review[k]) {
        g->review_n++;
        g->review_sum += r->review[k]->score;
    }
    for (size_t i = 0; i < ni; i++) {
        ms_ind_agg *s = &g->ind[i];
        double t = u->pledge[i], v = u->value[i], ach = r->ach[k * ni + i];
        if (!isnan(t)) {
            s->pledged++;
            s->target_total += t;
        }
        if (!isnan(v)) {
            s->reported++;
            s->value_total += v;
        }
        if (r->met[k * ni + i] >= 0) s->compared++;
        if (r->met[k * ni + i] == 1) s->met++;
        if (!isnan(ach)) {
            s->ach_n++;
            s->ach_sum += ach > 1 ? 1 : ach;
        }
    }
}

/* Ratios and met flags of every unit and indicator. */
static void achievements(edx_milestone_report *r)
{
    size_t ni = r->d.nind;
    for (size_t k = 0; k < r->d.nunits; k++) {
        const edx_milestone_unit *u = &r->d.units[k];
        for (size_t i = 0; i < ni; i++) {
            double t = u->pledge[i], v = u->value[i], ach = NAN;
            const json_t *hib = json_object_get(r->d.ind[i], "higher_is_better");
            int higher = !json_is_false(hib);
            signed char met = -1;
            if (!isnan(t) && !isnan(v)) {
                met = (signed char)(higher ? v >= t : v <= t);
                if (higher && t > 0)
                    ach = r3(v / t);
                else if (!higher && v > 0)
                    ach = r3(t / v);
            }
            r->ach[k * ni + i] = ach;
            r->met[k * ni + i] = met;
        }
    }
}

/* The latest closed round's results, by unit: score of the additive model, ranks. */
static int load_review(edx_db *db, edx_arena *a, edx_milestone_report *r, const char *campaign,
                       edx_err *err)
{
    edx_round_score *sc = NULL;
    size_t n = 0;
    edx_map by_code;
    int rc = edx_round_latest_closed(db, a, campaign, &r->round_code, &r->round_name,
                                     &r->round_stage, err);
    if (rc < 0 || !r->round_code) return rc;
    /* The round is closed, its results final; each caller sees only its own units' lines. */
    if ((rc = edx_round_scores(db, a, campaign, r->round_code, &sc, &n, err)) < 0) return rc;
    r->round_entries = (int64_t)n;
    edx_map_init(&by_code, a);
    for (size_t k = 0; k < r->d.nunits; k++)
        if (edx_map_put(&by_code, r->d.units[k].code, (void *)(uintptr_t)(k + 1)) < 0)
            return edx_err_nomem(err);
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)(uintptr_t)edx_map_get(&by_code, sc[i].unit);
        if (!k) continue;
        ms_review *v = edx_arena_calloc(a, 1, sizeof *v);
        if (!v) return edx_err_nomem(err);
        *v = (ms_review){sc[i].score,         sc[i].se,      sc[i].mean, sc[i].rank,
                         sc[i].province_rank, sc[i].near_tie};
        r->review[k - 1] = v;
    }
    return 0;
}

static int aggregate(edx_db *db, edx_arena *a, edx_milestone_report *r, edx_err *err)
{
    size_t ni = r->d.nind, cap = r->d.nunits + r->d.ncells + 1;
    edx_map pix, tix;
    json_t *provinces = NULL;
    edx_map_init(&pix, a);
    edx_map_init(&tix, a);
    r->prov = edx_arena_calloc(a, cap, sizeof *r->prov);
    r->types = edx_arena_calloc(a, cap, sizeof *r->types);
    if (!r->prov || !r->types || group_init(a, &r->total, "", ni) < 0) return edx_err_nomem(err);
    for (size_t c = 0; c < r->d.ncells; c++) {
        const edx_milestone_cell *cell = &r->d.cells[c];
        ms_group *p = group_of(a, r->prov, &r->nprov, &pix, cell->province, ni);
        ms_group *t = group_of(a, r->types, &r->ntypes, &tix, cell->type, ni);
        if (!p || !t) return edx_err_nomem(err);
        p->eligible += cell->eligible;
        t->eligible += cell->eligible;
        r->total.eligible += cell->eligible;
    }
    for (size_t k = 0; k < r->d.nunits; k++) {
        const edx_milestone_unit *u = &r->d.units[k];
        ms_group *p = group_of(a, r->prov, &r->nprov, &pix, u->province, ni);
        ms_group *t = group_of(a, r->types, &r->ntypes, &tix, u->type, ni);
        if (!p || !t) return edx_err_nomem(err);
        group_add(r, p, k);
        group_add(r, t, k);
        group_add(r, &r->total, k);
    }
    qsort(r->prov, r->nprov, sizeof *r->prov, group_cmp);
    qsort(r->types, r->ntypes, sizeof *r->types, group_cmp);
    for (size_t t = 0; t < r->ntypes; t++) {
        r->types[t].name = ms_type_label(r->types[t].key, 1);
        r->types[t].name_en = ms_type_label(r->types[t].key, 0);
    }
    int rc = edx_province_list(db, &provinces, err);
    if (rc < 0) return rc;
    for (size_t g = 0; g < r->nprov; g++) {
        size_t i;
        const json_t *pv;
        r->prov[g].name = r->prov[g].key[0] ? r->prov[g].key : "(không rõ / unknown)";
        json_array_foreach(provinces, i, pv)
        {
            if (strcmp(str(pv, "code"), r->prov[g].key) != 0) continue;
            r->prov[g].name = edx_arena_strdup(a, str(pv, "name"));
            r->prov[g].name_en =
                str(pv, "name_en") ? edx_arena_strdup(a, str(pv, "name_en")) : NULL;
        }
        if (!r->prov[g].name) rc = edx_err_nomem(err);
    }
    json_decref(provinces);
    return rc < 0 ? rc : 0;
}

int ms_scope(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit, const char **lo,
             const char **hi, const char **scope_unit, edx_err *err)
{
    edx_unit_ref u;
    *scope_unit = NULL;
    if (p->role != EDX_ROLE_MINISTRY_ADMIN && p->role != EDX_ROLE_UNIT_ADMIN)
        return edx_err_forbidden(err, "the reviews are for the Ministry and unit admins");
    int rc = edx_scope_range(a, p, lo, hi, err);
    if (rc < 0 || !unit) return rc;
    if ((rc = edx_unit_ref_get(db, a, p, unit, 0, "unit", &u, err)) < 0) return rc;
    *lo = u.path;
    *scope_unit = u.code;
    return (*hi = edx_unit_path_end(a, u.path)) ? 0 : edx_err_nomem(err);
}

int edx_milestone_report_build(edx_db *db, edx_arena *a, const edx_principal *p,
                               const char *campaign, const char *milestone, const char *unit,
                               edx_milestone_report **out, edx_err *err)
{
    const char *lo = NULL, *hi = NULL;
    edx_milestone_report *r = edx_arena_calloc(a, 1, sizeof *r);
    *out = NULL;
    if (!r) return edx_err_nomem(err);
    int rc = ms_scope(db, a, p, unit, &lo, &hi, &r->scope_unit, err);
    if (rc < 0) return rc;
    if (!lo || !hi) return edx_err_nomem(err); /* never: ms_scope sets both */
    if ((rc = edx_milestone_data_load(db, a, campaign, milestone, lo, hi, &r->d, err)) < 0)
        return rc;
    size_t nu = r->d.nunits ? r->d.nunits : 1, ni = r->d.nind ? r->d.nind : 1;
    r->review = edx_arena_calloc(a, nu, sizeof *r->review);
    r->unit_awards = edx_arena_calloc(a, nu, sizeof *r->unit_awards);
    r->ach = edx_arena_alloc(a, nu * ni * sizeof *r->ach);
    r->met = edx_arena_alloc(a, nu * ni);
    if (!r->review || !r->unit_awards || !r->ach || !r->met) {
        rc = edx_err_nomem(err);
        goto fail;
    }
    edx_time_iso(edx_now(), r->generated_at);
    achievements(r);
    if ((rc = load_review(db, a, r, campaign, err)) < 0) goto fail;
    if ((rc = edx_awards_decided(db, campaign, lo, hi, &r->awards, err)) < 0) goto fail;
    for (size_t k = 0; k < r->d.nunits; k++) {
        const json_t *list = json_object_get(r->awards, r->d.units[k].code);
        r->unit_awards[k] = json_is_array(list) ? list : NULL;
    }
    if ((rc = aggregate(db, a, r, err)) < 0) goto fail;
    *out = r;
    return 0;
fail:
    edx_milestone_report_free(r);
    return rc;
}

void edx_milestone_report_free(edx_milestone_report *r)
{
    if (!r) return;
    edx_milestone_data_free(&r->d);
    json_decref(r->awards);
    r->awards = NULL;
}

/* ---- JSON ------------------------------------------------------------------------------- */

/* A streaming JSON writer: members and elements get their commas from the nesting state. */
typedef struct jw {
    edx_buf *b;
    int depth, key;
    unsigned char first[16];
} jw;

/* Append to the output; the buffer grows only when the estimate reserved up front is short. */
static inline void out(jw *w, const char *p, size_t n)
{
    edx_buf *b = w->b;
    if (b->len + n + 1 > b->cap && edx_buf_reserve(b, n) < 0) return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void outc(jw *w, char c)
{
    out(w, &c, 1);
}

static void jw_pre(jw *w)
{
    if (w->key) {
        w->key = 0;
        return;
    }
    if (!w->first[w->depth]) outc(w, ',');
    w->first[w->depth] = 0;
}

static void jw_open(jw *w, char c)
{
    jw_pre(w);
    outc(w, c);
    w->first[++w->depth] = 1;
}

static void jw_close(jw *w, char c)
{
    outc(w, c);
    w->depth--;
}

/* A JSON string: runs of bytes that need no escape are appended whole. */
static void jw_str(jw *w, const char *s)
{
    jw_pre(w);
    if (!s) {
        out(w, "null", 4);
        return;
    }
    size_t n = 0;
    while (s[n] && (unsigned char)s[n] >= 0x20 && s[n] != '"' && s[n] != '\\')
        n++;
    if (!s[n] && n < 254) { /* the usual case: one append */
        char t[256];
        t[0] = '"';
        memcpy(t + 1, s, n);
        t[n + 1] = '"';
        out(w, t, n + 2);
        return;
    }
    outc(w, '"');
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out(w, run, (size_t)(p - run));
        if (!c) break;
        char one[2] = {(char)c, 0};
        edx_buf_json_escape(w->b, one);
        run = p + 1;
    }
    outc(w, '"');
}

static void jw_key(jw *w, const char *k)
{
    jw_str(w, k);
    outc(w, ':');
    w->key = 1;
}

static void put_int(jw *w, int64_t x)
{
    char t[24], *p = t + sizeof t;
    uint64_t u = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (x < 0) *--p = '-';
    out(w, p, (size_t)(t + sizeof t - p));
}

/*
 * A number in the shortest of "%.15g" and "%.17g" that reads back exactly; whole numbers
 * as integers. (JCS's shortest-digits search is exact but costs a dozen conversions per
 * number, and the sector's review has over a million of them.)
 */
static void jw_num(jw *w, double x)
{
    jw_pre(w);
    if (!isfinite(x)) {
        out(w, "null", 4);
    } else if (x == floor(x) && fabs(x) < 1e15) {
        put_int(w, (int64_t)x);
    } else {
        char t[32];
        snprintf(t, sizeof t, "%.15g", x);
        if (strtod(t, NULL) != x) snprintf(t, sizeof t, "%.17g", x);
        out(w, t, strlen(t));
    }
}

static void jw_int(jw *w, int64_t x)
{
    jw_pre(w);
    put_int(w, x);
}

static void jw_bool(jw *w, int x)
{
    jw_pre(w);
    out(w, x ? "true" : "false", strlen(x ? "true" : "false"));
}

/* A jansson value as it is (a campaign's member, awards). */
static void jw_json(jw *w, const json_t *v)
{
    jw_pre(w);
    if (!v || edx_json_dump_buf(v, JSON_ENCODE_ANY, w->b) < 0) out(w, "null", 4);
}

/* A member name known to need no escaping (this file's literals). */
static void jw_k(jw *w, const char *k)
{
    jw_pre(w);
    outc(w, '"');
    out(w, k, strlen(k));
    out(w, "\":", 2);
    w->key = 1;
}

static void kv_str(jw *w, const char *k, const char *v)
{
    jw_k(w, k);
    jw_str(w, v);
}

static void kv_int(jw *w, const char *k, int64_t v)
{
    jw_k(w, k);
    jw_int(w, v);
}

static void kv_num(jw *w, const char *k, double v)
{
    jw_k(w, k);
    jw_num(w, v);
}

static void kv_json(jw *w, const char *k, const json_t *v)
{
    jw_k(w, k);
    jw_json(w, v);
}

static void write_group(jw *w, const edx_milestone_report *r, const ms_group *g, const char *kind)
{
    jw_open(w, '{');
    if (kind) {
        kv_str(w, kind, g->key[0] ? g->key : NULL);
        kv_str(w, "name", g->name);
        kv_str(w, "name_en", g->name_en);
    }
    kv_int(w, "eligible", g->eligible);
    kv_int(w, "registered", g->registered);
    kv_int(w, "reported", g->reported);
    kv_int(w, "initiatives", g->initiatives);
    kv_int(w, "recognised", g->recognised);
    kv_int(w, "adoptions", g->adoptions);
    kv_int(w, "awards", g->awards);
    kv_num(w, "review_mean", g->review_n ? r3(g->review_sum / (double)g->review_n) : NAN);
    jw_k(w, "indicators");
    jw_open(w, '{');
    for (size_t i = 0; i < r->d.nind; i++) {
        const ms_ind_agg *s = &g->ind[i];
        int count = strcmp(str(r->d.ind[i], "unit") ? str(r->d.ind[i], "unit") : "", "count") == 0;
        jw_key(w, str(r->d.ind[i], "code"));
        jw_open(w, '{');
        kv_int(w, "pledged", s->pledged);
        kv_int(w, "reported", s->reported);
        kv_int(w, "compared", s->compared);
        kv_int(w, "met", s->met);
        kv_num(w, "mean_achievement", ms_mean_achievement(g, i));
        kv_num(w, "target_total", count && s->pledged ? s->target_total : NAN);
        kv_num(w, "value_total", count && s->reported ? s->value_total : NAN);
        jw_close(w, '}');
    }
    jw_close(w, '}');
    jw_close(w, '}');
}

static void write_unit(jw *w, const edx_milestone_report *r, size_t k)
{
    const edx_milestone_unit *u = &r->d.units[k];
    size_t ni = r->d.nind;
    jw_open(w, '{');
    kv_str(w, "code", u->code);
    kv_str(w, "name", u->name);
    kv_str(w, "type", u->type);
    kv_str(w, "province", u->province[0] ? u->province : NULL);
    jw_k(w, "reported");
    jw_bool(w, u->reported);
    jw_k(w, "indicators");
    jw_open(w, '{');
    for (size_t i = 0; i < ni; i++) {
        if (isnan(u->pledge[i]) && isnan(u->value[i])) continue;
        /* Members without a value are left out: 50,000 units by nine indicators of nulls
         * would be a third of the answer. */
        jw_key(w, str(r->d.ind[i], "code"));
        jw_open(w, '{');
        if (!isnan(u->pledge[i])) kv_num(w, "pledge", u->pledge[i]);
        if (u->period[i]) {
            kv_num(w, "value", u->value[i]);
            kv_str(w, "period", u->period[i]);
            kv_str(w, "status", u->accepted[i] ? "accepted" : "submitted");
        }
        if (!isnan(r->ach[k * ni + i])) kv_num(w, "achievement", r->ach[k * ni + i]);
        if (r->met[k * ni + i] >= 0) {
            jw_k(w, "met");
            jw_bool(w, r->met[k * ni + i]);
        }
        jw_close(w, '}');
    }
    jw_close(w, '}');
    jw_k(w, "initiatives");
    jw_open(w, '{');
    kv_int(w, "submitted", u->initiatives);
    kv_int(w, "recognised", u->recognised);
    kv_int(w, "adoptions", u->adoptions);
    jw_close(w, '}');
    jw_k(w, "review");
    const ms_review *v = r->review[k];
    if (!v) {
        jw_str(w, NULL);
    } else {
        jw_open(w, '{');
        kv_num(w, "score", v->score);
        kv_num(w, "se", v->se);
        kv_int(w, "rank", v->rank);
        kv_int(w, "province_rank", v->province_rank);
        jw_k(w, "near_tie");
        jw_bool(w, v->near_tie);
        kv_num(w, "mean", v->mean);
        jw_close(w, '}');
    }
    jw_k(w, "awards");
    if (r->unit_awards[k]) {
        jw_json(w, r->unit_awards[k]);
    } else {
        jw_open(w, '[');
        jw_close(w, ']');
    }
    jw_close(w, '}');
}

/* Members of `o` named in `keys`, as they are. */
static void pick(jw *w, const json_t *o, const char *const *keys)
{
    jw_open(w, '{');
    for (; *keys; keys++) {
        const json_t *v = json_object_get(o, *keys);
        if (v) kv_json(w, *keys, v);
    }
    jw_close(w, '}');
}

int edx_milestone_report_json(const edx_milestone_report *r, edx_buf *out, edx_err *err)
{
    static const char *const camp_keys[] = {"code", "name", "name_en", "kind", NULL};
    static const char *const ms_keys[] = {"code", "kind", "name", "name_en", "on", "phase", NULL};
    static const char *const phase_keys[] = {"code",      "name",    "name_en",
                                             "starts_on", "ends_on", NULL};
    static const char *const ind_keys[] = {"code", "name",   "name_en",          "kind", "source",
                                           "unit", "period", "higher_is_better", NULL};
    jw w = {out, 0, 0, {1}};
    /* About a kilobyte per unit: one allocation instead of a dozen doublings and copies. */
    edx_buf_reserve(out, 4096 + r->d.nunits * (512 + 110 * r->d.nind));
    jw_open(&w, '{');
    jw_k(&w, "campaign");
    pick(&w, r->d.campaign, camp_keys);
    jw_k(&w, "milestone");
    pick(&w, r->d.milestone, ms_keys);
    jw_k(&w, "phase");
    pick(&w, r->d.phase, phase_keys);
    kv_str(&w, "scope", r->scope_unit);
    kv_str(&w, "generated_at", r->generated_at);
    jw_k(&w, "indicators");
    jw_open(&w, '[');
    for (size_t i = 0; i < r->d.nind; i++)
        pick(&w, r->d.ind[i], ind_keys);
    jw_close(&w, ']');
    jw_k(&w, "round");
    if (!r->round_code) {
        jw_str(&w, NULL);
    } else {
        jw_open(&w, '{');
        kv_str(&w, "code", r->round_code);
        kv_str(&w, "name", r->round_name);
        kv_str(&w, "stage", r->round_stage);
        kv_int(&w, "entries", r->round_entries);
        kv_str(&w, "score", "model");
        jw_close(&w, '}');
    }
    jw_k(&w, "totals");
    write_group(&w, r, &r->total, NULL);
    jw_k(&w, "provinces");
    jw_open(&w, '[');
    for (size_t g = 0; g < r->nprov; g++)
        write_group(&w, r, &r->prov[g], "province");
    jw_close(&w, ']');
    jw_k(&w, "types");
    jw_open(&w, '[');
    for (size_t g = 0; g < r->ntypes; g++)
        write_group(&w, r, &r->types[g], "type");
    jw_close(&w, ']');
    jw_k(&w, "periods");
    jw_open(&w, '[');
    for (size_t i = 0; i < r->d.nperiods; i++) {
        const edx_milestone_period *p = &r->d.periods[i];
        jw_open(&w, '{');
        kv_str(&w, "period", p->period);
        kv_int(&w, "submitted", p->submitted);
        kv_int(&w, "accepted", p->accepted);
        kv_int(&w, "returned", p->returned);
        kv_int(&w, "draft", p->draft);
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_k(&w, "units");
    jw_open(&w, '[');
    for (size_t k = 0; k < r->d.nunits; k++)
        write_unit(&w, r, k);
    jw_close(&w, ']');
    jw_close(&w, '}');
    return out->oom ? edx_err_nomem(err) : 0;
}
