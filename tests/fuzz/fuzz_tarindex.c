/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/tarindex.c, the outer-archive tar reader:
 * the input is an archive (plain, or gzip/zstd through the decoder),
 * indexed once through the decoder and once by pread() over a memory file
 * (the path an uncompressed docker-archive takes), then read member by
 * member.  Every member found must fit in the input when read by offset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stream.h"
#include "tarindex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;

static void index_once(struct lb_tar_reader *r, int by_fd, size_t size)
{
	struct lb_tar_index ix;
	char err[256];

	memset(&ix, 0, sizeof(ix));
	if (lb_tar_index_build(&ix, r, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < ix.n; i++) {
			if (lb_tar_index_find(&ix, ix.m[i].name) == NULL)
				__builtin_trap();
			if (by_fd && (ix.m[i].offset > size || ix.m[i].size > size - ix.m[i].offset))
				__builtin_trap();
		}
		(void)lb_tar_index_find(&ix, "manifest.json");
		(void)lb_tar_index_find(&ix, "index.json");
	}
	lb_tar_index_release(&ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char buf[4096];
	struct lb_tar_reader r;
	struct lb_tar_member m;
	struct lb_src src;
	struct lb_dec *d;
	int more, members = 0;

	/* 1: indexed through the decoder */
	lb_src_mem(&src, data, size);
	d = lb_dec_new(&src, 0, 0);
	lb_tar_reader_init(&r, d);
	index_once(&r, 0, size);
	lb_dec_free(d);

	/* 2: member by member, reading every byte */
	lb_src_mem(&src, data, size);
	d = lb_dec_new(&src, 0, 0);
	lb_tar_reader_init(&r, d);
	while ((more = lb_tar_next(&r, &m)) > 0 && members++ < 100000) {
		char err[128];
		ssize_t n;

		if (!m.name)
			__builtin_trap();
		while ((n = lb_tar_read(&r, buf, sizeof(buf), err, sizeof(err))) > 0)
			;
		free(m.name);
	}
	lb_dec_free(d);

	/* 3: an uncompressed archive read with pread() */
	if (memfd < 0)
		memfd = memfd_create("fuzz_tarindex", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	lb_tar_reader_init_fd(&r, memfd);
	index_once(&r, 1, size);
	return 0;
}
