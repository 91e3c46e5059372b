/* labels.h: the fixed wording a document prints beside a clause (【必須】,
 * 【提案】 …), read from templates/labels.yaml so that wording stays data. */
#ifndef CG_LABELS_H
#define CG_LABELS_H

#include "doc.h"
#include "err.h"

typedef struct lb_labels lb_labels;

/* Loads and checks templates_dir/labels.yaml (every key present, no other). */
lb_labels *labels_load(const char *templates_dir, cg_err *err);
void labels_free(lb_labels *l);

/* The marker text for doc_marker_key(n, k); "" for none. */
const char *labels_marker(const lb_labels *l, const doc_node *n, doc_kind k);

#endif
