/* fuzz_verdict.c: the Lua verdict bridge (sandbox.c and select.c) on
 * hostile scripts.
 *
 * The input is a selection script, run as lua/select.lua against the real
 * NISC source and the contract nisc-asp-yoyaku, with lowered limits so that
 * an endless loop costs milliseconds. Whatever the script does, the bridge
 * must return a full selection or an error naming a file, never crash, leak
 * or escape. */
#include "fuzz.h"

#include <glib.h>
#include <string.h>

#include "contract.h"
#include "err.h"
#include "select.h"
#include "spec.h"

static sp_source *src;
static ct_contract *ct;
static char *lua_dir, *script;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	cg_err err = { 0 };
	char *dir, *cpath;

	(void)argc;
	(void)argv;
	dir = g_build_filename(fz_root(), "specs", "nisc", NULL);
	cpath = g_build_filename(fz_root(), "specs", "contracts", "nisc-asp-yoyaku.yaml", NULL);
	src = spec_load(dir, &err);
	ct = src ? contract_load(cpath, &err) : NULL;
	if (ct == NULL || !contract_bind(ct, src, &err)) {
		cg_err_print(&err, stderr);
		abort();
	}
	g_free(dir);
	g_free(cpath);
	lua_dir = fz_tmpdir();
	script = g_build_filename(lua_dir, "select.lua", NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_err err = { 0 };
	sb_limits lim = { 4u * 1024 * 1024, 2000000 };
	sel_result *r;

	fz_write(script, data, size);
	r = sel_run(ct, lua_dir, &lim, &err);
	if (r == NULL) {
		if (!cg_err_isset(&err) || err.msg == NULL || err.file == NULL)
			__builtin_trap();
	} else {
		size_t i;
		if (r->n != src->nclauses)
			__builtin_trap();
		for (i = 0; i < r->n; i++)
			if (r->items[i].reason == NULL || (int)r->items[i].verdict < 0 ||
			    r->items[i].verdict >= V_COUNT)
				__builtin_trap();
	}
	fz_report(r != NULL ? "selected" : NULL, &err);
	sel_free(r);
	cg_err_clear(&err);
	return 0;
}
