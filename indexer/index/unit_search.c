#include "unit_search.h"

#include <string.h>

bool unit_search_is_unit(json_t *doc)
{
	const char *type = json_string_value(json_object_get(doc, "type"));
	return type && strcmp(type, "unit") == 0;
}

/* Did the query match the unit's question? Its first "question_cues" cues
 * are the question (index_build_units.c). */
bool unit_search_asked(json_t *doc, size_t at, bool questions)
{
	json_t *n = json_object_get(doc, "question_cues");
	return questions || (json_is_integer(n) && (json_int_t)at < json_integer_value(n));
}

const char *unit_search_kind(json_t *doc)
{
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	return kind ? kind : "question";
}

const char *unit_search_question(json_t *doc)
{
	return json_string_value(json_object_get(json_object_get(doc, "question"), "text"));
}

double unit_search_play_from(json_t *doc, size_t at, double t, bool questions)
{
	if (!unit_search_asked(doc, at, questions))
		return t;
	json_t *part = json_object_get(doc, UNIT_SEARCH_PLAYS_FROM_ANSWER ? "answer" : "question");
	json_t *start = json_object_get(part, "t");
	return json_is_number(start) ? json_number_value(start) : t;
}

bool unit_search_finish(json_t *doc, size_t at, bool questions, json_t *hit)
{
	if (!unit_search_asked(doc, at, questions))
		return json_object_set_new(hit, "type", json_string("passage")) == 0;
	json_t *q = json_object_get(doc, "question"), *a = json_object_get(doc, "answer");
	json_t *decisions = json_object_get(doc, "decisions");
	json_t *unit = json_pack("{s:s, s:O, s:O}", "kind", unit_search_kind(doc), "question",
	                         q ? q : json_null(), "answer", a ? a : json_null());
	if (unit && decisions && json_object_set(unit, "decisions", decisions) != 0) {
		json_decref(unit);
		return false;
	}
	return unit && json_object_set_new(hit, "unit", unit) == 0;
}
