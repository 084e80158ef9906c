/* db_pool: read handles on the index, one per concurrent request.
 *
 * A qx_db must be used by one thread at a time (xindex.h), and opening one
 * per request would cost a file open per search, so the server keeps as
 * many handles as it has worker threads and lends them out under a mutex.
 * Each loan reopens its handle first (qx_db_reopen: cheap when nothing
 * changed), so a commit by `qarchive index` is visible to the next request
 * without a restart. The vocabulary (vocabulary.h: the built-in list merged
 * with the archive's synonyms, stored in the index) is kept parsed beside
 * each handle and re-read when a reopen found a new revision.
 */
#ifndef QA_HTTP_DB_POOL_H
#define QA_HTTP_DB_POOL_H

#include <stddef.h>

#include "synonyms.h"
#include "xindex.h"

typedef struct http_db_pool http_db_pool;

/* A handle on loan. Both pointers are borrowed until http_db_pool_release. */
typedef struct http_db {
	qx_db *db;
	const synonyms *syn; /* the vocabulary; NULL only if it could not be loaded */
} http_db;

typedef enum http_db_status {
	HTTP_DB_OK = 0,
	HTTP_DB_NO_INDEX, /* there is no index yet (`qarchive index` has not run) */
	HTTP_DB_DAMAGED,  /* the index is damaged (QX_CORRUPT): err has Xapian's detail */
	HTTP_DB_FAILED,   /* the index could not be opened or reopened: err says why */
	HTTP_DB_NOMEM,
} http_db_status;

/* A pool of `size` handles (opened lazily) on the index at index_path
 * (copied). *out: caller frees with http_db_pool_free; NULL on failure. */
http_db_status http_db_pool_new(const char *index_path, size_t size, http_db_pool **out);

/* Close every handle and free the pool. All loans must have been returned.
 * NULL is a no-op. */
/* Open these shards, searched as one (qx_db_open_shards), instead of the
 * pool's index path. shards is borrowed for the pool's life. Before the
 * first acquire. */
void http_db_pool_use_shards(http_db_pool *pool, const char *const *shards, size_t count);

void http_db_pool_free(http_db_pool *pool);

/* Borrow a handle, waiting while all are lent out, opened or reopened on
 * the latest revision. On HTTP_DB_OK *out is the loan (return it with
 * http_db_pool_release); otherwise *out is NULL, err says why, and the
 * handle was closed, so the next loan opens the index afresh. */
http_db_status http_db_pool_acquire(http_db_pool *pool, http_db **out, char *err, size_t errlen);

/* Return a loan. NULL is a no-op. */
void http_db_pool_release(http_db_pool *pool, http_db *db);

#endif
