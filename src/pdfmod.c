/* pdfmod.c: finds, loads and checks the PDF back-end module (pdfmod.h). */
#include "pdfmod.h"

#include <dlfcn.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CLAUSEGEN_VERSION
#define CLAUSEGEN_VERSION "unknown"
#endif
/* Where `cmake --install` puts the module (CMakeLists.txt). */
#ifndef CLAUSEGEN_PDF_LIBDIR
#define CLAUSEGEN_PDF_LIBDIR "/usr/local/lib/clausegen"
#endif

/* Defined when the back-end is linked into the program (the unit suites):
 * then nothing is loaded. A weak reference is null where it is not. */
extern const cg_pdf_backend clausegen_pdf_backend __attribute__((weak));

/* Never closed (pdfmod.h). */
static const cg_pdf_backend *backend;

/* Why the table `b` of `path` cannot be used, or NULL when it can. */
static char *refusal(const cg_pdf_backend *b, const char *path)
{
	static const size_t layout[CG_PDF_NLAYOUT] = CG_PDF_LAYOUT;

	if (b->abi == CG_PDF_ABI && b->size == sizeof *b &&
	    memcmp(b->layout, layout, sizeof layout) == 0 && b->version != NULL &&
	    strcmp(b->version, CLAUSEGEN_VERSION) == 0)
		return NULL;
	/* Only the first two fields are read before they are known to match:
	 * a table of another ABI may be shorter. */
	if (b->abi != CG_PDF_ABI || b->size != sizeof *b)
		return g_strdup_printf("%s was built for another clausegen (module ABI %u, table of "
		                       "%zu bytes; this program: ABI %u, %zu bytes): install the "
		                       "program and its module from the same build",
		                       path, b->abi, b->size, (unsigned)CG_PDF_ABI, sizeof *b);
	return g_strdup_printf("%s was built for another clausegen (version %s, or other data "
	                       "layouts; this program: %s): install the program and its module "
	                       "from the same build",
	                       path, b->version ? b->version : "?", CLAUSEGEN_VERSION);
}

/* Loads `path`. 1 with *b set when it is the module; 0 with *why (g_free)
 * when it is missing (*missing set) or unusable. */
static int load_one(const char *path, const cg_pdf_backend **b, int *missing, char **why)
{
	void *h;
	const char *e;

	*missing = 0;
	if (access(path, F_OK) != 0) {
		*missing = 1;
		*why = g_strdup_printf("%s: no such file", path);
		return 0;
	}
	/* RTLD_NOW: a core function the program does not export (pdfmod.dynlist)
	 * fails here, by name, and not in the middle of a document. RTLD_LOCAL:
	 * nothing loaded after it binds to the module's symbols. */
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		*why = g_strdup(e ? e : path);
		return 0;
	}
	dlerror();
	*b = dlsym(h, CG_PDF_SYMBOL);
	if (*b == NULL) {
		*why = g_strdup_printf("%s is not a clausegen PDF module (it has no %s)", path,
		                       CG_PDF_SYMBOL);
		dlclose(h);
		return 0;
	}
	if ((*why = refusal(*b, path)) != NULL) {
		*b = NULL;
		dlclose(h);
		return 0;
	}
	return 1;
}

/* The back-end, loaded on first use; NULL with a CG_ESYS error. */
static const cg_pdf_backend *get_backend(cg_err *err)
{
	const char *env = getenv("CLAUSEGEN_PDF_MODULE");
	GPtrArray *paths;
	GString *tried;
	char *exe;
	guint i;

	if (backend != NULL)
		return backend;
	if (&clausegen_pdf_backend != NULL)
		return backend = &clausegen_pdf_backend;
	if (env != NULL && env[0] == '\0')
		env = NULL;
	paths = g_ptr_array_new_with_free_func(g_free);
	if (env != NULL) {
		g_ptr_array_add(paths, g_strdup(env));
	} else {
		/* The build tree, and an installation that keeps the module
		 * beside the program. */
		if ((exe = g_file_read_link("/proc/self/exe", NULL)) != NULL) {
			char *dir = g_path_get_dirname(exe);
			g_ptr_array_add(paths, g_build_filename(dir, CG_PDF_MODULE, NULL));
			g_free(dir);
			g_free(exe);
		}
		g_ptr_array_add(paths, g_build_filename(CLAUSEGEN_PDF_LIBDIR, CG_PDF_MODULE, NULL));
	}
	tried = g_string_new(NULL);
	for (i = 0; i < paths->len; i++) {
		char *why = NULL;
		int missing;
		if (load_one(g_ptr_array_index(paths, i), &backend, &missing, &why))
			break;
		g_string_append_printf(tried, "%s%s", tried->len ? "; " : "", why);
		g_free(why);
		/* A module that is there but will not do is not passed over for
		 * another one further down the list. */
		if (!missing)
			break;
	}
	if (backend == NULL && env != NULL)
		cg_err_set(err, CG_ESYS, NULL, 0, 0,
		           "cannot load the PDF back-end that CLAUSEGEN_PDF_MODULE names: %s",
		           tried->str);
	else if (backend == NULL)
		cg_err_set(err, CG_ESYS, NULL, 0, 0,
		           "cannot load the PDF back-end %s (%s): install it beside the program or "
		           "in %s, or name it in CLAUSEGEN_PDF_MODULE",
		           CG_PDF_MODULE, tried->str, CLAUSEGEN_PDF_LIBDIR);
	g_string_free(tried, TRUE);
	g_ptr_array_free(paths, TRUE);
	return backend;
}

int pdfmod_render_contract(const doc_model *m, const struct lb_labels *lb, const char *pdf_yaml,
                           const char *checklists_yaml, const char *stage, FILE *warn,
                           cg_err *err)
{
	const cg_pdf_backend *b = get_backend(err);

	return b != NULL && b->render_contract(m, lb, pdf_yaml, checklists_yaml, stage, warn, err);
}

render_pdf_words *pdfmod_words_load(const char *path, cg_err *err)
{
	const cg_pdf_backend *b = get_backend(err);

	return b != NULL ? b->words_load(path, err) : NULL;
}

int pdfmod_guideline(const sp_source *s, const render_pdf_words *words, const char *date,
                     FILE *warn, char **out, size_t *len, cg_err *err)
{
	const cg_pdf_backend *b = get_backend(err);

	return b != NULL && b->guideline(s, words, date, warn, out, len, err);
}

void pdfmod_words_free(render_pdf_words *w)
{
	/* Words exist only when the back-end loaded them. */
	if (w != NULL && backend != NULL)
		backend->words_free(w);
}
