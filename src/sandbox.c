#include "sandbox.h"

#include <glib.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "util.h"

#define SB_DEFAULT_MEM (64u * 1024 * 1024)
#define SB_DEFAULT_INSTR 200000000ULL
/* The hook runs every SB_HOOK_STEP instructions: rare enough to cost
 * nothing, often enough to stop a loop promptly. */
#define SB_HOOK_STEP 10000

struct sb_sandbox {
	lua_State *L;
	size_t used, peak, limit;
	unsigned long nalloc, fail_at;
	uint64_t executed, instr_limit;
	int over_budget;
	int in_script;       /* limits apply while script code runs (pcall_h) */
	char limit_msg[96];  /* made once: luaL_error cannot format 64-bit ints */
	/* Where the last error happened, found from the failed thread. */
	char *err_src;
	int err_line;
	/* The last script loaded: where errors with no position of their own
	 * are reported (a C function used as a rule, say `verdict = error`). */
	char *last_script;
};

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	sb_sandbox *sb = ud;

	if (ptr == NULL)
		osize = 0; /* osize then encodes the object type, not a size */
	if (nsize == 0) {
		free(ptr);
		sb->used -= osize;
		return NULL;
	}
	/* Only what runs under pcall_h is refused: a failure in the host's own
	 * pushes (clause views, a thread) would be an error outside any
	 * protected call, which Lua answers with abort(). Those are bounded by
	 * the loaded source, so a script that filled its memory fails in its
	 * own code, not in ours. */
	if (nsize > osize && sb->in_script) {
		sb->nalloc++;
		if (sb->fail_at != 0 && sb->nalloc >= sb->fail_at)
			return NULL;
		if (sb->used > sb->limit || nsize - osize > sb->limit - sb->used)
			return NULL; /* Lua turns this into "not enough memory" */
	}
	ptr = realloc(ptr, nsize);
	if (ptr == NULL)
		return NULL;
	sb->used = sb->used - osize + nsize;
	if (sb->used > sb->peak)
		sb->peak = sb->used;
	return ptr;
}

static sb_sandbox *sandbox_of(lua_State *L)
{
	void *ud;

	lua_getallocf(L, &ud);
	return ud;
}

static void count_hook(lua_State *L, lua_Debug *ar);

/* Adds `steps` to the instructions executed and raises the limit error
 * once they exceed the budget. */
static void charge(lua_State *L, uint64_t steps)
{
	sb_sandbox *sb = sandbox_of(L);

	sb->executed = steps > UINT64_MAX - sb->executed ? UINT64_MAX : sb->executed + steps;
	if (sb->executed > sb->instr_limit) {
		/* Once over budget, fail on every instruction: a pcall in the
		 * script may catch one error but can never run on. */
		if (!sb->over_budget) {
			sb->over_budget = 1;
			lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
		}
		luaL_error(L, "%s", sb->limit_msg);
	}
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	charge(L, SB_HOOK_STEP);
}

/* ---- library functions that loop in C ----
 *
 * The count hook only sees VM instructions, so a library function that
 * loops in C runs unbudgeted: string.rep("", math.maxinteger),
 * table.move({}, 1, 2^62, 2), table.insert on a table whose __len lies,
 * or a backtracking pattern over a long text would each hang the build.
 * These wrappers charge the loop's length (for patterns, its worst case)
 * to the same budget before calling the original, kept as upvalue 1
 * (string.rep only needs its empty case handled). */

static uint64_t clamp_count(lua_Integer first, lua_Integer last)
{
	if (last < first)
		return 0;
	if (first < 0 && last > LUA_MAXINTEGER + first)
		return UINT64_MAX;
	return (uint64_t)(last - first) + 1;
}

static int call_original(lua_State *L)
{
	int n = lua_gettop(L);

	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

static int w_rep(lua_State *L)
{
	size_t l, lsep = 0;
	lua_Integer n;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	/* An empty result is made without Lua's copy loop, which would still
	 * run n times; any other result is allocated before the loop, so the
	 * memory limit bounds the loop. */
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	return call_original(L);
}

static int w_move(lua_State *L)
{
	charge(L, clamp_count(luaL_checkinteger(L, 2), luaL_checkinteger(L, 3)));
	return call_original(L);
}

/* table.insert and table.remove shift the elements above the position:
 * at most #t of them, as the table (or its __len) says. */
static int w_shift(lua_State *L)
{
	lua_Integer n;

	luaL_checkany(L, 1);
	n = luaL_len(L, 1);
	charge(L, clamp_count(0, n));
	return call_original(L);
}

/* Worst-case steps of Lua's backtracking matcher: every single-character
 * item with *, + or - and every back-reference %1-%9 may be retried at
 * each position of the text, and the match is tried at each start:
 * (n+1)^(k+1) for k such items over n bytes. Sets, %b and %f are skipped
 * over as the matcher reads them. */
static uint64_t pattern_cost(const char *p, size_t lp, size_t n)
{
	size_t i = 0;
	int k = 0;
	double cost = 1;

	while (i < lp) {
		if (p[i] == '(' || p[i] == ')') {
			i++;
			continue;
		}
		if (p[i] == '%' && i + 1 < lp) {
			char c = p[i + 1];
			if (c >= '1' && c <= '9') {
				k++;
				i += 2;
				continue;
			}
			if (c == 'b') {
				i += 4;
				continue;
			}
			if (c == 'f') {
				i += 2;
				if (i < lp && p[i] == '[')
					goto set;
				continue;
			}
			i += 2;
		} else if (p[i] == '[') {
		set:
			i++;
			if (i < lp && p[i] == '^')
				i++;
			/* A ']' right after '[' or '[^' is a member. */
			do {
				if (i < lp && p[i] == '%')
					i++;
				i++;
			} while (i < lp && p[i] != ']');
			i++;
		} else {
			i++;
		}
		if (i < lp && (p[i] == '*' || p[i] == '+' || p[i] == '-')) {
			k++;
			i++;
		} else if (i < lp && p[i] == '?') {
			i++;
		}
	}
	for (; k >= 0; k--) {
		cost *= (double)n + 1;
		if (cost >= 1.8e19)
			return UINT64_MAX;
	}
	return (uint64_t)cost;
}

static int w_pattern(lua_State *L)
{
	size_t ls, lp;
	const char *p;

	luaL_checklstring(L, 1, &ls);
	p = luaL_checklstring(L, 2, &lp);
	/* string.find(s, p, init, true) is a plain search. */
	if (!lua_toboolean(L, 4) || lua_tocfunction(L, lua_upvalueindex(2)) == NULL)
		charge(L, pattern_cost(p, lp, ls));
	return call_original(L);
}

/* setmetatable without __gc: Lua runs finalizers with hooks off, so a
 * finalizer could loop for ever out of the budget's reach. A __gc added to
 * the metatable later does not mark the object, so checking here is
 * enough. */
static int w_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "__gc metamethods are not allowed in selection scripts");
		lua_pop(L, 1);
	}
	return call_original(L);
}

/* Replaces lib.name (lib NULL: the global) by `fn` with the original as
 * its upvalue; `extra` is pushed as a second upvalue when not NULL. */
static void wrap(lua_State *L, const char *lib, const char *name, lua_CFunction fn,
                 lua_CFunction extra)
{
	if (lib != NULL)
		lua_getglobal(L, lib);
	else
		lua_pushglobaltable(L);
	lua_getfield(L, -1, name);
	if (extra != NULL)
		lua_pushcfunction(L, extra);
	else
		lua_pushnil(L);
	lua_pushcclosure(L, fn, 2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
}

static void wrap_loops(lua_State *L)
{
	wrap(L, "string", "rep", w_rep, NULL);
	wrap(L, "table", "move", w_move, NULL);
	wrap(L, "table", "insert", w_shift, NULL);
	wrap(L, "table", "remove", w_shift, NULL);
	/* find alone has the plain flag (4th argument); the marker upvalue
	 * tells w_pattern which function it wraps. */
	wrap(L, "string", "find", w_pattern, w_pattern);
	wrap(L, "string", "match", w_pattern, NULL);
	wrap(L, "string", "gmatch", w_pattern, NULL);
	wrap(L, "string", "gsub", w_pattern, NULL);
	wrap(L, NULL, "setmetatable", w_setmetatable, NULL);
}

/* print/warn would write into our JSON on stdout; the rules have nothing to
 * say there. Everything not listed here is removed from the globals. */
static const char *const safe_base[] = {
	"assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget",
	"rawlen", "select", "setmetatable", "getmetatable", "tonumber", "tostring",
	"type", "xpcall", "_G", "_VERSION", "string", "table", "math", "utf8", NULL
};

static int is_safe(const char *name)
{
	int i;

	for (i = 0; safe_base[i] != NULL; i++)
		if (strcmp(safe_base[i], name) == 0)
			return 1;
	return 0;
}

static void strip_globals(lua_State *L)
{
	GPtrArray *drop = g_ptr_array_new_with_free_func(g_free);
	guint i;

	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING || !is_safe(lua_tostring(L, -1)))
			g_ptr_array_add(drop, g_strdup(lua_tostring(L, -1)));
	}
	for (i = 0; i < drop->len; i++) {
		lua_pushnil(L);
		lua_setfield(L, -2, g_ptr_array_index(drop, i));
	}
	lua_pop(L, 1);
	g_ptr_array_free(drop, TRUE);
}

static int open_libs(lua_State *L)
{
	static const luaL_Reg libs[] = {
		{ LUA_GNAME, luaopen_base },      { LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 }, { NULL, NULL }
	};
	const luaL_Reg *l;

	for (l = libs; l->func != NULL; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	/* Deterministic random numbers: the same contract gives the same
	 * output, whatever the script does with math.random. */
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, 0);
	lua_call(L, 1, 0);
	lua_pushnil(L);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	/* string.dump would hand out bytecode; the string table is also the
	 * strings' metatable __index, so removing it here covers ("").dump. */
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	wrap_loops(L);
	/* getmetatable("") returns this instead of the real metatable. */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "string");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	strip_globals(L);
	/* Registry entries the loader needs are kept off _G. */
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	return 0;
}

sb_sandbox *sb_new(const sb_limits *lim, cg_err *err)
{
	sb_sandbox *sb = g_new0(sb_sandbox, 1);

	sb->limit = lim && lim->mem_limit ? lim->mem_limit : SB_DEFAULT_MEM;
	sb->instr_limit = lim && lim->instr_limit ? lim->instr_limit : SB_DEFAULT_INSTR;
	g_snprintf(sb->limit_msg, sizeof sb->limit_msg,
	           "instruction limit of %llu exceeded (endless loop?)",
	           (unsigned long long)sb->instr_limit);
	sb->L = lua_newstate(sb_alloc, sb);
	if (sb->L == NULL) {
		cg_err_set(err, CG_ESYS, NULL, 0, 0, "cannot create a Lua state (out of memory)");
		g_free(sb);
		return NULL;
	}
	lua_pushcfunction(sb->L, open_libs);
	if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
		cg_err_set(err, CG_ESYS, NULL, 0, 0, "cannot set up the Lua sandbox: %s",
		           lua_tostring(sb->L, -1));
		sb_free(sb);
		return NULL;
	}
	/* Generational collection: the script reads each clause's view (and
	 * the proxies it hands out) once and drops it, so nearly everything
	 * dies young;
	 * the incremental collector would retraverse the long-lived source and
	 * contract views on every cycle. */
	lua_gc(sb->L, LUA_GCGEN, 0, 0);
	lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, SB_HOOK_STEP);
	return sb;
}

void sb_free(sb_sandbox *sb)
{
	if (sb == NULL)
		return;
	if (sb->L != NULL)
		lua_close(sb->L);
	g_free(sb->err_src);
	g_free(sb->last_script);
	g_free(sb);
}

lua_State *sb_lua(sb_sandbox *sb)
{
	return sb->L;
}

size_t sb_mem_used(const sb_sandbox *sb)
{
	return sb->used;
}

size_t sb_mem_peak(const sb_sandbox *sb)
{
	return sb->peak;
}

void sb_fail_after(sb_sandbox *sb, unsigned long n)
{
	sb->fail_at = n == 0 ? 0 : sb->nalloc + n;
}

/* Remembers the innermost script frame of the thread `co`, which an
 * error left as it was: the script line that failed, even for memory
 * errors, for which Lua calls no message handler. */
static void error_where(sb_sandbox *sb, lua_State *co)
{
	lua_Debug ar;
	int level;

	g_free(sb->err_src);
	sb->err_src = NULL;
	sb->err_line = 0;
	for (level = 0; lua_getstack(co, level, &ar); level++) {
		if (!lua_getinfo(co, "Sl", &ar))
			break;
		if (ar.currentline > 0 && ar.source[0] == '@') {
			sb->err_src = g_strdup(ar.source + 1);
			sb->err_line = ar.currentline;
			break;
		}
	}
}

/* The message without Lua's own "src:line: " prefix, which we print in
 * our file:line:col form instead. */
static const char *strip_where(const char *msg, const char *src, int line)
{
	const char *p;
	char *prefix;

	if (src == NULL)
		return msg;
	prefix = g_strdup_printf(":%d: ", line);
	p = strstr(msg, prefix);
	if (p != NULL && p - msg <= (ptrdiff_t)strlen(src) + 4)
		msg = p + strlen(prefix);
	g_free(prefix);
	return msg;
}

static int report(sb_sandbox *sb, lua_State *co, int status, const char *fallback_src,
                  cg_err *err)
{
	const char *msg = lua_type(co, -1) == LUA_TSTRING || lua_type(co, -1) == LUA_TNUMBER
	                          ? lua_tostring(co, -1)
	                          : NULL;
	char *other = NULL;

	/* A non-string error value is named, not converted: its __tostring
	 * would be more script code to run outside the budget. */
	if (msg == NULL)
		msg = other = g_strdup_printf("error object is a %s value", luaL_typename(co, -1));
	error_where(sb, co);
	if (status == LUA_ERRMEM)
		cg_err_set(err, CG_EINPUT, sb->err_src ? sb->err_src : fallback_src, sb->err_line,
		           sb->err_src ? 1 : 0, "script exceeded its memory limit of %zu bytes",
		           sb->limit);
	else if (status == LUA_YIELD)
		cg_err_set(err, CG_EINPUT, sb->err_src ? sb->err_src : fallback_src, sb->err_line,
		           sb->err_src ? 1 : 0, "scripts cannot yield");
	else if (sb->err_src != NULL)
		cg_err_set(err, CG_EINPUT, sb->err_src, sb->err_line, 1, "%s",
		           strip_where(msg, sb->err_src, sb->err_line));
	else
		cg_err_set(err, CG_EINPUT, fallback_src, 0, 0, "%s", msg);
	g_free(other);
	return 0;
}

/* Calls the function below the `nargs` arguments on top of the stack in a
 * thread of its own rather than with lua_pcall: after an error the thread
 * keeps its frames, so the failing line is known for every kind of error.
 * The thread is kept for the next call while calls succeed, so that the
 * count hook's countdown carries on from call to call. */
static int pcall_h(sb_sandbox *sb, int nargs, int nresults, const char *src, cg_err *err)
{
	lua_State *L = sb->L, *co;
	int base = lua_gettop(L) - nargs; /* index of the function */
	int status, nres = 0;

	if (sb->over_budget) {
		lua_settop(L, base - 1);
		cg_err_set(err, CG_EINPUT, src, 0, 0, "%s", sb->limit_msg);
		return 0;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "clausegen.thread");
	co = lua_tothread(L, -1);
	if (co == NULL || lua_status(co) != LUA_OK || lua_gettop(co) != 0) {
		lua_pop(L, 1);
		co = lua_newthread(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, "clausegen.thread");
	}
	lua_insert(L, base);
	lua_xmove(L, co, nargs + 1);
	sb->in_script = 1;
	status = lua_resume(co, L, nargs, &nres);
	sb->in_script = 0;
	if (status != LUA_OK) {
		report(sb, co, status, src, err);
		lua_settop(co, 0);
		lua_settop(L, base - 1);
		/* The thread is dead: the next call makes a new one. */
		lua_pushnil(L);
		lua_setfield(L, LUA_REGISTRYINDEX, "clausegen.thread");
		return 0;
	}
	if (nresults == LUA_MULTRET)
		nresults = nres;
	if (nres > nresults)
		lua_pop(co, nres - nresults);
	lua_settop(co, nresults);
	if (!lua_checkstack(L, nresults)) {
		lua_settop(co, 0);
		lua_settop(L, base - 1);
		cg_err_set(err, CG_EINPUT, src, 0, 0, "script returned too many values");
		return 0;
	}
	lua_xmove(co, L, nresults);
	lua_remove(L, base);
	return 1;
}

int sb_run_file(sb_sandbox *sb, const char *path, int nargs, int nresults, cg_err *err)
{
	lua_State *L = sb->L;
	char *buf, *chunk;
	size_t len;
	int status;

	if (!util_read_text(path, CG_MAX_FILE_SIZE, &buf, &len, err)) {
		lua_pop(L, nargs);
		return 0;
	}
	g_free(sb->last_script);
	sb->last_script = g_strdup(path);
	chunk = g_strconcat("@", path, NULL);
	/* Mode "t": a precompiled chunk could break the VM's invariants. */
	status = luaL_loadbufferx(L, buf, len, chunk, "t");
	g_free(chunk);
	g_free(buf);
	if (status != LUA_OK) {
		/* Syntax errors read "path:line: msg"; take the line from it. */
		const char *msg = lua_tostring(L, -1);
		int line = 0;
		const char *p = msg ? strstr(msg, path) : NULL;
		if (p != NULL && p[strlen(path)] == ':')
			line = atoi(p + strlen(path) + 1);
		cg_err_set(err, status == LUA_ERRMEM ? CG_ESYS : CG_EINPUT, path, line, 1, "%s",
		           msg ? strip_where(msg, path, line) : "cannot load script");
		lua_pop(L, 1 + nargs);
		return 0;
	}
	lua_insert(L, lua_gettop(L) - nargs);
	return pcall_h(sb, nargs, nresults, path, err);
}

int sb_call(sb_sandbox *sb, int nargs, int nresults, cg_err *err)
{
	lua_State *L = sb->L;
	lua_Debug ar;
	const char *src = NULL;
	char *copy = NULL;
	int r;

	/* The function's own script, for errors Lua gives no position for. */
	if (lua_isfunction(L, -1 - nargs)) {
		lua_pushvalue(L, -1 - nargs);
		if (lua_getinfo(L, ">S", &ar) && ar.source[0] == '@')
			src = copy = g_strdup(ar.source + 1);
	}
	r = pcall_h(sb, nargs, nresults, src ? src : sb->last_script, err);
	g_free(copy);
	return r;
}

/* ---- read-only views ---- */

static int ro_newindex(lua_State *L)
{
	luaL_where(L, 2);
	lua_pushfstring(L, "attempt to change read-only data (field '%s')",
	                luaL_tolstring(L, 2, NULL));
	lua_remove(L, -2);
	lua_concat(L, 2);
	return lua_error(L);
}

/* When the value at `idx` is a view, pushes its metatable and returns 1;
 * otherwise pushes nothing. A view's metatable (unreachable from Lua, see
 * __metatable) has ro_newindex as __newindex. */
static int ro_meta(lua_State *L, int idx)
{
	if (!lua_getmetatable(L, idx))
		return 0;
	lua_getfield(L, -1, "__newindex");
	if (lua_tocfunction(L, -1) == ro_newindex) {
		lua_pop(L, 1);
		return 1;
	}
	lua_pop(L, 2);
	return 0;
}

static int ro_is_view(lua_State *L, int idx)
{
	if (!ro_meta(L, idx))
		return 0;
	lua_pop(L, 1);
	return 1;
}

/* Pushes the table behind the view at `idx` (its metatable's __index). The
 * metamethods are light C functions that find it here rather than closures
 * over it: a view then costs two tables, not two tables and two closures,
 * which matters when a view is built for each of thousands of clauses. */
static void ro_hidden(lua_State *L, int idx)
{
	if (!ro_meta(L, idx))
		luaL_argerror(L, idx, "read-only view expected");
	lua_getfield(L, -1, "__index");
	lua_remove(L, -2);
}

static int ro_len(lua_State *L)
{
	ro_hidden(L, 1);
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

/* The iterator `pairs` returns: next over the hidden table, called with the
 * view itself as its state, so the script never holds the writable table
 * (and handing it anything but a view is an error). */
static int ro_next(lua_State *L)
{
	lua_settop(L, 2);
	ro_hidden(L, 1);
	lua_insert(L, 2);
	if (lua_next(L, 2) == 0) {
		lua_pushnil(L);
		return 1;
	}
	return 2;
}

static int ro_pairs(lua_State *L)
{
	lua_pushcfunction(L, ro_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

void sb_view_metatable(lua_State *L)
{
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
}

void sb_readonly(lua_State *L)
{
	int t = lua_gettop(L);

	if (ro_is_view(L, t))
		return; /* a view shared between views (a section, an empty list) */
	luaL_checkstack(L, 8, "read-only view");
	/* Nested tables first, so that what the view returns is a view too. */
	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		if (lua_type(L, -1) == LUA_TTABLE && !ro_is_view(L, -1)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			sb_readonly(L);
			lua_rawset(L, t);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_newtable(L);            /* the proxy */
	lua_createtable(L, 0, 5);   /* its metatable */
	lua_pushvalue(L, t);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_len);
	lua_setfield(L, -2, "__len");
	lua_pushcfunction(L, ro_pairs);
	lua_setfield(L, -2, "__pairs");
	sb_view_metatable(L);
	lua_setmetatable(L, -2);
	lua_replace(L, t);
}
