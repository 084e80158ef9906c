#include "watch_next.h"

#include <string.h>

#include "escape.h"
#include "html.h"

#define MORE_FROM_RELEASE 5

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* <li>Label: <a href="/watch/id">Title</a> · date</li> */
static bool item(strbuf *sb, const char *label, json_t *rec)
{
	const char *id = str(rec, "id"), *title = str(rec, "title");
	bool ok = sb_append_str(sb, "<li>");
	if (ok && label)
		ok = sb_append_str(sb, "<span class=\"label\">") && http_escape_html(sb, label) &&
		     sb_append_str(sb, ":</span> ");
	return ok && sb_append_str(sb, "<a href=\"/watch/") && http_escape_url(sb, id) &&
	       sb_append_str(sb, "\">") && http_escape_html(sb, title ? title : id) &&
	       sb_append_str(sb, "</a> <span class=\"meta\">") &&
	       http_html_date(sb, str(rec, "date")) && sb_append_str(sb, "</span></li>\n");
}

/* "Previous TAC meeting", "Next webinar": the kind's label, lower case
 * after the first word unless it is an initialism. */
static bool kind_label(char *out, size_t size, const char *which, const char *kind)
{
	const char *label = http_html_kind_label(kind);
	size_t n = strlen(which);
	if (!label[0] || n + 1 + strlen(label) + 1 > size)
		return false;
	memcpy(out, which, n);
	out[n] = ' ';
	strcpy(out + n + 1, label);
	bool initialism = label[0] && label[1] >= 'A' && label[1] <= 'Z';
	if (!initialism && out[n + 1] >= 'A' && out[n + 1] <= 'Z')
		out[n + 1] = (char)(out[n + 1] - 'A' + 'a');
	return true;
}

bool http_watch_next(strbuf *sb, json_t *newest, const char *id, json_t *summary)
{
	const char *kind = str(summary, "kind"), *release = str(summary, "release");
	size_t n = json_array_size(newest), at = n;
	for (size_t i = 0; i < n && at == n; i++)
		if (same(str(json_array_get(newest, i), "id"), id))
			at = i;
	json_t *newer = NULL, *older = NULL; /* of the same kind */
	if (same(kind, "other"))
		kind = NULL; /* not a series */
	for (size_t i = at; kind && at < n && i-- > 0 && !newer;)
		if (same(str(json_array_get(newest, i), "kind"), kind))
			newer = json_array_get(newest, i);
	for (size_t i = at + 1; kind && i < n && !older; i++)
		if (same(str(json_array_get(newest, i), "kind"), kind))
			older = json_array_get(newest, i);
	size_t from_release = 0;
	for (size_t i = 0; release && i < n; i++)
		from_release += i != at && same(str(json_array_get(newest, i), "release"), release);
	if (!newer && !older && from_release == 0)
		return true;

	char label[96];
	bool ok = sb_append_str(sb, "<nav class=\"next-recs\" aria-labelledby=\"next-h\">\n"
	                            "<h2 id=\"next-h\">More recordings</h2>\n");
	if (ok && (older || newer))
		ok = sb_append_str(sb, "<ul>\n");
	if (ok && older && kind_label(label, sizeof label, "Previous", kind))
		ok = item(sb, label, older);
	if (ok && newer && kind_label(label, sizeof label, "Next", kind))
		ok = item(sb, label, newer);
	if (ok && (older || newer))
		ok = sb_append_str(sb, "</ul>\n");
	if (ok && from_release > 0) {
		ok = sb_append_str(sb, "<h3>More from ") && http_html_release(sb, release) &&
		     sb_append_str(sb, "</h3>\n<ul>\n");
		for (size_t i = 0, shown = 0; ok && i < n && shown < MORE_FROM_RELEASE; i++) {
			json_t *rec = json_array_get(newest, i);
			if (i == at || !same(str(rec, "release"), release))
				continue;
			ok = item(sb, http_html_kind_label(str(rec, "kind")), rec);
			shown++;
		}
		ok = ok && sb_append_str(sb, "</ul>\n");
	}
	return ok && sb_append_str(sb, "</nav>\n");
}
