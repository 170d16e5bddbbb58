/* SPDX-License-Identifier: Apache-2.0 */
#include "image.h"
#include "cache.h"
#include "tarindex.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define SEQ_HOLD_MAX (4u << 20)          /* compressed outer: members kept in memory */
#define SEQ_HOLD_TOTAL (256u << 20)

/* Where the blobs of an image are. */
enum store_kind { STORE_NONE, STORE_DIR, STORE_TAR, STORE_TAR_SEQ };

struct held {                            /* STORE_TAR_SEQ: a member read in pass 1 */
	unsigned char *data;             /* NULL when too large to hold */
	uint64_t size;
};

struct store {
	enum store_kind kind;
	int fd;                          /* the directory (STORE_DIR) or the archive */
	uint64_t fsize;
	struct lb_tar_index ix;          /* STORE_TAR and STORE_TAR_SEQ (names, sizes) */
	struct held *held;               /* STORE_TAR_SEQ, parallel to ix.m */
};

struct lb_image {
	enum lb_image_kind kind;
	char *path;
	char *name, *manifest_digest, *config_digest;
	char *os, *arch, *variant, *created;
	struct lb_layer_ref *layers;
	size_t nlayers;
	struct store st;
};

const char *lb_image_kind_name(enum lb_image_kind k)
{
	switch (k) {
	case LB_IMG_DOCKER_ARCHIVE: return "docker-archive";
	case LB_IMG_OCI_DIR: return "oci-dir";
	case LB_IMG_OCI_ARCHIVE: return "oci-archive";
	case LB_IMG_DIR: return "dir";
	}
	return "unknown";
}

/* ---- blob store ---- */

/* Opens name below the directory dirfd without following any symbolic link. */
static int open_beneath(int dirfd, const char *name)
{
	char *copy = lb_xstrdup(name), *save = NULL, *part;
	int fd = dup(dirfd);

	for (part = strtok_r(copy, "/", &save); part && fd >= 0; part = strtok_r(NULL, "/", &save)) {
		int next;

		if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0) {
			close(fd);
			fd = -1;
			errno = EACCES;
			break;
		}
		next = openat(fd, part, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	free(copy);
	return fd;
}

/* Reads a whole member or file of at most max bytes. Returns 0, or
 * LB_ERR_INPUT with a message in log (missing: "cannot find"). */
static int store_read(struct store *st, const char *what, const char *name, size_t max,
		      unsigned char **data, size_t *len, struct lb_log *log)
{
	*data = NULL;
	*len = 0;
	if (st->kind == STORE_DIR) {
		struct stat sb;
		int fd = open_beneath(st->fd, name);
		ssize_t r;
		size_t got = 0;

		if (fd < 0)
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': %s '%s': %s", what,
					    "cannot open", name, strerror(errno));
		if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			close(fd);
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': '%s' is not a regular file",
					    what, name);
		}
		if ((uint64_t)sb.st_size > max) {
			close(fd);
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': '%s' is larger than %zu bytes (cap)",
					    what, name, max);
		}
		*data = lb_xmalloc((size_t)sb.st_size + 1);
		while (got < (size_t)sb.st_size &&
		       (r = read(fd, *data + got, (size_t)sb.st_size - got)) > 0)
			got += (size_t)r;
		close(fd);
		(*data)[got] = 0;
		*len = got;
		return 0;
	}
	if (st->kind == STORE_TAR || st->kind == STORE_TAR_SEQ) {
		const struct lb_tar_member *m = lb_tar_index_find(&st->ix, name);
		ssize_t r;

		if (!m)
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': no member '%s'", what, name);
		if (m->size > max)
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': '%s' is larger than %zu bytes (cap)",
					    what, name, max);
		if (st->kind == STORE_TAR_SEQ) {
			const struct held *h = &st->held[m - st->ix.m];

			if (!h->data)
				return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': '%s' is too large", what, name);
			*data = lb_xmalloc((size_t)m->size + 1);
			memcpy(*data, h->data, (size_t)m->size);
			(*data)[m->size] = 0;
			*len = (size_t)m->size;
			return 0;
		}
		*data = lb_xmalloc((size_t)m->size + 1);
		do
			r = pread(st->fd, *data, (size_t)m->size, (off_t)m->offset);
		while (r < 0 && errno == EINTR);
		if (r != (ssize_t)m->size) {
			free(*data);
			*data = NULL;
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': member '%s' is truncated", what, name);
		}
		(*data)[m->size] = 0;
		*len = (size_t)m->size;
		return 0;
	}
	return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': no blob store", what);
}

static int store_has(struct store *st, const char *name)
{
	if (st->kind == STORE_DIR) {
		int fd = open_beneath(st->fd, name);

		if (fd < 0)
			return 0;
		close(fd);
		return 1;
	}
	if (st->kind == STORE_TAR || st->kind == STORE_TAR_SEQ)
		return lb_tar_index_find(&st->ix, name) != NULL;
	return 0;
}

static void store_release(struct store *st)
{
	if (st->held) {
		for (size_t i = 0; i < st->ix.n; i++)
			free(st->held[i].data);
		free(st->held);
	}
	lb_tar_index_release(&st->ix);
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}

/* ---- digests ---- */

/* Parses "sha256:<64 lowercase hex>" into raw; 0, or -1 when malformed or
 * another algorithm (then *alg_other is set). */
static int parse_digest(const char *d, unsigned char raw[32], int *alg_other)
{
	const char *colon = d ? strchr(d, ':') : NULL;

	*alg_other = 0;
	if (!colon)
		return -1;
	if ((size_t)(colon - d) != 6 || strncmp(d, "sha256", 6) != 0) {
		*alg_other = 1;
		return -1;
	}
	if (strlen(colon + 1) != 64)
		return -1;
	return lb_unhex(raw, colon + 1, 32);
}

static int verify_blob(const char *what, const char *name, const unsigned char *data, size_t len,
		       const char *digest, struct lb_log *log)
{
	unsigned char want[32], got[32];
	unsigned int glen;
	int other;

	if (parse_digest(digest, want, &other) < 0)
		return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': %s digest '%s'", what,
				    other ? "unsupported" : "malformed", digest ? digest : "(none)");
	EVP_Digest(data, len, got, &glen, EVP_sha256(), NULL);
	if (memcmp(want, got, 32) != 0) {
		char hex[65];

		lb_hex(hex, got, 32);
		return lb_log_error(log, LB_ERR_INPUT,
				    "cannot read '%s': digest mismatch in '%s' (expected %s, got sha256:%s)",
				    what, name, digest, hex);
	}
	return 0;
}

/* "blobs/sha256/<hex>" for a well-formed digest, else NULL. */
static char *blob_path(const char *digest)
{
	unsigned char raw[32];
	int other;

	if (parse_digest(digest, raw, &other) < 0)
		return NULL;
	return lb_xasprintf("blobs/sha256/%s", digest + 7);
}

/* The digest a docker-archive member name carries ("blobs/sha256/<hex>" or
 * "<hex>.json"), or NULL. */
static char *digest_from_name(const char *name)
{
	const char *hex = NULL;
	unsigned char raw[32];

	if (strncmp(name, "blobs/sha256/", 13) == 0 && strlen(name) == 13 + 64)
		hex = name + 13;
	else if (strlen(name) == 64 + 5 && strcmp(name + 64, ".json") == 0)
		hex = name;
	if (!hex || lb_unhex(raw, hex, 32) < 0)
		return NULL;
	return lb_xasprintf("sha256:%.64s", hex);
}

static json_t *parse_json(const char *what, const char *name, const unsigned char *data, size_t len,
			  struct lb_log *log)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);

	if (!j)
		lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': '%s' is not valid JSON: %s (line %d)",
			     what, name, err.text, err.line);
	return j;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *dupnull(const char *s)
{
	return s ? lb_xstrdup(s) : NULL;
}

/* ---- config ---- */

static int read_config(struct lb_image *img, const char *name, const char *digest,
		       struct lb_log *log)
{
	unsigned char *data;
	size_t len;
	json_t *cfg, *rootfs, *diff_ids, *history;
	size_t h = 0;
	int r = store_read(&img->st, img->path, name, LB_MAX_JSON, &data, &len, log);

	if (r)
		return r;
	if (digest && (r = verify_blob(img->path, name, data, len, digest, log))) {
		free(data);
		return r;
	}
	cfg = parse_json(img->path, name, data, len, log);
	free(data);
	if (!cfg)
		return LB_ERR_INPUT;
	if (!json_is_object(cfg)) {
		json_decref(cfg);
		return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': config '%s' is not an object",
				    img->path, name);
	}
	free(img->os);
	free(img->arch);
	free(img->variant);
	img->os = dupnull(jstr(cfg, "os"));
	img->arch = dupnull(jstr(cfg, "architecture"));
	img->variant = dupnull(jstr(cfg, "variant"));
	img->created = dupnull(jstr(cfg, "created"));
	img->config_digest = dupnull(digest);
	rootfs = json_object_get(cfg, "rootfs");
	diff_ids = json_is_object(rootfs) ? json_object_get(rootfs, "diff_ids") : NULL;
	if (!json_is_array(diff_ids) || json_array_size(diff_ids) != img->nlayers) {
		/* the count is read before the tree it lives in is freed */
		size_t n = json_is_array(diff_ids) ? json_array_size(diff_ids) : 0;

		json_decref(cfg);
		return lb_log_error(log, LB_ERR_INPUT,
				    "cannot read '%s': config '%s' lists %zu diff IDs for %zu layers",
				    img->path, name, n, img->nlayers);
	}
	for (size_t i = 0; i < img->nlayers; i++) {
		json_t *d = json_array_get(diff_ids, i);

		if (!json_is_string(d)) {
			json_decref(cfg);
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': config '%s': diff ID %zu is not a string",
					    img->path, name, i + 1);
		}
		img->layers[i].diff_id = lb_xstrdup(json_string_value(d));
	}
	history = json_object_get(cfg, "history");
	for (size_t i = 0; json_is_array(history) && i < json_array_size(history); i++) {
		json_t *e = json_array_get(history, i);

		if (json_is_true(json_object_get(e, "empty_layer")))
			continue;
		if (h >= img->nlayers)
			break;
		img->layers[h].created_by = dupnull(jstr(e, "created_by"));
		img->layers[h].comment = dupnull(jstr(e, "comment"));
		h++;
	}
	json_decref(cfg);
	return 0;
}

static int set_layer_count(struct lb_image *img, size_t n, struct lb_log *log)
{
	if (n > LB_MAX_LAYERS)
		return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': %zu layers (cap %d)", img->path,
				    n, LB_MAX_LAYERS);
	img->layers = lb_xcalloc(n ? n : 1, sizeof(*img->layers));
	img->nlayers = n;
	return 0;
}

/* ---- docker-archive ---- */

static int tag_matches(const char *tag, const char *want)
{
	size_t n = strlen(want);

	if (strcmp(tag, want) == 0)
		return 1;
	/* "alpine" names "alpine:latest"; "docker.io/library/x:t" is "x:t" */
	if (strncmp(tag, want, n) == 0 && strcmp(tag + n, ":latest") == 0)
		return 1;
	if (lb_str_has_prefix(tag, "docker.io/library/"))
		return tag_matches(tag + 18, want);
	return 0;
}

static void list_choices(struct lb_buf *b, json_t *arr, const char *key)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e) {
		json_t *tags = json_object_get(e, key);
		size_t j;
		json_t *t;

		if (!json_is_array(tags) || !json_array_size(tags)) {
			lb_buf_addf(b, "%s(untagged image %zu)", b->len ? ", " : "", i + 1);
			continue;
		}
		json_array_foreach(tags, j, t)
			if (json_is_string(t))
				lb_buf_addf(b, "%s%s", b->len ? ", " : "", json_string_value(t));
	}
}

static int open_docker_manifest(struct lb_image *img, const struct lb_image_opts *o,
				struct lb_log *log)
{
	unsigned char *data;
	size_t len, i, pick = SIZE_MAX;
	json_t *man, *entry, *layers, *e;
	char *cfgdigest;
	const char *cfgname;
	int r = store_read(&img->st, img->path, "manifest.json", LB_MAX_JSON, &data, &len, log);

	if (r)
		return r;
	man = parse_json(img->path, "manifest.json", data, len, log);
	free(data);
	if (!man)
		return LB_ERR_INPUT;
	if (!json_is_array(man) || json_array_size(man) == 0) {
		json_decref(man);
		return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': manifest.json lists no image", img->path);
	}
	json_array_foreach(man, i, e) {
		json_t *tags = json_object_get(e, "RepoTags");
		size_t j;
		json_t *t;

		if (!o->image_name)
			break;
		json_array_foreach(tags, j, t)
			if (json_is_string(t) && tag_matches(json_string_value(t), o->image_name)) {
				pick = i;
				free(img->name);
				img->name = lb_xstrdup(json_string_value(t));
			}
	}
	if (o->image_name && pick == SIZE_MAX) {
		struct lb_buf b;

		lb_buf_init(&b, 4096);
		list_choices(&b, man, "RepoTags");
		r = lb_log_error(log, LB_ERR_USAGE, "'%s' holds no image named '%s' (it has: %s)", img->path,
				 o->image_name, b.p ? b.p : "");
		lb_buf_release(&b);
		json_decref(man);
		return r;
	}
	if (pick == SIZE_MAX) {
		if (json_array_size(man) > 1) {
			struct lb_buf b;

			lb_buf_init(&b, 4096);
			list_choices(&b, man, "RepoTags");
			r = lb_log_error(log, LB_ERR_USAGE, "'%s' holds %zu images: choose one with --image (%s)",
					 img->path, json_array_size(man), b.p ? b.p : "");
			lb_buf_release(&b);
			json_decref(man);
			return r;
		}
		pick = 0;
		{
			json_t *tags = json_object_get(json_array_get(man, 0), "RepoTags");

			if (json_is_array(tags) && json_is_string(json_array_get(tags, 0)))
				img->name = lb_xstrdup(json_string_value(json_array_get(tags, 0)));
		}
	}
	entry = json_array_get(man, pick);
	cfgname = jstr(entry, "Config");
	layers = json_object_get(entry, "Layers");
	if (!cfgname || !json_is_array(layers)) {
		json_decref(man);
		return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': manifest.json entry has no Config or Layers",
				    img->path);
	}
	if ((r = set_layer_count(img, json_array_size(layers), log))) {
		json_decref(man);
		return r;
	}
	json_array_foreach(layers, i, e) {
		const char *ln = json_string_value(e);
		char norm[LB_MAX_PATH + 2];
		int n;

		if (!ln || (n = lb_path_normalize(ln, norm, sizeof(norm))) <= 0) {
			json_decref(man);
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': manifest.json: bad layer path", img->path);
		}
		img->layers[i].location = lb_xstrdup(norm + 1);
		img->layers[i].digest = digest_from_name(norm + 1);
		img->layers[i].declared_size = -1;
	}
	{
		char norm[LB_MAX_PATH + 2];
		int n = lb_path_normalize(cfgname, norm, sizeof(norm));

		if (n <= 0) {
			json_decref(man);
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': manifest.json: bad config path", img->path);
		}
		cfgdigest = digest_from_name(norm + 1);
		r = read_config(img, norm + 1, cfgdigest, log);
		free(cfgdigest);
	}
	json_decref(man);
	return r;
}

/* The legacy layout (Docker < 1.10): repositories, <id>/json, <id>/layer.tar. */
static char *legacy_cmd(json_t *j)
{
	json_t *cmd = json_object_get(json_object_get(j, "container_config"), "Cmd"), *a;
	struct lb_buf b;
	size_t k;

	lb_buf_init(&b, 65536);
	json_array_foreach(cmd, k, a)
		if (json_is_string(a))
			lb_buf_addf(&b, "%s%s", k ? " " : "", json_string_value(a));
	return b.p ? lb_buf_detach(&b, NULL) : NULL;
}

static int open_docker_legacy(struct lb_image *img, const struct lb_image_opts *o, struct lb_log *log)
{
	unsigned char *data;
	size_t len, n = 0;
	json_t *repos, *tags, *v;
	const char *repo, *tag;
	char *cur = NULL, *ids[LB_MAX_LAYERS], *hist[LB_MAX_LAYERS];
	int r = store_read(&img->st, img->path, "repositories", LB_MAX_JSON, &data, &len, log);

	if (r)
		return r;
	repos = parse_json(img->path, "repositories", data, len, log);
	free(data);
	if (!repos)
		return LB_ERR_INPUT;
	json_object_foreach(repos, repo, tags) {
		json_object_foreach(tags, tag, v) {
			char *full = lb_xasprintf("%s:%s", repo, tag);

			if (!cur && json_is_string(v) && (!o->image_name || tag_matches(full, o->image_name))) {
				cur = lb_xstrdup(json_string_value(v));
				img->name = full;
			} else {
				free(full);
			}
		}
	}
	json_decref(repos);
	if (!cur)
		return lb_log_error(log, o->image_name ? LB_ERR_USAGE : LB_ERR_INPUT,
				    "cannot read '%s': no image%s%s in 'repositories'", img->path,
				    o->image_name ? " named " : "", o->image_name ? o->image_name : "");
	/* Follow the parent chain from the top image down. */
	while (cur) {
		char *jname;
		const char *parent;
		json_t *j;

		if (n >= LB_MAX_LAYERS || strlen(cur) != 64 || strchr(cur, '/') || strchr(cur, '.')) {
			r = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': bad or too long layer chain", img->path);
			break;
		}
		jname = lb_xasprintf("%s/json", cur);
		r = store_read(&img->st, img->path, jname, LB_MAX_JSON, &data, &len, log);
		if (!r) {
			j = parse_json(img->path, jname, data, len, log);
			free(data);
			if (!j)
				r = LB_ERR_INPUT;
		}
		free(jname);
		if (r)
			break;
		if (n == 0) {
			img->os = dupnull(jstr(j, "os"));
			img->arch = dupnull(jstr(j, "architecture"));
			img->created = dupnull(jstr(j, "created"));
		}
		ids[n] = cur;
		hist[n] = legacy_cmd(j);
		n++;
		parent = jstr(j, "parent");
		cur = parent ? lb_xstrdup(parent) : NULL;
		json_decref(j);
	}
	free(cur);
	if (!r && (r = set_layer_count(img, n, log)) == 0) {
		for (size_t i = 0; i < n; i++) {
			struct lb_layer_ref *l = &img->layers[i];

			l->location = lb_xasprintf("%s/layer.tar", ids[n - 1 - i]);
			l->created_by = hist[n - 1 - i];
			hist[n - 1 - i] = NULL;
			l->declared_size = -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(ids[i]);
		free(hist[i]);
	}
	return r;
}

/* ---- OCI layout ---- */

struct candidate {
	char *digest, *media_type, *name, *os, *arch, *variant;
};

static int is_index_type(const char *mt)
{
	return mt && (strcmp(mt, "application/vnd.oci.image.index.v1+json") == 0 ||
		      strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json") == 0);
}

static int collect(struct lb_image *img, json_t *index, int depth, const char *inherited_name,
		   struct candidate **c, size_t *n, size_t *cap, struct lb_log *log)
{
	json_t *mans = json_object_get(index, "manifests"), *d;
	size_t i;

	if (json_is_null(mans) || !mans)
		return 0;
	if (!json_is_array(mans))
		return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': index 'manifests' is not an array", img->path);
	json_array_foreach(mans, i, d) {
		const char *mt = jstr(d, "mediaType"), *dg = jstr(d, "digest");
		json_t *ann = json_object_get(d, "annotations"), *plat = json_object_get(d, "platform");
		const char *name = jstr(ann, "io.containerd.image.name");
		const char *ref = jstr(ann, "org.opencontainers.image.ref.name");
		const char *rtype = jstr(ann, "vnd.docker.reference.type");

		if (!name)
			name = ref;
		if (!name)
			name = inherited_name;
		if (!dg)
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': index entry without a digest", img->path);
		if (rtype && strcmp(rtype, "attestation-manifest") == 0)
			continue;
		if (is_index_type(mt)) {
			unsigned char *data;
			size_t len;
			json_t *sub;
			char *bp = blob_path(dg);
			int r;

			if (depth >= LB_MAX_INDEX_DEPTH) {
				free(bp);
				return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': indexes nested deeper than %d",
						    img->path, LB_MAX_INDEX_DEPTH);
			}
			if (!bp)
				return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': unsupported digest '%s'", img->path, dg);
			r = store_read(&img->st, img->path, bp, LB_MAX_JSON, &data, &len, log);
			if (!r)
				r = verify_blob(img->path, bp, data, len, dg, log);
			sub = r ? NULL : parse_json(img->path, bp, data, len, log);
			free(data);
			free(bp);
			if (r || !sub)
				return LB_ERR_INPUT;
			r = collect(img, sub, depth + 1, name, c, n, cap, log);
			json_decref(sub);
			if (r)
				return r;
			continue;
		}
		if (json_is_object(plat) && jstr(plat, "os") && strcmp(jstr(plat, "os"), "unknown") == 0)
			continue;
		if (*n >= 4096)
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': too many manifests", img->path);
		lb_xgrow((void **)c, cap, *n + 1, sizeof(**c));
		(*c)[*n].digest = lb_xstrdup(dg);
		(*c)[*n].media_type = dupnull(mt);
		(*c)[*n].name = dupnull(name);
		(*c)[*n].os = dupnull(jstr(plat, "os"));
		(*c)[*n].arch = dupnull(jstr(plat, "architecture"));
		(*c)[*n].variant = dupnull(jstr(plat, "variant"));
		(*n)++;
	}
	return 0;
}

static int platform_matches(const struct candidate *c, const char *want)
{
	char os[64] = "", arch[64] = "", var[64] = "";

	sscanf(want, "%63[^/]/%63[^/]/%63s", os, arch, var);
	if (!c->os || !c->arch)
		return 0;
	if (strcmp(c->os, os) || strcmp(c->arch, arch))
		return 0;
	return !var[0] || (c->variant && strcmp(c->variant, var) == 0);
}

static const char *machine_platform(char *buf, size_t n)
{
	struct utsname u;
	const char *arch = "amd64";

	if (uname(&u) == 0) {
		if (strcmp(u.machine, "aarch64") == 0)
			arch = "arm64";
		else if (strcmp(u.machine, "x86_64") != 0)
			arch = u.machine;
	}
	snprintf(buf, n, "linux/%s", arch);
	return buf;
}

static void describe(struct lb_buf *b, const struct candidate *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lb_buf_addf(b, "%s%s%s%s/%s%s%s", i ? ", " : "", c[i].name ? c[i].name : "",
			    c[i].name ? " " : "", c[i].os ? c[i].os : "?", c[i].arch ? c[i].arch : "?",
			    c[i].variant ? "/" : "", c[i].variant ? c[i].variant : "");
}

static int open_oci(struct lb_image *img, const struct lb_image_opts *o, struct lb_log *log)
{
	unsigned char *data;
	size_t len, n = 0, cap = 0, keep = 0;
	struct candidate *c = NULL, *pick = NULL;
	json_t *index, *man = NULL, *layers, *e;
	char *bp = NULL;
	int r = store_read(&img->st, img->path, "index.json", LB_MAX_JSON, &data, &len, log);

	if (r)
		return r;
	index = parse_json(img->path, "index.json", data, len, log);
	free(data);
	if (!index)
		return LB_ERR_INPUT;
	r = collect(img, index, 0, NULL, &c, &n, &cap, log);
	json_decref(index);
	if (r)
		goto out;
	/* --image, then --platform (default: this machine's, else the only one) */
	if (o->image_name) {
		for (size_t i = 0; i < n; i++)
			if (c[i].name && (tag_matches(c[i].name, o->image_name) ||
					  (strchr(c[i].name, ':') == NULL && strcmp(c[i].name, o->image_name) == 0)))
				c[keep++] = c[i];
			else
				free(c[i].digest), free(c[i].media_type), free(c[i].name), free(c[i].os),
				free(c[i].arch), free(c[i].variant);
		n = keep;
		if (!n) {
			r = lb_log_error(log, LB_ERR_USAGE, "'%s' holds no image named '%s'", img->path, o->image_name);
			goto out;
		}
	}
	if (n == 0) {
		r = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': the index lists no image", img->path);
		goto out;
	}
	if (n == 1 && !o->platform) {
		pick = &c[0];
	} else {
		char mbuf[80];
		const char *want = o->platform ? o->platform : machine_platform(mbuf, sizeof(mbuf));
		size_t hits = 0;

		for (size_t i = 0; i < n; i++)
			if (platform_matches(&c[i], want)) {
				if (!pick)
					pick = &c[i];
				hits++;
			}
		if (n == 1 && !pick && o->platform && !c[0].os)
			pick = &c[0];        /* no platform recorded: checked against the config below */
		if (hits != 1 && !(n == 1 && pick)) {
			struct lb_buf b;

			lb_buf_init(&b, 8192);
			describe(&b, c, n);
			if (hits == 0 && o->platform)
				r = lb_log_error(log, LB_ERR_USAGE, "'%s' has no image for platform '%s' (it has: %s)",
						 img->path, o->platform, b.p ? b.p : "");
			else
				r = lb_log_error(log, LB_ERR_USAGE,
						 "'%s' holds %zu images: choose one with --platform or --image (%s)",
						 img->path, n, b.p ? b.p : "");
			lb_buf_release(&b);
			goto out;
		}
	}
	img->manifest_digest = lb_xstrdup(pick->digest);
	if (pick->name && !img->name)
		img->name = lb_xstrdup(pick->name);
	bp = blob_path(pick->digest);
	if (!bp) {
		r = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': unsupported digest '%s'", img->path, pick->digest);
		goto out;
	}
	if ((r = store_read(&img->st, img->path, bp, LB_MAX_JSON, &data, &len, log)))
		goto out;
	r = verify_blob(img->path, bp, data, len, pick->digest, log);
	if (!r && !(man = parse_json(img->path, bp, data, len, log)))
		r = LB_ERR_INPUT;
	free(data);
	if (r)
		goto out;
	layers = json_object_get(man, "layers");
	if (!json_is_array(layers) || !jstr(json_object_get(man, "config"), "digest")) {
		r = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': manifest '%s' has no config or layers",
				 img->path, bp);
		goto out;
	}
	if ((r = set_layer_count(img, json_array_size(layers), log)))
		goto out;
	{
		size_t i;

		json_array_foreach(layers, i, e) {
			const char *dg = jstr(e, "digest");
			json_t *sz = json_object_get(e, "size");
			char *lp = dg ? blob_path(dg) : NULL;

			if (!lp) {
				r = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': layer %zu has %s digest", img->path,
						 i + 1, dg ? "an unsupported" : "no");
				goto out;
			}
			img->layers[i].location = lp;
			img->layers[i].digest = lb_xstrdup(dg);
			img->layers[i].media_type = dupnull(jstr(e, "mediaType"));
			img->layers[i].declared_size = json_is_integer(sz) ? json_integer_value(sz) : -1;
		}
	}
	{
		const char *cd = jstr(json_object_get(man, "config"), "digest");
		char *cp = blob_path(cd);

		if (!cp) {
			r = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': config has an unsupported digest", img->path);
			goto out;
		}
		r = read_config(img, cp, cd, log);
		free(cp);
	}
	if (!r && o->platform && pick->os == NULL) {
		struct candidate fromcfg = { .os = img->os, .arch = img->arch, .variant = img->variant };

		if (!platform_matches(&fromcfg, o->platform))
			r = lb_log_error(log, LB_ERR_USAGE, "'%s' has no image for platform '%s' (it has: %s/%s)",
					 img->path, o->platform, img->os ? img->os : "?", img->arch ? img->arch : "?");
	}
out:
	json_decref(man);
	free(bp);
	for (size_t i = 0; i < n; i++)
		free(c[i].digest), free(c[i].media_type), free(c[i].name), free(c[i].os), free(c[i].arch),
		free(c[i].variant);
	free(c);
	return r;
}

/* ---- opening ---- */

static int open_archive(struct lb_image *img, int forced_docker, int forced_oci, struct lb_log *log)
{
	struct stat sb;
	unsigned char head[4];
	ssize_t k;
	char err[256] = "";
	int fd = open(img->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lb_log_error(log, LB_ERR_INPUT, "cannot open '%s': %s", img->path, strerror(errno));
	img->st.fd = fd;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': not a regular file", img->path);
	img->st.fsize = (uint64_t)sb.st_size;
	k = pread(fd, head, sizeof(head), 0);
	if ((k >= 2 && head[0] == 0x1f && head[1] == 0x8b) ||
	    (k >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)) {
		/* A compressed outer archive: pass 1 holds the small members. */
		struct lb_src src;
		struct lb_dec *dec;
		struct lb_tar_reader r;
		struct lb_tar_member m;
		uint64_t total = 0;
		int more;
		size_t cap = 0;

		img->st.kind = STORE_TAR_SEQ;
		lb_src_fd(&src, fd, 0, img->st.fsize);
		dec = lb_dec_new(&src, 0, 0);
		lb_tar_reader_init(&r, dec);
		memset(&img->st.ix, 0, sizeof(img->st.ix));
		lb_hashmap_init(&img->st.ix.by_name);
		while ((more = lb_tar_next(&r, &m)) > 0) {
			struct held h = { NULL, m.size };
			int found;
			uint32_t *slot;

			if (m.type != '0' && m.type != '7') {
				free(m.name);
				continue;
			}
			if (m.size <= SEQ_HOLD_MAX && total + m.size <= SEQ_HOLD_TOTAL) {
				h.data = lb_xmalloc((size_t)m.size + 1);
				if (lb_tar_read(&r, h.data, (size_t)m.size, err, sizeof(err)) != (ssize_t)m.size &&
				    m.size) {
					free(h.data);
					free(m.name);
					more = -1;
					snprintf(r.err, sizeof(r.err), "%s", err);
					break;
				}
				total += m.size;
			}
			slot = lb_hashmap_put(&img->st.ix.by_name, m.name, strlen(m.name),
					      (uint32_t)img->st.ix.n, &found);
			if (found) {
				free(m.name);
				free(img->st.held[*slot].data);
				img->st.held[*slot] = h;
				continue;
			}
			lb_xgrow((void **)&img->st.ix.m, &img->st.ix.cap, img->st.ix.n + 1, sizeof(m));
			lb_xgrow((void **)&img->st.held, &cap, img->st.ix.n + 1, sizeof(h));
			img->st.ix.m[img->st.ix.n] = m;
			img->st.held[img->st.ix.n] = h;
			img->st.ix.n++;
		}
		lb_dec_free(dec);
		if (more < 0)
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': %s", img->path, r.err);
	} else {
		struct lb_tar_reader r;

		img->st.kind = STORE_TAR;
		lb_tar_reader_init_fd(&r, fd);
		if (lb_tar_index_build(&img->st.ix, &r, err, sizeof(err)) < 0)
			return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': not an image archive (%s)",
					    img->path, err);
	}
	if (img->st.ix.n == 0)
		return lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': not an image (an empty or unrecognised file)",
				    img->path);
	if (!forced_oci && store_has(&img->st, "manifest.json")) {
		img->kind = LB_IMG_DOCKER_ARCHIVE;
		return 0;
	}
	if (!forced_oci && !store_has(&img->st, "index.json") && store_has(&img->st, "repositories")) {
		img->kind = LB_IMG_DOCKER_ARCHIVE;
		return 1;  /* legacy */
	}
	if (store_has(&img->st, "index.json")) {
		img->kind = forced_docker ? LB_IMG_DOCKER_ARCHIVE : LB_IMG_OCI_ARCHIVE;
		return 2;
	}
	return lb_log_error(log, LB_ERR_INPUT,
			    "cannot read '%s': not an image archive (no manifest.json, index.json or repositories)",
			    img->path);
}

int lb_image_open(const char *spec, const struct lb_image_opts *o, struct lb_image **out,
		  struct lb_log *log)
{
	static const struct { const char *prefix; int kind; } prefixes[] = {
		{ "docker-archive:", LB_IMG_DOCKER_ARCHIVE }, { "oci-dir:", LB_IMG_OCI_DIR },
		{ "oci-archive:", LB_IMG_OCI_ARCHIVE }, { "dir:", LB_IMG_DIR },
	};
	struct lb_image *img = lb_xcalloc(1, sizeof(*img));
	int forced = -1, r;
	struct stat sb;

	img->st.fd = -1;
	*out = NULL;
	for (size_t i = 0; i < LB_ARRAY_SIZE(prefixes); i++)
		if (lb_str_has_prefix(spec, prefixes[i].prefix)) {
			forced = prefixes[i].kind;
			spec += strlen(prefixes[i].prefix);
			break;
		}
	img->path = lb_xstrdup(spec);
	if (stat(spec, &sb) < 0) {
		r = lb_log_error(log, LB_ERR_INPUT, "cannot open '%s': %s", spec, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		int dfd = open(spec, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd < 0) {
			r = lb_log_error(log, LB_ERR_INPUT, "cannot open '%s': %s", spec, strerror(errno));
			goto fail;
		}
		img->st.fd = dfd;
		img->st.kind = STORE_DIR;
		if (forced == LB_IMG_DOCKER_ARCHIVE || forced == LB_IMG_OCI_ARCHIVE) {
			r = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': a directory, not an archive", spec);
			goto fail;
		}
		if (forced == LB_IMG_DIR || (forced < 0 && !store_has(&img->st, "index.json"))) {
			img->kind = LB_IMG_DIR;
			if ((r = set_layer_count(img, 1, log)))
				goto fail;
			img->layers[0].location = lb_xstrdup(spec);
			img->layers[0].declared_size = -1;
			*out = img;
			return 0;
		}
		img->kind = LB_IMG_OCI_DIR;
		r = open_oci(img, o, log);
	} else {
		if (forced == LB_IMG_DIR || forced == LB_IMG_OCI_DIR) {
			r = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': a file, not a directory", spec);
			goto fail;
		}
		r = open_archive(img, forced == LB_IMG_DOCKER_ARCHIVE, forced == LB_IMG_OCI_ARCHIVE, log);
		if (r == 0)
			r = open_docker_manifest(img, o, log);
		else if (r == 1)
			r = open_docker_legacy(img, o, log);
		else if (r == 2)
			r = open_oci(img, o, log);
	}
	if (r)
		goto fail;
	*out = img;
	return 0;
fail:
	lb_image_free(img);
	return r;
}

void lb_image_free(struct lb_image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->nlayers; i++) {
		struct lb_layer_ref *l = &img->layers[i];

		free(l->location);
		free(l->digest);
		free(l->diff_id);
		free(l->media_type);
		free(l->created_by);
		free(l->comment);
	}
	free(img->layers);
	store_release(&img->st);
	free(img->path);
	free(img->name);
	free(img->manifest_digest);
	free(img->config_digest);
	free(img->os);
	free(img->arch);
	free(img->variant);
	free(img->created);
	free(img);
}

enum lb_image_kind lb_image_kind(const struct lb_image *img) { return img->kind; }
const char *lb_image_path(const struct lb_image *img) { return img->path; }
const char *lb_image_name(const struct lb_image *img) { return img->name; }
const char *lb_image_manifest_digest(const struct lb_image *img) { return img->manifest_digest; }
const char *lb_image_config_digest(const struct lb_image *img) { return img->config_digest; }
const char *lb_image_os(const struct lb_image *img) { return img->os; }
const char *lb_image_arch(const struct lb_image *img) { return img->arch; }
const char *lb_image_variant(const struct lb_image *img) { return img->variant; }
const char *lb_image_created(const struct lb_image *img) { return img->created; }
size_t lb_image_nlayers(const struct lb_image *img) { return img->nlayers; }
const struct lb_layer_ref *lb_image_layer(const struct lb_image *img, size_t i)
{
	return i < img->nlayers ? &img->layers[i] : NULL;
}

/* ---- walking ---- */

struct walk_job {
	struct lb_image *img;
	struct lb_layer *layers;
	const struct lb_walk_opts *wo;
	atomic_size_t next;
};

/* The blob size the manifest declares, against what was read (or cached). */
static int check_declared_size(const struct lb_layer_ref *ref, struct lb_layer *l, const char *name)
{
	if (ref->declared_size < 0 || (uint64_t)ref->declared_size == l->stored_size)
		return 0;
	l->failed = 1;
	return lb_log_error(&l->log, LB_ERR_INPUT, "cannot read layer '%s': size %llu, the manifest says %lld",
			    name, (unsigned long long)l->stored_size, (long long)ref->declared_size);
}

/* Whether layer l may come from the cache: its diff ID is known, and so is
 * its blob digest unless the image names none (dg, di: raw digests). */
static int cacheable(const struct lb_image *img, const struct lb_layer *l, const struct lb_walk_opts *wo,
		     unsigned char dg[32], unsigned char di[32], int *has_dg)
{
	const struct lb_layer_ref *ref = &img->layers[l->index];
	int other;

	*has_dg = ref->digest && parse_digest(ref->digest, dg, &other) == 0;
	return wo->cache && ref->diff_id && parse_digest(ref->diff_id, di, &other) == 0 &&
	       (*has_dg || !ref->digest);
}

/* Fills l from the cache when it holds the layer: no blob is read.
 * Returns 1 on a hit (l->failed set when the manifest's size disagrees). */
static int cache_hit(struct lb_image *img, struct lb_layer *l, const struct lb_walk_opts *wo)
{
	unsigned char dg[32], di[32];
	int has_dg;

	if (!cacheable(img, l, wo, dg, di, &has_dg) ||
	    !lb_cache_load(wo->cache, l, has_dg ? dg : NULL, di, wo))
		return 0;
	check_declared_size(&img->layers[l->index], l, img->layers[l->index].location);
	return 1;
}

static int walk_one(struct lb_image *img, struct lb_layer *l, const struct lb_walk_opts *wo,
		    struct lb_src *given)
{
	const struct lb_layer_ref *ref = &img->layers[l->index];
	unsigned char dg[32], di[32], cdg[32], cdi[32];
	int other, has_dg, has_di, has_cdg, r, fd = -1;
	size_t nwarn;
	struct lb_src src;
	char *name = lb_xasprintf("%s", ref->location);

	has_dg = ref->digest && parse_digest(ref->digest, dg, &other) == 0;
	has_di = ref->diff_id && parse_digest(ref->diff_id, di, &other) == 0;
	if (ref->diff_id && !has_di) {
		r = lb_log_error(&l->log, LB_ERR_INPUT, "cannot read layer '%s': unsupported diff ID '%s'",
				 name, ref->diff_id);
		l->failed = 1;
		free(name);
		return r;
	}
	/* a compressed archive's layers were looked up before its pass */
	if (!given && cache_hit(img, l, wo)) {
		free(name);
		return l->failed ? LB_ERR_INPUT : 0;
	}
	nwarn = l->log.nwarnings;
	if (given) {
		src = *given;
	} else if (img->st.kind == STORE_DIR) {
		struct stat sb;

		fd = open_beneath(img->st.fd, ref->location);
		if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			r = lb_log_error(&l->log, LB_ERR_INPUT, "cannot read layer '%s': %s", name,
					 fd < 0 ? strerror(errno) : "not a regular file");
			if (fd >= 0)
				close(fd);
			l->failed = 1;
			free(name);
			return r;
		}
		lb_src_fd(&src, fd, 0, (uint64_t)sb.st_size);
	} else if (img->st.kind == STORE_TAR || img->st.kind == STORE_TAR_SEQ) {
		const struct lb_tar_member *m = lb_tar_index_find(&img->st.ix, ref->location);

		if (!m) {
			r = lb_log_error(&l->log, LB_ERR_INPUT, "cannot read layer '%s': not in the archive", name);
			l->failed = 1;
			free(name);
			return r;
		}
		if (img->st.kind == STORE_TAR)
			lb_src_fd(&src, img->st.fd, m->offset, m->size);
		else
			lb_src_mem(&src, img->st.held[m - img->st.ix.m].data, (size_t)m->size);
	} else {
		BUG("no store");
	}
	r = lb_layer_walk_tar(l, &src, name, has_dg ? dg : NULL, has_di ? di : NULL, wo);
	if (!r)
		r = check_declared_size(ref, l, name);
	/* a walk that warned is walked again next time: a hit replays no warnings */
	if (!r && l->log.nwarnings == nwarn && !l->log.dropped && cacheable(img, l, wo, cdg, cdi, &has_cdg))
		lb_cache_store(wo->cache, l, has_cdg ? cdg : NULL, cdi, wo);
	if (fd >= 0)
		close(fd);
	free(name);
	return r;
}

static void *walk_worker(void *arg)
{
	struct walk_job *job = arg;
	size_t i;

	while ((i = atomic_fetch_add(&job->next, 1)) < job->img->nlayers) {
		struct lb_layer *l = &job->layers[i];

		if (job->img->st.kind == STORE_TAR_SEQ) {
			const struct lb_tar_member *m = lb_tar_index_find(&job->img->st.ix,
									  job->img->layers[i].location);

			if (m && !job->img->st.held[m - job->img->st.ix.m].data)
				continue;     /* streamed in the sequential pass */
		}
		walk_one(job->img, l, job->wo, NULL);
		if (job->wo->progress)
			atomic_fetch_add(&job->wo->progress->layers_done, 1);
	}
	return NULL;
}

/* A compressed outer archive: the large layers are walked as they stream by. */
static int walk_sequential(struct lb_image *img, struct lb_layer *layers, const struct lb_walk_opts *wo,
			   struct lb_log *log)
{
	struct lb_src src;
	struct lb_dec *dec;
	struct lb_tar_reader r;
	struct lb_tar_member m;
	int more, status = 0;
	size_t pending = 0;

	for (size_t i = 0; i < img->nlayers; i++) {
		const struct lb_tar_member *tm = lb_tar_index_find(&img->st.ix, img->layers[i].location);

		if (tm && !img->st.held[tm - img->st.ix.m].data && !cache_hit(img, &layers[i], wo))
			pending++;
	}
	if (!pending)
		return 0;
	lb_src_fd(&src, img->st.fd, 0, img->st.fsize);
	dec = lb_dec_new(&src, 0, 0);
	lb_tar_reader_init(&r, dec);
	while (pending && (more = lb_tar_next(&r, &m)) > 0) {
		int used = 0;

		for (size_t i = 0; i < img->nlayers; i++) {
			struct lb_src member;

			if (strcmp(img->layers[i].location, m.name) != 0 || layers[i].diff_id || layers[i].failed)
				continue;
			if (used) {
				lb_log_error(&layers[i].log, LB_ERR_INPUT,
					     "cannot read layer '%s': listed twice in a compressed archive", m.name);
				layers[i].failed = 1;
				pending--;
				continue;
			}
			lb_src_pull(&member, lb_tar_read, &r);
			walk_one(img, &layers[i], wo, &member);
			if (wo->progress)
				atomic_fetch_add(&wo->progress->layers_done, 1);
			used = 1;
			pending--;
		}
		free(m.name);
	}
	if (pending && !status)
		status = lb_log_error(log, LB_ERR_INPUT, "cannot read '%s': %s", img->path,
				      r.err[0] ? r.err : "a layer is missing");
	lb_dec_free(dec);
	return status;
}

int lb_image_walk(struct lb_image *img, struct lb_layer *layers, const struct lb_walk_opts *wo,
		  unsigned jobs, struct lb_log *log)
{
	int status = 0;

	for (size_t i = 0; i < img->nlayers; i++) {
		lb_layer_init(&layers[i], (unsigned)i);
		layers[i].media_type = dupnull(img->layers[i].media_type);
		layers[i].created_by = dupnull(img->layers[i].created_by);
		layers[i].comment = dupnull(img->layers[i].comment);
	}
	if (img->kind == LB_IMG_DIR) {
		lb_layer_walk_dir(&layers[0], img->layers[0].location, wo);
	} else {
		struct walk_job job = { .img = img, .layers = layers, .wo = wo };
		pthread_t tids[64];
		unsigned nt = jobs ? jobs : 1, started = 0;

		atomic_init(&job.next, 0);
		if (nt > 64)
			nt = 64;
		if (nt > img->nlayers)
			nt = img->nlayers ? (unsigned)img->nlayers : 1;
		if (img->st.kind == STORE_TAR_SEQ)
			status = walk_sequential(img, layers, wo, log);
		for (unsigned t = 1; t < nt; t++)
			if (pthread_create(&tids[started], NULL, walk_worker, &job) == 0)
				started++;
		walk_worker(&job);
		for (unsigned t = 0; t < started; t++)
			pthread_join(tids[t], NULL);
	}
	for (size_t i = 0; i < img->nlayers; i++) {
		lb_layer_add_implicit_dirs(&layers[i]);
		if (layers[i].failed && !status)
			status = LB_ERR_INPUT;
		lb_log_move(log, &layers[i].log);
	}
	return status;
}
