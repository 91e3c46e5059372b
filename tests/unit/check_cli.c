/* check_cli.c: the command-line contract: argument handling and exit codes,
 * bad sources, contracts and scripts reported as file:line:col with exit 1,
 * and builds that write nothing (or keep the previous output) on failure. */
#include <check.h>
#include <glib.h>
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

#define EXPECT(r, code, needle)                                                             \
	do {                                                                                \
		ck_assert_msg((r).status == (code), "exit %d, want %d; stderr: %s", (r).status, \
		              (code), (r).err);                                              \
		ck_assert_msg(strstr((r).err, (needle)) != NULL, "stderr '%s' lacks '%s'",     \
		              (r).err, (needle));                                            \
	} while (0)

/* ---- usage errors: exit 2 ---- */

START_TEST(usage_errors)
{
	tu_run r = tu_cli(NULL);
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	r = tu_cli("selct", NULL);
	EXPECT(r, 2, "clausegen: error: unknown command 'selct' (did you mean 'select'?)");
	tu_run_free(&r);
	r = tu_cli("select", "--bogus", NULL);
	EXPECT(r, 2, "unknown option '--bogus'");
	tu_run_free(&r);
	r = tu_cli("sources", "--class", "I", NULL);
	EXPECT(r, 2, "option '--class' is not used by 'sources'");
	tu_run_free(&r);
	r = tu_cli("sources", "--format", "xml", NULL);
	EXPECT(r, 2, "--format is json or text, not 'xml'");
	tu_run_free(&r);
	r = tu_cli("categories", "--format", "json", NULL);
	EXPECT(r, 2, "'categories' needs --source ID");
	tu_run_free(&r);
	r = tu_cli("classes", "--source", "shinagwa", NULL);
	EXPECT(r, 2, "unknown source 'shinagwa' (did you mean 'shinagawa'? known: funabashi-cloud, funabashi-contract, nisc, shinagawa)");
	tu_run_free(&r);
	r = tu_cli("select", "--source", "shinagawa", "--category", "dc", NULL);
	EXPECT(r, 2, "select needs --class");
	tu_run_free(&r);
	r = tu_cli("select", "--source", "shinagawa", "--category", "sass", "--class", "I", NULL);
	EXPECT(r, 2, "unknown category 'sass' (did you mean 'saas'?");
	tu_run_free(&r);
	r = tu_cli("select", "--source", "shinagawa", "--category", "dc", "--class", "V", NULL);
	EXPECT(r, 2, "unknown class 'V'");
	tu_run_free(&r);
	r = tu_cli("select", "--source", "shinagawa", "--category", "dc", "--class", "I", "--set",
	           "web-application", NULL);
	EXPECT(r, 2, "--set takes key=value, not 'web-application'");
	tu_run_free(&r);
	r = tu_cli("select", "--source", "shinagawa", "--category", "dc", "--class", "I", "--set",
	           "web-app=true", NULL);
	EXPECT(r, 2, "unknown attribute 'web-app'");
	tu_run_free(&r);
	r = tu_cli("select", "--source", "shinagawa", "--category", "dc", "--class", "I", "--set",
	           "web-application=maybe", NULL);
	EXPECT(r, 2, "attribute 'web-application' is true or false, not 'maybe'");
	tu_run_free(&r);
	r = tu_cli("select", "--source", "shinagawa", "--category", "dc", "--class", "I", "--set",
	           "admin-channel=fax", NULL);
	EXPECT(r, 2, "unknown value 'fax'");
	tu_run_free(&r);
	r = tu_cli("select", "--contract", "x.yaml", "--class", "I", NULL);
	EXPECT(r, 2, "give either --contract or --source");
	tu_run_free(&r);
	r = tu_cli("explain", "--source", "shinagawa", "--category", "dc", "--class", "I", NULL);
	EXPECT(r, 2, "'explain' needs --clause ID");
	tu_run_free(&r);
	r = tu_cli("explain", "--source", "shinagawa", "--category", "dc", "--class", "I",
	           "--clause", "sg-1-1-9", NULL);
	EXPECT(r, 2, "no clause 'sg-1-1-9' in source 'shinagawa' (did you mean 'sg-1-1-");
	tu_run_free(&r);
}
END_TEST

START_TEST(help_and_version)
{
	tu_run r = tu_cli("--help", NULL);

	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "usage: clausegen COMMAND"));
	tu_run_free(&r);
	r = tu_cli("--version", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(g_str_has_prefix(r.out, "clausegen "));
	tu_run_free(&r);
}
END_TEST

/* ---- listing commands ---- */

START_TEST(sources_json_shape)
{
	tu_run r = tu_cli("sources", "--format", "json", NULL);
	json_t *a = json_loads(r.out, 0, NULL);
	size_t i;

	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(json_array_size(a), 4);
	for (i = 0; i < 4; i++) {
		json_t *o = json_array_get(a, i);
		ck_assert(json_is_string(json_object_get(o, "id")));
		ck_assert(json_is_string(json_object_get(o, "title")));
		ck_assert(json_is_string(json_object_get(o, "version")));
	}
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 3), "id")), "shinagawa");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 3), "title")), "外部委託利用基準");
	json_decref(a);
	tu_run_free(&r);
}
END_TEST

START_TEST(source_without_classes_says_so)
{
	tu_run r = tu_cli("classes", "--source", "funabashi-cloud", "--format", "json", NULL);

	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "[]\n");
	ck_assert_ptr_nonnull(strstr(r.err, "source 'funabashi-cloud' has no importance classes"));
	tu_run_free(&r);
}
END_TEST

START_TEST(select_shapes)
{
	tu_run r = tu_cli("select", "--source", "shinagawa", "--category", "storage", "--class", "IV",
	                  "--format", "json", NULL);
	json_t *a = json_loads(r.out, 0, NULL), *o;

	ck_assert_int_eq(r.status, 0);
	ck_assert(json_array_size(a) > 0);
	o = json_array_get(a, 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "id")), "sg-1-1-1");
	ck_assert_str_eq(json_string_value(json_object_get(o, "number")), "1-1-1");
	ck_assert_str_eq(json_string_value(json_object_get(o, "title")), "立地要件");
	ck_assert_str_eq(json_string_value(json_object_get(o, "text")), "日本国内に施設を持つこと。");
	ck_assert_str_eq(json_string_value(json_object_get(o, "verdict")), "required");
	ck_assert(json_is_string(json_object_get(o, "reason")));
	json_decref(a);
	tu_run_free(&r);
	r = tu_cli("select", "--contract", "specs/contracts/shinagawa-dc-kikan.yaml", "--format",
	           "text", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(g_str_has_prefix(r.out, "1-1-1 sg-1-1-1 [required] 立地要件\n    日本国内に施設を持つこと。\n    理由: "));
	tu_run_free(&r);
}
END_TEST

START_TEST(explain_says_why)
{
	tu_run r = tu_cli("explain", "--source", "shinagawa", "--clause", "sg-7-17", "--category",
	                  "remote", "--class", "I", NULL);

	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "判定: not-applicable\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "重要性分類Ⅰ × 情報システムの運用・保守・点検（リモート運用サービス）の欄が「-」"));
	ck_assert_ptr_nonnull(strstr(r.out, "> I      -   ○      [-]"));
	tu_run_free(&r);
}
END_TEST

/* ---- contracts with mistakes: exit 1 at file:line:col ---- */

static tu_run select_contract(const char *text)
{
	char *path = tu_write(tmp, "c.yaml", text);
	tu_run r = tu_cli("select", "--contract", path, "--format", "json", NULL);

	g_free(path);
	return r;
}

static char *at(const char *pos)
{
	return g_strdup_printf("%s/c.yaml:%s: error: ", tmp, pos);
}

#define CONTRACT_HEAD "id: t\ntitle: 試験\nsource: shinagawa\n"

START_TEST(contract_errors)
{
	static const struct {
		const char *text, *pos, *msg;
	} cases[] = {
		{ CONTRACT_HEAD "catgory: dc\nclass: I\n", "4:1", "unknown key 'catgory' in the contract (did you mean 'category'?)" },
		{ CONTRACT_HEAD "category: cloud\nclass: I\n", "4:11", "unknown category 'cloud' (known: dev, onsite, remote, dc, saas, paas, iaas, daas, processing, storage)" },
		{ CONTRACT_HEAD "category: dc\nclass: 1\n", "5:8", "unknown class '1'" },
		{ CONTRACT_HEAD "category: dc\n", "1:1", "the contract must name its 'class'" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nattributes:\n  cloud: true\n", "7:3", "unknown attribute 'cloud'" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nattributes:\n  web-application: perhaps\n", "7:20", "attribute 'web-application' is true or false, not 'perhaps'" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [sg-1-1-99]\n", "7:13", "clause 'sg-1-1-99' does not exist in this source (did you mean 'sg-1-1-"},
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [sg-1-1-1]\n  exclude: [sg-1-1-1]\n", "8:13", "clause 'sg-1-1-1' is both included and excluded" },
		{ "id: ../../etc/x\ntitle: t\nsource: shinagawa\ncategory: dc\nclass: I\n", "1:5", "contract id '../../etc/x' may only hold letters, digits, '-' and '_'" },
		{ "id: /tmp/x\ntitle: t\nsource: shinagawa\ncategory: dc\nclass: I\n", "1:5", "may only hold letters" },
		{ CONTRACT_HEAD "category: dc\nclass: I\ndate: 2026-02-30\n", "6:7", "date '2026-02-30' is not a date YYYY-MM-DD" },
		{ CONTRACT_HEAD "category: dc\nclass: I\ndocuments: [anex]\n", "6:13", "unknown document 'anex' (did you mean 'annex'?)" },
		{ "id: t\ntitle: t\nsource: shinagwa\ncategory: dc\nclass: I\n", "3:9", "unknown source 'shinagwa' (did you mean 'shinagawa'?" },
		{ CONTRACT_HEAD "category: [dc\nclass: I\n", "5:6", "YAML: did not find expected ',' or ']'" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nclass: II\n", "6:1", "duplicate key 'class' (first at line 5)" },
		{ "- a\n- b\n", "1:1", "a contract must be a map of keys" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		tu_run r = select_contract(cases[i].text);
		char *want = at(cases[i].pos);
		ck_assert_msg(r.status == 1, "case %zu: exit %d: %s", i, r.status, r.err);
		ck_assert_msg(strstr(r.err, want) != NULL, "case %zu: '%s' lacks '%s'", i, r.err, want);
		ck_assert_msg(strstr(r.err, cases[i].msg) != NULL, "case %zu: '%s' lacks '%s'", i, r.err,
		              cases[i].msg);
		ck_assert_str_eq(r.out, "");
		g_free(want);
		tu_run_free(&r);
	}
}
END_TEST

/* ---- broken sources: check and build report them, nothing is written ---- */

static char *broken_specs(const char *clause_rel, const char *text)
{
	char *specs = g_build_filename(tmp, "specs", NULL);
	char *dst = g_build_filename(specs, "shinagawa", NULL);
	char *p;

	tu_copytree("specs/shinagawa", dst);
	p = tu_write(dst, clause_rel, text);
	g_free(p);
	g_free(dst);
	return specs;
}

static void expect_broken(const char *rel, const char *text, const char *pos, const char *msg)
{
	char *specs = broken_specs(rel, text);
	char *out = g_build_filename(tmp, "out", NULL);
	char *contract = tu_write(tmp, "c.yaml", CONTRACT_HEAD "category: dc\nclass: I\n");
	char *want = g_strdup_printf("%s/shinagawa/%s:%s: error: %s", specs, rel, pos, msg);
	tu_run r = tu_cli("check", "--specs", specs, NULL);

	ck_assert_msg(r.status == 1 && strstr(r.err, want) != NULL, "check: exit %d, '%s' lacks '%s'",
	              r.status, r.err, want);
	tu_run_free(&r);
	r = tu_cli("build", "--specs", specs, "-o", out, contract, NULL);
	ck_assert_msg(r.status == 1 && strstr(r.err, want) != NULL, "build: exit %d, '%s' lacks '%s'",
	              r.status, r.err, want);
	ck_assert_int_eq(tu_count_entries(out), -1); /* nothing written, not even the dir */
	tu_run_free(&r);
	tu_rmtree(specs);
	g_free(specs);
	g_free(out);
	g_free(contract);
	g_free(want);
}

START_TEST(yaml_error_in_a_clause)
{
	expect_broken("clauses/sg-1-1-1.md",
	              "---\nid: sg-1-1-1\nnumber: 1-1-1\nsection: \"1-1\n---\n日本国内に施設を持つこと。\n",
	              "5:1", "YAML: found unexpected end of stream while scanning a quoted scalar that started at line 4, column 10");
}
END_TEST

START_TEST(row_with_nine_marks)
{
	/* 39 marks for the whole row: one missing in class II. */
	expect_broken("clauses/sg-1-1-1.md",
	              "---\nid: sg-1-1-1\nnumber: 1-1-1\nsection: \"1-1\"\nmarks:\n"
	              "  I: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n  II: \"- - ○ ○ ○ ○ ○ ○ ○\"\n"
	              "  III: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n  IV: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n"
	              "seed_lines: [192, 192]\n---\n日本国内に施設を持つこと。\n",
	              "7:7", "the row of class II has 9 marks; table 'main' has 10 columns");
}
END_TEST

START_TEST(unknown_mark)
{
	expect_broken("clauses/sg-1-1-1.md",
	              "---\nid: sg-1-1-1\nnumber: 1-1-1\nsection: \"1-1\"\nmarks:\n"
	              "  I: \"- - - ○ ○ ○ △ ○ ○ ○\"\n  II: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n"
	              "  III: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n  IV: \"- - - ○ ○ ○ ○ ○ ○ ○\"\n"
	              "seed_lines: [192, 192]\n---\n日本国内に施設を持つこと。\n",
	              "6:19", "'△' in the row of class I is not a mark of this source (marks: ○ -");
}
END_TEST

START_TEST(duplicated_clause_id)
{
	char *specs = broken_specs("clauses/zz-copy.md",
	                           "---\nid: sg-3-1\nnumber: 3-9\nsection: \"3\"\nmarks:\n"
	                           "  I: \"○ ○ ○ ○ ○ ○ ○ ○ ○ ○\"\n  II: \"○ ○ ○ ○ ○ ○ ○ ○ ○ ○\"\n"
	                           "  III: \"○ ○ ○ ○ ○ ○ ○ ○ ○ ○\"\n  IV: \"○ ○ ○ ○ ○ ○ ○ ○ ○ ○\"\n"
	                           "seed_lines: [356, 356]\n---\n複製。\n");
	char *want = g_strdup_printf("%s/shinagawa/clauses/zz-copy.md:2:5: error: duplicate clause id 'sg-3-1' (first defined at %s/shinagawa/clauses/sg-3-1.md:2)",
	                             specs, specs);
	tu_run r = tu_cli("check", "--specs", specs, NULL);

	EXPECT(r, 1, want);
	tu_run_free(&r);
	g_free(want);
	g_free(specs);
}
END_TEST

START_TEST(check_is_clean_on_everything_bundled)
{
	tu_run r = tu_cli("check", NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "checked 4 sources,"));
	ck_assert_ptr_nonnull(strstr(r.err, ": ok\n"));
	tu_run_free(&r);
}
END_TEST

START_TEST(check_reports_script_errors)
{
	char *lua = g_build_filename(tmp, "lua", NULL);
	char *p = tu_write(lua, "select.lua", "local M = {}\nfunction M.verdict()\n  return 'required', 'x' + 1\nend\nreturn M\n");
	char *want = g_strdup_printf("%s:3:1: error: attempt to add a 'string' with a 'number'", p);
	tu_run r = tu_cli("check", "--lua", lua, NULL);

	EXPECT(r, 1, want);
	/* Said once, though it fails for every source and contract. */
	ck_assert_ptr_null(strstr(strstr(r.err, want) + 1, want));
	tu_run_free(&r);
	g_free(want);
	g_free(p);
	g_free(lua);
}
END_TEST

/* ---- build: atomic, per contract ---- */

START_TEST(build_writes_selection_files)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *json, *md, *p;
	tu_run r = tu_cli("build", "-o", out, "specs/contracts/shinagawa-saas-shinsei.yaml", NULL);
	json_t *j;

	ck_assert_msg(r.status == 0, "%s", r.err);
	p = g_build_filename(out, "shinagawa-saas-shinsei", "selection.json", NULL);
	ck_assert(g_file_get_contents(p, &json, NULL, NULL));
	j = json_loads(json, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "contract"), "id")),
	                 "shinagawa-saas-shinsei");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "clauses")), 130);
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(json_object_get(j, "source"), "sha256"))), 64);
	json_decref(j);
	g_free(p);
	p = g_build_filename(out, "shinagawa-saas-shinsei", "selection.md", NULL);
	ck_assert(g_file_get_contents(p, &md, NULL, NULL));
	ck_assert(g_str_has_prefix(md, "# 選定結果: 電子申請サービス（SaaS）利用契約\n"));
	g_free(p);
	/* One output directory, no staging leftovers. */
	ck_assert_int_eq(tu_count_entries(out), 1);
	g_free(json);
	g_free(md);
	g_free(out);
	tu_run_free(&r);
}
END_TEST

START_TEST(failed_rebuild_keeps_previous_output)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *contract = tu_write(tmp, "c.yaml", CONTRACT_HEAD "category: dc\nclass: I\n");
	char *sel = g_build_filename(out, "t", "selection.json", NULL);
	char *before, *after;
	tu_run r = tu_cli("build", "-o", out, contract, NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_free(&r);
	ck_assert(g_file_get_contents(sel, &before, NULL, NULL));
	g_free(tu_write(tmp, "c.yaml", CONTRACT_HEAD "category: dcc\nclass: I\n"));
	r = tu_cli("build", "-o", out, contract, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "unknown category 'dcc' (did you mean 'dc'?"));
	ck_assert_ptr_nonnull(strstr(r.err, "1 contract failed; their previous output, if any, is unchanged"));
	ck_assert(g_file_get_contents(sel, &after, NULL, NULL));
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(tu_count_entries(out), 1);
	/* A good rebuild replaces it, still with no leftovers. */
	g_free(tu_write(tmp, "c.yaml", CONTRACT_HEAD "category: saas\nclass: I\n"));
	tu_run_free(&r);
	r = tu_cli("build", "-o", out, contract, NULL);
	ck_assert_int_eq(r.status, 0);
	g_free(after);
	ck_assert(g_file_get_contents(sel, &after, NULL, NULL));
	ck_assert_str_ne(before, after);
	ck_assert_int_eq(tu_count_entries(out), 1);
	g_free(before);
	g_free(after);
	g_free(sel);
	g_free(contract);
	g_free(out);
	tu_run_free(&r);
}
END_TEST

START_TEST(one_bad_contract_does_not_stop_the_others)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *bad = tu_write(tmp, "bad.yaml", "id: bad\ntitle: t\nsource: shinagawa\ncategory: dc\nclass: I\nvendr: x\n");
	tu_run r = tu_cli("build", "-o", out, bad, "specs/contracts/shinagawa-dc-kikan.yaml", NULL);
	char *good = g_build_filename(out, "shinagawa-dc-kikan", NULL);
	char *badout = g_build_filename(out, "bad", NULL);

	EXPECT(r, 1, "bad.yaml:6:1: error: unknown key 'vendr' in the contract (did you mean 'vendor'?)");
	/* selection.json, selection.md, spec and annex in HTML and Markdown,
	 * the stamp of the inputs, spec.pdf, annex.pdf and three checklists */
	ck_assert_int_eq(tu_count_entries(good), 12);
	ck_assert_int_eq(tu_count_entries(badout), -1);
	tu_run_free(&r);
	g_free(good);
	g_free(badout);
	g_free(bad);
	g_free(out);
}
END_TEST

START_TEST(duplicate_contract_ids_in_one_build)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *a = tu_write(tmp, "a.yaml", CONTRACT_HEAD "category: dc\nclass: I\n");
	char *b = tu_write(tmp, "b.yaml", CONTRACT_HEAD "category: saas\nclass: I\n");
	tu_run r = tu_cli("build", "-o", out, a, b, NULL);

	EXPECT(r, 1, "b.yaml:1:5: error: contract id 't' is also used by");
	tu_run_free(&r);
	g_free(a);
	g_free(b);
	g_free(out);
}
END_TEST

START_TEST(unwritable_output_is_a_system_error)
{
	char *out = tu_write(tmp, "file-not-dir", "x");
	char *sub = g_build_filename(out, "o", NULL);
	tu_run r = tu_cli("build", "-o", sub, "specs/contracts/shinagawa-dc-kikan.yaml", NULL);

	EXPECT(r, 3, "cannot create directory");
	tu_run_free(&r);
	g_free(sub);
	g_free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, help_and_version);
	tcase_add_test(tc, sources_json_shape);
	tcase_add_test(tc, source_without_classes_says_so);
	tcase_add_test(tc, select_shapes);
	tcase_add_test(tc, explain_says_why);
	tcase_add_test(tc, contract_errors);
	tcase_add_test(tc, yaml_error_in_a_clause);
	tcase_add_test(tc, row_with_nine_marks);
	tcase_add_test(tc, unknown_mark);
	tcase_add_test(tc, duplicated_clause_id);
	tcase_add_test(tc, check_is_clean_on_everything_bundled);
	tcase_add_test(tc, check_reports_script_errors);
	tcase_add_test(tc, build_writes_selection_files);
	tcase_add_test(tc, failed_rebuild_keeps_previous_output);
	tcase_add_test(tc, one_bad_contract_does_not_stop_the_others);
	tcase_add_test(tc, duplicate_contract_ids_in_one_build);
	tcase_add_test(tc, unwritable_output_is_a_system_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
