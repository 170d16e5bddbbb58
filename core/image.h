/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image sources: docker-archive (legacy, manifest.json, Docker >= 25
 * hybrid, compressed), OCI layout directory, OCI layout tarball, and an
 * unpacked root filesystem.  Opening an image reads and verifies its
 * index, manifest and config, and lists the layers bottom to top; walking
 * streams every layer once through the walker, in parallel.
 *
 * Every blob named by a digest is checked against it; a file named by an
 * image is never followed through a symbolic link.
 */
#ifndef LB_IMAGE_H
#define LB_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "layer.h"
#include "util.h"
#include "walk.h"

#define LB_MAX_LAYERS 512
#define LB_MAX_JSON (16u << 20)      /* manifests, indexes, configs */
#define LB_MAX_INDEX_DEPTH 4

enum lb_image_kind {
	LB_IMG_DOCKER_ARCHIVE,
	LB_IMG_OCI_DIR,
	LB_IMG_OCI_ARCHIVE,
	LB_IMG_DIR,
};
const char *lb_image_kind_name(enum lb_image_kind k);

struct lb_image_opts {
	const char *platform;        /* "os/arch[/variant]" or NULL */
	const char *image_name;      /* --image, or NULL */
};

struct lb_layer_ref {
	char *location;              /* the blob as named in the image */
	char *digest;                /* expected blob digest "sha256:..." or NULL */
	char *diff_id;               /* from the config, or NULL */
	char *media_type;            /* or NULL */
	char *created_by, *comment;  /* from the config history, or NULL */
	int64_t declared_size;       /* from the manifest, -1 when unknown */
};

struct lb_image;

/* Opens spec ("[kind:]path").  On success *out is the image (free with
 * lb_image_free()).  On failure returns LB_ERR_INPUT (or LB_ERR_USAGE for
 * a bad --platform/--image) with the message in log. */
int lb_image_open(const char *spec, const struct lb_image_opts *o, struct lb_image **out,
		  struct lb_log *log);
void lb_image_free(struct lb_image *img);

enum lb_image_kind lb_image_kind(const struct lb_image *img);
const char *lb_image_path(const struct lb_image *img);
const char *lb_image_name(const struct lb_image *img);            /* NULL when unnamed */
const char *lb_image_manifest_digest(const struct lb_image *img); /* NULL when none */
const char *lb_image_config_digest(const struct lb_image *img);   /* NULL when none */
const char *lb_image_os(const struct lb_image *img);              /* NULL when unknown */
const char *lb_image_arch(const struct lb_image *img);
const char *lb_image_variant(const struct lb_image *img);
const char *lb_image_created(const struct lb_image *img);
size_t lb_image_nlayers(const struct lb_image *img);
const struct lb_layer_ref *lb_image_layer(const struct lb_image *img, size_t i);

/*
 * Walks every layer into layers[0..nlayers) (initialised here) with up to
 * jobs threads.  Returns 0 when every layer was read and verified, else
 * LB_ERR_INPUT with the first failing layer's message in log (the other
 * layers are still walked; their tables are usable).
 */
int lb_image_walk(struct lb_image *img, struct lb_layer *layers, const struct lb_walk_opts *wo,
		  unsigned jobs, struct lb_log *log);

#endif
