/* GET /embed/<id>?t=754: the player alone, for another site's <iframe>
 * (the oEmbed answer's html, h_oembed.c). Only this page may be framed:
 * its Content-Security-Policy says frame-ancestors * (respond.h's
 * HTTP_CSP_EMBED); every other page keeps frame-ancestors 'none'.
 *
 * The same player as the watch page (player.js: our control bar with the
 * agenda's chapters, shortcuts, autoplay at t), the captions as a <track>
 * (there is no transcript on this page to build them from), and the
 * title linking to the recording's watch page at t.
 */
#include <stdlib.h>

#include "escape.h"
#include "html.h"
#include "pages.h"
#include "recording_files.h"
#include "respond.h"
#include "timecode.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The agenda as player.js reads chapters: hidden, since the bar draws it. */
static bool chapter_list(strbuf *sb, json_t *agenda)
{
	size_t n = json_array_size(agenda);
	bool ok = n == 0 || sb_append_str(sb, "<ol class=\"chapters\" data-chapters hidden>\n");
	for (size_t i = 0; ok && i < n; i++) {
		json_t *item = json_array_get(agenda, i);
		ok = sb_append_str(sb, "<li data-start=\"") &&
		     timecode_seconds(sb, json_number_value(json_object_get(item, "start"))) &&
		     sb_append_str(sb, "\"><span class=\"title\">") &&
		     http_escape_html(sb, str(item, "title")) &&
		     sb_append_str(sb, "</span></li>\n");
	}
	return ok && (n == 0 || sb_append_str(sb, "</ol>\n"));
}

static bool embed_video(strbuf *sb, const char *id, json_t *summary, bool has_t, double t)
{
	json_t *duration = json_object_get(summary, "duration");
	bool ok = sb_append_str(sb, "<div class=\"player\" data-id=\"") &&
	          http_escape_attr(sb, id) &&
	          sb_append_str(sb, "\">\n<video id=\"player\" controls "
	                            "preload=\"metadata\" playsinline src=\"/media/") &&
	          http_escape_url(sb, id);
	if (ok && has_t)
		ok = sb_append_str(sb, "#t=") && timecode_seconds(sb, t);
	ok = ok && sb_append_str(sb, "\" data-start=\"") && timecode_seconds(sb, has_t ? t : 0) &&
	     sb_append_char(sb, '"');
	if (ok && json_is_number(duration) && json_number_value(duration) > 0)
		ok = sb_append_str(sb, " data-duration=\"") &&
		     timecode_seconds(sb, json_number_value(duration)) && sb_append_char(sb, '"');
	if (ok && has_t)
		ok = sb_append_str(sb, " data-autoplay");
	ok = ok && sb_append_str(sb, ">\n");
	if (ok && json_is_true(json_object_get(summary, "has_transcript")))
		ok = sb_append_str(sb, "<track kind=\"captions\" src=\"/captions/") &&
		     http_escape_url(sb, id) &&
		     sb_append_str(sb, ".vtt\" srclang=\"en\" label=\"English\">\n");
	return ok && sb_append_str(sb, "</video>\n</div>\n");
}

unsigned http_handle_embed(http_request *req, http_reply *out)
{
	json_t *summary = NULL;
	strbuf sb = STRBUF_INIT;
	const char *id = req->rest;
	unsigned st = http_recording_summary(req, out, id, &summary);
	if (st)
		return st;
	const char *media = str(summary, "media"), *title = str(summary, "title");
	if (!media) {
		json_decref(summary);
		return http_reply_error(out, 404, "%s has no audio or video to embed", id);
	}
	double t = 0;
	bool has_t = timecode_parse(http_query(req, "t"), &t);
	bool ok =
	    sb_append_str(&sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	                       "charset=\"utf-8\">\n<meta name=\"viewport\" "
	                       "content=\"width=device-width, initial-scale=1\">\n<title>") &&
	    http_escape_html(&sb, title ? title : id) &&
	    sb_append_str(&sb, " — qarchive</title>\n<link rel=\"stylesheet\" "
	                       "href=\"/static/style.css\">\n<script "
	                       "src=\"/static/player.js\" defer></script>\n</head>\n"
	                       "<body class=\"page-embed\">\n<main class=\"embed\">\n") &&
	    embed_video(&sb, id, summary, has_t, t) &&
	    chapter_list(&sb, json_object_get(summary, "agenda")) &&
	    sb_append_str(&sb, "<h1 class=\"embed-title\"><a target=\"_blank\" href=\"/watch/") &&
	    http_escape_url(&sb, id);
	if (ok && has_t)
		ok = sb_append_str(&sb, "?t=") && timecode_seconds(&sb, t);
	ok = ok && sb_append_str(&sb, "\">") && http_escape_html(&sb, title ? title : id) &&
	     sb_append_str(&sb, "</a> · qarchive</h1>\n</main>\n</body>\n</html>\n");
	json_decref(summary);
	st = http_html_reply(out, 200, &sb, ok);
	if (st == 200)
		http_reply_header_add(out, "Content-Security-Policy", HTTP_CSP_EMBED);
	return st;
}
