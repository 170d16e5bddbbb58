/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy: license categories, and the license policy of `layerbom check`.
 *
 * Categories are data: license-texts/categories.tsv gives every id of the
 * SPDX License List (current and deprecated) exactly one category, and
 * gen-license-categories.py compiles it into lb_license_categories[]
 * (sorted by id compared ASCII-case-insensitively; the build fails when an
 * id has none or two).  A LicenseRef- is `unknown` unless the policy's
 * "categories" say otherwise.
 *
 * A policy is a JSON object:
 *
 *	{ "deny":   ["GPL-*", "category:network-copyleft"],
 *	  "review": ["LicenseRef-*"],
 *	  "allow":  ["MIT", "NOASSERTION"],
 *	  "categories": { "LicenseRef-public-domain": "public-domain" },
 *	  "default": "review" }
 *
 * Entries are license ids (case-insensitive; a deprecated id stands for
 * what replaced it), `category:NAME`, or fnmatch(3) patterns (an entry
 * holding '*', '?' or '['), matched against the id ("GPL-2.0+" also
 * matches "GPL-2.0").  "NOASSERTION" names a component without a license;
 * only an entry spelled so matches it, and without one such a component is
 * `review`.  For one license, deny beats review beats allow.  A license no
 * list names gets "default" when given, else the built-in default:
 * network-copyleft and unknown are `review`, everything else `allow`
 * (lb_policy_default() is exactly that, with empty lists).
 *
 * Expressions are judged as a tree (spdx.h): a license by the rules above,
 * "X WITH exc" as X (the exception is reported), OR takes its best operand
 * (allow > review > deny: one allowed choice is enough), AND its worst.
 *
 * Policies are immutable once loaded: evaluation is thread-safe.  Nothing
 * here prints.
 */
#ifndef LB_POLICY_H
#define LB_POLICY_H

#include <stddef.h>

#include "model.h"

enum lb_license_category {
	LB_CAT_UNKNOWN,
	LB_CAT_PERMISSIVE,
	LB_CAT_WEAK_COPYLEFT,
	LB_CAT_STRONG_COPYLEFT,
	LB_CAT_NETWORK_COPYLEFT,
	LB_CAT_PUBLIC_DOMAIN,
	LB_CAT_PROPRIETARY,
	LB_CAT_COUNT
};

/* Generated from license-texts/categories.tsv. */
struct lb_license_category_entry {
	const char *id;
	enum lb_license_category category;
};
extern const struct lb_license_category_entry lb_license_categories[];
extern const size_t lb_license_ncategories;

/* "permissive", "weak-copyleft", ...; "unknown" for an out-of-range value. */
const char *lb_category_name(enum lb_license_category c);
/* The category named `name`; 0, or -1 when there is no such category. */
int lb_category_from_name(const char *name, enum lb_license_category *out);
/* The built-in category of a listed id (ASCII-case-insensitive); unknown
 * for a LicenseRef- or an id not on the list. */
enum lb_license_category lb_license_category(const char *id);

/* Ordered from best to worst: combining takes min (OR) or max (AND). */
enum lb_verdict {
	LB_VERDICT_ALLOW,
	LB_VERDICT_REVIEW,
	LB_VERDICT_DENY,
	LB_VERDICT_COUNT
};
const char *lb_verdict_name(enum lb_verdict v);   /* "allow", "review", "deny" */
/* 0 and *out set, or -1 when name is not a verdict. */
int lb_verdict_from_name(const char *name, enum lb_verdict *out);

struct lb_policy;

/*
 * Reads a policy from a file or from memory.  On success returns 0 and a
 * new policy in *out (free with lb_policy_free()).  On failure returns
 * LB_ERR_USAGE (the file does not parse or says something impossible: an
 * unknown key, category, verdict or license id) or LB_ERR_INPUT (it
 * cannot be read), sets *out to NULL and writes a one-line message of at
 * most errlen - 1 bytes to err, e.g. "line 3, column 5: ']' expected" or
 * "deny: unknown license id 'GPL-2'".
 */
int lb_policy_load(const char *path, struct lb_policy **out, char *err, size_t errlen);
int lb_policy_parse(const char *json, size_t len, struct lb_policy **out, char *err, size_t errlen);
/* The built-in default policy; never NULL; free with lb_policy_free(). */
struct lb_policy *lb_policy_default(void);
void lb_policy_free(struct lb_policy *p);

/* One license of an expression, as judged. */
struct lb_policy_term {
	char *license;                  /* "GPL-3.0-or-later", "LicenseRef-x", "NOASSERTION" */
	char *exception;                /* the WITH exception, or NULL */
	enum lb_license_category category;
	enum lb_verdict verdict;
	char *rule;                     /* why: "deny 'GPL-*'", "default: network-copyleft" */
	int decisive;                   /* its verdict is the expression's */
};

struct lb_policy_result {
	enum lb_verdict verdict;
	struct lb_policy_term *terms;   /* in the order of the expression */
	size_t nterms;
};

/*
 * Judges one license expression (NULL: no license, NOASSERTION).  An
 * expression that does not parse (cannot happen with a model's, which are
 * valid) is judged as one unknown license.  Always fills *out; release it
 * with lb_policy_result_release().  Returns the verdict.
 */
enum lb_verdict lb_policy_eval(const struct lb_policy *p, const char *expr,
			       struct lb_policy_result *out);
void lb_policy_result_release(struct lb_policy_result *r);

/* One component as judged. */
struct lb_policy_finding {
	const struct lb_component *comp;/* in the model (not owned) */
	const char *license;            /* concluded, else declared, else NULL */
	struct lb_policy_result result;
	const char **evidence;          /* paths of the files that gave the license */
	size_t nevidence;               /* (not owned but the array) */
};

struct lb_policy_report {
	struct lb_policy_finding *v;    /* every judged component, model order */
	size_t n;
	size_t count[LB_VERDICT_COUNT];
	enum lb_verdict worst;          /* allow when there is nothing */
};

/*
 * Judges every component of a finished model but the distribution itself
 * (LB_COMP_OS) and components a later layer removed.  The report points
 * into the model, which must outlive it.  Release with
 * lb_policy_report_release().
 */
void lb_policy_check(const struct lb_policy *p, const struct lb_model *m,
		     struct lb_policy_report *out);
void lb_policy_report_release(struct lb_policy_report *r);

/*
 * The report as JSON (caller frees): {"findings": [...], "summary":
 * {"components": n, "allow": n, "review": n, "deny": n, "result": "..."}};
 * findings hold the components that are not allowed, with name, version,
 * purl, license, verdict, categories, layer (1 is the bottom layer, null
 * when unknown), layer_id, evidence and terms.  layer_ids[i] is the diff
 * ID of layer i (nlayers of them; may be NULL).  NULL only when memory
 * runs out.
 */
char *lb_policy_report_json(const struct lb_policy_report *r, const char *const *layer_ids,
			    size_t nlayers);

#endif
