/* check_matrix.c: for all 40 class x category combinations of Shinagawa's
 * standard, the clauses `clausegen select` calls required are exactly the
 * rows marked ○ in the seed (tests/data/shinagawa-seed-rows.txt, taken from
 * the seed independently of specs/shinagawa), and all others are
 * not-applicable. Clause i of the source is row i of the seed. */
#include <check.h>
#include <glib.h>
#include <jansson.h>
#include <string.h>

#include "testutil.h"

static const char *const classes[] = { "I", "II", "III", "IV" };
static const char *const cats[] = { "dev", "onsite", "remote", "dc", "saas",
	                            "paas", "iaas", "daas", "processing", "storage" };

/* rows[i][k*10+c]: 1 when row i is ○ for class k, category c. */
static char rows[130][40];
static int nrows;

static void load_rows(void)
{
	char *buf;
	char **lines;
	int i;

	ck_assert(g_file_get_contents("tests/data/shinagawa-seed-rows.txt", &buf, NULL, NULL));
	lines = g_strsplit(buf, "\n", -1);
	nrows = 0;
	for (i = 0; lines[i] != NULL; i++) {
		char **tok;
		int j;
		if (lines[i][0] == '#' || lines[i][0] == '\0')
			continue;
		tok = g_strsplit_set(lines[i], "\t ", -1);
		ck_assert_int_eq(g_strv_length(tok), 41);
		ck_assert_int_lt(nrows, 130);
		for (j = 0; j < 40; j++) {
			ck_assert(strcmp(tok[j + 1], "○") == 0 || strcmp(tok[j + 1], "-") == 0);
			rows[nrows][j] = strcmp(tok[j + 1], "○") == 0;
		}
		nrows++;
		g_strfreev(tok);
	}
	g_strfreev(lines);
	g_free(buf);
	ck_assert_int_eq(nrows, 130);
}

START_TEST(dimension_ids_in_column_order)
{
	tu_run r = tu_cli("categories", "--source", "shinagawa", "--format", "json", NULL);
	json_t *a = json_loads(r.out, 0, NULL);
	size_t i;

	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(json_array_size(a), 10);
	for (i = 0; i < 10; i++)
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, i), "id")), cats[i]);
	json_decref(a);
	tu_run_free(&r);
	r = tu_cli("classes", "--source", "shinagawa", "--format", "json", NULL);
	a = json_loads(r.out, 0, NULL);
	ck_assert_uint_eq(json_array_size(a), 4);
	for (i = 0; i < 4; i++)
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, i), "id")),
		                 classes[i]);
	json_decref(a);
	tu_run_free(&r);
}
END_TEST

START_TEST(required_set_equals_the_seed_marks)
{
	int k = _i / 10, c = _i % 10, i, want = 0;
	tu_run r = tu_cli("select", "--source", "shinagawa", "--category", cats[c], "--class",
	                  classes[k], "--all", "--format", "json", NULL);
	tu_run d;
	json_t *a, *docs;

	load_rows();
	ck_assert_msg(r.status == 0, "%s", r.err);
	a = json_loads(r.out, 0, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(json_array_size(a), 130);
	for (i = 0; i < 130; i++) {
		json_t *o = json_array_get(a, (size_t)i);
		const char *v = json_string_value(json_object_get(o, "verdict"));
		ck_assert_msg(strcmp(v, rows[i][k * 10 + c] ? "required" : "not-applicable") == 0,
		              "class %s, category %s: %s is %s, seed row %d says %s", classes[k],
		              cats[c], json_string_value(json_object_get(o, "id")), v, i + 1,
		              rows[i][k * 10 + c] ? "○" : "-");
		want += rows[i][k * 10 + c];
	}
	/* Without --all, exactly the required clauses, in the same order. */
	d = tu_cli("select", "--source", "shinagawa", "--category", cats[c], "--class", classes[k],
	           "--format", "json", NULL);
	docs = json_loads(d.out, 0, NULL);
	ck_assert_uint_eq(json_array_size(docs), (size_t)want);
	json_decref(docs);
	json_decref(a);
	tu_run_free(&r);
	tu_run_free(&d);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("matrix");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, dimension_ids_in_column_order);
	tcase_add_loop_test(tc, required_set_equals_the_seed_marks, 0, 40);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
