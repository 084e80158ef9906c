/* GET/HEAD /static/<name>: a file of web/ compiled into the binary
 * (web_assets.h). Nothing here touches the file system, so no path can
 * reach it: a name is looked up whole in the table or is a 404.
 *
 * Validators: a strong ETag from the content's hash, and If-None-Match →
 * 304 (RFC 9110 §13.1.2, weak comparison). Pages link assets as
 * /static/<name>?v=<hash>: that URL names these exact bytes, so it may be
 * kept a year (immutable); any other URL is revalidated (no-cache). */
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "api.h"
#include "range.h"
#include "web_assets.h"

static unsigned serve_asset(http_request *req, http_reply *out, const http_asset *a)
{
	const char *v = http_query(req, "v");
	bool versioned = v && strcmp(v, a->version) == 0;
	if (!http_reply_header_add(out, MHD_HTTP_HEADER_ETAG, a->etag) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_CACHE_CONTROL,
	                           versioned ? "public, max-age=31536000, immutable" : "no-cache"))
		return http_reply_error(out, 500, "out of memory");
	if (http_etag_match_weak(http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH), a->etag))
		return 304;
	char *body = malloc(a->len ? a->len : 1);
	if (!body)
		return http_reply_error(out, 500, "out of memory");
	memcpy(body, a->data, a->len);
	http_reply_take(out, a->type, body, a->len);
	return 200;
}

unsigned http_handle_static(http_request *req, http_reply *out)
{
	const http_asset *a = http_asset_find(req->rest);
	if (!a)
		return http_reply_error(out, 404, "no such file");
	return serve_asset(req, out, a);
}

/* GET/HEAD /favicon.ico: browsers, feed readers and bookmark tools ask
 * for it without reading a page's <link rel="icon">. The same SVG, with
 * its own type: Chromium and Firefox go by Content-Type, not the name. */
unsigned http_handle_favicon(http_request *req, http_reply *out)
{
	const http_asset *a = http_asset_find("favicon.svg");
	if (!a)
		return http_reply_error(out, 404, "no such file");
	return serve_asset(req, out, a);
}
