/* fuzz.h: the entry points every fuzz target defines. The same target file
 * is linked either with libFuzzer (-DCLAUSEGEN_FUZZ=ON, clang) or with
 * replay.c, which runs saved inputs through it in the normal test suite. */
#ifndef CG_FUZZ_H
#define CG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Helpers in fuzzutil.c. */

/* The repository root: $CLAUSEGEN_ROOT, else the tree the target was built
 * from. */
const char *fz_root(void);

/* A fresh directory under $TMPDIR, removed at exit. */
char *fz_tmpdir(void);

/* Writes `size` bytes to `path` (aborts on failure: a broken test bed is
 * not a finding). */
void fz_write(const char *path, const uint8_t *data, size_t size);

/* Copies the regular file `from` to `to`. */
void fz_copy(const char *from, const char *to);

/* With $FUZZ_VERBOSE set, prints what became of an input: `ok` when it
 * is not NULL, else the error (for reading a replay, not while fuzzing). */
void fz_report(const char *ok, const cg_err *err);

#endif
