/* pdfmod.h: the PDF back-end as a loadable module, clausegen-pdf.so.
 *
 * cairo, pango and fontconfig bring some 35 shared libraries (X11, xcb,
 * harfbuzz, freetype, pixman, png, ...) whose mapping is most of the
 * program's start-up time, while most runs (HTML builds, select, export,
 * check) draw no PDF. So pdf.c, render_pdf.c and pdf_checklist.c are built
 * into a module that exports one table, cg_pdf_backend, and the program
 * loads it the first time a PDF is drawn. The module calls back into the
 * program's core (ynode, tmpl, out, ...): the program exports exactly
 * those functions (src/pdfmod.dynlist).
 *
 * The unit suites link the back-end in (it then defines the table itself)
 * and pdfmod_* call it without loading anything. */
#ifndef CG_PDFMOD_H
#define CG_PDFMOD_H

#include <stddef.h>
#include <stdio.h>

#include "doc.h"
#include "err.h"
#include "spec.h"

struct lb_labels;
typedef struct render_pdf_words render_pdf_words;

/* Bump when the table below, a signature in it, or the layout of anything
 * the module reads of the program's structures changes: a module of
 * another ABI is refused. The sizes in `layout` catch the changes one
 * forgets to bump for; the version string catches another release. */
#define CG_PDF_ABI 1

/* The one symbol the module exports, and the file it is in. */
#define CG_PDF_SYMBOL "clausegen_pdf_backend"
#define CG_PDF_MODULE "clausegen-pdf.so"

#define CG_PDF_NLAYOUT 5
#define CG_PDF_LAYOUT                                                                      \
	{ sizeof(cg_err), sizeof(doc_model), sizeof(doc_node), sizeof(sp_source),          \
	  sizeof(sp_clause) }

/* The entry points of the back-end (render_pdf.h documents them). */
typedef struct {
	unsigned abi;                   /* CG_PDF_ABI */
	size_t size;                    /* sizeof(cg_pdf_backend) */
	size_t layout[CG_PDF_NLAYOUT];  /* CG_PDF_LAYOUT */
	const char *version;            /* the clausegen version it was built with */
	int (*render_contract)(const doc_model *m, const struct lb_labels *lb,
	                       const char *pdf_yaml, const char *checklists_yaml,
	                       const char *stage, FILE *warn, cg_err *err);
	render_pdf_words *(*words_load)(const char *path, cg_err *err);
	int (*guideline)(const sp_source *s, const render_pdf_words *words, const char *date,
	                 FILE *warn, char **out, size_t *len, cg_err *err);
	void (*words_free)(render_pdf_words *w);
} cg_pdf_backend;

/* The module marks its table with this; everything else in it is hidden. */
#define CG_PDF_EXPORT __attribute__((visibility("default")))

/* render_pdf_contract, render_pdf_words_load, render_pdf_guideline and
 * render_pdf_words_free (render_pdf.h) through the back-end, same
 * ownership. The first call loads the module: CLAUSEGEN_PDF_MODULE (a full
 * path) when set, else clausegen-pdf.so in the program's own directory,
 * else in the library directory of the installation. A module that is
 * missing, fails to load or was built for another clausegen is a CG_ESYS
 * error naming the paths tried and why each failed; the next call tries
 * again. pdfmod_words_free(NULL) does nothing and loads nothing.
 *
 * A loaded module stays loaded until the process ends: fontconfig and pango
 * keep state in it, and valgrind needs its symbols for the leak report
 * printed at exit. */
int pdfmod_render_contract(const doc_model *m, const struct lb_labels *lb, const char *pdf_yaml,
                           const char *checklists_yaml, const char *stage, FILE *warn,
                           cg_err *err);
render_pdf_words *pdfmod_words_load(const char *path, cg_err *err);
int pdfmod_guideline(const sp_source *s, const render_pdf_words *words, const char *date,
                     FILE *warn, char **out, size_t *len, cg_err *err);
void pdfmod_words_free(render_pdf_words *w);

#endif
