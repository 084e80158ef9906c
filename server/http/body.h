/* body: how a route reads a request body as it arrives.
 *
 * Uploads are large (a recording is gigabytes), so no body is ever held in
 * memory: server.c hands each chunk to the route's ops as libmicrohttpd
 * reads it, and the route writes it where it belongs (a temp file, a tus
 * upload's data file). Then the route's handler runs with req->body set to
 * the context begin() made.
 *
 * The order for one request:
 *   begin    once, with the headers in (auth, Content-Length, Content-Type
 *            can be checked here and the body refused before it is sent:
 *            a client that asked "Expect: 100-continue" sends nothing)
 *   data     for each chunk, possibly never
 *   handler  (routes.h) once the whole body is in, on a thread of its own
 *   free     always last, also when the client went away half-way, so
 *            temp files never outlive their request
 *
 * libmicrohttpd can only answer before the body or after all of it, so an
 * error found in the middle (a field too long, a disk full) is kept and
 * answered when the body ends; the rest is read and dropped.
 */
#ifndef QA_HTTP_BODY_H
#define QA_HTTP_BODY_H

#include <stddef.h>

#include "request.h"

typedef struct http_body_ops {
	/* Accept the body: return 0 with *ctx set (may be NULL). Refuse it:
	 * return an error status with the message in *out (then data() is
	 * never called, and free() gets *ctx as it was left). */
	unsigned (*begin)(http_request *req, http_reply *out, void **ctx);
	/* One chunk, len > 0. Return 0, or an error status with the message in
	 * *out: the rest of the body is dropped and that error answered. */
	unsigned (*data)(http_request *req, void *ctx, const char *data, size_t len,
	                 http_reply *out);
	/* Release ctx (NULL-safe). */
	void (*free)(void *ctx);
} http_body_ops;

#endif
