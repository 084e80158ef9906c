/* The HTML pages: PLACEHOLDERS, TO BE REPLACED by the page author (issue
 * 7's pages: web/ templates, CSS and JS). Each handler below only proves
 * its route and shows the hooks the real page will use:
 *   /             the archive at a glance      data: /api/recordings (http_recordings_newest)
 *   /search       results, facets, pagination  data: http_search_params + http_search_run
 *   /watch/<id>   player, transcript, agenda   data: http_recording_summary,
 *                                                 http_recording_load, http_transcript_load;
 *                 <video src=/media/<id>>, <track src=/captions/<id>.vtt>,
 *                 <track kind=chapters src=/chapters/<id>.vtt>
 *   /static/...   web/ assets compiled in, with validators (404 until then)
 * Every user string goes through escape.h; no inline script or style (the
 * CSP forbids both). They live in one file only because they are
 * throw-away; the real ones get a file each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "handlers.h"
#include "recording_files.h"

static unsigned page(http_reply *out, const char *title, const char *body_html)
{
	strbuf sb = STRBUF_INIT;
	bool ok = sb_append_str(&sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	                             "charset=\"utf-8\">\n<title>") &&
	          http_escape_html(&sb, title) &&
	          sb_append_str(&sb, " — qarchive</title>\n<link rel=\"search\" "
	                             "type=\"application/opensearchdescription+xml\" "
	                             "title=\"qarchive\" href=\"/opensearch.xml\">\n"
	                             "<link rel=\"alternate\" type=\"application/atom+xml\" "
	                             "title=\"Newest recordings\" href=\"/feed.xml\">\n"
	                             "</head>\n<body>\n<!-- placeholder page -->\n") &&
	          sb_append_str(&sb, body_html) && sb_append_str(&sb, "</body>\n</html>\n");
	size_t len = sb.len;
	char *text = ok ? sb_take(&sb) : NULL;
	sb_free(&sb);
	if (!text)
		return http_reply_error(out, 500, "out of memory");
	http_reply_take(out, "text/html; charset=utf-8", text, len);
	return 200;
}

unsigned http_handle_home(http_request *req, http_reply *out)
{
	(void)req;
	return page(out, "The archive",
	            "<h1>qarchive</h1>\n<form action=\"/search\" method=\"get\" role=\"search\">"
	            "<label>Search <input type=\"search\" name=\"q\"></label> "
	            "<button>Search</button></form>\n"
	            "<p><a href=\"/api/recordings\">Recordings (JSON)</a></p>\n");
}

unsigned http_handle_search_page(http_request *req, http_reply *out)
{
	const char *q = http_query(req, "q");
	strbuf body = STRBUF_INIT;
	bool ok = sb_append_str(&body, "<h1>Search</h1>\n<form action=\"/search\" "
	                               "method=\"get\" role=\"search\"><label>Search <input "
	                               "type=\"search\" name=\"q\" value=\"") &&
	          http_escape_attr(&body, q) &&
	          sb_append_str(&body, "\"></label> <button>Search</button></form>\n"
	                               "<p><a href=\"/api/search?q=") &&
	          http_escape_url(&body, q) && sb_append_str(&body, "\">Results for ") &&
	          http_escape_html(&body, q) && sb_append_str(&body, " (JSON)</a></p>\n");
	unsigned st = ok ? page(out, q && q[0] ? q : "Search", body.data)
	                 : http_reply_error(out, 500, "out of memory");
	sb_free(&body);
	return st;
}

unsigned http_handle_watch(http_request *req, http_reply *out)
{
	json_t *summary = NULL;
	unsigned st = http_recording_summary(req, out, req->rest, &summary);
	if (st)
		return st;
	const char *title = json_string_value(json_object_get(summary, "title"));
	const char *id = req->rest; /* a valid id: letters, digits, - _ . only */
	strbuf body = STRBUF_INIT;
	bool ok =
	    sb_append_str(&body, "<h1>") && http_escape_html(&body, title) &&
	    sb_append_str(&body, "</h1>\n<video controls preload=\"metadata\" src=\"/media/") &&
	    http_escape_attr(&body, id) &&
	    sb_append_str(&body, "\">\n<track kind=\"captions\" default src=\"/captions/") &&
	    http_escape_attr(&body, id) &&
	    sb_append_str(&body, ".vtt\" srclang=\"en\" label=\"English\">\n<track "
	                         "kind=\"chapters\" src=\"/chapters/") &&
	    http_escape_attr(&body, id) &&
	    sb_append_str(&body, ".vtt\" srclang=\"en\">\n</video>\n<p><a "
	                         "href=\"/api/recordings/") &&
	    http_escape_attr(&body, id) && sb_append_str(&body, "\">Details (JSON)</a></p>\n");
	st = ok ? page(out, title ? title : id, body.data)
	        : http_reply_error(out, 500, "out of memory");
	sb_free(&body);
	json_decref(summary);
	return st;
}

unsigned http_handle_static(http_request *req, http_reply *out)
{
	(void)req;
	return http_reply_error(out, 404, "no static assets yet (they come with the pages)");
}
