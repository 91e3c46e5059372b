/* site.h: the guideline site (`clausegen publish`): static HTML pages that
 * show a source as published, for reading and for choosing clauses.
 *
 *   DIR/index.html                 the sources in the site
 *   DIR/site.css, DIR/site.js      style, and the matrix filter (optional:
 *                                  every page is complete without scripts)
 *   DIR/.clausegen-site            marks DIR as a site publish may replace
 *   DIR/<source>/index.html        the source: metadata, preamble, its
 *                                  clauses in its own order and numbering,
 *                                  the class x category pages
 *   DIR/<source>/clause-<id>.html  one clause: text, conditions, references,
 *                                  its marks in every table, the verdict for
 *                                  every class x category, provenance
 *   DIR/<source>/matrix.html       every clause's marks (the whole table)
 *   DIR/<source>/sel-<key>.html    the clauses `clausegen select` gives for
 *                                  one class x category, with verdict and
 *                                  reason (key: CLASS.CATEGORY, or the one
 *                                  that exists, or "all" when neither)
 *   DIR/<source>/<source>.json, .csv   `clausegen export` of the source
 *   DIR/<source>/guideline.pdf     the whole guideline for print
 *                                  (render_pdf_guideline), when o->pdf
 *
 * Verdicts come from the Lua rules (sel_run) with no attributes set, exactly
 * what `clausegen select --source S --category C --class K` prints; a source
 * with several tables decides by its select_table, and a page adds the
 * verdict by its spec_table for comparison. Page chrome and fixed wording
 * are in templates/site/. Links are relative, nothing is loaded from the
 * network, and the output depends only on the inputs (and
 * SOURCE_DATE_EPOCH, the only date printed). */
#ifndef CG_SITE_H
#define CG_SITE_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "sandbox.h"
#include "spec.h"

/* The file whose presence makes a directory a previous site. */
#define SITE_MARKER ".clausegen-site"

typedef struct {
	const char *dir;        /* the site directory */
	const char *templates;  /* templates/ (the site's are in templates/site/) */
	const char *lua;        /* lua/ */
	const sb_limits *lim;
	int force;              /* replace `dir` even when it is not a site */
	int pdf;                /* write DIR/<source>/guideline.pdf too */
	FILE *warn;             /* warnings (a glyph from a fallback font) */
	int keep_others;        /* keep the other sources of a previous site */
} site_opts;

/* Publishes the sources `srcs` into o->dir. The whole site is built in a
 * staging directory beside it and swapped in when complete, so a failure
 * leaves the previous site as it was. With keep_others, the pages of the
 * sources a previous site holds and `srcs` does not are carried over, and
 * the index lists them all.
 *
 * A directory that exists, is not empty and holds no SITE_MARKER is
 * refused with a CG_EUSAGE error unless o->force. Template and wording
 * errors are CG_EINPUT with their file and line, rule errors as sel_run
 * reports them, I/O failures CG_ESYS. Returns 1 on success. */
int site_publish(const site_opts *o, sp_source *const *srcs, size_t n, cg_err *err);

#endif
