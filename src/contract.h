/* contract.h: a contract profile (a YAML file under specs/contracts): which source,
 * category and class, the system's attributes, the clauses chosen in or out,
 * the parties and which documents to produce (docs/contract-format.md).
 *
 * Loading is two steps: contract_load reads and checks the file on its own;
 * contract_bind checks it against its source and resolves ids to indices. */
#ifndef CG_CONTRACT_H
#define CG_CONTRACT_H

#include <stddef.h>

#include "err.h"
#include "spec.h"
#include "ynode.h"

typedef struct {
	char *key, *value;
	const ynode *pos;   /* where it was written; NULL from the command line */
} ct_pair;

typedef struct ct_contract {
	char *file;         /* NULL for a contract made from command-line flags */
	ynode *root;        /* the parsed file, kept for error positions */
	char *id, *title, *number, *orderer, *department, *vendor, *date, *note;
	char *source_id, *category_id, *class_id;
	char *party_orderer, *party_vendor; /* override the source's parties */
	ct_pair *attrs;     /* attribute id -> value, as written */
	size_t nattrs;
	ct_pair *include;   /* key: clause id; value: reason or NULL */
	size_t ninclude;
	ct_pair *exclude;
	size_t nexclude;
	char **documents;   /* NULL-terminated; never NULL after load */

	/* Filled by contract_bind. */
	const sp_source *src;
	int category;       /* index into src->cats, -1 if the source has none */
	int klass;          /* index into src->classes, 0 if it has none */
	char **attr_values; /* per source attribute: "true"/"false"/enum value or NULL */
} ct_contract;

/* The documents a contract may ask for, NULL-terminated. */
extern const char *const ct_document_names[];

/* Reads and checks a contract file (keys, types, id syntax). Caller frees. */
ct_contract *contract_load(const char *path, cg_err *err);

/* An empty contract for `select --source …` (no file); caller fills the
 * *_id fields and attrs, then binds. */
ct_contract *contract_new(void);

/* Adds an attribute setting `key=value` as given on the command line. */
void contract_add_attr(ct_contract *c, const char *key, const char *value);

/* Checks the contract against `src` (category, class, attributes, clause
 * ids of the choices) and resolves them. Errors carry the contract file's
 * position with kind CG_EINPUT, or for a command-line contract kind
 * CG_EUSAGE. `src` must outlive the contract's use. */
int contract_bind(ct_contract *c, const sp_source *src, cg_err *err);

/* True when the contract asks for document `name`. */
int contract_wants(const ct_contract *c, const char *name);

void contract_free(ct_contract *c);

#endif
