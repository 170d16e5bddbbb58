/* SPDX-License-Identifier: Apache-2.0 */
/*
 * layerbom diff [--format text|json] OLD NEW: components added, removed,
 * upgraded, downgraded or with another license, between two images or two
 * SBOMs layerbom wrote (CycloneDX or SPDX JSON).  Exit 0 when nothing
 * differs, 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "detector.h"
#include "diff.h"
#include "scan.h"

/* An SBOM is a regular file whose first non-blank byte is '{'. */
static int is_sbom(const char *path)
{
	struct stat st;
	FILE *f;
	int c;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return 0;
	while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t')
		;
	fclose(f);
	return c == '{';
}

static int load(const char *spec, struct lb_image_args *ia, struct lb_diff_side *side)
{
	struct lb_scan *s;
	int r;

	if (is_sbom(spec)) {
		char err[512];

		if (lb_diff_side_from_sbom(side, spec, err, sizeof(err)) != 0) {
			lb_errorf("%s", err);
			return LB_ERR_INPUT;
		}
		return 0;
	}
	r = lb_image_scan(ia, spec, &s);
	lb_print_log(&s->log, ia->quiet);
	if (r == 0)
		lb_diff_side_from_model(side, &s->model);
	lb_scan_free(s);
	return r;
}

static void put(const char *s)
{
	fputs(s ? s : "-", stdout);
}

static json_t *jstr(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;

	return v ? v : json_null();
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		LB_IMAGE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lb_image_args ia;
	struct lb_diff_side a, b;
	struct lb_diff_result res;
	size_t count[5] = { 0 }, lic = 0;
	int json = 0, c, r;

	lb_image_args_init(&ia, 1, 0);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:j:qh", opts, NULL)) != -1) {
		r = lb_image_arg(&ia, c, optarg);
		if (r < 0)
			return LB_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				json = 1;
			} else if (strcmp(optarg, "text") != 0) {
				lb_errorf("unknown --format '%s': text or json", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(lb_command_help("diff"), stdout);
			return LB_EXIT_OK;
		default:
			lb_errorf("diff: unknown option or missing value: '%s'; see 'layerbom help diff'", argv[optind - 1]);
			return LB_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		lb_errorf("diff takes two images or SBOMs, OLD and NEW; see 'layerbom help diff'");
		return LB_EXIT_USAGE;
	}
	r = load(argv[optind], &ia, &a);
	if (r)
		return lb_exit_code(r);
	r = load(argv[optind + 1], &ia, &b);
	if (r) {
		lb_diff_side_release(&a);
		return lb_exit_code(r);
	}
	lb_diff_compare(&a, &b, &res);
	for (size_t i = 0; i < res.n; i++) {
		count[res.v[i].kind]++;
		lic += res.v[i].license_changed;
	}
	if (json) {
		json_t *root = json_object(), *arr = json_array(), *sum = json_object();

		json_object_set_new(root, "old", jstr(argv[optind]));
		json_object_set_new(root, "new", jstr(argv[optind + 1]));
		for (size_t i = 0; i < res.n; i++) {
			const struct lb_diff_item *it = &res.v[i];
			const struct lb_diff_pkg *p = it->new ? it->new : it->old;
			json_t *o = json_object();

			json_object_set_new(o, "change", json_string(lb_diff_kind_name(it->kind)));
			json_object_set_new(o, "name", jstr(p->name));
			json_object_set_new(o, "type", jstr(p->type));
			json_object_set_new(o, "key", jstr(p->key));
			json_object_set_new(o, "old_version", jstr(it->old ? it->old->version : NULL));
			json_object_set_new(o, "new_version", jstr(it->new ? it->new->version : NULL));
			json_object_set_new(o, "old_license", jstr(it->old ? it->old->license : NULL));
			json_object_set_new(o, "new_license", jstr(it->new ? it->new->license : NULL));
			json_object_set_new(o, "license_changed", json_boolean(it->license_changed));
			json_object_set_new(o, "purl", jstr(p->purl));
			json_array_append_new(arr, o);
		}
		json_object_set_new(root, "changes", arr);
		for (int k = 0; k < 5; k++)
			json_object_set_new(sum, lb_diff_kind_name((enum lb_diff_kind)k), json_integer((json_int_t)count[k]));
		json_object_set_new(sum, "license_changed", json_integer((json_int_t)lic));
		json_object_set_new(root, "summary", sum);
		json_dumpf(root, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(root);
	} else {
		for (size_t i = 0; i < res.n; i++) {
			const struct lb_diff_item *it = &res.v[i];
			const struct lb_diff_pkg *p = it->new ? it->new : it->old;

			printf("%-10s %-12s ", lb_diff_kind_name(it->kind), p->type);
			put(p->name);
			putchar(' ');
			if (it->old && it->new) {
				put(it->old->version);
				if (lb_version_cmp(it->old->version, it->new->version) != 0) {
					fputs(" -> ", stdout);
					put(it->new->version);
				}
			} else {
				put(p->version);
			}
			fputs("  ", stdout);
			if (it->license_changed) {
				put(it->old->license ? it->old->license : "NOASSERTION");
				fputs(" -> ", stdout);
				put(it->new->license ? it->new->license : "NOASSERTION");
			} else {
				put(p->license ? p->license : "NOASSERTION");
			}
			putchar('\n');
		}
		printf("%zu added, %zu removed, %zu upgraded, %zu downgraded, %zu with another license\n",
		       count[LB_DIFF_ADDED], count[LB_DIFF_REMOVED], count[LB_DIFF_UPGRADED], count[LB_DIFF_DOWNGRADED],
		       lic);
	}
	lb_diff_result_release(&res);
	lb_diff_side_release(&a);
	lb_diff_side_release(&b);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		lb_errorf("cannot write the output: %s", strerror(errno));
		return LB_EXIT_OUTPUT;
	}
	return count[0] + count[1] + count[2] + count[3] + count[4] ? LB_EXIT_FOUND : LB_EXIT_OK;
}
