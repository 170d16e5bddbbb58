/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CycloneDX 1.6, as JSON and as XML.  One document tree (jansson) is built
 * from the input; the JSON emitter prints it and the XML emitter writes
 * the same tree through libxml2's xmlTextWriter, element by element in the
 * order bom-1.6.xsd asks, so both say the same.
 *
 * Layers are components (type "file": a layer is a tar archive) nested
 * under nothing but the BOM; each holds, as nested `components`, the
 * components it introduced (CycloneDX's assembly: "which layer brought
 * this in" is where a component sits).  `dependencies` repeat it as a
 * graph: the image depends on its layers, a layer on what it holds.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

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

static json_t *arr_of(json_t *o, const char *k)
{
	json_t *a = json_object_get(o, k);

	if (!a) {
		a = json_array();
		json_object_set_new(o, k, a);
	}
	return a;
}

static void prop(json_t *o, const char *name, const char *value)
{
	json_t *p = json_object();

	set_own(p, "name", lb_xasprintf("layerbom:%s", name));
	set_str(p, "value", value ? value : "");
	json_array_append_new(arr_of(o, "properties"), p);
}

static void hash(json_t *o, const char *alg, const unsigned char *d, size_t n)
{
	json_t *h = json_object();
	char hex[65];

	lb_hex(hex, d, n);
	set_str(h, "alg", alg);
	set_str(h, "content", hex);
	json_array_append_new(arr_of(o, "hashes"), h);
}

struct ctx {
	const struct lb_sbom_input *in;
	struct lb_sbom_ids ids;
	struct lb_sbom_owners owners;
	json_t **holds;             /* per layer: the refs it holds (dependsOn) */
	json_t **comp_holds;        /* per component: the files it owns */
};

static const char *comp_type(enum lb_comp_type t)
{
	switch (t) {
	case LB_COMP_OS:
		return "operating-system";
	case LB_COMP_OS_PACKAGE:
	case LB_COMP_LIBRARY:
		return "library";
	case LB_COMP_APPLICATION:
	case LB_COMP_BINARY:
		return "application";
	}
	return "library";
}

/* A single listed license id, usable as license.id. */
static int listed_id(const char *e)
{
	const struct lb_license_info *li;

	if (!e || strchr(e, ' ') || strchr(e, '(') || strchr(e, '+') || lb_str_has_prefix(e, "LicenseRef-"))
		return 0;
	li = lb_license_lookup(e);
	return li && !(li->flags & LB_LICENSE_EXCEPTION) && strcmp(li->id, e) == 0;
}

/* A single LicenseRef, usable as license.name + text. */
static int single_ref(const char *e)
{
	return e && lb_str_has_prefix(e, "LicenseRef-") && !strchr(e, ' ') && !strchr(e, '(');
}

static json_t *license_obj(const struct lb_model *m, const char *e, const char *ack)
{
	json_t *w = json_object(), *l = json_object();

	if (listed_id(e)) {
		set_str(l, "id", e);
	} else {
		const struct lb_license_ref *r = lb_model_find_ref(m, e);
		json_t *t = json_object();

		set_str(l, "name", e);
		set_str(t, "contentType", "text/plain");
		set_str(t, "content", r && r->text ? r->text : e);
		json_object_set_new(l, "text", t);
	}
	set_str(l, "acknowledgement", ack);
	json_object_set_new(w, "license", l);
	return w;
}

static json_t *expression_obj(const char *e, const char *ack)
{
	json_t *w = json_object();

	set_str(w, "expression", e);
	set_str(w, "acknowledgement", ack);
	return w;
}

/* The LicenseRefs an expression names, each once, appended to refs. */
static void refs_in(const char *e, char ***refs, size_t *n, size_t *cap)
{
	const char *p = e;

	while (e && (p = strstr(p, "LicenseRef-"))) {
		size_t len = strcspn(p, " ()");
		int dup = 0;

		for (size_t i = 0; i < *n; i++)
			dup |= strlen((*refs)[i]) == len && strncmp((*refs)[i], p, len) == 0;
		if (!dup) {
			lb_xgrow((void **)refs, cap, *n + 1, sizeof(char *));
			(*refs)[(*n)++] = lb_xstrndup(p, len);
		}
		p += len;
	}
}

/*
 * licenses: declared and concluded as license objects with their
 * acknowledgement when both are single licenses; else (CycloneDX allows
 * one expression per list) the declared expression (or the concluded one
 * when nothing is declared) in `licenses`, and in evidence.licenses what
 * else is needed: the concluded expression, or when LicenseRefs appear in
 * an expression, their texts as named licenses.  A concluded expression
 * that fits nowhere then is the property layerbom:concluded-license.
 */
static void licenses(const struct lb_model *m, const struct lb_component *c, json_t *o, json_t *ev)
{
	const char *d = c->declared, *k = c->concluded;
	int simple_d = !d || listed_id(d) || single_ref(d), simple_k = !k || listed_id(k) || single_ref(k);
	json_t *a;

	if (!d && !k)
		return;
	a = arr_of(o, "licenses");
	if (simple_d && simple_k) {
		if (d)
			json_array_append_new(a, license_obj(m, d, "declared"));
		if (k)
			json_array_append_new(a, license_obj(m, k, "concluded"));
		return;
	}
	json_array_append_new(a, expression_obj(d ? d : k, d ? "declared" : "concluded"));
	{
		char **refs = NULL;
		size_t n = 0, cap = 0;
		const char *pending = d && k ? k : NULL;

		refs_in(d, &refs, &n, &cap);
		refs_in(k, &refs, &n, &cap);
		if (n) {
			json_t *el = arr_of(ev, "licenses");

			for (size_t i = 0; i < n; i++) {
				json_t *l = license_obj(m, refs[i], NULL);

				json_object_del(json_object_get(l, "license"), "acknowledgement");
				json_array_append_new(el, l);
				free(refs[i]);
			}
			if (pending)
				prop(o, "concluded-license", pending);
		} else if (pending) {
			json_array_append_new(arr_of(ev, "licenses"), expression_obj(pending, "concluded"));
		}
		free(refs);
	}
}

static void evidence(const struct ctx *x, const struct lb_component *c, json_t *ev)
{
	json_t *methods = NULL;

	for (size_t i = 0; i < c->nev; i++) {
		const struct lb_evidence *e = &c->ev[i];
		struct lb_buf b;
		char *label;
		json_t *occ;

		if ((e->kind == LB_EV_METADATA || e->kind == LB_EV_BINARY) && e->path) {
			json_t *mth = json_object();

			if (!methods)
				methods = json_array();
			set_str(mth, "technique", e->kind == LB_EV_BINARY ? "binary-analysis" : "manifest-analysis");
			json_object_set_new(mth, "confidence", json_integer(1));
			set_str(mth, "value", e->path);
			json_array_append_new(methods, mth);
		}
		if (!e->path)
			continue;
		occ = json_object();
		set_str(occ, "location", e->path);
		lb_buf_init(&b, 1u << 24);
		label = lb_sbom_layer_label(x->in, e->layer);
		lb_buf_addf(&b, "%s in %s", lb_evidence_kind_name(e->kind), label);
		free(label);
		if (e->field)
			lb_buf_addf(&b, ", field %s", e->field);
		if (e->detail)
			lb_buf_addf(&b, ": %s", e->detail);
		set_own(occ, "additionalContext", lb_buf_detach(&b, NULL));
		json_array_append_new(arr_of(ev, "occurrences"), occ);
	}
	if (methods) {
		json_t *id = json_object();

		set_str(id, "field", c->purl ? "purl" : "name");
		json_object_set_new(id, "confidence", json_integer(1));
		json_object_set_new(id, "methods", methods);
		json_array_append_new(arr_of(ev, "identity"), id);
	}
	for (size_t i = 0; i < c->ncopyrights; i++) {
		json_t *t = json_object();

		set_str(t, "text", c->copyrights[i]);
		json_array_append_new(arr_of(ev, "copyright"), t);
	}
}

/* Moves ev's keys into the XSD order: identity, occurrences, licenses, copyright. */
static json_t *ordered_evidence(json_t *ev)
{
	static const char *const order[] = { "identity", "occurrences", "licenses", "copyright" };
	json_t *o = json_object();

	for (size_t i = 0; i < LB_ARRAY_SIZE(order); i++)
		if (json_object_get(ev, order[i]))
			json_object_set(o, order[i], json_object_get(ev, order[i]));
	json_decref(ev);
	return o;
}

static void split_author(json_t *o, const char *author)
{
	const char *lt = strchr(author, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	json_t *a = json_object();

	if (lt && gt && gt > lt + 1) {
		size_t n = (size_t)(lt - author);

		while (n && author[n - 1] == ' ')
			n--;
		if (n)
			set_own(a, "name", lb_xstrndup(author, n));
		set_own(a, "email", lb_xstrndup(lt + 1, (size_t)(gt - lt - 1)));
	} else {
		set_str(a, "name", author);
	}
	json_array_append_new(arr_of(o, "authors"), a);
}

static json_t *component(struct ctx *x, size_t i)
{
	const struct lb_sbom_input *in = x->in;
	const struct lb_component *c = in->model->v[i];
	json_t *o = json_object(), *ev = json_object();
	char *t;

	set_str(o, "type", comp_type(c->type));
	set_str(o, "bom-ref", x->ids.comp[i]);
	if (c->supplier) {
		json_t *s = json_object();

		set_str(s, "name", c->supplier);
		json_object_set_new(o, "supplier", s);
	}
	if (c->author)
		split_author(o, c->author);
	set_str(o, "name", c->name);
	set_str(o, "version", c->version);
	set_str(o, "description", c->summary);
	if (c->has_digest) {
		hash(o, "SHA-1", c->sha1, 20);
		hash(o, "SHA-256", c->sha256, 32);
	}
	licenses(in->model, c, o, ev);
	if (c->ncopyrights) {
		struct lb_buf b;

		lb_buf_init(&b, 1u << 26);
		for (size_t k = 0; k < c->ncopyrights; k++) {
			if (k)
				lb_buf_addstr(&b, "\n");
			lb_buf_addstr(&b, c->copyrights[k]);
		}
		set_own(o, "copyright", lb_buf_detach(&b, NULL));
	}
	set_str(o, "cpe", c->cpe);
	set_str(o, "purl", c->purl);
	if (c->homepage) {
		json_t *r = json_object();

		set_str(r, "type", "website");
		set_str(r, "url", c->homepage);
		json_array_append_new(arr_of(o, "externalReferences"), r);
	}
	/* properties: keep them after the fields above (JSON order = XSD order) */
	{
		json_t *keep = json_object_get(o, "properties");

		if (keep) {
			json_incref(keep);
			json_object_del(o, "properties");
			json_object_set_new(o, "properties", keep);
		}
	}
	prop(o, "component-type", lb_comp_type_name(c->type));
	if (c->found_by)
		prop(o, "found-by", c->found_by);
	if (c->introduced >= 0 && (size_t)c->introduced < in->nlayers)
		prop(o, "introduced-layer", x->ids.layer[c->introduced]);
	if (c->last_changed >= 0 && c->last_changed != c->introduced && (size_t)c->last_changed < in->nlayers)
		prop(o, "last-changed-layer", x->ids.layer[c->last_changed]);
	if (c->removed >= 0 && (size_t)c->removed < in->nlayers)
		prop(o, "removed-layer", x->ids.layer[c->removed]);
	if (c->source_name) {
		t = c->source_version ? lb_xasprintf("%s %s", c->source_name, c->source_version)
				      : lb_xstrdup(c->source_name);
		prop(o, "source-package", t);
		free(t);
	}
	if (c->arch)
		prop(o, "arch", c->arch);
	if (c->declared_raw)
		prop(o, "declared-license-raw", c->declared_raw);
	for (size_t k = 0; k < c->nev; k++)
		if (c->ev[k].kind == LB_EV_NOTE && c->ev[k].detail)
			prop(o, "note", c->ev[k].detail);
	for (size_t k = 0; k < c->nprops; k++)
		prop(o, c->props[k].name, c->props[k].value);
	evidence(x, c, ev);
	if (json_object_size(ev))
		json_object_set_new(o, "evidence", ordered_evidence(ev));
	else
		json_decref(ev);
	return o;
}

static json_t *file_component(struct ctx *x, size_t i)
{
	const struct lb_sbom_file *f = &x->in->files[i];
	json_t *o = json_object();

	set_str(o, "type", "file");
	set_str(o, "bom-ref", x->ids.file[i]);
	set_str(o, "name", f->path);
	hash(o, "SHA-1", f->sha1, 20);
	hash(o, "SHA-256", f->sha256, 32);
	if (f->layer >= 0 && (size_t)f->layer < x->in->nlayers)
		prop(o, "layer", x->ids.layer[f->layer]);
	for (size_t k = x->owners.start[i]; k < x->owners.start[i + 1]; k++)
		if (x->owners.own[k] != (size_t)-1)
			prop(o, "owner", x->ids.comp[x->owners.own[k]]);
	return o;
}

static void dep(json_t *deps, const char *ref, json_t *on)
{
	json_t *d = json_object();

	set_str(d, "ref", ref);
	json_object_set_new(d, "dependsOn", on ? on : json_array());
	json_array_append_new(deps, d);
}

static json_t *build(const struct lb_sbom_input *in)
{
	const struct lb_model *m = in->model;
	struct ctx x = { .in = in };
	json_t *doc = json_object(), *md = json_object(), *img = json_object(), *tools, *tc;
	json_t *comps = json_array(), *deps = json_array(), *top = json_array(), **layer_comps;
	char uuid[37], ts[32], *short_name = lb_sbom_image_short_name(in), *t;

	lb_sbom_ids_cdx(in, &x.ids);
	if (in->with_files)
		lb_sbom_owners(in, &x.owners);
	lb_sbom_uuid(in, "cyclonedx-1.6", uuid);
	lb_sbom_time_str(in->created, ts, sizeof(ts));

	set_str(doc, "bomFormat", "CycloneDX");
	set_str(doc, "specVersion", "1.6");
	set_own(doc, "serialNumber", lb_xasprintf("urn:uuid:%s", uuid));
	json_object_set_new(doc, "version", json_integer(1));

	set_str(md, "timestamp", ts);
	tools = json_object();
	tc = json_object();
	set_str(tc, "type", "application");
	set_str(tc, "name", "layerbom");
	set_str(tc, "version", in->tool_version ? in->tool_version : "unknown");
	json_array_append_new(arr_of(tools, "components"), tc);
	json_object_set_new(md, "tools", tools);

	set_str(img, "type", "container");
	set_str(img, "bom-ref", x.ids.image);
	set_str(img, "name", short_name);
	set_str(img, "version", lb_sbom_image_digest(in));
	if ((t = lb_sbom_image_purl(in))) {
		set_str(img, "purl", t);
		free(t);
	}
	if (in->image_name)
		prop(img, "reference", in->image_name);
	if (in->manifest_digest)
		prop(img, "manifest-digest", in->manifest_digest);
	if (in->config_digest)
		prop(img, "config-digest", in->config_digest);
	if (in->os || in->arch) {
		t = lb_xasprintf("%s/%s%s%s", in->os ? in->os : "?", in->arch ? in->arch : "?",
				 in->variant ? "/" : "", in->variant ? in->variant : "");
		prop(img, "platform", t);
		free(t);
	}
	json_object_set_new(md, "component", img);
	prop(md, "scope", in->all_layers ? "all-layers" : "squashed");
	json_object_set_new(doc, "metadata", md);

	/* layers, then what they hold */
	layer_comps = lb_xcalloc(in->nlayers + 1, sizeof(json_t *));
	x.holds = lb_xcalloc(in->nlayers + 1, sizeof(json_t *));
	for (size_t i = 0; i < in->nlayers; i++) {
		const struct lb_sbom_layer *l = &in->layers[i];
		json_t *o = json_object();
		unsigned char d[32];

		set_str(o, "type", "file");
		set_str(o, "bom-ref", x.ids.layer[i]);
		set_own(o, "name", l->diff_id ? lb_xstrdup(l->diff_id) : lb_xasprintf("layer-%zu", i + 1));
		set_own(o, "description", lb_xasprintf("layer %zu of %zu; created by: %s", i + 1, in->nlayers,
						       l->created_by ? l->created_by : "unknown"));
		if (l->diff_id && lb_str_has_prefix(l->diff_id, "sha256:") && strlen(l->diff_id) == 71 &&
		    lb_unhex(d, l->diff_id + 7, 32) == 0)
			hash(o, "SHA-256", d, 32);
		t = lb_xasprintf("%zu", i + 1);
		prop(o, "layer-index", t);
		free(t);
		if (l->created_by)
			prop(o, "created-by", l->created_by);
		if (l->digest)
			prop(o, "blob-digest", l->digest);
		t = lb_xasprintf("%llu", (unsigned long long)l->size);
		prop(o, "size", t);
		free(t);
		layer_comps[i] = o;
		x.holds[i] = json_array();
		json_array_append_new(top, jclean(x.ids.layer[i]));
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];
		json_t *o = component(&x, i);

		if (c->introduced >= 0 && (size_t)c->introduced < in->nlayers) {
			json_array_append_new(arr_of(layer_comps[c->introduced], "components"), o);
			json_array_append_new(x.holds[c->introduced], jclean(x.ids.comp[i]));
		} else {
			json_array_append_new(top, jclean(x.ids.comp[i]));
			json_array_append_new(comps, o);
		}
	}
	if (in->with_files) {
		x.comp_holds = lb_xcalloc(m->n + 1, sizeof(json_t *));
		for (size_t i = 0; i < in->nfiles; i++) {
			json_t *o = file_component(&x, i);
			int l = in->files[i].layer;

			for (size_t k = x.owners.start[i]; k < x.owners.start[i + 1]; k++) {
				size_t c = x.owners.own[k];

				if (c == (size_t)-1)
					continue;
				if (!x.comp_holds[c])
					x.comp_holds[c] = json_array();
				json_array_append_new(x.comp_holds[c], jclean(x.ids.file[i]));
			}
			if (l >= 0 && (size_t)l < in->nlayers) {
				json_array_append_new(arr_of(layer_comps[l], "components"), o);
				json_array_append_new(x.holds[l], jclean(x.ids.file[i]));
			} else {
				json_array_append_new(top, jclean(x.ids.file[i]));
				json_array_append_new(comps, o);
			}
		}
	}
	/* layers first, then the components no layer holds */
	for (size_t i = in->nlayers; i-- > 0;)
		json_array_insert_new(comps, 0, layer_comps[i]);
	json_object_set_new(doc, "components", comps);

	dep(deps, x.ids.image, top);
	for (size_t i = 0; i < in->nlayers; i++)
		dep(deps, x.ids.layer[i], x.holds[i]);
	for (size_t i = 0; i < m->n; i++)
		dep(deps, x.ids.comp[i], x.comp_holds ? x.comp_holds[i] : NULL);
	for (size_t i = 0; i < in->nfiles && in->with_files; i++)
		dep(deps, x.ids.file[i], NULL);
	json_object_set_new(doc, "dependencies", deps);

	free(layer_comps);
	free(x.holds);
	free(x.comp_holds);
	if (in->with_files)
		lb_sbom_owners_release(&x.owners);
	lb_sbom_ids_release(&x.ids);
	free(short_name);
	return doc;
}

static int cdx_json(const struct lb_sbom_input *in, FILE *out)
{
	json_t *doc = build(in);
	int r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(doc);
	if (r != 0 || fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
		return LB_ERR_OUTPUT;
	return 0;
}

/* ---- XML: the same tree, in bom-1.6.xsd's element order ---- */

#define X(s) ((const xmlChar *)(s))

static const char *js(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int el(xmlTextWriterPtr w, const char *name, const char *v)
{
	if (!v)
		return 0;
	return xmlTextWriterWriteElement(w, X(name), X(v)) < 0 ? -1 : 0;
}

static int num(xmlTextWriterPtr w, const char *name, const json_t *v)
{
	char b[32];

	if (!v)
		return 0;
	snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(v));
	return el(w, name, b);
}

static int attr(xmlTextWriterPtr w, const char *name, const char *v)
{
	if (!v)
		return 0;
	return xmlTextWriterWriteAttribute(w, X(name), X(v)) < 0 ? -1 : 0;
}

static int start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, X(name)) < 0 ? -1 : 0;
}

static int end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int x_properties(xmlTextWriterPtr w, const json_t *o)
{
	const json_t *a = json_object_get(o, "properties"), *p;
	size_t i;
	int r = 0;

	if (!a)
		return 0;
	r |= start(w, "properties");
	json_array_foreach(a, i, p) {
		r |= start(w, "property");
		r |= attr(w, "name", js(p, "name"));
		r |= xmlTextWriterWriteString(w, X(js(p, "value"))) < 0;
		r |= end(w);
	}
	return r | end(w);
}

static int x_hashes(xmlTextWriterPtr w, const json_t *o)
{
	const json_t *a = json_object_get(o, "hashes"), *h;
	size_t i;
	int r = 0;

	if (!a)
		return 0;
	r |= start(w, "hashes");
	json_array_foreach(a, i, h) {
		r |= start(w, "hash");
		r |= attr(w, "alg", js(h, "alg"));
		r |= xmlTextWriterWriteString(w, X(js(h, "content"))) < 0;
		r |= end(w);
	}
	return r | end(w);
}

static int x_licenses(xmlTextWriterPtr w, const json_t *a)
{
	const json_t *e;
	size_t i;
	int r = 0;

	if (!a)
		return 0;
	r |= start(w, "licenses");
	json_array_foreach(a, i, e) {
		const json_t *l = json_object_get(e, "license");

		if (l) {
			const json_t *t = json_object_get(l, "text");

			r |= start(w, "license");
			r |= attr(w, "acknowledgement", js(l, "acknowledgement"));
			r |= el(w, "id", js(l, "id"));
			r |= el(w, "name", js(l, "name"));
			if (t) {
				r |= start(w, "text");
				r |= attr(w, "content-type", js(t, "contentType"));
				r |= xmlTextWriterWriteString(w, X(js(t, "content"))) < 0;
				r |= end(w);
			}
			r |= end(w);
		} else {
			r |= start(w, "expression");
			r |= attr(w, "acknowledgement", js(e, "acknowledgement"));
			r |= xmlTextWriterWriteString(w, X(js(e, "expression"))) < 0;
			r |= end(w);
		}
	}
	return r | end(w);
}

static int x_evidence(xmlTextWriterPtr w, const json_t *ev)
{
	const json_t *e, *m;
	size_t i, k;
	int r = 0;

	if (!ev)
		return 0;
	r |= start(w, "evidence");
	json_array_foreach(json_object_get(ev, "identity"), i, e) {
		r |= start(w, "identity");
		r |= el(w, "field", js(e, "field"));
		r |= num(w, "confidence", json_object_get(e, "confidence"));
		r |= start(w, "methods");
		json_array_foreach(json_object_get(e, "methods"), k, m) {
			r |= start(w, "method");
			r |= el(w, "technique", js(m, "technique"));
			r |= num(w, "confidence", json_object_get(m, "confidence"));
			r |= el(w, "value", js(m, "value"));
			r |= end(w);
		}
		r |= end(w);
		r |= end(w);
	}
	if (json_object_get(ev, "occurrences")) {
		r |= start(w, "occurrences");
		json_array_foreach(json_object_get(ev, "occurrences"), i, e) {
			r |= start(w, "occurrence");
			r |= el(w, "location", js(e, "location"));
			r |= el(w, "additionalContext", js(e, "additionalContext"));
			r |= end(w);
		}
		r |= end(w);
	}
	r |= x_licenses(w, json_object_get(ev, "licenses"));
	if (json_object_get(ev, "copyright")) {
		r |= start(w, "copyright");
		json_array_foreach(json_object_get(ev, "copyright"), i, e)
			r |= el(w, "text", js(e, "text"));
		r |= end(w);
	}
	return r | end(w);
}

static int x_component(xmlTextWriterPtr w, const json_t *o)
{
	const json_t *s = json_object_get(o, "supplier"), *a, *e;
	size_t i;
	int r = 0;

	r |= start(w, "component");
	r |= attr(w, "type", js(o, "type"));
	r |= attr(w, "bom-ref", js(o, "bom-ref"));
	if (s) {
		r |= start(w, "supplier");
		r |= el(w, "name", js(s, "name"));
		r |= end(w);
	}
	if ((a = json_object_get(o, "authors"))) {
		r |= start(w, "authors");
		json_array_foreach(a, i, e) {
			r |= start(w, "author");
			r |= el(w, "name", js(e, "name"));
			r |= el(w, "email", js(e, "email"));
			r |= end(w);
		}
		r |= end(w);
	}
	r |= el(w, "name", js(o, "name"));
	r |= el(w, "version", js(o, "version"));
	r |= el(w, "description", js(o, "description"));
	r |= x_hashes(w, o);
	r |= x_licenses(w, json_object_get(o, "licenses"));
	r |= el(w, "copyright", js(o, "copyright"));
	r |= el(w, "cpe", js(o, "cpe"));
	r |= el(w, "purl", js(o, "purl"));
	if ((a = json_object_get(o, "externalReferences"))) {
		r |= start(w, "externalReferences");
		json_array_foreach(a, i, e) {
			r |= start(w, "reference");
			r |= attr(w, "type", js(e, "type"));
			r |= el(w, "url", js(e, "url"));
			r |= end(w);
		}
		r |= end(w);
	}
	r |= x_properties(w, o);
	if ((a = json_object_get(o, "components"))) {
		r |= start(w, "components");
		json_array_foreach(a, i, e)
			r |= x_component(w, e);
		r |= end(w);
	}
	r |= x_evidence(w, json_object_get(o, "evidence"));
	return r | end(w);
}

static int write_xml(xmlTextWriterPtr w, const json_t *doc)
{
	const json_t *md = json_object_get(doc, "metadata"), *e, *d;
	size_t i, k;
	int r = 0;

	r |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	r |= start(w, "bom");
	r |= attr(w, "xmlns", "http://cyclonedx.org/schema/bom/1.6");
	r |= attr(w, "serialNumber", js(doc, "serialNumber"));
	r |= attr(w, "version", "1");
	r |= start(w, "metadata");
	r |= el(w, "timestamp", js(md, "timestamp"));
	r |= start(w, "tools");
	r |= start(w, "components");
	json_array_foreach(json_object_get(json_object_get(md, "tools"), "components"), i, e)
		r |= x_component(w, e);
	r |= end(w);
	r |= end(w);
	r |= x_component(w, json_object_get(md, "component"));
	r |= x_properties(w, md);
	r |= end(w);
	r |= start(w, "components");
	json_array_foreach(json_object_get(doc, "components"), i, e)
		r |= x_component(w, e);
	r |= end(w);
	r |= start(w, "dependencies");
	json_array_foreach(json_object_get(doc, "dependencies"), i, e) {
		r |= start(w, "dependency");
		r |= attr(w, "ref", js(e, "ref"));
		json_array_foreach(json_object_get(e, "dependsOn"), k, d) {
			r |= start(w, "dependency");
			r |= attr(w, "ref", json_string_value(d));
			r |= end(w);
		}
		r |= end(w);
	}
	r |= end(w);
	r |= end(w);
	r |= xmlTextWriterEndDocument(w) < 0;
	return r ? -1 : 0;
}

static int cdx_xml(const struct lb_sbom_input *in, FILE *out)
{
	json_t *doc = build(in);
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	int r;

	if (!w)
		BUG("cannot create an XML writer");
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, X("  "));
	r = write_xml(w, doc);
	xmlFreeTextWriter(w);
	json_decref(doc);
	if (r)
		BUG("the XML writer failed on a clean document");
	r = fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out) == (size_t)xmlBufferLength(buf) ? 0 : -1;
	xmlBufferFree(buf);
	if (r || fflush(out) != 0 || ferror(out))
		return LB_ERR_OUTPUT;
	return 0;
}

const struct lb_emitter lb_emitter_cyclonedx_json = {
	.name = "cyclonedx-json",
	.emit = cdx_json,
};

const struct lb_emitter lb_emitter_cyclonedx_xml = {
	.name = "cyclonedx-xml",
	.emit = cdx_xml,
};
