/*
 * jcs.c: RFC 8785 JSON Canonicalization Scheme on jansson values.
 *
 * Section numbers below refer to RFC 8785; "Number::toString" is ECMA-262
 * section 6.1.6.1.20, which RFC 8785 section 3.2.2.3 adopts for numbers.
 */
#include "json/json.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* Deeper than jansson's parser goes (2048); guards values built in code, cycles included. */
#define JCS_MAX_DEPTH 4096

/* Objects up to this size are sorted in a stack array, larger ones in one heap block. */
#define JCS_STACK_MEMBERS 32

/*
 * The parser: recursive descent over the buffer, building jansson values
 * directly. The input's UTF-8 is checked once up front, so strings without
 * escapes become values straight from their bytes; only escaped strings are
 * decoded through a scratch buffer. Errors keep jansson's wording (line and
 * column), computed only when there is one.
 */
#define JCS_PARSE_DEPTH 2048

typedef struct jparser {
    const char *p, *end, *start;
    edx_buf tmp;    /* decoded text of a string with escapes */
    int depth;
    int rc;         /* 0, or the failure already recorded in err */
    edx_err *err;
} jparser;

static json_t *parse_fail(jparser *ps, const char *at, const char *what)
{
    if (ps->rc) return NULL;
    int line = 1, col = 1;
    for (const char *q = ps->start; q < at && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*q & 0xC0) != 0x80) {
            col++;
        }
    }
    ps->rc = edx_err_set(ps->err, EDX_EINVAL, 400, "invalid_json", "", "%s at line %d column %d",
                         what, line, col);
    return NULL;
}

static void skip_ws(jparser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static void put_utf8(edx_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    edx_buf_append(b, u, n);
}

/*
 * A string at ps->p (just past its opening quote): *text and *n point into the
 * input when it has no escapes, else into ps->tmp. 0, or -1 after parse_fail.
 */
static int parse_string(jparser *ps, const char **text, size_t *n)
{
    const char *q = ps->p, *end = ps->end;
    while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20) q++;
    if (q < end && *q == '"') {
        *text = ps->p;
        *n = (size_t)(q - ps->p);
        ps->p = q + 1;
        return 0;
    }
    edx_buf_reset(&ps->tmp);
    edx_buf_append(&ps->tmp, ps->p, (size_t)(q - ps->p));
    for (;;) {
        const char *run = q;
        while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20) q++;
        edx_buf_append(&ps->tmp, run, (size_t)(q - run));
        if (q >= end) {
            parse_fail(ps, q, "premature end of input in a string");
            return -1;
        }
        if (*q == '"') break;
        if ((unsigned char)*q < 0x20) {
            parse_fail(ps, q, "control character in a string");
            return -1;
        }
        /* A backslash. */
        if (end - q < 2) {
            parse_fail(ps, q, "premature end of input in a string");
            return -1;
        }
        char c = q[1];
        const char *simple = strchr("\"\\/bfnrt", c);
        if (c && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            edx_buf_putc(&ps->tmp, map[simple - "\"\\/bfnrt"]);
            q += 2;
            continue;
        }
        unsigned cp, lo;
        if (c != 'u' || end - q < 6 || hex4(q + 2, &cp) != 0) {
            parse_fail(ps, q, "invalid escape in a string");
            return -1;
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            parse_fail(ps, q, "invalid Unicode: a lone low surrogate");
            return -1;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end - q < 12 || q[6] != '\\' || q[7] != 'u' || hex4(q + 8, &lo) != 0 ||
                lo < 0xDC00 || lo > 0xDFFF) {
                parse_fail(ps, q, "invalid Unicode: a lone high surrogate");
                return -1;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            q += 6;
        }
        put_utf8(&ps->tmp, cp);
        q += 6;
    }
    if (ps->tmp.oom) {
        ps->rc = edx_err_nomem(ps->err);
        return -1;
    }
    ps->p = q + 1;
    *text = ps->tmp.data ? ps->tmp.data : "";
    *n = ps->tmp.len;
    return 0;
}

static json_t *parse_number(jparser *ps)
{
    const char *q = ps->p, *end = ps->end, *begin = q;
    if (q < end && *q == '-') q++;
    if (q < end && *q == '0') q++;
    else if (q < end && *q >= '1' && *q <= '9')
        while (q < end && *q >= '0' && *q <= '9') q++;
    else return parse_fail(ps, begin, "invalid token");
    if (q < end && *q == '.') {
        q++;
        if (q >= end || *q < '0' || *q > '9') return parse_fail(ps, begin, "invalid number");
        while (q < end && *q >= '0' && *q <= '9') q++;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < end && (*q == '+' || *q == '-')) q++;
        if (q >= end || *q < '0' || *q > '9') return parse_fail(ps, begin, "invalid number");
        while (q < end && *q >= '0' && *q <= '9') q++;
    }
    char small[64], *copy = small;
    size_t n = (size_t)(q - begin);
    if (n >= sizeof small && !(copy = malloc(n + 1))) {
        ps->rc = edx_err_nomem(ps->err);
        return NULL;
    }
    memcpy(copy, begin, n);
    copy[n] = '\0';
    double d = strtod(copy, NULL);
    if (copy != small) free(copy);
    if (!isfinite(d))
        return parse_fail(ps, begin, "a number beyond the range of IEEE doubles");
    ps->p = q;
    json_t *v = json_real(d);
    if (!v) ps->rc = edx_err_nomem(ps->err);
    return v;
}

static json_t *parse_value(jparser *ps);

static json_t *parse_object(jparser *ps)
{
    json_t *obj = json_object();
    if (!obj) {
        ps->rc = edx_err_nomem(ps->err);
        return NULL;
    }
    ps->p++; /* { */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return obj;
    }
    for (;;) {
        const char *kt, *at = ps->p;
        size_t kn;
        if (ps->p >= ps->end || *ps->p != '"') goto bad_key;
        ps->p++;
        if (parse_string(ps, &kt, &kn) != 0) goto fail;
        if (memchr(kt, '\0', kn)) {
            parse_fail(ps, at, "an object key contains a NUL character (\\u0000)");
            goto fail;
        }
        if (json_object_getn(obj, kt, kn)) {
            parse_fail(ps, at, "duplicate key");
            goto fail;
        }
        /* The key's text may sit in ps->tmp, which the value reuses: copy it first. */
        char kbuf[128], *key = kbuf;
        if (kn >= sizeof kbuf && !(key = malloc(kn + 1))) {
            ps->rc = edx_err_nomem(ps->err);
            goto fail;
        }
        memcpy(key, kt, kn);
        key[kn] = '\0';
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            if (key != kbuf) free(key);
            parse_fail(ps, ps->p, "':' expected");
            goto fail;
        }
        ps->p++;
        json_t *v = parse_value(ps);
        int set = v ? json_object_setn_new_nocheck(obj, key, kn, v) : -1;
        if (key != kbuf) free(key);
        if (!v) goto fail;
        if (set != 0) {
            ps->rc = edx_err_nomem(ps->err);
            goto fail;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_ws(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return obj;
        }
        parse_fail(ps, ps->p, "'}' or ',' expected");
        goto fail;
    bad_key:
        parse_fail(ps, at, "string or '}' expected");
        goto fail;
    }
fail:
    json_decref(obj);
    return NULL;
}

static json_t *parse_array(jparser *ps)
{
    json_t *arr = json_array();
    if (!arr) {
        ps->rc = edx_err_nomem(ps->err);
        return NULL;
    }
    ps->p++; /* [ */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        json_t *v = parse_value(ps);
        if (!v) goto fail;
        if (json_array_append_new(arr, v) != 0) {
            ps->rc = edx_err_nomem(ps->err);
            goto fail;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return arr;
        }
        parse_fail(ps, ps->p, "']' or ',' expected");
        goto fail;
    }
fail:
    json_decref(arr);
    return NULL;
}

static json_t *literal(jparser *ps, const char *word, json_t *v)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return parse_fail(ps, ps->p, "invalid token");
    ps->p += n;
    return v;
}

static json_t *parse_value(jparser *ps)
{
    skip_ws(ps);
    if (ps->p >= ps->end) return parse_fail(ps, ps->p, "premature end of input");
    if (++ps->depth > JCS_PARSE_DEPTH) return parse_fail(ps, ps->p, "nesting too deep");
    json_t *v;
    switch (*ps->p) {
    case '{': v = parse_object(ps); break;
    case '[': v = parse_array(ps); break;
    case '"': {
        const char *t;
        size_t n;
        ps->p++;
        v = NULL;
        if (parse_string(ps, &t, &n) == 0 && !(v = json_stringn_nocheck(t, n)))
            ps->rc = edx_err_nomem(ps->err);
        break;
    }
    case 't': v = literal(ps, "true", json_true()); break;
    case 'f': v = literal(ps, "false", json_false()); break;
    case 'n': v = literal(ps, "null", json_null()); break;
    default: v = parse_number(ps); break;
    }
    ps->depth--;
    return v;
}

int edx_jcs_parse(const char *data, size_t len, json_t **out, edx_err *err)
{
    *out = NULL;
    if (len == 0)
        return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "",
                           "the input is empty; a JSON value is expected");
    if (!edx_utf8_valid(data, len))
        return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "",
                           "the input is not valid UTF-8");
    jparser ps = {.p = data, .end = data + len, .start = data, .err = err};
    json_t *v = parse_value(&ps);
    if (v) {
        skip_ws(&ps);
        if (ps.p < ps.end) {
            json_decref(v);
            v = parse_fail(&ps, ps.p, "end of file expected");
        }
    }
    edx_buf_free(&ps.tmp);
    if (!v) {
        if (!ps.rc) return edx_err_nomem(err);
        return ps.rc;
    }
    *out = v;
    return 0;
}

/* Drop trailing zeros of a digit string of length k (keeping one digit); returns the new length. */
static int strip_zeros(char *digits, int k)
{
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    return k;
}

/* Split snprintf's "d.ddde±XX" (or "de±XX") into digits and exponent; returns the digit count. */
static int split_e(const char *tmp, char digits[18], int *exp)
{
    int k = 0;
    const char *p = tmp;
    for (; *p != 'e'; p++)
        if (*p != '.') digits[k++] = *p;
    digits[k] = '\0';
    *exp = atoi(p + 1);
    return k;
}

/* 1 if the decimal digits[0].digits[1..] × 10^exp reads back as x. */
static int round_trips(const char *digits, int exp, double x)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%c.%se%d", digits[0], digits + 1, exp);
    return strtod(tmp, NULL) == x;
}

/*
 * Number::toString's digits of finite x > 0: the fewest digits that read back
 * as x and, among those, the nearest to x. Fills `digits` (no trailing zeros)
 * and the decimal exponent (x ≈ d.ddd × 10^exp); returns the digit count.
 */
static int shortest_digits(double x, char digits[18], int *exp)
{
    char tmp[40];
    int k;
    if (x < DBL_MIN) {
        /* Subnormal: fewer significant bits, so try every precision, shortest first. */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
            if (prec == 17 || strtod(tmp, NULL) == x) break;
        }
        k = split_e(tmp, digits, exp);
    } else {
        /*
         * Normal: a decimal of at most 15 digits survives decimal → double →
         * 15 digits (DBL_DIG), so if any p ≤ 15 round-trips, the 15-digit
         * form round-trips too and equals it padded with zeros: the shortest
         * form is the 15-digit one without its trailing zeros. Otherwise
         * 16 digits, or 17, which always round-trip. Same answer as trying
         * 1..17 in turn, in at most three conversions, except for the powers
         * of two below, where that search alone is not Number::toString.
         */
        snprintf(tmp, sizeof tmp, "%.14e", x);
        if (strtod(tmp, NULL) == x) return strip_zeros(digits, split_e(tmp, digits, exp));
        snprintf(tmp, sizeof tmp, "%.15e", x);
        double y = strtod(tmp, NULL);
        k = split_e(tmp, digits, exp);
        if (y == x) return strip_zeros(digits, k);
        int e2;
        if (y < x && frexp(x, &e2) == 0.5) {
            /*
             * x is a power of two: the doubles below it are twice as close as
             * those above, so the 16-digit decimal just above x may read back
             * as x although the nearest one, below, does not (2^-44 is
             * 5.684341886080802e-14, not ...8015e-14). The nearest decimal
             * is not always the shortest here, unlike everywhere else.
             */
            int i = k - 1;
            while (i >= 0 && digits[i] == '9')
                digits[i--] = '0';
            if (i >= 0) {
                digits[i]++;
            } else {
                digits[0] = '1';
                ++*exp;
            }
            if (round_trips(digits, *exp, x)) return strip_zeros(digits, k);
        }
        snprintf(tmp, sizeof tmp, "%.16e", x);
        k = split_e(tmp, digits, exp);
    }
    return strip_zeros(digits, k);
}

int edx_jcs_number(double x, char out[32])
{
    if (!isfinite(x)) {
        out[0] = '\0';
        return -1;
    }
    if (x == 0) { /* +0 and -0 alike */
        memcpy(out, "0", 2);
        return 0;
    }
    char digits[18];
    int e10;
    char *o = out;
    if (x < 0) {
        *o++ = '-';
        x = -x;
    }
    int k = shortest_digits(x, digits, &e10);
    int n = e10 + 1; /* Number::toString's n: x = 0.digits × 10^n */
    if (k <= n && n <= 21) {
        memcpy(o, digits, (size_t)k);
        o += k;
        memset(o, '0', (size_t)(n - k));
        o += n - k;
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, digits + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0';
        *o++ = '.';
        memset(o, '0', (size_t)-n);
        o += -n;
        memcpy(o, digits, (size_t)k);
        o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(k - 1));
            o += k - 1;
        }
        int e = n - 1; /* |e| ≤ 324 */
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        if (e < 0) e = -e;
        if (e >= 100) *o++ = (char)('0' + e / 100);
        if (e >= 10) *o++ = (char)('0' + e / 10 % 10);
        *o++ = (char)('0' + e % 10);
    }
    *o = '\0';
    return 0;
}

/* 3.2.2.2: JSON.stringify's escapes; everything else, U+2028/9 included, stays literal. */
static void put_string(edx_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    edx_buf_reserve(b, n + 2);
    edx_buf_putc(b, '"');
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        edx_buf_append(b, s + done, i - done);
        done = i + 1;
        char esc[6] = {'\\', (char)c};
        size_t len = 2;
        switch (c) {
        case '"':
        case '\\':
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        default:
            esc[1] = 'u';
            esc[2] = esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            len = 6;
        }
        edx_buf_append(b, esc, len);
    }
    edx_buf_append(b, s + done, n - done);
    edx_buf_putc(b, '"');
}

typedef struct jcs_member {
    const char *key;
    size_t len;
    json_t *value;
} jcs_member;

/*
 * 3.2.3: compare names as UTF-16 code unit sequences, straight from UTF-8.
 * UTF-8 byte order is code point order, which agrees with UTF-16 order except
 * that U+E000..U+FFFF (lead bytes EE, EF) sort after the surrogate pairs of
 * U+10000.. (lead bytes F0..F4). The first differing byte is either a lead
 * byte in both names or a continuation byte of the same lead in both, so
 * moving EE and EF above F4 gives UTF-16 order.
 */
static int utf16_rank(unsigned char c)
{
    return c == 0xEE || c == 0xEF ? c + 8 : c;
}

static int member_cmp(const void *pa, const void *pb)
{
    const jcs_member *a = pa, *b = pb;
    const unsigned char *x = (const unsigned char *)a->key, *y = (const unsigned char *)b->key;
    size_t n = a->len < b->len ? a->len : b->len;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return utf16_rank(x[i]) - utf16_rank(y[i]);
    return (a->len > b->len) - (a->len < b->len);
}

static int put_value(const json_t *v, edx_buf *b, edx_err *err, int depth);

/*
 * The members of `v` sorted by name (3.2.3), in `stack` when they fit, else in
 * a heap block (*m != stack: the caller frees it). Returns the count, or -1.
 */
static long sorted_members(const json_t *v, jcs_member stack[JCS_STACK_MEMBERS], jcs_member **m)
{
    size_t n = json_object_size(v);
    *m = stack;
    if (n > JCS_STACK_MEMBERS && !(*m = malloc(n * sizeof **m))) return -1;
    /* jansson's iterators take a non-const object but only read it here. */
    json_t *obj = (json_t *)v;
    size_t i = 0;
    for (void *it = json_object_iter(obj); it && i < n; it = json_object_iter_next(obj, it), i++) {
        (*m)[i].key = json_object_iter_key(it);
        (*m)[i].len = json_object_iter_key_len(it);
        (*m)[i].value = json_object_iter_value(it);
    }
    qsort(*m, i, sizeof **m, member_cmp);
    return (long)i;
}

static int put_object(const json_t *v, edx_buf *b, edx_err *err, int depth)
{
    jcs_member stack[JCS_STACK_MEMBERS], *m;
    long count = sorted_members(v, stack, &m);
    if (count < 0) return edx_err_nomem(err);
    size_t i = (size_t)count;
    int rc = 0;
    edx_buf_putc(b, '{');
    for (size_t j = 0; j < i && rc == 0; j++) {
        if (j) edx_buf_putc(b, ',');
        put_string(b, m[j].key, m[j].len);
        edx_buf_putc(b, ':');
        rc = put_value(m[j].value, b, err, depth + 1);
    }
    edx_buf_putc(b, '}');
    if (m != stack) free(m);
    return rc;
}

static int put_value(const json_t *v, edx_buf *b, edx_err *err, int depth)
{
    if (depth > JCS_MAX_DEPTH)
        return edx_err_invalid(err, "", "the JSON value is nested deeper than %d levels",
                               JCS_MAX_DEPTH);
    char num[32];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return put_object(v, b, err, depth);
    case JSON_ARRAY: {
        edx_buf_putc(b, '[');
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++) {
            if (i) edx_buf_putc(b, ',');
            int rc = put_value(json_array_get(v, i), b, err, depth + 1);
            if (rc) return rc;
        }
        edx_buf_putc(b, ']');
        return 0;
    }
    case JSON_STRING:
        put_string(b, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER:
    case JSON_REAL:
        if (edx_jcs_number(json_number_value(v), num))
            return edx_err_invalid(err, "", "a number is not finite; JCS has no form for it");
        edx_buf_puts(b, num);
        return 0;
    case JSON_TRUE:
        edx_buf_puts(b, "true");
        return 0;
    case JSON_FALSE:
        edx_buf_puts(b, "false");
        return 0;
    case JSON_NULL:
        edx_buf_puts(b, "null");
        return 0;
    }
    return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "unknown JSON value type");
}

int edx_jcs(const json_t *v, edx_buf *out, edx_err *err)
{
    if (!v) return edx_err_invalid(err, "", "no JSON value to canonicalise");
    int rc = put_value(v, out, err, 0);
    if (rc) return rc;
    return out->oom ? edx_err_nomem(err) : 0;
}

char *edx_jcs_dump(const json_t *v, size_t *len, edx_err *err)
{
    edx_buf b = EDX_BUF_INIT;
    if (edx_jcs(v, &b, err)) {
        edx_buf_free(&b);
        return NULL;
    }
    return edx_buf_steal(&b, len);
}

int edx_jcs_insert_point(const json_t *obj, const char *key, edx_buf *out, size_t *pos,
                         int *before, edx_err *err)
{
    if (!json_is_object(obj)) return edx_err_invalid(err, "", "not a JSON object");
    jcs_member stack[JCS_STACK_MEMBERS], *m;
    long count = sorted_members(obj, stack, &m);
    if (count < 0) return edx_err_nomem(err);
    size_t i = (size_t)count;
    jcs_member probe = {key, strlen(key), NULL};
    int rc = 0, placed = 0;
    edx_buf_putc(out, '{');
    for (size_t j = 0; j < i && rc == 0; j++) {
        if (j) edx_buf_putc(out, ',');
        if (!placed && member_cmp(&probe, &m[j]) < 0) {
            *pos = out->len;
            *before = 1;
            placed = 1;
        }
        put_string(out, m[j].key, m[j].len);
        edx_buf_putc(out, ':');
        rc = put_value(m[j].value, out, err, 1);
    }
    if (!placed) {
        *pos = out->len;
        *before = 0;
    }
    edx_buf_putc(out, '}');
    if (m != stack) free(m);
    if (rc) return rc;
    return out->oom ? edx_err_nomem(err) : 0;
}
