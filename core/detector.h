/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The detector interface.
 *
 * A detector is one constant struct lb_detector exported as one symbol and
 * listed in detectors/all.c, cheap detectors first.  The walker asks every
 * detector whether it wants each entry; contents of wanted files are read
 * into memory (up to max_size bytes) while the layer streams by.  After all
 * layers are walked and squashed, scan() is called for each wanted entry,
 * bottom layer first and in archive order within a layer, then finish() once.
 * Detectors never see an output format: they add what they find to the
 * scan (lb_scan_*), and the emitters take it from there.
 */
#ifndef LB_DETECTOR_H
#define LB_DETECTOR_H

#include <stddef.h>

#include "layer.h"

struct lb_scan;

enum lb_want {
	LB_WANT_NO = 0,
	LB_WANT_YES = 1,
	LB_WANT_SNIFF = 2,   /* decide after libmagic saw the first bytes */
	LB_WANT_STREAM = 3,  /* read the whole file as it streams by, keep only a summary */
};

/* Bytes of summary a streaming detector may keep per file. */
#define LB_STREAM_SUMMARY_MAX ((size_t)8 << 20)

struct lb_detector {
	/* Short lowercase name, used in messages, evidence and the cache key. */
	const char *name;

	/* Bytes of a wanted file kept in memory; a larger file is cut there and
	 * flagged LB_EF_TRUNCATED.  MUST be set. */
	size_t max_size;

	/* MUST be cheap, pure and thread-safe: it is called from the walker
	 * threads for every entry, with path, type, mode and size set.  It
	 * returns an enum lb_want.  When it returned LB_WANT_SNIFF, it is called
	 * once more with e->magic set (libmagic's MIME type of the first
	 * 4 KiB) and e->data / e->data_len holding those first bytes (for that
	 * call only), and then MUST answer YES or NO.  Everything wanted is
	 * kept in memory until the detectors ran: a detector that wants large
	 * files (executables) MUST look at the head to want only those it can
	 * read something from. */
	int (*wants)(const struct lb_entry *e);

	/* MAY be NULL.  Returns the state handed to scan() and finish(). */
	void *(*state_new)(void);
	/* MAY be NULL.  MUST accept what state_new() returned. */
	void (*state_free)(void *state);

	/* Called in the main thread for each entry wanted in each layer.
	 * lb_scan_visible() says whether the entry is in the final view.
	 * data/len is the retained content (len may be < e->size when the
	 * entry is truncated).  Bad content is a warning on the scan
	 * (lb_scan_warn), never a failure: return 0.  A negative return is
	 * for internal errors only and stops the scan. */
	int (*scan)(struct lb_scan *s, void *state, const struct lb_entry *e,
		    const void *data, size_t len);

	/* MAY be NULL.  Called once after every scan() call. */
	int (*finish)(struct lb_scan *s, void *state);

	/*
	 * Streaming, for files too large to keep (executables): MUST be set
	 * when wants() may answer LB_WANT_STREAM, else NULL.  The walker thread
	 * calls stream_begin() with the entry (path, mode, size, magic set),
	 * then stream_data() with the file's bytes in order, from offset 0, in
	 * chunks of any size, then stream_end(), which frees ctx and returns a
	 * summary in malloc()ed memory (*len bytes, at most
	 * LB_STREAM_SUMMARY_MAX) or NULL when the file holds nothing for the
	 * detector.  All three MUST be thread-safe and MUST NOT fail: a
	 * detector that gives up on a file returns NULL from stream_end().
	 * scan() then receives the summary as data/len, never the file (and is
	 * not called for a file whose stream left no summary).  A file another
	 * detector keeps is streamed all the same: each detector gets what it
	 * asked for (layer.h, LB_EF_STREAMED).
	 */
	void *(*stream_begin)(const struct lb_entry *e);
	void (*stream_data)(void *ctx, const void *p, size_t n);
	unsigned char *(*stream_end)(void *ctx, size_t *len);
};

/* detectors/all.c */
extern const struct lb_detector *const lb_detectors[];
extern const size_t lb_ndetectors;

#endif
