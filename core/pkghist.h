/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pkghist: which layer brought a package in, from the package database as
 * each layer left it.
 *
 * A database file (dpkg status, apk installed, an rpmdb) is rewritten whole
 * by every layer that installs or removes anything, so each layer that
 * holds the file holds a snapshot of the installed set.  A package's
 * introducing layer is the first layer of the unbroken run of snapshots,
 * ending with the last one, that list it at its final version: a package
 * upgraded in layer 5 was introduced (at that version) by layer 5, not by
 * the base layer that had an older version; a package removed in layer 3
 * and installed again in layer 6 was introduced by layer 6.  (Attributing
 * a package to the layer of the last database write, as some scanners do,
 * gives every package the top layer.)
 *
 * Packages listed by an earlier snapshot and missing from the last one were
 * removed, by the first snapshot that no longer lists them.
 *
 * Keys are opaque strings chosen by the detector (dpkg: "name:arch"); the
 * version string is compared bytewise.  Snapshots must be added in
 * increasing layer order; adding a second snapshot for the same layer
 * replaces the first (a layer holding both a database and its backup is
 * the caller's business to resolve).  Not thread-safe; no global state.
 */
#ifndef LB_PKGHIST_H
#define LB_PKGHIST_H

#include <stddef.h>

struct lb_pkghist;

struct lb_pkghist *lb_pkghist_new(void);
void lb_pkghist_free(struct lb_pkghist *h);    /* NULL is a no-op */

/* Starts the snapshot of `layer` (>= the previous one). */
void lb_pkghist_snapshot(struct lb_pkghist *h, int layer);
/* Adds key at version (NULL: no version) to the current snapshot. */
void lb_pkghist_add(struct lb_pkghist *h, const char *key, const char *version);

/* Number of snapshots, and the layer of the last one (-1 when none). */
size_t lb_pkghist_count(const struct lb_pkghist *h);
int lb_pkghist_last_layer(const struct lb_pkghist *h);

/* The introducing layer of key@version as described above, or -1 when
 * the last snapshot does not list key at that version. */
int lb_pkghist_introduced(const struct lb_pkghist *h, const char *key, const char *version);

/*
 * For every key@version listed by some snapshot but not by the last one
 * at that version (removed, or replaced by another version), calls
 * cb(ctx, key, version, introduced, removed): introduced is the first
 * layer of the run of snapshots that listed it, removed the layer of the
 * first snapshot after that run.  A version listed in two separate runs is
 * reported once per run.  Calls are ordered by removed layer, then key.
 */
typedef void (*lb_pkghist_gone_fn)(void *ctx, const char *key, const char *version,
				   int introduced, int removed);
void lb_pkghist_each_gone(const struct lb_pkghist *h, lb_pkghist_gone_fn cb, void *ctx);

#endif
