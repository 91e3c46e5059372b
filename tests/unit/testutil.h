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

/* Copies lua/ and templates/, and specs/ when `with_specs`, into dir/root,
 * a root for --root. Returns dir/root (g_free). */
char *tu_copy_root(const char *dir, int with_specs);

/* A file of a fixture: its path under some directory, and its text. */
typedef struct {
	const char *rel, *text;
} tu_file;

/* The sections of a source.yaml five deep, 1 > 1-1 > 1-1-1 > 1-1-1-1 >
 * 1-1-1-1-1, titled 総則, 細則, 細目, 小目 and 微目. */
#define TU_SECTIONS_FIVE_DEEP                                                                     \
	"sections:\n"                                                                              \
	"  - {id: \"1\", number: \"1\", title: 総則, seed_lines: [1, 1]}\n"                        \
	"  - {id: \"1-1\", number: \"1-1\", title: 細則, parent: \"1\", seed_lines: [2, 2]}\n"     \
	"  - {id: \"1-1-1\", number: \"1-1-1\", title: 細目, parent: \"1-1\", seed_lines: [3, 3]}\n" \
	"  - {id: \"1-1-1-1\", number: \"1-1-1-1\", title: 小目, parent: \"1-1-1\", "                \
	"seed_lines: [4, 4]}\n"                                                                   \
	"  - {id: \"1-1-1-1-1\", number: \"1-1-1-1-1\", title: 微目, parent: \"1-1-1-1\", "          \
	"seed_lines: [5, 5]}\n"

/* Writes every file of `files` (ended by { NULL, NULL }) under `dir`. */
void tu_write_files(const char *dir, const tu_file *files);

/* Number of entries in a directory (-1 when it does not exist). */
int tu_count_entries(const char *dir);

/* Fails the test unless dir/name holds exactly `want`. */
void tu_assert_file_text(const char *dir, const char *name, const char *want);

/* Runs a suite and returns the process exit status (0 when all passed). */
int tu_main(Suite *s);

#endif
