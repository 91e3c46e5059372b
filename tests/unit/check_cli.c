/* check_cli.c: the command-line contract: argument handling and exit codes,
 * bad sources, contracts and scripts reported as file:line:col with exit 1,
 * and builds that write nothing (or keep the previous output) on failure. */
#include <check.h>
#include <glib.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

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

/* Runs `clausegen ARGS...` and EXPECTs exit `code` and `needle` on stderr. */
#define EXPECT_RUN(code, needle, ...)                    \
	do {                                             \
		tu_run run_ = tu_cli(__VA_ARGS__, NULL); \
		EXPECT(run_, code, needle);              \
		tu_run_free(&run_);                      \
	} while (0)

/* ---- usage errors: exit 2 ---- */

START_TEST(usage_errors)
{
	tu_run r = tu_cli(NULL);
	ck_assert_int_eq(r.status, 2);
	tu_run_free(&r);
	EXPECT_RUN(2, "clausegen: error: unknown command 'selct' (did you mean 'select'?)",
	           "selct");
	EXPECT_RUN(2, "unknown option '--bogus'", "select", "--bogus");
	EXPECT_RUN(2, "option '--class' is not used by 'sources'", "sources", "--class", "I");
	EXPECT_RUN(2, "--format is json or text, not 'xml'", "sources", "--format", "xml");
	EXPECT_RUN(2, "'categories' needs --source ID", "categories", "--format", "json");
	EXPECT_RUN(2,
	           "unknown source 'shinagwa' (did you mean 'shinagawa'? known: funabashi-cloud, funabashi-contract, nisc, shinagawa)",
	           "classes", "--source", "shinagwa");
	EXPECT_RUN(2, "select needs --class", "select", "--source", "shinagawa", "--category",
	           "dc");
	EXPECT_RUN(2, "unknown category 'sass' (did you mean 'saas'?", "select", "--source",
	           "shinagawa", "--category", "sass", "--class", "I");
	EXPECT_RUN(2, "unknown class 'V'", "select", "--source", "shinagawa", "--category", "dc",
	           "--class", "V");
	EXPECT_RUN(2, "--set takes key=value, not 'web-application'", "select", "--source",
	           "shinagawa", "--category", "dc", "--class", "I", "--set", "web-application");
	EXPECT_RUN(2, "unknown attribute 'web-app'", "select", "--source", "shinagawa",
	           "--category", "dc", "--class", "I", "--set", "web-app=true");
	EXPECT_RUN(2, "attribute 'web-application' is true or false, not 'maybe'", "select",
	           "--source", "shinagawa", "--category", "dc", "--class", "I", "--set",
	           "web-application=maybe");
	EXPECT_RUN(2, "unknown value 'fax'", "select", "--source", "shinagawa", "--category", "dc",
	           "--class", "I", "--set", "admin-channel=fax");
	EXPECT_RUN(2, "give either --contract or --source", "select", "--contract", "x.yaml",
	           "--class", "I");
	EXPECT_RUN(2, "'explain' needs --clause ID", "explain", "--source", "shinagawa",
	           "--category", "dc", "--class", "I");
	EXPECT_RUN(2, "no clause 'sg-1-1-9' in source 'shinagawa' (did you mean 'sg-1-1-",
	           "explain", "--source", "shinagawa", "--category", "dc", "--class", "I",
	           "--clause", "sg-1-1-9");
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
	/* A clause without a transcription note has no such line. */
	r = tu_cli("explain", "--source", "shinagawa", "--clause", "sg-1-1-1", "--category", "dc",
	           "--class", "I", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_null(strstr(r.out, "転記メモ"));
	ck_assert_ptr_nonnull(strstr(r.out, "\n出典: "));
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
		{ "id: t\ntitle: t\nsource: qqqqqqqq\ncategory: dc\nclass: I\n", "3:9", "unknown source 'qqqqqqqq' (known: funabashi-cloud, funabashi-contract, nisc, shinagawa)" },
		{ CONTRACT_HEAD "category: [dc\nclass: I\n", "5:6", "YAML: did not find expected ',' or ']'" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nclass: II\n", "6:1", "duplicate key 'class' (first at line 5)" },
		{ "- a\n- b\n", "1:1", "a contract must be a map of keys" },
		/* Every key of the profile checked for its type. */
		{ "title: t\nsource: shinagawa\ncategory: dc\nclass: I\n", "1:1", "missing required key 'id'" },
		{ "id: t\ntitle: [a]\nsource: shinagawa\ncategory: dc\nclass: I\n", "2:8", "'title' must be text, not a list" },
		{ CONTRACT_HEAD "contract_number: {a: 1}\ncategory: dc\nclass: I\n", "4:18", "'contract_number' must be text, not a map" },
		{ CONTRACT_HEAD "orderer: [x]\ncategory: dc\nclass: I\n", "4:10", "'orderer' must be text, not a list" },
		{ CONTRACT_HEAD "department: [x]\ncategory: dc\nclass: I\n", "4:13", "'department' must be text, not a list" },
		{ CONTRACT_HEAD "vendor: [x]\ncategory: dc\nclass: I\n", "4:9", "'vendor' must be text, not a list" },
		{ CONTRACT_HEAD "date: [x]\ncategory: dc\nclass: I\n", "4:7", "'date' must be text, not a list" },
		{ CONTRACT_HEAD "note: [x]\ncategory: dc\nclass: I\n", "4:7", "'note' must be text, not a list" },
		{ "id: t\ntitle: t\nsource: [x]\ncategory: dc\nclass: I\n", "3:9", "'source' must be text, not a list" },
		{ CONTRACT_HEAD "category: [dc]\nclass: I\n", "4:11", "'category' must be text, not a list" },
		{ CONTRACT_HEAD "category: dc\nclass: {I: 1}\n", "5:8", "'class' must be text, not a map" },
		{ CONTRACT_HEAD "category: dc\nclass: I\ndate: 2026/01/01\n", "6:7", "date '2026/01/01' is not a date YYYY-MM-DD" },
		{ CONTRACT_HEAD "category: dc\nclass: I\ndate: 2026-1-1\n", "6:7", "date '2026-1-1' is not a date YYYY-MM-DD" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nattributes: [web-application]\n", "6:13", "'attributes' must be a map of attribute: value" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nattributes:\n  web-application: [true]\n", "7:20", "attribute 'web-application' must have a single value" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nattributes:\n  admin-channel: fax\n", "7:18", "unknown value 'fax' (known: https, https-ip, vpn, dedicated-line) for attribute 'admin-channel'" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices: [sg-1-1-1]\n", "6:10", "'choices' must be a map {include, exclude}" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  includ: [sg-1-1-1]\n", "7:3", "unknown key 'includ' in choices (did you mean 'include'?)" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: sg-1-1-1\n", "7:12", "a choice list must be a list of clause ids" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  exclude: 3\n", "7:12", "a choice list must be a list of clause ids" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [[sg-1-1-1]]\n", "7:13", "a choice is a clause id or {id, reason}" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [{id: sg-1-1-1, why: x}]\n", "7:28", "unknown key 'why' in a choice" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [{reason: x}]\n", "7:13", "a choice needs 'id', the clause id" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [{id: [sg-1-1-1]}]\n", "7:13", "a choice needs 'id', the clause id" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [{id: sg-1-1-1, reason: ''}]\n", "7:36", "'reason' must be non-empty text" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [{id: sg-1-1-1, reason: [x]}]\n", "7:36", "'reason' must be non-empty text" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  exclude: [sg-1-1-99]\n", "7:13", "clause 'sg-1-1-99' does not exist in this source (did you mean 'sg-1-1-1'?)" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nchoices:\n  include: [zzzzzzzzzzzz]\n", "7:13", "clause 'zzzzzzzzzzzz' does not exist in source 'shinagawa'" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nparties: [x]\n", "6:10", "'parties' must be a map {orderer, vendor}" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nparties:\n  vendr: x\n", "7:3", "unknown key 'vendr' in parties (did you mean 'vendor'?)" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nparties:\n  orderer: [x]\n", "7:3", "party names must be text" },
		{ CONTRACT_HEAD "category: dc\nclass: I\nparties:\n  vendor: {a: b}\n", "7:3", "party names must be text" },
		{ CONTRACT_HEAD "category: dc\nclass: I\ndocuments: []\n", "6:12", "'documents' must be a non-empty list" },
		{ CONTRACT_HEAD "category: dc\nclass: I\ndocuments: spec\n", "6:12", "'documents' must be a non-empty list" },
		{ CONTRACT_HEAD "category: dc\nclass: I\ndocuments: [[spec]]\n", "6:13", "unknown document '?'" },
		{ CONTRACT_HEAD "category: dc\nclass: I\ndocuments: [spec, zzzzzzzz]\n", "6:19", "unknown document 'zzzzzzzz'" },
		/* Categories and classes as the source has them, or not. */
		{ CONTRACT_HEAD "class: I\n", "1:1", "source 'shinagawa' has categories: the contract must name its 'category'" },
		{ "id: t\ntitle: t\nsource: funabashi-cloud\ncategory: saas\n", "4:11", "source 'funabashi-cloud' has no categories; remove 'category'" },
		{ "id: t\ntitle: t\nsource: funabashi-cloud\nclass: I\n", "4:8", "source 'funabashi-cloud' has no importance classes; remove 'class'" },
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

/* ---- more usage errors: exit 2, nothing on stdout ---- */

START_TEST(option_and_argument_errors)
{
	static const struct {
		const char *argv[10];
		const char *msg;
	} cases[] = {
		{ { "select", "--mem-limit", "0", NULL }, "--mem-limit takes a size in MiB (1 to 65536), not '0'" },
		{ { "select", "--mem-limit", "65537", NULL }, "--mem-limit takes a size in MiB (1 to 65536), not '65537'" },
		{ { "select", "--mem-limit", "12MB", NULL }, "--mem-limit takes a size in MiB (1 to 65536), not '12MB'" },
		{ { "select", "--instr-limit", "0", NULL }, "--instr-limit takes a positive number, not '0'" },
		{ { "select", "--instr-limit", "1e6", NULL }, "--instr-limit takes a positive number, not '1e6'" },
		{ { "build", "--force", "--force", NULL }, "option '--force' given twice" },
		{ { "build", "-j", NULL }, "option '-j' needs a value" },
		{ { "export", "--source", NULL }, "option '--source' needs a value" },
		{ { "sources", "extra", NULL }, "'sources' takes no arguments (got 'extra')" },
		{ { "categories", "--source", "shinagawa", "--format", "xml", NULL }, "--format is json or text, not 'xml'" },
		{ { "classes", "--source", "shinagawa", "extra", NULL }, "'classes' takes no arguments (got 'extra')" },
		{ { "select", "--format", "yaml", NULL }, "--format is json or text, not 'yaml'" },
		{ { "select", "--source", "shinagawa", "extra", NULL }, "'select' takes no arguments (got 'extra')" },
		{ { "select", "--source", "shinagawa", "--class", "I", NULL },
		  "select needs --category (see 'clausegen categories --source shinagawa')" },
		{ { "select", "--source", "../specs/shinagawa", "--category", "dc", "--class", "I", NULL },
		  "unknown source '../specs/shinagawa' (" },
		{ { "select", "--source", "qqqqqqqq", "--category", "dc", "--class", "I", NULL },
		  "unknown source 'qqqqqqqq' (known: funabashi-cloud, funabashi-contract, nisc, shinagawa)" },
		{ { "select", "--source", "shinagawa", "--category", "dc", "--class", "I", "--set", "=true", NULL },
		  "--set takes key=value, not '=true'" },
		{ { "explain", "--format", "csv", "--clause", "sg-1-1-1", NULL }, "--format is json or text, not 'csv'" },
		{ { "explain", "--clause", "sg-1-1-1", NULL }, "explain needs --contract FILE or --source ID" },
		{ { "explain", "--source", "shinagawa", "--category", "dc", "--class", "I", "--clause", "zzzzzzzzzz", NULL },
		  "no clause 'zzzzzzzzzz' in source 'shinagawa'\n" },
		{ { "export", "--source", "nisc", "extra", NULL }, "'export' takes no arguments (got 'extra')" },
		{ { "export", "--source", "nisk", NULL }, "unknown source 'nisk' (did you mean 'nisc'?" },
		{ { "publish", "--source", "nisk", NULL }, "unknown source 'nisk' (did you mean 'nisc'?" },
		{ { "check", "--format", "json", NULL }, "option '--format' is not used by 'check'" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *const *a = cases[i].argv;
		tu_run r = tu_cli(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
		ck_assert_msg(r.status == 2, "case %zu (%s): exit %d: %s", i, a[0], r.status, r.err);
		ck_assert_msg(strstr(r.err, cases[i].msg) != NULL, "case %zu: '%s' lacks '%s'", i, r.err,
		              cases[i].msg);
		ck_assert_str_eq(r.out, "");
		tu_run_free(&r);
	}
}
END_TEST

/* --set on the command line takes yes/on and no/off for booleans, as a
 * contract file does. */
START_TEST(set_takes_yes_and_no)
{
	static const char *const truths[] = { "true", "yes", "on" };
	static const char *const lies[] = { "false", "no", "off" };
	char *want_true = NULL, *want_false = NULL;
	size_t i;

	for (i = 0; i < 3; i++) {
		char *t = g_strdup_printf("web-application=%s", truths[i]);
		char *f = g_strdup_printf("web-application=%s", lies[i]);
		tu_run rt = tu_cli("select", "--source", "shinagawa", "--category", "saas", "--class", "II",
		                   "--set", t, "--all", NULL);
		tu_run rf = tu_cli("select", "--source", "shinagawa", "--category", "saas", "--class", "II",
		                   "--set", f, "--all", NULL);
		ck_assert_msg(rt.status == 0 && rf.status == 0, "%s / %s: %s%s", t, f, rt.err, rf.err);
		if (i == 0) {
			want_true = g_strdup(rt.out);
			want_false = g_strdup(rf.out);
			/* The attribute decides some clause. */
			ck_assert_str_ne(want_true, want_false);
		} else {
			ck_assert_str_eq(rt.out, want_true);
			ck_assert_str_eq(rf.out, want_false);
		}
		tu_run_free(&rt);
		tu_run_free(&rf);
		g_free(t);
		g_free(f);
	}
	g_free(want_true);
	g_free(want_false);
}
END_TEST

/* A source without categories or classes needs neither option. */
START_TEST(select_from_a_source_without_dimensions)
{
	tu_run r = tu_cli("select", "--source", "funabashi-contract", "--format", "json", NULL);
	json_t *a = json_loads(r.out, 0, NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(json_array_size(a) > 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "id")), "fk-1");
	json_decref(a);
	tu_run_free(&r);
}
END_TEST

/* ---- an empty specs/: each command says there is nothing ---- */

START_TEST(empty_specs_directory)
{
	char *specs = g_build_filename(tmp, "specs", NULL);
	char *lua = g_build_filename(tmp, "lua", NULL);
	char *out = g_build_filename(tmp, "out", NULL);
	char *want;
	tu_run r;

	g_mkdir_with_parents(specs, 0755);
	g_mkdir_with_parents(lua, 0755);
	r = tu_cli("sources", "--specs", specs, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "");
	tu_run_free(&r);
	EXPECT_RUN(2, "unknown source 'nisc' (known: none)", "classes", "--specs", specs,
	           "--source", "nisc");
	r = tu_cli("publish", "--specs", specs, "-o", out, NULL);
	want = g_strdup_printf("no sources in %s", specs);
	EXPECT(r, 2, want);
	g_free(want);
	ck_assert_int_eq(tu_count_entries(out), -1);
	tu_run_free(&r);
	r = tu_cli("build", "--specs", specs, "-o", out, NULL);
	want = g_strdup_printf("no contracts given and none in %s/contracts", specs);
	EXPECT(r, 2, want);
	g_free(want);
	ck_assert_int_eq(tu_count_entries(out), -1);
	tu_run_free(&r);
	r = tu_cli("check", "--specs", specs, "--lua", lua, NULL);
	EXPECT(r, 1, "clausegen: error: nothing to check");
	ck_assert_ptr_nonnull(strstr(r.err, "checked 0 sources, 0 contracts, 0 scripts"));
	tu_run_free(&r);
	g_free(specs);
	g_free(lua);
	g_free(out);
}
END_TEST

/* ---- where specs/ is found, and the default output directories ---- */

START_TEST(root_from_cwd_then_build_tree)
{
	char *cwd = g_get_current_dir();
	char *contract = g_build_filename(cwd, "specs", "contracts", "nisc-asp-yoyaku.yaml", NULL);
	char *root = g_strdup(g_getenv("CLAUSEGEN_ROOT"));
	char *built = g_build_filename(tmp, "output", "nisc-asp-yoyaku", "annex.html", NULL);
	char *site = g_build_filename(tmp, "output", "site", "index.html", NULL);
	tu_run r;

	g_unsetenv("CLAUSEGEN_ROOT");
	/* The current directory holds specs/. */
	r = tu_cli("sources", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(g_str_has_prefix(r.out, "funabashi-cloud\t"));
	tu_run_free(&r);
	/* Elsewhere: the tree clausegen was built from; outputs go to
	 * ./output and ./output/site. */
	ck_assert_int_eq(chdir(tmp), 0);
	r = tu_cli("classes", "--source", "shinagawa", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(g_str_has_prefix(r.out, "I\t重要性分類Ⅰ\n"));
	tu_run_free(&r);
	r = tu_cli("build", "--formats", "html", contract, NULL);
	EXPECT(r, 0, "built output/nisc-asp-yoyaku/");
	ck_assert(g_file_test(built, G_FILE_TEST_IS_REGULAR));
	tu_run_free(&r);
	r = tu_cli("publish", "--formats", "html", "--source", "nisc", NULL);
	EXPECT(r, 0, "published output/site/ (1 source)\n");
	ck_assert(g_file_test(site, G_FILE_TEST_IS_REGULAR));
	tu_run_free(&r);
	ck_assert_int_eq(chdir(cwd), 0);
	if (root != NULL)
		g_setenv("CLAUSEGEN_ROOT", root, TRUE);
	g_free(root);
	g_free(cwd);
	g_free(contract);
	g_free(built);
	g_free(site);
}
END_TEST

/* ---- a broken source: listing and publishing fail as a whole ---- */

START_TEST(broken_source_stops_sources_and_publish)
{
	char *specs = broken_specs("clauses/sg-1-1-1.md", "---\nid: sg-1-1-1\nnumber: [\n---\nx\n");
	char *nisc = g_build_filename(specs, "nisc", NULL);
	char *out = g_build_filename(tmp, "site", NULL);
	char *want = g_strdup_printf("%s/shinagawa/clauses/sg-1-1-1.md:", specs);
	tu_run r;

	tu_copytree("specs/nisc", nisc);
	/* JSON: no half list on stdout. */
	r = tu_cli("sources", "--specs", specs, "--format", "json", NULL);
	EXPECT(r, 1, want);
	ck_assert_str_eq(r.out, "");
	tu_run_free(&r);
	/* Text: the good ones are listed, the exit code says the rest. */
	r = tu_cli("sources", "--specs", specs, NULL);
	EXPECT(r, 1, want);
	ck_assert(g_str_has_prefix(r.out, "nisc\t"));
	ck_assert_ptr_null(strstr(r.out, "shinagawa"));
	tu_run_free(&r);
	/* A site missing one source would look complete: nothing at all. */
	r = tu_cli("publish", "--specs", specs, "--formats", "html", "-o", out, NULL);
	EXPECT(r, 1, want);
	ck_assert_int_eq(tu_count_entries(out), -1);
	tu_run_free(&r);
	g_free(specs);
	g_free(nisc);
	g_free(out);
	g_free(want);
}
END_TEST

/* ---- check: paths of every kind ---- */

/* A source directory outside --specs is checked itself, even when a source
 * of the same id was loaded before it in the same run. */
START_TEST(check_a_copy_outside_specs)
{
	char *draft = g_build_filename(tmp, "draft", "nisc", NULL);
	char *good = g_build_filename(tmp, "good", "nisc", NULL);
	char *clause, *want;
	tu_run r;

	tu_copytree("specs/nisc", draft);
	tu_copytree("specs/nisc", good);
	clause = tu_write(draft, "clauses/nisc-01.md", "---\nid: nisc-01\nnumber: \"(1)\"\nsection: [\n---\nx\n");
	want = g_strdup_printf("%s:5:1: error: YAML: ", clause);
	EXPECT_RUN(1, want, "check", draft);
	r = tu_cli("check", "specs/contracts/nisc-asp-yoyaku.yaml", draft, NULL);
	EXPECT(r, 1, want);
	ck_assert_ptr_nonnull(strstr(r.err, "checked 1 source, 1 contract, 0 scripts: problems found"));
	tu_run_free(&r);
	EXPECT_RUN(1, want, "check", "specs/nisc", draft);
	/* Two good copies of one source: both checked, both fine. */
	r = tu_cli("check", "specs/contracts/nisc-asp-yoyaku.yaml", good, draft, NULL);
	EXPECT(r, 1, want);
	ck_assert_ptr_nonnull(strstr(r.err, "checked 2 sources, 1 contract, 0 scripts"));
	tu_run_free(&r);
	EXPECT_RUN(0, "checked 2 sources, 0 contracts, 0 scripts: ok\n", "check", good,
	           "specs/nisc");
	g_free(clause);
	g_free(want);
	g_free(draft);
	g_free(good);
}
END_TEST

START_TEST(check_contracts_side_by_side)
{
	char *a = tu_write(tmp, "a.yaml", CONTRACT_HEAD "category: dc\nclass: I\n");
	char *b = tu_write(tmp, "b.yaml", CONTRACT_HEAD "category: saas\nclass: II\n");
	char *bad = tu_write(tmp, "bad.yaml", "id: u\ntitle: t\nsource: shinagawa\ncategory: dcc\nclass: I\n");
	char *want = g_strdup_printf("%s:1:5: error: contract id 't' is also used by %s", b, a);
	char *yml;
	tu_run r = tu_cli("check", a, b, bad, NULL);

	EXPECT(r, 1, want);
	ck_assert_ptr_nonnull(strstr(r.err, "bad.yaml:4:11: error: unknown category 'dcc' (did you mean 'dc'?"));
	ck_assert_ptr_nonnull(strstr(r.err, "checked 0 sources, 3 contracts, 0 scripts: problems found"));
	tu_run_free(&r);
	/* .yml is a contract too. */
	g_free(tu_write(tmp, "a.yml", CONTRACT_HEAD "category: dc\nclass: I\n"));
	yml = g_build_filename(tmp, "a.yml", NULL);
	EXPECT_RUN(0, "checked 0 sources, 1 contract, 0 scripts: ok", "check", yml);
	g_free(yml);
	g_free(a);
	g_free(b);
	g_free(bad);
	g_free(want);
}
END_TEST

START_TEST(check_scripts_of_a_source)
{
	char *lua = g_build_filename(tmp, "lua", NULL);
	char *extra, *sel, *want;
	tu_run r;

	tu_copytree("lua", lua);
	extra = tu_write(lua, "extra.lua", "return 1\n");
	want = g_strdup_printf("%s:1:1: error: script must return its rules as a table", extra);
	r = tu_cli("check", "--lua", lua, extra, NULL);
	EXPECT(r, 1, want);
	ck_assert_ptr_nonnull(strstr(r.err, "checked 0 sources, 0 contracts, 1 script: problems found"));
	tu_run_free(&r);
	g_free(want);
	/* A source's script runs after the generic rules: when those fail,
	 * they are what is reported. */
	sel = tu_write(lua, "select.lua", "x = = 1\n");
	want = g_strdup_printf("%s:1:1: error: unexpected symbol near '='", sel);
	r = tu_cli("check", "--lua", lua, extra, NULL);
	EXPECT(r, 1, want);
	ck_assert_ptr_null(strstr(r.err, "must return its rules"));
	tu_run_free(&r);
	g_free(want);
	g_free(sel);
	g_free(extra);
	g_free(lua);
}
END_TEST

/* ---- build: what a contract asks for, and failures that write nothing ---- */

START_TEST(build_only_the_documents_asked_for)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *dir = g_build_filename(out, "t", NULL);
	char *c = tu_write(tmp, "c.yaml", CONTRACT_HEAD "category: dc\nclass: I\ndocuments: [selection]\n");
	static const char *const checklists[] = { "checklist-selection", "checklist-delivery",
		                                  "checklist-periodic" };
	char *p;
	size_t i;
	tu_run r = tu_cli("build", "-o", out, c, NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	/* selection.json, selection.md and the stamp: no document, no PDF. */
	ck_assert_int_eq(tu_count_entries(dir), 3);
	p = g_build_filename(dir, "selection.json", NULL);
	ck_assert(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	g_free(p);
	tu_run_free(&r);
	g_free(tu_write(tmp, "c.yaml", CONTRACT_HEAD "category: dc\nclass: I\ndocuments: [selection, annex]\n"));
	r = tu_cli("build", "--formats", "html,md", "-o", out, c, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_int_eq(tu_count_entries(dir), 5);
	p = g_build_filename(dir, "annex.md", NULL);
	ck_assert(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	g_free(p);
	p = g_build_filename(dir, "spec.md", NULL);
	ck_assert(!g_file_test(p, G_FILE_TEST_EXISTS));
	g_free(p);
	tu_run_free(&r);
	/* Only a checklist: its PDF and no spec, annex or other checklist. */
	for (i = 0; i < G_N_ELEMENTS(checklists); i++) {
		char *text = g_strdup_printf(CONTRACT_HEAD "category: dc\nclass: I\nvendor: v社\n"
		                             "documents: [selection, %s]\n", checklists[i]);
		char *pdf = g_strdup_printf("%s.pdf", checklists[i]);
		g_free(tu_write(tmp, "c.yaml", text));
		r = tu_cli("build", "--formats", "pdf", "-o", out, c, NULL);
		ck_assert_msg(r.status == 0, "%s", r.err);
		ck_assert_int_eq(tu_count_entries(dir), 4);
		p = g_build_filename(dir, pdf, NULL);
		ck_assert_msg(g_file_test(p, G_FILE_TEST_IS_REGULAR), "no %s", pdf);
		g_free(p);
		g_free(pdf);
		g_free(text);
		tu_run_free(&r);
	}
	g_free(c);
	g_free(dir);
	g_free(out);
}
END_TEST

/* parties: a name given replaces the source's, the other stays; a
 * choice's reason goes into the selection, a choice without one says so
 * without. */
START_TEST(parties_and_choice_reasons)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *c = tu_write(tmp, "c.yaml", CONTRACT_HEAD "category: dc\nclass: I\norderer: 品川区\n"
	                   "parties: {vendor: 乙}\n"
	                   "choices:\n  include:\n    - {id: sg-5-16, reason: 暗号化させるため}\n"
	                   "    - {id: sg-5-15}\ndocuments: [annex]\n");
	char *annex = g_build_filename(out, "t", "annex.md", NULL);
	char *text = NULL;
	json_t *a;
	size_t i;
	int found = 0;
	tu_run r = tu_cli("build", "--formats", "md", "-o", out, c, NULL);

	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(g_file_get_contents(annex, &text, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(text, "- 発注者: 品川区（以下「区」という。）\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n乙は、本契約の履行にあたり、"));
	tu_run_free(&r);
	r = tu_cli("select", "--contract", c, "--all", "--format", "json", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	a = json_loads(r.out, 0, NULL);
	for (i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *why = json_string_value(json_object_get(o, "reason"));
		if (strcmp(id, "sg-5-16") == 0) {
			ck_assert(g_str_has_prefix(why, "契約で採用（理由: 暗号化させるため）。"));
			found++;
		} else if (strcmp(id, "sg-5-15") == 0) {
			ck_assert(g_str_has_prefix(why, "契約で採用。基準上の判定: "));
			found++;
		}
	}
	ck_assert_int_eq(found, 2);
	json_decref(a);
	tu_run_free(&r);
	/* Only the orderer's name: the vendor keeps the source's. */
	g_free(tu_write(tmp, "c.yaml", CONTRACT_HEAD "category: dc\nclass: I\norderer: 品川区\n"
	                "parties: {orderer: 当区}\ndocuments: [annex]\n"));
	r = tu_cli("build", "--formats", "md", "-o", out, c, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	g_free(text);
	ck_assert(g_file_get_contents(annex, &text, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(text, "- 発注者: 品川区（以下「当区」という。）\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n受託者は、本契約の履行にあたり、"));
	tu_run_free(&r);
	g_free(text);
	g_free(annex);
	g_free(c);
	g_free(out);
}
END_TEST

START_TEST(broken_script_stops_explain_and_build)
{
	char *lua = g_build_filename(tmp, "lua", NULL);
	char *out = g_build_filename(tmp, "out", NULL);
	char *script, *want;
	tu_run r;

	tu_copytree("lua", lua);
	script = tu_write(lua, "select.lua", "local M = {}\nfunction M.verdict()\n  error('no verdict')\nend\nreturn M\n");
	want = g_strdup_printf("%s:3:1: error: ", script);
	r = tu_cli("build", "--lua", lua, "-o", out, "specs/contracts/shinagawa-dc-kikan.yaml", NULL);
	EXPECT(r, 1, want);
	EXPECT(r, 1, "no verdict");
	ck_assert_int_eq(tu_count_entries(out), -1);
	tu_run_free(&r);
	r = tu_cli("explain", "--lua", lua, "--source", "shinagawa", "--category", "dc", "--class", "I",
	           "--clause", "sg-1-1-1", NULL);
	EXPECT(r, 1, want);
	ck_assert_str_eq(r.out, "");
	tu_run_free(&r);
	g_free(want);
	g_free(script);
	g_free(lua);
	g_free(out);
}
END_TEST

/* -j: a contract that cannot be read is reported once, in its place; one
 * file on -j N is built in this process. */
START_TEST(parallel_build_with_an_unreadable_contract)
{
	char *out = g_build_filename(tmp, "out", NULL);
	char *bad = tu_write(tmp, "bad.yaml", "id: bad\ntitle: [t\n");
	char *good = g_build_filename(out, "shinagawa-dc-kikan", "selection.json", NULL);
	const char *first;
	tu_run r = tu_cli("build", "-j", "2", "--formats", "md", "-o", out, bad,
	                  "specs/contracts/shinagawa-dc-kikan.yaml", NULL);

	first = strstr(r.err, "bad.yaml:3:1: error: YAML: ");
	EXPECT(r, 1, "bad.yaml:3:1: error: YAML: ");
	ck_assert_ptr_null(strstr(first + 1, "bad.yaml:3:1: error"));
	ck_assert_ptr_nonnull(strstr(r.err, "2 contracts: 1 built, 0 up to date, 1 failed"));
	ck_assert(g_file_test(good, G_FILE_TEST_IS_REGULAR));
	ck_assert_int_eq(tu_count_entries(out), 1);
	tu_run_free(&r);
	r = tu_cli("build", "-j", "4", "--formats", "md", "-o", out,
	           "specs/contracts/nisc-asp-yoyaku.yaml", NULL);
	EXPECT(r, 0, "built ");
	ck_assert_int_eq(tu_count_entries(out), 2);
	tu_run_free(&r);
	g_free(bad);
	g_free(good);
	g_free(out);
}
END_TEST

/* A contract named twice - as a.yaml and ./a.yaml, or also inside a
 * directory given - is checked and built once; it used to be reported as
 * using its own id. Two different files with one id still are. */
START_TEST(a_file_named_twice_is_taken_once)
{
	char *out = g_build_filename(tmp, "out", NULL), *copy, *text;

	EXPECT_RUN(0, "checked 0 sources, 10 contracts, 0 scripts: ok", "check",
	           "specs/contracts/shinagawa-dc-kikan.yaml",
	           "./specs/contracts/shinagawa-dc-kikan.yaml", "specs/contracts");
	EXPECT_RUN(0, "10 contracts: 10 built, 0 up to date, 0 failed", "build", "--formats", "md",
	           "-o", out, "specs/contracts/shinagawa-dc-kikan.yaml",
	           "./specs/contracts/shinagawa-dc-kikan.yaml", "specs/contracts");
	EXPECT_RUN(0, "10 contracts: 10 built, 0 up to date, 0 failed", "build", "-j", "2",
	           "--formats", "md", "-o", out, "--force", "specs/contracts",
	           "specs/contracts/nisc-asp-yoyaku.yaml");
	/* a real second file with the same id is still an error */
	ck_assert(g_file_get_contents("specs/contracts/shinagawa-dc-kikan.yaml", &text, NULL, NULL));
	copy = tu_write(tmp, "copy.yaml", text);
	EXPECT_RUN(1,
	           "contract id 'shinagawa-dc-kikan' is also used by specs/contracts/shinagawa-dc-kikan.yaml",
	           "check", "specs/contracts/shinagawa-dc-kikan.yaml", copy);
	g_free(copy);
	g_free(text);
	g_free(out);
}
END_TEST

/* ---- publish and export into files ---- */

/* Asserts that the site has pages for every bundled source (`again`: after
 * publishing one of them over it). */
static void every_source_has_pages(const char *site, int again)
{
	static const char *const ids[] = { "funabashi-cloud", "funabashi-contract", "nisc", "shinagawa" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(ids); i++) {
		char *d = g_build_filename(site, ids[i], NULL);
		ck_assert_msg(tu_count_entries(d) > 0, again ? "%s lost" : "no pages for %s", ids[i]);
		g_free(d);
	}
}

/* Every source, or one of them kept beside a previous site's others. */
START_TEST(publish_every_source_then_one)
{
	char *site = g_build_filename(tmp, "site", NULL);
	char *want = g_strdup_printf("published %s/ (4 sources)\n", site);
	char *one = g_strdup_printf("published %s/ (1 source)\n", site);

	EXPECT_RUN(0, want, "publish", "--formats", "html", "-o", site);
	every_source_has_pages(site, 0);
	EXPECT_RUN(0, one, "publish", "--formats", "html", "--source", "nisc", "-o", site);
	every_source_has_pages(site, 1);
	g_free(want);
	g_free(one);
	g_free(site);
}
END_TEST

START_TEST(publish_over_a_file_is_refused)
{
	char *file = tu_write(tmp, "site", "not a site\n");
	char *text = NULL;
	tu_run r = tu_cli("publish", "--formats", "html", "--source", "nisc", "-o", file, NULL);

	EXPECT(r, 2, "exists and is not a directory; refusing to replace it");
	EXPECT(r, 2, "try 'clausegen --help'");
	ck_assert(g_file_get_contents(file, &text, NULL, NULL));
	ck_assert_str_eq(text, "not a site\n");
	tu_run_free(&r);
	g_free(text);
	g_free(file);
}
END_TEST

START_TEST(export_to_a_file)
{
	char *csv = g_build_filename(tmp, "nisc.csv", NULL);
	char *dir = g_build_filename(tmp, "adir", NULL);
	char *missing = g_build_filename(tmp, "missing", "nisc.json", NULL);
	char *text = NULL;
	gsize len = 0;
	tu_run want = tu_cli("export", "--source", "nisc", "--format", "csv", NULL);
	tu_run r = tu_cli("export", "--source", "nisc", "--format", "csv", "-o", csv, NULL);

	ck_assert_int_eq(want.status, 0);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "");
	ck_assert(g_file_get_contents(csv, &text, &len, NULL));
	ck_assert(g_str_has_prefix(text, "\xef\xbb\xbf"));
	ck_assert_uint_eq(len, strlen(want.out));
	ck_assert_str_eq(text, want.out);
	tu_run_free(&r);
	/* A directory in the way, or no directory: exit 3, nothing left. */
	g_mkdir_with_parents(dir, 0755);
	r = tu_cli("export", "--source", "nisc", "-o", dir, NULL);
	EXPECT(r, 3, "adir:1:1: error: cannot rename into place: Is a directory");
	ck_assert_int_eq(tu_count_entries(dir), 0);
	ck_assert_int_eq(tu_count_entries(tmp), 2); /* nisc.csv and adir */
	tu_run_free(&r);
	EXPECT_RUN(3, "nisc.json:1:1: error: cannot create: No such file or directory", "export",
	           "--source", "nisc", "-o", missing);
	tu_run_free(&want);
	g_free(text);
	g_free(csv);
	g_free(dir);
	g_free(missing);
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
	tcase_add_test(tc, option_and_argument_errors);
	tcase_add_test(tc, set_takes_yes_and_no);
	tcase_add_test(tc, select_from_a_source_without_dimensions);
	tcase_add_test(tc, empty_specs_directory);
	tcase_add_test(tc, root_from_cwd_then_build_tree);
	tcase_add_test(tc, broken_source_stops_sources_and_publish);
	tcase_add_test(tc, check_a_copy_outside_specs);
	tcase_add_test(tc, check_contracts_side_by_side);
	tcase_add_test(tc, check_scripts_of_a_source);
	tcase_add_test(tc, build_only_the_documents_asked_for);
	tcase_add_test(tc, parties_and_choice_reasons);
	tcase_add_test(tc, broken_script_stops_explain_and_build);
	tcase_add_test(tc, parallel_build_with_an_unreadable_contract);
	tcase_add_test(tc, a_file_named_twice_is_taken_once);
	tcase_add_test(tc, publish_every_source_then_one);
	tcase_add_test(tc, publish_over_a_file_is_refused);
	tcase_add_test(tc, export_to_a_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
