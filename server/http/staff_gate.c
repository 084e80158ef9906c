#include "staff_gate.h"

#include <stdlib.h>
#include <string.h>

/* A copy of s with every CRLF (and lone CR) as LF; NULL stays NULL. */
static bool lf_copy(const char *s, const char **out, char **owned)
{
	*out = NULL;
	*owned = NULL;
	if (!s)
		return true;
	char *copy = malloc(strlen(s) + 1), *w = copy;
	if (!copy)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			*w++ = '\n';
			if (p[1] == '\n')
				p++;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	*out = *owned = copy;
	return true;
}

bool http_recording_form_read(const form_body *form, http_recording_form *v)
{
	*v = (http_recording_form){0};
	return lf_copy(form_text(form, "title"), &v->title, &v->owned[0]) &&
	       lf_copy(form_text(form, "kind"), &v->kind, &v->owned[1]) &&
	       lf_copy(form_text(form, "release"), &v->release, &v->owned[2]) &&
	       lf_copy(form_text(form, "date"), &v->date, &v->owned[3]) &&
	       lf_copy(form_text(form, "speakers"), &v->speakers, &v->owned[4]) &&
	       lf_copy(form_text(form, "description"), &v->description, &v->owned[5]) &&
	       lf_copy(form_text(form, "agenda"), &v->agenda, &v->owned[6]) &&
	       lf_copy(form_text(form, "notes"), &v->notes, &v->owned[7]);
}

void http_recording_form_free(http_recording_form *v)
{
	for (size_t i = 0; i < sizeof v->owned / sizeof v->owned[0]; i++)
		free(v->owned[i]);
	*v = (http_recording_form){0};
}

static unsigned staff_begin(http_request *req, http_reply *out, void **ctx)
{
	http_staff who;
	*ctx = NULL;
	unsigned st = http_require_staff(req, out, false, &who);
	return st ? st : form_ops_upload.begin(req, out, ctx);
}

static unsigned staff_data(http_request *req, void *ctx, const char *data, size_t len,
                           http_reply *out)
{
	return form_ops_upload.data(req, ctx, data, len, out);
}

static void staff_free(void *ctx)
{
	form_ops_upload.free(ctx);
}

const http_body_ops http_staff_form_upload = {staff_begin, staff_data, staff_free};

unsigned http_staff_form_check(http_request *req, http_reply *out, http_staff *who)
{
	form_body *form = req->body;
	memset(who, 0, sizeof *who);
	unsigned st = form_body_finish(form, out);
	if (st)
		return st;
	if ((st = http_require_staff(req, out, false, who)))
		return st;
	if (!http_staff_csrf_ok(who, form_text(form, "csrf")) &&
	    !http_staff_csrf_ok(who, http_header(req, "X-CSRF-Token")))
		return http_reply_error(
		    out, 403,
		    "the form's CSRF token is missing or stale: reload the page "
		    "and try again");
	return 0;
}
