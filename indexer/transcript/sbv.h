/* sbv: YouTube's SubViewer-style captions (.sbv), as YouTube Studio
 * downloads them:
 *
 *     0:00:01.000,0:00:04.000
 *     >> ANNA: Welcome back, everyone.
 *
 *     0:00:04.000,0:00:07.250
 *     Today we look at the release.
 *
 * A block is a timing line ("START,END", each H:MM:SS.mmm) and the text
 * lines after it, up to a blank line. Text is plain (no markup). Accepted:
 * a BOM, LF/CRLF/CR, Windows-1252 when not UTF-8, extra blank lines, a
 * missing blank line before a timing line. Rejected, with the line: a
 * block that does not start with a timing line, an end before its start,
 * and a file with no cues.
 */
#ifndef QA_SBV_H
#define QA_SBV_H

#include <stdbool.h>
#include <stddef.h>

#include "transcript.h"

/* Parse buf[0..len) into out->cues (out must be TRANSCRIPT_INIT or freed).
 * Returns TRANSCRIPT_OK, TRANSCRIPT_INVALID (out->error names the line) or
 * TRANSCRIPT_NOMEM. Speakers ("NAME: ") are read by transcript_parse. */
transcript_status sbv_parse(const char *buf, size_t len, transcript *out);

/* Is line[0..len) an SBV timing line? (For sniffing.) */
bool sbv_timing_line(const char *line, size_t len, double *start, double *end);

#endif
