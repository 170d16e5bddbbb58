/* SPDX-License-Identifier: Apache-2.0 */
#include "pkgrec.h"

#include <stdlib.h>
#include <string.h>

#include "scan.h"

void *lb_pkgrecs_new(void)
{
	struct lb_pkgrecs *st = lb_xcalloc(1, sizeof(*st));

	lb_hashmap_init(&st->by_key);
	lb_arena_init(&st->mem);
	return st;
}

void lb_pkgrecs_free(void *vst)
{
	struct lb_pkgrecs *st = vst;

	if (!st)
		return;
	free(st->v);
	lb_hashmap_release(&st->by_key);
	lb_arena_release(&st->mem);
	free(st);
}

struct lb_pkgrec *lb_pkgrecs_get(struct lb_pkgrecs *st, const char *key, int *found)
{
	uint32_t *slot = lb_hashmap_put(&st->by_key, lb_arena_strdup(&st->mem, key), strlen(key),
					(uint32_t)st->n, found);

	if (*found)
		return &st->v[*slot];
	lb_xgrow((void **)&st->v, &st->cap, st->n + 1, sizeof(*st->v));
	memset(&st->v[st->n], 0, sizeof(st->v[0]));
	st->v[st->n].vis_min = st->v[st->n].vis_max = -1;
	st->v[st->n].hid_min = st->v[st->n].removed = -1;
	return &st->v[st->n++];
}

void lb_pkgrec_seen_visible(struct lb_pkgrec *r, const struct lb_entry *e)
{
	if (r->vis_min < 0 || e->layer < r->vis_min)
		r->vis_min = e->layer;
	if (e->layer > r->vis_max)
		r->vis_max = e->layer;
}

void lb_pkgrec_seen_hidden(const struct lb_scan *s, struct lb_pkgrec *r, const struct lb_entry *e)
{
	int h = lb_scan_hidden_by(s, e);

	if (h < 0)
		h = lb_scan_deleted_in(s, e->path, e->layer);
	if (h < 0)
		h = (int)s->nlayers - 1;
	if (r->hid_min < 0 || e->layer < r->hid_min)
		r->hid_min = e->layer;
	if (h > r->removed)
		r->removed = h;
}

int lb_pkgrecs_finish(struct lb_scan *s, void *vst)
{
	struct lb_pkgrecs *st = vst;

	(void)s;
	for (size_t i = 0; i < st->n; i++) {
		struct lb_pkgrec *r = &st->v[i];

		if (r->vis_min >= 0) {
			r->c->introduced = r->vis_min;
			r->c->last_changed = r->vis_max;
			r->c->removed = -1;
		} else {
			r->c->introduced = r->hid_min;
			r->c->last_changed = r->hid_min;
			r->c->removed = r->removed;
		}
	}
	return 0;
}
