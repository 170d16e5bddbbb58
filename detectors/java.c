/* SPDX-License-Identifier: Apache-2.0 */
/*
 * java: Java archives (.jar, .war, .ear, Jenkins .hpi/.jpi).
 *
 * Each archive is read from memory with libarchive, never extracted:
 *  - META-INF/maven/GROUP/ARTIFACT/pom.properties: groupId, artifactId,
 *    version: a Maven package (pkg:maven/GROUP/ARTIFACT@VERSION); several
 *    of them in one archive are packages shaded into it, each reported;
 *  - the pom.xml next to it: <licenses><license><name>, each offered (OR,
 *    Maven's rule);
 *  - META-INF/MANIFEST.MF: Implementation-Title/-Version, Bundle-*, and
 *    Bundle-License; the only source for archives without pom.properties
 *    (then there is no groupId and so no purl);
 *  - archives inside archives (WEB-INF/lib, BOOT-INF/lib, lib/), up to
 *    MAX_DEPTH deep, with a budget of bytes decompressed per file.
 *
 * The component that is the archive itself (the pom.properties whose
 * artifactId the file name starts with, or the only one) carries the
 * archive's SHA-1 and SHA-256.  Evidence names the archive in the image;
 * for a nested archive the detail names the entry inside it.  One package,
 * one component: the same purl in several archives is one component with
 * one evidence entry per place.  An archive an OS package owns links the
 * component to it ("owned-by").
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"

#define JAR_MAX (128u << 20)
#define NESTED_MAX (64u << 20)
#define BUDGET ((uint64_t)512 << 20)  /* bytes decompressed per image file */
#define SMALL_MAX (1u << 20)          /* manifest, pom.properties, pom.xml */
#define MAX_DEPTH 4
#define MAX_POMS 64
#define MAX_LICENSES 16
#define FIELD_MAX 1024

/* What one archive holds. */
struct pom {
	char *group, *artifact, *version;
	char *dir;                       /* "META-INF/maven/g/a/" */
	char *licenses[MAX_LICENSES];    /* from its pom.xml */
	size_t nlicenses;
	int has_xml;
};

struct archive_info {
	struct pom poms[MAX_POMS];
	size_t npoms;
	char *manifest;
	size_t manifest_len;
	struct pom_xml {                 /* matched to its pom.properties at the end */
		char *dir, *text;
		size_t len;
	} *xml;
	size_t nxml, xml_cap;
};

/* Where the walk through one image file stands. */
struct ctx {
	struct lb_scan *s;
	struct lb_pkgrecs *st;
	const struct lb_entry *e;
	uint64_t budget;
	int warned;
};

static int is_archive_name(const char *p)
{
	static const char *const ext[] = { ".jar", ".war", ".ear", ".hpi", ".jpi" };
	size_t n = strlen(p);

	for (size_t i = 0; i < LB_ARRAY_SIZE(ext); i++)
		if (n > 4 && strcasecmp(p + n - 4, ext[i]) == 0)
			return 1;
	return 0;
}

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE || e->size < 22)   /* 22: an empty zip */
		return LB_WANT_NO;
	return is_archive_name(e->path) ? LB_WANT_YES : LB_WANT_NO;
}

static void info_release(struct archive_info *a)
{
	for (size_t i = 0; i < a->npoms; i++) {
		struct pom *p = &a->poms[i];

		free(p->group);
		free(p->artifact);
		free(p->version);
		free(p->dir);
		for (size_t k = 0; k < p->nlicenses; k++)
			free(p->licenses[k]);
	}
	for (size_t i = 0; i < a->nxml; i++) {
		free(a->xml[i].dir);
		free(a->xml[i].text);
	}
	free(a->xml);
	free(a->manifest);
}

/* ---- small text formats ---- */

static char *trimmed(const char *v, size_t n)
{
	while (n && isspace((unsigned char)*v)) {
		v++;
		n--;
	}
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (n > FIELD_MAX)
		n = FIELD_MAX;
	return n ? lb_xstrndup(v, n) : NULL;
}

/* pom.properties: "key=value" lines, '#' and '!' comments. */
static char *prop(const char *p, size_t len, const char *key)
{
	const char *end = p + len;
	size_t kl = strlen(key);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(le - p) > kl && strncmp(p, key, kl) == 0) {
			const char *q = p + kl;

			while (q < le && (*q == ' ' || *q == '\t'))
				q++;
			if (q < le && (*q == '=' || *q == ':'))
				return trimmed(q + 1, (size_t)(le - q - 1));
		}
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

/* A MANIFEST.MF main-section attribute; continuation lines start with
 * one space and are joined. */
static char *manifest_get(const char *p, size_t len, const char *key)
{
	const char *end = p + len;
	size_t kl = strlen(key);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *lt = le > p && le[-1] == '\r' ? le - 1 : le;

		if (lt == p)
			return NULL;                    /* end of the main section */
		if ((size_t)(lt - p) > kl && strncasecmp(p, key, kl) == 0 && p[kl] == ':') {
			struct lb_buf b;
			char *out;

			lb_buf_init(&b, FIELD_MAX);
			lb_buf_add(&b, p + kl + 1, (size_t)(lt - p - (ptrdiff_t)kl - 1));
			p = nl ? nl + 1 : end;
			while (p < end && *p == ' ') {
				nl = memchr(p, '\n', (size_t)(end - p));
				le = nl ? nl : end;
				lt = le > p && le[-1] == '\r' ? le - 1 : le;
				lb_buf_add(&b, p + 1, (size_t)(lt - p - 1));
				p = nl ? nl + 1 : end;
			}
			out = b.p ? trimmed(b.p, b.len) : NULL;
			lb_buf_release(&b);
			return out;
		}
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

/* License URLs that Bundle-License and pom.xml <url> hold; they decide
 * when the name alone does not ("Apache Software Licenses"). */
static const struct {
	const char *url;            /* matched after the scheme, as a prefix */
	const char *spdx;
} license_urls[] = {
	{ "www.apache.org/licenses/LICENSE-2.0", "Apache-2.0" },
	{ "apache.org/licenses/LICENSE-2.0", "Apache-2.0" },
	{ "opensource.org/licenses/MIT", "MIT" },
	{ "opensource.org/licenses/mit-license", "MIT" },
	{ "opensource.org/licenses/BSD-3-Clause", "BSD-3-Clause" },
	{ "opensource.org/licenses/BSD-2-Clause", "BSD-2-Clause" },
	{ "www.eclipse.org/legal/epl-2.0", "EPL-2.0" },
	{ "www.eclipse.org/legal/epl-v20.html", "EPL-2.0" },
	{ "www.eclipse.org/legal/epl-v10.html", "EPL-1.0" },
	{ "www.eclipse.org/org/documents/edl-v10", "BSD-3-Clause" },
	{ "www.gnu.org/licenses/lgpl-2.1", "LGPL-2.1-only" },
	{ "www.mozilla.org/MPL/2.0", "MPL-2.0" },
};

static const char *url_license(const char *u)
{
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return NULL;
	u = strstr(u, "//") + 2;
	for (size_t i = 0; i < LB_ARRAY_SIZE(license_urls); i++)
		if (strncasecmp(u, license_urls[i].url, strlen(license_urls[i].url)) == 0)
			return license_urls[i].spdx;
	return NULL;
}

/* 1 when the generic dialect reads s as listed licenses only. */
static int maps_cleanly(const char *s)
{
	struct lb_norm_result r;
	int ok;

	if (lb_license_normalize(s, LB_LIC_GENERIC, &r) != 0)
		return 0;
	ok = r.nrefs == 0;
	lb_norm_result_release(&r);
	return ok;
}

/* <licenses><license><name> of a pom.xml, whatever the namespace. */
static void pom_licenses(struct pom *pm, const char *xml, size_t len)
{
	xmlDocPtr doc;
	xmlNodePtr root;

	if (len > SMALL_MAX)
		return;
	doc = xmlReadMemory(xml, (int)len, "pom.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return;
	root = xmlDocGetRootElement(doc);
	for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "licenses") != 0)
			continue;
		for (xmlNodePtr l = n->children; l; l = l->next) {
			char *name = NULL, *url = NULL;
			const char *spdx;

			if (l->type != XML_ELEMENT_NODE || strcmp((const char *)l->name, "license") != 0)
				continue;
			for (xmlNodePtr f = l->children; f; f = f->next) {
				xmlChar *t;
				char **dst;

				if (f->type != XML_ELEMENT_NODE)
					continue;
				dst = strcmp((const char *)f->name, "name") == 0 ? &name
				      : strcmp((const char *)f->name, "url") == 0 ? &url : NULL;
				if (!dst || *dst || !(t = xmlNodeGetContent(f)))
					continue;
				*dst = trimmed((const char *)t, strlen((const char *)t));
				xmlFree(t);
			}
			spdx = url ? url_license(url) : NULL;
			if (pm->nlicenses < MAX_LICENSES && (name || spdx)) {
				if (spdx && !(name && maps_cleanly(name)))
					pm->licenses[pm->nlicenses++] = lb_xstrdup(spdx);
				else
					pm->licenses[pm->nlicenses++] = lb_xstrdup(name);
			}
			free(name);
			free(url);
		}
	}
	xmlFreeDoc(doc);
	pm->has_xml = 1;
}

/* ---- reading an archive ---- */

static void read_archive(struct ctx *x, const unsigned char *data, size_t len, const char *inner, int depth);

/* Reads the current entry into a new buffer of at most max bytes; NULL
 * when it is larger or unreadable, or the budget is spent. */
static char *read_entry(struct ctx *x, struct archive *a, struct archive_entry *ae, size_t max, size_t *outlen)
{
	la_int64_t sz = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1;
	struct lb_buf b;
	char chunk[65536];
	la_ssize_t r;

	if (sz > (la_int64_t)max || (sz >= 0 && (uint64_t)sz > x->budget))
		return NULL;
	lb_buf_init(&b, max);
	while ((r = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if ((uint64_t)r > x->budget || lb_buf_add(&b, chunk, (size_t)r) < 0) {
			lb_buf_release(&b);
			return NULL;
		}
		x->budget -= (uint64_t)r;
	}
	if (r < 0) {
		lb_buf_release(&b);
		return NULL;
	}
	if (!b.p)
		lb_buf_add(&b, "", 0);
	return lb_buf_detach(&b, outlen);
}

/* "META-INF/maven/g/a/<file>" -> the directory "META-INF/maven/g/a/". */
static char *maven_dir(const char *name, const char *file)
{
	size_t n = strlen(name), fl = strlen(file);
	const char *d;
	int slashes = 0;

	if (strncmp(name, "META-INF/maven/", 15) != 0 || n <= 15 + fl || strcmp(name + n - fl, file) != 0)
		return NULL;
	for (d = name + 15; d < name + n - fl; d++)
		slashes += *d == '/';
	return slashes == 2 ? lb_xstrndup(name, n - fl) : NULL;
}

static void place(struct lb_scan *s, struct lb_pkgrec *r, const struct lb_entry *e)
{
	if (lb_scan_visible(s, e)) {
		lb_pkgrec_seen_visible(r, e);
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
}

struct joined {
	struct lb_norm_result r[MAX_LICENSES];
	size_t n;
};

static const char *joined_text(void *vctx, const char *words)
{
	struct joined *j = vctx;

	for (size_t i = 0; i < j->n; i++)
		for (size_t k = 0; k < j->r[i].nrefs; k++)
			if (strcmp(j->r[i].refs[k].id, words) == 0)
				return j->r[i].refs[k].text;
	return NULL;
}

/* Offers each name (OR), each normalised on its own. */
static int set_offered(struct lb_scan *s, struct lb_component *c, char *const *names, size_t n)
{
	struct joined j = { .n = 0 };
	struct lb_buf expr, raw;
	int rc = LB_SPDX_EEMPTY;

	lb_buf_init(&expr, LB_SPDX_MAX_LEN);
	lb_buf_init(&raw, LB_SPDX_MAX_LEN);
	for (size_t i = 0; i < n && j.n < MAX_LICENSES; i++) {
		if (lb_license_normalize(names[i], LB_LIC_GENERIC, &j.r[j.n]) != 0)
			continue;
		lb_buf_addf(&expr, "%s(%s)", expr.len ? " OR " : "", j.r[j.n].expr);
		lb_buf_addf(&raw, "%s%s", raw.len ? "; " : "", names[i]);
		j.n++;
	}
	if (j.n && (rc = lb_comp_set_license(&s->model, c, LB_LIC_DECLARED, expr.p, LB_LIC_SPDX,
					     joined_text, &j)) == 0)
		lb_comp_set(&c->declared_raw, raw.p);
	for (size_t i = 0; i < j.n; i++)
		lb_norm_result_release(&j.r[i]);
	lb_buf_release(&expr);
	lb_buf_release(&raw);
	return rc;
}

/* Bundle-License: "name;link=url, name2" or a URL. */
static void bundle_license(struct lb_scan *s, struct lb_component *c, const char *v)
{
	char *names[MAX_LICENSES];
	size_t n = 0;
	char *copy = lb_xstrdup(v), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t && n < MAX_LICENSES; t = strtok_r(NULL, ",", &save)) {
		char *semi = strchr(t, ';'), *w;

		if (semi)
			*semi = '\0';
		w = trimmed(t, strlen(t));
		if (!w)
			continue;
		if (strncmp(w, "http://", 7) == 0 || strncmp(w, "https://", 8) == 0) {
			const char *spdx = url_license(w);

			free(w);
			if (!spdx)
				continue;                /* an unknown URL names nothing */
			w = lb_xstrdup(spdx);
		}
		names[n++] = w;
	}
	free(copy);
	if (n && set_offered(s, c, names, n) == 0)
		lb_comp_set(&c->declared_raw, v);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

/* The file name of inner (or of the image file): "x/y/foo-1.2.jar" -> "foo-1.2". */
static char *stem(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	return lb_xstrndup(b, n > 4 ? n - 4 : n);
}

static void report_one(struct ctx *x, struct lb_component **out, const char *group, const char *artifact,
		       const char *version, const char *inner, const char *field, int *created,
		       const unsigned char *sha256)
{
	char *purl = group ? lb_purl("maven", group, artifact, version, NULL, 0) : NULL;
	char hex[65], *key;

	/* without a purl, the archive's bytes say what is the same thing */
	if (!purl && sha256)
		lb_hex(hex, sha256, 32);
	key = purl ? lb_xstrdup(purl)
		   : sha256 ? lb_xasprintf("sha256:%s", hex)
			    : lb_xasprintf("\x1f%s\x1f%s", artifact, version ? version : "");
	int found;
	struct lb_pkgrec *r = lb_pkgrecs_get(x->st, key, &found);

	if (!found) {
		r->c = lb_model_add(&x->s->model, LB_COMP_LIBRARY, artifact, version, "java");
		r->c->purl = purl;
		purl = NULL;
		if (group)
			lb_comp_add_prop(r->c, "maven:groupId", group);
	}
	*created = !found;
	lb_comp_add_evidence(r->c, LB_EV_METADATA, x->e->path, x->e->layer, field, inner);
	place(x->s, r, x->e);
	*out = r->c;
	free(purl);
	free(key);
}

static void report(struct ctx *x, struct archive_info *a, const char *inner, const unsigned char *data, size_t len)
{
	const char *fname = inner ? inner : x->e->path;
	char *st = stem(fname);
	const char *b = strrchr(fname, '/');
	long self = -1;

	b = b ? b + 1 : fname;
	/* the archive's own pom: the artifactId its name starts with, or the only one */
	for (size_t i = 0; i < a->npoms && self < 0; i++)
		if (a->poms[i].artifact && strncmp(b, a->poms[i].artifact, strlen(a->poms[i].artifact)) == 0)
			self = (long)i;
	if (self < 0 && a->npoms == 1)
		self = 0;
	for (size_t i = 0; i < a->npoms; i++) {
		struct pom *p = &a->poms[i];
		struct lb_component *c;
		int created;

		if (!p->artifact)
			continue;
		report_one(x, &c, p->group, p->artifact, p->version, inner, "pom.properties", &created, NULL);
		if (created) {
			if (p->nlicenses && set_offered(x->s, c, p->licenses, p->nlicenses) == 0)
				lb_comp_add_evidence(c, LB_EV_METADATA, x->e->path, x->e->layer, "pom.xml licenses",
						     c->declared_raw);
			if ((long)i != self)
				lb_comp_add_prop(c, "java:embedded-in", b);
		}
		if ((long)i == self && created) {
			char *v;

			if (!c->declared && a->manifest && (v = manifest_get(a->manifest, a->manifest_len, "Bundle-License"))) {
				bundle_license(x->s, c, v);
				if (c->declared)
					lb_comp_add_evidence(c, LB_EV_METADATA, x->e->path, x->e->layer, "Bundle-License", v);
				free(v);
			}
			if (a->manifest) {
				v = manifest_get(a->manifest, a->manifest_len, "Bundle-DocURL");
				lb_comp_set(&c->homepage, v);
				free(v);
				v = manifest_get(a->manifest, a->manifest_len, "Implementation-Title");
				lb_comp_set(&c->summary, v);
				free(v);
			}
		}
		if ((long)i == self && !inner && lb_scan_visible(x->s, x->e))
			lb_comp_add_file(c, x->e->path);
		if ((long)i == self && !c->has_digest) {
			c->has_digest = 1;
			if (!inner) {
				memcpy(c->sha1, x->e->sha1, 20);
				memcpy(c->sha256, x->e->sha256, 32);
			} else {
				EVP_Digest(data, len, c->sha1, NULL, EVP_sha1(), NULL);
				EVP_Digest(data, len, c->sha256, NULL, EVP_sha256(), NULL);
			}
		}
		if (!c->declared && created)
			lb_comp_add_evidence(c, LB_EV_NOTE, x->e->path, x->e->layer, NULL,
					     "the archive's pom.xml and manifest declare no license (a parent pom may)");
	}
	if (a->npoms == 0) {
		/* no Maven metadata: the manifest, else the file name */
		char *title = NULL, *version = NULL, *lic = NULL;
		struct lb_component *c;
		int created;
		unsigned char sha[32];

		if (inner)
			EVP_Digest(data, len, sha, NULL, EVP_sha256(), NULL);
		else
			memcpy(sha, x->e->sha256, 32);

		if (a->manifest) {
			title = manifest_get(a->manifest, a->manifest_len, "Implementation-Title");
			if (!title)
				title = manifest_get(a->manifest, a->manifest_len, "Bundle-SymbolicName");
			if (title && strchr(title, ';'))
				*strchr(title, ';') = '\0';     /* "name;singleton:=true" */
			version = manifest_get(a->manifest, a->manifest_len, "Implementation-Version");
			if (!version)
				version = manifest_get(a->manifest, a->manifest_len, "Bundle-Version");
			lic = manifest_get(a->manifest, a->manifest_len, "Bundle-License");
		}
		if (!version) {
			/* "name-1.2.3": the version starts at the first "-<digit>" */
			for (char *q = st; *q; q++)
				if (q[0] == '-' && isdigit((unsigned char)q[1])) {
					version = lb_xstrdup(q + 1);
					*q = '\0';
					break;
				}
		}
		report_one(x, &c, NULL, title ? title : st, version, inner, title ? "MANIFEST.MF" : "file name",
			   &created, sha);
		if (!inner && lb_scan_visible(x->s, x->e))
			lb_comp_add_file(c, x->e->path);
		if (created) {
			if (lic) {
				bundle_license(x->s, c, lic);
				if (c->declared)
					lb_comp_add_evidence(c, LB_EV_METADATA, x->e->path, x->e->layer, "Bundle-License",
							     lic);
			}
			if (!c->declared)
				lb_comp_add_evidence(c, LB_EV_NOTE, x->e->path, x->e->layer, NULL,
						     "no Maven metadata and no Bundle-License in the archive");
			c->has_digest = 1;
			if (!inner) {
				memcpy(c->sha1, x->e->sha1, 20);
				memcpy(c->sha256, x->e->sha256, 32);
			} else {
				EVP_Digest(data, len, c->sha1, NULL, EVP_sha1(), NULL);
				EVP_Digest(data, len, c->sha256, NULL, EVP_sha256(), NULL);
			}
		}
		free(title);
		free(version);
		free(lic);
	}
	free(st);
}

static void read_archive(struct ctx *x, const unsigned char *data, size_t len, const char *inner, int depth)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct archive_info info;
	int r, ok = 1;

	memset(&info, 0, sizeof(info));
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		lb_scan_warn(x->s, "'%s'%s%s: not a readable zip archive: %s", x->e->path, inner ? " entry " : "",
			     inner ? inner : "", archive_error_string(a) ? archive_error_string(a) : "unknown format");
		archive_read_free(a);
		return;
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(ae);
		char *dir, *buf;
		size_t blen;

		if (!name || archive_entry_filetype(ae) != AE_IFREG)
			continue;
		if (strcmp(name, "META-INF/MANIFEST.MF") == 0 && !info.manifest) {
			info.manifest = read_entry(x, a, ae, SMALL_MAX, &info.manifest_len);
		} else if ((dir = maven_dir(name, "pom.properties")) != NULL) {
			if (info.npoms < MAX_POMS && (buf = read_entry(x, a, ae, SMALL_MAX, &blen)) != NULL) {
				struct pom *p = &info.poms[info.npoms++];

				p->group = prop(buf, blen, "groupId");
				p->artifact = prop(buf, blen, "artifactId");
				p->version = prop(buf, blen, "version");
				p->dir = dir;
				dir = NULL;
				free(buf);
			}
			free(dir);
		} else if ((dir = maven_dir(name, "pom.xml")) != NULL) {
			if ((buf = read_entry(x, a, ae, SMALL_MAX, &blen)) != NULL) {
				lb_xgrow((void **)&info.xml, &info.xml_cap, info.nxml + 1, sizeof(*info.xml));
				info.xml[info.nxml].dir = dir;
				info.xml[info.nxml].text = buf;
				info.xml[info.nxml++].len = blen;
				dir = NULL;
			}
			free(dir);
		} else if (is_archive_name(name) && depth < MAX_DEPTH) {
			buf = read_entry(x, a, ae, NESTED_MAX, &blen);
			if (buf) {
				char *where = inner ? lb_xasprintf("%s!/%s", inner, name) : lb_xstrdup(name);

				read_archive(x, (const unsigned char *)buf, blen, where, depth + 1);
				free(where);
				free(buf);
			} else if (!x->warned) {
				lb_scan_warn(x->s, "'%s': nested archive '%s' not analysed: damaged, larger than %u MiB, "
					     "or past the %llu MiB read per file", x->e->path, name, NESTED_MAX >> 20,
					     (unsigned long long)(BUDGET >> 20));
				x->warned = 1;
			}
		} else if (is_archive_name(name) && !x->warned) {
			lb_scan_warn(x->s, "'%s': nested archive '%s%s%s' not analysed: nested deeper than %d archives",
				     x->e->path, inner ? inner : "", inner ? "!/" : "", name, MAX_DEPTH);
			x->warned = 1;
		}
	}
	if (r != ARCHIVE_EOF) {
		ok = 0;
		lb_scan_warn(x->s, "'%s'%s%s: zip archive damaged: %s", x->e->path, inner ? " entry " : "",
			     inner ? inner : "", archive_error_string(a) ? archive_error_string(a) : "read error");
	}
	archive_read_free(a);
	/* pom.xml files belong to the pom.properties of their directory */
	for (size_t i = 0; i < info.nxml; i++)
		for (size_t k = 0; k < info.npoms; k++)
			if (strcmp(info.xml[i].dir, info.poms[k].dir) == 0 && !info.poms[k].has_xml)
				pom_licenses(&info.poms[k], info.xml[i].text, info.xml[i].len);
	if (ok || info.npoms || info.manifest)
		report(x, &info, inner, data, len);
	info_release(&info);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct ctx x = { s, vst, e, BUDGET, 0 };

	if ((!lb_scan_visible(s, e) && !s->all_layers) || !data)
		return 0;
	if (e->flags & LB_EF_TRUNCATED) {
		lb_scan_warn(s, "'%s' is larger than %u MiB: not analysed", e->path, JAR_MAX >> 20);
		return 0;
	}
	read_archive(&x, data, len, NULL, 0);
	return 0;
}

/* ---- finish ---- */

const struct lb_detector lb_detector_java = {
	.name = "java",
	.max_size = JAR_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
};
