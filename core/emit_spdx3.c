/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SPDX 3.0.1 JSON-LD (profiles core, software, simpleLicensing).  The same
 * model as the SPDX 2.3 emitter, in 3.0's shape: every element has an
 * IRI "<namespace>#<SPDXID>" (the 2.3 SPDXIDs), licenses are
 * simplelicensing_LicenseExpression elements linked by hasDeclaredLicense
 * and hasConcludedLicense relationships (none: no assertion), LicenseRefs
 * map through customIdToUri to simplelicensing_SimpleLicensingText
 * elements, suppliers and authors are Organization and Person elements,
 * and what has no property is an Annotation "layerbom:NAME=VALUE".
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "emit_common.h"

struct ctx {
	const struct lb_sbom_input *in;
	struct lb_sbom_ids ids;
	struct lb_sbom_owners owners;
	char *ns;                   /* "https://spdx.org/spdxdocs/layerbom-x-uuid#" */
	json_t *graph;
	json_t *elements;           /* the document's element list */
	json_t *named;              /* local id or expression -> IRI (agents, licenses) */
};

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

static char *iri(const struct ctx *x, const char *local)
{
	return lb_xasprintf("%s%s", x->ns, local);
}

/* A new element of type `type` with IRI ns#local, added to the graph. */
static json_t *element(struct ctx *x, const char *type, const char *local)
{
	json_t *o = json_object();
	char *id = iri(x, local);

	set_str(o, "type", type);
	set_str(o, "spdxId", id);
	set_str(o, "creationInfo", "_:creationinfo");
	json_array_append_new(x->elements, jclean(id));
	json_array_append_new(x->graph, o);
	free(id);
	return o;
}

static const char *spdx_id(const json_t *o)
{
	return json_string_value(json_object_get(o, "spdxId"));
}

static void relationship(struct ctx *x, const char *from, const char *type, json_t *to)
{
	char *cand = lb_xasprintf("SPDXRef-Relationship-%s-%s", from + strlen(x->ns), type);
	json_t *r = element(x, "Relationship", lb_sbom_ids_add(&x->ids, cand, 1));

	free(cand);
	set_str(r, "from", from);
	set_str(r, "relationshipType", type);
	json_object_set_new(r, "to", to);
}

static void relate1(struct ctx *x, const char *from, const char *type, const char *to)
{
	json_t *a = json_array();

	json_array_append_new(a, jclean(to));
	relationship(x, from, type, a);
}

static void annotate(struct ctx *x, const char *subject, const char *name, const char *value)
{
	char *cand = lb_xasprintf("SPDXRef-Annotation-%s-%s", subject + strlen(x->ns), name);
	json_t *a = element(x, "Annotation", lb_sbom_ids_add(&x->ids, cand, 1));

	free(cand);
	set_str(a, "annotationType", "other");
	set_str(a, "subject", subject);
	set_own(a, "statement", lb_xasprintf("layerbom:%s=%s", name, value ? value : ""));
}

static void hash(json_t *o, const char *type, const char *alg, const unsigned char *d, size_t n)
{
	json_t *a = json_object_get(o, "verifiedUsing"), *h = json_object();
	char hex[65];

	if (!a) {
		a = json_array();
		json_object_set_new(o, "verifiedUsing", a);
	}
	lb_hex(hex, d, n);
	set_str(h, "type", type);
	set_str(h, "algorithm", alg);
	set_str(h, "hashValue", hex);
	json_array_append_new(a, h);
}

/* The IRI of an agent (Organization or Person) named `name`, made once. */
static const char *agent(struct ctx *x, const char *type, const char *name)
{
	char *key = lb_xasprintf("%s:%s", type, name), *cand;
	const char *have = json_string_value(json_object_get(x->named, key));
	json_t *o;

	if (have) {
		free(key);
		return have;
	}
	cand = lb_xasprintf("SPDXRef-%s-%s", type, name);
	o = element(x, type, lb_sbom_ids_add(&x->ids, cand, 1));
	free(cand);
	set_str(o, "name", name);
	json_object_set_new(x->named, key, jclean(spdx_id(o)));
	have = json_string_value(json_object_get(x->named, key));
	free(key);
	return have;
}

/* The IRI of the SimpleLicensingText of a LicenseRef, made once. */
static const char *ref_text(struct ctx *x, const char *ref)
{
	const struct lb_license_ref *r = lb_model_find_ref(x->in->model, ref);
	char *key = lb_xasprintf("text:%s", ref);
	const char *have = json_string_value(json_object_get(x->named, key));
	json_t *o;

	if (!have) {
		o = element(x, "simplelicensing_SimpleLicensingText", lb_sbom_ids_add(&x->ids, ref, 1));
		set_str(o, "name", r && r->name ? r->name : ref);
		set_str(o, "simplelicensing_licenseText", r && r->text ? r->text : ref);
		json_object_set_new(x->named, key, jclean(spdx_id(o)));
		have = json_string_value(json_object_get(x->named, key));
	}
	free(key);
	return have;
}

/* The IRI of the LicenseExpression element for expr, made once. */
static const char *license(struct ctx *x, const char *expr)
{
	char *key = lb_xasprintf("expr:%s", expr), *cand;
	const char *have = json_string_value(json_object_get(x->named, key)), *p = expr;
	json_t *o, *map = NULL;

	if (have) {
		free(key);
		return have;
	}
	cand = lb_xasprintf("SPDXRef-License-%s", expr);
	o = element(x, "simplelicensing_LicenseExpression", lb_sbom_ids_add(&x->ids, cand, 1));
	free(cand);
	set_str(o, "simplelicensing_licenseExpression", expr);
	set_str(o, "simplelicensing_licenseListVersion", lb_license_list_version);
	while ((p = strstr(p, "LicenseRef-"))) {
		size_t len = strcspn(p, " ()");
		char *ref = lb_xstrndup(p, len);
		json_t *e, *v;
		size_t i;
		int dup = 0;

		if (!map)
			map = json_array();
		json_array_foreach(map, i, v)
			dup |= strcmp(json_string_value(json_object_get(v, "key")), ref) == 0;
		if (!dup) {
			e = json_object();
			set_str(e, "type", "DictionaryEntry");
			set_str(e, "key", ref);
			set_str(e, "value", ref_text(x, ref));
			json_array_append_new(map, e);
		}
		free(ref);
		p += len;
	}
	if (map)
		json_object_set_new(o, "simplelicensing_customIdToUri", map);
	json_object_set_new(x->named, key, jclean(spdx_id(o)));
	have = json_string_value(json_object_get(x->named, key));
	free(key);
	return have;
}

static const char *purpose(enum lb_comp_type t)
{
	switch (t) {
	case LB_COMP_OS:
		return "operatingSystem";
	case LB_COMP_OS_PACKAGE:
	case LB_COMP_LIBRARY:
		return "library";
	case LB_COMP_APPLICATION:
		return "application";
	case LB_COMP_BINARY:
		return "executable";
	}
	return "other";
}

static char *joined_copyrights(const struct lb_component *c)
{
	struct lb_buf b;

	if (!c->ncopyrights)
		return NULL;
	lb_buf_init(&b, 1u << 26);
	for (size_t k = 0; k < c->ncopyrights; k++) {
		if (k)
			lb_buf_addstr(&b, "\n");
		lb_buf_addstr(&b, c->copyrights[k]);
	}
	return lb_buf_detach(&b, NULL);
}

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

static void verification_code(const struct ctx *x, size_t comp, json_t *pkg)
{
	const struct lb_sbom_input *in = x->in;
	char **hexes = NULL;
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
		return;
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
	hash(pkg, "PackageVerificationCode", "sha1", md, 20);
}

static void layer_annotation(struct ctx *x, const char *subject, const char *name, int layer)
{
	char *t = lb_sbom_layer_label(x->in, layer);

	annotate(x, subject, name, t);
	free(t);
}

static void component(struct ctx *x, size_t i)
{
	const struct lb_component *c = x->in->model->v[i];
	json_t *p = element(x, "software_Package", x->ids.comp[i]);
	const char *me;
	char *t, *id;

	set_str(p, "name", c->name);
	set_str(p, "summary", c->summary);
	set_own(p, "comment", evidence_text(x, c, 1));
	if (c->cpe) {
		json_t *a = json_array(), *e = json_object();

		set_str(e, "type", "ExternalIdentifier");
		set_str(e, "externalIdentifierType", lb_str_has_prefix(c->cpe, "cpe:2.3:") ? "cpe23" : "cpe22");
		set_str(e, "identifier", c->cpe);
		json_array_append_new(a, e);
		json_object_set_new(p, "externalIdentifier", a);
	}
	if (c->has_digest) {
		hash(p, "Hash", "sha1", c->sha1, 20);
		hash(p, "Hash", "sha256", c->sha256, 32);
	}
	if (x->in->with_files)
		verification_code(x, i, p);
	id = lb_xstrdup(spdx_id(p));
	me = id;
	if (c->supplier)
		set_str(p, "suppliedBy", agent(x, "Organization", c->supplier));
	if (c->author) {
		json_t *a = json_array();

		json_array_append_new(a, jclean(agent(x, "Person", c->author)));
		json_object_set_new(p, "originatedBy", a);
	}
	set_own(p, "software_copyrightText", joined_copyrights(c));
	set_str(p, "software_primaryPurpose", purpose(c->type));
	if (c->homepage && (lb_str_has_prefix(c->homepage, "http://") || lb_str_has_prefix(c->homepage, "https://")))
		set_str(p, "software_homePage", c->homepage);
	set_str(p, "software_packageUrl", c->purl);
	set_str(p, "software_packageVersion", c->version);
	set_own(p, "software_sourceInfo", evidence_text(x, c, 0));
	if (c->declared)
		relate1(x, me, "hasDeclaredLicense", license(x, c->declared));
	if (c->concluded)
		relate1(x, me, "hasConcludedLicense", license(x, c->concluded));
	annotate(x, me, "component-type", lb_comp_type_name(c->type));
	if (c->found_by)
		annotate(x, me, "found-by", c->found_by);
	if (c->introduced >= 0)
		layer_annotation(x, me, "introduced-layer", c->introduced);
	if (c->last_changed >= 0 && c->last_changed != c->introduced)
		layer_annotation(x, me, "last-changed-layer", c->last_changed);
	if (c->removed >= 0)
		layer_annotation(x, me, "removed-layer", c->removed);
	if (c->source_name) {
		t = c->source_version ? lb_xasprintf("%s %s", c->source_name, c->source_version)
				      : lb_xstrdup(c->source_name);
		annotate(x, me, "source-package", t);
		free(t);
	}
	if (c->arch)
		annotate(x, me, "arch", c->arch);
	if (c->declared_raw)
		annotate(x, me, "declared-license-raw", c->declared_raw);
	for (size_t k = 0; k < c->nprops; k++)
		annotate(x, me, c->props[k].name, c->props[k].value);
	free(id);
}

static json_t *build(const struct lb_sbom_input *in)
{
	const struct lb_model *m = in->model;
	struct ctx x = { .in = in };
	json_t *doc = json_object(), *ci = json_object(), *a, *p, *spdxdoc, **holds;
	char uuid[37], ts[32], *short_name = lb_sbom_image_short_name(in), *t, *image, **layer_iri;
	const char *tool_local, *agent_local;

	lb_sbom_ids_spdx(in, &x.ids);
	if (in->with_files)
		lb_sbom_owners(in, &x.owners);
	lb_sbom_uuid(in, "spdx-3.0.1", uuid);
	lb_sbom_time_str(in->created, ts, sizeof(ts));
	x.ns = lb_xasprintf("https://spdx.org/spdxdocs/layerbom-%s-%s#", short_name, uuid);
	x.graph = json_array();
	x.elements = json_array();
	x.named = json_object();

	set_str(doc, "@context", "https://spdx.org/rdf/3.0.1/spdx-context.jsonld");
	set_str(ci, "type", "CreationInfo");
	set_str(ci, "@id", "_:creationinfo");
	set_str(ci, "specVersion", "3.0.1");
	set_str(ci, "created", ts);
	json_array_append_new(x.graph, ci);

	agent_local = lb_sbom_ids_add(&x.ids, "SPDXRef-Agent-layerbom", 1);
	tool_local = lb_sbom_ids_add(&x.ids, "SPDXRef-Tool-layerbom", 1);
	t = iri(&x, agent_local);
	a = json_array();
	json_array_append_new(a, jclean(t));
	json_object_set_new(ci, "createdBy", a);
	free(t);
	t = iri(&x, tool_local);
	a = json_array();
	json_array_append_new(a, jclean(t));
	json_object_set_new(ci, "createdUsing", a);
	free(t);
	set_str(ci, "comment", "The image is the root element; each layer is a package that contains the "
		"components it introduced. layerbom:* annotations carry what SPDX has no property for.");

	spdxdoc = element(&x, "SpdxDocument", "SPDXRef-DOCUMENT");
	/* the document does not list itself */
	json_array_remove(x.elements, 0);
	set_str(spdxdoc, "name", in->image_name ? in->image_name : short_name);
	set_str(spdxdoc, "dataLicense", license(&x, "CC0-1.0"));
	a = json_array();
	json_array_append_new(a, json_string("core"));
	json_array_append_new(a, json_string("software"));
	json_array_append_new(a, json_string("simpleLicensing"));
	json_object_set_new(spdxdoc, "profileConformance", a);

	p = element(&x, "SoftwareAgent", agent_local);
	set_own(p, "name", lb_xasprintf("layerbom %s", in->tool_version ? in->tool_version : ""));
	p = element(&x, "Tool", tool_local);
	set_own(p, "name", lb_xasprintf("layerbom %s", in->tool_version ? in->tool_version : ""));

	/* the image */
	p = element(&x, "software_Package", x.ids.image);
	image = lb_xstrdup(spdx_id(p));
	set_str(p, "name", short_name);
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
	set_str(p, "software_primaryPurpose", "container");
	set_own(p, "software_packageUrl", lb_sbom_image_purl(in));
	set_str(p, "software_packageVersion", lb_sbom_image_digest(in));
	a = json_array();
	json_array_append_new(a, jclean(image));
	json_object_set_new(spdxdoc, "rootElement", a);
	if (in->manifest_digest)
		annotate(&x, image, "manifest-digest", in->manifest_digest);
	if (in->config_digest)
		annotate(&x, image, "config-digest", in->config_digest);

	/* layers; then what each holds */
	layer_iri = lb_xcalloc(in->nlayers + 1, sizeof(char *));
	holds = lb_xcalloc(in->nlayers + 1, sizeof(json_t *));
	for (size_t i = 0; i < in->nlayers; i++) {
		const struct lb_sbom_layer *l = &in->layers[i];
		unsigned char d[32];

		p = element(&x, "software_Package", x.ids.layer[i]);
		layer_iri[i] = lb_xstrdup(spdx_id(p));
		set_own(p, "name", l->diff_id ? lb_xstrdup(l->diff_id) : lb_xasprintf("layer-%zu", i + 1));
		set_own(p, "comment", lb_xasprintf("layer %zu of %zu; created by: %s", i + 1, in->nlayers,
						   l->created_by ? l->created_by : "unknown"));
		if (l->diff_id && lb_str_has_prefix(l->diff_id, "sha256:") && strlen(l->diff_id) == 71 &&
		    lb_unhex(d, l->diff_id + 7, 32) == 0)
			hash(p, "Hash", "sha256", d, 32);
		set_str(p, "software_primaryPurpose", "archive");
		t = lb_xasprintf("%zu", i + 1);
		annotate(&x, layer_iri[i], "layer-index", t);
		free(t);
		if (l->created_by)
			annotate(&x, layer_iri[i], "created-by", l->created_by);
		if (l->digest)
			annotate(&x, layer_iri[i], "blob-digest", l->digest);
		t = lb_xasprintf("%llu", (unsigned long long)l->size);
		annotate(&x, layer_iri[i], "size", t);
		free(t);
		holds[i] = json_array();
	}
	if (in->nlayers) {
		a = json_array();
		for (size_t i = 0; i < in->nlayers; i++)
			json_array_append_new(a, jclean(layer_iri[i]));
		relationship(&x, image, "contains", a);
	}
	{
		json_t *loose = json_array();

		for (size_t i = 0; i < m->n; i++) {
			const struct lb_component *c = m->v[i];
			char *ci_iri = iri(&x, x.ids.comp[i]);

			component(&x, i);
			if (c->introduced >= 0 && (size_t)c->introduced < in->nlayers)
				json_array_append_new(holds[c->introduced], jclean(ci_iri));
			else
				json_array_append_new(loose, jclean(ci_iri));
			free(ci_iri);
		}
		if (in->with_files) {
			json_t **owned = lb_xcalloc(m->n + 1, sizeof(json_t *));

			for (size_t i = 0; i < in->nfiles; i++) {
				const struct lb_sbom_file *f = &in->files[i];
				json_t *o = element(&x, "software_File", x.ids.file[i]);
				char *label = lb_sbom_layer_label(in, f->layer);

				set_str(o, "name", f->path);
				hash(o, "Hash", "sha1", f->sha1, 20);
				hash(o, "Hash", "sha256", f->sha256, 32);
				set_own(o, "comment", lb_xasprintf("from %s", label));
				free(label);
				set_str(o, "software_fileKind", "file");
				if (f->layer >= 0 && (size_t)f->layer < in->nlayers)
					json_array_append_new(holds[f->layer], jclean(spdx_id(o)));
				for (size_t k = x.owners.start[i]; k < x.owners.start[i + 1]; k++) {
					size_t c = x.owners.own[k];

					if (c == (size_t)-1)
						continue;
					if (!owned[c])
						owned[c] = json_array();
					json_array_append_new(owned[c], jclean(spdx_id(o)));
				}
			}
			for (size_t c = 0; c < m->n; c++)
				if (owned[c]) {
					t = iri(&x, x.ids.comp[c]);
					relationship(&x, t, "contains", owned[c]);
					free(t);
				}
			free(owned);
		}
		for (size_t i = 0; i < in->nlayers; i++)
			if (json_array_size(holds[i]))
				relationship(&x, layer_iri[i], "contains", holds[i]);
			else
				json_decref(holds[i]);
		if (json_array_size(loose))
			relationship(&x, image, "contains", loose);
		else
			json_decref(loose);
	}
	json_object_set_new(spdxdoc, "element", x.elements);
	json_object_set_new(doc, "@graph", x.graph);

	for (size_t i = 0; i < in->nlayers; i++)
		free(layer_iri[i]);
	free(layer_iri);
	free(holds);
	free(image);
	json_decref(x.named);
	if (in->with_files)
		lb_sbom_owners_release(&x.owners);
	lb_sbom_ids_release(&x.ids);
	free(x.ns);
	free(short_name);
	return doc;
}

static int spdx3_json(const struct lb_sbom_input *in, FILE *out)
{
	json_t *doc = build(in);
	int r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(doc);
	if (r != 0 || fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
		return LB_ERR_OUTPUT;
	return 0;
}

const struct lb_emitter lb_emitter_spdx3_json = {
	.name = "spdx3-json",
	.emit = spdx3_json,
};
