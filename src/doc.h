/* doc.h: the document model of one contract: the clauses that go into its
 * procurement specification and contract annex, arranged under their
 * sections and numbered once (公用文), with party terms substituted.
 *
 * Spec and annex are two views of this one model, so a clause has one number
 * and one wording in both by construction. Back-ends (render_html.c,
 * render_md.c) walk it; none renumbers or rewords. */
#ifndef CG_DOC_H
#define CG_DOC_H

#include <stddef.h>

#include <glib.h>

#include "select.h"

typedef struct doc_node doc_node;
struct doc_node {
	int is_clause;
	int depth;                /* 0 = top-level section */
	char *label;              /* 第1, 1, (1), ア, (ア) */
	char *path;               /* labels from the top: 第1の1(1) */
	char *title;              /* section title; clause title or NULL */
	const sp_section *section;
	const sp_clause *clause;
	sp_verdict verdict;       /* the contract's verdict (annex) */
	int announce;             /* the spec's verdict, -1 if not in its table */
	const char *reason;
	char *body;               /* clause Markdown, party terms substituted
	                           * (the source's string when the model is
	                           * `borrowed`) */
	/* The body as HTML, rendered by render_html.c the first time a
	 * document needs it and kept for the others: the spec and the annex
	 * of one model show the same body. A cache, not part of the model
	 * (malloc'd by cmark; freed with the node). */
	char *body_html;
	doc_node **kids;
	size_t nkids;
};

typedef struct {
	const sel_result *sel;    /* contract table: what the annex binds */
	const sel_result *ann;    /* spec table: what the tender announces */
	doc_node *root;           /* depth -1, holds the top-level sections */
	size_t nclauses;          /* clauses in the documents */
	size_t *apps;             /* appendices the documents carry */
	size_t napps;
	const char *orderer, *vendor; /* party names in the documents */
	char *build_date;         /* YYYY-MM-DD: SOURCE_DATE_EPOCH or today */
	/* No party is renamed: the nodes' titles and bodies are the source's
	 * own strings, borrowed, not copies (doc_free leaves them). */
	int borrowed;
} doc_model;

/* Builds the model. `ann` is the selection by the spec's table
 * `ann_table`, or `sel` itself when the source has one table. A clause is
 * in the documents when either selection puts it there. */
doc_model *doc_build(const sel_result *sel, const sel_result *ann, size_t ann_table);
void doc_free(doc_model *m);

/* The node of clause `id`, or NULL when it is not in the documents. */
const doc_node *doc_find(const doc_model *m, const char *id);

/* Calls `fn` for every node in document order (pre-order), depth first. */
void doc_walk(const doc_model *m, void (*fn)(const doc_node *n, int enter, void *ud), void *ud);


typedef enum { DOC_SPEC, DOC_ANNEX } doc_kind;

/* "spec" or "annex": also the name of the document's templates. */
const char *doc_kind_name(doc_kind k);

/* The template fields of the model for document `k` (see tmpl_fields),
 * except body and appendices, which the back-end adds. g_hash_table_unref. */
GHashTable *doc_fields(const doc_model *m, doc_kind k);

/* Key of the marker a clause carries in document `k` (templates/labels.yaml):
 * spec: required, optional, included, not-announced; annex: optional,
 * included, announced-optional, not-contracted; NULL for none. */
const char *doc_marker_key(const doc_node *n, doc_kind k);

#endif
