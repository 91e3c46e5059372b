#include "jsonw.h"

#include <jansson.h>
#include <string.h>

void jw_init(jw_writer *w)
{
	w->out = g_string_sized_new(4096);
	w->depth = 0;
}

/* A string as JSON, escaped by jansson (docs/architecture.md: escaping is
 * the library's, never hand-written); only the structure around it is
 * streamed here. Written straight into the end of `o`: jansson never
 * needs more than six bytes per byte (\u00XX) and the quotes. */
static void esc(GString *o, const char *s)
{
	size_t len = 0, cap, at = o->len, n;
	json_t *j;

	/* The bytes JSON escapes: '"', '\\' and the controls (a loop, not
	 * strcspn, which builds a table of its 34-byte set on every call). */
	while ((unsigned char)s[len] >= 0x20 && s[len] != '"' && s[len] != '\\')
		len++;

	/* Nothing to escape (most ids, numbers, titles): as it is. */
	if (s[len] == '\0') {
		g_string_append_c(o, '"');
		g_string_append_len(o, s, (gssize)len);
		g_string_append_c(o, '"');
		return;
	}
	len += strlen(s + len);
	cap = len * 6 + 3;
	/* The texts were validated as UTF-8 when they were read. */
	j = json_string_nocheck(s);
	g_string_set_size(o, at + cap);
	n = json_dumpb(j, o->str + at, cap, JSON_ENCODE_ANY);
	json_decref(j);
	g_assert(n > 0 && n <= cap);
	g_string_set_size(o, at + n);
}

/* Two spaces per level, in one append. */
static void indent(GString *o, int depth)
{
	static const char spaces[2 * JW_MAX_DEPTH] =
		"                                                                ";

	g_string_append_len(o, spaces, 2 * (gssize)depth);
}

/* The separator and indentation before a value, and its key. */
static void lead(jw_writer *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->empty[w->depth - 1])
			g_string_append_c(w->out, ',');
		w->empty[w->depth - 1] = 0;
		g_string_append_c(w->out, '\n');
		indent(w->out, w->depth);
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
	g_assert(w->depth > 0);
	w->depth--;
	if (!w->empty[w->depth]) {
		g_string_append_c(w->out, '\n');
		indent(w->out, w->depth);
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
