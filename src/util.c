#include "util.h"

#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

/* Line and column (1-based, in code points) of byte offset `off`. */
static void pos_of(const char *buf, size_t off, int *line, int *col)
{
	size_t i, bol = 0;

	*line = 1;
	for (i = 0; i < off; i++)
		if (buf[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = util_utf8_cols(buf + bol, off - bol) + 1;
}

int util_read_text(const char *path, size_t limit, char **out, size_t *len, cg_err *err)
{
	FILE *fp = NULL;
	char *buf = NULL;
	size_t n, i, j, cap;
	const char *bad;
	struct stat st = { 0 };
	int line, col, ok = 0;

	*out = NULL;
	*len = 0;
	fp = fopen(path, "rb");
	if (fp == NULL) {
		cg_err_set(err, CG_ESYS, path, 0, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (fstat(fileno(fp), &st) == 0 && !S_ISREG(st.st_mode)) {
		cg_err_set(err, CG_EINPUT, path, 0, 0, "not a regular file");
		goto out;
	}
	/* A buffer of the file's size, not of the limit: clause files are a few
	 * hundred bytes and a source has hundreds of them. One byte more than
	 * the size is asked for, so a file that grew since fstat is noticed and
	 * read on, up to limit+1 bytes for the size check. */
	cap = limit + 1;
	if (st.st_size >= 0 && (size_t)st.st_size < limit)
		cap = (size_t)st.st_size + 1;
	buf = g_malloc(cap + 1);
	n = fread(buf, 1, cap, fp);
	if (n == cap && cap <= limit) {
		buf = g_realloc(buf, limit + 2);
		n += fread(buf + n, 1, limit + 1 - n, fp);
	}
	if (ferror(fp)) {
		cg_err_set(err, CG_ESYS, path, 0, 0, "read error: %s", strerror(errno));
		goto out;
	}
	if (n > limit) {
		cg_err_set(err, CG_EINPUT, path, 0, 0,
		           "file is larger than the limit of %zu bytes", limit);
		goto out;
	}
	buf[n] = '\0';
	/* Editors on Windows write a BOM; it carries no meaning in UTF-8, and
	 * positions are counted after it, as the YAML parser counts them. */
	i = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	bad = memchr(buf, '\0', n);
	if (bad != NULL) {
		pos_of(buf + i, (size_t)(bad - buf) - i, &line, &col);
		cg_err_set(err, CG_EINPUT, path, line, col, "NUL byte in text file");
		goto out;
	}
	if (!g_utf8_validate(buf, (gssize)n, &bad)) {
		pos_of(buf + i, (size_t)(bad - buf) - i, &line, &col);
		cg_err_set(err, CG_EINPUT, path, line, col,
		           "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
		           (unsigned char)*bad);
		goto out;
	}
	for (j = 0; i < n; i++) {
		if (buf[i] == '\r' && i + 1 < n && buf[i + 1] == '\n')
			continue;
		buf[j++] = buf[i];
	}
	buf[j] = '\0';
	*out = buf;
	*len = j;
	buf = NULL;
	ok = 1;
out:
	if (fp != NULL)
		fclose(fp);
	g_free(buf);
	return ok;
}

int util_natcmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (g_ascii_isdigit(*a) && g_ascii_isdigit(*b)) {
			const char *sa, *sb;
			size_t la, lb;

			while (*a == '0' && g_ascii_isdigit(a[1]))
				a++;
			while (*b == '0' && g_ascii_isdigit(b[1]))
				b++;
			for (sa = a; g_ascii_isdigit(*a); a++)
				;
			for (sb = b; g_ascii_isdigit(*b); b++)
				;
			la = (size_t)(a - sa);
			lb = (size_t)(b - sb);
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(sa, sb, la);
			if (c != 0)
				return c;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* Levenshtein distance over bytes, capped: ids and keys are short ASCII. */
static size_t edit_distance(const char *s, const char *t)
{
	size_t ls = strlen(s), lt = strlen(t), i, j;
	size_t *row, d;

	if (ls > 64 || lt > 64)
		return (size_t)-1;
	row = g_new(size_t, lt + 1);
	for (j = 0; j <= lt; j++)
		row[j] = j;
	for (i = 1; i <= ls; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lt; j++) {
			size_t up = row[j];
			size_t best = diag + (s[i - 1] == t[j - 1] ? 0 : 1);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[lt];
	g_free(row);
	return d;
}

const char *util_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, i, len = strlen(word);
	/* A third of the word's length, at least 1 and at most 3 edits: close
	 * enough to be a typo, far enough not to suggest nonsense. */
	size_t limit = len / 3;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

int util_valid_id(const char *s, const char *extra)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!g_ascii_isalnum(s[i]) && strchr(extra, s[i]) == NULL)
			return 0;
	return 1;
}

int util_utf8_cols(const char *s, size_t nbytes)
{
	size_t i;
	int cols = 0;

	for (i = 0; i < nbytes; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cols++;
	return cols;
}

int util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return 0;
		p += k;
		len -= (size_t)k;
	}
	return 1;
}

int util_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int util_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int util_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **util_list_dir(const char *dir, const char *suffix, util_list_kind kind)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *a = g_ptr_array_new();
	const char *name;

	if (d != NULL) {
		while ((name = g_dir_read_name(d)) != NULL) {
			char *p = g_build_filename(dir, name, NULL);
			int ok = name[0] != '.' && (suffix == NULL || g_str_has_suffix(name, suffix)) &&
			         (kind == UTIL_LIST_ANY || (kind == UTIL_LIST_DIRS ? util_is_dir(p)
			                                                        : util_is_file(p)));
			if (ok)
				g_ptr_array_add(a, p);
			else
				g_free(p);
		}
		g_dir_close(d);
	}
	if (a->len > 1)
		qsort(a->pdata, a->len, sizeof(char *), cmp_paths);
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

char *util_sde_date(void)
{
	const char *sde = g_getenv("SOURCE_DATE_EPOCH");
	char *end, buf[16];
	long long v;
	time_t t;
	struct tm tm;

	if (sde == NULL || *sde == '\0')
		return NULL;
	v = strtoll(sde, &end, 10);
	if (*end != '\0' || v < 0)
		return NULL;
	t = (time_t)v;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return g_strdup(buf);
}

char *util_decimal(char buf[24], long long v)
{
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	char *d = buf + 23;

	*d = '\0';
	do {
		*--d = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--d = '-';
	return d;
}

GThread *util_thread_new(const char *name, GThreadFunc fn, void *data)
{
	sigset_t all, old;
	GThread *t;

	/* A new thread starts with its creator's mask: block everything
	 * around the creation rather than in the thread, where a signal
	 * could come before its first line. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	t = g_thread_try_new(name, fn, data, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return t;
}

int util_can_thread(void)
{
	static int cores;

	if (cores == 0)
		cores = (int)g_get_num_processors();
	return cores > 1;
}
