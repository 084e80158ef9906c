/* not_found: which words of a query the archive never holds, so that the
 * answer can say "not found: debug" as search engines do (issue 13, item
 * 1) rather than leave the user to guess which word cost them the answer.
 *
 * The words are the user's own, as typed (never a synonym's expansion):
 * the words of the query and of its quoted phrases, less operators (AND,
 * OR, NOT, XOR, NEAR, ADJ), field:value filters, words with a leading '-'
 * (the user excludes them) and wildcards ("flex*" is a prefix, not a
 * word). A word is found when suggest_word_known says it is known: the
 * index holds it as a query would match it (lowercased, or unless exact
 * by its English stem: "recompiles" by "recompile"), or it is a stopword,
 * a spoken separator ("dot"), a word of the vocabulary (searched by its
 * expansions: "hsdp"), or a name with '_' whose parts are found. So a word
 * named here is one "did you mean" may correct. Words are split as
 * tokenize.h splits them: "torch.frobnicate" checks "torch" and
 * "frobnicate".
 *
 * The cost is one or two term look-ups per word: a query has at most
 * SEARCH_MAX_WORDS (search_limits.h).
 */
#ifndef QA_NOT_FOUND_H
#define QA_NOT_FOUND_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "synonyms.h"
#include "xindex.h"

typedef struct not_found_params {
	const char *query;   /* as the user typed it */
	bool stemmed;        /* a word is also found by its stem (not exact) */
	const synonyms *syn; /* the vocabulary; may be NULL */
	const char *const *stopwords;
	size_t stopword_count;
	const qx_field *fields; /* "name:value" words are filters, never checked */
	size_t field_count;
} not_found_params;

/* The words of p->query that db (a read handle) does not hold, as typed,
 * each once, in query order, as a JSON array of strings in *out (caller
 * releases with json_decref; [] when every word is found). On failure *out
 * is NULL. Returns QX_OK, QX_NOMEM, or the status of a failed read
 * (QX_RETRY and the rest, xindex.h; details in qx_db_errmsg). */
qx_status not_found_words(qx_db *db, const not_found_params *p, json_t **out);

#endif
