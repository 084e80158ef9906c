#include "notes_links.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "timecode.h"

/* Whether text (len bytes, as rendered: HTML-escaped) names item: its
 * title, or the title's part before ':', ignoring ASCII case. */
static bool names_item(const char *text, size_t len, json_t *item)
{
	const char *title = json_string_value(json_object_get(item, "title"));
	strbuf esc = STRBUF_INIT;
	bool match = false;
	if (title && http_escape_html(&esc, title) && esc.data) {
		size_t n = strcspn(esc.data, ":");
		match = (len == esc.len || len == n) && len > 0 &&
		        strncasecmp(text, esc.data, len) == 0;
	}
	sb_free(&esc);
	return match;
}

/* The agenda item a heading's text names, or NULL. */
static json_t *item_named(const char *text, size_t len, json_t *agenda)
{
	size_t digits = 0;
	while (digits < len && digits < 3 && isdigit((unsigned char)text[digits]))
		digits++;
	if (digits > 0 && digits + 1 < len && text[digits] == '.' && text[digits + 1] == ' ') {
		size_t n = (size_t)atoi(text);
		if (n >= 1 && n <= json_array_size(agenda))
			return json_array_get(agenda, n - 1);
	}
	for (size_t i = 0; i < json_array_size(agenda); i++)
		if (names_item(text, len, json_array_get(agenda, i)))
			return json_array_get(agenda, i);
	return NULL;
}

static bool link_open(strbuf *sb, const char *id, double t)
{
	return sb_append_str(sb, "<a href=\"/watch/") && http_escape_url(sb, id) &&
	       sb_append_str(sb, "?t=") && timecode_seconds(sb, t) &&
	       sb_append_str(sb, "\" data-t=\"") && timecode_seconds(sb, t) &&
	       sb_append_str(sb, "\">");
}

bool http_notes_link_headings(strbuf *sb, const char *html, json_t *agenda, const char *id)
{
	bool ok = true;
	const char *p = html;
	while (ok && *p) {
		/* "<h3>" .. "<h6>": the headings notes get under the page's <h2>. */
		const char *h = strstr(p, "<h");
		while (h && !(h[2] >= '3' && h[2] <= '6' && h[3] == '>'))
			h = strstr(h + 2, "<h");
		if (!h)
			return sb_append_str(sb, p);
		const char *text = h + 4;
		char close[6] = {'<', '/', 'h', h[2], '>', '\0'};
		const char *end = strstr(text, close);
		if (!end)
			return sb_append_str(sb, p);
		size_t len = (size_t)(end - text);
		json_t *item = memchr(text, '<', len) ? NULL : item_named(text, len, agenda);
		ok = sb_append(sb, p, (size_t)(text - p));
		if (ok && item)
			ok = link_open(sb, id, json_number_value(json_object_get(item, "start"))) &&
			     sb_append(sb, text, len) && sb_append_str(sb, "</a>");
		else if (ok)
			ok = sb_append(sb, text, len);
		p = end;
	}
	return ok;
}
