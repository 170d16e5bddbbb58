/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replays inputs through a fuzz target without libFuzzer, so that the
 * normal build (any compiler, the sanitizer build in CI) runs the seed
 * corpus and every crash input kept under regressions/ as a test.
 *
 *   fuzz_replay_TARGET DIR_OR_FILE...
 *
 * Runs every file (a directory's files in name order; a missing directory
 * is skipped) and prints how many; a crash is the target's trap or a
 * sanitizer's report, and fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	size_t done = 0;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **names;
		struct stat st;
		int n;

		if (stat(argv[i], &st) < 0)
			continue;       /* no regressions for this target yet */
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]) < 0;
			done++;
			continue;
		}
		n = scandir(argv[i], &names, NULL, by_name);
		for (int k = 0; k < n; k++) {
			char path[4096];

			if (names[k]->d_name[0] != '.' &&
			    (size_t)snprintf(path, sizeof(path), "%s/%s", argv[i], names[k]->d_name) < sizeof(path)) {
				bad |= run_file(path) < 0;
				done++;
			}
			free(names[k]);
		}
		if (n >= 0)
			free(names);
	}
	printf("%zu inputs replayed\n", done);
	return bad;
}
