#include "search_params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "metrics.h"
#include "number.h"

static const char *nonempty(const char *s)
{
	return s && s[0] ? s : NULL;
}

bool http_search_params(const http_request *req, search_request *sr, char *err, size_t errlen)
{
	*sr = (search_request){.query = http_query(req, "q"),
	                       .release = nonempty(http_query(req, "release")),
	                       .kind = nonempty(http_query(req, "kind")),
	                       .source = nonempty(http_query(req, "source")),
	                       .speaker = nonempty(http_query(req, "speaker")),
	                       .recording = nonempty(http_query(req, "recording")),
	                       .year = nonempty(http_query(req, "year")),
	                       .page = 1,
	                       .per_page = HTTP_SEARCH_DEFAULT_LIMIT,
	                       .exact = false};
	if (!sr->query)
		sr->query = "";
	if (!http_query_count(req, "page", HTTP_SEARCH_MAX_PAGE, &sr->page)) {
		snprintf(err, errlen, "page: expected a number from 1 to %d", HTTP_SEARCH_MAX_PAGE);
		return false;
	}
	if (!http_query_count(req, "limit", HTTP_SEARCH_MAX_LIMIT, &sr->per_page)) {
		snprintf(err, errlen, "limit: expected a number from 1 to %d",
		         HTTP_SEARCH_MAX_LIMIT);
		return false;
	}
	const char *exact = http_query(req, "exact");
	if (exact) {
		if (!strcasecmp(exact, "1") || !strcasecmp(exact, "true") ||
		    !strcasecmp(exact, "yes") || !strcasecmp(exact, "on")) {
			sr->exact = true;
		} else if (exact[0] && strcasecmp(exact, "0") && strcasecmp(exact, "false") &&
		           strcasecmp(exact, "no") && strcasecmp(exact, "off")) {
			snprintf(err, errlen, "exact: expected 1 or 0");
			return false;
		}
	}
	/* type=questions: questions asked and their answers only (search.h). */
	const char *type = nonempty(http_query(req, "type"));
	if (type && strcmp(type, "questions") != 0 && strcmp(type, "moments") != 0) {
		snprintf(err, errlen, "type: expected questions or moments");
		return false;
	}
	sr->questions = type && strcmp(type, "questions") == 0;
	/* sort=date: newest recordings first (search.h). */
	const char *sort = nonempty(http_query(req, "sort"));
	if (sort && strcmp(sort, "date") != 0 && strcmp(sort, "relevance") != 0) {
		snprintf(err, errlen, "sort: expected relevance or date");
		return false;
	}
	sr->by_date = sort && strcmp(sort, "date") == 0;
	if (!sr->query[0] && !sr->release && !sr->kind && !sr->source && !sr->speaker &&
	    !sr->recording && !sr->year) {
		snprintf(err, errlen,
		         "q: missing (give a query, or a release, kind, source, speaker, year or "
		         "recording)");
		return false;
	}
	return true;
}

/* A test hook: QARCHIVE_SEARCH_PAUSE_MS makes every search take that much
 * longer, so that tests/http/test_hostile.py can hold the work pool busy
 * with a few slow searches (a real one within search_limits.h's caps is
 * too quick on a test archive to hold anything). */
static void search_pause(void)
{
	unsigned ms;
	if (number_parse_unsigned(getenv("QARCHIVE_SEARCH_PAUSE_MS"), 1, 60000, &ms) == NUMBER_OK) {
		struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
		nanosleep(&ts, NULL);
	}
}

unsigned http_search_run(http_request *req, const search_request *sr, http_reply *out,
                         json_t **result)
{
	*result = NULL;
	double t0 = search_profile_now();
	unsigned st = http_request_db(req, out);
	if (sr->profile)
		sr->profile->open += search_profile_now() - t0;
	if (st)
		return st;
	char err[512];
	search_pause();
	http_metrics *m = req->server->metrics;
	switch (search_run(req->db->db, req->db->syn, sr, result, err, sizeof err)) {
	case SEARCH_OK:
		http_metrics_add(m, HTTP_COUNT_SEARCH_OK, 1);
		return 0;
	case SEARCH_BAD_QUERY:
		http_metrics_add(m, HTTP_COUNT_SEARCH_BAD_QUERY, 1);
		return http_reply_error(out, 400, "%s", err);
	case SEARCH_BUSY:
		http_metrics_add(m, HTTP_COUNT_SEARCH_BUSY, 1);
		http_reply_header_add(out, "Retry-After", "1");
		return http_reply_error(out, 503, "%s", err);
	case SEARCH_DAMAGED:
		http_metrics_add(m, HTTP_COUNT_SEARCH_FAILED, 1);
		return http_reply_error(out, 503, "%s", err);
	case SEARCH_FAILED:
		http_metrics_add(m, HTTP_COUNT_SEARCH_FAILED, 1);
		return http_reply_error(out, 500, "%s", err);
	case SEARCH_NOMEM:
		return http_reply_error(out, 500, "out of memory");
	}
	return http_reply_error(out, 500, "unknown search status");
}

bool http_search_profiled(const http_request *req)
{
	const char *v = http_header(req, "X-Qarchive-Profile");
	return v && strcmp(v, "1") == 0;
}

void http_search_timing(http_reply *out, const search_profile *p, const char *render_name,
                        double render_ms)
{
	char value[512];
	search_profile_format(p, render_name, render_ms, value, sizeof value);
	http_reply_header_add(out, "Server-Timing", value);
}
