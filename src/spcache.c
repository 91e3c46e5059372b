/* spcache.c: the image of a loaded source (spcache.h).
 *
 * Layout (native byte order and sizes, which the header pins):
 *   header   magic, SPCACHE_FORMAT, a byte-order mark, the sizes of the
 *            model's structs, payload length, payload checksum;
 *   payload  program version, build id, canonical source directory, the
 *            inputs with their stat fields, then the model (put_source),
 *            with each clause body's HTML (render_body_html).
 * Numbers are fixed-width; a string is its length (NONE for NULL) and its
 * bytes with a NUL, so that a name can be used in place while validating.
 *
 * The reader trusts nothing: every length and count is checked against the
 * bytes left, every index against its array, before it is used, and a model
 * that fails halfway is freed with spec_free (arrays are zeroed and counted
 * before they are filled, so a half-built source is a valid one to free). */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "spcache.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "render.h"
#include "util.h"
#include "ynode.h"

#ifndef CLAUSEGEN_VERSION
#define CLAUSEGEN_VERSION "unknown"
#endif

/* Bump whenever put_* / get_* change what they write or read. */
#define SPCACHE_FORMAT 2
#define MAGIC "CGSRCIMG"
#define BOM 0x01020304u
#define NONE 0xffffffffu
#define RACY_MS_DEFAULT 2000
/* An image is at most this big: a corrupted size never becomes an
 * allocation of gigabytes. 3,000 clauses make about 1.8 MB. */
#define MAX_IMAGE ((size_t)1 << 30)

/* The sizes that must match for an image to be read: a changed struct is a
 * different build, even one that forgot to bump SPCACHE_FORMAT. */
static const guint32 struct_sizes[] = {
	sizeof(sp_source), sizeof(sp_clause), sizeof(sp_appendix), sizeof(sp_section),
	sizeof(sp_table),  sizeof(sp_attr),   sizeof(sp_cond),     sizeof(sp_ref),
	sizeof(sp_dim),    sizeof(sp_vocab),  sizeof(ynode),       sizeof(size_t),
	sizeof(void *),    sizeof(int)
};

typedef struct {
	char magic[8];
	guint32 format, bom;
	guint32 sizes[G_N_ELEMENTS(struct_sizes)];
	guint64 len;     /* payload bytes after the header */
	guint64 sum;     /* payload_sum of them */
} header;

typedef struct {
	char *rel;
	int present;     /* stat succeeded (an absent appendices/ is an input too) */
	guint64 dev, ino, size;
	gint64 mtime, ctime; /* ns since the epoch */
} input;

struct spcache {
	char *dir;       /* as given to spec_load: the paths of the model use it */
	char *canon;     /* realpath of dir: the key */
	char *cache_dir;
	char *image;
	char *kind;      /* NULL: the image of a source; else of a value (spcache_new_value) */
	gint64 start;    /* CLOCK_REALTIME in ns when the load began */
	GArray *inputs;  /* of input, in the loader's order */
};

static spcache_counts counts;
static long racy_ms = RACY_MS_DEFAULT;

spcache_counts spcache_counts_get(void)
{
	return counts;
}

void spcache_racy_window_set(long ms)
{
	racy_ms = ms < 0 ? RACY_MS_DEFAULT : ms;
}

/* ---- checksum ---- */

/* Four independent lanes of multiply and xor-shift over 8-byte words: the
 * 1.8 MB image of 3,000 clauses is checked in about 0.13 ms, where FNV-1a,
 * one multiply per byte in a single chain, took 2 ms. Every step is a
 * bijection of the lane for a fixed input, so any change of one word always
 * changes the sum; this guards against damage, not against an attacker. */
static guint64 payload_sum(const unsigned char *p, size_t n)
{
	const guint64 k = 0x9e3779b97f4a7c15u;
	guint64 lane[4] = { 0x243f6a8885a308d3u, 0x13198a2e03707344u, 0xa4093822299f31d0u,
		            0x082efa98ec4e6c89u };
	guint64 w, h;
	size_t i = 0, j;

	for (; i + 32 <= n; i += 32)
		for (j = 0; j < 4; j++) {
			memcpy(&w, p + i + 8 * j, 8);
			lane[j] = (lane[j] ^ w) * k;
			lane[j] ^= lane[j] >> 29;
		}
	for (; i < n; i++) {
		lane[0] = (lane[0] ^ p[i]) * k;
		lane[0] ^= lane[0] >> 29;
	}
	h = (guint64)n;
	for (j = 0; j < 4; j++) {
		/* murmur3's finaliser per lane, so lanes do not cancel */
		w = lane[j];
		w ^= w >> 33;
		w *= 0xff51afd7ed558ccdu;
		w ^= w >> 33;
		w *= 0xc4ceb9fe1a85ec53u;
		w ^= w >> 33;
		h = (h ^ w) * k + j;
	}
	return h;
}

void spcache_image_seal(unsigned char *img, size_t len)
{
	header h;

	if (len < sizeof h)
		return;
	memcpy(&h, img, sizeof h);
	h.sum = payload_sum(img + sizeof h, len - sizeof h);
	memcpy(img, &h, sizeof h);
}

static void header_init(header *h)
{
	size_t i;

	memset(h, 0, sizeof *h);
	memcpy(h->magic, MAGIC, sizeof h->magic);
	h->format = SPCACHE_FORMAT;
	h->bom = BOM;
	for (i = 0; i < G_N_ELEMENTS(struct_sizes); i++)
		h->sizes[i] = struct_sizes[i];
}

/* ---- which build wrote an image ---- */

static int note_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	GString *out = data;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *p, *end;
		size_t align = ph->p_align == 8 ? 8 : 4;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
			ElfW(Nhdr) nh;
			const unsigned char *name, *desc;
			size_t k;

			memcpy(&nh, p, sizeof nh);
			name = p + sizeof nh;
			desc = name + ((nh.n_namesz + align - 1) & ~(align - 1));
			if (desc > end || (size_t)(end - desc) < nh.n_descsz)
				break;
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0) {
				for (k = 0; k < nh.n_descsz; k++)
					g_string_append_printf(out, "%02x", desc[k]);
				return 1;
			}
			p = desc + ((nh.n_descsz + align - 1) & ~(align - 1));
		}
	}
	return 1; /* the first object is the program itself: stop there */
}

/* The GNU build id of the program (a hash of its code, which the linker
 * writes by default on Debian), or "" without one. The version string alone
 * would let a rebuilt loader read the images of the old one: a developer
 * changing spec.c would test a stale model. */
static const char *build_id(void)
{
	static char *id;

	if (id == NULL) {
		GString *s = g_string_new(NULL);
		dl_iterate_phdr(note_build_id, s);
		id = g_string_free(s, FALSE);
	}
	return id;
}

/* ---- where images live ---- */

/* The cache directory, or NULL when the cache is off (g_free). */
static char *cache_dir(void)
{
	const char *v = g_getenv("CLAUSEGEN_CACHE_DIR");

	if (v != NULL)
		return v[0] == '\0' || strcmp(v, "off") == 0 ? NULL : g_strdup(v);
	v = g_getenv("XDG_CACHE_HOME");
	/* The XDG spec: a relative path there is invalid and ignored. */
	if (v != NULL && g_path_is_absolute(v))
		return g_build_filename(v, "clausegen", NULL);
	v = g_getenv("HOME");
	if (v != NULL && v[0] != '\0')
		return g_build_filename(v, ".cache", "clausegen", NULL);
	return NULL;
}

/* A source's image is named by its directory, a value's by the directory
 * and the value's kind, so that the two never take each other's place. */
static char *image_name(const char *cdir, const char *canon, const char *kind)
{
	char *key = kind != NULL ? g_strconcat(canon, "\n", kind, NULL) : g_strdup(canon);
	char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
	char *base = g_strconcat(sum, ".img", NULL);
	char *path = g_build_filename(cdir, base, NULL);

	g_free(base);
	g_free(sum);
	g_free(key);
	return path;
}

static gint64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static spcache *cache_new(const char *dir, const char *kind)
{
	char *cdir = cache_dir(), *canon;
	spcache *sc;

	if (cdir == NULL)
		return NULL;
	canon = realpath(dir, NULL);
	if (canon == NULL) {
		g_free(cdir);
		return NULL;
	}
	sc = g_new0(spcache, 1);
	sc->dir = g_strdup(dir);
	sc->canon = g_strdup(canon);
	free(canon);
	sc->cache_dir = cdir;
	sc->kind = g_strdup(kind);
	sc->image = image_name(cdir, sc->canon, kind);
	sc->start = now_ns();
	sc->inputs = g_array_new(FALSE, TRUE, sizeof(input));
	return sc;
}

spcache *spcache_new(const char *dir)
{
	return cache_new(dir, NULL);
}

spcache *spcache_new_value(const char *dir, const char *kind)
{
	g_return_val_if_fail(kind != NULL && kind[0] != '\0', NULL);
	return cache_new(dir, kind);
}

char *spcache_image_path(const char *dir)
{
	spcache *sc = spcache_new(dir);
	char *path = sc != NULL ? g_strdup(sc->image) : NULL;

	spcache_free(sc);
	return path;
}

void spcache_free(spcache *sc)
{
	guint i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->inputs->len; i++)
		g_free(g_array_index(sc->inputs, input, i).rel);
	g_array_free(sc->inputs, TRUE);
	g_free(sc->dir);
	g_free(sc->canon);
	g_free(sc->cache_dir);
	g_free(sc->image);
	g_free(sc->kind);
	g_free(sc);
}

static void input_stat(input *in, int ok, const struct stat *st)
{
	in->present = ok;
	if (!ok)
		return;
	in->dev = (guint64)st->st_dev;
	in->ino = (guint64)st->st_ino;
	in->size = (guint64)st->st_size;
	in->mtime = (gint64)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	in->ctime = (gint64)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

void spcache_note(spcache *sc, const char *rel, const char *path)
{
	input in = { 0 };
	struct stat st;

	if (sc == NULL)
		return;
	in.rel = g_strdup(rel);
	input_stat(&in, stat(path, &st) == 0, &st);
	g_array_append_val(sc->inputs, in);
}

/* ---- writing ---- */

typedef struct {
	GString *b;
	int ok;          /* 0: something cannot be written (the image is dropped) */
} wr;

static void put_u8(wr *w, unsigned v)
{
	g_string_append_c(w->b, (char)(unsigned char)v);
}

static void put_u32(wr *w, guint32 v)
{
	g_string_append_len(w->b, (const char *)&v, sizeof v);
}

static void put_u64(wr *w, guint64 v)
{
	g_string_append_len(w->b, (const char *)&v, sizeof v);
}

static void put_int(wr *w, int v)
{
	put_u32(w, (guint32)v);
}

static void put_size(wr *w, size_t v)
{
	if (v >= NONE)
		w->ok = 0;
	put_u32(w, (guint32)v);
}

static void put_str(wr *w, const char *s)
{
	size_t n;

	if (s == NULL) {
		put_u32(w, NONE);
		return;
	}
	n = strlen(s);
	put_size(w, n);
	g_string_append_len(w->b, s, (gssize)n + 1);
}

static void put_strv(wr *w, char *const *v, size_t n)
{
	size_t i;

	put_size(w, n);
	for (i = 0; i < n; i++)
		put_str(w, v[i]);
}

static void put_ynode(wr *w, const ynode *n)
{
	size_t i, cnt = n->type == YN_MAP ? 2 * n->n : n->n;

	put_u8(w, (unsigned)n->type);
	put_int(w, n->line);
	put_int(w, n->col);
	put_u8(w, n->quoted ? 1 : 0);
	if (n->type == YN_SCALAR) {
		put_str(w, n->str);
		return;
	}
	put_size(w, n->n);
	for (i = 0; i < cnt; i++)
		put_ynode(w, n->items[i]);
}

static void put_dims(wr *w, const sp_dim *d, size_t n)
{
	size_t i;

	put_size(w, n);
	for (i = 0; i < n; i++) {
		put_str(w, d[i].id);
		put_str(w, d[i].name);
		put_str(w, d[i].note);
	}
}

static void put_conds(wr *w, const sp_cond *c, size_t n)
{
	size_t i;

	put_size(w, n);
	for (i = 0; i < n; i++) {
		put_size(w, c[i].attr);
		put_strv(w, c[i].values, c[i].nvalues);
	}
}

/* Mark strings point into s->vocab: stored as vocabulary indices, a row at
 * once (one append per mark was 120,000 calls for 3,000 clauses, two thirds
 * of a save). */
static void put_marks(wr *w, const sp_source *s, const sp_clause *c)
{
	size_t t, i, v, at;

	put_u8(w, c->marks != NULL);
	if (c->marks == NULL)
		return;
	for (t = 0; t < s->ntables; t++) {
		size_t n = SP_NCLASSES(s) * s->tables[t].ncols;
		put_u8(w, c->marks[t] != NULL);
		if (c->marks[t] == NULL)
			continue;
		at = w->b->len;
		g_string_set_size(w->b, at + 4 * n);
		for (i = 0; i < n; i++) {
			guint32 idx;
			for (v = 0; v < s->nvocab; v++)
				if (c->marks[t][i] == s->vocab[v].mark)
					break;
			if (v == s->nvocab)
				w->ok = 0;
			idx = (guint32)v;
			memcpy(w->b->str + at + 4 * i, &idx, sizeof idx);
		}
	}
}

static void put_clause(wr *w, const sp_source *s, const sp_clause *c)
{
	size_t i;
	char *name = g_path_get_basename(c->file);

	put_str(w, name);
	g_free(name);
	put_str(w, c->id);
	put_str(w, c->number);
	put_str(w, c->title);
	put_size(w, c->section);
	put_str(w, c->body);
	put_str(w, c->body_html);
	put_marks(w, s, c);
	put_conds(w, c->when, c->nwhen);
	put_conds(w, c->unless, c->nunless);
	put_int(w, c->verdict);
	put_size(w, c->nrefs);
	for (i = 0; i < c->nrefs; i++) {
		put_str(w, c->refs[i].label);
		put_str(w, c->refs[i].url);
		put_str(w, c->refs[i].note);
	}
	put_size(w, c->napps);
	for (i = 0; i < c->napps; i++)
		put_size(w, c->apps[i]);
	put_int(w, c->seed_first);
	put_int(w, c->seed_last);
	put_str(w, c->note);
	put_int(w, c->line);
	put_int(w, c->col);
}

static void put_source(wr *w, const sp_source *s)
{
	size_t i, j;

	put_str(w, s->id);
	put_str(w, s->title);
	put_str(w, s->publisher);
	put_str(w, s->version);
	put_str(w, s->seed_file);
	put_int(w, s->seed_first);
	put_int(w, s->seed_last);
	put_dims(w, s->classes, s->nclasses);
	put_dims(w, s->cats, s->ncats);
	put_size(w, s->ntables);
	for (i = 0; i < s->ntables; i++) {
		const sp_table *t = &s->tables[i];
		put_str(w, t->id);
		put_str(w, t->title);
		put_str(w, t->note);
		put_size(w, t->ncols);
		for (j = 0; j < t->ncols; j++)
			put_size(w, t->cols[j]);
		put_int(w, t->seed_first);
		put_int(w, t->seed_last);
	}
	put_size(w, s->select_table);
	put_size(w, s->spec_table);
	put_size(w, s->nvocab);
	for (i = 0; i < s->nvocab; i++) {
		put_str(w, s->vocab[i].mark);
		put_u8(w, (unsigned)s->vocab[i].verdict);
	}
	put_size(w, s->nattrs);
	for (i = 0; i < s->nattrs; i++) {
		const sp_attr *a = &s->attrs[i];
		put_str(w, a->id);
		put_str(w, a->name);
		put_str(w, a->note);
		put_u8(w, (unsigned)a->type);
		put_u8(w, a->values != NULL);
		if (a->values != NULL)
			put_strv(w, a->values, a->nvalues);
	}
	put_u8(w, (unsigned)s->default_verdict);
	put_str(w, s->orderer);
	put_str(w, s->vendor);
	put_strv(w, s->orderer_terms, g_strv_length(s->orderer_terms));
	put_strv(w, s->vendor_terms, g_strv_length(s->vendor_terms));
	put_strv(w, s->protect, g_strv_length(s->protect));
	put_size(w, s->nsections);
	for (i = 0; i < s->nsections; i++) {
		const sp_section *sec = &s->sections[i];
		put_str(w, sec->id);
		put_str(w, sec->number);
		put_str(w, sec->title);
		put_int(w, sec->parent);
		put_int(w, sec->depth);
		put_int(w, sec->seed_first);
		put_int(w, sec->seed_last);
		put_int(w, sec->line);
		put_int(w, sec->col);
	}
	put_str(w, s->preamble);
	put_size(w, s->napps);
	for (i = 0; i < s->napps; i++) {
		const sp_appendix *a = &s->apps[i];
		char *name = g_path_get_basename(a->file);
		put_str(w, name);
		g_free(name);
		put_str(w, a->id);
		put_str(w, a->title);
		put_str(w, a->body);
		put_ynode(w, a->meta);
		put_int(w, a->seed_first);
		put_int(w, a->seed_last);
		put_int(w, a->line);
		put_int(w, a->col);
	}
	put_size(w, s->nclauses);
	for (i = 0; i < s->nclauses; i++)
		put_clause(w, s, &s->clauses[i]);
	if (strlen(s->hash) != 64)
		w->ok = 0;
	g_string_append_len(w->b, s->hash, 64);
}

/* Was an input written less than the racy window before the load began? A
 * second write within the same tick of the file system's clock (up to 2 s on
 * FAT, 1 s on some others, a few ms on ext4) could leave every stat field as
 * it was and the image stale for good. Counting back from the start of the
 * load rather than from the save also covers a write that came while the
 * loader was reading, however long that took. Such a source is parsed and
 * not saved; the first run 2 s after its last edit saves it. */
static int racy(const spcache *sc)
{
	gint64 since = sc->start - (gint64)racy_ms * 1000000;
	guint i;

	for (i = 0; i < sc->inputs->len; i++) {
		const input *in = &g_array_index(sc->inputs, input, i);
		if (in->present && (in->mtime > since || in->ctime > since))
			return 1;
	}
	return 0;
}

/* Writes the image: the header, what binds it (version, build, directory,
 * the inputs), then the source `s` or, for a value's cache, `value`. The
 * callers have found no input racy. */
static void save(spcache *sc, const sp_source *s, const char *value)
{
	wr w;
	header h;
	guint i;
	char *tmp = NULL;
	int fd = -1;

	w.b = g_string_sized_new(s != NULL ? 1 << 16 : 1024);
	w.ok = 1;
	header_init(&h);
	g_string_append_len(w.b, (const char *)&h, sizeof h);
	put_str(&w, CLAUSEGEN_VERSION);
	put_str(&w, build_id());
	put_str(&w, sc->canon);
	put_size(&w, sc->inputs->len);
	for (i = 0; i < sc->inputs->len; i++) {
		const input *in = &g_array_index(sc->inputs, input, i);
		put_str(&w, in->rel);
		put_u8(&w, (unsigned)in->present);
		put_u64(&w, in->dev);
		put_u64(&w, in->ino);
		put_u64(&w, in->size);
		put_u64(&w, (guint64)in->mtime);
		put_u64(&w, (guint64)in->ctime);
	}
	if (sc->kind == NULL) {
		put_source(&w, s);
	} else {
		put_str(&w, sc->kind);
		put_str(&w, value);
	}
	if (!w.ok || w.b->len > MAX_IMAGE)
		goto out;
	h.len = w.b->len - sizeof h;
	h.sum = payload_sum((const unsigned char *)w.b->str + sizeof h, (size_t)h.len);
	memcpy(w.b->str, &h, sizeof h);
	/* 0700: the images repeat the sources, which may not be for others. */
	if (g_mkdir_with_parents(sc->cache_dir, 0700) != 0)
		goto out;
	/* A temporary file beside the image and a rename: a reader sees the
	 * old image or the new one, never half of one, even with two builds
	 * saving at once. No fsync: an image lost or torn by a crash is a
	 * checksum mismatch, that is a miss. */
	tmp = g_strconcat(sc->image, ".XXXXXX", NULL);
	fd = g_mkstemp(tmp);
	if (fd < 0)
		goto out;
	if (!util_write_all(fd, w.b->str, w.b->len) || close(fd) != 0) {
		fd = -1;
		g_unlink(tmp);
		goto out;
	}
	fd = -1;
	if (g_rename(tmp, sc->image) != 0) {
		g_unlink(tmp);
		goto out;
	}
	counts.saves++;
out:
	if (fd >= 0) {
		close(fd);
		g_unlink(tmp);
	}
	g_free(tmp);
	g_string_free(w.b, TRUE);
}

void spcache_save(spcache *sc, sp_source *s)
{
	size_t i;

	if (sc == NULL || sc->kind != NULL || s == NULL || racy(sc))
		return;
	/* The image keeps every clause body as the documents print it: at
	 * 3,000 clauses, parsing and rendering the bodies was 45 million
	 * instructions of every HTML build. This run has them too. */
	for (i = 0; i < s->nclauses; i++)
		if (s->clauses[i].body_html == NULL)
			s->clauses[i].body_html = render_body_html(s->clauses[i].body);
	save(sc, s, NULL);
}

void spcache_save_value(spcache *sc, const char *value)
{
	if (sc != NULL && sc->kind != NULL && value != NULL && !racy(sc))
		save(sc, NULL, value);
}

/* ---- reading ---- */

typedef struct {
	const unsigned char *p, *end;
	int ok;          /* 0 after the first bad read; later reads give 0/NULL */
} rd;

static int rd_need(rd *r, size_t n)
{
	if (!r->ok || (size_t)(r->end - r->p) < n) {
		r->ok = 0;
		return 0;
	}
	return 1;
}

static unsigned rd_u8(rd *r)
{
	return rd_need(r, 1) ? *r->p++ : 0;
}

static guint32 rd_u32(rd *r)
{
	guint32 v = 0;

	if (rd_need(r, sizeof v)) {
		memcpy(&v, r->p, sizeof v);
		r->p += sizeof v;
	}
	return v;
}

static guint64 rd_u64(rd *r)
{
	guint64 v = 0;

	if (rd_need(r, sizeof v)) {
		memcpy(&v, r->p, sizeof v);
		r->p += sizeof v;
	}
	return v;
}

static int rd_int(rd *r)
{
	return (int)(gint32)rd_u32(r);
}

/* A string in place (NUL-terminated in the image); NULL for a NULL string
 * and on failure, which r->ok tells apart. */
static const char *rd_view(rd *r, size_t *len)
{
	guint32 n = rd_u32(r);
	const char *s;

	*len = 0;
	if (!r->ok || n == NONE)
		return NULL;
	if (!rd_need(r, (size_t)n + 1) || r->p[n] != '\0') {
		r->ok = 0;
		return NULL;
	}
	s = (const char *)r->p;
	r->p += (size_t)n + 1;
	*len = n;
	return s;
}

static char *rd_str(rd *r)
{
	size_t n;
	const char *v = rd_view(r, &n);
	char *s;

	if (v == NULL)
		return NULL;
	s = g_malloc(n + 1);
	memcpy(s, v, n + 1);
	return s;
}

/* A string left in the image (a cached source owns its image: spec.h);
 * NULL for NULL. */
static char *rd_borrow(rd *r)
{
	size_t n;

	return (char *)rd_view(r, &n);
}

/* The same, for a string that must not be NULL. */
static char *rd_borrow_text(rd *r)
{
	char *s = rd_borrow(r);

	if (s == NULL)
		r->ok = 0;
	return s;
}

/* A string that must not be NULL. */
static char *rd_text(rd *r)
{
	char *s = rd_str(r);

	if (s == NULL)
		r->ok = 0;
	return s;
}

/* A count of items that take at least `each` bytes: never more than the
 * bytes left could hold, so a damaged count cannot make a huge allocation. */
static size_t rd_count(rd *r, size_t each)
{
	guint32 n = rd_u32(r);

	if (!r->ok || n > (size_t)(r->end - r->p) / each) {
		r->ok = 0;
		return 0;
	}
	return n;
}

/* An index into an array of n. */
static size_t rd_index(rd *r, size_t n)
{
	guint32 v = rd_u32(r);

	if (v >= n)
		r->ok = 0;
	return r->ok ? v : 0;
}

/* n strings into a NULL-terminated array of n + 1. */
static char **rd_strv(rd *r, size_t *nout)
{
	size_t i, n = rd_count(r, 5);
	char **v;

	if (nout != NULL)
		*nout = 0;
	if (!r->ok)
		return NULL;
	v = g_new0(char *, n + 1);
	for (i = 0; i < n && r->ok; i++)
		v[i] = rd_text(r);
	if (nout != NULL)
		*nout = n;
	return v;
}

/* type, line, col, quoted: the least a node takes. */
#define NODE_MIN 14

static ynode *get_ynode(rd *r, int depth)
{
	ynode *n;
	unsigned t = rd_u8(r);
	size_t i, cnt;

	if (!r->ok || depth > YN_MAX_DEPTH || t > YN_MAP) {
		r->ok = 0;
		return NULL;
	}
	n = g_new0(ynode, 1);
	n->type = (yn_type)t;
	n->line = rd_int(r);
	n->col = rd_int(r);
	n->quoted = (int)rd_u8(r);
	if (t == YN_SCALAR) {
		n->str = rd_text(r);
	} else {
		n->n = rd_count(r, t == YN_MAP ? 2 * NODE_MIN : NODE_MIN);
		cnt = t == YN_MAP ? 2 * n->n : n->n;
		n->items = cnt ? g_new0(ynode *, cnt) : NULL;
		for (i = 0; i < cnt && r->ok; i++) {
			n->items[i] = get_ynode(r, depth + 1);
			/* yn_get reads every key as text */
			if (r->ok && t == YN_MAP && i % 2 == 0 && n->items[i]->type != YN_SCALAR)
				r->ok = 0;
		}
	}
	if (!r->ok) {
		yn_free(n);
		return NULL;
	}
	return n;
}

static void get_dims(rd *r, sp_dim **out, size_t *nout)
{
	size_t i, n = rd_count(r, 12);

	*out = n ? g_new0(sp_dim, n) : NULL;
	*nout = n;
	for (i = 0; i < n && r->ok; i++) {
		(*out)[i].id = rd_text(r);
		(*out)[i].name = rd_text(r);
		(*out)[i].note = rd_str(r);
	}
}

static void get_conds(rd *r, const sp_source *s, sp_cond **out, size_t *nout)
{
	size_t i, n = rd_count(r, 8);

	*out = n ? g_new0(sp_cond, n) : NULL;
	*nout = n;
	for (i = 0; i < n && r->ok; i++) {
		(*out)[i].attr = rd_index(r, s->nattrs);
		(*out)[i].values = rd_strv(r, &(*out)[i].nvalues);
	}
}

static void get_marks(rd *r, const sp_source *s, sp_clause *c)
{
	size_t t, i;

	if (!rd_u8(r))
		return;
	c->marks = g_new0(char **, s->ntables);
	for (t = 0; t < s->ntables && r->ok; t++) {
		size_t n = SP_NCLASSES(s) * s->tables[t].ncols;
		if (!rd_u8(r))
			continue;
		if (!rd_need(r, 4 * n))
			return;
		c->marks[t] = g_new0(char *, n);
		for (i = 0; i < n && r->ok; i++) {
			size_t v = rd_index(r, s->nvocab);
			c->marks[t][i] = r->ok ? s->vocab[v].mark : NULL;
		}
	}
}

/* dir/name, the path util_list_dir gives the loader for the entry `name` of
 * `dir`: g_build_filename joins the two with one separator, and `dir` (built
 * by g_build_filename with a last element of its own) never ends in one.
 * Joined by hand, since g_build_filename cost a third of a warm load. A name
 * that no directory listing gives (empty, or with a separator) fails. */
static char *rd_path(rd *r, const char *dir, size_t dlen)
{
	size_t n;
	const char *name = rd_view(r, &n);
	char *p;

	if (name == NULL || n == 0 || memchr(name, G_DIR_SEPARATOR, n) != NULL) {
		r->ok = 0;
		return NULL;
	}
	p = g_malloc(dlen + 1 + n + 1);
	memcpy(p, dir, dlen);
	p[dlen] = G_DIR_SEPARATOR;
	memcpy(p + dlen + 1, name, n + 1);
	return p;
}

static void get_clause(rd *r, const sp_source *s, const char *cdir, size_t cdlen,
                       sp_clause *c)
{
	size_t i, n;

	c->file = rd_path(r, cdir, cdlen);
	/* The clauses' texts stay in the image: some 18,000 allocations
	 * (and frees) fewer at 3,000 clauses. */
	c->id = rd_borrow_text(r);
	c->number = rd_borrow_text(r);
	c->title = rd_borrow(r);
	c->section = rd_index(r, s->nsections);
	c->body = rd_borrow_text(r);
	c->body_html = rd_borrow(r);
	get_marks(r, s, c);
	get_conds(r, s, &c->when, &c->nwhen);
	get_conds(r, s, &c->unless, &c->nunless);
	c->verdict = rd_int(r);
	if (c->verdict < -1 || c->verdict >= V_COUNT)
		r->ok = 0;
	n = rd_count(r, 12);
	c->refs = n ? g_new0(sp_ref, n) : NULL;
	c->nrefs = n;
	for (i = 0; i < n && r->ok; i++) {
		c->refs[i].label = rd_text(r);
		c->refs[i].url = rd_str(r);
		c->refs[i].note = rd_str(r);
	}
	n = rd_count(r, 4);
	c->apps = n ? g_new0(size_t, n) : NULL;
	c->napps = n;
	for (i = 0; i < n && r->ok; i++)
		c->apps[i] = rd_index(r, s->napps);
	c->seed_first = rd_int(r);
	c->seed_last = rd_int(r);
	c->note = rd_borrow(r);
	c->line = rd_int(r);
	c->col = rd_int(r);
}

static int verdict_ok(unsigned v)
{
	return v < V_COUNT;
}

/* The model, with paths built from `dir` as spec_load builds them, from the
 * image `img` of `len` bytes, `r` being at the model; NULL when anything is
 * out of bounds. The source owns the image from the start (its clauses'
 * texts point into it, rd_borrow), so that spec_free frees it with a model
 * that fails halfway as with a whole one. */
static sp_source *get_source(rd *r, const char *dir, unsigned char *img, size_t len)
{
	sp_source *s = g_new0(sp_source, 1);
	size_t i, j, n;
	char *sub;

	s->image = img;
	s->image_len = len;
	s->dir = g_strdup(dir);
	s->file = g_build_filename(dir, "source.yaml", NULL);
	s->id = rd_text(r);
	s->title = rd_text(r);
	s->publisher = rd_text(r);
	s->version = rd_text(r);
	s->seed_file = rd_text(r);
	s->seed_first = rd_int(r);
	s->seed_last = rd_int(r);
	get_dims(r, &s->classes, &s->nclasses);
	get_dims(r, &s->cats, &s->ncats);
	n = rd_count(r, 24);
	s->tables = n ? g_new0(sp_table, n) : NULL;
	s->ntables = n;
	for (i = 0; i < n && r->ok; i++) {
		sp_table *t = &s->tables[i];
		t->id = rd_text(r);
		t->title = rd_text(r);
		t->note = rd_str(r);
		t->ncols = rd_count(r, 4);
		t->cols = t->ncols ? g_new0(size_t, t->ncols) : NULL;
		for (j = 0; j < t->ncols && r->ok; j++)
			t->cols[j] = rd_index(r, s->ncats);
		t->seed_first = rd_int(r);
		t->seed_last = rd_int(r);
	}
	/* Without tables both stay 0, as the loader leaves them. */
	s->select_table = rd_index(r, s->ntables ? s->ntables : 1);
	s->spec_table = rd_index(r, s->ntables ? s->ntables : 1);
	n = rd_count(r, 5);
	s->vocab = n ? g_new0(sp_vocab, n) : NULL;
	s->nvocab = n;
	for (i = 0; i < n && r->ok; i++) {
		unsigned v;
		s->vocab[i].mark = rd_text(r);
		v = rd_u8(r);
		if (!verdict_ok(v))
			r->ok = 0;
		s->vocab[i].verdict = (sp_verdict)v;
	}
	n = rd_count(r, 14);
	s->attrs = n ? g_new0(sp_attr, n) : NULL;
	s->nattrs = n;
	for (i = 0; i < n && r->ok; i++) {
		sp_attr *a = &s->attrs[i];
		unsigned t;
		a->id = rd_text(r);
		a->name = rd_text(r);
		a->note = rd_str(r);
		t = rd_u8(r);
		if (t > SP_ATTR_ENUM)
			r->ok = 0;
		a->type = (sp_attr_type)t;
		if (rd_u8(r))
			a->values = rd_strv(r, &a->nvalues);
	}
	{
		unsigned v = rd_u8(r);
		if (!verdict_ok(v))
			r->ok = 0;
		s->default_verdict = (sp_verdict)v;
	}
	s->orderer = rd_str(r);
	s->vendor = rd_str(r);
	s->orderer_terms = rd_strv(r, NULL);
	s->vendor_terms = rd_strv(r, NULL);
	s->protect = rd_strv(r, NULL);
	n = rd_count(r, 38);
	s->sections = n ? g_new0(sp_section, n) : NULL;
	s->nsections = n;
	for (i = 0; i < n && r->ok; i++) {
		sp_section *sec = &s->sections[i];
		sec->id = rd_text(r);
		sec->number = rd_str(r);
		sec->title = rd_text(r);
		sec->parent = rd_int(r);
		sec->depth = rd_int(r);
		/* Only a section listed before: no cycle for whoever walks up. */
		if (sec->parent < -1 || sec->parent >= (int)i || sec->depth < 0)
			r->ok = 0;
		sec->seed_first = rd_int(r);
		sec->seed_last = rd_int(r);
		sec->line = rd_int(r);
		sec->col = rd_int(r);
	}
	s->preamble = rd_str(r);
	n = rd_count(r, 2 * 5 + 4 + NODE_MIN + 16);
	s->apps = n ? g_new0(sp_appendix, n) : NULL;
	s->napps = n;
	sub = g_build_filename(dir, "appendices", NULL);
	for (i = 0; i < n && r->ok; i++) {
		sp_appendix *a = &s->apps[i];
		a->file = rd_path(r, sub, strlen(sub));
		a->id = rd_text(r);
		a->title = rd_text(r);
		a->body = rd_text(r);
		a->meta = get_ynode(r, 0);
		if (r->ok && a->meta->type != YN_MAP)
			r->ok = 0;
		a->seed_first = rd_int(r);
		a->seed_last = rd_int(r);
		a->line = rd_int(r);
		a->col = rd_int(r);
	}
	g_free(sub);
	n = rd_count(r, 60);
	s->clauses = n ? g_new0(sp_clause, n) : NULL;
	s->nclauses = n;
	sub = g_build_filename(dir, "clauses", NULL);
	for (i = 0; i < n && r->ok; i++)
		get_clause(r, s, sub, strlen(sub), &s->clauses[i]);
	g_free(sub);
	if (rd_need(r, 64)) {
		memcpy(s->hash, r->p, 64);
		r->p += 64;
	}
	if (!r->ok || r->p != r->end) {
		spec_free(s);
		return NULL;
	}
	return s;
}

/* The image file at `path` (at most MAX_IMAGE bytes), mapped read-only (spcache_image_free unmaps it): at
 * 3,000 clauses reading it into memory was a 2.7 MB copy and 660 fresh
 * pages, and a cached source keeps its texts in it (rd_borrow). Like git
 * with its index, this trusts that nobody truncates an image in place
 * while a build runs (clausegen itself only ever replaces one by rename):
 * the pages beyond a truncation would fault (SIGBUS). */
static unsigned char *read_image(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *map = MAP_FAILED;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t)sizeof(header) &&
	    (guint64)st.st_size <= MAX_IMAGE)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return map;
}

void spcache_image_free(unsigned char *img, size_t len)
{
	if (img != NULL)
		munmap(img, len);
}

/* Does every input still have the stat fields it had? Each name is looked
 * up in the directory that holds it, opened once for the run of names in it
 * (clauses/a.md, clauses/b.md, …): one path component per lookup, not
 * two. Path lookup is most of a warm load. */
static int inputs_unchanged(rd *r, int dfd)
{
	size_t i, n = rd_count(r, 5 + 1 + 5 * 8), plen = 0;
	const char *prefix = NULL; /* directory part of the names `sub` is for */
	int sub = -1, same = 1;

	for (i = 0; i < n && r->ok && same; i++) {
		size_t len;
		const char *rel = rd_view(r, &len), *slash, *name;
		input was = { 0 }, now = { 0 };
		struct stat st;
		int at = dfd;

		if (rel == NULL || len == 0 || rel[0] == '/') {
			r->ok = 0;
			break;
		}
		was.present = (int)rd_u8(r);
		was.dev = rd_u64(r);
		was.ino = rd_u64(r);
		was.size = rd_u64(r);
		was.mtime = (gint64)rd_u64(r);
		was.ctime = (gint64)rd_u64(r);
		if (!r->ok)
			break;
		slash = memrchr(rel, '/', len);
		name = rel;
		if (slash != NULL) {
			size_t pl = (size_t)(slash - rel);
			if (prefix == NULL || pl != plen || memcmp(rel, prefix, pl) != 0) {
				char *d = g_strndup(rel, pl);
				if (sub >= 0)
					close(sub);
				/* A directory that is gone leaves sub at -1: its
				 * files then stat as absent, as by their path. */
				sub = openat(dfd, d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				g_free(d);
				prefix = rel;
				plen = pl;
			}
			at = sub;
			name = slash + 1;
		}
		input_stat(&now, at >= 0 && fstatat(at, name, &st, 0) == 0, &st);
		same = now.present == was.present &&
		       (!was.present || (now.dev == was.dev && now.ino == was.ino &&
		                         now.size == was.size && now.mtime == was.mtime &&
		                         now.ctime == was.ctime));
	}
	if (sub >= 0)
		close(sub);
	return r->ok && same && n > 0;
}

static int same_str(rd *r, const char *want)
{
	size_t n;
	const char *v = rd_view(r, &n);

	return v != NULL && n == strlen(want) && memcmp(v, want, n) == 0;
}

/* Reads the image and checks everything that binds it (header, version,
 * build, directory, every input's stat fields). Returns the image with `r`
 * at what follows the inputs (r->end is its end), or NULL on any miss
 * (spcache_image_free). */
static unsigned char *open_image(spcache *sc, rd *r)
{
	unsigned char *img;
	size_t len = 0;
	header h, want;
	int dfd = -1, ok = 0;

	img = read_image(sc->image, &len);
	if (img == NULL)
		return NULL;
	memcpy(&h, img, sizeof h);
	header_init(&want);
	if (memcmp(h.magic, want.magic, sizeof h.magic) != 0 || h.format != want.format ||
	    h.bom != want.bom || memcmp(h.sizes, want.sizes, sizeof h.sizes) != 0 ||
	    h.len != len - sizeof h || h.sum != payload_sum(img + sizeof h, len - sizeof h))
		goto out;
	r->p = img + sizeof h;
	r->end = img + len;
	r->ok = 1;
	if (!same_str(r, CLAUSEGEN_VERSION) || !same_str(r, build_id()) ||
	    !same_str(r, sc->canon))
		goto out;
	dfd = open(sc->canon, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok = dfd >= 0 && inputs_unchanged(r, dfd);
out:
	if (dfd >= 0)
		close(dfd);
	if (!ok) {
		spcache_image_free(img, len);
		return NULL;
	}
	return img;
}

char *spcache_load_value(spcache *sc)
{
	unsigned char *img;
	rd r;
	char *value = NULL;

	if (sc == NULL || sc->kind == NULL)
		return NULL;
	img = open_image(sc, &r);
	if (img != NULL && same_str(&r, sc->kind)) {
		value = rd_str(&r);
		if (!r.ok || r.p != r.end) {
			g_free(value);
			value = NULL;
		}
	}
	if (value != NULL)
		counts.hits++;
	else
		counts.misses++;
	if (img != NULL)
		spcache_image_free(img, (size_t)(r.end - img));
	return value;
}

sp_source *spcache_load(spcache *sc)
{
	unsigned char *img;
	rd r;
	sp_source *s = NULL;
	char *base = NULL;

	if (sc == NULL || sc->kind != NULL)
		return NULL;
	img = open_image(sc, &r);
	if (img == NULL)
		goto out;
	s = get_source(&r, sc->dir, img, (size_t)(r.end - img));
	img = NULL; /* the source's, or freed with it */
	/* One canonical directory can be reached under another name (a
	 * symbolic link), and the loader refuses a source whose id is not
	 * its directory's name: let it say so. */
	base = g_path_get_basename(sc->dir);
	if (s != NULL && strcmp(s->id, base) != 0) {
		spec_free(s);
		s = NULL;
	}
out:
	if (s != NULL)
		counts.hits++;
	else
		counts.misses++;
	g_free(base);
	return s;
}
