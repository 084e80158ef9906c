/* vtt: the WebVTT file parser (W3C WebVTT §6.1, "WebVTT parser algorithm").
 *
 * Follows the algorithm step by step, so a file gives the cues a browser's
 * <track> element gives: signature and BOM, CR/LF/CRLF, NUL replaced by
 * U+FFFD, the header block, cue identifiers, timings and settings, NOTE,
 * STYLE and REGION blocks (kept out of the cues), and a "-->" line inside
 * cue text ending that cue and starting the next.
 */
#ifndef QA_VTT_H
#define QA_VTT_H

#include <stddef.h>

#include "transcript.h"

/* Parse buf[0..len) into out->cues (out must be TRANSCRIPT_INIT or freed).
 * Returns TRANSCRIPT_OK; TRANSCRIPT_INVALID only when the "WEBVTT"
 * signature is missing (browsers accept everything else, dropping the cues
 * they cannot read); TRANSCRIPT_NOMEM. */
transcript_status vtt_parse(const char *buf, size_t len, transcript *out);

#endif
