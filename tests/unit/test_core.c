/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the core building blocks: paths, escaping, the hash map,
 * the stored/decoded stream, the outer tar reader and the squash. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "hashmap.h"
#include "layer.h"
#include "squash.h"
#include "stream.h"
#include "tap.h"
#include "tarindex.h"
#include "walk.h"
#include "util.h"

static void test_paths(void)
{
	static const struct { const char *in, *want; int len; } cases[] = {
		{ "./etc/passwd", "/etc/passwd", 11 },
		{ "etc//passwd/", "/etc/passwd", 11 },
		{ "/usr/./lib/../bin", "/usr/bin", 8 },
		{ "./", "", 0 },
		{ ".", "", 0 },
		{ "a/..", "", 0 },
		{ "../etc/passwd", NULL, -1 },
		{ "a/../../b", NULL, -1 },
		{ "/..", NULL, -1 },
		{ "a/b/../../c", "/c", 2 },
	};
	char out[64];

	for (size_t i = 0; i < LB_ARRAY_SIZE(cases); i++) {
		int n = lb_path_normalize(cases[i].in, out, sizeof(out));

		ok(n == cases[i].len, "normalize '%s' -> length %d (got %d)", cases[i].in, cases[i].len, n);
		if (cases[i].want && n >= 0)
			is_str(out, cases[i].want, cases[i].in);
	}
	ok(lb_path_normalize("abcdefghij", out, 8) == -1, "a path longer than the buffer is refused");
}

static void test_escape(void)
{
	struct lb_buf b;

	lb_buf_init(&b, 1024);
	lb_buf_add_escaped(&b, "a\tb\nc\\d\x7f", 8);
	is_str(b.p, "a\\x09b\\x0ac\\x5cd\\x7f", "controls and backslash are escaped");
	b.len = 0;
	lb_buf_add_escaped(&b, "caf\xc3\xa9 \xff\xc3", 8);
	is_str(b.p, "caf\xc3\xa9 \\xff\\xc3", "valid UTF-8 kept, invalid bytes escaped");
	b.len = 0;
	lb_buf_add_escaped(&b, "\xed\xa0\x80\xc0\xaf", 5);
	is_str(b.p, "\\xed\\xa0\\x80\\xc0\\xaf", "surrogates and overlongs are escaped");
	lb_buf_release(&b);
	ok(lb_utf8_valid("\xf0\x9f\x98\x80", 4), "a 4-byte sequence is valid");
	ok(!lb_utf8_valid("\xf4\x90\x80\x80", 4), "beyond U+10FFFF is not");
}

static void test_buf_cap(void)
{
	struct lb_buf b;

	lb_buf_init(&b, 10);
	ok(lb_buf_add(&b, "0123456789", 10) == 0, "a buffer fills to its cap");
	ok(lb_buf_add(&b, "x", 1) == -1 && b.len == 10, "and refuses one byte more, unchanged");
	ok(lb_buf_addf(&b, "%d", 1) == -1, "addf respects the cap too");
	lb_buf_release(&b);
}

static void test_hashmap(void)
{
	struct lb_hashmap m;
	char (*keys)[16] = malloc(20000 * 16);
	int bad = 0, found;

	lb_hashmap_init(&m);
	for (int i = 0; i < 20000; i++) {
		snprintf(keys[i], 16, "/k/%d", i);
		*lb_hashmap_put(&m, keys[i], strlen(keys[i]), (uint32_t)i, &found) += 0;
		bad += found;
	}
	for (int i = 0; i < 20000; i++) {
		uint32_t *v = lb_hashmap_get(&m, keys[i], strlen(keys[i]));

		bad += !v || *v != (uint32_t)i;
	}
	ok(bad == 0 && m.count == 20000, "20000 keys stored and found");
	ok(lb_hashmap_get(&m, "/k/1", 3) == NULL, "a prefix of a key is not the key");
	ok(lb_hashmap_get(&m, "/k/20000", 8) == NULL, "a missing key is not found");
	lb_hashmap_release(&m);
	free(keys);
}

static unsigned char *gzip_bytes(const void *p, size_t n, size_t *out)
{
	z_stream z;
	unsigned char *buf = malloc(n + 1024);

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)(n + 1024);
	deflate(&z, Z_FINISH);
	*out = z.total_out;
	deflateEnd(&z);
	return buf;
}

/* Decodes data fully; returns the decoded length or -1, error in err. */
static long decode_all(const void *data, size_t len, char *err, size_t errlen, unsigned char *dd)
{
	struct lb_src src;
	struct lb_dec *d;
	unsigned char buf[4096];
	long total = 0;
	ssize_t r;

	lb_src_mem(&src, data, len);
	d = lb_dec_new(&src, 1, 1);
	while ((r = lb_dec_read(d, buf, sizeof(buf))) > 0)
		total += r;
	if (r == 0 && lb_dec_drain(d) < 0)
		r = -1;
	if (r < 0) {
		snprintf(err, errlen, "%s", lb_dec_error(d));
		total = -1;
	} else if (dd) {
		lb_dec_digests(d, NULL, dd);
	}
	lb_dec_free(d);
	return total;
}

static void test_stream(void)
{
	size_t n = 300000, gl, gl2, zl;
	unsigned char *plain = malloc(n), *gz, *gz2, *two, *zs, *pad;
	unsigned char d1[32], d2[32], d3[32];
	char err[256];

	for (size_t i = 0; i < n; i++)
		plain[i] = (unsigned char)(i * 7 + i / 1000);
	gz = gzip_bytes(plain, n, &gl);
	ok(decode_all(gz, gl, err, sizeof(err), d1) == (long)n, "gzip decodes to the original length");
	ok(decode_all(plain, n, err, sizeof(err), d2) == (long)n, "uncompressed passes through");
	ok(memcmp(d1, d2, 32) == 0, "decoded digest of gzip equals the plain digest");

	/* two gzip members, as pigz or concatenation produce */
	gz2 = gzip_bytes(plain + n / 2, n - n / 2, &gl2);
	free(gz);
	gz = gzip_bytes(plain, n / 2, &gl);
	two = malloc(gl + gl2);
	memcpy(two, gz, gl);
	memcpy(two + gl, gz2, gl2);
	ok(decode_all(two, gl + gl2, err, sizeof(err), d3) == (long)n, "multi-member gzip decodes fully");
	ok(memcmp(d1, d3, 32) == 0, "and to the same bytes");
	ok(decode_all(two, gl + gl2 - 9, err, sizeof(err), NULL) == -1, "truncated gzip is an error");
	ok(strstr(err, "truncated") != NULL || strstr(err, "gzip") != NULL, "that names the problem: %s", err);

	pad = malloc(gl + 100);
	memcpy(pad, gz, gl);
	memset(pad + gl, 0, 100);
	ok(decode_all(pad, gl + 100, err, sizeof(err), NULL) == (long)(n / 2), "zero padding after gzip is tolerated");
	memset(pad + gl, 'x', 100);
	ok(decode_all(pad, gl + 100, err, sizeof(err), NULL) == -1 && strstr(err, "trailing"),
	   "garbage after gzip is an error: %s", err);

	zs = malloc(ZSTD_compressBound(n));
	zl = ZSTD_compress(zs, ZSTD_compressBound(n), plain, n, 3);
	ok(decode_all(zs, zl, err, sizeof(err), d3) == (long)n && memcmp(d1, d3, 32) == 0,
	   "zstd decodes to the same bytes");
	ok(decode_all(zs, zl - 5, err, sizeof(err), NULL) == -1, "truncated zstd is an error: %s", err);
	zs[zl / 2] ^= 0x55;
	ok(decode_all(zs, zl, err, sizeof(err), NULL) == -1, "corrupt zstd is an error: %s", err);
	ok(decode_all("", 0, err, sizeof(err), NULL) == 0, "an empty blob decodes to nothing");
	free(plain);
	free(gz);
	free(gz2);
	free(two);
	free(zs);
	free(pad);
}

/* A ustar header block for name with size bytes of data. */
static void tar_header(unsigned char *h, const char *name, size_t size, char type)
{
	unsigned sum = 0;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 124, 12, "%011zo", size);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

static void test_tarindex(void)
{
	unsigned char tar[512 * 8];
	struct lb_src src;
	struct lb_dec *d;
	struct lb_tar_reader r;
	struct lb_tar_member m;
	char pax[512];
	int n, k;

	memset(tar, 0, sizeof(tar));
	tar_header(tar, "./manifest.json", 2, '0');
	memcpy(tar + 512, "[]", 2);
	n = snprintf(pax, sizeof(pax), "30 path=blobs/sha256/longname\n");
	tar_header(tar + 1024, "PaxHeader", (size_t)n, 'x');
	memcpy(tar + 1536, pax, (size_t)n);
	tar_header(tar + 2048, "short", 3, '0');
	memcpy(tar + 2560, "abc", 3);
	lb_src_mem(&src, tar, sizeof(tar));
	d = lb_dec_new(&src, 0, 0);
	lb_tar_reader_init(&r, d);
	k = lb_tar_next(&r, &m);
	ok(k == 1 && strcmp(m.name, "manifest.json") == 0 && m.size == 2 && m.offset == 512,
	   "first member, './' dropped, data at 512");
	free(m.name);
	k = lb_tar_next(&r, &m);
	ok(k == 1 && strcmp(m.name, "blobs/sha256/longname") == 0 && m.size == 3 && m.offset == 2560,
	   "a pax path replaces the short name");
	free(m.name);
	ok(lb_tar_next(&r, &m) == 0, "two zero blocks end the archive");
	lb_dec_free(d);

	tar[2048 + 10] ^= 1;   /* breaks the checksum of the third header */
	lb_src_mem(&src, tar, sizeof(tar));
	d = lb_dec_new(&src, 0, 0);
	lb_tar_reader_init(&r, d);
	free(lb_tar_next(&r, &m) == 1 ? m.name : NULL);
	k = lb_tar_next(&r, &m);
	ok(k == -1 && strstr(r.err, "checksum"), "a corrupt header is an error: %s", r.err);
	lb_dec_free(d);

	lb_src_mem(&src, tar, 700);
	d = lb_dec_new(&src, 0, 0);
	lb_tar_reader_init(&r, d);
	free(lb_tar_next(&r, &m) == 1 ? m.name : NULL);
	ok(lb_tar_next(&r, &m) == -1, "a truncated archive is an error: %s", r.err);
	lb_dec_free(d);
}

/* ---- squash on hand-made layers ---- */

static void add(struct lb_layer *l, const char *path, enum lb_ftype t)
{
	struct lb_entry e;

	memset(&e, 0, sizeof(e));
	e.path = lb_arena_strdup(&l->arena, path);
	e.type = (uint8_t)t;
	e.mode = t == LB_FT_DIR ? 0755 : 0644;
	e.layer = (uint16_t)l->index;
	lb_xgrow((void **)&l->entries, &l->cap, l->nentries + 1, sizeof(e));
	lb_hashmap_put(&l->by_path, e.path, strlen(e.path), (uint32_t)l->nentries, NULL);
	l->entries[l->nentries++] = e;
}

static void wh(struct lb_layer *l, const char *path, int opaque)
{
	lb_xgrow((void **)&l->whiteouts, &l->wcap, l->nwhiteouts + 1, sizeof(*l->whiteouts));
	l->whiteouts[l->nwhiteouts].path = lb_arena_strdup(&l->arena, path);
	l->whiteouts[l->nwhiteouts++].opaque = opaque;
}

/* "path@layer path@layer ..." of the view. */
static char *render(const struct lb_view *v)
{
	struct lb_buf b;

	lb_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < v->n; i++)
		lb_buf_addf(&b, "%s%s@%u", i ? " " : "", v->v[i]->path, (unsigned)v->v[i]->layer);
	return lb_buf_detach(&b, NULL);
}

static void test_squash(void)
{
	struct lb_layer L[3];
	struct lb_view v;
	struct lb_log log;
	char *s;

	for (unsigned i = 0; i < 3; i++)
		lb_layer_init(&L[i], i);
	lb_log_init(&log);
	add(&L[0], "/a", LB_FT_DIR);
	add(&L[0], "/a/f", LB_FT_FILE);
	add(&L[0], "/a/g", LB_FT_FILE);
	add(&L[0], "/d", LB_FT_DIR);
	add(&L[0], "/d/x", LB_FT_FILE);
	add(&L[0], "/s", LB_FT_DIR);
	add(&L[0], "/s/y", LB_FT_FILE);
	add(&L[0], "/o", LB_FT_DIR);
	add(&L[0], "/o/old", LB_FT_FILE);
	wh(&L[1], "/a/f", 0);           /* a file whited out */
	wh(&L[1], "/d", 0);             /* a directory whited out ... */
	add(&L[2], "/d", LB_FT_DIR);    /* ... and recreated */
	add(&L[2], "/d/new", LB_FT_FILE);
	add(&L[1], "/s", LB_FT_SYMLINK);/* a directory replaced by a symlink */
	add(&L[1], "/o", LB_FT_DIR);
	wh(&L[1], "/o", 1);             /* opaque */
	add(&L[1], "/o/mine", LB_FT_FILE);
	for (unsigned i = 0; i < 3; i++)
		lb_layer_add_implicit_dirs(&L[i]);
	lb_squash(L, 3, &v, &log);
	s = render(&v);
	is_str(s, "/a@0 /a/g@0 /d@2 /d/new@2 /o@1 /o/mine@1 /s@1", "whiteouts, recreate, opaque, replace");
	free(s);
	lb_view_release(&v);
	for (unsigned i = 0; i < 3; i++)
		lb_layer_release(&L[i]);

	/* implied directories: the lowest layer that implies one made it; an
	 * implied directory hides a lower file at its path */
	for (unsigned i = 0; i < 3; i++)
		lb_layer_init(&L[i], i);
	add(&L[0], "/p", LB_FT_FILE);
	add(&L[1], "/p/q", LB_FT_FILE);
	add(&L[1], "/r/s", LB_FT_FILE);
	add(&L[2], "/r/t", LB_FT_FILE);
	for (unsigned i = 0; i < 3; i++)
		lb_layer_add_implicit_dirs(&L[i]);
	lb_squash(L, 3, &v, &log);
	s = render(&v);
	is_str(s, "/p@1 /p/q@1 /r@1 /r/s@1 /r/t@2", "implied directories");
	ok(v.v[0]->type == LB_FT_DIR, "the implied /p is a directory");
	free(s);
	lb_view_release(&v);
	for (unsigned i = 0; i < 3; i++)
		lb_layer_release(&L[i]);
	lb_log_release(&log);
}

int main(void)
{
	test_paths();
	test_escape();
	test_buf_cap();
	test_hashmap();
	test_stream();
	test_tarindex();
	test_squash();
	return done_testing();
}
