/* hash_pool: at most N password hashes (argon2id) at once (issue #16).
 *
 * Each argon2id run takes 64 MiB and about 0.1 s of one core
 * (accounts.h). Without a bound, a burst of sign-ins makes one run per
 * request at once: 150 parallel wrong passwords took the server to
 * 1.08 GB and slowed every other request. A hash_pool holds `slots`
 * places (about one per core: more runs at once only share the cores and
 * add memory); a sign-in takes one for its run and gives it back after.
 * When all are taken, at most `max_waiting` callers wait, each at most
 * wait_ms; the others are refused at once, so neither memory nor the
 * queue grows with the burst. Refused callers answer 503 + Retry-After.
 *
 * Thread-safe; one pool is shared by every request thread.
 */
#ifndef QA_HASH_POOL_H
#define QA_HASH_POOL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct hash_pool hash_pool;

/* slots >= 1 places, max_waiting callers queued at most. Caller frees with
 * hash_pool_free. NULL when out of memory or slots is 0. */
hash_pool *hash_pool_new(unsigned slots, unsigned max_waiting);

/* NULL is a no-op. Nobody may be inside. */
void hash_pool_free(hash_pool *p);

/* The slots for this machine: its online cores, at least 1, at most 8. */
unsigned hash_pool_default_slots(void);

/* Take a place, waiting at most wait_ms for one. true: the caller holds a
 * place and must hash_pool_leave. false: the pool stayed full (or the
 * queue was full already): do not hash. */
bool hash_pool_enter(hash_pool *p, unsigned wait_ms);

/* Give a place back. */
void hash_pool_leave(hash_pool *p);

/* How many places were given out since the pool was made: the password
 * checks that ran. */
uint64_t hash_pool_runs(hash_pool *p);

#endif
