#include "html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "escape.h"
#include "respond.h"
#include "session_cookie.h"
#include "web_assets.h"

/* A link to an asset with its content hash as ?v=, so h_static.c can let
 * browsers keep it for a year: a changed file is a new URL. */
static bool asset_href(strbuf *sb, const char *name)
{
	const http_asset *a = http_asset_find(name);
	return sb_append_str(sb, "/static/") && sb_append_str(sb, name) &&
	       (!a || (sb_append_str(sb, "?v=") && sb_append_str(sb, a->version)));
}

/* The staff member the header names: from the session when the page
 * hands over its request, else as the page says. */
static bool header_user(const http_page *page, char user[SESSION_USER_SIZE],
                        char csrf[SESSION_TOKEN_SIZE])
{
	if (page->req && page->req->server)
		return http_session_user(page->req, user, csrf);
	snprintf(user, SESSION_USER_SIZE, "%s", page->user ? page->user : "");
	snprintf(csrf, SESSION_TOKEN_SIZE, "%s", page->csrf ? page->csrf : "");
	return user[0] != '\0';
}

/* The header's account corner: "Upload", "Signed in as NAME · Sign out"
 * (a POST /logout form with the session's CSRF token), or for visitors a
 * "Sign in" link that brings them back to this page. The sign-in page
 * itself has none: a link to the page one is on does nothing, and an
 * empty "Account" landmark would only be noise to a screen reader. */
static bool header_account(strbuf *sb, const http_page *page)
{
	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	bool signed_in = header_user(page, user, csrf);
	if (!signed_in && page->page && strcmp(page->page, "login") == 0)
		return true;
	bool ok = sb_append_str(sb, "<nav class=\"account\" aria-label=\"Account\">");
	if (!signed_in) {
		ok = ok && sb_append_str(sb, "<a class=\"sign-in\" href=\"/login");
		const char *path = page->req ? page->req->path : NULL;
		if (ok && path && path[0] == '/' && strcmp(path, "/") != 0)
			ok = sb_append_str(sb, "?next=") && http_escape_url(sb, path);
		return ok && sb_append_str(sb, "\">Sign in</a></nav>\n");
	}
	ok = ok &&
	     sb_append_str(sb, "<a class=\"staff-link\" href=\"/upload\">Upload</a>"
	                       "<span class=\"signed-in\">Signed in as <strong>") &&
	     http_escape_html(sb, user) && sb_append_str(sb, "</strong></span>");
	if (ok && csrf[0])
		ok = sb_append_str(sb, "<span aria-hidden=\"true\">·</span><form method=\"post\" "
		                       "action=\"/logout\"><input type=\"hidden\" name=\"csrf\" "
		                       "value=\"") &&
		     http_escape_attr(sb, csrf) &&
		     sb_append_str(sb, "\"><button type=\"submit\" class=\"link\">Sign out</button>"
		                       "</form>");
	return ok && sb_append_str(sb, "</nav>\n");
}

/* The sentence for ?done=… after a staff action's redirect: a fixed text
 * per known word (the parameter itself is never shown). */
static bool done_flash(strbuf *sb, const http_page *page)
{
	static const struct {
		const char *word, *text;
	} done[] = {
	    {"saved", "Saved. The changes are live and searchable."},
	    {"deleted", "Deleted. The recording is no longer in the archive."},
	    {"uploaded", "Uploaded. The recording is in the archive."},
	};
	const char *word = page->req ? http_query(page->req, "done") : NULL;
	for (size_t i = 0; word && i < sizeof done / sizeof done[0]; i++)
		if (strcmp(word, done[i].word) == 0)
			return sb_append_str(sb, "<p class=\"flash\" role=\"status\">") &&
			       http_escape_html(sb, done[i].text) && sb_append_str(sb, "</p>\n");
	return true;
}

bool http_html_done_href(strbuf *sb, const char *href, http_done done)
{
	const char *word = done == HTTP_DONE_SAVED     ? "saved"
	                   : done == HTTP_DONE_DELETED ? "deleted"
	                                               : "uploaded";
	return sb_append_str(sb, href) && sb_append_str(sb, strchr(href, '?') ? "&" : "?") &&
	       sb_append_str(sb, "done=") && sb_append_str(sb, word);
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
	return ok && header_account(sb, page) &&
	       sb_append_str(sb, "</div></header>\n<main id=\"main\" class=\"wrap\">\n") &&
	       done_flash(sb, page);
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
	/* The header says who is signed in: a cache must not hand one
	 * visitor's page to another. */
	http_reply_header_add(out, "Vary", "Cookie");
	return status;
}

char *http_html_error_page(const http_request *req, unsigned status, const char *message)
{
	strbuf sb = STRBUF_INIT;
	char title[64];
	snprintf(title, sizeof title, "%u %s", status, http_reason(status));
	http_page page = {.title = title, .header_search = true, .page = "error", .req = req};
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

/* GitHub's extensions that staff write notes with: tables (TAC minutes),
 * task lists, ~~strikethrough~~ and bare URLs as links. Not tagfilter:
 * safe mode already drops all raw HTML. */
static const char *const gfm_extensions[] = {"table", "tasklist", "strikethrough", "autolink"};

static pthread_once_t gfm_once = PTHREAD_ONCE_INIT;

/* cmark-gfm keeps its extensions in a process-wide registry that its
 * registration fills without a lock: once, before any thread parses. */
static void gfm_register(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* Headings placed under the page's: the document's top level (whatever it
 * is: notes often start at "##") becomes shift + 1, the others keep their
 * distance to it, at most <h6>. So a page's outline has no gap (an <h2>
 * then an <h4>), which screen-reader users navigate by. */
static bool shift_headings(cmark_node *doc, int shift)
{
	int top = 7;
	for (int pass = 0; pass < 2; pass++) {
		cmark_iter *it = cmark_iter_new(doc);
		if (!it)
			return false;
		cmark_event_type ev;
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *node = cmark_iter_get_node(it);
			if (ev != CMARK_EVENT_ENTER ||
			    cmark_node_get_type(node) != CMARK_NODE_HEADING)
				continue;
			int level = cmark_node_get_heading_level(node);
			if (pass == 0) {
				top = level < top ? level : top;
			} else {
				level = level - top + 1 + shift;
				cmark_node_set_heading_level(node, level > 6 ? 6 : level);
			}
		}
		cmark_iter_free(it);
	}
	return true;
}

/* A task list's checkbox (cmark-gfm's tasklist renders a bare disabled
 * <input>) gets a name, as every form control needs one: "done" or "to
 * do". Safe mode drops raw HTML, so every "<input" in the output is the
 * renderer's. */
static bool append_labelled(strbuf *sb, const char *html)
{
	static const char checked[] = "<input type=\"checkbox\" checked=\"\" disabled=\"\"";
	static const char unchecked[] = "<input type=\"checkbox\" disabled=\"\"";
	const char *p = html, *box;
	bool ok = true;
	while (ok && (box = strstr(p, "<input type=\"checkbox\"")) != NULL) {
		bool done = strncmp(box, checked, sizeof checked - 1) == 0;
		size_t n = done ? sizeof checked - 1 : sizeof unchecked - 1;
		if (!done && strncmp(box, unchecked, n) != 0)
			n = strlen("<input type=\"checkbox\"");
		ok = sb_append(sb, p, (size_t)(box - p) + n) &&
		     sb_append_str(sb, done ? " aria-label=\"done\"" : " aria-label=\"to do\"");
		p = box + n;
	}
	return ok && sb_append_str(sb, p);
}

bool http_html_markdown(strbuf *sb, const char *markdown, int shift)
{
	if (!markdown || !markdown[0])
		return true;
	pthread_once(&gfm_once, gfm_register);
	/* Safe mode is cmark-gfm's default (raw HTML becomes a comment,
	 * javascript:/vbscript:/file:/data: links are emptied, autolinks
	 * included); CMARK_OPT_SAFE is named so that an older library is safe
	 * too. Never CMARK_OPT_UNSAFE. */
	const int options = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART;
	cmark_parser *parser = cmark_parser_new(options);
	if (!parser)
		return false;
	bool ok = true;
	for (size_t i = 0; ok && i < sizeof gfm_extensions / sizeof gfm_extensions[0]; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(gfm_extensions[i]);
		ok = ext && cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_node *doc = NULL;
	if (ok) {
		cmark_parser_feed(parser, markdown, strlen(markdown));
		doc = cmark_parser_finish(parser);
	}
	char *html =
	    doc && shift_headings(doc, shift)
	        ? cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser))
	        : NULL;
	ok = html && append_labelled(sb, html);
	free(html);
	if (doc)
		cmark_node_free(doc);
	cmark_parser_free(parser);
	return ok;
}
