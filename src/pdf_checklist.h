/* pdf_checklist.h: the three checklists a security officer ticks, signs and
 * files (selection, delivery inspection, periodic confirmation), drawn with
 * pangocairo straight to PDF. Wording and the choice of rows come from
 * templates/checklists.yaml (see docs/pdf.md). */
#ifndef CG_PDF_CHECKLIST_H
#define CG_PDF_CHECKLIST_H

#include <stddef.h>

#include "doc.h"
#include "err.h"
#include "pdf.h"

typedef struct pdf_cl_words pdf_cl_words;

/* Loads and checks templates/checklists.yaml at `path` (every key present,
 * no other; `rows` one of documents/annex). NULL with CG_EINPUT at the
 * file's position, or CG_ESYS when unreadable. pdf_checklist_words_free. */
pdf_cl_words *pdf_checklist_words_load(const char *path, cg_err *err);
void pdf_checklist_words_free(pdf_cl_words *w);

/* True when `name` ("checklist-selection" …) is a checklist of `w`. */
int pdf_checklist_known(const pdf_cl_words *w, const char *name);

/* Checklist `name` of the contract of `m`: header block (title, purpose,
 * contract title and number, vendor, date field at the top right), one row
 * per clause the checklist covers (No., annex number, requirement, 確認欄
 * with 適合/不適合/該当なし boxes, 備考) grouped by section, the signature
 * block (確認者, 日付, 印), "n / N" on every page. The contract must have a
 * vendor (the caller checks). *out (g_free) holds *len bytes. Errors:
 * CG_ESYS (cairo). */
int pdf_checklist_render(pdf_env *env, const doc_model *m, const pdf_cl_words *w,
                         const char *name, const char *date, char **out, size_t *len,
                         cg_err *err);

/* The clauses checklist `name` lists, in document order (borrowed from
 * `m`; g_ptr_array_unref). For tests and for the row count. */
GPtrArray *pdf_checklist_rows(const doc_model *m, const pdf_cl_words *w, const char *name);

#endif
