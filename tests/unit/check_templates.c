/* check_templates.c: the wording files in templates/ are data a city edits
 * (labels.yaml, pdf.yaml, checklists.yaml, site/words.yaml). Every one-line
 * breakage of them — a key deleted, a key misspelt, a text replaced by a
 * list — must stop the command that reads it with exit 1 and a message at
 * that file's line, never a crash, a half-written output or a silently
 * missing text. */
#include <check.h>
#include <glib.h>
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
	char *root = g_build_filename(tmp, "root", NULL);
	char *path = g_build_filename(root, "templates", rel, NULL);
	char *base = g_path_get_basename(rel);
	char *orig = NULL;
	char **lines;
	size_t i;
	int cases = 0;
	static const char *const parts[] = { "specs", "lua", "templates" };

	for (i = 0; i < G_N_ELEMENTS(parts); i++) {
		char *to = g_build_filename(root, parts[i], NULL);
		tu_copytree(parts[i], to);
		g_free(to);
	}
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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
