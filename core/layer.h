/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The file table of one layer, and the entries it holds.
 *
 * A layer's table is filled by one walker thread (walk.c) and is read-only
 * afterwards.  Strings and retained contents live in the layer's arena and
 * die with the layer.  Paths are normalised: absolute, no "." or ".."
 * components, no trailing or doubled slashes; the root itself is never an
 * entry.  Whiteouts are kept apart from entries: they are instructions for
 * the squash, not files.
 */
#ifndef LB_LAYER_H
#define LB_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"
#include "util.h"

enum lb_ftype {
	LB_FT_FILE,
	LB_FT_DIR,
	LB_FT_SYMLINK,
	LB_FT_CHAR,
	LB_FT_BLOCK,
	LB_FT_FIFO,
};
const char *lb_ftype_name(enum lb_ftype t);

enum lb_entry_flags {
	LB_EF_HASHED = 1 << 0,     /* sha256 holds the content's SHA-256 */
	LB_EF_HARDLINK = 1 << 1,   /* stored as a hard link to link_target */
	LB_EF_IMPLICIT = 1 << 2,   /* a directory the layer implies but does not list */
	LB_EF_TRUNCATED = 1 << 3,  /* data holds only the first bytes (detector cap) */
	LB_EF_STREAMED = 1 << 4,   /* streaming detectors' summaries follow data (lb_entry_summary) */
	LB_EF_SHA1 = 1 << 5,       /* sha1 holds its SHA-1 too: every file when the walk was
				    * asked for all (--files), else the files a detector read */
};

struct lb_entry {
	const char *path;          /* normalised absolute path; arena */
	const char *link_target;   /* symlink target as stored, or hard link path; arena or NULL */
	uint64_t size;
	const unsigned char *data; /* content retained for a detector; arena or NULL */
	size_t data_len;
	const char *magic;         /* libmagic's MIME type when a detector asked; static or arena */
	uint32_t mode;             /* permission bits incl. setuid/setgid/sticky (07777) */
	uint16_t layer;            /* index of the layer, bottom = 0 */
	uint8_t type;              /* enum lb_ftype */
	uint8_t flags;             /* enum lb_entry_flags */
	uint32_t detectors;        /* bit i: detector i asked for this file */
	/* The content's SHA-256 with LB_EF_HASHED, its SHA-1 with LB_EF_SHA1
	 * (32 and 20 bytes; arena, or lb_empty_sha256/lb_empty_sha1), else
	 * NULL.  Pointers, not arrays: a million directories and empty files
	 * do not carry 52 bytes each. */
	const unsigned char *sha256;
	const unsigned char *sha1;
};

/* The digests of no bytes at all, shared by every empty file. */
extern const unsigned char lb_empty_sha256[32];
extern const unsigned char lb_empty_sha1[20];

struct lb_layer;

/* Sets e's digests (LB_EF_HASHED, and LB_EF_SHA1 when sha1 is not NULL):
 * the shared ones for an empty file, else copies in l's arena. */
void lb_entry_set_digests(struct lb_layer *l, struct lb_entry *e, const unsigned char sha256[32],
			  const unsigned char sha1[20]);

struct lb_whiteout {
	const char *path;          /* the path hidden (for an opaque dir: the dir) */
	int opaque;                /* 1: hide the lower layers' children of path */
};

struct lb_layer {
	unsigned index;
	/* from the image */
	char *digest;              /* blob digest "sha256:..." or NULL (dir:, legacy) */
	char *diff_id;             /* "sha256:..." of the decoded tar (verified) */
	char *media_type;          /* may be NULL */
	char *created_by;          /* config history, may be NULL */
	char *comment;             /* config history comment, may be NULL */
	uint64_t stored_size, size;/* bytes stored / decoded */
	char *compression;         /* "gzip", "zstd", "none" */
	/* the table */
	struct lb_entry *entries;
	size_t nentries, cap;
	struct lb_whiteout *whiteouts;
	size_t nwhiteouts, wcap;
	struct lb_hashmap by_path; /* path -> entry index (released after the walk) */
	struct lb_arena arena;
	uint64_t retained;         /* bytes of data kept for detectors */
	struct lb_log log;
	int failed;                /* the walk failed: the table is incomplete */
};

void lb_layer_init(struct lb_layer *l, unsigned index);
void lb_layer_release(struct lb_layer *l);

/*
 * The summary streaming detector det (its index in the detector list) left
 * for e, when e has LB_EF_STREAMED: 1 with *p / *n set (pointing into e's
 * data), or 0 when there is none.  The summaries sit right after the kept
 * bytes: data[data_len..] holds u32 total, then records of u8 detector,
 * u32 length and the bytes (integers little-endian); every length is
 * checked against total.
 */
int lb_entry_summary(const struct lb_entry *e, unsigned det, const unsigned char **p, size_t *n);

/* Normalises a path from a tar header into out (cap outcap): leading "./"
 * and "/" dropped, "." and empty components removed, ".." resolved.
 * Returns the length, 0 for the root itself, -1 when ".." would leave the
 * root or the result does not fit. */
int lb_path_normalize(const char *in, char *out, size_t outcap);

#endif
