/* /login and /logout: staff sign in with a name and password (`qarchive
 * user add`) and get a session cookie (session_cookie.h).
 *
 * GET /login shows the form; POST /login checks it. Failed attempts are
 * slowed down per client address (login_throttle.h): past the free ones a
 * client waits, and is told how long (429 with Retry-After). The form
 * itself carries a CSRF token, although no session exists yet: it is a
 * random value in a short-lived SameSite=Strict cookie and in a hidden
 * field, which another site can neither read nor set (so it cannot sign a
 * visitor in to an account of its choosing). POST /logout ends the session;
 * its form carries the session's CSRF token.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "accounts.h"
#include "csrf.h"
#include "escape.h"
#include "form_body.h"
#include "pages.h"
#include "html.h"
#include "login_throttle.h"
#include "session_cookie.h"
#include "sessions.h"

#define LOGIN_COOKIE "qarchive_login"

/* Where to go after signing in: a path of this site only ("/upload"), never
 * "//elsewhere" or a URL with a scheme; the upload page otherwise. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return "/upload";
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p < 0x21 || *p == 0x7f || *p == '\\')
			return "/upload";
	return next;
}

static unsigned login_form(http_request *req, http_reply *out, unsigned status, const char *name,
                           const char *next, const char *error)
{
	/* A new form token with every form shown. */
	unsigned char bytes[24];
	char token[sodium_base64_ENCODED_LEN(24, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	randombytes_buf(bytes, sizeof bytes);
	sodium_bin2base64(token, sizeof token, bytes, sizeof bytes,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char cookie[160];
	snprintf(cookie, sizeof cookie,
	         "%s=%s; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600%s", LOGIN_COOKIE,
	         token, req->server->secure_cookies ? "; Secure" : "");
	http_reply_header_add(out, MHD_HTTP_HEADER_SET_COOKIE, cookie);

	strbuf sb = STRBUF_INIT;
	http_page page = {.title = "Sign in", .header_search = true, .page = "login"};
	bool ok =
	    http_html_begin(&sb, &page) &&
	    sb_append_str(&sb, "<h1>Sign in</h1>\n<p class=\"lead\">For staff who add and "
	                       "edit recordings. Reading the archive needs no account.</p>\n");
	if (ok && error)
		ok = sb_append_str(&sb, "<p class=\"form-error\" role=\"alert\">") &&
		     http_escape_html(&sb, error) && sb_append_str(&sb, "</p>\n");
	ok = ok &&
	     sb_append_str(&sb, "<form class=\"login\" method=\"post\" action=\"/login\">\n"
	                        "<input type=\"hidden\" name=\"csrf\" value=\"") &&
	     http_escape_attr(&sb, token) &&
	     sb_append_str(&sb, "\">\n<input type=\"hidden\" name=\"next\" value=\"") &&
	     http_escape_attr(&sb, safe_next(next)) &&
	     sb_append_str(&sb, "\">\n<label for=\"login-name\">Name</label>\n"
	                        "<input id=\"login-name\" name=\"name\" autocomplete=\"username\" "
	                        "required autofocus value=\"") &&
	     http_escape_attr(&sb, name ? name : "") &&
	     sb_append_str(&sb, "\">\n<label for=\"login-password\">Password</label>\n"
	                        "<input id=\"login-password\" name=\"password\" type=\"password\" "
	                        "autocomplete=\"current-password\" required>\n"
	                        "<button type=\"submit\">Sign in</button>\n</form>\n") &&
	     http_html_end(&sb);
	http_reply_header_add(out, "Cache-Control", "no-store");
	return http_html_reply(out, status, &sb, ok);
}

unsigned http_handle_login_page(http_request *req, http_reply *out)
{
	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	const char *next = http_query(req, "next");
	if (http_session_user(req, user, csrf)) {
		/* Already signed in: on to where the visitor was going. */
		http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, safe_next(next));
		return 303;
	}
	return login_form(req, out, 200, NULL, next, NULL);
}

unsigned http_handle_login(http_request *req, http_reply *out)
{
	form_body *form = req->body;
	unsigned st = form_body_finish(form, out);
	if (st)
		return st;
	const char *name = form_text(form, "name"), *password = form_text(form, "password");
	const char *next = form_text(form, "next");
	const char *cookie = http_cookie(req, LOGIN_COOKIE);
	if (!csrf_equal(form_text(form, "csrf"), cookie))
		return login_form(req, out, 403, name, next,
		                  "The sign-in form had expired (or cookies are off). Please try "
		                  "again.");
	if (!name || !*name || !password || !*password)
		return login_form(req, out, 400, name, next, "Enter your name and password.");

	unsigned wait = 0;
	time_t now = time(NULL);
	/* Counted before the password is checked (login_throttle_begin), so a
	 * burst of parallel attempts gets no more checks than one by one. */
	if (!login_throttle_begin(req->server->throttle, req->remote, now, &wait)) {
		char seconds[32], message[160];
		snprintf(seconds, sizeof seconds, "%u", wait);
		snprintf(message, sizeof message,
		         "Too many failed sign-ins from this address. Try again in %u second%s.",
		         wait, wait == 1 ? "" : "s");
		http_reply_header_add(out, MHD_HTTP_HEADER_RETRY_AFTER, seconds);
		return login_form(req, out, 429, name, next, message);
	}
	char err[256];
	accounts_status as =
	    accounts_cache_check_password(req->server->accounts, name, password, err, sizeof err);
	if (as == ACCOUNTS_BAD_CREDENTIALS || as == ACCOUNTS_NOT_FOUND || as == ACCOUNTS_BAD_NAME)
		return login_form(req, out, 401, name, next, "Wrong name or password.");
	if (as != ACCOUNTS_OK)
		/* Not checked: not held against the client. */
		login_throttle_refund(req->server->throttle, req->remote);
	if (as == ACCOUNTS_BUSY) {
		http_reply_header_add(out, MHD_HTTP_HEADER_RETRY_AFTER, "2");
		return login_form(req, out, 503, name, next,
		                  "Too many sign-ins at once. Please try again in a moment.");
	}
	if (as != ACCOUNTS_OK)
		return http_reply_error(out, 500, "the accounts cannot be read: %s", err);
	login_throttle_success(req->server->throttle, req->remote);

	char id[SESSION_TOKEN_SIZE], csrf[SESSION_TOKEN_SIZE];
	if (session_create(req->server->sessions, name, now, id, csrf) != SESSION_OK)
		return http_reply_error(out, 500, "the session could not be made");
	char clear[128];
	snprintf(clear, sizeof clear, "%s=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0",
	         LOGIN_COOKIE);
	if (!http_session_cookie_set(out, req, id) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_SET_COOKIE, clear) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, safe_next(next)))
		return http_reply_error(out, 500, "out of memory");
	http_reply_header_add(out, "Cache-Control", "no-store");
	return 303;
}

unsigned http_handle_logout(http_request *req, http_reply *out)
{
	form_body *form = req->body;
	unsigned st = form_body_finish(form, out);
	if (st)
		return st;
	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	if (http_session_user(req, user, csrf)) {
		if (!csrf_equal(form_text(form, "csrf"), csrf))
			return http_reply_error(out, 403,
			                        "missing or stale CSRF token: reload the page and "
			                        "sign out again");
		const char *id = http_cookie(req, SESSION_COOKIE);
		session_destroy(req->server->sessions, id);
	}
	http_session_cookie_clear(out, req);
	http_reply_header_add(out, MHD_HTTP_HEADER_LOCATION, "/");
	return 303;
}
