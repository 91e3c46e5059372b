#include "contract.h"

#include <glib.h>
#include <string.h>

#include "util.h"

const char *const ct_document_names[] = {
	"selection", "spec", "annex", "checklist-selection", "checklist-delivery",
	"checklist-periodic", NULL
};

static const char *const contract_keys[] = {
	"id", "title", "contract_number", "orderer", "department", "vendor", "source",
	"category", "class", "attributes", "choices", "documents", "date", "parties", "note",
	NULL
};

ct_contract *contract_new(void)
{
	ct_contract *c = g_new0(ct_contract, 1);

	c->documents = g_new0(char *, 1);
	c->category = -1;
	return c;
}

void contract_add_attr(ct_contract *c, const char *key, const char *value)
{
	c->attrs = g_renew(ct_pair, c->attrs, c->nattrs + 1);
	c->attrs[c->nattrs].key = g_strdup(key);
	c->attrs[c->nattrs].value = g_strdup(value);
	c->attrs[c->nattrs].pos = NULL;
	c->nattrs++;
}

static int fail_at(ct_contract *c, const ynode *n, cg_err *err, const char *fmt, ...)
	CG_PRINTF(4, 5);
static int fail_at(ct_contract *c, const ynode *n, cg_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_err_vset(err, CG_EINPUT, c->file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return 0;
}

static int text(ct_contract *c, const char *key, int required, char **out, cg_err *err)
{
	const ynode *n = yn_get(c->root, key);

	if (n == NULL)
		return required ? fail_at(c, c->root, err, "missing required key '%s'%s", key, "") : 1;
	if (n->type != YN_SCALAR)
		return fail_at(c, n, err, "'%s' must be text, not %s", key, yn_type_name(n));
	if (n->str[0] == '\0')
		return fail_at(c, n, err, "'%s' must not be empty%s", key, "");
	*out = g_strdup(n->str);
	return 1;
}

/* choices.include / choices.exclude: a list of clause ids, or of
 * {id, reason} maps. */
static int choice_list(ct_contract *c, const ynode *n, ct_pair **out, size_t *nout,
                       cg_err *err)
{
	static const char *const keys[] = { "id", "reason", NULL };
	size_t i;

	if (n == NULL)
		return 1;
	if (n->type != YN_SEQ)
		return fail_at(c, n, err, "a choice list must be a list of clause ids%s%s", "", "");
	*out = g_new0(ct_pair, n->n);
	for (i = 0; i < n->n; i++) {
		const ynode *e = n->items[i], *id, *reason;
		ct_pair *p = &(*out)[(*nout)++];
		p->pos = e;
		if (e->type == YN_SCALAR) {
			p->key = g_strdup(e->str);
			continue;
		}
		if (e->type != YN_MAP)
			return fail_at(c, e, err, "a choice is a clause id or {id, reason}%s%s", "", "");
		if (!yn_check_keys(e, keys, "a choice", c->file, err))
			return 0;
		id = yn_get(e, "id");
		reason = yn_get(e, "reason");
		if (id == NULL || id->type != YN_SCALAR)
			return fail_at(c, e, err, "a choice needs 'id', the clause id%s%s", "", "");
		if (reason != NULL && (reason->type != YN_SCALAR || reason->str[0] == '\0'))
			return fail_at(c, reason, err, "'reason' must be non-empty text%s%s", "", "");
		p->key = g_strdup(id->str);
		p->value = reason ? g_strdup(reason->str) : NULL;
		p->pos = id;
	}
	return 1;
}

static int valid_date(const char *s)
{
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return 0;
	return g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

ct_contract *contract_load(const char *path, cg_err *err)
{
	ct_contract *c = contract_new();
	size_t i, j;
	const ynode *n;

	c->file = g_strdup(path);
	c->root = yn_load(path, err);
	if (c->root == NULL)
		goto fail;
	if (c->root->type != YN_MAP) {
		fail_at(c, c->root, err, "a contract must be a map of keys%s%s", "", "");
		goto fail;
	}
	if (!yn_check_keys(c->root, contract_keys, "the contract", path, err))
		goto fail;
	if (!text(c, "id", 1, &c->id, err) || !text(c, "title", 1, &c->title, err) ||
	    !text(c, "contract_number", 0, &c->number, err) ||
	    !text(c, "orderer", 0, &c->orderer, err) ||
	    !text(c, "department", 0, &c->department, err) ||
	    !text(c, "vendor", 0, &c->vendor, err) || !text(c, "date", 0, &c->date, err) ||
	    !text(c, "note", 0, &c->note, err) || !text(c, "source", 1, &c->source_id, err) ||
	    !text(c, "category", 0, &c->category_id, err) ||
	    !text(c, "class", 0, &c->class_id, err))
		goto fail;
	/* The id names a directory under output/: keep it to a safe alphabet
	 * so that no id can climb out of it. */
	if (!util_valid_id(c->id, "-_")) {
		fail_at(c, yn_get(c->root, "id"), err,
		        "contract id '%s' may only hold letters, digits, '-' and '_'%s", c->id, "");
		goto fail;
	}
	if (c->date != NULL && !valid_date(c->date)) {
		fail_at(c, yn_get(c->root, "date"), err, "date '%s' is not a date YYYY-MM-DD%s",
		        c->date, "");
		goto fail;
	}
	n = yn_get(c->root, "attributes");
	if (n != NULL) {
		if (n->type != YN_MAP) {
			fail_at(c, n, err, "'attributes' must be a map of attribute: value%s%s", "", "");
			goto fail;
		}
		c->attrs = g_new0(ct_pair, n->n);
		for (i = 0; i < n->n; i++) {
			const ynode *v = YN_VAL(n, i);
			int b;
			ct_pair *p = &c->attrs[c->nattrs++];
			p->key = g_strdup(YN_KEY(n, i)->str);
			p->pos = YN_KEY(n, i);
			if (v->type != YN_SCALAR) {
				fail_at(c, v, err, "attribute '%s' must have a single value%s", p->key, "");
				goto fail;
			}
			/* Booleans are normalised here so that `yes` and `true`
			 * mean the same to the rules. */
			p->value = g_strdup(yn_bool(v, &b) ? (b ? "true" : "false") : v->str);
		}
	}
	n = yn_get(c->root, "choices");
	if (n != NULL) {
		static const char *const keys[] = { "include", "exclude", NULL };
		if (n->type != YN_MAP) {
			fail_at(c, n, err, "'choices' must be a map {include, exclude}%s%s", "", "");
			goto fail;
		}
		if (!yn_check_keys(n, keys, "choices", path, err) ||
		    !choice_list(c, yn_get(n, "include"), &c->include, &c->ninclude, err) ||
		    !choice_list(c, yn_get(n, "exclude"), &c->exclude, &c->nexclude, err))
			goto fail;
		for (i = 0; i < c->ninclude; i++)
			for (j = 0; j < c->nexclude; j++)
				if (strcmp(c->include[i].key, c->exclude[j].key) == 0) {
					fail_at(c, c->exclude[j].pos, err,
					        "clause '%s' is both included and excluded%s",
					        c->exclude[j].key, "");
					goto fail;
				}
	}
	n = yn_get(c->root, "parties");
	if (n != NULL) {
		static const char *const keys[] = { "orderer", "vendor", NULL };
		const ynode *o, *v;
		if (n->type != YN_MAP) {
			fail_at(c, n, err, "'parties' must be a map {orderer, vendor}%s%s", "", "");
			goto fail;
		}
		if (!yn_check_keys(n, keys, "parties", path, err))
			goto fail;
		o = yn_get(n, "orderer");
		v = yn_get(n, "vendor");
		if ((o && o->type != YN_SCALAR) || (v && v->type != YN_SCALAR)) {
			fail_at(c, n, err, "party names must be text%s%s", "", "");
			goto fail;
		}
		c->party_orderer = o ? g_strdup(o->str) : NULL;
		c->party_vendor = v ? g_strdup(v->str) : NULL;
	}
	n = yn_get(c->root, "documents");
	if (n != NULL) {
		if (n->type != YN_SEQ || n->n == 0) {
			fail_at(c, n, err, "'documents' must be a non-empty list%s%s", "", "");
			goto fail;
		}
		g_free(c->documents);
		c->documents = g_new0(char *, n->n + 1);
		for (i = 0; i < n->n; i++) {
			const ynode *d = n->items[i];
			const char *hint;
			for (j = 0; ct_document_names[j] != NULL; j++)
				if (d->type == YN_SCALAR && strcmp(d->str, ct_document_names[j]) == 0)
					break;
			if (ct_document_names[j] == NULL) {
				hint = d->type == YN_SCALAR
				               ? util_suggest(d->str, ct_document_names,
				                              g_strv_length((char **)ct_document_names))
				               : NULL;
				if (hint)
					fail_at(c, d, err, "unknown document '%s' (did you mean '%s'?)",
					        d->type == YN_SCALAR ? d->str : "?", hint);
				else
					fail_at(c, d, err, "unknown document '%s'%s",
					        d->type == YN_SCALAR ? d->str : "?", "");
				goto fail;
			}
			c->documents[i] = g_strdup(d->str);
		}
	}
	return c;
fail:
	contract_free(c);
	return NULL;
}

/* An error about value `v` of key `key`: at its position in the file, or
 * as a usage error for a command-line contract. */
static int bind_fail(ct_contract *c, const char *key, const ynode *pos, cg_err *err,
                     const char *fmt, ...) CG_PRINTF(5, 6);
static int bind_fail(ct_contract *c, const char *key, const ynode *pos, cg_err *err,
                     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (c->file == NULL) {
		cg_err_vset(err, CG_EUSAGE, NULL, 0, 0, fmt, ap);
	} else {
		if (pos == NULL)
			pos = key ? yn_get(c->root, key) : c->root;
		if (pos == NULL)
			pos = c->root;
		cg_err_vset(err, CG_EINPUT, c->file, pos ? pos->line : 0, pos ? pos->col : 0, fmt, ap);
	}
	va_end(ap);
	return 0;
}

/* "unknown X 'foo' (did you mean 'bar'?; known: a, b, c)". */
static char *unknown_msg(const char *what, const char *word, const char *const *ids, size_t n)
{
	GString *s = g_string_new(NULL);
	const char *hint = util_suggest(word, ids, n);
	size_t i;

	g_string_append_printf(s, "unknown %s '%s' (", what, word);
	if (hint)
		g_string_append_printf(s, "did you mean '%s'? ", hint);
	g_string_append(s, "known: ");
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", ids[i]);
	g_string_append(s, ")");
	return g_string_free(s, FALSE);
}

static int bind_dim(ct_contract *c, const char *key, const char *val, const sp_dim *dims,
                    size_t n, const char *what, int *out, cg_err *err)
{
	const char **ids;
	char *msg;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(dims[i].id, val) == 0) {
			*out = (int)i;
			return 1;
		}
	ids = g_new(const char *, n + 1);
	for (i = 0; i < n; i++)
		ids[i] = dims[i].id;
	msg = unknown_msg(what, val, ids, n);
	bind_fail(c, key, NULL, err, "%s%s", msg, "");
	g_free(msg);
	g_free(ids);
	return 0;
}

static int bind_choices(ct_contract *c, const ct_pair *list, size_t n, cg_err *err)
{
	const sp_source *s = c->src;
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (spec_find_clause(s, list[i].key) >= 0)
			continue;
		const char **ids = g_new(const char *, s->nclauses);
		const char *hint;
		for (k = 0; k < s->nclauses; k++)
			ids[k] = s->clauses[k].id;
		hint = util_suggest(list[i].key, ids, s->nclauses);
		if (hint)
			bind_fail(c, NULL, list[i].pos, err,
			          "clause '%s' does not exist in this source (did you mean '%s'?)",
			          list[i].key, hint);
		else
			bind_fail(c, NULL, list[i].pos, err,
			          "clause '%s' does not exist in source '%s'", list[i].key, s->id);
		g_free(ids);
		return 0;
	}
	return 1;
}

int contract_bind(ct_contract *c, const sp_source *src, cg_err *err)
{
	size_t i, k;

	c->src = src;
	c->category = -1;
	c->klass = 0;
	if (src->ncats > 0) {
		if (c->category_id == NULL)
			return bind_fail(c, NULL, NULL, err,
			                 "source '%s' has categories: the contract must name its 'category'%s",
			                 src->id, "");
		if (!bind_dim(c, "category", c->category_id, src->cats, src->ncats, "category",
		              &c->category, err))
			return 0;
	} else if (c->category_id != NULL) {
		return bind_fail(c, "category", NULL, err,
		                 "source '%s' has no categories; remove 'category'%s", src->id, "");
	}
	if (src->nclasses > 0) {
		if (c->class_id == NULL)
			return bind_fail(c, NULL, NULL, err,
			                 "source '%s' has importance classes: the contract must name its 'class'%s",
			                 src->id, "");
		if (!bind_dim(c, "class", c->class_id, src->classes, src->nclasses, "class",
		              &c->klass, err))
			return 0;
	} else if (c->class_id != NULL) {
		return bind_fail(c, "class", NULL, err,
		                 "source '%s' has no importance classes; remove 'class'%s", src->id, "");
	}
	g_free(c->attr_values);
	c->attr_values = g_new0(char *, src->nattrs + 1);
	for (i = 0; i < c->nattrs; i++) {
		const ct_pair *p = &c->attrs[i];
		int a = spec_find_attr(src, p->key);
		const sp_attr *at;
		if (a < 0) {
			const char **ids = g_new(const char *, src->nattrs + 1);
			char *msg;
			for (k = 0; k < src->nattrs; k++)
				ids[k] = src->attrs[k].id;
			msg = unknown_msg("attribute", p->key, ids, src->nattrs);
			bind_fail(c, NULL, p->pos, err, "%s%s", msg, "");
			g_free(msg);
			g_free(ids);
			return 0;
		}
		at = &src->attrs[a];
		if (at->type == SP_ATTR_BOOL) {
			/* On the command line --set x=yes must work too. */
			const char *v = p->value;
			if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0)
				v = "true";
			else if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0)
				v = "false";
			if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
				return bind_fail(c, NULL, p->pos ? YN_VAL(yn_get(c->root, "attributes"), i) : NULL,
				                 err, "attribute '%s' is true or false, not '%s'", at->id,
				                 p->value);
			c->attr_values[a] = (char *)(strcmp(v, "true") == 0 ? "true" : "false");
		} else {
			for (k = 0; k < at->nvalues; k++)
				if (strcmp(at->values[k], p->value) == 0)
					break;
			if (k == at->nvalues) {
				char *msg = unknown_msg("value", p->value, (const char *const *)at->values,
				                        at->nvalues);
				bind_fail(c, NULL, p->pos ? YN_VAL(yn_get(c->root, "attributes"), i) : NULL,
				          err, "%s for attribute '%s'", msg, at->id);
				g_free(msg);
				return 0;
			}
			c->attr_values[a] = at->values[k];
		}
	}
	return bind_choices(c, c->include, c->ninclude, err) &&
	       bind_choices(c, c->exclude, c->nexclude, err);
}

int contract_wants(const ct_contract *c, const char *name)
{
	size_t i;

	if (c->documents[0] == NULL)
		return 1; /* no list: everything the source supports */
	for (i = 0; c->documents[i] != NULL; i++)
		if (strcmp(c->documents[i], name) == 0)
			return 1;
	return 0;
}

static void free_pairs(ct_pair *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		g_free(p[i].key);
		g_free(p[i].value);
	}
	g_free(p);
}

void contract_free(ct_contract *c)
{
	if (c == NULL)
		return;
	g_free(c->file);
	yn_free(c->root);
	g_free(c->id);
	g_free(c->title);
	g_free(c->number);
	g_free(c->orderer);
	g_free(c->department);
	g_free(c->vendor);
	g_free(c->date);
	g_free(c->note);
	g_free(c->source_id);
	g_free(c->category_id);
	g_free(c->class_id);
	g_free(c->party_orderer);
	g_free(c->party_vendor);
	free_pairs(c->attrs, c->nattrs);
	free_pairs(c->include, c->ninclude);
	free_pairs(c->exclude, c->nexclude);
	g_strfreev(c->documents);
	g_free(c->attr_values); /* values point into the source or literals */
	g_free(c);
}
