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

/* Queue `status` with *reply on req's connection; reply is consumed (left
 * as HTTP_REPLY_INIT) whatever happens. *bytes is what the body holds (0
 * for HEAD and bodiless statuses), for the access log. Returns MHD_NO only
 * when the connection has to be dropped (MHD could not queue, or no memory
 * even for an error). */
enum MHD_Result http_respond(const http_request *req, unsigned status, http_reply *reply,
                             uint64_t *bytes);

#endif
