#include "metrics.h"

#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routes.h"

/* The statuses counted by name; any other is counted as "other". */
static const unsigned statuses[] = {200, 201, 204, 206, 303, 304, 400, 401, 403, 404, 405, 409,
                                    410, 412, 413, 415, 416, 423, 429, 431, 500, 503, 507};
#define STATUS_SLOTS (sizeof statuses / sizeof statuses[0] + 1)

/* Histogram bounds in seconds: from a cached page (well under 1 ms) to a
 * search at the edge of its caps and an upload's commit. */
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define BUCKETS (sizeof bounds / sizeof bounds[0] + 1) /* the last: +Inf */

typedef struct route_stats {
	_Atomic uint64_t by_status[STATUS_SLOTS];
	_Atomic uint64_t buckets[BUCKETS]; /* not cumulative: each holds its own */
	_Atomic uint64_t micros;           /* the sum of durations, in µs */
} route_stats;

struct http_metrics {
	size_t route_count;
	route_stats *routes; /* route_count + 1: the last for "no route" */
	_Atomic uint64_t counters[HTTP_COUNTERS];
	_Atomic uint64_t gauges[HTTP_GAUGES]; /* a double's bits; NaN: unset */
};

http_metrics *http_metrics_new(size_t route_count)
{
	http_metrics *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->routes = calloc(route_count + 1, sizeof *m->routes);
	if (!m->routes) {
		free(m);
		return NULL;
	}
	m->route_count = route_count;
	for (size_t g = 0; g < HTTP_GAUGES; g++)
		http_metrics_gauge(m, (http_gauge)g, -1);
	return m;
}

void http_metrics_free(http_metrics *m)
{
	if (!m)
		return;
	free(m->routes);
	free(m);
}

static size_t status_slot(unsigned status)
{
	for (size_t i = 0; i < STATUS_SLOTS - 1; i++)
		if (statuses[i] == status)
			return i;
	return STATUS_SLOTS - 1;
}

void http_metrics_request(http_metrics *m, size_t route, unsigned status, double seconds)
{
	if (!m)
		return;
	route_stats *r = &m->routes[route < m->route_count ? route : m->route_count];
	atomic_fetch_add_explicit(&r->by_status[status_slot(status)], 1, memory_order_relaxed);
	size_t b = 0;
	while (b < BUCKETS - 1 && seconds > bounds[b])
		b++;
	atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
	uint64_t us = seconds > 0 ? (uint64_t)(seconds * 1e6) : 0;
	atomic_fetch_add_explicit(&r->micros, us, memory_order_relaxed);
}

void http_metrics_add(http_metrics *m, http_counter c, uint64_t n)
{
	if (m)
		atomic_fetch_add_explicit(&m->counters[c], n, memory_order_relaxed);
}

void http_metrics_gauge(http_metrics *m, http_gauge g, double value)
{
	if (!m)
		return;
	uint64_t bits;
	if (value < 0)
		value = NAN;
	memcpy(&bits, &value, sizeof bits);
	atomic_store_explicit(&m->gauges[g], bits, memory_order_relaxed);
}

static double gauge_value(const http_metrics *m, http_gauge g)
{
	uint64_t bits = atomic_load_explicit(&m->gauges[g], memory_order_relaxed);
	double v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

/* printf onto sb; false when out of memory. */
static bool say(strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static bool say(strbuf *sb, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < sizeof line && sb_append(sb, line, (size_t)n);
}

/* A route's label value: its path pattern; route patterns are ours
 * (ASCII, no quote or backslash), so they need no escaping. */
static const char *route_label(const struct http_site *site, size_t i)
{
	return i < site->route_count ? site->routes[i].path : "(none)";
}

/* Routes that share a path (GET and POST of /upload) share the label: the
 * first of them carries the sums of all. */
static bool first_of_path(const struct http_site *site, size_t i)
{
	for (size_t j = 0; j < i && i < site->route_count; j++)
		if (strcmp(site->routes[j].path, site->routes[i].path) == 0)
			return false;
	return true;
}

typedef struct route_sums {
	uint64_t by_status[STATUS_SLOTS];
	uint64_t buckets[BUCKETS];
	uint64_t micros;
} route_sums;

/* The counts of route i and of the routes after it with the same path. */
static void sum_path(const http_metrics *m, const struct http_site *site, size_t i, route_sums *out)
{
	memset(out, 0, sizeof *out);
	for (size_t j = i; j <= m->route_count; j++) {
		bool same = j == i || (i < m->route_count && j < m->route_count &&
		                       strcmp(site->routes[j].path, site->routes[i].path) == 0);
		if (!same)
			continue;
		const route_stats *r = &m->routes[j];
		for (size_t s = 0; s < STATUS_SLOTS; s++)
			out->by_status[s] +=
			    atomic_load_explicit(&r->by_status[s], memory_order_relaxed);
		for (size_t b = 0; b < BUCKETS; b++)
			out->buckets[b] +=
			    atomic_load_explicit(&r->buckets[b], memory_order_relaxed);
		out->micros += atomic_load_explicit(&r->micros, memory_order_relaxed);
	}
}

static bool render_requests(const http_metrics *m, const struct http_site *site, strbuf *out)
{
	bool ok = say(out, "# HELP qarchive_http_requests_total HTTP requests answered, by route "
	                   "pattern and status.\n# TYPE qarchive_http_requests_total counter\n");
	for (size_t i = 0; ok && i <= m->route_count; i++) {
		if (!first_of_path(site, i))
			continue;
		route_sums sums;
		sum_path(m, site, i, &sums);
		for (size_t s = 0; ok && s < STATUS_SLOTS; s++) {
			if (!sums.by_status[s])
				continue;
			char status[8];
			snprintf(status, sizeof status, "%u",
			         s < STATUS_SLOTS - 1 ? statuses[s] : 0);
			ok = say(out,
			         "qarchive_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
			         route_label(site, i), s < STATUS_SLOTS - 1 ? status : "other",
			         (unsigned long long)sums.by_status[s]);
		}
	}
	return ok;
}

static bool render_histogram(const route_sums *sums, const char *route, strbuf *out)
{
	const char *name = "qarchive_http_request_duration_seconds";
	uint64_t cumulative = 0;
	bool ok = true;
	for (size_t b = 0; ok && b < BUCKETS; b++) {
		cumulative += sums->buckets[b];
		if (b < BUCKETS - 1)
			ok = say(out, "%s_bucket{route=\"%s\",le=\"%g\"} %llu\n", name, route,
			         bounds[b], (unsigned long long)cumulative);
		else
			ok = say(out, "%s_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", name, route,
			         (unsigned long long)cumulative);
	}
	return ok &&
	       say(out, "%s_sum{route=\"%s\"} %.6f\n%s_count{route=\"%s\"} %llu\n", name, route,
	           (double)sums->micros / 1e6, name, route, (unsigned long long)cumulative);
}

static bool render_durations(const http_metrics *m, const struct http_site *site, strbuf *out)
{
	bool ok = say(out, "# HELP qarchive_http_request_duration_seconds Time from the request "
	                   "line to the end of the answer, by route pattern.\n"
	                   "# TYPE qarchive_http_request_duration_seconds histogram\n");
	for (size_t i = 0; ok && i <= m->route_count; i++) {
		if (!first_of_path(site, i))
			continue;
		route_sums sums;
		sum_path(m, site, i, &sums);
		uint64_t n = 0;
		for (size_t b = 0; b < BUCKETS; b++)
			n += sums.buckets[b];
		if (n)
			ok = render_histogram(&sums, route_label(site, i), out);
	}
	return ok;
}

static uint64_t counter(const http_metrics *m, http_counter c)
{
	return atomic_load_explicit(&m->counters[c], memory_order_relaxed);
}

static bool render_counters(const http_metrics *m, strbuf *out)
{
	static const struct {
		http_counter c;
		const char *result;
	} searches[] = {{HTTP_COUNT_SEARCH_OK, "ok"},
	                {HTTP_COUNT_SEARCH_BAD_QUERY, "bad_query"},
	                {HTTP_COUNT_SEARCH_BUSY, "busy"},
	                {HTTP_COUNT_SEARCH_FAILED, "failed"}};
	bool ok = say(out, "# HELP qarchive_searches_total Searches run (pages, API, feeds), by "
	                   "result.\n# TYPE qarchive_searches_total counter\n");
	for (size_t i = 0; ok && i < sizeof searches / sizeof searches[0]; i++)
		ok = say(out, "qarchive_searches_total{result=\"%s\"} %llu\n", searches[i].result,
		         (unsigned long long)counter(m, searches[i].c));
	return ok &&
	       say(out,
	           "# HELP qarchive_uploads_total Recordings added from uploads (form, API, tus).\n"
	           "# TYPE qarchive_uploads_total counter\nqarchive_uploads_total %llu\n"
	           "# HELP qarchive_upload_bytes_total Request body bytes received on upload "
	           "routes.\n# TYPE qarchive_upload_bytes_total counter\n"
	           "qarchive_upload_bytes_total %llu\n",
	           (unsigned long long)counter(m, HTTP_COUNT_UPLOADS),
	           (unsigned long long)counter(m, HTTP_COUNT_UPLOAD_BYTES));
}

static bool render_gauges(const http_metrics *m, strbuf *out)
{
	static const struct {
		http_gauge g;
		const char *name, *help;
	} gauges[] = {
	    {HTTP_GAUGE_INDEX_DOCUMENTS, "qarchive_index_documents",
	     "Documents (passages, summaries, units) in the index served."},
	    {HTTP_GAUGE_INDEX_BYTES, "qarchive_index_size_bytes",
	     "Size on disk of the index generation served."},
	    {HTTP_GAUGE_INDEX_GENERATION, "qarchive_index_generation",
	     "The index generation served (a full rebuild makes a new one)."},
	    {HTTP_GAUGE_REPLICATION_LAG, "qarchive_replication_lag_seconds",
	     "How far a replica's index is behind its writer's."},
	};
	bool ok = true;
	for (size_t i = 0; ok && i < sizeof gauges / sizeof gauges[0]; i++) {
		double v = gauge_value(m, gauges[i].g);
		if (isnan(v))
			continue;
		ok = say(out, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", gauges[i].name,
		         gauges[i].help, gauges[i].name, gauges[i].name, v);
	}
	return ok;
}

bool http_metrics_render(const http_metrics *m, const struct http_site *site, strbuf *out)
{
	return render_requests(m, site, out) && render_durations(m, site, out) &&
	       render_counters(m, out) && render_gauges(m, out);
}
