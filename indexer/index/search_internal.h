/* search_internal: what search.c and search_moment.c share: the state of
 * one attempt at a search, and where a hit's moment is. */
#ifndef QA_SEARCH_INTERNAL_H
#define QA_SEARCH_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "search.h"
#include "xindex.h"

/* What the page's placing has learnt of hit i (search_moment.c): its data
 * parsed, and where its moment is. place_agreed, place_said and
 * place_leads read a hit's moment to choose a recording's lead, and
 * place_hit reads it again to show it: each read parsed the data and read
 * the positions anew (a third of search_run on the 100-hour archive). */
typedef struct hit_memo {
	json_t *doc;    /* the data parsed (search_hit_doc), or NULL: not yet */
	bool placed;    /* search_moment_place's answer below is known */
	json_t *moment; /* its *doc: doc, or NULL when the hit is no moment */
	double t;
	size_t at;
} hit_memo;

/* What every read of one attempt at a search needs: the handle, the match
 * set, and where a failure goes. Every qx_ call's status goes through
 * check(), so a QX_RETRY from any read (the search itself, or the lazy
 * reads of hit data, positions, snippets and summaries that follow) ends
 * the attempt as SEARCH_BUSY, and search_run runs the whole search again
 * on the newest revision. */
typedef struct reader {
	qx_db *db;
	qx_mset *ms;
	char *err;
	size_t errlen;
	struct filters *f;    /* the search's filters and speakers */
	bool questions;       /* units only (search_request.questions) */
	search_profile *prof; /* never NULL: the caller's, or scratch */
	const char *revision; /* the index's (qx_db_revision), for search_cache.h;
	                       * NULL: nothing is cached */
	bool sentence;        /* the query is a sentence (search.c: is_sentence) */
	hit_memo *memo;       /* one per hit of ms while the page is placed, or NULL */
} reader;

/* Filter terms for the request's --release/--kind/--speaker/--recording, and the
 * speakers whose moments are asked for: the --speaker key and those of the
 * query's speaker: words, which the query's parse adds (speaker_value). */
typedef struct filters {
	char *terms[7]; /* release, kind, source, speaker, recording, year, type */
	size_t count;
	char **speakers; /* keys (speaker_terms.h) */
	size_t speaker_count;
} filters;

/* A qx_ status as a search status, err filled (search.c). */
search_status search_from_qx(qx_status st, qx_db *db, char *err, size_t errlen);

/* Every qx_ call's status goes through here (see reader). */
static inline search_status search_check(const reader *r, qx_status st)
{
	return st == QX_OK ? SEARCH_OK : search_from_qx(st, r->db, r->err, r->errlen);
}

/* obj[key] as a number, or fallback. */
double search_number_or(json_t *obj, const char *key, double fallback);

/* Hit i's document data, parsed, into *doc (caller releases; with a memo
 * it is shared with the memo and must not be changed). */
search_status search_hit_doc(const reader *r, unsigned i, json_t **doc);

/* A memo for each hit of r->ms (NULL when out of memory: then every read
 * is made again), and its release. */
hit_memo *search_memo_new(const reader *r);
void search_memo_free(hit_memo *memo, unsigned count);

/* Where the moment of hit i is (search_moment.c): *t, *at (the cue, or
 * SIZE_MAX), *doc (caller releases and must not change it; NULL when the
 * hit is no moment). */
search_status search_moment_place(const reader *r, unsigned i, json_t **doc, double *t, size_t *at);

/* The moment of hit i of recording id (summary: its summary JSON, borrowed)
 * as a hit object in *hit; NULL when the hit is no moment of its own. */
search_status search_moment(const reader *r, unsigned i, const char *id, json_t *summary,
                            json_t **hit);

#endif
