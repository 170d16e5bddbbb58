/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of detectors/rpmdb.c.
 *
 *   test_rpmdb DATADIR      DATADIR is tests/data/rpm (see its README.md)
 *
 * Real databases against the answers rpm gave, databases built by
 * tests/data/rpm/make-dbs.sh against theirs, headers built here, and
 * hostile inputs (truncations, bit flips, loops, bombs) that must give an
 * error or a skip, never a crash: run it under ASan/UBSan.
 */
#include "rpmdb.h"
#include "tap.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static const char *datadir;

/* ---- helpers ---- */

/* Reads DATADIR/name, gunzipping it when it is gzip (gzread passes other
 * files through). Returns NULL when it cannot. */
static unsigned char *load(const char *name, size_t *len)
{
	char *path = lb_xasprintf("%s/%s", datadir, name);
	gzFile f = gzopen(path, "rb");
	unsigned char *p = NULL;
	size_t cap = 0, n = 0;
	int got;

	free(path);
	if (!f)
		return NULL;
	do {
		lb_xgrow((void **)&p, &cap, n + 65536, 1);
		got = gzread(f, p + n, 65536);
		if (got > 0)
			n += (size_t)got;
	} while (got > 0 && n < (64u << 20));
	gzclose(f);
	if (got < 0) {
		free(p);
		return NULL;
	}
	*len = n;
	return p;
}

/* Lines of a text file, without their newlines. */
struct lines {
	char **v;
	size_t n, cap;
};

static void lines_add(struct lines *l, char *s)
{
	lb_xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(char *));
	l->v[l->n++] = s;
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_sort(struct lines *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(char *), cmp_str);
}

static int lines_load(struct lines *l, const char *name)
{
	size_t len, start = 0;
	unsigned char *p = load(name, &len);

	if (!p)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (p[i] != '\n')
			continue;
		lines_add(l, lb_xstrndup((char *)p + start, i - start));
		start = i + 1;
	}
	free(p);
	lines_sort(l);
	return 0;
}

/* What the callback collects: a psv line per package, as rpm's --qf in
 * make-dbs.sh prints it, and "name\tpath" per file. */
struct collect {
	struct lines pkgs, files;
	size_t pubkeys;
	int stop_after;         /* stop with 7 after that many, when > 0 */
};

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int collect_cb(void *ctx, const struct lb_rpm_pkg *p)
{
	struct collect *c = ctx;
	char epoch[16] = "";

	if (p->has_epoch)
		snprintf(epoch, sizeof(epoch), "%u", p->epoch);
	lines_add(&c->pkgs, lb_xasprintf("%s\xc2\xb6%s\xc2\xb6%s\xc2\xb6%s\xc2\xb6%s\xc2\xb6%s"
					 "\xc2\xb6%llu\xc2\xb6%s\xc2\xb6%s\xc2\xb6%s\xc2\xb6%s",
					 epoch, p->name, nz(p->version), nz(p->release),
					 nz(p->arch), nz(p->sourcerpm),
					 (unsigned long long)p->size, nz(p->license),
					 nz(p->vendor), nz(p->summary), p->sigmd5));
	for (size_t i = 0; i < p->nfiles; i++)
		lines_add(&c->files, lb_xasprintf("%s\t%s", p->name, p->files[i]));
	c->pubkeys += p->is_pubkey;
	if (c->stop_after > 0 && c->pkgs.n >= (size_t)c->stop_after)
		return 7;
	return 0;
}

static void collect_free(struct collect *c)
{
	lines_free(&c->pkgs);
	lines_free(&c->files);
}

/* Compares two sorted line lists: the count, then each line. */
static void same_lines(struct lines *got, struct lines *want, const char *what)
{
	lines_sort(got);
	ok(got->n == want->n, "%s: %zu lines, want %zu", what, got->n, want->n);
	for (size_t i = 0; i < got->n && i < want->n; i++) {
		if (strcmp(got->v[i], want->v[i]) != 0) {
			is_str(got->v[i], want->v[i], what);
			return;
		}
	}
	ok(1, "%s: every line matches", what);
}

static int read_db(enum lb_rpmdb_kind kind, const void *d, size_t len, struct collect *c,
		   struct lb_rpmdb_stats *st, char *err, size_t errlen)
{
	return lb_rpmdb_read(kind, d, len, collect_cb, c, st, err, errlen);
}

/* ---- 1. real databases ---- */

static void test_sle_ndb(void)
{
	size_t len;
	unsigned char *d = load("fixtures/sle15-bci-ndb/Packages.db.gz", &len);
	struct collect c = { 0 };
	struct lines want = { 0 };
	struct lb_rpmdb_stats st;
	enum lb_rpmdb_kind kind;
	char err[256];
	int rc;

	if (!ok(d != NULL, "load sle15 ndb") ||
	    !ok(lines_load(&want, "fixtures/sle15-bci-ndb/expected-rpm-qa.psv") == 0,
		"load sle15 expected psv"))
		return;
	ok(lb_rpmdb_detect(d, len, &kind) == 0 && kind == LB_RPMDB_NDB, "sle15: detected as ndb");
	rc = read_db(LB_RPMDB_NDB, d, len, &c, &st, err, sizeof(err));
	ok(rc == 0, "sle15 ndb reads (%s)", err);
	ok(st.npackages == 36 && st.nskipped == 0, "sle15: 36 packages, none skipped (%zu, %zu)",
	   st.npackages, st.nskipped);
	same_lines(&c.pkgs, &want, "sle15 ndb vs rpm -qa");
	collect_free(&c);
	lines_free(&want);
	free(d);
}

static void test_single_bdb(const char *name, const char *want_line,
			    const char *const *files, size_t nfiles)
{
	size_t len;
	unsigned char *d = load(name, &len);
	struct collect c = { 0 };
	struct lines want = { 0 }, wantf = { 0 };
	struct lb_rpmdb_stats st;
	enum lb_rpmdb_kind kind;
	char err[256];

	if (!ok(d != NULL, "load %s", name))
		return;
	ok(lb_rpmdb_detect(d, len, &kind) == 0 && kind == LB_RPMDB_BDB, "%s: detected as bdb", name);
	ok(read_db(LB_RPMDB_BDB, d, len, &c, &st, err, sizeof(err)) == 0, "%s reads (%s)", name, err);
	ok(st.npackages == 1 && st.nskipped == 0, "%s: one package", name);
	lines_add(&want, lb_xstrdup(want_line));
	same_lines(&c.pkgs, &want, name);
	for (size_t i = 0; i < nfiles; i++)
		lines_add(&wantf, lb_xasprintf("%s", files[i]));
	lines_sort(&wantf);
	same_lines(&c.files, &wantf, name);
	collect_free(&c);
	lines_free(&want);
	lines_free(&wantf);
	free(d);
}

static void test_real(void)
{
	static const char *const uuid_files[] = {
		"libuuid\t/usr/lib/.build-id",
		"libuuid\t/usr/lib/.build-id/df/ef6a880adac817216ab9866779a0725e017647",
		"libuuid\t/usr/lib64/libuuid.so.1",
		"libuuid\t/usr/lib64/libuuid.so.1.3.0",
		"libuuid\t/usr/share/licenses/libuuid",
		"libuuid\t/usr/share/licenses/libuuid/COPYING",
		"libuuid\t/usr/share/licenses/libuuid/COPYING.BSD-3",
	};
	static const char *const dive_files[] = { "dive\t/usr/local/bin/dive" };

	test_sle_ndb();
	test_single_bdb("fixtures/libuuid-bdb/Packages.gz",
			"\xc2\xb6libuuid\xc2\xb6" "2.32.1\xc2\xb6" "42.el8_8\xc2\xb6x86_64\xc2\xb6"
			"util-linux-2.32.1-42.el8_8.src.rpm\xc2\xb6" "35104\xc2\xb6" "BSD\xc2\xb6"
			"Red Hat, Inc.\xc2\xb6Universally unique ID library\xc2\xb6"
			"c1e561f13d39aee443a1f00258fba000",
			uuid_files, LB_ARRAY_SIZE(uuid_files));
	test_single_bdb("fixtures/dive-bdb/Packages",
			"\xc2\xb6" "dive\xc2\xb6" "0.9.2\xc2\xb6" "1\xc2\xb6x86_64\xc2\xb6"
			"dive-0.9.2-1.src.rpm\xc2\xb6" "12406784\xc2\xb6MIT\xc2\xb6\xc2\xb6"
			"no description given\xc2\xb6",
			dive_files, LB_ARRAY_SIZE(dive_files));
}

/* ---- 2. databases built by make-dbs.sh ---- */

static void test_built_one(const char *name, enum lb_rpmdb_kind want_kind,
			   struct lines *want, struct lines *wantf)
{
	size_t len;
	unsigned char *d = load(name, &len);
	struct collect c = { 0 };
	struct lb_rpmdb_stats st;
	enum lb_rpmdb_kind kind;
	char err[256];

	if (!ok(d != NULL, "load %s", name))
		return;
	ok(lb_rpmdb_detect(d, len, &kind) == 0 && kind == want_kind, "%s: kind detected", name);
	if (want_kind == LB_RPMDB_SQLITE)
		ok(len > 100 && d[18] == 2 && d[19] == 2, "%s: in WAL mode, as rpm leaves it", name);
	ok(read_db(want_kind, d, len, &c, &st, err, sizeof(err)) == 0, "%s reads (%s)", name, err);
	ok(st.nskipped == 0, "%s: nothing skipped (%s)", name, st.first_skip);
	same_lines(&c.pkgs, want, name);
	same_lines(&c.files, wantf, name);
	ok(c.pubkeys == 1, "%s: the gpg-pubkey is flagged", name);
	collect_free(&c);

	/* A callback that stops the read: its value comes back. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	ok(read_db(want_kind, d, len, &c, &st, err, sizeof(err)) == 7 && st.npackages == 1,
	   "%s: the callback stops the read with its value", name);
	collect_free(&c);
	free(d);
}

static void test_built(void)
{
	struct lines want = { 0 }, wantf = { 0 };

	if (!ok(lines_load(&want, "built/expected-rpm-qa.psv") == 0 &&
		lines_load(&wantf, "built/expected-files.tsv") == 0, "load built expectations"))
		return;
	ok(want.n == 5 && wantf.n > 240, "built: 5 packages, %zu files", wantf.n);
	test_built_one("built/rpmdb.sqlite.gz", LB_RPMDB_SQLITE, &want, &wantf);
	test_built_one("built/Packages-bdb-le4096", LB_RPMDB_BDB, &want, &wantf);
	test_built_one("built/Packages-bdb-be512", LB_RPMDB_BDB, &want, &wantf);
	test_built_one("built/Packages-bdb-le16384", LB_RPMDB_BDB, &want, &wantf);
	test_built_one("built/Packages-bdb-le4096-chksum.gz", LB_RPMDB_BDB, &want, &wantf);
	lines_free(&want);
	lines_free(&wantf);
}

/* ---- 3. headers built here ---- */

enum { T_INT32 = 4, T_INT64 = 5, T_STRING = 6, T_BIN = 7, T_STRARR = 8, T_I18N = 9 };

struct hb {
	uint32_t e[64][4];      /* tag, type, offset, count */
	size_t n;
	struct lb_buf data;
};

static void hb_init(struct hb *h)
{
	h->n = 0;
	lb_buf_init(&h->data, 1u << 26);
}

static void hb_entry(struct hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	if (h->n >= LB_ARRAY_SIZE(h->e))
		BUG("too many entries");
	h->e[h->n][0] = tag;
	h->e[h->n][1] = type;
	h->e[h->n][2] = off;
	h->e[h->n][3] = count;
	h->n++;
}

static void hb_add(struct hb *h, uint32_t tag, uint32_t type, uint32_t count,
		   const void *p, size_t n, size_t align)
{
	static const char zeros[8];

	while (h->data.len % align)
		lb_buf_add(&h->data, zeros, 1);
	hb_entry(h, tag, type, (uint32_t)h->data.len, count);
	if (lb_buf_add(&h->data, p, n))
		BUG("test header too big");
}

static void hb_str(struct hb *h, uint32_t tag, const char *s)
{
	hb_add(h, tag, T_STRING, 1, s, strlen(s) + 1, 1);
}

static void hb_strs(struct hb *h, uint32_t tag, const char *const *v, size_t n)
{
	struct lb_buf b;

	lb_buf_init(&b, 1u << 26);
	for (size_t i = 0; i < n; i++)
		lb_buf_add(&b, v[i], strlen(v[i]) + 1);
	hb_add(h, tag, T_STRARR, (uint32_t)n, b.p, b.len, 1);
	lb_buf_release(&b);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void hb_i32s(struct hb *h, uint32_t tag, const uint32_t *v, size_t n)
{
	unsigned char *b = lb_xmalloc(4 * n + 1);

	for (size_t i = 0; i < n; i++)
		put_be32(b + 4 * i, v[i]);
	hb_add(h, tag, T_INT32, (uint32_t)n, b, 4 * n, 4);
	free(b);
}

/* The blob (free() it), exactly as long as it claims. */
static unsigned char *hb_finish(struct hb *h, size_t *len)
{
	size_t n = 8 + 16 * h->n + h->data.len;
	unsigned char *b = lb_xmalloc(n);

	put_be32(b, (uint32_t)h->n);
	put_be32(b + 4, (uint32_t)h->data.len);
	for (size_t i = 0; i < h->n; i++)
		for (int k = 0; k < 4; k++)
			put_be32(b + 8 + 16 * i + 4 * (size_t)k, h->e[i][k]);
	if (h->data.len)
		memcpy(b + 8 + 16 * h->n, h->data.p, h->data.len);
	lb_buf_release(&h->data);
	*len = n;
	return b;
}

/* Parses the blob and expects a failure; frees the blob. */
static void parse_fails(unsigned char *b, size_t len, const char *what)
{
	struct lb_rpm_pkg p;
	char err[128] = "";
	int rc = lb_rpm_header_parse(b, len, &p, err, sizeof(err));

	ok(rc == LB_ERR_INPUT && err[0] && !p.name && !p.files, "%s: refused (%s)", what, err);
	lb_rpm_pkg_release(&p);
	free(b);
}

static void test_headers(void)
{
	static const char *const dirs[] = { "/usr/bin/", "/etc/" };
	static const char *const bases[] = { "tool", "tool.conf", "other" };
	static const uint32_t di[] = { 0, 1, 0 };
	static const char *const old[] = { "/bin/a", "/bin/b" };
	struct lb_rpm_pkg p;
	struct hb h;
	size_t len;
	unsigned char *b;
	char err[128];
	uint32_t v;

	/* NAME only: the rest is absent, not empty. */
	hb_init(&h);
	hb_str(&h, 1000, "only-a-name");
	b = hb_finish(&h, &len);
	ok(lb_rpm_header_parse(b, len, &p, err, sizeof(err)) == 0, "name-only header parses");
	is_str(p.name, "only-a-name", "name-only: name");
	ok(!p.version && !p.arch && !p.license && !p.has_epoch && p.size == 0 &&
	   p.nfiles == 0 && p.sigmd5[0] == '\0' && !p.is_pubkey, "name-only: nothing else");
	lb_rpm_pkg_release(&p);
	lb_rpm_pkg_release(&p);
	lb_rpm_pkg_release(NULL);
	free(b);

	/* Compressed file names, an i18n summary, epoch, a later (dribble)
	 * entry replacing an earlier one, LONGSIZE over SIZE. */
	hb_init(&h);
	hb_str(&h, 1000, "old-name");
	hb_str(&h, 1001, "1.2");
	hb_str(&h, 1002, "3");
	{
		static const char *const i18n[] = { "C summary", "résumé" };

		hb_strs(&h, 1004, i18n, 2);
		h.e[h.n - 1][1] = T_I18N;
	}
	v = 2;
	hb_i32s(&h, 1003, &v, 1);
	v = 1234;
	hb_i32s(&h, 1009, &v, 1);
	{
		static const unsigned char big[8] = { 0, 0, 0, 1, 0, 0, 0, 2 };

		hb_add(&h, 5009, T_INT64, 1, big, 8, 8);
	}
	hb_strs(&h, 1118, dirs, 2);
	hb_strs(&h, 1117, bases, 3);
	hb_i32s(&h, 1116, di, 3);
	hb_str(&h, 1000, "gpg-pubkey");
	b = hb_finish(&h, &len);
	ok(lb_rpm_header_parse(b, len, &p, err, sizeof(err)) == 0, "full header parses (%s)", err);
	is_str(p.name, "gpg-pubkey", "the later NAME entry wins");
	ok(p.is_pubkey, "gpg-pubkey flagged");
	is_str(p.summary, "C summary", "i18n string: the C locale");
	ok(p.has_epoch && p.epoch == 2, "epoch 2");
	ok(p.size == ((uint64_t)1 << 32 | 2), "LONGSIZE wins over SIZE");
	ok(p.nfiles == 3, "3 files");
	if (p.nfiles == 3) {
		is_str(p.files[0], "/usr/bin/tool", "file 0");
		is_str(p.files[1], "/etc/tool.conf", "file 1");
		is_str(p.files[2], "/usr/bin/other", "file 2");
	}
	lb_rpm_pkg_release(&p);
	free(b);

	/* Old-style OLDFILENAMES. */
	hb_init(&h);
	hb_str(&h, 1000, "old");
	hb_strs(&h, 1027, old, 2);
	b = hb_finish(&h, &len);
	ok(lb_rpm_header_parse(b, len, &p, err, sizeof(err)) == 0 && p.nfiles == 2 &&
	   strcmp(p.files[1], "/bin/b") == 0, "OLDFILENAMES give the file list");
	lb_rpm_pkg_release(&p);
	free(b);

	/* ---- hostile headers ---- */
	parse_fails(lb_xcalloc(1, 4), 4, "4-byte header");
	hb_init(&h);
	hb_str(&h, 1000, "x");
	b = hb_finish(&h, &len);
	put_be32(b, 0x80000000u);
	parse_fails(b, len, "index count of 2^31");
	hb_init(&h);
	hb_str(&h, 1000, "x");
	b = hb_finish(&h, &len);
	put_be32(b, 0xffffffffu);
	parse_fails(b, len, "index count of 2^32-1");
	hb_init(&h);
	hb_str(&h, 1000, "x");
	b = hb_finish(&h, &len);
	put_be32(b + 4, 0x7fffffffu);
	parse_fails(b, len, "data length of 2^31");
	hb_init(&h);
	hb_str(&h, 1000, "x");
	b = hb_finish(&h, &len);
	parse_fails(b, len - 1, "blob shorter than it claims");

	hb_init(&h);
	hb_str(&h, 1000, "name");
	b = hb_finish(&h, &len);
	put_be32(b + 8 + 8, 0x7ffffff0u);
	parse_fails(b, len, "name offset past the end");

	hb_init(&h);
	hb_str(&h, 1000, "name");
	b = hb_finish(&h, &len);
	put_be32(b + 8 + 8, 0xfffffff0u);
	parse_fails(b, len, "negative name offset");

	hb_init(&h);
	hb_add(&h, 1000, T_STRING, 1, "unterminated", 12, 1);
	b = hb_finish(&h, &len);
	parse_fails(b, len, "name without its NUL");

	hb_init(&h);
	v = 5;
	hb_i32s(&h, 1000, &v, 1);
	b = hb_finish(&h, &len);
	parse_fails(b, len, "name of type int32");

	hb_init(&h);
	hb_str(&h, 1001, "1.0");
	b = hb_finish(&h, &len);
	parse_fails(b, len, "no name");

	hb_init(&h);
	hb_str(&h, 1000, "n");
	v = 1;
	hb_i32s(&h, 1003, &v, 1);
	h.e[h.n - 1][3] = 0x40000001u;          /* count * 4 wraps in 32 bits */
	b = hb_finish(&h, &len);
	parse_fails(b, len, "epoch count whose size wraps");

	hb_init(&h);
	hb_str(&h, 1000, "n");
	hb_strs(&h, 1118, dirs, 2);
	hb_strs(&h, 1117, bases, 3);
	h.e[h.n - 1][3] = 0x7fffffffu;
	hb_i32s(&h, 1116, di, 3);
	b = hb_finish(&h, &len);
	parse_fails(b, len, "basenames count of 2^31");

	hb_init(&h);
	hb_str(&h, 1000, "n");
	hb_strs(&h, 1118, dirs, 2);
	{
		static const uint32_t di4[] = { 0, 0, 0, 0 };

		hb_i32s(&h, 1116, di4, 4);
	}
	hb_strs(&h, 1117, bases, 3);            /* last in the data store */
	h.e[h.n - 1][3] = 4;                    /* one string more than stored */
	b = hb_finish(&h, &len);
	parse_fails(b, len, "string array running past the data");

	hb_init(&h);
	hb_str(&h, 1000, "n");
	hb_strs(&h, 1117, bases, 3);
	hb_i32s(&h, 1116, di, 3);
	hb_strs(&h, 1118, dirs, 2);             /* last in the data store */
	h.e[h.n - 1][3] = 3;
	b = hb_finish(&h, &len);
	parse_fails(b, len, "dirnames running past the data");

	hb_init(&h);
	hb_str(&h, 1000, "n");
	hb_strs(&h, 1118, dirs, 2);
	hb_strs(&h, 1117, bases, 3);
	{
		static const uint32_t bad[] = { 0, 2, 0 };

		hb_i32s(&h, 1116, bad, 3);
	}
	b = hb_finish(&h, &len);
	parse_fails(b, len, "dirindex out of range");

	hb_init(&h);
	hb_str(&h, 1000, "n");
	hb_strs(&h, 1118, dirs, 2);
	hb_strs(&h, 1117, bases, 3);
	hb_i32s(&h, 1116, di, 2);
	b = hb_finish(&h, &len);
	parse_fails(b, len, "fewer dirindexes than basenames");

	hb_init(&h);
	hb_str(&h, 1000, "n");
	hb_strs(&h, 1117, bases, 3);
	b = hb_finish(&h, &len);
	parse_fails(b, len, "basenames without dirnames");

	/* A path bomb: 2,000 files in one 40,000-byte directory would be
	 * 80 MB of paths from a 50 KB header. */
	{
		enum { NB = 2000, DL = 40000 };
		char *dir = lb_xmalloc(DL + 1);
		const char **bv = lb_xmalloc(NB * sizeof(*bv));
		uint32_t *iv = lb_xcalloc(NB, sizeof(*iv));
		const char *dv[1];

		memset(dir, 'a', DL);
		dir[0] = '/';
		dir[DL - 1] = '/';
		dir[DL] = '\0';
		dv[0] = dir;
		for (size_t i = 0; i < NB; i++)
			bv[i] = "x";
		hb_init(&h);
		hb_str(&h, 1000, "bomb");
		hb_strs(&h, 1118, dv, 1);
		hb_strs(&h, 1117, bv, NB);
		hb_i32s(&h, 1116, iv, NB);
		b = hb_finish(&h, &len);
		parse_fails(b, len, "path bomb over LB_RPM_MAX_PATH_BYTES");
		free(dir);
		free(bv);
		free(iv);
	}
}

/* ---- 4. hostile databases ---- */

/* Reads a private copy of exactly len bytes (so that ASan sees any read
 * past it) and checks the outcome is a success or LB_ERR_INPUT. */
static int hostile(enum lb_rpmdb_kind kind, const unsigned char *d, size_t len,
		   struct lb_rpmdb_stats *st)
{
	unsigned char *copy = lb_xmalloc(len ? len : 1);
	struct lb_rpmdb_stats local;
	char err[256];
	int rc;

	if (len)
		memcpy(copy, d, len);
	rc = lb_rpmdb_read(kind, copy, len, NULL, NULL, st ? st : &local, err, sizeof(err));
	free(copy);
	if (rc != 0 && rc != LB_ERR_INPUT)
		return -1;
	if (rc && (!err[0] || strchr(err, '\n')))
		return -1;      /* an error always says why, on one line */
	return rc;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
	/* xorshift64: deterministic, so a failure can be replayed. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void mutate_db(const char *name, enum lb_rpmdb_kind kind, size_t flips)
{
	size_t len, bad = 0, errors = 0, n = 0;
	unsigned char *d = load(name, &len);
	unsigned char *m;
	double t0 = now();

	if (!ok(d != NULL, "load %s", name))
		return;
	for (size_t l = 0; l < len; l += 512, n++) {
		int rc = hostile(kind, d, l, NULL);

		bad += rc == -1;
		errors += rc != 0;
	}
	ok(bad == 0, "%s: %zu truncations (every 512 bytes): %zu errors, no crash", name, n,
	   errors);
	m = lb_xmalloc(len);
	bad = 0;
	errors = 0;
	for (size_t i = 0; i < flips; i++) {
		size_t at;

		memcpy(m, d, len);
		/* Half the flips land in the first 4 KiB, where the structure is. */
		at = (i & 1) ? rng() % len : rng() % (len < 4096 ? len : 4096);
		m[at] ^= (unsigned char)(1u << (rng() % 8));
		if (i % 4 == 3) {
			at = rng() % len;
			m[at] ^= (unsigned char)rng();
		}
		bad += hostile(kind, m, len, NULL) == -1;
	}
	ok(bad == 0, "%s: %zu bit flips, no crash", name, flips);
	printf("# %s: %.2f s\n", name, now() - t0);
	free(m);
	free(d);
}

/* Page helpers for the Berkeley DB surgery (little-endian file). */
static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void test_bdb_hostile(void)
{
	size_t len, ps = 4096;
	unsigned char *d = load("built/Packages-bdb-le4096", &len);
	unsigned char *m;
	struct lb_rpmdb_stats st;
	uint32_t npages, loop_pg = 0, first_ov = 0;
	unsigned char *off1 = NULL, *off2 = NULL;
	int rc;

	if (!ok(d != NULL && len % ps == 0, "load le4096"))
		return;
	npages = (uint32_t)(len / ps);
	m = lb_xmalloc(len);

	/* An overflow page that points back at itself. */
	for (uint32_t pg = 1; pg < npages; pg++) {
		unsigned char *p = d + pg * ps;

		if (p[25] == 7 && le32(p + 16) != 0 && !loop_pg)
			loop_pg = pg;
	}
	memcpy(m, d, len);
	if (loop_pg)
		put_le32(m + loop_pg * ps + 16, loop_pg);
	rc = hostile(LB_RPMDB_BDB, m, len, &st);
	ok(loop_pg && rc == 0 && st.nskipped == 1 && st.npackages == 4,
	   "bdb overflow chain looping on page %u: one header skipped (%s)", loop_pg,
	   st.first_skip);

	/* Two off-page items sharing one chain, and one claiming 4 GiB. */
	for (uint32_t pg = 1; pg < npages && !off2; pg++) {
		unsigned char *p = d + pg * ps;
		unsigned n = p[20] | p[21] << 8;

		if (p[25] != 13)
			continue;
		for (unsigned i = 1; i < n; i += 2) {
			unsigned char *item = p + (p[26 + 2 * i] | p[27 + 2 * i] << 8);

			if (item[0] != 3)
				continue;
			if (!off1)
				off1 = item;
			else if (!off2)
				off2 = item;
		}
	}
	ok(off1 && off2, "le4096 has off-page items");
	if (off1 && off2) {
		memcpy(m, d, len);
		memcpy(m + (off2 - d) + 4, off1 + 4, 8);
		rc = hostile(LB_RPMDB_BDB, m, len, &st);
		ok(rc == 0 && st.nskipped == 1 && st.npackages == 4,
		   "bdb: two items sharing an overflow chain: one skipped (%s)", st.first_skip);
		first_ov = le32(off1 + 4);
		memcpy(m, d, len);
		put_le32(m + (off1 - d) + 8, 0xffffffffu);
		rc = hostile(LB_RPMDB_BDB, m, len, &st);
		ok(rc == 0 && st.nskipped == 1 && st.npackages == 4,
		   "bdb: off-page item of 4 GiB: skipped (%s)", st.first_skip);
		memcpy(m, d, len);
		put_le32(m + (off1 - d) + 4, 0x7fffffffu);
		rc = hostile(LB_RPMDB_BDB, m, len, &st);
		ok(rc == 0 && st.nskipped == 1,
		   "bdb: off-page item pointing past the last page: skipped (%s)", st.first_skip);
		(void)first_ov;
	}

	/* The metadata page. */
	memcpy(m, d, len);
	put_le32(m + 32, 0x00ffffffu);
	ok(hostile(LB_RPMDB_BDB, m, len, NULL) == LB_ERR_INPUT, "bdb: last page past the file");
	memcpy(m, d, len);
	put_le32(m + 20, 4097);
	ok(hostile(LB_RPMDB_BDB, m, len, NULL) == LB_ERR_INPUT, "bdb: page size 4097");
	memcpy(m, d, len);
	put_le32(m + 20, 1u << 20);
	ok(hostile(LB_RPMDB_BDB, m, len, NULL) == LB_ERR_INPUT, "bdb: page size 1 MiB");
	memcpy(m, d, len);
	m[12] ^= 0xff;
	ok(hostile(LB_RPMDB_BDB, m, len, NULL) == LB_ERR_INPUT, "bdb: bad magic");
	memcpy(m, d, len);
	m[24] = 1;
	ok(hostile(LB_RPMDB_BDB, m, len, NULL) == LB_ERR_INPUT, "bdb: encrypted");

	/* A hash page whose entry count does not fit, and one whose offsets
	 * do not decrease. */
	for (uint32_t pg = 1; pg < npages; pg++) {
		if (d[pg * ps + 25] != 13)
			continue;
		memcpy(m, d, len);
		m[pg * ps + 20] = 0xff;
		m[pg * ps + 21] = 0xff;
		rc = hostile(LB_RPMDB_BDB, m, len, &st);
		ok(rc == 0 && st.nskipped >= 1, "bdb page %u: 65535 entries: skipped", pg);
		memcpy(m, d, len);
		m[pg * ps + 26] = 0x20;
		m[pg * ps + 27] = 0x00;
		rc = hostile(LB_RPMDB_BDB, m, len, &st);
		ok(rc == 0, "bdb page %u: item inside the index: no crash (%zu skipped)", pg,
		   st.nskipped);
		break;
	}
	ok(hostile(LB_RPMDB_BDB, d, 100, NULL) == LB_ERR_INPUT, "bdb: 100 bytes");
	ok(hostile(LB_RPMDB_BDB, NULL, 0, NULL) == LB_ERR_INPUT, "bdb: nothing");
	free(m);
	free(d);
}

static void test_ndb_hostile(void)
{
	size_t len;
	unsigned char *d = load("fixtures/sle15-bci-ndb/Packages.db.gz", &len);
	unsigned char *m;
	struct lb_rpmdb_stats st;
	int rc;

	if (!ok(d != NULL, "load sle15 ndb"))
		return;
	m = lb_xmalloc(len);
	/* Slot 0 is at byte 32: magic, pkgidx, blkoff, blkcnt. */
	memcpy(m, d, len);
	put_le32(m + 32 + 8, 0xfffffff0u);
	rc = hostile(LB_RPMDB_NDB, m, len, &st);
	ok(rc == 0 && st.npackages == 35 && st.nskipped == 1,
	   "ndb slot pointing past the end: skipped (%s)", st.first_skip);
	memcpy(m, d, len);
	put_le32(m + 32 + 12, 0xffffffffu);
	rc = hostile(LB_RPMDB_NDB, m, len, &st);
	ok(rc == 0 && st.npackages == 35 && st.nskipped == 1,
	   "ndb slot of 2^32 blocks: skipped (%s)", st.first_skip);
	memcpy(m, d, len);
	memcpy(m + 48 + 8, m + 32 + 8, 8);      /* slot 1 takes slot 0's blob */
	rc = hostile(LB_RPMDB_NDB, m, len, &st);
	ok(rc == 0 && st.npackages == 35 && st.nskipped == 1,
	   "ndb slots sharing a blob: one skipped (%s)", st.first_skip);
	memcpy(m, d, len);
	m[le32(d + 32 + 8) * 16 + 100] ^= 1;
	rc = hostile(LB_RPMDB_NDB, m, len, &st);
	ok(rc == 0 && st.npackages == 35 && st.nskipped == 1,
	   "ndb blob with a flipped bit: checksum catches it (%s)", st.first_skip);
	memcpy(m, d, len);
	put_le32(m + 48 + 4, le32(d + 32 + 4));     /* two slots, one pkgidx */
	rc = hostile(LB_RPMDB_NDB, m, len, &st);
	ok(rc == 0 && st.nskipped >= 1 && st.npackages <= 35, "ndb duplicate package index: skipped");
	memcpy(m, d, len);
	put_le32(m + 12, 0x10000000u);
	ok(hostile(LB_RPMDB_NDB, m, len, NULL) == LB_ERR_INPUT, "ndb: slot pages past the end");
	memcpy(m, d, len);
	put_le32(m + 12, 0);
	ok(hostile(LB_RPMDB_NDB, m, len, NULL) == LB_ERR_INPUT, "ndb: no slot page");
	memcpy(m, d, len);
	m[0] = 'X';
	ok(hostile(LB_RPMDB_NDB, m, len, NULL) == LB_ERR_INPUT, "ndb: bad magic");
	memcpy(m, d, len);
	m[32] = 'X';
	rc = hostile(LB_RPMDB_NDB, m, len, &st);
	ok(rc == 0 && st.npackages == 35 && st.nskipped == 1, "ndb: slot with a bad magic: skipped");
	ok(hostile(LB_RPMDB_NDB, d, 31, NULL) == LB_ERR_INPUT, "ndb: 31 bytes");
	memcpy(m, d, len);
	put_le32(m + 4, 1);
	ok(hostile(LB_RPMDB_NDB, m, len, NULL) == LB_ERR_INPUT, "ndb: version 1");
	memcpy(m, d, len);
	m[(le32(d + 32 + 8) + le32(d + 32 + 12)) * 16 - 1] ^= 0x20;   /* "BlbE" */
	rc = hostile(LB_RPMDB_NDB, m, len, &st);
	ok(rc == 0 && st.npackages == 35 && st.nskipped == 1, "ndb: bad blob tail: skipped (%s)",
	   st.first_skip);
	free(m);
	free(d);
}

/* An in-memory SQLite database made by sql, serialized (sqlite3_free it);
 * NULL when this SQLite cannot run sql. */
static unsigned char *make_sqlite(const char *sql, size_t *len)
{
	sqlite3 *db;
	sqlite3_int64 n = 0;
	unsigned char *p;
	char *msg = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		BUG("sqlite3_open");
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		printf("# make_sqlite: %s\n", msg);
		sqlite3_free(msg);
		sqlite3_close(db);
		return NULL;
	}
	p = sqlite3_serialize(db, "main", &n, 0);
	sqlite3_close(db);
	*len = (size_t)n;
	return p;
}

static void test_sqlite_hostile(void)
{
	size_t len;
	unsigned char *d, *g;
	struct lb_rpmdb_stats st;
	char err[256];
	double t0;
	int rc;

	d = make_sqlite("CREATE TABLE Other(x);", &len);
	rc = lb_rpmdb_read(LB_RPMDB_SQLITE, d, len, NULL, NULL, &st, err, sizeof(err));
	ok(rc == LB_ERR_INPUT, "sqlite without a Packages table: '%s'", err);
	sqlite3_free(d);

	/* A view that would never end: views are off. */
	d = make_sqlite("CREATE VIEW Packages AS WITH RECURSIVE c(hnum, blob) AS "
			"(SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob FROM c) "
			"SELECT hnum, blob FROM c;", &len);
	t0 = now();
	rc = lb_rpmdb_read(LB_RPMDB_SQLITE, d, len, NULL, NULL, &st, err, sizeof(err));
	ok(rc == LB_ERR_INPUT && now() - t0 < 5, "sqlite endless view refused: '%s'", err);
	sqlite3_free(d);

	/* A computed blob column. */
	d = make_sqlite("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, x INTEGER,"
			" blob BLOB AS (zeroblob(x)));"
			"INSERT INTO Packages(hnum, x) VALUES (1, 100000000);", &len);
	rc = lb_rpmdb_read(LB_RPMDB_SQLITE, d, len, NULL, NULL, &st, err, sizeof(err));
	ok(rc == LB_ERR_INPUT, "sqlite computed blob column refused: '%s'", err);
	sqlite3_free(d);

	/* Rows that are not headers are skipped, one by one. */
	d = make_sqlite("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT,"
			" blob BLOB NOT NULL);"
			"INSERT INTO Packages(blob) VALUES ('text'), (x'00'),"
			" (x'8000000000000010'), (zeroblob(64));", &len);
	rc = lb_rpmdb_read(LB_RPMDB_SQLITE, d, len, NULL, NULL, &st, err, sizeof(err));
	ok(rc == 0 && st.npackages == 0 && st.nskipped == 4,
	   "sqlite rows that are not headers: 4 skipped (%s)", st.first_skip);
	sqlite3_free(d);

	d = make_sqlite("CREATE TABLE Packages (blob BLOB);", &len);
	rc = lb_rpmdb_read(LB_RPMDB_SQLITE, d, len, NULL, NULL, &st, err, sizeof(err));
	ok(rc == LB_ERR_INPUT, "sqlite Packages without hnum: '%s'", err);
	sqlite3_free(d);

	d = make_sqlite("CREATE VIRTUAL TABLE Packages USING fts5(hnum, blob);", &len);
	if (d) {
		rc = lb_rpmdb_read(LB_RPMDB_SQLITE, d, len, NULL, NULL, &st, err, sizeof(err));
		ok(rc == LB_ERR_INPUT, "sqlite virtual Packages table refused: '%s'", err);
		sqlite3_free(d);
	} else {
		ok(1, "# skip: this SQLite has no fts5");
	}

	/* A b-tree broken under the rows: page 2 is the table's root (an
	 * interior page, with 60 rows of 2000 bytes); its child pointers go
	 * nowhere.  The error comes mid-query, after the schema checks. */
	d = make_sqlite("PRAGMA page_size = 4096;"
			"CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL);"
			"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 60)"
			" INSERT INTO Packages SELECT i, zeroblob(2000) FROM c;", &len);
	if (ok(d && len > 3 * 4096 && d[4096] == 0x05, "sqlite table with an interior root page")) {
		memset(d + 4096 + 12, 0xff, 4096 - 12);
		rc = lb_rpmdb_read(LB_RPMDB_SQLITE, d, len, NULL, NULL, &st, err, sizeof(err));
		ok(rc == LB_ERR_INPUT, "sqlite b-tree broken under the rows: '%s'", err);
	}
	sqlite3_free(d);

	/* Garbage after a valid file header. */
	g = lb_xmalloc(65536);
	for (size_t i = 0; i < 65536; i++)
		g[i] = (unsigned char)rng();
	memcpy(g, "SQLite format 3", 16);
	ok(hostile(LB_RPMDB_SQLITE, g, 65536, NULL) == LB_ERR_INPUT, "sqlite: garbage pages");
	g[16] = 0x10;           /* page size 4096 */
	g[17] = 0x00;
	g[18] = g[19] = 2;
	ok(hostile(LB_RPMDB_SQLITE, g, 65536, NULL) == LB_ERR_INPUT,
	   "sqlite: garbage pages behind a plausible header");
	memcpy(g, "SQLite format 4", 16);
	ok(hostile(LB_RPMDB_SQLITE, g, 65536, NULL) == LB_ERR_INPUT, "sqlite: bad magic");
	ok(hostile(LB_RPMDB_SQLITE, g, 10, NULL) == LB_ERR_INPUT, "sqlite: 10 bytes");
	free(g);
}

static void test_detect(void)
{
	static const unsigned char junk[600];
	enum lb_rpmdb_kind k;

	ok(lb_rpmdb_detect(junk, sizeof(junk), &k) == -1, "detect: zeros are nothing");
	ok(lb_rpmdb_detect(NULL, 0, &k) == -1, "detect: NULL is nothing");
	ok(lb_rpmdb_read((enum lb_rpmdb_kind)42, junk, sizeof(junk), NULL, NULL, NULL, NULL, 0) ==
	   LB_ERR_INPUT, "read: unknown kind");
}

/* Two threads reading at once, each many times: no shared state. */
struct thread_job {
	const unsigned char *d;
	size_t len;
	enum lb_rpmdb_kind kind;
	size_t want, bad;
};

static void *thread_main(void *arg)
{
	struct thread_job *j = arg;

	for (int i = 0; i < 8; i++) {
		struct lb_rpmdb_stats st;

		if (lb_rpmdb_read(j->kind, j->d, j->len, NULL, NULL, &st, NULL, 0) ||
		    st.npackages != j->want)
			j->bad++;
	}
	return NULL;
}

static void test_threads(void)
{
	struct thread_job jobs[3] = {
		{ .kind = LB_RPMDB_NDB, .want = 36 },
		{ .kind = LB_RPMDB_SQLITE, .want = 5 },
		{ .kind = LB_RPMDB_BDB, .want = 5 },
	};
	const char *names[3] = {
		"fixtures/sle15-bci-ndb/Packages.db.gz", "built/rpmdb.sqlite.gz",
		"built/Packages-bdb-be512",
	};
	pthread_t t[3];
	size_t bad = 0;

	for (int i = 0; i < 3; i++) {
		unsigned char *d = load(names[i], &jobs[i].len);

		if (!d)
			BUG("cannot load %s", names[i]);
		jobs[i].d = d;
	}
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, thread_main, &jobs[i]);
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		bad += jobs[i].bad;
		free((void *)jobs[i].d);
	}
	ok(bad == 0, "three threads reading at once agree with one");
}

int main(int argc, char **argv)
{
	size_t len;
	unsigned char *probe;

	if (argc != 2) {
		fprintf(stderr, "usage: test_rpmdb DATADIR\n");
		return 2;
	}
	datadir = argv[1];
	probe = load("README.md", &len);
	if (!ok(probe != NULL, "data folder '%s' is readable", datadir))
		return done_testing();
	free(probe);

	test_real();
	test_built();
	test_headers();
	test_detect();
	test_bdb_hostile();
	test_ndb_hostile();
	test_sqlite_hostile();
	mutate_db("fixtures/libuuid-bdb/Packages.gz", LB_RPMDB_BDB, 3000);
	mutate_db("fixtures/dive-bdb/Packages", LB_RPMDB_BDB, 3000);
	mutate_db("built/Packages-bdb-be512", LB_RPMDB_BDB, 2000);
	mutate_db("built/Packages-bdb-le16384", LB_RPMDB_BDB, 1000);
	mutate_db("built/rpmdb.sqlite.gz", LB_RPMDB_SQLITE, 1000);
	mutate_db("fixtures/sle15-bci-ndb/Packages.db.gz", LB_RPMDB_NDB, 300);
	test_threads();
	return done_testing();
}
