/* SPDX-License-Identifier: Apache-2.0 */
#include "layer.h"

#include <stdlib.h>
#include <string.h>

const char *lb_ftype_name(enum lb_ftype t)
{
	static const char *const names[] = {
		[LB_FT_FILE] = "file", [LB_FT_DIR] = "dir", [LB_FT_SYMLINK] = "symlink",
		[LB_FT_CHAR] = "char", [LB_FT_BLOCK] = "block", [LB_FT_FIFO] = "fifo",
	};

	return (unsigned)t < LB_ARRAY_SIZE(names) ? names[t] : "unknown";
}

void lb_layer_init(struct lb_layer *l, unsigned index)
{
	memset(l, 0, sizeof(*l));
	l->index = index;
	lb_hashmap_init(&l->by_path);
	lb_arena_init(&l->arena);
	lb_log_init(&l->log);
}

void lb_layer_release(struct lb_layer *l)
{
	free(l->digest);
	free(l->diff_id);
	free(l->media_type);
	free(l->created_by);
	free(l->comment);
	free(l->compression);
	free(l->entries);
	free(l->whiteouts);
	lb_hashmap_release(&l->by_path);
	lb_arena_release(&l->arena);
	lb_log_release(&l->log);
	memset(l, 0, sizeof(*l));
}

const unsigned char lb_empty_sha256[32] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};
const unsigned char lb_empty_sha1[20] = {
	0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55,
	0xbf, 0xef, 0x95, 0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09,
};

void lb_entry_set_digests(struct lb_layer *l, struct lb_entry *e, const unsigned char sha256[32],
			  const unsigned char sha1[20])
{
	e->flags &= (uint8_t)~(LB_EF_HASHED | LB_EF_SHA1);
	if (memcmp(sha256, lb_empty_sha256, 32) == 0 && (!sha1 || memcmp(sha1, lb_empty_sha1, 20) == 0)) {
		e->sha256 = lb_empty_sha256;
		e->sha1 = sha1 ? lb_empty_sha1 : NULL;
	} else {
		unsigned char *d = lb_arena_alloc(&l->arena, sha1 ? 52 : 32);

		memcpy(d, sha256, 32);
		e->sha256 = d;
		e->sha1 = NULL;
		if (sha1) {
			memcpy(d + 32, sha1, 20);
			e->sha1 = d + 32;
		}
	}
	e->flags |= LB_EF_HASHED | (sha1 ? LB_EF_SHA1 : 0);
}

static uint32_t get_u32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int lb_entry_summary(const struct lb_entry *e, unsigned det, const unsigned char **p, size_t *n)
{
	const unsigned char *f;
	size_t total, off = 0;

	if (!(e->flags & LB_EF_STREAMED) || !e->data)
		return 0;
	f = e->data + e->data_len;
	total = get_u32le(f);
	f += 4;
	while (total - off >= 5) {
		size_t len = get_u32le(f + off + 1);

		if (len > total - off - 5)
			return 0;
		if (f[off] == det) {
			*p = f + off + 5;
			*n = len;
			return 1;
		}
		off += 5 + len;
	}
	return 0;
}

int lb_path_normalize(const char *in, char *out, size_t outcap)
{
	size_t o = 0;
	const char *p = in;

	while (*p) {
		const char *seg;
		size_t n;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (o == 0)
				return -1;            /* would leave the root */
			while (o > 0 && out[o - 1] != '/')
				o--;
			o--;                          /* drop the slash too */
			continue;
		}
		if (o + 1 + n + 1 > outcap)
			return -1;
		out[o++] = '/';
		memcpy(out + o, seg, n);
		o += n;
	}
	if (o < outcap)
		out[o] = '\0';
	return (int)o;
}
