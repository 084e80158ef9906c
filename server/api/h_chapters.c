/* GET /chapters/<id>.vtt: the recording's agenda (agenda.md's timed items,
 * or the media's chapters: the summary's "agenda", merged at index time)
 * as a WebVTT chapters track, for <track kind="chapters">. Each chapter
 * runs to the next; the last to the recording's duration. */
#include <stdlib.h>

#include "api.h"
#include "recording_files.h"
#include "vtt_write.h"

unsigned http_handle_chapters(http_request *req, http_reply *out)
{
	char id[RECORDING_ID_MAX + 1];
	json_t *summary = NULL;
	http_chapter *chapters = NULL;
	strbuf sb = STRBUF_INIT;
	unsigned st;
	if (!http_recording_id_from(req->rest, ".vtt", id))
		return http_reply_error(out, 404, "no such chapters");
	if ((st = http_recording_summary(req, out, id, &summary)))
		return st;
	json_t *agenda = json_object_get(summary, "agenda");
	size_t n = json_array_size(agenda), count = 0;
	chapters = calloc(n ? n : 1, sizeof *chapters);
	if (!chapters) {
		st = http_reply_error(out, 500, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(agenda, i);
		const char *title = json_string_value(json_object_get(item, "title"));
		json_t *start = json_object_get(item, "start");
		if (!title || !json_is_number(start))
			continue;
		chapters[count].start = json_number_value(start);
		chapters[count].title = title;
		count++;
	}
	double end = json_number_value(json_object_get(summary, "duration"));
	if (!http_vtt_write_chapters(&sb, chapters, count, end)) {
		st = http_reply_error(out, 500, "out of memory");
		goto out;
	}
	st = http_reply_strbuf(out, "text/vtt; charset=utf-8", &sb);
	if (st == 200)
		http_reply_header_add(out, "Cache-Control", "no-cache");
out:
	sb_free(&sb);
	free(chapters);
	json_decref(summary);
	return st;
}
