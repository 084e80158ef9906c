/* suggest (indexer/index/suggest.c): "did you mean" made of the user's own
 * words, over a small index whose vocabulary each case relies on: only
 * unknown words change, joins and splits, the spelling dictionary, the
 * parts of a query left alone, and stability when followed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suggest.h"
#include "synonyms.h"
#include "test_fs.h"
#include "xindex.h"
#include "xindex_test.h"

static const char *const stopwords[] = {"how", "do", "i", "the", "a"};
static char *dir;
static qx_db *db;
static synonyms *syn;

/* One document of words; every word also goes to the spelling dictionary,
 * as index_build does for words with letters. */
static void add_words(qx_db *w, const char *text)
{
	qx_doc *doc = qx_doc_new();
	char *copy = strdup(text), *save = NULL;
	unsigned pos = 1;
	CHECK(doc && copy);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		CHECK(qx_doc_add_text_term(doc, "", t, pos++, true, 1, false) == QX_OK);
		if (t[0] < '0' || t[0] > '9')
			CHECK(qx_db_add_spelling(w, t, 1) == QX_OK);
	}
	CHECK(qx_db_add(w, doc) == QX_OK);
	qx_doc_free(doc);
	free(copy);
}

static void make_index(void)
{
	char path[512];
	dir = tfs_make_tmpdir("qa_suggest");
	snprintf(path, sizeof path, "%s/index", dir);
	qx_db *w = NULL;
	CHECK(qx_db_open(path, true, &w, NULL) == QX_OK);
	add_words(w, "you can raise the recompilations limit with torch compile");
	add_words(w, "graph breaks happen when dynamo cannot trace python 3.13 code");
	add_words(w, "pytorch ships new wheels for python 3.13 do update");
	add_words(w, "add safe globals before loading with weights_only");
	add_words(w, "dot product attention and torch check compile");
	add_words(w, "graph graph graph dot dot dot");
	CHECK(qx_db_commit(w) == QX_OK);
	qx_db_close(w);
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	const char *vocab = "hsdp, hybrid sharded data parallel\n";
	CHECK(synonyms_parse(vocab, strlen(vocab), &syn, NULL, NULL, 0) == SYNONYMS_OK);
}

/* The suggestion for query ("" for none). */
static char *suggest(const char *query, bool stemmed)
{
	suggest_params p = {query, stemmed, syn, stopwords, sizeof stopwords / sizeof stopwords[0]};
	char *out = (char *)"unset";
	qx_status st = suggest_query(db, &p, &out);
	CHECK(st == QX_OK);
	return out ? out : strdup("");
}

/* query's suggestion is want, and searching the suggestion suggests
 * nothing more. */
static void check_suggest(const char *query, const char *want, const char *file, int line)
{
	char *got = suggest(query, true);
	harness_check_str(got, want, query, file, line);
	if (got[0]) {
		char *again = suggest(got, true);
		harness_check_str(again, "", "following it suggests nothing", file, line);
		free(again);
	}
	free(got);
}

#define CHECK_SUGGEST(query, want) check_suggest(query, want, __FILE__, __LINE__)

static void test_known_words_stay(void)
{
	CHECK_SUGGEST("graph breaks", "");
	CHECK_SUGGEST("how do I raise the recompilations limit", "");
	/* By stem: "recompilation" and "breaking" are not in the index, but
	 * their stems are. */
	CHECK_SUGGEST("recompilation breaking", "");
	/* Vocabulary (a phrase member's words too), spoken separators, and a
	 * name whose parts are all known. */
	CHECK_SUGGEST("hsdp hybrid sharded", "");
	CHECK_SUGGEST("torch dot underscore check", "");
	CHECK_SUGGEST("add_safe_globals", "");
	/* A known word is never "corrected" to a more frequent neighbour
	 * ("do" -> "dot" is what Xapian would offer). */
	CHECK_SUGGEST("do", "");
	CHECK_SUGGEST("", "");
}

static void test_unknown_words_change(void)
{
	CHECK_SUGGEST("recompilatons", "recompilations");
	CHECK_SUGGEST("grpah breaks", "graph breaks");
	/* Only the unknown word changes; the rest is as typed. */
	CHECK_SUGGEST("How do I fix GRPAH  breaks?", "How do I fix graph  breaks?");
	CHECK_SUGGEST("torch.compiel", "torch.compile");
	/* Split where letters meet digits, split anywhere, join. */
	CHECK_SUGGEST("python3.13", "python 3.13");
	CHECK_SUGGEST("torchcompile", "torch compile");
	CHECK_SUGGEST("py torch wheels", "pytorch wheels");
	CHECK_SUGGEST("wheels py torch", "wheels pytorch");
	/* Words with no candidate stay; short ones are not respelled. */
	CHECK_SUGGEST("zzzqqq grpah", "zzzqqq graph");
	CHECK_SUGGEST("xq", "");
}

static void test_english_words_stay(void)
{
	/* English words the archive never holds are spelled as meant: one
	 * edit from a word it does hold ("grape" / "graph", "dog" / "dot"),
	 * they would otherwise be "corrected" into nonsense. */
	CHECK_SUGGEST("grape breaks", "");
	CHECK_SUGGEST("dog product attention", "");
	/* Nor into a word it starts with: "newly" is not "new". */
	CHECK_SUGGEST("newly graph", "");
	/* A misspelling next to them is still corrected. */
	CHECK_SUGGEST("grape grpah", "grape graph");
}

static void test_parts_left_alone(void)
{
	CHECK_SUGGEST("\"grpah\" title:grpah -grpah ~grpah grpah* grpah",
	              "\"grpah\" title:grpah -grpah ~grpah grpah* graph");
	CHECK_SUGGEST("grpah AND breaks NEAR/3 grpah", "graph AND breaks NEAR/3 graph");
	CHECK_SUGGEST("(grpah OR breaks)", "(graph OR breaks)");
	/* Joins stay inside a unit pair separated by whitespace only. */
	CHECK_SUGGEST("py (torch)", "");
}

static void test_stems_only_when_stemmed(void)
{
	char *got = suggest("recompilation", false);
	CHECK_STR(got, "recompilations");
	free(got);
}

static void test_long_queries_and_failures(void)
{
	char query[1024] = "";
	for (int i = 0; i < SUGGEST_MAX_WORDS + 1; i++)
		strcat(query, "grpah ");
	char *got = suggest(query, true);
	CHECK_STR(got, "");
	free(got);

	suggest_params p = {"grpah", true, NULL, NULL, 0};
	char *out = (char *)"unset";
	CHECK(qx_test_fail_reads(db, 0, 1) == QX_OK);
	CHECK(suggest_query(db, &p, &out) == QX_RETRY && out == NULL);
	CHECK(qx_test_fail_reads(db, 0, 0) == QX_OK);
	CHECK(suggest_query(db, NULL, &out) == QX_INVALID && out == NULL);
}

int main(void)
{
	make_index();
	RUN(test_known_words_stay);
	RUN(test_unknown_words_change);
	RUN(test_english_words_stay);
	RUN(test_parts_left_alone);
	RUN(test_stems_only_when_stemmed);
	RUN(test_long_queries_and_failures);
	qx_db_close(db);
	synonyms_free(syn);
	tfs_rm_rf(dir);
	free(dir);
	return harness_finish();
}
