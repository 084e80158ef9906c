/* search_params: a search_request from a URL's query string, checked the
 * way `qarchive search` checks its options; shared by /api/search, the
 * saved-search feed and (later) the search page. */
#ifndef QA_HTTP_SEARCH_PARAMS_H
#define QA_HTTP_SEARCH_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"
#include "search.h"

#define HTTP_SEARCH_DEFAULT_LIMIT 10
#define HTTP_SEARCH_MAX_LIMIT     100
#define HTTP_SEARCH_MAX_PAGE      1000

/* Fill *sr from q, release, kind, speaker, recording, page, limit, exact and
 * type (strings borrowed from the request). Empty filters count as absent.
 * page is 1..1000, limit 1..100, exact one of 1/true/yes/0/false/no/"",
 * type "questions" (units only) or "moments" (the default). Returns
 * true, or false with a message for the user in err. */
bool http_search_params(const http_request *req, search_request *sr, char *err, size_t errlen);

/* Run sr on req's index handle (borrowed through http_request_db; the time
 * that takes is sr->profile's `open`, when profiled). Returns
 * 0 with *result set (caller releases), or an error status with the
 * message in out: 400 for a query syntax error, 503 when the index is
 * busy, 500 otherwise. */
unsigned http_search_run(http_request *req, const search_request *sr, http_reply *out,
                         json_t **result);

/* Did the client ask for the search's profile (X-Qarchive-Profile: 1)? A
 * debugging aid: the answer then carries where its time went
 * (http_search_timing). Costs nothing when not asked for. */
bool http_search_profiled(const http_request *req);

/* Add p, and the time the handler took to render the answer (render_ms,
 * as render_name: "json" or "html"), to out as a Server-Timing header. */
void http_search_timing(http_reply *out, const search_profile *p, const char *render_name,
                        double render_ms);

#endif
