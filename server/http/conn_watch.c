#include "conn_watch.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

typedef enum conn_phase {
	PHASE_HEAD,
	PHASE_BODY,
	PHASE_BUSY,
} conn_phase;

struct http_conn {
	http_conn *prev, *next;
	int fd;
	conn_phase phase;
	time_t since;    /* monotonic seconds: when the phase (or body window) began */
	uint64_t window; /* body bytes in the current window */
	bool cut;        /* shut down already */
};

struct http_conn_watch {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stopping;
	http_conn_limits limits;
	http_conn *head; /* every open connection, newest first */
	unsigned open;
	uint64_t cut;
};

static time_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Whether c is past its deadline at time t; a body that kept its rate
 * starts a new window. Under w->lock. */
static bool overdue(http_conn_watch *w, http_conn *c, time_t t, bool pressure)
{
	const http_conn_limits *l = &w->limits;
	switch (c->phase) {
	case PHASE_HEAD:
		return t - c->since >= (time_t)(pressure ? l->pressure_seconds : l->head_seconds);
	case PHASE_BODY:
		if (t - c->since < (time_t)l->body_window_seconds)
			return false;
		if (c->window < l->body_min_bytes)
			return true;
		c->since = t;
		c->window = 0;
		return false;
	case PHASE_BUSY:
		return false;
	}
	return false;
}

/* One pass over the connections: shut down the overdue ones. */
static void sweep(http_conn_watch *w)
{
	time_t t = now();
	bool pressure = (uint64_t)w->open * 4 > (uint64_t)w->limits.connections * 3;
	for (http_conn *c = w->head; c; c = c->next) {
		if (c->cut || !overdue(w, c, t, pressure))
			continue;
		/* MHD reads EOF or an error on its next try and closes the
		 * connection on its own thread. */
		shutdown(c->fd, SHUT_RDWR);
		c->cut = true;
		w->cut++;
	}
}

static void *watch_main(void *arg)
{
	http_conn_watch *w = arg;
	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&w->wake, &w->lock, &until);
		if (!w->stopping)
			sweep(w);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

bool http_conn_watch_start(const http_conn_limits *limits, http_conn_watch **out)
{
	*out = NULL;
	http_conn_watch *w = calloc(1, sizeof *w);
	if (!w)
		return false;
	w->limits = *limits;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&w->lock, NULL);
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return false;
	}
	*out = w;
	return true;
}

void http_conn_watch_stop(http_conn_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	/* MHD_stop_daemon notified every close; anything left is a bug of
	 * ours, freed rather than leaked. */
	while (w->head) {
		http_conn *c = w->head;
		w->head = c->next;
		free(c);
	}
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

http_conn *http_conn_opened(http_conn_watch *w, int fd)
{
	http_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->fd = fd;
	c->phase = PHASE_HEAD;
	c->since = now();
	pthread_mutex_lock(&w->lock);
	c->next = w->head;
	if (w->head)
		w->head->prev = c;
	w->head = c;
	w->open++;
	pthread_mutex_unlock(&w->lock);
	return c;
}

void http_conn_closed(http_conn_watch *w, http_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&w->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	w->open--;
	pthread_mutex_unlock(&w->lock);
	free(c);
}

static void set_phase(http_conn_watch *w, http_conn *c, conn_phase phase)
{
	if (!c)
		return;
	pthread_mutex_lock(&w->lock);
	c->phase = phase;
	c->since = now();
	c->window = 0;
	pthread_mutex_unlock(&w->lock);
}

void http_conn_head(http_conn_watch *w, http_conn *c)
{
	set_phase(w, c, PHASE_HEAD);
}

void http_conn_body(http_conn_watch *w, http_conn *c)
{
	set_phase(w, c, PHASE_BODY);
}

void http_conn_busy(http_conn_watch *w, http_conn *c)
{
	set_phase(w, c, PHASE_BUSY);
}

void http_conn_body_bytes(http_conn_watch *w, http_conn *c, uint64_t n)
{
	if (!c)
		return;
	pthread_mutex_lock(&w->lock);
	c->window += n;
	pthread_mutex_unlock(&w->lock);
}

uint64_t http_conn_watch_cut(http_conn_watch *w)
{
	pthread_mutex_lock(&w->lock);
	uint64_t n = w->cut;
	pthread_mutex_unlock(&w->lock);
	return n;
}
