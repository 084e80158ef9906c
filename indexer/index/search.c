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

/* One recording on the page: its moments, in rank order, moments in what
 * was said (passages, agenda items) before those that only point at the
 * start (description, notes). */
typedef struct group {
	const char *id; /* borrowed from the hit's data (kept alive in `doc`) */
	json_t *doc;    /* the first hit's data, owning id */
	json_t *summary;
	json_t *timed;
	json_t *later;
	double taken[SEARCH_MOMENTS_PER_RECORDING];
	size_t count;
} group;

/* Does the query use operators or quotes, so that falling back from "all
 * words" to "any word" would change what the user asked for? */
static bool has_syntax(const char *q)
{
	return strchr(q, '"') || strstr(q, " OR ") || strstr(q, " AND ") || strstr(q, "NOT ") ||
	       strchr(q, ':') || strchr(q, '*') || strchr(q, '+') || strchr(q, '(');
}

/* Find or add the group of hit i's recording among the first `want`
 * recordings (in rank order). Returns its index, or -1 when the hit belongs
 * to a recording past the page. */
static long group_of(qx_db *db, qx_mset *ms, unsigned i, group *groups, size_t *ngroups,
                     size_t want)
{
	const char *data;
	size_t len;
	if (qx_mset_hit(ms, i, &data, &len, NULL, NULL) != QX_OK)
		return -1;
	json_t *doc = json_loadb(data, len, 0, NULL);
	const char *id = json_string_value(json_object_get(doc, "r"));
	if (!id) {
		json_decref(doc);
		return -1;
	}
	for (size_t k = 0; k < *ngroups; k++) {
		if (strcmp(groups[k].id, id) == 0) {
			json_decref(doc);
			return (long)k;
		}
	}
	if (*ngroups == want) {
		json_decref(doc);
		return -1;
	}
	group *g = &groups[(*ngroups)++];
	g->doc = doc;
	g->id = id;
	g->summary = recording_summary(db, id);
	if (!g->summary)
		g->summary = json_object();
	g->timed = json_array();
	g->later = json_array();
	g->count = 0;
	return (long)(*ngroups - 1);
}

static void groups_free(group *groups, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		json_decref(groups[k].doc);
		json_decref(groups[k].summary);
		json_decref(groups[k].timed);
		json_decref(groups[k].later);
	}
	free(groups);
}

static search_status run_once(qx_db *db, const synonyms *syn, const search_request *req,
                              json_t **out, char *err, size_t errlen)
{
	search_status status = SEARCH_OK;
	filters f = {{NULL}, 0};
	char *query = NULL;
	qx_mset *ms = NULL;
	group *groups = NULL;
	size_t ngroups = 0;
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
	size_t want = (size_t)page * per_page; /* recordings up to the end of this page */
	bool match_any = false, suggested = false;

	/* One query answers the page: collapsing keeps each recording's best
	 * SEARCH_MOMENTS_PER_RECORDING documents, in rank order, so the first
	 * `want` recordings are among the first want * that many hits; the
	 * facet spy counts the recordings (the total) and the facets. */
	qx_search_params p = search_base_params(query, req->exact);
	p.filters = (const char *const *)f.terms;
	p.filter_count = f.count;
	p.offset = 0;
	p.limit = (unsigned)(want * SEARCH_MOMENTS_PER_RECORDING);
	p.collapse_slot = INDEX_SLOT_RECORDING;
	p.collapse_max = SEARCH_MOMENTS_PER_RECORDING;
	p.facet_slots = facet_slots;
	p.facet_count = sizeof facet_slots / sizeof facet_slots[0];
	p.count_slot = INDEX_SLOT_RECORDING;
	qx_status st = qx_db_search(db, &p, &ms);
	if (st == QX_OK && qx_mset_groups(ms) == 0) {
		/* Nothing. Ask again for a spelling suggestion ("did you mean"
		 * only when the words as typed found nothing together: Xapian also
		 * offers corrections for rare words that were found), and rank a
		 * natural question whose words were never said together by any of
		 * its words instead; the answer says so ("match": "any"). */
		suggested = !req->exact;
		match_any = !has_syntax(req->query) && strchr(req->query, ' ') != NULL;
		if (suggested || match_any) {
			qx_mset_free(ms);
			ms = NULL;
			p.suggest = suggested;
			p.match_any = match_any;
			st = qx_db_search(db, &p, &ms);
		}
	}
	if (st != QX_OK) {
		status = from_qx(st, db, err, errlen);
		goto out;
	}

	hits = json_array();
	facets = json_object();
	groups = calloc(want ? want : 1, sizeof *groups);
	if (!hits || !facets || !groups) {
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
	size_t first = want - per_page; /* groups before this are on earlier pages */
	for (unsigned i = 0; i < qx_mset_size(ms); i++) {
		long k = group_of(db, ms, i, groups, &ngroups, want);
		if (k < (long)first)
			continue;
		group *g = &groups[k];
		if (g->count == SEARCH_MOMENTS_PER_RECORDING)
			continue;
		json_t *hit = moment(ms, i, g->summary, g->id);
		if (!hit) {
			status = SEARCH_NOMEM;
			goto out;
		}
		double t = number_or(hit, "t", 0);
		bool dup = false;
		for (size_t m = 0; m < g->count; m++)
			dup |= fabs(g->taken[m] - t) < 0.001;
		if (dup) {
			json_decref(hit);
			continue;
		}
		g->taken[g->count++] = t;
		const char *type = json_string_value(json_object_get(hit, "type"));
		bool timed = type && (strcmp(type, "passage") == 0 || strcmp(type, "agenda") == 0);
		json_array_append_new(timed ? g->timed : g->later, hit);
	}
	for (size_t k = first; k < ngroups; k++) {
		json_array_extend(hits, groups[k].timed);
		json_array_extend(hits, groups[k].later);
	}
	const char *suggestion = suggested ? qx_mset_suggestion(ms) : "";
	result = json_pack("{s:s, s:i, s:i, s:i, s:s, s:o, s:O, s:O}", "query", req->query, "total",
	                   (json_int_t)qx_mset_groups(ms), "page", (json_int_t)page, "per_page",
	                   (json_int_t)per_page, "match", match_any ? "any" : "all", "suggestion",
	                   suggestion[0] ? json_string(suggestion) : json_null(), "hits", hits,
	                   "facets", facets);
	if (!result)
		status = SEARCH_NOMEM;
out:
	if (status == SEARCH_NOMEM)
		snprintf(err, errlen, "out of memory");
	groups_free(groups, ngroups);
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
