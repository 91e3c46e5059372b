/* check_select.c: the selection rules (lua/select.lua through the sandbox)
 * on the real sources: conditions, provisos, contract choices, the NISC
 * vocabulary, per-source scripts and every way a script can fail. */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "contract.h"
#include "select.h"
#include "spec.h"
#include "testutil.h"

static sp_source *shinagawa, *nisc;
static char *tmp;

static void setup(void)
{
	cg_err e = { 0 };

	shinagawa = spec_load("specs/shinagawa", &e);
	ck_assert_msg(shinagawa != NULL, "%s", e.msg ? e.msg : "");
	nisc = spec_load("specs/nisc", &e);
	ck_assert_msg(nisc != NULL, "%s", e.msg ? e.msg : "");
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	spec_free(shinagawa);
	spec_free(nisc);
	tu_rmtree(tmp);
	g_free(tmp);
}

/* A command-line style contract; `sets` are "key=value" strings. */
static ct_contract *query(const sp_source *s, const char *cat, const char *klass,
                          const char *const *sets)
{
	ct_contract *c = contract_new();
	cg_err e = { 0 };

	c->id = g_strdup("t");
	c->title = g_strdup("t");
	c->source_id = g_strdup(s->id);
	c->category_id = g_strdup(cat);
	c->class_id = klass ? g_strdup(klass) : NULL;
	for (; sets && *sets; sets++) {
		const char *eq = strchr(*sets, '=');
		char *k = g_strndup(*sets, (gsize)(eq - *sets));
		contract_add_attr(c, k, eq + 1);
		g_free(k);
	}
	ck_assert_msg(contract_bind(c, s, &e), "%s", e.msg ? e.msg : "");
	return c;
}

static const sel_item *item(const sel_result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->items[i].clause->id, id) == 0)
			return &r->items[i];
	ck_abort_msg("no clause %s", id);
	return NULL;
}

static sel_result *run_ok(const ct_contract *c, const char *lua)
{
	cg_err e = { 0 };
	sel_result *r = sel_run(c, lua, NULL, &e);

	ck_assert_msg(r != NULL, "%s:%d: %s", e.file ? e.file : "", e.line, e.msg ? e.msg : "");
	return r;
}

START_TEST(marks_decide_with_a_reason)
{
	ct_contract *c = query(shinagawa, "dc", "I", NULL);
	sel_result *r = run_ok(c, "lua");
	const sel_item *it;

	ck_assert_uint_eq(r->n, 130);
	it = item(r, "sg-1-1-1");
	ck_assert_int_eq(it->verdict, V_REQUIRED);
	ck_assert_str_eq(it->reason, "重要性分類Ⅰ × データセンター（ハウジング・ホスティング）の欄が「○」（必須）");
	it = item(r, "sg-9-6"); /* source code: development only */
	ck_assert_int_eq(it->verdict, V_NOT_APPLICABLE);
	ck_assert_ptr_nonnull(strstr(it->reason, "の欄が「-」（対象外）"));
	sel_free(r);
	contract_free(c);
}
END_TEST

START_TEST(unset_condition_keeps_the_clause_and_says_so)
{
	ct_contract *c = query(shinagawa, "saas", "II", NULL);
	sel_result *r = run_ok(c, "lua");
	const sel_item *it = item(r, "sg-8-3");

	ck_assert_int_eq(it->verdict, V_REQUIRED);
	ck_assert_ptr_nonnull(strstr(it->reason, "web-application = true"));
	ck_assert_ptr_nonnull(strstr(it->reason, "要確認"));
	sel_free(r);
	contract_free(c);
}
END_TEST

START_TEST(condition_false_drops_the_clause)
{
	static const char *const no_web[] = { "web-application=false", NULL };
	static const char *const web[] = { "web-application=yes", NULL };
	ct_contract *c = query(shinagawa, "saas", "II", no_web);
	sel_result *r = run_ok(c, "lua");
	const sel_item *it = item(r, "sg-8-3");

	ck_assert_int_eq(it->verdict, V_NOT_APPLICABLE);
	ck_assert_ptr_nonnull(strstr(it->reason, "を満たさない（契約: false）"));
	sel_free(r);
	contract_free(c);
	c = query(shinagawa, "saas", "II", web);
	r = run_ok(c, "lua");
	it = item(r, "sg-8-3");
	ck_assert_int_eq(it->verdict, V_REQUIRED);
	ck_assert_ptr_null(strstr(it->reason, "要確認"));
	sel_free(r);
	contract_free(c);
}
END_TEST

START_TEST(proviso_waives_weaker_channels)
{
	static const char *const vpn[] = { "admin-channel=vpn", NULL };
	ct_contract *c = query(shinagawa, "saas", "I", vpn);
	sel_result *r = run_ok(c, "lua");

	ck_assert_int_eq(item(r, "sg-6-6-1")->verdict, V_NOT_APPLICABLE);
	ck_assert_ptr_nonnull(strstr(item(r, "sg-6-6-1")->reason, "ただし書きにより適用しない（admin-channel = vpn）"));
	ck_assert_int_eq(item(r, "sg-6-6-2")->verdict, V_NOT_APPLICABLE);
	ck_assert_int_eq(item(r, "sg-6-6-3")->verdict, V_REQUIRED);
	ck_assert_int_eq(item(r, "sg-6-6-4")->verdict, V_REQUIRED);
	sel_free(r);
	contract_free(c);
}
END_TEST

START_TEST(contract_choices_override_with_both_reasons)
{
	cg_err e = { 0 };
	ct_contract *c = contract_load("specs/contracts/shinagawa-dev-shisetsu.yaml", &e);
	sel_result *r;
	const sel_item *it;

	ck_assert_ptr_nonnull(c);
	ck_assert(contract_bind(c, shinagawa, &e));
	r = run_ok(c, "lua");
	it = item(r, "sg-5-16");
	ck_assert_int_eq(it->verdict, V_REQUIRED);
	ck_assert_ptr_nonnull(strstr(it->reason, "契約で採用（理由: 予約者の連絡先"));
	ck_assert_ptr_nonnull(strstr(it->reason, "基準上の判定: 重要性分類Ⅲ × 情報システムの開発（構築等）の欄が「-」"));
	sel_free(r);
	contract_free(c);
}
END_TEST

START_TEST(exclusion_is_recorded)
{
	cg_err e = { 0 };
	char *path = tu_write(tmp, "c.yaml",
	                      "id: x\ntitle: t\nsource: shinagawa\ncategory: dc\nclass: I\n"
	                      "choices:\n  exclude:\n    - id: sg-1-2-3\n      reason: 区の駐車場を使う\n");
	ct_contract *c = contract_load(path, &e);
	sel_result *r;

	ck_assert_ptr_nonnull(c);
	ck_assert(contract_bind(c, shinagawa, &e));
	r = run_ok(c, "lua");
	ck_assert_int_eq(item(r, "sg-1-2-3")->verdict, V_NOT_APPLICABLE);
	ck_assert_ptr_nonnull(strstr(item(r, "sg-1-2-3")->reason, "契約で除外（理由: 区の駐車場を使う）。基準上の判定: "));
	sel_free(r);
	contract_free(c);
	g_free(path);
}
END_TEST

START_TEST(nisc_vocabulary)
{
	ct_contract *c = query(nisc, "asp", NULL, NULL);
	sel_result *r = run_ok(c, "lua");
	size_t i, n[V_COUNT] = { 0 };

	for (i = 0; i < r->n; i++)
		n[r->items[i].verdict]++;
	/* Seed table 9.3.1, ASP column: ○ (1)(2)(8)(9)(11); △ (7)(10)(12)(13);
	 * ※ (4)(5); × (3)(6); and the two clauses with no 9.3.1 row (9.2.2 and
	 * (14)) are not applicable. */
	ck_assert_uint_eq(n[V_REQUIRED], 5);
	ck_assert_uint_eq(n[V_OPTIONAL], 4);
	ck_assert_uint_eq(n[V_INCLUDED], 2);
	ck_assert_uint_eq(n[V_NOT_APPLICABLE], 4);
	for (i = 0; i < r->n; i++) {
		const char *m = spec_mark(nisc, r->items[i].clause, nisc->select_table, 0,
		                          (size_t)c->category);
		sp_verdict want = m == NULL                 ? V_NOT_APPLICABLE
		                  : strcmp(m, "○") == 0 ? V_REQUIRED
		                  : strcmp(m, "△") == 0 ? V_OPTIONAL
		                  : strcmp(m, "※") == 0   ? V_INCLUDED
		                                             : V_NOT_APPLICABLE;
		ck_assert_msg(r->items[i].verdict == want, "%s", r->items[i].clause->id);
	}
	sel_free(r);
	contract_free(c);
}
END_TEST

START_TEST(selection_is_deterministic)
{
	static const char *const sets[] = { "web-application=true", "admin-channel=dedicated-line",
		                            "personal-information=false", NULL };
	ct_contract *c = query(shinagawa, "iaas", "II", sets);
	sel_result *a = run_ok(c, "lua"), *b = run_ok(c, "lua");
	size_t i;

	for (i = 0; i < a->n; i++) {
		ck_assert_int_eq(a->items[i].verdict, b->items[i].verdict);
		ck_assert_str_eq(a->items[i].reason, b->items[i].reason);
	}
	sel_free(a);
	sel_free(b);
	contract_free(c);
}
END_TEST

/* A lua directory with select.lua replaced by `code`. */
static char *lua_dir_with(const char *name, const char *code)
{
	char *d = g_build_filename(tmp, "lua", NULL);
	char *p;

	tu_copytree("lua", d);
	p = tu_write(d, name, code);
	g_free(p);
	return d;
}

static void expect_script_error(const char *name, const char *code, int line, const char *msg)
{
	char *lua = lua_dir_with(name, code);
	ct_contract *c = query(shinagawa, "dc", "I", NULL);
	cg_err e = { 0 };
	sel_result *r = sel_run(c, lua, NULL, &e);
	char *want_file = g_build_filename(lua, name, NULL);

	ck_assert_ptr_null(r);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, want_file);
	ck_assert_int_eq(e.line, line);
	ck_assert_msg(strstr(e.msg, msg) != NULL, "message '%s' lacks '%s'", e.msg, msg);
	cg_err_clear(&e);
	contract_free(c);
	g_free(want_file);
	g_free(lua);
}

START_TEST(script_runtime_error)
{
	expect_script_error("select.lua",
	                    "local M = {}\nfunction M.verdict(clause)\n"
	                    "  return clause.no_such.field\nend\nreturn M\n",
	                    3, "attempt to index a nil value (field 'no_such')");
}
END_TEST

START_TEST(script_returns_a_non_verdict)
{
	expect_script_error("select.lua",
	                    "local M = {}\n\nfunction M.verdict(clause)\n  return 'maybe', 'x'\nend\nreturn M\n",
	                    3, "verdict() returned 'maybe' for clause 'sg-1-1-1'");
	expect_script_error("select.lua",
	                    "local M = {}\nfunction M.verdict(clause)\n  return nil\nend\nreturn M\n", 2,
	                    "verdict() returned nil for clause");
	expect_script_error("select.lua",
	                    "local M = {}\nfunction M.verdict(clause)\n  return 'required'\nend\nreturn M\n",
	                    2, "returned no reason for clause 'sg-1-1-1'");
}
END_TEST

START_TEST(script_shape_errors)
{
	expect_script_error("select.lua", "return 42\n", 0, "must return its rules as a table (got number)");
	expect_script_error("select.lua", "return {}\n", 0, "no function 'verdict'");
	expect_script_error("select.lua", "local M = {\nreturn M\n", 2, "expected");
}
END_TEST

START_TEST(script_cannot_write_the_views)
{
	expect_script_error("select.lua",
	                    "local M = {}\nfunction M.verdict(clause, contract)\n"
	                    "  contract.class = 'IV'\n  return 'required', 'x'\nend\nreturn M\n",
	                    3, "attempt to change read-only data (field 'class')");
}
END_TEST

START_TEST(source_script_wraps_the_generic_rules)
{
	char *lua = lua_dir_with("shinagawa.lua",
	                         "local generic = ...\n"
	                         "local M = setmetatable({}, {__index = generic})\n"
	                         "function M.verdict(clause, contract, source)\n"
	                         "  local v, why = generic.verdict(clause, contract, source)\n"
	                         "  if clause.id == 'sg-1-2-3' then return 'optional', why .. '。区の独自規則' end\n"
	                         "  return v, why\nend\nreturn M\n");
	ct_contract *c = query(shinagawa, "dc", "I", NULL);
	sel_result *r = run_ok(c, lua);

	ck_assert_int_eq(item(r, "sg-1-2-3")->verdict, V_OPTIONAL);
	ck_assert_ptr_nonnull(strstr(item(r, "sg-1-2-3")->reason, "区の独自規則"));
	ck_assert_int_eq(item(r, "sg-1-1-1")->verdict, V_REQUIRED);
	sel_free(r);
	contract_free(c);
	g_free(lua);
}
END_TEST

/* The rules' clause views (selview.c) answered from the source: every field
 * of every clause of two real sources read back through pairs, down to each
 * mark, against the model itself; and they behave as read-only tables. */
static const char dump_script[] =
	"local M = {}\n"
	"local function dump(v)\n"
	"  if type(v) ~= 'table' then return tostring(v) end\n"
	"  local es = {}\n"
	"  for k, x in pairs(v) do es[#es + 1] = {tostring(k), x} end\n"
	"  table.sort(es, function(a, b) return a[1] < b[1] end)\n"
	"  local parts = {}\n"
	"  for _, e in ipairs(es) do parts[#parts + 1] = e[1] .. '=' .. dump(e[2]) end\n"
	"  return '{' .. table.concat(parts, ',') .. '}'\n"
	"end\n"
	"function M.verdict(c)\n"
	"  assert(type(c) == 'table' and type(c.marks) == 'table')\n"
	"  assert(rawget(c, 'id') == nil and next(c) == nil and rawlen(c) == 0 and #c == 0)\n"
	"  assert(next(c.marks) == nil and #c.marks == 0 and c[1] == nil and c.nothing == nil)\n"
	"  assert(getmetatable(c) == 'read-only' and getmetatable(c.marks) == 'read-only')\n"
	"  for _ in ipairs(c.marks) do error('a list part') end\n"
	"  assert(not pcall(function() c.marks.x = 1 end))\n"
	"  return 'required', dump(c)\n"
	"end\n"
	"return M\n";

/* By key, the part before '=' (keys have none), as table.sort on the keys. */
static int cmp_key(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strcspn(x, "="), ly = strcspn(y, "=");
	int r = memcmp(x, y, lx < ly ? lx : ly);

	return r != 0 ? r : (lx > ly) - (lx < ly);
}

/* "{k=v,…}" with the entries sorted by key, as dump() prints them. */
static char *joined(GPtrArray *es)
{
	GString *g = g_string_new("{");
	size_t i;

	g_ptr_array_sort(es, cmp_key);
	for (i = 0; i < es->len; i++)
		g_string_append_printf(g, "%s%s", i ? "," : "", (char *)es->pdata[i]);
	g_string_append_c(g, '}');
	g_ptr_array_free(es, TRUE);
	return g_string_free(g, FALSE);
}

static void add(GPtrArray *es, const char *k, char *v)
{
	g_ptr_array_add(es, g_strdup_printf("%s=%s", k, v));
	g_free(v);
}

static char *expect_conds(const sp_source *s, const sp_cond *cd, size_t n)
{
	GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
	size_t i, j;

	for (i = 0; i < n; i++) {
		GPtrArray *e = g_ptr_array_new_with_free_func(g_free);
		GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
		char *k = g_strdup_printf("%zu", i + 1);
		add(e, "attr", g_strdup(s->attrs[cd[i].attr].id));
		for (j = 0; j < cd[i].nvalues; j++) {
			char *vk = g_strdup_printf("%zu", j + 1);
			add(vals, vk, g_strdup(cd[i].values[j]));
			g_free(vk);
		}
		add(e, "values", joined(vals));
		add(list, k, joined(e));
		g_free(k);
	}
	return joined(list);
}

static char *expect_clause(const sp_source *s, const sp_clause *c)
{
	GPtrArray *es = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *sec = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *marks = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *apps = g_ptr_array_new_with_free_func(g_free);
	const sp_section *sc = &s->sections[c->section];
	size_t t, k, col, i;

	add(es, "id", g_strdup(c->id));
	add(es, "number", g_strdup(c->number));
	add(es, "title", g_strdup(spec_clause_title(s, c)));
	add(sec, "id", g_strdup(sc->id));
	add(sec, "number", g_strdup(sc->number));
	add(sec, "title", g_strdup(sc->title));
	add(es, "section", joined(sec));
	for (t = 0; t < s->ntables; t++) {
		GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
		const sp_table *tb = &s->tables[t];
		if (c->marks[t] == NULL) {
			g_ptr_array_free(rows, TRUE);
			continue;
		}
		for (k = 0; k < SP_NCLASSES(s); k++) {
			GPtrArray *cats = s->nclasses ? g_ptr_array_new_with_free_func(g_free) : rows;
			for (col = 0; col < tb->ncols; col++)
				if (c->marks[t][k * tb->ncols + col] != NULL)
					add(cats, s->cats[tb->cols[col]].id,
					    g_strdup(c->marks[t][k * tb->ncols + col]));
			if (s->nclasses)
				add(rows, s->classes[k].id, joined(cats));
		}
		add(marks, tb->id, joined(rows));
	}
	add(es, "marks", joined(marks));
	add(es, "when", expect_conds(s, c->when, c->nwhen));
	add(es, "unless", expect_conds(s, c->unless, c->nunless));
	if (c->verdict >= 0)
		add(es, "verdict", g_strdup(spec_verdict_name((sp_verdict)c->verdict)));
	for (i = 0; i < c->napps; i++) {
		char *ak = g_strdup_printf("%zu", i + 1);
		add(apps, ak, g_strdup(s->apps[c->apps[i]].id));
		g_free(ak);
	}
	add(es, "appendices", joined(apps));
	return joined(es);
}

/* Runs `script` as lua/select.lua over every clause of Shinagawa and of
 * NISC (first category and class) and calls `each` with every item. */
static void run_on_both(const char *script,
                        void (*each)(const sp_source *s, const sel_item *it, void *ud), void *ud)
{
	char *lua = lua_dir_with("select.lua", script);
	const sp_source *srcs[2];
	size_t n, i;

	srcs[0] = shinagawa;
	srcs[1] = nisc;
	for (n = 0; n < 2; n++) {
		const sp_source *s = srcs[n];
		ct_contract *c = query(s, s->cats[0].id, s->nclasses ? s->classes[0].id : NULL, NULL);
		sel_result *r = run_ok(c, lua);
		ck_assert_uint_eq(r->n, s->nclauses);
		for (i = 0; i < r->n; i++)
			each(s, &r->items[i], ud);
		sel_free(r);
		contract_free(c);
	}
	g_free(lua);
}

static void clause_shown(const sp_source *s, const sel_item *it, void *ud)
{
	char *want = expect_clause(s, it->clause);

	ck_assert_str_eq(it->reason, want);
	*(size_t *)ud += it->clause->nwhen + it->clause->nunless;
	g_free(want);
}

START_TEST(clause_views_show_the_whole_clause)
{
	size_t attr_conds = 0;

	run_on_both(dump_script, clause_shown, &attr_conds);
	/* The comparison reached conditions, not only empty lists. */
	ck_assert_uint_gt(attr_conds, 0);
}
END_TEST

/* clause:mark(table, class, category) gives what clause.marks[table][class]
 * [category] gives, for every table, class and category of the source and
 * for unknown ones: false for a table without the clause's row, nil for a
 * missing mark; it is not a field pairs lists. */
static const char mark_script[] =
	"local M = {}\n"
	"local function ids(list, extra)\n"
	"  local out = {extra}\n"
	"  for _, e in ipairs(list) do out[#out + 1] = e.id end\n"
	"  return out\n"
	"end\n"
	"function M.verdict(c, ct, src)\n"
	"  for k in pairs(c) do assert(k ~= 'mark', 'mark listed by pairs') end\n"
	"  local n = 0\n"
	"  for _, t in ipairs(ids(src.tables, 'no-such-table')) do\n"
	"    local rows = c.marks[t]\n"
	"    local classes = #src.classes > 0 and ids(src.classes, 'IX') or {false}\n"
	"    for _, k in ipairs(classes) do\n"
	"      for _, cat in ipairs(ids(src.categories, 'no-such-category')) do\n"
	"        local want\n"
	"        if rows == nil then want = false\n"
	"        elseif k then want = rows[k] and rows[k][cat]\n"
	"        else want = rows[cat] end\n"
	"        local got = c:mark(t, k or nil, cat)\n"
	"        assert(got == want, ('%s %s %s %s: %s ~= %s'):format(c.id, t, tostring(k), cat,\n"
	"          tostring(got), tostring(want)))\n"
	"        n = n + 1\n"
	"      end\n"
	"    end\n"
	"  end\n"
	"  assert(not pcall(c.mark, c.marks, 'x', 'y', 'z'))\n"
	"  return 'required', tostring(n)\n"
	"end\n"
	"return M\n";

/* Counts the combinations a clause compared (its reason) and the tables
 * it has no row in. */
static void marks_compared(const sp_source *s, const sel_item *it, void *ud)
{
	size_t *counts = ud, t;

	counts[0] += (size_t)atol(it->reason);
	for (t = 0; t < s->ntables; t++)
		counts[1] += it->clause->marks == NULL || it->clause->marks[t] == NULL;
}

START_TEST(clause_mark_equals_the_marks_views)
{
	size_t counts[2] = { 0, 0 }; /* combinations compared, rows missing */

	run_on_both(mark_script, marks_compared, counts);
	/* Every combination was compared, clauses without a row among them */
	ck_assert_uint_gt(counts[0], 130 * 4 * 10);
	ck_assert_uint_gt(counts[1], 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("select");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, marks_decide_with_a_reason);
	tcase_add_test(tc, unset_condition_keeps_the_clause_and_says_so);
	tcase_add_test(tc, condition_false_drops_the_clause);
	tcase_add_test(tc, proviso_waives_weaker_channels);
	tcase_add_test(tc, contract_choices_override_with_both_reasons);
	tcase_add_test(tc, exclusion_is_recorded);
	tcase_add_test(tc, nisc_vocabulary);
	tcase_add_test(tc, selection_is_deterministic);
	tcase_add_test(tc, script_runtime_error);
	tcase_add_test(tc, script_returns_a_non_verdict);
	tcase_add_test(tc, script_shape_errors);
	tcase_add_test(tc, script_cannot_write_the_views);
	tcase_add_test(tc, source_script_wraps_the_generic_rules);
	tcase_add_test(tc, clause_views_show_the_whole_clause);
	tcase_add_test(tc, clause_mark_equals_the_marks_views);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
