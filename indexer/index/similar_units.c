#include "similar_units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_schema.h"
#include "search_cache.h"
#include "search_internal.h"

/* The frame of a question, not what it is about: a question that shares
 * only "what does ... look like" or "should I use" with another is not
 * like it (read off the bundled archive's pairs). Not search's stopwords:
 * these are dropped only here, and "version" or "build" are never here. */
static const char *const frame_words[] = {
    "a",         "about",    "actually", "an",     "and",    "are",   "as",     "ask",   "asks",
    "at",        "be",       "but",      "by",     "called", "can",   "chat",   "could", "did",
    "different", "do",       "does",     "first",  "fit",    "for",   "from",   "get",   "go",
    "good",      "has",      "have",     "help",   "how",    "i",     "if",     "in",    "is",
    "it",        "its",      "just",     "know",   "last",   "let",   "like",   "look",  "me",
    "mean",      "my",       "need",     "next",   "of",     "on",    "one",    "or",    "people",
    "problem",   "question", "quick",    "really", "right",  "s",     "should", "so",    "solve",
    "something", "start",    "that",     "the",    "there",  "thing", "this",   "to",    "up",
    "us",        "use",      "using",    "we",     "what",   "when",  "where",  "which", "who",
    "why",       "will",     "with",     "work",   "you",    "your",
};

/* The recording's summary (INDEX_META_RECORDING), parsed into *summary;
 * NULL (and QX_OK) when the index has none or it does not parse: the hit
 * is then shown without title and release. */
static qx_status summary_of(qx_db *db, const char *id, json_t **summary)
{
	*summary = NULL;
	char key[sizeof INDEX_META_RECORDING + 256], *text = NULL;
	snprintf(key, sizeof key, "%s%s", INDEX_META_RECORDING, id);
	qx_status st = qx_db_get_metadata(db, key, &text);
	if (st == QX_OK && text[0])
		*summary = json_loads(text, 0, NULL);
	free(text);
	return st;
}

/* Hit i of ms as {"recording", "title", "release", "t", "question"},
 * appended to list. */
static qx_status add_hit(qx_db *db, qx_mset *ms, unsigned i, json_t *list)
{
	const char *data;
	size_t len;
	qx_status st = qx_mset_hit(ms, i, &data, &len, NULL, NULL);
	if (st != QX_OK)
		return st;
	json_t *doc = json_loadb(data, len, 0, NULL), *summary = NULL;
	const char *id = json_string_value(json_object_get(doc, "r"));
	json_t *q = json_object_get(doc, "question");
	if (!id || !json_is_string(json_object_get(q, "text"))) {
		json_decref(doc); /* not a unit the index wrote: skip it */
		return QX_OK;
	}
	if ((st = summary_of(db, id, &summary)) == QX_OK &&
	    json_array_append_new(list, json_pack("{s:s, s:O?, s:O?, s:O, s:O}", "recording", id,
	                                          "title", json_object_get(summary, "title"),
	                                          "release", json_object_get(summary, "release"),
	                                          "t", json_object_get(q, "t"), "question",
	                                          json_object_get(q, "text"))) != 0)
		st = QX_NOMEM;
	json_decref(summary);
	json_decref(doc);
	return st;
}

/* qx_db_similar over the questions of kind `kind` in every recording but
 * id, seeded by id's unit k; `terms`, `min_terms`, `min_share`, `limit` as
 * qx_similar_params'. */
static qx_status run_similar(qx_db *db, const char *id, size_t k, const char *kind, unsigned terms,
                             double min_share, unsigned limit, qx_mset **ms)
{
	char seed[512], type[64], kinds[64], exclude[300];
	snprintf(seed, sizeof seed, "%s%s#%zu", INDEX_TERM_UNIT, id, k);
	snprintf(type, sizeof type, "%sunit", INDEX_TERM_DOCTYPE);
	snprintf(kinds, sizeof kinds, "%s%s", INDEX_TERM_UNIT_KIND,
	         kind && strcmp(kind, "agenda") == 0 ? "agenda" : "question");
	snprintf(exclude, sizeof exclude, "%s%s", INDEX_TERM_RECORDING, id);
	const char *filters[] = {type, kinds};
	qx_similar_params p = {.seed = seed,
	                       .prefix = INDEX_PREFIX_QUESTION,
	                       .stopwords = frame_words,
	                       .stopword_count = sizeof frame_words / sizeof frame_words[0],
	                       .names_prefix = INDEX_TERM_SPEAKER,
	                       .filters = filters,
	                       .filter_count = 2,
	                       .exclude = exclude,
	                       .terms = terms,
	                       .min_terms = SIMILAR_UNITS_MIN_TERMS,
	                       .min_share = min_share,
	                       .limit = limit};
	qx_status st = qx_db_similar(db, &p, ms);
	if (st == QX_NOT_FOUND) {
		*ms = NULL;
		st = QX_OK; /* an index from before INDEX_TERM_UNIT: none known */
	}
	return st;
}

/* Hit i of ms: its recording (in *rec, borrowed from *doc, which the
 * caller releases) and unit number; *doc NULL when it is no unit. */
static qx_status hit_unit(qx_mset *ms, unsigned i, json_t **doc, const char **rec, size_t *k)
{
	const char *data;
	size_t len;
	*doc = NULL;
	qx_status st = qx_mset_hit(ms, i, &data, &len, NULL, NULL);
	if (st != QX_OK)
		return st;
	json_t *d = json_loadb(data, len, 0, NULL), *n = json_object_get(d, "k");
	*rec = json_string_value(json_object_get(d, "r"));
	if (!*rec || !json_is_integer(n) || json_integer_value(n) < 0) {
		json_decref(d);
		return QX_OK;
	}
	*k = (size_t)json_integer_value(n);
	*doc = d;
	return QX_OK;
}

/* Unit k of rec's own list (as similar_units_find makes it before the
 * links back), as "rec#k" strings, from cache (an object "rec#k" -> that
 * array) or made and put there: a recording's units share candidates.
 * *own is borrowed from cache. */
static qx_status own_list(qx_db *db, const char *rec, size_t k, const char *kind, json_t *cache,
                          json_t **own)
{
	char key[320];
	snprintf(key, sizeof key, "%s#%zu", rec, k);
	if ((*own = json_object_get(cache, key)))
		return QX_OK;
	json_t *list = json_array();
	qx_mset *ms = NULL;
	qx_status st = list ? run_similar(db, rec, k, kind, SIMILAR_UNITS_TERMS,
	                                  SIMILAR_UNITS_MIN_SHARE, SIMILAR_UNITS_MAX, &ms)
	                    : QX_NOMEM;
	for (unsigned i = 0; st == QX_OK && i < qx_mset_size(ms); i++) {
		json_t *doc;
		const char *r;
		size_t n;
		char other[320];
		if ((st = hit_unit(ms, i, &doc, &r, &n)) != QX_OK || !doc)
			continue;
		snprintf(other, sizeof other, "%s#%zu", r, n);
		if (json_array_append_new(list, json_string(other)) != 0)
			st = QX_NOMEM;
		json_decref(doc);
	}
	qx_mset_free(ms);
	if (st == QX_OK && json_object_set_new(cache, key, list) != 0)
		st = QX_NOMEM;
	else if (st != QX_OK)
		json_decref(list);
	*own = st == QX_OK ? json_object_get(cache, key) : NULL;
	return st;
}

/* Does unit k of rec list unit target_k of target as similar (its own
 * list, before the links back)? */
static qx_status lists(qx_db *db, const char *rec, size_t k, const char *kind, const char *target,
                       size_t target_k, json_t *cache, bool *found)
{
	json_t *own;
	char want[320];
	*found = false;
	snprintf(want, sizeof want, "%s#%zu", target, target_k);
	qx_status st = own_list(db, rec, k, kind, cache, &own);
	for (size_t i = 0; st == QX_OK && !*found && i < json_array_size(own); i++)
		*found = strcmp(json_string_value(json_array_get(own, i)), want) == 0;
	return st;
}

/* Is the unit (rec, k) one of list's already? */
static bool listed(json_t *list, const char *rec, json_t *q_t)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i);
		if (strcmp(json_string_value(json_object_get(o, "recording")), rec) == 0 &&
		    json_equal(json_object_get(o, "t"), q_t))
			return true;
	}
	return false;
}

/* The links back: while list has room, the units among the
 * SIMILAR_UNITS_CANDIDATES that share most of unit k's question words
 * whose own list holds unit k. */
static qx_status add_links_back(qx_db *db, const char *id, size_t k, const char *kind,
                                json_t *cache, json_t *list)
{
	qx_mset *ms = NULL;
	qx_status st =
	    run_similar(db, id, k, kind, QX_SIMILAR_TERMS_MAX, 0, SIMILAR_UNITS_CANDIDATES, &ms);
	for (unsigned i = 0;
	     st == QX_OK && i < qx_mset_size(ms) && json_array_size(list) < SIMILAR_UNITS_MAX;
	     i++) {
		json_t *doc;
		const char *r;
		size_t n;
		bool back = false;
		if ((st = hit_unit(ms, i, &doc, &r, &n)) != QX_OK || !doc)
			continue;
		json_t *q_t = json_object_get(json_object_get(doc, "question"), "t");
		if (!listed(list, r, q_t) &&
		    (st = lists(db, r, n, kind, id, k, cache, &back)) == QX_OK && back)
			st = add_hit(db, ms, i, list);
		json_decref(doc);
	}
	qx_mset_free(ms);
	return st;
}

/* Unit k's own list and, with a cache of other units' own lists
 * (own_list), the links back; without one, its own list only. */
static search_status find_cached(qx_db *db, const char *id, size_t k, const char *kind,
                                 json_t *cache, json_t **out, char *err, size_t errlen)
{
	*out = NULL;
	qx_mset *ms = NULL;
	json_t *list = json_array();
	qx_status st = QX_NOMEM;
	if (!list)
		goto out;
	st = run_similar(db, id, k, kind, SIMILAR_UNITS_TERMS, SIMILAR_UNITS_MIN_SHARE,
	                 SIMILAR_UNITS_MAX, &ms);
	for (unsigned i = 0; st == QX_OK && i < qx_mset_size(ms); i++)
		st = add_hit(db, ms, i, list);
	if (st == QX_OK && ms && cache && json_array_size(list) < SIMILAR_UNITS_MAX)
		st = add_links_back(db, id, k, kind, cache, list);
out:
	qx_mset_free(ms);
	if (st != QX_OK) {
		json_decref(list);
		return search_from_qx(st, db, err, errlen);
	}
	*out = list;
	return SEARCH_OK;
}

search_status similar_units_find(qx_db *db, const char *id, size_t k, const char *kind,
                                 json_t **out, char *err, size_t errlen)
{
	return find_cached(db, id, k, kind, NULL, out, err, errlen);
}

/* Every unit's list, links back included, for questions (a recording's
 * summary's "questions"), as a new array of arrays in *lists. */
static search_status add_all(qx_db *db, const char *id, json_t *questions, json_t **lists,
                             char *err, size_t errlen)
{
	/* One cache for the recording: its units' candidates overlap. */
	json_t *cache = json_object();
	*lists = json_array();
	search_status st = cache && *lists ? SEARCH_OK : SEARCH_NOMEM;
	for (size_t k = 0; st == SEARCH_OK && k < json_array_size(questions); k++) {
		json_t *q = json_array_get(questions, k), *similar;
		const char *kind = json_string_value(json_object_get(q, "kind"));
		st = find_cached(db, id, k, kind, cache, &similar, err, errlen);
		if (st == SEARCH_OK && json_array_append_new(*lists, similar) != 0)
			st = SEARCH_NOMEM;
	}
	json_decref(cache);
	if (st != SEARCH_OK) {
		json_decref(*lists);
		*lists = NULL;
	}
	return st;
}

search_status similar_units_add(qx_db *db, const char *id, json_t *questions, char *err,
                                size_t errlen)
{
	/* The same on every view of this revision (search_cache.h): a
	 * recording's lists cost up to 2 + SIMILAR_UNITS_CANDIDATES queries a
	 * unit, 0.4-1.2 s a watch page on 1,000 hours (bench/RESULTS.md). */
	char *revision = NULL, key[300];
	if (qx_db_revision(db, &revision) != QX_OK)
		revision = NULL;
	snprintf(key, sizeof key, "similar-all\x1f%s", id);
	json_t *lists = search_cache_get(revision, key);
	search_status st = SEARCH_OK;
	if (json_array_size(lists) != json_array_size(questions)) {
		json_decref(lists); /* a summary of another revision, or none kept */
		st = add_all(db, id, questions, &lists, err, errlen);
		if (st == SEARCH_OK)
			search_cache_put(revision, key, lists);
	}
	free(revision);
	/* Shared, not copied: nobody changes a unit's "similar" (search_cache.h). */
	for (size_t k = 0; st == SEARCH_OK && k < json_array_size(questions); k++)
		if (json_object_set(json_array_get(questions, k), "similar",
		                    json_array_get(lists, k)) != 0)
			st = SEARCH_NOMEM;
	json_decref(lists);
	return st;
}
