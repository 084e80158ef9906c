/* media_subtitles: the cues of a text subtitle stream embedded in a
 * recording (mov_text in MP4; subrip, webvtt or ass in Matroska/WebM),
 * decoded with libavcodec into the same cue list the .vtt and .srt parsers
 * return.
 *
 * Each decoded event becomes one cue:
 * - id is its 1-based sequence number ("1", "2", ...);
 * - start/end are seconds: the packet's pts plus the subtitle's display
 *   times (its duration when the decoder gives no end);
 * - text is the event's text as libavcodec decodes it (ASS markup: the
 *   dialogue fields before the text are dropped, \N and \n become line
 *   breaks and \h a space; {\...} overrides are kept);
 * - plain is text without {\...} overrides or HTML-like tags;
 * - voice is NULL and settings are absent (the JSON prints {}), line is 0.
 *
 * Opening follows media_probe.h's limits and deadline. Reading the packets
 * then has MEDIA_SUBTITLES_DEADLINE_SECONDS of its own: a subtitle stream
 * is interleaved through the whole file, so a long recording is read end
 * to end (other streams' packets are discarded, not decoded).
 */
#ifndef QA_MEDIA_SUBTITLES_H
#define QA_MEDIA_SUBTITLES_H

#include <stddef.h>

#include "cue.h"
#include "media_probe.h"

#define MEDIA_SUBTITLES_DEADLINE_SECONDS 120

typedef struct media_subtitles {
	cue_list cues;   /* owned; empty on failure */
	int stream;      /* the stream index the cues came from, or -1 */
	char *codec;     /* owned: that stream's codec name, or NULL */
	char *language;  /* owned: its language tag, NULL when absent or "und" */
	char error[256]; /* one line: why the status is not MEDIA_OK */
} media_subtitles;

#define MEDIA_SUBTITLES_INIT                                                                       \
	{                                                                                          \
		{NULL, 0, 0}, -1, NULL, NULL, ""                                                   \
	}

/* Read the cues of the file at path into *out (MEDIA_SUBTITLES_INIT or
 * freed), from stream `wanted` or the one media_subtitles_pick chooses
 * (wanted < 0). Returns MEDIA_OK; MEDIA_NO_SUBTITLES (no text subtitle
 * stream, or `wanted` is not one: out->error says "no subtitle stream in
 * PATH" or which stream is wrong); MEDIA_UNREADABLE; MEDIA_INVALID (not a
 * recording libavformat can read); MEDIA_TIMEOUT; MEDIA_NOMEM. A packet
 * the decoder rejects is skipped, as a player would. */
media_status media_subtitles_read_file(const char *path, int wanted, media_subtitles *out);

/* The same over buf[0..len) (borrowed for the call); errors name the input
 * "the input". */
media_status media_subtitles_read_memory(const unsigned char *buf, size_t len, int wanted,
                                         media_subtitles *out);

/* Free what *s owns; it is left as MEDIA_SUBTITLES_INIT. NULL is a no-op. */
void media_subtitles_free(media_subtitles *s);

#endif
