#include "search_limits.h"

#include <stdio.h>
#include <string.h>

#include "text_decode.h"
#include "tokenize.h"

/* A byte of a word as QueryParser reads one: ASCII letters, digits and
 * '_', and every byte of a multibyte character (tokenize.h: those are
 * letters, bar some punctuation; counting them as letters can only count
 * a wildcard more, never one less). */
static bool word_byte(unsigned char c)
{
	return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Wildcards as QueryParser's FLAG_WILDCARD reads them: "flex*" and
 * "flex*)" are one, "a*b" and a lone "*" are none. */
static size_t count_wildcards(const char *q, size_t len)
{
	size_t n = 0;
	for (size_t i = 1; i < len; i++)
		if (q[i] == '*' && word_byte((unsigned char)q[i - 1]) &&
		    (i + 1 == len || !word_byte((unsigned char)q[i + 1])))
			n++;
	return n;
}

/* Words as the index counts them (a position each): "torch.compile" is
 * two. Returns false only when out of memory. */
static bool count_words(const char *q, size_t len, size_t *n)
{
	token_list tokens = TOKEN_LIST_INIT;
	if (!tokenize_text(q, len, 0, &tokens, NULL))
		return false;
	*n = 0;
	for (size_t i = 0; i < tokens.count; i++)
		*n += tokens.items[i].flags == TOKEN_WORD;
	token_list_free(&tokens);
	return true;
}

search_status search_limits_query(const char *query, char *err, size_t errlen)
{
	const char *q = query ? query : "";
	size_t len = strlen(q), n;
	if (!text_is_utf8(q, len)) {
		snprintf(err, errlen, "the query is not valid UTF-8 text");
		return SEARCH_BAD_QUERY;
	}
	if (len > SEARCH_MAX_QUERY_BYTES) {
		snprintf(err, errlen, "the query is too long: %zu bytes, at most %d", len,
		         SEARCH_MAX_QUERY_BYTES);
		return SEARCH_BAD_QUERY;
	}
	if (!count_words(q, len, &n)) {
		snprintf(err, errlen, "out of memory");
		return SEARCH_NOMEM;
	}
	if (n > SEARCH_MAX_WORDS) {
		snprintf(err, errlen, "the query has too many words: %zu, at most %d", n,
		         SEARCH_MAX_WORDS);
		return SEARCH_BAD_QUERY;
	}
	if ((n = count_wildcards(q, len)) > SEARCH_MAX_WILDCARDS) {
		snprintf(err, errlen, "the query has too many wildcards (word*): %zu, at most %d",
		         n, SEARCH_MAX_WILDCARDS);
		return SEARCH_BAD_QUERY;
	}
	return SEARCH_OK;
}

bool search_limits_filter(const char *name, const char *value, char *err, size_t errlen)
{
	if (!value)
		return true;
	size_t len = strlen(value);
	if (!text_is_utf8(value, len)) {
		snprintf(err, errlen, "%s: not valid UTF-8 text", name);
		return false;
	}
	if (len > SEARCH_MAX_QUERY_BYTES) {
		snprintf(err, errlen, "%s: too long: %zu bytes, at most %d", name, len,
		         SEARCH_MAX_QUERY_BYTES);
		return false;
	}
	return true;
}

bool search_limits_echoable(const char *text)
{
	size_t len = text ? strlen(text) : 0;
	return len <= SEARCH_MAX_QUERY_BYTES && text_is_utf8(text ? text : "", len);
}
