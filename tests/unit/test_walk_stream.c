/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of streaming detectors (detector.h, LB_WANT_STREAM): the
 * walker hands every byte of a wanted file, in order, to the detector's
 * stream functions and keeps only the summary; a file another detector
 * keeps is streamed too; hard links share the summary; the per-layer
 * cache keeps summaries; a corrupt cached summary is refused.
 *
 * The layer is a gzip tar written at test time with libarchive, holding
 * a 700 KiB file of pseudo-random bytes with a marker near 256 KiB.
 */
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "detector.h"
#include "layer.h"
#include "stream.h"
#include "tap.h"
#include "walk.h"
#include "util.h"

#define BIG_SIZE (700u * 1024u)
#define MARKER "LBSTREAM-MARKER-1.2.3"

/* ---- a streaming detector: counts bytes, hashes them, finds MARKER ---- */

static unsigned chunks;   /* stream_data calls (one thread walks here) */

struct sctx {
	uint64_t bytes;
	uint64_t fnv;
	char tail[sizeof(MARKER)];   /* last bytes of the previous chunk */
	size_t taillen;
	int found;
};

static int stream_wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE || !(e->mode & 0111))
		return LB_WANT_NO;
	if (!e->magic)
		return LB_WANT_SNIFF;
	return e->data_len >= 4 && memcmp(e->data, "\177ELF", 4) == 0 ? LB_WANT_STREAM : LB_WANT_NO;
}

static void *stream_begin(const struct lb_entry *e)
{
	struct sctx *c = calloc(1, sizeof(*c));

	(void)e;
	c->fnv = 1469598103934665603ull;
	return c;
}

static void stream_data(void *ctx, const void *p, size_t n)
{
	struct sctx *c = ctx;
	const unsigned char *b = p;
	char join[2 * sizeof(MARKER)];
	size_t k = n < sizeof(MARKER) - 1 ? n : sizeof(MARKER) - 1;

	chunks++;
	for (size_t i = 0; i < n; i++)
		c->fnv = (c->fnv ^ b[i]) * 1099511628211ull;
	c->bytes += n;
	/* the marker may straddle chunks: look at the seam too */
	memcpy(join, c->tail, c->taillen);
	memcpy(join + c->taillen, b, k);
	if (memmem(join, c->taillen + k, MARKER, sizeof(MARKER) - 1) ||
	    memmem(b, n, MARKER, sizeof(MARKER) - 1))
		c->found = 1;
	if (n >= sizeof(MARKER) - 1) {
		memcpy(c->tail, b + n - (sizeof(MARKER) - 1), sizeof(MARKER) - 1);
		c->taillen = sizeof(MARKER) - 1;
	} else {
		/* a short chunk: keep the newest bytes only */
		size_t keep = c->taillen + n > sizeof(MARKER) - 1 ? sizeof(MARKER) - 1 - n : c->taillen;

		memmove(c->tail, c->tail + c->taillen - keep, keep);
		memcpy(c->tail + keep, b, n);
		c->taillen = keep + n;
	}
}

static unsigned char *stream_end(void *ctx, size_t *len)
{
	struct sctx *c = ctx;
	char *s = NULL;

	if (c->bytes >= 64) {
		s = lb_xasprintf("bytes=%llu fnv=%016llx marker=%d", (unsigned long long)c->bytes,
				 (unsigned long long)c->fnv, c->found);
		*len = strlen(s);
	}
	free(c);
	return (unsigned char *)s;
}

static int noscan(struct lb_scan *s, void *st, const struct lb_entry *e, const void *d, size_t n)
{
	(void)s, (void)st, (void)e, (void)d, (void)n;
	return 0;
}

static const struct lb_detector streamer = {
	.name = "streamer",
	.max_size = 0,
	.wants = stream_wants,
	.scan = noscan,
	.stream_begin = stream_begin,
	.stream_data = stream_data,
	.stream_end = stream_end,
};

/* ---- a detector that keeps the head of /bin/big ---- */

static int keep_wants(const struct lb_entry *e)
{
	return strcmp(e->path, "/bin/big") == 0 ? LB_WANT_YES : LB_WANT_NO;
}

static const struct lb_detector keeper = {
	.name = "keeper",
	.max_size = 1000,
	.wants = keep_wants,
	.scan = noscan,
};

/* ---- the layer ---- */

static void add_file(struct archive *a, const char *name, const void *p, size_t n, int mode,
		     const char *hardlink)
{
	struct archive_entry *ae = archive_entry_new();

	archive_entry_set_pathname(ae, name);
	archive_entry_set_mode(ae, (hardlink ? 0 : AE_IFREG) | (unsigned)mode);
	if (hardlink) {
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_hardlink(ae, hardlink);
		archive_entry_set_size(ae, 0);
	} else {
		archive_entry_set_size(ae, (la_int64_t)n);
	}
	archive_write_header(a, ae);
	if (!hardlink && n)
		archive_write_data(a, p, n);
	archive_entry_free(ae);
}

static unsigned char *make_layer(const unsigned char *big, size_t *len)
{
	size_t cap = BIG_SIZE * 2 + 65536;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();
	static const char tiny[] = "\177ELF tiny";

	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_memory(a, buf, cap, len);
	add_file(a, "bin/big", big, BIG_SIZE, 0755, NULL);
	add_file(a, "bin/big-link", NULL, 0, 0755, "bin/big");
	add_file(a, "bin/tiny", tiny, sizeof(tiny) - 1, 0755, NULL);
	add_file(a, "bin/plain", big + 4, 5000, 0755, NULL);   /* no ELF head */
	add_file(a, "etc/notes", "hello\n", 6, 0644, NULL);
	archive_write_close(a);
	archive_write_free(a);
	return buf;
}

static const struct lb_entry *find(const struct lb_layer *l, const char *path)
{
	for (size_t i = 0; i < l->nentries; i++)
		if (strcmp(l->entries[i].path, path) == 0)
			return &l->entries[i];
	return NULL;
}

static char *summary(const struct lb_entry *e, unsigned det)
{
	const unsigned char *p;
	size_t n;

	if (!e || !lb_entry_summary(e, det, &p, &n))
		return NULL;
	return lb_xasprintf("%.*s", (int)n, (const char *)p);
}

static void check_layer(const struct lb_layer *l, const char *want, const unsigned char *big,
			const char *what)
{
	const struct lb_entry *e = find(l, "/bin/big"), *h = find(l, "/bin/big-link");
	const struct lb_entry *t = find(l, "/bin/tiny"), *p = find(l, "/bin/plain");
	char *s = summary(e, 0), *hs = summary(h, 0);

	ok(e && (e->detectors & 3) == 3, "%s: both detectors on /bin/big", what);
	tap_is_str(s, want, "the summary covers every byte, in order");
	ok(e && (e->flags & LB_EF_STREAMED) && (e->flags & LB_EF_TRUNCATED) && e->data_len == 1000 &&
	   memcmp(e->data, big, 1000) == 0, "%s: the keeper still gets the first 1000 bytes", what);
	ok(!summary(e, 1), "%s: no summary for the keeper", what);
	tap_is_str(hs, want, "the hard link shares the summary");
	ok(t && !(t->detectors & 1) && !(t->flags & LB_EF_STREAMED),
	   "%s: a stream that ends without a summary leaves no trace", what);
	ok(p && !p->detectors && !p->data, "%s: a file the sniff turned down is not kept", what);
	free(s);
	free(hs);
}

int main(void)
{
	const struct lb_detector *dets[] = { &streamer, &keeper };
	struct lb_walk_opts o = { .detectors = dets, .ndetectors = 2,
				  .max_retained = LB_DEFAULT_MAX_RETAINED };
	unsigned char *big = malloc(BIG_SIZE), *tar, *payload = NULL;
	uint64_t fnv = 1469598103934665603ull, x = 88172645463325252ull;
	size_t tarlen = 0, plen = 0;
	struct lb_layer l, l2, l3;
	struct lb_src src;
	char want[128], why[256] = "";

	for (size_t i = 0; i < BIG_SIZE; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		big[i] = (unsigned char)(x >> 24);
	}
	memcpy(big, "\177ELF", 4);
	memcpy(big + 262144 - 7, MARKER, sizeof(MARKER) - 1);   /* across the seam */
	for (size_t i = 0; i < BIG_SIZE; i++)
		fnv = (fnv ^ big[i]) * 1099511628211ull;
	snprintf(want, sizeof(want), "bytes=%u fnv=%016llx marker=1", BIG_SIZE, (unsigned long long)fnv);

	tar = make_layer(big, &tarlen);
	lb_layer_init(&l, 0);
	lb_src_mem(&src, tar, tarlen);
	ok(lb_layer_walk_tar(&l, &src, "layer", NULL, NULL, &o) == 0, "the layer walks");
	ok(chunks > 2, "the big file came in several chunks (%u calls)", chunks);
	check_layer(&l, want, big, "walked");
	{
		/* SHA-1 for the files a detector reads (decided after the
		 * sniff: the head must be in it), not for the others */
		const struct lb_entry *b = find(&l, "/bin/big"), *n = find(&l, "/etc/notes");
		unsigned char d[20];

		EVP_Digest(big, BIG_SIZE, d, NULL, EVP_sha1(), NULL);
		ok(b && (b->flags & LB_EF_SHA1) && memcmp(b->sha1, d, 20) == 0,
		   "a file a detector reads has its SHA-1, head included");
		ok(n && (n->flags & LB_EF_HASHED) && !(n->flags & LB_EF_SHA1) && !n->sha1,
		   "a file no detector reads has its SHA-256 only");
	}
	{
		struct lb_walk_opts all = o;
		struct lb_layer la;
		const struct lb_entry *n, *b;
		unsigned char d[20];

		all.all_sha1 = 1;
		lb_layer_init(&la, 0);
		lb_src_mem(&src, tar, tarlen);
		ok(lb_layer_walk_tar(&la, &src, "layer", NULL, NULL, &all) == 0, "the layer walks asking for every SHA-1");
		n = find(&la, "/etc/notes");
		b = find(&la, "/bin/big");
		EVP_Digest("hello\n", 6, d, NULL, EVP_sha1(), NULL);
		ok(n && (n->flags & LB_EF_SHA1) && memcmp(n->sha1, d, 20) == 0, "then every file has its SHA-1");
		EVP_Digest(big, BIG_SIZE, d, NULL, EVP_sha1(), NULL);
		ok(b && (b->flags & LB_EF_SHA1) && memcmp(b->sha1, d, 20) == 0, "the same for the file a detector reads");
		lb_layer_release(&la);
	}

	ok(lb_cache_encode(&l, (size_t)1 << 30, &payload, &plen) == 0, "the layer encodes for the cache");
	lb_layer_init(&l2, 0);
	{
		int r = lb_cache_decode(payload, plen, &l2, &o, why, sizeof(why));

		ok(r == 0, "and decodes%s%s", r ? ": " : "", r ? why : "");
	}
	check_layer(&l2, want, big, "from the cache");

	/* A cached summary whose length runs past the payload is refused,
	 * not read out of bounds. */
	{
		const char *needle = "bytes=";
		unsigned char *m = memmem(payload, plen, needle, strlen(needle));
		int refused;

		ok(m && m - payload >= 9, "the summary is in the payload");
		if (m && m - payload >= 9) {
			/* the record: u8 detector, u32 length (little-endian) */
			m[-2] = 0x7f;
			lb_layer_init(&l3, 0);
			refused = lb_cache_decode(payload, plen, &l3, &o, why, sizeof(why)) != 0;
			ok(refused || (find(&l3, "/bin/big") && !summary(find(&l3, "/bin/big"), 0)),
			   "a record longer than the summaries is not read");
			lb_layer_release(&l3);
			/* the summaries' length as the cache stores it */
			m[-2] = 0, m[-9] = 0xff, m[-8] = 0xff, m[-7] = 0xff;
			lb_layer_init(&l3, 0);
			ok(lb_cache_decode(payload, plen, &l3, &o, why, sizeof(why)) != 0,
			   "a stored length past the payload is refused (%s)", why);
			lb_layer_release(&l3);
		}
	}
	free(payload);
	lb_layer_release(&l2);
	lb_layer_release(&l);
	free(tar);
	free(big);
	return done_testing();
}
