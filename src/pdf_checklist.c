/* pdf_checklist.c: the selection, delivery and periodic checklists of a
 * contract (see pdf_checklist.h), an official form: title centred, the
 * contract's block, a thin ruled table whose header repeats on every page,
 * □ boxes, and the signature block. */
#include "pdf_checklist.h"

#include <glib.h>
#include <string.h>

#include "ynode.h"

#define MARGIN_MM 20.0
#define CELL_PT 9.0

typedef struct {
	char *name, *title, *purpose;
	int annex_only;     /* rows: annex (else documents) */
} cl_kind;

struct pdf_cl_words {
	cl_kind *kinds;
	size_t nkinds;
	GHashTable *words;  /* "header.contract" -> text … */
	char *boxes[3];
};

static const char *const kind_names[] = { "checklist-selection", "checklist-delivery",
	                                  "checklist-periodic", NULL };
static const char *const top_keys[] = { "checklists", "header", "columns", "boxes", "footer",
	                                NULL };
static const struct {
	const char *map;
	const char *const keys[8];
} groups[] = {
	{ "header", { "contract", "number", "vendor", "orderer", "date", "date-blank", NULL } },
	{ "columns", { "no", "annex", "requirement", "check", "note", NULL } },
	{ "footer", { "checker", "date", "seal", "date-blank", NULL } },
};

pdf_cl_words *pdf_checklist_words_load(const char *path, cg_err *err)
{
	static const char *const kind_keys[] = { "title", "purpose", "rows", NULL };
	pdf_cl_words *w = g_new0(pdf_cl_words, 1);
	size_t i, j;
	ynode *root;
	const ynode *cls, *bx;
	int ok = 0;

	w->words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	root = yn_load(path, err);
	if (root == NULL || !yn_check_keys(root, top_keys, "checklists.yaml", path, err))
		goto out;
	cls = yn_get(root, "checklists");
	if (cls == NULL || cls->type != YN_MAP || cls->n == 0) {
		cg_err_set(err, CG_EINPUT, path, cls ? cls->line : 1, cls ? cls->col : 1,
		           "'checklists' must map each checklist to {title, purpose, rows}");
		goto out;
	}
	/* Every checklist build can write needs its wording here, and a
	 * misspelt name would otherwise surface only when that checklist is
	 * built, without a position. */
	if (!yn_check_keys(cls, kind_names, "checklists", path, err))
		goto out;
	for (i = 0; kind_names[i] != NULL; i++)
		if (yn_get(cls, kind_names[i]) == NULL) {
			cg_err_set(err, CG_EINPUT, path, cls->line, cls->col,
			           "'checklists' has no wording for '%s'", kind_names[i]);
			goto out;
		}
	w->kinds = g_new0(cl_kind, cls->n);
	for (i = 0; i < cls->n; i++) {
		const ynode *k = YN_KEY(cls, i), *v = YN_VAL(cls, i), *rows;
		cl_kind *ck = &w->kinds[w->nkinds++];
		ck->name = g_strdup(k->str);
		if (v->type != YN_MAP || !yn_check_keys(v, kind_keys, k->str, path, err) ||
		    !yn_want_text(yn_get(v, "title"), v, "title", path, err) ||
		    !yn_want_text(yn_get(v, "purpose"), v, "purpose", path, err) ||
		    !yn_want_text(yn_get(v, "rows"), v, "rows", path, err)) {
			cg_err_set(err, CG_EINPUT, path, v->line, v->col,
			           "checklist '%s' must be {title, purpose, rows}", k->str);
			goto out;
		}
		ck->title = g_strdup(yn_get(v, "title")->str);
		ck->purpose = g_strdup(yn_get(v, "purpose")->str);
		rows = yn_get(v, "rows");
		if (strcmp(rows->str, "annex") == 0) {
			ck->annex_only = 1;
		} else if (strcmp(rows->str, "documents") != 0) {
			cg_err_set(err, CG_EINPUT, path, rows->line, rows->col,
			           "'rows' is 'documents' (every clause of the documents) or 'annex' "
			           "(the clauses the contract binds), not '%s'", rows->str);
			goto out;
		}
	}
	for (i = 0; i < G_N_ELEMENTS(groups); i++) {
		const ynode *m = yn_get(root, groups[i].map);
		if (m == NULL || m->type != YN_MAP) {
			cg_err_set(err, CG_EINPUT, path, m ? m->line : 1, m ? m->col : 1,
			           "'%s' must be a map of texts", groups[i].map);
			goto out;
		}
		if (!yn_check_keys(m, groups[i].keys, groups[i].map, path, err))
			goto out;
		for (j = 0; groups[i].keys[j] != NULL; j++) {
			const ynode *v = yn_get(m, groups[i].keys[j]);
			if (!yn_want_text(v, m, groups[i].keys[j], path, err))
				goto out;
			g_hash_table_insert(w->words,
			                    g_strdup_printf("%s.%s", groups[i].map, groups[i].keys[j]),
			                    g_strdup(v->str));
		}
	}
	bx = yn_get(root, "boxes");
	if (bx == NULL || bx->type != YN_SEQ || bx->n != 3) {
		cg_err_set(err, CG_EINPUT, path, bx ? bx->line : 1, bx ? bx->col : 1,
		           "'boxes' must list the three answers (適合, 不適合, 該当なし)");
		goto out;
	}
	for (i = 0; i < 3; i++) {
		if (!yn_want_text(bx->items[i], bx, "a box", path, err))
			goto out;
		w->boxes[i] = g_strdup(bx->items[i]->str);
	}
	ok = 1;
out:
	yn_free(root);
	if (!ok) {
		pdf_checklist_words_free(w);
		return NULL;
	}
	return w;
}

void pdf_checklist_words_free(pdf_cl_words *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nkinds; i++) {
		g_free(w->kinds[i].name);
		g_free(w->kinds[i].title);
		g_free(w->kinds[i].purpose);
	}
	g_free(w->kinds);
	for (i = 0; i < 3; i++)
		g_free(w->boxes[i]);
	g_hash_table_destroy(w->words);
	g_free(w);
}

static const cl_kind *find_kind(const pdf_cl_words *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nkinds; i++)
		if (strcmp(w->kinds[i].name, name) == 0)
			return &w->kinds[i];
	return NULL;
}

int pdf_checklist_known(const pdf_cl_words *w, const char *name)
{
	return find_kind(w, name) != NULL;
}

static const char *word(const pdf_cl_words *w, const char *key)
{
	const char *v = g_hash_table_lookup(w->words, key);

	return v ? v : "";
}

/* ---- rows ---- */

typedef struct {
	GPtrArray *out, *tops;
	int annex_only;
	const doc_node *top;
} rows_ctx;

static void collect(const doc_node *n, int enter, void *ud)
{
	rows_ctx *r = ud;

	if (enter && n->depth == 0)
		r->top = n;
	/* The annex binds what the contract's verdict puts in the documents;
	 * the spec may also announce items for evaluation only. */
	if (enter && n->is_clause && (!r->annex_only || sel_in_documents(n->verdict))) {
		g_ptr_array_add(r->out, (gpointer)n);
		if (r->tops)
			g_ptr_array_add(r->tops, (gpointer)r->top);
	}
}

static GPtrArray *rows_of(const doc_model *m, const cl_kind *k, GPtrArray *tops)
{
	rows_ctx r;

	r.out = g_ptr_array_new();
	r.tops = tops;
	r.top = NULL;
	r.annex_only = k ? k->annex_only : 1;
	doc_walk(m, collect, &r);
	return r.out;
}

GPtrArray *pdf_checklist_rows(const doc_model *m, const pdf_cl_words *w, const char *name)
{
	return rows_of(m, find_kind(w, name), NULL);
}

/* ---- drawing ---- */

typedef struct {
	const char *title, *id;
} cl_chrome;

static void chrome(pdf_doc *d, cairo_t *cr, int pg, int npages, void *ud)
{
	const cl_chrome *u = ud;
	double m = pdf_margin(d), w = pdf_page_width(d), h = pdf_page_height(d);
	char num[32];

	g_snprintf(num, sizeof num, "%d / %d", pg, npages);
	pdf_draw_text(d, cr, PDF_MINCHO, 9, num, w / 2, h - m + 8, PANGO_ALIGN_CENTER);
	pdf_draw_text(d, cr, PDF_MINCHO, 7, u->id, m, h - m + 9, PANGO_ALIGN_LEFT);
	if (pg > 1)
		pdf_draw_text(d, cr, PDF_GOTHIC, 8, u->title, w - m, m - 16, PANGO_ALIGN_RIGHT);
}

/* The contract's block: label cells shaded, values beside them. */
static void contract_block(pdf_doc *d, const pdf_cl_words *w, const ct_contract *ct)
{
	const char *keys[] = { "header.contract", "header.number", "header.vendor",
		               "header.orderer" };
	char *orderer = pdf_orderer_line(ct->orderer, ct->department);
	const char *vals[] = { ct->title, ct->number, ct->vendor, orderer };
	double lw = 28 * PDF_MM, x = pdf_left(d), pad = 3;
	double y = pdf_y(d);
	size_t i;

	pdf_rule(d, x, y, x + pdf_width(d), y, 0.5);
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		PangoLayout *lab, *val;
		double h;
		if (vals[i] == NULL || *vals[i] == '\0')
			continue;
		lab = pdf_text(d, PDF_GOTHIC, 9.5, word(w, keys[i]), NULL, lw - 2 * pad, 1.2, 0,
		               PANGO_ALIGN_CENTER);
		val = pdf_text(d, PDF_MINCHO, 10, vals[i], NULL, pdf_width(d) - lw - 2 * pad, 1.2, 0,
		               PANGO_ALIGN_LEFT);
		h = MAX(pdf_text_height(lab), pdf_text_height(val)) + 2 * pad;
		pdf_fill(d, x, y, lw, h, 0.92);
		pdf_put(d, lab, x + pad, y + (h - pdf_text_height(lab)) / 2);
		pdf_put(d, val, x + lw + pad, y + (h - pdf_text_height(val)) / 2);
		pdf_rule(d, x, y, x, y + h, 0.5);
		pdf_rule(d, x + lw, y, x + lw, y + h, 0.5);
		pdf_rule(d, x + pdf_width(d), y, x + pdf_width(d), y + h, 0.5);
		pdf_rule(d, x, y + h, x + pdf_width(d), y + h, 0.5);
		y += h;
	}
	pdf_set_y(d, y);
	g_free(orderer);
}

/* 確認者 [        ] 日付 [  年  月  日 ] 印 [ ]: kept whole on one page. */
static void signature_block(pdf_doc *d, const pdf_cl_words *w)
{
	double h = 15 * PDF_MM, x = pdf_left(d), W = pdf_width(d), y, pad = 3;
	double lw = 18 * PDF_MM, seal = 18 * PDF_MM;
	double namew = (W - 2 * lw - seal - 12 * PDF_MM) * 0.55;
	double datew = W - 2 * lw - seal - 12 * PDF_MM - namew;
	double xs[7];
	PangoLayout *l;
	int i;

	if (pdf_room(d) < h + 10)
		pdf_page_new(d, 0);
	pdf_set_y(d, pdf_y(d) + 10);
	y = pdf_y(d);
	xs[0] = x;
	xs[1] = xs[0] + lw;
	xs[2] = xs[1] + namew;
	xs[3] = xs[2] + lw;
	xs[4] = xs[3] + datew;
	xs[5] = xs[4] + 12 * PDF_MM;
	xs[6] = x + W;
	pdf_fill(d, xs[0], y, lw, h, 0.92);
	pdf_fill(d, xs[2], y, lw, h, 0.92);
	pdf_fill(d, xs[4], y, xs[5] - xs[4], h, 0.92);
	pdf_box(d, x, y, W, h, 0.6);
	for (i = 1; i < 6; i++)
		pdf_rule(d, xs[i], y, xs[i], y + h, 0.5);
	l = pdf_text(d, PDF_GOTHIC, 10, word(w, "footer.checker"), NULL, lw - 2 * pad, 1, 0,
	             PANGO_ALIGN_CENTER);
	pdf_put(d, l, xs[0] + pad, y + (h - pdf_text_height(l)) / 2);
	l = pdf_text(d, PDF_GOTHIC, 10, word(w, "footer.date"), NULL, lw - 2 * pad, 1, 0,
	             PANGO_ALIGN_CENTER);
	pdf_put(d, l, xs[2] + pad, y + (h - pdf_text_height(l)) / 2);
	l = pdf_text(d, PDF_MINCHO, 10, word(w, "footer.date-blank"), NULL, datew - 2 * pad, 1, 0,
	             PANGO_ALIGN_RIGHT);
	pdf_put(d, l, xs[3] + pad, y + (h - pdf_text_height(l)) / 2);
	l = pdf_text(d, PDF_GOTHIC, 10, word(w, "footer.seal"), NULL, xs[5] - xs[4] - 2 * pad, 1, 0,
	             PANGO_ALIGN_CENTER);
	pdf_put(d, l, xs[4] + pad, y + (h - pdf_text_height(l)) / 2);
	/* The seal's place: a circle guide would be unusual; an empty box is
	 * what city forms print. */
	pdf_set_y(d, y + h);
}

int pdf_checklist_render(pdf_env *env, const doc_model *m, const pdf_cl_words *w,
                         const char *name, const char *date, char **out, size_t *len,
                         cg_err *err)
{
	const ct_contract *ct = m->sel->ct;
	const cl_kind *k = find_kind(w, name);
	GPtrArray *rows, *tops;
	pdf_meta meta;
	pdf_doc *d;
	pdf_table *t;
	PangoLayout *l, *cells[5], *box_cell;
	char *author, *creator, *subject, *boxes, *datefield;
	const char *heads[5];
	double widths[5] = { 10 * PDF_MM, 25 * PDF_MM, 0, 27 * PDF_MM, 30 * PDF_MM };
	const doc_node *group = NULL;
	cl_chrome cc;
	guint i;
	int ok;

	if (k == NULL) {
		cg_err_set(err, CG_EINPUT, NULL, 0, 0, "no wording for checklist '%s' in checklists.yaml",
		           name);
		return 0;
	}
	/* Made only now: created before the check above, it leaked for an
	 * unknown checklist (valgrind in CI). */
	tops = g_ptr_array_new();
	author = pdf_orderer_line(ct->orderer, ct->department);
	creator = g_strdup_printf("clausegen %s", CLAUSEGEN_VERSION);
	subject = ct->number ? g_strdup_printf("%s（%s）", ct->title, ct->number) : g_strdup(ct->title);
	meta.title = k->title;
	meta.author = author;
	meta.subject = subject;
	meta.creator = creator;
	meta.date = date;
	d = pdf_doc_new(env, &meta, MARGIN_MM);
	pdf_gather_rules(d); /* a ruled table on every page */
	pdf_page_new(d, 0);

	/* Date field at the top right, then the centred title. */
	datefield = g_strdup_printf("%s　　　　%s", word(w, "header.date"), word(w, "header.date-blank"));
	l = pdf_text(d, PDF_MINCHO, 10, datefield, NULL, pdf_width(d), 1.2, 0, PANGO_ALIGN_RIGHT);
	pdf_flow(d, l, pdf_left(d), 0, 0);
	g_free(datefield);
	pdf_set_y(d, pdf_y(d) + 8);
	l = pdf_text(d, PDF_GOTHIC, 15, k->title, NULL, pdf_width(d), 1.2, 0, PANGO_ALIGN_CENTER);
	pdf_flow(d, l, pdf_left(d), 0, 0);
	pdf_outline(d, 0, k->title);
	pdf_set_y(d, pdf_y(d) + 10);
	contract_block(d, w, ct);
	pdf_set_y(d, pdf_y(d) + 6);
	l = pdf_text(d, PDF_MINCHO, 9, k->purpose, NULL, pdf_width(d), 1.35, 9, PANGO_ALIGN_LEFT);
	pdf_flow(d, l, pdf_left(d), 0, 0);
	pdf_set_y(d, pdf_y(d) + 6);

	widths[2] = pdf_width(d) - widths[0] - widths[1] - widths[3] - widths[4];
	heads[0] = word(w, "columns.no");
	heads[1] = word(w, "columns.annex");
	heads[2] = word(w, "columns.requirement");
	heads[3] = word(w, "columns.check");
	heads[4] = word(w, "columns.note");
	boxes = g_strdup_printf("□ %s\n□ %s\n□ %s", w->boxes[0], w->boxes[1], w->boxes[2]);
	t = pdf_table_new(d, 5, widths, heads, 9, 3);
	/* Every row's 確認欄 is the same text at the same width: one layout,
	 * shaped once and placed on every row. */
	box_cell = pdf_text(d, PDF_MINCHO, CELL_PT, boxes, NULL, pdf_table_text_width(t, 3), 1.45, 0,
	                    PANGO_ALIGN_LEFT);
	pdf_keep(d, box_cell);
	rows = rows_of(m, k, tops);
	for (i = 0; i < rows->len; i++) {
		const doc_node *n = g_ptr_array_index(rows, i);
		const doc_node *top = g_ptr_array_index(tops, i);
		char *req, *plain, num[16];

		/* Rows are grouped under their top-level section. */
		if (top != group && top != NULL && !top->is_clause) {
			char *gt = g_strdup_printf("%s\u2002%s", top->label, top->title ? top->title : "");
			pdf_outline(d, 1, gt);
			pdf_table_span(t, pdf_text(d, PDF_GOTHIC, 9.5, gt, NULL, pdf_width(d) - 6, 1.2, 0,
			                           PANGO_ALIGN_LEFT));
			g_free(gt);
			group = top;
		}
		plain = pdf_md_plain(n->body);
		req = n->title ? g_strdup_printf("%s\n%s", n->title, plain) : g_strdup(plain);
		g_snprintf(num, sizeof num, "%u", i + 1);
		cells[0] = pdf_text(d, PDF_MINCHO, CELL_PT, num, NULL, pdf_table_text_width(t, 0), 1.3,
		                    0, PANGO_ALIGN_CENTER);
		cells[1] = pdf_text(d, PDF_MINCHO, CELL_PT, n->path, NULL, pdf_table_text_width(t, 1),
		                    1.3, 0, PANGO_ALIGN_LEFT);
		cells[2] = pdf_text(d, PDF_MINCHO, CELL_PT, req, NULL, pdf_table_text_width(t, 2), 1.35,
		                    0, PANGO_ALIGN_LEFT);
		cells[3] = box_cell;
		cells[4] = NULL;
		pdf_table_row(t, cells);
		g_free(plain);
		g_free(req);
	}
	pdf_table_end(t);
	g_ptr_array_unref(rows);
	g_ptr_array_unref(tops);
	signature_block(d, w);
	cc.title = k->title;
	cc.id = ct->id;
	ok = pdf_doc_finish(d, chrome, &cc, out, len, err);
	pdf_doc_free(d);
	g_free(boxes);
	g_free(author);
	g_free(creator);
	g_free(subject);
	return ok;
}
