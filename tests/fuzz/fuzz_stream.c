/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/stream.c: the layer decoder (gzip, zstd or
 * plain, detected from the first bytes) over a memory source.  Reads at
 * most 64 MiB of decoded bytes per input so that bombs stay fast; reaching
 * the end must give digests, and the decoded count must add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DECODE_CAP ((uint64_t)64 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char buf[65536];
	unsigned char stored[32], decoded[32];
	struct lb_src src;
	struct lb_dec *d;
	uint64_t total = 0;
	ssize_t n;
	size_t chunk = size ? 1 + data[0] % sizeof(buf) : sizeof(buf);

	lb_src_mem(&src, data, size);
	d = lb_dec_new(&src, 1, 1);
	while ((n = lb_dec_read(d, buf, chunk)) > 0 && total < DECODE_CAP)
		total += (uint64_t)n;
	if (n < 0) {
		const char *e = lb_dec_error(d);

		if (!e || !*e)
			__builtin_trap();
	} else if (n == 0) {
		if (lb_dec_decoded_bytes(d) != total || lb_dec_stored_bytes(d) > size)
			__builtin_trap();
		lb_dec_digests(d, stored, decoded);
	}
	(void)lb_compression_name(lb_dec_compression(d));
	lb_dec_free(d);
	return 0;
}
