#include "agenda_units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where item i ends: the next timed item's start; the last runs on. Notes
 * between items have no time and end nothing. */
static double item_end(const agenda *items, size_t i)
{
	for (size_t k = i + 1; k < items->count; k++)
		if (items->entries[k].kind == AGENDA_ITEM)
			return items->entries[k].start;
	return HUGE_VAL;
}

/* Item e's unit over cues [first, last] appended to out. false when out of
 * memory (out unchanged). */
static bool push_item(const cue_list *cues, const agenda_entry *e, size_t first, size_t last,
                      qa_units *out)
{
	qa_unit u = {0};
	u.kind = QA_UNIT_AGENDA;
	u.written = true;
	u.question_first = u.question_last = first;
	u.answer_first = first;
	u.answer_last = last;
	u.question_t = e->start;
	u.answer_t = cues->items[first].start;
	u.answer_end = cues->items[last].end;
	/* A cue that ends before it starts (a broken file read leniently)
	 * still leaves the span well formed. */
	if (u.answer_end < u.answer_t)
		u.answer_end = u.answer_t;
	u.question = strdup(e->title ? e->title : "");
	return u.question && qa_units_push(out, &u);
}

qa_units_status agenda_units_build(const cue_list *cues, const agenda *items, qa_units *out)
{
	*out = (qa_units)QA_UNITS_INIT;
	for (size_t i = 0; i < items->count; i++) {
		const agenda_entry *e = &items->entries[i];
		if (e->kind != AGENDA_ITEM)
			continue;
		double end = item_end(items, i);
		size_t first = cues->count, last = 0;
		/* Cues may overlap or come out of order (WebVTT allows it):
		 * every cue that starts in the span belongs to it. */
		for (size_t k = 0; k < cues->count; k++) {
			double s = cues->items[k].start;
			if (s < e->start || s >= end)
				continue;
			if (first == cues->count)
				first = k;
			last = k;
		}
		if (first == cues->count)
			continue;
		if (!push_item(cues, e, first, last, out)) {
			qa_units_free(out);
			return QA_UNITS_NOMEM;
		}
	}
	return QA_UNITS_OK;
}
