#include "respond.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "compress.h"
#include "routes.h"
#include "strbuf.h"

const char *http_reason(unsigned status)
{
	/* RFC 9110 §15 (429 and 431: RFC 6585; 507: RFC 4918). */
	static const struct {
		unsigned status;
		const char *reason;
	} reasons[] = {
	    {200, "OK"},
	    {201, "Created"},
	    {204, "No Content"},
	    {206, "Partial Content"},
	    {303, "See Other"},
	    {304, "Not Modified"},
	    {400, "Bad Request"},
	    {401, "Unauthorized"},
	    {403, "Forbidden"},
	    {404, "Not Found"},
	    {405, "Method Not Allowed"},
	    {409, "Conflict"},
	    {410, "Gone"},
	    {412, "Precondition Failed"},
	    {413, "Content Too Large"},
	    {415, "Unsupported Media Type"},
	    {416, "Range Not Satisfiable"},
	    {423, "Locked"},
	    {429, "Too Many Requests"},
	    {431, "Request Header Fields Too Large"},
	    {500, "Internal Server Error"},
	    {503, "Service Unavailable"},
	    {507, "Insufficient Storage"},
	};
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

/* The site's error page (pages/html.c for qarchive), which escapes the
 * message: it may quote the request. Without one, a bare page that says
 * only the status, so that nothing the client sent is echoed unescaped. */
static char *http_error_html(const http_request *req, const http_site *site, unsigned status,
                             const char *message)
{
	if (site && site->error_page)
		return site->error_page(req, status, message);
	char *page = malloc(128);
	if (page)
		snprintf(page, 128, "<!doctype html><title>%u %s</title><p>%u %s</p>\n", status,
		         http_reason(status), status, http_reason(status));
	return page;
}

/* Give an error status without a body its page or JSON object. */
static void render_error(const http_request *req, unsigned status, http_reply *r)
{
	const char *message = r->message ? r->message : http_reason(status);
	if (req->format == HTTP_FORMAT_JSON) {
		json_t *o = json_pack("{s:s}", "error", message);
		if (!o) /* a message that is not UTF-8 (it may quote the request) */
			o = json_pack("{s:s}", "error", http_reason(status));
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (text)
			http_reply_take(r, "application/json", text, strlen(text));
	} else {
		char *page =
		    http_error_html(req, req->server ? req->server->site : NULL, status, message);
		if (page)
			http_reply_take(r, "text/html; charset=utf-8", page, strlen(page));
		/* Its header says who is signed in, as every page's does. */
		if (page)
			http_reply_header_add(r, "Vary", "Cookie");
	}
}

static bool add(struct MHD_Response *resp, const char *name, const char *value)
{
	return MHD_add_response_header(resp, name, value) == MHD_YES;
}

/* Retry-After for a 503 whose handler did not say. */
#define DEFAULT_RETRY_SECONDS "5"

static bool has_header(const http_reply *reply, const char *name)
{
	for (size_t i = 0; i < reply->header_count; i++)
		if (strcasecmp(reply->headers[i].name, name) == 0)
			return true;
	return false;
}

enum MHD_Result http_respond(const http_request *req, unsigned *status_io, http_reply *reply,
                             uint64_t *bytes)
{
	struct MHD_Response *resp = NULL;
	unsigned status = *status_io;
	*bytes = 0;
	if (status >= 400 && !reply->body && reply->fd < 0)
		render_error(req, status, reply);
	/* RFC 9110 §10.2.3: a 503 says when to come back. The handlers that
	 * know (a full work pool, a missing index) set their own; the rest
	 * (an edit that found the archive busy) get a short default. */
	if (status == 503 && !has_header(reply, "Retry-After"))
		http_reply_header_add(reply, "Retry-After", DEFAULT_RETRY_SECONDS);
	if (status != 304)
		status = *status_io = http_reply_compress(req, status, reply);
	/* RFC 9110 §15.4.5: a 304 has no content. */
	bool bodiless = status == 304;
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
	/* A reply that states its own policy (the embed page: frame-ancestors *)
	 * replaces this one rather than joining it: two policies both apply,
	 * and 'none' would still forbid the framing. */
	bool own_csp = false;
	for (size_t i = 0; i < reply->header_count; i++)
		own_csp |= strcasecmp(reply->headers[i].name, "Content-Security-Policy") == 0;
	bool ok = add(resp, "X-Content-Type-Options", "nosniff") &&
	          (own_csp || add(resp, "Content-Security-Policy", HTTP_CSP)) &&
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

/* One header line onto sb. */
static bool raw_header(strbuf *sb, const char *name, const char *value)
{
	return sb_append_str(sb, name) && sb_append_str(sb, ": ") && sb_append_str(sb, value) &&
	       sb_append_str(sb, "\r\n");
}

bool http_respond_raw(const http_request *req, unsigned status, http_reply *reply, int fd,
                      uint64_t *bytes)
{
	*bytes = 0;
	if (!reply->body && reply->fd < 0)
		render_error(req, status, reply);
	strbuf sb = STRBUF_INIT;
	char line[64], length[32];
	snprintf(line, sizeof line, "HTTP/1.1 %u %s\r\n", status, http_reason(status));
	snprintf(length, sizeof length, "%zu", reply->body ? reply->len : 0);
	bool ok = reply->fd < 0 && sb_append_str(&sb, line) &&
	          raw_header(&sb, "X-Content-Type-Options", "nosniff") &&
	          raw_header(&sb, "Content-Security-Policy", HTTP_CSP) &&
	          raw_header(&sb, "Referrer-Policy", "same-origin") &&
	          (!reply->content_type || raw_header(&sb, "Content-Type", reply->content_type));
	for (size_t i = 0; ok && i < reply->header_count; i++)
		ok = raw_header(&sb, reply->headers[i].name, reply->headers[i].value);
	ok = ok && raw_header(&sb, "Content-Length", length) &&
	     raw_header(&sb, "Connection", "close") && sb_append_str(&sb, "\r\n") &&
	     (!reply->body || sb_append(&sb, reply->body, reply->len));
	/* The socket's send buffer is empty (nothing was sent on this request)
	 * and holds far more than an error page: one send, never a wait. */
	ssize_t sent = ok ? send(fd, sb.data, sb.len, MSG_NOSIGNAL | MSG_DONTWAIT) : -1;
	ok = sent >= 0 && (size_t)sent == sb.len;
	if (ok)
		*bytes = reply->body ? reply->len : 0;
	sb_free(&sb);
	http_reply_free(reply);
	return ok;
}
