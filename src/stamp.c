/* stamp.c: input hashes for incremental builds. */
#include "stamp.h"

#include <glib.h>
#include <string.h>
#include <sys/stat.h>

#include "out.h"
#include "spcache.h"
#include "util.h"

/* The name of `path` under `root`, without leading slashes ("." for root). */
static const char *rel_name(const char *root, const char *path)
{
	const char *rel = path + strlen(root);

	while (*rel == '/')
		rel++;
	return *rel != '\0' ? rel : ".";
}

/* Hidden files are left out (util_list_dir), as editors' swap files are.
 * Every directory and file is noted with the cache before it is read. */
static void hash_tree(GChecksum *sum, spcache *sc, const char *root, const char *dir)
{
	char **paths;
	size_t i;

	spcache_note(sc, rel_name(root, dir), dir);
	paths = util_list_dir(dir, NULL, UTIL_LIST_ANY);
	for (i = 0; paths[i] != NULL; i++) {
		const char *rel = rel_name(root, paths[i]);
		char *buf = NULL;
		gsize len = 0;
		if (util_is_dir(paths[i])) {
			hash_tree(sum, sc, root, paths[i]);
			continue;
		}
		spcache_note(sc, rel, paths[i]);
		g_checksum_update(sum, (const guchar *)rel, (gssize)strlen(rel) + 1);
		if (g_file_get_contents(paths[i], &buf, &len, NULL)) {
			char n[32];
			g_snprintf(n, sizeof n, "%zu:", (size_t)len);
			g_checksum_update(sum, (const guchar *)n, (gssize)strlen(n));
			g_checksum_update(sum, (const guchar *)buf, (gssize)len);
			g_free(buf);
		} else {
			g_checksum_update(sum, (const guchar *)"unreadable", 10);
		}
	}
	g_strfreev(paths);
}

/* The hash is kept in the source cache (spcache.h) while no file or
 * directory under `dir` has changed: hashing lua/ and templates/ with
 * GLib's SHA-256 is some 1.8 million instructions, 6 % of a warm
 * 300-clause build; checking their stat fields, a few thousand. */
char *stamp_hash_tree(const char *dir)
{
	GChecksum *sum;
	spcache *sc = NULL;
	char *hex = NULL;
	int is_dir = util_is_dir(dir);

	/* No directory hashes as nothing: not cached, there is nothing to stat. */
	if (is_dir) {
		sc = spcache_new_value(dir, "tree-sha256");
		hex = spcache_load_value(sc);
	}
	if (hex == NULL) {
		sum = g_checksum_new(G_CHECKSUM_SHA256);
		if (is_dir)
			hash_tree(sum, sc, dir, dir);
		hex = g_strdup(g_checksum_get_string(sum));
		g_checksum_free(sum);
		spcache_save_value(sc, hex);
	}
	spcache_free(sc);
	return hex;
}

char *stamp_contract(const char *run, const char *source_hash, const char *contract_path,
                     cg_err *err)
{
	GChecksum *sum;
	char *buf = NULL, *hex;
	size_t len;

	if (!util_read_text(contract_path, CG_MAX_FILE_SIZE, &buf, &len, err))
		return NULL;
	sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(sum, (const guchar *)run, (gssize)strlen(run) + 1);
	g_checksum_update(sum, (const guchar *)source_hash, (gssize)strlen(source_hash) + 1);
	g_checksum_update(sum, (const guchar *)buf, (gssize)len);
	hex = g_strdup(g_checksum_get_string(sum));
	g_checksum_free(sum);
	g_free(buf);
	return hex;
}

int stamp_is_current(const char *dir, const char *stamp)
{
	char *path = g_build_filename(dir, STAMP_FILE, NULL);
	char *text = NULL;
	char **lines = NULL;
	int ok = 0;
	size_t i;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		goto out;
	lines = g_strsplit(text, "\n", -1);
	/* Line 1: the format; line 2: the hash; then "size name" per file. */
	if (lines[0] == NULL || strcmp(lines[0], "clausegen-inputs 1") != 0 || lines[1] == NULL ||
	    strcmp(lines[1], stamp) != 0)
		goto out;
	for (i = 2; lines[i] != NULL && lines[i][0] != '\0'; i++) {
		char *name = strchr(lines[i], ' ');
		char *file;
		struct stat st;
		int same;
		if (name == NULL)
			goto out;
		*name++ = '\0';
		if (strchr(name, '/') != NULL || strcmp(name, "..") == 0)
			goto out;
		file = g_build_filename(dir, name, NULL);
		same = lstat(file, &st) == 0 && S_ISREG(st.st_mode) &&
		       g_ascii_strtoull(lines[i], NULL, 10) == (guint64)st.st_size;
		g_free(file);
		if (!same)
			goto out;
	}
	ok = i > 2;
out:
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return ok;
}

int stamp_write(const char *dir, const char *stamp, cg_err *err)
{
	char **names = util_list_dir(dir, NULL, UTIL_LIST_FILES);
	GString *o = g_string_new("clausegen-inputs 1\n");
	size_t i;
	int ok;

	g_string_append_printf(o, "%s\n", stamp);
	for (i = 0; names[i] != NULL; i++) {
		struct stat st;
		char *base = g_path_get_basename(names[i]);
		if (lstat(names[i], &st) == 0)
			g_string_append_printf(o, "%lld %s\n", (long long)st.st_size, base);
		g_free(base);
	}
	ok = out_write_file(dir, STAMP_FILE, o->str, o->len, err);
	g_string_free(o, TRUE);
	g_strfreev(names);
	return ok;
}
