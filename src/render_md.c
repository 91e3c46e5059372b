#include <glib.h>
#include <string.h>

#include <cmark.h>

#include "labels.h"
#include "render.h"
#include "tmpl.h"
#include "util.h"
#include "ynode.h"

/* Heading text for each verdict group, in the order of the report. */
static const struct {
	sp_verdict v;
	const char *head;
} groups[] = {
	{ V_REQUIRED, "必須（required）" },
	{ V_OPTIONAL, "選択（optional）" },
	{ V_INCLUDED, "通常サービスに含まれる（included）" },
};

/* Text that came from YAML goes into Markdown inline positions: escape the
 * characters CommonMark would read as markup. */
static void md_inline(GString *out, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "\\`*_[]<>#|!&\n");
		util_append(out, s, (size_t)n);
		s += n;
		if (*s == '\0')
			return;
		if (*s == '\n') {
			g_string_append_c(out, ' ');
		} else {
			g_string_append_c(out, '\\');
			g_string_append_c(out, *s);
		}
		s++;
	}
}

static void field(GString *out, const char *label, const char *value)
{
	if (value == NULL)
		return;
	g_string_append_printf(out, "- %s: ", label);
	md_inline(out, value);
	g_string_append_c(out, '\n');
}

void render_md_selection_to(GString *out, const sel_result *r)
{
	const sp_source *s = r->src;
	const ct_contract *c = r->ct;
	size_t i, g, count;

	UTIL_APPEND_LIT(out, "# 選定結果: ");
	md_inline(out, c->title);
	UTIL_APPEND_LIT(out, "\n\n");
	field(out, "契約ID", c->id);
	field(out, "契約番号", c->number);
	field(out, "発注者", c->orderer);
	field(out, "担当部署", c->department);
	field(out, "受託者", c->vendor);
	field(out, "日付", c->date);
	field(out, "基準", s->title);
	field(out, "発行者", s->publisher);
	field(out, "版", s->version);
	if (s->nclasses > 0)
		field(out, "重要性分類", s->classes[c->klass].name);
	if (c->category >= 0)
		field(out, "委託する業務の分類", s->cats[c->category].name);
	for (i = 0; i < s->nattrs; i++)
		if (c->attr_values[i] != NULL) {
			char *v = g_strdup_printf("%s（%s）= %s", s->attrs[i].name, s->attrs[i].id,
			                          c->attr_values[i]);
			field(out, "属性", v);
			g_free(v);
		}
	g_string_append_printf(out, "- 出典: %s（SHA-256 %s）\n", s->id, s->hash);
	g_string_append_printf(out, "- 作成: clausegen %s\n", render_version());
	for (g = 0; g < G_N_ELEMENTS(groups); g++) {
		for (i = count = 0; i < r->n; i++)
			count += r->items[i].verdict == groups[g].v;
		if (count == 0)
			continue;
		g_string_append_printf(out, "\n## %s: %zu件\n", groups[g].head, count);
		for (i = 0; i < r->n; i++) {
			const sel_item *it = &r->items[i];
			if (it->verdict != groups[g].v)
				continue;
			UTIL_APPEND_LIT(out, "\n### ");
			util_append_str(out, it->clause->number);
			g_string_append_c(out, ' ');
			md_inline(out, spec_clause_title(s, it->clause));
			UTIL_APPEND_LIT(out, "\n\n");
			util_append_str(out, it->clause->body);
			UTIL_APPEND_LIT(out, "\n\n理由: ");
			md_inline(out, it->reason);
			g_string_append_c(out, '\n');
		}
	}
	for (i = count = 0; i < r->n; i++)
		count += r->items[i].verdict == V_NOT_APPLICABLE;
	if (count > 0) {
		g_string_append_printf(out, "\n## 対象外（not-applicable）: %zu件\n\n", count);
		for (i = 0; i < r->n; i++)
			if (r->items[i].verdict == V_NOT_APPLICABLE) {
				UTIL_APPEND_LIT(out, "- ");
				util_append_str(out, r->items[i].clause->number);
				g_string_append_c(out, ' ');
				util_append_str(out, r->items[i].clause->id);
				UTIL_APPEND_LIT(out, ": ");
				md_inline(out, r->items[i].reason);
				g_string_append_c(out, '\n');
			}
	}
}

char *render_md_selection(const sel_result *r)
{
	GString *out = g_string_new(NULL);

	render_md_selection_to(out, r);
	return g_string_free(out, FALSE);
}

char *render_md_escape(const char *s)
{
	GString *o = g_string_new(NULL);

	md_inline(o, s);
	return g_string_free(o, FALSE);
}

typedef struct {
	GString *o;
	const lb_labels *lb;
	doc_kind kind;
} md_ctx;

/* Sections become headings (## for 第1 …); a clause is a paragraph that
 * opens with its label, so the Markdown reads like the printed annex and
 * parses back into the same structure. */
static void md_node(const doc_node *n, int enter, void *ud)
{
	md_ctx *c = ud;
	GString *o = c->o;
	const char *mark;

	if (!enter)
		return;
	if (!n->is_clause) {
		int h = n->depth + 2 > 6 ? 6 : n->depth + 2;
		g_string_append_printf(o, "\n%.*s %s　", h, "######", n->label);
		md_inline(o, n->title);
		g_string_append_c(o, '\n');
		return;
	}
	mark = labels_marker(c->lb, n, c->kind);
	g_string_append_printf(o, "\n%s　", n->label);
	if (n->title) {
		UTIL_APPEND_LIT(o, "**");
		md_inline(o, n->title);
		UTIL_APPEND_LIT(o, "**\n\n");
	}
	util_append_str(o, n->body);
	if (mark[0]) {
		UTIL_APPEND_LIT(o, "\n\n");
		md_inline(o, mark);
	}
	g_string_append_c(o, '\n');
}

static void md_rows(GString *o, const ynode *cols, const ynode *rows, int level)
{
	size_t i, j;

	for (i = 0; rows && i < rows->n; i++) {
		const ynode *r = rows->items[i], *items = yn_get(r, "items");
		int first = 1;
		g_string_append_printf(o, "%*s- ", level * 2, "");
		for (j = 0; j < cols->n; j++) {
			const ynode *id = yn_get(cols->items[j], "id");
			const ynode *name = yn_get(cols->items[j], "name");
			const ynode *v = id ? yn_get(r, id->str) : NULL;
			if (v == NULL || v->type != YN_SCALAR)
				continue;
			if (!first)
				UTIL_APPEND_LIT(o, " / ");
			if (j > 1 && name && name->type == YN_SCALAR) {
				md_inline(o, name->str);
				UTIL_APPEND_LIT(o, ": ");
			}
			md_inline(o, v->str);
			first = 0;
		}
		g_string_append_c(o, '\n');
		if (items && items->type == YN_SEQ)
			md_rows(o, cols, items, level + 1);
	}
}

typedef struct {
	const doc_model *m;
	md_ctx c;
} md_doc;

static void md_body(GString *out, const void *ud)
{
	const md_doc *d = ud;
	md_ctx c = d->c;

	c.o = out;
	doc_walk(d->m, md_node, &c);
}

static void md_apps(GString *out, const void *ud)
{
	const doc_model *m = ((const md_doc *)ud)->m;
	const sp_source *s = m->sel->src;
	size_t i;

	for (i = 0; i < m->napps; i++) {
		const sp_appendix *a = &s->apps[m->apps[i]];
		const ynode *cols = yn_get(a->meta, "columns");
		UTIL_APPEND_LIT(out, "\n## ");
		md_inline(out, a->title);
		g_string_append_printf(out, "\n\n%s\n\n", a->body);
		if (cols && cols->type == YN_SEQ)
			md_rows(out, cols, yn_get(a->meta, "rows"), 0);
	}
}

int render_md_doc_to(GString *out, const doc_model *m, doc_kind k, const char *tmpl,
                     const char *tmpl_path, const lb_labels *lb, cg_err *err)
{
	md_doc d = { m, { NULL, lb, k } };
	/* As in render_html.c: every node and appendix prints something. */
	const tmpl_raw raw[] = {
		{ "body", m->root->nkids == 0, md_body, &d },
		{ "appendices", m->napps == 0, md_apps, &d },
		{ NULL, 0, NULL, NULL },
	};
	GHashTable *f = doc_fields(m, k);
	int ok = tmpl_expand(tmpl, tmpl_path, f, raw, m, render_md_escape, out, err);

	g_hash_table_unref(f);
	return ok;
}

char *render_md_doc(const doc_model *m, doc_kind k, const char *tmpl, const char *tmpl_path,
                    const lb_labels *lb, cg_err *err)
{
	GString *out = g_string_new(NULL);

	if (!render_md_doc_to(out, m, k, tmpl, tmpl_path, lb, err)) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}
