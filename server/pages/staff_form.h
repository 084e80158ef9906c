/* staff_form: what the staff pages share (/upload, /edit/<id>,
 * /delete/<id>): a recording's details as form fields, each with the value it
 * had and the error that concerns it.
 *
 * Every value is escaped here (escape.h); a field's error sits next to it
 * in <p class="field-error" id="<field>-error">, rendered (hidden) even
 * when there is none, so that web/upload.js can show an error from the
 * server's JSON in the same place as the no-JavaScript form does. The gate
 * a state-changing form passes is http/staff_gate.h.
 */
#ifndef QA_PAGES_STAFF_FORM_H
#define QA_PAGES_STAFF_FORM_H

#include <stdbool.h>

#include "request.h"
#include "staff_gate.h"
#include "strbuf.h"

/* A mistake to show on a form. */
typedef struct http_form_error {
	/* The input it concerns, as the ingest names them ("title", "kind",
	 * "release", "date", "speakers", "description", "media",
	 * "transcript", "agenda", "notes"); NULL or any other name: the form
	 * as a whole. Borrowed. */
	const char *field;
	const char *message; /* borrowed, one line; NULL: no error */
} http_form_error;

/* The error box at the top of a form: always there (hidden without an
 * error, for the script to fill), with err's message and, when note is
 * not NULL, a second line (e.g. that files must be chosen again). */
bool http_form_error_box(strbuf *sb, const http_form_error *err, const char *note);

/* The hidden first field of every staff form: the session's CSRF token. */
bool http_form_csrf(strbuf *sb, const char *csrf);

/* The details fieldset: title, kind (a <select>), release, date
 * (type=date), speakers and description (textareas), with v's values and
 * err next to its field. */
bool http_form_details(strbuf *sb, const http_recording_form *v, const http_form_error *err);

/* A <textarea> field with a label, a hint (plain text, may be NULL), the
 * value and its error slot. name is also the field the error names; the
 * element's id is "f-<name>". */
bool http_form_textarea(strbuf *sb, const char *name, const char *label, const char *hint,
                        const char *value, unsigned rows, const http_form_error *err);

/* A file input with a label and hint; accept (may be NULL) as the
 * attribute. error_field is the field an error about it names (the agenda
 * file's errors name "agenda", as the pasted agenda's do); NULL: none. */
bool http_form_file(strbuf *sb, const char *name, const char *label, const char *hint,
                    const char *accept, bool required, const char *error_field,
                    const http_form_error *err);

/* A 303 to path, for the pages that send visitors to sign in first:
 * /login?next=<path>. Returns 303, or 500 when out of memory. */
unsigned http_form_sign_in_first(http_reply *out, const char *path);

#endif
