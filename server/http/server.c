#include "server.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "access_log.h"
#include "accounts.h"
#include "addr_allow.h"
#include "auth_gate.h"
#include "conn_watch.h"
#include "db_pool.h"
#include "escape.h"
#include "index_update.h"
#include "media_cache.h" /* (out of order: keeps a merge with metrics.h simple) */
#include "login_throttle.h"
#include "metrics.h"
#include "number.h"
#include "request.h"
#include "respond.h"
#include "replica_gate.h"
#include "routes.h"
#include "sessions.h"
#include "state_dirs.h"
#include "target_check.h"
#include "pictures_queue.h"
#include "transcribe_queue.h"
#include "work_pool.h"

/* Limits. A worker thread runs an event loop over many connections, so a
 * client that sends half a request holds one of CONNECTION_LIMIT slots,
 * never a thread, and only until its deadline (conn_watch.h): the whole
 * head within HEAD_SECONDS (PRESSURE_SECONDS once 3/4 of the slots are
 * taken, so that slow clients make way for new ones), a body at least
 * BODY_MIN_BYTES every BODY_WINDOW_SECONDS (1 KiB/s: a phone on a bad
 * link sends more), and otherwise TIMEOUT_SECONDS of silence. One address
 * may hold PER_IP_LIMIT slots: a browser opens 6 to a host, so 64 leaves
 * room for an office behind one NAT, and it takes 16 addresses, not 4, to
 * fill the server with slow heads, which then last seconds.
 *
 * MEMORY_LIMIT bounds what one connection may buffer: the request line
 * and headers, and the read buffer a body passes through (bodies go on to
 * their route chunk by chunk, body.h). It is also a cost on every request:
 * libmicrohttpd 0.9.75 zeroes a kept-alive connection's whole pool between
 * two requests (memorypool.c, MHD_pool_reset), which at the 512 KiB we once
 * had was ~31% of the CPU of serving 64 KiB media ranges (bench/RESULTS.md).
 * 64 KiB holds any ordinary head with room to spare (MHD's default is 32
 * KiB); a tus upload's metadata is capped well below it (h_tus.c), and its
 * long texts (a transcript) go in the creation request's body instead,
 * which passes through the read buffer chunk by chunk like any body. */
#define CONNECTION_LIMIT    1000
#define PER_IP_LIMIT        64
#define MEMORY_LIMIT        (64 * 1024)
#define TIMEOUT_SECONDS     30
#define HEAD_SECONDS        15
#define PRESSURE_SECONDS    3
#define BODY_WINDOW_SECONDS 10
#define BODY_MIN_BYTES      (10 * 1024)
#define MAX_THREADS         256

/* Searches run on a work pool of one thread per worker thread (a core
 * each), with WORK_QUEUE_PER_THREAD jobs per thread allowed to wait:
 * a search takes well under a second within search_limits.h's caps, so a
 * job at the back of a full queue waits a few seconds at most. More
 * waiting is answered 503 with Retry-After (work_pool.h). */
#define WORK_QUEUE_PER_THREAD 8
/* Media files kept open (media_cache.h): one entry, and one fd, per
 * recording being watched; past that, the least recently watched closes. */
#define MEDIA_CACHE_SLOTS 64

/* A body we refuse (a 401 before an upload, a 413, a route that takes no
 * body) is still read and dropped, up to DRAIN_LIMIT, before the answer:
 * closing a socket with unread bytes in it makes the kernel send a reset,
 * and a client that is still sending may then lose the answer before it
 * reads it. A client that asked "Expect: 100-continue" has sent nothing
 * and is answered at once; so is a body known to be larger than this, for
 * which reading it all would cost more than the answer is worth. */
#define DRAIN_LIMIT (8u * 1024 * 1024)

/* A body route's body may exceed what its begin() allowed only when sent
 * chunked (no Content-Length to refuse up front); past this much over the
 * server's upload limit the connection is dropped rather than read on. */
#define BODY_SLACK (16u * 1024 * 1024)

/* What one request needs from the request line to the access log line,
 * in *req_cls: created when MHD has read the request line (on_uri), freed
 * when the request completes (on_completed). */
typedef struct request_state {
	char *target; /* owned: the request-target as sent, before any decoding */
	char method[16];
	char version[16];
	char remote[INET6_ADDRSTRLEN];
	time_t received;
	struct timespec started; /* CLOCK_MONOTONIC, for the time taken */
	unsigned status;         /* 0 until answered */
	uint64_t bytes;
	bool answered;
	/* The connection's deadlines (conn_watch.h); NULL if unwatched. */
	http_conn *watch_conn;

	/* Set on the first call, when the headers are in. */
	bool routed;
	char *path; /* owned: the percent-decoded path */
	const http_route *route;
	http_request req;
	http_reply reply;
	/* An error to answer instead of running the handler: routing (400,
	 * 404, 405), a body refused by begin() or data(). 0: none. */
	unsigned pending;
	/* A body route's context from begin(), freed by its ops->free. */
	void *body_ctx;
	bool body_begun;
	uint64_t body_read;
	/* A body route's handler runs on a thread while the connection is
	 * suspended; job_done is set (release) before the connection is
	 * resumed, and the next call answers with job_status. */
	bool job_started;
	int job_done;
	/* body_read when the body began to be dropped (an error pending). */
	uint64_t drained_from;
	unsigned job_status;
	http_server *server;
} request_state;

const char *http_server_status_str(http_server_status status)
{
	switch (status) {
	case HTTP_SERVER_OK:
		return "ok";
	case HTTP_SERVER_BAD_ADDRESS:
		return "not an IP address";
	case HTTP_SERVER_LISTEN:
		return "cannot listen";
	case HTTP_SERVER_NOMEM:
		return "out of memory";
	case HTTP_SERVER_STATE_DIR:
		return "cannot make the archive's state folder";
	case HTTP_SERVER_INTERNAL:
		return "a library could not be set up";
	}
	return "unknown status";
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	request_state *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->reply = (http_reply)HTTP_REPLY_INIT; /* fd -1: calloc's 0 would be stdin */
	st->target = strdup(uri ? uri : "");
	st->received = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &st->started);
	if (uri && http_target_arg_count(uri) > HTTP_MAX_QUERY_ARGS) {
		/* libmicrohttpd 0.9.75 parses the parameters right after this
		 * callback, into the connection's memory pool; when the pool runs
		 * out it queues its 431 and then loses it (the connection waits
		 * for the idle timeout and closes with no answer). The query
		 * string is in MHD's own writable buffer (it cuts it there
		 * itself next): ending it after the '?' leaves MHD nothing to
		 * parse, and on_request answers the 431. We kept the target as
		 * sent, for the log and for route_request's check. */
		char *q = strchr((char *)(uintptr_t)uri, '?');
		if (q)
			q[1] = '\0';
	}
	strcpy(st->remote, "-");
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			          &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			          st->remote, sizeof st->remote);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			          st->remote, sizeof st->remote);
	}
	return st;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The request is over: its access log line and its metrics. */
static void account_request(const http_server *s, const request_state *st)
{
	double seconds = seconds_since(&st->started);
	access_entry e = {.remote = st->remote,
	                  .method = st->method,
	                  .target = st->target,
	                  .version = st->version,
	                  .route = st->route ? st->route->path : NULL,
	                  .received = st->received,
	                  .status = st->status,
	                  .bytes = st->bytes,
	                  .seconds = seconds};
	access_log_write(&e);
	if (!st->status)
		return; /* never answered (the client left): no status to count */
	size_t route = st->route ? (size_t)(st->route - s->site->routes) : s->site->route_count;
	http_metrics_request(s->metrics, route, st->status, seconds);
	if (st->route && st->route->body && st->body_read)
		http_metrics_add(s->metrics, HTTP_COUNT_UPLOAD_BYTES, st->body_read);
}

/* MHD_OPTION_NOTIFY_CONNECTION: a connection's record in the watch, kept
 * in its socket context, from accept to close. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	http_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = ci ? http_conn_opened(s->watch, ci->connect_fd) : NULL;
	} else {
		http_conn_closed(s->watch, *socket_context);
		*socket_context = NULL;
	}
}

static http_conn *conn_record(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	http_server *s = cls;
	(void)toe;
	/* A kept-alive connection waits for its next head, on the head's
	 * deadline. */
	http_conn_head(s->watch, conn_record(conn));
	request_state *st = *req_cls;
	if (!st)
		return;
	if (st->method[0])
		account_request(s, st);
	if (st->route && st->route->body && st->body_begun)
		st->route->body->free(st->body_ctx);
	http_reply_free(&st->reply);
	free(st->path);
	free(st->target);
	free(st);
	*req_cls = NULL;
}

/* RFC 9110 §4.2.3 / RFC 3986 §6: we compare decoded paths, so reject what a
 * decoder could turn into a different path: a dot segment ("." or ".."
 * between slashes) is never in a link of ours. */
static bool has_dot_segment(const char *path)
{
	for (const char *p = path; (p = strchr(p, '/')); p++) {
		if (p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return true;
		if (p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0'))
			return true;
	}
	return false;
}

/* A request that would change the archive or its index: any method but
 * GET, HEAD and OPTIONS, except signing in and out (a session changes
 * nothing in the archive). A read-only server refuses these. */
static bool changes_archive(const request_state *st)
{
	unsigned m = http_method_bit(st->method);
	if (m & (HTTP_METHOD_GET | HTTP_METHOD_HEAD | HTTP_METHOD_OPTIONS))
		return false;
	return strcmp(st->path, "/login") != 0 && strcmp(st->path, "/logout") != 0;
}

/* What a private archive (--private) still shows to everybody: the way to
 * sign in, and what that page needs; and what load balancers and the
 * monitoring system read (/metrics has its own gate, h_metrics.c). */
static bool public_path(const char *path)
{
	return strcmp(path, "/login") == 0 || strcmp(path, "/logout") == 0 ||
	       strcmp(path, "/healthz") == 0 || strncmp(path, "/static/", 8) == 0 ||
	       strcmp(path, "/favicon.ico") == 0 ||
	       strcmp(path, "/metrics") == 0; /* its own gate: addresses or token */
}

/* --private: a request without a session or token is sent to sign in (a
 * page) or refused (the API, media). */
static void gate_private(request_state *st)
{
	http_staff who;
	unsigned status = http_require_staff(&st->req, &st->reply, false, &who);
	if (!status)
		return;
	if (strncmp(st->path, "/api/uploads", 12) == 0)
		/* tus: every response but OPTIONS's names the protocol version. */
		http_reply_header_add(&st->reply, "Tus-Resumable", "1.0.0");
	bool page =
	    st->req.format == HTTP_FORMAT_HTML && (st->route->methods & HTTP_METHOD_GET) &&
	    strncmp(st->path, "/media/", 7) != 0 && strncmp(st->path, "/pictures/", 10) != 0 &&
	    strncmp(st->path, "/captions/", 10) != 0 && strncmp(st->path, "/chapters/", 10) != 0;
	if (status == 401 && page) {
		http_reply_free(&st->reply);
		strbuf location = STRBUF_INIT;
		if (sb_append_str(&location, "/login?next=") &&
		    http_escape_url(&location, st->target ? st->target : "/") &&
		    http_reply_header_add(&st->reply, MHD_HTTP_HEADER_LOCATION, location.data))
			status = 303;
		else
			status = http_reply_error(&st->reply, 500, "out of memory");
		sb_free(&location);
	}
	st->pending = status;
}

/* Decode and route the request once its headers are in: st->route, or
 * st->pending with the error in st->reply. */
/* Behind a proxy the socket's peer is the proxy: when it is one of
 * --trusted-proxy, the client is the address the proxy itself saw, the
 * last entry of X-Forwarded-For (nginx's $proxy_add_x_forwarded_for
 * appends it; entries before it are whatever the client claimed). The
 * sign-in throttle, the log and /metrics' address list then see clients,
 * not the proxy. From anyone else the header is ignored. */
static void client_behind_proxy(const http_server *s, struct MHD_Connection *conn,
                                request_state *st)
{
	if (!s->trusted_proxies || !addr_allow_has(s->trusted_proxies, st->remote))
		return;
	const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	char addr[INET6_ADDRSTRLEN];
	size_t n = strcspn(last, " \t");
	unsigned char bytes[16];
	if (n == 0 || n >= sizeof addr)
		return;
	memcpy(addr, last, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, bytes) == 1 || inet_pton(AF_INET6, addr, bytes) == 1)
		memcpy(st->remote, addr, n + 1);
}

static void route_request(http_server *s, struct MHD_Connection *conn, request_state *st)
{
	st->routed = true;
	st->server = s;
	client_behind_proxy(s, conn, st);
	st->req = (http_request){.server = s,
	                         .conn = conn,
	                         .method = st->method,
	                         .remote = st->remote,
	                         .head = strcmp(st->method, "HEAD") == 0,
	                         .body_length = -1};
	const char *length =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t n;
	if (number_parse_u64(length, 0, INT64_MAX, &n) == NUMBER_OK)
		st->req.body_length = (int64_t)n;
	const char *target = st->target ? st->target : "";
	size_t path_len = strcspn(target, "?#");
	bool nomem = false;
	if (target[0] != '/' || !http_path_decode(target, path_len, &st->path, &nomem)) {
		st->req.format =
		    strncmp(target, "/api/", 5) == 0 ? HTTP_FORMAT_JSON : HTTP_FORMAT_HTML;
		st->pending = nomem ? http_reply_error(&st->reply, 500, "out of memory")
		                    : http_reply_error(&st->reply, 400,
		                                       "bad path: an encoded '/', '\\' or NUL, a "
		                                       "backslash, a control character or a "
		                                       "malformed %%-escape");
		return;
	}
	st->req.path = st->path;
	unsigned allowed = 0;
	st->route = http_route_find(s->site, st->path, http_method_bit(st->method), &st->req.rest,
	                            &st->req.format, &allowed);
	char why[256];
	http_target_status ts = http_target_check(target, why, sizeof why);
	if (has_dot_segment(st->path)) {
		st->route = NULL;
		st->pending = http_reply_error(&st->reply, 400, "bad path: '.' and '..' segments");
	} else if (ts != HTTP_TARGET_OK) {
		st->route = NULL;
		st->pending = http_reply_error(
		    &st->reply, ts == HTTP_TARGET_TOO_MANY_ARGS ? 431 : 400, "%s", why);
	} else if (!st->route && !allowed) {
		st->pending = http_reply_error(&st->reply, 404, "nothing here: %s", st->path);
	} else if (!st->route) {
		char allow[96];
		http_methods_str(allowed, allow, sizeof allow);
		http_reply_header_add(&st->reply, MHD_HTTP_HEADER_ALLOW, allow);
		st->pending = http_reply_error(&st->reply, 405, "%s is not allowed here; use %s",
		                               st->method, allow);
	} else if (s->writer_url && http_replica_refuses(st->method, st->path)) {
		st->pending = http_reply_error(
		    &st->reply, 403,
		    "this server is a read-only replica: uploads, edits and signing in go to "
		    "the writer, %s",
		    s->writer_url);
	} else if (s->private_read && !public_path(st->path)) {
		gate_private(st);
	}
	if (!st->pending && st->route && s->read_only && changes_archive(st))
		st->pending = http_reply_error(&st->reply, 403, "%s",
		                               s->read_only_message ? s->read_only_message
		                                                    : "this server is read-only");
	if (!st->pending && st->route && st->route->body) {
		st->body_begun = true;
		st->pending = st->route->body->begin(&st->req, &st->reply, &st->body_ctx);
		st->req.body = st->body_ctx;
	}
}

/* Queue the answer: st->pending's error, or status with st->reply. */
static enum MHD_Result answer(request_state *st, unsigned status)
{
	uint64_t bytes = 0;
	st->answered = true;
	enum MHD_Result rc = http_respond(&st->req, &status, &st->reply, &bytes);
	st->status = status;
	st->bytes = bytes;
	return rc;
}

static unsigned run_handler(request_state *st)
{
	unsigned status = st->route->handler(&st->req, &st->reply);
	http_db_pool_release(st->server->pool, st->req.db);
	st->req.db = NULL;
	return status;
}

/* Count a job in, unless the server is stopping. Under the lock that
 * http_server_stop sets stopping under, so every job is either refused
 * here or waited for there: none can suspend its connection after the
 * wait, which libmicrohttpd would abort on when the daemon stops. */
static bool job_enter(http_server *s)
{
	pthread_mutex_lock(&s->jobs_lock);
	bool ok = !s->stopping;
	if (ok)
		s->jobs++;
	pthread_mutex_unlock(&s->jobs_lock);
	return ok;
}

static void job_leave(http_server *s)
{
	pthread_mutex_lock(&s->jobs_lock);
	s->jobs--;
	pthread_cond_broadcast(&s->jobs_done);
	pthread_mutex_unlock(&s->jobs_lock);
}

/* A handler off the MHD worker, while the connection is suspended: a body
 * route's on a thread of its own (a slow commit: fsync, probing,
 * indexing), a pooled route's on the work pool (a search). Either way it
 * holds neither the worker's event loop nor the other connections on it. */
static void *job_main(void *arg)
{
	request_state *st = arg;
	http_server *s = st->server;
	st->job_status = run_handler(st);
	__atomic_store_n(&st->job_done, 1, __ATOMIC_RELEASE);
	MHD_resume_connection(st->req.conn);
	job_leave(s);
	return NULL;
}

static void pool_job_main(void *arg)
{
	job_main(arg);
}

/* Run st's handler off the MHD worker with the connection suspended: a
 * pooled route's on the work pool, a body route's on a thread of its own.
 * Returns 0, or the status to answer with (503, with the message and, when
 * the work pool is full, Retry-After in st->reply). */
static unsigned start_job(http_server *s, request_state *st)
{
	if (!job_enter(s))
		return http_reply_error(&st->reply, 503,
		                        "the server is stopping; try again shortly");
	st->job_started = true;
	MHD_suspend_connection(st->req.conn);
	int rc;
	if (st->route->pooled) {
		rc = (int)http_work_pool_submit(s->work, pool_job_main, st);
	} else {
		pthread_attr_t attr;
		pthread_t thread;
		rc = pthread_attr_init(&attr);
		if (rc == 0) {
			pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
			rc = pthread_create(&thread, &attr, job_main, st);
			pthread_attr_destroy(&attr);
		}
	}
	if (rc == 0)
		return 0;
	MHD_resume_connection(st->req.conn);
	st->job_started = false;
	job_leave(s);
	http_reply_header_add(&st->reply, "Retry-After", "2");
	return http_reply_error(
	    &st->reply, 503, "%s",
	    st->route->pooled ? "the server is busy with other searches; try again in a moment"
	                      : "the server is too busy; try again in a moment");
}

/* Whether to read (and drop) a body nobody will use before answering,
 * rather than answer at once and close (DRAIN_LIMIT says why). */
static bool drain_first(struct MHD_Connection *conn, const request_state *st)
{
	const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
	if (expect && strcasecmp(expect, "100-continue") == 0)
		return false;
	return st->req.body_length < 0 || (uint64_t)st->req.body_length <= DRAIN_LIMIT;
}

/* The first call: the head is in. Route it, and say whether the body (if
 * any) is read: MHD_YES to go on to the body or the final call; otherwise
 * the answer is queued now. */
static enum MHD_Result on_head(http_server *s, struct MHD_Connection *conn, request_state *st,
                               const char *method, const char *version)
{
	snprintf(st->method, sizeof st->method, "%s", method);
	snprintf(st->version, sizeof st->version, "%s", version);
	st->watch_conn = conn_record(conn);
	route_request(s, conn, st);
	bool has_body =
	    (st->req.body_length > 0) ||
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (!has_body) {
		/* Answered on the next call (which comes at once): answering now
		 * would tell MHD the request was not read to its end, and it
		 * would close the connection instead of keeping it alive. */
		http_conn_busy(s->watch, st->watch_conn);
		return MHD_YES;
	}
	http_conn_body(s->watch, st->watch_conn);
	if ((st->route && st->route->body && !st->pending) || drain_first(conn, st))
		return MHD_YES;
	/* A body nobody will read, too large to drain, or not sent yet: the
	 * answer now, and MHD closes the connection after it. */
	http_conn_busy(s->watch, st->watch_conn);
	if (st->pending)
		return answer(st, st->pending);
	return answer(st, http_reply_error(&st->reply, 413, "this route takes no request body"));
}

/* The pending answer, while the body is still arriving and more of it
 * than DRAIN_LIMIT is left: MHD 0.9.75 cannot queue a response then, so
 * it is written to the socket (http_respond_raw) and the connection
 * dropped. Without this a browser posting a large form showed a reset
 * connection instead of the page's message. */
static enum MHD_Result answer_mid_body(request_state *st)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(st->req.conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	uint64_t bytes = 0;
	st->answered = true;
	if (ci && http_respond_raw(&st->req, st->pending, &st->reply, ci->connect_fd, &bytes)) {
		st->status = st->pending;
		st->bytes = bytes;
	} else {
		http_reply_free(&st->reply);
	}
	return MHD_NO;
}

/* Whether more than DRAIN_LIMIT of the body is still to come (or its
 * length is unknown and the limit is reached). */
static bool too_much_left(const request_state *st)
{
	if (st->req.body_length < 0)
		return st->body_read - st->drained_from > DRAIN_LIMIT;
	return (uint64_t)st->req.body_length - st->body_read > DRAIN_LIMIT;
}

/* One chunk of the body: to the route's reader, or dropped (an error is
 * pending, or the route reads none) up to DRAIN_LIMIT. MHD_NO drops the
 * connection: past the limits, after writing the answer if there is one. */
static enum MHD_Result on_body(http_server *s, request_state *st, const char *data, size_t n)
{
	http_conn_body_bytes(s->watch, st->watch_conn, n);
	st->body_read += n;
	bool reading = !st->pending && st->route && st->route->body;
	if (reading) {
		if (st->body_read > s->max_upload + BODY_SLACK)
			return MHD_NO;
		st->pending = st->route->body->data(&st->req, st->body_ctx, data, n, &st->reply);
		if (st->pending)
			st->drained_from = st->body_read;
		if (st->pending && too_much_left(st))
			return answer_mid_body(st);
		return MHD_YES;
	}
	if (st->body_read - st->drained_from <= DRAIN_LIMIT)
		return MHD_YES;
	return st->pending ? answer_mid_body(st) : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
	http_server *s = cls;
	request_state *st = *req_cls;
	if (!st) {
		/* on_uri ran out of memory: nothing to log with, nothing to answer
		 * with either. */
		return MHD_NO;
	}
	if (!st->target && !(st->target = strdup(url)))
		return MHD_NO;
	if (st->answered) {
		/* The rest of a body we answered before reading: discard it. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!st->routed)
		return on_head(s, conn, st, method, version);
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		return on_body(s, st, upload_data, n);
	}
	/* The request is read to its end. */
	http_conn_busy(s->watch, st->watch_conn);
	if (st->pending)
		return answer(st, st->pending);
	if (st->route->body || st->route->pooled) {
		if (!st->job_started) {
			unsigned status = start_job(s, st);
			return status ? answer(st, status) : MHD_YES;
		}
		if (!__atomic_load_n(&st->job_done, __ATOMIC_ACQUIRE))
			return MHD_YES; /* not ours to answer yet (a spurious call) */
		return answer(st, st->job_status);
	}
	return answer(st, run_handler(st));
}

/* <archive>/.qarchive/uploads/tmp, where form files are written while they
 * arrive (on the archive's filesystem, so the ingest renames them in). */
static bool upload_dirs(http_server *s, char *err, size_t errlen)
{
	if (state_dirs_create(s->archive_dir, err, errlen) != ARCHIVE_OK)
		return false;
	s->upload_tmp_dir = state_dirs_path(s->archive_dir, STATE_UPLOADS_TMP_DIR);
	if (!s->upload_tmp_dir) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static unsigned cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

typedef union listen_addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
} listen_addr;

/* cfg->listen and cfg->port as a socket address; *v6 says which family. */
static http_server_status listen_address(const http_server_config *cfg, listen_addr *addr, bool *v6,
                                         char *err, size_t errlen)
{
	memset(addr, 0, sizeof *addr);
	*v6 = false;
	if (inet_pton(AF_INET, cfg->listen, &addr->v4.sin_addr) == 1) {
		addr->v4.sin_family = AF_INET;
		addr->v4.sin_port = htons((uint16_t)cfg->port);
	} else if (inet_pton(AF_INET6, cfg->listen, &addr->v6.sin6_addr) == 1) {
		addr->v6.sin6_family = AF_INET6;
		addr->v6.sin6_port = htons((uint16_t)cfg->port);
		*v6 = true;
	} else {
		snprintf(err, errlen, "--listen %s: not an IPv4 or IPv6 address", cfg->listen);
		return HTTP_SERVER_BAD_ADDRESS;
	}
	return HTTP_SERVER_OK;
}

/* The metrics and who may read them (metrics.h). false with err set for a
 * bad --metrics-allow (s->metrics then set) or when out of memory. */
static bool metrics_setup(http_server *s, const http_server_config *cfg, char *err, size_t errlen)
{
	if (!(s->metrics = http_metrics_new(s->site->route_count)))
		return false;
	char why[128];
	s->metrics_allow = addr_allow_parse(
	    cfg->metrics_allow ? cfg->metrics_allow : "127.0.0.1,::1", why, sizeof why);
	if (!s->metrics_allow) {
		snprintf(err, errlen, "--metrics-allow: %s", why);
		return false;
	}
	if (cfg->metrics_token && !(s->metrics_token = strdup(cfg->metrics_token))) {
		http_metrics_free(s->metrics);
		s->metrics = NULL;
		return false;
	}
	return true;
}

/* Everything the requests share but the daemon, into *out (freed with
 * http_server_stop even when this fails). */
static http_server_status server_new(const http_server_config *cfg, bool v6, http_server **out,
                                     char *err, size_t errlen)
{
	http_server *s = *out = calloc(1, sizeof *s);
	if (!s)
		return HTTP_SERVER_NOMEM;
	pthread_mutex_init(&s->jobs_lock, NULL);
	pthread_cond_init(&s->jobs_done, NULL);
	s->max_upload = cfg->max_upload ? cfg->max_upload : HTTP_DEFAULT_MAX_UPLOAD;
	s->threads =
	    cfg->threads ? (cfg->threads > MAX_THREADS ? MAX_THREADS : cfg->threads) : cpu_count();
	char origin[128];
	snprintf(origin, sizeof origin, v6 ? "http://[%s]:%u" : "http://%s:%u", cfg->listen,
	         cfg->port);
	s->site = cfg->site;
	s->secure_cookies = cfg->secure_cookies;
	s->private_read = cfg->private_read;
	s->replica = cfg->replica;
	if (!(s->archive_dir = strdup(cfg->archive_dir)) ||
	    !(s->index_path =
	          cfg->index_path ? strdup(cfg->index_path) : index_path(cfg->archive_dir)) ||
	    (cfg->writer_url && !(s->writer_url = strdup(cfg->writer_url))) ||
	    (cfg->accel_redirect && !(s->accel_prefix = strdup(cfg->accel_redirect))) ||
	    !(s->default_origin = strdup(origin)) ||
	    !(s->sessions = session_store_new(SESSION_DEFAULT_IDLE, SESSION_DEFAULT_ABSOLUTE,
	                                      SESSION_DEFAULT_MAX)) ||
	    !(s->throttle = login_throttle_new(LOGIN_THROTTLE_DEFAULT_SIZE)))
		return HTTP_SERVER_NOMEM;
	accounts_status as = accounts_cache_new(cfg->archive_dir, &s->accounts);
	if (as == ACCOUNTS_NOMEM)
		return HTTP_SERVER_NOMEM;
	if (as != ACCOUNTS_OK) {
		snprintf(err, errlen, "the staff accounts: %s", accounts_status_str(as));
		return HTTP_SERVER_INTERNAL;
	}
	/* A replica reads the archive (perhaps a read-only mount of the
	 * writer's) and writes nothing there. */
	if (!s->replica && !upload_dirs(s, err, errlen))
		return HTTP_SERVER_STATE_DIR;
	/* A handle for each MHD worker and each work pool thread, so that
	 * neither waits for the other's. */
	if (http_db_pool_new(s->index_path, 2 * (size_t)s->threads, &s->pool) != HTTP_DB_OK)
		return HTTP_SERVER_NOMEM; /* it opens nothing yet: memory is all it needs */
	if (!(s->media = http_media_cache_new(MEDIA_CACHE_SLOTS)))
		return HTTP_SERVER_NOMEM;
	const http_conn_limits limits = {.connections = CONNECTION_LIMIT,
	                                 .head_seconds = HEAD_SECONDS,
	                                 .pressure_seconds = PRESSURE_SECONDS,
	                                 .body_window_seconds = BODY_WINDOW_SECONDS,
	                                 .body_min_bytes = BODY_MIN_BYTES};
	if (!http_conn_watch_start(&limits, &s->watch) ||
	    !http_work_pool_new(s->threads, s->threads * WORK_QUEUE_PER_THREAD, &s->work)) {
		snprintf(err, errlen, "cannot start the server's threads");
		return HTTP_SERVER_INTERNAL;
	}
	if (cfg->shard_count) {
		/* Shards are built elsewhere (`qarchive index --shard-by`): this
		 * server only reads them, so it takes no upload or edit. */
		http_db_pool_use_shards(s->pool, cfg->shards, cfg->shard_count);
		s->read_only = true;
		s->read_only_message = "this server searches shards (serve --shard) and is "
		                       "read-only: upload and edit on the archive's writer, then "
		                       "rebuild the shards";
	}
	if (cfg->trusted_proxies) {
		char why[128];
		if (!(s->trusted_proxies =
		          addr_allow_parse(cfg->trusted_proxies, why, sizeof why))) {
			snprintf(err, errlen, "--trusted-proxy: %s", why);
			return HTTP_SERVER_BAD_ADDRESS;
		}
	}
	if (!metrics_setup(s, cfg, err, errlen))
		return s->metrics ? HTTP_SERVER_BAD_ADDRESS : HTTP_SERVER_NOMEM;
	if (cfg->transcriber && cfg->transcriber[0]) {
		transcribe_queue_config tc = {.archive_dir = cfg->archive_dir,
		                              .command = cfg->transcriber,
		                              .timeout_seconds = cfg->transcribe_timeout,
		                              .workers = cfg->transcribe_jobs};
		transcribe_queue_status ts =
		    transcribe_queue_start(&tc, &s->transcribe, err, errlen);
		if (ts == TRANSCRIBE_QUEUE_NOMEM)
			return HTTP_SERVER_NOMEM;
		if (ts != TRANSCRIBE_QUEUE_OK)
			return HTTP_SERVER_INTERNAL;
	}
	if (!cfg->no_pictures) {
		pictures_queue_status ps =
		    pictures_queue_start(cfg->archive_dir, &s->pictures, err, errlen);
		if (ps == PICTURES_QUEUE_NOMEM)
			return HTTP_SERVER_NOMEM;
		if (ps != PICTURES_QUEUE_OK)
			return HTTP_SERVER_INTERNAL;
	}
	return HTTP_SERVER_OK;
}

static http_server_status start_daemon(http_server *s, const http_server_config *cfg,
                                       const listen_addr *addr, bool v6, char *err, size_t errlen)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME;
	if (v6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(
	    flags, (uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &addr->sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)CONNECTION_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)TIMEOUT_SECONDS, MHD_OPTION_URI_LOG_CALLBACK, on_uri, (void *)s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)s, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, (void *)s, MHD_OPTION_END);
	if (!s->daemon) {
		snprintf(err, errlen,
		         "cannot listen on %s port %u (in use, or not an address of "
		         "this machine?)",
		         cfg->listen, cfg->port);
		return HTTP_SERVER_LISTEN;
	}
	return HTTP_SERVER_OK;
}

http_server_status http_server_start(const http_server_config *cfg, http_server **out, char *err,
                                     size_t errlen)
{
	*out = NULL;
	if (errlen)
		err[0] = '\0';
	listen_addr addr;
	bool v6;
	http_server *s = NULL;
	http_server_status st = listen_address(cfg, &addr, &v6, err, errlen);
	if (st == HTTP_SERVER_OK)
		st = server_new(cfg, v6, &s, err, errlen);
	if (st == HTTP_SERVER_OK)
		st = start_daemon(s, cfg, &addr, v6, err, errlen);
	if (st != HTTP_SERVER_OK) {
		http_server_stop(s);
		/* The steps say what went wrong where they know more; the rest
		 * (out of memory) is the status itself. Never an empty err. */
		if (errlen && !err[0])
			snprintf(err, errlen, "%s", http_server_status_str(st));
		return st;
	}
	*out = s;
	return HTTP_SERVER_OK;
}

unsigned http_server_threads(const http_server *s)
{
	return s->threads;
}

void http_server_stop(http_server *s)
{
	if (!s)
		return;
	if (s->daemon) {
		/* A suspended connection must be resumed before the daemon
		 * stops (libmicrohttpd aborts otherwise): refuse new handler
		 * threads, then wait for the running ones, which resume their
		 * connections. The workers go on answering meanwhile. */
		pthread_mutex_lock(&s->jobs_lock);
		s->stopping = true;
		while (s->jobs > 0)
			pthread_cond_wait(&s->jobs_done, &s->jobs_lock);
		pthread_mutex_unlock(&s->jobs_lock);
		MHD_stop_daemon(s->daemon);
	}
	/* After the daemon: its last connections' close notifications reach
	 * the watch, and every pooled job has finished (jobs is 0). */
	http_work_pool_free(s->work);
	http_conn_watch_stop(s->watch);
	/* Then the transcription workers: no handler can queue a job any more. A
	 * running engine is killed and its job stays queued for the next start. */
	transcribe_queue_stop(s->transcribe);
	pictures_queue_stop(s->pictures);
	http_db_pool_free(s->pool);
	http_media_cache_free(s->media);
	free(s->archive_dir);
	free(s->index_path);
	free(s->writer_url);
	free(s->accel_prefix);
	free(s->default_origin);
	accounts_cache_free(s->accounts);
	session_store_free(s->sessions);
	login_throttle_free(s->throttle);
	free(s->upload_tmp_dir);
	http_metrics_free(s->metrics);
	addr_allow_free(s->metrics_allow);
	addr_allow_free(s->trusted_proxies);
	free(s->metrics_token);
	pthread_mutex_destroy(&s->jobs_lock);
	pthread_cond_destroy(&s->jobs_done);
	free(s);
}
