/* pdf.c: fonts, glyph coverage, and the page engine behind the PDF
 * back-ends (see pdf.h). */
#include "pdf.h"

#include <cairo-pdf.h>
#include <cmark.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"
#include "util.h"

/* The fonts of each face in order of preference: Debian's IPAex fonts are
 * what Japanese offices print with; Noto CJK JP is the fallback and also
 * supplies the glyphs IPAex lacks (simplified forms such as 实). */
static const char *const face_families[PDF_NFACES][3] = {
	{ "IPAexMincho", "Noto Serif CJK JP", NULL },
	{ "IPAexGothic", "Noto Sans CJK JP", NULL },
};
/* Names a Japanese reader knows the fonts by, for messages. */
static const struct {
	const char *family, *shown;
} shown_names[] = {
	{ "IPAexMincho", "IPAex明朝" },
	{ "IPAexGothic", "IPAexゴシック" },
};

struct pdf_env {
	FILE *warn;
	PangoFontMap *fm;          /* pango's default cairo font map: not ours */
	PangoContext *ctx;         /* 72 dpi, unhinted: 1 pango point = 1 PDF point */
	PangoLanguage *lang;
	char *family[PDF_NFACES];  /* the face's chosen font */
	char *chain[PDF_NFACES];   /* "chosen,fallback": what layouts ask for */
	PangoFontDescription *desc[PDF_NFACES];
	PangoCoverage *cov[PDF_NFACES];
	PangoFontset *fs[PDF_NFACES];
	GHashTable *said;          /* warnings already printed */
	int nwarn;
};

static const char *shown(const char *family)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(shown_names); i++)
		if (g_ascii_strcasecmp(shown_names[i].family, family) == 0)
			return shown_names[i].shown;
	return family;
}

static int has_family(PangoFontFamily **fams, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (g_ascii_strcasecmp(pango_font_family_get_name(fams[i]), name) == 0)
			return 1;
	return 0;
}

pdf_env *pdf_env_new(FILE *warn, cg_err *err)
{
	pdf_env *e = g_new0(pdf_env, 1);
	PangoFontFamily **fams = NULL;
	cairo_font_options_t *fo;
	int nfams = 0, f, i;

	e->warn = warn;
	e->said = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	e->fm = pango_cairo_font_map_get_default();
	e->ctx = pango_font_map_create_context(e->fm);
	pango_cairo_context_set_resolution(e->ctx, 72.0);
	/* PDF is resolution independent: hinted metrics would make line
	 * lengths depend on a pixel grid that does not exist. */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(e->ctx, fo);
	cairo_font_options_destroy(fo);
	e->lang = pango_language_from_string("ja");
	pango_context_set_language(e->ctx, e->lang);
	pango_font_map_list_families(e->fm, &fams, &nfams);
	for (f = 0; f < PDF_NFACES; f++) {
		GString *chain = g_string_new(NULL);
		for (i = 0; face_families[f][i] != NULL; i++)
			if (has_family(fams, nfams, face_families[f][i])) {
				if (e->family[f] == NULL)
					e->family[f] = g_strdup(face_families[f][i]);
				if (chain->len)
					g_string_append_c(chain, ',');
				g_string_append(chain, face_families[f][i]);
			}
		e->chain[f] = g_string_free(chain, FALSE);
		if (e->family[f] == NULL) {
			cg_err_set(err, CG_ESYS, NULL, 0, 0,
			           "no %s font for the PDFs: install %s or %s (Debian packages "
			           "fonts-ipaexfont-mincho fonts-ipaexfont-gothic, or fonts-noto-cjk)",
			           f == PDF_MINCHO ? "明朝 (serif)" : "ゴシック (sans-serif)",
			           face_families[f][0], face_families[f][1]);
			g_free(fams);
			pdf_env_free(e);
			return NULL;
		}
		e->desc[f] = pango_font_description_from_string(e->chain[f]);
		pango_font_description_set_family(e->desc[f], e->chain[f]);
		pango_font_description_set_size(e->desc[f], 10 * PANGO_SCALE);
		{
			PangoFontDescription *one = pango_font_description_copy(e->desc[f]);
			PangoFont *font;
			pango_font_description_set_family(one, e->family[f]);
			font = pango_font_map_load_font(e->fm, e->ctx, one);
			if (font != NULL) {
				e->cov[f] = pango_font_get_coverage(font, e->lang);
				g_object_unref(font);
			}
			pango_font_description_free(one);
		}
		e->fs[f] = pango_font_map_load_fontset(e->fm, e->ctx, e->desc[f], e->lang);
	}
	g_free(fams);
	return e;
}

void pdf_env_free(pdf_env *e)
{
	int f;

	if (e == NULL)
		return;
	for (f = 0; f < PDF_NFACES; f++) {
		g_free(e->family[f]);
		g_free(e->chain[f]);
		if (e->desc[f])
			pango_font_description_free(e->desc[f]);
		if (e->cov[f])
			pango_coverage_unref(e->cov[f]);
		if (e->fs[f])
			g_object_unref(e->fs[f]);
	}
	if (e->ctx)
		g_object_unref(e->ctx);
	g_hash_table_destroy(e->said);
	g_free(e);
}

const char *pdf_env_family(const pdf_env *e, pdf_face f)
{
	return e->family[f];
}

int pdf_env_warnings(const pdf_env *e)
{
	return e->nwarn;
}

/* Characters no font draws: controls, format characters and zero-width
 * marks are shaped away by pango, never looked up. */
static int needs_glyph(gunichar c)
{
	if (c < 0x20 || (c >= 0x7f && c < 0xa0))
		return 0;
	if (g_unichar_iszerowidth(c) || g_unichar_type(c) == G_UNICODE_FORMAT)
		return 0;
	return 1;
}

int pdf_check_text(pdf_env *e, pdf_face f, const char *text, const char *what,
                   const char *file, int line, int col, cg_err *err)
{
	const char *p;

	if (text == NULL)
		return 1;
	for (p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		PangoFont *font;
		PangoCoverage *cov;
		PangoCoverageLevel lv = PANGO_COVERAGE_NONE;
		char ch[8] = { 0 };
		char *key;

		if (!needs_glyph(c) || (e->cov[f] && pango_coverage_get(e->cov[f], (int)c) != PANGO_COVERAGE_NONE))
			continue;
		g_unichar_to_utf8(c, ch);
		/* The font pango itself falls back to for this character. */
		font = e->fs[f] ? pango_fontset_get_font(e->fs[f], c) : NULL;
		if (font != NULL) {
			cov = pango_font_get_coverage(font, e->lang);
			lv = pango_coverage_get(cov, (int)c);
			pango_coverage_unref(cov);
		}
		if (lv == PANGO_COVERAGE_NONE) {
			if (font)
				g_object_unref(font);
			cg_err_set(err, CG_EINPUT, file, line, col,
			           "%s: '%s' U+%04X is in none of the fonts (%s); a printed document "
			           "would lose it", what, ch, (unsigned)c, e->chain[f]);
			return 0;
		}
		{
			PangoFontDescription *d = pango_font_describe(font);
			const char *fam = pango_font_description_get_family(d);
			key = g_strdup_printf("%s:%d:%d: warning: %s: '%s' U+%04X is not in %s; drawn from %s",
			                      file ? file : "clausegen", line, col, what, ch, (unsigned)c,
			                      shown(e->family[f]), fam ? fam : "a fallback font");
			pango_font_description_free(d);
			g_object_unref(font);
		}
		if (g_hash_table_add(e->said, key)) {
			e->nwarn++;
			if (e->warn)
				fprintf(e->warn, "%s\n", key);
		}
	}
	return 1;
}

/* ---- the page engine ---- */

enum { IT_LINES, IT_RULE, IT_BOX, IT_FILL };

typedef struct {
	int kind;
	PangoLayout *l;
	int first, n;
	double x, y, x1, y1, w;
} item;

/* A glyph as pango's cairo renderer positions it: x is the run's advance
 * so far plus the glyph's offset, y its vertical offset (pango units). */
typedef struct {
	guint32 index;
	gint32 x, y;
} cg_glyph;

enum { OP_LINE = 16, OP_RUN };

/* A sealed page's drawing: IT_RULE, IT_BOX, IT_FILL as laid out; text as
 * OP_LINE (where pango_cairo_show_layout_line would start the line) followed
 * by one OP_RUN per run (what pango's cairo renderer would pass to
 * cairo_show_text_glyphs); IT_LINES only for a line pango must draw itself
 * (its layout is then kept). */
typedef struct {
	int kind;
	union {
		item it;
		struct {
			double x, y;
		} line;
		struct {
			cairo_scaled_font_t *sf;
			int x, y, backward;
			guint text, ntext, glyphs, nglyphs, clusters, nclusters;
		} run;
	} u;
} op;

/* A page: its display list while it is laid out. Once the flow has left
 * it, the list is turned into ops (text as the glyphs pango would draw,
 * copied out of the layouts) and the layouts whose every line is placed
 * are freed: a long document no longer holds every layout until it is
 * drawn. pdf_doc_finish draws the ops, which gives the same PDF as drawing
 * the layouts. */
typedef struct {
	double w, h;
	GArray *items;
	op *ops;
	guint nops;
	char *text;
	cg_glyph *glyphs;
	cairo_text_cluster_t *clusters;
} page;

static void page_free_ops(page *p)
{
	guint i;

	for (i = 0; i < p->nops; i++)
		if (p->ops[i].kind == OP_RUN)
			cairo_scaled_font_destroy(p->ops[i].u.run.sf);
	g_free(p->ops);
	g_free(p->text);
	g_free(p->glyphs);
	g_free(p->clusters);
	p->ops = NULL;
	p->nops = 0;
	p->text = NULL;
	p->glyphs = NULL;
	p->clusters = NULL;
}

typedef struct {
	int level, page;
	double y;
	char *title;
} outline_entry;

typedef struct {
	double top, bot, base, x;
} line_info;

/* What the engine keeps on each layout: its line boxes (computed once,
 * n < 0 until then), how many of its lines have been placed (the end of the
 * furthest range), and whether it is kept until the document is freed
 * (placed again later: a table's header row). */
typedef struct {
	line_info *li;
	int n;
	int placed;
	int keep;
} lines_data;

struct pdf_doc {
	pdf_env *env;
	char *title, *author, *subject, *creator, *date;
	double margin, chrome_top, chrome_bottom;
	GPtrArray *pages;
	page *cur;
	int landscape;
	double y;
	GPtrArray *layouts;        /* every layout not yet freed: owned */
	PangoRenderer *capture;    /* turns layout lines into ops */
	GArray *s_ops, *s_glyphs, *s_clusters; /* scratch of the page being sealed */
	GByteArray *s_text;
	int s_fail;                /* the line cannot be captured */
	int gather_rules;          /* pdf_gather_rules */
	GArray *outline;
	pdf_page_fn hook;
	void *hook_ud;
	int in_hook;
	PangoLayout *chrome[PDF_NFACES]; /* reused for every page's chrome */
};

/* ---- capturing what pango would draw ----
 *
 * A PangoRenderer whose base class walks a layout line exactly as for
 * pango_cairo_show_layout_line (runs, their offsets) and hands each run to
 * draw_glyph_item; this one records what pango's cairo renderer (pango
 * 1.50, pangocairo-render.c) would pass to cairo_show_text_glyphs: the
 * run's text, its clusters, and the glyphs with their positions before the
 * line's origin is added. Anything else that renderer would draw (colours,
 * underlines, shapes, hex boxes) is not captured: the line is then drawn by
 * pango itself from its layout, which is kept. */
typedef struct {
	PangoRenderer parent;
	pdf_doc *d;
} CgCapture;

typedef struct {
	PangoRendererClass parent_class;
} CgCaptureClass;

static GType cg_capture_get_type(void);
G_DEFINE_TYPE(CgCapture, cg_capture, PANGO_TYPE_RENDERER)

static void capture_fail(PangoRenderer *r)
{
	((CgCapture *)r)->d->s_fail = 1;
}

static void capture_glyph_item(PangoRenderer *r, const char *text, PangoGlyphItem *gitem, int x,
                               int y)
{
	pdf_doc *d = ((CgCapture *)r)->d;
	PangoItem *pi = gitem->item;
	PangoGlyphString *gs = gitem->glyphs;
	cairo_scaled_font_t *sf;
	PangoGlyphItemIter iter;
	op o;
	int i, xpos = 0;

	if (d->s_fail)
		return;
	if (text == NULL || pi->analysis.font == NULL ||
	    pango_renderer_get_color(r, PANGO_RENDER_PART_FOREGROUND) != NULL ||
	    pango_renderer_get_alpha(r, PANGO_RENDER_PART_FOREGROUND) != 0) {
		d->s_fail = 1;
		return;
	}
	sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(pi->analysis.font));
	if (sf == NULL || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS) {
		d->s_fail = 1;
		return;
	}
	memset(&o, 0, sizeof o);
	o.kind = OP_RUN;
	o.u.run.x = x;
	o.u.run.y = y;
	o.u.run.backward = (pi->analysis.level & 1) != 0;
	o.u.run.glyphs = d->s_glyphs->len;
	for (i = 0; i < gs->num_glyphs; i++) {
		const PangoGlyphInfo *gi = &gs->glyphs[i];
		if (gi->glyph != PANGO_GLYPH_EMPTY) {
			if (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG) {
				/* pango draws no hex box for an unknown space;
				 * any other is a box: pango's to draw. */
				if (gi->glyph != (0x20 | PANGO_GLYPH_UNKNOWN_FLAG)) {
					d->s_fail = 1;
					return;
				}
			} else {
				cg_glyph g;
				g.index = gi->glyph;
				g.x = xpos + gi->geometry.x_offset;
				g.y = gi->geometry.y_offset;
				g_array_append_val(d->s_glyphs, g);
			}
		}
		xpos += gi->geometry.width;
	}
	o.u.run.nglyphs = d->s_glyphs->len - o.u.run.glyphs;
	o.u.run.clusters = d->s_clusters->len;
	if (pango_glyph_item_iter_init_start(&iter, gitem, text)) {
		do {
			cairo_text_cluster_t c;
			int n = o.u.run.backward ? iter.start_glyph - iter.end_glyph
			                         : iter.end_glyph - iter.start_glyph;
			for (i = MIN(iter.start_glyph, iter.end_glyph + 1);
			     i < MAX(iter.start_glyph + 1, iter.end_glyph); i++) {
				const PangoGlyphInfo *gi = &gs->glyphs[i];
				if (gi->glyph == PANGO_GLYPH_EMPTY || (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG))
					n--;
			}
			c.num_bytes = iter.end_index - iter.start_index;
			c.num_glyphs = n;
			g_array_append_val(d->s_clusters, c);
		} while (pango_glyph_item_iter_next_cluster(&iter));
	}
	o.u.run.nclusters = d->s_clusters->len - o.u.run.clusters;
	o.u.run.text = d->s_text->len;
	o.u.run.ntext = (guint)pi->length;
	g_byte_array_append(d->s_text, (const guint8 *)text + pi->offset, (guint)pi->length);
	o.u.run.sf = cairo_scaled_font_reference(sf);
	g_array_append_val(d->s_ops, o);
}

static void capture_glyphs(PangoRenderer *r, PangoFont *f, PangoGlyphString *g, int x, int y)
{
	(void)f;
	(void)g;
	(void)x;
	(void)y;
	capture_fail(r);
}

static void capture_rectangle(PangoRenderer *r, PangoRenderPart part, int x, int y, int w, int h)
{
	(void)part;
	(void)x;
	(void)y;
	(void)w;
	(void)h;
	capture_fail(r);
}

static void capture_error_underline(PangoRenderer *r, int x, int y, int w, int h)
{
	(void)x;
	(void)y;
	(void)w;
	(void)h;
	capture_fail(r);
}

static void capture_shape(PangoRenderer *r, PangoAttrShape *a, int x, int y)
{
	(void)a;
	(void)x;
	(void)y;
	capture_fail(r);
}

static void capture_trapezoid(PangoRenderer *r, PangoRenderPart part, double y1, double x11,
                              double x21, double y2, double x12, double x22)
{
	(void)part;
	(void)y1;
	(void)x11;
	(void)x21;
	(void)y2;
	(void)x12;
	(void)x22;
	capture_fail(r);
}

static void cg_capture_class_init(CgCaptureClass *k)
{
	PangoRendererClass *rk = PANGO_RENDERER_CLASS(k);

	rk->draw_glyph_item = capture_glyph_item;
	rk->draw_glyphs = capture_glyphs;
	rk->draw_rectangle = capture_rectangle;
	rk->draw_error_underline = capture_error_underline;
	rk->draw_shape = capture_shape;
	rk->draw_trapezoid = capture_trapezoid;
}

static void cg_capture_init(CgCapture *c)
{
	(void)c;
}

pdf_doc *pdf_doc_new(pdf_env *e, const pdf_meta *meta, double margin_mm)
{
	pdf_doc *d = g_new0(pdf_doc, 1);

	d->env = e;
	d->title = g_strdup(meta->title);
	d->author = g_strdup(meta->author);
	d->subject = g_strdup(meta->subject);
	d->creator = g_strdup(meta->creator);
	d->date = g_strdup(meta->date);
	d->margin = margin_mm * PDF_MM;
	d->pages = g_ptr_array_new();
	d->layouts = g_ptr_array_new_with_free_func(g_object_unref);
	d->outline = g_array_new(FALSE, TRUE, sizeof(outline_entry));
	d->capture = g_object_new(cg_capture_get_type(), NULL);
	((CgCapture *)d->capture)->d = d;
	d->s_ops = g_array_new(FALSE, FALSE, sizeof(op));
	d->s_glyphs = g_array_new(FALSE, FALSE, sizeof(cg_glyph));
	d->s_clusters = g_array_new(FALSE, FALSE, sizeof(cairo_text_cluster_t));
	d->s_text = g_byte_array_new();
	return d;
}

void pdf_doc_free(pdf_doc *d)
{
	guint i;
	int f;

	if (d == NULL)
		return;
	for (i = 0; i < d->pages->len; i++) {
		page *p = g_ptr_array_index(d->pages, i);
		if (p->items)
			g_array_free(p->items, TRUE);
		page_free_ops(p);
		g_free(p);
	}
	g_ptr_array_free(d->pages, TRUE);
	g_ptr_array_free(d->layouts, TRUE);
	g_object_unref(d->capture);
	g_array_free(d->s_ops, TRUE);
	g_array_free(d->s_glyphs, TRUE);
	g_array_free(d->s_clusters, TRUE);
	g_byte_array_free(d->s_text, TRUE);
	for (i = 0; i < d->outline->len; i++)
		g_free(g_array_index(d->outline, outline_entry, i).title);
	g_array_free(d->outline, TRUE);
	for (f = 0; f < PDF_NFACES; f++)
		if (d->chrome[f])
			g_object_unref(d->chrome[f]);
	g_free(d->title);
	g_free(d->author);
	g_free(d->subject);
	g_free(d->creator);
	g_free(d->date);
	g_free(d);
}

static double top_of(const pdf_doc *d)
{
	return d->margin + d->chrome_top;
}

static double bottom_of(const pdf_doc *d)
{
	return d->cur->h - d->margin - d->chrome_bottom;
}

static void seal(pdf_doc *d);

void pdf_page_new(pdf_doc *d, int landscape)
{
	page *p = g_new0(page, 1);

	seal(d);
	p->w = landscape ? 297 * PDF_MM : 210 * PDF_MM;
	p->h = landscape ? 210 * PDF_MM : 297 * PDF_MM;
	p->items = g_array_new(FALSE, TRUE, sizeof(item));
	g_ptr_array_add(d->pages, p);
	d->cur = p;
	d->landscape = landscape;
	d->y = top_of(d);
}

/* A page the flow needs: same orientation, then the hook (table headers). */
static void next_page(pdf_doc *d)
{
	pdf_page_new(d, d->landscape);
	if (d->hook && !d->in_hook) {
		d->in_hook = 1;
		d->hook(d, d->hook_ud);
		d->in_hook = 0;
	}
}

void pdf_set_page_hook(pdf_doc *d, pdf_page_fn fn, void *ud)
{
	d->hook = fn;
	d->hook_ud = ud;
}

void pdf_set_chrome_space(pdf_doc *d, double top, double bottom)
{
	d->chrome_top = top;
	d->chrome_bottom = bottom;
}

double pdf_left(const pdf_doc *d) { return d->margin; }
double pdf_width(const pdf_doc *d) { return d->cur->w - 2 * d->margin; }
double pdf_page_width(const pdf_doc *d) { return d->cur->w; }
double pdf_page_height(const pdf_doc *d) { return d->cur->h; }
double pdf_margin(const pdf_doc *d) { return d->margin; }
double pdf_y(const pdf_doc *d) { return d->y; }
void pdf_set_y(pdf_doc *d, double y) { d->y = y; }
double pdf_room(const pdf_doc *d) { return bottom_of(d) - d->y; }
double pdf_area_height(const pdf_doc *d) { return bottom_of(d) - top_of(d); }
int pdf_page_count(const pdf_doc *d) { return (int)d->pages->len; }

/* ～ (U+FF5E) is an ideograph to UAX #14, so pango would break a range
 * such as 1～3 before it; the wave dash 〜 and the two-dot leader are kept
 * to their neighbours the same way. 、。）」 need nothing: they are class
 * CL/CP, never at a line's start. */
static int joins_prev(gunichar c)
{
	return c == 0xFF5E || c == 0x301C || c == 0x2025 || c == 0x2026;
}

static void add_kinsoku(PangoAttrList *al, const char *text)
{
	const char *p, *prev = NULL;

	for (p = text; *p; prev = p, p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (prev != NULL && joins_prev(c)) {
			PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
			a->start_index = (guint)(prev - text);
			a->end_index = (guint)(g_utf8_next_char(p) - text);
			pango_attr_list_insert(al, a);
		}
	}
}

static void lines_data_free(gpointer p)
{
	lines_data *ld = p;

	g_free(ld->li);
	g_free(ld);
}

/* The engine's data on a layout, attached when first asked for. */
static lines_data *data_of(PangoLayout *l)
{
	static GQuark q;
	lines_data *ld;

	if (q == 0)
		q = g_quark_from_static_string("cg-lines");
	ld = g_object_get_qdata(G_OBJECT(l), q);
	if (ld == NULL) {
		ld = g_new0(lines_data, 1);
		ld->n = -1;
		g_object_set_qdata_full(G_OBJECT(l), q, ld, lines_data_free);
	}
	return ld;
}

PangoLayout *pdf_text(pdf_doc *d, pdf_face f, double size, const char *text,
                      PangoAttrList *attrs, double width, double spacing, double indent,
                      PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(d->env->ctx);
	PangoFontDescription *desc = pango_font_description_copy(d->env->desc[f]);
	PangoAttrList *al = attrs ? pango_attr_list_copy(attrs) : pango_attr_list_new();

	pango_font_description_set_size(desc, (gint)(size * PANGO_SCALE + 0.5));
	pango_layout_set_font_description(l, desc);
	pango_font_description_free(desc);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	if (spacing > 0)
		pango_layout_set_line_spacing(l, (float)spacing);
	pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text, -1);
	add_kinsoku(al, text);
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	data_of(l);
	g_ptr_array_add(d->layouts, l);
	return l;
}

void pdf_gather_rules(pdf_doc *d)
{
	d->gather_rules = 1;
}

void pdf_keep(pdf_doc *d, PangoLayout *l)
{
	(void)d;
	data_of(l)->keep = 1;
}

/* Line boxes of a layout, computed once and kept on it. */
static const lines_data *lines_of(PangoLayout *l)
{
	lines_data *ld = data_of(l);
	PangoLayoutIter *it;
	int i = 0;

	if (ld->n >= 0)
		return ld;
	ld->n = pango_layout_get_line_count(l);
	ld->li = g_new0(line_info, ld->n ? ld->n : 1);
	it = pango_layout_get_iter(l);
	do {
		int y0, y1;
		PangoRectangle log;
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		pango_layout_iter_get_line_extents(it, NULL, &log);
		ld->li[i].top = (double)y0 / PANGO_SCALE;
		ld->li[i].bot = (double)y1 / PANGO_SCALE;
		ld->li[i].base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		ld->li[i].x = (double)log.x / PANGO_SCALE;
		i++;
	} while (i < ld->n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	return ld;
}

double pdf_text_width(PangoLayout *l)
{
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	return (double)log.width / PANGO_SCALE;
}

double pdf_text_height(PangoLayout *l)
{
	const lines_data *ld = lines_of(l);

	return ld->n ? ld->li[ld->n - 1].bot - ld->li[0].top : 0;
}

int pdf_text_lines(PangoLayout *l)
{
	return lines_of(l)->n;
}

double pdf_lines_height(PangoLayout *l, int first, int n)
{
	const lines_data *ld = lines_of(l);

	if (n <= 0 || first >= ld->n)
		return 0;
	if (first + n > ld->n)
		n = ld->n - first;
	return ld->li[first + n - 1].bot - ld->li[first].top;
}

void pdf_put_lines(pdf_doc *d, PangoLayout *l, int first, int n, double x, double y)
{
	item it = { IT_LINES, l, first, n, x, y, 0, 0, 0 };
	lines_data *ld = data_of(l);

	if (n > 0) {
		g_array_append_val(d->cur->items, it);
		if (first + n > ld->placed)
			ld->placed = first + n;
	}
}

void pdf_put(pdf_doc *d, PangoLayout *l, double x, double y)
{
	pdf_put_lines(d, l, 0, pdf_text_lines(l), x, y);
}

void pdf_rule(pdf_doc *d, double x0, double y0, double x1, double y1, double w)
{
	item it = { IT_RULE, NULL, 0, 0, x0, y0, x1, y1, w };

	g_array_append_val(d->cur->items, it);
}

void pdf_box(pdf_doc *d, double x, double y, double w, double h, double lw)
{
	item it = { IT_BOX, NULL, 0, 0, x, y, w, h, lw };

	g_array_append_val(d->cur->items, it);
}

void pdf_fill(pdf_doc *d, double x, double y, double w, double h, double gray)
{
	item it = { IT_FILL, NULL, 0, 0, x, y, w, h, gray };

	/* Fills go under what is already on the page (a shaded cell behind
	 * its text). */
	g_array_prepend_val(d->cur->items, it);
}

/* ---- tables ---- */

#define RULE_W 0.5

struct pdf_table {
	pdf_doc *d;
	int ncols;
	double *w, *xs;          /* widths; left edge of each column */
	PangoLayout **head;
	double head_h, pad, total_w;
	pdf_page_fn old_hook;
	void *old_ud;
};

static double row_height(const pdf_table *t, PangoLayout *const *cells, int n)
{
	double h = 0;
	int i;

	for (i = 0; i < n; i++)
		if (cells[i] && pdf_text_height(cells[i]) > h)
			h = pdf_text_height(cells[i]);
	return h + 2 * t->pad;
}

static void verticals(pdf_table *t, double y0, double y1, int all)
{
	int i;

	for (i = 0; i <= t->ncols; i++)
		if (all || i == 0 || i == t->ncols)
			pdf_rule(t->d, t->xs[i], y0, t->xs[i], y1, RULE_W);
}

static void draw_head(pdf_table *t)
{
	pdf_doc *d = t->d;
	double y = d->y;
	int i;

	pdf_fill(d, t->xs[0], y, t->total_w, t->head_h, 0.88);
	pdf_rule(d, t->xs[0], y, t->xs[t->ncols], y, RULE_W);
	for (i = 0; i < t->ncols; i++)
		if (t->head[i])
			pdf_put(d, t->head[i], t->xs[i] + t->pad,
			        y + (t->head_h - pdf_text_height(t->head[i])) / 2);
	verticals(t, y, y + t->head_h, 1);
	pdf_rule(d, t->xs[0], y + t->head_h, t->xs[t->ncols], y + t->head_h, RULE_W);
	d->y = y + t->head_h;
}

static void table_page(pdf_doc *d, void *ud)
{
	(void)d;
	draw_head(ud);
}

pdf_table *pdf_table_new(pdf_doc *d, int ncols, const double *widths, const char *const *heads,
                         double head_size, double pad)
{
	pdf_table *t = g_new0(pdf_table, 1);
	int i;

	t->d = d;
	t->ncols = ncols;
	t->pad = pad;
	t->w = g_new0(double, ncols);
	t->xs = g_new0(double, ncols + 1);
	t->head = g_new0(PangoLayout *, ncols);
	t->xs[0] = pdf_left(d);
	for (i = 0; i < ncols; i++) {
		t->w[i] = widths[i];
		t->xs[i + 1] = t->xs[i] + widths[i];
		if (heads && heads[i]) {
			t->head[i] = pdf_text(d, PDF_GOTHIC, head_size, heads[i], NULL,
			                      widths[i] - 2 * pad, 1.0, 0, PANGO_ALIGN_CENTER);
			pdf_keep(d, t->head[i]); /* repeated on every page */
		}
	}
	t->total_w = t->xs[ncols] - t->xs[0];
	t->head_h = row_height(t, t->head, ncols);
	/* The header and at least a little of the first row on one page. */
	if (pdf_room(d) < t->head_h + 3 * head_size)
		next_page(d);
	draw_head(t);
	t->old_hook = d->hook;
	t->old_ud = d->hook_ud;
	pdf_set_page_hook(d, table_page, t);
	return t;
}

double pdf_table_text_width(const pdf_table *t, int i)
{
	return t->w[i] - 2 * t->pad;
}

void pdf_table_row(pdf_table *t, PangoLayout *const *cells)
{
	pdf_doc *d = t->d;
	double h = row_height(t, cells, t->ncols);
	const double eps = 0.01;
	int *done, i, left;

	if (h > pdf_room(d) + eps && h <= pdf_area_height(d) - t->head_h + eps)
		next_page(d);
	if (h <= pdf_room(d) + eps) {
		for (i = 0; i < t->ncols; i++)
			if (cells[i])
				pdf_put(d, cells[i], t->xs[i] + t->pad, d->y + t->pad);
		verticals(t, d->y, d->y + h, 1);
		pdf_rule(d, t->xs[0], d->y + h, t->xs[t->ncols], d->y + h, RULE_W);
		d->y += h;
		return;
	}
	/* Taller than a page: every cell continues line by line. A cell
	 * whose lines are all placed is not looked at again: the page it
	 * ended on may be drawn and the layout freed. */
	done = g_new0(int, 2 * t->ncols);
	for (i = 0; i < t->ncols; i++)
		done[t->ncols + i] = cells[i] ? pdf_text_lines(cells[i]) : 0;
	do {
		double room = pdf_room(d) - 2 * t->pad + eps, used = 0;
		int any = 0;
		left = 0;
		for (i = 0; i < t->ncols; i++) {
			const lines_data *ld;
			int k = 0;
			if (cells[i] == NULL || done[i] >= done[t->ncols + i])
				continue;
			ld = lines_of(cells[i]);
			while (done[i] + k < ld->n &&
			       ld->li[done[i] + k].bot - ld->li[done[i]].top <= room)
				k++;
			if (k == 0 && done[i] < ld->n && d->y <= top_of(d) + t->head_h + eps)
				k = 1;
			if (k > 0) {
				pdf_put_lines(d, cells[i], done[i], k, t->xs[i] + t->pad, d->y + t->pad);
				if (pdf_lines_height(cells[i], done[i], k) > used)
					used = pdf_lines_height(cells[i], done[i], k);
				done[i] += k;
				any = 1;
			}
			if (done[i] < ld->n)
				left = 1;
		}
		if (!any) {
			/* Not one line fits at this page's foot: the row starts on
			 * the next page, instead of leaving an empty piece of row
			 * (its rules and nothing in it) here. */
			next_page(d);
			continue;
		}
		if (left)
			used = pdf_room(d) - 2 * t->pad;
		verticals(t, d->y, d->y + used + 2 * t->pad, 1);
		pdf_rule(d, t->xs[0], d->y + used + 2 * t->pad, t->xs[t->ncols],
		         d->y + used + 2 * t->pad, left ? 0.25 : RULE_W);
		d->y += used + 2 * t->pad;
		if (left)
			next_page(d);
	} while (left);
	g_free(done);
}

void pdf_table_span(pdf_table *t, PangoLayout *cell)
{
	pdf_doc *d = t->d;
	double h = pdf_text_height(cell) + 2 * t->pad;

	/* A group heading never ends a page: keep room for a row under it. */
	if (h + 4 * t->pad + 30 > pdf_room(d))
		next_page(d);
	pdf_fill(d, t->xs[0], d->y, t->total_w, h, 0.95);
	pdf_put(d, cell, t->xs[0] + t->pad, d->y + t->pad);
	verticals(t, d->y, d->y + h, 0);
	pdf_rule(d, t->xs[0], d->y + h, t->xs[t->ncols], d->y + h, RULE_W);
	d->y += h;
}

void pdf_table_end(pdf_table *t)
{
	int i;

	if (t == NULL)
		return;
	/* The header row is placed no more: freed with the page it is on. */
	for (i = 0; i < t->ncols; i++)
		if (t->head[i])
			data_of(t->head[i])->keep = 0;
	pdf_set_page_hook(t->d, t->old_hook, t->old_ud);
	g_free(t->w);
	g_free(t->xs);
	g_free(t->head);
	g_free(t);
}

void pdf_flow(pdf_doc *d, PangoLayout *l, double x, double space_before, double keep_next)
{
	const lines_data *ld = lines_of(l);
	int i = 0, n = ld->n;
	double total = pdf_text_height(l);
	const double eps = 0.01;

	if (d->y > top_of(d) + eps)
		d->y += space_before;
	if (total + keep_next > pdf_room(d) + eps && total + keep_next <= pdf_area_height(d) &&
	    d->y > top_of(d) + eps)
		next_page(d);
	while (i < n) {
		double room = pdf_room(d) + eps;
		int k = 0, at_top = d->y <= top_of(d) + eps;
		while (i + k < n && ld->li[i + k].bot - ld->li[i].top <= room)
			k++;
		if (k < n - i) {
			/* No single line at a page's foot or head (orphans and
			 * widows), unless the page would hold nothing else. */
			if (k < 2 && !at_top) {
				next_page(d);
				continue;
			}
			if (n - i - k < 2 && k > 2)
				k -= 2 - (n - i - k);
			if (k == 0)
				k = 1; /* one line taller than a page: print it anyway */
		}
		pdf_put_lines(d, l, i, k, x, d->y);
		d->y += ld->li[i + k - 1].bot - ld->li[i].top;
		i += k;
		if (i < n)
			next_page(d);
	}
}

void pdf_outline(pdf_doc *d, int level, const char *title)
{
	outline_entry o;

	o.level = level;
	o.page = (int)d->pages->len;
	o.y = d->y;
	o.title = g_strdup(title);
	g_array_append_val(d->outline, o);
}

void pdf_draw_text(pdf_doc *d, cairo_t *cr, pdf_face f, double size, const char *text,
                   double x, double y, PangoAlignment align)
{
	/* pdf_measure leaves the text laid out in d->chrome[f]. */
	double w = pdf_measure(d, f, size, text);

	if (align == PANGO_ALIGN_CENTER)
		x -= w / 2;
	else if (align == PANGO_ALIGN_RIGHT)
		x -= w;
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, d->chrome[f]);
}

double pdf_measure(pdf_doc *d, pdf_face f, double size, const char *text)
{
	PangoFontDescription *desc;

	if (d->chrome[f] == NULL)
		d->chrome[f] = pango_layout_new(d->env->ctx);
	desc = pango_font_description_copy(d->env->desc[f]);
	pango_font_description_set_size(desc, (gint)(size * PANGO_SCALE + 0.5));
	pango_layout_set_font_description(d->chrome[f], desc);
	pango_font_description_free(desc);
	pango_layout_set_text(d->chrome[f], text, -1);
	return pdf_text_width(d->chrome[f]);
}

int pdf_has_own_mark(const char *text)
{
	gunichar c;

	if (text == NULL || *text == '\0')
		return 0;
	c = g_utf8_get_char(text);
	/* ①… ㉑… ⑴… ㈠, (1) （1）, ・ */
	return (c >= 0x2460 && c <= 0x24FF) || (c >= 0x3251 && c <= 0x325F) ||
	       (c >= 0x32B1 && c <= 0x32BF) || (c >= 0x3220 && c <= 0x3243) || c == '(' ||
	       c == 0xFF08 || c == 0x30FB || c == 0x2022;
}

void pdf_join_soft(GString *buf, const char *next)
{
	gunichar a, b;

	if (buf->len == 0 || next == NULL || *next == '\0')
		return;
	a = g_utf8_get_char(g_utf8_prev_char(buf->str + buf->len));
	b = g_utf8_get_char(next);
	/* A line break inside a Japanese sentence is no space; between Latin
	 * words it is. */
	if (a < 0x3000 && b < 0x3000 && !g_unichar_isspace(a))
		g_string_append_c(buf, ' ');
}

void pdf_join_soft_break(GString *buf, cmark_node *brk)
{
	cmark_node *n = cmark_node_next(brk);

	/* Asking the next node itself gave NULL for an emphasis, and
	 * "wrap\n*across*" came out as "wrapacross". */
	while (n != NULL && cmark_node_get_literal(n) == NULL)
		n = cmark_node_first_child(n);
	pdf_join_soft(buf, n ? cmark_node_get_literal(n) : NULL);
}

char *pdf_md_plain(const char *md)
{
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	GString *o = g_string_new(NULL);
	/* The item count of each open list, outermost first: a single counter
	 * restarted the outer list at 1 after a nested one (1. 2. … 1. where
	 * the source numbers 1. 2. … 2.). */
	int items[16] = { 0 }, depth = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
			if (ev == CMARK_EVENT_ENTER) {
				cmark_node *p = cmark_node_parent(n);
				if (o->len)
					g_string_append_c(o, '\n');
				if (p && cmark_node_get_type(p) == CMARK_NODE_ITEM &&
				    cmark_node_first_child(p) == n) {
					cmark_node *t = cmark_node_first_child(n);
					const char *lit = t ? cmark_node_get_literal(t) : NULL;
					if (cmark_node_get_list_type(cmark_node_parent(p)) == CMARK_ORDERED_LIST)
						g_string_append_printf(o, "%d. ", ++items[MIN(depth, 16) - 1]);
					else if (!pdf_has_own_mark(lit))
						g_string_append(o, "・");
				}
			}
			break;
		case CMARK_NODE_LIST:
			if (ev == CMARK_EVENT_ENTER) {
				if (++depth <= 16)
					items[depth - 1] = cmark_node_get_list_start(n) - 1;
			} else {
				depth--;
			}
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			g_string_append(o, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_CODE_BLOCK:
			if (o->len)
				g_string_append_c(o, '\n');
			g_string_append(o, cmark_node_get_literal(n));
			while (o->len && o->str[o->len - 1] == '\n')
				g_string_truncate(o, o->len - 1);
			break;
		case CMARK_NODE_SOFTBREAK:
			pdf_join_soft_break(o, n);
			break;
		case CMARK_NODE_LINEBREAK:
			g_string_append_c(o, '\n');
			break;
		case CMARK_NODE_IMAGE:
			/* alt text, then the address, as in the annex */
			if (ev == CMARK_EVENT_EXIT && render_inline_needs_url(n)) {
				g_string_append(o, "（");
				g_string_append(o, cmark_node_get_url(n));
				g_string_append(o, "）");
			}
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	return g_string_free(o, FALSE);
}

static cairo_status_t write_bytes(void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void draw_item(cairo_t *cr, const item *it)
{
	int i;

	switch (it->kind) {
	case IT_LINES: {
		const lines_data *ld = lines_of(it->l);
		double top = ld->li[it->first].top;
		for (i = it->first; i < it->first + it->n && i < ld->n; i++) {
			cairo_move_to(cr, it->x + ld->li[i].x, it->y + ld->li[i].base - top);
			pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(it->l, i));
		}
		break;
	}
	case IT_RULE:
		cairo_set_line_width(cr, it->w);
		cairo_move_to(cr, it->x, it->y);
		cairo_line_to(cr, it->x1, it->y1);
		cairo_stroke(cr);
		break;
	case IT_BOX:
		cairo_set_line_width(cr, it->w);
		cairo_rectangle(cr, it->x, it->y, it->x1, it->y1);
		cairo_stroke(cr);
		break;
	case IT_FILL:
		cairo_set_source_rgb(cr, it->w, it->w, it->w);
		cairo_rectangle(cr, it->x, it->y, it->x1, it->y1);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		break;
	}
}

/* Frees the layouts whose every line is placed, unless kept: called when
 * every page that shows them has been drawn. */
static void release_layouts(pdf_doc *d)
{
	guint i, j = 0;

	for (i = 0; i < d->layouts->len; i++) {
		PangoLayout *l = g_ptr_array_index(d->layouts, i);
		const lines_data *ld = data_of(l);
		if (ld->n >= 0 && ld->placed >= ld->n && !ld->keep)
			g_object_unref(l);
		else
			d->layouts->pdata[j++] = l;
	}
	d->layouts->len = j;
}

/* One line as ops: OP_LINE and its runs, or (when pango must draw it)
 * IT_LINES, its layout kept. */
static void seal_line(pdf_doc *d, const item *it, int i)
{
	const lines_data *ld = lines_of(it->l);
	guint nops = d->s_ops->len, ng = d->s_glyphs->len, nc = d->s_clusters->len;
	guint nt = d->s_text->len, j;
	op o;

	memset(&o, 0, sizeof o);
	o.kind = OP_LINE;
	o.u.line.x = it->x + ld->li[i].x;
	o.u.line.y = it->y + ld->li[i].base - ld->li[it->first].top;
	g_array_append_val(d->s_ops, o);
	d->s_fail = 0;
	pango_renderer_draw_layout_line(d->capture, pango_layout_get_line_readonly(it->l, i), 0, 0);
	if (!d->s_fail)
		return;
	for (j = nops; j < d->s_ops->len; j++)
		if (g_array_index(d->s_ops, op, j).kind == OP_RUN)
			cairo_scaled_font_destroy(g_array_index(d->s_ops, op, j).u.run.sf);
	g_array_set_size(d->s_ops, nops);
	g_array_set_size(d->s_glyphs, ng);
	g_array_set_size(d->s_clusters, nc);
	g_byte_array_set_size(d->s_text, nt);
	memset(&o, 0, sizeof o);
	o.kind = IT_LINES;
	o.u.it = *it;
	o.u.it.first = i;
	o.u.it.n = 1;
	/* Where the line starts, as draw_item computes it for one line. */
	o.u.it.y = it->y + ld->li[i].top - ld->li[it->first].top;
	data_of(it->l)->keep = 1;
	g_array_append_val(d->s_ops, o);
}

static void *dup_array(const void *p, gsize n)
{
	return n ? g_memdup2(p, n) : NULL;
}

/* The flow has left the current page: turns its display list into ops and
 * frees the layouts no page needs any more. */
static void seal(pdf_doc *d)
{
	page *p = d->cur;
	guint j;
	int i;

	if (p == NULL || p->items == NULL)
		return;
	g_array_set_size(d->s_ops, 0);
	g_array_set_size(d->s_glyphs, 0);
	g_array_set_size(d->s_clusters, 0);
	g_byte_array_set_size(d->s_text, 0);
	for (j = 0; j < p->items->len; j++) {
		const item *it = &g_array_index(p->items, item, j);
		if (it->kind == IT_LINES) {
			const lines_data *ld = lines_of(it->l);
			for (i = it->first; i < it->first + it->n && i < ld->n; i++)
				seal_line(d, it, i);
		} else {
			op o;
			memset(&o, 0, sizeof o);
			o.kind = it->kind;
			o.u.it = *it;
			g_array_append_val(d->s_ops, o);
		}
	}
	p->nops = d->s_ops->len;
	p->ops = dup_array(d->s_ops->data, d->s_ops->len * sizeof(op));
	p->glyphs = dup_array(d->s_glyphs->data, d->s_glyphs->len * sizeof(cg_glyph));
	p->clusters = dup_array(d->s_clusters->data, d->s_clusters->len * sizeof(cairo_text_cluster_t));
	p->text = dup_array(d->s_text->data, d->s_text->len);
	g_array_free(p->items, TRUE);
	p->items = NULL;
	release_layouts(d);
}

/* The rules ops[from, to) (consecutive in the display list: a table row's
 * verticals and its foot) as one path per line width, in the order the
 * widths first appear: one operation for cairo's PDF surface to analyse
 * instead of one per rule. Each rule stays a sub-path of its own, so the
 * lines and their ends are what separate strokes gave; nothing else moves
 * in the content stream. */
static void draw_rules(cairo_t *cr, const op *ops, guint from, guint to)
{
	guint i, j;

	for (i = from; i < to; i++) {
		double w = ops[i].u.it.w;
		int seen = 0;
		for (j = from; j < i && !seen; j++)
			seen = ops[j].u.it.w == w;
		if (seen)
			continue;
		cairo_set_line_width(cr, w);
		for (j = i; j < to; j++) {
			const item *it = &ops[j].u.it;
			if (it->w != w)
				continue;
			cairo_move_to(cr, it->x, it->y);
			cairo_line_to(cr, it->x1, it->y1);
		}
		cairo_stroke(cr);
	}
}

/* Draws a sealed page: what drawing its display list gave (with
 * `gather`, consecutive rules gathered by draw_rules). */
static void draw_ops(cairo_t *cr, const page *p, int gather)
{
	cairo_glyph_t stack[256], *gl;
	double ox = 0, oy = 0;
	guint i, k;

	for (i = 0; i < p->nops; i++) {
		const op *o = &p->ops[i];
		switch (o->kind) {
		case IT_RULE:
			if (gather) {
				guint to = i + 1;
				while (to < p->nops && p->ops[to].kind == IT_RULE)
					to++;
				draw_rules(cr, p->ops, i, to);
				i = to - 1;
			} else {
				draw_item(cr, &o->u.it);
			}
			break;
		case OP_LINE:
			/* pango starts from cairo's current point (fixed point). */
			cairo_move_to(cr, o->u.line.x, o->u.line.y);
			cairo_get_current_point(cr, &ox, &oy);
			break;
		case OP_RUN: {
			double bx = ox + (double)o->u.run.x / PANGO_SCALE;
			double by = oy + (double)o->u.run.y / PANGO_SCALE;
			const cg_glyph *g = p->glyphs + o->u.run.glyphs;
			gl = o->u.run.nglyphs > G_N_ELEMENTS(stack) ? g_new(cairo_glyph_t, o->u.run.nglyphs)
			                                            : stack;
			for (k = 0; k < o->u.run.nglyphs; k++) {
				gl[k].index = g[k].index;
				gl[k].x = bx + (double)g[k].x / PANGO_SCALE;
				gl[k].y = g[k].y == 0 ? by : by + (double)g[k].y / PANGO_SCALE;
			}
			cairo_save(cr);
			cairo_set_scaled_font(cr, o->u.run.sf);
			cairo_show_text_glyphs(cr, p->text + o->u.run.text, (int)o->u.run.ntext, gl,
			                       (int)o->u.run.nglyphs, p->clusters + o->u.run.clusters,
			                       (int)o->u.run.nclusters,
			                       o->u.run.backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
			cairo_restore(cr);
			if (gl != stack)
				g_free(gl);
			break;
		}
		default:
			draw_item(cr, &o->u.it);
			break;
		}
	}
}

char *pdf_orderer_line(const char *orderer, const char *department)
{
	if (orderer && department)
		return g_strdup_printf("%s %s", orderer, department);
	return g_strdup(orderer ? orderer : department ? department : "");
}

char *pdf_date(const char *fallback, const char *today)
{
	char *sde = util_sde_date();

	if (sde != NULL)
		return sde;
	return g_strdup(fallback && *fallback ? fallback : today);
}

int pdf_doc_finish(pdf_doc *d, pdf_chrome_fn chrome, void *ud, char **out, size_t *len,
                   cg_err *err)
{
	GByteArray *buf = g_byte_array_new();
	cairo_surface_t *s;
	cairo_t *cr;
	cairo_status_t st;
	int ids[16] = { 0 };
	guint i;

	if (d->pages->len == 0)
		pdf_page_new(d, 0);
	seal(d);
	{
		page *p0 = g_ptr_array_index(d->pages, 0);
		s = cairo_pdf_surface_create_for_stream(write_bytes, buf, p0->w, p0->h);
	}
	if (d->title)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
	if (d->author)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, d->author);
	if (d->subject)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, d->subject);
	if (d->creator)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, d->creator);
	if (d->date) {
		/* A fixed date, never the clock: rebuilds are byte-identical. */
		char *iso = g_strdup_printf("%sT00:00:00Z", d->date);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, iso);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, iso);
		g_free(iso);
	}
	cr = cairo_create(s);
	for (i = 0; i < d->pages->len; i++) {
		page *p = g_ptr_array_index(d->pages, i);
		cairo_pdf_surface_set_size(s, p->w, p->h);
		cairo_set_source_rgb(cr, 0, 0, 0);
		draw_ops(cr, p, d->gather_rules);
		page_free_ops(p);
		/* Chrome last: text extraction reads the page's content first. */
		if (chrome) {
			d->cur = p;
			chrome(d, cr, (int)i + 1, (int)d->pages->len, ud);
		}
		cairo_show_page(cr);
	}
	for (i = 0; i < d->outline->len; i++) {
		const outline_entry *o = &g_array_index(d->outline, outline_entry, i);
		int lv = o->level < 0 ? 0 : o->level > 14 ? 14 : o->level;
		char *link = g_strdup_printf("page=%d pos=[%.2f %.2f]", o->page,
		                             d->margin, o->y > 12 ? o->y - 12 : 0.0);
		ids[lv + 1] = cairo_pdf_surface_add_outline(s, lv ? ids[lv] : CAIRO_PDF_OUTLINE_ROOT,
		                                            o->title, link,
		                                            lv == 0 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
		g_free(link);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		cg_err_set(err, CG_ESYS, NULL, 0, 0, "cannot make the PDF '%s': %s",
		           d->title ? d->title : "", cairo_status_to_string(st));
		g_byte_array_free(buf, TRUE);
		return 0;
	}
	*len = buf->len;
	*out = (char *)g_byte_array_free(buf, FALSE);
	return 1;
}
