/* render_pdf.c: spec.pdf and annex.pdf from the document model, the
 * contract's PDFs as a whole, and the whole-source guideline PDF.
 *
 * The same walk as render_html.c (doc_walk over the model, cmark's iterator
 * over each clause body); layout and pages are pdf.c's. */
#include "render_pdf.h"

#include <cmark.h>
#include <glib.h>
#include <string.h>

#include "labels.h"
#include "out.h"
#include "pdf_checklist.h"
#include "pdfmod.h"
#include "render.h"
#include "tmpl.h"
#include "util.h"
#include "ynode.h"

#define BODY_PT 10.5
#define SMALL_PT 8.0
#define LINE_SP 1.45
#define MARGIN_MM 20.0

/* ---- templates/pdf.yaml ---- */

typedef struct {
	char *title;
	GPtrArray *meta_label, *meta_value, *intro;
} doc_words;

struct render_pdf_words {
	char *path;
	doc_words doc[2];
	GPtrArray *provenance;
	GHashTable *guide;
};

static const char *const guide_keys[] = { "toc", "clauses", "matrix", "matrix-note", "legend",
	                                  "number", "table", "class", "appendices",
	                                  "cover-note", NULL };

static int want_text(const ynode *n, const char *what, const char *path, const ynode *at,
                     cg_err *err)
{
	if (!yn_want_text(n, at, what, path, err))
		return 0;
	/* Fields must exist: the same check as `clausegen check` makes for
	 * the HTML templates. tmpl_check counts lines and columns in the text
	 * it is given, here one YAML value: the error goes to that value's
	 * place in the file (it said pdf.yaml:1:1 for a field on line 4). */
	if (!tmpl_check(n->str, path, NULL, err)) {
		if (err != NULL) {
			err->line = n->line;
			err->col = n->col;
		}
		return 0;
	}
	return 1;
}

static int load_list(const ynode *n, const char *what, const char *path, GPtrArray **out,
                     cg_err *err)
{
	size_t i;

	*out = g_ptr_array_new_with_free_func(g_free);
	if (n == NULL || n->type != YN_SEQ) {
		cg_err_set(err, CG_EINPUT, path, n ? n->line : 1, n ? n->col : 1,
		           "'%s' must be a list of texts", what);
		return 0;
	}
	for (i = 0; i < n->n; i++) {
		if (!want_text(n->items[i], what, path, n, err))
			return 0;
		g_ptr_array_add(*out, g_strdup(n->items[i]->str));
	}
	return 1;
}

static int load_doc(const ynode *root, const char *name, doc_words *w, const char *path,
                    cg_err *err)
{
	static const char *const keys[] = { "title", "meta", "intro", NULL };
	static const char *const mkeys[] = { "label", "value", NULL };
	const ynode *m = yn_get(root, name), *meta;
	size_t i;

	w->meta_label = g_ptr_array_new_with_free_func(g_free);
	w->meta_value = g_ptr_array_new_with_free_func(g_free);
	if (m == NULL || m->type != YN_MAP) {
		cg_err_set(err, CG_EINPUT, path, m ? m->line : 1, m ? m->col : 1,
		           "'%s' must be a map {title, meta, intro}", name);
		return 0;
	}
	if (!yn_check_keys(m, keys, name, path, err) ||
	    !want_text(yn_get(m, "title"), "title", path, m, err))
		return 0;
	w->title = g_strdup(yn_get(m, "title")->str);
	meta = yn_get(m, "meta");
	if (meta == NULL || meta->type != YN_SEQ) {
		cg_err_set(err, CG_EINPUT, path, m->line, m->col, "'%s' needs a list 'meta'", name);
		return 0;
	}
	for (i = 0; i < meta->n; i++) {
		const ynode *r = meta->items[i];
		if (r->type != YN_MAP || !yn_check_keys(r, mkeys, "meta row", path, err) ||
		    !want_text(yn_get(r, "label"), "label", path, r, err) ||
		    !want_text(yn_get(r, "value"), "value", path, r, err)) {
			cg_err_set(err, CG_EINPUT, path, r->line, r->col,
			           "a meta row is {label, value}");
			return 0;
		}
		g_ptr_array_add(w->meta_label, g_strdup(yn_get(r, "label")->str));
		g_ptr_array_add(w->meta_value, g_strdup(yn_get(r, "value")->str));
	}
	return load_list(yn_get(m, "intro"), "intro", path, &w->intro, err);
}

render_pdf_words *render_pdf_words_load(const char *path, cg_err *err)
{
	static const char *const top[] = { "spec", "annex", "provenance", "guideline", NULL };
	render_pdf_words *w = g_new0(render_pdf_words, 1);
	size_t i;
	ynode *root;
	const ynode *g;
	int ok = 0;

	w->path = g_strdup(path);
	w->guide = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	root = yn_load(path, err);
	if (root == NULL || !yn_check_keys(root, top, "pdf.yaml", path, err) ||
	    !load_doc(root, "spec", &w->doc[DOC_SPEC], path, err) ||
	    !load_doc(root, "annex", &w->doc[DOC_ANNEX], path, err) ||
	    !load_list(yn_get(root, "provenance"), "provenance", path, &w->provenance, err))
		goto out;
	g = yn_get(root, "guideline");
	if (g == NULL || g->type != YN_MAP || !yn_check_keys(g, guide_keys, "guideline", path, err)) {
		cg_err_set(err, CG_EINPUT, path, g ? g->line : 1, g ? g->col : 1,
		           "'guideline' must be a map of texts");
		goto out;
	}
	for (i = 0; guide_keys[i] != NULL; i++) {
		if (!want_text(yn_get(g, guide_keys[i]), guide_keys[i], path, g, err))
			goto out;
		g_hash_table_insert(w->guide, (char *)guide_keys[i],
		                    g_strdup(yn_get(g, guide_keys[i])->str));
	}
	ok = 1;
out:
	yn_free(root);
	if (!ok) {
		render_pdf_words_free(w);
		return NULL;
	}
	return w;
}

void render_pdf_words_free(render_pdf_words *w)
{
	int k;

	if (w == NULL)
		return;
	for (k = 0; k < 2; k++) {
		g_free(w->doc[k].title);
		if (w->doc[k].meta_label)
			g_ptr_array_unref(w->doc[k].meta_label);
		if (w->doc[k].meta_value)
			g_ptr_array_unref(w->doc[k].meta_value);
		if (w->doc[k].intro)
			g_ptr_array_unref(w->doc[k].intro);
	}
	if (w->provenance)
		g_ptr_array_unref(w->provenance);
	g_hash_table_destroy(w->guide);
	g_free(w->path);
	g_free(w);
}

static const char *guide(const render_pdf_words *w, const char *key)
{
	const char *v = g_hash_table_lookup(w->guide, key);

	return v ? v : "";
}

/* ---- Markdown bodies ---- */

typedef struct {
	pdf_doc *d;
	double em;          /* one full-width character of the body */
} pctx;

/* The mark a list item opens with when it brings its own (pdf_has_own_mark):
 * "①", "(ｱ)", "（1）", with the spaces after it. The item's following lines
 * hang by its width, so that they start under the item's text: hanging by
 * the first character alone put them under the "ｱ" of "(ｱ)". */
static char *own_mark(const char *lit)
{
	const char *p = g_utf8_next_char(lit), *q;
	gunichar c = g_utf8_get_char(lit);
	int i;

	if (c == '(' || c == 0xFF08)
		for (q = p, i = 0; *q && i < 6; q = g_utf8_next_char(q), i++) {
			c = g_utf8_get_char(q);
			if (c == ')' || c == 0xFF09) {
				p = g_utf8_next_char(q);
				break;
			}
		}
	while (*p == ' ' || g_utf8_get_char(p) == 0x3000 || g_utf8_get_char(p) == 0x2002)
		p = g_utf8_next_char(p);
	return g_strndup(lit, (gsize)(p - lit));
}

/* Lays out one clause body (or appendix body): `label` (may be NULL) opens
 * the first paragraph with a hanging indent of `hang`; the text column
 * starts at `x`, the label at x - hang. */
static void md_blocks(pctx *c, const char *md, const char *label, double x, double hang,
                      double space_before)
{
	pdf_doc *d = c->d;
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	GString *buf = g_string_new(NULL);
	PangoAttrList *al = pango_attr_list_new();
	double right = pdf_left(d) + pdf_width(d);
	int list_depth = 0, first = 1, items[16] = { 0 }, nstrong = 0, quote_depth = 0;
	/* Where each open emphasis starts: one position for all of them made
	 * the outer of *a **b** c* start at b, leaving "a" in the light face. */
	size_t strong_at[16] = { 0 };
	double item_x = x, item_hang = 0;
	int in_item_first = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		int enter = ev == CMARK_EVENT_ENTER;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_CODE_BLOCK:
			if (enter) {
				cmark_node *p = cmark_node_parent(n);
				g_string_truncate(buf, 0);
				pango_attr_list_unref(al);
				al = pango_attr_list_new();
				in_item_first = 0;
				if (first && label) {
					g_string_append_printf(buf, "%s\u2002", label);
				} else if (p && cmark_node_get_type(p) == CMARK_NODE_ITEM &&
				           cmark_node_first_child(p) == n) {
					cmark_node *t = cmark_node_first_child(n);
					const char *lit = t ? cmark_node_get_literal(t) : NULL;
					int lvl = list_depth > 0 ? list_depth - 1 : 0;
					char *mark = NULL;
					if (cmark_node_get_list_type(cmark_node_parent(p)) == CMARK_ORDERED_LIST)
						/* The en space of a clause's label: "1." with
						 * no space ran into the item's first word. */
						mark = g_strdup_printf("%d.\u2002", ++items[lvl < 16 ? lvl : 15]);
					else if (!pdf_has_own_mark(lit))
						mark = g_strdup("・");
					item_x = x + (lvl + quote_depth) * c->em;
					if (mark) {
						g_string_append(buf, mark);
						item_hang = pdf_measure(d, PDF_MINCHO, BODY_PT, mark);
					} else {
						/* ①…, (ｱ)… hang by their own mark. */
						char *own = own_mark(lit);
						item_hang = pdf_measure(d, PDF_MINCHO, BODY_PT, own);
						g_free(own);
					}
					g_free(mark);
					in_item_first = 1;
				}
				if (cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK)
					g_string_append(buf, cmark_node_get_literal(n));
				if (cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK)
					break;
			}
			{
				PangoLayout *l;
				double lx, ind;
				while (buf->len && buf->str[buf->len - 1] == '\n')
					g_string_truncate(buf, buf->len - 1);
				if (first && label) {
					lx = x - hang;
					ind = -hang;
				} else if (list_depth > 0) {
					lx = item_x + (in_item_first ? 0 : item_hang);
					ind = in_item_first ? -item_hang : 0;
				} else {
					/* A following paragraph opens one character in; a
					 * quotation stands one character in as a whole; a
					 * heading opens at the margin. */
					lx = x + quote_depth * c->em;
					ind = cmark_node_get_type(n) == CMARK_NODE_HEADING ? 0 : c->em;
				}
				/* A heading in the headings' face, as the document's own
				 * (it printed as one more paragraph). */
				l = pdf_text(d,
				             cmark_node_get_type(n) == CMARK_NODE_HEADING ? PDF_GOTHIC
				                                                          : PDF_MINCHO,
				             BODY_PT, buf->str, al, right - lx, LINE_SP, ind, PANGO_ALIGN_LEFT);
				pdf_flow(d, l, lx, first ? space_before : 1.5, 0);
				first = 0;
			}
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			quote_depth += enter ? 1 : -1;
			break;
		case CMARK_NODE_LIST:
			if (enter) {
				list_depth++;
				if (list_depth <= 16)
					items[list_depth - 1] = cmark_node_get_list_start(n) - 1;
			} else {
				list_depth--;
			}
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			g_string_append(buf, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
			pdf_join_soft_break(buf, n);
			break;
		case CMARK_NODE_LINEBREAK:
			g_string_append_c(buf, '\n');
			break;
		case CMARK_NODE_STRONG:
		case CMARK_NODE_EMPH:
			if (enter) {
				if (nstrong < 16)
					strong_at[nstrong] = buf->len;
				nstrong++;
			} else {
				PangoAttribute *a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
				nstrong--;
				a->start_index = (guint)strong_at[nstrong < 16 ? nstrong : 15];
				a->end_index = (guint)buf->len;
				pango_attr_list_insert(al, a);
			}
			break;
		case CMARK_NODE_IMAGE:
			/* Its alt text (the children), then its address, as the
			 * HTML documents print an image (render_html.c). */
			if (!enter && render_inline_needs_url(n)) {
				g_string_append(buf, "（");
				g_string_append(buf, cmark_node_get_url(n));
				g_string_append(buf, "）");
			}
			break;
		default:
			/* Raw HTML is dropped, as the HTML back-end drops it. */
			break;
		}
	}
	if (first && label) {
		/* An empty body still shows its number. */
		PangoLayout *l = pdf_text(d, PDF_MINCHO, BODY_PT, label, NULL, right - (x - hang),
		                          LINE_SP, 0, PANGO_ALIGN_LEFT);
		pdf_flow(d, l, x - hang, space_before, 0);
	}
	pango_attr_list_unref(al);
	g_string_free(buf, TRUE);
	cmark_iter_free(it);
	cmark_node_free(doc);
}

/* Left edge of a node at `depth`: 第1 and its 1 at the margin, each level
 * below one character further in (公用文). */
static double indent_x(const pctx *c, int depth)
{
	return pdf_left(c->d) + (depth > 1 ? depth - 1 : 0) * c->em;
}

/* ---- spec.pdf, annex.pdf ---- */

typedef struct {
	pctx p;
	const lb_labels *lb;
	doc_kind kind;
} doc_ctx;

static void heading(pctx *c, int depth, const char *label, const char *title)
{
	pdf_doc *d = c->d;
	char *text = label ? g_strdup_printf("%s\u2002%s", label, title ? title : "")
	                   : g_strdup(title ? title : "");
	double size = depth == 0 ? 12.5 : 11.0;
	double x = depth == 0 ? pdf_left(d) : indent_x(c, depth);
	PangoLayout *l = pdf_text(d, PDF_GOTHIC, size, text, NULL, pdf_left(d) + pdf_width(d) - x,
	                          1.3, 0, PANGO_ALIGN_LEFT);

	/* A heading never ends a page: three body lines must follow it. */
	pdf_flow(d, l, x, depth == 0 ? 12 : 7, 3 * BODY_PT * LINE_SP);
	pdf_outline(d, depth, text);
	g_free(text);
}

/* One clause at indent `x`: its number hanging before the text (公用文),
 * a title line in ゴシック when it has one. Returns the hang, the width of
 * the number and its space. */
static double clause_pdf(pctx *c, double x, const char *label, const char *title,
                         const char *body)
{
	pdf_doc *d = c->d;
	char *lab = g_strdup_printf("%s\u2002", label);
	double hang = pdf_measure(d, PDF_MINCHO, BODY_PT, lab);

	g_free(lab);
	if (title) {
		char *t = g_strdup_printf("%s\u2002%s", label, title);
		PangoLayout *l = pdf_text(d, PDF_GOTHIC, BODY_PT, t, NULL,
		                          pdf_left(d) + pdf_width(d) - x, LINE_SP, -hang,
		                          PANGO_ALIGN_LEFT);
		pdf_flow(d, l, x, 5, 2 * BODY_PT * LINE_SP);
		g_free(t);
		md_blocks(c, body, NULL, x + hang, hang, 1.5);
	} else {
		md_blocks(c, body, label, x + hang, hang, 5);
	}
	return hang;
}

static void doc_node_pdf(const doc_node *n, int enter, void *ud)
{
	doc_ctx *c = ud;
	pdf_doc *d = c->p.d;
	const char *mark;
	double x, hang;

	if (!enter)
		return;
	if (!n->is_clause) {
		heading(&c->p, n->depth, n->label, n->title);
		return;
	}
	x = indent_x(&c->p, n->depth);
	hang = clause_pdf(&c->p, x, n->label, n->title, n->body);
	mark = labels_marker(c->lb, n, c->kind);
	if (mark[0]) {
		PangoLayout *l = pdf_text(d, PDF_GOTHIC, 9, mark, NULL,
		                          pdf_left(d) + pdf_width(d) - x - hang, 1.3, 0,
		                          PANGO_ALIGN_LEFT);
		pdf_flow(d, l, x + hang, 1.5, 0);
	}
}

/* An appendix's table rows with their sub-items, indented per level. */
static void app_rows(pctx *c, pdf_table *t, const ynode *cols, const ynode *rows, int level)
{
	size_t i, j;
	PangoLayout **cells = g_new0(PangoLayout *, cols->n);

	for (i = 0; rows && i < rows->n; i++) {
		const ynode *r = rows->items[i], *items = yn_get(r, "items");
		for (j = 0; j < cols->n; j++) {
			const ynode *id = yn_get(cols->items[j], "id");
			const ynode *v = id ? yn_get(r, id->str) : NULL;
			cells[j] = NULL;
			if (v && v->type == YN_SCALAR) {
				char *s = g_strdup_printf("%*s%s", j > 0 ? level * 3 : 0, "", v->str);
				/* Full-width spaces indent Japanese text; level*3 bytes. */
				GString *g = g_string_new(NULL);
				int k;
				for (k = 0; j > 0 && k < level; k++)
					g_string_append(g, "　");
				g_string_append(g, v->str);
				g_free(s);
				cells[j] = pdf_text(c->d, PDF_MINCHO, 9.5, g->str, NULL,
				                    pdf_table_text_width(t, (int)j), 1.3, 0, PANGO_ALIGN_LEFT);
				g_string_free(g, TRUE);
			}
		}
		pdf_table_row(t, cells);
		if (items && items->type == YN_SEQ)
			app_rows(c, t, cols, items, level + 1);
	}
	g_free(cells);
}

static void appendices(pctx *c, const sp_source *s, const size_t *apps, size_t napps)
{
	pdf_doc *d = c->d;
	size_t i, j;

	for (i = 0; i < napps; i++) {
		const sp_appendix *a = &s->apps[apps[i]];
		const ynode *cols = yn_get(a->meta, "columns");
		heading(c, 0, NULL, a->title);
		if (a->body && *a->body)
			md_blocks(c, a->body, NULL, pdf_left(d), 0, 4);
		if (cols && cols->type == YN_SEQ && cols->n > 0) {
			double *w = g_new0(double, cols->n);
			const char **heads = g_new0(const char *, cols->n);
			double first = cols->n > 1 ? 14 * PDF_MM : pdf_width(d);
			for (j = 0; j < cols->n; j++) {
				const ynode *nm = yn_get(cols->items[j], "name");
				heads[j] = nm && nm->type == YN_SCALAR ? nm->str : "";
				w[j] = j == 0 ? first : (pdf_width(d) - first) / (double)(cols->n - 1);
			}
			pdf_set_y(d, pdf_y(d) + 6);
			{
				pdf_table *t = pdf_table_new(d, (int)cols->n, w, heads, 9.5, 3);
				app_rows(c, t, cols, yn_get(a->meta, "rows"), 0);
				pdf_table_end(t);
			}
			g_free(w);
			g_free(heads);
		}
	}
}

static char *expand(const char *text, const char *path, GHashTable *f, const doc_model *m,
                    cg_err *err)
{
	GString *o = g_string_new(NULL);

	if (!tmpl_expand(text, path, f, NULL, m, NULL, o, err)) {
		g_string_free(o, TRUE);
		return NULL;
	}
	return g_string_free(o, FALSE);
}

typedef struct {
	const char *title, *right;
} chrome_ud;

/* Running header (title left, `right` right when there is one, a rule) when
 * `head`, and the "n / N" footer, inside the margins: the documents' and
 * the guideline's pages alike. */
static void head_and_foot(pdf_doc *d, cairo_t *cr, const chrome_ud *u, int head, int pg,
                          int npages)
{
	double m = pdf_margin(d), w = pdf_page_width(d), h = pdf_page_height(d);
	char num[32];

	if (head) {
		pdf_draw_text(d, cr, PDF_GOTHIC, SMALL_PT, u->title, m, m - 16, PANGO_ALIGN_LEFT);
		if (u->right)
			pdf_draw_text(d, cr, PDF_MINCHO, SMALL_PT, u->right, w - m, m - 16,
			              PANGO_ALIGN_RIGHT);
		cairo_set_line_width(cr, 0.4);
		cairo_move_to(cr, m, m - 4);
		cairo_line_to(cr, w - m, m - 4);
		cairo_stroke(cr);
	}
	g_snprintf(num, sizeof num, "%d / %d", pg, npages);
	pdf_draw_text(d, cr, PDF_MINCHO, 9, num, w / 2, h - m + 8, PANGO_ALIGN_CENTER);
}

/* No header on a document's first page, which opens with its own title and
 * meta block, unless there is no contract to show on the right. */
static void doc_chrome(pdf_doc *d, cairo_t *cr, int pg, int npages, void *ud)
{
	const chrome_ud *u = ud;

	head_and_foot(d, cr, u, pg > 1 || u->right == NULL, pg, npages);
}

int render_pdf_doc(pdf_env *env, const doc_model *m, doc_kind k, const render_pdf_words *w,
                   const lb_labels *lb, char **out, size_t *len, cg_err *err)
{
	const ct_contract *ct = m->sel->ct;
	const doc_words *dw = &w->doc[k];
	GHashTable *f = doc_fields(m, k);
	char *date = pdf_date(ct->date, m->build_date), *author, *creator;
	pdf_meta meta;
	pdf_doc *d = NULL;
	doc_ctx c;
	chrome_ud cu;
	PangoLayout *l;
	double lw = 0;
	guint i;
	int ok = 0;

	/* The date printed and the date in the metadata are the same fixed
	 * one, so that rebuilding gives the same bytes. */
	g_hash_table_insert(f, (char *)"build.date", g_strdup(date));
	author = pdf_orderer_line(ct->orderer, ct->department);
	creator = g_strdup_printf("clausegen %s", CLAUSEGEN_VERSION);
	meta.title = dw->title;
	meta.author = author;
	meta.subject = ct->title;
	meta.creator = creator;
	meta.date = date;
	d = pdf_doc_new(env, &meta, MARGIN_MM);
	pdf_page_new(d, 0);
	memset(&c, 0, sizeof c);
	c.p.d = d;
	c.p.em = pdf_measure(d, PDF_MINCHO, BODY_PT, "　");
	c.lb = lb;
	c.kind = k;

	l = pdf_text(d, PDF_GOTHIC, 16, dw->title, NULL, pdf_width(d), 1.2, 0, PANGO_ALIGN_CENTER);
	pdf_flow(d, l, pdf_left(d), 0, 0);
	pdf_outline(d, 0, dw->title);
	pdf_set_y(d, pdf_y(d) + 14);
	for (i = 0; i < dw->meta_label->len; i++) {
		double x = pdf_measure(d, PDF_GOTHIC, BODY_PT, g_ptr_array_index(dw->meta_label, i));
		if (x > lw)
			lw = x;
	}
	lw += 2 * c.p.em;
	for (i = 0; i < dw->meta_label->len; i++) {
		char *v = expand(g_ptr_array_index(dw->meta_value, i), w->path, f, m, err);
		PangoLayout *lab, *val;
		double y;
		if (v == NULL)
			goto out;
		if (*v == '\0') {
			g_free(v);
			continue;
		}
		lab = pdf_text(d, PDF_GOTHIC, BODY_PT, g_ptr_array_index(dw->meta_label, i), NULL, lw,
		               LINE_SP, 0, PANGO_ALIGN_LEFT);
		val = pdf_text(d, PDF_MINCHO, BODY_PT, v, NULL, pdf_width(d) - lw - c.p.em, LINE_SP, 0,
		               PANGO_ALIGN_LEFT);
		y = pdf_y(d);
		pdf_put(d, lab, pdf_left(d) + c.p.em, y);
		pdf_put(d, val, pdf_left(d) + c.p.em + lw, y);
		pdf_set_y(d, y + pdf_text_height(val));
		g_free(v);
	}
	pdf_set_y(d, pdf_y(d) + 8);
	for (i = 0; i < dw->intro->len; i++) {
		char *v = expand(g_ptr_array_index(dw->intro, i), w->path, f, m, err);
		if (v == NULL)
			goto out;
		l = pdf_text(d, PDF_MINCHO, BODY_PT, v, NULL, pdf_width(d), LINE_SP, c.p.em,
		             PANGO_ALIGN_LEFT);
		pdf_flow(d, l, pdf_left(d), 3, 0);
		g_free(v);
	}
	doc_walk(m, doc_node_pdf, &c);
	appendices(&c.p, m->sel->src, m->apps, m->napps);
	pdf_set_y(d, pdf_y(d) + 18);
	for (i = 0; i < w->provenance->len; i++) {
		char *v = expand(g_ptr_array_index(w->provenance, i), w->path, f, m, err);
		if (v == NULL)
			goto out;
		l = pdf_text(d, PDF_MINCHO, SMALL_PT, v, NULL, pdf_width(d), 1.3, 0, PANGO_ALIGN_LEFT);
		if (i == 0 && pdf_room(d) > 3 * SMALL_PT * 1.3)
			pdf_rule(d, pdf_left(d), pdf_y(d) - 3, pdf_left(d) + pdf_width(d), pdf_y(d) - 3, 0.4);
		pdf_flow(d, l, pdf_left(d), 1, 0);
		g_free(v);
	}
	cu.title = dw->title;
	cu.right = ct->title;
	ok = pdf_doc_finish(d, doc_chrome, &cu, out, len, err);
out:
	pdf_doc_free(d);
	g_hash_table_unref(f);
	g_free(author);
	g_free(creator);
	g_free(date);
	return ok;
}

/* ---- glyphs ---- */

typedef struct {
	pdf_env *env;
	const doc_model *m;
	cg_err *err;
	int ok;
} glyph_ctx;

static void glyph_node(const doc_node *n, int enter, void *ud)
{
	glyph_ctx *g = ud;
	const sp_source *s = g->m->sel->src;
	char *what;

	if (!enter || !g->ok)
		return;
	if (!n->is_clause) {
		what = g_strdup_printf("section %s", n->section->id);
		g->ok = pdf_check_text(g->env, PDF_GOTHIC, n->title, what, s->file,
		                       n->section->line, n->section->col, g->err);
		g_free(what);
		return;
	}
	what = g_strdup_printf("clause %s", n->clause->id);
	g->ok = pdf_check_text(g->env, PDF_MINCHO, n->body, what, n->clause->file, n->clause->line,
	                       n->clause->col, g->err) &&
	        pdf_check_text(g->env, PDF_MINCHO, n->title, what, n->clause->file,
	                       n->clause->line, n->clause->col, g->err) &&
	        pdf_check_text(g->env, PDF_GOTHIC, n->title, what, n->clause->file,
	                       n->clause->line, n->clause->col, g->err);
	g_free(what);
}

int render_pdf_check_glyphs(pdf_env *env, const doc_model *m, cg_err *err)
{
	const ct_contract *ct = m->sel->ct;
	const char *keys[] = { "title", "vendor", "orderer", "department", "contract_number" };
	const char *vals[] = { ct->title, ct->vendor, ct->orderer, ct->department, ct->number };
	glyph_ctx g = { env, m, err, 1 };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		const ynode *at = ct->root ? yn_get(ct->root, keys[i]) : NULL;
		char *what = g_strdup_printf("contract %s", keys[i]);
		int ok = pdf_check_text(env, PDF_MINCHO, vals[i], what, ct->file, at ? at->line : 0,
		                        at ? at->col : 0, err);
		g_free(what);
		if (!ok)
			return 0;
	}
	doc_walk(m, glyph_node, &g);
	return g.ok;
}

/* ---- the contract's PDFs ---- */

static const char *const checklist_names[] = { "checklist-selection", "checklist-delivery",
	                                       "checklist-periodic" };

int render_pdf_contract(const doc_model *m, const lb_labels *lb, const char *pdf_yaml,
                        const char *checklists_yaml, const char *stage, FILE *warn,
                        cg_err *err)
{
	const ct_contract *ct = m->sel->ct;
	render_pdf_words *w = NULL;
	pdf_cl_words *cw = NULL;
	pdf_env *env = NULL;
	char *date = NULL;
	int k, ok = 0, any_doc = 0, any_cl = 0, skip_cl[3] = { 0, 0, 0 };
	size_t i;

	for (k = DOC_SPEC; k <= DOC_ANNEX; k++)
		any_doc |= contract_wants(ct, doc_kind_name((doc_kind)k));
	for (i = 0; i < G_N_ELEMENTS(checklist_names); i++)
		any_cl |= contract_wants(ct, checklist_names[i]);
	if (any_cl && (ct->vendor == NULL || *ct->vendor == '\0') &&
	    (ct->root == NULL || yn_get(ct->root, "documents") == NULL)) {
		/* Before the tender the vendor is unknown: a contract that
		 * leaves `documents` at its default gets no checklists yet. One
		 * that names them gets the error below. Either way it is said,
		 * so nobody looks for a checklist that was never made. */
		const ynode *at = ct->root ? yn_get(ct->root, "id") : NULL;
		if (warn != NULL)
			fprintf(warn,
			        "%s:%d:%d: warning: contract '%s' has no 'vendor': no checklists built "
			        "(add 'vendor:' once the vendor is chosen)\n",
			        ct->file ? ct->file : "-", at ? at->line : 1, at ? at->col : 1, ct->id);
		any_cl = 0;
		for (i = 0; i < G_N_ELEMENTS(checklist_names); i++)
			skip_cl[i] = 1;
	}
	if (!any_doc && !any_cl)
		return 1;
	if (any_cl && (ct->vendor == NULL || *ct->vendor == '\0')) {
		const ynode *at = ct->root ? yn_get(ct->root, "id") : NULL;
		cg_err_set(err, CG_EINPUT, ct->file, at ? at->line : 1, at ? at->col : 1,
		           "contract '%s' has no 'vendor': the checklists name the vendor they "
		           "check; add 'vendor:' or leave the checklists out of 'documents'",
		           ct->id);
		return 0;
	}
	if ((w = render_pdf_words_load(pdf_yaml, err)) == NULL)
		goto out;
	if (any_cl && (cw = pdf_checklist_words_load(checklists_yaml, err)) == NULL)
		goto out;
	if ((env = pdf_env_new(warn, err)) == NULL || !render_pdf_check_glyphs(env, m, err))
		goto out;
	for (k = DOC_SPEC; k <= DOC_ANNEX; k++) {
		char *pdf = NULL, *name;
		size_t len = 0;
		int done;
		if (!contract_wants(ct, doc_kind_name((doc_kind)k)))
			continue;
		name = g_strdup_printf("%s.pdf", doc_kind_name((doc_kind)k));
		done = render_pdf_doc(env, m, (doc_kind)k, w, lb, &pdf, &len, err) &&
		       out_write_file(stage, name, pdf, len, err);
		g_free(pdf);
		g_free(name);
		if (!done)
			goto out;
	}
	date = pdf_date(ct->date, m->build_date);
	for (i = 0; i < G_N_ELEMENTS(checklist_names); i++) {
		char *pdf = NULL, *name;
		size_t len = 0;
		int done;
		if (!contract_wants(ct, checklist_names[i]) || skip_cl[i])
			continue;
		name = g_strdup_printf("%s.pdf", checklist_names[i]);
		done = pdf_checklist_render(env, m, cw, checklist_names[i], date, &pdf, &len, err) &&
		       out_write_file(stage, name, pdf, len, err);
		g_free(pdf);
		g_free(name);
		if (!done)
			goto out;
	}
	ok = 1;
out:
	g_free(date);
	pdf_env_free(env);
	pdf_checklist_words_free(cw);
	render_pdf_words_free(w);
	return ok;
}

/* ---- the whole-source guideline ---- */

typedef struct {
	int depth;
	char *text;
	int page;
} toc_entry;

static void guide_chrome(pdf_doc *d, cairo_t *cr, int pg, int npages, void *ud)
{
	if (pg > 1) /* page 1 is the cover */
		head_and_foot(d, cr, ud, 1, pg, npages);
}

/* Lays out the clauses and appendices of `s`, recording headings in `toc`
 * (pages as laid out). */
static int guide_body(pctx *c, const sp_source *s, const render_pdf_words *w, GArray *toc,
                      pdf_env *env, cg_err *err)
{
	pdf_doc *d = c->d;
	char *done_sec = g_new0(char, s->nsections + 1);
	size_t i, j;
	int ok = 1;

	for (i = 0; i < s->nclauses && ok; i++) {
		const sp_clause *cl = &s->clauses[i];
		size_t chain[64], depth = 0;
		int sec;
		char *what = g_strdup_printf("clause %s", cl->id);

		ok = pdf_check_text(env, PDF_MINCHO, cl->body, what, cl->file, cl->line, cl->col, err) &&
		     pdf_check_text(env, PDF_GOTHIC, cl->title, what, cl->file, cl->line, cl->col, err);
		g_free(what);
		if (!ok)
			break;
		for (sec = (int)cl->section; sec >= 0 && depth < G_N_ELEMENTS(chain);
		     sec = s->sections[sec].parent)
			chain[depth++] = (size_t)sec;
		while (depth-- > 0) {
			const sp_section *sc = &s->sections[chain[depth]];
			toc_entry t;
			if (done_sec[chain[depth]])
				continue;
			done_sec[chain[depth]] = 1;
			heading(c, sc->depth, sc->number, sc->title);
			t.depth = sc->depth;
			/* As heading() prints it: a section's number is optional,
			 * and "%s" of NULL put "(null)" in the contents. */
			t.text = sc->number ? g_strdup_printf("%s\u2002%s", sc->number, sc->title)
			                    : g_strdup(sc->title);
			t.page = pdf_page_count(d);
			g_array_append_val(toc, t);
		}
		clause_pdf(c, indent_x(c, s->sections[cl->section].depth + 1), cl->number, cl->title,
		           cl->body);
	}
	g_free(done_sec);
	if (ok && s->napps > 0) {
		size_t *all = g_new0(size_t, s->napps);
		toc_entry t;
		for (j = 0; j < s->napps; j++)
			all[j] = j;
		t.depth = 0;
		t.text = g_strdup(guide(w, "appendices"));
		t.page = pdf_page_count(d) + 1;
		g_array_append_val(toc, t);
		pdf_page_new(d, 0);
		appendices(c, s, all, s->napps);
		g_free(all);
	}
	return ok;
}

/* The matrix of table `t`: one row per clause with a row there, one
 * column per class × category, split into groups of whole classes that fit
 * the landscape width. */
static void guide_matrix(pctx *c, const sp_source *s, size_t t, const render_pdf_words *w)
{
	pdf_doc *d = c->d;
	const sp_table *tb = &s->tables[t];
	size_t nk = SP_NCLASSES(s), ncol = tb->ncols, k0, k, i, j;
	double rowhead = 62 * PDF_MM, colw = 8.5 * PDF_MM;
	size_t per, groups;
	char *title;

	pdf_page_new(d, 1);
	title = g_strdup_printf("%s\u2002%s", guide(w, "table"), tb->title ? tb->title : tb->id);
	heading(c, 0, NULL, title);
	g_free(title);
	{
		PangoLayout *l = pdf_text(d, PDF_MINCHO, 9, guide(w, "matrix-note"), NULL, pdf_width(d),
		                          1.3, 0, PANGO_ALIGN_LEFT);
		pdf_flow(d, l, pdf_left(d), 2, 0);
	}
	/* Whole classes per page group, as many as the width holds. */
	per = (size_t)((pdf_width(d) - rowhead) / (colw * (double)ncol));
	if (per < 1)
		per = 1;
	if (per > nk)
		per = nk;
	groups = (nk + per - 1) / per;
	for (k0 = 0; k0 < nk; k0 += per) {
		size_t kn = k0 + per > nk ? nk - k0 : per, nc = 1 + kn * ncol;
		double *wd = g_new0(double, nc);
		char **heads = g_new0(char *, nc + 1);
		PangoLayout **cells = g_new0(PangoLayout *, nc);
		pdf_table *tab;
		if (k0 > 0)
			pdf_page_new(d, 1);
		wd[0] = rowhead;
		heads[0] = g_strdup(guide(w, "number"));
		for (k = 0; k < kn; k++)
			for (j = 0; j < ncol; j++) {
				const sp_dim *cat = &s->cats[tb->cols[j]];
				wd[1 + k * ncol + j] = (pdf_width(d) - rowhead) / (double)(kn * ncol);
				heads[1 + k * ncol + j] =
					s->nclasses ? g_strdup_printf("%s\n%s", s->classes[k0 + k].id, cat->id)
					            : g_strdup(cat->id);
			}
		pdf_set_y(d, pdf_y(d) + 4);
		tab = pdf_table_new(d, (int)nc, wd, (const char *const *)heads, 6.5, 2);
		for (i = 0; i < s->nclauses; i++) {
			const sp_clause *cl = &s->clauses[i];
			char *rh;
			if (cl->marks == NULL || cl->marks[t] == NULL)
				continue;
			rh = g_strdup_printf("%s %s", cl->number, spec_clause_title(s, cl));
			cells[0] = pdf_text(d, PDF_MINCHO, 7, rh, NULL, pdf_table_text_width(tab, 0), 1.1,
			                    0, PANGO_ALIGN_LEFT);
			g_free(rh);
			for (k = 0; k < kn; k++)
				for (j = 0; j < ncol; j++) {
					const char *mk = cl->marks[t][(k0 + k) * ncol + j];
					cells[1 + k * ncol + j] =
						mk && *mk ? pdf_text(d, PDF_MINCHO, 7, mk, NULL,
						                     pdf_table_text_width(tab, (int)(1 + k * ncol + j)),
						                     1.1, 0, PANGO_ALIGN_CENTER)
						          : NULL;
				}
			pdf_table_row(tab, cells);
		}
		pdf_table_end(tab);
		g_strfreev(heads);
		g_free(wd);
		g_free(cells);
	}
	(void)groups;
	/* The legend: category ids and names. */
	{
		double lw[2] = { 30 * PDF_MM, pdf_width(d) - 30 * PDF_MM };
		const char *lh[2] = { "ID", guide(w, "legend") };
		pdf_table *tab;
		PangoLayout *cells[2];
		pdf_set_y(d, pdf_y(d) + 8);
		tab = pdf_table_new(d, 2, lw, lh, 8, 2);
		for (j = 0; j < ncol; j++) {
			const sp_dim *cat = &s->cats[tb->cols[j]];
			cells[0] = pdf_text(d, PDF_MINCHO, 8, cat->id, NULL, pdf_table_text_width(tab, 0),
			                    1.1, 0, PANGO_ALIGN_LEFT);
			cells[1] = pdf_text(d, PDF_MINCHO, 8, cat->name, NULL,
			                    pdf_table_text_width(tab, 1), 1.1, 0, PANGO_ALIGN_LEFT);
			pdf_table_row(tab, cells);
		}
		pdf_table_end(tab);
	}
}

static void toc_free(GArray *toc)
{
	guint i;

	if (toc == NULL)
		return;
	for (i = 0; i < toc->len; i++)
		g_free(g_array_index(toc, toc_entry, i).text);
	g_array_free(toc, TRUE);
}

/* One pass of the guideline's layout. The contents print the entries and
 * pages of the previous pass `prev`; the first pass (prev NULL) leaves room
 * for one line per section instead. The pass's own headings and pages go
 * into *mine (toc_free). Returns the document, or NULL with `err`. */
static pdf_doc *guide_pass(pdf_env *env, const sp_source *s, const render_pdf_words *w,
                           const pdf_meta *meta, GArray *prev, GArray **mine, cg_err *err)
{
	pdf_doc *d = pdf_doc_new(env, meta, MARGIN_MM);
	pctx c;
	PangoLayout *l;
	size_t t;
	guint i;
	int ok;

	*mine = g_array_new(FALSE, TRUE, sizeof(toc_entry));
	c.d = d;
	pdf_page_new(d, 0);
	c.em = pdf_measure(d, PDF_MINCHO, BODY_PT, "　");
	/* The cover. */
	pdf_set_y(d, pdf_y(d) + 70 * PDF_MM);
	l = pdf_text(d, PDF_GOTHIC, 22, s->title, NULL, pdf_width(d), 1.3, 0, PANGO_ALIGN_CENTER);
	pdf_flow(d, l, pdf_left(d), 0, 0);
	pdf_outline(d, 0, s->title);
	pdf_set_y(d, pdf_y(d) + 20);
	{
		char *sub = g_strdup_printf("%s\n%s\n%s", s->publisher ? s->publisher : "",
		                            s->version ? s->version : "", guide(w, "cover-note"));
		l = pdf_text(d, PDF_MINCHO, 12, sub, NULL, pdf_width(d), 1.6, 0, PANGO_ALIGN_CENTER);
		pdf_flow(d, l, pdf_left(d), 0, 0);
		g_free(sub);
	}
	pdf_page_new(d, 0);
	heading(&c, 0, NULL, guide(w, "toc"));
	if (prev != NULL) {
		for (i = 0; i < prev->len; i++) {
			const toc_entry *e = &g_array_index(prev, toc_entry, i);
			char num[16];
			PangoLayout *tl, *nl;
			double x = pdf_left(d) + (e->depth > 0 ? e->depth : 0) * c.em, y;
			g_snprintf(num, sizeof num, "%d", e->page);
			tl = pdf_text(d, e->depth == 0 ? PDF_GOTHIC : PDF_MINCHO, 10, e->text, NULL,
			              pdf_left(d) + pdf_width(d) - x - 3 * c.em, 1.4, 0, PANGO_ALIGN_LEFT);
			nl = pdf_text(d, PDF_MINCHO, 10, num, NULL, 3 * c.em, 1.4, 0, PANGO_ALIGN_RIGHT);
			if (pdf_room(d) < pdf_text_height(tl))
				pdf_page_new(d, 0);
			y = pdf_y(d);
			pdf_put(d, tl, x, y);
			pdf_put(d, nl, pdf_left(d) + pdf_width(d) - 3 * c.em, y);
			pdf_set_y(d, y + pdf_text_height(tl));
		}
	} else {
		size_t n = s->nsections + 2 + s->ntables;
		PangoLayout *probe = pdf_text(d, PDF_MINCHO, 10, "目", NULL, pdf_width(d), 1.4, 0,
		                              PANGO_ALIGN_LEFT);
		double lh = pdf_text_height(probe);
		for (i = 0; i < n; i++) {
			if (pdf_room(d) < lh)
				pdf_page_new(d, 0);
			pdf_set_y(d, pdf_y(d) + lh);
		}
	}
	pdf_page_new(d, 0);
	{
		toc_entry te;
		te.depth = 0;
		te.text = g_strdup(guide(w, "clauses"));
		te.page = pdf_page_count(d);
		g_array_append_val(*mine, te);
	}
	heading(&c, 0, NULL, guide(w, "clauses"));
	ok = guide_body(&c, s, w, *mine, env, err);
	for (t = 0; ok && t < s->ntables; t++) {
		toc_entry te;
		te.depth = 0;
		te.text = g_strdup_printf("%s\u2002%s", guide(w, "table"),
		                          s->tables[t].title ? s->tables[t].title : s->tables[t].id);
		te.page = pdf_page_count(d) + 1;
		g_array_append_val(*mine, te);
		guide_matrix(&c, s, t, w);
	}
	if (!ok) {
		pdf_doc_free(d);
		return NULL;
	}
	return d;
}

int render_pdf_guideline(const sp_source *s, const render_pdf_words *words, const char *date,
                         FILE *warn, char **out, size_t *len, cg_err *err)
{
	GArray *prev = NULL, *mine = NULL;
	pdf_env *env = pdf_env_new(warn, err);
	pdf_doc *d = NULL;
	char *dt = NULL, *creator = NULL;
	pdf_meta meta;
	chrome_ud cu;
	int ok = 0, pass;

	if (env == NULL)
		goto out;
	dt = pdf_date(date ? date : s->version, "1970-01-01");
	if (strlen(dt) != 10 || dt[4] != '-' || dt[7] != '-') {
		g_free(dt);
		dt = g_strdup("1970-01-01");
	}
	creator = g_strdup_printf("clausegen %s", CLAUSEGEN_VERSION);
	meta.title = s->title;
	meta.author = s->publisher;
	meta.subject = s->id;
	meta.creator = creator;
	meta.date = dt;
	/* The contents need the page of every heading, known only after
	 * layout: lay out, then again with the contents printed, until the
	 * pages stop moving (two passes, three when the contents grew). */
	for (pass = 0; pass < 4; pass++) {
		guint i;
		int same;
		pdf_doc_free(d);
		d = guide_pass(env, s, words, &meta, prev, &mine, err);
		if (d == NULL)
			goto out;
		same = prev != NULL && prev->len == mine->len;
		for (i = 0; same && i < mine->len; i++)
			same = g_array_index(prev, toc_entry, i).page == g_array_index(mine, toc_entry, i).page;
		toc_free(prev);
		prev = mine;
		mine = NULL;
		if (same)
			break;
	}
	cu.title = s->title;
	cu.right = s->publisher ? s->publisher : s->id;
	ok = pdf_doc_finish(d, guide_chrome, &cu, out, len, err);
out:
	pdf_doc_free(d);
	toc_free(prev);
	toc_free(mine);
	g_free(dt);
	g_free(creator);
	pdf_env_free(env);
	return ok;
}

/* ---- the module's one export (pdfmod.h) ---- */

#ifndef CLAUSEGEN_VERSION
#define CLAUSEGEN_VERSION "unknown"
#endif

CG_PDF_EXPORT const cg_pdf_backend clausegen_pdf_backend = {
	.abi = CG_PDF_ABI,
	.size = sizeof(cg_pdf_backend),
	.layout = CG_PDF_LAYOUT,
	.version = CLAUSEGEN_VERSION,
	.render_contract = render_pdf_contract,
	.words_load = render_pdf_words_load,
	.guideline = render_pdf_guideline,
	.words_free = render_pdf_words_free,
};
