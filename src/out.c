#define _GNU_SOURCE
#include "out.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- test hooks ---- */

static struct {
	int loaded;
	char op[16];
	unsigned long nth, count;
	int errnum;
	long slow_ms;
} inj;

static int errno_named(const char *s)
{
	static const struct {
		const char *name;
		int num;
	} names[] = { { "ENOSPC", ENOSPC }, { "EROFS", EROFS }, { "EACCES", EACCES },
		      { "EIO", EIO },       { "EDQUOT", EDQUOT } };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].num;
	return atoi(s);
}

void out_test_inject(const char *op, unsigned long nth, int errnum)
{
	/* Off: the environment is read again at the next operation. */
	inj.loaded = op != NULL;
	inj.op[0] = '\0';
	if (op != NULL)
		g_strlcpy(inj.op, op, sizeof inj.op);
	inj.nth = nth;
	inj.count = 0;
	inj.errnum = errnum;
}

static void inject_load(void)
{
	const char *v;

	if (inj.loaded)
		return;
	inj.loaded = 1;
	v = getenv("CLAUSEGEN_TEST_INJECT");
	if (v != NULL) {
		char **f = g_strsplit(v, ":", 3);
		if (g_strv_length(f) == 3)
			out_test_inject(f[0], strtoul(f[1], NULL, 10), errno_named(f[2]));
		g_strfreev(f);
	}
	inj.loaded = 1;
	v = getenv("CLAUSEGEN_TEST_SLOW_MS");
	inj.slow_ms = v != NULL ? atol(v) : 0;
}

/* True (with errno set) when operation `op` is to fail this time. */
static int injected(const char *op)
{
	inject_load();
	if (inj.op[0] == '\0' || strcmp(inj.op, op) != 0)
		return 0;
	if (++inj.count != inj.nth)
		return 0;
	errno = inj.errnum;
	return 1;
}

static void slow_point(void)
{
	struct timespec ts;

	inject_load();
	if (inj.slow_ms <= 0)
		return;
	ts.tv_sec = inj.slow_ms / 1000;
	ts.tv_nsec = (inj.slow_ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- what is in flight, for the signal handler ----
 *
 * Staging directories and temporary files are registered from creation
 * until they are renamed into place or removed. The handler may run at
 * any moment, so the table is changed with the signals blocked, and the
 * handler itself uses only system calls. */

#define OUT_MAX_INFLIGHT 64

static struct {
	char *path;
	int is_dir;
} inflight[OUT_MAX_INFLIGHT];
static volatile sig_atomic_t ninflight;
static int handlers_on;
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

static void block_signals(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < G_N_ELEMENTS(cleanup_signals); i++)
		sigaddset(&set, cleanup_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Records a path the signal handler must remove; the caller has blocked
 * the cleanup signals since before the path was created, so that no
 * signal can fall between its creation and this record and leave it
 * behind. */
static void track(const char *path, int is_dir)
{
	if (ninflight < OUT_MAX_INFLIGHT) {
		inflight[ninflight].path = strdup(path);
		inflight[ninflight].is_dir = is_dir;
		if (inflight[ninflight].path != NULL)
			ninflight++;
	}
}

/* Creates the temporary `tmpl` (mkdtemp for a directory, else mkstemp;
 * `fault` names it for the injected failures) and records it, with the
 * cleanup signals held from before the creation to the record. Returns
 * the file's descriptor (0 for a directory), or -1 with errno set. */
static int create_tracked(char *tmpl, int is_dir, const char *fault)
{
	sigset_t old;
	int fd, e;

	block_signals(&old);
	if (injected(fault))
		fd = -1;
	else if (is_dir)
		fd = mkdtemp(tmpl) != NULL ? 0 : -1;
	else
		fd = mkstemp(tmpl);
	e = errno;
	if (fd >= 0)
		track(tmpl, is_dir);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return fd;
}

static void untrack(const char *path)
{
	sigset_t old;
	int i;

	block_signals(&old);
	for (i = ninflight - 1; i >= 0; i--)
		if (strcmp(inflight[i].path, path) == 0) {
			free(inflight[i].path);
			inflight[i] = inflight[ninflight - 1];
			ninflight--;
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Removes the directory open as `fd` with everything below it, using only
 * system calls (getdents64, unlinkat, openat): safe in a signal handler.
 * Depth is bounded; staging trees are shallow. */
static void rm_under(int fd, int depth)
{
	char buf[4096];
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		long off = 0;
		while (off < n) {
			struct {
				unsigned long long ino;
				long long off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)(buf + off);
			off += d->reclen;
			if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0)
				continue;
			if (unlinkat(fd, d->name, 0) == 0 || errno != EISDIR)
				continue;
			if (depth < 8) {
				int sub = openat(fd, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
				if (sub >= 0) {
					rm_under(sub, depth + 1);
					close(sub);
				}
			}
			unlinkat(fd, d->name, AT_REMOVEDIR);
		}
	}
}

void out_cleanup_inflight(void)
{
	int i, saved = errno;

	for (i = ninflight - 1; i >= 0; i--) {
		if (inflight[i].is_dir) {
			int fd = open(inflight[i].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
			if (fd >= 0) {
				rm_under(fd, 0);
				close(fd);
			}
			rmdir(inflight[i].path);
		} else {
			unlink(inflight[i].path);
		}
	}
	errno = saved;
}

/* Forked workers to pass a signal on to; changed with the signals held
 * off, read by the handler. */
#define OUT_MAX_CHILDREN 256
static pid_t children[OUT_MAX_CHILDREN];
static volatile sig_atomic_t nchildren;

void out_watch_child(pid_t pid)
{
	sigset_t old;

	block_signals(&old);
	if (nchildren < OUT_MAX_CHILDREN)
		children[nchildren++] = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int out_reap_child(pid_t pid)
{
	sigset_t old;
	int i, st = 0;

	/* The child is exiting (its pipe is closed): the wait is short, and a
	 * signal meanwhile is handled right after, with the pid forgotten. */
	block_signals(&old);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	for (i = 0; i < nchildren; i++)
		if (children[i] == pid) {
			children[i] = children[--nchildren];
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return st;
}

void out_forget_children(void)
{
	nchildren = 0;
}

/* The thread that installed the handlers (the program's main thread, and
 * in a forked worker the same), and the handlers' settings. */
static pthread_t main_thread;
static struct sigaction cleanup_sa;

static void on_signal(int sig)
{
	int i;

	/* Threads a library starts (pango's and fontconfig's, while a PDF is
	 * drawn) inherit the signals unblocked and may take one. Only the main
	 * thread creates files in the staging directories, with the signals
	 * held off around each creation: the cleanup must run there, or the
	 * main thread could create a file in a directory being removed and
	 * leave it behind. So the signal is handed to the main thread, with
	 * the handler put back (SA_RESETHAND removed it). sigaction and
	 * pthread_kill are async-signal-safe. */
	if (!pthread_equal(pthread_self(), main_thread)) {
		sigaction(sig, &cleanup_sa, NULL);
		pthread_kill(main_thread, sig);
		return;
	}
	/* The workers first, so that they clean up beside us; a broken pipe
	 * of ours is no reason for theirs, but they are to stop all the same. */
	for (i = 0; i < nchildren; i++)
		kill(children[i], sig == SIGPIPE ? SIGTERM : sig);
	out_cleanup_inflight();
	/* SA_RESETHAND restored the default action; the signal is blocked
	 * while we run and kills the process as soon as we return. */
	raise(sig);
}

void out_install_signal_cleanup(void)
{
	struct sigaction sa;
	size_t i;

	if (handlers_on)
		return;
	handlers_on = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < G_N_ELEMENTS(cleanup_signals); i++)
		sigaddset(&sa.sa_mask, cleanup_signals[i]);
	main_thread = pthread_self();
	cleanup_sa = sa;
	for (i = 0; i < G_N_ELEMENTS(cleanup_signals); i++) {
		struct sigaction old;
		/* A signal the caller chose to ignore (nohup) stays ignored. */
		if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(cleanup_signals[i], &sa, NULL);
	}
}

/* ---- directories and files ---- */

int out_mkdirs(const char *dir, cg_err *err)
{
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		cg_err_set(err, CG_ESYS, dir, 0, 0, "cannot create directory: %s", strerror(errno));
		return 0;
	}
	return 1;
}

/* The output directory and the contract's directory in it are written
 * through, renamed and removed: a symbolic link in either place would send
 * that elsewhere (a link planted at output/<id> pointing at a directory
 * someone else owns), so both must be real directories or absent. */
static int check_not_link(const char *path, const char *what, cg_err *err)
{
	struct stat st;

	if (lstat(path, &st) != 0 || S_ISDIR(st.st_mode))
		return 1;
	if (S_ISLNK(st.st_mode)) {
		char *to = g_file_read_link(path, NULL);
		cg_err_set(err, CG_ESYS, path, 0, 0,
		           "%s is a symbolic link%s%s; refusing to write through it (give the real "
		           "directory instead)",
		           what, to ? " to " : "", to ? to : "");
		g_free(to);
	} else {
		cg_err_set(err, CG_ESYS, path, 0, 0,
		           "%s exists and is not a directory; refusing to replace it", what);
	}
	return 0;
}

char *out_stage_dir(const char *final_dir, cg_err *err)
{
	char *parent = g_path_get_dirname(final_dir);
	char *base = g_path_get_basename(final_dir);
	char *tmpl = NULL;

	/* final_dir is output/<id> with a checked id; never stage anything
	 * that would not be one entry of the output directory. */
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strchr(base, '/') != NULL) {
		cg_err_set(err, CG_EINPUT, final_dir, 0, 0,
		           "not a directory name inside the output directory");
		goto out;
	}
	if (!check_not_link(parent, "the output directory", err) ||
	    !check_not_link(final_dir, "the output", err))
		goto out;
	tmpl = g_strdup_printf("%s/.%s.tmp-XXXXXX", parent, base);
	if (create_tracked(tmpl, 1, "stage") < 0) {
		cg_err_set(err, CG_ESYS, final_dir, 0, 0, "cannot create a staging directory: %s",
		           strerror(errno));
		g_free(tmpl);
		tmpl = NULL;
	}
out:
	g_free(parent);
	g_free(base);
	return tmpl;
}

/* True when `dir` is in a staging directory of ours, not yet in place. */
static int is_stage(const char *dir)
{
	int i;

	for (i = 0; i < ninflight; i++) {
		size_t n = strlen(inflight[i].path);
		if (inflight[i].is_dir && strncmp(inflight[i].path, dir, n) == 0 &&
		    (dir[n] == '\0' || dir[n] == '/'))
			return 1;
	}
	return 0;
}

int out_write_file(const char *dir, const char *name, const char *data, size_t len,
                   cg_err *err)
{
	char *path = g_build_filename(dir, name, NULL), *tmp = NULL;
	int fd = -1, ok = 0, opened, staged = is_stage(dir);
	size_t done = 0;

	/* A staging directory is ours alone (mkdtemp: mode 0700) and goes
	 * whole when anything fails or a signal comes, so its files are
	 * created under their own names. Anywhere else a file is written under
	 * a temporary name and renamed over the old one once complete. */
	if (staged) {
		fd = injected("create") ? -1
		                        : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		                               0644);
	} else {
		tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, name);
		fd = create_tracked(tmp, 0, "create");
		if (fd < 0) {
			g_free(tmp);
			tmp = NULL;
		}
	}
	opened = fd >= 0;
	if (fd < 0) {
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t w = injected("write") ? -1 : write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			cg_err_set(err, CG_ESYS, path, 0, 0, "cannot write: %s", strerror(errno));
			goto out;
		}
		done += (size_t)w;
	}
	/* Files are for reading by everyone who may print them. A file in a
	 * staging directory is flushed with all the others when the directory
	 * is committed (one syncfs instead of one fsync per file: the disk
	 * waits were half of a batch build); anything else now. The staged
	 * file's write-back is started here, so that the disk works while the
	 * next document is rendered and the commit waits less. */
	if (staged)
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (fchmod(fd, 0644) != 0 || (!staged && (injected("fsync") || fsync(fd) != 0))) {
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot flush: %s", strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot close: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (tmp != NULL && (injected("rename") || rename(tmp, path) != 0)) {
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot rename into place: %s", strerror(errno));
		goto out;
	}
	ok = 1;
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		if (!ok)
			unlink(tmp);
		untrack(tmp);
	} else if (!ok && opened) {
		unlink(path);
	}
	g_free(tmp);
	g_free(path);
	if (ok)
		slow_point();
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
	if (dir == NULL)
		return;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	untrack(dir);
}

/* Everything written into `stage` reaches the disk before the stage is
 * renamed into place, so a crash shows the old output or the new, never
 * new names over unwritten data. */
static int sync_stage(const char *stage, const char *final_dir, cg_err *err)
{
	int fd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ok = fd >= 0 && !injected("fsync") && syncfs(fd) == 0;

	if (!ok)
		cg_err_set(err, CG_ESYS, final_dir, 0, 0, "cannot flush: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

int out_commit_dir(const char *stage, const char *final_dir, cg_err *err)
{
	struct stat st;
	sigset_t old;
	char *aside;
	int ok = 0;

	if (!sync_stage(stage, final_dir, err))
		return 0;
	if (lstat(final_dir, &st) != 0) {
		if (injected("rename") || rename(stage, final_dir) != 0) {
			cg_err_set(err, CG_ESYS, final_dir, 0, 0, "cannot move output into place: %s",
			           strerror(errno));
			return 0;
		}
		untrack(stage);
		return 1;
	}
	if (!check_not_link(final_dir, "the output", err))
		return 0;
	/* Swap in one step: readers see the old or the new output, never a
	 * missing or mixed one. The stage then holds the old output, which the
	 * signal handler may remove as well as we do. */
	if (injected("rename")) {
		cg_err_set(err, CG_ESYS, final_dir, 0, 0, "cannot replace output: %s", strerror(errno));
		return 0;
	}
	if (renameat2(AT_FDCWD, stage, AT_FDCWD, final_dir, RENAME_EXCHANGE) == 0) {
		out_remove_tree(stage);
		return 1;
	}
	/* File systems without RENAME_EXCHANGE: move the old one aside first,
	 * with the cleanup signals held off so that no moment without an
	 * output at final_dir is left behind. */
	aside = g_strconcat(stage, ".old", NULL);
	block_signals(&old);
	if (rename(final_dir, aside) != 0 || rename(stage, final_dir) != 0) {
		cg_err_set(err, CG_ESYS, final_dir, 0, 0, "cannot replace output: %s",
		           strerror(errno));
		if (access(final_dir, F_OK) != 0)
			rename(aside, final_dir);
	} else {
		untrack(stage);
		ok = 1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ok)
		out_remove_tree(aside);
	g_free(aside);
	return ok;
}
