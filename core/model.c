/* SPDX-License-Identifier: Apache-2.0 */
#include "model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "util.h"

/* Strings a model keeps from an image are capped: a hostile database
 * must not make one field hold megabytes that every output repeats. */
#define FIELD_MAX (64u * 1024u)
#define TEXT_MAX (1u << 20)

const char *lb_comp_type_name(enum lb_comp_type t)
{
	switch (t) {
	case LB_COMP_OS: return "os";
	case LB_COMP_OS_PACKAGE: return "os-package";
	case LB_COMP_LIBRARY: return "library";
	case LB_COMP_APPLICATION: return "application";
	case LB_COMP_BINARY: return "binary";
	}
	return "?";
}

const char *lb_evidence_kind_name(enum lb_evidence_kind k)
{
	switch (k) {
	case LB_EV_METADATA: return "metadata";
	case LB_EV_LICENSE_TEXT: return "license-text";
	case LB_EV_COPYRIGHT: return "copyright";
	case LB_EV_NOTE: return "note";
	case LB_EV_BINARY: return "binary";
	}
	return "?";
}

void lb_model_init(struct lb_model *m)
{
	memset(m, 0, sizeof(*m));
}

static void comp_free(struct lb_component *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->found_by);
	free(c->name);
	free(c->version);
	free(c->purl);
	free(c->cpe);
	free(c->supplier);
	free(c->author);
	free(c->source_name);
	free(c->source_version);
	free(c->arch);
	free(c->summary);
	free(c->homepage);
	free(c->declared);
	free(c->declared_raw);
	free(c->concluded);
	for (size_t i = 0; i < c->ncopyrights; i++)
		free(c->copyrights[i]);
	free(c->copyrights);
	for (size_t i = 0; i < c->nev; i++) {
		free(c->ev[i].path);
		free(c->ev[i].field);
		free(c->ev[i].detail);
	}
	free(c->ev);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	for (size_t i = 0; i < c->nprops; i++) {
		free(c->props[i].name);
		free(c->props[i].value);
	}
	free(c->props);
	free(c);
}

void lb_model_release(struct lb_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		comp_free(m->v[i]);
	free(m->v);
	for (size_t i = 0; i < m->nrefs; i++) {
		free(m->refs[i].id);
		free(m->refs[i].name);
		free(m->refs[i].text);
	}
	free(m->refs);
	for (size_t i = 0; i < m->nunowned; i++) {
		free(m->unowned[i].path);
		free(m->unowned[i].expr);
	}
	free(m->unowned);
	memset(m, 0, sizeof(*m));
}

/* A copy of s[0..n) as valid UTF-8 with no NUL: invalid bytes become
 * U+FFFD; at most max bytes are kept (cut on a character boundary). */
static char *clean_utf8(const char *s, size_t n, size_t max)
{
	struct lb_buf b;
	size_t i = 0;

	lb_buf_init(&b, max + 4);
	while (i < n && b.len < max) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

		if (c == 0) {
			i++;
			continue;
		}
		if (k && i + k <= n && lb_utf8_valid(s + i, k)) {
			if (b.len + k > max)
				break;
			lb_buf_add(&b, s + i, k);
			i += k;
		} else {
			lb_buf_add(&b, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	if (!b.p)
		return lb_xstrdup("");
	return lb_buf_detach(&b, NULL);
}

void lb_comp_set_len(char **field, const char *v, size_t n)
{
	free(*field);
	*field = v ? clean_utf8(v, n, FIELD_MAX) : NULL;
}

void lb_comp_set(char **field, const char *v)
{
	lb_comp_set_len(field, v, v ? strlen(v) : 0);
}

struct lb_component *lb_model_add(struct lb_model *m, enum lb_comp_type type,
				  const char *name, const char *version,
				  const char *found_by)
{
	struct lb_component *c = lb_xcalloc(1, sizeof(*c));

	c->type = type;
	lb_comp_set(&c->name, name ? name : "");
	lb_comp_set(&c->version, version);
	lb_comp_set(&c->found_by, found_by);
	c->introduced = c->last_changed = c->removed = -1;
	lb_xgrow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v));
	m->v[m->n++] = c;
	return c;
}

void lb_model_add_unowned(struct lb_model *m, const char *path, int layer, const char *expr)
{
	struct lb_unowned *u;

	lb_xgrow((void **)&m->unowned, &m->unowned_cap, m->nunowned + 1, sizeof(*m->unowned));
	u = &m->unowned[m->nunowned++];
	u->path = lb_xstrdup(path);
	u->layer = layer;
	u->expr = expr ? lb_xstrdup(expr) : NULL;
}

static int cmp_unowned(const void *a, const void *b)
{
	return strcmp(((const struct lb_unowned *)a)->path, ((const struct lb_unowned *)b)->path);
}

void lb_model_remove(struct lb_model *m, struct lb_component *c)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i] == c) {
			memmove(m->v + i, m->v + i + 1, (m->n - i - 1) * sizeof(*m->v));
			m->n--;
			comp_free(c);
			return;
		}
}

void lb_comp_add_copyright(struct lb_component *c, const char *text, size_t len)
{
	struct lb_buf b;
	char *clean, *t;
	int space = 0;

	clean = clean_utf8(text, len, 4096);
	lb_buf_init(&b, strlen(clean) + 1);
	for (const char *p = clean; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v') {
			space = 1;
			continue;
		}
		if (space && b.len)
			lb_buf_add(&b, " ", 1);
		space = 0;
		lb_buf_add(&b, p, 1);
	}
	free(clean);
	if (!b.len) {
		lb_buf_release(&b);
		return;
	}
	t = lb_buf_detach(&b, NULL);
	for (size_t i = 0; i < c->ncopyrights; i++)
		if (strcmp(c->copyrights[i], t) == 0) {
			free(t);
			return;
		}
	lb_xgrow((void **)&c->copyrights, &c->copyrights_cap, c->ncopyrights + 1, sizeof(char *));
	c->copyrights[c->ncopyrights++] = t;
}

static int same_or_null(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void lb_comp_add_evidence(struct lb_component *c, enum lb_evidence_kind kind,
			  const char *path, int layer, const char *field,
			  const char *detail)
{
	struct lb_evidence *e;
	char *p = NULL, *f = NULL, *d = NULL;

	/* compared as stored: two strings that differ only in bytes that are
	 * not UTF-8 are one evidence, and so is one such string added twice */
	lb_comp_set(&p, path);
	lb_comp_set(&f, field);
	lb_comp_set(&d, detail);
	for (size_t i = 0; i < c->nev; i++) {
		e = &c->ev[i];
		if (e->kind == kind && e->layer == layer && same_or_null(e->path, p) &&
		    same_or_null(e->field, f) && same_or_null(e->detail, d)) {
			free(p);
			free(f);
			free(d);
			return;
		}
	}
	lb_xgrow((void **)&c->ev, &c->ev_cap, c->nev + 1, sizeof(*c->ev));
	e = &c->ev[c->nev++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->layer = layer;
	e->path = p;
	e->field = f;
	e->detail = d;
}

void lb_comp_add_file(struct lb_component *c, const char *path)
{
	lb_xgrow((void **)&c->files, &c->files_cap, c->nfiles + 1, sizeof(char *));
	c->files[c->nfiles++] = lb_xstrdup(path);
}

void lb_comp_add_prop(struct lb_component *c, const char *name, const char *value)
{
	struct lb_prop *p;

	if (!value)
		return;
	lb_xgrow((void **)&c->props, &c->props_cap, c->nprops + 1, sizeof(*c->props));
	p = &c->props[c->nprops++];
	p->name = lb_xstrdup(name);
	p->value = NULL;
	lb_comp_set(&p->value, value);
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

const struct lb_license_ref *lb_model_find_ref(const struct lb_model *m, const char *id)
{
	for (size_t i = 0; i < m->nrefs; i++)
		if (strcmp(m->refs[i].id, id) == 0)
			return &m->refs[i];
	return NULL;
}

const char *lb_model_add_ref(struct lb_model *m, const char *id, const char *name,
			     const char *text)
{
	const struct lb_license_ref *old = lb_model_find_ref(m, id);
	char *clean = clean_utf8(text && *text ? text : (name && *name ? name : id),
				 strlen(text && *text ? text : (name && *name ? name : id)), TEXT_MAX);
	struct lb_license_ref *r;
	char *nid;

	if (old && strcmp(old->text, clean) == 0) {
		free(clean);
		return old->id;
	}
	nid = old ? lb_xasprintf("%s-%08x", id, fnv1a(clean)) : lb_xstrdup(id);
	if (old) {
		const struct lb_license_ref *again = lb_model_find_ref(m, nid);

		if (again) {
			free(nid);
			free(clean);
			return again->id;
		}
	}
	lb_xgrow((void **)&m->refs, &m->refs_cap, m->nrefs + 1, sizeof(*m->refs));
	r = &m->refs[m->nrefs++];
	r->id = nid;
	r->name = name ? clean_utf8(name, strlen(name), FIELD_MAX) : NULL;
	r->text = clean;
	return r->id;
}

static int idchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '.' || ch == ':';
}

/* expr with every whole-token occurrence of `from` replaced by `to`. */
static char *replace_token(const char *expr, const char *from, const char *to)
{
	struct lb_buf b;
	size_t fl = strlen(from);
	const char *p = expr;

	lb_buf_init(&b, SIZE_MAX / 2);
	while (*p) {
		if (strncmp(p, from, fl) == 0 && (p == expr || !idchar(p[-1])) && !idchar(p[fl])) {
			lb_buf_addstr(&b, to);
			p += fl;
		} else {
			lb_buf_add(&b, p, 1);
			p++;
		}
	}
	return b.p ? lb_buf_detach(&b, NULL) : lb_xstrdup("");
}

/* "A AND B AND A" -> "A AND B": a license named by several parts of a
 * package (Debian copyright files repeat them) is one obligation. */
static char *dedup_and(char *expr)
{
	struct lb_spdx_expr *e;
	size_t k = 0;
	char *out;

	if (lb_spdx_parse(expr, &e, NULL, 0) != 0)
		return expr;
	if (e->kind != LB_SPDX_AND) {
		lb_spdx_expr_free(e);
		return expr;
	}
	for (size_t i = 0; i < e->n; i++) {
		int dup = 0;

		for (size_t j = 0; j < k && !dup; j++)
			dup = lb_spdx_expr_equal(e->args[j], e->args[i]);
		if (dup)
			lb_spdx_expr_free(e->args[i]);
		else
			e->args[k++] = e->args[i];
	}
	e->n = k;
	if (k == 1) {
		struct lb_spdx_expr *only = e->args[0];

		e->n = 0;
		lb_spdx_expr_free(e);
		e = only;
	}
	out = lb_spdx_to_string(e);
	lb_spdx_expr_free(e);
	if (!out)
		return expr;
	free(expr);
	return out;
}

int lb_comp_set_license(struct lb_model *m, struct lb_component *c,
			enum lb_license_slot slot, const char *raw,
			enum lb_license_dialect d, lb_ref_text_fn texts, void *ctx)
{
	struct lb_norm_result r;
	char *expr;
	int st;

	if (!raw)
		return LB_SPDX_EEMPTY;
	st = lb_license_normalize(raw, d, &r);
	if (st)
		return st;
	expr = r.expr;
	r.expr = NULL;
	for (size_t i = 0; i < r.nrefs; i++) {
		const char *text, *id;

		/* a LicenseRef the input named that the model already defines
		 * (a concluded license built from a declared one) is that one */
		if (!r.refs[i].invented && lb_model_find_ref(m, r.refs[i].id))
			continue;
		text = texts ? texts(ctx, r.refs[i].text) : NULL;
		id = lb_model_add_ref(m, r.refs[i].id, r.refs[i].text, text);

		if (strcmp(id, r.refs[i].id) != 0) {
			char *n = replace_token(expr, r.refs[i].id, id);

			free(expr);
			expr = n;
		}
	}
	lb_norm_result_release(&r);
	expr = dedup_and(expr);
	if (slot == LB_LIC_DECLARED) {
		free(c->declared);
		c->declared = expr;
		lb_comp_set(&c->declared_raw, raw);
	} else {
		free(c->concluded);
		c->concluded = expr;
	}
	return 0;
}

void lb_model_link_owners(struct lb_model *m)
{
	struct lb_hashmap own;

	lb_hashmap_init(&own);
	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];

		if (c->type != LB_COMP_OS_PACKAGE)
			continue;
		for (size_t k = 0; k < c->nfiles; k++) {
			int found;

			lb_hashmap_put(&own, c->files[k], strlen(c->files[k]), (uint32_t)i, &found);
		}
	}
	for (size_t i = 0; i < m->n && own.count; i++) {
		struct lb_component *c = m->v[i];

		if (c->type == LB_COMP_OS_PACKAGE || c->type == LB_COMP_OS)
			continue;
		for (size_t k = 0; k < c->nev; k++) {
			const char *path = c->ev[k].path, *owner;
			uint32_t *slot;
			int dup = 0;

			if ((c->ev[k].kind != LB_EV_METADATA && c->ev[k].kind != LB_EV_BINARY) || !path ||
			    !(slot = lb_hashmap_get(&own, path, strlen(path))))
				continue;
			owner = m->v[*slot]->purl ? m->v[*slot]->purl : m->v[*slot]->name;
			for (size_t j = 0; j < c->nprops && !dup; j++)
				dup = strcmp(c->props[j].name, "owned-by") == 0 && strcmp(c->props[j].value, owner) == 0;
			if (!dup)
				lb_comp_add_prop(c, "owned-by", owner);
		}
	}
	lb_hashmap_release(&own);
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_comp(const void *pa, const void *pb)
{
	const struct lb_component *a = *(const struct lb_component *const *)pa;
	const struct lb_component *b = *(const struct lb_component *const *)pb;
	int r;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((r = strcmp(a->name, b->name)))
		return r;
	if ((r = strcmp_null(a->version, b->version)))
		return r;
	if ((r = strcmp_null(a->purl, b->purl)))
		return r;
	if ((r = strcmp_null(a->id, b->id)))
		return r;
	if (a->introduced != b->introduced)
		return a->introduced < b->introduced ? -1 : 1;
	if (a->removed != b->removed)
		return a->removed < b->removed ? -1 : 1;
	if (a->nfiles && b->nfiles && (r = strcmp(a->files[0], b->files[0])))
		return r;
	return (a->nev && b->nev && a->ev[0].path && b->ev[0].path) ? strcmp(a->ev[0].path, b->ev[0].path) : 0;
}

static int cmp_ref(const void *pa, const void *pb)
{
	return strcmp(((const struct lb_license_ref *)pa)->id, ((const struct lb_license_ref *)pb)->id);
}

static int cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

void lb_model_finish(struct lb_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct lb_component *c = m->v[i];

		if (!c->id)
			c->id = c->purl ? lb_xstrdup(c->purl)
					: lb_xasprintf("%s:%s@%s", lb_comp_type_name(c->type), c->name,
						       c->version ? c->version : "");
		if (c->nfiles > 1)
			qsort(c->files, c->nfiles, sizeof(*c->files), cmp_str);
	}
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), cmp_comp);
	/* Equal ids: the later components (in sorted order) get "-2", "-3"... */
	{
		struct lb_hashmap ids;

		lb_hashmap_init(&ids);
		for (size_t i = 0; i < m->n; i++) {
			struct lb_component *c = m->v[i];
			int found;

			lb_hashmap_put(&ids, c->id, strlen(c->id), (uint32_t)i, &found);
			for (unsigned k = 2; found; k++) {
				char *n = lb_xasprintf("%s-%u", c->id, k);

				if (!lb_hashmap_get(&ids, n, strlen(n))) {
					free(c->id);
					c->id = n;
					lb_hashmap_put(&ids, c->id, strlen(c->id), (uint32_t)i, &found);
					found = 0;
				} else {
					free(n);
				}
			}
		}
		lb_hashmap_release(&ids);
	}
	if (m->nunowned > 1)
		qsort(m->unowned, m->nunowned, sizeof(*m->unowned), cmp_unowned);
	if (m->nrefs > 1)
		qsort(m->refs, m->nrefs, sizeof(*m->refs), cmp_ref);
}

/* purl-spec percent-encoding: letters, digits and ".-_~" stay; so do
 * '/' between namespace segments and ':' in versions and qualifier
 * values (the spec allows it unencoded there); all else is %XX. */
static void pct(struct lb_buf *b, const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '.' || ch == '_' || ch == '~' || (ch && strchr(keep, ch))) {
			lb_buf_add(b, s, 1);
		} else {
			char e[3] = { '%', hex[ch >> 4], hex[ch & 15] };

			lb_buf_add(b, e, 3);
		}
	}
}

struct qual {
	const char *k, *v;
};

static int cmp_qual(const void *a, const void *b)
{
	return strcmp(((const struct qual *)a)->k, ((const struct qual *)b)->k);
}

char *lb_purl(const char *type, const char *ns, const char *name,
	      const char *version, const char *const *quals, size_t nquals)
{
	struct lb_buf b;
	struct qual q[16];
	size_t nq = 0;

	lb_buf_init(&b, 1u << 20);
	lb_buf_addstr(&b, "pkg:");
	lb_buf_addstr(&b, type);
	lb_buf_add(&b, "/", 1);
	if (ns && *ns) {
		pct(&b, ns, "/");
		lb_buf_add(&b, "/", 1);
	}
	pct(&b, name, "");
	if (version && *version) {
		lb_buf_add(&b, "@", 1);
		pct(&b, version, ":");
	}
	for (size_t i = 0; i < nquals && nq < LB_ARRAY_SIZE(q); i++)
		if (quals[2 * i + 1] && *quals[2 * i + 1]) {
			q[nq].k = quals[2 * i];
			q[nq].v = quals[2 * i + 1];
			nq++;
		}
	qsort(q, nq, sizeof(*q), cmp_qual);
	for (size_t i = 0; i < nq; i++) {
		lb_buf_add(&b, i ? "&" : "?", 1);
		lb_buf_addstr(&b, q[i].k);
		lb_buf_add(&b, "=", 1);
		pct(&b, q[i].v, ":");
	}
	return lb_buf_detach(&b, NULL);
}

#define OFFER_MAX 16

struct offered {
	struct lb_norm_result r[OFFER_MAX];
	size_t n;
	const struct lb_offer_opts *o;
};

static const char *offered_text(void *ctx, const char *words)
{
	const struct offered *j = ctx;
	const char *t = j->o->texts ? j->o->texts(j->o->ctx, words) : NULL;

	for (size_t i = 0; !t && i < j->n; i++)
		for (size_t k = 0; !t && k < j->r[i].nrefs; k++)
			if (strcmp(j->r[i].refs[k].id, words) == 0)
				t = j->r[i].refs[k].text;
	return t;
}

int lb_comp_set_offered(struct lb_model *m, struct lb_component *c, const char *const *names, size_t n,
			const struct lb_offer_opts *o)
{
	struct offered j = { .n = 0, .o = o };
	struct lb_buf expr, raw;
	const char *single = NULL;
	int rc = LB_SPDX_EEMPTY;

	lb_buf_init(&expr, LB_SPDX_MAX_LEN);
	lb_buf_init(&raw, LB_SPDX_MAX_LEN);
	for (size_t i = 0; i < n && j.n < OFFER_MAX; i++) {
		int dup = 0;

		if (lb_license_normalize(names[i], o->dialect, &j.r[j.n]) != 0)
			continue;
		for (size_t k = 0; o->dedup && k < j.n && !dup; k++)
			dup = strcmp(j.r[k].expr, j.r[j.n].expr) == 0;
		if (dup) {
			lb_norm_result_release(&j.r[j.n]);
			continue;
		}
		lb_buf_addf(&expr, "%s(%s)", expr.len ? " OR " : "", j.r[j.n].expr);
		lb_buf_addf(&raw, "%s%s", raw.len ? o->sep : "", names[i]);
		single = names[i];
		j.n++;
	}
	if (j.n == 1 && o->single_as_is) {
		rc = lb_comp_set_license(m, c, LB_LIC_DECLARED, single, o->dialect, o->texts, o->ctx);
	} else if (j.n && (rc = lb_comp_set_license(m, c, LB_LIC_DECLARED, expr.p, LB_LIC_SPDX,
						    offered_text, &j)) == 0) {
		lb_comp_set(&c->declared_raw, o->raw ? o->raw : raw.p);
	}
	for (size_t i = 0; i < j.n; i++)
		lb_norm_result_release(&j.r[i]);
	lb_buf_release(&expr);
	lb_buf_release(&raw);
	return rc;
}
