#include "decisions.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* What a chair says when the meeting has decided (decisions.h). Each is
 * matched in the cue's ASCII-lower-cased text with U+2019 read as '. Kept
 * to the closing words: "approved" or "agreed" alone is as often a report
 * or a person's assent. */
static const char *const stated[] = {
    "is approved",   "are approved",    "'s approved",       ", approved.",     "is agreed",
    "are agreed",    "'s agreed",       "motion passes",     "motion carries",  "motion is carried",
    "we voted to",   "the vote passed", "tac approved",      "tac voted",       "we decided",
    "we've decided", "it was decided",  "as an action item", "action item for", "action item:",
};

/* text on one line (a run of spaces and line breaks as one space: a cue
 * of two lines says "are\napproved"), and, when `lower`, ASCII
 * lower-cased with the typographic apostrophe as '. Caller frees; NULL
 * when out of memory. */
static char *folded(const char *text, bool lower)
{
	size_t n = strlen(text);
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = text; *p; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
		} else if (lower && strncmp(p, "\xe2\x80\x99", 3) == 0) {
			*o++ = '\'';
			p += 2;
		} else {
			*o++ = (lower && *p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
		}
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

bool decisions_stated(const char *text)
{
	char *t = text ? folded(text, true) : NULL;
	bool found = false;
	for (size_t i = 0; t && !found && i < sizeof stated / sizeof stated[0]; i++)
		found = strstr(t, stated[i]) != NULL;
	free(t);
	return found;
}

json_t *decisions_json(const cue_list *cues, double start, double end)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < cues->count; i++) {
		const cue *c = &cues->items[i];
		if (c->start < start || c->start >= end || !c->plain || !decisions_stated(c->plain))
			continue;
		if (json_array_size(list) >= DECISIONS_PER_ITEM_MAX)
			break;
		char *text = folded(c->plain, false);
		if (!text || json_array_append_new(
		                 list, json_pack("{s:f, s:s}", "t", c->start, "text", text)) != 0) {
			free(text);
			json_decref(list);
			return NULL;
		}
		free(text);
	}
	return list;
}
