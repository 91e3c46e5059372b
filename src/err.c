#include "err.h"

#include <glib.h>
#include <stdarg.h>

void cg_err_vset(cg_err *e, cg_errkind kind, const char *file, int line, int col,
                 const char *fmt, va_list ap)
{
	if (e == NULL || e->kind != CG_OK)
		return;
	e->kind = kind;
	e->file = file ? g_strdup(file) : NULL;
	e->line = line;
	e->col = col;
	e->msg = g_strdup_vprintf(fmt, ap);
}

void cg_err_set(cg_err *e, cg_errkind kind, const char *file, int line, int col,
                const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_err_vset(e, kind, file, line, col, fmt, ap);
	va_end(ap);
}

int cg_err_isset(const cg_err *e)
{
	return e != NULL && e->kind != CG_OK;
}

void cg_err_print(const cg_err *e, FILE *fp)
{
	if (!cg_err_isset(e))
		return;
	if (e->file == NULL)
		fprintf(fp, "clausegen: error: %s\n", e->msg);
	else
		/* Editors jump to file:line:col; a position we do not know is
		 * printed as 1 so the format stays fixed for tools. */
		fprintf(fp, "%s:%d:%d: error: %s\n", e->file,
		        e->line > 0 ? e->line : 1, e->col > 0 ? e->col : 1, e->msg);
}

void cg_err_clear(cg_err *e)
{
	if (e == NULL)
		return;
	g_free(e->file);
	g_free(e->msg);
	e->kind = CG_OK;
	e->file = NULL;
	e->msg = NULL;
	e->line = e->col = 0;
}
