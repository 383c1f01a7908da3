#include "json/json.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

int edx_json_parse_object(const char *data, size_t len, json_t **out, edx_err *err)
{
    *out = NULL;
    if (len == 0) return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "", "the request body is empty; a JSON object is expected");
    if (!edx_utf8_valid(data, len))
        return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "", "the body is not valid UTF-8");
    json_error_t je;
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        const char *why = je.text;
        if (json_error_code(&je) == json_error_duplicate_key)
            return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "", "duplicate key at line %d column %d: %s",
                               je.line, je.column, why);
        if (json_error_code(&je) == json_error_null_character)
            return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "", "a string contains a NUL character (\\u0000) at line %d column %d",
                               je.line, je.column);
        if (json_error_code(&je) == json_error_numeric_overflow)
            return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "", "a number is out of range at line %d column %d",
                               je.line, je.column);
        return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "", "invalid JSON at line %d column %d: %s",
                           je.line, je.column, why);
    }
    if (!json_is_object(v)) {
        json_decref(v);
        return edx_err_set(err, EDX_EINVAL, 400, "invalid_json", "", "a JSON object is expected");
    }
    *out = v;
    return 0;
}

int edx_json_only(json_t *obj, const char *const *allowed, edx_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0) { ok = 1; break; }
        if (!ok) {
            char shown[48];
            snprintf(shown, sizeof shown, "%.40s", key);
            edx_utf8_trim_partial(shown);
            return edx_err_set(err, EDX_EINVAL, 400, "unknown_field", shown, "unknown field \"%s\"", shown);
        }
    }
    return 0;
}

static json_t *member(json_t *obj, const char *key, int required, edx_err *err, int *rc)
{
    json_t *v = json_object_get(obj, key);
    *rc = 0;
    if (!v || json_is_null(v)) {
        if (required) *rc = edx_err_invalid(err, key, "%s is required", key);
        return NULL;
    }
    return v;
}

int edx_json_get_str(json_t *obj, const char *key, int required, const char **out, edx_err *err)
{
    int rc;
    json_t *v = member(obj, key, required, err, &rc);
    if (!v) return rc;
    if (!json_is_string(v)) return edx_err_invalid(err, key, "%s must be a string", key);
    *out = json_string_value(v);
    return 0;
}

int edx_json_get_int(json_t *obj, const char *key, int required, int64_t min, int64_t max,
                     int64_t *out, edx_err *err)
{
    int rc;
    json_t *v = member(obj, key, required, err, &rc);
    if (!v) return rc;
    if (!json_is_integer(v)) return edx_err_invalid(err, key, "%s must be an integer", key);
    json_int_t i = json_integer_value(v);
    if (i < min || i > max)
        return edx_err_invalid(err, key, "%s must be between %lld and %lld", key, (long long)min,
                               (long long)max);
    *out = i;
    return 0;
}

int edx_json_get_bool(json_t *obj, const char *key, int required, int *out, edx_err *err)
{
    int rc;
    json_t *v = member(obj, key, required, err, &rc);
    if (!v) return rc;
    if (!json_is_boolean(v)) return edx_err_invalid(err, key, "%s must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

static _Thread_local edx_arena *json_arena;

static void *json_alloc(size_t n)
{
    edx_arena *a = json_arena;
    return a ? edx_arena_alloc(a, n) : malloc(n);
}

static void json_release(void *p)
{
    if (!json_arena) free(p);
}

void edx_json_init(void)
{
    json_set_alloc_funcs(json_alloc, json_release);
}

edx_arena *edx_json_use_arena(edx_arena *a)
{
    edx_arena *prev = json_arena;
    json_arena = a;
    return prev;
}

static int dump_to_buf(const char *data, size_t n, void *ctx)
{
    return edx_buf_append(ctx, data, n);
}

/* Through a callback, so the text is plain malloc memory even inside an arena scope. */
int edx_json_dump_buf(const json_t *v, size_t flags, edx_buf *b)
{
    return json_dump_callback(v, dump_to_buf, b, flags) == 0 && !b->oom ? 0 : -1;
}

char *edx_json_dumpf(const json_t *v, size_t flags, size_t *len)
{
    edx_buf b = EDX_BUF_INIT;
    if (edx_json_dump_buf(v, flags, &b) != 0) {
        edx_buf_free(&b);
        return NULL;
    }
    return edx_buf_steal(&b, len);
}

char *edx_json_dump(const json_t *v, size_t *len)
{
    return edx_json_dumpf(v, JSON_COMPACT | JSON_ENCODE_ANY, len);
}

void edx_json_free_secrets(json_t *obj, const char *const *keys)
{
    if (!obj) return;
    for (const char *const *k = keys; *k; k++) {
        json_t *v = json_object_get(obj, *k);
        if (json_is_string(v)) explicit_bzero((void *)json_string_value(v), json_string_length(v));
    }
    json_decref(obj);
}

json_t *edx_json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *edx_json_error(const edx_err *err)
{
    json_t *e = json_object();
    json_object_set_new(e, "code", json_string(err->code[0] ? err->code : "error"));
    json_object_set_new(e, "message", json_string(err->message[0] ? err->message : "error"));
    json_object_set_new(e, "field", json_string(err->field));
    json_t *root = json_object();
    json_object_set_new(root, "error", e);
    if (err->nrows) {
        json_t *rows = json_array();
        for (size_t i = 0; i < err->nrows; i++) {
            json_t *r = json_object();
            json_object_set_new(r, "row", json_integer(err->rows[i].row));
            json_object_set_new(r, "column", json_string(err->rows[i].column ? err->rows[i].column : ""));
            json_object_set_new(r, "reason", json_string(err->rows[i].reason ? err->rows[i].reason : ""));
            json_array_append_new(rows, r);
        }
        json_object_set_new(root, "errors", rows);
    }
    return root;
}
