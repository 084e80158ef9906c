/* search_cache: what every search reads again although it depends only on
 * the index, never on the query: a recording's summary (metadata, parsed
 * from JSON) and a question's similar questions (an eset and a query each:
 * similar_units.h), and the recordings newest first that the home and
 * watch pages and the feeds list (recordings_list.h), kept for the index
 * revision a search reads (qx_db_revision).
 *
 * One cache for the process, for one revision at a time: a search on
 * another revision (a commit, a rebuild) empties it first, so an entry is
 * never stale. At most SEARCH_CACHE_MAX entries: when full it is emptied
 * (a page reads a few dozen). Thread-safe (one mutex).
 *
 * Values are shared, not copied: a value put is kept by reference and
 * handed out by reference, to every thread that asks, and nobody may
 * change it after it is put. Sharing is safe because jansson (2.11 and
 * later, built with atomic builtins: jansson_config.h) counts references
 * atomically and encodes a value from several threads at once; a deep
 * copy per request cost ~4% of a search's time (bench/RESULTS.md,
 * "/api/search after session 9's cuts"). */
#ifndef QA_SEARCH_CACHE_H
#define QA_SEARCH_CACHE_H

#include <jansson.h>

#define SEARCH_CACHE_MAX 20000

/* The value cached under key for revision, as a new reference to the
 * shared value (the caller releases it and must not change it), or NULL
 * (none, or revision is NULL). */
json_t *search_cache_get(const char *revision, const char *key);

/* Keep value (a new reference: the caller keeps its own) under key for
 * revision; from now on neither the caller nor anyone else may change it.
 * Nothing happens when revision or value is NULL or memory runs out: the
 * next search computes it again. */
void search_cache_put(const char *revision, const char *key, json_t *value);

#endif
