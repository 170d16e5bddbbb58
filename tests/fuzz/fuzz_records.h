/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "archive description" shared by fuzz_scan and fuzz_image: a fuzz
 * input read as a list of (type, path, content) records, packed into tars
 * in memory.  Text, so that mutations keep it mostly well-formed and the
 * fuzzer reaches files at the paths the detectors want.
 *
 * A record starts with a header line at the start of the input or after
 * a newline:
 *
 *   %%T PATH
 *
 * and its content runs up to the next "\n%%" (that newline is not part of
 * the content) or the end of the input.  T is:
 *   f  a regular file, mode 0644 (also any unknown letter)
 *   x  an executable, mode 0755
 *   g  an executable padded with zeros to 512 KiB (the golang detector
 *      only reads executables that large)
 *   d  a directory (content ignored)
 *   l  a symbolic link to the content
 *   h  a hard link to the content
 *   L  the next layer starts here (fuzz_scan; PATH and content ignored)
 *
 * Only the harnesses include this file: everything is static inline.
 */
#ifndef LB_FUZZ_RECORDS_H
#define LB_FUZZ_RECORDS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FZ_MAX_RECORDS 256
#define FZ_GO_PAD (512u << 10)

struct fz_record {
	char type;
	const char *path;        /* not terminated */
	size_t path_len;
	const unsigned char *data;
	size_t len;
};

/* Splits data into at most max records; returns how many. */
static inline size_t fz_parse(const uint8_t *data, size_t size, struct fz_record *r, size_t max)
{
	size_t n = 0, pos = 0;

	while (pos + 3 <= size && n < max) {
		const uint8_t *nl, *next;
		size_t hdr_end, end;

		if (data[pos] != '%' || data[pos + 1] != '%')
			break;
		r[n].type = (char)data[pos + 2];
		nl = memchr(data + pos + 3, '\n', size - pos - 3);   /* "%%\n": the type is '\n' */
		hdr_end = nl ? (size_t)(nl - data) : size;
		r[n].path = (const char *)data + pos + 3;
		r[n].path_len = hdr_end - (pos + 3);
		if (r[n].path_len && r[n].path[0] == ' ') {
			r[n].path++;
			r[n].path_len--;
		}
		pos = hdr_end < size ? hdr_end + 1 : size;
		next = NULL;
		for (end = pos; end + 2 < size; end++)
			if (data[end] == '\n' && data[end + 1] == '%' && data[end + 2] == '%') {
				next = data + end;
				break;
			}
		end = next ? (size_t)(next - data) : size;
		r[n].data = data + pos;
		r[n].len = end - pos;
		n++;
		pos = next ? end + 1 : size;
	}
	return n;
}

/* Where the harnesses write: $TMPDIR, else a memory file system (half the
 * time of a run went to ext4 creating and deleting files), else /tmp. */
static inline const char *fz_tmpdir(const char *tmpdir)
{
	if (tmpdir && *tmpdir)
		return tmpdir;
	return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

/* A growing byte buffer for the tars. */
struct fz_buf {
	unsigned char *p;
	size_t len, cap;
};

static inline void fz_grow(struct fz_buf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	while (b->len + more > b->cap)
		b->cap = b->cap ? b->cap * 2 : 65536;
	b->p = realloc(b->p, b->cap);
	if (!b->p)
		abort();
}

static inline void fz_put(struct fz_buf *b, const void *p, size_t n)
{
	fz_grow(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static inline void fz_puts(struct fz_buf *b, const char *s)
{
	fz_put(b, s, strlen(s));
}

static inline void fz_zeros(struct fz_buf *b, size_t n)
{
	fz_grow(b, n);
	memset(b->p + b->len, 0, n);
	b->len += n;
}

static inline void fz_pad512(struct fz_buf *b)
{
	if (b->len % 512)
		fz_zeros(b, 512 - b->len % 512);
}

/* One ustar header block of the given name (cut to 100 bytes: a longer
 * name or link goes in a pax header first). */
static inline void fz_tar_header(struct fz_buf *b, const char *name, size_t name_len, char type,
			  unsigned mode, uint64_t size, const char *link, size_t link_len)
{
	unsigned char h[512];
	unsigned sum = 0;

	memset(h, 0, sizeof(h));
	memcpy(h, name, name_len > 100 ? 100 : name_len);
	snprintf((char *)h + 100, 8, "%07o", mode & 07777);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	snprintf((char *)h + 136, 12, "%011o", 0);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	if (link)
		memcpy(h + 157, link, link_len > 100 ? 100 : link_len);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum & 0777777);
	fz_put(b, h, sizeof(h));
}

static inline void fz_pax_record(struct fz_buf *b, const char *key, const char *v, size_t vlen)
{
	size_t klen = strlen(key), base = klen + vlen + 3, n = base + 1;
	char num[24];

	/* the length counts its own digits */
	while ((size_t)snprintf(num, sizeof(num), "%zu", n) + base != n)
		n = (size_t)snprintf(num, sizeof(num), "%zu", n) + base;
	fz_put(b, num, strlen(num));
	fz_put(b, " ", 1);
	fz_put(b, key, klen);
	fz_put(b, "=", 1);
	fz_put(b, v, vlen);
	fz_put(b, "\n", 1);
}

/* Appends one tar member for record r. */
static inline void fz_tar_add(struct fz_buf *b, const struct fz_record *r)
{
	const char *link = NULL;
	size_t link_len = 0;
	uint64_t size = 0;
	unsigned mode = 0644;
	char type = '0';

	switch (r->type) {
	case 'd': type = '5'; mode = 0755; break;
	case 'l': type = '2'; mode = 0777; link = (const char *)r->data; link_len = r->len; break;
	case 'h': type = '1'; link = (const char *)r->data; link_len = r->len; break;
	case 'x': mode = 0755; size = r->len; break;
	case 'g': mode = 0755; size = r->len < FZ_GO_PAD ? FZ_GO_PAD : r->len; break;
	default: size = r->len; break;
	}
	if (r->path_len > 100 || link_len > 100 || memchr(r->path, 0, r->path_len) ||
	    (link && memchr(link, 0, link_len))) {
		struct fz_buf pax = { 0 };

		fz_pax_record(&pax, "path", r->path, r->path_len);
		if (link)
			fz_pax_record(&pax, "linkpath", link, link_len);
		fz_tar_header(b, "PaxHeader", 9, 'x', 0644, pax.len, NULL, 0);
		fz_put(b, pax.p, pax.len);
		fz_pad512(b);
		free(pax.p);
	}
	fz_tar_header(b, r->path, r->path_len, type, mode, size, link, link_len);
	if (type == '0') {
		fz_put(b, r->data, r->len);
		if (size > r->len)
			fz_zeros(b, (size_t)size - r->len);
		fz_pad512(b);
	}
}

static inline void fz_tar_end(struct fz_buf *b)
{
	fz_zeros(b, 1024);
}

#endif
