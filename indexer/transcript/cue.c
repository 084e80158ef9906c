#include "cue.h"

#include <stdint.h>
#include <stdlib.h>

cue_settings cue_settings_default(void)
{
	cue_settings s = {
	    .present = true,
	    .vertical = "",
	    .line_auto = true,
	    .line = 0,
	    .snap_to_lines = true,
	    .line_align = "start",
	    .position_auto = true,
	    .position = 0,
	    .position_align = "auto",
	    .size = 100,
	    .align = "center",
	};
	return s;
}

void cue_free(cue *c)
{
	free(c->id);
	free(c->text);
	free(c->plain);
	free(c->voice);
	free(c->words);
}

bool cue_list_push(cue_list *list, cue *c)
{
	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		cue *grown = cap > SIZE_MAX / sizeof *grown
		                 ? NULL
		                 : realloc(list->items, cap * sizeof *grown);
		if (!grown) {
			cue_free(c);
			return false;
		}
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->count++] = *c;
	return true;
}

void cue_list_free(cue_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		cue_free(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = list->cap = 0;
}
