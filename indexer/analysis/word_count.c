#include "word_count.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* FNV-1a, then MurmurHash3's 64-bit finaliser. The slot is the hash's
 * low bits, and FNV-1a's low k bits depend only on the low k bits of each
 * byte: words that differ only in digits ("w1" ... "w999999", a
 * transcript of 10^6 cues, issue #16) share long runs of probes: a
 * profile of indexing one stood in this table's probing loop. The
 * finaliser mixes every bit into the low ones. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

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
	size_t i = (size_t)hash(word) & (cap - 1);
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
