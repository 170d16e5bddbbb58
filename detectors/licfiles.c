/* SPDX-License-Identifier: Apache-2.0 */
/*
 * licfiles: license texts found in the image, identified (core/licmatch.h)
 * and attached to the component they belong to as its concluded license.
 *
 * It runs last (detectors/all.c), when every package detector has put its
 * components, their owned files and their metadata paths in the model:
 *  - LICENSE*, LICENCE*, COPYING*, NOTICE*, UNLICENSE*, COPYRIGHT* files,
 *    files in dist-info/licenses and META-INF/LICENSE* of the final view belong to
 *    the component that owns the file, else to the language package whose
 *    metadata file sits in the same directory or above (node_modules/x/,
 *    x.dist-info/); the others are listed as unowned license files;
 *  - a component whose concluded (else declared) license holds
 *    LicenseRef-s (Debian copyright files name "public-domain",
 *    "BSD-variant", "permissive") gets each ref's text identified, and
 *    the ref replaced in its concluded license where the text is a known
 *    license;
 *  - a Debian copyright file that is not machine-readable and named no
 *    common license is identified whole.
 * The concluded license is only ever set from texts: metadata alone is the
 * declared license.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "copyright.h"
#include "detector.h"
#include "hashmap.h"
#include "licmatch.h"
#include "scan.h"

#define LICFILE_MAX (1u << 20)

static const char *const prefixes[] = { "license", "licence", "copying", "notice", "unlicense", "copyright",
					"mit-license", "apache-license" };

static int license_name(const char *base)
{
	for (size_t i = 0; i < LB_ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncasecmp(base, prefixes[i], n) == 0 &&
		    (base[n] == '\0' || base[n] == '.' || base[n] == '-' || base[n] == '_'))
			return 1;
	}
	return 0;
}

static int wants(const struct lb_entry *e)
{
	const char *base;

	if (e->type != LB_FT_FILE || e->size == 0)
		return LB_WANT_NO;
	if (lb_str_has_prefix(e->path, "/usr/share/common-licenses/") || lb_str_has_prefix(e->path, "/usr/share/doc/") ||
	    lb_str_has_prefix(e->path, "/proc/") || lb_str_has_prefix(e->path, "/sys/"))
		return LB_WANT_NO;
	if (strstr(e->path, ".dist-info/licenses/"))
		return LB_WANT_YES;
	base = strrchr(e->path, '/');
	base = base ? base + 1 : e->path;
	if (!license_name(base))
		return LB_WANT_NO;
	/* source files named like licenses ("license.c", "license.py") are code */
	{
		const char *dot = strrchr(base, '.');
		static const char *const code[] = { ".c", ".h", ".py", ".js", ".ts", ".go", ".rb", ".java", ".class",
						    ".pyc", ".so", ".html", ".css", ".json", ".xml", ".png", ".svg",
						    ".gz", ".php", ".pm", ".pl", ".sh", ".mjs", ".cjs", ".map" };

		for (size_t i = 0; dot && i < LB_ARRAY_SIZE(code); i++)
			if (strcasecmp(dot, code[i]) == 0)
				return LB_WANT_NO;
	}
	return LB_WANT_YES;
}

struct state {
	const struct lb_entry **v;
	size_t n, cap;
};

static void *state_new(void)
{
	return lb_xcalloc(1, sizeof(struct state));
}

static void state_free(void *vst)
{
	struct state *st = vst;

	if (st) {
		free(st->v);
		free(st);
	}
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct state *st = vst;

	(void)data;
	(void)len;
	if (!lb_scan_visible(s, e))
		return 0;
	lb_xgrow((void **)&st->v, &st->cap, st->n + 1, sizeof(*st->v));
	st->v[st->n++] = e;
	return 0;
}

/* The directory of a path, as a new string ("/a/b/c" -> "/a/b"). */
static char *dirname_of(const char *p)
{
	const char *sl = strrchr(p, '/');

	return sl && sl != p ? lb_xstrndup(p, (size_t)(sl - p)) : lb_xstrdup("/");
}

struct pkgdir {
	char *dir;               /* directory of a language package's metadata file */
	size_t len;
	struct lb_component *c;
};

/* The component a license file belongs to: its owner, else the language
 * package whose metadata directory is the nearest above it (a file of a
 * package nested in node_modules below it is not its). */
static struct lb_component *owner_of(struct lb_scan *s, struct lb_hashmap *owned, const struct pkgdir *d,
				     size_t nd, const char *path)
{
	uint32_t *k = lb_hashmap_get(owned, path, strlen(path));
	struct lb_component *best = NULL;
	size_t best_len = 0;

	if (k)
		return s->model.v[*k];
	for (size_t i = 0; i < nd; i++)
		if (d[i].len > best_len && strncmp(path, d[i].dir, d[i].len) == 0 && path[d[i].len] == '/' &&
		    !strstr(path + d[i].len, "/node_modules/")) {
			best = d[i].c;
			best_len = d[i].len;
		}
	return best;
}

/* "A AND B" of the licenses a component's texts hold, into concluded. */
static void conclude(struct lb_scan *s, struct lb_component *c, const char *expr)
{
	char *joined;

	if (!expr)
		return;
	joined = c->concluded ? lb_xasprintf("(%s) AND (%s)", c->concluded, expr) : lb_xstrdup(expr);
	lb_comp_set_license(&s->model, c, LB_LIC_CONCLUDED, joined, LB_LIC_SPDX, NULL, NULL);
	free(joined);
}

static int good(const struct lb_licmatch *m)
{
	if (strstr(m->expr, "LicenseRef-"))
		return 0;
	return strcmp(m->matcher, "approximate") != 0 || m->score >= 0.95;
}

/* Replaces "id" as a whole token in *expr with "(with)". */
static void replace_ref(char **expr, const char *id, const char *with)
{
	size_t il = strlen(id);
	char *q = strstr(*expr, id);

	while (q) {
		char end = q[il];

		if (end == '\0' || end == ' ' || end == ')') {
			size_t at = (size_t)(q - *expr) + strlen(with) + 2;
			char *n = lb_xasprintf("%.*s(%s)%s", (int)(q - *expr), *expr, with, q + il);

			free(*expr);
			*expr = n;
			q = strstr(*expr + at, id);
		} else {
			q = strstr(q + 1, id);
		}
	}
}

/* The LicenseRef-s of the concluded (else declared) license whose texts are
 * known licenses are replaced by them in the concluded license. */
/* What a LicenseRef's text was found to be: refs are shared by packages
 * (util-linux's seven binary packages, one copyright file), so each text
 * is identified once. */
struct memo {
	char *id;
	char *expr;             /* the license it is, or NULL */
	char *why;
};

struct memos {
	struct memo *v;
	size_t n, cap;
};

static const struct memo *identify_ref(struct lb_scan *s, struct memos *ms, const char *id)
{
	const struct lb_license_ref *ref;
	struct lb_licmatch_result r;
	struct memo *m;

	for (size_t i = 0; i < ms->n; i++)
		if (strcmp(ms->v[i].id, id) == 0)
			return &ms->v[i];
	lb_xgrow((void **)&ms->v, &ms->cap, ms->n + 1, sizeof(*ms->v));
	m = &ms->v[ms->n++];
	m->id = lb_xstrdup(id);
	m->expr = m->why = NULL;
	ref = lb_model_find_ref(&s->model, id);
	if (!ref || !ref->text || lb_licmatch_identify(ref->text, strlen(ref->text), &r) != 0)
		return m;
	if (r.n == 1 && good(&r.v[0])) {
		m->expr = lb_xstrdup(r.v[0].expr);
		m->why = lb_xasprintf("%s is %s (%s, score %.2f)", id, r.v[0].expr, r.v[0].matcher, r.v[0].score);
	}
	lb_licmatch_result_release(&r);
	return m;
}

static void resolve_refs(struct lb_scan *s, struct memos *ms, struct lb_component *c)
{
	const char *from = c->concluded ? c->concluded : c->declared;
	char *expr, *orig;
	const char *p;
	int changed = 0;

	if (!from || !strstr(from, "LicenseRef-"))
		return;
	expr = lb_xstrdup(from);
	orig = lb_xstrdup(from);
	p = orig;
	while ((p = strstr(p, "LicenseRef-")) != NULL) {
		size_t n = strspn(p, "LicenseRef-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.");
		char *id = lb_xstrndup(p, n);
		const struct memo *m = identify_ref(s, ms, id);

		p += n;
		if (m->expr) {
			replace_ref(&expr, id, m->expr);
			lb_comp_add_evidence(c, LB_EV_LICENSE_TEXT, NULL, -1, "LicenseRef", m->why);
			changed = 1;
		}
		free(id);
	}
	if (changed)
		lb_comp_set_license(&s->model, c, LB_LIC_CONCLUDED, expr, LB_LIC_SPDX, NULL, NULL);
	free(orig);
	free(expr);
}

/* Debian copyright files the dpkg detector could not read a license
 * from: each identified whole, all of them at once on every core, then
 * applied in model order (the first text that names a license concludes
 * its package's). */
static void identify_copyrights(struct lb_scan *s)
{
	struct lb_licmatch_job *jobs = NULL;
	struct { struct lb_component *c; size_t ev; } *who = NULL;
	size_t n = 0, cap = 0, wcap = 0;

	for (size_t k = 0; k < s->model.n; k++) {
		struct lb_component *c = s->model.v[k];

		for (size_t i = 0; i < c->nev; i++) {
			const struct lb_evidence *ev = &c->ev[i];
			const struct lb_entry *e;

			if (ev->kind != LB_EV_COPYRIGHT || !ev->path || c->declared || c->concluded)
				continue;
			e = lb_scan_layer_lookup(s, (unsigned)ev->layer, ev->path);
			if (!e || !e->data)
				continue;
			lb_xgrow((void **)&jobs, &cap, n + 1, sizeof(*jobs));
			lb_xgrow((void **)&who, &wcap, n + 1, sizeof(*who));
			memset(&jobs[n], 0, sizeof(jobs[n]));
			jobs[n].text = (const char *)e->data;
			jobs[n].len = e->data_len;
			who[n].c = c;
			who[n].ev = i;
			n++;
		}
	}
	lb_licmatch_identify_all(jobs, n, s->jobs);
	for (size_t i = 0; i < n; i++) {
		struct lb_component *c = who[i].c;
		const struct lb_licmatch_result *r = &jobs[i].result;

		if (jobs[i].status == 0 && r->expr && !c->concluded) {
			/* copies: adding evidence may move c->ev */
			char *path = lb_xstrdup(c->ev[who[i].ev].path);
			int layer = c->ev[who[i].ev].layer;

			lb_comp_set_license(&s->model, c, LB_LIC_CONCLUDED, r->expr, LB_LIC_SPDX, NULL, NULL);
			lb_comp_add_evidence(c, LB_EV_LICENSE_TEXT, path, layer, NULL, r->expr);
			free(path);
		}
		lb_licmatch_result_release(&jobs[i].result);
	}
	free(jobs);
	free(who);
}

static void add_statement(void *ctx, const char *st, size_t n)
{
	lb_comp_add_copyright(ctx, st, n);
}

static int finish(struct lb_scan *s, void *vst)
{
	struct state *st = vst;
	struct lb_hashmap owned;
	struct pkgdir *dirs = NULL;
	struct lb_licmatch_job *jobs;
	size_t nd = 0, cap = 0;

	lb_hashmap_init(&owned);
	for (size_t i = 0; i < s->model.n; i++) {
		struct lb_component *c = s->model.v[i];

		if (c->type != LB_COMP_LIBRARY && c->type != LB_COMP_APPLICATION)
			continue;
		for (size_t j = 0; j < c->nev; j++)
			if (c->ev[j].kind == LB_EV_METADATA && c->ev[j].path) {
				lb_xgrow((void **)&dirs, &cap, nd + 1, sizeof(*dirs));
				dirs[nd].dir = dirname_of(c->ev[j].path);
				dirs[nd].len = strlen(dirs[nd].dir);
				dirs[nd].c = c;
				nd++;
			}
	}
	for (size_t i = 0; i < s->model.n; i++)
		for (size_t j = 0; j < s->model.v[i]->nfiles; j++) {
			const char *f = s->model.v[i]->files[j];

			int found;

			lb_hashmap_put(&owned, f, strlen(f), (uint32_t)i, &found);
		}
	/* every license file at once, on every core; used in their order */
	jobs = lb_xcalloc(st->n ? st->n : 1, sizeof(*jobs));
	for (size_t i = 0; i < st->n; i++) {
		jobs[i].text = (const char *)st->v[i]->data;
		jobs[i].len = st->v[i]->data_len;
	}
	lb_licmatch_identify_all(jobs, st->n, s->jobs);
	for (size_t i = 0; i < st->n; i++) {
		const struct lb_entry *e = st->v[i];
		struct lb_licmatch_result r = jobs[i].result;
		struct lb_component *c;

		if (jobs[i].status != 0) {
			lb_licmatch_result_release(&r);
			continue;
		}
		c = owner_of(s, &owned, dirs, nd, e->path);
		if (c) {
			lb_copyright_extract((const char *)e->data, e->data_len, 50, add_statement, c);
			lb_comp_add_evidence(c, LB_EV_LICENSE_TEXT, e->path, e->layer, NULL, r.expr ? r.expr : "no license identified");
			if (r.expr)
				conclude(s, c, r.expr);
		} else {
			lb_model_add_unowned(&s->model, e->path, e->layer, r.expr);
		}
		lb_licmatch_result_release(&r);
	}
	free(jobs);
	lb_hashmap_release(&owned);
	for (size_t i = 0; i < nd; i++)
		free(dirs[i].dir);
	free(dirs);
	{
		struct memos ms = { 0 };

		for (size_t i = 0; i < s->model.n; i++)
			resolve_refs(s, &ms, s->model.v[i]);
		identify_copyrights(s);
		for (size_t i = 0; i < ms.n; i++) {
			free(ms.v[i].id);
			free(ms.v[i].expr);
			free(ms.v[i].why);
		}
		free(ms.v);
	}
	return 0;
}

const struct lb_detector lb_detector_licfiles = {
	.name = "license-files",
	.max_size = LICFILE_MAX,
	.wants = wants,
	.state_new = state_new,
	.state_free = state_free,
	.scan = scan,
	.finish = finish,
};
