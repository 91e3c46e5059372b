/* err.h: the error record every loader fills, and its printing.
 *
 * Functions that can fail take a `cg_err *` and return 0/NULL on failure after
 * filling it (libyaml's problem_mark idea). Only the first error is kept: later
 * calls to cg_err_set on a filled record are ignored, so the message a user sees
 * names the root cause, not its consequences. */
#ifndef CG_ERR_H
#define CG_ERR_H

#include <stdarg.h>
#include <stdio.h>

/* The kind decides the exit code (see cli.c): the CLI contract. */
typedef enum {
	CG_OK = 0,
	CG_EINPUT = 1, /* invalid source, contract or script */
	CG_EUSAGE = 2, /* bad command line */
	CG_ESYS = 3    /* I/O or system failure */
} cg_errkind;

typedef struct cg_err {
	cg_errkind kind;
	char *file;  /* NULL when the error has no file */
	int line;    /* 1-based; 0 when unknown */
	int col;     /* 1-based; 0 when unknown */
	char *msg;
} cg_err;

#if defined(__GNUC__)
#define CG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CG_PRINTF(a, b)
#endif

/* Fills `e` unless it already holds an error. `file` is copied. */
void cg_err_set(cg_err *e, cg_errkind kind, const char *file, int line, int col,
                const char *fmt, ...) CG_PRINTF(6, 7);

/* The same with a va_list, for wrappers that add a position. */
void cg_err_vset(cg_err *e, cg_errkind kind, const char *file, int line, int col,
                 const char *fmt, va_list ap) CG_PRINTF(6, 0);

/* True when `e` holds an error. */
int cg_err_isset(const cg_err *e);

/* Prints `file:line:col: error: msg` (or `clausegen: error: msg` without a
 * file) followed by a newline. */
void cg_err_print(const cg_err *e, FILE *fp);

/* Frees the strings and resets the record to "no error". */
void cg_err_clear(cg_err *e);

#endif
