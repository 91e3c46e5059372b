/* number.h: 公用文 numbering and party-term substitution.
 *
 * Japanese official documents number their levels 第1 → 1 → (1) → ア →
 * (ア). The renderer assigns these labels from the position of a section or
 * clause among the ones a document actually contains, so removing a clause
 * renumbers the rest with no gaps; sources never carry them. */
#ifndef CG_NUMBER_H
#define CG_NUMBER_H

#include <stddef.h>

/* Label of the `n`-th (1-based) item at `depth` (0 = top level): "第1",
 * "1", "(1)", "ア", "(ア)"; deeper levels and runs past ン fall back to
 * "(n)". Caller frees (g_free). */
char *num_label(int depth, size_t n);

/* Party names: the terms the source's text uses, and what a contract calls
 * the parties instead. */
typedef struct {
	const char *const *from_orderer; /* NULL-terminated, e.g. {"本市", "市"} */
	const char *to_orderer;          /* e.g. "甲"; NULL: keep */
	const char *const *from_vendor;
	const char *to_vendor;
	const char *const *protect;      /* words left alone, e.g. "区民", "区域" */
} num_terms;

/* Copies `text` replacing the source's party terms with the contract's.
 * Longer terms win, and protected words are copied unchanged, so that with
 * 区 → 甲 the word 区民 stays 区民. Caller frees. */
char *num_substitute(const char *text, const num_terms *t);

#endif
