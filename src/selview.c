#include "selview.h"

#include <glib.h>
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "sandbox.h"

/* What a proxy stands for, packed into the integer the weak map `ids`
 * holds for it: the kind in the low 2 bits, then the class row, the table
 * and the clause. The proxy itself stays an empty table, so rawget, next
 * and rawlen find nothing in it, as with sb_readonly's views. */
enum { K_CLAUSE, K_MARKS, K_ROWS, K_CATS };

#define CODE(kind, ci, t, k) \
	((((((lua_Integer)(ci) << 20) | (lua_Integer)(t)) << 20) | (lua_Integer)(k)) << 2 | (kind))
#define CODE_KIND(c) ((int)((c) & 3))
#define CODE_K(c) ((size_t)(((c) >> 2) & 0xFFFFF))
#define CODE_T(c) ((size_t)(((c) >> 22) & 0xFFFFF))
#define CODE_CI(c) ((size_t)((c) >> 42))

/* Upvalues of the metamethods (one set per context). */
enum { UV_SRC = 1, UV_IDS, UV_SECS, UV_EMPTY, UV_KEYS, UV_CONDS, UV_META, UV_N = UV_META };

/* Where the key -> entry maps of each kind of view are in UV_KEYS: one for
 * the clause's fields, table ids, class ids, then one of category ids per
 * table (its columns). */
enum { KEYS_CLAUSE = 1, KEYS_MARKS, KEYS_ROWS, KEYS_CATS };

/* The clause view's keys, in the order pairs gives them. */
static const char *const clause_keys[] = {
	"id", "number", "title", "section", "marks", "when", "unless", "verdict", "appendices",
	NULL
};

void selview_push_value(lua_State *L, const sp_attr *a, const char *v)
{
	if (a->type == SP_ATTR_BOOL)
		lua_pushboolean(L, strcmp(v, "true") == 0);
	else
		lua_pushstring(L, v);
}

/* A new proxy for `code`, from inside a metamethod (upvalues at hand). */
static void push_proxy(lua_State *L, lua_Integer code)
{
	lua_createtable(L, 0, 0);
	lua_pushvalue(L, lua_upvalueindex(UV_META));
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_pushinteger(L, code);
	lua_rawset(L, lua_upvalueindex(UV_IDS));
}

/* The code of the proxy at `idx`; an argument error for anything else (the
 * iterator pairs returns can be called with any value). */
static lua_Integer view_code(lua_State *L, int idx)
{
	lua_Integer code;
	int isnum;

	lua_pushvalue(L, idx);
	lua_rawget(L, lua_upvalueindex(UV_IDS));
	code = lua_tointegerx(L, -1, &isnum);
	lua_pop(L, 1);
	if (!isnum)
		luaL_argerror(L, idx, "read-only view expected");
	return code;
}

static const sp_source *source(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(UV_SRC));
}

/* Pushes the text that identifies a list of conditions (each attribute's
 * index and values, NUL-separated) and returns 1, or returns 0 and pushes
 * nothing when it would not fit the buffer. */
static int push_conds_key(lua_State *L, const sp_cond *cd, size_t n)
{
	char buf[512];
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		int w = snprintf(buf + k, sizeof buf - k, "%zu", cd[i].attr);
		if (w < 0 || (size_t)w + 1 >= sizeof buf - k)
			return 0;
		k += (size_t)w + 1; /* the NUL snprintf wrote is the separator */
		for (j = 0; j < cd[i].nvalues; j++) {
			size_t len = strlen(cd[i].values[j]);
			if (len + 2 >= sizeof buf - k)
				return 0;
			memcpy(buf + k, cd[i].values[j], len + 1);
			k += len + 1;
		}
		buf[k++] = '\n'; /* ends a condition: no value holds one */
	}
	lua_pushlstring(L, buf, k);
	return 1;
}

/* A list of conditions, as {attr = id, values = {…}} views. Clauses with
 * the same conditions share one view, built once per run (UV_CONDS): a
 * list of read-only tables costs some 20,000 instructions to build, and a
 * source has few distinct lists. Views are read-only, so sharing one is
 * sharing a value, as with the sections and the empty list. */
static void push_conds(lua_State *L, const sp_source *s, const sp_cond *cd, size_t n)
{
	size_t i, j;
	int keyed;

	if (n == 0) {
		lua_pushvalue(L, lua_upvalueindex(UV_EMPTY));
		return;
	}
	keyed = push_conds_key(L, cd, n);
	if (keyed) {
		lua_pushvalue(L, -1);
		if (lua_rawget(L, lua_upvalueindex(UV_CONDS)) != LUA_TNIL) {
			lua_remove(L, -2);
			return;
		}
		lua_pop(L, 1); /* the key stays, under the view to come */
	}
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_createtable(L, 0, 2);
		lua_pushstring(L, s->attrs[cd[i].attr].id);
		lua_setfield(L, -2, "attr");
		lua_createtable(L, (int)cd[i].nvalues, 0);
		for (j = 0; j < cd[i].nvalues; j++) {
			selview_push_value(L, &s->attrs[cd[i].attr], cd[i].values[j]);
			lua_rawseti(L, -2, (lua_Integer)j + 1);
		}
		lua_setfield(L, -2, "values");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	sb_readonly(L);
	if (keyed) {
		lua_pushvalue(L, -2);
		lua_pushvalue(L, -2);
		lua_rawset(L, lua_upvalueindex(UV_CONDS));
		lua_remove(L, -2);
	}
}

static void push_apps(lua_State *L, const sp_source *s, const sp_clause *c)
{
	size_t i;

	if (c->napps == 0) {
		lua_pushvalue(L, lua_upvalueindex(UV_EMPTY));
		return;
	}
	lua_createtable(L, (int)c->napps, 0);
	for (i = 0; i < c->napps; i++) {
		lua_pushstring(L, s->apps[c->apps[i]].id);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	sb_readonly(L);
}

/* Pushes field `key` (clause_keys index) of clause `c` (nil when absent). */
static void clause_field(lua_State *L, const sp_source *s, size_t ci, int key)
{
	const sp_clause *c = &s->clauses[ci];

	switch (key) {
	case 0:
		lua_pushstring(L, c->id);
		break;
	case 1:
		lua_pushstring(L, c->number);
		break;
	case 2:
		lua_pushstring(L, spec_clause_title(s, c));
		break;
	case 3:
		lua_rawgeti(L, lua_upvalueindex(UV_SECS), (lua_Integer)c->section + 1);
		break;
	case 4:
		push_proxy(L, CODE(K_MARKS, ci, 0, 0));
		break;
	case 5:
		push_conds(L, s, c->when, c->nwhen);
		break;
	case 6:
		push_conds(L, s, c->unless, c->nunless);
		break;
	case 7:
		if (c->verdict >= 0)
			lua_pushstring(L, spec_verdict_name((sp_verdict)c->verdict));
		else
			lua_pushnil(L);
		break;
	default:
		push_apps(L, s, c);
		break;
	}
}

/* Number of entries of a view of `kind` (keys 0 .. n-1, some absent). */
static size_t entries(const sp_source *s, int kind, size_t t)
{
	switch (kind) {
	case K_CLAUSE:
		return G_N_ELEMENTS(clause_keys) - 1;
	case K_MARKS:
		return s->ntables;
	case K_ROWS:
		return s->nclasses;
	default:
		return s->tables[t].ncols;
	}
}

static const char *entry_key(const sp_source *s, int kind, size_t t, size_t i)
{
	switch (kind) {
	case K_CLAUSE:
		return clause_keys[i];
	case K_MARKS:
		return s->tables[i].id;
	case K_ROWS:
		return s->classes[i].id;
	default:
		return s->cats[s->tables[t].cols[i]].id;
	}
}

/* Pushes the value of entry `i` of the view `code`; pushes nil and returns
 * 0 when the view has no such entry (a clause without a row in a table, a
 * mark left empty, a clause field the clause does not have). */
static int entry_value(lua_State *L, const sp_source *s, lua_Integer code, size_t i)
{
	size_t ci = CODE_CI(code), t = CODE_T(code), k = CODE_K(code);
	const sp_clause *c = &s->clauses[ci];

	switch (CODE_KIND(code)) {
	case K_CLAUSE:
		clause_field(L, s, ci, (int)i);
		break;
	case K_MARKS:
		if (c->marks[i] == NULL)
			lua_pushnil(L);
		else if (s->nclasses > 0)
			push_proxy(L, CODE(K_ROWS, ci, i, 0));
		else
			push_proxy(L, CODE(K_CATS, ci, i, 0));
		break;
	case K_ROWS:
		push_proxy(L, CODE(K_CATS, ci, t, i));
		break;
	default:
		lua_pushstring(L, c->marks[t][k * s->tables[t].ncols + i]);
		break;
	}
	return !lua_isnil(L, -1);
}

/* The clause_keys index of the field named by `k` (`n` bytes, which may
 * hold a NUL), or -1, with no call into Lua: a clause's fields are most of
 * the reads a script makes. */
static long clause_key(const char *k, size_t n)
{
	size_t i;

	for (i = 0; clause_keys[i] != NULL; i++)
		if (clause_keys[i][0] == k[0] && strlen(clause_keys[i]) == n &&
		    memcmp(clause_keys[i], k, n) == 0)
			return (long)i;
	return -1;
}

/* Index of `key` among the entries of the view, or -1: for a table, class
 * or category id one lookup in the map of its kind (comparing the key with
 * each entry through Lua was most of the cost of reading a view). */
static long find_entry(lua_State *L, lua_Integer code, int key)
{
	static const int slot[] = { KEYS_CLAUSE, KEYS_MARKS, KEYS_ROWS, KEYS_CATS };
	int kind = CODE_KIND(code);
	lua_Integer i;

	if (lua_type(L, key) != LUA_TSTRING)
		return -1;
	if (kind == K_CLAUSE) {
		size_t n;
		const char *k = lua_tolstring(L, key, &n);
		return clause_key(k, n);
	}
	lua_rawgeti(L, lua_upvalueindex(UV_KEYS),
	            slot[kind] + (kind == K_CATS ? (lua_Integer)CODE_T(code) : 0));
	lua_pushvalue(L, key);
	lua_rawget(L, -2);
	i = lua_tointeger(L, -1); /* 0 when absent */
	lua_pop(L, 2);
	return (long)i - 1;
}

/* clause:mark(table, class, category): the clause's mark in that table,
 * class row (nil for a source without classes) and category column, as
 * clause.marks[table][class][category] gives it, in one call instead of
 * three views made and read; false when the clause has no row in the
 * table, nil when there is no such mark. Not a field: pairs does not list
 * it (select.lua documents the views). */
static int cv_mark(lua_State *L)
{
	const sp_source *s = source(L);
	lua_Integer code = view_code(L, 1);
	size_t ci, k = 0;
	long t, i;
	const sp_clause *c;

	if (CODE_KIND(code) != K_CLAUSE)
		return luaL_argerror(L, 1, "clause view expected");
	ci = CODE_CI(code);
	c = &s->clauses[ci];
	t = find_entry(L, CODE(K_MARKS, ci, 0, 0), 2);
	if (t < 0 || c->marks[t] == NULL) {
		lua_pushboolean(L, 0);
		return 1;
	}
	if (s->nclasses > 0) {
		i = find_entry(L, CODE(K_ROWS, ci, (size_t)t, 0), 3);
		if (i < 0) {
			lua_pushnil(L);
			return 1;
		}
		k = (size_t)i;
	}
	code = CODE(K_CATS, ci, (size_t)t, k);
	i = find_entry(L, code, 4);
	if (i < 0)
		lua_pushnil(L);
	else
		entry_value(L, s, code, (size_t)i);
	return 1;
}

static int cv_index(lua_State *L)
{
	const sp_source *s = source(L);
	lua_Integer code = view_code(L, 1);
	long i = find_entry(L, code, 2);

	if (i >= 0) {
		entry_value(L, s, code, (size_t)i);
	} else if (CODE_KIND(code) == K_CLAUSE && lua_type(L, 2) == LUA_TSTRING &&
	           strcmp(lua_tostring(L, 2), "mark") == 0) {
		lua_getfield(L, lua_upvalueindex(UV_META), "__mark");
	} else {
		lua_pushnil(L);
	}
	return 1;
}

/* next() over a view: the entry after the key at 2 that the view has. */
static int cv_next(lua_State *L)
{
	const sp_source *s = source(L);
	lua_Integer code = view_code(L, 1);
	size_t i = 0, n = entries(s, CODE_KIND(code), CODE_T(code));

	if (!lua_isnoneornil(L, 2)) {
		long at = find_entry(L, code, 2);
		if (at < 0)
			return luaL_error(L, "invalid key to 'next'");
		i = (size_t)at + 1;
	}
	for (; i < n; i++) {
		lua_pushstring(L, entry_key(s, CODE_KIND(code), CODE_T(code), i));
		if (entry_value(L, s, code, i))
			return 2;
		lua_pop(L, 2);
	}
	lua_pushnil(L);
	return 1;
}

static int cv_pairs(lua_State *L)
{
	view_code(L, 1);
	lua_pushvalue(L, lua_upvalueindex(UV_META));
	lua_getfield(L, -1, "__next");
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* No view of a clause has a list part. */
static int cv_len(lua_State *L)
{
	view_code(L, 1);
	lua_pushinteger(L, 0);
	return 1;
}

static void set_method(lua_State *L, int meta, const char *name, lua_CFunction fn)
{
	int i;

	for (i = UV_SRC; i <= UV_N; i++)
		lua_pushvalue(L, -UV_N);
	lua_pushcclosure(L, fn, UV_N);
	lua_setfield(L, meta, name);
}

/* Pushes a map from each key of a kind of view to its entry index + 1. */
static void push_keys(lua_State *L, const sp_source *s, int kind, size_t t)
{
	size_t i, n = entries(s, kind, t);

	lua_createtable(L, 0, (int)n);
	for (i = 0; i < n; i++) {
		lua_pushinteger(L, (lua_Integer)i + 1);
		lua_setfield(L, -2, entry_key(s, kind, t, i));
	}
}

void selview_open(lua_State *L, const sp_source *s, int sections, int empty)
{
	int meta;
	size_t t;

	sections = lua_absindex(L, sections);
	empty = lua_absindex(L, empty);
	luaL_checkstack(L, 16, "clause views");
	lua_createtable(L, 2, 0);           /* the context: {metatable, ids} */
	lua_createtable(L, 0, 8);
	meta = lua_gettop(L);
	/* The upvalues, in order, for set_method to copy. */
	lua_pushlightuserdata(L, (void *)s);
	/* ids: proxy -> code, weak keys. Sized for the run's clause views
	 * (one per clause; views of marks, which clause:mark spares the
	 * generic rules, grow it): grown by rehashing from empty, it was
	 * rebuilt a dozen times in a run (luaH_resize, 3 % of the rules). */
	lua_createtable(L, 0, (int)s->nclauses + 16);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_pushvalue(L, sections);
	lua_pushvalue(L, empty);
	lua_createtable(L, (int)s->ntables + KEYS_CATS, 0);
	push_keys(L, s, K_CLAUSE, 0);
	lua_rawseti(L, -2, KEYS_CLAUSE);
	push_keys(L, s, K_MARKS, 0);
	lua_rawseti(L, -2, KEYS_MARKS);
	push_keys(L, s, K_ROWS, 0);
	lua_rawseti(L, -2, KEYS_ROWS);
	for (t = 0; t < s->ntables; t++) {
		push_keys(L, s, K_CATS, t);
		lua_rawseti(L, -2, KEYS_CATS + (lua_Integer)t);
	}
	lua_createtable(L, 0, 0);           /* conds: key text -> shared view */
	lua_pushvalue(L, meta);
	set_method(L, meta, "__index", cv_index);
	set_method(L, meta, "__len", cv_len);
	set_method(L, meta, "__pairs", cv_pairs);
	/* Kept in the metatable for __pairs to hand out; the metatable
	 * itself is out of the scripts' reach (__metatable). */
	set_method(L, meta, "__next", cv_next);
	set_method(L, meta, "__mark", cv_mark);
	lua_pushvalue(L, meta);
	sb_view_metatable(L);
	lua_pop(L, 1);
	lua_pushvalue(L, -UV_N + 1);        /* ids */
	lua_rawseti(L, meta - 1, 2);
	lua_pop(L, UV_N);
	lua_rawseti(L, -2, 1);              /* the metatable */
}

void selview_push_clause(lua_State *L, int ctx, size_t ci)
{
	ctx = lua_absindex(L, ctx);
	lua_createtable(L, 0, 0);
	lua_rawgeti(L, ctx, 1);
	lua_setmetatable(L, -2);
	lua_rawgeti(L, ctx, 2);
	lua_pushvalue(L, -2);
	lua_pushinteger(L, CODE(K_CLAUSE, ci, 0, 0));
	lua_rawset(L, -3);
	lua_pop(L, 1);
}
