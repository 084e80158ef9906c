/* conn_watch: deadlines for what a client sends, beside libmicrohttpd's
 * idle timeout (issue 16).
 *
 * MHD 0.9.75 has one timeout per connection, and it is an idle timeout:
 * any byte restarts it. A client that sends one header line every 10 s
 * never reaches it, and a thousand such clients hold every connection slot
 * for as long as they like. So the server keeps a record of each
 * connection (made and dropped by MHD's connection notifications) with the
 * phase it is in, and a watchdog thread checks them once a second:
 *
 *   head  from accept, or from the end of the previous request on a kept-
 *         alive connection, until MHD has the whole head (the first call of
 *         the access handler): at most head_seconds; under pressure (more
 *         than 3/4 of the connection limit open) at most pressure_seconds,
 *         so slow clients give way to new ones instead of filling the rest.
 *   body  from the head to the last byte of the body: each window of
 *         body_window_seconds must bring body_min_bytes (or the end).
 *   busy  the request is read: a handler runs, or the answer is being sent.
 *         Only the idle timeout applies (a download to a slow phone is
 *         fine).
 *
 * A connection past its deadline is shut down with shutdown(2) on its
 * socket. That is safe from another thread: it only makes MHD's next read
 * or write fail, and MHD then closes and frees the connection on its own
 * thread, as for a client that went away (libmicrohttpd has no call to
 * close a connection from outside). The fd cannot be another connection's
 * by then: MHD notifies MHD_CONNECTION_NOTIFY_CLOSED before it closes the
 * socket, and the record is removed under the same mutex the watchdog
 * holds while it shuts a socket down.
 */
#ifndef QA_HTTP_CONN_WATCH_H
#define QA_HTTP_CONN_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct http_conn_watch http_conn_watch;
typedef struct http_conn http_conn;

typedef struct http_conn_limits {
	unsigned connections;      /* the daemon's connection limit */
	unsigned head_seconds;     /* for the whole request head */
	unsigned pressure_seconds; /* for the head when 3/4 of the connections are open */
	unsigned body_window_seconds;
	uint64_t body_min_bytes; /* per window */
} http_conn_limits;

/* Start the watchdog thread. Returns false when out of memory or when the
 * thread cannot start. *out: stop with http_conn_watch_stop. */
bool http_conn_watch_start(const http_conn_limits *limits, http_conn_watch **out);

/* Stop the thread and free the watch; every connection must be closed
 * (MHD_stop_daemon closes them). NULL is a no-op. */
void http_conn_watch_stop(http_conn_watch *w);

/* A connection on socket fd was accepted: its record, in the head phase.
 * NULL when out of memory (the connection then has the idle timeout only).
 * Owned by the watch until http_conn_closed. */
http_conn *http_conn_opened(http_conn_watch *w, int fd);

/* The connection is closing (before its socket is): forget it. NULL-safe. */
void http_conn_closed(http_conn_watch *w, http_conn *c);

/* Phase changes; each is NULL-safe for c. */
void http_conn_head(http_conn_watch *w, http_conn *c); /* waiting for a head */
void http_conn_body(http_conn_watch *w, http_conn *c); /* head in, body expected */
void http_conn_body_bytes(http_conn_watch *w, http_conn *c, uint64_t n);
void http_conn_busy(http_conn_watch *w, http_conn *c); /* request read */

/* How many connections the watch has cut since it started (for tests and
 * the log). */
uint64_t http_conn_watch_cut(http_conn_watch *w);

#endif
