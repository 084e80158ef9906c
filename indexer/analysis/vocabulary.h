/* vocabulary: the field's abbreviations and expansions, built into qarchive
 * so that every archive knows them (FSDP <-> fully sharded data parallel,
 * AOTI <-> AOTInductor, OOM <-> out of memory, ...), and the set a search
 * uses: that built-in list merged with the archive's own synonyms.txt.
 *
 * The list is text in the synonyms.txt format (synonyms.h), compiled in and
 * parsed when loaded; no file is read. An archive's file adds groups and
 * overrides the built-in ones as synonyms_merge says: a member the file
 * names (in a group, or on a "-member" line) leaves its built-in group.
 */
#ifndef QA_VOCABULARY_H
#define QA_VOCABULARY_H

#include <stddef.h>

#include "synonyms.h"

/* The built-in list, in synonyms.txt format: static, NUL-terminated. */
const char *vocabulary_builtin_text(void);

/* The set a search uses: the built-in list merged with archive_text[0..len)
 * (an archive's synonyms.txt; NULL or len 0 for none). On SYNONYMS_OK *out
 * is the set (caller frees with synonyms_free). Otherwise *out is NULL and,
 * for SYNONYMS_INVALID (the archive's text does not parse), *error_line and
 * err say where and why, as synonyms_parse does; a caller that must search
 * anyway loads the built-in list alone (archive_text NULL). error_line and
 * err may be NULL. Returns SYNONYMS_OK, SYNONYMS_INVALID or
 * SYNONYMS_NOMEM. */
synonyms_status vocabulary_load(const char *archive_text, size_t len, synonyms **out,
                                size_t *error_line, char *err, size_t errlen);

#endif
