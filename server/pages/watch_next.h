/* watch_next: under a recording, where to go next: the previous and next
 * recording of its kind ("Previous TAC meeting", by date) and more from
 * its release (Release 2.7's Q&A, webinars, ...).
 */
#ifndef QA_PAGES_WATCH_NEXT_H
#define QA_PAGES_WATCH_NEXT_H

#include <jansson.h>
#include <stdbool.h>

#include "strbuf.h"

/* Append the "More" section for recording `id` (its summary: kind,
 * release) from `newest` (recordings_list.h: every summary, newest first),
 * or nothing when there is nothing to show. At most 5 from the release.
 * Returns false when out of memory. */
bool http_watch_next(strbuf *sb, json_t *newest, const char *id, json_t *summary);

#endif
