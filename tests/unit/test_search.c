/* search_run (indexer/index/search.c) on an index of three bundled
 * recordings: the answer's shape, and a read failing mid-search.
 *
 * A reader's revision can be recycled by a writer at any read: the search
 * itself or any lazy read after it (hit data, positions, snippets,
 * recording summaries). search_run must then reopen and run the whole
 * search again, once, and answer exactly as if nothing had happened; if
 * the retry fails too, say SEARCH_BUSY, never drop hits or report "out of
 * memory". A real writer cannot be timed to land between two reads inside
 * search_run (tests/unit/test_xindex.c shows the real failure between
 * calls), so xindex_test.h's hook fails the n-th read with Xapian's own
 * DatabaseModifiedError, for every n the search reaches. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "index_schema.h"
#include "index_update.h"
#include "not_found.h"
#include "query_fields.h"
#include "recordings_list.h"
#include "vocabulary.h"
#include "search.h"
#include "similar_units.h"
#include "snippet_parts.h"
#include "test_fs.h"
#include "xindex.h"
#include "xindex_test.h"

static const char *const recordings[] = {
    "2025-02-05-pytorch-2-6-release-qa",
    "2025-03-11-tac-meeting",
    "2025-04-30-pytorch-2-7-release-qa",
};

static char *archive;
static qx_db *reader;
static unsigned compile_reads; /* how many reads the search for "compile" makes */

/* A temporary archive holding copies of the bundled recordings above,
 * indexed, and a read handle on its index. */
static void make_index(void)
{
	archive = tfs_make_tmpdir("qa_search");
	for (size_t i = 0; i < sizeof recordings / sizeof recordings[0]; i++) {
		char cmd[1024];
		snprintf(cmd, sizeof cmd, "cp -R '%s/%s' '%s/'", QA_TRANSCRIPTS_DIR, recordings[i],
		         archive);
		if (system(cmd) != 0) {
			fprintf(stderr, "%s: failed\n", cmd);
			abort();
		}
	}
	index_report report;
	char err[512];
	if (index_update(archive, false, NULL, &report, err, sizeof err) != INDEX_UPDATE_OK) {
		fprintf(stderr, "index_update: %s\n", err);
		abort();
	}
	char *path = index_path(archive);
	if (qx_db_open(path, false, &reader, NULL) != QX_OK)
		abort();
	free(path);
}

static search_status run(const char *query, json_t **out, char *err, size_t errlen)
{
	search_request req = {.query = query, .page = 1, .per_page = 10};
	return search_run(reader, NULL, &req, out, err, errlen);
}

static size_t hits_of_type(json_t *result, const char *type)
{
	size_t n = 0, i;
	json_t *hit;
	json_array_foreach(json_object_get(result, "hits"), i, hit)
	{
		n += strcmp(json_string_value(json_object_get(hit, "type")), type) == 0;
	}
	return n;
}

/* The fixture's answer, so that the failure tests below compare against
 * something that has every kind of read in it. */
static void test_answer(void)
{
	json_t *result = NULL;
	char err[256];
	CHECK(run("compile", &result, err, sizeof err) == SEARCH_OK);
	CHECK(json_integer_value(json_object_get(result, "total")) == 3);
	CHECK(json_array_size(json_object_get(result, "hits")) == 8);
	/* Every kind of moment: questions asked (units, issue 14), passages,
	 * agenda items and notes (how many of each follows the ranking's BM25
	 * parameters, xindex_search.cc). */
	CHECK(hits_of_type(result, "unit") == 4 && hits_of_type(result, "passage") == 1 &&
	      hits_of_type(result, "agenda") == 1 && hits_of_type(result, "notes") == 2);
	json_t *first = json_array_get(json_object_get(result, "hits"), 0);
	CHECK(json_string_value(json_object_get(first, "title")) != NULL);
	CHECK(strstr(json_string_value(json_object_get(first, "snippet")), "<mark>") != NULL);
	CHECK(json_integer_value(json_object_get(
	          json_object_get(json_object_get(result, "facets"), "year"), "2025")) == 3);
	json_decref(result);

	CHECK(run("compile xyzzyq", &result, err, sizeof err) == SEARCH_OK);
	CHECK_STR(json_string_value(json_object_get(result, "match")), "any");
	json_decref(result);
}

/* Fail read n (n = 0, 1, ...) once, for every read `query` makes: the
 * answer must be the same as without a failure. Returns how many reads
 * the search makes. */
static unsigned sweep_one_failure(const char *query)
{
	json_t *want = NULL, *got = NULL;
	char err[256];
	CHECK(run(query, &want, err, sizeof err) == SEARCH_OK);
	unsigned n = 0;
	for (;; n++) {
		CHECK(qx_test_fail_reads(reader, n, 1) == QX_OK);
		search_status st = run(query, &got, err, sizeof err);
		bool reached = !qx_test_failures_pending(reader);
		if (!reached)
			CHECK(qx_test_fail_reads(reader, 0, 0) == QX_OK);
		if (st != SEARCH_OK || !json_equal(got, want)) {
			fprintf(stderr, "%s: read %u failed: %s, %s\n", query, n,
			        search_status_str(st), err);
			CHECK(false);
		}
		json_decref(got);
		if (!reached)
			break;
	}
	printf("%s: %u reads, each failed once in turn: the same answer\n", query, n);
	json_decref(want);
	return n;
}

static void test_any_read_failing_once_is_retried(void)
{
	/* The search, the facets' mset, then for each of 8 hits at least its
	 * data, and a snippet; positions for passages; a summary per
	 * recording. */
	compile_reads = sweep_one_failure("compile");
	CHECK(compile_reads >= 1 + 8 * 2 + 3);
	/* Nothing found at first: the fallback search is a read too. */
	CHECK(sweep_one_failure("compile xyzzyq") >= 2);
}

/* A read that fails again after the reopen: SEARCH_BUSY with Xapian's
 * message, whichever read it was; not "out of memory", not fewer hits. */
static void test_failing_again_is_busy(void)
{
	unsigned reads = compile_reads ? compile_reads : sweep_one_failure("compile");
	unsigned at[] = {0, 1, reads / 2, reads - 1};
	for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
		json_t *got = NULL;
		char err[256] = "";
		CHECK(qx_test_fail_reads(reader, at[k], UINT_MAX) == QX_OK);
		CHECK(run("compile", &got, err, sizeof err) == SEARCH_BUSY);
		CHECK(got == NULL);
		CHECK(strstr(err, "changed") != NULL && strstr(err, "out of memory") == NULL);
		json_decref(got);
	}
	CHECK(qx_test_fail_reads(reader, 0, 0) == QX_OK);
}

static search_status run_req(const search_request *req, json_t **out)
{
	char err[256];
	search_status st = search_run(reader, NULL, req, out, err, sizeof err);
	if (st != SEARCH_OK)
		fprintf(stderr, "search_run: %s: %s\n", search_status_str(st), err);
	return st;
}

static const char *hit_str(json_t *hit, const char *key)
{
	return json_string_value(json_object_get(hit, key));
}

static json_int_t hit_int(json_t *hit, const char *key)
{
	return json_integer_value(json_object_get(hit, key));
}

/* "N more moments in this recording": each hit says how many good moments
 * and matches its recording has, and the recording filter lists its
 * moments, more than three a page, page after page. */
/* For query: each hit's counts hang together, and where a recording has
 * a small "N more" (exact), its own list holds them. Returns how many
 * recordings had one. */
static size_t check_more(const char *query)
{
	search_request req = {.query = query, .page = 1, .per_page = 10};
	json_t *all = NULL, *one = NULL, *hit;
	size_t i, checked = 0;
	CHECK(run_req(&req, &all) == SEARCH_OK);
	json_t *hits = json_object_get(all, "hits");
	json_array_foreach(hits, i, hit)
	{
		size_t shown = 0, k;
		json_t *other;
		json_array_foreach(hits, k, other)
		{
			shown +=
			    strcmp(hit_str(other, "recording"), hit_str(hit, "recording")) == 0;
		}
		json_int_t good = hit_int(hit, "recording_moments");
		CHECK(good >= 1 && hit_int(hit, "recording_matches") >= good);
		if (good <= (json_int_t)shown ||
		    good > (json_int_t)shown + SEARCH_MOMENTS_PER_RECORDING)
			continue;
		req.recording = hit_str(hit, "recording");
		CHECK(run_req(&req, &one) == SEARCH_OK);
		CHECK((json_int_t)json_array_size(json_object_get(one, "hits")) >= good);
		json_decref(one);
		req.recording = NULL;
		checked++;
	}
	json_decref(all);
	return checked;
}

static void test_recording_moments(void)
{
	CHECK(check_more("graph breaks") + check_more("triton") + check_more("python 3.13") > 0);
	search_request req = {.query = "compile", .page = 1, .per_page = 10};
	json_t *all = NULL, *one = NULL, *page2 = NULL, *hit, *most = NULL;
	size_t i;
	CHECK(run_req(&req, &all) == SEARCH_OK);
	json_array_foreach(json_object_get(all, "hits"), i, hit)
	{
		if (!most || hit_int(hit, "recording_moments") > hit_int(most, "recording_moments"))
			most = hit;
	}
	CHECK(most && hit_int(most, "recording_moments") > SEARCH_MOMENTS_PER_RECORDING);
	if (!most) {
		json_decref(all);
		return;
	}

	req.recording = hit_str(most, "recording");
	CHECK(run_req(&req, &one) == SEARCH_OK);
	json_t *listed = json_object_get(one, "hits");
	CHECK(json_integer_value(json_object_get(one, "total")) == 1);
	CHECK(json_array_size(listed) > SEARCH_MOMENTS_PER_RECORDING);
	CHECK((json_int_t)json_array_size(listed) <= hit_int(most, "recording_matches"));
	json_array_foreach(listed, i, hit)
	{
		CHECK_STR(hit_str(hit, "recording"), req.recording);
	}

	/* Three moments a page with one recording a page: the second page
	 * has the next three, none of the first's. */
	req.per_page = 1;
	json_decref(one);
	CHECK(run_req(&req, &one) == SEARCH_OK);
	req.page = 2;
	CHECK(run_req(&req, &page2) == SEARCH_OK);
	json_t *a = json_object_get(one, "hits"), *b = json_object_get(page2, "hits");
	CHECK(json_array_size(a) == SEARCH_MOMENTS_PER_RECORDING && json_array_size(b) > 0);
	json_array_foreach(b, i, hit)
	{
		size_t k;
		json_t *earlier;
		json_array_foreach(a, k, earlier)
		{
			CHECK(json_number_value(json_object_get(hit, "t")) !=
			          json_number_value(json_object_get(earlier, "t")) ||
			      strcmp(hit_str(hit, "type"), hit_str(earlier, "type")) != 0);
		}
	}
	json_decref(page2);
	json_decref(one);

	/* A recording filter alone lists that recording's moments. */
	search_request bare = {.query = "", .recording = req.recording, .page = 1, .per_page = 10};
	CHECK(run_req(&bare, &one) == SEARCH_OK);
	CHECK(json_array_size(json_object_get(one, "hits")) > SEARCH_MOMENTS_PER_RECORDING);
	json_decref(one);
	/* An unknown recording: nothing, not an error. */
	bare.recording = "2000-01-01-nothing";
	CHECK(run_req(&bare, &one) == SEARCH_OK);
	CHECK(json_integer_value(json_object_get(one, "total")) == 0);
	json_decref(one);
	json_decref(all);
}

/* The words of query (exact: no stems) the three recordings never hold,
 * as search_run reports them, joined by '|'. */
static void missing(const char *query, bool exact, char *out, size_t size)
{
	search_request req = {.query = query, .page = 1, .per_page = 10, .exact = exact};
	json_t *result = NULL, *word;
	size_t i;
	out[0] = '\0';
	if (run_req(&req, &result) != SEARCH_OK) {
		snprintf(out, size, "(failed)");
		return;
	}
	json_array_foreach(json_object_get(result, "not_found"), i, word)
	{
		size_t n = strlen(out);
		snprintf(out + n, size - n, "%s%s", i ? "|" : "", json_string_value(word));
	}
	json_decref(result);
}

/* "Not found: debug": the user's own words, checked as a query matches
 * them; never stopwords, syntax, filters, excluded words or wildcards. */
static void test_not_found(void)
{
	char got[256];
	missing("how do I make torch.compile recompile less", false, got, sizeof got);
	CHECK_STR(got, "");
	missing("how do I wrangle graph breaks", false, got, sizeof got);
	CHECK_STR(got, "wrangle");
	/* As typed, once; inside a phrase too; a field's quoted value, an
	 * excluded word, a wildcard and an operator are not words. */
	missing("Zanzibarquokka \"fully qqqq\" speaker:\"Nobody Here\" release:9.9 -xyzzy "
	        "flexo* AND zanzibarquokka recompiles",
	        false, got, sizeof got);
	CHECK_STR(got, "Zanzibarquokka|qqqq");
	/* Stems: "compiles" is only found by its stem. */
	missing("compiles", false, got, sizeof got);
	CHECK_STR(got, "");
	missing("compiles", true, got, sizeof got);
	CHECK_STR(got, "compiles");
	/* A name with '_' is found by its parts, as the spoken forms search
	 * it; not when one part is unknown. An identifier is its words. */
	missing("graph_break_control graph_break_qqqq torch.frobnicate", false, got, sizeof got);
	CHECK_STR(got, "graph_break_qqqq|frobnicate");
	/* A word of the vocabulary is searched by its expansions: not named,
	 * as "did you mean" would not correct it either. */
	missing("hsdp wrangle", false, got, sizeof got);
	CHECK_STR(got, "hsdp|wrangle");
	synonyms *vocab = NULL;
	CHECK(vocabulary_load(NULL, 0, &vocab, NULL, NULL, 0) == SYNONYMS_OK);
	search_request with = {.query = "hsdp wrangle", .page = 1, .per_page = 10};
	json_t *answer = NULL;
	char err[256];
	CHECK(search_run(reader, vocab, &with, &answer, err, sizeof err) == SEARCH_OK);
	json_t *named = json_object_get(answer, "not_found");
	CHECK(json_array_size(named) == 1 &&
	      strcmp(json_string_value(json_array_get(named, 0)), "wrangle") == 0);
	json_decref(answer);
	synonyms_free(vocab);
	/* Filters alone: no words. */
	search_request req = {.query = "", .release = "2.6", .page = 1, .per_page = 10};
	json_t *result = NULL;
	CHECK(run_req(&req, &result) == SEARCH_OK);
	CHECK(json_is_array(json_object_get(result, "not_found")) &&
	      json_array_size(json_object_get(result, "not_found")) == 0);
	json_decref(result);

	/* A read that fails is a status, not a word reported missing. */
	not_found_params p = {.query = "wrangle graph"};
	json_t *words = (json_t *)1;
	CHECK(qx_test_fail_reads(reader, 0, 1) == QX_OK);
	CHECK(not_found_words(reader, &p, &words) == QX_RETRY && words == NULL);
	CHECK(not_found_words(reader, &p, &words) == QX_OK && json_array_size(words) == 1);
	json_decref(words);
}

/* "match" says whether the best moment holds every word: a word the
 * vocabulary widens ("fsdp" OR "fully sharded data parallel", weights_only
 * OR "weights only") is one word, held when one of its forms is; a pasted
 * error's brackets are punctuation, not a group. */
static const char *match_of(const synonyms *vocab, const char *query)
{
	static char match[8];
	search_request req = {.query = query, .page = 1, .per_page = 10};
	json_t *answer = NULL;
	char err[256];
	CHECK(search_run(reader, vocab, &req, &answer, err, sizeof err) == SEARCH_OK);
	CHECK(json_array_size(json_object_get(answer, "hits")) > 0);
	snprintf(match, sizeof match, "%s",
	         answer ? json_string_value(json_object_get(answer, "match")) : "");
	json_decref(answer);
	return match;
}

static void test_match_all_with_vocabulary(void)
{
	synonyms *vocab = NULL;
	CHECK(vocabulary_load(NULL, 0, &vocab, NULL, NULL, 0) == SYNONYMS_OK);
	CHECK_STR(match_of(vocab, "fsdp"), "all");
	CHECK_STR(match_of(vocab, "weights_only"), "all");
	CHECK_STR(match_of(vocab, "fsdp torch.compile"), "all");
	CHECK_STR(match_of(vocab, "fsdp xyzzyq"), "any");
	CHECK_STR(match_of(vocab, "weights_only (xyzzyq"), "any");
	CHECK_STR(match_of(NULL, "weights_only"), "all");
	synonyms_free(vocab);
}

/* A question asked in a recording leads that recording's moments for a
 * sentence query (search.c: SEARCH_ASKED_LEADS), where a passage that
 * shares more of the words would rank first: here the 2.6 Q&A's passage
 * on TORCH_LOGS outweighs the unit "My model keeps hitting the recompile
 * limit ...", which then plays from its answer. Keywords (fewer than five
 * words) keep the passage. Every read of the lead failing once in turn
 * gives the same answer. */
static void test_asked_question_leads(void)
{
	const char *sentence = "which guard keeps failing model recompiles";
	json_t *got = NULL;
	char err[256];
	CHECK(run(sentence, &got, err, sizeof err) == SEARCH_OK);
	json_t *first = json_array_get(json_object_get(got, "hits"), 0);
	json_t *unit = json_object_get(first, "unit");
	CHECK_STR(hit_str(first, "recording"), "2025-02-05-pytorch-2-6-release-qa");
	CHECK_STR(hit_str(first, "type"), "unit");
	CHECK(unit && json_number_value(json_object_get(first, "t")) ==
	                  json_number_value(json_object_get(json_object_get(unit, "answer"), "t")));
	json_decref(got);
	CHECK(run("guard failing model recompiles", &got, err, sizeof err) == SEARCH_OK);
	first = json_array_get(json_object_get(got, "hits"), 0);
	CHECK_STR(hit_str(first, "type"), "passage");
	json_decref(got);
	/* More reads than the same words as keywords: the lead's own. */
	CHECK(sweep_one_failure(sentence) > sweep_one_failure("guard failing model recompiles"));
}

/* Keywords that a question names ("And what about foreach_map?") are
 * played where the answer says them (search.c: place_said), 15 s into
 * it, not at the answer's start, which says "foreach" alone; the question
 * follows. Every read of it failing once in turn gives the same answer. */
static void test_keywords_where_the_answer_says_them(void)
{
	json_t *got = NULL;
	char err[256];
	CHECK(run("foreach map", &got, err, sizeof err) == SEARCH_OK);
	json_t *hits = json_object_get(got, "hits");
	json_t *first = json_array_get(hits, 0), *second = json_array_get(hits, 1);
	CHECK_STR(hit_str(first, "recording"), "2025-04-30-pytorch-2-7-release-qa");
	CHECK_STR(hit_str(first, "type"), "passage");
	CHECK(json_number_value(json_object_get(first, "t")) == 805.488);
	CHECK_STR(hit_str(second, "type"), "unit");
	CHECK(json_number_value(json_object_get(second, "t")) == 790.07);
	json_decref(got);
	CHECK(sweep_one_failure("foreach map") > 0);
}

/* Requests search_limits refuses come back as SEARCH_BAD_QUERY with the
 * reason, before the index is read. */
static void test_refused_requests(void)
{
	json_t *out = (json_t *)1;
	char err[256];
	search_request req = {.query = "caf\xe9", .page = 1, .per_page = 10};
	CHECK(search_run(reader, NULL, &req, &out, err, sizeof err) == SEARCH_BAD_QUERY);
	CHECK(out == NULL && strstr(err, "UTF-8") != NULL);
	req.query = "compile";
	req.recording = "\xff";
	CHECK(search_run(reader, NULL, &req, &out, err, sizeof err) == SEARCH_BAD_QUERY);
	CHECK(strstr(err, "recording: not valid UTF-8") != NULL);
	req.recording = NULL;
	req.speaker = "Zo\xeb";
	CHECK(search_run(reader, NULL, &req, &out, err, sizeof err) == SEARCH_BAD_QUERY);
	CHECK(strstr(err, "speaker: not valid UTF-8") != NULL);
	req.speaker = NULL;
	req.query = "a* b* c* d* e* f* g* h* i*";
	CHECK(search_run(reader, NULL, &req, &out, err, sizeof err) == SEARCH_BAD_QUERY);
	CHECK(strstr(err, "wildcards") != NULL);
}

/* Field names as people type them: "Speaker:maya" is speaker:maya, not
 * two words; inside quotes and inside a word it is left alone. */
static void test_field_names_ignore_case(void)
{
	static const char *const names[] = {"release", "speaker", "title"};
	char *got = query_fields_lowercase("Speaker:Maya RELEASE:2.6 (Title:x OR -SPEAKER:\"A B\") "
	                                   "\"Speaker:maya\" xSpeaker:y Speakers:z Kind:k",
	                                   names, 3);
	CHECK_STR(got, "speaker:Maya release:2.6 (title:x OR -speaker:\"A B\") "
	               "\"Speaker:maya\" xSpeaker:y Speakers:z Kind:k");
	free(got);

	json_t *typed = NULL, *lower = NULL;
	char err[256];
	CHECK(run("Speaker:Maya weights_only", &typed, err, sizeof err) == SEARCH_OK);
	CHECK(run("speaker:maya weights_only", &lower, err, sizeof err) == SEARCH_OK);
	CHECK(json_array_size(json_object_get(lower, "hits")) > 0);
	CHECK(json_equal(json_object_get(typed, "hits"), json_object_get(lower, "hits")));
	CHECK(json_equal(json_object_get(typed, "total"), json_object_get(lower, "total")));
	json_decref(typed);
	json_decref(lower);
	CHECK(run("RELEASE:2.7 compile", &typed, err, sizeof err) == SEARCH_OK);
	json_t *hit;
	size_t i;
	json_array_foreach(json_object_get(typed, "hits"), i, hit)
	{
		CHECK_STR(json_string_value(json_object_get(hit, "recording")),
		          "2025-04-30-pytorch-2-7-release-qa");
	}
	CHECK(json_array_size(json_object_get(typed, "hits")) > 0);
	json_decref(typed);
}

/* Recording id's summary's questions, each given its "similar"
 * (similar_units_add, as the watch page and the API do), or NULL. */
static json_t *questions_with_similar(const char *id)
{
	char key[320], err[256], *text = NULL;
	snprintf(key, sizeof key, "%s%s", INDEX_META_RECORDING, id);
	if (qx_db_get_metadata(reader, key, &text) != QX_OK)
		return NULL;
	json_t *summary = json_loads(text, 0, NULL);
	free(text);
	json_t *questions = json_incref(json_object_get(summary, "questions"));
	json_decref(summary);
	if (similar_units_add(reader, id, questions, err, sizeof err) != SEARCH_OK) {
		fprintf(stderr, "similar_units_add: %s\n", err);
		json_decref(questions);
		return NULL;
	}
	return questions;
}

/* How many of questions' similar lists name recording rec. */
static size_t similar_from(json_t *questions, const char *rec)
{
	size_t n = 0, i, j;
	json_t *q, *other;
	json_array_foreach(questions, i, q)
	{
		json_array_foreach(json_object_get(q, "similar"), j, other)
		{
			n += strcmp(json_string_value(json_object_get(other, "recording")), rec) ==
			     0;
		}
	}
	return n;
}

/* The recordings newest first, and a recording's similar questions, are
 * read once per revision and shared; a commit (here: a recording
 * removed) gives the next call the new list. Runs last: it changes the
 * fixture. */
static void test_kept_per_revision(void)
{
	static const char six[] = "2025-02-05-pytorch-2-6-release-qa",
	                  seven[] = "2025-04-30-pytorch-2-7-release-qa";
	json_t *first = NULL, *again = NULL, *after = NULL;
	CHECK(recordings_list_newest(reader, &first) == QX_OK);
	CHECK(json_array_size(first) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(first, 0), "id")), seven);
	CHECK(recordings_list_newest(reader, &again) == QX_OK);
	CHECK(again == first);
	json_t *similar = questions_with_similar(six), *similar_again = questions_with_similar(six);
	CHECK(similar && similar_again && json_array_size(similar) > 0);
	CHECK(similar_from(similar, seven) > 0); /* 2.6's questions asked again in 2.7 */
	CHECK(json_equal(similar, similar_again));
	CHECK(json_object_get(json_array_get(similar, 0), "similar") ==
	      json_object_get(json_array_get(similar_again, 0), "similar"));

	char cmd[1024], err[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s/%s'", archive, seven);
	CHECK(system(cmd) == 0);
	index_report report;
	CHECK(index_update(archive, false, NULL, &report, err, sizeof err) == INDEX_UPDATE_OK);
	CHECK(qx_db_reopen(reader, NULL) == QX_OK);
	CHECK(recordings_list_newest(reader, &after) == QX_OK);
	CHECK(after != first);
	CHECK(json_array_size(after) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(after, 0), "id")),
	          "2025-03-11-tac-meeting");
	json_t *similar_after = questions_with_similar(six);
	CHECK(similar_after && similar_from(similar_after, seven) == 0);
	json_decref(similar);
	json_decref(similar_again);
	json_decref(similar_after);
	json_decref(first);
	json_decref(again);
	json_decref(after);
}

/* A snippet's words that matched by a piece (FSDP2 for fsdp, _dynamo for
 * dynamo) are marked whole; Xapian's marks, entities and other words stay
 * as they were. */
static void check_parts(qx_mset *ms, const char *html, const char *want)
{
	char *out = NULL;
	CHECK(snippet_mark_parts(ms, html, &out));
	CHECK_STR(out, want);
	free(out);
}

static void test_snippet_parts(void)
{
	qx_search_params p = search_base_params("fsdp OR dynamo", false);
	p.limit = 10;
	qx_mset *ms = NULL;
	CHECK(qx_db_search(reader, &p, &ms) == QX_OK);
	check_parts(ms, "Compose FSDP2 with torch._dynamo &amp; AT&amp;T",
	            "Compose <mark>FSDP2</mark> with torch.<mark>_dynamo</mark> &amp; AT&amp;T");
	check_parts(ms, "<mark>FSDP</mark> and FSDP2, <mark>dynamo</mark>",
	            "<mark>FSDP</mark> and <mark>FSDP2</mark>, <mark>dynamo</mark>");
	check_parts(ms,
	            "\xc3\x9c"
	            "ber FSDP2\xe2\x80\xa6",
	            "\xc3\x9c"
	            "ber <mark>FSDP2</mark>\xe2\x80\xa6");
	check_parts(ms, "FlexAttention and &lt;fsdp2&gt;",
	            "FlexAttention and &lt;<mark>fsdp2</mark>&gt;");
	check_parts(ms, "", "");
	/* A piece of no word the query searches, and an unclosed mark. */
	check_parts(ms, "cache_size_limit <mark>FSDP", "cache_size_limit <mark>FSDP");
	qx_mset_free(ms);
}

/* A question's card shows its answer's first sentence with the query's
 * words marked too ("unit": {"answer": {"snippet"}}), escaped. */
static void test_answer_marked(void)
{
	json_t *result = NULL, *hit;
	char err[256];
	size_t i, marked = 0;
	CHECK(run("torch.compile", &result, err, sizeof err) == SEARCH_OK);
	json_array_foreach(json_object_get(result, "hits"), i, hit)
	{
		json_t *answer = json_object_get(json_object_get(hit, "unit"), "answer");
		const char *text = json_string_value(json_object_get(answer, "text"));
		const char *snippet = json_string_value(json_object_get(answer, "snippet"));
		if (!text)
			continue;
		CHECK(snippet != NULL);
		if (snippet && strstr(text, "torch.compile"))
			marked += strstr(snippet, "<mark>torch.compile</mark>") != NULL;
	}
	CHECK(marked >= 1);
	json_decref(result);
}

int main(void)
{
	make_index();
	RUN(test_answer);
	RUN(test_any_read_failing_once_is_retried);
	RUN(test_failing_again_is_busy);
	RUN(test_recording_moments);
	RUN(test_asked_question_leads);
	RUN(test_keywords_where_the_answer_says_them);
	RUN(test_refused_requests);
	RUN(test_not_found);
	RUN(test_match_all_with_vocabulary);
	RUN(test_field_names_ignore_case);
	RUN(test_kept_per_revision);
	RUN(test_snippet_parts);
	RUN(test_answer_marked);
	qx_db_close(reader);
	tfs_rm_rf(archive);
	free(archive);
	return harness_finish();
}
