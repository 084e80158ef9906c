/* request: what a route handler gets and what it hands back.
 *
 * A handler is `unsigned handler(http_request *req, http_reply *out)`: it
 * returns the HTTP status and fills *out with a body (or an fd to send
 * from, or just an error message). respond.c turns the reply into a
 * libmicrohttpd response, adds the headers every response carries, and
 * renders an error status without a body as HTML or JSON by the route's
 * format. Handlers never touch MHD responses.
 */
#ifndef QA_HTTP_REQUEST_H
#define QA_HTTP_REQUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <pthread.h>

#include "db_pool.h"
#include "strbuf.h"

struct MHD_Connection;
struct MHD_Daemon;
struct http_site;
struct http_conn_watch;
struct http_work_pool;
struct http_media_cache;

/* The running server (server.c); handlers read its settings. */
struct http_server {
	const struct http_site *site; /* borrowed: the routes and error page (routes.h) */
	char *archive_dir;            /* owned */
	char *index_path;             /* owned */
	char *default_origin;         /* owned: "http://LISTEN:PORT", for links when a request has
	                               * no usable Host header */
	http_db_pool *pool;           /* owned */
	/* Owned: the media files kept open (media_cache.h). */
	struct http_media_cache *media;
	struct MHD_Daemon *daemon;
	unsigned threads;
	uint64_t max_upload; /* bytes: the largest media file an upload may carry */
	/* Staff: accounts.json (cached), the signed-in sessions, failed
	 * logins per client (accounts.h, sessions.h, login_throttle.h). */
	struct accounts_cache *accounts;
	struct session_store *sessions;
	struct login_throttle *throttle;
	bool secure_cookies;  /* behind TLS: cookies get Secure */
	bool private_read;    /* reading needs an account too */
	char *upload_tmp_dir; /* owned: <archive>/.qarchive/uploads/tmp, for form files;
	                       * NULL on a replica, which takes no uploads */
	/* A read replica (server.h): the follower (borrowed) and the writer's
	 * URL (owned); both NULL on the writer. */
	struct http_replica *replica;
	char *writer_url;
	char *accel_prefix; /* owned: X-Accel-Redirect's prefix, NULL when unused */
	/* owned: the background speech recognition, NULL when the site has no
	 * transcriber (transcribe_queue.h) */
	struct transcribe_queue *transcribe;
	/* owned: the background maker of pictures, NULL with --no-pictures
	 * (pictures_queue.h) */
	struct pictures_queue *pictures;
	/* Handlers running on threads of their own (body routes): stopping
	 * waits for them, since their connections are suspended, and once
	 * stopping is set (under jobs_lock) no new one starts. */
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_done;
	unsigned jobs;
	bool stopping;
	/* Deadlines for heads and bodies (conn_watch.h), and the threads the
	 * pooled routes' handlers run on (work_pool.h). Owned. */
	struct http_conn_watch *watch;
	struct http_work_pool *work;
	/* What operators watch (metrics.h), and who may read it: addresses
	 * (addr_allow.h) or the bearer of metrics_token (NULL: none). Owned. */
	/* Takes no upload, edit or delete (403 with read_only_message, a
	 * static string): a server over shards. */
	bool read_only;
	const char *read_only_message;
	struct http_metrics *metrics;
	/* Proxies whose X-Forwarded-For names the client (server.c); NULL:
	 * none, the socket's peer is the client. Owned. */
	struct addr_allow *trusted_proxies;
	struct addr_allow *metrics_allow;
	char *metrics_token;
};

/* How errors on a route are rendered. */
typedef enum http_format {
	HTTP_FORMAT_HTML = 0,
	HTTP_FORMAT_JSON,
} http_format;

typedef struct http_request {
	struct http_server *server;  /* borrowed */
	struct MHD_Connection *conn; /* borrowed, for headers and query arguments */
	const char *method;          /* "GET", "POST", ... as sent */
	const char *remote;          /* the client's IP address, "-" when unknown */
	bool head;                   /* HEAD: MHD sends the headers of the GET answer only */
	const char *path;            /* the percent-decoded path, without the query */
	const char *rest;            /* path after the route's prefix ("" for exact routes) */
	http_format format;
	http_db *db;         /* on loan while the handler runs (http_request_db) */
	void *body;          /* a body route's context (body.h), NULL on other routes */
	int64_t body_length; /* Content-Length, -1 when absent (chunked) */
} http_request;

#define HTTP_REPLY_MAX_HEADERS 10

typedef struct http_reply_header {
	char *name;  /* owned */
	char *value; /* owned */
} http_reply_header;

typedef struct http_reply {
	const char *content_type; /* static string, or NULL for none */
	char *body;               /* owned (malloc): sent as is; NULL for no body */
	size_t len;
	/* A file instead of a body: `length` bytes of fd from `offset`, sent
	 * zero-copy. The reply owns fd until respond.c hands it to MHD. -1 when
	 * unused. */
	int fd;
	uint64_t offset;
	uint64_t length;
	char *message; /* owned: for an error status without a body, the message
	                * the error page or JSON shows */
	http_reply_header headers[HTTP_REPLY_MAX_HEADERS];
	size_t header_count;
} http_reply;

#define HTTP_REPLY_INIT                                                                            \
	{                                                                                          \
		.content_type = NULL, .body = NULL, .len = 0, .fd = -1, .offset = 0, .length = 0,  \
		.message = NULL, .header_count = 0                                                 \
	}

void http_reply_free(http_reply *r);

/* A query-string argument, percent- and '+'-decoded by MHD; NULL when
 * absent (or given without '='). Borrowed for the request. */
const char *http_query(const http_request *req, const char *name);

/* An optional count argument (page=, limit=): true when absent (*out keeps
 * its default) or a whole number from 1 to max (then in *out); false
 * otherwise, for the handler to answer 400. */
bool http_query_count(const http_request *req, const char *name, unsigned max, unsigned *out);

/* A request header (case-insensitive name); NULL when absent. */
const char *http_header(const http_request *req, const char *name);

/* A cookie the request carries (RFC 6265 §5.4, as MHD parses the Cookie
 * header); NULL when absent. Borrowed for the request. */
const char *http_cookie(const http_request *req, const char *name);

/* Take ownership of body (malloc'ed, len bytes) as the reply's body. */
void http_reply_take(http_reply *r, const char *content_type, char *body, size_t len);

/* Take the text built in *sb as the body (sb is left empty). Returns 200, or
 * 500 when out of memory. */
unsigned http_reply_strbuf(http_reply *r, const char *content_type, strbuf *sb);

/* Set the body to value as JSON (steals the reference; NULL means the
 * caller ran out of memory building it). Returns 200, or 500. */
unsigned http_reply_json(http_reply *r, json_t *value);

/* Add a response header (both copied). Returns false when out of memory or
 * full. */
bool http_reply_header_add(http_reply *r, const char *name, const char *value);

/* Record an error message for respond.c to render; returns status, so a
 * handler can `return http_reply_error(out, 404, "no recording %s", id);`. */
unsigned http_reply_error(http_reply *r, unsigned status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Borrow an index handle for this request (returned by the dispatcher
 * after the handler). Returns 0 with req->db set, or an error status with
 * the message in *out: 503 (no index yet, or a damaged one:
 * INDEX_DAMAGED_MESSAGE), 500 otherwise. */
unsigned http_request_db(http_request *req, http_reply *out);

/* A read on req->db failed with qs (not QX_OK; QX_RETRY already retried):
 * the reply, with the message in *out and the detail from the handle. 503
 * with INDEX_DAMAGED_MESSAGE for a damaged index (QX_CORRUPT), else 500. */
unsigned http_request_db_failed(http_request *req, http_reply *out, qx_status qs);

/* The origin ("http://host:port") links in feeds and OpenSearch use: from
 * the Host header when it is a plausible host[:port], else the address the
 * server listens on. Written to out (at least 300 bytes). */
void http_request_origin(const http_request *req, char *out, size_t size);

#endif
