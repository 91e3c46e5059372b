#include "jsonw.h"

#include <string.h>

void jw_init(jw_writer *w)
{
	w->out = g_string_sized_new(4096);
	w->depth = 0;
}

static void esc(GString *o, const char *s)
{
	const char *run = s;

	g_string_append_c(o, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		const char *rep;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		g_string_append_len(o, run, s - run);
		run = s + 1;
		switch (ch) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			/* jansson's form for other control characters */
			g_string_append_printf(o, "\\u%04X", ch);
			continue;
		}
		g_string_append(o, rep);
	}
	g_string_append_len(o, run, s - run);
	g_string_append_c(o, '"');
}

/* The separator and indentation before a value, and its key. */
static void lead(jw_writer *w, const char *key)
{
	int i;

	if (w->depth > 0) {
		if (!w->empty[w->depth - 1])
			g_string_append_c(w->out, ',');
		w->empty[w->depth - 1] = 0;
		g_string_append_c(w->out, '\n');
		for (i = 0; i < w->depth; i++)
			g_string_append(w->out, "  ");
	}
	if (key != NULL) {
		esc(w->out, key);
		g_string_append(w->out, ": ");
	}
}

void jw_open(jw_writer *w, const char *key, char kind)
{
	g_assert(w->depth < JW_MAX_DEPTH);
	lead(w, key);
	g_string_append_c(w->out, kind);
	w->close[w->depth] = kind == '{' ? '}' : ']';
	w->empty[w->depth] = 1;
	w->depth++;
}

void jw_close(jw_writer *w)
{
	int i;

	g_assert(w->depth > 0);
	w->depth--;
	if (!w->empty[w->depth]) {
		g_string_append_c(w->out, '\n');
		for (i = 0; i < w->depth; i++)
			g_string_append(w->out, "  ");
	}
	g_string_append_c(w->out, w->close[w->depth]);
}

void jw_str(jw_writer *w, const char *key, const char *v)
{
	if (v == NULL)
		return;
	lead(w, key);
	esc(w->out, v);
}

void jw_int(jw_writer *w, const char *key, long long v)
{
	lead(w, key);
	g_string_append_printf(w->out, "%lld", v);
}

void jw_bool(jw_writer *w, const char *key, int v)
{
	lead(w, key);
	g_string_append(w->out, v ? "true" : "false");
}

char *jw_finish(jw_writer *w)
{
	g_assert(w->depth == 0);
	g_string_append_c(w->out, '\n');
	return g_string_free(w->out, FALSE);
}
