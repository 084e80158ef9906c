/* compress: gzip (RFC 1952) or Brotli (RFC 7932) for text replies, when
 * the client accepts it (Accept-Encoding, RFC 9110 §12.5.3). HTML, CSS,
 * JavaScript and WebVTT shrink by 4 to 8 times; the watch page carries its
 * whole transcript.
 */
#ifndef QA_HTTP_COMPRESS_H
#define QA_HTTP_COMPRESS_H

#include <stdbool.h>

#include "request.h"

/* Replace reply's in-memory body with its Brotli or gzip encoding when
 * the status is 200, the type is text/html, text/css, text/javascript or
 * text/vtt, the body is at least 512 bytes, and req accepts "br" or
 * "gzip" (Brotli preferred; q=0 refuses one). Adds Content-Encoding,
 * Vary: Accept-Encoding (for every reply of those types, compressed or
 * not, so a cache keeps them apart), and marks an ETag as this encoding's
 * ("abc" → "abc-br"), since a strong validator names exact bytes. A body
 * that does not shrink, out of memory, or no room for a header leaves the
 * body as it was: compression never fails a reply.
 *
 * Returns the status to send: 304, with the body dropped, when req's
 * If-None-Match names the ETag the chosen encoding would carry (the
 * handler compares only the identity's); else status unchanged. */
unsigned http_reply_compress(const http_request *req, unsigned status, http_reply *reply);

#endif
