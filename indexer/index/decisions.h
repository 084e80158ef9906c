/* decisions: where a meeting states a decision (issue 14: TAC meetings by
 * agenda item, "decisions marked").
 *
 * A cue states a decision when it says the meeting decided, in the words
 * chairs use to close an item: "the minutes are approved", "that's
 * approved as a trial", "None, approved.", "it's agreed", "both are
 * agreed", "motion passes", "we voted to", "the TAC approved", "we
 * decided", "record this as an action item", "action item for Claire".
 * Not: someone agreeing ("Agreed. We've changed ..."), a report of the
 * past ("we approved seven projects", "like we agreed in March"), a
 * question ("any objection to approving"), or a plan ("a vote next
 * month"). tests/unit/test_decisions.c pins both lists.
 */
#ifndef QA_DECISIONS_H
#define QA_DECISIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "cue.h"

/* At most this many decisions an agenda item lists. */
#define DECISIONS_PER_ITEM_MAX 8

/* Does a cue's text (plain, UTF-8) state a decision? */
bool decisions_stated(const char *text);

/* The cues of cues starting in [start, end) that state a decision, as a
 * new array [{"t", "text"}] (at most DECISIONS_PER_ITEM_MAX), or NULL when
 * out of memory. */
json_t *decisions_json(const cue_list *cues, double start, double end);

#endif
