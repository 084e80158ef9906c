/* timestamped_text: plain-text transcripts with times in them, as the
 * "copy transcript" and "export as text" buttons of meeting tools give
 * them. One parser reads the shapes in use:
 *
 *     [00:12:30] Jane Doe: Let's start.     Zoom, Meet ("[time] Name: text")
 *     00:12:30 Jane Doe: Let's start.       the same without brackets
 *
 *     Jane Doe  12:30                       Otter: the speaker and the time,
 *     Let's start with the release.         then the paragraph
 *
 *     0:04                                  YouTube's "Show transcript",
 *     so today we look at                   Meet: a time alone on its line,
 *                                           then the lines said from it
 *
 * Times are "M:SS", "MM:SS" or "H:MM:SS" (optionally ".mmm"), counted from
 * the start of the recording, never going backwards. Each line of text is
 * a cue: it starts at its time and ends where the next time begins (the
 * lines under one time share its span by their word counts); the last one
 * lasts as long as its words take to say (150 words a minute, 2 s at
 * least). Who speaks: the "Name:" prefix (speaker_prefix.h) or Otter's
 * heading, carried on to the lines after it. Text before the first time
 * starts at 0 (a title, say, is kept: nothing is dropped).
 */
#ifndef QA_TIMESTAMPED_TEXT_H
#define QA_TIMESTAMPED_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "transcript.h"

/* Parse buf[0..len) into out->cues (out must be TRANSCRIPT_INIT or freed).
 * Returns TRANSCRIPT_OK, TRANSCRIPT_INVALID (out->error names the line: a
 * time that goes backwards, a file with no times) or TRANSCRIPT_NOMEM. */
transcript_status timestamped_text_parse(const char *buf, size_t len, transcript *out);

/* Does buf look like one? One of its first 10 non-blank lines carries a
 * time in one of the shapes above, or two of its first 40 do. */
bool timestamped_text_sniff(const char *buf, size_t len);

#endif
