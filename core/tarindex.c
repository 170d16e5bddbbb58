/* SPDX-License-Identifier: Apache-2.0 */
#include "tarindex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 512
#define MAX_EXT_HEADER (1u << 20)

void lb_tar_reader_init(struct lb_tar_reader *r, struct lb_dec *dec)
{
	memset(r, 0, sizeof(*r));
	r->dec = dec;
	r->fd = -1;
}

void lb_tar_reader_init_fd(struct lb_tar_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

static int fail(struct lb_tar_reader *r, const char *msg)
{
	if (!r->err[0])
		snprintf(r->err, sizeof(r->err), "%s", msg);
	return -1;
}

/* Reads exactly n bytes (n may be 0); -1 on error or early end. */
static int read_full(struct lb_tar_reader *r, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k;

		if (!r->dec) {
			do
				k = pread(r->fd, (char *)buf + got, n - got, (off_t)(r->pos + got));
			while (k < 0 && errno == EINTR);
			if (k < 0)
				return fail(r, strerror(errno));
		} else {
			k = lb_dec_read(r->dec, (char *)buf + got, n - got);
			if (k < 0)
				return fail(r, lb_dec_error(r->dec));
		}
		if (k == 0)
			return fail(r, "truncated tar archive");
		got += (size_t)k;
	}
	r->pos += n;
	return 0;
}

static int skip(struct lb_tar_reader *r, uint64_t n)
{
	char buf[65536];

	if (!r->dec) {
		r->pos += n;
		return 0;
	}
	while (n) {
		size_t k = n > sizeof(buf) ? sizeof(buf) : (size_t)n;

		if (read_full(r, buf, k) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* An octal or base-256 numeric field; -1 when malformed. */
static int parse_num(const unsigned char *f, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {               /* GNU base-256 */
		if (f[0] != 0x80)
			return -1;       /* negative or too large */
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return -1;
			v = (v << 8) | f[i];
		}
		*out = v;
		return 0;
	}
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = (v << 3) | (uint64_t)(f[i] - '0');
	}
	if (i < n && f[i] != ' ' && f[i] != '\0')
		return -1;
	*out = v;
	return 0;
}

static int checksum_ok(const unsigned char *h)
{
	uint64_t want;
	unsigned long sum = 0;

	if (parse_num(h + 148, 8, &want) < 0)
		return 0;
	for (int i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

static char *field(const unsigned char *f, size_t n)
{
	size_t len = strnlen((const char *)f, n);

	return lb_xstrndup((const char *)f, len);
}

static char *clean_name(char *name)
{
	char *p = name;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	if (p != name)
		memmove(name, p, strlen(p) + 1);
	return name;
}

/* Parses pax records "LEN key=value\n" for path and size. */
static int parse_pax(struct lb_tar_reader *r, const char *d, size_t n, char **path, uint64_t *size,
		     int *has_size)
{
	size_t i = 0;

	while (i < n) {
		size_t len = 0, j = i;
		const char *kv, *eq, *end;

		while (j < n && d[j] >= '0' && d[j] <= '9' && len < MAX_EXT_HEADER)
			len = len * 10 + (size_t)(d[j++] - '0');
		if (j >= n || d[j] != ' ' || len == 0 || len > n - i)
			return fail(r, "malformed pax header");
		kv = d + j + 1;
		end = d + i + len - 1;   /* the newline */
		if (*end != '\n' || kv > end)
			return fail(r, "malformed pax header");
		eq = memchr(kv, '=', (size_t)(end - kv));
		if (!eq)
			return fail(r, "malformed pax header");
		if ((size_t)(eq - kv) == 4 && memcmp(kv, "path", 4) == 0) {
			free(*path);
			*path = lb_xstrndup(eq + 1, (size_t)(end - eq - 1));
		} else if ((size_t)(eq - kv) == 4 && memcmp(kv, "size", 4) == 0) {
			uint64_t v = 0;

			for (const char *c = eq + 1; c < end; c++) {
				if (*c < '0' || *c > '9' || v > UINT64_MAX / 10 - 10)
					return fail(r, "malformed pax size");
				v = v * 10 + (uint64_t)(*c - '0');
			}
			*size = v;
			*has_size = 1;
		}
		i += len;
	}
	return 0;
}

/* Did the archive end exactly at a member boundary? */
static int at_end_exactly(struct lb_tar_reader *r)
{
	struct stat st;

	if (r->dec)
		return lb_dec_decoded_bytes(r->dec) == r->pos;
	return fstat(r->fd, &st) == 0 && (uint64_t)st.st_size == r->pos;
}

int lb_tar_next(struct lb_tar_reader *r, struct lb_tar_member *m)
{
	unsigned char h[BLOCK];
	char *longname = NULL, *paxpath = NULL;
	uint64_t paxsize = 0;
	int has_paxsize = 0;

	if (skip(r, r->left + r->pad) < 0)
		return -1;
	r->left = r->pad = 0;
	for (;;) {
		uint64_t size;
		char type;

		if (read_full(r, h, BLOCK) < 0) {
			/* A missing end-of-archive marker is tolerated at a member boundary. */
			if (!longname && !paxpath && strcmp(r->err, "truncated tar archive") == 0 &&
			    at_end_exactly(r)) {
				r->err[0] = '\0';
				return 0;
			}
			goto bad;
		}
		if (h[0] == 0) {
			int allzero = 1;

			for (int i = 0; i < BLOCK && allzero; i++)
				allzero = h[i] == 0;
			if (allzero) {
				/* The end-of-archive marker; what follows is padding. */
				free(longname);
				free(paxpath);
				return 0;
			}
		}
		if (!checksum_ok(h)) {
			fail(r, "tar header checksum mismatch");
			goto bad;
		}
		if (parse_num(h + 124, 12, &size) < 0) {
			fail(r, "malformed tar header size");
			goto bad;
		}
		type = (char)h[156];
		if (type == 'L' || type == 'x' || type == 'g') {
			char *d;

			if (size > MAX_EXT_HEADER) {
				fail(r, "tar extended header too large");
				goto bad;
			}
			d = lb_xmalloc((size_t)size + 1);
			if (read_full(r, d, (size_t)size) < 0 || skip(r, (BLOCK - size % BLOCK) % BLOCK) < 0) {
				free(d);
				goto bad;
			}
			d[size] = '\0';
			if (type == 'L') {
				free(longname);
				longname = lb_xstrndup(d, strnlen(d, (size_t)size));
			} else if (type == 'x' &&
				   parse_pax(r, d, (size_t)size, &paxpath, &paxsize, &has_paxsize) < 0) {
				free(d);
				goto bad;
			}
			free(d);
			continue;
		}
		if (has_paxsize)
			size = paxsize;
		if (paxpath) {
			m->name = paxpath;
			paxpath = NULL;
		} else if (longname) {
			m->name = longname;
			longname = NULL;
		} else if (memcmp(h + 257, "ustar", 5) == 0 && h[345]) {
			char *prefix = field(h + 345, 155), *name = field(h, 100);

			m->name = lb_xasprintf("%s/%s", prefix, name);
			free(prefix);
			free(name);
		} else {
			m->name = field(h, 100);
		}
		free(longname);
		free(paxpath);
		clean_name(m->name);
		m->type = type ? type : '0';
		m->offset = r->pos;
		/* Only regular files carry data in the outer archive we read. */
		if (m->type == '1' || m->type == '2' || m->type == '3' || m->type == '4' ||
		    m->type == '5' || m->type == '6')
			size = (m->type == '5' || m->type == '1' || m->type == '2') ? 0 : size;
		m->size = size;
		r->left = size;
		r->pad = (BLOCK - size % BLOCK) % BLOCK;
		return 1;
	}
bad:
	free(longname);
	free(paxpath);
	return -1;
}

ssize_t lb_tar_read(void *reader, void *buf, size_t n, char *err, size_t errlen)
{
	struct lb_tar_reader *r = reader;

	if (n > r->left)
		n = (size_t)r->left;
	if (!n)
		return 0;
	if (read_full(r, buf, n) < 0) {
		snprintf(err, errlen, "%s", r->err);
		return -1;
	}
	r->left -= n;
	return (ssize_t)n;
}

int lb_tar_index_build(struct lb_tar_index *ix, struct lb_tar_reader *r, char *err, size_t errlen)
{
	struct lb_tar_member m;
	int k;

	memset(ix, 0, sizeof(*ix));
	lb_hashmap_init(&ix->by_name);
	while ((k = lb_tar_next(r, &m)) > 0) {
		int found;
		uint32_t *slot;

		if (m.type != '0' && m.type != '7') {
			free(m.name);
			continue;
		}
		if (ix->n >= LB_TAR_MAX_MEMBERS) {
			free(m.name);
			snprintf(err, errlen, "more than %u members", LB_TAR_MAX_MEMBERS);
			return -1;
		}
		slot = lb_hashmap_put(&ix->by_name, m.name, strlen(m.name), (uint32_t)ix->n, &found);
		if (found) {
			/* A later member of the same name wins, as extraction would. */
			free(m.name);
			m.name = ix->m[*slot].name;   /* the map's key */
			ix->m[*slot] = m;
			continue;
		}
		lb_xgrow((void **)&ix->m, &ix->cap, ix->n + 1, sizeof(*ix->m));
		ix->m[ix->n++] = m;
	}
	if (k < 0) {
		snprintf(err, errlen, "%s", r->err);
		return -1;
	}
	return 0;
}

const struct lb_tar_member *lb_tar_index_find(const struct lb_tar_index *ix, const char *name)
{
	uint32_t *i = lb_hashmap_get((struct lb_hashmap *)&ix->by_name, name, strlen(name));

	return i ? &ix->m[*i] : NULL;
}

void lb_tar_index_release(struct lb_tar_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->m[i].name);
	free(ix->m);
	lb_hashmap_release(&ix->by_name);
	memset(ix, 0, sizeof(*ix));
}
