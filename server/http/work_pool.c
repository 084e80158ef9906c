#include "work_pool.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct job {
	void (*fn)(void *);
	void *arg;
} job;

struct http_work_pool {
	pthread_mutex_t lock;
	pthread_cond_t ready; /* a job was queued, or stopping was set */
	pthread_t *threads;
	unsigned thread_count;
	job *queue; /* a ring of queue_max */
	unsigned queue_max, first, queued;
	bool stopping;
};

static void *worker_main(void *arg)
{
	http_work_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->queued == 0 && !p->stopping)
			pthread_cond_wait(&p->ready, &p->lock);
		if (p->queued == 0)
			break; /* stopping, and nothing left to run */
		job j = p->queue[p->first];
		p->first = (p->first + 1) % p->queue_max;
		p->queued--;
		pthread_mutex_unlock(&p->lock);
		j.fn(j.arg);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

bool http_work_pool_new(unsigned workers, unsigned queue_max, http_work_pool **out)
{
	*out = NULL;
	http_work_pool *p = calloc(1, sizeof *p);
	if (!p)
		return false;
	p->queue_max = queue_max ? queue_max : 1;
	p->queue = calloc(p->queue_max, sizeof *p->queue);
	p->threads = calloc(workers ? workers : 1, sizeof *p->threads);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->ready, NULL);
	if (!p->queue || !p->threads) {
		http_work_pool_free(p);
		return false;
	}
	for (unsigned i = 0; i < (workers ? workers : 1); i++) {
		if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) {
			http_work_pool_free(p);
			return false;
		}
		p->thread_count++;
	}
	*out = p;
	return true;
}

http_work_status http_work_pool_submit(http_work_pool *p, void (*fn)(void *), void *arg)
{
	http_work_status st = HTTP_WORK_OK;
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		st = HTTP_WORK_STOPPING;
	} else if (p->queued == p->queue_max) {
		st = HTTP_WORK_FULL;
	} else {
		p->queue[(p->first + p->queued) % p->queue_max] = (job){fn, arg};
		p->queued++;
		pthread_cond_signal(&p->ready);
	}
	pthread_mutex_unlock(&p->lock);
	return st;
}

void http_work_pool_free(http_work_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->ready);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->thread_count; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->ready);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p->queue);
	free(p);
}
