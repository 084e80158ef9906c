#include "word_count.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "str_hash.h"

/* Open addressing with linear probing, kept at most half full. */
typedef struct slot {
	char *word; /* owned; NULL for an empty slot */
	unsigned count;
} slot;

struct word_count {
	slot *slots;
	size_t cap; /* a power of two */
	size_t used;
};

word_count *word_count_new(void)
{
	word_count *wc = calloc(1, sizeof *wc);
	if (!wc)
		return NULL;
	wc->cap = 1024;
	wc->slots = calloc(wc->cap, sizeof *wc->slots);
	if (!wc->slots) {
		free(wc);
		return NULL;
	}
	return wc;
}

void word_count_free(word_count *wc)
{
	if (!wc)
		return;
	for (size_t i = 0; i < wc->cap; i++)
		free(wc->slots[i].word);
	free(wc->slots);
	free(wc);
}

static slot *find(slot *slots, size_t cap, const char *word)
{
	/* The slot is the hash's low bits (str_hash mixes every bit into them). */
	size_t i = (size_t)str_hash(word) & (cap - 1);
	while (slots[i].word && strcmp(slots[i].word, word) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static bool grow(word_count *wc)
{
	size_t cap = wc->cap * 2;
	slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < wc->cap; i++)
		if (wc->slots[i].word)
			*find(slots, cap, wc->slots[i].word) = wc->slots[i];
	free(wc->slots);
	wc->slots = slots;
	wc->cap = cap;
	return true;
}

bool word_count_add(word_count *wc, const char *word)
{
	if (2 * (wc->used + 1) > wc->cap && !grow(wc))
		return false;
	slot *s = find(wc->slots, wc->cap, word);
	if (!s->word) {
		if (!(s->word = strdup(word)))
			return false;
		wc->used++;
	}
	s->count++;
	return true;
}

bool word_count_each(const word_count *wc, bool (*fn)(const char *word, unsigned count, void *ctx),
                     void *ctx)
{
	for (size_t i = 0; i < wc->cap; i++)
		if (wc->slots[i].word && !fn(wc->slots[i].word, wc->slots[i].count, ctx))
			return false;
	return true;
}
