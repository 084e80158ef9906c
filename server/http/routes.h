/* routes: how a request finds its handler. The table itself (which URL
 * each endpoint answers) is the site's (server/site/), handed to the
 * server at start, so that the HTTP layer needs none of the endpoints. */
#ifndef QA_HTTP_ROUTES_H
#define QA_HTTP_ROUTES_H

#include <stddef.h>

#include "body.h"
#include "request.h"

enum {
	HTTP_METHOD_GET = 1u << 0,
	HTTP_METHOD_HEAD = 1u << 1,
	HTTP_METHOD_POST = 1u << 2,
	HTTP_METHOD_PUT = 1u << 3,
	HTTP_METHOD_PATCH = 1u << 4,
	HTTP_METHOD_DELETE = 1u << 5,
	HTTP_METHOD_OPTIONS = 1u << 6,
};

typedef enum http_match {
	HTTP_MATCH_EXACT,  /* the path is exactly `path` */
	HTTP_MATCH_PREFIX, /* the path starts with `path`; the rest goes to the handler */
} http_match;

/* A route's handler: returns the HTTP status and fills *out (request.h). */
typedef unsigned (*http_handler)(http_request *req, http_reply *out);

typedef struct http_route {
	unsigned methods; /* HTTP_METHOD_* bits */
	const char *path;
	http_match match;
	http_format format; /* how errors on this route are rendered */
	http_handler handler;
	/* For a route that takes a request body: how the body is read as it
	 * arrives (body.h). The handler then runs once the body is in, on a
	 * thread of its own (it may fsync, probe media, commit the index)
	 * while the connection waits suspended. NULL: no body is read. */
	const http_body_ops *body;
	/* Slow work (a search): the handler runs on the server's work pool
	 * (work_pool.h) with the connection suspended, never on an MHD
	 * worker, and is answered 503 + Retry-After when the pool's queue is
	 * full. false: the handler runs on the worker that read the request,
	 * which suits work that takes milliseconds. */
	bool pooled;
} http_route;

/* A site: its routes, and how an HTML error is shown. */
typedef struct http_site {
	/* The first route whose path matches wins, so an exact route goes
	 * before a prefix that covers it; routes for the same path with other
	 * methods come right after it. */
	const http_route *routes;
	size_t route_count;
	/* The page for an HTML error with message (escaped: it may quote the
	 * request); req, for who is signed in (the header says so on error
	 * pages too). Caller frees; NULL when out of memory. */
	char *(*error_page)(const http_request *req, unsigned status, const char *message);
} http_site;

/* The method's HTTP_METHOD_* bit, 0 for any other method. */
unsigned http_method_bit(const char *method);

/* The route of site for path and method (an HTTP_METHOD_* bit), or NULL. Several
 * routes may share a path with different methods. When none matches,
 * *allowed holds the methods the path does take (0: no route has the
 * path, a 404; otherwise a 405) and *format says how to render the error
 * (the format of the path's routes; JSON under /api/, HTML elsewhere).
 * *rest is the part after the route's prefix ("" for an exact route). */
const http_route *http_route_find(const http_site *site, const char *path, unsigned method,
                                  const char **rest, http_format *format, unsigned *allowed);

/* "GET, HEAD, POST" for the Allow header of a 405 (RFC 9110 §10.2.1), from
 * HTTP_METHOD_* bits. out holds at least 64 bytes. */
void http_methods_str(unsigned methods, char *out, size_t size);

#endif
