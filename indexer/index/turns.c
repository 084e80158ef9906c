#include "turns.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "speaker_prefix.h"

bool turns_prefix_speaker(const char *text, const char **name, size_t *len)
{
	/* The transcript parsers' rule (speaker_prefix.h), so a cue list that
	 * did not come through them (a media's subtitle stream) reads the
	 * same speakers. */
	size_t name_at, text_at;
	if (!speaker_prefix_find(text, &name_at, len, &text_at))
		return false;
	*name = text + name_at;
	return true;
}

/* Does text hold a word starting with prefix (ASCII, any case)? */
static bool has_word(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *p = text; *p; p++)
		if ((p == text || !isalpha((unsigned char)p[-1])) && strncasecmp(p, prefix, n) == 0)
			return true;
	return false;
}

bool turns_text_asks(const char *t)
{
	return strchr(t, '?') || has_word(t, "question") || has_word(t, "asks") ||
	       has_word(t, "asked") || has_word(t, "quote");
}

static bool cue_asks(const cue *c)
{
	return turns_text_asks(c->plain ? c->plain : "");
}

bool turns_speakers(const cue_list *cues, turns_speaker **out)
{
	*out = NULL;
	if (cues->count == 0)
		return true;
	turns_speaker *who = malloc(cues->count * sizeof *who);
	if (!who)
		return false;
	turns_speaker prev = {NULL, 0};
	for (size_t k = 0; k < cues->count; k++) {
		const cue *c = &cues->items[k];
		if (c->voice && *c->voice)
			prev = (turns_speaker){c->voice, strlen(c->voice)};
		else
			turns_prefix_speaker(c->plain ? c->plain : "", &prev.name, &prev.len);
		who[k] = prev;
	}
	*out = who;
	return true;
}

static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
	return a && b && alen == blen && strncmp(a, b, alen) == 0;
}

/* If the turn [first, next) asks, its answer starts with cue next. */
static void mark_question(const cue_list *cues, size_t first, size_t next, double *answer)
{
	if (next - first > TURNS_QUESTION_CUES)
		return;
	/* The question is the turn up to its last cue that asks: what the
	 * speaker says after it ("Any objections? Then the TAC approves ...")
	 * is a statement in its own right. */
	size_t last = next;
	for (size_t j = first; j < next; j++)
		if (cue_asks(&cues->items[j]))
			last = j;
	for (size_t j = first; last < next && j <= last; j++)
		answer[j] = cues->items[next].start;
}

bool turns_answer_starts(const cue_list *cues, double **out)
{
	*out = NULL;
	if (cues->count == 0)
		return true;
	double *answer = malloc(cues->count * sizeof *answer);
	turns_speaker *who = NULL;
	if (!answer || !turns_speakers(cues, &who)) {
		free(answer);
		return false;
	}
	size_t first = 0;
	for (size_t k = 0; k < cues->count; k++)
		answer[k] = -1;
	/* Walk the turns: [first, k) is one speaker's; it ends where another
	 * speaker starts (or the transcript does). */
	for (size_t k = 1; k <= cues->count; k++) {
		const turns_speaker *prev = &who[k - 1];
		if (k == cues->count ||
		    (who[k].name && !same(who[k].name, who[k].len, prev->name, prev->len))) {
			if (prev->name && k < cues->count)
				mark_question(cues, first, k, answer);
			first = k;
		}
	}
	free(who);
	*out = answer;
	return true;
}
