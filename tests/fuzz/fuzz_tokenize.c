/* Fuzz target: the tokenizer, the synonyms.txt parser and the query
 * rewrite.
 *
 * The input is tokenized as cue text (whole, and in two pieces whose
 * positions must carry on). It is then split at its first NUL byte: the
 * part before is parsed as a synonyms file, the part after (or the same
 * text when there is no NUL) is the query, rewritten with that file's set
 * when it parses (alone, and merged over the built-in vocabulary) and
 * always with a small fixed set. */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "synonyms.h"
#include "tokenize.h"
#include "vocabulary.h"

static const char fixed_synonyms[] = "fsdp, fully sharded data parallel\n"
                                     "torch.compile, torch dot compile, torch compile\n"
                                     "c++, cpp\n"
                                     "bar baz, bar, foo\n";

/* Check what tokenize.h promises about a list appended from first_pos. */
static unsigned check_tokens(const char *buf, size_t len, const token_list *l, size_t from,
                             unsigned first_pos, unsigned next_pos)
{
	unsigned words = 0, word_pos = first_pos;
	for (size_t i = from; i < l->count; i++) {
		const token *t = &l->items[i];
		assert(t->term && t->term[0]);
		assert(t->start < t->end && t->end <= len);
		for (const char *c = t->term; *c; c++)
			assert(!(*c >= 'A' && *c <= 'Z'));
		switch (t->flags) {
		case TOKEN_WORD:
			/* Words take consecutive positions. */
			assert(t->pos == first_pos + words);
			word_pos = t->pos;
			words++;
			break;
		case TOKEN_SUBPART:
			/* A sub-part follows its word, inside it. */
			assert(i > from && t->pos == word_pos && words > 0);
			break;
		case TOKEN_IDENTIFIER:
			/* An identifier comes just before its first word, which
			 * starts where it does, and spans at least two words. */
			assert(i + 1 < l->count && l->items[i + 1].flags == TOKEN_WORD);
			assert(l->items[i + 1].pos == t->pos && l->items[i + 1].start == t->start);
			assert(t->pos == first_pos + words);
			break;
		default:
			assert(!"unknown token flags");
		}
	}
	assert(next_pos == first_pos + words);
	(void)buf;
	return words;
}

static void check_rewrite(const synonyms *s, const char *query)
{
	char *out = NULL;
	if (!synonyms_rewrite_query(s, query, &out)) {
		assert(out == NULL);
		return;
	}
	assert(out);
	if (!s)
		assert(strcmp(out, query) == 0);
	/* The rewritten query is still text the tokenizer takes. */
	token_list l = TOKEN_LIST_INIT;
	unsigned next = 0;
	if (tokenize_text(out, strlen(out), 0, &l, &next))
		check_tokens(out, strlen(out), &l, 0, 0, next);
	token_list_free(&l);
	free(out);
}

static void parse(const char *buf, size_t len)
{
	/* Whole, then in two pieces carrying the positions on. */
	token_list whole = TOKEN_LIST_INIT, parts = TOKEN_LIST_INIT;
	unsigned next = 0;
	if (tokenize_text(buf, len, 3, &whole, &next))
		check_tokens(buf, len, &whole, 0, 3, next);
	size_t cut = len / 2;
	unsigned mid = 0, end = 0;
	if (tokenize_text(buf, cut, 0, &parts, &mid)) {
		check_tokens(buf, cut, &parts, 0, 0, mid);
		size_t before = parts.count;
		if (tokenize_text(buf + cut, len - cut, mid, &parts, &end))
			check_tokens(buf + cut, len - cut, &parts, before, mid, end);
	}
	token_list_free(&whole);
	token_list_free(&parts);

	const char *nul = memchr(buf, '\0', len);
	size_t file_len = nul ? (size_t)(nul - buf) : len;
	const char *query_start = nul ? nul + 1 : buf;
	size_t query_len = nul ? len - file_len - 1 : len;
	char *query = malloc(query_len + 1);
	if (!query)
		return;
	memcpy(query, query_start, query_len);
	query[query_len] = '\0';

	synonyms *s = (synonyms *)1;
	size_t line = 0;
	char err[64];
	synonyms_status st = synonyms_parse(buf, file_len, &s, &line, err, sizeof err);
	assert(st == SYNONYMS_OK ? s != NULL && line == 0 && err[0] == '\0' : s == NULL);
	if (st == SYNONYMS_INVALID)
		assert(line > 0 && strncmp(err, "line ", 5) == 0);
	if (st == SYNONYMS_OK) {
		for (size_t g = 0; g < synonyms_group_count(s); g++) {
			assert(synonyms_member_count(s, g) >= 2);
			for (size_t m = 0; m < synonyms_member_count(s, g); m++)
				assert(synonyms_member(s, g, m)[0] != '\0');
		}
		check_rewrite(s, query);
		/* The same file over the built-in vocabulary: a merge keeps
		 * every group whole and rewrites as well. */
		synonyms *merged = NULL;
		if (vocabulary_load(buf, file_len, &merged, NULL, NULL, 0) == SYNONYMS_OK) {
			for (size_t g = 0; g < synonyms_group_count(merged); g++)
				assert(synonyms_member_count(merged, g) >= 2);
			check_rewrite(merged, query);
		}
		synonyms_free(merged);
	}
	synonyms_free(s);

	check_rewrite(NULL, query);
	synonyms *fixed = NULL;
	if (synonyms_parse(fixed_synonyms, sizeof fixed_synonyms - 1, &fixed, NULL, NULL, 0) ==
	    SYNONYMS_OK)
		check_rewrite(fixed, query);
	synonyms_free(fixed);
	free(query);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
