/* check_util.c: the small helpers of util.c: natural ordering of clause
 * numbers, did-you-mean suggestions, id checks, bounded text file reading
 * (BOM, CRLF, NUL, invalid UTF-8, size limit), code point columns and the
 * streaming JSON writer (byte-identical to jansson's output it replaced). */
#include <check.h>
#include <limits.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "jsonw.h"
#include "testutil.h"
#include "util.h"

static char *tmp;

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(tmp);
	g_free(tmp);
}

/* Writes exactly `len` bytes (NULs included) to tmp/name; returns the path. */
static char *write_bytes(const char *name, const char *bytes, size_t len)
{
	char *path = g_build_filename(tmp, name, NULL);

	ck_assert(g_file_set_contents(path, bytes, (gssize)len, NULL));
	return path;
}

static int sign(int v)
{
	return v < 0 ? -1 : v > 0 ? 1 : 0;
}

/* ---- util_natcmp ---- */

START_TEST(natcmp_numeric_runs)
{
	ck_assert_int_eq(sign(util_natcmp("1-2-9", "1-2-10")), -1);
	ck_assert_int_eq(sign(util_natcmp("1-2-10", "1-2-9")), 1);
	ck_assert_int_eq(sign(util_natcmp("2", "10")), -1);
	ck_assert_int_eq(sign(util_natcmp("10", "2")), 1);
	ck_assert_int_eq(sign(util_natcmp("(3)", "(12)")), -1);
	ck_assert_int_eq(sign(util_natcmp("(12)", "(3)")), 1);
	ck_assert_int_eq(sign(util_natcmp("2-2-9", "2-2-10")), -1);
	ck_assert_int_eq(sign(util_natcmp("9.2.2", "9.3.1")), -1);
	ck_assert_int_eq(sign(util_natcmp("6-5", "6-6-1")), -1);
	/* Same length digit runs compare digit by digit. */
	ck_assert_int_eq(sign(util_natcmp("1-23", "1-32")), -1);
	ck_assert_int_eq(sign(util_natcmp("1-32", "1-23")), 1);
	/* Runs longer than any integer type still compare by value. */
	ck_assert_int_eq(sign(util_natcmp("99999999999999999999", "100000000000000000000")), -1);
	ck_assert_int_eq(sign(util_natcmp("x100000000000000000001", "x100000000000000000000")), 1);
}
END_TEST

START_TEST(natcmp_equal_and_zeros)
{
	ck_assert_int_eq(util_natcmp("", ""), 0);
	ck_assert_int_eq(util_natcmp("1-2-10", "1-2-10"), 0);
	ck_assert_int_eq(util_natcmp("(3)", "(3)"), 0);
	ck_assert_int_eq(util_natcmp("abc", "abc"), 0);
	/* Leading zeros do not change a number's value. */
	ck_assert_int_eq(util_natcmp("01", "1"), 0);
	ck_assert_int_eq(util_natcmp("1", "01"), 0);
	ck_assert_int_eq(util_natcmp("1-007", "1-7"), 0);
	ck_assert_int_eq(util_natcmp("0", "000"), 0);
	ck_assert_int_eq(sign(util_natcmp("02", "10")), -1);
	ck_assert_int_eq(sign(util_natcmp("010", "9")), 1);
}
END_TEST

START_TEST(natcmp_prefix_and_text)
{
	ck_assert_int_eq(sign(util_natcmp("1-2", "1-2-1")), -1);
	ck_assert_int_eq(sign(util_natcmp("1-2-1", "1-2")), 1);
	ck_assert_int_eq(sign(util_natcmp("", "1")), -1);
	ck_assert_int_eq(sign(util_natcmp("abc", "abcd")), -1);
	ck_assert_int_eq(sign(util_natcmp("1", "1a")), -1);
	/* Non-digits compare byte by byte. */
	ck_assert_int_eq(sign(util_natcmp("a", "b")), -1);
	ck_assert_int_eq(sign(util_natcmp("1a", "1b")), -1);
	ck_assert_int_eq(sign(util_natcmp("1b", "1a")), 1);
	ck_assert_int_eq(sign(util_natcmp("1-1", "1.1")), -1); /* '-' 0x2d < '.' 0x2e */
	/* A digit against a letter: the byte order ('1' 0x31 < 'a' 0x61). */
	ck_assert_int_eq(sign(util_natcmp("1", "a")), -1);
	/* Bytes above 0x7f are unsigned. */
	ck_assert_int_eq(sign(util_natcmp("a", "\xe3\x81\x82")), -1);
	ck_assert_int_eq(sign(util_natcmp("\xe3\x81\x82", "a")), 1);
}
END_TEST

START_TEST(natcmp_sorts_clause_numbers)
{
	const char *want[] = { "1-1-1", "1-1-2", "1-2-4", "1-2-5-1", "1-2-5-3", "2-1-1",
		               "2-1-9", "2-1-10", "2-2-12", "6-5", "6-6-1", "7-9", "7-18",
		               "10" };
	const char *in[] = { "7-18", "2-1-10", "1-2-5-3", "10", "6-6-1", "1-1-2", "2-1-9",
		             "1-2-4", "2-2-12", "7-9", "1-1-1", "2-1-1", "6-5", "1-2-5-1" };
	size_t n = G_N_ELEMENTS(in), i, j;

	/* Insertion sort with util_natcmp: the reading order. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && util_natcmp(in[j - 1], in[j]) > 0; j--) {
			const char *t = in[j];
			in[j] = in[j - 1];
			in[j - 1] = t;
		}
	for (i = 0; i < n; i++)
		ck_assert_str_eq(in[i], want[i]);
}
END_TEST

/* ---- util_suggest ---- */

START_TEST(suggest_close_typo)
{
	const char *const keys[] = { "id", "number", "section", "title", "marks", "when",
		                     "unless", "category" };
	size_t n = G_N_ELEMENTS(keys);

	/* The result points into the candidate array. */
	ck_assert_ptr_eq(util_suggest("catgory", keys, n), keys[7]);
	ck_assert_ptr_eq(util_suggest("categroy", keys, n), keys[7]); /* 2 edits, limit 8/3=2 */
	ck_assert_ptr_eq(util_suggest("sectoin", keys, n), keys[2]);
	ck_assert_ptr_eq(util_suggest("titl", keys, n), keys[3]);
	/* A swap is two edits: too many for a 5-letter word. */
	ck_assert_ptr_null(util_suggest("titel", keys, n));
	ck_assert_ptr_eq(util_suggest("unles", keys, n), keys[6]);
	ck_assert_ptr_eq(util_suggest("ix", keys, n), keys[0]); /* short word: 1 edit allowed */
	/* The exact word is its own best suggestion. */
	ck_assert_ptr_eq(util_suggest("marks", keys, n), keys[4]);
}
END_TEST

START_TEST(suggest_far_word)
{
	const char *const keys[] = { "id", "number", "section", "title", "category" };
	size_t n = G_N_ELEMENTS(keys);

	ck_assert_ptr_null(util_suggest("zzzzzz", keys, n));
	ck_assert_ptr_null(util_suggest("colour", keys, n));
	/* 5 letters: at most 1 edit; "tilte" needs 2 edits to "title". */
	ck_assert_ptr_null(util_suggest("tilte", keys, n));
	/* 3 letters: at most 1 edit. */
	ck_assert_ptr_null(util_suggest("xyz", keys, n));
	/* Even a long word is never allowed more than 3 edits. */
	ck_assert_ptr_null(util_suggest("categoryxxxx", keys, n));
	ck_assert_ptr_eq(util_suggest("categoryxxx", keys, n), keys[4]);
	/* Words too long for the distance table never match. */
	{
		char longw[100];
		memset(longw, 'a', sizeof longw - 1);
		longw[sizeof longw - 1] = '\0';
		ck_assert_ptr_null(util_suggest(longw, keys, n));
	}
}
END_TEST

START_TEST(suggest_picks_closest)
{
	const char *const cands[] = { "tile", "title", "titles", "id" };
	const char *const abc[] = { "abcx", "abcd", "abce" };

	/* "tittle": title 1 edit, titles 2, tile 2. */
	ck_assert_ptr_eq(util_suggest("tittle", cands, 4), cands[1]);
	/* "tiles": tile 1 edit, titles 1 edit: the first of equals wins. */
	ck_assert_ptr_eq(util_suggest("tiles", cands, 4), cands[0]);
	ck_assert_ptr_eq(util_suggest("abcde", abc, 3), abc[1]);
	ck_assert_ptr_eq(util_suggest("abcdx", abc, 3), abc[0]);
}
END_TEST

START_TEST(suggest_empty_list)
{
	const char *const none[] = { NULL };

	ck_assert_ptr_null(util_suggest("category", none, 0));
	ck_assert_ptr_null(util_suggest("", none, 0));
}
END_TEST

/* ---- util_valid_id ---- */

START_TEST(valid_id_accepts)
{
	char id128[129];

	ck_assert_int_eq(util_valid_id("a", ""), 1);
	ck_assert_int_eq(util_valid_id("Z9", ""), 1);
	ck_assert_int_eq(util_valid_id("sg-1-2-3", "-"), 1);
	ck_assert_int_eq(util_valid_id("nisc_9.2.2", "-_."), 1);
	ck_assert_int_eq(util_valid_id("9.2.2", "-_."), 1);
	ck_assert_int_eq(util_valid_id("_x", "_"), 1);
	ck_assert_int_eq(util_valid_id("x-", "-"), 1);
	memset(id128, 'a', 128);
	id128[128] = '\0';
	ck_assert_int_eq(util_valid_id(id128, ""), 1);
}
END_TEST

START_TEST(valid_id_rejects)
{
	char id129[130];

	ck_assert_int_eq(util_valid_id("", "-_."), 0);
	ck_assert_int_eq(util_valid_id(".x", "-_."), 0);
	ck_assert_int_eq(util_valid_id("-x", "-_."), 0);
	ck_assert_int_eq(util_valid_id("a/b", "-_."), 0);
	ck_assert_int_eq(util_valid_id("../x", "-_."), 0);
	ck_assert_int_eq(util_valid_id("..", "-_."), 0);
	ck_assert_int_eq(util_valid_id("a b", "-_."), 0);
	ck_assert_int_eq(util_valid_id("a\\b", "-_."), 0);
	ck_assert_int_eq(util_valid_id("日本", "-_."), 0);
	/* Extra characters are only those given. */
	ck_assert_int_eq(util_valid_id("a-b", ""), 0);
	ck_assert_int_eq(util_valid_id("a.b", "-_"), 0);
	ck_assert_int_eq(util_valid_id("a_b", "-"), 0);
	memset(id129, 'a', 129);
	id129[129] = '\0';
	ck_assert_int_eq(util_valid_id(id129, ""), 0);
}
END_TEST

/* ---- util_read_text ---- */

START_TEST(read_plain)
{
	char *path = tu_write(tmp, "plain.txt", "line 1\n日本語\nlast");
	char *out = NULL;
	size_t len = 99;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 1);
	ck_assert_int_eq(e.kind, CG_OK);
	ck_assert_str_eq(out, "line 1\n日本語\nlast");
	ck_assert_uint_eq(len, strlen("line 1\n日本語\nlast"));
	g_free(out);
	g_free(path);
}
END_TEST

START_TEST(read_empty)
{
	char *path = write_bytes("empty.txt", "", 0);
	char *out = NULL;
	size_t len = 99;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 1);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(len, 0);
	g_free(out);
	g_free(path);
}
END_TEST

START_TEST(read_bom_dropped)
{
	char *path = tu_write(tmp, "bom.txt", "\xEF\xBB\xBFid: x\n");
	char *out = NULL;
	size_t len = 0;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 1);
	ck_assert_str_eq(out, "id: x\n");
	ck_assert_uint_eq(len, 6);
	g_free(out);
	g_free(path);
	/* Only a leading BOM is dropped. */
	path = tu_write(tmp, "bom2.txt", "a\xEF\xBB\xBF");
	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 1);
	ck_assert_str_eq(out, "a\xEF\xBB\xBF");
	ck_assert_uint_eq(len, 4);
	g_free(out);
	g_free(path);
}
END_TEST

START_TEST(read_crlf)
{
	char *path = tu_write(tmp, "crlf.txt", "\xEF\xBB\xBF---\r\nid: x\r\n---\r\n本文\r\n");
	char *out = NULL;
	size_t len = 0;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 1);
	ck_assert_str_eq(out, "---\nid: x\n---\n本文\n");
	ck_assert_uint_eq(len, strlen("---\nid: x\n---\n本文\n"));
	g_free(out);
	g_free(path);
	/* A CR not followed by LF is content. */
	path = tu_write(tmp, "cr.txt", "a\rb\r");
	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 1);
	ck_assert_str_eq(out, "a\rb\r");
	ck_assert_uint_eq(len, 4);
	g_free(out);
	g_free(path);
}
END_TEST

START_TEST(read_nul_position)
{
	static const char data[] = "ab\ncd\nefgh\0xyz\n";
	char *path = write_bytes("nul.txt", data, sizeof data - 1);
	char *out = (char *)"unchanged";
	size_t len = 99;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, path);
	ck_assert_int_eq(e.line, 3);
	ck_assert_int_eq(e.col, 5);
	ck_assert_str_eq(e.msg, "NUL byte in text file");
	cg_err_clear(&e);
	g_free(path);
}
END_TEST

START_TEST(read_nul_after_multibyte)
{
	/* Columns count code points: 日本 are 2 columns, 6 bytes. */
	static const char data[] = "x\n日本\0";
	char *path = write_bytes("nul2.txt", data, sizeof data - 1);
	char *out = NULL;
	size_t len = 0;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 3);
	cg_err_clear(&e);
	g_free(path);
	/* A NUL as the very first byte. */
	path = write_bytes("nul3.txt", "\0abc", 4);
	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 1);
	cg_err_clear(&e);
	g_free(path);
}
END_TEST

START_TEST(read_invalid_utf8)
{
	/* Line 2: 日本語 (3 code points, 9 bytes), then the bad byte. */
	char *path = tu_write(tmp, "bad.txt", "first\n日本語\xff rest\n");
	char *out = NULL;
	size_t len = 0;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, path);
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 4);
	ck_assert_str_eq(e.msg, "invalid UTF-8 (byte 0xff); save the file as UTF-8");
	cg_err_clear(&e);
	g_free(path);
}
END_TEST

START_TEST(read_invalid_utf8_more)
{
	char *out = NULL;
	size_t len = 0;
	cg_err e = { 0 };
	char *path;

	/* Shift_JIS text ("日本" is 0x93 0xfa 0x96 0x7b) on line 1. */
	path = tu_write(tmp, "sjis.txt", "ab\x93\xfa\x96\x7b\n");
	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 3);
	ck_assert_ptr_nonnull(strstr(e.msg, "byte 0x93"));
	cg_err_clear(&e);
	g_free(path);
	/* A multibyte character cut at the end of the file: the error is at
	 * its first byte. */
	path = tu_write(tmp, "cut.txt", "a\nbc日\xe6\x97");
	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.col, 4);
	ck_assert_ptr_nonnull(strstr(e.msg, "byte 0xe6"));
	cg_err_clear(&e);
	g_free(path);
	/* An encoded surrogate (CESU-8) is not UTF-8. */
	path = tu_write(tmp, "sur.txt", "\xed\xa0\x80");
	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.col, 1);
	ck_assert_ptr_nonnull(strstr(e.msg, "byte 0xed"));
	cg_err_clear(&e);
	g_free(path);
}
END_TEST

START_TEST(read_limit)
{
	char *path = tu_write(tmp, "ten.txt", "0123456789");
	char *out = NULL;
	size_t len = 0;
	cg_err e = { 0 };

	/* Exactly at the limit is fine. */
	ck_assert_int_eq(util_read_text(path, 10, &out, &len, &e), 1);
	ck_assert_str_eq(out, "0123456789");
	ck_assert_uint_eq(len, 10);
	g_free(out);
	out = NULL;
	/* One byte over is refused. */
	ck_assert_int_eq(util_read_text(path, 9, &out, &len, &e), 0);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, path);
	ck_assert_int_eq(e.line, 0);
	ck_assert_int_eq(e.col, 0);
	ck_assert_str_eq(e.msg, "file is larger than the limit of 9 bytes");
	cg_err_clear(&e);
	ck_assert_int_eq(util_read_text(path, 0, &out, &len, &e), 0);
	ck_assert_str_eq(e.msg, "file is larger than the limit of 0 bytes");
	cg_err_clear(&e);
	g_free(path);
}
END_TEST

START_TEST(read_missing)
{
	char *path = g_build_filename(tmp, "no-such-file.yaml", NULL);
	char *out = (char *)"unchanged";
	size_t len = 99;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(path, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(e.kind, CG_ESYS);
	ck_assert_str_eq(e.file, path);
	ck_assert_str_eq(e.msg, "cannot open: No such file or directory");
	cg_err_clear(&e);
	g_free(path);
}
END_TEST

START_TEST(read_directory)
{
	char *out = NULL;
	size_t len = 0;
	cg_err e = { 0 };

	ck_assert_int_eq(util_read_text(tmp, CG_MAX_FILE_SIZE, &out, &len, &e), 0);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(e.kind, CG_EINPUT);
	ck_assert_str_eq(e.file, tmp);
	ck_assert_str_eq(e.msg, "not a regular file");
	cg_err_clear(&e);
}
END_TEST

START_TEST(read_keeps_first_error)
{
	char *path = g_build_filename(tmp, "missing", NULL);
	char *out = NULL;
	size_t len = 0;
	cg_err e = { 0 };

	cg_err_set(&e, CG_EUSAGE, NULL, 0, 0, "earlier");
	ck_assert_int_eq(util_read_text(path, 10, &out, &len, &e), 0);
	ck_assert_int_eq(e.kind, CG_EUSAGE);
	ck_assert_str_eq(e.msg, "earlier");
	cg_err_clear(&e);
	g_free(path);
}
END_TEST

/* ---- util_utf8_cols, util_is_dir, util_is_file ---- */

START_TEST(utf8_cols)
{
	ck_assert_int_eq(util_utf8_cols("", 0), 0);
	ck_assert_int_eq(util_utf8_cols("abc", 3), 3);
	ck_assert_int_eq(util_utf8_cols("abc", 2), 2);
	ck_assert_int_eq(util_utf8_cols("日本語", 9), 3);
	ck_assert_int_eq(util_utf8_cols("日本語", 6), 2);
	ck_assert_int_eq(util_utf8_cols("aé○x", strlen("aé○x")), 4);
	ck_assert_int_eq(util_utf8_cols("- ○ ○", strlen("- ○ ")), 4);
	/* A 4-byte character (U+1F600) is one column. */
	ck_assert_int_eq(util_utf8_cols("\xF0\x9F\x98\x80!", 5), 2);
}
END_TEST

START_TEST(is_dir_file)
{
	char *f = tu_write(tmp, "f.txt", "x");
	char *missing = g_build_filename(tmp, "nope", NULL);

	ck_assert_int_eq(util_is_dir(tmp), 1);
	ck_assert_int_eq(util_is_file(tmp), 0);
	ck_assert_int_eq(util_is_dir(f), 0);
	ck_assert_int_eq(util_is_file(f), 1);
	ck_assert_int_eq(util_is_dir(missing), 0);
	ck_assert_int_eq(util_is_file(missing), 0);
	g_free(f);
	g_free(missing);
}
END_TEST

/* jsonw writes what jansson's json_dumps(JSON_INDENT(2) | JSON_PRESERVE_ORDER)
 * wrote for the same values, escapes included: selection.json must not change
 * by the switch, and tools that read it may compare bytes. */
/* Every byte JSON escapes, at every position of strings up to 40 bytes
 * long around plain ASCII and UTF-8 (jsonw scans 16 or 8 bytes at a time): the
 * same text as jansson's. */
START_TEST(jsonw_escapes_at_every_position)
{
	static const char specials[] = { '"', '\\', '\n', '\x01', '\x1f', '\t' };
	static const char *const fills[] = { "a", "\xe6\x97\xa5", " ", "\x7f" };
	size_t len, at, k, f;

	for (f = 0; f < G_N_ELEMENTS(fills); f++)
		for (len = 1; len <= 40; len++)
			for (at = 0; at < len; at++)
				for (k = 0; k < G_N_ELEMENTS(specials); k++) {
					GString *t = g_string_new(NULL);
					jw_writer w;
					json_t *j;
					char *got, *want, *dumped;

					while (t->len < len)
						g_string_append(t, fills[f]);
					g_string_truncate(t, len - len % strlen(fills[f]));
					if (at < t->len)
						t->str[at] = specials[k];
					else
						g_string_append_c(t, specials[k]);
					if (!g_utf8_validate(t->str, -1, NULL)) {
						g_string_free(t, TRUE);
						continue;
					}
					jw_init(&w);
					jw_str(&w, NULL, t->str);
					got = jw_finish(&w);
					j = json_string(t->str);
					dumped = json_dumps(j, JSON_ENCODE_ANY);
					want = g_strconcat(dumped, "\n", NULL);
					ck_assert_msg(strcmp(got, want) == 0, "fill %zu len %zu at %zu special %zu: %s != %s",
					              f, len, at, k, got, want);
					free(dumped);
					json_decref(j);
					g_free(want);
					g_free(got);
					g_string_free(t, TRUE);
				}
}
END_TEST

START_TEST(decimal_of_every_size)
{
	static const struct {
		long long v;
		const char *want;
	} cases[] = { { 0, "0" }, { 7, "7" }, { -7, "-7" }, { 10, "10" }, { 1234567890, "1234567890" },
		      { LLONG_MAX, "9223372036854775807" }, { LLONG_MIN, "-9223372036854775808" } };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char b[24];
		ck_assert_str_eq(util_decimal(b, cases[i].v), cases[i].want);
	}
}
END_TEST

START_TEST(jsonw_matches_jansson)
{
	static const char *const texts[] = {
		"", "plain", "日本語の条項（第1の1）", "quote \" backslash \\ slash /",
		"tab\there\nnew line\r\n", "\b\f\x01\x1f\x7f end", "\xe2\x80\xa8 U+2028",
	};
	jw_writer w;
	json_t *root = json_object(), *arr = json_array(), *empty_o = json_object(),
	       *empty_a = json_array(), *inner = json_object();
	char *a, *b;
	size_t i;

	jw_init(&w);
	jw_open(&w, NULL, '{');
	jw_str(&w, "version", "0.1");
	json_object_set_new(root, "version", json_string("0.1"));
	jw_str(&w, "absent", NULL); /* left out, as set_s left it out */
	jw_open(&w, "texts", '[');
	for (i = 0; i < G_N_ELEMENTS(texts); i++) {
		jw_str(&w, NULL, texts[i]);
		json_array_append_new(arr, json_string(texts[i]));
	}
	jw_close(&w);
	json_object_set_new(root, "texts", arr);
	jw_open(&w, "empty object", '{');
	jw_close(&w);
	json_object_set_new(root, "empty object", empty_o);
	jw_open(&w, "empty list", '[');
	jw_close(&w);
	json_object_set_new(root, "empty list", empty_a);
	jw_open(&w, "k\"ey\n", '{');
	jw_int(&w, "n", -42);
	jw_int(&w, "big", 9007199254740993LL);
	jw_bool(&w, "yes", 1);
	jw_bool(&w, "no", 0);
	jw_close(&w);
	json_object_set_new(inner, "n", json_integer(-42));
	json_object_set_new(inner, "big", json_integer(9007199254740993LL));
	json_object_set_new(inner, "yes", json_true());
	json_object_set_new(inner, "no", json_false());
	json_object_set_new(root, "k\"ey\n", inner);
	jw_close(&w);
	a = jw_finish(&w);
	{
		char *j = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		b = g_strconcat(j, "\n", NULL);
		free(j);
	}
	ck_assert_str_eq(a, b);
	/* and the escapes are the ones JSON requires, not just jansson's */
	ck_assert_ptr_nonnull(strstr(a, "\"\\b\\f\\u0001\\u001F\x7f end\""));
	ck_assert_ptr_nonnull(strstr(a, "\"quote \\\" backslash \\\\ slash /\""));
	json_decref(root);
	g_free(a);
	g_free(b);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc;

	tc = tcase_create("natcmp");
	tcase_add_test(tc, natcmp_numeric_runs);
	tcase_add_test(tc, natcmp_equal_and_zeros);
	tcase_add_test(tc, natcmp_prefix_and_text);
	tcase_add_test(tc, natcmp_sorts_clause_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("suggest");
	tcase_add_test(tc, suggest_close_typo);
	tcase_add_test(tc, suggest_far_word);
	tcase_add_test(tc, suggest_picks_closest);
	tcase_add_test(tc, suggest_empty_list);
	suite_add_tcase(s, tc);

	tc = tcase_create("valid_id");
	tcase_add_test(tc, valid_id_accepts);
	tcase_add_test(tc, valid_id_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("read_text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, read_plain);
	tcase_add_test(tc, read_empty);
	tcase_add_test(tc, read_bom_dropped);
	tcase_add_test(tc, read_crlf);
	tcase_add_test(tc, read_nul_position);
	tcase_add_test(tc, read_nul_after_multibyte);
	tcase_add_test(tc, read_invalid_utf8);
	tcase_add_test(tc, read_invalid_utf8_more);
	tcase_add_test(tc, read_limit);
	tcase_add_test(tc, read_missing);
	tcase_add_test(tc, read_directory);
	tcase_add_test(tc, read_keeps_first_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("misc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, utf8_cols);
	tcase_add_test(tc, is_dir_file);
	tcase_add_test(tc, jsonw_matches_jansson);
	tcase_add_test(tc, decimal_of_every_size);
	tcase_add_test(tc, jsonw_escapes_at_every_position);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(util_suite());
}
