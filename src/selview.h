/* selview.h: the read-only clause views the rules get, answered from the
 * loaded source instead of built as Lua tables.
 *
 * A clause built as nested tables (id, marks by table, class and category,
 * conditions, …) costs, for Shinagawa's 4 classes x 10 categories, some
 * twenty tables and forty strings per clause, and the rules read one mark
 * of it. These views are empty proxies sharing one metatable whose C
 * metamethods look the answer up in the sp_source: nothing is built until
 * it is read. To a script they are the same as sb_readonly's views: tables,
 * indexing, pairs, ipairs and # work, writing is an error, rawget and next
 * see nothing, getmetatable says "read-only". */
#ifndef CG_SELVIEW_H
#define CG_SELVIEW_H

#include <lua.h>

#include "spec.h"

/* Pushes the context the clause views of source `s` share. `sections` and
 * `empty` are stack indices of the list of section views (index section +
 * 1) and of the shared empty list view. The source must outlive the Lua
 * state. */
void selview_open(lua_State *L, const sp_source *s, int sections, int empty);

/* Pushes the view of clause `ci` of the source, through the context at
 * stack index `ctx`. */
void selview_push_clause(lua_State *L, int ctx, size_t ci);

/* The largest source the views can address: clause, table and class
 * indices are packed into one Lua integer. */
#define SELVIEW_MAX_CLAUSES ((size_t)1 << 21)
#define SELVIEW_MAX_DIM ((size_t)1 << 20)

/* An attribute value as the rules see it: booleans as Lua booleans. */
void selview_push_value(lua_State *L, const sp_attr *a, const char *v);

#endif
