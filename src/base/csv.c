#include "base/csv.h"

#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"

void edx_csv_init(edx_csv *c, const char *data, size_t len)
{
    c->p = data;
    c->end = data + len;
    c->record = 0;
    c->had_bom = 0;
    c->max_fields = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        c->p += 3;
        c->had_bom = 1;
    }
}

static int fail(edx_csv *c, edx_arena *a, edx_err *err, const char *reason)
{
    edx_err_set(err, EDX_EINVAL, 400, "invalid_csv", "file", "row %ld: %s", c->record, reason);
    if (err) {
        edx_rowerr *r = edx_arena_calloc(a, 1, sizeof *r);
        if (r) {
            r->row = c->record;
            r->column = "";
            r->reason = reason;
            err->rows = r;
            err->nrows = 1;
        }
    }
    return EDX_EINVAL;
}

int edx_csv_next(edx_csv *c, edx_arena *a, char ***fields, size_t *nfields, edx_err *err)
{
    if (c->p >= c->end) return 0;
    c->record++;
    size_t cap = 8, n = 0;
    char **f = edx_arena_alloc(a, cap * sizeof *f);
    edx_buf field = EDX_BUF_INIT;
    int rc = EDX_EINVAL;
    if (!f) goto nomem;
    for (;;) {
        edx_buf_reset(&field);
        edx_buf_reserve(&field, 16);
        int quoted = 0;
        const char *p = c->p;
        if (p < c->end && *p == '"') {
            quoted = 1;
            p++;
            for (;;) {
                if (p >= c->end) {
                    rc = fail(c, a, err, "a quoted field is not closed");
                    goto done;
                }
                if (*p == '"') {
                    if (p + 1 < c->end && p[1] == '"') {
                        edx_buf_putc(&field, '"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\0') {
                    rc = fail(c, a, err, "contains a NUL byte");
                    goto done;
                }
                const char *q = p;
                while (q < c->end && *q != '"' && *q != '\0') q++;
                edx_buf_append(&field, p, (size_t)(q - p));
                p = q;
            }
            if (p < c->end && *p != ',' && *p != '\n' && *p != '\r') {
                rc = fail(c, a, err, "unexpected text after a closing quote");
                goto done;
            }
        } else {
            const char *q = p;
            while (q < c->end && *q != ',' && *q != '\n' && *q != '\r') {
                if (*q == '"') {
                    rc = fail(c, a, err, "a quote inside an unquoted field (quote the whole field)");
                    goto done;
                }
                if (*q == '\0') {
                    rc = fail(c, a, err, "contains a NUL byte");
                    goto done;
                }
                q++;
            }
            edx_buf_append(&field, p, (size_t)(q - p));
            p = q;
        }
        (void)quoted;
        if (field.oom) goto nomem;
        if (!edx_utf8_valid(field.data, field.len)) {
            rc = fail(c, a, err, "is not valid UTF-8");
            goto done;
        }
        if (c->max_fields && n >= c->max_fields) {
            n++; /* counted, not kept: a line of a million commas costs no memory */
        } else {
            if (n == cap) {
                char **nf = edx_arena_alloc(a, cap * 2 * sizeof *nf);
                if (!nf) goto nomem;
                memcpy(nf, f, n * sizeof *nf);
                f = nf;
                cap *= 2;
            }
            f[n] = edx_arena_strndup(a, field.data, field.len);
            if (!f[n]) goto nomem;
            n++;
        }
        c->p = p;
        if (p < c->end && *p == ',') {
            c->p = p + 1;
            continue;
        }
        /* end of record */
        if (p < c->end && *p == '\r') p++;
        if (p < c->end && *p == '\n') p++;
        c->p = p;
        break;
    }
    *fields = f;
    *nfields = n;
    rc = 1;
    goto done;
nomem:
    rc = edx_err_nomem(err);
done:
    edx_buf_free(&field);
    return rc;
}

int edx_csv_put_field(edx_buf *b, const char *s)
{
    if (!s) s = "";
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' '))
        return edx_buf_puts(b, s);
    edx_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') edx_buf_putc(b, '"');
        edx_buf_putc(b, *p);
    }
    return edx_buf_putc(b, '"');
}
