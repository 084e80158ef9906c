/* html: what every page shares: the frame (head, site header with the
 * search box, footer), the error page, times, dates and labels, URLs of
 * the search page, and markdown rendered safely.
 *
 * Every function appends to a strbuf and returns false only when out of
 * memory. Strings from the archive or the request are escaped here
 * (escape.h); nothing a caller passes is inserted raw unless its name says
 * it is HTML.
 */
#ifndef QA_HTTP_HTML_H
#define QA_HTTP_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"
#include "strbuf.h"

typedef struct http_page {
	const char *title;  /* the page's name, plain text: "<title> — qarchive" */
	const char *query;  /* the header search box's value; NULL for empty */
	bool header_search; /* show the search box in the header (the home page has its own) */
	const char *script; /* an asset of web/ to load with defer ("watch.js"), or NULL */
	const char *extra;  /* a second one, loaded after it ("player.js"), or NULL */
	const char *head;   /* HTML for <head> (meta tags), already escaped, or NULL */
	const char *page;   /* the <body> class: "home", "search", "watch", "error" */
	const char *user;   /* the signed-in staff member (http_session_user), or NULL:
	                     * the header then links to /upload */
	const char *csrf;   /* for a page whose script changes things: the session's CSRF
	                     * token as <meta name="csrf-token">, else NULL */
	/* Borrowed, may be NULL: the request, from which the header learns who
	 * is signed in ("Signed in as NAME · Sign out", else "Sign in") and the
	 * confirmation to show after a staff action's redirect (?done=saved,
	 * deleted, uploaded: http_html_done_href). Without it the header goes
	 * by user and csrf alone. */
	const http_request *req;
} http_page;

/* <!DOCTYPE html> through the opening <main id="main">. */
bool http_html_begin(strbuf *sb, const http_page *page);

/* What a staff action redirects with so that the page it lands on says it
 * was done: "?done=saved" (or "&done=saved" when href has a query already)
 * appended to href. The page shows a fixed sentence for each known word,
 * never the parameter itself. */
typedef enum http_done {
	HTTP_DONE_SAVED,
	HTTP_DONE_DELETED,
	HTTP_DONE_UPLOADED,
} http_done;
bool http_html_done_href(strbuf *sb, const char *href, http_done done);

/* </main>, the footer (which links to /upload for everyone: a visitor who
 * follows it is sent to sign in first), </body></html>. */
bool http_html_end(strbuf *sb);

/* Hand sb's text to out as text/html with `status` (no-cache, since pages
 * follow the index); sb is emptied. ok false (an append failed) gives 500.
 * Returns the status. */
unsigned http_html_reply(http_reply *out, unsigned status, strbuf *sb, bool ok);

/* The site's page for an error status, message escaped (it may quote the
 * request); its header says who is signed in, as every page's does. Caller
 * frees; NULL when out of memory. */
char *http_html_error_page(const http_request *req, unsigned status, const char *message);

/* "2025-10-22" as "22 Oct 2025" in <time datetime="...">; other text is
 * escaped as is. */
bool http_html_date(strbuf *sb, const char *iso);

/* What a kind is called on the pages ("Release Q&A" for "release-qa");
 * unknown kinds as given. Static strings, or kind itself. */
const char *http_html_kind_label(const char *kind);

/* A release as shown: "helion" → "Helion", "2.9" → "Release 2.9". */
bool http_html_release(strbuf *sb, const char *release);

/* The search page's URL for these parameters, already escaped for a
 * double-quoted attribute ("&amp;" between them); empty or NULL ones are
 * left out, page only when above 1. */
bool http_html_search_href(strbuf *sb, const char *q, const char *release, const char *kind,
                           const char *speaker, const char *recording, unsigned page);

/* Markdown rendered with cmark-gfm in its safe mode (raw HTML and
 * javascript: style links are dropped, never passed through), with
 * GitHub's tables, task lists (each box named "done" or "to do") and
 * strikethrough and autolinks, its headings placed under the page's: the
 * document's top level becomes shift + 1 (shift 2: a notes file's "# Title"
 * or "## Title" is an <h3> under the page's <h2>), appended as HTML. */
bool http_html_markdown(strbuf *sb, const char *markdown, int shift);

#endif
