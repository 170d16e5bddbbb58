/* SPDX-License-Identifier: Apache-2.0 */
/*
 * html: one self-contained page a person reads (no network, no external
 * script, style or font): the image, its layers with what each brought in
 * and the license categories of that as a bar, the built-in policy's
 * verdict, a searchable and sortable component table with licenses and
 * evidence, and the license files no component owns.  The inline script
 * only filters and sorts rows; the page reads complete without it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_common.h"
#include "policy.h"

static void esc(FILE *out, const char *s)
{
	char *clean = lb_sbom_clean(s ? s : "");

	for (const char *p = clean; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*p, out);
		}
	}
	free(clean);
}

static const char *const cat_color[LB_CAT_COUNT] = {
	[LB_CAT_UNKNOWN] = "#9e9e9e",
	[LB_CAT_PERMISSIVE] = "#4caf50",
	[LB_CAT_WEAK_COPYLEFT] = "#cddc39",
	[LB_CAT_STRONG_COPYLEFT] = "#ff9800",
	[LB_CAT_NETWORK_COPYLEFT] = "#f44336",
	[LB_CAT_PUBLIC_DOMAIN] = "#2196f3",
	[LB_CAT_PROPRIETARY] = "#9c27b0",
};

static const char style[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}"
	"header{background:#1d2430;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:20px}"
	"header .meta{color:#b8c0cc;font-size:12px;word-break:break-all}"
	"main{padding:20px 28px;max-width:1400px}"
	"section{background:#fff;border:1px solid #e1e4e8;border-radius:6px;margin:0 0 18px;padding:14px 18px}"
	"h2{font-size:16px;margin:0 0 10px}"
	".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #e1e4e8;border-radius:6px;padding:8px 14px;min-width:110px}"
	".card b{display:block;font-size:22px}"
	"table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}"
	"th{background:#f0f2f5;position:sticky;top:0;cursor:pointer;user-select:none;white-space:nowrap}th:after{content:' \\2195';color:#aab}"
	"td.mono,span.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}"
	".bar{display:flex;height:14px;width:260px;border-radius:3px;overflow:hidden;background:#eef0f3}"
	".bar span{display:block;height:100%}"
	".legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}"
	".v-allow{color:#2e7d32}.v-review{color:#ef6c00;font-weight:600}.v-deny{color:#c62828;font-weight:700}"
	"input[type=search]{width:320px;padding:6px 8px;border:1px solid #ccd;border-radius:4px;margin-bottom:10px}"
	"details summary{cursor:pointer;color:#456}details div{font-size:12px;color:#555}";

static const char script[] =
	"(function(){var q=document.getElementById('q'),t=document.getElementById('comps');"
	"q.addEventListener('input',function(){var v=q.value.toLowerCase();"
	"t.querySelectorAll('tbody tr').forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(v)<0?'none':''});});"
	"document.querySelectorAll('th').forEach(function(h){h.addEventListener('click',function(){"
	"var tb=h.closest('table').tBodies[0],i=h.cellIndex,asc=h.dataset.asc!=='1';h.dataset.asc=asc?'1':'0';"
	"var rows=Array.prototype.slice.call(tb.rows);rows.sort(function(a,b){"
	"var x=a.cells[i].dataset.k||a.cells[i].textContent,y=b.cells[i].dataset.k||b.cells[i].textContent;"
	"var nx=parseFloat(x),ny=parseFloat(y);var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});"
	"rows.forEach(function(r){tb.appendChild(r)});});});})();";

/* The worst category of an expression's terms, for the colour of a row. */
static enum lb_license_category category_of(const struct lb_policy_result *r)
{
	/* by what it asks of whoever ships it; unknown asks the most */
	static const int rank[LB_CAT_COUNT] = {
		[LB_CAT_PUBLIC_DOMAIN] = 0, [LB_CAT_PERMISSIVE] = 1, [LB_CAT_WEAK_COPYLEFT] = 2,
		[LB_CAT_STRONG_COPYLEFT] = 3, [LB_CAT_NETWORK_COPYLEFT] = 4, [LB_CAT_PROPRIETARY] = 5,
		[LB_CAT_UNKNOWN] = 6,
	};
	enum lb_license_category worst = LB_CAT_PUBLIC_DOMAIN;

	if (!r->nterms)
		return LB_CAT_UNKNOWN;
	for (size_t i = 0; i < r->nterms; i++)
		if (rank[r->terms[i].category] > rank[worst])
			worst = r->terms[i].category;
	return worst;
}

static int emit_html(const struct lb_sbom_input *in, FILE *out)
{
	const struct lb_model *m = in->model;
	struct lb_policy *pol = lb_policy_default();
	struct lb_policy_report rep;
	size_t ntype[5] = { 0 };
	size_t (*percat)[LB_CAT_COUNT] = lb_xcalloc(in->nlayers + 1, sizeof(*percat));
	size_t *perlayer = lb_xcalloc(in->nlayers + 1, sizeof(*perlayer));
	char when[64];

	lb_policy_check(pol, m, &rep);
	for (size_t i = 0; i < rep.n; i++) {
		const struct lb_component *c = rep.v[i].comp;
		size_t l = c->introduced >= 0 && (size_t)c->introduced < in->nlayers ? (size_t)c->introduced : in->nlayers;

		percat[l][category_of(&rep.v[i].result)]++;
		perlayer[l]++;
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i]->removed < 0 && m->v[i]->type < 5)
			ntype[m->v[i]->type]++;
	lb_sbom_time_str(in->created, when, sizeof(when));

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>layerbom: ", out);
	esc(out, in->image_name ? in->image_name : in->image_path);
	fprintf(out, "</title>\n<style>%s</style></head><body>\n<header><h1>", style);
	esc(out, in->image_name ? in->image_name : in->image_path);
	fputs("</h1><div class=\"meta\">", out);
	if (in->manifest_digest) {
		fputs("manifest ", out);
		esc(out, in->manifest_digest);
		fputs(" &middot; ", out);
	}
	if (in->os || in->arch) {
		esc(out, in->os);
		fputs("/", out);
		esc(out, in->arch);
		fputs(" &middot; ", out);
	}
	fprintf(out, "%zu layers &middot; report of %s by layerbom ", in->nlayers, when);
	esc(out, in->tool_version);
	fputs("</div></header>\n<main>\n", out);

	/* summary */
	fputs("<section><h2>Summary</h2><div class=\"cards\">", out);
	fprintf(out, "<div class=\"card\"><b>%zu</b>OS packages</div>", ntype[LB_COMP_OS_PACKAGE]);
	fprintf(out, "<div class=\"card\"><b>%zu</b>libraries</div>", ntype[LB_COMP_LIBRARY]);
	fprintf(out, "<div class=\"card\"><b>%zu</b>applications</div>", ntype[LB_COMP_APPLICATION]);
	fprintf(out, "<div class=\"card\"><b class=\"v-allow\">%zu</b>allowed</div>", rep.count[LB_VERDICT_ALLOW]);
	fprintf(out, "<div class=\"card\"><b class=\"v-review\">%zu</b>for review</div>", rep.count[LB_VERDICT_REVIEW]);
	fprintf(out, "<div class=\"card\"><b class=\"v-deny\">%zu</b>denied</div>", rep.count[LB_VERDICT_DENY]);
	fprintf(out, "<div class=\"card\"><b>%zu</b>unowned license files</div>", m->nunowned);
	fputs("</div><p>Policy: the built-in one (network copyleft and unknown licenses are for review; nothing is "
	      "denied). Run <span class=\"mono\">layerbom check --policy FILE</span> for your own.</p></section>\n", out);

	/* layers */
	fputs("<section><h2>Layers</h2><div class=\"legend\">", out);
	for (int k = 0; k < LB_CAT_COUNT; k++)
		fprintf(out, "<span><i style=\"background:%s\"></i>%s</span>", cat_color[k],
			lb_category_name((enum lb_license_category)k));
	fputs("</div><table><thead><tr><th>#</th><th>diff ID</th><th>created by</th><th>size</th>"
	      "<th>components</th><th>licenses by category</th></tr></thead><tbody>\n", out);
	for (size_t l = 0; l < in->nlayers; l++) {
		const struct lb_sbom_layer *ly = &in->layers[l];

		fprintf(out, "<tr><td data-k=\"%zu\">%zu</td><td class=\"mono\">", l + 1, l + 1);
		esc(out, ly->diff_id ? ly->diff_id : "-");
		fputs("</td><td>", out);
		esc(out, ly->created_by ? ly->created_by : "-");
		fprintf(out, "</td><td data-k=\"%llu\">%.1f MB</td><td data-k=\"%zu\">%zu</td><td><div class=\"bar\">",
			(unsigned long long)ly->size, (double)ly->size / 1e6, perlayer[l], perlayer[l]);
		for (int k = 0; k < LB_CAT_COUNT; k++)
			if (percat[l][k])
				fprintf(out, "<span title=\"%s: %zu\" style=\"width:%.1f%%;background:%s\"></span>",
					lb_category_name((enum lb_license_category)k), percat[l][k],
					100.0 * (double)percat[l][k] / (double)perlayer[l], cat_color[k]);
		fputs("</div></td></tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);

	/* components */
	fputs("<section><h2>Components</h2><input type=\"search\" id=\"q\" placeholder=\"Filter: name, license, "
	      "layer, path...\" aria-label=\"filter components\">\n<table id=\"comps\"><thead><tr><th>verdict</th>"
	      "<th>type</th><th>name</th><th>version</th><th>license</th><th>category</th><th>layer</th>"
	      "<th>PURL</th><th>evidence</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < rep.n; i++) {
		const struct lb_policy_finding *f = &rep.v[i];
		const struct lb_component *c = f->comp;
		const char *v = lb_verdict_name(f->result.verdict);

		fprintf(out, "<tr><td class=\"v-%s\" data-k=\"%d\">%s</td><td>%s</td><td>", v, 2 - (int)f->result.verdict,
			v, lb_comp_type_name(c->type));
		esc(out, c->name);
		fputs("</td><td class=\"mono\">", out);
		esc(out, c->version ? c->version : "-");
		fputs("</td><td class=\"mono\">", out);
		esc(out, f->license ? f->license : "NOASSERTION");
		fprintf(out, "</td><td>%s</td><td data-k=\"%d\">%d</td><td class=\"mono\">",
			lb_category_name(category_of(&f->result)), c->introduced + 1, c->introduced + 1);
		esc(out, c->purl ? c->purl : "-");
		fprintf(out, "</td><td><details><summary>%zu</summary><div>", c->nev);
		for (size_t k = 0; k < c->nev; k++) {
			const struct lb_evidence *e = &c->ev[k];

			fprintf(out, "%s: ", lb_evidence_kind_name(e->kind));
			if (e->path) {
				fputs("<span class=\"mono\">", out);
				esc(out, e->path);
				fputs("</span> ", out);
			}
			if (e->field) {
				fputs("[", out);
				esc(out, e->field);
				fputs("] ", out);
			}
			esc(out, e->detail);
			fputs("<br>", out);
		}
		for (size_t k = 0; k < c->ncopyrights && k < 20; k++) {
			esc(out, c->copyrights[k]);
			fputs("<br>", out);
		}
		fputs("</div></details></td></tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);

	/* unowned license files */
	fputs("<section><h2>License files no component owns</h2>", out);
	if (!m->nunowned)
		fputs("<p>None.</p>", out);
	else {
		fputs("<table><thead><tr><th>path</th><th>license</th><th>layer</th></tr></thead><tbody>\n", out);
		for (size_t i = 0; i < m->nunowned; i++) {
			fputs("<tr><td class=\"mono\">", out);
			esc(out, m->unowned[i].path);
			fputs("</td><td class=\"mono\">", out);
			esc(out, m->unowned[i].expr ? m->unowned[i].expr : "NOASSERTION");
			fprintf(out, "</td><td>%d</td></tr>\n", m->unowned[i].layer + 1);
		}
		fputs("</tbody></table>", out);
	}
	fprintf(out, "</section>\n</main>\n<script>%s</script>\n</body></html>\n", script);
	lb_policy_report_release(&rep);
	lb_policy_free(pol);
	free(percat);
	free(perlayer);
	return fflush(out) != 0 || ferror(out) ? LB_ERR_OUTPUT : 0;
}

const struct lb_emitter lb_emitter_html = {
	.name = "html",
	.emit = emit_html,
};
