/* check_malformed.c: every way the loaders know a source or contract can be
 * wrong, one small edit of a complete, valid example at a time: each must be
 * refused with an input error at a position in the file, with a message that
 * says what is wrong, and nothing leaks on the way out.
 *
 * The example source uses every feature of the format (classes, two
 * tables, select and spec tables, marks, bool and enum attributes, parties,
 * sections with parents, notes, a clause with conditions, references and an
 * appendix), so that each edit reaches one check. */
#include <check.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "contract.h"
#include "spec.h"
#include "testutil.h"

static const char source_yaml[] =
	"id: ex\n"
	"title: 外部委託利用基準（例）\n"
	"publisher: 例示市\n"
	"version: 令和7年\n"
	"seed: {file: s.txt, lines: [1, 20]}\n"
	"classes:\n"
	"  - {id: I, name: 一}\n"
	"  - {id: II, name: 二}\n"
	"categories:\n"
	"  - {id: dev, name: 開発, note: n}\n"
	"  - {id: dc, name: DC}\n"
	"tables:\n"
	"  - {id: main, title: 表, columns: [dev, dc], seed_lines: [1, 2], note: n}\n"
	"  - {id: extra, title: 表2, columns: [dc]}\n"
	"select_table: main\n"
	"spec_table: extra\n"
	"marks: {\"○\": required, \"-\": not-applicable, \"△\": optional}\n"
	"attributes:\n"
	"  - {id: web, name: ウェブ, type: bool, note: n}\n"
	"  - {id: kind, name: 種類, type: enum, values: [a, b]}\n"
	"default_verdict: required\n"
	"parties: {orderer: 市, vendor: [受託者, 乙], protect: [市民]}\n"
	"sections:\n"
	"  - {id: \"1\", number: \"1\", title: 施設}\n"
	"  - {id: \"1-1\", number: \"1-1\", title: 立地, parent: \"1\", seed_lines: [3, 4]}\n"
	"preamble: 趣旨\n"
	"notes:\n"
	"  - {topic: a, decision: b, evidence: c}\n";

static const char clause_md[] =
	"---\n"
	"id: ex-1\n"
	"number: 1-1-1\n"
	"section: \"1-1\"\n"
	"title: 立地\n"
	"marks:\n"
	"  main: {I: \"- ○\", II: \"○ △\"}\n"
	"  extra: {I: \"○\", II: \"-\"}\n"
	"when: {web: true, kind: [a, b]}\n"
	"unless: {kind: b}\n"
	"references: [plain, {label: L, url: \"https://example.org\", note: n}]\n"
	"appendices: [app]\n"
	"seed_lines: [5, 6]\n"
	"note: n\n"
	"---\n"
	"\n"
	"日本国内に施設を持つこと。\n"
	"\n";

static const char appendix_md[] =
	"---\nid: app\ntitle: 別紙\nseed_lines: [1, 1]\ncolumns: [{id: c, name: C}]\n"
	"rows: [{c: x}]\nreferences: [r]\nnote: n\n---\n別紙の本文\n";

static const char contract_yaml[] =
	"id: ex-contract\n"
	"title: 例\n"
	"contract_number: 1\n"
	"orderer: 例示市\n"
	"department: 部\n"
	"vendor: 株式会社\n"
	"source: ex\n"
	"category: dev\n"
	"class: II\n"
	"attributes: {web: true, kind: a}\n"
	"choices:\n"
	"  include: [ex-1, {id: ex-2, reason: 理由}]\n"
	"  exclude: []\n"
	"documents: [selection, spec]\n"
	"parties: {orderer: 甲, vendor: 乙}\n"
	"date: 2026-01-31\n"
	"note: n\n";

static char *tmp, *dir;

static void setup(void)
{
	tmp = tu_tmpdir();
	dir = g_build_filename(tmp, "ex", NULL);
}

static void teardown(void)
{
	tu_rmtree(tmp);
	g_free(tmp);
	g_free(dir);
}

/* `text` with the first `old` replaced by `new` (which must be there). */
static char *edit(const char *text, const char *old, const char *new_)
{
	const char *p = strstr(text, old);

	ck_assert_msg(p != NULL, "'%s' not in the example", old);
	return g_strdup_printf("%.*s%s%s", (int)(p - text), text, new_, p + strlen(old));
}

static void write_source(const char *src, const char *clause, const char *app)
{
	tu_rmtree(dir);
	g_free(tu_write(dir, "source.yaml", src));
	g_free(tu_write(dir, "clauses/ex-1.md", clause));
	g_free(tu_write(dir, "clauses/ex-2.md",
	                "---\nid: ex-2\nnumber: 1-1-2\nsection: \"1\"\n"
	                "marks: {main: {I: \"○ ○\", II: \"○ ○\"}}\nseed_lines: [7, 7]\n---\n二\n"));
	if (app != NULL)
		g_free(tu_write(dir, "appendices/app.md", app));
}

START_TEST(the_example_loads)
{
	cg_err e = { 0 };
	sp_source *s;
	ct_contract *c;
	char *cpath;

	write_source(source_yaml, clause_md, appendix_md);
	s = spec_load(dir, &e);
	ck_assert_msg(s != NULL, "%s:%d:%d: %s", e.file, e.line, e.col, e.msg);
	ck_assert_uint_eq(s->nclauses, 2);
	ck_assert_uint_eq(s->spec_table, 1);
	ck_assert_str_eq(spec_mark(s, &s->clauses[1], 0, 1, 1), "△");
	ck_assert_ptr_null(spec_mark(s, &s->clauses[1], 1, 0, 0)); /* extra has no dev */
	ck_assert_ptr_null(spec_mark(s, &s->clauses[0], 1, 0, 1)); /* ex-2 has no extra row */
	ck_assert_str_eq(spec_clause_title(s, &s->clauses[0]), "施設");
	cpath = tu_write(tmp, "c.yaml", contract_yaml);
	c = contract_load(cpath, &e);
	ck_assert_msg(c != NULL, "%s", e.msg);
	ck_assert_msg(contract_bind(c, s, &e), "%s", e.msg);
	ck_assert(contract_wants(c, "spec"));
	ck_assert(!contract_wants(c, "annex"));
	contract_free(c);
	spec_free(s);
	g_free(cpath);
}
END_TEST

typedef struct {
	char what;          /* s: source.yaml, c: clause, a: appendix */
	const char *old, *new_;
	const char *msg;    /* a part of the message */
} mcase;

static const mcase source_cases[] = {
	{ 's', "id: ex\n", "", "missing required key 'id'" },
	{ 's', "id: ex\n", "id: other\n", "differs from its directory name 'ex'" },
	{ 's', "id: ex\n", "id: [ex]\n", "must be text" },
	{ 's', "title: 外部委託利用基準（例）\n", "title: \"\"\n", "must not be empty" },
	{ 's', "publisher: 例示市\n", "", "missing required key 'publisher'" },
	{ 's', "version: 令和7年\n", "version: {a: 1}\n", "must be text" },
	{ 's', "seed: {file: s.txt, lines: [1, 20]}\n", "", "'seed' must be a map" },
	{ 's', "seed: {file: s.txt, lines: [1, 20]}\n", "seed: [1]\n", "'seed' must be a map" },
	{ 's', "lines: [1, 20]", "lines: [20, 1]", "two line numbers with first <= last" },
	{ 's', "lines: [1, 20]", "lines: [1, x]", "two line numbers" },
	{ 's', "lines: [1, 20]", "lines: [1, \"2\"]", "two line numbers" },
	{ 's', "lines: [1, 20]", "lines: [0, 20]", "two line numbers" },
	{ 's', "lines: [1, 20]", "lines: [1, 20], page: 3", "unknown key 'page'" },
	{ 's', "{file: s.txt,", "{", "missing required key 'file'" },
	{ 's', "classes:\n  - {id: I, name: 一}\n  - {id: II, name: 二}\n", "classes: {I: 一}\n", "must be a list" },
	{ 's', "  - {id: I, name: 一}\n", "  - I\n", "must be a map" },
	{ 's', "  - {id: I, name: 一}\n", "  - {id: I, name: 一, nmae: x}\n", "unknown key 'nmae' in classes" },
	{ 's', "  - {id: I, name: 一}\n", "  - {id: I}\n", "missing required key 'name'" },
	{ 's', "  - {id: I, name: 一}\n", "  - {id: \"I I\", name: 一}\n", "id" },
	{ 's', "  - {id: II, name: 二}\n", "  - {id: I, name: 二}\n", "duplicate" },
	{ 's', "columns: [dev, dc]", "columns: [dev, cd]", "'cd'" },
	{ 's', "columns: [dev, dc]", "columns: []", "column" },
	{ 's', "columns: [dev, dc]", "columns: [dev, [dc]]", "column" },
	{ 's', "columns: [dev, dc]", "columns: dev", "must be a list" },
	{ 's', "  - {id: extra, title: 表2, columns: [dc]}\n", "  - {id: main, title: 表2, columns: [dc]}\n",
	  "duplicate" },
	{ 's', "  - {id: extra, title: 表2, columns: [dc]}\n", "  - [extra]\n", "must be a map" },
	{ 's', "  - {id: extra, title: 表2, columns: [dc]}\n", "  - {id: extra, columns: [dc]}\n",
	  "missing required key 'title'" },
	{ 's', "tables:\n", "tablez: 1\ntables:\n", "unknown key 'tablez'" },
	{ 's', "tables:\n  - {id: main, title: 表, columns: [dev, dc], seed_lines: [1, 2], note: n}\n"
	       "  - {id: extra, title: 表2, columns: [dc]}\n", "tables: 1\n", "must be a list" },
	{ 's', "select_table: main\n", "select_table: mian\n", "is not one of the tables" },
	{ 's', "select_table: main\n", "select_table: [main]\n", "is not one of the tables" },
	{ 's', "spec_table: extra\n", "spec_table: nope\n", "is not one of the tables" },
	{ 's', "marks: {\"○\": required, \"-\": not-applicable, \"△\": optional}\n", "",
	  "needs 'marks'" },
	{ 's', "marks: {\"○\": required, \"-\": not-applicable, \"△\": optional}\n", "marks: [1]\n", "marks" },
	{ 's', "\"○\": required,", "\"○ ○\": required,", "mark" },
	{ 's', "\"○\": required,", "\"\": required,", "mark" },
	{ 's', "\"○\": required,", "\"○\": must,", "required" },
	{ 's', "\"○\": required,", "\"○\": [required],", "required" },
	{ 's', "type: bool, note: n", "type: int", "needs type: bool or enum" },
	{ 's', "type: bool, note: n", "note: n", "needs type: bool or enum" },
	{ 's', "type: enum, values: [a, b]", "type: enum", "needs a list of 'values'" },
	{ 's', "type: enum, values: [a, b]", "type: enum, values: []", "needs a list of 'values'" },
	{ 's', "type: enum, values: [a, b]", "type: enum, values: [a, [b]]", "value" },
	{ 's', "type: enum, values: [a, b]", "type: bool, values: [a, b]", "values" },
	{ 's', "  - {id: kind, name: 種類,", "  - {id: web, name: 種類,", "duplicate" },
	{ 's', "  - {id: kind, name: 種類, type: enum, values: [a, b]}\n", "  - kind\n", "must be a map" },
	{ 's', "attributes:\n  - {id: web, name: ウェブ, type: bool, note: n}\n"
	       "  - {id: kind, name: 種類, type: enum, values: [a, b]}\n", "attributes: x\n", "must be a list" },
	{ 's', "default_verdict: required\n", "default_verdict: maybe\n", "default_verdict" },
	{ 's', "default_verdict: required\n", "default_verdict: [required]\n", "default_verdict" },
	{ 's', "parties: {orderer: 市, vendor: [受託者, 乙], protect: [市民]}\n", "parties: [市]\n", "parties" },
	{ 's', "{orderer: 市, vendor", "{vendor", "missing required key 'orderer'" },
	{ 's', "{orderer: 市,", "{orderer: \"\",", "'orderer' must not be empty" },
	{ 's', "vendor: [受託者, 乙]", "vendor: []", "a word or a list of words" },
	{ 's', "vendor: [受託者, 乙]", "vendor: [受託者, \"\"]", "lists words" },
	{ 's', "vendor: [受託者, 乙]", "vendor: {a: b}", "a word or a list of words" },
	{ 's', "protect: [市民]}", "protect: [市民], party: x}", "unknown key 'party'" },
	{ 's', "sections:\n  - {id: \"1\"", "sectionz: 1\nsections:\n  - {id: \"1\"", "sectionz" },
	{ 's', "  - {id: \"1\", number: \"1\", title: 施設}\n", "  - 施設\n", "must be a map" },
	{ 's', "  - {id: \"1\", number: \"1\", title: 施設}\n", "  - {id: \"1\", number: \"1\"}\n",
	  "missing required key 'title'" },
	{ 's', "  - {id: \"1\", number: \"1\", title: 施設}\n",
	  "  - {id: \"1\", number: \"1\", title: 施設, parnet: x}\n", "did you mean 'parent'" },
	{ 's', "parent: \"1\"", "parent: \"2\"", "is not a section listed before" },
	{ 's', "parent: \"1\"", "parent: [\"1\"]", "is not a section listed before" },
	{ 's', "parent: \"1\"", "parent: \"1-1\"", "parent '1-1' is not a section listed before" },
	{ 's', "{id: \"1-1\", number", "{id: \"1\", number", "duplicate section id" },
	{ 's', "seed_lines: [3, 4]}", "seed_lines: [3]}", "two line numbers" },
	{ 's', "  - {topic: a, decision: b, evidence: c}\n", "  - a\n", "must be a map" },
	{ 's', "  - {topic: a, decision: b, evidence: c}\n", "  - {decision: b}\n",
	  "missing required key 'topic'" },
	{ 's', "  - {topic: a, decision: b, evidence: c}\n", "  - {topic: a}\n",
	  "missing required key 'decision'" },
	{ 's', "  - {topic: a, decision: b, evidence: c}\n", "  - {topic: a, decision: b, x: c}\n",
	  "unknown key 'x'" },
	{ 's', "notes:\n  - {topic: a, decision: b, evidence: c}\n", "notes: x\n", "must be a list" },
	{ 's', "id: ex\n", "- id: ex\n- x: 1\nx: ", "YAML" },
	{ 's', "preamble: 趣旨\n", "preamble: [趣旨]\n", "must be text" },
	/* clauses */
	{ 'c', "---\nid: ex-1\n", "id: ex-1\n", "must start with a '---' line" },
	{ 'c', "note: n\n---\n", "note: n\n", "front matter is not closed" },
	{ 'c', "id: ex-1\n", "", "missing required key 'id'" },
	{ 'c', "id: ex-1\n", "id: ex 1\n", "id" },
	{ 'c', "number: 1-1-1\n", "", "missing required key 'number'" },
	{ 'c', "section: \"1-1\"\n", "", "missing required key 'section'" },
	{ 'c', "section: \"1-1\"\n", "section: \"9\"\n", "is not listed in source.yaml" },
	{ 'c', "section: \"1-1\"\n", "section: [\"1-1\"]\n", "is not listed in source.yaml" },
	{ 'c', "title: 立地\n", "title: [立地]\n", "must be text" },
	{ 'c', "note: n\n", "nite: n\n", "did you mean 'note'" },
	{ 'c', "seed_lines: [5, 6]\n", "", "missing required key 'seed_lines'" },
	{ 'c', "\n日本国内に施設を持つこと。\n", "\n  \n", "has no text below its front matter" },
	{ 'c', "marks:\n  main: {I: \"- ○\", II: \"○ △\"}\n  extra: {I: \"○\", II: \"-\"}\n", "",
	  "marks" },
	{ 'c', "  main: {I: \"- ○\", II: \"○ △\"}\n", "  mian: {I: \"- ○\", II: \"○ △\"}\n", "mian" },
	{ 'c', "  main: {I: \"- ○\", II: \"○ △\"}\n", "  main: \"- ○\"\n", "must be a map of class id to row" },
	{ 'c', "  main: {I: \"- ○\", II: \"○ △\"}\n", "  main: {I: \"- ○\", III: \"○ △\"}\n",
	  "'III' is not a class of this source" },
	{ 'c', "  main: {I: \"- ○\", II: \"○ △\"}\n", "  main: {I: \"- ○\"}\n",
	  "marks lack the row of class 'II'" },
	{ 'c', "II: \"○ △\"}", "II: \"○  △\"}", "is not a mark of this source" },
	{ 'c', "II: \"○ △\"}", "II: [○, △]}", "must be text such as" },
	{ 'c', "II: \"○ △\"}", "II: \"○ △ ○\"}", "has 3 marks; table 'main' has 2 columns" },
	{ 'c', "marks:\n  main: {I: \"- ○\", II: \"○ △\"}\n  extra: {I: \"○\", II: \"-\"}\n", "marks: \"○\"\n", "marks" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: {wbe: true}\n", "unknown attribute 'wbe'" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: {kinb: true}\n", "did you mean 'kind'" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: {zzzzzz: true}\n", "declare it in source.yaml" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: [web]\n", "must be a map of attribute" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: {}\n", "must be a map of attribute" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: {kind: []}\n", "lists no values" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: {kind: [[a]]}\n", "must be text" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: {kind: c}\n", "c" },
	{ 'c', "when: {web: true, kind: [a, b]}\n", "when: {web: maybe}\n", "maybe" },
	{ 'c', "unless: {kind: b}\n", "unless: {kind: b, web: [yes, off]}\n", NULL },
	{ 'c', "references: [plain, {", "references: [[plain], {", "a reference is text" },
	{ 'c', "{label: L, url:", "{url:", "missing required key 'label'" },
	{ 'c', "note: n}]", "note: n, x: 1}]", "unknown key 'x'" },
	{ 'c', "references: [plain, {label: L, url: \"https://example.org\", note: n}]\n", "references: plain\n", "must be a list" },
	{ 'c', "appendices: [app]\n", "appendices: [ppa]\n", "does not exist in appendices/" },
	{ 'c', "appendices: [app]\n", "appendices: [[app]]\n", "does not exist in appendices/" },
	{ 'c', "appendices: [app]\n", "appendices: app\n", "must be a list" },
	{ 'c', "note: n\n---\n", "note: n\nverdict: required\n---\n", "takes its verdict from its marks" },
	/* appendices */
	{ 'a', "id: app\n", "", "missing required key 'id'" },
	{ 'a', "title: 別紙\n", "", "missing required key 'title'" },
	{ 'a', "seed_lines: [1, 1]\n", "seed_lines: 1\n", "two line numbers" },
	{ 'a', "note: n\n", "notes: n\n", "did you mean 'note'" },
	{ 'a', "---\nid: app", "id: app", "must start with a '---' line" },
	{ 'a', "---\nid: app", "---\n- id: app\n---\n", "front matter must be a map" },
	{ 0, NULL, NULL, NULL }
};

START_TEST(each_edit_is_refused_at_its_place)
{
	const mcase *m;
	int n = 0;

	for (m = source_cases; m->what != 0; m++) {
		char *src = m->what == 's' ? edit(source_yaml, m->old, m->new_) : g_strdup(source_yaml);
		char *cl = m->what == 'c' ? edit(clause_md, m->old, m->new_) : g_strdup(clause_md);
		char *app = m->what == 'a' ? edit(appendix_md, m->old, m->new_) : g_strdup(appendix_md);
		cg_err e = { 0 };
		sp_source *s;

		write_source(src, cl, app);
		s = spec_load(dir, &e);
		if (m->msg == NULL) {
			/* An edit that is still valid. */
			ck_assert_msg(s != NULL, "case %d: %s", n, e.msg);
		} else {
			ck_assert_msg(s == NULL, "case %d ('%s' -> '%s') loaded", n, m->old, m->new_);
			ck_assert_int_eq(e.kind, CG_EINPUT);
			ck_assert_ptr_nonnull(e.file);
			ck_assert_msg(e.line > 0, "case %d: no line: %s", n, e.msg);
			ck_assert_msg(strstr(e.msg, m->msg) != NULL, "case %d: '%s' lacks '%s'", n, e.msg,
			              m->msg);
		}
		spec_free(s);
		cg_err_clear(&e);
		g_free(src);
		g_free(cl);
		g_free(app);
		n++;
	}
}
END_TEST

START_TEST(sources_without_tables_or_classes)
{
	/* No tables: verdicts are fixed per clause. */
	const char *src = "id: ex\ntitle: t\npublisher: p\nversion: v\nseed: {file: f, lines: [1, 2]}\n"
	                  "default_verdict: optional\nsections:\n  - {id: s, title: S}\n";
	cg_err e = { 0 };
	sp_source *s;

	tu_rmtree(dir);
	g_free(tu_write(dir, "source.yaml", src));
	g_free(tu_write(dir, "clauses/a.md", "---\nid: a\nnumber: \"1\"\nsection: s\nverdict: included\nseed_lines: [1, 1]\n---\nA\n"));
	g_free(tu_write(dir, "clauses/b.md", "---\nid: b\nnumber: \"2\"\nsection: s\nseed_lines: [2, 2]\n---\nB\n"));
	s = spec_load(dir, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_int_eq(s->default_verdict, V_OPTIONAL);
	ck_assert_int_eq(s->clauses[0].verdict, V_INCLUDED);
	ck_assert_int_eq(s->clauses[1].verdict, -1);
	ck_assert_ptr_null(spec_mark(s, &s->clauses[0], 0, 0, 0));
	spec_free(s);
	g_free(tu_write(dir, "clauses/b.md", "---\nid: b\nnumber: \"2\"\nsection: s\nverdict: always\nseed_lines: [2, 2]\n---\nB\n"));
	ck_assert_ptr_null(spec_load(dir, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "verdict must be required"));
	cg_err_clear(&e);
	/* Categories without tables: one table 'main' over all of them. */
	g_free(tu_write(dir, "source.yaml",
	                "id: ex\ntitle: t\npublisher: p\nversion: v\nseed: {file: f, lines: [1, 2]}\n"
	                "categories: [{id: a, name: A}, {id: b, name: B}]\nmarks: {\"○\": required, \"-\": not-applicable}\n"
	                "sections:\n  - {id: s, title: S}\n"));
	g_free(tu_write(dir, "clauses/a.md", "---\nid: a\nnumber: \"1\"\nsection: s\nmarks: \"○ -\"\nseed_lines: [1, 1]\n---\nA\n"));
	g_free(tu_write(dir, "clauses/b.md", "---\nid: b\nnumber: \"2\"\nsection: s\nmarks: \"- ○\"\nseed_lines: [2, 2]\n---\nB\n"));
	s = spec_load(dir, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_uint_eq(s->ntables, 1);
	ck_assert_str_eq(spec_mark(s, &s->clauses[0], 0, 0, 0), "○");
	ck_assert_str_eq(spec_mark(s, &s->clauses[1], 0, 0, 1), "○");
	spec_free(s);
	/* Tables without categories. */
	g_free(tu_write(dir, "source.yaml",
	                "id: ex\ntitle: t\npublisher: p\nversion: v\nseed: {file: f, lines: [1, 2]}\n"
	                "tables: [{id: t, title: T, columns: [a]}]\nmarks: {\"○\": required}\n"
	                "sections:\n  - {id: s, title: S}\n"));
	ck_assert_ptr_null(spec_load(dir, &e));
	ck_assert_int_gt(e.line, 0);
	cg_err_clear(&e);
	/* A source.yaml that is a list, and one that is empty. */
	g_free(tu_write(dir, "source.yaml", "- a\n- b\n"));
	ck_assert_ptr_null(spec_load(dir, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "map"));
	cg_err_clear(&e);
	g_free(tu_write(dir, "source.yaml", ""));
	ck_assert_ptr_null(spec_load(dir, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "missing required key"));
	cg_err_clear(&e);
	/* No clauses at all. */
	tu_rmtree(dir);
	g_free(tu_write(dir, "source.yaml", src));
	ck_assert_ptr_null(spec_load(dir, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "source has no clauses"));
	cg_err_clear(&e);
	/* Not a directory. */
	ck_assert_ptr_null(spec_load("/nonexistent/clausegen", &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "no such source directory"));
	cg_err_clear(&e);
}
END_TEST

static const mcase contract_cases[] = {
	{ 'k', "id: ex-contract\n", "", "missing required key 'id'" },
	{ 'k', "id: ex-contract\n", "id: [x]\n", "must be text" },
	{ 'k', "title: 例\n", "titel: 例\n", "unknown key 'titel' in the contract" },
	{ 'k', "title: 例\n", "title: 例\nvendr: x\n", "did you mean 'vendor'" },
	{ 'k', "source: ex\n", "", "missing required key 'source'" },
	{ 'k', "date: 2026-01-31\n", "date: 2026-1-31\n", "YYYY-MM-DD" },
	{ 'k', "date: 2026-01-31\n", "date: 2026-13-01\n", "YYYY-MM-DD" },
	{ 'k', "date: 2026-01-31\n", "date: 2026-02-30x\n", "YYYY-MM-DD" },
	{ 'k', "attributes: {web: true, kind: a}\n", "attributes: [web]\n", "attributes" },
	{ 'k', "attributes: {web: true, kind: a}\n", "attributes: {web: [true]}\n", "web" },
	{ 'k', "  include: [ex-1,", "  include: ex-1\n  x: [ex-1,", "unknown key 'x'" },
	{ 'k', "  include: [ex-1,", "  include: [[ex-1],", "choice" },
	{ 'k', "{id: ex-2, reason: 理由}", "{reason: 理由}", "id" },
	{ 'k', "{id: ex-2, reason: 理由}", "{id: ex-2, reason: \"\"}", "reason" },
	{ 'k', "{id: ex-2, reason: 理由}", "{id: ex-2, why: 理由}", "unknown key 'why'" },
	{ 'k', "  exclude: []\n", "  exclude: {a: b}\n", "list" },
	{ 'k', "choices:\n  include: [ex-1, {id: ex-2, reason: 理由}]\n  exclude: []\n", "choices: [x]\n", "choices" },
	{ 'k', "documents: [selection, spec]\n", "documents: []\n", "documents" },
	{ 'k', "documents: [selection, spec]\n", "documents: [selction]\n", "did you mean 'selection'" },
	{ 'k', "documents: [selection, spec]\n", "documents: [xyzzy-plugh]\n", "xyzzy-plugh" },
	{ 'k', "documents: [selection, spec]\n", "documents: [[spec]]\n", "unknown document" },
	{ 'k', "parties: {orderer: 甲, vendor: 乙}\n", "parties: [甲]\n", "parties" },
	{ 'k', "parties: {orderer: 甲, vendor: 乙}\n", "parties: {orderer: [甲]}\n", "party names must be text" },
	{ 'k', "parties: {orderer: 甲, vendor: 乙}\n", "parties: {orderer: 甲, buyer: 乙}\n", "unknown key 'buyer'" },
	{ 'k', "id: ex-contract\n", "- id\n", "YAML" },
	/* binding */
	{ 'b', "category: dev\n", "category: dve\n", "unknown category 'dve' (known: dev, dc)" },
	{ 'b', "category: dev\n", "", "category" },
	{ 'b', "class: II\n", "class: V\n", "class" },
	{ 'b', "class: II\n", "", "class" },
	{ 'b', "attributes: {web: true, kind: a}\n", "attributes: {web: maybe}\n", "maybe" },
	{ 'b', "attributes: {web: true, kind: a}\n", "attributes: {kind: c}\n", "'c'" },
	{ 'b', "attributes: {web: true, kind: a}\n", "attributes: {wbe: true}\n", "wbe" },
	{ 'b', "attributes: {web: true, kind: a}\n", "attributes: {web: yes, kind: b}\n", NULL },
	{ 'b', "attributes: {web: true, kind: a}\n", "attributes: {web: off}\n", NULL },
	{ 'b', "  include: [ex-1,", "  include: [ex-9,", "ex-9" },
	{ 'b', "  exclude: []\n", "  exclude: [ex-1]\n", "ex-1" },
	{ 0, NULL, NULL, NULL }
};

START_TEST(each_contract_edit_is_refused_at_its_place)
{
	const mcase *m;
	cg_err e = { 0 };
	sp_source *s;
	int n = 0;

	write_source(source_yaml, clause_md, appendix_md);
	s = spec_load(dir, &e);
	ck_assert_ptr_nonnull(s);
	for (m = contract_cases; m->what != 0; m++) {
		char *text = edit(contract_yaml, m->old, m->new_);
		char *path = tu_write(tmp, "c.yaml", text);
		ct_contract *c = contract_load(path, &e);
		int ok = c != NULL && (m->what != 'b' || contract_bind(c, s, &e));
		if (m->msg == NULL) {
			ck_assert_msg(ok, "case %d: %s", n, e.msg);
		} else {
			ck_assert_msg(!ok, "case %d ('%s' -> '%s') was accepted", n, m->old, m->new_);
			ck_assert_int_eq(e.kind, CG_EINPUT);
			ck_assert_msg(e.line > 0, "case %d: no line: %s", n, e.msg);
			ck_assert_msg(strstr(e.msg, m->msg) != NULL, "case %d: '%s' lacks '%s'", n, e.msg,
			              m->msg);
		}
		cg_err_clear(&e);
		contract_free(c);
		g_free(path);
		g_free(text);
		n++;
	}
	spec_free(s);
}
END_TEST


/* ---- the command line's own refusals and the check command's paths ---- */

static int cli_status(const char *needle, const char *a0, ...) G_GNUC_NULL_TERMINATED;
static int cli_status(const char *needle, const char *a0, ...)
{
	const char *argv[24] = { NULL };
	va_list ap;
	int n = 0, status;
	tu_run r;

	va_start(ap, a0);
	for (argv[n++] = a0; n < 23 && (argv[n] = va_arg(ap, const char *)) != NULL; n++)
		;
	va_end(ap);
	argv[n] = NULL;
	r = tu_cli(argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[8],
	           argv[9], argv[10], argv[11], argv[12], NULL);
	status = r.status;
	if (needle != NULL)
		ck_assert_msg(strstr(r.err, needle) != NULL || strstr(r.out, needle) != NULL,
		              "'%s' not in: %s%s", needle, r.err, r.out);
	tu_run_free(&r);
	return status;
}

START_TEST(command_line_refusals)
{
	ck_assert_int_eq(cli_status("--mem-limit takes a size in MiB", "select", "--mem-limit", "0", NULL), 2);
	ck_assert_int_eq(cli_status("--mem-limit", "select", "--mem-limit", "70000", NULL), 2);
	ck_assert_int_eq(cli_status("--mem-limit", "select", "--mem-limit", "12x", NULL), 2);
	ck_assert_int_eq(cli_status("--instr-limit takes a positive number", "select", "--instr-limit", "0", NULL), 2);
	ck_assert_int_eq(cli_status("--instr-limit", "select", "--instr-limit", "many", NULL), 2);
	ck_assert_int_eq(cli_status("unknown source 'nope'", "select", "--source", "nope", "--category", "x", "--class", "I", NULL), 2);
	ck_assert_int_eq(cli_status("unknown source", "select", "--source", "../etc", NULL), 2);
	ck_assert_int_eq(cli_status(NULL, "select", "--source", "shinagawa", "--category", "saas", "--class", "II", "--set", "noequals", NULL), 2);
	ck_assert_int_eq(cli_status(NULL, "select", "--source", "shinagawa", "--category", "saas", "--class", "II", "--set", "=x", NULL), 2);
	ck_assert_int_eq(cli_status(NULL, "select", "--source", "shinagawa", "--class", "II", NULL), 2);
	ck_assert_int_eq(cli_status(NULL, "select", NULL), 2);
	ck_assert_int_eq(cli_status("no clause 'sg-0'", "explain", "--source", "shinagawa", "--clause", "sg-0", "--category", "saas", "--class", "II", NULL), 2);
	ck_assert_int_eq(cli_status(NULL, "explain", "--contract", "specs/contracts/nisc-asp-yoyaku.yaml", "--clause", "nisc-07", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "explain", "--contract", "specs/contracts/shinagawa-dc-kikan.yaml", "--clause", "sg-8-3", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "explain", "--contract", "/nonexistent.yaml", "--clause", "x", NULL), 3);
	ck_assert_int_eq(cli_status(NULL, "explain", "--source", "shinagawa", "--clause", "sg-8-3", "--category", "saas", "--class", "II", "--format", "json", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "sources", "--format", "text", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "sources", "extra", NULL), 2);
	ck_assert_int_eq(cli_status(NULL, "categories", "--source", "nisc", "--format", "text", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "classes", "--source", "nisc", "--format", "json", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "classes", "--source", "shinagawa", "extra", NULL), 2);
	ck_assert_int_eq(cli_status(NULL, "select", "--contract", "specs/contracts/nisc-asp-yoyaku.yaml", "--all", "--format", "text", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "select", "--contract", "specs/contracts/nisc-asp-yoyaku.yaml", "extra", NULL), 2);
	ck_assert_int_eq(cli_status(NULL, "build", "--root", "/nonexistent-root", NULL), 2);
}
END_TEST

START_TEST(check_takes_any_path)
{
	char *script;

	ck_assert_int_eq(cli_status(NULL, "check", "lua/select.lua", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "check", "specs/nisc/source.yaml", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "check", "specs/nisc/clauses/nisc-01.md", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "check", "specs/contracts/nisc-asp-yoyaku.yaml", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "check", "specs/nisc", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "check", "specs/contracts", NULL), 0);
	ck_assert_int_eq(cli_status(NULL, "check", "/nonexistent/x.yaml", NULL), 3);
	ck_assert_int_ne(cli_status(NULL, "check", "README.md", NULL), 0);
	/* A script of its own for a source: run with the generic module. */
	script = tu_write(tmp, "lua/nisc.lua", "local M = ...\nlocal N = {}\n"
	                  "function N.verdict(c, k, s) return M.verdict(c, k, s) end\nreturn N\n");
	g_free(tu_write(tmp, "lua/select.lua", "return {verdict = function() return 'required', 'r' end}\n"));
	ck_assert_int_eq(cli_status(NULL, "check", script, NULL), 0);
	g_free(tu_write(tmp, "lua/nisc.lua", "return 42\n"));
	ck_assert_int_eq(cli_status("rules as a table", "check", script, NULL), 1);
	g_free(tu_write(tmp, "lua/nisc.lua", "error('x')\n"));
	ck_assert_int_eq(cli_status("nisc.lua:1:1: error: x", "check", script, NULL), 1);
	g_free(script);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("malformed");
	TCase *tc = tcase_create("malformed");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, the_example_loads);
	tcase_add_test(tc, each_edit_is_refused_at_its_place);
	tcase_add_test(tc, sources_without_tables_or_classes);
	tcase_add_test(tc, each_contract_edit_is_refused_at_its_place);
	suite_add_tcase(s, tc);
	tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, command_line_refusals);
	tcase_add_test(tc, check_takes_any_path);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
