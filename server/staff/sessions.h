/* sessions: who is logged in to the web pages (issue #8), in memory.
 *
 * A session is made at /login and named by a random id that goes to the
 * browser in a cookie; beside it the session keeps a CSRF token that every
 * state-changing form must carry (compare with csrf_equal). A session ends
 * at /logout, after `idle` seconds without a request, or `absolute`
 * seconds after login, whichever comes first. A restart logs everyone out.
 *
 * The store keeps only a BLAKE2b hash of each id, so a memory dump or core
 * file does not hand out live sessions; the CSRF token is kept as is (the
 * pages need it, and it is worthless without the cookie).
 *
 * When the store is full, a new session first drops the expired ones, then
 * the one closest to expiring, so a flood of logins cannot make the store
 * grow without bound. Callers pass `now` (seconds, e.g. time(NULL)), so
 * tests can move time.
 *
 * Every function is thread-safe (one mutex per store).
 */
#ifndef QA_SESSIONS_H
#define QA_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* What the server uses: 8 hours idle, 7 days at most, 10,000 sessions. */
#define SESSION_DEFAULT_IDLE     (8 * 3600)
#define SESSION_DEFAULT_ABSOLUTE (7 * 24 * 3600)
#define SESSION_DEFAULT_MAX      10000

/* A session id and a CSRF token are 32 random bytes in unpadded base64url:
 * 43 characters, plus the NUL. */
#define SESSION_TOKEN_LEN  43
#define SESSION_TOKEN_SIZE (SESSION_TOKEN_LEN + 1)
/* Room for a user name (accounts.h: at most 64 bytes) and the NUL. */
#define SESSION_USER_SIZE 65

typedef enum session_status {
	SESSION_OK = 0,
	SESSION_NOT_FOUND, /* no such session, or it has expired (and is now gone) */
	SESSION_BAD_USER,  /* the user name is empty or longer than SESSION_USER_SIZE - 1 */
	SESSION_INTERNAL,  /* libsodium could not be initialised */
} session_status;

typedef struct session_store session_store;

/* A static string, never NULL. */
const char *session_status_str(session_status status);

/* A store whose sessions last idle_seconds without use and absolute_seconds
 * in all (both > 0), holding at most max_sessions (> 0; memory for all of
 * them, about 200 bytes each, is taken now). Caller frees with
 * session_store_free. NULL when out of memory, an argument is out of range,
 * or libsodium could not be initialised. */
session_store *session_store_new(long idle_seconds, long absolute_seconds, size_t max_sessions);

/* Forget every session. NULL is a no-op. */
void session_store_free(session_store *store);

/* Start a session for user (copied) at now. out_id (the cookie's value) and
 * out_csrf each receive SESSION_TOKEN_LEN characters and a NUL. Returns
 * SESSION_OK, or SESSION_BAD_USER (or SESSION_INTERNAL, a broken invariant)
 * with both outputs "". */
session_status session_create(session_store *store, const char *user, time_t now,
                              char out_id[SESSION_TOKEN_SIZE], char out_csrf[SESSION_TOKEN_SIZE]);

/* Find the session named id at now. On SESSION_OK its user and CSRF token
 * are copied to out_user and out_csrf (either may be NULL), and its idle
 * time starts again from now. SESSION_NOT_FOUND for an unknown or malformed
 * id, and for an expired session, which is removed; outputs are then "". */
session_status session_lookup(session_store *store, const char *id, time_t now,
                              char out_user[SESSION_USER_SIZE], char out_csrf[SESSION_TOKEN_SIZE]);

/* End the session named id (logout). Returns SESSION_OK, or
 * SESSION_NOT_FOUND when there was none. */
session_status session_destroy(session_store *store, const char *id);

/* End every session of user (a removed account, a changed password).
 * Returns how many ended. */
size_t session_destroy_user(session_store *store, const char *user);

/* How many sessions the store holds, expired ones not yet dropped included. */
size_t session_count(session_store *store);

#endif
