/* select.h: runs the Lua rules over every clause of a contract's source and
 * keeps one verdict and reason per clause, in document order.
 *
 * The selection is the one place where a contract's clauses are decided;
 * every renderer reads it and none decides again. */
#ifndef CG_SELECT_H
#define CG_SELECT_H

#include <stddef.h>

#include "contract.h"
#include "err.h"
#include "sandbox.h"
#include "spec.h"

typedef struct {
	const sp_clause *clause;
	sp_verdict verdict;
	char *reason;
} sel_item;

typedef struct {
	const sp_source *src;
	const ct_contract *ct;
	sel_item *items;    /* one per clause of the source, in its order */
	size_t n;
} sel_result;

/* Paths of the scripts that decide for `src`: lua_dir/select.lua and, when
 * it exists, lua_dir/<source-id>.lua. NULL-terminated; g_strfreev. */
char **sel_scripts(const char *lua_dir, const char *source_id);

/* Decides every clause for the bound contract `ct`. Script errors and
 * results that are not a verdict with a reason are reported with the
 * script's file and line. The result borrows `ct` and its source. */
sel_result *sel_run(const ct_contract *ct, const char *lua_dir, const sb_limits *lim,
                    cg_err *err);
/* The same deciding by table `table` of the source instead of its
 * select_table (the procurement spec announces from its own table); -1 for
 * the source's default. */
sel_result *sel_run_table(const ct_contract *ct, const char *lua_dir, const sb_limits *lim,
                          int table, cg_err *err);
void sel_free(sel_result *r);

/* True for the verdicts whose clauses go into the documents: required,
 * optional and included. */
int sel_in_documents(sp_verdict v);

#endif
