/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cmd.h"
#include "detector.h"
#include "emit.h"
#include "progress.h"
#include "scan.h"

struct output {
	const char *format;
	const char *path;           /* NULL or "-": stdout */
	int files;                  /* --files */
	time_t created;             /* SBOM creation time */
};

#define MAX_OUTPUTS 16

static int emit_to(const struct lb_scan *s, const struct output *o, FILE *f)
{
	if (strcmp(o->format, "table") == 0)
		return lb_emit_table(s, f);
	if (strcmp(o->format, "notice") == 0)
		return lb_emit_notice(s, f);
	return lb_emit_sbom(s, lb_emitter_find(o->format), o->files, o->created, f);
}

/* Writes to an open stream (stdout, a device, a pipe). */
static int emit_stream(const struct lb_scan *s, const struct output *o, FILE *f, const char *name,
		       struct lb_log *log)
{
	int r;

	errno = 0;
	r = emit_to(s, o, f);
	if (r == 0 && (fflush(f) != 0 || ferror(f)))
		r = LB_ERR_OUTPUT;
	if (f != stdout && fclose(f) != 0)
		r = LB_ERR_OUTPUT;
	if (r)
		return lb_log_error(log, LB_ERR_OUTPUT, "cannot write '%s': %s", name,
				    strerror(errno ? errno : EIO));
	return 0;
}

/* Writes PATH through a temporary file in the same directory, renamed
 * over PATH once complete: a reader never sees half a document, and a
 * failed write leaves what was there.  A PATH that exists and is not a
 * regular file (/dev/stdout, a FIFO) is written in place. */
static int emit_one(const struct lb_scan *s, const struct output *o, struct lb_log *log)
{
	struct stat st;
	char *tmp;
	FILE *f;
	mode_t mask;
	int fd, r, err;

	if (!o->path || strcmp(o->path, "-") == 0)
		return emit_stream(s, o, stdout, "stdout", log);
	if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		f = fopen(o->path, "w");
		if (!f)
			return lb_log_error(log, LB_ERR_OUTPUT, "cannot write '%s': %s", o->path, strerror(errno));
		return emit_stream(s, o, f, o->path, log);
	}
	tmp = lb_xasprintf("%s.XXXXXX", o->path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		free(tmp);
		return lb_log_error(log, LB_ERR_OUTPUT, "cannot write '%s': %s", o->path, strerror(err));
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !(f = fdopen(fd, "w"))) {
		err = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		return lb_log_error(log, LB_ERR_OUTPUT, "cannot write '%s': %s", o->path, strerror(err));
	}
	errno = 0;
	r = emit_to(s, o, f);
	err = errno ? errno : EIO;
	if (fclose(f) != 0 && r == 0) {
		r = LB_ERR_OUTPUT;
		err = errno;
	}
	if (r == 0 && rename(tmp, o->path) != 0) {
		r = LB_ERR_OUTPUT;
		err = errno;
	}
	if (r) {
		unlink(tmp);
		free(tmp);
		return lb_log_error(log, LB_ERR_OUTPUT, "cannot write '%s': %s", o->path, strerror(err));
	}
	free(tmp);
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		LB_IMAGE_OPTIONS,
		LB_IMAGE_OPTIONS_CACHE,
		{ "files", no_argument, NULL, 'F' },
		{ "scope", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const known[] = { "table", "notice" };
	static const char *const planned[] = { NULL };
	struct output outs[MAX_OUTPUTS];
	size_t nouts = 0;
	struct lb_image_args ia;
	struct lb_scan *s;
	int files = 0, c, r;
	time_t created;

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
		case 'o': {
			char *eq = strchr(optarg, '=');
			int ok = 0;

			if (nouts == MAX_OUTPUTS) {
				lb_errorf("at most %d outputs", MAX_OUTPUTS);
				return LB_EXIT_USAGE;
			}
			if (eq)
				*eq = '\0';
			for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
				ok |= strcmp(known[i], optarg) == 0;
			ok |= lb_emitter_find(optarg) != NULL;
			if (!ok) {
				for (size_t i = 0; i < sizeof(planned) / sizeof(planned[0]) && planned[i]; i++)
					if (strcmp(planned[i], optarg) == 0) {
						lb_errorf("output format '%s' is not available in this version", optarg);
						return LB_EXIT_USAGE;
					}
				lb_errorf("unknown output format '%s'; see 'layerbom help scan'", optarg);
				return LB_EXIT_USAGE;
			}
			outs[nouts].format = optarg;
			outs[nouts].path = eq ? eq + 1 : NULL;
			nouts++;
			break;
		}
		case 'F':
			files = 1;
			break;
		case 'S':
			if (strcmp(optarg, "all-layers") == 0) {
				ia.so.all_layers = 1;
			} else if (strcmp(optarg, "squashed") != 0) {
				lb_errorf("--scope takes squashed or all-layers, not '%s'", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(lb_command_help("scan"), stdout);
			return LB_EXIT_OK;
		default:
			lb_errorf("scan: unknown option or missing value: '%s'; see 'layerbom help scan'",
				  argv[optind - 1]);
			return LB_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		lb_errorf("scan takes one IMAGE; see 'layerbom help scan'");
		return LB_EXIT_USAGE;
	}
	if (!nouts) {
		outs[0].format = "table";
		outs[0].path = NULL;
		nouts = 1;
	}
	if (lb_sbom_time(getenv("SOURCE_DATE_EPOCH"), time(NULL), &created) != 0) {
		lb_errorf("SOURCE_DATE_EPOCH must be a number of seconds since 1970, not '%s'",
			  getenv("SOURCE_DATE_EPOCH"));
		return LB_EXIT_USAGE;
	}
	for (size_t i = 0; i < nouts; i++) {
		outs[i].files = files;
		outs[i].created = created;
	}
	ia.so.all_sha1 = files;   /* the files of SBOMs carry SHA-1s; nothing else needs all */
	r = lb_image_scan(&ia, argv[optind], &s);
	/* every output is attempted; the first failure is the exit status */
	for (size_t i = 0; r == 0 && i < nouts; i++) {
		int e = emit_one(s, &outs[i], &s->log);

		if (e) {
			for (size_t k = i + 1; k < nouts; k++)
				emit_one(s, &outs[k], &s->log);
			r = e;
		}
	}
	lb_print_log(&s->log, ia.quiet);
	lb_scan_free(s);
	return lb_exit_code(r);
}
