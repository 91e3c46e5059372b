#include "labels.h"

#include <glib.h>
#include <string.h>

#include "ynode.h"

static const char *const spec_keys[] = { "required", "optional", "included", "not-announced", NULL };
static const char *const annex_keys[] = { "optional", "included", "announced-optional",
	                                  "not-contracted", NULL };

struct lb_labels {
	GHashTable *spec, *annex; /* key -> text */
};

static int load_map(const ynode *root, const char *name, const char *const *keys,
                    const char *path, GHashTable **out, cg_err *err)
{
	const ynode *m = yn_get(root, name);
	size_t i;

	if (m == NULL || m->type != YN_MAP) {
		cg_err_set(err, CG_EINPUT, path, m ? m->line : 1, m ? m->col : 1,
		           "'%s' must be a map of marker texts", name);
		return 0;
	}
	if (!yn_check_keys(m, keys, name, path, err))
		return 0;
	*out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (i = 0; keys[i] != NULL; i++) {
		const ynode *v = yn_get(m, keys[i]);
		if (v == NULL || v->type != YN_SCALAR) {
			cg_err_set(err, CG_EINPUT, path, v ? v->line : m->line, v ? v->col : m->col,
			           "'%s' needs the text for '%s'", name, keys[i]);
			return 0;
		}
		g_hash_table_insert(*out, g_strdup(keys[i]), g_strdup(v->str));
	}
	return 1;
}

lb_labels *labels_load(const char *templates_dir, cg_err *err)
{
	static const char *const top[] = { "spec", "annex", NULL };
	char *path = g_build_filename(templates_dir, "labels.yaml", NULL);
	lb_labels *l = g_new0(lb_labels, 1);
	ynode *root = yn_load(path, err);
	int ok = 0;

	if (root == NULL || !yn_check_keys(root, top, "labels.yaml", path, err) ||
	    !load_map(root, "spec", spec_keys, path, &l->spec, err) ||
	    !load_map(root, "annex", annex_keys, path, &l->annex, err))
		goto out;
	ok = 1;
out:
	yn_free(root);
	g_free(path);
	if (!ok) {
		labels_free(l);
		return NULL;
	}
	return l;
}

void labels_free(lb_labels *l)
{
	if (l == NULL)
		return;
	if (l->spec)
		g_hash_table_destroy(l->spec);
	if (l->annex)
		g_hash_table_destroy(l->annex);
	g_free(l);
}

const char *labels_marker(const lb_labels *l, const doc_node *n, doc_kind k)
{
	const char *key = doc_marker_key(n, k);
	const char *v;

	if (key == NULL)
		return "";
	v = g_hash_table_lookup(k == DOC_SPEC ? l->spec : l->annex, key);
	return v ? v : "";
}
