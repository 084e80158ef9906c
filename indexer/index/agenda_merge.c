#include "agenda_merge.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool has_items(const agenda *md)
{
	for (size_t i = 0; md && i < md->count; i++)
		if (md->entries[i].kind == AGENDA_ITEM)
			return true;
	return false;
}

agenda_status agenda_merge(const agenda *md, const media_chapter *chapters, size_t count,
                           agenda *out)
{
	*out = (agenda)AGENDA_INIT;
	bool use_chapters = !has_items(md);
	size_t md_count = md ? md->count : 0;
	size_t cap = md_count + (use_chapters ? count : 0);
	if (cap == 0)
		return AGENDA_OK;
	out->entries = calloc(cap, sizeof *out->entries);
	if (!out->entries)
		goto nomem;
	out->cap = cap;
	/* Either every agenda.md entry (items win), or its notes alone (there
	 * are no items to drop). */
	for (size_t i = 0; i < md_count; i++) {
		agenda_entry e = md->entries[i];
		e.title = strdup(e.title ? e.title : "");
		if (!e.title)
			goto nomem;
		out->entries[out->count++] = e;
	}
	for (size_t i = 0; use_chapters && i < count; i++) {
		const media_chapter *ch = &chapters[i];
		if (!isfinite(ch->start) || ch->start < 0)
			continue;
		char fallback[32];
		snprintf(fallback, sizeof fallback, "Chapter %zu", i + 1);
		agenda_entry e = {AGENDA_ITEM, ch->start, NULL, 0, 0};
		e.title = strdup(ch->title && ch->title[0] ? ch->title : fallback);
		if (!e.title)
			goto nomem;
		out->entries[out->count++] = e;
	}
	return AGENDA_OK;
nomem:
	agenda_free(out);
	return AGENDA_NOMEM;
}
