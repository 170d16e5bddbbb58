/* SPDX-License-Identifier: Apache-2.0 */
#include "cache.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <magic.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lb_config.h"
#include "license_db.h"
#include "walk.h"

/*
 * The record format.  Bump CACHE_FORMAT whenever the payload layout or the
 * meaning of a field changes: it is part of the key, so old records are
 * simply never found again.  CACHE_SCHEMA is the table layout
 * (PRAGMA user_version); CACHE_APP_ID marks the file as ours
 * (PRAGMA application_id, "LBc1").
 */
#define CACHE_FORMAT 3u
#define CACHE_SCHEMA 1
#define CACHE_APP_ID 0x4c426331  /* 1279419185 */
#define CACHE_BUSY_MS 15000
#define PAYLOAD_MAGIC "LBLC"

/* A payload, all integers little-endian:
 *
 *   "LBLC" u32 format
 *   u8 has_digest, 32 bytes digest, 32 bytes diff ID
 *   u64 stored size, u64 decoded size, str compression
 *   u32 nentries, then per entry:
 *     u8 type, u8 flags, u32 mode, u64 size, u32 detectors,
 *     str path, nstr link target, nstr magic,
 *     [32 bytes sha256 when flags has LB_EF_HASHED]
 *     [20 bytes sha1 when flags has LB_EF_SHA1]
 *     u8 data kind: 0 none; 1 inline: u64 len, bytes; 2 shared: u32 index
 *       of an earlier entry whose data this is (a hard link); 3 inline with
 *       streaming detectors' summaries (LB_EF_STREAMED): u64 len, bytes,
 *       u32 summaries' len, their bytes (layer.h)
 *   u32 nwhiteouts, then per whiteout: u8 opaque, str path
 *
 * str is u32 length and bytes (no NUL); nstr is the same with length
 * 0xffffffff for NULL.
 */
#define NSTR_NULL 0xffffffffu
#define ENTRY_MIN_BYTES (1 + 1 + 4 + 8 + 4 + 4 + 4 + 4 + 1)
#define WHITEOUT_MIN_BYTES (1 + 4)
#define MAX_MAGIC_LEN 255
#define MAX_COMPRESSION_LEN 16

struct lb_cache {
	char *path;                 /* the database file, for messages */
	sqlite3 *db;
	sqlite3_stmt *get, *put;
	pthread_mutex_t lock;       /* one statement at a time on db */
	int off;                    /* a database error stopped the cache */
	unsigned char build_id[64];
	size_t build_id_len;
};

/* ---- the build ID of the code that analyses layers ---- */

/* Something at an address of this object (ISO C has no function pointer
 * to object pointer conversion). */
static const char build_id_anchor = 1;

struct build_id_search {
	const void *addr;           /* an address inside this object */
	unsigned char *out;
	size_t *outlen;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct build_id_search *b = arg;
	uintptr_t a = (uintptr_t)b->addr;
	int mine = 0;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && a >= lo && a - lo < ph->p_memsz)
			mine = 1;
	}
	if (!mine)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		size_t n = ph->p_memsz, off = 0, align = ph->p_align == 8 ? 8 : 4;

		if (ph->p_type != PT_NOTE)
			continue;
		while (n - off >= sizeof(ElfW(Nhdr))) {
			ElfW(Nhdr) nh;
			size_t name_at = off + sizeof(nh), desc_at, next;

			memcpy(&nh, p + off, sizeof(nh));
			desc_at = name_at + ((nh.n_namesz + align - 1) & ~(align - 1));
			next = desc_at + ((nh.n_descsz + align - 1) & ~(align - 1));
			if (desc_at > n || next > n || next <= off)
				break;
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp(p + name_at, "GNU", 4) == 0 && nh.n_descsz <= 64) {
				memcpy(b->out, p + desc_at, nh.n_descsz);
				*b->outlen = nh.n_descsz;
				return 1;
			}
			off = next;
		}
	}
	return 1;
}

/* ---- writing a payload ---- */

/* Two passes: the first (p NULL) only counts, the second writes into a
 * buffer of exactly that size, so a large layer costs its record once. */
struct wr {
	unsigned char *p;
	size_t len, max;
	int over;
};

static void put(struct wr *w, const void *p, size_t n)
{
	if (w->over || n > w->max - w->len) {
		w->over = 1;
		return;
	}
	if (w->p && n)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void put_u8(struct wr *w, unsigned v)
{
	unsigned char c = (unsigned char)v;

	put(w, &c, 1);
}

static void put_u32(struct wr *w, uint32_t v)
{
	unsigned char b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	put(w, b, 4);
}

static void put_u64(struct wr *w, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	put(w, b, 8);
}

static void put_nstr(struct wr *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!s) {
		put_u32(w, NSTR_NULL);
		return;
	}
	if (n >= NSTR_NULL) {
		w->over = 1;
		return;
	}
	put_u32(w, (uint32_t)n);
	put(w, s, n);
}

/* 32 raw bytes from "sha256:<hex>"; -1 when s is not one. */
static int digest_raw(const char *s, unsigned char out[32])
{
	if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
		return -1;
	return lb_unhex(out, s + 7, 32);
}

static void encode(const struct lb_layer *l, struct wr *w_)
{
	struct wr w = *w_;
	unsigned char dg[32], di[32];
	int has_dg = digest_raw(l->digest, dg) == 0;

	if (!has_dg)
		memset(dg, 0, 32);
	if (digest_raw(l->diff_id, di) < 0)
		w.over = 1;
	put(&w, PAYLOAD_MAGIC, 4);
	put_u32(&w, CACHE_FORMAT);
	put_u8(&w, has_dg);
	put(&w, dg, 32);
	put(&w, di, 32);
	put_u64(&w, l->stored_size);
	put_u64(&w, l->size);
	put_nstr(&w, l->compression ? l->compression : "none");
	put_u32(&w, (uint32_t)l->nentries);
	for (size_t i = 0; i < l->nentries && !w.over; i++) {
		const struct lb_entry *e = &l->entries[i];

		put_u8(&w, e->type);
		put_u8(&w, e->flags);
		put_u32(&w, e->mode);
		put_u64(&w, e->size);
		put_u32(&w, e->detectors);
		put_nstr(&w, e->path);
		put_nstr(&w, e->link_target);
		put_nstr(&w, e->magic);
		if (e->magic && strlen(e->magic) > MAX_MAGIC_LEN)
			w.over = 1;          /* the reader would refuse it */
		if (e->flags & LB_EF_HASHED)
			put(&w, e->sha256, 32);
		if (e->flags & LB_EF_SHA1)
			put(&w, e->sha1, 20);
		if (!e->data) {
			put_u8(&w, 0);
			continue;
		}
		/* A hard link shares its target's data: keep it shared. */
		if ((e->flags & LB_EF_HARDLINK) && e->link_target) {
			uint32_t *k = lb_hashmap_get((struct lb_hashmap *)&l->by_path, e->link_target,
						     strlen(e->link_target));

			if (k && *k < i && l->entries[*k].data == e->data &&
			    l->entries[*k].data_len == e->data_len) {
				put_u8(&w, 2);
				put_u32(&w, *k);
				continue;
			}
		}
		put_u8(&w, e->flags & LB_EF_STREAMED ? 3 : 1);
		put_u64(&w, e->data_len);
		put(&w, e->data, e->data_len);
		if (e->flags & LB_EF_STREAMED) {
			uint32_t sl = (uint32_t)e->data[e->data_len] | (uint32_t)e->data[e->data_len + 1] << 8 |
				      (uint32_t)e->data[e->data_len + 2] << 16 |
				      (uint32_t)e->data[e->data_len + 3] << 24;

			put_u32(&w, sl);
			put(&w, e->data + e->data_len + 4, sl);
		}
	}
	put_u32(&w, (uint32_t)l->nwhiteouts);
	for (size_t i = 0; i < l->nwhiteouts && !w.over; i++) {
		put_u8(&w, l->whiteouts[i].opaque ? 1 : 0);
		put_nstr(&w, l->whiteouts[i].path);
	}
	*w_ = w;
}

int lb_cache_encode(const struct lb_layer *l, size_t max, unsigned char **out, size_t *outlen)
{
	struct wr w = { .max = max };

	*out = NULL;
	*outlen = 0;
	if (l->nentries > LB_MAX_ENTRIES_PER_LAYER || l->nwhiteouts > UINT32_MAX)
		return -1;
	encode(l, &w);
	if (w.over)
		return -1;
	w.p = lb_xmalloc(w.len ? w.len : 1);
	w.max = w.len;
	w.len = 0;
	encode(l, &w);
	if (w.over)
		BUG("cache record changed size between passes");
	*out = w.p;
	*outlen = w.len;
	return 0;
}

/* ---- reading a payload: every byte is untrusted ---- */

struct rd {
	const unsigned char *p;
	size_t n, pos;
	const char *why;            /* the first problem, or NULL */
};

static int bad(struct rd *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return -1;
}

static const unsigned char *take(struct rd *r, size_t n)
{
	const unsigned char *q;

	if (r->why || n > r->n - r->pos) {
		bad(r, "truncated");
		return NULL;
	}
	q = r->p + r->pos;
	r->pos += n;
	return q;
}

static unsigned get_u8(struct rd *r)
{
	const unsigned char *q = take(r, 1);

	return q ? q[0] : 0;
}

static uint32_t get_u32(struct rd *r)
{
	const unsigned char *q = take(r, 4);
	uint32_t v = 0;

	for (int i = 0; q && i < 4; i++)
		v |= (uint32_t)q[i] << (8 * i);
	return v;
}

static uint64_t get_u64(struct rd *r)
{
	const unsigned char *q = take(r, 8);
	uint64_t v = 0;

	for (int i = 0; q && i < 8; i++)
		v |= (uint64_t)q[i] << (8 * i);
	return v;
}

/* A string into the arena (NUL-terminated); *isnull for an nstr's NULL.
 * Embedded NULs are refused: these become C strings. */
static char *get_str(struct rd *r, struct lb_arena *a, size_t maxlen, int nullable, size_t *len)
{
	uint32_t n = get_u32(r);
	const unsigned char *q;

	*len = 0;
	if (r->why)
		return NULL;
	if (n == NSTR_NULL) {
		if (!nullable)
			bad(r, "missing string");
		return NULL;
	}
	if (n > maxlen) {
		bad(r, "string too long");
		return NULL;
	}
	q = take(r, n);
	if (!q)
		return NULL;
	if (memchr(q, '\0', n)) {
		bad(r, "NUL in a string");
		return NULL;
	}
	*len = n;
	return lb_arena_strndup(a, (const char *)q, n);
}

/* What lb_path_normalize() produces for a non-root path. */
static int path_ok(const char *s, size_t n)
{
	if (n < 2 || n > LB_MAX_PATH || s[0] != '/' || s[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (s[i] != '/')
			continue;
		for (k = i + 1; k < n && s[k] != '/'; k++)
			;
		if (k == i + 1 || (k == i + 2 && s[i + 1] == '.') ||
		    (k == i + 3 && s[i + 1] == '.' && s[i + 2] == '.'))
			return 0;
	}
	return 1;
}

static void clear_table(struct lb_layer *l)
{
	free(l->entries);
	free(l->whiteouts);
	free(l->digest);
	free(l->diff_id);
	free(l->compression);
	l->entries = NULL;
	l->whiteouts = NULL;
	l->digest = l->diff_id = l->compression = NULL;
	l->nentries = l->cap = l->nwhiteouts = l->wcap = 0;
	l->stored_size = l->size = l->retained = 0;
	lb_hashmap_release(&l->by_path);
	lb_hashmap_init(&l->by_path);
	lb_arena_release(&l->arena);
	lb_arena_init(&l->arena);
}

static char *digest_str(const unsigned char d[32])
{
	char hex[65];

	lb_hex(hex, d, 32);
	return lb_xasprintf("sha256:%s", hex);
}

static int decode_entry(struct rd *r, struct lb_layer *l, size_t i, const struct lb_walk_opts *o)
{
	struct lb_entry *e = &l->entries[i];
	uint32_t mask = o->ndetectors >= 32 ? UINT32_MAX : ((uint32_t)1 << o->ndetectors) - 1;
	size_t plen, tlen, mlen, cap = 0;
	unsigned kind;
	int found;

	e->layer = (uint16_t)l->index;
	e->type = (uint8_t)get_u8(r);
	e->flags = (uint8_t)get_u8(r);
	e->mode = get_u32(r);
	e->size = get_u64(r);
	e->detectors = get_u32(r);
	e->path = get_str(r, &l->arena, LB_MAX_PATH, 0, &plen);
	e->link_target = get_str(r, &l->arena, r->n, 1, &tlen);
	e->magic = get_str(r, &l->arena, MAX_MAGIC_LEN, 1, &mlen);
	if (r->why)
		return -1;
	if (e->type > LB_FT_FIFO)
		return bad(r, "bad file type");
	if (e->flags & ~(LB_EF_HASHED | LB_EF_SHA1 | LB_EF_HARDLINK | LB_EF_TRUNCATED | LB_EF_STREAMED))
		return bad(r, "bad entry flags");
	if (e->mode & ~07777u)
		return bad(r, "bad mode");
	if (e->detectors & ~mask)
		return bad(r, "bad detector set");
	if (!path_ok(e->path, plen))
		return bad(r, "path not normalised");
	if (e->flags & LB_EF_HARDLINK) {
		if (e->type != LB_FT_FILE || !e->link_target || !path_ok(e->link_target, tlen))
			return bad(r, "bad hard link");
	} else if (e->type == LB_FT_SYMLINK) {
		if (!e->link_target)
			return bad(r, "symbolic link without a target");
	} else if (e->link_target) {
		return bad(r, "link target on an entry that is no link");
	}
	if ((e->flags & LB_EF_HASHED) && e->type != LB_FT_FILE)
		return bad(r, "digests on an entry that is no file");
	if ((e->flags & LB_EF_SHA1) && !(e->flags & LB_EF_HASHED))
		return bad(r, "a SHA-1 without a SHA-256");
	if (e->detectors && !(e->flags & LB_EF_SHA1))
		return bad(r, "detector data for a file that was not read");
	if (e->flags & LB_EF_HASHED) {
		int with_sha1 = !!(e->flags & LB_EF_SHA1);
		const unsigned char *q = take(r, with_sha1 ? 32 + 20 : 32);

		if (!q)
			return -1;
		lb_entry_set_digests(l, e, q, with_sha1 ? q + 32 : NULL);
	}
	for (size_t d = 0; d < o->ndetectors && d < 32; d++)
		if ((e->detectors & ((uint32_t)1 << d)) && o->detectors[d]->max_size > cap)
			cap = o->detectors[d]->max_size;
	kind = get_u8(r);
	if ((kind == 3) != !!(e->flags & LB_EF_STREAMED) && kind != 2)
		return bad(r, "bad streamed data");
	if (kind == 1 || kind == 3) {
		uint64_t n = get_u64(r), sn = 0;
		const unsigned char *q, *sq = NULL;
		unsigned char *p;

		if (r->why)
			return -1;
		if (!e->detectors || n > cap || n > o->max_retained - l->retained)
			return bad(r, "bad retained data");
		q = take(r, (size_t)n);
		if (!q)
			return -1;
		if (kind == 3) {
			sn = get_u32(r);
			if (r->why)
				return -1;
			if (sn > (uint64_t)o->ndetectors * (LB_STREAM_SUMMARY_MAX + 5) ||
			    n + 4 + sn > o->max_retained - l->retained)
				return bad(r, "bad streamed data");
			sq = take(r, (size_t)sn);
			if (!sq)
				return -1;
		}
		p = lb_arena_alloc(&l->arena, (size_t)(n + (kind == 3 ? 4 + sn : 0)) + 1);
		memcpy(p, q, (size_t)n);
		if (kind == 3) {
			p[n] = (unsigned char)sn;
			p[n + 1] = (unsigned char)(sn >> 8);
			p[n + 2] = (unsigned char)(sn >> 16);
			p[n + 3] = (unsigned char)(sn >> 24);
			memcpy(p + n + 4, sq, (size_t)sn);
			l->retained += 4 + sn;
		}
		e->data = p;
		e->data_len = (size_t)n;
		l->retained += n;
	} else if (kind == 2) {
		uint32_t k = get_u32(r);

		if (r->why)
			return -1;
		if (k >= i || !l->entries[k].data || !e->detectors || !(e->flags & LB_EF_HARDLINK) ||
		    l->entries[k].data_len > cap ||
		    (e->flags & LB_EF_STREAMED) != (l->entries[k].flags & LB_EF_STREAMED))
			return bad(r, "bad shared data");
		e->data = l->entries[k].data;
		e->data_len = l->entries[k].data_len;
	} else if (kind != 0) {
		return bad(r, "bad data kind");
	}
	lb_hashmap_put(&l->by_path, e->path, plen, (uint32_t)i, &found);
	if (found)
		return bad(r, "path listed twice");
	return r->why ? -1 : 0;
}

int lb_cache_decode(const unsigned char *p, size_t n, struct lb_layer *l,
		    const struct lb_walk_opts *o, char *why, size_t whycap)
{
	struct rd r = { .p = p, .n = n };
	const unsigned char *q, *dg, *di;
	unsigned has_dg;
	uint32_t ne, nw;
	size_t len;

	q = take(&r, 4);
	if (!q || memcmp(q, PAYLOAD_MAGIC, 4) != 0 || get_u32(&r) != CACHE_FORMAT) {
		bad(&r, "not a layer record of this format");
		goto fail;
	}
	has_dg = get_u8(&r);
	dg = take(&r, 32);
	di = take(&r, 32);
	l->stored_size = get_u64(&r);
	l->size = get_u64(&r);
	{
		char *c = get_str(&r, &l->arena, MAX_COMPRESSION_LEN, 0, &len);

		if (!r.why && (!c || len == 0))
			bad(&r, "bad compression name");
		if (r.why)
			goto fail;
		l->compression = lb_xstrdup(c);
	}
	if (has_dg > 1) {
		bad(&r, "bad digest flag");
		goto fail;
	}
	l->digest = has_dg ? digest_str(dg) : NULL;
	l->diff_id = digest_str(di);
	ne = get_u32(&r);
	if (r.why)
		goto fail;
	if (ne > LB_MAX_ENTRIES_PER_LAYER || ne > (r.n - r.pos) / ENTRY_MIN_BYTES) {
		bad(&r, "bad entry count");
		goto fail;
	}
	if (ne) {
		l->entries = lb_xcalloc(ne, sizeof(*l->entries));
		l->cap = ne;
	}
	for (size_t i = 0; i < ne; i++) {
		if (decode_entry(&r, l, i, o) < 0)
			goto fail;
		l->nentries = i + 1;
	}
	nw = get_u32(&r);
	if (r.why)
		goto fail;
	if (nw > (r.n - r.pos) / WHITEOUT_MIN_BYTES) {
		bad(&r, "bad whiteout count");
		goto fail;
	}
	if (nw) {
		l->whiteouts = lb_xcalloc(nw, sizeof(*l->whiteouts));
		l->wcap = nw;
	}
	for (size_t i = 0; i < nw; i++) {
		struct lb_whiteout *w = &l->whiteouts[i];
		unsigned opaque = get_u8(&r);

		w->path = get_str(&r, &l->arena, LB_MAX_PATH, 0, &len);
		if (r.why)
			goto fail;
		/* an opaque marker at the top hides everything below: path "" */
		if (opaque > 1 || !(path_ok(w->path, len) || (opaque && len == 0))) {
			bad(&r, "bad whiteout");
			goto fail;
		}
		w->opaque = (int)opaque;
		l->nwhiteouts = i + 1;
	}
	if (r.pos != r.n) {
		bad(&r, "trailing bytes");
		goto fail;
	}
	return 0;
fail:
	snprintf(why, whycap, "%s", r.why ? r.why : "unreadable");
	clear_table(l);
	return -1;
}

/* ---- the database ---- */

char *lb_cache_default_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");

	/* the XDG spec: a relative XDG_CACHE_HOME is invalid and ignored */
	if (x && x[0] == '/')
		return lb_xasprintf("%s/layerbom", x);
	if (h && h[0] == '/')
		return lb_xasprintf("%s/.cache/layerbom", h);
	return NULL;
}

/* mkdir -p, new directories private to the user. */
static int make_dirs(const char *dir)
{
	char *p = lb_xstrdup(dir);
	int r = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST) {
				r = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return r;
}

static int exec_sql(struct lb_cache *c, const char *sql)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL);
}

/* The first column of the first row of sql as an integer; -1 on error. */
static int query_int(struct lb_cache *c, const char *sql, sqlite3_int64 *v, int *rc)
{
	sqlite3_stmt *st;

	*v = 0;
	*rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (*rc != SQLITE_OK)
		return -1;
	*rc = sqlite3_step(st);
	if (*rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		*rc = SQLITE_OK;
	} else if (*rc == SQLITE_DONE) {
		*rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return *rc == SQLITE_OK ? 0 : -1;
}

/* Checks the file is a layerbom cache of this schema, creating the schema
 * in an empty file.  Returns NULL, or why the file cannot be used. */
static const char *check_schema(struct lb_cache *c, char *buf, size_t bufcap)
{
	sqlite3_int64 app, ver, nobj, ntab;
	int rc, created = 0, locked = 0;

	for (;;) {
		if (query_int(c, "PRAGMA application_id", &app, &rc) < 0 ||
		    query_int(c, "PRAGMA user_version", &ver, &rc) < 0 ||
		    query_int(c, "SELECT count(*) FROM sqlite_master", &nobj, &rc) < 0) {
			if (locked)
				exec_sql(c, "ROLLBACK");
			return rc == SQLITE_NOTADB ? "not a SQLite database" : sqlite3_errstr(rc);
		}
		if ((app == CACHE_APP_ID && ver == CACHE_SCHEMA) || locked)
			break;
		/* Anything but our schema is decided under the write lock: the
		 * reads above are not one snapshot, and another process may be
		 * creating the schema right now. */
		if (exec_sql(c, "BEGIN IMMEDIATE") != SQLITE_OK) {
			snprintf(buf, bufcap, "cannot lock it: %s", sqlite3_errmsg(c->db));
			return buf;
		}
		locked = 1;
	}
	if (locked && app == 0 && ver == 0 && nobj == 0) {
		/* empty, and ours to fill */
		/* auto_vacuum must precede the first table */
		char *sql = lb_xasprintf("PRAGMA auto_vacuum = INCREMENTAL;"
					 "CREATE TABLE layers ("
					 " key BLOB PRIMARY KEY NOT NULL,"
					 " sum BLOB NOT NULL,"
					 " payload BLOB NOT NULL,"
					 " size INTEGER NOT NULL,"
					 " created INTEGER NOT NULL,"
					 " used INTEGER NOT NULL);"
					 "PRAGMA application_id = %d;"
					 "PRAGMA user_version = %d;"
					 "COMMIT", CACHE_APP_ID, CACHE_SCHEMA);

		rc = exec_sql(c, sql);
		free(sql);
		if (rc != SQLITE_OK) {
			snprintf(buf, bufcap, "cannot create it: %s", sqlite3_errmsg(c->db));
			exec_sql(c, "ROLLBACK");
			return buf;
		}
		created = 1;
	} else if (locked) {
		exec_sql(c, "ROLLBACK");
	}
	if (!created) {
		if (app != CACHE_APP_ID)
			return "not a layerbom cache";
		if (ver != CACHE_SCHEMA) {
			snprintf(buf, bufcap, "made by another version of layerbom (schema %lld, this one reads %d)",
				 (long long)ver, CACHE_SCHEMA);
			return buf;
		}
		/* our table and nothing else: no views or triggers that would run
		 * on our statements */
		if (query_int(c, "SELECT count(*) FROM sqlite_master WHERE type IN ('view', 'trigger')"
			      " OR (type = 'table' AND name <> 'layers')", &nobj, &rc) < 0 ||
		    query_int(c, "SELECT count(*) FROM pragma_table_info('layers')"
			      " WHERE name IN ('key', 'sum', 'payload', 'size', 'created', 'used')",
			      &ntab, &rc) < 0)
			return sqlite3_errstr(rc);
		if (nobj != 0 || ntab != 6)
			return "not a layerbom cache (unexpected schema)";
	}
	/* Many readers and one writer at a time, across processes.  WAL needs
	 * a moment without other connections: when busy, the default journal
	 * works too. */
	exec_sql(c, "PRAGMA journal_mode = WAL");
	exec_sql(c, "PRAGMA synchronous = NORMAL");
	return NULL;
}

struct lb_cache *lb_cache_open(const char *dir, struct lb_log *log)
{
	struct lb_cache *c;
	struct build_id_search bs;
	struct stat st;
	const char *why = NULL;
	char buf[512], *dflt = NULL;
	int fd, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;

	if (!dir && !(dir = dflt = lb_cache_default_dir())) {
		lb_log_warn(log, "no cache: neither XDG_CACHE_HOME nor HOME names a directory");
		return NULL;
	}
	if (!*dir) {
		lb_log_warn(log, "cache '' ignored: an empty directory name");
		return NULL;
	}
	c = lb_xcalloc(1, sizeof(*c));
	c->path = lb_xasprintf("%s/%s", dir, LB_CACHE_FILE);
	if (make_dirs(dir) < 0) {
		snprintf(buf, sizeof(buf), "cannot create '%s': %s", dir, strerror(errno));
		why = buf;
		goto fail;
	}
	/* Created private; an existing directory and file must be the user's
	 * own: a record is trusted as if its layer had been read, and SQLite
	 * puts its -wal and -shm files next to the database. */
	{
		char *d = lb_xasprintf("%s/.", dir);
		int r = stat(d, &st);

		free(d);
		if (r != 0 || !S_ISDIR(st.st_mode))
			why = "not a directory";
		else if (st.st_uid != geteuid())
			why = "its directory is owned by another user";
		else if (st.st_mode & 022)
			why = "its directory is writable by other users";
		if (why)
			goto fail;
	}
	free(dflt);
	dflt = NULL;
	fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		why = strerror(errno);
		goto fail;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "owned by another user";
	else if (st.st_mode & 022)
		why = "writable by other users";
	close(fd);
	if (why)
		goto fail;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	if (sqlite3_open_v2(c->path, &c->db, flags, NULL) != SQLITE_OK) {
		snprintf(buf, sizeof(buf), "%s", c->db ? sqlite3_errmsg(c->db) : "cannot open it");
		why = buf;
		goto fail;
	}
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);
#ifdef SQLITE_DBCONFIG_DEFENSIVE
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
#endif
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
#endif
	exec_sql(c, "PRAGMA cell_size_check = ON");
	why = check_schema(c, buf, sizeof(buf));
	if (why)
		goto fail;
	/* length() of a blob does not read it: an oversized payload is never loaded */
	if (sqlite3_prepare_v2(c->db, "SELECT sum, length(payload),"
			       " CASE WHEN length(payload) <= ?2 THEN payload END"
			       " FROM layers WHERE key = ?1", -1,
			       &c->get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO layers (key, sum, payload, size, created, used)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?5)", -1, &c->put, NULL) != SQLITE_OK) {
		snprintf(buf, sizeof(buf), "%s", sqlite3_errmsg(c->db));
		why = buf;
		goto fail;
	}
	pthread_mutex_init(&c->lock, NULL);
	bs.addr = &build_id_anchor;
	bs.out = c->build_id;
	bs.outlen = &c->build_id_len;
	dl_iterate_phdr(find_build_id, &bs);
	return c;
fail:
	lb_log_warn(log, "cache '%s' ignored: %s", c->path, why);
	free(dflt);
	sqlite3_finalize(c->get);
	sqlite3_finalize(c->put);
	sqlite3_close(c->db);
	free(c->path);
	free(c);
	return NULL;
}

void lb_cache_free(struct lb_cache *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->get);
	sqlite3_finalize(c->put);
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->lock);
	free(c->path);
	free(c);
}

static void key_add(EVP_MD_CTX *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h, p, n);
}

static void key_add_u64(EVP_MD_CTX *h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	key_add(h, b, 8);
}

static void key_add_str(EVP_MD_CTX *h, const char *s)
{
	key_add_u64(h, strlen(s));
	key_add(h, s, strlen(s));
}

/* Everything that decides what walking the layer produces. */
static void make_key(const struct lb_cache *c, const unsigned char *digest, const unsigned char *diff_id,
		     const struct lb_walk_opts *o, unsigned char key[32])
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	unsigned int len;

	if (!h)
		BUG("cannot allocate a digest context");
	EVP_DigestInit_ex(h, EVP_sha256(), NULL);
	key_add_str(h, "layerbom layer cache");
	key_add_u64(h, CACHE_FORMAT);
	key_add_str(h, LB_VERSION);
	key_add_u64(h, c->build_id_len);
	key_add(h, c->build_id, c->build_id_len);
	key_add_str(h, lb_license_list_version);
	key_add_u64(h, (uint64_t)magic_version());
	key_add_u64(h, (uint64_t)archive_version_number());
	key_add_u64(h, o->max_retained);
	key_add_u64(h, o->all_sha1 != 0);   /* a record without every SHA-1 serves no --files scan */
	key_add_u64(h, o->ndetectors);
	for (size_t i = 0; i < o->ndetectors; i++) {
		key_add_str(h, o->detectors[i]->name);
		key_add_u64(h, o->detectors[i]->max_size);
	}
	key_add_u64(h, digest != NULL);
	if (digest)
		key_add(h, digest, 32);
	key_add(h, diff_id, 32);
	EVP_DigestFinal_ex(h, key, &len);
	EVP_MD_CTX_free(h);
}

static const char *layer_name(const unsigned char *diff_id, char *buf)
{
	lb_hex(buf, diff_id, 32);
	return buf;
}

/* A database error: no more cache for this run, said once. */
static void stop_cache(struct lb_cache *c, struct lb_layer *l, int rc)
{
	if (c->off)
		return;
	c->off = 1;
	lb_log_warn(&l->log, "cache '%s' ignored from here on: %s", c->path,
		    rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? "the file is damaged" : sqlite3_errmsg(c->db));
}

/*
 * Keeps the file bounded, inside the store's transaction: records unused
 * for LB_CACHE_MAX_IDLE go, then the least recently used ones while the
 * payloads pass LB_CACHE_MAX_TOTAL (the newest record, just stored, is
 * never the first to go).  Freed pages are given back to the file system.
 */
static int prune(struct lb_cache *c)
{
	sqlite3_int64 total, freelist, now = (sqlite3_int64)time(NULL);
	char *sql;
	int rc;

	sql = lb_xasprintf("DELETE FROM layers WHERE used < %lld", (long long)(now - LB_CACHE_MAX_IDLE));
	rc = exec_sql(c, sql);
	free(sql);
	if (rc != SQLITE_OK || query_int(c, "SELECT coalesce(sum(size), 0) FROM layers", &total, &rc) < 0)
		return rc;
	if ((uint64_t)total > LB_CACHE_MAX_TOTAL) {
		/* oldest first, until three quarters of the cap are left */
		sql = lb_xasprintf("DELETE FROM layers WHERE key IN (SELECT key FROM (SELECT key,"
				   " sum(size) OVER (ORDER BY used DESC, created DESC, key) AS kept"
				   " FROM layers) WHERE kept > %llu)",
				   (unsigned long long)(LB_CACHE_MAX_TOTAL / 4 * 3));
		rc = exec_sql(c, sql);
		free(sql);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (query_int(c, "PRAGMA freelist_count", &freelist, &rc) == 0 && freelist > 256)
		exec_sql(c, "PRAGMA incremental_vacuum");
	return SQLITE_OK;
}

/* Marks a record used (at most once an hour: a hit is mostly a read).  A
 * busy database is no reason to wait: the mark is only for pruning. */
static void touch(struct lb_cache *c, const unsigned char key[32])
{
	sqlite3_stmt *st;
	sqlite3_int64 now = (sqlite3_int64)time(NULL);

	if (sqlite3_prepare_v2(c->db, "UPDATE layers SET used = ?2 WHERE key = ?1 AND used < ?3",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now - 3600);
	sqlite3_busy_timeout(c->db, 0);
	sqlite3_step(st);
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);
	sqlite3_finalize(st);
}

int lb_cache_load(struct lb_cache *c, struct lb_layer *l, const unsigned char *digest,
		  const unsigned char *diff_id, const struct lb_walk_opts *o)
{
	unsigned char key[32], sum[32];
	char why[128], hex[65];
	unsigned int slen;
	int rc, hit = 0;

	if (!c || !diff_id)
		return 0;
	make_key(c, digest, diff_id, o, key);
	pthread_mutex_lock(&c->lock);
	if (c->off)
		goto out;
	sqlite3_bind_blob(c->get, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(c->get, 2, (sqlite3_int64)LB_CACHE_MAX_RECORD);
	rc = sqlite3_step(c->get);
	if (rc == SQLITE_ROW) {
		const void *s = sqlite3_column_blob(c->get, 0);
		int slen_db = sqlite3_column_bytes(c->get, 0);
		sqlite3_int64 len = sqlite3_column_int64(c->get, 1);
		const unsigned char *p = sqlite3_column_blob(c->get, 2);
		size_t n = (size_t)sqlite3_column_bytes(c->get, 2);

		if (len < 0 || (uint64_t)len > LB_CACHE_MAX_RECORD) {
			lb_log_warn(&l->log, "cache '%s': record of layer 'sha256:%s' ignored: larger than %zu MiB",
				    c->path, layer_name(diff_id, hex), LB_CACHE_MAX_RECORD >> 20);
		} else if (!s || slen_db != 32 || (!p && n) || (uint64_t)len != n) {
			lb_log_warn(&l->log, "cache '%s': record of layer 'sha256:%s' ignored: malformed",
				    c->path, layer_name(diff_id, hex));
		} else {
			EVP_Digest(p ? p : (const void *)"", n, sum, &slen, EVP_sha256(), NULL);
			if (memcmp(sum, s, 32) != 0) {
				lb_log_warn(&l->log, "cache '%s': record of layer 'sha256:%s' ignored: checksum mismatch",
					    c->path, layer_name(diff_id, hex));
			} else if (lb_cache_decode(p, n, l, o, why, sizeof(why)) < 0) {
				lb_log_warn(&l->log, "cache '%s': record of layer 'sha256:%s' ignored: %s",
					    c->path, layer_name(diff_id, hex), why);
			} else {
				unsigned char rd[32];

				/* the record must be the layer it is filed under */
				if (digest_raw(l->diff_id, rd) < 0 || memcmp(rd, diff_id, 32) != 0 ||
				    (digest && (digest_raw(l->digest, rd) < 0 || memcmp(rd, digest, 32) != 0))) {
					lb_log_warn(&l->log, "cache '%s': record of layer 'sha256:%s' ignored: it is another layer's",
						    c->path, layer_name(diff_id, hex));
					clear_table(l);
				} else {
					hit = 1;
				}
			}
		}
	} else if (rc != SQLITE_DONE) {
		stop_cache(c, l, rc);
	}
	sqlite3_reset(c->get);
	sqlite3_clear_bindings(c->get);
	if (hit)
		touch(c, key);
out:
	pthread_mutex_unlock(&c->lock);
	return hit;
}

int lb_cache_store(struct lb_cache *c, struct lb_layer *l, const unsigned char *digest,
		   const unsigned char *diff_id, const struct lb_walk_opts *o)
{
	unsigned char key[32], sum[32], *payload;
	size_t n;
	unsigned int slen;
	char hex[65];
	int rc, status = 0;

	if (!c || !diff_id)
		return 1;
	if (l->failed)
		return 1;
	if (lb_cache_encode(l, LB_CACHE_MAX_RECORD, &payload, &n) < 0)
		return 1;
	EVP_Digest(payload, n, sum, &slen, EVP_sha256(), NULL);
	make_key(c, digest, diff_id, o, key);
	pthread_mutex_lock(&c->lock);
	if (c->off) {
		status = -1;
		goto out;
	}
	rc = exec_sql(c, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(c->put, 1, key, 32, SQLITE_STATIC);
		sqlite3_bind_blob(c->put, 2, sum, 32, SQLITE_STATIC);
		sqlite3_bind_blob64(c->put, 3, payload, n, SQLITE_STATIC);
		sqlite3_bind_int64(c->put, 4, (sqlite3_int64)n);
		sqlite3_bind_int64(c->put, 5, (sqlite3_int64)time(NULL));
		rc = sqlite3_step(c->put);
		if (rc == SQLITE_DONE)
			rc = prune(c);
		if (rc == SQLITE_OK)
			rc = exec_sql(c, "COMMIT");
		sqlite3_reset(c->put);
		sqlite3_clear_bindings(c->put);
		if (rc != SQLITE_OK && rc != SQLITE_DONE) {
			/* keep the message: ROLLBACK replaces it */
			lb_log_warn(&l->log, "cache '%s': layer 'sha256:%s' not stored: %s",
				    c->path, layer_name(diff_id, hex), sqlite3_errmsg(c->db));
			exec_sql(c, "ROLLBACK");
			status = -1;
		}
	} else {
		lb_log_warn(&l->log, "cache '%s': layer 'sha256:%s' not stored: %s",
			    c->path, layer_name(diff_id, hex), sqlite3_errmsg(c->db));
		status = -1;
	}
out:
	pthread_mutex_unlock(&c->lock);
	free(payload);
	return status;
}
