#include "target_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text_decode.h"

/* Names longer than this are not quoted back in a message. */
#define NAME_ECHO_MAX 40

const char *http_target_status_str(http_target_status status)
{
	switch (status) {
	case HTTP_TARGET_OK:
		return "ok";
	case HTTP_TARGET_NOT_UTF8:
		return "not UTF-8";
	case HTTP_TARGET_TOO_MANY_ARGS:
		return "too many query parameters";
	}
	return "unknown status";
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whether s[0..len), decoded, is UTF-8. Decoding and validating run as one
 * pass over a small window, so no copy is made: a decoded byte goes into a
 * buffer of at most 4 (one code point) that is checked when a sequence is
 * complete. */
static bool decoded_is_utf8(const char *s, size_t len, bool plus_is_space)
{
	unsigned char seq[4];
	size_t have = 0, need = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int hi, lo;
		if (c == '%' && i + 2 < len && (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (have == 0) {
			if (c < 0x80)
				continue;
			need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		}
		seq[have++] = c;
		if (have == need) {
			if (!text_is_utf8((const char *)seq, have))
				return false;
			have = 0;
		}
	}
	return have == 0;
}

static void not_utf8(const char *name, size_t name_len, char *err, size_t errlen)
{
	if (!errlen)
		return;
	if (name && name_len > 0 && name_len <= NAME_ECHO_MAX &&
	    decoded_is_utf8(name, name_len, true) && !memchr(name, '%', name_len) &&
	    !memchr(name, '+', name_len))
		snprintf(err, errlen,
		         "query parameter %.*s: not UTF-8 (text in a link is sent as "
		         "percent-encoded UTF-8)",
		         (int)name_len, name);
	else if (name)
		snprintf(err, errlen,
		         "a query parameter is not UTF-8 (text in a link is sent as "
		         "percent-encoded UTF-8)");
	else
		snprintf(err, errlen,
		         "the path is not UTF-8 (text in a link is sent as percent-encoded "
		         "UTF-8)");
}

size_t http_target_arg_count(const char *target)
{
	const char *q = strchr(target, '?');
	if (!q)
		return 0;
	size_t n = 0;
	const char *p = q + 1;
	size_t len = strcspn(p, "#");
	/* An empty piece ("a=1&&b=2", a trailing '&') is no parameter. */
	for (size_t i = 0; i <= len; i++)
		if ((i == len || p[i] == '&') && i > 0 && p[i - 1] != '&')
			n++;
	return n;
}

http_target_status http_target_check(const char *target, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	size_t path_len = strcspn(target, "?#");
	if (!decoded_is_utf8(target, path_len, false)) {
		not_utf8(NULL, 0, err, errlen);
		return HTTP_TARGET_NOT_UTF8;
	}
	if (http_target_arg_count(target) > HTTP_MAX_QUERY_ARGS) {
		if (errlen)
			snprintf(err, errlen, "too many query parameters (at most %d)",
			         HTTP_MAX_QUERY_ARGS);
		return HTTP_TARGET_TOO_MANY_ARGS;
	}
	if (target[path_len] != '?')
		return HTTP_TARGET_OK;
	const char *p = target + path_len + 1;
	const char *end = p + strcspn(p, "#");
	while (p < end) {
		size_t piece = strcspn(p, "&#");
		if (piece > (size_t)(end - p))
			piece = (size_t)(end - p);
		const char *eq = memchr(p, '=', piece);
		size_t name_len = eq ? (size_t)(eq - p) : piece;
		if (!decoded_is_utf8(p, name_len, true) ||
		    (eq && !decoded_is_utf8(eq + 1, piece - name_len - 1, true))) {
			not_utf8(p, name_len, err, errlen);
			return HTTP_TARGET_NOT_UTF8;
		}
		p += piece;
		if (p < end)
			p++; /* the '&' */
	}
	return HTTP_TARGET_OK;
}
