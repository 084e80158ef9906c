/* timecode: moments and durations of a recording as the pages and URLs
 * write them ("12:34", ?t=754.5, "16 min") and as people type them in a
 * link (?t=12m34s). Pure C, so the pages and anything else that links a
 * moment share one reading of it.
 */
#ifndef QA_WEB_TIMECODE_H
#define QA_WEB_TIMECODE_H

#include <stdbool.h>

#include "strbuf.h"

/* A moment as people write it: "12:34", or "1:02:03" from an hour on
 * (seconds rounded down; negative or not finite is 0:00). */
bool timecode_clock(strbuf *sb, double seconds);

/* A moment for a URL (?t=, #t=): whole seconds as "754", else up to
 * three decimals without trailing zeros ("157.49"). */
bool timecode_seconds(strbuf *sb, double seconds);

/* A duration in words: "45 s", "16 min", "1 h 5 min". */
bool timecode_duration(strbuf *sb, double seconds);

/* Parse a moment given in a URL (?t=, ?end=): "754", "754.5", "12:34",
 * "1:02:03", "12m34s", "1h2m3s", "90s", "2m". Returns false for anything
 * else, or a value past 100 days. */
bool timecode_parse(const char *s, double *out);

#endif
