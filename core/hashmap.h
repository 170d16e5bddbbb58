/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An open-addressing hash map from byte strings to 32-bit values.  Keys are
 * not copied: the caller keeps them alive (they live in an arena).  Used
 * for path lookups in the walker and the squash, where there can be
 * millions of keys, so an entry is 16 bytes.
 */
#ifndef LB_HASHMAP_H
#define LB_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

struct lb_hm_slot {
	const char *key;     /* NULL: empty */
	uint32_t hash;
	uint32_t value;
};

struct lb_hashmap {
	struct lb_hm_slot *slots;
	size_t cap;          /* a power of two, or 0 */
	size_t count;
};

void lb_hashmap_init(struct lb_hashmap *m);
uint32_t lb_hash_bytes(const char *s, size_t n);
/* Returns a pointer to the value for key, or NULL. */
uint32_t *lb_hashmap_get(struct lb_hashmap *m, const char *key, size_t len);
/* Returns the value slot for key, inserting it with value init when absent;
 * *found says which. The pointer is valid until the next insertion. */
uint32_t *lb_hashmap_put(struct lb_hashmap *m, const char *key, size_t len, uint32_t init,
			 int *found);
void lb_hashmap_release(struct lb_hashmap *m);

#endif
