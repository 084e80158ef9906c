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
 * summary), best first. One eset and one query a unit: cheap enough for
 * every unit hit of a page and every question of a recording.
 */
#ifndef QA_SIMILAR_UNITS_H
#define QA_SIMILAR_UNITS_H

#include <jansson.h>
#include <stddef.h>

#include "search.h"
#include "xindex.h"

#define SIMILAR_UNITS_MAX       3
#define SIMILAR_UNITS_TERMS     5
#define SIMILAR_UNITS_MIN_TERMS 2
#define SIMILAR_UNITS_MIN_SHARE 0.4

/* The units like unit k (numbered from 0 in the order asked) of recording
 * id, as a new array in *out (caller
 * releases; [] when there are none, or when the index has no such unit:
 * one written before units had INDEX_TERM_UNIT). SEARCH_BUSY when the
 * index changed underneath (reopen and call again), SEARCH_DAMAGED,
 * SEARCH_FAILED, SEARCH_NOMEM; err says why. *out is NULL on failure. */
search_status similar_units_find(qx_db *db, const char *id, size_t k, json_t **out, char *err,
                                 size_t errlen);

/* Give each of a recording's questions (its summary's "questions":
 * [{"t", "text", ...}], in the order asked) its "similar". */
search_status similar_units_add(qx_db *db, const char *id, json_t *questions, char *err,
                                size_t errlen);

#endif
