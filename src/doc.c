#include "doc.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "number.h"
#include "util.h"

static doc_node *node_new(doc_node *parent)
{
	doc_node *n = g_new0(doc_node, 1);

	n->announce = -1;
	if (parent != NULL) {
		parent->kids = g_renew(doc_node *, parent->kids, parent->nkids + 1);
		parent->kids[parent->nkids++] = n;
		n->depth = parent->depth + 1;
	}
	return n;
}

static void node_free(doc_node *n, int borrowed)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i], borrowed);
	g_free(n->kids);
	g_free(n->label);
	g_free(n->path);
	if (!borrowed) {
		g_free(n->title);
		g_free(n->body);
	}
	free(n->body_html);
	g_free(n);
}

/* Labels by position among the siblings actually present: this is what
 * makes a removed clause leave no gap. */
static void number_tree(doc_node *n, const char *prefix)
{
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		doc_node *k = n->kids[i];
		k->label = num_label(k->depth, i + 1);
		/* 公用文 reads a full reference as 第1の1(1)ア. */
		k->path = k->depth == 1 ? g_strconcat(prefix, "の", k->label, NULL)
		                        : g_strconcat(prefix, k->label, NULL);
		number_tree(k, k->path);
	}
}

static char *today(void)
{
	char *sde = util_sde_date();
	time_t t = time(NULL);
	struct tm tm;
	char buf[16];

	/* Reproducible builds: a fixed date replaces the day of the build. */
	if (sde != NULL)
		return sde;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return g_strdup(buf);
}

doc_model *doc_build(const sel_result *sel, const sel_result *ann, size_t ann_table)
{
	const sp_source *s = sel->src;
	const ct_contract *ct = sel->ct;
	doc_model *m = g_new0(doc_model, 1);
	doc_node **secnode = g_new0(doc_node *, s->nsections);
	char *used_apps = g_new0(char, s->napps + 1);
	num_terms terms = { 0 };
	size_t i, j;

	m->sel = sel;
	m->ann = ann;
	m->root = node_new(NULL);
	m->root->depth = -1;
	m->orderer = ct->party_orderer ? ct->party_orderer : s->orderer;
	m->vendor = ct->party_vendor ? ct->party_vendor : s->vendor;
	m->build_date = today();
	terms.from_orderer = (const char *const *)s->orderer_terms;
	terms.from_vendor = (const char *const *)s->vendor_terms;
	terms.protect = (const char *const *)s->protect;
	/* Substitute only what the contract renames; the source's own words
	 * stay exactly as transcribed otherwise. */
	if (ct->party_orderer && s->orderer && strcmp(ct->party_orderer, s->orderer) != 0)
		terms.to_orderer = ct->party_orderer;
	if (ct->party_vendor && s->vendor && strcmp(ct->party_vendor, s->vendor) != 0)
		terms.to_vendor = ct->party_vendor;
	/* Nothing to substitute: the source's strings serve as they are
	 * (3,000 copies and frees fewer at 3,000 clauses). */
	m->borrowed = terms.to_orderer == NULL && terms.to_vendor == NULL;

	for (i = 0; i < sel->n; i++) {
		const sel_item *it = &sel->items[i];
		const sel_item *an = &ann->items[i];
		const sp_clause *c = it->clause;
		doc_node *parent, *n;
		size_t chain[64], depth = 0;
		int sec;

		if (!sel_in_documents(it->verdict) && !sel_in_documents(an->verdict))
			continue;
		/* Make sure the clause's section and its ancestors exist. */
		for (sec = (int)c->section; sec >= 0 && depth < G_N_ELEMENTS(chain);
		     sec = s->sections[sec].parent)
			chain[depth++] = (size_t)sec;
		parent = m->root;
		while (depth-- > 0) {
			size_t k = chain[depth];
			if (secnode[k] == NULL) {
				secnode[k] = node_new(parent);
				secnode[k]->section = &s->sections[k];
				secnode[k]->title = m->borrowed ? s->sections[k].title
				                                : num_substitute(s->sections[k].title, &terms);
			}
			parent = secnode[k];
		}
		n = node_new(parent);
		n->is_clause = 1;
		n->clause = c;
		n->verdict = it->verdict;
		n->reason = it->reason;
		/* The spec's table may not list the clause at all (NISC 9.3.1
		 * has measures 9.2.3 does not announce). */
		if (ann == sel)
			n->announce = (int)it->verdict;
		else if (c->marks != NULL && c->marks[ann_table] != NULL)
			n->announce = (int)an->verdict;
		else
			n->announce = -1;
		if (m->borrowed) {
			n->title = c->title;
			n->body = c->body;
		} else {
			n->title = c->title ? num_substitute(c->title, &terms) : NULL;
			n->body = num_substitute(c->body, &terms);
		}
		m->nclauses++;
		for (j = 0; j < c->napps; j++)
			used_apps[c->apps[j]] = 1;
	}
	number_tree(m->root, "");
	m->apps = g_new0(size_t, s->napps + 1);
	for (i = 0; i < s->napps; i++)
		if (used_apps[i])
			m->apps[m->napps++] = i;
	g_free(used_apps);
	g_free(secnode);
	return m;
}

void doc_free(doc_model *m)
{
	if (m == NULL)
		return;
	node_free(m->root, m->borrowed);
	g_free(m->apps);
	g_free(m->build_date);
	g_free(m);
}

static const doc_node *find(const doc_node *n, const char *id)
{
	size_t i;

	if (n->is_clause && strcmp(n->clause->id, id) == 0)
		return n;
	for (i = 0; i < n->nkids; i++) {
		const doc_node *r = find(n->kids[i], id);
		if (r != NULL)
			return r;
	}
	return NULL;
}

const doc_node *doc_find(const doc_model *m, const char *id)
{
	return find(m->root, id);
}

static void walk(const doc_node *n, void (*fn)(const doc_node *, int, void *), void *ud)
{
	size_t i;

	fn(n, 1, ud);
	for (i = 0; i < n->nkids; i++)
		walk(n->kids[i], fn, ud);
	fn(n, 0, ud);
}

void doc_walk(const doc_model *m, void (*fn)(const doc_node *n, int enter, void *ud), void *ud)
{
	size_t i;

	for (i = 0; i < m->root->nkids; i++)
		walk(m->root->kids[i], fn, ud);
}

const char *doc_kind_name(doc_kind k)
{
	return k == DOC_SPEC ? "spec" : "annex";
}

static void put(GHashTable *h, const char *k, const char *v)
{
	g_hash_table_insert(h, (char *)k, g_strdup(v ? v : ""));
}

GHashTable *doc_fields(const doc_model *m, doc_kind k)
{
	const sp_source *s = m->sel->src;
	const ct_contract *c = m->sel->ct;
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	char num[32];

	put(h, "doc.kind", doc_kind_name(k));
	put(h, "contract.id", c->id);
	put(h, "contract.title", c->title);
	put(h, "contract.number", c->number);
	put(h, "contract.orderer", c->orderer);
	put(h, "contract.department", c->department);
	put(h, "contract.vendor", c->vendor);
	put(h, "contract.date", c->date);
	put(h, "contract.category", c->category >= 0 ? s->cats[c->category].name : NULL);
	put(h, "contract.class", s->nclasses ? s->classes[c->klass].name : NULL);
	put(h, "parties.orderer", m->orderer);
	put(h, "parties.vendor", m->vendor);
	put(h, "source.id", s->id);
	put(h, "source.title", s->title);
	put(h, "source.publisher", s->publisher);
	put(h, "source.version", s->version);
	put(h, "source.sha256", s->hash);
	put(h, "clausegen.version", CLAUSEGEN_VERSION);
	put(h, "build.date", m->build_date);
	g_snprintf(num, sizeof num, "%zu", m->nclauses);
	put(h, "counts.clauses", num);
	return h;
}

const char *doc_marker_key(const doc_node *n, doc_kind k)
{
	if (k == DOC_SPEC) {
		switch (n->announce) {
		case V_REQUIRED:
			return "required";
		case V_OPTIONAL:
			return "optional";
		case V_INCLUDED:
			return "included";
		default:
			return "not-announced";
		}
	}
	switch (n->verdict) {
	case V_REQUIRED:
		return n->announce == V_OPTIONAL ? "announced-optional" : NULL;
	case V_OPTIONAL:
		return "optional";
	case V_INCLUDED:
		return "included";
	default:
		return "not-contracted";
	}
}
