/* site.c: `clausegen publish`, the guideline site (layout in site.h).
 *
 * The pages are made of the source model and of selections run through the
 * Lua rules exactly as `select` runs them; page chrome comes from
 * templates/site/{index,page}.html through the template language of tmpl.c,
 * fixed wording from templates/site/words.yaml. */
#include "site.h"

#include <cmark.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contract.h"
#include "doc.h"
#include "export.h"
#include "out.h"
#include "pdfmod.h"
#include "render.h"
#include "select.h"
#include "tmpl.h"
#include "util.h"
#include "ynode.h"

/* Per-source file recording what the index needs of a source, so that a
 * source published earlier is listed without loading it again. */
#define SOURCE_META ".clausegen-source"

/* Every key of templates/site/words.yaml; a missing or unknown key is an
 * error, so the wording file and the code cannot drift apart. */
static const char *const word_keys[] = {
	"site.title", "site.intro", "index.source", "index.publisher", "index.version",
	"index.clauses", "meta.publisher",
	"meta.version", "meta.id", "meta.clauses", "meta.sha256", "meta.seed", "source.preamble",
	"source.selections", "source.selections.intro", "source.clauses", "source.downloads",
	"source.download.json", "source.download.csv", "source.download.pdf", "source.nodims", "clause.text",
	"clause.section", "clause.when", "clause.unless", "clause.refs", "clause.apps",
	"clause.marks", "clause.norow", "clause.verdicts", "clause.verdicts.intro",
	"clause.provenance", "clause.seed", "clause.file", "clause.note", "clause.prev",
	"clause.next", "table.select", "table.spec", "matrix.title", "matrix.intro",
	"matrix.legend", "matrix.clause", "matrix.verdict", "filter.class", "filter.category",
	"filter.keyword", "filter.all", "filter.count", "sel.title", "sel.intro", "sel.table",
	"sel.attrs", "sel.spec", "sel.counts", "sel.excluded", "sel.matrix", "sel.none",
	"col.number", "col.title", "col.verdict", "col.reason", "col.spec", "verdict.required",
	"verdict.optional", "verdict.not-applicable", "verdict.included", NULL
};

typedef struct {
	ct_contract *ct;
	sel_result *sel;   /* by the source's select_table: what `select` prints */
	sel_result *spec;  /* by its spec_table when that differs, else NULL */
	char *key;         /* CLASS.CATEGORY, CATEGORY, CLASS or "all" */
	char *file;        /* sel-<key>.html */
} site_combo;

typedef struct {
	const site_opts *o;
	ynode *words;
	char *words_path;
	char *t_index, *t_page, *p_index, *p_page;
	char *build_date;  /* NULL unless SOURCE_DATE_EPOCH is set */
	/* the source being published */
	const sp_source *s;
	site_combo *combos;
	size_t nk, nc;     /* classes and categories, at least 1 each */
} site_ctx;

/* ---- wording ---- */

static const char *W(const site_ctx *x, const char *key)
{
	const ynode *n = yn_get(x->words, key);

	return n != NULL && n->type == YN_SCALAR ? n->str : key;
}

static int load_words(site_ctx *x, const char *dir, cg_err *err)
{
	size_t i;

	x->words_path = g_build_filename(dir, "words.yaml", NULL);
	x->words = yn_load(x->words_path, err);
	if (x->words == NULL)
		return 0;
	if (x->words->type != YN_MAP) {
		cg_err_set(err, CG_EINPUT, x->words_path, x->words->line, x->words->col,
		           "the site's wording must be a map of key: text");
		return 0;
	}
	if (!yn_check_keys(x->words, word_keys, "site wording", x->words_path, err))
		return 0;
	for (i = 0; word_keys[i] != NULL; i++) {
		const ynode *n = yn_get(x->words, word_keys[i]);
		if (n == NULL || n->type != YN_SCALAR) {
			cg_err_set(err, CG_EINPUT, x->words_path, n ? n->line : 1, n ? n->col : 1,
			           "'%s' %s", word_keys[i],
			           n ? "must be text" : "is missing from the site's wording");
			return 0;
		}
	}
	return 1;
}

/* ---- HTML helpers ---- */

static void esc(GString *o, const char *s)
{
	render_html_escape_append(o, s ? s : "");
}

/* Appends wording `key` escaped, with its "{}" replaced by `arg`
 * (escaped). */
static void wfmt(GString *o, const site_ctx *x, const char *key, const char *arg)
{
	const char *w = W(x, key), *p = strstr(w, "{}");
	char *head;

	if (p == NULL || arg == NULL) {
		esc(o, w);
		return;
	}
	head = g_strndup(w, (gsize)(p - w));
	esc(o, head);
	esc(o, arg);
	esc(o, p + 2);
	g_free(head);
}

static void tag_text(GString *o, const char *tag, const char *cls, const char *text)
{
	if (cls)
		g_string_append_printf(o, "<%s class=\"%s\">", tag, cls);
	else
		g_string_append_printf(o, "<%s>", tag);
	esc(o, text);
	g_string_append_printf(o, "</%s>\n", tag);
}

static void link(GString *o, const char *href, const char *text)
{
	g_string_append(o, "<a href=\"");
	esc(o, href);
	g_string_append(o, "\">");
	esc(o, text);
	g_string_append(o, "</a>");
}

/* True for a URL that leaves the site: a scheme, a network path, or a path
 * from the server's root (the site may be served from any directory, and
 * site.h promises relative links only: check_site's odd source had
 * [x](/etc/passwd) come out as href="/etc/passwd"). */
static int is_external(const char *url)
{
	const char *p = url;

	if (url[0] == '/')
		return 1;
	while (g_ascii_isalnum(*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return p > url && *p == ':';
}

/* Links that leave the site become their text (and address): the site
 * makes no request to the network, not even on a click, and a standard's
 * printed addresses are often long gone. Images too: an <img> from
 * elsewhere is loaded with the page (check_site's odd source had
 * ![図](https://…) come out as <img src="https://…">). */
static int leaves_site(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);

	return (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) && is_external(cmark_node_get_url(n));
}

/* Markdown to HTML; raw HTML is dropped, so a source cannot put markup or
 * scripts into the site. */
static void markdown(GString *o, const char *md)
{
	char *h = render_md_html(md, leaves_site);

	g_string_append(o, h);
	free(h);
}

static const char *verdict_symbol(sp_verdict v)
{
	static const char *const sym[] = { "○", "△", "×", "※" };

	return v < V_COUNT ? sym[v] : "?";
}

static void verdict_html(GString *o, const site_ctx *x, sp_verdict v)
{
	char key[40];

	g_snprintf(key, sizeof key, "verdict.%s", spec_verdict_name(v));
	g_string_append_printf(o, "<span class=\"v v-%s\">%s ", spec_verdict_name(v),
	                       verdict_symbol(v));
	esc(o, W(x, key));
	g_string_append(o, "</span>");
}

/* The verdict a mark stands for, for colouring; -1 when not in the
 * vocabulary. */
static int mark_verdict(const sp_source *s, const char *mark)
{
	size_t i;

	for (i = 0; mark && i < s->nvocab; i++)
		if (strcmp(s->vocab[i].mark, mark) == 0)
			return (int)s->vocab[i].verdict;
	return -1;
}

static char *clause_file(const sp_clause *c)
{
	return g_strconcat("clause-", c->id, ".html", NULL);
}

static const char *table_role(const site_ctx *x, size_t t)
{
	/* Roles only tell tables apart. */
	if (x->s->ntables < 2)
		return "";
	if (t == x->s->select_table)
		return W(x, "table.select");
	if (t == x->s->spec_table)
		return W(x, "table.spec");
	return "";
}

/* ---- pages through the templates ---- */

static void put(GHashTable *h, const char *k, const char *v)
{
	if (v != NULL)
		g_hash_table_insert(h, (char *)k, g_strdup(v));
}

/* Expands the chrome `tmpl` around `body` and writes dir/name. `s` NULL:
 * the site's own index. */
static int write_page(site_ctx *x, const char *dir, const char *name, const sp_source *s,
                      const char *title, const char *kind, GString *body, cg_err *err)
{
	static sp_source none = { .id = (char *)"site" };
	GHashTable *f = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	GString *out = g_string_new(NULL);
	sel_result fs = { 0 };
	doc_node root = { 0 };
	doc_model fm = { 0 };
	char num[32];
	int ok;

	/* tmpl.c fills fields of a document model; pages have no contract, so
	 * a model with no clauses stands in ({{clause:ID}} prints 該当なし). */
	fs.src = s ? s : &none;
	fm.sel = &fs;
	fm.root = &root;
	put(f, "doc.title", title);
	put(f, "doc.kind", kind);
	if (s != NULL) {
		put(f, "source.id", s->id);
		put(f, "source.title", s->title);
		put(f, "source.publisher", s->publisher);
		put(f, "source.version", s->version);
		put(f, "source.sha256", s->hash);
		g_snprintf(num, sizeof num, "%zu", s->nclauses);
		put(f, "counts.clauses", num);
	}
	put(f, "clausegen.version", render_version());
	put(f, "build.date", x->build_date);
	g_hash_table_insert(f, (char *)"body", g_string_free(body, FALSE));
	ok = tmpl_expand(s ? x->t_page : x->t_index, s ? x->p_page : x->p_index, f, NULL, &fm,
	                 render_html_escape, out, err) &&
	     out_write_file(dir, name, out->str, out->len, err);
	g_hash_table_unref(f);
	g_string_free(out, TRUE);
	return ok;
}

/* ---- selections ---- */

static void combos_free(site_ctx *x)
{
	size_t i;

	for (i = 0; x->combos && i < x->nk * x->nc; i++) {
		sel_free(x->combos[i].sel);
		sel_free(x->combos[i].spec);
		contract_free(x->combos[i].ct);
		g_free(x->combos[i].key);
		g_free(x->combos[i].file);
	}
	g_free(x->combos);
	x->combos = NULL;
}

/* Runs the rules for every class x category as `select` does with no
 * --set: the same contract, bound the same way, by the same function. */
static int run_combos(site_ctx *x, cg_err *err)
{
	const sp_source *s = x->s;
	size_t k, c;

	x->nk = SP_NCLASSES(s);
	x->nc = s->ncats ? s->ncats : 1;
	x->combos = g_new0(site_combo, x->nk * x->nc);
	for (k = 0; k < x->nk; k++)
		for (c = 0; c < x->nc; c++) {
			site_combo *m = &x->combos[k * x->nc + c];
			ct_contract *ct = contract_new();
			const char *kid = s->nclasses ? s->classes[k].id : NULL;
			const char *cid = s->ncats ? s->cats[c].id : NULL;
			m->ct = ct;
			ct->id = g_strdup("command-line");
			ct->title = g_strdup("command line");
			ct->source_id = g_strdup(s->id);
			ct->category_id = g_strdup(cid);
			ct->class_id = g_strdup(kid);
			m->key = kid && cid ? g_strconcat(kid, ".", cid, NULL)
			                    : g_strdup(kid ? kid : cid ? cid : "all");
			m->file = g_strconcat("sel-", m->key, ".html", NULL);
			if (!contract_bind(ct, s, err))
				return 0;
			m->sel = sel_run(ct, x->o->lua, x->o->lim, err);
			if (m->sel == NULL)
				return 0;
			if (s->ntables > 1 && s->spec_table != s->select_table) {
				m->spec = sel_run_table(ct, x->o->lua, x->o->lim, (int)s->spec_table, err);
				if (m->spec == NULL)
					return 0;
			}
		}
	return 1;
}

static size_t combo_count(const site_combo *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->sel->n; i++)
		n += sel_in_documents(m->sel->items[i].verdict);
	return n;
}

/* ---- the source's pages ---- */

static void meta_list(GString *o, const site_ctx *x)
{
	const sp_source *s = x->s;

	g_string_append(o, "<dl class=\"meta\">\n<dt>");
	esc(o, W(x, "meta.publisher"));
	g_string_append(o, "</dt><dd>");
	esc(o, s->publisher);
	g_string_append(o, "</dd>\n<dt>");
	esc(o, W(x, "meta.version"));
	g_string_append(o, "</dt><dd>");
	esc(o, s->version);
	g_string_append(o, "</dd>\n<dt>");
	esc(o, W(x, "meta.id"));
	g_string_append(o, "</dt><dd><code>");
	esc(o, s->id);
	g_string_append(o, "</code></dd>\n<dt>");
	esc(o, W(x, "meta.clauses"));
	g_string_append_printf(o, "</dt><dd>%zu</dd>\n<dt>", s->nclauses);
	esc(o, W(x, "meta.seed"));
	g_string_append(o, "</dt><dd><code>");
	esc(o, s->seed_file);
	g_string_append_printf(o, "</code> %d–%d</dd>\n<dt>", s->seed_first, s->seed_last);
	esc(o, W(x, "meta.sha256"));
	g_string_append(o, "</dt><dd><code class=\"hash\">");
	esc(o, s->hash);
	g_string_append(o, "</code></dd>\n</dl>\n");
}

/* A table of classes down and categories across (either may be absent),
 * with `cell` writing the <td> of each class x category. */
typedef void (*grid_cell_fn)(GString *o, const site_ctx *x, const site_combo *m, size_t ci);

static void class_cat_table(GString *o, const site_ctx *x, const char *cls,
                            const char *lone_head, grid_cell_fn cell, size_t ci)
{
	const sp_source *s = x->s;
	size_t k, c;

	g_string_append_printf(o, "<div class=\"wide\"><table class=\"%s\">\n<thead><tr>", cls);
	if (s->nclasses)
		g_string_append(o, "<th></th>");
	for (c = 0; c < x->nc; c++) {
		g_string_append(o, "<th scope=\"col\">");
		esc(o, s->ncats ? s->cats[c].name : lone_head);
		g_string_append(o, "</th>");
	}
	g_string_append(o, "</tr></thead>\n<tbody>\n");
	for (k = 0; k < x->nk; k++) {
		g_string_append(o, "<tr>");
		if (s->nclasses) {
			g_string_append(o, "<th scope=\"row\">");
			esc(o, s->classes[k].name);
			g_string_append(o, "</th>");
		}
		for (c = 0; c < x->nc; c++)
			cell(o, x, &x->combos[k * x->nc + c], ci);
		g_string_append(o, "</tr>\n");
	}
	g_string_append(o, "</tbody>\n</table></div>\n");
}

static void count_cell(GString *o, const site_ctx *x, const site_combo *m, size_t ci)
{
	char n[32];

	(void)x;
	(void)ci;
	g_snprintf(n, sizeof n, "%zu", combo_count(m));
	g_string_append(o, "<td>");
	link(o, m->file, n);
	g_string_append(o, "</td>");
}

/* The class x category pages as a grid: classes down, categories across. */
static void combo_grid(GString *o, const site_ctx *x)
{
	const sp_source *s = x->s;

	if (s->nclasses == 0 && s->ncats == 0) {
		g_string_append(o, "<p>");
		link(o, x->combos[0].file, W(x, "source.nodims"));
		g_string_append_printf(o, "（%zu）</p>\n", combo_count(&x->combos[0]));
		return;
	}
	class_cat_table(o, x, "grid", "", count_cell, 0);
}

static int page_source(site_ctx *x, const char *dir, cg_err *err)
{
	const sp_source *s = x->s;
	GString *o = g_string_new(NULL);
	size_t i, j;
	char *json = g_strconcat(s->id, ".json", NULL), *csv = g_strconcat(s->id, ".csv", NULL);
	int ok;

	g_string_append(o, "<h1>");
	esc(o, s->title);
	g_string_append(o, "</h1>\n");
	meta_list(o, x);
	g_string_append(o, "<ul class=\"links\">\n<li>");
	link(o, "matrix.html", W(x, "matrix.title"));
	g_string_append(o, "</li>\n<li>");
	esc(o, W(x, "source.downloads"));
	g_string_append(o, ": ");
	link(o, json, W(x, "source.download.json"));
	g_string_append(o, " / ");
	link(o, csv, W(x, "source.download.csv"));
	if (x->o->pdf) {
		g_string_append(o, " / ");
		link(o, "guideline.pdf", W(x, "source.download.pdf"));
	}
	g_string_append(o, "</li>\n</ul>\n");
	if (s->preamble) {
		tag_text(o, "h2", NULL, W(x, "source.preamble"));
		g_string_append(o, "<div class=\"preamble\">\n");
		markdown(o, s->preamble);
		g_string_append(o, "</div>\n");
	}
	g_string_append(o, "<h2 id=\"selections\">");
	esc(o, W(x, "source.selections"));
	g_string_append(o, "</h2>\n<p>");
	esc(o, W(x, "source.selections.intro"));
	g_string_append(o, "</p>\n");
	combo_grid(o, x);
	g_string_append(o, "<h2 id=\"clauses\">");
	esc(o, W(x, "source.clauses"));
	g_string_append(o, "</h2>\n<div class=\"toc\">\n");
	/* Clauses are stored in document order: by section, then number. */
	for (i = 0; i < s->nsections; i++) {
		const sp_section *sec = &s->sections[i];
		int h = sec->depth + 3 > 6 ? 6 : sec->depth + 3, any = 0;
		g_string_append_printf(o, "<h%d class=\"depth-%d\" id=\"sec-", h, sec->depth);
		esc(o, sec->id);
		g_string_append(o, "\"><span class=\"num\">");
		esc(o, sec->number);
		g_string_append(o, "</span> ");
		esc(o, sec->title);
		g_string_append_printf(o, "</h%d>\n", h);
		for (j = 0; j < s->nclauses; j++) {
			const sp_clause *c = &s->clauses[j];
			char *f;
			if (c->section != i)
				continue;
			if (!any)
				g_string_append_printf(o, "<ul class=\"clauses depth-%d\">\n", sec->depth);
			any = 1;
			f = clause_file(c);
			g_string_append(o, "<li><a href=\"");
			esc(o, f);
			g_string_append(o, "\"><span class=\"num\">");
			esc(o, c->number);
			g_string_append(o, "</span> ");
			esc(o, spec_clause_title(s, c));
			g_string_append(o, "</a></li>\n");
			g_free(f);
		}
		if (any)
			g_string_append(o, "</ul>\n");
	}
	g_string_append(o, "</div>\n");
	ok = write_page(x, dir, "index.html", s, s->title, "source", o, err);
	g_free(json);
	g_free(csv);
	return ok;
}

static void conds_html(GString *o, const site_ctx *x, const char *key, const sp_cond *cd,
                       size_t n)
{
	const sp_source *s = x->s;
	size_t i, j;

	if (n == 0)
		return;
	tag_text(o, "h2", NULL, W(x, key));
	g_string_append(o, "<ul>\n");
	for (i = 0; i < n; i++) {
		const sp_attr *a = &s->attrs[cd[i].attr];
		g_string_append(o, "<li>");
		esc(o, a->name);
		g_string_append(o, "（<code>");
		esc(o, a->id);
		g_string_append(o, "</code>）: ");
		for (j = 0; j < cd[i].nvalues; j++) {
			if (j)
				g_string_append(o, ", ");
			g_string_append(o, "<code>");
			esc(o, cd[i].values[j]);
			g_string_append(o, "</code>");
		}
		g_string_append(o, "</li>\n");
	}
	g_string_append(o, "</ul>\n");
}

/* "表の題名 （選定に用いる表）": the role after a space only when the table
 * has one (a table with no role left "補表 " with a trailing space). */
static void title_role(GString *o, const site_ctx *x, size_t t)
{
	const char *role = table_role(x, t);

	esc(o, x->s->tables[t].title);
	if (role[0] != '\0') {
		g_string_append_c(o, ' ');
		esc(o, role);
	}
}

/* One table of marks: classes down, the table's categories across. */
static void marks_html(GString *o, const site_ctx *x, const sp_clause *c, size_t t)
{
	const sp_source *s = x->s;
	const sp_table *tb = &s->tables[t];
	size_t k, col;

	if (c->marks[t] == NULL) {
		g_string_append(o, "<p class=\"caption\"><strong>");
		title_role(o, x, t);
		g_string_append(o, "</strong><br>");
		esc(o, W(x, "clause.norow"));
		g_string_append(o, "</p>\n");
		return;
	}
	g_string_append(o, "<div class=\"wide\"><table class=\"marks\">\n<caption>");
	title_role(o, x, t);
	g_string_append(o, "</caption>\n<thead><tr>");
	/* Without classes there is one row and nothing to name it by. */
	if (s->nclasses)
		g_string_append(o, "<th></th>");
	for (col = 0; col < tb->ncols; col++) {
		g_string_append(o, "<th scope=\"col\">");
		esc(o, s->cats[tb->cols[col]].name);
		g_string_append(o, "</th>");
	}
	g_string_append(o, "</tr></thead>\n<tbody>\n");
	for (k = 0; k < SP_NCLASSES(s); k++) {
		g_string_append(o, "<tr>");
		if (s->nclasses) {
			g_string_append(o, "<th scope=\"row\">");
			esc(o, s->classes[k].name);
			g_string_append(o, "</th>");
		}
		for (col = 0; col < tb->ncols; col++) {
			const char *mk = c->marks[t][k * tb->ncols + col];
			int v = mark_verdict(s, mk);
			if (v >= 0)
				g_string_append_printf(o, "<td class=\"m m-%s\">",
				                       spec_verdict_name((sp_verdict)v));
			else
				g_string_append(o, "<td class=\"m\">");
			esc(o, mk);
			g_string_append(o, "</td>");
		}
		g_string_append(o, "</tr>\n");
	}
	g_string_append(o, "</tbody>\n</table></div>\n");
}

static void verdict_cell(GString *o, const site_ctx *x, const site_combo *m, size_t ci)
{
	const sel_item *it = &m->sel->items[ci];

	g_string_append_printf(o, "<td class=\"m m-%s\"><a href=\"", spec_verdict_name(it->verdict));
	esc(o, m->file);
	g_string_append(o, "#c-");
	esc(o, it->clause->id);
	g_string_append(o, "\" title=\"");
	esc(o, it->reason);
	g_string_append(o, "\">");
	verdict_html(o, x, it->verdict);
	g_string_append(o, "</a></td>");
}

/* The verdict of the rules for every class x category, each linking to
 * that page; the reason is on the linked page and in the cell's title. */
static void verdicts_html(GString *o, const site_ctx *x, size_t ci)
{
	tag_text(o, "h2", NULL, W(x, "clause.verdicts"));
	g_string_append(o, "<p>");
	esc(o, W(x, "clause.verdicts.intro"));
	g_string_append(o, "</p>\n");
	class_cat_table(o, x, "marks", W(x, "col.verdict"), verdict_cell, ci);
}

static int page_clause(site_ctx *x, const char *dir, size_t ci, cg_err *err)
{
	const sp_source *s = x->s;
	const sp_clause *c = &s->clauses[ci];
	const sp_section *sec = &s->sections[c->section];
	GString *o = g_string_new(NULL);
	char *title = g_strconcat(c->number, " ", spec_clause_title(s, c), NULL);
	char *f;
	size_t i, t;
	int ok;

	g_string_append(o, "<p class=\"crumbs\">");
	esc(o, W(x, "clause.section"));
	g_string_append(o, ": <a href=\"index.html#sec-");
	esc(o, sec->id);
	g_string_append(o, "\">");
	esc(o, sec->number);
	g_string_append(o, " ");
	esc(o, sec->title);
	g_string_append(o, "</a></p>\n<h1><span class=\"num\">");
	esc(o, c->number);
	g_string_append(o, "</span> ");
	esc(o, spec_clause_title(s, c));
	g_string_append(o, "</h1>\n");
	tag_text(o, "h2", NULL, W(x, "clause.text"));
	g_string_append(o, "<div class=\"clause-text\">\n");
	markdown(o, c->body);
	g_string_append(o, "</div>\n");
	conds_html(o, x, "clause.when", c->when, c->nwhen);
	conds_html(o, x, "clause.unless", c->unless, c->nunless);
	if (c->nrefs > 0) {
		tag_text(o, "h2", NULL, W(x, "clause.refs"));
		g_string_append(o, "<ul class=\"refs\">\n");
		/* Addresses are shown, not linked: the site makes no request to
		 * the network, not even on a click. */
		for (i = 0; i < c->nrefs; i++) {
			g_string_append(o, "<li>");
			esc(o, c->refs[i].label);
			if (c->refs[i].url) {
				g_string_append(o, " <code class=\"url\">");
				esc(o, c->refs[i].url);
				g_string_append(o, "</code>");
			}
			if (c->refs[i].note) {
				g_string_append(o, " — ");
				esc(o, c->refs[i].note);
			}
			g_string_append(o, "</li>\n");
		}
		g_string_append(o, "</ul>\n");
	}
	if (c->napps > 0) {
		tag_text(o, "h2", NULL, W(x, "clause.apps"));
		g_string_append(o, "<ul>\n");
		for (i = 0; i < c->napps; i++)
			tag_text(o, "li", NULL, s->apps[c->apps[i]].title);
		g_string_append(o, "</ul>\n");
	}
	if (s->ntables > 0) {
		tag_text(o, "h2", NULL, W(x, "clause.marks"));
		for (t = 0; t < s->ntables; t++)
			marks_html(o, x, c, t);
	}
	verdicts_html(o, x, ci);
	tag_text(o, "h2", NULL, W(x, "clause.provenance"));
	g_string_append(o, "<dl class=\"meta\">\n<dt>");
	esc(o, W(x, "clause.seed"));
	g_string_append(o, "</dt><dd><code>");
	esc(o, s->seed_file);
	g_string_append_printf(o, "</code> %d–%d</dd>\n<dt>", c->seed_first, c->seed_last);
	esc(o, W(x, "clause.file"));
	g_string_append(o, "</dt><dd><code>");
	/* Relative to the repository, whatever --root was. */
	if (g_str_has_prefix(c->file, s->dir) && c->file[strlen(s->dir)] == '/') {
		g_string_append_printf(o, "specs/%s", s->id);
		esc(o, c->file + strlen(s->dir));
	} else {
		esc(o, c->file);
	}
	g_string_append(o, "</code></dd>\n");
	if (c->note) {
		g_string_append(o, "<dt>");
		esc(o, W(x, "clause.note"));
		g_string_append(o, "</dt><dd>");
		esc(o, c->note);
		g_string_append(o, "</dd>\n");
	}
	g_string_append(o, "<dt>");
	esc(o, W(x, "meta.sha256"));
	g_string_append(o, "</dt><dd><code class=\"hash\">");
	esc(o, s->hash);
	g_string_append(o, "</code></dd>\n</dl>\n<nav class=\"prevnext\">");
	if (ci > 0) {
		f = clause_file(&s->clauses[ci - 1]);
		g_string_append(o, "<a rel=\"prev\" href=\"");
		esc(o, f);
		g_string_append(o, "\">← ");
		esc(o, W(x, "clause.prev"));
		g_string_append(o, " ");
		esc(o, s->clauses[ci - 1].number);
		g_string_append(o, "</a> ");
		g_free(f);
	}
	if (ci + 1 < s->nclauses) {
		f = clause_file(&s->clauses[ci + 1]);
		g_string_append(o, "<a rel=\"next\" href=\"");
		esc(o, f);
		g_string_append(o, "\">");
		esc(o, W(x, "clause.next"));
		g_string_append(o, " ");
		esc(o, s->clauses[ci + 1].number);
		g_string_append(o, " →</a>");
		g_free(f);
	}
	g_string_append(o, "</nav>\n");
	f = clause_file(c);
	ok = write_page(x, dir, f, s, title, "clause", o, err);
	g_free(f);
	g_free(title);
	return ok;
}

static void filter_select(GString *o, const site_ctx *x, const char *name, const char *label,
                          const sp_dim *d, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	g_string_append_printf(o, "<label>%s", "");
	esc(o, label);
	g_string_append_printf(o, " <select name=\"%s\" id=\"f-%s\">\n<option value=\"\">", name,
	                       name);
	esc(o, W(x, "filter.all"));
	g_string_append(o, "</option>\n");
	for (i = 0; i < n; i++) {
		g_string_append(o, "<option value=\"");
		esc(o, d[i].id);
		g_string_append(o, "\">");
		esc(o, d[i].name);
		g_string_append(o, "</option>\n");
	}
	g_string_append(o, "</select></label>\n");
}

/* data-k / data-c / data-t on every mark cell and column header let the
 * filter script hide columns; data-in on a row lists the class x category
 * keys whose selection puts the clause into the documents. */
static void cell_attrs(GString *o, const site_ctx *x, size_t t, size_t k, size_t cat)
{
	const sp_source *s = x->s;

	g_string_append(o, " data-t=\"");
	esc(o, s->ntables ? s->tables[t].id : "");
	g_string_append(o, "\" data-k=\"");
	esc(o, s->nclasses ? s->classes[k].id : "");
	g_string_append(o, "\" data-c=\"");
	esc(o, s->ncats ? s->cats[cat].id : "");
	g_string_append(o, "\"");
}

static int page_matrix(site_ctx *x, const char *dir, cg_err *err)
{
	const sp_source *s = x->s;
	GString *o = g_string_new(NULL);
	size_t nt = s->ntables ? s->ntables : 1, nk = SP_NCLASSES(s), i, t, k, col, m;
	int head_rows = 1 + (s->ntables > 0) + (s->nclasses > 0);

	g_string_append(o, "<h1>");
	esc(o, W(x, "matrix.title"));
	g_string_append(o, "</h1>\n<p>");
	esc(o, W(x, "matrix.intro"));
	g_string_append(o, "</p>\n");
	if (s->nvocab > 0) {
		g_string_append(o, "<p class=\"legend\">");
		esc(o, W(x, "matrix.legend"));
		for (i = 0; i < s->nvocab; i++) {
			g_string_append_printf(o, " <span class=\"m m-%s\">",
			                       spec_verdict_name(s->vocab[i].verdict));
			esc(o, s->vocab[i].mark);
			g_string_append(o, "</span> ");
			{
				char key[40];
				g_snprintf(key, sizeof key, "verdict.%s",
				           spec_verdict_name(s->vocab[i].verdict));
				esc(o, W(x, key));
			}
		}
		g_string_append(o, "</p>\n");
	}
	/* Hidden until the script shows it: without scripts, the page is the
	 * whole table and no control that does nothing. */
	g_string_append(o, "<form id=\"filter\" class=\"filter\" hidden data-count=\"");
	esc(o, W(x, "filter.count"));
	g_string_append(o, "\">\n");
	filter_select(o, x, "class", W(x, "filter.class"), s->classes, s->nclasses);
	filter_select(o, x, "category", W(x, "filter.category"), s->cats, s->ncats);
	g_string_append(o, "<label>");
	esc(o, W(x, "filter.keyword"));
	g_string_append(o, " <input type=\"search\" name=\"q\" id=\"f-q\"></label>\n"
	                   "<output name=\"count\" id=\"f-count\"></output>\n</form>\n");
	g_string_append(o, "<div class=\"matrix-wrap\">\n<table class=\"matrix\" id=\"matrix\">\n"
	                   "<thead>\n<tr>");
	g_string_append_printf(o, "<th scope=\"col\" rowspan=\"%d\" class=\"corner\">", head_rows);
	esc(o, W(x, "matrix.clause"));
	g_string_append(o, "</th>");
	if (s->ntables > 0) {
		for (t = 0; t < nt; t++) {
			g_string_append_printf(o, "<th scope=\"colgroup\" class=\"tgroup\" colspan=\"%zu\"",
			                       nk * s->tables[t].ncols);
			g_string_append(o, " data-t=\"");
			esc(o, s->tables[t].id);
			g_string_append(o, "\">");
			esc(o, s->tables[t].title);
			g_string_append(o, " ");
			esc(o, table_role(x, t));
			g_string_append(o, "</th>");
		}
		g_string_append(o, "</tr>\n<tr>");
	}
	if (s->nclasses > 0) {
		for (t = 0; t < nt; t++)
			for (k = 0; k < nk; k++) {
				g_string_append_printf(o, "<th scope=\"colgroup\" class=\"kgroup\" colspan=\"%zu\"",
				                       s->tables[t].ncols);
				cell_attrs(o, x, t, k, 0);
				g_string_append(o, ">");
				esc(o, s->classes[k].name);
				g_string_append(o, "</th>");
			}
		g_string_append(o, "</tr>\n<tr>");
	}
	if (s->ntables == 0) {
		g_string_append(o, "<th scope=\"col\" class=\"cat\" data-t=\"\" data-k=\"\" data-c=\"\">");
		esc(o, W(x, "matrix.verdict"));
		g_string_append(o, "</th>");
	}
	for (t = 0; t < s->ntables; t++)
		for (k = 0; k < nk; k++)
			for (col = 0; col < s->tables[t].ncols; col++) {
				g_string_append(o, "<th scope=\"col\" class=\"cat\"");
				cell_attrs(o, x, t, k, s->tables[t].cols[col]);
				g_string_append(o, "><span>");
				esc(o, s->cats[s->tables[t].cols[col]].name);
				g_string_append(o, "</span></th>");
			}
	g_string_append(o, "</tr>\n</thead>\n<tbody>\n");
	for (i = 0; i < s->nclauses; i++) {
		const sp_clause *c = &s->clauses[i];
		char *f = clause_file(c), *text;
		int first = 1;
		g_string_append(o, "<tr id=\"row-");
		esc(o, c->id);
		g_string_append(o, "\" data-id=\"");
		esc(o, c->id);
		g_string_append(o, "\" data-in=\"");
		for (m = 0; m < x->nk * x->nc; m++)
			if (sel_in_documents(x->combos[m].sel->items[i].verdict)) {
				if (!first)
					g_string_append_c(o, ' ');
				esc(o, x->combos[m].key);
				first = 0;
			}
		text = g_strjoin(" ", c->id, c->number, spec_clause_title(s, c), c->body, NULL);
		g_string_append(o, "\" data-text=\"");
		esc(o, text);
		g_free(text);
		g_string_append(o, "\"><th scope=\"row\"><a href=\"");
		esc(o, f);
		g_string_append(o, "\"><span class=\"num\">");
		esc(o, c->number);
		g_string_append(o, "</span> ");
		esc(o, spec_clause_title(s, c));
		g_string_append(o, "</a></th>");
		g_free(f);
		if (s->ntables == 0) {
			g_string_append(o, "<td class=\"m\" data-t=\"\" data-k=\"\" data-c=\"\">");
			verdict_html(o, x, x->combos[0].sel->items[i].verdict);
			g_string_append(o, "</td>");
		}
		for (t = 0; t < s->ntables; t++)
			for (k = 0; k < nk; k++)
				for (col = 0; col < s->tables[t].ncols; col++) {
					const char *mk = c->marks[t] ? c->marks[t][k * s->tables[t].ncols + col]
					                             : "";
					int v = mark_verdict(s, mk);
					g_string_append(o, "<td");
					if (v >= 0)
						g_string_append_printf(o, " class=\"m m-%s\"",
						                       spec_verdict_name((sp_verdict)v));
					else
						g_string_append(o, " class=\"m\"");
					cell_attrs(o, x, t, k, s->tables[t].cols[col]);
					g_string_append(o, ">");
					esc(o, mk);
					g_string_append(o, "</td>");
				}
		g_string_append(o, "</tr>\n");
	}
	g_string_append(o, "</tbody>\n</table>\n</div>\n");
	return write_page(x, dir, "matrix.html", s, W(x, "matrix.title"), "matrix", o, err);
}

static void sel_row(GString *o, const site_ctx *x, const site_combo *m, size_t i, int listed)
{
	const sel_item *it = &m->sel->items[i];
	const sp_clause *c = it->clause;
	char *f = clause_file(c);

	g_string_append(o, "<tr id=\"c-");
	esc(o, c->id);
	g_string_append(o, listed ? "\" data-clause=\"" : "\" data-excluded=\"");
	esc(o, c->id);
	g_string_append_printf(o, "\" data-verdict=\"%s\"><td class=\"num\"><a href=\"",
	                       spec_verdict_name(it->verdict));
	esc(o, f);
	g_string_append(o, "\">");
	esc(o, c->number);
	g_string_append(o, "</a></td><td>");
	esc(o, spec_clause_title(x->s, c));
	g_string_append(o, "</td><td>");
	verdict_html(o, x, it->verdict);
	g_string_append(o, "</td><td>");
	esc(o, it->reason);
	g_string_append(o, "</td>");
	if (m->spec != NULL) {
		g_string_append(o, "<td title=\"");
		esc(o, m->spec->items[i].reason);
		g_string_append(o, "\">");
		verdict_html(o, x, m->spec->items[i].verdict);
		g_string_append(o, "</td>");
	}
	g_string_append(o, "</tr>\n");
	g_free(f);
}

static void sel_head(GString *o, const site_ctx *x, const site_combo *m)
{
	g_string_append(o, "<thead><tr><th scope=\"col\">");
	esc(o, W(x, "col.number"));
	g_string_append(o, "</th><th scope=\"col\">");
	esc(o, W(x, "col.title"));
	g_string_append(o, "</th><th scope=\"col\">");
	esc(o, W(x, "col.verdict"));
	g_string_append(o, "</th><th scope=\"col\">");
	esc(o, W(x, "col.reason"));
	g_string_append(o, "</th>");
	if (m->spec != NULL) {
		g_string_append(o, "<th scope=\"col\">");
		esc(o, W(x, "col.spec"));
		g_string_append(o, "</th>");
	}
	g_string_append(o, "</tr></thead>\n");
}

static int page_combo(site_ctx *x, const char *dir, const site_combo *m, cg_err *err)
{
	const sp_source *s = x->s;
	const ct_contract *ct = m->ct;
	GString *o = g_string_new(NULL), *cmd = g_string_new("clausegen select --source ");
	GString *title = g_string_new(NULL);
	size_t i, n[V_COUNT] = { 0 };
	int ok;

	if (s->nclasses)
		g_string_append(title, s->classes[ct->klass].name);
	if (s->nclasses && s->ncats)
		g_string_append(title, " × ");
	if (s->ncats)
		g_string_append(title, s->cats[ct->category].name);
	if (title->len == 0)
		g_string_append(title, W(x, "source.nodims"));
	g_string_append(cmd, s->id);
	if (s->ncats)
		g_string_append_printf(cmd, " --category %s", s->cats[ct->category].id);
	if (s->nclasses)
		g_string_append_printf(cmd, " --class %s", s->classes[ct->klass].id);
	for (i = 0; i < m->sel->n; i++)
		n[m->sel->items[i].verdict]++;
	g_string_append(o, "<h1>");
	esc(o, W(x, "sel.title"));
	g_string_append(o, ": ");
	esc(o, title->str);
	g_string_append(o, "</h1>\n<p>");
	esc(o, W(x, "sel.intro"));
	g_string_append(o, " <code>");
	esc(o, cmd->str);
	g_string_append(o, "</code></p>\n");
	if (s->ntables > 0) {
		g_string_append(o, "<p>");
		wfmt(o, x, "sel.table", s->tables[s->select_table].title);
		if (m->spec != NULL) {
			g_string_append(o, " ");
			wfmt(o, x, "sel.spec", s->tables[s->spec_table].title);
		}
		g_string_append(o, "</p>\n");
	}
	if (s->nattrs > 0) {
		g_string_append(o, "<p class=\"note\">");
		esc(o, W(x, "sel.attrs"));
		g_string_append(o, "</p>\n");
	}
	g_string_append(o, "<p class=\"counts\">");
	esc(o, W(x, "sel.counts"));
	for (i = 0; i < V_COUNT; i++) {
		g_string_append(o, " ");
		verdict_html(o, x, (sp_verdict)i);
		g_string_append_printf(o, " %zu", n[i]);
	}
	g_string_append(o, "</p>\n");
	if (s->nclasses || s->ncats) {
		g_string_append(o, "<p><a href=\"matrix.html#");
		if (s->nclasses) {
			g_string_append(o, "class=");
			esc(o, s->classes[ct->klass].id);
		}
		if (s->nclasses && s->ncats)
			g_string_append(o, "&amp;");
		if (s->ncats) {
			g_string_append(o, "category=");
			esc(o, s->cats[ct->category].id);
		}
		g_string_append(o, "\">");
		esc(o, W(x, "sel.matrix"));
		g_string_append(o, "</a></p>\n");
	}
	if (n[V_REQUIRED] + n[V_OPTIONAL] + n[V_INCLUDED] == 0) {
		g_string_append(o, "<p>");
		esc(o, W(x, "sel.none"));
		g_string_append(o, "</p>\n");
	} else {
		/* Only with rows: a selection that takes nothing had an empty
		 * <tbody>, which tidy reports ("trimming empty <tbody>"), and
		 * sel.none already says so (check_site's odd source, class II). */
		g_string_append(o, "<div class=\"wide\"><table class=\"sel\" id=\"selection\">\n");
		sel_head(o, x, m);
		g_string_append(o, "<tbody>\n");
		for (i = 0; i < m->sel->n; i++)
			if (sel_in_documents(m->sel->items[i].verdict))
				sel_row(o, x, m, i, 1);
		g_string_append(o, "</tbody>\n</table></div>\n");
	}
	if (n[V_NOT_APPLICABLE] > 0) {
		g_string_append(o, "<details class=\"excluded\">\n<summary>");
		esc(o, W(x, "sel.excluded"));
		g_string_append_printf(o, "（%zu）</summary>\n<div class=\"wide\"><table class=\"sel\">\n",
		                       n[V_NOT_APPLICABLE]);
		sel_head(o, x, m);
		g_string_append(o, "<tbody>\n");
		for (i = 0; i < m->sel->n; i++)
			if (!sel_in_documents(m->sel->items[i].verdict))
				sel_row(o, x, m, i, 0);
		g_string_append(o, "</tbody>\n</table></div>\n</details>\n");
	}
	ok = write_page(x, dir, m->file, s, title->str, "selection", o, err);
	g_string_free(title, TRUE);
	g_string_free(cmd, TRUE);
	return ok;
}

static int write_meta(const sp_source *s, const char *dir, cg_err *err)
{
	json_t *o = json_object();
	char *txt;
	int ok;

	json_object_set_new(o, "id", json_string(s->id));
	json_object_set_new(o, "title", json_string(s->title));
	json_object_set_new(o, "publisher", json_string(s->publisher));
	json_object_set_new(o, "version", json_string(s->version));
	json_object_set_new(o, "clauses", json_integer((json_int_t)s->nclauses));
	txt = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	ok = out_write_file(dir, SOURCE_META, txt, strlen(txt), err);
	free(txt);
	json_decref(o);
	return ok;
}

/* guideline.pdf: the whole source for print, with the wording of
 * templates/pdf.yaml (or the source's own templates/<id>/pdf.yaml). */
static int guideline_pdf(site_ctx *x, const char *dir, cg_err *err)
{
	char *path = tmpl_path(x->o->templates, x->s->id, "pdf.yaml");
	render_pdf_words *w;
	char *data = NULL;
	size_t len = 0;
	int ok = 0;

	if ((w = pdfmod_words_load(path, err)) == NULL)
		goto out;
	ok = pdfmod_guideline(x->s, w, x->build_date, x->o->warn, &data, &len, err) &&
	     out_write_file(dir, "guideline.pdf", data, len, err);
out:
	pdfmod_words_free(w);
	g_free(data);
	g_free(path);
	return ok;
}

static int publish_source(site_ctx *x, const sp_source *s, const char *stage, cg_err *err)
{
	char *dir = g_build_filename(stage, s->id, NULL);
	char *name, *data;
	size_t i, len;
	int ok = 0;

	x->s = s;
	if (!out_mkdirs(dir, err) || !run_combos(x, err))
		goto out;
	if (!page_source(x, dir, err) || !page_matrix(x, dir, err))
		goto out;
	for (i = 0; i < s->nclauses; i++)
		if (!page_clause(x, dir, i, err))
			goto out;
	for (i = 0; i < x->nk * x->nc; i++)
		if (!page_combo(x, dir, &x->combos[i], err))
			goto out;
	data = export_json(s);
	name = g_strconcat(s->id, ".json", NULL);
	ok = out_write_file(dir, name, data, strlen(data), err);
	g_free(name);
	g_free(data);
	if (!ok)
		goto out;
	data = export_csv(s, &len);
	name = g_strconcat(s->id, ".csv", NULL);
	ok = out_write_file(dir, name, data, len, err) && write_meta(s, dir, err);
	g_free(name);
	g_free(data);
	if (ok && x->o->pdf)
		ok = guideline_pdf(x, dir, err);
out:
	combos_free(x);
	x->s = NULL;
	g_free(dir);
	return ok;
}

/* ---- the site ---- */

/* Copies the files of a source directory of the previous site (pages are
 * all at one level). */
static int copy_dir(const char *from, const char *to, cg_err *err)
{
	GDir *d = g_dir_open(from, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	guint i;
	int ok = 0;

	if (d == NULL) {
		cg_err_set(err, CG_ESYS, from, 0, 0, "cannot read directory: %s", strerror(errno));
		goto out;
	}
	while ((n = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(n));
	g_dir_close(d);
	if (!out_mkdirs(to, err))
		goto out;
	for (i = 0; i < names->len; i++) {
		char *src = g_build_filename(from, g_ptr_array_index(names, i), NULL);
		char *data = NULL;
		gsize len;
		int done = 1;
		if (util_is_file(src)) {
			GError *ge = NULL;
			if (!g_file_get_contents(src, &data, &len, &ge)) {
				cg_err_set(err, CG_ESYS, src, 0, 0, "cannot read: %s", ge->message);
				g_error_free(ge);
				done = 0;
			} else {
				done = out_write_file(to, g_ptr_array_index(names, i), data, len, err);
			}
		}
		g_free(data);
		g_free(src);
		if (!done)
			goto out;
	}
	ok = 1;
out:
	g_ptr_array_free(names, TRUE);
	return ok;
}

static int copy_asset(const site_ctx *x, const char *name, const char *stage, cg_err *err)
{
	char *dir = g_build_filename(x->o->templates, "site", NULL);
	char *path = g_build_filename(dir, name, NULL);
	char *buf = NULL;
	size_t len;
	int ok = util_read_text(path, CG_MAX_FILE_SIZE, &buf, &len, err) &&
	         out_write_file(stage, name, buf, len, err);

	g_free(buf);
	g_free(path);
	g_free(dir);
	return ok;
}

static int page_index(site_ctx *x, const char *stage, cg_err *err)
{
	char **dirs = util_list_dir(stage, NULL, UTIL_LIST_DIRS);
	GString *o = g_string_new(NULL);
	size_t i;
	int ok;

	g_string_append(o, "<h1>");
	esc(o, W(x, "site.title"));
	g_string_append(o, "</h1>\n<p>");
	esc(o, W(x, "site.intro"));
	g_string_append(o, "</p>\n<div class=\"wide\"><table class=\"sources\">\n<thead><tr>");
	g_string_append(o, "<th scope=\"col\">");
	esc(o, W(x, "index.source"));
	g_string_append(o, "</th><th scope=\"col\">");
	esc(o, W(x, "index.publisher"));
	g_string_append(o, "</th><th scope=\"col\">");
	esc(o, W(x, "index.version"));
	g_string_append(o, "</th><th scope=\"col\">");
	esc(o, W(x, "index.clauses"));
	g_string_append(o, "</th></tr></thead>\n<tbody>\n");
	for (i = 0; dirs[i] != NULL; i++) {
		char *meta = g_build_filename(dirs[i], SOURCE_META, NULL);
		json_t *j = util_is_file(meta) ? json_load_file(meta, 0, NULL) : NULL;
		char *base = g_path_get_basename(dirs[i]);
		char *href = g_strconcat(base, "/index.html", NULL);
		if (j != NULL) {
			g_string_append(o, "<tr><td>");
			link(o, href, json_string_value(json_object_get(j, "title")));
			g_string_append(o, " <code>");
			esc(o, base);
			g_string_append(o, "</code></td><td>");
			esc(o, json_string_value(json_object_get(j, "publisher")));
			g_string_append(o, "</td><td>");
			esc(o, json_string_value(json_object_get(j, "version")));
			g_string_append_printf(o, "</td><td class=\"n\">%lld</td></tr>\n",
			                       (long long)json_integer_value(json_object_get(j, "clauses")));
		}
		json_decref(j);
		g_free(href);
		g_free(base);
		g_free(meta);
	}
	g_string_append(o, "</tbody>\n</table></div>\n");
	g_strfreev(dirs);
	ok = write_page(x, stage, "index.html", NULL, W(x, "site.title"), "index", o, err);
	return ok;
}

/* 1 when `dir` may be written: absent, empty, a previous site, or forced. */
static int dir_allowed(const site_opts *o, int *is_site, cg_err *err)
{
	char *marker = g_build_filename(o->dir, SITE_MARKER, NULL);
	GDir *d;
	int empty = 1;

	*is_site = util_is_file(marker);
	g_free(marker);
	if (!g_file_test(o->dir, G_FILE_TEST_EXISTS))
		return 1;
	if (!util_is_dir(o->dir)) {
		cg_err_set(err, CG_EUSAGE, NULL, 0, 0,
		           "output '%s' exists and is not a directory; refusing to replace it", o->dir);
		return 0;
	}
	d = g_dir_open(o->dir, 0, NULL);
	if (d != NULL) {
		empty = g_dir_read_name(d) == NULL;
		g_dir_close(d);
	}
	if (*is_site || empty || o->force)
		return 1;
	cg_err_set(err, CG_EUSAGE, NULL, 0, 0,
	           "output directory '%s' exists and is not a site made by 'clausegen publish' "
	           "(no %s in it); use --force to replace it and everything in it",
	           o->dir, SITE_MARKER);
	return 0;
}

int site_publish(const site_opts *o, sp_source *const *srcs, size_t n, cg_err *err)
{
	site_ctx x = { 0 };
	char *tdir = g_build_filename(o->templates, "site", NULL);
	char *parent = g_path_get_dirname(o->dir);
	char *stage = NULL;
	size_t i, j;
	int is_site, ok = 0;

	x.o = o;
	if (!dir_allowed(o, &is_site, err))
		goto out;
	if (!load_words(&x, tdir, err) ||
	    (x.t_index = tmpl_load(tdir, "index.html", &x.p_index, err)) == NULL ||
	    (x.t_page = tmpl_load(tdir, "page.html", &x.p_page, err)) == NULL)
		goto out;
	/* Only a fixed date: a site rebuilt from the same inputs is the same
	 * bytes. */
	x.build_date = util_sde_date();
	if (!out_mkdirs(parent, err) || (stage = out_stage_dir(o->dir, err)) == NULL)
		goto out;
	if (is_site && o->keep_others) {
		char **dirs = util_list_dir(o->dir, NULL, UTIL_LIST_DIRS);
		for (i = 0; dirs[i] != NULL; i++) {
			char *base = g_path_get_basename(dirs[i]);
			char *meta = g_build_filename(dirs[i], SOURCE_META, NULL);
			int keep = util_is_file(meta), done = 1;
			for (j = 0; j < n && keep; j++)
				keep = strcmp(base, srcs[j]->id) != 0;
			if (keep) {
				char *to = g_build_filename(stage, base, NULL);
				done = copy_dir(dirs[i], to, err);
				g_free(to);
			}
			g_free(meta);
			g_free(base);
			if (!done) {
				g_strfreev(dirs);
				goto out;
			}
		}
		g_strfreev(dirs);
	}
	for (i = 0; i < n; i++)
		if (!publish_source(&x, srcs[i], stage, err))
			goto out;
	if (!copy_asset(&x, "site.css", stage, err) || !copy_asset(&x, "site.js", stage, err) ||
	    !page_index(&x, stage, err) ||
	    !out_write_file(stage, SITE_MARKER, "clausegen site\n", 15, err))
		goto out;
	/* mkdtemp made the staging directory private; a site is served. */
	if (g_chmod(stage, 0755) != 0) {
		cg_err_set(err, CG_ESYS, stage, 0, 0, "cannot set permissions: %s", strerror(errno));
		goto out;
	}
	if (!out_commit_dir(stage, o->dir, err))
		goto out;
	g_free(stage);
	stage = NULL;
	ok = 1;
out:
	if (stage != NULL) {
		out_remove_tree(stage);
		g_free(stage);
	}
	yn_free(x.words);
	g_free(x.words_path);
	g_free(x.t_index);
	g_free(x.t_page);
	g_free(x.p_index);
	g_free(x.p_page);
	g_free(x.build_date);
	g_free(parent);
	g_free(tdir);
	return ok;
}
