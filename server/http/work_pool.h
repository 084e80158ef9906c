/* work_pool: a fixed set of threads for the routes whose work is slow
 * (searches), so that slow work never runs on libmicrohttpd's workers.
 *
 * Why: the MHD worker threads run every connection's event loop. A
 * handler that runs on one holds every connection on that worker until
 * it returns, so two slow searches on a two-core machine used to stall
 * every page, /healthz included. Routes marked `pooled` in the site's
 * table (routes.h) instead suspend their connection and hand the handler
 * to this pool; the MHD workers stay free for the cheap routes (pages
 * that read one document, media, captions, assets) and for I/O.
 *
 * The pool is bounded twice: `workers` threads (one per core: searches are
 * CPU work, more threads would only share the cores) and at most
 * `queue_max` jobs waiting. Past that, submit refuses and the server
 * answers 503 with Retry-After at once, instead of queueing work whose
 * client will have given up by the time it runs.
 */
#ifndef QA_HTTP_WORK_POOL_H
#define QA_HTTP_WORK_POOL_H

#include <stdbool.h>

typedef struct http_work_pool http_work_pool;

typedef enum http_work_status {
	HTTP_WORK_OK = 0,
	HTTP_WORK_FULL,     /* queue_max jobs wait already: answer 503 */
	HTTP_WORK_STOPPING, /* the pool is being freed */
} http_work_status;

/* Start `workers` threads (at least 1) with room for queue_max waiting
 * jobs. Returns false when out of memory or a thread cannot start.
 * *out: free with http_work_pool_free. */
bool http_work_pool_new(unsigned workers, unsigned queue_max, http_work_pool **out);

/* Run fn(arg) on a pool thread, or say why not (then fn never runs). */
http_work_status http_work_pool_submit(http_work_pool *p, void (*fn)(void *), void *arg);

/* Refuse new jobs, run the ones queued (their connections are suspended
 * and must be resumed before MHD stops), join the threads, free. NULL is a
 * no-op. */
void http_work_pool_free(http_work_pool *p);

#endif
