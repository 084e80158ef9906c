/* similar_units: the questions asked in other recordings that are closest
 * to one unit's question (issue 14: how the answer about torch.compile and
 * Python versions changed from 2.6 to 2.9).
 *
 * The unit's document (index_schema.h: INDEX_TERM_UNIT) is the relevance
 * set of a more-like-this search (qx_db_similar): the
 * SIMILAR_UNITS_TERMS rarest of its question's words (INDEX_PREFIX_QUESTION:
 * not its answer's) that other questions hold too
 * make a query over the questions of every other recording, and a unit
 * must share SIMILAR_UNITS_MIN_TERMS of them. Each is
 *     {"recording", "title", "release", "t", "question"}
 * ("t": where its question starts; title and release from its recording's
 * summary), best first.
 *
 * On a recording's page and in its API (similar_units_add), symmetric
 * where there is room: when unit A lists B, B lists A too unless B's list
 * is already full. B's own list comes first; then, while
 * it has room, the SIMILAR_UNITS_CANDIDATES units sharing the most of B's
 * question words (every one of them, not only the rarest: an A that lists
 * B shares two of A's rarest with B) are asked whether their own list
 * holds B. A's choice of terms is its own (its rarest words), so without
 * this B would not always see A (tests/QA_UNITS.md: 32 one-way pairs in
 * the bundled archive). Bounded: at most 2 + SIMILAR_UNITS_CANDIDATES
 * esets and queries a unit, and a recording's units (similar_units_add)
 * share the candidates' lists, so its watch page costs about twice what
 * one list a unit did (2.9's 33 questions: 0.5 s -> 1.1 s under ASan on a
 * busy machine). 4 candidates cost as much and left one pair one-way.
 * A search hit's list (similar_units_find) is the unit's own list only:
 * with the links back for every unit hit of every search, load_faults
 * saw 74 searches answered in its minute, without them 157 (the machine
 * equally busy: an idle search 160-210 ms).
 */
#ifndef QA_SIMILAR_UNITS_H
#define QA_SIMILAR_UNITS_H

#include <jansson.h>
#include <stddef.h>

#include "search.h"
#include "xindex.h"

#define SIMILAR_UNITS_MAX 3
/* The units that share most of a unit's question words, checked for
 * whether their own list holds it (the links back, below). */
#define SIMILAR_UNITS_CANDIDATES 8
#define SIMILAR_UNITS_TERMS      5
#define SIMILAR_UNITS_MIN_TERMS  2
#define SIMILAR_UNITS_MIN_SHARE  0.4

/* The units like unit k (numbered from 0 in the order asked) of recording
 * id, of the same `kind` (its "kind": "question" or "agenda", qa_units.h:
 * a question is like a question, an agenda item like an agenda item; NULL
 * reads as "question"), as a new array in *out (caller
 * releases; [] when there are none, or when the index has no such unit:
 * one written before units had INDEX_TERM_UNIT). SEARCH_BUSY when the
 * index changed underneath (reopen and call again), SEARCH_DAMAGED,
 * SEARCH_FAILED, SEARCH_NOMEM; err says why. *out is NULL on failure. */
search_status similar_units_find(qx_db *db, const char *id, size_t k, const char *kind,
                                 json_t **out, char *err, size_t errlen);
/* (similar_units_find: the unit's own list, no links back: see above.) */

/* Give each of a recording's units (its summary's "questions":
 * [{"t", "text", "kind", ...}], in the order asked) its "similar", with
 * the links back (symmetric where there is room, above). */
search_status similar_units_add(qx_db *db, const char *id, json_t *questions, char *err,
                                size_t errlen);

#endif
