/* render.h: back-ends that walk a selection. Each returns a new string
 * (g_free) holding the whole output, so that a caller can write it
 * atomically or print it; none decides anything about the clauses. */
#ifndef CG_RENDER_H
#define CG_RENDER_H

#include "select.h"

/* `select --format json`: a JSON array, one object per clause with id,
 * number, section, title, text, verdict and reason; only the clauses that go
 * into the documents unless `all`. */
char *render_json_clauses(const sel_result *r, int all);

/* selection.json: the contract, its source (with content hash), counts per
 * verdict and every clause with its verdict and reason. */
char *render_json_selection(const sel_result *r);

/* `select --format text`: one block per clause, for people. */
char *render_text(const sel_result *r, int all);

/* selection.md: the selection as a Markdown report. */
char *render_md_selection(const sel_result *r);

/* The clausegen version written into every output. */
const char *render_version(void);

#endif
