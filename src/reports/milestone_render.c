/*
 * milestone_render.c: the review as an HTTP answer in the format asked for, with a small
 * cache.
 *
 * A page of the review shows the JSON and four charts; each would build the report over
 * the same units again. As with the dashboard, an answer is kept tagged with the audit log's
 * sequence number, which every write moves, and served again while it has not moved (one
 * indexed read tells). Only answers up to 4 MiB are kept (charts, PDFs, a province's or a
 * unit's review); the whole sector's JSON (tens of MB) is built each time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "reports/milestone_int.h"

#define SLOTS 16
#define MAX_KEPT (4u << 20)

typedef struct slot {
    char key[400];
    int64_t seq, used;
    char *data;
    size_t len;
} slot;

static slot cache[SLOTS];
static int64_t tick;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static int cache_get(const char *key, int64_t seq, edx_buf *out)
{
    int found = 0;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < SLOTS && !found; i++)
        if (cache[i].data && cache[i].seq == seq && strcmp(cache[i].key, key) == 0) {
            cache[i].used = ++tick;
            found = edx_buf_append(out, cache[i].data, cache[i].len) == 0;
        }
    pthread_mutex_unlock(&mu);
    return found;
}

static void cache_put(const char *key, int64_t seq, const char *data, size_t len)
{
    char *copy = len <= MAX_KEPT ? malloc(len ? len : 1) : NULL;
    if (!copy) return;
    memcpy(copy, data, len);
    pthread_mutex_lock(&mu);
    int at = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (!cache[i].data || strcmp(cache[i].key, key) == 0) {
            at = i;
            break;
        }
        if (cache[i].used < cache[at].used) at = i;
    }
    free(cache[at].data);
    snprintf(cache[at].key, sizeof cache[at].key, "%s", key);
    cache[at].seq = seq;
    cache[at].used = ++tick;
    cache[at].data = copy;
    cache[at].len = len;
    pthread_mutex_unlock(&mu);
}

static int one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0) return 1;
    return 0;
}

int edx_milestone_render(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                         const char *milestone, const char *unit, const char *format,
                         const char *part, edx_buf *out, const char **type, edx_err *err)
{
    static const char *const formats[] = {"json", "csv", "xlsx", "pdf", "svg", NULL};
    static const char *const levels[] = {"units", "provinces", "types", NULL};
    static const char *const charts[] = {"achievement", "types", "reports", "provinces", NULL};
    const char *lo = NULL, *hi = NULL, *scope_unit = NULL;
    edx_milestone_report *r = NULL;
    int64_t seq = 0;
    char key[400];
    if (!format || !one_of(format, formats))
        return edx_err_invalid(err, "format", "format is json, csv, xlsx or pdf");
    int csv = strcmp(format, "csv") == 0, svg = strcmp(format, "svg") == 0;
    if (csv && !part) part = "units";
    if (csv && !one_of(part, levels))
        return edx_err_invalid(err, "level", "level is units, provinces or types");
    if (svg && (!part || !one_of(part, charts)))
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "chart",
                           "charts are achievement.svg, types.svg, reports.svg or provinces.svg");
    if (!csv && !svg) part = "";
    int rc = ms_scope(db, a, p, unit, &lo, &hi, &scope_unit, err);
    if (rc < 0 || (rc = edx_audit_seq(db, &seq, err)) < 0) return rc;
    int n = snprintf(key, sizeof key, "%s|%s|%s|%s|%s|%s", campaign, milestone, lo,
                     scope_unit ? scope_unit : "", format, part);
    int keep = n > 0 && (size_t)n < sizeof key;
    *type = csv   ? "text/csv; charset=utf-8"
            : svg ? "image/svg+xml; charset=utf-8"
            : strcmp(format, "xlsx") == 0
                ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            : strcmp(format, "pdf") == 0 ? "application/pdf"
                                         : "application/json";
    if (keep && cache_get(key, seq, out)) return 0;
    size_t start = out->len;
    if ((rc = edx_milestone_report_build(db, a, p, campaign, milestone, unit, &r, err)) < 0)
        return rc;
    if (strcmp(format, "json") == 0)
        rc = edx_milestone_report_json(r, out, err);
    else if (csv)
        rc = edx_milestone_report_csv(r, part, out, err);
    else if (svg)
        rc = edx_milestone_report_svg(r, a, part, out, err);
    else if (strcmp(format, "xlsx") == 0)
        rc = edx_milestone_report_xlsx(r, out, err);
    else
        rc = edx_milestone_report_pdf(r, out, err);
    edx_milestone_report_free(r);
    if (rc == 0 && keep && !out->oom) cache_put(key, seq, out->data + start, out->len - start);
    return rc;
}
