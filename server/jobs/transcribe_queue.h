/* transcribe_queue: the server's background speech recognition. Worker
 * threads of their own (one by default) take the archive's queued jobs
 * (transcribe_job.h, on disk) oldest first and run each with
 * transcribe_recording; a request only ever queues one (a small file
 * write) and wakes a worker, never waits for it.
 *
 * At start the workers find the jobs already queued, and those a stopped
 * or killed server left "running": they start again from the beginning.
 * Stopping kills a running engine and leaves its job queued, so the next
 * start runs it. No libmicrohttpd here.
 */
#ifndef QA_TRANSCRIBE_QUEUE_H
#define QA_TRANSCRIBE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct transcribe_queue transcribe_queue;

typedef struct transcribe_queue_config {
	const char *archive_dir;  /* copied */
	const char *command;      /* the engine's shell command line: copied */
	unsigned timeout_seconds; /* 0: transcribe_run.h's default */
	unsigned workers;         /* jobs run at once; 0: 1 */
} transcribe_queue_config;

/* How often an idle worker looks at the queue on disk anyway, for jobs
 * another process queued (seconds). */
#define TRANSCRIBE_QUEUE_POLL_SECONDS 10

typedef enum transcribe_queue_status {
	TRANSCRIBE_QUEUE_OK = 0,
	TRANSCRIBE_QUEUE_FAILED, /* a thread or lock could not be made: err says */
	TRANSCRIBE_QUEUE_NOMEM,
} transcribe_queue_status;

/* Start the workers. *out is the queue (stop and free it with
 * transcribe_queue_stop), NULL on failure with a message in err. */
transcribe_queue_status transcribe_queue_start(const transcribe_queue_config *cfg,
                                               transcribe_queue **out, char *err, size_t errlen);

/* Queue recording id (unless it has a job already) and wake a worker.
 * The worker checks that it needs transcribing (no transcript, no
 * subtitle stream) and drops the job when it does not. false when the job
 * could not be written (err says why). Thread-safe. */
bool transcribe_queue_add(transcribe_queue *q, const char *id, char *err, size_t errlen);

/* Stop: kill the running engines (their jobs stay queued), join the
 * workers, free q. NULL is a no-op. */
void transcribe_queue_stop(transcribe_queue *q);

#endif
