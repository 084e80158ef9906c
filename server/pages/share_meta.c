#include "share_meta.h"

#include <string.h>

#include "escape.h"
#include "timecode.h"

/* origin + path, escaped for an attribute: "http://h/watch/<id>?t=12.5". */
static bool page_url(strbuf *sb, const http_share *s, const char *path, bool with_t)
{
	return http_escape_attr(sb, s->origin) && sb_append_str(sb, path) &&
	       http_escape_url(sb, s->id) &&
	       (!with_t || !s->has_t || (sb_append_str(sb, "?t=") && timecode_seconds(sb, s->t)));
}

static bool meta(strbuf *sb, const char *attr, const char *name, const char *value)
{
	return sb_append_str(sb, "<meta ") && sb_append_str(sb, attr) && sb_append_str(sb, "=\"") &&
	       sb_append_str(sb, name) && sb_append_str(sb, "\" content=\"") &&
	       http_escape_attr(sb, value) && sb_append_str(sb, "\">\n");
}

/* A description is markdown: as plain text, without its tags (<...>, which
 * cmark's safe mode drops from the page too), emphasis and heading marks,
 * and with every run of white space one space. Writes at most size - 1
 * bytes (and the terminator) to out. */
static void plain_text(const char *md, char *out, size_t size)
{
	size_t n = 0;
	bool space = false;
	for (const char *p = md; *p && n + 1 < size; p++) {
		if (*p == '<') {
			const char *end = strchr(p, '>');
			if (end) {
				p = end;
				space = n > 0;
				continue;
			}
		}
		if (*p == '*' || *p == '`' || *p == '#' || (*p == '_' && (p == md || p[-1] == ' ')))
			continue;
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < size)
			out[n++] = ' ';
		space = false;
		out[n++] = *p;
	}
	out[n] = '\0';
}

/* Sites show about 200 characters: the words are cut at a space before
 * that, never inside a UTF-8 sequence, with "…" added. */
static bool description(strbuf *sb, const char *attr, const char *name, const char *md)
{
	char text[1024], cut[204];
	plain_text(md, text, sizeof text);
	size_t n = strlen(text);
	if (n >= 200) {
		n = 196;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
		for (size_t k = n; k > 120; k--)
			if (text[k] == ' ') {
				n = k;
				break;
			}
		memcpy(cut, text, n);
		memcpy(cut + n, "\xE2\x80\xA6", 4); /* "…" and the terminator */
		return meta(sb, attr, name, cut);
	}
	return meta(sb, attr, name, text);
}

bool http_share_meta(strbuf *sb, const http_share *s)
{
	bool ok = meta(sb, "property", "og:type", s->video ? "video.other" : "website") &&
	          meta(sb, "property", "og:site_name", "qarchive") &&
	          meta(sb, "property", "og:title", s->title) &&
	          sb_append_str(sb, "<meta property=\"og:url\" content=\"") &&
	          page_url(sb, s, "/watch/", true) && sb_append_str(sb, "\">\n") &&
	          meta(sb, "name", "twitter:card", s->poster ? "summary_large_image" : "summary") &&
	          meta(sb, "name", "twitter:title", s->title);
	if (ok && s->text && s->text[0])
		ok = description(sb, "property", "og:description", s->text) &&
		     description(sb, "name", "twitter:description", s->text);
	if (ok && s->poster)
		ok = sb_append_str(sb, "<meta property=\"og:image\" content=\"") &&
		     http_escape_attr(sb, s->origin) && sb_append_str(sb, "/pictures/") &&
		     http_escape_url(sb, s->id) && sb_append_str(sb, "/poster.jpg\">\n");
	if (ok && s->video)
		ok = sb_append_str(sb, "<meta property=\"og:video\" content=\"") &&
		     page_url(sb, s, "/embed/", true) && sb_append_str(sb, "\">\n");
	/* oEmbed discovery: the watch URL as a query argument, its own "?t="
	 * percent-encoded. */
	ok = ok &&
	     sb_append_str(sb, "<link rel=\"alternate\" type=\"application/json+oembed\" "
	                       "title=\"oEmbed\" href=\"/oembed?url=") &&
	     page_url(sb, s, "/watch/", false);
	if (ok && s->has_t)
		ok = sb_append_str(sb, "%3Ft%3D") && timecode_seconds(sb, s->t);
	return ok && sb_append_str(sb, "\">\n");
}
