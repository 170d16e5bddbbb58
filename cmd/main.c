/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lb_config.h"
#include "util.h"

static const char usage[] =
	"usage: layerbom COMMAND [options] ...\n"
	"\n"
	"Commands:\n"
	"  scan IMAGE        components and licenses of an image\n"
	"  files IMAGE       the file inventory, with layer attribution\n"
	"  identify FILE...  which licenses a text file holds\n"
	"  diff OLD NEW      what changed between two images or SBOMs\n"
	"  check IMAGE       license policy gate (exit 1 on a denied license)\n"
	"  help COMMAND      the options of a command\n"
	"\n"
	"IMAGE is a path: a docker save tarball, an OCI layout directory or\n"
	"tarball, or an unpacked root filesystem; its kind is detected, or forced\n"
	"with a prefix: docker-archive:, oci-dir:, oci-archive:, dir:.\n"
	"\n"
	"Options: --help, --version\n"
	"Exit codes: 0 success, 1 a finding the command fails on, 2 usage error,\n"
	"3 unreadable or invalid input, 4 output not written, 5 internal error.\n";

static const char help_scan[] =
	"usage: layerbom scan [options] IMAGE\n"
	"\n"
	"Components and licenses of an image.\n"
	"\n"
	"  -o, --output FORMAT[=PATH]  write FORMAT to PATH (default and '-': stdout);\n"
	"                              repeatable, one scan writes them all. Formats:\n"
	"                              table, spdx-json, spdx-tv (SPDX 2.3),\n"
	"                              spdx3-json (SPDX 3.0.1 JSON-LD),\n"
	"                              cyclonedx-json, cyclonedx-xml (CycloneDX 1.6),\n"
	"                              notice (attribution text for redistribution)\n"
	"      --scope squashed|all-layers  components of the final filesystem (default),\n"
	"                              or also those a later layer removed or replaced\n"
	"      --files                 also list every regular file of the final view\n"
	"                              (SHA-1, SHA-256, layer, owner) in SBOMs\n"
	"      --platform OS/ARCH[/VARIANT]  pick an image from a multi-platform index\n"
	"      --image NAME            pick an image from a multi-image archive\n"
	"  -j, --jobs N                worker threads (default: the number of cores)\n"
	"      --cache DIR             per-layer analysis cache (default:\n"
	"                              $XDG_CACHE_HOME/layerbom, else ~/.cache/layerbom);\n"
	"                              a layer already analysed is not read again\n"
	"      --no-cache              neither read nor write the cache\n"
	"  -q, --quiet                 no warnings on stderr\n"
	"\n"
	"SBOMs are reproducible: their time is SOURCE_DATE_EPOCH when set, and\n"
	"their identifiers derive from the image digest and the layerbom version.\n";

static const char help_files[] =
	"usage: layerbom files [options] IMAGE\n"
	"\n"
	"The file inventory of an image: one row per entry, sorted by path, with\n"
	"the diff ID of the layer that provided it.\n"
	"\n"
	"      --scope squashed|all-layers  the final filesystem (default), or every\n"
	"                              layer's entries, including hidden ones\n"
	"      --format tsv|json       output format (default tsv)\n"
	"      --platform OS/ARCH[/VARIANT]  pick an image from a multi-platform index\n"
	"      --image NAME            pick an image from a multi-image archive\n"
	"  -j, --jobs N                worker threads (default: the number of cores)\n"
	"  -q, --quiet                 no warnings on stderr\n";

static const char help_identify[] =
	"usage: layerbom identify [--format text|json] FILE...\n"
	"\n"
	"Which licenses each text file holds: full license texts matched against\n"
	"the SPDX License List templates, license notices and references, and\n"
	"SPDX-License-Identifier tags; each with its lines, score, coverage and\n"
	"what differs from the template.  FILE '-' is standard input.\n"
	"\n"
	"      --format text|json      output format (default text)\n";

static const char help_check[] =
	"usage: layerbom check [--policy FILE] [--fail-on review] [-o json[=PATH]] IMAGE\n"
	"\n"
	"Judges the license of every component against a policy and prints each\n"
	"one that is not allowed (verdict, license, category, layer, evidence),\n"
	"then a summary.  Exit 1 when a license is denied (with --fail-on review,\n"
	"also when one is for review), else 0; 2 for a bad policy file.\n"
	"\n"
	"      --policy FILE           JSON: {\"deny\": [...], \"review\": [...], \"allow\": [...]}\n"
	"                              of SPDX ids, patterns (GPL-*), category:NAME,\n"
	"                              NOASSERTION; default: network-copyleft and\n"
	"                              unknown licenses for review, the rest allowed\n"
	"      --fail-on review|deny   the verdict that fails the check (default deny)\n"
	"  -o, --output json[=PATH]    also write the findings as JSON (stdout: instead\n"
	"                              of the text)\n"
	"      --platform OS/ARCH[/VARIANT]  pick an image from a multi-platform index\n"
	"      --image NAME            pick an image from a multi-image archive\n"
	"  -j, --jobs N                worker threads (default: the number of cores)\n"
	"      --cache DIR             per-layer analysis cache (default:\n"
	"                              $XDG_CACHE_HOME/layerbom, else ~/.cache/layerbom)\n"
	"      --no-cache              neither read nor write the cache\n"
	"  -q, --quiet                 no warnings on stderr\n"
	"\n"
	"Categories: permissive, weak-copyleft, strong-copyleft, network-copyleft,\n"
	"public-domain, proprietary, unknown (license-texts/categories.tsv).\n";

static const char help_diff[] =
	"usage: layerbom diff [--format text|json] [--platform P] [--image NAME] [-j N] [-q] OLD NEW\n"
	"\n"
	"Components added, removed, upgraded, downgraded, or with another license,\n"
	"between two images, or two SBOMs layerbom wrote (CycloneDX or SPDX JSON;\n"
	"an image and an SBOM may be compared too).  A package is the same across\n"
	"versions when its PURL is, but for the version.  Exit 1 when anything\n"
	"differs, else 0.\n"
	"\n"
	"      --format text|json      output format (default text)\n";

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "scan", cmd_scan, help_scan },
	{ "files", cmd_files, help_files },
	{ "identify", cmd_identify, help_identify },
	{ "diff", cmd_diff, help_diff },
	{ "check", cmd_check, help_check },
};

/* Commands of the contract that this version does not have yet (none
 * left; kept for the next one). */
static const char *const planned[] = { NULL };

const char *lb_command_help(const char *name)
{
	for (size_t i = 0; i < LB_ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].help;
	return NULL;
}

void lb_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("layerbom: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int unknown_command(const char *name)
{
	for (size_t i = 0; i < LB_ARRAY_SIZE(planned) && planned[i]; i++)
		if (strcmp(planned[i], name) == 0) {
			lb_errorf("'%s' is not available in this version (%s)", name, LB_VERSION);
			return LB_EXIT_USAGE;
		}
	lb_errorf("'%s' is not a layerbom command; see 'layerbom --help'", name);
	return LB_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *name;

	/* A closed pipe is a write error (exit 4), not a signal. */
	signal(SIGPIPE, SIG_IGN);
	/* layerbom shows no local time (SBOM times are UTC), but libarchive
	 * turns every zip entry's DOS time into a time_t with mktime(), and
	 * without TZ glibc stat()s /etc/localtime each time: 2.5% of a scan
	 * with jars (docs/internals/performance.md). */
	setenv("TZ", "UTC0", 1);
	if (argc < 2) {
		fputs(usage, stderr);
		return LB_EXIT_USAGE;
	}
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		fputs(usage, stdout);
		return fflush(stdout) ? LB_EXIT_OUTPUT : LB_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0) {
		printf("layerbom %s\n", LB_VERSION);
		return fflush(stdout) ? LB_EXIT_OUTPUT : LB_EXIT_OK;
	}
	if (strcmp(name, "help") == 0) {
		const char *h;

		if (argc < 3) {
			fputs(usage, stdout);
			return LB_EXIT_OK;
		}
		h = lb_command_help(argv[2]);
		if (!h)
			return unknown_command(argv[2]);
		fputs(h, stdout);
		return fflush(stdout) ? LB_EXIT_OUTPUT : LB_EXIT_OK;
	}
	for (size_t i = 0; i < LB_ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	return unknown_command(name);
}
