/* login_throttle: failed logins slowed down per client (issue #8), so a
 * password cannot be guessed online at the speed of the network.
 *
 * A client is its address; an IPv6 address counts by its /64 prefix (one
 * host usually owns a whole /64 and could rotate through it), and an
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket
 * reports) counts as the IPv4 address.
 *
 * The first LOGIN_THROTTLE_FREE - 1 failures cost nothing. After the Nth
 * failure, N >= LOGIN_THROTTLE_FREE (5), the client must wait
 * 2^(N - LOGIN_THROTTLE_FREE) seconds before it may try again (1, 2, 4,
 * ... s), at most LOGIN_THROTTLE_MAX_WAIT (15 minutes). A client is
 * forgotten when it has made no failed attempt for LOGIN_THROTTLE_WINDOW
 * (15 minutes) after the time it was allowed to try again, and at once when
 * it logs in. So five failures within 15 minutes start the slow-down, and a
 * client that keeps failing stays at one attempt per 15 minutes instead of
 * being given five free ones again.
 *
 * The table is bounded: when it is full, a new client first replaces one
 * that is forgotten by the rule above, then the one whose last failure is
 * oldest. Callers pass `now` (seconds, e.g. time(NULL)), so tests can move
 * time. Every function is thread-safe (one mutex per table).
 */
#ifndef QA_LOGIN_THROTTLE_H
#define QA_LOGIN_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define LOGIN_THROTTLE_FREE         5
#define LOGIN_THROTTLE_WINDOW       (15 * 60)
#define LOGIN_THROTTLE_MAX_WAIT     (15 * 60)
#define LOGIN_THROTTLE_DEFAULT_SIZE 4096
/* Room for a client key: an IPv6 /64 prefix "xxxx:xxxx:xxxx:xxxx::/64" or an
 * address, and the NUL. Longer client strings are cut to this. */
#define LOGIN_THROTTLE_KEY_SIZE 64

typedef struct login_throttle login_throttle;

/* A table of at most max_clients clients (> 0). Caller frees with
 * login_throttle_free. NULL when out of memory or max_clients is 0. */
login_throttle *login_throttle_new(size_t max_clients);

/* NULL is a no-op. */
void login_throttle_free(login_throttle *t);

/* The key client is counted under: the /64 prefix of an IPv6 address
 * ("2001:db8:1:2::/64"), the IPv4 address of an IPv4-mapped one, otherwise
 * client as given (cut to LOGIN_THROTTLE_KEY_SIZE - 1 bytes). Written to
 * out (LOGIN_THROTTLE_KEY_SIZE bytes). client NULL counts as "". */
void login_throttle_key(const char *client, char out[LOGIN_THROTTLE_KEY_SIZE]);

/* Whether client may try to log in at now. When not, *retry_after (may be
 * NULL) is the whole seconds to wait (at least 1), for a Retry-After
 * header; when it may, *retry_after is 0. Looks only: a sign-in uses
 * login_throttle_begin. */
bool login_throttle_check(login_throttle *t, const char *client, time_t now, unsigned *retry_after);

/* A sign-in attempt by client at now: as login_throttle_check, and when
 * it may try, the attempt is counted as a failure at once, under the same
 * lock (issue #16). Checking the password takes ~0.1 s; had the failure
 * been counted only after it, a burst of parallel attempts would all pass
 * the check before the first was counted (150 in parallel got 20 checks
 * where 5 were allowed). Now at most LOGIN_THROTTLE_FREE attempts are
 * ever in flight or done before the waits begin. On success call
 * login_throttle_success (which forgets the count); on a wrong password
 * nothing more; when the password was not checked after all (the server
 * was busy), login_throttle_refund. */
bool login_throttle_begin(login_throttle *t, const char *client, time_t now, unsigned *retry_after);

/* Take back one attempt counted by login_throttle_begin whose password was
 * never checked. */
void login_throttle_refund(login_throttle *t, const char *client);

/* Count a failed login by client at now. */
void login_throttle_failure(login_throttle *t, const char *client, time_t now);

/* A successful login: forget client's failures. */
void login_throttle_success(login_throttle *t, const char *client);

#endif
