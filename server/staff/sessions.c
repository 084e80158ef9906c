#include "sessions.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A store is a fixed pool of slots, found through a chained hash table keyed
 * by the BLAKE2b hash of the id. The hash is uniformly random, so its first
 * bytes serve as the bucket number without any further hashing, and with at
 * least as many buckets as slots the chains stay short. */

#define KEY_BYTES    32
#define RANDOM_BYTES 32

typedef struct session {
	unsigned char key[KEY_BYTES]; /* BLAKE2b-256 of the id */
	char user[SESSION_USER_SIZE];
	char csrf[SESSION_TOKEN_SIZE];
	time_t created;
	time_t last_used;
	int32_t next; /* next slot in the bucket's chain, or in the free list; -1 ends */
	bool used;
} session;

struct session_store {
	pthread_mutex_t mutex;
	long idle;
	long absolute;
	size_t max;
	size_t count;
	session *slots;   /* max of them */
	int32_t *buckets; /* mask + 1 chain heads, -1 for empty */
	size_t mask;
	int32_t free_head;
};

const char *session_status_str(session_status status)
{
	switch (status) {
	case SESSION_OK:
		return "ok";
	case SESSION_NOT_FOUND:
		return "no such session";
	case SESSION_BAD_USER:
		return "invalid user name";
	case SESSION_INTERNAL:
		return "internal error";
	}
	return "unknown status";
}

session_store *session_store_new(long idle_seconds, long absolute_seconds, size_t max_sessions)
{
	if (idle_seconds <= 0 || absolute_seconds <= 0 || max_sessions == 0 ||
	    max_sessions > INT32_MAX / 2 || sodium_init() < 0)
		return NULL;
	session_store *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	size_t nbuckets = 1;
	while (nbuckets < max_sessions)
		nbuckets *= 2;
	s->slots = calloc(max_sessions, sizeof *s->slots);
	s->buckets = malloc(nbuckets * sizeof *s->buckets);
	if (!s->slots || !s->buckets || pthread_mutex_init(&s->mutex, NULL) != 0) {
		free(s->slots);
		free(s->buckets);
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < nbuckets; i++)
		s->buckets[i] = -1;
	for (size_t i = 0; i < max_sessions; i++)
		s->slots[i].next = i + 1 < max_sessions ? (int32_t)(i + 1) : -1;
	s->free_head = 0;
	s->mask = nbuckets - 1;
	s->idle = idle_seconds;
	s->absolute = absolute_seconds;
	s->max = max_sessions;
	return s;
}

void session_store_free(session_store *store)
{
	if (!store)
		return;
	pthread_mutex_destroy(&store->mutex);
	sodium_memzero(store->slots, store->max * sizeof *store->slots);
	free(store->slots);
	free(store->buckets);
	free(store);
}

/* Whether id has the form session_create gives out; anything else cannot be
 * a session, and is turned away before hashing. */
static bool id_well_formed(const char *id)
{
	if (!id || strnlen(id, SESSION_TOKEN_LEN + 1) != SESSION_TOKEN_LEN)
		return false;
	for (const char *p = id; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

static void hash_id(const char *id, unsigned char key[KEY_BYTES])
{
	crypto_generichash(key, KEY_BYTES, (const unsigned char *)id, strlen(id), NULL, 0);
}

static size_t bucket_of(const session_store *s, const unsigned char key[KEY_BYTES])
{
	uint64_t v;
	memcpy(&v, key, sizeof v);
	return (size_t)(v & s->mask);
}

/* The time a session ends unless used again. */
static time_t expires_at(const session_store *s, const session *e)
{
	time_t idle_end = e->last_used + s->idle;
	time_t absolute_end = e->created + s->absolute;
	return idle_end < absolute_end ? idle_end : absolute_end;
}

static bool expired(const session_store *s, const session *e, time_t now)
{
	return now >= expires_at(s, e);
}

/* Slot index of the session with this key, or -1. */
static int32_t find(const session_store *s, const unsigned char key[KEY_BYTES])
{
	for (int32_t i = s->buckets[bucket_of(s, key)]; i >= 0; i = s->slots[i].next)
		if (sodium_memcmp(s->slots[i].key, key, KEY_BYTES) == 0)
			return i;
	return -1;
}

/* Unlink slot i from its chain and put it on the free list. */
static void remove_slot(session_store *s, int32_t i)
{
	int32_t *link = &s->buckets[bucket_of(s, s->slots[i].key)];
	while (*link >= 0 && *link != i)
		link = &s->slots[*link].next;
	if (*link == i)
		*link = s->slots[i].next;
	sodium_memzero(&s->slots[i], sizeof s->slots[i]);
	s->slots[i].next = s->free_head;
	s->free_head = i;
	s->count--;
}

/* Make room for one more: drop every expired session, and if none was,
 * the one that would expire first (the least recently useful). */
static void make_room(session_store *s, time_t now)
{
	int32_t soonest = -1;
	for (size_t i = 0; i < s->max; i++) {
		session *e = &s->slots[i];
		if (!e->used)
			continue;
		if (expired(s, e, now))
			remove_slot(s, (int32_t)i);
		else if (soonest < 0 || expires_at(s, e) < expires_at(s, &s->slots[soonest]))
			soonest = (int32_t)i;
	}
	if (s->count == s->max && soonest >= 0)
		remove_slot(s, soonest);
}

static void random_token(char out[SESSION_TOKEN_SIZE])
{
	unsigned char bytes[RANDOM_BYTES];
	randombytes_buf(bytes, sizeof bytes);
	sodium_bin2base64(out, SESSION_TOKEN_SIZE, bytes, sizeof bytes,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(bytes, sizeof bytes);
}

session_status session_create(session_store *store, const char *user, time_t now,
                              char out_id[SESSION_TOKEN_SIZE], char out_csrf[SESSION_TOKEN_SIZE])
{
	out_id[0] = out_csrf[0] = '\0';
	if (!user || !user[0] || strnlen(user, SESSION_USER_SIZE) >= SESSION_USER_SIZE)
		return SESSION_BAD_USER;
	char id[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE];
	unsigned char key[KEY_BYTES];
	random_token(id);
	random_token(csrf);
	hash_id(id, key);

	pthread_mutex_lock(&store->mutex);
	if (store->count == store->max)
		make_room(store, now);
	int32_t i = store->free_head;
	if (i < 0) {
		/* make_room always frees a slot in a full store; never trust it blindly. */
		pthread_mutex_unlock(&store->mutex);
		sodium_memzero(id, sizeof id);
		return SESSION_INTERNAL;
	}
	session *e = &store->slots[i];
	store->free_head = e->next;
	memcpy(e->key, key, KEY_BYTES);
	strcpy(e->user, user);
	strcpy(e->csrf, csrf);
	e->created = e->last_used = now;
	e->used = true;
	size_t b = bucket_of(store, key);
	e->next = store->buckets[b];
	store->buckets[b] = i;
	store->count++;
	pthread_mutex_unlock(&store->mutex);

	memcpy(out_id, id, SESSION_TOKEN_SIZE);
	memcpy(out_csrf, csrf, SESSION_TOKEN_SIZE);
	sodium_memzero(id, sizeof id);
	return SESSION_OK;
}

session_status session_lookup(session_store *store, const char *id, time_t now,
                              char out_user[SESSION_USER_SIZE], char out_csrf[SESSION_TOKEN_SIZE])
{
	if (out_user)
		out_user[0] = '\0';
	if (out_csrf)
		out_csrf[0] = '\0';
	if (!id_well_formed(id))
		return SESSION_NOT_FOUND;
	unsigned char key[KEY_BYTES];
	hash_id(id, key);
	session_status st = SESSION_NOT_FOUND;
	pthread_mutex_lock(&store->mutex);
	int32_t i = find(store, key);
	if (i >= 0 && expired(store, &store->slots[i], now)) {
		remove_slot(store, i);
	} else if (i >= 0) {
		session *e = &store->slots[i];
		/* A clock that stepped back must not shorten the session. */
		if (now > e->last_used)
			e->last_used = now;
		if (out_user)
			strcpy(out_user, e->user);
		if (out_csrf)
			strcpy(out_csrf, e->csrf);
		st = SESSION_OK;
	}
	pthread_mutex_unlock(&store->mutex);
	return st;
}

session_status session_destroy(session_store *store, const char *id)
{
	if (!id_well_formed(id))
		return SESSION_NOT_FOUND;
	unsigned char key[KEY_BYTES];
	hash_id(id, key);
	pthread_mutex_lock(&store->mutex);
	int32_t i = find(store, key);
	if (i >= 0)
		remove_slot(store, i);
	pthread_mutex_unlock(&store->mutex);
	return i >= 0 ? SESSION_OK : SESSION_NOT_FOUND;
}

size_t session_destroy_user(session_store *store, const char *user)
{
	if (!user)
		return 0;
	size_t n = 0;
	pthread_mutex_lock(&store->mutex);
	for (size_t i = 0; i < store->max; i++) {
		if (store->slots[i].used && strcmp(store->slots[i].user, user) == 0) {
			remove_slot(store, (int32_t)i);
			n++;
		}
	}
	pthread_mutex_unlock(&store->mutex);
	return n;
}

size_t session_count(session_store *store)
{
	pthread_mutex_lock(&store->mutex);
	size_t n = store->count;
	pthread_mutex_unlock(&store->mutex);
	return n;
}
