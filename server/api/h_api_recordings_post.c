/* POST /api/recordings: a new recording from a script (or any HTTP
 * client), as multipart/form-data:
 *
 *   curl -H "Authorization: Bearer $TOKEN" \
 *        -F title="PyTorch 2.10 Live Q&A" -F kind=release-qa -F release=2.10 \
 *        -F date=2026-01-21 -F speakers="Ada Lovelace (host), Alan Turing" \
 *        -F media=@talk.mp4 -F transcript=@talk.vtt -F agenda=@agenda.md \
 *        http://127.0.0.1:8080/api/recordings
 *
 * Fields: title, kind, release, date, speakers (one per line or comma-
 * separated, "Name (role)"), description (markdown); files media
 * (required), transcript (.vtt/.srt), agenda, notes — agenda and notes may
 * also be sent as text fields. A browser session may post too, with its
 * CSRF token in the X-CSRF-Token header or the csrf field.
 *
 * 201 {"id", "url", "indexed"}; 401 without credentials (refused before
 * the body is read); 400 {"error", "field"} naming what is wrong; 413 over
 * --max-upload; 415 not a form. The body ops are the staff forms'
 * (http_staff_form_upload): credentials are checked before the body is read.
 */
#include "api.h"
#include "staff_gate.h"
#include "upload_commit.h"

/* The path of file field name, or NULL. */
static const char *file_path(const form_body *form, const char *name, const char **client_name)
{
	const form_file *file = form_file_get(form, name);
	if (client_name)
		*client_name = file ? file->filename : NULL;
	return file ? file->path : NULL;
}

unsigned http_handle_api_recordings_post(http_request *req, http_reply *out)
{
	form_body *form = req->body;
	http_staff who;
	unsigned st = http_staff_form_check(req, out, &who);
	if (st)
		return st;
	upload_fields f = {
	    .title = form_text(form, "title"),
	    .kind = form_text(form, "kind"),
	    .release = form_text(form, "release"),
	    .date = form_text(form, "date"),
	    .speakers = form_text(form, "speakers"),
	    .description = form_text(form, "description"),
	    .transcript_text = form_text(form, "transcript"),
	    .agenda_text = form_text(form, "agenda"),
	    .notes_text = form_text(form, "notes"),
	    .qa_text = form_text(form, "qa"),
	    .uploaded_by = who.name,
	};
	f.media_path = file_path(form, "media", &f.media_name);
	f.transcript_path = file_path(form, "transcript", &f.transcript_name);
	f.agenda_path = file_path(form, "agenda", NULL);
	f.notes_path = file_path(form, "notes", NULL);
	f.qa_path = file_path(form, "qa", NULL);
	return upload_commit(req, &f, out);
}
