/*
 * Unit tests of src/awards/rules.c: the reward eligibility rule engine and the
 * shipped rule data (data/awards/rules.json, read relative to $EDX_ROOT or the
 * working directory, like test_jcs).
 *
 * JSON in this file is written with single quotes for readability; q() turns
 * them into double quotes (no test text needs an apostrophe).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "awards/rules.h"
#include "base/buf.h"
#include "json/json.h"

/* ---- fixtures and helpers ------------------------------------------------------------------- */

typedef struct fx {
    edx_arena a;
    edx_rules *shipped;
} fx;

/* Read a file under the repository root ($EDX_ROOT, else the working directory). */
static char *read_data(const char *rel, size_t *len)
{
    const char *root = getenv("EDX_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root && *root ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s (run from the repository root or set EDX_ROOT)", path);
    edx_buf b = EDX_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        edx_buf_append(&b, chunk, n);
    fclose(f);
    assert_false(b.oom);
    return edx_buf_steal(&b, len);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    size_t len;
    edx_err e;
    if (!f) return -1;
    edx_arena_init(&f->a, 0);
    char *text = read_data("data/awards/rules.json", &len);
    int rc = edx_rules_load(text, len, &f->shipped, &e);
    free(text);
    if (rc) fail_msg("data/awards/rules.json does not load: %s", e.message);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    edx_rules_free(f->shipped);
    edx_arena_free(&f->a);
    free(f);
    return 0;
}

/* `s` with ' turned into ", in the fixture's arena. */
static const char *q(fx *f, const char *s)
{
    char *out = edx_arena_strdup(&f->a, s);
    assert_non_null(out);
    for (char *p = out; *p; p++)
        if (*p == '\'') *p = '"';
    return out;
}

static const char *qf(fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *qf(fx *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = edx_arena_vprintf(&f->a, fmt, ap);
    va_end(ap);
    assert_non_null(s);
    return q(f, s);
}

/* A history from single-quoted JSON; fails the test when it does not parse. */
static edx_history hist(fx *f, const edx_rules *r, const char *sq)
{
    json_error_t je;
    edx_history h;
    edx_err e;
    json_t *j = json_loads(q(f, sq), 0, &je);
    if (!j) fail_msg("bad test JSON: %s", je.text);
    if (edx_history_parse(r, j, &f->a, &h, &e)) fail_msg("history refused: %s", e.message);
    json_decref(j);
    return h;
}

/* Evaluate and return the report (json_decref it); fails the test on error. */
static json_t *run(const edx_rules *r, const edx_history *h, const char *form, int year,
                   const char *as_of, edx_eligibility *v)
{
    edx_elig_query query = {form, year, as_of};
    json_t *rep = NULL;
    edx_err e;
    if (edx_rules_evaluate(r, h, &query, v, &rep, &e)) fail_msg("evaluate failed: %s", e.message);
    assert_non_null(rep);
    return rep;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s) fail_msg("no string member \"%s\"", key);
    return s;
}

/* The report's entry for rule `id`, or NULL. */
static json_t *rule_of(json_t *rep, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(rep, "rules"), i, r)
        if (strcmp(str(r, "id"), id) == 0) return r;
    return NULL;
}

/* The first node (depth first) of the explanation tree under `n` whose op is `op`. */
static json_t *node(json_t *n, const char *op)
{
    if (!n) return NULL;
    if (strcmp(str(n, "op"), op) == 0) return n;
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(n, "children"), i, k) {
        json_t *found = node(k, op);
        if (found) return found;
    }
    return NULL;
}

static json_t *explained(json_t *rep, const char *rule_id, const char *op)
{
    json_t *r = rule_of(rep, rule_id);
    if (!r) fail_msg("rule %s not applied", rule_id);
    json_t *n = node(json_object_get(r, "explanation"), op);
    if (!n) fail_msg("rule %s has no %s node", rule_id, op);
    return n;
}

static const char *en(json_t *n)
{
    return str(json_object_get(n, "message"), "en");
}

static const char *vi(json_t *n)
{
    return str(json_object_get(n, "message"), "vi");
}

/* Whether node n lists record `i` of history list `list` as used; and how many it lists. */
static int uses(json_t *n, const char *list, int i)
{
    size_t k;
    json_t *v;
    json_array_foreach(json_object_get(json_object_get(n, "records"), list), k, v)
        if (json_integer_value(v) == i) return 1;
    return 0;
}

static size_t used_count(json_t *n, const char *list)
{
    return json_array_size(json_object_get(json_object_get(n, "records"), list));
}

static int has_warning(json_t *rep, const char *rule_id)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(rep, "warnings"), i, w)
        if (strcmp(str(w, "code"), "unverified_rule") == 0 && strcmp(str(w, "rule"), rule_id) == 0)
            return 1;
    return 0;
}

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (!strstr(h_, n_)) fail_msg("\"%s\" does not contain \"%s\"", h_, n_);                   \
    } while (0)

/* ---- a small rule file for engine and error tests ------------------------------------------- */

static const char *const FORMS =
    "[{'code':'title_a','name':{'vi':'Danh hiệu A','en':'Title A'},'type':'title',"
    "'level':'unit','subjects':['individual'],'period_years':1},"
    "{'code':'title_c','name':{'vi':'Danh hiệu C','en':'Title C'},'type':'title',"
    "'level':'ministry','subjects':['individual']},"
    "{'code':'medal_b','name':{'vi':'Huân chương B','en':'Medal B'},'type':'reward',"
    "'level':'state','subjects':['individual','collective']}]";

/* Members of one rule; NULL takes the default. */
typedef struct rspec {
    const char *id, *version, *applies, *kind, *cites, *from, *until, *verified, *cond, *extra;
} rspec;

static const char *rule(fx *f, rspec s)
{
    return edx_arena_printf(
        &f->a,
        "{'id':%s,'version':%s,'applies_to':%s,'kind':%s,'citations':%s,'effective_from':%s,"
        "'effective_until':%s,'verified':%s,'condition':%s%s}",
        s.id ? s.id : "'r1'", s.version ? s.version : "1",
        s.applies ? s.applies : "{'form':'medal_b'}", s.kind ? s.kind : "'route'",
        s.cites ? s.cites
                : "[{'document':'Luật Thi đua, khen thưởng 06/2022/QH15','article':null}]",
        s.from ? s.from : "'2024-01-01'", s.until ? s.until : "null",
        s.verified ? s.verified : "true", s.cond ? s.cond : "{'has_award':{'form':'title_a'}}",
        s.extra ? s.extra : "");
}

static const char *doc(fx *f, const char *rules)
{
    return qf(f, "{'format':1,'version':'test-1','forms':%s,'rules':[%s]}", FORMS, rules);
}

static edx_rules *load_ok(const char *text)
{
    edx_rules *r = NULL;
    edx_err e;
    if (edx_rules_load(text, strlen(text), &r, &e)) fail_msg("refused: %s", e.message);
    return r;
}

/* The file must be refused with `code`, naming `field` at the start of the message and in
 * err.field (which keeps the first 63 bytes of a long location). */
static void assert_refused(const char *text, const char *code, const char *field)
{
    edx_rules *r = (edx_rules *)1;
    edx_err e;
    edx_err_clear(&e);
    assert_int_equal(edx_rules_load(text, strlen(text), &r, &e), EDX_EINVAL);
    assert_null(r);
    if (strcmp(e.code, code) != 0 || strncmp(e.field, field, sizeof e.field - 1) != 0)
        fail_msg("got %s at \"%s\" (%s); want %s at \"%s\"", e.code, e.field, e.message, code,
                 field);
    assert_int_equal(strncmp(e.message, field, strlen(field)), 0);
    assert_int_equal(e.status, 400);
}

/* ---- the shipped file ----------------------------------------------------------------------- */

static void test_shipped_rules_load_with_every_form(void **state)
{
    fx *f = *state;
    static const char *const forms[] = {"labor_medal_3",
                                        "government_emulation_flag",
                                        "pm_certificate",
                                        "minister_emulation_flag",
                                        "minister_certificate",
                                        "unit_certificate",
                                        "grassroots_emulation_fighter",
                                        "ministry_emulation_fighter",
                                        "national_emulation_fighter"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (!edx_rules_has_form(f->shipped, forms[i])) fail_msg("form %s missing", forms[i]);
    assert_false(edx_rules_has_form(f->shipped, "nobel_prize"));
    assert_true(strlen(edx_rules_version(f->shipped)) > 0);
}

/* Verified exactly where the domain notes say "confirmed"; citations only name the documents
 * the notes name, and no article number is made up. */
static void test_shipped_rules_are_verified_exactly_where_confirmed(void **state)
{
    (void)state;
    static const char *const confirmed[] = {
        "ministry_emulation_fighter", "national_emulation_fighter", "labor_medal_3_individual",
        "government_emulation_flag_movement", "minister_emulation_flag"};
    static const char *const documents[] = {
        "Luật Thi đua, khen thưởng số 06/2022/QH15", "Nghị định số 98/2023/NĐ-CP",
        "Nghị định số 152/2025/NĐ-CP", "Thông tư số 29/2023/TT-BGDĐT"};
    size_t len, i, k;
    json_error_t je;
    json_t *r, *c;
    char *text = read_data("data/awards/rules.json", &len);
    json_t *root = json_loadb(text, len, 0, &je);
    free(text);
    assert_non_null(root);
    int seen_confirmed = 0;
    json_array_foreach(json_object_get(root, "rules"), i, r) {
        int want = 0;
        for (k = 0; k < sizeof confirmed / sizeof confirmed[0]; k++)
            want |= strcmp(str(r, "id"), confirmed[k]) == 0;
        seen_confirmed += want;
        if (json_is_true(json_object_get(r, "verified")) != want)
            fail_msg("rule %s: verified should be %s", str(r, "id"), want ? "true" : "false");
        assert_true(strlen(str(r, "notes")) > 0);
        json_array_foreach(json_object_get(r, "citations"), k, c) {
            int known = 0;
            for (size_t d = 0; d < sizeof documents / sizeof documents[0]; d++)
                known |= strcmp(str(c, "document"), documents[d]) == 0;
            if (!known) fail_msg("rule %s cites an unknown document", str(r, "id"));
            assert_true(json_is_null(json_object_get(c, "article")));
        }
    }
    assert_int_equal(seen_confirmed, 5);
    json_decref(root);
}

/* ---- confirmed rules: one history that passes, one that fails ------------------------------- */

static void
test_ministry_fighter_eligible_with_three_consecutive_titles_and_initiative(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual','name':'Trần Thị Bình'},"
                         "'awards':[{'form':'grassroots_emulation_fighter','year':2023},"
                         "{'form':'grassroots_emulation_fighter','year':2024},"
                         "{'form':'grassroots_emulation_fighter','year':2025}],"
                         "'initiatives':[{'title':'Sổ điểm điện tử','year':2025,'scope':'province',"
                         "'recognised_by':'province'}]}");
    json_t *rep = run(f->shipped, &h, "ministry_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    assert_string_equal(str(rep, "verdict"), "eligible");
    assert_int_equal(json_array_size(json_object_get(rep, "warnings")), 0);
    json_t *count = explained(rep, "ministry_emulation_fighter", "count_awards");
    assert_string_equal(str(count, "result"), "held");
    assert_true(uses(count, "awards", 0) && uses(count, "awards", 1) && uses(count, "awards", 2));
    assert_contains(en(count), "2023, 2024, 2025");
    json_t *init = explained(rep, "ministry_emulation_fighter", "has_initiative");
    assert_string_equal(str(init, "result"), "held");
    assert_true(uses(init, "initiatives", 0));
    json_decref(rep);
}

static void test_ministry_fighter_fails_when_a_gap_breaks_the_titles(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'grassroots_emulation_fighter','year':2022},"
                         "{'form':'grassroots_emulation_fighter','year':2023},"
                         "{'form':'grassroots_emulation_fighter','year':2025}],"
                         "'initiatives':[{'year':2025,'scope':'ministry'}]}");
    json_t *rep = run(f->shipped, &h, "ministry_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    assert_contains(str(json_object_get(rep, "summary"), "en"), "ministry_emulation_fighter");
    json_t *count = explained(rep, "ministry_emulation_fighter", "count_awards");
    assert_string_equal(str(count, "result"), "failed");
    assert_string_equal(str(count, "path"), "rules[0].condition.since_last_award.then.all[0]");
    assert_contains(en(count), "longest run: 2 (2022, 2023)");
    assert_contains(vi(count), "chuỗi dài nhất: 2");
    assert_string_equal(
        str(explained(rep, "ministry_emulation_fighter", "has_initiative"), "result"), "held");
    json_decref(rep);
}

static void test_ministry_fighter_needs_an_initiative_beyond_the_unit(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'grassroots_emulation_fighter','year':2023},"
                         "{'form':'grassroots_emulation_fighter','year':2024},"
                         "{'form':'grassroots_emulation_fighter','year':2025}],"
                         "'initiatives':[{'year':2025,'scope':'unit'}]}");
    json_t *rep = run(f->shipped, &h, "ministry_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    json_t *init = explained(rep, "ministry_emulation_fighter", "has_initiative");
    assert_string_equal(str(init, "result"), "failed");
    assert_contains(en(init), "0 initiative(s) with influence across the ministry/province");
    json_decref(rep);
}

/* One achievement is not rewarded twice: titles behind an earlier title do not count again. */
static void test_ministry_fighter_does_not_reuse_titles_of_an_earlier_title(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'grassroots_emulation_fighter','year':2020},"
                         "{'form':'grassroots_emulation_fighter','year':2021},"
                         "{'form':'grassroots_emulation_fighter','year':2022},"
                         "{'form':'ministry_emulation_fighter','year':2022},"
                         "{'form':'grassroots_emulation_fighter','year':2023},"
                         "{'form':'grassroots_emulation_fighter','year':2024}],"
                         "'initiatives':[{'year':2024,'scope':'national'}]}");
    json_t *rep = run(f->shipped, &h, "ministry_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    json_t *since = explained(rep, "ministry_emulation_fighter", "since_last_award");
    assert_true(uses(since, "awards", 3));
    assert_contains(en(since), "(2022): 2023–2025");
    json_t *count = node(since, "count_awards");
    assert_string_equal(str(count, "result"), "failed");
    assert_false(uses(count, "awards", 0));
    json_decref(rep);
}

static void
test_national_fighter_needs_two_titles_one_period_apart_and_national_initiative(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    const char *fmt = "{'subject':{'kind':'individual'},"
                      "'awards':[{'form':'ministry_emulation_fighter','year':%d},"
                      "{'form':'ministry_emulation_fighter','year':2025}],"
                      "'initiatives':[{'year':2024,'scope':'national','recognised_by':'%s'}]}";
    edx_history ok = hist(f, f->shipped, edx_arena_printf(&f->a, fmt, 2022, "ministry"));
    json_t *rep = run(f->shipped, &ok, "national_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    json_t *count = explained(rep, "national_emulation_fighter", "count_awards");
    assert_contains(en(count),
                    "2 consecutive × Ministry/Province-level Emulation Fighter (2022, 2025)");
    json_decref(rep);

    /* Four years apart: the titles are not consecutive (a grassroots year is missing between). */
    edx_history gap = hist(f, f->shipped, edx_arena_printf(&f->a, fmt, 2021, "ministry"));
    rep = run(f->shipped, &gap, "national_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    count = explained(rep, "national_emulation_fighter", "count_awards");
    assert_string_equal(str(count, "result"), "failed");
    json_decref(rep);

    /* Recognised by the unit only: not the head of the ministry or province. */
    edx_history unit = hist(f, f->shipped, edx_arena_printf(&f->a, fmt, 2022, "unit"));
    rep = run(f->shipped, &unit, "national_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    json_t *init = explained(rep, "national_emulation_fighter", "has_initiative");
    assert_string_equal(str(init, "result"), "failed");
    assert_contains(en(init), "recognised by the ministry or the province");
    json_decref(rep);
}

static void test_national_fighter_unknown_when_the_recognising_body_is_missing(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'ministry_emulation_fighter','year':2022},"
                         "{'form':'ministry_emulation_fighter','year':2025}],"
                         "'initiatives':[{'year':2024,'scope':'national'}]}");
    json_t *rep = run(f->shipped, &h, "national_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
    json_t *init = explained(rep, "national_emulation_fighter", "has_initiative");
    assert_string_equal(str(init, "result"), "unknown");
    assert_true(uses(init, "initiatives", 0));
    assert_contains(en(init), "lack the scope or the recognising body");
    json_decref(rep);
}

static const char *const MEDAL_PASS =
    "{'subject':{'kind':'individual','name':'Lê Văn Cường'},"
    "'awards':[{'form':'pm_certificate','year':2018,'decision':'1234/QĐ-TTg',"
    "'decision_date':'2018-09-05','issuer':'Thủ tướng Chính phủ','type':'regular'},"
    "{'form':'grassroots_emulation_fighter','year':2019},"
    "{'form':'grassroots_emulation_fighter','year':2021},"
    "{'form':'grassroots_emulation_fighter','year':2023}%s],"
    "'ratings':[{'year':2019,'level':'good'},{'year':2020,'level':'good'},"
    "{'year':2021,'level':'%s'},{'year':2022,'level':'good'},{'year':2023,'level':'good'},"
    "{'year':2024,'level':'good'},{'year':2025,'level':'good'}]}";

static void test_labor_medal_individual_route_holds_and_names_its_records(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped, edx_arena_printf(&f->a, MEDAL_PASS, "", "excellent"));
    json_t *rep = run(f->shipped, &h, "labor_medal_3", 2025, "2025-11-01", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    assert_contains(str(json_object_get(rep, "summary"), "en"), "labor_medal_3_individual");
    json_t *route = rule_of(rep, "labor_medal_3_individual");
    assert_string_equal(str(route, "result"), "held");
    assert_true(json_is_true(json_object_get(route, "verified")));
    /* after_award names the certificate; the rating run and the titles are named below it. */
    json_t *after = explained(rep, "labor_medal_3_individual", "after_award");
    assert_int_equal(used_count(after, "awards"), 1);
    assert_true(uses(after, "awards", 0));
    assert_contains(en(after), "Certificate of Merit of the Prime Minister of 2018");
    json_t *ratings = node(after, "consecutive_ratings");
    assert_string_equal(str(ratings, "result"), "held");
    assert_int_equal(used_count(ratings, "ratings"), 7);
    for (int i = 0; i < 7; i++)
        assert_true(uses(ratings, "ratings", i));
    json_t *titles = node(after, "count_awards");
    assert_int_equal(used_count(titles, "awards"), 3);
    assert_true(uses(titles, "awards", 1) && uses(titles, "awards", 2) &&
                uses(titles, "awards", 3));
    assert_false(uses(titles, "awards", 0));
    json_decref(rep);
}

/* The confirmed route fails; the other routes are not encoded, so the verdict is unknown. */
static void test_labor_medal_individual_route_fails_without_an_excellent_year(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped, edx_arena_printf(&f->a, MEDAL_PASS, "", "good"));
    json_t *rep = run(f->shipped, &h, "labor_medal_3", 2025, "2025-11-01", &v);
    assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
    assert_string_equal(str(rule_of(rep, "labor_medal_3_individual"), "result"), "failed");
    json_t *ratings = explained(rep, "labor_medal_3_individual", "consecutive_ratings");
    assert_string_equal(str(ratings, "result"), "failed");
    assert_contains(en(ratings), "at least 1 of them \"fulfilled duties excellently\"");
    assert_contains(en(ratings), "Longest run: 7 years (2019–2025)");
    assert_string_equal(str(rule_of(rep, "labor_medal_3_individual_other_routes"), "result"),
                        "unknown");
    assert_true(has_warning(rep, "labor_medal_3_individual_other_routes"));
    json_decref(rep);
}

static void test_labor_medal_individual_needs_an_earlier_pm_certificate(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'minister_certificate','year':2018}],"
                         "'ratings':[{'year':2019,'level':'excellent'}]}");
    json_t *rep = run(f->shipped, &h, "labor_medal_3", 2025, "2025-11-01", &v);
    json_t *after = explained(rep, "labor_medal_3_individual", "after_award");
    assert_string_equal(str(after, "result"), "failed");
    assert_contains(en(after),
                    "No Certificate of Merit of the Prime Minister on record (up to 2025)");
    assert_null(json_object_get(after, "children"));
    json_decref(rep);
}

/* An earlier certificate may open the period when the latest leaves too few years. */
static void test_labor_medal_tries_every_earlier_certificate(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'pm_certificate','year':2010},"
                         "{'form':'pm_certificate','year':2023},"
                         "{'form':'grassroots_emulation_fighter','year':2012},"
                         "{'form':'grassroots_emulation_fighter','year':2013},"
                         "{'form':'grassroots_emulation_fighter','year':2014}],"
                         "'ratings':[{'year':2011,'level':'good'},{'year':2012,'level':'good'},"
                         "{'year':2013,'level':'excellent'},{'year':2014,'level':'good'},"
                         "{'year':2015,'level':'good'}]}");
    json_t *rep = run(f->shipped, &h, "labor_medal_3", 2025, "2025-11-01", &v);
    json_t *after = explained(rep, "labor_medal_3_individual", "after_award");
    assert_string_equal(str(after, "result"), "held");
    assert_true(uses(after, "awards", 0));
    assert_contains(en(after), "of 2010 (counting 2011–2025)");
    json_decref(rep);
}

static void test_government_flag_for_leading_a_pm_movement_at_its_review(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    const char *fmt = "{'subject':{'kind':'collective','name':'Sở GDĐT Hà Nội'},"
                      "'leads':[{'kind':'movement','organiser':'%s','year':2027,"
                      "'review':'preliminary','movement_from':2025,'movement_to':2030}]}";
    edx_history ok = hist(f, f->shipped, edx_arena_printf(&f->a, fmt, "prime_minister"));
    json_t *rep = run(f->shipped, &ok, "government_emulation_flag", 2027, "2027-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    json_t *lead = explained(rep, "government_emulation_flag_movement", "leads");
    assert_string_equal(str(lead, "result"), "held");
    assert_true(uses(lead, "leads", 0));
    assert_contains(en(lead), "Led an emulation movement launched by the Prime Minister");
    /* Eligible through the verified route: the unverified state-award requirement still warns. */
    assert_true(has_warning(rep, "state_awards_once_a_year"));
    assert_false(has_warning(rep, "government_emulation_flag_other_routes"));
    json_decref(rep);

    /* This movement as recorded: launched by the ministry, so the route fails. */
    edx_history moet = hist(f, f->shipped, edx_arena_printf(&f->a, fmt, "ministry"));
    rep = run(f->shipped, &moet, "government_emulation_flag", 2027, "2027-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
    lead = explained(rep, "government_emulation_flag_movement", "leads");
    assert_string_equal(str(lead, "result"), "failed");
    assert_contains(en(lead), "No record of leading an emulation movement");
    json_decref(rep);
}

static void test_minister_flag_for_leading_a_cluster_in_the_candidate_year(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'collective'},"
                         "'leads':[{'kind':'block','organiser':'ministry','year':2024,"
                         "'name':'Khối các Sở GDĐT'}]}");
    json_t *rep = run(f->shipped, &h, "minister_emulation_flag", 2024, "2024-12-20", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    assert_true(uses(explained(rep, "minister_emulation_flag", "leads"), "leads", 0));
    json_decref(rep);

    rep = run(f->shipped, &h, "minister_emulation_flag", 2025, "2025-12-20", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    json_t *lead = explained(rep, "minister_emulation_flag", "leads");
    assert_string_equal(str(lead, "result"), "failed");
    assert_contains(en(lead), "in 2025");
    json_decref(rep);
}

/* ---- consecutive years ---------------------------------------------------------------------- */

static void test_consecutive_ratings_are_broken_by_a_lower_year(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h =
        hist(f, f->shipped,
             "{'subject':{'kind':'individual'},"
             "'awards':[{'form':'pm_certificate','year':2017}],"
             "'ratings':[{'year':2018,'level':'excellent'},{'year':2019,'level':'good'},"
             "{'year':2020,'level':'good'},"
             "{'year':2021,'level':'Hoàn thành nhiệm vụ'},"
             "{'year':2022,'level':'good'},{'year':2023,'level':'good'},"
             "{'year':2024,'level':'excellent'},{'year':2025,'level':'good'}]}");
    json_t *rep = run(f->shipped, &h, "labor_medal_3", 2025, "2025-11-01", &v);
    json_t *r = explained(rep, "labor_medal_3_individual", "consecutive_ratings");
    assert_string_equal(str(r, "result"), "failed");
    assert_contains(en(r), "Longest run: 4 years (2022–2025)");
    assert_contains(en(r), "Below the level: 2021: fulfilled duties.");
    assert_contains(vi(r), "Năm không đạt: 2021: Hoàn thành nhiệm vụ.");
    assert_true(uses(r, "ratings", 3));
    json_decref(rep);
}

static void test_a_missing_rating_year_makes_the_answer_unknown(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h =
        hist(f, f->shipped,
             "{'subject':{'kind':'individual'},"
             "'awards':[{'form':'pm_certificate','year':2018},"
             "{'form':'grassroots_emulation_fighter','year':2019},"
             "{'form':'grassroots_emulation_fighter','year':2020},"
             "{'form':'grassroots_emulation_fighter','year':2022}],"
             "'ratings':[{'year':2019,'level':'good'},{'year':2020,'level':'excellent'},"
             "{'year':2022,'level':'good'},{'year':2023,'level':'good'},"
             "{'year':2024,'level':'good'},{'year':2025,'level':'completed'}]}");
    json_t *rep = run(f->shipped, &h, "labor_medal_3", 2025, "2025-11-01", &v);
    assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
    json_t *r = explained(rep, "labor_medal_3_individual", "consecutive_ratings");
    assert_string_equal(str(r, "result"), "unknown");
    assert_contains(en(r), "Ratings missing for 2021");
    assert_true(uses(r, "ratings", 0) && uses(r, "ratings", 4));
    assert_false(uses(r, "ratings", 5));
    assert_string_equal(str(rule_of(rep, "labor_medal_3_individual"), "result"), "unknown");
    json_decref(rep);
}

/* ---- dates, versions, warnings -------------------------------------------------------------- */

static void test_effective_date_selects_the_rule_version(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped, "{'subject':{'kind':'individual'}}");
    json_t *rep = run(f->shipped, &h, "pm_certificate", 2025, "2025-06-30", &v);
    json_t *r = rule_of(rep, "pm_certificate");
    assert_int_equal(json_integer_value(json_object_get(r, "version")), 1);
    assert_string_equal(str(json_array_get(json_object_get(r, "citations"), 1), "document"),
                        "Nghị định số 98/2023/NĐ-CP");
    assert_string_equal(str(r, "effective_until"), "2025-06-30");
    json_decref(rep);

    rep = run(f->shipped, &h, "pm_certificate", 2025, "2025-07-01", &v);
    r = rule_of(rep, "pm_certificate");
    assert_int_equal(json_integer_value(json_object_get(r, "version")), 2);
    assert_string_equal(str(json_array_get(json_object_get(r, "citations"), 1), "document"),
                        "Nghị định số 152/2025/NĐ-CP");
    assert_true(json_is_null(json_object_get(r, "effective_until")));
    assert_int_equal(json_array_size(json_object_get(rep, "rules")), 2); /* + state requirement */
    json_decref(rep);

    /* Before the Law took effect no rule applies. */
    rep = run(f->shipped, &h, "pm_certificate", 2023, "2023-12-31", &v);
    assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
    assert_int_equal(json_array_size(json_object_get(rep, "rules")), 0);
    assert_contains(str(json_object_get(rep, "summary"), "en"),
                    "no rule that qualifies for the Certificate of Merit of the Prime Minister "
                    "is in effect on 2023-12-31");
    json_decref(rep);
}

/* Versions may change the condition itself, not only the citation. */
static void test_versions_change_the_condition_on_their_effective_date(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    const char *rules =
        edx_arena_printf(&f->a, "%s,%s", rule(f, (rspec){.until = "'2025-06-30'"}),
                         rule(f, (rspec){.version = "2",
                                         .from = "'2025-07-01'",
                                         .cond = "{'count_awards':{'form':'title_a','min':2}}"}));
    edx_rules *r = load_ok(doc(f, rules));
    edx_history h = hist(f, r,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'title_a','year':2024}]}");
    json_t *rep = run(r, &h, "medal_b", 2025, "2025-06-30", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    json_decref(rep);
    rep = run(r, &h, "medal_b", 2025, "2025-07-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    assert_string_equal(str(explained(rep, "r1", "count_awards"), "result"), "failed");
    json_decref(rep);
    edx_rules_free(r);
}

static void test_unverified_rule_gives_a_warning(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped, "{'subject':{'kind':'collective'}}");
    json_t *rep = run(f->shipped, &h, "minister_certificate", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
    assert_true(has_warning(rep, "minister_certificate"));
    json_t *w = json_array_get(json_object_get(rep, "warnings"), 0);
    assert_contains(str(json_object_get(w, "message"), "en"),
                    "not yet verified against the official text");
    assert_contains(str(json_object_get(w, "message"), "vi"),
                    "chưa được đối chiếu với văn bản chính thức");
    json_t *manual = explained(rep, "minister_certificate", "manual");
    assert_string_equal(str(manual, "result"), "unknown");
    assert_contains(en(manual), "the emulation council checks the dossier");
    json_decref(rep);
}

static void test_a_second_state_award_in_the_year_fails_unless_exempt(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    const char *extra = ",{'form':'pm_certificate','year':2025,'type':'%s'}";
    edx_history regular =
        hist(f, f->shipped,
             edx_arena_printf(&f->a, MEDAL_PASS, edx_arena_printf(&f->a, extra, "regular"),
                              "excellent"));
    json_t *rep = run(f->shipped, &regular, "labor_medal_3", 2025, "2025-11-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    json_t *n = explained(rep, "state_awards_once_a_year", "no_award_within");
    assert_string_equal(str(n, "result"), "failed");
    assert_true(uses(n, "awards", 4));
    assert_contains(en(n), "Certificate of Merit of the Prime Minister (2025)");
    assert_true(has_warning(rep, "state_awards_once_a_year"));
    json_decref(rep);

    edx_history irregular =
        hist(f, f->shipped,
             edx_arena_printf(&f->a, MEDAL_PASS, edx_arena_printf(&f->a, extra, "irregular"),
                              "excellent"));
    rep = run(f->shipped, &irregular, "labor_medal_3", 2025, "2025-11-01", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    json_decref(rep);

    edx_history untyped = hist(
        f, f->shipped,
        edx_arena_printf(&f->a, MEDAL_PASS, ",{'form':'pm_certificate','year':2025}", "excellent"));
    rep = run(f->shipped, &untyped, "labor_medal_3", 2025, "2025-11-01", &v);
    assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
    assert_contains(en(explained(rep, "state_awards_once_a_year", "no_award_within")),
                    "type not recorded");
    json_decref(rep);
}

static void test_awards_decided_after_the_as_of_date_are_ignored(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'grassroots_emulation_fighter','year':2023},"
                         "{'form':'grassroots_emulation_fighter','year':2024},"
                         "{'form':'grassroots_emulation_fighter','year':2025,"
                         "'decision_date':'2025-12-20'}],"
                         "'initiatives':[{'year':2025,'scope':'ministry'}]}");
    json_t *rep = run(f->shipped, &h, "ministry_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    assert_false(uses(explained(rep, "ministry_emulation_fighter", "count_awards"), "awards", 2));
    json_decref(rep);
    rep = run(f->shipped, &h, "ministry_emulation_fighter", 2025, "2025-12-31", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    json_decref(rep);
}

static void test_a_form_not_given_to_the_subject_kind_is_not_eligible(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_history h = hist(f, f->shipped, "{'subject':{'kind':'collective'}}");
    json_t *rep = run(f->shipped, &h, "national_emulation_fighter", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    assert_int_equal(json_array_size(json_object_get(rep, "rules")), 0);
    assert_contains(str(json_object_get(rep, "summary"), "en"), "is not given to collectives");
    json_decref(rep);
}

/* ---- the engine on a small rule file -------------------------------------------------------- */

static void test_any_and_not_combine_three_valued_results(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_rules *r = load_ok(doc(
        f, rule(f, (rspec){.cond = "{'any':[{'has_award':{'form':'title_c'}},"
                                   "{'not':{'has_award':{'form':'title_a'}}},"
                                   "{'consecutive_ratings':{'min_level':'good','years':2}}]}"})));
    /* title_a present, no title_c, ratings missing a year: unknown. */
    edx_history h = hist(f, r,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'title_a','year':2020}],"
                         "'ratings':[{'year':2023,'level':'good'}]}");
    json_t *rep = run(r, &h, "medal_b", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
    json_t *any = explained(rep, "r1", "any");
    assert_string_equal(str(any, "result"), "unknown");
    assert_string_equal(str(node(any, "not"), "result"), "failed");
    assert_string_equal(str(node(any, "consecutive_ratings"), "result"), "unknown");
    json_decref(rep);
    /* Without title_a the not holds, so any holds. */
    edx_history none = hist(f, r, "{'subject':{'kind':'individual'}}");
    rep = run(r, &none, "medal_b", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    assert_string_equal(str(explained(rep, "r1", "not"), "result"), "held");
    json_decref(rep);
    edx_rules_free(r);
}

static void test_within_years_limits_the_counted_years(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    edx_rules *r = load_ok(doc(
        f,
        rule(f, (rspec){.cond = "{'count_awards':{'form':'title_a','min':2,'within_years':3}}"})));
    edx_history h = hist(f, r,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'title_a','year':2021},"
                         "{'form':'title_a','year':2024}]}");
    json_t *rep = run(r, &h, "medal_b", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    json_t *n = explained(rep, "r1", "count_awards");
    assert_contains(en(n), "Only 1 × Title A in 2023–2025 (2024)");
    assert_true(uses(n, "awards", 1));
    assert_false(uses(n, "awards", 0));
    json_decref(rep);
    edx_rules_free(r);
}

static void test_requirements_and_routes_combine(void **state)
{
    fx *f = *state;
    edx_eligibility v;
    const char *rules = edx_arena_printf(
        &f->a, "%s,%s,%s", rule(f, (rspec){.id = "'route_a'"}),
        rule(f, (rspec){.id = "'route_c'",
                        .verified = "false",
                        .cond = "{'has_award':{'form':'title_c'}}"}),
        rule(f, (rspec){.id = "'needs_rating'",
                        .kind = "'requirement'",
                        .applies = "{'level':'state','subject':'individual'}",
                        .cond = "{'consecutive_ratings':{'min_level':'completed','years':1}}"}));
    edx_rules *r = load_ok(doc(f, rules));
    /* Both routes hold: the verified one is named and no warning is given for the other. */
    edx_history h = hist(f, r,
                         "{'subject':{'kind':'individual'},"
                         "'awards':[{'form':'title_c','year':2020},"
                         "{'form':'title_a','year':2021}],"
                         "'ratings':[{'year':2025,'level':'good'}]}");
    json_t *rep = run(r, &h, "medal_b", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    assert_contains(str(json_object_get(rep, "summary"), "en"), "under rule route_a");
    assert_int_equal(json_array_size(json_object_get(rep, "warnings")), 0);
    json_decref(rep);
    /* The requirement fails: not eligible, whatever the routes say. */
    edx_history low = hist(f, r,
                           "{'subject':{'kind':'individual'},"
                           "'awards':[{'form':'title_a','year':2021}],"
                           "'ratings':[{'year':2025,'level':'not_completed'}]}");
    rep = run(r, &low, "medal_b", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_NOT_ELIGIBLE);
    assert_contains(str(json_object_get(rep, "summary"), "en"), "needs_rating not met");
    json_decref(rep);
    /* Collectives: the requirement does not apply to them. */
    edx_history unit = hist(f, r,
                            "{'subject':{'kind':'collective'},"
                            "'awards':[{'form':'title_a','year':2021}]}");
    rep = run(r, &unit, "medal_b", 2025, "2025-12-01", &v);
    assert_int_equal(v, EDX_ELIGIBLE);
    assert_null(rule_of(rep, "needs_rating"));
    json_decref(rep);
    edx_rules_free(r);
}

/* ---- malformed rule files ------------------------------------------------------------------- */

static void test_rule_file_with_unknown_condition_is_refused(void **state)
{
    fx *f = *state;
    const char *text = doc(f, rule(f, (rspec){.cond = "{'all':[{'has_award':{'form':'title_a'}},"
                                                      "{'has_awrd':{'form':'title_a'}}]}"}));
    assert_refused(text, "unknown_condition", "rules[0].condition.all[1].has_awrd");
    edx_rules *r;
    edx_err e;
    assert_int_equal(edx_rules_load(text, strlen(text), &r, &e), EDX_EINVAL);
    assert_contains(e.message, "unknown condition \"has_awrd\"");
    assert_contains(e.message, "known: all, any, not");
    assert_int_equal(edx_err_exit_code(e.rc), 2);
}

static void test_rule_file_with_unknown_field_is_refused(void **state)
{
    fx *f = *state;
    assert_refused(doc(f, rule(f, (rspec){.extra = ",'verifed':true"})), "unknown_field",
                   "rules[0].verifed");
    assert_refused(
        doc(f, rule(f, (rspec){.cond = "{'count_awards':{'form':'title_a','minimum':3}}"})),
        "unknown_field", "rules[0].condition.count_awards.minimum");
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'after_award':{'form':'title_a','then':"
                                                  "{'consecutive_ratings':{'min_level':'good',"
                                                  "'years':5,'with_at_least':{'level':"
                                                  "'excellent','cnt':1}}}}}"})),
                   "unknown_field",
                   "rules[0].condition.after_award.then.consecutive_ratings.with_at_least.cnt");
    assert_refused(qf(f, "{'format':1,'version':'x','forms':%s,'rules':[],'comment':'x'}", FORMS),
                   "unknown_field", "comment");
}

static void test_rule_file_with_bad_date_is_refused(void **state)
{
    fx *f = *state;
    assert_refused(doc(f, rule(f, (rspec){.from = "'2024-02-30'"})), "invalid_date",
                   "rules[0].effective_from");
    assert_refused(doc(f, rule(f, (rspec){.from = "'2024-1-01'"})), "invalid_date",
                   "rules[0].effective_from");
    assert_refused(doc(f, rule(f, (rspec){.until = "'01/01/2025'"})), "invalid_date",
                   "rules[0].effective_until");
    assert_refused(doc(f, rule(f, (rspec){.from = "'2025-01-01'", .until = "'2024-12-31'"})),
                   "invalid_date", "rules[0].effective_until");
    assert_refused(doc(f, rule(f, (rspec){.from = "20240101"})), "invalid_field",
                   "rules[0].effective_from");
}

static void test_rule_file_with_wrong_types_is_refused(void **state)
{
    fx *f = *state;
    assert_refused(doc(f, rule(f, (rspec){.verified = "'yes'"})), "invalid_field",
                   "rules[0].verified");
    assert_refused(doc(f, rule(f, (rspec){.version = "'1'"})), "invalid_field", "rules[0].version");
    assert_refused(
        doc(f, rule(f, (rspec){.cond = "{'count_awards':{'form':'title_a','min':'3'}}"})),
        "invalid_field", "rules[0].condition.count_awards.min");
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'count_awards':{'form':'title_a','min':0}}"})),
                   "invalid_field", "rules[0].condition.count_awards.min");
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'all':{'has_award':{'form':'title_a'}}}"})),
                   "invalid_field", "rules[0].condition.all");
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'all':[]}"})), "invalid_field",
                   "rules[0].condition.all");
    assert_refused(doc(f, rule(f, (rspec){.cond = "[{'has_award':{'form':'title_a'}}]"})),
                   "invalid_field", "rules[0].condition");
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'has_award':{'form':'title_a'},"
                                                  "'not':{'has_award':{'form':'title_a'}}}"})),
                   "invalid_field", "rules[0].condition");
    assert_refused(doc(f, rule(f, (rspec){.kind = "'path'"})), "invalid_field", "rules[0].kind");
    assert_refused(doc(f, rule(f, (rspec){.cites = "[]"})), "invalid_field", "rules[0].citations");
    assert_refused(doc(f, rule(f, (rspec){.cites = "[{'document':'Luật','article':12}]"})),
                   "invalid_field", "rules[0].citations[0].article");
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'consecutive_ratings':{'min_level':'great',"
                                                  "'years':5}}"})),
                   "invalid_field", "rules[0].condition.consecutive_ratings.min_level");
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'consecutive_ratings':{'min_level':'good',"
                                                  "'years':5,'with_at_least':{'level':'completed',"
                                                  "'count':1}}}"})),
                   "invalid_field", "rules[0].condition.consecutive_ratings.with_at_least.level");
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'leads':{'kind':['cluster','cluster']}}"})),
                   "invalid_field", "rules[0].condition.leads.kind[1]");
    assert_refused(doc(f, rule(f, (rspec){.applies = "{'form':'medal_b','level':'state'}"})),
                   "invalid_field", "rules[0].applies_to");
    assert_refused(qf(f, "{'format':2,'version':'x','forms':%s,'rules':[]}", FORMS),
                   "invalid_field", "format");
    assert_refused(q(f, "{'format':1,'version':'x','forms':[],'rules':[]}"), "invalid_field",
                   "forms");
}

static void test_rule_file_with_duplicate_rule_id_is_refused(void **state)
{
    fx *f = *state;
    const char *two = edx_arena_printf(&f->a, "%s,%s", rule(f, (rspec){0}), rule(f, (rspec){0}));
    assert_refused(doc(f, two), "duplicate_rule", "rules[1].id");
    edx_rules *r;
    edx_err e;
    const char *text = doc(f, two);
    assert_int_equal(edx_rules_load(text, strlen(text), &r, &e), EDX_EINVAL);
    assert_contains(e.message, "rule \"r1\" version 1 is already defined at rules[0]");
}

static void test_rule_versions_must_not_overlap_or_change_target(void **state)
{
    fx *f = *state;
    const char *overlap =
        edx_arena_printf(&f->a, "%s,%s", rule(f, (rspec){.until = "'2025-07-01'"}),
                         rule(f, (rspec){.version = "2", .from = "'2025-07-01'"}));
    assert_refused(doc(f, overlap), "overlapping_versions", "rules[1].effective_from");
    const char *moved = edx_arena_printf(
        &f->a, "%s,%s", rule(f, (rspec){.until = "'2025-06-30'"}),
        rule(f, (rspec){.version = "2", .from = "'2025-07-01'", .kind = "'requirement'"}));
    assert_refused(doc(f, moved), "inconsistent_versions", "rules[1].applies_to");
}

static void test_rule_file_with_unknown_form_is_refused(void **state)
{
    fx *f = *state;
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'has_award':{'form':['title_a','title_z']}}"})),
                   "unknown_form", "rules[0].condition.has_award.form[1]");
    assert_refused(doc(f, rule(f, (rspec){.applies = "{'form':'medal_z'}"})), "unknown_form",
                   "rules[0].applies_to.form");
    /* consecutive needs the span one title covers */
    assert_refused(doc(f, rule(f, (rspec){.cond = "{'count_awards':{'form':'title_c','min':2,"
                                                  "'consecutive':true}}"})),
                   "invalid_field", "rules[0].condition.count_awards.consecutive");
    const char *dup_form = q(f, "{'format':1,'version':'x','forms':["
                                "{'code':'a','name':{'vi':'A','en':'A'},'type':'title','level':'"
                                "unit','subjects':'individual'},"
                                "{'code':'a','name':{'vi':'A','en':'A'},'type':'title','level':'"
                                "unit','subjects':'individual'}],"
                                "'rules':[]}");
    assert_refused(dup_form, "duplicate_form", "forms[1].code");
}

static void test_rule_file_that_is_not_json_or_nests_too_deep_is_refused(void **state)
{
    fx *f = *state;
    assert_refused("{\"format\":1,", "invalid_json", "");
    assert_refused("{\"a\":1,\"a\":2}", "invalid_json", "");
    edx_buf b = EDX_BUF_INIT;
    for (int i = 0; i < 40; i++)
        edx_buf_puts(&b, "{'not':");
    edx_buf_puts(&b, "{'has_award':{'form':'title_a'}}");
    for (int i = 0; i < 40; i++)
        edx_buf_puts(&b, "}");
    assert_false(b.oom);
    const char *text = doc(f, rule(f, (rspec){.cond = b.data}));
    edx_buf_free(&b);
    edx_rules *r;
    edx_err e;
    assert_int_equal(edx_rules_load(text, strlen(text), &r, &e), EDX_EINVAL);
    assert_contains(e.message, "conditions nest deeper than 32 levels");
}

/* ---- histories and queries ------------------------------------------------------------------ */

static void test_history_errors_name_the_record(void **state)
{
    fx *f = *state;
    static const struct {
        const char *json, *code, *field;
    } cases[] = {
        {"{'subject':{'kind':'individual'},'awards':[{'form':'pm_certificate','year':2020},"
         "{'form':'pm_certifcate','year':2021}]}",
         "unknown_form", "awards[1].form"},
        {"{'subject':{'kind':'individual'},'ratings':[{'year':2020,'level':'good'},"
         "{'year':2020,'level':'excellent'}]}",
         "invalid_field", "ratings[1].year"},
        {"{'subject':{'kind':'individual'},'ratings':[{'year':2020,'level':'Giỏi'}]}",
         "invalid_field", "ratings[0].level"},
        {"{'subject':{'kind':'individual'},'awards':[{'form':'pm_certificate','year':2020,"
         "'decision_date':'2020-13-01'}]}",
         "invalid_date", "awards[0].decision_date"},
        {"{'subject':{'kind':'individual'},'initiatives':[{'year':2020,'scope':'world'}]}",
         "invalid_field", "initiatives[0].scope"},
        {"{'subject':{'kind':'individual'},'leads':[{'kind':'movement','year':2020,"
         "'movement_from':2030,'movement_to':2025}]}",
         "invalid_field", "leads[0].movement_to"},
        {"{'subject':{'kind':'team'}}", "invalid_field", "subject.kind"},
        {"{'subject':{'kind':'individual'},'titles':[]}", "unknown_field", "titles"},
        {"{'subject':{'kind':'individual'},'awards':[{'form':'pm_certificate','year':1800}]}",
         "invalid_field", "awards[0].year"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_error_t je;
        json_t *j = json_loads(q(f, cases[i].json), 0, &je);
        edx_history h;
        edx_err e;
        assert_non_null(j);
        assert_int_equal(edx_history_parse(f->shipped, j, &f->a, &h, &e), EDX_EINVAL);
        if (strcmp(e.code, cases[i].code) || strcmp(e.field, cases[i].field))
            fail_msg("case %zu: got %s at %s (%s)", i, e.code, e.field, e.message);
        json_decref(j);
    }
}

static void test_vietnamese_rating_names_are_accepted(void **state)
{
    fx *f = *state;
    /* NFD spelling of "Hoàn thành tốt" (combining grave and hook above / dot below). */
    edx_history h = hist(f, f->shipped,
                         "{'subject':{'kind':'individual'},'ratings':["
                         "{'year':2020,'level':'Hoàn thành xuất sắc nhiệm vụ'},"
                         "{'year':2021,'level':'HOA\xcc\x80N THA\xcc\x80NH TÔ\xcc\x81T'},"
                         "{'year':2022,'level':'hoàn thành'},"
                         "{'year':2023,'level':'Không hoàn thành nhiệm vụ'}]}");
    assert_int_equal(h.n_ratings, 4);
    assert_int_equal(h.ratings[0].level, EDX_RATING_EXCELLENT);
    assert_int_equal(h.ratings[1].level, EDX_RATING_GOOD);
    assert_int_equal(h.ratings[2].level, EDX_RATING_COMPLETED);
    assert_int_equal(h.ratings[3].level, EDX_RATING_NOT_COMPLETED);
}

static void test_caller_built_histories_are_checked(void **state)
{
    fx *f = *state;
    edx_rating_rec ratings[] = {{2024, EDX_RATING_GOOD}, {2025, (edx_rating_level)9}};
    edx_award_rec awards[] = {{"grassroots_emulation_fighter", 2025, 20250230, NULL, NULL, 0}};
    edx_history h = {EDX_SUBJECT_INDIVIDUAL, NULL, NULL, 0, ratings, 2, NULL, 0, NULL, 0};
    edx_elig_query query = {"labor_medal_3", 2025, "2025-12-01"};
    edx_eligibility v;
    json_t *rep = (json_t *)1;
    edx_err e;
    assert_int_equal(edx_rules_evaluate(f->shipped, &h, &query, &v, &rep, &e), EDX_EINVAL);
    assert_string_equal(e.field, "ratings[1].level");
    assert_null(rep);
    h.n_ratings = 1;
    h.awards = awards;
    h.n_awards = 1;
    assert_int_equal(edx_rules_evaluate(f->shipped, &h, &query, &v, &rep, &e), EDX_EINVAL);
    assert_string_equal(e.field, "awards[0].decision_date");
    awards[0].decision_date = 20250228;
    assert_int_equal(edx_rules_evaluate(f->shipped, &h, &query, &v, &rep, &e), 0);
    json_decref(rep);
}

static void test_bad_queries_are_refused(void **state)
{
    fx *f = *state;
    edx_history h = hist(f, f->shipped, "{'subject':{'kind':'individual'}}");
    edx_eligibility v;
    json_t *rep;
    edx_err e;
    edx_elig_query unknown = {"hero_medal", 2025, "2025-12-01"};
    assert_int_equal(edx_rules_evaluate(f->shipped, &h, &unknown, &v, &rep, &e), EDX_EINVAL);
    assert_string_equal(e.code, "unknown_form");
    edx_elig_query date = {"pm_certificate", 2025, "2025-02-29"};
    assert_int_equal(edx_rules_evaluate(f->shipped, &h, &date, &v, &rep, &e), EDX_EINVAL);
    assert_string_equal(e.field, "as_of");
    edx_elig_query year = {"pm_certificate", 2200, "2025-12-01"};
    assert_int_equal(edx_rules_evaluate(f->shipped, &h, &year, &v, &rep, &e), EDX_EINVAL);
    assert_string_equal(e.field, "candidate_year");
}

/* jansson's allocator, failing once `alloc_budget` allocations have been made. */
static long alloc_budget;

static void *failing_malloc(size_t n)
{
    return alloc_budget-- > 0 ? malloc(n) : NULL;
}

/* Every allocation of the report may fail: the answer is then EDX_ENOMEM, no report and no
 * leak (checked under ASan), never a partial report. */
static void test_out_of_memory_while_reporting_is_an_error(void **state)
{
    fx *f = *state;
    edx_history h = hist(f, f->shipped, edx_arena_printf(&f->a, MEDAL_PASS, "", "excellent"));
    edx_elig_query query = {"labor_medal_3", 2025, "2025-11-01"};
    int failures = 0;
    for (long budget = 0;; budget++) {
        edx_eligibility v = EDX_ELIGIBLE;
        json_t *rep = (json_t *)1;
        edx_err e;
        alloc_budget = budget;
        json_set_alloc_funcs(failing_malloc, free);
        int rc = edx_rules_evaluate(f->shipped, &h, &query, &v, &rep, &e);
        json_set_alloc_funcs(malloc, free);
        if (rc == 0) {
            assert_int_equal(v, EDX_ELIGIBLE);
            json_decref(rep);
            break;
        }
        assert_int_equal(rc, EDX_ENOMEM);
        assert_null(rep);
        assert_int_equal(v, EDX_ELIGIBILITY_UNKNOWN);
        failures++;
    }
    assert_true(failures > 50);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_shipped_rules_load_with_every_form),
        T(test_shipped_rules_are_verified_exactly_where_confirmed),
        T(test_ministry_fighter_eligible_with_three_consecutive_titles_and_initiative),
        T(test_ministry_fighter_fails_when_a_gap_breaks_the_titles),
        T(test_ministry_fighter_needs_an_initiative_beyond_the_unit),
        T(test_ministry_fighter_does_not_reuse_titles_of_an_earlier_title),
        T(test_national_fighter_needs_two_titles_one_period_apart_and_national_initiative),
        T(test_national_fighter_unknown_when_the_recognising_body_is_missing),
        T(test_labor_medal_individual_route_holds_and_names_its_records),
        T(test_labor_medal_individual_route_fails_without_an_excellent_year),
        T(test_labor_medal_individual_needs_an_earlier_pm_certificate),
        T(test_labor_medal_tries_every_earlier_certificate),
        T(test_government_flag_for_leading_a_pm_movement_at_its_review),
        T(test_minister_flag_for_leading_a_cluster_in_the_candidate_year),
        T(test_consecutive_ratings_are_broken_by_a_lower_year),
        T(test_a_missing_rating_year_makes_the_answer_unknown),
        T(test_effective_date_selects_the_rule_version),
        T(test_versions_change_the_condition_on_their_effective_date),
        T(test_unverified_rule_gives_a_warning),
        T(test_a_second_state_award_in_the_year_fails_unless_exempt),
        T(test_awards_decided_after_the_as_of_date_are_ignored),
        T(test_a_form_not_given_to_the_subject_kind_is_not_eligible),
        T(test_any_and_not_combine_three_valued_results),
        T(test_within_years_limits_the_counted_years),
        T(test_requirements_and_routes_combine),
        T(test_rule_file_with_unknown_condition_is_refused),
        T(test_rule_file_with_unknown_field_is_refused),
        T(test_rule_file_with_bad_date_is_refused),
        T(test_rule_file_with_wrong_types_is_refused),
        T(test_rule_file_with_duplicate_rule_id_is_refused),
        T(test_rule_versions_must_not_overlap_or_change_target),
        T(test_rule_file_with_unknown_form_is_refused),
        T(test_rule_file_that_is_not_json_or_nests_too_deep_is_refused),
        T(test_history_errors_name_the_record),
        T(test_vietnamese_rating_names_are_accepted),
        T(test_caller_built_histories_are_checked),
        T(test_bad_queries_are_refused),
        T(test_out_of_memory_while_reporting_is_an_error),
    };
#undef T
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
