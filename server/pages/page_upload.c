/* /upload: staff add a recording (#8).
 *
 * GET /upload shows the form to signed-in staff and sends anybody else to
 * sign in (303 to /login?next=/upload). The form works two ways:
 *
 *   - with scripts on, web/upload.js sends the media to the tus endpoint
 *     (/api/uploads) in chunks, with a progress bar, resuming after a
 *     dropped connection or a reload;
 *   - without them, the browser posts the whole form here, multipart, and
 *     POST /upload makes the recording at once (upload_commit.h): 303 to
 *     its page, or the form again with the error next to the field it
 *     names and every text kept (files cannot be put back into a file
 *     input: the page says to choose them again).
 *
 * Both carry the session's CSRF token: the form as its first field, the
 * script from <meta name="csrf-token"> as X-CSRF-Token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "pages.h"
#include "html.h"
#include "session_cookie.h"
#include "staff_form.h"
#include "upload_commit.h"

static unsigned upload_form(http_reply *out, unsigned status, const char *user, const char *csrf,
                            const http_recording_form *v, const http_form_error *err,
                            bool files_lost, const char *qa)
{
	strbuf sb = STRBUF_INIT;
	http_recording_form fields = *v;
	fields.date_optional = true;
	http_page page = {.title = "Upload a recording",
	                  .header_search = true,
	                  .script = "upload.js",
	                  .page = "upload",
	                  .user = user,
	                  .csrf = csrf};
	bool ok =
	    http_html_begin(&sb, &page) && sb_append_str(&sb, "<h1>Upload a recording</h1>\n") &&
	    sb_append_str(&sb, "<p class=\"lead\">The media file is required. A transcript can "
	                       "follow later: until then the recording is listed as "
	                       "<em>transcript pending</em>.</p>\n") &&
	    http_form_error_box(&sb, err,
	                        files_lost ? "Files are not kept after an error: choose the media "
	                                     "file (and any transcript or agenda file) again."
	                                   : NULL) &&
	    sb_append_str(&sb, "<form class=\"staff-form\" id=\"upload-form\" method=\"post\" "
	                       "action=\"/upload\" enctype=\"multipart/form-data\" "
	                       "data-tus=\"/api/uploads\">\n") &&
	    http_form_csrf(&sb, csrf) && sb_append_str(&sb, "\n") &&
	    http_form_details(&sb, &fields, err) &&
	    sb_append_str(&sb, "<fieldset>\n<legend>Files</legend>\n") &&
	    http_form_file(&sb, "media", "Media file", "The video or audio of the recording.",
	                   "audio/*,video/*", true, "media", err) &&
	    http_form_file(
	        &sb, "transcript", "Transcript (optional)",
	        "WebVTT, SRT, SBV, or text with times: Zoom, Teams, Otter and YouTube exports.",
	        ".vtt,.srt,.sbv,.txt,text/vtt,text/plain", false, "transcript", err) &&
	    http_form_file(&sb, "agenda_file", "Agenda file (optional)",
	                   "agenda.md: lines such as \"- 00:12:30 Title\". Or paste it below.",
	                   ".md,.txt,text/markdown,text/plain", false, "agenda", err) &&
	    http_form_textarea(&sb, "agenda", "Agenda, pasted (optional)", NULL, v->agenda, 4,
	                       err) &&
	    sb_append_str(&sb, "</fieldset>\n") &&
	    http_form_textarea(&sb, "notes", "Notes (optional)",
	                       "Markdown: links, action items, sources.", v->notes, 4, err) &&
	    http_form_textarea(&sb, "qa", "Questions and answers, qa.md (optional)",
	                       "Only where the detector would be wrong: \"- 12:34 Q: the question "
	                       "/ A: the answer's first words\", one a line (README: Questions "
	                       "and answers).",
	                       qa, 3, err) &&
	    sb_append_str(&sb, "<div class=\"actions\"><button type=\"submit\" "
	                       "id=\"upload-submit\">Upload</button></div>\n</form>\n"
	                       "<div class=\"upload-status\" id=\"upload-status\" hidden>\n"
	                       "<p id=\"upload-message\" role=\"status\"></p>\n"
	                       "<progress id=\"upload-progress\" max=\"100\" value=\"0\">"
	                       "</progress>\n<p id=\"upload-figures\" class=\"hint\"></p>\n"
	                       "<p class=\"upload-controls\" id=\"upload-controls\" hidden>"
	                       "<button type=\"button\" id=\"upload-pause\">Pause</button> "
	                       "<button type=\"button\" id=\"upload-cancel\" class=\"danger\">"
	                       "Cancel</button></p>\n"
	                       "<p id=\"upload-done\" hidden><a id=\"upload-link\" "
	                       "href=\"/\">Open the new recording</a></p>\n</div>\n") &&
	    http_html_end(&sb);
	/* The page holds the session's CSRF token: no cache may keep it. */
	http_reply_header_add(out, "Cache-Control", "no-store");
	return http_html_reply(out, status, &sb, ok);
}

unsigned http_handle_upload_page(http_request *req, http_reply *out)
{
	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	if (!http_session_user(req, user, csrf))
		return http_form_sign_in_first(out, "/upload");
	/* The date starts empty: today is rarely the day it was recorded, and
	 * a prefilled wrong date is easily saved unnoticed. Left empty, the
	 * media's creation date is taken, else today (ingest.h). */
	http_recording_form v = {.date = NULL};
	return upload_form(out, 200, user, csrf, &v, NULL, false, NULL);
}

/* POST /upload once the form is read: st is the gate's verdict
 * (http_staff_form_check), v what the form says. */
static unsigned upload(http_request *req, http_reply *out, unsigned st, const http_staff *who,
                       const http_recording_form *v)
{
	form_body *form = req->body;
	if (st == 403 && who->name[0]) {
		/* A stale form (the session was renewed since): show it again
		 * with a fresh token rather than losing what was typed. */
		http_reply_free(out);
		http_form_error err = {NULL, "The form had expired. Check it and press Upload "
		                             "again."};
		return upload_form(out, 403, who->name, who->csrf, v, &err, true,
		                   form_text(form, "qa"));
	}
	if (st)
		return st;

	const form_file *media = form_file_get(form, "media");
	const form_file *transcript = form_file_get(form, "transcript");
	const form_file *agenda = form_file_get(form, "agenda_file");
	bool files = media || transcript || agenda;
	if (agenda && v->agenda && v->agenda[0]) {
		http_form_error err = {"agenda", "agenda: choose a file or paste the agenda, not "
		                                 "both"};
		return upload_form(out, 400, who->name, who->csrf, v, &err, files,
		                   form_text(form, "qa"));
	}
	upload_fields fields = {.title = v->title,
	                        .kind = v->kind,
	                        .release = v->release,
	                        .date = v->date,
	                        .speakers = v->speakers,
	                        .description = v->description,
	                        .agenda_text = v->agenda,
	                        .notes_text = v->notes,
	                        .qa_text = form_text(form, "qa"),
	                        .media_path = media ? media->path : NULL,
	                        .media_name = media ? media->filename : NULL,
	                        .transcript_path = transcript ? transcript->path : NULL,
	                        .transcript_name = transcript ? transcript->filename : NULL,
	                        .agenda_path = agenda ? agenda->path : NULL,
	                        .uploaded_by = who->name};
	upload_result res;
	st = upload_commit_run(req->server, &fields, &res);
	if (st == 201) {
		/* Post/Redirect/Get: a reload of the recording's page does not
		 * upload it twice. */
		strbuf location = STRBUF_INIT;
		bool ok = http_html_done_href(&location, res.url, HTTP_DONE_UPLOADED) &&
		          http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, location.data);
		sb_free(&location);
		if (!ok)
			return http_reply_error(out, 500,
			                        "the recording was made, but its address "
			                        "was not reported: see the home page");
		return 303;
	}
	if (st == 400) {
		http_form_error err = {res.field, res.message};
		return upload_form(out, 400, who->name, who->csrf, v, &err, files,
		                   form_text(form, "qa"));
	}
	/* Not the uploader's mistake (503 busy, 500): the error page says so,
	 * with whatever headers (Retry-After) come with it. */
	http_reply_free(out);
	return upload_result_reply(st, &res, out);
}

unsigned http_handle_upload(http_request *req, http_reply *out)
{
	form_body *form = req->body;
	http_staff who;
	unsigned st = http_staff_form_check(req, out, &who);
	http_recording_form v;
	if (!http_recording_form_read(form, &v)) {
		http_recording_form_free(&v);
		http_reply_free(out);
		return http_reply_error(out, 500, "out of memory");
	}
	st = upload(req, out, st, &who, &v);
	http_recording_form_free(&v);
	return st;
}
