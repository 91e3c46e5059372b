/* check_doc.c: the document model and its back-ends: 公用文 numbering that
 * closes gaps, party terms, appendices that follow their clause, spec and
 * annex sharing numbers, escaping, Markdown that parses back to the same
 * structure, and template errors. */
#include <check.h>
#include <cmark.h>
#include <glib.h>
#include <string.h>

#include "doc.h"
#include "labels.h"
#include "number.h"
#include "render.h"
#include "testutil.h"
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
		      { 4, 2, "(イ)" }, { 5, 4, "(4)" } };
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

START_TEST(check_reports_a_broken_template)
{
	char *root = g_build_filename(tmp, "root", NULL);
	char *tdir = g_build_filename(root, "templates", NULL);
	char *sub;
	tu_run r;

	sub = g_build_filename(root, "specs", NULL);
	tu_copytree("specs", sub);
	g_free(sub);
	sub = g_build_filename(root, "lua", NULL);
	tu_copytree("lua", sub);
	g_free(sub);
	tu_copytree("templates", tdir);
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
	tcase_add_test(tc, spec_and_annex_share_numbers_and_wording);
	tcase_add_test(tc, html_escapes_titles_and_drops_raw_html);
	tcase_add_test(tc, markdown_parses_back_to_the_same_structure);
	tcase_add_test(tc, template_errors_are_located);
	tcase_add_test(tc, check_reports_a_broken_template);
	tcase_add_test(tc, provenance_and_reproducible_date);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
