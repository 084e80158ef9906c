#include "login_throttle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table is searched linearly: it is only touched by login attempts,
 * each of which also costs an argon2id run (about 0.1 s) that dwarfs a scan
 * of a few thousand short keys. */

typedef struct throttle_entry {
	char key[LOGIN_THROTTLE_KEY_SIZE];
	unsigned failures;
	time_t last_failure;
	bool used;
} throttle_entry;

struct login_throttle {
	pthread_mutex_t mutex;
	throttle_entry *clients;
	size_t max;
};

login_throttle *login_throttle_new(size_t max_clients)
{
	if (max_clients == 0)
		return NULL;
	login_throttle *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->clients = calloc(max_clients, sizeof *t->clients);
	if (!t->clients || pthread_mutex_init(&t->mutex, NULL) != 0) {
		free(t->clients);
		free(t);
		return NULL;
	}
	t->max = max_clients;
	return t;
}

void login_throttle_free(login_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mutex);
	free(t->clients);
	free(t);
}

void login_throttle_key(const char *client, char out[LOGIN_THROTTLE_KEY_SIZE])
{
	struct in6_addr a6;
	if (client && inet_pton(AF_INET6, client, &a6) == 1) {
		char text[INET6_ADDRSTRLEN];
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			if (inet_ntop(AF_INET, &a6.s6_addr[12], text, sizeof text)) {
				snprintf(out, LOGIN_THROTTLE_KEY_SIZE, "%s", text);
				return;
			}
		} else {
			memset(&a6.s6_addr[8], 0, 8);
			if (inet_ntop(AF_INET6, &a6, text, sizeof text)) {
				snprintf(out, LOGIN_THROTTLE_KEY_SIZE, "%s/64", text);
				return;
			}
		}
	}
	snprintf(out, LOGIN_THROTTLE_KEY_SIZE, "%s", client ? client : "");
}

/* Seconds to wait after the last failure. */
static time_t wait_after(unsigned failures)
{
	if (failures < LOGIN_THROTTLE_FREE)
		return 0;
	unsigned shift = failures - LOGIN_THROTTLE_FREE;
	/* 2^10 = 1024 s is already past the 900 s cap. */
	if (shift >= 10)
		return LOGIN_THROTTLE_MAX_WAIT;
	time_t w = (time_t)1 << shift;
	return w < LOGIN_THROTTLE_MAX_WAIT ? w : LOGIN_THROTTLE_MAX_WAIT;
}

static time_t allowed_at(const throttle_entry *c)
{
	return c->last_failure + wait_after(c->failures);
}

static bool forgotten(const throttle_entry *c, time_t now)
{
	return now >= allowed_at(c) + LOGIN_THROTTLE_WINDOW;
}

static throttle_entry *find(login_throttle *t, const char *key)
{
	for (size_t i = 0; i < t->max; i++)
		if (t->clients[i].used && strcmp(t->clients[i].key, key) == 0)
			return &t->clients[i];
	return NULL;
}

/* A slot for a new client: a free one, else one that is forgotten, else
 * the one whose last failure is oldest. */
static throttle_entry *take_slot(login_throttle *t, time_t now)
{
	throttle_entry *oldest = NULL;
	for (size_t i = 0; i < t->max; i++) {
		throttle_entry *c = &t->clients[i];
		if (!c->used || forgotten(c, now))
			return c;
		if (!oldest || c->last_failure < oldest->last_failure)
			oldest = c;
	}
	return oldest;
}

/* The seconds key must still wait at now; the caller holds the mutex. */
static time_t wait_locked(login_throttle *t, const char *key, time_t now)
{
	time_t wait = 0;
	throttle_entry *c = find(t, key);
	if (c && forgotten(c, now))
		c->used = false;
	else if (c && now < allowed_at(c))
		wait = allowed_at(c) - now;
	/* Past the longest wait only when the clock stepped back. */
	return wait > LOGIN_THROTTLE_MAX_WAIT ? LOGIN_THROTTLE_MAX_WAIT : wait;
}

/* Count a failure of key at now; the caller holds the mutex. */
static void failure_locked(login_throttle *t, const char *key, time_t now)
{
	throttle_entry *c = find(t, key);
	if (c && forgotten(c, now))
		c->failures = 0;
	if (!c) {
		c = take_slot(t, now);
		memcpy(c->key, key, LOGIN_THROTTLE_KEY_SIZE);
		c->failures = 0;
		c->used = true;
	}
	if (c->failures < 1000000) /* any count past the cap waits the same */
		c->failures++;
	/* A clock that stepped back must not shorten the wait. */
	if (now > c->last_failure || c->failures == 1)
		c->last_failure = now;
}

bool login_throttle_check(login_throttle *t, const char *client_addr, time_t now,
                          unsigned *retry_after)
{
	char key[LOGIN_THROTTLE_KEY_SIZE];
	login_throttle_key(client_addr, key);
	pthread_mutex_lock(&t->mutex);
	time_t wait = wait_locked(t, key, now);
	pthread_mutex_unlock(&t->mutex);
	if (retry_after)
		*retry_after = (unsigned)wait;
	return wait == 0;
}

bool login_throttle_begin(login_throttle *t, const char *client_addr, time_t now,
                          unsigned *retry_after)
{
	char key[LOGIN_THROTTLE_KEY_SIZE];
	login_throttle_key(client_addr, key);
	pthread_mutex_lock(&t->mutex);
	time_t wait = wait_locked(t, key, now);
	if (wait == 0)
		failure_locked(t, key, now);
	pthread_mutex_unlock(&t->mutex);
	if (retry_after)
		*retry_after = (unsigned)wait;
	return wait == 0;
}

void login_throttle_failure(login_throttle *t, const char *client_addr, time_t now)
{
	char key[LOGIN_THROTTLE_KEY_SIZE];
	login_throttle_key(client_addr, key);
	pthread_mutex_lock(&t->mutex);
	failure_locked(t, key, now);
	pthread_mutex_unlock(&t->mutex);
}

void login_throttle_refund(login_throttle *t, const char *client_addr)
{
	char key[LOGIN_THROTTLE_KEY_SIZE];
	login_throttle_key(client_addr, key);
	pthread_mutex_lock(&t->mutex);
	throttle_entry *c = find(t, key);
	if (c && c->failures > 0)
		c->failures--;
	pthread_mutex_unlock(&t->mutex);
}

void login_throttle_success(login_throttle *t, const char *client_addr)
{
	char key[LOGIN_THROTTLE_KEY_SIZE];
	login_throttle_key(client_addr, key);
	pthread_mutex_lock(&t->mutex);
	throttle_entry *c = find(t, key);
	if (c)
		c->used = false;
	pthread_mutex_unlock(&t->mutex);
}
