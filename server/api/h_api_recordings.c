/* GET /api/recordings[?page=N&limit=M]: {"total", "page", "limit",
 * "recordings": [summary, ...], "next"}, newest first, a page at a time
 * (limit 1..HTTP_RECORDINGS_MAX_LIMIT, HTTP_RECORDINGS_DEFAULT_LIMIT when
 * not given: a 1,000-hour archive's whole list was 12.8 MB of JSON on
 * every call). "next" is the next page's path, null on the last; the
 * same link goes in a `Link: <...>; rel="next"` header, as paginated
 * APIs give it. Each summary is what `qarchive list --json` prints (id,
 * title, kind, release, date, year, speakers, description,
 * has_transcript, transcript_source, cue_count, duration, media, agenda,
 * fingerprint). A page past the last is an empty list, not an error. */
#include <stdio.h>

#include "api.h"
#include "recording_files.h"

#define HTTP_RECORDINGS_DEFAULT_LIMIT 100
#define HTTP_RECORDINGS_MAX_LIMIT     1000
#define HTTP_RECORDINGS_MAX_PAGE      1000000

/* recordings [from, from + limit) of list, sharing list's summaries
 * (nobody changes them: search_cache.h). */
static json_t *page_of(json_t *list, size_t from, size_t limit)
{
	json_t *page = json_array();
	for (size_t i = from; page && i < json_array_size(list) && i - from < limit; i++)
		if (json_array_append(page, json_array_get(list, i)) != 0) {
			json_decref(page);
			return NULL;
		}
	return page;
}

unsigned http_handle_api_recordings(http_request *req, http_reply *out)
{
	unsigned page = 1, limit = HTTP_RECORDINGS_DEFAULT_LIMIT;
	if (!http_query_count(req, "page", HTTP_RECORDINGS_MAX_PAGE, &page))
		return http_reply_error(out, 400, "page: expected a number from 1 to %d",
		                        HTTP_RECORDINGS_MAX_PAGE);
	if (!http_query_count(req, "limit", HTTP_RECORDINGS_MAX_LIMIT, &limit))
		return http_reply_error(out, 400, "limit: expected a number from 1 to %d",
		                        HTTP_RECORDINGS_MAX_LIMIT);
	json_t *list = NULL;
	unsigned st = http_recordings_newest(req, out, &list);
	if (st)
		return st;
	size_t total = json_array_size(list), from = (size_t)(page - 1) * limit;
	json_t *recordings = page_of(list, from, limit);
	json_decref(list);
	if (!recordings)
		return http_reply_error(out, 500, "out of memory");
	char next[96] = "";
	if (from + limit < total) {
		snprintf(next, sizeof next, "/api/recordings?page=%u&limit=%u", page + 1, limit);
		char link[128];
		snprintf(link, sizeof link, "<%s>; rel=\"next\"", next);
		http_reply_header_add(out, "Link", link);
	}
	http_reply_header_add(out, "Cache-Control", "no-cache");
	return http_reply_json(out,
	                       json_pack("{s:I, s:I, s:I, s:o, s:s?}", "total", (json_int_t)total,
	                                 "page", (json_int_t)page, "limit", (json_int_t)limit,
	                                 "recordings", recordings, "next", next[0] ? next : NULL));
}
