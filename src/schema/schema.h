/*
 * schema.h: a small, fast JSON Schema validator (a draft 2020-12 subset) for
 * credential input records (a CSV row is an object of strings; API input is the
 * same object, possibly with numbers) and issued credentials.
 *
 * A schema is compiled once into a tree of structs (regexes compiled, property
 * tables hashed, enum lists and messages pre-rendered); validation then only
 * walks the instance and allocates nothing but issue text, from the caller's arena.
 *
 * Supported keywords
 *   type (a name or an array of: object, array, string, number, integer, boolean, null),
 *   properties, required, additionalProperties (boolean or schema), patternProperties,
 *   propertyNames, enum, const, pattern, minLength, maxLength, minimum, maximum,
 *   exclusiveMinimum, exclusiveMaximum, multipleOf, items (a schema), prefixItems,
 *   minItems, maxItems, uniqueItems, allOf, anyOf, oneOf, $ref, $defs, format;
 *   annotations (ignored): title, description, $schema, $id, $comment, examples, default.
 * Anything else is a compile error, so a misspelt keyword never silently checks nothing.
 *
 * Semantics worth knowing
 *   - Boolean schemas (true / false) are accepted wherever a schema is.
 *   - $ref only takes local references to the root's $defs: "#/$defs/name" (name may use
 *     the JSON Pointer escapes ~0 and ~1). $defs is accepted only at the root. $ref may sit
 *     beside other keywords; both apply. A $ref cycle that never descends into the instance
 *     is a compile error.
 *   - pattern and patternProperties are POSIX extended regular expressions (regcomp with
 *     REG_EXTENDED), not ECMA-262, and as JSON Schema says they are unanchored: write ^…$.
 *     They match the raw UTF-8 bytes (edudx never calls setlocale, so the C locale applies):
 *     "." and bracket expressions match single bytes, so for non-ASCII letters write literal
 *     alternatives, e.g. "^(Giỏi|Khá)$", never "[ỏá]". Backslash before a letter or digit
 *     (\d, \w, \s, \b, \1…) is a compile error since POSIX leaves it undefined: use [0-9],
 *     [[:alnum:]_], [[:space:]].
 *   - minLength / maxLength count Unicode code points ("Nguyễn" is 6).
 *   - integer accepts 3 and 3.0; numbers compare exactly when both sides are integers.
 *   - enum / const / uniqueItems use JSON equality (1 equals 1.0; object member order is
 *     irrelevant).
 *   - format is an assertion (not only an annotation) and applies to strings only.
 *   - When a value has the wrong type, its other keywords are not reported.
 *   - allOf / anyOf / oneOf that fail give one issue: the first issue of the first failing
 *     branch (allOf) or of the branch that got furthest into the instance (anyOf, oneOf).
 */
#ifndef EDX_SCHEMA_H
#define EDX_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* One problem found by edx_schema_validate(); the strings live in the caller's arena. */
typedef struct edx_schema_issue {
    /* JSON Pointer (RFC 6901) of the offending instance location: "" for the root, e.g.
     * "/full_name" or "/credentialSubject/achievement/name". For "required" it is the
     * location of the missing member. */
    const char *path;
    /* The first path segment, unescaped (the top-level property: the CSV column); "" at the
     * root. */
    const char *field;
    /* A stable machine code: "required", "type", "enum", "const", "pattern", "too_long",
     * "too_short", "minimum", "maximum", "multiple_of", "format", "unknown_field",
     * "min_items", "max_items", "not_unique", and "one_of" (a value matching more than
     * one oneOf branch). exclusiveMinimum / exclusiveMaximum report "minimum" / "maximum". */
    const char *code;
    /* One English sentence naming the field and what is expected, e.g. "full_name is
     * required", "birth_date must be a date (YYYY-MM-DD)", "unknown column \"fullname\"".
     * Nested locations are named like credentialSubject.achievement.name or evidence[0]. */
    const char *message;
} edx_schema_issue;

/* A compiled schema: immutable once compiled, shareable between threads. */
typedef struct edx_schema edx_schema;

/*
 * Compile `schema` (borrowed: it must outlive the compiled schema). Checks the schema
 * itself (known keywords only, well-typed values, valid regexes, known formats, resolvable
 * $refs, consistent bounds). Returns 0 and sets *out (free it with edx_schema_free), or
 * EDX_EINVAL (-1) with err naming the offending schema location (code "invalid_schema"),
 * or EDX_ENOMEM.
 */
int edx_schema_compile(const json_t *schema, edx_schema **out, edx_err *err)
    __attribute__((warn_unused_result));

/* Release a compiled schema. Safe with NULL. */
void edx_schema_free(edx_schema *s);

/*
 * Validate `instance` against `s`. Up to `max` issues are stored in `issues` (in instance
 * order; missing required members after the members present), their strings allocated in
 * `a`; validation stops once `max` are found. Returns the number stored (0: valid), or -1
 * when the arena ran out of memory. With max 0 (issues may be NULL) nothing is stored or
 * allocated and the result is 0 (valid) or 1 (invalid): a quick yes/no.
 * Thread-safe for concurrent validations of one compiled schema (each with its own arena).
 */
int edx_schema_validate(const edx_schema *s, const json_t *instance, edx_arena *a,
                        edx_schema_issue *issues, size_t max);

/*
 * A format checker: `value` is `len` bytes of UTF-8 (NUL-terminated too). Returns NULL when
 * valid, else a static phrase that completes "<field> …", e.g. "must be a 12-digit ID
 * number" (used as the issue message with code "format").
 */
typedef const char *(*edx_schema_format_fn)(const char *value, size_t len);

/*
 * Register checker `fn` for "format": `name` (up to 31 bytes, copied). Registering an
 * existing name, built-ins included, replaces its checker. Built in:
 *   "date"       YYYY-MM-DD, a real calendar date
 *   "date-time"  RFC 3339 that is also an XML Schema dateTimeStamp: YYYY-MM-DDThh:mm:ss,
 *                optional fractional seconds, a required zone Z or ±hh:mm (upper-case T
 *                and Z, no leap second, offsets up to 14:00)
 *   "uri"        scheme ":" rest, with no spaces or control characters
 *   "uuid-urn"   "urn:uuid:" and a lower-case RFC 4122/9562 UUID (version 1-8, variant 10)
 * Call at start-up, before compiling schemas that use it (not thread-safe). 0, or -1 when
 * the name is empty or too long, `fn` is NULL, or the table (32 formats) is full.
 */
int edx_schema_add_format(const char *name, edx_schema_format_fn fn);

#endif
