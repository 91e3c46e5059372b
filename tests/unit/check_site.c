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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(site_suite());
}
