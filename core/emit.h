/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emitters: they read a finished scan and write one format.  They never
 * see a file of the image, only the model.  Each returns 0, or
 * LB_ERR_OUTPUT when writing failed (errno tells why).
 */
#ifndef LB_EMIT_H
#define LB_EMIT_H

#include <stdio.h>

#include "emit_common.h"
#include "scan.h"

enum lb_files_format { LB_FILES_TSV, LB_FILES_JSON };

/* The file inventory of `layerbom files` (DESIGN.md): the final view, or
 * every layer's entries when all_layers is set. */
int lb_emit_files(const struct lb_scan *s, int all_layers, enum lb_files_format fmt, FILE *out);

/* The human-readable summary of `layerbom scan`. */
int lb_emit_table(const struct lb_scan *s, FILE *out);

/* The attribution text for redistribution (-o notice): every component
 * but the distribution itself, with its license and copyright statements,
 * then the text of every license they name, once each, sorted by id. */
int lb_emit_notice(const struct lb_scan *s, FILE *out);

/* The plain text of an SPDX matching template: a <<var>> becomes its
 * original text, optional parts are kept without their markers.  Returns a
 * new string (caller frees), never NULL. */
char *lb_license_template_text(const char *tmpl, size_t len);
/* The text of a current listed license or exception, from its template;
 * NULL when the binary has no template for id.  Caller frees. */
char *lb_license_text(const char *id);

/* An SBOM format (emit_common.h) of a finished scan: with_files adds the
 * final view's regular files; created is the document's creation time. */
int lb_emit_sbom(const struct lb_scan *s, const struct lb_emitter *e, int with_files, time_t created,
		 FILE *out);

#endif
