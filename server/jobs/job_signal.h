/* job_signal: how a background worker sleeps between sweeps and is told
 * to look again or to stop. The queues (transcribe_queue, pictures_queue)
 * poll the archive every few seconds for work left by other processes, and
 * are woken at once when this server queued something itself.
 *
 *   job_signal_init(&s);
 *   worker:  while (!job_signal_stopping(&s)) { work(); job_signal_idle(&s, 5); }
 *   server:  job_signal_wake(&s);   later: job_signal_stop(&s); join; destroy */
#ifndef QA_JOBS_JOB_SIGNAL_H
#define QA_JOBS_JOB_SIGNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct job_signal {
	pthread_mutex_t lock; /* also free for the queue's own shared state */
	pthread_cond_t wake;
	bool woken;       /* under lock: woken since a worker last looked */
	atomic_bool stop; /* read without the lock, also by a running job */
} job_signal;

void job_signal_init(job_signal *s);
void job_signal_destroy(job_signal *s);

/* Sleep until woken, stopped, or `seconds` pass; consumes a wake. */
void job_signal_idle(job_signal *s, unsigned seconds);

/* Wake the sleeping workers (something was queued). */
void job_signal_wake(job_signal *s);

/* Tell the workers to stop, waking them; the caller joins them. */
void job_signal_stop(job_signal *s);

static inline bool job_signal_stopping(job_signal *s)
{
	return atomic_load(&s->stop);
}

#endif
