#include "html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "escape.h"
#include "respond.h"
#include "web_assets.h"

/* A link to an asset with its content hash as ?v=, so h_static.c can let
 * browsers keep it for a year: a changed file is a new URL. */
static bool asset_href(strbuf *sb, const char *name)
{
	const http_asset *a = http_asset_find(name);
	return sb_append_str(sb, "/static/") && sb_append_str(sb, name) &&
	       (!a || (sb_append_str(sb, "?v=") && sb_append_str(sb, a->version)));
}

bool http_html_begin(strbuf *sb, const http_page *page)
{
	bool ok = sb_append_str(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	                            "<meta charset=\"utf-8\">\n"
	                            "<meta name=\"viewport\" content=\"width=device-width, "
	                            "initial-scale=1\">\n<title>") &&
	          http_escape_html(sb, page->title) &&
	          sb_append_str(sb, " — qarchive</title>\n<link rel=\"stylesheet\" href=\"") &&
	          asset_href(sb, "style.css") &&
	          sb_append_str(sb, "\">\n<link rel=\"icon\" type=\"image/svg+xml\" href=\"") &&
	          asset_href(sb, "favicon.svg") &&
	          sb_append_str(sb, "\">\n<link rel=\"search\" "
	                            "type=\"application/opensearchdescription+xml\" "
	                            "title=\"qarchive\" href=\"/opensearch.xml\">\n"
	                            "<link rel=\"alternate\" type=\"application/atom+xml\" "
	                            "title=\"Newest recordings\" href=\"/feed.xml\">\n");
	if (ok && page->csrf)
		ok = sb_append_str(sb, "<meta name=\"csrf-token\" content=\"") &&
		     http_escape_attr(sb, page->csrf) && sb_append_str(sb, "\">\n");
	if (ok && page->script)
		ok = sb_append_str(sb, "<script src=\"") && asset_href(sb, page->script) &&
		     sb_append_str(sb, "\" defer></script>\n");
	if (ok && page->extra)
		ok = sb_append_str(sb, "<script src=\"") && asset_href(sb, page->extra) &&
		     sb_append_str(sb, "\" defer></script>\n");
	if (ok && page->head)
		ok = sb_append_str(sb, page->head);
	ok = ok && sb_append_str(sb, "</head>\n<body class=\"page-") &&
	     http_escape_attr(sb, page->page ? page->page : "other") &&
	     sb_append_str(sb, "\">\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
	                       "<header class=\"site\"><div class=\"wrap\">\n"
	                       "<a class=\"brand\" href=\"/\">q<span>archive</span></a>\n");
	if (ok && page->header_search)
		ok = sb_append_str(sb,
		                   "<form class=\"site-search\" action=\"/search\" method=\"get\" "
		                   "role=\"search\">\n<label for=\"site-q\" class=\"vh\">Search "
		                   "the archive</label>\n<input type=\"search\" id=\"site-q\" "
		                   "name=\"q\" placeholder=\"Search what was said\" value=\"") &&
		     http_escape_attr(sb, page->query) &&
		     sb_append_str(sb, "\">\n<button type=\"submit\">Search</button>\n</form>\n");
	if (ok && page->user)
		ok = sb_append_str(sb, "<nav class=\"staff-nav\" aria-label=\"Staff\">"
		                       "<a href=\"/upload\">Upload</a></nav>\n");
	return ok && sb_append_str(sb, "</div></header>\n<main id=\"main\" class=\"wrap\">\n");
}

bool http_html_end(strbuf *sb)
{
	return sb_append_str(sb, "</main>\n<footer class=\"site\"><div class=\"wrap\">\n"
	                         "<a href=\"/\">All recordings</a>\n"
	                         "<a href=\"/feed.xml\">Atom feed</a>\n"
	                         "<a href=\"/api/recordings\">JSON API</a>\n"
	                         "<a href=\"/upload\">Upload (staff)</a>\n"
	                         "</div></footer>\n</body>\n</html>\n");
}

unsigned http_html_reply(http_reply *out, unsigned status, strbuf *sb, bool ok)
{
	size_t len = sb->len;
	char *text = ok ? sb_take(sb) : NULL;
	sb_free(sb);
	if (!text)
		return http_reply_error(out, 500, "out of memory");
	http_reply_take(out, "text/html; charset=utf-8", text, len);
	http_reply_header_add(out, "Cache-Control", "no-cache");
	return status;
}

char *http_html_error_page(unsigned status, const char *message)
{
	strbuf sb = STRBUF_INIT;
	char title[64];
	snprintf(title, sizeof title, "%u %s", status, http_reason(status));
	http_page page = {.title = title, .header_search = true, .page = "error"};
	bool ok = http_html_begin(&sb, &page) && sb_append_str(&sb, "<h1>") &&
	          sb_append_str(&sb, title) && sb_append_str(&sb, "</h1>\n<p class=\"lead\">") &&
	          http_escape_html(&sb, message) &&
	          sb_append_str(&sb, "</p>\n<p><a href=\"/\">Browse the archive</a> or search "
	                             "it above.</p>\n") &&
	          http_html_end(&sb);
	if (!ok) {
		sb_free(&sb);
		return NULL;
	}
	return sb_take(&sb);
}

bool http_html_date(strbuf *sb, const char *iso)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, m, d;
	char tail;
	if (!iso || sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(iso) != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return http_escape_html(sb, iso);
	char buf[64];
	snprintf(buf, sizeof buf, "<time datetime=\"%04d-%02d-%02d\">%d %s %d</time>", y, m, d, d,
	         months[m - 1], y);
	return sb_append_str(sb, buf);
}

const char *http_html_kind_label(const char *kind)
{
	if (!kind)
		return "";
	if (strcmp(kind, "release-qa") == 0)
		return "Release Q&A";
	if (strcmp(kind, "webinar") == 0)
		return "Webinar";
	if (strcmp(kind, "tac-meeting") == 0)
		return "TAC meeting";
	if (strcmp(kind, "other") == 0)
		return "Other";
	return kind;
}

bool http_html_release(strbuf *sb, const char *release)
{
	if (!release || !release[0])
		return true;
	if (isdigit((unsigned char)release[0]))
		return sb_append_str(sb, "Release ") && http_escape_html(sb, release);
	if (release[0] >= 'a' && release[0] <= 'z')
		return sb_append_char(sb, (char)(release[0] - 'a' + 'A')) &&
		       http_escape_html(sb, release + 1);
	return http_escape_html(sb, release);
}

/* One "name=value" of a query string, percent-encoded, then escaped for
 * the attribute ('&' → "&amp;"). */
static bool param(strbuf *sb, bool *first, const char *name, const char *value)
{
	if (!value || !value[0])
		return true;
	bool ok = sb_append_str(sb, *first ? "?" : "&amp;") && sb_append_str(sb, name) &&
	          sb_append_char(sb, '=') && http_escape_url(sb, value);
	*first = false;
	return ok;
}

bool http_html_search_href(strbuf *sb, const char *q, const char *release, const char *kind,
                           const char *speaker, const char *recording, unsigned page)
{
	bool first = true;
	char num[16] = "";
	if (page > 1)
		snprintf(num, sizeof num, "%u", page);
	return sb_append_str(sb, "/search") && param(sb, &first, "q", q) &&
	       param(sb, &first, "release", release) && param(sb, &first, "kind", kind) &&
	       param(sb, &first, "speaker", speaker) && param(sb, &first, "recording", recording) &&
	       param(sb, &first, "page", num);
}

/* Where a bare http(s) URL in text starts, or NULL. */
static const char *url_start(const char *s)
{
	const char *a = strstr(s, "https://"), *b = strstr(s, "http://");
	return a && (!b || a < b) ? a : b;
}

/* A bare URL's length: up to a space, '<' or '>', without the sentence
 * punctuation after it, and without a ')' it did not open (as GitHub's
 * autolink extension ends URLs). */
static size_t url_length(const char *u)
{
	size_t n = strcspn(u, " \t\r\n<>\"");
	while (n > 0 && strchr(".,;:!?'*_", u[n - 1]))
		n--;
	int depth = 0;
	for (size_t i = 0; i < n; i++)
		depth += u[i] == '(' ? 1 : u[i] == ')' ? -1 : 0;
	while (n > 0 && u[n - 1] == ')' && depth < 0) {
		n--;
		depth++;
	}
	return n;
}

static bool inside_link(cmark_node *node)
{
	for (cmark_node *p = cmark_node_parent(node); p; p = cmark_node_parent(p))
		if (cmark_node_get_type(p) == CMARK_NODE_LINK)
			return true;
	return false;
}

/* Turn bare URLs in a text node into links: notes list sources as plain
 * URLs, and CommonMark (unlike GFM) does not link them. Each URL becomes a
 * link node whose destination cmark's safe renderer still checks. */
static bool autolink_text(cmark_node *text)
{
	const char *lit = cmark_node_get_literal(text);
	if (!lit || !url_start(lit) || inside_link(text))
		return true;
	char *rest = strdup(lit);
	if (!rest)
		return false;
	const char *p = rest, *u;
	bool ok = true;
	while (ok && (u = url_start(p)) != NULL) {
		size_t n = url_length(u);
		if (n <= strlen("https://")) {
			break;
		}
		char *before = strndup(p, (size_t)(u - p)), *url = strndup(u, n);
		cmark_node *pre = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
		cmark_node *label = cmark_node_new(CMARK_NODE_TEXT);
		ok = before && url && pre && link && label && cmark_node_set_literal(pre, before) &&
		     cmark_node_set_url(link, url) && cmark_node_set_literal(label, url) &&
		     cmark_node_append_child(link, label);
		if (ok) {
			label = NULL;
			ok = cmark_node_insert_before(text, pre);
			pre = ok ? NULL : pre;
		}
		if (ok) {
			ok = cmark_node_insert_before(text, link);
			link = ok ? NULL : link;
		}
		if (pre)
			cmark_node_free(pre);
		if (link)
			cmark_node_free(link);
		if (label)
			cmark_node_free(label);
		free(before);
		free(url);
		p = u + n;
	}
	ok = ok && cmark_node_set_literal(text, p);
	free(rest);
	return ok;
}

bool http_html_markdown(strbuf *sb, const char *markdown, int shift)
{
	if (!markdown || !markdown[0])
		return true;
	/* CMARK_OPT_SAFE is cmark's default since 0.29 (raw HTML becomes a
	 * comment, javascript:/vbscript:/file:/data: links are emptied); it is
	 * named so that an older libcmark is safe too. Never CMARK_OPT_UNSAFE. */
	const int options = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART;
	cmark_node *doc = cmark_parse_document(markdown, strlen(markdown), options);
	if (!doc)
		return false;
	cmark_iter *it = cmark_iter_new(doc);
	if (!it) {
		cmark_node_free(doc);
		return false;
	}
	/* Text nodes are collected first: linking one changes the tree, which
	 * an iterator must not see mid-walk. */
	cmark_node **texts = NULL;
	size_t count = 0, cap = 0;
	bool ok = true;
	cmark_event_type ev;
	while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(node) + shift;
			cmark_node_set_heading_level(node, level > 6 ? 6 : level);
		} else if (cmark_node_get_type(node) == CMARK_NODE_TEXT) {
			if (count == cap) {
				size_t ncap = cap ? cap * 2 : 32;
				cmark_node **grown = realloc(texts, ncap * sizeof *grown);
				if (!grown) {
					ok = false;
					break;
				}
				texts = grown;
				cap = ncap;
			}
			texts[count++] = node;
		}
	}
	cmark_iter_free(it);
	for (size_t i = 0; ok && i < count; i++)
		ok = autolink_text(texts[i]);
	free(texts);
	char *html = ok ? cmark_render_html(doc, options) : NULL;
	cmark_node_free(doc);
	ok = html && sb_append_str(sb, html);
	free(html);
	return ok;
}
