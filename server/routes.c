#include "routes.h"

#include <stdio.h>
#include <string.h>

#define GET_HEAD (HTTP_METHOD_GET | HTTP_METHOD_HEAD)

/* First match wins, so an exact route goes before a prefix that covers it.
 * HEAD is answered as GET without the body (MHD drops it). */
static const http_route routes[] = {
    {GET_HEAD, "/healthz", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_healthz},
    {GET_HEAD, "/api/search", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_api_search},
    {GET_HEAD, "/api/recordings", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_api_recordings},
    {GET_HEAD, "/api/recordings/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON, http_handle_api_recording},
    {GET_HEAD, "/media/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_media},
    {GET_HEAD, "/captions/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_captions},
    {GET_HEAD, "/chapters/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_chapters},
    {GET_HEAD, "/feed.xml", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_feed},
    {GET_HEAD, "/opensearch.xml", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_opensearch},
    /* The pages, and web/'s CSS and JavaScript (compiled in). */
    {GET_HEAD, "/", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_home},
    {GET_HEAD, "/search", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_search_page},
    {GET_HEAD, "/watch/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_watch},
    {GET_HEAD, "/static/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_static},
};

unsigned http_method_bit(const char *method)
{
	if (strcmp(method, "GET") == 0)
		return HTTP_METHOD_GET;
	if (strcmp(method, "HEAD") == 0)
		return HTTP_METHOD_HEAD;
	return 0;
}

const http_route *http_route_find(const char *path, const char **rest, http_format *format)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const http_route *r = &routes[i];
		size_t n = strlen(r->path);
		bool hit = r->match == HTTP_MATCH_EXACT ? strcmp(path, r->path) == 0
		                                        : strncmp(path, r->path, n) == 0;
		if (hit) {
			*rest = r->match == HTTP_MATCH_EXACT ? "" : path + n;
			*format = r->format;
			return r;
		}
	}
	*rest = "";
	*format = strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 ? HTTP_FORMAT_JSON
	                                                                      : HTTP_FORMAT_HTML;
	return NULL;
}

void http_route_allow(const http_route *route, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s", route->methods & HTTP_METHOD_GET ? "GET" : "",
	         (route->methods & HTTP_METHOD_GET) && (route->methods & HTTP_METHOD_HEAD) ? ", "
	                                                                                   : "",
	         route->methods & HTTP_METHOD_HEAD ? "HEAD" : "");
}
