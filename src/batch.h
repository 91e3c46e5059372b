/* batch.h: running many independent jobs (contracts to build) on several
 * worker processes, and reporting their progress.
 *
 * Workers are forked, not threads: a job loads YAML, runs a Lua state and
 * renders, and a fault in one job (or its memory) must not reach another.
 * Sources loaded before batch_run are shared copy-on-write. Each job's
 * messages come back to the parent, which prints them in one place so that
 * lines never interleave and a progress bar can be kept on a terminal. */
#ifndef CG_BATCH_H
#define CG_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* What one job reports. The job fills it; batch_run owns the strings. */
typedef struct {
	int status;    /* exit code of the job: 0 ok, else 1..3 (see cli.c) */
	int skipped;   /* 1: up to date, nothing written */
	int lost;      /* 1: its worker died; `error` says how, without a file */
	char *log;     /* lines for the user (g_malloc'd, may be NULL) */
	char *error;   /* the job's error lines, printed again at the end */
} batch_result;

/* Runs job `i`. Called in a worker process when jobs > 1. */
typedef void (*batch_job_fn)(size_t i, void *ud, batch_result *res);

/* Called in the parent for each finished job, in completion order. */
typedef void (*batch_done_fn)(size_t i, const batch_result *res, void *ud);

/* Runs jobs 0..n-1 on `jobs` processes (in this process when jobs <= 1 or
 * n <= 1), calling `done` for each. A job whose worker dies is reported
 * with status 3 and an error saying so. Returns 0 and fills `err` only when
 * the workers cannot be started. */
int batch_run(size_t n, int jobs, batch_job_fn job, void *job_ud, batch_done_fn done,
              void *done_ud, cg_err *err);

/* Progress on stderr: a bar redrawn in place when `fp` is a terminal,
 * nothing otherwise (the job logs are the plain lines then). */
typedef struct batch_progress batch_progress;

batch_progress *batch_progress_new(FILE *fp, size_t total);
/* Prints `text` (whole lines) above the bar, then redraws it. */
void batch_progress_print(batch_progress *p, const char *text);
void batch_progress_step(batch_progress *p, int failed, int skipped);
/* Clears the bar and frees `p`. */
void batch_progress_free(batch_progress *p);

#endif
