/*
 * json.h: strict JSON input on jansson, and typed field access for fixed schemas.
 *
 * Input follows I-JSON (RFC 7493): valid UTF-8, no duplicate keys, no lone
 * surrogates, no NUL characters, integers within 64 bits and reals finite.
 * Field helpers give errors that name the field, so an API answer can say
 * exactly what was wrong.
 */
#ifndef EDX_JSON_H
#define EDX_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

/* Parse a document that must be a JSON object. Caller owns *out (json_decref). */
int edx_json_parse_object(const char *data, size_t len, json_t **out, edx_err *err);

/* Reject members not listed in `allowed` (NULL-terminated). */
int edx_json_only(json_t *obj, const char *const *allowed, edx_err *err);

/*
 * Typed getters. `required` makes absence an error; when absent and optional,
 * *out is left unchanged and 0 returned. JSON null counts as absent for
 * optional fields.
 */
int edx_json_get_str(json_t *obj, const char *key, int required, const char **out, edx_err *err);
int edx_json_get_int(json_t *obj, const char *key, int required, int64_t min, int64_t max,
                     int64_t *out, edx_err *err);
int edx_json_get_bool(json_t *obj, const char *key, int required, int *out, edx_err *err);

/*
 * json_dumps into a malloc'd string (free() it), whatever the allocation scope:
 * edx_json_dump is compact, UTF-8, keys in insertion order; edx_json_dumpf takes
 * jansson's JSON_* flags. Use these, not json_dumps. `len` may be NULL.
 */
char *edx_json_dump(const json_t *v, size_t *len);
char *edx_json_dumpf(const json_t *v, size_t flags, size_t *len);
/* The same appended to `b`; 0 or -1. */
int edx_json_dump_buf(const json_t *v, size_t flags, edx_buf *b);

/*
 * Arena-backed jansson for hot loops. edx_json_init() (once, at program start,
 * before any thread) routes jansson's allocations through edudx; then
 * edx_json_use_arena(a) makes this thread's new values come from `a`, and
 * releasing them costs nothing, until edx_json_use_arena(NULL). The rules of
 * such a scope: values made in it do not outlive it (reset `a` after), and
 * values made outside it do not lose their last reference in it. Without
 * edx_json_init() the scope is plain malloc, so code is correct either way.
 */
void edx_json_init(void);
/* Returns the scope's previous arena: code that makes values for the whole process (lazy
 * loaders) leaves any scope with prev = edx_json_use_arena(NULL) and restores prev after. */
edx_arena *edx_json_use_arena(edx_arena *a);

/* Build {"error":{"code","message","field"}} (plus "errors":[…] rows) from err. */
json_t *edx_json_error(const edx_err *err);

/*
 * Wipe the string members named in `keys` (NULL-terminated: passwords, ID
 * numbers) and then release `obj`. Safe with NULL.
 */
void edx_json_free_secrets(json_t *obj, const char *const *keys);

/* json_string of possibly-NULL text: NULL gives json null. */
json_t *edx_json_str_or_null(const char *s);

/*
 * JCS: the JSON Canonicalization Scheme of RFC 8785 (src/json/jcs.c).
 *
 * The canonical form is what signatures and hashes are computed over: object
 * members sorted by name as UTF-16 code units, no white space, strings escaped
 * as ECMAScript JSON.stringify does, numbers as ECMAScript Number::toString.
 * Strings are not Unicode-normalised.
 */

/*
 * Parse any JSON value (object, array or scalar) under I-JSON: valid UTF-8, no
 * duplicate keys, no lone surrogates, finite numbers. Every number becomes a
 * JSON real (an IEEE double), so integers beyond 64 bits parse; \u0000 is
 * allowed inside strings (use json_string_length, never strlen). Caller owns
 * *out (json_decref). Errors: EDX_EINVAL with code "invalid_json".
 */
int edx_jcs_parse(const char *data, size_t len, json_t **out, edx_err *err);

/*
 * Append the canonical form of `v` to `out`. Integers are converted to double
 * first, as JCS sees every number as one. Errors: EDX_EINVAL for a non-finite
 * number or nesting deeper than 4096; EDX_ENOMEM when `out` could not grow
 * (its contents are then incomplete).
 */
int edx_jcs(const json_t *v, edx_buf *out, edx_err *err);

/*
 * Format `x` as ECMAScript Number.prototype.toString does (shortest digits
 * that read back as `x`; -0 gives "0"), NUL-terminated in `out`. Returns 0,
 * or -1 with out set to "" when `x` is NaN or infinite.
 */
int edx_jcs_number(double x, char out[32]);

/*
 * The canonical form of `v` as a malloc'd NUL-terminated string (free() it);
 * its length (which excludes the NUL) goes to *len when len is not NULL.
 * NULL on error, with err filled as by edx_jcs.
 */
char *edx_jcs_dump(const json_t *v, size_t *len, edx_err *err);

/*
 * Append the canonical form of object `obj` to out and report where a member
 * named `key` (absent from obj) would go: at byte *pos of out, before an
 * existing member (*before = 1: insert `"key":value,`) or at the end
 * (*before = 0: insert `,"key":value`, or without the comma when obj is empty).
 * Signing uses it to add the proof to the text it hashed, without a second
 * serialisation.
 */
int edx_jcs_insert_point(const json_t *obj, const char *key, edx_buf *out, size_t *pos,
                         int *before, edx_err *err);

#endif
