/* unit_search: what search makes of a hit on a question-and-answer unit
 * (index_schema.h: "unit" documents; qa_units.h).
 *
 * A unit is a result of its own when the query matches its question: the
 * densest run of the query's terms (moment.h) is in the question, or the
 * search asks for questions only (search_request.questions). Then the hit
 * says "type": "unit" and gains
 *     "unit": {"kind": "question" | "agenda",
 *              "question": {"text", "t", "speaker"},
 *              "answer": {"t", "end", "speaker", "text"},
 *              "decisions": [{"t", "text"}]}
 * (a TAC meeting's agenda item is a unit of kind "agenda": its title is
 * the question, its discussion the answer, and "decisions" the decisions
 * stated in it, agenda_units.h; a question has no "decisions")
 * ("text" of the answer: its first sentence), and its `t` is the answer's
 * start (UNIT_SEARCH_PLAYS_FROM_ANSWER; tests/search-quality/RESULTS.md
 * says why, and the page shows the question just before it). When the
 * query matches the answer, the hit is a moment in what was said, like a
 * passage's: "type": "passage", `t` at the densest run (for a sentence
 * query in the answer's first seconds, the answer's start: search_moment.c,
 * answer_opening).
 */
#ifndef QA_UNIT_SEARCH_H
#define QA_UNIT_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Where a unit hit plays from: true, the answer's start; false, the
 * question's start. */
#define UNIT_SEARCH_PLAYS_FROM_ANSWER true

/* Is doc (a hit's data) a unit? */
bool unit_search_is_unit(json_t *doc);

/* Is a hit on unit doc, its moment at cue `at`, a question asked (the
 * query matched the question, or `questions`)? Its snippet is then made
 * from the question's text. */
bool unit_search_asked(json_t *doc, size_t at, bool questions);

/* The question's text of unit doc (borrowed from doc), or NULL. */
const char *unit_search_question(json_t *doc);

/* The time to play a unit hit from, given the cue `at` of doc's "cues"
 * where its terms are densest and t, the time the passage rule gives
 * (moment_play_from); `questions`: the search lists units only. */
double unit_search_play_from(json_t *doc, size_t at, double t, bool questions);

/* Finish hit (built from doc like a passage's, its moment at cue `at`):
 * add "unit" and keep "type": "unit" when the query matched the question
 * (or `questions`), else make it "type": "passage". false when out of
 * memory. */
bool unit_search_finish(json_t *doc, size_t at, bool questions, json_t *hit);

/* The kind of unit doc ("question" or "agenda"; borrowed from doc, or a
 * constant: an index from before kinds held questions only). */
const char *unit_search_kind(json_t *doc);

#endif
