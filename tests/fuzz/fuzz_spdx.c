/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/spdx.c: the strict parser and the normaliser in
 * every dialect. Beyond "no crash, no leak", it checks the module's
 * promises: a parsed tree prints to text that parses back to an equal tree,
 * and every normalised expression parses strictly, prints back unchanged,
 * and lists exactly its LicenseRefs.
 *
 * Built by tests/fuzz/meson.build (-Dfuzzing=true); tests/fuzz/run runs it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const struct lb_spdx_expr *e)
{
	struct lb_spdx_expr *again = NULL;
	char *s = lb_spdx_to_string(e);

	if (!s)
		return;         /* out of memory */
	if (lb_spdx_parse(s, &again, NULL, 0) != 0 ||
	    !lb_spdx_expr_equal(e, again))
		__builtin_trap();
	lb_spdx_expr_free(again);
	free(s);
}

static void check_result(const struct lb_norm_result *r)
{
	struct lb_spdx_expr *e = NULL;
	char *s;

	if (!r->expr || lb_spdx_parse(r->expr, &e, NULL, 0) != 0)
		__builtin_trap();
	s = lb_spdx_to_string(e);
	if (s && strcmp(s, r->expr))
		__builtin_trap();
	free(s);
	lb_spdx_expr_free(e);
	for (size_t i = 0; i < r->nrefs; i++) {
		if (strncmp(r->refs[i].id, "LicenseRef-", 11) || !r->refs[i].text ||
		    !strstr(r->expr, r->refs[i].id))
			__builtin_trap();
		for (size_t k = i + 1; k < r->nrefs; k++)
			if (!strcmp(r->refs[i].id, r->refs[k].id))
				__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct lb_spdx_expr *e = NULL;
	char err[128];

	if (lb_spdx_parse_len(s, size, &e, err, sizeof(err)) == 0) {
		check_round_trip(e);
		lb_spdx_expr_free(e);
	} else if (e || !memchr(err, '\0', sizeof(err))) {
		__builtin_trap();
	}
	for (int d = LB_LIC_SPDX; d <= LB_LIC_GENERIC; d++) {
		struct lb_norm_result r;
		int rc = lb_license_normalize_len(s, size,
						  (enum lb_license_dialect)d, &r);

		if (rc == 0)
			check_result(&r);
		else if (rc != LB_SPDX_EEMPTY && rc != LB_SPDX_ENOMEM)
			__builtin_trap();
		lb_norm_result_release(&r);
	}
	return 0;
}
