/* spoken: how code identifiers are said aloud, as rules rather than lists.
 *
 * Talks say identifiers ("torch dot export dot export", "torch dot
 * underscore check", "set underscore stance", "dunder init") and speech
 * recognition writes what was said, while people type them
 * (torch.export.export, torch._check, set_stance, __init__). These rules
 * connect the two for any identifier, in both directions; the query
 * rewrite (synonyms_rewrite_query) applies them.
 *
 * The spoken separators: '.' "dot", '-' "dash", '/' "slash", ':' "colon",
 * '\' "backslash", '@' "at", '_' "underscore"; a name in double
 * underscores (__init__) is "dunder init" or "double underscore init".
 * Reading spoken words back understands dot, dash, slash and underscore
 * between words and underscore, dunder or "double underscore" before one
 * ("colon", "at" and "backslash" are too common in speech to read as
 * code).
 *
 * Words and identifiers are terms as tokenize.h makes them (lowercase).
 */
#ifndef QA_SPOKEN_H
#define QA_SPOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define SPOKEN_MAX_FORMS 4

typedef struct spoken_forms {
	char *form[SPOKEN_MAX_FORMS]; /* owned; words separated by single spaces */
	size_t count;
} spoken_forms;

/* The ways ident (an identifier such as "torch._dynamo.config.cache_size_limit",
 * or a word with '_' such as "add_safe_globals") is said, as phrases of
 * plain words, into *out (which the caller frees with spoken_forms_free,
 * whatever the result). At most SPOKEN_MAX_FORMS, in this order, dropping
 * repeats:
 *
 *   1. every separator said:  "torch dot underscore dynamo dot config dot
 *      cache underscore size underscore limit"
 *   2. dots, slashes and a leading underscore said, dashes and underscores
 *      inside a name silent: "torch dot underscore dynamo dot config dot
 *      cache size limit" (how speakers say snake_case names)
 *   3. as 2, with names inside kept as written: "... dot config dot
 *      cache_size_limit" (a transcript that spells the name, but not the
 *      path to it)
 *   4. nothing said: "torch dynamo config cache size limit"
 *
 * A dunder name is "double underscore x" in form 1 and "dunder x" in forms
 * 2 and 3. Forms of one word, and the identifier's own words as written
 * ("torch export export" for torch.export.export: QueryParser already
 * searches an identifier as that phrase), are left out; a plain word has
 * no forms. Returns false only when out of memory. */
bool spoken_forms_of(const char *ident, spoken_forms *out);

void spoken_forms_free(spoken_forms *f);

/* Read an identifier said aloud from the start of words[0..count) (one
 * term each): "torch", "dot", "underscore", "check" -> "torch._check".
 * *used is how many words it takes, 0 when the words do not start with
 * one (at least one spoken separator between or before real words is
 * needed: "torch dot" alone is no identifier). On a match the identifier
 * is appended to ident. Returns false only when out of memory. */
bool spoken_read(const char *const *words, size_t count, size_t *used, strbuf *ident);

/* Is word (one term) one of the words spoken_read reads as code: dot,
 * dash, slash, underscore, dunder? */
bool spoken_is_marker(const char *word);

#endif
