/* The server's cached view of accounts.json: parsed once, re-read when
 * the file changes (accounts.h), shared by every request thread. */
#include "accounts_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "errmsg.h"
#include "hash_pool.h"

struct accounts_cache {
	pthread_mutex_t mutex;
	char *path; /* <archive>/.qarchive/accounts.json */
	/* The last read: what was read, how it went, and the content. A
	 * corrupt file is remembered too (and reported on every check until it
	 * changes); an I/O failure is not, so the next check tries again. */
	bool loaded;
	accounts_file_key key;
	accounts_status status;
	char err[512];
	accounts_data data;
	hash_pool *hashing; /* the argon2id runs at once */
};

accounts_status accounts_cache_new(const char *archive, accounts_cache **out)
{
	*out = NULL;
	if (sodium_init() < 0)
		return ACCOUNTS_INTERNAL;
	accounts_cache *c = calloc(1, sizeof *c);
	if (!c)
		return ACCOUNTS_NOMEM;
	if (!(c->path = accounts_file_path(archive))) {
		free(c);
		return ACCOUNTS_NOMEM;
	}
	unsigned slots = hash_pool_default_slots();
	if (!(c->hashing = hash_pool_new(slots, slots * ACCOUNTS_HASH_QUEUE_EACH))) {
		free(c->path);
		free(c);
		return ACCOUNTS_NOMEM;
	}
	if (pthread_mutex_init(&c->mutex, NULL) != 0) {
		hash_pool_free(c->hashing);
		free(c->path);
		free(c);
		return ACCOUNTS_INTERNAL;
	}
	*out = c;
	return ACCOUNTS_OK;
}

void accounts_cache_free(accounts_cache *cache)
{
	if (!cache)
		return;
	pthread_mutex_destroy(&cache->mutex);
	accounts_data_free(&cache->data);
	hash_pool_free(cache->hashing);
	free(cache->path);
	free(cache);
}

/* Make the cache match the file; the caller holds the mutex. On failure
 * err says why. */
static accounts_status refresh(accounts_cache *c, char *err, size_t errlen)
{
	struct stat sb;
	accounts_file_key now = {.exists = false};
	if (stat(c->path, &sb) == 0)
		now = accounts_file_key_of(&sb);
	else if (errno != ENOENT)
		return accounts_io_error(errno, c->path, err, errlen);
	if (!c->loaded || !accounts_file_key_equal(&now, &c->key)) {
		accounts_data d;
		accounts_file_key read_key;
		c->err[0] = '\0';
		accounts_status st =
		    accounts_file_load(c->path, &d, &read_key, c->err, sizeof c->err);
		if (st == ACCOUNTS_IO || st == ACCOUNTS_NOMEM) {
			errmsg_set(err, errlen, "%s", c->err);
			return st;
		}
		accounts_data_free(&c->data);
		c->data = d;
		c->key = read_key;
		c->status = st;
		c->loaded = true;
	}
	if (c->status)
		errmsg_set(err, errlen, "%s", c->err);
	return c->status;
}

accounts_status accounts_cache_check_password(accounts_cache *cache, const char *name,
                                              const char *password, char *err, size_t errlen)
{
	char stored[crypto_pwhash_STRBYTES] = "";
	pthread_mutex_lock(&cache->mutex);
	accounts_status st = refresh(cache, err, errlen);
	if (st == ACCOUNTS_OK)
		accounts_stored_password(&cache->data, name, stored);
	pthread_mutex_unlock(&cache->mutex);
	if (st != ACCOUNTS_OK)
		return st;
	if (!hash_pool_enter(cache->hashing, ACCOUNTS_HASH_WAIT_MS)) {
		errmsg_set(err, errlen, "too many sign-ins at once");
		return ACCOUNTS_BUSY;
	}
	st = accounts_verify_password(stored, password);
	hash_pool_leave(cache->hashing);
	return st;
}

unsigned long long accounts_cache_password_checks(accounts_cache *cache)
{
	return (unsigned long long)hash_pool_runs(cache->hashing);
}

accounts_status accounts_cache_check_token(accounts_cache *cache, const char *token, char *out_name,
                                           size_t size, char *err, size_t errlen)
{
	accounts_copy_name(out_name, size, "");
	pthread_mutex_lock(&cache->mutex);
	accounts_status st = refresh(cache, err, errlen);
	if (st == ACCOUNTS_OK)
		st = accounts_token_match(&cache->data, token, out_name, size);
	pthread_mutex_unlock(&cache->mutex);
	return st;
}

accounts_status accounts_cache_user_exists(accounts_cache *cache, const char *name, char *err,
                                           size_t errlen)
{
	pthread_mutex_lock(&cache->mutex);
	accounts_status st = refresh(cache, err, errlen);
	if (st == ACCOUNTS_OK)
		st = accounts_data_user_exists(&cache->data, name);
	pthread_mutex_unlock(&cache->mutex);
	return st;
}
