#include <glib.h>
#include <string.h>

#include "render.h"

/* Heading text for each verdict group, in the order of the report. */
static const struct {
	sp_verdict v;
	const char *head;
} groups[] = {
	{ V_REQUIRED, "必須（required）" },
	{ V_OPTIONAL, "選択（optional）" },
	{ V_INCLUDED, "通常サービスに含まれる（included）" },
};

/* Text that came from YAML goes into Markdown inline positions: escape the
 * characters CommonMark would read as markup. */
static void md_inline(GString *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>#|!&", *s) != NULL)
			g_string_append_c(out, '\\');
		g_string_append_c(out, *s == '\n' ? ' ' : *s);
	}
}

static void field(GString *out, const char *label, const char *value)
{
	if (value == NULL)
		return;
	g_string_append_printf(out, "- %s: ", label);
	md_inline(out, value);
	g_string_append_c(out, '\n');
}

char *render_md_selection(const sel_result *r)
{
	const sp_source *s = r->src;
	const ct_contract *c = r->ct;
	GString *out = g_string_new(NULL);
	size_t i, g, count;

	g_string_append(out, "# 選定結果: ");
	md_inline(out, c->title);
	g_string_append(out, "\n\n");
	field(out, "契約ID", c->id);
	field(out, "契約番号", c->number);
	field(out, "発注者", c->orderer);
	field(out, "担当部署", c->department);
	field(out, "受託者", c->vendor);
	field(out, "日付", c->date);
	field(out, "基準", s->title);
	field(out, "発行者", s->publisher);
	field(out, "版", s->version);
	if (s->nclasses > 0)
		field(out, "重要性分類", s->classes[c->klass].name);
	if (c->category >= 0)
		field(out, "委託する業務の分類", s->cats[c->category].name);
	for (i = 0; i < s->nattrs; i++)
		if (c->attr_values[i] != NULL) {
			char *v = g_strdup_printf("%s（%s）= %s", s->attrs[i].name, s->attrs[i].id,
			                          c->attr_values[i]);
			field(out, "属性", v);
			g_free(v);
		}
	g_string_append_printf(out, "- 出典: %s（SHA-256 %s）\n", s->id, s->hash);
	g_string_append_printf(out, "- 作成: clausegen %s\n", render_version());
	for (g = 0; g < G_N_ELEMENTS(groups); g++) {
		for (i = count = 0; i < r->n; i++)
			count += r->items[i].verdict == groups[g].v;
		if (count == 0)
			continue;
		g_string_append_printf(out, "\n## %s: %zu件\n", groups[g].head, count);
		for (i = 0; i < r->n; i++) {
			const sel_item *it = &r->items[i];
			if (it->verdict != groups[g].v)
				continue;
			g_string_append_printf(out, "\n### %s ", it->clause->number);
			md_inline(out, spec_clause_title(s, it->clause));
			g_string_append_printf(out, "\n\n%s\n\n理由: ", it->clause->body);
			md_inline(out, it->reason);
			g_string_append_c(out, '\n');
		}
	}
	for (i = count = 0; i < r->n; i++)
		count += r->items[i].verdict == V_NOT_APPLICABLE;
	if (count > 0) {
		g_string_append_printf(out, "\n## 対象外（not-applicable）: %zu件\n\n", count);
		for (i = 0; i < r->n; i++)
			if (r->items[i].verdict == V_NOT_APPLICABLE) {
				g_string_append_printf(out, "- %s %s: ", r->items[i].clause->number,
				                       r->items[i].clause->id);
				md_inline(out, r->items[i].reason);
				g_string_append_c(out, '\n');
			}
	}
	return g_string_free(out, FALSE);
}
