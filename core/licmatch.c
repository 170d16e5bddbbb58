/* SPDX-License-Identifier: Apache-2.0 */
/*
 * License identification; see licmatch.h for what it promises and
 * docs/internals/licmatch.md for how it works.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "licmatch.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "spdx.h"
#include "util.h"

#define MAX_WORD 64              /* longer words are hashed, never looked up */
#define MAX_POSTINGS 120         /* a 3-gram in more templates says nothing */
#define MAX_CANDIDATES 32
#define MAX_FINDINGS 64
#define MAX_REGIONS 3            /* copies of one license a file may hold */
#define NOTICE_TAIL 200           /* words after a full text that are its addendum */
#define TRACE_MAX 800            /* edits beyond which a text cannot conform */

/* ---- tokens ---- */

struct tok {
	uint32_t h;                  /* hash of the normalised word */
	uint32_t line;               /* 1-based */
	uint32_t off;                /* byte offset of the word in the source */
	uint16_t len;                /* its length in the source */
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

static uint32_t hash_word(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h ? h : 1;
}

/* The normalised form of a source word into out (cap > MAX_WORD):
 * lower case, equivalent words folded.  Returns its length. */
/* The equivalent words' first column as a small hash set: a word not in
 * it (nearly all of them) costs one hash.  Filled once, read-only. */
#define EQUIV_SLOTS 256
static struct {
	uint32_t h;
	int idx;                 /* -1: empty */
} equiv_set[EQUIV_SLOTS];
static pthread_once_t equiv_once = PTHREAD_ONCE_INIT;

static void equiv_init(void)
{
	for (size_t i = 0; i < EQUIV_SLOTS; i++)
		equiv_set[i].idx = -1;
	for (size_t i = 0; i < lb_license_nequiv_words && i < EQUIV_SLOTS / 2; i++) {
		const char *w = lb_license_equiv_words[i][0];
		uint32_t h = hash_word(w, strlen(w));
		size_t at = h % EQUIV_SLOTS;

		while (equiv_set[at].idx >= 0)
			at = (at + 1) % EQUIV_SLOTS;
		equiv_set[at].h = h;
		equiv_set[at].idx = (int)i;
	}
}

static size_t norm_word(const char *s, size_t n, char *out)
{
	const char *const(*eq)[2];
	size_t k = n < MAX_WORD ? n : MAX_WORD;

	for (size_t i = 0; i < k; i++) {
		char c = s[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	out[k] = '\0';
	if (n > MAX_WORD || k >= 64)
		return k;
	pthread_once(&equiv_once, equiv_init);
	eq = NULL;
	{
		uint32_t h = hash_word(out, k);

		for (size_t at = h % EQUIV_SLOTS; equiv_set[at].idx >= 0; at = (at + 1) % EQUIV_SLOTS)
			if (equiv_set[at].h == h &&
			    strcmp(lb_license_equiv_words[equiv_set[at].idx][0], out) == 0) {
				eq = &lb_license_equiv_words[equiv_set[at].idx];
				break;
			}
	}
	if (eq) {
		k = strlen((*eq)[1]);
		memcpy(out, (*eq)[1], k + 1);
	}
	return k;
}

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a UTF-8 punctuation sequence at s (quotes, dashes, bullets,
 * no-break space, ©, «»...), else 0.  Other non-ASCII bytes are letters. */
static size_t utf8_punct(const unsigned char *s, size_t n, int *copyright)
{
	if (n >= 2 && s[0] == 0xc2 && s[1] >= 0xa0 && s[1] <= 0xbf) {
		if (s[1] == 0xa9)
			*copyright = 1;
		return 2;
	}
	if (n >= 3 && s[0] == 0xe2 && (s[1] == 0x80 || s[1] == 0x81 || s[1] == 0x88 || s[1] == 0x96))
		return 3;
	return 0;
}

static const char *const roman[] = { "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii" };

/* A list marker at the start of a line: "1.", "(a)", "iv)", "2)". */
static int list_marker(const char *w, size_t n, char before, char after)
{
	if (!(after == '.' || after == ')') && before != '(')
		return 0;
	if (n <= 2 && is_digit((unsigned char)w[0]) && (n == 1 || is_digit((unsigned char)w[1])))
		return 1;
	if (n == 1 && ((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z')))
		return 1;
	for (size_t i = 0; i < LB_ARRAY_SIZE(roman); i++)
		if (strlen(roman[i]) == n && strncasecmp(roman[i], w, n) == 0)
			return 1;
	return 0;
}

/*
 * Splits s into normalised words.  Lines holding a copyright statement
 * ("Copyright (c) 2001 X", "© X") are dropped when strip_copyright is set;
 * list markers at the start of a line always are.
 */
static void tokenize(const char *s, size_t n, struct toks *out, int strip_copyright)
{
	size_t i = 0;
	uint32_t line = 1;

	while (i < n) {
		size_t line_start_tok = out->n, j = i;
		int copyright = 0, first = 1, has_year = 0, has_c = 0;
		char prev = '\n';

		while (j < n && s[j] != '\n') {
			unsigned char c = (unsigned char)s[j];
			size_t pl;

			if (c >= 0x80 && (pl = utf8_punct((const unsigned char *)s + j, n - j, &copyright)) > 0) {
				j += pl;
				prev = ' ';
				continue;
			}
			if (is_alnum(c) || c >= 0x80) {
				size_t a = j;
				char w[MAX_WORD + 1];
				size_t wl;

				while (j < n && (is_alnum((unsigned char)s[j]) || (unsigned char)s[j] >= 0x80 ||
						 (s[j] == '.' && j + 1 < n && is_digit((unsigned char)s[j + 1]) &&
						  is_digit((unsigned char)s[j - 1])))) {
					if ((unsigned char)s[j] >= 0x80 &&
					    utf8_punct((const unsigned char *)s + j, n - j, &copyright))
						break;
					j++;
				}
				if (first && list_marker(s + a, j - a, prev, j < n ? s[j] : ' ')) {
					first = 0;
					prev = s[j - 1];
					continue;
				}
				wl = norm_word(s + a, j - a, w);
				if (first && wl == 9 && memcmp(w, "copyright", 9) == 0)
					copyright |= 2;
				if (wl == 4 && (w[0] == '1' || w[0] == '2') && is_digit((unsigned char)w[1]))
					has_year = 1;
				if (wl == 1 && w[0] == 'c' && a > 0 && s[a - 1] == '(' && j < n && s[j] == ')')
					has_c = 1;
				first = 0;
				lb_xgrow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v));
				out->v[out->n].h = hash_word(w, wl);
				out->v[out->n].line = line;
				out->v[out->n].off = (uint32_t)a;
				out->v[out->n].len = (uint16_t)(j - a > 65535 ? 65535 : j - a);
				out->n++;
				prev = s[j - 1];
				continue;
			}
			prev = (char)c;
			j++;
		}
		if (strip_copyright && ((copyright & 1) || ((copyright & 2) && (has_year || has_c))))
			out->n = line_start_tok;
		i = j + 1;
		line++;
	}
}

/* ---- templates ---- */

enum seg_kind { SEG_TEXT, SEG_VAR, SEG_OPT_BEGIN, SEG_OPT_END };

struct seg {
	enum seg_kind kind;
	const char *p;               /* text, or the var's original */
	size_t n;
	const char *match;           /* var: its match rule */
	size_t mlen;
};

struct shpos {
	uint64_t key;
	uint32_t pos;                /* a position of the 3-gram in the template */
};

struct tmpl {
	const struct lb_license_template *t;
	uint32_t *ref;               /* words of the text (literal, optional, simple vars) */
	size_t nref;
	size_t nsh;                  /* distinct 3-grams of ref */
	int indexed;
	uint8_t *opt;                /* per ref word: 1 when optional (<<beginOptional>>, a var's words) */
	uint16_t *slot;              /* per ref position (nref + 1): words a var allows inserted before it */
	struct shpos *sorted;        /* its 3-grams sorted (key, position); built on first use */
};

static struct {
	struct tmpl *t;
	size_t n;
	/* 3-gram -> templates: sorted (key, template) pairs and an open table */
	uint64_t *pkey;
	uint32_t *ptpl;
	size_t npairs;
	uint64_t *ukey;              /* the distinct 3-grams, sorted */
	uint32_t *ustart;            /* their first pair; nkeys + 1 entries */
	size_t nkeys;
	pcre2_code *notice_re[64];
	int ok;
} db;

static pthread_once_t db_once = PTHREAD_ONCE_INIT;

/* Splits a template into segments; returns the count (segs may be NULL to count). */
/* The next "<<" in s[0..n), or NULL: memchr is far cheaper than memmem
 * on the many short spans between a template's markers. */
static const char *next_marker(const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		const char *lt = memchr(s, '<', (size_t)(end - s));

		if (!lt || lt + 1 >= end)
			return NULL;
		if (lt[1] == '<')
			return lt;
		s = lt + 1;
	}
	return NULL;
}

static size_t parse_template(const char *s, size_t n, struct seg *segs)
{
	size_t k = 0, i = 0;

	while (i < n) {
		const char *lt = next_marker(s + i, n - i);
		const char *gt;
		size_t a = i;

		if (!lt) {
			if (segs)
				segs[k] = (struct seg){ SEG_TEXT, s + a, n - a, NULL, 0 };
			k++;
			break;
		}
		if (lt > s + a) {
			if (segs)
				segs[k] = (struct seg){ SEG_TEXT, s + a, (size_t)(lt - (s + a)), NULL, 0 };
			k++;
		}
		if (strncmp(lt, "<<beginOptional>>", 17) == 0) {
			if (segs)
				segs[k] = (struct seg){ SEG_OPT_BEGIN, NULL, 0, NULL, 0 };
			k++;
			i = (size_t)(lt - s) + 17;
			continue;
		}
		if (strncmp(lt, "<<endOptional>>", 15) == 0) {
			if (segs)
				segs[k] = (struct seg){ SEG_OPT_END, NULL, 0, NULL, 0 };
			k++;
			i = (size_t)(lt - s) + 15;
			continue;
		}
		if (strncmp(lt, "<<var;", 6) == 0 && (gt = memmem(lt, (size_t)(s + n - lt), "\">>", 3)) != NULL) {
			const char *o = memmem(lt, (size_t)(gt - lt), "original=\"", 10);
			const char *m = memmem(lt, (size_t)(gt - lt), "match=\"", 7);

			if (segs) {
				struct seg *g = &segs[k];

				g->kind = SEG_VAR;
				g->p = NULL;
				g->n = 0;
				g->match = NULL;
				g->mlen = 0;
				if (o) {
					const char *oe = m && m > o ? m : gt;

					g->p = o + 10;
					g->n = (size_t)(oe - g->p);
					while (g->n && (g->p[g->n - 1] == '"' || g->p[g->n - 1] == ';' || g->p[g->n - 1] == ' '))
						g->n--;
				}
				if (m) {
					g->match = m + 7;
					g->mlen = (size_t)(gt - g->match);
				}
			}
			k++;
			i = (size_t)(gt - s) + 3;
			continue;
		}
		/* a lone "<<" is text */
		if (segs)
			segs[k] = (struct seg){ SEG_TEXT, lt, 2, NULL, 0 };
		k++;
		i = (size_t)(lt - s) + 2;
	}
	return k;
}

/* A var whose match rule is a plain alternation of words ("Software|Materials")
 * is text; anything else (".{0,5000}", ".+", "EXPRESS(ED)?") is a wildcard. */
static int var_is_simple(const struct seg *g)
{
	if (!g->match)
		return 0;
	for (size_t i = 0; i < g->mlen; i++) {
		char c = g->match[i];

		if (c == '\\' && i + 2 < g->mlen && g->match[i + 1] == 's' && g->match[i + 2] == '+') {
			i += 2;
			continue;
		}
		if (strchr("()?*+[]{}.^$\\", c))
			return 0;
	}
	return 1;
}

/* Words allowed for a wildcard var: ".{0,N}" -> N/4 + 2, else 60. */
static unsigned var_words(const struct seg *g)
{
	const char *q = g->match ? memmem(g->match, g->mlen, "{0,", 3) : NULL;

	if (q) {
		unsigned long v = strtoul(q + 3, NULL, 10);

		return v / 4 + 2 > 1000 ? 1000 : (unsigned)(v / 4 + 2);
	}
	return 60;
}

static void tmpl_words(struct tmpl *tp)
{
	const char *s = lb_license_template_blob + tp->t->off;
	size_t nseg = parse_template(s, tp->t->len, NULL);
	struct seg *segs = lb_xcalloc(nseg ? nseg : 1, sizeof(*segs));
	struct toks all = { 0 };
	uint8_t *opt = NULL;
	size_t optcap = 0, slotcap = 0;
	uint16_t *slot = NULL;
	size_t slots = 0;             /* slot[0..slots) are set */
	int depth = 0;

	parse_template(s, tp->t->len, segs);
	for (size_t i = 0; i < nseg; i++) {
		const struct seg *g = &segs[i];
		size_t before = all.n, allow = 0;
		int optional = depth > 0;

		if (g->kind == SEG_OPT_BEGIN) {
			depth++;
			continue;
		}
		if (g->kind == SEG_OPT_END) {
			depth -= depth > 0;
			continue;
		}
		if (g->kind == SEG_TEXT) {
			tokenize(g->p, g->n, &all, 1);
		} else if (var_is_simple(g)) {
			if (g->p)
				tokenize(g->p, g->n, &all, 1);
			optional = 1;
			allow = 8;            /* another alternative of the var */
		} else {
			allow = var_words(g);
		}
		lb_xgrow((void **)&opt, &optcap, all.n + 1, 1);
		lb_xgrow((void **)&slot, &slotcap, all.n + 1, sizeof(*slot));
		for (; slots <= all.n; slots++)
			slot[slots] = 0;
		for (size_t k = before; k < all.n; k++)
			opt[k] = (uint8_t)optional;
		/* words a var may hold go before the next word of the text */
		slot[before] = (uint16_t)(slot[before] + allow > 60000 ? 60000 : slot[before] + allow);
	}
	lb_xgrow((void **)&opt, &optcap, all.n + 1, 1);
	lb_xgrow((void **)&slot, &slotcap, all.n + 1, sizeof(*slot));
	for (; slots <= all.n; slots++)
		slot[slots] = 0;
	opt[all.n] = 0;
	tp->ref = lb_xmalloc((all.n ? all.n : 1) * sizeof(uint32_t));
	for (size_t i = 0; i < all.n; i++)
		tp->ref[i] = all.v[i].h;
	tp->nref = all.n;
	tp->opt = opt;
	tp->slot = slot;
	free(all.v);
	free(segs);
}

static uint64_t shingle(const uint32_t *h)
{
	uint64_t x = ((uint64_t)h[0] << 32 | h[1]) * 0x9E3779B97F4A7C15ull;

	x ^= (uint64_t)h[2] * 0xC2B2AE3D27D4EB4Full;
	x ^= x >> 29;
	return x ? x : 1;
}

static uint64_t shingle_tok(const struct tok *t)
{
	uint32_t h[3] = { t[0].h, t[1].h, t[2].h };

	return shingle(h);
}

struct pair {
	uint64_t key;
	uint32_t tpl;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The -or-later licenses share their text with the -only ones; only the
 * -only id is indexed, and notices decide (see licmatch.h). */
static int indexed(const char *id)
{
	return !lb_str_has_suffix(id, "-or-later") && !strstr(id, "-invariants-");
}

/* LSD radix sort (stable): qsort was two thirds of the index build. */
static void radix_pairs(struct pair *a, size_t n)
{
	/* four passes of 16 bits: half the passes of bytes, for a count
	 * array that still fits the cache */
	struct pair *tmp = lb_xmalloc((n ? n : 1) * sizeof(*tmp)), *src = a, *dst = tmp;
	size_t *count = lb_xmalloc((65536 + 1) * sizeof(*count));

	for (unsigned shift = 0; shift < 64; shift += 16) {
		memset(count, 0, (65536 + 1) * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[((src[i].key >> shift) & 0xffff) + 1]++;
		for (size_t b = 0; b < 65536; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xffff]++] = src[i];
		src = dst;
		dst = src == a ? tmp : a;
	}
	/* four passes: the result is back in a */
	free(count);
	free(tmp);
}

static void db_build(void)
{
	struct pair *pairs;
	size_t np = 0, w = 0;

	db.n = lb_license_ntemplates;
	db.t = lb_xcalloc(db.n, sizeof(*db.t));
	for (size_t i = 0; i < db.n; i++) {
		struct tmpl *tp = &db.t[i];

		tp->t = &lb_license_templates[i];
		tmpl_words(tp);
		tp->indexed = indexed(tp->t->id);
		if (tp->nref >= 3)
			np += tp->nref - 2;
	}
	/* every (3-gram, template) pair, sorted by 3-gram in one stable radix
	 * sort (templates stay in order), then made distinct: a template's
	 * count of distinct 3-grams falls out of the same pass */
	pairs = lb_xmalloc((np ? np : 1) * sizeof(*pairs));
	np = 0;
	for (size_t i = 0; i < db.n; i++)
		for (size_t k = 0; k + 2 < db.t[i].nref; k++) {
			pairs[np].key = shingle(db.t[i].ref + k);
			pairs[np].tpl = (uint32_t)i;
			np++;
		}
	radix_pairs(pairs, np);
	for (size_t i = 0; i < np; i++) {
		/* equal keys are together, templates ascending within them, so
		 * a repeat is the pair before (never yet overwritten: w < i then) */
		if (i > 0 && pairs[i - 1].key == pairs[i].key && pairs[i - 1].tpl == pairs[i].tpl)
			continue;
		db.t[pairs[i].tpl].nsh++;
		if (db.t[pairs[i].tpl].indexed)
			pairs[w++] = pairs[i];
	}
	np = w;
	db.npairs = np;
	db.ptpl = lb_xmalloc((np ? np : 1) * sizeof(*db.ptpl));
	for (size_t i = 0; i < np; i++)
		db.ptpl[i] = pairs[i].tpl;
	/* sorted distinct keys and where their templates start: 12 bytes a
	 * key, looked up by binary search (a hash table was 5 times bigger) */
	db.ukey = lb_xmalloc((np ? np : 1) * sizeof(*db.ukey));
	db.ustart = lb_xmalloc((np + 1) * sizeof(*db.ustart));
	for (size_t i = 0; i < np; i++)
		if (i == 0 || pairs[i].key != pairs[i - 1].key) {
			db.ukey[db.nkeys] = pairs[i].key;
			db.ustart[db.nkeys] = (uint32_t)i;
			db.nkeys++;
		}
	db.ustart[db.nkeys] = (uint32_t)np;
	free(pairs);
	for (size_t i = 0; i < lb_license_nnotices && i < LB_ARRAY_SIZE(db.notice_re); i++) {
		int err;
		PCRE2_SIZE eoff;

		db.notice_re[i] = pcre2_compile((PCRE2_SPTR)lb_license_notices[i][0], PCRE2_ZERO_TERMINATED, 0, &err,
						&eoff, NULL);
		if (db.notice_re[i])
			pcre2_jit_compile(db.notice_re[i], PCRE2_JIT_COMPLETE);
	}
	db.ok = 1;
}

int lb_licmatch_init(void)
{
	pthread_once(&db_once, db_build);
	return db.ok ? 0 : LB_ERR_INTERNAL;
}

static const uint32_t *lookup(uint64_t key, uint32_t *count)
{
	size_t lo = 0, hi = db.nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (db.ukey[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < db.nkeys && db.ukey[lo] == key) {
		*count = db.ustart[lo + 1] - db.ustart[lo];
		return db.ptpl + db.ustart[lo];
	}
	*count = 0;
	return NULL;
}

/* ---- matching ---- */

/* Inserted words before template word p (a run of `run`): allowed where a
 * var stands, and anywhere before the first or after the last word. */
static int run_ok(const struct tmpl *tp, long p, long run)
{
	if (p <= 0 || p >= (long)tp->nref)
		return 1;
	if (tp->slot[p] >= run)
		return 1;
	/* a var's other alternative, aligned after its (deleted) words */
	return tp->opt[p - 1] && run <= 8 + tp->slot[p - 1];
}

/*
 * Aligns the template's words (tp->ref, n) with the region's (b, m) by
 * Myers' greedy algorithm, keeping each round's furthest points so that
 * the edit script can be walked back.  Returns the edit distance
 * (insertions plus deletions), or -1 when it is over dmax.  The walk back
 * decides template conformance (*conform): every deleted template word is
 * optional, and every run of inserted words stands where a var allows
 * that many; *first and *last get the region's first and last matched
 * word (-1 when none).
 */
static long align(const struct tmpl *tp, const uint32_t *b, long m, long dmax,
		  int *conform, long *first, long *last)
{
	const uint32_t *a = tp->ref;
	long n = (long)tp->nref, off = dmax + 1, res = -1, w = 2 * dmax + 3;
	/* round d's furthest points, kept for the walk back only while d is
	 * small enough for the text to conform at all: O(D^2) memory */
	long tmax = dmax < TRACE_MAX ? dmax : TRACE_MAX;
	long **trace = lb_xcalloc((size_t)tmax + 1, sizeof(*trace));
	long *v = lb_xcalloc((size_t)w, sizeof(long));

	*conform = 0;
	*first = *last = -1;
	for (long d = 0; d <= dmax && res < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x, y;

			if (d == 0)
				x = 0;
			else if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < n && y < m && a[x] == b[y]) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= n && y >= m) {
				res = d;
				break;
			}
		}
		if (d <= tmax) {
			/* entries off-d-1 .. off+d+1 are all the next round reads */
			trace[d] = lb_xmalloc((size_t)(2 * d + 3) * sizeof(long));
			memcpy(trace[d], v + off - d - 1, (size_t)(2 * d + 3) * sizeof(long));
		}
	}
	if (res >= 0 && res <= tmax) {
		long x = n, y = m, run = 0, run_pos = -1;
		int ok = 1;

		for (long d = res; d >= 0; d--) {
			long k = x - y, pk = 0, px = 0, py = 0, mx = 0, my = 0;

			if (d > 0) {
				/* trace[d - 1][j] holds v[off + (j - d)] of round d - 1 */
				const long *pv = trace[d - 1] + d;

				pk = (k == -d || (k != d && pv[k - 1] < pv[k + 1])) ? k + 1 : k - 1;
				px = pv[pk];
				py = px - pk;
				if (pk == k + 1) {
					mx = px;          /* b[py] inserted before a[px] */
					my = py + 1;
				} else {
					mx = px + 1;      /* a[px] deleted */
					my = py;
				}
			}
			/* the snake: matched words; the span is that of runs of
			 * six or more, so that a few common words far away (a
			 * notice's "GNU General Public License") do not stretch it */
			if (x - mx >= 6 || (x > mx && x - mx == (long)tp->nref)) {
				if (*last < 0)
					*last = y - 1;
				*first = my;
			}
			if (d == 0)
				break;
			if (pk == k + 1) {
				if (run_pos == px) {
					run++;
				} else {
					if (run && !run_ok(tp, run_pos, run))
						ok = 0;
					run_pos = px;
					run = 1;
				}
			} else if (!tp->opt[px]) {
				ok = 0;
			}
			x = px;
			y = py;
		}
		if (run && !run_ok(tp, run_pos, run))
			ok = 0;
		*conform = ok;
	}
	for (long d = 0; d <= tmax; d++)
		free(trace[d]);
	free(trace);
	free(v);
	return res;
}

struct cand {
	size_t tpl;
	double contain;
	size_t a, b;                 /* region in the input, tokens [a, b) */
	double score, coverage, precision;
	int conformant, exact;
	size_t ra, rb;               /* the template's match inside the region, tokens */
	size_t matched;              /* words in common */
	size_t region_hits;          /* the template's 3-grams found in the region */
	double dice;                 /* estimated from the 3-grams, for ranking */
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Words of the region absent from the template (+) and the other way (-),
 * twenty at most each: enough to see what differs. */
static char *word_diff(const char *src, const struct tok *t, size_t a, size_t b, const struct tmpl *tp)
{
	uint32_t *ref = lb_xmalloc((tp->nref ? tp->nref : 1) * sizeof(*ref));
	uint32_t *reg = lb_xmalloc((b - a ? b - a : 1) * sizeof(*reg));
	struct lb_buf o;
	int added = 0;

	memcpy(ref, tp->ref, tp->nref * sizeof(*ref));
	for (size_t i = a; i < b; i++)
		reg[i - a] = t[i].h;
	qsort(ref, tp->nref, sizeof(*ref), cmp_u32);
	qsort(reg, b - a, sizeof(*reg), cmp_u32);
	lb_buf_init(&o, 4096);
	for (size_t i = a; i < b && added < 20; i++) {
		if (!bsearch(&t[i].h, ref, tp->nref, sizeof(*ref), cmp_u32)) {
			char w[MAX_WORD + 1];

			norm_word(src + t[i].off, t[i].len, w);
			lb_buf_addf(&o, "%s+%s", o.len ? " " : "", w);
			added++;
		}
	}
	if (tp->nref) {
		/* removed words: template words the region lacks, spelled from
		 * the template's text (its hashes are all the index keeps) */
		const char *s = lb_license_template_blob + tp->t->off;
		size_t nseg = parse_template(s, tp->t->len, NULL);
		struct seg *segs = lb_xcalloc(nseg ? nseg : 1, sizeof(*segs));
		int removed = 0;

		parse_template(s, tp->t->len, segs);
		for (size_t g = 0; g < nseg && removed < 20; g++) {
			struct toks tt = { 0 };

			if (!(segs[g].kind == SEG_TEXT || (segs[g].kind == SEG_VAR && var_is_simple(&segs[g]) && segs[g].p)))
				continue;
			tokenize(segs[g].p, segs[g].n, &tt, 1);
			for (size_t i = 0; i < tt.n && removed < 20; i++) {
				if (!bsearch(&tt.v[i].h, reg, b - a, sizeof(*reg), cmp_u32)) {
					char w[MAX_WORD + 1];

					norm_word(segs[g].p + tt.v[i].off, tt.v[i].len, w);
					lb_buf_addf(&o, "%s-%s", o.len ? " " : "", w);
					removed++;
				}
			}
			free(tt.v);
		}
		free(segs);
	}
	free(ref);
	free(reg);
	return o.len ? lb_buf_detach(&o, NULL) : (lb_buf_release(&o), NULL);
}

static int cmp_shpos(const void *a, const void *b)
{
	const struct shpos *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* A template's 3-grams sorted by key, then position: sorted once per
 * process, not once per text (the sort was most of find_regions).  Threads
 * may race to build it; the first to publish wins, the others free theirs. */
static const struct shpos *tmpl_shingles(const struct tmpl *tp)
{
	struct tmpl *t = (struct tmpl *)tp;   /* only the lazily built cache is written */
	struct shpos *sh = __atomic_load_n(&t->sorted, __ATOMIC_ACQUIRE), *expected = NULL;
	size_t ns = 0;

	if (sh)
		return sh;
	sh = lb_xmalloc((tp->nref > 2 ? tp->nref - 2 : 1) * sizeof(*sh));
	for (size_t k = 0; k + 2 < tp->nref; k++) {
		sh[ns].key = shingle(tp->ref + k);
		sh[ns].pos = (uint32_t)k;
		ns++;
	}
	qsort(sh, ns, sizeof(*sh), cmp_shpos);
	if (!__atomic_compare_exchange_n(&t->sorted, &expected, sh, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		free(sh);
		sh = expected;
	}
	return sh;
}

/*
 * The regions of the input where the template's 3-grams cluster: runs of
 * hits no further apart than `gap` words that follow the template forward
 * (a hit far back in the template starts a new region: a second copy of
 * the license, or another license sharing its phrases) and no longer than
 * three templates.  Fills at most MAX_REGIONS candidates (copies of *proto)
 * with the regions of most hits; returns how many.
 */
static size_t find_regions(const struct toks *in, const uint64_t *insh, const uint32_t *hitpos, size_t nhit,
			   const struct tmpl *tp, const struct cand *proto, struct cand *out)
{
	const struct shpos *sh = tmpl_shingles(tp);
	size_t ns = tp->nref > 2 ? tp->nref - 2 : 0, gap = tp->nref / 8 > 30 ? tp->nref / 8 : 30, nout = 0;
	size_t cur_a = 0, cur_last = 0, cur_hits = 0, maxlen = 3 * tp->nref + 60;
	uint32_t last_pos = 0, pend_pos = 0;
	size_t pend = 0, pend_i = 0;
	int in_run = 0, restart = 0;

	/* only the input positions whose 3-gram the template holds, and a
	 * last round past the end to close the run */
	for (size_t h = 0; h <= nhit; h++) {
		const struct shpos *hit = NULL;
		size_t i = h < nhit ? hitpos[h] : in->n;
		int close_run;

		if (i + 2 < in->n) {
			/* a phrase the template holds in several places: take the
			 * place at or after where the run is, else its first */
			uint32_t from = in_run && last_pos > 20 ? last_pos - 20 : 0;

			for (int pass = 0; pass < 2 && !hit; pass++) {
				struct shpos key = { insh[i], pass ? 0 : from };
				size_t lo = 0, hi = ns;

				while (lo < hi) {
					size_t mid = lo + (hi - lo) / 2;

					if (cmp_shpos(&sh[mid], &key) < 0)
						lo = mid + 1;
					else
						hi = mid;
				}
				if (lo < ns && sh[lo].key == insh[i])
					hit = &sh[lo];
			}
			if (!hit)
				continue;
		}
		/* a hit out of place in the template (a phrase the template also
		 * has elsewhere) is believed only when eight more follow it in
		 * order: then, far back, it starts a new region (a second copy
		 * of the license); ahead, the text skipped a part */
		if (hit && in_run) {
			long expect = (long)last_pos + (long)(i - cur_last);
			long dev = (long)hit->pos - expect;

			if (dev < -20 || dev > 40 + (long)(i - cur_last)) {
				if (pend && hit->pos >= pend_pos && hit->pos <= pend_pos + 30) {
					pend++;
					pend_pos = hit->pos;
				} else {
					pend = 1;
					pend_i = i;
					pend_pos = hit->pos;
				}
				if (pend < 8)
					continue;
				restart = hit->pos + 20 < last_pos;
			}
		}
		close_run = in_run && (!hit || restart || i - cur_last > gap || i - cur_a > maxlen);
		if (close_run && cur_hits >= 3) {
			/* keep the best MAX_REGIONS runs, most hits first */
			struct cand c = *proto;
			size_t at = nout;

			c.a = cur_a;
			c.b = cur_last + 3 > in->n ? in->n : cur_last + 3;
			c.region_hits = cur_hits;
			while (at > 0 && out[at - 1].region_hits < cur_hits)
				at--;
			if (at < MAX_REGIONS) {
				size_t keep = nout < MAX_REGIONS ? nout : MAX_REGIONS - 1;

				memmove(out + at + 1, out + at, (keep - at) * sizeof(*out));
				out[at] = c;
				if (nout < MAX_REGIONS)
					nout++;
			}
		}
		if (!hit)
			break;
		if (!in_run || close_run) {
			in_run = 1;
			cur_a = restart ? pend_i : i;
			cur_hits = restart ? pend - 1 : 0;
		}
		restart = 0;
		pend = 0;
		cur_last = i;
		last_pos = hit->pos;
		cur_hits++;
	}
	return nout;
}

static void score(const struct toks *in, struct cand *c)
{
	struct tmpl *tp = &db.t[c->tpl];
	size_t m = c->b - c->a, n = tp->nref;
	uint32_t *reg = lb_xmalloc((m ? m : 1) * sizeof(*reg));
	long d, first, last, dmax = (long)((n + m) * 3 / 20 + 50);
	int conform;

	/* a score under 0.85 is not an answer: no need to align further */
	if (dmax > 2500)
		dmax = 2500;
	for (size_t i = 0; i < m; i++)
		reg[i] = in->v[c->a + i].h;
	d = align(tp, reg, (long)m, dmax, &conform, &first, &last);
	c->ra = c->a;
	c->rb = c->b;
	if (d >= 0) {
		double matched = (double)((long)(n + m) - d) / 2.0;

		c->exact = d == 0;
		c->conformant = conform;
		if (first >= 0) {
			c->ra = c->a + (size_t)first;
			c->rb = c->a + (size_t)last + 1;
		}
		/* words outside the matched span are not the license's */
		m = c->rb - c->ra;
		c->score = 2.0 * matched / (double)(n + m);
		if (c->score > 1)
			c->score = 1;
		c->coverage = n ? matched / (double)n : 0;
		c->precision = m ? matched / (double)m : 0;
		c->matched = (size_t)matched;
	} else {
		/* too different to align: estimates from the 3-grams */
		c->score = c->contain * 0.5;
		c->coverage = c->contain;
		c->precision = m > 2 ? (double)c->region_hits / (double)(m - 2) : 0;
		c->matched = c->region_hits;
	}
	free(reg);
}

static int cmp_cand_dice(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->dice != b->dice)
		return a->dice > b->dice ? -1 : 1;
	return a->tpl < b->tpl ? -1 : a->tpl > b->tpl;
}

/* Best first: conformant before not; among conformant, the longer template
 * (the more specific relative); else the higher score. */
static int cmp_cand_best(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->conformant != b->conformant)
		return a->conformant ? -1 : 1;
	if (a->conformant && db.t[a->tpl].nref != db.t[b->tpl].nref)
		return db.t[a->tpl].nref > db.t[b->tpl].nref ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->tpl < b->tpl ? -1 : a->tpl > b->tpl;
}

struct finding {
	struct lb_licmatch m;
	size_t a, b;                 /* tokens; for notices the match */
	int is_exception;
	int gnu;                     /* GPL, LGPL, AGPL: takes exceptions */
};

struct result {
	struct finding *v;
	size_t n, cap;
};

static struct finding *add_finding(struct result *r, const char *expr, const char *matcher)
{
	struct finding *f;

	if (r->n >= MAX_FINDINGS)
		return NULL;
	lb_xgrow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	f = &r->v[r->n++];
	memset(f, 0, sizeof(*f));
	f->m.expr = lb_xstrdup(expr);
	f->m.matcher = matcher;
	f->gnu = !strncmp(expr, "GPL-", 4) || !strncmp(expr, "LGPL-", 5) || !strncmp(expr, "AGPL-", 5);
	return f;
}

static void full_texts(const char *src, const struct toks *in, struct result *r)
{
	uint64_t *insh, *uniq;
	uint32_t *hits;
	size_t nsh = in->n - 2, nu = 0, ncand = 0;
	struct cand cands[MAX_CANDIDATES * MAX_REGIONS];

	insh = lb_xmalloc(nsh * sizeof(*insh));
	uniq = lb_xmalloc(nsh * sizeof(*uniq));
	for (size_t i = 0; i < nsh; i++)
		uniq[i] = insh[i] = shingle_tok(in->v + i);
	qsort(uniq, nsh, sizeof(*uniq), cmp_u64);
	hits = lb_xcalloc(db.n, sizeof(*hits));
	for (size_t i = 0; i < nsh; i++) {
		uint32_t cnt;
		const uint32_t *p;

		if (i && uniq[i] == uniq[i - 1])
			continue;
		nu++;
		p = lookup(uniq[i], &cnt);
		if (cnt > MAX_POSTINGS)
			continue;
		for (uint32_t k = 0; k < cnt; k++)
			hits[p[k]]++;
	}
	{
		struct cand all[128];
		size_t na = 0;

		for (size_t t = 0; t < db.n; t++) {
			double c;

			if (hits[t] < 3 || !db.t[t].nsh)
				continue;
			c = (double)hits[t] / (double)db.t[t].nsh;
			/* a short text that is all of a part of a long template (the
			 * LGPL-3.0 template holds the GPL-3.0 after its own text) */
			if (c < 0.25 && !(hits[t] >= 100 && (double)hits[t] >= 0.8 * (double)nu))
				continue;
			if (na < LB_ARRAY_SIZE(all)) {
				memset(&all[na], 0, sizeof(all[na]));
				all[na].tpl = t;
				all[na].contain = c;
				/* ranked by an estimate of the Dice coefficient, so
				 * that the many short relatives whose every 3-gram
				 * is in a text do not crowd out the license itself */
				all[na].dice = 2.0 * hits[t] / (double)(db.t[t].nsh + (nu < 4 * db.t[t].nsh ? nu : 4 * db.t[t].nsh));
				na++;
			}
		}
		qsort(all, na, sizeof(*all), cmp_cand_dice);
		if (na > MAX_CANDIDATES)
			na = MAX_CANDIDATES;
		/* one pass over the input: for each candidate, the positions of
		 * its 3-grams (a 10 MB file must not be walked once a template) */
		{
			int32_t *slot = lb_xmalloc(db.n * sizeof(*slot));
			uint32_t *pos[MAX_CANDIDATES];
			size_t npos[MAX_CANDIDATES] = { 0 }, cap[MAX_CANDIDATES] = { 0 };

			for (size_t t = 0; t < db.n; t++)
				slot[t] = -1;
			for (size_t i = 0; i < na; i++) {
				slot[all[i].tpl] = (int32_t)i;
				pos[i] = NULL;
			}
			for (size_t i = 0; i < nsh; i++) {
				uint32_t cnt;
				const uint32_t *p = lookup(insh[i], &cnt);

				/* common phrases too: they are what joins a region */
				for (uint32_t k = 0; k < cnt; k++) {
					int32_t c = slot[p[k]];

					if (c < 0)
						continue;
					lb_xgrow((void **)&pos[c], &cap[c], npos[c] + 1, sizeof(**pos));
					pos[c][npos[c]++] = (uint32_t)i;
				}
			}
			for (size_t i = 0; i < na; i++) {
				ncand += find_regions(in, insh, pos[i], npos[i], &db.t[all[i].tpl], &all[i], cands + ncand);
				free(pos[i]);
			}
			free(slot);
		}
	}
	for (size_t i = 0; i < ncand; i++) {
		score(in, &cands[i]);
	}
	qsort(cands, ncand, sizeof(*cands), cmp_cand_best);
	for (size_t i = 0; i < ncand; i++) {
		struct cand *c = &cands[i];
		struct finding *f;
		int overlap = 0;

		int partial = !c->conformant && c->score < 0.9 && c->precision >= 0.95 && c->matched >= 300;

		/* an approximate answer needs most of the license too: a
		 * disclaimer shared by many licenses is not one of them */
		if (!c->conformant && !partial && (c->score < 0.9 || c->coverage < 0.9))
			continue;
		if (c->conformant && c->coverage < 0.5)
			continue;
		for (size_t k = 0; k < r->n && !overlap; k++) {
			size_t a = r->v[k].a > c->ra ? r->v[k].a : c->ra;
			size_t b = r->v[k].b < c->rb ? r->v[k].b : c->rb;

			overlap = b > a && (b - a) * 2 > (c->rb - c->ra);
		}
		if (overlap)
			continue;
		f = add_finding(r, db.t[c->tpl].t->id,
				c->exact ? "exact" : c->conformant ? "template" : partial ? "partial" : "approximate");
		if (!f)
			break;
		f->a = c->ra;
		f->b = c->rb;
		f->is_exception = db.t[c->tpl].t->is_exception;
		f->m.score = c->score;
		f->m.coverage = c->coverage;
		f->m.start_line = in->v[c->ra].line;
		f->m.end_line = in->v[c->rb - 1].line;
		if (!c->exact)
			f->m.diff = word_diff(src, in->v, c->ra, c->rb, &db.t[c->tpl]);
	}
	free(hits);
	free(insh);
	free(uniq);
}

/* "GPL-$1$+2" with the groups of a match. */
static char *expand(const char *tmpl, const char *subj, PCRE2_SIZE *ov, int rc)
{
	struct lb_buf b;

	lb_buf_init(&b, 4096);
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '$' && p[1] == '+' && p[2] >= '1' && p[2] <= '9') {
			int g = p[2] - '0';

			if (g < rc && ov[2 * g] != PCRE2_UNSET)
				lb_buf_add(&b, "+", 1);
			p += 2;
		} else if (p[0] == '$' && p[1] >= '1' && p[1] <= '9') {
			int g = p[1] - '0';

			if (g < rc && ov[2 * g] != PCRE2_UNSET)
				lb_buf_add(&b, subj + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
			p++;
		} else {
			lb_buf_add(&b, p, 1);
		}
	}
	return b.p ? lb_buf_detach(&b, NULL) : lb_xstrdup("");
}

/* Normalised text of tokens [a, b): each word followed by one space;
 * pos[i] (when not NULL) gets the byte offset of token a+i. */
static char *norm_text(const char *src, const struct tok *t, size_t a, size_t b, size_t *len, size_t *pos)
{
	struct lb_buf o;

	lb_buf_init(&o, SIZE_MAX / 2);
	for (size_t i = a; i < b; i++) {
		char w[MAX_WORD + 1];
		size_t wl = norm_word(src + t[i].off, t[i].len, w);

		if (pos)
			pos[i - a] = o.len;
		lb_buf_add(&o, w, wl);
		lb_buf_add(&o, " ", 1);
	}
	*len = o.len;
	return o.p ? lb_buf_detach(&o, NULL) : lb_xstrdup("");
}

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_push(struct strv *sv, char *s)
{
	lb_xgrow((void **)&sv->v, &sv->cap, sv->n + 1, sizeof(*sv->v));
	sv->v[sv->n++] = s;
}

static void notices(const char *src, const struct toks *in, struct result *r, struct strv *excs)
{
	size_t len, *pos = lb_xmalloc((in->n + 1) * sizeof(*pos));
	char *text = norm_text(src, in->v, 0, in->n, &len, pos);
	size_t nfull = r->n;

	for (size_t i = 0; i < lb_license_nnotices && i < LB_ARRAY_SIZE(db.notice_re); i++) {
		pcre2_code *re = db.notice_re[i];
		pcre2_match_data *md;
		PCRE2_SIZE start = 0;

		if (!re)
			continue;
		md = pcre2_match_data_create_from_pattern(re, NULL);
		while (start < len) {
			int rc = pcre2_match(re, (PCRE2_SPTR)text, len, start, 0, md, NULL);
			PCRE2_SIZE *ov;
			size_t ta = 0, tb = 0;
			int inside = 0;
			char *e;

			if (rc <= 0)
				break;
			ov = pcre2_get_ovector_pointer(md);
			for (size_t k = 0; k < in->n; k++) {
				if (pos[k] <= ov[0])
					ta = k;
				if (pos[k] < ov[1])
					tb = k + 1;
			}
			/* a notice inside a full text, or right after it (the
			 * "How to use this License" addenda the SPDX templates of
			 * the GFDL leave out), belongs to the text */
			for (size_t k = 0; k < nfull && !inside; k++)
				inside = ta >= r->v[k].a && ta < r->v[k].b + NOTICE_TAIL;
			start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
			if (inside)
				continue;
			e = expand(lb_license_notices[i][1], text, ov, rc);
			if (strncmp(e, "WITH ", 5) == 0) {
				strv_push(excs, lb_xstrdup(e + 5));
			} else {
				struct lb_norm_result nr;

				if (lb_license_normalize(e, LB_LIC_DEBIAN, &nr) == 0) {
					struct finding *f = add_finding(r, nr.expr, "notice");

					if (f) {
						f->a = ta;
						f->b = tb;
						f->m.score = 1;
						f->m.coverage = 1;
						f->m.start_line = in->v[ta].line;
						f->m.end_line = in->v[tb ? tb - 1 : 0].line;
					}
					lb_norm_result_release(&nr);
				}
			}
			free(e);
		}
		pcre2_match_data_free(md);
	}
	free(text);
	free(pos);
}

static int tag_invented(struct lb_norm_result *nr)
{
	int bad = (nr->flags & LB_NORM_WHOLE) != 0;

	for (size_t i = 0; i < nr->nrefs; i++)
		bad |= nr->refs[i].invented;
	if (bad)
		lb_norm_result_release(nr);
	return bad;
}

/* SPDX-License-Identifier: tags, on the raw lines. */
static void spdx_tags(const char *src, size_t n, struct result *r)
{
	static const char tag[] = "SPDX-License-Identifier:";
	const char *p = src, *end = src + n;
	unsigned line = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *t = memmem(p, (size_t)(le - p), tag, sizeof(tag) - 1);

		if (t) {
			const char *v = t + sizeof(tag) - 1, *ve = le;
			struct lb_norm_result nr;
			char *expr;

			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			/* comment closers and trailing punctuation */
			for (;;) {
				while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
					ve--;
				if (ve - v >= 2 && (memcmp(ve - 2, "*/", 2) == 0 || memcmp(ve - 2, "#}", 2) == 0)) {
					ve -= 2;
					continue;
				}
				if (ve - v >= 3 && memcmp(ve - 3, "-->", 3) == 0) {
					ve -= 3;
					continue;
				}
				if (ve > v && (ve[-1] == '"' || ve[-1] == '\'' || ve[-1] == ',' || ve[-1] == ';'))
					ve--;
				else
					break;
			}
			expr = lb_xstrndup(v, (size_t)(ve - v));
			/* a tag holds an SPDX expression: words that only read as
			 * one by making up LicenseRef-s (a comment that quotes
			 * the tag) are not a tag */
			if (*expr && lb_license_normalize(expr, LB_LIC_SPDX, &nr) == 0 && !tag_invented(&nr)) {
				struct finding *f = add_finding(r, nr.expr, "spdx-tag");

				if (f) {
					f->m.score = 1;
					f->m.coverage = 1;
					f->m.start_line = f->m.end_line = line;
					f->a = f->b = 0;
				}
				lb_norm_result_release(&nr);
			}
			free(expr);
		}
		p = le + 1;
		line++;
	}
}

static int cmp_finding(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;

	if (a->m.start_line != b->m.start_line)
		return a->m.start_line < b->m.start_line ? -1 : 1;
	return strcmp(a->m.expr, b->m.expr);
}

static void or_later(struct result *r)
{
	/* "either version 2 ... or any later version" and, elsewhere in the
	 * same file, a pointer to "the GNU General Public License version 2"
	 * are one license: the -or-later one */
	for (size_t i = 0; i < r->n;) {
		struct finding *f = &r->v[i];
		size_t l = strlen(f->m.expr);
		int later = 0;

		if (strcmp(f->m.matcher, "notice") == 0 && l > 5 && strcmp(f->m.expr + l - 5, "-only") == 0)
			for (size_t k = 0; k < r->n && !later; k++)
				later = strncmp(r->v[k].m.expr, f->m.expr, l - 5) == 0 &&
					strcmp(r->v[k].m.expr + l - 5, "-or-later") == 0;
		if (later) {
			free(f->m.expr);
			free(f->m.diff);
			memmove(r->v + i, r->v + i + 1, (r->n - i - 1) * sizeof(*r->v));
			r->n--;
			continue;
		}
		i++;
	}
	/* a -only full text plus an "or later" notice of the same license */
	for (size_t i = 0; i < r->n; i++) {
		struct finding *f = &r->v[i];
		size_t l;

		if (strcmp(f->m.matcher, "notice") == 0 || !lb_str_has_suffix(f->m.expr, "-only"))
			continue;
		l = strlen(f->m.expr) - 5;
		for (size_t k = 0; k < r->n; k++) {
			const char *e = r->v[k].m.expr;

			if (strcmp(r->v[k].m.matcher, "notice") == 0 && strncmp(e, f->m.expr, l) == 0 &&
			    strcmp(e + l, "-or-later") == 0) {
				char *n = lb_xstrdup(e);

				free(f->m.expr);
				f->m.expr = n;
				break;
			}
		}
	}
}

static void attach_exceptions(struct result *r, struct strv *excs)
{
	/* full-text exceptions join the list of exception ids */
	for (size_t i = 0; i < r->n;) {
		if (r->v[i].is_exception) {
			strv_push(excs, r->v[i].m.expr);
			r->v[i].m.expr = NULL;
			free(r->v[i].m.diff);
			memmove(r->v + i, r->v + i + 1, (r->n - i - 1) * sizeof(*r->v));
			r->n--;
			continue;
		}
		i++;
	}
	for (size_t x = 0; x < excs->n; x++) {
		int done = 0;

		for (size_t i = 0; i < r->n && !done; i++) {
			struct finding *f = &r->v[i];
			char *n;

			if (!f->gnu || strstr(f->m.expr, " WITH ") || strchr(f->m.expr, ' '))
				continue;
			n = lb_xasprintf("%s WITH %s", f->m.expr, excs->v[x]);
			free(f->m.expr);
			f->m.expr = n;
			done = 1;
		}
		/* the same exception again finds the license already taken: fine */
		free(excs->v[x]);
	}
	free(excs->v);
}

static char *join_expr(const struct result *r)
{
	struct lb_buf b;
	size_t kept = 0;
	struct lb_spdx_expr *e;
	char *out = NULL;

	lb_buf_init(&b, 1u << 20);
	for (size_t i = 0; i < r->n; i++) {
		int dup = 0;

		for (size_t k = 0; k < i && !dup; k++)
			dup = strcmp(r->v[k].m.expr, r->v[i].m.expr) == 0;
		if (dup)
			continue;
		lb_buf_addf(&b, "%s(%s)", kept ? " AND " : "", r->v[i].m.expr);
		kept++;
	}
	if (kept && lb_spdx_parse(b.p, &e, NULL, 0) == 0) {
		out = lb_spdx_to_string(e);
		lb_spdx_expr_free(e);
	}
	lb_buf_release(&b);
	return out;
}

int lb_licmatch_identify(const char *text, size_t len, struct lb_licmatch_result *out)
{
	struct toks in = { 0 };
	struct result r = { 0 };
	struct strv excs = { 0 };

	memset(out, 0, sizeof(*out));
	if (lb_licmatch_init() != 0)
		return LB_ERR_INTERNAL;
	if (len > LB_LICMATCH_MAX_TEXT) {
		len = LB_LICMATCH_MAX_TEXT;
		out->truncated = 1;
	}
	tokenize(text, len, &in, 1);
	if (in.n >= 3) {
		full_texts(text, &in, &r);
		notices(text, &in, &r, &excs);
	}
	spdx_tags(text, len, &r);
	or_later(&r);
	attach_exceptions(&r, &excs);
	if (r.n > 1)
		qsort(r.v, r.n, sizeof(*r.v), cmp_finding);
	out->expr = join_expr(&r);
	if (r.n) {
		out->v = lb_xcalloc(r.n, sizeof(*out->v));
		for (size_t i = 0; i < r.n; i++)
			out->v[i] = r.v[i].m;
		out->n = r.n;
	}
	free(r.v);
	free(in.v);
	return 0;
}

void lb_licmatch_result_release(struct lb_licmatch_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].expr);
		free(r->v[i].diff);
	}
	free(r->v);
	free(r->expr);
	memset(r, 0, sizeof(*r));
}

struct batch {
	struct lb_licmatch_job *jobs;
	size_t n;
	size_t next;             /* the next job to take (atomic) */
};

static void *batch_worker(void *arg)
{
	struct batch *b = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED)) < b->n)
		b->jobs[i].status = lb_licmatch_identify(b->jobs[i].text, b->jobs[i].len, &b->jobs[i].result);
	return NULL;
}

void lb_licmatch_identify_all(struct lb_licmatch_job *jobs, size_t n, unsigned threads)
{
	struct batch b = { jobs, n, 0 };
	pthread_t tid[7];
	unsigned started = 0;

	if (!n)
		return;                  /* the index is built only when a text needs it */
	if (!threads) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		threads = c > 0 ? (unsigned)c : 1;
	}
	if (threads > 8)
		threads = 8;
	if (threads > n)
		threads = (unsigned)n;
	lb_licmatch_init();          /* once, before the threads share the index */
	/* the calling thread is one of the workers */
	for (unsigned t = 1; t < threads; t++)
		if (pthread_create(&tid[started], NULL, batch_worker, &b) == 0)
			started++;
	batch_worker(&b);
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
}
