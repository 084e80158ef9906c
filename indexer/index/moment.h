/* moment: where, inside a matched passage, a search hit's moment starts.
 *
 * A passage is a window of cues (index_schema.h). The moment is not the
 * window's start, nor the first word that matched: it is where the query's
 * terms are said closest together, weighing rarer terms more (the densest
 * run), so `t` lands on the sentence that answers. When that run is in a
 * question read out (a short turn that asks, "Quote, ... End quote", "?"),
 * and the passage shows who answers next, the moment is the answer's
 * start: a developer wants the answer, and the question is a few seconds
 * before it on the page.
 */
#ifndef QA_MOMENT_H
#define QA_MOMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "xindex.h"

/* Positions closer than this many words count as said together. */
#define MOMENT_SPAN 12

/* The first position of the densest run among positions[0..n) (sorted by
 * position): the window of MOMENT_SPAN positions whose distinct terms weigh
 * most, the earliest of equals, starting where the shortest stretch of
 * it that says all its terms starts (the earliest of equals). *weight (unless
 * NULL) is that window's weight: how much of the query is said there
 * together. Returns false when n is 0 (*weight 0). */
bool moment_densest(const qx_position *positions, size_t n, unsigned *pos, double *weight);

/* The cue of a passage's cues (index_build.c: objects with "s" start, "p"
 * first position, "v" voice, "text", and "a", the answer's start, on the
 * cues of a question) that holds position pos: the last whose "p" is at or
 * before it. 0 for an empty array. */
size_t moment_cue_at(json_t *cues, unsigned pos);

/* With speaker: filters (keys[0..nkeys), speaker_terms.h), a moment is
 * where one of those people speaks, not the question someone else put to
 * them: *first is the first cue of cues whose "v" one of the keys finds
 * (-1 when none does, or nkeys is 0), and when there is one, positions
 * [0..*n) keep only those in such cues (*n is updated; the densest run is
 * then theirs). Returns false when out of memory (positions untouched,
 * *first -1). */
bool moment_in_voice(json_t *cues, const char *const *keys, size_t nkeys, qx_position *positions,
                     size_t *n, long *first);

/* Is a passage with these cues, where the query's terms are at
 * positions[0..n), a match for speaker: filters (keys[0..nkeys))? Not
 * when one of those people speaks in it but only others say the terms
 * (index_schema.h: a passage carries the speakers of all its cues). A
 * passage none of them speaks in (matched by the speakers the recording
 * lists, or by a NOT) and a filter with no terms are matches. Returns
 * false when out of memory (*keep then true: it cannot tell). */
bool moment_said_by(json_t *cues, const char *const *keys, size_t nkeys,
                    const qx_position *positions, size_t n, bool *keep);

/* When the word at position pos of cue (a passage's cue, as above) is
 * said: its "w" holds the time of each of its words from its "p" on, when
 * the transcript gave word times (WebVTT timestamp tags, as in YouTube's
 * automatic captions). `fallback` (the cue's start) when it has none or
 * pos is not one of its words. */
double moment_word_time(json_t *cue, unsigned pos, double fallback);

/* The time to play from for cue `at`: its start, or when it belongs to a
 * question (its "a", set at index time by turns.h) and asks, or the cue
 * after it in the question does (turns_text_asks), the answer's start. A
 * turn's statements two cues or more before its asking cue ("so let me
 * state them. One, ... Two, ... Objections?") play from themselves; a
 * passage that ends before the question's asking cue cannot tell, and
 * plays from the answer. */
double moment_play_from(json_t *cues, size_t at);

#endif
