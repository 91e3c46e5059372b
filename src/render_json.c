#include <glib.h>

#include "jsonw.h"
#include "render.h"

const char *render_version(void)
{
	return CLAUSEGEN_VERSION;
}

static void clause_json(jw_writer *w, const sel_result *r, const sel_item *it)
{
	const sp_source *s = r->src;
	const sp_clause *c = it->clause;
	size_t i;

	jw_open(w, NULL, '{');
	jw_str(w, "id", c->id);
	jw_str(w, "number", c->number);
	jw_str(w, "section", s->sections[c->section].id);
	jw_str(w, "title", spec_clause_title(s, c));
	jw_str(w, "text", c->body);
	jw_str(w, "verdict", spec_verdict_name(it->verdict));
	jw_str(w, "reason", it->reason);
	if (c->napps > 0) {
		jw_open(w, "appendices", '[');
		for (i = 0; i < c->napps; i++)
			jw_str(w, NULL, s->apps[c->apps[i]].id);
		jw_close(w);
	}
	jw_close(w);
}

char *render_json_clauses(const sel_result *r, int all)
{
	jw_writer w;
	size_t i;

	jw_init(&w);
	jw_open(&w, NULL, '[');
	for (i = 0; i < r->n; i++)
		if (all || sel_in_documents(r->items[i].verdict))
			clause_json(&w, r, &r->items[i]);
	jw_close(&w);
	return jw_finish(&w);
}

static void dim_json(jw_writer *w, const char *key, const sp_dim *d)
{
	jw_open(w, key, '{');
	jw_str(w, "id", d->id);
	jw_str(w, "name", d->name);
	jw_close(w);
}

void render_json_selection_to(GString *out, const sel_result *r)
{
	const sp_source *s = r->src;
	const ct_contract *c = r->ct;
	jw_writer w;
	size_t i, n[V_COUNT] = { 0 };

	for (i = 0; i < r->n; i++)
		n[r->items[i].verdict]++;
	jw_init_to(&w, out);
	jw_open(&w, NULL, '{');
	jw_str(&w, "clausegen_version", render_version());
	jw_open(&w, "source", '{');
	jw_str(&w, "id", s->id);
	jw_str(&w, "title", s->title);
	jw_str(&w, "publisher", s->publisher);
	jw_str(&w, "version", s->version);
	jw_str(&w, "sha256", s->hash);
	jw_close(&w);
	jw_open(&w, "contract", '{');
	jw_str(&w, "id", c->id);
	jw_str(&w, "title", c->title);
	jw_str(&w, "contract_number", c->number);
	jw_str(&w, "orderer", c->orderer);
	jw_str(&w, "department", c->department);
	jw_str(&w, "vendor", c->vendor);
	jw_str(&w, "date", c->date);
	if (c->category >= 0)
		dim_json(&w, "category", &s->cats[c->category]);
	if (s->nclasses > 0)
		dim_json(&w, "class", &s->classes[c->klass]);
	jw_open(&w, "attributes", '{');
	for (i = 0; i < s->nattrs; i++) {
		if (c->attr_values[i] == NULL)
			continue;
		if (s->attrs[i].type == SP_ATTR_BOOL)
			jw_bool(&w, s->attrs[i].id, g_str_equal(c->attr_values[i], "true"));
		else
			jw_str(&w, s->attrs[i].id, c->attr_values[i]);
	}
	jw_close(&w);
	jw_close(&w);
	jw_open(&w, "counts", '{');
	for (i = 0; i < V_COUNT; i++)
		jw_int(&w, spec_verdict_name((sp_verdict)i), (long long)n[i]);
	jw_close(&w);
	jw_open(&w, "clauses", '[');
	for (i = 0; i < r->n; i++)
		clause_json(&w, r, &r->items[i]);
	jw_close(&w);
	jw_close(&w);
	jw_end(&w);
}

char *render_json_selection(const sel_result *r)
{
	GString *out = g_string_sized_new(4096);

	render_json_selection_to(out, r);
	return g_string_free(out, FALSE);
}
