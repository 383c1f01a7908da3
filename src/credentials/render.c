/*
 * render.c: the printed form of a credential, an A4 portrait PDF laid out like
 * a Vietnamese official document (national motto, issuing body, title), with
 * the holder's particulars, a QR code to the /verify page and the signature
 * details in the footer.
 *
 * The credential may come from another issuer, so nothing about its shape is
 * assumed: every member is type-checked, a missing one is left out, members
 * that may be one object or an array take the first object, and lists are cut
 * at MAX_ROWS entries. What is printed is the JSON's own text, normalised:
 *   - NFC (pdftotext gives back the name exactly as typed), control characters
 *     shown as spaces, bidirectional overrides dropped (they could make a name
 *     read differently from what is signed), each field cut at MAX_FIELD code
 *     points;
 *   - dates "2026-06-30…" as 30/06/2026, the issue date on the signature line
 *     as "ngày 30 tháng 6 năm 2026" (Nghị định 30/2020: a leading zero only for
 *     days below 10 and months below 3);
 *   - scores with a decimal comma as Vietnamese documents write them
 *     ("8.5" → "8,5", "7.25" → "7,25"); only a plain decimal number is
 *     rewritten, so "Đ", "CĐ" and other text print as they are.
 * All text goes through Pango (Noto Serif for the document, Noto Sans for
 * small print) so the PDF has a real Unicode text layer.
 *
 * Pango and fontconfig are not safe to initialise from several threads: one
 * mutex serialises rendering, and one font map is kept for the process (its
 * font caches make every later PDF cheaper).
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/pdf.h"
#include "base/utf8.h"
#include "credentials/credentials.h"

/* A4 in points; the text column; the footer band holding the QR code. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define X0 72.0
#define X1 523.0
#define TEXT_W (X1 - X0)
#define QR_SIZE 84.0
#define FOOT_TOP (PAGE_H - 48.0 - QR_SIZE - 26.0)
#define BODY_BOTTOM (FOOT_TOP - 14.0)
#define CONT_TOP 108.0 /* where the body resumes on a continuation page */
#define LABEL_W 176.0  /* label column of the particulars */
#define VALUE_X (X0 + 186.0)

#define MAX_FIELD 1000 /* code points printed of any one field */
#define MAX_ROWS 200   /* table rows printed; the rest are counted */
#define MAX_SCAN 2000  /* array members looked at when searching */
#define MAX_KV 16

typedef struct rgb {
    double r, g, b;
} rgb;

static const rgb INK = {0.08, 0.08, 0.10};
static const rgb RED = {0.60, 0.09, 0.09};
static const rgb NAVY = {0.06, 0.16, 0.40};
static const rgb GREY = {0.38, 0.38, 0.41};
static const rgb RULE = {0.64, 0.50, 0.30};
static const rgb HEAD_FILL = {0.97, 0.93, 0.85};
static const rgb ALT_FILL = {0.99, 0.98, 0.955};

typedef struct style {
    int sans, bold, italic;
    double size;
    const rgb *color;
} style;

static const style ST_MOTTO = {0, 1, 0, 12.5, &INK};
static const style ST_ISSUER = {0, 1, 0, 13.5, &INK};
static const style ST_TITLE = {0, 1, 0, 26, &RED};
static const style ST_SUBTITLE = {0, 0, 1, 12, &GREY};
static const style ST_LEAD = {0, 0, 1, 12, &INK};
static const style ST_LEAD_EN = {1, 0, 1, 8, &GREY};
static const style ST_NAME = {0, 1, 0, 24, &NAVY};
static const style ST_NARRATIVE = {0, 0, 1, 11.5, &INK};
static const style ST_LABEL = {0, 0, 0, 11.5, &INK};
static const style ST_LABEL_EN = {1, 0, 1, 7.5, &GREY};
static const style ST_VALUE = {0, 1, 0, 11.5, &INK};
static const style ST_CELL = {0, 0, 0, 10.5, &INK};
static const style ST_HEAD = {0, 1, 0, 9.5, &INK};
static const style ST_HEAD_EN = {1, 0, 1, 7, &GREY};
static const style ST_SIGN_DATE = {0, 0, 1, 11.5, &INK};
static const style ST_SIGN = {0, 1, 0, 11.5, &INK};
static const style ST_SMALL = {1, 0, 0, 7.5, &INK};
static const style ST_SMALL_GREY = {1, 0, 1, 6.5, &GREY};
static const style ST_CONT = {0, 1, 0, 12, &RED};

typedef enum { K_DIPLOMA, K_DEGREE, K_TRANSCRIPT, K_SKILLS, K_AWARD, K_OTHER } kind;

/* One particular: a Vietnamese label, its English gloss and the (raw) value. */
typedef struct kv {
    const char *vi, *en, *value;
    int lines;
} kv;

typedef struct trow {
    const char *name, *value;
} trow;

/* What the page says, taken from the credential (raw JSON strings, cleaned when drawn). */
typedef struct body {
    kind k;
    const char *title, *subtitle, *issuer_name;
    const char *lead_vi, *lead_en, *name, *narrative;
    kv rows[MAX_KV];
    int nrows;
    const char *col_vi, *col_en, *val_vi, *val_en; /* table headings */
    trow *trows;
    size_t ntrows, tmore;
    kv after[MAX_KV]; /* particulars below the table */
    int nafter;
    const char *sign_date; /* "ngày … tháng … năm …" */
    int signed_;
    /* footer */
    const char *id, *suite, *did, *issued, *until;
} body;

typedef struct rd {
    cairo_t *cr;
    PangoLayout *lay;
    edx_arena a;
    QRcode *qr;
    const char *url;
    const body *b;
    double y, top, last_w;
    int last_lines;
} rd;

/* ---- JSON, type-checked ----------------------------------------------------------------- */

static const json_t *jget(const json_t *o, const char *k)
{
    return json_is_object(o) ? json_object_get(o, k) : NULL;
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(jget(o, k));
}

/* Members that may hold one value or an array of them. */
static size_t many_n(const json_t *v)
{
    if (json_is_array(v)) return json_array_size(v);
    return v ? 1 : 0;
}

static const json_t *many_i(const json_t *v, size_t i)
{
    return json_is_array(v) ? json_array_get(v, i) : v;
}

/* The object itself, or the first object of an array. */
static const json_t *jone(const json_t *v)
{
    size_t n = many_n(v);
    for (size_t i = 0; i < n && i < MAX_SCAN; i++)
        if (json_is_object(many_i(v, i))) return many_i(v, i);
    return NULL;
}

/* 1 when `v` is the string `s` or an array holding it (JSON-LD `type`). */
static int has_str(const json_t *v, const char *s)
{
    size_t n = many_n(v);
    for (size_t i = 0; i < n && i < MAX_SCAN; i++) {
        const char *t = json_string_value(many_i(v, i));
        if (t && strcmp(t, s) == 0) return 1;
    }
    return 0;
}

static const char *first_str(const json_t *v)
{
    size_t n = many_n(v);
    for (size_t i = 0; i < n && i < MAX_SCAN; i++)
        if (json_string_value(many_i(v, i))) return json_string_value(many_i(v, i));
    return NULL;
}

/*
 * A human-readable member: a string, or VC 2.0 language values
 * ({"@value": …, "@language": …}, one or many: Vietnamese preferred).
 */
static const char *jtext(const json_t *o, const char *k)
{
    const json_t *v = jget(o, k);
    const char *first = NULL;
    size_t n = json_is_string(v) ? 0 : many_n(v);
    if (json_is_string(v)) return json_string_value(v);
    for (size_t i = 0; i < n && i < 64; i++) {
        const json_t *e = many_i(v, i);
        const char *s = json_is_string(e) ? json_string_value(e) : jstr(e, "@value");
        const char *lang = jstr(e, "@language");
        if (!s) continue;
        if (lang && strncmp(lang, "vi", 2) == 0) return s;
        if (!first) first = s;
    }
    return first;
}

/* An IdentityObject's plain-text value (hashed ones are not printable). */
static const char *identity(const json_t *subject, const char *type)
{
    const json_t *ids = jget(subject, "identifier");
    size_t n = many_n(ids);
    for (size_t i = 0; i < n && i < MAX_SCAN; i++) {
        const json_t *o = many_i(ids, i);
        const char *t = jstr(o, "identityType");
        if (!t || strcmp(t, type) != 0 || json_is_true(jget(o, "hashed"))) continue;
        if (jstr(o, "identityHash")) return jstr(o, "identityHash");
    }
    return NULL;
}

/* ---- text formats ------------------------------------------------------------------------ */

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* 1 when s starts with "YYYY-MM-DD" (a date or a dateTime). */
static int iso_date(const char *s)
{
    return s && strlen(s) >= 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
           digits(s + 8, 2) && (s[10] == '\0' || s[10] == 'T' || s[10] == ' ');
}

/* "30/06/2026" for an ISO date or dateTime; other text as it is. */
static const char *vn_date(rd *r, const char *s)
{
    if (!iso_date(s)) return s;
    return edx_arena_printf(&r->a, "%.2s/%.2s/%.4s", s + 8, s + 5, s);
}

/* "ngày 30 tháng 6 năm 2026" (leading zero for days < 10 and months < 3). */
static const char *vn_long_date(rd *r, const char *s)
{
    if (!iso_date(s)) return NULL;
    int d = (s[8] - '0') * 10 + (s[9] - '0'), m = (s[5] - '0') * 10 + (s[6] - '0');
    return edx_arena_printf(&r->a, "Ngày %02d tháng %0*d năm %.4s", d, m < 3 ? 2 : 1, m, s);
}

/* "8.5" → "8,5": the decimal comma; anything but a plain decimal number is left alone. */
static const char *decimal_comma(rd *r, const char *s)
{
    if (!s) return NULL;
    const char *dot = strchr(s, '.');
    size_t n = strlen(s);
    if (!dot || dot == s || n > 32 || !digits(s, (int)(dot - s)) ||
        !digits(dot + 1, (int)(n - (size_t)(dot - s) - 1)) || dot[1] == '\0')
        return s;
    char *c = edx_arena_strdup(&r->a, s);
    if (!c) return s;
    c[dot - s] = ',';
    return c;
}

static size_t utf8_seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static uint32_t utf8_decode(const unsigned char *s, size_t n)
{
    if (n == 1) return s[0];
    if (n == 2) return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if (n == 3)
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

static int bidi_control(uint32_t c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

/*
 * Printable form of a JSON string: NFC, controls as spaces, bidi controls
 * dropped, white space trimmed, at most MAX_FIELD code points ("…" when cut).
 * NULL for NULL or empty.
 */
static const char *clean(rd *r, const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    if (!edx_utf8_valid(s, n)) return "\xEF\xBF\xBD";
    char *t = edx_arena_alloc(&r->a, (n < 4 * MAX_FIELD ? n : 4 * MAX_FIELD) + 4);
    if (!t) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, cps = 0;
    while (*p && cps < MAX_FIELD) {
        size_t l = utf8_seq_len(*p);
        uint32_t c = utf8_decode(p, l);
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
            if (o > 0 && t[o - 1] != ' ') t[o++] = ' ';
        } else if (!bidi_control(c)) {
            memcpy(t + o, p, l);
            o += l;
        }
        p += l;
        cps++;
    }
    while (o > 0 && t[o - 1] == ' ')
        o--;
    if (*p) {
        memcpy(t + o, "\xE2\x80\xA6", 3);
        o += 3;
    }
    t[o] = '\0';
    size_t lead = strspn(t, " ");
    if (!t[lead]) return NULL;
    char *nfc = edx_utf8_nfc(&r->a, t + lead);
    return nfc ? nfc : t + lead;
}

/* The first `max` code points of s, then "…" when longer. */
static const char *shorten(rd *r, const char *s, size_t max)
{
    if (!s || !edx_utf8_valid(s, strlen(s)) || edx_utf8_len(s) <= max) return s;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < max && *p; i++)
        p += utf8_seq_len(*p);
    return edx_arena_printf(&r->a, "%.*s…", (int)((const char *)p - s), s);
}

/* ---- drawing primitives ------------------------------------------------------------------- */

static void set_color(rd *r, const rgb *c)
{
    cairo_set_source_rgb(r->cr, c->r, c->g, c->b);
}

/*
 * Lay out `s` (raw; cleaned here) in a box `w` wide at (x, y) and return its
 * height; more than `max_lines` lines (when > 0) end in "…". draw = 0 only
 * measures. r->last_w and r->last_lines describe the layout.
 */
static double text(rd *r, const char *s, const style *st, double x, double y, double w,
                   PangoAlignment al, int max_lines, int draw)
{
    r->last_w = 0;
    r->last_lines = 0;
    s = clean(r, s);
    if (!s) return 0;
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, st->sans ? "Noto Sans" : "Noto Serif");
    pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
    pango_layout_set_font_description(r->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(r->lay, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(r->lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(r->lay, al);
    pango_layout_set_ellipsize(r->lay, max_lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_height(r->lay, max_lines > 0 ? -max_lines : -1);
    pango_layout_set_text(r->lay, s, -1);
    PangoRectangle logical;
    pango_layout_get_extents(r->lay, NULL, &logical);
    r->last_w = (double)logical.width / PANGO_SCALE;
    r->last_lines = pango_layout_get_line_count(r->lay);
    if (draw) {
        set_color(r, st->color);
        cairo_move_to(r->cr, x, y);
        pango_cairo_show_layout(r->cr, r->lay);
    }
    return (double)logical.height / PANGO_SCALE;
}

/*
 * Centred text that shrinks from st->size towards `min_size` until it fits in
 * `want` lines; at the smallest size it wraps to at most `max_lines`. Returns
 * the height drawn.
 */
static double fitted(rd *r, const char *s, const style *st, double min_size, int want,
                     int max_lines, double y)
{
    style f = *st;
    for (; f.size > min_size; f.size -= 1) {
        text(r, s, &f, X0, y, TEXT_W, PANGO_ALIGN_CENTER, 0, 0);
        if (r->last_lines <= want) break;
    }
    if (f.size < min_size) f.size = min_size;
    return text(r, s, &f, X0, y, TEXT_W, PANGO_ALIGN_CENTER, max_lines, 1);
}

static void hline(rd *r, double xa, double xb, double y, double width, const rgb *c)
{
    set_color(r, c);
    cairo_set_line_width(r->cr, width);
    cairo_move_to(r->cr, xa, y);
    cairo_line_to(r->cr, xb, y);
    cairo_stroke(r->cr);
}

static void diamond(rd *r, double cx, double cy, double rad, const rgb *c)
{
    set_color(r, c);
    cairo_move_to(r->cr, cx, cy - rad);
    cairo_line_to(r->cr, cx + rad, cy);
    cairo_line_to(r->cr, cx, cy + rad);
    cairo_line_to(r->cr, cx - rad, cy);
    cairo_close_path(r->cr);
    cairo_fill(r->cr);
}

/* A double red frame with diamonds in the corners. */
static void frame(rd *r)
{
    set_color(r, &RED);
    cairo_set_line_width(r->cr, 2.4);
    cairo_rectangle(r->cr, 24, 24, PAGE_W - 48, PAGE_H - 48);
    cairo_stroke(r->cr);
    cairo_set_line_width(r->cr, 0.7);
    cairo_rectangle(r->cr, 30, 30, PAGE_W - 60, PAGE_H - 60);
    cairo_stroke(r->cr);
    double in = 38;
    diamond(r, in, in, 4.5, &RED);
    diamond(r, PAGE_W - in, in, 4.5, &RED);
    diamond(r, in, PAGE_H - in, 4.5, &RED);
    diamond(r, PAGE_W - in, PAGE_H - in, 4.5, &RED);
}

/* A rule with a diamond in its middle, under the title. */
static void ornament(rd *r, double y)
{
    double cx = PAGE_W / 2;
    hline(r, cx - 90, cx - 9, y, 0.8, &RULE);
    hline(r, cx + 9, cx + 90, y, 0.8, &RULE);
    diamond(r, cx, y, 4, &RULE);
}

/* The QR code as vector squares: one rectangle per run of dark modules, 4 modules of quiet zone. */
static void qr(rd *r, double x, double y, double size)
{
    const QRcode *q = r->qr;
    cairo_set_source_rgb(r->cr, 1, 1, 1);
    cairo_rectangle(r->cr, x, y, size, size);
    cairo_fill(r->cr);
    double m = size / (q->width + 8);
    for (int row = 0; row < q->width; row++) {
        const unsigned char *line = q->data + (size_t)row * (size_t)q->width;
        for (int c = 0; c < q->width;) {
            if (!(line[c] & 1)) {
                c++;
                continue;
            }
            int start = c;
            while (c < q->width && (line[c] & 1))
                c++;
            cairo_rectangle(r->cr, x + (4 + start) * m, y + (4 + row) * m, (c - start) * m, m);
        }
    }
    set_color(r, &INK);
    cairo_fill(r->cr);
}

/* Footer of every page: signature details on the left, the QR code on the right. */
static void footer(rd *r)
{
    const body *b = r->b;
    hline(r, X0, X1, FOOT_TOP - 6, 0.5, &RULE);
    double y = FOOT_TOP, w = X1 - X0 - QR_SIZE - 16;
    if (r->qr) {
        qr(r, X1 - QR_SIZE, FOOT_TOP, QR_SIZE);
        double cy = FOOT_TOP + QR_SIZE + 1;
        cy += text(r, "Quét mã để xác thực / Scan to verify", &ST_SMALL, X1 - 220, cy, 220,
                   PANGO_ALIGN_RIGHT, 1, 1);
        text(r, r->url, &ST_SMALL_GREY, X1 - 220, cy, 220, PANGO_ALIGN_RIGHT, 2, 1);
    } else {
        w = TEXT_W;
    }
    const char *lines[6] = {
        b->id ? edx_arena_printf(&r->a, "Mã chứng chỉ / Credential ID: %s", b->id) : NULL,
        b->suite ? edx_arena_printf(&r->a, "Ký số: %s", b->suite)
                 : "Ký số: chưa có (bản chưa ký / unsigned)",
        b->did ? edx_arena_printf(&r->a, "Đơn vị cấp / Issuer: %s", b->did) : NULL,
        b->issued ? edx_arena_printf(&r->a, "Ngày cấp / Issued: %s", b->issued) : NULL,
        b->until ? edx_arena_printf(&r->a, "Hiệu lực đến / Valid until: %s", b->until) : NULL,
        NULL};
    for (int i = 0; i < 5; i++)
        y += text(r, lines[i], &ST_SMALL, X0, y, w, PANGO_ALIGN_LEFT, 2, 1);
    y += 4;
    text(r,
         "Bản in của chứng chỉ số: giá trị xác thực thuộc về bản điện tử có chữ ký số; quét mã "
         "QR để kiểm tra. / A printed copy of a digitally signed credential: scan the QR code to "
         "check it.",
         &ST_SMALL_GREY, X0, y, w, PANGO_ALIGN_LEFT, 3, 1);
}

/* The header of page 1: motto, issuing body, title. */
static void header(rd *r)
{
    const body *b = r->b;
    double y = 54;
    y += text(r, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &ST_MOTTO, X0, y, TEXT_W, PANGO_ALIGN_CENTER,
              1, 1);
    y += text(r, "Độc lập - Tự do - Hạnh phúc", &ST_MOTTO, X0, y, TEXT_W, PANGO_ALIGN_CENTER, 1, 1);
    hline(r, (PAGE_W - r->last_w) / 2, (PAGE_W + r->last_w) / 2, y + 2, 0.8, &INK);
    y += 16;
    y += text(r, b->issuer_name, &ST_ISSUER, X0, y, TEXT_W, PANGO_ALIGN_CENTER, 2, 1);
    y += 14;
    y += fitted(r, b->title, &ST_TITLE, 18, 1, 3, y);
    y += 2;
    y += text(r, b->subtitle, &ST_SUBTITLE, X0, y, TEXT_W, PANGO_ALIGN_CENTER, 1, 1);
    ornament(r, y + 9);
    r->y = y + 24;
}

static void new_page(rd *r)
{
    cairo_show_page(r->cr);
    frame(r);
    footer(r);
    const body *b = r->b;
    double y = 48;
    y += text(r, b->title, &ST_CONT, X0, y, TEXT_W, PANGO_ALIGN_CENTER, 1, 1);
    const char *who =
        b->name ? edx_arena_printf(&r->a, "%s (tiếp theo / continued)", shorten(r, b->name, 80))
                : "(tiếp theo / continued)";
    y += text(r, who, &ST_LEAD_EN, X0, y, TEXT_W, PANGO_ALIGN_CENTER, 1, 1);
    ornament(r, y + 8);
    r->y = r->top = CONT_TOP;
}

/* Start a new page when `h` more points do not fit (unless the page is still empty). */
static int need(rd *r, double h)
{
    if (r->y + h <= BODY_BOTTOM || r->y <= r->top) return 0;
    new_page(r);
    return 1;
}

/* A particular: the label (Vietnamese, English below) on the left, the value on the right. */
static void particular(rd *r, const kv *p)
{
    double hv = text(r, p->value, &ST_VALUE, VALUE_X, 0, X1 - VALUE_X, PANGO_ALIGN_LEFT,
                     p->lines ? p->lines : 3, 0);
    if (hv <= 0) return;
    double hl = text(r, p->vi, &ST_LABEL, X0, 0, LABEL_W, PANGO_ALIGN_LEFT, 2, 0);
    hl += text(r, p->en, &ST_LABEL_EN, X0, 0, LABEL_W, PANGO_ALIGN_LEFT, 1, 0);
    need(r, (hv > hl ? hv : hl) + 7);
    double y = r->y;
    double h = text(r, p->vi, &ST_LABEL, X0, y, LABEL_W, PANGO_ALIGN_LEFT, 2, 1);
    text(r, p->en, &ST_LABEL_EN, X0, y + h - 1, LABEL_W, PANGO_ALIGN_LEFT, 1, 1);
    text(r, p->value, &ST_VALUE, VALUE_X, y, X1 - VALUE_X, PANGO_ALIGN_LEFT,
         p->lines ? p->lines : 3, 1);
    r->y += (hv > hl ? hv : hl) + 7;
}

/* Table columns: number, name, value. */
#define COL_NO 34.0
#define COL_VAL 118.0

static void cell_box(rd *r, double y, double h, const rgb *fill)
{
    double xs[4] = {X0, X0 + COL_NO, X1 - COL_VAL, X1};
    if (fill) {
        set_color(r, fill);
        cairo_rectangle(r->cr, X0, y, TEXT_W, h);
        cairo_fill(r->cr);
    }
    set_color(r, &RULE);
    cairo_set_line_width(r->cr, 0.5);
    for (int i = 0; i < 3; i++)
        cairo_rectangle(r->cr, xs[i], y, xs[i + 1] - xs[i], h);
    cairo_stroke(r->cr);
}

static void table_head(rd *r)
{
    const body *b = r->b;
    double h = 30, y = r->y;
    cell_box(r, y, h, &HEAD_FILL);
    const char *vi[3] = {"STT", b->col_vi, b->val_vi}, *en[3] = {"No.", b->col_en, b->val_en};
    double xs[3] = {X0, X0 + COL_NO, X1 - COL_VAL},
           ws[3] = {COL_NO, TEXT_W - COL_NO - COL_VAL, COL_VAL};
    for (int i = 0; i < 3; i++) {
        double t = text(r, vi[i], &ST_HEAD, xs[i], y + 4, ws[i], PANGO_ALIGN_CENTER, 1, 1);
        text(r, en[i], &ST_HEAD_EN, xs[i], y + 4 + t, ws[i], PANGO_ALIGN_CENTER, 1, 1);
    }
    r->y += h;
}

static void table(rd *r)
{
    const body *b = r->b;
    if (b->ntrows == 0) return;
    need(r, 30 + 3 * 20);
    r->y += 4;
    table_head(r);
    double wn = TEXT_W - COL_NO - COL_VAL - 10;
    for (size_t i = 0; i < b->ntrows; i++) {
        const trow *t = &b->trows[i];
        double hn = text(r, t->name, &ST_CELL, 0, 0, wn, PANGO_ALIGN_LEFT, 2, 0);
        double h = (hn > 14 ? hn : 14) + 4;
        if (need(r, h)) table_head(r);
        double y = r->y;
        cell_box(r, y, h, i % 2 ? &ALT_FILL : NULL);
        char no[24];
        snprintf(no, sizeof no, "%zu", i + 1);
        text(r, no, &ST_CELL, X0, y + 2, COL_NO, PANGO_ALIGN_CENTER, 1, 1);
        text(r, t->name, &ST_CELL, X0 + COL_NO + 5, y + 2, wn, PANGO_ALIGN_LEFT, 2, 1);
        const char *v = t->value ? decimal_comma(r, t->value) : "—";
        text(r, v, &ST_CELL, X1 - COL_VAL + 4, y + 2, COL_VAL - 8, PANGO_ALIGN_CENTER, 2, 1);
        r->y += h;
    }
    if (b->tmore) {
        const char *s =
            edx_arena_printf(&r->a, "… và %zu mục khác / and %zu more", b->tmore, b->tmore);
        need(r, 18);
        r->y += 2 + text(r, s, &ST_LEAD_EN, X0, r->y + 2, TEXT_W, PANGO_ALIGN_LEFT, 1, 1);
    }
    r->y += 10;
}

/* The signature line: date and issuing body on the right, as on a signed paper. */
static void signature(rd *r)
{
    const body *b = r->b;
    double x = X0 + TEXT_W / 2, w = TEXT_W / 2;
    need(r, 66);
    /* at the foot of the body, where a paper document is signed */
    double y = r->y + 6 > BODY_BOTTOM - 66 ? r->y + 6 : BODY_BOTTOM - 66;
    y += text(r, b->sign_date, &ST_SIGN_DATE, x, y, w, PANGO_ALIGN_CENTER, 1, 1);
    y += text(r, b->issuer_name, &ST_SIGN, x, y, w, PANGO_ALIGN_CENTER, 2, 1);
    text(r, b->signed_ ? "(Đã ký số / Digitally signed)" : "(Chưa ký số / Not signed)", &ST_LEAD_EN,
         x, y + 1, w, PANGO_ALIGN_CENTER, 1, 1);
}

static void draw(rd *r)
{
    const body *b = r->b;
    frame(r);
    footer(r);
    header(r);
    r->top = r->y;
    if (b->name) {
        r->y += text(r, b->lead_vi, &ST_LEAD, X0, r->y, TEXT_W, PANGO_ALIGN_CENTER, 1, 1);
        r->y += text(r, b->lead_en, &ST_LEAD_EN, X0, r->y, TEXT_W, PANGO_ALIGN_CENTER, 1, 1);
        r->y += 2 + fitted(r, b->name, &ST_NAME, 12, 2, 6, r->y + 2);
    }
    if (b->narrative)
        r->y += 4 + text(r, b->narrative, &ST_NARRATIVE, X0, r->y + 4, TEXT_W, PANGO_ALIGN_CENTER,
                         3, 1);
    r->y += 14;
    for (int i = 0; i < b->nrows; i++)
        particular(r, &b->rows[i]);
    table(r);
    for (int i = 0; i < b->nafter; i++)
        particular(r, &b->after[i]);
    signature(r);
    cairo_show_page(r->cr);
}

/* ---- reading the credential ---------------------------------------------------------------- */

static void add(kv *rows, int *n, const char *vi, const char *en, const char *value, int lines)
{
    if (!value || *n >= MAX_KV) return;
    rows[*n] = (kv){vi, en, value, lines};
    (*n)++;
}

static void row(body *b, const char *vi, const char *en, const char *value, int lines)
{
    add(b->rows, &b->nrows, vi, en, value, lines);
}

static void trow_add(rd *r, body *b, const char *name, const char *value)
{
    if (!b->trows) b->trows = edx_arena_calloc(&r->a, MAX_ROWS, sizeof *b->trows);
    if (!b->trows) return;
    if (b->ntrows >= MAX_ROWS) {
        b->tmore++;
        return;
    }
    b->trows[b->ntrows++] = (trow){name ? name : "—", value};
}

/* The name of a result: its ResultDescription in the achievement, else its id's fragment. */
static const char *result_name(const json_t *ach, const char *rd_id)
{
    const json_t *rds = jget(ach, "resultDescription");
    size_t n = many_n(rds);
    for (size_t i = 0; rd_id && i < n && i < MAX_SCAN; i++) {
        const char *id = jstr(many_i(rds, i), "id");
        if (id && strcmp(id, rd_id) == 0 && jstr(many_i(rds, i), "name"))
            return jstr(many_i(rds, i), "name");
    }
    const char *hash = rd_id ? strrchr(rd_id, '#') : NULL;
    return hash && hash[1] ? hash + 1 : "Kết quả";
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = s ? strlen(s) : 0, m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Results as particulars (to_table 0) or table rows; the "#overall" level is always a particular.
 */
static void results(rd *r, body *b, const json_t *subject, const json_t *ach, int to_table)
{
    const json_t *res = jget(subject, "result");
    size_t n = many_n(res);
    for (size_t i = 0; i < n; i++) {
        if (i >= MAX_SCAN) {
            if (to_table) b->tmore += n - i;
            break;
        }
        const json_t *o = many_i(res, i);
        const char *v = jstr(o, "value"), *id = first_str(jget(o, "resultDescription"));
        if (!v) continue;
        const char *name = result_name(ach, id);
        if (ends_with(id, "#overall"))
            row(b, name, "Overall level", v, 1);
        else if (to_table)
            trow_add(r, b, name, v);
        else if (ends_with(id, "#classification"))
            row(b, name, "Classification", v, 2);
        else
            row(b, name, "Result", decimal_comma(r, v), 2);
    }
}

/* "Số 123/QĐ-SGDĐT ngày 30/06/2026" from evidence[0], labelled with its genre. */
static void decision(rd *r, body *b, const json_t *vc)
{
    const json_t *ev = jone(jget(vc, "evidence"));
    const char *num = jstr(ev, "name"), *date = jstr(ev, "description");
    const char *genre = first_str(jget(ev, "genre"));
    const char *v = NULL;
    if (num && iso_date(date))
        v = edx_arena_printf(&r->a, "Số %s ngày %s", shorten(r, num, 200), vn_date(r, date));
    else if (num)
        v = edx_arena_printf(&r->a, "Số %s", shorten(r, num, 200));
    else
        v = jstr(ev, "narrative");
    int is_decision = genre && strncmp(genre, "Quyết định", strlen("Quyết định")) == 0;
    row(b, genre ? genre : "Minh chứng", is_decision ? "Decision" : "Evidence", v, 3);
}

/* School year and grade from a transcript entry's id (…/<year>/grade-<g>/<n>) or narrative. */
static void year_and_grade(rd *r, const json_t *ach, const char **year, const char **grade)
{
    const char *id = jstr(ach, "id"), *g = id ? strstr(id, "/grade-") : NULL;
    if (g) {
        const char *ys = g;
        while (ys > id && ys[-1] != '/')
            ys--;
        const char *ge = strchr(g + 7, '/');
        if (ys < g) *year = edx_arena_strndup(&r->a, ys, (size_t)(g - ys));
        *grade = edx_arena_strndup(&r->a, g + 7, ge ? (size_t)(ge - g - 7) : strlen(g + 7));
        return;
    }
    const char *nar = jstr(jget(ach, "criteria"), "narrative");
    const char *y = nar ? strstr(nar, "năm học ") : NULL;
    if (y) *year = y + strlen("năm học ");
}

/* A transcript entry's value: the result of the embedded credential about this achievement. */
static const char *entry_value(const json_t *subject, const json_t *ach, size_t index)
{
    const json_t *vcs = jget(subject, "verifiableCredential");
    const char *id = jstr(ach, "id");
    size_t n = many_n(vcs);
    for (size_t k = 0; k <= n && k < MAX_SCAN; k++) {
        /* the entry at the same position first (the usual case), then a search */
        size_t i = k == 0 ? index : k - 1;
        if (i >= n || (k > 0 && i == index)) continue;
        const json_t *cs = jone(jget(many_i(vcs, i), "credentialSubject"));
        const char *aid = jstr(jone(jget(cs, "achievement")), "id");
        if (!id || !aid || strcmp(id, aid) != 0) continue;
        return jstr(jone(jget(cs, "result")), "value");
    }
    return NULL;
}


/* The headings of the table a transcript, a skills certificate or a foreign credential prints. */
static void table_labels(body *b, const char *col_vi, const char *col_en, const char *val_vi,
                         const char *val_en)
{
    b->col_vi = col_vi;
    b->col_en = col_en;
    b->val_vi = val_vi;
    b->val_en = val_en;
}

static void transcript(rd *r, body *b, const json_t *subject)
{
    const json_t *achs = jget(subject, "achievement"), *vcs = jget(subject, "verifiableCredential");
    const char *year = NULL, *grade = NULL;
    int from_vcs = many_n(achs) == 0;
    size_t n = from_vcs ? many_n(vcs) : many_n(achs);
    if (n > MAX_SCAN) b->tmore += n - MAX_SCAN;
    for (size_t i = 0; i < n && i < MAX_SCAN; i++) {
        const json_t *ach, *cs = NULL;
        const char *v;
        if (from_vcs) {
            cs = jone(jget(many_i(vcs, i), "credentialSubject"));
            ach = jone(jget(cs, "achievement"));
            v = jstr(jone(jget(cs, "result")), "value");
        } else {
            ach = many_i(achs, i);
            v = entry_value(subject, ach, i);
        }
        if (!json_is_object(ach)) continue;
        const char *name = jtext(ach, "name");
        if (!year && !grade) year_and_grade(r, ach, &year, &grade);
        const char *atype = jstr(ach, "achievementType");
        if (atype && strcmp(atype, "ext:Assessment") == 0) {
            const char *en = name && strstr(name, "rèn luyện") ? "Conduct"
                             : name && strstr(name, "học tập") ? "Academic results"
                                                               : "Assessment";
            add(b->after, &b->nafter, name ? name : "Đánh giá", en, v, 2);
        } else {
            trow_add(r, b, name, v);
        }
    }
    row(b, "Năm học", "School year", year, 1);
    row(b, "Lớp", "Grade", grade, 1);
    table_labels(b, "Môn học / Hoạt động giáo dục", "Subject", "Điểm TB cả năm", "Year average");
}

static kind detect(const json_t *vc, const json_t *ach)
{
    if (has_str(jget(vc, "type"), "ClrCredential")) return K_TRANSCRIPT;
    const char *t = jstr(ach, "achievementType");
    if (!t) return K_OTHER;
    if (strcmp(t, "Diploma") == 0) return K_DIPLOMA;
    if (ends_with(t, "Degree")) return K_DEGREE;
    if (strcmp(t, "Award") == 0) return K_AWARD;
    if (strcmp(t, "Certificate") == 0) return K_SKILLS;
    return K_OTHER;
}

static const char *degree_subtitle(const json_t *ach)
{
    const char *t = jstr(ach, "achievementType");
    if (has_str(jget(ach, "tag"), "engineer")) return "Engineer's degree";
    if (t && strcmp(t, "BachelorDegree") == 0) return "Bachelor's degree";
    if (t && strcmp(t, "MasterDegree") == 0) return "Master's degree";
    if (t && strcmp(t, "DoctoralDegree") == 0) return "Doctoral degree";
    if (t && strcmp(t, "AssociateDegree") == 0) return "Associate degree";
    return "Degree";
}

/* Tags joined with ", " (an award's campaign). */
static const char *tags(rd *r, const json_t *ach)
{
    const json_t *t = jget(ach, "tag");
    const char *out = NULL;
    size_t n = many_n(t);
    for (size_t i = 0; i < n && i < 8; i++) {
        const char *s = json_string_value(many_i(t, i));
        if (!s) continue;
        out = out ? edx_arena_printf(&r->a, "%s, %s", out, shorten(r, s, 200)) : s;
    }
    return out;
}

static void read_credential(rd *r, body *b, const json_t *vc)
{
    const json_t *subject = jone(jget(vc, "credentialSubject"));
    const json_t *ach = jone(jget(subject, "achievement"));
    const json_t *issuer = jget(vc, "issuer");
    b->k = detect(vc, ach);
    b->title = jtext(vc, "name");
    b->issuer_name = jtext(issuer, "name");
    b->did = json_is_string(issuer) ? json_string_value(issuer) : jstr(issuer, "id");
    b->did = shorten(r, b->did, 24);
    b->id = jstr(vc, "id");
    b->name = clean(r, identity(subject, "name"));
    if (!b->name) b->name = clean(r, jtext(subject, "name"));
    b->lead_vi = "Cấp cho";
    b->lead_en = "Awarded to";
    const char *from = jstr(vc, "validFrom");
    b->issued = vn_date(r, from);
    b->sign_date = vn_long_date(r, from);
    b->until = vn_date(r, jstr(vc, "validUntil"));
    const json_t *proof = jone(jget(vc, "proof"));
    b->signed_ = proof != NULL;
    b->suite = jstr(proof, "cryptosuite");
    if (!b->suite && proof) b->suite = first_str(jget(proof, "type"));

    if (!b->name) row(b, "Chủ thể", "Subject", jstr(subject, "id"), 2);
    row(b, "Ngày sinh", "Date of birth", vn_date(r, identity(subject, "ext:birthDate")), 1);
    const char *criteria = jstr(jget(ach, "criteria"), "narrative");
    switch (b->k) {
    case K_DIPLOMA:
    case K_DEGREE:
        b->subtitle = b->k == K_DIPLOMA ? "Upper-secondary diploma" : degree_subtitle(ach);
        b->narrative = criteria;
        row(b, "Ngành đào tạo", "Field of study", jstr(ach, "fieldOfStudy"), 2);
        row(b, "Mã ngành", "Field code", jstr(ach, "humanCode"), 1);
        row(b, "Hình thức đào tạo", "Mode of study", jstr(ach, "specialization"), 1);
        results(r, b, subject, ach, 0);
        decision(r, b, vc);
        break;
    case K_TRANSCRIPT:
        b->subtitle = "Academic transcript";
        b->lead_vi = "Họ và tên học sinh";
        b->lead_en = "Student";
        transcript(r, b, subject);
        decision(r, b, vc);
        break;
    case K_SKILLS: {
        const char *aid = jstr(ach, "id");
        b->subtitle = aid && strstr(aid, "digital-competence") ? "Digital competence certificate"
                                                               : "Certificate";
        b->lead_vi = "Chứng nhận";
        b->lead_en = "This certifies that";
        row(b, "Khung năng lực", "Framework", jstr(ach, "fieldOfStudy"), 3);
        row(b, "Ngày đánh giá", "Assessed on", vn_date(r, jstr(subject, "activityEndDate")), 1);
        results(r, b, subject, ach, 1);
        table_labels(b, "Miền năng lực", "Competence domain", "Mức đạt", "Level");
        decision(r, b, vc);
        break;
    }
    case K_AWARD: {
        b->subtitle = "Certificate of merit";
        b->lead_vi = "Tặng";
        const char *reward = jtext(ach, "name");
        if (reward && (!b->title || strcmp(reward, b->title) != 0))
            row(b, "Hình thức khen thưởng", "Reward", reward, 2);
        const char *reason = jtext(ach, "description");
        row(b, "Đã có thành tích", "For", reason ? reason : criteria, 12);
        row(b, "Phong trào", "Campaign", tags(r, ach), 2);
        results(r, b, subject, ach, 0);
        decision(r, b, vc);
        break;
    }
    default:
        b->subtitle = "Verifiable credential";
        b->narrative = jtext(vc, "description");
        row(b, "Thành tích", "Achievement", jtext(ach, "name"), 2);
        row(b, "Mô tả", "Description", jtext(ach, "description"), 6);
        if (!jtext(ach, "description")) row(b, "Tiêu chí", "Criteria", criteria, 6);
        results(r, b, subject, ach, 1);
        table_labels(b, "Kết quả", "Result", "Giá trị", "Value");
        decision(r, b, vc);
        break;
    }
}

/* ---- the PDF ------------------------------------------------------------------------------- */


static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
    return edx_buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
                                                   : CAIRO_STATUS_WRITE_ERROR;
}

/* cairo refuses (ignores) dates with other characters; then it writes the current time. */
static int pdf_date_ok(const char *s)
{
    return iso_date(s) && strspn(s, "0123456789-T:Z+") == strlen(s);
}

static int render_locked(PangoFontMap *font_map, const json_t *vc, const char *verify_url,
                         edx_buf *out, edx_err *err)
{
    rd r = {0};
    body b = {0};
    edx_arena_init(&r.a, 16384);
    r.b = &b;
    r.url = verify_url;
    if (verify_url && *verify_url) {
        r.qr = QRcode_encodeString(verify_url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        if (!r.qr) {
            edx_arena_free(&r.a);
            return edx_err_set(err, EDX_EINVAL, 500, "render_failed", "verify_url",
                               "the verification link cannot be encoded as a QR code");
        }
    }
    cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
    r.cr = cairo_create(pdf);
    PangoContext *pc = pango_font_map_create_context(font_map);
    pango_cairo_update_context(r.cr, pc);
    pango_cairo_context_set_resolution(pc, 72);
    pango_context_set_language(pc, pango_language_from_string("vi"));
    r.lay = pango_layout_new(pc);

    read_credential(&r, &b, vc);
    const char *title = clean(&r, b.title), *author = clean(&r, b.issuer_name);
    if (title) cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
    if (author) cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_AUTHOR, author);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "edudx");
    if (pdf_date_ok(jstr(vc, "validFrom")))
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, jstr(vc, "validFrom"));
    draw(&r);

    cairo_status_t st = cairo_status(r.cr);
    cairo_destroy(r.cr);
    cairo_surface_finish(pdf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(pdf);
    cairo_surface_destroy(pdf);
    g_object_unref(r.lay);
    g_object_unref(pc);
    QRcode_free(r.qr);
    edx_arena_free(&r.a);
    if (st == CAIRO_STATUS_SUCCESS && !out->oom) return 0;
    return edx_err_set(err, out->oom || st == CAIRO_STATUS_NO_MEMORY ? EDX_ENOMEM : EDX_EINTERNAL,
                       500, "render_failed", "", "the PDF could not be produced: %s",
                       out->oom ? "out of memory" : cairo_status_to_string(st));
}

typedef struct render_job {
    const json_t *vc;
    const char *url;
    edx_buf *out;
    edx_err *err;
} render_job;

static int render_job_run(void *font_map, void *ctx)
{
    render_job *j = ctx;
    return render_locked(font_map, j->vc, j->url, j->out, j->err);
}

int edx_cred_render_pdf(const json_t *credential, const char *verify_url, edx_buf *out,
                        edx_err *err)
{
    if (!out) return edx_err_set(err, EDX_EINVAL, 500, "render_failed", "", "no output buffer");
    if (!json_is_object(credential))
        return edx_err_set(err, EDX_EINVAL, 422, "render_failed", "",
                           "a credential must be a JSON object to be printed");
    size_t start = out->len;
    render_job job = {credential, verify_url, out, err};
    int rc = edx_pdf_fonts_run(render_job_run, &job);
    if (rc < 0 && out->data && out->len > start) {
        out->len = start;
        out->data[start] = '\0';
    }
    return rc;
}
