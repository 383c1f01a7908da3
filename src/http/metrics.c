/*
 * metrics.c: request counters by route and status, and a latency histogram
 * by route, in Prometheus text format. Lock-free: relaxed atomic counters.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"

static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 408,
                               409, 413, 415, 422, 429, 431, 499, 500, 503, 0};
#define NSTATUS (sizeof statuses / sizeof statuses[0]) /* last slot: any other */

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,    0.25,  0.5,    1,     2.5,   5,     10};
#define NBUCKET (sizeof bounds / sizeof bounds[0] + 1)

typedef struct route_stats {
    atomic_ulong by_status[NSTATUS];
    atomic_ulong buckets[NBUCKET];
    atomic_ulong sum_us;
    atomic_ulong count;
} route_stats;

static route_stats *stats;
static size_t nstats;

void edx_metrics_init(size_t nroutes)
{
    stats = calloc(nroutes, sizeof *stats);
    nstats = stats ? nroutes : 0;
}

void edx_metrics_free(void)
{
    free(stats);
    stats = NULL;
    nstats = 0;
}

void edx_metrics_observe(size_t route, int status, int64_t ns)
{
    if (route >= nstats) return;
    route_stats *s = &stats[route];
    size_t i = 0;
    while (i < NSTATUS - 1 && statuses[i] != status) i++;
    atomic_fetch_add_explicit(&s->by_status[i], 1, memory_order_relaxed);
    double sec = (double)ns / 1e9;
    size_t b = 0;
    while (b < NBUCKET - 1 && sec > bounds[b]) b++;
    atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_us, (unsigned long)(ns / 1000), memory_order_relaxed);
    atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

static const char *route_label(const edx_route *routes, size_t nroutes, size_t i, char *buf,
                               size_t cap)
{
    if (i < nroutes) {
        snprintf(buf, cap, "%s %s", routes[i].method, routes[i].pattern);
        return buf;
    }
    return i == nroutes ? "static" : "unmatched";
}

void edx_metrics_render(edx_buf *out, const edx_route *routes, size_t nroutes)
{
    char label[160];
    edx_buf_puts(out, "# HELP edx_http_requests_total HTTP requests by route and status.\n"
                      "# TYPE edx_http_requests_total counter\n");
    for (size_t r = 0; r < nstats; r++) {
        const char *l = route_label(routes, nroutes, r, label, sizeof label);
        for (size_t i = 0; i < NSTATUS; i++) {
            unsigned long v = atomic_load_explicit(&stats[r].by_status[i], memory_order_relaxed);
            if (!v) continue;
            if (statuses[i])
                edx_buf_printf(out, "edx_http_requests_total{route=\"%s\",status=\"%d\"} %lu\n", l,
                               statuses[i], v);
            else
                edx_buf_printf(out, "edx_http_requests_total{route=\"%s\",status=\"other\"} %lu\n",
                               l, v);
        }
    }
    edx_buf_puts(out, "# HELP edx_http_request_duration_seconds Time from request headers to"
                      " completion.\n# TYPE edx_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < nstats; r++) {
        unsigned long count = atomic_load_explicit(&stats[r].count, memory_order_relaxed);
        if (!count) continue;
        const char *l = route_label(routes, nroutes, r, label, sizeof label);
        unsigned long cum = 0;
        for (size_t b = 0; b < NBUCKET; b++) {
            cum += atomic_load_explicit(&stats[r].buckets[b], memory_order_relaxed);
            if (b < NBUCKET - 1)
                edx_buf_printf(out,
                               "edx_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"}"
                               " %lu\n",
                               l, bounds[b], cum);
            else
                edx_buf_printf(out,
                               "edx_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"}"
                               " %lu\n",
                               l, cum);
        }
        edx_buf_printf(out, "edx_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", l,
                       (double)atomic_load_explicit(&stats[r].sum_us, memory_order_relaxed) / 1e6);
        edx_buf_printf(out, "edx_http_request_duration_seconds_count{route=\"%s\"} %lu\n", l,
                       count);
    }
}
