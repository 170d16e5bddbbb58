/* SPDX-License-Identifier: Apache-2.0 */
/*
 * os-release: which distribution the image is, from /etc/os-release or
 * /usr/lib/os-release (os-release(5)).  /etc/os-release wins when it is a
 * regular file of the final view; it is usually a symbolic link to the
 * other, which is never followed, so then /usr/lib/os-release is read.
 */
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "scan.h"

#define OS_RELEASE_MAX (64 * 1024)

struct state {
	const struct lb_entry *etc, *usr;   /* visible candidates */
};

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	return strcmp(e->path, "/etc/os-release") == 0 || strcmp(e->path, "/usr/lib/os-release") == 0;
}

static void *state_new(void)
{
	return lb_xcalloc(1, sizeof(struct state));
}

static void state_free(void *st)
{
	free(st);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct state *st = vst;

	(void)data;
	(void)len;
	if (!lb_scan_visible(s, e))
		return 0;
	if (strcmp(e->path, "/etc/os-release") == 0)
		st->etc = e;
	else
		st->usr = e;
	return 0;
}

/* Unquotes a value: "..." with \" \\ \$ \` escapes, '...', or bare. */
static char *unquote(const char *v, size_t n)
{
	struct lb_buf b;

	lb_buf_init(&b, n + 1);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		char q = v[0];

		for (size_t i = 1; i + 1 < n; i++) {
			if (q == '"' && v[i] == '\\' && i + 2 < n && strchr("\"\\$`", v[i + 1]))
				i++;
			lb_buf_add(&b, v + i, 1);
		}
	} else {
		lb_buf_add(&b, v, n);
	}
	return lb_buf_detach(&b, NULL);
}

static void parse(struct lb_os_info *os, const char *d, size_t len)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "ID", offsetof(struct lb_os_info, id) },
		{ "VERSION_ID", offsetof(struct lb_os_info, version_id) },
		{ "NAME", offsetof(struct lb_os_info, name) },
		{ "PRETTY_NAME", offsetof(struct lb_os_info, pretty_name) },
		{ "VERSION_CODENAME", offsetof(struct lb_os_info, version_codename) },
		{ "ID_LIKE", offsetof(struct lb_os_info, id_like) },
	};
	const char *p = d, *end = d + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eq;
		const char *le = nl ? nl : end;

		eq = memchr(p, '=', (size_t)(le - p));
		if (eq && *p != '#') {
			for (size_t k = 0; k < LB_ARRAY_SIZE(keys); k++) {
				char **slot = (char **)((char *)os + keys[k].off);
				size_t vl = (size_t)(le - eq - 1);

				if ((size_t)(eq - p) != strlen(keys[k].key) ||
				    strncmp(p, keys[k].key, (size_t)(eq - p)) != 0)
					continue;
				while (vl && (eq[vl] == '\r' || eq[vl] == ' '))
					vl--;
				free(*slot);
				*slot = unquote(eq + 1, vl);
				if (!lb_utf8_valid(*slot, strlen(*slot))) {
					free(*slot);
					*slot = NULL;
				}
			}
		}
		p = le + 1;
	}
}

static int finish(struct lb_scan *s, void *vst)
{
	struct state *st = vst;
	const struct lb_entry *e = st->etc ? st->etc : st->usr;

	if (!e)
		return 0;
	if (e->flags & LB_EF_TRUNCATED)
		lb_scan_warn(s, "'%s' is larger than %d bytes: only its start was read", e->path, OS_RELEASE_MAX);
	parse(&s->os, (const char *)e->data, e->data_len);
	s->os.source = lb_xstrdup(e->path);
	s->os.layer = e->layer;
	return 0;
}

const struct lb_detector lb_detector_os_release = {
	.name = "os-release",
	.max_size = OS_RELEASE_MAX,
	.wants = wants,
	.state_new = state_new,
	.state_free = state_free,
	.scan = scan,
	.finish = finish,
};
