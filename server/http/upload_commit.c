#include "upload_commit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "ingest.h"
#include "recording.h"
#include "pictures_queue.h"
#include "transcribe_queue.h"
#include "log_line.h"
#include "metrics.h"

static bool given(const char *s)
{
	return s && *s;
}

static json_t *metadata(const upload_fields *f)
{
	json_t *o = json_object();
	bool ok = o != NULL;
	const struct {
		const char *key, *value;
	} texts[] = {{"title", f->title},
	             {"kind", f->kind},
	             {"release", f->release},
	             {"date", f->date},
	             {"description", f->description}};
	for (size_t i = 0; ok && i < sizeof texts / sizeof texts[0]; i++)
		if (given(texts[i].value))
			ok = json_object_set_new(o, texts[i].key, json_string(texts[i].value)) == 0;
	if (ok && given(f->speakers)) {
		json_t *list = recording_speakers_from_text(f->speakers);
		ok = list && json_object_set_new(o, "speakers", list) == 0;
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static ingest_file file_or_text(const char *path, const char *name, const char *text)
{
	ingest_file file = INGEST_FILE_NONE;
	if (given(path)) {
		file.path = path;
		file.name = name;
	} else if (given(text)) {
		file.text = text;
		file.text_len = strlen(text);
	}
	return file;
}

/* A new recording with no transcript: queue it for speech recognition
 * (a file write; the worker decides whether its media has subtitles). */
static void queue_transcription(struct http_server *server, const upload_fields *f, const char *id)
{
	char err[300];
	if (!server->transcribe || given(f->transcript_path) || given(f->transcript_text))
		return;
	if (!transcribe_queue_add(server->transcribe, id, err, sizeof err))
		log_say("serve", "%s: cannot queue its transcription: %s", id, err);
}

unsigned upload_commit_run(struct http_server *server, const upload_fields *fields,
                           upload_result *res)
{
	return upload_commit_run_with(server, fields, NULL, res);
}

unsigned upload_commit_run_with(struct http_server *server, const upload_fields *fields,
                                const ingest_publish *publish, upload_result *res)
{
	const char *archive_dir = server->archive_dir;
	*res = (upload_result){.field = ""};
	if (!given(fields->media_path)) {
		res->field = "media";
		snprintf(res->message, sizeof res->message,
		         "media: missing: choose the recording's video or audio file");
		return 400;
	}
	json_t *meta = metadata(fields);
	if (!meta) {
		snprintf(res->message, sizeof res->message, "out of memory");
		return 500;
	}
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = meta;
	in.media = file_or_text(fields->media_path, fields->media_name, NULL);
	in.transcript =
	    file_or_text(fields->transcript_path, fields->transcript_name, fields->transcript_text);
	in.agenda = file_or_text(fields->agenda_path, NULL, fields->agenda_text);
	in.notes = file_or_text(fields->notes_path, NULL, fields->notes_text);
	in.qa = file_or_text(fields->qa_path, NULL, fields->qa_text);
	in.options.publish = publish;
	ingest_error err = INGEST_ERROR_INIT;
	ingest_status st = ingest_recording(archive_dir, &in, res->id, sizeof res->id, &err);
	json_decref(meta);

	switch (st) {
	case INGEST_OK:
		res->indexed = err.indexed;
		/* An id is letters, digits, '-', '_' and '.' (recording.h):
		 * nothing to escape in a path. */
		snprintf(res->url, sizeof res->url, "/watch/%s", res->id);
		log_say("serve", "%s added recording %s%s",
		        given(fields->uploaded_by) ? fields->uploaded_by : "staff", res->id,
		        err.indexed ? "" : " (not indexed yet)");
		queue_transcription(server, fields, res->id);
		http_metrics_add(server->metrics, HTTP_COUNT_UPLOADS, 1);
		pictures_queue_wake(server->pictures); /* its poster and storyboard, now */
		return 201;
	case INGEST_BAD_INPUT:
		res->field = err.field;
		snprintf(res->message, sizeof res->message, "%s", err.message);
		return 400;
	case INGEST_BUSY:
		snprintf(res->message, sizeof res->message, "%s", err.message);
		return 503;
	case INGEST_NOT_FOUND:
	case INGEST_IO:
	case INGEST_NOMEM:
		break;
	}
	snprintf(res->message, sizeof res->message, "the recording could not be stored: %s",
	         err.message[0] ? err.message : ingest_status_str(st));
	return 500;
}

unsigned upload_result_reply(unsigned status, const upload_result *res, http_reply *out)
{
	if (status == 400)
		return http_reply_json(out, json_pack("{s:s, s:s}", "error", res->message, "field",
		                                      res->field)) == 200
		           ? 400
		           : 500;
	if (status == 503)
		http_reply_header_add(out, MHD_HTTP_HEADER_RETRY_AFTER, "30");
	if (status != 201)
		return http_reply_error(out, status, "%s", res->message);
	char api[sizeof "/api/recordings/" + INGEST_ID_SIZE];
	snprintf(api, sizeof api, "/api/recordings/%s", res->id);
	if (!http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, api))
		return http_reply_error(out, 500, "out of memory");
	unsigned st = http_reply_json(out, json_pack("{s:s, s:s, s:b}", "id", res->id, "url",
	                                             res->url, "indexed", res->indexed));
	return st == 200 ? 201 : st;
}

unsigned upload_commit(http_request *req, const upload_fields *fields, http_reply *out)
{
	upload_result res;
	unsigned status = upload_commit_run(req->server, fields, &res);
	return upload_result_reply(status, &res, out);
}
