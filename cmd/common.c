/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "cmd.h"
#include "util.h"

void lb_print_log(const struct lb_log *log, int quiet)
{
	if (!quiet) {
		for (size_t i = 0; i < log->nwarnings; i++)
			fprintf(stderr, "layerbom: warning: %s\n", log->warnings[i]);
		if (log->dropped)
			fprintf(stderr, "layerbom: warning: %zu more warnings not shown\n", log->dropped);
	}
	if (log->error)
		lb_errorf("%s", log->error);
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
