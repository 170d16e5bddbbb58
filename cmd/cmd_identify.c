/* SPDX-License-Identifier: Apache-2.0 */
/*
 * layerbom identify [--format text|json] FILE...: which licenses each file
 * holds (core/licmatch.h), with the lines and the evidence of each.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "licmatch.h"
#include "util.h"

/* Reads at most cap bytes of path into *out; 0 or an errno. */
static int read_capped(const char *path, size_t cap, char **out, size_t *len, int *truncated)
{
	struct lb_buf b;
	char chunk[65536];
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	*truncated = 0;
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return EISDIR;
	}
	lb_buf_init(&b, cap);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			if (fd)
				close(fd);
			lb_buf_release(&b);
			return e;
		}
		if (r == 0)
			break;
		if (lb_buf_add(&b, chunk, (size_t)r)) {
			lb_buf_add(&b, chunk, cap - b.len);
			*truncated = 1;
			break;
		}
	}
	if (fd)
		close(fd);
	*len = b.len;
	*out = b.p ? lb_buf_detach(&b, NULL) : lb_xstrdup("");
	return 0;
}

static void print_text(const char *path, const struct lb_licmatch_result *r)
{
	printf("%s: %s\n", path, r->expr ? r->expr : "NONE");
	for (size_t i = 0; i < r->n; i++) {
		const struct lb_licmatch *m = &r->v[i];

		printf("  %s (%s, score %.3f, coverage %.3f, lines %u-%u)\n", m->expr, m->matcher, m->score,
		       m->coverage, m->start_line, m->end_line);
		if (m->diff)
			printf("    differs: %s\n", m->diff);
	}
}

static json_t *to_json(const char *path, const struct lb_licmatch_result *r)
{
	json_t *o = json_object(), *a = json_array(), *f = json_string(path);

	/* a path that is not UTF-8 cannot be a JSON string as it is */
	json_object_set_new(o, "file", f ? f : json_string("?"));
	for (size_t i = 0; i < r->n; i++) {
		const struct lb_licmatch *m = &r->v[i];
		json_t *l = json_object();

		json_object_set_new(l, "spdx_id", json_string(m->expr));
		json_object_set_new(l, "score", json_real((double)(long)(m->score * 1000 + 0.5) / 1000));
		json_object_set_new(l, "coverage", json_real((double)(long)(m->coverage * 1000 + 0.5) / 1000));
		json_object_set_new(l, "start_line", json_integer(m->start_line));
		json_object_set_new(l, "end_line", json_integer(m->end_line));
		json_object_set_new(l, "matcher", json_string(m->matcher));
		if (m->diff)
			json_object_set_new(l, "differs", json_string(m->diff));
		json_array_append_new(a, l);
	}
	json_object_set_new(o, "licenses", a);
	json_object_set_new(o, "expression", r->expr ? json_string(r->expr) : json_null());
	if (r->truncated)
		json_object_set_new(o, "truncated", json_true());
	return o;
}

int cmd_identify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, c, rc = LB_EXIT_OK;
	json_t *all = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
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
			fputs(lb_command_help("identify"), stdout);
			return LB_EXIT_OK;
		default:
			lb_errorf("identify: unknown option or missing value: '%s'; see 'layerbom help identify'",
				  argv[optind - 1]);
			return LB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		lb_errorf("identify takes one or more FILEs; see 'layerbom help identify'");
		return LB_EXIT_USAGE;
	}
	if (json)
		all = json_array();
	for (int i = optind; i < argc; i++) {
		struct lb_licmatch_result r;
		char *data;
		size_t len;
		int trunc, e = read_capped(argv[i], LB_LICMATCH_MAX_TEXT, &data, &len, &trunc);

		if (e) {
			lb_errorf("cannot read '%s': %s", argv[i], strerror(e));
			rc = LB_EXIT_INPUT;
			continue;
		}
		if (lb_licmatch_identify(data, len, &r) != 0) {
			free(data);
			lb_errorf("license data could not be prepared");
			return LB_EXIT_INTERNAL;
		}
		r.truncated |= trunc;
		if (trunc)
			fprintf(stderr, "layerbom: warning: '%s' is larger than %u MiB: only its start was read\n",
				argv[i], LB_LICMATCH_MAX_TEXT >> 20);
		if (json)
			json_array_append_new(all, to_json(argv[i], &r));
		else
			print_text(argv[i], &r);
		lb_licmatch_result_release(&r);
		free(data);
	}
	if (json) {
		if (json_dumpf(all, stdout, JSON_INDENT(2)) != 0)
			rc = LB_EXIT_OUTPUT;
		putchar('\n');
		json_decref(all);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		lb_errorf("cannot write the output: %s", strerror(errno));
		return LB_EXIT_OUTPUT;
	}
	return rc;
}
