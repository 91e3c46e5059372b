/* check_pdf.c: the PDF back-end read back with poppler: a clause longer
 * than a page is complete, table rows are never split, kinsoku (no line
 * opens with 、。）」 or ～), fallback-glyph warnings and undrawable
 * characters, a checklist without a vendor, an unwritable output directory,
 * outlines, byte-identical rebuilds, and the whole-source guideline on the
 * real shinagawa and nisc sources. */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "render_pdf.h"
#include "spec.h"
#include "testutil.h"

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

/* pdftotext (default mode, or -raw) of a PDF in memory, pages first..last
 * (0: all). */
static char *text_of(const char *pdf, size_t len, int raw, int first, int last)
{
	char *path = g_build_filename(tmp, "t.pdf", NULL), *cmd, *out = NULL;
	int st = -1;

	ck_assert(g_file_set_contents(path, pdf, (gssize)len, NULL));
	cmd = first ? g_strdup_printf("pdftotext %s -f %d -l %d %s -", raw ? "-raw" : "", first, last, path)
	            : g_strdup_printf("pdftotext %s %s -", raw ? "-raw" : "", path);
	ck_assert_msg(g_spawn_command_line_sync(cmd, &out, NULL, &st, NULL) && st == 0, "%s", cmd);
	g_free(cmd);
	g_free(path);
	return out;
}

/* The text without white space: Japanese lines break anywhere. */
static char *flat(const char *s)
{
	GString *o = g_string_new(NULL);

	for (; *s; s = g_utf8_next_char(s)) {
		gunichar c = g_utf8_get_char(s);
		if (!g_unichar_isspace(c))
			g_string_append_unichar(o, c);
	}
	return g_string_free(o, FALSE);
}

static int pages_of(const char *pdf, size_t len)
{
	char *path = g_build_filename(tmp, "p.pdf", NULL), *cmd, *out = NULL, *p;
	int st = -1, n = 0;

	ck_assert(g_file_set_contents(path, pdf, (gssize)len, NULL));
	cmd = g_strdup_printf("pdfinfo %s", path);
	ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, &st, NULL) && st == 0);
	p = strstr(out, "\nPages:");
	ck_assert_ptr_nonnull(p);
	n = atoi(p + 7);
	g_free(out);
	g_free(cmd);
	g_free(path);
	return n;
}

static pdf_env *env_or_fail(void)
{
	cg_err e = { 0 };
	pdf_env *env = pdf_env_new(NULL, &e);

	ck_assert_msg(env != NULL, "%s", e.msg ? e.msg : "");
	return env;
}

static pdf_doc *new_doc(pdf_env *env)
{
	pdf_meta m = { "試験", "試験者", "件名", "check_pdf", "2026-01-01" };
	pdf_doc *d = pdf_doc_new(env, &m, 20);

	pdf_page_new(d, 0);
	return d;
}

static void finish(pdf_doc *d, char **out, size_t *len)
{
	cg_err e = { 0 };

	ck_assert_msg(pdf_doc_finish(d, NULL, NULL, out, len, &e), "%s", e.msg ? e.msg : "");
	pdf_doc_free(d);
}

START_TEST(clause_longer_than_a_page_is_complete)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	GString *s = g_string_new("1\u2002");
	PangoLayout *l;
	char *pdf, *txt, *ft;
	size_t len;
	int i;

	for (i = 1; i <= 400; i++)
		g_string_append_printf(s, "受託者は第%d号の措置を講じること。", i);
	l = pdf_text(d, PDF_MINCHO, 10.5, s->str, NULL, pdf_width(d), 1.45, -12, PANGO_ALIGN_LEFT);
	ck_assert_double_gt(pdf_text_height(l), pdf_area_height(d));
	pdf_flow(d, l, pdf_left(d), 0, 0);
	finish(d, &pdf, &len);
	ck_assert_int_gt(pages_of(pdf, len), 2);
	txt = text_of(pdf, len, 0, 0, 0);
	ft = flat(txt);
	for (i = 1; i <= 400; i++) {
		char *want = g_strdup_printf("受託者は第%d号の措置を講じること。", i);
		ck_assert_msg(strstr(ft, want) != NULL, "sentence %d is missing", i);
		g_free(want);
	}
	g_free(ft);
	g_free(txt);
	g_free(pdf);
	g_string_free(s, TRUE);
	pdf_env_free(env);
}
END_TEST

START_TEST(table_rows_are_never_split)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	double w[3] = { 20 * PDF_MM, 100 * PDF_MM, 50 * PDF_MM };
	const char *heads[3] = { "番号", "確認項目", "確認欄" };
	pdf_table *t = pdf_table_new(d, 3, w, heads, 9, 3);
	char *pdf;
	size_t len;
	int i, p, pages;

	for (i = 1; i <= 60; i++) {
		GString *s = g_string_new(NULL);
		PangoLayout *cells[3];
		int k;
		g_string_append_printf(s, "【行%d始】", i);
		for (k = 0; k < (i % 5) * 3 + 1; k++)
			g_string_append(s, "委託先における情報の管理状況を確認すること。");
		g_string_append_printf(s, "【行%d終】", i);
		cells[0] = pdf_text(d, PDF_MINCHO, 9, "x", NULL, pdf_table_text_width(t, 0), 1.3, 0,
		                    PANGO_ALIGN_LEFT);
		cells[1] = pdf_text(d, PDF_MINCHO, 9, s->str, NULL, pdf_table_text_width(t, 1), 1.3, 0,
		                    PANGO_ALIGN_LEFT);
		cells[2] = pdf_text(d, PDF_MINCHO, 9, "□ 適合\n□ 不適合\n□ 該当なし", NULL,
		                    pdf_table_text_width(t, 2), 1.3, 0, PANGO_ALIGN_LEFT);
		pdf_table_row(t, cells);
		g_string_free(s, TRUE);
	}
	pdf_table_end(t);
	finish(d, &pdf, &len);
	pages = pages_of(pdf, len);
	ck_assert_int_gt(pages, 3);
	for (i = 1; i <= 60; i++) {
		char *a = g_strdup_printf("【行%d始】", i), *b = g_strdup_printf("【行%d終】", i);
		int pa = 0, pb = 0;
		for (p = 1; p <= pages; p++) {
			char *txt = text_of(pdf, len, 1, p, p), *ft = flat(txt);
			if (strstr(ft, a))
				pa = p;
			if (strstr(ft, b))
				pb = p;
			/* The header is repeated on every page. */
			ck_assert_msg(strstr(ft, "確認項目") != NULL, "page %d has no header row", p);
			g_free(ft);
			g_free(txt);
		}
		ck_assert_msg(pa != 0 && pa == pb, "row %d: starts on page %d, ends on page %d", i, pa, pb);
		g_free(a);
		g_free(b);
	}
	g_free(pdf);
	pdf_env_free(env);
}
END_TEST

/* A row taller than a page continues on the next and loses nothing. */
START_TEST(row_taller_than_a_page_continues)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	double w[2] = { 30 * PDF_MM, 140 * PDF_MM };
	const char *heads[2] = { "番号", "確認項目" };
	pdf_table *t = pdf_table_new(d, 2, w, heads, 9, 3);
	GString *s = g_string_new(NULL);
	PangoLayout *cells[2];
	char *pdf, *txt, *ft;
	size_t len;
	int i;

	for (i = 1; i <= 300; i++)
		g_string_append_printf(s, "第%d項を確認すること。", i);
	cells[0] = pdf_text(d, PDF_MINCHO, 9, "第1の1", NULL, pdf_table_text_width(t, 0), 1.3, 0,
	                    PANGO_ALIGN_LEFT);
	cells[1] = pdf_text(d, PDF_MINCHO, 9, s->str, NULL, pdf_table_text_width(t, 1), 1.3, 0,
	                    PANGO_ALIGN_LEFT);
	pdf_table_row(t, cells);
	pdf_table_end(t);
	finish(d, &pdf, &len);
	ck_assert_int_ge(pages_of(pdf, len), 2);
	txt = text_of(pdf, len, 1, 0, 0);
	ft = flat(txt);
	/* The header row repeated at each page's top sits between the lines
	 * of a row that continues: read past it. */
	{
		char *h;
		while ((h = strstr(ft, "番号確認項目")) != NULL)
			memmove(h, h + strlen("番号確認項目"), strlen(h + strlen("番号確認項目")) + 1);
	}
	for (i = 1; i <= 300; i++) {
		char *want = g_strdup_printf("第%d項を確認すること。", i);
		ck_assert_msg(strstr(ft, want) != NULL, "item %d is missing", i);
		g_free(want);
	}
	g_free(ft);
	g_free(txt);
	g_free(pdf);
	g_string_free(s, TRUE);
	pdf_env_free(env);
}
END_TEST

/* The first character of every line of a layout. */
static void line_starts(PangoLayout *l, GString *out)
{
	const char *text = pango_layout_get_text(l);
	int i, n = pango_layout_get_line_count(l);

	for (i = 1; i < n; i++) {
		PangoLayoutLine *line = pango_layout_get_line_readonly(l, i);
		g_string_append_unichar(out, g_utf8_get_char(text + line->start_index));
	}
}

START_TEST(kinsoku_keeps_punctuation_and_ranges)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	GString *starts = g_string_new(NULL);
	const char *forbidden[] = { "、", "。", "）", "」", "～", "〜" };
	char *pdf;
	size_t len, i;
	double wd;

	/* Every width from 6 to 30 characters: each punctuation mark and
	 * each ～ falls at a line's end for some width. */
	for (wd = 6; wd <= 30; wd += 0.25) {
		PangoLayout *l = pdf_text(d, PDF_MINCHO, 10, "保存期間は1～3年とし、「別表（第2）」に定める。"
		                                             "点検は月1～2回、結果は「報告書」。作業（保守）は9～17時。",
		                          NULL, wd * 10, 1.2, 0, PANGO_ALIGN_LEFT);
		line_starts(l, starts);
		if (pdf_room(d) < pdf_text_height(l))
			pdf_page_new(d, 0);
		pdf_flow(d, l, pdf_left(d), 2, 0);
	}
	for (i = 0; i < G_N_ELEMENTS(forbidden); i++)
		ck_assert_msg(strstr(starts->str, forbidden[i]) == NULL, "a line starts with %s: %s",
		              forbidden[i], starts->str);
	/* And in what pdftotext reads back. */
	finish(d, &pdf, &len);
	{
		char *txt = text_of(pdf, len, 1, 0, 0), **lines = g_strsplit(txt, "\n", -1);
		for (i = 0; lines[i] != NULL; i++) {
			size_t k;
			for (k = 0; k < G_N_ELEMENTS(forbidden); k++)
				ck_assert_msg(!g_str_has_prefix(lines[i], forbidden[k]),
				              "extracted line %zu starts with %s: %s", i, forbidden[k], lines[i]);
		}
		g_strfreev(lines);
		g_free(txt);
	}
	g_free(pdf);
	g_string_free(starts, TRUE);
	pdf_env_free(env);
}
END_TEST

/* Without the kinsoku attribute pango would break before ～: the test
 * above can fail. */
START_TEST(pango_alone_breaks_before_tilde)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	PangoLayout *probe = pdf_text(d, PDF_MINCHO, 10, "あ", NULL, 0, 1, 0, PANGO_ALIGN_LEFT);
	PangoLayout *l = pango_layout_new(pango_layout_get_context(probe));
	GString *starts = g_string_new(NULL);
	double wd;

	pango_layout_set_font_description(l, pango_layout_get_font_description(probe));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, "保存期間は1～3年とし点検は月1～2回、作業は9～17時。", -1);
	for (wd = 6; wd <= 30; wd += 0.25) {
		pango_layout_set_width(l, (int)(wd * 10 * PANGO_SCALE));
		line_starts(l, starts);
	}
	ck_assert_msg(strstr(starts->str, "～") != NULL, "pango kept ～ by itself: %s", starts->str);
	g_object_unref(l);
	g_string_free(starts, TRUE);
	pdf_doc_free(d);
	pdf_env_free(env);
}
END_TEST

/* A copy of specs/ whose funabashi-contract clause fk-1 says `extra`, and
 * a contract asking for `docs`. Returns the contract's path. */
static char *fixture(const char *extra, const char *docs, int vendor, char **specs)
{
	char *src, *body, *path, *text = NULL, *contract;

	*specs = g_build_filename(tmp, "specs", NULL);
	tu_copytree("specs", *specs);
	path = g_build_filename(*specs, "funabashi-contract", "clauses", "fk-1.md", NULL);
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	body = g_strconcat(text, extra, "\n", NULL);
	ck_assert(g_file_set_contents(path, body, -1, NULL));
	src = g_strdup_printf("id: fx\ntitle: 試験契約\nsource: funabashi-contract\n%sdocuments: [%s]\n",
	                      vendor ? "vendor: 株式会社試験\n" : "", docs);
	contract = tu_write(tmp, "fx.yaml", src);
	g_free(src);
	g_free(body);
	g_free(text);
	g_free(path);
	return contract;
}

START_TEST(glyph_from_fallback_is_a_warning)
{
	char *specs, *c = fixture("試験用の实在データ。", "annex, checklist-periodic", 1, &specs);
	char *out = g_build_filename(tmp, "out", NULL), *pdf;
	tu_run r = tu_cli("build", "--specs", specs, "-o", out, c, NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.err, "fk-1.md:") != NULL &&
	              strstr(r.err, ": warning: clause fk-1: '实' U+5B9E is not in IPAex明朝; drawn from Noto Serif CJK JP") != NULL,
	              "%s", r.err);
	pdf = g_build_filename(out, "fx", "annex.pdf", NULL);
	ck_assert(g_file_test(pdf, G_FILE_TEST_EXISTS));
	g_free(pdf);
	tu_run_free(&r);
	g_free(out);
	g_free(c);
	g_free(specs);
}
END_TEST

START_TEST(glyph_in_no_font_is_an_error)
{
	char *specs, *c = fixture("私用文字\xf4\x8f\xbf\xbd。", "annex", 1, &specs);
	char *out = g_build_filename(tmp, "out", NULL), *dir;
	tu_run r = tu_cli("build", "--specs", specs, "-o", out, c, NULL);

	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "fk-1.md:") && strstr(r.err, "error: clause fk-1: '\xf4\x8f\xbf\xbd' U+10FFFD is in none of the fonts"),
	              "%s", r.err);
	dir = g_build_filename(out, "fx", NULL);
	ck_assert_int_eq(tu_count_entries(dir), -1);
	g_free(dir);
	tu_run_free(&r);
	g_free(out);
	g_free(c);
	g_free(specs);
}
END_TEST

START_TEST(checklist_without_vendor_is_an_error)
{
	char *specs, *c = fixture("", "annex, checklist-delivery", 0, &specs);
	char *out = g_build_filename(tmp, "out", NULL), *dir;
	tu_run r = tu_cli("build", "--specs", specs, "-o", out, c, NULL);

	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "fx.yaml:1:5: error: contract 'fx' has no 'vendor'") != NULL, "%s", r.err);
	dir = g_build_filename(out, "fx", NULL);
	ck_assert_int_eq(tu_count_entries(dir), -1);
	g_free(dir);
	tu_run_free(&r);
	g_free(out);
	g_free(c);
	g_free(specs);
}
END_TEST

/* Before the tender the vendor is unknown: with `documents` left at its
 * default the build goes on without checklists, and says so. */
START_TEST(no_vendor_and_default_documents_warns)
{
	char *out = g_build_filename(tmp, "out", NULL), *dir = g_build_filename(out, "fx", NULL);
	char *c = tu_write(tmp, "fx.yaml", "id: fx\ntitle: 試験契約\nsource: funabashi-contract\n");
	tu_run r = tu_cli("build", "-o", out, c, NULL);
	char *pdf = g_build_filename(dir, "checklist-delivery.pdf", NULL);
	char *annex = g_build_filename(dir, "annex.pdf", NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.err, "fx.yaml:1:5: warning: contract 'fx' has no 'vendor': no checklists built") != NULL,
	              "%s", r.err);
	ck_assert(!g_file_test(pdf, G_FILE_TEST_EXISTS));
	ck_assert(g_file_test(annex, G_FILE_TEST_EXISTS));
	tu_run_free(&r);
	g_free(annex);
	g_free(pdf);
	g_free(dir);
	g_free(out);
	g_free(c);
}
END_TEST

/* No partial PDF: neither in the output nor as a temporary file. */
static int count_pdfs(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	int count = 0;

	if (d == NULL)
		return 0;
	while ((n = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, n, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			count += count_pdfs(p);
		else if (strstr(n, ".pdf") != NULL || strstr(n, ".tmp") != NULL)
			count++;
		g_free(p);
	}
	g_dir_close(d);
	return count;
}

START_TEST(unwritable_output_is_exit_3_without_partial_files)
{
	char *file = tu_write(tmp, "file-not-dir", "x");
	char *sub = g_build_filename(file, "o", NULL);
	tu_run r = tu_cli("build", "-o", sub, "specs/contracts/shinagawa-dev-shisetsu.yaml", NULL);
	cg_err e = { 0 };
	pdf_env *env = env_or_fail();

	ck_assert_int_eq(r.status, 3);
	ck_assert_int_eq(count_pdfs(tmp), 0);
	tu_run_free(&r);
	cg_err_clear(&e);
	pdf_env_free(env);
	g_free(sub);
	g_free(file);
}
END_TEST

/* A PDF holds NUL bytes: no str* functions on it. */
static int has_bytes(const char *buf, size_t len, const char *what)
{
	size_t n = strlen(what), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(buf + i, what, n) == 0)
			return 1;
	return 0;
}

START_TEST(contract_pdfs_have_outline_and_rebuild_identically)
{
	char *out1 = g_build_filename(tmp, "o1", NULL), *out2 = g_build_filename(tmp, "o2", NULL);
	const char *names[] = { "spec.pdf", "annex.pdf", "checklist-selection.pdf",
		                "checklist-delivery.pdf", "checklist-periodic.pdf" };
	tu_run r;
	size_t i;

	g_setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
	r = tu_cli("build", "-o", out1, "specs/contracts/shinagawa-dc-kikan.yaml", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	r = tu_cli("build", "-o", out2, "specs/contracts/shinagawa-dc-kikan.yaml", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		char *a = g_build_filename(out1, "shinagawa-dc-kikan", names[i], NULL);
		char *b = g_build_filename(out2, "shinagawa-dc-kikan", names[i], NULL);
		char *da, *db;
		gsize la, lb;
		ck_assert(g_file_get_contents(a, &da, &la, NULL));
		ck_assert(g_file_get_contents(b, &db, &lb, NULL));
		ck_assert_msg(la == lb && memcmp(da, db, la) == 0, "%s differs on rebuild", names[i]);
		/* The outline: a catalog entry and bookmark items. */
		ck_assert_msg(has_bytes(da, la, "/Outlines"), "%s has no outline", names[i]);
		ck_assert_msg(has_bytes(da, la, "/First"), "%s has an empty outline", names[i]);
		g_free(da);
		g_free(db);
		g_free(a);
		g_free(b);
	}
	g_free(out1);
	g_free(out2);
}
END_TEST

static void guideline_of(const char *id)
{
	cg_err e = { 0 };
	char *dir = g_build_filename("specs", id, NULL), *pdf = NULL, *pdf2 = NULL, *txt, *ft;
	sp_source *s = spec_load(dir, &e);
	render_pdf_words *w = render_pdf_words_load("templates/pdf.yaml", &e);
	size_t len = 0, len2 = 0, i;
	int pages;

	ck_assert_msg(s != NULL && w != NULL, "%s", e.msg ? e.msg : "");
	ck_assert_msg(render_pdf_guideline(s, w, "2026-01-01", NULL, &pdf, &len, &e), "%s",
	              e.msg ? e.msg : "");
	ck_assert(render_pdf_guideline(s, w, "2026-01-01", NULL, &pdf2, &len2, &e));
	ck_assert_msg(len == len2 && memcmp(pdf, pdf2, len) == 0, "guideline not reproducible");
	pages = pages_of(pdf, len);
	txt = text_of(pdf, len, 1, 0, 0);
	ft = flat(txt);
	ck_assert(strstr(ft, "目次") != NULL);
	for (i = 0; i < s->nclauses; i++) {
		char *plain = pdf_md_plain(s->clauses[i].body), *fp = flat(plain);
		char *want = g_utf8_substring(fp, 0, MIN(10, g_utf8_strlen(fp, -1)));
		if (g_str_has_prefix(want, "・"))
			memmove(want, want + 3, strlen(want + 3) + 1);
		ck_assert_msg(strstr(ft, want) != NULL, "%s: clause %s ('%s') is missing", id,
		              s->clauses[i].id, want);
		g_free(want);
		g_free(fp);
		g_free(plain);
	}
	/* Matrix pages are landscape, and "n / N" closes every page but the cover. */
	{
		char *path = g_build_filename(tmp, "g.pdf", NULL), *cmd, *out = NULL;
		int st;
		ck_assert(g_file_set_contents(path, pdf, (gssize)len, NULL));
		cmd = g_strdup_printf("pdfinfo -f 1 -l %d %s", pages, path);
		ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, &st, NULL));
		if (s->ntables > 0)
			ck_assert_msg(strstr(out, "841.89 x 595.276") != NULL, "no landscape page");
		g_free(out);
		g_free(cmd);
		g_free(path);
	}
	{
		char *foot = g_strdup_printf("%d/%d", pages, pages);
		ck_assert_msg(strstr(ft, foot) != NULL, "no footer %s", foot);
		g_free(foot);
	}
	g_free(ft);
	g_free(txt);
	g_free(pdf);
	g_free(pdf2);
	render_pdf_words_free(w);
	spec_free(s);
	g_free(dir);
}

START_TEST(guideline_shinagawa)
{
	guideline_of("shinagawa");
}
END_TEST

START_TEST(guideline_nisc)
{
	guideline_of("nisc");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc = tcase_create("pdf");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, clause_longer_than_a_page_is_complete);
	tcase_add_test(tc, table_rows_are_never_split);
	tcase_add_test(tc, row_taller_than_a_page_continues);
	tcase_add_test(tc, kinsoku_keeps_punctuation_and_ranges);
	tcase_add_test(tc, pango_alone_breaks_before_tilde);
	tcase_add_test(tc, glyph_from_fallback_is_a_warning);
	tcase_add_test(tc, glyph_in_no_font_is_an_error);
	tcase_add_test(tc, checklist_without_vendor_is_an_error);
	tcase_add_test(tc, no_vendor_and_default_documents_warns);
	tcase_add_test(tc, unwritable_output_is_exit_3_without_partial_files);
	tcase_add_test(tc, contract_pdfs_have_outline_and_rebuild_identically);
	tcase_add_test(tc, guideline_shinagawa);
	tcase_add_test(tc, guideline_nisc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
