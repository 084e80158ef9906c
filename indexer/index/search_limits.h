/* search_limits: what a search request may hold, so that no query costs
 * more than a bounded time and page (issue 13, item 6).
 *
 * A query must be valid UTF-8: a browser sends our forms' text as UTF-8
 * (every page declares it), so other bytes come from a hand-made or
 * legacy-encoded link. Reading them as U+FFFD would search for a word
 * nobody meant ("caf\xe9" as "caf\ufffd") and answer "nothing found"
 * as though the archive lacked it; refusing says what is wrong.
 *
 * The caps are far above any query a person writes, and low enough that
 * the worst query within them is answered in well under a second:
 * - SEARCH_MAX_QUERY_BYTES: the longest question in tests/search-quality
 *   is under 100 bytes, and a pasted error message line (the longest real
 *   queries) is a few hundred. The query is echoed in every link of the
 *   search page (each moment, facet and page link: about 80), so this
 *   also bounds the page: 1 KB, percent-encoded at most 3 KB a link.
 * - SEARCH_MAX_WORDS: Google stops reading at 32 words; a pasted
 *   RuntimeError message ("Expected all tensors to be on the same device,
 *   but found at least two devices, ...") has about 30. Each word is a
 *   posting list to merge (two, with the coverage boost, search.h).
 * - SEARCH_MAX_WILDCARDS: each "prefix*" expands to up to 256 terms
 *   (set_max_expansion in xindex_search.cc), so 8 of them are at most
 *   2,048 terms; people use one or two ("flex* attent*").
 */
#ifndef QA_SEARCH_LIMITS_H
#define QA_SEARCH_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "search.h"

#define SEARCH_MAX_QUERY_BYTES 1024
#define SEARCH_MAX_WORDS       64
#define SEARCH_MAX_WILDCARDS   8

/* Check the query text (NULL counts as empty). Returns SEARCH_OK, or
 * SEARCH_BAD_QUERY with a one-line message for the user in err: not valid
 * UTF-8, more than SEARCH_MAX_QUERY_BYTES bytes, more than
 * SEARCH_MAX_WORDS words (as tokenize.h counts them), or more than
 * SEARCH_MAX_WILDCARDS wildcards ("word*", as Xapian's QueryParser reads
 * one: a '*' right after a word character and not before one); or
 * SEARCH_NOMEM. A query over the byte cap is refused before its words are
 * counted, so the check itself is cheap. */
search_status search_limits_query(const char *query, char *err, size_t errlen);

/* Check a filter value (release, kind, speaker, recording; NULL is
 * absent): valid UTF-8 and at most SEARCH_MAX_QUERY_BYTES bytes. Returns
 * true, or false with a message naming `name` in err. */
bool search_limits_filter(const char *name, const char *value, char *err, size_t errlen);

/* Whether text may be shown back to the user (in a page, a link, a form):
 * valid UTF-8 and at most SEARCH_MAX_QUERY_BYTES bytes. A page shows a
 * refused query only when this holds, so a hostile one is not echoed. */
bool search_limits_echoable(const char *text);

#endif
