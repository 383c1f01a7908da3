/*
 * svg.c: the review's charts, drawn by the server as standalone SVG: grouped bars, lines and
 * a table of provinces (a map would need borders nobody here can vouch for).
 *
 * A chart is first data (ms_chart: categories, series, the axis top), built from the report
 * by ms_chart_build; the SVG writer here and the PDF painter (milestone_export.c) draw that
 * same data. The SVG is self-contained and inert: no script, no external reference, no
 * style sheet beyond presentation attributes, so it can be shown by an <img> under the UI's
 * Content-Security-Policy. Every text is XML-escaped (Vietnamese labels stay UTF-8); the
 * document and every mark carry a <title>, which screen readers announce and browsers show
 * on hover.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "reports/milestone_int.h"

static const char *const palette[MS_CHART_MAX_SERIES] = {"#1f5fa8", "#e08a1e", "#2e8b57",
                                                         "#8e44ad"};

double ms_axis_top(double max, int *steps)
{
    *steps = 5;
    if (!(max > 0) || isnan(max)) return 1;
    double mag = pow(10, floor(log10(max)));
    static const double nice[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
    for (size_t i = 0; i < sizeof nice / sizeof nice[0]; i++)
        if (nice[i] * mag >= max - 1e-9) {
            double top = nice[i] * mag;
            *steps = nice[i] == 1.2 || nice[i] == 6   ? 6
                     : nice[i] == 1.5 || nice[i] == 3 ? 3
                     : nice[i] == 2.5                 ? 5
                     : nice[i] == 8 || nice[i] == 4   ? 4
                                                      : 5;
            return top;
        }
    return 10 * mag;
}

/* ---- the charts of a report --------------------------------------------------------------- */

static double *values(edx_arena *a, size_t n)
{
    double *v = edx_arena_alloc(a, (n ? n : 1) * sizeof *v);
    if (v)
        for (size_t i = 0; i < n; i++)
            v[i] = NAN;
    return v;
}

/* The mean of a group's mean achievements over the indicators that have one. */
static double group_achievement(const edx_milestone_report *r, const ms_group *g)
{
    double s = 0;
    int n = 0;
    for (size_t i = 0; i < r->d.nind; i++) {
        double m = ms_mean_achievement(g, i);
        if (!isnan(m)) s += m, n++;
    }
    return n ? s / n : NAN;
}

static int chart_achievement(const edx_milestone_report *r, edx_arena *a, ms_chart *c)
{
    size_t n = r->d.nind;
    c->kind = MS_CHART_BARS;
    c->title = "Mức đạt chỉ tiêu đã đăng ký / Achievement of pledged targets";
    c->y_label = "%";
    c->percent = 1;
    c->ncat = n;
    c->nseries = 2;
    c->series[0] = "Mức đạt trung bình / Mean achievement";
    c->series[1] = "Tỉ lệ đơn vị đạt chỉ tiêu / Share of units meeting the target";
    c->cat = edx_arena_calloc(a, n ? n : 1, sizeof *c->cat);
    c->v[0] = values(a, n);
    c->v[1] = values(a, n);
    if (!c->cat || !c->v[0] || !c->v[1]) return -1;
    for (size_t i = 0; i < n; i++) {
        const ms_ind_agg *s = &r->total.ind[i];
        c->cat[i] = json_string_value(json_object_get(r->d.ind[i], "code"));
        c->v[0][i] = ms_mean_achievement(&r->total, i);
        c->v[1][i] = s->compared ? (double)s->met / (double)s->compared : NAN;
    }
    c->max = 1;
    return 0;
}

static int chart_types(const edx_milestone_report *r, edx_arena *a, ms_chart *c)
{
    size_t n = r->ntypes;
    c->kind = MS_CHART_BARS;
    c->title = "Đơn vị theo loại hình / Units by type";
    c->y_label = "đơn vị / units";
    c->ncat = n;
    c->nseries = 3;
    c->series[0] = "Đủ điều kiện / Eligible";
    c->series[1] = "Đã đăng ký / Registered";
    c->series[2] = "Đã báo cáo / Reported";
    c->cat = edx_arena_calloc(a, n ? n : 1, sizeof *c->cat);
    for (int s = 0; s < 3; s++)
        if (!(c->v[s] = values(a, n))) return -1;
    if (!c->cat) return -1;
    for (size_t i = 0; i < n; i++) {
        const ms_group *g = &r->types[i];
        c->cat[i] = g->name;
        c->v[0][i] = (double)g->eligible;
        c->v[1][i] = (double)g->registered;
        c->v[2][i] = (double)g->reported;
        if (c->v[0][i] > c->max) c->max = c->v[0][i];
        if (c->v[1][i] > c->max) c->max = c->v[1][i];
    }
    return 0;
}

static int chart_reports(const edx_milestone_report *r, edx_arena *a, ms_chart *c)
{
    size_t n = r->d.nperiods;
    c->kind = MS_CHART_LINES;
    c->title = "Báo cáo theo kỳ / Reports by period";
    c->y_label = "báo cáo / reports";
    c->ncat = n;
    c->nseries = 2;
    c->series[0] = "Đã nộp hoặc duyệt / Submitted or accepted";
    c->series[1] = "Đã duyệt / Accepted";
    c->cat = edx_arena_calloc(a, n ? n : 1, sizeof *c->cat);
    c->v[0] = values(a, n);
    c->v[1] = values(a, n);
    if (!c->cat || !c->v[0] || !c->v[1]) return -1;
    for (size_t i = 0; i < n; i++) {
        const edx_milestone_period *p = &r->d.periods[i];
        c->cat[i] = p->period;
        c->v[0][i] = (double)(p->submitted + p->accepted);
        c->v[1][i] = (double)p->accepted;
        if (c->v[0][i] > c->max) c->max = c->v[0][i];
    }
    return 0;
}

static int chart_provinces(const edx_milestone_report *r, edx_arena *a, ms_chart *c)
{
    static const char *const cols[] = {"Tỉnh, thành phố / Province", "Đủ điều kiện / Eligible",
                                       "Đăng ký / Registered",       "Báo cáo / Reported",
                                       "Sáng kiến / Initiatives",    "Khen thưởng / Awards",
                                       "Mức đạt / Achievement"};
    size_t n = r->nprov, nc = sizeof cols / sizeof cols[0];
    c->kind = MS_CHART_TABLE;
    c->title = "Kết quả theo tỉnh, thành phố / Results by province";
    c->ncat = n;
    c->ncol = nc;
    c->col = (const char **)cols;
    c->cell = edx_arena_calloc(a, (n ? n : 1) * nc, sizeof *c->cell);
    c->bar = values(a, n);
    c->bar_col = nc - 1;
    c->cat = edx_arena_calloc(a, n ? n : 1, sizeof *c->cat);
    if (!c->cell || !c->bar || !c->cat) return -1;
    for (size_t i = 0; i < n; i++) {
        const ms_group *g = &r->prov[i];
        char pct[16];
        double ach = group_achievement(r, g);
        ms_pct(ach, pct);
        const char **row = &c->cell[i * nc];
        c->cat[i] = row[0] = g->name;
        row[1] = edx_arena_printf(a, "%lld", (long long)g->eligible);
        row[2] = edx_arena_printf(a, "%lld", (long long)g->registered);
        row[3] = edx_arena_printf(a, "%lld", (long long)g->reported);
        row[4] = edx_arena_printf(a, "%lld", (long long)g->initiatives);
        row[5] = edx_arena_printf(a, "%lld", (long long)g->awards);
        row[6] = edx_arena_strdup(a, pct);
        c->bar[i] = ach;
        for (size_t k = 1; k < nc; k++)
            if (!row[k]) return -1;
    }
    return 0;
}

int ms_chart_build(const edx_milestone_report *r, edx_arena *a, const char *name, ms_chart *c,
                   edx_err *err)
{
    memset(c, 0, sizeof *c);
    c->bar_col = SIZE_MAX;
    int rc;
    if (strcmp(name, "achievement") == 0)
        rc = chart_achievement(r, a, c);
    else if (strcmp(name, "types") == 0)
        rc = chart_types(r, a, c);
    else if (strcmp(name, "reports") == 0)
        rc = chart_reports(r, a, c);
    else if (strcmp(name, "provinces") == 0)
        rc = chart_provinces(r, a, c);
    else
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "chart",
                           "no chart %.40s: achievement, types, reports or provinces", name);
    return rc < 0 ? edx_err_nomem(err) : 0;
}

/* ---- SVG ---------------------------------------------------------------------------------- */

/* XML text: the five specials escaped, characters XML 1.0 forbids dropped. */
static void esc(edx_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&':
            edx_buf_puts(b, "&amp;");
            break;
        case '<':
            edx_buf_puts(b, "&lt;");
            break;
        case '>':
            edx_buf_puts(b, "&gt;");
            break;
        case '"':
            edx_buf_puts(b, "&quot;");
            break;
        case '\'':
            edx_buf_puts(b, "&#39;");
            break;
        default:
            if (*p >= 0x20 || *p == '\t' || *p == '\n') edx_buf_putc(b, (char)*p);
        }
    }
}

static void fmt_value(const ms_chart *c, double v, char out[32])
{
    if (isnan(v))
        snprintf(out, 32, "—");
    else if (c->percent)
        snprintf(out, 32, "%.1f%%", v * 100);
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(out, 32, "%.0f", v);
    else
        snprintf(out, 32, "%.2f", v);
}

static void text(edx_buf *b, double x, double y, const char *anchor, int size, const char *extra,
                 const char *s)
{
    edx_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"%s%s>", x, y,
                   size, anchor, extra ? " " : "", extra ? extra : "");
    esc(b, s);
    edx_buf_puts(b, "</text>\n");
}

static void head(edx_buf *b, const ms_chart *c, double w, double h)
{
    edx_buf_printf(b,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
                   "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                   "aria-labelledby=\"chart-title\" font-family=\"Noto Sans, DejaVu Sans, "
                   "Arial, sans-serif\">\n<title id=\"chart-title\">",
                   w, h, w, h);
    esc(b, c->title);
    edx_buf_puts(b, "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    text(b, w / 2, 24, "middle", 15, "font-weight=\"bold\"", c->title);
}

static void legend(edx_buf *b, const ms_chart *c, double x, double y)
{
    for (size_t s = 0; s < c->nseries; s++) {
        edx_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                       x, y + 18.0 * (double)s - 10, palette[s]);
        text(b, x + 18, y + 18.0 * (double)s, "start", 12, NULL, c->series[s]);
    }
}

/* Axes, grid and tick labels; returns the axis top. */
static double axes(edx_buf *b, const ms_chart *c, double x0, double y0, double x1, double y1)
{
    int steps;
    double top = c->percent ? (c->max > 1 ? ms_axis_top(c->max, &steps) : (steps = 5, 1))
                            : ms_axis_top(c->max, &steps);
    for (int i = 0; i <= steps; i++) {
        double v = top * i / steps, y = y1 - (y1 - y0) * i / steps;
        char lab[32];
        fmt_value(c, v, lab);
        edx_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                       x0, y, x1, y, i ? "#e3e3e3" : "#555555");
        text(b, x0 - 6, y + 4, "end", 11, NULL, lab);
    }
    edx_buf_printf(b,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\"/>\n",
                   x0, y0, x0, y1);
    if (c->y_label) {
        char tr[96];
        snprintf(tr, sizeof tr, "transform=\"rotate(-90 %.1f %.1f)\"", x0 - 48, (y0 + y1) / 2);
        text(b, x0 - 48, (y0 + y1) / 2, "middle", 11, tr, c->y_label);
    }
    return top;
}

static void cat_label(edx_buf *b, double x, double y, const char *s, int slant)
{
    if (!slant) {
        text(b, x, y + 14, "middle", 11, NULL, s);
        return;
    }
    char tr[96];
    snprintf(tr, sizeof tr, "transform=\"rotate(-35 %.1f %.1f)\"", x, y + 10);
    text(b, x, y + 10, "end", 11, tr, s);
}

static int long_labels(const ms_chart *c)
{
    for (size_t i = 0; i < c->ncat; i++)
        if (c->cat[i] && strlen(c->cat[i]) > 10) return 1;
    return c->ncat > 12;
}

static void bars(edx_buf *b, const ms_chart *c)
{
    int slant = long_labels(c);
    double w = 760, x0 = 80, x1 = w - 20, y0 = 50 + 20.0 * (double)c->nseries, y1 = y0 + 260;
    double h = y1 + (slant ? 150 : 40);
    head(b, c, w, h);
    legend(b, c, x0, 50);
    double top = axes(b, c, x0, y0, x1, y1);
    double band = c->ncat ? (x1 - x0) / (double)c->ncat : 0;
    double bw = band * 0.8 / (double)(c->nseries ? c->nseries : 1);
    for (size_t i = 0; i < c->ncat; i++) {
        double bx = x0 + band * (double)i + band * 0.1;
        for (size_t s = 0; s < c->nseries; s++) {
            double v = c->v[s][i];
            char lab[32];
            fmt_value(c, v, lab);
            double hgt = isnan(v) ? 0 : (y1 - y0) * (v > top ? 1 : v / top);
            edx_buf_printf(b,
                           "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"%s\"><title>",
                           bx + bw * (double)s, y1 - hgt, bw > 1 ? bw - 1 : bw, hgt, palette[s]);
            esc(b, c->cat[i]);
            edx_buf_puts(b, " — ");
            esc(b, c->series[s]);
            edx_buf_puts(b, ": ");
            esc(b, lab);
            edx_buf_puts(b, "</title></rect>\n");
        }
        cat_label(b, x0 + band * ((double)i + 0.5), y1, c->cat[i], slant);
    }
    if (!c->ncat)
        text(b, (x0 + x1) / 2, (y0 + y1) / 2, "middle", 13, NULL, "Chưa có dữ liệu / No data yet");
}

static void lines(edx_buf *b, const ms_chart *c)
{
    int slant = long_labels(c);
    double w = 760, x0 = 80, x1 = w - 30, y0 = 50 + 20.0 * (double)c->nseries, y1 = y0 + 260;
    double h = y1 + (slant ? 110 : 40);
    head(b, c, w, h);
    legend(b, c, x0, 50);
    double top = axes(b, c, x0, y0, x1, y1);
    double step = c->ncat > 1 ? (x1 - x0 - 40) / (double)(c->ncat - 1) : 0;
    for (size_t s = 0; s < c->nseries; s++) {
        edx_buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                       palette[s]);
        for (size_t i = 0; i < c->ncat; i++) {
            double v = c->v[s][i];
            if (isnan(v)) continue;
            edx_buf_printf(b, "%s%.1f,%.1f", i ? " " : "", x0 + 20 + step * (double)i,
                           y1 - (y1 - y0) * (v > top ? 1 : v / top));
        }
        edx_buf_puts(b, "\"/>\n");
        for (size_t i = 0; i < c->ncat; i++) {
            double v = c->v[s][i];
            char lab[32];
            if (isnan(v)) continue;
            fmt_value(c, v, lab);
            edx_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>",
                           x0 + 20 + step * (double)i, y1 - (y1 - y0) * (v > top ? 1 : v / top),
                           palette[s]);
            esc(b, c->cat[i]);
            edx_buf_puts(b, " — ");
            esc(b, c->series[s]);
            edx_buf_puts(b, ": ");
            esc(b, lab);
            edx_buf_puts(b, "</title></circle>\n");
        }
    }
    for (size_t i = 0; i < c->ncat; i++)
        cat_label(b, x0 + 20 + step * (double)i, y1, c->cat[i], slant);
    if (!c->ncat)
        text(b, (x0 + x1) / 2, (y0 + y1) / 2, "middle", 13, NULL, "Chưa có dữ liệu / No data yet");
}

static void table(edx_buf *b, const ms_chart *c)
{
    static const double widths[] = {210, 80, 80, 80, 80, 80, 150};
    double w = 20, row = 22, y = 60;
    size_t nc = c->ncol < 7 ? c->ncol : 7;
    for (size_t k = 0; k < nc; k++)
        w += widths[k];
    double h = y + row * (double)(c->ncat + 2) + 20;
    head(b, c, w, h);
    edx_buf_puts(b, "<g role=\"table\">\n<g role=\"row\">\n");
    double x = 10;
    edx_buf_printf(b,
                   "<rect x=\"10\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f5fa8\"/>\n",
                   y, w - 20, row * 1.6);
    for (size_t k = 0; k < nc; k++) {
        /* Headers are bilingual: Vietnamese above, English below. */
        const char *slash = strstr(c->col[k], " / ");
        char vi[96];
        snprintf(vi, sizeof vi, "%.*s", slash ? (int)(slash - c->col[k]) : 95, c->col[k]);
        edx_buf_puts(b, "<g role=\"columnheader\">");
        text(b, x + 6, y + 14, "start", 11, "fill=\"#ffffff\" font-weight=\"bold\"", vi);
        text(b, x + 6, y + 30, "start", 10, "fill=\"#ffffff\"", slash ? slash + 3 : "");
        edx_buf_puts(b, "</g>\n");
        x += widths[k];
    }
    edx_buf_puts(b, "</g>\n");
    y += row * 1.6;
    for (size_t i = 0; i < c->ncat; i++) {
        if (i % 2)
            edx_buf_printf(b,
                           "<rect x=\"10\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"#f2f5fa\"/>\n",
                           y, w - 20, row);
        edx_buf_puts(b, "<g role=\"row\">\n");
        x = 10;
        for (size_t k = 0; k < nc; k++) {
            const char *cell = c->cell[i * c->ncol + k];
            if (k == c->bar_col && !isnan(c->bar[i])) {
                double v = c->bar[i] > 1 ? 1 : c->bar[i] < 0 ? 0 : c->bar[i];
                edx_buf_printf(b,
                               "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" "
                               "fill=\"#dfe7f3\"/><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                               "height=\"10\" fill=\"#2e8b57\"><title>",
                               x + 52, y + 6, 90.0, x + 52, y + 6, 90 * v);
                esc(b, c->cat[i]);
                edx_buf_puts(b, ": ");
                esc(b, cell);
                edx_buf_puts(b, "</title></rect>\n");
            }
            edx_buf_puts(b, "<g role=\"cell\">");
            text(b, x + 6, y + 15, "start", 11, NULL, cell);
            edx_buf_puts(b, "</g>\n");
            x += widths[k];
        }
        edx_buf_puts(b, "</g>\n");
        y += row;
    }
    edx_buf_puts(b, "</g>\n");
    if (!c->ncat) text(b, w / 2, y + 16, "middle", 12, NULL, "Chưa có dữ liệu / No data yet");
}

int ms_chart_svg(const ms_chart *c, edx_buf *out)
{
    if (c->kind == MS_CHART_BARS)
        bars(out, c);
    else if (c->kind == MS_CHART_LINES)
        lines(out, c);
    else
        table(out, c);
    edx_buf_puts(out, "</svg>\n");
    return out->oom ? -1 : 0;
}

int edx_milestone_report_svg(const edx_milestone_report *r, edx_arena *a, const char *name,
                             edx_buf *out, edx_err *err)
{
    ms_chart c;
    int rc = ms_chart_build(r, a, name, &c, err);
    if (rc < 0) return rc;
    return ms_chart_svg(&c, out) < 0 ? edx_err_nomem(err) : 0;
}
