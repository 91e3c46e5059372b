/* out.h: writing outputs so that nothing a user might print is ever half
 * written: every file goes to a temporary name in its directory, is flushed
 * and renamed; a contract's whole output directory is built beside the old
 * one and swapped in only when complete. */
#ifndef CG_OUT_H
#define CG_OUT_H

#include <stddef.h>

#include "err.h"

/* mkdir -p. */
int out_mkdirs(const char *dir, cg_err *err);

/* Creates an empty staging directory beside `final_dir` (same file system,
 * so the final rename is atomic). Returns its path (g_free) or NULL. */
char *out_stage_dir(const char *final_dir, cg_err *err);

/* Writes `len` bytes to dir/name through a temporary file, fsync and
 * rename. */
int out_write_file(const char *dir, const char *name, const char *data, size_t len,
                   cg_err *err);

/* Puts the complete staging directory in place of `final_dir`, exchanging
 * them atomically where the file system can, and removes the old one. */
int out_commit_dir(const char *stage, const char *final_dir, cg_err *err);

/* Removes a staging directory and everything in it (after a failure). */
void out_remove_tree(const char *dir);

#endif
