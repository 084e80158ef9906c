/* search_cache: what every search reads again although it depends only on
 * the index, never on the query: a recording's summary (metadata, parsed
 * from JSON) and a question's similar questions (an eset and a query each:
 * similar_units.h), kept for the index revision a search reads
 * (qx_db_revision).
 *
 * One cache for the process, for one revision at a time: a search on
 * another revision (a commit, a rebuild) empties it first, so an entry is
 * never stale. At most SEARCH_CACHE_MAX entries: when full it is emptied
 * (a page reads a few dozen). Thread-safe (one mutex); values go in and
 * come out as deep copies, so no JSON value is shared between threads.
 */
#ifndef QA_SEARCH_CACHE_H
#define QA_SEARCH_CACHE_H

#include <jansson.h>

#define SEARCH_CACHE_MAX 20000

/* The value cached under key for revision, as a new reference (a copy the
 * caller releases), or NULL (none, or revision is NULL, or out of memory). */
json_t *search_cache_get(const char *revision, const char *key);

/* Cache a copy of value under key for revision. Nothing happens when
 * revision or value is NULL or memory runs out: the next search computes
 * it again. */
void search_cache_put(const char *revision, const char *key, const json_t *value);

#endif
