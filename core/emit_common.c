/* SPDX-License-Identifier: Apache-2.0 */
#include "emit_common.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lb_config.h"
#include "emit.h"
#include "scan.h"

static const struct lb_emitter *const emitters[] = {
	&lb_emitter_spdx_json,
	&lb_emitter_spdx_tv,
	&lb_emitter_cyclonedx_json,
	&lb_emitter_cyclonedx_xml,
	&lb_emitter_spdx3_json,
	&lb_emitter_html,
};

const struct lb_emitter *lb_emitter_find(const char *name)
{
	for (size_t i = 0; i < LB_ARRAY_SIZE(emitters); i++)
		if (strcmp(emitters[i]->name, name) == 0)
			return emitters[i];
	return NULL;
}

void lb_sbom_input_from_scan(const struct lb_scan *s, int with_files, time_t created,
			     struct lb_sbom_input *in)
{
	struct lb_sbom_layer *layers;
	struct lb_sbom_file *files = NULL;
	size_t n = 0;

	memset(in, 0, sizeof(*in));
	in->image_name = lb_image_name(s->img);
	in->image_path = lb_image_path(s->img);
	in->manifest_digest = lb_image_manifest_digest(s->img);
	in->config_digest = lb_image_config_digest(s->img);
	in->os = lb_image_os(s->img);
	in->arch = lb_image_arch(s->img);
	in->variant = lb_image_variant(s->img);
	layers = lb_xcalloc(s->nlayers ? s->nlayers : 1, sizeof(*layers));
	for (size_t i = 0; i < s->nlayers; i++) {
		layers[i].diff_id = s->layers[i].diff_id;
		layers[i].digest = s->layers[i].digest;
		layers[i].created_by = s->layers[i].created_by;
		layers[i].size = s->layers[i].size;
	}
	in->layers = layers;
	in->nlayers = s->nlayers;
	in->model = &s->model;
	in->with_files = with_files;
	in->all_layers = s->all_layers;
	in->created = created;
	if (with_files) {
		files = lb_xcalloc(s->view.n ? s->view.n : 1, sizeof(*files));
		for (size_t i = 0; i < s->view.n; i++) {
			const struct lb_entry *e = s->view.v[i];

			if (e->type != LB_FT_FILE || !(e->flags & LB_EF_HASHED))
				continue;
			if (!(e->flags & LB_EF_SHA1))
				BUG("'%s' has no SHA-1: the scan was not asked for all (lb_scan_opts.all_sha1)", e->path);
			files[n].path = e->path;
			files[n].layer = e->layer;
			memcpy(files[n].sha1, e->sha1, 20);
			memcpy(files[n].sha256, e->sha256, 32);
			n++;
		}
	}
	in->files = files;
	in->nfiles = n;
	in->tool_version = LB_VERSION;
}

void lb_sbom_input_release_scan(struct lb_sbom_input *in)
{
	free((void *)in->layers);
	free((void *)in->files);
	in->layers = NULL;
	in->files = NULL;
}

int lb_emit_sbom(const struct lb_scan *s, const struct lb_emitter *e, int with_files, time_t created,
		 FILE *out)
{
	struct lb_sbom_input in;
	int r;

	lb_sbom_input_from_scan(s, with_files, created, &in);
	r = e->emit(&in, out);
	lb_sbom_input_release_scan(&in);
	return r;
}

int lb_sbom_time(const char *sde, time_t now, time_t *out)
{
	char *end;
	long long v;

	if (!sde) {
		*out = now;
		return 0;
	}
	errno = 0;
	v = strtoll(sde, &end, 10);
	if (!*sde || *end || errno || v < 0 || v > 253402300799LL || !isdigit((unsigned char)*sde))
		return -1;
	*out = (time_t)v;
	return 0;
}

void lb_sbom_time_str(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *lb_sbom_image_digest(const struct lb_sbom_input *in)
{
	return in->manifest_digest ? in->manifest_digest : in->config_digest;
}

void lb_sbom_uuid(const struct lb_sbom_input *in, const char *format, char out[37])
{
	/* RFC 9562's URL namespace; the name is what the document is of. */
	static const unsigned char ns[16] = { 0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
					      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
	const char *digest = lb_sbom_image_digest(in);
	char *name, *short_name = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	char hex[33];

	if (!digest)
		digest = short_name = lb_sbom_image_short_name(in);
	name = lb_xasprintf("layerbom/%s/%s/%s/%s%s", in->tool_version ? in->tool_version : "",
			    format, digest, in->all_layers ? "all-layers" : "squashed",
			    in->with_files ? "/files" : "");
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, ns, sizeof(ns)) != 1 ||
	    EVP_DigestUpdate(ctx, name, strlen(name)) != 1 || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 ||
	    mdlen < 16)
		BUG("SHA-1 through EVP failed");
	EVP_MD_CTX_free(ctx);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	lb_hex(hex, md, 16);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	free(name);
	free(short_name);
}

static char *lower_dup(const char *s, size_t n)
{
	char *r = lb_xstrndup(s, n);

	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* Splits a reference into repository ("docker.io/library/debian"), last
 * segment and tag; lengths into the out parameters. */
static void split_ref(const char *ref, size_t *repo_len, const char **last, size_t *last_len,
		      const char **tag)
{
	size_t n = strcspn(ref, "@");
	const char *slash = NULL, *colon;

	for (size_t i = 0; i < n; i++)
		if (ref[i] == '/')
			slash = ref + i;
	*last = slash ? slash + 1 : ref;
	colon = memchr(*last, ':', (size_t)(ref + n - *last));
	*last_len = colon ? (size_t)(colon - *last) : (size_t)(ref + n - *last);
	*repo_len = (size_t)(*last + *last_len - ref);
	*tag = colon ? colon + 1 : NULL;
}

char *lb_sbom_image_short_name(const struct lb_sbom_input *in)
{
	if (in->image_name && *in->image_name) {
		const char *last, *tag;
		size_t rl, ll;

		split_ref(in->image_name, &rl, &last, &ll, &tag);
		if (ll)
			return lower_dup(last, ll);
	}
	if (in->image_path && *in->image_path) {
		const char *p = in->image_path, *b;
		size_t n = strlen(p);

		while (n > 1 && p[n - 1] == '/')
			n--;
		b = p;
		for (size_t i = 0; i < n; i++)
			if (p[i] == '/' && i + 1 < n)
				b = p + i + 1;
		n = (size_t)(p + n - b);
		for (size_t i = 1; i < n; i++)
			if (b[i] == '.') {
				n = i;
				break;
			}
		if (n && b[n - 1] == '/')
			n--;
		if (n && !(n == 1 && *b == '.'))
			return lower_dup(b, n);
	}
	return lb_xstrdup("image");
}

char *lb_sbom_image_purl(const struct lb_sbom_input *in)
{
	const char *digest = lb_sbom_image_digest(in);
	const char *q[6];
	char *name, *repo = NULL, *tag = NULL, *r;
	size_t nq = 0;

	if (!digest)
		return NULL;
	name = lb_sbom_image_short_name(in);
	if (in->image_name && *in->image_name) {
		const char *last, *t;
		size_t rl, ll;

		split_ref(in->image_name, &rl, &last, &ll, &t);
		if (last != in->image_name)
			repo = lower_dup(in->image_name, rl);
		if (t && *t)
			tag = lb_xstrndup(t, strcspn(t, "@"));
	}
	q[nq++] = "arch";
	q[nq++] = in->arch;
	q[nq++] = "repository_url";
	q[nq++] = repo;
	q[nq++] = "tag";
	q[nq++] = tag;
	r = lb_purl("oci", NULL, name, digest, q, nq / 2);
	free(name);
	free(repo);
	free(tag);
	return r;
}

char *lb_sbom_clean(const char *s)
{
	struct lb_buf b;
	size_t n, i = 0;

	if (!s)
		return NULL;
	n = strlen(s);
	lb_buf_init(&b, (n + 1) * 3 + 16);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				lb_buf_add(&b, "\xef\xbf\xbd", 3);
			else
				lb_buf_add(&b, s + i, 1);
			i++;
		} else if (i + k <= n && lb_utf8_valid(s + i, k) &&
			   !(k == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) &&
			   !(k == 3 && c == 0xef && (unsigned char)s[i + 1] == 0xbf &&
			     (unsigned char)s[i + 2] >= 0xbe)) {
			/* C1 controls and U+FFFE/U+FFFF are left out too: XML
			 * 1.0 discourages the former and forbids the latter. */
			lb_buf_add(&b, s + i, k);
			i += k;
		} else {
			lb_buf_add(&b, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	lb_buf_add(&b, "", 0);
	return b.p ? lb_buf_detach(&b, NULL) : lb_xstrdup("");
}

char *lb_sbom_layer_label(const struct lb_sbom_input *in, int layer)
{
	if (layer < 0 || (size_t)layer >= in->nlayers)
		return lb_xstrdup("unknown layer");
	if (in->layers[layer].diff_id)
		return lb_xasprintf("layer %d (%s)", layer + 1, in->layers[layer].diff_id);
	return lb_xasprintf("layer %d", layer + 1);
}

/* ---- identifiers ---- */

static void ids_init(const struct lb_sbom_input *in, struct lb_sbom_ids *ids)
{
	memset(ids, 0, sizeof(*ids));
	lb_hashmap_init(&ids->used);
	lb_arena_init(&ids->arena);
	ids->layer = lb_xcalloc(in->nlayers + 1, sizeof(char *));
	ids->comp = lb_xcalloc(in->model->n + 1, sizeof(char *));
	ids->file = lb_xcalloc(in->nfiles + 1, sizeof(char *));
}

/* Registers cand (sanitised for SPDX when spdx is set), or cand-2,
 * cand-3... when taken.  Returns the arena copy. */
static char *uniq(struct lb_sbom_ids *ids, const char *cand, int spdx)
{
	char *base = lb_sbom_clean(cand), *c = NULL, *r;
	unsigned k = 2;
	int found;

	if (spdx) {
		/* "12.4%2Bdeb12u1" reads better as "12.4-deb12u1" than "12.4-2Bdeb12u1" */
		char *w = base;

		for (const char *p = base; *p; p++) {
			if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
				*w++ = '-';
				p += 2;
			} else {
				*w++ = isalnum((unsigned char)*p) || *p == '.' || *p == '-' ? *p : '-';
			}
		}
		*w = '\0';
	}
	r = lb_arena_strdup(&ids->arena, base);
	for (;;) {
		lb_hashmap_put(&ids->used, r, strlen(r), 0, &found);
		if (!found)
			break;
		free(c);
		c = lb_xasprintf("%s-%u", base, k++);
		r = lb_arena_strdup(&ids->arena, c);
	}
	free(c);
	free(base);
	return r;
}

const char *lb_sbom_ids_add(struct lb_sbom_ids *ids, const char *cand, int spdx)
{
	return uniq(ids, cand, spdx);
}

void lb_sbom_ids_spdx(const struct lb_sbom_input *in, struct lb_sbom_ids *ids)
{
	char *t;

	ids_init(in, ids);
	/* the document itself */
	uniq(ids, "SPDXRef-DOCUMENT", 1);
	ids->image = uniq(ids, "SPDXRef-Image", 1);
	for (size_t i = 0; i < in->nlayers; i++) {
		t = lb_xasprintf("SPDXRef-Layer-%zu", i + 1);
		ids->layer[i] = uniq(ids, t, 1);
		free(t);
	}
	for (size_t i = 0; i < in->model->n; i++) {
		t = lb_xasprintf("SPDXRef-Package-%s", in->model->v[i]->id);
		ids->comp[i] = uniq(ids, t, 1);
		free(t);
	}
	for (size_t i = 0; i < in->nfiles; i++) {
		t = lb_xasprintf("SPDXRef-File-%s", in->files[i].path + (in->files[i].path[0] == '/'));
		ids->file[i] = uniq(ids, t, 1);
		free(t);
	}
}

void lb_sbom_ids_cdx(const struct lb_sbom_input *in, struct lb_sbom_ids *ids)
{
	char *t = lb_sbom_image_purl(in);

	ids_init(in, ids);
	ids->image = uniq(ids, t ? t : "image", 0);
	free(t);
	for (size_t i = 0; i < in->nlayers; i++) {
		t = lb_xasprintf("layer:%zu:%s", i + 1, in->layers[i].diff_id ? in->layers[i].diff_id : "-");
		ids->layer[i] = uniq(ids, t, 0);
		free(t);
	}
	for (size_t i = 0; i < in->model->n; i++)
		ids->comp[i] = uniq(ids, in->model->v[i]->id, 0);
	for (size_t i = 0; i < in->nfiles; i++) {
		t = lb_xasprintf("file:%s", in->files[i].path);
		ids->file[i] = uniq(ids, t, 0);
		free(t);
	}
}

void lb_sbom_ids_release(struct lb_sbom_ids *ids)
{
	free(ids->layer);
	free(ids->comp);
	free(ids->file);
	lb_hashmap_release(&ids->used);
	lb_arena_release(&ids->arena);
	memset(ids, 0, sizeof(*ids));
}

/* ---- file owners ---- */

static int find_file(const struct lb_sbom_input *in, const char *path)
{
	size_t lo = 0, hi = in->nfiles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(in->files[mid].path, path);

		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void lb_sbom_owners(const struct lb_sbom_input *in, struct lb_sbom_owners *o)
{
	const struct lb_model *m = in->model;
	size_t total = 0, *fill;

	o->start = lb_xcalloc(in->nfiles + 2, sizeof(size_t));
	/* count, then place: owners of a file come out in model order */
	for (size_t c = 0; c < m->n; c++)
		for (size_t k = 0; k < m->v[c]->nfiles; k++) {
			int f = find_file(in, m->v[c]->files[k]);

			if (f >= 0) {
				o->start[f + 1]++;
				total++;
			}
		}
	for (size_t i = 0; i < in->nfiles; i++)
		o->start[i + 1] += o->start[i];
	o->own = lb_xcalloc(total + 1, sizeof(size_t));
	fill = lb_xcalloc(in->nfiles + 1, sizeof(size_t));
	for (size_t c = 0; c < m->n; c++)
		for (size_t k = 0; k < m->v[c]->nfiles; k++) {
			int f = find_file(in, m->v[c]->files[k]);
			size_t at;
			int dup = 0;

			if (f < 0)
				continue;
			at = o->start[f] + fill[f];
			for (size_t x = o->start[f]; x < at; x++)
				dup |= o->own[x] == c;
			if (dup) {
				/* a component listing a path twice: keep one */
				o->own[at] = (size_t)-1;
			} else {
				o->own[at] = c;
			}
			fill[f]++;
		}
	free(fill);
}

void lb_sbom_owners_release(struct lb_sbom_owners *o)
{
	free(o->start);
	free(o->own);
	o->start = o->own = NULL;
}
