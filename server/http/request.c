#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <microhttpd.h>

#include "index_update.h"
#include "number.h"
#include "replica.h"

void http_reply_free(http_reply *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->message);
	if (r->fd >= 0)
		close(r->fd);
	for (size_t i = 0; i < r->header_count; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	*r = (http_reply)HTTP_REPLY_INIT;
}

const char *http_query(const http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool http_query_count(const http_request *req, const char *name, unsigned max, unsigned *out)
{
	const char *s = http_query(req, name);
	return !s || number_parse_unsigned(s, 1, max, out) == NUMBER_OK;
}

const char *http_header(const http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void http_reply_take(http_reply *r, const char *content_type, char *body, size_t len)
{
	free(r->body);
	r->body = body;
	r->len = len;
	r->content_type = content_type;
}

unsigned http_reply_strbuf(http_reply *r, const char *content_type, strbuf *sb)
{
	size_t len = sb->len;
	char *text = sb_take(sb);
	if (!text)
		return http_reply_error(r, 500, "out of memory");
	http_reply_take(r, content_type, text, len);
	return 200;
}

unsigned http_reply_json(http_reply *r, json_t *value)
{
	/* No value: jansson refused to build it, which is out of memory or a
	 * string that is not UTF-8 (json_pack's "s" checks); it cannot tell
	 * us which, so the message does not guess. A value that exists
	 * dumps unless memory runs out. */
	if (!value)
		return http_reply_error(r, 500, "the answer could not be built as JSON");
	char *text = json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(value);
	if (!text)
		return http_reply_error(r, 500, "out of memory");
	http_reply_take(r, "application/json", text, strlen(text));
	return 200;
}

bool http_reply_header_add(http_reply *r, const char *name, const char *value)
{
	if (r->header_count == HTTP_REPLY_MAX_HEADERS)
		return false;
	char *n = strdup(name), *v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return false;
	}
	r->headers[r->header_count].name = n;
	r->headers[r->header_count].value = v;
	r->header_count++;
	return true;
}

unsigned http_reply_error(http_reply *r, unsigned status, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof buf) {
		/* Cut short: drop a UTF-8 sequence cut in two, so the message
		 * stays text (respond.c puts it in JSON, which must be UTF-8). */
		size_t len = sizeof buf - 1;
		size_t lead = len;
		while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xc0) == 0x80)
			lead--;
		if (lead > 0 && (unsigned char)buf[lead - 1] >= 0xc0) {
			unsigned char c = (unsigned char)buf[lead - 1];
			size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			if (len - (lead - 1) < want)
				buf[lead - 1] = '\0';
		}
	}
	free(r->message);
	r->message = strdup(buf); /* NULL: respond.c falls back to the reason phrase */
	return status;
}

/* How long a client is told to wait (Retry-After) when the index is
 * missing or damaged: an operator has to run `qarchive index`, which takes
 * a while; load balancers and crawlers back off rather than hammer. */
#define NO_INDEX_RETRY_SECONDS "60"

/* Our fault, but one that a retry will not fix until the index is rebuilt:
 * 503 with the remedy, as for an archive that has no index yet. */
static unsigned damaged(http_reply *out, const char *detail)
{
	char message[512];
	index_damaged_message(detail, message, sizeof message);
	http_reply_header_add(out, "Retry-After", NO_INDEX_RETRY_SECONDS);
	return http_reply_error(out, 503, "%s", message);
}

unsigned http_request_db(http_request *req, http_reply *out)
{
	if (req->db)
		return 0;
	/* A replica reads nothing before it has a whole copy (replica.h). */
	if (req->server->replica && !http_replica_ready(req->server->replica))
		return http_reply_error(out, 503,
		                        "this replica has not finished its first copy of the "
		                        "index from the writer yet");
	char err[512] = "";
	switch (http_db_pool_acquire(req->server->pool, &req->db, err, sizeof err)) {
	case HTTP_DB_OK:
		return 0;
	case HTTP_DB_NO_INDEX:
		http_reply_header_add(out, "Retry-After", NO_INDEX_RETRY_SECONDS);
		return http_reply_error(out, 503,
		                        "the archive has no index yet: run `qarchive index`");
	case HTTP_DB_DAMAGED:
		return damaged(out, err);
	case HTTP_DB_FAILED:
		return http_reply_error(out, 500, "the index could not be read: %s", err);
	case HTTP_DB_NOMEM:
		return http_reply_error(out, 500, "out of memory");
	}
	return http_reply_error(out, 500, "unknown index status");
}

unsigned http_request_db_failed(http_request *req, http_reply *out, qx_status qs)
{
	const char *why = req->db ? qx_db_errmsg(req->db->db) : qx_status_str(qs);
	if (qs == QX_CORRUPT)
		return damaged(out, why);
	if (qs == QX_NOMEM)
		return http_reply_error(out, 500, "out of memory");
	return http_reply_error(out, 500, "the index could not be read: %s", why);
}

/* RFC 9110 §7.2: Host = uri-host [ ":" port ]. We accept a registered name
 * or IPv4 address of letters, digits, '-', '.', an IPv6 literal in
 * brackets, and a numeric port: enough for every real client, and nothing
 * that could break out of an XML attribute or a URL. */
static bool host_plausible(const char *h)
{
	size_t n = strlen(h);
	if (n == 0 || n > 255)
		return false;
	const char *p = h;
	if (*p == '[') {
		for (p++; *p && *p != ']'; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
			      (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
				return false;
		if (*p++ != ']')
			return false;
	} else {
		for (; *p && *p != ':'; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			      (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '.'))
				return false;
		if (p == h)
			return false;
	}
	if (*p == ':') {
		if (!*++p)
			return false;
		for (; *p; p++)
			if (*p < '0' || *p > '9')
				return false;
	}
	return *p == '\0';
}

void http_request_origin(const http_request *req, char *out, size_t size)
{
	const char *host = http_header(req, MHD_HTTP_HEADER_HOST);
	if (host && host_plausible(host))
		snprintf(out, size, "http://%s", host);
	else
		snprintf(out, size, "%s", req->server->default_origin);
}
