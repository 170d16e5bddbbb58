/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rust: Rust crates, from Cargo.lock files.
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
 * Not read: cargo-auditable's dependency list in ELF binaries (.dep-v0).
 * The walker keeps a sniffed file only when its first 4 KiB show it is
 * worth reading, and the section headers that locate .dep-v0 are at the
 * end of an executable: there is no cheap, reliable test on the head.
 *
 * One crate, one component: the same name, version and source in several
 * lock files is one component with one evidence entry per lock file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"

#define LOCK_MAX (8u << 20)          /* large workspaces: ~300 KB */
#define FIELD_MAX 4096
#define MAX_PACKAGES 100000

static const char *const skip_dirs[] = {
	"/.cargo/registry/",
	"/.cargo/git/",
	"/share/cargo/registry/",
};

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE || !lb_str_has_suffix(e->path, "/Cargo.lock"))
		return LB_WANT_NO;
	for (size_t i = 0; i < LB_ARRAY_SIZE(skip_dirs); i++)
		if (strstr(e->path, skip_dirs[i]))
			return LB_WANT_NO;
	return LB_WANT_YES;
}

/* ---- the TOML subset ---- */

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static void add_utf8(struct lb_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	lb_buf_add(b, u, n);
}

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

				while (i < nd && p + 2 + i < le && hexval(p[2 + i]) >= 0)
					cp = cp * 16 + (unsigned long)hexval(p[2 + i++]);
				add_utf8(&b, cp > 0x10ffff ? 0 : cp);
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

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct lb_pkgrecs *st = vst;
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

/* ---- finish ---- */

const struct lb_detector lb_detector_rust = {
	.name = "rust",
	.max_size = LOCK_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
};
