/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dump_model: runs a scan with every detector and prints the component
 * model as JSON, every field, for the detector tests (tests/detectors/).
 * A test tool, not a product format: the SBOM emitters are the product.
 *
 *   dump_model [--all-layers] IMAGE
 *
 * Output: {"components": [{...}], "refs": [{"id", "name", "text"}],
 *          "warnings": [...]}.  Exit 0, or 3 with the error on stderr.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "detector.h"
#include "scan.h"

static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *comp_json(const struct lb_component *c)
{
	json_t *o = json_object(), *a;
	char hex[65];

	json_object_set_new(o, "id", str(c->id));
	json_object_set_new(o, "type", json_string(lb_comp_type_name(c->type)));
	json_object_set_new(o, "found_by", str(c->found_by));
	json_object_set_new(o, "name", str(c->name));
	json_object_set_new(o, "version", str(c->version));
	json_object_set_new(o, "purl", str(c->purl));
	json_object_set_new(o, "cpe", str(c->cpe));
	json_object_set_new(o, "supplier", str(c->supplier));
	json_object_set_new(o, "author", str(c->author));
	json_object_set_new(o, "source_name", str(c->source_name));
	json_object_set_new(o, "source_version", str(c->source_version));
	json_object_set_new(o, "arch", str(c->arch));
	json_object_set_new(o, "summary", str(c->summary));
	json_object_set_new(o, "homepage", str(c->homepage));
	json_object_set_new(o, "declared", str(c->declared));
	json_object_set_new(o, "declared_raw", str(c->declared_raw));
	json_object_set_new(o, "concluded", str(c->concluded));
	json_object_set_new(o, "introduced", json_integer(c->introduced));
	json_object_set_new(o, "last_changed", json_integer(c->last_changed));
	json_object_set_new(o, "removed", json_integer(c->removed));
	if (c->has_digest) {
		lb_hex(hex, c->sha256, 32);
		json_object_set_new(o, "sha256", json_string(hex));
		lb_hex(hex, c->sha1, 20);
		json_object_set_new(o, "sha1", json_string(hex));
	}
	a = json_array();
	for (size_t i = 0; i < c->ncopyrights; i++)
		json_array_append_new(a, json_string(c->copyrights[i]));
	json_object_set_new(o, "copyrights", a);
	a = json_array();
	for (size_t i = 0; i < c->nev; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "kind", json_string(lb_evidence_kind_name(c->ev[i].kind)));
		json_object_set_new(e, "path", str(c->ev[i].path));
		json_object_set_new(e, "layer", json_integer(c->ev[i].layer));
		json_object_set_new(e, "field", str(c->ev[i].field));
		json_object_set_new(e, "detail", str(c->ev[i].detail));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "evidence", a);
	a = json_array();
	for (size_t i = 0; i < c->nfiles; i++)
		json_array_append_new(a, json_stringn(c->files[i], strlen(c->files[i])));
	json_object_set_new(o, "files", a);
	a = json_object();
	for (size_t i = 0; i < c->nprops; i++)
		json_object_set_new(a, c->props[i].name, str(c->props[i].value));
	json_object_set_new(o, "props", a);
	return o;
}

int main(int argc, char **argv)
{
	struct lb_scan_opts so = { .detectors = lb_detectors, .ndetectors = lb_ndetectors, .jobs = 2 };
	struct lb_scan *s;
	json_t *root, *a;
	int r, i = 1;

	if (i < argc && strcmp(argv[i], "--all-layers") == 0) {
		so.all_layers = 1;
		i++;
	}
	if (i + 1 != argc) {
		fputs("usage: dump_model [--all-layers] IMAGE\n", stderr);
		return 2;
	}
	r = lb_scan_run(argv[i], &so, &s);
	if (r) {
		fprintf(stderr, "dump_model: %s\n", s->log.error ? s->log.error : "failed");
		lb_scan_free(s);
		return 3;
	}
	root = json_object();
	a = json_array();
	for (size_t k = 0; k < s->model.n; k++)
		json_array_append_new(a, comp_json(s->model.v[k]));
	json_object_set_new(root, "components", a);
	a = json_array();
	for (size_t k = 0; k < s->model.nrefs; k++) {
		json_t *o = json_object();

		json_object_set_new(o, "id", str(s->model.refs[k].id));
		json_object_set_new(o, "name", str(s->model.refs[k].name));
		json_object_set_new(o, "text", str(s->model.refs[k].text));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "refs", a);
	a = json_array();
	for (size_t k = 0; k < s->model.nunowned; k++) {
		json_t *o = json_object();

		json_object_set_new(o, "path", str(s->model.unowned[k].path));
		json_object_set_new(o, "layer", json_integer(s->model.unowned[k].layer));
		json_object_set_new(o, "expression", str(s->model.unowned[k].expr));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "unowned_license_files", a);
	a = json_array();
	for (size_t k = 0; k < s->log.nwarnings; k++)
		json_array_append_new(a, json_string(s->log.warnings[k]));
	json_object_set_new(root, "warnings", a);
	json_dumpf(root, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
	putchar('\n');
	json_decref(root);
	lb_scan_free(s);
	return 0;
}
