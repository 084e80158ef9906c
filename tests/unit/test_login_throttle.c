/* login_throttle: the back-off after failed logins (time is passed in, so
 * the tests move it), reset on success, forgetting, IPv6 /64 grouping and
 * the bounded table. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "login_throttle.h"

/* The wait client faces at now (0 when it may try). */
static unsigned wait_for(login_throttle *t, const char *client, time_t now)
{
	unsigned retry = 12345;
	bool ok = login_throttle_check(t, client, now, &retry);
	if (ok != (retry == 0))
		return 99999; /* inconsistent: fails any CHECK below */
	return retry;
}

static void fail_n(login_throttle *t, const char *client, time_t now, int n)
{
	for (int i = 0; i < n; i++)
		login_throttle_failure(t, client, now);
}

static void test_keys(void)
{
	char key[LOGIN_THROTTLE_KEY_SIZE];
	login_throttle_key("192.0.2.1", key);
	CHECK_STR(key, "192.0.2.1");
	login_throttle_key("2001:db8:1:2:3:4:5:6", key);
	CHECK_STR(key, "2001:db8:1:2::/64");
	login_throttle_key("2001:0db8:0001:0002:ffff:ffff:ffff:ffff", key);
	CHECK_STR(key, "2001:db8:1:2::/64");
	login_throttle_key("2001:db8:1:3::1", key);
	CHECK_STR(key, "2001:db8:1:3::/64");
	login_throttle_key("::1", key);
	CHECK_STR(key, "::/64");
	login_throttle_key("::ffff:192.0.2.1", key);
	CHECK_STR(key, "192.0.2.1");
	login_throttle_key("not an address", key);
	CHECK_STR(key, "not an address");
	login_throttle_key(NULL, key);
	CHECK_STR(key, "");
	char longer[200];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	login_throttle_key(longer, key);
	CHECK(strlen(key) == LOGIN_THROTTLE_KEY_SIZE - 1);
}

static void test_backoff_sequence(void)
{
	login_throttle *t = login_throttle_new(16);
	const char *c = "192.0.2.1";
	time_t now = 1000;
	CHECK(wait_for(t, c, now) == 0);
	CHECK(login_throttle_check(t, c, now, NULL));
	/* Four failures are free. */
	fail_n(t, c, now, 4);
	CHECK(wait_for(t, c, now) == 0);
	/* The fifth: 1 s. */
	login_throttle_failure(t, c, now);
	CHECK(wait_for(t, c, now) == 1);
	CHECK(!login_throttle_check(t, c, now, NULL));
	CHECK(wait_for(t, c, now + 1) == 0);
	/* Then 2, 4, ... 512 s after the 6th to 14th, each counted from the
	 * failure, then 900 s (1024 capped) from the 15th on. */
	unsigned want[] = {2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900};
	time_t allowed = now + 1;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		now = allowed; /* the first moment it may try again */
		CHECK(wait_for(t, c, now) == 0);
		login_throttle_failure(t, c, now);
		CHECK(wait_for(t, c, now) == want[i]);
		CHECK(wait_for(t, c, now + 1) == want[i] - 1);
		CHECK(wait_for(t, c, now + want[i] - 1) == 1);
		CHECK(wait_for(t, c, now + want[i]) == 0);
		if (wait_for(t, c, now) != want[i])
			fprintf(stderr, "failure %zu: wait %u, expected %u\n", i + 6,
			        wait_for(t, c, now), want[i]);
		allowed = now + want[i];
	}
	/* Another client is not slowed by this one. */
	CHECK(wait_for(t, "192.0.2.2", now) == 0);
	/* A login resets it. */
	login_throttle_success(t, c);
	CHECK(wait_for(t, c, now) == 0);
	fail_n(t, c, now, 4);
	CHECK(wait_for(t, c, now) == 0);
	login_throttle_failure(t, c, now);
	CHECK(wait_for(t, c, now) == 1);
	login_throttle_success(t, "198.51.100.7"); /* unknown: nothing happens */
	login_throttle_free(t);
	login_throttle_free(NULL);
	CHECK(login_throttle_new(0) == NULL);
}

static void test_window(void)
{
	login_throttle *t = login_throttle_new(16);
	/* Four failures, then a fifth 15 minutes later: a fresh start. */
	fail_n(t, "a", 0, 4);
	login_throttle_failure(t, "a", LOGIN_THROTTLE_WINDOW);
	CHECK(wait_for(t, "a", LOGIN_THROTTLE_WINDOW) == 0);
	fail_n(t, "a", LOGIN_THROTTLE_WINDOW, 3);
	CHECK(wait_for(t, "a", LOGIN_THROTTLE_WINDOW) == 0);
	/* One second earlier: the fifth within the window counts. */
	fail_n(t, "b", 0, 4);
	login_throttle_failure(t, "b", LOGIN_THROTTLE_WINDOW - 1);
	CHECK(wait_for(t, "b", LOGIN_THROTTLE_WINDOW - 1) == 1);

	/* At the longest wait, failing again when allowed keeps the longest
	 * wait: no free attempts come back while the guessing goes on. */
	time_t now = 0;
	fail_n(t, "c", now, 15);
	CHECK(wait_for(t, "c", now) == LOGIN_THROTTLE_MAX_WAIT);
	for (int i = 0; i < 4; i++) {
		now += LOGIN_THROTTLE_MAX_WAIT;
		CHECK(wait_for(t, "c", now) == 0);
		login_throttle_failure(t, "c", now);
		CHECK(wait_for(t, "c", now) == LOGIN_THROTTLE_MAX_WAIT);
	}
	/* Quiet for the window after the wait ended: forgotten. */
	now += LOGIN_THROTTLE_MAX_WAIT + LOGIN_THROTTLE_WINDOW;
	fail_n(t, "c", now, 4);
	CHECK(wait_for(t, "c", now) == 0);
	login_throttle_failure(t, "c", now);
	CHECK(wait_for(t, "c", now) == 1);

	/* A clock that steps back never asks for more than the longest wait. */
	fail_n(t, "d", 100000, 20);
	CHECK(wait_for(t, "d", 50000) == LOGIN_THROTTLE_MAX_WAIT);
	login_throttle_free(t);
}

static void test_ipv6_prefix(void)
{
	login_throttle *t = login_throttle_new(16);
	/* Five addresses of one /64: one client. */
	const char *same[] = {"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3",
	                      "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2:1:2:3:4"};
	for (int i = 0; i < 5; i++)
		login_throttle_failure(t, same[i], 100);
	CHECK(wait_for(t, "2001:db8:1:2::99", 100) == 1);
	CHECK(wait_for(t, "2001:DB8:1:2::99", 100) == 1);
	/* The next /64 is someone else. */
	CHECK(wait_for(t, "2001:db8:1:3::1", 100) == 0);
	/* An IPv4 client seen through a dual-stack socket is the same client. */
	fail_n(t, "192.0.2.9", 100, 5);
	CHECK(wait_for(t, "::ffff:192.0.2.9", 100) == 1);
	CHECK(wait_for(t, "192.0.2.10", 100) == 0);
	login_throttle_success(t, "2001:db8:1:2::5");
	CHECK(wait_for(t, "2001:db8:1:2::1", 100) == 0);
	login_throttle_free(t);
}

static void test_bounded_table(void)
{
	/* Full: the client with the oldest last failure makes room. */
	login_throttle *t = login_throttle_new(2);
	fail_n(t, "A", 0, 5);
	fail_n(t, "B", 1, 6); /* may try again at 3 */
	login_throttle_failure(t, "C", 2);
	CHECK(wait_for(t, "A", 2) == 0);
	CHECK(wait_for(t, "B", 2) == 1);
	login_throttle_free(t);

	/* A forgotten client makes room before the oldest one. B is the
	 * oldest, but waiting 900 s; A failed once, later, and its window has
	 * passed. */
	t = login_throttle_new(2);
	fail_n(t, "B", 0, 15);
	login_throttle_failure(t, "A", 100);
	login_throttle_failure(t, "C", 100 + LOGIN_THROTTLE_WINDOW + 50);
	login_throttle_failure(t, "B", 1100); /* 16th: still counted */
	CHECK(wait_for(t, "B", 1100) == LOGIN_THROTTLE_MAX_WAIT);
	login_throttle_free(t);
}

typedef struct job {
	login_throttle *t;
	int which;
	int failures;
} job;

static void *hammer(void *arg)
{
	job *j = arg;
	char client[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(client, sizeof client, "10.%d.%d.%d", j->which, i % 50, i % 7);
		login_throttle_failure(j->t, client, 1000);
		unsigned retry;
		login_throttle_check(j->t, client, 1000, &retry);
		if (retry > LOGIN_THROTTLE_MAX_WAIT)
			j->failures++;
		if (i % 11 == 0)
			login_throttle_success(j->t, client);
	}
	return NULL;
}

static void test_threads(void)
{
	login_throttle *t = login_throttle_new(64);
	job jobs[4];
	pthread_t threads[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (job){t, i, 0};
		pthread_create(&threads[i], NULL, hammer, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		CHECK(jobs[i].failures == 0);
	}
	login_throttle_free(t);
}

/* Many attempts from one client at once (issue #16): only the free ones
 * get through, because each is counted as it is let in. */
typedef struct burst {
	login_throttle *t;
	pthread_barrier_t *start;
	int allowed;
} burst;

static void *one_attempt(void *arg)
{
	burst *b = arg;
	pthread_barrier_wait(b->start);
	b->allowed = login_throttle_begin(b->t, "198.51.100.7", 5000, NULL);
	return NULL;
}

static void test_begin_reserves(void)
{
	enum { N = 32 };
	login_throttle *t = login_throttle_new(16);
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, N);
	burst b[N];
	pthread_t threads[N];
	for (int i = 0; i < N; i++) {
		b[i] = (burst){t, &start, 0};
		pthread_create(&threads[i], NULL, one_attempt, &b[i]);
	}
	int allowed = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(threads[i], NULL);
		allowed += b[i].allowed;
	}
	CHECK(allowed == LOGIN_THROTTLE_FREE);
	pthread_barrier_destroy(&start);
	/* A refund (the password was never checked) gives one back at once. */
	unsigned retry = 0;
	CHECK(!login_throttle_begin(t, "198.51.100.7", 5000, &retry));
	CHECK(retry == 1);
	login_throttle_refund(t, "198.51.100.7");
	CHECK(login_throttle_begin(t, "198.51.100.7", 5000, NULL));
	CHECK(!login_throttle_begin(t, "198.51.100.7", 5000, NULL));
	/* Success forgets them all. */
	login_throttle_success(t, "198.51.100.7");
	CHECK(login_throttle_begin(t, "198.51.100.7", 5000, NULL));
	login_throttle_free(t);
}

int main(void)
{
	RUN(test_keys);
	RUN(test_backoff_sequence);
	RUN(test_window);
	RUN(test_ipv6_prefix);
	RUN(test_bounded_table);
	RUN(test_threads);
	RUN(test_begin_reserves);
	return harness_finish();
}
