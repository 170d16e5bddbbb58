/* SPDX-License-Identifier: Apache-2.0 */
#include "emit.h"

#include <string.h>

static void human(char *buf, size_t n, uint64_t bytes)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)bytes;
	unsigned u = 0;

	while (v >= 1000 && u + 1 < LB_ARRAY_SIZE(unit)) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, n, "%.1f %s", v, unit[u]);
}

/* created_by on one line, shortened for a terminal. */
static void put_history(FILE *out, const char *h)
{
	struct lb_buf b;
	size_t n;

	if (!h) {
		fputs("-", out);
		return;
	}
	if (lb_str_has_prefix(h, "/bin/sh -c #(nop) "))
		h += 18;
	else if (lb_str_has_prefix(h, "/bin/sh -c "))
		h += 11;
	while (*h == ' ')
		h++;
	n = strlen(h);
	lb_buf_init(&b, 4096);
	lb_buf_add_escaped(&b, h, n > 60 ? 60 : n);
	fprintf(out, "%s%s", b.p ? b.p : "", n > 60 ? "..." : "");
	lb_buf_release(&b);
}

static void put_field(FILE *out, const char *v, int width)
{
	struct lb_buf b;

	lb_buf_init(&b, 1u << 16);
	lb_buf_add_escaped(&b, v ? v : "-", strlen(v ? v : "-"));
	if (width)
		fprintf(out, "%-*s", width, b.p ? b.p : "");
	else
		fputs(b.p ? b.p : "", out);
	lb_buf_release(&b);
}

/* One row per component: TYPE NAME VERSION LICENSE LAYER PURL.  Columns
 * are padded to the widest value (capped), so the table reads in a
 * terminal and splits on runs of spaces. */
static void put_components(const struct lb_scan *s, FILE *out)
{
	const struct lb_model *m = &s->model;
	int w[3] = { 4, 7, 7 };

	if (!m->n)
		return;
	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];
		int l[3] = { (int)strlen(c->name), c->version ? (int)strlen(c->version) : 1,
			     c->declared ? (int)strlen(c->declared) : 11 };

		for (int k = 0; k < 3; k++)
			if (l[k] > w[k])
				w[k] = l[k] > 40 ? 40 : l[k];
	}
	fprintf(out, "\n%-11s %-*s %-*s %-*s %-5s %s\n", "TYPE", w[0], "NAME", w[1], "VERSION", w[2],
		"LICENSE", "LAYER", "PURL");
	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];
		char layer[32];

		fprintf(out, "%-11s ", lb_comp_type_name(c->type));
		put_field(out, c->name, w[0]);
		fputc(' ', out);
		put_field(out, c->version, w[1]);
		fputc(' ', out);
		put_field(out, c->declared ? c->declared : "NOASSERTION", w[2]);
		if (c->removed >= 0)
			snprintf(layer, sizeof(layer), "%d-%d", c->introduced + 1, c->removed + 1);
		else if (c->introduced >= 0)
			snprintf(layer, sizeof(layer), "%d", c->introduced + 1);
		else
			snprintf(layer, sizeof(layer), "-");
		fprintf(out, " %-5s ", layer);
		put_field(out, c->purl, 0);
		fputc('\n', out);
	}
}

/* License files no component owns: they still bind whoever ships them. */
static void put_unowned(const struct lb_scan *s, FILE *out)
{
	const struct lb_model *m = &s->model;

	if (!m->nunowned)
		return;
	fprintf(out, "\nLicense files no component owns:\n");
	for (size_t i = 0; i < m->nunowned; i++) {
		fprintf(out, "  ");
		put_field(out, m->unowned[i].path, 0);
		fprintf(out, "  %s  (layer %d)\n", m->unowned[i].expr ? m->unowned[i].expr : "NOASSERTION",
			m->unowned[i].layer + 1);
	}
}

int lb_emit_table(const struct lb_scan *s, FILE *out)
{
	const struct lb_image *img = s->img;
	uint64_t stored = 0, size = 0;
	size_t files = 0;
	char a[32], b[32];

	for (size_t i = 0; i < s->nlayers; i++) {
		stored += s->layers[i].stored_size;
		size += s->layers[i].size;
	}
	for (size_t i = 0; i < s->view.n; i++)
		files += s->view.v[i]->type == LB_FT_FILE;
	fprintf(out, "Image:     %s (%s)\n", lb_image_path(img), lb_image_kind_name(lb_image_kind(img)));
	if (lb_image_name(img))
		fprintf(out, "Name:      %s\n", lb_image_name(img));
	if (lb_image_manifest_digest(img))
		fprintf(out, "Manifest:  %s\n", lb_image_manifest_digest(img));
	if (lb_image_config_digest(img))
		fprintf(out, "Config:    %s\n", lb_image_config_digest(img));
	if (lb_image_os(img) || lb_image_arch(img))
		fprintf(out, "Platform:  %s/%s%s%s\n", lb_image_os(img) ? lb_image_os(img) : "?",
			lb_image_arch(img) ? lb_image_arch(img) : "?", lb_image_variant(img) ? "/" : "",
			lb_image_variant(img) ? lb_image_variant(img) : "");
	if (s->os.pretty_name || s->os.id)
		fprintf(out, "OS:        %s (from %s)\n", s->os.pretty_name ? s->os.pretty_name : s->os.id,
			s->os.source);
	human(a, sizeof(a), stored);
	human(b, sizeof(b), size);
	fprintf(out, "Layers:    %zu, %s stored, %s unpacked\n", s->nlayers, a, b);
	fprintf(out, "Files:     %zu entries in the final view, %zu regular files\n\n", s->view.n, files);
	fprintf(out, "%-3s %-71s %10s %8s  %s\n", "#", "DIFF ID", "SIZE", "ENTRIES", "CREATED BY");
	for (size_t i = 0; i < s->nlayers; i++) {
		const struct lb_layer *l = &s->layers[i];
		size_t n = 0;

		for (size_t k = 0; k < l->nentries; k++)
			n += !(l->entries[k].flags & LB_EF_IMPLICIT);
		human(a, sizeof(a), l->size);
		fprintf(out, "%-3zu %-71s %10s %8zu  ", i + 1, lb_scan_layer_id(s, (unsigned)i), a, n);
		put_history(out, l->created_by);
		fputc('\n', out);
	}
	put_components(s, out);
	put_unowned(s, out);
	if (fflush(out) != 0 || ferror(out))
		return LB_ERR_OUTPUT;
	return 0;
}
