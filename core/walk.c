/* SPDX-License-Identifier: Apache-2.0 */
#include "walk.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <magic.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define READ_CHUNK (256 * 1024)
#define SNIFF_BYTES 4096

/* One walk's working state. */
struct walker {
	struct lb_layer *l;
	const struct lb_walk_opts *o;
	const char *name;            /* the blob, for messages */
	struct lb_dec *dec;
	unsigned char *buf;          /* decoded bytes handed to libarchive */
	EVP_MD_CTX *h256, *h1;
	magic_t magic;
	int magic_failed;
	char path[LB_MAX_PATH + 2];
	char link[LB_MAX_PATH + 2];
	/* per file */
	unsigned char head[SNIFF_BYTES];
	size_t headlen;
	uint32_t want;               /* detectors that want the file */
	uint32_t sniff;              /* detectors waiting for the sniff */
	size_t keep_max;
	struct lb_buf keep;
	int keep_over;
	uint32_t stream;             /* detectors streaming the file */
	int sha1_on;                 /* the file's SHA-1 is being computed */
	void *sctx[32];              /* their contexts */
	struct lb_buf summ;          /* their summaries, as records (lb_entry_summary) */
};

static la_ssize_t read_cb(struct archive *a, void *ctx, const void **out)
{
	struct walker *w = ctx;
	ssize_t r = lb_dec_read(w->dec, w->buf, READ_CHUNK);

	if (r < 0) {
		archive_set_error(a, EIO, "%s", lb_dec_error(w->dec));
		return -1;
	}
	*out = w->buf;
	if (w->o->progress)
		atomic_fetch_add(&w->o->progress->bytes, (uint_fast64_t)r);
	return r;
}

static enum lb_ftype map_type(mode_t t, int *ok)
{
	*ok = 1;
	switch (t) {
	case AE_IFREG: return LB_FT_FILE;
	case AE_IFDIR: return LB_FT_DIR;
	case AE_IFLNK: return LB_FT_SYMLINK;
	case AE_IFCHR: return LB_FT_CHAR;
	case AE_IFBLK: return LB_FT_BLOCK;
	case AE_IFIFO: return LB_FT_FIFO;
	default: *ok = 0; return LB_FT_FILE;
	}
}

static const char *sniff_magic(struct walker *w)
{
	const char *m;

	if (w->magic_failed)
		return "application/octet-stream";
	if (!w->magic) {
		w->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
				      MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ENCODING);
		if (!w->magic || magic_load(w->magic, NULL) != 0) {
			lb_log_warn(&w->l->log, "libmagic could not load its database: file types are not sniffed");
			w->magic_failed = 1;
			return "application/octet-stream";
		}
	}
	m = magic_buffer(w->magic, w->head, w->headlen);
	return m ? lb_arena_strdup(&w->l->arena, m) : "application/octet-stream";
}

static void put_u32le(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Starts the streams of the detectors in w->stream, once the file's type
 * is known (e->data is NULL: a stream sees the bytes through stream_data). */
static void start_streams(struct walker *w, const struct lb_entry *e)
{
	for (size_t i = 0; i < w->o->ndetectors; i++) {
		if (!(w->stream & (1u << i)))
			continue;
		if (!w->o->detectors[i]->stream_begin)
			BUG("detector '%s' streams without stream_begin", w->o->detectors[i]->name);
		w->sctx[i] = w->o->detectors[i]->stream_begin(e);
		if (!w->sctx[i])
			w->stream &= ~(1u << i);
	}
}

static void feed_streams(struct walker *w, const void *p, size_t n)
{
	for (size_t i = 0; i < w->o->ndetectors; i++)
		if (w->stream & (1u << i))
			w->o->detectors[i]->stream_data(w->sctx[i], p, n);
}

/* Ends the streams; their summaries go to w->summ as records.  Returns the
 * detectors that left one. */
static uint32_t end_streams(struct walker *w, const struct lb_entry *e)
{
	uint32_t got = 0;

	for (size_t i = 0; i < w->o->ndetectors; i++) {
		unsigned char *sum, hdr[5];
		size_t len = 0;

		if (!(w->stream & (1u << i)))
			continue;
		sum = w->o->detectors[i]->stream_end(w->sctx[i], &len);
		w->sctx[i] = NULL;
		if (!sum)
			continue;
		hdr[0] = (unsigned char)i;
		put_u32le(hdr + 1, (uint32_t)len);
		if (len > LB_STREAM_SUMMARY_MAX || lb_buf_add(&w->summ, hdr, 5) ||
		    lb_buf_add(&w->summ, sum, len))
			lb_log_warn(&w->l->log, "'%s': detector '%s' found more than %zu MiB to report, ignored",
				    e->path, w->o->detectors[i]->name, LB_STREAM_SUMMARY_MAX >> 20);
		else
			got |= 1u << i;
		free(sum);
	}
	w->stream = 0;
	return got;
}

/* Asks the detectors that wanted a sniff, now that the head is known. */
static void decide_sniff(struct walker *w, struct lb_entry *e)
{
	if (!w->sniff)
		return;
	e->magic = sniff_magic(w);
	/* the head is the detectors' to look at, for this call only */
	e->data = w->head;
	e->data_len = w->headlen;
	for (size_t i = 0; i < w->o->ndetectors; i++) {
		if (!(w->sniff & (1u << i)))
			continue;
		int r = w->o->detectors[i]->wants(e);

		if (r == LB_WANT_YES) {
			w->want |= 1u << i;
			if (w->o->detectors[i]->max_size > w->keep_max)
				w->keep_max = w->o->detectors[i]->max_size;
		} else if (r == LB_WANT_STREAM) {
			w->stream |= 1u << i;
		}
	}
	e->data = NULL;
	e->data_len = 0;
	w->sniff = 0;
	/* SHA-1 is only for files a detector reads (unless all were asked
	 * for): from the head on, now that it is known */
	if (!w->sha1_on && (w->want || w->stream)) {
		w->sha1_on = 1;
		EVP_DigestUpdate(w->h1, w->head, w->headlen);
	}
	if (w->stream) {
		start_streams(w, e);
		feed_streams(w, w->head, w->headlen);
	}
	if (w->want) {
		lb_buf_init(&w->keep, w->keep_max);
		if (lb_buf_add(&w->keep, w->head, w->headlen < w->keep_max ? w->headlen : w->keep_max) ||
		    w->headlen > w->keep_max)
			w->keep_over = 1;
	}
}

static void feed(struct walker *w, struct lb_entry *e, const void *p, size_t n)
{
	int sha1_was_on = w->sha1_on;

	EVP_DigestUpdate(w->h256, p, n);
	if (sha1_was_on)
		EVP_DigestUpdate(w->h1, p, n);
	if (w->sniff) {
		size_t take = SNIFF_BYTES - w->headlen;

		if (take > n)
			take = n;
		memcpy(w->head + w->headlen, p, take);
		w->headlen += take;
		if (w->headlen < SNIFF_BYTES)
			return;
		decide_sniff(w, e);   /* copies the head into keep, feeds it to streams */
		p = (const char *)p + take;
		n -= take;
		if (!sha1_was_on && w->sha1_on && n)
			EVP_DigestUpdate(w->h1, p, n);   /* the head went in at the decision */
	}
	if (w->stream && n)
		feed_streams(w, p, n);
	if (w->want && !w->keep_over && n) {
		size_t room = w->keep.max - w->keep.len;

		if (n > room) {
			w->keep_over = 1;
			n = room;
		}
		lb_buf_add(&w->keep, p, n);
	}
}

static void feed_zeros(struct walker *w, struct lb_entry *e, uint64_t n)
{
	static const unsigned char zeros[65536];

	while (n) {
		size_t k = n > sizeof(zeros) ? sizeof(zeros) : (size_t)n;

		feed(w, e, zeros, k);
		n -= k;
	}
}

/* Streams the entry's data through the hashes and into the kept buffer. */
static int read_data(struct walker *w, struct archive *a, struct lb_entry *e)
{
	const void *buf;
	size_t n;
	la_int64_t off;
	uint64_t pos = 0;
	unsigned char sha256[32], sha1[20];
	unsigned int len;
	int r;

	EVP_DigestInit_ex(w->h256, EVP_sha256(), NULL);
	EVP_DigestInit_ex(w->h1, EVP_sha1(), NULL);
	while ((r = archive_read_data_block(a, &buf, &n, &off)) == ARCHIVE_OK) {
		if (off < 0 || (uint64_t)off < pos)
			return -1;
		if ((uint64_t)off > pos) {          /* a hole in a sparse file */
			feed_zeros(w, e, (uint64_t)off - pos);
			pos = (uint64_t)off;
		}
		feed(w, e, buf, n);
		pos += n;
	}
	if (r != ARCHIVE_EOF)
		return -1;
	if (pos < e->size)
		feed_zeros(w, e, e->size - pos);
	else if (pos > e->size)
		e->size = pos;
	if (w->sniff)
		decide_sniff(w, e);
	EVP_DigestFinal_ex(w->h256, sha256, &len);
	EVP_DigestFinal_ex(w->h1, sha1, &len);
	lb_entry_set_digests(w->l, e, sha256, w->sha1_on ? sha1 : NULL);
	return 0;
}

/* Keeps what the detectors asked for: the file's bytes (up to the cap)
 * for those that read it whole, then the streaming detectors' summaries. */
static void keep_data(struct walker *w, struct lb_entry *e)
{
	struct lb_layer *l = w->l;
	uint32_t got = end_streams(w, e);
	size_t klen = w->want ? w->keep.len : 0;
	size_t slen = got ? 4 + w->summ.len : 0;
	unsigned char *p;

	e->detectors = w->want | got;
	if (!e->detectors)
		goto out;
	if (w->want && w->keep_over)
		e->flags |= LB_EF_TRUNCATED;
	if (klen + slen > w->o->max_retained - l->retained) {
		lb_log_warn(&l->log, "'%s': not analysed: more than %llu MiB of this layer was already held for detectors",
			    e->path, (unsigned long long)(w->o->max_retained >> 20));
		e->detectors = 0;
		goto out;
	}
	p = lb_arena_alloc(&l->arena, klen + slen ? klen + slen : 1);
	if (klen)
		memcpy(p, w->keep.p, klen);
	if (got) {
		put_u32le(p + klen, (uint32_t)w->summ.len);
		memcpy(p + klen + 4, w->summ.p, w->summ.len);
		e->flags |= LB_EF_STREAMED;
	}
	e->data = p;
	e->data_len = klen;
	l->retained += klen + slen;
out:
	lb_buf_release(&w->keep);
	lb_buf_release(&w->summ);
}

static struct lb_entry *add_entry(struct lb_layer *l, const struct lb_entry *e)
{
	int found;
	uint32_t *slot = lb_hashmap_put(&l->by_path, e->path, strlen(e->path),
					(uint32_t)l->nentries, &found);

	if (found) {
		/* A later entry with the same path replaces the earlier one, as
		 * extracting the tar in order would. */
		l->entries[*slot] = *e;
		return &l->entries[*slot];
	}
	lb_xgrow((void **)&l->entries, &l->cap, l->nentries + 1, sizeof(*l->entries));
	l->entries[l->nentries] = *e;
	return &l->entries[l->nentries++];
}

static void add_whiteout(struct lb_layer *l, const char *path, size_t len, int opaque)
{
	lb_xgrow((void **)&l->whiteouts, &l->wcap, l->nwhiteouts + 1, sizeof(*l->whiteouts));
	l->whiteouts[l->nwhiteouts].path = lb_arena_strndup(&l->arena, path, len);
	l->whiteouts[l->nwhiteouts].opaque = opaque;
	l->nwhiteouts++;
}

/* Escaped copy of a raw name for a message (names may hold any bytes). */
static char *printable(const char *s)
{
	struct lb_buf b;

	lb_buf_init(&b, 1024);
	if (lb_buf_add_escaped(&b, s, strlen(s) > 300 ? 300 : strlen(s)) < 0)
		lb_buf_addstr(&b, "...");
	return lb_buf_detach(&b, NULL);
}

static void warn_entry(struct walker *w, const char *raw, const char *what)
{
	char *p = printable(raw);

	lb_log_warn(&w->l->log, "%s: entry '%s': %s", w->name, p, what);
	free(p);
}

/* Handles one archive entry.  Returns 0, 1 when the layer already holds
 * LB_MAX_ENTRIES_PER_LAYER entries and whiteouts, or -1 when reading its
 * data failed (the archive is broken: the caller stops). */
static int take_entry(struct walker *w, struct archive *a, struct archive_entry *ae)
{
	struct lb_layer *l = w->l;
	const char *raw = archive_entry_pathname(ae);
	const char *hl = archive_entry_hardlink(ae);
	const char *base;
	struct lb_entry e;
	int plen, typeok;

	if (!raw)
		raw = archive_entry_pathname_utf8(ae);
	if (!raw) {
		lb_log_warn(&l->log, "%s: an entry without a name was skipped", w->name);
		return 0;
	}
	if (strlen(raw) > LB_MAX_PATH) {
		warn_entry(w, raw, "path longer than 4096 bytes, skipped");
		return 0;
	}
	plen = lb_path_normalize(raw, w->path, sizeof(w->path));
	if (plen < 0) {
		warn_entry(w, raw, "path leaves the root ('..'), skipped");
		return 0;
	}
	if (plen == 0)
		return 0;                           /* the root directory itself */
	/* every entry counts against the cap: hard links and whiteouts too */
	if (l->nentries + l->nwhiteouts >= LB_MAX_ENTRIES_PER_LAYER)
		return 1;
	base = strrchr(w->path, '/') + 1;
	if (strncmp(base, ".wh.", 4) == 0) {
		size_t dirlen = (size_t)(base - w->path - 1);

		if (strcmp(base, ".wh..wh..opq") == 0)
			add_whiteout(l, w->path, dirlen, 1);
		else if (strncmp(base, ".wh..wh.", 8) == 0)
			;                           /* other aufs metadata: not a file */
		else {
			char *hidden = lb_xasprintf("%.*s/%s", (int)dirlen, w->path, base + 4);

			add_whiteout(l, hidden, strlen(hidden), 0);
			free(hidden);
		}
		return 0;
	}

	memset(&e, 0, sizeof(e));
	e.layer = (uint16_t)l->index;
	e.mode = archive_entry_perm(ae) & 07777;
	e.type = (uint8_t)map_type(archive_entry_filetype(ae), &typeok);
	if (!typeok && !hl) {
		warn_entry(w, raw, "unknown file type, skipped");
		return 0;
	}
	e.size = archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0 ?
		 (uint64_t)archive_entry_size(ae) : 0;

	if (hl) {
		int tl = lb_path_normalize(hl, w->link, sizeof(w->link));

		if (tl <= 0) {
			warn_entry(w, raw, "hard link leaves the root, skipped");
			return 0;
		}
		e.type = LB_FT_FILE;
		e.flags |= LB_EF_HARDLINK;
		e.link_target = lb_arena_strndup(&l->arena, w->link, (size_t)tl);
	} else if (e.type == LB_FT_SYMLINK) {
		const char *t = archive_entry_symlink(ae);

		if (!t)
			t = archive_entry_symlink_utf8(ae);
		e.link_target = lb_arena_strdup(&l->arena, t ? t : "");
		e.size = strlen(e.link_target);
	}
	e.path = lb_arena_strndup(&l->arena, w->path, (size_t)plen);

	if (hl && e.size == 0) {
		/* The usual hard link: its content is the target's. */
		uint32_t *ti = lb_hashmap_get(&l->by_path, e.link_target, strlen(e.link_target));

		if (ti && l->entries[*ti].type == LB_FT_FILE) {
			const struct lb_entry *t = &l->entries[*ti];

			e.size = t->size;
			e.flags |= t->flags & (LB_EF_HASHED | LB_EF_SHA1 | LB_EF_TRUNCATED | LB_EF_STREAMED);
			e.sha256 = t->sha256;
			e.sha1 = t->sha1;
			e.data = t->data;
			e.data_len = t->data_len;
			e.detectors = t->detectors;
		}
		/* else: resolved against the lower layers by the squash */
		add_entry(l, &e);
		return 0;
	}

	w->want = w->sniff = w->stream = 0;
	w->keep_max = 0;
	w->keep_over = 0;
	w->headlen = 0;
	for (size_t i = 0; i < w->o->ndetectors; i++) {
		int r = w->o->detectors[i]->wants(&e);

		if (r == LB_WANT_YES) {
			w->want |= 1u << i;
			if (w->o->detectors[i]->max_size > w->keep_max)
				w->keep_max = w->o->detectors[i]->max_size;
		} else if (r == LB_WANT_SNIFF && e.type == LB_FT_FILE) {
			w->sniff |= 1u << i;
		} else if (r == LB_WANT_STREAM && e.type == LB_FT_FILE) {
			w->stream |= 1u << i;
		}
	}
	if (w->want && !w->sniff)
		lb_buf_init(&w->keep, w->keep_max);
	w->sha1_on = w->o->all_sha1 || ((w->want || w->stream) && !w->sniff);
	lb_buf_init(&w->summ, (size_t)w->o->ndetectors * (LB_STREAM_SUMMARY_MAX + 5));
	/* with a sniff pending, the streams start once every answer is in */
	if (w->stream && !w->sniff)
		start_streams(w, &e);

	if (e.type == LB_FT_FILE) {
		if (read_data(w, a, &e) < 0) {
			end_streams(w, &e);
			lb_buf_release(&w->keep);
			lb_buf_release(&w->summ);
			return -1;
		}
		keep_data(w, &e);
	} else {
		w->want = 0;
	}
	add_entry(l, &e);
	return 0;
}

static int walker_init(struct walker *w, struct lb_layer *l, const char *name,
		       const struct lb_walk_opts *o)
{
	memset(w, 0, sizeof(*w));
	w->l = l;
	w->o = o;
	w->name = name;
	if (o->ndetectors > 32)
		BUG("at most 32 detectors");
	for (size_t i = 0; i < o->ndetectors; i++)
		if (o->detectors[i]->stream_begin &&
		    (!o->detectors[i]->stream_data || !o->detectors[i]->stream_end))
			BUG("detector '%s': stream_begin without stream_data and stream_end",
			    o->detectors[i]->name);
	w->h256 = EVP_MD_CTX_new();
	w->h1 = EVP_MD_CTX_new();
	if (!w->h256 || !w->h1)
		BUG("cannot allocate digest contexts");
	return 0;
}

static void walker_release(struct walker *w)
{
	EVP_MD_CTX_free(w->h256);
	EVP_MD_CTX_free(w->h1);
	if (w->magic)
		magic_close(w->magic);
	free(w->buf);
	lb_buf_release(&w->keep);
	lb_buf_release(&w->summ);
}

static void set_digest(char **dst, const unsigned char d[32])
{
	char hex[65];

	lb_hex(hex, d, 32);
	free(*dst);
	*dst = lb_xasprintf("sha256:%s", hex);
}

int lb_layer_walk_tar(struct lb_layer *l, struct lb_src *src, const char *name,
		      const unsigned char *expect_digest, const unsigned char *expect_diff_id,
		      const struct lb_walk_opts *o)
{
	struct walker w;
	struct archive *a;
	struct archive_entry *ae;
	unsigned char dstored[32], ddecoded[32];
	int r, status = 0, too_many = 0, retries = 0;

	walker_init(&w, l, name, o);
	w.buf = lb_xmalloc(READ_CHUNK);
	w.dec = lb_dec_new(src, 1, 1);
	a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_format_empty(a);
	if (archive_read_open(a, &w, NULL, read_cb, NULL) != ARCHIVE_OK) {
		status = lb_log_error(&l->log, LB_ERR_INPUT, "cannot read layer '%s': %s", name,
				      archive_error_string(a) ? archive_error_string(a) : "not a tar archive");
		goto out;
	}
	ae = archive_entry_new();
	for (;;) {
		r = archive_read_next_header2(a, ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_RETRY && ++retries < 100)
			continue;
		if (r == ARCHIVE_WARN) {
			const char *m = archive_error_string(a);

			if (m && !strstr(m, "can't be converted"))
				lb_log_warn(&l->log, "%s: %s", name, m);
		} else if (r != ARCHIVE_OK) {
			status = LB_ERR_INPUT;
			break;
		}
		r = take_entry(&w, a, ae);
		if (r < 0) {
			status = LB_ERR_INPUT;
			break;
		}
		if (r > 0) {
			too_many = 1;
			break;
		}
	}
	archive_entry_free(ae);
	if (too_many) {
		status = lb_log_error(&l->log, LB_ERR_INPUT,
				      "cannot read layer '%s': more than %u entries (cap)", name,
				      LB_MAX_ENTRIES_PER_LAYER);
		goto out;
	}
	if (status) {
		const char *m = lb_dec_error(w.dec);

		if (strcmp(m, "no error") == 0)
			m = archive_error_string(a) ? archive_error_string(a) : "unreadable tar archive";
		lb_log_error(&l->log, LB_ERR_INPUT, "cannot read layer '%s': %s", name, m);
		goto out;
	}
	if (lb_dec_drain(w.dec) < 0) {
		status = lb_log_error(&l->log, LB_ERR_INPUT, "cannot read layer '%s': %s", name,
				      lb_dec_error(w.dec));
		goto out;
	}
	lb_dec_digests(w.dec, dstored, ddecoded);
	set_digest(&l->digest, dstored);
	set_digest(&l->diff_id, ddecoded);
	l->stored_size = lb_dec_stored_bytes(w.dec);
	l->size = lb_dec_decoded_bytes(w.dec);
	l->compression = lb_xstrdup(lb_compression_name(lb_dec_compression(w.dec)));
	if (expect_digest && memcmp(expect_digest, dstored, 32) != 0) {
		char want[65];

		lb_hex(want, expect_digest, 32);
		status = lb_log_error(&l->log, LB_ERR_INPUT,
				      "cannot read layer '%s': digest mismatch (expected sha256:%s, got %s)",
				      name, want, l->digest);
	} else if (expect_diff_id && memcmp(expect_diff_id, ddecoded, 32) != 0) {
		char want[65];

		lb_hex(want, expect_diff_id, 32);
		status = lb_log_error(&l->log, LB_ERR_INPUT,
				      "cannot read layer '%s': diff ID mismatch (config says sha256:%s, content is %s)",
				      name, want, l->diff_id);
	}
out:
	if (status)
		l->failed = 1;
	archive_read_free(a);
	lb_dec_free(w.dec);
	walker_release(&w);
	return status;
}

int lb_layer_walk_dir(struct lb_layer *l, const char *root, const struct lb_walk_opts *o)
{
	struct walker w;
	struct archive *a;
	struct archive_entry *ae;
	size_t rootlen = strlen(root);
	int r, status = 0;

	walker_init(&w, l, root, o);
	a = archive_read_disk_new();
	archive_read_disk_set_symlink_physical(a);
	archive_read_disk_set_behavior(a, ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL |
					  ARCHIVE_READDISK_NO_FFLAGS |
					  ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS |
					  ARCHIVE_READDISK_NO_SPARSE);
	if (archive_read_disk_open(a, root) != ARCHIVE_OK) {
		status = lb_log_error(&l->log, LB_ERR_INPUT, "cannot read '%s': %s", root,
				      archive_error_string(a));
		goto out;
	}
	ae = archive_entry_new();
	for (;;) {
		const char *p;

		r = archive_read_next_header2(a, ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_WARN) {
			lb_log_warn(&l->log, "%s: %s", root, archive_error_string(a));
			if (!archive_entry_pathname(ae))
				continue;
		} else if (r != ARCHIVE_OK) {
			status = lb_log_error(&l->log, LB_ERR_INPUT, "cannot read '%s': %s", root,
					      archive_error_string(a));
			break;
		}
		if (archive_entry_filetype(ae) == AE_IFDIR)
			archive_read_disk_descend(a);
		/* Names come back as ROOT/rel: make them relative to the root. */
		p = archive_entry_pathname(ae);
		if (p && strncmp(p, root, rootlen) == 0) {
			char *rel = lb_xstrdup(p + rootlen);

			archive_entry_copy_pathname(ae, rel);
			free(rel);
		}
		if (archive_entry_filetype(ae) != AE_IFREG)
			archive_entry_set_size(ae, 0);
		if (take_entry(&w, a, ae) < 0) {
			status = lb_log_error(&l->log, LB_ERR_INPUT, "cannot read '%s': %s", root,
					      archive_error_string(a) ? archive_error_string(a) : "read error");
			break;
		}
	}
	archive_entry_free(ae);
	l->compression = lb_xstrdup("none");
out:
	if (status)
		l->failed = 1;
	archive_read_free(a);
	walker_release(&w);
	return status;
}

void lb_layer_add_implicit_dirs(struct lb_layer *l)
{
	size_t n = l->nentries;

	for (size_t i = 0; i < n; i++) {
		char *p = lb_xstrdup(l->entries[i].path);
		char *slash;

		while ((slash = strrchr(p, '/')) && slash != p) {
			size_t len = (size_t)(slash - p);
			char *key;

			if (lb_hashmap_get(&l->by_path, p, len))
				break;
			key = lb_arena_strndup(&l->arena, p, len);
			lb_hashmap_put(&l->by_path, key, len, (uint32_t)l->nentries, NULL);
			lb_xgrow((void **)&l->entries, &l->cap, l->nentries + 1, sizeof(*l->entries));
			memset(&l->entries[l->nentries], 0, sizeof(*l->entries));
			l->entries[l->nentries].path = key;
			l->entries[l->nentries].type = LB_FT_DIR;
			l->entries[l->nentries].mode = 0755;
			l->entries[l->nentries].layer = (uint16_t)l->index;
			l->entries[l->nentries].flags = LB_EF_IMPLICIT;
			l->nentries++;
			*slash = '\0';
		}
		free(p);
	}
}
