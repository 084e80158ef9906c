/* GET /oembed?url=<a watch page's URL>[&format=json][&maxwidth=N]:
 * oEmbed 1.0 (https://oembed.com, §2.2) for a recording: a "video"
 * answer whose html is an <iframe> of /embed/<id>?t= (page_embed.c),
 * 640×360 or smaller to fit maxwidth/maxheight. Watch pages name this
 * URL in a <link rel="alternate" type="application/json+oembed">
 * (discovery, §4).
 *
 * Only our own /watch/<id> URLs are answered (whatever host they name:
 * the server may be behind a proxy under another name); anything else is
 * 404, as the spec asks, and format=xml is refused with 400 (the spec's
 * 501 would be a 5xx for a client's choice).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "escape.h"
#include "recording_files.h"
#include "timecode.h"

/* The id and t of a .../watch/<id>[?...t=N...] URL, or false. */
static bool watch_url(const char *url, char id[RECORDING_ID_MAX + 1], bool *has_t, double *t)
{
	const char *p = url ? strstr(url, "/watch/") : NULL;
	if (!p)
		return false;
	p += strlen("/watch/");
	size_t n = strcspn(p, "?#");
	if (n == 0 || n > RECORDING_ID_MAX)
		return false;
	memcpy(id, p, n);
	id[n] = '\0';
	*has_t = false;
	for (const char *q = p + n; *q == '?' || *q == '&';) {
		q++;
		size_t len = strcspn(q, "&#");
		char value[32];
		if (strncmp(q, "t=", 2) == 0 && len - 2 < sizeof value) {
			memcpy(value, q + 2, len - 2);
			value[len - 2] = '\0';
			*has_t = timecode_parse(value, t);
		}
		q += len;
	}
	return true;
}

/* maxwidth/maxheight: the frame keeps 16:9 and fits both. */
static void frame_size(http_request *req, int *w, int *h)
{
	const char *mw = http_query(req, "maxwidth"), *mh = http_query(req, "maxheight");
	int maxw = mw ? atoi(mw) : 0, maxh = mh ? atoi(mh) : 0;
	*w = 640;
	if (maxw > 0 && maxw < *w)
		*w = maxw;
	if (maxh > 0 && maxh * 16 / 9 < *w)
		*w = maxh * 16 / 9;
	if (*w < 16)
		*w = 16;
	*h = *w * 9 / 16;
}

unsigned http_handle_oembed(http_request *req, http_reply *out)
{
	const char *format = http_query(req, "format");
	if (format && strcmp(format, "json") != 0)
		return http_reply_error(out, 400, "only format=json is offered");
	char id[RECORDING_ID_MAX + 1];
	bool has_t = false;
	double t = 0;
	if (!watch_url(http_query(req, "url"), id, &has_t, &t))
		return http_reply_error(out, 404, "url must be a recording's /watch/<id> page");
	json_t *summary = NULL;
	unsigned st = http_recording_summary(req, out, id, &summary);
	if (st)
		return st;
	const char *title = json_string_value(json_object_get(summary, "title"));
	char origin[320], size[64];
	http_request_origin(req, origin, sizeof origin);
	int w, h;
	frame_size(req, &w, &h);
	snprintf(size, sizeof size, "\" width=\"%d\" height=\"%d\" title=\"", w, h);
	strbuf html = STRBUF_INIT;
	bool ok = sb_append_str(&html, "<iframe src=\"") && http_escape_attr(&html, origin) &&
	          sb_append_str(&html, "/embed/") && http_escape_url(&html, id) &&
	          (!has_t || (sb_append_str(&html, "?t=") && timecode_seconds(&html, t))) &&
	          sb_append_str(&html, size) && http_escape_attr(&html, title ? title : id) &&
	          sb_append_str(&html, "\" allow=\"autoplay; fullscreen\" allowfullscreen "
	                               "style=\"border:0\"></iframe>");
	json_t *answer =
	    ok ? json_pack("{s:s, s:s, s:s, s:s, s:s?, s:i, s:i, s:s}", "version", "1.0", "type",
	                   "video", "provider_name", "qarchive", "provider_url", origin, "title",
	                   title, "width", w, "height", h, "html", html.data)
	       : NULL;
	sb_free(&html);
	json_decref(summary);
	return http_reply_json(out, answer);
}
