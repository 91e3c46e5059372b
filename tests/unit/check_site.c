/* check_site.c: `clausegen publish` (the guideline site) and `clausegen
 * export`: every page there, the class x category pages equal to `select`,
 * relative links only, well-formed HTML (and tidy-clean when tidy is
 * installed), the refusal of a directory that is not a site, and exports
 * that parse with every clause and mark. */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <string.h>

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

static json_t *run_json(tu_run *r)
{
	json_error_t je;
	json_t *j;

	ck_assert_msg(r->status == 0, "exit %d: %s", r->status, r->err);
	j = json_loads(r->out, 0, &je);
	ck_assert_msg(j != NULL, "bad JSON: %s", je.text);
	return j;
}

static char *slurp(const char *path)
{
	char *buf = NULL;

	ck_assert_msg(g_file_get_contents(path, &buf, NULL, NULL), "cannot read %s", path);
	return buf;
}

/* Values of every href="…" and src="…" in a page. */
static GPtrArray *urls(const char *html)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	const char *p = html;

	while ((p = strstr(p, "=\"")) != NULL) {
		int is_url = (p - html >= 4 && strncmp(p - 4, "href", 4) == 0) ||
		             (p - html >= 3 && strncmp(p - 3, "src", 3) == 0);
		const char *e = strchr(p + 2, '"');
		if (e == NULL)
			break;
		if (is_url)
			g_ptr_array_add(a, g_strndup(p + 2, (gsize)(e - p - 2)));
		p = e + 1;
	}
	return a;
}

/* Tags balance: every element opened is closed in order (void elements
 * aside). The pages are generated and escape all text, so a '<' starts a
 * tag. Returns NULL or a message (g_free). */
static char *well_formed(const char *html)
{
	static const char *const voids[] = { "meta", "link", "br", "hr", "img", "input", "col",
		                              NULL };
	GPtrArray *stack = g_ptr_array_new_with_free_func(g_free);
	const char *p = html;
	char *msg = NULL;

	while (msg == NULL && (p = strchr(p, '<')) != NULL) {
		const char *e = strchr(p, '>');
		int closing = p[1] == '/', self = 0;
		const char *n = p + 1 + closing;
		size_t len = 0, i;
		char *name;
		if (e == NULL) {
			msg = g_strdup("unterminated tag");
			break;
		}
		if (p[1] == '!') { /* doctype, comment */
			p = e + 1;
			continue;
		}
		while (g_ascii_isalnum(n[len]))
			len++;
		name = g_ascii_strdown(n, (gssize)len);
		self = e[-1] == '/';
		for (i = 0; voids[i]; i++)
			if (strcmp(voids[i], name) == 0)
				self = 1;
		if (closing) {
			if (stack->len == 0 ||
			    strcmp(g_ptr_array_index(stack, stack->len - 1), name) != 0)
				msg = g_strdup_printf("</%s> closes <%s>", name,
				                      stack->len ? (char *)g_ptr_array_index(stack,
				                                                             stack->len - 1)
				                                 : "nothing");
			else
				g_ptr_array_remove_index(stack, stack->len - 1);
			g_free(name);
		} else if (!self) {
			g_ptr_array_add(stack, name);
		} else {
			g_free(name);
		}
		p = e + 1;
	}
	if (msg == NULL && stack->len > 0)
		msg = g_strdup_printf("<%s> is never closed",
		                      (char *)g_ptr_array_index(stack, stack->len - 1));
	g_ptr_array_free(stack, TRUE);
	return msg;
}

/* Checks one page: relative URLs only, balanced tags, tidy (if installed)
 * silent. */
static void check_page(const char *path)
{
	char *html = slurp(path), *bad = well_formed(html), *tidy;
	GPtrArray *u = urls(html);
	guint i;

	ck_assert_msg(bad == NULL, "%s: %s", path, bad);
	for (i = 0; i < u->len; i++) {
		const char *v = g_ptr_array_index(u, i);
		if (strcmp(v, "data:,") == 0) /* the empty favicon */
			continue;
		ck_assert_msg(v[0] != '/' && strstr(v, "//") == NULL && strstr(v, "http:") == NULL &&
		                  strstr(v, "https:") == NULL && strchr(v, ':') == NULL,
		              "%s: URL '%s' is not relative", path, v);
	}
	ck_assert_msg(strstr(html, "href=\"/") == NULL && strstr(html, "src=\"/") == NULL &&
	                  strstr(html, "href=\"http") == NULL && strstr(html, "src=\"http") == NULL,
	              "%s: absolute URL", path);
	tidy = g_find_program_in_path("tidy");
	if (tidy != NULL) {
		const char *argv[] = { tidy, "-errors", "-q", "-utf8", path, NULL };
		char *out = NULL, *err = NULL;
		int status = -1;
		ck_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
		                       &err, &status, NULL));
		ck_assert_msg(status == 0 && err[0] == '\0', "%s: tidy says: %s", path, err);
		g_free(out);
		g_free(err);
	}
	g_free(tidy);
	g_ptr_array_free(u, TRUE);
	g_free(html);
}

/* The ids of the clauses a sel page lists (data-clause), in order. */
static char *listed_ids(const char *html)
{
	GString *o = g_string_new(NULL);
	const char *p = html;

	while ((p = strstr(p, "data-clause=\"")) != NULL) {
		const char *e;
		p += strlen("data-clause=\"");
		e = strchr(p, '"');
		if (o->len)
			g_string_append_c(o, ' ');
		g_string_append_len(o, p, e - p);
		p = e;
	}
	return g_string_free(o, FALSE);
}

static char *select_ids(const char *src, const char *cat, const char *klass)
{
	const char *argv[12] = { NULL };
	int n = 0;
	tu_run r;
	json_t *j, *v;
	size_t i;
	GString *o = g_string_new(NULL);

	argv[n++] = "select";
	argv[n++] = "--source";
	argv[n++] = src;
	if (cat) {
		argv[n++] = "--category";
		argv[n++] = cat;
	}
	if (klass) {
		argv[n++] = "--class";
		argv[n++] = klass;
	}
	argv[n++] = "--format";
	argv[n++] = "json";
	argv[n] = NULL;
	r = tu_cli(argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7],
	           argv[8], argv[9], argv[10], NULL);
	j = run_json(&r);
	json_array_foreach(j, i, v) {
		if (o->len)
			g_string_append_c(o, ' ');
		g_string_append(o, json_string_value(json_object_get(v, "id")));
	}
	json_decref(j);
	tu_run_free(&r);
	return g_string_free(o, FALSE);
}

static json_t *dims(const char *cmd, const char *src)
{
	tu_run r = tu_cli(cmd, "--source", src, "--format", "json", NULL);
	json_t *j = run_json(&r);

	tu_run_free(&r);
	return j;
}

START_TEST(publish_every_source)
{
	char *site = g_build_filename(tmp, "site", NULL);
	tu_run r = tu_cli("publish", "-o", site, NULL);
	json_t *srcs;
	size_t i, j, k, c;
	json_t *s;
	int pages = 0;

	ck_assert_msg(r.status == 0, "publish: %s", r.err);
	tu_run_free(&r);
	r = tu_cli("sources", "--format", "json", NULL);
	srcs = run_json(&r);
	tu_run_free(&r);
	ck_assert_int_eq(json_array_size(srcs), 4);
	json_array_foreach(srcs, i, s) {
		const char *id = json_string_value(json_object_get(s, "id"));
		char *dir = g_build_filename(site, id, NULL);
		json_t *ex, *cl, *classes = dims("classes", id), *cats = dims("categories", id);
		size_t nk = json_array_size(classes), nc = json_array_size(cats);
		char *html, *p;

		r = tu_cli("export", "--source", id, "--format", "json", NULL);
		ex = run_json(&r);
		tu_run_free(&r);
		ck_assert_int_eq(json_array_size(json_object_get(ex, "clauses")),
		                 json_integer_value(json_object_get(s, "clauses")));
		/* One page per clause, linked from the source's page in its order. */
		p = g_build_filename(dir, "index.html", NULL);
		html = slurp(p);
		g_free(p);
		{
			const char *at = html;
			json_array_foreach(json_object_get(ex, "clauses"), j, cl) {
				const char *cid = json_string_value(json_object_get(cl, "id"));
				char *name = g_strdup_printf("clause-%s.html", cid);
				char *href = g_strdup_printf("href=\"%s\"", name);
				char *path = g_build_filename(dir, name, NULL);
				ck_assert_msg(g_file_test(path, G_FILE_TEST_IS_REGULAR), "no %s", path);
				at = strstr(at, href);
				ck_assert_msg(at != NULL, "%s/index.html: %s missing or out of order", id,
				              name);
				g_free(path);
				g_free(href);
				g_free(name);
			}
		}
		g_free(html);
		/* One page per class x category with exactly select's clauses. */
		for (k = 0; k < (nk ? nk : 1); k++)
			for (c = 0; c < (nc ? nc : 1); c++) {
				const char *kid = nk ? json_string_value(json_object_get(
				                               json_array_get(classes, k), "id"))
				                     : NULL;
				const char *cid = nc ? json_string_value(json_object_get(
				                               json_array_get(cats, c), "id"))
				                     : NULL;
				char *key = kid && cid ? g_strdup_printf("%s.%s", kid, cid)
				                       : g_strdup(kid ? kid : cid ? cid : "all");
				char *name = g_strdup_printf("sel-%s.html", key);
				char *path = g_build_filename(dir, name, NULL);
				char *want = select_ids(id, cid, kid), *got;
				html = slurp(path);
				got = listed_ids(html);
				ck_assert_msg(strcmp(got, want) == 0, "%s/%s lists [%s], select gives [%s]",
				              id, name, got, want);
				g_free(got);
				g_free(want);
				g_free(html);
				g_free(path);
				g_free(name);
				g_free(key);
			}
		p = g_build_filename(dir, "matrix.html", NULL);
		ck_assert(g_file_test(p, G_FILE_TEST_IS_REGULAR));
		g_free(p);
		json_decref(ex);
		json_decref(classes);
		json_decref(cats);
		g_free(dir);
	}
	/* Every page: relative URLs, well-formed, tidy-clean. */
	{
		GDir *d = g_dir_open(site, 0, NULL);
		const char *n;
		GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
		while ((n = g_dir_read_name(d)) != NULL) {
			char *p = g_build_filename(site, n, NULL);
			if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
				GDir *sd = g_dir_open(p, 0, NULL);
				const char *m;
				while ((m = g_dir_read_name(sd)) != NULL)
					if (g_str_has_suffix(m, ".html"))
						g_ptr_array_add(all, g_build_filename(p, m, NULL));
				g_dir_close(sd);
			} else if (g_str_has_suffix(n, ".html")) {
				g_ptr_array_add(all, g_strdup(p));
			}
			g_free(p);
		}
		g_dir_close(d);
		for (i = 0; i < all->len; i++) {
			check_page(g_ptr_array_index(all, i));
			pages++;
		}
		g_ptr_array_free(all, TRUE);
	}
	ck_assert_int_gt(pages, 200);
	/* No script or style from elsewhere; fonts are the reader's. */
	{
		char *p = g_build_filename(site, "site.css", NULL), *css = slurp(p);
		ck_assert(strstr(css, "@font-face") == NULL && strstr(css, "url(") == NULL &&
		          strstr(css, "@import") == NULL);
		g_free(css);
		g_free(p);
	}
	json_decref(srcs);
	g_free(site);
}
END_TEST

START_TEST(refuse_a_directory_that_is_not_a_site)
{
	char *dir = g_build_filename(tmp, "mine", NULL);
	char *keep = tu_write(dir, "thesis.txt", "mine\n");
	char *marker = g_build_filename(dir, ".clausegen-site", NULL);
	tu_run r = tu_cli("publish", "--source", "nisc", "-o", dir, NULL);

	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, dir) && strstr(r.err, "use --force"), "%s", r.err);
	ck_assert(g_file_test(keep, G_FILE_TEST_EXISTS));
	ck_assert_int_eq(tu_count_entries(dir), 1);
	tu_run_free(&r);
	/* --force replaces it. */
	r = tu_cli("publish", "--source", "nisc", "-o", dir, "--force", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(!g_file_test(keep, G_FILE_TEST_EXISTS));
	ck_assert(g_file_test(marker, G_FILE_TEST_EXISTS));
	tu_run_free(&r);
	/* Its own previous site it replaces without --force. */
	r = tu_cli("publish", "--source", "nisc", "-o", dir, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	/* A file is refused, even with --force. */
	g_free(keep);
	keep = tu_write(tmp, "afile", "x\n");
	r = tu_cli("publish", "-o", keep, "--force", NULL);
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	/* An empty directory is fine. */
	g_free(dir);
	dir = g_build_filename(tmp, "empty", NULL);
	g_mkdir(dir, 0755);
	r = tu_cli("publish", "--source", "funabashi-cloud", "-o", dir, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	r = tu_cli("publish", "--source", "nope", "-o", dir, NULL);
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	r = tu_cli("publish", "extra", NULL);
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	g_free(marker);
	g_free(keep);
	g_free(dir);
}
END_TEST

START_TEST(publish_one_source_keeps_the_others)
{
	char *site = g_build_filename(tmp, "site", NULL);
	char *index = g_build_filename(site, "index.html", NULL);
	char *html;
	tu_run r = tu_cli("publish", "--source", "nisc", "-o", site, NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	r = tu_cli("publish", "--source", "shinagawa", "-o", site, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	html = slurp(index);
	ck_assert(strstr(html, "href=\"nisc/index.html\"") != NULL);
	ck_assert(strstr(html, "href=\"shinagawa/index.html\"") != NULL);
	ck_assert(strstr(html, "href=\"funabashi-cloud/index.html\"") == NULL);
	g_free(html);
	{
		char *nisc = g_build_filename(site, "nisc", NULL);
		ck_assert_int_gt(tu_count_entries(nisc), 10);
		g_free(nisc);
	}
	/* Publishing every source makes the site exactly the sources. */
	r = tu_cli("publish", "-o", site, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	html = slurp(index);
	ck_assert(strstr(html, "href=\"funabashi-cloud/index.html\"") != NULL);
	g_free(html);
	g_free(index);
	g_free(site);
}
END_TEST

static void files_equal(const char *a, const char *b)
{
	GDir *d = g_dir_open(a, 0, NULL);
	const char *n;

	ck_assert(d != NULL);
	while ((n = g_dir_read_name(d)) != NULL) {
		char *pa = g_build_filename(a, n, NULL), *pb = g_build_filename(b, n, NULL);
		if (g_file_test(pa, G_FILE_TEST_IS_DIR)) {
			files_equal(pa, pb);
		} else {
			char *x = slurp(pa), *y = slurp(pb);
			ck_assert_msg(strcmp(x, y) == 0, "%s and %s differ", pa, pb);
			g_free(x);
			g_free(y);
		}
		g_free(pa);
		g_free(pb);
	}
	g_dir_close(d);
}

/* guideline.pdf: one per source, linked from its page, every clause's
 * number in its text; --formats html leaves it out. */
START_TEST(guideline_pdf_per_source)
{
	static const char *const ids[] = { "shinagawa", "nisc", "funabashi-contract",
	                                   "funabashi-cloud" };
	char *site = g_build_filename(tmp, "site", NULL);
	tu_run r = tu_cli("publish", "-o", site, NULL);
	size_t i, k;

	ck_assert_msg(r.status == 0, "publish: %s", r.err);
	tu_run_free(&r);
	for (i = 0; i < G_N_ELEMENTS(ids); i++) {
		char *pdf = g_build_filename(site, ids[i], "guideline.pdf", NULL);
		char *index = g_build_filename(site, ids[i], "index.html", NULL);
		char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
		char *text = NULL, *html = NULL;
		int status;
		json_t *all, *v;
		ck_assert(g_file_get_contents(index, &html, NULL, NULL));
		ck_assert_ptr_nonnull(strstr(html, "href=\"guideline.pdf\""));
		ck_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
		                       NULL, NULL, &text, NULL, &status, NULL));
		ck_assert_int_eq(status, 0);
		if (strcmp(ids[i], "shinagawa") == 0)
			r = tu_cli("select", "--source", ids[i], "--all", "--format", "json", "--category",
			           "dc", "--class", "I", NULL);
		else if (strcmp(ids[i], "nisc") == 0)
			r = tu_cli("select", "--source", ids[i], "--all", "--format", "json", "--category",
			           "dc", NULL);
		else
			r = tu_cli("select", "--source", ids[i], "--all", "--format", "json", NULL);
		all = run_json(&r);
		tu_run_free(&r);
		ck_assert_uint_gt(json_array_size(all), 10);
		json_array_foreach(all, k, v) {
			const char *num = json_string_value(json_object_get(v, "number"));
			ck_assert_msg(strstr(text, num) != NULL, "%s: guideline.pdf lacks %s", ids[i], num);
		}
		json_decref(all);
		g_free(text);
		g_free(html);
		g_free(index);
		g_free(pdf);
	}
	r = tu_cli("publish", "--formats", "html", "-o", site, NULL);
	ck_assert_msg(r.status == 0, "publish: %s", r.err);
	tu_run_free(&r);
	for (i = 0; i < G_N_ELEMENTS(ids); i++) {
		char *pdf = g_build_filename(site, ids[i], "guideline.pdf", NULL);
		ck_assert(!g_file_test(pdf, G_FILE_TEST_EXISTS));
		g_free(pdf);
	}
	g_free(site);
}
END_TEST

START_TEST(publish_is_deterministic)
{
	char *a = g_build_filename(tmp, "a", NULL), *b = g_build_filename(tmp, "b", NULL);
	tu_run r;

	g_setenv("SOURCE_DATE_EPOCH", "1767225600", TRUE);
	r = tu_cli("publish", "-o", a, NULL);
	ck_assert_int_eq(r.status, 0);
	tu_run_free(&r);
	r = tu_cli("publish", "-o", b, NULL);
	ck_assert_int_eq(r.status, 0);
	tu_run_free(&r);
	g_unsetenv("SOURCE_DATE_EPOCH");
	files_equal(a, b);
	files_equal(b, a);
	g_free(a);
	g_free(b);
}
END_TEST

START_TEST(export_json_has_every_clause_and_mark)
{
	tu_run r = tu_cli("export", "--source", "shinagawa", "--format", "json", NULL);
	json_t *j = run_json(&r), *cl;
	size_t i;

	tu_run_free(&r);
	ck_assert_int_eq(json_array_size(json_object_get(j, "clauses")), 130);
	json_array_foreach(json_object_get(j, "clauses"), i, cl) {
		json_t *main = json_object_get(json_object_get(cl, "marks"), "main");
		ck_assert(json_string_value(json_object_get(cl, "text")) != NULL);
		ck_assert_int_eq(json_object_size(main), 4);               /* classes */
		ck_assert_int_eq(json_object_size(json_object_get(main, "I")), 10); /* categories */
		ck_assert(json_is_array(json_object_get(cl, "references")));
	}
	json_decref(j);
	r = tu_cli("export", "--source", "nisc", NULL); /* json by default */
	j = run_json(&r);
	tu_run_free(&r);
	/* nisc-9-2-2, first, is only in the spec table; nisc-01 in both. */
	cl = json_object_get(json_array_get(json_object_get(j, "clauses"), 0), "marks");
	ck_assert(json_object_get(cl, "contract") == NULL);
	cl = json_object_get(json_array_get(json_object_get(j, "clauses"), 1), "marks");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cl, "contract"), "build")),
	                 "○");
	ck_assert_int_eq(json_object_size(json_object_get(cl, "spec")), 9);
	json_decref(j);
	r = tu_cli("export", "--source", "nisc", "--format", "xml", NULL);
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	r = tu_cli("export", "--format", "csv", NULL);
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
}
END_TEST

/* RFC 4180 reader: records of fields. */
static GPtrArray *csv_parse(const char *p)
{
	GPtrArray *recs = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
	GPtrArray *rec = g_ptr_array_new_with_free_func(g_free);
	GString *f = g_string_new(NULL);

	while (*p) {
		if (*p == '"') {
			for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++) {
				if (p[0] == '"')
					p++;
				g_string_append_c(f, *p);
			}
			ck_assert_msg(*p == '"', "unterminated quoted field");
			p++;
		}
		while (*p && *p != ',' && *p != '\r' && *p != '\n')
			g_string_append_c(f, *p++);
		g_ptr_array_add(rec, g_strdup(f->str));
		g_string_truncate(f, 0);
		if (*p == ',') {
			p++;
			continue;
		}
		ck_assert_msg(p[0] == '\r' && p[1] == '\n', "record not ended by CRLF");
		p += 2;
		g_ptr_array_add(recs, rec);
		rec = g_ptr_array_new_with_free_func(g_free);
	}
	g_ptr_array_unref(rec);
	g_string_free(f, TRUE);
	return recs;
}

START_TEST(export_csv_quotes_and_counts)
{
	static const char src_yaml[] =
		"id: quoting\n"
		"title: 例\n"
		"publisher: 例示市\n"
		"version: \"1\"\n"
		"seed: {file: x.txt, lines: [1, 2]}\n"
		"classes:\n  - {id: I, name: 分類Ⅰ}\n  - {id: II, name: 分類Ⅱ}\n"
		"categories:\n  - {id: dev, name: 開発}\n  - {id: dc, name: データセンター}\n"
		"marks: {\"○\": required, \"-\": not-applicable}\n"
		"sections:\n  - {id: \"1\", number: \"1\", title: 節, seed_lines: [1, 1]}\n";
	static const char clause[] =
		"---\n"
		"id: q-1\n"
		"number: 1-1\n"
		"section: \"1\"\n"
		"title: 'a, \"quoted\" title'\n"
		"marks:\n  I: \"- ○\"\n  II: \"○ ○\"\n"
		"seed_lines: [2, 2]\n"
		"---\n"
		"first line, with comma\n\nsecond \"paragraph\"\n";
	char *specs = g_build_filename(tmp, "specs", NULL);
	char *a = tu_write(specs, "quoting/source.yaml", src_yaml);
	char *b = tu_write(specs, "quoting/clauses/q-1.md", clause);
	tu_run r = tu_cli("export", "--specs", specs, "--source", "quoting", "--format", "csv", NULL);
	GPtrArray *recs, *head, *row;
	guint i;

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(strncmp(r.out, "\xEF\xBB\xBF", 3) == 0);
	recs = csv_parse(r.out + 3);
	ck_assert_int_eq(recs->len, 2);
	head = g_ptr_array_index(recs, 0);
	row = g_ptr_array_index(recs, 1);
	ck_assert_int_eq(head->len, row->len);
	ck_assert_str_eq(g_ptr_array_index(head, 0), "id");
	ck_assert_str_eq(g_ptr_array_index(row, 0), "q-1");
	ck_assert_str_eq(g_ptr_array_index(row, 4), "a, \"quoted\" title");
	ck_assert_str_eq(g_ptr_array_index(row, 5),
	                 "first line, with comma\n\nsecond \"paragraph\"");
	ck_assert_str_eq(g_ptr_array_index(head, head->len - 4), "main/I/dev");
	ck_assert_str_eq(g_ptr_array_index(row, head->len - 4), "-");
	ck_assert_str_eq(g_ptr_array_index(head, head->len - 1), "main/II/dc");
	ck_assert_str_eq(g_ptr_array_index(row, head->len - 1), "○");
	g_ptr_array_unref(recs);
	tu_run_free(&r);
	/* The real sources: a header and one record per clause. */
	r = tu_cli("export", "--source", "shinagawa", "--format", "csv", NULL);
	ck_assert_int_eq(r.status, 0);
	recs = csv_parse(r.out + 3);
	ck_assert_int_eq(recs->len, 131);
	head = g_ptr_array_index(recs, 0);
	ck_assert_int_eq(head->len, 12 + 40);
	for (i = 1; i < recs->len; i++)
		ck_assert_int_eq(((GPtrArray *)g_ptr_array_index(recs, i))->len, head->len);
	g_ptr_array_unref(recs);
	tu_run_free(&r);
	/* -o FILE writes the same bytes. */
	{
		char *out = g_build_filename(tmp, "nisc.csv", NULL), *got;
		tu_run r2 = tu_cli("export", "--source", "nisc", "--format", "csv", NULL);
		r = tu_cli("export", "--source", "nisc", "--format", "csv", "-o", out, NULL);
		ck_assert_int_eq(r.status, 0);
		got = slurp(out);
		ck_assert_str_eq(got, r2.out);
		g_free(got);
		g_free(out);
		tu_run_free(&r2);
		tu_run_free(&r);
	}
	g_free(a);
	g_free(b);
	g_free(specs);
}
END_TEST

/* ---- a small source with unusual but valid features ---- */

/* odd: two classes, two categories, a second table that is neither the
 * select nor the spec table, sections five deep, references of every
 * shape, conditions on two attributes, two appendices, and clause bodies
 * with links and images of every kind. */
static const tu_file odd_source[] = {
	{ "odd/source.yaml",
	  "id: odd\n"
	  "title: 奇妙な基準\n"
	  "publisher: 例示市\n"
	  "version: \"1\"\n"
	  "seed: {file: x.txt, lines: [1, 50]}\n"
	  "classes:\n  - {id: I, name: 分類Ⅰ}\n  - {id: II, name: 分類Ⅱ}\n"
	  "categories:\n  - {id: dev, name: 開発}\n  - {id: dc, name: データセンター}\n"
	  "tables:\n"
	  "  - {id: main, title: 主表, columns: [dev, dc]}\n"
	  "  - {id: extra, title: 補表, columns: [dc]}\n"
	  "marks: {\"○\": required, \"△\": optional, \"-\": not-applicable}\n"
	  "attributes:\n"
	  "  - {id: web, name: ウェブ, type: bool}\n"
	  "  - {id: hosting, name: 設置, type: enum, values: [onprem, cloud]}\n"
	  "parties: {orderer: 市, vendor: 受託者}\n"
	  TU_SECTIONS_FIVE_DEEP
	  "preamble: |\n  この基準は[外部の例](https://example.org/intro)に倣う。\n" },
	{ "odd/clauses/odd-1.md",
	  "---\n"
	  "id: odd-1\n"
	  "number: \"1\"\n"
	  "section: \"1\"\n"
	  "title: 'links, \"quotes\"'\n"
	  "marks:\n"
	  "  main: {I: \"○ △\", II: \"- -\"}\n"
	  "  extra: {I: \"○\", II: \"-\"}\n"
	  "when: {web: true, hosting: [onprem, cloud]}\n"
	  "references:\n"
	  "  - 平文の参考\n"
	  "  - {label: 指針, url: \"https://example.org/guide\", note: 第3版}\n"
	  "  - {label: 手引, url: \"https://example.org/manual\"}\n"
	  "appendices: [app-a, app-b]\n"
	  "seed_lines: [10, 12]\n"
	  "---\n"
	  "市は[外部](https://example.org/x)と<https://example.org/auto>と[別項](clause-odd-2.html)"
	  "と[網](//cdn.example.org/y)と[管](svn+ssh://h.example/r)と[上](#top)を示す。"
	  "受託者は`code`を使う。\n" },
	{ "odd/clauses/odd-2.md",
	  "---\n"
	  "id: odd-2\n"
	  "number: \"1\"\n"
	  "section: \"1-1-1-1-1\"\n"
	  "marks:\n"
	  "  main: {I: \"○ ○\", II: \"- -\"}\n"
	  "  extra: {I: \"○\", II: \"-\"}\n"
	  "seed_lines: [20, 20]\n"
	  "---\n"
	  "受託者は市に報告する。\n" },
	{ "odd/clauses/odd-3.md",
	  "---\n"
	  "id: odd-3\n"
	  "number: \"2\"\n"
	  "section: \"1\"\n"
	  "marks:\n"
	  "  main: {I: \"○ ○\", II: \"- -\"}\n"
	  "  extra: {I: \"○\", II: \"-\"}\n"
	  "unless: {hosting: cloud}\n"
	  "seed_lines: [21, 21]\n"
	  "---\n"
	  "図 ![配置図](https://example.org/fig.png) と [根](/etc/passwd) と "
	  "[*強調*](https://example.org/em) と [](https://example.org/empty) と "
	  "[https://example.org/c`x`](https://example.org/c) と [j](javascript:alert(1)) と "
	  "![相対](fig.png)。\n" },
	{ "odd/appendices/app-a.md",
	  "---\nid: app-a\ntitle: 別紙A\nseed_lines: [30, 30]\n"
	  "columns: [{id: name, name: 名称}]\nrows: [{name: 甲}]\n---\n別紙Aの本文。\n" },
	{ "odd/appendices/app-b.md",
	  "---\nid: app-b\ntitle: 別紙B\nseed_lines: [31, 31]\n---\n別紙Bの本文。\n" },
	{ NULL, NULL }
};

/* tiny: no classes, no categories, no tables: one page "all". */
static const tu_file tiny_source[] = {
	{ "tiny/source.yaml",
	  "id: tiny\ntitle: 小さな基準\npublisher: 例示町\nversion: \"2\"\n"
	  "seed: {file: y.txt, lines: [1, 2]}\n"
	  "sections:\n  - {id: \"1\", number: \"1\", title: 全般, seed_lines: [1, 1]}\n" },
	{ "tiny/clauses/t-1.md",
	  "---\nid: t-1\nnumber: \"1\"\nsection: \"1\"\nverdict: optional\nseed_lines: [2, 2]\n---\n"
	  "記録を残す。\n" },
	{ NULL, NULL }
};

static char *page_of(const char *site, const char *src, const char *name)
{
	char *p = g_build_filename(site, src, name, NULL), *html = slurp(p);

	g_free(p);
	return html;
}

#define ck_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "missing: %s", (needle))
#define ck_lacks(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) == NULL, "unexpected: %s", (needle))

/* Publishes `source` (every source when NULL) of `specs` as HTML into
 * `site`, which must succeed. Returns its stderr (g_free). */
static char *publish_html(const char *specs, const char *site, const char *source)
{
	tu_run r = source ? tu_cli("publish", "--specs", specs, "--source", source, "--formats", "html",
	                           "-o", site, NULL)
	                  : tu_cli("publish", "--specs", specs, "--formats", "html", "-o", site, NULL);
	char *err = r.err;

	ck_assert_msg(r.status == 0, "%s", r.err);
	r.err = NULL;
	tu_run_free(&r);
	return err;
}

/* Whether site/src/name passes g_file_test `test` (name may be NULL). */
static int site_file(const char *site, const char *src, const char *name, GFileTest test)
{
	char *p = g_build_filename(site, src, name, NULL);
	int yes = g_file_test(p, test);

	g_free(p);
	return yes;
}

/* Asserts that the selection page `html` lists the clauses `want`
 * (space-separated, in order). */
static void lists_ids(const char *html, const char *want)
{
	char *ids = listed_ids(html);

	ck_assert_str_eq(ids, want);
	g_free(ids);
}

/* Markdown in clause bodies and the preamble: links and images that leave
 * the site become their text and address, relative ones stay links; the
 * clause page lists references, conditions and the marks of both tables;
 * a class x category that takes nothing says so. Every page is well-formed
 * with relative URLs only. */
START_TEST(publish_odd_source_pages)
{
	char *specs = g_build_filename(tmp, "specs", NULL);
	char *site = g_build_filename(tmp, "site", NULL);
	char *html, *ids, *err;

	tu_write_files(specs, odd_source);
	err = publish_html(specs, site, "odd");
	ck_has(err, "(1 source)");
	g_free(err);
	{
		GDir *d;
		const char *n;
		char *dir = g_build_filename(site, "odd", NULL), *p;
		int pages = 0;
		d = g_dir_open(dir, 0, NULL);
		ck_assert(d != NULL);
		while ((n = g_dir_read_name(d)) != NULL)
			if (g_str_has_suffix(n, ".html")) {
				p = g_build_filename(dir, n, NULL);
				check_page(p);
				g_free(p);
				pages++;
			}
		g_dir_close(d);
		/* index, matrix, 3 clauses, 2 x 2 selections */
		ck_assert_int_eq(pages, 9);
		ck_assert(!site_file(site, "odd", "guideline.pdf", G_FILE_TEST_EXISTS));
		g_free(dir);
		p = g_build_filename(site, "index.html", NULL);
		check_page(p);
		g_free(p);
	}

	html = page_of(site, "odd", "clause-odd-1.html");
	ck_has(html, "<h1><span class=\"num\">1</span> links, &quot;quotes&quot;</h1>");
	ck_has(html, "市は外部（https://example.org/x）と");
	ck_has(html, "とhttps://example.org/autoと"); /* an autolink: the address once */
	ck_lacks(html, "auto（");
	ck_has(html, "<a href=\"clause-odd-2.html\">別項</a>");
	ck_has(html, "と網（//cdn.example.org/y）と");
	ck_has(html, "と管（svn+ssh://h.example/r）と");
	ck_has(html, "<a href=\"#top\">上</a>");
	ck_has(html, "受託者は<code>code</code>を使う。");
	ck_has(html, "<ul class=\"refs\">\n<li>平文の参考</li>\n"
	             "<li>指針 <code class=\"url\">https://example.org/guide</code> — 第3版</li>\n"
	             "<li>手引 <code class=\"url\">https://example.org/manual</code></li>\n</ul>");
	ck_has(html, "<li>ウェブ（<code>web</code>）: <code>true</code></li>");
	ck_has(html, "<li>設置（<code>hosting</code>）: <code>onprem</code>, <code>cloud</code></li>");
	ck_has(html, "<h2>別紙</h2>\n<ul>\n<li>別紙A</li>\n<li>別紙B</li>\n</ul>");
	/* The select table is named as such; the other one has no role. */
	ck_has(html, "<caption>主表 （判定に用いる表・契約）</caption>");
	ck_has(html, "<caption>補表</caption>");
	ck_has(html, "<tr><th scope=\"row\">分類Ⅰ</th><td class=\"m m-required\">○</td>"
	             "<td class=\"m m-optional\">△</td></tr>");
	ck_has(html, "<dd><code>specs/odd/clauses/odd-1.md</code></dd>");
	ck_lacks(html, "rel=\"prev\"");
	ck_has(html, "<a rel=\"next\" href=\"clause-odd-3.html\">");
	g_free(html);

	html = page_of(site, "odd", "clause-odd-3.html");
	/* Nothing is loaded from elsewhere: the image is its alt text. */
	ck_lacks(html, "<img src=\"https:");
	ck_has(html, "図 配置図（https://example.org/fig.png） と");
	/* A path from the server's root leaves the site too. */
	ck_lacks(html, "href=\"/etc");
	ck_has(html, "と 根（/etc/passwd） と");
	ck_has(html, "と <em>強調</em>（https://example.org/em） と");
	ck_has(html, "と （https://example.org/empty） と");
	ck_has(html, "と https://example.org/c<code>x</code>（https://example.org/c） と");
	ck_has(html, "と j（javascript:alert(1)） と");
	ck_has(html, "<img src=\"fig.png\" alt=\"相対\" />");
	ck_has(html, "<li>設置（<code>hosting</code>）: <code>cloud</code></li>");
	ck_lacks(html, "<h2>参考</h2>");
	ck_has(html, "<a rel=\"prev\" href=\"clause-odd-1.html\">");
	g_free(html);

	html = page_of(site, "odd", "index.html");
	ck_has(html, "<div class=\"preamble\">\n<p>この基準は外部の例（https://example.org/intro）に倣う。</p>");
	/* Headings stop at h6 however deep the sections go. */
	ck_has(html, "<h5 class=\"depth-2\" id=\"sec-1-1-1\">");
	ck_has(html, "<h6 class=\"depth-3\" id=\"sec-1-1-1-1\">");
	ck_has(html, "<h6 class=\"depth-4\" id=\"sec-1-1-1-1-1\">");
	/* Document order: section 1's clauses by number, then the deep one. */
	ids = strstr(html, "clause-odd-1.html");
	ck_assert(ids != NULL && strstr(ids, "clause-odd-3.html") != NULL &&
	          strstr(strstr(ids, "clause-odd-3.html"), "clause-odd-2.html") != NULL);
	ck_has(html, "<a href=\"sel-II.dev.html\">0</a>");
	ck_has(html, "<a href=\"sel-I.dev.html\">3</a>");
	g_free(html);

	/* Class II takes nothing: the page says so and lists all as excluded. */
	html = page_of(site, "odd", "sel-II.dev.html");
	lists_ids(html, "");
	ck_has(html, "<p>この分類では契約書類に入る条項はない。</p>");
	ck_has(html, "対象外の条項（3）");
	ck_lacks(html, "id=\"selection\"");
	ck_has(html, "data-excluded=\"odd-2\"");
	g_free(html);
	/* Two tables but one decides and announces: no spec column. */
	html = page_of(site, "odd", "sel-I.dc.html");
	lists_ids(html, "odd-1 odd-3 odd-2");
	ck_lacks(html, "調達仕様書</th>");
	ck_lacks(html, "この分類では契約書類に入る条項はない。");
	ck_has(html, "<p>判定には表「主表」を用いる（契約の特記事項が拘束する表）。</p>");
	ck_has(html, "data-verdict=\"optional\"");
	g_free(html);

	html = page_of(site, "odd", "matrix.html");
	ck_has(html, "colspan=\"4\" data-t=\"main\">主表 （判定に用いる表・契約）</th>");
	ck_has(html, "colspan=\"2\" data-t=\"extra\">補表 </th>");
	ck_has(html, "<tr id=\"row-odd-1\" data-id=\"odd-1\" data-in=\"I.dev I.dc\"");
	g_free(html);
	g_free(site);
	g_free(specs);
}
END_TEST

/* export of the odd source: references one a line (label <url> (note)),
 * conditions as attr=v1|v2; attr2=v, appendices space-separated; JSON keeps
 * a plain reference's missing url and note as null; -o FILE is stdout's
 * bytes. */
START_TEST(export_odd_source)
{
	char *specs = g_build_filename(tmp, "specs", NULL);
	char *out = g_build_filename(tmp, "odd.csv", NULL), *got;
	tu_run r, r2;
	GPtrArray *recs, *row;
	json_t *j, *cl, *refs;

	tu_write_files(specs, odd_source);
	r = tu_cli("export", "--specs", specs, "--source", "odd", "--format", "csv", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	recs = csv_parse(r.out + 3);
	ck_assert_int_eq(recs->len, 4);
	row = g_ptr_array_index(recs, 0);
	ck_assert_int_eq(row->len, 12 + 2 * 2 + 2 * 1);
	ck_assert_str_eq(g_ptr_array_index(row, 16), "extra/I/dc");
	row = g_ptr_array_index(recs, 1);
	ck_assert_str_eq(g_ptr_array_index(row, 0), "odd-1");
	ck_assert_str_eq(g_ptr_array_index(row, 4), "links, \"quotes\"");
	ck_assert_str_eq(g_ptr_array_index(row, 6),
	                 "平文の参考\n指針 <https://example.org/guide> (第3版)\n"
	                 "手引 <https://example.org/manual>");
	ck_assert_str_eq(g_ptr_array_index(row, 7), "web=true; hosting=onprem|cloud");
	ck_assert_str_eq(g_ptr_array_index(row, 8), "");
	ck_assert_str_eq(g_ptr_array_index(row, 9), "app-a app-b");
	ck_assert_str_eq(g_ptr_array_index(row, 10), "10-12");
	ck_assert_str_eq(g_ptr_array_index(row, 13), "△");
	ck_assert_str_eq(g_ptr_array_index(row, 16), "○");
	row = g_ptr_array_index(recs, 2);
	ck_assert_str_eq(g_ptr_array_index(row, 0), "odd-3");
	ck_assert_str_eq(g_ptr_array_index(row, 6), "");
	ck_assert_str_eq(g_ptr_array_index(row, 7), "");
	ck_assert_str_eq(g_ptr_array_index(row, 8), "hosting=cloud");
	row = g_ptr_array_index(recs, 3);
	ck_assert_str_eq(g_ptr_array_index(row, 0), "odd-2");
	/* A clause without a title takes its section's. */
	ck_assert_str_eq(g_ptr_array_index(row, 3), "微目");
	ck_assert_str_eq(g_ptr_array_index(row, 4), "微目");
	g_ptr_array_unref(recs);
	r2 = tu_cli("export", "--specs", specs, "--source", "odd", "--format", "csv", "-o", out, NULL);
	ck_assert_msg(r2.status == 0, "%s", r2.err);
	ck_assert_str_eq(r2.out, "");
	got = slurp(out);
	ck_assert_str_eq(got, r.out);
	g_free(got);
	tu_run_free(&r2);
	tu_run_free(&r);

	r = tu_cli("export", "--specs", specs, "--source", "odd", NULL);
	j = run_json(&r);
	tu_run_free(&r);
	cl = json_array_get(json_object_get(j, "clauses"), 0);
	refs = json_object_get(cl, "references");
	ck_assert_int_eq(json_array_size(refs), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(refs, 0), "label")),
	                 "平文の参考");
	ck_assert(json_is_null(json_object_get(json_array_get(refs, 0), "url")));
	ck_assert(json_is_null(json_object_get(json_array_get(refs, 2), "note")));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(refs, 1), "note")),
	                 "第3版");
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(cl, "when"), "hosting")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(cl, "appendices"), 1)),
	                 "app-b");
	/* The second table has no role. */
	ck_assert_int_eq(json_array_size(json_object_get(
	                         json_array_get(json_object_get(json_object_get(j, "source"),
	                                                        "tables"),
	                                        1),
	                         "role")),
	                 0);
	json_decref(j);
	/* -o into a path under a file fails with the system's reason. */
	g_free(tu_write(tmp, "plain", "x\n"));
	g_free(out);
	out = g_build_filename(tmp, "plain", "odd.json", NULL);
	r = tu_cli("export", "--specs", specs, "--source", "odd", "-o", out, NULL);
	ck_assert_int_eq(r.status, 3);
	ck_has(r.err, "Not a directory");
	tu_run_free(&r);
	g_free(out);
	g_free(specs);
}
END_TEST

/* A root of our own: a copy of templates/ and lua/ and the odd source.
 * Returns its path (g_free). */
static char *odd_root(void)
{
	char *root = tu_copy_root(tmp, 0), *specs = g_build_filename(root, "specs", NULL);

	tu_write_files(specs, odd_source);
	g_free(specs);
	return root;
}

/* Publishes odd from `root` into `site`, expecting exit status `want` and
 * (when not NULL) `msg` in stderr after the root's path. */
static void publish_expect(const char *root, const char *site, int want, const char *msg)
{
	tu_run r = tu_cli("publish", "--root", root, "--source", "odd", "--formats", "html", "-o",
	                  site, NULL);

	ck_assert_msg(r.status == want, "exit %d, want %d: %s", r.status, want, r.err);
	if (msg != NULL) {
		char *full = g_strconcat(root, "/", msg, NULL);
		ck_assert_msg(strstr(r.err, full) != NULL, "want '%s' in: %s", full, r.err);
		g_free(full);
	}
	tu_run_free(&r);
}

/* Line (and, when `col` is not NULL, column in characters) of the first
 * `what` in `text`, 1-based. */
static int line_col(const char *text, const char *what, int *col)
{
	const char *at = strstr(text, what), *bol = text, *p;
	int line = 1;

	ck_assert_msg(at != NULL, "no '%s'", what);
	for (p = text; p < at; p++)
		if (*p == '\n') {
			line++;
			bol = p + 1;
		}
	if (col)
		*col = (int)g_utf8_strlen(bol, at - bol) + 1;
	return line;
}

/* Writes `orig` to `path` with its first `from` replaced by `to`. */
static void write_replaced(const char *path, const char *orig, const char *from, const char *to)
{
	GString *w = g_string_new(orig);

	g_string_replace(w, from, to, 1);
	ck_assert(g_file_set_contents(path, w->str, -1, NULL));
	g_string_free(w, TRUE);
}

/* The site's wording and chrome come from templates/site/: every fault there
 * stops publish with the file, line and column, and leaves the previous
 * site exactly as it was. */
START_TEST(publish_reports_broken_site_templates)
{
	char *root = odd_root();
	char *site = g_build_filename(tmp, "site", NULL);
	char *words = g_build_filename(root, "templates", "site", "words.yaml", NULL);
	char *page = g_build_filename(root, "templates", "site", "page.html", NULL);
	char *js = g_build_filename(root, "templates", "site", "site.js", NULL);
	char *idx = g_build_filename(root, "templates", "site", "index.html", NULL);
	char *orig_words = slurp(words), *orig_page = slurp(page), *orig_js = slurp(js);
	char *orig_idx = slurp(idx), *msg;
	char *index = g_build_filename(site, "index.html", NULL), *before, *after, *html;

	publish_expect(root, site, 0, NULL);
	before = slurp(index);

	/* A key left out, a key that is not text, an unknown key, not a map,
	 * not YAML, no file. */
	write_replaced(words, orig_words, "sel.none: ", "sel.nothing: ");
	msg = g_strdup_printf("templates/site/words.yaml:%d:1: error: unknown key 'sel.nothing' "
	                      "in site wording",
	                      line_col(orig_words, "sel.none: ", NULL));
	publish_expect(root, site, 1, msg);
	g_free(msg);
	write_replaced(words, orig_words, "sel.none: ", "# sel.none: ");
	publish_expect(root, site, 1,
	               "templates/site/words.yaml:1:1: error: 'sel.none' is missing from the "
	               "site's wording");
	write_replaced(words, orig_words, "sel.none: ", "sel.none: {a: b} #");
	msg = g_strdup_printf("templates/site/words.yaml:%d:11: error: 'sel.none' must be text",
	                      line_col(orig_words, "sel.none: ", NULL));
	publish_expect(root, site, 1, msg);
	g_free(msg);
	ck_assert(g_file_set_contents(words, "- site.title\n- site.intro\n", -1, NULL));
	publish_expect(root, site, 1,
	               "templates/site/words.yaml:1:1: error: the site's wording must be a map of "
	               "key: text");
	ck_assert(g_file_set_contents(words, "site.title: [\n", -1, NULL));
	publish_expect(root, site, 1, "templates/site/words.yaml:2:1: error: YAML: ");
	g_unlink(words);
	publish_expect(root, site, 3, "templates/site/words.yaml:1:1: error: cannot open");
	ck_assert(g_file_set_contents(words, orig_words, -1, NULL));

	/* A field the pages do not have, at its line and column. */
	write_replaced(page, orig_page, "{{doc.title}}", "{{doc.titel}}");
	{
		int col, line = line_col(orig_page, "{{doc.title}}", &col);
		msg = g_strdup_printf("templates/site/page.html:%d:%d: error: unknown field "
		                      "'doc.titel' (did you mean 'doc.title'?)",
		                      line, col);
		publish_expect(root, site, 1, msg);
		g_free(msg);
	}
	ck_assert(g_file_set_contents(page, orig_page, -1, NULL));
	/* The site's index belongs to no source: it has no clauses to name. */
	ck_assert(g_file_set_contents(idx, "{{clause:odd-1}}{{body}}", -1, NULL));
	publish_expect(root, site, 1,
	               "templates/site/index.html:1:1: error: template refers to clause 'odd-1', "
	               "which source 'site' does not have");
	ck_assert(g_file_set_contents(idx, orig_idx, -1, NULL));
	/* A missing asset. */
	g_unlink(js);
	publish_expect(root, site, 3, "templates/site/site.js:1:1: error: cannot open");
	ck_assert(g_file_set_contents(js, orig_js, -1, NULL));
	{
		static const char *const need[] = { "site.css", "page.html", "index.html" };
		size_t i;
		for (i = 0; i < G_N_ELEMENTS(need); i++) {
			char *f = g_build_filename(root, "templates", "site", need[i], NULL);
			char *keep = slurp(f);
			g_unlink(f);
			msg = g_strconcat("templates/site/", need[i], ":1:1: error: cannot open", NULL);
			publish_expect(root, site, 3, msg);
			ck_assert(g_file_set_contents(f, keep, -1, NULL));
			g_free(msg);
			g_free(keep);
			g_free(f);
		}
	}

	after = slurp(index);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(tu_count_entries(tmp), 2); /* root and site: no staging left */
	g_free(after);

	/* Wording without "{}" is printed as it is. */
	write_replaced(words, orig_words, "sel.table: 判定には表「{}」を用いる", "sel.table: 判定表は一つ");
	publish_expect(root, site, 0, NULL);
	html = page_of(site, "odd", "sel-I.dev.html");
	ck_has(html, "<p>判定表は一つ（契約の特記事項が拘束する表）。</p>");
	g_free(html);
	/* A source's pages have no contract: {{clause:ID}} names no number. */
	ck_assert(g_file_set_contents(page, "<p>{{clause:odd-1}}</p>{{body}}", -1, NULL));
	publish_expect(root, site, 0, NULL);
	html = page_of(site, "odd", "clause-odd-1.html");
	ck_assert(g_str_has_prefix(html, "<p>（該当なし）</p><p class=\"crumbs\">"));
	g_free(html);

	g_free(before);
	g_free(index);
	g_free(orig_words);
	g_free(orig_page);
	g_free(orig_js);
	g_free(orig_idx);
	g_free(idx);
	g_free(js);
	g_free(page);
	g_free(words);
	g_free(site);
	g_free(root);
}
END_TEST

/* Rules that fail for one clause stop publish at the rules file; a broken
 * guideline wording of the source's own stops it too; neither leaves a
 * site or a staging directory behind. */
START_TEST(publish_stops_at_failing_rules_and_wording)
{
	char *root = odd_root();
	char *site = g_build_filename(tmp, "site", NULL);
	char *lua = g_build_filename(root, "lua", "odd.lua", NULL);
	char *pdfw = g_build_filename(root, "templates", "odd", "pdf.yaml", NULL);
	tu_run r;

	g_free(tu_write(root, "lua/odd.lua",
	                "local M = ...\nlocal R = {}\nfunction R.verdict(c, ct, s)\n"
	                "  if c.id == \"odd-2\" then return \"maybe\", \"x\" end\n"
	                "  return M.verdict(c, ct, s)\nend\nreturn R\n"));
	publish_expect(root, site, 1,
	               "lua/odd.lua:3:1: error: verdict() returned 'maybe' for clause 'odd-2'");
	ck_assert(!g_file_test(site, G_FILE_TEST_EXISTS));
	/* Rules that fail only when run by the spec table (a source whose spec
	 * table differs is run twice per class x category). */
	{
		char *sy = g_build_filename(root, "specs", "odd", "source.yaml", NULL);
		char *orig = slurp(sy), *with = g_strconcat(orig, "spec_table: extra\n", NULL);
		ck_assert(g_file_set_contents(sy, with, -1, NULL));
		g_free(tu_write(root, "lua/odd.lua",
		                "local M = ...\nlocal R = {}\nfunction R.verdict(c, ct, s)\n"
		                "  if s.select_table == \"extra\" then return nil, \"x\" end\n"
		                "  return M.verdict(c, ct, s)\nend\nreturn R\n"));
		publish_expect(root, site, 1,
		               "lua/odd.lua:3:1: error: verdict() returned nil for clause 'odd-1'");
		ck_assert(!g_file_test(site, G_FILE_TEST_EXISTS));
		ck_assert(g_file_set_contents(sy, orig, -1, NULL));
		g_free(with);
		g_free(orig);
		g_free(sy);
	}
	g_unlink(lua);

	g_free(tu_write(root, "templates/odd/pdf.yaml", "spec: 調達仕様書\n"));
	r = tu_cli("publish", "--root", root, "--source", "odd", "-o", site, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_has(r.err, "templates/odd/pdf.yaml:1:7: error: 'spec' must be a map {title, meta, intro}");
	tu_run_free(&r);
	ck_assert(!g_file_test(site, G_FILE_TEST_EXISTS));
	/* Without the PDF the wording is not read. */
	publish_expect(root, site, 0, NULL);
	ck_assert_int_eq(tu_count_entries(tmp), 2);

	/* A site cannot go below a file. */
	{
		char *f = tu_write(tmp, "plain", "x\n");
		char *below = g_build_filename(f, "site", NULL);
		r = tu_cli("publish", "--root", root, "--source", "odd", "-o", below, NULL);
		ck_assert_int_eq(r.status, 3);
		ck_has(r.err, "cannot create directory: Not a directory");
		tu_run_free(&r);
		g_free(below);
		g_free(f);
	}
	g_free(pdfw);
	g_free(lua);
	g_free(site);
	g_free(root);
}
END_TEST

/* --source republishes one source and carries over the others a previous
 * site holds: their files, not subdirectories; a directory without the
 * source record is not a source and is dropped; a source whose record is
 * unreadable keeps its pages but leaves the index. A source without
 * classes or categories has the one page sel-all.html. */
START_TEST(publish_one_source_carries_over_only_sources)
{
	char *specs = g_build_filename(tmp, "specs", NULL);
	char *site = g_build_filename(tmp, "site", NULL);
	char *html, *err;

	tu_write_files(specs, odd_source);
	tu_write_files(specs, tiny_source);
	err = publish_html(specs, site, NULL);
	ck_has(err, "(2 sources)");
	g_free(err);
	html = page_of(site, "tiny", "index.html");
	ck_has(html, "<p><a href=\"sel-all.html\">全条項</a>（1）</p>");
	g_free(html);
	html = page_of(site, "tiny", "sel-all.html");
	ck_has(html, "<h1>適用条項: 全条項</h1>");
	ck_has(html, "<code>clausegen select --source tiny</code>");
	ck_lacks(html, "matrix.html#");
	lists_ids(html, "t-1");
	g_free(html);
	html = page_of(site, "tiny", "matrix.html");
	ck_has(html, "<td class=\"m\" data-t=\"\" data-k=\"\" data-c=\"\"><span class=\"v v-optional\">△ 選択</span></td>");
	g_free(html);

	g_free(tu_write(site, "odd/sub/keep.txt", "x\n"));
	g_free(tu_write(site, "stray/notes.txt", "x\n"));
	g_free(publish_html(specs, site, "tiny"));
	ck_assert(site_file(site, "odd", "clause-odd-2.html", G_FILE_TEST_IS_REGULAR));
	ck_assert(!site_file(site, "odd", "sub", G_FILE_TEST_EXISTS));
	ck_assert(!site_file(site, "stray", NULL, G_FILE_TEST_EXISTS));
	html = page_of(site, "", "index.html");
	ck_has(html, "<a href=\"odd/index.html\">奇妙な基準</a> <code>odd</code></td><td>例示市</td><td>1</td><td class=\"n\">3</td>");
	ck_has(html, "<a href=\"tiny/index.html\">小さな基準</a>");
	g_free(html);

	/* Republishing odd alone replaces its pages (none of the old files
	 * stay) and keeps tiny. */
	g_free(tu_write(site, "odd/old.html", "old\n"));
	g_free(publish_html(specs, site, "odd"));
	ck_assert(!site_file(site, "odd", "old.html", G_FILE_TEST_EXISTS));
	ck_assert(site_file(site, "tiny", "sel-all.html", G_FILE_TEST_IS_REGULAR));

	/* An unreadable record: the pages stay, the index row goes. */
	g_free(tu_write(site, "odd/.clausegen-source", "{ not json\n"));
	g_free(publish_html(specs, site, "tiny"));
	ck_assert(site_file(site, "odd", "index.html", G_FILE_TEST_IS_REGULAR));
	html = page_of(site, "", "index.html");
	ck_lacks(html, "odd/index.html");
	ck_has(html, "tiny/index.html");
	g_free(html);
	g_free(site);
	g_free(specs);
}
END_TEST

static Suite *site_suite(void)
{
	Suite *s = suite_create("site");
	TCase *tc = tcase_create("publish");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, publish_every_source);
	tcase_add_test(tc, refuse_a_directory_that_is_not_a_site);
	tcase_add_test(tc, publish_one_source_keeps_the_others);
	tcase_add_test(tc, publish_is_deterministic);
	tcase_add_test(tc, guideline_pdf_per_source);
	tcase_add_test(tc, export_json_has_every_clause_and_mark);
	tcase_add_test(tc, export_csv_quotes_and_counts);
	tcase_add_test(tc, publish_odd_source_pages);
	tcase_add_test(tc, export_odd_source);
	tcase_add_test(tc, publish_reports_broken_site_templates);
	tcase_add_test(tc, publish_stops_at_failing_rules_and_wording);
	tcase_add_test(tc, publish_one_source_carries_over_only_sources);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(site_suite());
}
