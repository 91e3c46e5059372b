/* fuzzutil.c: helpers shared by the fuzz targets. */
#include "fuzz.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "out.h"

const char *fz_root(void)
{
	const char *r = getenv("CLAUSEGEN_ROOT");

	return r != NULL && r[0] != '\0' ? r : CLAUSEGEN_SOURCE_ROOT;
}

static GPtrArray *tmpdirs;

static void rm_tmpdirs(void)
{
	guint i;

	for (i = 0; tmpdirs != NULL && i < tmpdirs->len; i++)
		out_remove_tree(g_ptr_array_index(tmpdirs, i));
}

char *fz_tmpdir(void)
{
	char *d = g_dir_make_tmp("clausegen-fuzz-XXXXXX", NULL);

	if (d == NULL)
		abort();
	if (tmpdirs == NULL) {
		tmpdirs = g_ptr_array_new();
		atexit(rm_tmpdirs);
	}
	g_ptr_array_add(tmpdirs, d);
	return d;
}

void fz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
}

void fz_copy(const char *from, const char *to)
{
	gchar *buf;
	gsize len;

	if (!g_file_get_contents(from, &buf, &len, NULL))
		abort();
	fz_write(to, (const uint8_t *)buf, len);
	g_free(buf);
}

void fz_report(const char *ok, const cg_err *err)
{
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (!verbose)
		return;
	if (ok != NULL)
		fprintf(stderr, "fuzz: %s\n", ok);
	else
		cg_err_print(err, stderr);
}
