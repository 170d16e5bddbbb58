/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A reader for the outer tar of docker-archive and oci-archive images.
 *
 * The outer archive only holds blobs and a few JSON files, so this is a
 * small tar reader of its own (ustar, GNU long names, pax path and size)
 * that tells where each member's data starts: an uncompressed archive is
 * then read member by member with pread(), several layers at once.  A
 * compressed outer archive (docker save | gzip) cannot be indexed that way
 * and is read front to back instead (lb_tar_next() on a decoder).
 */
#ifndef LB_TARINDEX_H
#define LB_TARINDEX_H

#include <stdint.h>
#include <sys/types.h>

#include "hashmap.h"
#include "stream.h"
#include "util.h"

#define LB_TAR_MAX_MEMBERS 1000000u

struct lb_tar_member {
	char *name;          /* normalised: no leading "./" or "/" */
	uint64_t offset;     /* of the data, in the decoded stream */
	uint64_t size;
	char type;           /* '0' regular, '5' directory, '2' symlink, ... */
};

struct lb_tar_reader {
	struct lb_dec *dec;  /* not owned; NULL when reading fd directly */
	int fd;              /* with dec NULL: an uncompressed archive, read with pread() */
	uint64_t pos;        /* bytes consumed from dec */
	uint64_t left;       /* data bytes of the current member not yet read */
	uint64_t pad;        /* padding after the current member's data */
	char err[256];
};

void lb_tar_reader_init(struct lb_tar_reader *r, struct lb_dec *dec);
/* A reader over an uncompressed archive file: skipping data costs nothing. */
void lb_tar_reader_init_fd(struct lb_tar_reader *r, int fd);
/* Next member (its name malloc'ed, in m): 1, 0 at the end, -1 on error
 * (r->err).  Skips the data of the previous member if it was not read. */
int lb_tar_next(struct lb_tar_reader *r, struct lb_tar_member *m);
/* Reads the current member's data: bytes, 0 at its end, -1 on error.
 * Usable as an lb_pull_fn with the reader as ctx. */
ssize_t lb_tar_read(void *reader, void *buf, size_t n, char *err, size_t errlen);

struct lb_tar_index {
	struct lb_tar_member *m;
	size_t n, cap;
	struct lb_hashmap by_name;
};

/* Indexes the archive (regular files only) read through r.  0 or -1 with
 * a message in err. */
int lb_tar_index_build(struct lb_tar_index *ix, struct lb_tar_reader *r, char *err, size_t errlen);
const struct lb_tar_member *lb_tar_index_find(const struct lb_tar_index *ix, const char *name);
void lb_tar_index_release(struct lb_tar_index *ix);

#endif
