/* export.c: `clausegen export`: the source model as JSON (through jansson)
 * or CSV (RFC 4180). See export.h for the shapes. */
#include "export.h"

#include <glib.h>
#include <jansson.h>
#include <string.h>

static void set_s(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v != NULL ? json_string(v) : json_null());
}

static json_t *lines_json(int first, int last)
{
	json_t *a = json_array();

	json_array_append_new(a, json_integer(first));
	json_array_append_new(a, json_integer(last));
	return a;
}

static json_t *dims_json(const sp_dim *d, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object();
		set_s(o, "id", d[i].id);
		set_s(o, "name", d[i].name);
		if (d[i].note)
			set_s(o, "note", d[i].note);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *conds_json(const sp_source *s, const sp_cond *c, size_t n)
{
	json_t *o = json_object();
	size_t i, j;

	for (i = 0; i < n; i++) {
		json_t *v = json_array();
		for (j = 0; j < c[i].nvalues; j++)
			json_array_append_new(v, json_string(c[i].values[j]));
		json_object_set_new(o, s->attrs[c[i].attr].id, v);
	}
	return o;
}

static json_t *source_json(const sp_source *s)
{
	json_t *o = json_object(), *a;
	size_t i, j;

	set_s(o, "id", s->id);
	set_s(o, "title", s->title);
	set_s(o, "publisher", s->publisher);
	set_s(o, "version", s->version);
	set_s(o, "sha256", s->hash);
	a = json_object();
	set_s(a, "file", s->seed_file);
	json_object_set_new(a, "lines", lines_json(s->seed_first, s->seed_last));
	json_object_set_new(o, "seed", a);
	json_object_set_new(o, "classes", dims_json(s->classes, s->nclasses));
	json_object_set_new(o, "categories", dims_json(s->cats, s->ncats));
	a = json_array();
	for (i = 0; i < s->ntables; i++) {
		json_t *t = json_object(), *cols = json_array(), *role = json_array();
		set_s(t, "id", s->tables[i].id);
		set_s(t, "title", s->tables[i].title);
		for (j = 0; j < s->tables[i].ncols; j++)
			json_array_append_new(cols, json_string(s->cats[s->tables[i].cols[j]].id));
		json_object_set_new(t, "columns", cols);
		/* select: decides verdicts (the annex); spec: what the
		 * procurement specification announces. */
		if (i == s->select_table)
			json_array_append_new(role, json_string("select"));
		if (i == s->spec_table)
			json_array_append_new(role, json_string("spec"));
		json_object_set_new(t, "role", role);
		json_array_append_new(a, t);
	}
	json_object_set_new(o, "tables", a);
	a = json_object();
	for (i = 0; i < s->nvocab; i++)
		set_s(a, s->vocab[i].mark, spec_verdict_name(s->vocab[i].verdict));
	json_object_set_new(o, "marks", a);
	a = json_array();
	for (i = 0; i < s->nattrs; i++) {
		json_t *t = json_object();
		set_s(t, "id", s->attrs[i].id);
		set_s(t, "name", s->attrs[i].name);
		set_s(t, "type", s->attrs[i].type == SP_ATTR_BOOL ? "bool" : "enum");
		if (s->attrs[i].type == SP_ATTR_ENUM) {
			json_t *v = json_array();
			for (j = 0; j < s->attrs[i].nvalues; j++)
				json_array_append_new(v, json_string(s->attrs[i].values[j]));
			json_object_set_new(t, "values", v);
		}
		json_array_append_new(a, t);
	}
	json_object_set_new(o, "attributes", a);
	a = json_array();
	for (i = 0; i < s->nsections; i++) {
		const sp_section *sec = &s->sections[i];
		json_t *t = json_object();
		set_s(t, "id", sec->id);
		set_s(t, "number", sec->number);
		set_s(t, "title", sec->title);
		set_s(t, "parent", sec->parent >= 0 ? s->sections[sec->parent].id : NULL);
		json_array_append_new(a, t);
	}
	json_object_set_new(o, "sections", a);
	return o;
}

static json_t *marks_json(const sp_source *s, const sp_clause *c)
{
	json_t *o = json_object();
	size_t t, k, col;

	for (t = 0; t < s->ntables; t++) {
		const sp_table *tb = &s->tables[t];
		json_t *to = json_object();
		if (c->marks[t] == NULL) {
			json_decref(to);
			continue;
		}
		for (k = 0; k < SP_NCLASSES(s); k++) {
			json_t *ko = s->nclasses ? json_object() : to;
			for (col = 0; col < tb->ncols; col++)
				set_s(ko, s->cats[tb->cols[col]].id, c->marks[t][k * tb->ncols + col]);
			if (s->nclasses)
				json_object_set_new(to, s->classes[k].id, ko);
		}
		json_object_set_new(o, tb->id, to);
	}
	return o;
}

static json_t *clause_json(const sp_source *s, const sp_clause *c)
{
	json_t *o = json_object(), *a;
	size_t i;

	set_s(o, "id", c->id);
	set_s(o, "number", c->number);
	set_s(o, "section", s->sections[c->section].id);
	set_s(o, "section_title", s->sections[c->section].title);
	set_s(o, "title", spec_clause_title(s, c));
	set_s(o, "text", c->body);
	json_object_set_new(o, "marks", marks_json(s, c));
	if (c->verdict >= 0)
		set_s(o, "verdict", spec_verdict_name((sp_verdict)c->verdict));
	json_object_set_new(o, "when", conds_json(s, c->when, c->nwhen));
	json_object_set_new(o, "unless", conds_json(s, c->unless, c->nunless));
	a = json_array();
	for (i = 0; i < c->nrefs; i++) {
		json_t *r = json_object();
		set_s(r, "label", c->refs[i].label);
		set_s(r, "url", c->refs[i].url);
		set_s(r, "note", c->refs[i].note);
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "references", a);
	a = json_array();
	for (i = 0; i < c->napps; i++)
		json_array_append_new(a, json_string(s->apps[c->apps[i]].id));
	json_object_set_new(o, "appendices", a);
	json_object_set_new(o, "seed_lines", lines_json(c->seed_first, c->seed_last));
	set_s(o, "note", c->note);
	return o;
}

char *export_json(const sp_source *s)
{
	json_t *root = json_object(), *a = json_array();
	char *txt, *out;
	size_t i;

	set_s(root, "format", "clausegen-source-export");
	json_object_set_new(root, "source", source_json(s));
	for (i = 0; i < s->nclauses; i++)
		json_array_append_new(a, clause_json(s, &s->clauses[i]));
	json_object_set_new(root, "clauses", a);
	txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	out = g_strconcat(txt, "\n", NULL);
	free(txt);
	json_decref(root);
	return out;
}

/* ---- CSV ---- */

static void csv_field(GString *o, const char *v, int first)
{
	if (!first)
		g_string_append_c(o, ',');
	if (v == NULL)
		return;
	if (strpbrk(v, ",\"\r\n") == NULL) {
		g_string_append(o, v);
		return;
	}
	g_string_append_c(o, '"');
	for (; *v; v++) {
		if (*v == '"')
			g_string_append_c(o, '"');
		g_string_append_c(o, *v);
	}
	g_string_append_c(o, '"');
}

/* attr=v1|v2; attr2=v */
static char *conds_text(const sp_source *s, const sp_cond *c, size_t n)
{
	GString *o = g_string_new(NULL);
	size_t i, j;

	for (i = 0; i < n; i++) {
		g_string_append_printf(o, "%s%s=", i ? "; " : "", s->attrs[c[i].attr].id);
		for (j = 0; j < c[i].nvalues; j++)
			g_string_append_printf(o, "%s%s", j ? "|" : "", c[i].values[j]);
	}
	return g_string_free(o, FALSE);
}

char *export_csv(const sp_source *s, size_t *len)
{
	static const char *const head[] = { "id", "number", "section", "section_title", "title",
		                             "text", "references", "when", "unless", "appendices",
		                             "seed_lines", "note" };
	GString *o = g_string_new("\xEF\xBB\xBF");
	size_t i, t, k, col;

	for (i = 0; i < G_N_ELEMENTS(head); i++)
		csv_field(o, head[i], i == 0);
	for (t = 0; t < s->ntables; t++)
		for (k = 0; k < SP_NCLASSES(s); k++)
			for (col = 0; col < s->tables[t].ncols; col++) {
				char *name = s->nclasses
				                 ? g_strdup_printf("%s/%s/%s", s->tables[t].id,
				                                   s->classes[k].id,
				                                   s->cats[s->tables[t].cols[col]].id)
				                 : g_strdup_printf("%s/%s", s->tables[t].id,
				                                   s->cats[s->tables[t].cols[col]].id);
				csv_field(o, name, 0);
				g_free(name);
			}
	g_string_append(o, "\r\n");
	for (i = 0; i < s->nclauses; i++) {
		const sp_clause *c = &s->clauses[i];
		GString *refs = g_string_new(NULL), *apps = g_string_new(NULL);
		char *when = conds_text(s, c->when, c->nwhen);
		char *unless = conds_text(s, c->unless, c->nunless);
		char lines[64];
		size_t j;

		/* One reference a line: label <url> (note). */
		for (j = 0; j < c->nrefs; j++) {
			if (j)
				g_string_append_c(refs, '\n');
			g_string_append(refs, c->refs[j].label ? c->refs[j].label : "");
			if (c->refs[j].url)
				g_string_append_printf(refs, "%s<%s>", refs->len ? " " : "", c->refs[j].url);
			if (c->refs[j].note)
				g_string_append_printf(refs, " (%s)", c->refs[j].note);
		}
		for (j = 0; j < c->napps; j++)
			g_string_append_printf(apps, "%s%s", j ? " " : "", s->apps[c->apps[j]].id);
		g_snprintf(lines, sizeof lines, "%d-%d", c->seed_first, c->seed_last);
		csv_field(o, c->id, 1);
		csv_field(o, c->number, 0);
		csv_field(o, s->sections[c->section].id, 0);
		csv_field(o, s->sections[c->section].title, 0);
		csv_field(o, spec_clause_title(s, c), 0);
		csv_field(o, c->body, 0);
		csv_field(o, refs->str, 0);
		csv_field(o, when, 0);
		csv_field(o, unless, 0);
		csv_field(o, apps->str, 0);
		csv_field(o, lines, 0);
		csv_field(o, c->note, 0);
		for (t = 0; t < s->ntables; t++)
			for (k = 0; k < SP_NCLASSES(s); k++)
				for (col = 0; col < s->tables[t].ncols; col++)
					csv_field(o, c->marks[t] ? c->marks[t][k * s->tables[t].ncols + col]
					                         : NULL,
					          0);
		g_string_append(o, "\r\n");
		g_string_free(refs, TRUE);
		g_string_free(apps, TRUE);
		g_free(when);
		g_free(unless);
	}
	*len = o->len;
	return g_string_free(o, FALSE);
}
