/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-layer analysis cache: what walking one layer produced (its file
 * table: entries, whiteouts, the contents kept for detectors, its stored and
 * decoded sizes), kept in one SQLite file so that a layer analysed once is
 * never decompressed again.
 *
 * A record is keyed by the SHA-256 of everything that decides what a walk
 * produces: the layer's diff ID and blob digest, the layerbom version and
 * build ID, the detectors (names and size caps, in order), the license list
 * version, the libmagic and libarchive versions, the per-layer data cap and
 * the record format version.  A hit is trusted as if the layer had been
 * walked: its diff ID was verified when the record was written.  That is
 * sound only while the cache file is the user's own, so a file owned by
 * another user or writable by others is refused.  Every record carries the
 * SHA-256 of its payload, checked on load, and its payload is parsed as
 * untrusted input (every length bounded by the payload, paths normalised,
 * enumerations in range): a damaged record is a miss with a warning, never
 * a crash.
 *
 * A cache may be shared by the walker threads of one scan and by several
 * processes at once: SQLite in WAL mode with a busy timeout, each store one
 * transaction.  Layers whose record would pass LB_CACHE_MAX_RECORD, and
 * layers whose walk raised a warning, are not stored.  The file is kept
 * under LB_CACHE_MAX_TOTAL bytes of records, least recently used first,
 * and records unused for LB_CACHE_MAX_IDLE go.
 */
#ifndef LB_CACHE_H
#define LB_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "layer.h"
#include "util.h"

struct lb_walk_opts;

#define LB_CACHE_MAX_RECORD ((size_t)256 << 20)  /* bytes of one layer's record */
#define LB_CACHE_MAX_TOTAL ((uint64_t)2 << 30)    /* records kept, least recently used go */
#define LB_CACHE_MAX_IDLE (30 * 24 * 3600)       /* seconds a record is kept unused */
#define LB_CACHE_FILE "layers.sqlite"

struct lb_cache;

/*
 * The default cache directory: $XDG_CACHE_HOME/layerbom when that is an
 * absolute path, else $HOME/.cache/layerbom.  Returns a string to free(),
 * or NULL when neither variable is usable.
 */
char *lb_cache_default_dir(void);

/*
 * Opens the cache in dir (NULL: lb_cache_default_dir()), creating the
 * directory (mode 0700) and the database file LB_CACHE_FILE (mode 0600)
 * when missing.  Returns the cache (close with lb_cache_free()), or NULL
 * with a warning in log ("cache '...' ignored: ...") when it cannot be
 * used: the scan then runs without one.
 */
struct lb_cache *lb_cache_open(const char *dir, struct lb_log *log);
void lb_cache_free(struct lb_cache *c);

/*
 * Fills the table of l (freshly initialised, not walked) from the record
 * of the layer with blob digest `digest` (32 raw bytes, or NULL when the
 * image names none) and diff ID `diff_id` (32 raw bytes), analysed with o.
 * Sets l->digest, l->diff_id, l->compression, the sizes and the table;
 * the entries get layer index l->index.  Returns 1 on a hit, 0 on a miss
 * (l unchanged; a record that could not be used adds a warning to l->log).
 * Thread-safe.
 */
int lb_cache_load(struct lb_cache *c, struct lb_layer *l, const unsigned char *digest,
		  const unsigned char *diff_id, const struct lb_walk_opts *o);

/*
 * Stores the table of l, just walked and verified with o (before
 * lb_layer_add_implicit_dirs()), under the same key as lb_cache_load().
 * The caller stores only walks that raised no warning: a hit replays no
 * warnings.  Returns 0 when stored, 1 when the layer is not cacheable (its
 * record would pass LB_CACHE_MAX_RECORD), or -1 when writing failed (a
 * warning in l->log).
 * Thread-safe.
 */
int lb_cache_store(struct lb_cache *c, struct lb_layer *l, const unsigned char *digest,
		   const unsigned char *diff_id, const struct lb_walk_opts *o);

/* ---- the record format, exposed for tests and fuzzing ---- */

/* Serialises the table of l into a newly allocated payload (*out, free()).
 * Returns 0, or -1 when it would pass max bytes. */
int lb_cache_encode(const struct lb_layer *l, size_t max, unsigned char **out, size_t *outlen);

/* Parses payload p[0..n) into l (freshly initialised), checking every
 * length and invariant.  Returns 0, or -1 with a reason in why[0..whycap)
 * and l's table left empty. */
int lb_cache_decode(const unsigned char *p, size_t n, struct lb_layer *l,
		    const struct lb_walk_opts *o, char *why, size_t whycap);

#endif
