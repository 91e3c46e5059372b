#include "testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "out.h"

tu_run tu_cli(const char *arg0, ...)
{
	GPtrArray *argv = g_ptr_array_new();
	va_list ap;
	const char *a;
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *out, *err;
	tu_run r;

	g_ptr_array_add(argv, (char *)"clausegen");
	va_start(ap, arg0);
	for (a = arg0; a != NULL; a = va_arg(ap, const char *))
		g_ptr_array_add(argv, (char *)a);
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	out = open_memstream(&obuf, &olen);
	err = open_memstream(&ebuf, &elen);
	r.status = cli_main((int)argv->len - 1, (char **)argv->pdata, out, err);
	fclose(out);
	fclose(err);
	r.out = g_strndup(obuf, olen);
	r.err = g_strndup(ebuf, elen);
	free(obuf);
	free(ebuf);
	g_ptr_array_free(argv, TRUE);
	return r;
}

void tu_run_free(tu_run *r)
{
	g_free(r->out);
	g_free(r->err);
	r->out = r->err = NULL;
}

char *tu_tmpdir(void)
{
	char *d = g_dir_make_tmp("clausegen-test-XXXXXX", NULL);

	if (d == NULL)
		abort();
	return d;
}

void tu_rmtree(const char *dir)
{
	out_remove_tree(dir);
}

char *tu_write(const char *dir, const char *rel, const char *text)
{
	char *path = g_build_filename(dir, rel, NULL);
	char *parent = g_path_get_dirname(path);

	g_mkdir_with_parents(parent, 0755);
	if (!g_file_set_contents(path, text, -1, NULL))
		abort();
	g_free(parent);
	return path;
}

void tu_copytree(const char *from, const char *to)
{
	GDir *d = g_dir_open(from, 0, NULL);
	const char *name;

	g_mkdir_with_parents(to, 0755);
	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		char *src = g_build_filename(from, name, NULL);
		char *dst = g_build_filename(to, name, NULL);
		if (g_file_test(src, G_FILE_TEST_IS_DIR)) {
			tu_copytree(src, dst);
		} else {
			char *buf;
			gsize len;
			if (g_file_get_contents(src, &buf, &len, NULL)) {
				g_file_set_contents(dst, buf, (gssize)len, NULL);
				g_free(buf);
			}
		}
		g_free(src);
		g_free(dst);
	}
	g_dir_close(d);
}

char *tu_copy_root(const char *dir, int with_specs)
{
	static const char *const parts[] = { "specs", "lua", "templates" };
	char *root = g_build_filename(dir, "root", NULL);
	size_t i;

	for (i = with_specs ? 0 : 1; i < G_N_ELEMENTS(parts); i++) {
		char *to = g_build_filename(root, parts[i], NULL);
		tu_copytree(parts[i], to);
		g_free(to);
	}
	return root;
}

void tu_write_files(const char *dir, const tu_file *files)
{
	for (; files->rel != NULL; files++)
		g_free(tu_write(dir, files->rel, files->text));
}

int tu_count_entries(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	int n = 0;

	if (d == NULL)
		return -1;
	while (g_dir_read_name(d) != NULL)
		n++;
	g_dir_close(d);
	return n;
}

void tu_assert_file_text(const char *dir, const char *name, const char *want)
{
	char *p = g_build_filename(dir, name, NULL), *text = NULL;

	/* The path in both messages: a failure is reported at this line, not
	 * the caller's. */
	ck_assert_msg(g_file_get_contents(p, &text, NULL, NULL), "cannot read %s", p);
	ck_assert_msg(strcmp(text, want) == 0, "%s holds \"%s\", not \"%s\"", p, text, want);
	g_free(text);
	g_free(p);
}

int tu_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
