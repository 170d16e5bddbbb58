/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for core/spdx.c and the generated license tables: strict
 * parsing, printing, deprecated ids, the loose normaliser on real-world
 * strings (Debian copyright files of a Debian 12 system, Fedora/RHEL legacy
 * tags, Alpine L: fields, npm/PyPI/Maven names), hostile input, and
 * properties over the whole SPDX License List and every alias table.
 */
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spdx.h"
#include "tap.h"

/* ------------------------------------------------------------- helpers */

static int idstring_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

/* Every node names a listed, current (or kept) id, or a valid LicenseRef. */
static int tree_ok(const struct lb_spdx_expr *e, int depth)
{
	if (!e || depth > 200)
		return 0;
	switch (e->kind) {
	case LB_SPDX_LICENSE:
		if (!e->license || (e->license->flags & LB_LICENSE_EXCEPTION) ||
		    lb_license_lookup(e->license->id) != e->license)
			return 0;
		if ((e->license->flags & LB_LICENSE_DEPRECATED) &&
		    e->license->successor >= 0)
			return 0;
		return e->n == 0;
	case LB_SPDX_LICENSEREF:
		return e->ref && !strncmp(e->ref, "LicenseRef-", 11) &&
		       idstring_ok(e->ref + 11) &&
		       (!e->docref || (!strncmp(e->docref, "DocumentRef-", 12) &&
				       idstring_ok(e->docref + 12)));
	case LB_SPDX_WITH:
		if (e->n != 1 || !e->exception ||
		    !(e->exception->flags & LB_LICENSE_EXCEPTION) ||
		    (e->exception->flags & LB_LICENSE_DEPRECATED))
			return 0;
		if (e->args[0]->kind == LB_SPDX_LICENSE &&
		    e->args[0]->license->successor_exception >= 0)
			return 1;       /* "GPL-2.0-with-...-exception WITH x" */
		if (e->args[0]->kind != LB_SPDX_LICENSE &&
		    e->args[0]->kind != LB_SPDX_LICENSEREF)
			return 0;
		return tree_ok(e->args[0], depth + 1);
	case LB_SPDX_AND:
	case LB_SPDX_OR:
		if (e->n < 2)
			return 0;
		for (size_t i = 0; i < e->n; i++)
			if (e->args[i]->kind == e->kind ||
			    !tree_ok(e->args[i], depth + 1))
				return 0;
		return 1;
	}
	return 0;
}

/* s parses strictly, prints back as itself, and names only listed ids. */
static int expr_valid(const char *s)
{
	struct lb_spdx_expr *e = NULL;
	char err[256];
	char *again;
	int good;

	if (!s || lb_spdx_parse(s, &e, err, sizeof(err)) != 0) {
		printf("#   '%s' does not parse: %s\n", s ? s : "(null)", err);
		return 0;
	}
	again = lb_spdx_to_string(e);
	good = again && !strcmp(again, s) && tree_ok(e, 0);
	if (!good)
		printf("#   '%s' reprints as '%s'\n", s, again ? again : "(null)");
	free(again);
	lb_spdx_expr_free(e);
	return good;
}

/* The result's refs are exactly the LicenseRefs of its expression. */
static int refs_consistent(const struct lb_norm_result *r)
{
	for (size_t i = 0; i < r->nrefs; i++) {
		const char *p = strstr(r->expr, r->refs[i].id);
		size_t n = strlen(r->refs[i].id);

		if (!p || !r->refs[i].text || !*r->refs[i].text)
			return 0;
		/* whole token: followed by a delimiter */
		while (p && p[n] && p[n] != ' ' && p[n] != ')')
			p = strstr(p + 1, r->refs[i].id);
		if (!p)
			return 0;
	}
	/* and no LicenseRef in expr is missing from refs */
	for (const char *p = strstr(r->expr, "LicenseRef-"); p;
	     p = strstr(p + 1, "LicenseRef-")) {
		size_t n = strcspn(p, " )");
		size_t i;

		if (p > r->expr && p[-1] == ':')
			continue;       /* DocumentRef-x:LicenseRef-y */
		for (i = 0; i < r->nrefs; i++)
			if (strlen(r->refs[i].id) == n &&
			    !strncmp(r->refs[i].id, p, n))
				break;
		if (i == r->nrefs)
			return 0;
	}
	return 1;
}

/* Test names stay on one TAP line. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\t' || *s == '\r')
			*s = ' ';
}

static const char *dname(enum lb_license_dialect d)
{
	static const char *const names[] = { "spdx", "debian", "fedora",
					     "alpine", "generic" };
	return names[d];
}

/* Normalises `in`; checks the expression and the result's invariants. */
static void norm_is(enum lb_license_dialect d, const char *in, const char *want)
{
	struct lb_norm_result r;
	char what[512];
	int rc = lb_license_normalize(in, d, &r);

	snprintf(what, sizeof(what), "%s: '%.200s' -> '%s'", dname(d), in, want);
	one_line(what);
	if (rc) {
		ok(0, "%s (rc %d)", what, rc);
		return;
	}
	if (is_str(r.expr, want, what) &&
	    (!expr_valid(r.expr) || !refs_consistent(&r)))
		ok(0, "%s: result invariants", what);
	lb_norm_result_release(&r);
}

/* Normalises `in` to one invented ref standing for `text`. */
static void norm_ref(enum lb_license_dialect d, const char *in,
		     const char *want, const char *text)
{
	struct lb_norm_result r;
	int rc = lb_license_normalize(in, d, &r);

	ok(rc == 0 && r.nrefs == 1 && !strcmp(r.expr, want) &&
	   !strcmp(r.refs[0].id, want) && !strcmp(r.refs[0].text, text) &&
	   r.refs[0].invented && expr_valid(r.expr),
	   "%s: '%s' -> %s for '%s' (got '%s')", dname(d), in, want, text,
	   rc ? "error" : r.expr);
	lb_norm_result_release(&r);
}

static void parse_is(const char *in, const char *want)
{
	struct lb_spdx_expr *e = NULL;
	char err[256] = "";
	char *s = NULL;
	char what[512];
	int rc = lb_spdx_parse(in, &e, err, sizeof(err));

	snprintf(what, sizeof(what), "parse '%.200s' -> '%s'", in, want);
	one_line(what);
	if (rc == 0)
		s = lb_spdx_to_string(e);
	else
		printf("#   error %d: %s\n", rc, err);
	if (is_str(s, want, what) && !expr_valid(s))
		ok(0, "%s: reprint", what);
	free(s);
	lb_spdx_expr_free(e);
}

static void parse_fails(const char *in, size_t len, int want_rc,
			const char *what)
{
	struct lb_spdx_expr *e = (struct lb_spdx_expr *)1;
	char err[128];
	int rc = lb_spdx_parse_len(in, len, &e, err, sizeof(err));

	ok(rc == want_rc && e == NULL && err[0] && strlen(err) < sizeof(err),
	   "rejects %s (rc %d, want %d: %s)", what, rc, want_rc, err);
}

/* ---------------------------------------------------------------- tests */

static void test_tables(void)
{
	const struct lb_license_info *l;
	int sorted = 1, found = 0;
	size_t licenses = 0, exceptions = 0, deprecated = 0;

	is_str(lb_license_list_version, "3.28.0", "license list version");
	for (size_t i = 0; i < lb_license_db_len; i++) {
		const struct lb_license_info *x = &lb_license_db[i];

		if (i && strcasecmp(lb_license_db[i - 1].id, x->id) >= 0)
			sorted = 0;
		found += lb_license_lookup(x->id) == x;
		if (x->flags & LB_LICENSE_EXCEPTION)
			exceptions++;
		else
			licenses++;
		deprecated += !!(x->flags & LB_LICENSE_DEPRECATED);
	}
	ok(licenses == 727 && exceptions == 84 && deprecated == 33,
	   "727 licenses, 84 exceptions, 33 deprecated (got %zu, %zu, %zu)",
	   licenses, exceptions, deprecated);
	ok(sorted, "table sorted case-insensitively");
	ok(found == (int)lb_license_db_len, "every id finds itself");

	l = lb_license_lookup("gpl-2.0-ONLY");
	ok(l && !strcmp(l->id, "GPL-2.0-only") &&
	   (l->flags & LB_LICENSE_OSI_APPROVED) &&
	   (l->flags & LB_LICENSE_FSF_LIBRE) && !(l->flags & LB_LICENSE_DEPRECATED),
	   "lookup is case-insensitive and returns flags");
	l = lb_license_lookup("Classpath-exception-2.0");
	ok(l && (l->flags & LB_LICENSE_EXCEPTION), "exceptions are looked up too");
	l = lb_license_lookup("GPL-2.0+");
	ok(l && (l->flags & LB_LICENSE_DEPRECATED) &&
	   !strcmp(lb_license_successor(l, NULL)->id, "GPL-2.0-or-later"),
	   "deprecated GPL-2.0+ has successor GPL-2.0-or-later");
	ok(!lb_license_lookup("GPL-2") && !lb_license_lookup("") &&
	   !lb_license_lookup(NULL) && !lb_license_lookup("MITX"),
	   "unknown ids are not found");
	ok(lb_license_lookup_len("MITX", 3) &&
	   !strcmp(lb_license_lookup_len("MITX", 3)->id, "MIT"),
	   "lookup_len reads only len bytes");
}

static void test_strict(void)
{
	/* canonical case, operators, precedence, parentheses */
	parse_is("MIT", "MIT");
	parse_is("mit", "MIT");
	parse_is("apache-2.0 or mit", "Apache-2.0 OR MIT");
	parse_is("MIT OR Apache-2.0 AND BSD-3-Clause",
		 "MIT OR (Apache-2.0 AND BSD-3-Clause)");
	parse_is("(MIT OR Apache-2.0) AND BSD-3-Clause",
		 "(MIT OR Apache-2.0) AND BSD-3-Clause");
	parse_is("MIT AND Apache-2.0 OR BSD-3-Clause",
		 "(MIT AND Apache-2.0) OR BSD-3-Clause");
	parse_is("((MIT))", "MIT");
	parse_is("(MIT AND ISC) AND (Zlib AND 0BSD)", "MIT AND ISC AND Zlib AND 0BSD");
	parse_is("MIT OR (ISC OR (Zlib OR 0BSD))", "MIT OR ISC OR Zlib OR 0BSD");
	parse_is("  MIT\tAND\n ISC  ", "MIT AND ISC");
	parse_is("(MIT)AND(ISC)", "MIT AND ISC");
	parse_is("GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT",
		 "GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT");
	parse_is("gpl-2.0-only with classpath-exception-2.0 and mit",
		 "GPL-2.0-only WITH Classpath-exception-2.0 AND MIT");
	parse_is("Apache-2.0 WITH LLVM-exception",
		 "Apache-2.0 WITH LLVM-exception");
	parse_is("LicenseRef-foo.bar-1", "LicenseRef-foo.bar-1");
	parse_is("licenseref-x", "LicenseRef-x");
	parse_is("LicenseRef-x WITH Classpath-exception-2.0",
		 "LicenseRef-x WITH Classpath-exception-2.0");
	parse_is("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
		 "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2");
	parse_is("documentref-a:licenseref-b OR MIT",
		 "DocumentRef-a:LicenseRef-b OR MIT");
	/* "+" */
	parse_is("Apache-2.0+", "Apache-2.0+");
	parse_is("MPL-1.1+ OR MIT", "MPL-1.1+ OR MIT");
	parse_is("GPL-2.0-only+", "GPL-2.0-or-later");
	parse_is("GPL-3.0-or-later+", "GPL-3.0-or-later");
	parse_is("GFDL-1.3-invariants-only+", "GFDL-1.3-invariants-or-later");
	/* deprecated ids */
	parse_is("GPL-2.0", "GPL-2.0-only");
	parse_is("GPL-2.0+", "GPL-2.0-or-later");
	parse_is("gpl-3.0+", "GPL-3.0-or-later");
	parse_is("LGPL-2.1+", "LGPL-2.1-or-later");
	parse_is("LGPL-2.0", "LGPL-2.0-only");
	parse_is("AGPL-1.0", "AGPL-1.0-only");
	parse_is("AGPL-3.0", "AGPL-3.0-only");
	parse_is("GFDL-1.2", "GFDL-1.2-only");
	parse_is("GPL-2.0-with-classpath-exception",
		 "GPL-2.0-only WITH Classpath-exception-2.0");
	parse_is("GPL-2.0-with-classpath-exception+",
		 "GPL-2.0-or-later WITH Classpath-exception-2.0");
	parse_is("GPL-3.0-with-GCC-exception",
		 "GPL-3.0-only WITH GCC-exception-3.1");
	parse_is("GPL-2.0-with-autoconf-exception",
		 "GPL-2.0-only WITH Autoconf-exception-2.0");
	parse_is("GPL-2.0-with-bison-exception",
		 "GPL-2.0-only WITH Bison-exception-2.2");
	parse_is("GPL-2.0-with-font-exception",
		 "GPL-2.0-only WITH Font-exception-2.0");
	parse_is("eCos-2.0", "GPL-2.0-or-later WITH eCos-exception-2.0");
	parse_is("wxWindows", "LGPL-2.0-or-later WITH WxWindows-exception-3.1");
	parse_is("StandardML-NJ", "SMLNJ");
	parse_is("Nunit", "zlib-acknowledgement");
	parse_is("BSD-2-Clause-NetBSD", "BSD-2-Clause");
	parse_is("BSD-2-Clause-FreeBSD", "BSD-2-Clause-Views");
	parse_is("bzip2-1.0.5", "bzip2-1.0.6");
	parse_is("Net-SNMP", "Net-SNMP");
	parse_is("MIT WITH Nokia-Qt-exception-1.1",
		 "MIT WITH Qt-LGPL-exception-1.1");
	parse_is("GPL-2.0-with-classpath-exception WITH Classpath-exception-2.0",
		 "GPL-2.0-with-classpath-exception WITH Classpath-exception-2.0");
	parse_is("GPL-2.0 OR (LGPL-2.1+ AND eCos-2.0)",
		 "GPL-2.0-only OR (LGPL-2.1-or-later AND GPL-2.0-or-later WITH eCos-exception-2.0)");
}

static void test_strict_errors(void)
{
	char deep[10000 * 2 + 8];
	char *big;
	static const char nonutf8[] = "MIT AND \xff\xfe\x80 OR GPL-2.0";
	static const char nul[] = "MIT\0AND ISC";

	parse_fails("", 0, LB_SPDX_EEMPTY, "the empty string");
	parse_fails("   \t", 4, LB_SPDX_EEMPTY, "whitespace");
	parse_fails("AND", 3, LB_SPDX_ESYNTAX, "a lone AND");
	parse_fails("MIT AND", 7, LB_SPDX_ESYNTAX, "a dangling AND");
	parse_fails("OR MIT", 6, LB_SPDX_ESYNTAX, "a leading OR");
	parse_fails("MIT AND AND ISC", 15, LB_SPDX_ESYNTAX, "AND AND");
	parse_fails("MIT ISC", 7, LB_SPDX_ESYNTAX, "two ids with no operator");
	parse_fails("(MIT", 4, LB_SPDX_ESYNTAX, "an unclosed parenthesis");
	parse_fails("MIT)", 4, LB_SPDX_ESYNTAX, "a stray ')'");
	parse_fails("()", 2, LB_SPDX_ESYNTAX, "empty parentheses");
	parse_fails("GPL-2", 5, LB_SPDX_EUNKNOWN, "a Debian name in strict mode");
	parse_fails("MIT And ISC", 11, LB_SPDX_ESYNTAX, "mixed-case operator");
	parse_fails("MIT WITH", 8, LB_SPDX_ESYNTAX, "WITH without exception");
	parse_fails("MIT WITH MIT", 12, LB_SPDX_EUNKNOWN, "a license after WITH");
	parse_fails("Classpath-exception-2.0", 23, LB_SPDX_EUNKNOWN,
		    "an exception used as a license");
	parse_fails("GPL-2.0-only WITH LicenseRef-x", 30, LB_SPDX_EUNKNOWN,
		    "a LicenseRef after WITH");
	parse_fails("(MIT OR ISC) WITH Classpath-exception-2.0", 41,
		    LB_SPDX_ESYNTAX, "WITH after parentheses");
	parse_fails("MIT WITH Classpath-exception-2.0 WITH LLVM-exception", 52,
		    LB_SPDX_ESYNTAX, "two WITHs");
	parse_fails("MIT +", 5, LB_SPDX_ESYNTAX, "a detached '+'");
	parse_fails("MIT++", 5, LB_SPDX_ESYNTAX, "'++'");
	parse_fails("LicenseRef-", 11, LB_SPDX_ESYNTAX, "an empty LicenseRef");
	parse_fails("LicenseRef-a+", 13, LB_SPDX_ESYNTAX, "'+' on a LicenseRef");
	parse_fails("DocumentRef-x:MIT", 17, LB_SPDX_ESYNTAX,
		    "a DocumentRef without LicenseRef");
	parse_fails("a:b:c", 5, LB_SPDX_ESYNTAX, "colons");
	parse_fails(nonutf8, sizeof(nonutf8) - 1, LB_SPDX_ESYNTAX,
		    "non-UTF-8 bytes");
	parse_fails(nul, sizeof(nul) - 1, LB_SPDX_ESYNTAX, "a NUL byte");
	parse_fails("MIT/Apache-2.0", 14, LB_SPDX_ESYNTAX, "a slash");

	memset(deep, '(', 10000);
	memcpy(deep + 10000, "MIT", 3);
	memset(deep + 10003, ')', 10000);
	parse_fails(deep, 20003, LB_SPDX_ETOODEEP, "10,000 nested parentheses");
	memset(deep, '(', 64);
	memcpy(deep + 64, "MIT", 3);
	memset(deep + 67, ')', 64);
	deep[131] = '\0';
	parse_is(deep, "MIT");

	big = malloc(1024 * 1024 + 1);
	if (big) {
		for (size_t i = 0; i < 1024 * 1024; i++)
			big[i] = "MIT AND "[i % 8];
		big[1024 * 1024] = '\0';
		parse_fails(big, 1024 * 1024, LB_SPDX_ETOOLONG, "a 1 MB string");
		free(big);
	}
	ok(lb_spdx_parse(NULL, NULL, NULL, 0) == LB_SPDX_EINVAL,
	   "NULL arguments are refused");
	ok(lb_spdx_to_string(NULL) == NULL, "to_string(NULL) is NULL");
	lb_spdx_expr_free(NULL);
	ok(1, "expr_free(NULL) is a no-op");
	{
		char tiny[8];
		struct lb_spdx_expr *e;

		lb_spdx_parse("MIT AND this-is-not-a-license", &e, tiny,
			      sizeof(tiny));
		ok(strlen(tiny) == 7, "error messages are truncated to errlen");
	}
}

static void test_debian(void)
{
	const enum lb_license_dialect D = LB_LIC_DEBIAN;

	/* the most frequent License: lines of a Debian 12 system, in order */
	norm_is(D, "BSL-1.0", "BSL-1.0");
	norm_is(D, "GPL-2+", "GPL-2.0-or-later");
	norm_is(D, "GPL-2", "GPL-2.0-only");
	norm_is(D, "GPL-1+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0-Perl");
	norm_is(D, "LGPL-2.1+", "LGPL-2.1-or-later");
	norm_is(D, "BSD-3-clause", "BSD-3-Clause");
	norm_is(D, "LGPL-2+", "LGPL-2.0-or-later");
	norm_is(D, "Expat", "MIT");
	norm_is(D, "expat", "MIT");
	norm_is(D, "GPL-3+", "GPL-3.0-or-later");
	norm_is(D, "Apache-2.0", "Apache-2.0");
	norm_is(D, "LGPL-3+ or GPL-2+", "LGPL-3.0-or-later OR GPL-2.0-or-later");
	norm_is(D, "BSD-2-clause", "BSD-2-Clause");
	norm_is(D, "OpenLDAP-2.8", "OLDAP-2.8");
	norm_is(D, "Zlib", "Zlib");
	norm_is(D, "ISC", "ISC");
	norm_is(D, "curl", "curl");
	norm_ref(D, "public-domain", "LicenseRef-public-domain", "public-domain");
	norm_ref(D, "PD", "LicenseRef-public-domain", "PD");
	norm_is(D, "GPLv3+", "GPL-3.0-or-later");
	norm_is(D, "LGPLv3+_or_GPLv2+", "LGPL-3.0-or-later OR GPL-2.0-or-later");
	norm_is(D, "GPL-2.0+", "GPL-2.0-or-later");
	norm_is(D, "LGPL-3+", "LGPL-3.0-or-later");
	norm_is(D, "FTL", "FTL");
	norm_is(D, "LGPL-2.1", "LGPL-2.1-only");
	norm_is(D, "Apache-2", "Apache-2.0");
	norm_is(D, "X11", "X11");
	norm_is(D, "LGPL", "LGPL-2.0-or-later");
	norm_is(D, "GPL", "GPL-1.0-or-later");
	norm_is(D, "LGPLv2.1+", "LGPL-2.1-or-later");
	norm_is(D, "MPL-1.1", "MPL-1.1");
	norm_is(D, "BSL-1.0 and Jam", "BSL-1.0 AND Jam");
	norm_is(D, "APACHE-2-LLVM-EXCEPTIONS", "Apache-2.0 WITH LLVM-exception");
	norm_is(D, "GPL-3", "GPL-3.0-only");
	norm_is(D, "FSFULLR", "FSFULLR");
	norm_is(D, "Artistic", "Artistic-1.0-Perl");
	norm_is(D, "Python", "Python-2.0");
	norm_is(D, "LGPL-2", "LGPL-2.0-only");
	norm_is(D, "GPL-2+ with Autoconf exception",
		"GPL-2.0-or-later WITH Autoconf-exception-generic");
	norm_is(D, "BSD-3-clause or GPL-2", "BSD-3-Clause OR GPL-2.0-only");
	norm_is(D, "FSFAP", "FSFAP");
	norm_is(D, "Artistic or GPL-1+", "Artistic-1.0-Perl OR GPL-1.0-or-later");
	norm_is(D, "libpng", "Libpng");
	norm_is(D, "GPL-3+ with Bison exception",
		"GPL-3.0-or-later WITH Bison-exception-2.2");
	norm_is(D, "GPL-3+-WITH-BISON-EXCEPTION",
		"GPL-3.0-or-later WITH Bison-exception-2.2");
	norm_is(D, "GPL-2 with Linux-syscall-note exception",
		"GPL-2.0-only WITH Linux-syscall-note");
	norm_is(D, "Apache-2.0 with LLVM exception",
		"Apache-2.0 WITH LLVM-exception");
	norm_is(D, "GPL-2+ with Libtool exception",
		"GPL-2.0-or-later WITH Libtool-exception");
	norm_is(D, "GPL with Classpath exception",
		"GPL-1.0-or-later WITH Classpath-exception-2.0");
	norm_is(D, "GPL-2+ with Texinfo exception",
		"GPL-2.0-or-later WITH Texinfo-exception");
	norm_is(D, "BSD-2-Clause-netbsd", "BSD-2-Clause");
	norm_is(D, "GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later");
	norm_is(D, "GFDL-NIV-1.3", "GFDL-1.3-no-invariants-only");
	norm_is(D, "GFDL-1.2+", "GFDL-1.2-or-later");
	norm_is(D, "GFDL-1.3", "GFDL-1.3-only");
	norm_is(D, "CC0", "CC0-1.0");
	norm_is(D, "BSL", "BSL-1.0");
	norm_is(D, "CDDL-1", "CDDL-1.0");
	norm_is(D, "BSD-2", "BSD-2-Clause");
	norm_is(D, "EDL-1", "BSD-3-Clause");
	norm_is(D, "SSLeay", "SSLeay-standalone");
	norm_is(D, "OpenSSL and SSLeay", "OpenSSL AND SSLeay-standalone");
	norm_is(D, "Perl", "Artistic-1.0-Perl OR GPL-1.0-or-later");
	norm_is(D, "Perl and MIT", "(Artistic-1.0-Perl OR GPL-1.0-or-later) AND MIT");
	norm_is(D, "AGPL-3+", "AGPL-3.0-or-later");
	norm_is(D, "LPGL-2.1+", "LGPL-2.1-or-later");
	/* DEP-5 precedence: and over or, unless preceded by a comma */
	norm_is(D, "MPL-1.1 or LGPL-2.1+, and SC",
		"(MPL-1.1 OR LGPL-2.1-or-later) AND LicenseRef-SC");
	norm_is(D, "GPL-2+ or AFL-2.1, and Expat and Tcl-BSDish",
		"(GPL-2.0-or-later OR AFL-2.1) AND MIT AND LicenseRef-Tcl-BSDish");
	norm_is(D, "GPL-2+ or Artistic and MIT",
		"GPL-2.0-or-later OR (Artistic-1.0-Perl AND MIT)");
	norm_is(D, "GPL-1+ or Artistic, and BSD-3-clause",
		"(GPL-1.0-or-later OR Artistic-1.0-Perl) AND BSD-3-Clause");
	norm_is(D, "REGCOMP, and GPL-1+ or Artistic",
		"LicenseRef-REGCOMP AND (GPL-1.0-or-later OR Artistic-1.0-Perl)");
	norm_is(D, "MIT, or ISC and Zlib", "MIT OR (ISC AND Zlib)");
	/* no SPDX id: LicenseRefs named after the words */
	norm_ref(D, "GPL-2+ with OpenSSL exception",
		 "LicenseRef-GPL-2-plus-with-OpenSSL-exception",
		 "GPL-2+ with OpenSSL exception");
	norm_ref(D, "GPL-3+ with Autoconf exception",
		 "LicenseRef-GPL-3-plus-with-Autoconf-exception",
		 "GPL-3+ with Autoconf exception");
	norm_ref(D, "LGPL-2.1+ with staticLink exception",
		 "LicenseRef-LGPL-2.1-plus-with-staticLink-exception",
		 "LGPL-2.1+ with staticLink exception");
	norm_ref(D, "BSD", "LicenseRef-BSD", "BSD");
	norm_ref(D, "Apache", "LicenseRef-Apache", "Apache");
	norm_ref(D, "permissive", "LicenseRef-permissive", "permissive");
	norm_ref(D, "BSD3_Google", "LicenseRef-BSD3-Google-61736f63",
		 "BSD3_Google");
	norm_is(D, "Zlib and LGPL-2.1+ with staticLink exception and abandoned",
		"Zlib AND LicenseRef-LGPL-2.1-plus-with-staticLink-exception AND "
		"LicenseRef-abandoned");
	norm_is(D, "BSL-1.0 and OldBoost2", "BSL-1.0 AND LicenseRef-OldBoost2");
	/* the first line of a license text, not a name */
	{
		struct lb_norm_result r;
		int rc = lb_license_normalize("Permission to use, copy, modify, and "
					      "distribute this software and its",
					      D, &r);

		ok(rc == 0 && (r.flags & LB_NORM_WHOLE) && r.nrefs == 1 &&
		   expr_valid(r.expr) && !strncmp(r.refs[0].text, "Permission to use", 17),
		   "licence prose becomes one LicenseRef (%s)", rc ? "" : r.expr);
		lb_norm_result_release(&r);
	}
	/* GPL-2+ must never lose its "+" */
	{
		static const char *const plus[] = {
			"GPL-2+", "GPL-2.0+", "GPLv2+", "GPL-2 +", "gpl-2+",
			"GPL-2+ or MIT", "MIT and GPL-2+", "(GPL-2+)", "GPL-2+,MIT",
		};
		int good = 1;

		for (size_t i = 0; i < sizeof(plus) / sizeof(plus[0]); i++) {
			for (int d = LB_LIC_SPDX; d <= LB_LIC_GENERIC; d++) {
				struct lb_norm_result r;

				if (lb_license_normalize(plus[i], d, &r) ||
				    strstr(r.expr, "GPL-2.0-only")) {
					printf("#   '%s' (%s) -> '%s'\n", plus[i],
					       dname(d), r.expr ? r.expr : "");
					good = 0;
				}
				lb_norm_result_release(&r);
			}
		}
		ok(good, "GPL-2+ never becomes GPL-2.0-only, in any dialect");
	}
}

static void test_fedora(void)
{
	const enum lb_license_dialect D = LB_LIC_FEDORA;

	norm_is(D, "GPLv2", "GPL-2.0-only");
	norm_is(D, "GPLv2+", "GPL-2.0-or-later");
	norm_is(D, "GPLv3+", "GPL-3.0-or-later");
	norm_is(D, "GPL+", "GPL-1.0-or-later");
	norm_is(D, "LGPLv2.1+", "LGPL-2.1-or-later");
	norm_is(D, "LGPLv3+", "LGPL-3.0-or-later");
	norm_is(D, "AGPLv3+", "AGPL-3.0-or-later");
	norm_is(D, "ASL 2.0", "Apache-2.0");
	norm_is(D, "ASL 1.1", "Apache-1.1");
	norm_is(D, "MPLv1.1", "MPL-1.1");
	norm_is(D, "MPLv2.0", "MPL-2.0");
	norm_is(D, "MIT", "MIT");
	norm_is(D, "zlib", "Zlib");
	norm_is(D, "OpenSSL", "OpenSSL");
	norm_is(D, "Boost", "BSL-1.0");
	norm_is(D, "Python", "Python-2.0");
	norm_is(D, "Artistic 2.0", "Artistic-2.0");
	norm_is(D, "GPL+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0-Perl");
	norm_is(D, "(GPL+ or Artistic) and MIT",
		"(GPL-1.0-or-later OR Artistic-1.0-Perl) AND MIT");
	norm_is(D, "ASL 2.0 and MIT", "Apache-2.0 AND MIT");
	norm_is(D, "MIT and (BSD or ASL 2.0)",
		"MIT AND (LicenseRef-Fedora-BSD OR Apache-2.0)");
	norm_is(D, "GPLv2 or GPLv3", "GPL-2.0-only OR GPL-3.0-only");
	norm_is(D, "GPLv2+ and LGPLv2+",
		"GPL-2.0-or-later AND LicenseRef-Fedora-LGPLv2-plus");
	norm_ref(D, "LGPLv2", "LicenseRef-Fedora-LGPLv2", "LGPLv2");
	norm_ref(D, "BSD", "LicenseRef-Fedora-BSD", "BSD");
	norm_ref(D, "Public Domain", "LicenseRef-public-domain", "Public Domain");
	norm_ref(D, "Copyright only", "LicenseRef-Fedora-Copyright-only",
		 "Copyright only");
	norm_ref(D, "Redistributable, no modification permitted",
		 "LicenseRef-Fedora-Redistributable-no-modification",
		 "Redistributable, no modification permitted");
	norm_ref(D, "GPLv2 with exceptions", "LicenseRef-GPLv2-with-exceptions",
		 "GPLv2 with exceptions");
	norm_is(D, "GPL-2.0-or-later AND LGPL-2.1-or-later",
		"GPL-2.0-or-later AND LGPL-2.1-or-later");
	/* glibc on RHEL 9 */
	norm_is(D, "LGPLv2+ and LGPLv2+ with exceptions and GPLv2+ and GPLv2+ with "
		   "exceptions and BSD and Inner-Net and ISC and Public Domain and GFDL",
		"LicenseRef-Fedora-LGPLv2-plus AND LicenseRef-LGPLv2-plus-with-exceptions "
		"AND GPL-2.0-or-later AND LicenseRef-GPLv2-plus-with-exceptions AND "
		"LicenseRef-Fedora-BSD AND LicenseRef-Inner-Net AND ISC AND "
		"LicenseRef-public-domain AND LicenseRef-Fedora-GFDL");
}

static void test_alpine(void)
{
	const enum lb_license_dialect D = LB_LIC_ALPINE;

	norm_is(D, "MIT BSD GPL2+", "MIT AND LicenseRef-BSD AND GPL-2.0-or-later");
	norm_is(D, "GPL-2.0-or-later", "GPL-2.0-or-later");
	norm_is(D, "GPL2", "GPL-2.0-only");
	norm_is(D, "GPL2+", "GPL-2.0-or-later");
	norm_is(D, "LGPL2+", "LGPL-2.0-or-later");
	norm_is(D, "LGPL2.1+", "LGPL-2.1-or-later");
	norm_is(D, "ASL-2.0", "Apache-2.0");
	norm_is(D, "Apache2", "Apache-2.0");
	norm_is(D, "ZLIB", "Zlib");
	norm_is(D, "GPL PerlArtistic", "GPL-1.0-or-later OR Artistic-1.0-Perl");
	norm_is(D, "MIT AND custom", "MIT AND LicenseRef-custom");
	norm_is(D, "GPL2+ LGPL2.1+", "GPL-2.0-or-later AND LGPL-2.1-or-later");
	norm_is(D, "ASL 2.0 MIT", "Apache-2.0 AND MIT");
	norm_is(D, "GPL-2.0-or-later OR MIT", "GPL-2.0-or-later OR MIT");
	norm_ref(D, "custom", "LicenseRef-custom", "custom");
	norm_ref(D, "PD", "LicenseRef-public-domain", "PD");
	norm_ref(D, "custom:foo", "LicenseRef-custom-foo-4356d5f4", "custom:foo");
}

static void test_generic(void)
{
	const enum lb_license_dialect D = LB_LIC_GENERIC;

	norm_is(D, "Apache License, Version 2.0", "Apache-2.0");
	norm_is(D, "Apache License,Version 2.0", "Apache-2.0");
	norm_is(D, "The Apache Software License, Version 2.0", "Apache-2.0");
	norm_is(D, "Apache 2", "Apache-2.0");
	norm_is(D, "The MIT License", "MIT");
	norm_is(D, "MIT License", "MIT");
	norm_is(D, "MIT/X11", "MIT");
	norm_is(D, "GPLv2", "GPL-2.0-only");
	norm_is(D, "GPL v3 or later", "GPL-3.0-or-later");
	norm_is(D, "MIT/Apache-2.0", "MIT OR Apache-2.0");
	norm_is(D, "MIT, Apache-2.0", "MIT AND Apache-2.0");
	norm_is(D, "New BSD License", "BSD-3-Clause");
	norm_is(D, "Simplified BSD", "BSD-2-Clause");
	norm_is(D, "Eclipse Public License - v 1.0", "EPL-1.0");
	norm_is(D, "CDDL + GPLv2 with classpath exception",
		"CDDL-1.0 OR GPL-2.0-only WITH Classpath-exception-2.0");
	norm_is(D, "GNU General Public License v2 or later (GPLv2+)",
		"GPL-2.0-or-later");
	norm_is(D, "License :: OSI Approved :: MIT License", "MIT");
	norm_is(D, "License :: OSI Approved :: GNU Lesser General Public License "
		   "v3 (LGPLv3)", "LGPL-3.0-only");
	norm_is(D, "Python Software Foundation License", "PSF-2.0");
	norm_is(D, "Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0");
	norm_is(D, "zlib/libpng", "Zlib");
	norm_is(D, "MIT AND (Apache-2.0 OR BSD-3-Clause)",
		"MIT AND (Apache-2.0 OR BSD-3-Clause)");
	norm_ref(D, "BSD", "LicenseRef-BSD", "BSD");
	norm_ref(D, "BSD License", "LicenseRef-BSD-License", "BSD License");
	norm_ref(D, "UNLICENSED", "LicenseRef-UNLICENSED", "UNLICENSED");
	norm_ref(D, "GPL version 2", "LicenseRef-GPL-version-2", "GPL version 2");
	norm_ref(D, "Dual MIT/GPL", "LicenseRef-Dual-MIT-GPL-a6bf934f",
		 "Dual MIT/GPL");
	norm_is(LB_LIC_SPDX, "MIT OR Apache-2.0", "MIT OR Apache-2.0");
	norm_is(LB_LIC_SPDX, "Apache 2.0", "Apache-2.0");
	norm_is(LB_LIC_SPDX, "GPL-2.0", "GPL-2.0-only");
}

/* Hostile input through the normaliser: always a valid result or EEMPTY. */
static void test_norm_errors(void)
{
	struct lb_norm_result r;
	char deep[10000 * 2 + 8];
	char *big;
	int rc;
	static const char bytes[] = "MIT \xff\xfe\x80\x01 GPL \xc3\xa9t\xc3\xa9";

	for (int d = LB_LIC_SPDX; d <= LB_LIC_GENERIC; d++) {
		rc = lb_license_normalize("", d, &r);
		ok(rc == LB_SPDX_EEMPTY && !r.expr, "%s: empty -> EEMPTY", dname(d));
		lb_norm_result_release(&r);
	}
	rc = lb_license_normalize(" \t\n ", LB_LIC_DEBIAN, &r);
	ok(rc == LB_SPDX_EEMPTY, "whitespace -> EEMPTY");
	rc = lb_license_normalize("NOASSERTION", LB_LIC_SPDX, &r);
	ok(rc == LB_SPDX_EEMPTY, "NOASSERTION -> EEMPTY");
	rc = lb_license_normalize("MIT", 99, &r);
	ok(rc == LB_SPDX_EINVAL && !r.expr, "unknown dialect -> EINVAL");
	rc = lb_license_normalize(NULL, LB_LIC_SPDX, &r);
	ok(rc == LB_SPDX_EINVAL, "NULL input -> EINVAL");
	lb_norm_result_release(&r);
	lb_norm_result_release(NULL);

	norm_ref(LB_LIC_SPDX, "AND", "LicenseRef-AND", "AND");
	norm_ref(LB_LIC_SPDX, "MIT AND", "LicenseRef-MIT-AND", "MIT AND");
	norm_ref(LB_LIC_DEBIAN, "MIT and", "LicenseRef-MIT-and", "MIT and");
	norm_ref(LB_LIC_FEDORA, "GPLv2+ and (MIT or BSD",
		 "LicenseRef-GPLv2-plus-and-MIT-or-BSD-c0b28f78",
		 "GPLv2+ and (MIT or BSD");
	norm_ref(LB_LIC_DEBIAN, "with OpenSSL exception",
		 "LicenseRef-with-OpenSSL-exception", "with OpenSSL exception");

	memset(deep, '(', 10000);
	memcpy(deep + 10000, "MIT", 3);
	memset(deep + 10003, ')', 10000);
	deep[20003] = '\0';
	rc = lb_license_normalize(deep, LB_LIC_FEDORA, &r);
	ok(rc == 0 && (r.flags & LB_NORM_WHOLE) && r.nrefs == 1 &&
	   expr_valid(r.expr) && strlen(r.refs[0].text) == 20003,
	   "10,000 nested parentheses -> one LicenseRef (%s)", rc ? "" : r.expr);
	lb_norm_result_release(&r);

	big = malloc(1024 * 1024 + 1);
	if (big) {
		for (size_t i = 0; i < 1024 * 1024; i++)
			big[i] = "MIT AND "[i % 8];
		big[1024 * 1024] = '\0';
		rc = lb_license_normalize(big, LB_LIC_SPDX, &r);
		ok(rc == 0 && (r.flags & LB_NORM_WHOLE) && r.nrefs == 1 &&
		   expr_valid(r.expr), "a 1 MB string -> one LicenseRef");
		lb_norm_result_release(&r);
		free(big);
	}

	rc = lb_license_normalize(bytes, LB_LIC_GENERIC, &r);
	ok(rc == 0 && expr_valid(r.expr) && refs_consistent(&r) && r.nrefs == 1 &&
	   !strcmp(r.refs[0].text,
		   "MIT \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd GPL "
		   "\xc3\xa9t\xc3\xa9"),
	   "non-UTF-8 bytes: a hashed LicenseRef whose text is valid UTF-8 (%s)",
	   rc ? "" : r.expr);
	lb_norm_result_release(&r);

	{
		static const char nul[] = "MIT\0and ISC";

		rc = lb_license_normalize_len(nul, sizeof(nul) - 1, LB_LIC_DEBIAN, &r);
		ok(rc == 0 && expr_valid(r.expr) && refs_consistent(&r) &&
		   !strchr(r.refs[0].text, '\001'),
		   "a NUL byte inside the input is handled (%s)", rc ? "" : r.expr);
		lb_norm_result_release(&r);
	}
	{
		/* many different unknown names: capped, one LicenseRef */
		char many[4096];
		size_t o = 0;

		for (int i = 0; i < 100; i++)
			o += (size_t)snprintf(many + o, sizeof(many) - o,
					      "%sname%d", i ? " and " : "", i);
		rc = lb_license_normalize(many, LB_LIC_DEBIAN, &r);
		ok(rc == 0 && (r.flags & LB_NORM_WHOLE) && expr_valid(r.expr),
		   "100 unknown names -> one LicenseRef");
		lb_norm_result_release(&r);
	}
	{
		/* same input, same refs */
		struct lb_norm_result a, b;

		lb_license_normalize("Foo Bar! and GPL-2+ with X exception",
				     LB_LIC_DEBIAN, &a);
		lb_license_normalize("Foo Bar! and GPL-2+ with X exception",
				     LB_LIC_DEBIAN, &b);
		ok(a.expr && b.expr && !strcmp(a.expr, b.expr) && a.nrefs == 2,
		   "deterministic: '%s'", a.expr ? a.expr : "");
		lb_norm_result_release(&a);
		lb_norm_result_release(&b);
		lb_license_normalize("Foo Bar?", LB_LIC_DEBIAN, &a);
		lb_license_normalize("Foo Bar!", LB_LIC_DEBIAN, &b);
		ok(a.expr && b.expr && strcmp(a.expr, b.expr),
		   "different names, different refs ('%s', '%s')",
		   a.expr ? a.expr : "", b.expr ? b.expr : "");
		lb_norm_result_release(&a);
		lb_norm_result_release(&b);
	}
}

/* Every id on the list, through the parser and the normaliser. */
static void test_whole_list(void)
{
	int parsed = 0, lowered = 0, normed = 0, exc = 0, nexc = 0, nlic = 0;
	char buf[256];

	for (size_t i = 0; i < lb_license_db_len; i++) {
		const struct lb_license_info *l = &lb_license_db[i];
		struct lb_spdx_expr *a = NULL, *b = NULL;
		char *s;

		if (l->flags & LB_LICENSE_EXCEPTION) {
			nexc++;
			snprintf(buf, sizeof(buf), "MIT WITH %s", l->id);
			if (lb_spdx_parse(buf, &a, NULL, 0) == 0 &&
			    (s = lb_spdx_to_string(a)) != NULL) {
				exc += expr_valid(s);
				free(s);
			}
			lb_spdx_expr_free(a);
			continue;
		}
		nlic++;
		if (lb_spdx_parse(l->id, &a, NULL, 0) == 0 &&
		    (s = lb_spdx_to_string(a)) != NULL) {
			parsed += expr_valid(s) &&
				  (!(l->flags & LB_LICENSE_DEPRECATED) ||
				   l->successor < 0 ? !strcmp(s, l->id)
						    : strcmp(s, l->id) != 0);
			free(s);
		}
		for (size_t k = 0; l->id[k] && k < sizeof(buf) - 1; k++) {
			buf[k] = (char)((l->id[k] >= 'A' && l->id[k] <= 'Z') ?
					l->id[k] + 32 : l->id[k]);
			buf[k + 1] = '\0';
		}
		if (lb_spdx_parse(buf, &b, NULL, 0) == 0)
			lowered += lb_spdx_expr_equal(a, b);
		lb_spdx_expr_free(a);
		lb_spdx_expr_free(b);
		for (int d = LB_LIC_SPDX; d <= LB_LIC_GENERIC; d++) {
			struct lb_norm_result r;

			snprintf(buf, sizeof(buf), "%s+", l->id);
			if (lb_license_normalize(buf, d, &r) == 0)
				normed += expr_valid(r.expr) && refs_consistent(&r);
			lb_norm_result_release(&r);
		}
	}
	ok(nlic == 727 && parsed == nlic,
	   "all %d license ids parse to a canonical, current id (%d)", nlic, parsed);
	ok(lowered == nlic, "all license ids parse the same in lower case (%d)",
	   lowered);
	ok(exc == nexc, "all %d exceptions parse after WITH (%d)", nexc, exc);
	ok(normed == 5 * nlic,
	   "every 'id+' normalises to a valid expression in every dialect (%d)",
	   normed);
}

/* Every alias key, in its own dialect, gives its value. */
static void test_alias_tables(void)
{
	static const struct {
		enum lb_alias_set set;
		enum lb_license_dialect d;
	} sets[] = {
		{ LB_ALIAS_DEBIAN, LB_LIC_DEBIAN },
		{ LB_ALIAS_FEDORA, LB_LIC_FEDORA },
		{ LB_ALIAS_ALPINE, LB_LIC_ALPINE },
		{ LB_ALIAS_GENERIC, LB_LIC_GENERIC },
	};

	for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
		const struct lb_alias_table *t = &lb_alias_tables[sets[k].set];
		size_t good = 0;

		for (size_t i = 0; i < t->n; i++) {
			struct lb_norm_result r;
			struct lb_spdx_expr *e;
			char *want = NULL;

			if (lb_spdx_parse(t->v[i].expr, &e, NULL, 0) == 0) {
				want = lb_spdx_to_string(e);
				lb_spdx_expr_free(e);
			}
			if (lb_license_normalize(t->v[i].key, sets[k].d, &r) == 0 &&
			    want && !strcmp(r.expr, want) && expr_valid(r.expr) &&
			    refs_consistent(&r))
				good++;
			else
				printf("#   '%s' -> '%s', want '%s'\n", t->v[i].key,
				       r.expr ? r.expr : "", want ? want : "");
			free(want);
			lb_norm_result_release(&r);
		}
		ok(good == t->n && t->n > 0, "%s table: all %zu keys map to their value",
		   dname(sets[k].d), t->n);
	}
	{
		const struct lb_alias_table *t = &lb_alias_tables[LB_ALIAS_EXCEPTIONS];
		size_t good = 0;
		char in[300];

		for (size_t i = 0; i < t->n; i++) {
			struct lb_norm_result r;

			snprintf(in, sizeof(in), "GPL-2.0-or-later with %s exception",
				 t->v[i].key);
			if (lb_license_normalize(in, LB_LIC_DEBIAN, &r) == 0 &&
			    strstr(r.expr, t->v[i].expr) && expr_valid(r.expr))
				good++;
			else
				printf("#   '%s' -> '%s'\n", in, r.expr ? r.expr : "");
			lb_norm_result_release(&r);
		}
		ok(good == t->n, "exception phrases: all %zu resolve", t->n);
	}
	{
		char key[64];

		ok(lb_license_key_fold(" Apache  License ,Version 2.0 ", 30, key,
				       sizeof(key) - 1) > 0 &&
		   !strcmp(key, "apache license, version 2.0"),
		   "key folding ('%s')", key);
		ok(lb_license_key_fold("( GPLv3+ )", 10, key, sizeof(key) - 1) > 0 &&
		   !strcmp(key, "(gplv3+)"), "key folding of parentheses ('%s')", key);
		ok(lb_license_key_fold("abcdef", 6, key, 3) == -1,
		   "key folding respects its capacity");
	}
}

/* Every License: line of this machine's Debian copyright files, if any. */
static void test_system_copyright_files(void)
{
	glob_t g;
	size_t lines = 0, good = 0;

	if (glob("/usr/share/doc/*/copyright", 0, NULL, &g) != 0) {
		ok(1, "no /usr/share/doc/*/copyright here: skipped");
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		char line[4096];

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			struct lb_norm_result r;
			int rc;

			if (strncmp(line, "License:", 8))
				continue;
			line[strcspn(line, "\n")] = '\0';
			lines++;
			rc = lb_license_normalize(line + 8, LB_LIC_DEBIAN, &r);
			if (rc == LB_SPDX_EEMPTY ||
			    (rc == 0 && expr_valid(r.expr) && refs_consistent(&r)))
				good++;
			else
				printf("#   '%s' -> '%s'\n", line, r.expr ? r.expr : "");
			lb_norm_result_release(&r);
		}
		fclose(f);
	}
	globfree(&g);
	ok(good == lines, "all %zu License: lines of /usr/share/doc normalise "
	   "to valid expressions", lines);
}

/* The same answers from several threads at once. */
static const char *const thread_inputs[] = {
	"GPL-2+ or Artistic, and BSD-3-clause", "LGPLv2+ and MIT",
	"Apache License, Version 2.0", "GPL-2+ with OpenSSL exception",
	"MIT BSD GPL2+", "(MIT OR Apache-2.0) AND GPL-2.0",
};

static void *thread_main(void *arg)
{
	char **out = arg;

	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < 6; i++) {
			struct lb_norm_result r;

			lb_license_normalize(thread_inputs[i], (enum lb_license_dialect)(i % 5),
					     &r);
			if (round == 0)
				out[i] = r.expr ? strdup(r.expr) : NULL;
			else if (!r.expr || !out[i] || strcmp(out[i], r.expr))
				out[6] = (char *)"mismatch";
			lb_norm_result_release(&r);
		}
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[4];
	char *out[4][7] = { { 0 } };
	int good = 1;

	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, thread_main, out[i]))
			good = 0;
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++) {
		for (int k = 0; k < 6; k++) {
			if (!out[i][k] || strcmp(out[i][k], out[0][k] ? out[0][k] : ""))
				good = 0;
		}
		if (out[i][6])
			good = 0;
	}
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 6; k++)
			free(out[i][k]);
	ok(good, "4 threads normalising at once agree");
}

int main(void)
{
	test_tables();
	test_strict();
	test_strict_errors();
	test_debian();
	test_fedora();
	test_alpine();
	test_generic();
	test_norm_errors();
	test_whole_list();
	test_alias_tables();
	test_system_copyright_files();
	test_threads();
	return done_testing();
}
