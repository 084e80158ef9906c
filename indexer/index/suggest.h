/* suggest: "did you mean", made of the user's own words.
 *
 * Only words the archive does not know are changed, and only into words it
 * does know, in place in the query as typed: everything else (other words,
 * quotes, field:value, operators, spacing) stays byte for byte, and no
 * synonym expansion ever shows. A word is known when the index holds it
 * (or, stemmed, its stem: "recompiles"), when the vocabulary knows it
 * (synonyms_knows: "hsdp" finds its expansion even where nobody says
 * "hsdp"), when it is a stopword or a spoken separator ("dot"), or, for a
 * name with '_', when each of its parts is known (the spoken-form rules
 * search "add_safe_globals" as "add safe globals").
 *
 * An unknown word becomes, first that applies:
 *   1. joined with a neighbouring word, when the two written together are
 *      a known word ("py torch" -> "pytorch");
 *   2. split where letters meet digits, when both parts are known
 *      ("python3.13" -> "python 3.13");
 *   3. the spelling dictionary's nearest known word (one edit for words of
 *      up to four letters, two beyond: "grpah" -> "graph");
 *   4. split anywhere into two known words ("torchcompile" -> "torch
 *      compile").
 * Unknown words that have none of these stay as typed.
 *
 * Stable: the suggestion is applied again until nothing changes, so
 * following it never yields another suggestion. Each round turns an
 * unknown word into known ones, so this ends.
 *
 * Words inside quotes, field:value words, words with a leading '+', '-'
 * or '~', wildcards and operators are never changed. A query of more than
 * SUGGEST_MAX_WORDS words gets no suggestion (the cost of a suggestion is
 * a few term look-ups per word).
 */
#ifndef QA_SUGGEST_H
#define QA_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "synonyms.h"
#include "xindex.h"

#define SUGGEST_MAX_WORDS 64

typedef struct suggest_params {
	const char *query;   /* as the user typed it */
	bool stemmed;        /* a word is also known by its stem (not --exact) */
	const synonyms *syn; /* the vocabulary; may be NULL */
	const char *const *stopwords;
	size_t stopword_count;
} suggest_params;

/* The suggestion for p->query from db (a read handle). On QX_OK *out is
 * the suggested query (caller frees with free()), or NULL when there is
 * none: every word is known, or no unknown word has a candidate. On
 * failure *out is NULL. Returns QX_OK, QX_NOMEM, or a status of a database
 * read (QX_RETRY and the rest, xindex.h; details in qx_db_errmsg). */
qx_status suggest_query(qx_db *db, const suggest_params *p, char **out);

/* Is term (one word of a query, lowercased as tokenize.h gives it) known,
 * as above: a stopword or spoken separator, known to the vocabulary, held
 * by the index (or by its stem), or a name with '_' whose parts are? The
 * answer in *known; p->query is not read. Returns QX_OK or the status of a
 * failed read. "Not found" (not_found.h) asks this, so that a word the
 * page says was found nowhere is one a suggestion may correct. */
qx_status suggest_word_known(qx_db *db, const suggest_params *p, const char *term, bool *known);

#endif
