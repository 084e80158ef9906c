#include "cue_json.h"

#include <math.h>

/* json_out prints reals with 15 significant digits. Near DBL_MAX that
 * rounds up past the largest double (1.79769313486232e+308 reads back as
 * infinity), so such values are clamped to the largest 15-digit value that
 * stays finite: off by less than 1e-14 relative, instead of infinitely. */
static json_t *number_json(double v)
{
	const double largest_15_digits = 1.79769313486231e308;
	if (fabs(v) > largest_15_digits)
		v = copysign(largest_15_digits, v);
	return json_real(v);
}

static json_t *settings_json(const cue_settings *s)
{
	if (!s->present)
		return json_object();
	return json_pack("{s:s, s:o, s:b, s:s, s:o, s:s, s:f, s:s}", "vertical", s->vertical,
	                 "line", s->line_auto ? json_string("auto") : number_json(s->line),
	                 "snapToLines", s->snap_to_lines, "lineAlign", s->line_align, "position",
	                 s->position_auto ? json_string("auto") : number_json(s->position),
	                 "positionAlign", s->position_align, "size", s->size, "align", s->align);
}

/* The word times (cue.h), when the cue has any: [{"offset", "start"}]. */
static bool add_words(json_t *o, const cue *c)
{
	if (!o || c->word_count == 0)
		return o != NULL;
	json_t *words = json_array();
	for (size_t i = 0; words && i < c->word_count; i++)
		if (json_array_append_new(words, json_pack("{s:I, s:o}", "offset",
		                                           (json_int_t)c->words[i].offset, "start",
		                                           number_json(c->words[i].start))) != 0) {
			json_decref(words);
			words = NULL;
		}
	return words && json_object_set_new(o, "words", words) == 0;
}

json_t *cue_json(const cue *c)
{
	json_t *o = json_pack("{s:s, s:f, s:f, s:s, s:s, s:s?, s:o}", "id", c->id, "start",
	                      c->start, "end", c->end, "text", c->text, "plain", c->plain, "voice",
	                      c->voice, "settings", settings_json(&c->settings));
	if (!add_words(o, c)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *transcript_json(const transcript *t, transcript_status status)
{
	json_t *cues = json_array();
	if (!cues)
		return NULL;
	for (size_t i = 0; status == TRANSCRIPT_OK && i < t->cues.count; i++) {
		if (json_array_append_new(cues, cue_json(&t->cues.items[i])) != 0) {
			json_decref(cues);
			return NULL;
		}
	}
	json_t *error = status == TRANSCRIPT_OK ? json_null()
	                : t->error[0]           ? json_string(t->error)
	                                        : json_string(transcript_status_str(status));
	return json_pack("{s:b, s:s, s:o, s:o}", "valid", status == TRANSCRIPT_OK, "format",
	                 transcript_format_str(t->format), "cues", cues, "error", error);
}

json_t *agenda_json(const agenda *a, agenda_status status)
{
	json_t *items = json_array(), *notes = json_array();
	if (!items || !notes)
		goto nomem;
	for (size_t i = 0; status == AGENDA_OK && i < a->count; i++) {
		const agenda_entry *e = &a->entries[i];
		json_t *entry =
		    e->kind == AGENDA_ITEM
		        ? json_pack("{s:f, s:s, s:i, s:i}", "start", e->start, "title", e->title,
		                    "line", (json_int_t)e->line, "depth", (json_int_t)e->depth)
		        : json_pack("{s:s, s:i}", "text", e->title, "line", (json_int_t)e->line);
		if (json_array_append_new(e->kind == AGENDA_ITEM ? items : notes, entry) != 0)
			goto nomem;
	}
	json_t *error = status == AGENDA_OK ? json_null()
	                : a->error[0]       ? json_string(a->error)
	                                    : json_string(agenda_status_str(status));
	return json_pack("{s:b, s:o, s:o, s:o}", "valid", status == AGENDA_OK, "items", items,
	                 "notes", notes, "error", error);
nomem:
	json_decref(items);
	json_decref(notes);
	return NULL;
}
