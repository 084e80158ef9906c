/* search_moment: where in a matched document a hit's moment is, and the
 * hit it becomes (search.h): passages at the densest run of the query's
 * terms (moment.h), units as questions asked (unit_search.h), agenda items,
 * the about and notes documents at their own start. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moment.h"
#include "search_cache.h"
#include "md_plain.h"
#include "search_internal.h"
#include "snippet_parts.h"
#include "similar_units.h"
#include "unit_search.h"

double search_number_or(json_t *obj, const char *key, double fallback)
{
	json_t *v = json_object_get(obj, key);
	return json_is_number(v) ? json_number_value(v) : fallback;
}

hit_memo *search_memo_new(const reader *r)
{
	unsigned n = qx_mset_size(r->ms);
	return calloc(n ? n : 1, sizeof(hit_memo));
}

void search_memo_free(hit_memo *memo, unsigned count)
{
	for (unsigned i = 0; memo && i < count; i++) {
		json_decref(memo[i].doc);
		json_decref(memo[i].moment);
	}
	free(memo);
}

/* Hit i's document data, parsed, into *doc (caller releases). */
search_status search_hit_doc(const reader *r, unsigned i, json_t **doc)
{
	const char *data;
	size_t len;
	json_error_t error;
	*doc = NULL;
	if (r->memo && r->memo[i].doc) {
		*doc = json_incref(r->memo[i].doc);
		return SEARCH_OK;
	}
	search_status st = search_check(r, qx_mset_hit(r->ms, i, &data, &len, NULL, NULL));
	if (st != SEARCH_OK)
		return st;
	if ((*doc = json_loadb(data, len, 0, &error)) != NULL) {
		if (r->memo)
			r->memo[i].doc = json_incref(*doc);
		return SEARCH_OK;
	}
	if (json_error_code(&error) == json_error_out_of_memory)
		return SEARCH_NOMEM;
	snprintf(r->err, r->errlen,
	         "a hit's data in the index is not JSON (%s): `qarchive index --force` rebuilds it",
	         error.text);
	return SEARCH_FAILED;
}

/* The cue of hit i where its query terms are said closest together
 * (moment.h), 0 when the match has no positions. With speaker: filters,
 * among the cues of those speakers (the first of them when none holds a
 * term), and *voiced says so. */
static search_status matched_cue(const reader *r, unsigned i, json_t *cues, size_t *at,
                                 bool *voiced, long *word)
{
	qx_position *positions = NULL;
	size_t n = 0;
	unsigned pos;
	long first = -1;
	*at = 0;
	*word = -1;
	double t0 = search_profile_now();
	search_status st = search_check(r, qx_mset_positions(r->ms, i, &positions, &n));
	r->prof->positions += search_profile_now() - t0;
	if (st == SEARCH_OK && !moment_in_voice(cues, (const char *const *)r->f->speakers,
	                                        r->f->speaker_count, positions, &n, &first))
		st = SEARCH_NOMEM;
	if (st == SEARCH_OK && moment_densest(positions, n, &pos, NULL)) {
		*at = moment_cue_at(cues, pos);
		*word = (long)pos;
	} else if (first >= 0)
		*at = (size_t)first;
	*voiced = first >= 0;
	free(positions);
	return st;
}

/* The snippet source of a passage: the matched cue and the next two,
 * joined by spaces. Caller frees; NULL when out of memory. */
static char *cues_text(json_t *cues, size_t at)
{
	size_t total = 0;
	for (size_t k = at; k < json_array_size(cues) && k < at + 3; k++) {
		const char *ct =
		    json_string_value(json_object_get(json_array_get(cues, k), "text"));
		total += (ct ? strlen(ct) : 0) + 1;
	}
	char *joined = calloc(1, total + 1);
	if (!joined)
		return NULL;
	for (size_t k = at; k < json_array_size(cues) && k < at + 3; k++) {
		const char *ct =
		    json_string_value(json_object_get(json_array_get(cues, k), "text"));
		if (!ct)
			continue;
		if (*joined)
			strcat(joined, " ");
		strcat(joined, ct);
	}
	return joined;
}

/* Notes and descriptions are markdown over several lines: a snippet is one
 * line of the words a reader sees. A copy of text (markdown: as md_plain
 * reads it) with each run of white space one space. Caller frees; NULL
 * when out of memory. */
static char *one_line(const char *text, bool markdown)
{
	char *flat = markdown ? md_plain(text) : strdup(text);
	if (!flat)
		return NULL;
	size_t w = 0;
	for (size_t r = 0; flat[r]; r++) {
		bool space = flat[r] == '\n' || flat[r] == '\t' || flat[r] == ' ';
		if (space && (w == 0 || flat[w - 1] == ' '))
			continue;
		flat[w++] = space ? ' ' : flat[r];
	}
	flat[w] = '\0';
	return flat;
}

/* Did agenda item i match by words of its own? An item also carries its
 * recording's title (unplaced: no positions), so that "helion autotuning"
 * finds the Helion Q&A's "How the autotuner searches"; an item that
 * matched by the title alone is not a moment of its own (the recording's
 * "about" is). A filter-only query (weight 0) lists every item. */
static search_status item_says_a_word(const reader *r, unsigned i, bool *said)
{
	const char *data;
	size_t len, n = 0;
	double weight = 0;
	qx_position *positions = NULL;
	search_status st = search_check(r, qx_mset_hit(r->ms, i, &data, &len, NULL, &weight));
	if (st == SEARCH_OK)
		st = search_check(r, qx_mset_positions(r->ms, i, &positions, &n));
	free(positions);
	*said = n > 0 || weight <= 0;
	return st;
}

/* How far into the answer to a question asked in a recording its opening
 * reaches, in seconds: about one cue (answer_opening; chosen on the tune
 * half of tests/search-quality, RESULTS.md session 8: at 12 s it also
 * moves answers whose labelled moment is the second cue). */
#define SEARCH_ANSWER_OPENING 5.0

/* Where a sentence query (a question as a developer types it) plays in a
 * unit of kind "question" that it matched in the answer, at t: from the
 * answer's start when t is in the answer's opening (up to
 * SEARCH_ANSWER_OPENING seconds in). The answer's first sentence is what
 * responds to the question, often without its words ("The minimum is now
 * Python 3.10."), and a question's words are said again a cue or two
 * later ("3.9 is gone, so if your CI still tests 3.9 ..."). Deeper in a
 * long answer, they mark the part of it that answers, and t stays.
 * Keywords stay where they are said. */
static double answer_opening(const reader *r, json_t *doc, size_t at, double t)
{
	if (!r->sentence || !unit_search_is_unit(doc) ||
	    strcmp(unit_search_kind(doc), "question") != 0 ||
	    unit_search_asked(doc, at, r->questions))
		return t;
	double answer = search_number_or(json_object_get(doc, "answer"), "t", -1);
	return answer >= 0 && t > answer && t <= answer + SEARCH_ANSWER_OPENING ? answer : t;
}

static search_status place(const reader *r, unsigned i, json_t **doc, double *t, size_t *at);

/* Where the moment of hit i is: *t, the cue holding the first matched
 * position (passages; *at is that cue, SIZE_MAX for other documents) or
 * the document's own start (agenda items, about, notes), and in *doc the
 * hit's data (caller releases); *doc is NULL for an agenda item that
 * matched only by its recording's title (item_says_a_word). */
search_status search_moment_place(const reader *r, unsigned i, json_t **doc, double *t, size_t *at)
{
	/* Read once per hit while the page is placed (search_internal.h). */
	hit_memo *m = r->memo ? &r->memo[i] : NULL;
	if (m && m->placed) {
		*doc = json_incref(m->moment);
		*t = m->t;
		*at = m->at;
		return SEARCH_OK;
	}
	search_status st = place(r, i, doc, t, at);
	if (m && st == SEARCH_OK)
		*m = (hit_memo){m->doc, true, json_incref(*doc), *t, *at};
	return st;
}

/* search_moment_place, worked out. */
static search_status place(const reader *r, unsigned i, json_t **doc, double *t, size_t *at)
{
	*at = SIZE_MAX;
	*t = 0;
	search_status st = search_hit_doc(r, i, doc);
	if (st != SEARCH_OK)
		return st;
	*t = search_number_or(*doc, "start", 0);
	const char *type = json_string_value(json_object_get(*doc, "type"));
	json_t *cues = json_object_get(*doc, "cues");
	bool said = true, voiced = false;
	long word = -1;
	if (type && strcmp(type, "agenda") == 0)
		st = item_says_a_word(r, i, &said);
	else if (json_is_array(cues) && json_array_size(cues) > 0 &&
	         (st = matched_cue(r, i, cues, at, &voiced, &word)) == SEARCH_OK) {
		/* A speaker's moment is their own words, even when they ask. */
		json_t *cue = json_array_get(cues, *at);
		double start = search_number_or(cue, "s", *t);
		*t = voiced ? start : moment_play_from(cues, *at);
		/* Not an answer to play instead: the word itself, when the
		 * transcript says when each word is said (moment.h). */
		if (*t == start && word >= 0)
			*t = moment_word_time(cue, (unsigned)word, start);
	}
	/* A speaker's moment is their own words, in a unit too. */
	if (st == SEARCH_OK && !voiced && unit_search_is_unit(*doc))
		*t = answer_opening(r, *doc, *at,
		                    unit_search_play_from(*doc, *at, *t, r->questions));
	if (st != SEARCH_OK || !said) {
		json_decref(*doc);
		*doc = NULL;
	}
	return st;
}

/* A question asked (hit has "unit"): the questions like it in other
 * recordings, as the unit's "similar" (similar_units.h). An index without
 * unit numbers ("k") gives none. */
static search_status add_similar(const reader *r, json_t *doc, const char *id, json_t *hit)
{
	json_t *unit = json_object_get(hit, "unit"), *k = json_object_get(doc, "k"), *similar;
	if (!unit)
		return SEARCH_OK;
	if (!json_is_integer(k) || json_integer_value(k) < 0)
		return json_object_set_new(unit, "similar", json_array()) == 0 ? SEARCH_OK
		                                                               : SEARCH_NOMEM;
	/* The same for every search of this revision (search_cache.h). */
	char key[300];
	snprintf(key, sizeof key, "similar\x1f%s\x1f%lld", id, (long long)json_integer_value(k));
	search_status st = SEARCH_OK;
	if (!(similar = search_cache_get(r->revision, key))) {
		st = similar_units_find(r->db, id, (size_t)json_integer_value(k),
		                        unit_search_kind(doc), &similar, r->err, r->errlen);
		if (st == SEARCH_OK)
			search_cache_put(r->revision, key, similar);
	}
	if (st == SEARCH_OK && json_object_set_new(unit, "similar", similar) != 0)
		st = SEARCH_NOMEM;
	return st;
}

/* What a result card shows beside the snippet: the recording's
 * "duration" (seconds, when known) and the "speaker" of the moment (the
 * voice of the cue it starts at, when the transcript says who speaks).
 * False when out of memory. */
static bool hit_card_fields(json_t *hit, json_t *summary, json_t *doc, size_t at)
{
	json_t *duration = json_object_get(summary, "duration");
	if (json_is_number(duration) && json_number_value(duration) > 0 &&
	    json_object_set(hit, "duration", duration) != 0)
		return false;
	json_t *cue = at == SIZE_MAX ? NULL : json_array_get(json_object_get(doc, "cues"), at);
	json_t *voice = json_object_get(cue, "v");
	return !json_is_string(voice) || json_object_set(hit, "speaker", voice) == 0;
}

/* *snippet with the words that matched by a piece marked too
 * (snippet_parts.h); false when out of memory. */
static bool mark_parts(const reader *r, char **snippet)
{
	char *marked = NULL;
	if (!snippet_mark_parts(r->ms, *snippet, &marked))
		return false;
	free(*snippet);
	*snippet = marked;
	return true;
}

/* A question asked: its answer's first sentence, whole, with the query's
 * words marked as the question's are (hit.unit.answer.snippet), on a copy
 * of the answer (the document's own may serve another hit). */
static search_status answer_snippet(const reader *r, json_t *hit)
{
	json_t *unit = json_object_get(hit, "unit");
	json_t *answer = json_object_get(unit, "answer");
	const char *text = json_string_value(json_object_get(answer, "text"));
	if (!text || !text[0])
		return SEARCH_OK;
	char *snippet = NULL;
	double t0 = search_profile_now();
	search_status st = search_check(r, qx_mset_mark(r->ms, text, &snippet));
	if (st == SEARCH_OK && !mark_parts(r, &snippet))
		st = SEARCH_NOMEM;
	r->prof->snippets += search_profile_now() - t0;
	json_t *copy = st == SEARCH_OK ? json_copy(answer) : NULL;
	if (st == SEARCH_OK &&
	    (!copy || json_object_set_new(copy, "snippet", json_string(snippet)) != 0 ||
	     json_object_set_new(unit, "answer", copy) != 0))
		st = SEARCH_NOMEM;
	free(snippet);
	return st;
}

/* The moment of hit i, in *hit: where it is (moment_place) with a
 * snippet; NULL when the hit is no moment of its own. */
search_status search_moment(const reader *r, unsigned i, const char *id, json_t *summary,
                            json_t **hit)
{
	json_t *doc = NULL;
	char *joined = NULL, *flat = NULL, *snippet = NULL;
	double t;
	size_t at;
	*hit = NULL;
	search_status st = search_moment_place(r, i, &doc, &t, &at);
	if (st != SEARCH_OK || !doc)
		return st;
	double start = search_number_or(doc, "start", 0), end = search_number_or(doc, "end", start);
	const char *type = json_string_value(json_object_get(doc, "type"));
	const char *text = json_string_value(json_object_get(doc, "text"));
	/* A question asked: its snippet is the question (unit_search.h). */
	if (unit_search_is_unit(doc) && unit_search_asked(doc, at, r->questions))
		text = unit_search_question(doc);
	else if (at != SIZE_MAX && !(text = joined = cues_text(json_object_get(doc, "cues"), at))) {
		st = SEARCH_NOMEM;
		goto out;
	}
	/* Everything but a transcript's passage is staff's markdown (notes,
	 * the description, agenda titles). */
	bool markdown = type && strcmp(type, "passage") != 0 && !unit_search_is_unit(doc);
	if (!(flat = one_line(text ? text : "", markdown))) {
		st = SEARCH_NOMEM;
		goto out;
	}
	double t0 = search_profile_now();
	st = search_check(r, qx_mset_snippet(r->ms, flat, 240, &snippet));
	if (st == SEARCH_OK && !mark_parts(r, &snippet))
		st = SEARCH_NOMEM;
	r->prof->snippets += search_profile_now() - t0;
	if (st != SEARCH_OK)
		goto out;
	*hit = json_pack("{s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:s, s:f, s:f, s:f, s:s}",
	                 "recording", id, "title", json_object_get(summary, "title"), "release",
	                 json_object_get(summary, "release"), "kind",
	                 json_object_get(summary, "kind"), "date", json_object_get(summary, "date"),
	                 "transcript", json_object_get(summary, "transcript"), "type",
	                 type ? type : "passage", "start", start, "end", end, "t",
	                 floor(t * 1000 + 0.5) / 1000, "snippet", snippet);
	if (*hit && !hit_card_fields(*hit, summary, doc, at)) {
		json_decref(*hit);
		*hit = NULL;
	}
	if (!*hit || (unit_search_is_unit(doc) && !unit_search_finish(doc, at, r->questions, *hit)))
		st = SEARCH_NOMEM;
	else if (unit_search_is_unit(doc) && (st = answer_snippet(r, *hit)) == SEARCH_OK)
		st = add_similar(r, doc, id, *hit);
out:
	if (st != SEARCH_OK) {
		json_decref(*hit);
		*hit = NULL;
	}
	free(snippet);
	free(flat);
	free(joined);
	json_decref(doc);
	return st;
}
