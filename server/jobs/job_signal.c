#include "job_signal.h"

#include <errno.h>
#include <time.h>

void job_signal_init(job_signal *s)
{
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->woken = false;
	atomic_init(&s->stop, false);
}

void job_signal_destroy(job_signal *s)
{
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
}

void job_signal_idle(job_signal *s, unsigned seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&s->lock);
	while (!s->woken && !atomic_load(&s->stop))
		if (pthread_cond_timedwait(&s->wake, &s->lock, &until) == ETIMEDOUT)
			break;
	s->woken = false;
	pthread_mutex_unlock(&s->lock);
}

void job_signal_wake(job_signal *s)
{
	pthread_mutex_lock(&s->lock);
	s->woken = true;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void job_signal_stop(job_signal *s)
{
	pthread_mutex_lock(&s->lock);
	atomic_store(&s->stop, true);
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
}
