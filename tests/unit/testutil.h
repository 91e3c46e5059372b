/* testutil.h: helpers shared by the Check suites. */
#ifndef CG_TESTUTIL_H
#define CG_TESTUTIL_H

#include <check.h>
#include <stddef.h>

/* Result of running the CLI in-process. */
typedef struct {
	int status;
	char *out;   /* stdout, NUL-terminated (g_free) */
	char *err;   /* stderr */
} tu_run;

/* Runs `clausegen ARGS...` (NULL-terminated) through cli_main. */
tu_run tu_cli(const char *arg0, ...);
void tu_run_free(tu_run *r);

/* A fresh temporary directory (g_free the path; tu_rmtree to remove). */
char *tu_tmpdir(void);
void tu_rmtree(const char *dir);

/* Writes `text` to dir/rel, creating parent directories. Returns the path
 * (g_free). */
char *tu_write(const char *dir, const char *rel, const char *text);

/* Copies the directory tree `from` into `to`. */
void tu_copytree(const char *from, const char *to);

/* Number of entries in a directory (-1 when it does not exist). */
int tu_count_entries(const char *dir);

/* Runs a suite and returns the process exit status (0 when all passed). */
int tu_main(Suite *s);

#endif
