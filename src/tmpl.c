#include "tmpl.h"

#include <string.h>

#include "util.h"

const char *const tmpl_fields[] = {
	"doc.title", "doc.kind", "contract.id", "contract.title", "contract.number",
	"contract.orderer", "contract.department", "contract.vendor", "contract.date",
	"contract.category", "contract.class", "parties.orderer", "parties.vendor", "source.id",
	"source.title", "source.publisher", "source.version", "source.sha256",
	"clausegen.version", "build.date", "counts.clauses", "body", "appendices", NULL
};

static int known(const char *name)
{
	size_t i;

	for (i = 0; tmpl_fields[i] != NULL; i++)
		if (strcmp(tmpl_fields[i], name) == 0)
			return 1;
	return 0;
}

static void pos_of(const char *text, const char *p, int *line, int *col)
{
	const char *q, *bol = text;

	*line = 1;
	for (q = text; q < p; q++)
		if (*q == '\n') {
			(*line)++;
			bol = q + 1;
		}
	*col = util_utf8_cols(bol, (size_t)(p - bol)) + 1;
}

static const tmpl_raw *raw_field(const tmpl_raw *raw, const char *name)
{
	for (; raw != NULL && raw->name != NULL; raw++)
		if (strcmp(raw->name, name) == 0)
			return raw;
	return NULL;
}

/* The one walker behind check and expand: `out` NULL only checks. */
static int run(const char *text, const char *path, const sp_source *src, GHashTable *values,
               const tmpl_raw *raw, const doc_model *m, char *(*escape)(const char *),
               GString *out, cg_err *err)
{
	const char *p = text, *open_if = NULL;
	int skipping = 0, line, col;

	while (*p) {
		const char *b = strstr(p, "{{"), *e;
		char *tag;
		if (b == NULL) {
			if (out && !skipping)
				g_string_append(out, p);
			break;
		}
		if (out && !skipping)
			g_string_append_len(out, p, (gssize)(b - p));
		e = strstr(b + 2, "}}");
		if (e == NULL) {
			pos_of(text, b, &line, &col);
			cg_err_set(err, CG_EINPUT, path, line, col, "'{{' is not closed by '}}'");
			return 0;
		}
		tag = g_strstrip(g_strndup(b + 2, (gsize)(e - b - 2)));
		if (g_str_has_prefix(tag, "#if ")) {
			const char *name = g_strstrip(tag + 4);
			if (open_if != NULL) {
				pos_of(text, b, &line, &col);
				cg_err_set(err, CG_EINPUT, path, line, col,
				           "'{{#if}}' blocks cannot be nested");
				g_free(tag);
				return 0;
			}
			if (!known(name)) {
				pos_of(text, b, &line, &col);
				cg_err_set(err, CG_EINPUT, path, line, col, "unknown field '%s' in '{{#if}}'",
				           name);
				g_free(tag);
				return 0;
			}
			open_if = b;
			if (values != NULL || raw != NULL) {
				const tmpl_raw *rf = raw_field(raw, name);
				const char *v = values ? g_hash_table_lookup(values, name) : NULL;
				skipping = rf ? rf->empty : v == NULL || v[0] == '\0';
			}
		} else if (strcmp(tag, "/if") == 0) {
			if (open_if == NULL) {
				pos_of(text, b, &line, &col);
				cg_err_set(err, CG_EINPUT, path, line, col, "'{{/if}}' without '{{#if}}'");
				g_free(tag);
				return 0;
			}
			open_if = NULL;
			skipping = 0;
		} else if (g_str_has_prefix(tag, "clause:")) {
			const char *id = tag + 7;
			/* src is NULL when text shared by every source is checked
			 * (pdf.yaml through render_pdf.c): that used to dereference
			 * NULL. The id is checked against the contract's source when
			 * the text is expanded. */
			if (src != NULL && spec_find_clause(src, id) < 0) {
				pos_of(text, b, &line, &col);
				cg_err_set(err, CG_EINPUT, path, line, col,
				           "template refers to clause '%s', which source '%s' does not have",
				           id, src->id);
				g_free(tag);
				return 0;
			}
			if (out && !skipping) {
				const doc_node *n = m ? doc_find(m, id) : NULL;
				const char *v = n ? n->path : "（該当なし）";
				char *esc = escape ? escape(v) : g_strdup(v);
				g_string_append(out, esc);
				g_free(esc);
			}
		} else if (known(tag)) {
			const tmpl_raw *rf = out && !skipping ? raw_field(raw, tag) : NULL;
			if (rf != NULL) {
				rf->render(out, rf->ud);
			} else if (out && !skipping) {
				const char *v = values ? g_hash_table_lookup(values, tag) : NULL;
				if (v == NULL)
					v = "";
				if (escape && strcmp(tag, "body") != 0 && strcmp(tag, "appendices") != 0) {
					char *esc = escape(v);
					g_string_append(out, esc);
					g_free(esc);
				} else {
					g_string_append(out, v);
				}
			}
		} else {
			const char *hint = util_suggest(tag, tmpl_fields,
			                                g_strv_length((char **)tmpl_fields));
			pos_of(text, b, &line, &col);
			if (hint)
				cg_err_set(err, CG_EINPUT, path, line, col,
				           "unknown field '%s' (did you mean '%s'?)", tag, hint);
			else
				cg_err_set(err, CG_EINPUT, path, line, col, "unknown field '%s'", tag);
			g_free(tag);
			return 0;
		}
		g_free(tag);
		p = e + 2;
	}
	if (open_if != NULL) {
		pos_of(text, open_if, &line, &col);
		cg_err_set(err, CG_EINPUT, path, line, col, "'{{#if}}' is not closed by '{{/if}}'");
		return 0;
	}
	return 1;
}

int tmpl_check(const char *text, const char *path, const sp_source *src, cg_err *err)
{
	return run(text, path, src, NULL, NULL, NULL, NULL, NULL, err);
}

int tmpl_expand(const char *text, const char *path, GHashTable *values, const tmpl_raw *raw,
                const doc_model *m, char *(*escape)(const char *), GString *out, cg_err *err)
{
	return run(text, path, m->sel->src, values, raw, m, escape, out, err);
}

char *tmpl_load(const char *dir, const char *name, char **path_out, cg_err *err)
{
	char *path = g_build_filename(dir, name, NULL);
	char *buf = NULL;
	size_t len;

	if (!util_read_text(path, CG_MAX_FILE_SIZE, &buf, &len, err)) {
		g_free(path);
		return NULL;
	}
	*path_out = path;
	return buf;
}

char *tmpl_path(const char *templates, const char *src_id, const char *name)
{
	char *own = g_build_filename(templates, src_id, name, NULL);

	if (util_is_file(own))
		return own;
	g_free(own);
	return g_build_filename(templates, name, NULL);
}
