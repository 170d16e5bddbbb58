/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the license categories, the policy evaluation of
 * `layerbom check`, and the template-to-text conversion of the notice
 * output.
 *
 *   test_policy LICENSE_TEXTS_DIR
 *
 * The conversion is compared with the SPDX plain texts (text/<id>.txt),
 * white space collapsed: word for word where the template holds nothing
 * the text leaves out, else by the share of words in common (the texts
 * drop some optional parts the templates keep, and write some <<var>>
 * originals without their angle brackets).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "licmatch.h"
#include "policy.h"
#include "tap.h"

/* ---- templates ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Splits on white space (in place); returns the number of words. */
static size_t words(char *s, char ***out)
{
	size_t n = 0, cap = 64;
	char **v = malloc(cap * sizeof(*v));

	for (char *t = strtok(s, " \t\r\n\f\v"); t; t = strtok(NULL, " \t\r\n\f\v")) {
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = t;
	}
	*out = v;
	return n;
}

/* 2 * LCS / (na + nb) over words: 1 is the same text. */
static double similarity(char **a, size_t na, char **b, size_t nb)
{
	unsigned *prev = calloc(nb + 1, sizeof(unsigned)), *cur = calloc(nb + 1, sizeof(unsigned));
	double r;

	for (size_t i = 1; i <= na; i++) {
		for (size_t j = 1; j <= nb; j++)
			cur[j] = strcmp(a[i - 1], b[j - 1]) == 0 ? prev[j - 1] + 1
				 : prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
		unsigned *t = prev;
		prev = cur;
		cur = t;
	}
	r = na + nb ? 2.0 * prev[nb] / (double)(na + nb) : 1;
	free(prev);
	free(cur);
	return r;
}

static void compare_text(const char *dir, const char *id, double want)
{
	char path[4096], **wa, **wb;
	char *text, *got;
	size_t na, nb, same = 1;
	double sim;

	snprintf(path, sizeof(path), "%s/text/%s.txt", dir, id);
	text = slurp(path);
	got = lb_license_text(id);
	if (!ok(text && got, "%s: a text and a template", id)) {
		free(text);
		free(got);
		return;
	}
	ok(!strstr(got, "<<var") && !strstr(got, "Optional>>"), "%s: no template markup left", id);
	na = words(got, &wa);
	nb = words(text, &wb);
	if (na != nb)
		same = 0;
	for (size_t i = 0; same && i < na; i++)
		same = strcmp(wa[i], wb[i]) == 0;
	sim = same ? 1 : similarity(wa, na, wb, nb);
	ok(sim >= want, "%s: %s (%zu words against %zu, similarity %.4f, want >= %.2f)", id,
	   same ? "the SPDX text word for word" : "close to the SPDX text", na, nb, sim, want);
	free(wa);
	free(wb);
	free(text);
	free(got);
}

static void test_templates(const char *dir)
{
	static const char t1[] =
		"<<beginOptional>>Foo License\n\n<<endOptional>> <<var;name=\"copyright\";"
		"original=\"Copyright (c) <year> <owner>  \";match=\".{0,5000}\">>\n"
		"Permission to use (the \" <<var;name=\"s\";original=\"Software\";match=\"Software|Materials\">> \")"
		" is granted<<beginOptional>> (see below)<<endOptional>>; the "
		"<<var;name=\"q\";original=\"\"Apache\" and \"Apache Group\"\";match=\".+\">> marks.\n\n\n\n"
		"End of <<var;name=\"x\";original=\"terms\";match=\".+\">> .   \n\n";
	char *s = lb_license_template_text(t1, sizeof(t1) - 1);
	size_t done = 0, exact = 0;

	is_str(s, "Foo License\n\nCopyright (c) <year> <owner>\n"
		  "Permission to use (the \"Software\") is granted (see below); the \"Apache\" and "
		  "\"Apache Group\" marks.\n\nEnd of terms.\n",
	       "template: vars become their original text (quotes inside kept), optional text "
	       "kept without markers, pads next to punctuation and blank runs dropped");
	free(s);
	s = lb_license_template_text("a <<var;broken", 14);
	is_str(s, "a <<var;broken\n", "template: an unterminated tag is text");
	free(s);

	compare_text(dir, "Apache-2.0", 1.0);
	compare_text(dir, "BSD-3-Clause", 1.0);
	compare_text(dir, "MIT", 0.98);
	compare_text(dir, "GPL-2.0-only", 0.98);
	compare_text(dir, "GPL-3.0-or-later", 0.98);
	s = lb_license_text("Classpath-exception-2.0");
	ok(s && strstr(s, "Linking this library statically or dynamically"), "exceptions have texts too");
	free(s);
	ok(lb_license_text("no-such-license") == NULL, "an id without a template: NULL");

	/* every template, for the record */
	for (size_t i = 0; i < lb_license_ntemplates; i++) {
		char path[4096], *text, *got, **wa, **wb;
		size_t na, nb, same;

		snprintf(path, sizeof(path), "%s/text/%s.txt", dir, lb_license_templates[i].id);
		if (!(text = slurp(path)))
			continue;
		got = lb_license_text(lb_license_templates[i].id);
		na = words(got, &wa);
		nb = words(text, &wb);
		same = na == nb;
		for (size_t k = 0; same && k < na; k++)
			same = strcmp(wa[k], wb[k]) == 0;
		exact += same;
		done++;
		free(wa);
		free(wb);
		free(text);
		free(got);
	}
	ok(done == lb_license_ntemplates && exact * 10 >= done * 6,
	   "all %zu templates: %zu give the SPDX text word for word", done, exact);
}

/* ---- categories ---- */

static void test_categories(void)
{
	static const struct {
		const char *id;
		enum lb_license_category cat;
	} cases[] = {
		{ "MIT", LB_CAT_PERMISSIVE }, { "mit", LB_CAT_PERMISSIVE },
		{ "Apache-2.0", LB_CAT_PERMISSIVE }, { "BSD-3-Clause", LB_CAT_PERMISSIVE },
		{ "LGPL-2.1-or-later", LB_CAT_WEAK_COPYLEFT }, { "MPL-2.0", LB_CAT_WEAK_COPYLEFT },
		{ "EPL-2.0", LB_CAT_WEAK_COPYLEFT }, { "GPL-2.0-only", LB_CAT_STRONG_COPYLEFT },
		{ "GPL-3.0-or-later", LB_CAT_STRONG_COPYLEFT }, { "CC-BY-SA-4.0", LB_CAT_STRONG_COPYLEFT },
		{ "AGPL-3.0-only", LB_CAT_NETWORK_COPYLEFT }, { "EUPL-1.2", LB_CAT_NETWORK_COPYLEFT },
		{ "CC0-1.0", LB_CAT_PUBLIC_DOMAIN }, { "Unlicense", LB_CAT_PUBLIC_DOMAIN },
		{ "SSPL-1.0", LB_CAT_PROPRIETARY }, { "BUSL-1.1", LB_CAT_PROPRIETARY },
		{ "Elastic-2.0", LB_CAT_PROPRIETARY }, { "CC-BY-NC-4.0", LB_CAT_PROPRIETARY },
		{ "CC-BY-NC-SA-4.0", LB_CAT_PROPRIETARY }, { "CC-BY-ND-4.0", LB_CAT_PROPRIETARY },
		{ "GPL-2.0", LB_CAT_STRONG_COPYLEFT }, /* deprecated ids too */
		{ "LicenseRef-foo", LB_CAT_UNKNOWN }, { "no-such-id", LB_CAT_UNKNOWN },
	};
	size_t deprecated = 0, current = 0;
	enum lb_license_category c;

	for (size_t i = 0; i < LB_ARRAY_SIZE(cases); i++)
		ok(lb_license_category(cases[i].id) == cases[i].cat, "category of %s: %s (got %s)", cases[i].id,
		   lb_category_name(cases[i].cat), lb_category_name(lb_license_category(cases[i].id)));
	for (size_t i = 0; i < lb_license_db_len; i++) {
		if (lb_license_db[i].flags & LB_LICENSE_EXCEPTION)
			continue;
		if (lb_license_db[i].flags & LB_LICENSE_DEPRECATED)
			deprecated++;
		else
			current++;
	}
	ok(lb_license_ncategories == current + deprecated,
	   "one category per license id: %zu (%zu current, %zu deprecated)", lb_license_ncategories, current,
	   deprecated);
	ok(lb_category_from_name("network-copyleft", &c) == 0 && c == LB_CAT_NETWORK_COPYLEFT &&
	   lb_category_from_name("copyleft", &c) != 0, "category names");
}

/* ---- policies ---- */

static struct lb_policy *policy(const char *json)
{
	struct lb_policy *p = NULL;
	char err[256];

	if (lb_policy_parse(json, strlen(json), &p, err, sizeof(err)) != 0)
		printf("# %s: %s\n", json, err);
	return p;
}

static void verdict(const struct lb_policy *p, const char *expr, enum lb_verdict want, const char *what)
{
	struct lb_policy_result r;
	enum lb_verdict got = lb_policy_eval(p, expr, &r);

	ok(got == want && r.verdict == got, "%s: '%s' is %s (got %s)", what, expr ? expr : "(no license)",
	   lb_verdict_name(want), lb_verdict_name(got));
	lb_policy_result_release(&r);
}

static void bad_policy(const char *json, const char *want, const char *what)
{
	struct lb_policy *p = (struct lb_policy *)1;
	char err[256] = "";
	int r = lb_policy_parse(json, strlen(json), &p, err, sizeof(err));

	ok(r == LB_ERR_USAGE && !p && strstr(err, want) && !strchr(err, '\n'), "%s: %s", what, err);
}

static void test_policy(void)
{
	struct lb_policy *def = lb_policy_default(), *p;
	struct lb_policy_result r;

	verdict(def, "MIT", LB_VERDICT_ALLOW, "default");
	verdict(def, "GPL-3.0-or-later", LB_VERDICT_ALLOW, "default");
	verdict(def, "CC-BY-NC-4.0", LB_VERDICT_ALLOW, "default");
	verdict(def, "AGPL-3.0-only", LB_VERDICT_REVIEW, "default");
	verdict(def, "LicenseRef-custom", LB_VERDICT_REVIEW, "default");
	verdict(def, NULL, LB_VERDICT_REVIEW, "default");
	verdict(def, "MIT OR AGPL-3.0-only", LB_VERDICT_ALLOW, "default: OR takes the best");
	verdict(def, "MIT AND AGPL-3.0-only", LB_VERDICT_REVIEW, "default: AND takes the worst");

	p = policy("{\"deny\": [\"GPL-*\"]}");
	verdict(p, "GPL-2.0-only", LB_VERDICT_DENY, "deny GPL-*");
	verdict(p, "LGPL-2.1-only", LB_VERDICT_ALLOW, "deny GPL-* (a pattern matches the whole id)");
	verdict(p, "MIT OR GPL-3.0-only", LB_VERDICT_ALLOW, "deny GPL-*: one allowed branch of an OR");
	verdict(p, "MIT AND GPL-3.0-only", LB_VERDICT_DENY, "deny GPL-*: AND needs all");
	verdict(p, "(MIT OR GPL-2.0-only) AND (GPL-3.0-only OR Apache-2.0)", LB_VERDICT_ALLOW,
		"deny GPL-*: nested");
	verdict(p, "AGPL-3.0-only", LB_VERDICT_REVIEW, "deny GPL-*: the rest keeps the defaults");
	lb_policy_eval(p, "GPL-2.0-or-later WITH Classpath-exception-2.0 OR AGPL-3.0-only", &r);
	ok(r.verdict == LB_VERDICT_REVIEW && r.nterms == 2 && r.terms[0].verdict == LB_VERDICT_DENY &&
	   r.terms[0].exception && strcmp(r.terms[0].exception, "Classpath-exception-2.0") == 0 &&
	   strcmp(r.terms[0].license, "GPL-2.0-or-later") == 0 && !r.terms[0].decisive &&
	   r.terms[1].decisive && r.terms[1].category == LB_CAT_NETWORK_COPYLEFT,
	   "X WITH exc is judged as X, the exception reported; the decisive term is marked");
	ok(r.nterms && r.terms[0].rule && strstr(r.terms[0].rule, "GPL-*"), "the rule is named: %s",
	   r.nterms ? r.terms[0].rule : "");
	lb_policy_result_release(&r);
	lb_policy_free(p);

	p = policy("{\"deny\": [\"category:strong-copyleft\"], \"allow\": [\"GPL-2.0-only\", \"AGPL-3.0-only\"],"
		   " \"review\": [\"AGPL-3.0-only\"]}");
	verdict(p, "GPL-3.0-only", LB_VERDICT_DENY, "category:strong-copyleft");
	verdict(p, "GPL-2.0-only", LB_VERDICT_DENY, "deny beats allow for the same license");
	verdict(p, "AGPL-3.0-only", LB_VERDICT_REVIEW, "review beats allow");
	verdict(p, "LGPL-2.1-only", LB_VERDICT_ALLOW, "weak copyleft is not strong");
	lb_policy_free(p);

	p = policy("{\"allow\": [\"NOASSERTION\", \"gpl-2.0\"], \"review\": [\"*\"], "
		   "\"categories\": {\"LicenseRef-pd\": \"public-domain\"}, "
		   "\"deny\": [\"category:public-domain\"]}");
	verdict(p, NULL, LB_VERDICT_ALLOW, "NOASSERTION allowed by name");
	verdict(p, "GPL-2.0-only", LB_VERDICT_REVIEW, "a deprecated id stands for its successor; review beats it");
	verdict(p, "LicenseRef-pd", LB_VERDICT_DENY, "a LicenseRef given a category by the policy");
	verdict(p, "LicenseRef-other", LB_VERDICT_REVIEW, "'*' matches any id");
	lb_policy_free(p);

	p = policy("{\"deny\": [\"NOASSERTION\"], \"allow\": [\"category:permissive\"], \"default\": \"deny\"}");
	verdict(p, NULL, LB_VERDICT_DENY, "NOASSERTION denied");
	verdict(p, "MIT", LB_VERDICT_ALLOW, "default deny");
	verdict(p, "MPL-2.0", LB_VERDICT_DENY, "default deny");
	lb_policy_free(p);

	p = policy("{\"deny\": [\"*\"]}");
	verdict(p, NULL, LB_VERDICT_REVIEW, "a pattern does not speak for a missing license");
	lb_policy_free(p);

	bad_policy("{\"deny\": [\"GPL-*\"", "line 1", "broken JSON");
	bad_policy("[]", "object", "not an object");
	bad_policy("{\"denied\": []}", "unknown key 'denied'", "unknown key");
	bad_policy("{\"deny\": \"GPL-*\"}", "array", "not an array");
	bad_policy("{\"deny\": [1]}", "entry 1", "not a string");
	bad_policy("{\"deny\": [\"GPL-2\"]}", "unknown license id 'GPL-2'", "unknown id");
	bad_policy("{\"deny\": [\"category:copyleft\"]}", "unknown category 'copyleft'", "unknown category");
	bad_policy("{\"deny\": [\"Classpath-exception-2.0\"]}", "exception", "an exception");
	bad_policy("{\"default\": \"maybe\"}", "default", "bad default");
	bad_policy("{\"categories\": {\"LicenseRef-x\": \"free\"}}", "categories", "bad category override");
	lb_policy_free(def);
}

static void test_check(void)
{
	struct lb_policy *p = policy("{\"deny\": [\"GPL-*\"]}");
	struct lb_policy_report rep;
	struct lb_component *c;
	struct lb_model m;
	char *json;

	lb_model_init(&m);
	lb_model_add(&m, LB_COMP_OS, "debian", "12", "os-release");
	c = lb_model_add(&m, LB_COMP_OS_PACKAGE, "hello", "2.10", "dpkg");
	lb_comp_set_license(&m, c, LB_LIC_DECLARED, "GPL-3+", LB_LIC_DEBIAN, NULL, NULL);
	lb_comp_add_evidence(c, LB_EV_METADATA, "/var/lib/dpkg/status", 0, "Package", NULL);
	lb_comp_add_evidence(c, LB_EV_LICENSE_TEXT, "/usr/share/doc/hello/copyright", 0, NULL, "GPL-3+");
	c->introduced = 1;
	c = lb_model_add(&m, LB_COMP_LIBRARY, "left-pad", "1.0", "npm");
	lb_comp_set_license(&m, c, LB_LIC_DECLARED, "MIT", LB_LIC_SPDX, NULL, NULL);
	lb_comp_add_evidence(c, LB_EV_METADATA, "/app/node_modules/left-pad/package.json", 0, "license", "MIT");
	c = lb_model_add(&m, LB_COMP_LIBRARY, "gone", "1.0", "npm");
	c->removed = 2;
	c = lb_model_add(&m, LB_COMP_LIBRARY, "nolicense", "1.0", "npm");
	lb_comp_add_evidence(c, LB_EV_METADATA, "/app/node_modules/nolicense/package.json", 0, "name", NULL);
	lb_model_finish(&m);

	lb_policy_check(p, &m, &rep);
	ok(rep.n == 3 && rep.count[LB_VERDICT_ALLOW] == 1 && rep.count[LB_VERDICT_REVIEW] == 1 &&
	   rep.count[LB_VERDICT_DENY] == 1 && rep.worst == LB_VERDICT_DENY,
	   "check: the OS and removed components are left out; 1 allow, 1 review, 1 deny");
	for (size_t i = 0; i < rep.n; i++) {
		const struct lb_policy_finding *f = &rep.v[i];

		if (strcmp(f->comp->name, "hello") == 0)
			ok(f->nevidence == 1 && strcmp(f->evidence[0], "/usr/share/doc/hello/copyright") == 0,
			   "check: the evidence is the file that gave the license");
		if (strcmp(f->comp->name, "nolicense") == 0)
			ok(f->nevidence == 1 && !f->license && f->result.verdict == LB_VERDICT_REVIEW,
			   "check: no license is review, the record it came from is the evidence");
	}
	json = lb_policy_report_json(&rep, (const char *const[]){ "sha256:aa", "sha256:bb" }, 2);
	ok(json && strstr(json, "\"name\": \"hello\"") && strstr(json, "\"layer\": 2") &&
	   strstr(json, "\"layer_id\": \"sha256:bb\"") && !strstr(json, "left-pad") &&
	   strstr(json, "\"deny\": 1"), "check: JSON holds the findings that are not allowed and the summary");
	free(json);
	lb_policy_report_release(&rep);
	lb_model_release(&m);
	lb_policy_free(p);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_policy LICENSE_TEXTS_DIR\n");
		return 2;
	}
	test_categories();
	test_policy();
	test_check();
	test_templates(argv[1]);
	return done_testing();
}
