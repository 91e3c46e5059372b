/* cli.h: the command line (the contract other tools call exactly):
 * sources, categories, classes, select, explain, check, build.
 *
 * Exit codes: 0 success, 1 invalid input (source, contract, script), 2 usage
 * error, 3 I/O or system failure. Errors go to `errf` as
 * `file:line:col: error: message`. */
#ifndef CG_CLI_H
#define CG_CLI_H

#include <stdio.h>

/* Runs one command; output to `out`, diagnostics to `errf`. Reentrant, so
 * that tests can call it many times in one process. */
int cli_main(int argc, char **argv, FILE *out, FILE *errf);

#endif
