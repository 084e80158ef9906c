/* range: the parts of RFC 9110 a file response needs, as pure functions:
 * byte ranges (§14), HTTP dates (§5.6.7) and entity-tag comparison (§8.8.3).
 * No I/O, no MHD: unit-tested on their own (tests/http/test_http_units.c).
 */
#ifndef QA_HTTP_RANGE_H
#define QA_HTTP_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef enum http_range_status {
	HTTP_RANGE_NONE = 0,      /* no usable Range: serve the whole representation (200).
	                           * Also for a syntactically invalid header or another
	                           * unit, which §14.2 lets us ignore */
	HTTP_RANGE_SINGLE,        /* one satisfiable range: 206 with *first..*last */
	HTTP_RANGE_MULTIPLE,      /* several ranges: we answer with the whole file (200),
	                           * which §14.2 allows, rather than multipart/byteranges */
	HTTP_RANGE_UNSATISFIABLE, /* 416 with Content-Range: bytes * /size */
} http_range_status;

/* Parse a Range header value (may be NULL) against a representation of
 * `size` bytes (§14.1.2):
 *   "bytes=F-L"  F..min(L, size-1); unsatisfiable when F >= size; invalid
 *                (ignored) when L < F
 *   "bytes=F-"   F..size-1; unsatisfiable when F >= size
 *   "bytes=-N"   the last N bytes (all of them when N >= size);
 *                unsatisfiable when N is 0 or size is 0
 * The unit is case-insensitive; whitespace around ranges is allowed.
 * Numbers too big for 64 bits saturate (a huge L is clamped, a huge F is
 * unsatisfiable). *first and *last (inclusive) are set for
 * HTTP_RANGE_SINGLE only. */
http_range_status http_range_parse(const char *header, uint64_t size, uint64_t *first,
                                   uint64_t *last);

/* Format t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), which is
 * 29 characters; out must hold 30. Locale-independent. */
void http_date_format(time_t t, char out[30]);

/* Parse an HTTP date in any of the three forms §5.6.7 says recipients must
 * accept (IMF-fixdate, RFC 850, asctime). Returns false for anything else. */
bool http_date_parse(const char *s, time_t *out);

/* Whether an If-None-Match value matches etag by weak comparison (§8.8.3.2,
 * "W/" ignored on both sides), or is "*". NULL never matches. */
bool http_etag_match_weak(const char *header, const char *etag);

/* Whether an If-Match / If-Range value matches etag by strong comparison:
 * a weak tag never matches. */
bool http_etag_match_strong(const char *header, const char *etag);

#endif
