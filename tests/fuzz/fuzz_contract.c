/* fuzz_contract.c: the contract loader (contract_load and contract_bind)
 * on hostile text, and the selection of a contract that binds.
 *
 * The input is written as one contract file; the four bundled sources are
 * loaded once, and a contract that loads is bound against the one it names.
 * One that binds runs through the real lua/select.lua, so that whatever a
 * contract can say reaches the scripts as the loader left it. */
#include "fuzz.h"

#include <glib.h>
#include <string.h>

#include "contract.h"
#include "err.h"
#include "select.h"
#include "spec.h"

static const char *const sources[] = { "shinagawa", "nisc", "funabashi-contract",
	                               "funabashi-cloud" };
static sp_source *loaded[4];
static char *path, *lua_dir;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *tmp = fz_tmpdir();
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < 4; i++) {
		char *dir = g_build_filename(fz_root(), "specs", sources[i], NULL);
		cg_err err = { 0 };
		loaded[i] = spec_load(dir, &err);
		if (loaded[i] == NULL) {
			cg_err_print(&err, stderr);
			abort();
		}
		g_free(dir);
	}
	path = g_build_filename(tmp, "contract.yaml", NULL);
	lua_dir = g_build_filename(fz_root(), "lua", NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_err err = { 0 };
	ct_contract *c;
	size_t i;

	fz_write(path, data, size);
	c = contract_load(path, &err);
	if (c == NULL) {
		if (!cg_err_isset(&err) || err.msg == NULL)
			__builtin_trap();
		goto out;
	}
	for (i = 0; i < 4; i++)
		if (strcmp(c->source_id, loaded[i]->id) == 0)
			break;
	if (i < 4 && contract_bind(c, loaded[i], &err)) {
		sb_limits lim = { 16u * 1024 * 1024, 20000000 };
		sel_result *r = sel_run(c, lua_dir, &lim, &err);
		/* The real rules decide every clause of any contract that binds. */
		if (r == NULL || r->n != loaded[i]->nclauses) {
			cg_err_print(&err, stderr);
			__builtin_trap();
		}
		sel_free(r);
		fz_report("selected", &err);
	}
out:
	if (cg_err_isset(&err))
		fz_report(NULL, &err);
	contract_free(c);
	cg_err_clear(&err);
	return 0;
}
