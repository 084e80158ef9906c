/* server: `qarchive serve`, the archive over HTTP (libmicrohttpd).
 *
 * One daemon with an internal polling thread pool (one event loop per
 * worker, so a slow client occupies a connection slot, never a thread),
 * bound to one address (loopback unless told otherwise). Requests are
 * routed by the site's table (cfg->site, server/site/); each handler answers from the
 * index (through a small pool of read handles, reopened per request so a
 * commit by `qarchive index` shows at once) and the archive's folders.
 * Every request is logged in Common Log Format on stderr.
 */
#ifndef QA_HTTP_SERVER_H
#define QA_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routes.h"

typedef struct http_server http_server;

typedef struct http_server_config {
	const http_site *site;   /* borrowed, lives as long as the server: what it answers */
	const char *archive_dir; /* borrowed for the call: the archive (copied) */
	const char *listen;      /* an IPv4 or IPv6 literal, e.g. "127.0.0.1" */
	unsigned port;           /* 1..65535 */
	unsigned threads;        /* worker threads (and index handles); 0: one per CPU */
	uint64_t max_upload;     /* bytes of media an upload may carry; 0: the default */
	bool secure_cookies;     /* behind TLS: session cookies get Secure */
	bool private_read;       /* reading the archive needs an account too */
	/* Speech recognition (transcribe_queue.h): the engine's shell command
	 * line, or NULL for none (recordings without a transcript then stay
	 * "transcript pending"); its time-out (0: the default); jobs at once
	 * (0: 1). */
	const char *transcriber;
	unsigned transcribe_timeout;
	unsigned transcribe_jobs;
	/* /metrics (metrics.h) is readable from these addresses ("addr[/bits],…";
	 * NULL: this machine only, 127.0.0.1 and ::1) and by any client that
	 * sends `Authorization: Bearer <metrics_token>` (NULL: no token). */
	const char *metrics_allow;
	const char *metrics_token;
	/* Proxies in front ("addr[/bits],…", NULL: none) whose X-Forwarded-For
	 * is believed: its last address is then the client's. */
	const char *trusted_proxies;
	/* A read replica (replica.h): the index is read from index_path (NULL:
	 * <archive>/.qarchive/index), and not at all until replica (borrowed,
	 * outlives the server) has completed a session; the archive's folders
	 * are only read, never written. writer_url, set exactly when replica
	 * is, is where uploads, edits and sign-in go: the replica refuses them
	 * with a 403 that names it (replica_gate.h). */
	const char *index_path;
	struct http_replica *replica;
	const char *writer_url;
	/* nginx in front: /media/ answers, after the access checks, with an
	 * empty body and `X-Accel-Redirect: PREFIX/<id>/<file>`, and nginx
	 * sends the file (ranges, validators) from an `internal` location
	 * aliased to the archive. NULL: qarchive sends it. */
	const char *accel_redirect;
	/* No background pictures (pictures_queue.h): `qarchive pictures`
	 * makes them instead. */
	bool no_pictures;
	/* Search these indexes as one instead of the archive's own (db_pool.h;
	 * each a local index path or "tcp:HOST:PORT" of xapian-tcpsrv), and take
	 * no uploads or edits. Borrowed for the server's life. 0: none. */
	const char *const *shards;
	size_t shard_count;
} http_server_config;

#define HTTP_DEFAULT_MAX_UPLOAD (8ull << 30) /* 8 GiB */

typedef enum http_server_status {
	HTTP_SERVER_OK = 0,
	HTTP_SERVER_BAD_ADDRESS, /* listen is not an IP address literal */
	HTTP_SERVER_LISTEN,      /* the daemon could not start (port in use, ...) */
	HTTP_SERVER_NOMEM,
	HTTP_SERVER_STATE_DIR, /* <archive>/.qarchive/uploads cannot be made */
	HTTP_SERVER_INTERNAL,  /* a library would not start (libsodium, a mutex) */
} http_server_status;

/* A static phrase for status, never NULL or empty. */
const char *http_server_status_str(http_server_status status);

/* Start serving cfg->archive_dir. On success *out is the running server
 * (stop and free it with http_server_stop); on failure *out is NULL and
 * err (errlen > 1) holds a one-line message, never empty. The index need
 * not exist yet: until it does, routes that need it answer 503. Returns
 * HTTP_SERVER_OK, HTTP_SERVER_BAD_ADDRESS, HTTP_SERVER_LISTEN,
 * HTTP_SERVER_NOMEM, HTTP_SERVER_STATE_DIR or HTTP_SERVER_INTERNAL. */
http_server_status http_server_start(const http_server_config *cfg, http_server **out, char *err,
                                     size_t errlen);

/* The number of worker threads the server runs. */
unsigned http_server_threads(const http_server *s);

/* Stop accepting, finish (or drop) open connections, join the workers and
 * free everything. A body route's request that completes meanwhile is
 * answered 503 instead of starting its handler; handlers already running
 * are waited for. NULL is a no-op. */
void http_server_stop(http_server *s);

#endif
