#include "media_json.h"

#include "cue_json.h"

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *media_info_json(const media_info *info)
{
	json_t *streams = json_array(), *chapters = json_array(), *tags = json_object();
	if (!streams || !chapters || !tags)
		goto nomem;
	for (size_t i = 0; i < info->stream_count; i++) {
		const media_stream *ms = &info->streams[i];
		json_t *s = json_pack("{s:i, s:s, s:s, s:o}", "index", (json_int_t)ms->index,
		                      "type", media_stream_type_str(ms->type), "codec", ms->codec,
		                      "language", string_or_null(ms->language));
		if (json_array_append_new(streams, s) != 0)
			goto nomem;
	}
	for (size_t i = 0; i < info->chapter_count; i++) {
		const media_chapter *mc = &info->chapters[i];
		json_t *c = json_pack("{s:f, s:f, s:s}", "start", mc->start, "end", mc->end,
		                      "title", mc->title);
		if (json_array_append_new(chapters, c) != 0)
			goto nomem;
	}
	for (size_t i = 0; i < info->tag_count; i++) {
		/* media_probe made every string valid UTF-8, as jansson needs. */
		if (json_object_set_new(tags, info->tags[i].key,
		                        json_string(info->tags[i].value)) != 0)
			goto nomem;
	}
	return json_pack("{s:o, s:s, s:o, s:o, s:o}", "duration",
	                 info->has_duration ? json_real(info->duration) : json_null(), "format",
	                 info->format ? info->format : "", "streams", streams, "chapters", chapters,
	                 "tags", tags);
nomem:
	json_decref(streams);
	json_decref(chapters);
	json_decref(tags);
	return NULL;
}

json_t *media_subtitles_json(const media_subtitles *s, media_status status)
{
	json_t *cues = json_array();
	if (!cues)
		return NULL;
	for (size_t i = 0; status == MEDIA_OK && i < s->cues.count; i++) {
		if (json_array_append_new(cues, cue_json(&s->cues.items[i])) != 0) {
			json_decref(cues);
			return NULL;
		}
	}
	json_t *error = status == MEDIA_OK ? json_null()
	                : s->error[0]      ? json_string(s->error)
	                                   : json_string(media_status_str(status));
	return json_pack("{s:b, s:s, s:o, s:o, s:o, s:o, s:o}", "valid", status == MEDIA_OK,
	                 "format", "media", "stream",
	                 s->stream >= 0 ? json_integer(s->stream) : json_null(), "codec",
	                 string_or_null(s->codec), "language", string_or_null(s->language), "cues",
	                 cues, "error", error);
}
