/* SPDX-License-Identifier: Apache-2.0 */
/*
 * copyright: the copyright statements of a text ("Copyright (c) 2001-2020
 * Jane Doe <jane@example.org>", "(C) 1999 Foo Inc.", "© 2020 Bar").
 *
 * A statement is a line whose "Copyright", "(c)" or "©" (after any comment
 * leader: #, *, //, ;, --) is followed on the line by "(c)", "©" or a
 * year: code that merely names the word ("copyright = read_notice()") is
 * not one.  A statement whose line ends with ',' or "and", or whose next
 * line holds only years or a continuation in lower case, takes that line
 * too (at most four lines).  Statements are returned with white space
 * collapsed and comment closers removed; the callback gets each one in
 * order of appearance.  No global mutable state: the pattern is compiled
 * once (pthread_once) and shared read-only.  At most max statements are
 * returned (0: no limit); input is read up to len bytes, never past.
 */
#ifndef LB_COPYRIGHT_H
#define LB_COPYRIGHT_H

#include <stddef.h>

typedef void (*lb_copyright_fn)(void *ctx, const char *statement, size_t len);

/* Returns the number of statements passed to cb. */
size_t lb_copyright_extract(const char *text, size_t len, size_t max, lb_copyright_fn cb, void *ctx);

#endif
