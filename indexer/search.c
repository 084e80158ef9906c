#include "search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_schema.h"

/* Words too common to narrow a question down ("how do I ..."). Quoted
 * phrases keep them. */
static const char *const stopwords[] = {
    "a",    "about", "an",    "and",  "are",    "as",   "at",   "be",    "but",   "by",
    "can",  "could", "did",   "do",   "does",   "for",  "from", "had",   "has",   "have",
    "how",  "i",     "if",    "in",   "into",   "is",   "it",   "its",   "me",    "my",
    "of",   "on",    "or",    "our",  "should", "so",   "that", "the",   "their", "them",
    "then", "there", "these", "they", "this",   "to",   "was",  "we",    "were",  "what",
    "when", "where", "which", "who",  "why",    "will", "with", "would", "you",   "your",
};

/* The field:value syntax of queries. */
static const qx_field fields[] = {
    {"release", INDEX_TERM_RELEASE, true}, {"kind", INDEX_TERM_KIND, true},
    {"speaker", INDEX_TERM_SPEAKER, true}, {"year", INDEX_TERM_YEAR, true},
    {"title", INDEX_PREFIX_TITLE, false},
};

static const unsigned facet_slots[] = {INDEX_SLOT_RELEASE, INDEX_SLOT_KIND, INDEX_SLOT_SPEAKERS,
                                       INDEX_SLOT_YEAR};
static const char *const facet_names[] = {"release", "kind", "speaker", "year"};

const char *search_status_str(search_status status)
{
	switch (status) {
	case SEARCH_OK:
		return "ok";
	case SEARCH_BAD_QUERY:
		return "query syntax error";
	case SEARCH_BUSY:
		return "the index is changing; try again";
	case SEARCH_FAILED:
		return "cannot read the index";
	case SEARCH_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

static search_status from_qx(qx_status st, qx_db *db, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", qx_db_errmsg(db)[0] ? qx_db_errmsg(db) : qx_status_str(st));
	switch (st) {
	case QX_QUERY_SYNTAX:
		return SEARCH_BAD_QUERY;
	case QX_RETRY:
		return SEARCH_BUSY;
	case QX_NOMEM:
		return SEARCH_NOMEM;
	default:
		return SEARCH_FAILED;
	}
}

/* Filter terms for the request's --release/--kind/--speaker. */
typedef struct filters {
	char *terms[4];
	size_t count;
} filters;

static bool filters_add(filters *f, const char *prefix, const char *value)
{
	if (!value || !*value)
		return true;
	size_t n = strlen(prefix) + strlen(value) + 1;
	char *term = malloc(n);
	if (!term)
		return false;
	snprintf(term, n, "%s%s", prefix, value);
	f->terms[f->count++] = term;
	return true;
}

static void filters_free(filters *f)
{
	for (size_t i = 0; i < f->count; i++)
		free(f->terms[i]);
	f->count = 0;
}

qx_search_params search_base_params(const char *query, bool exact)
{
	qx_search_params p = {0};
	p.query = query;
	p.exact = exact;
	p.fields = fields;
	p.field_count = sizeof fields / sizeof fields[0];
	p.collapse_slot = -1;
	p.count_slot = -1;
	p.stopwords = stopwords;
	p.stopword_count = sizeof stopwords / sizeof stopwords[0];
	return p;
}

static bool add_facet(const char *value, unsigned count, void *ctx)
{
	return json_object_set_new(ctx, value, json_integer(count)) == 0;
}

/* The recording's summary, stored in the index's metadata at index time. */
static json_t *recording_summary(qx_db *db, const char *id)
{
	char key[256], *value = NULL;
	snprintf(key, sizeof key, "%s%s", INDEX_META_RECORDING, id);
	if (qx_db_get_metadata(db, key, &value) != QX_OK)
		return NULL;
	json_t *summary = json_loads(value, 0, NULL);
	free(value);
	return summary;
}

static double number_or(json_t *obj, const char *key, double fallback)
{
	json_t *v = json_object_get(obj, key);
	return json_is_number(v) ? json_number_value(v) : fallback;
}

/* Work out the moment of hit i: the cue holding the first matched position
 * (passages), or the document's own start (agenda items, about, notes).
 * Returns the hit object, or NULL on failure. */
static json_t *moment(qx_mset *ms, unsigned i, json_t *summary, const char *id)
{
	const char *data;
	size_t len;
	if (qx_mset_hit(ms, i, &data, &len, NULL, NULL) != QX_OK)
		return NULL;
	json_t *doc = json_loadb(data, len, 0, NULL);
	if (!doc)
		return NULL;
	double start = number_or(doc, "start", 0), end = number_or(doc, "end", start);
	double t = start;
	const char *type = json_string_value(json_object_get(doc, "type"));
	json_t *cues = json_object_get(doc, "cues");
	const char *text = json_string_value(json_object_get(doc, "text"));
	char *joined = NULL;

	if (json_is_array(cues) && json_array_size(cues) > 0) {
		unsigned pos;
		bool found = false;
		size_t at = 0;
		if (qx_mset_first_position(ms, i, &pos, &found) == QX_OK && found) {
			/* The last cue whose first position is at or before pos. */
			for (size_t k = 0; k < json_array_size(cues); k++) {
				json_t *c = json_array_get(cues, k);
				if (number_or(c, "p", 0) <= pos)
					at = k;
			}
		}
		t = number_or(json_array_get(cues, at), "s", start);
		/* Snippet source: the matched cue and the next two. */
		size_t total = 0;
		for (size_t k = at; k < json_array_size(cues) && k < at + 3; k++) {
			const char *ct =
			    json_string_value(json_object_get(json_array_get(cues, k), "text"));
			total += (ct ? strlen(ct) : 0) + 1;
		}
		joined = calloc(1, total + 1);
		if (joined) {
			for (size_t k = at; k < json_array_size(cues) && k < at + 3; k++) {
				const char *ct = json_string_value(
				    json_object_get(json_array_get(cues, k), "text"));
				if (!ct)
					continue;
				if (*joined)
					strcat(joined, " ");
				strcat(joined, ct);
			}
			text = joined;
		}
	}
	/* Notes and descriptions are markdown over several lines: a snippet is
	 * one line. */
	char *flat = text ? strdup(text) : NULL;
	if (flat) {
		size_t w = 0;
		for (size_t r = 0; flat[r]; r++) {
			bool space = flat[r] == '\n' || flat[r] == '\t' || flat[r] == ' ';
			if (space && (w == 0 || flat[w - 1] == ' '))
				continue;
			flat[w++] = space ? ' ' : flat[r];
		}
		flat[w] = '\0';
	}
	char *snippet = NULL;
	if (qx_mset_snippet(ms, flat ? flat : "", 240, &snippet) != QX_OK)
		snippet = NULL;
	free(flat);
	json_t *hit = json_pack(
	    "{s:s, s:O?, s:O?, s:O?, s:O?, s:s, s:f, s:f, s:f, s:s}", "recording", id, "title",
	    json_object_get(summary, "title"), "release", json_object_get(summary, "release"),
	    "kind", json_object_get(summary, "kind"), "date", json_object_get(summary, "date"),
	    "type", type ? type : "passage", "start", start, "end", end, "t",
	    floor(t * 1000 + 0.5) / 1000, "snippet", snippet ? snippet : "");
	free(snippet);
	free(joined);
	json_decref(doc);
	return hit;
}

/* Up to SEARCH_MOMENTS_PER_RECORDING moments of one recording, best first,
 * with distinct times, appended to hits. */
static search_status add_moments(qx_db *db, const char *query, const search_request *req,
                                 const filters *f, bool match_any, const char *id, json_t *hits,
                                 char *err, size_t errlen)
{
	const char *terms[5];
	char rec_term[300];
	snprintf(rec_term, sizeof rec_term, "%s%s", INDEX_TERM_RECORDING, id);
	for (size_t i = 0; i < f->count; i++)
		terms[i] = f->terms[i];
	terms[f->count] = rec_term;

	qx_search_params p = search_base_params(query, req->exact);
	p.filters = terms;
	p.filter_count = f->count + 1;
	p.match_any = match_any;
	p.limit = SEARCH_MOMENTS_PER_RECORDING * 3;
	qx_mset *ms = NULL;
	qx_status st = qx_db_search(db, &p, &ms);
	if (st != QX_OK)
		return from_qx(st, db, err, errlen);
	json_t *summary = recording_summary(db, id);
	if (!summary)
		summary = json_object();
	double taken[SEARCH_MOMENTS_PER_RECORDING];
	size_t n = 0;
	search_status status = SEARCH_OK;
	/* Moments in what was said (passages, agenda items) come first; a
	 * match in the description or notes, which only points at the start,
	 * fills the remaining places. */
	json_t *later = json_array();
	for (unsigned i = 0; i < qx_mset_size(ms) && n < SEARCH_MOMENTS_PER_RECORDING; i++) {
		json_t *hit = moment(ms, i, summary, id);
		if (!hit) {
			status = SEARCH_NOMEM;
			snprintf(err, errlen, "out of memory");
			break;
		}
		double t = number_or(hit, "t", 0);
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= fabs(taken[k] - t) < 0.001;
		if (dup) {
			json_decref(hit);
			continue;
		}
		const char *type = json_string_value(json_object_get(hit, "type"));
		bool timed = type && (strcmp(type, "passage") == 0 || strcmp(type, "agenda") == 0);
		taken[n++] = t;
		json_array_append_new(timed ? hits : later, hit);
	}
	json_array_extend(hits, later);
	json_decref(later);
	json_decref(summary);
	qx_mset_free(ms);
	return status;
}

/* Does the query use operators or quotes, so that falling back from "all
 * words" to "any word" would change what the user asked for? */
static bool has_syntax(const char *q)
{
	return strchr(q, '"') || strstr(q, " OR ") || strstr(q, " AND ") || strstr(q, "NOT ") ||
	       strchr(q, ':') || strchr(q, '*') || strchr(q, '+') || strchr(q, '(');
}

static search_status run_once(qx_db *db, const synonyms *syn, const search_request *req,
                              json_t **out, char *err, size_t errlen)
{
	search_status status = SEARCH_OK;
	filters f = {{NULL}, 0};
	char *query = NULL;
	qx_mset *ms = NULL;
	json_t *result = NULL, *hits = NULL, *facets = NULL;

	if (!filters_add(&f, INDEX_TERM_RELEASE, req->release) ||
	    !filters_add(&f, INDEX_TERM_KIND, req->kind) ||
	    !filters_add(&f, INDEX_TERM_SPEAKER, req->speaker)) {
		status = SEARCH_NOMEM;
		goto out;
	}
	if (!req->exact && syn) {
		if (!synonyms_rewrite_query(syn, req->query, &query)) {
			status = SEARCH_NOMEM;
			goto out;
		}
	} else if (!(query = strdup(req->query))) {
		status = SEARCH_NOMEM;
		goto out;
	}

	unsigned per_page = req->per_page ? req->per_page : 10;
	unsigned page = req->page ? req->page : 1;
	bool match_any = false;
	qx_search_params p = search_base_params(query, req->exact);
	p.filters = (const char *const *)f.terms;
	p.filter_count = f.count;
	p.offset = (page - 1) * per_page;
	p.limit = per_page;
	p.collapse_slot = INDEX_SLOT_RECORDING;
	p.collapse_max = 1;
	p.facet_slots = facet_slots;
	p.facet_count = sizeof facet_slots / sizeof facet_slots[0];
	p.count_slot = INDEX_SLOT_RECORDING;
	p.suggest = !req->exact;
	for (int attempt = 0; attempt < 2; attempt++) {
		p.match_any = match_any;
		qx_status st = qx_db_search(db, &p, &ms);
		if (st != QX_OK) {
			status = from_qx(st, db, err, errlen);
			goto out;
		}
		/* Every word required finds nothing: a question phrased
		 * differently from how it was answered. Rank by any word
		 * instead, and say so. */
		if (qx_mset_total(ms) > 0 || match_any || has_syntax(req->query) ||
		    !strchr(req->query, ' '))
			break;
		qx_mset_free(ms);
		ms = NULL;
		match_any = true;
	}

	hits = json_array();
	facets = json_object();
	if (!hits || !facets) {
		status = SEARCH_NOMEM;
		goto out;
	}
	for (size_t k = 0; k < p.facet_count; k++) {
		json_t *values = json_object();
		if (!values || json_object_set_new(facets, facet_names[k], values) != 0 ||
		    qx_mset_each_facet(ms, k, add_facet, values) != QX_OK) {
			status = SEARCH_NOMEM;
			goto out;
		}
	}
	for (unsigned i = 0; i < qx_mset_size(ms); i++) {
		const char *data;
		size_t len;
		if (qx_mset_hit(ms, i, &data, &len, NULL, NULL) != QX_OK)
			continue;
		json_t *doc = json_loadb(data, len, 0, NULL);
		const char *id = json_string_value(json_object_get(doc, "r"));
		if (id)
			status = add_moments(db, query, req, &f, match_any, id, hits, err, errlen);
		json_decref(doc);
		if (status != SEARCH_OK)
			goto out;
	}
	/* "Did you mean" only when the words as typed found nothing together:
	 * Xapian offers corrections for rare words too, which would second-
	 * guess queries that worked. */
	const char *suggestion = qx_mset_suggestion(ms);
	if (!match_any && qx_mset_total(ms) > 0)
		suggestion = "";
	result = json_pack("{s:s, s:i, s:i, s:i, s:s, s:o, s:O, s:O}", "query", req->query, "total",
	                   (json_int_t)qx_mset_total(ms), "page", (json_int_t)page, "per_page",
	                   (json_int_t)per_page, "match", match_any ? "any" : "all", "suggestion",
	                   suggestion[0] ? json_string(suggestion) : json_null(), "hits", hits,
	                   "facets", facets);
	if (!result)
		status = SEARCH_NOMEM;
out:
	if (status == SEARCH_NOMEM)
		snprintf(err, errlen, "out of memory");
	json_decref(hits);
	json_decref(facets);
	qx_mset_free(ms);
	free(query);
	filters_free(&f);
	*out = status == SEARCH_OK ? result : NULL;
	if (status != SEARCH_OK)
		json_decref(result);
	return status;
}

search_status search_run(qx_db *db, const synonyms *syn, const search_request *req, json_t **out,
                         char *err, size_t errlen)
{
	*out = NULL;
	err[0] = '\0';
	search_status status = run_once(db, syn, req, out, err, errlen);
	/* A writer committed while we read: move to its revision, once. */
	if (status == SEARCH_BUSY && qx_db_reopen(db, NULL) == QX_OK)
		status = run_once(db, syn, req, out, err, errlen);
	return status;
}
