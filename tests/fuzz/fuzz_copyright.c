/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/copyright.c: the input is a text (a license
 * file, a source header) handed to lb_copyright_extract() as the licfiles
 * detector does, from a buffer of exactly its length.  Checks what
 * copyright.h promises: never a read past len, at most max statements,
 * the count returned is the number of statements passed, and every
 * statement is non-empty, holds "copyright", "(c)" or the sign, no
 * newline, and at most four lines' worth of bytes; a smaller max gives a
 * prefix of the same statements.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "copyright.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_copyright: %s (line %d)\n", #c, __LINE__); \
		__builtin_trap(); } } while (0)

#define MAX_STATEMENT (4 * 4096 + 3)
#define MAX_KEPT 64

struct seen {
	size_t n;
	char *first[MAX_KEPT];
	size_t len[MAX_KEPT];
};

static int has_mark(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (n - i >= 9 && strncasecmp(s + i, "copyright", 9) == 0)
			return 1;
		if (n - i >= 3 && strncasecmp(s + i, "(c)", 3) == 0)
			return 1;
		if (n - i >= 2 && memcmp(s + i, "\xc2\xa9", 2) == 0)
			return 1;
	}
	return 0;
}

static void collect(void *ctx, const char *st, size_t len)
{
	struct seen *x = ctx;

	CHECK(len > 0 && len <= MAX_STATEMENT);
	CHECK(!memchr(st, '\n', len));
	CHECK(has_mark(st, len));
	if (x->n < MAX_KEPT) {
		x->first[x->n] = malloc(len ? len : 1);
		if (!x->first[x->n])
			abort();
		memcpy(x->first[x->n], st, len);
		x->len[x->n] = len;
	}
	x->n++;
}

static void release(struct seen *x)
{
	for (size_t i = 0; i < x->n && i < MAX_KEPT; i++)
		free(x->first[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);   /* exactly size: ASan sees a read past it */
	struct seen all = { 0 }, some = { 0 };
	size_t n, max;

	if (!text)
		abort();
	if (size)
		memcpy(text, data, size);
	n = lb_copyright_extract(text, size, 0, collect, &all);
	CHECK(n == all.n);
	max = 1 + size % 3;
	n = lb_copyright_extract(text, size, max, collect, &some);
	CHECK(n == some.n && n <= max && n == (all.n < max ? all.n : max));
	for (size_t i = 0; i < n && i < MAX_KEPT; i++)
		CHECK(some.len[i] == all.len[i] && memcmp(some.first[i], all.first[i], all.len[i]) == 0);
	release(&all);
	release(&some);
	free(text);
	return 0;
}
