/* Fuzz target: the query path, as /api/search runs it (issue 16): random
 * query text and filters through search_run on a small index, with the
 * built-in vocabulary (synonyms), exact and stemmed, on a few pages.
 *
 * The index is made once per process in a temporary folder (removed at
 * exit): three short recordings whose text we wrote, with speakers, a
 * release and kinds, so that the filters, phrases, wildcards and synonyms
 * all have something to match.
 *
 * What must hold for any input: the search answers SEARCH_OK or
 * SEARCH_BAD_QUERY (a quiet, healthy index never gives BUSY, DAMAGED,
 * FAILED or NOMEM); a refusal carries a message that is UTF-8 text; an
 * answer is an object whose "hits" array is no longer than per_page *
 * SEARCH_MOMENTS_PER_RECORDING.
 *
 * The input is split at NUL bytes: query, release, kind, speaker,
 * recording; an empty filter is no filter. The first byte (after
 * fuzz_input.h's mode byte) picks exact, the page and the page size.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz_input.h"
#include "index_update.h"
#include "search.h"
#include "text_decode.h"
#include "vocabulary.h"
#include "xindex.h"

static char archive[64];
static qx_db *db;
static synonyms *vocab;

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) != 0)
		abort();
}

static void add_recording(const char *id, const char *json, const char *vtt)
{
	char dir[128];
	snprintf(dir, sizeof dir, "%s/%s", archive, id);
	if (mkdir(dir, 0700) != 0)
		abort();
	write_file(dir, "recording.json", json);
	write_file(dir, "transcript.vtt", vtt);
}

static void remove_archive(void)
{
	qx_db_close(db);
	synonyms_free(vocab);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", archive);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_query: could not remove %s\n", archive);
}

static void make_index(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(archive, sizeof archive, "%s/fuzz_query_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(archive))
		abort();
	add_recording(
	    "2025-01-10-alpha",
	    "{\"title\":\"Alpha release Q&A\",\"kind\":\"release-qa\",\"release\":\"2.6\","
	    "\"date\":\"2025-01-10\",\"speakers\":[\"Ann Host\",\"Bo Dev\"]}",
	    "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann Host>Welcome to the "
	    "release Q and A.\n\n00:00:05.000 --> 00:00:09.000\n<v Bo Dev>Raise "
	    "cache_size_limit to avoid recompilations with torch.compile.\n\n"
	    "00:00:10.000 --> 00:00:14.000\n<v Ann Host>What about fully sharded "
	    "data parallel?\n\n00:00:15.000 --> 00:00:19.000\n<v Bo Dev>FSDP2 shards "
	    "parameters; bfloat16 training got faster.\n");
	add_recording("2025-03-11-tac",
	              "{\"title\":\"TAC meeting\",\"kind\":\"tac-meeting\","
	              "\"date\":\"2025-03-11\",\"speakers\":[\"Chair Cy\"]}",
	              "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n<v Chair Cy>Welcome, let us "
	              "approve the minutes.\n\n00:01:00.000 --> 00:01:04.000\n<v Chair Cy>Next, "
	              "the multi-cloud CI update and caf\xc3\xa9 quotas.\n");
	add_recording("2025-08-02-webinar",
	              "{\"title\":\"Compilers webinar\",\"kind\":\"webinar\","
	              "\"date\":\"2025-08-02\"}",
	              "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nDynamo traces Python "
	              "bytecode into graphs.\n\n00:00:04.000 --> 00:00:06.000\nInductor "
	              "generates Triton kernels.\n");
	index_report report;
	char err[512];
	if (index_update(archive, false, NULL, &report, err, sizeof err) != INDEX_UPDATE_OK) {
		fprintf(stderr, "fuzz_query: index_update: %s\n", err);
		abort();
	}
	char *path = index_path(archive);
	if (!path || qx_db_open(path, false, &db, NULL) != QX_OK)
		abort();
	free(path);
	if (vocabulary_load(NULL, 0, &vocab, NULL, NULL, 0) != SYNONYMS_OK)
		abort();
	atexit(remove_archive);
}

/* The next NUL-ended piece of buf[*at..len), copied to the heap at its
 * exact size. Caller frees. */
static char *next_piece(const char *buf, size_t len, size_t *at)
{
	size_t start = *at < len ? *at : len;
	const char *nul = memchr(buf + start, '\0', len - start);
	size_t n = nul ? (size_t)(nul - (buf + start)) : len - start;
	*at = start + n + (nul ? 1 : 0);
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, buf + start, n);
		s[n] = '\0';
	}
	return s;
}

static const char *filter(const char *s)
{
	return s && s[0] ? s : NULL;
}

static void parse(const char *buf, size_t len)
{
	if (!db)
		make_index();
	unsigned char knobs = len ? (unsigned char)buf[0] : 0;
	size_t at = len ? 1 : 0;
	char *piece[5];
	for (size_t i = 0; i < 5; i++)
		piece[i] = next_piece(buf, len, &at);
	search_request req = {.query = piece[0] ? piece[0] : "",
	                      .release = filter(piece[1]),
	                      .kind = filter(piece[2]),
	                      .speaker = filter(piece[3]),
	                      .recording = filter(piece[4]),
	                      .exact = knobs & 1,
	                      .page = 1 + (knobs >> 1 & 3),
	                      .per_page = 1 + (knobs >> 3 & 15)};
	json_t *result = NULL;
	char err[512] = "";
	search_status st =
	    search_run(db, (knobs & 0x80) ? vocab : NULL, &req, &result, err, sizeof err);
	assert(st == SEARCH_OK || st == SEARCH_BAD_QUERY);
	if (st == SEARCH_OK) {
		assert(json_is_object(result));
		json_t *hits = json_object_get(result, "hits");
		assert(json_is_array(hits));
		assert(json_array_size(hits) <=
		       (size_t)req.per_page * SEARCH_MOMENTS_PER_RECORDING);
	} else {
		assert(!result && err[0] && text_is_utf8(err, strlen(err)));
	}
	json_decref(result);
	for (size_t i = 0; i < 5; i++)
		free(piece[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
