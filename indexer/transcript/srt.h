/* srt: the SubRip (.srt) parser, for the loose format real tools write.
 *
 * Accepted: a UTF-8 BOM; LF, CRLF or lone CR; Windows-1252 when the bytes
 * are not UTF-8; blank lines (whitespace only) anywhere between cues; a
 * missing, non-numeric or out-of-order index line; hours of 1-2 digits,
 * minutes and seconds of 1-2 digits, ',' or '.' before the milliseconds;
 * optional spaces around "-->"; anything after the end time (coordinates).
 * Rejected, with the line number: a malformed timing line, an index line not
 * followed by one, an end before its start, and an empty file.
 *
 * `text` keeps <i>, <b>, <u>, <s>, <font ...> and ASS {\...} overrides;
 * `plain` drops them. SRT has no character references: "&amp;" stays.
 */
#ifndef QA_SRT_H
#define QA_SRT_H

#include <stddef.h>

#include "transcript.h"

/* Parse buf[0..len) into out->cues (out must be TRANSCRIPT_INIT or freed).
 * Returns TRANSCRIPT_OK, TRANSCRIPT_INVALID (out->error names the line) or
 * TRANSCRIPT_NOMEM. */
transcript_status srt_parse(const char *buf, size_t len, transcript *out);

/* The plain text of SRT cue text: formatting tags and ASS overrides
 * removed. Caller frees; NULL when out of memory. */
char *srt_plain_text(const char *text, size_t len);

#endif
