/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cmd.h"
#include "detector.h"
#include "policy.h"
#include "progress.h"
#include "scan.h"

/* Prints a string from the image for a terminal: bytes that are not
 * UTF-8, controls and backslashes as \xNN. */
static void put_escaped(const char *v)
{
	struct lb_buf b;

	lb_buf_init(&b, 1u << 16);
	lb_buf_add_escaped(&b, v, strlen(v));
	fputs(b.p ? b.p : "", stdout);
	lb_buf_release(&b);
}

/* One finding for people: what, which license, why, where from. */
static void print_finding(const struct lb_scan *s, const struct lb_policy_finding *f)
{
	const struct lb_component *c = f->comp;
	const char *sep = "";

	printf("%-7s ", lb_verdict_name(f->result.verdict));
	put_escaped(c->name);
	putchar(' ');
	put_escaped(c->version ? c->version : "-");
	putchar('\n');
	printf("  license:  %s\n", f->license ? f->license : "NOASSERTION");
	printf("  category:");
	for (size_t i = 0; i < f->result.nterms; i++) {
		const struct lb_policy_term *t = &f->result.terms[i];

		if (!t->decisive)
			continue;
		printf("%s %s (%s%s%s: %s)", sep, lb_category_name(t->category), t->license,
		       t->exception ? " WITH " : "", t->exception ? t->exception : "", t->rule);
		sep = ",";
	}
	putchar('\n');
	if (c->introduced >= 0)
		printf("  layer:    %d (%s)\n", c->introduced + 1,
		       (size_t)c->introduced < s->nlayers ? lb_scan_layer_id(s, (unsigned)c->introduced) : "-");
	else
		printf("  layer:    -\n");
	for (size_t i = 0; i < f->nevidence; i++) {
		printf("  %s ", i ? "         " : "evidence:");
		put_escaped(f->evidence[i]);
		putchar('\n');
	}
	if (c->purl)
		printf("  purl:     %s\n", c->purl);
}

static int write_json(const struct lb_scan *s, const struct lb_policy_report *rep, const char *path)
{
	const char **ids = lb_xcalloc(s->nlayers + 1, sizeof(*ids));
	FILE *f = stdout;
	char *doc;
	int bad;

	for (size_t i = 0; i < s->nlayers; i++)
		ids[i] = lb_scan_layer_id(s, (unsigned)i);
	doc = lb_policy_report_json(rep, ids, s->nlayers);
	free(ids);
	if (!doc) {
		lb_errorf("out of memory writing the report");
		return LB_EXIT_INTERNAL;
	}
	if (path && strcmp(path, "-") != 0 && !(f = fopen(path, "w"))) {
		lb_errorf("cannot write '%s': %s", path, strerror(errno));
		free(doc);
		return LB_EXIT_OUTPUT;
	}
	bad = fputs(doc, f) < 0 || fputc('\n', f) == EOF;
	bad |= f == stdout ? fflush(f) != 0 : fclose(f) != 0;
	free(doc);
	if (bad) {
		lb_errorf("cannot write '%s': %s", path ? path : "stdout", strerror(errno ? errno : EIO));
		return LB_EXIT_OUTPUT;
	}
	return LB_EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		LB_IMAGE_OPTIONS,
		LB_IMAGE_OPTIONS_CACHE,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lb_image_args ia;
	struct lb_policy_report rep;
	struct lb_policy *pol = NULL;
	const char *policy_path = NULL, *json_path = NULL;
	enum lb_verdict fail_on = LB_VERDICT_DENY;
	int want_json = 0, c, r, code;
	struct lb_scan *s;
	char err[512];

	lb_image_args_init(&ia, 1, 1);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:j:qh", opts, NULL)) != -1) {
		r = lb_image_arg(&ia, c, optarg);
		if (r < 0)
			return LB_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'p':
			policy_path = optarg;
			break;
		case 'f':
			if (lb_verdict_from_name(optarg, &fail_on) != 0 || fail_on == LB_VERDICT_ALLOW) {
				lb_errorf("--fail-on takes 'review' or 'deny', not '%s'", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0) {
				json_path = NULL;
			} else if (strncmp(optarg, "json=", 5) == 0) {
				json_path = optarg + 5;
			} else {
				lb_errorf("check writes '-o json[=PATH]', not '%s'", optarg);
				return LB_EXIT_USAGE;
			}
			want_json = 1;
			break;
		case 'h':
			fputs(lb_command_help("check"), stdout);
			return LB_EXIT_OK;
		default:
			lb_errorf("check: unknown option or missing value: '%s'; see 'layerbom help check'",
				  argv[optind - 1]);
			return LB_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		lb_errorf("check takes one IMAGE; see 'layerbom help check'");
		return LB_EXIT_USAGE;
	}
	/* the policy is an argument: a bad one is a usage error, found before the scan */
	if (policy_path) {
		if (lb_policy_load(policy_path, &pol, err, sizeof(err)) != 0) {
			lb_errorf("policy '%s': %s", policy_path, err);
			return LB_EXIT_USAGE;
		}
	} else {
		pol = lb_policy_default();
	}
	r = lb_image_scan(&ia, argv[optind], &s);
	if (r) {
		lb_print_log(&s->log, ia.quiet);
		lb_scan_free(s);
		lb_policy_free(pol);
		return lb_exit_code(r);
	}
	lb_policy_check(pol, &s->model, &rep);
	code = LB_EXIT_OK;
	/* JSON on stdout replaces the text */
	if (!want_json || (json_path && strcmp(json_path, "-") != 0)) {
		for (size_t i = 0; i < rep.n; i++)
			if (rep.v[i].result.verdict != LB_VERDICT_ALLOW)
				print_finding(s, &rep.v[i]);
		printf("%s%zu components: %zu allow, %zu review, %zu deny; result: %s\n", rep.n > rep.count[0] ? "\n" : "",
		       rep.n, rep.count[LB_VERDICT_ALLOW], rep.count[LB_VERDICT_REVIEW], rep.count[LB_VERDICT_DENY],
		       lb_verdict_name(rep.worst));
		if (fflush(stdout) != 0) {
			lb_errorf("cannot write 'stdout': %s", strerror(errno));
			code = LB_EXIT_OUTPUT;
		}
	}
	if (want_json && code == LB_EXIT_OK)
		code = write_json(s, &rep, json_path);
	if (code == LB_EXIT_OK && rep.worst >= fail_on)
		code = LB_EXIT_FOUND;
	lb_print_log(&s->log, ia.quiet);
	lb_policy_report_release(&rep);
	lb_scan_free(s);
	lb_policy_free(pol);
	return code;
}
