/* A recording's questions and their answers as documents of their own
 * (index_schema.h: "unit"), beside its passages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decisions.h"
#include "index_build_internal.h"
#include "index_schema.h"

/* The first sentence of text (at least INDEX_UNIT_SUMMARY_MIN bytes of it
 * when the first is shorter: "Sure." says nothing), at most
 * INDEX_UNIT_SUMMARY_MAX bytes, cut at a character boundary. Caller frees. */
static char *first_sentence(const char *text)
{
	size_t n = strlen(text), end = n;
	for (size_t i = 0; i + 1 < n; i++)
		if (strchr(".?!", text[i]) && text[i + 1] == ' ' &&
		    i + 1 >= INDEX_UNIT_SUMMARY_MIN) {
			end = i + 1;
			break;
		}
	if (end > INDEX_UNIT_SUMMARY_MAX) {
		end = INDEX_UNIT_SUMMARY_MAX;
		while (end > 0 && ((unsigned char)text[end] & 0xC0) == 0x80)
			end--;
	}
	char *out = malloc(end + 1);
	if (out) {
		memcpy(out, text, end);
		out[end] = '\0';
	}
	return out;
}

/* The last cue of u's answer that is indexed: a long answer (the last one
 * of a qa.md runs to the end) is cut at INDEX_UNIT_ANSWER_CUES. */
static size_t answer_last_indexed(const qa_unit *u)
{
	size_t most = u->answer_first + INDEX_UNIT_ANSWER_CUES - 1;
	return u->answer_last < most ? u->answer_last : most;
}

/* The question's text and terms into b and its cues into list, each with
 * the answer's start as "a": a detected question's own cues, or qa.md's
 * words as one cue. Returns how many cues. */
static size_t add_question(builder *b, const cue_list *cues, const qa_unit *u, json_t *list)
{
	turns_speaker qwho = {u->question_speaker,
	                      u->question_speaker ? strlen(u->question_speaker) : 0};
	cue written = {.start = u->question_t, .end = u->answer_t, .plain = u->question};
	size_t first = u->written ? 0 : u->question_first;
	size_t last = u->written ? 0 : u->question_last;
	for (size_t k = first; k <= last; k++) {
		const cue *c = u->written ? &written : &cues->items[k];
		unsigned p = b->pos;
		index_build_text(b, "", c->plain, INDEX_WEIGHT_QUESTION, TEXT_CONTINUED);
		index_build_text(b, INDEX_PREFIX_QUESTION, c->plain, 0, TEXT_UNPLACED);
		json_array_append_new(list, index_build_cue_json(c, p, &qwho, u->answer_t));
	}
	b->pos++; /* no phrase spans the question and the answer */
	return last - first + 1;
}

/* The unit's text and terms into b; its cues (the question's, then the
 * answer's) into list. Returns how many are the question's. */
static size_t add_unit_text(builder *b, const cue_list *cues, const qa_unit *u, json_t *list)
{
	size_t asked = add_question(b, cues, u, list);
	unsigned p;
	if (u->question_speaker)
		index_build_speaker_terms(b, u->question_speaker, strlen(u->question_speaker));
	if (u->answer_speaker)
		index_build_speaker_terms(b, u->answer_speaker, strlen(u->answer_speaker));
	turns_speaker awho = {u->answer_speaker, u->answer_speaker ? strlen(u->answer_speaker) : 0};
	for (size_t k = u->answer_first; k <= answer_last_indexed(u) && k < cues->count; k++) {
		const cue *c = &cues->items[k];
		p = b->pos;
		index_build_text(b, "", c->plain, INDEX_WEIGHT_TEXT, TEXT_CONTINUED);
		json_array_append_new(list, index_build_cue_json(c, p, &awho, -1));
	}
	return asked;
}

static json_t *unit_data(const recording *rec, const cue_list *cues, const qa_unit *u, size_t k,
                         json_t *list, size_t asked)
{
	const char *said = cues->items[u->answer_first].plain;
	char *first = first_sentence(said ? said : "");
	json_t *data =
	    first ? json_pack("{s:s, s:s, s:f, s:f, s:o, s:I, s:I, s:{s:s, s:f, s:s?}, "
	                      "s:{s:f, s:f, s:s?, s:s}}",
	                      "r", rec->id, "type", "unit", "start", u->question_t, "end",
	                      u->answer_end, "cues", list, "question_cues", (json_int_t)asked, "k",
	                      (json_int_t)k, "question", "text", u->question, "t", u->question_t,
	                      "speaker", u->question_speaker, "answer", "t", u->answer_t, "end",
	                      u->answer_end, "speaker", u->answer_speaker, "text", first)
	          : NULL;
	if (!first)
		json_decref(list);
	free(first);
	if (data &&
	    json_object_set_new(data, "kind", json_string(qa_unit_kind_str(u->kind))) != 0) {
		json_decref(data);
		return NULL;
	}
	/* An agenda item marks the decisions stated in its discussion
	 * (decisions.h): the hit shows them. */
	json_t *decided = data && u->kind == QA_UNIT_AGENDA
	                      ? decisions_json(cues, u->question_t, u->answer_end)
	                      : NULL;
	if (data && u->kind == QA_UNIT_AGENDA &&
	    (!decided || json_object_set_new(data, "decisions", decided) != 0)) {
		json_decref(data);
		return NULL;
	}
	return data;
}

/* The unit's boolean terms: its number (the seed of its similar ones) and
 * its kind (similar ones are of the same kind). false when refused. */
static bool add_unit_terms(builder *b, const recording *rec, const qa_unit *u, size_t k)
{
	char term[512];
	snprintf(term, sizeof term, "%s%s#%zu", INDEX_TERM_UNIT, rec->id, k);
	if (qx_doc_add_boolean_term(b->doc, term) != QX_OK)
		return false;
	snprintf(term, sizeof term, "%s%s", INDEX_TERM_UNIT_KIND, qa_unit_kind_str(u->kind));
	return qx_doc_add_boolean_term(b->doc, term) == QX_OK;
}

index_build_status index_build_units(qx_db *db, const recording *rec, const cue_list *cues,
                                     const qa_units *units, bool voiced, const char *facet,
                                     const char *source, unsigned *n, index_build_counts *counts,
                                     char *err, size_t errlen)
{
	for (size_t i = 0; i < units->count; i++) {
		builder b;
		/* speaker: finds what a person said: a unit carries who asks and
		 * who answers, or the recording's speakers when no one is named. */
		if (!index_build_start(&b, db, rec, NULL, !voiced, facet, source)) {
			qx_doc_free(b.doc);
			snprintf(err, errlen, "%s: out of memory", rec->id);
			return INDEX_BUILD_NOMEM;
		}
		b.spelling = false; /* its words are the passages' too */
		json_t *list = json_array();
		size_t asked = list ? add_unit_text(&b, cues, &units->items[i], list) : 0;
		json_t *data = list ? unit_data(rec, cues, &units->items[i], i, list, asked) : NULL;
		if (!add_unit_terms(&b, rec, &units->items[i], i))
			b.failed = true;
		index_build_status st =
		    index_build_commit(&b, rec, "unit", (*n)++, data, counts, err, errlen);
		qx_doc_free(b.doc);
		if (st != INDEX_BUILD_OK)
			return st;
	}
	return INDEX_BUILD_OK;
}
