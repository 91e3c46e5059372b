/* util.h: small helpers shared by the loaders: bounded text file reading,
 * natural ordering of clause numbers, did-you-mean suggestions, id checks. */
#ifndef CG_UTIL_H
#define CG_UTIL_H

#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "err.h"

/* Largest source, contract or script file accepted (documented in
 * docs/spec-format.md): real files are a few KiB; anything near this is a
 * mistake or an attack, and refusing it bounds memory and time. */
#define CG_MAX_FILE_SIZE (1024 * 1024)

/* Reads a whole text file of at most `limit` bytes. Refuses NUL bytes and
 * invalid UTF-8 with the line and column of the first bad byte, drops a
 * leading UTF-8 BOM and turns CRLF into LF. On success `*out` (caller frees
 * with g_free) is NUL-terminated and `*len` is its length. */
int util_read_text(const char *path, size_t limit, char **out, size_t *len, cg_err *err);

/* Appends `n` bytes to `s`: g_string_append_len's work, without its call
 * into GLib's general insert when the bytes fit (GLib 2.74 has no inline
 * path for it, and the documents and selection.json are some 100,000
 * small appends at 3,000 clauses). */
static inline void util_append(GString *s, const char *p, size_t n)
{
	if (n < s->allocated_len - s->len) {
		memcpy(s->str + s->len, p, n);
		s->len += n;
		s->str[s->len] = '\0';
	} else {
		g_string_append_len(s, p, (gssize)n);
	}
}

/* util_append of a NUL-terminated string, and of a string literal. */
static inline void util_append_str(GString *s, const char *p)
{
	util_append(s, p, strlen(p));
}
#define UTIL_APPEND_LIT(s, lit) util_append((s), "" lit, sizeof(lit) - 1)

/* `v` in decimal, NUL-terminated, at the end of `buf`; returns where it
 * starts. For numbers written many times over (labels, attributes), where
 * printf's machinery was most of the cost. */
char *util_decimal(char buf[24], long long v);

/* Starts a thread (g_thread_try_new; NULL when it cannot, and the caller
 * does the work itself) that never takes a signal: every signal is blocked
 * in it from its first instruction, so that out.c's cleanup handlers only
 * ever run on the main thread, the one that changes the table of what is in
 * flight (with the signals held off around each change). For work that
 * writes nothing: rendering into memory, checking stat fields. */
GThread *util_thread_new(const char *name, GThreadFunc fn, void *data);

/* True when a second thread can run beside this one: more than one core. */
int util_can_thread(void);

/* Orders clause numbers as a reader does: digit runs compare as numbers, the
 * rest byte by byte ("1-2-10" after "1-2-9"). */
int util_natcmp(const char *a, const char *b);

/* Returns the candidate closest to `word` when it is close enough to be a
 * plausible typo, else NULL. The result points into `cands`. */
const char *util_suggest(const char *word, const char *const *cands, size_t n);

/* True when `s` is a non-empty id of the characters in `extra` plus ASCII
 * letters and digits, at most 128 bytes, not starting with '.' or '-'. */
int util_valid_id(const char *s, const char *extra);

/* Number of UTF-8 code points in the first `nbytes` bytes of `s`. */
int util_utf8_cols(const char *s, size_t nbytes);

/* What util_list_dir keeps. */
typedef enum { UTIL_LIST_ANY, UTIL_LIST_FILES, UTIL_LIST_DIRS } util_list_kind;

/* Paths (dir/name) of the entries of `dir` whose name ends in `suffix`
 * (NULL: any) and that are of `kind`, hidden names left out, sorted so that
 * nothing depends on the order on disk. Empty when `dir` cannot be read.
 * NULL-terminated; g_strfreev. */
char **util_list_dir(const char *dir, const char *suffix, util_list_kind kind);

/* The day SOURCE_DATE_EPOCH names, as YYYY-MM-DD (UTC), or NULL when it
 * is unset, empty or not a non-negative number. Reproducible builds print
 * this date instead of the day of the build. g_free. */
char *util_sde_date(void);

/* Writes all `len` bytes of `buf` to `fd`, again after EINTR and short
 * writes; 0 on an error or a write that writes nothing. */
int util_write_all(int fd, const void *buf, size_t len);

/* True when the path names an existing directory / regular file. */
int util_is_dir(const char *path);
int util_is_file(const char *path);
/* Do two paths name one existing file (same device and inode)? A file
 * named twice on a command line (a.yaml ./a.yaml, or in a directory also
 * given) is then taken once. */
int util_same_file(const char *a, const char *b);

#endif
