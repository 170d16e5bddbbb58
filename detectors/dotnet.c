/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dotnet: NuGet packages of .NET applications.
 *
 * Reads APP.deps.json, the dependency manifest `dotnet build` and
 * `dotnet publish` write next to an application (and the shared
 * frameworks' own, e.g. Microsoft.NETCore.App.deps.json).  Its "libraries"
 * object has one entry per dependency, keyed "Name/Version", with a
 * "type": "package" (from NuGet) and "runtimepack" (the runtime of a
 * self-contained application, also a NuGet package) are reported;
 * "project" and "reference" entries are the application's own code.
 *
 * deps.json carries no license: the declared license stays NOASSERTION
 * and a note says so (the package's .nuspec on nuget.org has it).
 *
 * Files: the runtime and native assets the "targets" section lists for
 * the package, where they are next to the deps.json (as published: at
 * the asset's path, or flattened to its file name).  One package, one
 * component: the same name and version in several applications is one
 * component with one evidence entry per deps.json.
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

#define DEPS_MAX (16u << 20)         /* ASP.NET apps: ~300 KB */
#define JSON_DEPTH_MAX 64            /* real ones nest 6 deep */
#define FIELD_MAX 4096
#define MAX_LIBRARIES 100000
#define MAX_ASSETS 10000

static int wants(const struct lb_entry *e)
{
	const char *base = strrchr(e->path, '/');

	if (e->type != LB_FT_FILE || !base || strlen(base) <= 11)
		return LB_WANT_NO;
	return lb_str_has_suffix(base, ".deps.json") ? LB_WANT_YES : LB_WANT_NO;
}

/* ---- files ---- */

/* Adds dir/rel when the final view has it as a file; 1 when it did. */
static int add_file(struct lb_scan *s, struct lb_pkgrec *r, const char *dir, const char *rel, size_t rl)
{
	char raw[8400], norm[8400];
	const struct lb_entry *f;

	/* assets are paths inside the package: never ".." nor absolute */
	if (rl == 0 || rl >= 4096 || rel[0] == '/' || strstr(rel, ".."))
		return 0;
	snprintf(raw, sizeof(raw), "%s/%.*s", dir, (int)rl, rel);
	if (lb_path_normalize(raw, norm, sizeof(norm)) <= 0 || !(f = lb_scan_lookup(s, norm)) ||
	    f->type == LB_FT_DIR)
		return 0;
	for (size_t i = 0; i < r->c->nfiles; i++)
		if (strcmp(r->c->files[i], f->path) == 0)
			return 1;
	lb_comp_add_file(r->c, f->path);
	if ((int)f->layer > r->vis_max)
		r->vis_max = f->layer;
	return 1;
}

/* The assets of targets[*][key]: "runtime", "native", "resources", and the
 * RID-specific "runtimeTargets" of portable applications. */
static void add_files(struct lb_scan *s, struct lb_pkgrec *r, const char *dir, const json_t *targets, const char *key)
{
	static const char *const kinds[] = { "runtime", "native", "resources", "runtimeTargets" };
	const char *tname;
	const json_t *t;
	size_t n = 0;

	if (!json_is_object(targets))
		return;
	json_object_foreach((json_t *)targets, tname, t) {
		const json_t *lib = json_object_get(t, key);

		if (!json_is_object(lib))
			continue;
		for (size_t k = 0; k < LB_ARRAY_SIZE(kinds); k++) {
			const json_t *assets = json_object_get(lib, kinds[k]), *v;
			const char *asset;

			if (!json_is_object(assets))
				continue;
			json_object_foreach((json_t *)assets, asset, v) {
				const char *base = strrchr(asset, '/');

				if (n++ >= MAX_ASSETS)
					return;
				if (!add_file(s, r, dir, asset, strlen(asset)) && base)
					add_file(s, r, dir, base + 1, strlen(base + 1));
			}
		}
	}
}

/* ---- scan ---- */

static void one_library(struct lb_scan *s, struct lb_pkgrecs *st, const struct lb_entry *e, int visible,
			const char *key, const json_t *lib, const json_t *targets, const char *dir)
{
	const char *type = json_string_value(json_object_get(lib, "type"));
	const char *sha = json_string_value(json_object_get(lib, "sha512"));
	const char *slash = strrchr(key, '/');
	struct lb_pkgrec *r;
	char *name, *rkey;
	int found;

	if (!type || (strcmp(type, "package") != 0 && strcmp(type, "runtimepack") != 0))
		return;
	if (!slash || slash == key || !slash[1] || strlen(key) > FIELD_MAX)
		return;
	/* a self-contained app's runtime: "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0" */
	if (strcmp(type, "runtimepack") == 0 && lb_str_has_prefix(key, "runtimepack.") && slash - key > 12)
		name = lb_xstrndup(key + 12, (size_t)(slash - key - 12));
	else
		name = lb_xstrndup(key, (size_t)(slash - key));
	rkey = lb_xasprintf("%s\x1f%s", name, slash + 1);
	r = lb_pkgrecs_get(st, rkey, &found);
	free(rkey);
	if (!found) {
		struct lb_component *c = lb_model_add(&s->model, LB_COMP_LIBRARY, name, slash + 1, "dotnet");

		r->c = c;
		c->purl = lb_purl("nuget", NULL, name, slash + 1, NULL, 0);
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, "libraries", key);
		lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL,
				     "deps.json declares no license (the package's .nuspec does)");
		if (strcmp(type, "runtimepack") == 0)
			lb_comp_add_prop(c, "dotnet:type", type);
		if (sha && lb_str_has_prefix(sha, "sha512-") && strlen(sha) < 200)
			lb_comp_add_prop(c, "nuget:sha512", sha + 7);
	} else {
		lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, "libraries", key);
	}
	free(name);
	if (visible) {
		lb_pkgrec_seen_visible(r, e);
		add_files(s, r, dir, targets, key);
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct lb_pkgrecs *st = vst;
	int visible = lb_scan_visible(s, e);
	const json_t *libs, *lib;
	const char *key, *p = data;
	json_t *root;
	json_error_t err;
	char *dir;
	size_t n = 0;

	if ((!visible && !s->all_layers) || !p)
		return 0;
	if (lb_scan_load_json(s, e, p, len, DEPS_MAX, JSON_DEPTH_MAX, &root, &err) < 0)
		return 0;
	libs = json_object_get(root, "libraries");
	if (!json_is_object(libs)) {
		lb_scan_warn(s, "'%s' in layer %u: not a .NET dependency manifest (%s): not read", e->path,
			     e->layer + 1, root ? "no \"libraries\" object" : err.text);
		json_decref(root);
		return 0;
	}
	dir = lb_xstrndup(e->path, (size_t)(strrchr(e->path, '/') - e->path));
	json_object_foreach((json_t *)libs, key, lib) {
		if (n++ >= MAX_LIBRARIES)
			break;
		if (json_is_object(lib))
			one_library(s, st, e, visible, key, lib, json_object_get(root, "targets"), dir);
	}
	free(dir);
	json_decref(root);
	return 0;
}

/* ---- finish ---- */

const struct lb_detector lb_detector_dotnet = {
	.name = "dotnet",
	.max_size = DEPS_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
};
