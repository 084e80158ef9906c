/* synonyms_internal.h: what synonyms.c (the file format, the set, merging)
 * and synonyms_rewrite.c (the query rewrite) share, and nothing else
 * includes: the set's layout and the lexical helpers both sides must agree
 * on. */
#ifndef QA_SYNONYMS_INTERNAL_H
#define QA_SYNONYMS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"
#include "synonyms.h"

typedef struct member {
	char *text; /* as written, spaces collapsed */
	char *key;  /* tokenized form: terms joined by single spaces */
	bool phrase;
} member;

typedef struct group {
	member *members;
	size_t count;
	size_t line;     /* where the file defines it (errors name it) */
	char *expansion; /* what a match becomes in a query: "(a OR \"b c\")" */
} group;

/* One member in the lookup index, sorted by key. */
typedef struct entry {
	const char *key; /* borrowed from its member */
	size_t group;    /* into groups, or into removed when removal */
	size_t line;
	bool removal; /* a "-member" line: matches nothing in a query */
} entry;

struct synonyms {
	group *groups;
	size_t count;
	size_t cap;
	group *removed; /* "-member" lines, one member each */
	size_t nremoved;
	size_t removed_cap;
	entry *index;
	size_t nindex;
	size_t max_key; /* longest key: no longer query text can match */
};

static inline bool synonyms_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Length of a double quote at s[i] (", U+201C, U+201D: QueryParser treats
 * all three as phrase quotes), or 0. */
size_t synonyms_quote_len(const char *s, size_t len, size_t i);

/* The word or identifier that starts text[0..len), as tokenize_text reads
 * it: its end (0 when text does not start with a word character) and, when
 * key is not NULL, its term appended to key. Returns false when out of
 * memory. */
bool synonyms_leading_core(const char *text, size_t len, size_t *core_end, strbuf *key);

/* The first index entry whose key is >= key. */
size_t synonyms_lower_bound(const synonyms *s, const char *key);

/* The group whose member has exactly this key, or false (removals match
 * nothing). */
bool synonyms_find(const synonyms *s, const char *key, size_t *group);

/* Fill every group's expansion (synonyms_rewrite.c). Returns false when out
 * of memory. */
bool synonyms_expand_groups(synonyms *s);

#endif
