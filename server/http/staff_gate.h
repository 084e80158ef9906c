/* staff_gate: how a staff form's request is read and let in, for the
 * staff pages (pages/) and POST /api/recordings (api/) alike: its body ops,
 * which refuse anybody who is not staff before the body is read, the gate
 * (staff + CSRF) once the body is in, and the recording's details as the
 * form sent them.
 */
#ifndef QA_HTTP_STAFF_GATE_H
#define QA_HTTP_STAFF_GATE_H

#include <stdbool.h>

#include "auth_gate.h"
#include "body.h"
#include "form_body.h"
#include "request.h"

/* A recording's details as a form holds them: each borrowed, NULL or ""
 * for empty. speakers is one per line ("Name" or "Name (role)"). */
typedef struct http_recording_form {
	const char *title;
	const char *kind;
	const char *release;
	const char *date;
	const char *speakers;
	const char *description;
	const char *agenda;
	const char *notes;
	char *owned[8]; /* what http_recording_form_read allocated */
	/* A new recording's form: the date may stay empty (the media's
	 * creation date, else today: ingest.h). */
	bool date_optional;
} http_recording_form;

/* The fields above as a form body sent them, with each CRLF made LF
 * (browsers send a textarea's line breaks as CRLF, HTML §4.10.21.8; the
 * archive's files use LF). Returns false when out of memory. Free with
 * http_recording_form_free (also after a failure). */
bool http_recording_form_read(const form_body *form, http_recording_form *v);
void http_recording_form_free(http_recording_form *v);

/* Body ops for the staff forms that carry files (POST /upload, /edit/<id>):
 * form_ops_upload, but a request that is not staff (http_require_staff,
 * without the CSRF check, which needs the body) is refused before its body
 * is read, so nobody else can fill the upload folder. */
extern const http_body_ops http_staff_form_upload;

/* The gate of a state-changing staff form: finish reading the form, then
 * require staff (a session or a Bearer token) and the session's CSRF token
 * in the form's "csrf" field (or, from a script, the X-CSRF-Token header). Returns 0 with *who
 * filled; otherwise the status with its message in *out: the form's own errors (400, 413, 500), 401
 * (not signed in), or 403 (the CSRF token is missing or stale). */
unsigned http_staff_form_check(http_request *req, http_reply *out, http_staff *who);

#endif
