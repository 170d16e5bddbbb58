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

/* The help text of a command; NULL when there is no such command. */
const char *lb_command_help(const char *name);

#endif
