/*
 * nominations.c: nominations from proposal to decision (docs/nominations.md).
 */
#include "awards/awards.h"

int edx_awards_decided(edx_db *db, const char *campaign, const char *path_lo,
                       const char *path_hi, json_t **out, edx_err *err)
{
    (void)db, (void)campaign, (void)path_lo, (void)path_hi, (void)err;
    *out = json_object();
    return *out ? 0 : EDX_ENOMEM;
}
