/* tokenize: cue text into the terms and positions the Xapian index stores.
 *
 * The query side is Xapian's QueryParser (1.4.22), so a word here must be a
 * word there, or a phrase search would miss. The rules follow QueryParser's
 * parse_term() and TermGenerator's parse_terms(), which agree with each
 * other:
 *
 * - Word characters are letters, digits and '_'. Every multibyte UTF-8
 *   character counts as a letter, except the punctuation, symbols and spaces
 *   tokenize.c lists (NBSP and the rest of U+0080-U+00BF, U+2000-U+206F
 *   general punctuation, arrows and maths symbols, box drawing and dingbats,
 *   CJK punctuation, U+3000, fullwidth punctuation, emoji). Invalid UTF-8
 *   bytes are separators. CJK runs are one word (QueryParser without
 *   FLAG_CJK_NGRAM does the same).
 * - Inside a word, one character between two word characters is kept:
 *   an apostrophe (' U+2019 U+201B, all stored as ASCII '), '&' (AT&T),
 *   U+00B7, U+2027; but between two ASCII digits only ',' '.' ';' U+2044
 *   ("2.6", "3,000", "v2.6.1" are one word; "9&9" is two; digits of other
 *   scripts count as letters here, where Xapian sees digits). Zero-width
 *   characters (U+200B-U+200D, U+2060, U+FEFF) between word characters are
 *   dropped.
 * - Up to three '+' or '#' right after a word belong to it ("c++", "c#")
 *   when a non-word character or the end follows; "c++++" is "c",
 *   "fish+chips" is "fish" and "chips".
 * - Single capital letters separated by '.' ("U.S.", "P.T.O") are one word,
 *   "us", "pto", when no word character follows; the trailing '.' belongs
 *   to it.
 * - Our addition, code awareness: words joined by a run of '.', '-', '/',
 *   ':', '\\' or '@' with a word character right after the run form an
 *   identifier (torch.compile, max-autotune, c10::Dispatcher,
 *   https://pytorch.org). QueryParser turns the same text into a phrase of
 *   its words (these are its "phrase generators"), so each word is still an
 *   ordinary TOKEN_WORD at consecutive positions. A '.' before a space
 *   ("compile. Next") joins nothing.
 *
 * Besides the words:
 * - TOKEN_IDENTIFIER: the whole identifier, as written but lowercased
 *   ("torch._dynamo.config.cache_size_limit"), at its first word's
 *   position.
 * - TOKEN_SUBPART: a word's pieces, at the word's position: split at '_'
 *   (dropped), at a lower-to-upper case change ("FlexAttention" -> flex,
 *   attention), before the last capital of a run followed by a lower-case
 *   letter ("HTTPServer" -> http, server) and between letters and digits
 *   ("FSDP2" -> fsdp, 2; "v2.6" -> v, 2.6). Case changes are ASCII only. A
 *   '+'/'#' suffix is not a piece. Only pieces that differ from the word are
 *   emitted ("torch" has none, "_dynamo" has "dynamo").
 *
 * Terms are UTF-8 with ASCII letters lowercased; other letters are left as
 * they are (the C++ layer applies Unicode lowercasing). Terms have no
 * length limit: the caller skips those longer than Xapian allows.
 */
#ifndef QA_TOKENIZE_H
#define QA_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>

enum {
	TOKEN_WORD = 1u << 0,       /* a word: one position each */
	TOKEN_SUBPART = 1u << 1,    /* a piece of the word at the same position */
	TOKEN_IDENTIFIER = 1u << 2, /* a whole joined identifier */
};

typedef struct token {
	char *term;     /* owned by the list; NUL-terminated UTF-8 */
	unsigned pos;   /* term position */
	unsigned flags; /* exactly one of TOKEN_WORD, TOKEN_SUBPART, TOKEN_IDENTIFIER */
	size_t start;   /* byte offsets of the source span in text: [start, end) */
	size_t end;
} token;

typedef struct token_list {
	token *items; /* owned; in text order, see tokenize_text */
	size_t count;
	size_t cap;
} token_list;

#define TOKEN_LIST_INIT                                                                            \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Append the tokens of text[0..len) (UTF-8) to *out, which must be
 * TOKEN_LIST_INIT or hold earlier tokens. The first word gets position
 * first_pos and each further word the next one; *next_pos (if not NULL)
 * gets one past the last position used (first_pos when there were no
 * words), so the next cue can carry on the numbering and a phrase can span
 * two cues. Positions stop at UINT_MAX rather than wrap.
 *
 * Order: by position; at one position the identifier (if one starts
 * there) comes first, then the word, then its sub-parts left to right.
 *
 * Returns false only when out of memory; *out is then as it was before the
 * call and *next_pos is not set. */
bool tokenize_text(const char *text, size_t len, unsigned first_pos, token_list *out,
                   unsigned *next_pos);

/* Free every term and the array; *list is left as TOKEN_LIST_INIT. NULL is
 * a no-op. */
void token_list_free(token_list *list);

#endif
