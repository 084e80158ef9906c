#include "db_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_update.h"

typedef struct slot {
	http_db loan; /* what the borrower sees; loan.syn points at syn */
	synonyms *syn;
	char *syn_text; /* the synonyms text syn was parsed from */
	bool busy;
} slot;

struct http_db_pool {
	pthread_mutex_t mutex;
	pthread_cond_t freed;
	char *path;
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

/* Re-read the synonyms stored in the index; parse them only when their
 * text changed. A file that does not parse was rejected by `qarchive index`
 * already, so it cannot be here; if it is, search runs without synonyms. */
static http_db_status refresh_synonyms(slot *s)
{
	char *text = NULL;
	if (qx_db_get_metadata(s->loan.db, INDEX_META_SYNONYMS, &text) != QX_OK)
		return HTTP_DB_FAILED;
	if (s->syn_text && strcmp(s->syn_text, text) == 0) {
		free(text);
		return HTTP_DB_OK;
	}
	synonyms_free(s->syn);
	s->syn = NULL;
	free(s->syn_text);
	s->syn_text = text;
	if (text[0]) {
		size_t line;
		char err[256];
		if (synonyms_parse(text, strlen(text), &s->syn, &line, err, sizeof err) ==
		    SYNONYMS_NOMEM)
			return HTTP_DB_NOMEM;
	}
	s->loan.syn = s->syn;
	return HTTP_DB_OK;
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
	http_db_status st = HTTP_DB_OK;
	bool changed = true;
	if (!s->loan.db) {
		char *msg = NULL;
		qx_status qs = qx_db_open(pool->path, false, &s->loan.db, &msg);
		if (qs != QX_OK) {
			st = qs == QX_NOT_FOUND ? HTTP_DB_NO_INDEX
			     : qs == QX_NOMEM   ? HTTP_DB_NOMEM
			                        : HTTP_DB_FAILED;
			snprintf(err, errlen, "%s", msg ? msg : qx_status_str(qs));
			free(msg);
		}
	} else {
		qx_status qs = qx_db_reopen(s->loan.db, &changed);
		if (qs != QX_OK) {
			/* A handle that cannot move to the latest revision is dropped
			 * and opened afresh by the next loan. */
			snprintf(err, errlen, "%s", qx_db_errmsg(s->loan.db));
			qx_db_close(s->loan.db);
			s->loan.db = NULL;
			st = qs == QX_NOMEM ? HTTP_DB_NOMEM : HTTP_DB_FAILED;
		}
	}
	if (st == HTTP_DB_OK && changed && (st = refresh_synonyms(s)) != HTTP_DB_OK)
		snprintf(err, errlen, "%s", "cannot read the synonyms stored in the index");
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
