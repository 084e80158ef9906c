/* turns: who speaks when in a transcript, and which turns ask.
 *
 * A turn is a run of cues by one speaker: the cue's voice (<v Name>), or a
 * "Name:" prefix as Zoom and many SRT exports write it, or, for a cue with
 * neither, the speaker before it. A turn asks when it is short (a question,
 * not an answer with a rhetorical question in it) and has a question mark
 * or announces or quotes a question ("here's a question from the chat",
 * "Quote, ... End quote"); its question is the part up to the last cue
 * that asks. The turn after it, by someone else, is the answer: search
 * plays a moment found in a question from there.
 */
#ifndef QA_TURNS_H
#define QA_TURNS_H

#include <stdbool.h>
#include <stddef.h>

#include "cue.h"

/* A turn longer than this many cues is someone answering or presenting. */
#define TURNS_QUESTION_CUES 8

/* Who says a cue: [name, name + len) inside the cue's voice or text
 * (borrowed from the cue list); name NULL when no one is named yet. */
typedef struct turns_speaker {
	const char *name;
	size_t len;
} turns_speaker;

/* The speaker of each cue of cues: its voice, or its "Name:" prefix, or
 * else the speaker of the cue before it. *out is an array of cues->count
 * (caller frees with free(); NULL for an empty list). Returns false when
 * out of memory (*out NULL). */
bool turns_speakers(const cue_list *cues, turns_speaker **out);

/* For each cue of cues, the start of the answer when the cue belongs to a
 * turn that asks, else -1: *out is an array of cues->count doubles (caller
 * frees with free(); NULL for an empty list). Returns false when out of
 * memory (*out NULL). */
bool turns_answer_starts(const cue_list *cues, double **out);

/* The speaker named by a "Name:" prefix of text (speaker_prefix.h: 1 to 4
 * capitalised words, then ':' and a space; "CHAIR (Helena Voss):" too;
 * not "Note:"), as [*name, *name + *len) inside text; false when text has
 * none. */
bool turns_prefix_speaker(const char *text, const char **name, size_t *len);

/* Does a cue's text ask (a "?", or "question", "asks", "asked", "quote"
 * as a word)? The rule turns_answer_starts reads a question by. */
bool turns_text_asks(const char *text);

#endif
