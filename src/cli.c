#include "cli.h"

#include "batch.h"

#include <getopt.h>
#include <glib.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contract.h"
#include "doc.h"
#include "export.h"
#include "labels.h"
#include "tmpl.h"
#include "out.h"
#include "pdfmod.h"
#include "render.h"
#include "select.h"
#include "site.h"
#include "spec.h"
#include "stamp.h"
#include "util.h"

#ifndef CLAUSEGEN_DEFAULT_ROOT
#define CLAUSEGEN_DEFAULT_ROOT "."
#endif

enum {
	O_ROOT = 1 << 0, O_SPECS = 1 << 1, O_LUA = 1 << 2, O_OUTPUT = 1 << 3,
	O_SOURCE = 1 << 4, O_CATEGORY = 1 << 5, O_CLASS = 1 << 6, O_SET = 1 << 7,
	O_ALL = 1 << 8, O_FORMAT = 1 << 9, O_CONTRACT = 1 << 10, O_CLAUSE = 1 << 11,
	O_MEM = 1 << 12, O_INSTR = 1 << 13, O_FORCE = 1 << 14, O_JOBS = 1 << 15,
	O_FORMATS = 1 << 16
};
#define O_COMMON (O_ROOT | O_SPECS | O_LUA | O_MEM | O_INSTR)

typedef struct {
	FILE *out, *errf;
	char *root, *specs, *lua, *templates, *outdir;
	lb_labels *labels;    /* templates/labels.yaml, loaded on first use */
	char *source, *category, *klass, *contract, *clause, *format;
	GPtrArray *sets;
	int all;
	int force;            /* build: ignore stamps; publish: replace DIR */
	int jobs;             /* build -j */
	int threads;          /* build: render on a second thread (one process, 2+ cores) */
	size_t thread_min;    /* ... for a selection of this many clauses or more */
	char **formats;       /* build --formats: NULL for all */
	int quiet_built;      /* a progress bar stands for the "built" lines */
	char *run_stamp;      /* build: the run-wide part of every stamp */
	GString *buf;         /* build: what each file is rendered into, kept between contracts */
	unsigned seen;
	sb_limits lim;
	char **args;          /* positional arguments after the command */
	int nargs;
	GHashTable *sources;  /* id -> sp_source*, loaded once per run */
	GHashTable *printed;  /* errors already shown, so check says each once */
	int status;           /* worst exit code so far */
} cli;

static const struct option long_opts[] = {
	{ "root", required_argument, NULL, 'R' },
	{ "specs", required_argument, NULL, 'S' },
	{ "lua", required_argument, NULL, 'L' },
	{ "output", required_argument, NULL, 'o' },
	{ "source", required_argument, NULL, 's' },
	{ "category", required_argument, NULL, 'c' },
	{ "class", required_argument, NULL, 'k' },
	{ "set", required_argument, NULL, 'e' },
	{ "all", no_argument, NULL, 'a' },
	{ "format", required_argument, NULL, 'f' },
	{ "contract", required_argument, NULL, 'C' },
	{ "clause", required_argument, NULL, 'u' },
	{ "mem-limit", required_argument, NULL, 'M' },
	{ "instr-limit", required_argument, NULL, 'I' },
	{ "force", no_argument, NULL, 'F' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "formats", required_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char usage_text[] =
	"usage: clausegen COMMAND [OPTIONS]\n"
	"\n"
	"  sources [--format json|text]              list the sources in specs/\n"
	"  categories --source ID [--format json|text]\n"
	"  classes --source ID [--format json|text]\n"
	"  select --source ID --category C --class K [--set key=value]... [--all]\n"
	"         [--format json|text]\n"
	"  select --contract FILE.yaml [--all] [--format json|text]\n"
	"  explain --source ID --clause ID --category C --class K [--set key=value]...\n"
	"  explain --contract FILE.yaml --clause ID\n"
	"  check [PATH...]                           validate sources, contracts, scripts\n"
	"  build [CONTRACT.yaml|DIR...] [-o DIR] [-j N] [--force] [--formats html,md,pdf]\n"
	"                                            render contracts into DIR (output/);\n"
	"                                            unchanged contracts are not rebuilt\n"
	"  publish [--source ID] [-o DIR] [--force] [--formats html,pdf]\n"
	"                                            guideline site of one or every source\n"
	"                                            into DIR (output/site) with each one's\n"
	"                                            guideline.pdf; --force replaces a DIR\n"
	"                                            that is not a previous site\n"
	"  export --source ID [--format json|csv] [-o FILE]\n"
	"                                            the whole source (clauses, marks,\n"
	"                                            references); CSV is UTF-8 with a BOM\n"
	"\n"
	"common options: --root DIR (holds specs/ and lua/), --specs DIR, --lua DIR,\n"
	"  --mem-limit MIB and --instr-limit N (Lua sandbox limits)\n"
	"exit codes: 0 ok, 1 invalid input, 2 usage error, 3 I/O or system failure\n";

static int exit_code(cg_errkind k)
{
	switch (k) {
	case CG_OK:
		return 0;
	case CG_EINPUT:
		return 1;
	case CG_EUSAGE:
		return 2;
	default:
		return 3;
	}
}

/* Prints an error, records its exit code (keeping the worst) and clears it. */
static void fail(cli *c, cg_err *e)
{
	int code = exit_code(e->kind);
	char *key = g_strdup_printf("%s:%d:%d:%s", e->file ? e->file : "", e->line, e->col,
	                            e->msg ? e->msg : "");

	/* One broken script fails every source it runs for: say it once. */
	if (c->printed == NULL || g_hash_table_add(c->printed, key))
		cg_err_print(e, c->errf);
	else
		key = NULL;
	if (c->printed == NULL)
		g_free(key);
	if (code > c->status)
		c->status = code;
	cg_err_clear(e);
}

static int usage_error(cli *c, const char *fmt, ...) CG_PRINTF(2, 3);
static int usage_error(cli *c, const char *fmt, ...)
{
	cg_err e = { 0 };
	va_list ap;

	va_start(ap, fmt);
	cg_err_vset(&e, CG_EUSAGE, NULL, 0, 0, fmt, ap);
	va_end(ap);
	fail(c, &e);
	fprintf(c->errf, "try 'clausegen --help'\n");
	return 2;
}

static int parse_opts(cli *c, int argc, char **argv, unsigned allowed, const char *cmd)
{
	int ch, li;

	optind = 0; /* GNU: reinitialise, cli_main may run many times */
	opterr = 0;
	/* The leading ':' makes getopt return ':' for an option missing its
	 * value; without it that came back as '?' and `build -o` was reported
	 * as an unknown option instead of one that needs a value. */
	while ((li = -1, ch = getopt_long(argc, argv, ":o:j:h", long_opts, &li)) != -1) {
		unsigned bit = 0;
		char name[64];

		if (li >= 0)
			g_snprintf(name, sizeof name, "--%s", long_opts[li].name);
		else
			g_snprintf(name, sizeof name, "-%c", ch == '?' || ch == ':' ? optopt : ch);
		switch (ch) {
		case 'R': bit = O_ROOT; c->root = optarg; break;
		case 'S': bit = O_SPECS; c->specs = optarg; break;
		case 'L': bit = O_LUA; c->lua = optarg; break;
		case 'o': bit = O_OUTPUT; c->outdir = optarg; break;
		case 's': bit = O_SOURCE; c->source = optarg; break;
		case 'c': bit = O_CATEGORY; c->category = optarg; break;
		case 'k': bit = O_CLASS; c->klass = optarg; break;
		case 'e': bit = O_SET; g_ptr_array_add(c->sets, optarg); break;
		case 'a': bit = O_ALL; c->all = 1; break;
		case 'f': bit = O_FORMAT; c->format = optarg; break;
		case 'C': bit = O_CONTRACT; c->contract = optarg; break;
		case 'u': bit = O_CLAUSE; c->clause = optarg; break;
		case 'M': {
			char *end;
			unsigned long long mib = strtoull(optarg, &end, 10);
			if (*end != '\0' || mib == 0 || mib > 65536)
				return usage_error(c, "--mem-limit takes a size in MiB (1 to 65536), not '%s'%s",
				                   optarg, "");
			c->lim.mem_limit = (size_t)mib * 1024 * 1024;
			bit = O_MEM;
			break;
		}
		case 'I': {
			char *end;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (*end != '\0' || n == 0)
				return usage_error(c, "--instr-limit takes a positive number, not '%s'%s",
				                   optarg, "");
			c->lim.instr_limit = n;
			bit = O_INSTR;
			break;
		}
		case 'F': bit = O_FORCE; c->force = 1; break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 256)
				return usage_error(c, "-j takes a number of jobs (1 to 256), not '%s'%s",
				                   optarg, "");
			c->jobs = (int)n;
			bit = O_JOBS;
			break;
		}
		case 'T': {
			static const char *const known[] = { "html", "md", "pdf" };
			size_t k, m;
			g_strfreev(c->formats);
			c->formats = g_strsplit(optarg, ",", -1);
			for (k = 0; c->formats[k] != NULL; k++) {
				for (m = 0; m < G_N_ELEMENTS(known); m++)
					if (strcmp(c->formats[k], known[m]) == 0)
						break;
				if (m == G_N_ELEMENTS(known))
					return usage_error(c, "--formats takes a list of html, md and pdf, not '%s'%s",
					                   c->formats[k], "");
			}
			if (k == 0)
				return usage_error(c, "--formats needs at least one of html, md and pdf%s", "");
			bit = O_FORMATS;
			break;
		}
		case 'h':
			fputs(usage_text, c->out);
			return -1;
		case ':':
			return usage_error(c, "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error(c, "unknown option '%s'", argv[optind - 1]);
		}
		if (!(allowed & bit))
			return usage_error(c, "option '%s' is not used by '%s'", name, cmd);
		if ((c->seen & bit) && bit != O_SET)
			return usage_error(c, "option '%s' given twice", name);
		c->seen |= bit;
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	return 0;
}

/* Where specs/ and lua/ are: --root, $CLAUSEGEN_ROOT, the current directory
 * when it has specs/, else the tree the program was built from. */
static void resolve_paths(cli *c)
{
	const char *root = c->root;

	if (root == NULL)
		root = g_getenv("CLAUSEGEN_ROOT");
	if (root == NULL)
		root = util_is_dir("specs") ? "." : CLAUSEGEN_DEFAULT_ROOT;
	/* Relative names in messages when working in the current directory. */
	if (c->specs == NULL)
		c->specs = strcmp(root, ".") == 0 ? g_strdup("specs")
		                                  : g_build_filename(root, "specs", NULL);
	else
		c->specs = g_strdup(c->specs);
	if (c->lua == NULL)
		c->lua = strcmp(root, ".") == 0 ? g_strdup("lua") : g_build_filename(root, "lua", NULL);
	else
		c->lua = g_strdup(c->lua);
	c->templates = strcmp(root, ".") == 0 ? g_strdup("templates")
	                                      : g_build_filename(root, "templates", NULL);
}

static int check_format(cli *c, const char *dflt)
{
	if (c->format == NULL)
		c->format = (char *)dflt;
	if (strcmp(c->format, "json") != 0 && strcmp(c->format, "text") != 0)
		return usage_error(c, "--format is json or text, not '%s'%s", c->format, "");
	return 0;
}

static int want_json(const cli *c)
{
	return strcmp(c->format, "json") == 0;
}

/* Loads (once) the source `id`. Unknown ids: the message lists the known
 * ones, with kind `kind` and position `at` when it comes from a file. */
static sp_source *get_source(cli *c, const char *id, cg_errkind kind, const char *file,
                             const ynode *at, cg_err *err)
{
	sp_source *s = g_hash_table_lookup(c->sources, id);
	char *dir;

	if (s != NULL)
		return s;
	dir = g_build_filename(c->specs, id, NULL);
	if (!util_valid_id(id, "-_") || !util_is_dir(dir)) {
		char **ids = spec_list(c->specs);
		char *known = g_strjoinv(", ", ids);
		const char *hint = util_suggest(id, (const char *const *)ids, g_strv_length(ids));
		if (hint)
			cg_err_set(err, kind, file, at ? at->line : 0, at ? at->col : 0,
			           "unknown source '%s' (did you mean '%s'? known: %s)", id, hint, known);
		else
			cg_err_set(err, kind, file, at ? at->line : 0, at ? at->col : 0,
			           "unknown source '%s' (known: %s)", id, known[0] ? known : "none");
		g_free(known);
		g_strfreev(ids);
		g_free(dir);
		return NULL;
	}
	s = spec_load(dir, err);
	g_free(dir);
	if (s != NULL)
		g_hash_table_insert(c->sources, s->id, s);
	return s;
}

/* ---- sources, categories, classes ---- */

static int cmd_sources(cli *c)
{
	char **ids;
	json_t *arr = json_array();
	size_t i;
	cg_err e = { 0 };

	if (check_format(c, "text"))
		goto out;
	if (c->nargs > 0) {
		usage_error(c, "'sources' takes no arguments (got '%s')%s", c->args[0], "");
		goto out;
	}
	ids = spec_list(c->specs);
	for (i = 0; ids[i] != NULL; i++) {
		sp_source *s = get_source(c, ids[i], CG_EINPUT, NULL, NULL, &e);
		json_t *o;
		if (s == NULL) {
			fail(c, &e);
			continue;
		}
		o = json_object();
		json_object_set_new(o, "id", json_string(s->id));
		json_object_set_new(o, "title", json_string(s->title));
		json_object_set_new(o, "version", json_string(s->version));
		json_object_set_new(o, "publisher", json_string(s->publisher));
		json_object_set_new(o, "clauses", json_integer((json_int_t)s->nclauses));
		json_array_append_new(arr, o);
		if (!want_json(c))
			fprintf(c->out, "%s\t%s\t%s\t%s\n", s->id, s->version, s->publisher, s->title);
	}
	g_strfreev(ids);
	if (want_json(c) && c->status == 0) {
		char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(c->out, "%s\n", s);
		free(s);
	}
out:
	json_decref(arr);
	return c->status;
}

static int cmd_dims(cli *c, int classes)
{
	sp_source *s;
	const sp_dim *d;
	size_t n, i;
	cg_err e = { 0 };
	const char *cmd = classes ? "classes" : "categories";

	if (check_format(c, "text"))
		return c->status;
	if (c->source == NULL)
		return usage_error(c, "'%s' needs --source ID%s", cmd, "");
	if (c->nargs > 0)
		return usage_error(c, "'%s' takes no arguments (got '%s')", cmd, c->args[0]);
	s = get_source(c, c->source, CG_EUSAGE, NULL, NULL, &e);
	if (s == NULL) {
		fail(c, &e);
		return c->status;
	}
	d = classes ? s->classes : s->cats;
	n = classes ? s->nclasses : s->ncats;
	if (n == 0)
		/* Say so, rather than invent a dimension the source lacks. */
		fprintf(c->errf, "clausegen: note: source '%s' has no %s\n", s->id,
		        classes ? "importance classes" : "categories");
	if (want_json(c)) {
		json_t *arr = json_array();
		char *txt;
		for (i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "id", json_string(d[i].id));
			json_object_set_new(o, "name", json_string(d[i].name));
			json_array_append_new(arr, o);
		}
		txt = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(c->out, "%s\n", txt);
		free(txt);
		json_decref(arr);
	} else {
		for (i = 0; i < n; i++)
			fprintf(c->out, "%s\t%s\n", d[i].id, d[i].name);
	}
	return c->status;
}

/* ---- select and explain ---- */

/* The contract of a select/explain call: from --contract FILE, or made
 * from --source/--category/--class/--set. Bound to its source. */
static ct_contract *query_contract(cli *c, const char *cmd, cg_err *e)
{
	ct_contract *ct;
	sp_source *s;
	guint i;

	if (c->contract != NULL) {
		if (c->seen & (O_SOURCE | O_CATEGORY | O_CLASS | O_SET)) {
			cg_err_set(e, CG_EUSAGE, NULL, 0, 0,
			           "%s: give either --contract or --source/--category/--class/--set", cmd);
			return NULL;
		}
		ct = contract_load(c->contract, e);
		if (ct == NULL)
			return NULL;
		s = get_source(c, ct->source_id, CG_EINPUT, ct->file, yn_get(ct->root, "source"), e);
	} else {
		if (c->source == NULL) {
			cg_err_set(e, CG_EUSAGE, NULL, 0, 0, "%s needs --contract FILE or --source ID", cmd);
			return NULL;
		}
		s = get_source(c, c->source, CG_EUSAGE, NULL, NULL, e);
		if (s == NULL)
			return NULL;
		if (s->ncats > 0 && c->category == NULL) {
			cg_err_set(e, CG_EUSAGE, NULL, 0, 0,
			           "%s needs --category (see 'clausegen categories --source %s')", cmd, s->id);
			return NULL;
		}
		if (s->nclasses > 0 && c->klass == NULL) {
			cg_err_set(e, CG_EUSAGE, NULL, 0, 0,
			           "%s needs --class (see 'clausegen classes --source %s')", cmd, s->id);
			return NULL;
		}
		ct = contract_new();
		ct->id = g_strdup("command-line");
		ct->title = g_strdup("command line");
		ct->source_id = g_strdup(c->source);
		ct->category_id = g_strdup(c->category);
		ct->class_id = g_strdup(c->klass);
		for (i = 0; i < c->sets->len; i++) {
			const char *kv = g_ptr_array_index(c->sets, i);
			const char *eq = strchr(kv, '=');
			char *k;
			if (eq == NULL || eq == kv) {
				cg_err_set(e, CG_EUSAGE, NULL, 0, 0, "--set takes key=value, not '%s'", kv);
				contract_free(ct);
				return NULL;
			}
			k = g_strndup(kv, (gsize)(eq - kv));
			contract_add_attr(ct, k, eq + 1);
			g_free(k);
		}
	}
	if (s == NULL || !contract_bind(ct, s, e)) {
		contract_free(ct);
		return NULL;
	}
	return ct;
}

static int cmd_select(cli *c)
{
	cg_err e = { 0 };
	ct_contract *ct;
	sel_result *r;
	char *txt;

	if (check_format(c, "text"))
		return c->status;
	if (c->nargs > 0)
		return usage_error(c, "'select' takes no arguments (got '%s')%s", c->args[0], "");
	ct = query_contract(c, "select", &e);
	if (ct == NULL) {
		fail(c, &e);
		return c->status;
	}
	r = sel_run(ct, c->lua, &c->lim, &e);
	if (r == NULL) {
		fail(c, &e);
	} else {
		txt = want_json(c) ? render_json_clauses(r, c->all) : render_text(r, c->all);
		fputs(txt, c->out);
		g_free(txt);
	}
	sel_free(r);
	contract_free(ct);
	return c->status;
}

/* The clause's row of every table, one line per class, for explain. */
static void explain_marks(cli *c, const sp_source *s, const sp_clause *cl, const ct_contract *ct)
{
	size_t t, k, col;

	for (t = 0; t < s->ntables; t++) {
		const sp_table *tb = &s->tables[t];
		fprintf(c->out, "表「%s」%s:\n", tb->title,
		        t == s->select_table ? "（判定に用いる表）" : "");
		if (cl->marks[t] == NULL) {
			fprintf(c->out, "  （この条項の行はない）\n");
			continue;
		}
		fprintf(c->out, "  %-6s", "");
		for (col = 0; col < tb->ncols; col++)
			fprintf(c->out, " %s", s->cats[tb->cols[col]].id);
		fputc('\n', c->out);
		for (k = 0; k < SP_NCLASSES(s); k++) {
			fprintf(c->out, "%s %-6s", s->nclasses && (int)k == ct->klass ? ">" : " ",
			        s->nclasses ? s->classes[k].id : "");
			for (col = 0; col < tb->ncols; col++) {
				const char *id = s->cats[tb->cols[col]].id;
				int here = (int)tb->cols[col] == ct->category &&
				           (s->nclasses == 0 || (int)k == ct->klass);
				/* Pad each mark to its column id's width; marks are one
				 * character wide on a terminal. */
				int pad = (int)strlen(id) - 1 - (here ? 2 : 0);
				fprintf(c->out, " %s%s%s%*s", here ? "[" : "", cl->marks[t][k * tb->ncols + col],
				        here ? "]" : "", pad > 0 ? pad : 0, "");
			}
			fputc('\n', c->out);
		}
	}
}

static void explain_conds(cli *c, const sp_source *s, const char *label, const sp_cond *cd,
                          size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *vals = g_strjoinv("/", cd[i].values);
		fprintf(c->out, "%s: %s（%s）= %s\n", label, s->attrs[cd[i].attr].name,
		        s->attrs[cd[i].attr].id, vals);
		g_free(vals);
	}
}

static int cmd_explain(cli *c)
{
	cg_err e = { 0 };
	ct_contract *ct;
	sel_result *r = NULL;
	const sp_source *s;
	const sel_item *it;
	int idx;

	if (check_format(c, "text"))
		return c->status;
	if (c->clause == NULL)
		return usage_error(c, "'explain' needs --clause ID%s%s", "", "");
	ct = query_contract(c, "explain", &e);
	if (ct == NULL) {
		fail(c, &e);
		return c->status;
	}
	s = ct->src;
	idx = spec_find_clause(s, c->clause);
	if (idx < 0) {
		const char **ids = g_new(const char *, s->nclauses);
		size_t i;
		const char *hint;
		for (i = 0; i < s->nclauses; i++)
			ids[i] = s->clauses[i].id;
		hint = util_suggest(c->clause, ids, s->nclauses);
		g_free(ids);
		cg_err_set(&e, CG_EUSAGE, NULL, 0, 0, "no clause '%s' in source '%s'%s%s%s", c->clause,
		           s->id, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
		fail(c, &e);
		goto out;
	}
	r = sel_run(ct, c->lua, &c->lim, &e);
	if (r == NULL) {
		fail(c, &e);
		goto out;
	}
	it = &r->items[idx];
	if (want_json(c)) {
		json_t *o = json_object();
		char *txt;
		json_object_set_new(o, "id", json_string(it->clause->id));
		json_object_set_new(o, "number", json_string(it->clause->number));
		json_object_set_new(o, "title", json_string(spec_clause_title(s, it->clause)));
		json_object_set_new(o, "text", json_string(it->clause->body));
		json_object_set_new(o, "verdict", json_string(spec_verdict_name(it->verdict)));
		json_object_set_new(o, "reason", json_string(it->reason));
		json_object_set_new(o, "seed", json_pack("{s:s, s:[i,i]}", "file", s->seed_file, "lines",
		                                         it->clause->seed_first, it->clause->seed_last));
		txt = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(c->out, "%s\n", txt);
		free(txt);
		json_decref(o);
		goto out;
	}
	fprintf(c->out, "%s %s %s\n\n%s\n\n", it->clause->number, it->clause->id,
	        spec_clause_title(s, it->clause), it->clause->body);
	fprintf(c->out, "判定: %s\n理由: %s\n\n", spec_verdict_name(it->verdict), it->reason);
	explain_marks(c, s, it->clause, ct);
	explain_conds(c, s, "適用条件", it->clause->when, it->clause->nwhen);
	explain_conds(c, s, "ただし書き（該当すれば対象外）", it->clause->unless, it->clause->nunless);
	if (it->clause->note)
		fprintf(c->out, "転記メモ: %s\n", it->clause->note);
	fprintf(c->out, "出典: %s %d-%d行（%s）\n", s->seed_file, it->clause->seed_first,
	        it->clause->seed_last, it->clause->file);
out:
	sel_free(r);
	contract_free(ct);
	return c->status;
}

/* ---- documents ---- */

/* templates/<source-id>/NAME when a source has its own, else templates/NAME. */
static char *template_path(cli *c, const char *src_id, const char *name)
{
	return tmpl_path(c->templates, src_id, name);
}

static const lb_labels *get_labels(cli *c, cg_err *e)
{
	if (c->labels == NULL)
		c->labels = labels_load(c->templates, e);
	return c->labels;
}

static const char *const doc_formats[] = { "html", "md" };

/* Checks every document template a source would use. */
static int check_templates(cli *c, const sp_source *s, cg_err *e)
{
	int k;
	size_t f;

	if (get_labels(c, e) == NULL)
		return 0;
	for (k = DOC_SPEC; k <= DOC_ANNEX; k++)
		for (f = 0; f < G_N_ELEMENTS(doc_formats); f++) {
			char *name = g_strdup_printf("%s.%s", doc_kind_name((doc_kind)k), doc_formats[f]);
			char *path = template_path(c, s->id, name);
			char *text = NULL;
			size_t len;
			int ok = util_read_text(path, CG_MAX_FILE_SIZE, &text, &len, e) &&
			         tmpl_check(text, path, s, e);
			g_free(text);
			g_free(path);
			g_free(name);
			if (!ok)
				return 0;
		}
	return 1;
}

/* build --formats: whether documents in `fmt` (html, md, pdf) are wanted. */
static int wants_format(const cli *c, const char *fmt)
{
	return c->formats == NULL || g_strv_contains((const char *const *)c->formats, fmt);
}

/* Renders a contract's documents into `stage`: each HTML and Markdown
 * document rendered into `buf` and written as soon as it is complete (its
 * write-back then starts while the next one is rendered, out.c), then the
 * PDFs. */
static int write_documents(cli *c, const sel_result *r, const char *stage, GString *buf,
                           cg_err *e)
{
	const sp_source *s = r->src;
	const ct_contract *ct = r->ct;
	sel_result *ann = NULL;
	doc_model *m = NULL;
	const lb_labels *lb;
	int ok = 0, k;
	size_t f;

	if (!contract_wants(ct, "spec") && !contract_wants(ct, "annex") &&
	    !contract_wants(ct, "checklist-selection") && !contract_wants(ct, "checklist-delivery") &&
	    !contract_wants(ct, "checklist-periodic"))
		return 1;
	if ((lb = get_labels(c, e)) == NULL)
		return 0;
	/* The spec announces from its own table where the source has one. */
	if (s->spec_table != s->select_table) {
		ann = sel_run_table(ct, c->lua, &c->lim, (int)s->spec_table, e);
		if (ann == NULL)
			return 0;
	}
	m = doc_build(r, ann ? ann : r, s->spec_table);
	for (k = DOC_SPEC; k <= DOC_ANNEX; k++) {
		if (!contract_wants(ct, doc_kind_name((doc_kind)k)))
			continue;
		for (f = 0; f < G_N_ELEMENTS(doc_formats); f++) {
			char *name, *path, *tmpl = NULL;
			size_t len;
			int done = 0;
			if (!wants_format(c, doc_formats[f]))
				continue;
			name = g_strdup_printf("%s.%s", doc_kind_name((doc_kind)k), doc_formats[f]);
			path = template_path(c, s->id, name);
			g_string_truncate(buf, 0);
			if (util_read_text(path, CG_MAX_FILE_SIZE, &tmpl, &len, e)) {
				done = f == 0 ? render_html_doc_to(buf, m, (doc_kind)k, tmpl, path, lb, e)
				              : render_md_doc_to(buf, m, (doc_kind)k, tmpl, path, lb, e);
				done = done && out_write_file(stage, name, buf->str, buf->len, e);
			}
			g_free(tmpl);
			g_free(path);
			g_free(name);
			if (!done)
				goto out;
		}
	}
	/* spec.pdf, annex.pdf and the checklists (render_pdf.c, in the module). */
	if (wants_format(c, "pdf")) {
		char *pdf_yaml = template_path(c, s->id, "pdf.yaml");
		char *cl_yaml = template_path(c, s->id, "checklists.yaml");
		int done = pdfmod_render_contract(m, lb, pdf_yaml, cl_yaml, stage, c->errf, e);
		g_free(pdf_yaml);
		g_free(cl_yaml);
		if (!done)
			goto out;
	}
	ok = 1;
out:
	doc_free(m);
	sel_free(ann);
	return ok;
}

/* ---- check ---- */

typedef struct {
	int sources, contracts, scripts, problems;
} check_count;

/* Runs the rules for every class x category of a source with no
 * attributes set, so that a script error anywhere shows up now, not in the
 * middle of a tender. */
static int check_rules(cli *c, sp_source *s, cg_err *e)
{
	size_t k, cat, nk = SP_NCLASSES(s), nc = s->ncats ? s->ncats : 1;

	for (k = 0; k < nk; k++)
		for (cat = 0; cat < nc; cat++) {
			ct_contract *ct = contract_new();
			sel_result *r;
			ct->id = g_strdup("check");
			ct->title = g_strdup("check");
			ct->source_id = g_strdup(s->id);
			ct->category_id = s->ncats ? g_strdup(s->cats[cat].id) : NULL;
			ct->class_id = s->nclasses ? g_strdup(s->classes[k].id) : NULL;
			r = contract_bind(ct, s, e) ? sel_run(ct, c->lua, &c->lim, e) : NULL;
			sel_free(r);
			contract_free(ct);
			if (r == NULL)
				return 0;
		}
	return 1;
}

static void check_source(cli *c, const char *dir, check_count *n)
{
	cg_err e = { 0 };
	char *id = g_path_get_basename(dir);
	char *parent = g_path_get_dirname(dir);
	sp_source *s, *own = NULL;

	n->sources++;
	/* A directory named on the command line may lie outside --specs. It
	 * is loaded and checked itself: a source of the same id loaded earlier
	 * in the run (from --specs, for a contract) used to stand in for it,
	 * so that `check contract.yaml draft/nisc` said ok of a broken draft. */
	if (strcmp(parent, c->specs) == 0)
		s = get_source(c, id, CG_EINPUT, NULL, NULL, &e);
	else {
		s = spec_load(dir, &e);
		if (s != NULL && !g_hash_table_contains(c->sources, s->id))
			g_hash_table_insert(c->sources, s->id, s);
		else
			own = s; /* checked here, then freed */
	}
	if (s == NULL || !check_rules(c, s, &e) || !check_templates(c, s, &e)) {
		n->problems++;
		fail(c, &e);
	}
	spec_free(own);
	g_free(id);
	g_free(parent);
}

static void check_contract(cli *c, const char *path, check_count *n, GHashTable *ids)
{
	cg_err e = { 0 };
	ct_contract *ct = contract_load(path, &e);
	sp_source *s = NULL;
	sel_result *r = NULL;
	const char *prev;

	n->contracts++;
	if (ct != NULL)
		s = get_source(c, ct->source_id, CG_EINPUT, ct->file, yn_get(ct->root, "source"), &e);
	if (s != NULL && contract_bind(ct, s, &e))
		r = sel_run(ct, c->lua, &c->lim, &e);
	prev = r != NULL ? g_hash_table_lookup(ids, ct->id) : NULL;
	if (prev != NULL && util_same_file(prev, path)) {
		/* The same file named twice (a.yaml ./a.yaml, or in a directory
		 * also given): checked once, not "also used by" itself. */
		n->contracts--;
	} else if (prev != NULL) {
		/* Two contracts with one id would overwrite each other's output. */
		const ynode *at = yn_get(ct->root, "id");
		cg_err_set(&e, CG_EINPUT, path, at->line, at->col,
		           "contract id '%s' is also used by %s", ct->id, prev);
		sel_free(r);
		r = NULL;
	} else if (r != NULL) {
		g_hash_table_insert(ids, g_strdup(ct->id), g_strdup(path));
	}
	if (r == NULL) {
		n->problems++;
		fail(c, &e);
	}
	sel_free(r);
	contract_free(ct);
}

static void check_script(cli *c, const char *path, check_count *n)
{
	cg_err e = { 0 };
	sb_sandbox *sb = sb_new(&c->lim, &e);
	char *base = g_path_get_basename(path);

	n->scripts++;
	/* select.lua runs alone; a source's script gets the generic rules. */
	if (sb != NULL && strcmp(base, "select.lua") != 0) {
		char *generic = g_build_filename(c->lua, "select.lua", NULL);
		if (sb_run_file(sb, generic, 0, 1, &e))
			sb_run_file(sb, path, 1, 1, &e);
		g_free(generic);
	} else if (sb != NULL) {
		sb_run_file(sb, path, 0, 1, &e);
	}
	if (!cg_err_isset(&e) && !lua_istable(sb_lua(sb), -1))
		cg_err_set(&e, CG_EINPUT, path, 0, 0, "script must return its rules as a table");
	if (cg_err_isset(&e)) {
		n->problems++;
		fail(c, &e);
	}
	sb_free(sb);
	g_free(base);
}

/* A directory: a source, or a tree holding sources (subdirectories with
 * source.yaml) and contracts (*.yaml here and in contracts/). */
static void check_dir(cli *c, const char *dir, check_count *n, GHashTable *ids)
{
	char *src_yaml = g_build_filename(dir, "source.yaml", NULL);
	char *cdir = g_build_filename(dir, "contracts", NULL);
	char **subs, **files;
	size_t i;

	if (util_is_file(src_yaml)) {
		check_source(c, dir, n);
		goto out;
	}
	subs = util_list_dir(dir, NULL, UTIL_LIST_DIRS);
	for (i = 0; subs[i] != NULL; i++) {
		char *y = g_build_filename(subs[i], "source.yaml", NULL);
		if (util_is_file(y))
			check_source(c, subs[i], n);
		g_free(y);
	}
	g_strfreev(subs);
	files = util_list_dir(dir, ".yaml", UTIL_LIST_FILES);
	for (i = 0; files[i] != NULL; i++)
		check_contract(c, files[i], n, ids);
	g_strfreev(files);
	files = util_list_dir(cdir, ".yaml", UTIL_LIST_FILES);
	for (i = 0; files[i] != NULL; i++)
		check_contract(c, files[i], n, ids);
	g_strfreev(files);
out:
	g_free(src_yaml);
	g_free(cdir);
}

static void check_path(cli *c, const char *path, check_count *n, GHashTable *ids)
{
	cg_err e = { 0 };
	char *base = g_path_get_basename(path);

	if (util_is_dir(path)) {
		check_dir(c, path, n, ids);
	} else if (!util_is_file(path)) {
		cg_err_set(&e, CG_ESYS, path, 0, 0, "no such file or directory");
		n->problems++;
		fail(c, &e);
	} else if (g_str_has_suffix(path, ".lua")) {
		check_script(c, path, n);
	} else if (strcmp(base, "source.yaml") == 0) {
		char *dir = g_path_get_dirname(path);
		check_source(c, dir, n);
		g_free(dir);
	} else if (g_str_has_suffix(path, ".md")) {
		/* A clause or appendix: check the whole source it belongs to. */
		char *d1 = g_path_get_dirname(path);
		char *d2 = g_path_get_dirname(d1);
		check_source(c, d2, n);
		g_free(d1);
		g_free(d2);
	} else if (g_str_has_suffix(path, ".yaml") || g_str_has_suffix(path, ".yml")) {
		check_contract(c, path, n, ids);
	} else {
		cg_err_set(&e, CG_EUSAGE, NULL, 0, 0,
		           "don't know how to check '%s' (a source directory, contract .yaml or .lua script)",
		           path);
		n->problems++;
		fail(c, &e);
	}
	g_free(base);
}

static int cmd_check(cli *c)
{
	check_count n = { 0 };
	GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	int i;

	if (c->nargs == 0) {
		char **scripts = util_list_dir(c->lua, ".lua", UTIL_LIST_FILES);
		size_t k;
		check_dir(c, c->specs, &n, ids);
		for (k = 0; scripts[k] != NULL; k++)
			check_script(c, scripts[k], &n);
		g_strfreev(scripts);
	}
	for (i = 0; i < c->nargs; i++)
		check_path(c, c->args[i], &n, ids);
	g_hash_table_destroy(ids);
	fprintf(c->errf, "checked %d source%s, %d contract%s, %d script%s: %s\n", n.sources,
	        n.sources == 1 ? "" : "s", n.contracts, n.contracts == 1 ? "" : "s", n.scripts,
	        n.scripts == 1 ? "" : "s",
	        n.problems ? "problems found" : "ok");
	if (n.sources + n.contracts + n.scripts == 0 && c->status == 0) {
		cg_err e = { 0 };
		cg_err_set(&e, CG_EINPUT, NULL, 0, 0, "nothing to check");
		fail(c, &e);
	}
	return c->status;
}

/* ---- build ---- */

static void dup_id_error(const ct_contract *ct, const char *path, const char *prev, cg_err *e)
{
	const ynode *at = yn_get(ct->root, "id");

	cg_err_set(e, CG_EINPUT, path, at->line, at->col,
	           "contract id '%s' is also used by %s; each contract needs its own id", ct->id,
	           prev);
}

/* From this many clauses a build renders the selection files on a thread. */
#define THREAD_MIN_CLAUSES 1000

/* The selection as JSON and Markdown. */
typedef struct {
	const sel_result *r;
	char *json, *md;
} selection_texts;

/* selection.json and selection.md, which a second thread renders while
 * this one renders and writes the documents (build_one). */
static gpointer render_selection_texts(gpointer data)
{
	selection_texts *t = data;

	t->json = render_json_selection(t->r);
	t->md = render_md_selection(t->r);
	return NULL;
}

/* Writes selection.md and selection.json into `stage`: the thread's texts
 * when it rendered them, else rendered here into `buf`. */
static int write_selection(const char *stage, const selection_texts *t, GString *buf,
                           cg_err *e)
{
	if (t->md != NULL)
		return out_write_file(stage, "selection.md", t->md, strlen(t->md), e) &&
		       out_write_file(stage, "selection.json", t->json, strlen(t->json), e);
	g_string_truncate(buf, 0);
	render_md_selection_to(buf, t->r);
	if (!out_write_file(stage, "selection.md", buf->str, buf->len, e))
		return 0;
	g_string_truncate(buf, 0);
	render_json_selection_to(buf, t->r);
	return out_write_file(stage, "selection.json", buf->str, buf->len, e);
}

/* A capacity for the buffer a build renders every file of a contract
 * into, about that of the largest (selection.json: each clause's text
 * once, escaped, and its fields). Reserved, not touched: a generous guess
 * costs address space only, a short one a copy of the buffer as it grows. */
static size_t render_capacity(const sel_result *r)
{
	size_t i, n = 64 * 1024;

	for (i = 0; i < r->n; i++) {
		const sp_clause *cl = r->items[i].clause;
		n += 2 * strlen(cl->body) + 512;
	}
	return n;
}

/* c->buf, emptied, with room for the files of `r`. */
static GString *render_buffer(cli *c, const sel_result *r)
{
	size_t want = render_capacity(r);

	if (c->buf == NULL)
		c->buf = g_string_sized_new(want);
	else if (c->buf->allocated_len < want)
		g_string_set_size(c->buf, want);
	g_string_truncate(c->buf, 0);
	return c->buf;
}

/* Renders one contract into outdir/<id>/, built in a staging directory and
 * swapped in only when complete: a failed build leaves the previous output
 * as it was. */
static int build_one(cli *c, const char *path, GHashTable *ids, cg_err *e, int *skipped)
{
	ct_contract *ct = contract_load(path, e);
	sp_source *s = NULL;
	sel_result *r = NULL;
	selection_texts texts = { 0 };
	GString *buf;
	GThread *worker;
	char *final = NULL, *stage = NULL, *stamp = NULL;
	const char *prev;
	int ok = 0, written;

	if (ct == NULL)
		goto out;
	s = get_source(c, ct->source_id, CG_EINPUT, ct->file, yn_get(ct->root, "source"), e);
	if (s == NULL || !contract_bind(ct, s, e))
		goto out;
	if ((prev = g_hash_table_lookup(ids, ct->id)) != NULL) {
		dup_id_error(ct, path, prev, e);
		goto out;
	}
	g_hash_table_insert(ids, g_strdup(ct->id), g_strdup(path));
	final = g_build_filename(c->outdir, ct->id, NULL);
	if (c->run_stamp != NULL) {
		if ((stamp = stamp_contract(c->run_stamp, s->hash, path, e)) == NULL)
			goto out;
		if (!c->force && stamp_is_current(final, stamp)) {
			*skipped = 1;
			if (!c->quiet_built)
				fprintf(c->errf, "up to date %s/\n", final);
			ok = 1;
			goto out;
		}
	}
	r = sel_run(ct, c->lua, &c->lim, e);
	if (r == NULL)
		goto out;
	if (!out_mkdirs(c->outdir, e) || (stage = out_stage_dir(final, e)) == NULL)
		goto out;
	/* selection.json and .md on a second core while this one renders and
	 * writes the documents: they only read the selection. Only for a large
	 * one: at 3,000 clauses it saves some 3 ms of 30, at 300 the thread
	 * costs more than it saves (bench/README.md). */
	texts.r = r;
	worker = c->threads && r->n >= c->thread_min
	                 ? util_thread_new("selection", render_selection_texts, &texts)
	                 : NULL;
	buf = render_buffer(c, r);
	written = write_documents(c, r, stage, buf, e);
	if (worker != NULL)
		g_thread_join(worker);
	if (!written || !write_selection(stage, &texts, buf, e) ||
	    (stamp != NULL && !stamp_write(stage, stamp, e)) || !out_commit_dir(stage, final, e))
		goto out;
	g_free(stage);
	stage = NULL;
	{
		size_t i, req = 0, opt = 0, inc = 0;
		for (i = 0; i < r->n; i++) {
			req += r->items[i].verdict == V_REQUIRED;
			opt += r->items[i].verdict == V_OPTIONAL;
			inc += r->items[i].verdict == V_INCLUDED;
		}
		if (!c->quiet_built)
			fprintf(c->errf, "built %s/ (%zu required, %zu optional, %zu included of %zu)\n",
			        final, req, opt, inc, r->n);
	}
	ok = 1;
out:
	if (stage != NULL) {
		out_remove_tree(stage);
		g_free(stage);
	}
	g_free(final);
	g_free(texts.json);
	g_free(texts.md);
	g_free(stamp);
	sel_free(r);
	contract_free(ct);
	return ok;
}

/* The part of every contract's stamp that is the same for the whole run:
 * whatever else decides the output besides the source and the contract. */
static char *run_stamp(cli *c)
{
	char *lua = stamp_hash_tree(c->lua), *tmpl = stamp_hash_tree(c->templates);
	char *formats = c->formats ? g_strjoinv(",", c->formats) : g_strdup("all");
	const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
	char *date = NULL, *out;

	/* Without SOURCE_DATE_EPOCH the documents carry today's date. */
	if (epoch == NULL) {
		GDateTime *now = g_date_time_new_now_local();
		date = g_date_time_format(now, "%F");
		g_date_time_unref(now);
	}
	out = g_strdup_printf("clausegen %s\nformats %s\nmem %zu\ninstr %llu\ndate %s\n"
	                      "lua %s\ntemplates %s\n",
	                      render_version(), formats, c->lim.mem_limit,
	                      (unsigned long long)c->lim.instr_limit, epoch ? epoch : date, lua,
	                      tmpl);
	g_free(date);
	g_free(formats);
	g_free(lua);
	g_free(tmpl);
	return out;
}

typedef struct {
	cli *c;
	char **files;           /* contract files, in the order given */
	GHashTable *ids;        /* contract id -> first file (one process) */
	char **dup;             /* -j: file already holding this id, or NULL */
	char **errors;          /* per file: its error lines, or NULL */
	batch_progress *bar;
	int built, skipped, failed;
} build_run;

/* One contract, in whichever process runs it: what build_one says goes to
 * the job's log instead of stderr, so the parent can print it whole. */
static void build_job(size_t i, void *ud, batch_result *res)
{
	build_run *b = ud;
	cli *c = b->c;
	FILE *saved = c->errf, *mem;
	char *log = NULL, *text = NULL;
	size_t len = 0, tlen = 0;
	cg_err e = { 0 };
	int ok;

	mem = open_memstream(&log, &len);
	if (mem == NULL) {
		res->status = 3;
		res->error = g_strdup_printf("clausegen: error: %s: out of memory\n", b->files[i]);
		return;
	}
	c->errf = mem;
	if (b->dup != NULL && b->dup[i] != NULL) {
		ct_contract *ct = contract_load(b->files[i], &e);
		if (ct != NULL)
			dup_id_error(ct, b->files[i], b->dup[i], &e);
		contract_free(ct);
		ok = 0;
	} else {
		ok = build_one(c, b->files[i], b->ids, &e, &res->skipped);
	}
	c->errf = saved;
	fclose(mem);
	res->log = g_strndup(log, len);
	free(log);
	if (!ok) {
		FILE *ef = open_memstream(&text, &tlen);
		res->status = exit_code(e.kind);
		if (ef != NULL) {
			cg_err_print(&e, ef);
			fclose(ef);
			res->error = g_strndup(text, tlen);
			free(text);
		}
	}
	cg_err_clear(&e);
}

static void build_done(size_t i, const batch_result *res, void *ud)
{
	build_run *b = ud;

	batch_progress_print(b->bar, res->log);
	if (res->status != 0) {
		b->failed++;
		if (res->status > b->c->status)
			b->c->status = res->status;
		/* A lost worker's message does not know the file: add it. */
		if (res->lost)
			b->errors[i] = g_strdup_printf("%s: error: %s\n", b->files[i], res->error);
		else if (res->error != NULL)
			b->errors[i] = g_strdup(res->error);
		else
			b->errors[i] = g_strdup_printf("clausegen: error: %s: failed\n", b->files[i]);
	} else if (res->skipped) {
		b->skipped++;
	} else {
		b->built++;
	}
	batch_progress_step(b->bar, res->status != 0, res->skipped);
}

/* -j: workers cannot see each other's contract ids, so duplicates are
 * found here first; and the sources the contracts name are loaded once,
 * before the fork, to be shared by every worker. */
static void prescan(cli *c, build_run *b, size_t n)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	size_t i;

	b->dup = g_new0(char *, n + 1);
	for (i = 0; i < n; i++) {
		cg_err e = { 0 };
		ct_contract *ct = contract_load(b->files[i], &e);
		const char *prev;
		cg_err_clear(&e);
		if (ct == NULL)
			continue;
		/* Only the ids stay: ten thousand loaded contracts would be the
		 * run's peak memory. */
		if ((prev = g_hash_table_lookup(seen, ct->id)) != NULL)
			b->dup[i] = g_strdup(prev);
		else
			g_hash_table_insert(seen, g_strdup(ct->id), b->files[i]);
		if (ct->source_id != NULL && g_hash_table_lookup(c->sources, ct->source_id) == NULL) {
			get_source(c, ct->source_id, CG_EINPUT, NULL, NULL, &e);
			cg_err_clear(&e);
		}
		contract_free(ct);
	}
	g_hash_table_destroy(seen);
}

/* Adds `path` (taken) unless the list has that file already: a contract
 * named twice (a.yaml ./a.yaml, or a file inside a directory also given)
 * is built once, not reported as using its own id. `seen` holds the
 * device and inode of every file added (the path, for one that does not
 * exist: it fails later, once). */
static void add_input(GPtrArray *files, GHashTable *seen, char *path)
{
	struct stat st;
	char *key = stat(path, &st) == 0
	                    ? g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino)
	                    : g_strconcat("?", path, NULL);

	if (g_hash_table_contains(seen, key)) {
		g_free(key);
		g_free(path);
		return;
	}
	g_hash_table_add(seen, key);
	g_ptr_array_add(files, path);
}

/* The contract files of the command line: files as given, directories by
 * their *.yaml files in name order; none given: specs/contracts/. */
static char **build_inputs(cli *c)
{
	GPtrArray *files = g_ptr_array_new();
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int i;

	if (c->nargs == 0) {
		char *dir = g_build_filename(c->specs, "contracts", NULL);
		char **list = util_list_dir(dir, ".yaml", UTIL_LIST_FILES);
		char **p;
		for (p = list; *p != NULL; p++)
			g_ptr_array_add(files, *p);
		g_free(list);
		g_free(dir);
	}
	for (i = 0; i < c->nargs; i++) {
		if (util_is_dir(c->args[i])) {
			char **list = util_list_dir(c->args[i], ".yaml", UTIL_LIST_FILES);
			char **p;
			for (p = list; *p != NULL; p++)
				add_input(files, seen, *p);
			g_free(list);
		} else {
			add_input(files, seen, g_strdup(c->args[i]));
		}
	}
	g_hash_table_destroy(seen);
	g_ptr_array_add(files, NULL);
	return (char **)g_ptr_array_free(files, FALSE);
}

static int cmd_build(cli *c)
{
	build_run b;
	size_t n, i;
	cg_err e = { 0 };
	const char *thread_min;

	memset(&b, 0, sizeof b);
	b.c = c;
	if (c->outdir == NULL)
		c->outdir = "output";
	b.files = build_inputs(c);
	n = g_strv_length(b.files);
	if (n == 0) {
		g_strfreev(b.files);
		if (c->nargs == 0)
			return usage_error(c, "no contracts given and none in %s/contracts%s", c->specs, "");
		return usage_error(c, "no contract files (*.yaml) in %s%s", c->args[0], "");
	}
	b.ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	b.errors = g_new0(char *, n + 1);
	c->run_stamp = run_stamp(c);
	if (c->jobs > 1 && n > 1)
		prescan(c, &b, n);
	/* Workers (-j) have the cores already; one process may use two. */
	c->threads = (c->jobs <= 1 || n <= 1) && util_can_thread();
	/* Test hook (docs/hardening.md): tests/regress builds every bundled
	 * contract with the thread too, and compares the bytes. */
	thread_min = g_getenv("CLAUSEGEN_TEST_THREAD_MIN");
	c->thread_min = thread_min ? (size_t)g_ascii_strtoull(thread_min, NULL, 10)
	                           : THREAD_MIN_CLAUSES;
	b.bar = batch_progress_new(c->errf, n);
	c->quiet_built = isatty(fileno(c->errf));
	if (!batch_run(n, c->jobs, build_job, &b, build_done, &b, &e))
		fail(c, &e);
	batch_progress_free(b.bar);
	/* Failures last, in the order given, so that among thousands of lines
	 * they are where a person looks. */
	for (i = 0; i < n; i++)
		if (b.errors[i] != NULL)
			fputs(b.errors[i], c->errf);
	if (b.failed)
		fprintf(c->errf, "%d contract%s failed; their previous output, if any, is unchanged\n",
		        b.failed, b.failed == 1 ? "" : "s");
	if (n > 1 || b.skipped)
		fprintf(c->errf, "%zu contract%s: %d built, %d up to date, %d failed\n", n,
		        n == 1 ? "" : "s", b.built, b.skipped, b.failed);
	/* errors and dup have NULL holes: g_strfreev would stop at the first. */
	for (i = 0; i < n; i++) {
		g_free(b.errors[i]);
		if (b.dup != NULL)
			g_free(b.dup[i]);
	}
	g_free(b.errors);
	g_free(b.dup);
	g_strfreev(b.files);
	g_hash_table_destroy(b.ids);
	if (c->buf != NULL)
		g_string_free(c->buf, TRUE);
	c->buf = NULL;
	return c->status;
}

/* ---- publish and export ---- */

/* The guideline site (site.h): --source ID or every source, into -o DIR
 * (output/site). Publishing one source keeps the others of a previous site;
 * publishing them all replaces it. */
static int cmd_publish(cli *c)
{
	GPtrArray *srcs = g_ptr_array_new();
	char **ids = NULL;
	site_opts o = { 0 };
	cg_err e = { 0 };
	size_t i;

	if (c->nargs > 0) {
		usage_error(c, "'publish' takes no arguments (got '%s')%s", c->args[0], "");
		goto out;
	}
	if (c->source != NULL) {
		sp_source *s = get_source(c, c->source, CG_EUSAGE, NULL, NULL, &e);
		if (s == NULL) {
			fail(c, &e);
			goto out;
		}
		g_ptr_array_add(srcs, s);
	} else {
		ids = spec_list(c->specs);
		for (i = 0; ids[i] != NULL; i++) {
			sp_source *s = get_source(c, ids[i], CG_EINPUT, NULL, NULL, &e);
			if (s == NULL)
				fail(c, &e);
			else
				g_ptr_array_add(srcs, s);
		}
		/* A site missing a broken source would look complete: publish
		 * nothing instead. */
		if (c->status != 0)
			goto out;
		if (srcs->len == 0) {
			usage_error(c, "no sources in %s%s", c->specs, "");
			goto out;
		}
	}
	o.dir = c->outdir ? c->outdir : "output/site";
	o.templates = c->templates;
	o.lua = c->lua;
	o.lim = &c->lim;
	o.force = c->force;
	o.pdf = wants_format(c, "pdf");
	o.warn = c->errf;
	o.keep_others = c->source != NULL;
	if (!site_publish(&o, (sp_source *const *)srcs->pdata, srcs->len, &e)) {
		int usage = e.kind == CG_EUSAGE;
		fail(c, &e);
		if (usage)
			fprintf(c->errf, "try 'clausegen --help'\n");
		goto out;
	}
	fprintf(c->errf, "published %s/ (%u source%s)\n", o.dir, srcs->len,
	        srcs->len == 1 ? "" : "s");
out:
	g_strfreev(ids);
	g_ptr_array_free(srcs, TRUE);
	return c->status;
}

/* `export --source ID --format json|csv` (export.h): to stdout, or to
 * -o FILE, written atomically. */
static int cmd_export(cli *c)
{
	cg_err e = { 0 };
	sp_source *s;
	char *data, *dir, *name;
	size_t len;

	if (c->format == NULL)
		c->format = "json";
	if (strcmp(c->format, "json") != 0 && strcmp(c->format, "csv") != 0)
		return usage_error(c, "--format is json or csv, not '%s'%s", c->format, "");
	if (c->source == NULL)
		return usage_error(c, "'export' needs --source ID%s", "");
	if (c->nargs > 0)
		return usage_error(c, "'export' takes no arguments (got '%s')%s", c->args[0], "");
	s = get_source(c, c->source, CG_EUSAGE, NULL, NULL, &e);
	if (s == NULL) {
		fail(c, &e);
		return c->status;
	}
	if (strcmp(c->format, "csv") == 0) {
		data = export_csv(s, &len);
	} else {
		data = export_json(s);
		len = strlen(data);
	}
	if (c->outdir == NULL) {
		fwrite(data, 1, len, c->out);
	} else {
		dir = g_path_get_dirname(c->outdir);
		name = g_path_get_basename(c->outdir);
		if (!out_write_file(dir, name, data, len, &e))
			fail(c, &e);
		g_free(dir);
		g_free(name);
	}
	g_free(data);
	return c->status;
}

/* ---- dispatch ---- */

static const struct {
	const char *name;
	int (*fn)(cli *);
	unsigned opts;
} commands[] = {
	{ "sources", cmd_sources, O_COMMON | O_FORMAT },
	{ "categories", NULL, O_COMMON | O_FORMAT | O_SOURCE },
	{ "classes", NULL, O_COMMON | O_FORMAT | O_SOURCE },
	{ "select", cmd_select,
	  O_COMMON | O_FORMAT | O_SOURCE | O_CATEGORY | O_CLASS | O_SET | O_ALL | O_CONTRACT },
	{ "explain", cmd_explain,
	  O_COMMON | O_FORMAT | O_SOURCE | O_CATEGORY | O_CLASS | O_SET | O_CONTRACT | O_CLAUSE },
	{ "check", cmd_check, O_COMMON },
	{ "build", cmd_build, O_COMMON | O_OUTPUT | O_FORCE | O_JOBS | O_FORMATS },
	{ "publish", cmd_publish, O_FORMATS | O_COMMON | O_OUTPUT | O_SOURCE | O_FORCE },
	{ "export", cmd_export, O_COMMON | O_OUTPUT | O_SOURCE | O_FORMAT },
};

static void free_source(gpointer p)
{
	spec_free(p);
}

int cli_main(int argc, char **argv, FILE *out, FILE *errf)
{
	cli c;
	size_t i;
	int r;

	memset(&c, 0, sizeof c);
	c.out = out;
	c.errf = errf;
	if (argc < 2) {
		fputs(usage_text, errf);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, out);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		fprintf(out, "clausegen %s\n", render_version());
		return 0;
	}
	for (i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			break;
	if (i == G_N_ELEMENTS(commands)) {
		const char *names[G_N_ELEMENTS(commands)];
		const char *hint;
		size_t k;
		for (k = 0; k < G_N_ELEMENTS(commands); k++)
			names[k] = commands[k].name;
		hint = util_suggest(argv[1], names, G_N_ELEMENTS(commands));
		if (hint)
			return usage_error(&c, "unknown command '%s' (did you mean '%s'?)", argv[1], hint);
		return usage_error(&c, "unknown command '%s'%s", argv[1], "");
	}
	c.sets = g_ptr_array_new();
	c.sources = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_source);
	c.printed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r = parse_opts(&c, argc - 1, argv + 1, commands[i].opts, commands[i].name);
	if (r == 0) {
		resolve_paths(&c);
		if (commands[i].fn != NULL)
			r = commands[i].fn(&c);
		else
			r = cmd_dims(&c, strcmp(commands[i].name, "classes") == 0);
	} else if (r < 0) {
		r = 0; /* --help */
	}
	g_hash_table_destroy(c.sources);
	g_hash_table_destroy(c.printed);
	g_ptr_array_free(c.sets, TRUE);
	g_free(c.specs);
	g_free(c.lua);
	g_free(c.templates);
	g_free(c.run_stamp);
	g_strfreev(c.formats);
	labels_free(c.labels);
	fflush(out);
	return r;
}
