/* SPDX-License-Identifier: Apache-2.0 */
/*
 * java: Java archives (.jar, .war, .ear, Jenkins .hpi/.jpi).
 *
 * Archives are streamed (detector.h, LB_WANT_STREAM), never kept whole: see
 * "stream" below.  What the stream kept is a small zip, read from memory
 * with libarchive, never extracted:
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
 *
 * Stream: the walker hands over the archive's bytes in chunks of any size;
 * a push parser (struct jstream) follows the local file headers in order
 * and keeps only the entries read_archive() reads (wanted_name(): the
 * manifest, pom.properties, pom.xml, nested archives), each with a local
 * header rewritten without data descriptor or extra fields; everything
 * else is skipped.  The central directory is not read: what its entries
 * say differently from the local headers (overlapping entries) is not
 * seen.  The summary
 * is those entries with a central directory written for them, so the
 * parsing below is the same whatever the archive's size.  Memory per
 * archive is bounded by KEEP_MAX (the summary cap, detector.h), not by the
 * archive's size: at most KEEP_MAX kept and KEEP_MAX of whole copy (below)
 * per stream, one stream per level of nesting, while it streams; the
 * summary that stays is what was kept.
 *  - An entry with a data descriptor (flag bit 3: sizes 0 in the header,
 *    the jar tool writes them) ends where its deflate stream ends: it is
 *    inflated into a scratch buffer to find that end, then the descriptor
 *    (signature optional; 64-bit sizes after a zip64 header, or past 4 GiB)
 *    is checked against what was inflated.
 *  - A stored entry with a descriptor (python's zipfile writing to a pipe)
 *    ends at the first descriptor signature followed by the CRC-32 and the
 *    sizes of the bytes before it (scan_stored()).
 *  - What the stream cannot follow (a stored entry whose descriptor has no
 *    signature, an encrypted entry or one of another method with a
 *    descriptor, a damaged deflate stream, bytes that are no zip header,
 *    but for up to PREFIX_MAX before the first entry: the launcher script
 *    of an "executable" jar; an archive cut short): an archive of at most
 *    KEEP_MAX is copied whole as it streams by (dropped once followed) and
 *    read as before; a larger one is not analysed, with a warning saying
 *    why.
 *  - A nested archive (stored, or deflated: inflated as it goes by) is
 *    streamed the same way into a stream of its own, up to MAX_DEPTH deep,
 *    and its SHA-256 and SHA-1 computed on the way: the kept entry is its
 *    digests and its summary (read_summary()), so a fat jar or a war of
 *    hundreds of MB of libraries keeps a few KB per library.  BUDGET caps
 *    the bytes of nested archives read per image file; the bytes inflated
 *    only to find where entries end are capped at BUDGET plus FIND_RATIO
 *    times the bytes seen, which lets a zip bomb go (an 86 MB jar written
 *    with data descriptors, 240 MB inflated, takes 0.48 s of CPU to
 *    follow): past either, the stream gives up as below.
 * Measured on the bench's mixed image (83 Debian jars, 23 MB, 13 of them
 * with data descriptors; docs/internals/performance.md, "Memory"): 177 KB
 * kept instead of 23 MB, all 83 followed, the same components; a full
 * `scan -j 1` took 1.24, 1.28, 1.28 s of user time before and 1.28, 1.29,
 * 1.29 s after (inflating the entries with descriptors costs about what
 * libarchive's reading of every central directory entry of the whole jars
 * saves), peak RSS 84 MB before, 61 MB after; an image of one 68 MB war
 * of 100 deflated jars: the same SBOM, 0.20-0.22 s of user time before
 * and after, peak RSS 143 MB before, 12 MB after.  As that is within the
 * noise, every archive is streamed, whatever its size: keeping small ones
 * whole would save no time and make memory grow with their number.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"

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
	return is_archive_name(e->path) ? LB_WANT_STREAM : LB_WANT_NO;
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

static void read_archive(struct ctx *x, const unsigned char *data, size_t len, const char *inner, int depth,
			 int kind, const unsigned char *dg);

/* A nested archive's SHA-256 and SHA-1: those the stream computed (dg:
 * SHA-256 then SHA-1), else of its bytes. */
static void inner_digests(const unsigned char *dg, const unsigned char *data, size_t len, unsigned char *sha256,
			  unsigned char *sha1)
{
	if (dg) {
		memcpy(sha256, dg, 32);
		if (sha1)
			memcpy(sha1, dg + 32, 20);
		return;
	}
	EVP_Digest(data, len, sha256, NULL, EVP_sha256(), NULL);
	if (sha1)
		EVP_Digest(data, len, sha1, NULL, EVP_sha1(), NULL);
}

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

/* Offered licenses (pom.xml, Bundle-License): each in the generic dialect. */
static const struct lb_offer_opts offer = { .dialect = LB_LIC_GENERIC, .sep = "; " };

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
	if (n && lb_comp_set_offered(&s->model, c, (const char *const *)names, n, &offer) == 0)
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

static void report(struct ctx *x, struct archive_info *a, const char *inner, const unsigned char *data, size_t len,
		   const unsigned char *dg)
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
			if (p->nlicenses && lb_comp_set_offered(&x->s->model, c, (const char *const *)p->licenses, p->nlicenses, &offer) == 0)
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
				inner_digests(dg, data, len, c->sha256, c->sha1);
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
			inner_digests(dg, data, len, sha, NULL);
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
				inner_digests(dg, data, len, c->sha256, c->sha1);
			}
		}
		free(title);
		free(version);
		free(lic);
	}
	free(st);
}

/* A streamed archive's summary (stream_end()); nested ones start with
 * their digests. */
static void read_summary(struct ctx *x, const unsigned char *p, size_t len, const char *inner, int depth)
{
	const unsigned char *dg = NULL;
	size_t nl;

	if (inner) {
		if (len < 52)
			return;
		dg = p;
		p += 52;
		len -= 52;
	}
	if (len < 2 || (nl = (size_t)(p[0] | p[1] << 8)) > len - 2)
		return;
	if (nl && !x->warned) {
		lb_scan_warn(x->s, "'%s'%s%s: %.*s", x->e->path, inner ? " entry " : "", inner ? inner : "", (int)nl,
			     (const char *)p + 2);
		x->warned = 1;
	}
	p += 2 + nl;
	len -= 2 + nl;
	if (len > 1 && (p[0] == 'S' || p[0] == 'W'))
		read_archive(x, p + 1, len - 1, inner, depth, p[0], dg);
}

/*
 * kind: 'W' for a whole archive, 'S' for the summary zip of a streamed one,
 * whose nested archives are summaries too: their SHA-256 and SHA-1, then
 * what stream_end() returns (struct jstream).  dg: the digests of a nested
 * archive, or NULL.
 */
static void read_archive(struct ctx *x, const unsigned char *data, size_t len, const char *inner, int depth,
			 int kind, const unsigned char *dg)
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

				if (kind == 'S')
					read_summary(x, (const unsigned char *)buf, blen, where, depth + 1);
				else
					read_archive(x, (const unsigned char *)buf, blen, where, depth + 1, 'W', NULL);
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
		report(x, &info, inner, data, len, dg);
	info_release(&info);
}

/* ---- stream ---- */

/* Bytes of a streamed archive's summary: the kept local entries and the
 * central directory written for them, or the whole archive when the stream
 * could not be followed.  What is left of LB_STREAM_SUMMARY_MAX holds the
 * note and the end record. */
#define KEEP_MAX (LB_STREAM_SUMMARY_MAX - ((size_t)64 << 10))
#define KEPT_ENTRIES 4096
#define NAME_CAP 1024
#define NOTE_MAX 512

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64 0x06064b50u
#define SIG_DESC 0x08074b50u

#define PREFIX_MAX ((uint64_t)1 << 20)   /* bytes before the first entry */
#define FIND_RATIO 32                    /* inflated to find ends per byte seen, past BUDGET */

enum { Z_SIG, Z_PREFIX, Z_HEAD, Z_NAME, Z_EXTRA, Z_COPY, Z_INFLATE, Z_DESC, Z_SCAN, Z_END, Z_FAIL };

struct jstream {
	int st;
	size_t have, need;               /* bytes of the current field read / wanted */
	uint64_t pos;                    /* bytes of the archive seen */
	uint32_t win;                    /* the last 4 bytes of a prefix */
	unsigned char hdr[30];
	unsigned char desc[24];
	unsigned char extra[65535];
	char name[NAME_CAP + 1];
	/* the current entry */
	uint16_t version, flags, method, mtime, mdate, namelen, extralen;
	uint32_t crc;
	uint64_t csize, usize, left;
	int zip64, keep, sigskip;
	/* a stored entry with a descriptor: its bytes so far, their CRC, and
	 * those that may start the descriptor */
	uint64_t count;
	uint32_t run_crc;
	unsigned char pend[24];
	size_t npend;
	size_t kept_at;                  /* its local header in kept */
	z_stream z;
	int z_ready;
	unsigned char *scratch;          /* inflated bytes, discarded */
	struct lb_buf kept, cd;
	uint16_t nkept;
	struct lb_buf raw;               /* the whole archive, while small enough */
	int raw_on;
	int depth;                       /* 0: the image file; n: nested n deep */
	int nested;                      /* the entry is an archive: 1 streamed into
					  * child, 2 kept empty (too deep to read) */
	struct jstream *child;
	EVP_MD_CTX *h256, *h1;           /* of the nested archive's bytes */
	uint64_t *budget;                /* bytes of nested archives left to read, shared */
	uint64_t found;                  /* bytes inflated to find ends of entries */
	uint64_t budget_store;
	char note[NOTE_MAX];
	char why[NOTE_MAX];              /* why the stream could not be followed */
};

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void wr32(unsigned char *p, uint32_t v)
{
	wr16(p, (uint16_t)v);
	wr16(p + 2, (uint16_t)(v >> 16));
}

static void js_fail(struct jstream *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void js_free(struct jstream *j);
static void js_data(struct jstream *j, const unsigned char *p, size_t n);

static void js_fail(struct jstream *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->why, sizeof(j->why), fmt, ap);
	va_end(ap);
	j->st = Z_FAIL;
	lb_buf_release(&j->kept);
	lb_buf_release(&j->cd);
	js_free(j->child);
	j->child = NULL;
}

/* Counts n bytes read from a nested archive (stored or inflated); 0 past
 * BUDGET for the image file (the stream failed). */
static int spend(struct jstream *j, size_t n)
{
	if (*j->budget < n) {
		js_fail(j, "more than %llu MiB of nested archives to read", (unsigned long long)(BUDGET >> 20));
		return 0;
	}
	*j->budget -= n;
	return 1;
}

/* Counts n bytes inflated only to find where an entry ends; 0 past
 * FIND_RATIO times the bytes seen (a zip bomb), the stream failed. */
static int spend_finding(struct jstream *j, size_t n)
{
	j->found += n;
	if (j->found > BUDGET + FIND_RATIO * j->pos) {
		js_fail(j, "more than %d times its size to decompress to find where its entries end", FIND_RATIO);
		return 0;
	}
	return 1;
}

/* Bytes of the nested archive being read, to its stream and digests. */
static void feed_child(struct jstream *j, const unsigned char *p, size_t n)
{
	if (!n || !j->child || !spend(j, n))
		return;
	EVP_DigestUpdate(j->h256, p, n);
	EVP_DigestUpdate(j->h1, p, n);
	js_data(j->child, p, n);
}

/* The first note only, as read_archive() warns once per file. */
static void js_note(struct jstream *j, const char *what)
{
	if (!j->note[0])
		snprintf(j->note, sizeof(j->note), "nested archive '%.200s' not analysed: %.100s", j->name, what);
}

/* What read_archive() reads (keep the two in step). */
static int wanted_name(const char *name)
{
	char *dir;

	if (strcmp(name, "META-INF/MANIFEST.MF") == 0 || is_archive_name(name))
		return 1;
	if ((dir = maven_dir(name, "pom.properties")) == NULL && (dir = maven_dir(name, "pom.xml")) == NULL)
		return 0;
	free(dir);
	return 1;
}

/* Bytes the current entry's data may still take in kept, leaving room for
 * its header and the central directory. */
static size_t keep_room(const struct jstream *j)
{
	size_t used = j->kept.len + j->cd.len + 46 + (size_t)j->namelen + 22;

	return used < KEEP_MAX ? KEEP_MAX - used : 0;
}

static void drop_entry(struct jstream *j, const char *what)
{
	if (is_archive_name(j->name))
		js_note(j, what);
	j->kept.len = j->kept_at;
	j->keep = 0;
	j->nested = 0;
	js_free(j->child);
	j->child = NULL;
}

static struct jstream *js_new(int depth, uint64_t size, size_t rawcap, uint64_t *budget);
static unsigned char *js_end(struct jstream *j, size_t *len);

static void desc_start(struct jstream *j)
{
	j->st = Z_DESC;
	j->have = 0;
	j->need = 4;
	j->sigskip = -1;
}

/* The local header and name are read: what to do with the data. */
static void begin_data(struct jstream *j)
{
	int big = 0;

	/* a zip64 extra field holds the sizes the header marks 0xffffffff */
	for (size_t o = 0; o + 4 <= j->extralen;) {
		uint16_t id = rd16(j->extra + o), sz = rd16(j->extra + o + 2);
		size_t f = o + 4;

		if (o + 4 + sz > j->extralen)
			break;
		if (id == 0x0001) {
			j->zip64 = 1;
			if (j->usize == 0xffffffffu && f + 8 <= o + 4 + sz) {
				j->usize = rd64(j->extra + f);
				f += 8;
			}
			if (j->csize == 0xffffffffu && f + 8 <= o + 4 + sz)
				j->csize = rd64(j->extra + f);
		}
		o += 4 + (size_t)sz;
	}
	j->keep = j->namelen && j->namelen <= NAME_CAP && strlen(j->name) == j->namelen &&
		  j->name[j->namelen - 1] != '/' && wanted_name(j->name);
	if (j->keep && j->nkept >= KEPT_ENTRIES) {
		j->keep = 0;
		js_note(j, "past the entries kept per archive");
	}
	j->nested = 0;
	if (j->keep && is_archive_name(j->name)) {
		/* read as it streams by, into a summary of its own */
		if (j->depth >= MAX_DEPTH)
			j->nested = 2;          /* read_archive() warns, reads nothing */
		else if ((j->method == 0 || j->method == 8) && !(j->flags & 1))
			j->nested = 1;
		else
			j->keep = 0;            /* read_archive() could not read it either */
	}
	if (j->keep && !j->nested && !(j->flags & 8)) {
		if (j->csize + 30 + j->namelen > keep_room(j))
			big = 1;
		else if (!is_archive_name(j->name) && j->csize > SMALL_MAX)
			j->keep = 0;
		if (j->usize >= 0xffffffffu)
			big = 1;
	}
	if (big) {
		j->keep = 0;
		if (is_archive_name(j->name))
			js_note(j, "larger than what is kept of a streamed archive");
	}
	if (j->keep) {
		unsigned char h[30] = { 0 };

		j->kept_at = j->kept.len;
		if (lb_buf_add(&j->kept, h, sizeof(h)) < 0 || lb_buf_add(&j->kept, j->name, j->namelen) < 0) {
			j->kept.len = j->kept_at;
			j->keep = 0;
			j->nested = 0;
		}
	}
	if (j->nested == 1) {
		size_t room = keep_room(j);

		j->child = js_new(j->depth + 1, (j->flags & 8) ? 0 : j->usize, room, j->budget);
		if (!j->h256) {
			j->h256 = EVP_MD_CTX_new();
			j->h1 = EVP_MD_CTX_new();
			if (!j->h256 || !j->h1)
				BUG("out of memory");
		}
		EVP_DigestInit_ex(j->h256, EVP_sha256(), NULL);
		EVP_DigestInit_ex(j->h1, EVP_sha1(), NULL);
	}
	if (j->flags & 8) {
		/* the size is in a descriptor after the data: only the end of a
		 * deflate stream says where that is; the end of a stored entry is
		 * the first descriptor signature whose CRC and sizes are those of
		 * the bytes before it (scan_stored()) */
		if (j->method == 0 && !(j->flags & 1)) {
			j->count = 0;
			j->run_crc = 0;
			j->npend = 0;
			j->st = Z_SCAN;
			return;
		}
		if (j->method != 8 || (j->flags & 1)) {
			js_fail(j, "entry '%.200s' has its size after its data and is %s", j->name,
				(j->flags & 1) ? "encrypted" : "compressed with an unknown method");
			return;
		}
	}
	if ((j->flags & 8) || (j->nested == 1 && j->method == 8)) {
		if (!j->z_ready) {
			memset(&j->z, 0, sizeof(j->z));
			if (inflateInit2(&j->z, -MAX_WBITS) != Z_OK) {
				js_fail(j, "zlib cannot start");
				return;
			}
			j->z_ready = 1;
			j->scratch = lb_xmalloc(65536);
		} else {
			inflateReset(&j->z);
		}
		j->st = Z_INFLATE;
		return;
	}
	j->left = j->csize;
	j->st = Z_COPY;
}

static void entry_done(struct jstream *j)
{
	j->st = Z_SIG;
	j->have = 0;
	j->need = 4;
	if (!j->keep)
		return;
	if (j->nested) {
		/* stored: its digests and its summary (read_summary()), or nothing */
		unsigned char dg[52], *sum = NULL;
		size_t sl = 0;
		unsigned int dl;

		j->method = 0;
		j->flags &= (uint16_t)~1u;
		j->csize = j->usize = 0;
		j->crc = 0;
		if (j->nested == 1) {
			sum = (unsigned char *)js_end(j->child, &sl);
			j->child = NULL;
			EVP_DigestFinal_ex(j->h256, dg, &dl);
			EVP_DigestFinal_ex(j->h1, dg + 32, &dl);
			if (52 + sl > keep_room(j) || lb_buf_add(&j->kept, dg, 52) < 0 ||
			    lb_buf_add(&j->kept, sum, sl) < 0) {
				free(sum);
				drop_entry(j, "larger than what is kept of a streamed archive");
				return;
			}
			j->crc = (uint32_t)crc32(crc32(0, dg, 52), sum, (uInt)sl);
			j->csize = j->usize = 52 + sl;
			free(sum);
		}
	}
	if (j->usize >= 0xffffffffu || j->csize > KEEP_MAX) {
		drop_entry(j, "larger than what is kept of a streamed archive");
		return;
	}
	unsigned char *h = (unsigned char *)j->kept.p + j->kept_at, c[46] = { 0 };

	wr32(h, SIG_LOCAL);
	wr16(h + 4, j->version);
	wr16(h + 6, (uint16_t)(j->flags & ~8u));
	wr16(h + 8, j->method);
	wr16(h + 10, j->mtime);
	wr16(h + 12, j->mdate);
	wr32(h + 14, j->crc);
	wr32(h + 18, (uint32_t)j->csize);
	wr32(h + 22, (uint32_t)j->usize);
	wr16(h + 26, j->namelen);
	wr32(c, SIG_CENTRAL);
	wr16(c + 4, 20);
	memcpy(c + 6, h + 4, 26);        /* version needed .. name length */
	wr32(c + 42, (uint32_t)j->kept_at);
	if (lb_buf_add(&j->cd, c, sizeof(c)) < 0 || lb_buf_add(&j->cd, j->name, j->namelen) < 0) {
		drop_entry(j, "past the entries kept per archive");
		return;
	}
	j->nkept++;
}

/* Takes bytes of a fixed-size field into dst (NULL: skipped); returns the
 * bytes used. */
static size_t take(struct jstream *j, void *dst, size_t dstcap, const unsigned char *p, size_t n)
{
	size_t k = j->need - j->have;

	if (k > n)
		k = n;
	if (dst && j->have < dstcap)
		memcpy((char *)dst + j->have, p, j->have + k <= dstcap ? k : dstcap - j->have);
	j->have += k;
	return k;
}

static size_t inflate_some(struct jstream *j, const unsigned char *p, size_t n)
{
	size_t k = n > (1u << 30) ? (1u << 30) : n, used;
	int r = Z_OK;

	j->z.next_in = (unsigned char *)p;
	j->z.avail_in = (uInt)k;
	while (j->z.avail_in && r == Z_OK) {
		j->z.next_out = j->scratch;
		j->z.avail_out = 65536;
		r = inflate(&j->z, Z_NO_FLUSH);
		/* what goes to a nested archive is counted there */
		if (j->nested == 1)
			feed_child(j, j->scratch, 65536 - j->z.avail_out);
		else if (!spend_finding(j, 65536 - j->z.avail_out))
			return n;
		if (j->st == Z_FAIL)
			return n;
	}
	used = k - j->z.avail_in;
	if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
		js_fail(j, "entry '%.200s': its deflate stream is damaged", j->name);
		return n;
	}
	if (j->keep && !j->nested && (lb_buf_add(&j->kept, p, used) < 0 || !keep_room(j)))
		drop_entry(j, "larger than what is kept of a streamed archive");
	if (r == Z_STREAM_END) {
		if (!(j->flags & 8)) {
			/* a nested archive with its sizes in its header */
			if (j->z.total_in != j->csize || j->z.total_out != j->usize)
				js_fail(j, "entry '%.200s': its deflate stream does not end where its header says",
					j->name);
			else
				entry_done(j);
			return used;
		}
		j->csize = j->z.total_in;
		j->usize = j->z.total_out;
		desc_start(j);
	}
	return used;
}

/* Bytes of a stored entry with a descriptor, known to be data. */
static void commit(struct jstream *j, const unsigned char *p, size_t n)
{
	if (!n)
		return;
	j->run_crc = (uint32_t)crc32(j->run_crc, p, (uInt)n);
	j->count += n;
	if (j->nested == 1)
		feed_child(j, p, n);
	else if (j->keep && !j->nested && (lb_buf_add(&j->kept, p, n) < 0 || !keep_room(j)))
		drop_entry(j, "larger than what is kept of a streamed archive");
}

/* Moves what follows the first byte of pend up to the next 'P' to the
 * data, after that byte: pend then starts at a 'P', or is empty. */
static void pend_shift(struct jstream *j)
{
	const unsigned char *q = j->npend > 1 ? memchr(j->pend + 1, 'P', j->npend - 1) : NULL;
	size_t keep = q ? j->npend - (size_t)(q - j->pend) : 0;

	commit(j, j->pend, j->npend - keep);
	memmove(j->pend, j->pend + j->npend - keep, keep);
	j->npend = keep;
}

/*
 * A stored entry with a descriptor: its data ends at the first "PK\7\8"
 * followed by the CRC-32 and the sizes (64-bit after a zip64 header) of
 * the bytes before it.  A lookalike inside the data fails the CRC.
 * Example: "abPK\7\8" + crc("ab") + 2 + 2 ends the data "ab".
 */
static size_t scan_stored(struct jstream *j, const unsigned char *p, size_t n)
{
	size_t need = j->zip64 || j->count >= 0xffffffffu ? 24 : 16, k;

	if (!j->npend) {
		const unsigned char *q = memchr(p, 'P', n);

		k = q ? (size_t)(q - p) : n;
		commit(j, p, k);
		if (q && j->st == Z_SCAN)
			j->pend[j->npend++] = p[k++];
		return k;
	}
	k = need - j->npend < n ? need - j->npend : n;
	memcpy(j->pend + j->npend, p, k);
	j->npend += k;
	if (j->npend < need)
		return k;
	if (rd32(j->pend) == SIG_DESC && rd32(j->pend + 4) == j->run_crc &&
	    (need == 24 ? rd64(j->pend + 8) == j->count && rd64(j->pend + 16) == j->count
			: rd32(j->pend + 8) == j->count && rd32(j->pend + 12) == j->count)) {
		j->crc = j->run_crc;
		j->csize = j->usize = j->count;
		entry_done(j);
		return k;
	}
	pend_shift(j);
	return k;
}

/* One step of the parser over p[0..n): returns the bytes used (0 only
 * when the state changed). */
static size_t js_step(struct jstream *j, const unsigned char *p, size_t n)
{
	size_t k;

	switch (j->st) {
	case Z_SIG:
		k = take(j, j->hdr, 4, p, n);
		if (j->have < 4)
			return k;
		switch (rd32(j->hdr)) {
		case SIG_LOCAL:
			j->st = Z_HEAD;
			j->need = 30;
			break;
		case SIG_CENTRAL:
		case SIG_END:
		case SIG_END64:
			j->st = Z_END;
			break;
		default:
			if (j->pos + k == 4 && j->depth == 0) {
				/* a launcher script before the zip ("executable" jars) */
				j->win = rd32(j->hdr);
				j->st = Z_PREFIX;
				break;
			}
			js_fail(j, "no zip entry at byte %llu", (unsigned long long)(j->pos + k - 4));
		}
		return k;
	case Z_PREFIX:
		for (k = 0; k < n && j->win != SIG_LOCAL; k++) {
			if (j->pos + k >= PREFIX_MAX) {
				js_fail(j, "no zip entry in the first %llu KiB", (unsigned long long)(PREFIX_MAX >> 10));
				return n;
			}
			j->win = j->win >> 8 | (uint32_t)p[k] << 24;
		}
		if (j->win == SIG_LOCAL) {
			wr32(j->hdr, SIG_LOCAL);
			j->have = 4;
			j->need = 30;
			j->st = Z_HEAD;
		}
		return k;
	case Z_HEAD:
		k = take(j, j->hdr, 30, p, n);
		if (j->have < 30)
			return k;
		j->version = rd16(j->hdr + 4);
		j->flags = rd16(j->hdr + 6);
		j->method = rd16(j->hdr + 8);
		j->mtime = rd16(j->hdr + 10);
		j->mdate = rd16(j->hdr + 12);
		j->crc = rd32(j->hdr + 14);
		j->csize = rd32(j->hdr + 18);
		j->usize = rd32(j->hdr + 22);
		j->namelen = rd16(j->hdr + 26);
		j->extralen = rd16(j->hdr + 28);
		j->zip64 = 0;
		j->st = Z_NAME;
		j->have = 0;
		j->need = j->namelen;
		return k;
	case Z_NAME:
		k = take(j, j->name, NAME_CAP, p, n);
		if (j->have < j->need)
			return k;
		j->name[j->namelen < NAME_CAP ? j->namelen : NAME_CAP] = '\0';
		j->st = Z_EXTRA;
		j->have = 0;
		j->need = j->extralen;
		return k;
	case Z_EXTRA:
		k = take(j, j->extra, sizeof(j->extra), p, n);
		if (j->have < j->need)
			return k;
		begin_data(j);
		return k;
	case Z_COPY:
		k = j->left < n ? (size_t)j->left : n;
		if (j->nested == 1)
			feed_child(j, p, k);
		else if (j->keep && !j->nested && lb_buf_add(&j->kept, p, k) < 0)
			drop_entry(j, "larger than what is kept of a streamed archive");
		if (j->st == Z_FAIL)
			return n;
		j->left -= k;
		if (!j->left)
			entry_done(j);
		return k;
	case Z_INFLATE:
		return inflate_some(j, p, n);
	case Z_SCAN:
		return scan_stored(j, p, n);
	case Z_DESC:
		k = take(j, j->desc, sizeof(j->desc), p, n);
		if (j->have < j->need)
			return k;
		if (j->sigskip < 0) {
			/* the signature is optional; 64-bit sizes follow a zip64 header */
			j->sigskip = rd32(j->desc) == SIG_DESC ? 4 : 0;
			j->need = (size_t)j->sigskip +
				  (j->zip64 || j->csize >= 0xffffffffu || j->usize >= 0xffffffffu ? 20 : 12);
			return k;
		}
		{
			const unsigned char *d = j->desc + j->sigskip;
			int wide = j->need - (size_t)j->sigskip == 20;
			uint64_t cs = wide ? rd64(d + 4) : rd32(d + 4);
			uint64_t us = wide ? rd64(d + 12) : rd32(d + 8);

			if (cs != j->csize || us != j->usize) {
				js_fail(j, "entry '%.200s': its data descriptor does not match its data", j->name);
				return k;
			}
			j->crc = rd32(d);
		}
		entry_done(j);
		return k;
	default:
		return n;
	}
}

/* A stream of an archive of size bytes (0: unknown), nested depth deep;
 * an archive it cannot follow is kept whole while at most rawcap bytes. */
static struct jstream *js_new(int depth, uint64_t size, size_t rawcap, uint64_t *budget)
{
	struct jstream *j = lb_xcalloc(1, sizeof(*j));

	j->need = 4;
	j->depth = depth;
	lb_buf_init(&j->kept, KEEP_MAX);
	lb_buf_init(&j->cd, KEEP_MAX);
	if (rawcap > KEEP_MAX)
		rawcap = KEEP_MAX;
	j->raw_on = size <= rawcap;
	lb_buf_init(&j->raw, rawcap);
	j->budget_store = BUDGET;
	j->budget = budget ? budget : &j->budget_store;
	return j;
}

static void js_free(struct jstream *j)
{
	if (!j)
		return;
	js_free(j->child);
	if (j->z_ready)
		inflateEnd(&j->z);
	free(j->scratch);
	EVP_MD_CTX_free(j->h256);
	EVP_MD_CTX_free(j->h1);
	lb_buf_release(&j->kept);
	lb_buf_release(&j->cd);
	lb_buf_release(&j->raw);
	free(j);
}

static void js_data(struct jstream *j, const unsigned char *p, size_t n)
{
	if (j->raw_on && lb_buf_add(&j->raw, p, n) < 0) {
		lb_buf_release(&j->raw);
		j->raw_on = 0;
	}
	while (n && j->st != Z_END && j->st != Z_FAIL) {
		size_t k = js_step(j, p, n);

		p += k;
		n -= k;
		j->pos += k;
	}
}

/*
 * The summary, which frees j: u16 length of a note to warn, the note, then
 * 'S' and the zip of the kept entries, or 'W' and the whole archive, or
 * nothing when the archive was not analysed.
 */
static unsigned char *js_end(struct jstream *j, size_t *len)
{
	struct lb_buf out;
	unsigned char h[2], end[22] = { 0 };
	int ok = j->st == Z_END || (j->st == Z_SIG && j->have == 0 && j->pos > 0);
	size_t nl;

	if (!ok && j->st != Z_FAIL)
		snprintf(j->why, sizeof(j->why), "the archive ends inside entry '%.200s'", j->name);
	if (!ok && !j->raw_on)
		snprintf(j->note, sizeof(j->note), "not analysed: %.400s (an archive larger than %zu MiB is read as it "
			 "streams by)", j->why, KEEP_MAX >> 20);
	else if (!ok)
		j->note[0] = '\0';
	nl = strlen(j->note);
	lb_buf_init(&out, LB_STREAM_SUMMARY_MAX);
	wr16(h, (uint16_t)nl);
	lb_buf_add(&out, h, 2);
	lb_buf_add(&out, j->note, nl);
	if (ok) {
		wr32(end, SIG_END);
		wr16(end + 8, j->nkept);
		wr16(end + 10, j->nkept);
		wr32(end + 12, (uint32_t)j->cd.len);
		wr32(end + 16, (uint32_t)j->kept.len);
		lb_buf_add(&out, "S", 1);
		if (j->kept.len)
			lb_buf_add(&out, j->kept.p, j->kept.len);
		if (j->cd.len)
			lb_buf_add(&out, j->cd.p, j->cd.len);
		lb_buf_add(&out, end, sizeof(end));
	} else if (j->raw_on && j->raw.len) {
		lb_buf_add(&out, "W", 1);
		lb_buf_add(&out, j->raw.p, j->raw.len);
	}
	js_free(j);
	return (unsigned char *)lb_buf_detach(&out, len);
}

static void *stream_begin(const struct lb_entry *e)
{
	return js_new(0, e->size, KEEP_MAX, NULL);
}

static void stream_data(void *ctx, const void *p, size_t n)
{
	js_data(ctx, p, n);
}

static unsigned char *stream_end(void *ctx, size_t *len)
{
	return js_end(ctx, len);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct ctx x = { s, vst, e, BUDGET, 0 };
	const unsigned char *p = data;

	if ((!lb_scan_visible(s, e) && !s->all_layers) || !data || len < 2)
		return 0;
	read_summary(&x, p, len, NULL, 0);
	return 0;
}

/* ---- finish ---- */

const struct lb_detector lb_detector_java = {
	.name = "java",
	.max_size = 0,   /* nothing is kept: the archives are streamed */
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
	.stream_begin = stream_begin,
	.stream_data = stream_data,
	.stream_end = stream_end,
};
