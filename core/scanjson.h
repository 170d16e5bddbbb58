/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON documents an image holds (package.json, composer's installed.json,
 * .NET deps.json), read the same way by every detector that reads one.
 */
#ifndef LB_SCANJSON_H
#define LB_SCANJSON_H

#include <jansson.h>
#include <stddef.h>

#include "layer.h"

struct lb_scan;

/*
 * Parses e's retained bytes data[0..len): a UTF-8 byte order mark is
 * skipped.  Refuses, with a warning on the scan naming the file, a file
 * the walker cut at the detector's cap (LB_EF_TRUNCATED; cap is that cap,
 * for the message) or one nested deeper than max_depth (0: jansson's own
 * limit only): returns -1.  Else returns 0 with *root the document
 * (json_decref() it), or NULL when it does not parse (err->text says why).
 */
int lb_scan_load_json(struct lb_scan *s, const struct lb_entry *e, const void *data, size_t len,
		      size_t cap, int max_depth, json_t **root, json_error_t *err);

#endif
