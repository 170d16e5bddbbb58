/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for core/model.c (purls, licenses and their refs, sorting and
 * unique ids) and core/pkghist.c (layer attribution from database
 * snapshots).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copyright.h"
#include "diff.h"
#include "model.h"
#include "pkghist.h"
#include "tap.h"
#include "util.h"

static void test_purl(void)
{
	const char *q[] = { "distro", "debian-12", "arch", "amd64", "epoch", NULL, "upstream", "" };
	char *p = lb_purl("deb", "debian", "libstdc++6", "12.2.0-14+deb12u1", q, 4);

	is_str(p, "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12",
	       "purl: qualifiers sorted, empty ones dropped, '+' encoded");
	free(p);
	p = lb_purl("npm", "@angular", "core", "1.0.0", NULL, 0);
	is_str(p, "pkg:npm/%40angular/core@1.0.0", "purl: npm scope encoded");
	free(p);
	p = lb_purl("maven", "org.apache/commons", "a b", NULL, NULL, 0);
	is_str(p, "pkg:maven/org.apache/commons/a%20b", "purl: namespace segments, no version, space encoded");
	free(p);
}

static void test_licenses(void)
{
	struct lb_model m;
	struct lb_component *a, *b;

	lb_model_init(&m);
	a = lb_model_add(&m, LB_COMP_OS_PACKAGE, "a", "1", "t");
	b = lb_model_add(&m, LB_COMP_OS_PACKAGE, "b", "1", "t");
	ok(lb_comp_set_license(&m, a, LB_LIC_DECLARED, "GPL-2+ or Artistic", LB_LIC_DEBIAN, NULL, NULL) == 0,
	   "debian license set");
	is_str(a->declared, "GPL-2.0-or-later OR Artistic-1.0-Perl", "GPL-2+ is -or-later, never -only");
	is_str(a->declared_raw, "GPL-2+ or Artistic", "the raw string is kept");
	lb_comp_set_license(&m, b, LB_LIC_DECLARED, "(GPL-2+), and (Expat), and (GPL-2.0+)", LB_LIC_DEBIAN, NULL, NULL);
	is_str(b->declared, "GPL-2.0-or-later AND MIT", "a license named twice in an AND is kept once");
	lb_comp_set_license(&m, b, LB_LIC_DECLARED, "(LGPL-2+), and (LGPL)", LB_LIC_DEBIAN, NULL, NULL);
	is_str(b->declared, "LGPL-2.0-or-later", "an AND of one license is that license");
	ok(lb_comp_set_license(&m, a, LB_LIC_CONCLUDED, "custom-thing", LB_LIC_DEBIAN, NULL, NULL) == 0,
	   "unknown name accepted");
	is_str(a->concluded, "LicenseRef-custom-thing", "unknown name is a LicenseRef");
	ok(m.nrefs == 1 && strcmp(m.refs[0].text, "custom-thing") == 0, "ref registered with the words as text");
	/* the same ref id with another text gets its own id */
	{
		const char *id = lb_model_add_ref(&m, "LicenseRef-custom-thing", "custom-thing", "Other text.");

		ok(strncmp(id, "LicenseRef-custom-thing-", 24) == 0 && strlen(id) == 32,
		   "same id, other text: a hashed id");
		ok(strcmp(lb_model_add_ref(&m, "LicenseRef-custom-thing", NULL, "Other text."), id) == 0,
		   "and the same text finds it again");
	}
	free(b->declared);
	b->declared = NULL;
	ok(lb_comp_set_license(&m, b, LB_LIC_DECLARED, "  ", LB_LIC_SPDX, NULL, NULL) == LB_SPDX_EEMPTY &&
	   b->declared == NULL, "an empty license leaves NOASSERTION");
	lb_comp_add_copyright(b, "Copyright  2020\n  Foo", 21);
	lb_comp_add_copyright(b, "Copyright 2020 Foo", 18);
	lb_comp_add_copyright(b, "\xff bad", 5);
	ok(b->ncopyrights == 2 && strcmp(b->copyrights[0], "Copyright 2020 Foo") == 0,
	   "copyrights: whitespace collapsed, deduplicated");
	ok(strcmp(b->copyrights[1], "\xef\xbf\xbd bad") == 0, "copyrights: invalid UTF-8 replaced");
	lb_model_release(&m);
}

static void test_sort_ids(void)
{
	struct lb_model m;
	const char *names[] = { "zz", "aa", "mm", "aa" };

	lb_model_init(&m);
	for (size_t i = 0; i < 4; i++) {
		struct lb_component *c = lb_model_add(&m, i == 2 ? LB_COMP_OS : LB_COMP_LIBRARY, names[i], "1", "t");

		c->purl = lb_xstrdup("pkg:generic/x@1");
		c->introduced = (int)i;
	}
	lb_model_finish(&m);
	ok(m.v[0]->type == LB_COMP_OS, "sorted by type first");
	ok(strcmp(m.v[1]->name, "aa") == 0 && strcmp(m.v[2]->name, "aa") == 0 && strcmp(m.v[3]->name, "zz") == 0,
	   "then by name");
	ok(strcmp(m.v[0]->id, m.v[1]->id) && strcmp(m.v[1]->id, m.v[2]->id) && strcmp(m.v[2]->id, m.v[3]->id) &&
	   strcmp(m.v[0]->id, m.v[2]->id) && strcmp(m.v[0]->id, m.v[3]->id) && strcmp(m.v[1]->id, m.v[3]->id),
	   "ids made unique (%s %s %s %s)", m.v[0]->id, m.v[1]->id, m.v[2]->id, m.v[3]->id);
	ok(m.v[1]->introduced < m.v[2]->introduced, "equal components ordered by layer");
	lb_model_release(&m);
}

struct gone {
	char what[256];
};

static void on_gone(void *ctx, const char *key, const char *version, int introduced, int removed)
{
	struct gone *g = ctx;
	size_t n = strlen(g->what);

	snprintf(g->what + n, sizeof(g->what) - n, "%s@%s:%d-%d ", key, version ? version : "-", introduced, removed);
}

static void test_pkghist(void)
{
	struct lb_pkghist *h = lb_pkghist_new();
	struct gone g = { "" };

	lb_pkghist_snapshot(h, 0);
	lb_pkghist_add(h, "base", "1");
	lb_pkghist_add(h, "lib", "1");
	lb_pkghist_add(h, "tmp", "1");
	lb_pkghist_snapshot(h, 2);           /* layer 1 did not touch the db */
	lb_pkghist_add(h, "base", "1");
	lb_pkghist_add(h, "lib", "2");       /* upgraded */
	lb_pkghist_snapshot(h, 3);
	lb_pkghist_add(h, "base", "1");
	lb_pkghist_add(h, "lib", "2");
	lb_pkghist_add(h, "tmp", "1");       /* back again */
	lb_pkghist_add(h, "nov", NULL);
	ok(lb_pkghist_introduced(h, "base", "1") == 0, "unchanged package: the first layer");
	ok(lb_pkghist_introduced(h, "lib", "2") == 2, "upgraded package: the upgrading layer");
	ok(lb_pkghist_introduced(h, "lib", "1") == -1, "an old version is not in the final set");
	ok(lb_pkghist_introduced(h, "tmp", "1") == 3, "removed and installed again: the later layer");
	ok(lb_pkghist_introduced(h, "nov", NULL) == 3 && lb_pkghist_introduced(h, "nov", "") == -1,
	   "no version differs from an empty one");
	lb_pkghist_each_gone(h, on_gone, &g);
	is_str(g.what, "lib@1:0-2 tmp@1:0-2 ", "gone: the old version and the first run of tmp");
	ok(lb_pkghist_last_layer(h) == 3 && lb_pkghist_count(h) == 3, "three snapshots, the last of layer 3");
	lb_pkghist_snapshot(h, 3);           /* same layer again replaces */
	ok(lb_pkghist_count(h) == 3 && lb_pkghist_introduced(h, "base", "1") == -1, "a snapshot of the same layer replaces");
	lb_pkghist_free(h);
	lb_pkghist_free(NULL);
}

struct statements {
	char all[1024];
	size_t n;
};

static void collect(void *ctx, const char *st, size_t len)
{
	struct statements *x = ctx;
	size_t at = strlen(x->all);

	snprintf(x->all + at, sizeof(x->all) - at, "%s[%.*s]", at ? " " : "", (int)len, st);
	x->n++;
}

static void test_copyright(void)
{
	static const char text[] =
		"/*\n"
		" * Copyright (c) 2001-2020 Jane Doe <jane@example.org>\n"
		" * Copyright 2019, 2021 Example Corp.,\n"
		" *   and the example contributors\n"
		" * \xc2\xa9 2022 Bar Ltd. */\n"
		"const char *copyright = read_notice(); /* the copyright notice */\n"
		"# (C) 1999 Foo Inc.\n"
		"THE ABOVE COPYRIGHT NOTICE AND THIS PERMISSION NOTICE SHALL BE INCLUDED\n"
		"Copyright holders are listed in AUTHORS.\n";
	struct statements x = { "", 0 };

	ok(lb_copyright_extract(text, sizeof(text) - 1, 0, collect, &x) == 4, "four statements (%zu)", x.n);
	is_str(x.all,
	       "[Copyright (c) 2001-2020 Jane Doe <jane@example.org>] "
	       "[Copyright 2019, 2021 Example Corp., and the example contributors] "
	       "[\xc2\xa9 2022 Bar Ltd.] [(C) 1999 Foo Inc.]",
	       "statements with their holders, wrapped lines joined, code and notices skipped");
	x.all[0] = '\0';
	x.n = 0;
	ok(lb_copyright_extract(text, sizeof(text) - 1, 1, collect, &x) == 1, "max is respected");
	ok(lb_copyright_extract("Copyright 2020 X", 9, 0, collect, &x) == 0, "len is respected");
}

static void test_versions(void)
{
	ok(lb_version_cmp("1.0-1", "1.0-2") < 0, "revision orders");
	ok(lb_version_cmp("1:1.0", "2.0") > 0, "epoch first");
	ok(lb_version_cmp("1.0~rc1", "1.0") < 0, "~ before anything");
	ok(lb_version_cmp("2.36-9+deb12u4", "2.36-9") > 0, "+deb12u4 after");
	ok(lb_version_cmp("1.10.0", "1.9.3") > 0, "digits by value");
	ok(lb_version_cmp("1.2.13.dfsg-1", "1.2.13.dfsg-1") == 0, "equal");
	ok(lb_version_cmp(NULL, "1") < 0 && lb_version_cmp(NULL, NULL) == 0, "no version first");
}

int main(void)
{
	test_purl();
	test_licenses();
	test_sort_ids();
	test_pkghist();
	test_copyright();
	test_versions();
	return done_testing();
}
