/* check_ynode.c: the YAML tree: node types, values, quoting and positions,
 * the empty document, syntax errors, duplicate keys, refused anchors and
 * aliases (alias bombs), the depth and node caps, multi-document streams,
 * NUL escapes, and the helpers yn_get, yn_bool, yn_check_keys and
 * yn_type_name. */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "err.h"
#include "testutil.h"
#include "ynode.h"

/* Parses a NUL-terminated document; asserts success. */
static ynode *parse_ok(const char *text, int line_offset)
{
	cg_err e = { 0 };
	ynode *n = yn_parse(text, strlen(text), "doc.yaml", line_offset, &e);

	ck_assert_msg(n != NULL, "unexpected error %d:%d %s", e.line, e.col,
	              e.msg ? e.msg : "");
	ck_assert_int_eq(e.kind, CG_OK);
	return n;
}

/* Parses a NUL-terminated document; asserts failure and fills `e`. */
static void parse_fail(const char *text, int line_offset, cg_err *e)
{
	ynode *n = yn_parse(text, strlen(text), "doc.yaml", line_offset, e);

	ck_assert_ptr_null(n);
	ck_assert_int_eq(e->kind, CG_EINPUT);
	ck_assert_str_eq(e->file, "doc.yaml");
}

static void check_scalar(const ynode *n, const char *str, int quoted, int line, int col)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->type, YN_SCALAR);
	ck_assert_str_eq(n->str, str);
	ck_assert_int_eq(n->quoted, quoted);
	ck_assert_int_eq(n->line, line);
	ck_assert_int_eq(n->col, col);
}

static const char doc[] =
	"id: sg-1\n"                 /* 1 */
	"number: \"1-1\"\n"          /* 2 */
	"list: [x, 'y', 3]\n"        /* 3 */
	"block:\n"                   /* 4 */
	"  - p\n"                    /* 5 */
	"  - k: v\n"                 /* 6 */
	"    j: w\n"                 /* 7 */
	"map: {a: 1, b: \"two\"}\n"  /* 8 */
	"text: |\n"                  /* 9 */
	"  日本語\n"                 /* 10 */
	"empty: ''\n";               /* 11 */

START_TEST(parse_tree)
{
	ynode *r = parse_ok(doc, 0), *n, *m;

	ck_assert_int_eq(r->type, YN_MAP);
	ck_assert_uint_eq(r->n, 7);
	ck_assert_int_eq(r->line, 1);
	ck_assert_int_eq(r->col, 1);
	/* Keys in document order, with their positions. */
	check_scalar(YN_KEY(r, 0), "id", 0, 1, 1);
	check_scalar(YN_KEY(r, 1), "number", 0, 2, 1);
	check_scalar(YN_KEY(r, 6), "empty", 0, 11, 1);
	check_scalar(YN_VAL(r, 0), "sg-1", 0, 1, 5);
	check_scalar(YN_VAL(r, 1), "1-1", 1, 2, 9);

	n = yn_get(r, "list");
	ck_assert_int_eq(n->type, YN_SEQ);
	ck_assert_uint_eq(n->n, 3);
	ck_assert_int_eq(n->line, 3);
	ck_assert_int_eq(n->col, 7);
	check_scalar(n->items[0], "x", 0, 3, 8);
	check_scalar(n->items[1], "y", 1, 3, 11);
	check_scalar(n->items[2], "3", 0, 3, 16);

	n = yn_get(r, "block");
	ck_assert_int_eq(n->type, YN_SEQ);
	ck_assert_uint_eq(n->n, 2);
	ck_assert_int_eq(n->line, 5);
	ck_assert_int_eq(n->col, 3);
	check_scalar(n->items[0], "p", 0, 5, 5);
	m = n->items[1];
	ck_assert_int_eq(m->type, YN_MAP);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_int_eq(m->line, 6);
	ck_assert_int_eq(m->col, 5);
	check_scalar(YN_KEY(m, 1), "j", 0, 7, 5);
	check_scalar(YN_VAL(m, 1), "w", 0, 7, 8);

	n = yn_get(r, "map");
	ck_assert_int_eq(n->type, YN_MAP);
	ck_assert_uint_eq(n->n, 2);
	ck_assert_int_eq(n->line, 8);
	ck_assert_int_eq(n->col, 6);
	check_scalar(yn_get(n, "a"), "1", 0, 8, 10);
	check_scalar(yn_get(n, "b"), "two", 1, 8, 16);

	/* A block scalar is not plain: quoted is set. */
	check_scalar(yn_get(r, "text"), "日本語\n", 1, 9, 7);
	check_scalar(yn_get(r, "empty"), "", 1, 11, 8);
	yn_free(r);
}
END_TEST

START_TEST(parse_line_offset)
{
	ynode *r = parse_ok(doc, 1), *n;

	/* Front matter: the YAML starts on line 2 of the file. */
	ck_assert_int_eq(r->line, 2);
	ck_assert_int_eq(r->col, 1);
	check_scalar(YN_KEY(r, 0), "id", 0, 2, 1);
	check_scalar(YN_VAL(r, 1), "1-1", 1, 3, 9);
	n = yn_get(r, "list");
	ck_assert_int_eq(n->line, 4);
	ck_assert_int_eq(n->col, 7);
	check_scalar(n->items[2], "3", 0, 4, 16);
	check_scalar(yn_get(r, "empty"), "", 1, 12, 8);
	yn_free(r);
	r = parse_ok(doc, 100);
	check_scalar(YN_KEY(r, 6), "empty", 0, 111, 1);
	yn_free(r);
}
END_TEST

START_TEST(parse_seq_and_scalar_roots)
{
	ynode *r = parse_ok("- a\n- \"b\"\n- [c]\n", 0);

	ck_assert_int_eq(r->type, YN_SEQ);
	ck_assert_uint_eq(r->n, 3);
	ck_assert_int_eq(r->line, 1);
	ck_assert_int_eq(r->col, 1);
	check_scalar(r->items[0], "a", 0, 1, 3);
	check_scalar(r->items[1], "b", 1, 2, 3);
	ck_assert_int_eq(r->items[2]->type, YN_SEQ);
	ck_assert_uint_eq(r->items[2]->n, 1);
	check_scalar(r->items[2]->items[0], "c", 0, 3, 4);
	yn_free(r);

	r = parse_ok("just text", 0);
	check_scalar(r, "just text", 0, 1, 1);
	yn_free(r);
	r = parse_ok("  'quoted'\n", 4);
	check_scalar(r, "quoted", 1, 5, 3);
	yn_free(r);
}
END_TEST

START_TEST(parse_len_bounds_input)
{
	/* Only `len` bytes are read. */
	const char text[] = "a: 1\nb: 2\n";
	cg_err e = { 0 };
	ynode *r = yn_parse(text, 5, "doc.yaml", 0, &e);

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_ptr_null(yn_get(r, "b"));
	check_scalar(yn_get(r, "a"), "1", 0, 1, 4);
	yn_free(r);
}
END_TEST

START_TEST(parse_empty_document)
{
	ynode *r = parse_ok("", 0);

	ck_assert_int_eq(r->type, YN_MAP);
	ck_assert_uint_eq(r->n, 0);
	ck_assert_ptr_null(r->items);
	ck_assert_int_eq(r->line, 1);
	ck_assert_int_eq(r->col, 1);
	yn_free(r);
	r = parse_ok("# only a comment\n\n", 7);
	ck_assert_int_eq(r->type, YN_MAP);
	ck_assert_uint_eq(r->n, 0);
	ck_assert_int_eq(r->line, 8);
	yn_free(r);
}
END_TEST

START_TEST(syntax_error_flow)
{
	cg_err e = { 0 };

	parse_fail("a: [1, 2\n", 0, &e);
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 1);
	ck_assert_str_eq(e.msg, "YAML: did not find expected ',' or ']' while parsing a flow "
	                        "sequence that started at line 1, column 4");
	cg_err_clear(&e);
	/* The offset moves both positions. */
	parse_fail("a: [1, 2\n", 3, &e);
	ck_assert_int_eq(e.line, 5);
	ck_assert_int_eq(e.col, 1);
	ck_assert_ptr_nonnull(strstr(e.msg, "started at line 4, column 4"));
	cg_err_clear(&e);
}
END_TEST

START_TEST(syntax_error_other)
{
	cg_err e = { 0 };

	parse_fail("a: b: c\n", 0, &e);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 5);
	ck_assert_str_eq(e.msg, "YAML: mapping values are not allowed in this context");
	cg_err_clear(&e);

	parse_fail("title: \"unclosed\nnext: 1\n", 0, &e);
	ck_assert(g_str_has_prefix(e.msg, "YAML: "));
	ck_assert_ptr_nonnull(strstr(e.msg, "quoted scalar that started at line 1, column 8"));
	cg_err_clear(&e);

	parse_fail("a:\n  b: 1\n c: 2\n", 0, &e);
	ck_assert_int_eq(e.line, 3);
	ck_assert_int_eq(e.col, 2);
	ck_assert(g_str_has_prefix(e.msg, "YAML: "));
	cg_err_clear(&e);

	/* A tab cannot indent YAML. */
	parse_fail("a:\n\tb: 1\n", 0, &e);
	ck_assert_int_eq(e.line, 2);
	ck_assert(g_str_has_prefix(e.msg, "YAML: "));
	cg_err_clear(&e);
}
END_TEST

START_TEST(duplicate_key)
{
	cg_err e = { 0 };

	parse_fail("a: 1\nb: 2\na: 3\n", 0, &e);
	ck_assert_int_eq(e.line, 3);
	ck_assert_int_eq(e.col, 1);
	ck_assert_str_eq(e.msg, "duplicate key 'a' (first at line 1)");
	cg_err_clear(&e);
	/* The first line is a file line too. */
	parse_fail("x: 1\nsection: a\ny: 2\nsection: b\n", 1, &e);
	ck_assert_int_eq(e.line, 5);
	ck_assert_int_eq(e.col, 1);
	ck_assert_str_eq(e.msg, "duplicate key 'section' (first at line 3)");
	cg_err_clear(&e);
	/* Quoting does not make a different key; nested maps are checked. */
	parse_fail("m:\n  k: 1\n  'k': 2\n", 0, &e);
	ck_assert_int_eq(e.line, 3);
	ck_assert_int_eq(e.col, 3);
	ck_assert_str_eq(e.msg, "duplicate key 'k' (first at line 2)");
	cg_err_clear(&e);
	parse_fail("m: {k: 1, k: 2}\n", 0, &e);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 11);
	ck_assert_str_eq(e.msg, "duplicate key 'k' (first at line 1)");
	cg_err_clear(&e);
}
END_TEST

START_TEST(non_scalar_key)
{
	cg_err e = { 0 };

	parse_fail("? [a]\n: 1\n", 0, &e);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 3);
	ck_assert_str_eq(e.msg, "map keys must be plain text");
	cg_err_clear(&e);
}
END_TEST

START_TEST(alias_refused)
{
	cg_err e = { 0 };

	parse_fail("a: 1\nb: *x\n", 0, &e);
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 4);
	ck_assert_str_eq(e.msg, "YAML aliases (*x) are not supported; write the value out");
	cg_err_clear(&e);
	parse_fail("- [1, *other]\n", 2, &e);
	ck_assert_int_eq(e.line, 3);
	ck_assert_int_eq(e.col, 7);
	ck_assert_str_eq(e.msg, "YAML aliases (*other) are not supported; write the value out");
	cg_err_clear(&e);
}
END_TEST

START_TEST(anchor_refused)
{
	static const char *const docs[] = { "a: &x 1\n", "a: &x [1]\n", "a: &x {b: 1}\n",
		                            "a: &x\n  - 1\n" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(docs); i++) {
		cg_err e = { 0 };
		parse_fail(docs[i], 0, &e);
		ck_assert_int_eq(e.line, 1);
		ck_assert_int_eq(e.col, 4);
		ck_assert_str_eq(e.msg, "YAML anchors (&name) are not supported; write the value out");
		cg_err_clear(&e);
	}
}
END_TEST

START_TEST(billion_laughs_refused)
{
	GString *s = g_string_new("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	cg_err e = { 0 };
	gint64 t0;
	ynode *r;
	int i, j;

	for (i = 1; i < 10; i++) {
		g_string_append_printf(s, "%c: &%c [", 'a' + i, 'a' + i);
		for (j = 0; j < 9; j++)
			g_string_append_printf(s, "%s*%c", j ? "," : "", 'a' + i - 1);
		g_string_append(s, "]\n");
	}
	t0 = g_get_monotonic_time();
	r = yn_parse(s->str, s->len, "bomb.yaml", 0, &e);
	ck_assert_ptr_null(r);
	/* Refused at the first anchor, before anything is expanded. */
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, "bomb.yaml");
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 4);
	ck_assert_ptr_nonnull(strstr(e.msg, "anchors"));
	ck_assert_int_lt(g_get_monotonic_time() - t0, G_USEC_PER_SEC);
	cg_err_clear(&e);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(nesting_refused)
{
	GString *s = g_string_new(NULL);
	cg_err e = { 0 };
	int i;

	for (i = 0; i < 100; i++)
		g_string_append_c(s, '[');
	for (i = 0; i < 100; i++)
		g_string_append_c(s, ']');
	parse_fail(s->str, 0, &e);
	/* The list at depth 65 (the 66th '[') is the first one too deep. */
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, YN_MAX_DEPTH + 2);
	ck_assert_ptr_nonnull(strstr(e.msg, "nesting"));
	ck_assert_str_eq(e.msg, "YAML nesting deeper than 64 levels");
	cg_err_clear(&e);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(nesting_at_limit_ok)
{
	GString *s = g_string_new(NULL);
	ynode *r, *n;
	int i;

	for (i = 0; i < YN_MAX_DEPTH; i++)
		g_string_append_c(s, '[');
	g_string_append_c(s, 'x');
	for (i = 0; i < YN_MAX_DEPTH; i++)
		g_string_append_c(s, ']');
	r = parse_ok(s->str, 0);
	for (n = r, i = 0; i < YN_MAX_DEPTH; i++) {
		ck_assert_int_eq(n->type, YN_SEQ);
		ck_assert_uint_eq(n->n, 1);
		n = n->items[0];
	}
	check_scalar(n, "x", 0, 1, YN_MAX_DEPTH + 1);
	yn_free(r);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(node_cap)
{
	GString *s = g_string_new("[");
	cg_err e = { 0 };
	ynode *r;
	int i;

	/* The root list plus 199999 items is exactly YN_MAX_NODES. */
	for (i = 0; i < YN_MAX_NODES - 1; i++)
		g_string_append(s, i ? ",0" : "0");
	g_string_append(s, "]");
	r = yn_parse(s->str, s->len, "big.yaml", 0, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->n, YN_MAX_NODES - 1);
	yn_free(r);
	/* One more is refused. */
	g_string_truncate(s, s->len - 1);
	g_string_append(s, ",0]");
	r = yn_parse(s->str, s->len, "big.yaml", 0, &e);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, (int)s->len - 1);
	ck_assert_str_eq(e.msg, "YAML document has more than 200000 nodes");
	cg_err_clear(&e);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(two_documents_refused)
{
	cg_err e = { 0 };

	parse_fail("a: 1\n---\nb: 2\n", 0, &e);
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 1);
	ck_assert_str_eq(e.msg, "more than one YAML document in the file");
	cg_err_clear(&e);
	parse_fail("---\na: 1\n...\n---\nb: 2\n", 10, &e);
	ck_assert_int_eq(e.line, 14);
	ck_assert_str_eq(e.msg, "more than one YAML document in the file");
	cg_err_clear(&e);
}
END_TEST

START_TEST(explicit_single_document_ok)
{
	ynode *r = parse_ok("---\na: 1\n...\n", 0);

	ck_assert_int_eq(r->type, YN_MAP);
	check_scalar(yn_get(r, "a"), "1", 0, 2, 4);
	yn_free(r);
}
END_TEST

START_TEST(nul_escape_refused)
{
	cg_err e = { 0 };

	parse_fail("a: ok\nb: \"x\\0y\"\n", 0, &e);
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 4);
	ck_assert_str_eq(e.msg, "NUL character in YAML text");
	cg_err_clear(&e);
	parse_fail("\"\\0\": 1\n", 0, &e);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 1);
	ck_assert_str_eq(e.msg, "NUL character in YAML text");
	cg_err_clear(&e);
	/* Other escapes are fine. */
	{
		ynode *r = parse_ok("a: \"x\\ty\\u00e9\"\n", 0);
		check_scalar(yn_get(r, "a"), "x\ty\xc3\xa9", 1, 1, 4);
		yn_free(r);
	}
}
END_TEST

START_TEST(first_error_kept)
{
	cg_err e = { 0 };

	cg_err_set(&e, CG_ESYS, "other", 9, 9, "earlier");
	ck_assert_ptr_null(yn_parse("a: [", 4, "doc.yaml", 0, &e));
	ck_assert_int_eq(e.kind, CG_ESYS);
	ck_assert_str_eq(e.msg, "earlier");
	cg_err_clear(&e);
}
END_TEST

START_TEST(get)
{
	ynode *r = parse_ok("a: 1\nb: [x]\nc: {d: e}\n", 0);

	check_scalar(yn_get(r, "a"), "1", 0, 1, 4);
	ck_assert_int_eq(yn_get(r, "b")->type, YN_SEQ);
	ck_assert_ptr_eq(yn_get(r, "c"), YN_VAL(r, 2));
	check_scalar(yn_get(yn_get(r, "c"), "d"), "e", 0, 3, 8);
	ck_assert_ptr_null(yn_get(r, "d"));
	ck_assert_ptr_null(yn_get(r, "A"));
	ck_assert_ptr_null(yn_get(r, ""));
	/* Not a map: no lookup. */
	ck_assert_ptr_null(yn_get(yn_get(r, "b"), "x"));
	ck_assert_ptr_null(yn_get(yn_get(r, "a"), "1"));
	ck_assert_ptr_null(yn_get(NULL, "a"));
	yn_free(r);
}
END_TEST

START_TEST(bools)
{
	static const char *const t[] = { "true", "True", "TRUE", "yes", "Yes", "on" };
	static const char *const f[] = { "false", "False", "FALSE", "no", "No", "off" };
	static const char *const neither[] = { "1", "0", "y", "n", "tru", "truex", "" };
	size_t i;
	int v;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		char *text = g_strdup_printf("v: %s\n", t[i]);
		ynode *r = parse_ok(text, 0);
		v = -1;
		ck_assert_msg(yn_bool(yn_get(r, "v"), &v) == 1, "%s", t[i]);
		ck_assert_int_eq(v, 1);
		yn_free(r);
		g_free(text);
	}
	for (i = 0; i < G_N_ELEMENTS(f); i++) {
		char *text = g_strdup_printf("v: %s\n", f[i]);
		ynode *r = parse_ok(text, 0);
		v = -1;
		ck_assert_msg(yn_bool(yn_get(r, "v"), &v) == 1, "%s", f[i]);
		ck_assert_int_eq(v, 0);
		yn_free(r);
		g_free(text);
	}
	for (i = 0; i < G_N_ELEMENTS(neither); i++) {
		char *text = g_strdup_printf("v: %s\n", neither[i]);
		ynode *r = parse_ok(text, 0);
		v = -1;
		ck_assert_msg(yn_bool(yn_get(r, "v"), &v) == 0, "'%s'", neither[i]);
		ck_assert_int_eq(v, -1);
		yn_free(r);
		g_free(text);
	}
}
END_TEST

START_TEST(quoted_true_is_not_bool)
{
	ynode *r = parse_ok("a: \"true\"\nb: 'false'\nc: [true]\nd: {x: 1}\ne: |\n  true\n", 0);
	int v = -1;

	ck_assert_int_eq(yn_get(r, "a")->quoted, 1);
	ck_assert_str_eq(yn_get(r, "a")->str, "true");
	ck_assert_int_eq(yn_bool(yn_get(r, "a"), &v), 0);
	ck_assert_int_eq(yn_bool(yn_get(r, "b"), &v), 0);
	ck_assert_int_eq(yn_bool(yn_get(r, "c"), &v), 0);
	ck_assert_int_eq(yn_bool(yn_get(r, "d"), &v), 0);
	ck_assert_int_eq(yn_bool(yn_get(r, "e"), &v), 0);
	ck_assert_int_eq(yn_bool(NULL, &v), 0);
	ck_assert_int_eq(v, -1);
	/* The item inside the list is a plain true. */
	ck_assert_int_eq(yn_bool(yn_get(r, "c")->items[0], &v), 1);
	ck_assert_int_eq(v, 1);
	yn_free(r);
}
END_TEST

static const char *const clause_keys[] = { "id", "number", "section", "category", "marks",
	                                   NULL };

START_TEST(check_keys_ok)
{
	ynode *r = parse_ok("id: x\nnumber: 1\ncategory: dev\n", 0);
	ynode *empty = parse_ok("", 0);
	cg_err e = { 0 };

	ck_assert_int_eq(yn_check_keys(r, clause_keys, "a clause", "c.md", &e), 1);
	ck_assert_int_eq(yn_check_keys(empty, clause_keys, "a clause", "c.md", &e), 1);
	ck_assert_int_eq(e.kind, CG_OK);
	ck_assert_ptr_null(e.msg);
	yn_free(r);
	yn_free(empty);
}
END_TEST

START_TEST(check_keys_did_you_mean)
{
	ynode *r = parse_ok("id: x\nnumber: 1\n\ncatgory: dev\n", 0);
	cg_err e = { 0 };

	ck_assert_int_eq(yn_check_keys(r, clause_keys, "a clause", "c.md", &e), 0);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, "c.md");
	ck_assert_int_eq(e.line, 4);
	ck_assert_int_eq(e.col, 1);
	ck_assert_str_eq(e.msg, "unknown key 'catgory' in a clause (did you mean 'category'?)");
	cg_err_clear(&e);
	yn_free(r);
	/* The column of a key inside a flow map. */
	r = parse_ok("{id: x, catgory: dev}\n", 0);
	ck_assert_int_eq(yn_check_keys(r, clause_keys, "a clause", "c.md", &e), 0);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 9);
	ck_assert_str_eq(e.msg, "unknown key 'catgory' in a clause (did you mean 'category'?)");
	cg_err_clear(&e);
	yn_free(r);
	/* Positions include the offset of the front matter. */
	r = parse_ok("id: x\ncategroy: dev\n", 1);
	ck_assert_int_eq(yn_check_keys(r, clause_keys, "a clause", "c.md", &e), 0);
	ck_assert_int_eq(e.line, 3);
	ck_assert_int_eq(e.col, 1);
	ck_assert_str_eq(e.msg, "unknown key 'categroy' in a clause (did you mean 'category'?)");
	cg_err_clear(&e);
	yn_free(r);
}
END_TEST

START_TEST(check_keys_no_hint)
{
	ynode *r = parse_ok("id: x\ncolour: red\nzzz: 1\n", 0);
	cg_err e = { 0 };

	/* The first unknown key is reported. */
	ck_assert_int_eq(yn_check_keys(r, clause_keys, "source.yaml", "s.yaml", &e), 0);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, "s.yaml");
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 1);
	ck_assert_str_eq(e.msg, "unknown key 'colour' in source.yaml");
	cg_err_clear(&e);
	yn_free(r);
}
END_TEST

START_TEST(type_names)
{
	ynode *r = parse_ok("a: x\nb: [1]\nc: {d: 1}\n", 0);

	ck_assert_str_eq(yn_type_name(r), "a map");
	ck_assert_str_eq(yn_type_name(yn_get(r, "a")), "text");
	ck_assert_str_eq(yn_type_name(yn_get(r, "b")), "a list");
	ck_assert_str_eq(yn_type_name(yn_get(r, "c")), "a map");
	yn_free(r);
}
END_TEST

static Suite *ynode_suite(void)
{
	Suite *s = suite_create("ynode");
	TCase *tc;

	tc = tcase_create("tree");
	tcase_add_test(tc, parse_tree);
	tcase_add_test(tc, parse_line_offset);
	tcase_add_test(tc, parse_seq_and_scalar_roots);
	tcase_add_test(tc, parse_len_bounds_input);
	tcase_add_test(tc, parse_empty_document);
	tcase_add_test(tc, explicit_single_document_ok);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, syntax_error_flow);
	tcase_add_test(tc, syntax_error_other);
	tcase_add_test(tc, duplicate_key);
	tcase_add_test(tc, non_scalar_key);
	tcase_add_test(tc, two_documents_refused);
	tcase_add_test(tc, nul_escape_refused);
	tcase_add_test(tc, first_error_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, alias_refused);
	tcase_add_test(tc, anchor_refused);
	tcase_add_test(tc, billion_laughs_refused);
	tcase_add_test(tc, nesting_refused);
	tcase_add_test(tc, nesting_at_limit_ok);
	tcase_add_test(tc, node_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("helpers");
	tcase_add_test(tc, get);
	tcase_add_test(tc, bools);
	tcase_add_test(tc, quoted_true_is_not_bool);
	tcase_add_test(tc, check_keys_ok);
	tcase_add_test(tc, check_keys_did_you_mean);
	tcase_add_test(tc, check_keys_no_hint);
	tcase_add_test(tc, type_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(ynode_suite());
}
