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
#include "index_update.h"
#include "search.h"
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
	search_request req = {query, NULL, NULL, NULL, 1, 10, false};
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
	CHECK(hits_of_type(result, "passage") == 3 && hits_of_type(result, "agenda") == 4);
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

int main(void)
{
	make_index();
	RUN(test_answer);
	RUN(test_any_read_failing_once_is_retried);
	RUN(test_failing_again_is_busy);
	qx_db_close(reader);
	tfs_rm_rf(archive);
	free(archive);
	return harness_finish();
}
