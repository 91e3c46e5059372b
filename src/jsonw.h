/* jsonw.h: a streaming JSON writer for the large outputs (selection.json,
 * `select --format json`). It writes what jansson's json_dumps writes with
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER, byte for byte, without building a
 * tree of objects first: with thousands of clauses the tree (a hash table
 * per object) cost more than the rest of the file's rendering. jansson
 * still escapes every string; this file only lays out the structure.
 * Strings must be valid UTF-8 (every loaded text is validated at load).
 *
 *   jw_writer w;
 *   jw_init(&w);
 *   jw_open(&w, NULL, '{');  jw_str(&w, "id", "a");  jw_close(&w);
 *   char *json = jw_finish(&w);   (g_free; ends with a newline)
 */
#ifndef CG_JSONW_H
#define CG_JSONW_H

#include <glib.h>

#define JW_MAX_DEPTH 32

/* The bytes JSON escapes are all below this: the controls, '"', '\\'. */
#define JW_ESC_BYTES 0x5d

typedef struct {
	GString *out;
	int depth;
	char close[JW_MAX_DEPTH];  /* '}' or ']' of each open container */
	int empty[JW_MAX_DEPTH];   /* nothing written in it yet */
	/* jansson's escape of each byte it escapes, asked once per writer
	 * (esc[0][0] == 0 until then): "\n", "\u0001", ... */
	char esc[JW_ESC_BYTES][8];
} jw_writer;

void jw_init(jw_writer *w);
/* The same, appending to `out`, which the caller keeps: finish with
 * jw_end. */
void jw_init_to(jw_writer *w, GString *out);
/* Opens an object ('{') or array ('['), as the member `key` of the object
 * it is in (NULL in an array or at the top). */
void jw_open(jw_writer *w, const char *key, char kind);
void jw_close(jw_writer *w);
/* Members; jw_str writes nothing when `v` is NULL (jansson's callers here
 * left such keys out). */
void jw_str(jw_writer *w, const char *key, const char *v);
void jw_int(jw_writer *w, const char *key, long long v);
void jw_bool(jw_writer *w, const char *key, int v);
/* The text, with a final newline; the writer is spent. */
char *jw_finish(jw_writer *w);
/* Writes the final newline of a writer begun with jw_init_to. */
void jw_end(jw_writer *w);

#endif
