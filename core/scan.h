/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A scan: one image opened, walked, squashed and run through the
 * detectors.  It owns everything the emitters read.  Functions that take a
 * scan are not thread-safe; the only threads are the walker's, inside
 * lb_scan_run().
 */
#ifndef LB_SCAN_H
#define LB_SCAN_H

#include <stddef.h>

#include "detector.h"
#include "image.h"
#include "layer.h"
#include "model.h"
#include "squash.h"
#include "util.h"

struct lb_scan_opts {
	struct lb_image_opts image;
	unsigned jobs;                             /* walker threads; 0: one per core */
	const struct lb_detector *const *detectors;/* NULL: none */
	size_t ndetectors;
	int all_layers;                            /* also report what later layers removed */
	int all_sha1;                              /* SHA-1 of every file (SBOMs with --files) */
	struct lb_cache *cache;                    /* per-layer cache (cache.h); NULL: none */
	struct lb_progress *progress;              /* walk progress (progress.h); NULL: none */
};

/* What the os-release detector found; fields NULL when absent. */
struct lb_os_info {
	char *id, *version_id, *name, *pretty_name, *version_codename, *id_like;
	char *source;                              /* the file read */
	unsigned layer;                            /* layer index of that file */
};

struct lb_scan {
	struct lb_image *img;
	struct lb_layer *layers;
	size_t nlayers;
	struct lb_view view;                       /* the final filesystem */
	struct lb_log log;                         /* warnings; the error of a failed run */
	struct lb_os_info os;
	struct lb_model model;                     /* components, after the detectors */
	const struct lb_detector *const *detectors;
	size_t ndetectors;
	void **det_state;
	int all_layers;                            /* detectors: report removed components too */
	unsigned jobs;                             /* threads a detector may use (-j; 0: CPUs) */
};

/*
 * Opens spec, walks and squashes it, runs the detectors.  Returns 0 with
 * *out set, or a negative status with *out set to a scan that holds only
 * the log (its error says why); the caller frees *out either way.
 */
int lb_scan_run(const char *spec, const struct lb_scan_opts *o, struct lb_scan **out);
void lb_scan_free(struct lb_scan *s);

void lb_scan_warn(struct lb_scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int lb_scan_visible(const struct lb_scan *s, const struct lb_entry *e);
/* The layer (index) whose entries hide e from the final view, or -1 when
 * e is visible or nothing above it names its path (a parent replaced). */
int lb_scan_hidden_by(const struct lb_scan *s, const struct lb_entry *e);
/* The topmost layer above `after` whose whiteouts delete path (or a
 * directory above it), or -1. */
int lb_scan_deleted_in(const struct lb_scan *s, const char *path, int after);
/* The entry at path in layer i (visible or not), or NULL. */
const struct lb_entry *lb_scan_layer_lookup(const struct lb_scan *s, unsigned i, const char *path);
/* Index of the first entry of the final view (sorted by path) whose path
 * is >= key: the start of a directory's subtree when key ends in '/'. */
size_t lb_scan_lower_bound(const struct lb_scan *s, const char *key);
/* The visible entry at path in the final view, or NULL. */
const struct lb_entry *lb_scan_lookup(const struct lb_scan *s, const char *path);
/* The visible entry at path, following the symbolic links of its
 * directories in the final view: with a merged /usr, "/bin/bash" (what
 * a package lists) is "/usr/bin/bash".  The last component is not
 * followed: the entry may be a link itself.  NULL when nothing is there,
 * past 40 links or 256 lookups (loops), or when *budget, the bytes of
 * path a caller lets it hash in all (a hostile image's long lists), runs
 * out (it is then 0). */
const struct lb_entry *lb_scan_lookup_resolved(const struct lb_scan *s, const char *path, size_t *budget);
/* "sha256:..." of layer i (its diff ID), or "-" when it has none (dir:). */
const char *lb_scan_layer_id(const struct lb_scan *s, unsigned i);

#endif
