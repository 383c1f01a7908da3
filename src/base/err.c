#include "base/err.h"

#include "base/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void copy(char *dst, size_t cap, const char *src)
{
    if (!src) src = "";
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    edx_utf8_trim_partial(dst);
}

static int vset(edx_err *e, int rc, int status, const char *code, const char *field,
                const char *fmt, va_list ap)
{
    if (!e) return rc;
    e->rc = rc;
    e->rows = NULL;
    e->nrows = 0;
    e->status = status ? status : edx_err_status_for(rc);
    copy(e->code, sizeof e->code, code);
    copy(e->field, sizeof e->field, field);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    edx_utf8_trim_partial(e->message);
    return rc;
}

int edx_err_set(edx_err *e, int rc, int status, const char *code, const char *field,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, rc, status, code, field, fmt, ap);
    va_end(ap);
    return rc;
}

int edx_err_invalid(edx_err *e, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, EDX_EINVAL, 400, "invalid_field", field, fmt, ap);
    va_end(ap);
    return EDX_EINVAL;
}

int edx_err_notfound(edx_err *e, const char *what)
{
    return edx_err_set(e, EDX_ENOTFOUND, 404, "not_found", "", "%s not found", what);
}

int edx_err_forbidden(edx_err *e, const char *why)
{
    return edx_err_set(e, EDX_EPERM, 403, "forbidden", "", "%s", why);
}

int edx_err_nomem(edx_err *e)
{
    return edx_err_set(e, EDX_ENOMEM, 503, "out_of_memory", "", "out of memory");
}

void edx_err_clear(edx_err *e)
{
    if (!e) return;
    memset(e, 0, sizeof *e);
}

int edx_err_status_for(int rc)
{
    switch (rc) {
    case EDX_OK: return 200;
    case EDX_EINVAL: return 400;
    case EDX_ENOTFOUND: return 404;
    case EDX_ECONFLICT: return 409;
    case EDX_EPERM: return 403;
    case EDX_EAUTH: return 401;
    case EDX_ELIMIT: return 429;
    case EDX_ENOMEM: return 503;
    case EDX_EDB: return 503;
    default: return 500;
    }
}

int edx_err_exit_code(int rc)
{
    if (rc == EDX_OK) return 0;
    if (rc == EDX_EINVAL || rc == EDX_ELIMIT || rc == EDX_ENOTFOUND || rc == EDX_ECONFLICT)
        return 2;
    return 1;
}
