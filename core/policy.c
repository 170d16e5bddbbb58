/* SPDX-License-Identifier: Apache-2.0 */
#include "policy.h"

#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emit_common.h"
#include "license_db.h"
#include "spdx.h"
#include "util.h"

/* A policy file is small; anything larger is a mistake, not a policy. */
#define POLICY_MAX_BYTES (4u << 20)

static const char *const category_names[LB_CAT_COUNT] = {
	[LB_CAT_UNKNOWN] = "unknown",
	[LB_CAT_PERMISSIVE] = "permissive",
	[LB_CAT_WEAK_COPYLEFT] = "weak-copyleft",
	[LB_CAT_STRONG_COPYLEFT] = "strong-copyleft",
	[LB_CAT_NETWORK_COPYLEFT] = "network-copyleft",
	[LB_CAT_PUBLIC_DOMAIN] = "public-domain",
	[LB_CAT_PROPRIETARY] = "proprietary",
};

static const char *const verdict_names[LB_VERDICT_COUNT] = { "allow", "review", "deny" };

const char *lb_category_name(enum lb_license_category c)
{
	return (unsigned)c < LB_CAT_COUNT ? category_names[c] : "unknown";
}

int lb_category_from_name(const char *name, enum lb_license_category *out)
{
	for (int i = 0; i < LB_CAT_COUNT; i++)
		if (strcmp(category_names[i], name) == 0) {
			*out = (enum lb_license_category)i;
			return 0;
		}
	return -1;
}

const char *lb_verdict_name(enum lb_verdict v)
{
	return (unsigned)v < LB_VERDICT_COUNT ? verdict_names[v] : "review";
}

int lb_verdict_from_name(const char *name, enum lb_verdict *out)
{
	for (int i = 0; i < LB_VERDICT_COUNT; i++)
		if (strcmp(verdict_names[i], name) == 0) {
			*out = (enum lb_verdict)i;
			return 0;
		}
	return -1;
}

enum lb_license_category lb_license_category(const char *id)
{
	size_t lo = 0, hi = lb_license_ncategories;

	if (!id)
		return LB_CAT_UNKNOWN;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcasecmp(id, lb_license_categories[mid].id);

		if (c == 0)
			return lb_license_categories[mid].category;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return LB_CAT_UNKNOWN;
}

/* ---- policies ---- */

enum rule_kind { RULE_ID, RULE_CATEGORY, RULE_PATTERN, RULE_NOASSERTION };

struct rule {
	enum rule_kind kind;
	char *text;                     /* as written, for messages */
	char *id;                       /* RULE_ID: canonical id or the LicenseRef */
	enum lb_license_category category;
};

struct cat_override {
	char *key;                      /* an id or a pattern */
	int pattern;
	enum lb_license_category category;
};

struct lb_policy {
	struct rule *rules[LB_VERDICT_COUNT];
	size_t nrules[LB_VERDICT_COUNT];
	struct cat_override *cats;
	size_t ncats;
	int has_default;
	enum lb_verdict def;
};

void lb_policy_free(struct lb_policy *p)
{
	if (!p)
		return;
	for (int v = 0; v < LB_VERDICT_COUNT; v++) {
		for (size_t i = 0; i < p->nrules[v]; i++) {
			free(p->rules[v][i].text);
			free(p->rules[v][i].id);
		}
		free(p->rules[v]);
	}
	for (size_t i = 0; i < p->ncats; i++)
		free(p->cats[i].key);
	free(p->cats);
	free(p);
}

struct lb_policy *lb_policy_default(void)
{
	return lb_xcalloc(1, sizeof(struct lb_policy));
}

static int is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int is_ref(const char *s)
{
	return strncasecmp(s, "LicenseRef-", 11) == 0 || strncasecmp(s, "DocumentRef-", 12) == 0;
}

/* The canonical id an entry names: a deprecated id stands for its
 * successor.  NULL (and a message) when it names no license. */
static char *entry_id(const char *s, const char *where, char *err, size_t errlen)
{
	const struct lb_license_info *li = lb_license_lookup(s);
	size_t n = strlen(s);
	int plus = 0;

	if (!li && n > 1 && s[n - 1] == '+') {
		li = lb_license_lookup_len(s, n - 1);
		plus = 1;
	}
	if (!li) {
		snprintf(err, errlen, "%s: unknown license id '%s'", where, s);
		return NULL;
	}
	if (li->flags & LB_LICENSE_EXCEPTION) {
		snprintf(err, errlen, "%s: '%s' is an exception; 'X WITH %s' is judged as X", where, s,
			 li->id);
		return NULL;
	}
	li = lb_license_successor(li, NULL);
	return plus ? lb_xasprintf("%s+", li->id) : lb_xstrdup(li->id);
}

static int parse_list(struct lb_policy *p, enum lb_verdict v, json_t *arr, char *err, size_t errlen)
{
	const char *where = verdict_names[v];
	size_t i;
	json_t *e;

	if (!json_is_array(arr)) {
		snprintf(err, errlen, "'%s' must be an array of strings", where);
		return -1;
	}
	p->rules[v] = lb_xcalloc(json_array_size(arr) + 1, sizeof(struct rule));
	json_array_foreach(arr, i, e) {
		struct rule *r = &p->rules[v][p->nrules[v]];
		const char *s = json_string_value(e);

		if (!s || !*s) {
			snprintf(err, errlen, "%s: entry %zu is not a non-empty string", where, i + 1);
			return -1;
		}
		if (strcmp(s, "NOASSERTION") == 0) {
			r->kind = RULE_NOASSERTION;
		} else if (strncmp(s, "category:", 9) == 0) {
			r->kind = RULE_CATEGORY;
			if (lb_category_from_name(s + 9, &r->category) != 0) {
				snprintf(err, errlen,
					 "%s: unknown category '%s' (permissive, weak-copyleft, strong-copyleft, "
					 "network-copyleft, public-domain, proprietary, unknown)", where, s + 9);
				return -1;
			}
		} else if (is_pattern(s)) {
			r->kind = RULE_PATTERN;
		} else if (is_ref(s)) {
			r->kind = RULE_ID;
			r->id = lb_xstrdup(s);
		} else {
			r->kind = RULE_ID;
			if (!(r->id = entry_id(s, where, err, errlen)))
				return -1;
		}
		r->text = lb_xstrdup(s);
		p->nrules[v]++;
	}
	return 0;
}

static int parse_categories(struct lb_policy *p, json_t *obj, char *err, size_t errlen)
{
	const char *key;
	json_t *val;

	if (!json_is_object(obj)) {
		snprintf(err, errlen, "'categories' must be an object of id: category");
		return -1;
	}
	p->cats = lb_xcalloc(json_object_size(obj) + 1, sizeof(struct cat_override));
	json_object_foreach(obj, key, val) {
		struct cat_override *c = &p->cats[p->ncats];
		const char *name = json_string_value(val);

		if (!name || lb_category_from_name(name, &c->category) != 0) {
			snprintf(err, errlen, "categories: '%s' needs a category name, not %s", key,
				 name ? name : "a non-string");
			return -1;
		}
		c->pattern = is_pattern(key);
		if (c->pattern || is_ref(key)) {
			c->key = lb_xstrdup(key);
		} else if (!(c->key = entry_id(key, "categories", err, errlen))) {
			return -1;
		}
		p->ncats++;
	}
	return 0;
}

int lb_policy_parse(const char *json, size_t len, struct lb_policy **out, char *err, size_t errlen)
{
	struct lb_policy *p;
	json_error_t je;
	json_t *root, *val;
	const char *key;
	int r = 0;

	*out = NULL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "line %d, column %d: %s", je.line, je.column, je.text);
		return LB_ERR_USAGE;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "a policy is a JSON object with \"deny\", \"review\", \"allow\"");
		json_decref(root);
		return LB_ERR_USAGE;
	}
	p = lb_policy_default();
	json_object_foreach(root, key, val) {
		enum lb_verdict v;

		if (lb_verdict_from_name(key, &v) == 0) {
			r = parse_list(p, v, val, err, errlen);
		} else if (strcmp(key, "categories") == 0) {
			r = parse_categories(p, val, err, errlen);
		} else if (strcmp(key, "default") == 0) {
			if (!json_is_string(val) || lb_verdict_from_name(json_string_value(val), &p->def) != 0) {
				snprintf(err, errlen, "'default' must be \"allow\", \"review\" or \"deny\"");
				r = -1;
			}
			p->has_default = 1;
		} else {
			snprintf(err, errlen, "unknown key '%s' (deny, review, allow, categories, default)", key);
			r = -1;
		}
		if (r)
			break;
	}
	json_decref(root);
	if (r) {
		lb_policy_free(p);
		return LB_ERR_USAGE;
	}
	*out = p;
	return 0;
}

int lb_policy_load(const char *path, struct lb_policy **out, char *err, size_t errlen)
{
	struct lb_buf b;
	char chunk[8192];
	size_t n;
	FILE *f;
	int r;

	*out = NULL;
	if (!(f = fopen(path, "rb"))) {
		snprintf(err, errlen, "%s", strerror(errno));
		return LB_ERR_INPUT;
	}
	lb_buf_init(&b, POLICY_MAX_BYTES);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (lb_buf_add(&b, chunk, n) != 0) {
			snprintf(err, errlen, "larger than %u bytes", POLICY_MAX_BYTES);
			fclose(f);
			lb_buf_release(&b);
			return LB_ERR_USAGE;
		}
	if (ferror(f)) {
		snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
		fclose(f);
		lb_buf_release(&b);
		return LB_ERR_INPUT;
	}
	fclose(f);
	r = lb_policy_parse(b.p ? b.p : "", b.len, out, err, errlen);
	lb_buf_release(&b);
	return r;
}

/* ---- evaluation ---- */

/* A license of an expression: its id (without "+"), and whether "+" follows. */
struct leaf {
	const char *id;
	int plus;
};

static int names_match(const char *pat, int pattern, const struct leaf *l)
{
	char buf[256];

	if (!pattern) {
		size_t n = strlen(pat);

		if (strcasecmp(pat, l->id) == 0)
			return 1;
		/* an entry "X+" names X followed by "+" */
		return l->plus && n > 1 && pat[n - 1] == '+' && strlen(l->id) == n - 1 &&
		       strncasecmp(pat, l->id, n - 1) == 0;
	}
	if (fnmatch(pat, l->id, FNM_CASEFOLD) == 0)
		return 1;
	if (l->plus && (size_t)snprintf(buf, sizeof(buf), "%s+", l->id) < sizeof(buf))
		return fnmatch(pat, buf, FNM_CASEFOLD) == 0;
	return 0;
}

static enum lb_license_category leaf_category(const struct lb_policy *p, const struct leaf *l)
{
	for (size_t i = 0; i < p->ncats; i++)
		if (names_match(p->cats[i].key, p->cats[i].pattern, l))
			return p->cats[i].category;
	if (is_ref(l->id))
		return LB_CAT_UNKNOWN;
	return lb_license_category(l->id);
}

static void judge_leaf(const struct lb_policy *p, const struct leaf *l, struct lb_policy_term *t)
{
	static const enum lb_verdict order[] = { LB_VERDICT_DENY, LB_VERDICT_REVIEW, LB_VERDICT_ALLOW };

	t->category = leaf_category(p, l);
	for (size_t k = 0; k < LB_ARRAY_SIZE(order); k++) {
		enum lb_verdict v = order[k];

		for (size_t i = 0; i < p->nrules[v]; i++) {
			const struct rule *r = &p->rules[v][i];
			int hit = 0;

			switch (r->kind) {
			case RULE_ID:
				hit = names_match(r->id, 0, l);
				break;
			case RULE_PATTERN:
				hit = names_match(r->text, 1, l);
				break;
			case RULE_CATEGORY:
				hit = r->category == t->category;
				break;
			case RULE_NOASSERTION:
				break;
			}
			if (hit) {
				t->verdict = v;
				t->rule = lb_xasprintf("%s '%s'", verdict_names[v], r->text);
				return;
			}
		}
	}
	if (p->has_default) {
		t->verdict = p->def;
		t->rule = lb_xasprintf("policy default: %s", verdict_names[p->def]);
		return;
	}
	t->verdict = t->category == LB_CAT_NETWORK_COPYLEFT || t->category == LB_CAT_UNKNOWN
			     ? LB_VERDICT_REVIEW : LB_VERDICT_ALLOW;
	t->rule = lb_xasprintf("default for %s", lb_category_name(t->category));
}

struct terms {
	struct lb_policy_term *v;
	size_t n, cap;
};

static struct lb_policy_term *term_new(struct terms *ts)
{
	lb_xgrow((void **)&ts->v, &ts->cap, ts->n + 1, sizeof(*ts->v));
	memset(&ts->v[ts->n], 0, sizeof(*ts->v));
	return &ts->v[ts->n++];
}

static enum lb_verdict eval_node(const struct lb_policy *p, const struct lb_spdx_expr *e,
				 struct terms *ts)
{
	struct lb_policy_term *t;
	struct leaf l = { NULL, 0 };
	const struct lb_license_info *exc = NULL;
	char *refbuf = NULL;
	enum lb_verdict acc;

	switch (e->kind) {
	case LB_SPDX_AND:
	case LB_SPDX_OR:
		acc = e->kind == LB_SPDX_OR ? LB_VERDICT_DENY : LB_VERDICT_ALLOW;
		for (size_t i = 0; i < e->n; i++) {
			enum lb_verdict v = eval_node(p, e->args[i], ts);

			if (e->kind == LB_SPDX_OR ? v < acc : v > acc)
				acc = v;
		}
		return acc;
	case LB_SPDX_WITH:
		exc = e->exception;
		e = e->args[0];
		break;
	default:
		break;
	}
	if (e->kind == LB_SPDX_LICENSE) {
		l.id = e->license->id;
		l.plus = e->plus;
	} else if (e->docref) {
		l.id = refbuf = lb_xasprintf("%s:%s", e->docref, e->ref);
	} else {
		l.id = e->ref;
	}
	t = term_new(ts);
	judge_leaf(p, &l, t);
	t->license = l.plus ? lb_xasprintf("%s+", l.id) : lb_xstrdup(l.id);
	t->exception = exc ? lb_xstrdup(exc->id) : NULL;
	free(refbuf);
	return t->verdict;
}

enum lb_verdict lb_policy_eval(const struct lb_policy *p, const char *expr,
			       struct lb_policy_result *out)
{
	struct terms ts = { NULL, 0, 0 };
	struct lb_spdx_expr *e = NULL;
	struct lb_policy_term *t;

	memset(out, 0, sizeof(*out));
	if (!expr) {
		/* Only an entry spelled NOASSERTION speaks for "no license". */
		static const enum lb_verdict order[] = { LB_VERDICT_DENY, LB_VERDICT_REVIEW, LB_VERDICT_ALLOW };

		t = term_new(&ts);
		t->license = lb_xstrdup("NOASSERTION");
		t->category = LB_CAT_UNKNOWN;
		t->verdict = LB_VERDICT_REVIEW;
		for (size_t k = 0; k < LB_ARRAY_SIZE(order) && !t->rule; k++)
			for (size_t i = 0; i < p->nrules[order[k]]; i++)
				if (p->rules[order[k]][i].kind == RULE_NOASSERTION) {
					t->verdict = order[k];
					t->rule = lb_xasprintf("%s 'NOASSERTION'", verdict_names[order[k]]);
					break;
				}
		if (!t->rule)
			t->rule = lb_xstrdup("no license found");
		out->verdict = t->verdict;
	} else if (lb_spdx_parse(expr, &e, NULL, 0) == 0) {
		out->verdict = eval_node(p, e, &ts);
		lb_spdx_expr_free(e);
	} else {
		/* not an expression: one license nobody can categorise */
		struct leaf l = { expr, 0 };

		t = term_new(&ts);
		judge_leaf(p, &l, t);
		t->license = lb_xstrdup(expr);
		out->verdict = t->verdict;
	}
	for (size_t i = 0; i < ts.n; i++)
		ts.v[i].decisive = ts.v[i].verdict == out->verdict;
	out->terms = ts.v;
	out->nterms = ts.n;
	return out->verdict;
}

void lb_policy_result_release(struct lb_policy_result *r)
{
	for (size_t i = 0; i < r->nterms; i++) {
		free(r->terms[i].license);
		free(r->terms[i].exception);
		free(r->terms[i].rule);
	}
	free(r->terms);
	memset(r, 0, sizeof(*r));
}

/* ---- a model ---- */

/* The field of a metadata record that holds a license ("License", "L",
 * "license", "licenses", "classifiers"...). */
static int license_field(const char *f)
{
	return f && (strcasestr(f, "licen") != NULL || strcmp(f, "L") == 0);
}

static void add_path(struct lb_policy_finding *f, size_t *cap, const char *path)
{
	for (size_t i = 0; i < f->nevidence; i++)
		if (strcmp(f->evidence[i], path) == 0)
			return;
	lb_xgrow((void **)&f->evidence, cap, f->nevidence + 1, sizeof(*f->evidence));
	f->evidence[f->nevidence++] = path;
}

void lb_policy_check(const struct lb_policy *p, const struct lb_model *m,
		     struct lb_policy_report *out)
{
	memset(out, 0, sizeof(*out));
	out->v = lb_xcalloc(m->n + 1, sizeof(*out->v));
	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];
		struct lb_policy_finding *f;
		size_t cap = 0;

		if (c->type == LB_COMP_OS || c->removed >= 0)
			continue;
		f = &out->v[out->n++];
		f->comp = c;
		f->license = c->concluded ? c->concluded : c->declared;
		lb_policy_eval(p, f->license, &f->result);
		out->count[f->result.verdict]++;
		if (f->result.verdict > out->worst)
			out->worst = f->result.verdict;
		for (size_t k = 0; k < c->nev; k++) {
			const struct lb_evidence *ev = &c->ev[k];

			if (ev->path && (ev->kind == LB_EV_LICENSE_TEXT ||
					 ((ev->kind == LB_EV_METADATA || ev->kind == LB_EV_BINARY) &&
					  license_field(ev->field))))
				add_path(f, &cap, ev->path);
		}
		/* no file said which license: the records the component came from */
		for (size_t k = 0; !f->nevidence && k < c->nev; k++)
			if (c->ev[k].path && (c->ev[k].kind == LB_EV_METADATA || c->ev[k].kind == LB_EV_BINARY))
				add_path(f, &cap, c->ev[k].path);
	}
}

void lb_policy_report_release(struct lb_policy_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		lb_policy_result_release(&r->v[i].result);
		free(r->v[i].evidence);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static json_t *jstr(const char *s)
{
	char *c;
	json_t *j;

	if (!s)
		return json_null();
	c = lb_sbom_clean(s);
	j = json_string(c);
	free(c);
	return j ? j : json_null();
}

char *lb_policy_report_json(const struct lb_policy_report *r, const char *const *layer_ids,
			    size_t nlayers)
{
	json_t *root = json_object(), *findings = json_array(), *sum = json_object();
	char *s;

	for (size_t i = 0; i < r->n; i++) {
		const struct lb_policy_finding *f = &r->v[i];
		const struct lb_component *c = f->comp;
		json_t *o, *ev, *terms, *cats;

		if (f->result.verdict == LB_VERDICT_ALLOW)
			continue;
		o = json_object();
		ev = json_array();
		terms = json_array();
		cats = json_array();
		json_object_set_new(o, "name", jstr(c->name));
		json_object_set_new(o, "version", jstr(c->version));
		json_object_set_new(o, "type", json_string(lb_comp_type_name(c->type)));
		json_object_set_new(o, "purl", jstr(c->purl));
		json_object_set_new(o, "license", jstr(f->license ? f->license : "NOASSERTION"));
		json_object_set_new(o, "verdict", json_string(lb_verdict_name(f->result.verdict)));
		for (size_t k = 0; k < f->result.nterms; k++) {
			const struct lb_policy_term *t = &f->result.terms[k];
			json_t *jt = json_object();
			const char *cn = lb_category_name(t->category);
			int dup = 0;

			json_object_set_new(jt, "license", jstr(t->license));
			json_object_set_new(jt, "exception", jstr(t->exception));
			json_object_set_new(jt, "category", json_string(cn));
			json_object_set_new(jt, "verdict", json_string(lb_verdict_name(t->verdict)));
			json_object_set_new(jt, "rule", jstr(t->rule));
			json_object_set_new(jt, "decisive", json_boolean(t->decisive));
			json_array_append_new(terms, jt);
			for (size_t q = 0; q < json_array_size(cats); q++)
				dup |= strcmp(json_string_value(json_array_get(cats, q)), cn) == 0;
			if (t->decisive && !dup)
				json_array_append_new(cats, json_string(cn));
		}
		json_object_set_new(o, "categories", cats);
		if (c->introduced >= 0) {
			json_object_set_new(o, "layer", json_integer(c->introduced + 1));
			json_object_set_new(o, "layer_id", (size_t)c->introduced < nlayers && layer_ids
						   ? jstr(layer_ids[c->introduced]) : json_null());
		} else {
			json_object_set_new(o, "layer", json_null());
			json_object_set_new(o, "layer_id", json_null());
		}
		for (size_t k = 0; k < f->nevidence; k++)
			json_array_append_new(ev, jstr(f->evidence[k]));
		json_object_set_new(o, "evidence", ev);
		json_object_set_new(o, "terms", terms);
		json_array_append_new(findings, o);
	}
	json_object_set_new(root, "findings", findings);
	json_object_set_new(sum, "components", json_integer((json_int_t)r->n));
	for (int v = 0; v < LB_VERDICT_COUNT; v++)
		json_object_set_new(sum, verdict_names[v], json_integer((json_int_t)r->count[v]));
	json_object_set_new(sum, "result", json_string(lb_verdict_name(r->worst)));
	json_object_set_new(root, "summary", sum);
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return s;
}
