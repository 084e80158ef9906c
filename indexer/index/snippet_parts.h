/* snippet_parts: marks in a snippet for the words that matched by a piece.
 *
 * The index holds a word's pieces as well as the word (tokenize.h:
 * "FSDP2" is fsdp and 2, "_dynamo" is dynamo, "error_on_graph_break" is
 * error, on, graph and break), so `fsdp` finds a passage that says FSDP2.
 * Xapian's snippet code splits text its own way and knows no pieces, so
 * such a word was never marked, and the hit looked unrelated to the query.
 * This marks, outside the marks Xapian made, every word one of whose
 * pieces the query searches on its own (qx_mset_is_loose_word).
 */
#ifndef QA_SNIPPET_PARTS_H
#define QA_SNIPPET_PARTS_H

#include <stdbool.h>

#include "xindex.h"

/* html (a snippet: HTML-escaped text with <mark>...</mark>, as
 * qx_mset_snippet makes it) with the words that matched by a piece marked
 * too, into *out (the caller frees it; NULL when out of memory, and then
 * false is returned). */
bool snippet_mark_parts(qx_mset *ms, const char *html, char **out);

#endif
