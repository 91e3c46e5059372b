#define _GNU_SOURCE
#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int out_mkdirs(const char *dir, cg_err *err)
{
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		cg_err_set(err, CG_ESYS, dir, 0, 0, "cannot create directory: %s", strerror(errno));
		return 0;
	}
	return 1;
}

char *out_stage_dir(const char *final_dir, cg_err *err)
{
	char *parent = g_path_get_dirname(final_dir);
	char *base = g_path_get_basename(final_dir);
	char *tmpl = g_strdup_printf("%s/.%s.tmp-XXXXXX", parent, base);

	g_free(parent);
	g_free(base);
	if (mkdtemp(tmpl) == NULL) {
		cg_err_set(err, CG_ESYS, final_dir, 0, 0, "cannot create a staging directory: %s",
		           strerror(errno));
		g_free(tmpl);
		return NULL;
	}
	return tmpl;
}

int out_write_file(const char *dir, const char *name, const char *data, size_t len,
                   cg_err *err)
{
	char *path = g_build_filename(dir, name, NULL);
	char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, name);
	int fd = -1, ok = 0;
	size_t done = 0;

	fd = mkstemp(tmp);
	if (fd < 0) {
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			cg_err_set(err, CG_ESYS, path, 0, 0, "cannot write: %s", strerror(errno));
			goto out;
		}
		done += (size_t)w;
	}
	/* Files are for reading by everyone who may print them. */
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot flush: %s", strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot close: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot rename into place: %s", strerror(errno));
		goto out;
	}
	ok = 1;
out:
	if (fd >= 0)
		close(fd);
	if (!ok)
		unlink(tmp);
	g_free(tmp);
	g_free(path);
	return ok;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void out_remove_tree(const char *dir)
{
	if (dir != NULL)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int out_commit_dir(const char *stage, const char *final_dir, cg_err *err)
{
	struct stat st;
	char *aside;

	if (lstat(final_dir, &st) != 0) {
		if (rename(stage, final_dir) == 0)
			return 1;
		cg_err_set(err, CG_ESYS, final_dir, 0, 0, "cannot move output into place: %s",
		           strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		cg_err_set(err, CG_ESYS, final_dir, 0, 0,
		           "exists and is not a directory; refusing to replace it");
		return 0;
	}
	/* Swap in one step: readers see the old or the new output, never a
	 * missing or mixed one. */
	if (renameat2(AT_FDCWD, stage, AT_FDCWD, final_dir, RENAME_EXCHANGE) == 0) {
		out_remove_tree(stage);
		return 1;
	}
	/* File systems without RENAME_EXCHANGE: move the old one aside first. */
	aside = g_strconcat(stage, ".old", NULL);
	if (rename(final_dir, aside) != 0 || rename(stage, final_dir) != 0) {
		cg_err_set(err, CG_ESYS, final_dir, 0, 0, "cannot replace output: %s",
		           strerror(errno));
		if (access(final_dir, F_OK) != 0)
			rename(aside, final_dir);
		g_free(aside);
		return 0;
	}
	out_remove_tree(aside);
	g_free(aside);
	return 1;
}
