#include "spec.h"

#include <glib.h>
#include <string.h>

#include "spcache.h"
#include "util.h"

static const char *const verdict_names[V_COUNT] = {
	"required", "optional", "not-applicable", "included"
};

const char *spec_verdict_name(sp_verdict v)
{
	return (unsigned)v < V_COUNT ? verdict_names[v] : "?";
}

int spec_verdict_parse(const char *s)
{
	int i;

	for (i = 0; i < V_COUNT; i++)
		if (strcmp(s, verdict_names[i]) == 0)
			return i;
	return -1;
}

/* ---- small typed accessors that report errors at the node ---- */

typedef struct {
	const char *file;
	cg_err *err;
} ctx;

static int bad(ctx *c, const ynode *n, const char *fmt, ...) CG_PRINTF(3, 4);
static int bad(ctx *c, const ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_err_vset(c->err, CG_EINPUT, c->file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return 0;
}

/* A required or optional text value of `map`. */
static int get_str(ctx *c, const ynode *map, const char *key, int required, char **out)
{
	const ynode *n = yn_get(map, key);

	*out = NULL;
	if (n == NULL) {
		if (required)
			return bad(c, map, "missing required key '%s'%s", key, "");
		return 1;
	}
	if (n->type != YN_SCALAR)
		return bad(c, n, "'%s' must be text, not %s", key, yn_type_name(n));
	if (required && n->str[0] == '\0')
		return bad(c, n, "'%s' must not be empty%s", key, "");
	*out = g_strdup(n->str);
	return 1;
}

static int get_id(ctx *c, const ynode *map, const char *key, const char *extra, char **out)
{
	const ynode *n;

	if (!get_str(c, map, key, 1, out))
		return 0;
	n = yn_get(map, key);
	if (!util_valid_id(*out, extra)) {
		bad(c, n, "'%s' is not a valid id (letters, digits and '%s')", *out, extra);
		g_free(*out);
		*out = NULL;
		return 0;
	}
	return 1;
}

static int get_seq(ctx *c, const ynode *map, const char *key, int required,
                   const ynode **out)
{
	const ynode *n = yn_get(map, key);

	*out = NULL;
	if (n == NULL)
		return required ? bad(c, map, "missing required key '%s'%s", key, "") : 1;
	if (n->type != YN_SEQ)
		return bad(c, n, "'%s' must be a list, not %s", key, yn_type_name(n));
	*out = n;
	return 1;
}

static int want_map(ctx *c, const ynode *n, const char *what)
{
	if (n->type != YN_MAP)
		return bad(c, n, "each entry of %s must be a map, not %s", what, yn_type_name(n));
	return 1;
}

static int parse_int(const ynode *n, int *out)
{
	char *end;
	long v;

	if (n == NULL || n->type != YN_SCALAR || n->quoted || n->str[0] == '\0')
		return 0;
	v = strtol(n->str, &end, 10);
	if (*end != '\0' || v < 1 || v > 10000000)
		return 0;
	*out = (int)v;
	return 1;
}

/* `key: [first, last]`, line numbers of the seed. */
static int get_lines(ctx *c, const ynode *map, const char *key, int required, int *first,
                     int *last)
{
	const ynode *n = yn_get(map, key);

	*first = *last = 0;
	if (n == NULL)
		return required ? bad(c, map, "missing required key '%s'%s", key, "") : 1;
	if (n->type != YN_SEQ || n->n != 2 || !parse_int(n->items[0], first) ||
	    !parse_int(n->items[1], last) || *first > *last)
		return bad(c, n, "'%s' must be [first, last], two line numbers with first <= last%s",
		           key, "");
	return 1;
}

/* ---- source.yaml ---- */

static int parse_dims(ctx *c, const ynode *root, const char *key, sp_dim **out, size_t *nout)
{
	static const char *const keys[] = { "id", "name", "note", NULL };
	const ynode *seq;
	size_t i, j;

	*out = NULL;
	*nout = 0;
	if (!get_seq(c, root, key, 0, &seq) || seq == NULL)
		return seq == NULL && !cg_err_isset(c->err);
	*out = g_new0(sp_dim, seq->n);
	for (i = 0; i < seq->n; i++) {
		const ynode *m = seq->items[i];
		sp_dim *d = &(*out)[i];
		if (!want_map(c, m, key) || !yn_check_keys(m, keys, key, c->file, c->err))
			return 0;
		(*nout)++;
		if (!get_id(c, m, "id", "-_", &d->id) || !get_str(c, m, "name", 1, &d->name) ||
		    !get_str(c, m, "note", 0, &d->note))
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp((*out)[j].id, d->id) == 0)
				return bad(c, yn_get(m, "id"), "duplicate %s id '%s'", key, d->id);
	}
	return 1;
}

static int find_dim(const sp_dim *d, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(d[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int table_ref(ctx *c, const sp_source *s, const ynode *n, const char *key, size_t *out)
{
	size_t i;

	if (n->type == YN_SCALAR)
		for (i = 0; i < s->ntables; i++)
			if (strcmp(s->tables[i].id, n->str) == 0) {
				*out = i;
				return 1;
			}
	return bad(c, n, "%s '%s' is not one of the tables", key, n->type == YN_SCALAR ? n->str : "?");
}

/* select_table and spec_table, for declared and implicit tables alike. */
static int table_refs(ctx *c, sp_source *s, const ynode *root)
{
	const ynode *n = yn_get(root, "select_table");

	if (n != NULL && !table_ref(c, s, n, "select_table", &s->select_table))
		return 0;
	s->spec_table = s->select_table;
	n = yn_get(root, "spec_table");
	if (n != NULL && !table_ref(c, s, n, "spec_table", &s->spec_table))
		return 0;
	return 1;
}

static int parse_tables(ctx *c, sp_source *s, const ynode *root)
{
	static const char *const keys[] = { "id", "title", "columns", "seed_lines", "note", NULL };
	const ynode *seq;
	size_t i, j, k;

	if (!get_seq(c, root, "tables", 0, &seq))
		return 0;
	if (seq == NULL) {
		if (s->ncats == 0)
			return 1;
		/* The common case: one table over every category. */
		s->ntables = 1;
		s->tables = g_new0(sp_table, 1);
		s->tables[0].id = g_strdup("main");
		s->tables[0].title = g_strdup(s->title);
		s->tables[0].ncols = s->ncats;
		s->tables[0].cols = g_new(size_t, s->ncats);
		for (i = 0; i < s->ncats; i++)
			s->tables[0].cols[i] = i;
		s->tables[0].seed_first = s->seed_first;
		s->tables[0].seed_last = s->seed_last;
		return table_refs(c, s, root);
	}
	if (s->ncats == 0)
		return bad(c, seq, "'tables' needs 'categories' to name their columns%s%s", "", "");
	s->tables = g_new0(sp_table, seq->n);
	for (i = 0; i < seq->n; i++) {
		const ynode *m = seq->items[i], *cols;
		sp_table *t = &s->tables[i];
		if (!want_map(c, m, "tables") || !yn_check_keys(m, keys, "a table", c->file, c->err))
			return 0;
		s->ntables++;
		if (!get_id(c, m, "id", "-_", &t->id) || !get_str(c, m, "title", 1, &t->title) ||
		    !get_str(c, m, "note", 0, &t->note) ||
		    !get_lines(c, m, "seed_lines", 0, &t->seed_first, &t->seed_last) ||
		    !get_seq(c, m, "columns", 1, &cols))
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(s->tables[j].id, t->id) == 0)
				return bad(c, yn_get(m, "id"), "duplicate table id '%s'%s", t->id, "");
		if (cols->n == 0)
			return bad(c, cols, "table '%s' has no columns%s", t->id, "");
		t->cols = g_new(size_t, cols->n);
		for (j = 0; j < cols->n; j++) {
			const ynode *cn = cols->items[j];
			int idx;
			if (cn->type != YN_SCALAR)
				return bad(c, cn, "a column must be a category id%s%s", "", "");
			idx = find_dim(s->cats, s->ncats, cn->str);
			if (idx < 0)
				return bad(c, cn, "column '%s' is not a category of this source%s",
				           cn->str, "");
			for (k = 0; k < j; k++)
				if (t->cols[k] == (size_t)idx)
					return bad(c, cn, "category '%s' appears twice in table '%s'",
					           cn->str, t->id);
			t->cols[t->ncols++] = (size_t)idx;
		}
	}
	return table_refs(c, s, root);
}

static int parse_vocab(ctx *c, sp_source *s, const ynode *root)
{
	const ynode *m = yn_get(root, "marks");
	size_t i;

	if (m == NULL)
		return s->ntables == 0 ? 1 : bad(c, root, "a source with tables needs 'marks', the verdict of each mark%s%s", "", "");
	if (m->type != YN_MAP)
		return bad(c, m, "'marks' must be a map from mark to verdict%s%s", "", "");
	s->vocab = g_new0(sp_vocab, m->n);
	for (i = 0; i < m->n; i++) {
		const ynode *k = YN_KEY(m, i), *v = YN_VAL(m, i);
		int vd;
		if (k->str[0] == '\0' || strchr(k->str, ' ') != NULL)
			return bad(c, k, "a mark must be non-empty and without spaces%s%s", "", "");
		if (v->type != YN_SCALAR || (vd = spec_verdict_parse(v->str)) < 0)
			return bad(c, v, "verdict of mark '%s' must be required, optional, not-applicable or included%s",
			           k->str, "");
		s->vocab[i].mark = g_strdup(k->str);
		s->vocab[i].verdict = (sp_verdict)vd;
		s->nvocab++;
	}
	return 1;
}

static int parse_attrs(ctx *c, sp_source *s, const ynode *root)
{
	static const char *const keys[] = { "id", "name", "type", "values", "note", NULL };
	const ynode *seq;
	size_t i, j;

	if (!get_seq(c, root, "attributes", 0, &seq) || seq == NULL)
		return !cg_err_isset(c->err);
	s->attrs = g_new0(sp_attr, seq->n);
	for (i = 0; i < seq->n; i++) {
		const ynode *m = seq->items[i], *t, *vals;
		sp_attr *a = &s->attrs[i];
		if (!want_map(c, m, "attributes") ||
		    !yn_check_keys(m, keys, "an attribute", c->file, c->err))
			return 0;
		s->nattrs++;
		if (!get_id(c, m, "id", "-_", &a->id) || !get_str(c, m, "name", 1, &a->name) ||
		    !get_str(c, m, "note", 0, &a->note))
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(s->attrs[j].id, a->id) == 0)
				return bad(c, yn_get(m, "id"), "duplicate attribute id '%s'%s", a->id, "");
		t = yn_get(m, "type");
		if (t == NULL || t->type != YN_SCALAR ||
		    (strcmp(t->str, "bool") != 0 && strcmp(t->str, "enum") != 0))
			return bad(c, t ? t : m, "attribute '%s' needs type: bool or enum%s", a->id, "");
		a->type = strcmp(t->str, "bool") == 0 ? SP_ATTR_BOOL : SP_ATTR_ENUM;
		vals = yn_get(m, "values");
		if (a->type == SP_ATTR_BOOL) {
			if (vals != NULL)
				return bad(c, vals, "a bool attribute takes no 'values'%s%s", "", "");
			continue;
		}
		if (vals == NULL || vals->type != YN_SEQ || vals->n == 0)
			return bad(c, vals ? vals : m, "enum attribute '%s' needs a list of 'values'%s",
			           a->id, "");
		a->values = g_new0(char *, vals->n + 1);
		for (j = 0; j < vals->n; j++) {
			if (vals->items[j]->type != YN_SCALAR)
				return bad(c, vals->items[j], "attribute values must be text%s%s", "", "");
			a->values[a->nvalues++] = g_strdup(vals->items[j]->str);
		}
	}
	return 1;
}

static int parse_sections(ctx *c, sp_source *s, const ynode *root)
{
	static const char *const keys[] = { "id", "number", "title", "parent", "seed_lines", NULL };
	const ynode *seq;
	size_t i;
	int ok = 0;
	/* id -> index + 1 of the sections so far: a duplicate or a parent is
	 * found at once (searching the list made a long source quadratic). */
	GHashTable *ids;

	if (!get_seq(c, root, "sections", 1, &seq))
		return 0;
	ids = g_hash_table_new(g_str_hash, g_str_equal);
	s->sections = g_new0(sp_section, seq->n);
	for (i = 0; i < seq->n; i++) {
		const ynode *m = seq->items[i], *p, *t;
		sp_section *sec = &s->sections[i];
		gpointer at;
		if (!want_map(c, m, "sections") ||
		    !yn_check_keys(m, keys, "a section", c->file, c->err))
			goto out;
		s->nsections++;
		sec->parent = -1;
		if (!get_id(c, m, "id", "-_.", &sec->id) || !get_str(c, m, "number", 0, &sec->number) ||
		    !get_str(c, m, "title", 1, &sec->title) ||
		    !get_lines(c, m, "seed_lines", 0, &sec->seed_first, &sec->seed_last))
			goto out;
		/* The title's place, for messages about its text (a glyph no
		 * font has) */
		t = yn_get(m, "title");
		sec->line = t->line;
		sec->col = t->col;
		if (g_hash_table_contains(ids, sec->id)) {
			bad(c, yn_get(m, "id"), "duplicate section id '%s'%s", sec->id, "");
			goto out;
		}
		g_hash_table_insert(ids, sec->id, GSIZE_TO_POINTER(i + 1));
		p = yn_get(m, "parent");
		if (p == NULL)
			continue;
		at = p->type == YN_SCALAR ? g_hash_table_lookup(ids, p->str) : NULL;
		/* Only sections listed before this one: a section is not its own
		 * parent, and the order of the list is the order of the text. */
		if (at == NULL || GPOINTER_TO_SIZE(at) - 1 == i) {
			bad(c, p, "parent '%s' is not a section listed before this one%s",
			    p->type == YN_SCALAR ? p->str : "?", "");
			goto out;
		}
		sec->parent = (int)(GPOINTER_TO_SIZE(at) - 1);
		sec->depth = s->sections[sec->parent].depth + 1;
	}
	ok = 1;
out:
	g_hash_table_destroy(ids);
	return ok;
}

static int parse_notes(ctx *c, const ynode *root)
{
	static const char *const keys[] = { "topic", "decision", "evidence", NULL };
	const ynode *seq;
	size_t i;
	char *tmp;

	if (!get_seq(c, root, "notes", 0, &seq) || seq == NULL)
		return !cg_err_isset(c->err);
	for (i = 0; i < seq->n; i++) {
		const ynode *m = seq->items[i];
		if (!want_map(c, m, "notes") || !yn_check_keys(m, keys, "a note", c->file, c->err))
			return 0;
		if (!get_str(c, m, "topic", 1, &tmp))
			return 0;
		g_free(tmp);
		if (!get_str(c, m, "decision", 1, &tmp))
			return 0;
		g_free(tmp);
	}
	return 1;
}

/* A word or a list of words (parties: the first is the party's name). */
static int get_words(ctx *c, const ynode *map, const char *key, int required, char ***out)
{
	const ynode *n = yn_get(map, key);
	size_t i;

	if (n == NULL)
		return required ? bad(c, map, "missing required key '%s'", key) : 1;
	if (n->type == YN_SCALAR) {
		if (n->str[0] == '\0')
			return bad(c, n, "'%s' must not be empty", key);
		g_strfreev(*out);
		*out = g_new0(char *, 2);
		(*out)[0] = g_strdup(n->str);
		return 1;
	}
	if (n->type != YN_SEQ || n->n == 0)
		return bad(c, n, "'%s' must be a word or a list of words", key);
	g_strfreev(*out);
	*out = g_new0(char *, n->n + 1);
	for (i = 0; i < n->n; i++) {
		if (n->items[i]->type != YN_SCALAR || n->items[i]->str[0] == '\0')
			return bad(c, n->items[i], "'%s' lists words (text)", key);
		(*out)[i] = g_strdup(n->items[i]->str);
	}
	return 1;
}

static int parse_source_yaml(ctx *c, sp_source *s, const ynode *root, const char *dirname)
{
	static const char *const keys[] = {
		"id", "title", "publisher", "version", "seed", "classes", "categories", "tables",
		"select_table", "spec_table", "marks", "attributes", "default_verdict", "parties", "sections",
		"preamble", "notes", NULL
	};
	const ynode *seed, *parties, *dv;

	if (root->type != YN_MAP)
		return bad(c, root, "source.yaml must be a map%s%s", "", "");
	if (!yn_check_keys(root, keys, "source.yaml", c->file, c->err))
		return 0;
	if (!get_id(c, root, "id", "-", &s->id) || !get_str(c, root, "title", 1, &s->title) ||
	    !get_str(c, root, "publisher", 1, &s->publisher) ||
	    !get_str(c, root, "version", 1, &s->version) ||
	    !get_str(c, root, "preamble", 0, &s->preamble))
		return 0;
	if (strcmp(s->id, dirname) != 0)
		return bad(c, yn_get(root, "id"), "source id '%s' differs from its directory name '%s'",
		           s->id, dirname);
	seed = yn_get(root, "seed");
	if (seed == NULL || seed->type != YN_MAP)
		return bad(c, seed ? seed : root, "'seed' must be a map {file, lines}%s%s", "", "");
	{
		static const char *const skeys[] = { "file", "lines", NULL };
		if (!yn_check_keys(seed, skeys, "seed", c->file, c->err) ||
		    !get_str(c, seed, "file", 1, &s->seed_file) ||
		    !get_lines(c, seed, "lines", 1, &s->seed_first, &s->seed_last))
			return 0;
	}
	if (!parse_dims(c, root, "classes", &s->classes, &s->nclasses) ||
	    !parse_dims(c, root, "categories", &s->cats, &s->ncats) ||
	    !parse_tables(c, s, root) || !parse_vocab(c, s, root) || !parse_attrs(c, s, root) ||
	    !parse_sections(c, s, root) || !parse_notes(c, root))
		return 0;
	if (s->nclasses > 0 && s->ntables == 0)
		return bad(c, yn_get(root, "classes"), "'classes' without 'categories': a class alone selects nothing%s%s", "", "");
	s->default_verdict = V_REQUIRED;
	dv = yn_get(root, "default_verdict");
	if (dv != NULL) {
		int v = dv->type == YN_SCALAR ? spec_verdict_parse(dv->str) : -1;
		if (v < 0)
			return bad(c, dv, "default_verdict must be a verdict name%s%s", "", "");
		s->default_verdict = (sp_verdict)v;
	}
	parties = yn_get(root, "parties");
	s->orderer_terms = g_new0(char *, 1);
	s->vendor_terms = g_new0(char *, 1);
	s->protect = g_new0(char *, 1);
	if (parties != NULL) {
		static const char *const pkeys[] = { "orderer", "vendor", "protect", NULL };
		if (parties->type != YN_MAP)
			return bad(c, parties, "'parties' must be a map {orderer, vendor, protect}");
		if (!yn_check_keys(parties, pkeys, "parties", c->file, c->err) ||
		    !get_words(c, parties, "orderer", 1, &s->orderer_terms) ||
		    !get_words(c, parties, "vendor", 1, &s->vendor_terms) ||
		    !get_words(c, parties, "protect", 0, &s->protect))
			return 0;
		s->orderer = g_strdup(s->orderer_terms[0]);
		s->vendor = g_strdup(s->vendor_terms[0]);
	}
	return 1;
}

/* ---- front matter files (clauses and appendices) ---- */

typedef struct {
	ynode *meta;
	char *body;      /* trimmed Markdown */
} fm_file;

/* Splits `---\nYAML\n---\nbody` and parses the YAML with real line numbers. */
static int fm_parse(ctx *c, const char *buf, size_t len, fm_file *out)
{
	const char *y, *p, *end;
	size_t ylen;
	const char *body;

	out->meta = NULL;
	out->body = NULL;
	if (strncmp(buf, "---\n", 4) != 0 && strcmp(buf, "---") != 0) {
		cg_err_set(c->err, CG_EINPUT, c->file, 1, 1,
		           "the file must start with a '---' line opening its YAML front matter");
		return 0;
	}
	y = buf + 4;
	end = buf + len;
	for (p = y; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if ((ll == 3 && (strncmp(p, "---", 3) == 0 || strncmp(p, "...", 3) == 0)))
			break;
		p = nl ? nl + 1 : end;
	}
	if (p >= end) {
		int lines = 1;
		const char *q;
		for (q = buf; q < end; q++)
			lines += *q == '\n';
		cg_err_set(c->err, CG_EINPUT, c->file, lines, 1,
		           "front matter is not closed by a '---' line");
		return 0;
	}
	ylen = (size_t)(p - y);
	out->meta = yn_parse(y, ylen, c->file, 1, c->err);
	if (out->meta == NULL)
		return 0;
	if (out->meta->type != YN_MAP) {
		bad(c, out->meta, "front matter must be a map of keys%s%s", "", "");
		yn_free(out->meta);
		out->meta = NULL;
		return 0;
	}
	body = memchr(p, '\n', (size_t)(end - p));
	body = body ? body + 1 : end;
	/* Trim blank lines around the body: they are layout, not content. */
	while (body < end && (*body == '\n' || *body == ' ' || *body == '\t')) {
		const char *nl = body;
		while (nl < end && (*nl == ' ' || *nl == '\t'))
			nl++;
		if (nl < end && *nl != '\n')
			break;
		body = nl < end ? nl + 1 : end;
	}
	while (end > body && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	out->body = g_strndup(body, (size_t)(end - body));
	return 1;
}

static int parse_conds(ctx *c, const sp_source *s, const ynode *m, const char *key,
                       sp_cond **out, size_t *nout)
{
	const ynode *n = yn_get(m, key);
	size_t i, j;

	*out = NULL;
	*nout = 0;
	if (n == NULL)
		return 1;
	if (n->type != YN_MAP || n->n == 0)
		return bad(c, n, "'%s' must be a map of attribute: value(s)%s", key, "");
	*out = g_new0(sp_cond, n->n);
	for (i = 0; i < n->n; i++) {
		const ynode *k = YN_KEY(n, i), *v = YN_VAL(n, i);
		const ynode *const *vals;
		size_t nv;
		sp_cond *cd = &(*out)[i];
		int a = spec_find_attr(s, k->str);
		if (a < 0) {
			const char **ids = g_new(const char *, s->nattrs + 1);
			const char *hint;
			for (j = 0; j < s->nattrs; j++)
				ids[j] = s->attrs[j].id;
			hint = util_suggest(k->str, ids, s->nattrs);
			g_free(ids);
			if (hint)
				return bad(c, k, "unknown attribute '%s' (did you mean '%s'?)", k->str, hint);
			return bad(c, k, "unknown attribute '%s'; declare it in source.yaml%s", k->str, "");
		}
		(*nout)++;
		cd->attr = (size_t)a;
		if (v->type == YN_SEQ) {
			vals = (const ynode *const *)v->items;
			nv = v->n;
		} else {
			vals = (const ynode *const *)&v;
			nv = 1;
		}
		if (nv == 0)
			return bad(c, v, "'%s' of '%s' lists no values", key, k->str);
		cd->values = g_new0(char *, nv + 1);
		for (j = 0; j < nv; j++) {
			const sp_attr *at = &s->attrs[a];
			int b;
			if (vals[j]->type != YN_SCALAR)
				return bad(c, vals[j], "a condition value must be text%s%s", "", "");
			if (at->type == SP_ATTR_BOOL) {
				if (!yn_bool(vals[j], &b))
					return bad(c, vals[j], "attribute '%s' is a bool: use true or false, not '%s'",
					           at->id, vals[j]->str);
				cd->values[cd->nvalues++] = g_strdup(b ? "true" : "false");
			} else {
				size_t q;
				for (q = 0; q < at->nvalues; q++)
					if (strcmp(at->values[q], vals[j]->str) == 0)
						break;
				if (q == at->nvalues)
					return bad(c, vals[j], "'%s' is not a value of attribute '%s'",
					           vals[j]->str, at->id);
				cd->values[cd->nvalues++] = g_strdup(vals[j]->str);
			}
		}
	}
	return 1;
}

/* One printed row: marks separated by single spaces, each in the vocabulary,
 * exactly as many as the table has columns. */
static int parse_row(ctx *c, const sp_source *s, const sp_table *t, const ynode *n,
                     const char *label, char **out)
{
	const char *tok, *end;
	size_t nt = 0;

	if (n->type != YN_SCALAR)
		return bad(c, n, "the row %s must be text such as \"○ - ○\"%s", label, "");
	/* Marks are separated by one space each: two spaces make an empty
	 * mark, which is reported like any other unknown one. Scanned in
	 * place, since a large source has tens of thousands of rows. */
	for (tok = n->str; *n->str != '\0'; tok = end + 1) {
		size_t v, len;
		end = strchr(tok, ' ');
		if (end == NULL)
			end = tok + strlen(tok);
		len = (size_t)(end - tok);
		for (v = 0; v < s->nvocab; v++)
			if (strncmp(tok, s->vocab[v].mark, len) == 0 && s->vocab[v].mark[len] == '\0')
				break;
		if (v == s->nvocab) {
			/* The column of the bad mark, counted only now. */
			int col = n->col + (n->quoted ? 1 : 0) +
			          util_utf8_cols(n->str, (size_t)(tok - n->str));
			GString *known = g_string_new(NULL);
			for (v = 0; v < s->nvocab; v++)
				g_string_append_printf(known, "%s%s", v ? " " : "", s->vocab[v].mark);
			cg_err_set(c->err, CG_EINPUT, c->file, n->line, col,
			           "'%.*s' in the row %s is not a mark of this source (marks: %s; separate marks by one space)",
			           (int)len, tok, label, known->str);
			g_string_free(known, TRUE);
			return 0;
		}
		if (nt < t->ncols)
			out[nt] = s->vocab[v].mark;
		nt++;
		if (*end == '\0')
			break;
	}
	if (nt != t->ncols) {
		cg_err_set(c->err, CG_EINPUT, c->file, n->line, n->col,
		           "the row %s has %zu marks; table '%s' has %zu columns", label, nt, t->id,
		           t->ncols);
		return 0;
	}
	return 1;
}

/* The marks of one table: a row, or a map class id -> row. */
static int parse_table_marks(ctx *c, const sp_source *s, sp_clause *cl, size_t ti,
                             const ynode *n)
{
	const sp_table *t = &s->tables[ti];
	size_t k, i, nk = SP_NCLASSES(s);
	char **row = g_new0(char *, nk * t->ncols);
	char label[256];

	cl->marks[ti] = row; /* marks strings point into s->vocab */
	if (s->nclasses == 0) {
		g_snprintf(label, sizeof label, "of table '%s'", t->id);
		return parse_row(c, s, t, n, label, row);
	}
	if (n->type != YN_MAP)
		return bad(c, n, "marks of table '%s' must be a map of class id to row (classes: %s …)",
		           t->id, s->classes[0].id);
	for (i = 0; i < n->n; i++)
		if (find_dim(s->classes, s->nclasses, YN_KEY(n, i)->str) < 0)
			return bad(c, YN_KEY(n, i), "'%s' is not a class of this source%s",
			           YN_KEY(n, i)->str, "");
	for (k = 0; k < s->nclasses; k++) {
		const ynode *r = yn_get(n, s->classes[k].id);
		if (r == NULL)
			return bad(c, n, "marks lack the row of class '%s'%s", s->classes[k].id, "");
		g_snprintf(label, sizeof label, "of class %s", s->classes[k].id);
		if (!parse_row(c, s, t, r, label, row + k * t->ncols))
			return 0;
	}
	return 1;
}

static int parse_marks(ctx *c, const sp_source *s, sp_clause *cl, const ynode *m)
{
	const ynode *n = yn_get(m, "marks");
	size_t i;

	if (s->ntables == 0) {
		if (n != NULL)
			return bad(c, n, "this source has no tables, so a clause takes no marks (use 'verdict')%s%s", "", "");
		return 1;
	}
	cl->marks = g_new0(char **, s->ntables);
	if (n == NULL)
		return bad(c, m, "missing required key 'marks'%s%s", "", "");
	if (s->ntables == 1)
		return parse_table_marks(c, s, cl, 0, n);
	if (n->type != YN_MAP)
		return bad(c, n, "with several tables, 'marks' is a map of table id to marks%s%s", "", "");
	for (i = 0; i < n->n; i++) {
		int t = spec_find_table(s, YN_KEY(n, i)->str);
		if (t < 0)
			return bad(c, YN_KEY(n, i), "'%s' is not a table of this source%s",
			           YN_KEY(n, i)->str, "");
		if (!parse_table_marks(c, s, cl, (size_t)t, YN_VAL(n, i)))
			return 0;
	}
	return 1;
}

static int parse_refs(ctx *c, const ynode *m, sp_ref **out, size_t *nout)
{
	static const char *const keys[] = { "label", "url", "note", NULL };
	const ynode *seq;
	size_t i;

	*out = NULL;
	*nout = 0;
	if (!get_seq(c, m, "references", 0, &seq) || seq == NULL)
		return !cg_err_isset(c->err);
	*out = g_new0(sp_ref, seq->n);
	for (i = 0; i < seq->n; i++) {
		const ynode *r = seq->items[i];
		sp_ref *ref = &(*out)[i];
		(*nout)++;
		if (r->type == YN_SCALAR) {
			ref->label = g_strdup(r->str);
			continue;
		}
		if (r->type != YN_MAP || !yn_check_keys(r, keys, "a reference", c->file, c->err))
			return r->type == YN_MAP ? 0 : bad(c, r, "a reference is text or {label, url, note}%s%s", "", "");
		if (!get_str(c, r, "label", 1, &ref->label) || !get_str(c, r, "url", 0, &ref->url) ||
		    !get_str(c, r, "note", 0, &ref->note))
			return 0;
	}
	return 1;
}

static int load_clause(ctx *c, sp_source *s, const char *buf, size_t len, sp_clause *cl)
{
	static const char *const keys[] = {
		"id", "number", "section", "title", "marks", "when", "unless", "verdict",
		"references", "appendices", "seed_lines", "note", NULL
	};
	fm_file fm;
	const ynode *m, *sec, *v, *apps;
	size_t i;
	int ok = 0;

	cl->verdict = -1;
	cl->file = g_strdup(c->file);
	if (!fm_parse(c, buf, len, &fm))
		goto out;
	m = fm.meta;
	cl->body = fm.body;
	fm.body = NULL;
	if (!yn_check_keys(m, keys, "a clause", c->file, c->err) ||
	    !get_id(c, m, "id", "-_.", &cl->id) || !get_str(c, m, "number", 1, &cl->number) ||
	    !get_str(c, m, "title", 0, &cl->title) || !get_str(c, m, "note", 0, &cl->note) ||
	    !get_lines(c, m, "seed_lines", 1, &cl->seed_first, &cl->seed_last))
		goto out;
	cl->line = yn_get(m, "id")->line;
	cl->col = yn_get(m, "id")->col;
	sec = yn_get(m, "section");
	if (sec == NULL) {
		bad(c, m, "missing required key 'section'%s%s", "", "");
		goto out;
	}
	for (i = 0; i < s->nsections; i++)
		if (sec->type == YN_SCALAR && strcmp(s->sections[i].id, sec->str) == 0)
			break;
	if (i == s->nsections) {
		bad(c, sec, "section '%s' is not listed in source.yaml%s",
		    sec->type == YN_SCALAR ? sec->str : "?", "");
		goto out;
	}
	cl->section = i;
	if (cl->body[0] == '\0') {
		bad(c, m, "clause '%s' has no text below its front matter%s", cl->id, "");
		goto out;
	}
	if (!parse_marks(c, s, cl, m) || !parse_conds(c, s, m, "when", &cl->when, &cl->nwhen) ||
	    !parse_conds(c, s, m, "unless", &cl->unless, &cl->nunless) ||
	    !parse_refs(c, m, &cl->refs, &cl->nrefs))
		goto out;
	v = yn_get(m, "verdict");
	if (v != NULL) {
		if (s->ntables > 0) {
			bad(c, v, "a clause of a source with tables takes its verdict from its marks%s%s", "", "");
			goto out;
		}
		if (v->type != YN_SCALAR || (cl->verdict = spec_verdict_parse(v->str)) < 0) {
			bad(c, v, "verdict must be required, optional, not-applicable or included%s%s", "", "");
			goto out;
		}
	}
	if (!get_seq(c, m, "appendices", 0, &apps))
		goto out;
	if (apps != NULL) {
		cl->apps = g_new0(size_t, apps->n);
		for (i = 0; i < apps->n; i++) {
			const ynode *a = apps->items[i];
			size_t j;
			for (j = 0; j < s->napps; j++)
				if (a->type == YN_SCALAR && strcmp(s->apps[j].id, a->str) == 0)
					break;
			if (j == s->napps) {
				bad(c, a, "appendix '%s' does not exist in appendices/%s",
				    a->type == YN_SCALAR ? a->str : "?", "");
				goto out;
			}
			cl->apps[cl->napps++] = j;
		}
	}
	ok = 1;
out:
	yn_free(fm.meta);
	g_free(fm.body);
	return ok;
}

static int load_appendix(ctx *c, const char *buf, size_t len, sp_appendix *a)
{
	static const char *const keys[] = {
		"id", "title", "seed_lines", "columns", "rows", "references", "note", NULL
	};
	fm_file fm;

	a->file = g_strdup(c->file);
	if (!fm_parse(c, buf, len, &fm))
		return 0;
	a->meta = fm.meta;
	a->body = fm.body;
	if (!yn_check_keys(a->meta, keys, "an appendix", c->file, c->err) ||
	    !get_id(c, a->meta, "id", "-_", &a->id) || !get_str(c, a->meta, "title", 1, &a->title) ||
	    !get_lines(c, a->meta, "seed_lines", 1, &a->seed_first, &a->seed_last))
		return 0;
	a->line = yn_get(a->meta, "id")->line;
	a->col = yn_get(a->meta, "id")->col;
	return 1;
}

/* Section order, then the printed number, then id: the order of the
 * printed document, stable when a clerk inserts a clause. */
static int cmp_clause(const void *pa, const void *pb)
{
	const sp_clause *a = pa, *b = pb;
	int r;

	if (a->section != b->section)
		return a->section < b->section ? -1 : 1;
	r = util_natcmp(a->number, b->number);
	return r != 0 ? r : strcmp(a->id, b->id);
}

static void hash_file(GChecksum *sum, const char *rel, const char *buf, size_t len)
{
	g_checksum_update(sum, (const guchar *)rel, (gssize)strlen(rel) + 1);
	g_checksum_update(sum, (const guchar *)buf, (gssize)len);
	g_checksum_update(sum, (const guchar *)"", 1);
}

/* Loads every *.md of `sub` with `fn`, hashing it and noting it (and the
 * listing) as an input of the cache before reading it. */
static int load_dir(ctx *c, sp_source *s, const char *sub, GChecksum *sum, spcache *sc,
                    int is_clause)
{
	char *dir = g_build_filename(s->dir, sub, NULL);
	char **paths;
	size_t i, n;
	int ok = 0;

	spcache_note(sc, sub, dir);
	/* Any entry named *.md, so that a directory of that name is an error,
	 * not silently skipped. */
	paths = util_list_dir(dir, ".md", UTIL_LIST_ANY);
	n = g_strv_length(paths);

	if (is_clause)
		s->clauses = g_new0(sp_clause, n);
	else
		s->apps = g_new0(sp_appendix, n);
	for (i = 0; i < n; i++) {
		const char *path = paths[i];
		char *base = g_path_get_basename(path);
		char *rel = g_build_filename(sub, base, NULL);
		char *buf;
		size_t len;
		int r = 0;
		spcache_note(sc, rel, path);
		if (util_read_text(path, CG_MAX_FILE_SIZE, &buf, &len, c->err)) {
			ctx fc = { path, c->err };
			hash_file(sum, rel, buf, len);
			if (is_clause)
				r = load_clause(&fc, s, buf, len, &s->clauses[s->nclauses++]);
			else
				r = load_appendix(&fc, buf, len, &s->apps[s->napps++]);
			g_free(buf);
		}
		g_free(rel);
		g_free(base);
		if (!r)
			goto out;
	}
	ok = 1;
out:
	g_strfreev(paths);
	g_free(dir);
	return ok;
}

/* Parses and validates the source in `dir`, telling `sc` (may be NULL)
 * about every input before reading it. */
static sp_source *load_source(const char *dir, spcache *sc, cg_err *err)
{
	sp_source *s = g_new0(sp_source, 1);
	char *buf = NULL, *base = NULL;
	size_t len, i, j;
	ynode *root = NULL;
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	ctx c;

	s->dir = g_strdup(dir);
	s->file = g_build_filename(dir, "source.yaml", NULL);
	c.file = s->file;
	c.err = err;
	if (!util_is_dir(dir)) {
		cg_err_set(err, CG_EINPUT, dir, 0, 0, "no such source directory");
		goto fail;
	}
	spcache_note(sc, "source.yaml", s->file);
	if (!util_read_text(s->file, CG_MAX_FILE_SIZE, &buf, &len, err))
		goto fail;
	hash_file(sum, "source.yaml", buf, len);
	root = yn_parse(buf, len, s->file, 0, err);
	if (root == NULL)
		goto fail;
	base = g_path_get_basename(dir);
	if (!parse_source_yaml(&c, s, root, base))
		goto fail;
	if (!load_dir(&c, s, "appendices", sum, sc, 0))
		goto fail;
	for (i = 0; i < s->napps; i++)
		for (j = 0; j < i; j++)
			if (strcmp(s->apps[i].id, s->apps[j].id) == 0) {
				cg_err_set(err, CG_EINPUT, s->apps[i].file, s->apps[i].line,
				           s->apps[i].col,
				           "duplicate appendix id '%s' (first defined in %s)",
				           s->apps[i].id, s->apps[j].file);
				goto fail;
			}
	if (!load_dir(&c, s, "clauses", sum, sc, 1))
		goto fail;
	if (s->nclauses == 0) {
		cg_err_set(err, CG_EINPUT, dir, 0, 0, "source has no clauses in clauses/*.md");
		goto fail;
	}
	/* Duplicate ids: report the later file, naming the first. */
	{
		GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
		for (i = 0; i < s->nclauses; i++) {
			sp_clause *cl = &s->clauses[i];
			sp_clause *prev = g_hash_table_lookup(seen, cl->id);
			if (prev != NULL) {
				cg_err_set(err, CG_EINPUT, cl->file, cl->line, cl->col,
				           "duplicate clause id '%s' (first defined at %s:%d)", cl->id,
				           prev->file, prev->line);
				g_hash_table_destroy(seen);
				goto fail;
			}
			g_hash_table_insert(seen, cl->id, cl);
		}
		g_hash_table_destroy(seen);
	}
	qsort(s->clauses, s->nclauses, sizeof *s->clauses, cmp_clause);
	g_strlcpy(s->hash, g_checksum_get_string(sum), sizeof s->hash);
	g_checksum_free(sum);
	yn_free(root);
	g_free(buf);
	g_free(base);
	return s;
fail:
	g_checksum_free(sum);
	yn_free(root);
	g_free(buf);
	g_free(base);
	spec_free(s);
	return NULL;
}

sp_source *spec_load(const char *dir, cg_err *err)
{
	/* An unchanged source comes from its image (spcache.h): reading,
	 * YAML, UTF-8 checks, hashing and validation were half the time of a
	 * one-contract build. A load that fails is never saved, so every
	 * error is reported by the loader itself, as before. */
	spcache *sc = spcache_new(dir);
	sp_source *s = spcache_load(sc);

	if (s == NULL) {
		s = load_source(dir, sc, err);
		if (s != NULL)
			spcache_save(sc, s);
	}
	spcache_free(sc);
	return s;
}

static void free_dims(sp_dim *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		g_free(d[i].id);
		g_free(d[i].name);
		g_free(d[i].note);
	}
	g_free(d);
}

static void free_conds(sp_cond *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		g_strfreev(c[i].values);
	g_free(c);
}

/* Frees a clause's string unless it is in the source's image (spec.h). */
static void clause_str_free(const sp_source *s, char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (s->image == NULL || u < s->image || u >= s->image + s->image_len)
		g_free(p);
}

void spec_free(sp_source *s)
{
	size_t i, t;

	if (s == NULL)
		return;
	for (i = 0; i < s->nclauses; i++) {
		sp_clause *c = &s->clauses[i];
		clause_str_free(s, c->id);
		clause_str_free(s, c->number);
		clause_str_free(s, c->title);
		clause_str_free(s, c->body);
		clause_str_free(s, c->body_html);
		if (c->marks) {
			for (t = 0; t < s->ntables; t++)
				g_free(c->marks[t]);
			g_free(c->marks);
		}
		free_conds(c->when, c->nwhen);
		free_conds(c->unless, c->nunless);
		for (t = 0; t < c->nrefs; t++) {
			g_free(c->refs[t].label);
			g_free(c->refs[t].url);
			g_free(c->refs[t].note);
		}
		g_free(c->refs);
		g_free(c->apps);
		clause_str_free(s, c->note);
		g_free(c->file);
	}
	g_free(s->clauses);
	for (i = 0; i < s->napps; i++) {
		g_free(s->apps[i].id);
		g_free(s->apps[i].title);
		g_free(s->apps[i].body);
		g_free(s->apps[i].file);
		yn_free(s->apps[i].meta);
	}
	g_free(s->apps);
	for (i = 0; i < s->nsections; i++) {
		g_free(s->sections[i].id);
		g_free(s->sections[i].number);
		g_free(s->sections[i].title);
	}
	g_free(s->sections);
	for (i = 0; i < s->ntables; i++) {
		g_free(s->tables[i].id);
		g_free(s->tables[i].title);
		g_free(s->tables[i].note);
		g_free(s->tables[i].cols);
	}
	g_free(s->tables);
	for (i = 0; i < s->nvocab; i++)
		g_free(s->vocab[i].mark);
	g_free(s->vocab);
	for (i = 0; i < s->nattrs; i++) {
		g_free(s->attrs[i].id);
		g_free(s->attrs[i].name);
		g_free(s->attrs[i].note);
		g_strfreev(s->attrs[i].values);
	}
	g_free(s->attrs);
	free_dims(s->classes, s->nclasses);
	free_dims(s->cats, s->ncats);
	g_free(s->id);
	g_free(s->title);
	g_free(s->publisher);
	g_free(s->version);
	g_free(s->seed_file);
	g_free(s->dir);
	g_free(s->file);
	g_free(s->orderer);
	g_free(s->vendor);
	g_strfreev(s->orderer_terms);
	g_strfreev(s->vendor_terms);
	g_strfreev(s->protect);
	g_free(s->preamble);
	spcache_image_free(s->image, s->image_len);
	g_free(s);
}

int spec_find_clause(const sp_source *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nclauses; i++)
		if (strcmp(s->clauses[i].id, id) == 0)
			return (int)i;
	return -1;
}

int spec_find_class(const sp_source *s, const char *id)
{
	return find_dim(s->classes, s->nclasses, id);
}

int spec_find_category(const sp_source *s, const char *id)
{
	return find_dim(s->cats, s->ncats, id);
}

int spec_find_attr(const sp_source *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nattrs; i++)
		if (strcmp(s->attrs[i].id, id) == 0)
			return (int)i;
	return -1;
}

int spec_find_table(const sp_source *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->ntables; i++)
		if (strcmp(s->tables[i].id, id) == 0)
			return (int)i;
	return -1;
}

const char *spec_mark(const sp_source *s, const sp_clause *c, size_t t, size_t k, size_t cat)
{
	const sp_table *tb;
	size_t col;

	if (t >= s->ntables || c->marks == NULL || c->marks[t] == NULL)
		return NULL;
	tb = &s->tables[t];
	for (col = 0; col < tb->ncols; col++)
		if (tb->cols[col] == cat)
			return c->marks[t][k * tb->ncols + col];
	return NULL;
}

const char *spec_clause_title(const sp_source *s, const sp_clause *c)
{
	return c->title ? c->title : s->sections[c->section].title;
}

char **spec_list(const char *specs_dir)
{
	char **dirs = util_list_dir(specs_dir, NULL, UTIL_LIST_DIRS);
	GPtrArray *ids = g_ptr_array_new();
	size_t i;

	for (i = 0; dirs[i] != NULL; i++) {
		char *p = g_build_filename(dirs[i], "source.yaml", NULL);
		if (util_is_file(p))
			g_ptr_array_add(ids, g_path_get_basename(dirs[i]));
		g_free(p);
	}
	g_strfreev(dirs);
	g_ptr_array_add(ids, NULL);
	return (char **)g_ptr_array_free(ids, FALSE);
}
