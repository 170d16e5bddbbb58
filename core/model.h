/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model: the components a scan found, and the license texts their
 * LicenseRef-s stand for.  Detectors fill it (lb_model_add and the
 * lb_comp_* setters); emitters read it after lb_model_finish() sorted it.
 *
 * Ownership: the model owns every component and every string in it; all
 * setters copy their arguments.  Pointers to components stay valid until
 * lb_model_release() (the array holds pointers, so adding does not move
 * components).
 *
 * Invariants once lb_model_finish() ran:
 *  - components are sorted by (type, name, version, purl, id) bytewise, so
 *    output is the same whatever order detectors or threads produced them;
 *  - every id is unique (a collision gets "-2", "-3"... in sorted order);
 *  - `declared` and `concluded` are NULL (NOASSERTION) or valid SPDX 2.3
 *    expressions whose every LicenseRef- is defined in model->refs;
 *  - refs are sorted by id and every ref has a non-empty text.
 * No component ever holds a license string that is not such an expression:
 * lb_comp_set_license() normalises (spdx.h) on the way in.
 */
#ifndef LB_MODEL_H
#define LB_MODEL_H

#include <stddef.h>

#include "spdx.h"

enum lb_comp_type {
	LB_COMP_OS,             /* the distribution itself (os-release) */
	LB_COMP_OS_PACKAGE,     /* dpkg, apk, rpm */
	LB_COMP_LIBRARY,        /* a language package */
	LB_COMP_APPLICATION,    /* an application root (package.json outside node_modules) */
	LB_COMP_BINARY,         /* an executable no package owns */
};
const char *lb_comp_type_name(enum lb_comp_type t);  /* "os", "os-package", ... */

enum lb_evidence_kind {
	LB_EV_METADATA,         /* a package database or manifest said so */
	LB_EV_LICENSE_TEXT,     /* a license text or notice in a file */
	LB_EV_COPYRIGHT,        /* copyright statements read from a file */
	LB_EV_NOTE,             /* why something is missing or was decided */
	LB_EV_BINARY,           /* read from an executable: build info, a version string */
};
const char *lb_evidence_kind_name(enum lb_evidence_kind k);

struct lb_evidence {
	enum lb_evidence_kind kind;
	char *path;             /* the file in the image, or NULL */
	int layer;              /* its layer index, -1 when none */
	char *field;            /* metadata field ("License", "L") or NULL */
	char *detail;           /* what it said, or why; NULL when nothing to add */
};

struct lb_prop {
	char *name;             /* without the "layerbom:" prefix, e.g. "dpkg:status" */
	char *value;
};

struct lb_component {
	char *id;               /* stable, unique in the model: derived from the
				 * purl, else type:name@version; emitters build
				 * SPDXIDs and bom-refs from it */
	enum lb_comp_type type;
	char *found_by;         /* detector name */
	char *name, *version;   /* name never NULL; version may be NULL */
	char *purl, *cpe;       /* may be NULL */
	char *supplier;         /* organisation that distributes it ("Debian"), or NULL */
	char *author;           /* maintainer or author, "Name <mail>", or NULL */
	char *source_name;      /* source package, or NULL */
	char *source_version;
	char *arch, *summary, *homepage;
	char *declared;         /* SPDX expression or NULL (NOASSERTION) */
	char *declared_raw;     /* the string the metadata held, or NULL */
	char *concluded;        /* SPDX expression or NULL (NOASSERTION) */
	char **copyrights;      /* deduplicated, in order found */
	size_t ncopyrights, copyrights_cap;
	struct lb_evidence *ev;
	size_t nev, ev_cap;
	char **files;           /* paths of the files it owns (not sorted) */
	size_t nfiles, files_cap;
	struct lb_prop *props;
	size_t nprops, props_cap;
	int has_digest;         /* the component is one file: digests below */
	unsigned char sha256[32], sha1[20];
	int introduced;         /* layer index that brought this version in */
	int last_changed;       /* last layer that changed it (>= introduced) */
	int removed;            /* -1, or the layer that removed it (all-layers scope) */
};

struct lb_license_ref {
	char *id;               /* "LicenseRef-..." */
	char *name;             /* the name it was given (the words), or NULL */
	char *text;             /* the license text, or the words when no text is known */
};

/* A license file no component owns. */
struct lb_unowned {
	char *path;
	int layer;
	char *expr;             /* what it holds (SPDX expression), or NULL */
};

struct lb_model {
	struct lb_component **v;
	size_t n, cap;
	struct lb_unowned *unowned;   /* sorted by path after lb_model_finish() */
	size_t nunowned, unowned_cap;
	struct lb_license_ref *refs;
	size_t nrefs, refs_cap;
};

void lb_model_init(struct lb_model *m);
void lb_model_release(struct lb_model *m);

/* A new component (name must not be NULL; version may be).  Layers start
 * at -1 (unknown), removed at -1.  Never NULL. */
struct lb_component *lb_model_add(struct lb_model *m, enum lb_comp_type type,
				  const char *name, const char *version,
				  const char *found_by);

/* Lists a license file that no component owns (copies the strings). */
void lb_model_add_unowned(struct lb_model *m, const char *path, int layer, const char *expr);

/* Removes and frees c (a detector that merged two findings). */
void lb_model_remove(struct lb_model *m, struct lb_component *c);

/* Replaces *field with a copy of v (NULL clears it). */
void lb_comp_set(char **field, const char *v);
void lb_comp_set_len(char **field, const char *v, size_t n);

/* Adds a copyright statement: whitespace collapsed, invalid UTF-8 replaced,
 * empty and duplicate statements ignored. */
void lb_comp_add_copyright(struct lb_component *c, const char *text, size_t len);
void lb_comp_add_evidence(struct lb_component *c, enum lb_evidence_kind kind,
			  const char *path, int layer, const char *field,
			  const char *detail);
void lb_comp_add_file(struct lb_component *c, const char *path);
void lb_comp_add_prop(struct lb_component *c, const char *name, const char *value);

enum lb_license_slot { LB_LIC_DECLARED, LB_LIC_CONCLUDED };

/*
 * Normalises `raw` in dialect d and stores the expression in the slot
 * (declared also keeps raw in declared_raw).  Every LicenseRef the
 * normaliser made is registered in m->refs; `texts` (may be NULL) gives
 * the license text for a name: it is called with the ref's words and
 * returns a text or NULL (then the words themselves are the text).  When
 * a ref id is already registered with a different text, the new one gets
 * a suffix of a hash of its text, and the expression says so.
 *
 * Returns 0; LB_SPDX_EEMPTY when raw holds no license (the slot is left
 * unchanged); another negative LB_SPDX_E* code on failure.
 */
typedef const char *(*lb_ref_text_fn)(void *ctx, const char *words);
int lb_comp_set_license(struct lb_model *m, struct lb_component *c,
			enum lb_license_slot slot, const char *raw,
			enum lb_license_dialect d, lb_ref_text_fn texts, void *ctx);

/* How lb_comp_set_offered() reads and joins the names. */
struct lb_offer_opts {
	enum lb_license_dialect dialect;   /* of each name */
	const char *sep;        /* between the names in declared_raw */
	const char *raw;        /* declared_raw instead of the joined names; NULL: joined */
	int single_as_is;       /* one name that reads: set as itself, not as "(expr)" */
	int dedup;              /* a name that reads as an expression already offered is dropped */
	lb_ref_text_fn texts;   /* MAY be NULL: texts asked for first (npm's UNLICENSED) */
	void *ctx;
};

/*
 * The declared license of a package that offers several (OR): each name is
 * normalised on its own (a name may hold commas or "and"), the ones that
 * read are joined, and the LicenseRefs they give keep their texts.  At
 * most 16 names are read.  Returns lb_comp_set_license()'s status, or
 * LB_SPDX_EEMPTY when no name reads.
 */
int lb_comp_set_offered(struct lb_model *m, struct lb_component *c, const char *const *names, size_t n,
			const struct lb_offer_opts *o);

/*
 * Registers a LicenseRef with its text.  Returns the id to use: `id`
 * itself when new or registered with the same text, else a new id
 * "<id>-<8 hex of the text's hash>" (registered too).  The string
 * belongs to the model.
 */
const char *lb_model_add_ref(struct lb_model *m, const char *id, const char *name,
			     const char *text);
const struct lb_license_ref *lb_model_find_ref(const struct lb_model *m, const char *id);

/*
 * Links every component but the OS packages and the distribution whose
 * metadata file (an LB_EV_METADATA evidence path) an OS package owns to
 * that package: a property "owned-by" with its PURL (else its name).
 * Debian's python3-six is one thing with two identities, linked, not two
 * unexplained entries.  Call once, after the detectors.
 */
void lb_model_link_owners(struct lb_model *m);

/* Sorts components and refs, makes ids unique.  Call once, after the
 * detectors. */
void lb_model_finish(struct lb_model *m);

/*
 * A package URL (purl-spec): "pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS".
 * ns and version may be NULL; quals holds nquals pairs {key, value}
 * (at most 16), pairs whose value is NULL or empty are skipped;
 * qualifiers are written sorted by key.  Name, namespace segments, version and values are percent-encoded
 * as the spec says.  Returns a new string (caller frees).
 */
char *lb_purl(const char *type, const char *ns, const char *name,
	      const char *version, const char *const *quals, size_t nquals);

#endif
