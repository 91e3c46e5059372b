#include "ynode.h"

#include <glib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"

typedef struct {
	const char *file;
	int line_offset;
	size_t nodes;
	cg_err *err;
} yn_ctx;

static ynode *node_new(yn_ctx *c, yn_type t, yaml_mark_t m)
{
	ynode *n = g_new0(ynode, 1);

	n->type = t;
	n->line = (int)m.line + 1 + c->line_offset;
	n->col = (int)m.column + 1;
	c->nodes++;
	return n;
}

static void node_append(ynode *parent, ynode *child)
{
	/* Capacity doubles at each power of two: a list of 200,000 items
	 * costs 18 reallocations, not 200,000 (each a copy under ASan). */
	if (parent->n == 0 || (parent->n & (parent->n - 1)) == 0)
		parent->items = g_renew(ynode *, parent->items, parent->n ? 2 * parent->n : 1);
	parent->items[parent->n++] = child;
}

ynode *yn_load(const char *path, cg_err *err)
{
	char *buf;
	size_t len;
	ynode *root;

	if (!util_read_text(path, CG_MAX_FILE_SIZE, &buf, &len, err))
		return NULL;
	root = yn_parse(buf, len, path, 0, err);
	g_free(buf);
	return root;
}

void yn_free(ynode *n)
{
	size_t i, cnt;

	if (n == NULL)
		return;
	cnt = n->type == YN_MAP ? 2 * n->n : n->n;
	for (i = 0; i < cnt; i++)
		yn_free(n->items[i]);
	g_free(n->items);
	g_free(n->str);
	g_free(n);
}

static void parse_error(yn_ctx *c, yaml_parser_t *p)
{
	const char *what = p->problem ? p->problem : "syntax error";
	yaml_mark_t m = p->problem_mark;

	if (p->context != NULL)
		/* The context's start (an unclosed quote, a flow list) is where
		 * the mistake usually is; the problem is where it was noticed. */
		cg_err_set(c->err, CG_EINPUT, c->file, (int)m.line + 1 + c->line_offset,
		           (int)m.column + 1, "YAML: %s %s that started at line %d, column %d",
		           what, p->context, (int)p->context_mark.line + 1 + c->line_offset,
		           (int)p->context_mark.column + 1);
	else
		cg_err_set(c->err, CG_EINPUT, c->file, (int)m.line + 1 + c->line_offset,
		           (int)m.column + 1, "YAML: %s", what);
}

/* Builds the node that starts with event `ev` (already taken), reading
 * further events for collections. Iterative depth is bounded by recursion
 * depth, which YN_MAX_DEPTH caps. */
static ynode *build(yn_ctx *c, yaml_parser_t *p, yaml_event_t *ev, int depth)
{
	ynode *n = NULL, *dup;
	yaml_event_t e;
	GHashTable *keys = NULL; /* YN_MAP: key -> key node, once the map is big */

	if (depth > YN_MAX_DEPTH) {
		cg_err_set(c->err, CG_EINPUT, c->file,
		           (int)ev->start_mark.line + 1 + c->line_offset,
		           (int)ev->start_mark.column + 1,
		           "YAML nesting deeper than %d levels", YN_MAX_DEPTH);
		return NULL;
	}
	if (c->nodes >= YN_MAX_NODES) {
		cg_err_set(c->err, CG_EINPUT, c->file,
		           (int)ev->start_mark.line + 1 + c->line_offset,
		           (int)ev->start_mark.column + 1,
		           "YAML document has more than %d nodes", YN_MAX_NODES);
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		cg_err_set(c->err, CG_EINPUT, c->file,
		           (int)ev->start_mark.line + 1 + c->line_offset,
		           (int)ev->start_mark.column + 1,
		           "YAML aliases (*%s) are not supported; write the value out",
		           (const char *)ev->data.alias.anchor);
		return NULL;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor != NULL)
			goto anchor;
		n = node_new(c, YN_SCALAR, ev->start_mark);
		n->str = g_strndup((const char *)ev->data.scalar.value,
		                   ev->data.scalar.length);
		if (strlen(n->str) != ev->data.scalar.length) {
			/* "\0" escapes in quoted scalars would cut the text silently. */
			cg_err_set(c->err, CG_EINPUT, c->file, n->line, n->col,
			           "NUL character in YAML text");
			yn_free(n);
			return NULL;
		}
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		return n;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor != NULL)
			goto anchor;
		n = node_new(c, YN_SEQ, ev->start_mark);
		for (;;) {
			ynode *child;
			if (!yaml_parser_parse(p, &e)) {
				parse_error(c, p);
				goto fail;
			}
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				return n;
			}
			child = build(c, p, &e, depth + 1);
			yaml_event_delete(&e);
			if (child == NULL)
				goto fail;
			node_append(n, child);
		}
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor != NULL)
			goto anchor;
		n = node_new(c, YN_MAP, ev->start_mark);
		for (;;) {
			ynode *key, *val;
			size_t i;
			if (!yaml_parser_parse(p, &e)) {
				parse_error(c, p);
				goto fail;
			}
			if (e.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&e);
				n->n /= 2;
				if (keys != NULL)
					g_hash_table_destroy(keys);
				return n;
			}
			key = build(c, p, &e, depth + 1);
			yaml_event_delete(&e);
			if (key == NULL)
				goto fail;
			if (key->type != YN_SCALAR) {
				cg_err_set(c->err, CG_EINPUT, c->file, key->line, key->col,
				           "map keys must be plain text");
				yn_free(key);
				goto fail;
			}
			/* Small maps are searched; big ones get a hash table, so
			 * that a map of 100,000 keys is not 5e9 comparisons. */
			if (keys == NULL && n->n >= 2 * 16) {
				keys = g_hash_table_new(g_str_hash, g_str_equal);
				for (i = 0; i < n->n; i += 2)
					g_hash_table_insert(keys, n->items[i]->str, n->items[i]);
			}
			dup = NULL;
			if (keys != NULL)
				dup = g_hash_table_lookup(keys, key->str);
			else
				for (i = 0; i < n->n && dup == NULL; i += 2)
					if (strcmp(n->items[i]->str, key->str) == 0)
						dup = n->items[i];
			if (dup != NULL) {
				cg_err_set(c->err, CG_EINPUT, c->file, key->line, key->col,
				           "duplicate key '%s' (first at line %d)", key->str,
				           dup->line);
				yn_free(key);
				goto fail;
			}
			if (keys != NULL)
				g_hash_table_insert(keys, key->str, key);
			node_append(n, key);
			if (!yaml_parser_parse(p, &e)) {
				parse_error(c, p);
				goto fail;
			}
			val = build(c, p, &e, depth + 1);
			yaml_event_delete(&e);
			if (val == NULL)
				goto fail;
			node_append(n, val);
		}
	default:
		cg_err_set(c->err, CG_EINPUT, c->file,
		           (int)ev->start_mark.line + 1 + c->line_offset,
		           (int)ev->start_mark.column + 1, "unexpected YAML event");
		return NULL;
	}
anchor:
	cg_err_set(c->err, CG_EINPUT, c->file, (int)ev->start_mark.line + 1 + c->line_offset,
	           (int)ev->start_mark.column + 1,
	           "YAML anchors (&name) are not supported; write the value out");
	return NULL;
fail:
	if (keys != NULL)
		g_hash_table_destroy(keys);
	if (n != NULL && n->type == YN_MAP && (n->n % 2) == 1) {
		/* A key without its value: free it here, yn_free expects pairs. */
		yn_free(n->items[--n->n]);
	}
	if (n != NULL && n->type == YN_MAP)
		n->n /= 2;
	yn_free(n);
	return NULL;
}

ynode *yn_parse(const char *buf, size_t len, const char *file, int line_offset,
                cg_err *err)
{
	yaml_parser_t p;
	yaml_event_t e;
	yn_ctx c = { file, line_offset, 0, err };
	ynode *root = NULL;
	int done = 0;

	if (!yaml_parser_initialize(&p)) {
		cg_err_set(err, CG_ESYS, file, 0, 0, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&p, &e)) {
			parse_error(&c, &p);
			goto fail;
		}
		switch (e.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root != NULL) {
				cg_err_set(err, CG_EINPUT, file,
				           (int)e.start_mark.line + 1 + line_offset,
				           (int)e.start_mark.column + 1,
				           "more than one YAML document in the file");
				yaml_event_delete(&e);
				goto fail;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			root = build(&c, &p, &e, 0);
			if (root == NULL) {
				yaml_event_delete(&e);
				goto fail;
			}
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	if (root == NULL) {
		yaml_mark_t m = { 0, 0, 0 };
		root = node_new(&c, YN_MAP, m);
		root->line = 1 + line_offset;
	}
	return root;
fail:
	yaml_parser_delete(&p);
	yn_free(root);
	return NULL;
}

ynode *yn_get(const ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->type != YN_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (strcmp(YN_KEY(map, i)->str, key) == 0)
			return YN_VAL(map, i);
	return NULL;
}

const char *yn_type_name(const ynode *n)
{
	switch (n->type) {
	case YN_MAP:
		return "a map";
	case YN_SEQ:
		return "a list";
	default:
		return "text";
	}
}

int yn_check_keys(const ynode *map, const char *const *allowed, const char *what,
                  const char *file, cg_err *err)
{
	size_t i, j, n = 0;

	while (allowed[n] != NULL)
		n++;
	for (i = 0; i < map->n; i++) {
		const ynode *k = YN_KEY(map, i);
		const char *hint;
		for (j = 0; j < n; j++)
			if (strcmp(k->str, allowed[j]) == 0)
				break;
		if (j < n)
			continue;
		hint = util_suggest(k->str, allowed, n);
		if (hint != NULL)
			cg_err_set(err, CG_EINPUT, file, k->line, k->col,
			           "unknown key '%s' in %s (did you mean '%s'?)", k->str,
			           what, hint);
		else
			cg_err_set(err, CG_EINPUT, file, k->line, k->col,
			           "unknown key '%s' in %s", k->str, what);
		return 0;
	}
	return 1;
}

int yn_bool(const ynode *n, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "on", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "off", NULL };
	int i;

	if (n == NULL || n->type != YN_SCALAR || n->quoted)
		return 0;
	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(n->str, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(n->str, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	return 0;
}

int yn_want_text(const ynode *n, const ynode *at, const char *what, const char *path,
                 cg_err *err)
{
	if (n != NULL && n->type == YN_SCALAR)
		return 1;
	cg_err_set(err, CG_EINPUT, path, n ? n->line : at->line, n ? n->col : at->col,
	           "%s must be text", what);
	return 0;
}
