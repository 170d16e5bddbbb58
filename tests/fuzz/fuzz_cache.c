/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/cache.c's record decoder: the input is the
 * payload of one layer record, as a damaged cache file, an older or a
 * foreign layerbom would hand lb_cache_load() once the record's checksum
 * matched.  lb_cache_decode() treats it as untrusted; this holds it to
 * what cache.h promises:
 *  - a refused record leaves the table empty and says why;
 *  - an accepted one holds only what a walk produces: normalised absolute
 *    paths listed once, known types and flags, permission bits only, a
 *    diff ID, retained data within the detectors' caps, hard links that
 *    point at normalised paths;
 *  - it encodes again (lb_cache_encode()), that encoding decodes to the
 *    same table, and encoding that gives the same bytes (a fixed point).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "detector.h"
#include "layer.h"
#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_cache: %s (line %d)\n", #c, __LINE__); \
		__builtin_trap(); } } while (0)

static int path_normal(const char *p)
{
	size_t n = p ? strlen(p) : 0;

	return n >= 2 && n <= LB_MAX_PATH && p[0] == '/' && p[n - 1] != '/' && !strstr(p, "//") &&
	       !strstr(p, "/./") && !strstr(p, "/../") && strcmp(p + n - 2, "/.") != 0 &&
	       (n < 3 || strcmp(p + n - 3, "/..") != 0);
}

static int is_digest(const char *s)
{
	if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
		return 0;
	return strspn(s + 7, "0123456789abcdef") == 64;
}

static void check_table(const struct lb_layer *l, const struct lb_walk_opts *o)
{
	size_t cap = 0;

	for (size_t d = 0; d < o->ndetectors; d++)
		if (o->detectors[d]->max_size > cap)
			cap = o->detectors[d]->max_size;
	CHECK(is_digest(l->diff_id));
	CHECK(!l->digest || is_digest(l->digest));
	CHECK(l->compression && l->compression[0]);
	CHECK(l->retained <= o->max_retained);
	for (size_t i = 0; i < l->nentries; i++) {
		const struct lb_entry *e = &l->entries[i];

		CHECK(path_normal(e->path));
		CHECK(e->layer == l->index);
		CHECK(e->type <= LB_FT_FIFO);
		CHECK((e->mode & ~07777u) == 0);
		CHECK(!(e->flags & LB_EF_IMPLICIT));
		CHECK(!e->data || e->detectors);
		CHECK(e->data_len <= cap);
		CHECK(e->data || !e->data_len);
		if (e->flags & LB_EF_HARDLINK)
			CHECK(e->type == LB_FT_FILE && path_normal(e->link_target));
		else if (e->type == LB_FT_SYMLINK)
			CHECK(e->link_target != NULL);
		else
			CHECK(e->link_target == NULL);
		for (size_t k = 0; k < i; k++)     /* small inputs: quadratic is fine */
			CHECK(strcmp(l->entries[k].path, e->path) != 0);
	}
	for (size_t i = 0; i < l->nwhiteouts; i++) {
		const struct lb_whiteout *w = &l->whiteouts[i];

		CHECK(w->opaque == 0 || w->opaque == 1);
		CHECK(path_normal(w->path) || (w->opaque && w->path && !w->path[0]));
	}
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_same(const struct lb_layer *a, const struct lb_layer *b)
{
	CHECK(same_str(a->digest, b->digest) && same_str(a->diff_id, b->diff_id));
	CHECK(same_str(a->compression, b->compression));
	CHECK(a->size == b->size && a->stored_size == b->stored_size);
	CHECK(a->nentries == b->nentries && a->nwhiteouts == b->nwhiteouts);
	for (size_t i = 0; i < a->nentries; i++) {
		const struct lb_entry *x = &a->entries[i], *y = &b->entries[i];

		CHECK(same_str(x->path, y->path) && same_str(x->link_target, y->link_target));
		CHECK(same_str(x->magic, y->magic));
		CHECK(x->type == y->type && x->flags == y->flags && x->mode == y->mode);
		CHECK(x->size == y->size && x->detectors == y->detectors);
		CHECK(!(x->flags & LB_EF_HASHED) || memcmp(x->sha256, y->sha256, 32) == 0);
		CHECK(!(x->flags & LB_EF_SHA1) || memcmp(x->sha1, y->sha1, 20) == 0);
		CHECK(!x->data == !y->data && x->data_len == y->data_len);
		CHECK(!x->data_len || memcmp(x->data, y->data, x->data_len) == 0);
	}
	for (size_t i = 0; i < a->nwhiteouts; i++)
		CHECK(a->whiteouts[i].opaque == b->whiteouts[i].opaque &&
		      same_str(a->whiteouts[i].path, b->whiteouts[i].path));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a small retained cap, so that the fuzzer can reach it */
	struct lb_walk_opts o = {
		.detectors = lb_detectors,
		.ndetectors = lb_ndetectors,
		.max_retained = (uint64_t)1 << 20,
	};
	struct lb_layer l, l2;
	unsigned char *enc = NULL, *enc2 = NULL;
	size_t enclen = 0, enclen2 = 0;
	char why[128] = "";
	int shared = 0;

	lb_layer_init(&l, 3);
	if (lb_cache_decode(data, size, &l, &o, why, sizeof(why)) < 0) {
		CHECK(why[0]);
		CHECK(l.nentries == 0 && !l.entries && l.nwhiteouts == 0 && !l.whiteouts);
		CHECK(!l.digest && !l.diff_id && !l.compression && l.retained == 0);
		lb_layer_release(&l);
		return 0;
	}
	check_table(&l, &o);
	for (size_t i = 0; i < l.nentries && !shared; i++)
		for (size_t k = 0; k < i && !shared; k++)
			shared = l.entries[i].data && l.entries[i].data == l.entries[k].data;
	CHECK(lb_cache_encode(&l, LB_CACHE_MAX_RECORD, &enc, &enclen) == 0);

	lb_layer_init(&l2, 3);
	if (lb_cache_decode(enc, enclen, &l2, &o, why, sizeof(why)) < 0) {
		/* Data that the record shared between a hard link and an entry
		 * other than its target is written out again as a copy, which
		 * counts against the retained cap: the only way the encoding of
		 * an accepted record may be refused. */
		if (!shared || strcmp(why, "bad retained data") != 0) {
			fprintf(stderr, "fuzz_cache: re-encoded record refused: %s\n", why);
			__builtin_trap();
		}
	} else {
		check_table(&l2, &o);
		check_same(&l, &l2);
		CHECK(lb_cache_encode(&l2, LB_CACHE_MAX_RECORD, &enc2, &enclen2) == 0);
		CHECK(enclen2 == enclen && memcmp(enc, enc2, enclen) == 0);
	}
	free(enc);
	free(enc2);
	lb_layer_release(&l2);
	lb_layer_release(&l);
	return 0;
}
