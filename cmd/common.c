/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cmd.h"
#include "detector.h"
#include "progress.h"
#include "util.h"

/* Messages quote names from the image: bytes that are not UTF-8 and control
 * characters (a terminal's escape sequences) are written as \xNN, so that
 * every message is one line of text. */
static void print_message(const char *prefix, const char *msg)
{
	struct lb_buf b;

	lb_buf_init(&b, 1u << 20);
	lb_buf_add_escaped(&b, msg, strlen(msg));
	lb_errorf("%s%.*s", prefix, (int)b.len, b.p ? b.p : "");
	lb_buf_release(&b);
}

void lb_print_log(const struct lb_log *log, int quiet)
{
	if (!quiet) {
		for (size_t i = 0; i < log->nwarnings; i++)
			print_message("warning: ", log->warnings[i]);
		if (log->dropped)
			fprintf(stderr, "layerbom: warning: %zu more warnings not shown\n", log->dropped);
	}
	if (log->error)
		print_message("", log->error);
}

int lb_exit_code(int status)
{
	switch (status) {
	case LB_OK: return LB_EXIT_OK;
	case LB_ERR_USAGE: return LB_EXIT_USAGE;
	case LB_ERR_INPUT: return LB_EXIT_INPUT;
	case LB_ERR_OUTPUT: return LB_EXIT_OUTPUT;
	default: return LB_EXIT_INTERNAL;
	}
}

/* ---- progress on stderr ---- */

struct lb_progress_view {
	struct lb_progress *p;
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
};

static void progress_line(struct lb_progress *p)
{
	unsigned done = atomic_load(&p->layers_done), n = atomic_load(&p->nlayers);
	double mb = (double)atomic_load(&p->bytes) / 1e6;

	if (n)
		fprintf(stderr, "\rlayerbom: layers %u/%u, %.1f MB read ", done > n ? n : done, n, mb);
	else
		fprintf(stderr, "\rlayerbom: opening the image ");
	fflush(stderr);
}

static void *progress_thread(void *arg)
{
	struct lb_progress_view *v = arg;

	pthread_mutex_lock(&v->lock);
	while (!v->stop) {
		struct timespec t;

		progress_line(v->p);
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 250 * 1000 * 1000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&v->cond, &v->lock, &t);
	}
	pthread_mutex_unlock(&v->lock);
	progress_line(v->p);
	/* the line is wiped: what follows on stderr starts clean */
	fprintf(stderr, "\r%60s\r", "");
	fflush(stderr);
	return NULL;
}

struct lb_progress_view *lb_progress_start(struct lb_progress *p, int quiet)
{
	struct lb_progress_view *v;

	/* only for a person at a terminal: never in logs or pipes */
	if (quiet || !isatty(STDERR_FILENO))
		return NULL;
	v = lb_xcalloc(1, sizeof(*v));
	v->p = p;
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->cond, NULL);
	if (pthread_create(&v->tid, NULL, progress_thread, v) != 0) {
		free(v);
		return NULL;
	}
	return v;
}

void lb_progress_stop(struct lb_progress_view *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	v->stop = 1;
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->lock);
	pthread_join(v->tid, NULL);
	pthread_mutex_destroy(&v->lock);
	pthread_cond_destroy(&v->cond);
	free(v);
}

void lb_image_args_init(struct lb_image_args *a, int with_detectors, int with_cache)
{
	memset(a, 0, sizeof(*a));
	if (with_detectors) {
		a->so.detectors = lb_detectors;
		a->so.ndetectors = lb_ndetectors;
	}
	a->use_cache = with_cache;
}

int lb_image_arg(struct lb_image_args *a, int c, const char *arg)
{
	char *end;
	long v;

	switch (c) {
	case 'P':
		a->so.image.platform = arg;
		return 1;
	case 'I':
		a->so.image.image_name = arg;
		return 1;
	case 'j':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 1 || v > 256) {
			lb_errorf("--jobs takes a number from 1 to 256, not '%s'", arg);
			return -1;
		}
		a->so.jobs = (unsigned)v;
		return 1;
	case 'q':
		a->quiet = 1;
		return 1;
	case 'C':
		a->cache_dir = arg;
		a->use_cache = 1;
		return 1;
	case 'N':
		a->use_cache = 0;
		return 1;
	default:
		return 0;
	}
}

int lb_image_scan(struct lb_image_args *a, const char *spec, struct lb_scan **out)
{
	struct lb_progress prog = { 0 };
	struct lb_progress_view *pv;
	int r;

	if (a->use_cache) {
		/* the cache's own warnings (a corrupt file, ...) come first */
		struct lb_log log;

		lb_log_init(&log);
		a->so.cache = lb_cache_open(a->cache_dir, &log);
		lb_print_log(&log, a->quiet);
		lb_log_release(&log);
	}
	a->so.progress = &prog;
	pv = lb_progress_start(&prog, a->quiet);
	r = lb_scan_run(spec, &a->so, out);
	lb_progress_stop(pv);
	a->so.progress = NULL;
	lb_cache_free(a->so.cache);
	a->so.cache = NULL;
	return r;
}
