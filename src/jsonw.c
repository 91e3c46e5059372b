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
	size_t len = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
	                           "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
	                           "\x1c\x1d\x1e\x1f"), cap, at = o->len, n;
	json_t *j;

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
