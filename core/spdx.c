/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SPDX license expressions: lookups in the generated license tables, the
 * strict SPDX 2.3 parser, the printer and the loose normaliser. See spdx.h
 * for the contract.
 *
 * The normaliser works in three steps: tokenize (words, and "(),;" alone),
 * scan (longest alias key first, so "GPL v2 or later" is one name although
 * it holds "or"; consecutive names form a segment; "with" takes the words
 * up to the next operator as an exception phrase), then a precedence parse
 * of the resulting items (comma-level < OR < AND). Anything it cannot read
 * falls back to one LicenseRef for the whole input, which is always valid.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spdx.h"

/* ---------------------------------------------------------------- bytes */

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* The characters SPDX allows in an idstring. */
static int is_idchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Locale-independent on purpose: ids and keys are ASCII. */
static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int eq_nocase(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static int prefix_nocase(const char *s, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && eq_nocase(s, plen, prefix);
}

static char *dup_mem(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * A short printable excerpt of untrusted input for error messages: at most
 * 40 input bytes, anything outside printable ASCII as \xNN.
 */
static const char *excerpt(const char *s, size_t len, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; i < len && i < 40 && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\'') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 4 < cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* ------------------------------------------------------------- lookups */

static int cmp_id(const char *key, size_t klen, const char *id)
{
	size_t i;

	for (i = 0; i < klen && id[i]; i++) {
		unsigned char a = lower((unsigned char)key[i]);
		unsigned char b = lower((unsigned char)id[i]);

		if (a != b)
			return a < b ? -1 : 1;
	}
	if (i < klen)
		return 1;
	return id[i] ? -1 : 0;
}

const struct lb_license_info *lb_license_lookup_len(const char *id, size_t len)
{
	size_t lo = 0, hi = lb_license_db_len;

	if (!id || !len)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_id(id, len, lb_license_db[mid].id);

		if (c == 0)
			return &lb_license_db[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct lb_license_info *lb_license_lookup(const char *id)
{
	return id ? lb_license_lookup_len(id, strlen(id)) : NULL;
}

const struct lb_license_info *lb_license_successor(
	const struct lb_license_info *info,
	const struct lb_license_info **exception)
{
	if (exception)
		*exception = NULL;
	if (!info || !(info->flags & LB_LICENSE_DEPRECATED) ||
	    info->successor < 0)
		return info;
	if (exception && info->successor_exception >= 0)
		*exception = &lb_license_db[info->successor_exception];
	return &lb_license_db[info->successor];
}

const char *lb_license_alias_lookup(enum lb_alias_set set, const char *key,
				    size_t len)
{
	const struct lb_alias_table *t;
	size_t lo, hi;

	if ((unsigned)set >= LB_ALIAS_COUNT || !key)
		return NULL;
	t = &lb_alias_tables[set];
	lo = 0;
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = t->v[mid].key;
		size_t klen = strlen(k);
		int c = memcmp(key, k, len < klen ? len : klen);

		if (c == 0)
			c = len < klen ? -1 : len > klen;
		if (c == 0)
			return t->v[mid].expr;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int is_punct(unsigned char c)
{
	return c == '(' || c == ')' || c == ',' || c == ';';
}

int lb_license_key_fold(const char *s, size_t len, char *buf, size_t cap)
{
	size_t i = 0, o = 0;
	unsigned char prev = 0;

	if (!s || !buf)
		return -1;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t start = i, tl;

		if (is_ws(c)) {
			i++;
			continue;
		}
		if (is_punct(c)) {
			tl = 1;
		} else {
			while (i < len && !is_ws((unsigned char)s[i]) &&
			       !is_punct((unsigned char)s[i]))
				i++;
			tl = i - start;
		}
		if (o && c != ')' && c != ',' && c != ';' && prev != '(') {
			if (o >= cap)
				return -1;
			buf[o++] = ' ';
		}
		if (tl > cap - o)
			return -1;
		for (size_t k = 0; k < tl; k++)
			buf[o++] = (char)lower((unsigned char)s[start + k]);
		prev = is_punct(c) ? c : 'w';
		i = start + tl;
	}
	buf[o] = '\0';
	return o > INT_MAX ? -1 : (int)o;
}

/* --------------------------------------------------------------- nodes */

static struct lb_spdx_expr *node_new(enum lb_spdx_kind kind)
{
	struct lb_spdx_expr *e = calloc(1, sizeof(*e));

	if (e)
		e->kind = kind;
	return e;
}

void lb_spdx_expr_free(struct lb_spdx_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		lb_spdx_expr_free(e->args[i]);
	free(e->args);
	free(e->ref);
	free(e->docref);
	free(e);
}

/*
 * args arrays grow by doubling; their capacity is implied by n (the next
 * power of two, at least 2), so the public struct needs no capacity field.
 */
static int args_push(struct lb_spdx_expr *e, struct lb_spdx_expr *a)
{
	if (e->n >= 2 && (e->n & (e->n - 1)) == 0) {
		struct lb_spdx_expr **p;

		if (e->n > SIZE_MAX / 2 / sizeof(*p))
			return -1;
		p = realloc(e->args, 2 * e->n * sizeof(*p));
		if (!p)
			return -1;
		e->args = p;
	} else if (!e->args) {
		e->args = malloc(2 * sizeof(*e->args));
		if (!e->args)
			return -1;
	}
	e->args[e->n++] = a;
	return 0;
}

/* Moves b's operands (or b) into a; frees b's shell. */
static int absorb(struct lb_spdx_expr *a, struct lb_spdx_expr *b)
{
	if (b->kind != a->kind)
		return args_push(a, b);
	for (size_t i = 0; i < b->n; i++) {
		if (args_push(a, b->args[i]) < 0) {
			/* keep the tree consistent: what was not moved stays in b */
			memmove(b->args, b->args + i, (b->n - i) * sizeof(*b->args));
			b->n -= i;
			return -1;
		}
	}
	b->n = 0;
	lb_spdx_expr_free(b);
	return 0;
}

/*
 * a OP b, flattened. Takes ownership of both; on failure frees both and
 * returns NULL.
 */
static struct lb_spdx_expr *combine(enum lb_spdx_kind op, struct lb_spdx_expr *a,
				    struct lb_spdx_expr *b)
{
	struct lb_spdx_expr *e = a;

	if (!a || !b)
		goto fail;
	if (a->kind != op) {
		e = node_new(op);
		if (!e || args_push(e, a) < 0) {
			free(e);
			goto fail;
		}
	}
	if (absorb(e, b) < 0) {
		lb_spdx_expr_free(e);
		lb_spdx_expr_free(b);
		return NULL;
	}
	return e;
fail:
	lb_spdx_expr_free(a);
	lb_spdx_expr_free(b);
	return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* "+" on a GNU-style -only id means the -or-later id. */
static const struct lb_license_info *or_later_of(const struct lb_license_info *l)
{
	char buf[128];
	size_t n = strlen(l->id);

	if (!ends_with(l->id, "-only") || n + 4 >= sizeof(buf))
		return NULL;
	memcpy(buf, l->id, n - 5);
	memcpy(buf + n - 5, "-or-later", 9);
	return lb_license_lookup_len(buf, n + 4);
}

static struct lb_spdx_expr *license_node(const struct lb_license_info *l,
					 int plus)
{
	struct lb_spdx_expr *e = node_new(LB_SPDX_LICENSE);
	const struct lb_license_info *later;

	if (!e)
		return NULL;
	if (plus && ends_with(l->id, "-or-later")) {
		plus = 0;
	} else if (plus && (later = or_later_of(l)) != NULL) {
		l = later;
		plus = 0;
	}
	e->license = l;
	e->plus = plus;
	return e;
}

static struct lb_spdx_expr *with_node(struct lb_spdx_expr *left,
				      const struct lb_license_info *exception)
{
	struct lb_spdx_expr *e;

	if (!left)
		return NULL;
	e = node_new(LB_SPDX_WITH);
	if (!e || args_push(e, left) < 0) {
		free(e);
		lb_spdx_expr_free(left);
		return NULL;
	}
	e->exception = exception;
	return e;
}

/* A LicenseRef node from "LicenseRef-x" text known to be valid. */
static struct lb_spdx_expr *ref_node(const char *ref, size_t len)
{
	struct lb_spdx_expr *e = node_new(LB_SPDX_LICENSEREF);

	if (!e)
		return NULL;
	e->ref = dup_mem(ref, len);
	if (!e->ref) {
		free(e);
		return NULL;
	}
	memcpy(e->ref, "LicenseRef-", 11); /* canonical case of the prefix */
	return e;
}

int lb_spdx_expr_equal(const struct lb_spdx_expr *a,
		       const struct lb_spdx_expr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->n != b->n)
		return 0;
	switch (a->kind) {
	case LB_SPDX_LICENSE:
		return a->license == b->license && a->plus == b->plus;
	case LB_SPDX_LICENSEREF:
		if (!a->ref || !b->ref || strcmp(a->ref, b->ref))
			return 0;
		if (!a->docref || !b->docref)
			return a->docref == b->docref;
		return strcmp(a->docref, b->docref) == 0;
	case LB_SPDX_WITH:
		if (a->exception != b->exception)
			return 0;
		break;
	case LB_SPDX_AND:
	case LB_SPDX_OR:
		break;
	}
	for (size_t i = 0; i < a->n; i++)
		if (!lb_spdx_expr_equal(a->args[i], b->args[i]))
			return 0;
	return 1;
}

/* -------------------------------------------------------- strict parser */

enum tok { T_END, T_LP, T_RP, T_AND, T_OR, T_WITH, T_ID, T_BAD };

struct parser {
	const char *s;
	size_t len, pos;
	enum tok t;             /* current token */
	size_t start, tlen;     /* its bytes (without the "+") */
	int plus;
	int depth;
	int rc;                 /* first error, or 0 */
	char *err;
	size_t errlen;
};

static void next(struct parser *p)
{
	const char *s = p->s;

	while (p->pos < p->len && is_ws((unsigned char)s[p->pos]))
		p->pos++;
	p->start = p->pos;
	p->tlen = 0;
	p->plus = 0;
	if (p->pos >= p->len) {
		p->t = T_END;
		return;
	}
	if (s[p->pos] == '(' || s[p->pos] == ')') {
		p->t = s[p->pos] == '(' ? T_LP : T_RP;
		p->tlen = 1;
		p->pos++;
		return;
	}
	while (p->pos < p->len && (is_idchar((unsigned char)s[p->pos]) ||
				   s[p->pos] == ':'))
		p->pos++;
	p->tlen = p->pos - p->start;
	if (!p->tlen) {
		p->t = T_BAD;
		p->tlen = 1;
		return;
	}
	if (p->pos < p->len && s[p->pos] == '+') {
		p->plus = 1;
		p->pos++;
	}
	p->t = T_ID;
	if (!p->plus) {
		const char *w = s + p->start;
		size_t n = p->tlen;

		if ((n == 3 && !memcmp(w, "AND", 3)) || (n == 3 && !memcmp(w, "and", 3)))
			p->t = T_AND;
		else if ((n == 2 && !memcmp(w, "OR", 2)) || (n == 2 && !memcmp(w, "or", 2)))
			p->t = T_OR;
		else if ((n == 4 && !memcmp(w, "WITH", 4)) || (n == 4 && !memcmp(w, "with", 4)))
			p->t = T_WITH;
	}
}

__attribute__((format(printf, 3, 4)))
static void fail(struct parser *p, int rc, const char *fmt, ...)
{
	va_list ap;

	if (p->rc)
		return;
	p->rc = rc;
	if (!p->err || !p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
}

static void fail_unexpected(struct parser *p, const char *want)
{
	char ex[200];

	if (p->t == T_END)
		fail(p, LB_SPDX_ESYNTAX, "expected %s at the end", want);
	else
		fail(p, LB_SPDX_ESYNTAX, "expected %s at offset %zu, got '%s'",
		     want, p->start,
		     excerpt(p->s + p->start, p->tlen + (size_t)p->plus, ex,
			     sizeof(ex)));
}

static int valid_idstring(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_idchar((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The current T_ID as [DocumentRef-x:]LicenseRef-y; NULL if it is not one. */
static struct lb_spdx_expr *parse_ref(struct parser *p, int *is_ref)
{
	const char *w = p->s + p->start;
	size_t n = p->tlen;
	const char *colon = memchr(w, ':', n);
	const char *ref = w;
	size_t reflen = n;
	struct lb_spdx_expr *e;
	char ex[200];

	*is_ref = 1;
	if (colon) {
		ref = colon + 1;
		reflen = n - (size_t)(ref - w);
		if (!prefix_nocase(w, n, "DocumentRef-") ||
		    !valid_idstring(w + 12, (size_t)(colon - w) - 12) ||
		    !prefix_nocase(ref, reflen, "LicenseRef-")) {
			fail(p, LB_SPDX_ESYNTAX, "malformed reference '%s'",
			     excerpt(w, n, ex, sizeof(ex)));
			return NULL;
		}
	} else if (!prefix_nocase(w, n, "LicenseRef-")) {
		*is_ref = 0;
		return NULL;
	}
	if (!valid_idstring(ref + 11, reflen - 11) || p->plus) {
		fail(p, LB_SPDX_ESYNTAX, "malformed reference '%s'",
		     excerpt(w, n + (size_t)p->plus, ex, sizeof(ex)));
		return NULL;
	}
	e = ref_node(ref, reflen);
	if (e && colon) {
		e->docref = dup_mem(w, (size_t)(colon - w));
		if (!e->docref) {
			lb_spdx_expr_free(e);
			e = NULL;
		} else {
			memcpy(e->docref, "DocumentRef-", 12);
		}
	}
	if (!e)
		fail(p, LB_SPDX_ENOMEM, "out of memory");
	return e;
}

static const struct lb_license_info *parse_exception_id(struct parser *p)
{
	const struct lb_license_info *x;
	char ex[200];

	if (p->t != T_ID) {
		fail_unexpected(p, "a license exception id after WITH");
		return NULL;
	}
	x = lb_license_lookup_len(p->s + p->start, p->tlen);
	if (!x || p->plus) {
		fail(p, LB_SPDX_EUNKNOWN, "unknown license exception id '%s'",
		     excerpt(p->s + p->start, p->tlen + (size_t)p->plus, ex,
			     sizeof(ex)));
		return NULL;
	}
	if (!(x->flags & LB_LICENSE_EXCEPTION)) {
		fail(p, LB_SPDX_EUNKNOWN, "'%s' is a license, not an exception",
		     x->id);
		return NULL;
	}
	return lb_license_successor(x, NULL);
}

static struct lb_spdx_expr *p_or(struct parser *p);

/* simple-expression [WITH exception], or "(" expression ")" */
static struct lb_spdx_expr *p_with(struct parser *p)
{
	const struct lb_license_info *l, *x = NULL, *repl;
	struct lb_spdx_expr *e;
	int is_ref, plus;
	char ex[200];

	if (p->t == T_LP) {
		if (++p->depth > LB_SPDX_MAX_DEPTH) {
			fail(p, LB_SPDX_ETOODEEP,
			     "parentheses nested deeper than %d",
			     LB_SPDX_MAX_DEPTH);
			return NULL;
		}
		next(p);
		e = p_or(p);
		if (!e)
			return NULL;
		if (p->t != T_RP) {
			fail_unexpected(p, "')'");
			lb_spdx_expr_free(e);
			return NULL;
		}
		p->depth--;
		next(p);
		if (p->t == T_WITH) {
			fail(p, LB_SPDX_ESYNTAX,
			     "WITH must follow a license id, not ')'");
			lb_spdx_expr_free(e);
			return NULL;
		}
		return e;
	}
	if (p->t != T_ID) {
		fail_unexpected(p, "a license id");
		return NULL;
	}
	e = parse_ref(p, &is_ref);
	if (is_ref) {
		if (!e)
			return NULL;
		next(p);
	} else {
		l = lb_license_lookup_len(p->s + p->start, p->tlen);
		plus = p->plus;
		if (!l) {
			fail(p, LB_SPDX_EUNKNOWN, "unknown license id '%s'",
			     excerpt(p->s + p->start, p->tlen, ex, sizeof(ex)));
			return NULL;
		}
		if (l->flags & LB_LICENSE_EXCEPTION) {
			fail(p, LB_SPDX_EUNKNOWN,
			     "'%s' is an exception, not a license", l->id);
			return NULL;
		}
		next(p);
		repl = lb_license_successor(l, &x);
		/*
		 * A deprecated license-plus-exception id followed by its own
		 * WITH cannot take its replacement (two exceptions); it stays
		 * as written, which is still valid SPDX.
		 */
		if (!(x && p->t == T_WITH))
			l = repl;
		else
			x = NULL;
		e = license_node(l, plus);
		if (e && x)
			e = with_node(e, x);
		if (!e) {
			fail(p, LB_SPDX_ENOMEM, "out of memory");
			return NULL;
		}
	}
	if (p->t != T_WITH)
		return e;
	next(p);
	x = parse_exception_id(p);
	if (!x) {
		lb_spdx_expr_free(e);
		return NULL;
	}
	next(p);
	e = with_node(e, x);
	if (!e)
		fail(p, LB_SPDX_ENOMEM, "out of memory");
	return e;
}

static struct lb_spdx_expr *p_binary(struct parser *p, enum tok op,
				     enum lb_spdx_kind kind,
				     struct lb_spdx_expr *(*sub)(struct parser *))
{
	struct lb_spdx_expr *a = sub(p), *b;

	while (a && p->t == op) {
		next(p);
		b = sub(p);
		if (!b) {
			lb_spdx_expr_free(a);
			return NULL;
		}
		a = combine(kind, a, b);
		if (!a)
			fail(p, LB_SPDX_ENOMEM, "out of memory");
	}
	return a;
}

static struct lb_spdx_expr *p_and(struct parser *p)
{
	return p_binary(p, T_AND, LB_SPDX_AND, p_with);
}

static struct lb_spdx_expr *p_or(struct parser *p)
{
	return p_binary(p, T_OR, LB_SPDX_OR, p_and);
}

int lb_spdx_parse_len(const char *s, size_t len, struct lb_spdx_expr **out,
		      char *err, size_t errlen)
{
	struct parser p = { .s = s, .len = len, .err = err, .errlen = errlen };
	struct lb_spdx_expr *e;

	if (err && errlen)
		err[0] = '\0';
	if (!out)
		return LB_SPDX_EINVAL;
	*out = NULL;
	if (!s && len)
		return LB_SPDX_EINVAL;
	if (len > LB_SPDX_MAX_LEN) {
		set_err(err, errlen, "expression longer than %u bytes",
			LB_SPDX_MAX_LEN);
		return LB_SPDX_ETOOLONG;
	}
	next(&p);
	if (p.t == T_END) {
		set_err(err, errlen, "empty expression");
		return LB_SPDX_EEMPTY;
	}
	e = p_or(&p);
	if (e && p.t != T_END) {
		fail_unexpected(&p, p.t == T_RP ? "an operator, not ')'"
						: "AND, OR or the end");
		lb_spdx_expr_free(e);
		e = NULL;
	}
	if (!e) {
		if (!p.rc)
			fail(&p, LB_SPDX_ENOMEM, "out of memory");
		return p.rc;
	}
	*out = e;
	return 0;
}

int lb_spdx_parse(const char *s, struct lb_spdx_expr **out, char *err,
		  size_t errlen)
{
	if (!s) {
		if (out)
			*out = NULL;
		set_err(err, errlen, "no expression");
		return LB_SPDX_EINVAL;
	}
	return lb_spdx_parse_len(s, strlen(s), out, err, errlen);
}

/* ------------------------------------------------------------- printer */

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (n + 1 > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 64;
		char *np;

		while (n + 1 > cap - b->len) {
			if (cap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			cap *= 2;
		}
		np = realloc(b->p, cap);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void print_expr(struct sbuf *b, const struct lb_spdx_expr *e, int nested)
{
	switch (e->kind) {
	case LB_SPDX_LICENSE:
		sb_str(b, e->license->id);
		if (e->plus)
			sb_add(b, "+", 1);
		return;
	case LB_SPDX_LICENSEREF:
		if (e->docref) {
			sb_str(b, e->docref);
			sb_add(b, ":", 1);
		}
		sb_str(b, e->ref);
		return;
	case LB_SPDX_WITH:
		print_expr(b, e->args[0], 1);
		sb_str(b, " WITH ");
		sb_str(b, e->exception->id);
		return;
	case LB_SPDX_AND:
	case LB_SPDX_OR:
		if (nested)
			sb_add(b, "(", 1);
		for (size_t i = 0; i < e->n; i++) {
			if (i)
				sb_str(b, e->kind == LB_SPDX_AND ? " AND " : " OR ");
			print_expr(b, e->args[i], 1);
		}
		if (nested)
			sb_add(b, ")", 1);
		return;
	}
}

char *lb_spdx_to_string(const struct lb_spdx_expr *e)
{
	struct sbuf b = { 0 };

	if (!e)
		return NULL;
	print_expr(&b, e, 0);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ---------------------------------------------------------- normaliser */

#define NORM_MAX_REFS 64
#define REF_READABLE_MAX 48

static uint32_t fnv1a(const unsigned char *s, size_t n, uint32_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

/* FNV-1a of the bytes with whitespace runs as one space, trimmed. */
static uint32_t hash_words(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	int pending = 0, any = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_ws(c)) {
			pending = any;
			continue;
		}
		if (pending)
			h = fnv1a((const unsigned char *)" ", 1, h);
		pending = 0;
		any = 1;
		h = fnv1a(&c, 1, h);
	}
	return h;
}

struct refbuf {
	char v[11 + REF_READABLE_MAX + 16];
	size_t o;
	int lossy;
};

static void ref_put(struct refbuf *r, char ch)
{
	if (ch == '-' && (r->o == 11 || r->v[r->o - 1] == '-'))
		return;         /* runs of dashes and leading dashes collapse */
	if (r->o - 11 >= REF_READABLE_MAX) {
		r->lossy = 1;
		return;
	}
	r->v[r->o++] = ch;
}

/*
 * "LicenseRef-<sanitised>[-<hash>]" for the words s[0..n). The readable part
 * is exact (up to spaces shown as '-' and '+' as "-plus") unless the words
 * hold other characters, dashes next to spaces or dashes, or are too long;
 * then the hash of the words keeps different inputs apart.
 */
static char *invent_ref(const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	struct refbuf r = { .o = 11 };
	unsigned char prev = 0; /* previous non-space byte, 0 at the start */
	int space = 0;

	memcpy(r.v, "LicenseRef-", 11);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_ws(c)) {
			space = prev != 0;
			continue;
		}
		if (space) {
			if (prev == '-' || c == '-' || c == '+')
				r.lossy = 1;
			ref_put(&r, '-');
			space = 0;
		}
		if (is_idchar(c)) {
			if (c == '-' && (prev == 0 || prev == '-'))
				r.lossy = 1;
			ref_put(&r, (char)c);
		} else if (c == '+') {
			if (prev == 0 || prev == '-')
				r.lossy = 1;
			ref_put(&r, '-');
			ref_put(&r, 'p');
			ref_put(&r, 'l');
			ref_put(&r, 'u');
			ref_put(&r, 's');
			c = 's';
		} else {
			r.lossy = 1;
			ref_put(&r, '-');
			c = '-';
		}
		prev = c;
	}
	if (prev == '-')
		r.lossy = 1;
	while (r.o > 11 && r.v[r.o - 1] == '-')
		r.o--;
	if (r.o == 11) {
		memcpy(r.v + r.o, "unknown", 7);
		r.o += 7;
		r.lossy = 1;
	}
	if (r.lossy) {
		uint32_t h = hash_words(s, n);

		r.v[r.o++] = '-';
		for (int k = 7; k >= 0; k--)
			r.v[r.o++] = hex[(h >> (4 * k)) & 15];
	}
	return dup_mem(r.v, r.o);
}

/*
 * The words s[0..n) as valid UTF-8: whitespace runs collapsed to one space
 * and trimmed, invalid sequences and control characters as U+FFFD.
 */
static char *clean_text(const char *s, size_t n)
{
	static const char repl[] = "\xef\xbf\xbd";
	struct sbuf b = { 0 };
	int pending = 0;
	size_t i = 0;

	sb_add(&b, "", 0);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k, need;
		uint32_t cp;

		if (is_ws(c)) {
			pending = b.len > 0;
			i++;
			continue;
		}
		if (pending)
			sb_add(&b, " ", 1);
		pending = 0;
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				sb_add(&b, repl, 3);
			else
				sb_add(&b, (const char *)&s[i], 1);
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			sb_add(&b, repl, 3);
			i++;
			continue;
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= n || ((unsigned char)s[i + k] & 0xc0) != 0x80)
				break;
			cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3f);
		}
		if (k <= need || (need == 2 && cp < 0x800) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f)) {
			sb_add(&b, repl, 3);
			i++;
			continue;
		}
		sb_add(&b, s + i, need + 1);
		i += need + 1;
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

struct ltok {
	size_t off, len;
	unsigned char kind;     /* 'w' for a word, else the punctuation byte */
};

struct reg_ref {
	char *id, *text;
};

struct nctx {
	const char *s;
	size_t len;
	enum lb_license_dialect d;
	struct ltok *tok;
	size_t ntok;
	struct reg_ref *reg;    /* invented refs, with their words */
	size_t nreg;
	int nomem, bad;         /* bad: not names and operators */
	int aliased;
	size_t words, max_unknown_words;
};

static int word_is(const struct nctx *c, const struct ltok *t, const char *w)
{
	return t->kind == 'w' && eq_nocase(c->s + t->off, t->len, w);
}

static int is_op_word(const struct nctx *c, const struct ltok *t)
{
	return word_is(c, t, "and") || word_is(c, t, "or") ||
	       word_is(c, t, "with");
}

static int tokenize(struct nctx *c)
{
	size_t i = 0, n = 0;

	c->tok = malloc((c->len + 1) * sizeof(*c->tok));
	if (!c->tok)
		return -1;
	while (i < c->len) {
		unsigned char ch = (unsigned char)c->s[i];
		size_t start = i;

		if (is_ws(ch)) {
			i++;
			continue;
		}
		if (is_punct(ch)) {
			c->tok[n++] = (struct ltok){ start, 1, ch };
			i++;
			continue;
		}
		while (i < c->len && !is_ws((unsigned char)c->s[i]) &&
		       !is_punct((unsigned char)c->s[i]))
			i++;
		c->tok[n++] = (struct ltok){ start, i - start, 'w' };
	}
	c->ntok = n;
	return 0;
}

/* Registers an invented ref; returns its node. */
static struct lb_spdx_expr *register_ref(struct nctx *c, const char *id,
					 const char *words, size_t n)
{
	struct lb_spdx_expr *e;
	size_t i;

	for (i = 0; i < c->nreg; i++)
		if (!strcmp(c->reg[i].id, id))
			break;
	if (i == c->nreg) {
		struct reg_ref *r;

		if (c->nreg >= NORM_MAX_REFS) {
			c->bad = 1;
			return NULL;
		}
		r = realloc(c->reg, (c->nreg + 1) * sizeof(*r));
		if (!r) {
			c->nomem = 1;
			return NULL;
		}
		c->reg = r;
		r[i].id = dup_mem(id, strlen(id));
		r[i].text = clean_text(words, n);
		if (!r[i].id || !r[i].text) {
			free(r[i].id);
			free(r[i].text);
			c->nomem = 1;
			return NULL;
		}
		c->nreg++;
	}
	e = ref_node(id, strlen(id));
	if (!e)
		c->nomem = 1;
	return e;
}

static struct lb_spdx_expr *unknown_node(struct nctx *c, size_t off, size_t n)
{
	char *id = invent_ref(c->s + off, n);
	struct lb_spdx_expr *e;

	if (!id) {
		c->nomem = 1;
		return NULL;
	}
	e = register_ref(c, id, c->s + off, n);
	free(id);
	return e;
}

/* Parses a table value (valid by construction); registers its refs. */
static struct lb_spdx_expr *alias_node(struct nctx *c, const char *expr,
				       size_t off, size_t n)
{
	struct lb_spdx_expr *e;
	int rc = lb_spdx_parse(expr, &e, NULL, 0);

	if (rc) {
		if (rc == LB_SPDX_ENOMEM)
			c->nomem = 1;
		else
			c->bad = 1;
		return NULL;
	}
	c->aliased = 1;
	if (e->kind == LB_SPDX_LICENSEREF) {
		struct lb_spdx_expr *r = register_ref(c, e->ref, c->s + off, n);

		lb_spdx_expr_free(e);
		return r;
	}
	/* alias values hold a LicenseRef only on their own, checked below */
	return e;
}

static const enum lb_alias_set *dialect_sets(enum lb_license_dialect d)
{
	static const enum lb_alias_set deb[] = { LB_ALIAS_DEBIAN, LB_ALIAS_COUNT };
	static const enum lb_alias_set fed[] = { LB_ALIAS_FEDORA, LB_ALIAS_COUNT };
	static const enum lb_alias_set alp[] = { LB_ALIAS_ALPINE, LB_ALIAS_COUNT };
	static const enum lb_alias_set none[] = { LB_ALIAS_COUNT };

	switch (d) {
	case LB_LIC_DEBIAN:
		return deb;
	case LB_LIC_FEDORA:
		return fed;
	case LB_LIC_ALPINE:
		return alp;
	case LB_LIC_SPDX:
	case LB_LIC_GENERIC:
		break;
	}
	return none;
}

/* One word as an SPDX id ("GPL-2.0+", "LicenseRef-x"), strictly. */
static struct lb_spdx_expr *spdx_word(struct nctx *c, const char *w, size_t n)
{
	struct lb_spdx_expr *e;
	int rc;

	if (!n || memchr(w, '(', n) || memchr(w, ')', n))
		return NULL;
	rc = lb_spdx_parse_len(w, n, &e, NULL, 0);
	if (rc == LB_SPDX_ENOMEM)
		c->nomem = 1;
	if (rc)
		return NULL;
	if (e->kind != LB_SPDX_LICENSE && e->kind != LB_SPDX_LICENSEREF &&
	    e->kind != LB_SPDX_WITH) {
		lb_spdx_expr_free(e);   /* "and", "or" never get here */
		return NULL;
	}
	return e;
}

/*
 * A known name starting at token i: the longest alias key (dialect table,
 * then generic) or a single SPDX id. Sets *used to the tokens consumed.
 */
static struct lb_spdx_expr *match_name(struct nctx *c, size_t i, size_t *used)
{
	const enum lb_alias_set *sets = dialect_sets(c->d);
	size_t maxl = 1, L;
	char key[512];

	if (c->tok[i].kind != 'w' || is_op_word(c, &c->tok[i]))
		return NULL;
	for (size_t k = 0; sets[k] != LB_ALIAS_COUNT; k++)
		if (lb_alias_tables[sets[k]].max_tokens > maxl)
			maxl = lb_alias_tables[sets[k]].max_tokens;
	if (lb_alias_tables[LB_ALIAS_GENERIC].max_tokens > maxl)
		maxl = lb_alias_tables[LB_ALIAS_GENERIC].max_tokens;
	if (maxl > c->ntok - i)
		maxl = c->ntok - i;
	for (L = maxl; L >= 1; L--) {
		const struct ltok *last = &c->tok[i + L - 1];
		size_t off = c->tok[i].off, n = last->off + last->len - off;
		int klen = lb_license_key_fold(c->s + off, n, key,
					       sizeof(key) - 1);
		const char *v = NULL;

		if (klen < 0)
			continue;
		for (size_t k = 0; !v && sets[k] != LB_ALIAS_COUNT; k++)
			v = lb_license_alias_lookup(sets[k], key, (size_t)klen);
		if (!v && L == 1) {
			struct lb_spdx_expr *e = spdx_word(c, c->s + off, n);

			if (e || c->nomem) {
				*used = 1;
				return e;
			}
		}
		if (!v)
			v = lb_license_alias_lookup(LB_ALIAS_GENERIC, key,
						    (size_t)klen);
		if (v) {
			*used = L;
			return alias_node(c, v, off, n);
		}
	}
	return NULL;
}

/* "MIT/Apache-2.0": every part a known name, joined with OR. */
static struct lb_spdx_expr *match_slashes(struct nctx *c, size_t i)
{
	const struct ltok *t = &c->tok[i];
	const char *w = c->s + t->off, *end = w + t->len, *p = w;
	struct lb_spdx_expr *e = NULL;

	if (t->kind != 'w' || !memchr(w, '/', t->len))
		return NULL;
	while (p <= end) {
		const char *q = memchr(p, '/', (size_t)(end - p));
		struct nctx sub = *c;
		struct ltok one;
		struct lb_spdx_expr *part;
		size_t used = 0;

		if (!q)
			q = end;
		one = (struct ltok){ (size_t)(p - c->s), (size_t)(q - p), 'w' };
		sub.tok = &one;
		sub.ntok = 1;
		part = q > p ? match_name(&sub, 0, &used) : NULL;
		c->nomem |= sub.nomem;
		c->bad |= sub.bad;
		c->reg = sub.reg;
		c->nreg = sub.nreg;
		c->aliased |= sub.aliased;
		if (!part) {
			lb_spdx_expr_free(e);
			return NULL;
		}
		e = e ? combine(LB_SPDX_OR, e, part) : part;
		if (!e) {
			c->nomem = 1;
			return NULL;
		}
		p = q + 1;
	}
	return e;
}

static const struct lb_license_info *lookup_exception_key(const char *key,
							  size_t klen)
{
	const char *v = lb_license_alias_lookup(LB_ALIAS_EXCEPTIONS, key, klen);
	const struct lb_license_info *x;

	if (v)
		return lb_license_lookup(v);
	if (memchr(key, ' ', klen))
		return NULL;
	x = lb_license_lookup_len(key, klen);
	if (!x || !(x->flags & LB_LICENSE_EXCEPTION))
		return NULL;
	return lb_license_successor(x, NULL);
}

/* The exception named by the words s[0..n) after "with", or NULL. */
static const struct lb_license_info *match_exception(const char *s, size_t n)
{
	char key[256];
	int klen = lb_license_key_fold(s, n, key, sizeof(key) - 1);
	const struct lb_license_info *x;

	if (klen <= 0)
		return NULL;
	x = lookup_exception_key(key, (size_t)klen);
	if (!x && klen > 10 && !memcmp(key + klen - 10, " exception", 10))
		x = lookup_exception_key(key, (size_t)klen - 10);
	return x;
}

enum item_kind { IT_TERM, IT_AND, IT_OR, IT_CAND, IT_COR, IT_LP, IT_RP };

struct item {
	enum item_kind kind;
	struct lb_spdx_expr *e;
};

struct items {
	struct item *v;
	size_t n, cap;
	size_t pos;
	int depth;
};

static int items_push(struct nctx *c, struct items *it, enum item_kind k,
		      struct lb_spdx_expr *e)
{
	if (it->n == it->cap) {
		size_t cap = it->cap ? 2 * it->cap : 16;
		struct item *v = realloc(it->v, cap * sizeof(*v));

		if (!v) {
			c->nomem = 1;
			lb_spdx_expr_free(e);
			return -1;
		}
		it->v = v;
		it->cap = cap;
	}
	it->v[it->n++] = (struct item){ k, e };
	return 0;
}

static void items_free(struct items *it)
{
	for (size_t i = 0; i < it->n; i++)
		lb_spdx_expr_free(it->v[i].e);
	free(it->v);
}

/*
 * A segment: consecutive names with no operator between them. parts[] holds
 * a node per known name, NULL per unknown word.
 */
struct segment {
	size_t first, end;      /* token range */
	struct lb_spdx_expr *parts[64];
	size_t partoff[64], partlen[64];
	size_t nparts;
	int unknown;
	size_t words;
};

static void seg_reset(struct segment *g)
{
	for (size_t i = 0; i < g->nparts; i++)
		lb_spdx_expr_free(g->parts[i]);
	g->nparts = 0;
	g->unknown = 0;
	g->words = 0;
}

/* The segment as one node; consumes the parts. */
static struct lb_spdx_expr *seg_build(struct nctx *c, struct segment *g)
{
	struct lb_spdx_expr *e = NULL;
	size_t off = c->tok[g->first].off;
	size_t n = c->tok[g->end - 1].off + c->tok[g->end - 1].len - off;

	if (g->words > c->max_unknown_words)
		c->max_unknown_words = g->words;
	/* Alpine: every unknown word is a name of its own (see spdx.h) */
	if (g->unknown && c->d != LB_LIC_ALPINE) {
		seg_reset(g);
		return unknown_node(c, off, n);
	}
	for (size_t i = 0; i < g->nparts; i++) {
		struct lb_spdx_expr *p = g->parts[i];

		g->parts[i] = NULL;
		if (!p) {
			p = unknown_node(c, g->partoff[i], g->partlen[i]);
			if (!p) {
				lb_spdx_expr_free(e);
				e = NULL;
				break;
			}
		}
		e = e ? combine(LB_SPDX_AND, e, p) : p;
		if (!e) {
			c->nomem = 1;
			break;
		}
	}
	seg_reset(g);
	return e;
}

static int seg_add(struct nctx *c, struct segment *g, size_t tok,
		   size_t used, struct lb_spdx_expr *e)
{
	if (!g->nparts && !g->unknown)
		g->first = tok;
	if (g->nparts == sizeof(g->parts) / sizeof(g->parts[0])) {
		lb_spdx_expr_free(e);
		c->bad = 1;     /* 64 names in a row: not a license list */
		return -1;
	}
	g->parts[g->nparts] = e;
	g->partoff[g->nparts] = c->tok[tok].off;
	g->partlen[g->nparts] = c->tok[tok + used - 1].off +
				c->tok[tok + used - 1].len - c->tok[tok].off;
	g->nparts++;
	g->end = tok + used;
	if (!e) {
		g->unknown = 1;
		g->words++;
	}
	return 0;
}

/* Turns the token stream into items: terms, operators, parentheses. */
static int scan(struct nctx *c, struct items *it)
{
	struct segment g = { 0 };
	size_t i = 0;

	while (i < c->ntok && !c->nomem && !c->bad) {
		const struct ltok *t = &c->tok[i];
		struct lb_spdx_expr *e;
		size_t used = 1;

		if (t->kind == 'w')
			c->words++;
		if (t->kind != 'w' || is_op_word(c, t)) {
			struct lb_spdx_expr *term = NULL;

			if (g.nparts) {
				size_t first = g.first;

				term = seg_build(c, &g);
				if (!term)
					break;
				if (word_is(c, t, "with")) {
					/* the exception phrase: up to the next operator */
					size_t j = i + 1, off, n;
					const struct lb_license_info *x;

					while (j < c->ntok && c->tok[j].kind == 'w' &&
					       !is_op_word(c, &c->tok[j]))
						j++;
					if (j == i + 1) {
						lb_spdx_expr_free(term);
						c->bad = 1;
						break;
					}
					c->words += j - i - 1;
					off = c->tok[i + 1].off;
					n = c->tok[j - 1].off + c->tok[j - 1].len - off;
					x = match_exception(c->s + off, n);
					if (x && term->kind == LB_SPDX_LICENSE) {
						term = with_node(term, x);
						if (!term)
							c->nomem = 1;
					} else {
						lb_spdx_expr_free(term);
						off = c->tok[first].off;
						n = c->tok[j - 1].off + c->tok[j - 1].len - off;
						term = unknown_node(c, off, n);
					}
					if (!term || items_push(c, it, IT_TERM, term) < 0)
						break;
					i = j;
					continue;
				}
				if (items_push(c, it, IT_TERM, term) < 0)
					break;
			} else if (word_is(c, t, "with")) {
				c->bad = 1;
				break;
			}
			if (t->kind == '(' || t->kind == ')') {
				if (items_push(c, it, t->kind == '(' ? IT_LP : IT_RP,
					       NULL) < 0)
					break;
			} else if (t->kind == ',' || t->kind == ';') {
				enum item_kind k = IT_CAND;

				if (i + 1 < c->ntok && word_is(c, &c->tok[i + 1], "or")) {
					k = IT_COR;
					i++;
				} else if (i + 1 < c->ntok &&
					   word_is(c, &c->tok[i + 1], "and")) {
					i++;
				}
				if (items_push(c, it, k, NULL) < 0)
					break;
			} else {
				if (items_push(c, it, word_is(c, t, "and") ? IT_AND
								      : IT_OR,
					       NULL) < 0)
					break;
			}
			i++;
			continue;
		}
		/* a standalone "+" after a known license: "GPL-2 +" */
		if (t->len == 1 && c->s[t->off] == '+' && g.nparts &&
		    g.parts[g.nparts - 1] &&
		    g.parts[g.nparts - 1]->kind == LB_SPDX_LICENSE &&
		    !g.parts[g.nparts - 1]->plus) {
			struct lb_spdx_expr *old = g.parts[g.nparts - 1];

			e = license_node(old->license, 1);
			if (!e) {
				c->nomem = 1;
				break;
			}
			lb_spdx_expr_free(old);
			g.parts[g.nparts - 1] = e;
			g.end = i + 1;
			i++;
			continue;
		}
		e = match_name(c, i, &used);
		if (!e && !c->nomem && !c->bad)
			e = match_slashes(c, i);
		if (c->nomem || c->bad) {
			lb_spdx_expr_free(e);
			break;
		}
		if (used > 1)
			c->words += used - 1;   /* approximately: keys are short */
		if (seg_add(c, &g, i, used, e) < 0)
			break;
		i += used;
	}
	if (!c->nomem && !c->bad && g.nparts) {
		struct lb_spdx_expr *term = seg_build(c, &g);

		if (term)
			items_push(c, it, IT_TERM, term);
	}
	seg_reset(&g);
	return (c->nomem || c->bad) ? -1 : 0;
}

static struct lb_spdx_expr *l_comma(struct nctx *c, struct items *it);

static struct lb_spdx_expr *l_prim(struct nctx *c, struct items *it)
{
	struct item *x;
	struct lb_spdx_expr *e;

	if (it->pos >= it->n) {
		c->bad = 1;
		return NULL;
	}
	x = &it->v[it->pos];
	if (x->kind == IT_TERM) {
		it->pos++;
		e = x->e;
		x->e = NULL;
		return e;
	}
	if (x->kind != IT_LP || ++it->depth > LB_SPDX_MAX_DEPTH) {
		c->bad = 1;
		return NULL;
	}
	it->pos++;
	e = l_comma(c, it);
	if (!e)
		return NULL;
	if (it->pos >= it->n || it->v[it->pos].kind != IT_RP) {
		lb_spdx_expr_free(e);
		c->bad = 1;
		return NULL;
	}
	it->pos++;
	it->depth--;
	return e;
}

static struct lb_spdx_expr *l_and(struct nctx *c, struct items *it)
{
	struct lb_spdx_expr *a = l_prim(c, it), *b;

	while (a && it->pos < it->n) {
		enum item_kind k = it->v[it->pos].kind;

		if (k == IT_AND)
			it->pos++;
		else if (k != IT_TERM && k != IT_LP)
			break;
		b = l_prim(c, it);
		if (!b) {
			lb_spdx_expr_free(a);
			return NULL;
		}
		a = combine(LB_SPDX_AND, a, b);
		if (!a)
			c->nomem = 1;
	}
	return a;
}

static struct lb_spdx_expr *l_or(struct nctx *c, struct items *it)
{
	struct lb_spdx_expr *a = l_and(c, it), *b;

	while (a && it->pos < it->n && it->v[it->pos].kind == IT_OR) {
		it->pos++;
		b = l_and(c, it);
		if (!b) {
			lb_spdx_expr_free(a);
			return NULL;
		}
		a = combine(LB_SPDX_OR, a, b);
		if (!a)
			c->nomem = 1;
	}
	return a;
}

static struct lb_spdx_expr *l_comma(struct nctx *c, struct items *it)
{
	struct lb_spdx_expr *a = l_or(c, it), *b;

	while (a && it->pos < it->n && (it->v[it->pos].kind == IT_CAND ||
					it->v[it->pos].kind == IT_COR)) {
		enum lb_spdx_kind op = it->v[it->pos].kind == IT_CAND ?
				       LB_SPDX_AND : LB_SPDX_OR;

		it->pos++;
		b = l_or(c, it);
		if (!b) {
			lb_spdx_expr_free(a);
			return NULL;
		}
		a = combine(op, a, b);
		if (!a)
			c->nomem = 1;
	}
	return a;
}

static struct lb_spdx_expr *loose_parse(struct nctx *c)
{
	struct items it = { 0 };
	struct lb_spdx_expr *e = NULL;

	if (tokenize(c) < 0) {
		c->nomem = 1;
		return NULL;
	}
	if (scan(c, &it) == 0) {
		e = l_comma(c, &it);
		if (e && it.pos != it.n) {
			lb_spdx_expr_free(e);
			e = NULL;
			c->bad = 1;
		}
	}
	items_free(&it);
	/*
	 * Sentences of licence prose are not lists of names: a long unknown
	 * run, or any unknown run of two words or more in a long string.
	 */
	if (e && (c->max_unknown_words >= 4 ||
		  (c->words >= 8 && c->max_unknown_words >= 2))) {
		lb_spdx_expr_free(e);
		e = NULL;
		c->bad = 1;
	}
	if (!e && !c->nomem)
		c->bad = 1;
	return e;
}

/* ------------------------------------------------------------- results */

void lb_norm_result_release(struct lb_norm_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrefs; i++) {
		free(r->refs[i].id);
		free(r->refs[i].text);
	}
	free(r->refs);
	free(r->expr);
	memset(r, 0, sizeof(*r));
}

static int result_add_ref(struct lb_norm_result *r, const struct nctx *c,
			  const char *id)
{
	struct lb_norm_ref *v;
	const char *text = id;
	int invented = 0;

	for (size_t i = 0; i < r->nrefs; i++)
		if (!strcmp(r->refs[i].id, id))
			return 0;
	for (size_t i = 0; c && i < c->nreg; i++) {
		if (!strcmp(c->reg[i].id, id)) {
			text = c->reg[i].text;
			invented = 1;
			break;
		}
	}
	v = realloc(r->refs, (r->nrefs + 1) * sizeof(*v));
	if (!v)
		return -1;
	r->refs = v;
	v[r->nrefs].id = dup_mem(id, strlen(id));
	v[r->nrefs].text = dup_mem(text, strlen(text));
	v[r->nrefs].invented = invented;
	if (!v[r->nrefs].id || !v[r->nrefs].text) {
		free(v[r->nrefs].id);
		free(v[r->nrefs].text);
		return -1;
	}
	r->nrefs++;
	return 0;
}

/* Lists the LicenseRefs of e in order of appearance. */
static int collect_refs(struct lb_norm_result *r, const struct nctx *c,
			const struct lb_spdx_expr *e)
{
	if (e->kind == LB_SPDX_LICENSEREF)
		return e->docref ? 0 : result_add_ref(r, c, e->ref);
	for (size_t i = 0; i < e->n; i++)
		if (collect_refs(r, c, e->args[i]) < 0)
			return -1;
	return 0;
}

static void nctx_release(struct nctx *c)
{
	for (size_t i = 0; i < c->nreg; i++) {
		free(c->reg[i].id);
		free(c->reg[i].text);
	}
	free(c->reg);
	free(c->tok);
	c->reg = NULL;
	c->nreg = 0;
	c->tok = NULL;
}

static int finish(struct lb_norm_result *out, const struct nctx *c,
		  struct lb_spdx_expr *e)
{
	int rc = 0;

	if (collect_refs(out, c, e) < 0)
		rc = LB_SPDX_ENOMEM;
	if (!rc) {
		out->expr = lb_spdx_to_string(e);
		if (!out->expr)
			rc = LB_SPDX_ENOMEM;
	}
	lb_spdx_expr_free(e);
	if (rc)
		lb_norm_result_release(out);
	return rc;
}

int lb_license_normalize_len(const char *in, size_t len,
			     enum lb_license_dialect d,
			     struct lb_norm_result *out)
{
	struct nctx c = { 0 };
	struct lb_spdx_expr *e = NULL;
	size_t a = 0, b = len;
	int rc;

	if (!out)
		return LB_SPDX_EINVAL;
	memset(out, 0, sizeof(*out));
	if ((!in && len) || (unsigned)d > LB_LIC_GENERIC)
		return LB_SPDX_EINVAL;
	while (a < b && is_ws((unsigned char)in[a]))
		a++;
	while (b > a && is_ws((unsigned char)in[b - 1]))
		b--;
	if (a == b || eq_nocase(in + a, b - a, "NONE") ||
	    eq_nocase(in + a, b - a, "NOASSERTION"))
		return LB_SPDX_EEMPTY;
	in += a;
	len = b - a;

	if (len <= LB_SPDX_MAX_LEN) {
		rc = lb_spdx_parse_len(in, len, &e, NULL, 0);
		if (rc == LB_SPDX_ENOMEM)
			return rc;
		if (!rc) {
			out->flags |= LB_NORM_STRICT;
			return finish(out, NULL, e);
		}
	}

	/* A PyPI trove classifier: "License :: OSI Approved :: MIT License" */
	if (d == LB_LIC_GENERIC || d == LB_LIC_SPDX) {
		for (size_t i = len; i >= 4; i--) {
			if (!memcmp(in + i - 4, " :: ", 4)) {
				if (i < len) {
					len -= i;
					in += i;
				}
				break;
			}
		}
	}

	c.s = in;
	c.len = len;
	c.d = d;
	if (len <= LB_SPDX_MAX_LEN)
		e = loose_parse(&c);
	if (c.nomem) {
		nctx_release(&c);
		return LB_SPDX_ENOMEM;
	}
	if (!e) {
		/* the whole input as one LicenseRef */
		nctx_release(&c);
		memset(&c, 0, sizeof(c));
		c.s = in;
		c.len = len;
		e = unknown_node(&c, 0, len);
		if (!e) {
			nctx_release(&c);
			return LB_SPDX_ENOMEM;
		}
		out->flags |= LB_NORM_WHOLE;
	} else if (c.aliased) {
		out->flags |= LB_NORM_ALIASED;
	}
	rc = finish(out, &c, e);
	nctx_release(&c);
	return rc;
}

int lb_license_normalize(const char *in, enum lb_license_dialect d,
			 struct lb_norm_result *out)
{
	if (!in) {
		if (out)
			memset(out, 0, sizeof(*out));
		return LB_SPDX_EINVAL;
	}
	return lb_license_normalize_len(in, strlen(in), d, out);
}
