/* check_batch.c: batch builds: forked workers (batch.c), build -j giving the
 * same bytes as one process, failures listed last with exit 1, and
 * incremental builds that skip exactly the contracts whose inputs did not
 * change (stamp.c). */
#define _GNU_SOURCE /* posix_openpt, ptsname */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "stamp.h"
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

/* ---- batch_run ---- */

typedef struct {
	size_t n;
	int *calls;       /* done() calls per job */
	int *status;
	char **log;
	pid_t parent;
	size_t crash_at;  /* job whose worker kills itself; n for none */
} jobs_t;

static void job(size_t i, void *ud, batch_result *res)
{
	jobs_t *j = ud;

	if (i == j->crash_at && getpid() != j->parent)
		raise(SIGKILL);
	res->status = i % 7 == 3 ? 1 : 0;
	res->skipped = i % 5 == 0;
	res->log = g_strdup_printf("job %zu in %s\n", i, getpid() == j->parent ? "parent" : "worker");
	if (res->status)
		res->error = g_strdup_printf("e%zu\n", i);
}

static void done(size_t i, const batch_result *res, void *ud)
{
	jobs_t *j = ud;

	ck_assert_uint_lt(i, j->n);
	j->calls[i]++;
	j->status[i] = res->status;
	/* Only the job its worker died under is marked lost. */
	ck_assert_int_eq(res->lost, i == j->crash_at);
	g_free(j->log[i]);
	j->log[i] = g_strdup(res->error ? res->error : res->log);
	if (res->status == 0)
		ck_assert_int_eq(res->skipped, i % 5 == 0);
}

static void run_jobs(size_t n, int workers, size_t crash_at, jobs_t *j)
{
	cg_err e = { 0 };

	j->n = n;
	j->calls = g_new0(int, n);
	j->status = g_new0(int, n);
	j->log = g_new0(char *, n + 1);
	j->parent = getpid();
	j->crash_at = crash_at;
	ck_assert(batch_run(n, workers, job, j, done, j, &e));
}

static void jobs_free(jobs_t *j)
{
	g_free(j->calls);
	g_free(j->status);
	g_strfreev(j->log);
}

START_TEST(every_job_reported_once_with_its_result)
{
	static const int workers[] = { 1, 2, 3, 8 };
	size_t w, i;

	for (w = 0; w < G_N_ELEMENTS(workers); w++) {
		jobs_t j;
		run_jobs(57, workers[w], 57, &j);
		for (i = 0; i < 57; i++) {
			char *want = i % 7 == 3 ? g_strdup_printf("e%zu\n", i)
			                        : g_strdup_printf("job %zu in %s\n", i,
			                                          workers[w] == 1 ? "parent" : "worker");
			ck_assert_int_eq(j.calls[i], 1);
			ck_assert_int_eq(j.status[i], i % 7 == 3);
			ck_assert_str_eq(j.log[i], want);
			g_free(want);
		}
		jobs_free(&j);
	}
}
END_TEST

START_TEST(a_dead_worker_fails_only_its_job)
{
	jobs_t j;
	size_t i;

	run_jobs(40, 2, 17, &j);
	for (i = 0; i < 40; i++) {
		ck_assert_int_eq(j.calls[i], 1);
		if (i == 17) {
			ck_assert_int_eq(j.status[i], 3);
			ck_assert_ptr_nonnull(strstr(j.log[i], "worker process died"));
		} else {
			ck_assert_int_eq(j.status[i], i % 7 == 3);
		}
	}
	jobs_free(&j);
}
END_TEST

/* ---- build -j ---- */

static char *read_all(const char *path)
{
	char *s = NULL;

	ck_assert_msg(g_file_get_contents(path, &s, NULL, NULL), "cannot read %s", path);
	return s;
}

/* Both trees hold the same files with the same bytes. */
static void assert_same_tree(const char *a, const char *b)
{
	GDir *d = g_dir_open(a, 0, NULL);
	const char *name;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		char *pa = g_build_filename(a, name, NULL), *pb = g_build_filename(b, name, NULL);
		if (g_file_test(pa, G_FILE_TEST_IS_DIR)) {
			assert_same_tree(pa, pb);
		} else {
			char *x = read_all(pa), *y = read_all(pb);
			ck_assert_msg(strcmp(x, y) == 0, "%s and %s differ", pa, pb);
			g_free(x);
			g_free(y);
		}
		n++;
		g_free(pa);
		g_free(pb);
	}
	g_dir_close(d);
	ck_assert_int_eq(n, tu_count_entries(b));
}

START_TEST(parallel_build_gives_the_same_bytes)
{
	char *one = g_build_filename(tmp, "one", NULL), *two = g_build_filename(tmp, "two", NULL);
	tu_run r;

	g_setenv("SOURCE_DATE_EPOCH", "1767225600", TRUE);
	r = tu_cli("build", "-o", one, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	/* Options may follow the files, as in `build DIR/x.yaml ... -o OUT`. */
	r = tu_cli("build", "specs/contracts", "-j", "3", "-o", two, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "10 contracts: 10 built, 0 up to date, 0 failed"));
	tu_run_free(&r);
	ck_assert_int_eq(tu_count_entries(one), 10);
	assert_same_tree(one, two);
	g_unsetenv("SOURCE_DATE_EPOCH");
	g_free(one);
	g_free(two);
}
END_TEST

#define HEAD "title: t\nsource: shinagawa\nvendor: v\n"

START_TEST(failures_listed_last_with_exit_1)
{
	char *dir = g_build_filename(tmp, "c", NULL), *out = g_build_filename(tmp, "out", NULL);
	char *good = g_build_filename(out, "good-1", NULL);
	const char *last;
	int k;

	for (k = 0; k < 12; k++) {
		char *name = g_strdup_printf("good-%d.yaml", k);
		char *text = g_strdup_printf("id: good-%d\n" HEAD "category: dc\nclass: I\n", k);
		g_free(tu_write(dir, name, text));
		g_free(name);
		g_free(text);
	}
	g_free(tu_write(dir, "bad-a.yaml", "id: bad-a\n" HEAD "category: dcc\nclass: I\n"));
	g_free(tu_write(dir, "zz-dup.yaml", "id: good-3\n" HEAD "category: dc\nclass: II\n"));
	for (k = 1; k <= 2; k++) {
		char *jobs = g_strdup_printf("%d", k * 2);
		tu_run r = tu_cli("build", "-j", jobs, "-o", out, dir, NULL);
		ck_assert_int_eq(r.status, 1);
		/* Errors come after every "built" line, in file order. */
		last = strstr(r.err, "bad-a.yaml:5:11: error: unknown category 'dcc'");
		ck_assert_ptr_nonnull(last);
		ck_assert_ptr_null(strstr(last, "built "));
		ck_assert_ptr_nonnull(strstr(last, "zz-dup.yaml:1:5: error: contract id 'good-3' is also used by"));
		ck_assert_ptr_nonnull(strstr(r.err, "2 contracts failed"));
		ck_assert_ptr_nonnull(strstr(r.err, k == 1 ? "14 contracts: 12 built, 0 up to date, 2 failed"
		                                          : "14 contracts: 0 built, 12 up to date, 2 failed"));
		ck_assert_int_eq(tu_count_entries(out), 12);
		/* 7 text outputs and stamp, spec.pdf, annex.pdf, 3 checklists */
		ck_assert_int_eq(tu_count_entries(good), 12);
		tu_run_free(&r);
		g_free(jobs);
	}
	g_free(good);
	g_free(dir);
	g_free(out);
}
END_TEST

START_TEST(bad_options)
{
	static const char *const bad[][2] = {
		{ "-j", "0" }, { "-j", "x" }, { "--jobs", "999" }, { "--formats", "pdf,doc" },
		{ "--formats", "" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		tu_run r = tu_cli("build", bad[i][0], bad[i][1], "-o", tmp, NULL);
		ck_assert_msg(r.status == 2, "%s %s: exit %d", bad[i][0], bad[i][1], r.status);
		tu_run_free(&r);
	}
	{
		tu_run r = tu_cli("build", "-o", tmp, tmp, NULL);
		ck_assert_int_eq(r.status, 2);
		ck_assert_ptr_nonnull(strstr(r.err, "no contract files (*.yaml) in"));
		tu_run_free(&r);
	}
	{
		tu_run r = tu_cli("select", "-j", "2", NULL);
		ck_assert_int_eq(r.status, 2);
		ck_assert_ptr_nonnull(strstr(r.err, "option '-j' is not used by 'select'"));
		tu_run_free(&r);
	}
}
END_TEST

START_TEST(formats_limit_the_documents)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *dir = g_build_filename(out, "shinagawa-dc-kikan", NULL);
	char *md = g_build_filename(dir, "annex.md", NULL);
	char *html = g_build_filename(dir, "annex.html", NULL);
	tu_run r = tu_cli("build", "--formats", "html", "-o", out,
	                  "specs/contracts/shinagawa-dc-kikan.yaml", NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(g_file_test(html, G_FILE_TEST_EXISTS));
	ck_assert(!g_file_test(md, G_FILE_TEST_EXISTS));
	tu_run_free(&r);
	/* Another choice of formats is another build, not "up to date". */
	r = tu_cli("build", "--formats", "md,html", "-o", out,
	           "specs/contracts/shinagawa-dc-kikan.yaml", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(g_file_test(md, G_FILE_TEST_EXISTS));
	tu_run_free(&r);
	g_free(md);
	g_free(html);
	g_free(dir);
	g_free(out);
}
END_TEST

/* ---- incremental ---- */

typedef struct {
	char *root, *out;
} tree;

static void tree_init(tree *t)
{
	t->root = tu_copy_root(tmp, 1);
	t->out = g_build_filename(tmp, "out", NULL);
}

static void tree_free(tree *t)
{
	g_free(t->root);
	g_free(t->out);
}

/* Builds and checks the summary line. */
static void build_expect(tree *t, const char *force, const char *summary)
{
	/* HTML and Markdown only: what is skipped or rebuilt does not depend
	 * on the formats, and eight builds of every PDF would make this suite
	 * slow under valgrind. */
	tu_run r = force ? tu_cli("build", "--formats", "html,md", "--root", t->root, "-o", t->out,
	                          force, NULL)
	                 : tu_cli("build", "--formats", "html,md", "--root", t->root, "-o", t->out,
	                          NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.err, summary) != NULL, "want '%s' in:\n%s", summary, r.err);
	tu_run_free(&r);
}

static void append(const char *root, const char *rel, const char *text)
{
	char *path = g_build_filename(root, rel, NULL);
	char *old = read_all(path);
	char *new = g_strconcat(old, text, NULL);

	ck_assert(g_file_set_contents(path, new, -1, NULL));
	g_free(new);
	g_free(old);
	g_free(path);
}

START_TEST(unchanged_contracts_are_not_rebuilt)
{
	tree t;
	char *annex, *stamp;

	g_setenv("SOURCE_DATE_EPOCH", "1767225600", TRUE);
	tree_init(&t);
	build_expect(&t, NULL, "10 contracts: 10 built, 0 up to date, 0 failed");
	build_expect(&t, NULL, "10 contracts: 0 built, 10 up to date, 0 failed");
	/* The contract file. */
	append(t.root, "specs/contracts/nisc-asp-yoyaku.yaml", "# 変更\n");
	build_expect(&t, NULL, "10 contracts: 1 built, 9 up to date, 0 failed");
	/* A source: only its contracts. */
	append(t.root, "specs/nisc/clauses/nisc-01.md", "\n追記。\n");
	build_expect(&t, NULL, "10 contracts: 2 built, 8 up to date, 0 failed");
	/* A script or a template: every contract. */
	append(t.root, "lua/select.lua", "\n-- comment\n");
	build_expect(&t, NULL, "10 contracts: 10 built, 0 up to date, 0 failed");
	append(t.root, "templates/annex.md", "\n");
	build_expect(&t, NULL, "10 contracts: 10 built, 0 up to date, 0 failed");
	/* An output file lost or changed in size. */
	annex = g_build_filename(t.out, "shinagawa-dc-kikan", "annex.html", NULL);
	ck_assert_int_eq(unlink(annex), 0);
	build_expect(&t, NULL, "10 contracts: 1 built, 9 up to date, 0 failed");
	ck_assert(g_file_test(annex, G_FILE_TEST_EXISTS));
	append(t.out, "shinagawa-dc-kikan/annex.html", "x");
	build_expect(&t, NULL, "10 contracts: 1 built, 9 up to date, 0 failed");
	/* Another date is another document. */
	g_setenv("SOURCE_DATE_EPOCH", "1767312000", TRUE);
	build_expect(&t, NULL, "10 contracts: 10 built, 0 up to date, 0 failed");
	/* --force rebuilds all; a damaged stamp is not trusted. */
	build_expect(&t, "--force", "10 contracts: 10 built, 0 up to date, 0 failed");
	stamp = g_build_filename(t.out, "nisc-build-kyoyu", STAMP_FILE, NULL);
	ck_assert(g_file_set_contents(stamp, "clausegen-inputs 1\nxyz\n", -1, NULL));
	build_expect(&t, NULL, "10 contracts: 1 built, 9 up to date, 0 failed");
	g_unsetenv("SOURCE_DATE_EPOCH");
	g_free(stamp);
	g_free(annex);
	tree_free(&t);
}
END_TEST

START_TEST(stamp_lists_the_built_files)
{
	char *dir = g_build_filename(tmp, "d", NULL);
	cg_err e = { 0 };
	char *text;
	char *stampfile = g_build_filename(dir, STAMP_FILE, NULL);

	g_free(tu_write(dir, "a.html", "12345"));
	g_free(tu_write(dir, "b.md", ""));
	ck_assert(!stamp_is_current(dir, "h1"));
	ck_assert(stamp_write(dir, "h1", &e));
	text = read_all(stampfile);
	ck_assert_str_eq(text, "clausegen-inputs 1\nh1\n5 a.html\n0 b.md\n");
	ck_assert(stamp_is_current(dir, "h1"));
	ck_assert(!stamp_is_current(dir, "h2"));
	/* A stamp naming a path outside its directory is not trusted. */
	ck_assert(g_file_set_contents(stampfile, "clausegen-inputs 1\nh1\n5 ../a.html\n", -1, NULL));
	ck_assert(!stamp_is_current(dir, "h1"));
	g_free(text);
	g_free(stampfile);
	g_free(dir);
}
END_TEST

START_TEST(tree_hash_follows_content_and_names)
{
	char *dir = g_build_filename(tmp, "t", NULL), *h1, *h2, *h3, *h4;

	g_free(tu_write(dir, "a/x.txt", "1"));
	h1 = stamp_hash_tree(dir);
	g_free(tu_write(dir, "a/x.txt", "2"));
	h2 = stamp_hash_tree(dir);
	g_free(tu_write(dir, "a/.x.txt.swp", "junk"));
	h3 = stamp_hash_tree(dir);
	g_free(tu_write(dir, "b/x.txt", "2"));
	h4 = stamp_hash_tree(dir);
	ck_assert_str_ne(h1, h2);
	ck_assert_str_eq(h2, h3);
	ck_assert_str_ne(h3, h4);
	g_free(h1);
	g_free(h2);
	g_free(h3);
	g_free(h4);
	g_free(dir);
}
END_TEST

/* On a terminal the bar is redrawn in place and the job logs print above
 * it; elsewhere only the logs are printed. A pseudo-terminal stands for
 * the user's. */
START_TEST(progress_bar_on_a_terminal_only)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	FILE *tty, *plain;
	batch_progress *p;
	char buf[4096], *text = NULL;
	size_t len = 0;
	ssize_t n;

	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	tty = fopen(ptsname(master), "w");
	ck_assert_ptr_nonnull(tty);
	p = batch_progress_new(tty, 3);
	batch_progress_print(p, "warning: one\n");
	batch_progress_step(p, 0, 0);
	batch_progress_step(p, 1, 0);
	batch_progress_step(p, 0, 1);
	batch_progress_free(p);
	fclose(tty);
	/* Everything written is in the master's buffer; once the terminal
	 * side is closed, read gives it and then fails with EIO. */
	len = 0;
	while (len < sizeof buf - 1 && (n = read(master, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	ck_assert_uint_gt(len, 0);
	buf[len] = '\0';
	/* The line is cleared, the log printed, the bar redrawn; at the end
	 * the whole bar with the counts, then cleared. */
	ck_assert_ptr_nonnull(strstr(buf, "\r\033[Kwarning: one"));
	ck_assert_ptr_nonnull(strstr(buf, "[..............................] 0/3"));
	ck_assert_ptr_nonnull(strstr(buf, "[##############################] 3/3  1 up to date  1 failed"));
	ck_assert(g_str_has_suffix(buf, "\r\033[K"));
	close(master);
	len = 0;
	plain = open_memstream(&text, &len);
	p = batch_progress_new(plain, 2);
	batch_progress_print(p, "built a/\n");
	batch_progress_step(p, 0, 0);
	batch_progress_step(p, 0, 0);
	batch_progress_free(p);
	fclose(plain);
	ck_assert_str_eq(text, "built a/\n");
	free(text);
}
END_TEST

/* One job, or one worker: run here, in this process, in order. */
START_TEST(one_job_runs_in_this_process)
{
	jobs_t j;

	run_jobs(1, 4, 1, &j);
	ck_assert_int_eq(j.calls[0], 1);
	ck_assert_str_eq(j.log[0], "job 0 in parent\n");
	jobs_free(&j);
}
END_TEST

/* Jobs that report neither a log nor an error come back as NULL, not "". */
static void silent_job(size_t i, void *ud, batch_result *res)
{
	(void)ud;
	res->status = i == 2 ? 1 : 0;
	res->skipped = i == 3;
}

static void silent_done(size_t i, const batch_result *res, void *ud)
{
	int *seen = ud;

	ck_assert_ptr_null(res->log);
	ck_assert_ptr_null(res->error);
	ck_assert_int_eq(res->lost, 0);
	ck_assert_int_eq(res->status, i == 2);
	ck_assert_int_eq(res->skipped, i == 3);
	seen[i]++;
}

START_TEST(silent_jobs_report_no_text)
{
	int seen[6] = { 0 };
	cg_err e = { 0 };
	size_t i;

	ck_assert(batch_run(6, 3, silent_job, NULL, silent_done, seen, &e));
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(seen[i], 1);
}
END_TEST

/* A worker that exits (not killed) in the middle of a job: that job fails
 * with status 3 saying so, the others stand. */
typedef struct {
	pid_t parent;
	int status[12], lost[12], calls[12];
	char *error[12];
} quit_t;

static void quitting_job(size_t i, void *ud, batch_result *res)
{
	quit_t *q = ud;

	if (i == 5 && getpid() != q->parent)
		_exit(0);
	res->log = g_strdup_printf("job %zu\n", i);
}

static void quit_done(size_t i, const batch_result *res, void *ud)
{
	quit_t *q = ud;

	q->calls[i]++;
	q->status[i] = res->status;
	q->lost[i] = res->lost;
	q->error[i] = g_strdup(res->error);
}

START_TEST(a_worker_that_exits_fails_only_its_job)
{
	quit_t q;
	cg_err e = { 0 };
	size_t i;

	memset(&q, 0, sizeof q);
	q.parent = getpid();
	ck_assert(batch_run(12, 2, quitting_job, &q, quit_done, &q, &e));
	for (i = 0; i < 12; i++) {
		ck_assert_int_eq(q.calls[i], 1);
		if (i == 5) {
			ck_assert_int_eq(q.status[i], 3);
			ck_assert_int_eq(q.lost[i], 1);
			ck_assert_str_eq(q.error[i], "the worker process stopped before finishing it");
		} else {
			ck_assert_int_eq(q.status[i], 0);
			ck_assert_int_eq(q.lost[i], 0);
			ck_assert_ptr_null(q.error[i]);
		}
		g_free(q.error[i]);
	}
}
END_TEST

/* Reads what was written to a pseudo-terminal once its writer is closed. */
static size_t read_pty(int master, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && (n = read(master, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

static FILE *open_pty(int *master)
{
	FILE *tty;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(*master, 0);
	ck_assert_int_eq(grantpt(*master), 0);
	ck_assert_int_eq(unlockpt(*master), 0);
	tty = fopen(ptsname(*master), "w");
	ck_assert_ptr_nonnull(tty);
	return tty;
}

/* Thousands of steps redraw the bar a few times a second, not each time;
 * the last step always shows the whole bar. No jobs: a full bar. */
START_TEST(progress_bar_is_not_redrawn_every_step)
{
	char buf[8192];
	const char *p;
	int master, bars = 0;
	FILE *tty = open_pty(&master);
	batch_progress *bp = batch_progress_new(tty, 2000);
	size_t i;

	for (i = 0; i < 2000; i++)
		batch_progress_step(bp, 0, 0);
	batch_progress_free(bp);
	fclose(tty);
	read_pty(master, buf, sizeof buf);
	close(master);
	for (p = buf; (p = strstr(p, "\r\033[K[")) != NULL; p++)
		bars++;
	ck_assert_int_ge(bars, 1);
	ck_assert_int_lt(bars, 100);
	ck_assert_ptr_nonnull(strstr(buf, "[##############################] 2000/2000"));
	ck_assert_ptr_null(strstr(buf, "failed"));
	tty = open_pty(&master);
	bp = batch_progress_new(tty, 0);
	batch_progress_print(bp, "nothing to do\n");
	batch_progress_free(bp);
	batch_progress_free(NULL);
	fclose(tty);
	read_pty(master, buf, sizeof buf);
	close(master);
	ck_assert_ptr_nonnull(strstr(buf, "nothing to do\r\n\r\033[K[##############################] 0/0"));
}
END_TEST

/* On a terminal, build shows the bar instead of a "built" or "up to date"
 * line per contract; the summary and any error are still printed. */
START_TEST(progress_bar_replaces_the_built_lines)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *argv[] = { (char *)"clausegen", (char *)"build", (char *)"--formats", (char *)"md",
	                 (char *)"-o", out, (char *)"specs/contracts/nisc-asp-yoyaku.yaml",
	                 (char *)"specs/contracts/shinagawa-dc-kikan.yaml", NULL };
	char buf[16384];
	FILE *sink = fopen("/dev/null", "w");
	int master, s1, s2;
	FILE *tty = open_pty(&master);

	ck_assert_ptr_nonnull(sink);
	s1 = cli_main(8, argv, sink, tty);
	s2 = cli_main(8, argv, sink, tty);
	fclose(tty);
	fclose(sink);
	read_pty(master, buf, sizeof buf);
	close(master);
	ck_assert_int_eq(s1, 0);
	ck_assert_int_eq(s2, 0);
	ck_assert_int_eq(tu_count_entries(out), 2);
	ck_assert_ptr_null(strstr(buf, "built /"));
	ck_assert_ptr_null(strstr(buf, "up to date /"));
	ck_assert_ptr_nonnull(strstr(buf, "[##############################] 2/2\r\033[K2 contracts: 2 built, 0 up to date, 0 failed"));
	ck_assert_ptr_nonnull(strstr(buf, "[##############################] 2/2  2 up to date\r\033[K2 contracts: 0 built, 2 up to date, 0 failed"));
	g_free(out);
}
END_TEST

/* ---- stamps that are not to be trusted ---- */

START_TEST(stamp_refuses_what_it_cannot_vouch_for)
{
	static const char *const bad[] = {
		"",                                          /* empty */
		"clausegen-inputs 1",                        /* no hash line */
		"clausegen-inputs 2\nh1\n5 a.html\n",        /* another format */
		"clausegen-inputs 1\nh1\n",                  /* lists no file */
		"clausegen-inputs 1\nh1\n5a.html\n",         /* no "size name" */
		"clausegen-inputs 1\nh1\n5 a.html\n0 ..\n",  /* the parent */
		"clausegen-inputs 1\nh1\n5 a.html\n0 sub\n", /* a directory */
		"clausegen-inputs 1\nh1\n5 a.html\n0 gone\n",/* a lost file */
	};
	char *dir = g_build_filename(tmp, "d", NULL);
	char *stampfile = g_build_filename(dir, STAMP_FILE, NULL);
	char *sub = g_build_filename(dir, "sub", NULL);
	size_t i;

	g_free(tu_write(dir, "a.html", "12345"));
	g_mkdir_with_parents(sub, 0755);
	ck_assert(g_file_set_contents(stampfile, "clausegen-inputs 1\nh1\n5 a.html\n", -1, NULL));
	ck_assert(stamp_is_current(dir, "h1"));
	/* The last line's newline is not what makes it valid. */
	ck_assert(g_file_set_contents(stampfile, "clausegen-inputs 1\nh1\n5 a.html", -1, NULL));
	ck_assert(stamp_is_current(dir, "h1"));
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		ck_assert(g_file_set_contents(stampfile, bad[i], -1, NULL));
		ck_assert_msg(!stamp_is_current(dir, "h1"), "stamp %zu trusted: '%s'", i, bad[i]);
	}
	g_free(stampfile);
	g_free(sub);
	g_free(dir);
}
END_TEST

START_TEST(stamp_of_missing_and_unreadable_inputs)
{
	char *dir = g_build_filename(tmp, "t", NULL);
	char *missing = g_build_filename(tmp, "nothing-here", NULL);
	char *link = g_build_filename(dir, "x.txt", NULL);
	char *h_none, *h_empty, *h_dangling, *h_file;
	cg_err e = { 0 };

	/* No directory hashes as nothing at all: SHA-256 of no bytes. */
	h_none = stamp_hash_tree(missing);
	ck_assert_str_eq(h_none, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	g_mkdir_with_parents(dir, 0755);
	h_empty = stamp_hash_tree(dir);
	ck_assert_str_eq(h_empty, h_none);
	/* A file that cannot be read is not taken for an empty one. */
	ck_assert_int_eq(symlink("nowhere", link), 0);
	h_dangling = stamp_hash_tree(dir);
	ck_assert_int_eq(unlink(link), 0);
	g_free(tu_write(dir, "x.txt", ""));
	h_file = stamp_hash_tree(dir);
	ck_assert_str_ne(h_dangling, h_empty);
	ck_assert_str_ne(h_dangling, h_file);
	/* A contract that cannot be read has no stamp. */
	ck_assert_ptr_null(stamp_contract("run", "src", missing, &e));
	ck_assert(cg_err_isset(&e));
	ck_assert_ptr_nonnull(strstr(e.file, "nothing-here"));
	cg_err_clear(&e);
	g_free(h_none);
	g_free(h_empty);
	g_free(h_dangling);
	g_free(h_file);
	g_free(link);
	g_free(missing);
	g_free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("batch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_job_reported_once_with_its_result);
	tcase_add_test(tc, a_dead_worker_fails_only_its_job);
	tcase_add_test(tc, progress_bar_on_a_terminal_only);
	tcase_add_test(tc, parallel_build_gives_the_same_bytes);
	tcase_add_test(tc, failures_listed_last_with_exit_1);
	tcase_add_test(tc, bad_options);
	tcase_add_test(tc, formats_limit_the_documents);
	tcase_add_test(tc, unchanged_contracts_are_not_rebuilt);
	tcase_add_test(tc, stamp_lists_the_built_files);
	tcase_add_test(tc, tree_hash_follows_content_and_names);
	tcase_add_test(tc, one_job_runs_in_this_process);
	tcase_add_test(tc, silent_jobs_report_no_text);
	tcase_add_test(tc, a_worker_that_exits_fails_only_its_job);
	tcase_add_test(tc, progress_bar_is_not_redrawn_every_step);
	tcase_add_test(tc, progress_bar_replaces_the_built_lines);
	tcase_add_test(tc, stamp_refuses_what_it_cannot_vouch_for);
	tcase_add_test(tc, stamp_of_missing_and_unreadable_inputs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
