/* sandbox.h: a Lua 5.4 state for selection scripts that may come from
 * another city: capped memory, an instruction budget that stays armed, and
 * only the safe parts of base, string, table, math and utf8.
 *
 * Scripts are loaded as text only (no precompiled bytecode). Errors carry
 * the script's path and line, found from the stack rather than parsed from
 * the message, so a long path is never cut. */
#ifndef CG_SANDBOX_H
#define CG_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct {
	size_t mem_limit;      /* bytes; 0: default 64 MiB */
	uint64_t instr_limit;  /* VM instructions; 0: default 200 million */
} sb_limits;

typedef struct sb_sandbox sb_sandbox;

/* A new sandbox; NULL with `err` filled when Lua cannot start. */
sb_sandbox *sb_new(const sb_limits *lim, cg_err *err);
void sb_free(sb_sandbox *sb);

lua_State *sb_lua(sb_sandbox *sb);

/* Loads the text chunk at `path` (shown as `path` in messages) and calls it
 * with the `nargs` values on top of the stack, leaving `nresults` results.
 * On failure the stack is restored and `err` names the script and line. */
int sb_run_file(sb_sandbox *sb, const char *path, int nargs, int nresults, cg_err *err);

/* Calls the function below the `nargs` arguments on top of the stack, as
 * lua_pcall does, reporting errors as above. */
int sb_call(sb_sandbox *sb, int nargs, int nresults, cg_err *err);

/* Replaces the table on top of the stack by a read-only view of it, nested
 * tables included: writes raise an error naming the script line, pairs, ipairs
 * and # work, and the underlying table cannot be reached. A view (on top, or
 * nested) is left as it is, so one view can be shared by many others. */
void sb_readonly(lua_State *L);

/* Makes the table on top of the stack the metatable of a read-only view
 * whose __index, __len and __pairs the caller provides (selview.c): sets
 * the __newindex that refuses writes as sb_readonly's views do (and by which
 * sb_readonly knows a view) and hides the metatable from getmetatable. */
void sb_view_metatable(lua_State *L);

/* Bytes currently allocated and the most ever allocated, for tests. */
size_t sb_mem_used(const sb_sandbox *sb);
size_t sb_mem_peak(const sb_sandbox *sb);

/* Makes the allocator fail from the `n`-th allocation on (0: never), so
 * that out-of-memory paths are tested, not hoped for (Lua's ltests idea). */
void sb_fail_after(sb_sandbox *sb, unsigned long n);

#endif
