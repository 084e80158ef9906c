/* routes: the table of every URL the server answers. */
#ifndef QA_HTTP_ROUTES_H
#define QA_HTTP_ROUTES_H

#include <stddef.h>

#include "handlers.h"
#include "request.h"

enum {
	HTTP_METHOD_GET = 1u << 0,
	HTTP_METHOD_HEAD = 1u << 1,
};

typedef enum http_match {
	HTTP_MATCH_EXACT,  /* the path is exactly `path` */
	HTTP_MATCH_PREFIX, /* the path starts with `path`; the rest goes to the handler */
} http_match;

typedef struct http_route {
	unsigned methods; /* HTTP_METHOD_* bits */
	const char *path;
	http_match match;
	http_format format; /* how errors on this route are rendered */
	http_handler handler;
} http_route;

/* The method's HTTP_METHOD_* bit, 0 for any other method. */
unsigned http_method_bit(const char *method);

/* The route for path, or NULL (then *format says how to render the 404:
 * JSON under /api/, HTML elsewhere). *rest is the part after the route's
 * prefix ("" for an exact route). */
const http_route *http_route_find(const char *path, const char **rest, http_format *format);

/* "GET, HEAD" for the Allow header of a 405 (RFC 9110 §10.2.1). out holds
 * at least 64 bytes. */
void http_route_allow(const http_route *route, char *out, size_t size);

#endif
