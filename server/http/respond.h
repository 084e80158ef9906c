/* respond: the one place a reply becomes an HTTP response.
 *
 * It renders an error status that has no body (HTML or JSON, by the
 * route's format), adds the headers every response carries (nosniff, the
 * Content-Security-Policy, Referrer-Policy), and creates, queues and
 * destroys the MHD response in one go. An fd reply becomes a zero-copy
 * MHD_create_response_from_fd_at_offset64 response, which then owns the fd.
 */
#ifndef QA_HTTP_RESPOND_H
#define QA_HTTP_RESPOND_H

#include <microhttpd.h>
#include <stdint.h>

#include "request.h"
#include "routes.h"

/* The Content-Security-Policy on every response: nothing inline, nothing
 * from elsewhere, no plugins, no framing. */
#define HTTP_CSP                                                                                   \
	"default-src 'self'; media-src 'self'; img-src 'self' data:; style-src 'self'; "           \
	"script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

/* The embed page's (/embed/<id>): the same, but any site may frame it.
 * A reply that adds its own Content-Security-Policy header gets it
 * instead of HTTP_CSP. */
#define HTTP_CSP_EMBED                                                                             \
	"default-src 'self'; media-src 'self'; img-src 'self' data:; style-src 'self'; "           \
	"script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors *"

/* The standard reason phrase of status ("Not Found"), "Unknown" for others. */
const char *http_reason(unsigned status);

/* Queue *status with *reply on req's connection; reply is consumed (left
 * as HTTP_REPLY_INIT) whatever happens. *status becomes what was sent
 * (a compressed reply the client already holds is a 304). *bytes is what the body holds (0
 * for HEAD and bodiless statuses), for the access log. Returns MHD_NO only
 * when the connection has to be dropped (MHD could not queue, or no memory
 * even for an error). */
enum MHD_Result http_respond(const http_request *req, unsigned *status, http_reply *reply,
                             uint64_t *bytes);

/* For an answer that libmicrohttpd 0.9.75 cannot queue: one decided while
 * the request body is still arriving (MHD_queue_response refuses then,
 * even on a suspended connection) when the rest of the body is more than
 * is worth reading. Writes the status line, the headers http_respond
 * would add (but no compression), reply's headers, Content-Length,
 * "Connection: close" and the body (an error page or JSON, rendered as
 * http_respond does) straight to the connection's socket fd, which the
 * caller then has closed (MHD_NO). A client still sending then fails to
 * send and reads the answer (Chromium and curl do, on Linux), where
 * before it only saw the connection reset. reply is consumed. Returns
 * whether all of it was written; *bytes is the body's length then. */
bool http_respond_raw(const http_request *req, unsigned status, http_reply *reply, int fd,
                      uint64_t *bytes);

#endif
