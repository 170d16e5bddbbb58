/* SPDX-License-Identifier: Apache-2.0 */
#include "diff.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define SBOM_MAX (512u << 20)     /* an SBOM file larger than this is refused */
#define NEST_MAX 64               /* nesting of CycloneDX components */

const char *lb_diff_kind_name(enum lb_diff_kind k)
{
	switch (k) {
	case LB_DIFF_ADDED: return "added";
	case LB_DIFF_REMOVED: return "removed";
	case LB_DIFF_UPGRADED: return "upgraded";
	case LB_DIFF_DOWNGRADED: return "downgraded";
	case LB_DIFF_CHANGED: return "changed";
	}
	return "?";
}

/* ---- versions (Debian's algorithm) ---- */

static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int verrevcmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;

		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a), bc = order((unsigned char)*b);

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* "epoch:upstream-revision" split in place into a copy; NULL parts empty. */
static void split_version(const char *v, long *epoch, char **up, char **rev)
{
	const char *colon = strchr(v, ':'), *dash;
	char *s;

	*epoch = 0;
	if (colon && colon > v) {
		int digits = 1;

		for (const char *p = v; p < colon; p++)
			digits &= isdigit((unsigned char)*p) != 0;
		if (digits) {
			*epoch = strtol(v, NULL, 10);
			v = colon + 1;
		}
	}
	s = lb_xstrdup(v);
	dash = strrchr(s, '-');
	if (dash) {
		*rev = lb_xstrdup(dash + 1);
		s[dash - s] = '\0';
	} else {
		*rev = lb_xstrdup("");
	}
	*up = s;
}

int lb_version_cmp(const char *a, const char *b)
{
	long ea, eb;
	char *ua, *ra, *ub, *rb;
	int r;

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	split_version(a, &ea, &ua, &ra);
	split_version(b, &eb, &ub, &rb);
	if (ea != eb)
		r = ea < eb ? -1 : 1;
	else if ((r = verrevcmp(ua, ub)) == 0)
		r = verrevcmp(ra, rb);
	free(ua);
	free(ra);
	free(ub);
	free(rb);
	return r < 0 ? -1 : r > 0;
}

/* ---- sides ---- */

/* The identity of a package across versions: the purl without version,
 * keeping the arch qualifier; else type:name. */
static char *make_key(const char *purl, const char *type, const char *name)
{
	const char *q, *at, *slash, *arch;
	size_t base;
	char *key;

	if (!purl || strncmp(purl, "pkg:", 4) != 0)
		return lb_xasprintf("%s:%s", type ? type : "?", name ? name : "?");
	q = strchr(purl, '?');
	base = q ? (size_t)(q - purl) : strcspn(purl, "#");
	slash = purl;
	for (const char *p = purl; p < purl + base; p++)
		if (*p == '/')
			slash = p;
	at = memchr(slash, '@', base - (size_t)(slash - purl));
	if (at)
		base = (size_t)(at - purl);
	arch = q ? strstr(q, "arch=") : NULL;
	if (arch && (arch[-1] == '?' || arch[-1] == '&')) {
		size_t al = strcspn(arch, "&#");

		key = lb_xasprintf("%.*s?%.*s", (int)base, purl, (int)al, arch);
	} else {
		key = lb_xstrndup(purl, base);
	}
	return key;
}

/* One vocabulary for the component types of the model, SPDX's
 * primaryPackagePurpose and CycloneDX's component type. */
static const char *type_name(const char *t)
{
	static const char *const map[][2] = {
		{ "OPERATING_SYSTEM", "os" }, { "operating-system", "os" },
		{ "LIBRARY", "library" }, { "APPLICATION", "application" },
		{ "FRAMEWORK", "library" }, { "framework", "library" },
	};

	for (size_t i = 0; t && i < LB_ARRAY_SIZE(map); i++)
		if (strcmp(t, map[i][0]) == 0)
			return map[i][1];
	return t;
}

static void add_pkg(struct lb_diff_side *side, const char *type, const char *name, const char *version,
		    const char *purl, const char *license)
{
	struct lb_diff_pkg *p;

	type = type_name(type);
	lb_xgrow((void **)&side->v, &side->cap, side->n + 1, sizeof(*side->v));
	p = &side->v[side->n++];
	p->key = make_key(purl, type, name);
	p->type = lb_xstrdup(type ? type : "?");
	p->name = lb_xstrdup(name ? name : "?");
	p->version = version ? lb_xstrdup(version) : NULL;
	p->purl = purl ? lb_xstrdup(purl) : NULL;
	p->license = license && strcmp(license, "NOASSERTION") != 0 && strcmp(license, "NONE") != 0 ?
		     lb_xstrdup(license) : NULL;
}

void lb_diff_side_from_model(struct lb_diff_side *side, const struct lb_model *m)
{
	memset(side, 0, sizeof(*side));
	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];

		if (c->removed >= 0)
			continue;
		add_pkg(side, lb_comp_type_name(c->type), c->name, c->version, c->purl,
			c->concluded ? c->concluded : c->declared);
	}
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *cdx_prop(json_t *c, const char *name)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(c, "properties"), i, p)
		if (jstr(p, "name") && strcmp(jstr(p, "name"), name) == 0)
			return jstr(p, "value");
	return NULL;
}

/* concluded, else declared, else the only license given */
static char *cdx_license(json_t *c)
{
	const char *concl = cdx_prop(c, "layerbom:concluded-license");
	const char *decl = NULL, *any = NULL;
	size_t i;
	json_t *l;

	if (concl)
		return lb_xstrdup(concl);
	json_array_foreach(json_object_get(c, "licenses"), i, l) {
		const char *v = jstr(l, "expression"), *ack = jstr(l, "acknowledgement");
		json_t *lic = json_object_get(l, "license");

		if (!v && lic)
			v = jstr(lic, "id") ? jstr(lic, "id") : jstr(lic, "name");
		if (!ack && lic)
			ack = jstr(lic, "acknowledgement");
		if (!v)
			continue;
		if (ack && strcmp(ack, "concluded") == 0)
			return lb_xstrdup(v);
		if (ack && strcmp(ack, "declared") == 0)
			decl = v;
		any = any ? any : v;
	}
	return decl ? lb_xstrdup(decl) : any ? lb_xstrdup(any) : NULL;
}

static void cdx_walk(struct lb_diff_side *side, json_t *arr, int depth)
{
	size_t i;
	json_t *c;

	if (depth > NEST_MAX)
		return;
	json_array_foreach(arr, i, c) {
		const char *type = jstr(c, "type");
		const char *ctype = cdx_prop(c, "layerbom:component-type");

		/* layers (files named by their diff ID) and the image are not packages */
		if (!cdx_prop(c, "layerbom:layer-index") && type && strcmp(type, "file") != 0 &&
		    strcmp(type, "container") != 0 && jstr(c, "name") && !cdx_prop(c, "layerbom:removed-layer")) {
			char *lic = cdx_license(c);

			add_pkg(side, ctype ? ctype : type, jstr(c, "name"), jstr(c, "version"), jstr(c, "purl"), lic);
			free(lic);
		}
		cdx_walk(side, json_object_get(c, "components"), depth + 1);
	}
}

static void spdx_walk(struct lb_diff_side *side, json_t *doc)
{
	size_t i, k;
	json_t *p, *r;

	json_array_foreach(json_object_get(doc, "packages"), i, p) {
		const char *purl = NULL, *purpose = jstr(p, "primaryPackagePurpose");
		const char *lic = jstr(p, "licenseConcluded");

		json_array_foreach(json_object_get(p, "externalRefs"), k, r)
			if (jstr(r, "referenceType") && strcmp(jstr(r, "referenceType"), "purl") == 0)
				purl = jstr(r, "referenceLocator");
		if ((purpose && strcmp(purpose, "CONTAINER") == 0) || (purl && strncmp(purl, "pkg:oci/", 8) == 0))
			continue;
		/* layers: named by their diff ID, no purl */
		if (!purl && jstr(p, "name") && strncmp(jstr(p, "name"), "sha256:", 7) == 0)
			continue;
		if (!lic || strcmp(lic, "NOASSERTION") == 0)
			lic = jstr(p, "licenseDeclared");
		add_pkg(side, purpose ? purpose : "package", jstr(p, "name"), jstr(p, "versionInfo"), purl, lic);
	}
}

int lb_diff_side_from_sbom(struct lb_diff_side *side, const char *path, char *err, size_t errlen)
{
	struct stat st;
	json_error_t je;
	json_t *doc;

	memset(side, 0, sizeof(*side));
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read '%s'", path);
		return LB_ERR_INPUT;
	}
	if ((uint64_t)st.st_size > SBOM_MAX) {
		snprintf(err, errlen, "'%s' is larger than %u MiB", path, SBOM_MAX >> 20);
		return LB_ERR_INPUT;
	}
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(err, errlen, "'%s' is not JSON: line %d: %s", path, je.line, je.text);
		return LB_ERR_INPUT;
	}
	if (jstr(doc, "bomFormat") && strcmp(jstr(doc, "bomFormat"), "CycloneDX") == 0) {
		cdx_walk(side, json_object_get(doc, "components"), 0);
	} else if (jstr(doc, "spdxVersion")) {
		spdx_walk(side, doc);
	} else {
		json_decref(doc);
		snprintf(err, errlen, "'%s' is neither a CycloneDX nor an SPDX JSON document", path);
		return LB_ERR_INPUT;
	}
	json_decref(doc);
	return 0;
}

void lb_diff_side_release(struct lb_diff_side *side)
{
	for (size_t i = 0; i < side->n; i++) {
		struct lb_diff_pkg *p = &side->v[i];

		free(p->key);
		free(p->type);
		free(p->name);
		free(p->version);
		free(p->purl);
		free(p->license);
	}
	free(side->v);
	memset(side, 0, sizeof(*side));
}

/* ---- comparing ---- */

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_pkg(const void *x, const void *y)
{
	const struct lb_diff_pkg *a = *(const struct lb_diff_pkg *const *)x;
	const struct lb_diff_pkg *b = *(const struct lb_diff_pkg *const *)y;
	int r = strcmp(a->key, b->key);

	return r ? r : lb_version_cmp(a->version, b->version);
}

static const struct lb_diff_pkg **sorted(const struct lb_diff_side *s)
{
	const struct lb_diff_pkg **v = lb_xmalloc((s->n ? s->n : 1) * sizeof(*v));

	for (size_t i = 0; i < s->n; i++)
		v[i] = &s->v[i];
	qsort(v, s->n, sizeof(*v), cmp_pkg);
	return v;
}

static void push(struct lb_diff_result *r, enum lb_diff_kind k, const struct lb_diff_pkg *o,
		 const struct lb_diff_pkg *n)
{
	struct lb_diff_item *it;

	lb_xgrow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	it = &r->v[r->n++];
	it->kind = k;
	it->old = o;
	it->new = n;
	it->license_changed = o && n && strcmp_null(o->license, n->license) != 0;
}

void lb_diff_compare(const struct lb_diff_side *old, const struct lb_diff_side *new, struct lb_diff_result *out)
{
	const struct lb_diff_pkg **a = sorted(old), **b = sorted(new);
	size_t i = 0, j = 0;

	memset(out, 0, sizeof(*out));
	while (i < old->n || j < new->n) {
		const char *key = i < old->n && (j >= new->n || strcmp(a[i]->key, b[j]->key) <= 0) ? a[i]->key : b[j]->key;
		size_t i2 = i, j2 = j;
		const struct lb_diff_pkg *ro[64], *rn[64];
		size_t nro = 0, nrn = 0;

		while (i2 < old->n && strcmp(a[i2]->key, key) == 0)
			i2++;
		while (j2 < new->n && strcmp(b[j2]->key, key) == 0)
			j2++;
		/* versions on both sides are the same package; compare licenses */
		for (size_t x = i, y = j; x < i2 || y < j2;) {
			int c = x >= i2 ? 1 : y >= j2 ? -1 : lb_version_cmp(a[x]->version, b[y]->version);

			if (c == 0) {
				if (strcmp_null(a[x]->license, b[y]->license) != 0)
					push(out, LB_DIFF_CHANGED, a[x], b[y]);
				x++;
				y++;
			} else if (c < 0) {
				if (nro < LB_ARRAY_SIZE(ro))
					ro[nro++] = a[x];
				else
					push(out, LB_DIFF_REMOVED, a[x], NULL);
				x++;
			} else {
				if (nrn < LB_ARRAY_SIZE(rn))
					rn[nrn++] = b[y];
				else
					push(out, LB_DIFF_ADDED, NULL, b[y]);
				y++;
			}
		}
		/* one version gone and one come: an upgrade or a downgrade */
		if (nro == 1 && nrn == 1) {
			push(out, lb_version_cmp(ro[0]->version, rn[0]->version) < 0 ? LB_DIFF_UPGRADED : LB_DIFF_DOWNGRADED,
			     ro[0], rn[0]);
		} else {
			for (size_t x = 0; x < nro; x++)
				push(out, LB_DIFF_REMOVED, ro[x], NULL);
			for (size_t y = 0; y < nrn; y++)
				push(out, LB_DIFF_ADDED, NULL, rn[y]);
		}
		i = i2;
		j = j2;
	}
	free(a);
	free(b);
}

void lb_diff_result_release(struct lb_diff_result *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
