/* SPDX-License-Identifier: Apache-2.0 */
/*
 * php: packages Composer installed.
 *
 * Reads vendor/composer/installed.json, the list Composer writes of what
 * it installed into that vendor directory: an array of packages
 * (Composer 1) or {"packages": [...], "dev-package-names": [...]}
 * (Composer 2).  Each package has "name" ("vendor/package"), "version" as
 * written ("v6.3.4"; kept so, also in the purl, which the purl spec does
 * not ask to change), "license" (an array of SPDX ids: Composer's rule is
 * that several are offered, OR), "authors", "homepage", "description".
 *
 * Files: the package's directory ("install-path", relative to
 * vendor/composer/, in Composer 2; vendor/NAME in Composer 1).  One
 * package, one component: the same name and version in several vendor
 * directories is one component with one evidence entry per list.  A
 * Composer 2 development package says so ("composer:dev").
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"
#include "scanjson.h"

#define INSTALLED_MAX (16u << 20)    /* ~5 KB a package */
#define JSON_DEPTH_MAX 64            /* real lists nest 5 deep */
#define FIELD_MAX 4096
#define MAX_LICENSES 16
#define MAX_AUTHORS 32
#define MAX_PACKAGES 100000
#define MAX_FILES_PER_PKG 100000

static const char suffix[] = "/vendor/composer/installed.json";

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	return lb_str_has_suffix(e->path, suffix) ? LB_WANT_YES : LB_WANT_NO;
}

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	return s && *s ? s : NULL;
}

/* Offered licenses: each name in the SPDX dialect, one kept as written. */
static const struct lb_offer_opts offer = { .dialect = LB_LIC_SPDX, .sep = ", ", .single_as_is = 1 };

/* ---- licenses ---- */

static void read_license(struct lb_scan *s, struct lb_component *c, const json_t *pkg,
			 const struct lb_entry *e, const char *name)
{
	const json_t *lic = json_object_get(pkg, "license");
	const char *names[MAX_LICENSES];
	size_t n = 0;

	if (json_is_string(lic) && *json_string_value(lic)) {
		names[n++] = json_string_value(lic);
	} else if (json_is_array(lic)) {
		size_t i;
		const json_t *v;

		json_array_foreach(lic, i, v)
			if (json_is_string(v) && *json_string_value(v) && n < MAX_LICENSES)
				names[n++] = json_string_value(v);
	}
	if (n && lb_comp_set_offered(&s->model, c, names, n, &offer) == 0) {
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, "license", c->declared_raw);
		return;
	}
	lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, NULL, name);
	lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL, "installed.json declares no license");
}

/* ---- files ---- */

/* The files under the package's directory: install-path relative to
 * vendor/composer/, else vendor/NAME. */
static void add_files(struct lb_scan *s, struct lb_pkgrec *r, const struct lb_entry *e, const json_t *pkg,
		      const char *name)
{
	const char *ip = jstr(pkg, "install-path");
	size_t cl = strlen(e->path) - strlen("/installed.json");   /* .../vendor/composer */
	char *raw, norm[4200], *prefix;
	size_t pl, nf = 0;
	int n;

	if (ip && strlen(ip) < 4000)
		raw = ip[0] == '/' ? lb_xstrdup(ip) : lb_xasprintf("%.*s/%s", (int)cl, e->path, ip);
	else if (strlen(name) < 4000)
		raw = lb_xasprintf("%.*s/%s", (int)(cl - strlen("/composer")), e->path, name);
	else
		return;
	n = lb_path_normalize(raw, norm, sizeof(norm));
	free(raw);
	if (n <= 0)
		return;
	prefix = lb_xasprintf("%s/", norm);
	pl = strlen(prefix);
	for (size_t i = lb_scan_lower_bound(s, prefix); i < s->view.n && nf < MAX_FILES_PER_PKG; i++) {
		const struct lb_entry *f = s->view.v[i];

		if (strncmp(f->path, prefix, pl) != 0)
			break;
		if (f->type == LB_FT_DIR)
			continue;
		nf++;
		lb_comp_add_file(r->c, f->path);
		if ((int)f->layer > r->vis_max)
			r->vis_max = f->layer;
	}
	free(prefix);
}

/* ---- scan ---- */

static void fill(struct lb_scan *s, struct lb_component *c, const json_t *pkg, const struct lb_entry *e,
		 const char *name)
{
	const char *slash = strchr(name, '/');
	const json_t *authors = json_object_get(pkg, "authors");
	char *lower = lb_xstrdup(name), *ns = NULL;
	struct lb_buf b;

	for (char *q = lower; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	if (slash) {
		ns = lb_xstrndup(lower, (size_t)(slash - name));
		c->purl = lb_purl("composer", ns, lower + (slash - name) + 1, c->version, NULL, 0);
	} else {
		c->purl = lb_purl("composer", NULL, lower, c->version, NULL, 0);
	}
	free(ns);
	free(lower);
	lb_buf_init(&b, FIELD_MAX);
	if (json_is_array(authors)) {
		size_t i;
		const json_t *a;

		json_array_foreach(authors, i, a) {
			const char *an = json_is_object(a) ? jstr(a, "name") : NULL;
			const char *am = json_is_object(a) ? jstr(a, "email") : NULL;

			if (i >= MAX_AUTHORS || (!an && !am))
				continue;
			if (an && am)
				lb_buf_addf(&b, "%s%s <%s>", b.len ? ", " : "", an, am);
			else
				lb_buf_addf(&b, "%s%s", b.len ? ", " : "", an ? an : am);
		}
	}
	lb_comp_set(&c->author, b.len ? b.p : NULL);
	lb_buf_release(&b);
	lb_comp_set(&c->homepage, jstr(pkg, "homepage"));
	lb_comp_set(&c->summary, jstr(pkg, "description"));
	read_license(s, c, pkg, e, name);
}

/* 1 when name is in Composer 2's "dev-package-names". */
static int is_dev(const json_t *devs, const char *name)
{
	size_t i;
	const json_t *v;

	if (!json_is_array(devs))
		return 0;
	json_array_foreach(devs, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
			return 1;
	return 0;
}

static void one_package(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, int visible,
			const json_t *pkg, const json_t *devs)
{
	const char *name = jstr(pkg, "name"), *version = jstr(pkg, "version");
	struct lb_pkgrec *r;
	char *key;
	int found;

	if (!name || strlen(name) > FIELD_MAX || (version && strlen(version) > FIELD_MAX))
		return;
	key = lb_xasprintf("%s\x1f%s", name, version ? version : "");
	r = lb_pkgrecs_get(st, key, &found);
	free(key);
	if (!found) {
		r->c = lb_model_add(&s->model, LB_COMP_LIBRARY, name, version, "php");
		fill(s, r->c, pkg, e, name);
		if (is_dev(devs, name))
			lb_comp_add_prop(r->c, "composer:dev", "true");
	} else {
		lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, NULL, name);
	}
	if (visible) {
		lb_pkgrec_seen_visible(r, e);
		add_files(s, r, e, pkg, name);
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct lb_pkgrecs *st = vst;
	int visible = lb_scan_visible(s, e);
	const json_t *pkgs, *devs = NULL, *pkg;
	json_t *root;
	json_error_t err;
	const char *p = data;
	size_t i;

	if ((!visible && !s->all_layers) || !p)
		return 0;
	if (lb_scan_load_json(s, e, p, len, INSTALLED_MAX, JSON_DEPTH_MAX, &root, &err) < 0)
		return 0;
	pkgs = root;                                     /* Composer 1: an array */
	if (json_is_object(root)) {                      /* Composer 2 */
		pkgs = json_object_get(root, "packages");
		devs = json_object_get(root, "dev-package-names");
	}
	if (!json_is_array(pkgs)) {
		lb_scan_warn(s, "'%s' in layer %u: not a Composer package list (%s): not read", e->path,
			     e->layer + 1, root ? "no \"packages\" array" : err.text);
		json_decref(root);
		return 0;
	}
	json_array_foreach(pkgs, i, pkg) {
		if (i >= MAX_PACKAGES)
			break;
		if (json_is_object(pkg))
			one_package(s, st, e, visible, pkg, devs);
	}
	json_decref(root);
	return 0;
}

/* ---- finish ---- */

const struct lb_detector lb_detector_php = {
	.name = "php",
	.max_size = INSTALLED_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
};
