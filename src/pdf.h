/* pdf.h: the pangocairo layer shared by the PDF back-ends (render_pdf.c,
 * pdf_checklist.c): fonts (IPAex明朝/ゴシック, Noto CJK as fallback), the glyph
 * coverage check, and a small page engine.
 *
 * A document is laid out first and drawn afterwards: every block of text is
 * shaped once into a PangoLayout, cut into lines and placed on pages as a
 * display list; only when the layout is complete (and so the page count N is
 * known) are the pages drawn, each with its chrome ("n / N"), into a PDF held
 * in memory. When the flow leaves a page, its text is copied out of the
 * layouts as the glyph runs pango would draw (glyphs, clusters, text: a
 * fraction of a layout's size) and the layouts placed in full are freed, so
 * memory grows with the glyphs of the document, not with its layouts; the
 * runs are drawn exactly as pango_cairo_show_layout_line would draw them.
 * Line breaking is pango's (UAX #14, which already keeps 、。）」 off a
 * line's start); pdf_text adds what UAX #14 lacks for Japanese (no break
 * before ～ in ranges such as 1～3). */
#ifndef CG_PDF_H
#define CG_PDF_H

#include <stddef.h>
#include <stdio.h>

#include <pango/pangocairo.h>

#include "err.h"

#define PDF_MM (72.0 / 25.4)

typedef enum { PDF_MINCHO = 0, PDF_GOTHIC, PDF_NFACES } pdf_face;

typedef struct pdf_env pdf_env;

/* Finds the fonts through fontconfig: IPAexMincho / IPAexGothic, else
 * Noto Serif CJK JP / Noto Sans CJK JP. Warnings (glyphs drawn from a
 * fallback font) go to `warn` (may be NULL), each once per env. Returns NULL
 * with a CG_ESYS error naming the fonts and packages when a face has none of
 * its fonts. Caller frees with pdf_env_free. */
pdf_env *pdf_env_new(FILE *warn, cg_err *err);
void pdf_env_free(pdf_env *e);

/* The fontconfig family of face `f` ("IPAexMincho"). Owned by `e`. */
const char *pdf_env_family(const pdf_env *e, pdf_face f);

/* Checks that every character of `text` can be drawn in face `f`. A
 * character missing from the face's font but present in a fallback font is
 * a warning `file:line:col: warning: WHAT: 'c' U+XXXX is not in FONT; drawn
 * from FONT2` (printed once); missing from every font it is a CG_EINPUT
 * error at file:line:col, and 0 is returned. `what` names the text
 * ("clause fk-1.2-1"). */
int pdf_check_text(pdf_env *e, pdf_face f, const char *text, const char *what,
                   const char *file, int line, int col, cg_err *err);

/* Number of warnings printed so far. */
int pdf_env_warnings(const pdf_env *e);

/* Document information; strings are copied. `date` is YYYY-MM-DD (the
 * creation and modification date; fixed, for byte-identical rebuilds). */
typedef struct {
	const char *title, *author, *subject, *creator, *date;
} pdf_meta;

typedef struct pdf_doc pdf_doc;

/* Called for every page when it is drawn, before its content: page chrome
 * (header, "n / N" footer). `page` counts from 1. */
typedef void (*pdf_chrome_fn)(pdf_doc *d, cairo_t *cr, int page, int npages, void *ud);

/* Called when the engine opens a page during layout (after the first):
 * e.g. to repeat a table's header row. */
typedef void (*pdf_page_fn)(pdf_doc *d, void *ud);

/* A new document of A4 pages with `margin_mm` on every side, in memory.
 * Borrows `e`, which must outlive it. pdf_doc_free frees it. */
pdf_doc *pdf_doc_new(pdf_env *e, const pdf_meta *meta, double margin_mm);
void pdf_doc_free(pdf_doc *d);

/* Opens a new page (portrait, or landscape when `landscape`). */
void pdf_page_new(pdf_doc *d, int landscape);
/* Sets the hook pdf_page_new calls for pages opened by the flow. */
void pdf_set_page_hook(pdf_doc *d, pdf_page_fn fn, void *ud);
/* Reserves `top` and `bottom` points of every page opened from now on for
 * chrome. */
void pdf_set_chrome_space(pdf_doc *d, double top, double bottom);

/* Geometry of the current page's text area, in points. */
double pdf_left(const pdf_doc *d);
double pdf_width(const pdf_doc *d);
double pdf_page_width(const pdf_doc *d);
double pdf_page_height(const pdf_doc *d);
double pdf_margin(const pdf_doc *d);
double pdf_y(const pdf_doc *d);
void pdf_set_y(pdf_doc *d, double y);
/* Room left on the current page below the cursor. */
double pdf_room(const pdf_doc *d);
/* Height of a whole text area (what one page can hold). */
double pdf_area_height(const pdf_doc *d);
int pdf_page_count(const pdf_doc *d);

/* A new layout of `text` (UTF-8) in face `f` at `size` points, wrapped at
 * `width` points (never overflowing: words longer than the width break
 * between characters), with line spacing `spacing` (1.0 = the font's) and
 * `indent` (negative: hanging indent). `attrs` (may be NULL) is merged in;
 * kinsoku attributes are added. The layout is owned by the document: once
 * every one of its lines has been placed, it is freed when the flow leaves
 * the page (pdf_page_new), unless pdf_keep was called; else with the
 * document. */
PangoLayout *pdf_text(pdf_doc *d, pdf_face f, double size, const char *text,
                      PangoAttrList *attrs, double width, double spacing, double indent,
                      PangoAlignment align);

/* Keeps a layout of `d` until `d` is freed: for a layout placed again after
 * all its lines were placed (the same cell on every row). */
void pdf_keep(pdf_doc *d, PangoLayout *l);

/* Width and height of a layout's logical extents, in points. */
double pdf_text_width(PangoLayout *l);
double pdf_text_height(PangoLayout *l);
/* Number of lines, and the height of lines [first, first+n). */
int pdf_text_lines(PangoLayout *l);
double pdf_lines_height(PangoLayout *l, int first, int n);

/* Places lines [first, first+n) of `l` with their top at (x, y) of the
 * current page. */
void pdf_put_lines(pdf_doc *d, PangoLayout *l, int first, int n, double x, double y);
/* Places a whole layout at (x, y). */
void pdf_put(pdf_doc *d, PangoLayout *l, double x, double y);
/* A line from (x0,y0) to (x1,y1) of width `w` points. */
void pdf_rule(pdf_doc *d, double x0, double y0, double x1, double y1, double w);
/* A rectangle outline. */
void pdf_box(pdf_doc *d, double x, double y, double w, double h, double lw);

/* Flows `l` at x (absolute) from the cursor downwards, opening pages as
 * needed; breaks only between lines and keeps at least two lines together
 * at a page's end or start. `space_before` is skipped unless at a page's top;
 * `keep_next` > 0 asks for that much room below the block (a heading that
 * must not end a page). Advances the cursor. */
void pdf_flow(pdf_doc *d, PangoLayout *l, double x, double space_before, double keep_next);

/* Draws rules placed one after another (pdf_rule; a table row's verticals
 * and its foot) as one stroke per line width where the first of them was,
 * instead of a stroke each. The page looks the same (each rule stays a
 * sub-path of its own, the text and its position in the content stream do
 * not change), but cairo's PDF surface analyses one operation per row
 * instead of one per rule, which on pages of table rows is much of the
 * time it spends. Set by the checklists; off by default (the PDF is then
 * byte for byte what it was). */
void pdf_gather_rules(pdf_doc *d);

/* A filled rectangle of grey level `gray` (0 black, 1 white). */
void pdf_fill(pdf_doc *d, double x, double y, double w, double h, double gray);

/* A ruled table: `ncols` columns of `widths` points starting at the text
 * area's left edge, a header row of `heads` (gothic, centred) repeated at
 * the top of every page the table continues on. Rows are never split
 * across pages unless a row is taller than a page; then its cells continue
 * line by line. The table borrows `d`; pdf_table_end frees it. */
typedef struct pdf_table pdf_table;
pdf_table *pdf_table_new(pdf_doc *d, int ncols, const double *widths, const char *const *heads,
                         double head_size, double pad);
/* Width available to the text of column `i` (its width less padding). */
double pdf_table_text_width(const pdf_table *t, int i);
/* A row of cells (NULL for an empty cell). */
void pdf_table_row(pdf_table *t, PangoLayout *const *cells);
/* A row spanning every column (a group heading, shaded), kept with the row
 * after it. */
void pdf_table_span(pdf_table *t, PangoLayout *cell);
void pdf_table_end(pdf_table *t);

/* An outline (bookmark) entry at the cursor: `level` 0 is the top. */
void pdf_outline(pdf_doc *d, int level, const char *title);

/* Draws every page (calling `chrome`, may be NULL), adds outline and
 * metadata and returns the PDF in *out (g_free) and *len. CG_ESYS when
 * cairo fails. */
int pdf_doc_finish(pdf_doc *d, pdf_chrome_fn chrome, void *ud, char **out, size_t *len,
                   cg_err *err);

/* Draws `text` in face `f` at (x, y) directly on `cr` (for page chrome)
 * aligned left, centre or right of x according to `align`. */
void pdf_draw_text(pdf_doc *d, cairo_t *cr, pdf_face f, double size, const char *text,
                   double x, double y, PangoAlignment align);

/* Width of `text` in face `f` at `size` points (one line). */
double pdf_measure(pdf_doc *d, pdf_face f, double size, const char *text);

/* Plain text of a Markdown body for a table cell: paragraphs on lines of
 * their own, list items opened with ・ (unless they open with their own
 * mark such as ①), soft breaks joined the Japanese way. Raw HTML is
 * dropped as the HTML back-end drops it. Returns a new string (g_free). */
char *pdf_md_plain(const char *md);

/* True when a list item's text opens with its own mark (①, ⑴, ㈠, (1),
 * （1）, ・, •), so no bullet goes before it. Not ア, イ …: a katakana letter
 * also begins ordinary words (アクセス), and 公用文 items so marked are
 * written as (ｱ) or as sections. */
int pdf_has_own_mark(const char *text);

/* Appends `next` to `buf` after a Markdown soft break: nothing between
 * Japanese characters, a space between Latin words. */
void pdf_join_soft(GString *buf, const char *next);

typedef struct cmark_node cmark_node;

/* The same at the soft break `brk` of a parsed body: the text after it is
 * the next node's, or for an emphasis, link or code span (no literal of
 * their own) their first text's ("wrap\n*across*" is "wrap across"). Both
 * PDF Markdown walkers (pdf_md_plain, render_pdf.c) join through here. */
void pdf_join_soft_break(GString *buf, cmark_node *brk);

/* "発注者 担当部署" for the PDF's author and the checklists' 発注者 cell:
 * both when given, else whichever is (a department alone used to give an
 * empty author). Returns a new string, "" for neither. */
char *pdf_orderer_line(const char *orderer, const char *department);

/* The fixed creation date: SOURCE_DATE_EPOCH's day when set, else `fallback`
 * (a contract's date) when given, else `today`. Returns a new string. */
char *pdf_date(const char *fallback, const char *today);

#endif
