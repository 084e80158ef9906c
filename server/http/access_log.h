/* access_log: one line per request on stderr, after it is answered.
 *
 * Text (the default) is the Common Log Format that every log tool reads;
 * `serve --log-format json` (log_line.h) gives one JSON object per line
 * with the same facts plus the route and the time taken:
 *
 *   {"time":"2026-12-03T16:20:01.123Z","type":"access","remote":"127.0.0.1",
 *    "method":"GET","target":"/api/search?q=fsdp","version":"HTTP/1.1",
 *    "route":"/api/search","status":200,"bytes":5120,"duration_ms":2.41}
 *
 * The target is logged as sent; nothing from the headers is (credentials
 * and cookies never reach the log). */
#ifndef QA_HTTP_ACCESS_LOG_H
#define QA_HTTP_ACCESS_LOG_H

#include <stdint.h>
#include <time.h>

typedef struct access_entry {
	const char *remote;  /* the client's address */
	const char *method;  /* "-" when the request line never came */
	const char *target;  /* as sent, or NULL */
	const char *version; /* "" when unknown */
	const char *route;   /* the route's path pattern, or NULL */
	time_t received;
	unsigned status; /* 0: never answered */
	uint64_t bytes;
	double seconds; /* from the request line to the answer's end */
} access_entry;

void access_log_write(const access_entry *e);

#endif
