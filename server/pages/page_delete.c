/* /delete/<id>: staff delete a recording, after saying so twice (#8).
 *
 * GET asks for confirmation (a POST form carrying the session's CSRF
 * token, and a way back); anybody not signed in is sent to sign in first.
 * POST deletes it through the indexer's edit API (recording_delete: the
 * folder leaves the archive whole, then the index forgets it) and goes to
 * the home page (303), where it is no longer listed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "escape.h"
#include "pages.h"
#include "html.h"
#include "recording_edit.h"
#include "recording_files.h"
#include "session_cookie.h"
#include "staff_form.h"
#include "log_line.h"

static unsigned confirm_page(http_reply *out, unsigned status, const char *id, const char *title,
                             const char *user, const char *csrf, const char *error)
{
	strbuf sb = STRBUF_INIT;
	char page_title[300];
	snprintf(page_title, sizeof page_title, "Delete: %.200s", title);
	http_page page = {.title = page_title,
	                  .header_search = true,
	                  .page = "delete",
	                  .user = user,
	                  .csrf = csrf};
	bool ok = http_html_begin(&sb, &page) && sb_append_str(&sb, "<h1>Delete <q>") &&
	          http_escape_html(&sb, title) && sb_append_str(&sb, "</q> for good?</h1>\n");
	if (ok && error)
		ok = sb_append_str(&sb, "<div class=\"form-error\" role=\"alert\"><p>") &&
		     http_escape_html(&sb, error) && sb_append_str(&sb, "</p></div>\n");
	ok = ok &&
	     sb_append_str(&sb, "<p class=\"lead\">This removes its media and transcript from the "
	                        "archive, with its agenda and notes; it can no longer be found or "
	                        "played. There is no undo.</p>\n"
	                        "<form class=\"staff-form confirm\" method=\"post\" "
	                        "action=\"/delete/") &&
	     http_escape_url(&sb, id) && sb_append_str(&sb, "\">\n") && http_form_csrf(&sb, csrf) &&
	     sb_append_str(&sb, "\n<div class=\"actions\"><button type=\"submit\" class=\"danger\">"
	                        "Delete for good</button> <a href=\"/watch/") &&
	     http_escape_url(&sb, id) &&
	     sb_append_str(&sb, "\">Cancel, keep it</a></div>\n</form>\n") && http_html_end(&sb);
	http_reply_header_add(out, "Cache-Control", "no-store");
	return http_html_reply(out, status, &sb, ok);
}

unsigned http_handle_delete_page(http_request *req, http_reply *out)
{
	const char *id = req->rest;
	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	if (!http_session_user(req, user, csrf))
		return http_form_sign_in_first(out, recording_id_valid(id) ? req->path : "/upload");
	recording rec = RECORDING_INIT;
	unsigned st = http_recording_load(req, out, id, &rec);
	if (!st)
		st = confirm_page(out, 200, id, rec.meta.title, user, csrf, NULL);
	recording_free(&rec);
	return st;
}

unsigned http_handle_delete(http_request *req, http_reply *out)
{
	const char *id = req->rest;
	http_staff who;
	unsigned st = http_staff_form_check(req, out, &who);
	if (st)
		return st;
	ingest_error err = INGEST_ERROR_INIT;
	ingest_options options = INGEST_OPTIONS_INIT;
	ingest_status is = recording_delete(req->server->archive_dir, id, &options, &err);
	switch (is) {
	case INGEST_OK:
		log_say("serve", "%s deleted recording %s%s%s", who.name, id,
		        err.indexed ? "" : "; the index catches up later: ", err.message);
		/* The home page, saying it was done (html.h). */
		http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, "/?done=deleted");
		return 303;
	case INGEST_NOT_FOUND:
		return http_reply_error(out, 404, "no recording %s (deleted already?)", id);
	case INGEST_BAD_INPUT:
		return http_reply_error(out, 400, "%s", err.message);
	case INGEST_BUSY:
		http_reply_header_add(out, MHD_HTTP_HEADER_RETRY_AFTER, "30");
		return http_reply_error(out, 503, "%s", err.message);
	case INGEST_IO:
	case INGEST_NOMEM:
		break;
	}
	return http_reply_error(out, 500, "the recording could not be deleted: %s",
	                        err.message[0] ? err.message : ingest_status_str(is));
}
