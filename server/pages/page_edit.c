/* /edit/<id>: staff change a recording's details, replace its transcript,
 * its agenda, its notes (#8) or its questions and answers (qa.md:
 * edit_units.h).
 *
 * GET shows the form, filled in from the recording's folder (the folder,
 * not the index, is what an edit changes); anybody not signed in is sent
 * to sign in first. POST applies what changed through the indexer's edit
 * API (recording_edit.h: every change validated, then written atomically),
 * re-indexes that one recording, and goes back to its page (303, with
 * ?done=saved so the page says so). All of the form is saved or none of it
 * (recording_edit_apply validates every part before writing any). A
 * mistake comes back on the form with everything typed kept, like
 * /upload's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "edit_units.h"
#include "escape.h"
#include "file_io.h"
#include "form_body.h"
#include "pages.h"
#include "html.h"
#include "index_update.h"
#include "recording.h"
#include "recording_edit.h"
#include "recording_files.h"
#include "session_cookie.h"
#include "staff_form.h"
#include "log_line.h"

/* What the form shows about the transcript now. */
typedef enum transcript_now {
	HAS_NO_TRANSCRIPT,
	HAS_TRANSCRIPT_FILE,
	HAS_MACHINE_TRANSCRIPT, /* speech recognition's: people's replaces it */
	HAS_TRANSCRIPT_UNKNOWN, /* after a failed POST: the form does not say */
} transcript_now;

static unsigned edit_form(http_reply *out, unsigned status, const char *id, const char *user,
                          const char *csrf, const http_recording_form *v,
                          const http_form_error *err, const char *note, transcript_now now,
                          const edit_units *units)
{
	strbuf sb = STRBUF_INIT;
	char title[300];
	snprintf(title, sizeof title, "Edit: %.200s", v->title && v->title[0] ? v->title : id);
	http_page page = {
	    .title = title, .header_search = true, .page = "edit", .user = user, .csrf = csrf};
	const char *hint =
	    now == HAS_TRANSCRIPT_FILE
	        ? "WebVTT, SRT, SBV, or text with times (Zoom, Teams, Otter, YouTube). "
	          "Leave empty to keep the transcript it has."
	    : now == HAS_MACHINE_TRANSCRIPT
	        ? "WebVTT, SRT, SBV or text with times. It has a machine transcript (speech "
	          "recognition's): a file given here replaces it."
	    : now == HAS_NO_TRANSCRIPT
	        ? "WebVTT, SRT, SBV or text with times. It has none yet "
	          "(transcript pending, unless its media carries subtitles)."
	        : "WebVTT, SRT, SBV or text with times. Leave empty to keep what it has.";
	bool ok =
	    http_html_begin(&sb, &page) && sb_append_str(&sb, "<h1>Edit <q>") &&
	    http_escape_html(&sb, v->title && v->title[0] ? v->title : id) &&
	    sb_append_str(&sb, "</q></h1>\n") && http_form_error_box(&sb, err, note) &&
	    sb_append_str(&sb, "<form class=\"staff-form\" id=\"edit-form\" method=\"post\" "
	                       "action=\"/edit/") &&
	    http_escape_url(&sb, id) &&
	    sb_append_str(&sb, "\" enctype=\"multipart/form-data\">\n") &&
	    http_form_csrf(&sb, csrf) && sb_append_str(&sb, "\n") &&
	    http_form_details(&sb, v, err) &&
	    sb_append_str(&sb, "<fieldset>\n<legend>Transcript, agenda and notes</legend>\n") &&
	    http_form_file(&sb, "transcript", "Replace the transcript (optional)", hint,
	                   ".vtt,.srt,.sbv,.txt,text/vtt,text/plain", false, "transcript", err) &&
	    http_form_textarea(&sb, "agenda", "Agenda (optional)",
	                       "agenda.md: lines such as \"- 00:12:30 Title\". Empty it to "
	                       "remove the agenda.",
	                       v->agenda, 6, err) &&
	    http_form_textarea(&sb, "notes", "Notes (optional)",
	                       "Markdown (GitHub's: tables, task lists). Empty it to remove the "
	                       "notes.",
	                       v->notes, 6, err) &&
	    sb_append_str(&sb, "</fieldset>\n") && http_edit_units_section(&sb, units, err) &&
	    sb_append_str(&sb, "<div class=\"actions\"><button type=\"submit\">"
	                       "Save changes</button> <a href=\"/watch/") &&
	    http_escape_url(&sb, id) &&
	    sb_append_str(&sb, "\">Cancel</a> <a class=\"danger\" href=\"/delete/") &&
	    http_escape_url(&sb, id) &&
	    sb_append_str(&sb, "\">Delete this recording…</a></div>\n</form>\n") &&
	    http_html_end(&sb);
	http_reply_header_add(out, "Cache-Control", "no-store");
	return http_html_reply(out, status, &sb, ok);
}

/* The speakers as the form shows them: "Name (role)", one per line. */
static bool speaker_lines(strbuf *sb, const recording_meta *m)
{
	bool ok = true;
	for (size_t i = 0; ok && i < m->speaker_count; i++) {
		const recording_speaker *sp = &m->speakers[i];
		ok = (i == 0 || sb_append_char(sb, '\n')) && sb_append_str(sb, sp->name);
		if (ok && sp->role)
			ok = sb_append_str(sb, " (") && sb_append_str(sb, sp->role) &&
			     sb_append_char(sb, ')');
	}
	return ok;
}

/* A text file of the recording, or "" when it has none (or it can no
 * longer be read: the form then offers to write it anew). Caller frees. */
static char *text_file(const char *path)
{
	char *text = NULL;
	size_t len;
	if (path && file_read_all(path, &text, &len) == 0)
		return text;
	return strdup("");
}

unsigned http_handle_edit_page(http_request *req, http_reply *out)
{
	const char *id = req->rest;
	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	if (!http_session_user(req, user, csrf))
		return http_form_sign_in_first(out, recording_id_valid(id) ? req->path : "/upload");
	recording rec = RECORDING_INIT;
	strbuf speakers = STRBUF_INIT;
	char *agenda = NULL, *notes = NULL, *qa = NULL;
	json_t *summary = NULL;
	unsigned st = http_recording_load(req, out, id, &rec);
	if (st)
		goto out;
	agenda = text_file(rec.agenda_path);
	notes = text_file(rec.notes_path);
	qa = text_file(rec.qa_path);
	if (!agenda || !notes || !qa || !speaker_lines(&speakers, &rec.meta)) {
		st = http_reply_error(out, 500, "out of memory");
		goto out;
	}
	http_recording_form v = {.title = rec.meta.title,
	                         .kind = recording_kind_str(rec.meta.kind),
	                         .release = rec.meta.release,
	                         .date = rec.meta.date,
	                         .speakers = speakers.data ? speakers.data : "",
	                         .description = rec.meta.description,
	                         .agenda = agenda,
	                         .notes = notes};
	/* The units as the index holds them: a recording not indexed yet
	 * shows its qa.md alone. */
	if (http_recording_summary(req, out, id, &summary) != 0) {
		http_reply_free(out);
		summary = NULL;
	}
	edit_units units = {.questions = json_object_get(summary, "questions"),
	                    .from_qa = rec.qa_path != NULL,
	                    .qa = qa};
	st = edit_form(out, 200, id, user, csrf, &v, NULL, NULL,
	               rec.transcript_machine ? HAS_MACHINE_TRANSCRIPT
	               : rec.transcript_path  ? HAS_TRANSCRIPT_FILE
	                                      : HAS_NO_TRANSCRIPT,
	               &units);
out:
	json_decref(summary);
	free(qa);
	free(agenda);
	free(notes);
	sb_free(&speakers);
	recording_free(&rec);
	return st;
}

/* The edit's verdict: 0 when saved, 400 for the editor's mistake (the form
 * comes back), else the error to answer with. */
static unsigned verdict(http_reply *out, ingest_status st, const ingest_error *err)
{
	switch (st) {
	case INGEST_OK:
		return 0;
	case INGEST_BAD_INPUT:
		return 400;
	case INGEST_NOT_FOUND:
		return http_reply_error(out, 404, "%s", err->message);
	case INGEST_BUSY:
		http_reply_header_add(out, MHD_HTTP_HEADER_RETRY_AFTER, "30");
		return http_reply_error(out, 503, "%s", err->message);
	case INGEST_IO:
	case INGEST_NOMEM:
		return http_reply_error(out, 500, "the change could not be saved: %s",
		                        err->message[0] ? err->message : ingest_status_str(st));
	}
	return http_reply_error(out, 500, "unknown ingest status");
}

/* recording.json's fields from the form. A field the form sent empty is
 * removed (null), so clearing the release in the form clears it; one it
 * did not send at all is left as it is (title, kind and date are
 * required: sent empty, or not at all, they are refused as missing). */
static json_t *metadata(const http_recording_form *v)
{
	json_t *o = json_object();
	bool ok = o != NULL;
	const struct {
		const char *key, *value;
		bool required;
	} texts[] = {{"title", v->title, true},
	             {"kind", v->kind, true},
	             {"date", v->date, true},
	             {"release", v->release, false},
	             {"description", v->description, false}};
	for (size_t i = 0; ok && i < sizeof texts / sizeof texts[0]; i++) {
		const char *value = texts[i].value;
		if (!value && !texts[i].required)
			continue;
		json_t *j = value && value[0] ? json_string(value) : json_null();
		ok = j && json_object_set_new(o, texts[i].key, j) == 0;
	}
	if (ok && v->speakers) {
		json_t *list = recording_speakers_from_text(v->speakers);
		if (list && json_array_size(list) == 0) {
			json_decref(list);
			list = json_null();
		}
		ok = list && json_object_set_new(o, "speakers", list) == 0;
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Whether the form's text differs from the file's (both LF). */
static bool differs(const char *form_text, const char *path)
{
	char *now = text_file(path);
	bool d = !now || strcmp(now, form_text ? form_text : "") != 0;
	free(now);
	return d;
}

/* Apply the form to recording id, all of it or nothing (recording_edit_apply
 * validates every part before it writes any), then index it once. *err
 * tells what went wrong. */
static unsigned apply(http_request *req, http_reply *out, const char *id,
                      const http_recording_form *v, const recording *rec, ingest_error *err)
{
	const char *archive = req->server->archive_dir;
	form_body *form = req->body;
	ingest_options options = INGEST_OPTIONS_INIT;
	options.no_index = true;
	json_t *fields = metadata(v);
	if (!fields)
		return http_reply_error(out, 500, "out of memory");
	const form_file *upload = form_file_get(form, "transcript");
	ingest_file transcript = {.path = upload ? upload->path : NULL,
	                          .name = upload ? upload->filename : NULL};
	ingest_file agenda = {.text = v->agenda, .text_len = v->agenda ? strlen(v->agenda) : 0};
	ingest_file notes = {.text = v->notes, .text_len = v->notes ? strlen(v->notes) : 0};
	/* The questions' qa.md (edit_units.h), checked against the transcript
	 * the edit leaves: emptied, detection is back. */
	bool nomem;
	char *qa = http_edit_units_qa(form, &nomem);
	if (nomem) {
		json_decref(fields);
		return http_reply_error(out, 500, "out of memory");
	}
	ingest_file qa_file = {.text = qa, .text_len = qa ? strlen(qa) : 0};
	/* The agenda, notes and qa.md only when the form sent them and they
	 * changed: an unchanged text is not written (nor re-validated). */
	recording_changes c = {
	    .fields = fields,
	    .transcript = upload ? &transcript : NULL,
	    .agenda_set = v->agenda && differs(v->agenda, rec->agenda_path),
	    .agenda = agenda.text_len ? &agenda : NULL,
	    .notes_set = v->notes && differs(v->notes, rec->notes_path),
	    .notes = notes.text_len ? &notes : NULL,
	    .qa_set = qa && differs(qa, rec->qa_path),
	    .qa = qa_file.text_len ? &qa_file : NULL,
	};
	unsigned st = verdict(out, recording_edit_apply(archive, id, &c, &options, err), err);
	json_decref(fields);
	free(qa);
	if (st == 0) {
		char why[512];
		index_update_status is = index_update_recording(archive, id, INDEX_UPDATE_WAIT_MS,
		                                                NULL, why, sizeof why);
		if (is != INDEX_UPDATE_OK)
			log_say("serve",
			        "recording %s changed, not indexed yet (the next "
			        "`qarchive index` catches up): %s",
			        id, why);
	}
	return st;
}

unsigned http_handle_edit(http_request *req, http_reply *out)
{
	const char *id = req->rest;
	http_staff who;
	recording rec = RECORDING_INIT;
	http_recording_form v;
	unsigned st = http_staff_form_check(req, out, &who);
	if (!http_recording_form_read(req->body, &v)) {
		http_reply_free(out);
		st = http_reply_error(out, 500, "out of memory");
		goto out;
	}
	if (st == 403 && who.name[0]) {
		/* A stale form: again, with a fresh token and what was typed. */
		http_reply_free(out);
		http_form_error stale = {NULL, "The form had expired. Check it and save again."};
		edit_units typed = {.qa = form_text(req->body, "qa")};
		st = edit_form(out, 403, id, who.name, who.csrf, &v, &stale,
		               "A chosen transcript file is not kept: choose it again.",
		               HAS_TRANSCRIPT_UNKNOWN, &typed);
		goto out;
	}
	if (st || (st = http_recording_load(req, out, id, &rec)))
		goto out;

	ingest_error err = INGEST_ERROR_INIT;
	st = apply(req, out, id, &v, &rec, &err);
	if (st == 0)
		log_say("serve", "%s edited recording %s", who.name, id);
	if (st == 400) {
		/* Nothing was saved (recording_edit_apply): the form says so once,
		 * with what was typed kept. */
		http_form_error bad = {err.field, err.message};
		edit_units typed = {.qa = form_text(req->body, "qa")};
		st = edit_form(out, 400, id, who.name, who.csrf, &v, &bad,
		               form_file_get(req->body, "transcript")
		                   ? "A chosen transcript file is not kept: choose it again."
		                   : NULL,
		               rec.transcript_machine ? HAS_MACHINE_TRANSCRIPT
		               : rec.transcript_path  ? HAS_TRANSCRIPT_FILE
		                                      : HAS_NO_TRANSCRIPT,
		               &typed);
	} else if (!st) {
		strbuf path = STRBUF_INIT, location = STRBUF_INIT;
		st = sb_append_str(&path, "/watch/") && http_escape_url(&path, id) &&
		             http_html_done_href(&location, path.data, HTTP_DONE_SAVED) &&
		             http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, location.data)
		         ? 303
		         : http_reply_error(out, 500, "out of memory");
		sb_free(&path);
		sb_free(&location);
	}
out:
	http_recording_form_free(&v);
	recording_free(&rec);
	return st;
}
