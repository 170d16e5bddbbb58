/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the html emitter (core/emit_html.c): the input's
 * lines become the strings of a scan's model (image name, layers,
 * components, evidence, copyright statements, unowned license files), and
 * the page written for it must be well-formed and keep every string from
 * the input as text:
 *  - valid UTF-8;
 *  - a '<' only where a tag of the page starts, tags from the page's own
 *    set, properly nested, attribute values quoted, every '&' an entity
 *    the emitter writes, no raw '>' in text;
 *  - the same sequence of tags, attributes included, as the page of the
 *    same model whose strings are all replaced by their hex encoding
 *    (which keeps their order, so the rows come in the same order): no
 *    byte of the input ever becomes markup.
 *
 * Input: lines.  The first six are the image name, its path, the manifest
 * digest, os, arch and tool version (an empty line: NULL).  Then records,
 * each a tag line and its fields on the following lines:
 *   L            a layer: diff ID, created_by
 *   C<t><d><i>   a component of type t (digit: enum lb_comp_type), its
 *                license dialect d (digit: enum lb_license_dialect) and
 *                the layer i that introduced it (digit, else none): name,
 *                version, purl, declared license, concluded license
 *   E<k>         evidence of kind k (digit: enum lb_evidence_kind) for the
 *                last component: path, field,
 *                detail
 *   R...         a copyright statement of the last component (the rest of
 *                the line)
 *   U<i>         an unowned license file in layer i: path, expression
 * Other lines are skipped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_common.h"
#include "model.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_html: %s (line %d)\n", #c, __LINE__); \
		__builtin_trap(); } } while (0)

#define MAX_FIELD 512            /* bytes kept of a line: hex stays under the model's caps */
#define MAX_LINES 4096
#define MAX_LAYERS 32
#define MAX_COMPS 256
#define MAX_DEPTH 64

struct lines {
	char **v;
	size_t n, pos;
};

static const char *next(struct lines *ls)
{
	return ls->pos < ls->n ? ls->v[ls->pos++] : NULL;
}

/* The next line, NULL when it is empty or missing. */
static const char *next_opt(struct lines *ls)
{
	const char *s = next(ls);

	return s && *s ? s : NULL;
}

/* A digit's value, else the byte's. */
static unsigned digit(char c)
{
	return c >= '0' && c <= '9' ? (unsigned)(c - '0') : (unsigned char)c;
}

static char *hex(const char *s)
{
	size_t n;
	char *h;

	if (!s)
		return NULL;
	n = strlen(s);
	h = malloc(2 * n + 1);
	if (!h)
		abort();
	lb_hex(h, (const unsigned char *)s, n);
	return h;
}

/* ---- the model from the input ---- */

struct page {
	struct lb_model m;
	struct lb_sbom_layer layers[MAX_LAYERS];
	struct lb_sbom_input in;
	char *strs[2 * MAX_LAYERS + 8];   /* strings of in and layers, owned */
	size_t nstrs;
};

static const char *keep(struct page *p, char *s)
{
	if (s)
		p->strs[p->nstrs++] = s;
	return s;
}

static const char *dup_opt(struct page *p, const char *s)
{
	return keep(p, s ? lb_xstrdup(s) : NULL);
}

static void page_release(struct page *p)
{
	lb_model_release(&p->m);
	for (size_t i = 0; i < p->nstrs; i++)
		free(p->strs[i]);
}

static void build(struct page *p, struct lines *ls)
{
	struct lb_model *m = &p->m;
	struct lb_component *c = NULL;
	const char *t;

	memset(p, 0, sizeof(*p));
	lb_model_init(m);
	p->in.image_name = dup_opt(p, next_opt(ls));
	p->in.image_path = dup_opt(p, next_opt(ls));
	p->in.manifest_digest = dup_opt(p, next_opt(ls));
	p->in.os = dup_opt(p, next_opt(ls));
	p->in.arch = dup_opt(p, next_opt(ls));
	p->in.tool_version = dup_opt(p, next_opt(ls));
	while ((t = next(ls))) {
		if (t[0] == 'L' && p->in.nlayers < MAX_LAYERS) {
			struct lb_sbom_layer *l = &p->layers[p->in.nlayers++];

			l->diff_id = dup_opt(p, next_opt(ls));
			l->created_by = dup_opt(p, next_opt(ls));
			l->size = (uint64_t)p->in.nlayers * 1000003u;
		} else if (t[0] == 'C' && m->n < MAX_COMPS) {
			enum lb_comp_type type = (enum lb_comp_type)(t[1] ? digit(t[1]) % 5 : 1);
			enum lb_license_dialect d = (enum lb_license_dialect)(t[1] && t[2] ? digit(t[2]) % 5 : 0);
			int intro = t[1] && t[2] && t[3] >= '0' && t[3] <= '9' ? t[3] - '0' : -1;
			const char *name = next(ls), *version = next_opt(ls), *purl = next_opt(ls);
			const char *declared = next_opt(ls), *concluded = next_opt(ls);

			c = lb_model_add(m, type, name ? name : "", version, "fuzz");
			lb_comp_set(&c->purl, purl);
			/* ids never show; unique ones keep the order of the rows
			 * the same in both pages */
			free(c->id);
			c->id = lb_xasprintf("c%03zu", m->n);
			if (declared)
				lb_comp_set_license(m, c, LB_LIC_DECLARED, declared, d, NULL, NULL);
			if (concluded)
				lb_comp_set_license(m, c, LB_LIC_CONCLUDED, concluded, d, NULL, NULL);
			c->introduced = c->last_changed = intro;
		} else if (t[0] == 'E' && c) {
			enum lb_evidence_kind k = (enum lb_evidence_kind)(t[1] ? digit(t[1]) % 4 : 0);
			const char *path = next_opt(ls), *field = next_opt(ls), *detail = next_opt(ls);

			lb_comp_add_evidence(c, k, path, 0, field, detail);
		} else if (t[0] == 'R' && c) {
			lb_comp_add_copyright(c, t + 1, strlen(t + 1));
		} else if (t[0] == 'U') {
			int layer = t[1] >= '0' && t[1] <= '9' ? t[1] - '0' : 0;
			const char *path = next(ls), *expr = next_opt(ls);

			lb_model_add_unowned(m, path ? path : "", layer, expr);
		}
	}
	lb_model_finish(m);
	p->in.layers = p->layers;
	p->in.model = m;
}

/* The same model, every string that is shown replaced by its hex
 * encoding; licenses (which decide verdicts and categories) kept. */
static void build_hex(struct page *p, const struct page *src)
{
	const struct lb_model *sm = &src->m;
	struct lb_model *m = &p->m;

	memset(p, 0, sizeof(*p));
	lb_model_init(m);
	p->in.image_name = keep(p, hex(src->in.image_name));
	p->in.image_path = keep(p, hex(src->in.image_path));
	p->in.manifest_digest = keep(p, hex(src->in.manifest_digest));
	p->in.os = keep(p, hex(src->in.os));
	p->in.arch = keep(p, hex(src->in.arch));
	p->in.tool_version = keep(p, hex(src->in.tool_version));
	p->in.nlayers = src->in.nlayers;
	for (size_t i = 0; i < src->in.nlayers; i++) {
		p->layers[i].diff_id = keep(p, hex(src->layers[i].diff_id));
		p->layers[i].created_by = keep(p, hex(src->layers[i].created_by));
		p->layers[i].size = src->layers[i].size;
	}
	for (size_t i = 0; i < sm->nrefs; i++)
		lb_model_add_ref(m, sm->refs[i].id, sm->refs[i].name, sm->refs[i].text);
	for (size_t i = 0; i < sm->n; i++) {
		const struct lb_component *s = sm->v[i];
		char *name = hex(s->name), *version = hex(s->version), *x;
		struct lb_component *c = lb_model_add(m, s->type, name, version, "fuzz");

		free(name);
		free(version);
		x = hex(s->purl);
		lb_comp_set(&c->purl, x);
		free(x);
		x = hex(s->id);
		lb_comp_set(&c->id, x);
		free(x);
		lb_comp_set(&c->declared, s->declared);
		lb_comp_set(&c->concluded, s->concluded);
		c->introduced = s->introduced;
		c->last_changed = s->last_changed;
		c->removed = s->removed;
		for (size_t k = 0; k < s->nev; k++) {
			char *path = hex(s->ev[k].path), *field = hex(s->ev[k].field), *detail = hex(s->ev[k].detail);

			lb_comp_add_evidence(c, s->ev[k].kind, path, s->ev[k].layer, field, detail);
			free(path);
			free(field);
			free(detail);
		}
		for (size_t k = 0; k < s->ncopyrights; k++) {
			x = hex(s->copyrights[k]);
			lb_comp_add_copyright(c, x, strlen(x));
			free(x);
		}
	}
	for (size_t i = 0; i < sm->nunowned; i++) {
		char *path = hex(sm->unowned[i].path), *expr = hex(sm->unowned[i].expr);

		lb_model_add_unowned(m, path, sm->unowned[i].layer, expr);
		free(path);
		free(expr);
	}
	lb_model_finish(m);
	p->in.layers = p->layers;
	p->in.model = m;
}

/* ---- the page ---- */

static char *emit(const struct page *p, size_t *len)
{
	char *doc = NULL;
	FILE *f = open_memstream(&doc, len);

	if (!f)
		abort();
	CHECK(lb_emitter_html.emit(&p->in, f) == 0);
	fclose(f);
	return doc;
}

static int one_of(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, s, n) == 0)
			return 1;
	return 0;
}

static const char *const page_tags[] = {
	"html", "head", "meta", "title", "style", "body", "header", "h1", "div", "main", "section",
	"h2", "b", "p", "span", "table", "thead", "tbody", "tr", "th", "td", "i", "input",
	"details", "summary", "br", "script", NULL
};
static const char *const void_tags[] = { "meta", "input", "br", NULL };
static const char *const entities[] = { "amp", "lt", "gt", "quot", "#39", "middot", NULL };

/* Checks the page and returns its tags (interiors, and the contents of
 * script and style), one per line, to free(). */
static char *tags_of(const char *d, size_t len)
{
	struct lb_buf out;
	const char *stack[MAX_DEPTH];
	size_t depth = 0, sl[MAX_DEPTH], pos = 0;

	lb_buf_init(&out, len + 2);
	CHECK(lb_utf8_valid(d, len));
	CHECK(len > 16 && memcmp(d, "<!DOCTYPE html>\n", 16) == 0);
	pos = 16;
	while (pos < len) {
		const char *gt, *in, *name;
		size_t n, nl, quotes = 0;
		int closing;

		if (d[pos] == '&') {
			const char *semi = memchr(d + pos, ';', len - pos < 10 ? len - pos : 10);

			CHECK(semi && one_of(d + pos + 1, (size_t)(semi - d - pos - 1), entities));
			pos = (size_t)(semi - d) + 1;
			continue;
		}
		CHECK(d[pos] != '>');
		if (d[pos] != '<') {
			pos++;
			continue;
		}
		gt = memchr(d + pos, '>', len - pos);
		CHECK(gt);
		in = d + pos + 1;
		n = (size_t)(gt - in);
		CHECK(n > 0 && !memchr(in, '<', n));
		for (size_t k = 0; k < n; k++)
			quotes += in[k] == '"';
		CHECK(quotes % 2 == 0);
		lb_buf_add(&out, in, n);
		lb_buf_add(&out, "\n", 1);
		closing = in[0] == '/';
		name = in + closing;
		for (nl = 0; nl < n - (size_t)closing && name[nl] != ' '; nl++)
			;
		CHECK(one_of(name, nl, page_tags));
		pos = (size_t)(gt - d) + 1;
		if (closing) {
			CHECK(depth > 0 && sl[depth - 1] == nl && memcmp(stack[depth - 1], name, nl) == 0);
			depth--;
			continue;
		}
		if (one_of(name, nl, void_tags))
			continue;
		CHECK(depth < MAX_DEPTH);
		stack[depth] = name;
		sl[depth++] = nl;
		if (one_of(name, nl, (const char *const[]){ "script", "style", NULL })) {
			/* raw text up to its end tag, compared as a whole */
			const char *end = memmem(d + pos, len - pos, "</", 2);

			CHECK(end && (size_t)(len - (size_t)(end - d)) > nl + 2 &&
			      memcmp(end + 2, name, nl) == 0 && end[2 + nl] == '>');
			lb_buf_add(&out, d + pos, (size_t)(end - d) - pos);
			lb_buf_add(&out, "\n", 1);
			pos = (size_t)(end - d);
		}
	}
	CHECK(depth == 0);
	CHECK(len >= 8 && memcmp(d + len - 8, "</html>\n", 8) == 0);
	if (!out.p)
		return lb_xstrdup("");
	return lb_buf_detach(&out, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lines ls = { 0 };
	struct page *p = lb_xcalloc(1, sizeof(*p)), *h = lb_xcalloc(1, sizeof(*h));
	char *copy = lb_xmalloc(size + 1), *doc, *hdoc, *tags, *htags;
	size_t len, hlen;

	memcpy(copy, data, size);
	copy[size] = '\0';
	ls.v = lb_xcalloc(MAX_LINES, sizeof(*ls.v));
	for (char *s = copy; ls.n < MAX_LINES; ) {
		char *nl = strchr(s, '\n');

		if (nl)
			*nl = '\0';
		if (strlen(s) > MAX_FIELD)
			s[MAX_FIELD] = '\0';
		ls.v[ls.n++] = s;
		if (!nl)
			break;
		s = nl + 1;
	}
	build(p, &ls);
	build_hex(h, p);
	doc = emit(p, &len);
	hdoc = emit(h, &hlen);
	tags = tags_of(doc, len);
	htags = tags_of(hdoc, hlen);
	if (strcmp(tags, htags) != 0) {
		fprintf(stderr, "fuzz_html: the input's strings changed the markup\n");
		__builtin_trap();
	}
	free(tags);
	free(htags);
	free(doc);
	free(hdoc);
	page_release(p);
	page_release(h);
	free(p);
	free(h);
	free(ls.v);
	free(copy);
	return 0;
}
