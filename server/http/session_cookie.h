/* session_cookie: the signed-in user of a request, from its session
 * cookie, and the Set-Cookie headers that start and end a session.
 *
 * The cookie holds only the session id (sessions.h keeps the rest in
 * memory): HttpOnly (no script reads it), SameSite=Strict (no other site's
 * page sends it), Path=/, and Secure when the server is told it sits
 * behind TLS (`qarchive serve --secure-cookies`).
 */
#ifndef QA_HTTP_SESSION_COOKIE_H
#define QA_HTTP_SESSION_COOKIE_H

#include <stdbool.h>

#include "request.h"
#include "sessions.h"

#define SESSION_COOKIE "qarchive_session"

/* The signed-in user of req: true with the user's name and the session's
 * CSRF token copied out, when the request carries a live session whose
 * user still exists (`qarchive user remove` takes effect at once). */
bool http_session_user(const http_request *req, char user[SESSION_USER_SIZE],
                       char csrf[SESSION_TOKEN_SIZE]);

/* Add the Set-Cookie header that starts session id / that ends the
 * session in the browser. False when the reply has no room. */
bool http_session_cookie_set(http_reply *out, const http_request *req, const char *id);
bool http_session_cookie_clear(http_reply *out, const http_request *req);

#endif
