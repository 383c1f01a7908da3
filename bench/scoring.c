/*
 * scoring.c: time of edx_scoring_run (all four aggregations, standard errors,
 * overall and group rankings, near-tie flags) on a synthetic movement, and how
 * well each method recovers the true quality it was generated from.
 *
 *   bench_scoring [ENTRIES [REVIEWS [CRITERIA [RUNS]]]]    (50000 5 4 5)
 *
 * Two councils are simulated: "national" (every entry gets REVIEWS distinct
 * reviewers drawn from one pool of 1,000) and "provincial" (34 provinces,
 * each with 16 reviewers who only score their province's entries, so the
 * reviewer–entry graph falls apart into 34 components). Scores are
 * quality + reviewer offset + noise, per criterion, rounded to halves and
 * clamped to 0..10. Figures, not pass/fail.
 *
 * Build (from the repository root):
 *   cc -O2 -std=c11 -D_DEFAULT_SOURCE -Isrc bench/scoring.c build/libedudx.a \
 *      -lutf8proc -lm -o bench_scoring   (make bench does this)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "review/scoring.h"

#define PROVINCES 34
#define PER_PROVINCE 16
#define POOL 1000

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* splitmix64: reproducible across runs and machines. */
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_unit(void)
{
    return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_normal(double sd)
{
    double u = rng_unit(), v = rng_unit();
    return sd * sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct synth {
    size_t nentries, nreviewers, ncards, ncriteria;
    edx_scorecard *cards;
    double *scores;  /* ncards * ncriteria */
    double *quality; /* nentries: the truth */
    uint32_t *province, *type;
} synth;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_scoring: out of memory\n");
        exit(1);
    }
    return p;
}

static void synth_make(synth *s, size_t nentries, size_t reviews, size_t ncriteria, int provincial)
{
    size_t pool = provincial ? PROVINCES * PER_PROVINCE : POOL;
    size_t per = provincial ? PER_PROVINCE : POOL;
    if (reviews > per) reviews = per;
    s->nentries = nentries;
    s->nreviewers = pool;
    s->ncriteria = ncriteria;
    s->ncards = nentries * reviews;
    s->cards = xmalloc(s->ncards * sizeof *s->cards);
    s->scores = xmalloc(s->ncards * ncriteria * sizeof *s->scores);
    s->quality = xmalloc(nentries * sizeof *s->quality);
    s->province = xmalloc(nentries * sizeof *s->province);
    s->type = xmalloc(nentries * sizeof *s->type);
    double *offset = xmalloc(pool * sizeof *offset);
    for (size_t r = 0; r < pool; r++)
        offset[r] = rng_normal(0.7);
    uint32_t *pick = xmalloc(reviews * sizeof *pick);
    size_t k = 0;
    for (size_t e = 0; e < nentries; e++) {
        s->province[e] = (uint32_t)(rng_next() % PROVINCES);
        s->type[e] = (uint32_t)(rng_next() % 4);
        s->quality[e] = 6.5 + rng_normal(1.0);
        size_t base = provincial ? s->province[e] * PER_PROVINCE : 0;
        for (size_t i = 0; i < reviews; i++) {
            uint32_t r;
            int again;
            do { /* distinct reviewers */
                r = (uint32_t)(base + rng_next() % per);
                again = 0;
                for (size_t j = 0; j < i; j++)
                    again |= pick[j] == r;
            } while (again);
            pick[i] = r;
            double common = s->quality[e] + offset[r] + rng_normal(0.8);
            double *sc = &s->scores[k * ncriteria];
            for (size_t c = 0; c < ncriteria; c++) {
                double x = round(2 * (common + rng_normal(0.5))) / 2;
                sc[c] = x < 0 ? 0 : x > 10 ? 10 : x;
            }
            s->cards[k] = (edx_scorecard){(uint32_t)e, r, sc};
            k++;
        }
    }
    free(pick);
    free(offset);
}

static void synth_free(synth *s)
{
    free(s->cards);
    free(s->scores);
    free(s->quality);
    free(s->province);
    free(s->type);
}

typedef struct pair {
    double v;
    uint32_t i;
} pair;

static int by_v_desc(const void *pa, const void *pb)
{
    const pair *a = pa, *b = pb;
    return a->v < b->v ? 1 : a->v > b->v ? -1 : (a->i > b->i) - (a->i < b->i);
}

/* Pearson correlation of a method's scores with the truth, and the share of the true top
 * tenth that the method also puts in its top tenth. */
static void accuracy(const synth *s, const edx_scoring_result *res, int m, double *corr,
                     double *top)
{
    size_t n = s->nentries;
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t e = 0; e < n; e++) {
        mx += res->entries[e].m[m].score;
        my += s->quality[e];
    }
    mx /= n;
    my /= n;
    for (size_t e = 0; e < n; e++) {
        double dx = res->entries[e].m[m].score - mx, dy = s->quality[e] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    *corr = sxy / sqrt(sxx * syy);
    size_t tenth = n / 10 ? n / 10 : 1;
    pair *truth = xmalloc(n * sizeof *truth);
    char *in_top = calloc(n, 1);
    for (size_t e = 0; e < n; e++)
        truth[e] = (pair){s->quality[e], (uint32_t)e};
    qsort(truth, n, sizeof *truth, by_v_desc);
    for (size_t i = 0; i < tenth; i++)
        in_top[truth[i].i] = 1;
    size_t hit = 0;
    for (size_t i = 0; i < tenth; i++)
        hit += in_top[res->order[m][i]];
    *top = (double)hit / tenth;
    free(truth);
    free(in_top);
}

static void bench(const char *name, size_t nentries, size_t reviews, size_t ncriteria, int runs,
                  int provincial)
{
    synth s;
    synth_make(&s, nentries, reviews, ncriteria, provincial);
    double weights[16];
    for (size_t c = 0; c < ncriteria && c < 16; c++)
        weights[c] = 1.0 + (double)c; /* 1, 2, 3, 4: unequal on purpose */
    edx_scoring_input in = {
        .cards = s.cards,
        .ncards = s.ncards,
        .nentries = s.nentries,
        .nreviewers = s.nreviewers,
        .ncriteria = ncriteria,
        .weights = ncriteria <= 16 ? weights : NULL,
        .scale_min = 0,
        .scale_max = 10,
        .groups = s.province,
    };
    printf("bench/scoring %-10s %zu entries x %zu reviews x %zu criteria, %zu reviewers%s\n", name,
           nentries, s.ncards / nentries, ncriteria, s.nreviewers,
           provincial ? " in 34 provincial councils" : " in one pool");
    double best = INFINITY, worst = 0, regroup_best = INFINITY;
    edx_scoring_result res = {0};
    edx_arena a;
    edx_err err;
    edx_arena_init(&a, 1 << 20);
    for (int i = 0; i < runs; i++) {
        edx_arena_free(&a); /* the previous run's result; the last one is kept */
        double t0 = now();
        if (edx_scoring_run(&in, &a, &res, &err)) {
            fprintf(stderr, "bench_scoring: %s\n", err.message);
            exit(1);
        }
        double t1 = now();
        if (edx_scoring_regroup(&res, s.type, &a, &err)) {
            fprintf(stderr, "bench_scoring: %s\n", err.message);
            exit(1);
        }
        double t2 = now();
        best = fmin(best, t1 - t0);
        worst = fmax(worst, t1 - t0);
        regroup_best = fmin(regroup_best, t2 - t1);
    }
    printf("bench/scoring %-10s run (4 methods, se, ranks overall + by province, near-ties): "
           "best %.1f ms, worst %.1f ms over %d runs\n",
           "", best * 1e3, worst * 1e3, runs);
    printf("bench/scoring %-10s regroup by unit type: %.1f ms; model: %d CG steps, %s, "
           "%zu components, lambda %g, residual sd %.3f; arena %.1f MiB\n",
           "", regroup_best * 1e3, res.iterations, res.converged ? "converged" : "NOT converged",
           res.components, res.lambda, res.sigma, (double)a.total / (1 << 20));
    size_t near = 0;
    for (size_t e = 0; e < nentries; e++)
        near += res.entries[e].m[EDX_SCORING_MODEL].near_tie != 0;
    printf("bench/scoring %-10s vs true quality (correlation / share of the true top tenth kept):",
           "");
    for (int m = 0; m < EDX_SCORING_NMETHODS; m++) {
        double corr, top;
        accuracy(&s, &res, m, &corr, &top);
        printf(" %s %.3f/%.1f%%", edx_scoring_method_name((edx_scoring_method)m), corr, top * 100);
    }
    uint8_t *flags = xmalloc(nentries);
    size_t line = edx_scoring_borderline(&res, EDX_SCORING_MODEL, nentries / 10, false, flags);
    size_t per_group = nentries / 10 / PROVINCES ? nentries / 10 / PROVINCES : 1;
    size_t gline = edx_scoring_borderline(&res, EDX_SCORING_MODEL, per_group, true, flags);
    printf("\nbench/scoring %-10s model: adjacent near-ties %.1f%% of entries; borderline at the "
           "top-tenth line %zu (%.1f%%), at %zu awards per province %zu\n",
           "", 100.0 * near / nentries, line, 100.0 * line / nentries, per_group, gline);
    free(flags);
    edx_arena_free(&a);
    synth_free(&s);
}

int main(int argc, char **argv)
{
    size_t nentries = argc > 1 ? strtoul(argv[1], NULL, 10) : 50000;
    size_t reviews = argc > 2 ? strtoul(argv[2], NULL, 10) : 5;
    size_t ncriteria = argc > 3 ? strtoul(argv[3], NULL, 10) : 4;
    int runs = argc > 4 ? atoi(argv[4]) : 5;
    if (!nentries || !reviews || !ncriteria || runs < 1) {
        fprintf(stderr, "usage: bench_scoring [ENTRIES [REVIEWS [CRITERIA [RUNS]]]]\n");
        return 2;
    }
    bench("national", nentries, reviews, ncriteria, runs, 0);
    bench("provincial", nentries, reviews, ncriteria, runs, 1);
    return 0;
}
