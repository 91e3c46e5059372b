/* batch.c: forked workers for batch builds, and the progress bar. */
#include "batch.h"

#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "util.h"

/* One finished job on a worker's pipe: this header, then the log and the
 * error text. Each worker has its own pipe, so records never interleave. */
typedef struct {
	uint64_t index;
	int32_t status;
	int32_t skipped;
	uint32_t loglen;
	uint32_t errlen;
} rec_hdr;

static void result_clear(batch_result *r)
{
	g_free(r->log);
	g_free(r->error);
	memset(r, 0, sizeof *r);
}

#ifdef CLAUSEGEN_COVERAGE
/* A worker's counts would be lost with _exit (tests/coverage.sh defines
 * CLAUSEGEN_COVERAGE; a weak reference would not pull libgcov's dump in). */
extern void __gcov_dump(void);
#endif

static void worker_exit(int code)
{
#ifdef CLAUSEGEN_COVERAGE
	__gcov_dump();
#endif
	_exit(code);
}

/* The worker: takes the next job number from the shared counter (so a slow
 * contract does not hold up a fixed share of the others) until none is left. */
static void worker(size_t n, size_t *next, int fd, batch_job_fn job, void *ud)
{
	for (;;) {
		size_t i = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
		batch_result res = { 0 };
		rec_hdr h;
		if (i >= n)
			break;
		job(i, ud, &res);
		memset(&h, 0, sizeof h);
		h.index = i;
		h.status = res.status;
		h.skipped = res.skipped;
		h.loglen = res.log ? (uint32_t)strlen(res.log) : 0;
		h.errlen = res.error ? (uint32_t)strlen(res.error) : 0;
		if (!util_write_all(fd, &h, sizeof h) ||
		    !util_write_all(fd, res.log ? res.log : "", h.loglen) ||
		    !util_write_all(fd, res.error ? res.error : "", h.errlen))
			worker_exit(3);
		result_clear(&res);
	}
}

typedef struct {
	pid_t pid;
	int fd;          /* read end; -1 once at EOF */
	GByteArray *buf; /* bytes read but not yet a whole record */
} wk;

/* Hands every whole record in `w->buf` to `done`. */
static void drain(wk *w, unsigned char *seen, size_t n, batch_done_fn done, void *ud)
{
	size_t off = 0;

	while (w->buf->len - off >= sizeof(rec_hdr)) {
		rec_hdr h;
		batch_result res = { 0 };
		memcpy(&h, w->buf->data + off, sizeof h);
		if (w->buf->len - off - sizeof h < (size_t)h.loglen + h.errlen)
			break;
		off += sizeof h;
		res.status = h.status;
		res.skipped = h.skipped;
		res.log = h.loglen ? g_strndup((char *)w->buf->data + off, h.loglen) : NULL;
		off += h.loglen;
		res.error = h.errlen ? g_strndup((char *)w->buf->data + off, h.errlen) : NULL;
		off += h.errlen;
		if (h.index < n && !seen[h.index]) {
			seen[h.index] = 1;
			done((size_t)h.index, &res, ud);
		}
		result_clear(&res);
	}
	g_byte_array_remove_range(w->buf, 0, (guint)off);
}

static int run_here(size_t n, batch_job_fn job, void *job_ud, batch_done_fn done, void *done_ud)
{
	size_t i;

	for (i = 0; i < n; i++) {
		batch_result res = { 0 };
		job(i, job_ud, &res);
		done(i, &res, done_ud);
		result_clear(&res);
	}
	return 1;
}

int batch_run(size_t n, int jobs, batch_job_fn job, void *job_ud, batch_done_fn done,
              void *done_ud, cg_err *err)
{
	size_t nw, k, i, open = 0;
	size_t *next;
	wk *w;
	unsigned char *seen;
	struct pollfd *pfd;
	int lost_signal = 0, ok = 1;

	if (jobs <= 1 || n <= 1)
		return run_here(n, job, job_ud, done, done_ud);
	nw = (size_t)jobs < n ? (size_t)jobs : n;
	next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (next == MAP_FAILED) {
		cg_err_set(err, CG_ESYS, NULL, 0, 0, "cannot share the job counter: %s",
		           g_strerror(errno));
		return 0;
	}
	*next = 0;
	w = g_new0(wk, nw);
	fflush(NULL); /* nothing buffered may be written twice by the children */
	for (k = 0; k < nw; k++) {
		int fds[2];
		if (pipe(fds) != 0) {
			cg_err_set(err, CG_ESYS, NULL, 0, 0, "cannot start worker: %s", g_strerror(errno));
			ok = 0;
			break;
		}
		w[k].pid = fork();
		if (w[k].pid < 0) {
			cg_err_set(err, CG_ESYS, NULL, 0, 0, "cannot start worker: %s", g_strerror(errno));
			close(fds[0]);
			close(fds[1]);
			ok = 0;
			break;
		}
		if (w[k].pid == 0) {
			size_t j;
			out_forget_children();
			close(fds[0]);
			for (j = 0; j < k; j++)
				close(w[j].fd);
			worker(n, next, fds[1], job, job_ud);
			/* _exit: the parent's stdio buffers and atexit handlers are
			 * the parent's business. */
			worker_exit(0);
		}
		/* Between fork and here a signal to us is not passed on: the
		 * worker has not yet started a contract. */
		out_watch_child(w[k].pid);
		close(fds[1]);
		w[k].fd = fds[0];
		w[k].buf = g_byte_array_new();
		open++;
	}
	nw = k;
	seen = g_malloc0(n);
	pfd = g_new0(struct pollfd, nw);
	while (open > 0) {
		for (k = 0; k < nw; k++) {
			pfd[k].fd = w[k].fd;
			pfd[k].events = POLLIN;
			pfd[k].revents = 0;
		}
		if (poll(pfd, nw, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (k = 0; k < nw; k++) {
			unsigned char chunk[65536];
			ssize_t r;
			if (w[k].fd < 0 || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(w[k].fd, chunk, sizeof chunk);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				close(w[k].fd);
				w[k].fd = -1;
				open--;
				continue;
			}
			g_byte_array_append(w[k].buf, chunk, (guint)r);
			drain(&w[k], seen, n, done, done_ud);
		}
	}
	for (k = 0; k < nw; k++) {
		int st;
		if (w[k].fd >= 0)
			close(w[k].fd);
		st = out_reap_child(w[k].pid);
		if (WIFSIGNALED(st))
			lost_signal = WTERMSIG(st);
		g_byte_array_free(w[k].buf, TRUE);
	}
	/* Jobs no worker reported: their worker died under them (or never
	 * started). They fail; the others stand. */
	for (i = 0; i < n && ok; i++) {
		if (!seen[i]) {
			batch_result res = { 0 };
			res.status = 3;
			res.lost = 1;
			if (lost_signal)
				res.error = g_strdup_printf("the worker process died (%s) before finishing it",
				                            g_strsignal(lost_signal));
			else
				res.error = g_strdup("the worker process stopped before finishing it");
			done(i, &res, done_ud);
			result_clear(&res);
		}
	}
	g_free(pfd);
	g_free(seen);
	g_free(w);
	munmap(next, sizeof *next);
	return ok;
}

/* ---- progress ---- */

struct batch_progress {
	FILE *fp;
	int tty;
	size_t total, done;
	int failed, skipped;
	gint64 last;   /* monotonic µs of the last redraw */
};

batch_progress *batch_progress_new(FILE *fp, size_t total)
{
	batch_progress *p = g_new0(batch_progress, 1);

	p->fp = fp;
	p->tty = isatty(fileno(fp));
	p->total = total;
	return p;
}

static void bar(batch_progress *p)
{
	enum { W = 30 };
	char cells[W + 1];
	size_t fill = p->total ? p->done * W / p->total : W, i;

	for (i = 0; i < W; i++)
		cells[i] = i < fill ? '#' : '.';
	cells[W] = '\0';
	fprintf(p->fp, "\r\033[K[%s] %zu/%zu", cells, p->done, p->total);
	if (p->skipped)
		fprintf(p->fp, "  %d up to date", p->skipped);
	if (p->failed)
		fprintf(p->fp, "  %d failed", p->failed);
	fflush(p->fp);
	p->last = g_get_monotonic_time();
}

void batch_progress_print(batch_progress *p, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return;
	if (p->tty)
		fputs("\r\033[K", p->fp);
	fputs(text, p->fp);
	if (p->tty)
		bar(p);
}

void batch_progress_step(batch_progress *p, int failed, int skipped)
{
	p->done++;
	p->failed += failed != 0;
	p->skipped += skipped != 0;
	/* Redrawing ten thousand times costs more than building; ten times a
	 * second is enough for a person. */
	if (p->tty && (p->done == p->total || g_get_monotonic_time() - p->last > 100000))
		bar(p);
}

void batch_progress_free(batch_progress *p)
{
	if (p == NULL)
		return;
	if (p->tty) {
		fputs("\r\033[K", p->fp);
		fflush(p->fp);
	}
	g_free(p);
}
