/* synonyms: groups of interchangeable search terms, and the query rewrite
 * that uses them.
 *
 * The text (the built-in vocabulary, vocabulary.h, and an archive's
 * synonyms.txt) has one group per line, members separated by ',':
 *
 *     # Distributed training
 *     fsdp, fully sharded data parallel
 *     torch.compile, torch compile
 *     -tp
 *
 * '#' starts a comment at the start of a line or after a space or tab (so
 * "c#" and "f#" are members, not comments). Blank lines are ignored;
 * members are trimmed, and spaces inside a member collapse to one. A member
 * is a word, an identifier (torch.compile, max-autotune) or several of them
 * separated by spaces (a phrase), where word and identifier mean what
 * tokenize.h says. Matching is case-insensitive for ASCII letters and sees
 * ' and U+2019 as the same apostrophe, exactly as the index does.
 *
 * A line of one member after a '-' ("-tp") is a removal: in a merge
 * (synonyms_merge) the member leaves the base's group and belongs to none.
 * Removals match nothing themselves.
 *
 * Input is UTF-8; a BOM is skipped; lines end in LF, CRLF or CR.
 */
#ifndef QA_SYNONYMS_H
#define QA_SYNONYMS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum synonyms_status {
	SYNONYMS_OK = 0,
	SYNONYMS_INVALID, /* a bad line: error_line and err say which and why */
	SYNONYMS_NOMEM,
} synonyms_status;

typedef struct synonyms synonyms; /* opaque */

const char *synonyms_status_str(synonyms_status status);

/* Parse buf[0..len). On SYNONYMS_OK, *out is the synonym set (caller frees
 * with synonyms_free; an empty file gives an empty set), *error_line is 0
 * and err is "". Otherwise *out is NULL and, for SYNONYMS_INVALID,
 * *error_line is the 1-based line and err holds "line N: why" (cut to
 * errlen bytes, always NUL-terminated when errlen > 0). error_line and err
 * may be NULL.
 *
 * A line is rejected when it has fewer than two members; has an empty
 * member ("a,,b", a trailing ','); has a member containing a double quote
 * (", U+201C, U+201D), a parenthesis or a ':' (QueryParser would read a
 * field prefix); has a member that is not words or identifiers ("fp8!",
 * "x*"); has a one-word member that is a QueryParser operator (AND OR NOT
 * XOR NEAR ADJ, NEAR/n, ADJ/n, any case); or repeats a member already on
 * that line or an earlier one (a member belongs to one group, or is
 * removed). A '-' line is rejected when it names no member or more than
 * one.
 *
 * Returns SYNONYMS_OK, SYNONYMS_INVALID or SYNONYMS_NOMEM. */
synonyms_status synonyms_parse(const char *buf, size_t len, synonyms **out, size_t *error_line,
                               char *err, size_t errlen);

/* The set a search uses when `over` (an archive's synonyms.txt) adds to and
 * overrides `base` (the built-in vocabulary): every group of over, and every
 * group of base without the members over names, in a group or on a '-'
 * line. So a member over puts in a group leaves its base group and means
 * only what over says, and a base group left with fewer than two members is
 * dropped; to extend a base group, over repeats it with the new members.
 * Groups come in order: base's, then over's. over's removals are applied,
 * not kept. Either set may be NULL (none).
 *
 * On SYNONYMS_OK *out is the new set (caller frees with synonyms_free; base
 * and over are not changed and stay the caller's). Otherwise (only
 * SYNONYMS_NOMEM) *out is NULL. */
synonyms_status synonyms_merge(const synonyms *base, const synonyms *over, synonyms **out);

/* The groups, in file order, and their members as written (spaces
 * collapsed), in line order. Strings are borrowed from s, valid until
 * synonyms_free. Indexes out of range give 0 / NULL. */
size_t synonyms_group_count(const synonyms *s);
size_t synonyms_member_count(const synonyms *s, size_t group);
const char *synonyms_member(const synonyms *s, size_t group, size_t member);

/* Does the set know word (one term, as tokenize_text makes it): is it a
 * member, or a word of a phrase member? Such a word is vocabulary, not a
 * misspelling, even where the archive never says it (search's "did you
 * mean" leaves it alone). Removals are not known. false for a NULL set. */
bool synonyms_knows(const synonyms *s, const char *word);

/* Rewrite a user query for Xapian's QueryParser (FLAG_BOOLEAN,
 * FLAG_PHRASE, FLAG_LOVEHATE, not FLAG_BOOLEAN_ANY_CASE): a member found in
 * the query becomes a parenthesised OR of its whole group, phrases quoted,
 * and an identifier also matches the ways it is said aloud (spoken.h):
 *
 *     fsdp checkpoint        ->  (fsdp OR "fully sharded data parallel") checkpoint
 *     use torch dot compile  ->  use (torch.compile OR "torch compile" OR "torch dot compile")
 *     torch._check           ->  (torch._check OR "torch dot underscore check" OR "torch check")
 *     set underscore stance  ->  ((set underscore stance) OR set_stance OR "set stance")
 *
 * A member is found as one whitespace-separated query word (a word or an
 * identifier, "torch.compile"), or as several plain words separated only by
 * whitespace for a phrase member. The group is written with the members as
 * the file spells them, then the spoken forms of its identifiers that are
 * not members already.
 *
 * Outside groups, the spoken-form rules: a query word that is an
 * identifier, or a name with '_', becomes (itself OR "each spoken form");
 * plain words that say an identifier aloud (spoken_read: "torch dot
 * export dot export") become ((the words) OR identifier OR "its other
 * forms"), so the words still match what they matched, and a said
 * identifier that is a member becomes its group. At each place the longest
 * match wins, a member over spoken words of the same length. A query word
 * may end in . , ; ! or ? ("fsdp?"), which stays after the ')'; a leading
 * '@' (a decorator) is dropped, as QueryParser would ignore it.
 *
 * Left exactly as typed:
 * - anything between double quotes (", U+201C, U+201D): quoted is exact;
 * - field:value words (release:2.9, speaker:"X"); a word containing ':'
 *   is never rewritten, and after "field:x" a '(' does not end the word.
 *   In "field:(a b)" the first word is left alone (glued to the '(') but
 *   later ones are rewritten;
 * - the operators AND OR NOT XOR NEAR ADJ (upper case, as QueryParser
 *   reads them; NEAR/3, ADJ/2), which also end a phrase match;
 * - words with a leading '+' or '-' (or '~'): QueryParser accepts
 *   "x -(a OR b)" but rejects "-(a OR b)" as a whole query (checked
 *   against Xapian 1.4.22), so prefixed words keep their meaning instead;
 * - wildcards ("flex*") and any word with other punctuation in or around
 *   it, or glued to a bracket or quote on the outside ("f(x)", "a\"b\"").
 * Everything else, spacing included, is copied byte for byte.
 *
 * A NULL s rewrites nothing (an empty set still applies the spoken-form
 * rules). On success *out is the new query (caller frees with free()).
 * Returns false only when out of memory, with *out NULL. Linear in the
 * query's length for a given synonym set. */
bool synonyms_rewrite_query(const synonyms *s, const char *query, char **out);

/* Is s[0..len) one of QueryParser's operators (AND OR NOT XOR NEAR ADJ,
 * NEAR/n, ADJ/n)? Upper case only, as QueryParser reads them, unless
 * any_case. The one rule the rewrite, the search's syntax check and its
 * "not found" words share. */
bool synonyms_is_operator(const char *s, size_t len, bool any_case);

/* Free everything; NULL is a no-op. */
void synonyms_free(synonyms *s);

#endif
