/*
 * rules.c: the eligibility rule engine (rules.h, docs/eligibility.md).
 *
 * Three parts: compiling a rule file into a tree of structs (everything is
 * checked here, so evaluation trusts the tree), reading and checking a
 * subject's history, and evaluating a form's rules against that history with
 * an explanation per condition. Years index small stack tables
 * (EDX_YEAR_MIN..EDX_YEAR_MAX), so evaluation needs no allocator but jansson's.
 */
#include "awards/rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/utf8.h"
#include "json/json.h"

#define NYEARS (EDX_YEAR_MAX - EDX_YEAR_MIN + 1)
#define MAX_DEPTH 32  /* nesting of conditions */
#define MAX_COUNT 100 /* bounds of counts and year spans in conditions */
#define FORMAT 1      /* the rule-file format this engine reads */

/* ---- vocabularies --------------------------------------------------------------------------- */

/* Index 0 is "not set"; the JSON names, then Vietnamese and English phrases for reports. */
#define N_OF(t) ((int)(sizeof(t) / sizeof((t)[0])))

static const char *const SUBJECTS[] = {"", "individual", "collective"};
static const char *const SUBJECT_TEXT[][2] = {
    {"", ""}, {"cá nhân", "individuals"}, {"tập thể", "collectives"}};
static const char *const FORM_TYPES[] = {"", "title", "reward"};
enum { FT_TITLE = 1, FT_REWARD = 2 };
static const char *const LEVELS[] = {"", "unit", "ministry", "state"};
static const char *const LEVEL_TEXT[][2] = {{"", ""},
                                            {"cấp cơ sở", "unit-level"},
                                            {"cấp bộ, ngành, tỉnh", "ministry/province-level"},
                                            {"cấp Nhà nước", "state-level"}};
static const char *const KINDS[] = {"", "route", "requirement"};
enum { K_ROUTE = 1, K_REQUIREMENT = 2 };
static const char *const RATINGS[] = {"", "not_completed", "completed", "good", "excellent"};
static const char *const RATING_TEXT[][2] = {
    {"", ""},
    {"Không hoàn thành nhiệm vụ", "did not fulfil duties"},
    {"Hoàn thành nhiệm vụ", "fulfilled duties"},
    {"Hoàn thành tốt nhiệm vụ", "fulfilled duties well"},
    {"Hoàn thành xuất sắc nhiệm vụ", "fulfilled duties excellently"}};
static const char *const AWARD_TYPES[] = {
    "", "regular", "movement", "irregular", "contribution", "seniority", "foreign"};
static const char *const AWARD_TYPE_TEXT[][2] = {
    {"", ""},
    {"thường xuyên", "regular"},
    {"theo phong trào thi đua", "by emulation movement"},
    {"đột xuất", "irregular"},
    {"quá trình cống hiến", "contribution"},
    {"niên hạn", "seniority"},
    {"đối ngoại", "foreign relations"}};
static const char *const SCOPES[] = {"", "unit", "ministry", "province", "national"};
/* Ministry and province are one tier: "replicable within the ministry/province". */
static const int SCOPE_TIER[] = {0, 1, 2, 2, 3};
static const char *const TIER_TEXT[][2] = {
    {"", ""},
    {"từ cấp cơ sở trở lên", "at unit level or wider"},
    {"từ cấp bộ, ngành, tỉnh trở lên", "across the ministry/province or wider"},
    {"toàn quốc", "nationwide"}};
static const char *const BODIES[] = {"",           "unit",           "ministry", "province",
                                     "government", "prime_minister", "president"};
static const char *const BODY_TEXT[][2] = {{"", ""},
                                           {"đơn vị", "the unit"},
                                           {"bộ, ngành", "the ministry"},
                                           {"tỉnh, thành phố", "the province"},
                                           {"Chính phủ", "the Government"},
                                           {"Thủ tướng Chính phủ", "the Prime Minister"},
                                           {"Chủ tịch nước", "the President"}};
static const char *const LEAD_KINDS[] = {"", "cluster", "block", "movement"};
static const char *const LEAD_TEXT[][2] = {{"", ""},
                                           {"cụm thi đua", "an emulation cluster"},
                                           {"khối thi đua", "an emulation block"},
                                           {"phong trào thi đua", "an emulation movement"}};
static const char *const REVIEWS[] = {"", "annual", "preliminary", "final"};
static const char *const REVIEW_TEXT[][2] = {{"", ""},
                                             {"tổng kết năm", "the annual review"},
                                             {"sơ kết", "the preliminary review"},
                                             {"tổng kết", "the final review"}};

enum {
    OP_ALL = 1,
    OP_ANY,
    OP_NOT,
    OP_HAS_AWARD,
    OP_COUNT_AWARDS,
    OP_CONSECUTIVE_RATINGS,
    OP_HAS_INITIATIVE,
    OP_LEADS,
    OP_NO_AWARD_WITHIN,
    OP_AFTER_AWARD,
    OP_SINCE_LAST_AWARD,
    OP_MANUAL,
};
static const char *const OPS[] = {"",
                                  "all",
                                  "any",
                                  "not",
                                  "has_award",
                                  "count_awards",
                                  "consecutive_ratings",
                                  "has_initiative",
                                  "leads",
                                  "no_award_within",
                                  "after_award",
                                  "since_last_award",
                                  "manual"};

/* The index of `s` in table t[1..n), or 0. */
static int lookup(const char *const *t, int n, const char *s)
{
    for (int i = 1; i < n; i++)
        if (strcmp(t[i], s) == 0) return i;
    return 0;
}

/* ---- the compiled tree ---------------------------------------------------------------------- */

typedef struct rform {
    const char *code, *name[2]; /* name[0] Vietnamese, name[1] English */
    int type, level;
    unsigned subjects; /* bit (1 << edx_subject_kind) */
    int period_years;  /* years one title covers (for "consecutive"); 0: not set */
} rform;

typedef struct rcond rcond;
struct rcond {
    int op;
    const char *path; /* location in the rule file, quoted in reports */
    rcond **kids;     /* all, any: the operands; not, after_award, since_last_award: kids[0] */
    size_t nkids;
    const rform **forms; /* award operators */
    size_t nforms;
    int min, years, within, consecutive, step;
    int min_level, with_level, with_count; /* consecutive_ratings */
    int min_tier;                          /* has_initiative */
    unsigned bodies;                       /* recognised_by / organiser; 0: any */
    unsigned lead_kinds, reviews;          /* leads; reviews 0: any */
    int min_span;                          /* leads: a movement's span in years; 0: any */
    int level, form_type;                  /* no_award_within */
    unsigned except_types;                 /* no_award_within */
    const char *text[2];                   /* manual */
};

typedef struct rcite {
    const char *document, *article; /* article NULL when not known */
} rcite;

typedef struct rrule {
    const char *id, *path, *notes;
    int version;
    const rform *form; /* applies to this form, or (form NULL) to every form of `level` */
    int level, form_type;
    unsigned subjects; /* 0: any subject kind */
    int kind;
    const rcite *cites;
    size_t ncites;
    int from, until; /* YYYYMMDD; until 0: open */
    int verified;
    const rcond *cond;
} rrule;

struct edx_rules {
    edx_arena arena;
    const char *version;
    rform *forms;
    size_t nforms;
    rrule *rules;
    size_t nrules;
};

static const rform *find_form(const edx_rules *r, const char *code)
{
    for (size_t i = 0; i < r->nforms; i++)
        if (strcmp(r->forms[i].code, code) == 0) return &r->forms[i];
    return NULL;
}

/* ---- compiling ------------------------------------------------------------------------------ */

typedef struct cc {
    edx_rules *r;
    edx_arena *a;
    edx_err *err;
} cc;

/* "path.key" (or "key" at the root, or just path when key is NULL) into buf. */
static const char *loc(char *buf, size_t cap, const char *path, const char *key)
{
    if (!key)
        snprintf(buf, cap, "%s", path);
    else if (!*path)
        snprintf(buf, cap, "%s", key);
    else
        snprintf(buf, cap, "%s.%s", path, key);
    return buf;
}

/* An EDX_EINVAL naming location path.key in err->field and at the start of the message. */
static int bad(cc *c, const char *code, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int bad(cc *c, const char *code, const char *path, const char *key, const char *fmt, ...)
{
    char where[256], why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    loc(where, sizeof where, path, key);
    return edx_err_set(c->err, EDX_EINVAL, 400, code, where, "%s: %s", where, why);
}

/* Re-aim an error of the edx_json_* helpers (whose field is a member name) at its location. */
static int at(cc *c, const char *path, int rc)
{
    if (rc != EDX_EINVAL || !c->err) return rc;
    char where[256], msg[320], code[48];
    loc(where, sizeof where, path, c->err->field[0] ? c->err->field : NULL);
    if (!*where) return rc;
    snprintf(msg, sizeof msg, "%s", c->err->message);
    snprintf(code, sizeof code, "%s", c->err->code);
    return edx_err_set(c->err, rc, 400, code, where, "%s: %s", where, msg);
}

static char *sub(cc *c, const char *path, const char *key)
{
    return *path ? edx_arena_printf(c->a, "%s.%s", path, key) : edx_arena_strdup(c->a, key);
}

static char *item(cc *c, const char *path, const char *key, size_t i)
{
    return *path ? edx_arena_printf(c->a, "%s.%s[%zu]", path, key, i)
                 : edx_arena_printf(c->a, "%s[%zu]", key, i);
}

static int only(cc *c, json_t *o, const char *path, const char *const *keys)
{
    return at(c, path, edx_json_only(o, keys, c->err));
}

static int get_object(cc *c, json_t *o, const char *path, const char *key, int required,
                      json_t **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? bad(c, "invalid_field", path, key, "%s is required", key) : 0;
    if (!json_is_object(v)) return bad(c, "invalid_field", path, key, "must be an object");
    *out = v;
    return 0;
}

/* A non-empty array; absent is fine unless required (then *out stays NULL). */
static int get_array(cc *c, json_t *o, const char *path, const char *key, int required,
                     int nonempty, json_t **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? bad(c, "invalid_field", path, key, "%s is required", key) : 0;
    if (!json_is_array(v)) return bad(c, "invalid_field", path, key, "must be an array");
    if (nonempty && json_array_size(v) == 0)
        return bad(c, "invalid_field", path, key, "must not be empty");
    *out = v;
    return 0;
}

/* A non-empty string, copied into the arena. */
static int get_str(cc *c, json_t *o, const char *path, const char *key, int required,
                   const char **out)
{
    const char *s = NULL;
    int rc = edx_json_get_str(o, key, required, &s, c->err);
    if (rc) return at(c, path, rc);
    if (!s) return 0;
    if (!*s) return bad(c, "invalid_field", path, key, "must not be empty");
    if (!(*out = edx_arena_strdup(c->a, s))) return edx_err_nomem(c->err);
    return 0;
}

static int get_int(cc *c, json_t *o, const char *path, const char *key, int required, int min,
                   int max, int *out)
{
    int64_t v;
    int rc = edx_json_get_int(o, key, required, min, max, &v, c->err);
    if (rc) return at(c, path, rc);
    if (json_is_integer(json_object_get(o, key))) *out = (int)v;
    return 0;
}

static int get_bool(cc *c, json_t *o, const char *path, const char *key, int *out)
{
    return at(c, path, edx_json_get_bool(o, key, 1, out, c->err));
}

/* "YYYY-MM-DD" (a real calendar day) into YYYYMMDD; 0 or -1. */
static int parse_date(const char *s, int *out)
{
    int64_t t;
    if (strlen(s) != 10 || edx_time_parse(s, &t) != 0) return -1;
    *out = atoi(s) * 10000 + atoi(s + 5) * 100 + atoi(s + 8);
    return 0;
}

static int get_date(cc *c, json_t *o, const char *path, const char *key, int required, int *out)
{
    const char *s = NULL;
    int rc = edx_json_get_str(o, key, required, &s, c->err);
    if (rc) return at(c, path, rc);
    if (s && parse_date(s, out) != 0)
        return bad(c, "invalid_date", path, key, "\"%.40s\" is not a date (YYYY-MM-DD)", s);
    if (s && (*out / 10000 < EDX_YEAR_MIN || *out / 10000 > EDX_YEAR_MAX))
        return bad(c, "invalid_date", path, key, "the year must be between %d and %d", EDX_YEAR_MIN,
                   EDX_YEAR_MAX);
    return 0;
}

static int vocab_error(cc *c, const char *path, const char *key, const char *const *t, int n,
                       const char *got)
{
    char list[256] = "";
    size_t used = 0;
    for (int i = 1; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i > 1 ? ", " : "", t[i]);
    return bad(c, "invalid_field", path, key, "\"%.40s\" is not one of: %s", got, list);
}

/* One word of vocabulary t; *out gets its index (left alone when absent and optional). */
static int get_vocab(cc *c, json_t *o, const char *path, const char *key, const char *const *t,
                     int n, int required, int *out)
{
    const char *s = NULL;
    int rc = edx_json_get_str(o, key, required, &s, c->err);
    if (rc) return at(c, path, rc);
    if (!s) return 0;
    int i = lookup(t, n, s);
    if (!i) return vocab_error(c, path, key, t, n, s);
    *out = i;
    return 0;
}

/* One word or a non-empty array of distinct words of vocabulary t, as a bit mask. */
static int get_vocab_set(cc *c, json_t *o, const char *path, const char *key, const char *const *t,
                         int n, int required, unsigned *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return required ? bad(c, "invalid_field", path, key, "%s is required", key) : 0;
    if (json_is_string(v)) {
        int i = lookup(t, n, json_string_value(v));
        if (!i) return vocab_error(c, path, key, t, n, json_string_value(v));
        *out = 1u << i;
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(c, "invalid_field", path, key, "must be a word or a non-empty array of words");
    unsigned mask = 0;
    size_t k;
    json_t *e;
    json_array_foreach(v, k, e) {
        char at_k[128];
        snprintf(at_k, sizeof at_k, "%s[%zu]", key, k);
        if (!json_is_string(e)) return bad(c, "invalid_field", path, at_k, "must be a string");
        int i = lookup(t, n, json_string_value(e));
        if (!i) return vocab_error(c, path, at_k, t, n, json_string_value(e));
        if (mask & (1u << i))
            return bad(c, "invalid_field", path, at_k, "\"%s\" is listed twice", t[i]);
        mask |= 1u << i;
    }
    *out = mask;
    return 0;
}

static const char *const CODE_HELP = "must be 1 to 48 lower-case letters, digits or _, "
                                     "starting with a letter";

static int valid_code(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 48 || s[0] < 'a' || s[0] > 'z') return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* "form": a form code or a non-empty array of distinct codes, each defined in "forms". */
static int get_forms(cc *c, json_t *o, const char *path, rcond *n)
{
    json_t *v = json_object_get(o, "form");
    if (!v || json_is_null(v)) return bad(c, "invalid_field", path, "form", "form is required");
    size_t count = json_is_array(v) ? json_array_size(v) : 1;
    if ((!json_is_string(v) && !json_is_array(v)) || count == 0)
        return bad(c, "invalid_field", path, "form", "must be a form code or a non-empty array");
    n->forms = edx_arena_calloc(c->a, count, sizeof *n->forms);
    if (!n->forms) return edx_err_nomem(c->err);
    for (size_t k = 0; k < count; k++) {
        json_t *e = json_is_array(v) ? json_array_get(v, k) : v;
        char at_k[64];
        if (json_is_array(v))
            snprintf(at_k, sizeof at_k, "form[%zu]", k);
        else
            snprintf(at_k, sizeof at_k, "form");
        if (!json_is_string(e)) return bad(c, "invalid_field", path, at_k, "must be a string");
        const rform *f = find_form(c->r, json_string_value(e));
        if (!f)
            return bad(c, "unknown_form", path, at_k, "unknown form \"%.48s\" (not in \"forms\")",
                       json_string_value(e));
        for (size_t j = 0; j < k; j++)
            if (n->forms[j] == f)
                return bad(c, "invalid_field", path, at_k, "\"%s\" is listed twice", f->code);
        n->forms[k] = f;
    }
    n->nforms = count;
    return 0;
}

static int compile_cond(cc *c, json_t *j, const char *path, int depth, rcond **out);

/* Operands of all / any. */
static int compile_list(cc *c, json_t *arg, const char *path, const char *op, int depth, rcond *n)
{
    if (!json_is_array(arg) || json_array_size(arg) == 0)
        return bad(c, "invalid_field", path, op, "must be a non-empty array of conditions");
    n->nkids = json_array_size(arg);
    n->kids = edx_arena_calloc(c->a, n->nkids, sizeof *n->kids);
    if (!n->kids) return edx_err_nomem(c->err);
    for (size_t k = 0; k < n->nkids; k++) {
        char *p = item(c, path, op, k);
        if (!p) return edx_err_nomem(c->err);
        int rc = compile_cond(c, json_array_get(arg, k), p, depth + 1, &n->kids[k]);
        if (rc) return rc;
    }
    return 0;
}

/* The one operand of not, after_award ("then") and since_last_award ("then"). */
static int compile_kid(cc *c, json_t *j, const char *path, int depth, rcond *n)
{
    n->kids = edx_arena_calloc(c->a, 1, sizeof *n->kids);
    if (!n->kids) return edx_err_nomem(c->err);
    n->nkids = 1;
    return compile_cond(c, j, path, depth + 1, &n->kids[0]);
}

static int compile_args(cc *c, rcond *n, json_t *arg, const char *p, int depth)
{
    static const char *const AWARD_KEYS[] = {"form", NULL};
    static const char *const COUNT_KEYS[] = {"form", "min", "consecutive", "within_years", NULL};
    static const char *const RATING_KEYS[] = {"min_level", "years", "with_at_least", NULL};
    static const char *const WITH_KEYS[] = {"level", "count", NULL};
    static const char *const INIT_KEYS[] = {"min_scope", "recognised_by", "min", "within_years",
                                            NULL};
    static const char *const LEAD_KEYS[] = {"kind", "organiser", "review", "min_span_years", NULL};
    static const char *const NONE_KEYS[] = {"level", "type", "years", "except_types", NULL};
    static const char *const ANCHOR_KEYS[] = {"form", "then", NULL};
    static const char *const MANUAL_KEYS[] = {"vi", "en", NULL};
    static const char *const *const KEYS[] = {[OP_HAS_AWARD] = AWARD_KEYS,
                                              [OP_COUNT_AWARDS] = COUNT_KEYS,
                                              [OP_CONSECUTIVE_RATINGS] = RATING_KEYS,
                                              [OP_HAS_INITIATIVE] = INIT_KEYS,
                                              [OP_LEADS] = LEAD_KEYS,
                                              [OP_NO_AWARD_WITHIN] = NONE_KEYS,
                                              [OP_AFTER_AWARD] = ANCHOR_KEYS,
                                              [OP_SINCE_LAST_AWARD] = ANCHOR_KEYS,
                                              [OP_MANUAL] = MANUAL_KEYS};
    int rc;
    if (!json_is_object(arg)) return bad(c, "invalid_field", p, NULL, "must be an object");
    if ((rc = only(c, arg, p, KEYS[n->op]))) return rc;
    switch (n->op) {
    case OP_HAS_AWARD:
        n->min = 1;
        return get_forms(c, arg, p, n);
    case OP_COUNT_AWARDS:
        if ((rc = get_forms(c, arg, p, n)) ||
            (rc = get_int(c, arg, p, "min", 1, 1, MAX_COUNT, &n->min)) ||
            (rc = get_int(c, arg, p, "within_years", 0, 1, MAX_COUNT, &n->within)))
            return rc;
        if (json_object_get(arg, "consecutive") &&
            (rc = get_bool(c, arg, p, "consecutive", &n->consecutive)))
            return rc;
        if (n->consecutive) {
            /* Consecutive titles follow each other by the span one title covers. */
            n->step = n->forms[0]->period_years;
            for (size_t k = 0; k < n->nforms; k++) {
                if (!n->forms[k]->period_years)
                    return bad(c, "invalid_field", p, "consecutive",
                               "form \"%s\" has no period_years, so consecutive has no meaning",
                               n->forms[k]->code);
                if (n->forms[k]->period_years != n->step)
                    return bad(c, "invalid_field", p, "consecutive",
                               "the forms listed have different period_years");
            }
        }
        return 0;
    case OP_CONSECUTIVE_RATINGS: {
        json_t *with;
        if ((rc = get_vocab(c, arg, p, "min_level", RATINGS, N_OF(RATINGS), 1, &n->min_level)) ||
            (rc = get_int(c, arg, p, "years", 1, 1, MAX_COUNT, &n->years)) ||
            (rc = get_object(c, arg, p, "with_at_least", 0, &with)))
            return rc;
        if (!with) return 0;
        const char *wp = sub(c, p, "with_at_least");
        if (!wp) return edx_err_nomem(c->err);
        if ((rc = only(c, with, wp, WITH_KEYS)) ||
            (rc = get_vocab(c, with, wp, "level", RATINGS, N_OF(RATINGS), 1, &n->with_level)) ||
            (rc = get_int(c, with, wp, "count", 1, 1, MAX_COUNT, &n->with_count)))
            return rc;
        if (n->with_level <= n->min_level)
            return bad(c, "invalid_field", wp, "level", "must be above min_level \"%s\"",
                       RATINGS[n->min_level]);
        return 0;
    }
    case OP_HAS_INITIATIVE: {
        int scope = 0;
        n->min = 1;
        if ((rc = get_vocab(c, arg, p, "min_scope", SCOPES, N_OF(SCOPES), 1, &scope)) ||
            (rc = get_vocab_set(c, arg, p, "recognised_by", BODIES, N_OF(BODIES), 0, &n->bodies)) ||
            (rc = get_int(c, arg, p, "min", 0, 1, MAX_COUNT, &n->min)) ||
            (rc = get_int(c, arg, p, "within_years", 0, 1, MAX_COUNT, &n->within)))
            return rc;
        n->min_tier = SCOPE_TIER[scope];
        return 0;
    }
    case OP_LEADS:
        if ((rc = get_vocab_set(c, arg, p, "kind", LEAD_KINDS, N_OF(LEAD_KINDS), 1,
                                &n->lead_kinds)) ||
            (rc = get_vocab_set(c, arg, p, "organiser", BODIES, N_OF(BODIES), 0, &n->bodies)) ||
            (rc = get_vocab_set(c, arg, p, "review", REVIEWS, N_OF(REVIEWS), 0, &n->reviews)) ||
            (rc = get_int(c, arg, p, "min_span_years", 0, 1, MAX_COUNT, &n->min_span)))
            return rc;
        return 0;
    case OP_NO_AWARD_WITHIN:
        if ((rc = get_vocab(c, arg, p, "level", LEVELS, N_OF(LEVELS), 1, &n->level)) ||
            (rc = get_vocab(c, arg, p, "type", FORM_TYPES, N_OF(FORM_TYPES), 0, &n->form_type)) ||
            (rc = get_int(c, arg, p, "years", 1, 1, MAX_COUNT, &n->years)) ||
            (rc = get_vocab_set(c, arg, p, "except_types", AWARD_TYPES, N_OF(AWARD_TYPES), 0,
                                &n->except_types)))
            return rc;
        return 0;
    case OP_AFTER_AWARD:
    case OP_SINCE_LAST_AWARD: {
        json_t *then = json_object_get(arg, "then");
        if ((rc = get_forms(c, arg, p, n))) return rc;
        if (!then) return bad(c, "invalid_field", p, "then", "then is required");
        const char *tp = sub(c, p, "then");
        if (!tp) return edx_err_nomem(c->err);
        return compile_kid(c, then, tp, depth, n);
    }
    case OP_MANUAL:
        if ((rc = get_str(c, arg, p, "vi", 1, &n->text[0])) ||
            (rc = get_str(c, arg, p, "en", 1, &n->text[1])))
            return rc;
        return 0;
    }
    return edx_err_set(c->err, EDX_EINTERNAL, 500, "internal", p, "operator without arguments");
}

static int compile_cond(cc *c, json_t *j, const char *path, int depth, rcond **out)
{
    if (depth > MAX_DEPTH)
        return bad(c, "invalid_field", path, NULL, "conditions nest deeper than %d levels",
                   MAX_DEPTH);
    if (!json_is_object(j) || json_object_size(j) != 1)
        return bad(c, "invalid_field", path, NULL,
                   "a condition is an object with exactly one operator, e.g. {\"all\": [...]}");
    const char *name = NULL;
    json_t *arg = NULL, *v;
    const char *k;
    json_object_foreach(j, k, v) {
        name = k;
        arg = v;
    }
    int op = lookup(OPS, N_OF(OPS), name);
    if (!op)
        return bad(c, "unknown_condition", path, name,
                   "unknown condition \"%.40s\" (known: all, any, not, has_award, count_awards, "
                   "consecutive_ratings, has_initiative, leads, no_award_within, after_award, "
                   "since_last_award, manual)",
                   name);
    rcond *n = edx_arena_calloc(c->a, 1, sizeof *n);
    char *p = sub(c, path, name);
    if (!n || !p) return edx_err_nomem(c->err);
    n->op = op;
    n->path = path;
    *out = n;
    switch (op) {
    case OP_ALL:
    case OP_ANY:
        return compile_list(c, arg, path, name, depth, n);
    case OP_NOT:
        return compile_kid(c, arg, p, depth, n);
    default:
        return compile_args(c, n, arg, p, depth);
    }
}

static int compile_forms(cc *c, json_t *forms)
{
    static const char *const KEYS[] = {"code",     "name",         "type",  "level",
                                       "subjects", "period_years", "notes", NULL};
    static const char *const NAME_KEYS[] = {"vi", "en", NULL};
    edx_rules *r = c->r;
    r->forms = edx_arena_calloc(c->a, json_array_size(forms), sizeof *r->forms);
    if (!r->forms) return edx_err_nomem(c->err);
    size_t i;
    json_t *f;
    json_array_foreach(forms, i, f) {
        char *p = item(c, "", "forms", i);
        if (!p) return edx_err_nomem(c->err);
        if (!json_is_object(f)) return bad(c, "invalid_field", p, NULL, "must be an object");
        rform *fm = &r->forms[i];
        json_t *name;
        const char *notes = NULL;
        int rc;
        if ((rc = only(c, f, p, KEYS)) || (rc = get_str(c, f, p, "code", 1, &fm->code))) return rc;
        if (!valid_code(fm->code)) return bad(c, "invalid_field", p, "code", "%s", CODE_HELP);
        if (find_form(r, fm->code))
            return bad(c, "duplicate_form", p, "code", "form \"%s\" is defined twice", fm->code);
        const char *np = sub(c, p, "name");
        if (!np) return edx_err_nomem(c->err);
        if ((rc = get_object(c, f, p, "name", 1, &name)) || (rc = only(c, name, np, NAME_KEYS)) ||
            (rc = get_str(c, name, np, "vi", 1, &fm->name[0])) ||
            (rc = get_str(c, name, np, "en", 1, &fm->name[1])) ||
            (rc = get_vocab(c, f, p, "type", FORM_TYPES, N_OF(FORM_TYPES), 1, &fm->type)) ||
            (rc = get_vocab(c, f, p, "level", LEVELS, N_OF(LEVELS), 1, &fm->level)) ||
            (rc = get_vocab_set(c, f, p, "subjects", SUBJECTS, N_OF(SUBJECTS), 1, &fm->subjects)) ||
            (rc = get_int(c, f, p, "period_years", 0, 1, MAX_COUNT, &fm->period_years)) ||
            (rc = get_str(c, f, p, "notes", 0, &notes)))
            return rc;
        r->nforms = i + 1;
    }
    return 0;
}

static int compile_applies(cc *c, json_t *o, const char *p, rrule *ru)
{
    static const char *const KEYS[] = {"form", "level", "type", "subject", NULL};
    json_t *to;
    int rc;
    const char *code = NULL;
    if ((rc = get_object(c, o, p, "applies_to", 1, &to))) return rc;
    const char *ap = sub(c, p, "applies_to");
    if (!ap) return edx_err_nomem(c->err);
    if ((rc = only(c, to, ap, KEYS)) || (rc = get_str(c, to, ap, "form", 0, &code)) ||
        (rc = get_vocab(c, to, ap, "level", LEVELS, N_OF(LEVELS), 0, &ru->level)) ||
        (rc = get_vocab(c, to, ap, "type", FORM_TYPES, N_OF(FORM_TYPES), 0, &ru->form_type)) ||
        (rc = get_vocab_set(c, to, ap, "subject", SUBJECTS, N_OF(SUBJECTS), 0, &ru->subjects)))
        return rc;
    if (!code == !ru->level) return bad(c, "invalid_field", ap, NULL, "give either form or level");
    if (code) {
        if (ru->form_type)
            return bad(c, "invalid_field", ap, "type",
                       "type selects forms by level; not with form");
        if (!(ru->form = find_form(c->r, code)))
            return bad(c, "unknown_form", ap, "form", "unknown form \"%.48s\" (not in \"forms\")",
                       code);
        if (ru->subjects & ~ru->form->subjects)
            return bad(c, "invalid_field", ap, "subject", "form \"%s\" is not given to %s", code,
                       ru->subjects & (1u << EDX_SUBJECT_INDIVIDUAL) ? "individuals"
                                                                     : "collectives");
    }
    return 0;
}

static int compile_rule(cc *c, json_t *o, const char *p, rrule *ru)
{
    static const char *const KEYS[] = {"id",
                                       "version",
                                       "applies_to",
                                       "kind",
                                       "citations",
                                       "effective_from",
                                       "effective_until",
                                       "verified",
                                       "notes",
                                       "condition",
                                       NULL};
    static const char *const CITE_KEYS[] = {"document", "article", NULL};
    json_t *cites, *cond, *e;
    size_t k;
    int rc;
    if (!json_is_object(o)) return bad(c, "invalid_field", p, NULL, "must be an object");
    ru->path = p;
    if ((rc = only(c, o, p, KEYS)) || (rc = get_str(c, o, p, "id", 1, &ru->id))) return rc;
    if (!valid_code(ru->id)) return bad(c, "invalid_field", p, "id", "%s", CODE_HELP);
    if ((rc = get_int(c, o, p, "version", 1, 1, 1000000, &ru->version)) ||
        (rc = compile_applies(c, o, p, ru)) ||
        (rc = get_vocab(c, o, p, "kind", KINDS, N_OF(KINDS), 1, &ru->kind)) ||
        (rc = get_array(c, o, p, "citations", 1, 1, &cites)) ||
        (rc = get_date(c, o, p, "effective_from", 1, &ru->from)) ||
        (rc = get_date(c, o, p, "effective_until", 0, &ru->until)) ||
        (rc = get_bool(c, o, p, "verified", &ru->verified)) ||
        (rc = get_str(c, o, p, "notes", 0, &ru->notes)))
        return rc;
    if (ru->until && ru->until < ru->from)
        return bad(c, "invalid_date", p, "effective_until", "is before effective_from");
    rcite *cs = edx_arena_calloc(c->a, json_array_size(cites), sizeof *cs);
    if (!cs) return edx_err_nomem(c->err);
    json_array_foreach(cites, k, e) {
        char *cp = item(c, p, "citations", k);
        if (!cp) return edx_err_nomem(c->err);
        if (!json_is_object(e)) return bad(c, "invalid_field", cp, NULL, "must be an object");
        if ((rc = only(c, e, cp, CITE_KEYS)) ||
            (rc = get_str(c, e, cp, "document", 1, &cs[k].document)) ||
            (rc = get_str(c, e, cp, "article", 0, &cs[k].article)))
            return rc;
    }
    ru->cites = cs;
    ru->ncites = json_array_size(cites);
    if (!(cond = json_object_get(o, "condition")))
        return bad(c, "invalid_field", p, "condition", "condition is required");
    const char *cp = sub(c, p, "condition");
    rcond *root = NULL;
    if (!cp) return edx_err_nomem(c->err);
    rc = compile_cond(c, cond, cp, 1, &root);
    ru->cond = root;
    return rc;
}

static int same_target(const rrule *a, const rrule *b)
{
    return a->form == b->form && a->level == b->level && a->form_type == b->form_type &&
           a->subjects == b->subjects && a->kind == b->kind;
}

/* Versions of one rule: distinct numbers, one target, no two in effect on the same day. */
static int check_versions(cc *c)
{
    const edx_rules *r = c->r;
    for (size_t i = 0; i < r->nrules; i++) {
        const rrule *b = &r->rules[i];
        for (size_t j = 0; j < i; j++) {
            const rrule *a = &r->rules[j];
            if (strcmp(a->id, b->id) != 0) continue;
            if (a->version == b->version)
                return bad(c, "duplicate_rule", b->path, "id",
                           "rule \"%s\" version %d is already defined at %s", b->id, b->version,
                           a->path);
            if (!same_target(a, b))
                return bad(c, "inconsistent_versions", b->path, "applies_to",
                           "versions of rule \"%s\" must have the same applies_to and kind as %s",
                           b->id, a->path);
            int a_end = a->until ? a->until : 99999999, b_end = b->until ? b->until : 99999999;
            if (a->from <= b_end && b->from <= a_end)
                return bad(c, "overlapping_versions", b->path, "effective_from",
                           "rule \"%s\" version %d is in effect on days also covered by version "
                           "%d (%s)",
                           b->id, b->version, a->version, a->path);
        }
    }
    return 0;
}

static int compile_root(cc *c, json_t *root)
{
    static const char *const KEYS[] = {"format", "version", "description", "forms", "rules", NULL};
    json_t *forms, *rules, *o;
    const char *desc = NULL;
    int format = 0, rc;
    size_t i;
    if ((rc = only(c, root, "", KEYS)) ||
        (rc = get_int(c, root, "", "format", 1, 0, 1 << 30, &format)))
        return rc;
    if (format != FORMAT)
        return bad(c, "invalid_field", "", "format",
                   "format %d is not supported (this edudx reads %d)", format, FORMAT);
    if ((rc = get_str(c, root, "", "version", 1, &c->r->version)) ||
        (rc = get_str(c, root, "", "description", 0, &desc)) ||
        (rc = get_array(c, root, "", "forms", 1, 1, &forms)) ||
        (rc = get_array(c, root, "", "rules", 1, 0, &rules)) || (rc = compile_forms(c, forms)))
        return rc;
    c->r->rules = edx_arena_calloc(c->a, json_array_size(rules) + 1, sizeof *c->r->rules);
    if (!c->r->rules) return edx_err_nomem(c->err);
    json_array_foreach(rules, i, o) {
        char *p = item(c, "", "rules", i);
        if (!p) return edx_err_nomem(c->err);
        if ((rc = compile_rule(c, o, p, &c->r->rules[i]))) return rc;
        c->r->nrules = i + 1;
    }
    return check_versions(c);
}

int edx_rules_load(const char *json, size_t len, edx_rules **out, edx_err *err)
{
    json_t *root = NULL;
    edx_rules *r = calloc(1, sizeof *r);
    int rc;
    *out = NULL;
    if (!r) return edx_err_nomem(err);
    edx_arena_init(&r->arena, 0);
    cc c = {r, &r->arena, err};
    if ((rc = edx_json_parse_object(json, len, &root, err))) goto done;
    rc = compile_root(&c, root);
done:
    json_decref(root);
    if (rc) {
        edx_rules_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void edx_rules_free(edx_rules *r)
{
    if (!r) return;
    edx_arena_free(&r->arena);
    free(r);
}

const char *edx_rules_version(const edx_rules *r)
{
    return r->version;
}

int edx_rules_has_form(const edx_rules *r, const char *code)
{
    return code && find_form(r, code) != NULL;
}

/* ---- histories ------------------------------------------------------------------------------ */

static int hbad(edx_err *err, const char *code, const char *list, size_t i, const char *key,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int hbad(edx_err *err, const char *code, const char *list, size_t i, const char *key,
                const char *fmt, ...)
{
    char where[96], why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "%s[%zu].%s", list, i, key);
    return edx_err_set(err, EDX_EINVAL, 400, code, where, "%s: %s", where, why);
}

static int year_ok(int y)
{
    return y >= EDX_YEAR_MIN && y <= EDX_YEAR_MAX;
}

static int date_ok(int d)
{
    char s[16];
    int parsed;
    if (d == 0) return 1;
    if (d < 0 || !year_ok(d / 10000)) return 0;
    snprintf(s, sizeof s, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
    return parse_date(s, &parsed) == 0;
}

/* The invariants evaluation relies on, for histories from any source. */
static int history_check(const edx_rules *r, const edx_history *h, edx_err *err)
{
    static const char *const YEARS_HELP = "must be a year between 1900 and 2100";
    if (h->kind != EDX_SUBJECT_INDIVIDUAL && h->kind != EDX_SUBJECT_COLLECTIVE)
        return edx_err_invalid(err, "subject.kind",
                               "subject.kind must be individual or collective");
    if ((h->n_awards && !h->awards) || (h->n_ratings && !h->ratings) ||
        (h->n_initiatives && !h->initiatives) || (h->n_leads && !h->leads))
        return edx_err_invalid(err, "", "a history list has a count but no records");
    for (size_t i = 0; i < h->n_awards; i++) {
        const edx_award_rec *a = &h->awards[i];
        if (!a->form || !find_form(r, a->form))
            return hbad(err, "unknown_form", "awards", i, "form", "unknown form \"%.48s\"",
                        a->form ? a->form : "");
        if (!year_ok(a->year))
            return hbad(err, "invalid_field", "awards", i, "year", "%s", YEARS_HELP);
        if (!date_ok(a->decision_date))
            return hbad(err, "invalid_date", "awards", i, "decision_date", "not a date");
        if ((int)a->type < 0 || (int)a->type >= N_OF(AWARD_TYPES))
            return hbad(err, "invalid_field", "awards", i, "type", "unknown award type");
    }
    for (size_t i = 0; i < h->n_ratings; i++) {
        const edx_rating_rec *t = &h->ratings[i];
        if (!year_ok(t->year))
            return hbad(err, "invalid_field", "ratings", i, "year", "%s", YEARS_HELP);
        if (t->level < EDX_RATING_NOT_COMPLETED || t->level > EDX_RATING_EXCELLENT)
            return hbad(err, "invalid_field", "ratings", i, "level", "unknown rating level");
        for (size_t j = 0; j < i; j++)
            if (h->ratings[j].year == t->year)
                return hbad(err, "invalid_field", "ratings", i, "year",
                            "%d is already rated by ratings[%zu]", t->year, j);
    }
    for (size_t i = 0; i < h->n_initiatives; i++) {
        const edx_initiative_rec *n = &h->initiatives[i];
        if (!year_ok(n->year))
            return hbad(err, "invalid_field", "initiatives", i, "year", "%s", YEARS_HELP);
        if ((int)n->scope < 0 || (int)n->scope >= N_OF(SCOPES))
            return hbad(err, "invalid_field", "initiatives", i, "scope", "unknown scope");
        if ((int)n->recognised_by < 0 || (int)n->recognised_by >= N_OF(BODIES))
            return hbad(err, "invalid_field", "initiatives", i, "recognised_by", "unknown body");
        if (!date_ok(n->decision_date))
            return hbad(err, "invalid_date", "initiatives", i, "decision_date", "not a date");
    }
    for (size_t i = 0; i < h->n_leads; i++) {
        const edx_lead_rec *l = &h->leads[i];
        if ((int)l->kind < 1 || (int)l->kind >= N_OF(LEAD_KINDS))
            return hbad(err, "invalid_field", "leads", i, "kind", "unknown kind");
        if ((int)l->organiser < 0 || (int)l->organiser >= N_OF(BODIES))
            return hbad(err, "invalid_field", "leads", i, "organiser", "unknown body");
        if ((int)l->review < 0 || (int)l->review >= N_OF(REVIEWS))
            return hbad(err, "invalid_field", "leads", i, "review", "unknown review");
        if (!year_ok(l->year))
            return hbad(err, "invalid_field", "leads", i, "year", "%s", YEARS_HELP);
        if ((l->movement_from && !year_ok(l->movement_from)) ||
            (l->movement_to && !year_ok(l->movement_to)))
            return hbad(err, "invalid_field", "leads", i, "movement_from", "%s", YEARS_HELP);
        if (l->movement_from && l->movement_to && l->movement_to < l->movement_from)
            return hbad(err, "invalid_field", "leads", i, "movement_to", "is before movement_from");
    }
    return 0;
}

/* A rating level: its code or its Vietnamese name (accents, case and "nhiệm vụ" optional). */
static int rating_level(edx_arena *a, const char *s)
{
    static const struct {
        const char *key;
        int level;
    } NAMES[] = {
        {"hoan thanh xuat sac nhiem vu", EDX_RATING_EXCELLENT},
        {"hoan thanh xuat sac", EDX_RATING_EXCELLENT},
        {"hoan thanh tot nhiem vu", EDX_RATING_GOOD},
        {"hoan thanh tot", EDX_RATING_GOOD},
        {"hoan thanh nhiem vu", EDX_RATING_COMPLETED},
        {"hoan thanh", EDX_RATING_COMPLETED},
        {"khong hoan thanh nhiem vu", EDX_RATING_NOT_COMPLETED},
        {"khong hoan thanh", EDX_RATING_NOT_COMPLETED},
    };
    int code = lookup(RATINGS, N_OF(RATINGS), s);
    if (code) return code;
    const char *key = edx_utf8_search_key(a, s);
    if (!key) return -1;
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (strcmp(NAMES[i].key, key) == 0) return NAMES[i].level;
    return 0;
}

static int parse_awards(cc *c, json_t *list, edx_award_rec **out, size_t *n)
{
    static const char *const KEYS[] = {"form",   "year", "decision", "decision_date",
                                       "issuer", "type", NULL};
    size_t i;
    json_t *o;
    int rc;
    if (!list) return 0;
    edx_award_rec *v = edx_arena_calloc(c->a, json_array_size(list) + 1, sizeof *v);
    if (!v) return edx_err_nomem(c->err);
    json_array_foreach(list, i, o) {
        char *p = item(c, "", "awards", i);
        int type = 0;
        if (!p) return edx_err_nomem(c->err);
        if (!json_is_object(o)) return bad(c, "invalid_field", p, NULL, "must be an object");
        if ((rc = only(c, o, p, KEYS)) || (rc = get_str(c, o, p, "form", 1, &v[i].form)) ||
            (rc = get_int(c, o, p, "year", 1, EDX_YEAR_MIN, EDX_YEAR_MAX, &v[i].year)) ||
            (rc = get_str(c, o, p, "decision", 0, &v[i].decision)) ||
            (rc = get_date(c, o, p, "decision_date", 0, &v[i].decision_date)) ||
            (rc = get_str(c, o, p, "issuer", 0, &v[i].issuer)) ||
            (rc = get_vocab(c, o, p, "type", AWARD_TYPES, N_OF(AWARD_TYPES), 0, &type)))
            return rc;
        v[i].type = (edx_award_type)type;
    }
    *out = v;
    *n = json_array_size(list);
    return 0;
}

static int parse_ratings(cc *c, json_t *list, edx_rating_rec **out, size_t *n)
{
    static const char *const KEYS[] = {"year", "level", NULL};
    size_t i;
    json_t *o;
    int rc;
    if (!list) return 0;
    edx_rating_rec *v = edx_arena_calloc(c->a, json_array_size(list) + 1, sizeof *v);
    if (!v) return edx_err_nomem(c->err);
    json_array_foreach(list, i, o) {
        char *p = item(c, "", "ratings", i);
        const char *level = NULL;
        if (!p) return edx_err_nomem(c->err);
        if (!json_is_object(o)) return bad(c, "invalid_field", p, NULL, "must be an object");
        if ((rc = only(c, o, p, KEYS)) ||
            (rc = get_int(c, o, p, "year", 1, EDX_YEAR_MIN, EDX_YEAR_MAX, &v[i].year)) ||
            (rc = get_str(c, o, p, "level", 1, &level)))
            return rc;
        int lv = rating_level(c->a, level);
        if (lv < 0) return edx_err_nomem(c->err);
        if (!lv)
            return bad(c, "invalid_field", p, "level",
                       "\"%.60s\" is not a rating (excellent, good, completed, not_completed, or "
                       "Hoàn thành xuất sắc / tốt / Hoàn thành / Không hoàn thành nhiệm vụ)",
                       level);
        v[i].level = (edx_rating_level)lv;
    }
    *out = v;
    *n = json_array_size(list);
    return 0;
}

static int parse_initiatives(cc *c, json_t *list, edx_initiative_rec **out, size_t *n)
{
    static const char *const KEYS[] = {
        "title",    "year",          "scope", "recognised_by", "recognising_body",
        "decision", "decision_date", NULL};
    size_t i;
    json_t *o;
    int rc;
    if (!list) return 0;
    edx_initiative_rec *v = edx_arena_calloc(c->a, json_array_size(list) + 1, sizeof *v);
    if (!v) return edx_err_nomem(c->err);
    json_array_foreach(list, i, o) {
        char *p = item(c, "", "initiatives", i);
        int scope = 0, body = 0;
        if (!p) return edx_err_nomem(c->err);
        if (!json_is_object(o)) return bad(c, "invalid_field", p, NULL, "must be an object");
        if ((rc = only(c, o, p, KEYS)) || (rc = get_str(c, o, p, "title", 0, &v[i].title)) ||
            (rc = get_int(c, o, p, "year", 1, EDX_YEAR_MIN, EDX_YEAR_MAX, &v[i].year)) ||
            (rc = get_vocab(c, o, p, "scope", SCOPES, N_OF(SCOPES), 0, &scope)) ||
            (rc = get_vocab(c, o, p, "recognised_by", BODIES, N_OF(BODIES), 0, &body)) ||
            (rc = get_str(c, o, p, "recognising_body", 0, &v[i].recognising_body)) ||
            (rc = get_str(c, o, p, "decision", 0, &v[i].decision)) ||
            (rc = get_date(c, o, p, "decision_date", 0, &v[i].decision_date)))
            return rc;
        v[i].scope = (edx_scope)scope;
        v[i].recognised_by = (edx_body)body;
    }
    *out = v;
    *n = json_array_size(list);
    return 0;
}

static int parse_leads(cc *c, json_t *list, edx_lead_rec **out, size_t *n)
{
    static const char *const KEYS[] = {"kind", "organiser",     "year",        "review",
                                       "name", "movement_from", "movement_to", NULL};
    size_t i;
    json_t *o;
    int rc;
    if (!list) return 0;
    edx_lead_rec *v = edx_arena_calloc(c->a, json_array_size(list) + 1, sizeof *v);
    if (!v) return edx_err_nomem(c->err);
    json_array_foreach(list, i, o) {
        char *p = item(c, "", "leads", i);
        int kind = 0, body = 0, review = 0;
        if (!p) return edx_err_nomem(c->err);
        if (!json_is_object(o)) return bad(c, "invalid_field", p, NULL, "must be an object");
        if ((rc = only(c, o, p, KEYS)) ||
            (rc = get_vocab(c, o, p, "kind", LEAD_KINDS, N_OF(LEAD_KINDS), 1, &kind)) ||
            (rc = get_vocab(c, o, p, "organiser", BODIES, N_OF(BODIES), 0, &body)) ||
            (rc = get_int(c, o, p, "year", 1, EDX_YEAR_MIN, EDX_YEAR_MAX, &v[i].year)) ||
            (rc = get_vocab(c, o, p, "review", REVIEWS, N_OF(REVIEWS), 0, &review)) ||
            (rc = get_str(c, o, p, "name", 0, &v[i].name)) ||
            (rc = get_int(c, o, p, "movement_from", 0, EDX_YEAR_MIN, EDX_YEAR_MAX,
                          &v[i].movement_from)) ||
            (rc =
                 get_int(c, o, p, "movement_to", 0, EDX_YEAR_MIN, EDX_YEAR_MAX, &v[i].movement_to)))
            return rc;
        v[i].kind = (edx_lead_kind)kind;
        v[i].organiser = (edx_body)body;
        v[i].review = (edx_review)review;
    }
    *out = v;
    *n = json_array_size(list);
    return 0;
}

int edx_history_parse(const edx_rules *r, const json_t *in, edx_arena *a, edx_history *out,
                      edx_err *err)
{
    static const char *const KEYS[] = {"subject",     "awards", "ratings",
                                       "initiatives", "leads",  NULL};
    static const char *const SUBJECT_KEYS[] = {"kind", "name", "id", NULL};
    /* Only reads `in`; the cast is for the getters' signatures. */
    json_t *o = (json_t *)in, *subject, *awards, *ratings, *inits, *leads;
    cc c = {(edx_rules *)r, a, err};
    edx_award_rec *av = NULL;
    edx_rating_rec *rv = NULL;
    edx_initiative_rec *iv = NULL;
    edx_lead_rec *lv = NULL;
    const char *id = NULL;
    int kind = 0, rc;
    memset(out, 0, sizeof *out);
    if (!json_is_object(o)) return edx_err_invalid(err, "", "a history is a JSON object");
    if ((rc = only(&c, o, "", KEYS)) || (rc = get_object(&c, o, "", "subject", 1, &subject)) ||
        (rc = only(&c, subject, "subject", SUBJECT_KEYS)) ||
        (rc = get_vocab(&c, subject, "subject", "kind", SUBJECTS, N_OF(SUBJECTS), 1, &kind)) ||
        (rc = get_str(&c, subject, "subject", "name", 0, &out->name)) ||
        (rc = get_str(&c, subject, "subject", "id", 0, &id)) ||
        (rc = get_array(&c, o, "", "awards", 0, 0, &awards)) ||
        (rc = get_array(&c, o, "", "ratings", 0, 0, &ratings)) ||
        (rc = get_array(&c, o, "", "initiatives", 0, 0, &inits)) ||
        (rc = get_array(&c, o, "", "leads", 0, 0, &leads)) ||
        (rc = parse_awards(&c, awards, &av, &out->n_awards)) ||
        (rc = parse_ratings(&c, ratings, &rv, &out->n_ratings)) ||
        (rc = parse_initiatives(&c, inits, &iv, &out->n_initiatives)) ||
        (rc = parse_leads(&c, leads, &lv, &out->n_leads)))
        goto done;
    out->kind = (edx_subject_kind)kind;
    out->awards = av;
    out->ratings = rv;
    out->initiatives = iv;
    out->leads = lv;
    rc = history_check(r, out, err);
done:
    if (rc) memset(out, 0, sizeof *out);
    return rc;
}

/* ---- evaluation ----------------------------------------------------------------------------- */

enum { FAILED = 0, HELD = 1, UNKNOWN = 2 };
static const char *const RESULTS[] = {"failed", "held", "unknown"};

typedef struct ectx {
    const edx_rules *r;
    const edx_history *h;
    int as_of; /* YYYYMMDD */
    int oom;
} ectx;

/* The years a condition looks at: [lo, hi]. hi is the candidate year; lo is raised by
 * after_award / since_last_award (bounded) and by within_years. */
typedef struct win {
    int lo, hi, bounded;
} win;

static win narrow(win w, int years)
{
    if (w.hi - years + 1 > w.lo) w.lo = w.hi - years + 1;
    w.bounded = 1;
    return w;
}

/* Two messages built side by side: s[0] Vietnamese, s[1] English. */
typedef struct txt {
    char s[2][1536];
} txt;

static void tx(txt *t, int lang, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void tx(txt *t, int lang, const char *fmt, ...)
{
    size_t used = strlen(t->s[lang]);
    if (used + 1 >= sizeof t->s[lang]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->s[lang] + used, sizeof t->s[lang] - used, fmt, ap);
    va_end(ap);
}

/* "A, B or C" from the phrases of table t whose bit is set in mask. */
static const char *mask_text(char *buf, size_t cap, unsigned mask, const char *const (*t)[2], int n,
                             int lang)
{
    size_t used = 0;
    int left = 0;
    buf[0] = '\0';
    for (int i = 1; i < n; i++)
        left += (mask >> i) & 1u;
    for (int i = 1; i < n && used < cap; i++) {
        if (!(mask & (1u << i))) continue;
        const char *sep = !used ? "" : left == 1 ? (lang ? " or " : " hoặc ") : ", ";
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", sep, t[i][lang]);
        left--;
    }
    return buf;
}

static const char *forms_text(char *buf, size_t cap, const rcond *c, int lang)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < c->nforms && used < cap; k++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s",
                                 k ? (lang ? " or " : " hoặc ") : "", c->forms[k]->name[lang]);
    return buf;
}

static const char *win_text(char *buf, size_t cap, win w, int lang)
{
    if (w.lo > w.hi)
        snprintf(buf, cap, "%s", lang ? "(no years left to count)" : "(không còn năm nào để xét)");
    else if (!w.bounded)
        snprintf(buf, cap, lang ? "up to %d" : "tính đến năm %d", w.hi);
    else if (w.lo == w.hi)
        snprintf(buf, cap, lang ? "in %d" : "trong năm %d", w.hi);
    else
        snprintf(buf, cap, lang ? "in %d–%d" : "trong giai đoạn %d–%d", w.lo, w.hi);
    return buf;
}

static const char *span_text(char *buf, size_t cap, int from, int to)
{
    if (from == to)
        snprintf(buf, cap, "%d", from);
    else
        snprintf(buf, cap, "%d–%d", from, to);
    return buf;
}

/* "2019, 2020" from a list of years. */
static const char *years_text(char *buf, size_t cap, const int *years, int n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < n && used < cap; k++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%d", k ? ", " : "", years[k]);
    return buf;
}

static void put(ectx *x, json_t *o, const char *key, json_t *v)
{
    if (json_object_set_new(o, key, v) != 0) x->oom = 1;
}

static json_t *bilingual(const char *vi, const char *en)
{
    json_t *m = json_object();
    if (m && (json_object_set_new(m, "vi", json_string(vi)) ||
              json_object_set_new(m, "en", json_string(en)))) {
        json_decref(m);
        return NULL;
    }
    return m;
}

static json_t *node_new(ectx *x, const rcond *c)
{
    json_t *n = json_object();
    if (!n) {
        x->oom = 1;
        return NULL;
    }
    put(x, n, "op", json_string(OPS[c->op]));
    put(x, n, "path", json_string(c->path));
    /* Placeholders keep the member order readable: done() replaces them in place. */
    put(x, n, "result", json_null());
    put(x, n, "message", json_null());
    return n;
}

/* Record index i of history list `list` as used by node n. */
static void use(ectx *x, json_t *n, const char *list, size_t i)
{
    json_t *recs = json_object_get(n, "records");
    if (!recs) {
        put(x, n, "records", json_object());
        recs = json_object_get(n, "records");
    }
    json_t *a = json_object_get(recs, list);
    if (!a) {
        put(x, recs, list, json_array());
        a = json_object_get(recs, list);
    }
    if (json_array_append_new(a, json_integer((json_int_t)i)) != 0) x->oom = 1;
}

static void add_child(ectx *x, json_t *n, json_t *child)
{
    json_t *kids = json_object_get(n, "children");
    if (!kids) {
        put(x, n, "children", json_array());
        kids = json_object_get(n, "children");
    }
    if (json_array_append_new(kids, child) != 0) x->oom = 1;
}

static int done(ectx *x, json_t *n, int res, const txt *t)
{
    put(x, n, "result", json_string(RESULTS[res]));
    put(x, n, "message", bilingual(t->s[0], t->s[1]));
    return res;
}

/* An award counts when it falls in the window and was decided by the as_of date. */
static int award_in(const ectx *x, size_t i, win w)
{
    const edx_award_rec *a = &x->h->awards[i];
    return a->year >= w.lo && a->year <= w.hi &&
           (a->decision_date == 0 || a->decision_date <= x->as_of);
}

static int award_listed(const rcond *c, const edx_award_rec *a)
{
    for (size_t k = 0; k < c->nforms; k++)
        if (strcmp(c->forms[k]->code, a->form) == 0) return 1;
    return 0;
}

/* at[y - EDX_YEAR_MIN]: the first award of c->forms for year y that counts in w, or -1. */
static void award_years(const ectx *x, const rcond *c, win w, int *at)
{
    for (int k = 0; k < NYEARS; k++)
        at[k] = -1;
    for (size_t i = 0; i < x->h->n_awards; i++)
        if (award_in(x, i, w) && award_listed(c, &x->h->awards[i]) &&
            at[x->h->awards[i].year - EDX_YEAR_MIN] < 0)
            at[x->h->awards[i].year - EDX_YEAR_MIN] = (int)i;
}

static int eval(ectx *x, const rcond *c, win w, json_t **out);

static int eval_all_any(ectx *x, const rcond *c, win w, json_t *n)
{
    int held = 0, failed = 0, res;
    txt t = {{"", ""}};
    for (size_t k = 0; k < c->nkids; k++) {
        json_t *kid = NULL;
        int r = eval(x, c->kids[k], w, &kid);
        add_child(x, n, kid);
        held += r == HELD;
        failed += r == FAILED;
    }
    int total = (int)c->nkids;
    if (c->op == OP_ALL) {
        res = failed ? FAILED : held == total ? HELD : UNKNOWN;
        if (res == HELD) {
            tx(&t, 0, "Đạt cả %d điều kiện.", total);
            tx(&t, 1, "All %d conditions hold.", total);
        } else if (res == FAILED) {
            tx(&t, 0, "Không đạt: %d trong %d điều kiện không được đáp ứng.", failed, total);
            tx(&t, 1, "Not met: %d of %d conditions fail.", failed, total);
        } else {
            tx(&t, 0, "Chưa xác định: %d trong %d điều kiện thiếu dữ liệu.", total - held, total);
            tx(&t, 1, "Undetermined: %d of %d conditions lack data.", total - held, total);
        }
    } else {
        res = held ? HELD : failed == total ? FAILED : UNKNOWN;
        if (res == HELD) {
            tx(&t, 0, "Đạt: %d trong %d phương án được đáp ứng.", held, total);
            tx(&t, 1, "Met: %d of %d alternatives hold.", held, total);
        } else if (res == FAILED) {
            tx(&t, 0, "Không đạt: không phương án nào trong %d phương án được đáp ứng.", total);
            tx(&t, 1, "Not met: none of the %d alternatives holds.", total);
        } else {
            tx(&t, 0, "Chưa xác định: không phương án nào đạt, %d phương án thiếu dữ liệu.",
               total - failed);
            tx(&t, 1, "Undetermined: no alternative holds; %d lack data.", total - failed);
        }
    }
    return done(x, n, res, &t);
}

static int eval_not(ectx *x, const rcond *c, win w, json_t *n)
{
    json_t *kid = NULL;
    int r = eval(x, c->kids[0], w, &kid);
    txt t = {{"", ""}};
    add_child(x, n, kid);
    int res = r == HELD ? FAILED : r == FAILED ? HELD : UNKNOWN;
    if (res == HELD) {
        tx(&t, 0, "Đạt vì điều kiện bên trong không được đáp ứng.");
        tx(&t, 1, "Holds because the inner condition fails.");
    } else if (res == FAILED) {
        tx(&t, 0, "Không đạt vì điều kiện bên trong được đáp ứng.");
        tx(&t, 1, "Fails because the inner condition holds.");
    } else {
        tx(&t, 0, "Chưa xác định: điều kiện bên trong thiếu dữ liệu.");
        tx(&t, 1, "Undetermined: the inner condition lacks data.");
    }
    return done(x, n, res, &t);
}

/* has_award and count_awards. */
static int eval_count_awards(ectx *x, const rcond *c, win w, json_t *n)
{
    const edx_history *h = x->h;
    int years[NYEARS] = {0}, ny = 0, res;
    char fv[512], fe[512], wv[96], we[96], yl[512];
    txt t = {{"", ""}};
    if (c->within) w = narrow(w, c->within);
    forms_text(fv, sizeof fv, c, 0);
    forms_text(fe, sizeof fe, c, 1);
    win_text(wv, sizeof wv, w, 0);
    win_text(we, sizeof we, w, 1);
    if (!c->consecutive) {
        for (size_t i = 0; i < h->n_awards; i++)
            if (award_in(x, i, w) && award_listed(c, &h->awards[i])) {
                use(x, n, "awards", i);
                if (ny < NYEARS) years[ny++] = h->awards[i].year;
            }
        res = ny >= c->min ? HELD : FAILED;
        years_text(yl, sizeof yl, years, ny);
        if (c->op == OP_HAS_AWARD && res == HELD) {
            tx(&t, 0, "Đã được tặng %s (năm %s).", fv, yl);
            tx(&t, 1, "Received the %s (%s).", fe, yl);
        } else if (c->op == OP_HAS_AWARD) {
            tx(&t, 0, "Không có %s trong hồ sơ %s.", fv, wv);
            tx(&t, 1, "No %s on record %s.", fe, we);
        } else if (!ny) {
            tx(&t, 0, "Không có %s nào %s; cần ít nhất %d.", fv, wv, c->min);
            tx(&t, 1, "No %s %s; at least %d needed.", fe, we, c->min);
        } else {
            tx(&t, 0, "%s %d lần %s %s (%s); cần ít nhất %d.", res == HELD ? "Có" : "Chỉ có", ny,
               fv, wv, yl, c->min);
            tx(&t, 1, "%s%d × %s %s (%s); at least %d needed.", res == HELD ? "" : "Only ", ny, fe,
               we, yl, c->min);
        }
        return done(x, n, res, &t);
    }
    /* Consecutive: runs of years `step` apart, one award per year. at[] holds the first
     * matching award of each year, run[] the length of the run ending there. */
    int at[NYEARS], run[NYEARS];
    int lo = w.lo < EDX_YEAR_MIN ? EDX_YEAR_MIN : w.lo, hi = w.hi;
    int ok_end = 0, best_end = 0, best = 0;
    award_years(x, c, w, at);
    memset(run, 0, sizeof run);
    for (int y = lo; y <= hi; y++) {
        if (at[y - EDX_YEAR_MIN] < 0) continue;
        int prev = y - c->step;
        run[y - EDX_YEAR_MIN] =
            prev >= lo && at[prev - EDX_YEAR_MIN] >= 0 ? run[prev - EDX_YEAR_MIN] + 1 : 1;
        if (run[y - EDX_YEAR_MIN] >= best) best = run[y - EDX_YEAR_MIN], best_end = y;
        if (run[y - EDX_YEAR_MIN] >= c->min) ok_end = y;
    }
    int end = ok_end ? ok_end : best_end, len = end ? run[end - EDX_YEAR_MIN] : 0;
    for (int k = len - 1; k >= 0; k--) {
        int y = end - k * c->step;
        years[ny++] = y;
        use(x, n, "awards", (size_t)at[y - EDX_YEAR_MIN]);
    }
    years_text(yl, sizeof yl, years, ny);
    res = ok_end ? HELD : FAILED;
    if (res == HELD) {
        tx(&t, 0, "Có %d lần liên tục %s (%s); cần ít nhất %d.", len, fv, yl, c->min);
        tx(&t, 1, "%d consecutive × %s (%s); at least %d needed.", len, fe, yl, c->min);
    } else {
        tx(&t, 0, "Không có %d lần liên tục %s %s; chuỗi dài nhất: %d%s%s%s.", c->min, fv, wv, len,
           len ? " (" : "", yl, len ? ")" : "");
        tx(&t, 1, "No %d consecutive × %s %s; longest run: %d%s%s%s.", c->min, fe, we, len,
           len ? " (" : "", yl, len ? ")" : "");
    }
    return done(x, n, res, &t);
}

/* Whether the rating of year y reaches `level`; with hope, a missing rating does. */
static int reaches(const ectx *x, const int *at, int y, int level, int hope)
{
    int i = at[y - EDX_YEAR_MIN];
    if (i < 0) return hope;
    return level && (int)x->h->ratings[i].level >= level;
}

/*
 * The latest run of consecutive years in [lo, hi] rated at least c->min_level that is
 * c->years long and has c->with_count years at c->with_level. With `hope` a missing year
 * counts as the best rating (so "no" is definite). Returns 1 and the run, or 0.
 */
static int find_run(const ectx *x, const int *at, int lo, int hi, const rcond *c, int hope,
                    int *from, int *to)
{
    int found = 0, start = lo, len = 0, top = 0;
    for (int y = lo; y <= hi + 1; y++) {
        if (y <= hi && reaches(x, at, y, c->min_level, hope)) {
            if (!len) start = y;
            len++;
            top += reaches(x, at, y, c->with_level, hope);
            continue;
        }
        if (len >= c->years && top >= c->with_count) found = 1, *from = start, *to = y - 1;
        len = top = 0;
    }
    return found;
}

static int eval_ratings(ectx *x, const rcond *c, win w, json_t *n)
{
    const edx_history *h = x->h;
    int at[NYEARS], first = 0, from = 0, to = 0;
    char lv[96], le[96], wv[96], we[96], span[32], list[512];
    txt t = {{"", ""}};
    for (int k = 0; k < NYEARS; k++)
        at[k] = -1;
    for (size_t i = 0; i < h->n_ratings; i++) {
        int y = h->ratings[i].year;
        if (y < w.lo || y > w.hi) continue;
        at[y - EDX_YEAR_MIN] = (int)i;
        if (!first || y < first) first = y;
    }
    snprintf(lv, sizeof lv, "\"%s\"", RATING_TEXT[c->min_level][0]);
    snprintf(le, sizeof le, "\"%s\"", RATING_TEXT[c->min_level][1]);
    /* Without an anchor the history starts at its first rating; after one, every year of
     * the window should be rated. */
    int lo = w.bounded ? w.lo : first, hi = w.hi;
    if (!w.bounded && !first) {
        tx(&t, 0, "Chưa có kết quả đánh giá hằng năm nào trong hồ sơ (tính đến năm %d).", hi);
        tx(&t, 1, "No yearly rating on record (up to %d).", hi);
        return done(x, n, UNKNOWN, &t);
    }
    if (lo < EDX_YEAR_MIN) lo = EDX_YEAR_MIN;
    win seen = {lo, hi, 1};
    win_text(wv, sizeof wv, seen, 0);
    win_text(we, sizeof we, seen, 1);
    char need_v[256] = "", need_e[256] = "";
    if (c->with_level) {
        snprintf(need_v, sizeof need_v, ", trong đó ít nhất %d năm \"%s\"", c->with_count,
                 RATING_TEXT[c->with_level][0]);
        snprintf(need_e, sizeof need_e, ", at least %d of them \"%s\"", c->with_count,
                 RATING_TEXT[c->with_level][1]);
    }
    if (find_run(x, at, lo, hi, c, 0, &from, &to)) {
        int top = 0;
        for (int y = from; y <= to; y++) {
            use(x, n, "ratings", (size_t)at[y - EDX_YEAR_MIN]);
            top += reaches(x, at, y, c->with_level, 0);
        }
        span_text(span, sizeof span, from, to);
        tx(&t, 0, "Có %d năm liên tục (%s) được đánh giá từ %s trở lên", to - from + 1, span, lv);
        tx(&t, 1, "%d consecutive years (%s) rated %s or better", to - from + 1, span, le);
        if (c->with_level) {
            tx(&t, 0, ", trong đó %d năm \"%s\"", top, RATING_TEXT[c->with_level][0]);
            tx(&t, 1, ", %d of them \"%s\"", top, RATING_TEXT[c->with_level][1]);
        }
        tx(&t, 0, "; yêu cầu: %d năm%s.", c->years, need_v);
        tx(&t, 1, "; needed: %d years%s.", c->years, need_e);
        return done(x, n, HELD, &t);
    }
    int missing[NYEARS], nm = 0;
    if (find_run(x, at, lo, hi, c, 1, &from, &to)) {
        for (int y = from; y <= to; y++) {
            if (at[y - EDX_YEAR_MIN] >= 0)
                use(x, n, "ratings", (size_t)at[y - EDX_YEAR_MIN]);
            else
                missing[nm++] = y;
        }
        years_text(list, sizeof list, missing, nm);
        tx(&t, 0,
           "Thiếu kết quả đánh giá năm %s: chưa xác định được có %d năm liên tục được "
           "đánh giá từ %s trở lên%s hay không.",
           list, c->years, lv, need_v);
        tx(&t, 1,
           "Ratings missing for %s: cannot tell whether there are %d consecutive years "
           "rated %s or better%s.",
           list, c->years, le, need_e);
        return done(x, n, UNKNOWN, &t);
    }
    /* Failed for sure: show the longest run and the years that broke it. */
    int best = 0, bfrom = 0, len = 0, below[NYEARS], nb = 0;
    for (int y = lo; y <= hi; y++) {
        int i = at[y - EDX_YEAR_MIN];
        if (i >= 0) use(x, n, "ratings", (size_t)i);
        if (reaches(x, at, y, c->min_level, 0)) {
            if (++len >= best) best = len, bfrom = y - len + 1;
        } else {
            len = 0;
            if (i >= 0) below[nb++] = y;
        }
    }
    tx(&t, 0, "Không có %d năm liên tục được đánh giá từ %s trở lên%s %s.", c->years, lv, need_v,
       wv);
    tx(&t, 1, "No %d consecutive years rated %s or better%s %s.", c->years, le, need_e, we);
    if (best) {
        span_text(span, sizeof span, bfrom, bfrom + best - 1);
        tx(&t, 0, " Chuỗi dài nhất: %d năm (%s).", best, span);
        tx(&t, 1, " Longest run: %d years (%s).", best, span);
    }
    for (int k = 0; k < nb && k < 8; k++) {
        int lvl = h->ratings[at[below[k] - EDX_YEAR_MIN]].level;
        tx(&t, 0, "%s%d: %s", k ? "; " : " Năm không đạt: ", below[k], RATING_TEXT[lvl][0]);
        tx(&t, 1, "%s%d: %s", k ? "; " : " Below the level: ", below[k], RATING_TEXT[lvl][1]);
    }
    if (nb) {
        tx(&t, 0, ".");
        tx(&t, 1, ".");
    }
    for (int y = lo; y <= hi; y++)
        if (at[y - EDX_YEAR_MIN] < 0) missing[nm++] = y;
    if (nm) {
        years_text(list, sizeof list, missing, nm);
        tx(&t, 0, " Thiếu đánh giá: %s.", list);
        tx(&t, 1, " Not rated: %s.", list);
    }
    return done(x, n, FAILED, &t);
}

/* A record matches a condition's wish: 1 yes, 0 no, 2 maybe (the record lacks the field). */
static int matches(unsigned wanted, int have)
{
    if (!wanted) return 1;
    if (!have) return 2;
    return (wanted & (1u << have)) != 0;
}

/* Combine per-field answers: any no → no, any maybe → maybe. */
static int both(int a, int b)
{
    if (!a || !b) return 0;
    return a == 2 || b == 2 ? 2 : 1;
}

static int eval_initiative(ectx *x, const rcond *c, win w, json_t *n)
{
    const edx_history *h = x->h;
    int sure = 0, maybe = 0, res;
    char wv[96], we[96], bv[256] = "", be[256] = "";
    txt t = {{"", ""}};
    if (c->within) w = narrow(w, c->within);
    for (size_t i = 0; i < h->n_initiatives; i++) {
        const edx_initiative_rec *in = &h->initiatives[i];
        if (in->year < w.lo || in->year > w.hi) continue;
        int scope = in->scope ? SCOPE_TIER[in->scope] >= c->min_tier : 2;
        int m = both(scope, matches(c->bodies, in->recognised_by));
        if (m == 1)
            sure++, use(x, n, "initiatives", i);
        else if (m == 2)
            maybe++, use(x, n, "initiatives", i);
    }
    res = sure >= c->min ? HELD : sure + maybe >= c->min ? UNKNOWN : FAILED;
    win_text(wv, sizeof wv, w, 0);
    win_text(we, sizeof we, w, 1);
    if (c->bodies) {
        char m0[192], m1[192];
        snprintf(bv, sizeof bv, ", được %s công nhận",
                 mask_text(m0, sizeof m0, c->bodies, BODY_TEXT, N_OF(BODY_TEXT), 0));
        snprintf(be, sizeof be, ", recognised by %s",
                 mask_text(m1, sizeof m1, c->bodies, BODY_TEXT, N_OF(BODY_TEXT), 1));
    }
    tx(&t, 0, "%d sáng kiến có phạm vi ảnh hưởng %s%s (%s); cần %d.", sure,
       TIER_TEXT[c->min_tier][0], bv, wv, c->min);
    tx(&t, 1, "%d initiative(s) with influence %s%s (%s); %d needed.", sure,
       TIER_TEXT[c->min_tier][1], be, we, c->min);
    if (maybe && res != HELD) {
        tx(&t, 0, " %d sáng kiến thiếu thông tin phạm vi hoặc cơ quan công nhận.", maybe);
        tx(&t, 1, " %d initiative(s) lack the scope or the recognising body.", maybe);
    }
    return done(x, n, res, &t);
}

static int eval_leads(ectx *x, const rcond *c, win w, json_t *n)
{
    const edx_history *h = x->h;
    int sure = 0, maybe = 0, res;
    char kv[192], ke[192], m0[192], m1[192];
    txt t = {{"", ""}};
    for (size_t i = 0; i < h->n_leads; i++) {
        const edx_lead_rec *l = &h->leads[i];
        if (l->year != w.hi || l->year < w.lo || !(c->lead_kinds & (1u << l->kind))) continue;
        int span = 1;
        if (c->min_span)
            span = !l->movement_from || !l->movement_to
                       ? 2
                       : l->movement_to - l->movement_from + 1 >= c->min_span;
        int m = both(both(matches(c->bodies, l->organiser), matches(c->reviews, l->review)), span);
        if (m == 1)
            sure++, use(x, n, "leads", i);
        else if (m == 2)
            maybe++, use(x, n, "leads", i);
    }
    res = sure ? HELD : maybe ? UNKNOWN : FAILED;
    mask_text(kv, sizeof kv, c->lead_kinds, LEAD_TEXT, N_OF(LEAD_TEXT), 0);
    mask_text(ke, sizeof ke, c->lead_kinds, LEAD_TEXT, N_OF(LEAD_TEXT), 1);
    tx(&t, 0, "%s %s", res == HELD ? "Dẫn đầu" : "Không có ghi nhận dẫn đầu", kv);
    tx(&t, 1, "%s %s", res == HELD ? "Led" : "No record of leading", ke);
    if (c->bodies) {
        int launched = c->lead_kinds == 1u << EDX_LEAD_MOVEMENT; /* clusters are organised */
        tx(&t, 0, " do %s %s", mask_text(m0, sizeof m0, c->bodies, BODY_TEXT, N_OF(BODY_TEXT), 0),
           launched ? "phát động" : "tổ chức");
        tx(&t, 1, " %s by %s", launched ? "launched" : "organised",
           mask_text(m1, sizeof m1, c->bodies, BODY_TEXT, N_OF(BODY_TEXT), 1));
    }
    if (c->min_span) {
        tx(&t, 0, " kéo dài từ %d năm trở lên", c->min_span);
        tx(&t, 1, " lasting %d years or more", c->min_span);
    }
    if (c->reviews) {
        tx(&t, 0, ", tại kỳ %s",
           mask_text(m0, sizeof m0, c->reviews, REVIEW_TEXT, N_OF(REVIEW_TEXT), 0));
        tx(&t, 1, ", at %s",
           mask_text(m1, sizeof m1, c->reviews, REVIEW_TEXT, N_OF(REVIEW_TEXT), 1));
    }
    tx(&t, 0, " trong năm %d.", w.hi);
    tx(&t, 1, " in %d.", w.hi);
    if (res == UNKNOWN) {
        tx(&t, 0,
           " %d ghi nhận thiếu thông tin (đơn vị phát động, kỳ đánh giá hoặc thời gian "
           "của phong trào).",
           maybe);
        tx(&t, 1, " %d record(s) lack the organiser, the review or the movement's span.", maybe);
    }
    return done(x, n, res, &t);
}

static int eval_no_award(ectx *x, const rcond *c, win w, json_t *n)
{
    const edx_history *h = x->h;
    int sure = 0, maybe = 0, res;
    char wv[96], we[96], ev[256] = "", ee[256] = "";
    txt found = {{"", ""}}, t = {{"", ""}};
    w = narrow(w, c->years);
    for (size_t i = 0; i < h->n_awards; i++) {
        const edx_award_rec *a = &h->awards[i];
        const rform *f = find_form(x->r, a->form);
        if (!award_in(x, i, w) || !f || f->level != c->level ||
            (c->form_type && f->type != c->form_type))
            continue;
        if (c->except_types && a->type && (c->except_types & (1u << a->type))) continue;
        int unsure = c->except_types && !a->type;
        sure += !unsure;
        maybe += unsure;
        use(x, n, "awards", i);
        for (int lang = 0; lang < 2; lang++)
            tx(&found, lang, "%s%s (%d%s)", sure + maybe > 1 ? "; " : "", f->name[lang], a->year,
               unsure ? (lang ? ", type not recorded" : ", chưa ghi loại hình") : "");
    }
    res = sure ? FAILED : maybe ? UNKNOWN : HELD;
    win_text(wv, sizeof wv, w, 0);
    win_text(we, sizeof we, w, 1);
    if (c->except_types) {
        char m0[192], m1[192];
        snprintf(
            ev, sizeof ev, " (không tính khen thưởng %s)",
            mask_text(m0, sizeof m0, c->except_types, AWARD_TYPE_TEXT, N_OF(AWARD_TYPE_TEXT), 0));
        snprintf(
            ee, sizeof ee, " (not counting %s awards)",
            mask_text(m1, sizeof m1, c->except_types, AWARD_TYPE_TEXT, N_OF(AWARD_TYPE_TEXT), 1));
    }
    const char *kind_v = c->form_type == FT_TITLE ? "danh hiệu" : "hình thức khen thưởng";
    const char *kind_e = c->form_type == FT_TITLE ? "title" : "award";
    if (res == HELD) {
        tx(&t, 0, "Không có %s %s nào %s%s.", kind_v, LEVEL_TEXT[c->level][0], wv, ev);
        tx(&t, 1, "No %s %s %s%s.", LEVEL_TEXT[c->level][1], kind_e, we, ee);
    } else {
        tx(&t, 0, "%s %s %s%s: %s.", res == FAILED ? "Đã có" : "Có thể đã có", kind_v,
           LEVEL_TEXT[c->level][0], ev, found.s[0]);
        tx(&t, 1, "%s %s %s %s%s: %s.",
           res == FAILED ? "Already received a" : "Possibly received a", LEVEL_TEXT[c->level][1],
           kind_e, we, ee, found.s[1]);
    }
    return done(x, n, res, &t);
}

static int rank(int res)
{
    return res == HELD ? 2 : res == UNKNOWN ? 1 : 0;
}

static int eval_after(ectx *x, const rcond *c, win w, json_t *n)
{
    int at[NYEARS], tried = 0, best = -1, res = FAILED;
    json_t *best_node = NULL;
    char fv[512], fe[512];
    txt t = {{"", ""}};
    forms_text(fv, sizeof fv, c, 0);
    forms_text(fe, sizeof fe, c, 1);
    award_years(x, c, w, at);
    /* The years after any one of these awards may satisfy the rest: try the latest first,
     * stop at the first that holds, else keep the best answer, the earliest among equals
     * (it leaves the most years, so its explanation says the most). */
    for (int y = w.hi; y >= w.lo && y >= EDX_YEAR_MIN && res != HELD; y--) {
        if (at[y - EDX_YEAR_MIN] < 0) continue;
        win after = {y + 1, w.hi, 1};
        json_t *kid = NULL;
        int r = eval(x, c->kids[0], after, &kid);
        tried++;
        if (best < 0 || rank(r) >= rank(res)) {
            json_decref(best_node);
            best_node = kid, best = y, res = r;
        } else {
            json_decref(kid);
        }
    }
    if (best < 0) {
        tx(&t, 0, "Chưa có %s trong hồ sơ (tính đến năm %d).", fv, w.hi);
        tx(&t, 1, "No %s on record (up to %d).", fe, w.hi);
        return done(x, n, FAILED, &t);
    }
    use(x, n, "awards", (size_t)at[best - EDX_YEAR_MIN]);
    add_child(x, n, best_node);
    tx(&t, 0, "Sau %s năm %d (xét từ năm %d đến %d): %s.", fv, best, best + 1, w.hi,
       res == HELD     ? "đạt"
       : res == FAILED ? "không đạt"
                       : "chưa xác định");
    tx(&t, 1, "After the %s of %d (counting %d–%d): %s.", fe, best, best + 1, w.hi,
       res == HELD     ? "met"
       : res == FAILED ? "not met"
                       : "undetermined");
    if (tried > 1 && res != HELD) {
        tx(&t, 0, " Đã xét %d năm được tặng; hiển thị lần sớm nhất (còn nhiều năm để xét nhất).",
           tried);
        tx(&t, 1, " %d award years were tried; shown: the earliest, which leaves the most years.",
           tried);
    }
    return done(x, n, res, &t);
}

static int eval_since_last(ectx *x, const rcond *c, win w, json_t *n)
{
    int at[NYEARS], year = 0;
    char fv[512], fe[512];
    txt t = {{"", ""}};
    forms_text(fv, sizeof fv, c, 0);
    forms_text(fe, sizeof fe, c, 1);
    award_years(x, c, w, at);
    for (int y = w.hi; y >= w.lo && y >= EDX_YEAR_MIN && !year; y--)
        if (at[y - EDX_YEAR_MIN] >= 0) year = y;
    win since = w;
    if (year) {
        since.lo = year + 1;
        since.bounded = 1;
        use(x, n, "awards", (size_t)at[year - EDX_YEAR_MIN]);
        if (since.lo > since.hi) {
            tx(&t, 0, "Đã có %s năm %d: không còn năm nào sau đó để xét.", fv, year);
            tx(&t, 1, "Already received the %s in %d: no later years to count.", fe, year);
        } else {
            tx(&t, 0, "Tính từ sau lần %s gần nhất (năm %d): xét từ năm %d đến %d.", fv, year,
               since.lo, since.hi);
            tx(&t, 1, "Counting from after the latest %s (%d): %d–%d.", fe, year, since.lo,
               since.hi);
        }
    } else {
        tx(&t, 0, "Chưa có %s: xét toàn bộ hồ sơ đến năm %d.", fv, w.hi);
        tx(&t, 1, "No earlier %s: the whole record up to %d counts.", fe, w.hi);
    }
    json_t *kid = NULL;
    int res = eval(x, c->kids[0], since, &kid);
    add_child(x, n, kid);
    return done(x, n, res, &t);
}

static int eval(ectx *x, const rcond *c, win w, json_t **out)
{
    json_t *n = node_new(x, c);
    txt t = {{"", ""}};
    int res = UNKNOWN;
    *out = n;
    if (!n) return UNKNOWN;
    switch (c->op) {
    case OP_ALL:
    case OP_ANY:
        return eval_all_any(x, c, w, n);
    case OP_NOT:
        return eval_not(x, c, w, n);
    case OP_HAS_AWARD:
    case OP_COUNT_AWARDS:
        return eval_count_awards(x, c, w, n);
    case OP_CONSECUTIVE_RATINGS:
        return eval_ratings(x, c, w, n);
    case OP_HAS_INITIATIVE:
        return eval_initiative(x, c, w, n);
    case OP_LEADS:
        return eval_leads(x, c, w, n);
    case OP_NO_AWARD_WITHIN:
        return eval_no_award(x, c, w, n);
    case OP_AFTER_AWARD:
        return eval_after(x, c, w, n);
    case OP_SINCE_LAST_AWARD:
        return eval_since_last(x, c, w, n);
    case OP_MANUAL:
        tx(&t, 0, "%s", c->text[0]);
        tx(&t, 1, "%s", c->text[1]);
        return done(x, n, res, &t);
    }
    return done(x, n, res, &t);
}

/* ---- the verdict ---------------------------------------------------------------------------- */

static void date_text(char buf[16], int d)
{
    snprintf(buf, 16, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
}

static json_t *rule_json(ectx *x, const rrule *ru, int res, json_t *explanation)
{
    json_t *o = json_object(), *cites = json_array();
    char d[16];
    if (!o) {
        json_decref(cites);
        json_decref(explanation);
        x->oom = 1;
        return NULL;
    }
    put(x, o, "id", json_string(ru->id));
    put(x, o, "version", json_integer(ru->version));
    put(x, o, "kind", json_string(KINDS[ru->kind]));
    put(x, o, "verified", json_boolean(ru->verified));
    for (size_t k = 0; k < ru->ncites; k++) {
        json_t *ci = json_object();
        if (ci) {
            put(x, ci, "document", json_string(ru->cites[k].document));
            put(x, ci, "article", edx_json_str_or_null(ru->cites[k].article));
        }
        if (json_array_append_new(cites, ci) != 0) x->oom = 1;
    }
    put(x, o, "citations", cites);
    date_text(d, ru->from);
    put(x, o, "effective_from", json_string(d));
    if (ru->until) date_text(d, ru->until);
    put(x, o, "effective_until", ru->until ? json_string(d) : json_null());
    put(x, o, "notes", edx_json_str_or_null(ru->notes));
    put(x, o, "result", json_string(RESULTS[res]));
    put(x, o, "explanation", explanation);
    return o;
}

static int applies(const rrule *ru, const rform *f, edx_subject_kind kind, int as_of)
{
    if (ru->form ? ru->form != f
                 : ru->level != f->level || (ru->form_type && ru->form_type != f->type))
        return 0;
    if (ru->subjects && !(ru->subjects & (1u << kind))) return 0;
    return as_of >= ru->from && (!ru->until || as_of <= ru->until);
}

/* "a, b" of the ids of the applied rules picked by `pick`. */
static void ids_text(char *buf, size_t cap, const rrule *const *rs, const int *pick, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        if (pick[i])
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", rs[i]->id);
}

int edx_rules_evaluate(const edx_rules *r, const edx_history *h, const edx_elig_query *q,
                       edx_eligibility *verdict, json_t **report, edx_err *err)
{
    ectx x = {r, h, 0, 0};
    const rform *f;
    json_t *rep = NULL, *rules = NULL, *warnings = NULL;
    const rrule **applied = NULL;
    int *res = NULL, *pick = NULL, rc;
    size_t n = 0;
    char ids[512], d[16];
    txt sum = {{"", ""}};
    *report = NULL;
    *verdict = EDX_ELIGIBILITY_UNKNOWN;
    if (!q->form || !(f = find_form(r, q->form)))
        return edx_err_set(err, EDX_EINVAL, 400, "unknown_form", "form", "unknown form \"%.48s\"",
                           q->form ? q->form : "");
    if (!year_ok(q->candidate_year))
        return edx_err_invalid(err, "candidate_year", "candidate_year must be between %d and %d",
                               EDX_YEAR_MIN, EDX_YEAR_MAX);
    if (!q->as_of || parse_date(q->as_of, &x.as_of) != 0 || !year_ok(x.as_of / 10000))
        return edx_err_set(err, EDX_EINVAL, 400, "invalid_date", "as_of",
                           "as_of must be a date (YYYY-MM-DD)");
    if ((rc = history_check(r, h, err))) return rc;

    applied = calloc(r->nrules + 1, sizeof *applied);
    res = calloc(r->nrules + 1, sizeof *res);
    pick = calloc(r->nrules + 1, sizeof *pick);
    rep = json_object();
    rules = json_array();
    warnings = json_array();
    if (!applied || !res || !pick || !rep || !rules || !warnings) {
        rc = edx_err_nomem(err);
        goto done;
    }
    edx_eligibility v = EDX_ELIGIBILITY_UNKNOWN;
    if (!(f->subjects & (1u << h->kind))) {
        v = EDX_NOT_ELIGIBLE;
        tx(&sum, 0, "%s không dành cho %s.", f->name[0], SUBJECT_TEXT[h->kind][0]);
        tx(&sum, 1, "The %s is not given to %s.", f->name[1], SUBJECT_TEXT[h->kind][1]);
    } else {
        win all = {EDX_YEAR_MIN, q->candidate_year, 0};
        size_t route = 0;
        int req_failed = 0, req_unknown = 0, routes = 0, route_held = 0, route_unknown = 0;
        for (size_t i = 0; i < r->nrules; i++) {
            const rrule *ru = &r->rules[i];
            if (!applies(ru, f, h->kind, x.as_of)) continue;
            json_t *expl = NULL;
            applied[n] = ru;
            res[n] = eval(&x, ru->cond, all, &expl);
            if (json_array_append_new(rules, rule_json(&x, ru, res[n], expl)) != 0) x.oom = 1;
            if (ru->kind == K_REQUIREMENT) {
                req_failed += res[n] == FAILED;
                req_unknown += res[n] == UNKNOWN;
            } else {
                routes++;
                route_held += res[n] == HELD;
                route_unknown += res[n] == UNKNOWN;
            }
            n++;
        }
        /* Which rules the verdict rests on (for the summary and the warnings). */
        if (req_failed) {
            v = EDX_NOT_ELIGIBLE;
            for (size_t i = 0; i < n; i++)
                pick[i] = applied[i]->kind == K_REQUIREMENT && res[i] == FAILED;
        } else if (routes && !route_held && !route_unknown) {
            v = EDX_NOT_ELIGIBLE;
            for (size_t i = 0; i < n; i++)
                pick[i] = applied[i]->kind == K_ROUTE;
        } else if (route_held && !req_unknown) {
            v = EDX_ELIGIBLE;
            route = n; /* the route named: the first that holds, a verified one if any */
            for (size_t i = 0; i < n; i++)
                if (applied[i]->kind == K_ROUTE && res[i] == HELD &&
                    (route == n || (applied[i]->verified && !applied[route]->verified)))
                    route = i;
            for (size_t i = 0; i < n; i++)
                pick[i] = i == route || applied[i]->kind == K_REQUIREMENT;
        } else {
            for (size_t i = 0; i < n; i++)
                pick[i] = res[i] == UNKNOWN;
        }
        int y = q->candidate_year;
        if (v == EDX_ELIGIBLE) {
            const char *id = applied[route]->id;
            tx(&sum, 0, "Đủ điều kiện đề nghị %s năm %d (theo quy định %s).", f->name[0], y, id);
            tx(&sum, 1, "Eligible for the %s for %d (under rule %s).", f->name[1], y, id);
        } else if (v == EDX_NOT_ELIGIBLE) {
            ids_text(ids, sizeof ids, applied, pick, n);
            tx(&sum, 0, "Không đủ điều kiện đề nghị %s năm %d: không đạt %s.", f->name[0], y, ids);
            tx(&sum, 1, "Not eligible for the %s for %d: %s not met.", f->name[1], y, ids);
        } else if (!routes) {
            date_text(d, x.as_of);
            tx(&sum, 0, "Chưa xác định: không có quy định nào để xét %s có hiệu lực vào ngày %s.",
               f->name[0], d);
            tx(&sum, 1, "Undetermined: no rule that qualifies for the %s is in effect on %s.",
               f->name[1], d);
        } else {
            ids_text(ids, sizeof ids, applied, pick, n);
            tx(&sum, 0,
               "Chưa xác định được điều kiện đề nghị %s năm %d: thiếu dữ liệu hoặc cần "
               "kiểm tra thủ công (%s).",
               f->name[0], y, ids);
            tx(&sum, 1,
               "Undetermined for the %s for %d: data missing or a manual check needed "
               "(%s).",
               f->name[1], y, ids);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!pick[i] || applied[i]->verified) continue;
        json_t *w = json_object();
        char vi[256], en[256];
        snprintf(vi, sizeof vi,
                 "Quy định %s (phiên bản %d) chưa được đối chiếu với văn bản "
                 "chính thức.",
                 applied[i]->id, applied[i]->version);
        snprintf(en, sizeof en,
                 "Rule %s (version %d) is not yet verified against the official "
                 "text.",
                 applied[i]->id, applied[i]->version);
        if (w) {
            put(&x, w, "code", json_string("unverified_rule"));
            put(&x, w, "rule", json_string(applied[i]->id));
            put(&x, w, "version", json_integer(applied[i]->version));
            put(&x, w, "message", bilingual(vi, en));
        }
        if (json_array_append_new(warnings, w) != 0) x.oom = 1;
    }
    static const char *const VERDICTS[] = {"not_eligible", "eligible", "unknown"};
    json_t *sk = json_string(SUBJECTS[h->kind]);
    put(&x, rep, "form", json_string(f->code));
    put(&x, rep, "form_name", bilingual(f->name[0], f->name[1]));
    put(&x, rep, "subject_kind", sk);
    put(&x, rep, "candidate_year", json_integer(q->candidate_year));
    date_text(d, x.as_of);
    put(&x, rep, "as_of", json_string(d));
    put(&x, rep, "rules_version", json_string(r->version));
    put(&x, rep, "verdict", json_string(VERDICTS[v]));
    put(&x, rep, "summary", bilingual(sum.s[0], sum.s[1]));
    put(&x, rep, "warnings", warnings);
    put(&x, rep, "rules", rules);
    warnings = rules = NULL;
    if (x.oom) {
        rc = edx_err_nomem(err);
        goto done;
    }
    *verdict = v;
    *report = rep;
    rep = NULL;
    rc = 0;
done:
    json_decref(rep);
    json_decref(rules);
    json_decref(warnings);
    free(applied);
    free(res);
    free(pick);
    return rc;
}
