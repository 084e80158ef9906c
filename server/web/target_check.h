/* target_check: what every request-target must be before any route sees
 * it (issue 16): text, and a bounded number of query parameters.
 *
 * Our pages declare UTF-8 and browsers send form text percent-encoded as
 * UTF-8, so other bytes in a path or a query parameter come from a
 * hand-made or legacy-encoded link. Refusing them here, for every route,
 * means no handler (a feed, a page that echoes its arguments, a search)
 * meets a byte string it could mistake for text: a 400 that says so, never
 * a wrong answer or a 5xx.
 *
 * The parameter cap exists because libmicrohttpd keeps each parameter in
 * the connection's memory pool (about 56 bytes each, beside the request
 * itself), and 0.9.75 does not answer when that pool runs out while it
 * parses them: the client waited for the idle timeout and got nothing.
 * server.c counts the parameters before libmicrohttpd parses them and
 * answers 431 itself. No route reads more than ten parameters; 256 leaves
 * room for any form of ours and costs at most 14 KiB of the pool.
 *
 * Pure C and no allocation: fuzzed by tests/fuzz/fuzz_http.c.
 */
#ifndef QA_WEB_TARGET_CHECK_H
#define QA_WEB_TARGET_CHECK_H

#include <stddef.h>

#define HTTP_MAX_QUERY_ARGS 256

typedef enum http_target_status {
	HTTP_TARGET_OK = 0,
	HTTP_TARGET_NOT_UTF8,     /* the path or a parameter is not UTF-8: a 400 */
	HTTP_TARGET_TOO_MANY_ARGS /* more than HTTP_MAX_QUERY_ARGS parameters: a 431 */
} http_target_status;

/* A static phrase for status, never NULL. */
const char *http_target_status_str(http_target_status status);

/* How many query parameters target (the request-target as sent, NUL-ended)
 * has, as libmicrohttpd splits them: the '&'-separated pieces after the
 * first '?', up to a '#'. */
size_t http_target_arg_count(const char *target);

/* Check target: its percent-decoded path and every parameter's name and
 * value (percent- and '+'-decoded, as libmicrohttpd decodes them; a
 * malformed escape is taken literally, as it does) must be well-formed
 * UTF-8, and there must be at most HTTP_MAX_QUERY_ARGS parameters.
 * Returns HTTP_TARGET_OK, or a status with a one-line message for the
 * client in err (errlen may be 0), which names the parameter when its
 * name is short and itself valid. */
http_target_status http_target_check(const char *target, char *err, size_t errlen);

#endif
