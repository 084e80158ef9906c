#include "auth_gate.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "accounts.h"
#include "csrf.h"
#include "session_cookie.h"

static unsigned unauthorized(http_reply *out, const char *error, const char *message)
{
	char challenge[128];
	if (error)
		snprintf(challenge, sizeof challenge, "Bearer realm=\"qarchive\", error=\"%s\"",
		         error);
	else
		snprintf(challenge, sizeof challenge, "Bearer realm=\"qarchive\"");
	http_reply_header_add(out, "WWW-Authenticate", challenge);
	return http_reply_error(out, 401, "%s", message);
}

static unsigned check_token(http_request *req, http_reply *out, const char *header, http_staff *who)
{
	if (strncasecmp(header, "Bearer ", 7) != 0)
		return unauthorized(out, "invalid_request",
		                    "Authorization: only \"Bearer <token>\" is understood here");
	const char *token = header + 7;
	while (*token == ' ')
		token++;
	char err[256];
	accounts_status st = accounts_cache_check_token(req->server->accounts, token, who->name,
	                                                sizeof who->name, err, sizeof err);
	if (st == ACCOUNTS_OK) {
		who->via_token = true;
		who->csrf_checked = true;
		return 0;
	}
	if (st == ACCOUNTS_BAD_CREDENTIALS || st == ACCOUNTS_NOT_FOUND)
		return unauthorized(out, "invalid_token",
		                    "that API token is not valid (revoked, or mistyped?)");
	return http_reply_error(out, 500, "the credentials cannot be checked: %s", err);
}

unsigned http_require_staff(http_request *req, http_reply *out, bool csrf_header, http_staff *who)
{
	memset(who, 0, sizeof *who);
	const char *authorization = http_header(req, "Authorization");
	if (authorization)
		return check_token(req, out, authorization, who);

	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	if (!http_session_user(req, user, csrf))
		return unauthorized(out, NULL,
		                    "sign in first (or send Authorization: Bearer <token>; "
		                    "`qarchive token add NAME` makes one)");
	snprintf(who->name, sizeof who->name, "%s", user);
	snprintf(who->csrf, sizeof who->csrf, "%s", csrf);
	if (csrf_header) {
		if (!csrf_equal(http_header(req, "X-CSRF-Token"), csrf))
			return http_reply_error(out, 403,
			                        "missing or stale CSRF token: reload the page and "
			                        "try again");
		who->csrf_checked = true;
	}
	return 0;
}

bool http_staff_csrf_ok(const http_staff *who, const char *token)
{
	return who->via_token || who->csrf_checked || csrf_equal(token, who->csrf);
}
