/*
 * pdf.c: plain A4 documents through cairo and Pango (see pdf.h).
 */
#include "base/pdf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 56.0
#define TEXT_W (PAGE_W - 2 * MARGIN)
#define CELL_PAD 3.0

struct edx_pdf {
    edx_buf *out;
    size_t start;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *pc;
    PangoLayout *lay;
    double y;
    int page;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map; /* kept for the process: fontconfig's caches live in it */

int edx_pdf_fonts_run(int (*fn)(void *font_map, void *ctx), void *ctx)
{
    pthread_mutex_lock(&lock);
    if (!font_map) font_map = pango_cairo_font_map_new();
    int rc = fn(font_map, ctx);
    pthread_mutex_unlock(&lock);
    return rc;
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
    return edx_buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
                                                   : CAIRO_STATUS_WRITE_ERROR;
}

static void set_font(edx_pdf *d, double size, int bold)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, "Noto Sans");
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(d->lay, fd);
    pango_font_description_free(fd);
}

static void footer(edx_pdf *d)
{
    char s[32];
    snprintf(s, sizeof s, "%d", d->page);
    set_font(d, 8, 0);
    pango_layout_set_width(d->lay, (int)(TEXT_W * PANGO_SCALE));
    pango_layout_set_alignment(d->lay, PANGO_ALIGN_RIGHT);
    pango_layout_set_text(d->lay, s, -1);
    cairo_set_source_rgb(d->cr, 0.4, 0.4, 0.4);
    cairo_move_to(d->cr, MARGIN, PAGE_H - MARGIN / 2);
    pango_cairo_show_layout(d->cr, d->lay);
    pango_layout_set_alignment(d->lay, PANGO_ALIGN_LEFT);
}

/* Room for `h` more points on this page, or a new page. */
static void need(edx_pdf *d, double h)
{
    if (d->y + h <= PAGE_H - MARGIN) return;
    footer(d);
    cairo_show_page(d->cr);
    d->page++;
    d->y = MARGIN;
}

/* Lay out `s` in width `w` with the current font; its height. */
static double measure(edx_pdf *d, const char *s, double w)
{
    int pw, ph;
    pango_layout_set_width(d->lay, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(d->lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(d->lay, s ? s : "", -1);
    pango_layout_get_size(d->lay, &pw, &ph);
    return (double)ph / PANGO_SCALE;
}

static void show(edx_pdf *d, double x, double y, double gray)
{
    cairo_set_source_rgb(d->cr, gray, gray, gray);
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, d->lay);
}

edx_pdf *edx_pdf_open(edx_buf *out, const char *title)
{
    edx_pdf *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    pthread_mutex_lock(&lock);
    if (!font_map) font_map = pango_cairo_font_map_new();
    d->out = out;
    d->start = out->len;
    d->surface = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
    if (title) cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "edudx");
    d->cr = cairo_create(d->surface);
    d->pc = pango_font_map_create_context(font_map);
    pango_cairo_update_context(d->cr, d->pc);
    pango_cairo_context_set_resolution(d->pc, 72);
    pango_context_set_language(d->pc, pango_language_from_string("vi"));
    d->lay = pango_layout_new(d->pc);
    d->y = MARGIN;
    d->page = 1;
    return d;
}

void edx_pdf_title(edx_pdf *d, const char *title, const char *subtitle)
{
    set_font(d, 17, 1);
    double h = measure(d, title, TEXT_W);
    need(d, h);
    show(d, MARGIN, d->y, 0.05);
    d->y += h + 4;
    if (subtitle) {
        set_font(d, 10, 0);
        h = measure(d, subtitle, TEXT_W);
        need(d, h);
        show(d, MARGIN, d->y, 0.35);
        d->y += h;
    }
    cairo_set_source_rgb(d->cr, 0.6, 0.5, 0.3);
    cairo_set_line_width(d->cr, 0.8);
    cairo_move_to(d->cr, MARGIN, d->y + 6);
    cairo_line_to(d->cr, PAGE_W - MARGIN, d->y + 6);
    cairo_stroke(d->cr);
    d->y += 14;
}

void edx_pdf_heading(edx_pdf *d, const char *vi, const char *en)
{
    char *s = NULL;
    size_t n = strlen(vi) + (en ? strlen(en) : 0) + 8;
    if (!(s = malloc(n))) return;
    snprintf(s, n, en ? "%s · %s" : "%s", vi, en);
    set_font(d, 12.5, 1);
    double h = measure(d, s, TEXT_W);
    need(d, h + 40); /* keep a heading with what follows */
    d->y += 8;
    show(d, MARGIN, d->y, 0.06);
    d->y += h + 4;
    free(s);
}

void edx_pdf_text(edx_pdf *d, const char *text, int small)
{
    set_font(d, small ? 8.5 : 10, 0);
    double h = measure(d, text, TEXT_W);
    need(d, h);
    show(d, MARGIN, d->y, small ? 0.3 : 0.08);
    d->y += h + 3;
}

void edx_pdf_field(edx_pdf *d, const char *label, const char *value)
{
    char *esc_l = g_markup_escape_text(label, -1), *esc_v = g_markup_escape_text(value ? value : "—", -1);
    char *m = g_strdup_printf("<b>%s:</b> %s", esc_l, esc_v);
    set_font(d, 10, 0);
    pango_layout_set_width(d->lay, (int)(TEXT_W * PANGO_SCALE));
    pango_layout_set_wrap(d->lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_markup(d->lay, m, -1);
    int pw, ph;
    pango_layout_get_size(d->lay, &pw, &ph);
    double h = (double)ph / PANGO_SCALE;
    need(d, h);
    show(d, MARGIN, d->y, 0.08);
    d->y += h + 2;
    pango_layout_set_attributes(d->lay, NULL);
    g_free(m);
    g_free(esc_l);
    g_free(esc_v);
}

static double row_height(edx_pdf *d, int ncols, const char *const *cells, const double *widths,
                         int bold)
{
    double h = 0;
    set_font(d, bold ? 8.5 : 9, bold);
    for (int c = 0; c < ncols; c++) {
        double ch = measure(d, cells[c], widths[c] * TEXT_W - 2 * CELL_PAD);
        if (ch > h) h = ch;
    }
    return h + 2 * CELL_PAD;
}

static void draw_row(edx_pdf *d, int ncols, const char *const *cells, const double *widths,
                     int bold, double h, int shade)
{
    if (shade) {
        cairo_set_source_rgb(d->cr, bold ? 0.93 : 0.975, bold ? 0.91 : 0.97, bold ? 0.86 : 0.95);
        cairo_rectangle(d->cr, MARGIN, d->y, TEXT_W, h);
        cairo_fill(d->cr);
    }
    double x = MARGIN;
    set_font(d, bold ? 8.5 : 9, bold);
    for (int c = 0; c < ncols; c++) {
        measure(d, cells[c], widths[c] * TEXT_W - 2 * CELL_PAD);
        show(d, x + CELL_PAD, d->y + CELL_PAD, 0.08);
        x += widths[c] * TEXT_W;
    }
    cairo_set_source_rgb(d->cr, 0.75, 0.72, 0.66);
    cairo_set_line_width(d->cr, 0.4);
    cairo_move_to(d->cr, MARGIN, d->y + h);
    cairo_line_to(d->cr, MARGIN + TEXT_W, d->y + h);
    cairo_stroke(d->cr);
    d->y += h;
}

void edx_pdf_table(edx_pdf *d, int ncols, const char *const *head, const char *const *cells,
                   size_t nrows, const double *widths)
{
    double hh = row_height(d, ncols, head, widths, 1);
    need(d, hh + 20);
    draw_row(d, ncols, head, widths, 1, hh, 1);
    for (size_t r = 0; r < nrows; r++) {
        const char *const *row = cells + r * (size_t)ncols;
        double h = row_height(d, ncols, row, widths, 0);
        if (d->y + h > PAGE_H - MARGIN) {
            need(d, PAGE_H); /* new page, heading row again */
            draw_row(d, ncols, head, widths, 1, hh, 1);
        }
        draw_row(d, ncols, row, widths, 0, h, r % 2);
    }
    d->y += 6;
}

int edx_pdf_close(edx_pdf *d, edx_err *err)
{
    footer(d);
    cairo_status_t st = cairo_status(d->cr);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(d->surface);
    cairo_surface_destroy(d->surface);
    g_object_unref(d->lay);
    g_object_unref(d->pc);
    pthread_mutex_unlock(&lock);
    edx_buf *out = d->out;
    size_t start = d->start;
    free(d);
    if (st == CAIRO_STATUS_SUCCESS && !out->oom) return 0;
    if (out->data && out->len > start) {
        out->len = start;
        out->data[start] = '\0';
    }
    return edx_err_set(err, out->oom || st == CAIRO_STATUS_NO_MEMORY ? EDX_ENOMEM : EDX_EINTERNAL,
                       500, "render_failed", "", "the PDF could not be produced: %s",
                       out->oom ? "out of memory" : cairo_status_to_string(st));
}
