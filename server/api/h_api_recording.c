/* GET /api/recordings/<id>: the recording's summary (as in
 * /api/recordings) plus
 *   "cues": [{"id", "start", "end", "text", "plain", "voice", "settings"}]
 *            (the shape `qarchive cues` prints; [] without a transcript),
 *   "transcript_format": "webvtt" | "srt" | "sbv" | "text" | "media" | null,
 *   "transcript": "machine" | "human" | null (from the summary: who made it),
 *   "transcription": {"state": "queued" | "running" | "failed", "progress":
 *            0..100 | null, "message", "text"} while a recording without a
 *            transcript has a speech-recognition job, else null,
 *   "notes": notes.md as written (markdown; render it safely) or null,
 *   "urls": {"media": "/media/<id>" | null, "captions", "chapters", "watch"}.
 * The agenda (agenda.md, or the media's chapters) is the summary's
 * "agenda": [{"start", "title"}], its "questions": [{"t", "text", "speaker",
 * "answer_t", "end", "similar": [{"recording", "title", "release", "t",
 * "question"}]}] (similar_units.h). 404 {"error"} for an unknown id. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cue_json.h"
#include "file_io.h"
#include "api.h"
#include "recording_files.h"
#include "transcribe_job.h"

/* notes.md is UTF-8 by the archive's rules; if it is not, the page shows
 * no notes rather than failing. */
static json_t *notes_json(const char *notes)
{
	json_t *j = notes ? json_string(notes) : NULL;
	return j ? j : json_null();
}

/* The job of a recording without a transcript, or JSON null. */
static json_t *transcription_json(const char *archive_dir, const recording *rec)
{
	transcribe_job job;
	if (rec->transcript_path ||
	    transcribe_job_read(archive_dir, rec->id, &job) != TRANSCRIBE_JOB_OK)
		return json_null();
	char text[sizeof job.message + 64];
	transcribe_job_describe(&job, time(NULL), text, sizeof text);
	json_t *o = json_pack("{s:s, s:s, s:s}", "state", transcribe_state_str(job.state),
	                      "message", job.message, "text", text);
	if (o && json_object_set_new(o, "progress",
	                             job.progress >= 0 ? json_integer(job.progress)
	                                               : json_null()) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o ? o : json_null();
}

unsigned http_handle_api_recording(http_request *req, http_reply *out)
{
	json_t *summary = NULL, *cues = NULL;
	recording rec = RECORDING_INIT;
	http_transcript tr = {0};
	char *notes = NULL;
	const char *id = req->rest;
	unsigned st = http_recording_summary(req, out, id, &summary);
	if (st || (st = http_recording_similar(req, out, id, summary)) ||
	    (st = http_recording_load(req, out, id, &rec)) ||
	    (st = http_transcript_load(&rec, &tr, out)))
		goto out;
	if (!(cues = json_array()))
		goto nomem;
	for (size_t i = 0; i < tr.cues->count; i++)
		if (json_array_append_new(cues, cue_json(&tr.cues->items[i])))
			goto nomem;
	size_t len;
	if (rec.notes_path && file_read_all(rec.notes_path, &notes, &len) != 0)
		notes = NULL; /* unreadable since indexing: show none */
	char media[160], captions[160], chapters[160], watch[160];
	snprintf(media, sizeof media, "/media/%s", id);
	snprintf(captions, sizeof captions, "/captions/%s.vtt", id);
	snprintf(chapters, sizeof chapters, "/chapters/%s.vtt", id);
	snprintf(watch, sizeof watch, "/watch/%s", id);
	if (json_object_set_new(summary, "cues", cues) ||
	    json_object_set_new(summary, "transcript_format",
	                        tr.source ? json_string(tr.source) : json_null()) ||
	    json_object_set_new(summary, "notes", notes_json(notes)) ||
	    json_object_set_new(summary, "transcription",
	                        transcription_json(req->server->archive_dir, &rec)) ||
	    json_object_set_new(summary, "urls",
	                        json_pack("{s:s?, s:s, s:s, s:s}", "media",
	                                  rec.media_path ? media : NULL, "captions", captions,
	                                  "chapters", chapters, "watch", watch))) {
		cues = NULL;
		goto nomem;
	}
	cues = NULL;
	http_reply_header_add(out, "Cache-Control", "no-cache");
	st = http_reply_json(out, summary);
	summary = NULL;
	goto out;
nomem:
	st = http_reply_error(out, 500, "out of memory");
out:
	json_decref(cues);
	json_decref(summary);
	free(notes);
	http_transcript_free(&tr);
	recording_free(&rec);
	return st;
}
