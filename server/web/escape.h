/* escape: every user-supplied string that reaches HTML, XML, a URL or a
 * WebVTT file goes through one of these. Nothing else in the server
 * escapes by hand, so there is one place to get right.
 *
 * Each function appends to a strbuf and returns false only when out of
 * memory (the buffer may then hold part of the output). Input is UTF-8 and
 * passed through byte for byte except for the characters named.
 */
#ifndef QA_HTTP_ESCAPE_H
#define QA_HTTP_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* HTML text content: & < > become &amp; &lt; &gt;. Quotes are escaped
 * too (&quot; &#39;) so the same output is also safe inside a quoted
 * attribute value; use http_escape_attr to say which one you mean. */
bool http_escape_html(strbuf *sb, const char *s);

/* A double- or single-quoted HTML attribute value (same escapes as text:
 * & < > " '). Never use it for an unquoted attribute, or for a URL
 * attribute without http_escape_url first (it does not stop javascript:). */
bool http_escape_attr(strbuf *sb, const char *s);

/* XML 1.0 character data and attribute values (Atom, OpenSearch): & < > "
 * ' escaped; characters XML 1.0 forbids (C0 controls other than tab, LF,
 * CR) are dropped, so a stray control byte cannot make the feed
 * ill-formed. */
bool http_escape_xml(strbuf *sb, const char *s);

/* Percent-encode for a URL query value or path segment (RFC 3986 §2.3:
 * everything but the unreserved A-Z a-z 0-9 - . _ ~ is encoded, space as
 * %20). */
bool http_escape_url(strbuf *sb, const char *s);

/* WebVTT cue text from plain text: & < > as &amp; &lt; &gt; (WebVTT §4.2.2
 * cue text may not hold a raw '<' or '&'), so "-->" becomes "--&gt;" and
 * can never end the cue; blank lines are dropped, because a blank line ends
 * a cue (§4.1). */
bool http_escape_vtt_text(strbuf *sb, const char *s);

/* Percent-decode a URL path (not a query: '+' stays '+') into out (caller
 * frees). Returns false, with *out NULL, when the path holds a malformed
 * escape, or when decoding would produce a NUL, a '/' or a '\\' (an encoded
 * separator is never what a link of ours contains, and is how traversal
 * attempts hide), or a raw '\\' or control byte. Out of memory also gives
 * false; *nomem says which. */
bool http_path_decode(const char *path, size_t len, char **out, bool *nomem);

#endif
