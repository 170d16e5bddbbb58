/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Peak RSS for the unit tests that check a streaming detector's memory
 * stays bounded: reset the peak (VmHWM) to the current RSS, stream, read
 * the peak again.  Header-only, like tap.h.
 */
#ifndef LB_TEST_RSS_H
#define LB_TEST_RSS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LB_TEST_CLANG_ASAN 1
#endif
#endif

/* A line "Key:   N kB" of /proc/self/status, in KiB; -1 if missing. */
static inline long rss_status_kib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t kl = strlen(key);

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ':')
			v = strtol(line + kl + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* Sets the peak RSS back to the current RSS ("5" to clear_refs): 1, or 0
 * with a "# skip" line when no figure would mean anything (ASan keeps
 * freed memory in quarantine, valgrind's RSS is its own) or the kernel
 * does not allow it. */
static inline int rss_reset_peak(void)
{
	FILE *f;

#if defined(__SANITIZE_ADDRESS__) || defined(LB_TEST_CLANG_ASAN)
	printf("# skip the memory check: AddressSanitizer holds freed memory\n");
	return 0;
#endif
	if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload")) {
		printf("# skip the memory check: under valgrind\n");
		return 0;
	}
	f = fopen("/proc/self/clear_refs", "w");
	if (!f || fputs("5", f) < 0 || fclose(f) != 0) {
		printf("# skip the memory check: cannot reset the peak RSS\n");
		return 0;
	}
	return 1;
}

#endif
