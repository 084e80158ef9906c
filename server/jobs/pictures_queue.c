#include "pictures_queue.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "errmsg.h"
#include "job_signal.h"
#include "log_line.h"
#include "pictures_make.h"

struct pictures_queue {
	char *archive_dir;
	pthread_t thread;
	job_signal signal; /* woken by an upload */
};

/* Every recording once: those up to date cost a stat and a small read. */
static void sweep(pictures_queue *q)
{
	archive_listing list = ARCHIVE_LISTING_INIT;
	char err[600];
	if (archive_list(q->archive_dir, &list, err, sizeof err) != ARCHIVE_OK)
		return;
	pictures_make_config cfg = {.archive_dir = q->archive_dir, .stop = &q->signal.stop};
	for (size_t i = 0; i < list.recording_count && !job_signal_stopping(&q->signal); i++) {
		const char *id = list.recordings[i];
		pictures_status st = pictures_make(&cfg, id, err, sizeof err);
		if (st == PICTURES_OK)
			log_say("serve", "pictures of %s made", id);
		else if (st == PICTURES_FAILED || st == PICTURES_IO || st == PICTURES_NOMEM)
			log_say("serve", "pictures of %s: %s", id,
			        err[0] ? err : pictures_status_str(st));
	}
	/* And the pictures of recordings deleted since. */
	size_t gone = job_signal_stopping(&q->signal)
	                  ? 0
	                  : pictures_prune(q->archive_dir, list.recordings, list.recording_count);
	if (gone)
		log_say("serve", "pictures of %zu deleted recording%s removed", gone,
		        gone == 1 ? "" : "s");
	archive_listing_free(&list);
}

static void *work(void *arg)
{
	pictures_queue *q = arg;
	while (!job_signal_stopping(&q->signal)) {
		sweep(q);
		job_signal_idle(&q->signal, PICTURES_QUEUE_POLL_SECONDS);
	}
	return NULL;
}

pictures_queue_status pictures_queue_start(const char *archive_dir, pictures_queue **out, char *err,
                                           size_t errlen)
{
	*out = NULL;
	pictures_queue *q = calloc(1, sizeof *q);
	if (!q || !(q->archive_dir = strdup(archive_dir))) {
		free(q);
		return PICTURES_QUEUE_NOMEM;
	}
	job_signal_init(&q->signal);
	int e = pthread_create(&q->thread, NULL, work, q);
	if (e != 0) {
		errmsg_set_errno(err, errlen, "cannot start the pictures worker", e);
		job_signal_destroy(&q->signal);
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
	job_signal_wake(&q->signal);
}

void pictures_queue_stop(pictures_queue *q)
{
	if (!q)
		return;
	job_signal_stop(&q->signal);
	pthread_join(q->thread, NULL);
	job_signal_destroy(&q->signal);
	free(q->archive_dir);
	free(q);
}
