/* clock: the "H:MM:SS.mmm" and "M:SS" times of SBV files and of
 * timestamped plain-text transcripts (Otter, Zoom, Meet, YouTube's
 * "Show transcript"), read into seconds.
 */
#ifndef QA_CLOCK_H
#define QA_CLOCK_H

#include <stdbool.h>
#include <stddef.h>

/* Read a time at s[*pos..len): "M:SS" or "MM:SS" (minutes up to 3
 * digits), or "H:MM:SS" (hours up to 4 digits), minutes and seconds of two
 * digits up to 59, then, when `fraction` is true, '.' and 1-3 digits
 * (required), or when false, optionally '.' or ',' and 1-3 digits. The time
 * must not run on into another digit or ':'. On success *pos is past it,
 * *seconds set and true returned; otherwise false and *pos unchanged. */
bool clock_read(const char *s, size_t len, size_t *pos, bool fraction, double *seconds);

/* "1:02:03" or "2:03" (no hours when under one), for error messages. */
void clock_format(double seconds, char *out, size_t size);

#endif
