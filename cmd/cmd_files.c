/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "emit.h"
#include "scan.h"

/* Parses "-j N"; 0 or -1. */
static int parse_jobs(const char *s, unsigned *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 256)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cmd_files(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scope", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "platform", required_argument, NULL, 'P' },
		{ "image", required_argument, NULL, 'I' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lb_scan_opts so = { 0 };
	struct lb_scan *s;
	enum lb_files_format fmt = LB_FILES_TSV;
	int all = 0, quiet = 0, c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (strcmp(optarg, "squashed") == 0)
				all = 0;
			else if (strcmp(optarg, "all-layers") == 0)
				all = 1;
			else {
				lb_errorf("--scope takes 'squashed' or 'all-layers', not '%s'", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		case 'f':
			if (strcmp(optarg, "tsv") == 0)
				fmt = LB_FILES_TSV;
			else if (strcmp(optarg, "json") == 0)
				fmt = LB_FILES_JSON;
			else {
				lb_errorf("--format takes 'tsv' or 'json', not '%s'", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		case 'P':
			so.image.platform = optarg;
			break;
		case 'I':
			so.image.image_name = optarg;
			break;
		case 'j':
			if (parse_jobs(optarg, &so.jobs) < 0) {
				lb_errorf("--jobs takes a number from 1 to 256, not '%s'", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(lb_command_help("files"), stdout);
			return LB_EXIT_OK;
		default:
			lb_errorf("files: unknown option or missing value: '%s'; see 'layerbom help files'",
				  argv[optind - 1]);
			return LB_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		lb_errorf("files takes one IMAGE; see 'layerbom help files'");
		return LB_EXIT_USAGE;
	}
	r = lb_scan_run(argv[optind], &so, &s);
	if (r == 0) {
		r = lb_emit_files(s, all, fmt, stdout);
		if (r)
			lb_log_error(&s->log, r, "cannot write the output: %s", strerror(errno));
	}
	lb_print_log(&s->log, quiet);
	lb_scan_free(s);
	return lb_exit_code(r);
}
