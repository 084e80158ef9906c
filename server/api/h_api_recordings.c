/* GET /api/recordings: {"total": N, "recordings": [summary, ...]}, newest
 * first; each summary is what `qarchive list --json` prints (id, title,
 * kind, release, date, year, speakers, description, has_transcript,
 * transcript_source, cue_count, duration, media, agenda, fingerprint). */
#include "api.h"
#include "recording_files.h"

unsigned http_handle_api_recordings(http_request *req, http_reply *out)
{
	json_t *list = NULL;
	unsigned st = http_recordings_newest(req, out, &list);
	if (st)
		return st;
	http_reply_header_add(out, "Cache-Control", "no-cache");
	return http_reply_json(out,
	                       json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(list),
	                                 "recordings", list));
}
