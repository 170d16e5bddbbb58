#include <string.h>

/* Returns 1 when s starts with a tag like "SPDX-License-Identifier:" that a
 * scanner should look at, 0 otherwise. */
static int is_tag(const char *s)
{
	static const char tag[] = "SPDX-License-Identifier:";
	return strncmp(s, tag, sizeof tag - 1) == 0;
}

int count_tags(const char **lines, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += is_tag(lines[i]);
	return k;
}
