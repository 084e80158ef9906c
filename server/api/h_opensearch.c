/* GET /opensearch.xml: the OpenSearch 1.1 description that lets a browser
 * offer the archive as a search engine (the pages link it with
 * <link rel="search" type="application/opensearchdescription+xml">). The
 * templates point at the search page, the JSON API and the saved-search
 * feed; the origin comes from the Host header, XML-escaped. */
#include <string.h>

#include "escape.h"
#include "api.h"

unsigned http_handle_opensearch(http_request *req, http_reply *out)
{
	char origin[320];
	http_request_origin(req, origin, sizeof origin);
	static const struct {
		const char *type, *path;
	} urls[] = {
	    {"text/html", "/search?q={searchTerms}"},
	    {"application/json", "/api/search?q={searchTerms}"},
	    {"application/atom+xml", "/feed.xml?q={searchTerms}"},
	};
	strbuf sb = STRBUF_INIT;
	bool ok = sb_append_str(&sb, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	                             "<OpenSearchDescription "
	                             "xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
	                             "<ShortName>qarchive</ShortName>\n"
	                             "<Description>Search the recorded talks, to the "
	                             "moment</Description>\n"
	                             "<InputEncoding>UTF-8</InputEncoding>\n");
	for (size_t i = 0; ok && i < sizeof urls / sizeof urls[0]; i++)
		ok = sb_append_str(&sb, "<Url type=\"") && sb_append_str(&sb, urls[i].type) &&
		     sb_append_str(&sb, "\" template=\"") && http_escape_xml(&sb, origin) &&
		     sb_append_str(&sb, urls[i].path) && sb_append_str(&sb, "\"/>\n");
	ok = ok && sb_append_str(&sb, "</OpenSearchDescription>\n");
	size_t len = sb.len;
	char *text = ok ? sb_take(&sb) : NULL;
	sb_free(&sb);
	if (!text)
		return http_reply_error(out, 500, "out of memory");
	http_reply_take(out, "application/opensearchdescription+xml; charset=utf-8", text, len);
	return 200;
}
