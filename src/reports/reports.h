/*
 * reports.h: views across domains for the movement's people in charge: the
 * ministry dashboard (coverage, reports, initiatives, review progress), built
 * from each domain's own summary functions.
 */
#ifndef EDX_REPORTS_H
#define EDX_REPORTS_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "registry/registry.h"
#include "store/db.h"

/* The campaign at a glance in the caller's scope: edx_campaign_summary plus "rounds". */
int edx_dashboard(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                  json_t **out, edx_err *err);

#endif
