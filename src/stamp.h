/* stamp.h: what a contract's output was built from, so that `build` can
 * leave an unchanged contract alone.
 *
 * A stamp is one SHA-256 over everything that decides the output: the
 * clausegen version, the run's settings, the source (its content hash), the
 * Lua scripts, the templates and the contract file itself. It is written as
 * <output>/<id>/.clausegen-inputs together with the name and size of every
 * file built, so a deleted or truncated output is rebuilt as well. */
#ifndef CG_STAMP_H
#define CG_STAMP_H

#include <stddef.h>

#include "err.h"

#define STAMP_FILE ".clausegen-inputs"

/* SHA-256 (hex, g_free) of every regular file under `dir`, by relative
 * path and content, in sorted order; "" parts for a missing dir. Files that
 * cannot be read make the hash differ from any earlier one (they are hashed
 * by name with an error marker), so a stamp never claims more than it saw. */
char *stamp_hash_tree(const char *dir);

/* The stamp of one contract: `run` is the run-wide part (version, settings,
 * scripts, templates), `source_hash` the source's content hash. Reads the
 * contract file; NULL and `err` when it cannot. g_free. */
char *stamp_contract(const char *run, const char *source_hash, const char *contract_path,
                     cg_err *err);

/* True when dir/STAMP_FILE records `stamp` and every file it lists is
 * there with its recorded size. */
int stamp_is_current(const char *dir, const char *stamp);

/* Writes dir/STAMP_FILE for the files now in `dir` (the staging
 * directory, complete). */
int stamp_write(const char *dir, const char *stamp, cg_err *err);

#endif
