/* render_pdf.h: the PDF back-end: spec.pdf and annex.pdf laid out from the
 * document model, the contract's checklists (pdf_checklist.h), and the
 * whole-source guideline PDF. Fixed wording from templates/pdf.yaml and
 * templates/checklists.yaml. */
#ifndef CG_RENDER_PDF_H
#define CG_RENDER_PDF_H

#include <stddef.h>
#include <stdio.h>

#include "doc.h"
#include "err.h"
#include "pdf.h"
#include "spec.h"

struct lb_labels;

/* The wording of templates/pdf.yaml. */
typedef struct render_pdf_words render_pdf_words;

/* Loads and checks `path` (keys, fields of every text). NULL and a CG_EINPUT
 * error at the file's position when it is wrong; CG_ESYS when unreadable.
 * Caller frees with render_pdf_words_free. */
render_pdf_words *render_pdf_words_load(const char *path, cg_err *err);
void render_pdf_words_free(render_pdf_words *w);

/* spec.pdf (k = DOC_SPEC) or annex.pdf (DOC_ANNEX) of `m`, A4 portrait:
 * header block, the clauses with 公用文 numbers and hanging indents, the
 * markers of `lb`, the appendices (with their tables) and the provenance.
 * On success *out (g_free) holds the PDF's *len bytes. Borrows everything.
 * Errors: CG_EINPUT (template field), CG_ESYS (cairo). */
int render_pdf_doc(pdf_env *env, const doc_model *m, doc_kind k, const render_pdf_words *w,
                   const struct lb_labels *lb, char **out, size_t *len, cg_err *err);

/* Checks that every character the PDFs of `m` print can be drawn (see
 * pdf_check_text): clause titles and bodies at the clause's position,
 * section titles at the source file, the contract's names at the contract
 * file. Warnings go to the env's stream; an undrawable character is a
 * CG_EINPUT error. */
int render_pdf_check_glyphs(pdf_env *env, const doc_model *m, cg_err *err);

/* Every PDF the contract of `m` asks for (its `documents`: spec.pdf,
 * annex.pdf, checklist-*.pdf) into directory `stage` through
 * out_write_file (temporary file and rename: a PDF is complete or absent).
 * `pdf_yaml` and `checklists_yaml` are the template files; warnings go to
 * `warn`. A checklist needs the contract's vendor: a contract without one
 * that names a checklist in `documents` is a CG_EINPUT error at its id; one
 * that leaves `documents` at its default (all) gets no checklists (before
 * the tender the vendor is unknown). No fonts: CG_ESYS. Writes nothing the
 * contract does not ask for, and returns 1 at once when it asks for none. */
int render_pdf_contract(const doc_model *m, const struct lb_labels *lb, const char *pdf_yaml,
                        const char *checklists_yaml, const char *stage, FILE *warn,
                        cg_err *err);

/* A guideline of the whole source `s` (issue 7): cover page, table of
 * contents with page numbers, every clause in the source's own order and
 * numbering (no contract, no substitution), the appendices, and the
 * applicability matrix of each table (marks per class × category) on A4
 * landscape pages, columns split by class where they do not fit, with row
 * and column headers repeated on every page. `words` is templates/pdf.yaml;
 * `date` (YYYY-MM-DD, may be NULL: SOURCE_DATE_EPOCH or the source's
 * version) fixes the PDF's dates; warnings go to `warn` (may be NULL).
 * On success *out (g_free) holds *len bytes. Errors: CG_EINPUT (a glyph in
 * no font), CG_ESYS (no fonts, cairo). */
int render_pdf_guideline(const sp_source *s, const render_pdf_words *words, const char *date,
                         FILE *warn, char **out, size_t *len, cg_err *err);

#endif
