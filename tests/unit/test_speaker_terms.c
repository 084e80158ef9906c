/* speaker_terms: the keys of a speaker's name and of a value typed after
 * speaker:, which must meet for the filter to find someone. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "speaker_terms.h"

static char *key_of(const char *value)
{
	char *key = NULL;
	CHECK(speaker_key(value, strlen(value), &key));
	return key;
}

/* Does the value typed find the name? */
static bool finds(const char *value, const char *name)
{
	char *key = key_of(value);
	bool found = false;
	CHECK(key && speaker_name_has(name, strlen(name), key, &found));
	free(key);
	return found;
}

static void test_key(void)
{
	char *k = key_of("Maya Chen");
	CHECK_STR(k, "maya chen");
	free(k);
	k = key_of("  MAYA   chen ");
	CHECK_STR(k, "maya chen");
	free(k);
	/* A hyphenated name is its words, as the index splits text. */
	k = key_of("Mei-Lin");
	CHECK_STR(k, "mei lin");
	free(k);
	/* Beyond ASCII: lower-cased as Xapian lower-cases text. */
	k = key_of("\xc3\x93LAFUR \xc3\x89owyn");
	CHECK_STR(k, "\xc3\xb3lafur \xc3\xa9owyn");
	free(k);
	/* No words: a key that finds no one. */
	k = key_of("?!");
	CHECK_STR(k, "");
	free(k);
	/* value is len bytes, not up to a NUL. */
	char *part = NULL;
	CHECK(speaker_key("Maya Chen", 4, &part));
	CHECK_STR(part, "maya");
	free(part);
}

static void test_keys_of(void)
{
	speaker_keys keys = SPEAKER_KEYS_INIT;
	const char *name = "Mei-Lin Zhou";
	CHECK(speaker_keys_of(name, strlen(name), &keys));
	static const char *const want[] = {"mei", "mei lin",  "mei lin zhou",
	                                   "lin", "lin zhou", "zhou"};
	CHECK(keys.count == sizeof want / sizeof want[0]);
	for (size_t i = 0; i < keys.count && i < sizeof want / sizeof want[0]; i++)
		CHECK_STR(keys.items[i], want[i]);
	speaker_keys_free(&keys);
	CHECK(keys.items == NULL && keys.count == 0);

	/* A repeated word gives each key once. */
	name = "Anna Anna";
	CHECK(speaker_keys_of(name, strlen(name), &keys));
	CHECK(keys.count == 2);
	speaker_keys_free(&keys);

	/* A long voice: only its first SPEAKER_TERMS_WORDS words count. */
	name = "one two three four five six seven eight nine ten";
	CHECK(speaker_keys_of(name, strlen(name), &keys));
	CHECK(keys.count == SPEAKER_TERMS_WORDS * (SPEAKER_TERMS_WORDS + 1) / 2);
	speaker_keys_free(&keys);

	CHECK(speaker_keys_of("", 0, &keys) && keys.count == 0);
	speaker_keys_free(&keys);
	speaker_keys_free(NULL);
}

static void test_finds(void)
{
	/* Any part of the name, in any case. */
	CHECK(finds("Maya Chen", "Maya Chen"));
	CHECK(finds("maya", "Maya Chen"));
	CHECK(finds("CHEN", "Maya Chen"));
	CHECK(finds("mei-lin", "Mei-Lin Zhou"));
	CHECK(finds("Mei-Lin Zhou", "Mei-Lin Zhou"));
	CHECK(finds("lin zhou", "Mei-Lin Zhou"));
	/* Whole words only, and in the name's order. */
	CHECK(!finds("zhou", "Mei-Lin Zhao"));
	CHECK(!finds("zha", "Mei-Lin Zhao"));
	CHECK(!finds("chen maya", "Maya Chen"));
	CHECK(!finds("Maya Chen", "Maya"));
	/* The name inside an SRT prefix such as "CHAIR (Helena Voss):". */
	CHECK(finds("Helena Voss", "CHAIR (Helena Voss)"));
	CHECK(finds("chair", "CHAIR (Helena Voss)"));
	CHECK(!finds("", "Maya Chen"));
	CHECK(!finds("maya", ""));
}

int main(void)
{
	RUN(test_key);
	RUN(test_keys_of);
	RUN(test_finds);
	return harness_finish();
}
