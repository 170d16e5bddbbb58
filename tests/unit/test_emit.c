/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the SBOM emitters on a model built by hand: licenses in
 * every shape (listed id, LicenseRef from a dialect, expressions with
 * refs), copyrights, evidence, ids that collide once sanitised, a file
 * list, bytes that are not UTF-8.  No image is needed.
 *
 *   test_emit [DIR]
 *
 * With DIR, also writes the documents of the hand-built model there
 * (synthetic.spdx.json, synthetic.spdx, synthetic.cdx.json,
 * synthetic.cdx.xml, synthetic.spdx3.json, and the same with files:
 * synthetic-files.*) for
 * tests/emitters/test_sbom.py to validate against the schemas.
 */
#include <stdlib.h>
#include <string.h>

#include "emit_common.h"
#include "tap.h"

#define DIFF1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define DIFF2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define DIFF3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define MANIFEST "sha256:abababababababababababababababababababababababababababababababab"

static const char *ref_text(void *ctx, const char *words)
{
	(void)ctx;
	if (strstr(words, "OpenSSL"))
		return "This program is free software; you can redistribute it under the GPL\n"
		       "version 2 or later, with the OpenSSL linking exception.";
	if (strstr(words, "Proprietary"))
		return "All rights reserved.";
	return NULL;
}

static void build_model(struct lb_model *m)
{
	struct lb_component *c;

	lb_model_init(m);

	c = lb_model_add(m, LB_COMP_OS_PACKAGE, "hello", "2.10-3", "dpkg");
	lb_comp_set(&c->purl, "pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12");
	lb_comp_set(&c->cpe, "cpe:2.3:a:gnu:hello:2.10:*:*:*:*:*:*:*");
	lb_comp_set(&c->supplier, "Debian");
	lb_comp_set(&c->author, "Santiago Vila <sanvila@debian.org>");
	lb_comp_set(&c->source_name, "hello");
	lb_comp_set(&c->source_version, "2.10-3");
	lb_comp_set(&c->arch, "amd64");
	lb_comp_set(&c->summary, "example package based on GNU hello");
	lb_comp_set(&c->homepage, "https://www.gnu.org/software/hello/");
	lb_comp_set_license(m, c, LB_LIC_DECLARED, "GPL-3+", LB_LIC_DEBIAN, NULL, NULL);
	lb_comp_set_license(m, c, LB_LIC_CONCLUDED, "GPL-3.0-or-later", LB_LIC_SPDX, NULL, NULL);
	lb_comp_add_copyright(c, "Copyright 1992-2022 Free Software Foundation, Inc.", 51);
	lb_comp_add_copyright(c, "Copyright 2001 Santiago Vila", 28);
	lb_comp_add_evidence(c, LB_EV_METADATA, "/var/lib/dpkg/status", 1, "Package", NULL);
	lb_comp_add_evidence(c, LB_EV_LICENSE_TEXT, "/usr/share/doc/hello/copyright", 1, NULL, "GPL-3.0-or-later");
	lb_comp_add_evidence(c, LB_EV_NOTE, NULL, -1, NULL, "concluded from the copyright file");
	lb_comp_add_file(c, "/usr/bin/hello");
	lb_comp_add_file(c, "/usr/share/doc/hello/copyright");
	lb_comp_add_prop(c, "dpkg:status", "install ok installed");
	c->introduced = 1;
	c->last_changed = 2;

	c = lb_model_add(m, LB_COMP_OS_PACKAGE, "libfoo", "1.0", "dpkg");
	lb_comp_set(&c->purl, "pkg:deb/debian/libfoo@1.0");
	lb_comp_set(&c->supplier, "Debian");
	lb_comp_set_license(m, c, LB_LIC_DECLARED, "GPL-2+ with OpenSSL exception or MIT", LB_LIC_DEBIAN,
			    ref_text, NULL);
	lb_comp_set_license(m, c, LB_LIC_CONCLUDED, "MIT AND BSD-3-Clause", LB_LIC_SPDX, NULL, NULL);
	lb_comp_add_evidence(c, LB_EV_METADATA, "/var/lib/dpkg/status", 0, "Package", NULL);
	lb_comp_add_evidence(c, LB_EV_COPYRIGHT, "/usr/share/doc/libfoo/copyright", 0, NULL, NULL);
	lb_comp_add_copyright(c, "Copyright (c) 2020 Foo Authors", 30);
	lb_comp_add_file(c, "/usr/lib/libfoo.so.1");
	lb_comp_add_file(c, "/usr/share/doc/hello/copyright"); /* two owners */
	c->introduced = 0;
	c->last_changed = 0;

	c = lb_model_add(m, LB_COMP_LIBRARY, "simple-or", "2", "npm");
	lb_comp_set(&c->purl, "pkg:npm/simple-or@2");
	lb_comp_set_license(m, c, LB_LIC_DECLARED, "(MIT OR Apache-2.0)", LB_LIC_SPDX, NULL, NULL);
	lb_comp_set(&c->author, "Someone");
	c->introduced = 2;
	c->last_changed = 2;

	/* two ids that sanitise to the same SPDXID */
	c = lb_model_add(m, LB_COMP_LIBRARY, "a", "1", "npm");
	lb_comp_set(&c->id, "pkg:npm/a@1");
	lb_comp_set_license(m, c, LB_LIC_DECLARED, "some odd license", LB_LIC_GENERIC, NULL, NULL);
	lb_comp_set_license(m, c, LB_LIC_CONCLUDED, "MIT", LB_LIC_SPDX, NULL, NULL);
	c->introduced = 2;
	c = lb_model_add(m, LB_COMP_LIBRARY, "a", "1", "other");
	lb_comp_set(&c->id, "pkg-npm-a-1");
	c->introduced = 2;

	c = lb_model_add(m, LB_COMP_BINARY, "tool", NULL, "binary");
	c->has_digest = 1;
	memset(c->sha1, 0x5a, 20);
	memset(c->sha256, 0xa5, 32);
	lb_comp_set_license(m, c, LB_LIC_DECLARED, "LicenseRef-Proprietary", LB_LIC_SPDX, ref_text, NULL);
	lb_comp_add_evidence(c, LB_EV_BINARY, "/opt/tool", 2, "version-string", "tool 1.0");
	c->introduced = 2;

	/* not UTF-8, a control character, no layer */
	c = lb_model_add(m, LB_COMP_APPLICATION, "caf\xe9\x01app", "0.1\xff", "npm");
	lb_comp_add_copyright(c, "(C) caf\xe9", 8);
	c->introduced = -1;

	c = lb_model_add(m, LB_COMP_OS_PACKAGE, "gone", "1", "dpkg");
	lb_comp_set(&c->purl, "pkg:deb/debian/gone@1");
	lb_comp_set_license(m, c, LB_LIC_DECLARED, "GPL-2.0-only WITH Classpath-exception-2.0", LB_LIC_SPDX,
			    NULL, NULL);
	c->introduced = 0;
	c->last_changed = 0;
	c->removed = 2;

	lb_model_finish(m);
}

static const struct lb_sbom_layer layers[] = {
	{ DIFF1, "sha256:aaaa", "/bin/sh -c #(nop) ADD file:base in /", 1000 },
	{ DIFF2, NULL, "RUN apt-get install -y hello", 2000 },
	{ DIFF3, NULL, NULL, 300 },
};

static struct lb_sbom_file files[] = {
	{ "/opt/tool", 2, { 0 }, { 0 } },
	{ "/usr/bin/hello", 1, { 1 }, { 1 } },
	{ "/usr/lib/libfoo.so.1", 0, { 2 }, { 2 } },
	{ "/usr/share/doc/hello/copyright", 1, { 3 }, { 3 } },
	{ "/usr/share/doc/hello/copyright.txt", 1, { 4 }, { 4 } },
};

static void fill_input(struct lb_sbom_input *in, const struct lb_model *m, int with_files)
{
	memset(in, 0, sizeof(*in));
	in->image_name = "registry.example.com/Team/Hello-App:1.2";
	in->image_path = "images/hello.oci.tar";
	in->manifest_digest = MANIFEST;
	in->config_digest = "sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
	in->os = "linux";
	in->arch = "amd64";
	in->layers = layers;
	in->nlayers = LB_ARRAY_SIZE(layers);
	in->model = m;
	in->with_files = with_files;
	if (with_files) {
		in->files = files;
		in->nfiles = LB_ARRAY_SIZE(files);
	}
	in->created = 1700000000;
	in->tool_version = "0.0-test";
}

static char *emit_mem(const struct lb_emitter *e, const struct lb_sbom_input *in, size_t *len, int *rc)
{
	char *p = NULL;
	FILE *f = open_memstream(&p, len);

	*rc = e->emit(in, f);
	fclose(f);
	return p;
}

static void test_helpers(void)
{
	struct lb_sbom_input in;
	struct lb_model m;
	time_t t;
	char buf[32], u1[37], u2[37], *s;

	ok(lb_sbom_time(NULL, 42, &t) == 0 && t == 42, "no SOURCE_DATE_EPOCH: now");
	ok(lb_sbom_time("1700000000", 42, &t) == 0 && t == 1700000000, "SOURCE_DATE_EPOCH read");
	ok(lb_sbom_time("17x", 42, &t) == -1, "a bad SOURCE_DATE_EPOCH is refused");
	ok(lb_sbom_time("", 42, &t) == -1, "an empty SOURCE_DATE_EPOCH is refused");
	ok(lb_sbom_time("-5", 42, &t) == -1, "a negative SOURCE_DATE_EPOCH is refused");
	lb_sbom_time_str(1700000000, buf, sizeof(buf));
	is_str(buf, "2023-11-14T22:13:20Z", "timestamp format");

	lb_model_init(&m);
	fill_input(&in, &m, 0);
	lb_sbom_uuid(&in, "x", u1);
	lb_sbom_uuid(&in, "x", u2);
	ok(strcmp(u1, u2) == 0, "the UUID is stable");
	ok(strlen(u1) == 36 && u1[14] == '5' && strchr("89ab", u1[19]) && u1[8] == '-', "UUID %s is version 5", u1);
	lb_sbom_uuid(&in, "y", u2);
	ok(strcmp(u1, u2) != 0, "another document kind, another UUID");
	in.manifest_digest = "sha256:ffff";
	lb_sbom_uuid(&in, "x", u2);
	ok(strcmp(u1, u2) != 0, "another image, another UUID");
	in.manifest_digest = MANIFEST;

	s = lb_sbom_image_purl(&in);
	is_str(s, "pkg:oci/hello-app@" MANIFEST "?arch=amd64&repository_url=registry.example.com%2Fteam%2Fhello-app&tag=1.2",
	       "image purl with repository_url and tag");
	free(s);
	in.image_name = "sample:1.0";
	s = lb_sbom_image_purl(&in);
	is_str(s, "pkg:oci/sample@" MANIFEST "?arch=amd64&tag=1.0", "image purl without a repository");
	free(s);
	in.image_name = NULL;
	s = lb_sbom_image_short_name(&in);
	is_str(s, "hello", "unnamed image: the file name without extensions");
	free(s);
	in.image_path = "/";
	s = lb_sbom_image_short_name(&in);
	is_str(s, "image", "no name at all: 'image'");
	free(s);
	in.manifest_digest = in.config_digest = NULL;
	ok(lb_sbom_image_purl(&in) == NULL, "no digest, no image purl");

	s = lb_sbom_clean("a\xff" "b\x01" "c\tz\xc3\xa9");
	is_str(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\tz\xc3\xa9", "clean: bad bytes and controls become U+FFFD");
	free(s);
	ok(lb_emitter_find("spdx-json") == &lb_emitter_spdx_json && lb_emitter_find("cyclonedx-xml") &&
	   lb_emitter_find("spdx3-json") == &lb_emitter_spdx3_json &&
	   !lb_emitter_find("table"), "emitters by name");
	lb_model_release(&m);
}

static int unique(char **v, size_t n, const char *extra)
{
	for (size_t i = 0; i < n; i++) {
		if (extra && strcmp(v[i], extra) == 0)
			return 0;
		for (size_t k = i + 1; k < n; k++)
			if (strcmp(v[i], v[k]) == 0)
				return 0;
	}
	return 1;
}

static void test_ids(const struct lb_model *m)
{
	struct lb_sbom_input in;
	struct lb_sbom_ids ids;
	char *all[64];
	size_t n = 0;
	int spdx_ok = 1;

	fill_input(&in, m, 1);
	lb_sbom_ids_spdx(&in, &ids);
	all[n++] = ids.image;
	for (size_t i = 0; i < in.nlayers; i++)
		all[n++] = ids.layer[i];
	for (size_t i = 0; i < m->n; i++)
		all[n++] = ids.comp[i];
	for (size_t i = 0; i < in.nfiles; i++)
		all[n++] = ids.file[i];
	ok(unique(all, n, "SPDXRef-DOCUMENT"), "SPDXIDs are unique");
	for (size_t i = 0; i < n; i++) {
		ok(lb_str_has_prefix(all[i], "SPDXRef-"), "SPDXID '%s' has the prefix", all[i]);
		for (const char *p = all[i]; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			      *p == '.' || *p == '-'))
				spdx_ok = 0;
	}
	ok(spdx_ok, "SPDXIDs hold only [A-Za-z0-9.-]");
	{
		int seen_plain = 0, seen_2 = 0;

		for (size_t i = 0; i < m->n; i++) {
			seen_plain |= strcmp(ids.comp[i], "SPDXRef-Package-pkg-npm-a-1") == 0;
			seen_2 |= strcmp(ids.comp[i], "SPDXRef-Package-pkg-npm-a-1-2") == 0;
		}
		ok(seen_plain && seen_2, "a sanitising collision gets -2");
	}
	lb_sbom_ids_release(&ids);

	n = 0;
	lb_sbom_ids_cdx(&in, &ids);
	all[n++] = ids.image;
	for (size_t i = 0; i < in.nlayers; i++)
		all[n++] = ids.layer[i];
	for (size_t i = 0; i < m->n; i++)
		all[n++] = ids.comp[i];
	for (size_t i = 0; i < in.nfiles; i++)
		all[n++] = ids.file[i];
	ok(unique(all, n, NULL), "bom-refs are unique");
	is_str(ids.layer[1], "layer:2:" DIFF2, "layer bom-ref");
	lb_sbom_ids_release(&ids);
}

static void test_owners(const struct lb_model *m)
{
	struct lb_sbom_input in;
	struct lb_sbom_owners o;

	fill_input(&in, m, 1);
	lb_sbom_owners(&in, &o);
	ok(o.start[1] - o.start[0] == 0, "/opt/tool has no owner");
	ok(o.start[4] - o.start[3] == 2, "a file two components list has two owners");
	ok(o.start[5] - o.start[4] == 0, "a path is matched whole, not as a prefix");
	lb_sbom_owners_release(&o);
}

static void test_emitters(const struct lb_model *m, const char *dir)
{
	static const struct { const struct lb_emitter *e; const char *ext; } all[] = {
		{ &lb_emitter_spdx_json, "spdx.json" },
		{ &lb_emitter_spdx_tv, "spdx" },
		{ &lb_emitter_cyclonedx_json, "cdx.json" },
		{ &lb_emitter_cyclonedx_xml, "cdx.xml" },
		{ &lb_emitter_spdx3_json, "spdx3.json" },
	};

	for (int wf = 0; wf < 2; wf++)
		for (size_t i = 0; i < LB_ARRAY_SIZE(all); i++) {
			struct lb_sbom_input in;
			size_t l1, l2;
			int r1, r2;
			char *a, *b;
			FILE *full;

			fill_input(&in, m, wf);
			a = emit_mem(all[i].e, &in, &l1, &r1);
			b = emit_mem(all[i].e, &in, &l2, &r2);
			ok(r1 == 0 && r2 == 0 && l1 > 100, "%s%s: written", all[i].e->name, wf ? " --files" : "");
			ok(l1 == l2 && memcmp(a, b, l1) == 0, "%s%s: same input, same bytes", all[i].e->name,
			   wf ? " --files" : "");
			ok(strstr(a, "LicenseRef-Proprietary") && strstr(a, "All rights reserved."),
			   "%s: the LicenseRef and its text are there", all[i].e->name);
			ok(strstr(a, "linking exception") != NULL, "%s: a dialect LicenseRef has its text",
			   all[i].e->name);
			ok(strstr(a, "Free Software Foundation") != NULL, "%s: copyright text", all[i].e->name);
			ok(strstr(a, "\xe9") == NULL || strstr(a, "\xc3\xa9") != NULL, "%s: no raw Latin-1 byte",
			   all[i].e->name);
			if (strstr(all[i].e->name, "cyclonedx"))
				ok(strstr(a, "binary-analysis") && strstr(a, "manifest-analysis"),
				   "%s: evidence read from an executable is binary analysis, from a database manifest analysis",
				   all[i].e->name);
			if (dir) {
				char *path = lb_xasprintf("%s/synthetic%s.%s", dir, wf ? "-files" : "", all[i].ext);
				FILE *f = fopen(path, "w");

				ok(f && fwrite(a, 1, l1, f) == l1 && fclose(f) == 0, "wrote %s", path);
				free(path);
			}
			free(a);
			free(b);
			full = fopen("/dev/full", "w");
			if (full) {
				ok(all[i].e->emit(&in, full) == LB_ERR_OUTPUT, "%s: a full disk is LB_ERR_OUTPUT",
				   all[i].e->name);
				fclose(full);
			}
		}
}

int main(int argc, char **argv)
{
	struct lb_model m;

	test_helpers();
	build_model(&m);
	test_ids(&m);
	test_owners(&m);
	test_emitters(&m, argc > 1 ? argv[1] : NULL);
	lb_model_release(&m);
	return done_testing();
}
