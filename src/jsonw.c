#include "jsonw.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <jansson.h>
#include <string.h>

#include "util.h"

void jw_init_to(jw_writer *w, GString *out)
{
	w->out = out;
	w->depth = 0;
	w->esc[0][0] = 0;
}

void jw_init(jw_writer *w)
{
	jw_init_to(w, g_string_sized_new(4096));
}

/* The length of the run at the start of `s` (of `n` bytes) that JSON
 * prints as it is: no '"', '\\' or control byte. Sixteen bytes at a time
 * with SSE2 (every x86-64 has it), else eight with the classic
 * has-zero-byte test on the word xor'ed with each byte sought and a
 * has-less-than for the controls: the byte loop was a tenth of a
 * 3,000-clause build, scanning 1.7 MB of clause text. */
static size_t plain_run(const char *s, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		/* max(v, 0x20) == v where the byte is not a control */
		unsigned plain = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v, space), v));
		unsigned hit = (unsigned)_mm_movemask_epi8(
		        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
		hit |= ~plain & 0xFFFFu;
		if (hit != 0)
			return i + (size_t)__builtin_ctz(hit);
	}
	/* The rest of a string of 16 bytes or more: its last 16, the bytes
	 * before `i` (checked above) masked off. Most strings are a few dozen
	 * bytes, and the byte loop below cost more than the blocks. */
	if (i < n && n >= 16) {
		size_t off = n - 16;
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + off));
		unsigned plain = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v, space), v));
		unsigned hit = (unsigned)_mm_movemask_epi8(
		        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
		hit = (hit | (~plain & 0xFFFFu)) & (0xFFFFu << (i - off)) & 0xFFFFu;
		return hit != 0 ? off + (size_t)__builtin_ctz(hit) : n;
	}
#else
	const guint64 ones = 0x0101010101010101u, highs = 0x8080808080808080u;

	for (; i + 8 <= n; i += 8) {
		guint64 w, q, b;
		memcpy(&w, s + i, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		if ((((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & highs)
			break;
	}
#endif
	while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/* jansson's escape of every byte it escapes, each dumped as a string of
 * one byte, quotes dropped. Asked once per writer, not once per file: a
 * writer is used by one thread, so two can render at once. */
static void esc_table(jw_writer *w)
{
	unsigned b;

	for (b = 1; b < JW_ESC_BYTES; b++) {
		char one = (char)b, buf[16];
		json_t *j = json_stringn_nocheck(&one, 1);
		size_t n = json_dumpb(j, buf, sizeof buf, JSON_ENCODE_ANY);

		json_decref(j);
		/* "\"x\"": drop the quotes; a byte jansson leaves as it is
		 * keeps an empty entry and is never looked up. */
		g_assert(n >= 3 && n - 2 < sizeof w->esc[b]);
		memcpy(w->esc[b], buf + 1, n - 2);
		w->esc[b][n - 2] = '\0';
	}
	w->esc[0][0] = 1; /* filled (NUL never occurs in a C string) */
}

/* A string as JSON (docs/architecture.md: escaping is the library's, never
 * hand-written): its plain runs as they are, each byte JSON escapes as
 * jansson escapes it (esc_table). Dumping a whole multi-line text through
 * jansson, which walks it code point by code point, was 25,000
 * instructions per text. */
static void esc(jw_writer *w, const char *s)
{
	GString *o = w->out;
	size_t n = strlen(s), at = 0;

	g_string_append_c(o, '"');
	for (;;) {
		size_t run = plain_run(s + at, n - at);
		unsigned char b;

		util_append(o, s + at, run);
		at += run;
		if (at == n)
			break;
		b = (unsigned char)s[at++];
		if (w->esc[0][0] == 0)
			esc_table(w);
		util_append_str(o, w->esc[b]);
	}
	g_string_append_c(o, '"');
}

/* Two spaces per level, in one append. */
static void indent(GString *o, int depth)
{
	static const char spaces[2 * JW_MAX_DEPTH] =
		"                                                                ";

	util_append(o, spaces, 2 * (size_t)depth);
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
		esc(w, key);
		UTIL_APPEND_LIT(w->out, ": ");
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
	esc(w, v);
}

void jw_int(jw_writer *w, const char *key, long long v)
{
	lead(w, key);
	g_string_append_printf(w->out, "%lld", v);
}

void jw_bool(jw_writer *w, const char *key, int v)
{
	lead(w, key);
	util_append_str(w->out, v ? "true" : "false");
}

void jw_end(jw_writer *w)
{
	g_assert(w->depth == 0);
	g_string_append_c(w->out, '\n');
}

char *jw_finish(jw_writer *w)
{
	jw_end(w);
	return g_string_free(w->out, FALSE);
}
