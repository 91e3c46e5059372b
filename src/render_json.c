#include <glib.h>
#include <jansson.h>

#include "render.h"

const char *render_version(void)
{
	return CLAUSEGEN_VERSION;
}

static void set_s(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

static json_t *clause_json(const sel_result *r, const sel_item *it)
{
	const sp_source *s = r->src;
	const sp_clause *c = it->clause;
	json_t *o = json_object();
	size_t i;

	set_s(o, "id", c->id);
	set_s(o, "number", c->number);
	set_s(o, "section", s->sections[c->section].id);
	set_s(o, "title", spec_clause_title(s, c));
	set_s(o, "text", c->body);
	set_s(o, "verdict", spec_verdict_name(it->verdict));
	set_s(o, "reason", it->reason);
	if (c->napps > 0) {
		json_t *a = json_array();
		for (i = 0; i < c->napps; i++)
			json_array_append_new(a, json_string(s->apps[c->apps[i]].id));
		json_object_set_new(o, "appendices", a);
	}
	return o;
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *out = g_strconcat(s, "\n", NULL);

	free(s);
	json_decref(j);
	return out;
}

char *render_json_clauses(const sel_result *r, int all)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->n; i++)
		if (all || sel_in_documents(r->items[i].verdict))
			json_array_append_new(a, clause_json(r, &r->items[i]));
	return dump(a);
}

static json_t *dim_json(const sp_dim *d)
{
	json_t *o = json_object();

	set_s(o, "id", d->id);
	set_s(o, "name", d->name);
	return o;
}

char *render_json_selection(const sel_result *r)
{
	const sp_source *s = r->src;
	const ct_contract *c = r->ct;
	json_t *root = json_object(), *src = json_object(), *ct = json_object();
	json_t *attrs = json_object(), *counts = json_object(), *clauses = json_array();
	size_t i, n[V_COUNT] = { 0 };

	set_s(root, "clausegen_version", render_version());
	set_s(src, "id", s->id);
	set_s(src, "title", s->title);
	set_s(src, "publisher", s->publisher);
	set_s(src, "version", s->version);
	json_object_set_new(src, "sha256", json_string(s->hash));
	json_object_set_new(root, "source", src);
	set_s(ct, "id", c->id);
	set_s(ct, "title", c->title);
	set_s(ct, "contract_number", c->number);
	set_s(ct, "orderer", c->orderer);
	set_s(ct, "department", c->department);
	set_s(ct, "vendor", c->vendor);
	set_s(ct, "date", c->date);
	if (c->category >= 0)
		json_object_set_new(ct, "category", dim_json(&s->cats[c->category]));
	if (s->nclasses > 0)
		json_object_set_new(ct, "class", dim_json(&s->classes[c->klass]));
	for (i = 0; i < s->nattrs; i++)
		if (c->attr_values[i] != NULL)
			json_object_set_new(attrs, s->attrs[i].id,
			                    s->attrs[i].type == SP_ATTR_BOOL
			                            ? json_boolean(g_str_equal(c->attr_values[i], "true"))
			                            : json_string(c->attr_values[i]));
	json_object_set_new(ct, "attributes", attrs);
	json_object_set_new(root, "contract", ct);
	for (i = 0; i < r->n; i++) {
		n[r->items[i].verdict]++;
		json_array_append_new(clauses, clause_json(r, &r->items[i]));
	}
	for (i = 0; i < V_COUNT; i++)
		json_object_set_new(counts, spec_verdict_name((sp_verdict)i), json_integer((json_int_t)n[i]));
	json_object_set_new(root, "counts", counts);
	json_object_set_new(root, "clauses", clauses);
	return dump(root);
}
