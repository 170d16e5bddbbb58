/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The squash: layers applied in order into the final filesystem view, as
 * the OCI image spec says (whiteouts ".wh.NAME" hide NAME and what is
 * under it in lower layers, ".wh..wh..opq" hides the lower layers'
 * children of its directory, an entry replaces a lower entry of the same
 * path, a non-directory hides a lower directory's children).
 *
 * It works top-down: each layer's entries are checked against the masks
 * left by the layers above it, then add their own masks.  Entries are
 * never copied: a view holds pointers into the layers' tables.
 */
#ifndef LB_SQUASH_H
#define LB_SQUASH_H

#include <stddef.h>

#include "layer.h"

struct lb_view {
	const struct lb_entry **v;   /* owned array; entries belong to the layers */
	size_t n;
	unsigned char **visible;     /* per layer, per entry: 1 when in the final view */
	size_t nlayers;
};

/*
 * Resolves hard links that point into lower layers, then computes the
 * final view of layers[0..n) into *view, sorted by path (bytewise).
 * Warnings (unresolvable hard links, children of non-directories) go to
 * log.  Returns 0.
 */
int lb_squash(struct lb_layer *layers, size_t n, struct lb_view *view, struct lb_log *log);

/* Every entry of every layer, sorted by path then layer (scope all-layers). */
void lb_view_all_layers(struct lb_layer *layers, size_t n, struct lb_view *all);

int lb_view_is_visible(const struct lb_view *view, const struct lb_entry *e,
		       const struct lb_layer *layers);

void lb_view_release(struct lb_view *view);

#endif
