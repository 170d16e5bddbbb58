/* SPDX-License-Identifier: Apache-2.0 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "copyright.h"

#include <ctype.h>
#include <pcre2.h>
#include <pthread.h>
#include <string.h>

#include "util.h"

#define MAX_LINE 4096            /* a longer line is not a statement */
#define MAX_LINES 4

/*
 * Group 1 is the statement: a comment leader is skipped, then "copyright"
 * (or "(c)" or "©") must be followed on the same line by "(c)", "©" or a
 * year, in that order of likelihood.
 */
static const char pattern[] =
	"^[\\s#*/;!%>-]*((?:copyright\\b|\\(c\\)|\xc2\xa9).*?(?:\\(c\\)|\xc2\xa9|\\b(?:19|20)\\d\\d\\b).*?)\\s*(?:\\*/|-->)?\\s*$";

static pcre2_code *re;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void compile(void)
{
	int err;
	PCRE2_SIZE off;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &err, &off, NULL);
	if (re)
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
}

/* A line that continues a statement: only years and commas, or starting
 * in lower case (a holder's name wrapped: "and others"). */
static int continues(const char *l, size_t n)
{
	size_t i = 0;
	int digits = 0, other = 0;

	while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '*' || l[i] == '#'))
		i++;
	if (i == n)
		return 0;
	/* an indented or commented line in lower case: a wrapped holder (the
	 * line is not NUL-terminated: compare within it) */
	if (i > 0 && islower((unsigned char)l[i]) && !(n - i >= 10 && memcmp(l + i, "permission", 10) == 0))
		return 1;
	for (; i < n; i++) {
		if (isdigit((unsigned char)l[i]))
			digits++;
		else if (!strchr(" ,-\t", l[i]))
			other++;
	}
	return digits >= 4 && other == 0;
}

static int ends_open(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return (n && s[n - 1] == ',') || (n >= 4 && strncmp(s + n - 4, " and", 4) == 0);
}

size_t lb_copyright_extract(const char *text, size_t len, size_t max, lb_copyright_fn cb, void *ctx)
{
	const char *p = text, *end = text + len;
	pcre2_match_data *md;
	size_t found = 0;

	pthread_once(&once, compile);
	if (!re)
		return 0;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	while (p < end && (!max || found < max)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);

		if (n <= MAX_LINE && pcre2_match(re, (PCRE2_SPTR)p, n, 0, 0, md, NULL) > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			struct lb_buf b;
			const char *q = le;
			int lines = 1;

			lb_buf_init(&b, MAX_LINE * MAX_LINES);
			lb_buf_add(&b, p + ov[2], ov[3] - ov[2]);
			/* wrapped statements; a comment that closes ends one */
			while (q < end && lines < MAX_LINES && !(n >= 2 && memmem(p, n, "*/", 2))) {
				const char *s = q + 1, *snl, *se;

				if (s >= end)
					break;
				snl = memchr(s, '\n', (size_t)(end - s));
				se = snl ? snl : end;
				if (!(ends_open(b.p, b.len) || continues(s, (size_t)(se - s))) || (size_t)(se - s) > MAX_LINE ||
				    pcre2_match(re, (PCRE2_SPTR)s, (size_t)(se - s), 0, 0, md, NULL) > 0)
					break;
				while (s < se && strchr(" \t*#/;", *s))
					s++;
				lb_buf_add(&b, " ", 1);
				lb_buf_add(&b, s, (size_t)(se - s));
				q = se;
				lines++;
			}
			cb(ctx, b.p, b.len);
			lb_buf_release(&b);
			found++;
			p = q < end ? q + 1 : end;
			continue;
		}
		p = nl ? nl + 1 : end;   /* not le + 1: end + 1 is undefined */
	}
	pcre2_match_data_free(md);
	return found;
}
