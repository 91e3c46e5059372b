/* replay.c: runs saved inputs through a fuzz target without libFuzzer, so
 * that every crash the fuzzers found stays a test of the normal suite
 * (ctest: fuzz_<target>_replay over tests/fuzz/corpus/<target> and
 * tests/fuzz/regress/<target>).
 *
 *   replay FILE|DIR...   each file, or each file of each directory */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	gchar *buf;
	gsize len;

	if (!g_file_get_contents(path, &buf, &len, NULL)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 0;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	g_free(buf);
	return 1;
}

int main(int argc, char **argv)
{
	int i, n = 0, ok = 1;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
			GDir *d = g_dir_open(argv[i], 0, NULL);
			const char *name;
			GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
			guint j;
			while (d != NULL && (name = g_dir_read_name(d)) != NULL)
				if (name[0] != '.')
					g_ptr_array_add(names, g_build_filename(argv[i], name, NULL));
			if (d != NULL)
				g_dir_close(d);
			for (j = 0; j < names->len; j++) {
				ok &= run_file(g_ptr_array_index(names, j));
				n++;
			}
			g_ptr_array_free(names, TRUE);
		} else if (g_file_test(argv[i], G_FILE_TEST_EXISTS)) {
			ok &= run_file(argv[i]);
			n++;
		}
	}
	printf("replay: %d input(s)\n", n);
	return ok ? 0 : 1;
}
