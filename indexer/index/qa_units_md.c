/* qa_units_from_md: the units a recording's qa.md lists, placed on its
 * transcript's cues (qa_units.h). */
#include "qa_units.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "turns.h"

/* qa.md's times are whole seconds: a cue that starts within this much
 * before one is where the question starts. */
#define QA_UNITS_MD_SLACK 1.0

/* The first cue from `from` that starts at most QA_UNITS_MD_SLACK s
 * before t: qa.md's times are whole seconds, a cue's are not (cues are in
 * time order; WebVTT allows others, which only make the search start
 * earlier). */
static size_t cue_at(const cue_list *cues, size_t from, double t)
{
	for (size_t k = from; k < cues->count; k++)
		if (cues->items[k].start > t - QA_UNITS_MD_SLACK)
			return k;
	return cues->count;
}

/* Does text begin with the first words of words (letters and digits
 * compared, any case, punctuation and spaces skipped; up to 24 of them)? */
static bool begins_with(const char *text, const char *words)
{
	size_t matched = 0;
	const unsigned char *a = (const unsigned char *)text, *b = (const unsigned char *)words;
	while (*b && matched < 24) {
		while (*a && !isalnum(*a) && *a < 0x80)
			a++;
		while (*b && !isalnum(*b) && *b < 0x80)
			b++;
		if (!*b)
			break;
		if (tolower(*a) != tolower(*b))
			return false;
		a++, b++, matched++;
	}
	return matched > 0;
}

/* The cue in (q, until) where the answer starts: the one that begins with
 * the answer's words, else the next speaker's first, else q + 1. */
static size_t answer_cue(const cue_list *cues, const turns_speaker *who, size_t q, size_t until,
                         const char *words)
{
	for (size_t k = q + 1; k < until; k++)
		if (begins_with(cues->items[k].plain ? cues->items[k].plain : "", words))
			return k;
	for (size_t k = q + 1; k < until && who; k++)
		if (who[k].name && (!who[q].name || who[k].len != who[q].len ||
		                    memcmp(who[k].name, who[q].name, who[q].len) != 0))
			return k;
	return q + 1;
}

static char *speaker_of(const char *named, const turns_speaker *who, size_t k)
{
	if (named)
		return strdup(named);
	return who && who[k].name ? strndup(who[k].name, who[k].len) : NULL;
}

/* Unit i of md, its question at cue q and the next one's at `until`. */
static qa_units_status place(const cue_list *cues, const turns_speaker *who, const qa_md_unit *m,
                             size_t q, size_t until, qa_units *out, char *err, size_t errlen)
{
	qa_unit u = {0};
	u.written = true;
	u.question_first = q;
	u.answer_first = answer_cue(cues, who, q, until, m->answer);
	if (u.answer_first >= cues->count) {
		snprintf(err, errlen, "line %zu: no cue is left for the answer after the question",
		         m->line);
		return QA_UNITS_INVALID;
	}
	u.question_last = u.answer_first - 1;
	u.answer_last = until > u.answer_first ? until - 1 : u.answer_first;
	u.question_t = m->t;
	u.answer_t = cues->items[u.answer_first].start;
	u.answer_end = cues->items[u.answer_last].end;
	u.question = strdup(m->question);
	u.question_speaker = speaker_of(m->question_speaker, who, q);
	u.answer_speaker = speaker_of(m->answer_speaker, who, u.answer_first);
	if (!u.question || (!u.question_speaker && (m->question_speaker || (who && who[q].name))) ||
	    (!u.answer_speaker && (m->answer_speaker || (who && who[u.answer_first].name)))) {
		free(u.question);
		free(u.question_speaker);
		free(u.answer_speaker);
		return QA_UNITS_NOMEM;
	}
	return qa_units_push(out, &u) ? QA_UNITS_OK : QA_UNITS_NOMEM;
}

qa_units_status qa_units_from_md(const cue_list *cues, const qa_md *md, qa_units *out, char *err,
                                 size_t errlen)
{
	turns_speaker *who = NULL;
	qa_units_status st = QA_UNITS_OK;
	if (md->count && !turns_speakers(cues, &who) && cues->count)
		return QA_UNITS_NOMEM;
	size_t q = md->count ? cue_at(cues, 0, md->units[0].t) : 0;
	for (size_t i = 0; i < md->count && st == QA_UNITS_OK; i++) {
		const qa_md_unit *m = &md->units[i];
		if (q >= cues->count) {
			snprintf(err, errlen,
			         "line %zu: the question is after the transcript's end", m->line);
			st = QA_UNITS_INVALID;
			break;
		}
		size_t next = i + 1 < md->count ? cue_at(cues, q, md->units[i + 1].t) : cues->count;
		if (next == q)
			next = q + 1; /* two questions in one cue: the answer is still after it */
		st = place(cues, who, m, q, next, out, err, errlen);
		q = next;
	}
	if (st != QA_UNITS_OK)
		qa_units_free(out);
	free(who);
	return st;
}
