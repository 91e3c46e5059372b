/* fuzz_source.c: the source loader (spec_load, over ynode.c and cmark) on
 * hostile text.
 *
 * The first input byte picks one of the bundled sources (bits 0-1) and the
 * role of the rest (bits 2-3): 0, the rest is that source's source.yaml,
 * loaded with three of its real clauses; 1 (and 3), one more clause file
 * beside its real source.yaml and three clauses; 2, one more appendix file.
 * Each source has a fixed copy in a temporary tree, so one input is one
 * file written and one directory loaded. */
#include "fuzz.h"

#include <glib.h>
#include <string.h>

#include "err.h"
#include "spec.h"
#include "util.h"

static const char *const sources[] = { "shinagawa", "nisc", "funabashi-contract",
	                               "funabashi-cloud" };
static char *trees[4];

static void copy_dir_head(const char *from, const char *to, size_t max)
{
	char **paths = util_list_dir(from, ".md", UTIL_LIST_FILES);
	size_t i;

	g_mkdir_with_parents(to, 0755);
	for (i = 0; paths[i] != NULL && i < max; i++) {
		char *base = g_path_get_basename(paths[i]);
		char *dst = g_build_filename(to, base, NULL);
		fz_copy(paths[i], dst);
		g_free(dst);
		g_free(base);
	}
	g_strfreev(paths);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *tmp = fz_tmpdir();
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < 4; i++) {
		char *from = g_build_filename(fz_root(), "specs", sources[i], NULL);
		char *f, *t;
		trees[i] = g_build_filename(tmp, sources[i], NULL);
		f = g_build_filename(from, "clauses", NULL);
		t = g_build_filename(trees[i], "clauses", NULL);
		copy_dir_head(f, t, 3);
		g_free(f);
		g_free(t);
		f = g_build_filename(from, "appendices", NULL);
		t = g_build_filename(trees[i], "appendices", NULL);
		copy_dir_head(f, t, 8);
		g_free(f);
		g_free(t);
		g_free(from);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_err err = { 0 };
	sp_source *s;
	char *yaml, *extra, *app, *real;
	size_t which;
	int role;

	if (size < 1)
		return 0;
	which = data[0] & 3;
	role = (data[0] >> 2) & 3;
	yaml = g_build_filename(trees[which], "source.yaml", NULL);
	extra = g_build_filename(trees[which], "clauses", "zz-fuzz.md", NULL);
	app = g_build_filename(trees[which], "appendices", "zz-fuzz.md", NULL);
	remove(extra);
	remove(app);
	if (role == 0) {
		fz_write(yaml, data + 1, size - 1);
	} else {
		real = g_build_filename(fz_root(), "specs", sources[which], "source.yaml", NULL);
		fz_copy(real, yaml);
		g_free(real);
		fz_write(role == 2 ? app : extra, data + 1, size - 1);
	}
	s = spec_load(trees[which], &err);
	/* Every failure must say what is wrong; positions are never negative. */
	if (s == NULL && (!cg_err_isset(&err) || err.msg == NULL || err.line < 0 || err.col < 0))
		__builtin_trap();
	if (s != NULL) {
		size_t i;
		for (i = 0; i < s->nclauses; i++)
			(void)spec_clause_title(s, &s->clauses[i]);
	}
	spec_free(s);
	fz_report(s != NULL ? "loaded" : NULL, &err);
	cg_err_clear(&err);
	g_free(yaml);
	g_free(extra);
	g_free(app);
	return 0;
}
