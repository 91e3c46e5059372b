/* check_spcache.c: the source cache (spcache.c) behind spec_load.
 *
 * A source from an image must equal, field by field and down to every
 * position of every YAML node, the source the loader parses; it must really
 * come from the image; any change of an input (content, timestamps, an added,
 * removed or renamed file) must be a miss that shows the new content; a
 * damaged or foreign image must be a miss that is replaced, never a crash;
 * the cache can be turned off, and a cache that cannot be written never fails
 * a load; files written just now are not saved (the racy-write rule).
 *
 * Every test points CLAUSEGEN_CACHE_DIR at its own temporary directory. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "render.h"
#include "spcache.h"
#include "spec.h"
#include "stamp.h"
#include "testutil.h"

static char *tmp, *cache, *saved_home, *saved_xdg;

static void setup(void)
{
	saved_home = g_strdup(g_getenv("HOME"));
	saved_xdg = g_strdup(g_getenv("XDG_CACHE_HOME"));
	tmp = tu_tmpdir();
	cache = g_build_filename(tmp, "cache", NULL);
	g_setenv("CLAUSEGEN_CACHE_DIR", cache, TRUE);
}

/* Puts back a variable a test changed (CK_FORK=no runs every test in one
 * process). */
static void restore(const char *name, const char *value)
{
	if (value != NULL)
		g_setenv(name, value, TRUE);
	else
		g_unsetenv(name);
}

static void teardown(void)
{
	restore("HOME", saved_home);
	restore("XDG_CACHE_HOME", saved_xdg);
	g_free(saved_home);
	g_free(saved_xdg);
	spcache_racy_window_set(-1);
	tu_rmtree(tmp);
	g_free(tmp);
	g_free(cache);
}

/* ---- deep comparison ---- */

/* The first difference found, if any: one assertion per comparison instead
 * of one per field (Check records every assertion it passes, which for
 * thousands of clauses was most of the suite's time). */
static GString *diff;

#define SAME_STR(a, b, what)                                                                   \
	do {                                                                                     \
		const char *a_ = (a), *b_ = (b);                                                 \
		if (diff->len == 0 && (a_ == NULL || b_ == NULL ? a_ != b_ : strcmp(a_, b_) != 0)) \
			g_string_printf(diff, "%s: '%s' != '%s' (line %d)", (what),              \
			                a_ ? a_ : "(null)", b_ ? b_ : "(null)", __LINE__);      \
	} while (0)
#define SAME_INT(a, b, what)                                                                   \
	do {                                                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);                              \
		if (diff->len == 0 && a_ != b_)                                                  \
			g_string_printf(diff, "%s: %lld != %lld (line %d)", (what), a_, b_,      \
			                __LINE__);                                               \
	} while (0)
#define SAME_IF(cond, what)                                                                    \
	do {                                                                                     \
		if (diff->len == 0 && !(cond))                                                   \
			g_string_printf(diff, "%s (line %d)", (what), __LINE__);                 \
	} while (0)

static void ynode_equal(const ynode *a, const ynode *b, const char *what)
{
	size_t i, cnt;

	SAME_IF(a != NULL && b != NULL, what);
	if (a == NULL || b == NULL)
		return;
	SAME_INT(a->type, b->type, what);
	if (diff->len > 0)
		return;
	SAME_INT(a->line, b->line, what);
	SAME_INT(a->col, b->col, what);
	SAME_INT(a->quoted, b->quoted, what);
	SAME_STR(a->str, b->str, what);
	SAME_INT(a->n, b->n, what);
	if (diff->len > 0)
		return;
	cnt = a->type == YN_MAP ? 2 * a->n : a->n;
	for (i = 0; i < cnt; i++)
		ynode_equal(a->items[i], b->items[i], what);
}

static void strv_equal(char *const *a, char *const *b, size_t n, const char *what)
{
	size_t i;

	SAME_IF((a == NULL) == (b == NULL), what);
	if (a == NULL || b == NULL)
		return;
	for (i = 0; i < n && diff->len == 0; i++) {
		SAME_IF(b[i] != NULL, what);
		if (b[i] != NULL)
			SAME_STR(a[i], b[i], what);
	}
	SAME_IF(diff->len > 0 || (a[n] == NULL && b[n] == NULL), what);
}

static void dims_equal(const sp_dim *a, const sp_dim *b, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++) {
		SAME_STR(a[i].id, b[i].id, what);
		SAME_STR(a[i].name, b[i].name, what);
		SAME_STR(a[i].note, b[i].note, what);
	}
}

static void conds_equal(const sp_cond *a, size_t na, const sp_cond *b, size_t nb,
                        const char *what)
{
	size_t i;

	SAME_INT(na, nb, what);
	SAME_IF((a == NULL) == (b == NULL), what);
	if (diff->len > 0)
		return;
	for (i = 0; i < na; i++) {
		SAME_INT(a[i].attr, b[i].attr, what);
		SAME_INT(a[i].nvalues, b[i].nvalues, what);
		if (diff->len > 0)
			return;
		strv_equal(a[i].values, b[i].values, a[i].nvalues, what);
	}
}

/* Marks are compared by text, and each must point into its own source's
 * vocabulary: spec_free does not free them. */
static void marks_equal(const sp_source *sa, const sp_clause *a, const sp_source *sb,
                        const sp_clause *b)
{
	size_t t, i, v;

	SAME_IF((a->marks == NULL) == (b->marks == NULL), a->id);
	if (a->marks == NULL || b->marks == NULL)
		return;
	for (t = 0; t < sa->ntables; t++) {
		size_t n = SP_NCLASSES(sa) * sa->tables[t].ncols;
		SAME_IF((a->marks[t] == NULL) == (b->marks[t] == NULL), a->id);
		if (a->marks[t] == NULL || b->marks[t] == NULL)
			continue;
		for (i = 0; i < n; i++) {
			SAME_STR(a->marks[t][i], b->marks[t][i], a->id);
			for (v = 0; v < sb->nvocab; v++)
				if (b->marks[t][i] == sb->vocab[v].mark)
					break;
			SAME_IF(v < sb->nvocab, "a mark outside the vocabulary");
		}
	}
}

static void clause_equal(const sp_source *sa, const sp_clause *a, const sp_source *sb,
                         const sp_clause *b)
{
	size_t i;
	const char *w = a->id;

	SAME_STR(a->id, b->id, w);
	SAME_STR(a->number, b->number, w);
	SAME_STR(a->title, b->title, w);
	SAME_INT(a->section, b->section, w);
	SAME_STR(a->body, b->body, w);
	marks_equal(sa, a, sb, b);
	conds_equal(a->when, a->nwhen, b->when, b->nwhen, w);
	conds_equal(a->unless, a->nunless, b->unless, b->nunless, w);
	SAME_INT(a->verdict, b->verdict, w);
	SAME_INT(a->nrefs, b->nrefs, w);
	if (diff->len > 0)
		return;
	for (i = 0; i < a->nrefs; i++) {
		SAME_STR(a->refs[i].label, b->refs[i].label, w);
		SAME_STR(a->refs[i].url, b->refs[i].url, w);
		SAME_STR(a->refs[i].note, b->refs[i].note, w);
	}
	SAME_INT(a->napps, b->napps, w);
	if (diff->len > 0)
		return;
	for (i = 0; i < a->napps; i++)
		SAME_INT(a->apps[i], b->apps[i], w);
	SAME_INT(a->seed_first, b->seed_first, w);
	SAME_INT(a->seed_last, b->seed_last, w);
	SAME_STR(a->note, b->note, w);
	SAME_STR(a->file, b->file, w);
	SAME_INT(a->line, b->line, w);
	SAME_INT(a->col, b->col, w);
}

static void spec_compare(const sp_source *a, const sp_source *b)
{
	size_t i, j;

	SAME_STR(a->id, b->id, "id");
	SAME_STR(a->title, b->title, "title");
	SAME_STR(a->publisher, b->publisher, "publisher");
	SAME_STR(a->version, b->version, "version");
	SAME_STR(a->seed_file, b->seed_file, "seed_file");
	SAME_INT(a->seed_first, b->seed_first, "seed_first");
	SAME_INT(a->seed_last, b->seed_last, "seed_last");
	SAME_STR(a->dir, b->dir, "dir");
	SAME_STR(a->file, b->file, "file");
	SAME_INT(a->nclasses, b->nclasses, "nclasses");
	if (diff->len > 0)
		return;
	dims_equal(a->classes, b->classes, a->nclasses, "classes");
	SAME_INT(a->ncats, b->ncats, "ncats");
	if (diff->len > 0)
		return;
	dims_equal(a->cats, b->cats, a->ncats, "categories");
	SAME_INT(a->ntables, b->ntables, "ntables");
	if (diff->len > 0)
		return;
	for (i = 0; i < a->ntables; i++) {
		const sp_table *x = &a->tables[i], *y = &b->tables[i];
		SAME_STR(x->id, y->id, "table");
		SAME_STR(x->title, y->title, "table title");
		SAME_STR(x->note, y->note, "table note");
		SAME_INT(x->ncols, y->ncols, "table ncols");
		if (diff->len > 0)
			return;
		for (j = 0; j < x->ncols; j++)
			SAME_INT(x->cols[j], y->cols[j], "table column");
		SAME_INT(x->seed_first, y->seed_first, "table seed");
		SAME_INT(x->seed_last, y->seed_last, "table seed");
	}
	SAME_INT(a->select_table, b->select_table, "select_table");
	SAME_INT(a->spec_table, b->spec_table, "spec_table");
	SAME_INT(a->nvocab, b->nvocab, "nvocab");
	if (diff->len > 0)
		return;
	for (i = 0; i < a->nvocab; i++) {
		SAME_STR(a->vocab[i].mark, b->vocab[i].mark, "mark");
		SAME_INT(a->vocab[i].verdict, b->vocab[i].verdict, "mark verdict");
	}
	SAME_INT(a->nattrs, b->nattrs, "nattrs");
	if (diff->len > 0)
		return;
	for (i = 0; i < a->nattrs; i++) {
		const sp_attr *x = &a->attrs[i], *y = &b->attrs[i];
		SAME_STR(x->id, y->id, "attribute");
		SAME_STR(x->name, y->name, "attribute name");
		SAME_STR(x->note, y->note, "attribute note");
		SAME_INT(x->type, y->type, "attribute type");
		SAME_INT(x->nvalues, y->nvalues, "attribute nvalues");
		if (diff->len > 0)
			return;
		strv_equal(x->values, y->values, x->nvalues, "attribute values");
	}
	SAME_INT(a->default_verdict, b->default_verdict, "default_verdict");
	SAME_STR(a->orderer, b->orderer, "orderer");
	SAME_STR(a->vendor, b->vendor, "vendor");
	strv_equal(a->orderer_terms, b->orderer_terms, g_strv_length(a->orderer_terms),
	           "orderer_terms");
	strv_equal(a->vendor_terms, b->vendor_terms, g_strv_length(a->vendor_terms),
	           "vendor_terms");
	strv_equal(a->protect, b->protect, g_strv_length(a->protect), "protect");
	SAME_INT(a->nsections, b->nsections, "nsections");
	if (diff->len > 0)
		return;
	for (i = 0; i < a->nsections; i++) {
		const sp_section *x = &a->sections[i], *y = &b->sections[i];
		SAME_STR(x->id, y->id, "section");
		SAME_STR(x->number, y->number, x->id);
		SAME_STR(x->title, y->title, x->id);
		SAME_INT(x->parent, y->parent, x->id);
		SAME_INT(x->depth, y->depth, x->id);
		SAME_INT(x->seed_first, y->seed_first, x->id);
		SAME_INT(x->seed_last, y->seed_last, x->id);
		SAME_INT(x->line, y->line, x->id);
		SAME_INT(x->col, y->col, x->id);
	}
	SAME_STR(a->preamble, b->preamble, "preamble");
	SAME_INT(a->napps, b->napps, "napps");
	if (diff->len > 0)
		return;
	for (i = 0; i < a->napps; i++) {
		const sp_appendix *x = &a->apps[i], *y = &b->apps[i];
		SAME_STR(x->id, y->id, "appendix");
		SAME_STR(x->title, y->title, x->id);
		SAME_STR(x->body, y->body, x->id);
		ynode_equal(x->meta, y->meta, x->id);
		SAME_INT(x->seed_first, y->seed_first, x->id);
		SAME_INT(x->seed_last, y->seed_last, x->id);
		SAME_STR(x->file, y->file, x->id);
		SAME_INT(x->line, y->line, x->id);
		SAME_INT(x->col, y->col, x->id);
	}
	SAME_INT(a->nclauses, b->nclauses, "nclauses");
	if (diff->len > 0)
		return;
	for (i = 0; i < a->nclauses; i++)
		clause_equal(a, &a->clauses[i], b, &b->clauses[i]);
	SAME_STR(a->hash, b->hash, "hash");
}

/* Every field of two sources, down to the positions of every YAML node of
 * the appendices, and the counts before the arrays they count. */
static void spec_equal(const sp_source *a, const sp_source *b)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	diff = g_string_new(NULL);
	spec_compare(a, b);
	ck_assert_msg(diff->len == 0, "sources differ: %s", diff->str);
	g_string_free(diff, TRUE);
	diff = NULL;
}

/* ---- helpers ---- */

static sp_source *load(const char *dir)
{
	cg_err e = { 0 };
	sp_source *s = spec_load(dir, &e);

	ck_assert_msg(s != NULL, "%s:%d:%d: %s", e.file ? e.file : "", e.line, e.col,
	              e.msg ? e.msg : "");
	return s;
}

/* The source as the loader parses it, with the cache off. */
static sp_source *load_parsed(const char *dir)
{
	char *was = g_strdup(g_getenv("CLAUSEGEN_CACHE_DIR"));
	unsigned long hits = spcache_counts_get().hits;
	sp_source *s;

	g_setenv("CLAUSEGEN_CACHE_DIR", "off", TRUE);
	s = load(dir);
	restore("CLAUSEGEN_CACHE_DIR", was);
	g_free(was);
	ck_assert_uint_eq(spcache_counts_get().hits, hits);
	return s;
}

/* Loads `dir` with the cache and checks what the cache did: `hit` 1 for a
 * hit, 0 for a miss; `saved` whether an image was written. */
static sp_source *load_expect(const char *dir, int hit, int saved)
{
	spcache_counts was = spcache_counts_get(), now;
	sp_source *s = load(dir);

	now = spcache_counts_get();
	ck_assert_msg(now.hits - was.hits == (unsigned long)hit,
	              "%s: expected a %s", dir, hit ? "hit" : "miss");
	ck_assert_msg(now.misses - was.misses == (unsigned long)!hit,
	              "%s: expected a %s", dir, hit ? "hit" : "miss");
	ck_assert_msg(now.saves - was.saves == (unsigned long)saved, "%s: expected %s save",
	              dir, saved ? "a" : "no");
	return s;
}

/* A copy of specs/<id> at tmp/src/<id> (g_free). */
static char *copy_source(const char *id)
{
	char *from = g_build_filename("specs", id, NULL);
	char *to = g_build_filename(tmp, "src", id, NULL);

	tu_copytree(from, to);
	g_free(from);
	return to;
}

/* Not inlined: GCC 12 at -O3 then takes the text for a pointer to the
 * local `buf` in every caller (-Wdangling-pointer; check_site.c's slurp
 * trips it the same way). */
static G_GNUC_NO_INLINE char *slurp(const char *path, gsize *len)
{
	char *buf = NULL;

	ck_assert_msg(g_file_get_contents(path, &buf, len, NULL), "cannot read %s", path);
	return buf;
}

/* Writes a new file at `path`. Not g_file_set_contents, which fsyncs, nor
 * a truncation in place, which waits for the old data's write-back on ext4:
 * either took seconds over the thousands of images the damage tests write. */
static void spit(const char *path, const char *buf, gsize len)
{
	FILE *fp;

	g_unlink(path);
	fp = fopen(path, "wb");

	ck_assert_msg(fp != NULL && fwrite(buf, 1, len, fp) == len && fclose(fp) == 0,
	              "cannot write %s", path);
}

/* Sets the mtime of `path` to `sec` seconds after the epoch (ctime becomes
 * now, as it always does). */
static void set_mtime(const char *path, time_t sec)
{
	struct timespec ts[2] = { { sec, 0 }, { sec, 0 } };

	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* The timestamps of one file system tick apart: a test that changes a file
 * with the racy window at 0 waits this long first, so that even a change of
 * nothing but the ctime is seen. */
static void next_tick(void)
{
	g_usleep(50 * 1000);
}

static const sp_clause *clause(const sp_source *s, const char *id)
{
	int i = spec_find_clause(s, id);

	ck_assert_msg(i >= 0, "no clause %s", id);
	return &s->clauses[i];
}

/* ---- (1) every bundled source: cached equals parsed ---- */

static const char *const bundled[] = { "shinagawa", "nisc", "funabashi-contract",
	                               "funabashi-cloud" };

/* `dir` spelled another way: the same image, and the paths in the model
 * (file names in messages) those of the spelling, as a parse gives them. */
static void spelling_equal(const char *spelled, const sp_source *cached)
{
	sp_source *s = load_expect(spelled, 1, 0), *p = load_parsed(spelled);

	spec_equal(p, s);
	ck_assert_str_eq(s->dir, spelled);
	ck_assert_str_ne(s->clauses[0].file, cached->clauses[0].file);
	spec_free(s);
	spec_free(p);
}

/* Every clause of a source that was saved or read from an image has its
 * body's HTML, the same as rendering the body gives. */
static void bodies_rendered(const sp_source *s)
{
	size_t i;

	for (i = 0; i < s->nclauses; i++) {
		const sp_clause *c = &s->clauses[i];
		char *want = render_body_html(c->body);
		ck_assert_msg(c->body_html != NULL, "%s: no body_html", c->id);
		ck_assert_msg(strcmp(c->body_html, want) == 0, "%s: body_html differs", c->id);
		free(want);
	}
}

START_TEST(bundled_equal)
{
	char *dir = g_build_filename("specs", bundled[_i], NULL);
	char *abs = g_canonicalize_filename(dir, NULL);
	char *slash = g_strconcat(abs, "/", NULL);
	char *dots = g_strconcat("./specs//", bundled[_i], "/", NULL);
	char *img;
	sp_source *fresh, *first, *second;

	/* The files of the checkout may be seconds old only: saving them at
	 * once is what this test needs; the window has tests of its own. */
	spcache_racy_window_set(0);
	fresh = load_parsed(dir);
	first = load_expect(dir, 0, 1);
	second = load_expect(dir, 1, 0);
	spec_equal(fresh, first);
	spec_equal(fresh, second);
	bodies_rendered(first);
	bodies_rendered(second);
	spelling_equal(slash, second);
	spelling_equal(dots, second);
	img = spcache_image_path(dir);
	ck_assert(g_file_test(img, G_FILE_TEST_IS_REGULAR));
	g_free(img);
	spec_free(fresh);
	spec_free(first);
	spec_free(second);
	g_free(dots);
	g_free(slash);
	g_free(abs);
	g_free(dir);
}
END_TEST

/* ---- (2) changed inputs ---- */

/* Loads `dir`, which must miss and save, and returns the source, which must
 * equal a parse. */
static sp_source *miss_equal(const char *dir)
{
	sp_source *s = load_expect(dir, 0, 1), *p = load_parsed(dir);

	spec_equal(p, s);
	spec_free(p);
	return s;
}

START_TEST(change_touch)
{
	char *dir = copy_source("nisc");
	char *f = g_build_filename(dir, "clauses", "nisc-01.md", NULL);
	sp_source *s;

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	spec_free(load_expect(dir, 1, 0));
	set_mtime(f, 1000000000);
	s = miss_equal(dir);
	spec_free(s);
	spec_free(load_expect(dir, 1, 0));
	g_free(f);
	g_free(dir);
}
END_TEST

START_TEST(change_body)
{
	char *dir = copy_source("nisc");
	char *f = g_build_filename(dir, "clauses", "nisc-01.md", NULL);
	gsize len;
	char *text, *body;
	sp_source *s;

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	text = slurp(f, &len);
	body = g_strconcat(text, "追記した一文。\n", NULL);
	next_tick();
	spit(f, body, strlen(body));
	s = miss_equal(dir);
	ck_assert_ptr_nonnull(strstr(clause(s, "nisc-01")->body, "追記した一文。"));
	spec_free(s);
	spec_free(load_expect(dir, 1, 0));
	g_free(body);
	g_free(text);
	g_free(f);
	g_free(dir);
}
END_TEST

/* The same size and the old mtime back (as `cp -p` or an editor that keeps
 * it would leave a file): only the ctime tells, and it must be enough. */
START_TEST(change_same_size_old_mtime)
{
	char *dir = copy_source("nisc");
	char *f = g_build_filename(dir, "clauses", "nisc-01.md", NULL);
	GStatBuf st, st2;
	gsize len;
	char *text, *p;
	sp_source *s;

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	text = slurp(f, &len);
	ck_assert_int_eq(g_stat(f, &st), 0);
	p = strstr(text, "体制を整備");
	ck_assert_ptr_nonnull(p);
	memcpy(p, "体制を準備", strlen("体制を準備"));
	next_tick();
	/* In place: the same inode, the same size */
	{
		FILE *fp = fopen(f, "r+b");
		ck_assert(fp != NULL && fwrite(text, 1, len, fp) == len && fclose(fp) == 0);
	}
	{
		struct timespec ts[2] = { st.st_atim, st.st_mtim };
		ck_assert_int_eq(utimensat(AT_FDCWD, f, ts, 0), 0);
	}
	ck_assert_int_eq(g_stat(f, &st2), 0);
	ck_assert_uint_eq(st2.st_ino, st.st_ino);
	ck_assert_uint_eq(st2.st_size, st.st_size);
	ck_assert_int_eq(st2.st_mtim.tv_sec, st.st_mtim.tv_sec);
	ck_assert_int_eq(st2.st_mtim.tv_nsec, st.st_mtim.tv_nsec);
	s = miss_equal(dir);
	ck_assert_ptr_nonnull(strstr(clause(s, "nisc-01")->body, "体制を準備"));
	spec_free(s);
	g_free(text);
	g_free(f);
	g_free(dir);
}
END_TEST

START_TEST(change_add_remove_rename)
{
	char *dir = copy_source("nisc");
	char *f = g_build_filename(dir, "clauses", "nisc-01.md", NULL);
	char *g = g_build_filename(dir, "clauses", "zz-renamed.md", NULL);
	char *extra;
	sp_source *s;
	size_t n;

	spcache_racy_window_set(0);
	s = load_expect(dir, 0, 1);
	n = s->nclauses;
	spec_free(s);
	/* Added */
	next_tick();
	extra = tu_write(dir, "clauses/nisc-99.md",
	                 "---\nid: nisc-99\nnumber: \"(99)\"\nsection: \"9.3.1\"\n"
	                 "marks:\n  contract: \"○ ○ ○ ○ ○ ○ ○ ○ ○ ※\"\n"
	                 "  spec: \"○ ○ ○ ○ ○ ○ ○ ○ ※\"\nseed_lines: [765, 765]\n---\n"
	                 "追加した条項。\n");
	s = miss_equal(dir);
	ck_assert_uint_eq(s->nclauses, n + 1);
	ck_assert_str_eq(clause(s, "nisc-99")->body, "追加した条項。");
	spec_free(s);
	/* Removed */
	next_tick();
	ck_assert_int_eq(g_unlink(extra), 0);
	s = miss_equal(dir);
	ck_assert_uint_eq(s->nclauses, n);
	ck_assert_int_lt(spec_find_clause(s, "nisc-99"), 0);
	spec_free(s);
	/* Renamed: the same content under another name */
	next_tick();
	ck_assert_int_eq(g_rename(f, g), 0);
	s = miss_equal(dir);
	ck_assert_str_eq(clause(s, "nisc-01")->file, g);
	spec_free(s);
	spec_free(load_expect(dir, 1, 0));
	g_free(extra);
	g_free(g);
	g_free(f);
	g_free(dir);
}
END_TEST

START_TEST(change_source_yaml_and_appendix)
{
	char *dir = copy_source("nisc");
	char *y = g_build_filename(dir, "source.yaml", NULL);
	char *a = g_build_filename(dir, "appendices", "delivery-checks.md", NULL);
	gsize len;
	char *text, *more;
	sp_source *s;

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	text = slurp(y, &len);
	more = g_strconcat(text, "# 末尾の注釈\n", NULL);
	next_tick();
	spit(y, more, strlen(more));
	spec_free(miss_equal(dir));
	g_free(more);
	g_free(text);
	text = slurp(a, &len);
	more = g_strconcat(text, "\n付記。\n", NULL);
	next_tick();
	spit(a, more, strlen(more));
	s = miss_equal(dir);
	ck_assert_ptr_nonnull(strstr(s->apps[0].body, "付記。"));
	spec_free(s);
	g_free(more);
	g_free(text);
	g_free(a);
	g_free(y);
	g_free(dir);
}
END_TEST

/* A directory the loader lists but that is not there (funabashi-cloud has
 * no appendices/) is an input too: made, it is a miss; gone again, too. So
 * is the whole clauses/ replaced by a copy of itself. */
START_TEST(change_directories)
{
	char *dir = copy_source("funabashi-cloud");
	char *apps = g_build_filename(dir, "appendices", NULL);
	char *cl = g_build_filename(dir, "clauses", NULL);
	char *old = g_build_filename(dir, "clauses.old", NULL);

	spcache_racy_window_set(0);
	ck_assert(!g_file_test(apps, G_FILE_TEST_EXISTS));
	spec_free(load_expect(dir, 0, 1));
	spec_free(load_expect(dir, 1, 0));
	next_tick();
	ck_assert_int_eq(g_mkdir(apps, 0755), 0);
	spec_free(miss_equal(dir));
	spec_free(load_expect(dir, 1, 0));
	next_tick();
	ck_assert_int_eq(g_rmdir(apps), 0);
	spec_free(miss_equal(dir));
	next_tick();
	ck_assert_int_eq(g_rename(cl, old), 0);
	tu_copytree(old, cl);
	tu_rmtree(old);
	spec_free(miss_equal(dir));
	spec_free(load_expect(dir, 1, 0));
	g_free(old);
	g_free(cl);
	g_free(apps);
	g_free(dir);
}
END_TEST

/* A broken file after a saved image: the loader's own error, at the same
 * place as with the cache off, and nothing saved. */
START_TEST(change_to_error)
{
	char *dir = copy_source("nisc");
	char *f;
	cg_err e1 = { 0 }, e2 = { 0 };
	sp_source *s;
	spcache_counts was;

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	next_tick();
	f = tu_write(dir, "clauses/nisc-01.md", "---\nid: nisc-01\nnumber: [\n---\n本文\n");
	was = spcache_counts_get();
	s = spec_load(dir, &e1);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(spcache_counts_get().saves, was.saves);
	ck_assert_uint_eq(spcache_counts_get().hits, was.hits);
	g_setenv("CLAUSEGEN_CACHE_DIR", "off", TRUE);
	ck_assert_ptr_null(spec_load(dir, &e2));
	ck_assert_str_eq(e1.file, f);
	ck_assert_str_eq(e1.file, e2.file);
	ck_assert_int_eq(e1.line, e2.line);
	ck_assert_int_eq(e1.col, e2.col);
	ck_assert_str_eq(e1.msg, e2.msg);
	cg_err_clear(&e1);
	cg_err_clear(&e2);
	g_free(f);
	g_free(dir);
}
END_TEST

/* The same directory under another name (a symbolic link): the loader
 * refuses it, since the id must be the directory's name; the image of the
 * real name must not let it through. */
START_TEST(symlink_other_name)
{
	char *dir = copy_source("nisc");
	char *link = g_build_filename(tmp, "src", "alias", NULL);
	cg_err e = { 0 };

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	ck_assert_int_eq(symlink(dir, link), 0);
	ck_assert_ptr_null(spec_load(link, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "differs from its directory name"));
	cg_err_clear(&e);
	g_free(link);
	g_free(dir);
}
END_TEST

/* ---- (3) damaged and foreign images ---- */

/* Writes `bytes` as the image of `dir`, loads it (a miss that must equal
 * `want` and save again) and checks the image is whole again. */
static void damaged(const char *dir, const sp_source *want, const char *img, const char *bytes,
                    gsize len, const char *orig, gsize olen)
{
	sp_source *s;
	char *now;
	gsize nlen;

	spit(img, bytes, len);
	s = load_expect(dir, 0, 1);
	spec_equal(want, s);
	spec_free(s);
	now = slurp(img, &nlen);
	ck_assert_msg(nlen == olen && memcmp(now, orig, olen) == 0, "image not rewritten");
	g_free(now);
}

START_TEST(damaged_images)
{
	char *dir = copy_source("shinagawa");
	char *img = spcache_image_path(dir);
	sp_source *want;
	char *orig, *bad;
	gsize len, cut[] = { 0, 1, 40, 87, 88, 89, 0, 0, 0 };
	size_t i;

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	want = load_parsed(dir);
	orig = slurp(img, &len);
	cut[6] = len / 2;
	cut[7] = len - 1;
	cut[8] = len - 64;
	/* Truncated */
	for (i = 0; i < G_N_ELEMENTS(cut); i++)
		damaged(dir, want, img, orig, cut[i], orig, len);
	/* One byte flipped: header, payload, the middle, the hash at the end */
	{
		gsize at[] = { 0, 8, 12, 80, 88, 100, len / 3, len / 2, len - 1 };
		for (i = 0; i < G_N_ELEMENTS(at); i++) {
			bad = g_memdup2(orig, len);
			bad[at[i]] ^= 0x20;
			damaged(dir, want, img, bad, len, orig, len);
			g_free(bad);
		}
	}
	/* Trailing bytes */
	bad = g_malloc(len + 8);
	memcpy(bad, orig, len);
	memset(bad + len, 0, 8);
	damaged(dir, want, img, bad, len + 8, orig, len);
	g_free(bad);
	/* Not an image at all */
	damaged(dir, want, img, "hello\n", 6, orig, len);
	spec_free(want);
	g_free(orig);
	g_free(img);
	g_free(dir);
}
END_TEST

/* Another format version, another program version: foreign, even with a
 * valid checksum. */
START_TEST(foreign_images)
{
	char *dir = copy_source("nisc");
	char *img = spcache_image_path(dir);
	sp_source *want;
	char *orig, *bad, *p;
	gsize len;
	guint32 v;

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	want = load_parsed(dir);
	orig = slurp(img, &len);
	/* The format number follows the 8-byte magic. */
	bad = g_memdup2(orig, len);
	memcpy(&v, bad + 8, 4);
	v++;
	memcpy(bad + 8, &v, 4);
	damaged(dir, want, img, bad, len, orig, len);
	g_free(bad);
	/* The program version is the payload's first string. */
	bad = g_memdup2(orig, len);
	p = memmem(bad, len, CLAUSEGEN_TEST_VERSION, strlen(CLAUSEGEN_TEST_VERSION));
	ck_assert_ptr_nonnull(p);
	p[0] = p[0] == '9' ? '8' : '9';
	spcache_image_seal((unsigned char *)bad, len);
	damaged(dir, want, img, bad, len, orig, len);
	g_free(bad);
	/* A struct size */
	bad = g_memdup2(orig, len);
	memcpy(&v, bad + 16, 4);
	v += 8;
	memcpy(bad + 16, &v, 4);
	damaged(dir, want, img, bad, len, orig, len);
	g_free(bad);
	spec_free(want);
	g_free(orig);
	g_free(img);
	g_free(dir);
}
END_TEST

/* Touches what the later stages read of a model: every string, every
 * index, every mark, every YAML key. A model from a damaged image may say
 * anything, but reading it must stay inside its memory. */
static size_t walk_ynode(const ynode *n)
{
	size_t i, sum = 0;

	if (n->type == YN_SCALAR)
		return strlen(n->str);
	for (i = 0; i < n->n; i++) {
		if (n->type == YN_MAP) {
			sum += strlen(YN_KEY(n, i)->str) + walk_ynode(YN_VAL(n, i));
			sum += yn_get(n, YN_KEY(n, i)->str) != NULL;
		} else {
			sum += walk_ynode(n->items[i]);
		}
	}
	return sum;
}

static size_t walk(const sp_source *s)
{
	size_t i, j, t, k, cat, sum = strlen(s->id) + strlen(s->hash);

	for (i = 0; i < s->nclauses; i++) {
		const sp_clause *c = &s->clauses[i];
		sum += strlen(c->id) + strlen(c->body) + strlen(c->file);
		sum += strlen(spec_clause_title(s, c));
		for (t = 0; t < s->ntables; t++)
			for (k = 0; k < SP_NCLASSES(s); k++)
				for (cat = 0; cat < s->ncats; cat++) {
					const char *m = spec_mark(s, c, t, k, cat);
					sum += m ? strlen(m) : 0;
				}
		for (j = 0; j < c->nwhen; j++)
			sum += strlen(s->attrs[c->when[j].attr].id) + g_strv_length(c->when[j].values);
		for (j = 0; j < c->napps; j++)
			sum += strlen(s->apps[c->apps[j]].id);
	}
	for (i = 0; i < s->nsections; i++)
		sum += strlen(s->sections[i].title) +
		       (s->sections[i].parent >= 0 ? strlen(s->sections[s->sections[i].parent].id) : 0);
	for (i = 0; i < s->napps; i++)
		sum += walk_ynode(s->apps[i].meta);
	for (i = 0; i < s->ntables; i++)
		for (j = 0; j < s->tables[i].ncols; j++)
			sum += strlen(s->cats[s->tables[i].cols[j]].id);
	return sum;
}

/* Damage behind a valid checksum reaches the reader's own bounds checks:
 * whatever a byte becomes, the result is a miss or a source that frees
 * cleanly (ASan and valgrind watch), never a crash. */
START_TEST(resealed_damage)
{
	char *dir = copy_source("nisc");
	char *img = spcache_image_path(dir);
	char *orig, *bad;
	gsize len, at;
	size_t tries = 0, loaded = 0;

	spcache_racy_window_set(0);
	spec_free(load_expect(dir, 0, 1));
	orig = slurp(img, &len);
	bad = g_malloc(len);
	/* Every byte of the first 512 of the payload (the inputs and the
	 * source's own fields), then 400 places spread over the clauses. */
	for (at = 88; at < len; at += at < 88 + 512 ? 1 : 1 + len / 400) {
		static const unsigned char with[] = { 0xff, 0x00, 0x01, 0x80 };
		size_t k, nk = at < 88 + 512 ? 2 : G_N_ELEMENTS(with);
		for (k = 0; k < nk; k++) {
			spcache *sc;
			sp_source *s;
			memcpy(bad, orig, len);
			if ((unsigned char)bad[at] == with[k])
				continue;
			bad[at] = (char)with[k];
			spcache_image_seal((unsigned char *)bad, len);
			spit(img, bad, len);
			sc = spcache_new(dir);
			ck_assert_ptr_nonnull(sc);
			s = spcache_load(sc);
			loaded += s != NULL;
			if (s != NULL)
				ck_assert_uint_gt(walk(s), 0);
			spec_free(s);
			spcache_free(sc);
			tries++;
		}
	}
	ck_assert_uint_gt(tries, 1000);
	/* Text bytes change text and nothing else; counts, lengths and
	 * indices make misses. Both must have happened. */
	ck_assert_uint_gt(loaded, 0);
	ck_assert_uint_gt(tries - loaded, 0);
	g_free(bad);
	g_free(orig);
	g_free(img);
	g_free(dir);
}
END_TEST

/* ---- (4) off, nowhere to write, where the cache lives ---- */

START_TEST(cache_off)
{
	static const char *const offs[] = { "off", "" };
	char *dir = copy_source("nisc");
	size_t i;

	spcache_racy_window_set(0);
	for (i = 0; i < G_N_ELEMENTS(offs); i++) {
		spcache_counts was = spcache_counts_get(), now;
		g_setenv("CLAUSEGEN_CACHE_DIR", offs[i], TRUE);
		ck_assert_ptr_null(spcache_image_path(dir));
		spec_free(load(dir));
		spec_free(load(dir));
		now = spcache_counts_get();
		ck_assert_uint_eq(now.hits + now.misses + now.saves,
		                  was.hits + was.misses + was.saves);
	}
	ck_assert_int_eq(tu_count_entries(cache), -1);
	g_free(dir);
}
END_TEST

START_TEST(cache_unwritable)
{
	char *dir = copy_source("nisc");
	char *file = tu_write(tmp, "plain-file", "not a directory\n");
	char *under = g_build_filename(file, "cache", NULL);
	char *out = g_build_filename(tmp, "out", NULL);
	char *contract = g_build_filename("specs", "contracts", "nisc-asp-yoyaku.yaml", NULL);
	sp_source *want = load_parsed(dir), *s;
	tu_run r;

	spcache_racy_window_set(0);
	/* A cache directory below a plain file cannot be made, even by root. */
	g_setenv("CLAUSEGEN_CACHE_DIR", under, TRUE);
	s = load_expect(dir, 0, 0);
	spec_equal(want, s);
	spec_free(s);
	r = tu_cli("build", "--formats", "html", "-o", out, contract, NULL);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	tu_run_free(&r);
	/* A read-only directory, for a user whom it stops */
	if (geteuid() != 0) {
		char *ro = g_build_filename(tmp, "ro", NULL);
		ck_assert_int_eq(g_mkdir(ro, 0500), 0);
		g_setenv("CLAUSEGEN_CACHE_DIR", ro, TRUE);
		s = load_expect(dir, 0, 0);
		spec_equal(want, s);
		spec_free(s);
		ck_assert_int_eq(tu_count_entries(ro), 0);
		g_free(ro);
	}
	spec_free(want);
	g_free(contract);
	g_free(out);
	g_free(under);
	g_free(file);
	g_free(dir);
}
END_TEST

START_TEST(cache_location)
{
	char *dir = copy_source("nisc");
	char *home = g_build_filename(tmp, "home", NULL);
	char *xdg = g_build_filename(tmp, "xdg", NULL);
	char *img, *want_dir;
	GStatBuf st;

	spcache_racy_window_set(0);
	g_unsetenv("CLAUSEGEN_CACHE_DIR");
	g_setenv("HOME", home, TRUE);
	g_unsetenv("XDG_CACHE_HOME");
	img = spcache_image_path(dir);
	want_dir = g_build_filename(home, ".cache", "clausegen", NULL);
	ck_assert(g_str_has_prefix(img, want_dir));
	ck_assert(g_str_has_suffix(img, ".img"));
	spec_free(load_expect(dir, 0, 1));
	ck_assert(g_file_test(img, G_FILE_TEST_IS_REGULAR));
	/* Private: the images repeat the sources. */
	ck_assert_int_eq(g_stat(want_dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(g_stat(img, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* No temporary file left beside it */
	ck_assert_int_eq(tu_count_entries(want_dir), 1);
	g_free(img);
	g_free(want_dir);
	/* XDG_CACHE_HOME first; a relative one is ignored */
	g_setenv("XDG_CACHE_HOME", xdg, TRUE);
	img = spcache_image_path(dir);
	want_dir = g_build_filename(xdg, "clausegen", NULL);
	ck_assert(g_str_has_prefix(img, want_dir));
	g_free(img);
	g_free(want_dir);
	g_setenv("XDG_CACHE_HOME", "relative/cache", TRUE);
	img = spcache_image_path(dir);
	ck_assert(g_str_has_prefix(img, home));
	g_free(img);
	/* No HOME at all: no cache, and the load works */
	g_unsetenv("XDG_CACHE_HOME");
	g_unsetenv("HOME");
	ck_assert_ptr_null(spcache_image_path(dir));
	spec_free(load(dir));
	g_free(xdg);
	g_free(home);
	g_free(dir);
}
END_TEST

/* ---- (5) the racy-write rule ---- */

START_TEST(racy_not_saved)
{
	char *dir = copy_source("nisc");
	char *img = spcache_image_path(dir);

	/* Just written: with the real window, no image, however often loaded */
	spec_free(load_expect(dir, 0, 0));
	spec_free(load_expect(dir, 0, 0));
	ck_assert(!g_file_test(img, G_FILE_TEST_EXISTS));
	/* A window shorter than the files' age: saved, then read */
	spcache_racy_window_set(300);
	g_usleep(400 * 1000);
	spec_free(load_expect(dir, 0, 1));
	spec_free(load_expect(dir, 1, 0));
	/* One file written again: racy again, so a miss that saves nothing */
	spcache_racy_window_set(-1);
	next_tick();
	g_free(tu_write(dir, "clauses/nisc-99.md",
	                "---\nid: nisc-99\nnumber: \"(99)\"\nsection: \"9.3.1\"\n"
	                "marks:\n  contract: \"○ ○ ○ ○ ○ ○ ○ ○ ○ ※\"\n"
	                "  spec: \"○ ○ ○ ○ ○ ○ ○ ○ ※\"\nseed_lines: [765, 765]\n---\n"
	                "追加した条項。\n"));
	spec_free(load_expect(dir, 0, 0));
	g_free(img);
	g_free(dir);
}
END_TEST

/* ---- (5) a value computed from a directory: stamp_hash_tree ---- */

/* The tree hash computed with the cache off: what a cached one must equal. */
static char *tree_hash_uncached(const char *dir)
{
	char *h;

	g_setenv("CLAUSEGEN_CACHE_DIR", "off", TRUE);
	h = stamp_hash_tree(dir);
	g_setenv("CLAUSEGEN_CACHE_DIR", cache, TRUE);
	return h;
}

/* stamp_hash_tree(dir) must give `want`; `hit`, `saved`: what the cache did. */
static void tree_expect(const char *dir, const char *want, int hit, int saved)
{
	spcache_counts before = spcache_counts_get(), after;
	char *h = stamp_hash_tree(dir);

	after = spcache_counts_get();
	ck_assert_str_eq(h, want);
	ck_assert_msg(after.hits - before.hits == (unsigned long)hit, "%s: hit %lu, want %d", dir,
	              after.hits - before.hits, hit);
	ck_assert_msg(after.saves - before.saves == (unsigned long)saved, "%s: saved %lu, want %d",
	              dir, after.saves - before.saves, saved);
	g_free(h);
}

/* The only image in the cache directory (g_free). */
static char *only_image(void)
{
	GDir *d = g_dir_open(cache, 0, NULL);
	const char *name;
	char *path = NULL;
	int n = 0;

	ck_assert(d != NULL);
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(name, ".img")) {
			g_free(path);
			path = g_build_filename(cache, name, NULL);
			n++;
		}
	g_dir_close(d);
	ck_assert_int_eq(n, 1);
	return path;
}

/* The hash of templates/ is kept while nothing under it changes; a change
 * of content, an added, removed or hidden file, a damaged image: each is a
 * miss that gives the hash of what is there now. */
START_TEST(tree_hash_cached)
{
	char *dir = g_build_filename(tmp, "templates", NULL);
	char *css = g_build_filename(dir, "site", "site.css", NULL);
	char *h0, *h1, *h2, *img, *src_img, *extra;
	gsize len;
	char *buf;
	FILE *fp;

	tu_copytree("templates", dir);
	h0 = tree_hash_uncached(dir);
	/* Just copied: racy, so computed every time and not saved */
	tree_expect(dir, h0, 0, 0);
	tree_expect(dir, h0, 0, 0);
	spcache_racy_window_set(0);
	next_tick();
	tree_expect(dir, h0, 0, 1);
	tree_expect(dir, h0, 1, 0);
	img = only_image();
	/* Not the image a source in the same directory would have */
	src_img = spcache_image_path(dir);
	ck_assert_str_ne(img, src_img);

	/* A file in a subdirectory changes in place, size kept (the listing
	 * does not change): a new hash */
	buf = slurp(css, &len);
	buf[0] = buf[0] == '/' ? '*' : '/';
	next_tick();
	fp = fopen(css, "r+");
	ck_assert(fp != NULL && fwrite(buf, 1, 1, fp) == 1 && fclose(fp) == 0);
	h1 = tree_hash_uncached(dir);
	ck_assert_str_ne(h1, h0);
	tree_expect(dir, h1, 0, 1);
	tree_expect(dir, h1, 1, 0);

	/* A file added, then removed: the hash follows */
	next_tick();
	extra = tu_write(dir, "site/extra.html", "<p>x</p>\n");
	h2 = tree_hash_uncached(dir);
	ck_assert_str_ne(h2, h1);
	tree_expect(dir, h2, 0, 1);
	next_tick();
	ck_assert_int_eq(g_unlink(extra), 0);
	tree_expect(dir, h1, 0, 1);
	tree_expect(dir, h1, 1, 0);

	/* A hidden file is not hashed, but the listing changed: recomputed */
	next_tick();
	g_free(tu_write(dir, ".spec.html.swp", "swap"));
	tree_expect(dir, h1, 0, 1);
	tree_expect(dir, h1, 1, 0);

	/* A damaged image is a miss, replaced */
	spit(img, "CGSRCIMG garbage", 16);
	tree_expect(dir, h1, 0, 1);
	tree_expect(dir, h1, 1, 0);

	/* Off: computed, nothing read or written */
	g_setenv("CLAUSEGEN_CACHE_DIR", "off", TRUE);
	tree_expect(dir, h1, 0, 0);

	g_free(buf);
	g_free(h0);
	g_free(h1);
	g_free(h2);
	g_free(extra);
	g_free(img);
	g_free(src_img);
	g_free(css);
	g_free(dir);
}
END_TEST

static Suite *spcache_suite(void)
{
	Suite *s = suite_create("spcache");
	TCase *tc = tcase_create("equal");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, bundled_equal, 0, G_N_ELEMENTS(bundled));
	suite_add_tcase(s, tc);
	tc = tcase_create("changes");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, change_touch);
	tcase_add_test(tc, change_body);
	tcase_add_test(tc, change_same_size_old_mtime);
	tcase_add_test(tc, change_add_remove_rename);
	tcase_add_test(tc, change_source_yaml_and_appendix);
	tcase_add_test(tc, change_directories);
	tcase_add_test(tc, change_to_error);
	tcase_add_test(tc, symlink_other_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("damage");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, damaged_images);
	tcase_add_test(tc, foreign_images);
	tcase_add_test(tc, resealed_damage);
	suite_add_tcase(s, tc);
	tc = tcase_create("environment");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, cache_off);
	tcase_add_test(tc, cache_unwritable);
	tcase_add_test(tc, cache_location);
	tcase_add_test(tc, racy_not_saved);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tree_hash_cached);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(spcache_suite());
}
