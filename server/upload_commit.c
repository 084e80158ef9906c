#include "upload_commit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "escape.h"
#include "ingest.h"
#include "recording.h"
#include "strbuf.h"

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

unsigned upload_commit(http_request *req, const upload_fields *fields, http_reply *out)
{
	if (!given(fields->media_path))
		return http_reply_json(out, json_pack("{s:s, s:s}", "error",
		                                      "media: missing: choose the recording's "
		                                      "video or audio file",
		                                      "field", "media")) == 200
		           ? 400
		           : 500;
	json_t *meta = metadata(fields);
	if (!meta)
		return http_reply_error(out, 500, "out of memory");
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = meta;
	in.media = file_or_text(fields->media_path, fields->media_name, NULL);
	in.transcript =
	    file_or_text(fields->transcript_path, fields->transcript_name, fields->transcript_text);
	in.agenda = file_or_text(fields->agenda_path, NULL, fields->agenda_text);
	in.notes = file_or_text(fields->notes_path, NULL, fields->notes_text);
	char id[INGEST_ID_SIZE];
	ingest_error err = INGEST_ERROR_INIT;
	ingest_status st = ingest_recording(req->server->archive_dir, &in, id, sizeof id, &err);
	json_decref(meta);

	switch (st) {
	case INGEST_OK:
		break;
	case INGEST_BAD_INPUT:
		if (http_reply_json(out, json_pack("{s:s, s:s}", "error", err.message, "field",
		                                   err.field)) != 200)
			return 500;
		return 400;
	case INGEST_BUSY:
		http_reply_header_add(out, MHD_HTTP_HEADER_RETRY_AFTER, "30");
		return http_reply_error(out, 503, "%s", err.message);
	case INGEST_NOT_FOUND:
	case INGEST_IO:
	case INGEST_NOMEM:
		return http_reply_error(out, 500, "the recording could not be stored: %s",
		                        err.message[0] ? err.message : ingest_status_str(st));
	}
	fprintf(stderr, "qarchive serve: %s added recording %s%s\n",
	        given(fields->uploaded_by) ? fields->uploaded_by : "staff", id,
	        err.indexed ? "" : " (not indexed yet)");

	strbuf url = STRBUF_INIT, api = STRBUF_INIT;
	bool ok = sb_append_str(&url, "/watch/") && http_escape_url(&url, id) &&
	          sb_append_str(&api, "/api/recordings/") && http_escape_url(&api, id) &&
	          http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, api.data);
	unsigned status = ok ? http_reply_json(out, json_pack("{s:s, s:s, s:b}", "id", id, "url",
	                                                      url.data, "indexed", err.indexed))
	                     : http_reply_error(out, 500, "out of memory");
	sb_free(&url);
	sb_free(&api);
	return status == 200 ? 201 : status;
}
