/* SPDX-License-Identifier: Apache-2.0 */
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "scanjson.h"

void lb_scan_warn(struct lb_scan *s, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (m) {
		lb_log_warn(&s->log, "%s", m);
		free(m);
	}
}

int lb_scan_visible(const struct lb_scan *s, const struct lb_entry *e)
{
	return lb_view_is_visible(&s->view, e, s->layers);
}

static int cmp_path_key(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct lb_entry *const *)elem)->path);
}

size_t lb_scan_lower_bound(const struct lb_scan *s, const char *key)
{
	size_t lo = 0, hi = s->view.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->view.v[mid]->path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct lb_entry *lb_scan_lookup(const struct lb_scan *s, const char *path)
{
	const struct lb_entry *const *p = bsearch(path, s->view.v, s->view.n, sizeof(*s->view.v),
						   cmp_path_key);

	return p ? *p : NULL;
}

const struct lb_entry *lb_scan_layer_lookup(const struct lb_scan *s, unsigned i, const char *path)
{
	const struct lb_layer *l;
	uint32_t *k;

	if (i >= s->nlayers)
		return NULL;
	l = &s->layers[i];
	k = lb_hashmap_get((struct lb_hashmap *)&l->by_path, path, strlen(path));
	return k ? &l->entries[*k] : NULL;
}

const struct lb_entry *lb_scan_lookup_resolved(const struct lb_scan *s, const char *path, size_t *budget)
{
	const struct lb_entry *e = lb_scan_lookup(s, path);
	char cur[LB_MAX_PATH + 2], next[2 * LB_MAX_PATH + 4];
	unsigned links = 0, lookups = 0;
	size_t i = 1;

	if (e || path[0] != '/' || strlen(path) > LB_MAX_PATH)
		return e;
	memcpy(cur, path, strlen(path) + 1);
	for (;;) {
		char *sl = strchr(cur + i, '/');
		const struct lb_entry *d;
		size_t parent;
		int n;

		if (!sl)
			return links ? lb_scan_lookup(s, cur) : NULL;
		if (++lookups > 256)
			return NULL;
		if ((size_t)(sl - cur) > *budget) {
			*budget = 0;
			return NULL;
		}
		*budget -= (size_t)(sl - cur);
		*sl = '\0';
		d = lb_scan_lookup(s, cur);
		*sl = '/';
		if (!d || d->type != LB_FT_SYMLINK || !d->link_target || !*d->link_target) {
			if (!d)
				return NULL;            /* a directory that is not there */
			i = (size_t)(sl - cur) + 1;
			continue;
		}
		if (++links > 40)
			return NULL;
		/* the target replaces the directory: absolute, or relative to
		 * the directory that holds the link */
		for (parent = (size_t)(sl - cur); parent > 0 && cur[parent - 1] != '/'; parent--)
			;
		if (d->link_target[0] == '/')
			n = snprintf(next, sizeof(next), "%s%s", d->link_target, sl);
		else
			n = snprintf(next, sizeof(next), "%.*s%s%s", (int)parent, cur, d->link_target, sl);
		if (n < 0 || (size_t)n >= sizeof(next) || lb_path_normalize(next, cur, sizeof(cur)) <= 0)
			return NULL;
		i = 1;
	}
}

static int whiteout_covers(const struct lb_whiteout *w, const char *path)
{
	size_t n = strlen(w->path);

	return strcmp(w->path, path) == 0 || (strncmp(w->path, path, n) == 0 && path[n] == '/');
}

int lb_scan_deleted_in(const struct lb_scan *s, const char *path, int after)
{
	for (size_t i = s->nlayers; i-- > 0 && (int)i > after;) {
		const struct lb_layer *l = &s->layers[i];

		for (size_t k = 0; k < l->nwhiteouts; k++)
			if (whiteout_covers(&l->whiteouts[k], path))
				return (int)i;
	}
	return -1;
}

int lb_scan_hidden_by(const struct lb_scan *s, const struct lb_entry *e)
{
	if (lb_scan_visible(s, e))
		return -1;
	for (unsigned i = (unsigned)e->layer + 1; i < s->nlayers; i++) {
		const struct lb_layer *l = &s->layers[i];

		for (size_t k = 0; k < l->nwhiteouts; k++)
			if (whiteout_covers(&l->whiteouts[k], e->path))
				return (int)i;
		if (lb_scan_layer_lookup(s, i, e->path))
			return (int)i;
	}
	return -1;
}

const char *lb_scan_layer_id(const struct lb_scan *s, unsigned i)
{
	return i < s->nlayers && s->layers[i].diff_id ? s->layers[i].diff_id : "-";
}

/* The distribution is a component of its own (DESIGN.md), from os-release. */
static void add_os_component(struct lb_scan *s)
{
	struct lb_component *c;

	if (!s->os.id)
		return;
	c = lb_model_add(&s->model, LB_COMP_OS, s->os.id, s->os.version_id, "os-release");
	lb_comp_set(&c->summary, s->os.pretty_name);
	c->introduced = c->last_changed = (int)s->os.layer;
	lb_comp_add_evidence(c, LB_EV_METADATA, s->os.source, (int)s->os.layer, "ID", s->os.id);
	lb_comp_add_prop(c, "os:codename", s->os.version_codename);
	lb_comp_add_prop(c, "os:id-like", s->os.id_like);
}

static int run_detectors(struct lb_scan *s)
{
	s->det_state = lb_xcalloc(s->ndetectors ? s->ndetectors : 1, sizeof(void *));
	for (size_t d = 0; d < s->ndetectors; d++)
		if (s->detectors[d]->state_new)
			s->det_state[d] = s->detectors[d]->state_new();
	for (size_t li = 0; li < s->nlayers; li++) {
		const struct lb_layer *l = &s->layers[li];

		for (size_t i = 0; i < l->nentries; i++) {
			const struct lb_entry *e = &l->entries[i];

			if (!e->detectors)
				continue;
			for (size_t d = 0; d < s->ndetectors; d++) {
				if (!(e->detectors & (1u << d)))
					continue;
				const unsigned char *p = e->data;
				size_t n = e->data_len;

				/* a streaming detector reads its summary, not the file */
				if ((e->flags & LB_EF_STREAMED) && s->detectors[d]->stream_begin)
					lb_entry_summary(e, (unsigned)d, &p, &n);
				if (s->detectors[d]->scan(s, s->det_state[d], e, p, n) < 0)
					return lb_log_error(&s->log, LB_ERR_INTERNAL, "detector '%s' failed on '%s'",
							    s->detectors[d]->name, e->path);
			}
		}
	}
	for (size_t d = 0; d < s->ndetectors; d++)
		if (s->detectors[d]->finish && s->detectors[d]->finish(s, s->det_state[d]) < 0)
			return lb_log_error(&s->log, LB_ERR_INTERNAL, "detector '%s' failed", s->detectors[d]->name);
	return 0;
}

int lb_scan_run(const char *spec, const struct lb_scan_opts *o, struct lb_scan **out)
{
	struct lb_scan *s = lb_xcalloc(1, sizeof(*s));
	struct lb_walk_opts wo = {
		.detectors = o->detectors,
		.ndetectors = o->ndetectors,
		.max_retained = LB_DEFAULT_MAX_RETAINED,
		.cache = o->cache,
		.progress = o->progress,
		.all_sha1 = o->all_sha1,
	};
	unsigned jobs = o->jobs;
	int r;

	lb_log_init(&s->log);
	lb_model_init(&s->model);
	*out = s;
	s->detectors = o->detectors;
	s->ndetectors = o->ndetectors;
	s->all_layers = o->all_layers;
	s->jobs = o->jobs;
	r = lb_image_open(spec, &o->image, &s->img, &s->log);
	if (r)
		return r;
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n > 0 ? (unsigned)n : 1;
	}
	s->nlayers = lb_image_nlayers(s->img);
	if (o->progress)
		atomic_store(&o->progress->nlayers, (unsigned)s->nlayers);
	s->layers = lb_xcalloc(s->nlayers ? s->nlayers : 1, sizeof(*s->layers));
	r = lb_image_walk(s->img, s->layers, &wo, jobs, &s->log);
	if (r)
		return r;
	lb_squash(s->layers, s->nlayers, &s->view, &s->log);
	r = run_detectors(s);
	if (r)
		return r;
	add_os_component(s);
	lb_model_link_owners(&s->model);
	lb_model_finish(&s->model);
	return 0;
}

void lb_scan_free(struct lb_scan *s)
{
	if (!s)
		return;
	for (size_t d = 0; s->det_state && d < s->ndetectors; d++)
		if (s->detectors[d]->state_free)
			s->detectors[d]->state_free(s->det_state[d]);
	free(s->det_state);
	lb_view_release(&s->view);
	for (size_t i = 0; s->layers && i < s->nlayers; i++)
		lb_layer_release(&s->layers[i]);
	free(s->layers);
	lb_image_free(s->img);
	free(s->os.id);
	free(s->os.version_id);
	free(s->os.name);
	free(s->os.pretty_name);
	free(s->os.version_codename);
	free(s->os.id_like);
	free(s->os.source);
	lb_model_release(&s->model);
	lb_log_release(&s->log);
	free(s);
}

int lb_scan_load_json(struct lb_scan *s, const struct lb_entry *e, const void *data, size_t len,
		      size_t cap, int max_depth, json_t **root, json_error_t *err)
{
	const char *p = data;

	*root = NULL;
	if (e->flags & LB_EF_TRUNCATED) {
		lb_scan_warn(s, "'%s': larger than %u MiB: not read", e->path, (unsigned)(cap >> 20));
		return -1;
	}
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {   /* a byte order mark */
		p += 3;
		len -= 3;
	}
	if (max_depth && !lb_json_depth_ok(p, len, max_depth)) {
		lb_scan_warn(s, "'%s' in layer %u: JSON nested deeper than %d: not read", e->path, e->layer + 1,
			     max_depth);
		return -1;
	}
	*root = json_loadb(p, len, 0, err);
	return 0;
}
