/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emit_common: what the SBOM emitters (SPDX 2.3 JSON and tag-value,
 * CycloneDX 1.6 JSON and XML) share, and the one input they read.
 *
 * An SBOM emitter reads a struct lb_sbom_input, never a scan: the image's
 * identity, its layers, the component model and (with --files) the final
 * view's regular files.  lb_sbom_input_from_scan() fills one from a scan;
 * the unit tests fill one by hand.  Everything an input points to belongs
 * to whoever filled it and must outlive the emitter call.
 *
 * Guarantees every emitter keeps (docs/internals/emitters.md):
 *  - same input, same bytes: no clock, no environment, no address or hash
 *    order leaks into a document; the creation time is in the input;
 *  - identifiers (SPDXIDs, bom-refs) come from lb_sbom_ids_*(): derived
 *    from the image digest, the layer index and the component ids, unique
 *    in the document whatever the component ids look like;
 *  - every string is valid UTF-8 without the control characters XML 1.0
 *    forbids (lb_sbom_clean()), so one document says the same in every
 *    serialisation.
 */
#ifndef LB_EMIT_COMMON_H
#define LB_EMIT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "hashmap.h"
#include "model.h"
#include "util.h"

struct lb_sbom_layer {
	const char *diff_id;        /* "sha256:..." or NULL (dir:) */
	const char *digest;         /* blob digest or NULL */
	const char *created_by;     /* config history or NULL */
	uint64_t size;              /* decoded bytes */
};

struct lb_sbom_file {
	const char *path;           /* absolute path in the final view */
	int layer;                  /* index of the layer that provided it */
	unsigned char sha1[20], sha256[32];
};

struct lb_sbom_input {
	const char *image_name;     /* reference ("docker.io/library/debian:12") or NULL */
	const char *image_path;     /* the path scanned (used when unnamed) or NULL */
	const char *manifest_digest, *config_digest;  /* "sha256:..." or NULL */
	const char *os, *arch, *variant;              /* NULL when unknown */
	const struct lb_sbom_layer *layers;
	size_t nlayers;
	const struct lb_model *model;                 /* finished (lb_model_finish) */
	const struct lb_sbom_file *files;             /* sorted by path; NULL: no --files */
	size_t nfiles;
	int with_files;                               /* --files was asked */
	int all_layers;                               /* --scope all-layers */
	time_t created;                               /* document creation time */
	const char *tool_version;                     /* LB_VERSION */
};

/*
 * An SBOM emitter.  `emit` MUST write one whole document for `in` to out
 * and return 0, or LB_ERR_OUTPUT when a write failed (errno says why); it
 * MUST NOT read anything but `in` (no clock, no environment) and MUST NOT
 * keep state between calls.
 */
struct lb_emitter {
	const char *name;           /* the -o FORMAT: "spdx-json" */
	int (*emit)(const struct lb_sbom_input *in, FILE *out);
};

extern const struct lb_emitter lb_emitter_spdx_json;
extern const struct lb_emitter lb_emitter_spdx_tv;
extern const struct lb_emitter lb_emitter_cyclonedx_json;
extern const struct lb_emitter lb_emitter_cyclonedx_xml;
extern const struct lb_emitter lb_emitter_spdx3_json;
extern const struct lb_emitter lb_emitter_html;

/* The emitter for a -o FORMAT, or NULL. */
const struct lb_emitter *lb_emitter_find(const char *name);

/*
 * Fills in from a finished scan: the strings stay the scan's, the layers
 * array (and with with_files, the array of the final view's hashed regular
 * files) are new; lb_sbom_input_release_scan() frees them.
 */
struct lb_scan;
void lb_sbom_input_from_scan(const struct lb_scan *s, int with_files, time_t created,
			     struct lb_sbom_input *in);
void lb_sbom_input_release_scan(struct lb_sbom_input *in);

/*
 * The creation time from SOURCE_DATE_EPOCH (a decimal count of seconds)
 * when `sde` is not NULL, else `now`.  Returns 0, or -1 when sde is not
 * such a number.
 */
int lb_sbom_time(const char *sde, time_t now, time_t *out);

/* "YYYY-MM-DDTHH:MM:SSZ" in UTC; buf holds at least 21 bytes. */
void lb_sbom_time_str(time_t t, char *buf, size_t n);

/*
 * A name-based UUID (RFC 9562 version 5: SHA-1 of a namespace and a name,
 * through OpenSSL's EVP interface) as 36 characters and a NUL in out.
 * The name is "layerbom/<version>/<format>/<digest>/<options>", so the
 * same image gives the same serial number, and a different document kind
 * or version a different one.
 */
void lb_sbom_uuid(const struct lb_sbom_input *in, const char *format, char out[37]);

/* The digest that names the image: manifest, else config, else NULL. */
const char *lb_sbom_image_digest(const struct lb_sbom_input *in);

/* The image's name for humans and PURLs: the last path segment of the
 * reference without tag or digest, lowercased; else the file name of
 * image_path without its extensions; else "image".  Caller frees. */
char *lb_sbom_image_short_name(const struct lb_sbom_input *in);

/* pkg:oci/<name>@<digest>?arch=..&repository_url=..&tag=.., or NULL when
 * the image has no digest.  Caller frees. */
char *lb_sbom_image_purl(const struct lb_sbom_input *in);

/* A copy of s as valid UTF-8 (bad bytes become U+FFFD) without the
 * control characters XML 1.0 forbids (also U+FFFD).  Caller frees;
 * NULL for NULL. */
char *lb_sbom_clean(const char *s);

/* "Layer 2 (sha256:...)": how documents name a layer for humans. */
char *lb_sbom_layer_label(const struct lb_sbom_input *in, int layer);

/*
 * The identifiers of one document.  comp[i] is model->v[i]'s, layer[i]
 * the layer's, file[i] the file's; all unique within the document, all
 * owned by the set (released with lb_sbom_ids_release()).
 */
struct lb_sbom_ids {
	char *image;
	char **layer;
	char **comp;
	char **file;
	struct lb_hashmap used;
	struct lb_arena arena;
};

/* SPDXIDs: "SPDXRef-Image", "SPDXRef-Layer-<n>", "SPDXRef-Package-<id>",
 * "SPDXRef-File-<path>", with every character outside [A-Za-z0-9.-]
 * turned into '-' and "-2", "-3"... appended on a collision. */
void lb_sbom_ids_spdx(const struct lb_sbom_input *in, struct lb_sbom_ids *ids);
/* bom-refs: the image PURL (else "image"), "layer:<n>:<diff id>", the
 * component id, "file:<path>"; unique the same way. */
void lb_sbom_ids_cdx(const struct lb_sbom_input *in, struct lb_sbom_ids *ids);
void lb_sbom_ids_release(struct lb_sbom_ids *ids);
/* One more identifier in the set: cand (sanitised as an SPDXID when spdx
 * is set), suffixed when taken.  The string belongs to the set. */
const char *lb_sbom_ids_add(struct lb_sbom_ids *ids, const char *cand, int spdx);

/*
 * Which components own which files: for file i, owners of file i are
 * comp indexes own[start[i] .. start[i + 1]), in model order; an entry
 * (size_t)-1 stands for a path a component listed twice (skip it).
 * Computed from the components' files[] lists.  Release with lb_sbom_owners_release().
 */
struct lb_sbom_owners {
	size_t *start;              /* nfiles + 1 */
	size_t *own;
};
void lb_sbom_owners(const struct lb_sbom_input *in, struct lb_sbom_owners *o);
void lb_sbom_owners_release(struct lb_sbom_owners *o);

#endif
