#include "qa_units.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "turns.h"

const char *qa_units_status_str(qa_units_status status)
{
	switch (status) {
	case QA_UNITS_OK:
		return "ok";
	case QA_UNITS_INVALID:
		return "qa.md does not fit the transcript";
	case QA_UNITS_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

const char *qa_unit_kind_str(qa_unit_kind kind)
{
	switch (kind) {
	case QA_UNIT_QUESTION:
		return "question";
	case QA_UNIT_AGENDA:
		return "agenda";
	}
	return "question";
}

static void unit_free(qa_unit *u)
{
	free(u->question);
	free(u->question_speaker);
	free(u->answer_speaker);
}

void qa_units_free(qa_units *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->count; i++)
		unit_free(&u->items[i]);
	free(u->items);
	*u = (qa_units)QA_UNITS_INIT;
}

bool qa_units_push(qa_units *list, qa_unit *u)
{
	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		qa_unit *grown = realloc(list->items, cap * sizeof *grown);
		if (!grown) {
			unit_free(u);
			return false;
		}
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->count++] = *u;
	return true;
}

char *qa_units_join(const cue_list *cues, size_t first, size_t last)
{
	size_t total = 1;
	for (size_t k = first; k <= last && k < cues->count; k++)
		total += strlen(cues->items[k].plain ? cues->items[k].plain : "") + 1;
	char *out = malloc(total), *w = out;
	if (!out)
		return NULL;
	for (size_t k = first; k <= last && k < cues->count; k++) {
		const char *t = cues->items[k].plain ? cues->items[k].plain : "";
		if (w > out && *t)
			*w++ = ' ';
		size_t n = strlen(t);
		memcpy(w, t, n);
		w += n;
	}
	*w = '\0';
	return out;
}

/* One speaker's run of cues [first, last]. */
typedef struct turn {
	size_t first, last;
	const char *name; /* borrowed from the cues; NULL: no one named yet */
	size_t len;
} turn;

static bool same_name(const turn *a, const turn *b)
{
	return a->name && b->name && a->len == b->len && memcmp(a->name, b->name, a->len) == 0;
}

/* Does text hold phrase (ASCII, any case) starting at a word? */
static bool has_phrase(const char *text, const char *phrase)
{
	size_t n = strlen(phrase);
	for (const char *p = text; *p; p++)
		if ((p == text || !isalpha((unsigned char)p[-1])) && strncasecmp(p, phrase, n) == 0)
			return true;
	return false;
}

static const char *plain(const cue_list *cues, size_t k)
{
	return cues->items[k].plain ? cues->items[k].plain : "";
}

static bool cue_has_question_mark(const cue_list *cues, size_t k)
{
	return strchr(plain(cues, k), '?') != NULL;
}

/* Does cue k announce a question ("someone asks", "a follow-up from the
 * chat", "next one", "First, does ...")? */
static bool cue_announces(const cue_list *cues, size_t k)
{
	static const char *const phrases[] = {
	    "question",  "asks",          "asked",     "writes",   "quote",    "follow-up",
	    "follow up", "from the chat", "first one", "next one", "last one", "one more",
	};
	const char *t = plain(cues, k);
	for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		if (has_phrase(t, phrases[i]))
			return true;
	return strncasecmp(t, "first,", 6) == 0;
}

static size_t words_in(const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p; p++)
		n += !isspace((unsigned char)*p) && (p == text || isspace((unsigned char)p[-1]));
	return n;
}

/* Does answer turn a introduce its own speaker ("Hi, I'm Tomas Okafor")? */
static bool introduces(const cue_list *cues, const turn *a)
{
	size_t first_word = strcspn(a->name, " ");
	if (first_word > a->len)
		first_word = a->len;
	const char *t = plain(cues, a->first);
	for (const char *p = t; (p = strstr(p, "I'm ")) != NULL; p += 4)
		if (strncmp(p + 4, a->name, first_word) == 0)
			return true;
	return has_phrase(t, "my name is");
}

static bool thanks(const cue_list *cues, const turn *t)
{
	for (size_t k = t->first; k <= t->last; k++)
		if (has_phrase(plain(cues, k), "thank"))
			return true;
	return false;
}

static bool has_question_mark(const cue_list *cues, const turn *t)
{
	for (size_t k = t->first; k <= t->last; k++)
		if (cue_has_question_mark(cues, k))
			return true;
	return false;
}

/* The turns of cues (who: each cue's speaker) into *out, *count of them.
 * false when out of memory. */
static bool split_turns(const cue_list *cues, const turns_speaker *who, turn **out, size_t *count)
{
	turn *ts = malloc(cues->count * sizeof *ts);
	*out = ts;
	*count = 0;
	if (!ts)
		return false;
	for (size_t k = 0; k < cues->count; k++) {
		turn t = {k, k, who[k].name, who[k].len};
		if (*count && (same_name(&ts[*count - 1], &t) || (!t.name && !ts[*count - 1].name)))
			ts[*count - 1].last = k;
		else
			ts[(*count)++] = t;
	}
	return true;
}

/* The host: the speaker with the most turns that ask, then the most
 * turns (the first of them on a tie); NULL when no turn asks. */
static const turn *find_host(const cue_list *cues, const turn *ts, size_t n)
{
	const turn *host = NULL;
	size_t best_asks = 0, best_turns = 0;
	for (size_t i = 0; i < n; i++) {
		size_t asks = 0, turns = 0;
		for (size_t j = 0; j < n && ts[i].name; j++)
			if (same_name(&ts[i], &ts[j])) {
				turns++;
				asks += has_question_mark(cues, &ts[j]);
			}
		if (asks > best_asks || (asks && asks == best_asks && turns > best_turns)) {
			best_asks = asks;
			best_turns = turns;
			host = &ts[i];
		}
	}
	return host;
}

/* Is turn i, answered by turn i + 1, a question (qa_units.h)? */
static bool is_question(const cue_list *cues, const turn *ts, size_t i, const turn *host)
{
	const turn *t = &ts[i], *a = &ts[i + 1];
	bool marked = has_question_mark(cues, t);
	if (!t->name || !a->name || introduces(cues, a))
		return false;
	if (!same_name(t, host))
		return marked && t->last - t->first < TURNS_QUESTION_CUES;
	if (!marked && thanks(cues, t))
		return false; /* a goodbye */
	if (!marked && i == 0)
		return false; /* the welcome */
	/* A short remark between two turns of one speaker. */
	bool remark = t->first == t->last && !marked && !cue_announces(cues, t->first) &&
	              words_in(plain(cues, t->first)) < 8;
	return !(remark && i > 0 && same_name(&ts[i - 1], a));
}

/* Where the question of turn t starts and ends: *last is its last cue that
 * asks (else the turn's last), *first the earliest announcing cue at most
 * QA_UNITS_LEAD_CUES before it, else that many before it. */
static void question_span(const cue_list *cues, const turn *t, size_t *first, size_t *last)
{
	*last = t->last;
	for (size_t k = t->first; k <= t->last; k++)
		if (cue_has_question_mark(cues, k) || cue_announces(cues, k))
			*last = k;
	size_t lo = *last - t->first > QA_UNITS_LEAD_CUES ? *last - QA_UNITS_LEAD_CUES : t->first;
	*first = lo;
	for (size_t k = lo; k <= *last; k++)
		if (cue_announces(cues, k)) {
			*first = k;
			return;
		}
}

static char *name_copy(const turn *t)
{
	return t->name ? strndup(t->name, t->len) : NULL;
}

/* The unit asked in turn ts[i] and answered from ts[i + 1], its answer
 * running to the cue before `until` (the next question's first cue, or the
 * host's next turn). */
static bool add_unit(const cue_list *cues, const turn *ts, size_t i, size_t until, qa_units *out)
{
	qa_unit u = {0};
	question_span(cues, &ts[i], &u.question_first, &u.question_last);
	u.answer_first = ts[i + 1].first;
	u.answer_last = until > u.answer_first ? until - 1 : u.answer_first;
	u.question_t = cues->items[u.question_first].start;
	u.answer_t = cues->items[u.answer_first].start;
	u.answer_end = cues->items[u.answer_last].end;
	u.question = qa_units_join(cues, u.question_first, u.question_last);
	u.question_speaker = name_copy(&ts[i]);
	u.answer_speaker = name_copy(&ts[i + 1]);
	if (!u.question || (ts[i].name && !u.question_speaker) ||
	    (ts[i + 1].name && !u.answer_speaker)) {
		free(u.question);
		free(u.question_speaker);
		free(u.answer_speaker);
		return false;
	}
	return qa_units_push(out, &u);
}

/* Where the answer to the question of turn i ends: before the next
 * question's first cue (asked in turn *next), or before the host's next
 * turn when no question follows. */
static size_t answer_until(const cue_list *cues, const turn *ts, size_t n, size_t i,
                           const turn *host, const bool *asks)
{
	for (size_t j = i + 1; j < n; j++) {
		if (!asks[j])
			continue;
		size_t first, last;
		question_span(cues, &ts[j], &first, &last);
		return first;
	}
	for (size_t j = i + 2; j < n; j++)
		if (same_name(&ts[j], host))
			return ts[j].first;
	return cues->count;
}

qa_units_status qa_units_detect(const cue_list *cues, qa_units *out)
{
	turns_speaker *who = NULL;
	turn *ts = NULL;
	bool *asks = NULL;
	size_t n = 0;
	qa_units_status st = QA_UNITS_NOMEM;
	if (cues->count == 0)
		return QA_UNITS_OK;
	if (!turns_speakers(cues, &who) || !split_turns(cues, who, &ts, &n) ||
	    !(asks = calloc(n, sizeof *asks)))
		goto out;
	const turn *host = find_host(cues, ts, n);
	for (size_t i = 0; host && i + 1 < n; i++)
		asks[i] = is_question(cues, ts, i, host);
	for (size_t i = 0; i + 1 < n; i++)
		if (asks[i] &&
		    !add_unit(cues, ts, i, answer_until(cues, ts, n, i, host, asks), out))
			goto out;
	st = QA_UNITS_OK;
out:
	if (st != QA_UNITS_OK)
		qa_units_free(out);
	free(asks);
	free(ts);
	free(who);
	return st;
}
