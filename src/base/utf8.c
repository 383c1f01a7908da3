#include "base/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int edx_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        /* ASCII runs eight bytes at a time. */
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (w & 0x8080808080808080ull) break;
            p += 8;
        }
        if (p >= end) break;
        unsigned c = *p;
        if (c < 0x80) { p++; continue; }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
        else return 0;
        if ((size_t)(end - p) <= need) return 0;
        for (size_t i = 1; i <= need; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
        if (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
        p += need + 1;
    }
    return 1;
}

void edx_utf8_trim_partial(char *s)
{
    size_t n = strlen(s);
    size_t i = n;
    /* Find the start of the last sequence and check it is complete. */
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80 && n - i < 3) i--;
    if (i == 0) return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (i - 1) < need) s[i - 1] = '\0';
}

size_t edx_utf8_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

/* Copy a malloc'd utf8proc result into the arena. */
static char *adopt(edx_arena *a, utf8proc_uint8_t *m)
{
    if (!m) return NULL;
    char *r = edx_arena_strdup(a, (const char *)m);
    free(m);
    return r;
}

static int is_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80) return 0;
    return 1;
}

char *edx_utf8_nfc(edx_arena *a, const char *s)
{
    if (is_ascii(s)) return edx_arena_strdup(a, s);
    return adopt(a, utf8proc_NFC((const utf8proc_uint8_t *)s));
}

char *edx_utf8_search_key(edx_arena *a, const char *s)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                          UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
                                          UTF8PROC_CASEFOLD);
    if (n < 0) return NULL;
    /* đ/Đ have no decomposition: fold them by hand; collapse white space. */
    char *out = edx_arena_alloc(a, (size_t)n + 1);
    if (!out) {
        free(m);
        return NULL;
    }
    size_t o = 0;
    int space = 1;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        unsigned char c = m[i];
        if (c == 0xC4 && i + 1 < n && (m[i + 1] == 0x91 || m[i + 1] == 0x90)) {
            out[o++] = 'd';
            i++;
            space = 0;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!space) out[o++] = ' ';
            space = 1;
        } else {
            out[o++] = (char)c;
            space = 0;
        }
    }
    while (o > 0 && out[o - 1] == ' ') o--;
    out[o] = '\0';
    free(m);
    return out;
}

int edx_text_clean(edx_arena *a, const char *in, size_t min, size_t max, const char *field,
                   char **out, edx_err *err)
{
    if (!in) return edx_err_invalid(err, field, "%s is required", field);
    size_t n = strlen(in);
    if (!edx_utf8_valid(in, n))
        return edx_err_invalid(err, field, "%s is not valid UTF-8", field);
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            return edx_err_invalid(err, field, "%s contains a control character", field);
        /* C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8. */
        if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            return edx_err_invalid(err, field, "%s contains a control character", field);
    }
    const char *b = in, *e = in + n;
    while (b < e && *b == ' ') b++;
    while (e > b && e[-1] == ' ') e--;
    char *t = edx_arena_strndup(a, b, (size_t)(e - b));
    char *nfc = t ? edx_utf8_nfc(a, t) : NULL;
    if (!nfc) return edx_err_nomem(err);
    size_t len = edx_utf8_len(nfc);
    if (len < min) {
        if (min == 1) return edx_err_invalid(err, field, "%s must not be empty", field);
        return edx_err_invalid(err, field, "%s must have at least %zu characters", field, min);
    }
    if (len > max)
        return edx_err_invalid(err, field, "%s must have at most %zu characters", field, max);
    *out = nfc;
    return 0;
}
