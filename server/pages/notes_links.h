/* notes_links: a meeting's minutes (its notes) link each heading that
 * names an agenda item to the time that item starts: "## 2. Multi-cloud
 * CI" plays from agenda item 2. Done on the rendered HTML, so it holds
 * whatever renders the markdown.
 */
#ifndef QA_PAGES_NOTES_LINKS_H
#define QA_PAGES_NOTES_LINKS_H

#include <jansson.h>
#include <stdbool.h>

#include "strbuf.h"

/* Append html (rendered notes) to sb, with the text of each <h3>..<h6>
 * that has no markup inside wrapped in <a href="/watch/<id>?t=S"
 * data-t="S"> when it names an agenda item (`agenda`: the summary's
 * [{"start", "title"}]): numbered "N. ..." is item N; otherwise the
 * heading's text, ignoring case, is the item's title or its part before
 * ':'. Returns false when out of memory. */
bool http_notes_link_headings(strbuf *sb, const char *html, json_t *agenda, const char *id);

#endif
