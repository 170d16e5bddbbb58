/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notice: the attribution file that goes with a redistributed image.
 *
 * Plain UTF-8 text for people: a header naming the image, a table of
 * contents, one section per component (name, version, license, copyright
 * statements, PURL), then the full text of every license the components
 * name, once each, sorted by id.  SPDX license and exception texts come
 * from the matching templates compiled into the binary (licmatch.h),
 * turned back into text by lb_license_template_text(); LicenseRef- texts
 * from the model.  Same scan, same bytes.
 */
#include "emit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "licmatch.h"
#include "lb_config.h"

#define RULE "================================================================================\n"
#define WRAP_AT 78

/* ---- templates to text ---- */

static int is_quote(char c)
{
	return c == '"' || c == '\'';
}

/*
 * The SPDX publisher pads every <<var>> with a space on each side.  Where
 * the text around it is punctuation that must touch the value ("(the
 * "Software")", "Software.", ".org/licenses/") the pad goes, and so does
 * one that starts a line.  An opening quote follows a space, '(' or a line
 * break; a closing quote is not followed by a letter or digit.
 */
static void unpad_before(char *o, size_t *n)
{
	if (*n >= 1 && o[*n - 1] == ' ' && (*n == 1 || o[*n - 2] == '\n')) {
		(*n)--;         /* a pad at the start of a line */
		return;
	}
	if (*n >= 2 && o[*n - 1] == ' ' &&
	    (o[*n - 2] == '(' ||
	     (is_quote(o[*n - 2]) && (*n < 3 || o[*n - 3] == ' ' || o[*n - 3] == '(' || o[*n - 3] == '\n'))))
		(*n)--;
}

static size_t unpad_after(const char *t, size_t i, size_t len)
{
	if (i + 1 < len && t[i] == ' ' &&
	    (strchr(",.;:)/", t[i + 1]) ||
	     (is_quote(t[i + 1]) && (i + 2 >= len || !isalnum((unsigned char)t[i + 2])))))
		return i + 1;
	return i;
}

/* Drops trailing blanks of every line, keeps at most one empty line in a
 * row and none at either end.  In place; returns the new length. */
static size_t tidy_lines(char *s, size_t n)
{
	size_t w = 0, blank = 0;

	for (size_t i = 0; i < n;) {
		size_t e = i, k;

		while (e < n && s[e] != '\n')
			e++;
		k = e;
		while (k > i && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r'))
			k--;
		if (k == i) {
			blank = w > 0;
		} else {
			if (blank && w) {
				s[w++] = '\n';
				blank = 0;
			}
			memmove(s + w, s + i, k - i);
			w += k - i;
			s[w++] = '\n';
		}
		i = e + 1;
	}
	s[w] = '\0';
	return w;
}

char *lb_license_template_text(const char *t, size_t len)
{
	char *o = lb_xmalloc(len + 2);   /* tidy_lines() may add the last newline */
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		if (len - i >= 17 && memcmp(t + i, "<<beginOptional>>", 17) == 0) {
			i += 17;
		} else if (len - i >= 15 && memcmp(t + i, "<<endOptional>>", 15) == 0) {
			i += 15;
		} else if (len - i >= 6 && memcmp(t + i, "<<var;", 6) == 0) {
			const char *end = memmem(t + i, len - i, "\">>", 3);
			const char *orig, *stop;

			if (!end) {
				o[n++] = t[i++];
				continue;
			}
			/* original="..." runs to the next ";match=" (its text may hold quotes) */
			orig = memmem(t + i, (size_t)(end - (t + i)), "original=\"", 10);
			unpad_before(o, &n);
			if (orig) {
				orig += 10;
				stop = memmem(orig, (size_t)(end - orig), "\";match=\"", 9);
				if (!stop)
					stop = end;
				memcpy(o + n, orig, (size_t)(stop - orig));
				n += (size_t)(stop - orig);
			}
			i = unpad_after(t, (size_t)(end - t) + 3, len);
		} else {
			o[n++] = t[i++];
		}
	}
	n = tidy_lines(o, n);
	return o;
}

static const struct lb_license_template *find_template(const char *id)
{
	for (size_t i = 0; i < lb_license_ntemplates; i++)
		if (strcasecmp(lb_license_templates[i].id, id) == 0)
			return &lb_license_templates[i];
	return NULL;
}

char *lb_license_text(const char *id)
{
	const struct lb_license_template *t = find_template(id);

	if (!t)
		return NULL;
	return lb_license_template_text(lb_license_template_blob + t->off, t->len);
}

/* ---- the document ---- */

/* Writes s as valid UTF-8 (lb_sbom_clean), long lines wrapped at spaces
 * under WRAP_AT columns with the line's own indentation. */
static void put_text(FILE *out, const char *s, const char *indent)
{
	char *c = lb_sbom_clean(s ? s : "");
	const char *p = c;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p), ind = 0;
		int wrap = n > WRAP_AT + 20, cont = 0;

		while (ind < n && p[ind] == ' ')
			ind++;
		while (wrap && n + (cont ? ind : 0) > WRAP_AT) {
			size_t cut = WRAP_AT - (cont ? ind : 0), skip;

			while (cut > (cont ? 0 : ind) && p[cut] != ' ')
				cut--;
			if (cut <= (cont ? 0 : ind))
				break;
			fprintf(out, "%s%*s%.*s\n", indent, cont ? (int)ind : 0, "", (int)cut, p);
			skip = cut;
			while (skip < n && p[skip] == ' ')
				skip++;
			p += skip;
			n -= skip;
			cont = 1;
		}
		fprintf(out, "%s%*s%.*s\n", indent, cont ? (int)ind : 0, "", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
	free(c);
}

/* A license the document carries the text of. */
struct notice_license {
	const char *id;                 /* the listed id, or the LicenseRef */
	int exception;
	const struct lb_license_ref *ref;/* for LicenseRef-, or NULL */
};

struct notice_set {
	struct notice_license *v;
	size_t n, cap;
};

static void set_add(struct notice_set *set, const char *id, int exception,
		    const struct lb_license_ref *ref)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i].id, id) == 0)
			return;
	lb_xgrow((void **)&set->v, &set->cap, set->n + 1, sizeof(*set->v));
	set->v[set->n++] = (struct notice_license){ id, exception, ref };
}

/* Collects the licenses of e; ids point into the license db or the model. */
static void collect(const struct lb_model *m, const struct lb_spdx_expr *e, struct notice_set *set)
{
	switch (e->kind) {
	case LB_SPDX_AND:
	case LB_SPDX_OR:
		for (size_t i = 0; i < e->n; i++)
			collect(m, e->args[i], set);
		break;
	case LB_SPDX_WITH:
		set_add(set, e->exception->id, 1, NULL);
		collect(m, e->args[0], set);
		break;
	case LB_SPDX_LICENSE:
		set_add(set, e->license->id, 0, NULL);
		break;
	case LB_SPDX_LICENSEREF:
		if (!e->docref) {
			const struct lb_license_ref *r = lb_model_find_ref(m, e->ref);

			if (r)
				set_add(set, r->id, 0, r);
		}
		break;
	}
}

static int by_id(const void *a, const void *b)
{
	const struct notice_license *x = a, *y = b;
	int c = strcasecmp(x->id, y->id);

	return c ? c : strcmp(x->id, y->id);
}

static int listed(const struct lb_component *c)
{
	return c->type != LB_COMP_OS && c->removed < 0;
}

static const char *comp_license(const struct lb_component *c)
{
	return c->concluded ? c->concluded : c->declared ? c->declared : "NOASSERTION";
}

static void put_clean(FILE *out, const char *s)
{
	char *c = lb_sbom_clean(s);

	fputs(c, out);
	free(c);
}

static void put_license(FILE *out, const struct notice_license *l, size_t idx)
{
	const struct lb_license_info *li = l->ref ? NULL : lb_license_lookup(l->id);
	char *text;

	fputs("\n" RULE, out);
	fprintf(out, "License text %zu: %s\n", idx, l->id);
	if (li && li->name) {
		put_clean(out, li->name);
		fputc('\n', out);
	} else if (l->ref && l->ref->name) {
		put_clean(out, l->ref->name);
		fputc('\n', out);
	}
	fputs(RULE "\n", out);
	if (l->ref) {
		put_text(out, l->ref->text, "");
		return;
	}
	text = lb_license_text(l->id);
	if (text) {
		put_text(out, text, "");
		free(text);
	} else {
		fprintf(out, "The text of %s is not included in this version of layerbom; it is at\n"
			"https://spdx.org/licenses/%s.html\n", l->id, l->id);
	}
}

int lb_emit_notice(const struct lb_scan *s, FILE *out)
{
	const struct lb_model *m = &s->model;
	const char *name = lb_image_name(s->img);
	struct notice_set set = { NULL, 0, 0 };
	size_t ncomp = 0, k = 0;

	for (size_t i = 0; i < m->n; i++) {
		struct lb_spdx_expr *e;

		if (!listed(m->v[i]))
			continue;
		ncomp++;
		if (lb_spdx_parse(comp_license(m->v[i]), &e, NULL, 0) == 0) {
			collect(m, e, &set);
			lb_spdx_expr_free(e);
		}
	}
	/* license files no component owns ship with the image all the same */
	for (size_t i = 0; i < m->nunowned; i++) {
		struct lb_spdx_expr *e;

		if (m->unowned[i].expr && lb_spdx_parse(m->unowned[i].expr, &e, NULL, 0) == 0) {
			collect(m, e, &set);
			lb_spdx_expr_free(e);
		}
	}
	if (set.n)
		qsort(set.v, set.n, sizeof(*set.v), by_id);

	fputs("THIRD-PARTY SOFTWARE NOTICES\n\n", out);
	if (!name) {
		const char *p = lb_image_path(s->img), *slash = p ? strrchr(p, '/') : NULL;

		name = slash ? slash + 1 : p;
	}
	fputs("Image:     ", out);
	put_clean(out, name ? name : "image");
	fputc('\n', out);
	if (lb_image_manifest_digest(s->img))
		fprintf(out, "Manifest:  %s\n", lb_image_manifest_digest(s->img));
	if (lb_image_config_digest(s->img))
		fprintf(out, "Config:    %s\n", lb_image_config_digest(s->img));
	fprintf(out, "Generator: layerbom %s\n\n", LB_VERSION);
	fputs("This image contains the third-party components listed below.  For each\n"
	      "one: its version, its license (an SPDX license expression; NOASSERTION\n"
	      "when none was found), the copyright statements found with it, and its\n"
	      "package URL.  The full text of every license named follows the\n"
	      "components, once each.\n\n", out);

	fputs("Contents\n--------\n\n", out);
	fprintf(out, "Components (%zu)\n", ncomp);
	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];

		if (!listed(c))
			continue;
		fprintf(out, "  %zu. ", ++k);
		put_clean(out, c->name);
		if (c->version) {
			fputc(' ', out);
			put_clean(out, c->version);
		}
		fputs(": ", out);
		put_clean(out, comp_license(c));
		fputc('\n', out);
	}
	if (m->nunowned)
		fprintf(out, "License files that belong to no component (%zu)\n", m->nunowned);
	fprintf(out, "License texts (%zu)\n", set.n);
	for (size_t i = 0; i < set.n; i++)
		fprintf(out, "  %zu. %s\n", i + 1, set.v[i].id);

	k = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct lb_component *c = m->v[i];

		if (!listed(c))
			continue;
		fputs("\n" RULE, out);
		fprintf(out, "Component %zu: ", ++k);
		put_clean(out, c->name);
		if (c->version) {
			fputc(' ', out);
			put_clean(out, c->version);
		}
		fputs("\n" RULE "\n", out);
		fputs("Name:      ", out);
		put_clean(out, c->name);
		fputs("\nVersion:   ", out);
		put_clean(out, c->version ? c->version : "(none)");
		fputs("\nLicense:   ", out);
		put_clean(out, comp_license(c));
		fputs("\nPURL:      ", out);
		put_clean(out, c->purl ? c->purl : "(none)");
		fputs("\nCopyright:", out);
		if (!c->ncopyrights)
			fputs(" (no statement found)\n", out);
		else
			fputc('\n', out);
		/* one statement a line, unwrapped: they are searched for */
		for (size_t j = 0; j < c->ncopyrights; j++) {
			fputs("  ", out);
			put_clean(out, c->copyrights[j]);
			fputc('\n', out);
		}
	}
	if (m->nunowned) {
		fputs("\n" RULE, out);
		fputs("License files that belong to no component\n" RULE "\n", out);
		for (size_t i = 0; i < m->nunowned; i++) {
			fputs("  ", out);
			put_clean(out, m->unowned[i].path);
			fputs(": ", out);
			put_clean(out, m->unowned[i].expr ? m->unowned[i].expr : "NOASSERTION");
			fputc('\n', out);
		}
	}
	for (size_t i = 0; i < set.n; i++)
		put_license(out, &set.v[i], i + 1);
	free(set.v);
	if (fflush(out) != 0 || ferror(out))
		return LB_ERR_OUTPUT;
	return 0;
}
