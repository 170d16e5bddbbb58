/* SPDX-License-Identifier: Apache-2.0 */
#include "pkghist.h"

#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "util.h"

struct item {
	char *key;      /* the map key: key, 0x1f, version (0x1e for none) */
	size_t keylen;
	const char *name, *version;   /* copies, for the callbacks */
};

struct snap {
	int layer;
	struct item *v;
	size_t n, cap;
	struct lb_hashmap by;     /* key\0version -> index */
	struct lb_arena mem;
};

struct lb_pkghist {
	struct snap *s;
	size_t n, cap;
};

struct lb_pkghist *lb_pkghist_new(void)
{
	return lb_xcalloc(1, sizeof(struct lb_pkghist));
}

static void snap_release(struct snap *s)
{
	free(s->v);
	lb_hashmap_release(&s->by);
	lb_arena_release(&s->mem);
	memset(s, 0, sizeof(*s));
}

void lb_pkghist_free(struct lb_pkghist *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		snap_release(&h->s[i]);
	free(h->s);
	free(h);
}

void lb_pkghist_snapshot(struct lb_pkghist *h, int layer)
{
	struct snap *s;

	if (h->n && h->s[h->n - 1].layer == layer) {
		snap_release(&h->s[h->n - 1]);
		h->n--;
	}
	lb_xgrow((void **)&h->s, &h->cap, h->n + 1, sizeof(*h->s));
	s = &h->s[h->n++];
	memset(s, 0, sizeof(*s));
	s->layer = layer;
	lb_hashmap_init(&s->by);
	lb_arena_init(&s->mem);
}

/* The map key: key, a unit separator, then the version or a record
 * separator for none.  (The hash map compares C strings, so no NULs.) */
static size_t join(struct lb_arena *a, const char *key, const char *version, char **out)
{
	size_t kl = strlen(key), vl = version ? strlen(version) : 1;
	char *p = lb_arena_alloc(a, kl + vl + 2);

	memcpy(p, key, kl);
	p[kl] = '\x1f';
	memcpy(p + kl + 1, version ? version : "\x1e", vl);
	p[kl + 1 + vl] = '\0';
	*out = p;
	return kl + 1 + vl;
}

void lb_pkghist_add(struct lb_pkghist *h, const char *key, const char *version)
{
	struct snap *s;
	char *k;
	size_t len;
	int found;

	if (!h->n)
		BUG("lb_pkghist_add before lb_pkghist_snapshot");
	s = &h->s[h->n - 1];
	len = join(&s->mem, key, version, &k);
	lb_hashmap_put(&s->by, k, len, (uint32_t)s->n, &found);
	if (found)
		return;
	lb_xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n].key = k;
	s->v[s->n].keylen = len;
	s->v[s->n].name = lb_arena_strdup(&s->mem, key);
	s->v[s->n].version = version ? lb_arena_strdup(&s->mem, version) : NULL;
	s->n++;
}

size_t lb_pkghist_count(const struct lb_pkghist *h)
{
	return h->n;
}

int lb_pkghist_last_layer(const struct lb_pkghist *h)
{
	return h->n ? h->s[h->n - 1].layer : -1;
}

static int has(const struct snap *s, const char *k, size_t len)
{
	return lb_hashmap_get((struct lb_hashmap *)&s->by, k, len) != NULL;
}

int lb_pkghist_introduced(const struct lb_pkghist *h, const char *key, const char *version)
{
	struct lb_arena a;
	char *k;
	size_t len;
	int layer = -1;

	if (!h->n)
		return -1;
	lb_arena_init(&a);
	len = join(&a, key, version, &k);
	for (size_t i = h->n; i-- > 0;) {
		if (!has(&h->s[i], k, len))
			break;
		layer = h->s[i].layer;
	}
	lb_arena_release(&a);
	return layer;
}

struct gone {
	const struct item *it;
	int introduced, removed;
};

static int cmp_gone(const void *pa, const void *pb)
{
	const struct gone *a = pa, *b = pb;

	if (a->removed != b->removed)
		return a->removed < b->removed ? -1 : 1;
	if (a->introduced != b->introduced)
		return a->introduced < b->introduced ? -1 : 1;
	return strcmp(a->it->key, b->it->key);
}

void lb_pkghist_each_gone(const struct lb_pkghist *h, lb_pkghist_gone_fn cb, void *ctx)
{
	struct gone *g = NULL;
	size_t n = 0, cap = 0;

	/* An item of snapshot i ends a run when snapshot i+1 lacks it; the run
	 * starts at the earliest j <= i with every snapshot j..i holding it. */
	for (size_t i = 0; i + 1 < h->n; i++) {
		const struct snap *s = &h->s[i];

		for (size_t x = 0; x < s->n; x++) {
			const struct item *it = &s->v[x];
			size_t j = i;

			if (has(&h->s[i + 1], it->key, it->keylen))
				continue;
			while (j > 0 && has(&h->s[j - 1], it->key, it->keylen))
				j--;
			lb_xgrow((void **)&g, &cap, n + 1, sizeof(*g));
			g[n].it = it;
			g[n].introduced = h->s[j].layer;
			g[n].removed = h->s[i + 1].layer;
			n++;
		}
	}
	if (n > 1)
		qsort(g, n, sizeof(*g), cmp_gone);
	for (size_t i = 0; i < n; i++)
		cb(ctx, g[i].it->name, g[i].it->version, g[i].introduced, g[i].removed);
	free(g);
}
