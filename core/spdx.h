/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spdx: SPDX license expressions. A strict parser for the SPDX 2.3 Annex D
 * grammar, a printer, and a loose normaliser that turns what package
 * metadata really says ("GPL-2+ or Artistic", "ASL 2.0 and BSD", "MIT BSD
 * GPL2+", "Apache License, Version 2.0") into a valid SPDX expression.
 *
 * Guarantees:
 *  - Every expression this module prints or returns is valid SPDX 2.3, names
 *    only ids on the SPDX License List (license-texts/, see license_db.h) or
 *    LicenseRef-<idstring>, and parses back strictly to an equal tree.
 *  - Ids come out in canonical case; deprecated ids are rewritten to what
 *    replaced them (aliases/deprecated.tsv): GPL-2.0 -> GPL-2.0-only,
 *    GPL-2.0+ -> GPL-2.0-or-later, GPL-2.0-with-classpath-exception ->
 *    GPL-2.0-only WITH Classpath-exception-2.0. "+" after an -only id
 *    becomes the -or-later id, after an -or-later id it is dropped.
 *  - No global mutable state: every function is safe to call from several
 *    threads at once. Input is never trusted: lengths are capped, nesting is
 *    capped, any byte sequence gives a result or an error, never a crash.
 *
 * Printing rule: operands of AND and OR are flattened ("(A AND B) AND C" is
 * one AND of three), kept in input order, never deduplicated; an AND inside
 * an OR and an OR inside an AND are always parenthesised, although SPDX
 * precedence (WITH > AND > OR) would make the former optional:
 * "A OR B AND C" prints as "A OR (B AND C)". WITH never needs parentheses.
 */
#ifndef LB_SPDX_H
#define LB_SPDX_H

#include <stddef.h>

#include "license_db.h"

/* Status codes: 0 is success, every failure is negative. */
enum {
	LB_SPDX_OK = 0,
	LB_SPDX_ESYNTAX = -1,   /* not an SPDX expression */
	LB_SPDX_EUNKNOWN = -2,  /* well formed, but an id is not on the list */
	LB_SPDX_ETOOLONG = -3,  /* input longer than LB_SPDX_MAX_LEN */
	LB_SPDX_ETOODEEP = -4,  /* parentheses nested deeper than LB_SPDX_MAX_DEPTH */
	LB_SPDX_EEMPTY = -5,    /* nothing but whitespace (or NONE/NOASSERTION) */
	LB_SPDX_ENOMEM = -6,
	LB_SPDX_EINVAL = -7     /* bad arguments */
};

#define LB_SPDX_MAX_LEN   (64u * 1024u)
#define LB_SPDX_MAX_DEPTH 64

enum lb_spdx_kind {
	LB_SPDX_LICENSE,        /* a listed license, optionally "+" */
	LB_SPDX_LICENSEREF,     /* [DocumentRef-x:]LicenseRef-y */
	LB_SPDX_WITH,           /* args[0] WITH exception */
	LB_SPDX_AND,
	LB_SPDX_OR
};

/*
 * One node of an expression tree. Which fields mean something depends on
 * `kind`; the others are zero/NULL:
 *   LICENSE     license (never an exception; never deprecated unless the
 *               list kept it, see deprecated.tsv, or it is a deprecated
 *               license-plus-exception id that is itself followed by WITH:
 *               "GPL-2.0-with-classpath-exception WITH x" cannot hold two
 *               exceptions, so it stays as written), plus (0 or 1; never 1
 *               on an -only or -or-later id).
 *   LICENSEREF  ref ("LicenseRef-..."), docref ("DocumentRef-..." or NULL).
 *   WITH        n == 1, args[0] a LICENSE or LICENSEREF node; exception.
 *   AND, OR     n >= 2, args[0..n-1]; no operand has the node's own kind.
 * A tree owns all its nodes and strings; free it with lb_spdx_expr_free().
 */
struct lb_spdx_expr {
	enum lb_spdx_kind kind;
	const struct lb_license_info *license;
	int plus;
	char *ref;
	char *docref;
	const struct lb_license_info *exception;
	size_t n;
	struct lb_spdx_expr **args;
};

/*
 * Parses an SPDX 2.3 license expression strictly: Annex D grammar, ids on
 * the list (case-insensitive), operators AND, OR, WITH in upper case or in
 * lower case (the spec asks for upper case; lower case is common and
 * unambiguous, mixed case like "And" is rejected), "+" directly after an
 * id, parentheses nested at most LB_SPDX_MAX_DEPTH deep, at most
 * LB_SPDX_MAX_LEN bytes. `s` need not be NUL-terminated in the _len form.
 *
 * On success returns 0 and stores a new tree in *out (caller frees). On
 * failure returns a negative LB_SPDX_E* code, sets *out to NULL and, when
 * `err` is not NULL, writes a one-line message of at most errlen - 1 bytes
 * (e.g. "unknown license id 'GPL-2'").
 */
int lb_spdx_parse_len(const char *s, size_t len, struct lb_spdx_expr **out,
		      char *err, size_t errlen);
int lb_spdx_parse(const char *s, struct lb_spdx_expr **out, char *err,
		  size_t errlen);

/*
 * The canonical text of a tree (see "Printing rule" above). Returns a new
 * NUL-terminated string the caller frees, or NULL when e is NULL or memory
 * runs out.
 */
char *lb_spdx_to_string(const struct lb_spdx_expr *e);

/* 1 when two trees are equal node by node (ids compared by identity), else 0. */
int lb_spdx_expr_equal(const struct lb_spdx_expr *a,
		       const struct lb_spdx_expr *b);

/* Frees a tree; lb_spdx_expr_free(NULL) does nothing. */
void lb_spdx_expr_free(struct lb_spdx_expr *e);

/*
 * Where a license string comes from, which decides how it is read.
 *   LB_LIC_SPDX     declared as SPDX (Cargo, npm "license", PEP 639, new
 *                   Fedora/Alpine): strict first, then as GENERIC.
 *   LB_LIC_DEBIAN   a DEP-5 License: first line ("GPL-2+ or Artistic,
 *                   and BSD-3-clause"): "and"/"or" with "and" binding
 *                   tighter, unless preceded by a comma, which makes the
 *                   operator bind loosest ("A or B, and C" is
 *                   (A OR B) AND C, DEP-5 1.0). A bare comma (no operator
 *                   after it) is not a DEP-5 operator; it is read as such a
 *                   low-precedence AND, the conservative choice.
 *   LB_LIC_FEDORA   an RPM License: tag, legacy Callaway names or SPDX;
 *                   "and", "or", "with", parentheses.
 *   LB_LIC_ALPINE   an APKINDEX L: / APKBUILD license= string. Names merely
 *                   separated by spaces ("MIT BSD GPL2+") are joined with
 *                   AND: they list the licenses of the package's parts.
 *   LB_LIC_GENERIC  free text from npm, PyPI, Maven, gems: "Apache License,
 *                   Version 2.0", "MIT/X11", "GPLv2", "MIT/Apache-2.0"
 *                   (a slash between known names means OR).
 * In every dialect the string is first tried as a strict SPDX expression;
 * names are then looked up in the dialect's table, as SPDX ids, then in
 * the generic table (aliases/<set>.tsv); "with" takes exception phrases from
 * debian-exceptions.tsv. Known names next to each other with no operator
 * are joined with AND; a run of words that holds an unknown one is a single
 * unknown name ("GPL version 2" is not GPL AND "version 2"), except in
 * Alpine strings, where every word is a name. ';' and a bare ',' separate
 * like DEP-5's comma.
 */
enum lb_license_dialect {
	LB_LIC_SPDX,
	LB_LIC_DEBIAN,
	LB_LIC_FEDORA,
	LB_LIC_ALPINE,
	LB_LIC_GENERIC
};

/* A LicenseRef in a normalised expression, and the words it stands for. */
struct lb_norm_ref {
	char *id;     /* "LicenseRef-GPL-2-plus-with-OpenSSL-exception" */
	char *text;   /* "GPL-2+ with OpenSSL exception": the original words,
	               * whitespace collapsed, as valid UTF-8 (bad bytes and
	               * control characters become U+FFFD) */
	int invented; /* 1: made up by the normaliser (or an alias table);
	               * 0: the input already said LicenseRef-... */
};

#define LB_NORM_STRICT   0x1u /* the input was a valid SPDX expression */
#define LB_NORM_ALIASED  0x2u /* an alias table was used */
#define LB_NORM_WHOLE    0x4u /* unreadable as names and operators; the
			       * whole input became one LicenseRef */

struct lb_norm_result {
	char *expr;                 /* valid SPDX 2.3 expression */
	struct lb_norm_ref *refs;   /* every LicenseRef in expr (no
				     * DocumentRef ones), each once, in order
				     * of first appearance */
	size_t nrefs;
	unsigned flags;             /* LB_NORM_* */
};

/*
 * Normalises a license string as found in package metadata.
 *
 * Names that map to nothing become LicenseRef-<sanitised name>: letters,
 * digits, '.' and '-' are kept, whitespace becomes '-', '+' becomes "-plus";
 * when anything else had to be dropped or changed, or the name was cut to
 * 48 characters, "-" and 8 hex digits of a hash of the original words are
 * appended, so different names cannot share a ref. Same input, same
 * output. Refs name the words, not a text: two packages that both say
 * "public-domain" get the same ref, so a document that merges packages
 * must tell their texts apart itself.
 * A string that does not read as names and operators (an unbalanced
 * parenthesis, a dangling operator, a sentence of licence prose, more than
 * 64 distinct unknown names) becomes one LicenseRef for the whole input
 * (LB_NORM_WHOLE); so does input longer than LB_SPDX_MAX_LEN.
 *
 * `out` is always initialised. Returns 0 on success; LB_SPDX_EEMPTY when the
 * input is empty, only whitespace, "NONE" or "NOASSERTION" (callers write
 * NOASSERTION or NONE themselves); LB_SPDX_EINVAL for a NULL argument or an
 * unknown dialect; LB_SPDX_ENOMEM. On failure *out is empty.
 * Release with lb_norm_result_release().
 *
 * Example:
 *	struct lb_norm_result r;
 *	if (lb_license_normalize("GPL-2+ with OpenSSL exception or MIT",
 *				 LB_LIC_DEBIAN, &r) == 0) {
 *		// r.expr: "LicenseRef-GPL-2-plus-with-OpenSSL-exception OR MIT"
 *		// r.refs[0]: { id, "GPL-2+ with OpenSSL exception", 1 }
 *		lb_norm_result_release(&r);
 *	}
 */
int lb_license_normalize_len(const char *in, size_t len,
			     enum lb_license_dialect d,
			     struct lb_norm_result *out);
int lb_license_normalize(const char *in, enum lb_license_dialect d,
			 struct lb_norm_result *out);

/* Frees what `r` holds and empties it; safe on an empty or released result. */
void lb_norm_result_release(struct lb_norm_result *r);

#endif
