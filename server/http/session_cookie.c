#include "session_cookie.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "accounts.h"

bool http_session_user(const http_request *req, char user[SESSION_USER_SIZE],
                       char csrf[SESSION_TOKEN_SIZE])
{
	user[0] = csrf[0] = '\0';
	const char *id = http_cookie(req, SESSION_COOKIE);
	if (!id || !req->server->sessions)
		return false;
	if (session_lookup(req->server->sessions, id, time(NULL), user, csrf) != SESSION_OK)
		return false;
	char err[256];
	if (accounts_cache_user_exists(req->server->accounts, user, err, sizeof err) !=
	    ACCOUNTS_OK) {
		/* Removed since the session began (or the file is unreadable:
		 * fail closed). */
		session_destroy_user(req->server->sessions, user);
		user[0] = csrf[0] = '\0';
		return false;
	}
	return true;
}

bool http_session_cookie_set(http_reply *out, const http_request *req, const char *id)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
	         SESSION_COOKIE, id, SESSION_DEFAULT_ABSOLUTE,
	         req->server->secure_cookies ? "; Secure" : "");
	return http_reply_header_add(out, MHD_HTTP_HEADER_SET_COOKIE, cookie);
}

bool http_session_cookie_clear(http_reply *out, const http_request *req)
{
	char cookie[160];
	snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	         SESSION_COOKIE, req->server->secure_cookies ? "; Secure" : "");
	return http_reply_header_add(out, MHD_HTTP_HEADER_SET_COOKIE, cookie);
}
