/* search_limits (indexer/index/search_limits.c): what a search request may
 * hold. Each cap is tested at its edge, and each kind of bytes that is not
 * UTF-8 that a browser or a hand-made link sends (issue 13, item 6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "search_limits.h"

static search_status check_query(const char *q, char *err, size_t errlen)
{
	err[0] = '\0';
	return search_limits_query(q, err, errlen);
}

static void test_utf8(void)
{
	char err[256];
	static const char *const bad[] = {
	    "\xff\xfe",               /* never UTF-8 */
	    "\xc0\xaf",               /* an overlong '/' */
	    "\xed\xa0\x80",           /* a lone surrogate, U+D800 */
	    "caf\xe9",                /* Latin-1 */
	    "torch \xf4\x90\x80\x80", /* past U+10FFFF */
	    "compile \xe2\x80",       /* cut short */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(check_query(bad[i], err, sizeof err) == SEARCH_BAD_QUERY);
		CHECK(strstr(err, "UTF-8") != NULL);
		CHECK(!search_limits_echoable(bad[i]));
	}
	CHECK(check_query("café naïve 日本語 torch.compile", err, sizeof err) == SEARCH_OK);
	CHECK(check_query("", err, sizeof err) == SEARCH_OK);
	CHECK(check_query(NULL, err, sizeof err) == SEARCH_OK);
	CHECK(search_limits_filter("speaker", "Zoë", err, sizeof err));
	CHECK(!search_limits_filter("speaker", "Zo\xeb", err, sizeof err));
	CHECK(strstr(err, "speaker: not valid UTF-8") != NULL);
	CHECK(search_limits_filter("release", NULL, err, sizeof err));
}

static void test_length(void)
{
	char err[256];
	char *q = malloc(SEARCH_MAX_QUERY_BYTES + 2);
	/* Long words: few enough not to meet the word cap first. */
	for (size_t i = 0; i <= SEARCH_MAX_QUERY_BYTES; i++)
		q[i] = i % 40 == 39 ? ' ' : 'x';
	q[SEARCH_MAX_QUERY_BYTES] = '\0';
	CHECK(check_query(q, err, sizeof err) == SEARCH_OK);
	CHECK(search_limits_echoable(q));
	CHECK(search_limits_filter("kind", q, err, sizeof err));
	q[SEARCH_MAX_QUERY_BYTES] = 'x';
	q[SEARCH_MAX_QUERY_BYTES + 1] = '\0';
	CHECK(check_query(q, err, sizeof err) == SEARCH_BAD_QUERY);
	CHECK_STR(err, "the query is too long: 1025 bytes, at most 1024");
	CHECK(!search_limits_echoable(q));
	CHECK(!search_limits_filter("kind", q, err, sizeof err));
	CHECK(strstr(err, "kind: too long") != NULL);
	free(q);
}

/* n words ("w0 w1 ..."), each a wildcard when star. */
static char *words(size_t n, bool star)
{
	char *q = malloc(n * 8 + 1);
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(q + len, "%sw%zu%s", i ? " " : "", i, star ? "*" : "");
	q[len] = '\0';
	return q;
}

static void test_words(void)
{
	char err[256];
	char *q = words(SEARCH_MAX_WORDS, false);
	CHECK(check_query(q, err, sizeof err) == SEARCH_OK);
	free(q);
	q = words(SEARCH_MAX_WORDS + 1, false);
	CHECK(check_query(q, err, sizeof err) == SEARCH_BAD_QUERY);
	CHECK_STR(err, "the query has too many words: 65, at most 64");
	free(q);
	/* Words as the index counts them: an identifier is its words, its
	 * sub-parts are not counted again. */
	CHECK(check_query("torch._dynamo.config.cache_size_limit FlexAttention", err, sizeof err) ==
	      SEARCH_OK);
	/* A pasted error message, about 30 words, is a query. */
	CHECK(check_query("RuntimeError: Expected all tensors to be on the same device, but "
	                  "found at least two devices, cuda:0 and cpu! (when checking argument "
	                  "for argument mat1 in method wrapper_CUDA_addmm)",
	                  err, sizeof err) == SEARCH_OK);
}

static void test_wildcards(void)
{
	char err[256];
	char *q = words(SEARCH_MAX_WILDCARDS, true);
	CHECK(check_query(q, err, sizeof err) == SEARCH_OK);
	free(q);
	q = words(SEARCH_MAX_WILDCARDS + 1, true);
	CHECK(check_query(q, err, sizeof err) == SEARCH_BAD_QUERY);
	CHECK_STR(err, "the query has too many wildcards (word*): 9, at most 8");
	free(q);
	/* Wildcards as QueryParser reads them: a '*' after a word character
	 * and not before one. None of these is one. */
	CHECK(check_query("* ** a*b x *y 2 * 3 * 4 * 5 * 6 * 7 * 8 * 9 * 10", err, sizeof err) ==
	      SEARCH_OK);
	/* Each of these is one: nine in all. */
	CHECK(check_query("(a*) b*, c** d* é* _* 1* \"f* g*\"", err, sizeof err) ==
	      SEARCH_BAD_QUERY);
	CHECK(strstr(err, ": 9,") != NULL);
}

int main(void)
{
	RUN(test_utf8);
	RUN(test_length);
	RUN(test_words);
	RUN(test_wildcards);
	return harness_finish();
}
