/* english (indexer/english/english.c): Hunspell's en_US dictionary decides
 * what is an English word, inflections and capitalised words included;
 * misspellings, identifiers and non-ASCII words are not. */
#include <string.h>

#include "english.h"
#include "harness.h"

static void test_words(void)
{
	/* Inflected by the dictionary's affix rules, not listed as such. */
	const char *words[] = {"figure",  "hangs",  "thrown", "newly", "routing", "uneven",
	                       "shorten", "frozen", "raw",    "graph", "dog",     "internet"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		harness_check(english_check(words[i]) == ENGLISH_WORD, words[i], __FILE__,
		              __LINE__);
}

static void test_not_words(void)
{
	char longest[200];
	memset(longest, 'a', sizeof longest - 1);
	longest[sizeof longest - 1] = '\0';
	const char *not_words[] = {"grpah",   "checkponts",   "recompilatons", "torchcompile",
	                           "python3", "weights_only", "torch.compile", "caf\xc3\xa9",
	                           "",        longest};
	for (size_t i = 0; i < sizeof not_words / sizeof not_words[0]; i++)
		harness_check(english_check(not_words[i]) == ENGLISH_NOT_A_WORD, not_words[i],
		              __FILE__, __LINE__);
	CHECK(english_check(NULL) == ENGLISH_NOT_A_WORD);
}

int main(void)
{
	RUN(test_words);
	RUN(test_not_words);
	return harness_finish();
}
