/* check_pdf.c: the PDF back-end read back with poppler: a clause longer
 * than a page is complete, table rows are never split, kinsoku (no line
 * opens with 、。）」, ～ or …), fallback-glyph warnings and undrawable
 * characters, a checklist without a vendor, an unwritable output directory,
 * outlines, byte-identical rebuilds, and the whole-source guideline on the
 * real shinagawa and nisc sources.
 *
 * Then what real input may hold and the bundled sources do not: every
 * Markdown construct in a clause (pdftohtml -xml gives the font and place
 * of each piece: bold, hanging items), bodies of raw HTML only, appendix
 * tables of every shape, contracts without number or orderer, contract
 * fields and titles with glyphs from fallback fonts or from none, a
 * source's own wording files and wording files of the wrong shape, the
 * rows of each checklist, the guideline of a source written here (contents
 * over two pages, matrices split by class), machines with one face missing
 * or only Noto fonts (the program run as a child with its own fontconfig),
 * and the page engine: headers, widows and orphans, rows taller than a
 * page at a page's foot, lines pango draws itself. */
#include <check.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "contract.h"
#include "doc.h"
#include "pdf.h"
#include "pdf_checklist.h"
#include "render_pdf.h"
#include "select.h"
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

/* The output of a poppler tool run on `pdf` (`args` before the file name;
 * g_free). */
static char *poppler(const char *tool, const char *args, const char *pdf, size_t len)
{
	char *path = g_build_filename(tmp, "x.pdf", NULL), *cmd, *out = NULL;
	int st = -1;

	ck_assert(g_file_set_contents(path, pdf, (gssize)len, NULL));
	cmd = g_strdup_printf("%s %s %s%s", tool, args, path,
	                      strcmp(tool, "pdftotext") == 0 ? " -" : "");
	ck_assert_msg(g_spawn_command_line_sync(cmd, &out, NULL, &st, NULL) && st == 0, "%s", cmd);
	g_free(cmd);
	g_free(path);
	return out;
}

/* pdftotext (default mode, or -raw) of a PDF in memory, pages first..last
 * (0: all; g_free). */
static char *text_of(const char *pdf, size_t len, int raw, int first, int last)
{
	char *args = first ? g_strdup_printf("%s -f %d -l %d", raw ? "-raw" : "", first, last)
	                   : g_strdup(raw ? "-raw" : "");
	char *out = poppler("pdftotext", args, pdf, len);

	g_free(args);
	return out;
}

/* pdftotext -raw of page `page` (g_free). */
static char *page_text(const char *pdf, size_t len, int page)
{
	return text_of(pdf, len, 1, page, page);
}

/* The text without white space: Japanese lines break anywhere (g_free). */
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

/* flat(text_of(...)) (g_free). */
static char *flat_text_of(const char *pdf, size_t len, int raw, int first, int last)
{
	char *txt = text_of(pdf, len, raw, first, last), *ft = flat(txt);

	g_free(txt);
	return ft;
}

static int pages_of(const char *pdf, size_t len)
{
	char *out = poppler("pdfinfo", "", pdf, len), *p = strstr(out, "\nPages:");
	int n;

	ck_assert_ptr_nonnull(p);
	n = atoi(p + 7);
	g_free(out);
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

/* Column `col` of table `t`: `text` in 明朝 9 pt, wrapped to the column. */
static PangoLayout *cell(pdf_doc *d, pdf_table *t, int col, const char *text)
{
	return pdf_text(d, PDF_MINCHO, 9, text, NULL, pdf_table_text_width(t, col), 1.3, 0,
	                PANGO_ALIGN_LEFT);
}

/* A table of two columns, 番号 (30 mm) and 確認項目 (140 mm). */
static pdf_table *item_table(pdf_doc *d)
{
	double w[2] = { 30 * PDF_MM, 140 * PDF_MM };
	const char *heads[2] = { "番号", "確認項目" };

	return pdf_table_new(d, 2, w, heads, 9, 3);
}

/* `text` in 明朝 at `size` pt, as wide as the text area. */
static PangoLayout *para(pdf_doc *d, double size, const char *text, PangoAttrList *attrs)
{
	return pdf_text(d, PDF_MINCHO, size, text, attrs, pdf_width(d), 1.2, 0, PANGO_ALIGN_LEFT);
}

START_TEST(clause_longer_than_a_page_is_complete)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	GString *s = g_string_new("1\u2002");
	PangoLayout *l;
	char *pdf, *ft;
	size_t len;
	int i;

	for (i = 1; i <= 400; i++)
		g_string_append_printf(s, "受託者は第%d号の措置を講じること。", i);
	l = pdf_text(d, PDF_MINCHO, 10.5, s->str, NULL, pdf_width(d), 1.45, -12, PANGO_ALIGN_LEFT);
	ck_assert_double_gt(pdf_text_height(l), pdf_area_height(d));
	pdf_flow(d, l, pdf_left(d), 0, 0);
	finish(d, &pdf, &len);
	ck_assert_int_gt(pages_of(pdf, len), 2);
	ft = flat_text_of(pdf, len, 0, 0, 0);
	for (i = 1; i <= 400; i++) {
		char *want = g_strdup_printf("受託者は第%d号の措置を講じること。", i);
		ck_assert_msg(strstr(ft, want) != NULL, "sentence %d is missing", i);
		g_free(want);
	}
	g_free(ft);
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
		cells[0] = cell(d, t, 0, "x");
		cells[1] = cell(d, t, 1, s->str);
		cells[2] = cell(d, t, 2, "□ 適合\n□ 不適合\n□ 該当なし");
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
			char *ft = flat_text_of(pdf, len, 1, p, p);
			if (strstr(ft, a))
				pa = p;
			if (strstr(ft, b))
				pb = p;
			/* The header is repeated on every page. */
			ck_assert_msg(strstr(ft, "確認項目") != NULL, "page %d has no header row", p);
			g_free(ft);
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
	pdf_table *t = item_table(d);
	GString *s = g_string_new(NULL);
	PangoLayout *cells[2];
	char *pdf, *ft;
	size_t len;
	int i;

	for (i = 1; i <= 300; i++)
		g_string_append_printf(s, "第%d項を確認すること。", i);
	cells[0] = cell(d, t, 0, "第1の1");
	cells[1] = cell(d, t, 1, s->str);
	pdf_table_row(t, cells);
	pdf_table_end(t);
	finish(d, &pdf, &len);
	ck_assert_int_ge(pages_of(pdf, len), 2);
	ft = flat_text_of(pdf, len, 1, 0, 0);
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
	const char *forbidden[] = { "、", "。", "）", "」", "～", "〜", "‥", "…" };
	char *pdf;
	size_t len, i;
	double wd;

	/* Every width from 6 to 30 characters: each punctuation mark and
	 * each ～ falls at a line's end for some width. */
	for (wd = 6; wd <= 30; wd += 0.25) {
		PangoLayout *l = pdf_text(d, PDF_MINCHO, 10, "保存期間は1～3年とし、「別表（第2）」に定める。"
		                                             "点検は月1～2回、結果は「報告書」。作業（保守）は9～17時。"
		                                             "猶予は4〜6月。以下‥略。詳細は別途…参照。",
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

/* A copy of specs/ in the temporary directory (g_free). */
static char *copy_specs(void)
{
	char *specs = g_build_filename(tmp, "specs", NULL);

	tu_copytree("specs", specs);
	return specs;
}

/* tmp/fx.yaml: the contract fx of funabashi-contract, titled 試験契約,
 * with the fields `rest` besides. Returns its path (g_free). */
static char *fx_contract(const char *rest)
{
	char *src = g_strconcat("id: fx\ntitle: 試験契約\nsource: funabashi-contract\n", rest, NULL);
	char *path = tu_write(tmp, "fx.yaml", src);

	g_free(src);
	return path;
}

/* Runs `clausegen build [--specs specs] -o out contract`, which must
 * succeed (tu_run_free). */
static tu_run build_ok(const char *specs, const char *out, const char *contract)
{
	tu_run r = specs ? tu_cli("build", "--specs", specs, "-o", out, contract, NULL)
	                 : tu_cli("build", "-o", out, contract, NULL);

	ck_assert_msg(r.status == 0, "%.2000s", r.err);
	return r;
}

/* Whether out/id/name exists. */
static int built_exists(const char *out, const char *id, const char *name)
{
	char *path = g_build_filename(out, id, name, NULL);
	int yes = g_file_test(path, G_FILE_TEST_EXISTS);

	g_free(path);
	return yes;
}

/* tu_count_entries of out/id (-1: nothing was written for contract id). */
static int entries_of(const char *out, const char *id)
{
	char *dir = g_build_filename(out, id, NULL);
	int n = tu_count_entries(dir);

	g_free(dir);
	return n;
}

/* The contract fx, asking for `docs`, built from a copy of specs/ whose
 * funabashi-contract clause fk-1 ends with `extra` (fk1_build_free). */
typedef struct {
	char *specs;    /* tmp/specs */
	char *c;        /* tmp/fx.yaml */
	char *out;      /* tmp/out */
	tu_run r;       /* clausegen build --specs specs -o out c */
} fk1_build;

static fk1_build build_with_fk1(const char *extra, const char *docs, int vendor)
{
	fk1_build f;
	char *src, *body, *path, *text = NULL;

	f.specs = copy_specs();
	path = g_build_filename(f.specs, "funabashi-contract", "clauses", "fk-1.md", NULL);
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	body = g_strconcat(text, extra, "\n", NULL);
	ck_assert(g_file_set_contents(path, body, -1, NULL));
	src = g_strdup_printf("%sdocuments: [%s]\n", vendor ? "vendor: 株式会社試験\n" : "", docs);
	f.c = fx_contract(src);
	f.out = g_build_filename(tmp, "out", NULL);
	f.r = tu_cli("build", "--specs", f.specs, "-o", f.out, f.c, NULL);
	g_free(src);
	g_free(body);
	g_free(text);
	g_free(path);
	return f;
}

static void fk1_build_free(fk1_build *f)
{
	tu_run_free(&f->r);
	g_free(f->out);
	g_free(f->c);
	g_free(f->specs);
}

START_TEST(glyph_from_fallback_is_a_warning)
{
	fk1_build f = build_with_fk1("試験用の实在データ。", "annex, checklist-periodic", 1);

	ck_assert_msg(f.r.status == 0, "%s", f.r.err);
	ck_assert_msg(strstr(f.r.err, "fk-1.md:") != NULL &&
	              strstr(f.r.err, ": warning: clause fk-1: '实' U+5B9E is not in IPAex明朝; drawn from Noto Serif CJK JP") != NULL,
	              "%s", f.r.err);
	ck_assert(built_exists(f.out, "fx", "annex.pdf"));
	fk1_build_free(&f);
}
END_TEST

START_TEST(glyph_in_no_font_is_an_error)
{
	fk1_build f = build_with_fk1("私用文字\xf4\x8f\xbf\xbd。", "annex", 1);

	ck_assert_int_eq(f.r.status, 1);
	ck_assert_msg(strstr(f.r.err, "fk-1.md:") && strstr(f.r.err, "error: clause fk-1: '\xf4\x8f\xbf\xbd' U+10FFFD is in none of the fonts"),
	              "%s", f.r.err);
	ck_assert_int_eq(entries_of(f.out, "fx"), -1);
	fk1_build_free(&f);
}
END_TEST

START_TEST(checklist_without_vendor_is_an_error)
{
	fk1_build f = build_with_fk1("", "annex, checklist-delivery", 0);

	ck_assert_int_eq(f.r.status, 1);
	ck_assert_msg(strstr(f.r.err, "fx.yaml:1:5: error: contract 'fx' has no 'vendor'") != NULL, "%s", f.r.err);
	ck_assert_int_eq(entries_of(f.out, "fx"), -1);
	fk1_build_free(&f);
}
END_TEST

/* Before the tender the vendor is unknown: with `documents` left at its
 * default the build goes on without checklists, and says so. */
START_TEST(no_vendor_and_default_documents_warns)
{
	char *out = g_build_filename(tmp, "out", NULL), *c = fx_contract("");
	tu_run r = tu_cli("build", "-o", out, c, NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.err, "fx.yaml:1:5: warning: contract 'fx' has no 'vendor': no checklists built") != NULL,
	              "%s", r.err);
	ck_assert(!built_exists(out, "fx", "checklist-delivery.pdf"));
	ck_assert(built_exists(out, "fx", "annex.pdf"));
	tu_run_free(&r);
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
	char *dir = g_build_filename("specs", id, NULL), *pdf = NULL, *pdf2 = NULL, *ft;
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
	ft = flat_text_of(pdf, len, 1, 0, 0);
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
		char *args = g_strdup_printf("-f 1 -l %d", pages), *out = poppler("pdfinfo", args, pdf, len);
		if (s->ntables > 0)
			ck_assert_msg(strstr(out, "841.89 x 595.276") != NULL, "no landscape page");
		g_free(out);
		g_free(args);
	}
	{
		char *foot = g_strdup_printf("%d/%d", pages, pages);
		ck_assert_msg(strstr(ft, foot) != NULL, "no footer %s", foot);
		g_free(foot);
	}
	g_free(ft);
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

/* ---- clause bodies, appendices and contracts read back ---- */

/* The bytes of out/id/name, a file the build wrote (g_free). */
static char *slurp_built(const char *out, const char *id, const char *name, size_t *len)
{
	char *path = g_build_filename(out, id, name, NULL), *data = NULL;
	gsize n = 0;

	ck_assert_msg(g_file_get_contents(path, &data, &n, NULL), "cannot read %s", path);
	g_free(path);
	*len = n;
	return data;
}

/* A PDF the build wrote, read back (built_free). */
typedef struct {
	char *pdf;  /* its bytes */
	size_t len;
	char *txt;  /* pdftotext -raw of the pages asked for */
	char *ft;   /* txt without white space (flat) */
} built;

/* out/id/name read back, its text from pages first..last (0: all). */
static built read_built(const char *out, const char *id, const char *name, int first, int last)
{
	built b;

	b.pdf = slurp_built(out, id, name, &b.len);
	b.txt = text_of(b.pdf, b.len, 1, first, last);
	b.ft = flat(b.txt);
	return b;
}

static void built_free(built *b)
{
	g_free(b->ft);
	g_free(b->txt);
	g_free(b->pdf);
	b->pdf = b->txt = b->ft = NULL;
}

/* `text` with the first `from` replaced by `to` (g_free); fails the test
 * when `from` is not there, so a fixture cannot silently stop applying. */
static char *tu_replace_once(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	ck_assert_msg(at != NULL, "fixture text not found: %s", from);
	return g_strdup_printf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* White space runs as one space: Latin words read across line ends. */
static char *squash(const char *s)
{
	GString *o = g_string_new(NULL);
	int sp = 0;

	for (; *s; s = g_utf8_next_char(s)) {
		gunichar c = g_utf8_get_char(s);
		if (g_unichar_isspace(c)) {
			sp = 1;
			continue;
		}
		if (sp && o->len)
			g_string_append_c(o, ' ');
		sp = 0;
		g_string_append_unichar(o, c);
	}
	return g_string_free(o, FALSE);
}

/* Asserts that `ft` holds every string of `want` (NULL-terminated) in that
 * order. */
static void in_order(const char *ft, const char *const *want)
{
	const char *at = ft;
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		const char *p = strstr(at, want[i]);
		ck_assert_msg(p != NULL, "'%s' missing or out of order in: %.1500s", want[i], ft);
		at = p + strlen(want[i]);
	}
}

/* A piece of text as pdftohtml -xml places it (pixels at 1.5 per point). */
typedef struct {
	int top, left;
	char *font, *text;
} seg;

static void seg_free(gpointer p)
{
	seg *s = p;

	g_free(s->font);
	g_free(s->text);
	g_free(s);
}

/* The text pieces of page `page`, with the font each is drawn in. */
static GPtrArray *segs_of(const char *pdf, size_t len, int page)
{
	char *args = g_strdup_printf("-xml -i -stdout -q -f %d -l %d", page, page);
	char *xml = poppler("pdftohtml", args, pdf, len);
	GPtrArray *out = g_ptr_array_new_with_free_func(seg_free);
	GHashTable *fonts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GRegex *fre = g_regex_new("<fontspec id=\"(\\d+)\"[^>]* family=\"([^\"]*)\"", 0, 0, NULL);
	GRegex *tre = g_regex_new("<text top=\"(\\d+)\" left=\"(\\d+)\" width=\"\\d+\" "
	                          "height=\"\\d+\" font=\"(\\d+)\">(.*?)</text>",
	                          0, 0, NULL);
	GRegex *tags = g_regex_new("<[^>]*>", 0, 0, NULL);
	GMatchInfo *mi;

	g_regex_match(fre, xml, 0, &mi);
	for (; g_match_info_matches(mi); g_match_info_next(mi, NULL))
		g_hash_table_insert(fonts, g_match_info_fetch(mi, 1), g_match_info_fetch(mi, 2));
	g_match_info_free(mi);
	g_regex_match(tre, xml, 0, &mi);
	for (; g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		seg *s = g_new0(seg, 1);
		char *v, *raw;
		v = g_match_info_fetch(mi, 1);
		s->top = atoi(v);
		g_free(v);
		v = g_match_info_fetch(mi, 2);
		s->left = atoi(v);
		g_free(v);
		v = g_match_info_fetch(mi, 3);
		s->font = g_strdup(g_hash_table_lookup(fonts, v));
		g_free(v);
		raw = g_match_info_fetch(mi, 4);
		s->text = g_regex_replace_literal(tags, raw, -1, 0, "", 0, NULL);
		g_free(raw);
		g_ptr_array_add(out, s);
	}
	g_match_info_free(mi);
	g_regex_unref(fre);
	g_regex_unref(tre);
	g_regex_unref(tags);
	g_hash_table_destroy(fonts);
	g_free(xml);
	g_free(args);
	return out;
}

static const seg *seg_with(GPtrArray *segs, const char *text)
{
	guint i;

	for (i = 0; i < segs->len; i++) {
		const seg *s = g_ptr_array_index(segs, i);
		if (strstr(s->text, text) != NULL)
			return s;
	}
	ck_abort_msg("no piece of text holds '%s'", text);
	return NULL;
}

/* The left edge of the line at `top`, and the top of the line below it. */
static int line_left(GPtrArray *segs, int top)
{
	int left = 1 << 20;
	guint i;

	for (i = 0; i < segs->len; i++) {
		const seg *s = g_ptr_array_index(segs, i);
		if (abs(s->top - top) <= 2 && s->left < left)
			left = s->left;
	}
	return left;
}

static int next_line(GPtrArray *segs, int top)
{
	int next = 1 << 20;
	guint i;

	for (i = 0; i < segs->len; i++) {
		const seg *s = g_ptr_array_index(segs, i);
		if (s->top > top + 3 && s->top < next)
			next = s->top;
	}
	return next;
}

/* Width of `text` in the body face at 10.5 pt, in pdftohtml's pixels. */
static double body_px(const char *text)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	double w = pdf_measure(d, PDF_MINCHO, 10.5, text) * 1.5;

	pdf_doc_free(d);
	pdf_env_free(env);
	return w;
}

/* The item whose first line holds `first` hangs: its second line starts
 * where its text starts, after `mark`. */
static void hangs_after(GPtrArray *segs, const char *first, const char *mark)
{
	int top = seg_with(segs, first)->top, next = next_line(segs, top);
	int l0 = line_left(segs, top), l1 = line_left(segs, next);
	double want = l0 + body_px(mark);

	ck_assert_msg(fabs(l1 - want) <= 2.5,
	              "the item '%s' continues at x=%d, its text after '%s' starts at x=%.1f", first,
	              l1, mark, want);
}

static const char md_clause[] =
	"---\n"
	"id: fk-1\n"
	"number: \"1\"\n"
	"section: \"1\"\n"
	"verdict: required\n"
	"seed_lines: [7, 7]\n"
	"---\n"
	"操作手順は**文書化し**、*最新の状態*を維持すること。`backup.sh` を使う。\n"
	"Latin words wrap\n"
	"*across* lines and [a link](https://example.jp/) here.\n"
	"\n"
	"1. 第一の項目\n"
	"   1. 内側の一\n"
	"   2. 内側の二\n"
	"2. 第二の項目\n"
	"\n"
	"   続きの段落。\n"
	"3. 第三の項目\n"
	"\n"
	"前文。\n"
	"\n"
	"3. 三から始まる\n"
	"4. 四\n"
	"\n"
	"- 箇条一\n"
	"  - 入れ子の箇条\n"
	"- ①　丸数字の項目は、二行目以降が記号の後の本文にそろうこと。折り返しを確かめるための長い文である。\n"
	"- (ｱ)　括弧の記号の項目は、二行目以降が記号の後の本文にそろうこと。折り返しを確かめるための長い文。\n"
	"\n"
	"1. 番号付きの項目は、二行目以降が番号の後の本文にそろうこと。折り返しを確かめるための長い文である。\n"
	"\n"
	"> 引用された文。\n"
	"\n"
	"```\n"
	"code line 1\n"
	"code line 2\n"
	"```\n"
	"\n"
	"## 節内の見出し\n"
	"\n"
	"改行の前  \n"
	"改行の後<span>インライン</span>HTML。\n"
	"\n"
	"---\n"
	"\n"
	"<div>ブロックHTML</div>\n"
	"\n"
	"*外側の強調 **内側の強調** 外側の続き* 通常の文。\n";

/* Every Markdown construct a clause may use, in annex.pdf and in the
 * checklist's requirement cell: numbered lists (nested, continued, starting
 * at 3), bullets and items with their own marks (no bullet added, following
 * lines under the item's text), emphasis in bold (nested too), Latin words
 * across soft breaks, hard breaks and code blocks on lines of their own,
 * raw HTML dropped as the HTML back-end drops it. */
START_TEST(markdown_constructs_in_a_clause)
{
	char *specs = copy_specs(), *out = g_build_filename(tmp, "out", NULL), *c, *sq, **lines;
	size_t i;
	GPtrArray *segs;
	built b;
	tu_run r;
	int hard = 0, code = 0;
	static const char *const annex_order[] = {
		"1.第一の項目", "1.内側の一", "2.内側の二", "2.第二の項目", "続きの段落。",
		"3.第三の項目", "前文。", "3.三から始まる", "4.四", "・箇条一", "・入れ子の箇条",
		"①丸数字の項目", "(ｱ)括弧の記号の項目", "1.番号付きの項目", "引用された文。",
		"codeline1", "codeline2", "節内の見出し", "改行の前", "改行の後インラインHTML。",
		"外側の強調内側の強調外側の続き通常の文。", NULL
	};
	static const char *const plain_order[] = {
		"1.第一の項目", "1.内側の一", "2.内側の二", "2.第二の項目", "続きの段落。",
		"3.第三の項目", "前文。", "3.三から始まる", "4.四", "・箇条一", "・入れ子の箇条",
		"①丸数字の項目", "(ｱ)括弧の記号の項目", "1.番号付きの項目", "codeline1", "codeline2",
		"改行の前", "改行の後インラインHTML。", NULL
	};

	g_free(tu_write(specs, "funabashi-contract/clauses/fk-1.md", md_clause));
	c = fx_contract("vendor: 株式会社試験\ndocuments: [annex, checklist-delivery]\n");
	r = build_ok(specs, out, c);

	b = read_built(out, "fx", "annex.pdf", 1, 1);
	in_order(b.ft, annex_order);
	ck_assert_msg(strstr(b.ft, "・①") == NULL && strstr(b.ft, "・(ｱ)") == NULL, "a bullet before an own mark: %.1500s", b.ft);
	ck_assert_msg(strstr(b.ft, "ブロックHTML") == NULL && strstr(b.ft, "<span>") == NULL &&
	              strstr(b.ft, "example.jp") == NULL, "raw HTML or a URL printed: %.1500s", b.ft);
	sq = squash(b.txt);
	ck_assert_msg(strstr(sq, "Latin words wrap across lines and a link here.") != NULL, "%.1500s", sq);
	g_free(sq);
	/* A hard break and a code block's lines end lines of their own. */
	lines = g_strsplit(b.txt, "\n", -1);
	for (i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++) {
		g_strstrip(lines[i]);
		if (g_str_has_suffix(lines[i], "改行の前") && g_str_has_prefix(lines[i + 1], "改行の後"))
			hard = 1;
		if (strcmp(lines[i], "code line 1") == 0 && g_str_has_prefix(lines[i + 1], "code line 2"))
			code = 1;
	}
	ck_assert_msg(hard && code, "hard break %d, code block %d:\n%.1500s", hard, code, b.txt);
	g_strfreev(lines);

	segs = segs_of(b.pdf, b.len, 1);
	/* Emphasis is bold: drawn in a face of its own, nested emphasis too. */
	ck_assert_str_ne(seg_with(segs, "文書化し")->font, seg_with(segs, "操作手順は")->font);
	ck_assert_str_ne(seg_with(segs, "最新の状態")->font, seg_with(segs, "操作手順は")->font);
	ck_assert_str_ne(seg_with(segs, "across")->font, seg_with(segs, "lines and")->font);
	ck_assert_str_ne(seg_with(segs, "外側の強調")->font, seg_with(segs, "通常の文")->font);
	ck_assert_str_eq(seg_with(segs, "外側の強調")->font, seg_with(segs, "内側の強調")->font);
	ck_assert_str_eq(seg_with(segs, "外側の続き")->font, seg_with(segs, "内側の強調")->font);
	ck_assert_str_eq(seg_with(segs, "通常の文")->font, seg_with(segs, "操作手順は")->font);
	/* Hanging items: the second line starts under the text, after the
	 * mark and its space. */
	hangs_after(segs, "丸数字の項目", "①　");
	hangs_after(segs, "括弧の記号の項目", "(ｱ)　");
	hangs_after(segs, "番号付きの項目", "1.\u2002");
	/* Nested items one character further in. */
	ck_assert_int_gt(seg_with(segs, "入れ子の箇条")->left, seg_with(segs, "箇条一")->left + 10);
	ck_assert_int_gt(seg_with(segs, "内側の一")->left, seg_with(segs, "第一の項目")->left + 10);
	/* A quotation stands one character further in than a paragraph; a
	 * heading is in the headings' face (both printed as paragraphs). */
	ck_assert_msg(fabs(seg_with(segs, "引用された文")->left - seg_with(segs, "前文。")->left -
	                   body_px("　")) <= 2.5,
	              "quotation at x=%d, paragraph at x=%d", seg_with(segs, "引用された文")->left,
	              seg_with(segs, "前文。")->left);
	ck_assert_ptr_nonnull(strstr(seg_with(segs, "節内の見出し")->font, "Gothic"));
	ck_assert_ptr_null(strstr(seg_with(segs, "前文。")->font, "Gothic"));
	g_ptr_array_unref(segs);
	built_free(&b);

	/* The checklist's cell: the same items as plain text. */
	b = read_built(out, "fx", "checklist-delivery.pdf", 0, 0);
	in_order(b.ft, plain_order);
	ck_assert(strstr(b.ft, "ブロックHTML") == NULL && strstr(b.ft, "・①") == NULL);
	sq = squash(b.txt);
	ck_assert_msg(strstr(sq, "Latin words") != NULL && strstr(sq, "wrap across lines") != NULL, "%.1500s", sq);
	g_free(sq);
	built_free(&b);
	tu_run_free(&r);
	g_free(c);
	g_free(out);
	g_free(specs);
}
END_TEST

/* A clause whose body is only raw HTML (dropped) still shows its number,
 * with or without a title; its checklist row is there, its cell empty. */
START_TEST(html_only_body_keeps_its_number)
{
	char *specs = copy_specs(), *out = g_build_filename(tmp, "out", NULL), *c, **lines;
	size_t i;
	int untitled = 0, titled = 0;
	built b;
	tu_run r;

	g_free(tu_write(specs, "funabashi-contract/clauses/fk-11.md",
	                "---\nid: fk-11\nnumber: \"11\"\nsection: \"11\"\nverdict: required\n"
	                "seed_lines: [58, 58]\n---\n<!-- 転記待ち -->\n"));
	g_free(tu_write(specs, "funabashi-contract/clauses/fk-10.md",
	                "---\nid: fk-10\nnumber: \"10\"\nsection: \"10\"\ntitle: 保存の方法\n"
	                "verdict: required\nseed_lines: [54, 54]\n---\n<div>未定</div>\n"));
	c = fx_contract("vendor: 株式会社試験\ndocuments: [annex, checklist-periodic]\n");
	r = build_ok(specs, out, c);
	b = read_built(out, "fx", "annex.pdf", 0, 0);
	lines = g_strsplit(b.txt, "\n", -1);
	for (i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++) {
		if (g_str_has_prefix(lines[i], "第") && g_str_has_suffix(lines[i], "アクセス制御"))
			untitled = strcmp(g_strstrip(lines[i + 1]), "1") == 0;
		if (g_str_has_prefix(lines[i], "第") && g_str_has_suffix(lines[i], "バックアップ")) {
			char *fl = flat(lines[i + 1]);
			titled = strcmp(fl, "1保存の方法") == 0;
			g_free(fl);
		}
	}
	ck_assert_msg(untitled && titled, "untitled %d, titled %d:\n%.1500s", untitled, titled, b.txt);
	ck_assert(strstr(b.txt, "未定") == NULL && strstr(b.txt, "転記待ち") == NULL);
	g_strfreev(lines);
	built_free(&b);
	b = read_built(out, "fx", "checklist-periodic.pdf", 0, 0);
	ck_assert_msg(strstr(b.ft, "アクセス制御") && strstr(b.ft, "保存の方法"), "%.1500s", b.ft);
	built_free(&b);
	tu_run_free(&r);
	g_free(c);
	g_free(out);
	g_free(specs);
}
END_TEST

/* Appendices are data a clerk writes: one column (full width), a column
 * without a name or an id, a value or a name that is a list or items that
 * are not (left out, as in the HTML), no rows at all, no columns, no body.
 * All print what they have. */
START_TEST(appendix_tables_of_every_shape)
{
	char *specs = copy_specs(), *out = g_build_filename(tmp, "out", NULL), *c;
	built b;
	tu_run r;
	GPtrArray *segs;
	static const char *const one[] = { "単列の別紙", "確認事項", "単列の一行目", "単列の二行目",
		                           NULL };
	static const char *const odd[] = { "変則の別紙", "別紙の説明文。", "区分", "名前だけ", "甲",
		                           "乙", "表示される値", "丙", NULL };
	static const char *const prose[] = { "文章だけの別紙", "表のない別紙の本文。", NULL };
	static const char *const none[] = { "行のない別紙", "見出しのみ", NULL };

	g_free(tu_write(specs, "funabashi-contract/appendices/one-col.md",
	                "---\nid: one-col\ntitle: 単列の別紙\nseed_lines: [1, 1]\n"
	                "columns:\n  - {id: item, name: 確認事項}\n"
	                "rows:\n  - item: 単列の一行目\n  - item: 単列の二行目\n---\n"));
	g_free(tu_write(specs, "funabashi-contract/appendices/odd.md",
	                "---\nid: odd\ntitle: 変則の別紙\nseed_lines: [1, 1]\n"
	                "columns:\n  - {id: a, name: 区分}\n  - {id: b}\n  - {name: 名前だけ}\n"
	                "  - {id: d, name: [名前の一覧]}\n"
	                "rows:\n  - {a: 甲, b: [一覧の値一, 一覧の値二]}\n  - {a: 乙, b: 表示される値}\n"
	                "  - {a: 丙, items: 子の値}\n"
	                "---\n別紙の説明文。\n"));
	g_free(tu_write(specs, "funabashi-contract/appendices/prose.md",
	                "---\nid: prose\ntitle: 文章だけの別紙\nseed_lines: [1, 1]\ncolumns: []\n---\n"
	                "表のない別紙の本文。\n"));
	g_free(tu_write(specs, "funabashi-contract/appendices/none.md",
	                "---\nid: none\ntitle: 行のない別紙\nseed_lines: [1, 1]\n"
	                "columns:\n  - {id: a, name: 見出しのみ}\n---\n"));
	g_free(tu_write(specs, "funabashi-contract/clauses/fk-1.md",
	                "---\nid: fk-1\nnumber: \"1\"\nsection: \"1\"\nverdict: required\n"
	                "appendices: [one-col, odd, none, prose]\nseed_lines: [7, 7]\n---\n別紙のとおりとする。\n"));
	c = fx_contract("documents: [annex]\n");
	r = build_ok(specs, out, c);
	b = read_built(out, "fx", "annex.pdf", 0, 0);
	in_order(b.ft, one);
	in_order(b.ft, odd);
	in_order(b.ft, none);
	in_order(b.ft, prose);
	ck_assert_msg(strstr(b.ft, "一覧の値") == NULL && strstr(b.ft, "子の値") == NULL &&
	              strstr(b.ft, "名前の一覧") == NULL, "a list printed: %.1500s", b.ft);
	/* The single column spans the text area: its row text is as wide as
	 * the page allows, starting at the left rule. */
	{
		int pages = pages_of(b.pdf, b.len), pg, found = 0;
		for (pg = 1; pg <= pages && !found; pg++) {
			char *t = page_text(b.pdf, b.len, pg);
			if (strstr(t, "単列の一行目") != NULL) {
				segs = segs_of(b.pdf, b.len, pg);
				ck_assert_int_le(abs(seg_with(segs, "単列の一行目")->left -
				                     seg_with(segs, "単列の別紙")->left), 8);
				g_ptr_array_unref(segs);
				found = 1;
			}
			g_free(t);
		}
		ck_assert(found);
	}
	built_free(&b);
	tu_run_free(&r);
	g_free(c);
	g_free(out);
	g_free(specs);
}
END_TEST

static char *info_field(const char *info, const char *key)
{
	char *want = g_strdup_printf("\n%s:", key), *p = strstr(info, want), *e;

	g_free(want);
	if (p == NULL)
		return g_strdup("");
	p += strlen(key) + 2;
	while (*p == ' ')
		p++;
	e = strchr(p, '\n');
	return g_strndup(p, e ? (gsize)(e - p) : strlen(p));
}

/* Field `key` of what `pdfinfo args` says of `pdf` ("" when it says
 * nothing; g_free). */
static char *info_of(const char *pdf, size_t len, const char *args, const char *key)
{
	char *info = poppler("pdfinfo", args, pdf, len), *v = info_field(info, key);

	g_free(info);
	return v;
}

/* Asserts that pdfinfo gives `pdf` the `key` `want`. */
static void info_is(const char *pdf, size_t len, const char *key, const char *want)
{
	char *v = info_of(pdf, len, "", key);

	ck_assert_msg(strcmp(v, want) == 0, "%s: '%s', not '%s'", key, v, want);
	g_free(v);
}

/* A contract with a department but no orderer and no contract number, and
 * a title longer than a line: the checklist's block prints what there is
 * (the title whole), the metadata name the department and the bare title. */
START_TEST(contract_without_number_or_orderer)
{
	char *out = g_build_filename(tmp, "out", NULL);
	const char *title = "庁内情報システムの運用保守及び機器更新並びに関連する各種作業の委託"
	                    "（令和八年度から令和十二年度までの五年間の長期継続契約）";
	char *src = g_strdup_printf("id: fx\ntitle: %s\nsource: funabashi-contract\n"
	                            "department: 情報政策課\nvendor: 株式会社試験\n"
	                            "documents: [annex, checklist-periodic]\n",
	                            title);
	char *c = tu_write(tmp, "fx.yaml", src), *ftitle = flat(title);
	tu_run r = build_ok(NULL, out, c);
	built b = read_built(out, "fx", "checklist-periodic.pdf", 1, 1);

	ck_assert_msg(strstr(b.ft, ftitle) != NULL, "title cut: %.1500s", b.ft);
	ck_assert_msg(strstr(b.ft, "発注者情報政策課") != NULL, "%.1500s", b.ft);
	ck_assert_msg(strstr(b.ft, "契約番号") == NULL, "an empty number row: %.1500s", b.ft);
	info_is(b.pdf, b.len, "Subject", title);
	info_is(b.pdf, b.len, "Author", "情報政策課");
	built_free(&b);
	b = read_built(out, "fx", "annex.pdf", 1, 1);
	info_is(b.pdf, b.len, "Author", "情報政策課");
	ck_assert_msg(strstr(b.ft, ftitle) != NULL && strstr(b.ft, "契約番号") == NULL, "%.1500s", b.ft);
	/* No orderer: no 発注者 row (it printed "（以下「甲」という。）" alone). */
	ck_assert_msg(strstr(b.ft, "発注者") == NULL, "an orderer row without an orderer: %.1500s", b.ft);
	built_free(&b);
	tu_run_free(&r);
	g_free(ftitle);
	g_free(c);
	g_free(src);
	g_free(out);
}
END_TEST

/* Contract fields are checked like clauses: a character no font has is an
 * error at the field's position, and nothing is written. */
START_TEST(undrawable_character_in_a_contract_field)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *c = tu_write(tmp, "fx.yaml", "id: fx\ntitle: 試験\xf4\x8f\xbf\xbd契約\n"
	                                   "source: funabashi-contract\ndocuments: [annex]\n");
	tu_run r = tu_cli("build", "-o", out, c, NULL);

	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "fx.yaml:2:8: error: contract title: '\xf4\x8f\xbf\xbd' U+10FFFD "
	                            "is in none of the fonts") != NULL,
	              "%.2000s", r.err);
	ck_assert_int_eq(entries_of(out, "fx"), -1);
	tu_run_free(&r);
	g_free(c);
	g_free(out);
}
END_TEST

/* A clause title is drawn in both faces (ゴシック as a title, 明朝 in the
 * checklist): a character from a fallback font is a warning for each,
 * naming each face's font. */
START_TEST(fallback_glyph_in_a_title_warns_for_both_faces)
{
	char *specs = copy_specs(), *out = g_build_filename(tmp, "out", NULL), *c;
	tu_run r;

	g_free(tu_write(specs, "funabashi-contract/clauses/fk-1.md",
	                "---\nid: fk-1\nnumber: \"1\"\nsection: \"1\"\ntitle: 实施の手順\n"
	                "verdict: required\nseed_lines: [7, 7]\n---\n手順を文書化すること。\n"));
	c = fx_contract("documents: [annex]\n");
	r = build_ok(specs, out, c);
	ck_assert_msg(strstr(r.err, "fk-1.md:2:5: warning: clause fk-1: '实' U+5B9E is not in "
	                            "IPAex明朝; drawn from Noto Serif CJK JP") != NULL,
	              "%.2000s", r.err);
	ck_assert_msg(strstr(r.err, "fk-1.md:2:5: warning: clause fk-1: '实' U+5B9E is not in "
	                            "IPAexゴシック; drawn from Noto Sans CJK JP") != NULL,
	              "%.2000s", r.err);
	tu_run_free(&r);
	/* A section's title: the warning is at its place in source.yaml (it
	 * said source.yaml:0:0, sections kept no position). */
	{
		char *yp = g_build_filename(specs, "funabashi-contract", "source.yaml", NULL), *y, *y2;
		ck_assert(g_file_get_contents(yp, &y, NULL, NULL));
		y2 = tu_replace_once(y, "{id: \"1\", number: \"1\", title: 操作手順,",
		                     "{id: \"1\", number: \"1\", title: 实操作手順,");
		ck_assert(g_file_set_contents(yp, y2, -1, NULL));
		r = build_ok(specs, out, c);
		ck_assert_msg(strstr(r.err, "source.yaml:23:35: warning: section 1: '实' U+5B9E is not in "
		                            "IPAexゴシック; drawn from Noto Sans CJK JP") != NULL,
		              "%.2000s", r.err);
		tu_run_free(&r);
		g_free(y2);
		g_free(y);
		g_free(yp);
	}
	g_free(c);
	g_free(out);
	g_free(specs);
}
END_TEST

/* A source's own templates/<id>/pdf.yaml and checklists.yaml word its
 * PDFs; another source keeps the shared wording. Empty lists leave out
 * the meta block, the introduction and the provenance. */
START_TEST(source_templates_word_its_pdfs)
{
	char *root = tu_copy_root(tmp, 1), *out = g_build_filename(tmp, "out", NULL);
	char *tpl, *pdf_yaml, *cl_yaml, *c1, *c2;
	built b;
	tu_run r;

	tpl = g_build_filename(root, "templates", NULL);
	ck_assert(g_file_get_contents("templates/pdf.yaml", &pdf_yaml, NULL, NULL));
	ck_assert(g_file_get_contents("templates/checklists.yaml", &cl_yaml, NULL, NULL));
	{
		/* The annex: own title, no meta rows, no intro, no provenance. */
		GString *s = g_string_new(pdf_yaml);
		char *a = strstr(s->str, "annex:\n"), *pv = strstr(s->str, "provenance:\n"),
		     *gl = strstr(s->str, "guideline:\n");
		gsize at = (gsize)(a - s->str), pvat = (gsize)(pv - s->str), glat = (gsize)(gl - s->str);
		g_string_erase(s, (gssize)pvat, (gssize)(glat - pvat));
		g_string_insert(s, (gssize)pvat, "provenance: []\n");
		g_string_erase(s, (gssize)at, (gssize)(pvat - at));
		g_string_insert(s, (gssize)at, "annex:\n  title: 船橋市版特記事項\n  meta: []\n  intro: []\n");
		g_free(tu_write(tpl, "funabashi-contract/pdf.yaml", s->str));
		g_string_free(s, TRUE);
	}
	{
		GString *s = g_string_new(cl_yaml);
		char *t = strstr(s->str, "納品検査時　情報セキュリティ確認票");
		g_string_erase(s, t - s->str, (gssize)strlen("納品検査時　情報セキュリティ確認票"));
		g_string_insert(s, t - s->str, "船橋市版納品確認票");
		g_free(tu_write(tpl, "funabashi-contract/checklists.yaml", s->str));
		g_string_free(s, TRUE);
	}
	c1 = fx_contract("vendor: 株式会社試験\ndocuments: [annex, checklist-delivery]\n");
	c2 = tu_write(tmp, "sx.yaml", "id: sx\ntitle: 試験契約二\nsource: shinagawa\ncategory: dev\n"
	                              "class: III\nvendor: 株式会社試験\norderer: 品川区\n"
	                              "documents: [annex, checklist-delivery]\n");
	r = tu_cli("build", "--root", root, "-o", out, c1, c2, NULL);
	ck_assert_msg(r.status == 0, "%.2000s", r.err);

	b = read_built(out, "fx", "annex.pdf", 0, 0);
	ck_assert_msg(g_str_has_prefix(b.ft, "船橋市版特記事項第1操作手順"), "%.1500s", b.ft);
	ck_assert_msg(strstr(b.ft, "出典") == NULL && strstr(b.ft, "件名") == NULL, "%.1500s", b.ft);
	built_free(&b);
	b = read_built(out, "fx", "checklist-delivery.pdf", 1, 1);
	ck_assert_msg(strstr(b.txt, "船橋市版納品確認票") != NULL, "%.1500s", b.txt);
	built_free(&b);
	/* The other source: the shared wording. */
	b = read_built(out, "sx", "annex.pdf", 0, 0);
	ck_assert_msg(g_str_has_prefix(b.ft, "情報セキュリティに関する特記事項件名") && strstr(b.ft, "出典："), "%.1500s", b.ft);
	info_is(b.pdf, b.len, "Author", "品川区");
	built_free(&b);
	b = read_built(out, "sx", "checklist-delivery.pdf", 1, 1);
	ck_assert_msg(strstr(b.txt, "納品検査時") != NULL, "%.1500s", b.txt);
	/* An orderer without a department: the author is the orderer. */
	info_is(b.pdf, b.len, "Author", "品川区");
	ck_assert_msg(strstr(b.ft, "発注者品川区") != NULL, "%.1500s", b.ft);
	built_free(&b);
	tu_run_free(&r);
	g_free(c1);
	g_free(c2);
	g_free(pdf_yaml);
	g_free(cl_yaml);
	g_free(tpl);
	g_free(out);
	g_free(root);
}
END_TEST

/* ---- the guideline of a source written here ---- */

/* specs/mini: 8 sections of 9 subsections (the contents take two pages),
 * an unnumbered last section, 3 classes, a table of 25 categories (one
 * class per landscape page group), one of 11 (two classes, then the third)
 * and one of 2 (every class on one page), which only the clauses of even
 * subsections have a row in. */
static char *mini_source(const char *version)
{
	char *dir = g_build_filename(tmp, "gspecs", "mini", NULL);
	GString *y = g_string_new(NULL), *wide = g_string_new(NULL), *mid = g_string_new(NULL);
	int i, j, k;

	g_string_append_printf(y, "id: mini\ntitle: 試験用基準\npublisher: 試験市\nversion: \"%s\"\n"
	                          "seed: {file: none.txt, lines: [1, 2]}\n"
	                          "classes:\n  - {id: I, name: 分類一}\n  - {id: II, name: 分類二}\n"
	                          "  - {id: III, name: 分類三}\ncategories:\n",
	                       version);
	for (k = 1; k <= 25; k++) {
		g_string_append_printf(y, "  - {id: c%02d, name: 業務%d}\n", k, k);
		g_string_append_printf(wide, "%s%s", k > 1 ? " " : "", k % 2 ? "○" : "-");
		if (k <= 11)
			g_string_append_printf(mid, "%s%s", k > 1 ? " " : "", k % 2 ? "-" : "○");
	}
	g_string_append(y, "tables:\n  - {id: wide, title: 広い表, columns: [");
	for (k = 1; k <= 25; k++)
		g_string_append_printf(y, "%sc%02d", k > 1 ? ", " : "", k);
	g_string_append(y, "]}\n  - {id: mid, title: 中の表, columns: [");
	for (k = 1; k <= 11; k++)
		g_string_append_printf(y, "%sc%02d", k > 1 ? ", " : "", k);
	g_string_append(y, "]}\n  - {id: narrow, title: 狭い表, columns: [c01, c02]}\n"
	                   "marks: {\"○\": required, \"-\": not-applicable}\nsections:\n");
	for (i = 1; i <= 8; i++) {
		g_string_append_printf(y, "  - {id: s%d, number: \"%d\", title: 大項目%d}\n", i, i, i);
		for (j = 1; j <= 9; j++) {
			char *cl;
			char *rel = g_strdup_printf("clauses/m-%d-%d.md", i, j);
			g_string_append_printf(y, "  - {id: s%d-%d, number: \"%d-%d\", title: 節見出し%dの%d, "
			                          "parent: s%d}\n",
			                       i, j, i, j, i, j, i);
			cl = g_strdup_printf("---\nid: m-%d-%d\nnumber: \"%d-%d-1\"\nsection: s%d-%d\n"
			                     "seed_lines: [1, 1]\nmarks:\n  wide: {I: \"%s\", II: \"%s\", III: \"%s\"}\n"
			                     "  mid: {I: \"%s\", II: \"%s\", III: \"%s\"}\n"
			                     "%s---\n第%dの%dの本文。\n",
			                     i, j, i, j, i, j, wide->str, wide->str, wide->str, mid->str, mid->str,
			                     mid->str,
			                     j % 2 ? "" : "  narrow: {I: \"○ -\", II: \"- ○\", III: \"○ ○\"}\n", i, j);
			g_free(tu_write(dir, rel, cl));
			g_free(cl);
			g_free(rel);
		}
	}
	g_string_append(y, "  - {id: extra, title: 番号のない補則}\n");
	{
		char *cl = g_strdup_printf("---\nid: m-extra\nnumber: \"99\"\nsection: extra\nseed_lines: [1, 1]\n"
		                           "marks:\n  wide: {I: \"%s\", II: \"%s\", III: \"%s\"}\n---\n補則の本文。\n",
		                           wide->str, wide->str, wide->str);
		g_free(tu_write(dir, "clauses/m-extra.md", cl));
		g_free(cl);
	}
	g_free(tu_write(dir, "source.yaml", y->str));
	g_string_free(y, TRUE);
	g_string_free(wide, TRUE);
	g_string_free(mid, TRUE);
	return dir;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay != NULL; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* The pages of `pdf` that are landscape (1) or portrait (0). */
static int *orientations(const char *pdf, size_t len, int pages)
{
	char *args = g_strdup_printf("-f 1 -l %d", pages);
	char *info = poppler("pdfinfo", args, pdf, len);
	int *land = g_new0(int, pages + 1), p;

	for (p = 1; p <= pages; p++) {
		char *key = g_strdup_printf("Page %4d size:", p), *at = strstr(info, key);
		ck_assert_msg(at != NULL, "%.2000s", info);
		at += strlen(key);
		while (*at == ' ')
			at++;
		land[p] = g_str_has_prefix(at, "841.89 x 595.276");
		g_free(key);
	}
	g_free(info);
	g_free(args);
	return land;
}

/* The contents give the page each heading is on, also when they take two
 * pages; a section without a number is listed by its title; the matrix of
 * a table too wide for two classes gets a page group per class, a narrow
 * one has every class on one page and only the clauses that have a row in
 * it; the date is the source's version when it is a date. */
START_TEST(guideline_of_a_custom_source)
{
	cg_err e = { 0 };
	char *dir = mini_source("2025-04-01"), *pdf = NULL, **texts, *v;
	sp_source *s;
	render_pdf_words *w = render_pdf_words_load("templates/pdf.yaml", &e);
	size_t len = 0;
	int pages, p, body = 0, i, j, *land, wide_pages, mid_pages, narrow_pages;
	GHashTable *listed;

	g_unsetenv("SOURCE_DATE_EPOCH");
	s = spec_load(dir, &e);
	ck_assert_msg(s != NULL && w != NULL, "%s", e.msg ? e.msg : "");
	ck_assert_msg(render_pdf_guideline(s, w, NULL, NULL, &pdf, &len, &e), "%s", e.msg ? e.msg : "");
	pages = pages_of(pdf, len);
	texts = g_new0(char *, pages + 1);
	for (p = 1; p <= pages; p++)
		texts[p] = flat_text_of(pdf, len, 1, p, p);
	/* Cover, then contents on pages 2 and 3. */
	ck_assert_msg(strstr(texts[1], "試験用基準") && strstr(texts[1], "試験市") &&
	              strstr(texts[1], "2025-04-01"), "%.1500s", texts[1]);
	ck_assert_msg(strstr(texts[2], "目次") && strstr(texts[3], "節見出し8の9"),
	              "contents not on two pages: %.1000s | %.500s", texts[2], texts[3]);
	for (p = 4; p <= pages && !body; p++)
		if (strstr(texts[p], "基準本文"))
			body = p;
	ck_assert_int_eq(body, 4);
	/* The contents: a line "entry page" for each heading. */
	listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (p = 2; p < body; p++) {
		char *t = page_text(pdf, len, p), **ls = g_strsplit(t, "\n", -1), *sp;
		for (i = 0; ls[i] != NULL; i++)
			if ((sp = strrchr(g_strstrip(ls[i]), ' ')) != NULL) {
				*sp = '\0';
				g_hash_table_insert(listed, flat(ls[i]), GINT_TO_POINTER(atoi(sp + 1)));
			}
		g_strfreev(ls);
		g_free(t);
	}
	/* Every section's entry names the page its heading is on. */
	for (i = 1; i <= 9; i++)
		for (j = i <= 8 ? 0 : -1; j <= 9; j++) {
			char *title = i == 9 ? g_strdup("番号のない補則")
			              : j == 0 ? g_strdup_printf("%d大項目%d", i, i)
			                       : g_strdup_printf("%d-%d節見出し%dの%d", i, j, i, j);
			int at = 0, page = GPOINTER_TO_INT(g_hash_table_lookup(listed, title));
			for (p = body; p <= pages && !at; p++)
				if (strstr(texts[p], title))
					at = p;
			ck_assert_msg(at > 0 && page == at, "%s: listed at page %d, is on page %d", title,
			              page, at);
			g_free(title);
			if (i == 9)
				break;
		}
	ck_assert_int_eq(GPOINTER_TO_INT(g_hash_table_lookup(listed, "基準本文")), body);
	g_hash_table_destroy(listed);
	for (p = 1; p <= pages; p++)
		ck_assert_msg(strstr(texts[p], "(null)") == NULL, "page %d: %s", p, texts[p]);
	/* The matrices: the wide table a page group per class (I, II, III in
	 * turn), the narrow one every class side by side on one page, with
	 * only the clauses that have a row in it. */
	land = orientations(pdf, len, pages);
	wide_pages = mid_pages = narrow_pages = 0;
	for (p = 1; p <= pages; p++) {
		static const char *const heads[] = { "番号Ic01Ic02", "番号IIc01IIc02", "番号IIIc01IIIc02" };
		if (!land[p])
			continue;
		if (strstr(texts[p], "1-2-1節見出し1の2") != NULL && strstr(texts[p], "c11") != NULL &&
		    strstr(texts[p], "c12") == NULL) {
			/* mid: I and II side by side, then III alone. */
			static const char *const g1[] = { "番号Ic01", "Ic11IIc01", "IIc11", "1-2-1節見出し1の2-○-○-○-○-○-", NULL };
			static const char *const g2[] = { "番号IIIc01", "IIIc11", "1-2-1節見出し1の2-○-○-○-○-○-", NULL };
			in_order(texts[p], mid_pages == 0 ? g1 : g2);
			ck_assert_int_eq(count_of(texts[p], "c01"), mid_pages == 0 ? 2 : 1);
			mid_pages++;
		} else if (strstr(texts[p], "1-2-1節見出し1の2") != NULL) {
			if (strstr(texts[p], "c25") != NULL) {
				ck_assert_int_lt(wide_pages, 3);
				ck_assert_msg(strstr(texts[p], heads[wide_pages]) != NULL, "group %d: %.1500s",
				              wide_pages + 1, texts[p]);
				ck_assert_int_eq(count_of(texts[p], "c01"), 1);
				wide_pages++;
			} else {
				static const char *const all[] = { "表狭い表", "番号Ic01Ic02IIc01IIc02IIIc01IIIc02",
					                           "1-2-1節見出し1の2○--○○○",
					                           "1-4-1節見出し1の4", NULL };
				in_order(texts[p], all);
				ck_assert(strstr(texts[p], "c03") == NULL);
				narrow_pages++;
			}
		}
		if (strstr(texts[p], "1-1-1節見出し1の1") != NULL)
			ck_assert_msg(strstr(texts[p], "Ic02IIc01") == NULL, "1-1-1 in the narrow table: %.1500s",
			              texts[p]);
	}
	ck_assert_int_eq(wide_pages, 3);
	ck_assert_int_eq(mid_pages, 2);
	ck_assert_int_eq(narrow_pages, 1);
	v = info_of(pdf, len, "-isodates", "CreationDate");
	ck_assert_msg(g_str_has_prefix(v, "2025-04-01T00:00:00"), "%s", v);
	g_free(v);
	g_free(land);
	for (p = 1; p <= pages; p++)
		g_free(texts[p]);
	g_free(texts);
	g_free(pdf);
	render_pdf_words_free(w);
	spec_free(s);
	g_free(dir);
}
END_TEST

/* A source without classes; a version that is no date gives the fixed
 * 1970-01-01; a character no font has is an error at its clause, and no
 * PDF. */
START_TEST(guideline_without_classes_and_undrawable)
{
	cg_err e = { 0 };
	char *dir = g_build_filename(tmp, "gspecs", "tiny", NULL), *pdf = NULL, *v, *ft;
	sp_source *s;
	render_pdf_words *w = render_pdf_words_load("templates/pdf.yaml", &e);
	size_t len = 0;

	g_unsetenv("SOURCE_DATE_EPOCH");
	g_free(tu_write(dir, "source.yaml",
	                "id: tiny\ntitle: 小さな基準\npublisher: 試験町\nversion: 令和7年4月1日\n"
	                "seed: {file: none.txt, lines: [1, 2]}\n"
	                "categories:\n  - {id: a, name: 開発}\n  - {id: b, name: 運用}\n"
	                "marks: {\"○\": required, \"-\": not-applicable}\n"
	                "sections:\n  - {id: \"1\", number: \"1\", title: 総則}\n"));
	g_free(tu_write(dir, "clauses/t-1.md", "---\nid: t-1\nnumber: \"1-1\"\nsection: \"1\"\n"
	                                       "seed_lines: [1, 1]\nmarks: \"○ -\"\n---\n総則の本文。\n"));
	s = spec_load(dir, &e);
	ck_assert_msg(s != NULL && w != NULL, "%s", e.msg ? e.msg : "");
	ck_assert_msg(render_pdf_guideline(s, w, NULL, NULL, &pdf, &len, &e), "%s", e.msg ? e.msg : "");
	v = info_of(pdf, len, "-isodates", "CreationDate");
	ck_assert_msg(g_str_has_prefix(v, "1970-01-01T00:00:00"), "%s", v);
	g_free(v);
	info_is(pdf, len, "Author", "試験町");
	ft = flat_text_of(pdf, len, 1, 0, 0);
	/* Without classes a column is headed by its category alone. */
	ck_assert_msg(strstr(ft, "番号ab") != NULL, "%.1500s", ft);
	ck_assert_msg(strstr(ft, "1-1総則") != NULL && strstr(ft, "総則の本文。") != NULL, "%.1500s", ft);
	g_free(ft);
	g_free(pdf);
	pdf = NULL;
	spec_free(s);

	g_free(tu_write(dir, "clauses/t-1.md", "---\nid: t-1\nnumber: \"1-1\"\nsection: \"1\"\n"
	                                       "seed_lines: [1, 1]\nmarks: \"○ -\"\n---\n私用\xf4\x8f\xbf\xbdの字。\n"));
	s = spec_load(dir, &e);
	ck_assert_msg(s != NULL, "%s", e.msg ? e.msg : "");
	ck_assert(!render_pdf_guideline(s, w, "2026-01-01", NULL, &pdf, &len, &e));
	ck_assert_ptr_null(pdf);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_msg(e.file && g_str_has_suffix(e.file, "t-1.md") && e.line == 2 && e.col == 5 &&
	              strstr(e.msg, "clause t-1: '\xf4\x8f\xbf\xbd' U+10FFFD is in none of the fonts"),
	              "%s:%d:%d: %s", e.file, e.line, e.col, e.msg);
	cg_err_clear(&e);
	spec_free(s);
	/* In a title it is checked in the title's face, ゴシック. */
	g_free(tu_write(dir, "clauses/t-1.md", "---\nid: t-1\nnumber: \"1-1\"\nsection: \"1\"\n"
	                                       "title: 見出し\xf4\x8f\xbf\xbd\nseed_lines: [1, 1]\nmarks: \"○ -\"\n"
	                                       "---\n総則の本文。\n"));
	s = spec_load(dir, &e);
	ck_assert_msg(s != NULL, "%s", e.msg ? e.msg : "");
	ck_assert(!render_pdf_guideline(s, w, "2026-01-01", NULL, &pdf, &len, &e));
	ck_assert_msg(strstr(e.msg, "clause t-1: '\xf4\x8f\xbf\xbd' U+10FFFD is in none of the fonts "
	                            "(IPAexGothic,Noto Sans CJK JP)") != NULL, "%s", e.msg);
	cg_err_clear(&e);
	spec_free(s);
	render_pdf_words_free(w);
	g_free(dir);
}
END_TEST

/* ---- fonts ---- */

/* Runs the program itself with only the fonts of `dirs` (fontconfig). */
static tu_run run_with_fonts(const char *const *dirs, const char *const *args)
{
	GString *conf = g_string_new("<?xml version=\"1.0\"?>\n<fontconfig>");
	char *path, **env, *out = NULL, *err = NULL;
	GPtrArray *argv = g_ptr_array_new();
	tu_run r;
	size_t i;
	int st = -1;

	for (i = 0; dirs[i] != NULL; i++)
		g_string_append_printf(conf, "<dir>%s</dir>", dirs[i]);
	g_string_append_printf(conf, "<cachedir>%s/fccache</cachedir></fontconfig>\n", tmp);
	path = tu_write(tmp, "fonts.conf", conf->str);
	env = g_environ_setenv(g_get_environ(), "FONTCONFIG_FILE", path, TRUE);
	env = g_environ_setenv(env, "CLAUSEGEN_ROOT", ".", TRUE);
	g_ptr_array_add(argv, (char *)CLAUSEGEN_BIN);
	for (i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (char *)args[i]);
	g_ptr_array_add(argv, NULL);
	ck_assert(g_spawn_sync(NULL, (char **)argv->pdata, env, 0, NULL, NULL, &out, &err, &st, NULL));
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r.out = out;
	r.err = err;
	g_ptr_array_free(argv, TRUE);
	g_strfreev(env);
	g_free(path);
	g_string_free(conf, TRUE);
	return r;
}

/* The 明朝 font alone: the build stops at once naming the missing
 * ゴシック and the packages, exit 3, nothing written. */
START_TEST(missing_gothic_font_is_exit_3)
{
	static const char *const dirs[] = { "/usr/share/fonts/opentype/ipaexfont-mincho", NULL };
	char *out = g_build_filename(tmp, "out", NULL), *c = fx_contract("documents: [annex]\n");
	const char *args[] = { "build", "-o", out, c, NULL };
	tu_run r;

	/* Where Debian's fonts-ipaexfont-mincho puts it (docs/pdf.md). */
	ck_assert_msg(g_file_test(dirs[0], G_FILE_TEST_IS_DIR), "no %s", dirs[0]);
	r = run_with_fonts(dirs, args);
	ck_assert_msg(r.status == 3, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "no ゴシック (sans-serif) font for the PDFs: install IPAexGothic "
	                            "or Noto Sans CJK JP") != NULL,
	              "%.2000s", r.err);
	ck_assert_int_eq(entries_of(out, "fx"), -1);
	tu_run_free(&r);
	{
		/* The guideline of `publish` too. */
		const char *pargs[] = { "publish", "--source", "funabashi-contract", "--formats", "pdf",
			                "-o", out, NULL };
		r = run_with_fonts(dirs, pargs);
		ck_assert_msg(r.status == 3, "exit %d: %.2000s", r.status, r.err);
		ck_assert_msg(strstr(r.err, "no ゴシック (sans-serif) font for the PDFs") != NULL, "%.2000s",
		              r.err);
		ck_assert_int_le(tu_count_entries(out), 0);
		tu_run_free(&r);
	}
	g_free(c);
	g_free(out);
}
END_TEST

/* Noto CJK alone (no IPAex) is enough: the PDFs use it, and a character
 * it lacks is drawn from another font with a warning naming Noto. Hebrew,
 * written right to left, reads back in its logical order. */
START_TEST(noto_fonts_alone_and_right_to_left_text)
{
	static const char *const dirs[] = { "/usr/share/fonts/opentype/noto",
		                            "/usr/share/fonts/truetype/dejavu", NULL };
	char *specs = copy_specs(), *out = g_build_filename(tmp, "out", NULL), *c, *pdf, *fonts, *ft;
	size_t len;
	tu_run r;

	/* Debian's fonts-noto-cjk and fonts-dejavu-core. */
	ck_assert_msg(g_file_test(dirs[0], G_FILE_TEST_IS_DIR), "no %s", dirs[0]);
	ck_assert_msg(g_file_test(dirs[1], G_FILE_TEST_IS_DIR), "no %s", dirs[1]);
	g_free(tu_write(specs, "funabashi-contract/clauses/fk-1.md",
	                "---\nid: fk-1\nnumber: \"1\"\nsection: \"1\"\nverdict: required\n"
	                "seed_lines: [7, 7]\n---\n表記「שלום עולם」を含む手順とすること。\n"));
	c = fx_contract("documents: [annex]\n");
	{
		const char *args[] = { "build", "--specs", specs, "-o", out, c, NULL };
		r = run_with_fonts(dirs, args);
	}
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "fk-1.md:2:5: warning: clause fk-1: 'ש' U+05E9 is not in "
	                            "Noto Serif CJK JP; drawn from DejaVu Sans") != NULL,
	              "%.2000s", r.err);
	pdf = slurp_built(out, "fx", "annex.pdf", &len);
	fonts = poppler("pdffonts", "", pdf, len);
	ck_assert_msg(strstr(fonts, "NotoSerifCJKjp") && strstr(fonts, "NotoSansCJKjp") &&
	              !strstr(fonts, "IPAex"), "%s", fonts);
	ft = flat_text_of(pdf, len, 0, 1, 1);
	{
		/* poppler marks the embedding (U+202B … U+202C): drop it. */
		GString *o = g_string_new(NULL);
		const char *q;
		for (q = ft; *q; q = g_utf8_next_char(q)) {
			gunichar ch = g_utf8_get_char(q);
			if (ch != 0x202B && ch != 0x202C && ch != 0x200F)
				g_string_append_unichar(o, ch);
		}
		/* Each word in its letters' logical order (poppler may place the
		 * right-to-left run apart from the brackets around it). */
		ck_assert_msg(strstr(o->str, "שלוםעולם") != NULL && strstr(o->str, "表記「") != NULL &&
		              strstr(o->str, "を含む手順") != NULL, "%.1500s", o->str);
		g_string_free(o, TRUE);
	}
	g_free(ft);
	g_free(fonts);
	g_free(pdf);
	tu_run_free(&r);
	g_free(c);
	g_free(out);
	g_free(specs);
}
END_TEST

/* pdf_check_text: controls, format characters and zero-width marks need no
 * glyph; a fallback glyph is warned about once, naming the face's font
 * (明朝 or ゴシック) and the position ("clausegen" when there is no file);
 * a character in no font is an error at the position. */
START_TEST(check_text_warns_once_and_skips_controls)
{
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	cg_err e = { 0 };
	pdf_env *env = pdf_env_new(f, &e);

	ck_assert_msg(env != NULL, "%s", e.msg ? e.msg : "");
	ck_assert(pdf_check_text(env, PDF_MINCHO, NULL, "試験", "a.md", 1, 1, &e));
	ck_assert(pdf_check_text(env, PDF_MINCHO, "制御\x01\xc2\x85と零幅\u200bと\u200dと\u2060と\u00ad",
	                         "試験", "a.md", 1, 1, &e));
	ck_assert_int_eq(pdf_env_warnings(env), 0);
	ck_assert(pdf_check_text(env, PDF_MINCHO, "实", "試験", NULL, 0, 0, &e));
	ck_assert(pdf_check_text(env, PDF_MINCHO, "実と实", "試験", NULL, 0, 0, &e));
	ck_assert_int_eq(pdf_env_warnings(env), 1);
	ck_assert(pdf_check_text(env, PDF_GOTHIC, "实", "試験", "a.md", 3, 4, &e));
	ck_assert_int_eq(pdf_env_warnings(env), 2);
	ck_assert(!pdf_check_text(env, PDF_GOTHIC, "字\xf4\x8f\xbf\xbd", "見出し", "b.md", 5, 6, &e));
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, "b.md");
	ck_assert_int_eq(e.line, 5);
	ck_assert_int_eq(e.col, 6);
	ck_assert_msg(strstr(e.msg, "見出し: '\xf4\x8f\xbf\xbd' U+10FFFD is in none of the fonts "
	                            "(IPAexGothic,Noto Sans CJK JP)") != NULL,
	              "%s", e.msg);
	fclose(f);
	ck_assert_str_eq(buf, "clausegen:0:0: warning: 試験: '实' U+5B9E is not in IPAex明朝; drawn "
	                      "from Noto Serif CJK JP\n"
	                      "a.md:3:4: warning: 試験: '实' U+5B9E is not in IPAexゴシック; drawn from "
	                      "Noto Sans CJK JP\n");
	ck_assert_str_eq(pdf_env_family(env, PDF_MINCHO), "IPAexMincho");
	free(buf);
	cg_err_clear(&e);
	pdf_env_free(env);
}
END_TEST

/* ---- Markdown as plain text (the checklists' cells) ---- */

START_TEST(md_plain_lists_breaks_and_marks)
{
	static const struct {
		const char *md, *want;
	} cases[] = {
		{ "1. 一\n   1. 内一\n   2. 内二\n2. 二\n3. 三", "1. 一\n1. 内一\n2. 内二\n2. 二\n3. 三" },
		{ "前文。\n\n3. 三\n4. 四", "前文。\n3. 三\n4. 四" },
		{ "- 箇条\n\n  続き\n- 次", "・箇条\n続き\n・次" },
		{ "- ① 丸\n- (1) 括弧\n- （2） 全角\n- ・点\n- • 黒丸\n- ㉑ 二十一\n- ㊱ 三十六\n"
		  "- ⑴ 括弧一\n- ㈠ 漢数字\n- **強調** から",
		  "① 丸\n(1) 括弧\n（2） 全角\n・点\n• 黒丸\n㉑ 二十一\n㊱ 三十六\n⑴ 括弧一\n㈠ 漢数字\n・強調 から" },
		{ "# 見出し\n\n本文。", "見出し\n本文。" },
		{ "前\n\n```\nx = 1\ny = 2\n\n```\n\n後", "前\nx = 1\ny = 2\n後" },
		{ "    字下げの\n    コード", "字下げの\nコード" },
		{ "行一  \n行二\\\n行三", "行一\n行二\n行三" },
		{ "日本語の\n文章と\nLatin\nwords\n*emph*\n`code`\n[link](x)\n終わり。",
		  "日本語の文章とLatin words emph code link終わり。" },
		{ "<div>塊</div>\n\n文<b>中</b>。", "文中。" },
		/* an image: its alt text and address, as in annex.html */
		{ "配置は![配置図](https://example.org/fig.png)のとおり。![](a.png)",
		  "配置は配置図（https://example.org/fig.png）のとおり。（a.png）" },
		/* alt text that is the address: printed once, as annex.html does */
		{ "図 ![https://x.jp/a.png](https://x.jp/a.png)", "図 https://x.jp/a.png" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = pdf_md_plain(cases[i].md);
		ck_assert_msg(strcmp(got, cases[i].want) == 0, "case %zu: got\n%s\nwant\n%s", i, got,
		              cases[i].want);
		g_free(got);
	}
	ck_assert(!pdf_has_own_mark(NULL) && !pdf_has_own_mark(""));
	ck_assert(!pdf_has_own_mark("ア 受託者") && !pdf_has_own_mark("1. 項目") &&
	          !pdf_has_own_mark("【必須】") && !pdf_has_own_mark("㉄"));
	ck_assert(pdf_has_own_mark("⓪") && pdf_has_own_mark("㉟") && pdf_has_own_mark("㊿") &&
	          pdf_has_own_mark("㉃"));
	{
		GString *b = g_string_new(NULL);
		pdf_join_soft(b, "word");
		ck_assert_int_eq((int)b->len, 0);
		g_string_assign(b, "end ");
		pdf_join_soft(b, "next");
		ck_assert_str_eq(b->str, "end ");
		g_string_assign(b, "end");
		pdf_join_soft(b, NULL);
		pdf_join_soft(b, "");
		ck_assert_str_eq(b->str, "end");
		pdf_join_soft(b, "次");
		ck_assert_str_eq(b->str, "end");
		g_string_assign(b, "文");
		pdf_join_soft(b, "next");
		ck_assert_str_eq(b->str, "文");
		g_string_free(b, TRUE);
	}
}
END_TEST

/* ---- the page engine ---- */

/* A table whose header would end a page starts on the next; a column
 * may have no header. */
START_TEST(table_header_never_ends_a_page)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	double w[2] = { 60 * PDF_MM, 100 * PDF_MM };
	const char *heads[2] = { "見出し甲", NULL };
	PangoLayout *l = para(d, 10, "表の前の文。", NULL);
	PangoLayout *cells[2];
	pdf_table *t;
	char *pdf, *t1, *t2;
	size_t len;

	pdf_flow(d, l, pdf_left(d), 0, 0);
	pdf_set_y(d, pdf_y(d) + pdf_room(d) - 25);
	t = pdf_table_new(d, 2, w, heads, 9, 3);
	ck_assert_int_eq(pdf_page_count(d), 2);
	cells[0] = cell(d, t, 0, "一列目の値");
	cells[1] = cell(d, t, 1, "二列目の値");
	pdf_table_row(t, cells);
	pdf_table_end(t);
	pdf_table_end(NULL);
	finish(d, &pdf, &len);
	ck_assert_int_eq(pages_of(pdf, len), 2);
	t1 = page_text(pdf, len, 1);
	t2 = page_text(pdf, len, 2);
	ck_assert_msg(strstr(t1, "表の前の文。") && !strstr(t1, "見出し甲"), "%.1500s", t1);
	ck_assert_msg(strstr(t2, "見出し甲") && strstr(t2, "一列目の値") && strstr(t2, "二列目の値") &&
	              strstr(t2, "見出し甲") < strstr(t2, "一列目の値"), "%.1500s", t2);
	g_free(t1);
	g_free(t2);
	g_free(pdf);
	pdf_env_free(env);
}
END_TEST

/* Page `page` of `pdf` drawn at 72 dpi by pdftoppm (cairo_surface_destroy). */
static cairo_surface_t *page_image(const char *pdf, size_t len, int page)
{
	char *path = g_build_filename(tmp, "r.pdf", NULL), *base = g_build_filename(tmp, "r", NULL);
	char *cmd = g_strdup_printf("pdftoppm -r 72 -png -singlefile -f %d -l %d %s %s", page, page,
	                            path, base);
	char *png = g_strdup_printf("%s.png", base);
	cairo_surface_t *s;
	int st = -1;

	ck_assert(g_file_set_contents(path, pdf, (gssize)len, NULL));
	ck_assert_msg(g_spawn_command_line_sync(cmd, NULL, NULL, &st, NULL) && st == 0, "%s", cmd);
	s = cairo_image_surface_create_from_png(png);
	ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_flush(s);
	g_free(png);
	g_free(cmd);
	g_free(base);
	g_free(path);
	return s;
}

/* Dark pixels of page `page` in the rectangle (points) at 72 dpi. */
static int dark_pixels(const char *pdf, size_t len, int page, double x0, double y0, double x1,
                       double y1)
{
	cairo_surface_t *s = page_image(pdf, len, page);
	int x, y, n = 0, stride;
	unsigned char *px;

	px = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	for (y = (int)y0; y < (int)y1 && y < cairo_image_surface_get_height(s); y++)
		for (x = (int)x0; x < (int)x1 && x < cairo_image_surface_get_width(s); x++) {
			const guint32 v = *(const guint32 *)(px + y * stride + 4 * x);
			if (((v >> 16) & 0xff) < 128 && ((v >> 8) & 0xff) < 128 && (v & 0xff) < 128)
				n++;
		}
	cairo_surface_destroy(s);
	return n;
}

/* A row taller than a page that comes when not even one of its lines fits
 * starts on the next page, and leaves no empty piece of row behind. */
START_TEST(tall_row_at_a_page_foot_starts_on_the_next)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	pdf_table *t = item_table(d);
	GString *s = g_string_new("【長い行の始め】");
	PangoLayout *cells[2];
	char *pdf, *t1, *t2;
	double foot = 0;
	size_t len;
	int i;

	/* Short rows until less than one line and its padding is left. */
	for (i = 0; pdf_room(d) > 14; i++) {
		char num[16];
		g_snprintf(num, sizeof num, "%d", i + 1);
		cells[0] = cell(d, t, 0, num);
		cells[1] = cell(d, t, 1, "短い行。");
		if (pdf_text_height(cells[1]) + 6 > pdf_room(d))
			pdf_set_y(d, pdf_y(d) + pdf_room(d) - 12);
		else
			pdf_table_row(t, cells);
		ck_assert_int_lt(i, 200);
	}
	foot = pdf_y(d);
	ck_assert_int_eq(pdf_page_count(d), 1);
	for (i = 1; i <= 300; i++)
		g_string_append_printf(s, "第%d項を確認すること。", i);
	cells[0] = cell(d, t, 0, "長");
	cells[1] = cell(d, t, 1, s->str);
	ck_assert_double_gt(pdf_text_height(cells[1]), pdf_area_height(d));
	pdf_table_row(t, cells);
	pdf_table_end(t);
	finish(d, &pdf, &len);
	t1 = page_text(pdf, len, 1);
	t2 = page_text(pdf, len, 2);
	ck_assert_msg(strstr(t1, "長い行") == NULL, "%.1500s", t1);
	ck_assert_msg(strstr(t2, "【長い行の始め】") != NULL, "%.1500s", t2);
	/* Nothing drawn between the last short row and the page's margin. */
	ck_assert_int_eq(dark_pixels(pdf, len, 1, 20 * PDF_MM + 2, foot + 2, 190 * PDF_MM - 2,
	                             277 * PDF_MM), 0);
	g_free(t1);
	g_free(t2);
	g_free(pdf);
	g_string_free(s, TRUE);
	pdf_env_free(env);
}
END_TEST

/* pdf_flow of a block longer than a page: never one line alone at a page's
 * foot (the block starts on the next page) or head (a line more goes
 * over); one line taller than a page is printed anyway. */
START_TEST(flow_keeps_two_lines_together)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	GString *s = g_string_new(NULL);
	PangoLayout *l;
	double lh;
	int per = 0, i, n;
	char *pdf, *t1, *t2;
	size_t len;

	/* Lines per page, as the flow counts them. */
	for (i = 0; i < 500; i++)
		g_string_append_printf(s, "%s行%03d", i ? "\n" : "", i + 1);
	l = para(d, 10, s->str, NULL);
	while (pdf_lines_height(l, 0, per + 1) <= pdf_area_height(d) + 0.01)
		per++;
	ck_assert_int_gt(per, 10);
	lh = pdf_lines_height(l, 0, 1);
	/* pdf_lines_height clamps to the layout, and is 0 for no lines. */
	ck_assert_double_eq(pdf_lines_height(l, 0, 0), 0);
	ck_assert_double_eq(pdf_lines_height(l, 500, 1), 0);
	ck_assert_double_eq_tol(pdf_lines_height(l, 498, 10), pdf_lines_height(l, 498, 2), 1e-9);
	pdf_put_lines(d, l, 0, 0, pdf_left(d), pdf_y(d));

	/* per + 1 lines from a page's top: per - 1 stay, two go over. */
	g_string_truncate(s, 0);
	n = per + 1;
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s行%03d", i ? "\n" : "", i + 1);
	l = para(d, 10, s->str, NULL);
	pdf_flow(d, l, pdf_left(d), 0, 0);
	ck_assert_int_eq(pdf_page_count(d), 2);

	/* The same from where one line is left on page 2: it starts on 3. */
	pdf_set_y(d, pdf_y(d) + pdf_room(d) - lh * 1.5);
	g_string_truncate(s, 0);
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s列%03d", i ? "\n" : "", i + 1);
	l = para(d, 10, s->str, NULL);
	pdf_flow(d, l, pdf_left(d), 0, 0);

	/* One line taller than a page. */
	pdf_page_new(d, 0);
	l = pdf_text(d, PDF_GOTHIC, 760, "巨", NULL, 0, 0, 0, PANGO_ALIGN_LEFT);
	ck_assert_double_gt(pdf_text_height(l), pdf_area_height(d));
	pdf_flow(d, l, pdf_left(d), 0, 0);
	pdf_flow(d, para(d, 10, "巨の後", NULL), pdf_left(d), 0, 0);
	finish(d, &pdf, &len);

	t1 = page_text(pdf, len, 1);
	t2 = page_text(pdf, len, 2);
	{
		char *last = g_strdup_printf("行%03d", per - 1), *over = g_strdup_printf("行%03d", per);
		char *end = g_strdup_printf("行%03d", n);
		ck_assert_msg(strstr(t1, "行001") && strstr(t1, last) && !strstr(t1, over), "%.1500s", t1);
		ck_assert_msg(strstr(t2, over) && strstr(t2, end), "%.1500s", t2);
		ck_assert_msg(!strstr(t2, "列001"), "a line alone at page 2's foot: %.1500s", t2);
		g_free(last);
		g_free(over);
		g_free(end);
	}
	g_free(t1);
	g_free(t2);
	t1 = page_text(pdf, len, 3);
	ck_assert_msg(g_str_has_prefix(t1, "列001"), "%.1500s", t1);
	g_free(t1);
	{
		int pages = pages_of(pdf, len);
		t1 = page_text(pdf, len, pages - 1);
		t2 = page_text(pdf, len, pages);
		ck_assert_msg(strstr(t1, "巨") != NULL, "%.1500s", t1);
		ck_assert_msg(strstr(t2, "巨の後") != NULL, "%.1500s", t2);
		g_free(t1);
		g_free(t2);
	}
	g_free(pdf);
	g_string_free(s, TRUE);
	pdf_env_free(env);
}
END_TEST

/* Lines the glyph capture leaves to pango (a colour, an underline, a
 * translucent colour, a box for a character no font has) are drawn from
 * their layout: the text reads back whole and the colour is there. A
 * line of more than 256 glyphs (no wrapping) is drawn whole too. */
START_TEST(lines_pango_draws_itself)
{
	pdf_env *env = env_or_fail();
	pdf_doc *d = new_doc(env);
	PangoAttrList *al = pango_attr_list_new();
	PangoAttribute *a;
	const char *text = "赤い語と下線の語と続く語。";
	GString *digits = g_string_new(NULL);
	char *pdf, *ft;
	size_t len;
	int i, red = 0, x, y;
	cairo_surface_t *s;

	a = pango_attr_foreground_new(0xffff, 0, 0);
	a->start_index = 0;
	a->end_index = (guint)strlen("赤い語");
	pango_attr_list_insert(al, a);
	a = pango_attr_underline_new(PANGO_UNDERLINE_SINGLE);
	a->start_index = (guint)strlen("赤い語と");
	a->end_index = (guint)strlen("赤い語と下線の語");
	pango_attr_list_insert(al, a);
	pdf_flow(d, para(d, 14, text, al), pdf_left(d), 0, 0);
	pango_attr_list_unref(al);
	pdf_flow(d, para(d, 14, "不明な字\xf4\x8f\xbf\xbdの後の語。", NULL), pdf_left(d), 4, 0);
	al = pango_attr_list_new();
	pango_attr_list_insert(al, pango_attr_foreground_alpha_new(0x8000));
	pdf_flow(d, para(d, 14, "半透明の行。", al), pdf_left(d), 4, 0);
	pango_attr_list_unref(al);
	/* Zero-width characters are empty glyphs in a captured line. */
	pdf_flow(d, para(d, 14, "零幅の\u200b空白と\u2060結合子の行。", NULL), pdf_left(d), 4, 0);
	for (i = 0; i < 30; i++)
		g_string_append(digits, "0123456789");
	pdf_flow(d, pdf_text(d, PDF_MINCHO, 1.5, digits->str, NULL, 0, 0, 0, PANGO_ALIGN_LEFT),
	         pdf_left(d), 4, 0);
	/* The layouts are drawn after the page is left. */
	pdf_page_new(d, 0);
	finish(d, &pdf, &len);
	ft = flat_text_of(pdf, len, 1, 1, 1);
	/* The box pango draws for the character shows its code. */
	ck_assert_msg(strstr(ft, "赤い語と下線の語と続く語。") && strstr(ft, "不明な") &&
	              strstr(ft, "10FFFD") && strstr(ft, "の後の語。") &&
	              strstr(ft, "半透明の行。") && strstr(ft, digits->str) && strstr(ft, "零幅の") &&
	              strstr(ft, "空白と") && strstr(ft, "結合子の行。"), "%.1500s", ft);
	s = page_image(pdf, len, 1);
	for (y = 0; y < cairo_image_surface_get_height(s); y++)
		for (x = 0; x < cairo_image_surface_get_width(s); x++) {
			guint32 v = *(guint32 *)(cairo_image_surface_get_data(s) +
			                         y * cairo_image_surface_get_stride(s) + 4 * x);
			if (((v >> 16) & 0xff) > 200 && ((v >> 8) & 0xff) < 80 && (v & 0xff) < 80)
				red++;
		}
	ck_assert_int_gt(red, 20);
	cairo_surface_destroy(s);
	g_free(ft);
	g_free(pdf);
	g_string_free(digits, TRUE);
	pdf_env_free(env);
}
END_TEST

/* Nothing placed: one blank A4 page, no metadata asked for. The date:
 * SOURCE_DATE_EPOCH's day, else the contract's, else today. */
START_TEST(empty_document_and_dates)
{
	pdf_env *env = env_or_fail();
	pdf_meta m = { NULL, NULL, NULL, NULL, NULL };
	pdf_doc *d = pdf_doc_new(env, &m, 20);
	char *pdf, *info, *v;
	size_t len;

	finish(d, &pdf, &len);
	ck_assert_int_eq(pages_of(pdf, len), 1);
	info = poppler("pdfinfo", "", pdf, len);
	ck_assert_msg(strstr(info, "595.276 x 841.89") && !strstr(info, "Title:"),
	              "%.2000s", info);
	g_free(info);
	g_free(pdf);
	pdf_env_free(env);

	g_unsetenv("SOURCE_DATE_EPOCH");
	v = pdf_date("2025-03-04", "2026-01-02");
	ck_assert_str_eq(v, "2025-03-04");
	g_free(v);
	v = pdf_date("", "2026-01-02");
	ck_assert_str_eq(v, "2026-01-02");
	g_free(v);
	v = pdf_date(NULL, "2026-01-02");
	ck_assert_str_eq(v, "2026-01-02");
	g_free(v);
	g_setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
	v = pdf_date("2025-03-04", "2026-01-02");
	ck_assert_str_eq(v, "2026-01-01");
	g_free(v);
}
END_TEST

/* ---- wording files of the wrong shape ---- */

/* `base` with the first `from` replaced by `to` (g_free). */
static char *replaced(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	GString *o = g_string_new(NULL);

	ck_assert_msg(at != NULL, "'%s' not in the template", from);
	g_string_append_len(o, base, at - base);
	g_string_append(o, to);
	g_string_append(o, at + strlen(from));
	return g_string_free(o, FALSE);
}

/* "line:col" (1-based, columns in characters) of the first `what` in
 * `text`. */
static char *position(const char *text, const char *what)
{
	const char *at = strstr(text, what), *bol = text, *p;
	int line = 1;

	ck_assert_msg(at != NULL, "'%s' not in the template", what);
	for (p = text; p < at; p++)
		if (*p == '\n') {
			line++;
			bol = p + 1;
		}
	return g_strdup_printf("%d:%ld", line, g_utf8_pointer_to_offset(bol, at) + 1);
}

static const char cl_base[] =
	"checklists:\n"
	"  checklist-selection: {title: 選定確認票, purpose: 選定の目的, rows: documents}\n"
	"  checklist-delivery: {title: 納品確認票, purpose: 納品の目的, rows: annex}\n"
	"  checklist-periodic: {title: 定期確認票, purpose: 定期の目的, rows: annex}\n"
	"header: {contract: 件名, number: 契約番号, vendor: 受託者, orderer: 発注者, date: 確認日,\n"
	"         date-blank: 年月日}\n"
	"columns: {no: No., annex: 番号, requirement: 確認項目, check: 確認欄, note: 備考}\n"
	"boxes: [適合, 不適合, 該当なし]\n"
	"footer: {checker: 確認者, date: 日付, seal: 印, date-blank: 年月日}\n";

static const char pdf_base[] =
	"spec: {title: 仕様書, meta: [{label: 件名, value: \"{{contract.title}}\"}], intro: [仕様の前文]}\n"
	"annex: {title: 特記事項の題, meta: [{label: 件名, value: \"{{contract.title}}\"}],\n"
	"        intro: [特記の前文]}\n"
	"provenance: [出典の行]\n"
	"guideline: {toc: 目次, clauses: 本文, matrix: 表, matrix-note: 注, legend: 凡例, number: 番号,\n"
	"            table: 表, class: 分類, appendices: 別紙, cover-note: 注記}\n";

/* A city edits the wording files: a map where a list belongs, a text for
 * a map, an empty map, a checklist left out, an unknown checklist, a
 * `rows` of another value. The build stops with exit 1 at the wrong
 * node's line and column, saying what belongs there, and writes nothing;
 * the files as given build. */
START_TEST(wording_files_of_the_wrong_shape)
{
	static const struct {
		const char *file, *from, *to, *at, *msg;
	} cases[] = {
		{ "checklists.yaml",
		  "checklists:\n  checklist-selection: {title: 選定確認票, purpose: 選定の目的, rows: documents}\n"
		  "  checklist-delivery: {title: 納品確認票, purpose: 納品の目的, rows: annex}\n"
		  "  checklist-periodic: {title: 定期確認票, purpose: 定期の目的, rows: annex}\n",
		  "checklists: {}\n", "{}", "'checklists' must map each checklist to {title, purpose, rows}" },
		{ "checklists.yaml", "  checklist-periodic: {title: 定期確認票, purpose: 定期の目的, rows: annex}\n",
		  "", "checklist-selection", "'checklists' has no wording for 'checklist-periodic'" },
		{ "checklists.yaml", "  checklist-periodic: {title: 定期確認票, purpose: 定期の目的, rows: annex}\n",
		  "  checklist-periodic: {title: 定期確認票, purpose: 定期の目的, rows: annex}\n"
		  "  checklist-yearly: {title: 年次, purpose: 年次の目的, rows: annex}\n",
		  "checklist-yearly", "unknown key 'checklist-yearly' in checklists" },
		{ "checklists.yaml", "{title: 納品確認票, purpose: 納品の目的, rows: annex}", "納品確認票",
		  "納品確認票", "checklist 'checklist-delivery' must be {title, purpose, rows}" },
		{ "checklists.yaml", "rows: annex}", "rows: all}", "all}",
		  "'rows' is 'documents' (every clause of the documents) or 'annex' (the clauses the "
		  "contract binds), not 'all'" },
		{ "checklists.yaml", "header: {contract: 件名, number: 契約番号, vendor: 受託者, orderer: 発注者, "
		                     "date: 確認日,\n         date-blank: 年月日}",
		  "header: 見出し", "見出し", "'header' must be a map of texts" },
		{ "checklists.yaml", "boxes: [適合, 不適合, 該当なし]", "boxes: 適合", "適合",
		  "'boxes' must list the three answers (適合, 不適合, 該当なし)" },
		{ "checklists.yaml", "boxes: [適合, 不適合, 該当なし]", "boxes: [適合, 不適合]", "[適合",
		  "'boxes' must list the three answers" },
		{ "pdf.yaml",
		  "{title: 仕様書, meta: [{label: 件名, value: \"{{contract.title}}\"}], intro: [仕様の前文]}",
		  "仕様書", "仕様書", "'spec' must be a map {title, meta, intro}" },
		{ "pdf.yaml", "meta: [{label: 件名, value: \"{{contract.title}}\"}], intro: [仕様の前文]",
		  "meta: 件名, intro: [仕様の前文]", "{title: 仕様書", "'spec' needs a list 'meta'" },
		{ "pdf.yaml", "[{label: 件名, value: \"{{contract.title}}\"}], intro: [仕様の前文]",
		  "[件名], intro: [仕様の前文]", "件名]", "a meta row is {label, value}" },
		{ "pdf.yaml", "intro: [仕様の前文]", "intro: 前文", "前文}", "'intro' must be a list of texts" },
		{ "pdf.yaml", "provenance: [出典の行]", "provenance: 出典", "出典",
		  "'provenance' must be a list of texts" },
		{ "pdf.yaml", "provenance: [出典の行]", "provenance: [\"{{contract.nosuch}}\"]", "\"{{contract.nosuch}}\"",
		  "nosuch" },
		{ "pdf.yaml",
		  "guideline: {toc: 目次, clauses: 本文, matrix: 表, matrix-note: 注, legend: 凡例, number: 番号,\n"
		  "            table: 表, class: 分類, appendices: 別紙, cover-note: 注記}",
		  "guideline: 手引", "手引", "'guideline' must be a map of texts" },
	};
	char *root = tu_copy_root(tmp, 1), *out = g_build_filename(tmp, "out", NULL);
	char *own = g_build_filename(root, "templates", "funabashi-contract", NULL), *c;
	size_t i;
	built b;
	tu_run r;

	c = fx_contract("vendor: 株式会社試験\ndocuments: [annex, checklist-delivery]\n");
	g_free(tu_write(own, "checklists.yaml", cl_base));
	g_free(tu_write(own, "pdf.yaml", pdf_base));
	r = tu_cli("build", "--root", root, "-o", out, c, NULL);
	ck_assert_msg(r.status == 0, "%.2000s", r.err);
	b = read_built(out, "fx", "annex.pdf", 1, 1);
	ck_assert_msg(g_str_has_prefix(b.ft, "特記事項の題件名試験契約特記の前文"), "%.1500s", b.ft);
	built_free(&b);
	tu_run_free(&r);
	tu_rmtree(out);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *base = strcmp(cases[i].file, "pdf.yaml") == 0 ? pdf_base : cl_base;
		char *text = replaced(base, cases[i].from, cases[i].to), *pos = position(text, cases[i].at);
		char *want = g_strdup_printf("%s:%s: error: ", cases[i].file, pos);
		g_free(tu_write(own, cases[i].file, text));
		r = tu_cli("build", "--root", root, "-o", out, c, NULL);
		ck_assert_msg(r.status == 1, "case %zu: exit %d: %.2000s", i, r.status, r.err);
		ck_assert_msg(strstr(r.err, want) != NULL && strstr(r.err, cases[i].msg) != NULL,
		              "case %zu: want %s… %s, got %.2000s", i, want, cases[i].msg, r.err);
		ck_assert_int_le(tu_count_entries(out), 0);
		g_free(tu_write(own, cases[i].file, base));
		tu_run_free(&r);
		g_free(want);
		g_free(pos);
		g_free(text);
	}
	g_free(c);
	g_free(own);
	g_free(out);
	g_free(root);
}
END_TEST

/* The rows of each checklist, from the document model of a NISC contract
 * whose spec announces items for evaluation only: selection lists every
 * clause of the documents, delivery only those the contract binds. A
 * checklist the wording file does not know is an error. */
START_TEST(checklist_rows_follow_the_wording_file)
{
	cg_err e = { 0 };
	sb_limits lim = { 0, 0 };
	ct_contract *ct = contract_load("specs/contracts/nisc-build-kyoyu.yaml", &e);
	sp_source *s = spec_load("specs/nisc", &e);
	pdf_cl_words *w = pdf_checklist_words_load("templates/checklists.yaml", &e);
	sel_result *r = NULL, *ann = NULL;
	doc_model *m;
	GPtrArray *sel, *del;
	pdf_env *env;
	char *pdf = NULL;
	size_t len = 0, i, extra = 0;

	ck_assert_msg(ct && s && w && contract_bind(ct, s, &e), "%s", e.msg ? e.msg : "");
	r = sel_run(ct, "lua", &lim, &e);
	ck_assert_msg(r != NULL, "%s", e.msg ? e.msg : "");
	ck_assert(s->spec_table != s->select_table);
	ann = sel_run_table(ct, "lua", &lim, (int)s->spec_table, &e);
	ck_assert_msg(ann != NULL, "%s", e.msg ? e.msg : "");
	m = doc_build(r, ann, s->spec_table);
	ck_assert(pdf_checklist_known(w, "checklist-selection") && pdf_checklist_known(w, "checklist-periodic"));
	ck_assert(!pdf_checklist_known(w, "checklist-yearly"));
	sel = pdf_checklist_rows(m, w, "checklist-selection");
	del = pdf_checklist_rows(m, w, "checklist-delivery");
	for (i = 0; i < del->len; i++) {
		const doc_node *n = g_ptr_array_index(del, i);
		ck_assert(sel_in_documents(n->verdict));
		ck_assert_msg(g_ptr_array_find(sel, n, NULL), "%s is on delivery only", n->clause->id);
	}
	for (i = 0; i < sel->len; i++)
		if (!g_ptr_array_find(del, g_ptr_array_index(sel, i), NULL)) {
			ck_assert(!sel_in_documents(((const doc_node *)g_ptr_array_index(sel, i))->verdict));
			extra++;
		}
	ck_assert_int_gt(extra, 0);
	ck_assert_uint_eq(sel->len, del->len + extra);
	g_ptr_array_unref(sel);
	g_ptr_array_unref(del);
	env = env_or_fail();
	ck_assert(!pdf_checklist_render(env, m, w, "checklist-yearly", "2026-01-01", &pdf, &len, &e));
	ck_assert_ptr_null(pdf);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.msg, "no wording for checklist 'checklist-yearly' in checklists.yaml");
	cg_err_clear(&e);
	pdf_env_free(env);
	doc_free(m);
	sel_free(ann);
	sel_free(r);
	pdf_checklist_words_free(w);
	contract_free(ct);
	spec_free(s);
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
	tcase_add_test(tc, markdown_constructs_in_a_clause);
	tcase_add_test(tc, html_only_body_keeps_its_number);
	tcase_add_test(tc, appendix_tables_of_every_shape);
	tcase_add_test(tc, contract_without_number_or_orderer);
	tcase_add_test(tc, undrawable_character_in_a_contract_field);
	tcase_add_test(tc, fallback_glyph_in_a_title_warns_for_both_faces);
	tcase_add_test(tc, source_templates_word_its_pdfs);
	tcase_add_test(tc, guideline_of_a_custom_source);
	tcase_add_test(tc, guideline_without_classes_and_undrawable);
	tcase_add_test(tc, missing_gothic_font_is_exit_3);
	tcase_add_test(tc, noto_fonts_alone_and_right_to_left_text);
	tcase_add_test(tc, check_text_warns_once_and_skips_controls);
	tcase_add_test(tc, md_plain_lists_breaks_and_marks);
	tcase_add_test(tc, table_header_never_ends_a_page);
	tcase_add_test(tc, tall_row_at_a_page_foot_starts_on_the_next);
	tcase_add_test(tc, flow_keeps_two_lines_together);
	tcase_add_test(tc, lines_pango_draws_itself);
	tcase_add_test(tc, empty_document_and_dates);
	tcase_add_test(tc, wording_files_of_the_wrong_shape);
	tcase_add_test(tc, checklist_rows_follow_the_wording_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
