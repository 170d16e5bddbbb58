/* SPDX-License-Identifier: Apache-2.0 */
/*
 * golang: Go executables, from the build information the Go linker
 * writes into every binary (Go >= 1.13 with modules; GOPATH builds carry
 * the package path and build settings only).  Read from the bytes, never
 * by running anything.
 *
 * Where: the ELF section ".go.buildinfo"; without section headers (or when
 * they lie past what was read), the first writable PT_LOAD segment, searched
 * at 16-byte steps for the magic, as the Go toolchain itself does.  The
 * blob is "\xff Go buildinf:", pointer size, flags, then (flags & 2, the
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
 * alone is larger) that libmagic calls ELF are read; they are kept whole
 * up to max_size, since the build info sits in the data segment.
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

#define BIN_MAX (256u << 20)
#define MIN_SIZE (512u << 10)
#define MODINFO_MAX (4u << 20)
#define MAX_SETTINGS 64
#define VALUE_MAX 1024

static const char magic[14] = "\xff Go buildinf:";

/*
 * The Go linker puts the ELF note "Go" (type 4, NT_GO_BUILDID) right
 * after the program headers, inside the first 4 KiB the walker sniffs:
 * only binaries that hold it are kept in memory, not every executable of
 * the image.  The note header is namesz 4, descsz, type 4, then "Go\0\0".
 */
static int has_go_note(const unsigned char *p, size_t n)
{
	static const unsigned char name[4] = { 'G', 'o', 0, 0 };

	for (size_t i = 0; i + 16 <= n; i += 4)
		if (memcmp(p + i + 12, name, 4) == 0 && p[i] == 4 && p[i + 1] == 0 && p[i + 2] == 0 &&
		    p[i + 3] == 0 && p[i + 8] == 4 && p[i + 9] == 0 && p[i + 10] == 0 && p[i + 11] == 0)
			return 1;
	return 0;
}

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE || !(e->mode & 0111) || e->size < MIN_SIZE)
		return LB_WANT_NO;
	if (!e->magic)
		return LB_WANT_SNIFF;
	if (strcmp(e->magic, "application/x-executable") != 0 &&
	    strcmp(e->magic, "application/x-pie-executable") != 0 &&
	    strcmp(e->magic, "application/x-sharedlib") != 0)
		return LB_WANT_NO;
	return e->data && has_go_note(e->data, e->data_len) ? LB_WANT_YES : LB_WANT_NO;
}

/* ---- ELF ---- */

struct elf {
	const unsigned char *p;
	size_t len;
	int is64, be;
};

static uint64_t rd(const struct elf *x, size_t off, unsigned w)
{
	uint64_t v = 0;

	if (off > x->len || w > x->len - off)
		return 0;
	for (unsigned i = 0; i < w; i++)
		v |= (uint64_t)x->p[off + (x->be ? w - 1 - i : i)] << (8 * i);
	return v;
}

/* The file range [*off, *off + *size) of section `name`; 0 or -1. */
static int find_section(const struct elf *x, const char *name, uint64_t *off, uint64_t *size)
{
	uint64_t shoff = rd(x, x->is64 ? 40 : 32, x->is64 ? 8 : 4);
	unsigned shentsize = (unsigned)rd(x, x->is64 ? 58 : 46, 2);
	unsigned shnum = (unsigned)rd(x, x->is64 ? 60 : 48, 2);
	unsigned shstrndx = (unsigned)rd(x, x->is64 ? 62 : 50, 2);
	uint64_t stroff, strsize;
	size_t nl = strlen(name);

	if (!shoff || shentsize < (x->is64 ? 64u : 40u) || shstrndx >= shnum || shoff > x->len ||
	    (uint64_t)shnum * shentsize > x->len - shoff)
		return -1;
#define SH(i, f64, f32, w64, w32) rd(x, (size_t)(shoff + (uint64_t)(i) * shentsize + (x->is64 ? f64 : f32)), x->is64 ? w64 : w32)
	stroff = SH(shstrndx, 24, 16, 8, 4);
	strsize = SH(shstrndx, 32, 20, 8, 4);
	if (stroff > x->len || strsize > x->len - stroff)
		return -1;
	for (unsigned i = 0; i < shnum; i++) {
		uint64_t nm = SH(i, 0, 0, 4, 4);

		if (nm + nl + 1 > strsize || memcmp(x->p + stroff + nm, name, nl + 1) != 0)
			continue;
		*off = SH(i, 24, 16, 8, 4);
		*size = SH(i, 32, 20, 8, 4);
		return 0;
	}
#undef SH
	return -1;
}

#define PH(i, f64, f32, w64, w32) rd(x, (size_t)(phoff + (uint64_t)(i) * phentsize + (x->is64 ? f64 : f32)), x->is64 ? w64 : w32)

/* The file range of the first writable, non-executable PT_LOAD. */
static int data_segment(const struct elf *x, uint64_t *off, uint64_t *size)
{
	uint64_t phoff = rd(x, x->is64 ? 32 : 28, x->is64 ? 8 : 4);
	unsigned phentsize = (unsigned)rd(x, x->is64 ? 54 : 42, 2);
	unsigned phnum = (unsigned)rd(x, x->is64 ? 56 : 44, 2);

	if (!phoff || phentsize < (x->is64 ? 56u : 32u) || phoff > x->len ||
	    (uint64_t)phnum * phentsize > x->len - phoff)
		return -1;
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t flags = PH(i, 4, 24, 4, 4);

		if (PH(i, 0, 0, 4, 4) == 1 /* PT_LOAD */ && (flags & 3) == 2 /* W, not X */) {
			*off = PH(i, 8, 4, 8, 4);
			*size = PH(i, 32, 16, 8, 4);
			return 0;
		}
	}
	return -1;
}

/* The file offset of virtual address va, through the PT_LOAD segments. */
static int va_to_off(const struct elf *x, uint64_t va, uint64_t *off)
{
	uint64_t phoff = rd(x, x->is64 ? 32 : 28, x->is64 ? 8 : 4);
	unsigned phentsize = (unsigned)rd(x, x->is64 ? 54 : 42, 2);
	unsigned phnum = (unsigned)rd(x, x->is64 ? 56 : 44, 2);

	if (!phoff || phentsize < (x->is64 ? 56u : 32u) || phoff > x->len ||
	    (uint64_t)phnum * phentsize > x->len - phoff)
		return -1;
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t vaddr = PH(i, 16, 8, 8, 4), filesz = PH(i, 32, 16, 8, 4);

		if (PH(i, 0, 0, 4, 4) == 1 && va >= vaddr && va - vaddr < filesz) {
			*off = PH(i, 8, 4, 8, 4) + (va - vaddr);
			return 0;
		}
	}
	return -1;
}
#undef PH

/* ---- build info ---- */

struct binfo {
	char *goversion;
	char *mod;              /* module info, sentinels stripped; may be NULL */
	size_t modlen;
};

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

/* A Go string header (pointer, length) at file offset off, old format. */
static char *go_string(const struct elf *x, uint64_t off, unsigned ps, size_t max, size_t *outlen)
{
	uint64_t va = rd(x, (size_t)off, ps), n = rd(x, (size_t)off + ps, ps), so;

	if (off + 2 * ps > x->len || !n || n > max || va_to_off(x, va, &so) < 0 || so > x->len ||
	    n > x->len - so)
		return NULL;
	*outlen = (size_t)n;
	return lb_xstrndup((const char *)x->p + so, (size_t)n);
}

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

/* Reads the build info blob at file offset off.  0, or -1 with *why set. */
static int read_blob(const struct elf *x, uint64_t off, struct binfo *b, const char **why)
{
	unsigned ps;
	unsigned char flags;

	if (off > x->len || x->len - off < 32) {
		*why = "the build info lies past the bytes read";
		return -1;
	}
	ps = x->p[off + 14];
	flags = x->p[off + 15];
	if (flags & 2) {
		const unsigned char *p = x->p + off + 32, *end = x->p + x->len;
		uint64_t n;
		size_t used;

		if (uvarint(p, (size_t)(end - p), &n, &used) < 0 || n > 256 || n > (uint64_t)(end - p - (ptrdiff_t)used)) {
			*why = "its Go version string is malformed";
			return -1;
		}
		b->goversion = lb_xstrndup((const char *)p + used, (size_t)n);
		p += used + n;
		if (uvarint(p, (size_t)(end - p), &n, &used) < 0 || n > MODINFO_MAX ||
		    n > (uint64_t)(end - p - (ptrdiff_t)used)) {
			*why = "its module information is malformed";
			return -1;
		}
		b->mod = lb_xstrndup((const char *)p + used, (size_t)n);
		b->modlen = (size_t)n;
	} else {
		struct elf y = *x;
		size_t l = 0;

		if (ps != 4 && ps != 8) {
			*why = "its pointer size is neither 4 nor 8";
			return -1;
		}
		y.be = flags & 1;
		{
			uint64_t va1 = rd(&y, (size_t)off + 16, ps), va2 = rd(&y, (size_t)off + 16 + ps, ps), o1, o2;

			if (va_to_off(&y, va1, &o1) < 0 || va_to_off(&y, va2, &o2) < 0) {
				*why = "its string pointers lead outside the file";
				return -1;
			}
			b->goversion = go_string(&y, o1, ps, 256, &l);
			b->mod = go_string(&y, o2, ps, MODINFO_MAX, &b->modlen);
		}
		if (!b->goversion) {
			*why = "its Go version string is unreadable";
			return -1;
		}
	}
	strip_sentinels(b);
	return 0;
}

/* Finds and reads the build info.  1 found, 0 not a Go binary, -1 damaged
 * (*why set). */
static int find_buildinfo(const unsigned char *p, size_t len, struct binfo *b, const char **why)
{
	struct elf x = { p, len, 0, 0 };
	uint64_t off, size;

	if (len < 64 || memcmp(p, "\x7f" "ELF", 4) != 0 || (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
		return 0;
	x.is64 = p[4] == 2;
	x.be = p[5] == 2;
	if (find_section(&x, ".go.buildinfo", &off, &size) == 0) {
		if (off > len || len - off < sizeof(magic) || memcmp(p + off, magic, sizeof(magic)) != 0) {
			*why = "its .go.buildinfo section does not start with the Go magic";
			return -1;
		}
		return read_blob(&x, off, b, why) == 0 ? 1 : -1;
	}
	if (data_segment(&x, &off, &size) == 0 && off < len) {
		uint64_t end = size > len - off ? len : off + size;

		for (uint64_t o = (off + 15) & ~(uint64_t)15; o + 32 <= end; o += 16)
			if (memcmp(p + o, magic, sizeof(magic)) == 0)
				return read_blob(&x, o, b, why) == 0 ? 1 : -1;
	}
	return 0;
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
	lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, "dep", NULL);
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
		lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, "path", NULL);
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
		lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, "go", NULL);
		place(s, r, e);
	}
	free(name);
	free(v);
	free(gov);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct lb_pkgrecs *st = vst;
	struct binfo b = { 0 };
	const char *why = NULL;
	int rc;

	if (!lb_scan_visible(s, e) && !s->all_layers)
		return 0;
	if (!data)
		return 0;
	rc = find_buildinfo(data, len, &b, &why);
	if (rc < 0)
		lb_scan_warn(s, "'%s' in layer %u: Go build info unreadable: %s%s", e->path, e->layer + 1, why,
			     (e->flags & LB_EF_TRUNCATED) ? " (only the first 256 MiB were read)" : "");
	else if (rc > 0 && b.goversion && *b.goversion)
		report(s, st, e, &b);
	free(b.goversion);
	free(b.mod);
	return 0;
}

/* ---- finish ---- */

const struct lb_detector lb_detector_golang = {
	.name = "golang",
	.max_size = BIN_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
};
