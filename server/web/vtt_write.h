/* vtt_write: WebVTT files from cues, for <track> elements: captions from
 * any transcript (WebVTT, SRT, or a media's subtitle stream) and chapters
 * from a recording's agenda.
 */
#ifndef QA_HTTP_VTT_WRITE_H
#define QA_HTTP_VTT_WRITE_H

#include <stdbool.h>

#include "cue.h"
#include "strbuf.h"

/* Append a WebVTT file holding `cues` to sb. `as_written` says the cue text
 * is already WebVTT cue text (the source was WebVTT): it is kept, tags and
 * all, with the settings re-emitted; otherwise (SRT, media subtitles) the
 * cue's plain text is escaped (http_escape_vtt_text) and, when the cue
 * has a voice, wrapped in <v Voice>. Either way no line of cue text can
 * hold "-->" or be blank, so a cue never runs into the next (WebVTT §4.1),
 * and a cue id that could be mistaken for a timing line is dropped.
 * Returns false when out of memory. */
bool http_vtt_write_cues(strbuf *sb, const cue_list *cues, bool as_written);

/* One chapter for http_vtt_write_chapters. */
typedef struct http_chapter {
	double start;
	const char *title; /* borrowed */
} http_chapter;

/* Append a WebVTT chapters track: each chapter runs from its start to the
 * next one's, the last to `end` (or one minute past its start when end is
 * not later). Titles are escaped as cue text. Returns false when out of
 * memory. */
bool http_vtt_write_chapters(strbuf *sb, const http_chapter *chapters, size_t count, double end);

#endif
