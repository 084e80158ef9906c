/* answer_span: the answer of a question asked, as a link to it carries it
 * (issue 14: a unit hit "plays from the question with the answer's span
 * marked on the page").
 *
 * A link to a unit plays from its question (?t=) and names its answer's
 * span as ?answer=FROM-TO, each a moment as timecode_seconds writes it
 * ("754-812.5"); the watch page marks the transcript's cues in it. Not
 * ?end=: that one stops playback (a clip), and the answer is to be heard
 * with its question, and on past it if the listener likes.
 */
#ifndef QA_WEB_ANSWER_SPAN_H
#define QA_WEB_ANSWER_SPAN_H

#include <stdbool.h>

#include "strbuf.h"

/* "FROM-TO" for a URL (from < to; else "FROM-FROM": an answer of no length
 * still marks the cue it starts at). false when out of memory. */
bool answer_span_write(strbuf *sb, double from, double to);

/* Read ?answer=: FROM and TO as timecode_parse reads each ("12:34-13:02"
 * too), TO not before FROM. false (and *from = *to = 0) for anything else:
 * a mangled link still opens the recording, unmarked. */
bool answer_span_parse(const char *s, double *from, double *to);

/* Does a cue from `start` to `end` belong to the span: it starts inside it,
 * or the span starts inside the cue (a question's answer may start mid
 * cue)? */
bool answer_span_holds(double from, double to, double start, double end);

#endif
