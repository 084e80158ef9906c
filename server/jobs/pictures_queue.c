#include "pictures_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive.h"
#include "errmsg.h"
#include "pictures_make.h"

struct pictures_queue {
	char *archive_dir;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool woken;       /* under lock: an upload since the worker looked */
	atomic_bool stop; /* read by the running job too */
};

/* Sleep until woken, stopped, or PICTURES_QUEUE_POLL_SECONDS pass. */
static void idle(pictures_queue *q)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += PICTURES_QUEUE_POLL_SECONDS;
	pthread_mutex_lock(&q->lock);
	while (!q->woken && !atomic_load(&q->stop))
		if (pthread_cond_timedwait(&q->wake, &q->lock, &until) == ETIMEDOUT)
			break;
	q->woken = false;
	pthread_mutex_unlock(&q->lock);
}

/* Every recording once: those up to date cost a stat and a small read. */
static void sweep(pictures_queue *q)
{
	archive_listing list = ARCHIVE_LISTING_INIT;
	char err[600];
	if (archive_list(q->archive_dir, &list, err, sizeof err) != ARCHIVE_OK)
		return;
	pictures_make_config cfg = {.archive_dir = q->archive_dir, .stop = &q->stop};
	for (size_t i = 0; i < list.recording_count && !atomic_load(&q->stop); i++) {
		const char *id = list.recordings[i];
		pictures_status st = pictures_make(&cfg, id, err, sizeof err);
		if (st == PICTURES_OK)
			fprintf(stderr, "qarchive serve: pictures of %s made\n", id);
		else if (st == PICTURES_FAILED || st == PICTURES_IO || st == PICTURES_NOMEM)
			fprintf(stderr, "qarchive serve: pictures of %s: %s\n", id,
			        err[0] ? err : pictures_status_str(st));
	}
	/* And the pictures of recordings deleted since. */
	size_t gone = atomic_load(&q->stop)
	                  ? 0
	                  : pictures_prune(q->archive_dir, list.recordings, list.recording_count);
	if (gone)
		fprintf(stderr, "qarchive serve: pictures of %zu deleted recording%s removed\n", gone,
		        gone == 1 ? "" : "s");
	archive_listing_free(&list);
}

static void *work(void *arg)
{
	pictures_queue *q = arg;
	while (!atomic_load(&q->stop)) {
		sweep(q);
		idle(q);
	}
	return NULL;
}

pictures_queue_status pictures_queue_start(const char *archive_dir, pictures_queue **out,
                                           char *err, size_t errlen)
{
	*out = NULL;
	pictures_queue *q = calloc(1, sizeof *q);
	if (!q || !(q->archive_dir = strdup(archive_dir))) {
		free(q);
		return PICTURES_QUEUE_NOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	atomic_init(&q->stop, false);
	int e = pthread_create(&q->thread, NULL, work, q);
	if (e != 0) {
		errmsg_set_errno(err, errlen, "cannot start the pictures worker", e);
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->wake);
		free(q->archive_dir);
		free(q);
		return PICTURES_QUEUE_FAILED;
	}
	*out = q;
	return PICTURES_QUEUE_OK;
}

void pictures_queue_wake(pictures_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->woken = true;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
}

void pictures_queue_stop(pictures_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	atomic_store(&q->stop, true);
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->wake);
	free(q->archive_dir);
	free(q);
}
