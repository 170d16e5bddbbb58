/* SPDX-License-Identifier: Apache-2.0 */
/*
 * license_db: the SPDX License List and the license name aliases, as
 * constant tables generated at build time (license-texts/gen-license-db.py
 * writes license_db.c from license-texts/licenses.json, exceptions.json and
 * aliases/<set>.tsv).
 *
 * Invariants the generator checks, so that code may rely on them:
 *  - lb_license_db holds every license and exception id of the list, sorted
 *    by id compared ASCII-case-insensitively; no two ids are equal under
 *    that comparison. LB_LICENSE_EXCEPTION tells exceptions apart.
 *  - A deprecated entry has successor >= 0 when SPDX replaced it (the
 *    successor, and successor_exception when the replacement is
 *    "ID WITH EXCEPTION", are current entries), or -1 when it is kept as is.
 *  - Alias keys are folded as lb_license_key_fold() folds and sorted
 *    bytewise; alias values are valid SPDX 2.3 expressions naming only
 *    current ids in canonical case and LicenseRef-s, and the values of the
 *    LB_ALIAS_EXCEPTIONS table are single current exception ids.
 *
 * Everything here is immutable static data: safe from any thread, never
 * freed. The lookup functions are implemented in spdx.c.
 */
#ifndef LB_LICENSE_DB_H
#define LB_LICENSE_DB_H

#include <stddef.h>

#define LB_LICENSE_DEPRECATED   0x1u /* isDeprecatedLicenseId */
#define LB_LICENSE_OSI_APPROVED 0x2u /* isOsiApproved */
#define LB_LICENSE_FSF_LIBRE    0x4u /* isFsfLibre */
#define LB_LICENSE_EXCEPTION    0x8u /* from exceptions.json */

struct lb_license_info {
	const char *id;           /* canonical spelling, e.g. "GPL-2.0-only" */
	const char *name;         /* full name, UTF-8 */
	unsigned flags;           /* LB_LICENSE_* */
	int successor;            /* index in lb_license_db, or -1 */
	int successor_exception;  /* index in lb_license_db, or -1 */
};

struct lb_license_alias {
	const char *key;          /* folded name, e.g. "apache license, version 2.0" */
	const char *expr;         /* SPDX expression, e.g. "Apache-2.0" */
};

enum lb_alias_set {
	LB_ALIAS_DEBIAN,          /* aliases/debian.tsv */
	LB_ALIAS_FEDORA,          /* aliases/fedora.tsv */
	LB_ALIAS_ALPINE,          /* aliases/alpine.tsv */
	LB_ALIAS_GENERIC,         /* aliases/generic.tsv */
	LB_ALIAS_EXCEPTIONS,      /* aliases/debian-exceptions.tsv */
	LB_ALIAS_COUNT
};

struct lb_alias_table {
	const struct lb_license_alias *v;
	size_t n;
	size_t max_tokens;        /* most tokens in one key (see spdx.h) */
	size_t max_key_len;       /* longest folded key, in bytes */
};

extern const char lb_license_list_version[];    /* "3.28.0" */
extern const struct lb_license_info lb_license_db[];
extern const size_t lb_license_db_len;
extern const struct lb_alias_table lb_alias_tables[LB_ALIAS_COUNT];

/*
 * Finds a license or exception id, ASCII-case-insensitively: "gpl-2.0-ONLY"
 * finds "GPL-2.0-only". Deprecated ids are found as themselves (use
 * lb_license_successor() for the replacement). `id` need not be
 * NUL-terminated in the _len form; NULL with len 0 is allowed.
 *
 * Returns a pointer into lb_license_db, or NULL when the id is not on the
 * list.
 */
const struct lb_license_info *lb_license_lookup_len(const char *id, size_t len);
const struct lb_license_info *lb_license_lookup(const char *id);

/*
 * The entry SPDX replaced `info` with, or `info` itself when it is current
 * or was kept. *exception receives the exception of an "ID WITH EXCEPTION"
 * replacement, else NULL; `exception` may be NULL.
 */
const struct lb_license_info *lb_license_successor(
	const struct lb_license_info *info,
	const struct lb_license_info **exception);

/*
 * Looks a folded key up in one alias table. Returns the SPDX expression
 * (static), or NULL.
 */
const char *lb_license_alias_lookup(enum lb_alias_set set, const char *key,
				    size_t len);

/*
 * Folds a license name into an alias key: ASCII letters to lower case,
 * runs of whitespace to one space, no space after '(' nor before ')', ','
 * or ';', none at either end. Writes at most `cap` bytes plus a NUL to
 * `buf` (cap + 1 bytes must be available).
 *
 * Returns the folded length, or -1 when it would exceed `cap` (no alias
 * key is longer than the table's max_key_len, so callers pass that).
 */
int lb_license_key_fold(const char *s, size_t len, char *buf, size_t cap);

#endif
