/* english: is a word a correctly spelled English word? Hunspell's check
 * against Debian's en_US dictionary (hunspell-en-us), affixes included
 * ("hangs", "thrown", "newly").
 *
 * Why: "did you mean" (suggest.h) corrects words the archive never holds
 * into near words it does. A question typed in plain English is full of
 * words nobody said in a talk ("figure", "hangs", "internet"), and
 * correcting those ("failure", "hands", "interpret") turns a good
 * question into nonsense. A word the dictionary knows is spelled as its
 * writer meant it: it is never corrected.
 *
 * The dictionary is opened once, at the first question, and kept; every
 * function is thread-safe. Words are checked as typed in lower case and
 * capitalised ("internet" as "Internet"). Only words of ASCII letters are
 * checked (the en_US files are ISO-8859-1); anything else is not a word.
 */
#ifndef QA_ENGLISH_H
#define QA_ENGLISH_H

#include <stdbool.h>

/* Debian's en_US dictionary, without the ".aff" / ".dic". */
#define ENGLISH_DICTIONARY "/usr/share/hunspell/en_US"

typedef enum english_status {
	ENGLISH_WORD,         /* a correctly spelled English word */
	ENGLISH_NOT_A_WORD,   /* not one (or not ASCII letters) */
	ENGLISH_NO_DICTIONARY /* the dictionary could not be opened: nothing known */
} english_status;

/* Is word (lower case, NUL-terminated) an English word? */
english_status english_check(const char *word);

/* Use the dictionary at `base` (base.aff, base.dic) instead of
 * ENGLISH_DICTIONARY; before the first english_check only (tests). */
void english_use_dictionary(const char *base);

#endif
