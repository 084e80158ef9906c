#include "search_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *cached_revision; /* what the entries were computed on */
static json_t *entries;       /* key -> value */

/* Under the lock: make the cache the one for revision, emptied when it was
 * another's. false when out of memory. */
static bool use_revision(const char *revision)
{
	if (cached_revision && strcmp(cached_revision, revision) == 0 && entries)
		return true;
	free(cached_revision);
	json_decref(entries);
	cached_revision = strdup(revision);
	entries = json_object();
	return cached_revision && entries;
}

json_t *search_cache_get(const char *revision, const char *key)
{
	json_t *shared = NULL;
	if (!revision || !key)
		return NULL;
	pthread_mutex_lock(&lock);
	if (cached_revision && entries && strcmp(cached_revision, revision) == 0)
		shared = json_incref(json_object_get(entries, key));
	pthread_mutex_unlock(&lock);
	return shared;
}

void search_cache_put(const char *revision, const char *key, json_t *value)
{
	if (!revision || !key || !value)
		return;
	pthread_mutex_lock(&lock);
	if (use_revision(revision)) {
		if (json_object_size(entries) >= SEARCH_CACHE_MAX)
			json_object_clear(entries);
		json_object_set(entries, key, value);
	}
	pthread_mutex_unlock(&lock);
}
