/* /edit/<id>: staff change a recording's details, replace its transcript,
 * its agenda, its notes (#8) or its questions and answers (qa.md:
 * edit_units.h).
 *
 * GET shows the form, filled in from the recording's folder (the folder,
 * not the index, is what an edit changes); anybody not signed in is sent
 * to sign in first. POST applies what changed through the indexer's edit
 * API (recording_edit.h: each change validated, then written atomically),
 * re-indexes that one recording, and goes back to its page (303). A
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
	    sb_append_str(&sb, "</q></h1>\n") && http_form_signed_in(&sb, user, csrf) &&
	    http_form_error_box(&sb, err, note) &&
	    sb_append_str(&sb, "<form class=\"staff-form\" id=\"edit-form\" method=\"post\" "
	                       "action=\"/edit/") &&
	    http_escape_url(&sb, id) &&
	    sb_append_str(&sb, "\" enctype=\"multipart/form-data\">\n") &&
	    http_form_csrf(&sb, csrf) && sb_append_str(&sb, "\n") &&
	    http_form_details(&sb, v, err) &&
	    sb_append_str(&sb, "<fieldset>\n<legend>Transcript, agenda and notes</legend>\n") &&
	    http_form_file(&sb, "transcript", "Replace the transcript", hint,
	                   ".vtt,.srt,.sbv,.txt,text/vtt,text/plain", false, "transcript", err) &&
	    http_form_textarea(&sb, "agenda", "Agenda",
	                       "agenda.md: lines such as \"- 00:12:30 Title\". Empty it to "
	                       "remove the agenda.",
	                       v->agenda, 6, err) &&
	    http_form_textarea(&sb, "notes", "Notes", "Markdown. Empty it to remove the notes.",
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

/* What one POST changed, for the note shown when a later change fails. */
typedef struct applied {
	const char *names[5];
	size_t count;
} applied;

/* One change's verdict: 0 to go on, else the status to answer with (the
 * form again for the editor's mistake). */
static unsigned verdict(http_reply *out, ingest_status st, const ingest_error *err, applied *done,
                        const char *what)
{
	switch (st) {
	case INGEST_OK:
		done->names[done->count++] = what;
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

/* The qa.md field (edit_units.h), when the form sent it and it changed:
 * saved atomically beside the transcript, or removed when emptied. 0 to
 * go on, else the status (verdict). */
static unsigned apply_qa(http_reply *out, const char *archive, const char *id,
                         const form_body *form, const recording *rec,
                         const ingest_options *options, ingest_error *err, applied *done)
{
	bool nomem;
	char *qa = http_edit_units_qa(form, &nomem);
	if (nomem)
		return http_reply_error(out, 500, "out of memory");
	unsigned st = 0;
	if (qa && differs(qa, rec->qa_path)) {
		ingest_file file = {.text = qa, .text_len = strlen(qa)};
		st = verdict(out,
		             recording_replace_qa(archive, id, file.text_len ? &file : NULL,
		                                  options, err),
		             err, done, "the questions (qa.md)");
	}
	free(qa);
	return st;
}

/* Apply the form to recording id, then index it once. *err tells what
 * went wrong; done what was saved before. */
static unsigned apply(http_request *req, http_reply *out, const char *id,
                      const http_recording_form *v, const recording *rec, ingest_error *err,
                      applied *done)
{
	const char *archive = req->server->archive_dir;
	form_body *form = req->body;
	/* Every change is written first and the recording indexed once at the
	 * end, rather than once per change. */
	ingest_options options = INGEST_OPTIONS_INIT;
	options.no_index = true;
	unsigned st = 0;

	json_t *fields = metadata(v);
	if (!fields)
		return http_reply_error(out, 500, "out of memory");
	st = verdict(out, recording_update_metadata(archive, id, fields, &options, err), err, done,
	             "the details");
	json_decref(fields);

	const form_file *transcript = form_file_get(form, "transcript");
	if (!st && transcript) {
		ingest_file file = {.path = transcript->path, .name = transcript->filename};
		st = verdict(out, recording_replace_transcript(archive, id, &file, &options, err),
		             err, done, "the transcript");
	}
	/* The agenda and notes only when the form sent them and they
	 * changed: an unchanged text is not written (nor re-validated). */
	if (!st && v->agenda && differs(v->agenda, rec->agenda_path)) {
		ingest_file file = {.text = v->agenda,
		                    .text_len = v->agenda ? strlen(v->agenda) : 0};
		st = verdict(out,
		             recording_replace_agenda(archive, id, file.text_len ? &file : NULL,
		                                      &options, err),
		             err, done, "the agenda");
	}
	if (!st && v->notes && differs(v->notes, rec->notes_path)) {
		ingest_file file = {.text = v->notes, .text_len = v->notes ? strlen(v->notes) : 0};
		st = verdict(out,
		             recording_replace_notes(archive, id, file.text_len ? &file : NULL,
		                                     &options, err),
		             err, done, "the notes");
	}

	if (!st)
		st = apply_qa(out, archive, id, form, rec, &options, err, done);

	if (done->count > 0) {
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
	applied done = {{NULL}, 0};
	st = apply(req, out, id, &v, &rec, &err, &done);
	if (done.count > 0)
		log_say("serve", "%s edited recording %s", who.name, id);
	if (st == 400) {
		/* What was saved stays saved (each change is atomic on its own):
		 * the note says which, so the editor knows what is left. */
		char note[256] = "";
		size_t n = 0;
		for (size_t i = 0; i < done.count && n < sizeof note; i++)
			n += (size_t)snprintf(note + n, sizeof note - n, "%s%s",
			                      i == 0               ? "Saved: "
			                      : i + 1 < done.count ? ", "
			                                           : " and ",
			                      done.names[i]);
		if (done.count > 0 && n < sizeof note)
			snprintf(note + n, sizeof note - n, ". The rest was not.");
		if (form_file_get(req->body, "transcript") && n < sizeof note)
			snprintf(note + strlen(note), sizeof note - strlen(note),
			         "%sA chosen transcript file is not kept: choose it again.",
			         done.count ? " " : "");
		http_form_error bad = {err.field, err.message};
		bool has = rec.transcript_path != NULL;
		for (size_t i = 0; i < done.count; i++)
			has = has || strcmp(done.names[i], "the transcript") == 0;
		edit_units typed = {.qa = form_text(req->body, "qa")};
		st = edit_form(out, 400, id, who.name, who.csrf, &v, &bad, note[0] ? note : NULL,
		               has ? HAS_TRANSCRIPT_FILE : HAS_NO_TRANSCRIPT, &typed);
	} else if (!st) {
		strbuf location = STRBUF_INIT;
		st = sb_append_str(&location, "/watch/") && http_escape_url(&location, id) &&
		             http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, location.data)
		         ? 303
		         : http_reply_error(out, 500, "out of memory");
		sb_free(&location);
	}
out:
	http_recording_form_free(&v);
	recording_free(&rec);
	return st;
}
