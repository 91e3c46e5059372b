#include <glib.h>
#include <string.h>

#include "render.h"

/* Indents every line of `text` by `pad`. */
static void indented(GString *out, const char *text, const char *pad)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		g_string_append(out, pad);
		g_string_append_len(out, p, (gssize)len);
		g_string_append_c(out, '\n');
		p += len + (nl ? 1 : 0);
	}
}

char *render_text(const sel_result *r, int all)
{
	GString *out = g_string_new(NULL);
	size_t i;

	for (i = 0; i < r->n; i++) {
		const sel_item *it = &r->items[i];
		if (!all && !sel_in_documents(it->verdict))
			continue;
		g_string_append_printf(out, "%s %s [%s] %s\n", it->clause->number, it->clause->id,
		                       spec_verdict_name(it->verdict),
		                       spec_clause_title(r->src, it->clause));
		indented(out, it->clause->body, "    ");
		g_string_append_printf(out, "    理由: %s\n\n", it->reason);
	}
	return g_string_free(out, FALSE);
}
