/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/licmatch.c: lb_licmatch_identify() on any
 * text.  Beyond "no crash, no leak", it checks the module's promises: the
 * overall expression is valid SPDX, every finding has an expression, a
 * matcher, scores in 0..1 and lines inside the text, in order of start line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "licmatch.h"
#include "spdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_licmatch_result r;
	unsigned lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (lb_licmatch_identify((const char *)data, size, &r) != 0)
		__builtin_trap();
	if (r.expr) {
		struct lb_spdx_expr *e = NULL;

		if (lb_spdx_parse(r.expr, &e, NULL, 0) != 0)
			__builtin_trap();
		lb_spdx_expr_free(e);
	} else if (r.n) {
		__builtin_trap();
	}
	for (size_t i = 0; i < r.n; i++) {
		const struct lb_licmatch *m = &r.v[i];

		if (!m->expr || !m->matcher || m->score < 0 || m->score > 1 || m->coverage < 0 ||
		    m->coverage > 1 || m->start_line < 1 || m->start_line > m->end_line ||
		    m->end_line > lines || (i && m->start_line < r.v[i - 1].start_line))
			__builtin_trap();
	}
	lb_licmatch_result_release(&r);
	return 0;
}
