/* SPDX-License-Identifier: Apache-2.0 */
/*
 * golang: Go executables, from the build information the Go linker
 * writes into every binary (Go >= 1.13 with modules; GOPATH builds carry
 * the package path and build settings only).  Read from the bytes, never
 * by running anything.
 *
 * The blob is "\xff Go buildinf:", pointer size, flags, then (flags & 2, the
 * pointer-free format of Go >= 1.18) the Go version and the module info
 * as uvarint-length-prefixed strings; older binaries hold two pointers to
 * Go strings, resolved through the PT_LOAD segments.  The module info is
 * framed by 16 sentinel bytes on each side and holds lines:
 *   path <main package>   mod <path> <version> [<h1:sum>]
 *   dep <path> <version> [<sum>]   => <path> <version> [<sum>] (replaces
 *   the line above)   build <key>=<value>
 *
 * Components: the main package as an application (its module's path and
 * version; "(devel)" means built from a source tree: no version), each
 * dependency as a library pkg:golang/<module>@<version> (a replacement is
 * reported as what was compiled in, with the replaced module in a
 * property), and the standard library as pkg:golang/stdlib@<go version>.
 * Libraries are one component per module version whatever the number of
 * binaries that hold them, with one evidence entry per binary.
 *
 * Only files with an execute bit, at least MIN_SIZE bytes (the Go runtime
 * alone is larger), that libmagic calls ELF and that hold the Go note are
 * read, and they are streamed (detector.h, LB_WANT_STREAM), never kept: see
 * "stream" below for how the build info is found in one pass without the
 * section headers (they sit at the end of the file), and what is kept.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"

#define MIN_SIZE (512u << 10)
#define MODINFO_MAX (4u << 20)
#define VERSION_MAX 256
#define MAX_SETTINGS 64
#define VALUE_MAX 1024

static const char magic[14] = "\xff Go buildinf:";

/* cmd/go's infoStart and infoEnd, around the module info text */
static const unsigned char info_start[16] = {
	0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6
};
static const unsigned char info_end[16] = {
	0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2
};

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE || !(e->mode & 0111) || e->size < MIN_SIZE)
		return LB_WANT_NO;
	if (!e->magic)
		return LB_WANT_SNIFF;
	/* only binaries with the Go note (in the 4 KiB head) are streamed */
	if (!lb_magic_is_elf(e->magic))
		return LB_WANT_NO;
	return e->data && lb_elf_has_go_note(e->data, e->data_len) ? LB_WANT_STREAM : LB_WANT_NO;
}

/* ---- stream ----
 *
 * The build info blob sits at a 16-byte-aligned file offset in a writable
 * PT_LOAD segment (the program headers are in the first HEAD_MAX bytes,
 * which are kept; without a readable writable PT_LOAD, anywhere).  The
 * bytes pass through a window of WIN_BLOCK bytes plus WIN_LOOK bytes of
 * look-ahead: every search starts at an offset of the block, with the
 * look-ahead to finish matching, so a magic or a header across two chunks
 * is seen once, whatever the chunk sizes.
 *
 * Go >= 1.18: the version and module info follow the blob's header and are
 * taken as they stream by (struct grab).
 *
 * Older Go: the header holds the addresses of two string headers
 * (pointer, length), in .noptrdata after the blob; they point to the
 * string bytes, usually in .rodata, which went by before the blob.  So,
 * while the pointers are unknown, the stream keeps what could be those
 * strings: the first MAX_VCANDS texts that start like a Go version
 * ("go1." and a digit, VCAND_LEN bytes each) and the texts framed by
 * cmd/go's sentinels (MAX_MODCAPS, one after the other, MODINFO_MAX bytes
 * in all), each with its file offset; a string header then picks the one at its offset, with
 * its length (or takes the bytes ahead when the string comes later).
 *
 * Memory per file: HEAD_MAX + the window + the candidates (about 140 KiB),
 * plus at most MODINFO_MAX of module info (the framed texts, or the inline
 * blob), whatever the size of the file.
 *
 * The summary for scan(): 'G', a flag byte (SUM_MOD_LOST: the module info
 * the blob points to was not found), the version's length (2 bytes, little
 * endian), the version, the module info as written (sentinels included);
 * or 'E' and the reason the build info is unreadable.  No summary: no blob.
 */

#define HEAD_MAX (64u << 10)
#define WIN_BLOCK (64u << 10)
#define WIN_LOOK 64u
#define MAX_LOADS 32
#define MAX_VCANDS 64
#define VCAND_LEN 64u
#define MAX_MODCAPS 4
#define INLINE_MAX (10u + VERSION_MAX + 10u + MODINFO_MAX)
#define SUM_MOD_LOST 1

enum { GS_SEARCH, GS_INLINE, GS_PTR, GS_DONE, GS_FAIL };

struct seg {
	uint64_t off, filesz, vaddr;
	uint32_t flags;
};

/* Bytes of the file from off on, taken as they pass through the window. */
struct grab {
	uint64_t off;
	size_t want;          /* bytes to take */
	struct lb_buf b;      /* taken so far (b.max: the most it may ever take) */
};

struct vcand {
	uint64_t off;
	size_t n;
	unsigned char b[VCAND_LEN];
};

struct modcap {
	struct grab g;
	int closed;           /* ends with info_end: b.len is the framed length */
};

struct gstream {
	unsigned char head[HEAD_MAX];
	size_t headlen;
	unsigned char win[WIN_BLOCK + WIN_LOOK];
	size_t winlen;
	uint64_t winoff;      /* file offset of win[0] */
	int parsed;

	/* from the ELF and program headers */
	int be;
	struct seg seg[MAX_LOADS];   /* PT_LOAD, by file offset */
	size_t nseg, nwritable;

	int state;
	int fmt;              /* 'I' inline (Go >= 1.18), 'P' pointers, once found */
	const char *why;      /* GS_FAIL's reason, or the first bad blob's */

	/* the blob */
	unsigned ps;
	int bbe;
	struct grab inl;      /* GS_INLINE: what follows the 32-byte header */
	size_t vused, vlen, mused, mlen;   /* uvarint and string lengths, once known */
	int istage;           /* 0 version length, 1 module info length, 2 complete */

	/* GS_PTR: [0] the version, [1] the module info */
	struct grab hdr[2], str[2];
	int sst[2];           /* 0 header pending, 1 string pending, 2 resolved, -1 none */
	int lost[2];          /* its bytes went by before its header, and were not kept */

	struct vcand vc[MAX_VCANDS];
	size_t nvc;
	struct modcap mc[MAX_MODCAPS];
	size_t nmc;
	uint64_t mc_end;      /* file offset past the last closed one */
};

static uint64_t rdn(const unsigned char *p, unsigned w, int be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < w; i++)
		v |= (uint64_t)p[be ? w - 1 - i : i] << (8 * i);
	return v;
}

static int uvarint(const unsigned char *p, size_t n, uint64_t *v, size_t *used)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			*used = i + 1;
			return 0;
		}
	}
	return -1;
}

/* The PT_LOAD segments, from the head.  Not an ELF: GS_FAIL, no reason. */
static void parse_head(struct gstream *g)
{
	const unsigned char *p = g->head;
	size_t len = g->headlen;
	int is64;
	uint64_t phoff;
	unsigned phentsize, phnum;

	g->parsed = 1;
	if (len < 64 || memcmp(p, "\x7f" "ELF", 4) != 0 || (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2)) {
		g->state = GS_FAIL;
		return;
	}
	is64 = p[4] == 2;
	g->be = p[5] == 2;
	phoff = rdn(p + (is64 ? 32 : 28), is64 ? 8 : 4, g->be);
	phentsize = (unsigned)rdn(p + (is64 ? 54 : 42), 2, g->be);
	phnum = (unsigned)rdn(p + (is64 ? 56 : 44), 2, g->be);
	if (!phoff || phentsize < (is64 ? 56u : 32u) || phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return;   /* no segments: the blob is searched anywhere */
	for (unsigned i = 0; i < phnum && g->nseg < MAX_LOADS; i++) {
		const unsigned char *h = p + phoff + (size_t)i * phentsize;
		struct seg s;
		size_t k;

		if (rdn(h, 4, g->be) != 1 /* PT_LOAD */)
			continue;
		s.flags = (uint32_t)rdn(h + (is64 ? 4 : 24), 4, g->be);
		s.off = rdn(h + (is64 ? 8 : 4), is64 ? 8 : 4, g->be);
		s.vaddr = rdn(h + (is64 ? 16 : 8), is64 ? 8 : 4, g->be);
		s.filesz = rdn(h + (is64 ? 32 : 16), is64 ? 8 : 4, g->be);
		if (s.flags & 2 /* PF_W */)
			g->nwritable++;
		/* in file order: the stream meets them in that order */
		for (k = g->nseg; k > 0 && g->seg[k - 1].off > s.off; k--)
			g->seg[k] = g->seg[k - 1];
		g->seg[k] = s;
		g->nseg++;
	}
}

/* The file offset of virtual address va, through the PT_LOAD segments. */
static int va_to_off(const struct gstream *g, uint64_t va, uint64_t *off)
{
	for (size_t i = 0; i < g->nseg; i++)
		if (va >= g->seg[i].vaddr && va - g->seg[i].vaddr < g->seg[i].filesz) {
			*off = g->seg[i].off + (va - g->seg[i].vaddr);
			return 0;
		}
	return -1;
}

static void grab_init(struct grab *gr, uint64_t off, size_t want, size_t max)
{
	gr->off = off;
	gr->want = want;
	lb_buf_init(&gr->b, max);
}

/* Takes what the window holds of [off + taken, off + want).  1 complete,
 * 0 more to come, -1 its bytes went by before it started. */
static int grab_feed(const struct gstream *g, struct grab *gr)
{
	uint64_t at = gr->off + gr->b.len, wend = g->winoff + g->winlen;
	size_t n;

	if (gr->b.len >= gr->want)
		return 1;
	if (at < g->winoff)
		return -1;
	if (at >= wend)
		return 0;
	n = wend - at < gr->want - gr->b.len ? (size_t)(wend - at) : gr->want - gr->b.len;
	if (lb_buf_add(&gr->b, g->win + (at - g->winoff), n) < 0)
		return -1;   /* want > max: not asked for */
	return gr->b.len >= gr->want;
}

static void modcaps_free(struct gstream *g)
{
	for (size_t i = 0; i < g->nmc; i++)
		lb_buf_release(&g->mc[i].g.b);
	g->nmc = 0;
}

/* ---- GS_INLINE ---- */

/* Parses what was taken; sets inl.want to what is needed next. */
static void inline_parse(struct gstream *g)
{
	const unsigned char *p = (const unsigned char *)g->inl.b.p;
	size_t n = g->inl.b.len;
	uint64_t v;

	if (g->istage == 0) {
		if (uvarint(p, n, &v, &g->vused) < 0) {
			if (n >= 10) {
				g->state = GS_FAIL;
				g->why = "its Go version string is malformed";
			}
			return;
		}
		if (v > VERSION_MAX) {
			g->state = GS_FAIL;
			g->why = "its Go version string is malformed";
			return;
		}
		g->vlen = (size_t)v;
		g->istage = 1;
		g->inl.want = g->vused + g->vlen + 10;
	}
	if (g->istage == 1) {
		size_t at = g->vused + g->vlen;

		if (n <= at)
			return;
		if (uvarint(p + at, n - at, &v, &g->mused) < 0) {
			if (n - at >= 10) {
				g->state = GS_FAIL;
				g->why = "its module information is malformed";
			}
			return;
		}
		if (v > MODINFO_MAX) {
			g->state = GS_FAIL;
			g->why = "its module information is malformed";
			return;
		}
		g->mlen = (size_t)v;
		g->istage = 2;
		g->inl.want = at + g->mused + g->mlen;
	}
	if (g->istage == 2 && n >= g->inl.want)
		g->state = GS_DONE;
}

static void inline_step(struct gstream *g)
{
	while (g->state == GS_INLINE) {
		size_t before = g->inl.b.len, want = g->inl.want;

		if (grab_feed(g, &g->inl) < 0) {
			g->state = GS_FAIL;
			g->why = "its module information is malformed";
			return;
		}
		inline_parse(g);
		if (g->inl.b.len == before && g->inl.want == want)
			break;   /* the window has no more of it */
	}
}

/* ---- GS_PTR ---- */

/* "go1.N...", printable throughout: what runtime.buildVersion holds. */
static int version_ok(const unsigned char *p, size_t n)
{
	if (n < 5 || memcmp(p, "go1.", 4) != 0 || !isdigit(p[4]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

/* Looks for string i among the texts kept before it was known: 1 found,
 * 0 maybe later (a framed text at its offset is still open), -1 not kept. */
static int ptr_lookup(struct gstream *g, int i)
{
	uint64_t off = g->str[i].off;
	size_t n = g->str[i].want;

	if (i == 0) {
		for (size_t k = 0; k < g->nvc; k++)
			if (g->vc[k].off == off && g->vc[k].n >= n && version_ok(g->vc[k].b, n)) {
				lb_buf_add(&g->str[i].b, g->vc[k].b, n);
				return 1;
			}
		return -1;
	}
	for (size_t k = 0; k < g->nmc; k++) {
		struct modcap *m = &g->mc[k];

		if (m->g.off != off)
			continue;
		if (!m->closed)
			return 0;
		if (m->g.b.len == n) {
			/* moved, not copied: up to MODINFO_MAX */
			lb_buf_release(&g->str[i].b);
			g->str[i].b = m->g.b;
			lb_buf_init(&m->g.b, 0);
			return 1;
		}
	}
	return -1;
}

static void ptr_step(struct gstream *g)
{
	for (int i = 0; i < 2; i++) {
		if (g->sst[i] == 0) {
			int r = grab_feed(g, &g->hdr[i]);
			const unsigned char *h = (const unsigned char *)g->hdr[i].b.p;
			uint64_t va, n, so;

			if (r < 0)
				g->sst[i] = -1;   /* before the blob: gone */
			if (r <= 0)
				continue;
			va = rdn(h, g->ps, g->bbe);
			n = rdn(h + g->ps, g->ps, g->bbe);
			if (!n || n > (i ? MODINFO_MAX : VERSION_MAX) || va_to_off(g, va, &so) < 0) {
				g->sst[i] = -1;
				continue;
			}
			grab_init(&g->str[i], so, (size_t)n, (size_t)n);
			g->sst[i] = 1;
			if (i == 1)
				for (size_t k = 0; k < g->nmc; k++)
					if (g->mc[k].g.off != so)
						g->mc[k].closed = -1;   /* dropped below */
		}
		if (g->sst[i] == 1) {
			int r = grab_feed(g, &g->str[i]);

			if (r < 0)
				r = ptr_lookup(g, i);
			if (r > 0) {
				g->sst[i] = 2;
			} else if (r < 0) {
				g->sst[i] = -1;
				g->lost[i] = 1;
			}
		}
	}
	/* framed texts at other offsets are no longer of use */
	for (size_t k = 0; k < g->nmc;) {
		if (g->mc[k].closed == -1 || g->sst[1] == 2 || g->sst[1] == -1) {
			lb_buf_release(&g->mc[k].g.b);
			g->mc[k] = g->mc[--g->nmc];
		} else {
			k++;
		}
	}
	if (g->sst[0] != 0 && g->sst[0] != 1 && g->sst[1] != 0 && g->sst[1] != 1)
		g->state = GS_DONE;
}

/* ---- the block of the window: [winoff, winoff + m) ---- */

static void blob_found(struct gstream *g, const unsigned char *h, uint64_t off)
{
	g->ps = h[14];
	if (h[15] & 2) {
		g->state = GS_INLINE;
		g->fmt = 'I';
		grab_init(&g->inl, off + 32, 10, INLINE_MAX);
		modcaps_free(g);
		return;
	}
	g->state = GS_PTR;
	g->fmt = 'P';
	g->bbe = h[15] & 1;
	for (int i = 0; i < 2; i++) {
		uint64_t va = rdn(h + 16 + (unsigned)i * g->ps, g->ps, g->bbe), so;

		if (va_to_off(g, va, &so) < 0) {
			g->state = GS_FAIL;
			g->why = "its string pointers lead outside the file";
			return;
		}
		grab_init(&g->hdr[i], so, 2 * g->ps, 2 * g->ps);
	}
}

/* Checks the aligned offsets of [a, b) (file offsets inside the block). */
static int find_blob_in(struct gstream *g, uint64_t a, uint64_t b)
{
	for (uint64_t o = (a + 15) & ~(uint64_t)15; o < b; o += 16) {
		const unsigned char *p = g->win + (o - g->winoff);
		uint64_t avail = g->winoff + g->winlen - o;
		const char *bad = NULL;

		if (p[0] != 0xff || avail < sizeof(magic) || memcmp(p, magic, sizeof(magic)) != 0)
			continue;
		if (avail < 32)
			bad = "the build info lies past the bytes read";
		else if (p[14] != 4 && p[14] != 8)
			bad = "its pointer size is neither 4 nor 8";
		else if (p[15] & ~3u)
			bad = "its flags are unknown";
		if (!bad) {
			blob_found(g, p, o);
			return 1;
		}
		if (!g->why)
			g->why = bad;   /* reported if no sound blob follows */
	}
	return 0;
}

static void find_blob(struct gstream *g, size_t m)
{
	uint64_t a = g->winoff, b = g->winoff + m;

	if (!g->nwritable) {
		find_blob_in(g, a, b);
		return;
	}
	for (size_t i = 0; i < g->nseg; i++) {
		const struct seg *s = &g->seg[i];
		uint64_t sa = s->off, sb = s->filesz > UINT64_MAX - s->off ? UINT64_MAX : s->off + s->filesz;

		if (!(s->flags & 2) || sb <= a || sa >= b)
			continue;
		if (find_blob_in(g, sa > a ? sa : a, sb < b ? sb : b))
			return;
	}
}

/* Texts that start like a Go version, at offsets of the block. */
static void find_versions(struct gstream *g, size_t m)
{
	size_t i = 0;

	while (i < m && g->nvc < MAX_VCANDS) {
		const unsigned char *q = memmem(g->win + i, g->winlen - i, "go1.", 4);
		size_t k, n;

		if (!q || (size_t)(q - g->win) >= m)
			break;
		k = (size_t)(q - g->win);
		i = k + 1;
		if (k + 4 >= g->winlen || !isdigit(g->win[k + 4]))
			continue;
		n = g->winlen - k < VCAND_LEN ? g->winlen - k : VCAND_LEN;
		g->vc[g->nvc].off = g->winoff + k;
		g->vc[g->nvc].n = n;
		memcpy(g->vc[g->nvc].b, q, n);
		g->nvc++;
	}
}

/* Grows the open framed text (there is at most one) until its end
 * sentinel; past what the others leave of MODINFO_MAX, it is dropped. */
static void modcap_feed(struct gstream *g)
{
	size_t total = 0, k;
	struct modcap *c = NULL;

	for (k = 0; k < g->nmc; k++) {
		if (g->mc[k].closed)
			total += g->mc[k].g.b.len;
		else
			c = &g->mc[k];
	}
	if (!c)
		return;
	{
		size_t old = c->g.b.len, from = old > 15 + 16 ? old - 15 : 16;
		const unsigned char *e;

		c->g.want = MODINFO_MAX > total ? MODINFO_MAX - total : 0;
		if (grab_feed(g, &c->g) >= 0) {
			e = c->g.b.len > from ? memmem(c->g.b.p + from, c->g.b.len - from, info_end, sizeof(info_end)) : NULL;
			if (e) {
				c->g.b.len = (size_t)(e - (const unsigned char *)c->g.b.p) + sizeof(info_end);
				c->g.want = c->g.b.len;
				c->closed = 1;
				g->mc_end = c->g.off + c->g.b.len;
				return;
			}
			if (c->g.b.len < c->g.want)
				return;   /* more to come */
		}
		/* no end within the cap: not the module info */
		lb_buf_release(&c->g.b);
		*c = g->mc[--g->nmc];
	}
}

/* Texts framed by cmd/go's sentinels, one after the other (a module info
 * holds no other): new ones start at offsets of the block. */
static void find_modinfo(struct gstream *g, size_t m, int start)
{
	size_t i = g->mc_end > g->winoff ? (size_t)(g->mc_end - g->winoff) : 0;

	modcap_feed(g);
	while (start && i < m && g->nmc < MAX_MODCAPS) {
		const unsigned char *q;
		size_t k;

		for (k = 0; k < g->nmc && g->mc[k].closed; k++)
			;
		if (k < g->nmc)
			break;   /* one is open past the window */
		if (g->mc_end > g->winoff + i)
			i = (size_t)(g->mc_end - g->winoff);
		if (i >= m || !(q = memmem(g->win + i, g->winlen - i, info_start, sizeof(info_start))) ||
		    (size_t)(q - g->win) >= m)
			break;
		i = (size_t)(q - g->win) + 1;
		grab_init(&g->mc[g->nmc].g, g->winoff + (size_t)(q - g->win), MODINFO_MAX, MODINFO_MAX);
		g->mc[g->nmc++].closed = 0;
		modcap_feed(g);
	}
}

static void process(struct gstream *g, size_t m)
{
	if (!g->parsed)
		parse_head(g);
	if (g->state == GS_SEARCH)
		find_blob(g, m);
	/* the block's candidates before the blob count too: the version and
	 * module info of the pointer format lie before it in the file */
	if (g->state == GS_SEARCH || (g->state == GS_PTR && g->sst[0] == 0))
		find_versions(g, m);
	if (g->state == GS_SEARCH || (g->state == GS_PTR && g->sst[1] < 2 && g->sst[1] >= 0))
		find_modinfo(g, m, g->state == GS_SEARCH || g->sst[1] == 0);
	if (g->state == GS_INLINE)
		inline_step(g);
	if (g->state == GS_PTR)
		ptr_step(g);
}

static void *stream_begin(const struct lb_entry *e)
{
	(void)e;
	return lb_xcalloc(1, sizeof(struct gstream));
}

static void stream_data(void *ctx, const void *vp, size_t n)
{
	struct gstream *g = ctx;
	const unsigned char *p = vp;

	if (g->headlen < HEAD_MAX) {
		size_t k = n < HEAD_MAX - g->headlen ? n : HEAD_MAX - g->headlen;

		memcpy(g->head + g->headlen, p, k);
		g->headlen += k;
	}
	while (n && g->state != GS_DONE && g->state != GS_FAIL) {
		size_t room = sizeof(g->win) - g->winlen, k = n < room ? n : room;

		memcpy(g->win + g->winlen, p, k);
		g->winlen += k;
		p += k;
		n -= k;
		if (g->winlen == sizeof(g->win)) {
			process(g, WIN_BLOCK);
			memmove(g->win, g->win + WIN_BLOCK, WIN_LOOK);
			g->winoff += WIN_BLOCK;
			g->winlen = WIN_LOOK;
		}
	}
}

static unsigned char *summary_error(const char *why, size_t *len)
{
	size_t n = strlen(why);
	unsigned char *out = lb_xmalloc(n + 1);

	out[0] = 'E';
	memcpy(out + 1, why, n);
	*len = n + 1;
	return out;
}

static unsigned char *summary_ok(const unsigned char *v, size_t vl, const unsigned char *mod, size_t ml,
				 unsigned flags, size_t *len)
{
	unsigned char *out = lb_xmalloc(4 + vl + ml + 1);

	out[0] = 'G';
	out[1] = (unsigned char)flags;
	out[2] = (unsigned char)(vl & 0xff);
	out[3] = (unsigned char)(vl >> 8);
	if (vl)
		memcpy(out + 4, v, vl);
	if (ml)
		memcpy(out + 4 + vl, mod, ml);
	*len = 4 + vl + ml;
	return out;
}

static unsigned char *stream_end(void *ctx, size_t *len)
{
	struct gstream *g = ctx;
	unsigned char *out = NULL;

	*len = 0;
	if (g->state != GS_DONE && g->state != GS_FAIL) {
		/* the last block, without look-ahead */
		process(g, g->winlen);
	}
	if (g->fmt == 'I' && g->state == GS_DONE) {
		const unsigned char *p = (const unsigned char *)g->inl.b.p;

		out = summary_ok(p + g->vused, g->vlen, p + g->vused + g->vlen + g->mused, g->mlen, 0, len);
	} else if (g->state == GS_INLINE) {
		out = summary_error(g->istage == 0 ? "its Go version string is malformed"
				    : "its module information is malformed", len);
	} else if (g->fmt == 'P' && g->state != GS_FAIL) {
		if (g->sst[0] != 2)
			out = summary_error("its Go version string is unreadable", len);
		else
			out = summary_ok((const unsigned char *)g->str[0].b.p, g->str[0].b.len,
					 g->sst[1] == 2 ? (const unsigned char *)g->str[1].b.p : NULL,
					 g->sst[1] == 2 ? g->str[1].b.len : 0,
					 g->lost[1] ? SUM_MOD_LOST : 0, len);
	} else if (g->why) {
		out = summary_error(g->why, len);
	}
	lb_buf_release(&g->inl.b);
	for (int i = 0; i < 2; i++) {
		lb_buf_release(&g->hdr[i].b);
		lb_buf_release(&g->str[i].b);
	}
	modcaps_free(g);
	free(g);
	return out;
}

/* ---- build info ---- */

struct binfo {
	char *goversion;
	char *mod;              /* module info, sentinels stripped; may be NULL */
	size_t modlen;
};

static void strip_sentinels(struct binfo *b)
{
	/* cmd/go's infoStart and infoEnd: 16 bytes each around the text */
	if (b->mod && b->modlen >= 33 && b->mod[b->modlen - 17] == '\n') {
		memmove(b->mod, b->mod + 16, b->modlen - 32);
		b->modlen -= 32;
		b->mod[b->modlen] = '\0';
	} else {
		free(b->mod);
		b->mod = NULL;
		b->modlen = 0;
	}
}

/* ---- module info lines ---- */

struct mod {
	const char *path, *version, *sum;
	size_t pl, vl, sl;
	const char *rpath, *rversion, *rsum;   /* its replacement, or NULL */
	size_t rpl, rvl, rsl;
};

/* Splits a line's tab-separated fields after the keyword. */
static size_t fields(const char *p, const char *end, const char **f, size_t *fl, size_t cap)
{
	size_t n = 0;

	while (p <= end && n < cap) {
		const char *t = memchr(p, '\t', (size_t)(end - p));
		const char *fe = t ? t : end;

		f[n] = p;
		fl[n++] = (size_t)(fe - p);
		if (!t)
			break;
		p = t + 1;
	}
	return n;
}

/* "pkg:golang/<namespace>/<name>@<version>": the namespace is the path up
 * to its last segment. */
static char *go_purl(const char *path, const char *version)
{
	const char *slash = strrchr(path, '/');
	char *ns = slash ? lb_xstrndup(path, (size_t)(slash - path)) : NULL;
	char *purl = lb_purl("golang", ns, slash ? slash + 1 : path, version, NULL, 0);

	free(ns);
	return purl;
}

static void place(struct lb_scan *s, struct lb_pkgrec *r, const struct lb_entry *e)
{
	if (lb_scan_visible(s, e)) {
		lb_pkgrec_seen_visible(r, e);
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
}

/* "v1.2.3" as is; "(devel)" and empty mean no version. */
static char *version_of(const char *v, size_t n)
{
	if (!n || (n == 7 && memcmp(v, "(devel)", 7) == 0))
		return NULL;
	return lb_xstrndup(v, n > VALUE_MAX ? VALUE_MAX : n);
}

static void add_dep(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, const struct mod *m)
{
	int local = m->rpath && (m->rpath[0] == '.' || m->rpath[0] == '/');
	const char *path = m->rpath && !local ? m->rpath : m->path;
	size_t pl = m->rpath && !local ? m->rpl : m->pl;
	char *p = lb_xstrndup(path, pl > VALUE_MAX ? VALUE_MAX : pl);
	char *v = local ? NULL : m->rpath ? version_of(m->rversion, m->rvl) : version_of(m->version, m->vl);
	char *key = lb_xasprintf("dep\x1f%s\x1f%s\x1f%.*s", p, v ? v : "", local ? (int)(m->rpl > VALUE_MAX ? VALUE_MAX : m->rpl) : 0,
				 local ? m->rpath : "");
	int found;
	struct lb_pkgrec *r = lb_pkgrecs_get(st, key, &found);

	if (!found) {
		const char *sum = m->rpath ? m->rsum : m->sum;
		size_t sl = m->rpath ? m->rsl : m->sl;

		r->c = lb_model_add(&s->model, LB_COMP_LIBRARY, p, v, "golang");
		r->c->purl = go_purl(p, v);
		if (sl) {
			char *sv = lb_xstrndup(sum, sl > VALUE_MAX ? VALUE_MAX : sl);

			lb_comp_add_prop(r->c, "go:sum", sv);
			free(sv);
		}
		if (m->rpath) {
			char *was = lb_xasprintf("%.*s@%.*s", (int)(m->pl > VALUE_MAX ? VALUE_MAX : m->pl), m->path,
						 (int)(m->vl > VALUE_MAX ? VALUE_MAX : m->vl), m->version);

			lb_comp_add_prop(r->c, "go:replaces", was);
			free(was);
			if (local) {
				char *dir = lb_xstrndup(m->rpath, m->rpl > VALUE_MAX ? VALUE_MAX : m->rpl);

				lb_comp_add_prop(r->c, "go:replaced-by-directory", dir);
				free(dir);
			}
		}
	}
	lb_comp_add_evidence(r->c, LB_EV_BINARY, e->path, e->layer, "dep", NULL);
	place(s, r, e);
	free(p);
	free(v);
	free(key);
}

/* A build setting "key=value"; the value may be Go-quoted. */
static void add_setting(struct lb_component *c, const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	char *k, *v;

	if (!eq || eq == p)
		return;
	k = lb_xasprintf("go:build:%.*s", (int)((size_t)(eq - p) > 128 ? 128 : (size_t)(eq - p)), p);
	/* a property name: keep the characters Go's keys use ("-ldflags",
	 * "vcs.revision", "CGO_ENABLED"), whatever the binary says */
	for (char *q = k + 9; *q; q++)
		if (!isalnum((unsigned char)*q) && *q != '-' && *q != '.' && *q != '_')
			*q = '_';
	n -= (size_t)(eq + 1 - p);
	p = eq + 1;
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		/* strconv.Quote'd */
		struct lb_buf b;

		lb_buf_init(&b, VALUE_MAX);
		for (size_t i = 1; i + 1 < n; i++) {
			char ch = p[i];

			/* \" and \\ only: other escapes stay as written, so no
			 * control character reaches a property */
			if (ch == '\\' && i + 2 < n && (p[i + 1] == '"' || p[i + 1] == '\\'))
				ch = p[++i];
			if (lb_buf_add(&b, &ch, 1) < 0)
				break;
		}
		v = b.p ? lb_buf_detach(&b, NULL) : lb_xstrdup("");
	} else {
		v = lb_xstrndup(p, n > VALUE_MAX ? VALUE_MAX : n);
	}
	lb_comp_add_prop(c, k, v);
	free(k);
	free(v);
}

static void report(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, const struct binfo *b)
{
	const char *p = b->mod, *end = b->mod ? b->mod + b->modlen : NULL;
	const char *path = NULL, *settings[MAX_SETTINGS];
	size_t pathl = 0, nsettings = 0, settingl[MAX_SETTINGS];
	struct mod mainmod = { 0 }, dep = { 0 };
	int have_dep = 0, have_main = 0;
	char *gov, *key, *name, *v;
	struct lb_pkgrec *r;
	int found;
	char hex[65];

	/* the stdlib: "go1.19.8" (maybe with " X:experiment") -> 1.19.8 */
	{
		const char *g = b->goversion;
		size_t gl;

		if (strncmp(g, "go", 2) == 0)
			g += 2;
		gl = strcspn(g, " \t");
		gov = gl ? lb_xstrndup(g, gl) : NULL;
	}
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *f[5];
		size_t fl[5], n = fields(p, le, f, fl, 5);

		if (n >= 2 && fl[0] == 4 && memcmp(f[0], "path", 4) == 0) {
			path = f[1];
			pathl = fl[1];
		} else if (n >= 3 && ((fl[0] == 3 && (memcmp(f[0], "mod", 3) == 0 || memcmp(f[0], "dep", 3) == 0)))) {
			struct mod *m = f[0][0] == 'm' ? &mainmod : &dep;

			if (have_dep)
				add_dep(s, st, e, &dep);
			have_dep = 0;
			memset(m, 0, sizeof(*m));
			m->path = f[1];
			m->pl = fl[1];
			m->version = f[2];
			m->vl = fl[2];
			if (n >= 4) {
				m->sum = f[3];
				m->sl = fl[3];
			}
			if (m == &dep)
				have_dep = 1;
			else
				have_main = 1;
		} else if (n >= 2 && fl[0] == 2 && memcmp(f[0], "=>", 2) == 0) {
			struct mod *m = have_dep ? &dep : &mainmod;

			m->rpath = f[1];
			m->rpl = fl[1];
			m->rversion = n >= 3 ? f[2] : "";
			m->rvl = n >= 3 ? fl[2] : 0;
			if (n >= 4) {
				m->rsum = f[3];
				m->rsl = fl[3];
			}
		} else if (n >= 2 && fl[0] == 5 && memcmp(f[0], "build", 5) == 0 && nsettings < MAX_SETTINGS) {
			settings[nsettings] = f[1];
			settingl[nsettings++] = (size_t)(le - f[1]);
		}
		p = nl ? nl + 1 : end;
	}
	if (have_dep)
		add_dep(s, st, e, &dep);

	/* the main package */
	if (have_main) {
		name = lb_xstrndup(mainmod.path, mainmod.pl > VALUE_MAX ? VALUE_MAX : mainmod.pl);
		v = version_of(mainmod.version, mainmod.vl);
	} else if (path) {
		name = lb_xstrndup(path, pathl > VALUE_MAX ? VALUE_MAX : pathl);   /* GOPATH build */
		v = NULL;
	} else {
		name = NULL;
		v = NULL;
	}
	lb_hex(hex, e->sha256, 32);
	if (name) {
		/* one binary, one application: identical copies are one */
		key = lb_xasprintf("main\x1f%s", hex);
		r = lb_pkgrecs_get(st, key, &found);
		free(key);
		if (!found) {
			struct lb_component *c = lb_model_add(&s->model, LB_COMP_APPLICATION, name, v, "golang");

			r->c = c;
			c->purl = go_purl(name, v);
			if (path) {
				char *pp = lb_xstrndup(path, pathl > VALUE_MAX ? VALUE_MAX : pathl);

				lb_comp_add_prop(c, "go:package", pp);
				free(pp);
			}
			if (have_main && !v && mainmod.vl) {
				char *raw = lb_xstrndup(mainmod.version, mainmod.vl > VALUE_MAX ? VALUE_MAX : mainmod.vl);

				lb_comp_add_prop(c, "go:module-version", raw);
				free(raw);
			}
			if (!have_main)
				lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL,
						     "built in GOPATH mode: the binary names no module, version or dependencies");
			lb_comp_add_prop(c, "go:version", b->goversion);
			for (size_t i = 0; i < nsettings; i++)
				add_setting(c, settings[i], settingl[i]);
			c->has_digest = 1;
			memcpy(c->sha256, e->sha256, 32);
			memcpy(c->sha1, e->sha1, 20);
		}
		lb_comp_add_evidence(r->c, LB_EV_BINARY, e->path, e->layer, "path", NULL);
		if (lb_scan_visible(s, e))
			lb_comp_add_file(r->c, e->path);
		place(s, r, e);
	}
	if (gov) {
		key = lb_xasprintf("stdlib\x1f%s", gov);
		r = lb_pkgrecs_get(st, key, &found);
		free(key);
		if (!found) {
			r->c = lb_model_add(&s->model, LB_COMP_LIBRARY, "stdlib", gov, "golang");
			r->c->purl = lb_purl("golang", NULL, "stdlib", gov, NULL, 0);
			lb_comp_add_prop(r->c, "go:version", b->goversion);
		}
		lb_comp_add_evidence(r->c, LB_EV_BINARY, e->path, e->layer, "go", NULL);
		place(s, r, e);
	}
	free(name);
	free(v);
	free(gov);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct lb_pkgrecs *st = vst;
	const unsigned char *p = data;
	struct binfo b = { 0 };
	size_t vl;

	if (!lb_scan_visible(s, e) && !s->all_layers)
		return 0;
	if (!p || !len)
		return 0;
	if (p[0] == 'E') {
		size_t n = len - 1 > 200 ? 200 : len - 1;

		lb_scan_warn(s, "'%s' in layer %u: Go build info unreadable: %.*s", e->path, e->layer + 1, (int)n,
			     (const char *)p + 1);
		return 0;
	}
	/* the stream's summary: 'G', flags, version length, version, module info */
	if (p[0] != 'G' || len < 4 || (vl = (size_t)p[2] | (size_t)p[3] << 8) > len - 4)
		return 0;
	b.goversion = lb_xstrndup((const char *)p + 4, vl);
	b.modlen = len - 4 - vl;
	b.mod = lb_xstrndup((const char *)p + 4 + vl, b.modlen);
	strip_sentinels(&b);
	if (p[1] & SUM_MOD_LOST)
		lb_scan_warn(s, "'%s' in layer %u: Go module information not found where the build info points: "
			     "no dependencies reported", e->path, e->layer + 1);
	if (*b.goversion)
		report(s, st, e, &b);
	free(b.goversion);
	free(b.mod);
	return 0;
}

/* ---- finish ---- */

const struct lb_detector lb_detector_golang = {
	.name = "golang",
	.max_size = 0,   /* nothing is kept: the files are streamed */
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
	.stream_begin = stream_begin,
	.stream_data = stream_data,
	.stream_end = stream_end,
};
