/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpmdb: the packages of an rpm database, read from memory.
 *
 * The layer walker hands over the whole content of a database file; this
 * module finds every rpm header blob in it and turns each into a
 * struct lb_rpm_pkg.  Three storage formats are read natively, never
 * through libdb or librpm and never by writing the bytes to disk:
 *
 * - LB_RPMDB_BDB:    Berkeley DB hash `Packages` (rpm < 4.16, RHEL/CentOS 7
 *                    and 8, Amazon Linux 2), either byte order;
 * - LB_RPMDB_NDB:    rpm's own `Packages.db` (SUSE, rpm >= 4.16 ndb);
 * - LB_RPMDB_SQLITE: `rpmdb.sqlite` (Fedora >= 33, RHEL 9, Amazon Linux
 *                    2023), through an in-memory, read-only SQLite.
 *
 * Invariants, whatever the bytes are:
 * - nothing is read outside [data, data + len);
 * - every walk (page chains, slot tables, string arrays) is bounded by the
 *   size of the input, so the time is at most proportional to len (SQLite
 *   has a budget of virtual machine steps on top);
 * - no allocation is larger than len or the caps below;
 * - no global state: any number of threads may read databases at once.
 *
 * One unreadable header is not the failure of the database: it is counted
 * in struct lb_rpmdb_stats and skipped, so the caller can warn "N rpm
 * headers unreadable".  A database whose structure is broken (bad magic,
 * truncated, unreadable SQLite schema) is an error with a one-line message.
 *
 * See docs/internals/rpmdb.md for the formats and the bounds.
 */
#ifndef LB_RPMDB_H
#define LB_RPMDB_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum lb_rpmdb_kind {
	LB_RPMDB_BDB,
	LB_RPMDB_NDB,
	LB_RPMDB_SQLITE,
};

/* Caps on what one header may make us allocate.  Real headers are far
 * below them (the largest distribution packages own ~100,000 files). */
#define LB_RPM_MAX_FILES      (1u << 21)        /* entries of one file list */
#define LB_RPM_MAX_PATH_BYTES (64u << 20)       /* bytes of all its paths */

/*
 * One package, as read from one header.
 *
 * Strings are the header's bytes, NUL-terminated, not necessarily UTF-8
 * (old packages carry Latin-1 summaries): escape them before showing them.
 * A string member is NULL when the header lacks the tag (gpg-pubkey has no
 * arch, many packages no vendor); name is never NULL in a package handed
 * to a callback.  Everything is owned by the struct and freed by
 * lb_rpm_pkg_release().
 */
struct lb_rpm_pkg {
	char *name, *version, *release, *arch;
	char *license, *vendor, *sourcerpm, *summary;
	int has_epoch;
	uint32_t epoch;
	uint64_t size;          /* LONGSIZE, else SIZE, else 0: installed bytes */
	char sigmd5[33];        /* SIGMD5 (= PKGID) in hex, "" when absent */
	int is_pubkey;          /* a "gpg-pubkey" pseudo-package (rpm -qa lists them) */
	uint32_t instance;      /* the database's number for the header, 0 when unknown */
	char **files;           /* absolute paths the package owns, in header order */
	size_t nfiles;
	struct lb_arena mem;    /* private: holds every string above */
};

/*
 * Called once per readable package.  pkg and its strings are valid only
 * during the call (copy what you keep).  Returning nonzero stops the read,
 * and lb_rpmdb_read() returns that value.
 */
typedef int (*lb_rpm_pkg_cb)(void *ctx, const struct lb_rpm_pkg *pkg);

/* What a read found besides the packages. */
struct lb_rpmdb_stats {
	size_t npackages;       /* packages handed to the callback */
	size_t nskipped;        /* headers (or pages, slots) that were unreadable */
	char first_skip[160];   /* why the first one was skipped; "" when none */
};

/*
 * Reads the database of the given kind from data[0..len) and calls cb for
 * every package, in the database's storage order (NDB: by package index;
 * SQLite: by hnum; BDB: by page).  data is only read, never kept.
 *
 * cb may be NULL (the packages are only counted).  stats may be NULL;
 * otherwise it is filled even on failure.  err (may be NULL when errlen is
 * 0) receives a one-line lowercase message on failure, "" otherwise.
 *
 * Returns 0 on success (even if some headers were skipped), LB_ERR_INPUT
 * when the structure is broken, or cb's nonzero value if cb stopped the
 * read.  On LB_ERR_INPUT cb may already have been called for packages that
 * came before the damage.
 */
int lb_rpmdb_read(enum lb_rpmdb_kind kind, const void *data, size_t len,
		  lb_rpm_pkg_cb cb, void *ctx, struct lb_rpmdb_stats *stats,
		  char *err, size_t errlen);

/*
 * Guesses the kind of a database from its first bytes (the BDB hash magic
 * in either byte order, NDB's "RpmP", SQLite's "SQLite format 3").
 * Returns 0 and sets *kind, or -1 when none matches.
 */
int lb_rpmdb_detect(const void *data, size_t len, enum lb_rpmdb_kind *kind);

/*
 * Parses one header blob as rpm stores it in its databases (big-endian
 * index count and data length, the index, the data store: no lead, no
 * signature header, no magic).  Every offset, count and string is checked
 * against the blob; file lists larger than LB_RPM_MAX_FILES entries or
 * LB_RPM_MAX_PATH_BYTES bytes are refused.
 *
 * On success returns 0, fills *out (instance is 0), which the caller
 * releases with lb_rpm_pkg_release(), and leaves err "".  On failure
 * returns LB_ERR_INPUT, leaves *out empty (releasing it is harmless) and
 * writes the reason to err (may be NULL when errlen is 0).
 */
int lb_rpm_header_parse(const void *blob, size_t len, struct lb_rpm_pkg *out,
			char *err, size_t errlen);

/* Frees what *p holds and empties it; p may be NULL. */
void lb_rpm_pkg_release(struct lb_rpm_pkg *p);

#endif
