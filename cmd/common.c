/* SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
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
