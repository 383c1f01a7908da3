#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "registry/registry.h"

static const char *const role_names[EDX_ROLE_COUNT] = {
    "public", "ministry_admin", "unit_admin", "reviewer", "teacher", "learner",
};

const char *edx_role_name(edx_role r)
{
    return (unsigned)r < EDX_ROLE_COUNT ? role_names[r] : "unknown";
}

int edx_role_parse(const char *name)
{
    for (int i = 1; i < EDX_ROLE_COUNT; i++)
        if (name && strcmp(name, role_names[i]) == 0) return i;
    return -1;
}

void edx_principal_public(edx_principal *p)
{
    memset(p, 0, sizeof *p);
    p->role = EDX_ROLE_PUBLIC;
    p->via = EDX_AUTH_NONE;
    snprintf(p->actor, sizeof p->actor, "public");
}

void edx_principal_system(edx_principal *p)
{
    memset(p, 0, sizeof *p);
    p->role = EDX_ROLE_MINISTRY_ADMIN;
    p->via = EDX_AUTH_SYSTEM;
    p->username = "system";
    p->token_write = 1;
    struct passwd *pw = getpwuid(getuid());
    snprintf(p->actor, sizeof p->actor, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
}

/* Is `path` inside the subtree rooted at `root`? Paths look like "/BGDDT/SGDDT-HN/". */
static int within(const char *root, const char *path)
{
    if (!root || !path) return 0;
    return strncmp(path, root, strlen(root)) == 0;
}

int edx_scope_can_read(const edx_principal *p, const char *unit_path)
{
    switch (p->role) {
    case EDX_ROLE_MINISTRY_ADMIN:
    case EDX_ROLE_REVIEWER: return 1;
    case EDX_ROLE_UNIT_ADMIN:
    case EDX_ROLE_TEACHER:
    case EDX_ROLE_LEARNER: return within(p->unit_path, unit_path);
    default: return 0;
    }
}

int edx_scope_can_write(const edx_principal *p, const char *unit_path)
{
    if (p->via == EDX_AUTH_TOKEN && !p->token_write) return 0;
    switch (p->role) {
    case EDX_ROLE_MINISTRY_ADMIN: return 1;
    case EDX_ROLE_UNIT_ADMIN: return within(p->unit_path, unit_path);
    default: return 0;
    }
}

int edx_scope_range(edx_arena *a, const edx_principal *p, const char **lo, const char **hi,
                    edx_err *err)
{
    if (p->role == EDX_ROLE_MINISTRY_ADMIN || p->role == EDX_ROLE_REVIEWER) {
        *lo = "/";
        *hi = "0";
        return 0;
    }
    if (!p->unit_path || p->role == EDX_ROLE_PUBLIC)
        return edx_err_forbidden(err, "your account is not attached to a unit");
    *lo = p->unit_path;
    *hi = edx_unit_path_end(a, p->unit_path);
    return *hi ? 0 : edx_err_nomem(err);
}
