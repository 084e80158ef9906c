#include "staff_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "escape.h"
#include "html.h"

/* Whether err names this field. */
static bool http_form_error_for(const http_form_error *err, const char *field)
{
	return err && err->message && err->field && strcmp(err->field, field) == 0;
}

bool http_form_error_box(strbuf *sb, const http_form_error *err, const char *note)
{
	bool shown = err && err->message;
	bool ok =
	    sb_append_str(sb, "<div class=\"form-error\" id=\"form-error\" role=\"alert\"") &&
	    (shown || sb_append_str(sb, " hidden")) &&
	    sb_append_str(sb, ">\n<p><strong>Not saved.</strong> <span id=\"form-error-text\">");
	if (ok && shown)
		ok = http_escape_html(sb, err->message);
	ok = ok && sb_append_str(sb, "</span></p>\n");
	if (ok && shown && note)
		ok = sb_append_str(sb, "<p class=\"note\">") && http_escape_html(sb, note) &&
		     sb_append_str(sb, "</p>\n");
	return ok && sb_append_str(sb, "</div>\n");
}

bool http_form_csrf(strbuf *sb, const char *csrf)
{
	return sb_append_str(sb, "<input type=\"hidden\" name=\"csrf\" value=\"") &&
	       http_escape_attr(sb, csrf) && sb_append_str(sb, "\">");
}

/* The error slot of field (see above), with err's message when it names
 * the field. */
static bool http_form_field_error(strbuf *sb, const char *field, const http_form_error *err)
{
	bool shown = http_form_error_for(err, field);
	bool ok = sb_append_str(sb, "<p class=\"field-error\" id=\"") &&
	          http_escape_attr(sb, field) && sb_append_str(sb, "-error\"") &&
	          (shown || sb_append_str(sb, " hidden")) && sb_append_char(sb, '>');
	if (ok && shown)
		ok = http_escape_html(sb, err->message);
	return ok && sb_append_str(sb, "</p>\n");
}

/* The start of a field: its wrapper, label and hint. */
static bool field_begin(strbuf *sb, const char *name, const char *label, const char *hint,
                        const http_form_error *err)
{
	bool ok = sb_append_str(sb, "<div class=\"field") &&
	          (!http_form_error_for(err, name) || sb_append_str(sb, " invalid")) &&
	          sb_append_str(sb, "\">\n<label for=\"f-") && http_escape_attr(sb, name) &&
	          sb_append_str(sb, "\">") && http_escape_html(sb, label) &&
	          sb_append_str(sb, "</label>\n");
	if (ok && hint)
		ok = sb_append_str(sb, "<p class=\"hint\" id=\"") && http_escape_attr(sb, name) &&
		     sb_append_str(sb, "-hint\">") && http_escape_html(sb, hint) &&
		     sb_append_str(sb, "</p>\n");
	return ok;
}

/* The attributes every input shares: id, name, and what describes it. */
static bool field_attrs(strbuf *sb, const char *name, const char *hint, const char *error_field,
                        const http_form_error *err)
{
	bool invalid = error_field && http_form_error_for(err, error_field);
	bool ok = sb_append_str(sb, " id=\"f-") && http_escape_attr(sb, name) &&
	          sb_append_str(sb, "\" name=\"") && http_escape_attr(sb, name) &&
	          sb_append_char(sb, '"');
	if (ok && (hint || invalid)) {
		ok = sb_append_str(sb, " aria-describedby=\"");
		if (ok && hint)
			ok = http_escape_attr(sb, name) && sb_append_str(sb, "-hint");
		if (ok && invalid)
			ok = (!hint || sb_append_char(sb, ' ')) &&
			     http_escape_attr(sb, error_field) && sb_append_str(sb, "-error");
		ok = ok && sb_append_char(sb, '"');
	}
	/* The form comes back with one error: focus starts on its field, so
	 * a keyboard or screen-reader user lands where the fix goes. */
	if (ok && invalid)
		ok = sb_append_str(sb, " aria-invalid=\"true\" autofocus");
	return ok;
}

static bool text_input(strbuf *sb, const char *name, const char *label, const char *type,
                       const char *hint, const char *value, const char *extra,
                       const http_form_error *err)
{
	return field_begin(sb, name, label, hint, err) && sb_append_str(sb, "<input type=\"") &&
	       sb_append_str(sb, type) && sb_append_char(sb, '"') &&
	       field_attrs(sb, name, hint, name, err) && sb_append_str(sb, " value=\"") &&
	       http_escape_attr(sb, value ? value : "") && sb_append_char(sb, '"') &&
	       (!extra || sb_append_str(sb, extra)) && sb_append_str(sb, ">\n") &&
	       http_form_field_error(sb, name, err) && sb_append_str(sb, "</div>\n");
}

bool http_form_textarea(strbuf *sb, const char *name, const char *label, const char *hint,
                        const char *value, unsigned rows, const http_form_error *err)
{
	char attrs[32];
	snprintf(attrs, sizeof attrs, " rows=\"%u\"", rows);
	/* The newline after the start tag: the HTML parser drops one there
	 * (HTML §13.2.6.4.7, "textarea"), so a value that starts with a blank
	 * line keeps it. */
	return field_begin(sb, name, label, hint, err) && sb_append_str(sb, "<textarea") &&
	       field_attrs(sb, name, hint, name, err) && sb_append_str(sb, attrs) &&
	       sb_append_str(sb, ">\n") && http_escape_html(sb, value ? value : "") &&
	       sb_append_str(sb, "</textarea>\n") && http_form_field_error(sb, name, err) &&
	       sb_append_str(sb, "</div>\n");
}

bool http_form_file(strbuf *sb, const char *name, const char *label, const char *hint,
                    const char *accept, bool required, const char *error_field,
                    const http_form_error *err)
{
	bool ok = field_begin(sb, name, label, hint, err) &&
	          sb_append_str(sb, "<input type=\"file\"") &&
	          field_attrs(sb, name, hint, error_field, err);
	if (ok && accept)
		ok = sb_append_str(sb, " accept=\"") && http_escape_attr(sb, accept) &&
		     sb_append_char(sb, '"');
	if (ok && required)
		ok = sb_append_str(sb, " required");
	ok = ok && sb_append_str(sb, ">\n");
	if (ok && error_field && strcmp(error_field, name) == 0)
		ok = http_form_field_error(sb, name, err);
	return ok && sb_append_str(sb, "</div>\n");
}

static bool kind_select(strbuf *sb, const char *kind, const http_form_error *err)
{
	static const char *const kinds[] = {"release-qa", "webinar", "tac-meeting", "other"};
	bool ok = field_begin(sb, "kind", "Kind", NULL, err) && sb_append_str(sb, "<select") &&
	          field_attrs(sb, "kind", NULL, "kind", err) &&
	          sb_append_str(sb, " required>\n<option value=\"\">Choose…</option>\n");
	for (size_t i = 0; ok && i < sizeof kinds / sizeof kinds[0]; i++)
		ok = sb_append_str(sb, "<option value=\"") && sb_append_str(sb, kinds[i]) &&
		     sb_append_char(sb, '"') &&
		     (!kind || strcmp(kind, kinds[i]) != 0 || sb_append_str(sb, " selected")) &&
		     sb_append_char(sb, '>') &&
		     http_escape_html(sb, http_html_kind_label(kinds[i])) &&
		     sb_append_str(sb, "</option>\n");
	return ok && sb_append_str(sb, "</select>\n") && http_form_field_error(sb, "kind", err) &&
	       sb_append_str(sb, "</div>\n");
}

bool http_form_details(strbuf *sb, const http_recording_form *v, const http_form_error *err)
{
	return sb_append_str(sb, "<fieldset>\n<legend>The recording</legend>\n") &&
	       text_input(sb, "title", "Title", "text", NULL, v->title,
	                  " required autocomplete=\"off\"", err) &&
	       sb_append_str(sb, "<div class=\"row\">\n") && kind_select(sb, v->kind, err) &&
	       text_input(sb, "release", "Release (optional)", "text", NULL, v->release,
	                  " autocomplete=\"off\" placeholder=\"2.9, helion\"", err) &&
	       (v->date_optional
	            ? text_input(sb, "date", "Date (optional)", "date",
	                         "Empty: the media file's own, else today.", v->date, NULL, err)
	            : text_input(sb, "date", "Date", "date", NULL, v->date, " required", err)) &&
	       sb_append_str(sb, "</div>\n") &&
	       http_form_textarea(sb, "speakers", "Speakers (optional)",
	                          "One per line, as Name or Name (role).", v->speakers, 3, err) &&
	       http_form_textarea(sb, "description", "Description (optional)",
	                          "Markdown. Shown on the recording's page and searchable.",
	                          v->description, 4, err) &&
	       sb_append_str(sb, "</fieldset>\n");
}

unsigned http_form_sign_in_first(http_reply *out, const char *path)
{
	strbuf location = STRBUF_INIT;
	unsigned st = 303;
	/* Our own paths ("/upload", "/edit/<id>": ids are letters, digits,
	 * '-', '_', '.') read best as they are; anything else is encoded. */
	bool plain = strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                          "/-_.") == strlen(path);
	if (!sb_append_str(&location, "/login?next=") ||
	    !(plain ? sb_append_str(&location, path) : http_escape_url(&location, path)) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, location.data))
		st = http_reply_error(out, 500, "out of memory");
	sb_free(&location);
	return st;
}
