/* /edit/<id>: staff change a recording's details, replace its transcript,
 * its agenda or its notes (#8).
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

#include "escape.h"
#include "file_io.h"
#include "handlers.h"
#include "html.h"
#include "recording_files.h"
#include "session_cookie.h"
#include "staff_form.h"

/* What the form shows about the transcript now. */
typedef enum transcript_now {
	HAS_NO_TRANSCRIPT,
	HAS_TRANSCRIPT_FILE,
	HAS_TRANSCRIPT_UNKNOWN, /* after a failed POST: the form does not say */
} transcript_now;

static unsigned edit_form(http_reply *out, unsigned status, const char *id, const char *user,
                          const char *csrf, const http_recording_form *v,
                          const http_form_error *err, const char *note, transcript_now now)
{
	strbuf sb = STRBUF_INIT;
	char title[300];
	snprintf(title, sizeof title, "Edit: %.200s", v->title && v->title[0] ? v->title : id);
	http_page page = {
	    .title = title, .header_search = true, .page = "edit", .user = user, .csrf = csrf};
	const char *hint = now == HAS_TRANSCRIPT_FILE
	                       ? "WebVTT or SRT. Leave empty to keep the transcript it has."
	                   : now == HAS_NO_TRANSCRIPT
	                       ? "WebVTT or SRT. It has none yet (transcript pending, unless its "
	                         "media carries subtitles)."
	                       : "WebVTT or SRT. Leave empty to keep what it has.";
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
	    http_form_file(&sb, "transcript", "Replace the transcript", hint, ".vtt,.srt,text/vtt",
	                   false, "transcript", err) &&
	    http_form_textarea(&sb, "agenda", "Agenda",
	                       "agenda.md: lines such as \"- 00:12:30 Title\". Empty it to "
	                       "remove the agenda.",
	                       v->agenda, 6, err) &&
	    http_form_textarea(&sb, "notes", "Notes", "Markdown. Empty it to remove the notes.",
	                       v->notes, 6, err) &&
	    sb_append_str(&sb, "</fieldset>\n<div class=\"actions\"><button type=\"submit\">"
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
	char *agenda = NULL, *notes = NULL;
	unsigned st = http_recording_load(req, out, id, &rec);
	if (st)
		goto out;
	agenda = text_file(rec.agenda_path);
	notes = text_file(rec.notes_path);
	if (!agenda || !notes || !speaker_lines(&speakers, &rec.meta)) {
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
	st = edit_form(out, 200, id, user, csrf, &v, NULL, NULL,
	               rec.transcript_path ? HAS_TRANSCRIPT_FILE : HAS_NO_TRANSCRIPT);
out:
	free(agenda);
	free(notes);
	sb_free(&speakers);
	recording_free(&rec);
	return st;
}
