#include "select.h"

#include <glib.h>
#include <lauxlib.h>
#include <string.h>

#include "selview.h"
#include "util.h"

char **sel_scripts(const char *lua_dir, const char *source_id)
{
	GPtrArray *a = g_ptr_array_new();
	char *own, *name;

	g_ptr_array_add(a, g_build_filename(lua_dir, "select.lua", NULL));
	name = g_strconcat(source_id, ".lua", NULL);
	own = g_build_filename(lua_dir, name, NULL);
	g_free(name);
	if (util_is_file(own))
		g_ptr_array_add(a, own);
	else
		g_free(own);
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

int sel_in_documents(sp_verdict v)
{
	return v == V_REQUIRED || v == V_OPTIONAL || v == V_INCLUDED;
}

/* ---- views handed to the scripts (made read-only before use) ---- */

static void set_str(lua_State *L, const char *k, const char *v)
{
	if (v == NULL)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void push_dims(lua_State *L, const sp_dim *d, size_t n)
{
	size_t i;

	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_createtable(L, 0, 2);
		set_str(L, "id", d[i].id);
		set_str(L, "name", d[i].name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void push_source(lua_State *L, const sp_source *s, size_t table)
{
	size_t i, j;

	lua_newtable(L);
	set_str(L, "id", s->id);
	set_str(L, "title", s->title);
	set_str(L, "version", s->version);
	push_dims(L, s->classes, s->nclasses);
	lua_setfield(L, -2, "classes");
	push_dims(L, s->cats, s->ncats);
	lua_setfield(L, -2, "categories");
	lua_createtable(L, (int)s->ntables, 0);
	for (i = 0; i < s->ntables; i++) {
		lua_createtable(L, 0, 2);
		set_str(L, "id", s->tables[i].id);
		set_str(L, "title", s->tables[i].title);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "tables");
	if (s->ntables > 0)
		set_str(L, "select_table", s->tables[table].id);
	lua_newtable(L);
	for (i = 0; i < s->nvocab; i++)
		set_str(L, s->vocab[i].mark, spec_verdict_name(s->vocab[i].verdict));
	lua_setfield(L, -2, "marks");
	set_str(L, "default_verdict", spec_verdict_name(s->default_verdict));
	lua_newtable(L);
	for (i = 0; i < s->nattrs; i++) {
		const sp_attr *a = &s->attrs[i];
		lua_newtable(L);
		set_str(L, "name", a->name);
		set_str(L, "type", a->type == SP_ATTR_BOOL ? "bool" : "enum");
		lua_createtable(L, (int)a->nvalues, 0);
		for (j = 0; j < a->nvalues; j++) {
			lua_pushstring(L, a->values[j]);
			lua_rawseti(L, -2, (lua_Integer)j + 1);
		}
		lua_setfield(L, -2, "values");
		lua_setfield(L, -2, a->id);
	}
	lua_setfield(L, -2, "attributes");
	sb_readonly(L);
}

static void push_choices(lua_State *L, const ct_pair *p, size_t n)
{
	size_t i;

	lua_newtable(L);
	for (i = 0; i < n; i++) {
		if (p[i].value != NULL)
			lua_pushstring(L, p[i].value);
		else
			lua_pushboolean(L, 1);
		lua_setfield(L, -2, p[i].key);
	}
}

static void push_contract(lua_State *L, const ct_contract *c)
{
	const sp_source *s = c->src;
	size_t i;

	lua_newtable(L);
	set_str(L, "id", c->id);
	set_str(L, "title", c->title);
	set_str(L, "source", s->id);
	if (c->category >= 0)
		set_str(L, "category", s->cats[c->category].id);
	if (s->nclasses > 0)
		set_str(L, "class", s->classes[c->klass].id);
	lua_newtable(L);
	for (i = 0; i < s->nattrs; i++)
		if (c->attr_values[i] != NULL) {
			selview_push_value(L, &s->attrs[i], c->attr_values[i]);
			lua_setfield(L, -2, s->attrs[i].id);
		}
	lua_setfield(L, -2, "attributes");
	push_choices(L, c->include, c->ninclude);
	lua_setfield(L, -2, "include");
	push_choices(L, c->exclude, c->nexclude);
	lua_setfield(L, -2, "exclude");
	sb_readonly(L);
}

/* The views of the sections, built once per run (at index section + 1 of a
 * list): every clause view of the section returns the same one
 * (selview.c). */
static void push_sections(lua_State *L, const sp_source *s)
{
	size_t i;

	lua_createtable(L, (int)s->nsections, 0);
	for (i = 0; i < s->nsections; i++) {
		const sp_section *sec = &s->sections[i];
		lua_createtable(L, 0, 3);
		set_str(L, "id", sec->id);
		set_str(L, "number", sec->number);
		set_str(L, "title", sec->title);
		sb_readonly(L);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* Loads the scripts; leaves the rules module (a table with a `verdict`
 * function) on the stack. */
static int load_rules(sb_sandbox *sb, char **scripts, cg_err *err)
{
	lua_State *L = sb_lua(sb);
	size_t i;

	for (i = 0; scripts[i] != NULL; i++) {
		/* Each script gets the module so far (none for the first). */
		int nargs = i > 0 ? 1 : 0;
		if (!sb_run_file(sb, scripts[i], nargs, 1, err))
			return 0;
		if (!lua_istable(L, -1)) {
			cg_err_set(err, CG_EINPUT, scripts[i], 0, 0,
			           "script must return its rules as a table (got %s)",
			           luaL_typename(L, -1));
			lua_pop(L, 1);
			return 0;
		}
	}
	lua_getfield(L, -1, "verdict");
	if (!lua_isfunction(L, -1)) {
		cg_err_set(err, CG_EINPUT, scripts[i - 1], 0, 0,
		           "the rules table has no function 'verdict'");
		lua_pop(L, 2);
		return 0;
	}
	lua_pop(L, 1);
	return 1;
}

/* Where the verdict function was defined, for messages about its result. */
static void fn_where(lua_State *L, int idx, char **src, int *line)
{
	lua_Debug ar;

	*src = NULL;
	*line = 0;
	lua_pushvalue(L, idx);
	if (lua_getinfo(L, ">S", &ar) && ar.source[0] == '@') {
		*src = g_strdup(ar.source + 1);
		*line = ar.linedefined;
	}
}

sel_result *sel_run(const ct_contract *ct, const char *lua_dir, const sb_limits *lim,
                    cg_err *err)
{
	return sel_run_table(ct, lua_dir, lim, -1, err);
}

sel_result *sel_run_table(const ct_contract *ct, const char *lua_dir, const sb_limits *lim,
                          int table, cg_err *err)
{
	const sp_source *s = ct->src;
	sel_result *r = g_new0(sel_result, 1);
	char **scripts = sel_scripts(lua_dir, s->id);
	sb_sandbox *sb = sb_new(lim, err);
	lua_State *L;
	int rules, vfn, src_v, ct_v, sec_v, empty_v, cv;
	size_t i;

	r->src = s;
	r->ct = ct;
	r->items = g_new0(sel_item, s->nclauses);
	if (sb == NULL)
		goto fail;
	if (s->nclauses >= SELVIEW_MAX_CLAUSES || s->ntables >= SELVIEW_MAX_DIM ||
	    s->nclasses >= SELVIEW_MAX_DIM) {
		cg_err_set(err, CG_EINPUT, s->file, 0, 0,
		           "source too large for the rules: %zu clauses, %zu tables, %zu classes",
		           s->nclauses, s->ntables, s->nclasses);
		goto fail;
	}
	L = sb_lua(sb);
	if (!load_rules(sb, scripts, err))
		goto fail;
	rules = lua_gettop(L);
	/* The verdict function is taken once: a script that replaces
	 * M.verdict while deciding (fuzz_verdict found `M.verdict, e =
	 * pcall(…)`) must not make the next call a call of a boolean. */
	lua_getfield(L, rules, "verdict");
	vfn = lua_gettop(L);
	push_source(L, s, table >= 0 ? (size_t)table : s->select_table);
	src_v = lua_gettop(L);
	push_contract(L, ct);
	ct_v = lua_gettop(L);
	push_sections(L, s);
	sec_v = lua_gettop(L);
	lua_newtable(L);
	sb_readonly(L);
	empty_v = lua_gettop(L);
	selview_open(L, s, sec_v, empty_v);
	cv = lua_gettop(L);
	for (i = 0; i < s->nclauses; i++) {
		const sp_clause *c = &s->clauses[i];
		const char *v, *why;
		int vd;

		lua_pushvalue(L, vfn);
		selview_push_clause(L, cv, i);
		lua_pushvalue(L, ct_v);
		lua_pushvalue(L, src_v);
		if (!sb_call(sb, 3, 2, err))
			goto fail;
		v = lua_tostring(L, -2);
		why = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		vd = lua_type(L, -2) == LUA_TSTRING ? spec_verdict_parse(v) : -1;
		if (vd < 0 || why == NULL || why[0] == '\0') {
			char *src;
			int line;
			fn_where(L, vfn, &src, &line);
			if (vd < 0)
				cg_err_set(err, CG_EINPUT, src ? src : scripts[0], line, 1,
				           "verdict() returned %s%s%s for clause '%s'; expected \"required\", \"optional\", \"not-applicable\" or \"included\"",
				           lua_type(L, -2) == LUA_TSTRING ? "'" : "",
				           lua_type(L, -2) == LUA_TSTRING ? v : luaL_typename(L, -2),
				           lua_type(L, -2) == LUA_TSTRING ? "'" : "", c->id);
			else
				cg_err_set(err, CG_EINPUT, src ? src : scripts[0], line, 1,
				           "verdict() returned no reason for clause '%s'; return the verdict and a text saying why",
				           c->id);
			g_free(src);
			goto fail;
		}
		r->items[i].clause = c;
		r->items[i].verdict = (sp_verdict)vd;
		r->items[i].reason = g_strdup(why);
		r->n++;
		lua_pop(L, 2);
	}
	sb_free(sb);
	g_strfreev(scripts);
	return r;
fail:
	sb_free(sb);
	g_strfreev(scripts);
	sel_free(r);
	return NULL;
}

void sel_free(sel_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		g_free(r->items[i].reason);
	g_free(r->items);
	g_free(r);
}
