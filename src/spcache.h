/* spcache.h: a binary image of a loaded source, so that a source whose files
 * have not changed since the last run is read from one file instead of being
 * parsed and validated again (docs/architecture.md, "The source cache").
 *
 * spec_load is the only user: it asks for the image first; on a miss it
 * loads the source as always, telling the cache about every file and
 * directory it reads (spcache_note, before reading it), and then saves the
 * image. A source from an image is built with the same allocators and the
 * same ownership as a parsed one, so spec_free frees either.
 *
 * An image is valid only while every input has the device, inode, size,
 * mtime and ctime it had when it was read (git's index does the same); the
 * directory listings are inputs too, so an added, removed or renamed file is
 * a miss. It is also bound to the canonical path of the source directory and
 * to this build of the program. Every failure of the cache is silent: a
 * missing, stale, foreign or damaged image is a miss, and an image that cannot
 * be written is simply not written. */
#ifndef CG_SPCACHE_H
#define CG_SPCACHE_H

#include <stddef.h>

#include "spec.h"

typedef struct spcache spcache;

/* The cache for the source directory `dir`, or NULL when there is none:
 * $CLAUSEGEN_CACHE_DIR is "off" or empty, no cache directory can be named
 * (no $CLAUSEGEN_CACHE_DIR, $XDG_CACHE_HOME or $HOME), or `dir` has no
 * canonical path. Takes the time the load starts (the racy-write rule counts
 * from it). Nothing is created on disk yet. Free with spcache_free. */
spcache *spcache_new(const char *dir);
void spcache_free(spcache *sc);

/* The source from the image, when there is one for this directory and this
 * build and no input has changed since; NULL on any miss. `sc` may be NULL
 * (then NULL). The caller owns the result (spec_free). Reports nothing. */
sp_source *spcache_load(spcache *sc);

/* Records an input of the loader: `rel` is its name relative to the source
 * directory, `path` the path the loader opens. Called before the file is read
 * (or the directory listed), so that a change during the load shows in the
 * next run's comparison. `sc` may be NULL. */
void spcache_note(spcache *sc, const char *rel, const char *path);

/* Writes the image of `s`, freshly loaded with every input noted, unless an
 * input changed less than the racy window (2 s) before the load began: such a
 * file could change again within one tick of its timestamp, unseen. Writes a
 * temporary file in the cache directory (created 0700) and renames it, so an
 * image is whole or absent. Any failure is silent. `sc` may be NULL.
 * Before saving, gives every clause of `s` its body_html (render.h), which
 * the image keeps: a source from an image has them all. */
void spcache_save(spcache *sc, sp_source *s);

/* Unmaps the image a cached source was read from (sp_source.image; NULL:
 * nothing). For spec_free. */
void spcache_image_free(unsigned char *img, size_t len);

/* ---- values computed from a directory's files ----
 *
 * The same cache for a string computed from the files under `dir` (stamp.c:
 * the SHA-256 of lua/ and templates/): the computing code notes every file
 * and directory it reads with spcache_note, and the value is valid while
 * they are unchanged, under the same rules as a source's image. `kind`
 * names what the value is; each (dir, kind) has an image of its own. */

/* As spcache_new, for the value `kind` (not empty) of `dir`. */
spcache *spcache_new_value(const char *dir, const char *kind);

/* The saved value (g_free), or NULL on any miss. NULL for a source's cache. */
char *spcache_load_value(spcache *sc);

/* Saves `value` with the inputs noted, unless one is racy (spcache_save).
 * Does nothing for a source's cache. */
void spcache_save_value(spcache *sc, const char *value);

/* ---- for tests ---- */

/* What the cache did in this process. */
typedef struct {
	unsigned long hits;   /* sources and values loaded from an image */
	unsigned long misses; /* lookups (cache on) that found no usable image */
	unsigned long saves;  /* images written */
} spcache_counts;

spcache_counts spcache_counts_get(void);

/* Sets the racy window in milliseconds (default 2000; negative: back to the
 * default). A test that writes a source and wants it saved at once sets 0;
 * it must then make every later change visible in size or mtime, since a
 * rewrite within one timestamp tick is exactly what the window guards. */
void spcache_racy_window_set(long ms);

/* Path of the image for `dir` under the current environment, or NULL when
 * the cache is off (g_free). */
char *spcache_image_path(const char *dir);

/* Recomputes the payload checksum in an image's header, so that a test can
 * damage the payload behind the checksum and reach the bounds checks of the
 * reader. Does nothing to a buffer shorter than the header. */
void spcache_image_seal(unsigned char *img, size_t len);

#endif
