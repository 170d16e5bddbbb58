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

/* The cache of --cache DIR (NULL: the default place); its warnings now. */
static struct lb_cache *open_cache(const char *dir, int quiet)
{
	struct lb_log log;
	struct lb_cache *c;

	lb_log_init(&log);
	c = lb_cache_open(dir, &log);
	lb_print_log(&log, quiet);
	lb_log_release(&log);
	return c;
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "platform", required_argument, NULL, 'P' },
		{ "image", required_argument, NULL, 'I' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "cache", required_argument, NULL, 'C' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "files", no_argument, NULL, 'F' },
		{ "scope", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const known[] = { "table", "notice" };
	static const char *const planned[] = { NULL };
	struct output outs[MAX_OUTPUTS];
	size_t nouts = 0;
	struct lb_scan_opts so = { .detectors = lb_detectors, .ndetectors = lb_ndetectors };
	struct lb_scan *s;
	int quiet = 0, files = 0, no_cache = 0, c, r;
	const char *cache_dir = NULL;
	time_t created;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:j:qh", opts, NULL)) != -1) {
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
		case 'P':
			so.image.platform = optarg;
			break;
		case 'I':
			so.image.image_name = optarg;
			break;
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > 256) {
				lb_errorf("--jobs takes a number from 1 to 256, not '%s'", optarg);
				return LB_EXIT_USAGE;
			}
			so.jobs = (unsigned)v;
			break;
		}
		case 'q':
			quiet = 1;
			break;
		case 'C':
			cache_dir = optarg;
			no_cache = 0;
			break;
		case 'N':
			no_cache = 1;
			break;
		case 'F':
			files = 1;
			break;
		case 'S':
			if (strcmp(optarg, "all-layers") == 0) {
				so.all_layers = 1;
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
	if (!no_cache)
		so.cache = open_cache(cache_dir, quiet);
	{
		struct lb_progress prog = { 0 };
		struct lb_progress_view *pv;

		so.progress = &prog;
		pv = lb_progress_start(&prog, quiet);
		r = lb_scan_run(argv[optind], &so, &s);
		lb_progress_stop(pv);
		so.progress = NULL;
	}
	/* every output is attempted; the first failure is the exit status */
	for (size_t i = 0; r == 0 && i < nouts; i++) {
		int e = emit_one(s, &outs[i], &s->log);

		if (e) {
			for (size_t k = i + 1; k < nouts; k++)
				emit_one(s, &outs[k], &s->log);
			r = e;
		}
	}
	lb_print_log(&s->log, quiet);
	lb_scan_free(s);
	lb_cache_free(so.cache);
	return lb_exit_code(r);
}
