/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal test harness for the unit tests: each check prints one line,
 * and done_testing() prints the closing "N passed, N failed" line and
 * returns the exit status for main().  Header-only so that every unit test
 * program stays a single file.
 */
#ifndef LB_TAP_H
#define LB_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_passed, tap_failed;

__attribute__((format(printf, 2, 3)))
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s %d - ", cond ? "ok" : "not ok", tap_passed + tap_failed + 1);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	if (cond)
		tap_passed++;
	else
		tap_failed++;
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

/* String equality that shows both sides when it fails. */
static inline int tap_is_str(const char *got, const char *want, const char *what)
{
	int same = (got && want) ? strcmp(got, want) == 0 : got == want;

	tap_ok(same, "%s", what);
	if (!same)
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
		       want ? want : "(null)");
	return same;
}
#define is_str(got, want, what) tap_is_str((got), (want), (what))

static inline int done_testing(void)
{
	printf("%d passed, %d failed\n", tap_passed, tap_failed);
	return tap_failed ? 1 : 0;
}

#endif
