/* out.h: writing outputs so that nothing a user might print is ever half
 * written: every file goes to a temporary name in its directory, is flushed
 * and renamed; a contract's whole output directory is built beside the old
 * one and swapped in only when complete. */
#ifndef CG_OUT_H
#define CG_OUT_H

#include <stddef.h>

#include <sys/types.h>

#include "err.h"

/* mkdir -p. */
int out_mkdirs(const char *dir, cg_err *err);

/* Creates an empty staging directory beside `final_dir` (same file system,
 * so the final rename is atomic). Returns its path (g_free) or NULL. */
char *out_stage_dir(const char *final_dir, cg_err *err);

/* Writes `len` bytes to dir/name: through a temporary file, fsync and
 * rename; in a staging directory (out_stage_dir) straight under its name,
 * flushed when the directory is committed. */
int out_write_file(const char *dir, const char *name, const char *data, size_t len,
                   cg_err *err);

/* Puts the complete staging directory in place of `final_dir`, exchanging
 * them atomically where the file system can, and removes the old one. */
int out_commit_dir(const char *stage, const char *final_dir, cg_err *err);

/* Removes a staging directory and everything in it (after a failure). */
void out_remove_tree(const char *dir);

/* Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGPIPE that remove
 * this process's staging directories and temporary files still in flight
 * and then die of the same signal, so that an interrupted build leaves the
 * previous outputs as they were and nothing stray beside them. For the
 * program's main(), not for library users. */
void out_install_signal_cleanup(void);

/* Worker processes the handlers pass the signal on to (SIGTERM for a
 * SIGPIPE) before dying: without it, a SIGTERM sent to the parent of
 * `build -j` alone left its workers finishing their contracts after it.
 * out_watch_child registers a forked child; out_reap_child waits for it
 * and forgets it with the signals held off, so that the handler never
 * signals a pid that has been reaped and may be reused; it returns
 * waitpid's status. out_forget_children empties the list in a child that
 * was just forked (its siblings are not its business). */
void out_watch_child(pid_t pid);
int out_reap_child(pid_t pid);
void out_forget_children(void);

/* What the handlers do before dying: removes every staging directory and
 * temporary file of this process still in flight, with system calls only
 * (async-signal-safe). Their entries stay registered; for tests. */
void out_cleanup_inflight(void);

/* Test hooks (docs/hardening.md), read from the environment once:
 *  CLAUSEGEN_TEST_INJECT=OP:N:ERRNO  the N-th (1-based) operation OP of this
 *      process fails with errno ERRNO (a number or ENOSPC, EROFS, EACCES,
 *      EIO, EDQUOT); OP is stage (creating a staging directory), create
 *      (a temporary file), write, fsync or rename.
 *  CLAUSEGEN_TEST_SLOW_MS=MS  sleep MS milliseconds after each file is
 *      written, so that a test can interrupt a build in the middle.
 * out_test_inject sets the first one from a test in-process (op NULL: off). */
void out_test_inject(const char *op, unsigned long nth, int errnum);

#endif
