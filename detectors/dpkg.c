/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dpkg: Debian and Ubuntu packages.
 *
 * Reads, from every layer that holds them:
 *  - /var/lib/dpkg/status: the installed set as that layer left it (one
 *    snapshot per layer, see core/pkghist.h for the attribution);
 *  - /var/lib/dpkg/status.d/NAME (distroless images, one stanza a file,
 *    no Status field) and status.d/NAME.md5sums for ownership;
 *  - /var/lib/dpkg/info/NAME[:ARCH].list: the files a package owns;
 *  - /usr/share/doc/NAME/copyright: the license and copyright statements.
 *
 * Licenses: a machine-readable copyright file (DEP-5) gives the declared
 * license (the header's or "Files: *"'s License short name) and the
 * concluded one (the short names of every paragraph, joined with AND: the
 * package holds files under each), read in the Debian dialect
 * (core/spdx.h); a name that maps to nothing becomes a LicenseRef whose
 * text is the stand-alone License paragraph of that name.  Any other
 * copyright file gives the licenses it names by their
 * /usr/share/common-licenses/NAME references, with "or (at your option)
 * any later version" in the file deciding -or-later.  The package's own
 * doc directory may be a symbolic link to another package's (Debian does
 * this for packages of one source); it is followed inside the image only.
 *
 * A copyright file that a later layer deleted (slim images) still tells
 * the package's license: the declared license is read from the lower
 * layer's copy, and a note in the evidence says the image no longer ships
 * the text (a redistribution problem the compliance reviewer must see).
 * A package with no copyright file at all is NOASSERTION, with the reason.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "hashmap.h"
#include "pkghist.h"
#include "scan.h"

#define STATUS_MAX (256u << 20)       /* a huge status file is ~10 MB */
#define COPYRIGHT_MAX (4u << 20)
#define MAX_STANZA_FIELD (1u << 20)
#define MAX_COPYRIGHTS 200            /* statements kept per package */

#define STATUS "/var/lib/dpkg/status"
#define STATUS_D "/var/lib/dpkg/status.d/"
#define INFO "/var/lib/dpkg/info/"
#define DOC "/usr/share/doc/"

struct pkg {
	char *name, *arch, *version, *source, *source_version;
	char *maintainer, *homepage, *summary;
	char *db;               /* the database file it was read from */
	int db_layer;
	const struct lb_entry *md5sums;   /* status.d: its .md5sums, or NULL */
};

struct state {
	struct lb_pkghist *hist;
	/* every distinct name:arch@version seen, with its metadata */
	struct pkg *pkgs;
	size_t npkgs, cap;
	struct lb_hashmap seen;             /* key -> index in pkgs */
	struct lb_arena mem;                /* map keys */
	const struct lb_entry *status;      /* the topmost status file */
	/* status.d stanzas visible in the final view */
	const struct lb_entry **statusd;
	size_t nstatusd, statusd_cap;
	int any_db;
	/* bytes of path hashed resolving listed paths through symbolic
	 * links (merged /usr): a hostile image's lists get a bounded share */
	size_t resolve_budget;
	int resolve_warned;
};

#define RESOLVE_BUDGET ((size_t)256 << 20)

static int wants(const struct lb_entry *e)
{
	const char *p = e->path;

	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	if (strcmp(p, STATUS) == 0)
		return LB_WANT_YES;
	if (lb_str_has_prefix(p, STATUS_D) && !strchr(p + sizeof(STATUS_D) - 1, '/'))
		return LB_WANT_YES;
	if (lb_str_has_prefix(p, INFO) && lb_str_has_suffix(p, ".list") &&
	    !strchr(p + sizeof(INFO) - 1, '/'))
		return LB_WANT_YES;
	if (lb_str_has_prefix(p, DOC) && lb_str_has_suffix(p, "/copyright")) {
		const char *d = p + sizeof(DOC) - 1;
		const char *slash = strchr(d, '/');

		return slash && strcmp(slash, "/copyright") == 0 && slash > d;
	}
	return LB_WANT_NO;
}

static void *state_new(void)
{
	struct state *st = lb_xcalloc(1, sizeof(*st));

	st->hist = lb_pkghist_new();
	lb_hashmap_init(&st->seen);
	lb_arena_init(&st->mem);
	st->resolve_budget = RESOLVE_BUDGET;
	return st;
}

static void pkg_release(struct pkg *p)
{
	free(p->name);
	free(p->arch);
	free(p->version);
	free(p->source);
	free(p->source_version);
	free(p->maintainer);
	free(p->homepage);
	free(p->summary);
	free(p->db);
}

static void state_free(void *vst)
{
	struct state *st = vst;

	if (!st)
		return;
	for (size_t i = 0; i < st->npkgs; i++)
		pkg_release(&st->pkgs[i]);
	free(st->pkgs);
	free(st->statusd);
	lb_hashmap_release(&st->seen);
	lb_arena_release(&st->mem);
	lb_pkghist_free(st->hist);
	free(st);
}

/* ---- control stanzas ---- */

struct field {
	const char *name;
	size_t nlen;
	const char *val;        /* first line, leading blanks skipped */
	size_t vlen;            /* the whole value, continuation lines included */
};

/*
 * Splits the next stanza of [*p, end) into fields (at most cap).  Returns
 * the number of fields, 0 at the end.  Values keep their continuation
 * lines ("\n " prefixed) as written.
 */
static size_t next_stanza(const char **pp, const char *end, struct field *f, size_t cap)
{
	const char *p = *pp;
	size_t n = 0;

	while (p < end && (*p == '\n' || *p == '\r'))
		p++;
	while (p < end && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon;

		if (*p == ' ' || *p == '\t') {            /* continuation */
			if (n)
				f[n - 1].vlen = (size_t)(le - f[n - 1].val);
		} else if (*p == '#') {
			/* comment line (copyright files) */
		} else if ((colon = memchr(p, ':', (size_t)(le - p))) != NULL && n < cap) {
			const char *v = colon + 1;

			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			f[n].name = p;
			f[n].nlen = (size_t)(colon - p);
			f[n].val = v;
			f[n].vlen = (size_t)(le - v);
			n++;
		}
		p = nl ? nl + 1 : end;
		if (p < end && *p == '\r')
			p++;
		/* a line holding only blanks ends the stanza too */
		if (p < end) {
			const char *q = p;

			while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q < end && *q == '\n' && q > p)
				break;
		}
	}
	*pp = p;
	return n;
}

static const struct field *get(const struct field *f, size_t n, const char *name)
{
	size_t l = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (f[i].nlen == l && strncasecmp(f[i].name, name, l) == 0)
			return &f[i];
	return NULL;
}

/* The first line of a field, trimmed, as a new string; NULL when absent. */
static char *first_line(const struct field *fl)
{
	const char *v, *e;

	if (!fl)
		return NULL;
	v = fl->val;
	e = memchr(v, '\n', fl->vlen);
	if (!e)
		e = v + fl->vlen;
	while (e > v && isspace((unsigned char)e[-1]))
		e--;
	if (e > v + MAX_STANZA_FIELD)
		e = v + MAX_STANZA_FIELD;
	return e > v ? lb_xstrndup(v, (size_t)(e - v)) : NULL;
}

/* dpkg's Status: "want flag status"; files are in place and configured
 * for installed and the two trigger states (dpkg -l shows ii, it, iw). */
static int is_installed(const struct field *st)
{
	char *s;
	const char *last;
	int ok;

	if (!st)
		return 1;                  /* status.d stanzas have no Status */
	s = first_line(st);
	if (!s)
		return 0;
	last = strrchr(s, ' ');
	last = last ? last + 1 : s;
	ok = strcmp(last, "installed") == 0 || strcmp(last, "triggers-pending") == 0 ||
	     strcmp(last, "triggers-awaited") == 0;
	free(s);
	return ok;
}

static char *pkg_key(const char *name, const char *arch)
{
	return lb_xasprintf("%s:%s", name, arch ? arch : "");
}

/* Records name:arch@version (first occurrence wins) and returns it. */
static struct pkg *remember(struct state *st, const struct field *f, size_t n,
			    const char *db, int layer)
{
	char *name = first_line(get(f, n, "Package"));
	char *arch = first_line(get(f, n, "Architecture"));
	char *version = first_line(get(f, n, "Version"));
	char *key, *mk;
	uint32_t *slot;
	int found;
	struct pkg *p;
	char *src;

	if (!name || !version) {
		free(name);
		free(arch);
		free(version);
		return NULL;
	}
	key = lb_xasprintf("%s:%s\x1f%s", name, arch ? arch : "", version);
	mk = lb_arena_strdup(&st->mem, key);
	free(key);
	slot = lb_hashmap_put(&st->seen, mk, strlen(mk), (uint32_t)st->npkgs, &found);
	if (found) {
		free(name);
		free(arch);
		free(version);
		return &st->pkgs[*slot];
	}
	lb_xgrow((void **)&st->pkgs, &st->cap, st->npkgs + 1, sizeof(*st->pkgs));
	p = &st->pkgs[st->npkgs++];
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->arch = arch;
	p->version = version;
	p->maintainer = first_line(get(f, n, "Maintainer"));
	p->homepage = first_line(get(f, n, "Homepage"));
	p->summary = first_line(get(f, n, "Description"));
	p->db = lb_xstrdup(db);
	p->db_layer = layer;
	/* Source: "name" or "name (version)" */
	src = first_line(get(f, n, "Source"));
	if (src) {
		char *paren = strchr(src, '(');

		if (paren) {
			char *close = strchr(paren, ')');
			char *e = paren;

			while (e > src && e[-1] == ' ')
				e--;
			if (close)
				p->source_version = lb_xstrndup(paren + 1, (size_t)(close - paren - 1));
			p->source = lb_xstrndup(src, (size_t)(e - src));
			free(src);
		} else {
			p->source = src;
		}
	}
	return p;
}

/* ---- scan ---- */

static void read_status(struct lb_scan *s, struct state *st, const struct lb_entry *e)
{
	const char *p = (const char *)e->data, *end = p + e->data_len;
	struct field f[64];
	size_t n;

	if (e->flags & LB_EF_TRUNCATED)
		lb_scan_warn(s, "'%s' in layer %u is larger than %u MiB: packages past that are not reported",
			     e->path, e->layer + 1, STATUS_MAX >> 20);
	lb_pkghist_snapshot(st->hist, e->layer);
	while ((n = next_stanza(&p, end, f, LB_ARRAY_SIZE(f))) > 0) {
		struct pkg *pk;

		if (!is_installed(get(f, n, "Status")))
			continue;
		pk = remember(st, f, n, e->path, e->layer);
		if (pk) {
			char *k = pkg_key(pk->name, pk->arch);

			lb_pkghist_add(st->hist, k, pk->version);
			free(k);
		}
	}
	st->status = e;
	st->any_db = 1;
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct state *st = vst;

	(void)data;
	(void)len;
	if (strcmp(e->path, STATUS) == 0) {
		read_status(s, st, e);
	} else if (lb_str_has_prefix(e->path, STATUS_D)) {
		if (lb_scan_visible(s, e) && !lb_str_has_suffix(e->path, ".md5sums")) {
			lb_xgrow((void **)&st->statusd, &st->statusd_cap, st->nstatusd + 1, sizeof(*st->statusd));
			st->statusd[st->nstatusd++] = e;
		}
	}
	/* .list and copyright files are looked up by path in finish() */
	return 0;
}

/* ---- ownership ---- */

static void add_owned(struct lb_scan *s, struct state *st, struct lb_component *c,
		      const struct lb_entry *list, int md5sums)
{
	const char *p, *end;

	if (!list || !list->data)
		return;
	p = (const char *)list->data;
	end = p + list->data_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		char path[4096];
		size_t l;

		if (md5sums) {                 /* "md5  relative/path" */
			const char *sp = memchr(p, ' ', (size_t)(le - p));

			if (!sp) {
				p = le + 1;
				continue;
			}
			while (sp < le && *sp == ' ')
				sp++;
			l = (size_t)(le - sp);
			if (l + 2 < sizeof(path)) {
				path[0] = '/';
				memcpy(path + 1, sp, l);
				path[l + 1] = '\0';
			} else {
				l = 0;
				path[0] = '\0';
			}
		} else {
			l = (size_t)(le - p);
			if (l < sizeof(path)) {
				memcpy(path, p, l);
				path[l] = '\0';
			} else {
				path[0] = '\0';
			}
		}
		if (path[0] == '/') {
			/* merged /usr: the list says /bin/x, the image holds /usr/bin/x */
			const struct lb_entry *f = lb_scan_lookup_resolved(s, path, &st->resolve_budget);

			if (!st->resolve_budget && !st->resolve_warned) {
				lb_scan_warn(s, "'%s': too many listed paths to follow through symbolic links; "
					     "some files are not attributed to their packages", list->path);
				st->resolve_warned = 1;
			}

			if (f && f->type != LB_FT_DIR) {
				lb_comp_add_file(c, f->path);
				if ((int)f->layer > c->last_changed)
					c->last_changed = f->layer;
			} else if (!f) {
				/* deleting a file of the package changes it too */
				int d = lb_scan_deleted_in(s, path, c->last_changed);

				if (d > c->last_changed)
					c->last_changed = d;
			}
		}
		p = le + 1;
	}
}

/* ---- copyright files ---- */

/* The copyright entry of a package: the visible one (following a doc
 * directory that is a symbolic link, inside the image), else the one a
 * later layer hid.  *hidden_by gets the hiding layer, or -1. */
static const struct lb_entry *find_copyright(struct lb_scan *s, const char *pkg, int *hidden_by)
{
	char path[4200], dir[4096];
	const struct lb_entry *e, *d;

	*hidden_by = -1;
	snprintf(dir, sizeof(dir), DOC "%s", pkg);
	for (int hop = 0; hop < 4; hop++) {
		d = lb_scan_lookup(s, dir);
		if (!d || d->type != LB_FT_SYMLINK || !d->link_target)
			break;
		/* usr/share/doc/libfoo1 -> libfoo-common, or an absolute path */
		if (d->link_target[0] == '/')
			snprintf(path, sizeof(dir), "%s", d->link_target);
		else
			snprintf(path, sizeof(dir), DOC "%s", d->link_target);
		if (lb_path_normalize(path, dir, sizeof(dir)) <= 0)
			return NULL;
	}
	snprintf(path, sizeof(path), "%s/copyright", dir);
	e = lb_scan_lookup(s, path);
	if (e && e->type == LB_FT_FILE)
		return e;
	/* hidden: the topmost lower layer's copy */
	for (size_t i = s->nlayers; i-- > 0;) {
		e = lb_scan_layer_lookup(s, (unsigned)i, path);
		if (e && e->type == LB_FT_FILE && e->data) {
			*hidden_by = lb_scan_hidden_by(s, e);
			return e;
		}
	}
	return NULL;
}

static int is_dep5(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t l = nl ? (size_t)(nl - p) : n;

	/* "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
	 * and the older "Format-Specification:" / dep5 URLs */
	return (l > 7 && strncasecmp(p, "Format:", 7) == 0) ||
	       (l > 21 && strncasecmp(p, "Format-Specification:", 21) == 0);
}

struct dep5 {
	const char *data;
	size_t len;
	char *last;             /* the text dep5_text() returned last; owned */
};

/* The text of the stand-alone License paragraph named `words`, or of a
 * Files paragraph's License field that has a body. */
static const char *dep5_text(void *ctx, const char *words)
{
	struct dep5 *d = ctx;
	const char *p = d->data, *end = d->data + d->len;
	struct field f[32];
	size_t n;

	free(d->last);
	d->last = NULL;
	while ((n = next_stanza(&p, end, f, LB_ARRAY_SIZE(f))) > 0) {
		const struct field *lf = get(f, n, "License");
		char *name;
		const char *nl;

		if (!lf)
			continue;
		name = first_line(lf);
		if (!name || strcasecmp(name, words) != 0 || !(nl = memchr(lf->val, '\n', lf->vlen))) {
			free(name);
			continue;
		}
		free(name);
		{
			/* the body: continuation lines, one leading space removed,
			 * " ." lines are empty lines (deb822) */
			struct lb_buf b;
			const char *q = nl + 1, *qe = lf->val + lf->vlen;

			lb_buf_init(&b, COPYRIGHT_MAX);
			while (q < qe) {
				const char *le = memchr(q, '\n', (size_t)(qe - q));

				if (!le)
					le = qe;
				if (q < le && (*q == ' ' || *q == '\t'))
					q++;
				if (le - q == 1 && *q == '.')
					q = le;
				lb_buf_add(&b, q, (size_t)(le - q));
				lb_buf_add(&b, "\n", 1);
				q = le + 1;
			}
			d->last = b.p ? lb_buf_detach(&b, NULL) : NULL;
			return d->last;
		}
	}
	return NULL;
}

static void add_copyright_lines(struct lb_component *c, const char *v, size_t n)
{
	const char *p = v, *end = v + n;

	while (p < end && c->ncopyrights < MAX_COPYRIGHTS) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if (!(le - p == 1 && *p == '.'))
			lb_comp_add_copyright(c, p, (size_t)(le - p));
		p = le + 1;
	}
}

/* DEP-5: the License short names of the header and Files paragraphs,
 * deduplicated, joined as "(a) and (b)" for the Debian dialect. */
/*
 * DEP-5: the declared license is the package's own, the one its authors
 * state for the whole work: the header's License, else that of "Files: *"
 * (else, with neither, every paragraph's).  The concluded license is what
 * the copyright file says of all the files the package is made from: the
 * License short names of the header and every Files paragraph,
 * deduplicated, joined with AND (the license-files detector later turns
 * those LicenseRef-s whose texts are known licenses into their ids).
 */
static void read_dep5(struct lb_scan *s, struct lb_component *c, const struct lb_entry *e)
{
	const char *p = (const char *)e->data, *end = p + e->data_len;
	struct field f[32];
	struct lb_buf expr;
	char *names[256], *main_name = NULL;
	size_t nnames = 0, n;
	struct dep5 d = { (const char *)e->data, e->data_len, NULL };
	int main_from_header = 0;

	lb_buf_init(&expr, 1u << 16);
	while ((n = next_stanza(&p, end, f, LB_ARRAY_SIZE(f))) > 0) {
		const struct field *lic = get(f, n, "License");
		const struct field *files = get(f, n, "Files");
		const struct field *cr = get(f, n, "Copyright");
		int header = get(f, n, "Format") || get(f, n, "Format-Specification");
		char *name;
		int dup = 0;

		if (cr)
			add_copyright_lines(c, cr->val, cr->vlen);
		if (!lic || (!files && !header))
			continue;
		name = first_line(lic);
		if (!name)
			continue;
		if (header && !main_name) {
			main_name = lb_xstrdup(name);
			main_from_header = 1;
		} else if (files && !main_from_header && !main_name) {
			char *fl = first_line(files);

			/* "Files: *" (possibly with more patterns after it) */
			if (fl && fl[0] == '*' && (fl[1] == '\0' || fl[1] == ' '))
				main_name = lb_xstrdup(name);
			free(fl);
		}
		for (size_t i = 0; i < nnames && !dup; i++)
			dup = strcasecmp(names[i], name) == 0;
		if (dup || nnames == LB_ARRAY_SIZE(names)) {
			free(name);
			continue;
		}
		names[nnames++] = name;
	}
	for (size_t i = 0; i < nnames; i++) {
		if (nnames > 1)
			lb_buf_addf(&expr, "%s(%s)", i ? ", and " : "", names[i]);
		else
			lb_buf_addstr(&expr, names[i]);
		free(names[i]);
	}
	if (main_name && lb_comp_set_license(&s->model, c, LB_LIC_DECLARED, main_name, LB_LIC_DEBIAN,
					     dep5_text, &d) == 0)
		lb_comp_add_evidence(c, LB_EV_LICENSE_TEXT, e->path, e->layer,
				     main_from_header ? "License (header)" : "License (Files: *)", main_name);
	if (expr.len && lb_comp_set_license(&s->model, c, main_name ? LB_LIC_CONCLUDED : LB_LIC_DECLARED, expr.p,
					    LB_LIC_DEBIAN, dep5_text, &d) == 0) {
		lb_comp_add_evidence(c, LB_EV_LICENSE_TEXT, e->path, e->layer, "License (all paragraphs)", expr.p);
		if (!main_name)
			lb_comp_set_license(&s->model, c, LB_LIC_CONCLUDED, expr.p, LB_LIC_DEBIAN, dep5_text, &d);
	}
	free(main_name);
	free(d.last);
	lb_buf_release(&expr);
}

/* /usr/share/common-licenses/NAME -> the Debian short name it stands for */
static const struct {
	const char *file;
	const char *name;          /* Debian short name without "+" */
	int versioned;             /* the file name has the version */
} common[] = {
	{ "Apache-2.0", "Apache-2.0", 1 },
	{ "Artistic", "Artistic", 1 },
	{ "BSD", "BSD-3-clause-Regents", 1 },  /* the file is the Regents' text */
	{ "CC0-1.0", "CC0-1.0", 1 },
	{ "GFDL-1.2", "GFDL-1.2", 1 },
	{ "GFDL-1.3", "GFDL-1.3", 1 },
	{ "GFDL", "GFDL", 0 },
	{ "GPL-1", "GPL-1", 1 },
	{ "GPL-2", "GPL-2", 1 },
	{ "GPL-3", "GPL-3", 1 },
	{ "GPL", "GPL", 0 },
	{ "LGPL-2.1", "LGPL-2.1", 1 },
	{ "LGPL-2", "LGPL-2", 1 },
	{ "LGPL-3", "LGPL-3", 1 },
	{ "LGPL", "LGPL", 0 },
	{ "MPL-1.1", "MPL-1.1", 1 },
	{ "MPL-2.0", "MPL-2.0", 1 },
};

static const char *memmem_ci(const char *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle);

	for (size_t i = 0; i + nn <= hn; i++)
		if (strncasecmp(h + i, needle, nn) == 0)
			return h + i;
	return NULL;
}

/* Like memmem_ci, but a space in `phrase` matches any run of whitespace
 * (notices wrap their lines anywhere). */
static const char *find_words(const char *h, size_t hn, const char *phrase)
{
	for (size_t i = 0; i < hn; i++) {
		const char *q = phrase;
		size_t j = i;

		while (*q && j < hn) {
			if (*q == ' ') {
				if (!isspace((unsigned char)h[j]))
					break;
				while (j < hn && isspace((unsigned char)h[j]))
					j++;
				q++;
			} else if (tolower((unsigned char)*q) == tolower((unsigned char)h[j])) {
				q++;
				j++;
			} else {
				break;
			}
		}
		if (!*q)
			return h + i;
	}
	return NULL;
}

/* The version a notice states for an unversioned reference ("either
 * version 2 of the License", "Version 1.3 or any later version"): the
 * last "version N" in the window before the reference. */
static const char *stated_version(const char *p, size_t n, char *buf, size_t cap)
{
	const char *v = memmem_ci(p, n, "version "), *found = NULL;
	size_t fk = 0;

	while (v) {
		const char *d = v + 8;
		size_t k = 0;

		while (d + k < p + n && k + 1 < cap && (isdigit((unsigned char)d[k]) || (k && d[k] == '.')))
			k++;
		while (k && d[k - 1] == '.')
			k--;
		if (k) {
			found = d;
			fk = k;
		}
		v = memmem_ci(d, (size_t)(p + n - d), "version ");
	}
	if (!found)
		return NULL;
	memcpy(buf, found, fk);
	buf[fk] = '\0';
	return buf;
}

/* 1 when a line holds a copyright statement: "copyright" followed on the
 * same line by "(c)", "©" or a year; *start gets the word's position. */
static int copyright_line(const char *l, const char *le, const char **start)
{
	const char *w = memmem_ci(l, (size_t)(le - l), "copyright");

	if (!w) {
		w = memmem_ci(l, (size_t)(le - l), "\xc2\xa9");
		if (!w)
			return 0;
		*start = w;
		return 1;
	}
	*start = w;
	for (const char *q = w + 9; q + 3 < le; q++)
		if ((q[0] == '1' || q[0] == '2') && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]) &&
		    isdigit((unsigned char)q[3]))
			return 1;
	return memmem_ci(w, (size_t)(le - w), "(c)") || memmem_ci(w, (size_t)(le - w), "\xc2\xa9");
}

/* Copyright statements of a free-form file: each from its "Copyright" to
 * the end of its paragraph (at most 4 lines). */
static void plain_copyrights(struct lb_component *c, const char *p, size_t n)
{
	for (const char *l = p; l < p + n && c->ncopyrights < MAX_COPYRIGHTS;) {
		const char *nl = memchr(l, '\n', (size_t)(p + n - l));
		const char *le = nl ? nl : p + n, *st, *e = le;

		if (!copyright_line(l, le, &st)) {
			l = le + 1;
			continue;
		}
		for (int k = 0; k < 3 && e < p + n; k++) {
			const char *nx = e + 1, *nnl, *t;

			nnl = memchr(nx, '\n', (size_t)(p + n - nx));
			if (!nnl)
				nnl = p + n;
			for (t = nx; t < nnl && (*t == ' ' || *t == '\t'); t++)
				;
			if (t == nnl || copyright_line(nx, nnl, &t))
				break;
			e = nnl;
		}
		lb_comp_add_copyright(c, st, (size_t)(e - st));
		l = e + 1;
	}
}

static void read_plain(struct lb_scan *s, struct lb_component *c, const struct lb_entry *e)
{
	const char *p = (const char *)e->data;
	size_t n = e->data_len;
	struct lb_buf expr;
	char *seen[32];
	size_t nseen = 0;
	int dup = 0;
	const char *q = p, *ref, *win;

	lb_buf_init(&expr, 4096);
	while ((ref = memmem_ci(q, (size_t)(p + n - q), "/usr/share/common-licenses/")) != NULL) {
		const char *name = ref + 27;
		size_t k = 0, wl;
		int later;

		while (name + k < p + n && (isalnum((unsigned char)name[k]) || name[k] == '-' || name[k] == '.'))
			k++;
		while (k && name[k - 1] == '.')
			k--;
		q = name + k;
		/* the notice a reference belongs to: the 2000 bytes before it */
		win = ref - p > 2000 ? ref - 2000 : p;
		wl = (size_t)(ref - win);
		later = find_words(win, wl, "any later version") != NULL;
		for (size_t i = 0; i < LB_ARRAY_SIZE(common); i++) {
			char ver[16], one[64];
			int gnu;

			dup = 0;

			if (strlen(common[i].file) != k || strncmp(common[i].file, name, k) != 0)
				continue;
			gnu = !strncmp(common[i].name, "GPL", 3) || !strncmp(common[i].name, "LGPL", 4) ||
			      !strncmp(common[i].name, "GFDL", 4);
			if (gnu && !strncmp(common[i].name, "GFDL", 4) && find_words(win, wl, "no invariant sections"))
				snprintf(one, sizeof(one), "GFDL-NIV%s", common[i].name + 4);
			else
				snprintf(one, sizeof(one), "%s", common[i].name);
			if (!common[i].versioned && stated_version(win, wl, ver, sizeof(ver)))
				snprintf(one + strlen(one), sizeof(one) - strlen(one), "-%s", ver);
			if (gnu && later)
				snprintf(one + strlen(one), sizeof(one) - strlen(one), "+");
			/* GCC's runtime libraries: GPL-3+ with the runtime exception */
			if (strcmp(one, "GPL-3+") == 0 && find_words(p, n, "GCC Runtime Library Exception") &&
			    find_words(p, n, "version 3.1"))
				snprintf(one, sizeof(one), "GPL-3+ with GCC exception");
			for (size_t j = 0; j < nseen && !dup; j++)
				dup = strcmp(seen[j], one) == 0;
			if (!dup && nseen < LB_ARRAY_SIZE(seen)) {
				seen[nseen++] = lb_xstrdup(one);
				lb_buf_addf(&expr, "%s%s", expr.len ? " and " : "", one);
			}
			break;
		}
	}
	for (size_t j = 0; j < nseen; j++)
		free(seen[j]);
	plain_copyrights(c, p, n);
	if (expr.len && lb_comp_set_license(&s->model, c, LB_LIC_DECLARED, expr.p, LB_LIC_DEBIAN, NULL, NULL) == 0)
		lb_comp_add_evidence(c, LB_EV_LICENSE_TEXT, e->path, e->layer, NULL, expr.p);
	else
		lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL,
				     "the copyright file is not machine-readable and names no /usr/share/common-licenses text");
	lb_buf_release(&expr);
}

static void read_copyright(struct lb_scan *s, struct lb_component *c)
{
	int hidden_by;
	const struct lb_entry *e = find_copyright(s, c->name, &hidden_by);

	if (!e) {
		lb_comp_add_evidence(c, LB_EV_NOTE, NULL, -1, NULL,
				     "no /usr/share/doc copyright file in any layer: license unknown");
		return;
	}
	if (e->flags & LB_EF_TRUNCATED)
		lb_scan_warn(s, "'%s' is larger than %u MiB: only its start was read", e->path, COPYRIGHT_MAX >> 20);
	if (is_dep5((const char *)e->data, e->data_len))
		read_dep5(s, c, e);
	else
		read_plain(s, c, e);
	lb_comp_add_evidence(c, LB_EV_COPYRIGHT, e->path, e->layer, NULL, NULL);
	if (hidden_by >= 0) {
		char *why = lb_xasprintf("the copyright file was deleted by layer %d: the image does not ship this license text",
					 hidden_by + 1);

		lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL, why);
		lb_comp_add_prop(c, "license-text-removed-by-layer", why + 36);
		free(why);
	}
}

/* ---- components ---- */

static const struct lb_entry *find_list(struct lb_scan *s, const struct pkg *p)
{
	char path[4096];
	const struct lb_entry *e;

	snprintf(path, sizeof(path), INFO "%s:%s.list", p->name, p->arch ? p->arch : "");
	e = lb_scan_lookup(s, path);
	if (!e) {
		snprintf(path, sizeof(path), INFO "%s.list", p->name);
		e = lb_scan_lookup(s, path);
	}
	return e && e->type == LB_FT_FILE ? e : NULL;
}

static struct lb_component *make(struct lb_scan *s, const struct pkg *p)
{
	struct lb_component *c = lb_model_add(&s->model, LB_COMP_OS_PACKAGE, p->name, p->version, "dpkg");
	const char *vendor = s->os.id ? s->os.id : "debian";
	char *distro = s->os.id && s->os.version_id ? lb_xasprintf("%s-%s", s->os.id, s->os.version_id) : NULL;
	const char *colon = strchr(p->version, ':');
	char *epoch = colon ? lb_xstrndup(p->version, (size_t)(colon - p->version)) : NULL;
	char *upstream = NULL;
	const char *quals[8];

	if (p->source && p->source_version && strcmp(p->source_version, p->version) != 0)
		upstream = lb_xasprintf("%s@%s", p->source, p->source_version);
	else if (p->source)
		upstream = lb_xstrdup(p->source);
	quals[0] = "arch";
	quals[1] = p->arch;
	quals[2] = "distro";
	quals[3] = distro;
	quals[4] = "epoch";
	quals[5] = epoch;
	quals[6] = "upstream";
	quals[7] = upstream;
	c->purl = lb_purl("deb", vendor, p->name, colon ? colon + 1 : p->version, quals, 4);
	lb_comp_set(&c->arch, p->arch);
	lb_comp_set(&c->author, p->maintainer);
	lb_comp_set(&c->homepage, p->homepage);
	lb_comp_set(&c->summary, p->summary);
	lb_comp_set(&c->source_name, p->source ? p->source : p->name);
	lb_comp_set(&c->source_version, p->source_version ? p->source_version : p->version);
	lb_comp_set(&c->supplier, s->os.name ? s->os.name : "Debian");
	lb_comp_add_evidence(c, LB_EV_METADATA, p->db, p->db_layer, "Package", NULL);
	free(distro);
	free(epoch);
	free(upstream);
	return c;
}

struct gone_ctx {
	struct lb_scan *s;
	struct state *st;
};

static struct pkg *lookup(struct state *st, const char *key, const char *version)
{
	char *k = lb_xasprintf("%s\x1f%s", key, version ? version : "");
	uint32_t *slot = lb_hashmap_get(&st->seen, k, strlen(k));

	free(k);
	return slot ? &st->pkgs[*slot] : NULL;
}

static void add_gone(void *vctx, const char *key, const char *version, int introduced, int removed)
{
	struct gone_ctx *g = vctx;
	struct pkg *p = lookup(g->st, key, version);
	struct lb_component *c;

	if (!p)
		return;
	c = make(g->s, p);
	c->introduced = c->last_changed = introduced;
	c->removed = removed;
	read_copyright(g->s, c);
}

static void finish_statusd(struct lb_scan *s, struct state *st)
{
	for (size_t i = 0; i < st->nstatusd; i++) {
		const struct lb_entry *e = st->statusd[i];
		const char *p = (const char *)e->data, *end = p + e->data_len;
		struct field f[64];
		size_t n;

		while ((n = next_stanza(&p, end, f, LB_ARRAY_SIZE(f))) > 0) {
			struct pkg *pk;
			struct lb_component *c;
			char md5[4096];
			const struct lb_entry *m;

			if (!is_installed(get(f, n, "Status")))
				continue;
			pk = remember(st, f, n, e->path, e->layer);
			if (!pk)
				continue;
			c = make(s, pk);
			c->introduced = c->last_changed = e->layer;
			/* distroless writes NAME.md5sums next to NAME */
			snprintf(md5, sizeof(md5), "%s.md5sums", e->path);
			m = lb_scan_lookup(s, md5);
			if (m && m->type == LB_FT_FILE)
				add_owned(s, st, c, m, 1);
			read_copyright(s, c);
		}
	}
}

static int finish(struct lb_scan *s, void *vst)
{
	struct state *st = vst;

	if (st->status) {
		int hidden = lb_scan_visible(s, st->status) ? -1 : lb_scan_hidden_by(s, st->status);

		/* a status file a later layer deleted leaves an empty database */
		if (!lb_scan_visible(s, st->status))
			lb_pkghist_snapshot(st->hist, hidden >= 0 ? hidden : (int)s->nlayers - 1);
		if (lb_scan_visible(s, st->status)) {
			const char *p = (const char *)st->status->data, *end = p + st->status->data_len;
			struct field f[64];
			size_t n;

			while ((n = next_stanza(&p, end, f, LB_ARRAY_SIZE(f))) > 0) {
				struct pkg *pk;
				struct lb_component *c;
				char *k;

				if (!is_installed(get(f, n, "Status")))
					continue;
				pk = remember(st, f, n, st->status->path, st->status->layer);
				if (!pk)
					continue;
				c = make(s, pk);
				k = pkg_key(pk->name, pk->arch);
				c->introduced = lb_pkghist_introduced(st->hist, k, pk->version);
				free(k);
				if (c->introduced < 0)
					c->introduced = st->status->layer;
				c->last_changed = c->introduced;
				add_owned(s, st, c, find_list(s, pk), 0);
				read_copyright(s, c);
			}
		}
		if (s->all_layers) {
			struct gone_ctx g = { s, st };

			lb_pkghist_each_gone(st->hist, add_gone, &g);
		}
	}
	finish_statusd(s, st);
	return 0;
}

const struct lb_detector lb_detector_dpkg = {
	.name = "dpkg",
	.max_size = STATUS_MAX,
	.wants = wants,
	.state_new = state_new,
	.state_free = state_free,
	.scan = scan,
	.finish = finish,
};
