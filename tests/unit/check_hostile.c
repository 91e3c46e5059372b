/* check_hostile.c: hostile inputs (docs/hardening.md), each through the CLI:
 * alias bombs, deep nesting, huge lines and files, bad bytes, BOM and CRLF,
 * ids that name paths, symlinked and read-only output, a full disk,
 * interrupted builds, and scripts that try to loop, eat memory, recurse or
 * reach what the sandbox hides. Each must end with a clear message naming
 * file, line and column where there is one, the CLI's exit code, in bounded
 * time and memory, and without a partial or stray file.
 *
 * Big inputs are generated here, not committed. Tests that need a real
 * process (memory use, signals, the PDF module it loads) run the built
 * binary, CLAUSEGEN_BIN. */
#define _GNU_SOURCE
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "testutil.h"
#include "util.h"

static char *tmp, *specs, *lua, *out, *contract;

/* Memory bounds for the child processes: AddressSanitizer's shadow and
 * quarantine add a few hundred MiB to any process. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_SLACK_KB (512L * 1024)
#else
#define RSS_SLACK_KB 0L
#endif

static void setup(void)
{
	char *p;

	tmp = tu_tmpdir();
	specs = g_build_filename(tmp, "specs", NULL);
	lua = g_build_filename(tmp, "lua", NULL);
	out = g_build_filename(tmp, "out", NULL);
	p = g_build_filename(specs, "nisc", NULL);
	tu_copytree("specs/nisc", p);
	g_free(p);
	tu_copytree("lua", lua);
	contract = g_build_filename(tmp, "c.yaml", NULL);
	{
		gchar *buf;
		gsize len;
		ck_assert(g_file_get_contents("specs/contracts/nisc-asp-yoyaku.yaml", &buf, &len, NULL));
		ck_assert(g_file_set_contents(contract, buf, (gssize)len, NULL));
		g_free(buf);
	}
	out_test_inject(NULL, 0, 0);
}

static void teardown(void)
{
	out_test_inject(NULL, 0, 0);
	tu_rmtree(tmp);
	g_free(tmp);
	g_free(specs);
	g_free(lua);
	g_free(out);
	g_free(contract);
}

#define EXPECT(r, code, needle)                                                             \
	do {                                                                                \
		ck_assert_msg((r).status == (code), "exit %d, want %d; stderr: %s", (r).status, \
		              (code), (r).err);                                              \
		ck_assert_msg(strstr((r).err, (needle)) != NULL, "stderr '%s' lacks '%s'",     \
		              (r).err, (needle));                                            \
	} while (0)

static tu_run build(void)
{
	return tu_cli("build", "--specs", specs, "--lua", lua, "-o", out, contract, NULL);
}

/* Every file below `dir` (relative path -> contents), hidden ones too. */
static void snap_into(GHashTable *h, const char *root, const char *rel)
{
	char *dir = rel[0] ? g_build_filename(root, rel, NULL) : g_strdup(root);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		char *r = rel[0] ? g_build_filename(rel, name, NULL) : g_strdup(name);
		char *full = g_build_filename(root, r, NULL);
		gchar *buf;
		if (g_file_test(full, G_FILE_TEST_IS_DIR) && !g_file_test(full, G_FILE_TEST_IS_SYMLINK)) {
			g_hash_table_insert(h, g_strconcat(r, "/", NULL), g_strdup("<dir>"));
			snap_into(h, root, r);
		} else if (g_file_get_contents(full, &buf, NULL, NULL)) {
			g_hash_table_insert(h, g_strdup(r), buf);
		} else {
			g_hash_table_insert(h, g_strdup(r), g_strdup("<unreadable>"));
		}
		g_free(full);
		g_free(r);
	}
	if (d != NULL)
		g_dir_close(d);
	g_free(dir);
}

static GHashTable *snapshot(const char *dir)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	snap_into(h, dir, "");
	return h;
}

static int same(GHashTable *a, GHashTable *b)
{
	GHashTableIter it;
	gpointer k, v;

	if (g_hash_table_size(a) != g_hash_table_size(b))
		return 0;
	g_hash_table_iter_init(&it, a);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *w = g_hash_table_lookup(b, k);
		if (w == NULL || strcmp(v, w) != 0)
			return 0;
	}
	return 1;
}

/* No staging directory or temporary file anywhere below `dir`: every
 * hidden name is one of ours (.clausegen-inputs, the build stamp). */
static void assert_no_stray(const char *dir)
{
	GHashTable *h = snapshot(dir);
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		char *base = g_path_get_basename(k);
		ck_assert_msg(base[0] != '.' || strcmp(base, ".clausegen-inputs") == 0,
		              "stray file %s in %s", (char *)k, dir);
		g_free(base);
	}
	g_hash_table_destroy(h);
}

static void write_file(const char *path, const char *data, size_t len)
{
	ck_assert(g_file_set_contents(path, data, (gssize)len, NULL));
}

static char *clause_path(const char *name)
{
	return g_build_filename(specs, "nisc", "clauses", name, NULL);
}

/* ---- a real process: exit status, time, memory ---- */

typedef struct {
	int status;         /* exit code, or 128 + signal */
	long maxrss_kb;
	double seconds;
} child_result;

/* Under valgrind (which names its preload in LD_PRELOAD and strips it
 * from children it does not trace) the forked child starts as a copy of
 * valgrind's own large process, and ru_maxrss counts that too. */
static int under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p != NULL && strstr(p, "vgpreload") != NULL;
}

/* True when `kb` of peak memory is within `bound_kb`, where it can be
 * measured. */
static int rss_within(long kb, long bound_kb)
{
	return under_valgrind() || kb < bound_kb + RSS_SLACK_KB;
}

/* Runs the built clausegen with `argv` (NULL-terminated, without argv[0])
 * and extra environment `env` (NULL-terminated "K=V" list or NULL);
 * `kill_after_ms` > 0 sends `sig` then. stdout and stderr go to `log`. */
/* When set, spawn sends its signal to the process alone, not its group (a
 * `kill PID` or a service manager's stop), and records how each worker of
 * -j it then waits for ended. */
static int signal_parent_only;
static int worker_status[8];
static int nworker_status;

static child_result spawn(const char *const *argv, const char *const *env, int kill_after_ms,
                          int sig, const char *log)
{
	child_result res = { 0 };
	struct rusage ru;
	gint64 t0 = g_get_monotonic_time();
	pid_t pid;
	int st = 0, n = 0;

	while (argv[n] != NULL)
		n++;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		char **av = calloc((size_t)n + 2, sizeof *av);
		int i, fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		av[0] = (char *)CLAUSEGEN_BIN;
		for (i = 0; i < n; i++)
			av[i + 1] = (char *)argv[i];
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv((char *)env[i]);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* A process group of its own, so that a signal reaches the
		 * workers of -j as a terminal's ^C would. */
		setpgid(0, 0);
		execv(CLAUSEGEN_BIN, av);
		_exit(127);
	}
	if (kill_after_ms > 0) {
		struct timespec ts = { kill_after_ms / 1000, (kill_after_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		kill(signal_parent_only ? pid : -pid, sig);
	}
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	/* Workers of -j outlive their parent by the moment their own cleanup
	 * takes; as subreaper we inherit them and wait for the group. */
	nworker_status = 0;
	for (;;) {
		int ws;
		if (waitpid(-pid, &ws, 0) > 0) {
			if (nworker_status < (int)G_N_ELEMENTS(worker_status))
				worker_status[nworker_status++] = ws;
		} else if (errno != EINTR) {
			break;
		}
	}
	res.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	res.maxrss_kb = ru.ru_maxrss;
	res.seconds = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	return res;
}

static char *read_log(const char *log)
{
	gchar *buf = NULL;

	g_file_get_contents(log, &buf, NULL, NULL);
	return buf ? buf : g_strdup("");
}

/* ---- YAML ---- */

START_TEST(alias_bomb)
{
	/* Billion laughs: nine levels of ten aliases each. */
	GString *y = g_string_new("id: nisc\nlol0: &a0 \"lol\"\n");
	char *path = g_build_filename(specs, "nisc", "source.yaml", NULL);
	char *want = g_strdup_printf("%s:2:7: error: YAML anchors (&name) are not supported", path);
	gint64 t0 = g_get_monotonic_time();
	tu_run r;
	int i, j;

	for (i = 1; i < 10; i++) {
		g_string_append_printf(y, "lol%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			g_string_append_printf(y, "%s*a%d", j ? ", " : "", i - 1);
		g_string_append(y, "]\n");
	}
	write_file(path, y->str, y->len);
	r = build();
	EXPECT(r, 1, want);
	ck_assert_int_eq(tu_count_entries(out), -1);
	tu_run_free(&r);
	/* The same in a contract. */
	write_file(contract, y->str, y->len);
	r = tu_cli("check", "--specs", specs, "--lua", lua, contract, NULL);
	EXPECT(r, 1, "c.yaml:2:7: error: YAML anchors (&name) are not supported");
	tu_run_free(&r);
	/* Aliases without anchors are refused as well. */
	write_file(contract, "id: x\ntitle: *a\n", 16);
	r = tu_cli("check", "--specs", specs, "--lua", lua, contract, NULL);
	EXPECT(r, 1, "c.yaml:2:8: error: YAML");
	tu_run_free(&r);
	ck_assert(g_get_monotonic_time() - t0 < 10 * G_USEC_PER_SEC);
	g_string_free(y, TRUE);
	g_free(path);
	g_free(want);
}
END_TEST

START_TEST(nesting_ten_thousand_deep)
{
	GString *y = g_string_new("---\nid: nisc-01\nnote: ");
	char *path = clause_path("nisc-01.md");
	char *want = g_strdup_printf("%s:3:71: error: YAML nesting deeper than 64 levels", path);
	gint64 t0 = g_get_monotonic_time();
	tu_run r;
	int i;

	for (i = 0; i < 10000; i++)
		g_string_append_c(y, i % 2 ? '{' : '[');
	for (i = 9999; i >= 0; i--)
		g_string_append(y, i % 2 ? "a: 1}" : "]");
	g_string_append(y, "\n---\ntext\n");
	write_file(path, y->str, y->len);
	r = build();
	EXPECT(r, 1, want);
	tu_run_free(&r);
	/* Block style, in a contract. */
	g_string_assign(y, "id: x\n");
	for (i = 0; i < 2000; i++) {
		g_string_append_printf(y, "%*sk%d:\n", i % 200, "", i);
		if (i % 200 == 199)
			break;
	}
	write_file(contract, y->str, y->len);
	r = tu_cli("check", "--specs", specs, "--lua", lua, contract, NULL);
	EXPECT(r, 1, "error: YAML nesting deeper than 64 levels");
	tu_run_free(&r);
	ck_assert(g_get_monotonic_time() - t0 < 10 * G_USEC_PER_SEC);
	g_string_free(y, TRUE);
	g_free(path);
	g_free(want);
}
END_TEST

START_TEST(too_many_nodes)
{
	/* Under the size limit but over the node cap. */
	GString *y = g_string_new("id: x\nlist: [");
	tu_run r;
	int i;

	for (i = 0; i < 210000; i++)
		g_string_append(y, i ? ",1" : "1");
	g_string_append(y, "]\n");
	ck_assert(y->len < CG_MAX_FILE_SIZE);
	write_file(contract, y->str, y->len);
	r = tu_cli("check", "--specs", specs, "--lua", lua, contract, NULL);
	EXPECT(r, 1, "error: YAML document has more than 200000 nodes");
	tu_run_free(&r);
	g_string_free(y, TRUE);
}
END_TEST

/* ---- size, bytes, encodings ---- */

static void write_big(const char *path, const char *head, size_t size, char fill, int newline)
{
	FILE *fp = fopen(path, "wb");
	char chunk[65536];
	size_t done;

	ck_assert_ptr_nonnull(fp);
	memset(chunk, fill, sizeof chunk);
	fputs(head, fp);
	for (done = strlen(head); done < size; done += sizeof chunk)
		ck_assert(fwrite(chunk, 1, sizeof chunk, fp) == sizeof chunk);
	if (newline)
		fputc('\n', fp);
	ck_assert(fclose(fp) == 0);
}

START_TEST(hundred_megabyte_line)
{
	/* One 100 MB line in a clause: refused by the size limit without being
	 * read in, in a real process whose memory is measured. */
	char *path = clause_path("nisc-01.md");
	char *log = g_build_filename(tmp, "log", NULL);
	const char *argv[] = { "build", "--specs", specs, "--lua", lua, "-o", out, contract, NULL };
	child_result res;
	char *text, *want;

	write_big(path, "---\nid: nisc-01\nnote: ", 100u * 1024 * 1024, 'x', 1);
	res = spawn(argv, NULL, 0, 0, log);
	text = read_log(log);
	want = g_strdup_printf("%s:1:1: error: file is larger than the limit of 1048576 bytes", path);
	ck_assert_msg(res.status == 1 && strstr(text, want) != NULL, "exit %d: %s", res.status, text);
	ck_assert_msg(rss_within(res.maxrss_kb, 96 * 1024), "used %ld KiB", res.maxrss_kb);
	ck_assert_msg(res.seconds < 20, "took %.1f s", res.seconds);
	ck_assert_int_eq(tu_count_entries(out), -1);
	g_unlink(path);
	g_free(text);
	g_free(want);
	g_free(log);
	g_free(path);
}
END_TEST

START_TEST(files_over_the_size_limit)
{
	char *yaml = g_build_filename(specs, "nisc", "source.yaml", NULL);
	char *script = g_build_filename(lua, "select.lua", NULL);
	char *want;
	tu_run r;

	/* Just over the limit: source.yaml, a contract, a script. */
	write_big(contract, "id: x\nnote: ", CG_MAX_FILE_SIZE + 1, 'y', 0);
	r = tu_cli("check", "--specs", specs, "--lua", lua, contract, NULL);
	EXPECT(r, 1, "c.yaml:1:1: error: file is larger than the limit of 1048576 bytes");
	tu_run_free(&r);
	write_big(script, "-- ", CG_MAX_FILE_SIZE + 1, '-', 0);
	r = tu_cli("check", "--specs", specs, "--lua", lua, NULL);
	EXPECT(r, 1, "select.lua:1:1: error: file is larger than the limit");
	tu_run_free(&r);
	write_big(yaml, "id: nisc\nnote: ", 5u * 1024 * 1024, 'z', 1);
	want = g_strdup_printf("%s:1:1: error: file is larger than the limit", yaml);
	r = tu_cli("sources", "--specs", specs, NULL);
	EXPECT(r, 1, want);
	tu_run_free(&r);
	g_free(want);
	g_free(yaml);
	g_free(script);
}
END_TEST

START_TEST(invalid_utf8_and_nul_in_clause_text)
{
	char *path = clause_path("nisc-01.md");
	gchar *orig, *bad, *want;
	gsize len;
	tu_run r;

	ck_assert(g_file_get_contents(path, &orig, &len, NULL));
	/* A Latin-1 byte in the body, on the last line. */
	bad = g_strconcat(orig, "caf\xe9\n", NULL);
	write_file(path, bad, strlen(bad));
	r = build();
	want = g_strdup_printf("%s:", path);
	EXPECT(r, 1, want);
	EXPECT(r, 1, ": error: invalid UTF-8 (byte 0xe9); save the file as UTF-8");
	ck_assert_int_eq(tu_count_entries(out), -1);
	tu_run_free(&r);
	g_free(bad);
	/* A NUL byte in the middle of the text. */
	bad = g_malloc(len + 8);
	memcpy(bad, orig, len);
	memcpy(bad + len, "ab\0cd\n", 6);
	write_file(path, bad, len + 6);
	r = build();
	EXPECT(r, 1, ": error: NUL byte in text file");
	ck_assert(strstr(r.err, ":3: error") != NULL || strstr(r.err, want) != NULL);
	tu_run_free(&r);
	/* An escaped NUL inside quoted YAML text. */
	write_file(contract, "id: x\ntitle: \"a\\0b\"\n", 20);
	r = tu_cli("check", "--specs", specs, "--lua", lua, contract, NULL);
	EXPECT(r, 1, "c.yaml:2:8: error: NUL character in YAML text");
	tu_run_free(&r);
	g_free(bad);
	g_free(want);
	g_free(orig);
	g_free(path);
}
END_TEST

/* A BOM and CRLF line ends are an editor's habits, not errors: the
 * documents are the same as from the plain file. */
START_TEST(bom_and_crlf)
{
	char *path = clause_path("nisc-01.md");
	char *sel = g_build_filename(out, "nisc-asp-yoyaku", "selection.json", NULL);
	gchar *orig, *ref, *got, **lines, *crlf, *withbom;
	tu_run r;

	r = build();
	ck_assert_int_eq(r.status, 0);
	tu_run_free(&r);
	ck_assert(g_file_get_contents(sel, &ref, NULL, NULL));
	ck_assert(g_file_get_contents(path, &orig, NULL, NULL));
	lines = g_strsplit(orig, "\n", -1);
	crlf = g_strjoinv("\r\n", lines);
	withbom = g_strconcat("\xEF\xBB\xBF", crlf, NULL);
	write_file(path, withbom, strlen(withbom));
	{
		gchar *c, **cl, *cc, *cb;
		ck_assert(g_file_get_contents(contract, &c, NULL, NULL));
		cl = g_strsplit(c, "\n", -1);
		cc = g_strjoinv("\r\n", cl);
		cb = g_strconcat("\xEF\xBB\xBF", cc, NULL);
		write_file(contract, cb, strlen(cb));
		g_free(c);
		g_strfreev(cl);
		g_free(cc);
		g_free(cb);
	}
	r = tu_cli("build", "--force", "--specs", specs, "--lua", lua, "-o", out, contract, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	ck_assert(g_file_get_contents(sel, &got, NULL, NULL));
	/* Only the source hash differs: the bytes of the file did change. */
	{
		char *a = strstr(ref, "\"clauses\""), *b = strstr(got, "\"clauses\"");
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_str_eq(a, b);
	}
	/* Errors in such a file still point at the right line and column: a
	 * BOM does not count as a column. */
	{
		const char *t = "\xEF\xBB\xBF---\r\nid: nisc-01\r\nnumber: [\r\n---\r\nx\r\n";
		write_file(path, t, strlen(t));
	}
	r = build();
	EXPECT(r, 1, "nisc-01.md:4:1: error: YAML");
	tu_run_free(&r);
	g_free(orig);
	g_strfreev(lines);
	g_free(crlf);
	g_free(withbom);
	g_free(ref);
	g_free(got);
	g_free(sel);
	g_free(path);
}
END_TEST

/* ---- ids that name paths ---- */

static int count_lines(const char *from, const char *to)
{
	int n = 0;

	for (; from < to; from++)
		n += *from == '\n';
	return n;
}

START_TEST(contract_ids_that_are_paths)
{
	static const char *const ids[] = { "../../etc/x", "/tmp/clausegen-evil", "..", ".",
		                           "a/b", "x\\\\y", "-rf", "", NULL };
	gchar *orig;
	int i;

	ck_assert(g_file_get_contents(contract, &orig, NULL, NULL));
	for (i = 0; ids[i] != NULL; i++) {
		char *idline = strstr(orig, "\nid: ");
		char *eol = strchr(idline + 1, '\n');
		char *text = g_strdup_printf("%.*s\nid: \"%s\"%s", (int)(idline - orig), orig, ids[i], eol);
		tu_run r;
		ck_assert_int_eq(count_lines(orig, idline), 1); /* id: is on line 3 */
		write_file(contract, text, strlen(text));
		r = build();
		EXPECT(r, 1, "c.yaml:3:5: error:");
		ck_assert_ptr_nonnull(strstr(r.err, "id"));
		ck_assert_int_eq(tu_count_entries(out), -1);
		tu_run_free(&r);
		g_free(text);
	}
	ck_assert(!g_file_test("/tmp/clausegen-evil", G_FILE_TEST_EXISTS));
	ck_assert(!g_file_test("/etc/x", G_FILE_TEST_EXISTS));
	g_free(orig);
}
END_TEST

START_TEST(clause_ids_that_are_paths)
{
	char *path = clause_path("nisc-01.md");
	gchar *orig, *bad;
	tu_run r;

	ck_assert(g_file_get_contents(path, &orig, NULL, NULL));
	bad = g_strdup(orig);
	{
		char *id = strstr(bad, "id: nisc-01");
		char *text;
		ck_assert_ptr_nonnull(id);
		*id = '\0';
		text = g_strconcat(bad, "id: ../../etc/x", id + strlen("id: nisc-01"), NULL);
		write_file(path, text, strlen(text));
		g_free(text);
	}
	r = build();
	EXPECT(r, 1, "nisc-01.md:2:5: error:");
	tu_run_free(&r);
	ck_assert_int_eq(tu_count_entries(out), -1);
	g_free(bad);
	g_free(orig);
	g_free(path);
}
END_TEST

/* ---- the output directory ---- */

START_TEST(symlinked_output_directory)
{
	char *elsewhere = g_build_filename(tmp, "elsewhere", NULL);
	char *link = g_build_filename(tmp, "link", NULL);
	char *inner = g_build_filename(out, "nisc-asp-yoyaku", NULL);
	tu_run r;

	g_mkdir_with_parents(elsewhere, 0755);
	g_free(tu_write(elsewhere, "precious.txt", "keep me\n"));
	/* -o names a symbolic link. */
	ck_assert_int_eq(symlink(elsewhere, link), 0);
	r = tu_cli("build", "--specs", specs, "--lua", lua, "-o", link, contract, NULL);
	EXPECT(r, 3, "link:1:1: error: the output directory is a symbolic link to ");
	tu_run_free(&r);
	ck_assert_int_eq(tu_count_entries(elsewhere), 1);
	/* output/<id> is a link planted to point elsewhere. */
	g_mkdir_with_parents(out, 0755);
	ck_assert_int_eq(symlink(elsewhere, inner), 0);
	r = build();
	EXPECT(r, 3, "nisc-asp-yoyaku:1:1: error: the output is a symbolic link to ");
	tu_run_free(&r);
	ck_assert_int_eq(tu_count_entries(elsewhere), 1);
	ck_assert_int_eq(tu_count_entries(out), 1);
	/* output/<id> is a file. */
	g_unlink(inner);
	g_free(tu_write(out, "nisc-asp-yoyaku", "a file\n"));
	r = build();
	EXPECT(r, 3, "error: the output exists and is not a directory; refusing to replace it");
	tu_run_free(&r);
	assert_no_stray(out);
	g_free(elsewhere);
	g_free(link);
	g_free(inner);
}
END_TEST

/* Builds once, then runs `fail` (a failing build) and checks that the
 * previous output is exactly as it was and nothing stray is left. */
static void expect_output_kept(const char *op, unsigned long nth, int errnum, const char *msg)
{
	GHashTable *before, *after;
	tu_run r = build();

	ck_assert_int_eq(r.status, 0);
	tu_run_free(&r);
	before = snapshot(out);
	out_test_inject(op, nth, errnum);
	r = tu_cli("build", "--force", "--specs", specs, "--lua", lua, "-o", out, contract, NULL);
	out_test_inject(NULL, 0, 0);
	EXPECT(r, 3, msg);
	EXPECT(r, 3, "previous output, if any, is unchanged");
	tu_run_free(&r);
	after = snapshot(out);
	ck_assert(same(before, after));
	assert_no_stray(out);
	g_hash_table_destroy(before);
	g_hash_table_destroy(after);
}

START_TEST(full_disk)
{
	expect_output_kept("write", 1, ENOSPC, "spec.html:1:1: error: cannot write: No space left on device");
	expect_output_kept("write", 4, ENOSPC, "error: cannot write: No space left on device");
	/* Staged files are flushed together when their directory is
	 * committed: the first flush of a build is that one. */
	expect_output_kept("fsync", 1, EDQUOT, "error: cannot flush: Disk quota exceeded");
	expect_output_kept("create", 3, ENOSPC, "error: cannot create: No space left on device");
	/* Staged files are created under their own names: the one rename of
	 * a build is the stage's, over the previous output. */
	expect_output_kept("rename", 1, EIO, "error: cannot replace output: Input/output error");
	/* The same while a second thread renders selection.json (a build of
	 * 1,000 clauses or more): it is waited for, and nothing is left. */
	g_setenv("CLAUSEGEN_TEST_THREAD_MIN", "0", TRUE);
	expect_output_kept("write", 1, ENOSPC, "spec.html:1:1: error: cannot write: No space left on device");
	expect_output_kept("write", 4, ENOSPC, "error: cannot write: No space left on device");
	g_unsetenv("CLAUSEGEN_TEST_THREAD_MIN");
}
END_TEST

START_TEST(full_disk_on_a_small_tmpfs)
{
	/* A real full disk where a tmpfs can be mounted (root, not in every
	 * CI); elsewhere the injected ENOSPC above stands for it. */
	char *mnt = g_build_filename(tmp, "small", NULL);
	char *old_out = out;
	GHashTable *before, *after;
	char *big;
	tu_run r;

	g_mkdir_with_parents(mnt, 0755);
	if (mount("none", mnt, "tmpfs", 0, "size=8m") != 0) {
		g_free(mnt);
		return;
	}
	out = g_build_filename(mnt, "out", NULL);
	r = build();
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	before = snapshot(out);
	/* Fill the disk, leaving too little for a second copy. */
	big = g_build_filename(mnt, "filler", NULL);
	{
		int fd = open(big, O_WRONLY | O_CREAT, 0644);
		char chunk[4096] = { 0 };
		while (write(fd, chunk, sizeof chunk) > 0)
			;
		close(fd);
	}
	r = tu_cli("build", "--force", "--specs", specs, "--lua", lua, "-o", out, contract, NULL);
	EXPECT(r, 3, "No space left on device");
	tu_run_free(&r);
	after = snapshot(out);
	ck_assert(same(before, after));
	assert_no_stray(out);
	g_hash_table_destroy(before);
	g_hash_table_destroy(after);
	g_free(big);
	umount2(mnt, MNT_DETACH);
	g_free(out);
	out = old_out;
	g_free(mnt);
}
END_TEST

START_TEST(read_only_output_directory)
{
	tu_run r;

	/* Root ignores permissions; the injected EROFS stands for a read-only
	 * mount there, and a 0555 directory is tried when not root. */
	expect_output_kept("stage", 1, EROFS, "error: cannot create a staging directory: Read-only file system");
	if (geteuid() != 0) {
		GHashTable *before = snapshot(out), *after;
		ck_assert_int_eq(chmod(out, 0555), 0);
		r = tu_cli("build", "--force", "--specs", specs, "--lua", lua, "-o", out, contract, NULL);
		EXPECT(r, 3, "cannot create a staging directory: Permission denied");
		tu_run_free(&r);
		chmod(out, 0755);
		after = snapshot(out);
		ck_assert(same(before, after));
		g_hash_table_destroy(before);
		g_hash_table_destroy(after);
	}
	/* An output directory that cannot be created at all. */
	g_free(tu_write(tmp, "plainfile", "x\n"));
	{
		char *under = g_build_filename(tmp, "plainfile", "out", NULL);
		r = tu_cli("build", "--specs", specs, "--lua", lua, "-o", under, contract, NULL);
		EXPECT(r, 3, "error: cannot create directory: Not a directory");
		tu_run_free(&r);
		g_free(under);
	}
}
END_TEST

/* ---- interrupted builds ---- */

static void interrupted(int sig, const char *jobs)
{
	char *root = g_build_filename(tmp, "root", NULL);
	char *rspecs = g_build_filename(root, "specs", NULL);
	char *ref = g_build_filename(tmp, "ref", NULL);
	char *log = g_build_filename(tmp, "log", NULL);
	const char *argv[] = { "build", "-j", jobs, "--specs", rspecs, "--lua", lua, "-o", out, NULL };
	const char *argv_ref[] = { "build", "--specs", rspecs, "--lua", lua, "-o", ref, NULL };
	const char *env_old[] = { "SOURCE_DATE_EPOCH=1700000000", NULL };
	const char *env_new[] = { "SOURCE_DATE_EPOCH=1800000000", NULL };
	const char *env_slow[] = { "SOURCE_DATE_EPOCH=1800000000", "CLAUSEGEN_TEST_SLOW_MS=120", NULL };
	GHashTable *old, *fresh, *now;
	child_result res;
	char **dirs, **d;
	int n_old = 0, n_new = 0;

	tu_copytree("specs", rspecs);
	res = spawn(argv, env_old, 0, 0, log);
	ck_assert_msg(res.status == 0, "first build: %d", res.status);
	res = spawn(argv_ref, env_new, 0, 0, log);
	ck_assert_msg(res.status == 0, "reference build: %d", res.status);
	old = snapshot(out);
	fresh = snapshot(ref);
	ck_assert(!same(old, fresh));
	/* Each file takes 120 ms more: stopped after 1.5 s, some contracts are
	 * done and one is in the middle. */
	res = spawn(argv, env_slow, 1500, sig, log);
	ck_assert_msg(res.status == 128 + sig, "interrupted build ended with %d", res.status);
	assert_no_stray(out);
	now = snapshot(out);
	dirs = util_list_dir(out, NULL, UTIL_LIST_DIRS);
	ck_assert_int_eq(g_strv_length(dirs), 10);
	/* Every contract's directory is wholly the old or wholly the new. */
	for (d = dirs; *d != NULL; d++) {
		char *base = g_path_get_basename(*d);
		GHashTableIter it;
		gpointer k, v;
		int is_old = 1, is_new = 1;
		size_t nfiles = 0, nold = 0;
		g_hash_table_iter_init(&it, now);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			const char *o, *f;
			if (!g_str_has_prefix(k, base) || ((char *)k)[strlen(base)] != '/')
				continue;
			nfiles++;
			o = g_hash_table_lookup(old, k);
			f = g_hash_table_lookup(fresh, k);
			is_old &= o != NULL && strcmp(o, v) == 0;
			is_new &= f != NULL && strcmp(f, v) == 0;
		}
		g_hash_table_iter_init(&it, old);
		while (g_hash_table_iter_next(&it, &k, &v))
			if (g_str_has_prefix(k, base) && ((char *)k)[strlen(base)] == '/')
				nold++;
		ck_assert_msg(nfiles == nold && (is_old || is_new), "%s is mixed or partial", base);
		n_old += is_old && !is_new;
		n_new += is_new && !is_old;
		g_free(base);
	}
	/* The test means something only when it stopped in the middle. */
	ck_assert_msg(n_old > 0, "the build finished before the signal");
	g_strfreev(dirs);
	g_hash_table_destroy(old);
	g_hash_table_destroy(fresh);
	g_hash_table_destroy(now);
	g_free(root);
	g_free(rspecs);
	g_free(ref);
	g_free(log);
}

START_TEST(sigterm_keeps_previous_outputs)
{
	interrupted(SIGTERM, "1");
}
END_TEST

START_TEST(sigint_keeps_previous_outputs)
{
	interrupted(SIGINT, "1");
}
END_TEST

START_TEST(sigint_with_workers_keeps_previous_outputs)
{
	interrupted(SIGINT, "2");
}
END_TEST

/* SIGTERM to the parent of -j alone: it passes the signal on, so its
 * workers stop where they are (each dies of SIGTERM, cleaning up its own
 * staging) instead of finishing a contract after their parent is gone
 * and dying of the broken pipe; every output is still wholly old or
 * new. */
START_TEST(sigterm_to_the_parent_alone_stops_its_workers)
{
	int i;

	signal_parent_only = 1;
	interrupted(SIGTERM, "2");
	signal_parent_only = 0;
	ck_assert_int_eq(nworker_status, 2);
	for (i = 0; i < nworker_status; i++)
		ck_assert_msg(WIFSIGNALED(worker_status[i]) && WTERMSIG(worker_status[i]) == SIGTERM,
		              "worker %d ended with status %#x, not by SIGTERM", i, worker_status[i]);
}
END_TEST

/* ---- hostile scripts, through the CLI ---- */

/* Runs `select` with lua/select.lua replaced by `code` under small limits;
 * expects exit 1 and an error at select.lua:LINE:1 containing `msg`. */
static const char *script_mem = "16";

static void expect_script_error(const char *code, int line, const char *msg)
{
	char *script = g_build_filename(lua, "select.lua", NULL);
	char *want = g_strdup_printf("%s:%d:1: error: ", script, line);
	gint64 t0 = g_get_monotonic_time();
	tu_run r;

	write_file(script, code, strlen(code));
	r = tu_cli("select", "--specs", specs, "--lua", lua, "--contract", contract, "--mem-limit",
	           script_mem, "--instr-limit", "5000000", NULL);
	EXPECT(r, 1, want);
	EXPECT(r, 1, msg);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(g_get_monotonic_time() - t0 < 20 * G_USEC_PER_SEC, "'%s' took too long", code);
	tu_run_free(&r);
	g_free(script);
	g_free(want);
}

#define VERDICT(body) "local M = {}\nfunction M.verdict(c, k, s)\n" body "\nend\nreturn M\n"

START_TEST(script_endless_loop)
{
	expect_script_error(VERDICT("  while true do end"), 3, "instruction limit of 5000000 exceeded");
	expect_script_error(VERDICT("  while true do pcall(function() while true do end end) end"), 3,
	                    "instruction limit");
	expect_script_error("local n = 0\nrepeat n = n + 1 until false\n", 2, "instruction limit");
}
END_TEST

START_TEST(script_memory_bomb)
{
	expect_script_error(VERDICT("  local t = {}\n  for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end"), 4,
	                    "script exceeded its memory limit of 16777216 bytes");
	expect_script_error(VERDICT("  return ('x'):rep(1e9), 'r'"), 3, "memory limit");
	expect_script_error("local s = 'ab'\nwhile true do s = s .. s end\n", 2, "memory limit");
}
END_TEST

START_TEST(script_memory_kept_between_calls)
{
	/* Memory filled at load time and the error caught: the host's own
	 * pushes must not abort; the script fails in its own code, or works. */
	char *script = g_build_filename(lua, "select.lua", NULL);
	const char *code = "G = {}\npcall(function() for i = 1, 1e9 do G[i] = {i} end end)\n"
	                   "local M = {}\nfunction M.verdict(c)\n  return 'required', 'n' .. #G\nend\n"
	                   "return M\n";
	tu_run r;

	write_file(script, code, strlen(code));
	r = tu_cli("select", "--specs", specs, "--lua", lua, "--contract", contract, "--mem-limit",
	           "8", NULL);
	ck_assert_msg(r.status == 0 || (r.status == 1 && strstr(r.err, "select.lua:") &&
	                                strstr(r.err, ":1: error: script exceeded its memory limit")),
	              "exit %d: %s", r.status, r.err);
	tu_run_free(&r);
	g_free(script);
}
END_TEST

START_TEST(script_endless_recursion)
{
	/* Lua's stack of a million slots needs more than 16 MiB. */
	script_mem = "64";
	expect_script_error("local M = {}\nlocal function f(n) return f(n + 1) + 1 end\n"
	                    "function M.verdict() return f(1) end\nreturn M\n",
	                    2, "stack overflow");
	/* Through C: gsub calling back into itself. */
	expect_script_error("local function f(s) return (s:gsub('.', f)) end\nlocal M = {}\n"
	                    "function M.verdict() return f('ab') end\nreturn M\n",
	                    1, "stack overflow");
	/* An __index chain that loops. */
	expect_script_error("local t = setmetatable({}, {})\ngetmetatable(t).__index = t\nreturn t.x\n",
	                    3, "'__index' chain too long");
	script_mem = "16";
	/* Under a small memory limit the stack's growth is what stops it. */
	expect_script_error("local M = {}\nlocal function f(n) return f(n + 1) + 1 end\n"
	                    "function M.verdict() return f(1) end\nreturn M\n",
	                    2, "memory limit");
}
END_TEST

START_TEST(script_reaches_for_what_is_hidden)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
		{ "io.open('/etc/passwd')", "attempt to index a nil value (global 'io')" },
		{ "os.execute('touch /tmp/pwned')", "attempt to index a nil value (global 'os')" },
		{ "os.exit(0)", "global 'os'" },
		{ "require('os')", "attempt to call a nil value (global 'require')" },
		{ "load('return 1')()", "global 'load'" },
		{ "loadstring('return 1')()", "global 'loadstring'" },
		{ "dofile('/etc/passwd')", "global 'dofile'" },
		{ "loadfile('/etc/passwd')", "global 'loadfile'" },
		{ "collectgarbage('count')", "global 'collectgarbage'" },
		{ "debug.getinfo(1)", "global 'debug'" },
		{ "package.loaded.os", "global 'package'" },
		{ "string.dump(print)", "field 'dump'" },
		{ "(''):dump()", "method 'dump'" },
		{ "getmetatable('').__index.rep('x', 2)", "field '__index'" },
		{ "coroutine.wrap(print)", "global 'coroutine'" },
		{ "rawset(_G, 'x', 1)", "global 'rawset'" },
		{ "print('x')", "global 'print'" },
		{ "setmetatable({}, {__gc = function() end})", "__gc metamethods are not allowed" },
		{ "math.randomseed(42)", "field 'randomseed'" },
		{ "c.id .. rawget(c, 'id')", "attempt to concatenate a nil value" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *code = g_strdup_printf("local M = {}\nfunction M.verdict(c, k, s)\n  return %s\nend\nreturn M\n",
		                             cases[i].expr);
		expect_script_error(code, 3, cases[i].msg);
		g_free(code);
	}
}
END_TEST

START_TEST(script_as_bytecode)
{
	char *script = g_build_filename(lua, "select.lua", NULL);
	tu_run r;

	/* The header of a precompiled chunk (string.dump's output). */
	write_file(script, "\x1bLuaT\x00\x19\x93\r\n\x1a\n\x04\x08\x08", 15);
	r = tu_cli("select", "--specs", specs, "--lua", lua, "--contract", contract, NULL);
	EXPECT(r, 1, "select.lua:1:6: error: NUL byte in text file");
	tu_run_free(&r);
	write_file(script, "\x1bLua return 1", 12);
	r = tu_cli("select", "--specs", specs, "--lua", lua, "--contract", contract, NULL);
	EXPECT(r, 1, "select.lua:1:1: error: ");
	EXPECT(r, 1, "attempt to load a binary chunk (mode is 't')");
	tu_run_free(&r);
	g_free(script);
}
END_TEST

START_TEST(script_c_loops)
{
	expect_script_error(VERDICT("  table.move({}, 1, math.maxinteger - 1, 2)"), 3,
	                    "instruction limit");
	expect_script_error(VERDICT("  local s = ('a'):rep(30000)\n  return s:find('.-.-.-.-b')"), 4,
	                    "instruction limit");
	expect_script_error(VERDICT("  local t = setmetatable({}, {__len = function() return 1 << 62 end})\n"
	                            "  table.insert(t, 1, 1)"),
	                    4, "instruction limit");
}
END_TEST

/* The default limits, in a real process: a loop and a memory bomb stop in
 * bounded time and memory. */
START_TEST(script_default_limits_in_a_process)
{
	char *script = g_build_filename(lua, "select.lua", NULL);
	char *log = g_build_filename(tmp, "log", NULL);
	const char *argv[] = { "select", "--specs", specs, "--lua", lua, "--contract", contract, NULL };
	child_result res;
	char *text;

	write_file(script, VERDICT("  while true do end"), strlen(VERDICT("  while true do end")));
	res = spawn(argv, NULL, 0, 0, log);
	text = read_log(log);
	ck_assert_msg(res.status == 1 && strstr(text, "select.lua:3:1: error: instruction limit of 200000000 exceeded"),
	              "exit %d: %s", res.status, text);
	ck_assert_msg(res.seconds < 60, "took %.1f s", res.seconds);
	g_free(text);
	write_file(script, VERDICT("  local t = {}\n  for i = 1, 1e9 do t[i] = {i} end"),
	           strlen(VERDICT("  local t = {}\n  for i = 1, 1e9 do t[i] = {i} end")));
	res = spawn(argv, NULL, 0, 0, log);
	text = read_log(log);
	ck_assert_msg(res.status == 1 && strstr(text, "select.lua:4:1: error: script exceeded its memory limit of 67108864 bytes"),
	              "exit %d: %s", res.status, text);
	ck_assert_msg(rss_within(res.maxrss_kb, 256 * 1024), "used %ld KiB", res.maxrss_kb);
	g_free(text);
	g_free(script);
	g_free(log);
}
END_TEST


/* A file outside a stage is written under a temporary name and renamed
 * over the old one, so a failure keeps the old file and leaves nothing; a
 * file in a stage is written under its own name (the stage is ours and
 * goes whole on failure), replaces one written before, and a failed one is
 * removed. */
START_TEST(files_in_and_out_of_a_stage)
{
	char *final = g_build_filename(out, "x", NULL), *stage, *p;
	cg_err e = { 0 };

	g_mkdir_with_parents(out, 0755);
	ck_assert(out_write_file(out, "kept", "old", 3, &e));
	out_test_inject("rename", 1, EIO);
	ck_assert(!out_write_file(out, "kept", "new", 3, &e));
	out_test_inject(NULL, 0, 0);
	ck_assert_str_eq(e.msg, "cannot rename into place: Input/output error");
	ck_assert(g_str_has_suffix(e.file, "/kept"));
	cg_err_clear(&e);
	tu_assert_file_text(out, "kept", "old");
	assert_no_stray(out);
	ck_assert_int_eq(tu_count_entries(out), 1);

	stage = out_stage_dir(final, &e);
	ck_assert_ptr_nonnull(stage);
	/* No rename in a stage: an injected one is not reached. */
	out_test_inject("rename", 1, EIO);
	ck_assert(out_write_file(stage, "a.md", "long text\n", 10, &e));
	ck_assert(out_write_file(stage, "a.md", "short\n", 6, &e));
	out_test_inject(NULL, 0, 0);
	ck_assert_int_eq(tu_count_entries(stage), 1);
	tu_assert_file_text(stage, "a.md", "short\n");
	out_test_inject("write", 1, ENOSPC);
	ck_assert(!out_write_file(stage, "b.md", "b\n", 2, &e));
	ck_assert_str_eq(e.msg, "cannot write: No space left on device");
	ck_assert(g_str_has_suffix(e.file, "/b.md"));
	cg_err_clear(&e);
	out_test_inject("create", 1, ENOSPC);
	ck_assert(!out_write_file(stage, "a.md", "c\n", 2, &e));
	ck_assert_str_eq(e.msg, "cannot create: No space left on device");
	cg_err_clear(&e);
	out_test_inject(NULL, 0, 0);
	/* b.md went; a.md, which the failed create did not open, stays. */
	ck_assert_int_eq(tu_count_entries(stage), 1);
	ck_assert(out_commit_dir(stage, final, &e));
	p = g_build_filename(final, "a.md", NULL);
	ck_assert(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	g_free(p);
	assert_no_stray(out);
	g_free(stage);
	g_free(final);
}
END_TEST

/* What the signal handlers do, in-process: everything in flight goes,
 * nested directories included; and the hooks read from the environment. */
START_TEST(cleanup_of_what_is_in_flight)
{
	char *final = g_build_filename(out, "x", NULL);
	char *stage, *sub;
	cg_err e = { 0 };
	gint64 t0;

	g_mkdir_with_parents(out, 0755);
	stage = out_stage_dir(final, &e);
	ck_assert_ptr_nonnull(stage);
	ck_assert(out_write_file(stage, "a.md", "a\n", 2, &e));
	sub = g_build_filename(stage, "fonts", "deeper", NULL);
	g_mkdir_with_parents(sub, 0755);
	g_free(tu_write(sub, "b.txt", "b\n"));
	out_cleanup_inflight();
	ck_assert(!g_file_test(stage, G_FILE_TEST_EXISTS));
	ck_assert_int_eq(tu_count_entries(out), 0);
	out_remove_tree(stage); /* unregisters it; nothing left to remove */
	g_free(stage);
	g_free(sub);
	/* Staging refuses names that are not one entry of the directory. */
	ck_assert_ptr_null(out_stage_dir("/", &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "not a directory name inside the output directory"));
	cg_err_clear(&e);
	/* CLAUSEGEN_TEST_INJECT and CLAUSEGEN_TEST_SLOW_MS. */
	g_setenv("CLAUSEGEN_TEST_INJECT", "write:2:ENOSPC", TRUE);
	g_setenv("CLAUSEGEN_TEST_SLOW_MS", "50", TRUE);
	out_test_inject(NULL, 0, 0);
	t0 = g_get_monotonic_time();
	ck_assert(out_write_file(out, "one", "1", 1, &e));
	ck_assert(g_get_monotonic_time() - t0 >= 50000);
	ck_assert(!out_write_file(out, "two", "2", 1, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "No space left on device"));
	cg_err_clear(&e);
	g_setenv("CLAUSEGEN_TEST_INJECT", "fsync:1:5", TRUE);
	g_unsetenv("CLAUSEGEN_TEST_SLOW_MS");
	out_test_inject(NULL, 0, 0);
	ck_assert(!out_write_file(out, "three", "3", 1, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot flush: Input/output error"));
	cg_err_clear(&e);
	g_unsetenv("CLAUSEGEN_TEST_INJECT");
	out_test_inject(NULL, 0, 0);
	ck_assert(out_write_file(out, "four", "4", 1, &e));
	assert_no_stray(out);
	ck_assert_int_eq(tu_count_entries(out), 2);
	/* A committed stage over an existing output, then a failed rename. */
	stage = out_stage_dir(final, &e);
	ck_assert(out_commit_dir(stage, final, &e));
	g_free(stage);
	stage = out_stage_dir(final, &e);
	ck_assert(out_commit_dir(stage, final, &e));
	g_free(stage);
	stage = out_stage_dir(final, &e);
	out_test_inject("rename", 1, EIO);
	ck_assert(!out_commit_dir(stage, final, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot replace output"));
	cg_err_clear(&e);
	out_remove_tree(stage);
	g_free(stage);
	tu_rmtree(final);
	stage = out_stage_dir(final, &e);
	out_test_inject("rename", 1, EIO);
	ck_assert(!out_commit_dir(stage, final, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot move output into place"));
	cg_err_clear(&e);
	out_remove_tree(stage);
	g_free(stage);
	assert_no_stray(out);
	g_free(final);
}
END_TEST

/* Atomic output at its edges, in-process (src/out.c): names that are not
 * one entry of the output directory, interrupted writes, what counts as
 * inside a stage, and commits that cannot happen leaving the previous
 * output alone. */
START_TEST(output_edge_cases)
{
	char *final = g_build_filename(out, "x", NULL);
	char *dot = g_strconcat(out, "/.", NULL), *dotdot = g_strconcat(out, "/..", NULL);
	char *stage, *sub, *twin, *text = NULL;
	cg_err e = { 0 };
	struct stat st_out, st_shm;

	g_mkdir_with_parents(out, 0755);
	ck_assert_ptr_null(out_stage_dir(dot, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "not a directory name inside the output directory"));
	cg_err_clear(&e);
	ck_assert_ptr_null(out_stage_dir(dotdot, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "not a directory name inside the output directory"));
	cg_err_clear(&e);
	out_remove_tree(NULL);
	ck_assert_int_eq(tu_count_entries(out), 0);
	/* A write interrupted by a signal is retried, not reported. */
	out_test_inject("write", 1, EINTR);
	ck_assert(out_write_file(out, "eintr", "abc", 3, &e));
	tu_assert_file_text(out, "eintr", "abc");
	/* A hook value that is not OP:N:ERRNO is ignored. */
	g_setenv("CLAUSEGEN_TEST_INJECT", "write:1", TRUE);
	out_test_inject(NULL, 0, 0);
	ck_assert(out_write_file(out, "plain", "p", 1, &e));
	g_unsetenv("CLAUSEGEN_TEST_INJECT");
	out_test_inject(NULL, 0, 0);
	/* Files in a stage, and below it, are flushed with the stage when it
	 * is committed; a directory whose name merely begins like the stage's
	 * is not in it and is flushed file by file. */
	stage = out_stage_dir(final, &e);
	ck_assert_ptr_nonnull(stage);
	sub = g_build_filename(stage, "fonts", NULL);
	twin = g_strconcat(stage, "x", NULL);
	g_mkdir_with_parents(sub, 0755);
	g_mkdir_with_parents(twin, 0755);
	out_test_inject("fsync", 1, EIO);
	ck_assert(out_write_file(sub, "a", "a", 1, &e));
	ck_assert(!out_write_file(twin, "b", "b", 1, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot flush: Input/output error"));
	cg_err_clear(&e);
	out_test_inject("fsync", 1, EIO);
	ck_assert(!out_write_file(tmp, "c", "c", 1, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot flush: Input/output error"));
	cg_err_clear(&e);
	out_test_inject(NULL, 0, 0);
	ck_assert_int_eq(tu_count_entries(twin), 0);
	tu_rmtree(twin);
	/* A stage removed before its commit: nothing is put in place. */
	out_remove_tree(stage);
	ck_assert(!out_commit_dir(stage, final, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot flush: No such file or directory"));
	cg_err_clear(&e);
	ck_assert(!g_file_test(final, G_FILE_TEST_EXISTS));
	g_free(stage);
	/* The handlers' cleanup goes on past a stage someone else removed. */
	{
		char *fy = g_build_filename(out, "y", NULL), *fz = g_build_filename(out, "z", NULL);
		char *sy = out_stage_dir(fy, &e), *sz = out_stage_dir(fz, &e);
		ck_assert_ptr_nonnull(sy);
		ck_assert_ptr_nonnull(sz);
		ck_assert_int_eq(rmdir(sy), 0);
		g_free(tu_write(sz, "f.md", "f\n"));
		out_cleanup_inflight();
		ck_assert(!g_file_test(sz, G_FILE_TEST_EXISTS));
		out_remove_tree(sy); /* unregisters both */
		out_remove_tree(sz);
		g_free(fy);
		g_free(fz);
		g_free(sy);
		g_free(sz);
	}
	/* The output became a file meanwhile: refused, the file kept. */
	stage = out_stage_dir(final, &e);
	ck_assert_ptr_nonnull(stage);
	g_free(tu_write(out, "x", "someone's file\n"));
	ck_assert(!out_commit_dir(stage, final, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "the output exists and is not a directory"));
	cg_err_clear(&e);
	ck_assert(g_file_get_contents(final, &text, NULL, NULL));
	ck_assert_str_eq(text, "someone's file\n");
	g_free(text);
	out_remove_tree(stage);
	g_free(stage);
	g_unlink(final);
	/* A stage on another file system cannot be swapped in: the previous
	 * output stays whole (where /dev/shm is another file system). */
	if (stat(out, &st_out) == 0 && stat("/dev/shm", &st_shm) == 0 && st_out.st_dev != st_shm.st_dev) {
		char shm[] = "/dev/shm/clausegen-stage-XXXXXX";
		ck_assert_ptr_nonnull(mkdtemp(shm));
		g_free(tu_write(shm, "new.txt", "new\n"));
		g_free(tu_write(final, "old.txt", "old\n"));
		ck_assert(!out_commit_dir(shm, final, &e));
		ck_assert_ptr_nonnull(strstr(e.msg, "cannot replace output: Invalid cross-device link"));
		cg_err_clear(&e);
		ck_assert_int_eq(tu_count_entries(final), 1);
		tu_assert_file_text(final, "old.txt", "old\n");
		tu_rmtree(shm);
		tu_rmtree(final);
	}
	assert_no_stray(out);
	ck_assert_int_eq(tu_count_entries(out), 2); /* eintr and plain */
	g_free(sub);
	g_free(twin);
	g_free(dot);
	g_free(dotdot);
	g_free(final);
}
END_TEST

/* The stamp is written last, into the stage: when it cannot be, the build
 * fails with exit 3 and the previous output, its stamp included, stays as
 * it was; the next build finds that one up to date. */
START_TEST(stamp_that_cannot_be_written)
{
	char *c = tu_write(tmp, "sel.yaml", "id: sel\ntitle: t\nsource: nisc\ncategory: asp\n"
	                   "documents: [selection]\n");
	GHashTable *before, *after;
	tu_run r;

	g_setenv("SOURCE_DATE_EPOCH", "1767225600", TRUE);
	r = tu_cli("build", "--specs", specs, "--lua", lua, "-o", out, c, NULL);
	EXPECT(r, 0, "built ");
	tu_run_free(&r);
	before = snapshot(out);
	ck_assert_ptr_nonnull(g_hash_table_lookup(before, "sel/.clausegen-inputs"));
	/* selection.json, selection.md, then the stamp. */
	out_test_inject("create", 3, ENOSPC);
	r = tu_cli("build", "--force", "--specs", specs, "--lua", lua, "-o", out, c, NULL);
	out_test_inject(NULL, 0, 0);
	EXPECT(r, 3, "/.clausegen-inputs:1:1: error: cannot create: No space left on device");
	tu_run_free(&r);
	after = snapshot(out);
	ck_assert(same(before, after));
	assert_no_stray(out);
	ck_assert_int_eq(tu_count_entries(out), 1);
	r = tu_cli("build", "--specs", specs, "--lua", lua, "-o", out, c, NULL);
	EXPECT(r, 0, "up to date ");
	tu_run_free(&r);
	g_unsetenv("SOURCE_DATE_EPOCH");
	g_hash_table_destroy(before);
	g_hash_table_destroy(after);
	g_free(c);
}
END_TEST

/* The cleanup handlers: installed once, and a signal the caller ignores
 * (nohup) stays ignored. In a child, so that this process keeps its own. */
START_TEST(cleanup_handlers_respect_ignored_signals)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sigaction hup, term;
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, SIG_DFL);
		out_install_signal_cleanup();
		out_install_signal_cleanup();
		sigaction(SIGHUP, NULL, &hup);
		sigaction(SIGTERM, NULL, &term);
		if (hup.sa_handler != SIG_IGN)
			exit(10);
		if (term.sa_handler == SIG_DFL || term.sa_handler == SIG_IGN)
			exit(11);
		raise(SIGHUP); /* still ignored: we go on */
		exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: status %d", st);
}
END_TEST

/* ---- the PDF back-end, a module the program loads (pdfmod.h) ---- */

/* Symbols that instrumented builds add to every module, not ours:
 * AddressSanitizer's ODR indicator of each global, and what libgcov
 * exports for its copies in several objects to find each other
 * (tests/coverage.sh). */
static int instrumentation(const char *name)
{
#if defined(CLAUSEGEN_COVERAGE)
	if (g_str_has_prefix(name, "__gcov_") || strcmp(name, "mangle_path") == 0)
		return 1;
#endif
	return g_str_has_prefix(name, "__odr_asan");
}

/* The names a table of the ELF file `data` lists: the DT_NEEDED entries of
 * its dynamic section (`needed`), or the global symbols its .dynsym defines.
 * Read here rather than through readelf, so that a missing tool cannot turn
 * the check into a pass. */
static GPtrArray *elf_names(const char *data, size_t len, int needed)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;
	const Elf64_Shdr *sh;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	size_t i, j;

	ck_assert(len >= sizeof *eh && memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
	ck_assert_msg(eh->e_ident[EI_CLASS] == ELFCLASS64, "not a 64-bit ELF file");
	ck_assert(eh->e_shentsize == sizeof *sh && eh->e_shoff + eh->e_shnum * sizeof *sh <= len);
	sh = (const Elf64_Shdr *)(data + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *s = &sh[i], *str;
		if (s->sh_type != (needed ? SHT_DYNAMIC : SHT_DYNSYM))
			continue;
		ck_assert(s->sh_link < eh->e_shnum && s->sh_offset + s->sh_size <= len);
		str = &sh[s->sh_link];
		ck_assert(str->sh_offset + str->sh_size <= len);
		if (needed) {
			const Elf64_Dyn *d = (const Elf64_Dyn *)(data + s->sh_offset);
			for (j = 0; j < s->sh_size / sizeof *d && d[j].d_tag != DT_NULL; j++)
				if (d[j].d_tag == DT_NEEDED) {
					ck_assert(d[j].d_un.d_val < str->sh_size);
					g_ptr_array_add(names, g_strndup(data + str->sh_offset + d[j].d_un.d_val,
					                                 str->sh_size - d[j].d_un.d_val));
				}
		} else {
			const Elf64_Sym *y = (const Elf64_Sym *)(data + s->sh_offset);
			for (j = 1; j < s->sh_size / sizeof *y; j++) {
				int bind = ELF64_ST_BIND(y[j].st_info);
				if (y[j].st_shndx == SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK))
					continue;
				ck_assert(y[j].st_name < str->sh_size);
				if (instrumentation(data + str->sh_offset + y[j].st_name))
					continue;
				g_ptr_array_add(names, g_strndup(data + str->sh_offset + y[j].st_name,
				                                 str->sh_size - y[j].st_name));
			}
		}
	}
	return names;
}

static GPtrArray *elf_file_names(const char *path, int needed)
{
	gchar *data;
	gsize len;
	GPtrArray *names;

	ck_assert_msg(g_file_get_contents(path, &data, &len, NULL), "cannot read %s", path);
	names = elf_names(data, len, needed);
	g_free(data);
	return names;
}

/* Which of the libraries the PDF back-end brings `names` lists, or NULL. */
static const char *drawing_library(const GPtrArray *names)
{
	static const char *const libs[] = { "libcairo", "libpango", "libfontconfig",
		                            "libfreetype", "libharfbuzz", "libpixman",
		                            "libpng", "libX11", "libxcb", NULL };
	guint i;
	int k;

	for (i = 0; i < names->len; i++)
		for (k = 0; libs[k] != NULL; k++)
			if (g_str_has_prefix(g_ptr_array_index(names, i), libs[k]))
				return g_ptr_array_index(names, i);
	return NULL;
}

static char *module_path(void)
{
	char *dir = g_path_get_dirname(CLAUSEGEN_BIN);
	char *p = g_build_filename(dir, "clausegen-pdf.so", NULL);

	g_free(dir);
	return p;
}

/* Start-up time: the program needs none of cairo, pango and fontconfig
 * (some 35 libraries to map); the module has them, and exports one table. */
START_TEST(program_does_not_link_the_pdf_libraries)
{
	char *mod = module_path();
	GPtrArray *prog = elf_file_names(CLAUSEGEN_BIN, 1);
	GPtrArray *pdf = elf_file_names(mod, 1);
	GPtrArray *exports = elf_file_names(mod, 0);
	const char *lib = drawing_library(prog);
	guint i;
	int libc = 0;

	for (i = 0; i < prog->len; i++)
		libc |= g_str_has_prefix(g_ptr_array_index(prog, i), "libc.so");
	ck_assert_msg(libc, "no NEEDED libc.so in %s: the ELF reader is broken", CLAUSEGEN_BIN);
	ck_assert_msg(lib == NULL, "%s needs %s", CLAUSEGEN_BIN, lib);
	/* The module does: the same reader finds them there. */
	ck_assert_msg(drawing_library(pdf) != NULL, "%s needs no cairo or pango", mod);
	ck_assert_int_eq(exports->len, 1);
	ck_assert_str_eq(g_ptr_array_index(exports, 0), "clausegen_pdf_backend");
	g_ptr_array_free(prog, TRUE);
	g_ptr_array_free(pdf, TRUE);
	g_ptr_array_free(exports, TRUE);
	g_free(mod);
}
END_TEST

/* Runs `build ARGS` (NULL-terminated, without the output and the contract)
 * as a process with CLAUSEGEN_PDF_MODULE=`module` (none when NULL); returns
 * the exit status and the log's text in *text (g_free). */
static int build_with_module(const char *module, const char *const *args, char **text)
{
	const char *argv[16];
	const char *env[] = { NULL, NULL };
	char *log = g_build_filename(tmp, "log", NULL);
	char *var = module ? g_strdup_printf("CLAUSEGEN_PDF_MODULE=%s", module) : NULL;
	child_result res;
	int n = 0;

	argv[n++] = "build";
	argv[n++] = "--specs";
	argv[n++] = specs;
	argv[n++] = "--lua";
	argv[n++] = lua;
	argv[n++] = "-o";
	argv[n++] = out;
	while (*args != NULL && n < 14)
		argv[n++] = *args++;
	argv[n++] = contract;
	argv[n] = NULL;
	env[0] = var;
	res = spawn(argv, env, 0, 0, log);
	*text = read_log(log);
	g_free(var);
	g_free(log);
	return res.status;
}

/* A PDF module that cannot be loaded: the build stops with exit 3 and a
 * message naming the module and why, writing nothing; a build that draws
 * no PDF does not need it. */
START_TEST(pdf_module_that_cannot_be_loaded)
{
	static const char *const none[] = { NULL }, *const html[] = { "--formats", "html", NULL };
	char *missing = g_build_filename(tmp, "nowhere", "clausegen-pdf.so", NULL);
	char *text_file = g_build_filename(tmp, "not-a-module.so", NULL);
	char *dir = g_build_filename(out, "nisc-asp-yoyaku", NULL), *p, *text;
	struct {
		const char *module, *why;
	} cases[] = {
		{ missing, ": no such file" },
		{ text_file, "" },
		{ CLAUSEGEN_TEST_MODULE_NO_TABLE, " is not a clausegen PDF module (it has no "
		                                  "clausegen_pdf_backend)" },
		{ CLAUSEGEN_TEST_MODULE_OTHER_ABI, " was built for another clausegen (module ABI" },
		{ CLAUSEGEN_TEST_MODULE_OTHER_VERSION, " was built for another clausegen (version "
		                                       "0.0.0-other" },
	};
	size_t i;

	write_file(text_file, "not a module\n", 13);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *want = g_strdup_printf("clausegen: error: cannot load the PDF back-end that "
		                             "CLAUSEGEN_PDF_MODULE names: %s%s",
		                             cases[i].module, cases[i].why);
		int st = build_with_module(cases[i].module, none, &text);
		ck_assert_msg(st == 3 && strstr(text, want) != NULL, "%s: exit %d: %s", cases[i].module,
		              st, text);
		ck_assert_msg(tu_count_entries(out) <= 0, "%s: output written", cases[i].module);
		g_free(text);
		g_free(want);
	}
	/* HTML alone loads no module. */
	ck_assert_int_eq(build_with_module(missing, html, &text), 0);
	g_free(text);
	p = g_build_filename(dir, "spec.html", NULL);
	ck_assert_msg(g_file_test(p, G_FILE_TEST_IS_REGULAR), "no %s", p);
	g_free(p);
	p = g_build_filename(dir, "spec.pdf", NULL);
	ck_assert(!g_file_test(p, G_FILE_TEST_EXISTS));
	g_free(p);
	g_free(dir);
	g_free(text_file);
	g_free(missing);
}
END_TEST

/* The PDFs of a build, drawn by the module beside the program (the program
 * itself cannot draw them: see program_does_not_link_the_pdf_libraries). */
START_TEST(pdf_through_the_module)
{
	static const char *const pdf[] = { "--formats", "pdf", NULL };
	char *p = g_build_filename(out, "nisc-asp-yoyaku", "spec.pdf", NULL), *text;
	gchar *data = NULL;
	gsize len = 0;
	int st = build_with_module(NULL, pdf, &text);

	ck_assert_msg(st == 0, "exit %d: %s", st, text);
	ck_assert_msg(g_file_get_contents(p, &data, &len, NULL), "no %s", p);
	ck_assert(len > 1000 && memcmp(data, "%PDF-", 5) == 0);
	g_free(data);
	g_free(text);
	g_free(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("inputs");
	TCase *tp = tcase_create("processes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, alias_bomb);
	tcase_add_test(tc, nesting_ten_thousand_deep);
	tcase_add_test(tc, too_many_nodes);
	tcase_add_test(tc, files_over_the_size_limit);
	tcase_add_test(tc, invalid_utf8_and_nul_in_clause_text);
	tcase_add_test(tc, bom_and_crlf);
	tcase_add_test(tc, contract_ids_that_are_paths);
	tcase_add_test(tc, clause_ids_that_are_paths);
	tcase_add_test(tc, symlinked_output_directory);
	tcase_add_test(tc, full_disk);
	tcase_add_test(tc, full_disk_on_a_small_tmpfs);
	tcase_add_test(tc, read_only_output_directory);
	tcase_add_test(tc, cleanup_of_what_is_in_flight);
	tcase_add_test(tc, files_in_and_out_of_a_stage);
	tcase_add_test(tc, script_endless_loop);
	tcase_add_test(tc, script_memory_bomb);
	tcase_add_test(tc, script_memory_kept_between_calls);
	tcase_add_test(tc, script_endless_recursion);
	tcase_add_test(tc, script_reaches_for_what_is_hidden);
	tcase_add_test(tc, script_as_bytecode);
	tcase_add_test(tc, script_c_loops);
	tcase_add_test(tc, output_edge_cases);
	tcase_add_test(tc, stamp_that_cannot_be_written);
	tcase_add_test(tc, cleanup_handlers_respect_ignored_signals);
	suite_add_tcase(s, tc);
	/* Real processes: the built binary, its memory and signals. */
	tcase_add_checked_fixture(tp, setup, teardown);
	tcase_set_timeout(tp, 300);
	tcase_add_test(tp, hundred_megabyte_line);
	tcase_add_test(tp, sigterm_keeps_previous_outputs);
	tcase_add_test(tp, sigint_keeps_previous_outputs);
	tcase_add_test(tp, sigint_with_workers_keeps_previous_outputs);
	tcase_add_test(tp, sigterm_to_the_parent_alone_stops_its_workers);
	tcase_add_test(tp, script_default_limits_in_a_process);
	tcase_add_test(tp, program_does_not_link_the_pdf_libraries);
	tcase_add_test(tp, pdf_module_that_cannot_be_loaded);
	tcase_add_test(tp, pdf_through_the_module);
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
