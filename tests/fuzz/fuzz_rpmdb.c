/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for detectors/rpmdb.c.
 *
 * The first byte picks what the rest is: 0 a Berkeley DB hash Packages,
 * 1 an NDB Packages.db, 2 an rpmdb.sqlite, 3 one header blob (parsed by
 * lb_rpm_header_parse() directly).  Seed it with the databases of
 * tests/data/rpm, each behind its kind byte.  Every string of every package
 * is read back so that the sanitizers check its bounds and termination.
 * Built by tests/fuzz/meson.build (-Dfuzzing=true); tests/fuzz/run runs it.
 */
#include "rpmdb.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static int fuzz_cb(void *ctx, const struct lb_rpm_pkg *p)
{
	size_t *sum = ctx;

	*sum += touch(p->name) + touch(p->version) + touch(p->release) + touch(p->arch) +
		touch(p->license) + touch(p->vendor) + touch(p->sourcerpm) +
		touch(p->summary) + touch(p->sigmd5) + p->epoch + p->size;
	for (size_t i = 0; i < p->nfiles; i++)
		*sum += touch(p->files[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_rpmdb_stats st;
	struct lb_rpm_pkg pkg;
	char err[256];
	size_t sum = 0;

	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		lb_rpmdb_read(LB_RPMDB_BDB, data + 1, size - 1, fuzz_cb, &sum, &st, err, sizeof(err));
		break;
	case 1:
		lb_rpmdb_read(LB_RPMDB_NDB, data + 1, size - 1, fuzz_cb, &sum, &st, err, sizeof(err));
		break;
	case 2:
		lb_rpmdb_read(LB_RPMDB_SQLITE, data + 1, size - 1, fuzz_cb, &sum, &st, err,
			      sizeof(err));
		break;
	default:
		if (lb_rpm_header_parse(data + 1, size - 1, &pkg, err, sizeof(err)) == 0)
			fuzz_cb(&sum, &pkg);
		lb_rpm_pkg_release(&pkg);
		break;
	}
	return 0;
}
