/* log_line: the server's log on stderr, one line per event, in the form
 * the operator chose.
 *
 *   text (default)  "qarchive serve: index caught up: 3 indexed, 0 removed"
 *   json            {"time":"2026-12-03T16:20:01.123Z","level":"info",
 *                    "source":"serve","msg":"index caught up: …"}
 *
 * JSON lines are for log pipelines (Loki, Elasticsearch, journald's JSON
 * import): each is one object on one line, written with a single write(2)
 * so that lines from several threads never interleave. The access log
 * (server/http/access_log.c) follows the same choice. */
#ifndef QA_BASE_LOG_LINE_H
#define QA_BASE_LOG_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

typedef enum log_format {
	LOG_TEXT,
	LOG_JSON,
} log_format;

/* Set once at start, before any thread logs. */
void log_set_format(log_format format);
log_format log_get_format(void);

/* "text" or "json" into *out; false for anything else. */
bool log_format_parse(const char *name, log_format *out);

/* One line from `source` ("serve"): printf-style message, cut at 4 KiB. */
void log_say(const char *source, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* s as a JSON string (quotes included) onto sb: control characters
 * escaped, bytes that are not UTF-8 replaced by U+FFFD, so that a line
 * stays valid JSON whatever a client sent. false when out of memory. */
bool log_json_string(strbuf *sb, const char *s);

/* "2026-12-03T16:20:01.123Z" (now, UTC) into out (at least 64 bytes). */
void log_timestamp(char *out, size_t size);

/* Write the whole of sb's text to stderr in one write(2) (a line). */
void log_write(const strbuf *sb);

#endif
