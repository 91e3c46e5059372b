/* render.h: back-ends that walk a selection. Each returns a new string
 * (g_free) holding the whole output, so that a caller can write it
 * atomically or print it; none decides anything about the clauses. The
 * `_to` forms append to the caller's buffer instead: a build renders every
 * file of a contract into one buffer it reuses, so the memory for the
 * largest file is touched once rather than once per file. */
#ifndef CG_RENDER_H
#define CG_RENDER_H

#include <glib.h>

#include "doc.h"
#include "select.h"

/* `select --format json`: a JSON array, one object per clause with id,
 * number, section, title, text, verdict and reason; only the clauses that go
 * into the documents unless `all`. */
char *render_json_clauses(const sel_result *r, int all);

/* selection.json: the contract, its source (with content hash), counts per
 * verdict and every clause with its verdict and reason. */
char *render_json_selection(const sel_result *r);
void render_json_selection_to(GString *out, const sel_result *r);

/* `select --format text`: one block per clause, for people. */
char *render_text(const sel_result *r, int all);

/* selection.md: the selection as a Markdown report. */
char *render_md_selection(const sel_result *r);
void render_md_selection_to(GString *out, const sel_result *r);

/* HTML escaping of text (& < > " '). Caller frees. */
char *render_html_escape(const char *s);
/* The same, appended to `o`. */
void render_html_escape_append(GString *o, const char *s);

typedef struct cmark_node cmark_node;

/* Markdown as HTML (cmark without CMARK_OPT_UNSAFE: raw HTML dropped), with
 * every link or image for which `as_text` is true printed as its text and
 * "（URL）" (its text alone when that is the address already): how a
 * document or the site shows an address it must not make the reader's
 * browser fetch. Caller frees (free). */
char *render_md_html(const char *md, int (*as_text)(cmark_node *n));
/* A clause or appendix body as the documents print it: render_md_html
 * with every image as text. Caller frees (free). */
char *render_body_html(const char *md);
/* Does printing the link or image `n` as text need its address added,
 * i.e. is its text something other than the address itself? (The PDF
 * back-ends print it the same way.) */
int render_inline_needs_url(cmark_node *n);

/* Markdown escaping of inline text. Caller frees. */
char *render_md_escape(const char *s);

struct lb_labels;

/* The procurement spec (k = DOC_SPEC) or contract annex (DOC_ANNEX) of a
 * document model, laid out by the template `tmpl` (read from `tmpl_path`)
 * with the markers of `lb`. NULL and `err` on a template error. */
char *render_html_doc(const doc_model *m, doc_kind k, const char *tmpl, const char *tmpl_path,
                      const struct lb_labels *lb, cg_err *err);
char *render_md_doc(const doc_model *m, doc_kind k, const char *tmpl, const char *tmpl_path,
                    const struct lb_labels *lb, cg_err *err);
/* The same, appended to `out`; 0 and `err` on a template error, with part
 * of the document in `out`. */
int render_html_doc_to(GString *out, const doc_model *m, doc_kind k, const char *tmpl,
                       const char *tmpl_path, const struct lb_labels *lb, cg_err *err);
int render_md_doc_to(GString *out, const doc_model *m, doc_kind k, const char *tmpl,
                     const char *tmpl_path, const struct lb_labels *lb, cg_err *err);

/* The clausegen version written into every output. */
const char *render_version(void);

#endif
