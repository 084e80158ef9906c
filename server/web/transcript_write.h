/* transcript_write: a recording's transcript to download, as SubRip (SRT)
 * or as plain text, from its cues (the WebVTT one is vtt_write.h).
 */
#ifndef QA_HTTP_TRANSCRIPT_WRITE_H
#define QA_HTTP_TRANSCRIPT_WRITE_H

#include <stdbool.h>

#include "cue.h"
#include "strbuf.h"

/* Append an SRT file of `cues` to sb: numbered from 1, "HH:MM:SS,mmm -->
 * HH:MM:SS,mmm", the plain text with "Voice: " before it when the cue has
 * a voice. A blank line inside a cue's text would end the cue early (it
 * is SRT's separator), so lines of text are never blank. Returns false
 * when out of memory. */
bool http_srt_write_cues(strbuf *sb, const cue_list *cues);

/* Append the transcript as plain text to sb: one paragraph per speaker
 * turn, "Voice: " at its start when the cues name voices, each cue's text
 * on one line (its line breaks become spaces). Returns false when out of
 * memory. */
bool http_text_write_cues(strbuf *sb, const cue_list *cues);

#endif
