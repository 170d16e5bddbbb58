/* SPDX-License-Identifier: Apache-2.0 */
/*
 * progress: how far a scan's walk is, for a command to show.  The walker
 * threads add to it with atomic operations; a reader may look at it from
 * another thread at any time.  The scan never prints: cmd/ does.
 */
#ifndef LB_PROGRESS_H
#define LB_PROGRESS_H

#include <stdatomic.h>
#include <stdint.h>

struct lb_progress {
	atomic_uint_fast64_t bytes;   /* layer bytes read (as stored) */
	atomic_uint layers_done;      /* layers walked or found in the cache */
	atomic_uint nlayers;          /* set once the image is open */
};

#endif
