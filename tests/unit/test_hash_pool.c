/* hash_pool: at most N places, a bounded wait, a bounded queue. */
#include <pthread.h>

#include "harness.h"
#include "hash_pool.h"

static void test_places(void)
{
	hash_pool *p = hash_pool_new(2, 0);
	CHECK(hash_pool_new(0, 4) == NULL);
	CHECK(hash_pool_enter(p, 0));
	CHECK(hash_pool_enter(p, 0));
	/* Full, and no queue: refused at once, whatever the wait. */
	CHECK(!hash_pool_enter(p, 0));
	CHECK(!hash_pool_enter(p, 50));
	hash_pool_leave(p);
	CHECK(hash_pool_enter(p, 0));
	CHECK(hash_pool_runs(p) == 3);
	hash_pool_leave(p);
	hash_pool_leave(p);
	hash_pool_free(p);
	CHECK(hash_pool_default_slots() >= 1 && hash_pool_default_slots() <= 8);
}

static void test_wait_times_out(void)
{
	hash_pool *p = hash_pool_new(1, 1);
	CHECK(hash_pool_enter(p, 0));
	/* Queued, nobody leaves: refused once the wait is over. */
	CHECK(!hash_pool_enter(p, 30));
	hash_pool_leave(p);
	hash_pool_free(p);
}

typedef struct waiter {
	hash_pool *p;
	int got;
} waiter;

static void *wait_long(void *arg)
{
	waiter *w = arg;
	w->got = hash_pool_enter(w->p, 60000);
	if (w->got)
		hash_pool_leave(w->p);
	return NULL;
}

static void test_waiter_gets_freed_place(void)
{
	hash_pool *p = hash_pool_new(1, 4);
	CHECK(hash_pool_enter(p, 0));
	waiter w = {p, 0};
	pthread_t t;
	pthread_create(&t, NULL, wait_long, &w);
	/* Leaving wakes the waiter whether it queued already or comes later. */
	hash_pool_leave(p);
	pthread_join(t, NULL);
	CHECK(w.got == 1);
	CHECK(hash_pool_runs(p) == 2);
	hash_pool_free(p);
}

int main(void)
{
	RUN(test_places);
	RUN(test_wait_times_out);
	RUN(test_waiter_gets_freed_place);
	return harness_finish();
}
