#include "respond.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "html.h"
#include "strbuf.h"

const char *http_reason(unsigned status)
{
	switch (status) {
	case 200:
		return "OK";
	case 206:
		return "Partial Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 412:
		return "Precondition Failed";
	case 416:
		return "Range Not Satisfiable";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

/* The site's error page (html.c), which escapes the message: it may
 * quote the request. */
char *http_error_html(unsigned status, const char *message)
{
	return http_html_error_page(status, message);
}

/* Give an error status without a body its page or JSON object. */
static void render_error(const http_request *req, unsigned status, http_reply *r)
{
	const char *message = r->message ? r->message : http_reason(status);
	if (req->format == HTTP_FORMAT_JSON) {
		json_t *o = json_pack("{s:s}", "error", message);
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (text)
			http_reply_take(r, "application/json", text, strlen(text));
	} else {
		char *page = http_error_html(status, message);
		if (page)
			http_reply_take(r, "text/html; charset=utf-8", page, strlen(page));
	}
}

static bool add(struct MHD_Response *resp, const char *name, const char *value)
{
	return MHD_add_response_header(resp, name, value) == MHD_YES;
}

enum MHD_Result http_respond(const http_request *req, unsigned status, http_reply *reply,
                             uint64_t *bytes)
{
	struct MHD_Response *resp = NULL;
	*bytes = 0;
	/* RFC 9110 §15.4.5: a 304 has no content. */
	bool bodiless = status == 304;
	if (status >= 400 && !reply->body && reply->fd < 0)
		render_error(req, status, reply);
	if (bodiless) {
		free(reply->body);
		reply->body = NULL;
		reply->len = 0;
	}
	if (reply->fd >= 0) {
		resp = MHD_create_response_from_fd_at_offset64(reply->length, reply->fd,
		                                               reply->offset);
		if (resp)
			reply->fd = -1; /* the response owns it now */
		*bytes = reply->length;
	} else {
		/* MHD_RESPMEM_MUST_FREE: MHD free()s the body with the response. */
		resp = MHD_create_response_from_buffer(
		    reply->len, reply->body ? reply->body : (void *)"",
		    reply->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (resp)
			reply->body = NULL;
		*bytes = reply->len;
	}
	if (!resp) {
		http_reply_free(reply);
		*bytes = 0;
		return MHD_NO;
	}
	if (req->head)
		*bytes = 0;
	bool ok = add(resp, "X-Content-Type-Options", "nosniff") &&
	          add(resp, "Content-Security-Policy", HTTP_CSP) &&
	          add(resp, "Referrer-Policy", "same-origin");
	if (ok && reply->content_type && !bodiless)
		ok = add(resp, MHD_HTTP_HEADER_CONTENT_TYPE, reply->content_type);
	for (size_t i = 0; ok && i < reply->header_count; i++)
		ok = add(resp, reply->headers[i].name, reply->headers[i].value);
	enum MHD_Result rc = ok ? MHD_queue_response(req->conn, status, resp) : MHD_NO;
	MHD_destroy_response(resp);
	http_reply_free(reply);
	return rc;
}
