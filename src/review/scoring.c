/*
 * scoring.c: the four aggregations of review scores, their standard errors,
 * rankings and near-tie flags. The formulas and the reasons for each choice
 * are in docs/scoring.md; comments here refer to its sections.
 *
 * Work is O(scorecards) per pass: the scorecards are bucketed by entry once
 * (a counting sort), every method walks that layout, and the model fit costs
 * one pass per conjugate-gradient step. Ranking sorts each method once.
 */
#include "review/scoring.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Spreads and score differences below this fraction of the scale width are
 * treated as zero: equal scores summed in another order differ in the last
 * bits, and they must still tie and must not give a reviewer a spread. */
#define REL_EPS 1e-9
/* The model fit stops when the residual norm has dropped by this factor. */
#define CG_TOL 1e-12
#define CG_MAX_STEPS 1000
#define NO_COMPONENT UINT32_MAX

/* The scorecards bucketed by entry: entry e owns positions off[e] .. off[e+1]-1. */
typedef struct work {
    size_t nentries, nreviewers, ncards;
    uint32_t *off;  /* nentries + 1 */
    uint32_t *rev;  /* ncards: the reviewer of each position */
    uint32_t *src;  /* ncards: the input index of each position */
    double *s;      /* ncards: the weighted score of each position */
    uint32_t *nrev; /* nreviewers: scorecards per reviewer */
    double lambda, eps;
} work;

static const char *const method_names[EDX_SCORING_NMETHODS] = {"mean", "trimmed", "zscore",
                                                               "model"};

const char *edx_scoring_method_name(edx_scoring_method m)
{
    return (unsigned)m < EDX_SCORING_NMETHODS ? method_names[m] : "";
}

static int check_params(const edx_scoring_input *in, edx_err *err)
{
    if (in->ncriteria == 0)
        return edx_err_invalid(err, "ncriteria", "a rubric needs at least one criterion");
    if (in->ncards > 0 && !in->cards)
        return edx_err_invalid(err, "cards", "%zu scorecards announced but none given", in->ncards);
    if (in->nentries > UINT32_MAX || in->nreviewers > UINT32_MAX || in->ncards > UINT32_MAX)
        return edx_err_invalid(err, "cards", "more than %lu entries, reviewers or scorecards",
                               (unsigned long)UINT32_MAX);
    if (!isfinite(in->scale_min) || !isfinite(in->scale_max) || !(in->scale_min < in->scale_max))
        return edx_err_invalid(err, "scale", "the rubric scale [%g, %g] needs finite min < max",
                               in->scale_min, in->scale_max);
    if (in->weights) {
        double sum = 0;
        for (size_t c = 0; c < in->ncriteria; c++) {
            double wc = in->weights[c];
            if (!isfinite(wc) || !(wc > 0)) {
                char field[32];
                snprintf(field, sizeof field, "weights[%zu]", c);
                return edx_err_invalid(err, field,
                                       "criterion %zu has weight %g; weights must be finite "
                                       "and greater than 0",
                                       c, wc);
            }
            sum += wc;
        }
        if (!isfinite(sum))
            return edx_err_invalid(err, "weights", "the criteria weights add up to infinity");
    }
    if (!isfinite(in->lambda) || in->lambda < 0)
        return edx_err_invalid(err, "lambda",
                               "lambda is %g; it must be finite and >= 0 (0 picks the default)",
                               in->lambda);
    if (!isfinite(in->tie_z) || in->tie_z < 0)
        return edx_err_invalid(err, "tie_z",
                               "tie_z is %g; it must be finite and >= 0 (0 picks the default)",
                               in->tie_z);
    return 0;
}

/* Check one scorecard and return its weighted score in *out. */
static int weigh_card(const edx_scoring_input *in, size_t k, double wsum, double *out, edx_err *err)
{
    const edx_scorecard *c = &in->cards[k];
    char field[64];
    if (c->entry >= in->nentries) {
        snprintf(field, sizeof field, "cards[%zu].entry", k);
        return edx_err_invalid(err, field,
                               "scorecard %zu names entry %lu but there are %zu entries", k,
                               (unsigned long)c->entry, in->nentries);
    }
    if (c->reviewer >= in->nreviewers) {
        snprintf(field, sizeof field, "cards[%zu].reviewer", k);
        return edx_err_invalid(err, field,
                               "scorecard %zu names reviewer %lu but there are %zu reviewers", k,
                               (unsigned long)c->reviewer, in->nreviewers);
    }
    if (!c->scores) {
        snprintf(field, sizeof field, "cards[%zu].scores", k);
        return edx_err_invalid(err, field, "scorecard %zu (entry %lu, reviewer %lu) has no scores",
                               k, (unsigned long)c->entry, (unsigned long)c->reviewer);
    }
    double acc = 0;
    for (size_t j = 0; j < in->ncriteria; j++) {
        double x = c->scores[j];
        if (!(x >= in->scale_min && x <= in->scale_max)) {
            snprintf(field, sizeof field, "cards[%zu].scores[%zu]", k, j);
            if (isnan(x))
                return edx_err_invalid(err, field,
                                       "scorecard %zu (entry %lu, reviewer %lu): the score of "
                                       "criterion %zu is not a number",
                                       k, (unsigned long)c->entry, (unsigned long)c->reviewer, j);
            return edx_err_invalid(err, field,
                                   "scorecard %zu (entry %lu, reviewer %lu): criterion %zu score "
                                   "%g is outside the scale [%g, %g]",
                                   k, (unsigned long)c->entry, (unsigned long)c->reviewer, j, x,
                                   in->scale_min, in->scale_max);
        }
        acc += (in->weights ? in->weights[j] : 1.0) * x;
    }
    double v = acc / wsum;
    /* Rounding may step an ulp outside the scale; the mean of in-range scores cannot. */
    *out = v < in->scale_min ? in->scale_min : v > in->scale_max ? in->scale_max : v;
    return 0;
}

/*
 * Validate the scorecards, weigh them and bucket them by entry into *w, whose
 * arrays the caller frees (also on error).
 */
static int load_cards(const edx_scoring_input *in, work *w, edx_err *err)
{
    int rc = 0;
    size_t ne = in->nentries, nr = in->nreviewers, nc = in->ncards;
    double *raw = NULL;
    uint32_t *fill = NULL, *seen = NULL, *seen_card = NULL;
    w->off = calloc(ne + 1, sizeof *w->off);
    w->rev = malloc((nc ? nc : 1) * sizeof *w->rev);
    w->src = malloc((nc ? nc : 1) * sizeof *w->src);
    w->s = malloc((nc ? nc : 1) * sizeof *w->s);
    w->nrev = calloc(nr ? nr : 1, sizeof *w->nrev);
    raw = malloc((nc ? nc : 1) * sizeof *raw);
    fill = malloc((ne ? ne : 1) * sizeof *fill);
    seen = malloc((nr ? nr : 1) * sizeof *seen);
    seen_card = malloc((nr ? nr : 1) * sizeof *seen_card);
    if (!w->off || !w->rev || !w->src || !w->s || !w->nrev || !raw || !fill || !seen ||
        !seen_card) {
        rc = edx_err_nomem(err);
        goto done;
    }

    double wsum = 0;
    for (size_t j = 0; j < in->ncriteria; j++)
        wsum += in->weights ? in->weights[j] : 1.0;
    for (size_t k = 0; k < nc; k++) {
        if ((rc = weigh_card(in, k, wsum, &raw[k], err))) goto done;
        w->off[in->cards[k].entry + 1]++;
        w->nrev[in->cards[k].reviewer]++;
    }
    for (size_t e = 0; e < ne; e++) {
        if (w->off[e + 1] == 0) {
            char field[32];
            snprintf(field, sizeof field, "entries[%zu]", e);
            rc = edx_err_invalid(err, field, "entry %zu has no scorecards", e);
            goto done;
        }
        w->off[e + 1] += w->off[e];
        fill[e] = w->off[e];
    }
    /* Stable: an entry's scorecards keep their input order. */
    for (size_t k = 0; k < nc; k++) {
        uint32_t p = fill[in->cards[k].entry]++;
        w->rev[p] = in->cards[k].reviewer;
        w->src[p] = (uint32_t)k;
        w->s[p] = raw[k];
    }
    /* A reviewer counts once per entry: seen[r] is the last entry it was met on. */
    for (size_t r = 0; r < nr; r++)
        seen[r] = UINT32_MAX;
    for (size_t e = 0; e < ne; e++) {
        for (uint32_t p = w->off[e]; p < w->off[e + 1]; p++) {
            uint32_t r = w->rev[p];
            if (seen[r] == e) {
                char field[32];
                snprintf(field, sizeof field, "cards[%lu]", (unsigned long)w->src[p]);
                rc = edx_err_invalid(err, field,
                                     "scorecard %lu repeats reviewer %lu on entry %zu (already in "
                                     "scorecard %lu)",
                                     (unsigned long)w->src[p], (unsigned long)r, e,
                                     (unsigned long)seen_card[r]);
                goto done;
            }
            seen[r] = (uint32_t)e;
            seen_card[r] = w->src[p];
        }
    }

done:
    free(raw);
    free(fill);
    free(seen);
    free(seen_card);
    return rc;
}

/* Population mean and sd of n values. */
static void mean_sd(const double *v, size_t n, double *mean, double *sd)
{
    double sum = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    double mu = n ? sum / (double)n : 0;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mu) * (v[i] - mu);
    *mean = mu;
    *sd = n ? sqrt(ss / (double)n) : 0;
}

/*
 * Method m of every entry = the mean of its values v (entry order), with
 * standard error sd/√n (sample sd). A single value has no spread of its own:
 * it borrows the pooled within-entry sd, or without any entry of two values
 * the sd of all values (docs/scoring.md, "Standard errors when an entry has
 * one review"). Returns the pooled sd, or -1 when there is none.
 */
static double entry_means(const work *w, const double *v, edx_scoring_entry *ents, int m)
{
    double pooled_ss = 0, pooled_df = 0;
    for (size_t e = 0; e < w->nentries; e++) {
        uint32_t a = w->off[e], b = w->off[e + 1], n = b - a;
        double sum = 0, ss = 0;
        for (uint32_t p = a; p < b; p++)
            sum += v[p];
        double mu = sum / n;
        for (uint32_t p = a; p < b; p++)
            ss += (v[p] - mu) * (v[p] - mu);
        ents[e].m[m].score = mu;
        if (n >= 2) {
            ents[e].m[m].se = sqrt(ss / (n - 1)) / sqrt((double)n);
            pooled_ss += ss;
            pooled_df += n - 1;
        }
    }
    double pooled = pooled_df > 0 ? sqrt(pooled_ss / pooled_df) : -1, fallback = pooled;
    if (pooled < 0) {
        double mu;
        mean_sd(v, w->ncards, &mu, &fallback);
    }
    for (size_t e = 0; e < w->nentries; e++)
        if (w->off[e + 1] - w->off[e] < 2) ents[e].m[m].se = fallback;
    return pooled;
}

/*
 * TRIMMED: with n >= 5 drop one lowest and one highest value; the standard
 * error is Tukey–McLaughlin's, s_w·√n/(n−2) with s_w the sample sd of the
 * winsorised values (the lowest raised to the second lowest, the highest
 * lowered to the second highest). With fewer values it copies MEAN.
 */
static void trimmed_means(const work *w, edx_scoring_entry *ents)
{
    for (size_t e = 0; e < w->nentries; e++) {
        uint32_t a = w->off[e], b = w->off[e + 1], n = b - a;
        edx_scoring_entry *en = &ents[e];
        en->trimmed = n >= 5;
        if (!en->trimmed) {
            en->m[EDX_SCORING_TRIMMED].score = en->m[EDX_SCORING_MEAN].score;
            en->m[EDX_SCORING_TRIMMED].se = en->m[EDX_SCORING_MEAN].se;
            continue;
        }
        const double *s = w->s;
        uint32_t lo = a, hi = a;
        double sum = 0;
        for (uint32_t p = a; p < b; p++) {
            sum += s[p];
            if (s[p] < s[lo]) lo = p;
        }
        if (hi == lo) hi = a + 1;
        for (uint32_t p = a; p < b; p++)
            if (p != lo && s[p] > s[hi]) hi = p;
        double lo2 = INFINITY, hi2 = -INFINITY; /* second lowest and second highest */
        for (uint32_t p = a; p < b; p++) {
            if (p != lo && s[p] < lo2) lo2 = s[p];
            if (p != hi && s[p] > hi2) hi2 = s[p];
        }
        double wsum = sum - s[lo] + lo2 - s[hi] + hi2, wmu = wsum / n, ss = 0;
        for (uint32_t p = a; p < b; p++) {
            double x = p == lo ? lo2 : p == hi ? hi2 : s[p];
            ss += (x - wmu) * (x - wmu);
        }
        en->m[EDX_SCORING_TRIMMED].score = (sum - s[lo] - s[hi]) / (n - 2);
        en->m[EDX_SCORING_TRIMMED].se = sqrt(ss / (n - 1)) * sqrt((double)n) / (n - 2);
    }
}

/*
 * ZSCORE: per reviewer z = (s − μ_r)/σ_r (population sd); a reviewer with one
 * scorecard or no spread gives z = 0. Each entry's mean z (and its standard
 * error, as for MEAN) is then mapped linearly so that the lowest and highest
 * mean z land on the lowest and highest raw entry means, as Evalato does:
 * results stay on the rubric's range without clamping, so no ties are made at
 * the top. When every entry has the same mean z the map's slope is the sd of
 * all scores. Fills the reviewers' mean and sd; `z` holds ncards doubles of
 * scratch (docs/scoring.md, "ZSCORE").
 */
static void zscore_means(const work *w, double gsd, double *z, edx_scoring_reviewer *revs,
                         edx_scoring_entry *ents)
{
    for (size_t r = 0; r < w->nreviewers; r++)
        revs[r].mean = revs[r].sd = 0;
    for (size_t p = 0; p < w->ncards; p++)
        revs[w->rev[p]].mean += w->s[p];
    for (size_t r = 0; r < w->nreviewers; r++)
        if (revs[r].n) revs[r].mean /= revs[r].n;
    for (size_t p = 0; p < w->ncards; p++) {
        double d = w->s[p] - revs[w->rev[p]].mean;
        revs[w->rev[p]].sd += d * d;
    }
    for (size_t r = 0; r < w->nreviewers; r++)
        if (revs[r].n) revs[r].sd = sqrt(revs[r].sd / revs[r].n);
    for (size_t p = 0; p < w->ncards; p++) {
        const edx_scoring_reviewer *rv = &revs[w->rev[p]];
        z[p] = rv->n >= 2 && rv->sd > w->eps ? (w->s[p] - rv->mean) / rv->sd : 0;
    }
    entry_means(w, z, ents, EDX_SCORING_ZSCORE);
    if (w->nentries == 0) return;
    double zlo = INFINITY, zhi = -INFINITY, slo = INFINITY, shi = -INFINITY, ssum = 0;
    for (size_t e = 0; e < w->nentries; e++) {
        double zm = ents[e].m[EDX_SCORING_ZSCORE].score, sm = ents[e].m[EDX_SCORING_MEAN].score;
        zlo = fmin(zlo, zm);
        zhi = fmax(zhi, zm);
        slo = fmin(slo, sm);
        shi = fmax(shi, sm);
        ssum += sm;
    }
    /* z values are in units of sd: a range below 1e-9 sd is rounding. */
    double slope, base;
    if (zhi - zlo > REL_EPS) {
        slope = (shi - slo) / (zhi - zlo);
        base = slo - slope * zlo;
    } else {
        slope = gsd > w->eps ? gsd : 0;
        base = ssum / w->nentries - slope * zlo;
    }
    for (size_t e = 0; e < w->nentries; e++) {
        edx_scoring_value *v = &ents[e].m[EDX_SCORING_ZSCORE];
        v->score = base + slope * v->score;
        v->se *= slope;
    }
}

/* Union-find root with path halving. */
static uint32_t find_root(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/*
 * Number the connected parts of the reviewer–entry graph (reviewers linked by
 * a shared entry) into revs[].component; returns how many. `parent` is
 * nreviewers of scratch.
 */
static size_t label_components(const work *w, uint32_t *parent, edx_scoring_reviewer *revs)
{
    for (size_t r = 0; r < w->nreviewers; r++)
        parent[r] = (uint32_t)r;
    for (size_t e = 0; e < w->nentries; e++) {
        uint32_t first = find_root(parent, w->rev[w->off[e]]);
        for (uint32_t p = w->off[e] + 1; p < w->off[e + 1]; p++) {
            uint32_t other = find_root(parent, w->rev[p]);
            if (other != first) parent[other] = first;
        }
    }
    size_t ncomp = 0;
    for (size_t r = 0; r < w->nreviewers; r++)
        revs[r].component = NO_COMPONENT;
    for (size_t r = 0; r < w->nreviewers; r++) {
        if (!revs[r].n) continue;
        uint32_t root = find_root(parent, (uint32_t)r);
        if (revs[root].component == NO_COMPONENT) revs[root].component = (uint32_t)ncomp++;
        revs[r].component = revs[root].component;
    }
    return ncomp;
}

typedef struct model {
    const work *w;
    const edx_scoring_reviewer *revs;
    size_t ncomp;
    double *csum;     /* ncomp: scratch of project() */
    uint32_t *ccount; /* ncomp: reviewers with scorecards per component */
} model;

/* Remove each component's mean from v: the subspace where the solution lies. */
static void project(const model *md, double *v)
{
    memset(md->csum, 0, md->ncomp * sizeof *md->csum);
    for (size_t r = 0; r < md->w->nreviewers; r++)
        if (md->revs[r].n) md->csum[md->revs[r].component] += v[r];
    for (size_t c = 0; c < md->ncomp; c++)
        md->csum[c] /= md->ccount[c];
    for (size_t r = 0; r < md->w->nreviewers; r++)
        if (md->revs[r].n) v[r] -= md->csum[md->revs[r].component];
}

/* out = S·x, S = diag(n_r + λ) − Aᵀ·diag(1/n_e)·A, the normal matrix with q eliminated. */
static void apply_normal(const model *md, const double *x, double *out)
{
    const work *w = md->w;
    memset(out, 0, w->nreviewers * sizeof *out);
    for (size_t e = 0; e < w->nentries; e++) {
        uint32_t a = w->off[e], b = w->off[e + 1];
        double sum = 0;
        for (uint32_t p = a; p < b; p++)
            sum += x[w->rev[p]];
        double avg = sum / (b - a);
        for (uint32_t p = a; p < b; p++)
            out[w->rev[p]] += avg;
    }
    for (size_t r = 0; r < w->nreviewers; r++)
        out[r] = (w->nrev[r] + w->lambda) * x[r] - out[r];
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/*
 * MODEL: minimise Σ (s − q_e − b_r)² + λ Σ b_r². Eliminating q (q_e = mean of
 * s − b_r over the entry) leaves S·b = rhs over reviewers, rhs_r = Σ (s − m_e)
 * over r's scorecards with m_e the entry's raw mean. S is symmetric positive
 * definite; b is found by conjugate gradients preconditioned with diag(S) and
 * kept in the subspace where every component's offsets sum to zero, which
 * the exact solution satisfies (docs/scoring.md, "MODEL", "Solving").
 */
static int fit_model(const work *w, edx_scoring_result *res, double pooled, edx_err *err)
{
    int rc = 0;
    size_t nr = w->nreviewers, m = nr ? nr : 1;
    edx_scoring_reviewer *revs = res->reviewers;
    edx_scoring_entry *ents = res->entries;
    model md = {.w = w, .revs = revs};
    uint32_t *parent = malloc(m * sizeof *parent);
    double *x = calloc(m, sizeof *x), *r = malloc(m * sizeof *r), *z = malloc(m * sizeof *z);
    double *pv = malloc(m * sizeof *pv), *ap = malloc(m * sizeof *ap), *dg = malloc(m * sizeof *dg);
    md.csum = malloc(m * sizeof *md.csum);
    md.ccount = calloc(m, sizeof *md.ccount);
    if (!parent || !x || !r || !z || !pv || !ap || !dg || !md.csum || !md.ccount) {
        rc = edx_err_nomem(err);
        goto done;
    }
    md.ncomp = label_components(w, parent, revs);
    res->components = md.ncomp;
    for (size_t i = 0; i < nr; i++) {
        if (revs[i].n) md.ccount[revs[i].component]++;
        r[i] = 0;
        dg[i] = w->nrev[i] + w->lambda;
    }
    for (size_t e = 0; e < w->nentries; e++) {
        uint32_t a = w->off[e], b = w->off[e + 1];
        double mu = ents[e].m[EDX_SCORING_MEAN].score;
        for (uint32_t p = a; p < b; p++) {
            r[w->rev[p]] += w->s[p] - mu;
            dg[w->rev[p]] -= 1.0 / (b - a);
        }
    }
    project(&md, r);
    double rn0 = sqrt(dot(r, r, nr));
    double target = fmax(CG_TOL * rn0, 1e-3 * CG_TOL * (res->scale_max - res->scale_min));
    res->iterations = 0;
    res->converged = true;
    if (rn0 > target) {
        res->converged = false;
        for (size_t i = 0; i < nr; i++)
            z[i] = dg[i] > 0 ? r[i] / dg[i] : 0;
        project(&md, z);
        memcpy(pv, z, nr * sizeof *pv);
        double rz = dot(r, z, nr);
        while (res->iterations < CG_MAX_STEPS) {
            res->iterations++;
            apply_normal(&md, pv, ap);
            double pap = dot(pv, ap, nr);
            if (!(pap > 0)) break; /* only rounding can get here: nothing left to gain */
            double alpha = rz / pap;
            for (size_t i = 0; i < nr; i++) {
                x[i] += alpha * pv[i];
                r[i] -= alpha * ap[i];
            }
            if (sqrt(dot(r, r, nr)) <= target) {
                res->converged = true;
                break;
            }
            for (size_t i = 0; i < nr; i++)
                z[i] = dg[i] > 0 ? r[i] / dg[i] : 0;
            project(&md, z);
            double rz_next = dot(r, z, nr), beta = rz_next / rz;
            rz = rz_next;
            for (size_t i = 0; i < nr; i++)
                pv[i] = z[i] + beta * pv[i];
        }
        project(&md, x);
    }
    for (size_t i = 0; i < nr; i++)
        revs[i].offset = revs[i].n ? x[i] : 0;

    /* q_e, the residual sd and each entry's standard error. */
    double rss = 0;
    for (size_t e = 0; e < w->nentries; e++) {
        uint32_t a = w->off[e], b = w->off[e + 1];
        double sum = 0;
        for (uint32_t p = a; p < b; p++)
            sum += w->s[p] - x[w->rev[p]];
        double q = sum / (b - a);
        for (uint32_t p = a; p < b; p++) {
            double d = w->s[p] - q - x[w->rev[p]];
            rss += d * d;
        }
        ents[e].m[EDX_SCORING_MODEL].score = q;
    }
    size_t active = 0;
    for (size_t i = 0; i < nr; i++)
        active += revs[i].n > 0;
    double df = (double)w->ncards - (double)w->nentries - (double)(active - md.ncomp);
    if (df > 0)
        res->sigma = sqrt(rss / df);
    else
        res->sigma = pooled >= 0 ? pooled : res->sd;
    for (size_t e = 0; e < w->nentries; e++) {
        uint32_t a = w->off[e], b = w->off[e + 1];
        double n = b - a, vb = 0;
        for (uint32_t p = a; p < b; p++) {
            double k = w->nrev[w->rev[p]];
            vb += k / ((k + w->lambda) * (k + w->lambda));
        }
        ents[e].m[EDX_SCORING_MODEL].se = res->sigma * sqrt(1 / n + vb / (n * n));
    }

done:
    free(parent);
    free(x);
    free(r);
    free(z);
    free(pv);
    free(ap);
    free(dg);
    free(md.csum);
    free(md.ccount);
    return rc;
}

typedef struct ranked {
    double score;
    uint32_t entry;
} ranked;

/* Best first; equal scores by entry index, so the order is reproducible. */
static int by_score_desc(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->entry > b->entry) - (a->entry < b->entry);
}

static bool near_tie(const edx_scoring_value *a, const edx_scoring_value *b, double z, double eps)
{
    double d = fabs(a->score - b->score);
    return d <= eps || d <= z * sqrt(a->se * a->se + b->se * b->se);
}

/*
 * Give the n entries of seq (best first) their competition ranks ("1224":
 * scores within eps share the better rank) and near-tie bits under method m,
 * as group ranks when `group` is set.
 */
static void place(edx_scoring_entry *ents, const uint32_t *seq, size_t n, int m, bool group,
                  double z, double eps)
{
    uint32_t rank = 0;
    for (size_t i = 0; i < n; i++) {
        edx_scoring_value *v = &ents[seq[i]].m[m], *prev = i ? &ents[seq[i - 1]].m[m] : NULL;
        if (!prev || prev->score - v->score > eps) rank = (uint32_t)i + 1;
        uint8_t tie = 0;
        if (prev && near_tie(prev, v, z, eps)) tie |= EDX_SCORING_TIE_ABOVE;
        if (i + 1 < n && near_tie(v, &ents[seq[i + 1]].m[m], z, eps)) tie |= EDX_SCORING_TIE_BELOW;
        if (group) {
            v->group_rank = rank;
            v->group_near_tie = tie;
        } else {
            v->rank = rank;
            v->near_tie = tie;
        }
    }
}

static int rank_overall(edx_scoring_result *res, edx_arena *a, edx_err *err)
{
    size_t n = res->nentries;
    double eps = REL_EPS * (res->scale_max - res->scale_min);
    ranked *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp) return edx_err_nomem(err);
    int rc = 0;
    for (int m = 0; m < EDX_SCORING_NMETHODS; m++) {
        res->order[m] = edx_arena_alloc(a, (n ? n : 1) * sizeof *res->order[m]);
        if (!res->order[m]) {
            rc = edx_err_nomem(err);
            goto done;
        }
        for (size_t e = 0; e < n; e++)
            tmp[e] = (ranked){res->entries[e].m[m].score, (uint32_t)e};
        qsort(tmp, n, sizeof *tmp, by_score_desc);
        for (size_t i = 0; i < n; i++)
            res->order[m][i] = tmp[i].entry;
        place(res->entries, res->order[m], n, m, false, res->tie_z, eps);
    }
done:
    free(tmp);
    return rc;
}

typedef struct grouped {
    uint32_t group, entry;
} grouped;

static int by_group(const void *pa, const void *pb)
{
    const grouped *a = pa, *b = pb;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    return (a->entry > b->entry) - (a->entry < b->entry);
}

int edx_scoring_regroup(edx_scoring_result *res, const uint32_t *groups, edx_arena *a, edx_err *err)
{
    int rc = 0;
    size_t n = res->nentries, ngroups = 0;
    double eps = REL_EPS * (res->scale_max - res->scale_min);
    uint32_t *order[EDX_SCORING_NMETHODS];
    grouped *tmp = malloc((n ? n : 1) * sizeof *tmp);
    uint32_t *dense = malloc((n ? n : 1) * sizeof *dense);
    uint32_t *start = malloc((n + 1) * sizeof *start), *fill = malloc((n + 1) * sizeof *fill);
    if (!tmp || !dense || !start || !fill) {
        rc = edx_err_nomem(err);
        goto done;
    }
    for (int m = 0; m < EDX_SCORING_NMETHODS; m++) {
        order[m] = edx_arena_alloc(a, (n ? n : 1) * sizeof *order[m]);
        if (!order[m]) {
            rc = edx_err_nomem(err);
            goto done;
        }
    }
    /* Dense group numbers in ascending id order, and where each group starts. */
    for (size_t e = 0; e < n; e++)
        tmp[e] = (grouped){groups ? groups[e] : 0, (uint32_t)e};
    if (groups) qsort(tmp, n, sizeof *tmp, by_group);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || tmp[i].group != tmp[i - 1].group) start[ngroups++] = (uint32_t)i;
        dense[tmp[i].entry] = (uint32_t)ngroups - 1;
    }
    start[ngroups] = (uint32_t)n;
    for (size_t e = 0; e < n; e++)
        res->entries[e].group = groups ? groups[e] : 0;
    /* Walking the overall order into group buckets keeps each group best first. */
    for (int m = 0; m < EDX_SCORING_NMETHODS; m++) {
        memcpy(fill, start, (ngroups + 1) * sizeof *fill);
        for (size_t i = 0; i < n; i++) {
            uint32_t e = res->order[m][i];
            order[m][fill[dense[e]]++] = e;
        }
        for (size_t g = 0; g < ngroups; g++)
            place(res->entries, order[m] + start[g], start[g + 1] - start[g], m, true, res->tie_z,
                  eps);
        res->group_order[m] = order[m];
    }
    res->ngroups = ngroups;

done:
    free(tmp);
    free(dense);
    free(start);
    free(fill);
    return rc;
}

/* Flag the borderline entries of one ranking seq (best first); returns how many. */
static size_t flag_line(const edx_scoring_result *res, int m, const uint32_t *seq, size_t n,
                        size_t places, uint8_t *flags)
{
    if (places == 0 || n <= places) return 0;
    double line =
        (res->entries[seq[places - 1]].m[m].score + res->entries[seq[places]].m[m].score) / 2;
    double eps = REL_EPS * (res->scale_max - res->scale_min);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const edx_scoring_value *v = &res->entries[seq[i]].m[m];
        double d = fabs(v->score - line);
        if (d <= eps || d <= res->tie_z * v->se) {
            flags[seq[i]] = 1;
            count++;
        }
    }
    return count;
}

size_t edx_scoring_borderline(const edx_scoring_result *res, edx_scoring_method m, size_t places,
                              bool by_group, uint8_t *flags)
{
    size_t n = res->nentries, count = 0;
    memset(flags, 0, n);
    if ((unsigned)m >= EDX_SCORING_NMETHODS) return 0;
    if (!by_group) return flag_line(res, m, res->order[m], n, places, flags);
    const uint32_t *seq = res->group_order[m];
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && res->entries[seq[b]].group == res->entries[seq[a]].group; b++)
            ;
        count += flag_line(res, m, seq + a, b - a, places, flags);
    }
    return count;
}

int edx_scoring_run(const edx_scoring_input *in, edx_arena *a, edx_scoring_result *out,
                    edx_err *err)
{
    int rc = 0;
    work w = {0};
    edx_scoring_result res = {0};
    double *y = NULL;
    memset(out, 0, sizeof *out);
    if ((rc = check_params(in, err))) goto done;
    w.nentries = in->nentries;
    w.nreviewers = in->nreviewers;
    w.ncards = in->ncards;
    w.lambda = in->lambda > 0 ? in->lambda : EDX_SCORING_LAMBDA_DEFAULT;
    w.eps = REL_EPS * (in->scale_max - in->scale_min);
    if ((rc = load_cards(in, &w, err))) goto done;

    res.nentries = in->nentries;
    res.nreviewers = in->nreviewers;
    res.scale_min = in->scale_min;
    res.scale_max = in->scale_max;
    res.lambda = w.lambda;
    res.tie_z = in->tie_z > 0 ? in->tie_z : 1.0;
    res.entries = edx_arena_calloc(a, in->nentries ? in->nentries : 1, sizeof *res.entries);
    res.reviewers = edx_arena_calloc(a, in->nreviewers ? in->nreviewers : 1, sizeof *res.reviewers);
    y = malloc((w.ncards ? w.ncards : 1) * sizeof *y);
    if (!res.entries || !res.reviewers || !y) {
        rc = edx_err_nomem(err);
        goto done;
    }
    for (size_t e = 0; e < w.nentries; e++)
        res.entries[e].n = w.off[e + 1] - w.off[e];
    for (size_t r = 0; r < w.nreviewers; r++)
        res.reviewers[r].n = w.nrev[r];

    mean_sd(w.s, w.ncards, &res.mean, &res.sd);
    double pooled = entry_means(&w, w.s, res.entries, EDX_SCORING_MEAN);
    trimmed_means(&w, res.entries);
    zscore_means(&w, res.sd, y, res.reviewers, res.entries);
    if ((rc = fit_model(&w, &res, pooled, err))) goto done;
    if ((rc = rank_overall(&res, a, err))) goto done;
    if ((rc = edx_scoring_regroup(&res, in->groups, a, err))) goto done;
    *out = res;

done:
    free(w.off);
    free(w.rev);
    free(w.src);
    free(w.s);
    free(w.nrev);
    free(y);
    return rc;
}
