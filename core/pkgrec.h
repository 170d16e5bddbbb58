/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pkgrec: the bookkeeping every language-package detector shares.  One
 * record a package (keyed by the detector: a purl, name@version...), the
 * component it made, and the layers its copies were seen in: visible ones
 * (in the final view) and hidden ones (a later layer deleted them, for
 * --scope all-layers).  After the walk, a package is attributed to the
 * first layer of a visible copy and last changed by the newest; a package
 * with no visible copy was introduced by its first hidden copy and removed
 * by the layer that hid it.
 *
 * struct lb_pkgrecs is a detector's whole state: lb_pkgrecs_new,
 * lb_pkgrecs_free and lb_pkgrecs_finish are its state_new, state_free and
 * finish (detector.h).  Not thread-safe; no global state.
 */
#ifndef LB_PKGREC_H
#define LB_PKGREC_H

#include <stddef.h>

#include "hashmap.h"
#include "model.h"
#include "util.h"

struct lb_scan;

struct lb_pkgrec {
	struct lb_component *c;      /* set by the detector when the record is new */
	int vis_min, vis_max;        /* layers of visible copies, -1 when none */
	int hid_min, removed;        /* hidden copies (all-layers scope), -1 when none */
};

struct lb_pkgrecs {
	struct lb_pkgrec *v;
	size_t n, cap;
	struct lb_hashmap by_key;    /* key -> index in v */
	struct lb_arena mem;         /* the keys */
};

void *lb_pkgrecs_new(void);
void lb_pkgrecs_free(void *recs);   /* NULL is a no-op */

/* The record of key; a new one (layers -1, c NULL) when *found is 0.
 * The pointer is valid until the next call. */
struct lb_pkgrec *lb_pkgrecs_get(struct lb_pkgrecs *recs, const char *key, int *found);

/* A copy of the package at entry e: visible in the final view, or hidden
 * (by the layer that deleted or replaced it, else the top layer). */
struct lb_entry;
void lb_pkgrec_seen_visible(struct lb_pkgrec *r, const struct lb_entry *e);
void lb_pkgrec_seen_hidden(const struct lb_scan *s, struct lb_pkgrec *r, const struct lb_entry *e);

/* Sets introduced, last_changed and removed of every record's component
 * as described above.  Returns 0. */
int lb_pkgrecs_finish(struct lb_scan *s, void *recs);

#endif
