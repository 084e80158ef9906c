/* auth_gate: who may change the archive.
 *
 * Reading needs no account. Every route that changes something (uploads,
 * edits, deletes) first asks http_require_staff: a request is staff when it
 * carries `Authorization: Bearer <token>` with a token made by `qarchive
 * token add`, or the session cookie of a signed-in user together with that
 * session's CSRF token (the `X-CSRF-Token` header, or the form field
 * `csrf` checked by the route itself through http_session_csrf_ok).
 */
#ifndef QA_HTTP_AUTH_GATE_H
#define QA_HTTP_AUTH_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/* Who made the request, when it is staff. */
typedef struct http_staff {
	char name[72];     /* the user's or the token's name */
	bool via_token;    /* Bearer token (a script) rather than a session */
	bool csrf_checked; /* the X-CSRF-Token header matched the session's */
	char csrf[64];     /* the session's CSRF token ("" for a token) */
} http_staff;

/* Returns 0 with *who filled when the request is staff. Otherwise 401
 * (no or bad credentials; with `WWW-Authenticate: Bearer`) or 403 (a
 * session without a matching X-CSRF-Token header, when csrf_header is
 * true), with the message in *out. Routes whose CSRF token comes in the
 * form body pass csrf_header = false and check it later with
 * http_staff_csrf_ok. */
unsigned http_require_staff(http_request *req, http_reply *out, bool csrf_header, http_staff *who);

/* Whether token is the CSRF token of who's session (always true for a
 * Bearer token: scripts are not browsers, there is no cross-site form to
 * forge). Constant time. */
bool http_staff_csrf_ok(const http_staff *who, const char *token);

#endif
