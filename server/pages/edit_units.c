#include "edit_units.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "timecode.h"

/* One unit as a list item: "12:34 Question (Name) · answer 12:41–14:02". */
static bool unit_line(strbuf *sb, json_t *q)
{
	const char *text = json_string_value(json_object_get(q, "text"));
	const char *who = json_string_value(json_object_get(q, "speaker"));
	const char *kind = json_string_value(json_object_get(q, "kind"));
	bool agenda = kind && strcmp(kind, "agenda") == 0;
	bool ok = sb_append_str(sb, "<li><span class=\"ts\">") &&
	          timecode_clock(sb, json_number_value(json_object_get(q, "t"))) &&
	          sb_append_str(sb, "</span> ") &&
	          (!agenda || sb_append_str(sb, "<span class=\"tag\">Agenda item</span> ")) &&
	          http_escape_html(sb, text ? text : "");
	if (ok && who)
		ok = sb_append_str(sb, " <span class=\"who\">(") && http_escape_html(sb, who) &&
		     sb_append_str(sb, ")</span>");
	return ok && sb_append_str(sb, agenda ? " · discussed " : " · answer ") &&
	       timecode_clock(sb, json_number_value(json_object_get(q, "answer_t"))) &&
	       sb_append_str(sb, "\u2013") &&
	       timecode_clock(sb, json_number_value(json_object_get(q, "end"))) &&
	       sb_append_str(sb, "</li>\n");
}

bool http_edit_units_section(strbuf *sb, const edit_units *u, const http_form_error *err)
{
	size_t n = json_array_size(u->questions);
	const char *kind =
	    json_string_value(json_object_get(json_array_get(u->questions, 0), "kind"));
	bool agenda = kind && strcmp(kind, "agenda") == 0; /* a TAC meeting's: all or none */
	bool ok = sb_append_str(sb, "<fieldset id=\"units\">\n<legend>Questions and "
	                            "answers</legend>\n");
	if (ok && u->questions)
		ok = sb_append_str(sb, "<p class=\"units-source\">") &&
		     sb_append_str(sb, n == 0
		                           ? "None found yet (no transcript, or no one in it asks)."
		                       : u->from_qa ? "From qa.md:"
		                       : agenda     ? "Its agenda items (a TAC meeting; no qa.md):"
		                                    : "Detected in the transcript (no qa.md):") &&
		     sb_append_str(sb, "</p>\n");
	if (ok && n > 0) {
		ok = sb_append_str(sb, "<ol class=\"units-list\">\n");
		for (size_t i = 0; ok && i < n; i++)
			ok = unit_line(sb, json_array_get(u->questions, i));
		ok = ok && sb_append_str(sb, "</ol>\n");
	}
	return ok &&
	       http_form_textarea(sb, "qa", "qa.md",
	                          "To correct them, list the questions, one a line: "
	                          "\"- 12:34 Q: the question / A: the answer's first words\" "
	                          "(README: Questions and answers). It replaces detection for "
	                          "this recording; empty it to detect them again.",
	                          u->qa ? u->qa : "", 6, err) &&
	       sb_append_str(sb, "</fieldset>\n");
}

char *http_edit_units_qa(const form_body *form, bool *nomem)
{
	const char *s = form_text(form, "qa");
	*nomem = false;
	if (!s)
		return NULL;
	char *copy = malloc(strlen(s) + 1), *w = copy;
	if (!copy) {
		*nomem = true;
		return NULL;
	}
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			*w++ = '\n';
			if (p[1] == '\n')
				p++;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return copy;
}
