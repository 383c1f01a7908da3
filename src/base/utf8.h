/*
 * utf8.h: UTF-8 validation, NFC normalisation and search keys (on utf8proc).
 *
 * All text edudx stores is valid UTF-8 in NFC: Vietnamese names arrive in NFD
 * from some systems and must compare equal to their NFC spelling.
 */
#ifndef EDX_UTF8_H
#define EDX_UTF8_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF). */
int edx_utf8_valid(const char *s, size_t n);

/* Cut an incomplete multi-byte sequence off the end of `s` (after truncation). */
void edx_utf8_trim_partial(char *s);

/* Number of code points in valid UTF-8. */
size_t edx_utf8_len(const char *s);

/* The NFC form of valid UTF-8 `s`, allocated in `a`; NULL when out of memory or invalid. */
char *edx_utf8_nfc(edx_arena *a, const char *s);

/*
 * A search key: lower case, diacritics removed, đ → d, runs of white space
 * collapsed. "Hà Nội" and "ha noi" give the same key, so users may type
 * without accents.
 */
char *edx_utf8_search_key(edx_arena *a, const char *s);

/*
 * Clean a human text field: valid UTF-8, no control characters, surrounding
 * white space trimmed, NFC, between `min` and `max` code points. On success
 * *out points into `a`. Errors name `field`.
 */
int edx_text_clean(edx_arena *a, const char *in, size_t min, size_t max, const char *field,
                   char **out, edx_err *err);

#endif
