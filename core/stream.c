/* SPDX-License-Identifier: Apache-2.0 */
#include "stream.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define IN_CHUNK (256 * 1024)

void lb_src_fd(struct lb_src *s, int fd, uint64_t off, uint64_t len)
{
	memset(s, 0, sizeof(*s));
	s->kind = LB_SRC_FD;
	s->fd = fd;
	s->off = off;
	s->left = len;
}

void lb_src_mem(struct lb_src *s, const void *p, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->kind = LB_SRC_MEM;
	s->mem = p;
	s->memlen = len;
}

void lb_src_pull(struct lb_src *s, lb_pull_fn fn, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->kind = LB_SRC_PULL;
	s->pull = fn;
	s->pull_ctx = ctx;
}

ssize_t lb_src_read(struct lb_src *s, void *buf, size_t n, char *err, size_t errlen)
{
	switch (s->kind) {
	case LB_SRC_FD: {
		ssize_t r;

		if (n > s->left)
			n = (size_t)s->left;
		if (!n)
			return 0;
		do
			r = pread(s->fd, buf, n, (off_t)s->off);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			snprintf(err, errlen, "read error: %s", strerror(errno));
			return -1;
		}
		if (r == 0) {
			snprintf(err, errlen, "unexpected end of file");
			return -1;
		}
		s->off += (uint64_t)r;
		s->left -= (uint64_t)r;
		return r;
	}
	case LB_SRC_MEM:
		if (n > s->memlen - s->mempos)
			n = s->memlen - s->mempos;
		memcpy(buf, s->mem + s->mempos, n);
		s->mempos += n;
		return (ssize_t)n;
	case LB_SRC_PULL:
		return s->pull(s->pull_ctx, buf, n, err, errlen);
	}
	return -1;
}

const char *lb_compression_name(enum lb_compression c)
{
	switch (c) {
	case LB_COMP_NONE: return "none";
	case LB_COMP_GZIP: return "gzip";
	case LB_COMP_ZSTD: return "zstd";
	default: return "unknown";
	}
}

struct lb_dec {
	struct lb_src *src;
	enum lb_compression comp;
	EVP_MD_CTX *hs, *hd;        /* stored, decoded; NULL when not asked */
	unsigned char ds[32], dd[32];
	int finished;               /* digests final */
	int src_eof;
	int stream_end;             /* the decoder reached the end of its data */
	unsigned char *in;          /* stored bytes not yet consumed */
	size_t inpos, inlen;
	uint64_t stored, decoded;
	z_stream z;
	int z_init;
	ZSTD_DStream *zs;
	size_t zlast;               /* ZSTD_decompressStream's last hint */
	char err[256];
};

struct lb_dec *lb_dec_new(struct lb_src *src, int hash_stored, int hash_decoded)
{
	struct lb_dec *d = lb_xcalloc(1, sizeof(*d));

	d->src = src;
	d->in = lb_xmalloc(IN_CHUNK);
	if (hash_stored) {
		d->hs = EVP_MD_CTX_new();
		if (!d->hs || !EVP_DigestInit_ex(d->hs, EVP_sha256(), NULL))
			BUG("cannot set up SHA-256");
	}
	if (hash_decoded) {
		d->hd = EVP_MD_CTX_new();
		if (!d->hd || !EVP_DigestInit_ex(d->hd, EVP_sha256(), NULL))
			BUG("cannot set up SHA-256");
	}
	return d;
}

__attribute__((format(printf, 2, 3)))
static int dec_fail(struct lb_dec *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->err[0])
	{
		va_start(ap, fmt);
		vsnprintf(d->err, sizeof(d->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Refills d->in when it is empty; 1 when bytes are there, 0 at the end, -1. */
static int fill(struct lb_dec *d)
{
	ssize_t r;

	if (d->inpos < d->inlen)
		return 1;
	if (d->src_eof)
		return 0;
	r = lb_src_read(d->src, d->in, IN_CHUNK, d->err, sizeof(d->err));
	if (r < 0)
		return -1;
	if (r == 0) {
		d->src_eof = 1;
		return 0;
	}
	d->inpos = 0;
	d->inlen = (size_t)r;
	d->stored += (uint64_t)r;
	if (d->hs)
		EVP_DigestUpdate(d->hs, d->in, (size_t)r);
	return 1;
}

static int detect(struct lb_dec *d)
{
	int r = fill(d);
	const unsigned char *p = d->in + d->inpos;
	size_t n = d->inlen - d->inpos;

	if (r < 0)
		return -1;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		d->comp = LB_COMP_GZIP;
		if (inflateInit2(&d->z, 16 + MAX_WBITS) != Z_OK)
			BUG("inflateInit2 failed");
		d->z_init = 1;
	} else if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
		d->comp = LB_COMP_ZSTD;
		d->zs = ZSTD_createDStream();
		if (!d->zs)
			BUG("ZSTD_createDStream failed");
	} else {
		d->comp = LB_COMP_NONE;
	}
	return 0;
}

static int check_caps(struct lb_dec *d)
{
	if (d->decoded > LB_MAX_LAYER_BYTES)
		return dec_fail(d, "decodes to more than %s bytes (cap)", "256 GiB");
	if (d->comp != LB_COMP_NONE && d->decoded > LB_RATIO_FLOOR &&
	    d->decoded / (d->stored ? d->stored : 1) > LB_MAX_RATIO)
		return dec_fail(d, "%s: expands more than 2000 times (decompression bomb)",
				lb_compression_name(d->comp));
	return 0;
}

/* After a gzip member ends: another member may follow; zero padding is
 * tolerated (some writers pad blobs); anything else is an error. */
static int gzip_next_member(struct lb_dec *d)
{
	for (;;) {
		int r = fill(d);

		if (r < 0)
			return -1;
		if (r == 0)
			return 0;    /* the end */
		if (d->in[d->inpos] == 0x1f) {
			if (inflateReset(&d->z) != Z_OK)
				BUG("inflateReset failed");
			return 1;
		}
		while (d->inpos < d->inlen && d->in[d->inpos] == 0)
			d->inpos++;
		if (d->inpos < d->inlen)
			return dec_fail(d, "%s: trailing data after the compressed stream", "gzip");
	}
}

static ssize_t read_gzip(struct lb_dec *d, unsigned char *buf, size_t n)
{
	for (;;) {
		int r, zr;
		size_t before;

		if (d->stream_end)
			return 0;
		r = fill(d);
		if (r < 0)
			return -1;
		if (r == 0)
			return dec_fail(d, "%s: truncated compressed stream", "gzip");
		d->z.next_in = d->in + d->inpos;
		d->z.avail_in = (uInt)(d->inlen - d->inpos);
		d->z.next_out = buf;
		d->z.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
		before = d->z.avail_in;
		zr = inflate(&d->z, Z_NO_FLUSH);
		d->inpos += before - d->z.avail_in;
		if (zr == Z_STREAM_END) {
			int more = gzip_next_member(d);

			if (more < 0)
				return -1;
			if (!more)
				d->stream_end = 1;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return dec_fail(d, "gzip: %s", d->z.msg ? d->z.msg : "corrupt data");
		}
		if ((size_t)(d->z.next_out - buf) > 0)
			return (ssize_t)(d->z.next_out - buf);
	}
}

static ssize_t read_zstd(struct lb_dec *d, unsigned char *buf, size_t n)
{
	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out = { buf, n, 0 };
		size_t zr;
		int r;

		if (d->stream_end)
			return 0;
		r = fill(d);
		if (r < 0)
			return -1;
		in.src = d->in + d->inpos;
		in.size = d->inlen - d->inpos;
		in.pos = 0;
		zr = ZSTD_decompressStream(d->zs, &out, &in);
		d->inpos += in.pos;
		if (ZSTD_isError(zr))
			return dec_fail(d, "zstd: %s", ZSTD_getErrorName(zr));
		if (in.pos || out.pos)
			d->zlast = zr;
		if (out.pos)
			return (ssize_t)out.pos;
		if (r == 0) {
			/* No input left and nothing flushed: a non-zero hint from
			 * the last call that made progress means a frame is open. */
			if (d->zlast != 0)
				return dec_fail(d, "%s: truncated compressed stream", "zstd");
			d->stream_end = 1;
			return 0;
		}
	}
}

ssize_t lb_dec_read(struct lb_dec *d, void *buf, size_t n)
{
	ssize_t r;

	if (d->err[0])
		return -1;
	if (d->comp == LB_COMP_UNKNOWN && detect(d) < 0)
		return -1;
	switch (d->comp) {
	case LB_COMP_GZIP:
		r = read_gzip(d, buf, n);
		break;
	case LB_COMP_ZSTD:
		r = read_zstd(d, buf, n);
		break;
	default: {
		int f = fill(d);

		if (f < 0)
			return -1;
		if (f == 0)
			return 0;
		r = (ssize_t)(d->inlen - d->inpos);
		if ((size_t)r > n)
			r = (ssize_t)n;
		memcpy(buf, d->in + d->inpos, (size_t)r);
		d->inpos += (size_t)r;
		break;
	}
	}
	if (r > 0) {
		d->decoded += (uint64_t)r;
		/* plain bytes are the stored bytes, which fill() hashed already:
		 * hashing them again was 15% of a scan of a docker-archive */
		if (d->hd && !(d->comp == LB_COMP_NONE && d->hs))
			EVP_DigestUpdate(d->hd, buf, (size_t)r);
		if (check_caps(d) < 0)
			return -1;
	}
	return r;
}

int lb_dec_drain(struct lb_dec *d)
{
	unsigned char *tmp = lb_xmalloc(IN_CHUNK);
	ssize_t r;

	while ((r = lb_dec_read(d, tmp, IN_CHUNK)) > 0)
		;
	free(tmp);
	if (r < 0)
		return -1;
	return 0;
}

const char *lb_dec_error(const struct lb_dec *d)
{
	return d->err[0] ? d->err : "no error";
}

enum lb_compression lb_dec_compression(const struct lb_dec *d)
{
	return d->comp;
}

uint64_t lb_dec_stored_bytes(const struct lb_dec *d)
{
	return d->stored;
}

uint64_t lb_dec_decoded_bytes(const struct lb_dec *d)
{
	return d->decoded;
}

void lb_dec_digests(struct lb_dec *d, unsigned char stored[32], unsigned char decoded[32])
{
	if (!d->finished) {
		unsigned int len;

		if (d->hs)
			EVP_DigestFinal_ex(d->hs, d->ds, &len);
		if (d->hd && d->comp == LB_COMP_NONE && d->hs) {
			if (d->decoded == d->stored)
				memcpy(d->dd, d->ds, 32);
		} else if (d->hd) {
			EVP_DigestFinal_ex(d->hd, d->dd, &len);
		}
		d->finished = 1;
	}
	if (stored)
		memcpy(stored, d->ds, 32);
	if (decoded)
		memcpy(decoded, d->dd, 32);
}

void lb_dec_free(struct lb_dec *d)
{
	if (!d)
		return;
	if (d->z_init)
		inflateEnd(&d->z);
	ZSTD_freeDStream(d->zs);
	EVP_MD_CTX_free(d->hs);
	EVP_MD_CTX_free(d->hd);
	free(d->in);
	free(d);
}
