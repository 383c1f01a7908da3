/*
 * milestone_export.c: the review report as files: CSV (one level), XLSX (a sheet per level)
 * and an A4 PDF.
 *
 * The three levels (units, provinces, types) are laid out once, as rows of cells (text or
 * number) produced by `level_rows`; the CSV and XLSX writers only format those cells. Column
 * names are stable keys ("TR-SO.value"), so a spreadsheet or a script can find a column by
 * name across reports. The PDF prints the summary, the indicators, the charts (the same data
 * as the SVG charts, painted with cairo), the provinces, the types and the first units.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/csv.h"
#include "base/pdf.h"
#include "reports/milestone_int.h"

/* ---- the levels as rows of cells --------------------------------------------------------- */

typedef struct cell {
    const char *s; /* text, or NULL for a number */
    double x;      /* the number (NAN: empty) */
} cell;

typedef int (*row_fn)(void *ctx, const cell *cells, size_t n, int header);

static cell T(const char *v)
{
    return (cell){v ? v : "", 0};
}
#define N(v) ((cell){NULL, (v)})
#define I(v) ((cell){NULL, (double)(v)})

static const char *ind_code(const edx_milestone_report *r, size_t i)
{
    return json_string_value(json_object_get(r->d.ind[i], "code"));
}

static int is_level(const char *level)
{
    return level && (strcmp(level, "units") == 0 || strcmp(level, "provinces") == 0 ||
                     strcmp(level, "types") == 0);
}

/* Emit the header and every row of `level`; stops at the first non-zero return of fn. */
static int level_rows(const edx_milestone_report *r, const char *level, row_fn fn, void *ctx)
{
    size_t ni = r->d.nind, max = 16 + 6 * ni, n = 0;
    cell *c = malloc(max * sizeof *c);
    char **names = calloc(6 * ni + 1, sizeof *names);
    int rc = 0;
    if (!c || !names) {
        rc = -1;
        goto done;
    }
    int units = strcmp(level, "units") == 0, prov = strcmp(level, "provinces") == 0;
    static const char *const unit_sfx[] = {"pledge", "value", "period", "status", "achievement"};
    static const char *const group_sfx[] = {"pledged",          "reported",     "met",
                                            "mean_achievement", "target_total", "value_total"};
    size_t nsfx = units ? 5 : 6;
    for (size_t i = 0; i < ni; i++)
        for (size_t s = 0; s < nsfx; s++) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s.%s", ind_code(r, i), units ? unit_sfx[s] : group_sfx[s]);
            if (!(names[i * nsfx + s] = strdup(buf))) {
                rc = -1;
                goto done;
            }
        }
    /* The header. */
    if (units) {
        static const char *const h[] = {"code", "name", "type", "province", "reported"};
        for (size_t k = 0; k < 5; k++)
            c[n++] = T(h[k]);
    } else {
        c[n++] = T(prov ? "province" : "type");
        c[n++] = T("name");
        c[n++] = T("name_en");
        static const char *const h[] = {"eligible", "registered", "reported"};
        for (size_t k = 0; k < 3; k++)
            c[n++] = T(h[k]);
    }
    for (size_t k = 0; k < ni * nsfx; k++)
        c[n++] = T(names[k]);
    if (units) {
        static const char *const h[] = {"initiatives",          "recognised", "adoptions",
                                        "review_score",         "review_se",  "review_rank",
                                        "review_province_rank", "awards",     "award_forms"};
        for (size_t k = 0; k < 9; k++)
            c[n++] = T(h[k]);
    } else {
        static const char *const h[] = {"initiatives", "recognised", "adoptions", "awards",
                                        "review_mean"};
        for (size_t k = 0; k < 5; k++)
            c[n++] = T(h[k]);
    }
    if ((rc = fn(ctx, c, n, 1)) != 0) goto done;
    if (units) {
        for (size_t k = 0; k < r->d.nunits && !rc; k++) {
            const edx_milestone_unit *u = &r->d.units[k];
            const ms_review *v = r->review[k];
            char forms[512] = "";
            n = 0;
            c[n++] = T(u->code);
            c[n++] = T(u->name);
            c[n++] = T(u->type);
            c[n++] = T(u->province);
            c[n++] = T(u->reported ? "yes" : "no");
            for (size_t i = 0; i < ni; i++) {
                c[n++] = N(u->pledge[i]);
                c[n++] = N(u->value[i]);
                c[n++] = T(u->period[i]);
                c[n++] = T(u->period[i] ? (u->accepted[i] ? "accepted" : "submitted") : "");
                c[n++] = N(r->ach[k * ni + i]);
            }
            c[n++] = I(u->initiatives);
            c[n++] = I(u->recognised);
            c[n++] = I(u->adoptions);
            c[n++] = N(v ? v->score : NAN);
            c[n++] = N(v ? v->se : NAN);
            c[n++] = N(v ? (double)v->rank : NAN);
            c[n++] = N(v ? (double)v->province_rank : NAN);
            c[n++] = I(json_array_size(r->unit_awards[k]));
            size_t j;
            const json_t *aw;
            json_array_foreach(r->unit_awards[k], j, aw)
            {
                const char *f = json_string_value(json_object_get(aw, "form"));
                size_t used = strlen(forms);
                if (f && used + strlen(f) + 3 < sizeof forms)
                    snprintf(forms + used, sizeof forms - used, "%s%s", used ? "; " : "", f);
            }
            c[n++] = T(forms);
            rc = fn(ctx, c, n, 0);
        }
        goto done;
    }
    size_t ng = prov ? r->nprov : r->ntypes;
    for (size_t g = 0; g < ng && !rc; g++) {
        const ms_group *gr = prov ? &r->prov[g] : &r->types[g];
        n = 0;
        c[n++] = T(gr->key);
        c[n++] = T(gr->name);
        c[n++] = T(gr->name_en);
        c[n++] = I(gr->eligible);
        c[n++] = I(gr->registered);
        c[n++] = I(gr->reported);
        for (size_t i = 0; i < ni; i++) {
            const ms_ind_agg *s = &gr->ind[i];
            int count = strcmp(json_string_value(json_object_get(r->d.ind[i], "unit"))
                                   ? json_string_value(json_object_get(r->d.ind[i], "unit"))
                                   : "",
                               "count") == 0;
            c[n++] = I(s->pledged);
            c[n++] = I(s->reported);
            c[n++] = I(s->met);
            c[n++] = N(ms_mean_achievement(gr, i));
            c[n++] = N(count && s->pledged ? s->target_total : NAN);
            c[n++] = N(count && s->reported ? s->value_total : NAN);
        }
        c[n++] = I(gr->initiatives);
        c[n++] = I(gr->recognised);
        c[n++] = I(gr->adoptions);
        c[n++] = I(gr->awards);
        c[n++] = N(gr->review_n ? floor(gr->review_sum / (double)gr->review_n * 1000 + 0.5) / 1000
                                : NAN);
        rc = fn(ctx, c, n, 0);
    }
done:
    if (names)
        for (size_t k = 0; k < 6 * ni; k++)
            free(names[k]);
    free(names);
    free(c);
    return rc;
}

/* ---- CSV ---------------------------------------------------------------------------------- */

static int csv_row(void *ctx, const cell *c, size_t n, int header)
{
    edx_buf *b = ctx;
    (void)header;
    for (size_t k = 0; k < n; k++) {
        char num[32];
        if (k) edx_buf_putc(b, ',');
        if (c[k].s) {
            edx_csv_put_field(b, c[k].s);
        } else {
            ms_num(c[k].x, num);
            edx_buf_puts(b, num);
        }
    }
    edx_buf_puts(b, "\r\n");
    return b->oom ? -1 : 0;
}

int edx_milestone_report_csv(const edx_milestone_report *r, const char *level, edx_buf *out,
                             edx_err *err)
{
    if (!is_level(level))
        return edx_err_invalid(err, "level", "level is units, provinces or types");
    edx_buf_puts(out, "\xEF\xBB\xBF");
    if (level_rows(r, level, csv_row, out) != 0 || out->oom) return edx_err_nomem(err);
    return 0;
}

/* ---- XLSX --------------------------------------------------------------------------------- */

typedef struct xl {
    lxw_worksheet *ws;
    lxw_format *bold;
    lxw_row_t row;
    const edx_milestone_report *r;
} xl;

static int xl_row(void *ctx, const cell *c, size_t n, int header)
{
    xl *x = ctx;
    for (size_t k = 0; k < n; k++) {
        lxw_error e = LXW_NO_ERROR;
        if (c[k].s) {
            if (c[k].s[0])
                e = worksheet_write_string(x->ws, x->row, (lxw_col_t)k, c[k].s,
                                           header ? x->bold : NULL);
        } else if (!isnan(c[k].x)) {
            e = worksheet_write_number(x->ws, x->row, (lxw_col_t)k, c[k].x, NULL);
        }
        if (e != LXW_NO_ERROR) return -1;
    }
    x->row++;
    return 0;
}

static int xl_sheet(lxw_workbook *wb, xl *x, const char *level)
{
    x->ws = workbook_add_worksheet(wb, level);
    x->row = 0;
    if (!x->ws) return -1;
    worksheet_freeze_panes(x->ws, 1, 2);
    worksheet_set_column(x->ws, 0, 0, 18, NULL);
    worksheet_set_column(x->ws, 1, 1, 40, NULL);
    return level_rows(x->r, level, xl_row, x);
}

/* A first sheet that says what the workbook is. */
static int xl_summary(lxw_workbook *wb, xl *x)
{
    const edx_milestone_report *r = x->r;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "summary");
    if (!ws) return -1;
    worksheet_set_column(ws, 0, 0, 42, NULL);
    worksheet_set_column(ws, 1, 1, 60, NULL);
    const char *rows[][2] = {
        {"Phong trào / Campaign", json_string_value(json_object_get(r->d.campaign, "name"))},
        {"Campaign (en)", json_string_value(json_object_get(r->d.campaign, "name_en"))},
        {"Đợt / Milestone", json_string_value(json_object_get(r->d.milestone, "name"))},
        {"Milestone (en)", json_string_value(json_object_get(r->d.milestone, "name_en"))},
        {"Đến ngày / Up to", r->d.until},
        {"Phạm vi / Scope", r->scope_unit ? r->scope_unit : "(người xem / the caller's scope)"},
        {"Vòng chấm / Review round", r->round_code ? r->round_code : "—"},
        {"Lập lúc / Generated at", r->generated_at},
    };
    lxw_row_t row = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++, row++) {
        worksheet_write_string(ws, row, 0, rows[i][0], x->bold);
        worksheet_write_string(ws, row, 1, rows[i][1] ? rows[i][1] : "", NULL);
    }
    const struct {
        const char *label;
        int64_t v;
    } nums[] = {{"Đủ điều kiện / Eligible", r->total.eligible},
                {"Đã đăng ký / Registered", r->total.registered},
                {"Đã báo cáo / Reported", r->total.reported},
                {"Sáng kiến / Initiatives", r->total.initiatives},
                {"Được công nhận / Recognised", r->total.recognised},
                {"Lượt áp dụng nơi khác / Adoptions elsewhere", r->total.adoptions},
                {"Khen thưởng / Awards", r->total.awards}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++, row++) {
        worksheet_write_string(ws, row, 0, nums[i].label, x->bold);
        worksheet_write_number(ws, row, 1, (double)nums[i].v, NULL);
    }
    return 0;
}

int edx_milestone_report_xlsx(const edx_milestone_report *r, edx_buf *out, edx_err *err)
{
    char p[256];
    const char *tmp = getenv("TMPDIR");
    FILE *f = NULL;
    int rc = 0;
    if (!tmp || !*tmp || strlen(tmp) > 200) tmp = NULL;
    snprintf(p, sizeof p, "%s/edudx-review-XXXXXX", tmp ? tmp : "/tmp");
    int fd = mkstemp(p);
    if (fd < 0)
        return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "",
                           "no temporary file for the workbook: %s", strerror(errno));
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmp};
    lxw_workbook *wb = workbook_new_opt(p, &opt);
    if (!wb) {
        rc = edx_err_nomem(err);
        goto done;
    }
    xl x = {NULL, workbook_add_format(wb), 0, r};
    format_set_bold(x.bold);
    int bad = xl_summary(wb, &x) != 0 || xl_sheet(wb, &x, "units") != 0 ||
              xl_sheet(wb, &x, "provinces") != 0 || xl_sheet(wb, &x, "types") != 0;
    lxw_error e = workbook_close(wb);
    if (bad || e != LXW_NO_ERROR) {
        rc = edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "the workbook failed: %s",
                         e != LXW_NO_ERROR ? lxw_strerror(e) : "writing a sheet");
        goto done;
    }
    if (!(f = fopen(p, "rb"))) {
        rc = edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "the workbook vanished");
        goto done;
    }
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (edx_buf_append(out, chunk, got) < 0) {
            rc = edx_err_nomem(err);
            break;
        }
    if (rc == 0 && ferror(f))
        rc = edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "the workbook cannot be read");
done:
    if (f) fclose(f);
    unlink(p);
    return rc;
}

/* ---- PDF ---------------------------------------------------------------------------------- */

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MX 40.0
#define TOP 48.0
#define BOTTOM (PAGE_H - 48.0)
#define MAX_UNIT_ROWS 300

static const double rgb_blue[3] = {0.122, 0.373, 0.659};
static const double series_rgb[MS_CHART_MAX_SERIES][3] = {
    {0.122, 0.373, 0.659}, {0.878, 0.541, 0.118}, {0.180, 0.545, 0.341}, {0.557, 0.267, 0.678}};

typedef struct pdf {
    cairo_t *cr;
    PangoLayout *lay;
    double y;
    int page;
    const edx_milestone_report *r;
    edx_arena *a;
    const char *footer;
} pdf;

/* Draw `s` at (x, y) in width w; returns its height. align: 0 left, 1 centre, 2 right. */
static double ptext(pdf *d, const char *s, double x, double y, double w, double size, int bold,
                    int align, int one_line)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, "Noto Sans");
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_layout_set_font_description(d->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(d->lay, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(d->lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(d->lay, one_line ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_height(d->lay, one_line ? -1 : -100);
    pango_layout_set_alignment(d->lay, align == 1   ? PANGO_ALIGN_CENTER
                                       : align == 2 ? PANGO_ALIGN_RIGHT
                                                    : PANGO_ALIGN_LEFT);
    pango_layout_set_text(d->lay, s ? s : "", -1);
    PangoRectangle lg;
    pango_layout_get_extents(d->lay, NULL, &lg);
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, d->lay);
    return (double)lg.height / PANGO_SCALE;
}

static void page_footer(pdf *d)
{
    char n[64];
    cairo_set_source_rgb(d->cr, 0.4, 0.4, 0.4);
    snprintf(n, sizeof n, "Trang / Page %d", d->page);
    ptext(d, d->footer, MX, PAGE_H - 36, PAGE_W - 2 * MX - 80, 7.5, 0, 0, 1);
    ptext(d, n, PAGE_W - MX - 80, PAGE_H - 36, 80, 7.5, 0, 2, 1);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}

static void new_page(pdf *d)
{
    page_footer(d);
    cairo_show_page(d->cr);
    d->page++;
    d->y = TOP;
}

static void need(pdf *d, double h)
{
    if (d->y + h > BOTTOM) new_page(d);
}

static void heading(pdf *d, const char *vi, const char *en)
{
    need(d, 60);
    d->y += 8;
    cairo_set_source_rgb(d->cr, rgb_blue[0], rgb_blue[1], rgb_blue[2]);
    d->y += ptext(d, vi, MX, d->y, PAGE_W - 2 * MX, 13, 1, 0, 0);
    cairo_set_source_rgb(d->cr, 0.35, 0.35, 0.35);
    d->y += ptext(d, en, MX, d->y, PAGE_W - 2 * MX, 10, 0, 0, 0) + 6;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}

typedef struct ptable {
    size_t ncol;
    const char *const *head; /* "Vietnamese / English" */
    const double *w;         /* widths, points */
    const int *align;
} ptable;

static void table_head(pdf *d, const ptable *t)
{
    double x = MX, h = 24;
    cairo_set_source_rgb(d->cr, rgb_blue[0], rgb_blue[1], rgb_blue[2]);
    double tw = 0;
    for (size_t k = 0; k < t->ncol; k++)
        tw += t->w[k];
    cairo_rectangle(d->cr, MX, d->y, tw, h);
    cairo_fill(d->cr);
    cairo_set_source_rgb(d->cr, 1, 1, 1);
    for (size_t k = 0; k < t->ncol; k++) {
        const char *slash = strstr(t->head[k], " / ");
        char vi[128];
        snprintf(vi, sizeof vi, "%.*s", slash ? (int)(slash - t->head[k]) : 127, t->head[k]);
        ptext(d, vi, x + 3, d->y + 2, t->w[k] - 6, 7.5, 1, t->align[k], 1);
        ptext(d, slash ? slash + 3 : "", x + 3, d->y + 12, t->w[k] - 6, 6.5, 0, t->align[k], 1);
        x += t->w[k];
    }
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->y += h;
}

static void table_row(pdf *d, const ptable *t, const char *const *cells, size_t i)
{
    double x = MX, h = 13;
    if (d->y + h > BOTTOM) {
        new_page(d);
        table_head(d, t);
    }
    if (i % 2) {
        double tw = 0;
        for (size_t k = 0; k < t->ncol; k++)
            tw += t->w[k];
        cairo_set_source_rgb(d->cr, 0.949, 0.961, 0.980);
        cairo_rectangle(d->cr, MX, d->y, tw, h);
        cairo_fill(d->cr);
        cairo_set_source_rgb(d->cr, 0, 0, 0);
    }
    for (size_t k = 0; k < t->ncol; k++) {
        ptext(d, cells[k], x + 3, d->y + 1.5, t->w[k] - 6, 7.5, 0, t->align[k], 1);
        x += t->w[k];
    }
    d->y += h;
}

static const char *fmt_int(pdf *d, int64_t v)
{
    return edx_arena_printf(d->a, "%lld", (long long)v);
}

static const char *fmt_pct(pdf *d, double v)
{
    char b[16];
    ms_pct(v, b);
    return edx_arena_strdup(d->a, b[0] ? b : "—");
}

static const char *fmt_num(pdf *d, double v)
{
    char b[32];
    ms_num(v, b);
    return edx_arena_strdup(d->a, b[0] ? b : "—");
}

/* A chart of bars or lines, as the SVG draws it, in a box of height h. */
static void pdf_chart(pdf *d, const ms_chart *c, double h)
{
    need(d, h + 30);
    double x0 = MX + 46, x1 = PAGE_W - MX, y0, y1;
    d->y += ptext(d, c->title, MX, d->y, PAGE_W - 2 * MX, 10, 1, 1, 0) + 4;
    for (size_t s = 0; s < c->nseries; s++) {
        cairo_set_source_rgb(d->cr, series_rgb[s][0], series_rgb[s][1], series_rgb[s][2]);
        cairo_rectangle(d->cr, MX, d->y + 2, 8, 8);
        cairo_fill(d->cr);
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        d->y += ptext(d, c->series[s], MX + 12, d->y, PAGE_W - 2 * MX - 12, 8, 0, 0, 1);
    }
    y0 = d->y + 6;
    y1 = y0 + h - 60;
    int steps;
    double top = c->percent ? (c->max > 1 ? ms_axis_top(c->max, &steps) : (steps = 5, 1))
                            : ms_axis_top(c->max, &steps);
    cairo_set_line_width(d->cr, 0.5);
    for (int i = 0; i <= steps; i++) {
        double v = top * i / steps, y = y1 - (y1 - y0) * i / steps;
        char lab[32];
        if (c->percent)
            snprintf(lab, sizeof lab, "%.0f%%", v * 100);
        else
            snprintf(lab, sizeof lab, "%g", v);
        cairo_set_source_rgb(d->cr, i ? 0.88 : 0.3, i ? 0.88 : 0.3, i ? 0.88 : 0.3);
        cairo_move_to(d->cr, x0, y);
        cairo_line_to(d->cr, x1, y);
        cairo_stroke(d->cr);
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        ptext(d, lab, MX, y - 5, 42, 7, 0, 2, 1);
    }
    double band = c->ncat ? (x1 - x0) / (double)c->ncat : 0;
    for (size_t i = 0; i < c->ncat; i++) {
        double cx = x0 + band * ((double)i + 0.5);
        ptext(d, c->cat[i], cx - band / 2, y1 + 3, band, 6.5, 0, 1, 1);
    }
    for (size_t s = 0; s < c->nseries; s++) {
        cairo_set_source_rgb(d->cr, series_rgb[s][0], series_rgb[s][1], series_rgb[s][2]);
        double bw = band * 0.8 / (double)c->nseries, prev_x = NAN, prev_y = NAN;
        for (size_t i = 0; i < c->ncat; i++) {
            double v = c->v[s][i];
            if (isnan(v)) continue;
            double hv = (y1 - y0) * (v > top ? 1 : v / top);
            if (c->kind == MS_CHART_BARS) {
                cairo_rectangle(d->cr, x0 + band * (double)i + band * 0.1 + bw * (double)s, y1 - hv,
                                bw * 0.95, hv);
                cairo_fill(d->cr);
            } else {
                double px = x0 + band * ((double)i + 0.5), py = y1 - hv;
                cairo_arc(d->cr, px, py, 2.5, 0, 2 * M_PI);
                cairo_fill(d->cr);
                if (!isnan(prev_x)) {
                    cairo_set_line_width(d->cr, 1.5);
                    cairo_move_to(d->cr, prev_x, prev_y);
                    cairo_line_to(d->cr, px, py);
                    cairo_stroke(d->cr);
                }
                prev_x = px, prev_y = py;
            }
        }
    }
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->y = y1 + 18;
}

static void pdf_summary(pdf *d)
{
    const edx_milestone_report *r = d->r;
    const json_t *camp = r->d.campaign, *ms = r->d.milestone, *ph = r->d.phase;
    cairo_set_source_rgb(d->cr, rgb_blue[0], rgb_blue[1], rgb_blue[2]);
    d->y += ptext(d, json_string_value(json_object_get(ms, "name")), MX, d->y, PAGE_W - 2 * MX, 17,
                  1, 1, 0);
    cairo_set_source_rgb(d->cr, 0.3, 0.3, 0.3);
    d->y += ptext(d, json_string_value(json_object_get(ms, "name_en")), MX, d->y, PAGE_W - 2 * MX,
                  12, 0, 1, 0) +
            6;
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->y += ptext(d, json_string_value(json_object_get(camp, "name")), MX, d->y, PAGE_W - 2 * MX,
                  11, 1, 1, 0);
    d->y += ptext(d, json_string_value(json_object_get(camp, "name_en")), MX, d->y, PAGE_W - 2 * MX,
                  9, 0, 1, 0) +
            10;
    heading(d, "Tổng hợp", "Summary");
    const char *lines[][2] = {
        {"Giai đoạn / Phase",
         edx_arena_printf(d->a, "%s (%s – %s)", json_string_value(json_object_get(ph, "name")),
                          json_string_value(json_object_get(ph, "starts_on")),
                          json_string_value(json_object_get(ph, "ends_on")))},
        {"Số liệu đến ngày / Figures up to", r->d.until},
        {"Phạm vi / Scope",
         r->scope_unit ? r->scope_unit : "Toàn bộ phạm vi được xem / the viewer's whole scope"},
        {"Đơn vị đủ điều kiện / Eligible units", fmt_int(d, r->total.eligible)},
        {"Đơn vị đã đăng ký / Registered units", fmt_int(d, r->total.registered)},
        {"Đơn vị đã báo cáo / Units that reported", fmt_int(d, r->total.reported)},
        {"Sáng kiến (được công nhận) / Initiatives (recognised)",
         edx_arena_printf(d->a, "%lld (%lld)", (long long)r->total.initiatives,
                          (long long)r->total.recognised)},
        {"Lượt áp dụng ở đơn vị khác / Adoptions elsewhere", fmt_int(d, r->total.adoptions)},
        {"Khen thưởng đã quyết định / Awards decided", fmt_int(d, r->total.awards)},
        {"Vòng chấm điểm / Review round",
         r->round_code ? edx_arena_printf(d->a, "%s — %s (%lld)", r->round_code, r->round_name,
                                          (long long)r->round_entries)
                       : "Chưa có vòng đã đóng / no closed round yet"},
        {"Lập lúc / Generated at", r->generated_at},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        need(d, 14);
        ptext(d, lines[i][0], MX, d->y, 250, 8.5, 1, 0, 1);
        d->y += ptext(d, lines[i][1], MX + 255, d->y, PAGE_W - 2 * MX - 255, 8.5, 0, 0, 0) + 2;
    }
}

static void pdf_indicators(pdf *d)
{
    static const char *const head[] = {
        "Chỉ tiêu / Indicator", "Mã / Code", "Đăng ký / Pledged",
        "Báo cáo / Reported",   "Đạt / Met", "Mức đạt TB / Mean achievement"};
    static const double w[] = {215, 55, 55, 60, 50, 80};
    static const int al[] = {0, 0, 2, 2, 2, 2};
    ptable t = {6, head, w, al};
    heading(d, "Chỉ tiêu: đăng ký và thực hiện", "Indicators: pledged and achieved");
    table_head(d, &t);
    for (size_t i = 0; i < d->r->d.nind; i++) {
        const ms_ind_agg *s = &d->r->total.ind[i];
        const char *cells[6] = {
            json_string_value(json_object_get(d->r->d.ind[i], "name")),
            ind_code(d->r, i),
            fmt_int(d, s->pledged),
            fmt_int(d, s->reported),
            edx_arena_printf(d->a, "%lld/%lld", (long long)s->met, (long long)s->compared),
            fmt_pct(d, ms_mean_achievement(&d->r->total, i))};
        table_row(d, &t, cells, i);
    }
}

static void pdf_groups(pdf *d, const ms_group *g, size_t n, const char *vi, const char *en,
                       const char *col)
{
    static const char *head[] = {NULL,
                                 "Đủ ĐK / Eligible",
                                 "Đăng ký / Registered",
                                 "Báo cáo / Reported",
                                 "Sáng kiến / Initiatives",
                                 "Khen thưởng / Awards",
                                 "Điểm TB / Mean score"};
    static const double w[] = {195, 50, 55, 55, 55, 50, 55};
    static const int al[] = {0, 2, 2, 2, 2, 2, 2};
    const char *h[7];
    memcpy(h, head, sizeof h);
    h[0] = col;
    ptable t = {7, h, w, al};
    heading(d, vi, en);
    table_head(d, &t);
    for (size_t i = 0; i < n; i++) {
        const char *cells[7] = {
            g[i].name,
            fmt_int(d, g[i].eligible),
            fmt_int(d, g[i].registered),
            fmt_int(d, g[i].reported),
            fmt_int(d, g[i].initiatives),
            fmt_int(d, g[i].awards),
            fmt_num(d, g[i].review_n
                           ? floor(g[i].review_sum / (double)g[i].review_n * 100 + 0.5) / 100
                           : NAN)};
        table_row(d, &t, cells, i);
    }
}

static void pdf_units(pdf *d)
{
    static const char *const head[] = {
        "Mã / Code",          "Đơn vị / Unit",         "Tỉnh / Province",
        "Báo cáo / Reported", "Mức đạt / Achievement", "Sáng kiến / Initiatives",
        "Điểm / Score",       "Hạng / Rank",           "Khen / Awards"};
    static const double w[] = {70, 150, 55, 38, 50, 40, 40, 38, 34};
    static const int al[] = {0, 0, 0, 1, 2, 2, 2, 2, 2};
    ptable t = {9, head, w, al};
    const edx_milestone_report *r = d->r;
    size_t ni = r->d.nind, n = r->d.nunits < MAX_UNIT_ROWS ? r->d.nunits : MAX_UNIT_ROWS;
    heading(d, "Đơn vị", "Units");
    table_head(d, &t);
    for (size_t k = 0; k < n; k++) {
        const edx_milestone_unit *u = &r->d.units[k];
        double s = 0;
        int m = 0;
        for (size_t i = 0; i < ni; i++) {
            double x = r->ach[k * ni + i];
            if (!isnan(x)) s += x > 1 ? 1 : x, m++;
        }
        const ms_review *v = r->review[k];
        const char *cells[9] = {u->code,
                                u->name,
                                u->province,
                                u->reported ? "✓" : "—",
                                fmt_pct(d, m ? s / m : NAN),
                                fmt_int(d, u->initiatives),
                                v ? fmt_num(d, v->score) : "—",
                                v ? fmt_int(d, v->rank) : "—",
                                fmt_int(d, (int64_t)json_array_size(r->unit_awards[k]))};
        table_row(d, &t, cells, k);
    }
    if (r->d.nunits > n) {
        need(d, 30);
        d->y += 4 + ptext(d,
                          edx_arena_printf(d->a,
                                           "… và %zu đơn vị khác: xem bản CSV hoặc XLSX. / … and "
                                           "%zu more units: see the CSV or XLSX export.",
                                           r->d.nunits - n, r->d.nunits - n),
                          MX, d->y + 4, PAGE_W - 2 * MX, 8, 0, 0, 0);
    }
}

typedef struct pdf_job {
    const edx_milestone_report *r;
    edx_buf *out;
    edx_err *err;
} pdf_job;

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
    return edx_buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
                                                   : CAIRO_STATUS_WRITE_ERROR;
}

static int pdf_draw(void *font_map, void *ctx)
{
    pdf_job *job = ctx;
    edx_arena a;
    edx_arena_init(&a, 16384);
    pdf d = {0};
    d.r = job->r;
    d.a = &a;
    d.y = TOP;
    d.page = 1;
    d.footer = edx_arena_printf(&a, "%s — %s — edudx",
                                json_string_value(json_object_get(d.r->d.milestone, "name")),
                                json_string_value(json_object_get(d.r->d.campaign, "code")));
    cairo_surface_t *surf =
        cairo_pdf_surface_create_for_stream(write_out, job->out, PAGE_W, PAGE_H);
    d.cr = cairo_create(surf);
    PangoContext *pc = pango_font_map_create_context(font_map);
    pango_cairo_update_context(d.cr, pc);
    pango_cairo_context_set_resolution(pc, 72);
    pango_context_set_language(pc, pango_language_from_string("vi"));
    d.lay = pango_layout_new(pc);
    const char *title = json_string_value(json_object_get(d.r->d.milestone, "name"));
    if (title) cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "edudx");

    pdf_summary(&d);
    pdf_indicators(&d);
    static const char *const charts[] = {"achievement", "reports", "types"};
    heading(&d, "Biểu đồ", "Charts");
    for (size_t i = 0; i < 3; i++) {
        ms_chart c;
        edx_err ce;
        if (ms_chart_build(d.r, &a, charts[i], &c, &ce) == 0) pdf_chart(&d, &c, 230);
    }
    pdf_groups(&d, d.r->prov, d.r->nprov, "Kết quả theo tỉnh, thành phố", "Results by province",
               "Tỉnh, thành phố / Province");
    pdf_groups(&d, d.r->types, d.r->ntypes, "Kết quả theo loại hình đơn vị", "Results by unit type",
               "Loại hình / Unit type");
    pdf_units(&d);
    page_footer(&d);

    cairo_status_t st = cairo_status(d.cr);
    cairo_destroy(d.cr);
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    g_object_unref(d.lay);
    g_object_unref(pc);
    edx_arena_free(&a);
    if (st == CAIRO_STATUS_SUCCESS && !job->out->oom) return 0;
    return edx_err_set(job->err,
                       job->out->oom || st == CAIRO_STATUS_NO_MEMORY ? EDX_ENOMEM : EDX_EINTERNAL,
                       500, "render_failed", "", "the PDF could not be produced: %s",
                       job->out->oom ? "out of memory" : cairo_status_to_string(st));
}

int edx_milestone_report_pdf(const edx_milestone_report *r, edx_buf *out, edx_err *err)
{
    pdf_job job = {r, out, err};
    return edx_pdf_fonts_run(pdf_draw, &job);
}
