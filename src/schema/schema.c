/*
 * schema.c: JSON Schema (2020-12 subset) compiled into a struct tree.
 *
 * Compilation does every name lookup, regcomp and message preparation once; validation
 * walks instance members and looks each up in a per-object open-addressed hash of the
 * schema's properties. Instance locations are a chain of stack frames, so a valid instance
 * costs no allocation; only a failure renders its path and sentence into the arena.
 *
 * anyOf / oneOf branches run first in "probe" mode (count issues, remember how deep the
 * first one was, allocate nothing); when every branch fails, the most promising branch is
 * run again in the caller's mode to produce exactly its first issue.
 */
#include "schema/schema.h"

#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"

/* ---- Types ------------------------------------------------------------------------------ */

enum {
    T_NULL = 1,
    T_BOOLEAN = 2,
    T_OBJECT = 4,
    T_ARRAY = 8,
    T_NUMBER = 16,
    T_INTEGER = 32,
    T_STRING = 64,
};

/* Which optional keywords a node carries. */
enum {
    F_MIN_LEN = 1u << 0,
    F_MAX_LEN = 1u << 1,
    F_MIN = 1u << 2,
    F_MAX = 1u << 3,
    F_XMIN = 1u << 4,
    F_XMAX = 1u << 5,
    F_MULTIPLE = 1u << 6,
    F_MIN_ITEMS = 1u << 7,
    F_MAX_ITEMS = 1u << 8,
    F_UNIQUE = 1u << 9,
    F_CONST = 1u << 10,
    F_NO_ADDITIONAL = 1u << 11, /* additionalProperties: false */
};

#define MAX_SCHEMA_DEPTH 128

typedef struct node node;

typedef struct num {
    int is_int;
    json_int_t i;
    double d;
    const char *text; /* as written in messages */
} num;

typedef struct rx {
    regex_t re;
    struct rx *next; /* every compiled regex, for regfree */
} rx;

typedef struct prop {
    const char *name; /* NULL: empty slot */
    size_t len;
    uint32_t hash;
    int required;
    node *schema; /* NULL: only named by "required" */
} prop;

typedef struct pattern_prop {
    rx *re;
    node *schema;
} pattern_prop;

struct node {
    int boolean;    /* -1: an object schema; 0: false; 1: true */
    unsigned types; /* T_* mask; 0: any */
    unsigned flags; /* F_* */
    const char *type_phrase;
    node *ref;
    /* strings */
    size_t min_len, max_len;
    rx *pattern;
    const char *pattern_phrase;
    edx_schema_format_fn format;
    /* numbers */
    num minimum, maximum, xminimum, xmaximum, multiple;
    /* objects */
    prop *ptab; /* open addressing, ptab_mask + 1 slots (0 when no properties) */
    size_t ptab_mask;
    prop **req; /* in the schema's order */
    size_t nreq;
    pattern_prop *pprops;
    size_t npprops;
    node *additional;
    node *prop_names;
    /* arrays */
    node **prefix;
    size_t nprefix;
    node *items;
    size_t min_items, max_items;
    /* any type */
    const json_t **enums;
    size_t nenum;
    const char *enum_text;
    const json_t *const_v;
    const char *const_text;
    node **all_of, **any_of, **one_of;
    size_t nall, nany, none;
    /* compile bookkeeping */
    node *next_all; /* every node, for the $ref cycle check */
    int mark;
};

struct edx_schema {
    edx_arena arena; /* nodes, tables, prepared text */
    rx *regexes;
    node *root;
};

/* One step of a JSON Pointer, on the stack: into an object member or an array element. */
typedef struct frame {
    const struct frame *up;
    const char *key; /* NULL: an array index */
    size_t keylen;
    size_t index;
    unsigned depth; /* 0: the root */
} frame;

/* ---- Formats ---------------------------------------------------------------------------- */

static const char *format_date(const char *v, size_t n);
static const char *format_date_time(const char *v, size_t n);
static const char *format_uri(const char *v, size_t n);
static const char *format_uuid_urn(const char *v, size_t n);

#define MAX_FORMATS 32

typedef struct format_entry {
    char name[32];
    edx_schema_format_fn fn;
} format_entry;

static format_entry formats[MAX_FORMATS] = {
    {"date", format_date},
    {"date-time", format_date_time},
    {"uri", format_uri},
    {"uuid-urn", format_uuid_urn},
};
static size_t nformats = 4;

int edx_schema_add_format(const char *name, edx_schema_format_fn fn)
{
    if (!name || !fn) return -1;
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof formats[0].name) return -1;
    for (size_t i = 0; i < nformats; i++) {
        if (strcmp(formats[i].name, name) == 0) {
            formats[i].fn = fn;
            return 0;
        }
    }
    if (nformats == MAX_FORMATS) return -1;
    memcpy(formats[nformats].name, name, n + 1);
    formats[nformats].fn = fn;
    nformats++;
    return 0;
}

static edx_schema_format_fn format_find(const char *name)
{
    for (size_t i = 0; i < nformats; i++)
        if (strcmp(formats[i].name, name) == 0) return formats[i].fn;
    return NULL;
}

static int digits(const char *v, size_t n, int *out)
{
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') return -1;
        x = x * 10 + (v[i] - '0');
    }
    *out = x;
    return 0;
}

/* YYYY-MM-DD, a real calendar date (proleptic Gregorian). */
static int parse_date(const char *v)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    if (digits(v, 4, &y) || v[4] != '-' || digits(v + 5, 2, &m) || v[7] != '-' ||
        digits(v + 8, 2, &d))
        return -1;
    if (m < 1 || m > 12 || d < 1) return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap) ? 0 : -1;
}

static const char *format_date(const char *v, size_t n)
{
    if (n != 10 || parse_date(v)) return "must be a date (YYYY-MM-DD)";
    return NULL;
}

/* RFC 3339 date-time that is also an XML Schema dateTimeStamp (the VC data model's type). */
static const char *format_date_time(const char *v, size_t n)
{
    static const char *const why =
        "must be a date and time with time zone (e.g. 2025-06-30T08:00:00+07:00)";
    int hh, mm, ss;
    if (n < 20 || parse_date(v) || v[10] != 'T' || digits(v + 11, 2, &hh) || v[13] != ':' ||
        digits(v + 14, 2, &mm) || v[16] != ':' || digits(v + 17, 2, &ss))
        return why;
    if (hh > 23 || mm > 59 || ss > 59) return why;
    size_t i = 19;
    if (v[i] == '.') {
        size_t start = ++i;
        while (i < n && v[i] >= '0' && v[i] <= '9')
            i++;
        if (i == start) return why;
    }
    if (i < n && v[i] == 'Z') return i + 1 == n ? NULL : why;
    if (i + 6 != n || (v[i] != '+' && v[i] != '-') || digits(v + i + 1, 2, &hh) ||
        v[i + 3] != ':' || digits(v + i + 4, 2, &mm))
        return why;
    if (hh > 14 || mm > 59 || (hh == 14 && mm != 0)) return why;
    return NULL;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* scheme ":" rest (RFC 3986 scheme), no spaces or control characters anywhere. */
static const char *format_uri(const char *v, size_t n)
{
    static const char *const why = "must be a URI (e.g. https://example.edu.vn/page)";
    if (n == 0 || !is_alpha(v[0])) return why;
    size_t i = 1;
    while (i < n && (is_alpha(v[i]) || is_digit(v[i]) || v[i] == '+' || v[i] == '-' || v[i] == '.'))
        i++;
    if (i >= n || v[i] != ':' || i + 1 == n) return why;
    for (size_t k = i + 1; k < n; k++) {
        unsigned char c = (unsigned char)v[k];
        if (c <= 0x20 || c == 0x7F) return why;
    }
    return NULL;
}

/* "urn:uuid:" + lower-case 8-4-4-4-12 hex, version 1-8, RFC 4122 variant (10xx). */
static const char *format_uuid_urn(const char *v, size_t n)
{
    static const char *const why = "must be an identifier urn:uuid: followed by a lower-case UUID";
    if (n != 45 || memcmp(v, "urn:uuid:", 9) != 0) return why;
    const char *u = v + 9;
    for (size_t i = 0; i < 36; i++) {
        char c = u[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return why;
        } else if (!is_digit(c) && !(c >= 'a' && c <= 'f')) {
            return why;
        }
    }
    if (u[14] < '1' || u[14] > '8') return why;
    if (!strchr("89ab", u[19])) return why;
    return NULL;
}

/* ---- Paths and names -------------------------------------------------------------------- */

static size_t index_len(size_t i)
{
    size_t n = 1;
    while (i >= 10) {
        i /= 10;
        n++;
    }
    return n;
}

/* Write decimal `i` ending just before `end`; returns the start. */
static char *put_index(char *end, size_t i)
{
    do {
        *--end = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    return end;
}

/* The JSON Pointer of `f` (RFC 6901 escapes), built back to front. */
static char *pointer_str(edx_arena *a, const frame *f)
{
    size_t n = 0;
    for (const frame *p = f; p && p->depth; p = p->up) {
        n += 1;
        if (!p->key) {
            n += index_len(p->index);
            continue;
        }
        for (size_t i = 0; i < p->keylen; i++)
            n += (p->key[i] == '~' || p->key[i] == '/') ? 2 : 1;
    }
    char *s = edx_arena_alloc(a, n + 1);
    if (!s) return NULL;
    char *end = s + n;
    *end = '\0';
    for (const frame *p = f; p && p->depth; p = p->up) {
        if (!p->key) {
            end = put_index(end, p->index);
        } else {
            for (size_t i = p->keylen; i-- > 0;) {
                char c = p->key[i];
                if (c == '~' || c == '/') {
                    *--end = c == '~' ? '0' : '1';
                    *--end = '~';
                } else {
                    *--end = c;
                }
            }
        }
        *--end = '/';
    }
    return s;
}

/* The name a person reads: full_name, credentialSubject.achievement.name, evidence[0]. */
static char *display_name(edx_arena *a, const frame *f)
{
    if (!f || f->depth == 0) return edx_arena_strdup(a, "the record");
    size_t n = 0;
    for (const frame *p = f; p->depth; p = p->up)
        n += p->key ? p->keylen + (p->depth > 1) : index_len(p->index) + 2;
    char *s = edx_arena_alloc(a, n + 1);
    if (!s) return NULL;
    char *end = s + n;
    *end = '\0';
    for (const frame *p = f; p->depth; p = p->up) {
        if (p->key) {
            end -= p->keylen;
            memcpy(end, p->key, p->keylen);
            if (p->depth > 1) *--end = '.';
        } else {
            *--end = ']';
            end = put_index(end, p->index);
            *--end = '[';
        }
    }
    return s;
}

static char *field_str(edx_arena *a, const frame *f)
{
    while (f && f->depth > 1)
        f = f->up;
    if (!f || f->depth == 0) return edx_arena_strdup(a, "");
    if (f->key) return edx_arena_strndup(a, f->key, f->keylen);
    char buf[24];
    char *start = put_index(buf + sizeof buf - 1, f->index);
    buf[sizeof buf - 1] = '\0';
    return edx_arena_strdup(a, start);
}

/* ---- JSON values ------------------------------------------------------------------------ */

static unsigned type_of(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return T_OBJECT;
    case JSON_ARRAY:
        return T_ARRAY;
    case JSON_STRING:
        return T_STRING;
    case JSON_INTEGER:
        return T_INTEGER | T_NUMBER;
    case JSON_REAL: {
        double d = json_real_value(v);
        return T_NUMBER | (d == floor(d) ? T_INTEGER : 0);
    }
    case JSON_TRUE:
    case JSON_FALSE:
        return T_BOOLEAN;
    case JSON_NULL:
        return T_NULL;
    }
    return 0;
}

static num num_of(const json_t *v)
{
    num n = {0, 0, 0, NULL};
    if (json_is_integer(v)) {
        n.is_int = 1;
        n.i = json_integer_value(v);
        n.d = (double)n.i;
    } else {
        n.d = json_real_value(v);
    }
    return n;
}

static int num_cmp(const num *a, const num *b)
{
    if (a->is_int && b->is_int) return (a->i > b->i) - (a->i < b->i);
    return (a->d > b->d) - (a->d < b->d);
}

static int num_multiple(const num *v, const num *m)
{
    if (v->is_int && m->is_int) return m->i == 0 || v->i % m->i == 0;
    double q = v->d / m->d;
    if (!isfinite(q)) return 0;
    /* Decimal steps such as 0.1 are inexact in binary: accept a rounding-sized remainder. */
    return fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, fabs(q));
}

/* JSON Schema equality: numbers by value, objects regardless of member order. */
static int json_eq(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        num x = num_of(a), y = num_of(b);
        return num_cmp(&x, &y) == 0;
    }
    if (json_typeof(a) != json_typeof(b)) return 0;
    switch (json_typeof(a)) {
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_ARRAY: {
        size_t n = json_array_size(a);
        if (n != json_array_size(b)) return 0;
        for (size_t i = 0; i < n; i++)
            if (!json_eq(json_array_get(a, i), json_array_get(b, i))) return 0;
        return 1;
    }
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b)) return 0;
        json_t *oa = (json_t *)a; /* jansson's iterators are not const-qualified */
        for (void *it = json_object_iter(oa); it; it = json_object_iter_next(oa, it)) {
            const json_t *w =
                json_object_getn(b, json_object_iter_key(it), json_object_iter_key_len(it));
            if (!w || !json_eq(json_object_iter_value(it), w)) return 0;
        }
        return 1;
    }
    default:
        return 1; /* true, false, null: equal types are equal values */
    }
}

static int str_eq_json(const char *s, size_t n, const json_t *v)
{
    return json_is_string(v) && json_string_length(v) == n &&
           memcmp(json_string_value(v), s, n) == 0;
}

/* Code points of valid UTF-8: every byte that does not continue a sequence. */
static size_t code_points(const char *s, size_t n)
{
    size_t cp = 0;
    for (size_t i = 0; i < n; i++)
        cp += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cp;
}

static uint32_t hash_key(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static const prop *prop_find(const node *s, const char *key, size_t len)
{
    if (!s->ptab) return NULL;
    uint32_t h = hash_key(key, len);
    for (size_t i = h & s->ptab_mask;; i = (i + 1) & s->ptab_mask) {
        const prop *p = &s->ptab[i];
        if (!p->name) return NULL;
        if (p->hash == h && p->len == len && memcmp(p->name, key, len) == 0) return p;
    }
}

/* ---- Validation ------------------------------------------------------------------------- */

typedef struct vctx {
    edx_arena *a;
    edx_schema_issue *out;
    size_t max, n;
    int probe; /* count issues only: no text, no allocation */
    int oom;
    unsigned last_depth; /* depth and code of the latest issue, to rank branches */
    const char *last_code;
} vctx;

static int stop(const vctx *c)
{
    return c->n >= c->max || c->oom;
}

__attribute__((format(printf, 5, 0))) static void vissue(vctx *c, const frame *f, const char *code,
                                                         int named, const char *fmt, va_list ap)
{
    if (stop(c)) return;
    c->last_depth = f->depth;
    c->last_code = code;
    if (c->probe) {
        c->n++;
        return;
    }
    char *path = pointer_str(c->a, f);
    char *field = field_str(c->a, f);
    char *msg = edx_arena_vprintf(c->a, fmt, ap);
    if (named && msg) {
        const char *name = display_name(c->a, f);
        msg = name ? edx_arena_printf(c->a, "%s %s", name, msg) : NULL;
    }
    if (!path || !field || !msg) {
        c->oom = 1;
        return;
    }
    c->out[c->n++] = (edx_schema_issue){path, field, code, msg};
}

/* An issue whose message is "<name of f> <phrase>". */
__attribute__((format(printf, 4, 5))) static void issue(vctx *c, const frame *f, const char *code,
                                                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vissue(c, f, code, 1, fmt, ap);
    va_end(ap);
}

/* An issue whose message is the whole of `fmt`. */
__attribute__((format(printf, 4, 5))) static void issue_raw(vctx *c, const frame *f,
                                                            const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vissue(c, f, code, 0, fmt, ap);
    va_end(ap);
}

static void validate(vctx *c, const node *s, const json_t *v, const frame *f);

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* A member that may not be there: a column for top-level members, a field below. */
static void unknown_member(vctx *c, const frame *f, const char *what)
{
    if (c->probe) {
        issue_raw(c, f, "unknown_field", "%s", "");
        return;
    }
    if (f->depth <= 1) {
        issue_raw(c, f, "unknown_field", "%s column \"%.*s\"", what, (int)f->keylen, f->key);
        return;
    }
    const char *parent = display_name(c->a, f->up);
    if (!parent) {
        c->oom = 1;
        return;
    }
    issue_raw(c, f, "unknown_field", "%s field \"%.*s\" in %s", what, (int)f->keylen, f->key,
              parent);
}

/* The checks of a string value (also used for property names). */
static void check_string(vctx *c, const node *s, const char *str, size_t len, const frame *f)
{
    if (s->flags & (F_MIN_LEN | F_MAX_LEN)) {
        /* A code point takes 1 to 4 bytes: count only when the byte length cannot decide. */
        if ((s->flags & F_MAX_LEN) && len > s->max_len && code_points(str, len) > s->max_len)
            issue(c, f, "too_long", "must be at most %zu character%s", s->max_len,
                  plural(s->max_len));
        else if ((s->flags & F_MIN_LEN) && len / 4 < s->min_len &&
                 (len < s->min_len || code_points(str, len) < s->min_len)) {
            if (s->min_len == 1)
                issue(c, f, "too_short", "must not be empty");
            else
                issue(c, f, "too_short", "must be at least %zu characters", s->min_len);
        }
        if (stop(c)) return;
    }
    if (s->pattern) {
        /* regexec stops at a NUL byte: a string holding one cannot be trusted to match. */
        if (strlen(str) != len || regexec(&s->pattern->re, str, 0, NULL, 0) != 0)
            issue(c, f, "pattern", "%s", s->pattern_phrase);
        if (stop(c)) return;
    }
    if (s->format) {
        const char *why = s->format(str, len);
        if (why) issue(c, f, "format", "%s", why);
    }
}

static void check_number(vctx *c, const node *s, const json_t *v, const frame *f)
{
    num x = num_of(v);
    if ((s->flags & F_MIN) && num_cmp(&x, &s->minimum) < 0)
        issue(c, f, "minimum", "must be at least %s", s->minimum.text);
    else if ((s->flags & F_XMIN) && num_cmp(&x, &s->xminimum) <= 0)
        issue(c, f, "minimum", "must be greater than %s", s->xminimum.text);
    else if ((s->flags & F_MAX) && num_cmp(&x, &s->maximum) > 0)
        issue(c, f, "maximum", "must be at most %s", s->maximum.text);
    else if ((s->flags & F_XMAX) && num_cmp(&x, &s->xmaximum) >= 0)
        issue(c, f, "maximum", "must be less than %s", s->xmaximum.text);
    if (stop(c)) return;
    if ((s->flags & F_MULTIPLE) && !num_multiple(&x, &s->multiple))
        issue(c, f, "multiple_of", "must be a multiple of %s", s->multiple.text);
}

/* 1 when property name `key` passes propertyNames (a schema of string keywords only). */
static int name_allowed(const node *s, const char *key, size_t len)
{
    if (s->boolean >= 0) return s->boolean;
    if (s->types && !(s->types & T_STRING)) return 0;
    if ((s->flags & F_CONST) && !str_eq_json(key, len, s->const_v)) return 0;
    if (s->nenum) {
        size_t i = 0;
        while (i < s->nenum && !str_eq_json(key, len, s->enums[i]))
            i++;
        if (i == s->nenum) return 0;
    }
    vctx probe = {NULL, NULL, 1, 0, 1, 0, 0, NULL};
    frame f = {NULL, NULL, 0, 0, 0};
    check_string(&probe, s, key, len, &f);
    return probe.n == 0;
}

static void check_object(vctx *c, const node *s, const json_t *v, const frame *f)
{
    json_t *o = (json_t *)v; /* jansson's iterators are not const-qualified */
    size_t seen_required = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
        frame m = {f, json_object_iter_key(it), json_object_iter_key_len(it), 0, f->depth + 1};
        const json_t *val = json_object_iter_value(it);
        int known = 0;
        const prop *p = prop_find(s, m.key, m.keylen);
        if (p) {
            seen_required += (size_t)p->required;
            if (p->schema) { /* a name only in "required" is not declared by it */
                known = 1;
                validate(c, p->schema, val, &m);
            }
        }
        for (size_t i = 0; i < s->npprops && !stop(c); i++) {
            if (regexec(&s->pprops[i].re->re, m.key, 0, NULL, 0) == 0) {
                known = 1;
                validate(c, s->pprops[i].schema, val, &m);
            }
        }
        if (!known && !stop(c)) {
            if (s->flags & F_NO_ADDITIONAL)
                unknown_member(c, &m, "unknown");
            else if (s->additional)
                validate(c, s->additional, val, &m);
        }
        if (s->prop_names && (known || !(s->flags & F_NO_ADDITIONAL)) && !stop(c) &&
            !name_allowed(s->prop_names, m.key, m.keylen))
            unknown_member(c, &m, "unexpected");
        if (stop(c)) return;
    }
    if (seen_required == s->nreq) return;
    for (size_t i = 0; i < s->nreq && !stop(c); i++) {
        const prop *p = s->req[i];
        if (!json_object_getn(v, p->name, p->len)) {
            frame m = {f, p->name, p->len, 0, f->depth + 1};
            issue(c, &m, "required", "is required");
        }
    }
}

static void check_array(vctx *c, const node *s, const json_t *v, const frame *f)
{
    size_t n = json_array_size(v);
    if ((s->flags & F_MIN_ITEMS) && n < s->min_items)
        issue(c, f, "min_items", "must have at least %zu item%s", s->min_items,
              plural(s->min_items));
    else if ((s->flags & F_MAX_ITEMS) && n > s->max_items)
        issue(c, f, "max_items", "must have at most %zu item%s", s->max_items,
              plural(s->max_items));
    else if (s->items && s->items->boolean == 0 && n > s->nprefix)
        issue(c, f, "max_items", "must have at most %zu item%s", s->nprefix, plural(s->nprefix));
    if (stop(c)) return;
    for (size_t i = 0; i < n; i++) {
        const node *is = i < s->nprefix ? s->prefix[i] : s->items;
        if (!is || (i >= s->nprefix && is->boolean == 0)) continue; /* reported as a count */
        frame e = {f, NULL, 0, i, f->depth + 1};
        validate(c, is, json_array_get(v, i), &e);
        if (stop(c)) return;
    }
    if (s->flags & F_UNIQUE) {
        for (size_t j = 1; j < n; j++) {
            const json_t *b = json_array_get(v, j);
            for (size_t i = 0; i < j; i++) {
                if (json_eq(json_array_get(v, i), b)) {
                    issue(c, f, "not_unique",
                          "must not list the same value twice (items %zu and %zu are equal)", i + 1,
                          j + 1);
                    return;
                }
            }
        }
    }
}

/* Run `s` capped at one more issue than now, in probe mode or not. */
static void run_branch(vctx *c, const node *s, const json_t *v, const frame *f, int probe)
{
    size_t max = c->max;
    int was = c->probe;
    c->max = c->n + 1;
    c->probe = probe;
    validate(c, s, v, f);
    c->max = max;
    c->probe = was;
}

/* anyOf / oneOf: the number of passing branches (stopping at `enough`); when none pass,
 * *best is the branch whose first issue is deepest (a non-"type" issue ranks higher). */
static size_t try_branches(vctx *c, node *const *br, size_t nbr, const json_t *v, const frame *f,
                           size_t enough, size_t *best)
{
    size_t pass = 0, best_score = 0;
    *best = 0;
    for (size_t i = 0; i < nbr && pass < enough; i++) {
        size_t n = c->n;
        run_branch(c, br[i], v, f, 1);
        if (c->n == n) {
            pass++;
            continue;
        }
        c->n = n;
        size_t score = (size_t)c->last_depth * 2 + (strcmp(c->last_code, "type") != 0) + 1;
        if (score > best_score) {
            best_score = score;
            *best = i;
        }
    }
    return pass;
}

static void check_combinators(vctx *c, const node *s, const json_t *v, const frame *f)
{
    for (size_t i = 0; i < s->nall && !stop(c); i++) {
        size_t n = c->n;
        run_branch(c, s->all_of[i], v, f, c->probe);
        if (c->n != n) return; /* one issue for the whole allOf */
    }
    size_t best;
    if (s->nany && !stop(c) && try_branches(c, s->any_of, s->nany, v, f, 1, &best) == 0)
        run_branch(c, s->any_of[best], v, f, c->probe);
    if (s->none && !stop(c)) {
        size_t pass = try_branches(c, s->one_of, s->none, v, f, 2, &best);
        if (pass == 0)
            run_branch(c, s->one_of[best], v, f, c->probe);
        else if (pass > 1)
            issue(c, f, "one_of", "matches more than one of the allowed forms");
    }
}

static void validate(vctx *c, const node *s, const json_t *v, const frame *f)
{
    if (s->boolean == 1) return;
    if (s->boolean == 0) {
        if (f->key)
            issue(c, f, "unknown_field", "is not allowed");
        else
            issue(c, f, f->depth ? "max_items" : "type", "is not allowed");
        return;
    }
    if (s->ref) {
        validate(c, s->ref, v, f);
        if (stop(c)) return;
    }
    unsigned t = type_of(v);
    if (s->types && !(s->types & t)) {
        issue(c, f, "type", "%s", s->type_phrase);
        return;
    }
    if (s->flags & F_CONST) {
        if (!json_eq(s->const_v, v)) issue(c, f, "const", "must be %s", s->const_text);
        if (stop(c)) return;
    }
    if (s->nenum) {
        size_t i = 0;
        if (t == T_STRING) {
            const char *str = json_string_value(v);
            size_t len = json_string_length(v);
            while (i < s->nenum && !str_eq_json(str, len, s->enums[i]))
                i++;
        } else {
            while (i < s->nenum && !json_eq(s->enums[i], v))
                i++;
        }
        if (i == s->nenum) issue(c, f, "enum", "must be one of: %s", s->enum_text);
        if (stop(c)) return;
    }
    if (t == T_STRING)
        check_string(c, s, json_string_value(v), json_string_length(v), f);
    else if (t & T_NUMBER)
        check_number(c, s, v, f);
    else if (t == T_OBJECT)
        check_object(c, s, v, f);
    else if (t == T_ARRAY)
        check_array(c, s, v, f);
    if (!stop(c) && (s->nall | s->nany | s->none)) check_combinators(c, s, v, f);
}

int edx_schema_validate(const edx_schema *s, const json_t *instance, edx_arena *a,
                        edx_schema_issue *issues, size_t max)
{
    vctx c = {a, issues, max, 0, 0, 0, 0, NULL};
    if (max > INT_MAX) c.max = INT_MAX;
    if (max == 0 || !issues) {
        c.max = 1;
        c.probe = 1;
    }
    frame root = {NULL, NULL, 0, 0, 0};
    validate(&c, s->root, instance, &root);
    return c.oom ? -1 : (int)c.n;
}

/* ---- Compilation ------------------------------------------------------------------------ */

typedef struct def {
    const char *name;
    const json_t *json;
    node *node;
} def;

typedef struct cctx {
    edx_schema *s;
    edx_err *err;
    def *defs;
    size_t ndefs;
    node *all; /* every node, linked by next_all */
    int rc;
} cctx;

static const char *const supported[] = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "enum",
    "const",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "oneOf",
    "anyOf",
    "allOf",
    "$ref",
    "$defs",
    "format",
    "title",
    "description",
    "$schema",
    "$id",
    "$comment",
    "examples",
    "default",
};

static const char *const unsupported[] = {
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "minProperties",
    "maxProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "deprecated",
    "readOnly",
    "writeOnly",
    "definitions",
    "dependencies",
    "additionalItems",
    "$recursiveRef",
    "$recursiveAnchor",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Levenshtein distance, capped: enough to suggest a keyword for a typo. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return SIZE_MAX;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

__attribute__((format(printf, 3, 4))) static int bad(cctx *cc, const frame *where, const char *fmt,
                                                     ...)
{
    if (cc->rc) return cc->rc;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *at = pointer_str(&cc->s->arena, where);
    if (!at) {
        cc->rc = edx_err_nomem(cc->err);
        return cc->rc;
    }
    cc->rc = edx_err_set(cc->err, EDX_EINVAL, 0, "invalid_schema", "", "schema %s%s: %s",
                         *at ? "at " : "root", at, msg);
    return cc->rc;
}

static int nomem(cctx *cc)
{
    if (!cc->rc) cc->rc = edx_err_nomem(cc->err);
    return cc->rc;
}

static void *cc_alloc(cctx *cc, size_t count, size_t size)
{
    void *p = edx_arena_calloc(&cc->s->arena, count ? count : 1, size);
    if (!p) nomem(cc);
    return p;
}

static char *cc_printf(cctx *cc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *cc_printf(cctx *cc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = edx_arena_vprintf(&cc->s->arena, fmt, ap);
    va_end(ap);
    if (!p) nomem(cc);
    return p;
}

static int check_keyword(cctx *cc, const char *key, const frame *where)
{
    for (size_t i = 0; i < COUNT(supported); i++)
        if (strcmp(key, supported[i]) == 0) return 0;
    for (size_t i = 0; i < COUNT(unsupported); i++)
        if (strcmp(key, unsupported[i]) == 0)
            return bad(cc, where, "keyword \"%s\" is not supported", key);
    const char *near = NULL;
    size_t best = 3;
    for (size_t i = 0; i < COUNT(supported); i++) {
        size_t d = edit_distance(key, supported[i]);
        if (d < best) {
            best = d;
            near = supported[i];
        }
    }
    if (near) return bad(cc, where, "unknown keyword \"%s\" (did you mean \"%s\"?)", key, near);
    return bad(cc, where, "unknown keyword \"%s\"", key);
}

/* A non-negative integer (3 or 3.0) that fits size_t. */
static int get_count(cctx *cc, const json_t *v, const frame *where, size_t *out)
{
    double d = json_is_integer(v) ? (double)json_integer_value(v)
               : json_is_real(v)  ? json_real_value(v)
                                  : -1;
    if (d < 0 || d != floor(d) || d > 1e15) return bad(cc, where, "must be a non-negative integer");
    *out = (size_t)d;
    return 0;
}

static int get_num(cctx *cc, const json_t *v, const frame *where, num *out)
{
    if (!json_is_number(v)) return bad(cc, where, "must be a number");
    *out = num_of(v);
    out->text = out->is_int ? cc_printf(cc, "%" JSON_INTEGER_FORMAT, out->i)
                            : cc_printf(cc, "%.15g", out->d);
    return out->text ? 0 : cc->rc;
}

/* Strings are shown bare (Khá), other values as JSON. */
static char *value_text(cctx *cc, const json_t *v, int quote)
{
    if (json_is_string(v) && !quote) return cc_printf(cc, "%s", json_string_value(v));
    char *d = edx_json_dumpf(v, JSON_ENCODE_ANY | JSON_COMPACT, NULL);
    if (!d) {
        nomem(cc);
        return NULL;
    }
    char *r = cc_printf(cc, "%s", d);
    free(d);
    return r;
}

static int compile_regex(cctx *cc, const char *src, const frame *where, rx **out)
{
    /* POSIX leaves "\d" and friends undefined (glibc quietly reads \d as "d"): refuse them. */
    for (const char *p = src; *p; p++) {
        if (*p != '\\') continue;
        if (is_alpha(p[1]) || is_digit(p[1]))
            return bad(cc, where,
                       "regular expression \"%s\": \\%c is not POSIX (use [0-9], [[:alpha:]], "
                       "[[:space:]] ...)",
                       src, p[1]);
        if (p[1]) p++;
    }
    rx *r = cc_alloc(cc, 1, sizeof *r);
    if (!r) return cc->rc;
    int e = regcomp(&r->re, src, REG_EXTENDED | REG_NOSUB);
    if (e) {
        char why[128];
        regerror(e, &r->re, why, sizeof why);
        return bad(cc, where, "invalid regular expression \"%s\": %s", src, why);
    }
    r->next = cc->s->regexes;
    cc->s->regexes = r;
    *out = r;
    return 0;
}

static int compile_into(cctx *cc, const json_t *js, const frame *where, node *n);

static node *new_node(cctx *cc)
{
    node *n = cc_alloc(cc, 1, sizeof *n);
    if (!n) return NULL;
    n->boolean = -1;
    n->next_all = cc->all;
    cc->all = n;
    return n;
}

/* Compile the schema at `key` (/index when key is NULL) below `where`. */
static int sub(cctx *cc, const json_t *js, const frame *where, const char *key, size_t index,
               node **out)
{
    frame f = {where, key, key ? strlen(key) : 0, index, where->depth + 1};
    if (f.depth > MAX_SCHEMA_DEPTH) return bad(cc, &f, "schema nested too deeply");
    node *n = new_node(cc);
    if (!n) return cc->rc;
    *out = n;
    return compile_into(cc, js, &f, n);
}

/* A non-empty array of schemas. */
static int schema_list(cctx *cc, const json_t *js, const frame *where, node ***out, size_t *n)
{
    if (!json_is_array(js) || json_array_size(js) == 0)
        return bad(cc, where, "must be a non-empty array of schemas");
    *n = json_array_size(js);
    *out = cc_alloc(cc, *n, sizeof **out);
    if (!*out) return cc->rc;
    for (size_t i = 0; i < *n; i++)
        if (sub(cc, json_array_get(js, i), where, NULL, i, &(*out)[i])) return cc->rc;
    return 0;
}

static int compile_type(cctx *cc, node *n, const json_t *js, const frame *where)
{
    static const struct {
        const char *name;
        unsigned bit;
        const char *words;
    } names[] = {
        {"string", T_STRING, "text"},     {"integer", T_INTEGER, "a whole number"},
        {"number", T_NUMBER, "a number"}, {"boolean", T_BOOLEAN, "true or false"},
        {"array", T_ARRAY, "a list"},     {"object", T_OBJECT, "an object"},
        {"null", T_NULL, "empty (null)"},
    };
    size_t count = json_is_array(js) ? json_array_size(js) : 1;
    if (!json_is_string(js) && (!json_is_array(js) || count == 0))
        return bad(cc, where, "must be a type name or a non-empty array of them");
    for (size_t i = 0; i < count; i++) {
        const json_t *t = json_is_array(js) ? json_array_get(js, i) : js;
        size_t k = 0;
        while (k < COUNT(names) &&
               !(json_is_string(t) && !strcmp(json_string_value(t), names[k].name)))
            k++;
        if (k == COUNT(names))
            return bad(cc, where,
                       "types are object, array, string, number, integer, boolean, null");
        if (n->types & names[k].bit) return bad(cc, where, "lists a type twice");
        n->types |= names[k].bit;
    }
    /* "must be text, a number or empty (null)"; a number includes whole numbers. */
    unsigned shown = n->types & T_NUMBER ? n->types & ~(unsigned)T_INTEGER : n->types;
    size_t left = 0, words = 0;
    for (size_t k = 0; k < COUNT(names); k++)
        left += (shown & names[k].bit) != 0;
    const char *text = "must be";
    for (size_t k = 0; k < COUNT(names) && text; k++) {
        if (!(shown & names[k].bit)) continue;
        const char *sep = !words ? " " : words + 1 == left ? " or " : ", ";
        text = cc_printf(cc, "%s%s%s", text, sep, names[k].words);
        words++;
    }
    n->type_phrase = text;
    return text ? 0 : cc->rc;
}

static prop *prop_slot(node *n, const char *name, size_t len)
{
    uint32_t h = hash_key(name, len);
    for (size_t i = h & n->ptab_mask;; i = (i + 1) & n->ptab_mask) {
        prop *p = &n->ptab[i];
        if (!p->name) {
            p->name = name;
            p->len = len;
            p->hash = h;
            return p;
        }
        if (p->hash == h && p->len == len && memcmp(p->name, name, len) == 0) return p;
    }
}

static int compile_object(cctx *cc, node *n, const json_t *js, const frame *where)
{
    const json_t *props = json_object_get(js, "properties");
    const json_t *req = json_object_get(js, "required");
    const json_t *pat = json_object_get(js, "patternProperties");
    const json_t *add = json_object_get(js, "additionalProperties");
    const json_t *names = json_object_get(js, "propertyNames");
    frame fp = {where, "properties", 10, 0, where->depth + 1};
    frame fr = {where, "required", 8, 0, where->depth + 1};
    frame fpp = {where, "patternProperties", 17, 0, where->depth + 1};
    if (props && !json_is_object(props)) return bad(cc, &fp, "must be an object of schemas");
    if (req && !json_is_array(req)) return bad(cc, &fr, "must be an array of names");
    if (pat && !json_is_object(pat)) return bad(cc, &fpp, "must be an object of schemas");
    size_t np = props ? json_object_size(props) : 0, nr = req ? json_array_size(req) : 0;
    if (np + nr) {
        size_t cap = 4;
        while (cap < 2 * (np + nr))
            cap *= 2;
        n->ptab = cc_alloc(cc, cap, sizeof *n->ptab);
        if (!n->ptab) return cc->rc;
        n->ptab_mask = cap - 1;
    }
    json_t *po = (json_t *)props;
    for (void *it = props ? json_object_iter(po) : NULL; it; it = json_object_iter_next(po, it)) {
        const char *k = json_object_iter_key(it);
        prop *p = prop_slot(n, k, json_object_iter_key_len(it));
        if (sub(cc, json_object_iter_value(it), &fp, k, 0, &p->schema)) return cc->rc;
    }
    if (nr) {
        n->req = cc_alloc(cc, nr, sizeof *n->req);
        if (!n->req) return cc->rc;
    }
    for (size_t i = 0; i < nr; i++) {
        const json_t *r = json_array_get(req, i);
        frame fi = {&fr, NULL, 0, i, fr.depth + 1};
        if (!json_is_string(r)) return bad(cc, &fi, "must be a property name");
        prop *p = prop_slot(n, json_string_value(r), json_string_length(r));
        if (p->required) return bad(cc, &fi, "\"%s\" is listed twice", json_string_value(r));
        p->required = 1;
        n->req[n->nreq++] = p;
    }
    if (pat) {
        n->npprops = json_object_size(pat);
        n->pprops = cc_alloc(cc, n->npprops, sizeof *n->pprops);
        if (!n->pprops) return cc->rc;
        size_t i = 0;
        json_t *pa = (json_t *)pat;
        for (void *it = json_object_iter(pa); it; it = json_object_iter_next(pa, it), i++) {
            const char *k = json_object_iter_key(it);
            frame fk = {&fpp, k, strlen(k), 0, fpp.depth + 1};
            if (compile_regex(cc, k, &fk, &n->pprops[i].re) ||
                sub(cc, json_object_iter_value(it), &fpp, k, 0, &n->pprops[i].schema))
                return cc->rc;
        }
    }
    if (add) {
        if (json_is_false(add))
            n->flags |= F_NO_ADDITIONAL;
        else if (!json_is_true(add) &&
                 sub(cc, add, where, "additionalProperties", 0, &n->additional))
            return cc->rc;
    }
    if (names) {
        if (sub(cc, names, where, "propertyNames", 0, &n->prop_names)) return cc->rc;
        const node *pn = n->prop_names;
        frame fn = {where, "propertyNames", 13, 0, where->depth + 1};
        if (pn->ref || pn->nall || pn->nany || pn->none)
            return bad(cc, &fn,
                       "only string keywords (pattern, length, format, enum) are supported");
    }
    /* A required member that no rule admits can never be supplied: almost surely a typo. */
    for (size_t i = 0; (n->flags & F_NO_ADDITIONAL) && i < n->nreq; i++) {
        const prop *p = n->req[i];
        size_t k = 0;
        while (k < n->npprops && regexec(&n->pprops[k].re->re, p->name, 0, NULL, 0) != 0)
            k++;
        if (!p->schema && k == n->npprops)
            return bad(cc, &fr,
                       "\"%s\" is required but not among properties while additionalProperties "
                       "is false",
                       p->name);
    }
    return 0;
}

static int compile_numbers(cctx *cc, node *n, const json_t *js, const frame *where)
{
    static const struct {
        const char *key;
        unsigned flag;
        size_t off;
    } kw[] = {
        {"minimum", F_MIN, offsetof(node, minimum)},
        {"maximum", F_MAX, offsetof(node, maximum)},
        {"exclusiveMinimum", F_XMIN, offsetof(node, xminimum)},
        {"exclusiveMaximum", F_XMAX, offsetof(node, xmaximum)},
        {"multipleOf", F_MULTIPLE, offsetof(node, multiple)},
    };
    for (size_t i = 0; i < COUNT(kw); i++) {
        const json_t *v = json_object_get(js, kw[i].key);
        if (!v) continue;
        frame f = {where, kw[i].key, strlen(kw[i].key), 0, where->depth + 1};
        num *slot = (num *)(void *)((char *)n + kw[i].off);
        if (get_num(cc, v, &f, slot)) return cc->rc;
        n->flags |= kw[i].flag;
        if (kw[i].flag == F_MULTIPLE && slot->d <= 0) return bad(cc, &f, "must be greater than 0");
    }
    if ((n->flags & F_MIN) && (n->flags & F_MAX) && num_cmp(&n->minimum, &n->maximum) > 0)
        return bad(cc, where, "minimum is greater than maximum");
    return 0;
}

static int compile_strings(cctx *cc, node *n, const json_t *js, const frame *where)
{
    const json_t *v;
    frame f = {where, NULL, 0, 0, where->depth + 1};
    if ((v = json_object_get(js, "minLength"))) {
        f.key = "minLength", f.keylen = 9;
        if (get_count(cc, v, &f, &n->min_len)) return cc->rc;
        n->flags |= F_MIN_LEN;
    }
    if ((v = json_object_get(js, "maxLength"))) {
        f.key = "maxLength", f.keylen = 9;
        if (get_count(cc, v, &f, &n->max_len)) return cc->rc;
        n->flags |= F_MAX_LEN;
        if ((n->flags & F_MIN_LEN) && n->min_len > n->max_len)
            return bad(cc, where, "minLength is greater than maxLength");
    }
    if ((v = json_object_get(js, "pattern"))) {
        f.key = "pattern", f.keylen = 7;
        if (!json_is_string(v)) return bad(cc, &f, "must be a string");
        if (compile_regex(cc, json_string_value(v), &f, &n->pattern)) return cc->rc;
        /* An example tells a person more than a regular expression does. */
        const json_t *ex = json_array_get(json_object_get(js, "examples"), 0);
        n->pattern_phrase =
            json_is_string(ex)
                ? cc_printf(cc, "is not in the expected form (for example: %s)",
                            json_string_value(ex))
                : cc_printf(cc, "is not in the expected form (pattern %s)", json_string_value(v));
        if (!n->pattern_phrase) return cc->rc;
    }
    if ((v = json_object_get(js, "format"))) {
        f.key = "format", f.keylen = 6;
        if (!json_is_string(v)) return bad(cc, &f, "must be a string");
        n->format = format_find(json_string_value(v));
        if (!n->format) return bad(cc, &f, "unknown format \"%s\"", json_string_value(v));
    }
    return 0;
}

static int compile_arrays(cctx *cc, node *n, const json_t *js, const frame *where)
{
    const json_t *v;
    frame f = {where, NULL, 0, 0, where->depth + 1};
    if ((v = json_object_get(js, "items"))) {
        f.key = "items", f.keylen = 5;
        if (json_is_array(v)) return bad(cc, &f, "must be a schema (for a tuple use prefixItems)");
        if (sub(cc, v, where, "items", 0, &n->items)) return cc->rc;
    }
    if ((v = json_object_get(js, "prefixItems"))) {
        f.key = "prefixItems", f.keylen = 11;
        if (schema_list(cc, v, &f, &n->prefix, &n->nprefix)) return cc->rc;
    }
    if ((v = json_object_get(js, "minItems"))) {
        f.key = "minItems", f.keylen = 8;
        if (get_count(cc, v, &f, &n->min_items)) return cc->rc;
        n->flags |= F_MIN_ITEMS;
    }
    if ((v = json_object_get(js, "maxItems"))) {
        f.key = "maxItems", f.keylen = 8;
        if (get_count(cc, v, &f, &n->max_items)) return cc->rc;
        n->flags |= F_MAX_ITEMS;
        if ((n->flags & F_MIN_ITEMS) && n->min_items > n->max_items)
            return bad(cc, where, "minItems is greater than maxItems");
    }
    if ((v = json_object_get(js, "uniqueItems"))) {
        f.key = "uniqueItems", f.keylen = 11;
        if (!json_is_boolean(v)) return bad(cc, &f, "must be true or false");
        if (json_is_true(v)) n->flags |= F_UNIQUE;
    }
    return 0;
}

static int compile_values(cctx *cc, node *n, const json_t *js, const frame *where)
{
    const json_t *v;
    if ((v = json_object_get(js, "const"))) {
        n->flags |= F_CONST;
        n->const_v = v;
        if (!(n->const_text = value_text(cc, v, 1))) return cc->rc;
    }
    if (!(v = json_object_get(js, "enum"))) return 0;
    frame f = {where, "enum", 4, 0, where->depth + 1};
    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(cc, &f, "must be a non-empty array");
    n->nenum = json_array_size(v);
    n->enums = cc_alloc(cc, n->nenum, sizeof *n->enums);
    if (!n->enums) return cc->rc;
    /* "one of: Xuất sắc, Giỏi, Khá, Trung bình", at most 12 shown. */
    const char *text = "";
    for (size_t i = 0; i < n->nenum; i++) {
        n->enums[i] = json_array_get(v, i);
        if (i == 12) {
            text = cc_printf(cc, "%s, ...", text);
        } else if (i < 12) {
            const char *one = value_text(cc, n->enums[i], 0);
            text = one ? cc_printf(cc, "%s%s%s", text, i ? ", " : "", one) : NULL;
        }
        if (!text) return cc->rc;
    }
    n->enum_text = text;
    return 0;
}

static int compile_ref(cctx *cc, node *n, const json_t *js, const frame *where)
{
    const json_t *v = json_object_get(js, "$ref");
    if (!v) return 0;
    frame f = {where, "$ref", 4, 0, where->depth + 1};
    static const char prefix[] = "#/$defs/";
    const char *r = json_is_string(v) ? json_string_value(v) : "";
    if (strncmp(r, prefix, sizeof prefix - 1) != 0)
        return bad(cc, &f, "only local references \"#/$defs/name\" are supported");
    char name[256];
    size_t len = 0;
    for (const char *p = r + sizeof prefix - 1; *p; p++) {
        char c = *p;
        if (c == '/') return bad(cc, &f, "only local references \"#/$defs/name\" are supported");
        if (c == '~') {
            if (p[1] != '0' && p[1] != '1') return bad(cc, &f, "bad escape in \"%s\"", r);
            c = *++p == '0' ? '~' : '/';
        }
        if (len + 1 >= sizeof name) return bad(cc, &f, "name too long");
        name[len++] = c;
    }
    name[len] = '\0';
    for (size_t i = 0; i < cc->ndefs; i++) {
        if (strcmp(cc->defs[i].name, name) == 0) {
            n->ref = cc->defs[i].node;
            return 0;
        }
    }
    return bad(cc, &f, "\"%s\" is not in $defs", r);
}

static int compile_annotations(cctx *cc, const json_t *js, const frame *where)
{
    static const char *const strings[] = {"title", "description", "$comment", "$schema", "$id"};
    for (size_t i = 0; i < COUNT(strings); i++) {
        const json_t *v = json_object_get(js, strings[i]);
        frame f = {where, strings[i], strlen(strings[i]), 0, where->depth + 1};
        if (v && !json_is_string(v)) return bad(cc, &f, "must be a string");
    }
    const json_t *ex = json_object_get(js, "examples");
    frame f = {where, "examples", 8, 0, where->depth + 1};
    if (ex && !json_is_array(ex)) return bad(cc, &f, "must be an array");
    frame fd = {where, "$defs", 5, 0, where->depth + 1};
    if (json_object_get(js, "$defs") && where->depth != 0)
        return bad(cc, &fd, "$defs is supported only at the root of the schema");
    return 0;
}

static int compile_into(cctx *cc, const json_t *js, const frame *where, node *n)
{
    if (json_is_boolean(js)) {
        n->boolean = json_is_true(js);
        return 0;
    }
    if (!json_is_object(js)) return bad(cc, where, "a schema must be an object or a boolean");
    json_t *o = (json_t *)js;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
        frame f = {where, json_object_iter_key(it), json_object_iter_key_len(it), 0,
                   where->depth + 1};
        if (check_keyword(cc, f.key, &f)) return cc->rc;
    }
    const json_t *v;
    frame f = {where, NULL, 0, 0, where->depth + 1};
    if ((v = json_object_get(js, "type"))) {
        f.key = "type", f.keylen = 4;
        if (compile_type(cc, n, v, &f)) return cc->rc;
    }
    if (compile_annotations(cc, js, where) || compile_ref(cc, n, js, where) ||
        compile_values(cc, n, js, where) || compile_strings(cc, n, js, where) ||
        compile_numbers(cc, n, js, where) || compile_object(cc, n, js, where) ||
        compile_arrays(cc, n, js, where))
        return cc->rc;
    static const struct {
        const char *key;
        size_t list, count;
    } comb[] = {
        {"allOf", offsetof(node, all_of), offsetof(node, nall)},
        {"anyOf", offsetof(node, any_of), offsetof(node, nany)},
        {"oneOf", offsetof(node, one_of), offsetof(node, none)},
    };
    for (size_t i = 0; i < COUNT(comb); i++) {
        if (!(v = json_object_get(js, comb[i].key))) continue;
        f.key = comb[i].key, f.keylen = 5;
        node ***list = (node ***)(void *)((char *)n + comb[i].list);
        size_t *count = (size_t *)(void *)((char *)n + comb[i].count);
        if (schema_list(cc, v, &f, list, count)) return cc->rc;
    }
    return 0;
}

/* A cycle through $ref / allOf / anyOf / oneOf alone would recurse without consuming input. */
static int in_place_cycle(node *n)
{
    if (n->mark == 1) return 1;
    if (n->mark == 2) return 0;
    n->mark = 1;
    int cyc = n->ref && in_place_cycle(n->ref);
    for (size_t i = 0; !cyc && i < n->nall; i++)
        cyc = in_place_cycle(n->all_of[i]);
    for (size_t i = 0; !cyc && i < n->nany; i++)
        cyc = in_place_cycle(n->any_of[i]);
    for (size_t i = 0; !cyc && i < n->none; i++)
        cyc = in_place_cycle(n->one_of[i]);
    n->mark = 2;
    return cyc;
}

static int compile_defs(cctx *cc, const json_t *root, const frame *where)
{
    const json_t *defs = json_is_object(root) ? json_object_get(root, "$defs") : NULL;
    if (!defs) return 0;
    frame fd = {where, "$defs", 5, 0, 1};
    if (!json_is_object(defs)) return bad(cc, &fd, "must be an object of schemas");
    cc->ndefs = json_object_size(defs);
    cc->defs = cc_alloc(cc, cc->ndefs, sizeof *cc->defs);
    if (!cc->defs) return cc->rc;
    /* Every node first, so definitions may refer to each other and to themselves. */
    size_t i = 0;
    json_t *d = (json_t *)defs;
    for (void *it = json_object_iter(d); it; it = json_object_iter_next(d, it), i++) {
        cc->defs[i].name = json_object_iter_key(it);
        cc->defs[i].json = json_object_iter_value(it);
        if (!(cc->defs[i].node = new_node(cc))) return cc->rc;
    }
    for (i = 0; i < cc->ndefs; i++) {
        frame f = {&fd, cc->defs[i].name, strlen(cc->defs[i].name), 0, 2};
        if (compile_into(cc, cc->defs[i].json, &f, cc->defs[i].node)) return cc->rc;
    }
    return 0;
}

int edx_schema_compile(const json_t *schema, edx_schema **out, edx_err *err)
{
    *out = NULL;
    edx_schema *s = calloc(1, sizeof *s);
    if (!s) return edx_err_nomem(err);
    edx_arena_init(&s->arena, 16384);
    cctx cc = {s, err, NULL, 0, NULL, 0};
    frame root = {NULL, NULL, 0, 0, 0};
    if (!schema) {
        bad(&cc, &root, "no schema");
    } else if (!compile_defs(&cc, schema, &root) && (s->root = new_node(&cc))) {
        if (!compile_into(&cc, schema, &root, s->root)) {
            for (node *n = cc.all; n && !cc.rc; n = n->next_all)
                if (in_place_cycle(n))
                    bad(&cc, &root,
                        "$ref, allOf, anyOf or oneOf refer back to themselves "
                        "without descending into the value");
        }
    }
    if (cc.rc) {
        int rc = cc.rc;
        edx_schema_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void edx_schema_free(edx_schema *s)
{
    if (!s) return;
    for (rx *r = s->regexes; r; r = r->next)
        regfree(&r->re);
    edx_arena_free(&s->arena);
    free(s);
}
