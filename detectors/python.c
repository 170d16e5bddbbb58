/* SPDX-License-Identifier: Apache-2.0 */
/*
 * python: installed Python distributions.
 *
 * Reads NAME-VER.dist-info/METADATA (wheels, pip), NAME-VER.egg-info/PKG-INFO
 * (setuptools, and Debian's python3-* packages) and a NAME-VER.egg-info
 * that is a file of its own (distutils), wherever they are: site-packages,
 * dist-packages, virtual environments, --target directories.
 *
 * License, first that applies:
 *  1. License-Expression (PEP 639): SPDX;
 *  2. License, when it is a short name (one line, at most 100 bytes, not
 *     "UNKNOWN") that maps to listed licenses only;
 *  3. the "License ::" trove classifiers, each offered (OR): the table
 *     below for those that name one text, the generic dialect for the rest;
 *  4. License as the generic dialect reads it (a LicenseRef).
 * A License field that holds a whole license text is not a license name:
 * it is left out, with a note.
 *
 * Files: RECORD (dist-info) or installed-files.txt (egg-info) list what
 * the distribution installed; those still in the image are its files.
 * License texts (License-File, dist-info/licenses/) are left to licfiles,
 * which finds them next to the metadata and identifies them.
 *
 * One distribution, one component: the same name and version in several
 * environments is one component with one evidence entry per place.  A
 * metadata file an OS package owns links the component to it ("owned-by").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"

#define META_MAX (8u << 20)          /* METADATA holds the long description */
#define FIELD_MAX 4096
#define SHORT_LICENSE 100            /* a License field longer is a text */
#define MAX_CLASSIFIERS 16
#define MAX_FILES 200000

/* Trove classifiers that name exactly one license text.  Those that do
 * not ("BSD License", "Apache Software License", "Artistic License") go
 * through the generic dialect and stay LicenseRefs, as the alias policy
 * in license-texts/aliases/generic.tsv says. */
static const struct {
	const char *classifier;      /* after "License :: " */
	const char *spdx;
} classifiers[] = {
	{ "OSI Approved :: MIT License", "MIT" },
	{ "OSI Approved :: MIT No Attribution License (MIT-0)", "MIT-0" },
	{ "OSI Approved :: ISC License (ISCL)", "ISC" },
	{ "OSI Approved :: Mozilla Public License 1.0 (MPL)", "MPL-1.0" },
	{ "OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1" },
	{ "OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0" },
	{ "OSI Approved :: GNU General Public License v2 (GPLv2)", "GPL-2.0-only" },
	{ "OSI Approved :: GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later" },
	{ "OSI Approved :: GNU General Public License v3 (GPLv3)", "GPL-3.0-only" },
	{ "OSI Approved :: GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later" },
	{ "OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only" },
	{ "OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)", "LGPL-2.0-or-later" },
	{ "OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only" },
	{ "OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)", "LGPL-3.0-or-later" },
	{ "OSI Approved :: GNU Affero General Public License v3", "AGPL-3.0-only" },
	{ "OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)", "AGPL-3.0-or-later" },
	{ "OSI Approved :: Python Software Foundation License", "PSF-2.0" },
	{ "OSI Approved :: The Unlicense (Unlicense)", "Unlicense" },
	{ "OSI Approved :: Boost Software License 1.0 (BSL-1.0)", "BSL-1.0" },
	{ "OSI Approved :: zlib/libpng License", "Zlib" },
	{ "OSI Approved :: Eclipse Public License 1.0 (EPL-1.0)", "EPL-1.0" },
	{ "OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0" },
	{ "OSI Approved :: European Union Public Licence 1.1 (EUPL 1.1)", "EUPL-1.1" },
	{ "OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)", "EUPL-1.2" },
	{ "OSI Approved :: Universal Permissive License (UPL)", "UPL-1.0" },
	{ "OSI Approved :: Historical Permission Notice and Disclaimer (HPND)", "HPND" },
	{ "OSI Approved :: PostgreSQL License", "PostgreSQL" },
	{ "OSI Approved :: Microsoft Public License (MS-PL)", "MS-PL" },
	{ "OSI Approved :: SIL Open Font License 1.1 (OFL-1.1)", "OFL-1.1" },
	{ "OSI Approved :: Common Development and Distribution License 1.0 (CDDL-1.0)", "CDDL-1.0" },
	{ "OSI Approved :: Blue Oak Model License (BlueOak-1.0.0)", "BlueOak-1.0.0" },
	{ "OSI Approved :: Mulan Permissive Software License v2 (MulanPSL-2.0)", "MulanPSL-2.0" },
	{ "OSI Approved :: Apache Software License 2.0 (Apache-2.0)", "Apache-2.0" },
	{ "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0" },
};

enum kind { K_NONE, K_DIST_INFO, K_EGG_INFO, K_EGG_FILE, K_RECORD };

static enum kind classify(const char *p)
{
	const char *base = strrchr(p, '/');
	size_t dl;

	if (!base)
		return K_NONE;
	if (lb_str_has_suffix(p, ".egg-info") && base[1])
		return K_EGG_FILE;
	dl = (size_t)(base - p);
	if (strcmp(base, "/METADATA") == 0 && dl > 10 && memcmp(base - 10, ".dist-info", 10) == 0)
		return K_DIST_INFO;
	if (strcmp(base, "/PKG-INFO") == 0 && dl > 9 && memcmp(base - 9, ".egg-info", 9) == 0)
		return K_EGG_INFO;
	if ((strcmp(base, "/RECORD") == 0 && dl > 10 && memcmp(base - 10, ".dist-info", 10) == 0) ||
	    (strcmp(base, "/installed-files.txt") == 0 && dl > 9 && memcmp(base - 9, ".egg-info", 9) == 0))
		return K_RECORD;
	return K_NONE;
}

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	return classify(e->path) != K_NONE ? LB_WANT_YES : LB_WANT_NO;
}

/* ---- the header of a metadata file (RFC 822 style) ---- */

struct field {
	const char *name;
	size_t nlen;
	const char *val;
	size_t vlen;            /* whole value, continuation lines included */
	int multiline;
};

/* The header fields, up to the first empty line (the body follows). */
static size_t read_header(const char *p, size_t len, struct field *f, size_t cap)
{
	const char *end = p + len;
	size_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon;
		const char *lt = le;

		if (lt > p && lt[-1] == '\r')
			lt--;
		if (lt == p)
			break;                               /* end of the header */
		if (*p == ' ' || *p == '\t') {
			if (n) {
				f[n - 1].vlen = (size_t)(lt - f[n - 1].val);
				f[n - 1].multiline = 1;
			}
		} else if ((colon = memchr(p, ':', (size_t)(lt - p))) != NULL && n < cap) {
			const char *v = colon + 1;

			while (v < lt && (*v == ' ' || *v == '\t'))
				v++;
			f[n].name = p;
			f[n].nlen = (size_t)(colon - p);
			f[n].val = v;
			f[n].vlen = (size_t)(lt - v);
			f[n].multiline = 0;
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	return n;
}

static int is_field(const struct field *f, const char *name)
{
	return f->nlen == strlen(name) && strncasecmp(f->name, name, f->nlen) == 0;
}

static const struct field *get(const struct field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (is_field(&f[i], name))
			return &f[i];
	return NULL;
}

/* The first line of a field, trimmed, capped; NULL when empty. */
static char *value(const struct field *fl)
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
	if (e - v > FIELD_MAX)
		e = v + FIELD_MAX;
	if (e == v || (e - v == 7 && strncmp(v, "UNKNOWN", 7) == 0))
		return NULL;
	return lb_xstrndup(v, (size_t)(e - v));
}

/* ---- licenses ---- */

/* 1 when the generic dialect reads s as listed licenses only. */
static int maps_cleanly(const char *s)
{
	struct lb_norm_result r;
	int ok;

	if (lb_license_normalize(s, LB_LIC_GENERIC, &r) != 0)
		return 0;
	ok = r.nrefs == 0;
	lb_norm_result_release(&r);
	return ok;
}

static void read_license(struct lb_scan *s, struct lb_component *c, const struct field *f, size_t n,
			 const struct lb_entry *e)
{
	const struct field *lf = get(f, n, "License");
	char *expr = value(get(f, n, "License-Expression"));
	char *lic = NULL;
	char *names[MAX_CLASSIFIERS];
	size_t nn = 0;
	struct lb_buf raw;
	int done = 0;

	if (lf && !lf->multiline && lf->vlen <= SHORT_LICENSE)
		lic = value(lf);
	else if (lf && lf->vlen)
		lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, "License",
				     "the License field holds a license text, not a name: not used");
	lb_buf_init(&raw, 1u << 16);
	for (size_t i = 0; i < n; i++) {
		const char *v;
		char *cl;

		if (!is_field(&f[i], "Classifier") || nn == MAX_CLASSIFIERS)
			continue;
		cl = value(&f[i]);
		/* "License :: OSI Approved" alone names nothing */
		if (!cl || strncmp(cl, "License :: ", 11) != 0 || strcmp(cl + 11, "OSI Approved") == 0) {
			free(cl);
			continue;
		}
		v = NULL;
		for (size_t k = 0; k < LB_ARRAY_SIZE(classifiers) && !v; k++)
			if (strcmp(cl + 11, classifiers[k].classifier) == 0)
				v = classifiers[k].spdx;
		if (!v) {                 /* the last segment names the license */
			v = strrchr(cl, ':') + 1;
			while (*v == ' ')
				v++;
		}
		names[nn++] = lb_xstrdup(v);
		lb_buf_addf(&raw, "%s%s", raw.len ? "; " : "", cl);
		free(cl);
	}
	if (expr && lb_comp_set_license(&s->model, c, LB_LIC_DECLARED, expr, LB_LIC_SPDX, NULL, NULL) == 0) {
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, "License-Expression", expr);
		done = 1;
	}
	if (!done && lic && maps_cleanly(lic) &&
	    lb_comp_set_license(&s->model, c, LB_LIC_DECLARED, lic, LB_LIC_GENERIC, NULL, NULL) == 0) {
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, "License", lic);
		done = 1;
	}
	if (!done && nn) {
		/* classifiers offered (OR), each read on its own, the same
		 * license once; declared_raw is the classifiers as written */
		const struct lb_offer_opts offer = { .dialect = LB_LIC_GENERIC, .sep = "; ",
						     .raw = raw.p, .dedup = 1 };

		if (lb_comp_set_offered(&s->model, c, (const char *const *)names, nn, &offer) == 0) {
			lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, "Classifier", raw.p);
			done = 1;
		}
	}
	if (!done && lic && lb_comp_set_license(&s->model, c, LB_LIC_DECLARED, lic, LB_LIC_GENERIC, NULL, NULL) == 0) {
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, "License", lic);
		done = 1;
	}
	if (!done) {
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, NULL, NULL);
		lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL, "the metadata declares no license");
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	lb_buf_release(&raw);
	free(expr);
	free(lic);
}

/* ---- files ---- */

/* Adds the file at dir/rel (rel as RECORD writes it: relative, maybe with
 * "..") when the final view has it. */
static void add_file(struct lb_scan *s, struct lb_pkgrec *r, const char *dir, const char *rel, size_t rl)
{
	char raw[8192], norm[4200];
	const struct lb_entry *f;

	if (rl == 0 || rl >= 4096)
		return;
	if (rel[0] == '/')
		snprintf(raw, sizeof(raw), "%.*s", (int)rl, rel);
	else
		snprintf(raw, sizeof(raw), "%s/%.*s", dir, (int)rl, rel);
	if (lb_path_normalize(raw, norm, sizeof(norm)) <= 0)
		return;
	f = lb_scan_lookup(s, norm);
	if (!f || f->type == LB_FT_DIR)
		return;
	lb_comp_add_file(r->c, f->path);
	if ((int)f->layer > r->vis_max)
		r->vis_max = f->layer;
}

/* RECORD: CSV "path,hash,size" relative to the directory holding the
 * dist-info; installed-files.txt: one path a line relative to the
 * egg-info directory. */
static void read_files(struct lb_scan *s, struct lb_pkgrec *r, const struct lb_entry *list, const char *base, int csv)
{
	const char *p, *end;
	size_t nf = 0;

	if (!list || !list->data)
		return;
	if (list->flags & LB_EF_TRUNCATED)
		lb_scan_warn(s, "'%s' is larger than %u MiB: files past that are not listed", list->path,
			     META_MAX >> 20);
	p = (const char *)list->data;
	end = p + list->data_len;
	while (p < end && nf < MAX_FILES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le > p && le[-1] == '\r')
			le--;
		if (csv && *p == '"') {          /* a quoted path: "" is a quote */
			char path[4096];
			size_t k = 0;
			const char *q = p + 1;

			while (q < le && k + 1 < sizeof(path)) {
				if (*q == '"' && q + 1 < le && q[1] == '"') {
					path[k++] = '"';
					q += 2;
				} else if (*q == '"') {
					break;
				} else {
					path[k++] = *q++;
				}
			}
			add_file(s, r, base, path, k);
		} else if (csv) {
			const char *comma = memchr(p, ',', (size_t)(le - p));

			add_file(s, r, base, p, (size_t)((comma ? comma : le) - p));
		} else {
			add_file(s, r, base, p, (size_t)(le - p));
		}
		nf++;
		p = nl ? nl + 1 : end;
	}
}

/* ---- scan ---- */

/* PEP 503: lowercase, runs of "-", "_" and "." become one "-". */
static char *pep503(const char *name)
{
	size_t n = strlen(name), k = 0;
	char *out = lb_xmalloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		char ch = name[i];

		if (ch == '-' || ch == '_' || ch == '.') {
			if (k && out[k - 1] != '-')
				out[k++] = '-';
			continue;
		}
		out[k++] = (char)tolower((unsigned char)ch);
	}
	while (k && out[k - 1] == '-')
		k--;
	out[k] = '\0';
	return out;
}

static void fill(struct lb_scan *s, struct lb_component *c, const struct field *f, size_t n,
		 const struct lb_entry *e, const char *norm)
{
	char *author = value(get(f, n, "Author")), *mail = value(get(f, n, "Author-email"));
	char *home = value(get(f, n, "Home-page"));

	c->purl = lb_purl("pypi", NULL, norm, c->version, NULL, 0);
	if (author && mail && !strchr(mail, '<')) {
		char *both = lb_xasprintf("%s <%s>", author, mail);

		lb_comp_set(&c->author, both);
		free(both);
	} else {
		lb_comp_set(&c->author, author ? author : mail);
	}
	if (!home) {
		/* Project-URL: "Homepage, https://..." */
		for (size_t i = 0; i < n && !home; i++) {
			char *v, *comma;

			if (!is_field(&f[i], "Project-URL") || !(v = value(&f[i])))
				continue;
			comma = strchr(v, ',');
			if (comma && (strncasecmp(v, "homepage", 8) == 0 || strncasecmp(v, "home", 4) == 0 ||
				      strncasecmp(v, "source", 6) == 0)) {
				const char *u = comma + 1;

				while (*u == ' ')
					u++;
				home = *u ? lb_xstrdup(u) : NULL;
			}
			free(v);
		}
	}
	lb_comp_set(&c->homepage, home);
	{
		char *sum = value(get(f, n, "Summary"));

		lb_comp_set(&c->summary, sum);
		free(sum);
	}
	read_license(s, c, f, n, e);
	free(author);
	free(mail);
	free(home);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct lb_pkgrecs *st = vst;
	enum kind k = classify(e->path);
	int visible = lb_scan_visible(s, e), found;
	struct field f[512];
	size_t n;
	char *name, *version, *norm, *key, *dir, *site;
	struct lb_pkgrec *r;

	if (k == K_NONE || k == K_RECORD || (!visible && !s->all_layers))
		return 0;
	if (!data)
		return 0;
	n = read_header(data, len, f, LB_ARRAY_SIZE(f));
	name = value(get(f, n, "Name"));
	version = value(get(f, n, "Version"));
	if (!name) {
		lb_scan_warn(s, "'%s' in layer %u: no Name field: not a Python distribution's metadata",
			     e->path, e->layer + 1);
		free(version);
		return 0;
	}
	norm = pep503(name);
	key = lb_xasprintf("%s\x1f%s", norm, version ? version : "");
	r = lb_pkgrecs_get(st, key, &found);
	if (!found) {
		r->c = lb_model_add(&s->model, LB_COMP_LIBRARY, name, version, "python");
		fill(s, r->c, f, n, e, norm);
	} else {
		lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, NULL, NULL);
	}
	/* dir: the dist-info/egg-info (or the .egg-info file); site: its parent */
	dir = k == K_EGG_FILE ? lb_xstrdup(e->path) : lb_xstrndup(e->path, (size_t)(strrchr(e->path, '/') - e->path));
	site = lb_xstrndup(dir, (size_t)(strrchr(dir, '/') - dir));
	if (visible) {
		lb_pkgrec_seen_visible(r, e);
		if (k == K_DIST_INFO) {
			char *rec = lb_xasprintf("%s/RECORD", dir);

			read_files(s, r, lb_scan_lookup(s, rec), site, 1);
			free(rec);
		} else if (k == K_EGG_INFO) {
			char *rec = lb_xasprintf("%s/installed-files.txt", dir);

			read_files(s, r, lb_scan_lookup(s, rec), dir, 0);
			free(rec);
		}
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
	free(dir);
	free(site);
	free(key);
	free(norm);
	free(name);
	free(version);
	return 0;
}

/* ---- finish ---- */

const struct lb_detector lb_detector_python = {
	.name = "python",
	.max_size = META_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
};
