/*
 * Unit tests of src/review/scoring.c: the four aggregations, their standard
 * errors, rankings and near-tie flags, each against a case worked by hand
 * (the arithmetic is in the comments), and every bad input.
 *
 * Scores use a 0..10 scale and one criterion unless a test says otherwise.
 * Entries are E0, E1...; reviewers R0, R1... (or A, B, C where named).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "review/scoring.h"

enum {
    MEAN = EDX_SCORING_MEAN,
    TRIM = EDX_SCORING_TRIMMED,
    ZS = EDX_SCORING_ZSCORE,
    MODEL = EDX_SCORING_MODEL
};

#define MAXCARDS 256
#define MAXCRIT 4

/* A council being built up: scorecards plus the input that points at them. */
typedef struct council {
    edx_scorecard cards[MAXCARDS];
    double scores[MAXCARDS][MAXCRIT];
    edx_scoring_input in;
    edx_arena arena;
    edx_scoring_result res;
    edx_err err;
} council;

static council *council_new(size_t nentries, size_t nreviewers, size_t ncriteria)
{
    council *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->in.cards = c->cards;
    c->in.nentries = nentries;
    c->in.nreviewers = nreviewers;
    c->in.ncriteria = ncriteria;
    c->in.scale_min = 0;
    c->in.scale_max = 10;
    edx_arena_init(&c->arena, 0);
    return c;
}

static void council_free(council *c)
{
    edx_arena_free(&c->arena);
    free(c);
}

/* A scorecard with ncriteria scores (as many doubles as the council has criteria). */
static void card(council *c, uint32_t entry, uint32_t reviewer, ...)
{
    size_t k = c->in.ncards++;
    assert_true(k < MAXCARDS);
    va_list ap;
    va_start(ap, reviewer);
    for (size_t j = 0; j < c->in.ncriteria; j++)
        c->scores[k][j] = va_arg(ap, double);
    va_end(ap);
    c->cards[k] = (edx_scorecard){entry, reviewer, c->scores[k]};
}

static void run_ok(council *c)
{
    int rc = edx_scoring_run(&c->in, &c->arena, &c->res, &c->err);
    if (rc) fail_msg("edx_scoring_run: %d %s (%s)", rc, c->err.message, c->err.field);
}

/* Expect EDX_EINVAL naming `field`, with `words` in the message; *out zeroed. */
static void run_rejects(council *c, const char *field, const char *words)
{
    edx_err_clear(&c->err);
    memset(&c->res, 0xAB, sizeof c->res);
    assert_int_equal(edx_scoring_run(&c->in, &c->arena, &c->res, &c->err), EDX_EINVAL);
    assert_string_equal(c->err.code, "invalid_field");
    assert_string_equal(c->err.field, field);
    if (!strstr(c->err.message, words))
        fail_msg("message \"%s\" lacks \"%s\"", c->err.message, words);
    assert_null(c->res.entries);
    assert_int_equal(c->res.nentries, 0);
}

#define assert_near(got, want) assert_near_at((got), (want), #got, __LINE__)
static void assert_near_at(double got, double want, const char *what, int line)
{
    if (!(fabs(got - want) <= 1e-9 * (1 + fabs(want))))
        fail_msg("line %d: %s = %.12g, want %.12g", line, what, got, want);
}

static const edx_scoring_value *val(const council *c, uint32_t entry, int m)
{
    return &c->res.entries[entry].m[m];
}

static void test_criteria_weights_make_each_scorecard_a_weighted_mean(void **state)
{
    (void)state;
    council *c = council_new(2, 2, 2);
    double w[2] = {3, 1};
    c->in.weights = w;
    /* E0: R0 (8, 4) -> (3*8 + 1*4) / 4 = 7;  R1 (10, 6) -> (30 + 6) / 4 = 9.
     *     mean 8; sample sd sqrt(((7-8)^2 + (9-8)^2) / 1) = sqrt 2; se sqrt 2 / sqrt 2 = 1.
     * E1: R0 (5, 5) -> 5, a single review: se borrows the pooled within-entry sd,
     *     sqrt(2 / 1) from E0 alone. */
    card(c, 0, 0, 8.0, 4.0);
    card(c, 0, 1, 10.0, 6.0);
    card(c, 1, 0, 5.0, 5.0);
    run_ok(c);
    assert_int_equal(c->res.entries[0].n, 2);
    assert_near(val(c, 0, MEAN)->score, 8);
    assert_near(val(c, 0, MEAN)->se, 1);
    assert_near(val(c, 1, MEAN)->score, 5);
    assert_near(val(c, 1, MEAN)->se, sqrt(2));
    assert_false(c->res.entries[0].trimmed);
    assert_near(val(c, 0, TRIM)->score, 8);
    assert_near(val(c, 0, TRIM)->se, 1);
    council_free(c);

    /* No weights: equal. E0: R0 (8+4)/2 = 6, R1 (10+6)/2 = 8 -> mean 7. */
    c = council_new(1, 2, 2);
    card(c, 0, 0, 8.0, 4.0);
    card(c, 0, 1, 10.0, 6.0);
    run_ok(c);
    assert_near(val(c, 0, MEAN)->score, 7);
    council_free(c);
}

static void test_trimmed_mean_drops_one_high_and_one_low_from_five_reviews(void **state)
{
    (void)state;
    council *c = council_new(3, 5, 1);
    /* E0: 2, 7, 8, 9, 10.
     *   mean 36/5 = 7.2; deviations -5.2 -.2 .8 1.8 2.8, squares sum 38.8, s^2 = 38.8/4 = 9.7,
     *   se = sqrt(9.7/5).
     *   trimmed: drop 2 and 10 -> (7+8+9)/3 = 8.
     *   winsorised: 7 7 8 9 9, mean 8, squares 1+1+0+1+1 = 4, s_w = sqrt(4/4) = 1,
     *   se = s_w * sqrt(5) / (5-2) = sqrt(5)/3.
     * E1: 10, 10, 10, 2, 2 (ties at both ends: one of each is dropped).
     *   trimmed (10+10+2)/3 = 22/3; winsorised values unchanged: mean 34/5 = 6.8,
     *   squares 3*3.2^2 + 2*4.8^2 = 30.72 + 46.08 = 76.8, s_w = sqrt(76.8/4),
     *   se = s_w * sqrt(5)/3.
     * E2: four reviews 2, 7, 8, 9: nothing dropped, TRIMMED = MEAN = 26/4 = 6.5;
     *   squares 20.25+.25+2.25+6.25 = 29, se = sqrt(29/3)/2. */
    const double e0[] = {2, 7, 8, 9, 10}, e1[] = {10, 10, 10, 2, 2}, e2[] = {2, 7, 8, 9};
    for (uint32_t r = 0; r < 5; r++) {
        card(c, 0, r, e0[r]);
        card(c, 1, r, e1[r]);
        if (r < 4) card(c, 2, r, e2[r]);
    }
    run_ok(c);
    assert_true(c->res.entries[0].trimmed);
    assert_near(val(c, 0, MEAN)->score, 7.2);
    assert_near(val(c, 0, MEAN)->se, sqrt(9.7 / 5));
    assert_near(val(c, 0, TRIM)->score, 8);
    assert_near(val(c, 0, TRIM)->se, sqrt(5) / 3);
    assert_true(c->res.entries[1].trimmed);
    assert_near(val(c, 1, TRIM)->score, 22.0 / 3);
    assert_near(val(c, 1, TRIM)->se, sqrt(76.8 / 4) * sqrt(5) / 3);
    assert_false(c->res.entries[2].trimmed);
    assert_near(val(c, 2, MEAN)->score, 6.5);
    assert_near(val(c, 2, MEAN)->se, sqrt(29.0 / 3) / 2);
    assert_near(val(c, 2, TRIM)->score, 6.5);
    assert_near(val(c, 2, TRIM)->se, val(c, 2, MEAN)->se);
    /* TRIMMED order: E0 (8), E1 (22/3), E2 (6.5). */
    assert_int_equal(val(c, 0, TRIM)->rank, 1);
    assert_int_equal(val(c, 1, TRIM)->rank, 2);
    assert_int_equal(val(c, 2, TRIM)->rank, 3);
    council_free(c);
}

static void test_zscore_puts_a_harsh_and_a_lenient_reviewer_on_one_scale(void **state)
{
    (void)state;
    council *c = council_new(4, 2, 1);
    /* Harsh R0 gives E0 4, E1 6 (mu 5, sd 1); lenient R1 gives E2 8, E3 10 (mu 9, sd 1).
     * z: E0 -1, E1 +1, E2 -1, E3 +1.
     * Mean z from -1 to +1 maps onto the raw means' range 4..10: slope 6/2 = 3,
     *   score = 4 + 3 * (z + 1): E0 = E2 = 4, E1 = E3 = 10.
     * No entry has two reviews, so se falls back to the sd of all values: for the raw means
     *   sqrt(((4-7)^2 + (6-7)^2 + (8-7)^2 + (10-7)^2)/4) = sqrt 5; for z, sd 1 times slope 3. */
    card(c, 0, 0, 4.0);
    card(c, 1, 0, 6.0);
    card(c, 2, 1, 8.0);
    card(c, 3, 1, 10.0);
    run_ok(c);
    assert_near(c->res.mean, 7);
    assert_near(c->res.sd, sqrt(5));
    assert_near(c->res.reviewers[0].mean, 5);
    assert_near(c->res.reviewers[0].sd, 1);
    assert_near(c->res.reviewers[1].mean, 9);
    assert_near(val(c, 0, ZS)->score, 4);
    assert_near(val(c, 1, ZS)->score, 10);
    assert_near(val(c, 2, ZS)->score, 4);
    assert_near(val(c, 3, ZS)->score, 10);
    assert_near(val(c, 0, ZS)->se, 3);
    assert_near(val(c, 0, MEAN)->se, sqrt(5));
    /* Raw: E3 E2 E1 E0. Normalised: E1 = E3 first, E0 = E2 third. */
    assert_int_equal(val(c, 3, MEAN)->rank, 1);
    assert_int_equal(val(c, 0, MEAN)->rank, 4);
    assert_int_equal(val(c, 1, ZS)->rank, 1);
    assert_int_equal(val(c, 3, ZS)->rank, 1);
    assert_int_equal(val(c, 0, ZS)->rank, 3);
    assert_int_equal(val(c, 2, ZS)->rank, 3);
    assert_int_equal(c->res.order[ZS][0], 1); /* ties keep entry order */
    assert_int_equal(c->res.order[ZS][1], 3);
    council_free(c);
}

static void test_zscore_maps_onto_the_raw_range_without_clamping(void **state)
{
    (void)state;
    council *c = council_new(6, 2, 1);
    /* R0 gives E0..E3 9 9 9 10: mu 9.25, sd sqrt((3*.0625 + .5625)/4) = sqrt(.1875);
     *   z(9) = -.25/sqrt(.1875) = -1/sqrt 3, z(10) = +sqrt 3.
     * R1 gives E4 5, E5 9: mu 7, sd 2, z -1 / +1.
     * Mean z from -1 (E4) to sqrt 3 (E3) maps onto the raw range 5..10:
     *   slope 5/(sqrt 3 + 1) = 1.830, score = 5 + slope * (z + 1):
     *   E3 10, E5 5 + 2 slope = 8.660, E0..E2 5 + (1 - 1/sqrt 3) slope = 5.774, E4 5.
     * Rescaling each score around the overall mean and clamping it to the scale would put
     * E3 and E5 both at 10; the linear map keeps E3, its reviewer's clear best, alone on top. */
    const double s0[] = {9, 9, 9, 10};
    for (uint32_t e = 0; e < 4; e++)
        card(c, e, 0, s0[e]);
    card(c, 4, 1, 5.0);
    card(c, 5, 1, 9.0);
    run_ok(c);
    double slope = 5 / (sqrt(3) + 1);
    assert_near(val(c, 0, ZS)->score, 5 + (1 - 1 / sqrt(3)) * slope);
    assert_near(val(c, 3, ZS)->score, 10);
    assert_near(val(c, 4, ZS)->score, 5);
    assert_near(val(c, 5, ZS)->score, 5 + 2 * slope);
    assert_int_equal(val(c, 3, ZS)->rank, 1);
    assert_int_equal(val(c, 5, ZS)->rank, 2);
    assert_int_equal(val(c, 0, ZS)->rank, 3);
    assert_int_equal(val(c, 2, ZS)->rank, 3);
    assert_int_equal(val(c, 4, ZS)->rank, 6);
    council_free(c);
}

static void test_zscore_treats_flat_and_single_score_reviewers_as_average(void **state)
{
    (void)state;
    council *c = council_new(6, 3, 1);
    /* R0 gives E0..E2 0.1 each: no spread (its computed sd is rounding noise below 1e-9 of
     *   the scale, which counts as zero), so z = 0.
     * R1 gives only E3 2: one score, z = 0.
     * R2 gives E4 6, E5 8: mu 7, sd 1, z -1 / +1.
     * Mean z from -1 to +1 maps onto the raw range .1..8: slope 7.9/2 = 3.95,
     *   E0..E3 .1 + 3.95 = 4.05, E4 .1, E5 8. */
    for (uint32_t e = 0; e < 3; e++)
        card(c, e, 0, 0.1);
    card(c, 3, 1, 2.0);
    card(c, 4, 2, 6.0);
    card(c, 5, 2, 8.0);
    run_ok(c);
    assert_true(c->res.reviewers[0].sd < 1e-9);
    for (uint32_t e = 0; e < 4; e++)
        assert_near(val(c, e, ZS)->score, 4.05);
    assert_near(val(c, 4, ZS)->score, 0.1);
    assert_near(val(c, 5, ZS)->score, 8);
    /* The four in the middle tie. */
    assert_int_equal(val(c, 0, ZS)->rank, 2);
    assert_int_equal(val(c, 3, ZS)->rank, 2);
    council_free(c);
}

/*
 * The worked example of docs/scoring.md. A is lenient (+1), B harsh (-1), C fair; true
 * qualities E0 7, E1 7, E2 6, E3 8; every score is quality + offset, without noise:
 *
 *          A    B    C    raw mean
 *   E0     8    .    7    7.5
 *   E1     .    6    7    6.5
 *   E2     7    5    .    6.0
 *   E3     .    7    8    7.5
 */
static council *worked_example(double lambda)
{
    council *c = council_new(4, 3, 1);
    enum { A, B, C };
    card(c, 0, A, 8.0);
    card(c, 0, C, 7.0);
    card(c, 1, B, 6.0);
    card(c, 1, C, 7.0);
    card(c, 2, A, 7.0);
    card(c, 2, B, 5.0);
    card(c, 3, B, 7.0);
    card(c, 3, C, 8.0);
    c->in.lambda = lambda;
    run_ok(c);
    return c;
}

static void test_worked_example_raw_means_and_their_near_ties(void **state)
{
    (void)state;
    council *c = worked_example(0);
    /* se: E0 (8,7) sd sqrt .5 -> .5; E1 .5; E2 (7,5) sd sqrt 2 -> 1; E3 .5.
     * Order E0 = E3 (7.5), E1 (6.5), E2 (6).
     * E0-E3: difference 0, an exact tie.
     * E3-E1: 1 > sqrt(.25 + .25) = .71, apart.
     * E1-E2: .5 <= sqrt(.25 + 1) = 1.12, a near-tie. */
    assert_near(val(c, 0, MEAN)->score, 7.5);
    assert_near(val(c, 2, MEAN)->score, 6);
    assert_near(val(c, 0, MEAN)->se, 0.5);
    assert_near(val(c, 2, MEAN)->se, 1);
    assert_int_equal(val(c, 0, MEAN)->rank, 1);
    assert_int_equal(val(c, 3, MEAN)->rank, 1);
    assert_int_equal(val(c, 1, MEAN)->rank, 3);
    assert_int_equal(val(c, 2, MEAN)->rank, 4);
    assert_int_equal(val(c, 0, MEAN)->near_tie, EDX_SCORING_TIE_BELOW);
    assert_int_equal(val(c, 3, MEAN)->near_tie, EDX_SCORING_TIE_ABOVE);
    assert_int_equal(val(c, 1, MEAN)->near_tie, EDX_SCORING_TIE_BELOW);
    assert_int_equal(val(c, 2, MEAN)->near_tie, EDX_SCORING_TIE_ABOVE);
    council_free(c);
}

static void test_worked_example_zscores(void **state)
{
    (void)state;
    council *c = worked_example(0);
    /* A: 8 7, mu 7.5, sd .5            -> z E0 +1, E2 -1.
     * B: 6 5 7, mu 6, sd sqrt(2/3)     -> z E1 0, E2 -sqrt(3/2), E3 +sqrt(3/2).
     * C: 7 7 8, mu 22/3, sd sqrt(2)/3  -> z E0 -1/sqrt 2, E1 -1/sqrt 2, E3 +sqrt 2.
     * Mean z:  E0 (1 - .7071)/2 = .1464     E1 (0 - .7071)/2 = -.3536
     *          E2 (-1 - 1.2247)/2 = -1.1124 E3 (1.2247 + 1.4142)/2 = 1.3195
     * mapped from [-1.1124, 1.3195] onto the raw range [6, 7.5]: slope 1.5/2.4319 = .6168,
     *   E0 6.776, E1 6.468, E2 6, E3 7.5: E3 leads alone, E0 second.
     * se: two z values per entry, se = |z1 - z2|/2 * slope, e.g. E0 (1 + .7071)/2 * .6168. */
    double n0 = (1 - 1 / sqrt(2)) / 2, n1 = -1 / sqrt(2) / 2, n2 = (-1 - sqrt(1.5)) / 2,
           n3 = (sqrt(1.5) + sqrt(2)) / 2, slope = 1.5 / (n3 - n2);
    assert_near(c->res.reviewers[1].sd, sqrt(2.0 / 3));
    assert_near(c->res.reviewers[2].mean, 22.0 / 3);
    assert_near(val(c, 0, ZS)->score, 6 + (n0 - n2) * slope);
    assert_near(val(c, 1, ZS)->score, 6 + (n1 - n2) * slope);
    assert_near(val(c, 2, ZS)->score, 6);
    assert_near(val(c, 3, ZS)->score, 7.5);
    assert_near(val(c, 0, ZS)->se, (1 + 1 / sqrt(2)) / 2 * slope);
    assert_int_equal(c->res.order[ZS][0], 3);
    assert_int_equal(c->res.order[ZS][1], 0);
    assert_int_equal(c->res.order[ZS][2], 1);
    assert_int_equal(c->res.order[ZS][3], 2);
    council_free(c);
}

static void test_worked_example_model_with_the_default_ridge(void **state)
{
    (void)state;
    council *c = worked_example(0);
    /* lambda 2. Eliminating q leaves S b = rhs over reviewers A, B, C:
     *   S = diag(n_r + lambda) - sum over entries of (1/n_e) for each pair sharing it:
     *       A: 2+2 - 2/2 = 3     B: 3+2 - 3/2 = 3.5    C: 3.5
     *       A-B share E2: -.5    A-C share E0: -.5     B-C share E1, E3: -1
     *   rhs_r = sum of (s - raw mean): A (8-7.5)+(7-6) = 1.5, B -.5-1-.5 = -2, C -.5+.5+.5 = .5
     * Offsets sum to zero (the columns of S sum to lambda, rhs sums to 0), c = -a - b:
     *   row A: 3a - .5b - .5(-a-b) = 3.5a = 1.5             -> a = 3/7
     *   row B: -.5a + 3.5b - (-a-b) = .5a + 4.5b = -2       -> b = -31/63
     *   c = -27/63 + 31/63 = 4/63
     * q_e = mean of s - b:  E0 (8 - 27/63 + 7 - 4/63)/2 = 7.5 - 31/126 = 7.2540
     *                       E1 (6 + 31/63 + 7 - 4/63)/2 = 6.5 + 27/126 = 6.7143
     *                       E2 (7 - 27/63 + 5 + 31/63)/2 = 6 + 2/63    = 6.0317
     *                       E3 (7 + 31/63 + 8 - 4/63)/2 = 7.5 + 27/126 = 7.7143
     * Residuals are +-20/63 (E0), +-14/63 (E1, E3), +-34/63 (E2): RSS 2*1948/3969;
     *   df = 8 - 4 - (3 - 1) = 2, sigma = sqrt(1948)/63 = .7006.
     * se_e = sigma sqrt(1/2 + (sum over its reviewers of n_r/(n_r+2)^2)/4) with
     *   n_r/(n_r+2)^2 = 2/16 for A, 3/25 for B and C:
     *   E0, E2: sigma sqrt(.5 + .245/4);  E1, E3: sigma sqrt(.5 + .24/4). */
    const edx_scoring_reviewer *r = c->res.reviewers;
    assert_near(r[0].offset, 3.0 / 7);
    assert_near(r[1].offset, -31.0 / 63);
    assert_near(r[2].offset, 4.0 / 63);
    assert_near(val(c, 0, MODEL)->score, 7.5 - 31.0 / 126);
    assert_near(val(c, 1, MODEL)->score, 6.5 + 27.0 / 126);
    assert_near(val(c, 2, MODEL)->score, 6 + 2.0 / 63);
    assert_near(val(c, 3, MODEL)->score, 7.5 + 27.0 / 126);
    double sigma = sqrt(1948.0) / 63;
    assert_near(c->res.sigma, sigma);
    assert_near(val(c, 0, MODEL)->se, sigma * sqrt(0.5 + 0.245 / 4));
    assert_near(val(c, 1, MODEL)->se, sigma * sqrt(0.5 + 0.24 / 4));
    /* E3 7.71, E0 7.25, E1 6.71, E2 6.03; neighbours are .46 to .68 apart, within
     * sqrt(.525^2 + .524^2) = .74: with two reviews each the council cannot separate them. */
    assert_int_equal(c->res.order[MODEL][0], 3);
    assert_int_equal(c->res.order[MODEL][3], 2);
    for (uint32_t e = 0; e < 4; e++)
        assert_true(val(c, e, MODEL)->near_tie != 0);
    council_free(c);
}

static void test_model_recovers_a_harsh_and_a_lenient_reviewer(void **state)
{
    (void)state;
    /* With a vanishing ridge the model is the exact fixed-effects fit with offsets summing to
     * zero: A +1, B -1, C 0 and the true qualities 7 7 6 8, no residual (sigma 0, se 0).
     * E1, pushed down by harsh B in the raw mean, ties E0 again. */
    council *c = worked_example(1e-9);
    assert_true(c->res.converged);
    assert_int_equal(c->res.components, 1);
    assert_near(c->res.lambda, 1e-9);
    assert_true(fabs(c->res.reviewers[0].offset - 1) < 1e-6);
    assert_true(fabs(c->res.reviewers[1].offset + 1) < 1e-6);
    assert_true(fabs(c->res.reviewers[2].offset) < 1e-6);
    const double q[] = {7, 7, 6, 8};
    for (uint32_t e = 0; e < 4; e++) {
        assert_true(fabs(val(c, e, MODEL)->score - q[e]) < 1e-6);
        assert_true(val(c, e, MODEL)->se < 1e-6);
    }
    assert_true(c->res.sigma < 1e-6);
    assert_int_equal(val(c, 3, MODEL)->rank, 1);
    assert_int_equal(val(c, 2, MODEL)->rank, 4);
    assert_true(val(c, 0, MODEL)->near_tie & EDX_SCORING_TIE_BELOW);
    assert_true(val(c, 1, MODEL)->near_tie & EDX_SCORING_TIE_ABOVE);
    council_free(c);
}

static void test_model_shrinks_offsets_by_the_ridge(void **state)
{
    (void)state;
    /* Both reviewers score both entries:  A: E0 8, E1 6;  B: E0 6, E1 4.
     * In a complete design q_e is the entry's mean (7, 5) and
     * b_r = N/(N + lambda) * (reviewer mean - grand mean) with N = 2 entries:
     *   lambda 1: A 2/3 * (7 - 6) = 2/3, B -2/3.
     * Check with the normal equation of A: (n_A + lambda) b_A = sum(s - q) = (8-7) + (6-5) = 2.
     * Residuals 8-7-2/3 = 1/3, 6-7+2/3 = -1/3, 6-5-2/3 = 1/3, 4-5+2/3 = -1/3: RSS 4/9;
     *   df = 4 scorecards - 2 entries - (2 reviewers - 1 component) = 1, sigma = 2/3.
     * se_e = sigma * sqrt(1/n_e + sum_r n_r/(n_r+lambda)^2 / n_e^2)
     *      = 2/3 * sqrt(1/2 + (2/9 + 2/9)/4) = 2/3 * sqrt(11/18). */
    council *c = council_new(2, 2, 1);
    card(c, 0, 0, 8.0);
    card(c, 1, 0, 6.0);
    card(c, 0, 1, 6.0);
    card(c, 1, 1, 4.0);
    c->in.lambda = 1;
    run_ok(c);
    assert_near(c->res.reviewers[0].offset, 2.0 / 3);
    assert_near(c->res.reviewers[1].offset, -2.0 / 3);
    assert_near(val(c, 0, MODEL)->score, 7);
    assert_near(val(c, 1, MODEL)->score, 5);
    assert_near(c->res.sigma, 2.0 / 3);
    assert_near(val(c, 0, MODEL)->se, 2.0 / 3 * sqrt(11.0 / 18));
    assert_true(c->res.iterations >= 1);

    /* lambda 0 means the default, 2: b_A = 2/(2+2) * 1 = .5. */
    c->in.lambda = 0;
    run_ok(c);
    assert_near(c->res.lambda, EDX_SCORING_LAMBDA_DEFAULT);
    assert_near(c->res.reviewers[0].offset, 0.5);
    assert_near(c->res.reviewers[1].offset, -0.5);
    council_free(c);
}

static void test_model_solution_satisfies_its_normal_equations(void **state)
{
    (void)state;
    /* An irregular design: 40 entries with 1 to 4 reviews drawn from two councils of 6 that
     * share no entry, integer scores from a fixed pseudo-random sequence. At the minimum of
     * sum (s - q_e - b_r)^2 + lambda sum b_r^2 the gradient vanishes:
     *   for every entry     sum over its cards     (s - q_e - b_r)            = 0
     *   for every reviewer  sum over its cards     (s - q_e - b_r) - lambda b_r = 0 */
    council *c = council_new(40, 12, 1);
    uint32_t x = 12345;
    for (uint32_t e = 0; e < 40; e++) {
        uint32_t base = e < 20 ? 0 : 6, n = 1 + e % 4, first = (e * 7) % 6;
        for (uint32_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            card(c, e, base + (first + i) % 6, (double)((x >> 16) % 11));
        }
    }
    c->in.lambda = 0.5;
    run_ok(c);
    assert_true(c->res.converged);
    assert_int_equal(c->res.components, 2);
    double ge[40] = {0}, gr[12] = {0};
    for (size_t k = 0; k < c->in.ncards; k++) {
        const edx_scorecard *sc = &c->cards[k];
        double resid =
            sc->scores[0] - val(c, sc->entry, MODEL)->score - c->res.reviewers[sc->reviewer].offset;
        ge[sc->entry] += resid;
        gr[sc->reviewer] += resid;
    }
    for (size_t e = 0; e < 40; e++)
        if (fabs(ge[e]) > 1e-9) fail_msg("entry %zu: gradient %g", e, ge[e]);
    for (size_t r = 0; r < 12; r++) {
        double g = gr[r] - 0.5 * c->res.reviewers[r].offset;
        if (fabs(g) > 1e-9) fail_msg("reviewer %zu: gradient %g", r, g);
    }
    council_free(c);
}

static void test_model_reports_councils_that_share_no_entry(void **state)
{
    (void)state;
    /* R0, R1 score E0, E1; R2, R3 score E2, E3; R4 scores nothing. Two components, each with
     * offsets summing to zero; R4 has none and offset 0. */
    council *c = council_new(4, 5, 1);
    card(c, 0, 0, 9.0);
    card(c, 0, 1, 7.0);
    card(c, 1, 0, 6.0);
    card(c, 1, 1, 5.0);
    card(c, 2, 2, 3.0);
    card(c, 2, 3, 4.0);
    card(c, 3, 2, 8.0);
    card(c, 3, 3, 8.5);
    run_ok(c);
    const edx_scoring_reviewer *r = c->res.reviewers;
    assert_int_equal(c->res.components, 2);
    assert_int_equal(r[0].component, r[1].component);
    assert_int_equal(r[2].component, r[3].component);
    assert_true(r[0].component != r[2].component);
    assert_int_equal(r[4].component, UINT32_MAX);
    assert_int_equal(r[4].n, 0);
    assert_near(r[4].offset, 0);
    assert_true(fabs(r[0].offset + r[1].offset) < 1e-12);
    assert_true(fabs(r[2].offset + r[3].offset) < 1e-12);
    assert_true(r[0].offset > 0); /* R0 scored higher than R1 on both */
    council_free(c);
}

static void test_near_ties_flag_differences_within_the_uncertainty(void **state)
{
    (void)state;
    council *c = council_new(4, 8, 1);
    /* E0: 8, 9     mean 8.5,  sd sqrt .5,     se .5
     * E1: 8, 8.5   mean 8.25, sd sqrt .125,   se .25
     * E2: 6, 6     mean 6,    se 0
     * E3: 6, 6     mean 6,    se 0
     * E0-E1: .25 <= sqrt(.25 + .0625) = .559 -> near-tie.
     * E1-E2: 2.25 > sqrt(.0625) = .25      -> apart.
     * E2-E3: equal, both third -> tie. */
    card(c, 0, 0, 8.0);
    card(c, 0, 1, 9.0);
    card(c, 1, 2, 8.0);
    card(c, 1, 3, 8.5);
    card(c, 2, 4, 6.0);
    card(c, 2, 5, 6.0);
    card(c, 3, 6, 6.0);
    card(c, 3, 7, 6.0);
    run_ok(c);
    assert_near(val(c, 1, MEAN)->se, 0.25);
    assert_int_equal(val(c, 0, MEAN)->near_tie, EDX_SCORING_TIE_BELOW);
    assert_int_equal(val(c, 1, MEAN)->near_tie, EDX_SCORING_TIE_ABOVE);
    assert_int_equal(val(c, 2, MEAN)->near_tie, EDX_SCORING_TIE_BELOW);
    assert_int_equal(val(c, 3, MEAN)->near_tie, EDX_SCORING_TIE_ABOVE);
    assert_int_equal(val(c, 2, MEAN)->rank, 3);
    assert_int_equal(val(c, 3, MEAN)->rank, 3);
    /* Narrower: .4 * .559 = .224 < .25, E0 and E1 are apart; the exact tie stays. */
    c->in.tie_z = 0.4;
    run_ok(c);
    assert_near(c->res.tie_z, 0.4);
    assert_int_equal(val(c, 0, MEAN)->near_tie, 0);
    assert_int_equal(val(c, 1, MEAN)->near_tie, 0);
    assert_int_equal(val(c, 2, MEAN)->near_tie, EDX_SCORING_TIE_BELOW);
    council_free(c);
}

static void test_borderline_flags_entries_that_could_fall_either_side_of_the_line(void **state)
{
    (void)state;
    council *c = council_new(4, 8, 1);
    /* The near-tie council again: E0 8.5 (se .5), E1 8.25 (se .25), E2 6 (se 0), E3 6 (se 0).
     * 1 award: line (8.5 + 8.25)/2 = 8.375; E0 .125 <= .5 and E1 .125 <= .25 borderline,
     *          E2 and E3 2.375 away with se 0 are not.
     * 2 awards: line (8.25 + 6)/2 = 7.125; E0 1.375 > .5, E1 1.125 > .25, E2 E3 1.125 > 0:
     *          a clear line.
     * 3 awards: line (6 + 6)/2 = 6: E2 and E3 sit on it.
     * 4 awards: everyone is awarded, no line.
     * By group {E0, E1} {E2, E3} with 1 award each: lines 8.375 and 6, all four borderline. */
    card(c, 0, 0, 8.0);
    card(c, 0, 1, 9.0);
    card(c, 1, 2, 8.0);
    card(c, 1, 3, 8.5);
    card(c, 2, 4, 6.0);
    card(c, 2, 5, 6.0);
    card(c, 3, 6, 6.0);
    card(c, 3, 7, 6.0);
    const uint32_t groups[] = {0, 0, 1, 1};
    c->in.groups = groups;
    run_ok(c);
    uint8_t f[4];
    assert_int_equal(edx_scoring_borderline(&c->res, EDX_SCORING_MEAN, 1, false, f), 2);
    assert_true(f[0] && f[1] && !f[2] && !f[3]);
    assert_int_equal(edx_scoring_borderline(&c->res, EDX_SCORING_MEAN, 2, false, f), 0);
    assert_int_equal(edx_scoring_borderline(&c->res, EDX_SCORING_MEAN, 3, false, f), 2);
    assert_true(!f[0] && !f[1] && f[2] && f[3]);
    assert_int_equal(edx_scoring_borderline(&c->res, EDX_SCORING_MEAN, 4, false, f), 0);
    assert_int_equal(edx_scoring_borderline(&c->res, EDX_SCORING_MEAN, 0, false, f), 0);
    assert_int_equal(edx_scoring_borderline(&c->res, EDX_SCORING_MEAN, 1, true, f), 4);
    assert_int_equal(edx_scoring_borderline(&c->res, EDX_SCORING_MEAN, 2, true, f), 0);
    council_free(c);
}

static void test_group_ranks_share_places_on_ties(void **state)
{
    (void)state;
    council *c = council_new(5, 1, 1);
    /* One reviewer: E0 8, E1 9, E2 8, E3 7, E4 6.
     * Overall (competition ranking): E1 1, E0 2, E2 2, E3 4, E4 5.
     * Provinces: E1, E3 in 31; E0, E2, E4 in 79.
     *   31: E1 1, E3 2.   79: E0 1, E2 1, E4 3. */
    const double s[] = {8, 9, 8, 7, 6};
    const uint32_t province[] = {79, 31, 79, 31, 79};
    for (uint32_t e = 0; e < 5; e++)
        card(c, e, 0, s[e]);
    c->in.groups = province;
    run_ok(c);
    const uint32_t rank[] = {2, 1, 2, 4, 5}, group_rank[] = {1, 1, 1, 2, 3};
    for (uint32_t e = 0; e < 5; e++) {
        assert_int_equal(val(c, e, MEAN)->rank, rank[e]);
        assert_int_equal(val(c, e, MEAN)->group_rank, group_rank[e]);
        assert_int_equal(c->res.entries[e].group, province[e]);
    }
    assert_int_equal(c->res.ngroups, 2);
    const uint32_t by_province[] = {1, 3, 0, 2, 4};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(c->res.group_order[MEAN][i], by_province[i]);

    /* Regroup by unit type: type 1: E0 8, E3 7, E4 6 -> 1 2 3; type 2: E1 9, E2 8 -> 1 2. */
    const uint32_t type[] = {1, 2, 2, 1, 1}, type_rank[] = {1, 1, 2, 2, 3};
    assert_int_equal(edx_scoring_regroup(&c->res, type, &c->arena, &c->err), 0);
    for (uint32_t e = 0; e < 5; e++) {
        assert_int_equal(val(c, e, MEAN)->group_rank, type_rank[e]);
        assert_int_equal(val(c, e, MEAN)->rank, rank[e]); /* overall ranks stay */
        assert_int_equal(c->res.entries[e].group, type[e]);
    }
    /* No grouping: one group, group ranks are the overall ranks. */
    assert_int_equal(edx_scoring_regroup(&c->res, NULL, &c->arena, &c->err), 0);
    assert_int_equal(c->res.ngroups, 1);
    for (uint32_t e = 0; e < 5; e++)
        for (int m = 0; m < EDX_SCORING_NMETHODS; m++)
            assert_int_equal(val(c, e, m)->group_rank, val(c, e, m)->rank);
    council_free(c);
}

static void test_equal_scores_tie_whatever_order_they_are_summed_in(void **state)
{
    (void)state;
    /* E0 and E1 get the same three scorecards, listed in opposite order; weights .1 .2 .7
     * make the weighted scores inexact, so the two sums may differ in the last bit. */
    council *c = council_new(2, 3, 3);
    double w[3] = {0.1, 0.2, 0.7};
    c->in.weights = w;
    card(c, 0, 0, 7.3, 8.1, 6.9);
    card(c, 0, 1, 5.5, 9.2, 8.8);
    card(c, 0, 2, 3.3, 4.4, 9.9);
    card(c, 1, 2, 3.3, 4.4, 9.9);
    card(c, 1, 1, 5.5, 9.2, 8.8);
    card(c, 1, 0, 7.3, 8.1, 6.9);
    run_ok(c);
    for (int m = 0; m < EDX_SCORING_NMETHODS; m++) {
        assert_int_equal(val(c, 0, m)->rank, 1);
        assert_int_equal(val(c, 1, m)->rank, 1);
        assert_true(val(c, 0, m)->near_tie != 0);
        assert_true(val(c, 1, m)->near_tie != 0);
    }
    council_free(c);
}

static void test_method_names_are_stable(void **state)
{
    (void)state;
    assert_string_equal(edx_scoring_method_name(EDX_SCORING_MEAN), "mean");
    assert_string_equal(edx_scoring_method_name(EDX_SCORING_TRIMMED), "trimmed");
    assert_string_equal(edx_scoring_method_name(EDX_SCORING_ZSCORE), "zscore");
    assert_string_equal(edx_scoring_method_name(EDX_SCORING_MODEL), "model");
    assert_string_equal(edx_scoring_method_name((edx_scoring_method)7), "");
}

static void test_empty_council_gives_an_empty_result(void **state)
{
    (void)state;
    council *c = council_new(0, 0, 1);
    run_ok(c);
    assert_int_equal(c->res.nentries, 0);
    assert_int_equal(c->res.ngroups, 0);
    assert_int_equal(c->res.components, 0);
    council_free(c);
}

/* A valid two-entry council that each bad-input test spoils in one way. */
static council *valid_council(void)
{
    council *c = council_new(2, 2, 2);
    card(c, 0, 0, 5.0, 6.0);
    card(c, 0, 1, 7.0, 8.0);
    card(c, 1, 0, 4.0, 4.0);
    run_ok(c);
    return c;
}

static void test_rejects_scores_outside_the_scale_or_not_a_number(void **state)
{
    (void)state;
    council *c = valid_council();
    c->scores[1][1] = 10.5;
    run_rejects(c, "cards[1].scores[1]",
                "scorecard 1 (entry 0, reviewer 1): criterion 1 score "
                "10.5 is outside the scale [0, 10]");
    c->scores[1][1] = -1;
    run_rejects(c, "cards[1].scores[1]", "outside the scale");
    c->scores[1][1] = NAN;
    run_rejects(c, "cards[1].scores[1]", "is not a number");
    c->scores[1][1] = INFINITY;
    run_rejects(c, "cards[1].scores[1]", "outside the scale");
    c->scores[1][1] = 8;
    c->cards[2].scores = NULL;
    run_rejects(c, "cards[2].scores", "scorecard 2 (entry 1, reviewer 0) has no scores");
    council_free(c);
}

static void test_rejects_weights_that_are_not_positive(void **state)
{
    (void)state;
    council *c = valid_council();
    double w[2] = {1, 0};
    c->in.weights = w;
    run_rejects(c, "weights[1]", "criterion 1 has weight 0");
    w[1] = -2;
    run_rejects(c, "weights[1]", "greater than 0");
    w[0] = NAN;
    run_rejects(c, "weights[0]", "criterion 0");
    w[0] = 1e308;
    w[1] = 1e308;
    run_rejects(c, "weights", "add up to infinity");
    c->in.weights = NULL;
    c->in.ncriteria = 0;
    run_rejects(c, "ncriteria", "at least one criterion");
    council_free(c);
}

static void test_rejects_an_empty_or_reversed_scale(void **state)
{
    (void)state;
    council *c = valid_council();
    c->in.scale_min = 10;
    c->in.scale_max = 0;
    run_rejects(c, "scale", "[10, 0]");
    c->in.scale_min = 5;
    c->in.scale_max = 5;
    run_rejects(c, "scale", "min < max");
    c->in.scale_min = 0;
    c->in.scale_max = INFINITY;
    run_rejects(c, "scale", "finite");
    council_free(c);
}

static void test_rejects_an_entry_without_scorecards(void **state)
{
    (void)state;
    council *c = valid_council();
    c->in.nentries = 3;
    run_rejects(c, "entries[2]", "entry 2 has no scorecards");
    council_free(c);
}

static void test_rejects_a_reviewer_scoring_an_entry_twice(void **state)
{
    (void)state;
    council *c = valid_council();
    card(c, 1, 1, 3.0, 3.0);
    card(c, 0, 1, 9.0, 9.0);
    run_rejects(c, "cards[4]",
                "scorecard 4 repeats reviewer 1 on entry 0 (already in scorecard 1)");
    council_free(c);
}

static void test_rejects_entries_and_reviewers_out_of_range(void **state)
{
    (void)state;
    council *c = valid_council();
    c->cards[2].entry = 2;
    run_rejects(c, "cards[2].entry", "scorecard 2 names entry 2 but there are 2 entries");
    c->cards[2].entry = 1;
    c->cards[0].reviewer = 7;
    run_rejects(c, "cards[0].reviewer", "scorecard 0 names reviewer 7 but there are 2 reviewers");
    c->cards[0].reviewer = 0;
    c->in.cards = NULL;
    run_rejects(c, "cards", "3 scorecards announced");
    council_free(c);
}

static void test_rejects_negative_or_infinite_parameters(void **state)
{
    (void)state;
    council *c = valid_council();
    c->in.lambda = -1;
    run_rejects(c, "lambda", "lambda is -1");
    c->in.lambda = NAN;
    run_rejects(c, "lambda", "finite");
    c->in.lambda = 0;
    c->in.tie_z = -0.5;
    run_rejects(c, "tie_z", "tie_z is -0.5");
    c->in.tie_z = INFINITY;
    run_rejects(c, "tie_z", "finite");
    council_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_criteria_weights_make_each_scorecard_a_weighted_mean),
        cmocka_unit_test(test_trimmed_mean_drops_one_high_and_one_low_from_five_reviews),
        cmocka_unit_test(test_zscore_puts_a_harsh_and_a_lenient_reviewer_on_one_scale),
        cmocka_unit_test(test_zscore_maps_onto_the_raw_range_without_clamping),
        cmocka_unit_test(test_zscore_treats_flat_and_single_score_reviewers_as_average),
        cmocka_unit_test(test_worked_example_raw_means_and_their_near_ties),
        cmocka_unit_test(test_worked_example_zscores),
        cmocka_unit_test(test_worked_example_model_with_the_default_ridge),
        cmocka_unit_test(test_model_recovers_a_harsh_and_a_lenient_reviewer),
        cmocka_unit_test(test_model_shrinks_offsets_by_the_ridge),
        cmocka_unit_test(test_model_solution_satisfies_its_normal_equations),
        cmocka_unit_test(test_model_reports_councils_that_share_no_entry),
        cmocka_unit_test(test_near_ties_flag_differences_within_the_uncertainty),
        cmocka_unit_test(test_borderline_flags_entries_that_could_fall_either_side_of_the_line),
        cmocka_unit_test(test_group_ranks_share_places_on_ties),
        cmocka_unit_test(test_equal_scores_tie_whatever_order_they_are_summed_in),
        cmocka_unit_test(test_method_names_are_stable),
        cmocka_unit_test(test_empty_council_gives_an_empty_result),
        cmocka_unit_test(test_rejects_scores_outside_the_scale_or_not_a_number),
        cmocka_unit_test(test_rejects_weights_that_are_not_positive),
        cmocka_unit_test(test_rejects_an_empty_or_reversed_scale),
        cmocka_unit_test(test_rejects_an_entry_without_scorecards),
        cmocka_unit_test(test_rejects_a_reviewer_scoring_an_entry_twice),
        cmocka_unit_test(test_rejects_entries_and_reviewers_out_of_range),
        cmocka_unit_test(test_rejects_negative_or_infinite_parameters),
    };
    return cmocka_run_group_tests_name("scoring", tests, NULL, NULL);
}
