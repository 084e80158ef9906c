#include "db_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_generation.h"
#include "index_update.h"
#include "vocabulary.h"

typedef struct slot {
	http_db loan; /* what the borrower sees; loan.syn points at syn */
	synonyms *syn;
	char *syn_text;    /* the synonyms text syn was parsed from */
	index_stamp stamp; /* the index as loan.db last saw it (index_generation.h) */
	bool stamped;      /* stamp is known */
	bool busy;
} slot;

struct http_db_pool {
	pthread_mutex_t mutex;
	pthread_cond_t freed;
	char *path;
	/* Shards searched as one instead of path (server.h), borrowed. */
	const char *const *shards;
	size_t shard_count;
	slot *slots;
	size_t size;
};

http_db_status http_db_pool_new(const char *index_path, size_t size, http_db_pool **out)
{
	*out = NULL;
	http_db_pool *p = calloc(1, sizeof *p);
	if (!p)
		return HTTP_DB_NOMEM;
	p->size = size ? size : 1;
	p->slots = calloc(p->size, sizeof *p->slots);
	p->path = strdup(index_path);
	if (!p->slots || !p->path) {
		free(p->slots);
		free(p->path);
		free(p);
		return HTTP_DB_NOMEM;
	}
	pthread_mutex_init(&p->mutex, NULL);
	pthread_cond_init(&p->freed, NULL);
	*out = p;
	return HTTP_DB_OK;
}

void http_db_pool_use_shards(http_db_pool *pool, const char *const *shards, size_t count)
{
	pool->shards = shards;
	pool->shard_count = count;
}

void http_db_pool_free(http_db_pool *pool)
{
	if (!pool)
		return;
	for (size_t i = 0; i < pool->size; i++) {
		qx_db_close(pool->slots[i].loan.db);
		synonyms_free(pool->slots[i].syn);
		free(pool->slots[i].syn_text);
	}
	pthread_cond_destroy(&pool->freed);
	pthread_mutex_destroy(&pool->mutex);
	free(pool->slots);
	free(pool->path);
	free(pool);
}

static http_db_status from_qx(qx_status qs)
{
	return qs == QX_NOT_FOUND ? HTTP_DB_NO_INDEX
	       : qs == QX_CORRUPT ? HTTP_DB_DAMAGED
	       : qs == QX_NOMEM   ? HTTP_DB_NOMEM
	                          : HTTP_DB_FAILED;
}

/* Re-read the archive's synonyms stored in the index; when their text
 * changed, load the vocabulary again (built-in list merged with them). A
 * file that does not parse was rejected by `qarchive index` already, so it
 * cannot be here; if it is, search runs with the built-in list alone. */
static http_db_status refresh_synonyms(slot *s, char *err, size_t errlen)
{
	char *text = NULL;
	qx_status qs = qx_db_get_metadata(s->loan.db, INDEX_META_SYNONYMS, &text);
	if (qs != QX_OK) {
		snprintf(err, errlen, "cannot read the synonyms stored in the index: %s",
		         qx_db_errmsg(s->loan.db));
		return from_qx(qs);
	}
	if (s->syn_text && strcmp(s->syn_text, text) == 0) {
		free(text);
		return HTTP_DB_OK;
	}
	synonyms_free(s->syn);
	s->syn = NULL;
	s->loan.syn = NULL;
	free(s->syn_text);
	s->syn_text = text;
	synonyms_status st = vocabulary_load(text, strlen(text), &s->syn, NULL, NULL, 0);
	if (st == SYNONYMS_INVALID)
		st = vocabulary_load(NULL, 0, &s->syn, NULL, NULL, 0);
	if (st != SYNONYMS_OK) {
		/* Out of memory: forget the text, so the next loan tries again. */
		free(s->syn_text);
		s->syn_text = NULL;
		snprintf(err, errlen, "out of memory");
		return HTTP_DB_NOMEM;
	}
	s->loan.syn = s->syn;
	return HTTP_DB_OK;
}

/* Move slot s's handle to the latest revision, or open it, and read the
 * synonyms when they may have changed. The index's stamp (two stats) says
 * whether anything was committed since the handle last looked: if not,
 * nothing is reopened; if a rebuild published a new generation, the index
 * is opened afresh (Xapian reads a stub only when it opens it: a reopen
 * would fail only once the old generation is removed). A handle
 * that cannot be reopened (its generation was removed, say) is opened
 * afresh at once too. On failure the handle is closed, so the next loan
 * opens the index anew (after `qarchive index --force` has rebuilt a
 * damaged one, say) rather than reusing one that failed. */
static http_db_status slot_ready(const http_db_pool *pool, slot *s, char *err, size_t errlen)
{
	index_stamp now;
	/* Stamped before the reopen: a commit in between shows at the next loan. */
	bool stamped = index_generation_stamp(pool->path, s->stamped ? &s->stamp : NULL, &now);
	if (s->loan.db && stamped && s->stamped && index_stamp_equal(&now, &s->stamp))
		return HTTP_DB_OK;
	if (s->loan.db && stamped && s->stamped && !index_stamp_same_generation(&now, &s->stamp)) {
		qx_db_close(s->loan.db);
		s->loan.db = NULL;
	}
	s->stamp = now;
	s->stamped = stamped;
	bool changed = true;
	if (s->loan.db && qx_db_reopen(s->loan.db, &changed) != QX_OK) {
		qx_db_close(s->loan.db);
		s->loan.db = NULL;
		changed = true;
	}
	if (!s->loan.db) {
		char *msg = NULL;
		qx_status qs =
		    pool->shard_count
		        ? qx_db_open_shards(pool->shards, pool->shard_count, &s->loan.db, &msg)
		        : qx_db_open(pool->path, false, &s->loan.db, &msg);
		if (qs != QX_OK) {
			snprintf(err, errlen, "%s", msg ? msg : qx_status_str(qs));
			free(msg);
			return from_qx(qs);
		}
	}
	http_db_status st = changed ? refresh_synonyms(s, err, errlen) : HTTP_DB_OK;
	if (st != HTTP_DB_OK) {
		qx_db_close(s->loan.db);
		s->loan.db = NULL;
		s->stamped = false;
	}
	return st;
}

http_db_status http_db_pool_acquire(http_db_pool *pool, http_db **out, char *err, size_t errlen)
{
	*out = NULL;
	pthread_mutex_lock(&pool->mutex);
	slot *s = NULL;
	for (;;) {
		for (size_t i = 0; i < pool->size && !s; i++)
			if (!pool->slots[i].busy)
				s = &pool->slots[i];
		if (s)
			break;
		pthread_cond_wait(&pool->freed, &pool->mutex);
	}
	s->busy = true;
	pthread_mutex_unlock(&pool->mutex);

	/* Outside the lock: opening and reopening touch the disk. */
	http_db_status st = slot_ready(pool, s, err, errlen);
	if (st != HTTP_DB_OK) {
		http_db_pool_release(pool, &s->loan);
		return st;
	}
	*out = &s->loan;
	return HTTP_DB_OK;
}

void http_db_pool_release(http_db_pool *pool, http_db *db)
{
	if (!db)
		return;
	pthread_mutex_lock(&pool->mutex);
	for (size_t i = 0; i < pool->size; i++) {
		if (&pool->slots[i].loan == db) {
			pool->slots[i].busy = false;
			break;
		}
	}
	pthread_cond_signal(&pool->freed);
	pthread_mutex_unlock(&pool->mutex);
}
