/* SPDX-License-Identifier: Apache-2.0 */
#include "squash.h"
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

enum {
	M_EXISTS = 1,    /* an upper layer has this exact path */
	M_SUBTREE = 2,   /* what is below this path in lower layers is hidden */
	M_IMPLDIR = 4,   /* an upper layer implies a directory here */
};

/* Is path (or one of its ancestors) whited out in layer l? */
static int whited_out(const struct lb_layer *l, const char *path)
{
	for (size_t i = 0; i < l->nwhiteouts; i++) {
		const char *w = l->whiteouts[i].path;
		size_t n = strlen(w);

		if (strncmp(path, w, n) != 0)
			continue;
		if (!l->whiteouts[i].opaque && path[n] == '\0')
			return 1;
		if (path[n] == '/')
			return 1;
	}
	return 0;
}

/* A hard link whose target is not in its own layer points at a file that a
 * lower layer left in place (extraction links to what is already there). */
static void resolve_hardlinks(struct lb_layer *layers, size_t n, struct lb_log *log)
{
	for (size_t li = 0; li < n; li++) {
		struct lb_layer *l = &layers[li];

		for (size_t i = 0; i < l->nentries; i++) {
			struct lb_entry *e = &l->entries[i];
			const struct lb_entry *t = NULL;

			if (!(e->flags & LB_EF_HARDLINK) || (e->flags & LB_EF_HASHED) || e->size)
				continue;
			/* Its own layer first: a link to a link of the same layer
			 * that points down is resolved once that one is (entries
			 * are in stream order).  Its own whiteouts only hide the
			 * lower layers. */
			for (size_t k = li + 1; k-- > 0;) {
				uint32_t *ti = lb_hashmap_get(&layers[k].by_path, e->link_target,
							      strlen(e->link_target));

				if (ti) {
					t = &layers[k].entries[*ti];
					break;
				}
				if (k < li && whited_out(&layers[k], e->link_target))
					break;
			}
			if (t && t != e && t->type == LB_FT_FILE && (t->flags & LB_EF_HASHED)) {
				e->size = t->size;
				e->flags |= t->flags & (LB_EF_HASHED | LB_EF_SHA1 | LB_EF_TRUNCATED | LB_EF_STREAMED);
				e->sha256 = t->sha256;
				e->sha1 = t->sha1;
				e->data = t->data;
				e->data_len = t->data_len;
				e->detectors = t->detectors;
			} else {
				lb_log_warn(log, "layer %zu: '%s' is a hard link to '%s', which is not a file of the image",
					    li + 1, e->path, e->link_target);
			}
		}
	}
}

static int cmp_entry_path(const void *a, const void *b)
{
	const struct lb_entry *x = *(const struct lb_entry *const *)a;
	const struct lb_entry *y = *(const struct lb_entry *const *)b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	return (x->layer > y->layer) - (x->layer < y->layer);
}

static void view_push(struct lb_view *v, size_t *cap, const struct lb_entry *e)
{
	lb_xgrow((void **)&v->v, cap, v->n + 1, sizeof(*v->v));
	v->v[v->n++] = e;
}

/* Is the entry hidden by the masks of the layers above, or by a
 * non-directory ancestor in its own layer? */
static int hidden(struct lb_hashmap *masks, const struct lb_layer *l, const struct lb_entry *e)
{
	const char *p = e->path;
	uint32_t *m = lb_hashmap_get(masks, p, strlen(p));

	if (m && (*m & M_EXISTS))
		return 1;
	if (m && (*m & M_IMPLDIR) && e->type != LB_FT_DIR)
		return 1;
	for (const char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		size_t len = (size_t)(s - p);
		uint32_t *own;

		m = lb_hashmap_get(masks, p, len);
		if (m && (*m & M_SUBTREE))
			return 2;
		own = lb_hashmap_get((struct lb_hashmap *)&l->by_path, p, len);
		if (own && l->entries[*own].type != LB_FT_DIR)
			return 3;
	}
	return 0;
}

static void add_mask(struct lb_hashmap *masks, const char *path, uint32_t bits)
{
	uint32_t *m = lb_hashmap_put(masks, path, strlen(path), 0, NULL);

	*m |= bits;
}

int lb_squash(struct lb_layer *layers, size_t n, struct lb_view *view, struct lb_log *log)
{
	struct lb_hashmap masks, implicit;
	size_t nview;
	size_t cap = 0;
	const struct lb_entry **cand = NULL;
	size_t ncand = 0, candcap = 0;

	memset(view, 0, sizeof(*view));
	resolve_hardlinks(layers, n, log);
	view->nlayers = n;
	view->visible = lb_xcalloc(n ? n : 1, sizeof(*view->visible));
	lb_hashmap_init(&masks);
	lb_hashmap_init(&implicit);
	for (size_t li = n; li-- > 0;) {
		struct lb_layer *l = &layers[li];

		view->visible[li] = lb_xcalloc(l->nentries ? l->nentries : 1, 1);
		for (size_t i = 0; i < l->nentries; i++) {
			const struct lb_entry *e = &l->entries[i];
			int h = hidden(&masks, l, e);

			if (h == 3)
				lb_log_warn(log, "layer %zu: '%s' is under a non-directory of the same layer; not in the final view",
					    li + 1, e->path);
			if (h)
				continue;
			if (e->flags & LB_EF_IMPLICIT) {
				/* The lowest layer that implies a directory made it. */
				int found;
				uint32_t *slot = lb_hashmap_put(&implicit, e->path, strlen(e->path),
								(uint32_t)ncand, &found);

				if (found) {
					cand[*slot] = e;
				} else {
					lb_xgrow((void **)&cand, &candcap, ncand + 1, sizeof(*cand));
					cand[ncand++] = e;
				}
				continue;
			}
			view->visible[li][i] = 1;
			view_push(view, &cap, e);
		}
		/* Masks are for the layers below: the bottom layer needs none (a
		 * one-layer image of a million files does not pay for them). */
		if (li == 0)
			break;
		for (size_t i = 0; i < l->nentries; i++) {
			const struct lb_entry *e = &l->entries[i];

			if (e->flags & LB_EF_IMPLICIT)
				add_mask(&masks, e->path, M_IMPLDIR);
			else
				add_mask(&masks, e->path, e->type == LB_FT_DIR ? M_EXISTS : M_EXISTS | M_SUBTREE);
		}
		for (size_t i = 0; i < l->nwhiteouts; i++)
			add_mask(&masks, l->whiteouts[i].path,
				 l->whiteouts[i].opaque ? M_SUBTREE : M_EXISTS | M_SUBTREE);
	}
	/* An implied directory is in the view only where no layer lists the
	 * path: one lookup per visible entry, in the (small) map of candidates. */
	nview = view->n;
	for (size_t i = 0; ncand && i < nview; i++) {
		uint32_t *slot = lb_hashmap_get(&implicit, view->v[i]->path, strlen(view->v[i]->path));

		if (slot)
			cand[*slot] = NULL;
	}
	for (size_t i = 0; i < ncand; i++) {
		const struct lb_entry *e = cand[i];

		if (!e)
			continue;
		view->visible[e->layer][e - layers[e->layer].entries] = 1;
		view_push(view, &cap, e);
	}
	free(cand);
	lb_hashmap_release(&masks);
	lb_hashmap_release(&implicit);
	if (view->n)            /* qsort(NULL, 0) is undefined */
		qsort(view->v, view->n, sizeof(*view->v), cmp_entry_path);
	return 0;
}

void lb_view_all_layers(struct lb_layer *layers, size_t n, struct lb_view *all)
{
	size_t cap = 0;

	memset(all, 0, sizeof(*all));
	for (size_t li = 0; li < n; li++)
		for (size_t i = 0; i < layers[li].nentries; i++)
			view_push(all, &cap, &layers[li].entries[i]);
	if (all->n)
		qsort(all->v, all->n, sizeof(*all->v), cmp_entry_path);
}

int lb_view_is_visible(const struct lb_view *view, const struct lb_entry *e,
		       const struct lb_layer *layers)
{
	if (!view->visible || e->layer >= view->nlayers)
		return 0;
	return view->visible[e->layer][e - layers[e->layer].entries];
}

void lb_view_release(struct lb_view *view)
{
	if (view->visible)
		for (size_t i = 0; i < view->nlayers; i++)
			free(view->visible[i]);
	free(view->visible);
	free(view->v);
	memset(view, 0, sizeof(*view));
}
