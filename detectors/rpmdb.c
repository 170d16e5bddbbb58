/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpm databases read from memory: see rpmdb.h for the contract and
 * docs/internals/rpmdb.md for the formats.
 *
 * Every multi-byte field is read with the byte helpers below (the input is
 * neither aligned nor trusted), every offset is checked against the end of
 * the region it lives in before use, and every sum is done in 64 bits.
 */
#include "rpmdb.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- bytes ---- */

static uint16_t rd_be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd_be64(const unsigned char *p)
{
	return (uint64_t)rd_be32(p) << 32 | rd_be32(p + 4);
}

static uint16_t rd_le16(const unsigned char *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

__attribute__((format(printf, 3, 4)))
static void set_msg(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* ---- header blobs ---- */

/* rpm's limits on a header (lib/header_internal.h): more is not a header. */
#define HDR_MAX_TAGS 0xffffu
#define HDR_MAX_DATA 0x0fffffffu
#define HDR_MAX_BLOB (8 + 16 * (uint64_t)HDR_MAX_TAGS + HDR_MAX_DATA)

/* Tag and type numbers from rpm's lib/rpmtag.h. */
enum {
	TAG_SIGMD5 = 261,       /* also known as PKGID */
	TAG_NAME = 1000,
	TAG_VERSION = 1001,
	TAG_RELEASE = 1002,
	TAG_EPOCH = 1003,
	TAG_SUMMARY = 1004,
	TAG_SIZE = 1009,
	TAG_VENDOR = 1011,
	TAG_LICENSE = 1014,
	TAG_ARCH = 1022,
	TAG_OLDFILENAMES = 1027,
	TAG_SOURCERPM = 1044,
	TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117,
	TAG_DIRNAMES = 1118,
	TAG_LONGSIZE = 5009,
};

enum {
	TYPE_INT32 = 4,
	TYPE_INT64 = 5,
	TYPE_STRING = 6,
	TYPE_BIN = 7,
	TYPE_STRING_ARRAY = 8,
	TYPE_I18NSTRING = 9,
};

/* The tags we read, as slots of struct hdr. */
enum want {
	W_NAME, W_VERSION, W_RELEASE, W_ARCH, W_LICENSE, W_VENDOR, W_SOURCERPM,
	W_SUMMARY, W_EPOCH, W_SIZE, W_LONGSIZE, W_SIGMD5, W_OLDFILENAMES,
	W_DIRINDEXES, W_BASENAMES, W_DIRNAMES, W_COUNT
};

static const uint32_t want_tag[W_COUNT] = {
	[W_NAME] = TAG_NAME, [W_VERSION] = TAG_VERSION, [W_RELEASE] = TAG_RELEASE,
	[W_ARCH] = TAG_ARCH, [W_LICENSE] = TAG_LICENSE, [W_VENDOR] = TAG_VENDOR,
	[W_SOURCERPM] = TAG_SOURCERPM, [W_SUMMARY] = TAG_SUMMARY,
	[W_EPOCH] = TAG_EPOCH, [W_SIZE] = TAG_SIZE, [W_LONGSIZE] = TAG_LONGSIZE,
	[W_SIGMD5] = TAG_SIGMD5, [W_OLDFILENAMES] = TAG_OLDFILENAMES,
	[W_DIRINDEXES] = TAG_DIRINDEXES, [W_BASENAMES] = TAG_BASENAMES,
	[W_DIRNAMES] = TAG_DIRNAMES,
};

struct entry {
	uint32_t type, offset, count;
};

struct hdr {
	const unsigned char *data;      /* the data store */
	uint32_t dl;                    /* its length */
	int have[W_COUNT];
	struct entry ent[W_COUNT];
};

/*
 * The payload of e when it is count elements of sz bytes of the given type
 * that fit in the data store; NULL otherwise.  Offsets are signed in rpm,
 * and negative ones (region trailers) are never what we read, so reading
 * them unsigned sends them past dl.
 */
static const unsigned char *ent_fixed(const struct hdr *h, const struct entry *e,
				      uint32_t type, size_t sz)
{
	if (e->type != type || e->count == 0 || e->offset >= h->dl)
		return NULL;
	if ((uint64_t)e->count * sz > h->dl - e->offset)
		return NULL;
	return h->data + e->offset;
}

/*
 * Walks count NUL-terminated strings from e's offset; each must end inside
 * the data store.  Fills ptrs[] and lens[] when they are given.  The walk
 * is bounded by dl since every string takes at least one byte.
 */
static int ent_strings(const struct hdr *h, const struct entry *e, uint32_t count,
		       const char **ptrs, uint32_t *lens)
{
	size_t off = e->offset;

	if (off >= h->dl || count > h->dl - off)
		return -1;
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *s = h->data + off;
		const unsigned char *z = off < h->dl ? memchr(s, 0, h->dl - off) : NULL;

		if (!z)
			return -1;
		if (ptrs)
			ptrs[i] = (const char *)s;
		if (lens)
			lens[i] = (uint32_t)(z - s);
		off += (size_t)(z - s) + 1;
	}
	return 0;
}

/* A string tag into *out (NULL when absent).  I18N strings give the first
 * (the C locale), an array its first element, as rpm's query format does. */
static int get_str(struct lb_rpm_pkg *p, const struct hdr *h, enum want w, char **out,
		   char *err, size_t errlen)
{
	const struct entry *e = &h->ent[w];
	const char *s;
	uint32_t n;

	*out = NULL;
	if (!h->have[w])
		return 0;
	if (e->type != TYPE_STRING && e->type != TYPE_I18NSTRING &&
	    e->type != TYPE_STRING_ARRAY) {
		set_msg(err, errlen, "tag %u has type %u, not a string", want_tag[w], e->type);
		return -1;
	}
	if (ent_strings(h, e, 1, &s, &n)) {
		set_msg(err, errlen, "tag %u: string runs past the data", want_tag[w]);
		return -1;
	}
	*out = lb_arena_strndup(&p->mem, s, n);
	return 0;
}

/* The file list from BASENAMES + DIRNAMES[DIRINDEXES], or OLDFILENAMES. */
static int get_files(struct lb_rpm_pkg *p, const struct hdr *h, char *err, size_t errlen)
{
	const struct entry *eb = &h->ent[W_BASENAMES], *ed = &h->ent[W_DIRNAMES];
	const struct entry *ei = &h->ent[W_DIRINDEXES];
	const char **bp = NULL, **dp = NULL;
	uint32_t *bl = NULL, *dlens = NULL;
	const unsigned char *idx = NULL;
	uint32_t n, nd = 0;
	uint64_t total = 0;
	int old = !h->have[W_BASENAMES], rc = -1;
	char *pool;

	if (old) {
		if (!h->have[W_OLDFILENAMES])
			return 0;
		eb = &h->ent[W_OLDFILENAMES];
	} else if (!h->have[W_DIRNAMES] || !h->have[W_DIRINDEXES]) {
		set_msg(err, errlen, "basenames without dirnames or dirindexes");
		return -1;
	}
	n = eb->count;
	if (eb->type != TYPE_STRING_ARRAY || (!old && ed->type != TYPE_STRING_ARRAY)) {
		set_msg(err, errlen, "file names are not string arrays");
		return -1;
	}
	if (!old)
		nd = ed->count;
	/* The caps first: they bound the allocations below. */
	if (n > LB_RPM_MAX_FILES || nd > LB_RPM_MAX_FILES || n > h->dl || nd > h->dl) {
		set_msg(err, errlen, "file list of %u names in %u directories is too long", n, nd);
		return -1;
	}
	if (!old) {
		if (ei->count != n || !(idx = ent_fixed(h, ei, TYPE_INT32, 4))) {
			set_msg(err, errlen, "dirindexes do not match the %u basenames", n);
			return -1;
		}
	}
	if (n == 0)
		return 0;
	bp = lb_xmalloc(n * sizeof(*bp));
	bl = lb_xmalloc(n * sizeof(*bl));
	if (ent_strings(h, eb, n, bp, bl)) {
		set_msg(err, errlen, "file names run past the data");
		goto out;
	}
	if (!old) {
		dp = lb_xmalloc((nd ? nd : 1) * sizeof(*dp));
		dlens = lb_xmalloc((nd ? nd : 1) * sizeof(*dlens));
		if (ent_strings(h, ed, nd, dp, dlens)) {
			set_msg(err, errlen, "directory names run past the data");
			goto out;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!old) {
			uint32_t di = rd_be32(idx + 4 * (size_t)i);

			if (di >= nd) {
				set_msg(err, errlen, "dirindex %u of %u directories", di, nd);
				goto out;
			}
			total += dlens[di];
		}
		total += (uint64_t)bl[i] + 1;
		if (total > LB_RPM_MAX_PATH_BYTES) {
			set_msg(err, errlen, "file paths of more than %u bytes",
				LB_RPM_MAX_PATH_BYTES);
			goto out;
		}
	}
	p->files = lb_arena_alloc(&p->mem, n * sizeof(*p->files));
	pool = lb_arena_alloc(&p->mem, (size_t)total);
	for (uint32_t i = 0; i < n; i++) {
		p->files[i] = pool;
		if (!old) {
			uint32_t di = rd_be32(idx + 4 * (size_t)i);

			memcpy(pool, dp[di], dlens[di]);
			pool += dlens[di];
		}
		memcpy(pool, bp[i], bl[i]);
		pool += bl[i];
		*pool++ = '\0';
	}
	p->nfiles = n;
	rc = 0;
out:
	free(bp);
	free(bl);
	free(dp);
	free(dlens);
	return rc;
}

static void pkg_init(struct lb_rpm_pkg *p)
{
	memset(p, 0, sizeof(*p));
	lb_arena_init(&p->mem);
}

void lb_rpm_pkg_release(struct lb_rpm_pkg *p)
{
	if (!p)
		return;
	lb_arena_release(&p->mem);
	pkg_init(p);
}

int lb_rpm_header_parse(const void *blob, size_t len, struct lb_rpm_pkg *out,
			char *err, size_t errlen)
{
	const unsigned char *b = blob;
	struct hdr h;
	uint32_t il, dl;
	const unsigned char *v;
	const struct entry *e;

	pkg_init(out);
	memset(&h, 0, sizeof(h));
	set_msg(err, errlen, "%s", "");
	if (!b || len < 8) {
		set_msg(err, errlen, "header of %zu bytes", len);
		return LB_ERR_INPUT;
	}
	il = rd_be32(b);
	dl = rd_be32(b + 4);
	if (il == 0 || il > HDR_MAX_TAGS) {
		set_msg(err, errlen, "header claims %u index entries", il);
		return LB_ERR_INPUT;
	}
	if (dl > HDR_MAX_DATA) {
		set_msg(err, errlen, "header claims %u data bytes", dl);
		return LB_ERR_INPUT;
	}
	if (8 + 16 * (uint64_t)il + dl > len) {
		set_msg(err, errlen, "header of %zu bytes claims %u entries and %u data bytes",
			len, il, dl);
		return LB_ERR_INPUT;
	}
	h.data = b + 8 + 16 * (size_t)il;
	h.dl = dl;
	/* A later entry wins: rpm lets entries added at install time (after
	 * the immutable region) replace the region's. */
	for (uint32_t i = 0; i < il; i++) {
		const unsigned char *ie = b + 8 + 16 * (size_t)i;
		uint32_t tag = rd_be32(ie);

		for (int w = 0; w < W_COUNT; w++) {
			if (want_tag[w] != tag)
				continue;
			h.have[w] = 1;
			h.ent[w].type = rd_be32(ie + 4);
			h.ent[w].offset = rd_be32(ie + 8);
			h.ent[w].count = rd_be32(ie + 12);
			break;
		}
	}

	if (get_str(out, &h, W_NAME, &out->name, err, errlen) ||
	    get_str(out, &h, W_VERSION, &out->version, err, errlen) ||
	    get_str(out, &h, W_RELEASE, &out->release, err, errlen) ||
	    get_str(out, &h, W_ARCH, &out->arch, err, errlen) ||
	    get_str(out, &h, W_LICENSE, &out->license, err, errlen) ||
	    get_str(out, &h, W_VENDOR, &out->vendor, err, errlen) ||
	    get_str(out, &h, W_SOURCERPM, &out->sourcerpm, err, errlen) ||
	    get_str(out, &h, W_SUMMARY, &out->summary, err, errlen))
		goto fail;
	if (!out->name) {
		set_msg(err, errlen, "header has no name");
		goto fail;
	}
	if (h.have[W_EPOCH]) {
		if (!(v = ent_fixed(&h, &h.ent[W_EPOCH], TYPE_INT32, 4))) {
			set_msg(err, errlen, "bad epoch entry");
			goto fail;
		}
		out->has_epoch = 1;
		out->epoch = rd_be32(v);
	}
	/* LONGSIZE exists for packages of 4 GiB and more. */
	e = &h.ent[W_LONGSIZE];
	if (h.have[W_LONGSIZE] && (v = ent_fixed(&h, e, TYPE_INT64, 8)))
		out->size = rd_be64(v);
	else if (h.have[W_SIZE] && (v = ent_fixed(&h, &h.ent[W_SIZE], TYPE_INT32, 4)))
		out->size = rd_be32(v);
	e = &h.ent[W_SIGMD5];
	if (h.have[W_SIGMD5] && e->count == 16 && (v = ent_fixed(&h, e, TYPE_BIN, 1)))
		lb_hex(out->sigmd5, v, 16);
	if (get_files(out, &h, err, errlen))
		goto fail;
	out->is_pubkey = strcmp(out->name, "gpg-pubkey") == 0;
	return 0;
fail:
	lb_rpm_pkg_release(out);
	return LB_ERR_INPUT;
}

/* ---- what every backend shares ---- */

struct reader {
	lb_rpm_pkg_cb cb;
	void *ctx;
	struct lb_rpmdb_stats *st;
	int stop;               /* the callback's nonzero value, once it gave one */
};

__attribute__((format(printf, 2, 3)))
static void skip(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->st->nskipped++ || !fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(r->st->first_skip, sizeof(r->st->first_skip), fmt, ap);
	va_end(ap);
}

/* Parses one blob and hands it over; returns nonzero when the read must stop. */
static int emit(struct reader *r, const void *blob, size_t len, uint32_t instance)
{
	struct lb_rpm_pkg pkg;
	char why[128];
	int rc = 0;

	if (lb_rpm_header_parse(blob, len, &pkg, why, sizeof(why))) {
		skip(r, "header %u: %s", instance, why);
		return 0;
	}
	pkg.instance = instance;
	r->st->npackages++;
	if (r->cb)
		rc = r->cb(r->ctx, &pkg);
	lb_rpm_pkg_release(&pkg);
	r->stop = rc;
	return rc;
}

/* ---- Berkeley DB hash ---- */

#define BDB_HASH_MAGIC  0x061561u
#define BDB_P_HASH_UNSORTED 2   /* hash pages before Berkeley DB 4.6 */
#define BDB_P_OVERFLOW  7
#define BDB_P_HASHMETA  8
#define BDB_P_HASH      13
#define BDB_H_KEYDATA   1
#define BDB_H_OFFPAGE   3
#define BDB_PAGE_HDR    26      /* lsn, pgno, prev, next, entries, hf_offset, level, type */
#define BDB_CHKSUM_HDR  32      /* ...plus 2 bytes of padding and a 4-byte checksum */
#define BDB_META_CHKSUM 0x01

struct bdb {
	const unsigned char *d;
	uint32_t pagesize;
	uint32_t npages;
	uint32_t hdr;           /* where a page's index (or overflow data) starts */
	int be;                 /* written on a big-endian machine */
	unsigned char *used;    /* overflow pages already read: one bit each */
};

static uint32_t bdb32(const struct bdb *b, const unsigned char *p)
{
	return b->be ? rd_be32(p) : rd_le32(p);
}

static uint16_t bdb16(const struct bdb *b, const unsigned char *p)
{
	return b->be ? rd_be16(p) : rd_le16(p);
}

/*
 * Reads a value of tlen bytes stored on a chain of overflow pages.  Every
 * page may be read once in the whole database (the bitmap), so the chains
 * of all values together cost at most one pass over the file, and a chain
 * that loops or two values that share pages fail here.
 */
static unsigned char *bdb_overflow(struct bdb *b, uint32_t pgno, uint32_t tlen,
				   char *why, size_t whylen)
{
	unsigned char *buf;
	size_t got = 0;

	if (tlen == 0 || tlen > HDR_MAX_BLOB ||
	    tlen > (uint64_t)b->npages * (b->pagesize - b->hdr)) {
		set_msg(why, whylen, "overflow value of %u bytes", tlen);
		return NULL;
	}
	buf = lb_xmalloc(tlen);
	while (got < tlen) {
		const unsigned char *pg;
		uint32_t n;

		if (pgno == 0 || pgno >= b->npages) {
			set_msg(why, whylen, "overflow chain leads to page %u of %u", pgno,
				b->npages);
			goto fail;
		}
		if (b->used[pgno / 8] & (1u << (pgno % 8))) {
			set_msg(why, whylen, "overflow page %u read twice", pgno);
			goto fail;
		}
		b->used[pgno / 8] |= (unsigned char)(1u << (pgno % 8));
		pg = b->d + (size_t)pgno * b->pagesize;
		n = bdb16(b, pg + 22);  /* hf_offset: the bytes this page holds */
		if (pg[25] != BDB_P_OVERFLOW || bdb32(b, pg + 8) != pgno ||
		    n == 0 || n > b->pagesize - b->hdr || n > tlen - got) {
			set_msg(why, whylen, "bad overflow page %u", pgno);
			goto fail;
		}
		memcpy(buf + got, pg + b->hdr, n);
		got += n;
		pgno = bdb32(b, pg + 16);
	}
	return buf;
fail:
	free(buf);
	return NULL;
}

/* One key/data pair: rpm's key is the 4-byte header instance, its value
 * the header; key 0 holds the next free instance, not a header. */
static int bdb_pair(struct reader *r, struct bdb *b, uint32_t pgno,
		    const unsigned char *key, size_t klen,
		    const unsigned char *val, size_t vlen)
{
	uint32_t instance = 0;
	char why[96];
	unsigned char *buf;
	int rc;

	if (key[0] == BDB_H_KEYDATA && klen == 5) {
		instance = bdb32(b, key + 1);
		if (instance == 0)
			return 0;
	}
	switch (val[0]) {
	case BDB_H_KEYDATA:
		return emit(r, val + 1, vlen - 1, instance);
	case BDB_H_OFFPAGE:
		if (vlen < 12) {
			skip(r, "bdb page %u: short off-page item", pgno);
			return 0;
		}
		buf = bdb_overflow(b, bdb32(b, val + 4), bdb32(b, val + 8), why, sizeof(why));
		if (!buf) {
			skip(r, "bdb page %u: %s", pgno, why);
			return 0;
		}
		rc = emit(r, buf, bdb32(b, val + 8), instance);
		free(buf);
		return rc;
	default:
		skip(r, "bdb page %u: value of item type %u", pgno, val[0]);
		return 0;
	}
}

/*
 * A hash page holds an index of item offsets after its header; items are
 * packed from the end of the page down, so item i spans [inp[i], inp[i-1])
 * (the page end for i = 0).  Offsets must decrease strictly, which also
 * keeps items from overlapping: a page costs at most its size.
 */
static int bdb_hash_page(struct reader *r, struct bdb *b, uint32_t pgno)
{
	const unsigned char *pg = b->d + (size_t)pgno * b->pagesize;
	uint32_t n = bdb16(b, pg + 20);
	uint32_t lo = b->hdr + 2 * n, end = b->pagesize;

	if (lo > b->pagesize) {
		skip(r, "bdb page %u: %u entries do not fit", pgno, n);
		return 0;
	}
	for (uint32_t i = 0; i + 1 < n; i += 2) {
		uint32_t koff = bdb16(b, pg + b->hdr + 2 * i);
		uint32_t voff = bdb16(b, pg + b->hdr + 2 * i + 2);

		if (koff >= end || voff >= koff || voff < lo) {
			skip(r, "bdb page %u: item %u out of place", pgno, i);
			return 0;
		}
		if (bdb_pair(r, b, pgno, pg + koff, end - koff, pg + voff, koff - voff))
			return r->stop;
		end = voff;
	}
	return 0;
}

static int bdb_read(struct reader *r, const unsigned char *d, size_t len,
		    char *err, size_t errlen)
{
	struct bdb b = { .d = d };
	uint32_t last;
	int rc = 0;

	if (len < 512) {
		set_msg(err, errlen, "not a berkeley db file: %zu bytes", len);
		return LB_ERR_INPUT;
	}
	if (rd_le32(d + 12) == BDB_HASH_MAGIC) {
		b.be = 0;
	} else if (rd_be32(d + 12) == BDB_HASH_MAGIC) {
		b.be = 1;
	} else {
		set_msg(err, errlen, "not a berkeley db hash database");
		return LB_ERR_INPUT;
	}
	b.pagesize = bdb32(&b, d + 20);
	if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1))) {
		set_msg(err, errlen, "bad berkeley db page size %u", b.pagesize);
		return LB_ERR_INPUT;
	}
	if (d[25] != BDB_P_HASHMETA) {
		set_msg(err, errlen, "berkeley db metadata page of type %u, not hash", d[25]);
		return LB_ERR_INPUT;
	}
	if (d[24] != 0) {
		set_msg(err, errlen, "encrypted berkeley db");
		return LB_ERR_INPUT;
	}
	b.hdr = (d[26] & BDB_META_CHKSUM) ? BDB_CHKSUM_HDR : BDB_PAGE_HDR;
	last = bdb32(&b, d + 32);
	if ((uint64_t)last + 1 > len / b.pagesize) {
		set_msg(err, errlen, "truncated berkeley db: %llu pages of %u bytes in %zu bytes",
			(unsigned long long)last + 1, b.pagesize, len);
		return LB_ERR_INPUT;
	}
	b.npages = last + 1;
	b.used = lb_xcalloc(b.npages / 8 + 1, 1);
	/* Every hash page in file order rather than bucket by bucket: a walk of
	 * the bucket chains could loop, this one cannot, and the pages free
	 * lists hold are typed P_INVALID, so no stale page is read. */
	for (uint32_t pgno = 1; pgno < b.npages && !rc; pgno++) {
		unsigned type = d[(size_t)pgno * b.pagesize + 25];

		if (type == BDB_P_HASH || type == BDB_P_HASH_UNSORTED)
			rc = bdb_hash_page(r, &b, pgno);
	}
	free(b.used);
	return rc;
}

/* ---- NDB ---- */

#define NDB_MAGIC       0x506d7052u     /* "RpmP", little-endian like every field */
#define NDB_SLOT_MAGIC  0x746f6c53u     /* "Slot" */
#define NDB_BLOB_MAGIC  0x53626c42u     /* "BlbS" */
#define NDB_TAIL_MAGIC  0x45626c42u     /* "BlbE" */
#define NDB_PAGE        4096
#define NDB_HDR         32      /* the file header, inside the first slot page */
#define NDB_SLOT        16      /* magic, pkgidx, blkoff, blkcnt */
#define NDB_BLK         16      /* blobs are counted in blocks */
#define NDB_BLOBHEAD    16      /* magic, pkgidx, generation, length */
#define NDB_BLOBTAIL    12      /* adler32, length, magic */

struct ndb_slot {
	uint32_t pkgidx, blkoff, blkcnt;
	int ok;
};

static uint32_t adler32(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	while (n) {
		/* 5552 bytes is the most that cannot overflow b before the modulo. */
		size_t k = n < 5552 ? n : 5552;

		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static int cmp_blkoff(const void *x, const void *y)
{
	const struct ndb_slot *a = x, *b = y;

	return (a->blkoff > b->blkoff) - (a->blkoff < b->blkoff);
}

static int cmp_pkgidx(const void *x, const void *y)
{
	const struct ndb_slot *a = x, *b = y;

	return (a->pkgidx > b->pkgidx) - (a->pkgidx < b->pkgidx);
}

/* Checks a slot's blob (head, length, tail, checksum); returns its data or NULL. */
static const unsigned char *ndb_blob(const unsigned char *d, size_t len,
				     const struct ndb_slot *s, uint32_t *bloblen,
				     char *why, size_t whylen)
{
	uint64_t start = (uint64_t)s->blkoff * NDB_BLK;
	uint64_t size = (uint64_t)s->blkcnt * NDB_BLK;
	const unsigned char *h, *t;
	uint32_t bl;

	if (size < NDB_BLOBHEAD + NDB_BLOBTAIL || start + size > len) {
		set_msg(why, whylen, "blob of %u blocks at block %u past the end", s->blkcnt,
			s->blkoff);
		return NULL;
	}
	h = d + start;
	t = h + size - NDB_BLOBTAIL;
	bl = rd_le32(h + 12);
	if (rd_le32(h) != NDB_BLOB_MAGIC || rd_le32(h + 4) != s->pkgidx) {
		set_msg(why, whylen, "bad blob head");
		return NULL;
	}
	if ((uint64_t)bl + NDB_BLOBHEAD + NDB_BLOBTAIL + NDB_BLK - 1 < size ||
	    (uint64_t)bl + NDB_BLOBHEAD + NDB_BLOBTAIL > size) {
		set_msg(why, whylen, "blob of %u bytes in %u blocks", bl, s->blkcnt);
		return NULL;
	}
	if (rd_le32(t + 8) != NDB_TAIL_MAGIC || rd_le32(t + 4) != bl) {
		set_msg(why, whylen, "bad blob tail");
		return NULL;
	}
	if (adler32(h, size - NDB_BLOBTAIL) != rd_le32(t)) {
		set_msg(why, whylen, "blob checksum mismatch");
		return NULL;
	}
	*bloblen = bl;
	return h + NDB_BLOBHEAD;
}

static int ndb_read(struct reader *r, const unsigned char *d, size_t len,
		    char *err, size_t errlen)
{
	struct ndb_slot *slots;
	uint32_t npages, nslots, used = 0;
	uint64_t next;          /* the first block no accepted blob covers */
	char why[96];
	int rc = 0;

	if (len < NDB_HDR || rd_le32(d) != NDB_MAGIC) {
		set_msg(err, errlen, "not an ndb database");
		return LB_ERR_INPUT;
	}
	if (rd_le32(d + 4) != 0) {
		set_msg(err, errlen, "unsupported ndb version %u", rd_le32(d + 4));
		return LB_ERR_INPUT;
	}
	npages = rd_le32(d + 12);
	if (npages == 0 || npages > len / NDB_PAGE) {
		set_msg(err, errlen, "truncated ndb database: %u slot pages in %zu bytes",
			npages, len);
		return LB_ERR_INPUT;
	}
	nslots = (uint32_t)(((uint64_t)npages * NDB_PAGE - NDB_HDR) / NDB_SLOT);
	for (uint32_t i = 0; i < nslots; i++) {
		const unsigned char *s = d + NDB_HDR + (size_t)i * NDB_SLOT;

		if (rd_le32(s) == NDB_SLOT_MAGIC && rd_le32(s + 4) != 0)
			used++;
	}
	slots = lb_xcalloc(used ? used : 1, sizeof(*slots));
	used = 0;
	for (uint32_t i = 0; i < nslots; i++) {
		const unsigned char *s = d + NDB_HDR + (size_t)i * NDB_SLOT;

		if (rd_le32(s) != NDB_SLOT_MAGIC) {
			skip(r, "ndb slot %u: bad magic", i);
			continue;
		}
		if (rd_le32(s + 4) == 0)
			continue;       /* a free slot */
		slots[used].pkgidx = rd_le32(s + 4);
		slots[used].blkoff = rd_le32(s + 8);
		slots[used].blkcnt = rd_le32(s + 12);
		used++;
	}
	/* Blobs in file order, so that overlapping ones are found in one pass:
	 * rpm never overlaps them, and refusing it keeps the checksum work
	 * (and so the time) within one pass over the file. */
	qsort(slots, used, sizeof(*slots), cmp_blkoff);
	next = (uint64_t)npages * NDB_PAGE / NDB_BLK;
	for (uint32_t i = 0; i < used; i++) {
		struct ndb_slot *s = &slots[i];
		uint32_t bl;

		if (s->blkoff < next) {
			skip(r, "ndb package %u: blob overlaps another", s->pkgidx);
			continue;
		}
		if (!ndb_blob(d, len, s, &bl, why, sizeof(why))) {
			skip(r, "ndb package %u: %s", s->pkgidx, why);
			continue;
		}
		s->ok = 1;
		next = (uint64_t)s->blkoff + s->blkcnt;
	}
	qsort(slots, used, sizeof(*slots), cmp_pkgidx);
	for (uint32_t i = 0; i < used && !rc; i++) {
		const struct ndb_slot *s = &slots[i];
		uint32_t bl;
		const unsigned char *blob;

		if (!s->ok)
			continue;
		if (i && slots[i - 1].pkgidx == s->pkgidx) {
			skip(r, "ndb package %u: in two slots", s->pkgidx);
			continue;
		}
		blob = d + (size_t)s->blkoff * NDB_BLK + NDB_BLOBHEAD;
		bl = rd_le32(blob - 4);
		rc = emit(r, blob, bl, s->pkgidx);
	}
	free(slots);
	return rc;
}

/* ---- SQLite ---- */

struct sq_budget {
	uint64_t left;          /* progress callbacks still allowed */
};

static int sq_progress(void *p)
{
	struct sq_budget *b = p;

	if (b->left == 0)
		return 1;       /* interrupts the statement */
	b->left--;
	return 0;
}

static int sq_fail(sqlite3 *db, char *err, size_t errlen, const char *what)
{
	set_msg(err, errlen, "sqlite %s: %s", what,
		db ? sqlite3_errmsg(db) : "out of memory");
	return LB_ERR_INPUT;
}

/* Checks that Packages is an ordinary table whose blob and hnum columns
 * are stored, not computed: a hostile schema could otherwise make every
 * row cost a large computed value. */
static int sq_check_schema(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *sql;
	int found = 0, rc;

	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master"
			       " WHERE type = 'table' AND name = 'Packages'", -1, &st, NULL))
		return sq_fail(db, err, errlen, "schema");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE) {
			set_msg(err, errlen, "sqlite: no 'Packages' table");
			return LB_ERR_INPUT;
		}
		return sq_fail(db, err, errlen, "schema");
	}
	sql = sqlite3_column_text(st, 0);
	if (!sql || strncasecmp((const char *)sql, "CREATE TABLE", 12) != 0) {
		sqlite3_finalize(st);
		set_msg(err, errlen, "sqlite: 'Packages' is not a plain table");
		return LB_ERR_INPUT;
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, "PRAGMA table_xinfo('Packages')", -1, &st, NULL))
		return sq_fail(db, err, errlen, "schema");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 1);

		if (!name || (strcmp((const char *)name, "blob") &&
			      strcmp((const char *)name, "hnum")))
			continue;
		if (sqlite3_column_int(st, 6) != 0) {
			set_msg(err, errlen, "sqlite: computed column '%s'",
				name);
			sqlite3_finalize(st);   /* frees name */
			return LB_ERR_INPUT;
		}
		found++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_fail(db, err, errlen, "schema");
	if (found != 2) {
		set_msg(err, errlen, "sqlite: 'Packages' has no hnum and blob columns");
		return LB_ERR_INPUT;
	}
	return 0;
}

static int sqlite_read(struct reader *r, const unsigned char *d, size_t len,
		       char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy = NULL;
	struct sq_budget budget;
	int rc, ret = 0;

	if (len < 100 || memcmp(d, "SQLite format 3", 16) != 0) {
		set_msg(err, errlen, "not an sqlite database");
		return LB_ERR_INPUT;
	}
	/* sqlite3_deserialize() wants a writable buffer even read-only, and
	 * we must patch it: rpm keeps its database in WAL mode (header bytes
	 * 18 and 19, the write and read format versions, are 2), and WAL needs
	 * shared memory that the in-memory VFS does not have, so such a database
	 * fails with "unable to open database file".  Version 1 (rollback
	 * journal) reads the same pages.  Pages only in a -wal file are not
	 * seen: rpm checkpoints when it closes the database. */
	copy = lb_xmalloc(len);
	memcpy(copy, d, len);
	if (copy[18] == 2)
		copy[18] = 1;
	if (copy[19] == 2)
		copy[19] = 1;

	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		ret = sq_fail(db, err, errlen, "open");
		goto out;
	}
	/* The file is hostile: no writable schema tricks, no schema-defined
	 * functions or views or triggers, no blob bigger than the file, and a
	 * budget of virtual machine steps (a corrupt database costs time in
	 * proportion to its size, not more). */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
#endif
#ifdef SQLITE_DBCONFIG_ENABLE_VIEW
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
#endif
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH,
		      (int)(len < HDR_MAX_BLOB ? (len > 1000 ? len : 1000) : HDR_MAX_BLOB));
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1 << 20);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	budget.left = 100000 + len / 8;        /* callbacks, one per 100 steps */
	sqlite3_progress_handler(db, 100, sq_progress, &budget);

	if (sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
		ret = sq_fail(db, err, errlen, "deserialize");
		goto out;
	}
	if (sqlite3_exec(db, "PRAGMA cell_size_check = ON; PRAGMA temp_store = MEMORY;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		ret = sq_fail(db, err, errlen, "setup");
		goto out;
	}
	if ((ret = sq_check_schema(db, err, errlen)))
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL)) {
		ret = sq_fail(db, err, errlen, "query");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 hnum = sqlite3_column_int64(st, 0);
		uint32_t instance = hnum > 0 && hnum <= UINT32_MAX ? (uint32_t)hnum : 0;
		const void *blob;
		int n;

		if (sqlite3_column_type(st, 1) != SQLITE_BLOB) {
			skip(r, "sqlite package %lld: not a blob", (long long)hnum);
			continue;
		}
		blob = sqlite3_column_blob(st, 1);
		n = sqlite3_column_bytes(st, 1);
		if (emit(r, blob, n > 0 ? (size_t)n : 0, instance)) {
			ret = r->stop;
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_INTERRUPT)
			set_msg(err, errlen, "sqlite query: over its step budget");
		else
			sq_fail(db, err, errlen, "query");
		ret = LB_ERR_INPUT;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);      /* before the buffer it reads goes */
	free(copy);
	return ret;
}

/* ---- entry points ---- */

int lb_rpmdb_detect(const void *data, size_t len, enum lb_rpmdb_kind *kind)
{
	const unsigned char *d = data;

	if (!d)
		return -1;
	if (len >= 16 && memcmp(d, "SQLite format 3", 16) == 0)
		*kind = LB_RPMDB_SQLITE;
	else if (len >= NDB_HDR && rd_le32(d) == NDB_MAGIC)
		*kind = LB_RPMDB_NDB;
	else if (len >= 512 && (rd_le32(d + 12) == BDB_HASH_MAGIC ||
				rd_be32(d + 12) == BDB_HASH_MAGIC))
		*kind = LB_RPMDB_BDB;
	else
		return -1;
	return 0;
}

int lb_rpmdb_read(enum lb_rpmdb_kind kind, const void *data, size_t len,
		  lb_rpm_pkg_cb cb, void *ctx, struct lb_rpmdb_stats *stats,
		  char *err, size_t errlen)
{
	struct lb_rpmdb_stats local;
	struct reader r = { .cb = cb, .ctx = ctx, .st = stats ? stats : &local };

	memset(r.st, 0, sizeof(*r.st));
	set_msg(err, errlen, "%s", "");
	if (!data)
		len = 0;
	switch (kind) {
	case LB_RPMDB_BDB:
		return bdb_read(&r, data ? data : "", len, err, errlen);
	case LB_RPMDB_NDB:
		return ndb_read(&r, data ? data : "", len, err, errlen);
	case LB_RPMDB_SQLITE:
		return sqlite_read(&r, data ? data : "", len, err, errlen);
	}
	set_msg(err, errlen, "unknown rpm database kind %d", (int)kind);
	return LB_ERR_INPUT;
}
