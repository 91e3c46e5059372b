/* check_doc.c: the document model and its back-ends: 公用文 numbering that
 * closes gaps, party terms, appendices that follow their clause, spec and
 * annex sharing numbers, escaping, Markdown that parses back to the same
 * structure, and template errors. */
#include <check.h>
#include <cmark.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "err.h"
#include "labels.h"
#include "number.h"
#include "out.h"
#include "render.h"
#include "select.h"
#include "spec.h"
#include "testutil.h"
#include "util.h"
#include "tmpl.h"

static char *tmp;

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(tmp);
	g_free(tmp);
}

START_TEST(labels_follow_koyobun)
{
	static const struct {
		int depth;
		size_t n;
		const char *want;
	} cases[] = { { 0, 1, "第1" }, { 0, 12, "第12" }, { 1, 3, "3" }, { 2, 2, "(2)" },
		      { 3, 1, "ア" }, { 3, 6, "カ" }, { 3, 46, "ン" }, { 3, 47, "(47)" },
		      { 4, 2, "(イ)" }, { 4, 46, "(ン)" }, { 4, 47, "(47)" }, { 5, 4, "(4)" },
		      { 9, 12, "(12)" }, { 3, 0, "(0)" }, { 4, 0, "(0)" } };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *l = num_label(cases[i].depth, cases[i].n);
		ck_assert_str_eq(l, cases[i].want);
		g_free(l);
	}
}
END_TEST

START_TEST(party_terms_respect_protected_words)
{
	static const char *const ord[] = { "区", NULL }, *const ven[] = { "受託者", NULL },
	                         *const prot[] = { "区民", "区域", NULL };
	num_terms t = { ord, "甲", ven, "乙", prot };
	char *s = num_substitute("区民に説明し、管理区域へ入る受託者は区の承認を得る。", &t);

	ck_assert_str_eq(s, "区民に説明し、管理区域へ入る乙は甲の承認を得る。");
	g_free(s);
	t.to_orderer = NULL; /* no renaming: text unchanged */
	s = num_substitute("区の承認", &t);
	ck_assert_str_eq(s, "区の承認");
	g_free(s);
}
END_TEST

/* Builds the documents of a contract file's text into tmp/out and returns
 * the contents of FILE there (g_free), or NULL. */
static char *built(const char *yaml, const char *file, int *status)
{
	char *c = tu_write(tmp, "c.yaml", yaml);
	char *out = g_build_filename(tmp, "out", NULL);
	char *p = g_build_filename(out, "t", file, NULL);
	char *text = NULL;
	tu_run r = tu_cli("build", "-o", out, c, NULL);

	if (status)
		*status = r.status;
	g_file_get_contents(p, &text, NULL, NULL);
	tu_run_free(&r);
	g_free(p);
	g_free(out);
	g_free(c);
	return text;
}

#define SG_DC_I "id: t\ntitle: 試験\nsource: shinagawa\ncategory: dc\nclass: I\n"

START_TEST(removing_a_clause_renumbers_without_gaps)
{
	char *all = built(SG_DC_I, "annex.md", NULL);
	char *less = built(SG_DC_I "choices:\n  exclude: [sg-1-2-3]\n", "annex.md", NULL);

	ck_assert_ptr_nonnull(all);
	ck_assert_ptr_nonnull(less);
	/* 1-2: 耐震 (1), 避雷 (2), 駐車 (3), 不燃材 (4), 物理的アクセス制御 (5). */
	ck_assert_ptr_nonnull(strstr(all, "(3)　駐車スペースが十分に確保されていること。"));
	ck_assert_ptr_nonnull(strstr(all, "(4)　コンピュータ室"));
	ck_assert_ptr_nonnull(strstr(all, "#### (5)　物理的ｱｸｾｽ制御"));
	ck_assert_ptr_null(strstr(less, "駐車スペース"));
	ck_assert_ptr_nonnull(strstr(less, "(3)　コンピュータ室"));
	ck_assert_ptr_nonnull(strstr(less, "#### (4)　物理的ｱｸｾｽ制御"));
	ck_assert_ptr_null(strstr(less, "#### (5)"));
	g_free(all);
	g_free(less);
}
END_TEST

START_TEST(appendix_follows_its_clause)
{
	char *with = built("id: t\ntitle: t\nsource: funabashi-contract\nattributes:\n  web-application: true\n",
	                   "annex.html", NULL);
	char *without = built("id: t\ntitle: t\nsource: funabashi-contract\nattributes:\n  web-application: false\n",
	                      "annex.html", NULL);
	char *sg_with = built("id: t\ntitle: t\nsource: shinagawa\ncategory: saas\nclass: II\n", "spec.html", NULL);
	/* 8-3 is "-" for IaaS in every class. */
	char *sg_dc = built("id: t\ntitle: t\nsource: shinagawa\ncategory: iaas\nclass: I\n", "spec.html", NULL);

	ck_assert_ptr_nonnull(strstr(with, "<section class=\"appendix\" id=\"app-vulnerabilities\">"));
	ck_assert_ptr_nonnull(strstr(with, "<td>SQL インジェクション</td>"));
	ck_assert_ptr_null(strstr(without, "app-vulnerabilities"));
	ck_assert_ptr_null(strstr(without, "SQL インジェクション"));
	ck_assert_ptr_nonnull(strstr(sg_with, "app-vulnerabilities"));
	ck_assert_ptr_null(strstr(sg_dc, "app-vulnerabilities"));
	g_free(with);
	g_free(without);
	g_free(sg_with);
	g_free(sg_dc);
}
END_TEST

/* The annex of the Shinagawa contract `yaml` as HTML, from the source `s`. */
static char *annex_html(sp_source *s, const char *yaml)
{
	cg_err e = { 0 };
	sb_limits lim = { 0, 0 };
	char *path = tu_write(tmp, "c.yaml", yaml), *tmpl = NULL, *html;
	ct_contract *ct = contract_load(path, &e);
	lb_labels *lb = labels_load("templates", &e);
	sel_result *r;
	doc_model *m;
	size_t len;

	ck_assert_msg(ct && lb && contract_bind(ct, s, &e), "%s", e.msg ? e.msg : "");
	r = sel_run(ct, "lua", &lim, &e);
	ck_assert_msg(r != NULL, "%s", e.msg ? e.msg : "");
	ck_assert(util_read_text("templates/annex.html", CG_MAX_FILE_SIZE, &tmpl, &len, &e));
	m = doc_build(r, r, s->spec_table);
	html = render_html_doc(m, DOC_ANNEX, tmpl, "templates/annex.html", lb, &e);
	ck_assert_msg(html != NULL, "%s", e.msg ? e.msg : "");
	doc_free(m);
	sel_free(r);
	labels_free(lb);
	contract_free(ct);
	g_free(tmpl);
	g_free(path);
	return html;
}

/* A clause body's HTML kept by the source cache (sp_clause.body_html) is
 * printed as it is while the body is the source's text, and rendered anew
 * when a renamed party changed the text. Each clause's cached HTML is
 * replaced by a marker here to tell the two apart. */
START_TEST(cached_body_html_only_for_the_source_text)
{
	cg_err e = { 0 };
	sp_source *s = spec_load("specs/shinagawa", &e);
	char *plain, *renamed, *marker, **saved;
	num_terms terms = { NULL, "甲市", NULL, "乙社", NULL };
	size_t i, kept = 0, redone = 0;

	ck_assert_msg(s != NULL, "%s", e.msg ? e.msg : "");
	terms.from_orderer = (const char *const *)s->orderer_terms;
	terms.from_vendor = (const char *const *)s->vendor_terms;
	terms.protect = (const char *const *)s->protect;
	/* The source's own body_html (in its image, or its allocation) is
	 * put back before spec_free. */
	saved = g_new0(char *, s->nclauses);
	for (i = 0; i < s->nclauses; i++) {
		saved[i] = s->clauses[i].body_html;
		s->clauses[i].body_html = g_strdup_printf("<p>CACHED %s</p>\n", s->clauses[i].id);
	}
	plain = annex_html(s, SG_DC_I);
	renamed = annex_html(s, SG_DC_I "parties: {orderer: 甲市, vendor: 乙社}\n");
	for (i = 0; i < s->nclauses; i++) {
		const sp_clause *c = &s->clauses[i];
		char *div = g_strdup_printf("id=\"%s\"", c->id);
		int in_annex = strstr(plain, div) != NULL;
		char *text = num_substitute(c->body, &terms);
		int party = strcmp(text, c->body) != 0;

		marker = g_strdup_printf("CACHED %s<", c->id);
		if (in_annex) {
			ck_assert_msg(strstr(plain, marker) != NULL, "%s: cached HTML not used", c->id);
			/* Renamed: a body with a party word is rendered from its new text */
			ck_assert_msg((strstr(renamed, marker) != NULL) == !party,
			              "%s: cached HTML %s", c->id, party ? "used for a changed text" : "not used");
			kept += !party;
			redone += party;
		}
		g_free(marker);
		g_free(text);
		g_free(div);
	}
	/* Both cases really happen */
	ck_assert_uint_gt(kept, 10);
	ck_assert_uint_gt(redone, 10);
	ck_assert_ptr_nonnull(strstr(renamed, "甲市"));
	g_free(plain);
	g_free(renamed);
	for (i = 0; i < s->nclauses; i++) {
		g_free(s->clauses[i].body_html);
		s->clauses[i].body_html = saved[i];
	}
	g_free(saved);
	spec_free(s);
}
END_TEST

/* "id" -> label of every clause div in an HTML document. */
static GHashTable *clause_labels(const char *html)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const char *p = html;

	while ((p = strstr(p, "<div class=\"clause depth-")) != NULL) {
		const char *id = strstr(p, "id=\"") + 4, *ide = strchr(id, '"');
		const char *num = strstr(p, "<span class=\"num\">") + 18, *nume = strchr(num, '<');
		g_hash_table_insert(h, g_strndup(id, (gsize)(ide - id)), g_strndup(num, (gsize)(nume - num)));
		p = nume;
	}
	return h;
}

START_TEST(spec_and_annex_share_numbers_and_wording)
{
	const char *yaml = "id: t\ntitle: t\nsource: nisc\ncategory: asp\nchoices:\n  include: [nisc-07]\n";
	char *spec = built(yaml, "spec.html", NULL), *annex = built(yaml, "annex.html", NULL);
	GHashTable *a = clause_labels(spec), *b = clause_labels(annex);
	GHashTableIter it;
	gpointer k, v;

	ck_assert_uint_eq(g_hash_table_size(a), g_hash_table_size(b));
	ck_assert(g_hash_table_size(a) > 5);
	g_hash_table_iter_init(&it, a);
	while (g_hash_table_iter_next(&it, &k, &v))
		ck_assert_str_eq(v, g_hash_table_lookup(b, k));
	/* (7) サービスレベル: optional in table 9.2.3, adopted by the contract. */
	ck_assert_ptr_nonnull(strstr(annex, "（調達仕様書では提案事項として示したもの）"));
	ck_assert_ptr_nonnull(strstr(spec, "【提案】"));
	ck_assert_ptr_nonnull(strstr(spec, "【通常サービスに含まれる】"));
	g_hash_table_destroy(a);
	g_hash_table_destroy(b);
	g_free(spec);
	g_free(annex);
}
END_TEST

START_TEST(html_escapes_titles_and_drops_raw_html)
{
	int st;
	char *html = built("id: t\ntitle: \"A & B <script>alert(1)</script>\"\nsource: shinagawa\ncategory: dc\nclass: I\nvendor: \"<b>x</b>\"\n",
	                   "annex.html", &st);

	ck_assert_int_eq(st, 0);
	ck_assert_ptr_nonnull(strstr(html, "A &amp; B &lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;b&gt;x&lt;/b&gt;"));
	ck_assert_ptr_null(strstr(html, "<script>"));
	g_free(html);
	/* Raw HTML in a clause body is not passed through. */
	{
		char *specs = g_build_filename(tmp, "specs", NULL);
		char *src = g_build_filename(specs, "shinagawa", NULL);
		char *c = tu_write(tmp, "c.yaml", SG_DC_I);
		char *out = g_build_filename(tmp, "out2", NULL);
		char *p, *text;
		tu_run r;
		tu_copytree("specs/shinagawa", src);
		g_free(tu_write(src, "clauses/sg-1-1-1.md",
		                "---\nid: sg-1-1-1\nnumber: 1-1-1\nsection: \"1-1\"\nmarks:\n"
		                "  I: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n  II: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n"
		                "  III: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n  IV: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n"
		                "seed_lines: [192, 192]\n---\n日本国内に<script>alert(1)</script>施設を持つ & こと。\n"));
		r = tu_cli("build", "--specs", specs, "-o", out, c, NULL);
		ck_assert_int_eq(r.status, 0);
		p = g_build_filename(out, "t", "annex.html", NULL);
		ck_assert(g_file_get_contents(p, &text, NULL, NULL));
		ck_assert_ptr_null(strstr(text, "<script>"));
		ck_assert_ptr_nonnull(strstr(text, "施設を持つ &amp; こと。"));
		g_free(text);
		g_free(p);
		tu_run_free(&r);
		g_free(out);
		g_free(c);
		g_free(src);
		g_free(specs);
	}
}
END_TEST

START_TEST(markdown_parses_back_to_the_same_structure)
{
	char *md = built("id: t\ntitle: t\nsource: shinagawa\ncategory: saas\nclass: II\n", "annex.md", NULL);
	char *html = built("id: t\ntitle: t\nsource: shinagawa\ncategory: saas\nclass: II\n", "annex.html", NULL);
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int headings = 0, clauses = 0, html_sections = 0;
	GHashTable *labels = clause_labels(html);
	const char *p = html;

	/* Every section is a heading and every clause a paragraph opening with
	 * its label, exactly as many as the HTML has. */
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) > 1)
			headings++;
		if (cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH &&
		    cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_DOCUMENT) {
			cmark_node *t = cmark_node_first_child(n);
			const char *lit = t ? cmark_node_get_literal(t) : NULL;
			const char *sp = lit ? strstr(lit, "　") : NULL;
			if (sp != NULL && sp - lit <= 8)
				clauses++;
		}
	}
	while ((p = strstr(p, "<section class=\"sec")) != NULL) {
		html_sections++;
		p++;
	}
	/* + 1: the appendix heading. */
	ck_assert_int_eq(headings, html_sections + 1);
	ck_assert_int_eq(clauses, (int)g_hash_table_size(labels));
	cmark_iter_free(it);
	cmark_node_free(doc);
	g_hash_table_destroy(labels);
	g_free(md);
	g_free(html);
}
END_TEST

START_TEST(template_errors_are_located)
{
	cg_err e = { 0 };
	sp_source *s = spec_load("specs/shinagawa", &e);

	ck_assert_ptr_nonnull(s);
	ck_assert(!tmpl_check("<p>\n  {{contract.titel}}</p>", "t.html", s, &e));
	ck_assert_str_eq(e.file, "t.html");
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 3);
	ck_assert_str_eq(e.msg, "unknown field 'contract.titel' (did you mean 'contract.title'?)");
	cg_err_clear(&e);
	ck_assert(!tmpl_check("第{{clause:sg-9-99}}項", "t.html", s, &e));
	ck_assert_str_eq(e.msg, "template refers to clause 'sg-9-99', which source 'shinagawa' does not have");
	cg_err_clear(&e);
	ck_assert(!tmpl_check("{{#if contract.vendor}}x", "t.html", s, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "is not closed"));
	cg_err_clear(&e);
	ck_assert(!tmpl_check("{{body", "t.html", s, &e));
	cg_err_clear(&e);
	ck_assert(tmpl_check("{{#if contract.vendor}}{{contract.vendor}}{{/if}}{{clause:sg-8-3}}", "t.html", s, &e));
	spec_free(s);
}
END_TEST

static void put_x(GString *out, const void *ud)
{
	g_string_append(out, ud);
}

/* The body and the appendices are rendered where the template places them
 * (tmpl_raw), into a buffer that may hold something already: the output
 * is the same as rendering to a string of its own, {{#if}} reads the raw
 * field's emptiness, and a raw field wins over a value of the same name. */
START_TEST(raw_fields_render_in_place)
{
	cg_err e = { 0 };
	sp_source *s = spec_load("specs/shinagawa", &e);
	sb_limits lim = { 0, 0 };
	char *path, *tmpl = NULL, *html, *md, *mdt = NULL;
	ct_contract *ct;
	lb_labels *lb = labels_load("templates", &e);
	sel_result *r;
	doc_model *m;
	GString *o = g_string_new("already here|");
	GHashTable *v = g_hash_table_new(g_str_hash, g_str_equal);
	tmpl_raw raw[] = {
		{ "body", 0, put_x, "BODY" },
		{ "appendices", 1, put_x, "APPS" },
		{ NULL, 0, NULL, NULL },
	};
	size_t len;

	ck_assert_msg(s != NULL && lb != NULL, "%s", e.msg ? e.msg : "");
	path = tu_write(tmp, "c.yaml", SG_DC_I);
	ct = contract_load(path, &e);
	ck_assert_msg(ct && contract_bind(ct, s, &e), "%s", e.msg ? e.msg : "");
	r = sel_run(ct, "lua", &lim, &e);
	ck_assert_msg(r != NULL, "%s", e.msg ? e.msg : "");
	m = doc_build(r, r, s->spec_table);
	ck_assert(util_read_text("templates/annex.html", CG_MAX_FILE_SIZE, &tmpl, &len, &e));
	ck_assert(util_read_text("templates/annex.md", CG_MAX_FILE_SIZE, &mdt, &len, &e));

	html = render_html_doc(m, DOC_ANNEX, tmpl, "templates/annex.html", lb, &e);
	ck_assert_ptr_nonnull(html);
	ck_assert(render_html_doc_to(o, m, DOC_ANNEX, tmpl, "templates/annex.html", lb, &e));
	ck_assert(g_str_has_prefix(o->str, "already here|"));
	ck_assert_str_eq(o->str + strlen("already here|"), html);
	ck_assert_ptr_nonnull(strstr(html, "id=\"sg-1-1-1\""));
	md = render_md_doc(m, DOC_ANNEX, mdt, "templates/annex.md", lb, &e);
	ck_assert_ptr_nonnull(md);
	g_string_assign(o, "x");
	ck_assert(render_md_doc_to(o, m, DOC_ANNEX, mdt, "templates/annex.md", lb, &e));
	ck_assert_str_eq(o->str + 1, md);

	g_string_truncate(o, 0);
	g_hash_table_insert(v, (char *)"body", (char *)"VALUE");
	ck_assert(tmpl_expand("{{#if body}}B{{/if}}{{#if appendices}}A{{/if}}<{{body}}>"
	                      "{{appendices}}{{body}}",
	                      "t.html", v, raw, m, NULL, o, &e));
	ck_assert_str_eq(o->str, "B<BODY>APPSBODY");
	raw[0].empty = 1;
	g_string_truncate(o, 0);
	ck_assert(tmpl_expand("{{#if body}}{{body}}{{/if}}[{{#if contract.id}}{{contract.id}}{{/if}}]",
	                      "t.html", v, raw, m, NULL, o, &e));
	ck_assert_str_eq(o->str, "[]");
	/* A template error leaves part of the output: the build discards it. */
	ck_assert(!tmpl_expand("{{body}}{{nope}}", "t.html", v, raw, m, NULL, o, &e));
	ck_assert_str_eq(e.msg, "unknown field 'nope'");
	cg_err_clear(&e);

	g_hash_table_unref(v);
	g_string_free(o, TRUE);
	g_free(md);
	g_free(html);
	g_free(mdt);
	g_free(tmpl);
	g_free(path);
	doc_free(m);
	sel_free(r);
	contract_free(ct);
	labels_free(lb);
	spec_free(s);
}
END_TEST

START_TEST(check_reports_a_broken_template)
{
	char *root = tu_copy_root(tmp, 1);
	char *tdir = g_build_filename(root, "templates", NULL);
	tu_run r;

	g_free(tu_write(tdir, "shinagawa/annex.md", "# 特記事項\n\n{{clause:sg-1-1-0}}\n{{body}}\n"));
	r = tu_cli("check", "--root", root, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "templates/shinagawa/annex.md:3:1: error: template refers to clause 'sg-1-1-0'"));
	tu_run_free(&r);
	g_free(tdir);
	g_free(root);
}
END_TEST

START_TEST(provenance_and_reproducible_date)
{
	char *a, *b;

	g_setenv("SOURCE_DATE_EPOCH", "1767225600", TRUE);
	a = built(SG_DC_I, "annex.html", NULL);
	b = built(SG_DC_I, "annex.html", NULL);
	g_unsetenv("SOURCE_DATE_EPOCH");
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "により 2026-01-01 作成"));
	ck_assert_ptr_nonnull(strstr(a, "基準ID shinagawa"));
	ck_assert_ptr_nonnull(strstr(a, "内容ハッシュ SHA-256 "));
	ck_assert_ptr_nonnull(strstr(a, "clausegen " CLAUSEGEN_TEST_VERSION));
	g_free(a);
	g_free(b);
}
END_TEST

/* ---- a source of our own, built through a root of our own ---- */

/* odd: sections five deep, parties, and appendices of unusual shapes
 * (columns without id or name, a name that is not text, values that are
 * maps, items that are not a list, no rows, columns that are not a list).
 * bare: no classes, categories, tables or parties. */
static const tu_file odd_files[] = {
	{ "specs/odd/source.yaml",
	  "id: odd\ntitle: 奇妙な基準\npublisher: 例示市\nversion: \"1\"\n"
	  "seed: {file: x.txt, lines: [1, 50]}\n"
	  "classes:\n  - {id: I, name: 分類Ⅰ}\n"
	  "categories:\n  - {id: dev, name: 開発}\n"
	  "marks: {\"○\": required, \"-\": not-applicable}\n"
	  "parties: {orderer: 市, vendor: 受託者}\n"
	  TU_SECTIONS_FIVE_DEEP },
	{ "specs/odd/clauses/odd-1.md",
	  "---\nid: odd-1\nnumber: \"1\"\nsection: \"1\"\ntitle: 'links, \"quotes\"'\n"
	  "marks: {I: \"○\"}\nappendices: [app-a, app-b, app-c, app-d]\nseed_lines: [10, 12]\n---\n"
	  "市は`code`を示す。\n" },
	{ "specs/odd/clauses/odd-2.md",
	  "---\nid: odd-2\nnumber: \"1\"\nsection: \"1-1-1-1-1\"\nmarks: {I: \"○\"}\n"
	  "seed_lines: [20, 20]\n---\n受託者は市に報告する。\n" },
	{ "specs/odd/clauses/odd-3.md",
	  "---\nid: odd-3\nnumber: \"2\"\nsection: \"1\"\nmarks: {I: \"○\"}\n"
	  "seed_lines: [21, 21]\n---\n除かれる条項。\n" },
	{ "specs/odd/appendices/app-a.md",
	  "---\nid: app-a\ntitle: 別紙A\nseed_lines: [30, 30]\n"
	  "columns:\n"
	  "  - {id: name, name: 名称}\n"
	  "  - {id: desc, name: 説明}\n"
	  "  - {id: level}\n"
	  "  - {name: 無名}\n"
	  "  - {id: memo, name: 備考}\n"
	  "  - {id: extra, name: [列]}\n"
	  "rows:\n"
	  "  - {name: 甲, desc: 説明甲, level: 高, memo: 注, extra: 値,"
	  " items: [{name: 甲1, desc: {x: 1}}]}\n"
	  "  - {name: 丙, items: 一つ}\n"
	  "---\n別紙Aの本文。\n" },
	{ "specs/odd/appendices/app-b.md",
	  "---\nid: app-b\ntitle: 別紙B\nseed_lines: [31, 31]\ncolumns: [{id: name, name: 名称}]\n"
	  "---\n別紙Bの本文。\n" },
	{ "specs/odd/appendices/app-c.md",
	  "---\nid: app-c\ntitle: 別紙C\nseed_lines: [32, 32]\ncolumns: 名称\n---\n別紙Cの本文。\n" },
	{ "specs/odd/appendices/app-d.md",
	  "---\nid: app-d\ntitle: 別紙D\nseed_lines: [33, 33]\n---\n別紙Dの本文。\n" },
	{ "specs/bare/source.yaml",
	  "id: bare\ntitle: 素の基準\npublisher: 例示町\nversion: \"2\"\n"
	  "seed: {file: y.txt, lines: [1, 2]}\n"
	  "sections:\n  - {id: \"1\", number: \"1\", title: 全般, seed_lines: [1, 1]}\n" },
	{ "specs/bare/clauses/b-1.md",
	  "---\nid: b-1\nnumber: \"1\"\nsection: \"1\"\nseed_lines: [2, 2]\n---\n"
	  "受託者は市に報告する。\n" },
	{ NULL, NULL }
};

/* tmp/root: templates/ and lua/ copied, the sources above. Returns the
 * path (g_free). */
static char *odd_root(void)
{
	char *root = tu_copy_root(tmp, 0);

	tu_write_files(root, odd_files);
	return root;
}

/* The contract t of the source odd, class I, category dev. */
#define ODD_CONTRACT "id: t\ntitle: 試験\nsource: odd\ncategory: dev\nclass: I\n"

/* Builds the contract `yaml` (id t) with --root `root` (HTML and Markdown
 * only) and returns out/t/FILE (g_free) or NULL; *r gets the run. */
static char *built_in(const char *root, const char *yaml, const char *file, tu_run *r)
{
	char *c = tu_write(tmp, "c.yaml", yaml);
	char *out = g_build_filename(tmp, "out", NULL);
	char *p = g_build_filename(out, "t", file, NULL);
	char *text = NULL;

	out_remove_tree(out);
	*r = tu_cli("build", "--root", root, "--formats", "html,md", "-o", out, c, NULL);
	g_file_get_contents(p, &text, NULL, NULL);
	g_free(p);
	g_free(out);
	g_free(c);
	return text;
}

/* built_in, for a build that must succeed: out/t/FILE (g_free) or NULL. */
static char *built_ok(const char *root, const char *yaml, const char *file)
{
	tu_run r;
	char *text = built_in(root, yaml, file, &r);

	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	return text;
}

#define ck_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "missing: %s", (needle))

/* Sections five deep number 第1, 1, (1), ア, (ア) and a clause below them
 * (1); a template's {{clause:ID}} prints the full 公用文 reference, or
 * （該当なし） for a clause the contract leaves out; Markdown headings stop
 * at ######. */
START_TEST(deep_sections_number_in_koyobun_style)
{
	char *root = odd_root();
	tu_run r;
	char *md, *html;

	g_free(tu_write(root, "templates/odd/annex.md",
	                "# 特記事項\n\n深い条項は{{clause:odd-2}}、除いた条項は{{clause:odd-3}}、"
	                "最初の条項は{{clause:odd-1}}。\n{{body}}{{appendices}}"));
	md = built_in(root, ODD_CONTRACT "choices:\n  exclude: [odd-3]\n",
	              "annex.md", &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_has(r.err, "(2 required, 0 optional, 0 included of 3)");
	tu_run_free(&r);
	ck_assert_ptr_nonnull(md);
	ck_has(md, "深い条項は第1の2(1)ア(ア)(1)、除いた条項は（該当なし）、最初の条項は第1の1。");
	/* The clause of section 1 comes before its subsection and shares its
	 * numbering; the excluded one leaves no gap. */
	ck_has(md, "\n## 第1　総則\n\n1　**links, \"quotes\"**\n\n市は`code`を示す。\n");
	ck_has(md, "\n### 2　細則\n\n#### (1)　細目\n\n##### ア　小目\n\n###### (ア)　微目\n\n"
	           "(1)　受託者は市に報告する。\n");
	ck_assert_ptr_null(strstr(md, "除かれる条項"));
	g_free(md);
	html = built_ok(root, ODD_CONTRACT, "annex.html");
	ck_has(html, "<h6><span class=\"num\">(ア)</span>微目</h6>");
	ck_has(html, "<section class=\"sec depth-4\" id=\"sec-1-1-1-1-1\">");
	ck_has(html, "<div class=\"clause depth-5\" id=\"odd-2\">\n<span class=\"num\">(1)</span>");
	/* With odd-3 in, it is 2 and section 1-1 moves to 3. */
	ck_has(html, "<div class=\"clause depth-1\" id=\"odd-3\">\n<span class=\"num\">2</span>");
	ck_has(html, "<h3><span class=\"num\">3</span>細則</h3>");
	g_free(html);
	g_free(root);
}
END_TEST

/* An appendix's table takes any shape its front matter gives: a column
 * without an id stays empty, one without a name has an empty header (and
 * no "name: " in Markdown), values that are not text are left out, items
 * that are not a list are no sub-rows; without rows the table is empty
 * and with columns that are not a list, or none, there is none. */
START_TEST(appendix_tables_of_any_shape)
{
	char *root = odd_root();
	const char *yaml = ODD_CONTRACT;
	char *html = built_ok(root, yaml, "annex.html"), *md, *c;

	ck_has(html, "<thead><tr><th>名称</th><th>説明</th><th></th><th>無名</th><th>備考</th>"
	             "<th></th></tr></thead>\n<tbody>\n"
	             "<tr class=\"level-0\"><td>甲</td><td>説明甲</td><td>高</td><td></td>"
	             "<td>注</td><td>値</td></tr>\n"
	             "<tr class=\"level-1\"><td>甲1</td><td></td><td></td><td></td><td></td>"
	             "<td></td></tr>\n"
	             "<tr class=\"level-0\"><td>丙</td><td></td><td></td><td></td><td></td>"
	             "<td></td></tr>\n</tbody>");
	/* No rows: the header only (whether an empty <tbody> follows is the
	 * back-end's choice). */
	c = strstr(html, "<h2>別紙B</h2>\n<p>別紙Bの本文。</p>\n<table>\n<thead><tr><th>名称</th></tr>"
	                 "</thead>\n");
	ck_assert_ptr_nonnull(c);
	{
		char *sec = g_strndup(c, (gsize)(strstr(c, "</section>") - c));
		ck_assert_ptr_null(strstr(sec, "<tr class=\"level-"));
		g_free(sec);
	}
	c = strstr(html, "id=\"app-app-c\"");
	ck_assert_ptr_nonnull(c);
	ck_has(c, "<h2>別紙C</h2>\n<p>別紙Cの本文。</p>\n</section>");
	ck_assert_ptr_null(strstr(c, "<table>"));
	ck_has(c, "<section class=\"appendix\" id=\"app-app-d\">\n<h2>別紙D</h2>\n<p>別紙Dの本文。</p>\n"
	          "</section>");
	g_free(html);
	md = built_ok(root, yaml, "annex.md");
	ck_has(md, "\n## 別紙A\n\n別紙Aの本文。\n\n- 甲 / 説明甲 / 高 / 備考: 注 / 値\n  - 甲1\n- 丙\n"
	           "\n## 別紙B\n\n別紙Bの本文。\n\n\n## 別紙C\n\n別紙Cの本文。\n\n"
	           "\n## 別紙D\n\n別紙Dの本文。\n\n\n---");
	g_free(md);
	g_free(root);
}
END_TEST

/* An image in a clause is printed as its alt text and address in the HTML
 * documents, as in the PDF: an <img> would load from elsewhere when the
 * signed annex is opened (or show a broken picture). Links stay links. */
START_TEST(images_in_clauses_become_text)
{
	char *root = odd_root();
	const char *yaml = "id: t\ntitle: 試験\norderer: 例示市\nsource: odd\ncategory: dev\nclass: I\n";
	char *html;

	g_free(tu_write(root, "specs/odd/clauses/odd-2.md",
	                "---\nid: odd-2\nnumber: \"1\"\nsection: \"1-1-1-1-1\"\nmarks: {I: \"○\"}\n"
	                "seed_lines: [20, 20]\n---\n配置は![配置図](https://example.org/fig.png)のとおり。"
	                "[規程](https://example.org/r)と![](local.png)。"
	                "![https://x.jp/b.png](https://x.jp/b.png)\n"));
	html = built_ok(root, yaml, "annex.html");
	ck_assert_ptr_null(strstr(html, "<img"));
	ck_has(html, "配置は配置図（https://example.org/fig.png）のとおり。"
	             "<a href=\"https://example.org/r\">規程</a>と（local.png）。https://x.jp/b.png</p>");
	g_free(html);
	g_free(root);
}
END_TEST

/* A contract that does not name the orderer gets no 発注者 row in any
 * document, rather than a row with an empty name ("発注者: （以下「区」
 * という。）"), in Markdown and HTML alike (the PDF: check_pdf). */
START_TEST(no_orderer_no_orderer_row)
{
	char *root = odd_root();
	const char *yaml = ODD_CONTRACT;
	const char *docs[] = { "annex.md", "annex.html", "spec.md", "spec.html" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(docs); i++) {
		char *text = built_ok(root, yaml, docs[i]);
		ck_assert_msg(strstr(text, "発注者") == NULL, "%s has a 発注者 row:\n%s", docs[i], text);
		ck_assert_msg(strstr(text, "件名") != NULL, "%s lost its meta block", docs[i]);
		g_free(text);
	}
	g_free(root);
}
END_TEST

/* Only the party the contract renames is substituted: the same name as the
 * source's changes nothing, and a source without party words has nothing
 * to substitute (the contract's names still fill the template). */
START_TEST(only_renamed_parties_are_substituted)
{
	char *root = odd_root();
	const char *base = "id: t\ntitle: 試験\norderer: 例示市\nsource: odd\ncategory: dev\nclass: I\n";
	char *yaml, *md;

	yaml = g_strconcat(base, "parties: {orderer: 市, vendor: 乙}\n", NULL);
	md = built_ok(root, yaml, "annex.md");
	ck_has(md, "(1)　乙は市に報告する。");
	ck_has(md, "- 発注者: 例示市（以下「市」という。）");
	g_free(md);
	g_free(yaml);
	yaml = g_strconcat(base, "parties: {orderer: 甲, vendor: 受託者}\n", NULL);
	md = built_ok(root, yaml, "annex.md");
	ck_has(md, "(1)　受託者は甲に報告する。");
	ck_has(md, "1　**links, \"quotes\"**\n\n甲は`code`を示す。");
	g_free(md);
	g_free(yaml);
	md = built_ok(root, "id: t\ntitle: 試験\norderer: 例示市\nsource: bare\n"
	                    "parties: {orderer: 甲, vendor: 乙}\n",
	              "annex.md");
	ck_has(md, "\n## 第1　全般\n\n1　受託者は市に報告する。\n");
	ck_has(md, "- 発注者: 例示市（以下「甲」という。）");
	ck_has(md, "\n乙は、本契約の履行にあたり、素の基準に基づく");
	g_free(md);
	g_free(root);
}
END_TEST

/* Quotes and apostrophes are escaped in HTML; a line break in a contract's
 * title stays inside its Markdown line. */
START_TEST(quotes_and_line_breaks_in_contract_text)
{
	const char *yaml = "id: t\ntitle: \"試験 \\\"引用\\\" と 'アポ'\\n二行目\"\nsource: shinagawa\n"
	                   "category: dc\nclass: I\n";
	char *html = built(yaml, "annex.html", NULL), *md = built(yaml, "annex.md", NULL);

	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_nonnull(md);
	ck_has(html, "<dd>試験 &quot;引用&quot; と &#39;アポ&#39;\n二行目</dd>");
	ck_has(md, "- 件名: 試験 \"引用\" と 'アポ' 二行目\n");
	g_free(html);
	g_free(md);
}
END_TEST

/* Faults in templates/labels.yaml stop a build at their line and column. */
START_TEST(broken_labels_are_located)
{
	static const struct {
		const char *text;
		int status;
		const char *msg;
	} cases[] = {
		{ "spec: 【必須】\nannex: {optional: a, included: b, announced-optional: c, not-contracted: d}\n",
		  1, "templates/labels.yaml:1:7: error: 'spec' must be a map of marker texts" },
		{ "annex: {optional: a, included: b, announced-optional: c, not-contracted: d}\n", 1,
		  "templates/labels.yaml:1:1: error: 'spec' must be a map of marker texts" },
		{ "spec: {required: a, optional: b, included: c, not-announced: d}\nannex:\n"
		  "  optional: [a]\n  included: b\n  announced-optional: c\n  not-contracted: d\n",
		  1, "templates/labels.yaml:3:13: error: 'annex' needs the text for 'optional'" },
		{ "spec: {required: a, optional: b, included: c, not-announced: d}\nannex:\n"
		  "  optional: a\n  announced-optional: c\n  not-contracted: d\n",
		  1, "templates/labels.yaml:3:3: error: 'annex' needs the text for 'included'" },
		{ "spec: {required: a, optional: b, included: c, not-announced: d, requird: x}\n"
		  "annex: {optional: a, included: b, announced-optional: c, not-contracted: d}\n",
		  1, "templates/labels.yaml:1:65: error: unknown key 'requird' in spec (did you mean "
		     "'required'?)" },
		{ "spec: {required: a, optional: b, included: c, not-announced: d}\n"
		  "annex: {optional: a, included: b, announced-optional: c, not-contracted: d}\n"
		  "notes: x\n",
		  1, "templates/labels.yaml:3:1: error: unknown key 'notes' in labels.yaml" },
		{ "spec: [\n", 1, "templates/labels.yaml:2:1: error: YAML: " },
		{ NULL, 3, "templates/labels.yaml:1:1: error: cannot open: No such file or directory" },
	};
	char *root = odd_root();
	char *labels = g_build_filename(root, "templates", "labels.yaml", NULL);
	char *out = g_build_filename(tmp, "out", "t", NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		tu_run r;
		char *text, *want = g_strconcat(root, "/", cases[i].msg, NULL);
		if (cases[i].text)
			ck_assert(g_file_set_contents(labels, cases[i].text, -1, NULL));
		else
			g_unlink(labels);
		text = built_in(root, "id: t\ntitle: 試験\nsource: bare\n", "annex.md", &r);
		ck_assert_msg(r.status == cases[i].status, "case %zu: exit %d: %s", i, r.status, r.err);
		ck_assert_msg(strstr(r.err, want) != NULL, "case %zu: want '%s' in: %s", i, want,
		              r.err);
		ck_assert_ptr_null(text);
		ck_assert(!g_file_test(out, G_FILE_TEST_EXISTS));
		tu_run_free(&r);
		g_free(want);
	}
	g_free(out);
	g_free(labels);
	g_free(root);
}
END_TEST

/* The longest word wins: a protected word shorter than a party word does
 * not shield it, and a vendor word that starts with the orderer's word is
 * the vendor. Without protected words or a vendor rename only the orderer
 * changes. */
START_TEST(substitution_takes_the_longest_word)
{
	static const char *const ord[] = { "区", "発注者", NULL },
	                         *const ven[] = { "区内事業者", "受託者", NULL },
	                         *const prot[] = { "受託", "発注", NULL };
	num_terms t = { ord, "甲", ven, "乙", prot };
	char *s = num_substitute("区内事業者は受託業務を区に報告し、受託者は区の承認を得る。"
	                         "発注者は発注書を出す。",
	                         &t);

	ck_assert_str_eq(s, "乙は受託業務を甲に報告し、乙は甲の承認を得る。甲は発注書を出す。");
	g_free(s);
	t.protect = NULL;
	t.to_vendor = NULL;
	s = num_substitute("区内事業者は区に報告する。", &t);
	ck_assert_str_eq(s, "甲内事業者は甲に報告する。");
	g_free(s);
}
END_TEST

/* The first error is kept (later ones are its consequences); printing
 * places a missing position at 1:1, an error without a file has none; a
 * NULL or empty record is harmless. */
START_TEST(errors_keep_the_first_cause)
{
	cg_err e = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	ck_assert(!cg_err_isset(&e));
	ck_assert(!cg_err_isset(NULL));
	cg_err_set(NULL, CG_EINPUT, "x", 1, 1, "ignored");
	cg_err_clear(NULL);
	cg_err_set(&e, CG_EINPUT, "a.yaml", 0, 0, "first %d", 1);
	cg_err_set(&e, CG_ESYS, "b.yaml", 3, 4, "second");
	ck_assert(cg_err_isset(&e));
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, "a.yaml");
	ck_assert_str_eq(e.msg, "first 1");
	fp = open_memstream(&buf, &len);
	cg_err_print(&e, fp);
	cg_err_clear(&e);
	cg_err_print(&e, fp); /* nothing */
	cg_err_set(&e, CG_EUSAGE, NULL, 0, 0, "no file");
	cg_err_print(&e, fp);
	fclose(fp);
	ck_assert_str_eq(buf, "a.yaml:1:1: error: first 1\nclausegen: error: no file\n");
	free(buf);
	cg_err_clear(&e);
	ck_assert(!cg_err_isset(&e));
	ck_assert_ptr_null(e.msg);
	doc_free(NULL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("doc");
	TCase *tc = tcase_create("doc");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, labels_follow_koyobun);
	tcase_add_test(tc, party_terms_respect_protected_words);
	tcase_add_test(tc, removing_a_clause_renumbers_without_gaps);
	tcase_add_test(tc, appendix_follows_its_clause);
	tcase_add_test(tc, cached_body_html_only_for_the_source_text);
	tcase_add_test(tc, spec_and_annex_share_numbers_and_wording);
	tcase_add_test(tc, html_escapes_titles_and_drops_raw_html);
	tcase_add_test(tc, markdown_parses_back_to_the_same_structure);
	tcase_add_test(tc, template_errors_are_located);
	tcase_add_test(tc, check_reports_a_broken_template);
	tcase_add_test(tc, raw_fields_render_in_place);
	tcase_add_test(tc, provenance_and_reproducible_date);
	tcase_add_test(tc, deep_sections_number_in_koyobun_style);
	tcase_add_test(tc, appendix_tables_of_any_shape);
	tcase_add_test(tc, only_renamed_parties_are_substituted);
	tcase_add_test(tc, no_orderer_no_orderer_row);
	tcase_add_test(tc, images_in_clauses_become_text);
	tcase_add_test(tc, quotes_and_line_breaks_in_contract_text);
	tcase_add_test(tc, broken_labels_are_located);
	tcase_add_test(tc, substitution_takes_the_longest_word);
	tcase_add_test(tc, errors_keep_the_first_cause);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
