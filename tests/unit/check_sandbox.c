/* check_sandbox.c: the Lua sandbox: what scripts cannot reach, limits on
 * time and memory that pcall cannot defeat, read-only views, positions of
 * errors. */
#include <check.h>
#include <glib.h>
#include <lauxlib.h>
#include <string.h>

#include "sandbox.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(dir);
	g_free(dir);
}

/* Runs `code` as a script file with limits; returns 1 on success. */
static int run(const char *code, size_t mem, unsigned long long instr, cg_err *e,
               sb_sandbox **keep)
{
	char *path = tu_write(dir, "t.lua", code);
	sb_limits lim = { mem, instr };
	sb_sandbox *sb = sb_new(&lim, e);
	int ok;

	ck_assert_ptr_nonnull(sb);
	ok = sb_run_file(sb, path, 0, 1, e);
	if (keep)
		*keep = sb;
	else
		sb_free(sb);
	g_free(path);
	return ok;
}

START_TEST(forbidden_globals_are_absent)
{
	static const char *const names[] = {
		"io", "os", "load", "loadstring", "dofile", "loadfile", "require", "collectgarbage",
		"debug", "package", "print", "rawset", "warn", "module", "setfenv", NULL
	};
	GString *code = g_string_new("return {");
	cg_err e = { 0 };
	sb_sandbox *sb;
	lua_State *L;
	int i;

	for (i = 0; names[i]; i++)
		g_string_append_printf(code, "%s = type(%s), ", names[i], names[i]);
	g_string_append(code, "dump = type(string.dump), sdump = type((\"\").dump),"
	                      " seed = type(math.randomseed), mt = getmetatable(\"\") }");
	ck_assert(run(code->str, 0, 0, &e, &sb));
	L = sb_lua(sb);
	for (i = 0; names[i]; i++) {
		lua_getfield(L, -1, names[i]);
		ck_assert_msg(strcmp(lua_tostring(L, -1), "nil") == 0, "%s is reachable", names[i]);
		lua_pop(L, 1);
	}
	lua_getfield(L, -1, "dump");
	ck_assert_str_eq(lua_tostring(L, -1), "nil");
	lua_getfield(L, -2, "sdump");
	ck_assert_str_eq(lua_tostring(L, -1), "nil");
	lua_getfield(L, -3, "seed");
	ck_assert_str_eq(lua_tostring(L, -1), "nil");
	/* The strings' metatable (which leads to the string library) is hidden. */
	lua_getfield(L, -4, "mt");
	ck_assert_str_eq(lua_tostring(L, -1), "string");
	sb_free(sb);
	g_string_free(code, TRUE);
}
END_TEST

START_TEST(safe_library_works)
{
	cg_err e = { 0 };
	sb_sandbox *sb;
	lua_State *L;

	ck_assert(run("local t = {3, 1, 2}; table.sort(t)\n"
	              "return table.concat(t, ',') .. ' ' .. ('%d'):format(math.floor(2.5)) .. ' '"
	              " .. utf8.len('重要性') .. ' ' .. tostring(pcall(error, 'x'))",
	              0, 0, &e, &sb));
	L = sb_lua(sb);
	ck_assert_str_eq(lua_tostring(L, -1), "1,2,3 2 3 false");
	sb_free(sb);
}
END_TEST

START_TEST(random_is_deterministic)
{
	cg_err e = { 0 };
	sb_sandbox *a, *b;

	ck_assert(run("return math.random(1, 1000000000)", 0, 0, &e, &a));
	ck_assert(run("return math.random(1, 1000000000)", 0, 0, &e, &b));
	ck_assert_int_eq(lua_tointeger(sb_lua(a), -1), lua_tointeger(sb_lua(b), -1));
	sb_free(a);
	sb_free(b);
}
END_TEST

START_TEST(endless_loop_stops_with_position)
{
	cg_err e = { 0 };
	gint64 t0 = g_get_monotonic_time();

	ck_assert(!run("local n = 0\nwhile true do\n  n = n + 1\nend\n", 0, 5000000, &e, NULL));
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "instruction limit of 5000000 exceeded"));
	ck_assert_ptr_nonnull(strstr(e.file, "t.lua"));
	ck_assert(e.line >= 2 && e.line <= 4);
	ck_assert(g_get_monotonic_time() - t0 < 10 * G_USEC_PER_SEC);
	cg_err_clear(&e);
}
END_TEST

START_TEST(pcall_cannot_swallow_the_limit)
{
	cg_err e = { 0 };

	ck_assert(!run("local caught = 0\n"
	               "while true do\n"
	               "  local ok = pcall(function() while true do end end)\n"
	               "  caught = caught + 1\n"
	               "end\n",
	               0, 2000000, &e, NULL));
	ck_assert_ptr_nonnull(strstr(e.msg, "instruction limit"));
	cg_err_clear(&e);
}
END_TEST

START_TEST(memory_bomb_stops)
{
	cg_err e = { 0 };
	sb_sandbox *sb;

	ck_assert(!run("local t = {}\nfor i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end\n",
	               8 * 1024 * 1024, 0, &e, &sb));
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "memory limit of 8388608 bytes"));
	ck_assert_ptr_nonnull(strstr(e.file, "t.lua"));
	ck_assert(sb_mem_peak(sb) <= 8u * 1024 * 1024);
	sb_free(sb);
	cg_err_clear(&e);
	ck_assert(!run("return ('x'):rep(1e9)", 8 * 1024 * 1024, 0, &e, NULL));
	ck_assert_ptr_nonnull(strstr(e.msg, "memory"));
	cg_err_clear(&e);
}
END_TEST

START_TEST(endless_recursion_stops)
{
	cg_err e = { 0 };

	ck_assert(!run("local function f(n)\n  return 1 + f(n + 1)\nend\nreturn f(1)\n", 0, 0, &e,
	               NULL));
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "stack overflow"));
	ck_assert_int_eq(e.line, 2);
	cg_err_clear(&e);
}
END_TEST

START_TEST(runtime_error_names_file_and_line)
{
	cg_err e = { 0 };

	ck_assert(!run("local x = 1\n\nerror('the rules are broken')\n", 0, 0, &e, NULL));
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_int_eq(e.line, 3);
	ck_assert_str_eq(e.msg, "the rules are broken");
	ck_assert(g_str_has_suffix(e.file, "/t.lua"));
	cg_err_clear(&e);
	ck_assert(!run("local t = nil\nreturn t.field\n", 0, 0, &e, NULL));
	ck_assert_int_eq(e.line, 2);
	ck_assert_ptr_nonnull(strstr(e.msg, "attempt to index a nil value"));
	cg_err_clear(&e);
}
END_TEST

START_TEST(syntax_error_names_line)
{
	cg_err e = { 0 };

	ck_assert(!run("local a = 1\nlocal b = = 2\n", 0, 0, &e, NULL));
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_int_eq(e.line, 2);
	ck_assert_ptr_nonnull(strstr(e.msg, "unexpected symbol"));
	cg_err_clear(&e);
}
END_TEST

START_TEST(bytecode_is_refused)
{
	cg_err e = { 0 };

	ck_assert(!run("\x1bLua return 1", 0, 0, &e, NULL));
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "binary chunk"));
	cg_err_clear(&e);
}
END_TEST

/* Pushes {a = 1, list = {10, 20, 30}, nested = {b = 2}} as a read-only view,
 * then runs `code` with it as the chunk's argument. */
static int run_view(const char *code, cg_err *e, sb_sandbox **keep)
{
	char *path = tu_write(dir, "v.lua", code);
	sb_sandbox *sb = sb_new(NULL, e);
	lua_State *L = sb_lua(sb);
	int ok;

	lua_newtable(L);
	lua_pushinteger(L, 1);
	lua_setfield(L, -2, "a");
	lua_newtable(L);
	for (int i = 1; i <= 3; i++) {
		lua_pushinteger(L, i * 10);
		lua_rawseti(L, -2, i);
	}
	lua_setfield(L, -2, "list");
	lua_newtable(L);
	lua_pushinteger(L, 2);
	lua_setfield(L, -2, "b");
	lua_setfield(L, -2, "nested");
	sb_readonly(L);
	ok = sb_run_file(sb, path, 1, 1, e);
	g_free(path);
	if (keep)
		*keep = sb;
	else
		sb_free(sb);
	return ok;
}

START_TEST(views_are_read_only)
{
	cg_err e = { 0 };
	sb_sandbox *sb;

	ck_assert(!run_view("local t = ...\n\nt.a = 2\n", &e, NULL));
	ck_assert_int_eq(e.line, 3);
	ck_assert_ptr_nonnull(strstr(e.msg, "read-only"));
	cg_err_clear(&e);
	ck_assert(!run_view("local t = ...\nt.nested.b = 3\n", &e, NULL));
	ck_assert_int_eq(e.line, 2);
	cg_err_clear(&e);
	/* pairs must not hand out the writable table behind the view. */
	ck_assert(!run_view("local t = ...\nlocal f, s = pairs(t)\ns.a = 5\n", &e, NULL));
	ck_assert_ptr_nonnull(strstr(e.msg, "read-only"));
	cg_err_clear(&e);
	/* The iterator pairs returns takes the view as its state; handed a
	 * plain table instead it is an error, not a way round the view. */
	ck_assert(!run_view("local t = ...\nlocal f = pairs(t)\nreturn f({x = 1}, nil)\n", &e, NULL));
	ck_assert_int_eq(e.line, 3);
	ck_assert_ptr_nonnull(strstr(e.msg, "read-only view expected"));
	cg_err_clear(&e);
	ck_assert(!run_view("local t = ...\nsetmetatable(t, nil)\n", &e, NULL));
	ck_assert_ptr_nonnull(strstr(e.msg, "protected metatable"));
	cg_err_clear(&e);
	ck_assert(run_view("local t = ...\nlocal keys = {}\n"
	                   "for k in pairs(t) do keys[#keys + 1] = k end\ntable.sort(keys)\n"
	                   "local sum = 0\nfor _, v in ipairs(t.list) do sum = sum + v end\n"
	                   "return table.concat(keys, ',') .. ' ' .. #t.list .. ' ' .. sum .. ' '"
	                   " .. t.nested.b .. ' ' .. getmetatable(t)\n",
	                   &e, &sb));
	ck_assert_str_eq(lua_tostring(sb_lua(sb), -1), "a,list,nested 3 60 2 read-only");
	sb_free(sb);
}
END_TEST

/* A view put inside a table that is then made a view is kept as it is, not
 * wrapped again: the selection shares one view of a section between all
 * its clauses, and scripts may compare them. */
START_TEST(views_inside_views_are_shared)
{
	cg_err e = { 0 };
	char *path = tu_write(dir, "s.lua", "local a, b = ...\n"
	                      "return tostring(a.sec == b.sec) .. ' ' .. a.sec.id .. ' ' .. #a.sec.list\n");
	sb_sandbox *sb = sb_new(NULL, &e);
	lua_State *L = sb_lua(sb);
	int shared;

	lua_newtable(L);
	lua_pushliteral(L, "s1");
	lua_setfield(L, -2, "id");
	lua_createtable(L, 2, 0);
	lua_pushinteger(L, 1);
	lua_rawseti(L, -2, 1);
	lua_pushinteger(L, 2);
	lua_rawseti(L, -2, 2);
	lua_setfield(L, -2, "list");
	sb_readonly(L);
	shared = lua_gettop(L);
	for (int i = 0; i < 2; i++) {
		lua_newtable(L);
		lua_pushvalue(L, shared);
		lua_setfield(L, -2, "sec");
		sb_readonly(L);
	}
	ck_assert(sb_run_file(sb, path, 2, 1, &e));
	ck_assert_str_eq(lua_tostring(L, -1), "true s1 2");
	sb_free(sb);
	g_free(path);
}
END_TEST

START_TEST(allocation_failure_is_an_error_not_a_crash)
{
	cg_err e = { 0 };
	unsigned long n;

	/* Fail the n-th allocation of a script that allocates, for many n: every
	 * path must end in an error, never a crash or a leak. */
	for (n = 1; n < 200; n += 7) {
		char *path = tu_write(dir, "m.lua", "local t = {}\nfor i = 1, 100 do t[i] = {i, tostring(i)} end\nreturn #t\n");
		sb_sandbox *sb = sb_new(NULL, &e);
		int ok;
		ck_assert_ptr_nonnull(sb);
		sb_fail_after(sb, n);
		ok = sb_run_file(sb, path, 0, 1, &e);
		if (!ok)
			ck_assert(cg_err_isset(&e));
		cg_err_clear(&e);
		sb_free(sb);
		g_free(path);
	}
}
END_TEST


START_TEST(string_metatable_leads_nowhere)
{
	cg_err e = { 0 };
	sb_sandbox *sb;

	/* getmetatable("") is the string "string"; indexing it finds nothing
	 * that is not already in the string table. */
	ck_assert(run("local mt = getmetatable('')\n"
	              "return type(mt) .. ' ' .. type(mt.__index) .. ' ' .. type(('').dump)"
	              " .. ' ' .. type(string.dump) .. ' ' .. type(coroutine)",
	              0, 0, &e, &sb));
	ck_assert_str_eq(lua_tostring(sb_lua(sb), -1), "string nil nil nil nil");
	sb_free(sb);
	ck_assert(!run("local x = 1\nreturn getmetatable('').__index.rep('x', 2)\n", 0, 0, &e,
	               NULL));
	ck_assert_int_eq(e.line, 2);
	ck_assert_ptr_nonnull(strstr(e.msg, "attempt to index a nil value"));
	cg_err_clear(&e);
}
END_TEST

START_TEST(memory_error_names_the_line)
{
	cg_err e = { 0 };

	ck_assert(!run("local t = {}\nlocal n = 0\nwhile true do\n  n = n + 1; t[n] = {n}\nend\n",
	               4 * 1024 * 1024, 0, &e, NULL));
	ck_assert_ptr_nonnull(strstr(e.msg, "memory limit of 4194304 bytes"));
	ck_assert(g_str_has_suffix(e.file, "/t.lua"));
	ck_assert_int_eq(e.line, 4);
	cg_err_clear(&e);
	/* One allocation far over the limit: the line of the call. */
	ck_assert(!run("local s = 'x'\n\nreturn s:rep(1e9)\n", 4 * 1024 * 1024, 0, &e, NULL));
	ck_assert_ptr_nonnull(strstr(e.msg, "memory limit"));
	ck_assert_int_eq(e.line, 3);
	cg_err_clear(&e);
}
END_TEST

START_TEST(finalizers_are_refused)
{
	cg_err e = { 0 };
	gint64 t0 = g_get_monotonic_time();

	/* Lua runs __gc with hooks off: a looping finalizer would escape the
	 * instruction budget, so none may be set. */
	ck_assert(!run("local x = 1\nsetmetatable({}, {__gc = function() while true do end end})\n",
	               0, 2000000, &e, NULL));
	ck_assert_int_eq(e.line, 2);
	ck_assert_ptr_nonnull(strstr(e.msg, "__gc metamethods are not allowed"));
	cg_err_clear(&e);
	/* Adding __gc later does not mark the object: it is never called. */
	ck_assert(run("local mt = {}\nlocal t = setmetatable({}, mt)\n"
	              "mt.__gc = function() while true do end end\nt = nil\n"
	              "local junk = {}\nfor i = 1, 2e5 do junk[i % 100 + 1] = {i} end\nreturn 1\n",
	              0, 0, &e, NULL));
	ck_assert(g_get_monotonic_time() - t0 < 20 * G_USEC_PER_SEC);
}
END_TEST

/* Library functions that loop in C are charged to the instruction budget:
 * each of these would otherwise run for hours. */
START_TEST(c_loops_are_charged)
{
	static const char *const bombs[] = {
		"local x = 1\ntable.move({}, 1, math.maxinteger - 1, 2)\n",
		"local t = setmetatable({}, {__len = function() return math.maxinteger - 1 end})\n"
		"table.insert(t, 1, 'x')\n",
		"local t = setmetatable({}, {__len = function() return math.maxinteger - 1 end})\n"
		"table.remove(t, 1)\n",
		"local s = ('a'):rep(20000)\nreturn s:find('.-.-.-.-.-b')\n",
		"local s = ('a'):rep(20000)\nreturn s:gsub('a*a*a*a*b', '')\n",
		"local s = ('a'):rep(20000)\nfor m in s:gmatch('(a*)%1%1b') do end\n",
		"local s = ('a'):rep(20000)\nreturn s:match('[a]-[^b]-[%a]-%f[%w]a-b')\n",
		NULL
	};
	cg_err e = { 0 };
	sb_sandbox *sb;
	int i;

	for (i = 0; bombs[i] != NULL; i++) {
		gint64 t0 = g_get_monotonic_time();
		ck_assert_msg(!run(bombs[i], 0, 0, &e, NULL), "bomb %d ran", i);
		ck_assert_msg(strstr(e.msg, "instruction limit") != NULL, "bomb %d: %s", i, e.msg);
		ck_assert_int_eq(e.line, 2);
		ck_assert_msg(g_get_monotonic_time() - t0 < 10 * G_USEC_PER_SEC, "bomb %d slow", i);
		cg_err_clear(&e);
	}
	/* An empty repetition is made at once, however many times. */
	ck_assert(run("return #(''):rep(math.maxinteger) .. #string.rep('', 1e18, '')", 0, 2000000,
	              &e, &sb));
	ck_assert_str_eq(lua_tostring(sb_lua(sb), -1), "00");
	sb_free(sb);
	/* Ordinary use stays cheap: short texts, plain finds, small moves. */
	ck_assert(run("local n = 0\nfor i = 1, 2000 do\n"
	              "  local s = 'sg-' .. i .. '-1'\n"
	              "  if s:match('^sg%-(%d+)%-(%d+)$') then n = n + 1 end\n"
	              "  if s:find('-', 1, true) then n = n + 1 end\n"
	              "  local t = {1, 2, 3}; table.insert(t, 1, 0); table.remove(t); table.move(t, 1, 3, 2)\n"
	              "  n = n + #(s:gsub('%-', '.'))\nend\nreturn n\n",
	              0, 20000000, &e, &sb));
	ck_assert_int_gt(lua_tointeger(sb_lua(sb), -1), 4000);
	sb_free(sb);
}
END_TEST

START_TEST(error_values_that_are_not_text)
{
	cg_err e = { 0 };

	ck_assert(!run("local x = 1\nerror(setmetatable({}, {__tostring = function() while true do end end}))\n",
	               0, 0, &e, NULL));
	ck_assert_int_eq(e.line, 2);
	ck_assert_str_eq(e.msg, "error object is a table value");
	cg_err_clear(&e);
	ck_assert(!run("error(42)\n", 0, 0, &e, NULL));
	ck_assert_str_eq(e.msg, "42");
	cg_err_clear(&e);
}
END_TEST

/* A script that fills its memory and catches the error keeps running; what
 * the host pushes afterwards must still work (an error outside a protected
 * call would abort the process). */
START_TEST(host_pushes_after_a_full_script)
{
	cg_err e = { 0 };
	sb_sandbox *sb;
	lua_State *L;
	int i;

	ck_assert(run("G = {}\nlocal ok = pcall(function() for i = 1, 1e9 do G[i] = i end end)\n"
	              "return function(t) return #t end\n",
	              4 * 1024 * 1024, 0, &e, &sb));
	L = sb_lua(sb);
	lua_newtable(L);
	for (i = 1; i <= 1000; i++) {
		lua_pushfstring(L, "clause %d of a source", i);
		lua_rawseti(L, -2, i);
	}
	sb_readonly(L);
	if (sb_call(sb, 1, 1, &e))
		ck_assert_int_eq(lua_tointeger(L, -1), 1000);
	else
		ck_assert_ptr_nonnull(strstr(e.msg, "memory limit"));
	cg_err_clear(&e);
	sb_free(sb);
}
END_TEST


/* The worst-case estimate reads every pattern item Lua knows; ordinary
 * patterns over short texts stay cheap and work as in plain Lua. */
START_TEST(patterns_of_every_kind)
{
	cg_err e = { 0 };
	sb_sandbox *sb;

	ck_assert(run("local s = 'f(a[b]c) 12-34 x%y'\n"
	              "return table.concat({s:match('%b()'), s:match('%f[%d]%d+'), s:match('[^%s]+$'),"
	              " s:match('[%]]'), s:match('(%d)(%d)%-'), s:match('x%%?y'), s:match('[a-c]-%]'),"
	              " s:match('^(f)%(') , tostring(s:find('[', 1, true)), s:gsub('%s', '_')}, '|')",
	              0, 2000000, &e, &sb));
	ck_assert_str_eq(lua_tostring(sb_lua(sb), -1), "(a[b]c)|12|x%y|]|1|x%y|b]|f|4|f(a[b]c)_12-34_x%y|2");
	sb_free(sb);
	/* A pattern ending in the middle of an item is Lua's error, not ours. */
	ck_assert(!run("local x = 1\nreturn ('abc'):find('[a')\n", 0, 0, &e, NULL));
	ck_assert_ptr_nonnull(strstr(e.msg, "malformed pattern"));
	ck_assert_int_eq(e.line, 2);
	cg_err_clear(&e);
	ck_assert(!run("return ('abc'):find('%')\n", 0, 0, &e, NULL));
	ck_assert_ptr_nonnull(strstr(e.msg, "malformed pattern"));
	cg_err_clear(&e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("sandbox");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, forbidden_globals_are_absent);
	tcase_add_test(tc, safe_library_works);
	tcase_add_test(tc, random_is_deterministic);
	tcase_add_test(tc, endless_loop_stops_with_position);
	tcase_add_test(tc, pcall_cannot_swallow_the_limit);
	tcase_add_test(tc, memory_bomb_stops);
	tcase_add_test(tc, endless_recursion_stops);
	tcase_add_test(tc, runtime_error_names_file_and_line);
	tcase_add_test(tc, syntax_error_names_line);
	tcase_add_test(tc, bytecode_is_refused);
	tcase_add_test(tc, views_are_read_only);
	tcase_add_test(tc, views_inside_views_are_shared);
	tcase_add_test(tc, allocation_failure_is_an_error_not_a_crash);
	tcase_add_test(tc, string_metatable_leads_nowhere);
	tcase_add_test(tc, memory_error_names_the_line);
	tcase_add_test(tc, finalizers_are_refused);
	tcase_add_test(tc, c_loops_are_charged);
	tcase_add_test(tc, error_values_that_are_not_text);
	tcase_add_test(tc, host_pushes_after_a_full_script);
	tcase_add_test(tc, patterns_of_every_kind);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
