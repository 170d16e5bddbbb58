/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands: each parses its arguments, calls core, prints, and
 * returns the process exit code (DESIGN.md "Exit codes"). */
#ifndef LB_CMD_H
#define LB_CMD_H

enum lb_exit {
	LB_EXIT_OK = 0,
	LB_EXIT_FOUND = 1,
	LB_EXIT_USAGE = 2,
	LB_EXIT_INPUT = 3,
	LB_EXIT_OUTPUT = 4,
	LB_EXIT_INTERNAL = 5,
};

#include <getopt.h>

#include "scan.h"

struct lb_log;

int cmd_scan(int argc, char **argv);
int cmd_files(int argc, char **argv);
int cmd_identify(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* Prints "layerbom: MSG" to stderr. */
void lb_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the warnings of log (unless quiet) and its error. */
void lb_print_log(const struct lb_log *log, int quiet);
/* Maps a core status to an exit code. */
int lb_exit_code(int status);
/* Shows a scan's progress on stderr (a line rewritten four times a
 * second) while it runs, only when stderr is a terminal and not quiet;
 * NULL when not shown.  lb_progress_stop(NULL) does nothing. */
struct lb_progress;
struct lb_progress_view;
struct lb_progress_view *lb_progress_start(struct lb_progress *p, int quiet);
void lb_progress_stop(struct lb_progress_view *v);

/*
 * What every command that reads an image takes: --platform, --image,
 * --jobs and --quiet; --cache and --no-cache where the command's option
 * table lists them (LB_IMAGE_OPTIONS_CACHE).  A command puts these in its
 * getopt_long() table, adds "j:q" to its short options, and hands every
 * option it does not know itself to lb_image_arg().
 */
#define LB_IMAGE_OPTIONS \
	{ "platform", required_argument, NULL, 'P' }, \
	{ "image", required_argument, NULL, 'I' }, \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "quiet", no_argument, NULL, 'q' }
#define LB_IMAGE_OPTIONS_CACHE \
	{ "cache", required_argument, NULL, 'C' }, \
	{ "no-cache", no_argument, NULL, 'N' }

struct lb_image_args {
	struct lb_scan_opts so;
	const char *cache_dir;  /* --cache DIR; NULL: the default place */
	int use_cache;          /* 0 after --no-cache, or for a command without a cache */
	int quiet;
};

/* Defaults: every detector when with_detectors (none for 'files'), the
 * cache when with_cache. */
void lb_image_args_init(struct lb_image_args *a, int with_detectors, int with_cache);
/* Takes option c with its argument: 1 when it was one of the image
 * options, 0 when it is not, -1 for a bad value (the message is printed:
 * exit with LB_EXIT_USAGE). */
int lb_image_arg(struct lb_image_args *a, int c, const char *arg);
/* Scans spec (lb_scan_run()), with the cache opened for the scan and the
 * progress shown at a terminal; returns lb_scan_run()'s status and *out,
 * which the caller frees with lb_scan_free(). */
int lb_image_scan(struct lb_image_args *a, const char *spec, struct lb_scan **out);

/* The help text of a command; NULL when there is no such command. */
const char *lb_command_help(const char *name);

#endif
