/* GET /api/search?q=&release=&kind=&speaker=&recording=&page=&limit=&exact= : the
 * JSON `qarchive search --json` prints (search.h); 400 {"error"} for a bad
 * parameter or a query that does not parse. */
#include "api.h"
#include "search_params.h"

unsigned http_handle_api_search(http_request *req, http_reply *out)
{
	search_request sr;
	char err[256];
	if (!http_search_params(req, &sr, err, sizeof err))
		return http_reply_error(out, 400, "%s", err);
	search_profile profile = {0};
	if (http_search_profiled(req))
		sr.profile = &profile;
	json_t *result = NULL;
	unsigned st = http_search_run(req, &sr, out, &result);
	if (st)
		return st;
	http_reply_header_add(out, "Cache-Control", "no-cache");
	double rendered = search_profile_now();
	st = http_reply_json(out, result);
	if (sr.profile)
		http_search_timing(out, sr.profile, "json", search_profile_now() - rendered);
	return st;
}
