/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruby: installed Ruby gems.
 *
 * A gem is a specifications/NAME-VERSION[-PLATFORM].gemspec file, the
 * spec RubyGems writes when it installs a gem, wherever the gem home is:
 * /usr/lib/ruby/gems/X/, /usr/local/lib/ruby/gems/X/, /var/lib/gems/X/,
 * /usr/local/bundle/, vendor/bundle/ruby/X/, Debian's rubygems-integration
 * directories; Ruby's default gems are in specifications/default/.
 *
 * A gemspec is Ruby source and is never evaluated: only the literal
 * assignments RubyGems writes are read (`s.name = "rack".freeze`,
 * `s.licenses = ["MIT".freeze]`), for whatever block variable
 * `Gem::Specification.new do |VAR|` names.  A value that is not a string
 * literal or an array of them (a method call, an interpolation) is not a
 * value: the field counts as absent.
 *
 * License: `licenses` (or `license`) are SPDX ids by RubyGems' rule; several
 * are offered by the author (OR).
 *
 * Files: the gem's directory GEM_HOME/gems/NAME-VERSION/, when there is
 * one (Debian's packages and default gems install into Ruby's library
 * directories instead).  One gem, one component: the same name, version
 * and platform in several gem homes is one component with one evidence
 * entry per spec.  A spec an OS package owns links the component to it
 * ("owned-by").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "pkgrec.h"
#include "hashmap.h"
#include "scan.h"

#define SPEC_MAX (4u << 20)          /* specs list the gem's files; large gems ~300 KB */
#define FIELD_MAX 4096
#define MAX_LICENSES 16
#define MAX_ITEMS 64                 /* authors kept */
#define MAX_FILES_PER_GEM 100000

/* 1 when p is .../specifications/X.gemspec or .../specifications/default/X.gemspec. */
static int is_spec(const char *p)
{
	const char *base = strrchr(p, '/');
	size_t dl;

	if (!base || !lb_str_has_suffix(base, ".gemspec") || strlen(base) <= 9)
		return 0;
	dl = (size_t)(base - p);
	if (dl >= 23 && memcmp(base - 23, "/specifications/default", 23) == 0)
		return 1;
	return dl >= 15 && memcmp(base - 15, "/specifications", 15) == 0;
}

static int wants(const struct lb_entry *e)
{
	if (e->type != LB_FT_FILE)
		return LB_WANT_NO;
	return is_spec(e->path) ? LB_WANT_YES : LB_WANT_NO;
}

/* ---- Ruby literals ---- */

/* A double-quoted escape at p (after the backslash); returns the bytes used. */
static size_t dq_escape(const char *p, const char *end, struct lb_buf *b)
{
	static const char from[] = "ntrfvaes", to[] = "\n\t\r\f\v\a\033 ";
	const char *k;
	unsigned long cp = 0;
	size_t i = 1;

	if (p >= end)
		return 0;
	if (*p == 'u' && p + 1 < end && p[1] == '{') {      /* \u{X Y ...} */
		i = 2;
		while (p + i < end && p[i] != '}' && i < 64) {
			if (p[i] == ' ') {
				lb_buf_add_utf8(b, cp);
				cp = 0;
			} else if (lb_hexval(p[i]) >= 0) {
				cp = cp * 16 + (unsigned long)lb_hexval(p[i]);
				if (cp > 0x10ffff)
					cp = 0x110000;
			}
			i++;
		}
		lb_buf_add_utf8(b, cp);
		return p + i < end ? i + 1 : i;
	}
	if (*p == 'u') {
		while (i < 5 && p + i < end && lb_hexval(p[i]) >= 0)
			cp = cp * 16 + (unsigned long)lb_hexval(p[i++]);
		lb_buf_add_utf8(b, cp);
		return i;
	}
	if (*p == 'x') {
		while (i < 3 && p + i < end && lb_hexval(p[i]) >= 0)
			cp = cp * 16 + (unsigned long)lb_hexval(p[i++]);
		if (cp) {
			char ch = (char)cp;

			lb_buf_add(b, &ch, 1);
		}
		return i;
	}
	if (*p >= '0' && *p <= '7') {
		cp = (unsigned long)(*p - '0');
		while (i < 3 && p + i < end && p[i] >= '0' && p[i] <= '7')
			cp = cp * 8 + (unsigned long)(p[i++] - '0');
		if (cp) {
			char ch = (char)cp;

			lb_buf_add(b, &ch, 1);
		}
		return i;
	}
	if ((k = strchr(from, *p)) != NULL && *p)
		lb_buf_add(b, &to[k - from], 1);
	else
		lb_buf_add(b, p, 1);
	return 1;
}

static char closing(char open)
{
	switch (open) {
	case '{': return '}';
	case '(': return ')';
	case '[': return ']';
	case '<': return '>';
	default: return open;
	}
}

/*
 * A string literal at *pp: "..." (escapes), '...' (\' and \\ only),
 * %q{...} (single-quoted rules) or %Q{...} / %{...} (double-quoted), any
 * bracket or punctuation delimiter, then an optional ".freeze".  Returns
 * the string (caller frees) and moves *pp past it, or NULL when there is
 * no such literal (an interpolation "#{" counts as none).
 */
static char *read_string(const char **pp, const char *end)
{
	const char *p = *pp;
	char open, close;
	int dq, depth = 0;
	struct lb_buf b;

	if (p >= end)
		return NULL;
	if (*p == '"' || *p == '\'') {
		open = close = *p;
		dq = *p == '"';
		p++;
	} else if (*p == '%' && p + 2 < end && (p[1] == 'q' || p[1] == 'Q') && !(p[2] >= 'a' && p[2] <= 'z') &&
		   !(p[2] >= 'A' && p[2] <= 'Z') && !(p[2] >= '0' && p[2] <= '9') && p[2] != ' ') {
		dq = p[1] == 'Q';
		open = p[2];
		close = closing(open);
		p += 3;
	} else if (*p == '%' && p + 1 < end && (p[1] == '{' || p[1] == '(' || p[1] == '[' || p[1] == '<')) {
		dq = 1;
		open = p[1];
		close = closing(open);
		p += 2;
	} else {
		return NULL;
	}
	lb_buf_init(&b, FIELD_MAX);
	while (p < end) {
		if (*p == '\\' && p + 1 < end) {
			if (dq) {
				p += 1 + dq_escape(p + 1, end, &b);
			} else {
				if (p[1] != '\\' && p[1] != close && p[1] != open)
					lb_buf_add(&b, p, 1);
				lb_buf_add(&b, p + 1, 1);
				p += 2;
			}
			continue;
		}
		if (dq && *p == '#' && p + 1 < end && (p[1] == '{' || p[1] == '@' || p[1] == '$')) {
			lb_buf_release(&b);                      /* interpolation: computed */
			return NULL;
		}
		if (*p == close && open != close && depth > 0) {
			depth--;
		} else if (*p == close) {
			break;
		} else if (*p == open && open != close) {
			depth++;
		}
		if (*p)
			lb_buf_add(&b, p, 1);
		p++;
	}
	if (p >= end) {                                      /* unterminated */
		lb_buf_release(&b);
		return NULL;
	}
	p++;
	if ((size_t)(end - p) >= 7 && memcmp(p, ".freeze", 7) == 0)
		p += 7;
	*pp = p;
	if (!b.p)
		return lb_xstrdup("");
	return lb_buf_detach(&b, NULL);
}

static const char *skip_space(const char *p, const char *end, int newlines)
{
	while (p < end && (*p == ' ' || *p == '\t' || (newlines && (*p == '\n' || *p == '\r'))))
		p++;
	return p;
}

/* A string, or an array of strings: the items (caller frees each), at most
 * cap.  Returns the number, or -1 when the value is not such a literal. */
static int read_value(const char *p, const char *end, char **items, int cap)
{
	int n = 0;
	char *s;

	p = skip_space(p, end, 0);
	if (p < end && *p != '[') {
		if (!(s = read_string(&p, end)))
			return -1;
		items[0] = s;
		return 1;
	}
	if (p >= end)
		return -1;
	p++;
	for (;;) {
		p = skip_space(p, end, 1);
		if (p < end && *p == ']')
			return n;
		if (!(s = read_string(&p, end))) {
			while (n)
				free(items[--n]);
			return -1;
		}
		if (n < cap)
			items[n++] = s;
		else
			free(s);
		p = skip_space(p, end, 1);
		if (p < end && *p == ',')
			p++;
		else if (!(p < end && *p == ']')) {
			while (n)
				free(items[--n]);
			return -1;
		}
	}
}

struct gemspec {
	char *name, *version, *platform, *homepage, *summary, *email;
	char *authors[MAX_ITEMS];
	int nauthors;
	char *licenses[MAX_LICENSES];
	int nlicenses;
	const char *license_field;   /* "licenses" or "license" */
};

static void gemspec_release(struct gemspec *g)
{
	free(g->name);
	free(g->version);
	free(g->platform);
	free(g->homepage);
	free(g->summary);
	free(g->email);
	for (int i = 0; i < g->nauthors; i++)
		free(g->authors[i]);
	for (int i = 0; i < g->nlicenses; i++)
		free(g->licenses[i]);
}

/* The block variable of `Gem::Specification.new do |VAR|`, "s" when absent. */
static void block_var(const char *p, size_t len, char *var, size_t cap)
{
	static const char key[] = "Gem::Specification.new";
	const char *end = p + len, *q = p;

	snprintf(var, cap, "s");
	while ((q = memchr(q, 'G', (size_t)(end - q))) != NULL) {
		if ((size_t)(end - q) >= sizeof(key) - 1 && memcmp(q, key, sizeof(key) - 1) == 0)
			break;
		q++;
	}
	if (!q)
		return;
	q += sizeof(key) - 1;
	{
		const char *bar = memchr(q, '|', (size_t)(end - q) < 64 ? (size_t)(end - q) : 64);
		const char *v, *ve;

		if (!bar)
			return;
		v = skip_space(bar + 1, end, 0);
		ve = v;
		while (ve < end && (ve - v) < (long)cap - 1 &&
		       ((*ve >= 'a' && *ve <= 'z') || (*ve >= 'A' && *ve <= 'Z') || (*ve >= '0' && *ve <= '9') ||
			*ve == '_'))
			ve++;
		if (ve > v && ve < end && (*ve == '|' || *ve == ' '))
			snprintf(var, cap, "%.*s", (int)(ve - v), v);
	}
}

/* Reads the assignments "VAR.FIELD = literal" at the start of lines; the
 * first assignment of a field wins. */
static void parse_gemspec(const char *p, size_t len, struct gemspec *g)
{
	const char *end = p + len;
	char var[40];
	size_t vl;

	block_var(p, len, var, sizeof(var));
	vl = strlen(var);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = skip_space(p, le, 0), *f, *fe;
		char *items[MAX_ITEMS];
		int n;

		if ((size_t)(le - q) > vl + 1 && memcmp(q, var, vl) == 0 && q[vl] == '.') {
			f = q + vl + 1;
			fe = f;
			while (fe < le && ((*fe >= 'a' && *fe <= 'z') || *fe == '_'))
				fe++;
			q = skip_space(fe, le, 0);
			if (q < le && *q == '=' && (q + 1 >= le || (q[1] != '=' && q[1] != '~'))) {
				size_t fl = (size_t)(fe - f);
				/* arrays may run over lines: read up to the end of the buffer */
				n = read_value(q + 1, end, items, MAX_ITEMS);
				if (n >= 0) {
					int used = 0;
#define FIELD(lit) (fl == sizeof(lit) - 1 && memcmp(f, lit, fl) == 0)
					char **one = NULL;

					if (FIELD("name"))
						one = &g->name;
					else if (FIELD("version"))
						one = &g->version;
					else if (FIELD("platform"))
						one = &g->platform;
					else if (FIELD("homepage"))
						one = &g->homepage;
					else if (FIELD("summary"))
						one = &g->summary;
					else if (FIELD("email"))
						one = &g->email;
					if (one && !*one && n >= 1) {
						*one = items[0];
						used = 1;
					} else if ((FIELD("authors") || FIELD("author")) && !g->nauthors) {
						for (int i = 0; i < n; i++)
							g->authors[g->nauthors++] = items[i];
						used = n;
					} else if ((FIELD("licenses") || FIELD("license")) && !g->license_field) {
						g->license_field = FIELD("license") ? "license" : "licenses";
						for (int i = 0; i < n && g->nlicenses < MAX_LICENSES; i++)
							g->licenses[g->nlicenses++] = items[i];
						used = n < MAX_LICENSES ? n : MAX_LICENSES;
					}
#undef FIELD
					for (int i = used; i < n; i++)
						free(items[i]);
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
}

/* ---- licenses ---- */

/* ---- files ---- */

/* The files of GEM_HOME/gems/FULLNAME/, FULLNAME being the spec's file name
 * without ".gemspec". */
static void add_files(struct lb_scan *s, struct lb_pkgrec *r, const char *spec)
{
	const char *sp = strstr(spec, "/specifications/"), *base = strrchr(spec, '/') + 1;
	char *prefix;
	size_t pl, nf = 0;

	while (sp && strstr(sp + 1, "/specifications/"))
		sp = strstr(sp + 1, "/specifications/");
	if (!sp)
		return;
	prefix = lb_xasprintf("%.*s/gems/%.*s/", (int)(sp - spec), spec, (int)(strlen(base) - 8), base);
	pl = strlen(prefix);
	for (size_t i = lb_scan_lower_bound(s, prefix); i < s->view.n && nf < MAX_FILES_PER_GEM; i++) {
		const struct lb_entry *f = s->view.v[i];

		if (strncmp(f->path, prefix, pl) != 0)
			break;
		if (f->type == LB_FT_DIR)
			continue;
		nf++;
		lb_comp_add_file(r->c, f->path);
		if ((int)f->layer > r->vis_max)
			r->vis_max = f->layer;
	}
	free(prefix);
}

/* Offered licenses: each name in the SPDX dialect, one kept as written. */
static const struct lb_offer_opts offer = { .dialect = LB_LIC_SPDX, .sep = ", ", .single_as_is = 1 };

/* ---- scan ---- */

static void fill(struct lb_scan *s, struct lb_component *c, const struct gemspec *g, const struct lb_entry *e)
{
	const char *plat = g->platform && *g->platform && strcmp(g->platform, "ruby") != 0 ? g->platform : NULL;
	const char *quals[2] = { "platform", plat };
	struct lb_buf b;

	c->purl = lb_purl("gem", NULL, g->name, g->version, quals, 1);
	lb_buf_init(&b, FIELD_MAX);
	for (int i = 0; i < g->nauthors; i++)
		if (*g->authors[i])
			lb_buf_addf(&b, "%s%s", b.len ? ", " : "", g->authors[i]);
	if (g->nauthors == 1 && b.len && g->email && *g->email)
		lb_buf_addf(&b, " <%s>", g->email);
	lb_comp_set(&c->author, b.len ? b.p : NULL);
	lb_buf_release(&b);
	lb_comp_set(&c->homepage, g->homepage && *g->homepage ? g->homepage : NULL);
	lb_comp_set(&c->summary, g->summary && *g->summary ? g->summary : NULL);
	if (plat)
		lb_comp_set(&c->arch, plat);
	if (g->nlicenses && lb_comp_set_offered(&s->model, c, (const char *const *)g->licenses, (size_t)g->nlicenses, &offer) == 0) {
		lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, g->license_field, c->declared_raw);
		return;
	}
	lb_comp_add_evidence(c, LB_EV_METADATA, e->path, e->layer, NULL, NULL);
	lb_comp_add_evidence(c, LB_EV_NOTE, e->path, e->layer, NULL, "the gemspec declares no license");
}

static int scan(struct lb_scan *s, void *vst, const struct lb_entry *e, const void *data, size_t len)
{
	struct lb_pkgrecs *st = vst;
	int visible = lb_scan_visible(s, e), found;
	struct gemspec g;
	struct lb_pkgrec *r;
	char *key;

	if ((!visible && !s->all_layers) || !is_spec(e->path) || !data)
		return 0;
	if (e->flags & LB_EF_TRUNCATED)
		lb_scan_warn(s, "'%s': larger than %u MiB: only its beginning is read", e->path, SPEC_MAX >> 20);
	memset(&g, 0, sizeof(g));
	parse_gemspec(data, len, &g);
	if (!g.name || !*g.name) {
		lb_scan_warn(s, "'%s' in layer %u: no literal name assignment: not read as a gem specification",
			     e->path, e->layer + 1);
		gemspec_release(&g);
		return 0;
	}
	key = lb_xasprintf("%s\x1f%s\x1f%s", g.name, g.version ? g.version : "", g.platform ? g.platform : "");
	r = lb_pkgrecs_get(st, key, &found);
	if (!found) {
		r->c = lb_model_add(&s->model, LB_COMP_LIBRARY, g.name, g.version && *g.version ? g.version : NULL,
				    "ruby");
		fill(s, r->c, &g, e);
	} else {
		lb_comp_add_evidence(r->c, LB_EV_METADATA, e->path, e->layer, NULL, NULL);
	}
	if (visible) {
		lb_pkgrec_seen_visible(r, e);
		add_files(s, r, e->path);
	} else {
		lb_pkgrec_seen_hidden(s, r, e);
	}
	free(key);
	gemspec_release(&g);
	return 0;
}

/* ---- finish ---- */

const struct lb_detector lb_detector_ruby = {
	.name = "ruby",
	.max_size = SPEC_MAX,
	.wants = wants,
	.state_new = lb_pkgrecs_new,
	.state_free = lb_pkgrecs_free,
	.scan = scan,
	.finish = lb_pkgrecs_finish,
};
