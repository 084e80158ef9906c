/* word_count: how often each word occurs, for handing a recording's words
 * to the spelling dictionary once each with their count instead of once
 * per occurrence. */
#ifndef QA_WORD_COUNT_H
#define QA_WORD_COUNT_H

#include <stdbool.h>

typedef struct word_count word_count;

/* NULL when out of memory. Free with word_count_free (NULL is a no-op). */
word_count *word_count_new(void);
void word_count_free(word_count *wc);

/* Count one occurrence of word (copied). False when out of memory. */
bool word_count_add(word_count *wc, const char *word);

/* Call fn for each word with its count, in no particular order, until fn
 * returns false. Returns false if fn did. */
bool word_count_each(const word_count *wc, bool (*fn)(const char *word, unsigned count, void *ctx),
                     void *ctx);

#endif
