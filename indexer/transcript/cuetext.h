/* cuetext: the WebVTT cue text layer (WebVTT §6.4, "cue text parsing
 * rules"), reduced to what the index needs: the plain text a viewer reads and
 * the speaker of the first voice span.
 */
#ifndef QA_CUETEXT_H
#define QA_CUETEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "cue.h"

/* Tokenize WebVTT cue text and return, through the out-parameters:
 * - *plain: the text with every tag removed and character references
 *   decoded, the textContent of a browser's getCueAsHTML() (ruby text kept,
 *   timestamp tags dropped);
 * - *voice: the annotation of the first <v> tag with HTML's whitespace
 *   stripped and collapsed ("" for a bare <v>), or NULL when there is none.
 * Both are caller-freed with free(). Returns false only when out of memory,
 * with both set to NULL. */
bool cuetext_render(const char *text, size_t len, char **plain, char **voice);

/* cuetext_render, and also the timestamp tags: *words (caller frees with
 * free(); NULL when there are none) gets one entry per valid timestamp tag,
 * in text order, its offset the length of *plain at the tag; *word_count
 * their number. Out of memory: false, everything NULL and 0. */
bool cuetext_render_timed(const char *text, size_t len, char **plain, char **voice,
                          cue_word **words, size_t *word_count);

#endif
