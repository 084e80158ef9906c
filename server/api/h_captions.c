/* GET /captions/<id>.vtt: the recording's transcript as WebVTT, for a
 * <track kind="captions">. A WebVTT source is re-emitted as parsed (tags
 * and settings kept); SRT and a media's subtitle stream are converted
 * (vtt_write.h). A recording without a transcript gets a valid, empty
 * WebVTT file, so the player needs no special case. */
#include <string.h>

#include "api.h"
#include "recording_files.h"
#include "vtt_write.h"

unsigned http_handle_captions(http_request *req, http_reply *out)
{
	char id[RECORDING_ID_MAX + 1];
	json_t *summary = NULL;
	recording rec = RECORDING_INIT;
	http_transcript tr = {0};
	strbuf sb = STRBUF_INIT;
	unsigned st;
	if (!http_recording_id_from(req->rest, ".vtt", id))
		return http_reply_error(out, 404, "no such captions");
	if ((st = http_recording_summary(req, out, id, &summary)))
		return st;
	json_decref(summary);
	if ((st = http_recording_load(req, out, id, &rec)) ||
	    (st = http_transcript_load(&rec, &tr, out)))
		goto out;
	bool as_written = tr.source && strcmp(tr.source, "webvtt") == 0;
	if (!http_vtt_write_cues(&sb, tr.cues, as_written)) {
		st = http_reply_error(out, 500, "out of memory");
		goto out;
	}
	st = http_reply_strbuf(out, "text/vtt; charset=utf-8", &sb);
	if (st == 200)
		http_reply_header_add(out, "Cache-Control", "no-cache");
out:
	sb_free(&sb);
	http_transcript_free(&tr);
	recording_free(&rec);
	return st;
}
