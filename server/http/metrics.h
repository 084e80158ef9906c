/* metrics: what operators watch, counted as the server runs and shown at
 * /metrics in the Prometheus text exposition format (version 0.0.4).
 *
 *   qarchive_http_requests_total{route,status}       counter
 *   qarchive_http_request_duration_seconds{route}    histogram
 *   qarchive_searches_total{result}                  counter
 *   qarchive_uploads_total, qarchive_upload_bytes_total   counters
 *   qarchive_http_connections_refused_total          counter (503/429 at the door)
 *   gauges set by their owners (http_metrics_gauge):  index documents and
 *   size, the generation served, replication lag on a replica, …
 *
 * Labels are bounded: `route` is a route's path pattern from the site's
 * table ("/watch/"), never the path a client sent, and `status` is one of
 * the statuses the server answers, so a client cannot grow the output.
 * Counting is lock-free (relaxed atomics): it costs a request a few
 * increments. */
#ifndef QA_HTTP_METRICS_H
#define QA_HTTP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct http_site;
typedef struct http_metrics http_metrics;

typedef enum http_counter {
	HTTP_COUNT_SEARCH_OK,
	HTTP_COUNT_SEARCH_BAD_QUERY, /* a 400: the query was refused */
	HTTP_COUNT_SEARCH_BUSY,      /* a 503: the search pool was full */
	HTTP_COUNT_SEARCH_FAILED,    /* an error of ours (damaged index, …) */
	HTTP_COUNT_UPLOADS,          /* recordings committed from uploads */
	HTTP_COUNT_UPLOAD_BYTES,     /* request body bytes received on upload routes */
	HTTP_COUNTERS
} http_counter;

typedef enum http_gauge {
	HTTP_GAUGE_INDEX_DOCUMENTS,  /* documents in the index served */
	HTTP_GAUGE_INDEX_BYTES,      /* size on disk of the index served */
	HTTP_GAUGE_INDEX_GENERATION, /* the generation served (index_gen.h) */
	HTTP_GAUGE_REPLICATION_LAG,  /* seconds behind the writer (replicas) */
	HTTP_GAUGES
} http_gauge;

/* For a site of route_count routes; NULL when out of memory. */
http_metrics *http_metrics_new(size_t route_count);
void http_metrics_free(http_metrics *m);

/* A request answered: its route's index in the site's table (route_count,
 * or any larger value, for a request no route took), its status, and how
 * long it took from the request line to the answer. NULL m: a no-op. */
void http_metrics_request(http_metrics *m, size_t route, unsigned status, double seconds);

void http_metrics_add(http_metrics *m, http_counter c, uint64_t n);

/* Set a gauge (value < 0 hides it: a replica's lag on a writer). */
void http_metrics_gauge(http_metrics *m, http_gauge g, double value);

/* The exposition text of m for site's routes onto out. false when out of
 * memory. */
bool http_metrics_render(const http_metrics *m, const struct http_site *site, strbuf *out);

#endif
