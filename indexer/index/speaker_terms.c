#include "speaker_terms.h"

#include <stdlib.h>
#include <string.h>

#include "tokenize.h"
#include "xindex.h"

/* The words of a name or a value: up to SPEAKER_TERMS_WORDS of them,
 * borrowed from tokens. */
typedef struct name_words {
	token_list tokens;
	const char *items[SPEAKER_TERMS_WORDS];
	size_t count;
} name_words;

/* Lower-case first (Xapian's Unicode lower-casing, so that "ÓLAFUR" and
 * "ólafur" are one key), then split as the index splits text. */
static bool words_of(const char *text, size_t len, name_words *w)
{
	char *copy = malloc(len + 1), *lower = NULL;
	*w = (name_words){TOKEN_LIST_INIT, {NULL}, 0};
	if (!copy)
		return false;
	memcpy(copy, text, len);
	copy[len] = '\0';
	bool ok = qx_utf8_lower(copy, &lower) == QX_OK &&
	          tokenize_text(lower, strlen(lower), 0, &w->tokens, NULL);
	for (size_t i = 0; ok && i < w->tokens.count && w->count < SPEAKER_TERMS_WORDS; i++)
		if (w->tokens.items[i].flags & TOKEN_WORD)
			w->items[w->count++] = w->tokens.items[i].term;
	free(lower);
	free(copy);
	return ok;
}

/* words[first, last] joined by one space; NULL when out of memory. */
static char *join(const name_words *w, size_t first, size_t last)
{
	size_t n = 0;
	for (size_t i = first; i <= last && i < w->count; i++)
		n += strlen(w->items[i]) + 1;
	char *key = malloc(n ? n : 1);
	if (!key)
		return NULL;
	key[0] = '\0';
	for (size_t i = first; i <= last && i < w->count; i++) {
		if (i > first)
			strcat(key, " ");
		strcat(key, w->items[i]);
	}
	return key;
}

bool speaker_key(const char *value, size_t len, char **out)
{
	name_words w;
	*out = NULL;
	if (words_of(value, len, &w))
		*out = w.count ? join(&w, 0, w.count - 1) : strdup("");
	token_list_free(&w.tokens);
	return *out != NULL;
}

/* Add key to keys unless it is there already; takes key. */
static bool add_key(speaker_keys *keys, char *key)
{
	for (size_t i = 0; i < keys->count; i++) {
		if (strcmp(keys->items[i], key) == 0) {
			free(key);
			return true;
		}
	}
	char **grown = realloc(keys->items, (keys->count + 1) * sizeof *grown);
	if (!grown) {
		free(key);
		return false;
	}
	keys->items = grown;
	keys->items[keys->count++] = key;
	return true;
}

bool speaker_keys_of(const char *name, size_t len, speaker_keys *out)
{
	name_words w;
	bool ok = words_of(name, len, &w);
	for (size_t first = 0; ok && first < w.count; first++) {
		for (size_t last = first; ok && last < w.count; last++) {
			char *key = join(&w, first, last);
			ok = key && add_key(out, key);
		}
	}
	token_list_free(&w.tokens);
	return ok;
}

void speaker_keys_free(speaker_keys *keys)
{
	if (!keys)
		return;
	for (size_t i = 0; i < keys->count; i++)
		free(keys->items[i]);
	free(keys->items);
	*keys = (speaker_keys)SPEAKER_KEYS_INIT;
}

bool speaker_name_has(const char *name, size_t len, const char *key, bool *found)
{
	speaker_keys keys = SPEAKER_KEYS_INIT;
	*found = false;
	bool ok = speaker_keys_of(name, len, &keys);
	for (size_t i = 0; ok && i < keys.count && !*found; i++)
		*found = strcmp(keys.items[i], key) == 0;
	speaker_keys_free(&keys);
	return ok;
}
