#include "number.h"

#include <glib.h>
#include <string.h>

#include "util.h"

/* The アイウエオ order used by 公用文 for the fourth level. */
static const char *const kana[] = {
	"ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス", "セ", "ソ", "タ",
	"チ", "ツ", "テ", "ト", "ナ", "ニ", "ヌ", "ネ", "ノ", "ハ", "ヒ", "フ", "ヘ", "ホ", "マ", "ミ",
	"ム", "メ", "モ", "ヤ", "ユ", "ヨ", "ラ", "リ", "ル", "レ", "ロ", "ワ", "ヲ", "ン"
};

/* `pre`, `n` in decimal and `post`: a label is made for every clause of
 * every document, and printf's machinery was most of numbering them. */
static char *around(const char *pre, size_t n, const char *post)
{
	char b[24];

	return g_strconcat(pre, util_decimal(b, (long long)n), post, NULL);
}

char *num_label(int depth, size_t n)
{
	switch (depth) {
	case 0:
		return around("第", n, "");
	case 1:
		return around("", n, "");
	case 2:
		return around("(", n, ")");
	case 3:
		if (n >= 1 && n <= G_N_ELEMENTS(kana))
			return g_strdup(kana[n - 1]);
		break;
	case 4:
		if (n >= 1 && n <= G_N_ELEMENTS(kana))
			return g_strconcat("(", kana[n - 1], ")", NULL);
		break;
	default:
		break;
	}
	return around("(", n, ")");
}

/* Length of the longest word of `list` that `p` starts with, or 0. */
static size_t match(const char *p, const char *const *list)
{
	size_t best = 0;

	for (; list && *list; list++) {
		size_t l;
		/* Most positions match no word: the first byte says so cheaply. */
		if ((*list)[0] != *p)
			continue;
		l = strlen(*list);
		if (l > best && strncmp(p, *list, l) == 0)
			best = l;
	}
	return best;
}

char *num_substitute(const char *text, const num_terms *t)
{
	GString *out;
	const char *p = text;

	if (t->to_orderer == NULL && t->to_vendor == NULL)
		return g_strdup(text);
	out = g_string_sized_new(strlen(text) + 16);
	while (*p) {
		size_t keep = match(p, t->protect);
		size_t o = t->to_orderer ? match(p, t->from_orderer) : 0;
		size_t v = t->to_vendor ? match(p, t->from_vendor) : 0;
		/* A protected word that is at least as long as the term wins:
		 * 区民 is kept, while 受託者 is still replaced if 受託 were
		 * protected. */
		if (keep > 0 && keep >= o && keep >= v) {
			g_string_append_len(out, p, (gssize)keep);
			p += keep;
		} else if (o > 0 && o >= v) {
			g_string_append(out, t->to_orderer);
			p += o;
		} else if (v > 0) {
			g_string_append(out, t->to_vendor);
			p += v;
		} else {
			/* One whole UTF-8 character: never split a multibyte one. */
			const char *next = g_utf8_next_char(p);
			g_string_append_len(out, p, (gssize)(next - p));
			p = next;
		}
	}
	return g_string_free(out, FALSE);
}
