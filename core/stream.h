/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte sources and the layer decoder.
 *
 * A struct lb_src is where a blob's stored bytes come from: a window of a
 * file read with pread() (a whole blob file, or a member of an
 * uncompressed outer tar), a memory buffer, or a pull callback (a member of
 * an outer archive that is read sequentially).  Several sources may read
 * the same file descriptor at once: pread() keeps no shared offset.
 *
 * A struct lb_dec sits on a source.  It detects the compression from the
 * first bytes (gzip, zstd or none), decodes, and hashes as it goes:
 * SHA-256 of the stored bytes (the blob digest) and of the decoded bytes
 * (the diff ID).  It enforces the decoding caps: a layer may not decode to
 * more than LB_MAX_LAYER_BYTES, nor expand more than LB_MAX_RATIO times
 * once past LB_RATIO_FLOOR bytes (decompression bombs).
 */
#ifndef LB_STREAM_H
#define LB_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LB_MAX_LAYER_BYTES ((uint64_t)256 << 30)   /* 256 GiB decoded */
#define LB_MAX_RATIO 2000                          /* decoded / stored */
#define LB_RATIO_FLOOR ((uint64_t)1 << 30)         /* ratio checked past 1 GiB */

enum lb_src_kind { LB_SRC_FD, LB_SRC_MEM, LB_SRC_PULL };

/* Returns bytes read (0 at the end) or -1 with a message in err. */
typedef ssize_t (*lb_pull_fn)(void *ctx, void *buf, size_t n, char *err, size_t errlen);

struct lb_src {
	enum lb_src_kind kind;
	int fd;                  /* LB_SRC_FD: not owned */
	uint64_t off, left;      /* LB_SRC_FD: next offset, bytes left in the window */
	const unsigned char *mem;/* LB_SRC_MEM: not owned */
	size_t memlen, mempos;
	lb_pull_fn pull;         /* LB_SRC_PULL */
	void *pull_ctx;
};

void lb_src_fd(struct lb_src *s, int fd, uint64_t off, uint64_t len);
void lb_src_mem(struct lb_src *s, const void *p, size_t len);
void lb_src_pull(struct lb_src *s, lb_pull_fn fn, void *ctx);
/* Reads up to n bytes: count, 0 at the end, -1 on error (message in err). */
ssize_t lb_src_read(struct lb_src *s, void *buf, size_t n, char *err, size_t errlen);

enum lb_compression { LB_COMP_UNKNOWN, LB_COMP_NONE, LB_COMP_GZIP, LB_COMP_ZSTD };
const char *lb_compression_name(enum lb_compression c);

struct lb_dec;

/* A decoder over src (not owned, must outlive it). hash_stored/hash_decoded
 * select which digests are computed.  Never NULL. */
struct lb_dec *lb_dec_new(struct lb_src *src, int hash_stored, int hash_decoded);
/* Reads decoded bytes: count, 0 at the end of the stream, -1 on error
 * (lb_dec_error() says what). */
ssize_t lb_dec_read(struct lb_dec *d, void *buf, size_t n);
/* Reads and hashes whatever is left, so that the digests cover the whole
 * blob; 0 or -1. */
int lb_dec_drain(struct lb_dec *d);
const char *lb_dec_error(const struct lb_dec *d);
enum lb_compression lb_dec_compression(const struct lb_dec *d);
uint64_t lb_dec_stored_bytes(const struct lb_dec *d);
uint64_t lb_dec_decoded_bytes(const struct lb_dec *d);
/* Final digests, valid after the end was reached (32 bytes each).  An
 * uncompressed stream's decoded bytes are its stored bytes, hashed once:
 * its decoded digest is its stored digest (all zeros when the stream was
 * not read to its end). */
void lb_dec_digests(struct lb_dec *d, unsigned char stored[32], unsigned char decoded[32]);
void lb_dec_free(struct lb_dec *d);

#endif
