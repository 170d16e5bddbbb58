/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/walk.c: the input is a layer blob (tar,
 * gzip or zstd) walked from memory with every detector asking for files,
 * as lb_image_walk() does for each layer, then its implied directories
 * added.  Raw tar bytes reach what the archive descriptions of fuzz_scan
 * cannot: pax and GNU headers, sparse files, odd types and sizes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "layer.h"
#include "stream.h"
#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_walk_opts wo = {
		.detectors = lb_detectors,
		.ndetectors = lb_ndetectors,
		.max_retained = (uint64_t)64 << 20,
	};
	struct lb_layer l;
	struct lb_src src;
	int r;

	lb_layer_init(&l, 0);
	lb_src_mem(&src, data, size);
	r = lb_layer_walk_tar(&l, &src, "fuzz", NULL, NULL, &wo);
	if (r != 0 && (!l.failed || !l.log.error))
		__builtin_trap();
	lb_layer_add_implicit_dirs(&l);
	for (size_t i = 0; i < l.nentries; i++) {
		const struct lb_entry *e = &l.entries[i];

		if (!e->path || e->path[0] != '/' || strstr(e->path, "/../") || strstr(e->path, "//"))
			__builtin_trap();
	}
	lb_layer_release(&l);
	return 0;
}
