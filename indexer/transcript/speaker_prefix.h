/* speaker_prefix: "Name: text", the way Zoom transcripts, SBV files and
 * many SRT exports say who speaks, read into the cue's voice.
 *
 * A prefix is at the very start of the cue's plain text, after an optional
 * ">>" speaker-change marker (broadcast captions, SBV): one to four words,
 * each starting with a capital (or a digit: "SPEAKER 1"), of letters,
 * digits and . - ' ( ) only, 48 bytes at most, then ':' and a space or the
 * end of the line. Words that label text rather than name a person
 * ("Note:", "Step 1:", "Warning:", "Question:" ... see speaker_prefix.c)
 * are not names, and a time ("12:30", "At 12:30 we start") never matches:
 * the ':' must follow a word and be followed by a space.
 */
#ifndef QA_SPEAKER_PREFIX_H
#define QA_SPEAKER_PREFIX_H

#include <stdbool.h>
#include <stddef.h>

#include "cue.h"

/* Is name[0..len) a speaker's name by the rules above (the words, not
 * the ':')? */
bool speaker_name_valid(const char *name, size_t len);

/* Does text (NUL-terminated) start with a speaker prefix? If so, the name
 * is [text + *name_at, + *name_len) and the words said start at
 * text + *text_at (past the ':' and the blanks after it). */
bool speaker_prefix_find(const char *text, size_t *name_at, size_t *name_len, size_t *text_at);

/* For each cue with no voice whose plain text starts with a prefix: the
 * voice becomes the name and the plain text loses the prefix (word times
 * move with it); `text`, the cue as written, is kept. Returns false when
 * out of memory (cues already read keep their change). */
bool speaker_prefix_apply(cue_list *cues);

/* The same for one cue. False when out of memory (the cue unchanged). */
bool speaker_prefix_apply_cue(cue *c);

#endif
