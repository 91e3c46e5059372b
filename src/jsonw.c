#include "jsonw.h"

#include <jansson.h>
#include <string.h>

void jw_init(jw_writer *w)
{
	w->out = g_string_sized_new(4096);
	w->depth = 0;
}

/* The length of the run at the start of `s` (of `n` bytes) that JSON
 * prints as it is: no '"', '\\' or control byte. Eight bytes at a time
 * (the classic has-zero-byte test on the word xor'ed with each byte
 * sought, and a has-less-than for the controls): the byte loop was a
 * tenth of a 3,000-clause build, scanning 1.7 MB of clause text. */
static size_t plain_run(const char *s, size_t n)
{
	const guint64 ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		guint64 w, q, b;
		memcpy(&w, s + i, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		if ((((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & highs)
			break;
	}
	while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/* A string as JSON, escaped by jansson (docs/architecture.md: escaping is
 * the library's, never hand-written); only the structure around it is
 * streamed here. Written straight into the end of `o`: jansson never
 * needs more than six bytes per byte (\u00XX) and the quotes. */
static void esc(GString *o, const char *s)
{
	size_t total = strlen(s), len, cap, at = o->len, n;
	json_t *j;

	len = plain_run(s, total);

	/* Nothing to escape (most ids, numbers, titles): as it is. */
	if (len == total) {
		g_string_append_c(o, '"');
		g_string_append_len(o, s, (gssize)len);
		g_string_append_c(o, '"');
		return;
	}
	len = total;
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
