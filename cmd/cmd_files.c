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
int cmd_files(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scope", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		LB_IMAGE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lb_image_args ia;
	struct lb_scan *s;
	enum lb_files_format fmt = LB_FILES_TSV;
	int all = 0, c, r;

	lb_image_args_init(&ia, 0, 0);   /* no detectors: nothing to cache */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+j:qh", opts, NULL)) != -1) {
		r = lb_image_arg(&ia, c, optarg);
		if (r < 0)
			return LB_EXIT_USAGE;
		if (r > 0)
			continue;
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
	r = lb_image_scan(&ia, argv[optind], &s);
	if (r == 0) {
		r = lb_emit_files(s, all, fmt, stdout);
		if (r)
			lb_log_error(&s->log, r, "cannot write the output: %s", strerror(errno));
	}
	lb_print_log(&s->log, ia.quiet);
	lb_scan_free(s);
	return lb_exit_code(r);
}
