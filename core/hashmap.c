/* SPDX-License-Identifier: Apache-2.0 */
#include "hashmap.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void lb_hashmap_init(struct lb_hashmap *m)
{
	memset(m, 0, sizeof(*m));
}

/* FNV-1a, folded: paths are short, and the map is rebuilt per scan, so a
 * simple fast hash is enough; keys from an image could collide on purpose,
 * which costs time (linear probing) but never correctness. */
uint32_t lb_hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static int key_eq(const struct lb_hm_slot *sl, uint32_t h, const char *key, size_t len)
{
	return sl->hash == h && strncmp(sl->key, key, len) == 0 && sl->key[len] == '\0';
}

uint32_t *lb_hashmap_get(struct lb_hashmap *m, const char *key, size_t len)
{
	uint32_t h;
	size_t i;

	if (!m->cap)
		return NULL;
	h = lb_hash_bytes(key, len);
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct lb_hm_slot *sl = &m->slots[i];

		if (!sl->key)
			return NULL;
		if (key_eq(sl, h, key, len))
			return &sl->value;
	}
}

static void grow(struct lb_hashmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 1024;
	struct lb_hm_slot *ns = lb_xcalloc(ncap, sizeof(*ns));

	for (size_t i = 0; i < m->cap; i++) {
		struct lb_hm_slot *sl = &m->slots[i];
		size_t j;

		if (!sl->key)
			continue;
		for (j = sl->hash & (ncap - 1); ns[j].key; j = (j + 1) & (ncap - 1))
			;
		ns[j] = *sl;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

uint32_t *lb_hashmap_put(struct lb_hashmap *m, const char *key, size_t len, uint32_t init,
			 int *found)
{
	uint32_t h;
	size_t i;

	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	h = lb_hash_bytes(key, len);
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct lb_hm_slot *sl = &m->slots[i];

		if (!sl->key) {
			sl->key = key;
			sl->hash = h;
			sl->value = init;
			m->count++;
			if (found)
				*found = 0;
			return &sl->value;
		}
		if (key_eq(sl, h, key, len)) {
			if (found)
				*found = 1;
			return &sl->value;
		}
	}
}

void lb_hashmap_release(struct lb_hashmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
