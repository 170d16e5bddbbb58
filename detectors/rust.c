/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rust: Rust crates, from Cargo.lock files and from the dependency list
 * cargo-auditable embeds in executables.
 *
 * A Cargo.lock lists every crate a Cargo project builds with, as
 * [[package]] tables of a small subset of TOML: `name`, `version`,
 * `source` ("registry+URL", "sparse+URL", "git+URL#commit"; absent for the
 * workspace's own crates), `checksum`, and a `dependencies` array.  It is
 * read by a bounded line parser, not a TOML library: a line that is not
 * `key = "string"`, an array or a table header is skipped.
 *
 * Crates from a registry or git are libraries (pkg:cargo/NAME@VERSION,
 * the source and checksum as properties); the workspace's own crates are
 * applications (no purl: they are not on crates.io).  A Cargo.lock
 * carries no license: the declared license stays NOASSERTION, with a note.
 * Lock files inside Cargo's download caches (~/.cargo/registry/,
 * ~/.cargo/git/) and Debian's /usr/share/cargo/registry/ are crate
 * sources, not builds: they are skipped.
 *
 * cargo-auditable: an executable built with `cargo auditable` holds a
 * section ".dep-v0" (not loaded: sh_flags 0, so the linker puts it after
 * the code and data, before the section headers) with zlib-compressed
 * JSON: {"packages":[{"name", "version", "source" ("crates.io", "git",
 * "local", "registry"...), "kind" ("build"; absent: "runtime"),
 * "dependencies" (indices), "root" (true for the crate the binary was
 * built from)}, ...]} (auditable-serde's VersionInfo, written compact by
 * serde_json).  Executables are streamed (LB_WANT_STREAM), never kept: the
 * section headers that locate .dep-v0 come after its bytes, so the data
 * is found by its content (see "stream" below) and only the inflated JSON
 * is kept as the summary scan() reads.
 *
 * The root crate is an application, the others libraries; a crate not
 * from "local" gets pkg:cargo/NAME@VERSION.  Build dependencies (build
 * scripts' crates, e.g. cc, autocfg) are reported too, with the property
 * cargo:kind=build: they are not linked into the binary, but they ran
 * when it was built, and a vulnerable or malicious one matters to the
 * supply chain; the property lets a consumer leave them out.  A crate
 * that is a runtime dependency of any binary is cargo:kind=runtime.  The
 * model has no dependency relations, so the "dependencies" indices only
 * serve to find the root of the older format, which has no "root" field.
 * The binary itself is evidence, never a component of its own.
 *
 * One crate, one component: the same name, version and source in several
 * lock files or binaries is one component with one evidence entry per
 * file (a crates.io crate of a binary is the crate of a lock file's
 * crates.io registry source).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST
#include <zlib.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"

#define LOCK_MAX (8u << 20)          /* large workspaces: ~300 KB */
#define FIELD_MAX 4096
#define MAX_PACKAGES 100000

#define BIN_MIN_SIZE (32u << 10)     /* smaller than any binary with Rust's std */
#define JSON_DEPTH_MAX 16            /* the format nests 4 deep */
#define VALUE_MAX 1024

/* The crates.io source of a Cargo.lock: a binary's "crates.io" crate is
 * the same crate. */
static const char crates_io_lock_source[] = "registry+https://github.com/rust-lang/crates.io-index";

static const char *const skip_dirs[] = {
	"/.cargo/registry/",
	"/.cargo/git/",
	"/share/cargo/registry/",
};

static int is_lock(const char *path)
{
	return lb_str_has_suffix(path, "/Cargo.lock");
}

/* "libfoo.so", "libfoo.so.1.2" */
static int is_shared_object(const char *path)
{
	const char *base = strrchr(path, '/');

	for (const char *so = strstr(base ? base : path, ".so"); so; so = strstr(so + 1, ".so"))
		if (so[3] == '\0' || so[3] == '.')
			return 1;
	return 0;
}

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	if (is_lock(e->path)) {
		for (size_t i = 0; i < LB_ARRAY_SIZE(skip_dirs); i++)
			if (strstr(e->path, skip_dirs[i]))
				return LB_WANT_NO;
		return LB_WANT_YES;
	}
	if ((!(e->mode & 0111) && !is_shared_object(e->path)) || e->size < BIN_MIN_SIZE)
		return LB_WANT_NO;
	if (!e->magic)
		return LB_WANT_SNIFF;
	/* a Go binary never holds .dep-v0: not streamed for nothing */
	if (!lb_magic_is_elf(e->magic))
		return LB_WANT_NO;
	return e->data && lb_elf_has_go_note(e->data, e->data_len) ? LB_WANT_NO : LB_WANT_STREAM;
}

/* ---- stream: finding .dep-v0 by its content ---- */

/*
 * The section's bytes pass by before the section headers that locate
 * them, so every place that could start the zlib stream is tried: RFC
 * 1950's CMF 0x78 (deflate, 32 KiB window), an FLG that makes CMF*256+FLG
 * a multiple of 31 and asks for no preset dictionary, and a first block
 * type that exists.  A trial inflates a few bytes that must read
 * {"packages": or {"format": (JSON whitespace allowed); the first
 * candidate accepted is inflated to its end, across chunks, and the search
 * stops (a binary has one .dep-v0).  A candidate still undecided when its
 * chunk ends keeps its own z_stream (inflateCopy) until the next chunk
 * decides it.
 *
 * Bounds: a trial reads at most TRIAL_IN bytes and writes TRIAL_OUT; at
 * most MAX_PENDING candidates wait across a chunk boundary; a file gets
 * TRIALS_BASE trials plus one per TRIAL_SPACING bytes, so a file made of
 * zlib-like headers costs bounded time (the summary says the search was
 * cut); the JSON is at most JSON_MAX bytes.
 *
 * The summary handed to scan() is one status byte, then the JSON when it
 * is whole.
 */
#define TRIAL_IN 512          /* a dynamic block's header is < 300 bytes */
#define TRIAL_OUT 32
#define MAX_PENDING 8
#define TRIALS_BASE 4096u
#define TRIAL_SPACING 1024u  /* real binaries: one candidate per 10-20 KB */
#define JSON_MAX (LB_STREAM_SUMMARY_MAX - 1)

enum {
	ST_SEARCHING = 0,
	ST_DONE = 'J',          /* the whole JSON */
	ST_CORRUPT = 'Z',       /* the zlib data is damaged: JSON up to there */
	ST_CUT = 'E',           /* the file ended inside the zlib stream */
	ST_BIG = 'B',           /* the JSON passed JSON_MAX */
	ST_GAVE_UP = 'S',       /* no data found, and the search was cut */
	ST_MISSED = 'M',        /* a .dep-v0 section, but no data found */
	ST_ELSEWHERE = 'X',     /* the data found is not where .dep-v0 is */
};

enum { C_NO = -1, C_UNDECIDED = 0, C_YES = 1 };

struct cand {
	z_stream z;
	unsigned char out[TRIAL_OUT];
	size_t outlen;
	int ended;              /* inflate saw the end of the stream */
	uint64_t start;         /* file offset of its CMF byte */
};

/*
 * The cross-check: the section headers pass by at the end of the file
 * (e_shoff, from the ELF header in the first bytes), and the section name
 * table (.shstrtab) is written just before them by the linkers and by
 * objcopy.  Both are kept as they pass (at most SHT_MAX and NAMES_MAX
 * bytes), and at the end they say where .dep-v0 is, if anywhere.  When
 * they cannot be read (no section headers, names elsewhere, too many
 * sections), the content search alone decides.
 */
#define SHT_MAX (64u << 10)
#define NAMES_MAX (64u << 10)

struct elf_track {
	unsigned char ehdr[64];
	int state;              /* 0: reading the ELF header; 1: tracking; -1: no check */
	int is64, be;
	uint64_t shoff, shsize;
	unsigned shnum, shentsize, shstrndx;
	unsigned char *sht;     /* the bytes of [shoff, shoff + shsize) */
	uint64_t namestart;     /* names: the bytes of [namestart, shoff) */
	unsigned char *names;
};

struct dep_stream {
	struct cand trial;      /* reset for each new candidate */
	int ready;              /* trial.z is initialised */
	struct cand *pending[MAX_PENDING];
	size_t npending;
	struct cand *acc;       /* the accepted stream: &trial or a pending one */
	int carry;              /* the previous chunk ended with 0x78 */
	uint64_t trials, budget;
	int exhausted;
	int status;
	unsigned char *json;
	size_t len, cap;
	uint64_t off;           /* file bytes seen before this chunk */
	uint64_t size;          /* the file's size */
	uint64_t acc_start;     /* file offset of the accepted stream */
	struct elf_track elf;
};

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* 1: p[0..n) opens {"packages": or {"format":; 0: it still may; -1: not. */
static int json_prefix(const unsigned char *p, size_t n)
{
	static const char *const keys[] = { "\"packages\"", "\"format\"" };
	size_t i = 0;
	int best = C_NO;

	while (i < n && is_ws(p[i]))
		i++;
	if (i == n)
		return C_UNDECIDED;
	if (p[i++] != '{')
		return C_NO;
	while (i < n && is_ws(p[i]))
		i++;
	if (i == n)
		return C_UNDECIDED;
	for (size_t k = 0; k < LB_ARRAY_SIZE(keys); k++) {
		size_t kl = strlen(keys[k]), m = kl < n - i ? kl : n - i, j;

		if (memcmp(p + i, keys[k], m) != 0)
			continue;
		if (m < kl) {
			best = C_UNDECIDED;
			continue;
		}
		for (j = i + kl; j < n && is_ws(p[j]); j++)
			;
		if (j == n)
			best = C_UNDECIDED;
		else if (p[j] == ':')
			return C_YES;
	}
	return best;
}

/* FLG after CMF 0x78 (and the byte after it, or -1): could a zlib stream
 * without a preset dictionary start here? */
static int zlib_header_ok(unsigned char flg, int b2)
{
	if ((0x7800u + flg) % 31 != 0 || (flg & 0x20))
		return 0;
	return b2 < 0 || ((b2 >> 1) & 3) != 3;     /* BTYPE 3 is reserved */
}

/* Feeds in[0..n) to a candidate; *used says how much it took. */
static int cand_feed(struct cand *c, const unsigned char *in, size_t n, size_t *used)
{
	int zr, v;

	c->z.next_in = in;
	c->z.avail_in = (uInt)n;
	c->z.next_out = c->out + c->outlen;
	c->z.avail_out = (uInt)(TRIAL_OUT - c->outlen);
	zr = inflate(&c->z, Z_NO_FLUSH);
	*used = n - c->z.avail_in;
	c->outlen = TRIAL_OUT - c->z.avail_out;
	if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
		return C_NO;
	c->ended = zr == Z_STREAM_END;
	v = json_prefix(c->out, c->outlen);
	if (v != C_UNDECIDED)
		return v;
	if (c->ended || c->outlen == TRIAL_OUT || c->z.total_in >= TRIAL_IN)
		return C_NO;
	return C_UNDECIDED;     /* it took all of in[] and wants more */
}

static void cand_free(struct dep_stream *d, struct cand *c)
{
	if (c && c != &d->trial) {
		inflateEnd(&c->z);
		free(c);
	}
}

static void drop_pending(struct dep_stream *d)
{
	for (size_t k = 0; k < d->npending; k++)
		if (d->pending[k] != d->acc)
			cand_free(d, d->pending[k]);
	d->npending = 0;
}

/* Inflates in[0..n) of the accepted stream into the JSON. */
static void acc_feed(struct dep_stream *d, const unsigned char *in, size_t n)
{
	z_stream *z = &d->acc->z;

	z->next_in = in;
	z->avail_in = (uInt)n;
	while (d->status == ST_SEARCHING) {
		int zr;

		if (d->len == d->cap) {
			if (d->cap >= JSON_MAX) {
				d->status = ST_BIG;
				break;
			}
			d->cap = d->cap ? (d->cap > JSON_MAX / 2 ? JSON_MAX : 2 * d->cap) : 64u << 10;
			d->json = lb_xrealloc(d->json, d->cap);
		}
		z->next_out = d->json + d->len;
		z->avail_out = (uInt)(d->cap - d->len);
		zr = inflate(z, Z_NO_FLUSH);
		d->len = d->cap - z->avail_out;
		if (zr == Z_STREAM_END)
			d->status = ST_DONE;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			d->status = ST_CORRUPT;
		else if (!z->avail_in && z->avail_out)
			break;          /* the rest is in the next chunk */
	}
}

/* Candidate c said yes; rest[0..n) is the chunk after what it took. */
static void accept(struct dep_stream *d, struct cand *c, const unsigned char *rest, size_t n)
{
	d->acc = c;
	d->acc_start = c->start;
	drop_pending(d);
	d->cap = 64u << 10;
	d->json = lb_xmalloc(d->cap);
	memcpy(d->json, c->out, c->outlen);
	d->len = c->outlen;
	if (c->ended)
		d->status = ST_DONE;
	else
		acc_feed(d, rest, n);
}

/* A new candidate at in[0..n): its verdict, *used the bytes it took.  An
 * undecided one waits for the next chunk, when there is room. */
static int try_candidate(struct dep_stream *d, const unsigned char *in, size_t n, size_t *used, uint64_t start)
{
	int v;

	if (d->trials >= d->budget) {
		d->exhausted = 1;
		return C_NO;
	}
	d->trials++;
	if (inflateReset(&d->trial.z) != Z_OK)
		return C_NO;
	d->trial.outlen = 0;
	d->trial.ended = 0;
	d->trial.start = start;
	v = cand_feed(&d->trial, in, n < TRIAL_IN ? n : TRIAL_IN, used);
	if (v == C_UNDECIDED && d->npending < MAX_PENDING) {
		struct cand *c = lb_xcalloc(1, sizeof(*c));

		if (inflateCopy(&c->z, &d->trial.z) != Z_OK) {
			free(c);
			return C_NO;
		}
		memcpy(c->out, d->trial.out, d->trial.outlen);
		c->outlen = d->trial.outlen;
		c->start = start;
		d->pending[d->npending++] = c;
	}
	return v;
}

/* ---- the ELF section headers, as they pass ---- */

static uint64_t rd(const unsigned char *p, unsigned w, int be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < w; i++)
		v |= (uint64_t)p[be ? w - 1 - i : i] << (8 * i);
	return v;
}

/* Copies the part of chunk p[0..n) at file offset off that falls in
 * [a, b) to buf (which holds [a, b)). */
static void capture(unsigned char *buf, uint64_t a, uint64_t b, uint64_t off, const unsigned char *p, size_t n)
{
	uint64_t lo = off > a ? off : a, hi = off + n < b ? off + n : b;

	if (lo < hi)
		memcpy(buf + (lo - a), p + (lo - off), (size_t)(hi - lo));
}

static void elf_header(struct dep_stream *d)
{
	struct elf_track *x = &d->elf;
	const unsigned char *h = x->ehdr;

	x->state = -1;
	if (memcmp(h, "\x7f" "ELF", 4) != 0 || (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2))
		return;
	x->is64 = h[4] == 2;
	x->be = h[5] == 2;
	x->shoff = rd(h + (x->is64 ? 40 : 32), x->is64 ? 8 : 4, x->be);
	x->shentsize = (unsigned)rd(h + (x->is64 ? 58 : 46), 2, x->be);
	x->shnum = (unsigned)rd(h + (x->is64 ? 60 : 48), 2, x->be);
	x->shstrndx = (unsigned)rd(h + (x->is64 ? 62 : 50), 2, x->be);
	x->shsize = (uint64_t)x->shnum * x->shentsize;
	if (!x->shoff || !x->shnum || x->shentsize < (x->is64 ? 64u : 40u) || x->shstrndx >= x->shnum ||
	    x->shsize > SHT_MAX || x->shoff < 64 || x->shoff > d->size || x->shsize > d->size - x->shoff)
		return;
	x->namestart = x->shoff > NAMES_MAX + 64 ? x->shoff - NAMES_MAX : 64;
	x->sht = lb_xmalloc((size_t)x->shsize);
	x->names = lb_xmalloc((size_t)(x->shoff - x->namestart));
	x->state = 1;
}

static void elf_track(struct dep_stream *d, const unsigned char *p, size_t n)
{
	struct elf_track *x = &d->elf;

	if (x->state == 0) {
		capture(x->ehdr, 0, sizeof(x->ehdr), d->off, p, n);
		if (d->off + n >= sizeof(x->ehdr))
			elf_header(d);
		else
			return;
	}
	if (x->state == 1) {
		capture(x->names, x->namestart, x->shoff, d->off, p, n);
		capture(x->sht, x->shoff, x->shoff + x->shsize, d->off, p, n);
	}
}

/*
 * Where the section headers put .dep-v0: 1 with *off set, 0 when they
 * name no such section, -1 when they cannot tell (not all seen, names
 * outside what was kept).
 */
static int elf_dep_section(const struct dep_stream *d, uint64_t *off)
{
	const struct elf_track *x = &d->elf;
	const unsigned char *sh;
	uint64_t stroff, strsize;
	int w = x->is64 ? 8 : 4;

	if (x->state != 1 || d->off < x->shoff + x->shsize)
		return -1;
	sh = x->sht + (size_t)x->shstrndx * x->shentsize;
	stroff = rd(sh + (x->is64 ? 24 : 16), (unsigned)w, x->be);
	strsize = rd(sh + (x->is64 ? 32 : 20), (unsigned)w, x->be);
	if (stroff < x->namestart || stroff > x->shoff || strsize > x->shoff - stroff)
		return -1;
	for (unsigned i = 0; i < x->shnum; i++) {
		const unsigned char *s = x->sht + (size_t)i * x->shentsize;
		uint64_t nm = rd(s, 4, x->be);
		const unsigned char *name = x->names + (stroff - x->namestart) + nm;

		if (nm + 8 > strsize || memcmp(name, ".dep-v0", 8) != 0)
			continue;
		*off = rd(s + (x->is64 ? 24 : 16), (unsigned)w, x->be);
		return 1;
	}
	return 0;
}

/* ---- the streaming interface ---- */

static void *stream_begin(const struct lb_entry *e)
{
	struct dep_stream *d = lb_xcalloc(1, sizeof(*d));

	d->ready = inflateInit(&d->trial.z) == Z_OK;
	d->budget = TRIALS_BASE + e->size / TRIAL_SPACING;
	d->size = e->size;
	return d;
}

static void search(struct dep_stream *d, const unsigned char *p, size_t n)
{
	size_t i = 0, k = 0;

	if (!d->ready || d->status != ST_SEARCHING || !n)
		return;
	if (d->acc) {
		acc_feed(d, p, n);
		return;
	}
	/* candidates of the previous chunks first: they start earlier */
	while (k < d->npending) {
		struct cand *c = d->pending[k];
		size_t room = TRIAL_IN - (size_t)c->z.total_in, used;
		int v = cand_feed(c, p, n < room ? n : room, &used);

		if (v == C_YES) {
			d->pending[k] = d->pending[--d->npending];
			accept(d, c, p + used, n - used);
			return;
		}
		if (v == C_NO) {
			cand_free(d, c);
			d->pending[k] = d->pending[--d->npending];
			continue;
		}
		k++;
	}
	if (d->carry) {
		d->carry = 0;
		if (zlib_header_ok(p[0], n > 1 ? p[1] : -1)) {
			/* the CMF byte was the last of the previous chunk */
			unsigned char tmp[TRIAL_IN];
			size_t m = n < TRIAL_IN - 1 ? n : TRIAL_IN - 1, used;

			tmp[0] = 0x78;
			memcpy(tmp + 1, p, m);
			if (try_candidate(d, tmp, m + 1, &used, d->off - 1) == C_YES) {
				accept(d, &d->trial, p + (used - 1), n - (used - 1));
				return;
			}
		}
	}
	while (i + 1 < n) {
		const unsigned char *q = memchr(p + i, 0x78, n - i - 1);
		size_t used;

		if (!q)
			break;
		i = (size_t)(q - p);
		if (zlib_header_ok(q[1], i + 2 < n ? q[2] : -1) &&
		    try_candidate(d, q, n - i, &used, d->off + i) == C_YES) {
			accept(d, &d->trial, q + used, n - i - used);
			return;
		}
		i++;
	}
	if (p[n - 1] == 0x78)
		d->carry = 1;
}

static void stream_data(void *ctx, const void *p, size_t n)
{
	struct dep_stream *d = ctx;

	elf_track(d, p, n);
	search(d, p, n);
	d->off += n;
}

static unsigned char *stream_end(void *ctx, size_t *len)
{
	struct dep_stream *d = ctx;
	unsigned char *out = NULL;
	uint64_t sec = 0;
	int where = elf_dep_section(d, &sec), st = ST_SEARCHING;

	*len = 0;
	if (d->acc && where != 0)
		st = where > 0 && sec != d->acc_start ? ST_ELSEWHERE :
		     d->status == ST_SEARCHING ? ST_CUT : d->status;
	else if (!d->acc && where > 0)
		st = ST_MISSED;
	else if (!d->acc && where < 0 && d->exhausted)
		st = ST_GAVE_UP;
	/* else nothing: no data, or data that is in no .dep-v0 section (a
	 * program that carries another one's audit data, say) */
	if (st != ST_SEARCHING) {
		size_t n = st == ST_DONE ? d->len : 0;     /* scan() reads only whole JSON */

		out = lb_xmalloc(n + 1);
		out[0] = (unsigned char)st;
		if (n)
			memcpy(out + 1, d->json, n);
		*len = n + 1;
	}
	free(d->elf.sht);
	free(d->elf.names);
	drop_pending(d);
	cand_free(d, d->acc);
	if (d->ready)
		inflateEnd(&d->trial.z);
	free(d->json);
	free(d);
	return out;
}

/* ---- the TOML subset ---- */

/* A TOML basic ("...") or literal ('...') string on one line, from p to
 * le; returns it (caller frees) or NULL. */
static char *toml_string(const char *p, const char *le)
{
	struct lb_buf b;
	char q;

	if (p >= le || (*p != '"' && *p != '\''))
		return NULL;
	q = *p++;
	lb_buf_init(&b, FIELD_MAX);
	while (p < le && *p != q) {
		if (q == '"' && *p == '\\' && p + 1 < le) {
			static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
			const char *k = strchr(from, p[1]);

			if (p[1] == 'u' || p[1] == 'U') {
				size_t nd = p[1] == 'u' ? 4 : 8, i = 0;
				unsigned long cp = 0;

				while (i < nd && p + 2 + i < le && lb_hexval(p[2 + i]) >= 0)
					cp = cp * 16 + (unsigned long)lb_hexval(p[2 + i++]);
				lb_buf_add_utf8(&b, cp > 0x10ffff ? 0 : cp);
				p += 2 + i;
				continue;
			}
			if (k && p[1])
				lb_buf_add(&b, &to[k - from], 1);
			p += 2;
			continue;
		}
		if (*p)
			lb_buf_add(&b, p, 1);
		p++;
	}
	if (p >= le) {
		lb_buf_release(&b);
		return NULL;
	}
	if (!b.p)
		return NULL;
	return lb_buf_detach(&b, NULL);
}

struct pkg {
	char *name, *version, *source, *checksum;
};

static void pkg_release(struct pkg *k)
{
	free(k->name);
	free(k->version);
	free(k->source);
	free(k->checksum);
	memset(k, 0, sizeof(*k));
}

/* ---- scan ---- */

static void one_package(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, int visible,
			const struct pkg *k)
{
	struct lb_pkgrec *r;
	char *key;
	int found;

	key = lb_xasprintf("%s\x1f%s\x1f%s", k->name, k->version ? k->version : "", k->source ? k->source : "");
	r = lb_pkgrecs_get(st, key, &found);
	free(key);
	if (!found) {
		struct lb_component *c = lb_model_add(&s->model, k->source ? LB_COMP_LIBRARY : LB_COMP_APPLICATION,
						      k->name, k->version, "rust");

		r->c = c;
		if (k->source)
			c->purl = lb_purl("cargo", NULL, k->name, k->version, NULL, 0);
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, "package", NULL);
		lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL,
				     k->source ? "Cargo.lock declares no license (the crate's Cargo.toml does)"
					       : "a crate of the project itself (no source): Cargo.lock declares no license");
		lb_comp_add_prop(c, "cargo:source", k->source ? k->source : "local");
		if (k->checksum)
			lb_comp_add_prop(c, "cargo:checksum", k->checksum);
	} else {
		lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, "package", NULL);
	}
	if (visible) {
		lb_pkgrec_seen_visible(r, e);
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
}

/* The package just read, when it names a crate. */
static void flush(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, int visible, struct pkg *k,
		  size_t *npkg, size_t *nbad)
{
	if (k->name && *k->name && *npkg < MAX_PACKAGES) {
		one_package(s, st, e, visible, k);
		(*npkg)++;
	} else if (!k->name || !*k->name) {
		(*nbad)++;
	}
	pkg_release(k);
}

static int scan_lock(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, const void *data, size_t len)
{
	int visible = lb_scan_visible(s, e), in_pkg = 0, in_array = 0;
	const char *p = data, *end = p + len;
	struct pkg k = { 0 };
	size_t npkg = 0, nbad = 0, ntables = 0;

	if ((!visible && !s->all_layers) || !p)
		return 0;
	if (e->flags & LB_EF_TRUNCATED) {
		lb_scan_warn(s, "'%s': larger than %u MiB: not read", e->path, LOCK_MAX >> 20);
		return 0;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p, *key, *ke;

		p = nl ? nl + 1 : end;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		while (le > q && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		if (q == le || *q == '#')
			continue;
		if (in_array) {                  /* a multi-line array: skip to its end */
			if (memchr(q, ']', (size_t)(le - q)) && le[-1] == ']')
				in_array = 0;
			continue;
		}
		if (*q == '[') {
			if (in_pkg)
				flush(s, st, e, visible, &k, &npkg, &nbad);
			in_pkg = (size_t)(le - q) == 11 && memcmp(q, "[[package]]", 11) == 0;
			ntables++;
			continue;
		}
		key = q;
		while (q < le && *q != '=' && *q != ' ' && *q != '\t')
			q++;
		ke = q;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= le || *q != '=')
			continue;
		q++;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		if (q < le && *q == '[') {
			in_array = le[-1] != ']';
			continue;
		}
		if (!in_pkg)
			continue;
		{
			size_t kl = (size_t)(ke - key);
			char **slot = NULL;

			if (kl == 4 && memcmp(key, "name", 4) == 0)
				slot = &k.name;
			else if (kl == 7 && memcmp(key, "version", 7) == 0)
				slot = &k.version;
			else if (kl == 6 && memcmp(key, "source", 6) == 0)
				slot = &k.source;
			else if (kl == 8 && memcmp(key, "checksum", 8) == 0)
				slot = &k.checksum;
			if (slot && !*slot)
				*slot = toml_string(q, le);
		}
	}
	if (in_pkg)
		flush(s, st, e, visible, &k, &npkg, &nbad);
	if (nbad)
		lb_scan_warn(s, "'%s' in layer %u: %zu [[package]] table%s without a name: not reported", e->path,
			     e->layer + 1, nbad, nbad == 1 ? "" : "s");
	else if (!ntables && len)
		lb_scan_warn(s, "'%s' in layer %u: no [[package]] table: not a Cargo lock file", e->path, e->layer + 1);
	return 0;
}

/* ---- cargo-auditable data ---- */

struct crate {
	const char *name, *version, *source, *kind;
	int root;
};

/* "runtime" wins over "build": what one binary only built with, another
 * may link. */
static void set_kind(struct lb_component *c, const char *kind)
{
	for (size_t i = 0; i < c->nprops; i++)
		if (strcmp(c->props[i].name, "cargo:kind") == 0) {
			if (strcmp(kind, "runtime") == 0)
				lb_comp_set(&c->props[i].value, kind);
			return;
		}
	lb_comp_add_prop(c, "cargo:kind", kind);
}

static void one_crate(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, int visible,
		      const struct crate *k)
{
	int local = strcmp(k->source, "local") == 0, found;
	struct lb_component *c;
	struct lb_pkgrec *r;
	char *key;

	/* the keys of one_package() where the sources are the same */
	if (local)
		key = lb_xasprintf("%s\x1f%s\x1f", k->name, k->version);
	else if (strcmp(k->source, "crates.io") == 0)
		key = lb_xasprintf("%s\x1f%s\x1f%s", k->name, k->version, crates_io_lock_source);
	else
		key = lb_xasprintf("%s\x1f%s\x1f.dep-v0:%s", k->name, k->version, k->source);
	r = lb_pkgrecs_get(st, key, &found);
	free(key);
	if (!found) {
		r->c = lb_model_add(&s->model, k->root ? LB_COMP_APPLICATION : LB_COMP_LIBRARY, k->name, k->version,
				    "rust");
		if (!local)
			r->c->purl = lb_purl("cargo", NULL, k->name, k->version, NULL, 0);
		lb_comp_add_prop(r->c, "cargo:source", k->source);
		lb_comp_add_evidence(r->c, LB_EV_NOTE, e->path, e->layer, NULL,
				     "cargo-auditable data declares no license (the crate's Cargo.toml does)");
	}
	c = r->c;
	/* a binary that lists a crate twice is one evidence entry */
	if (!c->nev || c->ev[c->nev - 1].kind != LB_EV_BINARY || !c->ev[c->nev - 1].path ||
	    strcmp(c->ev[c->nev - 1].path, e->path) != 0 || c->ev[c->nev - 1].layer != e->layer)
		lb_comp_add_evidence(c, LB_EV_BINARY, e->path, e->layer, ".dep-v0", NULL);
	set_kind(c, k->kind);
	if (k->root && visible && (!c->nfiles || strcmp(c->files[c->nfiles - 1], e->path) != 0))
		lb_comp_add_file(c, e->path);
	if (visible)
		lb_pkgrec_seen_visible(r, e);
	else
		lb_pkgrec_seen_hidden(s, r, e);
}

static const char *json_str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v && *v && strlen(v) <= VALUE_MAX ? v : NULL;
}

/* A package of the list, or -1 when it names no crate. */
static int read_crate(json_t *o, struct crate *k)
{
	json_t *src = json_object_get(o, "source"), *kind = json_object_get(o, "kind");

	memset(k, 0, sizeof(*k));
	if (!json_is_object(o))
		return -1;
	k->name = json_str(o, "name");
	k->version = json_str(o, "version");
	k->source = json_is_object(src) ? json_str(src, "Other") : json_str(o, "source");
	if (!k->name || !k->version || !k->source)
		return -1;
	k->kind = json_is_string(kind) && strcmp(json_string_value(kind), "build") == 0 ? "build" : "runtime";
	k->root = json_is_true(json_object_get(o, "root"));
	return 0;
}

/*
 * The older format has no "root": the root is the one runtime crate no
 * other crate depends on.  Returns its index, or -1.
 */
static long find_root(json_t *pkgs, size_t n)
{
	unsigned char *used = lb_xcalloc(n, 1);
	json_t *pkg, *dep;
	size_t i, j;
	long root = -1;

	json_array_foreach(pkgs, i, pkg) {
		if (i >= n)
			break;
		json_array_foreach(json_object_get(pkg, "dependencies"), j, dep)
			if (json_is_integer(dep) && json_integer_value(dep) >= 0 && (uint64_t)json_integer_value(dep) < n &&
			    (size_t)json_integer_value(dep) != i)
				used[json_integer_value(dep)] = 1;
	}
	json_array_foreach(pkgs, i, pkg) {
		struct crate k;

		if (i >= n)
			break;
		if (used[i] || read_crate(pkg, &k) < 0 || strcmp(k.kind, "runtime") != 0)
			continue;
		if (root >= 0) {
			root = -1;
			break;
		}
		root = (long)i;
	}
	free(used);
	return root;
}

static int scan_deps(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, const unsigned char *p,
		     size_t len)
{
	int visible = lb_scan_visible(s, e), has_root = 0;
	const char *why = NULL;
	json_t *root, *pkgs, *pkg;
	json_error_t err;
	size_t i, n, nbad = 0;
	long fallback = -1;

	if ((!visible && !s->all_layers) || !p || !len)
		return 0;
	switch (p[0]) {
	case ST_DONE:
		break;
	case ST_CORRUPT:
		why = "its zlib data is damaged";
		break;
	case ST_CUT:
		why = "the file ends inside its zlib data";
		break;
	case ST_BIG:
		why = "it inflates to more than 8 MiB";
		break;
	case ST_MISSED:
		why = "its data is not zlib-compressed cargo-auditable JSON";
		break;
	case ST_ELSEWHERE:
		why = "the zlib data found is not at the section's offset";
		break;
	case ST_GAVE_UP:
		lb_scan_warn(s, "'%s' in layer %u: too many zlib-like headers: not searched to the end for "
			     "cargo-auditable data", e->path, e->layer + 1);
		return 0;
	default:
		why = "unknown summary";
		break;
	}
	if (why) {
		lb_scan_warn(s, "'%s' in layer %u: cargo-auditable data (.dep-v0) not read: %s", e->path, e->layer + 1,
			     why);
		return 0;
	}
	p++;
	len--;
	if (!lb_json_depth_ok((const char *)p, len, JSON_DEPTH_MAX)) {
		lb_scan_warn(s, "'%s' in layer %u: cargo-auditable data (.dep-v0) nested deeper than %d: not read",
			     e->path, e->layer + 1, JSON_DEPTH_MAX);
		return 0;
	}
	root = json_loadb((const char *)p, len, 0, &err);
	pkgs = json_object_get(root, "packages");
	if (!json_is_array(pkgs)) {
		lb_scan_warn(s, "'%s' in layer %u: cargo-auditable data (.dep-v0) not read: %s", e->path, e->layer + 1,
			     root ? "no \"packages\" array" : err.text);
		json_decref(root);
		return 0;
	}
	n = json_array_size(pkgs) < MAX_PACKAGES ? json_array_size(pkgs) : MAX_PACKAGES;
	json_array_foreach(pkgs, i, pkg)
		if (i < n && json_is_true(json_object_get(pkg, "root")))
			has_root = 1;
	if (!has_root)
		fallback = find_root(pkgs, n);
	json_array_foreach(pkgs, i, pkg) {
		struct crate k;

		if (i >= n)
			break;
		if (read_crate(pkg, &k) < 0) {
			nbad++;
			continue;
		}
		if ((long)i == fallback)
			k.root = 1;
		one_crate(s, st, e, visible, &k);
	}
	if (nbad)
		lb_scan_warn(s, "'%s' in layer %u: %zu package%s of its cargo-auditable data without a name, version "
			     "or source: not reported", e->path, e->layer + 1, nbad, nbad == 1 ? "" : "s");
	json_decref(root);
	return 0;
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	if (is_lock(e->path))
		return scan_lock(s, vst, e, data, len);
	return scan_deps(s, vst, e, data, len);
}

/* ---- finish ---- */

const struct lb_detector lb_detector_rust = {
	.name = "rust",
	.max_size = LOCK_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
	.stream_begin = stream_begin,
	.stream_data = stream_data,
	.stream_end = stream_end,
};
