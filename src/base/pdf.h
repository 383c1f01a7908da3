/*
 * pdf.h: plain A4 documents (reports, dossiers) as PDF through cairo and Pango:
 * a title, headings, wrapped paragraphs, label/value lines and tables that break
 * across pages with their heading row repeated. Text is UTF-8 (Vietnamese set in
 * Noto Sans); the text layer is real text, so pdftotext and screen readers read it.
 *
 *   edx_pdf *d = edx_pdf_open(&buf, "Hồ sơ khen thưởng");
 *   edx_pdf_heading(d, "1. Đề nghị", "Proposal");
 *   edx_pdf_field(d, "Đơn vị", "Sở GDĐT Huế");
 *   rc = edx_pdf_close(d, err);      (always call: it frees d)
 *
 * One document at a time per process: the font lock (edx_pdf_fonts_run) is held from
 * open to close.
 */
#ifndef EDX_PDF_H
#define EDX_PDF_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

typedef struct edx_pdf edx_pdf;

/* Begin a document written to `out` on close; NULL when out of memory. */
edx_pdf *edx_pdf_open(edx_buf *out, const char *title);
/* The document's title line (large), and a smaller line under it. */
void edx_pdf_title(edx_pdf *d, const char *title, const char *subtitle);
/* A section heading: Vietnamese, with the English in grey after it (en may be NULL). */
void edx_pdf_heading(edx_pdf *d, const char *vi, const char *en);
/* A wrapped paragraph; small = 1 for notes. */
void edx_pdf_text(edx_pdf *d, const char *text, int small);
/* "label: value" on one wrapped line, the label in bold. */
void edx_pdf_field(edx_pdf *d, const char *label, const char *value);
/*
 * A table of `ncols` columns: `head` (ncols labels) and `cells` (nrows × ncols, row
 * by row; NULL cells are empty). `widths` are fractions of the text width (sum 1).
 */
void edx_pdf_table(edx_pdf *d, int ncols, const char *const *head, const char *const *cells,
                   size_t nrows, const double *widths);
/*
 * Run `fn` with the process's Pango font map (a PangoFontMap *) under the one lock that
 * serialises every use of Pango and fontconfig in edudx (credentials, review reports,
 * dossiers). Returns what `fn` returns. Not to be called between open and close.
 */
int edx_pdf_fonts_run(int (*fn)(void *font_map, void *ctx), void *ctx);

/* Finish, append the PDF to `out`, free `d`. 0, or an error (nothing appended). */
int edx_pdf_close(edx_pdf *d, edx_err *err);

#endif
