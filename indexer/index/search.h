/* search: a user's query against the index, answered as moments.
 *
 * Results are grouped by recording, ranked by each recording's best match,
 * with up to SEARCH_MOMENTS_PER_RECORDING moments each. A moment's `t` is the
 * start of the cue that holds the first matched word, so a deep link starts
 * right where it was said. The vocabulary (vocabulary.h: built in, plus the
 * archive's synonyms.txt) and identifiers' spoken forms widen the query
 * unless it is exact. A query with words the archive does not know gets a
 * suggestion made of the user's own words (suggest.h), and when the query
 * finds nothing, the answer is the suggestion's.
 */
#ifndef QA_SEARCH_H
#define QA_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "synonyms.h"
#include "xindex.h"

#define SEARCH_MOMENTS_PER_RECORDING 3

/* Documents of one recording read to choose its moments from: more than
 * it shows, because its "about", notes and agenda items that matched by
 * the recording's title must not crowd out what was said (a title word
 * said in the talk must still find the moment it was said). */
#define SEARCH_CANDIDATES_PER_RECORDING 8

/* Chosen on the tuning half of tests/search-quality: how much more a
 * moment holding every word of a plain query weighs than its BM25 sum. */
#define SEARCH_COVERAGE_BOOST 1.0

/* Matches a search looks at before it may stop (search_request's
 * check_at_least): past this many, the total and the facets are estimates
 * ("total_is_estimate") and the hits are the same as when every match is
 * counted. Chosen by measurement on the 100-hour bench archive
 * (bench/RESULTS.md, "Estimated totals"). */
#define SEARCH_CHECK_AT_LEAST 2000
/* check_at_least for a search that counts every match (exact totals). */
#define SEARCH_CHECK_ALL 0xffffffffu

/* Where a search's time goes, in milliseconds (search_request.profile):
 * the parts of search_run, and `open` for the caller to fill (getting the
 * index handle ready). moments includes positions and snippets; hits
 * includes summaries and moments. */
typedef struct search_profile {
	double open, query, facets, hits, summaries, moments, positions, snippets, not_found, total;
} search_profile;

/* p as a Server-Timing header value (RFC: name;dur=ms, ...), with `render`
 * (the caller's: JSON or HTML, under render_name) after the search's
 * parts, into buf (always terminated). */
void search_profile_format(const search_profile *p, const char *render_name, double render,
                           char *buf, size_t len);

/* Now, in milliseconds of a monotonic clock, for profiles. */
double search_profile_now(void);

typedef enum search_status {
	SEARCH_OK = 0,
	SEARCH_BAD_QUERY, /* the query does not parse, or is refused by search_limits.h
	                   * (not UTF-8, too long, too many words or wildcards):
	                   * err is a message for the user */
	SEARCH_BUSY,      /* the index kept changing underneath: try again */
	SEARCH_DAMAGED,   /* the index files are damaged: err says how to rebuild */
	SEARCH_FAILED,    /* the index could not be read: err says why */
	SEARCH_NOMEM,
} search_status;

/* Filters, in the query (release:2.9, kind:tac-meeting, year:2025,
 * speaker:maya, speaker:"Maya Chen") or as the fields below, ignore case.
 * speaker: takes any part of a name, whole words (speaker_terms.h:
 * speaker:chen finds Maya Chen, speaker:zhou not Mei-Lin Zhao) and finds
 * what the person said: where the transcript says who speaks (voices,
 * "Name:" prefixes), passages in which they say the query's words, with
 * the moment in their voice; otherwise the recordings that list them
 * (index_schema.h). A query of filters only lists where they speak.
 * source:machine and source:human keep the recordings whose transcript
 * speech recognition made, or people. */
typedef struct search_request {
	const char *query;   /* QueryParser syntax: words, "phrases", AND/OR/NOT, flex*,
	                      * and the filters above */
	const char *release; /* filters; NULL for any */
	const char *kind;
	const char *source;  /* "machine" or "human": who made the transcript */
	const char *speaker; /* a name or any part of one */
	unsigned page;       /* 1-based page of recordings */
	unsigned per_page;   /* recordings per page */
	bool exact;          /* no stemming, no synonyms */
	/* One recording's id (NULL for any): the page is then that recording's
	 * moments, best first, per_page * SEARCH_MOMENTS_PER_RECORDING of them
	 * a page: where "N more moments in this recording" leads. */
	const char *recording;
	/* Questions and their answers only (unit_search.h): every hit is a
	 * unit, with "unit" set. */
	bool questions;
	/* Matches to look at before the total and facets may be estimated: 0
	 * for SEARCH_CHECK_AT_LEAST, SEARCH_CHECK_ALL to count every one. */
	unsigned check_at_least;
	/* NULL, or where to add the time of each part of the search. */
	search_profile *profile;
	const char *year; /* a four-digit year filter (as year: in the query); NULL for any */
	/* Newest recordings first (by date, then relevance) rather than the
	 * most relevant first. Every word of the query is then required: the
	 * "questions as queries" ranking that lets a moment miss some words
	 * is for relevance order only. */
	bool by_date;
} search_request;

const char *search_status_str(search_status status);

/* The query settings every search uses (its fields such as release: and
 * speaker:, stopwords, stemming unless exact), with no filters, collapsing
 * or facets: for callers that run qx_db_search themselves and must parse
 * queries exactly as search_run does (the benchmark's raw-engine
 * reference). The strings are static. */
qx_search_params search_base_params(const char *query, bool exact);

/* Run req against db (a read handle; reopened once if a writer commits
 * meanwhile). syn is the vocabulary (vocabulary_load); may be NULL. On
 * SEARCH_OK *out is
 *   {"query", "total" (matching recordings), "page", "per_page",
 *    "match": "all"|"any", "suggestion": string|null,
 *    "showing_results_for": string|null,
 *    "not_found": [the query's words the archive never holds, as typed],
 *    "hits": [{"recording", "title", "release", "kind", "date", "type",
 *              "start", "end", "t", "snippet", "recording_moments",
 *              "recording_matches", and on a question asked in the recording
 *              that the query matches, "unit" (unit_search.h)}],
 *    "facets": {"release": {value: recordings}, "kind": {...},
 *               "speaker": {...}, "year": {...}},
 *    "total_is_estimate", "facets_are_estimates": bools,
 *    "facets_counted_over": the matching documents counted}
 * (caller releases with json_decref); otherwise *out is NULL and err holds
 * a one-line message.
 *
 * "suggestion" is the query as typed with the words the archive does not
 * know corrected (suggest.h: joined, split or respelled), or null; it is
 * stable (searching it gives no further suggestion). "showing_results_for"
 * is the same string when the answer is the suggestion's: the query as
 * typed found nothing and the suggestion found something, or the query
 * found only some of its words ("match": "any") and the suggestion all of
 * them. Then "total", "match", "hits" and "facets" are the suggestion's,
 * and a page says "showing results for ..." with the query as typed one
 * click away. null otherwise ("query" is always as typed).
 *
 * "recording_moments" is how many good moments the hit's recording has in
 * all: its matches weighing at least half as much as its best one (about
 * where moments holding only part of the query begin). A page shows up to
 * SEARCH_MOMENTS_PER_RECORDING of them; the rest are "N more moments in
 * this recording", and req->recording lists every moment of it that
 * matches ("recording_matches" in all), best first. Two documents at one
 * time are one moment: the count reads the times of a few good documents
 * past the page (exact for a small N) and counts the rest one each, so a
 * large N can be a little more than the list holds.
 *
 * Past check_at_least matches, Xapian stops as soon as no further match can
 * reach the page: the hits are the same, but "total" and the facets are
 * then estimates ("total_is_estimate", "facets_are_estimates" true) made
 * from a sample: the first "facets_counted_over" (check_at_least) matches
 * in document order, which a build scatters over the archive
 * (index_update.c). The total is the sample's recordings over the share of
 * the documents the sample spans; each facet count is the value's
 * recordings in the sample, scaled to that total. (Over a remote shard:
 * the recordings among the matches looked at, scaled by Xapian's estimate
 * of all the matches.) "recording_moments" and "recording_matches" count
 * what was looked at. A small match set is always counted whole: both
 * false.
 *
 * The request is checked before the index is read (search_limits.h): a
 * query or filter that is not UTF-8 or is too long, or a query with too
 * many words or wildcards, is SEARCH_BAD_QUERY. */
search_status search_run(qx_db *db, const synonyms *syn, const search_request *req, json_t **out,
                         char *err, size_t errlen);

#endif
