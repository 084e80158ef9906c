/* csrf: comparing the CSRF token a form sends with its session's.
 *
 * Every state-changing form carries its session's CSRF token (sessions.h)
 * in a hidden field; a request from another site has the cookie but cannot
 * read the token. The comparison takes the same time wherever the two
 * differ, so the token cannot be guessed a byte at a time.
 */
#ifndef QA_CSRF_H
#define QA_CSRF_H

#include <stdbool.h>

/* Whether a and b are the same non-empty string. False when either is NULL
 * or empty. The time taken depends on the lengths only, never on where the
 * contents differ. */
bool csrf_equal(const char *a, const char *b);

/* Whether a secret a client sent (a bearer token) is the expected one, in
 * time that depends on neither's content nor on the expected one's length.
 * false when either is NULL or expected is empty. */
bool secret_equal(const char *given, const char *expected);

#endif
