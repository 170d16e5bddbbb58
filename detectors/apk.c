/* SPDX-License-Identifier: Apache-2.0 */
/*
 * apk: the packages apk-tools says are installed, from its database
 * /lib/apk/db/installed (or /usr/lib/apk/db/installed, where apk-tools 3
 * keeps it on systems without /lib/apk).
 *
 * The database is text: one block of "X:value" lines per package, blocks
 * separated by an empty line.  The fields used here: P name, V version,
 * A arch, L license, T description, U homepage, o origin (the source
 * package), m maintainer, t build time, c aports commit, C checksum; then
 * the files: an F: line names a directory (relative to the root), each R:
 * line after it a file in that directory.
 *
 * Every layer that runs apk rewrites the whole file, so each layer holding
 * it holds a snapshot of the installed set: they all go to pkghist, which
 * says which layer brought each package in (and, for the all-layers scope,
 * which were removed).  The components are those of the database of the
 * final view only: a slim image that deleted the database has no apk
 * components, as `apk info` in it would list none.
 *
 * Parsing never copies the database: packages are slices of the entry's
 * retained data, which lives as long as the scan.
 */
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "pkghist.h"
#include "scan.h"

#define APK_MAX (64u << 20)

/* In order of preference when an image holds both. */
static const char *const db_paths[] = {
	"/lib/apk/db/installed",
	"/usr/lib/apk/db/installed",
};

struct apk_pkg {
	const char *block;          /* the package's lines, in the entry's data */
	size_t len;
	char *name, *version;       /* NUL-terminated copies (pkghist keys) */
};

/* The database as one layer left it; e == NULL: the layer deleted it. */
struct snap {
	const struct lb_entry *e;
	int layer;
	struct apk_pkg *pkgs;
	size_t npkgs;
};

struct state {
	const struct lb_entry **dbs;    /* every database entry, in layer order */
	size_t n, cap;
};

static int path_rank(const char *path)
{
	for (size_t i = 0; i < LB_ARRAY_SIZE(db_paths); i++)
		if (strcmp(path, db_paths[i]) == 0)
			return (int)i;
	return -1;
}

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	return path_rank(e->path) >= 0 ? LB_WANT_YES : LB_WANT_NO;
}

static void *state_new(void)
{
	return lb_xcalloc(1, sizeof(struct state));
}

static void state_free(void *vst)
{
	struct state *st = vst;

	if (!st)
		return;
	free(st->dbs);
	free(st);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct state *st = vst;

	(void)s;
	(void)data;
	(void)len;
	lb_xgrow((void **)&st->dbs, &st->cap, st->n + 1, sizeof(*st->dbs));
	st->dbs[st->n++] = e;
	return 0;
}

/* ---- parsing ---- */

struct line {
	char key;
	const char *v;
	size_t n;
};

/* The next line of [*p, end): 1 with *ln set (key 0 for a line that is no
 * "X:value" field), 0 at the end. */
static int next_line(const char **p, const char *end, struct line *ln)
{
	const char *b = *p, *nl;
	size_t n;

	if (b >= end)
		return 0;
	nl = memchr(b, '\n', (size_t)(end - b));
	n = nl ? (size_t)(nl - b) : (size_t)(end - b);
	*p = nl ? nl + 1 : end;
	if (n && b[n - 1] == '\r')
		n--;
	ln->key = 0;
	ln->v = b;
	ln->n = n;
	if (n >= 2 && b[1] == ':' && b[0] > ' ' && b[0] < 0x7f && !memchr(b, '\0', n)) {
		ln->key = b[0];
		ln->v = b + 2;
		ln->n = n - 2;
	}
	return 1;
}

static void snap_release(struct snap *sn)
{
	for (size_t i = 0; i < sn->npkgs; i++) {
		free(sn->pkgs[i].name);
		free(sn->pkgs[i].version);
	}
	free(sn->pkgs);
	sn->pkgs = NULL;
	sn->npkgs = 0;
}

/* Ends the block [b, end): a package when it has a name and a version. */
static void end_block(struct snap *sn, size_t *cap, const char *b, const char *end,
		      const struct line *name, const struct line *version, size_t *nbad)
{
	struct apk_pkg *k;

	if (b == end)
		return;
	if (!name->v || !name->n || !version->v || !version->n) {
		(*nbad)++;
		return;
	}
	lb_xgrow((void **)&sn->pkgs, cap, sn->npkgs + 1, sizeof(*sn->pkgs));
	k = &sn->pkgs[sn->npkgs++];
	k->block = b;
	k->len = (size_t)(end - b);
	k->name = lb_xstrndup(name->v, name->n);
	k->version = lb_xstrndup(version->v, version->n);
}

/* Reads the packages of e into sn, warning about what it could not read.
 * Returns 1 when sn lists every package of the database, 0 when some could
 * not be read. */
static int parse_db(struct lb_scan *s, const struct lb_entry *e, struct snap *sn)
{
	const char *p = (const char *)e->data, *end, *b = p;
	struct line ln, name = { 0 }, version = { 0 };
	size_t cap = 0, nbadlines = 0, nbadpkgs = 0;
	int truncated = (e->flags & LB_EF_TRUNCATED) || e->data_len < e->size;

	if (!p)
		return 1;
	end = p + e->data_len;     /* not before: NULL + 0 is undefined */
	if (truncated) {
		const char *q = end;

		lb_scan_warn(s, "'%s' (layer %u) is larger than %u MiB: only its start was read",
			     e->path, e->layer, APK_MAX >> 20);
		/* Keep the blocks that end before the cut. */
		while (q - p >= 2 && !(q[-1] == '\n' && q[-2] == '\n'))
			q--;
		end = q - p >= 2 ? q : p;
	}
	while (p < end) {
		const char *at = p;

		next_line(&p, end, &ln);
		if (ln.n == 0 && ln.key == 0) {
			end_block(sn, &cap, b, at, &name, &version, &nbadpkgs);
			memset(&name, 0, sizeof(name));
			memset(&version, 0, sizeof(version));
			b = p;
			continue;
		}
		if (ln.key == 'P')
			name = ln;
		else if (ln.key == 'V')
			version = ln;
		else if (ln.key == 0)
			nbadlines++;
	}
	end_block(sn, &cap, b, end, &name, &version, &nbadpkgs);
	if (nbadlines || nbadpkgs)
		lb_scan_warn(s, "'%s' (layer %u): %zu lines are not apk database fields, "
			     "%zu package entries without a name or version skipped",
			     e->path, e->layer, nbadlines, nbadpkgs);
	return !truncated && !nbadpkgs && !nbadlines;
}

/* ---- components ---- */

/* The layer that hid e from the final view (a whiteout, a replacement, or
 * a parent directory replaced by something else), or -1. */
static int hidden_layer(const struct lb_scan *s, const struct lb_entry *e)
{
	int h = lb_scan_hidden_by(s, e);
	char buf[4096];
	size_t n = strlen(e->path);

	if (h >= 0 || n >= sizeof(buf))
		return h;
	for (unsigned i = (unsigned)e->layer + 1; i < s->nlayers; i++) {
		memcpy(buf, e->path, n + 1);
		for (char *sl = strrchr(buf, '/'); sl && sl > buf; sl = strrchr(buf, '/')) {
			const struct lb_entry *p;

			*sl = '\0';
			p = lb_scan_layer_lookup(s, i, buf);
			if (p && p->type != LB_FT_DIR)
				return (int)i;
		}
	}
	return -1;
}

static char *lower(const char *v)
{
	char *r = lb_xstrdup(v);

	for (char *p = r; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return r;
}

static void set_line(char **field, const struct line *ln)
{
	if (ln->v && ln->n)
		lb_comp_set_len(field, ln->v, ln->n);
}

static void add_prop_line(struct lb_component *c, const char *name, const struct line *ln)
{
	char *v;

	if (!ln->n)
		return;
	v = lb_xstrndup(ln->v, ln->n);
	lb_comp_add_prop(c, name, v);
	free(v);
}

/* Adds the component of pkg (from the database sn); removed is -1 for a
 * package of the final view. */
static void add_component(struct lb_scan *s, const struct snap *sn, const struct apk_pkg *pkg,
			  int introduced, int removed)
{
	const struct lb_os_info *os = &s->os;
	struct lb_component *c = lb_model_add(&s->model, LB_COMP_OS_PACKAGE, pkg->name,
					      pkg->version, "apk");
	const char *p = pkg->block, *end = p + pkg->len;
	struct line ln, arch = { 0 }, lic = { 0 }, dir = { 0 };
	char *ns = lower(os->id ? os->id : "alpine"), *distro = NULL, *raw = NULL;
	struct lb_buf path;
	int last = introduced;

	while (next_line(&p, end, &ln)) {
		switch (ln.key) {
		case 'A':
			arch = ln;
			set_line(&c->arch, &ln);
			break;
		case 'L':
			lic = ln;
			break;
		case 'T':
			set_line(&c->summary, &ln);
			break;
		case 'U':
			set_line(&c->homepage, &ln);
			break;
		case 'o':
			set_line(&c->source_name, &ln);
			break;
		case 'm':
			set_line(&c->author, &ln);
			break;
		case 't':
			add_prop_line(c, "apk:build-time", &ln);
			break;
		case 'c':
			add_prop_line(c, "apk:commit", &ln);
			break;
		case 'C':
			add_prop_line(c, "apk:checksum", &ln);
			break;
		case 'F':
			dir = ln;
			while (dir.n && dir.v[0] == '/') {
				dir.v++;
				dir.n--;
			}
			while (dir.n && dir.v[dir.n - 1] == '/')
				dir.n--;
			break;
		case 'R':
			if (!dir.v || !ln.n)
				break;      /* apk-tools refuses a file before any directory */
			lb_buf_init(&path, 8192);
			if (lb_buf_add(&path, "/", 1) || lb_buf_add(&path, dir.v, dir.n) ||
			    (dir.n && lb_buf_add(&path, "/", 1)) || lb_buf_add(&path, ln.v, ln.n) ||
			    lb_buf_add(&path, "", 1)) {
				lb_buf_release(&path);
				break;
			}
			lb_comp_add_file(c, path.p);
			if (removed < 0) {
				const struct lb_entry *f = lb_scan_lookup(s, path.p);

				if (f && f->type != LB_FT_DIR && (int)f->layer > last)
					last = (int)f->layer;
			}
			lb_buf_release(&path);
			break;
		default:
			break;
		}
	}
	if (c->source_name)
		lb_comp_set(&c->source_version, pkg->version);
	lb_comp_set(&c->supplier, os->name);
	if (os->id)
		distro = os->version_id ? lb_xasprintf("%s-%s", ns, os->version_id) : lb_xstrdup(ns);
	{
		char *a = arch.v ? lb_xstrndup(arch.v, arch.n) : NULL;
		const char *quals[] = { "arch", a, "distro", distro };

		c->purl = lb_purl("apk", ns, pkg->name, pkg->version, quals, 2);
		free(a);
	}
	raw = lic.v ? lb_xstrndup(lic.v, lic.n) : NULL;
	if (raw)
		lb_comp_set_license(&s->model, c, LB_LIC_DECLARED, raw, LB_LIC_ALPINE, NULL, NULL);
	lb_comp_add_evidence(c, LB_EV_METADATA, sn->e->path, (int)sn->e->layer, "L", raw);
	free(raw);
	c->introduced = introduced;
	c->last_changed = last;
	c->removed = removed;
	free(ns);
	free(distro);
}

struct gone_ctx {
	struct lb_scan *s;
	struct snap *snaps;
	size_t nsnaps;
};

/* A package the final view no longer holds: described as the last
 * snapshot that listed it left it. */
static void on_gone(void *vctx, const char *key, const char *version, int introduced, int removed)
{
	struct gone_ctx *g = vctx;

	for (size_t i = g->nsnaps; i-- > 0;) {
		const struct snap *sn = &g->snaps[i];

		if (sn->layer >= removed || !sn->e)
			continue;
		for (size_t k = 0; k < sn->npkgs; k++) {
			if (strcmp(sn->pkgs[k].name, key) == 0 && strcmp(sn->pkgs[k].version, version) == 0) {
				add_component(g->s, sn, &sn->pkgs[k], introduced, removed);
				return;
			}
		}
	}
}

static int finish(struct lb_scan *s, void *vst)
{
	struct state *st = vst;
	const struct lb_entry *fin = NULL;
	struct snap *snaps;
	size_t nsnaps = 0;
	struct lb_pkghist *h;

	if (!st->n)
		return 0;
	/* The database of the final view: the newest, then the preferred path. */
	for (size_t i = 0; i < st->n; i++) {
		const struct lb_entry *e = st->dbs[i];

		if (!lb_scan_visible(s, e))
			continue;
		if (!fin || e->layer > fin->layer ||
		    (e->layer == fin->layer && path_rank(e->path) < path_rank(fin->path)))
			fin = e;
	}
	if (!fin && !s->all_layers)
		return 0;

	/* One snapshot per layer holding a database (up to the final one),
	 * and an empty one where a layer deleted the database. */
	snaps = lb_xcalloc(2 * st->n, sizeof(*snaps));
	for (size_t i = 0; i < st->n;) {
		const struct lb_entry *pick = st->dbs[i];
		unsigned layer = pick->layer;

		for (; i < st->n && st->dbs[i]->layer == layer; i++) {
			const struct lb_entry *e = st->dbs[i];

			if ((fin && strcmp(e->path, fin->path) == 0) ||
			    (!(fin && strcmp(pick->path, fin->path) == 0) &&
			     path_rank(e->path) < path_rank(pick->path)))
				pick = e;
		}
		if (fin && layer > fin->layer)
			break;
		if (nsnaps && snaps[nsnaps - 1].e == NULL && snaps[nsnaps - 1].layer >= (int)layer)
			nsnaps--;   /* deleted, then written again by this very layer */
		snaps[nsnaps].e = pick;
		snaps[nsnaps].layer = (int)layer;
		/* A lower database read in part would make its missing packages
		 * look removed and installed again: leave it out of the history. */
		if (parse_db(s, pick, &snaps[nsnaps]) || pick == fin)
			nsnaps++;
		else
			snap_release(&snaps[nsnaps]);
		if (!lb_scan_visible(s, pick)) {
			int hl = hidden_layer(s, pick);

			if (hl > (int)layer && (i == st->n || hl < (int)st->dbs[i]->layer)) {
				snaps[nsnaps].e = NULL;
				snaps[nsnaps].layer = hl;
				nsnaps++;
			}
		}
	}

	h = lb_pkghist_new();
	for (size_t i = 0; i < nsnaps; i++) {
		lb_pkghist_snapshot(h, snaps[i].layer);
		for (size_t k = 0; k < snaps[i].npkgs; k++)
			lb_pkghist_add(h, snaps[i].pkgs[k].name, snaps[i].pkgs[k].version);
	}
	if (fin) {
		const struct snap *last = &snaps[nsnaps - 1];

		for (size_t k = 0; k < last->npkgs; k++) {
			const struct apk_pkg *pkg = &last->pkgs[k];
			int intro = lb_pkghist_introduced(h, pkg->name, pkg->version);

			add_component(s, last, pkg, intro >= 0 ? intro : last->layer, -1);
		}
	}
	if (s->all_layers) {
		struct gone_ctx g = { s, snaps, nsnaps };

		lb_pkghist_each_gone(h, on_gone, &g);
	}
	lb_pkghist_free(h);
	for (size_t i = 0; i < nsnaps; i++)
		snap_release(&snaps[i]);
	free(snaps);
	return 0;
}

const struct lb_detector lb_detector_apk = {
	.name = "apk",
	.max_size = APK_MAX,
	.wants = wants,
	.state_new = state_new,
	.state_free = state_free,
	.scan = scan,
	.finish = finish,
};
