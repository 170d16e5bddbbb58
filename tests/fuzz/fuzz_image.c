/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/image.c: the input is an archive description
 * (fuzz_records.h) packed as the outer tar of a docker-archive or
 * oci-archive (manifest.json, repositories, index.json, config files,
 * blobs, layers: whatever the records name), written to one file that the
 * process reuses, opened with its kind detected, and walked without
 * detectors.  That reaches the JSON of the index, the manifests, the
 * configs and the legacy layout, and the choice of image.  Digests cannot
 * be forged by the fuzzer, so the docker layouts (named by paths) go
 * further than OCI indexes past the first blob.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_records.h"
#include "image.h"
#include "layer.h"
#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[256];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_record rec[FZ_MAX_RECORDS];
	size_t nrec = fz_parse(data, size, rec, FZ_MAX_RECORDS);
	struct lb_image_opts io = { 0 };
	struct fz_buf tar = { 0 };
	struct lb_image *img = NULL;
	struct lb_log log;
	int fd, r;

	if (!path[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(path, sizeof(path), "%s/lbfuzz-image.XXXXXX", fz_tmpdir(tmp));
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(cleanup);
	}
	for (size_t i = 0; i < nrec; i++)
		if (rec[i].type != 'L')
			fz_tar_add(&tar, &rec[i]);
	fz_tar_end(&tar);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || write(fd, tar.p, tar.len) != (ssize_t)tar.len || close(fd) < 0)
		abort();
	free(tar.p);

	/* an input that ends in a newline asks for an image by name */
	if (size && data[size - 1] == '\n')
		io.image_name = "fuzz";
	lb_log_init(&log);
	r = lb_image_open(path, &io, &img, &log);
	if (r == 0) {
		size_t n = lb_image_nlayers(img);
		struct lb_layer *layers = calloc(n ? n : 1, sizeof(*layers));
		struct lb_walk_opts wo = { .max_retained = (uint64_t)16 << 20 };

		if (!layers || n > LB_MAX_LAYERS)
			__builtin_trap();
		(void)lb_image_name(img);
		(void)lb_image_manifest_digest(img);
		(void)lb_image_config_digest(img);
		for (size_t i = 0; i < n; i++)
			if (!lb_image_layer(img, i) || !lb_image_layer(img, i)->location)
				__builtin_trap();
		lb_image_walk(img, layers, &wo, 1, &log);
		for (size_t i = 0; i < n; i++)
			lb_layer_release(&layers[i]);
		free(layers);
	} else if (!log.error) {
		__builtin_trap();
	}
	lb_image_free(img);
	lb_log_release(&log);
	return 0;
}
