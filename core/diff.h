/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff: what changed between two images, or two SBOMs layerbom wrote.
 *
 * Each side is reduced to a list of packages (struct lb_diff_pkg): from a
 * finished scan's model, or from a CycloneDX 1.6 JSON or SPDX 2.3 JSON
 * document (the image and its layers are not packages).  A package is
 * identified by its key: the PURL without version and without qualifiers
 * other than arch (a Debian package upgraded from 1.0-1 to 1.0-2 is one
 * package), else type:name.  Versions are ordered by the Debian algorithm
 * (epoch, then upstream and revision, digits by value, '~' before
 * anything), which also orders rpm, semver and PEP 440 versions as users
 * expect in all but exotic cases.
 *
 * Everything returned is owned by the list or result; release with the
 * _release functions.  No global state.
 */
#ifndef LB_DIFF_H
#define LB_DIFF_H

#include <stddef.h>

#include "model.h"

struct lb_diff_pkg {
	char *key, *type, *name, *version, *purl;
	char *license;          /* concluded, else declared; NULL: NOASSERTION */
};

struct lb_diff_side {
	struct lb_diff_pkg *v;
	size_t n, cap;
};

enum lb_diff_kind {
	LB_DIFF_ADDED,
	LB_DIFF_REMOVED,
	LB_DIFF_UPGRADED,
	LB_DIFF_DOWNGRADED,
	LB_DIFF_CHANGED,        /* same version, other content (license) */
};
const char *lb_diff_kind_name(enum lb_diff_kind k);

struct lb_diff_item {
	enum lb_diff_kind kind;
	const struct lb_diff_pkg *old, *new;   /* NULL for added / removed */
	int license_changed;
};

struct lb_diff_result {
	struct lb_diff_item *v;
	size_t n, cap;
};

/* The packages of a finished model (removed components are left out). */
void lb_diff_side_from_model(struct lb_diff_side *side, const struct lb_model *m);

/*
 * The packages of an SBOM file that layerbom wrote (CycloneDX JSON or
 * SPDX JSON, told apart by their content).  Returns 0, or LB_ERR_INPUT
 * with a one-line message in err (errlen bytes) naming the problem.
 */
int lb_diff_side_from_sbom(struct lb_diff_side *side, const char *path, char *err, size_t errlen);

void lb_diff_side_release(struct lb_diff_side *side);

/* Compares two sides: items sorted by key. */
void lb_diff_compare(const struct lb_diff_side *old, const struct lb_diff_side *new, struct lb_diff_result *out);
void lb_diff_result_release(struct lb_diff_result *r);

/* Debian version order: <0, 0, >0. */
int lb_version_cmp(const char *a, const char *b);

#endif
