/* check_templates.c: the wording files in templates/ are data a city edits
 * (labels.yaml, pdf.yaml, checklists.yaml, site/words.yaml). Every one-line
 * breakage of them — a key deleted, a key misspelt, a text replaced by a
 * list — must stop the command that reads it with exit 1 and a message at
 * that file's line, never a crash, a half-written output or a silently
 * missing text. */
#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

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

typedef enum { DROP, MISSPELL, RETYPE } breakage;

/* Line `i` of `lines` broken as `how`; NULL when that breakage does not
 * apply to the line (not a key, or no scalar value to retype). */
static char *broken(char **lines, size_t i, breakage how)
{
	GString *o = g_string_new(NULL);
	const char *l = lines[i], *colon;
	size_t k, indent = strspn(l, " ");

	colon = strstr(l, ": ");
	if (l[indent] == '#' || l[indent] == '-' || l[indent] == '\0' ||
	    (colon == NULL && !g_str_has_suffix(l, ":"))) {
		g_string_free(o, TRUE);
		return NULL;
	}
	if (how == RETYPE && (colon == NULL || colon[2] == '\0')) {
		g_string_free(o, TRUE);
		return NULL;
	}
	for (k = 0; lines[k] != NULL; k++) {
		if (k != i) {
			g_string_append(o, lines[k]);
		} else if (how == MISSPELL) {
			g_string_append_len(o, l, (gssize)indent);
			g_string_append(o, "zz");
			g_string_append(o, l + indent);
		} else if (how == RETYPE) {
			g_string_append_len(o, l, colon + 2 - l);
			g_string_append(o, "[1, 2]");
		} else {
			/* DROP: the line goes; its children, if any, follow the
			 * previous key, which is a breakage too. */
			continue;
		}
		if (lines[k + 1] != NULL)
			g_string_append_c(o, '\n');
	}
	return g_string_free(o, FALSE);
}

/* Breaks `rel` (under templates/) every way, one line at a time, and runs
 * the command in `argv` (NULL-terminated, after "--root ROOT") for each. */
static void break_every_line(const char *rel, const char *const *argv, int min_cases)
{
	char *root = tu_copy_root(tmp, 1);
	char *path = g_build_filename(root, "templates", rel, NULL);
	char *base = g_path_get_basename(rel);
	char *orig = NULL;
	char **lines;
	size_t i;
	int cases = 0;

	ck_assert(g_file_get_contents(path, &orig, NULL, NULL));
	lines = g_strsplit(orig, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		breakage how;
		for (how = DROP; how <= RETYPE; how++) {
			char *text = broken(lines, i, how);
			char *out = g_build_filename(tmp, "out", NULL);
			char *want = g_strdup_printf("%s:", base);
			tu_run r;
			if (text == NULL) {
				g_free(out);
				g_free(want);
				continue;
			}
			ck_assert(g_file_set_contents(path, text, -1, NULL));
			r = tu_cli(argv[0], "--root", root, "-o", out, argv[1], argv[2], argv[3], argv[4],
			           argv[5], NULL);
			ck_assert_msg(r.status == 1, "%s line %zu broken (%d): exit %d, want 1\n%s\n%s",
			              rel, i + 1, how, r.status, text, r.err);
			ck_assert_msg(strstr(r.err, want) != NULL, "%s line %zu (%d): no position: %s", rel,
			              i + 1, how, r.err);
			/* Nothing half-made: a failed build or publish writes no
			 * output at all here. */
			ck_assert_int_le(tu_count_entries(out), 0);
			tu_rmtree(out);
			cases++;
			tu_run_free(&r);
			g_free(text);
			g_free(out);
			g_free(want);
		}
	}
	ck_assert(g_file_set_contents(path, orig, -1, NULL));
	ck_assert_int_ge(cases, min_cases);
	g_strfreev(lines);
	g_free(orig);
	g_free(base);
	g_free(path);
	g_free(root);
}

START_TEST(labels_yaml)
{
	static const char *const argv[] = { "build", "--formats", "html",
	                                    "specs/contracts/nisc-asp-yoyaku.yaml", NULL, NULL };
	char *contract = g_build_filename(tmp, "root", argv[3], NULL);
	const char *a[] = { argv[0], argv[1], argv[2], contract, NULL, NULL };

	break_every_line("labels.yaml", a, 20);
	g_free(contract);
}
END_TEST

START_TEST(pdf_yaml)
{
	char *contract = g_build_filename(tmp, "root", "specs/contracts/funabashi-web-kosodate.yaml",
	                                  NULL);
	const char *a[] = { "build", "--formats", "pdf", contract, NULL, NULL };

	break_every_line("pdf.yaml", a, 20);
	g_free(contract);
}
END_TEST

START_TEST(checklists_yaml)
{
	char *contract = g_build_filename(tmp, "root", "specs/contracts/funabashi-web-kosodate.yaml",
	                                  NULL);
	const char *a[] = { "build", "--formats", "pdf", contract, NULL, NULL };

	break_every_line("checklists.yaml", a, 20);
	g_free(contract);
}
END_TEST

START_TEST(site_words_yaml)
{
	const char *a[] = { "publish", "--formats", "html", "--source", "funabashi-cloud", NULL };

	break_every_line("site/words.yaml", a, 100);
}
END_TEST

/* ---- the template language itself (src/tmpl.c) ---- */

/* A root under tmp (tu_copy_root), the output directory tmp/out, and the
 * root's source nisc and contract nisc-asp-yoyaku (nisc_root_free). */
typedef struct {
	char *root, *out, *src, *contract;
} nisc_root;

static nisc_root nisc_root_new(void)
{
	nisc_root t;

	t.root = tu_copy_root(tmp, 1);
	t.out = g_build_filename(tmp, "out", NULL);
	t.src = g_build_filename(t.root, "specs", "nisc", NULL);
	t.contract = g_build_filename(t.root, "specs/contracts/nisc-asp-yoyaku.yaml", NULL);
	return t;
}

static void nisc_root_free(nisc_root *t)
{
	g_free(t->contract);
	g_free(t->src);
	g_free(t->out);
	g_free(t->root);
}

static char *read_out(const char *dir, const char *id, const char *name)
{
	char *path = g_build_filename(dir, id, name, NULL);
	char *text = NULL;

	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "cannot read %s", path);
	g_free(path);
	return text;
}

/* {{clause:ID}} is the clause's number in this contract's documents (or
 * 該当なし when it is not in them); {{#if}} keeps its text only for a
 * field with a value, clause numbers included; a field no document fills
 * is empty; templates/<source>/NAME stands in for templates/NAME for that
 * source only. */
START_TEST(fields_if_blocks_and_clause_numbers)
{
	nisc_root t = nisc_root_new();
	const char *root = t.root, *out = t.out, *nisc = t.contract;
	char *shin = g_build_filename(root, "specs/contracts/shinagawa-dc-kikan.yaml", NULL);
	char *plain, *text;
	tu_run r;

	g_free(tu_write(root, "templates/nisc/annex.md",
	                "{{doc.title}}|{{#if doc.title}}hidden{{/if}}|{{clause:nisc-01}}|"
	                "{{clause:nisc-06}}|{{#if contract.number}}N {{clause:nisc-01}}{{/if}}|"
	                "{{#if contract.vendor}}V={{contract.vendor}}{{/if}}\n{{body}}"));
	r = tu_cli("build", "--root", root, "--formats", "md", "-o", out, nisc, shin, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	text = read_out(out, "nisc-asp-yoyaku", "annex.md");
	ck_assert_msg(g_str_has_prefix(text, "||第2の1(1)|（該当なし）|N 第2の1(1)|V=株式会社例示クラウド\n\n## 第1"),
	              "annex.md: %.200s", text);
	g_free(text);
	/* The spec of that source and the annex of another: the shared ones. */
	text = read_out(out, "nisc-asp-yoyaku", "spec.md");
	ck_assert(g_str_has_prefix(text, "# 調達仕様書"));
	g_free(text);
	text = read_out(out, "shinagawa-dc-kikan", "annex.md");
	ck_assert(g_str_has_prefix(text, "# 情報セキュリティに関する特記事項\n"));
	g_free(text);
	/* Without a contract number the block goes, clause number and all. */
	plain = tu_write(tmp, "plain.yaml", "id: plain\ntitle: t\nsource: nisc\ncategory: asp\nvendor: v社\n");
	r = tu_cli("build", "--root", root, "--formats", "md", "-o", out, plain, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	text = read_out(out, "plain", "annex.md");
	ck_assert_msg(g_str_has_prefix(text, "||第2の1(1)|（該当なし）||V=v社\n"), "annex.md: %.200s", text);
	g_free(text);
	g_free(plain);
	g_free(shin);
	nisc_root_free(&t);
}
END_TEST

/* Every mistake in a template stops `check` and `build` alike with exit 1
 * at the template's line and column, and the build writes nothing. */
START_TEST(template_mistakes_at_their_place)
{
	static const struct {
		const char *text, *pos, *msg;
	} cases[] = {
		{ "# 見出し\n件名: {{contract.title\n", "2:5", "'{{' is not closed by '}}'" },
		{ "{{#if contract.vendor}}{{#if contract.date}}x{{/if}}{{/if}}\n", "1:24",
		  "'{{#if}}' blocks cannot be nested" },
		{ "\n\n  {{#if vendor}}x{{/if}}\n", "3:3", "unknown field 'vendor' in '{{#if}}'" },
		{ "件名{{/if}}\n", "1:3", "'{{/if}}' without '{{#if}}'" },
		{ "{{body}}\n第{{clause:nisc-99}}\n", "2:2",
		  "template refers to clause 'nisc-99', which source 'nisc' does not have" },
		{ "{{ contract.titel }}\n", "1:1", "unknown field 'contract.titel' (did you mean 'contract.title'?)" },
		{ "{{qqqqqqqqqqqq}}\n", "1:1", "unknown field 'qqqqqqqqqqqq'\n" },
		{ "件名: {{#if doc.title}}{{contract.date}}\n{{body}}\n", "1:5",
		  "'{{#if}}' is not closed by '{{/if}}'" },
	};
	nisc_root t = nisc_root_new();
	const char *root = t.root, *out = t.out, *src = t.src, *contract = t.contract;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *path = tu_write(root, "templates/spec.md", cases[i].text);
		char *want = g_strdup_printf("%s:%s: error: %s", path, cases[i].pos, cases[i].msg);
		tu_run r = tu_cli("check", "--root", root, src, NULL);
		ck_assert_msg(r.status == 1 && strstr(r.err, want) != NULL,
		              "case %zu check: exit %d, '%s' lacks '%s'", i, r.status, r.err, want);
		tu_run_free(&r);
		r = tu_cli("build", "--root", root, "--formats", "md", "-o", out, contract, NULL);
		ck_assert_msg(r.status == 1 && strstr(r.err, want) != NULL,
		              "case %zu build: exit %d, '%s' lacks '%s'", i, r.status, r.err, want);
		ck_assert_int_le(tu_count_entries(out), 0);
		tu_run_free(&r);
		tu_rmtree(out);
		g_free(want);
		g_free(path);
	}
	nisc_root_free(&t);
}
END_TEST

/* The wording of pdf.yaml is shared by every source, so its clause
 * references are checked against the contract's source when expanded (they
 * crashed the check before). */
/* pdf.yaml with its 件名 row of the spec and annex meta rewritten. */
static void set_title_row(const char *yaml, const char *orig, const char *value)
{
	static const char line[] = "    - {label: 件名, value: \"{{contract.title}}\"}";
	char **parts = g_strsplit(orig, line, 2);
	char *row, *text;

	ck_assert_uint_eq(g_strv_length(parts), 2);
	row = g_strdup_printf("    - {label: 件名, value: \"%s\"}", value);
	text = g_strconcat(parts[0], row, parts[1], NULL);
	ck_assert(g_file_set_contents(yaml, text, -1, NULL));
	g_free(text);
	g_free(row);
	g_strfreev(parts);
}

START_TEST(pdf_wording_refers_to_clauses)
{
	nisc_root t = nisc_root_new();
	const char *root = t.root, *out = t.out, *contract = t.contract;
	char *pdf = g_build_filename(out, "nisc-asp-yoyaku", "annex.pdf", NULL);
	char *yaml = g_build_filename(root, "templates", "pdf.yaml", NULL);
	char *orig = NULL;
	tu_run r;

	ck_assert(g_file_get_contents(yaml, &orig, NULL, NULL));
	set_title_row(yaml, orig, "{{contract.title}}（{{clause:nisc-01}}）");
	r = tu_cli("build", "--root", root, "--formats", "pdf", "-o", out, contract, NULL);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert(g_file_test(pdf, G_FILE_TEST_IS_REGULAR));
	tu_run_free(&r);
	tu_rmtree(out);
	set_title_row(yaml, orig, "{{contract.title}}（{{clause:nisc-99}}）");
	r = tu_cli("build", "--root", root, "--formats", "pdf", "-o", out, contract, NULL);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "pdf.yaml:"));
	ck_assert_ptr_nonnull(strstr(r.err, "error: template refers to clause 'nisc-99', which source 'nisc' does not have"));
	ck_assert_int_le(tu_count_entries(out), 0);
	tu_run_free(&r);
	g_free(orig);
	g_free(yaml);
	g_free(pdf);
	nisc_root_free(&t);
}
END_TEST

/* A template file that is not there: exit 3 (a system failure, not a
 * mistake in the input), from check, build and publish alike. */
START_TEST(missing_template_files)
{
	static const char *const missing[] = { "annex.html", "labels.yaml", "site/page.html" };
	nisc_root t = nisc_root_new();
	const char *root = t.root, *out = t.out, *src = t.src, *contract = t.contract;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(missing); i++) {
		char *path = g_build_filename(root, "templates", missing[i], NULL);
		char *aside = g_strconcat(path, ".aside", NULL);
		char *want = g_strdup_printf("%s:1:1: error: cannot open: No such file or directory", path);
		tu_run r;
		ck_assert_int_eq(rename(path, aside), 0);
		if (i < 2) {
			r = tu_cli("check", "--root", root, src, NULL);
			ck_assert_msg(r.status == 3 && strstr(r.err, want) != NULL,
			              "%s check: exit %d: %s", missing[i], r.status, r.err);
			tu_run_free(&r);
			r = tu_cli("build", "--root", root, "--formats", "html", "-o", out, contract, NULL);
		} else {
			r = tu_cli("publish", "--root", root, "--formats", "html", "--source", "nisc", "-o",
			           out, NULL);
		}
		ck_assert_msg(r.status == 3 && strstr(r.err, want) != NULL, "%s: exit %d: %s",
		              missing[i], r.status, r.err);
		ck_assert_int_le(tu_count_entries(out), 0);
		tu_run_free(&r);
		tu_rmtree(out);
		ck_assert_int_eq(rename(aside, path), 0);
		g_free(want);
		g_free(aside);
		g_free(path);
	}
	nisc_root_free(&t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("templates");
	TCase *tc = tcase_create("templates");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, labels_yaml);
	tcase_add_test(tc, pdf_yaml);
	tcase_add_test(tc, checklists_yaml);
	tcase_add_test(tc, site_words_yaml);
	tcase_add_test(tc, fields_if_blocks_and_clause_numbers);
	tcase_add_test(tc, template_mistakes_at_their_place);
	tcase_add_test(tc, pdf_wording_refers_to_clauses);
	tcase_add_test(tc, missing_template_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
