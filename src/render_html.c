/* render_html.c: the HTML back-end of the procurement spec and the contract
 * annex. Walks the document model; page chrome and fixed wording come from
 * templates/<kind>.html and templates/labels.yaml. */
#include <cmark.h>
#include <glib.h>
#include <string.h>

#include "labels.h"
#include "render.h"
#include "tmpl.h"
#include "util.h"

/* Runs without a special character are copied whole (most of a Japanese
 * text). */
void render_html_escape_append(GString *o, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "&<>\"'");
		util_append(o, s, (size_t)n);
		s += n;
		switch (*s) {
		case '\0': return;
		case '&': UTIL_APPEND_LIT(o, "&amp;"); break;
		case '<': UTIL_APPEND_LIT(o, "&lt;"); break;
		case '>': UTIL_APPEND_LIT(o, "&gt;"); break;
		case '"': UTIL_APPEND_LIT(o, "&quot;"); break;
		default: UTIL_APPEND_LIT(o, "&#39;"); break;
		}
		s++;
	}
}

char *render_html_escape(const char *s)
{
	GString *o = g_string_sized_new(strlen(s) + 8);

	render_html_escape_append(o, s);
	return g_string_free(o, FALSE);
}

int render_inline_needs_url(cmark_node *n)
{
	cmark_node *kid = cmark_node_first_child(n);
	const char *first = kid ? cmark_node_get_literal(kid) : NULL;

	return first == NULL || strcmp(first, cmark_node_get_url(n)) != 0 ||
	       cmark_node_next(kid) != NULL;
}

/* Replaces the link or image `n` (freed) by its children and, when needed,
 * its address. */
static void inline_as_text(cmark_node *n)
{
	cmark_node *kid;

	if (render_inline_needs_url(n)) {
		cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
		char *txt = g_strconcat("（", cmark_node_get_url(n), "）", NULL);
		cmark_node_set_literal(t, txt);
		g_free(txt);
		cmark_node_append_child(n, t);
	}
	while ((kid = cmark_node_first_child(n)) != NULL)
		cmark_node_insert_before(n, kid);
	cmark_node_free(n);
}

char *render_md_html(const char *md, int (*as_text)(cmark_node *n))
{
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	GPtrArray *found = NULL;
	cmark_event_type ev;
	char *h;
	guint i;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && as_text(n)) {
			if (found == NULL)
				found = g_ptr_array_new();
			g_ptr_array_add(found, n);
		}
	}
	/* Replaced after the walk: the iterator must not see nodes freed. */
	cmark_iter_free(it);
	for (i = 0; found != NULL && i < found->len; i++)
		inline_as_text(g_ptr_array_index(found, i));
	if (found != NULL)
		g_ptr_array_free(found, TRUE);
	h = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	cmark_node_free(doc);
	return h;
}

/* In a clause or appendix body every image is printed as text, as the PDF
 * prints it: an <img> would make the annex load something from elsewhere
 * (or show a broken picture, nothing is copied next to the document) and
 * change after signing. Raw HTML is dropped: a source cannot inject markup
 * into a signed document. */
static int is_image(cmark_node *n)
{
	return cmark_node_get_type(n) == CMARK_NODE_IMAGE;
}

char *render_body_html(const char *md)
{
	return render_md_html(md, is_image);
}

typedef struct {
	GString *o;
	const lb_labels *lb;
	doc_kind kind;
} html_ctx;

/* A number in decimal: printf's machinery was a tenth of the documents'
 * rendering for three numbers per clause. */
static void append_int(GString *o, int v)
{
	char b[24];

	util_append_str(o, util_decimal(b, v));
}

static void html_node(const doc_node *n, int enter, void *ud)
{
	html_ctx *c = ud;
	GString *o = c->o;

	if (!n->is_clause) {
		int h = n->depth + 2 > 6 ? 6 : n->depth + 2;
		if (!enter) {
			UTIL_APPEND_LIT(o, "</section>\n");
			return;
		}
		UTIL_APPEND_LIT(o, "<section class=\"sec depth-");
		append_int(o, n->depth);
		UTIL_APPEND_LIT(o, "\" id=\"sec-");
		render_html_escape_append(o, n->section->id);
		UTIL_APPEND_LIT(o, "\">\n<h");
		append_int(o, h);
		UTIL_APPEND_LIT(o, "><span class=\"num\">");
		render_html_escape_append(o, n->label);
		UTIL_APPEND_LIT(o, "</span>");
		render_html_escape_append(o, n->title);
		UTIL_APPEND_LIT(o, "</h");
		append_int(o, h);
		UTIL_APPEND_LIT(o, ">\n");
		return;
	}
	if (enter) {
		const char *mark = labels_marker(c->lb, n, c->kind), *html;
		UTIL_APPEND_LIT(o, "<div class=\"clause depth-");
		append_int(o, n->depth);
		UTIL_APPEND_LIT(o, "\" id=\"");
		render_html_escape_append(o, n->clause->id);
		UTIL_APPEND_LIT(o, "\">\n<span class=\"num\">");
		render_html_escape_append(o, n->label);
		UTIL_APPEND_LIT(o, "</span>\n<div class=\"text\">\n");
		if (n->title) {
			UTIL_APPEND_LIT(o, "<p class=\"title\">");
			render_html_escape_append(o, n->title);
			UTIL_APPEND_LIT(o, "</p>\n");
		}
		html = n->body_html;
		/* The source cache keeps each body's HTML: the same Markdown
		 * (no party renamed in it) is the same HTML. */
		if (html == NULL && n->clause->body_html != NULL && strcmp(n->body, n->clause->body) == 0)
			html = n->clause->body_html;
		if (html == NULL) /* rendered once for spec and annex: the node's cache only */
			html = ((doc_node *)n)->body_html = render_body_html(n->body);
		util_append_str(o, html);
		if (mark[0]) {
			UTIL_APPEND_LIT(o, "<p class=\"mark\">");
			render_html_escape_append(o, mark);
			UTIL_APPEND_LIT(o, "</p>\n");
		}
		UTIL_APPEND_LIT(o, "</div>\n</div>\n");
	}
}

/* An appendix's table: columns from its front matter, rows with optional
 * sub-items (indented). */
static void html_rows(GString *o, const ynode *cols, const ynode *rows, int level)
{
	size_t i, j;

	for (i = 0; rows && i < rows->n; i++) {
		const ynode *r = rows->items[i];
		const ynode *items = yn_get(r, "items");
		g_string_append_printf(o, "<tr class=\"level-%d\">", level);
		for (j = 0; j < cols->n; j++) {
			const ynode *id = yn_get(cols->items[j], "id");
			const ynode *v = id ? yn_get(r, id->str) : NULL;
			UTIL_APPEND_LIT(o, "<td>");
			if (v && v->type == YN_SCALAR)
				render_html_escape_append(o, v->str);
			UTIL_APPEND_LIT(o, "</td>");
		}
		UTIL_APPEND_LIT(o, "</tr>\n");
		if (items && items->type == YN_SEQ)
			html_rows(o, cols, items, level + 1);
	}
}

static void html_appendices(GString *o, const doc_model *m)
{
	const sp_source *s = m->sel->src;
	size_t i, j;

	for (i = 0; i < m->napps; i++) {
		const sp_appendix *a = &s->apps[m->apps[i]];
		const ynode *cols = yn_get(a->meta, "columns");
		const ynode *rows = yn_get(a->meta, "rows");
		char *body = render_body_html(a->body);
		UTIL_APPEND_LIT(o, "<section class=\"appendix\" id=\"app-");
		render_html_escape_append(o, a->id);
		UTIL_APPEND_LIT(o, "\">\n<h2>");
		render_html_escape_append(o, a->title);
		UTIL_APPEND_LIT(o, "</h2>\n");
		util_append_str(o, body);
		free(body);
		if (cols && cols->type == YN_SEQ) {
			UTIL_APPEND_LIT(o, "<table>\n<thead><tr>");
			for (j = 0; j < cols->n; j++) {
				const ynode *name = yn_get(cols->items[j], "name");
				UTIL_APPEND_LIT(o, "<th>");
				if (name && name->type == YN_SCALAR)
					render_html_escape_append(o, name->str);
				UTIL_APPEND_LIT(o, "</th>");
			}
			UTIL_APPEND_LIT(o, "</tr></thead>\n");
			/* No <tbody> without rows: an empty one is invalid to tidy. */
			if (rows != NULL && rows->type == YN_SEQ && rows->n > 0) {
				UTIL_APPEND_LIT(o, "<tbody>\n");
				html_rows(o, cols, rows, 0);
				UTIL_APPEND_LIT(o, "</tbody>\n");
			}
			UTIL_APPEND_LIT(o, "</table>\n");
		}
		UTIL_APPEND_LIT(o, "</section>\n");
	}
}

typedef struct {
	const doc_model *m;
	html_ctx c;
} html_doc;

static void html_body(GString *out, const void *ud)
{
	const html_doc *d = ud;
	html_ctx c = d->c;

	c.o = out;
	doc_walk(d->m, html_node, &c);
}

static void html_apps(GString *out, const void *ud)
{
	html_appendices(out, ((const html_doc *)ud)->m);
}

int render_html_doc_to(GString *out, const doc_model *m, doc_kind k, const char *tmpl,
                       const char *tmpl_path, const lb_labels *lb, cg_err *err)
{
	html_doc d = { m, { NULL, lb, k } };
	/* Every section and clause prints its tags, every appendix its
	 * section: empty exactly when there are none. */
	const tmpl_raw raw[] = {
		{ "body", m->root->nkids == 0, html_body, &d },
		{ "appendices", m->napps == 0, html_apps, &d },
		{ NULL, 0, NULL, NULL },
	};
	GHashTable *f = doc_fields(m, k);
	int ok = tmpl_expand(tmpl, tmpl_path, f, raw, m, render_html_escape, out, err);

	g_hash_table_unref(f);
	return ok;
}

char *render_html_doc(const doc_model *m, doc_kind k, const char *tmpl, const char *tmpl_path,
                      const lb_labels *lb, cg_err *err)
{
	GString *out = g_string_new(NULL);

	if (!render_html_doc_to(out, m, k, tmpl, tmpl_path, lb, err)) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}
