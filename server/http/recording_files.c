#include "recording_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_io.h"
#include "index_schema.h"
#include "path.h"
#include "recordings_list.h"
#include "similar_units.h"

bool http_recording_id_from(const char *rest, const char *suffix, char id[RECORDING_ID_MAX + 1])
{
	size_t n = strlen(rest), k = strlen(suffix);
	if (n <= k || n - k > RECORDING_ID_MAX || strcmp(rest + n - k, suffix) != 0)
		return false;
	memcpy(id, rest, n - k);
	id[n - k] = '\0';
	return recording_id_valid(id);
}

unsigned http_recording_summary(http_request *req, http_reply *out, const char *id,
                                json_t **summary)
{
	*summary = NULL;
	if (!recording_id_valid(id))
		return http_reply_error(out, 404, "no such recording");
	unsigned st = http_request_db(req, out);
	if (st)
		return st;
	char key[sizeof INDEX_META_RECORDING + RECORDING_ID_MAX];
	snprintf(key, sizeof key, "%s%s", INDEX_META_RECORDING, id);
	char *text = NULL;
	qx_status qs = qx_db_get_metadata(req->db->db, key, &text);
	if (qs == QX_RETRY) {
		/* A commit landed between the reopen and this read. */
		qx_db_reopen(req->db->db, NULL);
		qs = qx_db_get_metadata(req->db->db, key, &text);
	}
	if (qs != QX_OK)
		return http_request_db_failed(req, out, qs);
	if (!text[0]) {
		free(text);
		return http_reply_error(out, 404, "no recording %s", id);
	}
	*summary = json_loads(text, 0, NULL);
	free(text);
	if (!*summary)
		return http_reply_error(out, 500, "the index holds a damaged summary for %s", id);
	return 0;
}

unsigned http_recording_similar(http_request *req, http_reply *out, const char *id, json_t *summary)
{
	char err[512] = "";
	json_t *questions = json_object_get(summary, "questions");
	search_status st = similar_units_add(req->db->db, id, questions, err, sizeof err);
	if (st == SEARCH_BUSY) {
		/* A commit landed since the loan's reopen: once more on it. */
		qx_db_reopen(req->db->db, NULL);
		st = similar_units_add(req->db->db, id, questions, err, sizeof err);
	}
	switch (st) {
	case SEARCH_OK:
		return 0;
	case SEARCH_BUSY:
		/* Commits landed during both tries (`qarchive index` in a loop):
		 * a moment later the page is whole, as a search's "busy" is. */
		http_reply_header_add(out, "Retry-After", "1");
		return http_reply_error(out, 503, "similar questions: %s", err);
	case SEARCH_DAMAGED:
		return http_reply_error(out, 503, "similar questions: %s", err);
	case SEARCH_BAD_QUERY:
	case SEARCH_FAILED:
	case SEARCH_NOMEM:
		break;
	}
	return http_reply_error(out, 500, "similar questions: %s", err);
}

unsigned http_recordings_newest(http_request *req, http_reply *out, json_t **list)
{
	*list = NULL;
	unsigned st = http_request_db(req, out);
	if (st)
		return st;
	qx_status qs = recordings_list_newest(req->db->db, list);
	return qs == QX_OK ? 0 : http_request_db_failed(req, out, qs);
}

unsigned http_recording_load(http_request *req, http_reply *out, const char *id, recording *rec)
{
	char err[512];
	if (!recording_id_valid(id))
		return http_reply_error(out, 404, "no such recording");
	char *dir = path_join(req->server->archive_dir, id);
	if (!dir)
		return http_reply_error(out, 500, "out of memory");
	recording_status rs = recording_load_dir(dir, rec, err, sizeof err);
	free(dir);
	if (rs == RECORDING_NOMEM)
		return http_reply_error(out, 500, "out of memory");
	if (rs != RECORDING_OK)
		return http_reply_error(out, 404, "recording %s is no longer readable", id);
	return 0;
}

unsigned http_transcript_load(const recording *rec, http_transcript *t, http_reply *out)
{
	static const cue_list none = {NULL, 0, 0};
	*t = (http_transcript){
	    .cues = &none, .source = NULL, .file = TRANSCRIPT_INIT, .media = MEDIA_SUBTITLES_INIT};
	if (rec->transcript_path) {
		char *data = NULL;
		size_t len = 0;
		if (file_read_all(rec->transcript_path, &data, &len) != 0)
			return http_reply_error(out, 500, "the transcript of %s cannot be read",
			                        rec->id);
		transcript_status ts =
		    transcript_parse(data, len, TRANSCRIPT_UNKNOWN, rec->transcript_path, &t->file);
		free(data);
		if (ts == TRANSCRIPT_NOMEM)
			return http_reply_error(out, 500, "out of memory");
		if (ts != TRANSCRIPT_OK)
			return http_reply_error(out, 500,
			                        "the transcript of %s no longer parses: %s",
			                        rec->id, t->file.error);
		t->cues = &t->file.cues;
		t->source = transcript_format_str(t->file.format);
		return 0;
	}
	if (rec->media_path) {
		media_status ms = media_subtitles_read_file(rec->media_path, -1, &t->media);
		if (ms == MEDIA_NO_SUBTITLES)
			return 0;
		if (ms == MEDIA_NOMEM)
			return http_reply_error(out, 500, "out of memory");
		if (ms != MEDIA_OK)
			return http_reply_error(out, 500, "the subtitles of %s cannot be read",
			                        rec->id);
		t->cues = &t->media.cues;
		t->source = "media";
	}
	return 0;
}

void http_transcript_free(http_transcript *t)
{
	if (!t)
		return;
	transcript_free(&t->file);
	media_subtitles_free(&t->media);
}
