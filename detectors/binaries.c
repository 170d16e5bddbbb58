/* SPDX-License-Identifier: Apache-2.0 */
/*
 * binaries: ELF files that no package owns, classified by the version
 * strings their builds hold ("BusyBox v1.35.0 (", "OpenSSL 3.0.11 19 Sep
 * 2023").  Read from the bytes, never by running anything.
 *
 * Knowledge is the table below: for each kind of software, the base names
 * its files go by (fnmatch globs, the cheap test of wants()), a pcre2
 * pattern whose group 1 is the version, and an optional second pattern.
 * Two ways of deciding:
 *  - FIRST: the first match of the version pattern is the version; the
 *    second pattern, when set, must match somewhere too;
 *  - UNIQUE: for versions that stand alone between NULs ("\0" "7.0.15"
 *    "\0"), every distinct match is a candidate, and the one kept is the
 *    one the file name names (python3.11: "3.11."), or the longest that
 *    starts the second pattern's match (redis: version, build id and git
 *    SHA-1 written as one string), or else the only candidate there is.
 *    Anything ambiguous gives no component: nothing invented.
 * Each pattern was checked against the real binaries of Debian 12
 * (docs/internals/binaries.md says which).
 *
 * Files are streamed (detector.h, LB_WANT_STREAM): whatever the chunk
 * sizes, the patterns run over windows of OVERLAP + WINDOW bytes whose
 * first OVERLAP bytes end the window before, so a string split between
 * two chunks or two windows is found.  A match
 * ending in the last GUARD bytes of a window may be cut by the window (a
 * longer version follows): it counts only when the file ends there, else
 * the next window finds it whole.  Every pattern's match is bounded well
 * under GUARD bytes.  Matching stops once every pattern of the file is
 * decided.  The summary is one line per classification:
 * "id\tversion\tevidence\n".
 *
 * Ownership: finish() reports only files that no OS package lists as its
 * own (dpkg, rpm and apk fill those lists first; dpkg follows the
 * directory links of a merged /usr: its list says /bin/bash, the image
 * holds /usr/bin/bash).  Go binaries' build info is detectors/golang.c's.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <fnmatch.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "hashmap.h"
#include "pkgrec.h"
#include "scan.h"

#define WINDOW (64u << 10)       /* new bytes matched at once */
#define OVERLAP 512u             /* bytes carried over to the next window */
#define GUARD 256u               /* a match ending this close to a window's end waits */
#define MAX_HITS 64              /* distinct matches kept per pattern and file */
#define CAP_MAX 96               /* bytes of a capture kept */
#define EV_MAX 160               /* bytes of a matched string kept as evidence */
#define MAX_SEL 4                /* classifiers one file name may select */
#define MIN_SIZE 1024u
#define LIST_MAX (16u << 20)     /* a dpkg .list file */
#define MAX_CANDIDATES 100000    /* classified files kept per scan */

enum mode { FIRST, UNIQUE };

struct classifier {
	const char *id;               /* in summaries and the property */
	const char *name;             /* component name: pkg:generic/<name> */
	const char *globs[6];         /* base names (fnmatch), NULL-terminated */
	enum mode mode;
	const char *version;          /* pcre2; group 1 is the version */
	const char *second;           /* pcre2 or NULL; see the mode */
	const char *name_minor;       /* pcre2 on the base name; group 1 must start the version */
	int second_starts;            /* UNIQUE: the version starts the second pattern's group 1 */
};

/*
 * Patterns are matched on raw bytes (no UTF mode): "\\x00" is a NUL.
 * Quantifiers are bounded so that no match is longer than GUARD.
 */
static const struct classifier classifiers[] = {
	{ .id = "busybox", .name = "busybox", .globs = { "busybox" }, .mode = FIRST,
	  .version = "BusyBox v([0-9]{1,2}\\.[0-9]{1,3}\\.[0-9]{1,3}(?:\\.[0-9]{1,3})?)(?:\\.git)? \\(" },
	{ .id = "openssl", .name = "openssl", .globs = { "openssl", "libcrypto.so*", "libcrypto-*.so*" }, .mode = FIRST,
	  .version = "OpenSSL ([0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,2}[a-z]{0,2}(?:-(?:alpha|beta)[0-9]{1,2})?)"
		     "(?:[+-][!-~]{1,32})? {1,2}[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}" },
	/* PY_VERSION stands alone; other "3.N.N" strings too ("3.2.0"):
	 * the file name says which minor version it is */
	{ .id = "python", .name = "python", .globs = { "python3*", "libpython3*.so*" },
	  .mode = UNIQUE,
	  .version = "\\x00(3\\.[0-9]{1,2}\\.[0-9]{1,2}(?:(?:a|b|rc)[0-9]{1,2})?\\+?)\\x00",
	  .second = "\\x00Python %s\\n",
	  .name_minor = "^(?:lib)?python(3\\.[0-9]{1,2})" },
	/* process.release.sourceUrl */
	{ .id = "nodejs", .name = "node", .globs = { "node", "nodejs", "libnode.so*" }, .mode = FIRST,
	  .version = "https://nodejs\\.org/download/release/v([0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3})/node-v" },
	/* the VM's name and $VNUM+$BUILD of the runtime version */
	{ .id = "openjdk-jvm", .name = "openjdk", .globs = { "libjvm.so" }, .mode = FIRST,
	  .version = "OpenJDK [0-9]{2}-Bit [A-Za-z]{1,16} VM \\(([0-9]{1,3}(?:\\.[0-9]{1,4}){0,3}(?:\\+[0-9]{1,4})?)"
		     "(?:-[!-(*-~]{1,64})?\\)" },
	/* the launcher's name, dot version and full version */
	{ .id = "openjdk-launcher", .name = "openjdk", .globs = { "java" }, .mode = FIRST,
	  .version = "\\x00openjdk\\x00java\\x00[0-9.]{1,16}\\x00([0-9]{1,3}(?:\\.[0-9]{1,4}){0,3}(?:\\+[0-9]{1,4})?)"
		     "(?:-[!-~]{1,64})?\\x00" },
	/* the go command: its build info (Go >= 1.18 layout) says cmd/go */
	{ .id = "go", .name = "go", .globs = { "go" }, .mode = FIRST,
	  .version = "(?<=\\xff Go buildinf:[\\x04\\x08][\\x02\\x03](?s:.{16})[\\x04-\\x20])"
		     "go(1\\.[0-9]{1,3}(?:\\.[0-9]{1,3})?(?:(?:rc|beta)[0-9]{1,2})?)(?=(?s:.{17,19})path\\tcmd/go\\n)" },
	/* REDIS_VERSION stands alone (so do the "since" versions of the
	 * commands), and starts redisBuildIdString: version, build id, git
	 * dirty count and 8 hex digits of the git SHA-1 as one string */
	{ .id = "redis", .name = "redis", .globs = { "redis-server", "redis-check-rdb", "redis-check-aof" },
	  .mode = UNIQUE,
	  .version = "\\x00([0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,3})\\x00",
	  .second = "([0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,3}[A-Za-z0-9._-]{0,64}?[0-9]{1,20}[0-9a-f]{8})\\x00",
	  .second_starts = 1 },
	{ .id = "nginx", .name = "nginx", .globs = { "nginx" }, .mode = FIRST,
	  .version = "nginx version: nginx/([0-9]{1,2}\\.[0-9]{1,3}\\.[0-9]{1,3})" },
	/* the ServerTokens Full and Minor forms */
	{ .id = "httpd", .name = "httpd", .globs = { "httpd", "apache2" }, .mode = FIRST,
	  .version = "\\x00Apache/([0-9]\\.[0-9]{1,2}\\.[0-9]{1,3})[ \\x00]" },
	{ .id = "postgresql", .name = "postgresql", .globs = { "postgres" }, .mode = FIRST,
	  .version = "\\x00postgres \\(PostgreSQL\\) ([0-9]{1,2}(?:\\.[0-9]{1,3}){0,2}(?:(?:beta|rc)[0-9]{1,2}|devel)?)"
		     "[ \\x00]" },
	{ .id = "mariadb", .name = "mariadb", .globs = { "mariadbd", "mysqld" }, .mode = FIRST,
	  .version = "\\x00([0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,3})-MariaDB" },
	/* curl --version's first line */
	{ .id = "curl", .name = "curl", .globs = { "curl" }, .mode = FIRST,
	  .version = "\\x00curl ([0-9]{1,2}\\.[0-9]{1,3}\\.[0-9]{1,3}(?:-DEV)?) \\(" },
	/* curl_version()'s first word */
	{ .id = "libcurl", .name = "libcurl", .globs = { "libcurl.so*", "libcurl-gnutls.so*", "libcurl-nss.so*" },
	  .mode = FIRST,
	  .version = "\\x00libcurl/([0-9]{1,2}\\.[0-9]{1,3}\\.[0-9]{1,3}(?:-DEV)?)\\x00" },
	/* the what(1) string of version.c: version and patch level */
	{ .id = "bash", .name = "bash", .globs = { "bash" }, .mode = FIRST,
	  .version = "@\\(#\\)Bash version ([0-9]{1,2}\\.[0-9]{1,2}(?:\\.[0-9]{1,3})?)\\([0-9]{1,3}\\) release" },
	/* the banner libc.so.6 prints when run */
	{ .id = "glibc", .name = "glibc", .globs = { "libc.so.6", "libc-*.so" }, .mode = FIRST,
	  .version = "GNU C Library \\([^)\\x00]{0,80}\\) (?:stable |development )?release version "
		     "([0-9]\\.[0-9]{1,3}(?:\\.[0-9]{1,3})?)[^0-9]" },
	/* the loader's banner, and __libc_version standing alone: musl
	 * holds no other NUL-delimited "1.N.N" (measured on 1.2.3) */
	{ .id = "musl", .name = "musl", .globs = { "ld-musl-*.so.1", "libc.musl-*.so.1", "libc.so" }, .mode = UNIQUE,
	  .version = "\\x00(1\\.[0-9]{1,2}\\.[0-9]{1,2})\\x00",
	  .second = "musl libc \\(" },
};

#define NCLASS (sizeof(classifiers) / sizeof(classifiers[0]))

/*
 * Declared licenses: the license of the upstream releases of that software
 * in the version range [from, before) (empty: unbounded), as their
 * projects state it.  Declared, not concluded: nothing in the image was
 * read to decide it.  A version in no range gets none.
 */
static const struct {
	const char *id, *from, *before, *license;
} licenses[] = {
	{ "busybox", "", "", "GPL-2.0-only" },
	{ "openssl", "", "3", "OpenSSL" },
	{ "openssl", "3", "", "Apache-2.0" },
	{ "python", "", "", "PSF-2.0" },
	{ "nodejs", "", "", "MIT" },
	{ "openjdk-jvm", "", "", "GPL-2.0-only WITH Classpath-exception-2.0" },
	{ "openjdk-launcher", "", "", "GPL-2.0-only WITH Classpath-exception-2.0" },
	{ "go", "", "", "BSD-3-Clause" },
	{ "redis", "", "7.4", "BSD-3-Clause" },   /* 7.4 and later: RSALv2 or SSPLv1 (8.0: or AGPLv3) */
	{ "nginx", "", "", "BSD-2-Clause" },
	{ "httpd", "2", "", "Apache-2.0" },
	{ "postgresql", "", "", "PostgreSQL" },
	{ "mariadb", "", "", "GPL-2.0-only" },
	{ "curl", "", "", "curl" },
	{ "libcurl", "", "", "curl" },
	{ "bash", "", "4", "GPL-2.0-or-later" },
	{ "bash", "4", "", "GPL-3.0-or-later" },
	{ "glibc", "2", "", "LGPL-2.1-or-later" },
	{ "musl", "1", "", "MIT" },
};

/* ---- compiled patterns, shared read-only by every thread ---- */

static pcre2_code *re_version[NCLASS], *re_second[NCLASS], *re_name[NCLASS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static pcre2_code *compile1(const char *pat)
{
	pcre2_code *re;
	int err;
	PCRE2_SIZE off;

	if (!pat)
		return NULL;
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
	if (re)
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static void compile(void)
{
	for (size_t i = 0; i < NCLASS; i++) {
		re_version[i] = compile1(classifiers[i].version);
		re_second[i] = compile1(classifiers[i].second);
		re_name[i] = compile1(classifiers[i].name_minor);
	}
}

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

static int name_matches(const struct classifier *c, const char *base)
{
	for (size_t g = 0; g < LB_ARRAY_SIZE(c->globs) && c->globs[g]; g++)
		if (fnmatch(c->globs[g], base, 0) == 0)
			return 1;
	return 0;
}

static int wants(const struct lb_entry *e)
{
	const char *base;
	size_t i;

	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	if (e->size < MIN_SIZE)
		return LB_WANT_NO;
	base = base_of(e->path);
	for (i = 0; i < NCLASS && !name_matches(&classifiers[i], base); i++)
		;
	if (i == NCLASS)
		return LB_WANT_NO;
	if (!e->magic)
		return LB_WANT_SNIFF;
	return lb_magic_is_elf(e->magic) ? LB_WANT_STREAM : LB_WANT_NO;
}

/* ---- streaming ---- */

struct hit {
	char *cap;                    /* group 1 (version) or the whole match */
	char *ev;                     /* the matched string, printable */
};

struct hits {
	struct hit v[MAX_HITS];
	size_t n;
	int overflow;                 /* more distinct matches than kept */
};

struct sel {
	size_t k;                     /* index in classifiers[] */
	char minor[16];               /* from the file name, with a final '.'; or "" */
	struct hits ver, sec;
	int done;
};

struct sctx {
	struct sel sel[MAX_SEL];
	size_t nsel;
	pcre2_match_data *md;
	unsigned char *buf;           /* the window: carried bytes, then new ones */
	size_t len;
};

/* Bytes as printable ASCII ("\x00" for a NUL), at most EV_MAX. */
static char *printable(const unsigned char *p, size_t n)
{
	char *out = lb_xcalloc(1, EV_MAX + 1);
	size_t o = 0, i;
	static const char hx[] = "0123456789abcdef";

	/* room is kept for the "..." of a cut string */
	for (i = 0; i < n; i++) {
		int plain = p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\';

		if (o + (plain ? 1 : 4) > EV_MAX - 3)
			break;
		if (plain) {
			out[o++] = (char)p[i];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hx[p[i] >> 4];
			out[o++] = hx[p[i] & 15];
		}
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* Records a match; 1 when it is new. */
static int add_hit(struct hits *h, const unsigned char *cap, size_t capn, const unsigned char *all, size_t alln)
{
	if (capn > CAP_MAX)
		return 0;
	for (size_t i = 0; i < h->n; i++)
		if (strlen(h->v[i].cap) == capn && memcmp(h->v[i].cap, cap, capn) == 0)
			return 0;
	if (h->n == MAX_HITS) {
		h->overflow = 1;
		return 0;
	}
	h->v[h->n].cap = lb_xstrndup((const char *)cap, capn);
	h->v[h->n].ev = printable(all, alln);
	h->n++;
	return 1;
}

static void hits_release(struct hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].cap);
		free(h->v[i].ev);
	}
	h->n = 0;
}

static void *stream_begin(const struct lb_entry *e)
{
	struct sctx *x;
	const char *base = base_of(e->path);

	pthread_once(&once, compile);
	x = lb_xcalloc(1, sizeof(*x));
	for (size_t i = 0; i < NCLASS && x->nsel < MAX_SEL; i++) {
		struct sel *s;

		if (!re_version[i] || (classifiers[i].second && !re_second[i]) || !name_matches(&classifiers[i], base))
			continue;
		s = &x->sel[x->nsel];
		s->k = i;
		if (re_name[i]) {
			pcre2_match_data *md = pcre2_match_data_create_from_pattern(re_name[i], NULL);
			PCRE2_SIZE *ov;

			if (!md)
				continue;
			ov = pcre2_get_ovector_pointer(md);
			if (pcre2_match(re_name[i], (PCRE2_SPTR)base, strlen(base), 0, 0, md, NULL) < 2 ||
			    ov[3] - ov[2] + 2 > sizeof(s->minor)) {
				pcre2_match_data_free(md);
				continue;   /* "python3": the name does not say which */
			}
			memcpy(s->minor, base + ov[2], ov[3] - ov[2]);
			s->minor[ov[3] - ov[2]] = '.';
			pcre2_match_data_free(md);
		}
		x->nsel++;
	}
	/* ovector pairs: group 0 and group 1 of any pattern */
	x->md = x->nsel ? pcre2_match_data_create(4, NULL) : NULL;
	if (!x->md) {
		free(x);      /* nothing to look for: no stream */
		return NULL;
	}
	x->buf = lb_xmalloc(OVERLAP + WINDOW);
	return x;
}

/*
 * Every match of re in the window; only those that end before the guard
 * zone unless final.  Group 1 (else the whole match) goes into h.  Returns
 * 1 when the pattern is decided for a FIRST classifier.
 */
static int run(struct sctx *x, pcre2_code *re, struct hits *h, const char *prefix, int first, int final)
{
	size_t pl = prefix ? strlen(prefix) : 0;
	PCRE2_SIZE start = 0;
	size_t limit = final ? x->len : (x->len > GUARD ? x->len - GUARD : 0);

	while (start < x->len) {
		int rc = pcre2_match(re, x->buf, x->len, start, 0, x->md, NULL);
		PCRE2_SIZE *ov;
		size_t g;

		if (rc <= 0)
			break;
		ov = pcre2_get_ovector_pointer(x->md);
		if (ov[1] > limit)
			break;
		g = rc >= 2 && ov[2] != PCRE2_UNSET ? 2 : 0;
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		/* another minor version than the file name's: not a candidate */
		if (pl && (ov[g + 1] - ov[g] < pl || memcmp(x->buf + ov[g], prefix, pl) != 0))
			continue;
		add_hit(h, x->buf + ov[g], ov[g + 1] - ov[g], x->buf + ov[0], ov[1] - ov[0]);
		if (first && h->n)
			return 1;
		if (h->overflow)
			return 1;
	}
	return 0;
}

static void match_window(struct sctx *x, int final)
{
	for (size_t i = 0; i < x->nsel; i++) {
		struct sel *s = &x->sel[i];
		const struct classifier *c = &classifiers[s->k];
		int first = c->mode == FIRST;
		int dv, ds = 1;

		if (s->done)
			continue;
		/* a FIRST pattern that matched is not run again */
		dv = (first && s->ver.n) || run(x, re_version[s->k], &s->ver, s->minor, first, final);
		if (re_second[s->k])
			ds = (first && s->sec.n) || run(x, re_second[s->k], &s->sec, NULL, first, final);
		if (first && dv && ds)
			s->done = 1;
		if (s->ver.overflow)
			s->done = 1;
	}
}

static int all_done(const struct sctx *x)
{
	for (size_t i = 0; i < x->nsel; i++)
		if (!x->sel[i].done)
			return 0;
	return 1;
}

/* Bytes are gathered until the window is full whatever the chunk sizes
 * (a sparse file's one-byte pieces cost no more than one big read). */
static void stream_data(void *vx, const void *vp, size_t n)
{
	struct sctx *x = vx;
	const unsigned char *p = vp;

	while (n && !all_done(x)) {
		size_t take = OVERLAP + WINDOW - x->len;

		if (take > n)
			take = n;
		memcpy(x->buf + x->len, p, take);
		x->len += take;
		p += take;
		n -= take;
		if (x->len == OVERLAP + WINDOW) {
			match_window(x, 0);
			memmove(x->buf, x->buf + x->len - OVERLAP, OVERLAP);
			x->len = OVERLAP;
		}
	}
}

/*
 * The version of a UNIQUE classifier, or NULL; *ev2 the second pattern's
 * evidence.  Candidates the file name rules out are dropped; with
 * second_starts, the longest candidate that starts a string the second
 * pattern caught (and is not cut inside a number's dot: "7.0.1" of
 * "7.0.15...") wins; else exactly one distinct candidate must remain.
 */
static const struct hit *decide_unique(const struct sel *s, const struct classifier *c, const char **ev2)
{
	const struct hit *best = NULL;
	size_t bestn = 0, ncand = 0;

	*ev2 = NULL;
	if (s->ver.overflow || (c->second && !s->sec.n))
		return NULL;
	for (size_t i = 0; i < s->ver.n; i++) {
		const struct hit *h = &s->ver.v[i];
		size_t hn = strlen(h->cap);

		if (s->minor[0] && strncmp(h->cap, s->minor, strlen(s->minor)) != 0)
			continue;
		if (c->second_starts) {
			for (size_t j = 0; j < s->sec.n; j++) {
				const char *sc = s->sec.v[j].cap;

				if (strncmp(sc, h->cap, hn) == 0 && sc[hn] && sc[hn] != '.' && hn > bestn) {
					best = h;
					bestn = hn;
					*ev2 = s->sec.v[j].ev;
				}
			}
			continue;
		}
		best = h;   /* hits are distinct */
		ncand++;
	}
	if (!best || (!c->second_starts && ncand != 1))
		return NULL;
	if (!*ev2 && s->sec.n)
		*ev2 = s->sec.v[0].ev;
	return best;
}

static int version_chars_ok(const char *v)
{
	if (!*v)
		return 0;
	for (; *v; v++)
		if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		      strchr(".+-_~", *v)))
			return 0;
	return 1;
}

static unsigned char *stream_end(void *vx, size_t *len)
{
	struct sctx *x = vx;
	struct lb_buf out;
	unsigned char *ret = NULL;

	*len = 0;
	if (!x)
		return NULL;
	if (x->len && !all_done(x))
		match_window(x, 1);
	lb_buf_init(&out, 4096);
	for (size_t i = 0; i < x->nsel; i++) {
		const struct sel *s = &x->sel[i];
		const struct classifier *c = &classifiers[s->k];
		const char *v = NULL, *ev = NULL, *ev2 = NULL;

		if (c->mode == FIRST) {
			if (s->ver.n && (!c->second || s->sec.n)) {
				v = s->ver.v[0].cap;
				ev = s->ver.v[0].ev;
				ev2 = c->second ? s->sec.v[0].ev : NULL;
			}
		} else {
			const struct hit *h = decide_unique(s, c, &ev2);

			if (h) {
				v = h->cap;
				ev = h->ev;
			}
		}
		if (!v || !ev || !version_chars_ok(v))
			continue;
		lb_buf_addf(&out, "%s\t%s\t%s%s%s\n", c->id, v, ev, ev2 ? " ... " : "", ev2 ? ev2 : "");
	}
	if (out.len)
		ret = (unsigned char *)lb_buf_detach(&out, len);
	else
		lb_buf_release(&out);
	for (size_t i = 0; i < x->nsel; i++) {
		hits_release(&x->sel[i].ver);
		hits_release(&x->sel[i].sec);
	}
	pcre2_match_data_free(x->md);
	free(x->buf);
	free(x);
	return ret;
}

/* ---- after the walk ---- */

struct found {
	const struct lb_entry *e;
	size_t k;                     /* classifier */
	char *version, *evidence;
};

struct state {
	struct lb_pkgrecs *recs;
	struct found *v;
	size_t n, cap;
};

static void *state_new(void)
{
	struct state *st = lb_xcalloc(1, sizeof(*st));

	st->recs = lb_pkgrecs_new();
	return st;
}

static void state_free(void *vst)
{
	struct state *st = vst;

	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		free(st->v[i].version);
		free(st->v[i].evidence);
	}
	free(st->v);
	lb_pkgrecs_free(st->recs);
	free(st);
}

static void owned_put(struct lb_hashmap *owned, const char *p, size_t n)
{
	int found;

	lb_hashmap_put(owned, p, n, 1, &found);
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct state *st = vst;
	const char *p = data, *end = p ? p + len : NULL;

	if (!data)
		return 0;
	if (!lb_scan_visible(s, e) && !s->all_layers)
		return 0;
	/* the summary: "id\tversion\tevidence\n" lines */
	while (p < end && st->n < MAX_CANDIDATES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *t1 = memchr(p, '\t', (size_t)(le - p));
		const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(le - t1 - 1)) : NULL;

		if (t2) {
			for (size_t k = 0; k < NCLASS; k++) {
				if (strlen(classifiers[k].id) != (size_t)(t1 - p) ||
				    memcmp(classifiers[k].id, p, (size_t)(t1 - p)) != 0)
					continue;
				lb_xgrow((void **)&st->v, &st->cap, st->n + 1, sizeof(*st->v));
				st->v[st->n].e = e;
				st->v[st->n].k = k;
				st->v[st->n].version = lb_xstrndup(t1 + 1, (size_t)(t2 - t1 - 1) > CAP_MAX ? CAP_MAX : (size_t)(t2 - t1 - 1));
				st->v[st->n].evidence = lb_xstrndup(t2 + 1, (size_t)(le - t2 - 1) > 2 * EV_MAX + 8 ? 2 * EV_MAX + 8 : (size_t)(le - t2 - 1));
				st->n++;
				break;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* -1, 0, 1 as a < b, comparing dot-separated numbers ("" is the lowest). */
static int vercmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a != '.' || *b != '.') {
			if (*a == '.' || *b == '.')
				return *a == '.' ? 1 : -1;
			return 0;
		}
		a++;
		b++;
	}
	return 0;
}

static const char *license_of(const char *id, const char *version)
{
	for (size_t i = 0; i < LB_ARRAY_SIZE(licenses); i++)
		if (strcmp(licenses[i].id, id) == 0 && (!*licenses[i].from || vercmp(version, licenses[i].from) >= 0) &&
		    (!*licenses[i].before || vercmp(version, licenses[i].before) < 0))
			return licenses[i].license;
	return NULL;
}

static void report(struct lb_scan *s, struct state *st, const struct found *f)
{
	const struct classifier *c = &classifiers[f->k];
	const struct lb_entry *e = f->e;
	char hex[65], *key;
	struct lb_pkgrec *r;
	int found;

	/* one component per classified file content: identical copies are one */
	lb_hex(hex, e->sha256, 32);
	key = lb_xasprintf("%s\x1f%s\x1f%s", c->id, f->version, hex);
	r = lb_pkgrecs_get(st->recs, key, &found);
	free(key);
	if (!found) {
		const char *lic = license_of(c->id, f->version);

		r->c = lb_model_add(&s->model, LB_COMP_BINARY, c->name, f->version, "binaries");
		r->c->purl = lb_purl("generic", NULL, c->name, f->version, NULL, 0);
		lb_comp_add_prop(r->c, "binary:classifier", c->id);
		if (lic) {
			char *why;

			lb_comp_set_license(&s->model, r->c, LB_LIC_DECLARED, lic, LB_LIC_SPDX, NULL, NULL);
			why = lb_xasprintf("declared license: that of upstream %s releases of this version, "
					   "not read from the image", c->name);
			lb_comp_add_evidence(r->c, LB_EV_NOTE, NULL, -1, NULL, why);
			free(why);
		}
		if ((e->flags & LB_EF_HASHED) && (e->flags & LB_EF_SHA1)) {
			r->c->has_digest = 1;
			memcpy(r->c->sha256, e->sha256, 32);
			memcpy(r->c->sha1, e->sha1, 20);
		}
	}
	lb_comp_add_evidence(r->c, LB_EV_BINARY, e->path, e->layer, "version-string", f->evidence);
	if (lb_scan_visible(s, e)) {
		lb_comp_add_file(r->c, e->path);
		lb_pkgrec_seen_visible(r, e);
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
}

static int finish(struct lb_scan *s, void *vst)
{
	struct state *st = vst;
	struct lb_hashmap owned;

	if (!st->n)
		return 0;
	/* the files of OS packages: a language detector's component may list
	 * the binary it was read from (golang: cmd/go), that is no owner */
	lb_hashmap_init(&owned);
	for (size_t i = 0; i < s->model.n; i++)
		if (s->model.v[i]->type == LB_COMP_OS_PACKAGE)
			for (size_t j = 0; j < s->model.v[i]->nfiles; j++)
				owned_put(&owned, s->model.v[i]->files[j], strlen(s->model.v[i]->files[j]));
	for (size_t i = 0; i < st->n; i++) {
		const struct lb_entry *e = st->v[i].e;

		if (lb_hashmap_get(&owned, e->path, strlen(e->path)))
			continue;
		report(s, st, &st->v[i]);
	}
	lb_hashmap_release(&owned);
	return lb_pkgrecs_finish(s, st->recs);
}

const struct lb_detector lb_detector_binaries = {
	.name = "binaries",
	.max_size = LIST_MAX,
	.wants = wants,
	.state_new = state_new,
	.state_free = state_free,
	.scan = scan,
	.finish = finish,
	.stream_begin = stream_begin,
	.stream_data = stream_data,
	.stream_end = stream_end,
};
