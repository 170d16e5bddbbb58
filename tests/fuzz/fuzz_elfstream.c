/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the streaming detectors (detector.h,
 * LB_WANT_STREAM): the Go build info reader (detectors/golang.c), the
 * cargo-auditable reader (detectors/rust.c), the version-string
 * classifiers (detectors/binaries.c) and the Java archive reader
 * (detectors/java.c, a push parser of zip local headers).  They read
 * files from an image chunk by chunk, so the input is cut into chunks of
 * varying sizes,
 * and the summary each leaves goes through its scan() and finish() on a
 * one-layer scan, as the walker and lb_scan_run() would do.
 *
 * Input: byte 0 picks the detector and the file's name (240 and above: a
 * jar; below, the other three in turn, and the binaries detector chooses
 * its patterns by the name); byte 1 seeds the chunk sizes;
 * the rest is the file.  Checks: no crash, no leak, a summary within its
 * cap, and the same summary whatever the chunk sizes (streaming must not
 * depend on where reads end).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "layer.h"
#include "model.h"
#include "scan.h"
#include "squash.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const struct lb_detector lb_detector_golang;
extern const struct lb_detector lb_detector_rust;
extern const struct lb_detector lb_detector_binaries;
extern const struct lb_detector lb_detector_java;

static const char *const names[] = {
	"/usr/local/bin/app", "/usr/lib/libapp.so.1", "/usr/local/bin/openssl",
	"/usr/local/lib/libcrypto.so.3", "/opt/busybox", "/usr/local/bin/python3.11",
	"/usr/local/lib/libpython3.11.so.1.0", "/usr/local/bin/node", "/opt/java/lib/server/libjvm.so",
	"/usr/local/go/bin/go", "/usr/local/bin/redis-server", "/usr/sbin/nginx", "/usr/local/apache2/bin/httpd",
	"/usr/local/pgsql/bin/postgres", "/usr/local/mysql/bin/mariadbd", "/usr/local/bin/curl",
	"/usr/local/lib/libcurl.so.4", "/usr/local/bin/bash", "/opt/glibc/lib/libc.so.6",
	"/opt/musl/lib/ld-musl-x86_64.so.1",
};

static unsigned char *run_stream(const struct lb_detector *d, const struct lb_entry *e,
				 const uint8_t *p, size_t n, unsigned seed, size_t *len)
{
	void *ctx = d->stream_begin(e);
	uint32_t x = seed * 2654435761u + 1;

	if (!ctx)
		return NULL;
	while (n) {
		size_t k;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		/* mostly small pieces, sometimes a walker-sized read */
		k = (x & 7) == 0 ? 262144 : 1 + (x >> 8) % 5000;
		if (k > n)
			k = n;
		d->stream_data(ctx, p, k);
		p += k;
		n -= k;
	}
	*len = 0;
	return d->stream_end(ctx, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct lb_detector *d;
	struct lb_scan s;
	struct lb_layer l;
	struct lb_entry *e;
	unsigned char *sum, *again;
	size_t len = 0, len2 = 0;
	void *st;

	if (size < 2)
		return 0;
	if (data[0] >= 240)
		d = &lb_detector_java;
	else
		d = data[0] % 3 == 0 ? &lb_detector_golang : data[0] % 3 == 1 ? &lb_detector_rust : &lb_detector_binaries;

	lb_layer_init(&l, 0);
	l.entries = lb_xcalloc(1, sizeof(*l.entries));
	l.cap = l.nentries = 1;
	e = &l.entries[0];
	e->path = data[0] >= 240 ? "/app/lib/app.jar" : names[(data[0] / 3) % (sizeof(names) / sizeof(names[0]))];
	e->type = LB_FT_FILE;
	e->mode = 0755;
	e->size = size - 2;
	e->magic = "application/x-executable";
	e->sha256 = lb_empty_sha256;
	e->sha1 = lb_empty_sha1;
	e->flags = LB_EF_HASHED | LB_EF_SHA1;
	lb_hashmap_put(&l.by_path, e->path, strlen(e->path), 0, NULL);

	sum = run_stream(d, e, data + 2, size - 2, data[1], &len);
	if (sum && len > LB_STREAM_SUMMARY_MAX)
		__builtin_trap();
	/* one read of the whole file must give the same summary */
	{
		void *ctx = d->stream_begin(e);

		again = NULL;
		if (ctx) {
			d->stream_data(ctx, data + 2, size - 2);
			again = d->stream_end(ctx, &len2);
		}
		if (!sum != !again || (sum && (len != len2 || memcmp(sum, again, len) != 0)))
			__builtin_trap();
		free(again);
	}

	memset(&s, 0, sizeof(s));
	lb_log_init(&s.log);
	lb_model_init(&s.model);
	s.layers = &l;
	s.nlayers = 1;
	lb_squash(&l, 1, &s.view, &s.log);
	st = d->state_new ? d->state_new() : NULL;
	if (sum) {
		e->detectors = 1;
		d->scan(&s, st, e, sum, len);
	}
	if (d->finish)
		d->finish(&s, st);
	lb_model_finish(&s.model);
	if (d->state_free)
		d->state_free(st);
	free(sum);
	lb_view_release(&s.view);
	lb_model_release(&s.model);
	lb_log_release(&s.log);
	lb_layer_release(&l);
	return 0;
}
