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
