/* ynode.h: a small YAML document tree with positions, built from libyaml's
 * event parser.
 *
 * Sources and contracts only need maps, sequences and scalars, so that is all
 * the tree has. Anchors and aliases are refused outright (no alias bombs),
 * nesting depth and node count are capped, and duplicate map keys are an
 * error: YAML would silently keep one of them, hiding an editing mistake. */
#ifndef CG_YNODE_H
#define CG_YNODE_H

#include <stddef.h>

#include "err.h"

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } yn_type;

typedef struct ynode ynode;
struct ynode {
	yn_type type;
	int line, col;      /* 1-based position in the file */
	char *str;          /* YN_SCALAR: the value, NUL-terminated */
	int quoted;         /* YN_SCALAR: written in quotes (so never a bool) */
	size_t n;           /* YN_SEQ: items; YN_MAP: key/value pairs */
	ynode **items;      /* YN_SEQ: n items; YN_MAP: 2n nodes, key then value */
};

#define YN_MAX_DEPTH 64
#define YN_MAX_NODES 200000

/* Parses one YAML document from `buf`. `file` names it in errors and
 * `line_offset` is added to every line (for front matter that starts below
 * line 1). An empty document gives an empty map. The caller owns the tree
 * (yn_free). */
ynode *yn_parse(const char *buf, size_t len, const char *file, int line_offset,
                cg_err *err);

/* Reads the file `path` (within CG_MAX_FILE_SIZE, checked as text by
 * util_read_text) and parses it as one document. NULL and `err` on either
 * failure. The caller owns the tree (yn_free). */
ynode *yn_load(const char *path, cg_err *err);

void yn_free(ynode *n);

/* Map lookup by key; NULL when absent or `map` is not a map. */
ynode *yn_get(const ynode *map, const char *key);

/* Key and value of pair `i` of a map. */
#define YN_KEY(m, i) ((m)->items[2 * (i)])
#define YN_VAL(m, i) ((m)->items[2 * (i) + 1])

/* Reports, as an input error in `path`, that `what` must be text unless `n`
 * is a scalar; a missing `n` is reported at `at`, its parent. Returns 1
 * when it is text. */
int yn_want_text(const ynode *n, const ynode *at, const char *what, const char *path,
                 cg_err *err);

/* Human name of a node's type for messages: "a map", "a list", "text". */
const char *yn_type_name(const ynode *n);

/* Reports, as an input error at the node, the first key of `map` that is not
 * in the NULL-terminated `allowed` list, with a did-you-mean. Returns 1 when
 * every key is known. `what` names the map in the message ("contract"). */
int yn_check_keys(const ynode *map, const char *const *allowed, const char *what,
                  const char *file, cg_err *err);

/* Plain scalars true/false (and YAML 1.1's yes/no, on/off) as booleans:
 * returns 1 and sets *out, or 0 when the node is not such a scalar. */
int yn_bool(const ynode *n, int *out);

#endif
