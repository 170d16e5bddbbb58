/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SPDX 2.3, as JSON and as tag-value.  One document tree (jansson) is
 * built from the input; the JSON emitter prints it, the tag-value emitter
 * walks the same tree, so both say exactly the same
 * (docs/internals/emitters.md has the mapping).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "emit_common.h"

static json_t *jclean(const char *s)
{
	char *c = lb_sbom_clean(s);
	json_t *j = json_string(c);

	free(c);
	if (!j)
		BUG("json_string refused a cleaned string");
	return j;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, jclean(v));
}

static void set_own(json_t *o, const char *k, char *v)
{
	set_str(o, k, v);
	free(v);
}

struct ctx {
	const struct lb_sbom_input *in;
	struct lb_sbom_ids ids;
	struct lb_sbom_owners owners;
	char created[32];
	char *tool;                 /* "Tool: layerbom-X" */
	json_t *rels;
};

static void rel(struct ctx *x, const char *a, const char *type, const char *b)
{
	json_t *r = json_object();

	set_str(r, "spdxElementId", a);
	set_str(r, "relationshipType", type);
	set_str(r, "relatedSpdxElement", b);
	json_array_append_new(x->rels, r);
}

static void annotate(struct ctx *x, json_t *pkg, const char *name, const char *value)
{
	json_t *a = json_object_get(pkg, "annotations"), *o = json_object();

	if (!a) {
		a = json_array();
		json_object_set_new(pkg, "annotations", a);
	}
	set_str(o, "annotationDate", x->created);
	set_str(o, "annotationType", "OTHER");
	set_str(o, "annotator", x->tool);
	set_own(o, "comment", lb_xasprintf("layerbom:%s=%s", name, value));
	json_array_append_new(a, o);
}

static void checksum(json_t *arr, const char *alg, const unsigned char *d, size_t n)
{
	json_t *o = json_object();
	char hex[65];

	lb_hex(hex, d, n);
	set_str(o, "algorithm", alg);
	set_str(o, "checksumValue", hex);
	json_array_append_new(arr, o);
}

static void external_ref(json_t *pkg, const char *cat, const char *type, const char *loc)
{
	json_t *a = json_object_get(pkg, "externalRefs"), *o = json_object();

	if (!a) {
		a = json_array();
		json_object_set_new(pkg, "externalRefs", a);
	}
	set_str(o, "referenceCategory", cat);
	set_str(o, "referenceType", type);
	set_str(o, "referenceLocator", loc);
	json_array_append_new(a, o);
}

/* Fields every package has, NOASSERTION where nothing is known. */
static json_t *package(const char *id, const char *name)
{
	json_t *p = json_object();

	set_str(p, "SPDXID", id);
	set_str(p, "name", name);
	return p;
}

static void package_tail(json_t *p, const char *supplier)
{
	if (!json_object_get(p, "supplier"))
		set_str(p, "supplier", supplier ? supplier : "NOASSERTION");
	set_str(p, "downloadLocation", "NOASSERTION");
	if (!json_object_get(p, "filesAnalyzed"))
		json_object_set_new(p, "filesAnalyzed", json_false());
}

static const char *purpose(enum lb_comp_type t)
{
	switch (t) {
	case LB_COMP_OS:
		return "OPERATING_SYSTEM"; /* JSON spelling; tag-value says OPERATING-SYSTEM */
	case LB_COMP_OS_PACKAGE:
	case LB_COMP_LIBRARY:
		return "LIBRARY";
	case LB_COMP_APPLICATION:
	case LB_COMP_BINARY:
		return "APPLICATION";
	}
	return "OTHER";
}

/* "Name <mail>" -> "Person: Name (mail)" (the SPDX form). */
static char *person(const char *author)
{
	const char *lt = strchr(author, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t n;

	if (!lt || !gt)
		return lb_xasprintf("Person: %s", author);
	n = (size_t)(lt - author);
	while (n && author[n - 1] == ' ')
		n--;
	return lb_xasprintf("Person: %.*s (%.*s)", (int)n, author, (int)(gt - lt - 1), lt + 1);
}

/* The evidence, one line each: what the component was found from. */
static char *evidence_text(const struct ctx *x, const struct lb_component *c, int notes)
{
	struct lb_buf b;

	lb_buf_init(&b, 1u << 24);
	for (size_t i = 0; i < c->nev; i++) {
		const struct lb_evidence *e = &c->ev[i];
		char *label;

		if ((e->kind == LB_EV_NOTE) != notes)
			continue;
		if (b.len)
			lb_buf_addstr(&b, "\n");
		lb_buf_addf(&b, "%s:", lb_evidence_kind_name(e->kind));
		if (e->path) {
			label = lb_sbom_layer_label(x->in, e->layer);
			lb_buf_addf(&b, " %s in %s", e->path, label);
			free(label);
		}
		if (e->field)
			lb_buf_addf(&b, " field %s", e->field);
		if (e->detail)
			lb_buf_addf(&b, "%s %s", e->path || e->field ? ":" : "", e->detail);
	}
	if (!b.len) {
		lb_buf_release(&b);
		return NULL;
	}
	return lb_buf_detach(&b, NULL);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SPDX 2.3 clause 7.9: SHA-1 of the sorted SHA-1s of the package's files. */
static char *verification_code(const struct ctx *x, size_t comp)
{
	const struct lb_sbom_input *in = x->in;
	char **hexes = NULL, out[41];
	size_t n = 0, cap = 0;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;

	for (size_t f = 0; f < in->nfiles; f++)
		for (size_t k = x->owners.start[f]; k < x->owners.start[f + 1]; k++)
			if (x->owners.own[k] == comp) {
				lb_xgrow((void **)&hexes, &cap, n + 1, sizeof(char *));
				hexes[n] = lb_xmalloc(41);
				lb_hex(hexes[n++], in->files[f].sha1, 20);
			}
	if (!n)
		return NULL;
	qsort(hexes, n, sizeof(char *), cmp_str);
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1)
		BUG("SHA-1 through EVP failed");
	for (size_t i = 0; i < n; i++) {
		EVP_DigestUpdate(ctx, hexes[i], 40);
		free(hexes[i]);
	}
	free(hexes);
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		BUG("SHA-1 through EVP failed");
	EVP_MD_CTX_free(ctx);
	lb_hex(out, md, 20);
	return lb_xstrdup(out);
}

static void add_component(struct ctx *x, json_t *pkgs, size_t i)
{
	const struct lb_component *c = x->in->model->v[i];
	const char *me = x->ids.comp[i];
	json_t *p = package(me, c->name);
	char *t;

	set_str(p, "versionInfo", c->version);
	if (c->supplier)
		set_own(p, "supplier", lb_xasprintf("Organization: %s", c->supplier));
	if (c->author)
		set_own(p, "originator", person(c->author));
	package_tail(p, NULL);
	if (x->in->with_files && (t = verification_code(x, i))) {
		json_t *v = json_object();

		json_object_set_new(p, "filesAnalyzed", json_true());
		set_own(v, "packageVerificationCodeValue", t);
		json_object_set_new(p, "packageVerificationCode", v);
	}
	if (c->has_digest) {
		json_t *a = json_array();

		checksum(a, "SHA1", c->sha1, 20);
		checksum(a, "SHA256", c->sha256, 32);
		json_object_set_new(p, "checksums", a);
	}
	if (c->homepage && (lb_str_has_prefix(c->homepage, "http://") || lb_str_has_prefix(c->homepage, "https://")))
		set_str(p, "homepage", c->homepage);
	set_own(p, "sourceInfo", evidence_text(x, c, 0));
	set_str(p, "licenseConcluded", c->concluded ? c->concluded : "NOASSERTION");
	set_str(p, "licenseDeclared", c->declared ? c->declared : "NOASSERTION");
	if (c->ncopyrights) {
		struct lb_buf b;

		lb_buf_init(&b, 1u << 26);
		for (size_t k = 0; k < c->ncopyrights; k++) {
			if (k)
				lb_buf_addstr(&b, "\n");
			lb_buf_addstr(&b, c->copyrights[k]);
		}
		set_own(p, "copyrightText", lb_buf_detach(&b, NULL));
	} else {
		set_str(p, "copyrightText", "NOASSERTION");
	}
	set_str(p, "summary", c->summary);
	set_own(p, "comment", evidence_text(x, c, 1));
	if (c->purl)
		external_ref(p, "PACKAGE-MANAGER", "purl", c->purl);
	if (c->cpe)
		external_ref(p, "SECURITY", lb_str_has_prefix(c->cpe, "cpe:2.3:") ? "cpe23Type" : "cpe22Type", c->cpe);
	set_str(p, "primaryPackagePurpose", purpose(c->type));
	annotate(x, p, "component-type", lb_comp_type_name(c->type));
	if (c->found_by)
		annotate(x, p, "found-by", c->found_by);
	if (c->introduced >= 0) {
		t = lb_sbom_layer_label(x->in, c->introduced);
		annotate(x, p, "introduced-layer", t);
		free(t);
	}
	if (c->last_changed >= 0 && c->last_changed != c->introduced) {
		t = lb_sbom_layer_label(x->in, c->last_changed);
		annotate(x, p, "last-changed-layer", t);
		free(t);
	}
	if (c->removed >= 0) {
		t = lb_sbom_layer_label(x->in, c->removed);
		annotate(x, p, "removed-layer", t);
		free(t);
	}
	if (c->source_name) {
		t = c->source_version ? lb_xasprintf("%s %s", c->source_name, c->source_version)
				      : lb_xstrdup(c->source_name);
		annotate(x, p, "source-package", t);
		free(t);
	}
	if (c->arch)
		annotate(x, p, "arch", c->arch);
	if (c->declared_raw)
		annotate(x, p, "declared-license-raw", c->declared_raw);
	for (size_t k = 0; k < c->nprops; k++)
		annotate(x, p, c->props[k].name, c->props[k].value ? c->props[k].value : "");
	json_array_append_new(pkgs, p);
}

static json_t *build(const struct lb_sbom_input *in)
{
	const struct lb_model *m = in->model;
	struct ctx x = { .in = in };
	json_t *doc = json_object(), *ci = json_object(), *a, *pkgs = json_array(), *p;
	char uuid[37], *short_name = lb_sbom_image_short_name(in), *t;
	const char *digest = lb_sbom_image_digest(in);

	x.rels = json_array();
	lb_sbom_ids_spdx(in, &x.ids);
	if (in->with_files)
		lb_sbom_owners(in, &x.owners);
	lb_sbom_time_str(in->created, x.created, sizeof(x.created));
	x.tool = lb_xasprintf("Tool: layerbom-%s", in->tool_version ? in->tool_version : "unknown");
	lb_sbom_uuid(in, "spdx-2.3", uuid);

	set_str(doc, "spdxVersion", "SPDX-2.3");
	set_str(doc, "dataLicense", "CC0-1.0");
	set_str(doc, "SPDXID", "SPDXRef-DOCUMENT");
	set_str(doc, "name", in->image_name ? in->image_name : short_name);
	set_own(doc, "documentNamespace", lb_xasprintf("https://spdx.org/spdxdocs/layerbom-%s-%s", short_name, uuid));
	set_str(ci, "created", x.created);
	a = json_array();
	json_array_append_new(a, jclean(x.tool));
	json_object_set_new(ci, "creators", a);
	set_own(ci, "licenseListVersion", lb_xstrndup(lb_license_list_version,
		strchr(lb_license_list_version, '.') && strchr(strchr(lb_license_list_version, '.') + 1, '.')
		? (size_t)(strchr(strchr(lb_license_list_version, '.') + 1, '.') - lb_license_list_version)
		: strlen(lb_license_list_version)));
	set_str(ci, "comment", "The image is the described package; each layer is a package that "
		"CONTAINS the components it introduced. layerbom:* annotations carry what SPDX 2.3 "
		"has no field for.");
	json_object_set_new(doc, "creationInfo", ci);

	/* the image */
	p = package(x.ids.image, short_name);
	set_str(p, "versionInfo", digest);
	package_tail(p, NULL);
	set_str(p, "licenseConcluded", "NOASSERTION");
	set_str(p, "licenseDeclared", "NOASSERTION");
	set_str(p, "copyrightText", "NOASSERTION");
	{
		struct lb_buf b;

		lb_buf_init(&b, 1u << 20);
		lb_buf_addf(&b, "container image");
		if (in->image_name)
			lb_buf_addf(&b, " %s", in->image_name);
		if (in->manifest_digest)
			lb_buf_addf(&b, "\nmanifest: %s", in->manifest_digest);
		if (in->config_digest)
			lb_buf_addf(&b, "\nconfig: %s", in->config_digest);
		if (in->os || in->arch)
			lb_buf_addf(&b, "\nplatform: %s/%s%s%s", in->os ? in->os : "?", in->arch ? in->arch : "?",
				    in->variant ? "/" : "", in->variant ? in->variant : "");
		lb_buf_addf(&b, "\nlayers: %zu", in->nlayers);
		set_own(p, "comment", lb_buf_detach(&b, NULL));
	}
	if ((t = lb_sbom_image_purl(in))) {
		external_ref(p, "PACKAGE-MANAGER", "purl", t);
		free(t);
	}
	set_str(p, "primaryPackagePurpose", "CONTAINER");
	if (in->manifest_digest)
		annotate(&x, p, "manifest-digest", in->manifest_digest);
	if (in->config_digest)
		annotate(&x, p, "config-digest", in->config_digest);
	json_array_append_new(pkgs, p);
	rel(&x, "SPDXRef-DOCUMENT", "DESCRIBES", x.ids.image);

	/* the layers, bottom to top */
	for (size_t i = 0; i < in->nlayers; i++) {
		const struct lb_sbom_layer *l = &in->layers[i];
		unsigned char d[32];
		char *name = l->diff_id ? lb_xstrdup(l->diff_id) : lb_xasprintf("layer-%zu", i + 1);

		p = package(x.ids.layer[i], name);
		free(name);
		package_tail(p, NULL);
		if (l->diff_id && lb_str_has_prefix(l->diff_id, "sha256:") && strlen(l->diff_id) == 71 &&
		    lb_unhex(d, l->diff_id + 7, 32) == 0) {
			a = json_array();
			checksum(a, "SHA256", d, 32);
			json_object_set_new(p, "checksums", a);
		}
		set_str(p, "licenseConcluded", "NOASSERTION");
		set_str(p, "licenseDeclared", "NOASSERTION");
		set_str(p, "copyrightText", "NOASSERTION");
		set_own(p, "comment", lb_xasprintf("layer %zu of %zu; created by: %s", i + 1, in->nlayers,
						   l->created_by ? l->created_by : "unknown"));
		set_str(p, "primaryPackagePurpose", "ARCHIVE");
		t = lb_xasprintf("%zu", i + 1);
		annotate(&x, p, "layer-index", t);
		free(t);
		if (l->created_by)
			annotate(&x, p, "created-by", l->created_by);
		if (l->digest)
			annotate(&x, p, "blob-digest", l->digest);
		t = lb_xasprintf("%llu", (unsigned long long)l->size);
		annotate(&x, p, "size", t);
		free(t);
		json_array_append_new(pkgs, p);
		rel(&x, x.ids.image, "CONTAINS", x.ids.layer[i]);
	}

	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];

		add_component(&x, pkgs, i);
		if (c->introduced >= 0 && (size_t)c->introduced < in->nlayers)
			rel(&x, x.ids.layer[c->introduced], "CONTAINS", x.ids.comp[i]);
		else
			rel(&x, x.ids.image, "CONTAINS", x.ids.comp[i]);
	}

	if (in->with_files) {
		json_t *files = json_array();

		for (size_t i = 0; i < in->nfiles; i++) {
			const struct lb_sbom_file *f = &in->files[i];
			json_t *o = json_object();
			char *label = lb_sbom_layer_label(in, f->layer);

			set_str(o, "SPDXID", x.ids.file[i]);
			set_own(o, "fileName", lb_xasprintf(".%s", f->path));
			a = json_array();
			checksum(a, "SHA1", f->sha1, 20);
			checksum(a, "SHA256", f->sha256, 32);
			json_object_set_new(o, "checksums", a);
			set_str(o, "licenseConcluded", "NOASSERTION");
			set_str(o, "copyrightText", "NOASSERTION");
			set_own(o, "comment", lb_xasprintf("from %s", label));
			free(label);
			json_array_append_new(files, o);
			if (f->layer >= 0 && (size_t)f->layer < in->nlayers)
				rel(&x, x.ids.layer[f->layer], "CONTAINS", x.ids.file[i]);
			for (size_t k = x.owners.start[i]; k < x.owners.start[i + 1]; k++)
				if (x.owners.own[k] != (size_t)-1)
					rel(&x, x.ids.comp[x.owners.own[k]], "CONTAINS", x.ids.file[i]);
		}
		json_object_set_new(doc, "files", files);
	}
	json_object_set_new(doc, "packages", pkgs);

	if (m->nrefs) {
		a = json_array();
		for (size_t i = 0; i < m->nrefs; i++) {
			json_t *o = json_object();

			set_str(o, "licenseId", m->refs[i].id);
			set_str(o, "extractedText", m->refs[i].text);
			set_str(o, "name", m->refs[i].name ? m->refs[i].name : m->refs[i].id);
			json_array_append_new(a, o);
		}
		json_object_set_new(doc, "hasExtractedLicensingInfos", a);
	}
	json_object_set_new(doc, "relationships", x.rels);

	if (in->with_files)
		lb_sbom_owners_release(&x.owners);
	lb_sbom_ids_release(&x.ids);
	free(x.tool);
	free(short_name);
	return doc;
}

static int finish(FILE *out)
{
	if (fflush(out) != 0 || ferror(out))
		return LB_ERR_OUTPUT;
	return 0;
}

static int spdx_json(const struct lb_sbom_input *in, FILE *out)
{
	json_t *doc = build(in);
	int r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(doc);
	if (r != 0 || fputc('\n', out) == EOF)
		return LB_ERR_OUTPUT;
	return finish(out);
}

/* ---- tag-value: the same tree, written as SPDX 2.3 clause 5 says ---- */

/* Free-form text goes in <text>...</text> when it spans lines or could be
 * misread; a "</text>" inside is broken as "</ text>" (tag-value has no
 * escape). */
static void tv(FILE *out, const char *tag, const char *v, int text)
{
	if (!v)
		return;
	if ((text && strcmp(v, "NOASSERTION") != 0 && strcmp(v, "NONE") != 0) || strchr(v, '\n')) {
		fprintf(out, "%s: <text>", tag);
		for (const char *p = v; *p; p++) {
			if (strncmp(p, "</text>", 7) == 0) {
				fputs("</ text>", out);
				p += 6;
				continue;
			}
			fputc(*p, out);
		}
		fputs("</text>\n", out);
	} else {
		fprintf(out, "%s: %s\n", tag, v);
	}
}

static const char *js(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void tv_annotations(FILE *out, const json_t *o)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(o, "annotations"), i, a) {
		tv(out, "Annotator", js(a, "annotator"), 0);
		tv(out, "AnnotationDate", js(a, "annotationDate"), 0);
		tv(out, "AnnotationType", js(a, "annotationType"), 0);
		tv(out, "SPDXREF", js(o, "SPDXID"), 0);
		tv(out, "AnnotationComment", js(a, "comment"), 1);
	}
}

static void tv_checksums(FILE *out, const char *tag, const json_t *o)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(o, "checksums"), i, c)
		fprintf(out, "%s: %s: %s\n", tag, js(c, "algorithm"), js(c, "checksumValue"));
}

static int spdx_tv(const struct lb_sbom_input *in, FILE *out)
{
	json_t *doc = build(in), *ci = json_object_get(doc, "creationInfo"), *o, *e;
	size_t i, k;

	tv(out, "SPDXVersion", js(doc, "spdxVersion"), 0);
	tv(out, "DataLicense", js(doc, "dataLicense"), 0);
	tv(out, "SPDXID", js(doc, "SPDXID"), 0);
	tv(out, "DocumentName", js(doc, "name"), 0);
	tv(out, "DocumentNamespace", js(doc, "documentNamespace"), 0);
	json_array_foreach(json_object_get(ci, "creators"), i, o)
		tv(out, "Creator", json_string_value(o), 0);
	tv(out, "Created", js(ci, "created"), 0);
	tv(out, "LicenseListVersion", js(ci, "licenseListVersion"), 0);
	tv(out, "CreatorComment", js(ci, "comment"), 1);

	/* files first: a file after a package would read as inside it */
	json_array_foreach(json_object_get(doc, "files"), i, o) {
		fputc('\n', out);
		tv(out, "FileName", js(o, "fileName"), 0);
		tv(out, "SPDXID", js(o, "SPDXID"), 0);
		tv_checksums(out, "FileChecksum", o);
		tv(out, "LicenseConcluded", js(o, "licenseConcluded"), 0);
		tv(out, "FileCopyrightText", js(o, "copyrightText"), 1);
		tv(out, "FileComment", js(o, "comment"), 1);
	}
	json_array_foreach(json_object_get(doc, "packages"), i, o) {
		json_t *v = json_object_get(o, "packageVerificationCode");

		fputc('\n', out);
		tv(out, "PackageName", js(o, "name"), 0);
		tv(out, "SPDXID", js(o, "SPDXID"), 0);
		tv(out, "PackageVersion", js(o, "versionInfo"), 0);
		tv(out, "PackageSupplier", js(o, "supplier"), 0);
		tv(out, "PackageOriginator", js(o, "originator"), 0);
		tv(out, "PackageDownloadLocation", js(o, "downloadLocation"), 0);
		tv(out, "FilesAnalyzed", json_is_true(json_object_get(o, "filesAnalyzed")) ? "true" : "false", 0);
		if (v)
			tv(out, "PackageVerificationCode", js(v, "packageVerificationCodeValue"), 0);
		tv_checksums(out, "PackageChecksum", o);
		tv(out, "PackageHomePage", js(o, "homepage"), 0);
		tv(out, "PackageSourceInfo", js(o, "sourceInfo"), 1);
		tv(out, "PackageLicenseConcluded", js(o, "licenseConcluded"), 0);
		tv(out, "PackageLicenseDeclared", js(o, "licenseDeclared"), 0);
		tv(out, "PackageCopyrightText", js(o, "copyrightText"), 1);
		tv(out, "PackageSummary", js(o, "summary"), 1);
		tv(out, "PackageComment", js(o, "comment"), 1);
		json_array_foreach(json_object_get(o, "externalRefs"), k, e)
			fprintf(out, "ExternalRef: %s %s %s\n", js(e, "referenceCategory"), js(e, "referenceType"),
				js(e, "referenceLocator"));
		if (js(o, "primaryPackagePurpose")) {
			char *pp = lb_xstrdup(js(o, "primaryPackagePurpose"));

			for (char *q = pp; *q; q++)
				if (*q == '_')
					*q = '-';
			tv(out, "PrimaryPackagePurpose", pp, 0);
			free(pp);
		}
		tv_annotations(out, o);
	}
	json_array_foreach(json_object_get(doc, "hasExtractedLicensingInfos"), i, o) {
		fputc('\n', out);
		tv(out, "LicenseID", js(o, "licenseId"), 0);
		tv(out, "ExtractedText", js(o, "extractedText"), 1);
		tv(out, "LicenseName", js(o, "name"), 0);
	}
	fputc('\n', out);
	json_array_foreach(json_object_get(doc, "relationships"), i, o)
		fprintf(out, "Relationship: %s %s %s\n", js(o, "spdxElementId"), js(o, "relationshipType"),
			js(o, "relatedSpdxElement"));
	json_decref(doc);
	return finish(out);
}

const struct lb_emitter lb_emitter_spdx_json = {
	.name = "spdx-json",
	.emit = spdx_json,
};

const struct lb_emitter lb_emitter_spdx_tv = {
	.name = "spdx-tv",
	.emit = spdx_tv,
};
