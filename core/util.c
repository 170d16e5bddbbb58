/* SPDX-License-Identifier: Apache-2.0 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void oom(size_t n)
{
	fprintf(stderr, "layerbom: out of memory (allocating %zu bytes)\n", n);
	exit(5);
}

void *lb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *lb_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(nmemb * size);
	return p;
}

void *lb_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

void lb_xgrow(void **p, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap;

	if (need <= c)
		return;
	if (c < 16)
		c = 16;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			oom(SIZE_MAX);
		c *= 2;
	}
	if (c > SIZE_MAX / sz)
		oom(SIZE_MAX);
	*p = lb_xrealloc(*p, c * sz);
	*cap = c;
}

char *lb_xstrdup(const char *s)
{
	return lb_xstrndup(s, strlen(s));
}

char *lb_xstrndup(const char *s, size_t n)
{
	char *p = lb_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *lb_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	return s;
}

void lb_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "layerbom: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- buffer ---- */

void lb_buf_init(struct lb_buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

int lb_buf_add(struct lb_buf *b, const void *data, size_t n)
{
	if (n > b->max - b->len)
		return -1;
	lb_xgrow((void **)&b->p, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int lb_buf_addstr(struct lb_buf *b, const char *s)
{
	return lb_buf_add(b, s, strlen(s));
}

int lb_buf_addf(struct lb_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return lb_buf_add(b, small, (size_t)n);
	{
		char *big = lb_xmalloc((size_t)n + 1);
		int r;

		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		r = lb_buf_add(b, big, (size_t)n);
		free(big);
		return r;
	}
}

char *lb_buf_detach(struct lb_buf *b, size_t *len)
{
	char *p = b->p ? b->p : lb_xcalloc(1, 1);

	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void lb_buf_release(struct lb_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- arena ---- */

struct lb_arena_block {
	struct lb_arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char mem[];
};

#define ARENA_BLOCK (256 * 1024)

void lb_arena_init(struct lb_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void *lb_arena_alloc(struct lb_arena *a, size_t n)
{
	struct lb_arena_block *b = a->head;
	size_t need = (n + 7) & ~(size_t)7;

	if (need < n)
		oom(n);
	if (!b || b->size - b->used < need) {
		size_t sz = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;

		b = lb_xmalloc(sizeof(*b) + sz);
		b->size = sz;
		b->used = 0;
		if (need > ARENA_BLOCK / 4 && a->head) {
			/* A big one-off goes behind the current block, which keeps filling. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	b->used += need;
	a->used += need;
	return b->mem + b->used - need;
}

char *lb_arena_strndup(struct lb_arena *a, const char *s, size_t n)
{
	char *p = lb_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *lb_arena_strdup(struct lb_arena *a, const char *s)
{
	return lb_arena_strndup(a, s, strlen(s));
}

void *lb_arena_memdup(struct lb_arena *a, const void *p, size_t n)
{
	void *q = lb_arena_alloc(a, n);

	if (n)
		memcpy(q, p, n);
	return q;
}

void lb_arena_release(struct lb_arena *a)
{
	struct lb_arena_block *b = a->head;

	while (b) {
		struct lb_arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
}

/* ---- log ---- */

void lb_log_init(struct lb_log *l)
{
	memset(l, 0, sizeof(*l));
}

int lb_log_error(struct lb_log *l, int status, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (l->error)
		return status;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom(0);
	va_end(ap);
	l->error = s;
	return status;
}

static void log_push(struct lb_log *l, char *s)
{
	if (l->nwarnings >= LB_LOG_MAX_WARNINGS) {
		l->dropped++;
		free(s);
		return;
	}
	lb_xgrow((void **)&l->warnings, &l->cap, l->nwarnings + 1, sizeof(char *));
	l->warnings[l->nwarnings++] = s;
}

void lb_log_warn(struct lb_log *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom(0);
	va_end(ap);
	log_push(l, s);
}

void lb_log_move(struct lb_log *dst, struct lb_log *src)
{
	for (size_t i = 0; i < src->nwarnings; i++)
		log_push(dst, src->warnings[i]);
	dst->dropped += src->dropped;
	src->nwarnings = 0;
	src->dropped = 0;
	if (src->error && !dst->error) {
		dst->error = src->error;
		src->error = NULL;
	}
}

void lb_log_release(struct lb_log *l)
{
	for (size_t i = 0; i < l->nwarnings; i++)
		free(l->warnings[i]);
	free(l->warnings);
	free(l->error);
	memset(l, 0, sizeof(*l));
}

/* ---- strings ---- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int lb_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t l = utf8_seq(u + i, n - i);

		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

int lb_buf_add_escaped(struct lb_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n) {
		size_t l = utf8_seq(u + i, n - i);

		if (l == 1 && (u[i] < 0x20 || u[i] == 0x7f || u[i] == '\\'))
			l = 0;
		if (l) {
			i += l;
			run += l;
			continue;
		}
		if (run && lb_buf_add(b, s + i - run, run))
			return -1;
		run = 0;
		if (lb_buf_addf(b, "\\x%02x", u[i]))
			return -1;
		i++;
	}
	return run ? lb_buf_add(b, s + n - run, run) : 0;
}

void lb_hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Lowercase only: a digest is written in lowercase, and "sha256:ABC..."
 * is not the same string (lb_hexval() takes both cases). */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int lb_unhex(unsigned char *out, const char *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(in[2 * i]), lo;

		if (hi < 0)
			return -1;
		lo = hexval(in[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int lb_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int lb_str_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int lb_json_depth_ok(const char *p, size_t len, int max)
{
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < len; i++) {
		char ch = p[i];

		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = 0;
		} else if (ch == '"') {
			in_str = 1;
		} else if (ch == '[' || ch == '{') {
			if (++depth > max)
				return 0;
		} else if (ch == ']' || ch == '}') {
			depth--;
		}
	}
	return 1;
}

int lb_magic_is_elf(const char *magic)
{
	return magic && (strcmp(magic, "application/x-executable") == 0 ||
			 strcmp(magic, "application/x-pie-executable") == 0 ||
			 strcmp(magic, "application/x-sharedlib") == 0);
}

int lb_elf_has_go_note(const unsigned char *p, size_t n)
{
	static const unsigned char name[4] = { 'G', 'o', 0, 0 };

	/* namesz 4, descsz, type 4, then "Go\0\0", 4-byte aligned */
	for (size_t i = 0; p && i + 16 <= n; i += 4)
		if (memcmp(p + i + 12, name, 4) == 0 && p[i] == 4 && !p[i + 1] && !p[i + 2] && !p[i + 3] &&
		    p[i + 8] == 4 && !p[i + 9] && !p[i + 10] && !p[i + 11])
			return 1;
	return 0;
}

int lb_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int lb_buf_add_utf8(struct lb_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return lb_buf_add(b, u, n);
}
