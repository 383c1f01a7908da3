/*
 * reports.h: views across domains for the movement's people in charge: the
 * ministry dashboard (coverage, reports, initiatives, review progress), built
 * from each domain's own summary functions.
 */
#ifndef EDX_REPORTS_H
#define EDX_REPORTS_H

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "registry/registry.h"
#include "store/db.h"

/* The campaign at a glance in the caller's scope: edx_campaign_summary plus "rounds". */
int edx_dashboard(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                  json_t **out, edx_err *err);

/* ---- the 2027 and 2030 reviews (milestone.c, milestone_export.c, svg.c; see
 * docs/milestone-reviews.md) ----------------------------------------------------------------- */

typedef struct edx_milestone_report edx_milestone_report;

/*
 * Build the review of `milestone` (a code of the campaign's milestones: the preliminary
 * review of 2027, the final one of 2030) over the caller's scope, or over the subtree of
 * `unit` when it is not NULL (a unit `p` may read: else 403/404 naming "unit"). Per
 * registered unit: per indicator the pledge for the phase the milestone ends, the value
 * reported or computed up to the milestone, and the achievement; initiatives, recognised
 * and adopted elsewhere; the latest closed review round's score and ranks; awards decided.
 * Aggregated per province, per unit type and over the whole scope. Ministry admins and
 * unit admins (their subtree). Errors: 404 naming "code" (campaign) or "milestone".
 * *out lives in `a`, except what edx_milestone_report_free releases: call it once.
 */
int edx_milestone_report_build(edx_db *db, edx_arena *a, const edx_principal *p,
                               const char *campaign, const char *milestone, const char *unit,
                               edx_milestone_report **out, edx_err *err);
void edx_milestone_report_free(edx_milestone_report *r);

/* The report as JSON (UTF-8, compact), appended to `out`. EDX_ENOMEM when out cannot grow. */
int edx_milestone_report_json(const edx_milestone_report *r, edx_buf *out, edx_err *err);

/*
 * One level of the report as CSV (RFC 4180, CRLF, a UTF-8 byte order mark so Excel reads
 * Vietnamese right): `level` is "units", "provinces" or "types" (else 400 naming "level").
 */
int edx_milestone_report_csv(const edx_milestone_report *r, const char *level, edx_buf *out,
                             edx_err *err);

/* The report as an XLSX workbook (sheets: units, provinces, types), appended to `out`. */
int edx_milestone_report_xlsx(const edx_milestone_report *r, edx_buf *out, edx_err *err);

/* The report as an A4 PDF (bilingual headings, summary, charts, tables), appended to `out`. */
int edx_milestone_report_pdf(const edx_milestone_report *r, edx_buf *out, edx_err *err);

/*
 * Chart `name` of the report as a standalone SVG: "achievement" (bars: mean achievement per
 * indicator), "types" (bars: registered and reporting units per type), "reports" (lines:
 * reports per period) or "provinces" (a table of provinces). Unknown: 404 naming "chart".
 */
int edx_milestone_report_svg(const edx_milestone_report *r, edx_arena *a, const char *name,
                             edx_buf *out, edx_err *err);

/*
 * The review rendered as `format` for an HTTP answer, appended to `out`: "json", "csv"
 * (`part`: the level, default units), "xlsx", "pdf" or "svg" (`part`: the chart name). Bad
 * format, level or chart: 400/404 naming it, before any work. Small answers (up to 4 MiB:
 * charts, PDFs, a province's review) are kept per campaign, milestone, scope and part while
 * the audit log's sequence number has not moved, as the dashboard's are, so a page of four
 * charts builds the report once. *type: the media type.
 */
int edx_milestone_render(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                         const char *milestone, const char *unit, const char *format,
                         const char *part, edx_buf *out, const char **type, edx_err *err);

#endif
