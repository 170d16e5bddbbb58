/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npm: Node.js packages.
 *
 * A package is a package.json directly in node_modules/NAME/ or
 * node_modules/@SCOPE/NAME/ (nested trees, pnpm's .pnpm store and global
 * installs included), or in a directory of Debian's Node.js search path
 * (/usr/share/nodejs/NAME/, /usr/lib/nodejs/NAME/, /usr/lib/TRIPLET/nodejs/NAME/).
 * A package.json deeper inside a package (node_modules/x/lib/package.json,
 * which only sets "type" or "main") is not a package.  A package.json
 * outside node_modules that has a "name" is an application root.
 *
 * License: "license" as a string (SPDX, the npm rule) or a legacy object
 * {"type": ...}; the legacy "licenses" array offers each entry (OR).
 * "SEE LICENSE IN <file>" names a file instead of a license: the
 * declared license stays NOASSERTION and a note says where to look.
 *
 * One package, one component: copies of name@version in several places
 * (nested duplicates, two applications) are one component with one
 * evidence entry per place.  A package.json that an OS package owns
 * (Debian's node-* packages) gives a component linked to that package by
 * an "owned-by" property.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"
#include "scanjson.h"

#define PKG_JSON_MAX (4u << 20)      /* the largest real ones are ~200 KB */
#define FIELD_MAX 4096               /* bytes kept of a text field */
#define MAX_LICENSES 16              /* entries of a legacy "licenses" array */
#define MAX_FILES_PER_PKG 100000

/* Directories that hold packages the way node_modules does. */
static const char *const pkg_dirs[] = {
	"/node_modules/",
	"/usr/share/nodejs/",
	"/usr/lib/nodejs/",
};

/* 1 when rest is "NAME/package.json" or "@SCOPE/NAME/package.json". */
static int pkg_rest(const char *rest)
{
	const char *slash = strchr(rest, '/');

	if (!slash || slash == rest || rest[0] == '.')
		return 0;
	if (rest[0] == '@') {
		const char *n = slash + 1, *s2 = strchr(n, '/');

		if (!s2 || s2 == n || n[0] == '.')
			return 0;
		return strcmp(s2, "/package.json") == 0;
	}
	return strcmp(slash, "/package.json") == 0;
}

/* Where a package.json path stands: 1 a package, 2 an application root
 * candidate, 0 neither (a file inside a package). */
static int classify(const char *p)
{
	const char *last = NULL, *rest = NULL;

	for (size_t i = 0; i < LB_ARRAY_SIZE(pkg_dirs); i++) {
		const char *q = p, *hit;
		size_t l = strlen(pkg_dirs[i]);

		while ((hit = strstr(q, pkg_dirs[i])) != NULL) {
			if (!last || hit > last) {
				last = hit;
				rest = hit + l;
			}
			q = hit + 1;
		}
	}
	if (!last) {
		/* /usr/lib/x86_64-linux-gnu/nodejs/NAME/package.json */
		if (lb_str_has_prefix(p, "/usr/lib/")) {
			const char *t = strchr(p + 9, '/');

			if (t && lb_str_has_prefix(t, "/nodejs/"))
				return pkg_rest(t + 8) ? 1 : 0;
		}
		return 2;
	}
	return pkg_rest(rest) ? 1 : 0;
}

static int wants(const struct lb_entry *e)
{
	const char *base;

	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	base = strrchr(e->path, '/');
	if (!base || strcmp(base, "/package.json") != 0)
		return LB_WANT_NO;
	return classify(e->path) ? LB_WANT_YES : LB_WANT_NO;
}

/* ---- JSON fields ---- */

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	return s && *s ? s : NULL;
}

/* Trimmed copy of at most FIELD_MAX bytes, or NULL when empty. */
static char *clean(const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	if (n > FIELD_MAX)
		n = FIELD_MAX;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n ? lb_xstrndup(s, n) : NULL;
}

/* "Name <mail> (url)" from a person: a string, or {name, email, url}. */
static char *person(const json_t *v)
{
	const char *name, *mail;

	if (json_is_string(v))
		return clean(json_string_value(v));
	if (!json_is_object(v))
		return NULL;
	name = jstr(v, "name");
	mail = jstr(v, "email");
	if (name && mail)
		return lb_xasprintf("%.*s <%.*s>", FIELD_MAX, name, FIELD_MAX, mail);
	return clean(name ? name : mail);
}

/* ---- licenses ---- */

/* The license name of one entry: a string, or {"type": ...} ("name" in a
 * few hand-written ones). */
static const char *license_name(const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v)) {
		const char *t = jstr(v, "type");

		return t ? t : jstr(v, "name");
	}
	return NULL;
}

/* Maps a ref's words back to what the package said, when a list of
 * entries was normalised one by one and joined. */
/* npm's documented word for "no license granted": the ref says so. */
static const char *unlicensed_text(const char *words)
{
	if (strcasecmp(words, "UNLICENSED") == 0 || strcasecmp(words, "LicenseRef-UNLICENSED") == 0)
		return "UNLICENSED: the package.json says that its owner grants no license to use the package "
		       "(npm: \"UNLICENSED\", https://docs.npmjs.com/cli/configuring-npm/package-json#license)";
	return NULL;
}

static const char *single_text(void *ctx, const char *words)
{
	(void)ctx;
	return unlicensed_text(words);
}

/* Offered licenses: each name in the SPDX dialect, one kept as written. */
static const struct lb_offer_opts offer = {
	.dialect = LB_LIC_SPDX, .sep = ", ", .single_as_is = 1, .texts = single_text,
};

static void read_license(struct lb_scan *s, struct lb_component *c, const json_t *root,
			 const struct lb_entry *e)
{
	const json_t *lic = json_object_get(root, "license");
	const json_t *arr = json_object_get(root, "licenses");
	const char *names[MAX_LICENSES];
	size_t n = 0;
	const char *field = "license";

	if (json_is_array(lic)) {         /* a few old packages put the array here */
		arr = lic;
		lic = NULL;
	}
	if (lic) {
		const char *l = license_name(lic);

		if (l)
			names[n++] = l;
	} else if (json_is_array(arr)) {
		size_t i;
		const json_t *v;

		field = "licenses";
		json_array_foreach(arr, i, v) {
			const char *l = license_name(v);

			if (l && *l && n < MAX_LICENSES)
				names[n++] = l;
		}
	}
	if (n == 1 && strncasecmp(names[0], "SEE LICENSE IN ", 15) == 0) {
		char *why = lb_xasprintf("the license is the text of the file '%.*s' of the package",
					 FIELD_MAX, names[0] + 15);

		lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, field, why);
		free(why);
		return;
	}
	if (n && lb_comp_set_offered(&s->model, c, names, n, &offer) == 0) {
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, field, c->declared_raw);
		return;
	}
	lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, NULL, NULL);
	lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL, "package.json declares no license");
}

/* ---- files of a package ---- */

/* The files of the package in dir: its own, not those of nested
 * node_modules (licfiles attaches license texts through them). */
static void add_files(struct lb_scan *s, struct lb_pkgrec *r, const char *dir)
{
	char *prefix = lb_xasprintf("%s/", dir);
	size_t pl = strlen(prefix), nf = 0;

	for (size_t i = lb_scan_lower_bound(s, prefix); i < s->view.n; i++) {
		const struct lb_entry *f = s->view.v[i];
		const char *rel = f->path + pl;

		if (strncmp(f->path, prefix, pl) != 0)
			break;
		if (f->type == LB_FT_DIR || strstr(rel, "node_modules/") == rel || strstr(rel, "/node_modules/"))
			continue;
		if (nf++ >= MAX_FILES_PER_PKG)
			break;
		lb_comp_add_file(r->c, f->path);
		if ((int)f->layer > r->vis_max)
			r->vis_max = f->layer;
	}
	free(prefix);
}

/* ---- scan ---- */

static void fill(struct lb_scan *s, struct lb_component *c, const json_t *root,
		 const struct lb_entry *e, const char *scope, const char *bare)
{
	char *v;

	c->purl = lb_purl("npm", scope, bare, c->version, NULL, 0);
	v = person(json_object_get(root, "author"));
	lb_comp_set(&c->author, v);
	free(v);
	v = clean(jstr(root, "homepage"));
	lb_comp_set(&c->homepage, v);
	free(v);
	v = clean(jstr(root, "description"));
	lb_comp_set(&c->summary, v);
	free(v);
	read_license(s, c, root, e);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct lb_pkgrecs *st = vst;
	int visible = lb_scan_visible(s, e), kind = classify(e->path), found;
	json_t *root;
	json_error_t err;
	const char *p = data;
	char *name = NULL, *version, *dir, *key, *scope = NULL;
	const char *bare;
	struct lb_pkgrec *r;

	if ((!visible && !s->all_layers) || !kind)
		return 0;
	if (!p)
		return 0;                    /* not retained: the walker said why */
	if (lb_scan_load_json(s, e, p, len, PKG_JSON_MAX, 0, &root, &err) < 0)
		return 0;
	if (!json_is_object(root)) {
		if (kind == 1)
			lb_scan_warn(s, "'%s' in layer %u: not a JSON object (%s): package not reported",
				     e->path, e->layer + 1, root ? "not an object" : err.text);
		json_decref(root);
		return 0;
	}
	dir = lb_xstrndup(e->path, strlen(e->path) - strlen("/package.json"));
	name = clean(jstr(root, "name"));
	if (!name && kind == 1) {
		/* npm itself names a package by its folder when package.json does not */
		const char *b = strrchr(dir, '/') + 1, *ps = b - 1;

		while (ps > dir && ps[-1] != '/')
			ps--;
		name = lb_xstrdup(ps < b - 1 && *ps == '@' ? ps : b);
	}
	if (!name) {                     /* a package.json of a tool, not an application */
		free(dir);
		json_decref(root);
		return 0;
	}
	version = clean(jstr(root, "version"));
	if (name[0] == '@' && strchr(name, '/')) {
		scope = lb_xstrndup(name, (size_t)(strchr(name, '/') - name));
		bare = strchr(name, '/') + 1;
	} else {
		bare = name;
	}
	key = lb_xasprintf("%d\x1f%s\x1f%s", kind, name, version ? version : "");
	r = lb_pkgrecs_get(st, key, &found);
	if (!found) {
		r->c = lb_model_add(&s->model, kind == 1 ? LB_COMP_LIBRARY : LB_COMP_APPLICATION, name, version,
				    "npm");
		fill(s, r->c, root, e, scope, bare);
	} else {
		lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, NULL, NULL);
	}
	if (visible) {
		lb_pkgrec_seen_visible(r, e);
		if (kind == 1)
			add_files(s, r, dir);
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
	free(key);
	free(scope);
	free(name);
	free(version);
	free(dir);
	json_decref(root);
	return 0;
}

/* ---- finish ---- */

/* Links each component to the OS package that owns one of its metadata
 * files: the component stays, the link says it is the same thing. */
const struct lb_detector lb_detector_npm = {
	.name = "npm",
	.max_size = PKG_JSON_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
};
