/* SPDX-License-Identifier: Apache-2.0 */
/*
 * licmatch: which licenses a text holds, and where.
 *
 * Three kinds of evidence, each reported with its lines:
 *  - full license texts, matched against every current SPDX license and
 *    exception template (license-texts/template, compiled into the
 *    binary).  Candidates come from an index of word 3-grams; each is
 *    scored by a word diff against the template's text (Dice coefficient
 *    and coverage of the license), and decided by template conformance:
 *    the template compiled to a PCRE2 pattern (<<var>> by its match
 *    rule, <<beginOptional>> optional) must match the text, so that close
 *    relatives (MIT and MIT-0, BSD-2-Clause and BSD-2-Clause-Views) are
 *    told apart by their clauses, not by a score;
 *  - notices and references ("Licensed under the Apache License, Version
 *    2.0", the GNU "either version 2 ... or any later version" notices,
 *    exceptions), from license-texts/notices.tsv;
 *  - SPDX-License-Identifier: tags, whose expressions are taken as written
 *    (normalised).
 *
 * Text is normalised as the SPDX matching guidelines say: case, white
 * space, punctuation and quotes, list markers, copyright lines, the
 * equivalent words of license-texts/equivalent-words.tsv, http/https.
 * The GPL family's -only and -or-later share one text: a bare text is
 * -only, a notice in the same file saying "or any later version" makes it
 * -or-later.
 *
 * The template index is built on first use (pthread_once) and then shared,
 * read-only, by every thread; lb_licmatch_identify() is thread-safe and
 * keeps no state between calls.  Input is capped (LB_LICMATCH_MAX_TEXT
 * bytes are read; the rest is ignored and flagged).
 */
#ifndef LB_LICMATCH_H
#define LB_LICMATCH_H

#include <stddef.h>

#define LB_LICMATCH_MAX_TEXT (16u << 20)

/* Generated tables (license-texts/gen-license-templates.py). */
struct lb_license_template {
	const char *id;
	int is_exception;
	unsigned off, len;       /* in lb_license_template_blob */
};
extern const char lb_license_template_blob[];
extern const struct lb_license_template lb_license_templates[];
extern const size_t lb_license_ntemplates;
extern const char *const lb_license_equiv_words[][2];
extern const size_t lb_license_nequiv_words;
extern const char *const lb_license_notices[][2];
extern const size_t lb_license_nnotices;

struct lb_licmatch {
	char *expr;              /* what this finding stands for: an id, "id WITH exc", or a tag's expression */
	double score;            /* 0..1: 1 is the template's text word for word */
	double coverage;         /* 0..1: share of the license text found */
	unsigned start_line, end_line;  /* 1-based, inclusive */
	const char *matcher;     /* "exact", "template", "approximate", "notice", "spdx-tag" */
	char *diff;              /* words added (+) and removed (-) against the template, or NULL */
};

struct lb_licmatch_result {
	struct lb_licmatch *v;   /* in order of start line */
	size_t n;
	char *expr;              /* AND of every finding (valid SPDX), or NULL when none */
	int truncated;           /* the text was longer than LB_LICMATCH_MAX_TEXT */
};

/*
 * Identifies the licenses in text[0..len).  Always fills *out (empty when
 * nothing was found); returns 0, or a negative status when the reference
 * data could not be prepared (a bug).  Release with
 * lb_licmatch_result_release().
 */
int lb_licmatch_identify(const char *text, size_t len, struct lb_licmatch_result *out);
void lb_licmatch_result_release(struct lb_licmatch_result *r);

/* One text of a batch for lb_licmatch_identify_all(). */
struct lb_licmatch_job {
	const char *text;        /* in: not owned */
	size_t len;
	int status;              /* out: lb_licmatch_identify()'s return */
	struct lb_licmatch_result result;   /* out: release each */
};

/* Identifies every job's text, on up to `threads` threads (0: as many as
 * there are CPUs, at most 8): each result is the one lb_licmatch_identify()
 * gives, whatever the number of threads. */
void lb_licmatch_identify_all(struct lb_licmatch_job *jobs, size_t n, unsigned threads);

/* Prepares the template index now rather than on first use (it takes a
 * few tens of milliseconds); returns 0. */
int lb_licmatch_init(void);

#endif
