/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The layer walker: one streaming pass over one layer, never extracting.
 *
 * Each regular file's SHA-256 and SHA-1 are computed as it streams by;
 * files a detector wants are kept in memory (capped); the blob's digest and
 * diff ID are checked at the end.  A walk touches only its own layer, so
 * layers are walked in parallel by the caller.
 */
#ifndef LB_WALK_H
#define LB_WALK_H

#include <stdint.h>

#include "detector.h"
#include "layer.h"
#include "progress.h"
#include "stream.h"

#define LB_MAX_ENTRIES_PER_LAYER 10000000u
#define LB_MAX_PATH 4096
#define LB_DEFAULT_MAX_RETAINED ((uint64_t)1 << 30)  /* detector data kept per layer */

struct lb_cache;

struct lb_walk_opts {
	const struct lb_detector *const *detectors;
	size_t ndetectors;                  /* at most 32 */
	uint64_t max_retained;              /* per layer */
	struct lb_cache *cache;             /* layers read from and stored to (cache.h); NULL: none */
	struct lb_progress *progress;       /* counters to add to (progress.h); NULL: none */
	int all_sha1;                       /* SHA-1 of every file (--files); else only of
					     * the files a detector reads (LB_EF_SHA1) */
};

/*
 * Walks a layer tar (gzip, zstd or uncompressed) read from src.  name is
 * what messages call the blob.  expect_digest and expect_diff_id (32 raw
 * bytes each) are checked when not NULL; the computed values are stored in
 * l->digest and l->diff_id either way.  Returns 0, or LB_ERR_INPUT with
 * l->log.error naming the blob and the problem (l->failed is set; what was
 * read so far stays in the table).
 */
int lb_layer_walk_tar(struct lb_layer *l, struct lb_src *src, const char *name,
		      const unsigned char *expect_digest, const unsigned char *expect_diff_id,
		      const struct lb_walk_opts *o);

/* Walks an unpacked root filesystem as one layer, never following a
 * symbolic link.  Returns 0 or LB_ERR_INPUT. */
int lb_layer_walk_dir(struct lb_layer *l, const char *root, const struct lb_walk_opts *o);

/* Adds the directories that entries of l imply but that l does not list
 * (flag LB_EF_IMPLICIT), so that every entry's parent is in the table. */
void lb_layer_add_implicit_dirs(struct lb_layer *l);

#endif
