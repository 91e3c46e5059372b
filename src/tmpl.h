/* tmpl.h: the small template language of templates/ (page chrome and the
 * fixed wording of each document), filled from the document model.
 *
 *   {{name}}            a field (escaped for the output format)
 *   {{clause:ID}}       the number a clause has in this contract's documents
 *   {{#if name}}…{{/if}} kept only when the field is not empty (not nested)
 *
 * Fields: see tmpl_fields. An unknown field or clause is an error naming the
 * template's file, line and column, so `clausegen check` catches it before a
 * build does. */
#ifndef CG_TMPL_H
#define CG_TMPL_H

#include <glib.h>

#include "doc.h"
#include "err.h"

/* Every field a template may use, NULL-terminated. "body" and "appendices"
 * are inserted raw: the back-end has rendered them. */
extern const char *const tmpl_fields[];

/* Checks syntax, field names and clause ids (against `src`). */
/* templates/<src_id>/<name> when the source has its own copy, else
 * templates/<name>. g_free. */
char *tmpl_path(const char *templates, const char *src_id, const char *name);

int tmpl_check(const char *text, const char *path, const sp_source *src, cg_err *err);

/* A field the back-end renders straight into the output where the
 * template places it, instead of into a string of its own that is then
 * copied: the body is most of a document. `empty` answers {{#if name}}. */
typedef struct {
	const char *name;
	int empty;
	void (*render)(GString *out, const void *ud);
	const void *ud;
} tmpl_raw;

/* Expands `text` into `out`. `raw` (may be NULL; ends with a NULL name)
 * lists the fields rendered in place; `values` maps the other field names
 * to text (a missing name counts as empty); `escape` (may be NULL) is
 * applied to every field but body and appendices. */
int tmpl_expand(const char *text, const char *path, GHashTable *values, const tmpl_raw *raw,
                const doc_model *m, char *(*escape)(const char *), GString *out, cg_err *err);

/* Reads templates/NAME, with the limits of util_read_text. Caller g_frees. */
char *tmpl_load(const char *dir, const char *name, char **path_out, cg_err *err);

#endif
