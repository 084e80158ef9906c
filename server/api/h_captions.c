/* GET /captions/<id>.vtt: the recording's transcript as WebVTT, for a
 * <track kind="captions"> and to download. A WebVTT source is re-emitted
 * as parsed (tags and settings kept); SRT and a media's subtitle stream
 * are converted (vtt_write.h). A recording without a transcript gets a
 * valid, empty WebVTT file, so the player needs no special case.
 * /captions/<id>.srt and /captions/<id>.txt: the same cues as SubRip and
 * as plain text (transcript_write.h), the watch page's other downloads. */
#include <string.h>

#include "api.h"
#include "recording_files.h"
#include "transcript_write.h"
#include "vtt_write.h"

typedef enum { CAPTIONS_VTT, CAPTIONS_SRT, CAPTIONS_TXT } captions_format;

static bool captions_write(strbuf *sb, captions_format f, const http_transcript *tr)
{
	switch (f) {
	case CAPTIONS_VTT:
		return http_vtt_write_cues(sb, tr->cues,
		                           tr->source && strcmp(tr->source, "webvtt") == 0);
	case CAPTIONS_SRT:
		return http_srt_write_cues(sb, tr->cues);
	case CAPTIONS_TXT:
		return http_text_write_cues(sb, tr->cues);
	}
	return false;
}

unsigned http_handle_captions(http_request *req, http_reply *out)
{
	char id[RECORDING_ID_MAX + 1];
	json_t *summary = NULL;
	recording rec = RECORDING_INIT;
	http_transcript tr = {0};
	strbuf sb = STRBUF_INIT;
	unsigned st;
	static const struct {
		const char *suffix, *type;
	} formats[] = {
	    [CAPTIONS_VTT] = {".vtt", "text/vtt; charset=utf-8"},
	    [CAPTIONS_SRT] = {".srt", "application/x-subrip; charset=utf-8"},
	    [CAPTIONS_TXT] = {".txt", "text/plain; charset=utf-8"},
	};
	captions_format f = CAPTIONS_VTT;
	while (f <= CAPTIONS_TXT && !http_recording_id_from(req->rest, formats[f].suffix, id))
		f++;
	if (f > CAPTIONS_TXT)
		return http_reply_error(out, 404, "no such captions");
	if ((st = http_recording_summary(req, out, id, &summary)))
		return st;
	json_decref(summary);
	if ((st = http_recording_load(req, out, id, &rec)) ||
	    (st = http_transcript_load(&rec, &tr, out)))
		goto out;
	if (!captions_write(&sb, f, &tr)) {
		st = http_reply_error(out, 500, "out of memory");
		goto out;
	}
	st = http_reply_strbuf(out, formats[f].type, &sb);
	if (st == 200)
		http_reply_header_add(out, "Cache-Control", "no-cache");
out:
	sb_free(&sb);
	http_transcript_free(&tr);
	recording_free(&rec);
	return st;
}
