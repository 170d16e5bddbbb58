/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

/* Messages quote names from the image: bytes that are not UTF-8 and control
 * characters (a terminal's escape sequences) are written as \xNN, so that
 * every message is one line of text. */
static void print_message(const char *prefix, const char *msg)
{
	struct lb_buf b;

	lb_buf_init(&b, 1u << 20);
	lb_buf_add_escaped(&b, msg, strlen(msg));
	lb_errorf("%s%.*s", prefix, (int)b.len, b.p ? b.p : "");
	lb_buf_release(&b);
}

void lb_print_log(const struct lb_log *log, int quiet)
{
	if (!quiet) {
		for (size_t i = 0; i < log->nwarnings; i++)
			print_message("warning: ", log->warnings[i]);
		if (log->dropped)
			fprintf(stderr, "layerbom: warning: %zu more warnings not shown\n", log->dropped);
	}
	if (log->error)
		print_message("", log->error);
}

int lb_exit_code(int status)
{
	switch (status) {
	case LB_OK: return LB_EXIT_OK;
	case LB_ERR_USAGE: return LB_EXIT_USAGE;
	case LB_ERR_INPUT: return LB_EXIT_INPUT;
	case LB_ERR_OUTPUT: return LB_EXIT_OUTPUT;
	default: return LB_EXIT_INTERNAL;
	}
}
