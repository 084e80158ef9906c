/* sessions: ids and CSRF tokens, idle and absolute expiry (time is passed
 * in, so the tests move it), logout, per-user logout, eviction when full;
 * and csrf_equal. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csrf.h"
#include "harness.h"
#include "sessions.h"

static bool base64url(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
		            s[i]))
			return false;
	return true;
}

static void test_status_str(void)
{
	for (int s = SESSION_OK; s <= SESSION_INTERNAL; s++)
		CHECK(strcmp(session_status_str((session_status)s), "unknown status") != 0);
}

static void test_bad_arguments(void)
{
	CHECK(session_store_new(0, 10, 10) == NULL);
	CHECK(session_store_new(10, 0, 10) == NULL);
	CHECK(session_store_new(10, 10, 0) == NULL);
	CHECK(session_store_new(-1, 10, 10) == NULL);
	session_store_free(NULL);

	session_store *s = session_store_new(10, 10, 4);
	char id[SESSION_TOKEN_SIZE] = "x", csrf[SESSION_TOKEN_SIZE] = "x";
	char name64[65], name65[66];
	memset(name64, 'n', 64);
	name64[64] = '\0';
	memset(name65, 'n', 65);
	name65[65] = '\0';
	CHECK(session_create(s, "", 0, id, csrf) == SESSION_BAD_USER);
	CHECK_STR(id, "");
	CHECK_STR(csrf, "");
	CHECK(session_create(s, NULL, 0, id, csrf) == SESSION_BAD_USER);
	CHECK(session_create(s, name65, 0, id, csrf) == SESSION_BAD_USER);
	CHECK(session_count(s) == 0);
	CHECK(session_create(s, name64, 0, id, csrf) == SESSION_OK);
	char user[SESSION_USER_SIZE];
	CHECK(session_lookup(s, id, 1, user, NULL) == SESSION_OK);
	CHECK_STR(user, name64);
	session_store_free(s);
}

static void test_create_and_lookup(void)
{
	session_store *s = session_store_new(100, 1000, 10);
	char id[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE];
	char id2[SESSION_TOKEN_SIZE], csrf2[SESSION_TOKEN_SIZE];
	CHECK(session_create(s, "alice", 5000, id, csrf) == SESSION_OK);
	CHECK(base64url(id, SESSION_TOKEN_LEN));
	CHECK(base64url(csrf, SESSION_TOKEN_LEN));
	CHECK(strcmp(id, csrf) != 0);
	CHECK(session_create(s, "alice", 5000, id2, csrf2) == SESSION_OK);
	CHECK(strcmp(id, id2) != 0 && strcmp(csrf, csrf2) != 0);
	CHECK(session_count(s) == 2);

	char user[SESSION_USER_SIZE], got_csrf[SESSION_TOKEN_SIZE];
	CHECK(session_lookup(s, id, 5001, user, got_csrf) == SESSION_OK);
	CHECK_STR(user, "alice");
	CHECK_STR(got_csrf, csrf);
	CHECK(session_lookup(s, id2, 5001, user, got_csrf) == SESSION_OK);
	CHECK_STR(got_csrf, csrf2);
	CHECK(session_lookup(s, id, 5001, NULL, NULL) == SESSION_OK);

	/* The CSRF token is not a session id, and ids that are not ours are
	 * not found; outputs are emptied. */
	CHECK(session_lookup(s, csrf, 5001, user, got_csrf) == SESSION_NOT_FOUND);
	CHECK_STR(user, "");
	CHECK_STR(got_csrf, "");
	char bad[SESSION_TOKEN_SIZE + 1];
	strcpy(bad, id);
	bad[0] = bad[0] == 'A' ? 'B' : 'A';
	CHECK(session_lookup(s, bad, 5001, user, NULL) == SESSION_NOT_FOUND);
	strcpy(bad, id);
	bad[42] = '\0';
	CHECK(session_lookup(s, bad, 5001, user, NULL) == SESSION_NOT_FOUND);
	strcpy(bad, id);
	strcat(bad, "A");
	CHECK(session_lookup(s, bad, 5001, user, NULL) == SESSION_NOT_FOUND);
	strcpy(bad, id);
	bad[20] = '+';
	CHECK(session_lookup(s, bad, 5001, user, NULL) == SESSION_NOT_FOUND);
	CHECK(session_lookup(s, "", 5001, user, NULL) == SESSION_NOT_FOUND);
	CHECK(session_lookup(s, NULL, 5001, user, NULL) == SESSION_NOT_FOUND);
	CHECK(session_count(s) == 2);
	session_store_free(s);
}

static void test_idle_expiry(void)
{
	session_store *s = session_store_new(100, 100000, 10);
	char id[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE], user[SESSION_USER_SIZE];
	CHECK(session_create(s, "alice", 0, id, csrf) == SESSION_OK);
	CHECK(session_lookup(s, id, 99, user, NULL) == SESSION_OK);  /* and touched */
	CHECK(session_lookup(s, id, 198, user, NULL) == SESSION_OK); /* 99 s after the touch */
	CHECK(session_lookup(s, id, 297, user, NULL) == SESSION_OK);
	/* Exactly idle seconds after the last use: over. And gone for good. */
	CHECK(session_lookup(s, id, 397, user, NULL) == SESSION_NOT_FOUND);
	CHECK_STR(user, "");
	CHECK(session_count(s) == 0);
	CHECK(session_lookup(s, id, 398, user, NULL) == SESSION_NOT_FOUND);

	/* Untouched: over at created + idle. A lookup with an earlier clock
	 * (stepped back) neither ends nor shortens it. */
	CHECK(session_create(s, "bob", 1000, id, csrf) == SESSION_OK);
	CHECK(session_lookup(s, id, 990, user, NULL) == SESSION_OK);
	CHECK(session_lookup(s, id, 1099, user, NULL) == SESSION_OK);
	CHECK(session_lookup(s, id, 1199, user, NULL) == SESSION_NOT_FOUND);
	session_store_free(s);
}

static void test_absolute_expiry(void)
{
	session_store *s = session_store_new(100, 250, 10);
	char id[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE], user[SESSION_USER_SIZE];
	CHECK(session_create(s, "alice", 0, id, csrf) == SESSION_OK);
	CHECK(session_lookup(s, id, 90, user, NULL) == SESSION_OK);
	CHECK(session_lookup(s, id, 180, user, NULL) == SESSION_OK);
	CHECK(session_lookup(s, id, 249, user, NULL) == SESSION_OK);
	/* In use a second ago, but 250 s old. */
	CHECK(session_lookup(s, id, 250, user, NULL) == SESSION_NOT_FOUND);
	CHECK(session_count(s) == 0);

	/* The defaults the server uses: 8 h idle, 7 days in all. */
	session_store *d =
	    session_store_new(SESSION_DEFAULT_IDLE, SESSION_DEFAULT_ABSOLUTE, SESSION_DEFAULT_MAX);
	CHECK(d != NULL);
	long t = 1700000000;
	CHECK(session_create(d, "alice", t, id, csrf) == SESSION_OK);
	CHECK(session_lookup(d, id, t + 8 * 3600 - 1, user, NULL) == SESSION_OK);
	/* Used every 7 hours it lives to 7 days, not a second more. */
	for (long h = 7; h < 7 * 24; h += 7)
		CHECK(session_lookup(d, id, t + h * 3600, user, NULL) == SESSION_OK);
	CHECK(session_lookup(d, id, t + 7 * 86400, user, NULL) == SESSION_NOT_FOUND);
	CHECK(session_create(d, "bob", t, id, csrf) == SESSION_OK);
	CHECK(session_lookup(d, id, t + 8 * 3600, user, NULL) == SESSION_NOT_FOUND);
	session_store_free(d);
	session_store_free(s);
}

static void test_destroy(void)
{
	session_store *s = session_store_new(100, 1000, 10);
	char a1[SESSION_TOKEN_SIZE], a2[SESSION_TOKEN_SIZE], a3[SESSION_TOKEN_SIZE];
	char b[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE];
	CHECK(session_create(s, "alice", 0, a1, csrf) == SESSION_OK);
	CHECK(session_create(s, "alice", 0, a2, csrf) == SESSION_OK);
	CHECK(session_create(s, "alice", 0, a3, csrf) == SESSION_OK);
	CHECK(session_create(s, "bob", 0, b, csrf) == SESSION_OK);
	CHECK(session_count(s) == 4);

	CHECK(session_destroy(s, a1) == SESSION_OK);
	CHECK(session_lookup(s, a1, 1, NULL, NULL) == SESSION_NOT_FOUND);
	CHECK(session_lookup(s, a2, 1, NULL, NULL) == SESSION_OK);
	CHECK(session_destroy(s, a1) == SESSION_NOT_FOUND);
	CHECK(session_destroy(s, "short") == SESSION_NOT_FOUND);
	CHECK(session_destroy(s, NULL) == SESSION_NOT_FOUND);
	CHECK(session_count(s) == 3);

	CHECK(session_destroy_user(s, "alice") == 2);
	CHECK(session_lookup(s, a2, 1, NULL, NULL) == SESSION_NOT_FOUND);
	CHECK(session_lookup(s, a3, 1, NULL, NULL) == SESSION_NOT_FOUND);
	CHECK(session_lookup(s, b, 1, NULL, NULL) == SESSION_OK);
	CHECK(session_destroy_user(s, "alice") == 0);
	CHECK(session_destroy_user(s, "bo") == 0); /* whole names only */
	CHECK(session_destroy_user(s, NULL) == 0);
	CHECK(session_count(s) == 1);

	/* Freed slots are used again. */
	for (int i = 0; i < 9; i++)
		CHECK(session_create(s, "carol", 2, a1, csrf) == SESSION_OK);
	CHECK(session_count(s) == 10);
	CHECK(session_lookup(s, b, 3, NULL, NULL) == SESSION_OK);
	session_store_free(s);
}

static void test_eviction(void)
{
	/* Full, nothing expired: the session closest to expiring goes. */
	session_store *s = session_store_new(100, 1000, 3);
	char a[SESSION_TOKEN_SIZE], b[SESSION_TOKEN_SIZE], c[SESSION_TOKEN_SIZE];
	char d[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE];
	CHECK(session_create(s, "a", 0, a, csrf) == SESSION_OK);
	CHECK(session_create(s, "b", 1, b, csrf) == SESSION_OK);
	CHECK(session_create(s, "c", 2, c, csrf) == SESSION_OK);
	CHECK(session_lookup(s, a, 3, NULL, NULL) == SESSION_OK); /* a is in use */
	CHECK(session_create(s, "d", 4, d, csrf) == SESSION_OK);
	CHECK(session_count(s) == 3);
	CHECK(session_lookup(s, b, 5, NULL, NULL) == SESSION_NOT_FOUND);
	CHECK(session_lookup(s, a, 5, NULL, NULL) == SESSION_OK);
	CHECK(session_lookup(s, c, 5, NULL, NULL) == SESSION_OK);
	CHECK(session_lookup(s, d, 5, NULL, NULL) == SESSION_OK);
	session_store_free(s);

	/* Full with expired sessions: they all go first, the live one stays. */
	s = session_store_new(10, 1000, 3);
	CHECK(session_create(s, "a", 0, a, csrf) == SESSION_OK);
	CHECK(session_create(s, "b", 1, b, csrf) == SESSION_OK);
	CHECK(session_create(s, "c", 5, c, csrf) == SESSION_OK);
	CHECK(session_create(s, "d", 12, d, csrf) == SESSION_OK); /* a and b expired */
	CHECK(session_count(s) == 2);
	CHECK(session_lookup(s, c, 13, NULL, NULL) == SESSION_OK);
	CHECK(session_lookup(s, d, 13, NULL, NULL) == SESSION_OK);
	session_store_free(s);

	/* The server's size: 10,001 logins keep 10,000 sessions, the first
	 * one gone. */
	s = session_store_new(SESSION_DEFAULT_IDLE, SESSION_DEFAULT_ABSOLUTE, SESSION_DEFAULT_MAX);
	CHECK(session_create(s, "first", 0, a, csrf) == SESSION_OK);
	for (int i = 1; i < SESSION_DEFAULT_MAX; i++)
		session_create(s, "many", i, b, csrf);
	CHECK(session_count(s) == SESSION_DEFAULT_MAX);
	CHECK(session_lookup(s, a, SESSION_DEFAULT_MAX, NULL, NULL) == SESSION_OK);
	CHECK(session_create(s, "last", SESSION_DEFAULT_MAX + 1, c, csrf) == SESSION_OK);
	CHECK(session_count(s) == SESSION_DEFAULT_MAX);
	CHECK(session_lookup(s, a, SESSION_DEFAULT_MAX + 2, NULL, NULL) == SESSION_OK);
	CHECK(session_lookup(s, c, SESSION_DEFAULT_MAX + 2, NULL, NULL) == SESSION_OK);
	CHECK(session_lookup(s, b, SESSION_DEFAULT_MAX + 2, NULL, NULL) == SESSION_OK);
	CHECK(session_destroy_user(s, "many") == SESSION_DEFAULT_MAX - 2);
	session_store_free(s);
}

/* Threads logging in, looking up and out at once. */
typedef struct job {
	session_store *store;
	int failures;
} job;

static void *churn(void *arg)
{
	job *j = arg;
	for (int i = 0; i < 2000; i++) {
		char id[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE], got[SESSION_TOKEN_SIZE];
		char user[SESSION_USER_SIZE];
		if (session_create(j->store, "worker", i, id, csrf) != SESSION_OK)
			j->failures++;
		/* The store holds 64, and four threads share it: a session may
		 * have been evicted, but a found one must be ours. */
		if (session_lookup(j->store, id, i, user, got) == SESSION_OK &&
		    (strcmp(user, "worker") != 0 || !csrf_equal(got, csrf)))
			j->failures++;
		if (i % 3 == 0)
			session_destroy(j->store, id);
	}
	return NULL;
}

static void test_threads(void)
{
	session_store *s = session_store_new(100000, 100000, 64);
	job jobs[4];
	pthread_t threads[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (job){s, 0};
		pthread_create(&threads[i], NULL, churn, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		CHECK(jobs[i].failures == 0);
	}
	CHECK(session_count(s) <= 64);
	session_store_free(s);
}

static void test_csrf_equal(void)
{
	const char *t = "b0Q5p4pS7n3wqBn8d2xR0m5k1yJ9vW6cT3eH8aF2gUo";
	char copy[64];
	strcpy(copy, t);
	CHECK(csrf_equal(t, copy));
	copy[42] = copy[42] == 'o' ? 'p' : 'o';
	CHECK(!csrf_equal(t, copy));
	copy[42] = t[42];
	copy[0] = 'X';
	CHECK(!csrf_equal(t, copy));
	CHECK(!csrf_equal(t, "b0Q5p4pS7n3wqBn8d2xR0m5k1yJ9vW6cT3eH8aF2gU"));
	CHECK(!csrf_equal(t, ""));
	CHECK(!csrf_equal("", ""));
	CHECK(!csrf_equal(t, NULL));
	CHECK(!csrf_equal(NULL, t));
	CHECK(!csrf_equal(NULL, NULL));
}

int main(void)
{
	RUN(test_status_str);
	RUN(test_bad_arguments);
	RUN(test_create_and_lookup);
	RUN(test_idle_expiry);
	RUN(test_absolute_expiry);
	RUN(test_destroy);
	RUN(test_eviction);
	RUN(test_threads);
	RUN(test_csrf_equal);
	return harness_finish();
}
