#include "hash_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct hash_pool {
	pthread_mutex_t mutex;
	pthread_cond_t freed; /* signalled when a place is given back */
	unsigned slots, busy;
	unsigned max_waiting, waiting;
	uint64_t runs;
};

hash_pool *hash_pool_new(unsigned slots, unsigned max_waiting)
{
	if (slots == 0)
		return NULL;
	hash_pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	pthread_condattr_t attr;
	bool cond_ok = pthread_condattr_init(&attr) == 0;
	/* The deadline is on the monotonic clock: a stepped wall clock
	 * neither ends a wait early nor stretches it. */
	cond_ok = cond_ok && pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
	          pthread_cond_init(&p->freed, &attr) == 0;
	pthread_condattr_destroy(&attr);
	if (!cond_ok) {
		free(p);
		return NULL;
	}
	if (pthread_mutex_init(&p->mutex, NULL) != 0) {
		pthread_cond_destroy(&p->freed);
		free(p);
		return NULL;
	}
	p->slots = slots;
	p->max_waiting = max_waiting;
	return p;
}

void hash_pool_free(hash_pool *p)
{
	if (!p)
		return;
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->mutex);
	free(p);
}

unsigned hash_pool_default_slots(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > 8 ? 8 : (unsigned)n;
}

static struct timespec deadline_after(unsigned ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

bool hash_pool_enter(hash_pool *p, unsigned wait_ms)
{
	struct timespec deadline = deadline_after(wait_ms);
	pthread_mutex_lock(&p->mutex);
	if (p->busy >= p->slots && p->waiting < p->max_waiting && wait_ms > 0) {
		p->waiting++;
		int rc = 0;
		while (p->busy >= p->slots && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&p->freed, &p->mutex, &deadline);
		p->waiting--;
	}
	bool ok = p->busy < p->slots;
	if (ok) {
		p->busy++;
		p->runs++;
	}
	pthread_mutex_unlock(&p->mutex);
	return ok;
}

void hash_pool_leave(hash_pool *p)
{
	pthread_mutex_lock(&p->mutex);
	if (p->busy > 0)
		p->busy--;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->mutex);
}

uint64_t hash_pool_runs(hash_pool *p)
{
	pthread_mutex_lock(&p->mutex);
	uint64_t n = p->runs;
	pthread_mutex_unlock(&p->mutex);
	return n;
}
