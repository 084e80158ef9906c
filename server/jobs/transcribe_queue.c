#include "transcribe_queue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "job_signal.h"
#include "recording.h"
#include "transcribe_job.h"
#include "transcribe_run.h"
#include "log_line.h"

/* The most workers a site may ask for: each runs an engine that wants
 * several cores of its own. */
#define MAX_WORKERS 16

typedef struct worker {
	struct transcribe_queue *q;
	unsigned slot; /* its entry in running[] */
} worker;

struct transcribe_queue {
	char *archive_dir;
	char *command;
	unsigned timeout_seconds;
	pthread_t threads[MAX_WORKERS];
	worker workers[MAX_WORKERS];
	unsigned started;
	job_signal signal; /* woken when something is queued; its lock guards running[] */
	char running[MAX_WORKERS][RECORDING_ID_MAX + 1]; /* ids being run */
};

/* The oldest pending job no worker of ours runs, claimed into slot; false
 * when there is none. */
static bool claim(transcribe_queue *q, unsigned slot)
{
	char **ids = NULL;
	size_t n = 0;
	bool found = false;
	if (transcribe_job_pending(q->archive_dir, &ids, &n) != TRANSCRIBE_JOB_OK)
		return false;
	pthread_mutex_lock(&q->signal.lock);
	for (size_t i = 0; i < n && !found; i++) {
		bool taken = false;
		for (unsigned w = 0; w < MAX_WORKERS && !taken; w++)
			taken = strcmp(q->running[w], ids[i]) == 0;
		if (!taken) {
			snprintf(q->running[slot], sizeof q->running[slot], "%s", ids[i]);
			found = true;
		}
	}
	pthread_mutex_unlock(&q->signal.lock);
	transcribe_job_ids_free(ids);
	return found;
}

static void *work(void *arg)
{
	worker *w = arg;
	transcribe_queue *q = w->q;
	transcribe_config cfg = {.archive_dir = q->archive_dir,
	                         .command = q->command,
	                         .timeout_seconds = q->timeout_seconds,
	                         .stop = &q->signal.stop};
	while (!job_signal_stopping(&q->signal)) {
		if (!claim(q, w->slot)) {
			job_signal_idle(&q->signal, TRANSCRIBE_QUEUE_POLL_SECONDS);
			continue;
		}
		char err[600];
		const char *id = q->running[w->slot];
		log_say("serve", "transcribing %s", id);
		transcribe_status st = transcribe_recording(&cfg, id, err, sizeof err);
		if (st == TRANSCRIBE_OK)
			log_say("serve", "transcribed %s%s%s", id, err[0] ? ": " : "", err);
		else if (st != TRANSCRIBE_STOPPED)
			log_say("serve", "transcription of %s: %s", id,
			        err[0] ? err : transcribe_status_str(st));
		pthread_mutex_lock(&q->signal.lock);
		q->running[w->slot][0] = '\0';
		pthread_mutex_unlock(&q->signal.lock);
		/* Another process holds it: look again later, not at once. */
		if (st == TRANSCRIBE_BUSY)
			job_signal_idle(&q->signal, TRANSCRIBE_QUEUE_POLL_SECONDS);
	}
	return NULL;
}

static void queue_free(transcribe_queue *q)
{
	job_signal_destroy(&q->signal);
	free(q->archive_dir);
	free(q->command);
	free(q);
}

transcribe_queue_status transcribe_queue_start(const transcribe_queue_config *cfg,
                                               transcribe_queue **out, char *err, size_t errlen)
{
	*out = NULL;
	transcribe_queue *q = calloc(1, sizeof *q);
	if (!q)
		return TRANSCRIBE_QUEUE_NOMEM;
	job_signal_init(&q->signal);
	q->timeout_seconds = cfg->timeout_seconds;
	if (!(q->archive_dir = strdup(cfg->archive_dir)) || !(q->command = strdup(cfg->command))) {
		queue_free(q);
		return TRANSCRIBE_QUEUE_NOMEM;
	}
	unsigned n = cfg->workers == 0            ? 1
	             : cfg->workers > MAX_WORKERS ? MAX_WORKERS
	                                          : cfg->workers;
	for (unsigned i = 0; i < n; i++) {
		q->workers[i] = (worker){q, i};
		int e = pthread_create(&q->threads[i], NULL, work, &q->workers[i]);
		if (e != 0) {
			errmsg_set_errno(err, errlen, "cannot start a transcription worker", e);
			transcribe_queue_stop(q);
			return TRANSCRIBE_QUEUE_FAILED;
		}
		q->started++;
	}
	*out = q;
	return TRANSCRIBE_QUEUE_OK;
}

bool transcribe_queue_add(transcribe_queue *q, const char *id, char *err, size_t errlen)
{
	if (transcribe_job_queue(q->archive_dir, id, false, NULL, err, errlen) != TRANSCRIBE_JOB_OK)
		return false;
	job_signal_wake(&q->signal);
	return true;
}

void transcribe_queue_stop(transcribe_queue *q)
{
	if (!q)
		return;
	job_signal_stop(&q->signal);
	for (unsigned i = 0; i < q->started; i++)
		pthread_join(q->threads[i], NULL);
	queue_free(q);
}
