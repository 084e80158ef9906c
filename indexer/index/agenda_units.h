/* agenda_units: a meeting's agenda items as units (issue 14: "TAC meetings
 * are segmented by agenda item instead, with decisions marked").
 *
 * A TAC meeting is not questions put to a panel: the chair reports and
 * proposes, and the agenda says what is discussed when. So each timed
 * agenda item (agenda.md, else the media's chapters: agenda_merge.h)
 * becomes a unit of kind QA_UNIT_AGENDA:
 * - its "question" is the item's title (written: the title's words, not a
 *   cue's), at the item's start, asked by no one;
 * - its "answer" is the discussion: the cues that start at or after the
 *   item's start and before the next item's (the last item runs to the
 *   transcript's end), from the first one's start to the last one's end;
 *   no one is named as answering (everyone speaks);
 * - an item with no cue in its span (past the transcript's end, or an
 *   item whose time is not after the one before it) is no unit.
 * The decisions stated in the span (decisions.h) are marked on the unit's
 * document and hit (index_schema.h), not here: this is where, not what.
 */
#ifndef QA_AGENDA_UNITS_H
#define QA_AGENDA_UNITS_H

#include "agenda.h"
#include "cue.h"
#include "qa_units.h"

/* The units of the agenda's timed items over cues (both borrowed), into
 * *out (QA_UNITS_INIT or freed). QA_UNITS_OK or QA_UNITS_NOMEM (out
 * freed). */
qa_units_status agenda_units_build(const cue_list *cues, const agenda *items, qa_units *out);

#endif
