/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpm: the packages `rpm -qa` would list, from the rpm database of the
 * image, read in memory by rpmdb.c: rpmdb.sqlite (Fedora >= 33, RHEL 9),
 * Packages.db (NDB: SUSE) or Packages (Berkeley DB: RHEL 7 and 8, Amazon
 * Linux 2), in /var/lib/rpm or /usr/lib/sysimage/rpm (where Fedora >= 36
 * and openSUSE keep it; /var/lib/rpm is then a symbolic link, never
 * followed, so only one of them holds files).
 *
 * Every layer that runs rpm rewrites the database, so each layer holding
 * one holds a snapshot of the installed set: they all go to pkghist, which
 * says which layer brought each package in (and, for the all-layers scope,
 * which were removed).  The components are those of the database of the
 * final view; an image whose database was deleted has none, as rpm in it
 * would list none.  gpg-pubkey entries (imported signing keys) are not
 * packages and are skipped.
 *
 * Which database is the image's when several are visible: the one the
 * newest layer wrote; in one layer, the newer format (rpm --rebuilddb
 * converting a database leaves the new one), then /usr/lib/sysimage/rpm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "pkghist.h"
#include "rpmdb.h"
#include "scan.h"

#define RPM_MAX (256u << 20)

static const char *const db_dirs[] = { "/usr/lib/sysimage/rpm", "/var/lib/rpm" };
static const struct {
	const char *name;
	enum lb_rpmdb_kind kind;
} db_files[] = {
	{ "rpmdb.sqlite", LB_RPMDB_SQLITE },
	{ "Packages.db", LB_RPMDB_NDB },
	{ "Packages", LB_RPMDB_BDB },
};

/* One package as a snapshot holds it; strings in the snapshot's arena. */
struct rec {
	char *name, *key, *evr, *vr;    /* key: name.arch; evr: [E:]V-R */
	char *arch, *license, *vendor, *sourcerpm, *summary;
	int has_epoch;
	uint32_t epoch;
	char sigmd5[33];
	char **files;
	size_t nfiles;
};

/* The database as one layer left it; e == NULL: the layer deleted it. */
struct snap {
	const struct lb_entry *e;
	int layer;
	struct rec *recs;
	size_t n, cap;
	struct lb_arena mem;
	int keep_files;         /* file lists are only needed for components */
};

struct state {
	const struct lb_entry **dbs;    /* every database entry, in layer order */
	size_t n, cap;
};

/* Lower is preferred; -1 for a path that is no rpm database. */
static int path_rank(const char *path, enum lb_rpmdb_kind *kind)
{
	for (size_t d = 0; d < LB_ARRAY_SIZE(db_dirs); d++) {
		size_t n = strlen(db_dirs[d]);

		if (strncmp(path, db_dirs[d], n) != 0 || path[n] != '/')
			continue;
		for (size_t f = 0; f < LB_ARRAY_SIZE(db_files); f++) {
			if (strcmp(path + n + 1, db_files[f].name) == 0) {
				if (kind)
					*kind = db_files[f].kind;
				return (int)(f * LB_ARRAY_SIZE(db_dirs) + d);
			}
		}
	}
	return -1;
}

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	return path_rank(e->path, NULL) >= 0 ? LB_WANT_YES : LB_WANT_NO;
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

/* ---- reading ---- */

/* A copy of s as UTF-8: old packages carry Latin-1 text, which is taken
 * as such when s is not valid UTF-8.  NULL stays NULL. */
static char *text_dup(struct lb_arena *a, const char *s)
{
	size_t n, k = 0;
	char *r;

	if (!s)
		return NULL;
	n = strlen(s);
	if (lb_utf8_valid(s, n))
		return lb_arena_strndup(a, s, n);
	r = lb_arena_alloc(a, 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			r[k++] = (char)c;
		} else {
			r[k++] = (char)(0xc0 | (c >> 6));
			r[k++] = (char)(0x80 | (c & 0x3f));
		}
	}
	r[k] = '\0';
	return r;
}

/* Moves a heap string into the arena. */
static char *take(struct lb_arena *a, char *heap)
{
	char *r = lb_arena_strdup(a, heap);

	free(heap);
	return r;
}

static int on_pkg(void *ctx, const struct lb_rpm_pkg *p)
{
	struct snap *sn = ctx;
	struct lb_arena *a = &sn->mem;
	struct rec *r;
	char ep[16] = "";

	if (p->is_pubkey)
		return 0;
	lb_xgrow((void **)&sn->recs, &sn->cap, sn->n + 1, sizeof(*sn->recs));
	r = &sn->recs[sn->n++];
	memset(r, 0, sizeof(*r));
	r->name = lb_arena_strdup(a, p->name);
	r->arch = p->arch ? lb_arena_strdup(a, p->arch) : NULL;
	r->key = take(a, p->arch ? lb_xasprintf("%s.%s", p->name, p->arch) : lb_xstrdup(p->name));
	r->has_epoch = p->has_epoch;
	r->epoch = p->epoch;
	if (p->has_epoch)
		snprintf(ep, sizeof(ep), "%lu:", (unsigned long)p->epoch);
	r->vr = take(a, lb_xasprintf("%s%s%s", p->version ? p->version : "", p->release ? "-" : "",
				     p->release ? p->release : ""));
	r->evr = take(a, lb_xasprintf("%s%s", ep, r->vr));
	r->license = p->license ? lb_arena_strdup(a, p->license) : NULL;
	r->vendor = text_dup(a, p->vendor);
	r->sourcerpm = p->sourcerpm ? lb_arena_strdup(a, p->sourcerpm) : NULL;
	r->summary = text_dup(a, p->summary);
	memcpy(r->sigmd5, p->sigmd5, sizeof(r->sigmd5));
	r->sigmd5[sizeof(r->sigmd5) - 1] = '\0';
	if (p->nfiles && sn->keep_files) {
		r->files = lb_arena_alloc(a, p->nfiles * sizeof(*r->files));
		for (size_t i = 0; i < p->nfiles; i++)
			r->files[i] = lb_arena_strdup(a, p->files[i]);
		r->nfiles = p->nfiles;
	}
	return 0;
}

/* Reads the packages of e into sn, warning about what it could not read.
 * Returns 1 when sn lists every package of the database, 0 when some could
 * not be read. */
static int read_db(struct lb_scan *s, const struct lb_entry *e, struct snap *sn)
{
	enum lb_rpmdb_kind kind = LB_RPMDB_BDB;
	struct lb_rpmdb_stats stats;
	char err[256];
	int whole = 1;

	path_rank(e->path, &kind);
	if ((e->flags & LB_EF_TRUNCATED) || e->data_len < e->size) {
		lb_scan_warn(s, "'%s' (layer %u) is larger than %u MiB: only its start was read",
			     e->path, e->layer, RPM_MAX >> 20);
		whole = 0;
	}
	if (!e->data || !e->data_len) {
		lb_scan_warn(s, "'%s' (layer %u): empty rpm database", e->path, e->layer);
		return 0;
	}
	lb_rpmdb_detect(e->data, e->data_len, &kind);
	if (lb_rpmdb_read(kind, e->data, e->data_len, on_pkg, sn, &stats, err, sizeof(err))) {
		lb_scan_warn(s, "'%s' (layer %u): unreadable rpm database: %s", e->path, e->layer, err);
		whole = 0;
	} else if (stats.nskipped) {
		lb_scan_warn(s, "'%s' (layer %u): %zu rpm headers unreadable (%s)", e->path, e->layer,
			     stats.nskipped, stats.first_skip);
		whole = 0;
	}
	return whole;
}

static void snap_release(struct snap *sn)
{
	free(sn->recs);
	lb_arena_release(&sn->mem);
	memset(sn, 0, sizeof(*sn));
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

/* "util-linux-2.32.1-42.el8_8.src.rpm" -> name "util-linux", version
 * "2.32.1-42.el8_8".  Returns 0, or -1 when it is not shaped so. */
static int split_srpm(const char *srpm, char **name, char **version)
{
	size_t n = strlen(srpm);
	const char *rel, *ver;

	if (lb_str_has_suffix(srpm, ".src.rpm"))
		n -= strlen(".src.rpm");
	else if (lb_str_has_suffix(srpm, ".nosrc.rpm"))
		n -= strlen(".nosrc.rpm");
	else
		return -1;
	for (rel = srpm + n; rel > srpm && rel[-1] != '-'; rel--)
		;
	if (rel <= srpm + 1)
		return -1;
	for (ver = rel - 1; ver > srpm && ver[-1] != '-'; ver--)
		;
	if (ver <= srpm + 1)
		return -1;
	*name = lb_xstrndup(srpm, (size_t)(ver - 1 - srpm));
	*version = lb_xstrndup(ver, (size_t)(srpm + n - ver));
	return 0;
}

/* Adds the component of r (from the database sn); removed is -1 for a
 * package of the final view. */
static void add_component(struct lb_scan *s, const struct snap *sn, const struct rec *r,
			  int introduced, int removed)
{
	const struct lb_os_info *os = &s->os;
	struct lb_component *c = lb_model_add(&s->model, LB_COMP_OS_PACKAGE, r->name, r->vr, "rpm");
	char *ns = os->id ? lower(os->id) : NULL, *distro = NULL, epoch[16] = "";
	char *sname = NULL, *sversion = NULL;
	int last = introduced;

	lb_comp_set(&c->arch, r->arch);
	if (r->vendor && *r->vendor)
		lb_comp_set(&c->supplier, r->vendor);
	lb_comp_set(&c->summary, r->summary);
	if (r->sourcerpm && split_srpm(r->sourcerpm, &sname, &sversion) == 0) {
		lb_comp_set(&c->source_name, sname);
		lb_comp_set(&c->source_version, sversion);
	}
	free(sname);
	free(sversion);
	if (r->license)
		lb_comp_set_license(&s->model, c, LB_LIC_DECLARED, r->license, LB_LIC_FEDORA, NULL, NULL);
	lb_comp_add_evidence(c, LB_EV_METADATA, sn->e->path, (int)sn->e->layer, "LICENSE", r->license);
	if (r->sigmd5[0])
		lb_comp_add_prop(c, "rpm:sigmd5", r->sigmd5);
	lb_comp_add_prop(c, "rpm:sourcerpm", r->sourcerpm);
	if (r->has_epoch) {
		/* The version is version-release as `rpm -q` prints it; the epoch
		 * is the purl's qualifier and a property. */
		snprintf(epoch, sizeof(epoch), "%lu", (unsigned long)r->epoch);
		lb_comp_add_prop(c, "rpm:epoch", epoch);
	}
	if (ns)
		distro = os->version_id ? lb_xasprintf("%s-%s", ns, os->version_id) : lb_xstrdup(ns);
	{
		const char *quals[] = { "arch", r->arch, "epoch", epoch, "distro", distro,
					"upstream", r->sourcerpm };

		c->purl = lb_purl("rpm", ns, r->name, r->vr, quals, 4);
	}
	for (size_t i = 0; i < r->nfiles; i++) {
		lb_comp_add_file(c, r->files[i]);
		if (removed < 0) {
			const struct lb_entry *f = lb_scan_lookup(s, r->files[i]);

			if (f && f->type != LB_FT_DIR && (int)f->layer > last)
				last = (int)f->layer;
		}
	}
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
		for (size_t k = 0; k < sn->n; k++) {
			if (strcmp(sn->recs[k].key, key) == 0 && strcmp(sn->recs[k].evr, version) == 0) {
				add_component(g->s, sn, &sn->recs[k], introduced, removed);
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
		    (e->layer == fin->layer && path_rank(e->path, NULL) < path_rank(fin->path, NULL)))
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
			     path_rank(e->path, NULL) < path_rank(pick->path, NULL)))
				pick = e;
		}
		if (fin && layer > fin->layer)
			break;
		snaps[nsnaps].e = pick;
		snaps[nsnaps].layer = (int)layer;
		lb_arena_init(&snaps[nsnaps].mem);
		/* Only the final database and, for the all-layers scope, the
		 * ones removed packages are described from give components. */
		snaps[nsnaps].keep_files = s->all_layers || pick == fin;
		/* A lower database read in part would make its missing packages
		 * look removed and installed again: leave it out of the history. */
		if (read_db(s, pick, &snaps[nsnaps]) || pick == fin)
			nsnaps++;
		else
			snap_release(&snaps[nsnaps]);
		if (!lb_scan_visible(s, pick)) {
			int hl = hidden_layer(s, pick);

			if (hl > (int)layer && (i == st->n || hl < (int)st->dbs[i]->layer)) {
				snaps[nsnaps].e = NULL;
				snaps[nsnaps].layer = hl;
				lb_arena_init(&snaps[nsnaps].mem);
				nsnaps++;
			}
		}
	}

	h = lb_pkghist_new();
	for (size_t i = 0; i < nsnaps; i++) {
		lb_pkghist_snapshot(h, snaps[i].layer);
		for (size_t k = 0; k < snaps[i].n; k++)
			lb_pkghist_add(h, snaps[i].recs[k].key, snaps[i].recs[k].evr);
	}
	if (fin) {
		const struct snap *last = &snaps[nsnaps - 1];

		for (size_t k = 0; k < last->n; k++) {
			const struct rec *r = &last->recs[k];
			int intro = lb_pkghist_introduced(h, r->key, r->evr);

			add_component(s, last, r, intro >= 0 ? intro : last->layer, -1);
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

const struct lb_detector lb_detector_rpm = {
	.name = "rpm",
	.max_size = RPM_MAX,
	.wants = wants,
	.state_new = state_new,
	.state_free = state_free,
	.scan = scan,
	.finish = finish,
};
