/* spec.h: the source model (one published standard: classes, categories,
 * tables of marks, sections, clauses with Markdown bodies, appendices) and
 * its loader for specs/<source-id>/ (format: docs/spec-format.md).
 *
 * A loaded source is immutable: selection and every renderer read it, none
 * changes it. */
#ifndef CG_SPEC_H
#define CG_SPEC_H

#include <stddef.h>

#include "err.h"
#include "ynode.h"

/* The verdict vocabulary of the CLI contract. */
typedef enum {
	V_REQUIRED = 0,
	V_OPTIONAL,
	V_NOT_APPLICABLE,
	V_INCLUDED,
	V_COUNT
} sp_verdict;

/* "required", "optional", "not-applicable", "included". */
const char *spec_verdict_name(sp_verdict v);
/* Parses a verdict name; returns -1 when unknown. */
int spec_verdict_parse(const char *s);

typedef struct {
	char *id, *name, *note;
} sp_dim;

typedef struct {
	char *id, *title, *note;
	size_t ncols;
	size_t *cols;        /* category index of each printed column */
	int seed_first, seed_last;
} sp_table;

typedef enum { SP_ATTR_BOOL, SP_ATTR_ENUM } sp_attr_type;

typedef struct {
	char *id, *name, *note;
	sp_attr_type type;
	char **values;       /* SP_ATTR_ENUM: allowed values */
	size_t nvalues;
} sp_attr;

typedef struct {
	char *id, *number, *title;
	int parent;          /* index of the enclosing section, -1 at top level */
	int depth;           /* 0 at top level */
	int seed_first, seed_last;
	int line, col;       /* position of the title's value in source.yaml */
} sp_section;

/* One `when`/`unless` entry: attribute index and the values that match
 * (booleans as "true"/"false"). */
typedef struct {
	size_t attr;
	char **values;
	size_t nvalues;
} sp_cond;

typedef struct {
	char *label, *url, *note;
} sp_ref;

typedef struct {
	char *id, *number, *title; /* title may be NULL: use the section's */
	size_t section;
	char *body;                /* Markdown, trimmed, LF line ends */
	/* render_body_html(body), kept by the source cache; NULL when the
	 * source was parsed without one (render.h renders it then). */
	char *body_html;
	/* marks[t] is NULL when the clause has no row in table t; otherwise
	 * nclasses_eff * tables[t].ncols mark strings, class-major. */
	char ***marks;
	sp_cond *when, *unless;
	size_t nwhen, nunless;
	int verdict;               /* fixed verdict, or -1 */
	sp_ref *refs;
	size_t nrefs;
	size_t *apps;              /* appendix indices */
	size_t napps;
	int seed_first, seed_last;
	char *note;
	char *file;                /* path, for messages */
	int line, col;             /* position of the id's value */
} sp_clause;

typedef struct {
	char *id, *title, *body;
	ynode *meta;               /* the whole front matter (columns, rows, …) */
	int seed_first, seed_last;
	char *file;
	int line, col;             /* position of the id's value */
} sp_appendix;

typedef struct {
	char *mark;
	sp_verdict verdict;
} sp_vocab;

typedef struct sp_source {
	/* A source read from the cache (spcache.h) owns the image it was read
	 * from (mapped read-only), and the id, number, title, body, body_html
	 * and note of its clauses point into it; spec_free unmaps it with
	 * them. NULL for a parsed source, whose strings are all its own
	 * allocations. */
	unsigned char *image;
	size_t image_len;
	char *id, *title, *publisher, *version;
	char *seed_file;
	int seed_first, seed_last;
	char *dir, *file;          /* directory and its source.yaml */
	sp_dim *classes;
	size_t nclasses;           /* 0: no class dimension */
	sp_dim *cats;
	size_t ncats;
	sp_table *tables;
	size_t ntables;            /* 0: verdicts come from the clauses */
	size_t select_table;
	size_t spec_table;         /* the table the procurement spec announces */
	sp_vocab *vocab;
	size_t nvocab;
	sp_attr *attrs;
	size_t nattrs;
	sp_verdict default_verdict;
	char *orderer, *vendor;    /* party names; NULL when not given */
	char **orderer_terms;      /* every word the text uses for each party, */
	char **vendor_terms;       /* the name first (NULL-terminated, never NULL) */
	char **protect;            /* words that contain a party term but are not one */
	sp_section *sections;
	size_t nsections;
	char *preamble;
	sp_clause *clauses;        /* in document order */
	size_t nclauses;
	sp_appendix *apps;
	size_t napps;
	char hash[65];             /* SHA-256 of every file of the source */
} sp_source;

/* Number of class rows a clause has per table: 1 without classes. */
#define SP_NCLASSES(s) ((s)->nclasses ? (s)->nclasses : 1)

/* Loads and validates the source in directory `dir`. Returns NULL and fills
 * `err` (with file, line and column) on any problem. Caller frees. A source
 * whose files have not changed since a previous load is read from its image
 * in the source cache (spcache.h, $CLAUSEGEN_CACHE_DIR): the result is the
 * same, field by field, and so is every error, which only a parse reports. */
sp_source *spec_load(const char *dir, cg_err *err);
void spec_free(sp_source *s);

/* Index lookups; -1 when absent. */
int spec_find_clause(const sp_source *s, const char *id);
int spec_find_class(const sp_source *s, const char *id);
int spec_find_category(const sp_source *s, const char *id);
int spec_find_attr(const sp_source *s, const char *id);
int spec_find_table(const sp_source *s, const char *id);

/* The mark of clause `c` in table `t` for class `k` (0 without classes) and
 * category `cat`; NULL when the clause has no row there or the table does not
 * cover the category. */
const char *spec_mark(const sp_source *s, const sp_clause *c, size_t t, size_t k,
                      size_t cat);

/* Title a document shows for a clause: its own, else its section's. */
const char *spec_clause_title(const sp_source *s, const sp_clause *c);

/* Ids of the sources below `specs_dir` (directories holding source.yaml),
 * sorted; NULL-terminated, free with g_strfreev. */
char **spec_list(const char *specs_dir);

#endif
