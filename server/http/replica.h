/* replica: keep a local copy of the writer's index current with Xapian's
 * own replication (`serve --replica-of HOST:PORT`).
 *
 * The writer runs `xapian-replicate-server` on <archive>/.qarchive, and the
 * name it exports is the stub `index` (index_generation.h): Xapian opens a
 * stub as the generation it names, so the server always sends the
 * generation in use. A replica runs `xapian-replicate --one-shot` for
 * that name into its own directory, again every `interval` seconds, as a
 * child process: one run is one replication session, and its exit status
 * says whether the session completed. Xapian's client installs a full
 * copy (the first one, and every one after `qarchive index --force`
 * published a new generation: a new database UUID) in a fresh
 * `replica_N/` beside a stub `XAPIANDB` that it rewrites only when the
 * copy is complete, and applies changesets (when the writer keeps them:
 * XAPIAN_MAX_CHANGESETS) as ordinary atomic commits. So a reader of the
 * replica directory sees a whole revision or the one before it, never a
 * half-copied generation; and the server reads nothing at all until the
 * directory holds a whole copy (http_replica_ready), so a replica that
 * starts empty answers 503 rather than "no hits". One process writes dir
 * at a time: <dir>.lock is flocked by the replica and inherited by its
 * sessions, so a restarted replica waits for the session its killed
 * predecessor left running.
 */
#ifndef QA_HTTP_REPLICA_H
#define QA_HTTP_REPLICA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct http_replica http_replica;

typedef struct http_replica_config {
	const char *host;    /* the writer's replication server (borrowed for the call) */
	unsigned port;       /* 1..65535 */
	const char *master;  /* the name it exports: "index" */
	const char *dir;     /* the local copy, a Xapian replica directory */
	unsigned interval;   /* seconds between sessions; 0: 1 */
	const char *program; /* NULL: "xapian-replicate" from PATH */
} http_replica_config;

typedef enum http_replica_status {
	HTTP_REPLICA_OK = 0,
	HTTP_REPLICA_BAD_DIR, /* dir's parent is missing or not writable, or <dir>.lock
	                       * cannot be made: err says which */
	HTTP_REPLICA_NOMEM,
	HTTP_REPLICA_THREAD, /* the follower thread would not start */
} http_replica_status;

/* A static phrase for status, never NULL or empty. */
const char *http_replica_status_str(http_replica_status status);

/* Start following: a thread that runs one session at once and then one
 * every interval seconds until http_replica_stop. Sessions that fail (the
 * writer is down, a copy was cut off) are reported on stderr and retried
 * at the next interval; the copy already installed stays in use. On
 * success *out is the follower (stop it with http_replica_stop); on
 * failure *out is NULL and err (errlen > 1) holds one line. */
http_replica_status http_replica_start(const http_replica_config *cfg, http_replica **out,
                                       char *err, size_t errlen);

/* Does dir hold a whole copy of the writer's index: has a session
 * completed since the start, or did dir hold a completed copy from an
 * earlier run (its XAPIANDB stub, which Xapian's client writes last)?
 * That copy is served, stale but whole, while the first session catches
 * up. False for NULL. Thread-safe. */
bool http_replica_ready(http_replica *r);

/* What the follower has done, for /healthz and /metrics: sessions
 * completed and failed, the seconds since the last completed one (-1:
 * none yet), and how far the copy can be behind the writer: the seconds
 * since the last completed session began (it brought everything the
 * writer had then), or since the follower started when none has. A
 * healthy replica's bound stays under its interval plus a session's
 * length. Thread-safe. */
typedef struct http_replica_stats {
	uint64_t sessions_ok;
	uint64_t sessions_failed;
	double seconds_since_ok;
	double lag_bound;
} http_replica_stats;
void http_replica_get_stats(http_replica *r, http_replica_stats *out);

/* Stop: end a session in progress (SIGTERM to xapian-replicate, whose
 * client leaves the installed copy as it was), join the thread and free
 * everything. NULL is a no-op. */
void http_replica_stop(http_replica *r);

#endif
