#include "english.h"

#include <hunspell.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Longest word checked: English words are shorter, and this bounds the
 * copy a capitalised check needs. */
#define ENGLISH_WORD_MAX 64

static pthread_once_t opened = PTHREAD_ONCE_INIT;
/* Hunspell does not promise that one handle may be used by two threads
 * at once; a check takes microseconds and is asked once per unknown word
 * of a query, so one lock is enough. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Hunhandle *dictionary;
static const char *dictionary_base = ENGLISH_DICTIONARY;

void english_use_dictionary(const char *base)
{
	dictionary_base = base;
}

/* Hunspell_create opens whatever it is given; a missing file gives a
 * handle that knows no word, so the files are checked first. */
static void open_dictionary(void)
{
	char aff[512], dic[512];
	int a = snprintf(aff, sizeof aff, "%s.aff", dictionary_base);
	int d = snprintf(dic, sizeof dic, "%s.dic", dictionary_base);
	if (a < 0 || (size_t)a >= sizeof aff || d < 0 || (size_t)d >= sizeof dic)
		return;
	if (access(aff, R_OK) != 0 || access(dic, R_OK) != 0)
		return;
	dictionary = Hunspell_create(aff, dic);
}

static bool ascii_letters(const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((word[i] >= 'a' && word[i] <= 'z') || (word[i] >= 'A' && word[i] <= 'Z')))
			return false;
	return len > 0;
}

english_status english_check(const char *word)
{
	pthread_once(&opened, open_dictionary);
	if (!dictionary)
		return ENGLISH_NO_DICTIONARY;
	size_t len = word ? strlen(word) : 0;
	if (len > ENGLISH_WORD_MAX || !ascii_letters(word, len))
		return ENGLISH_NOT_A_WORD;
	char capital[ENGLISH_WORD_MAX + 1];
	memcpy(capital, word, len + 1);
	if (capital[0] >= 'a' && capital[0] <= 'z')
		capital[0] = (char)(capital[0] - 'a' + 'A');
	pthread_mutex_lock(&lock);
	bool known = Hunspell_spell(dictionary, word) || Hunspell_spell(dictionary, capital);
	pthread_mutex_unlock(&lock);
	return known ? ENGLISH_WORD : ENGLISH_NOT_A_WORD;
}
