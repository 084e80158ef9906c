#include "search.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "index_schema.h"
#include "index_update.h"
#include "moment.h"
#include "speaker_terms.h"
#include "suggest.h"
#include "synonyms.h"
#include "not_found.h"
#include "search_internal.h"
#include "search_cache.h"
#include "query_fields.h"
#include "search_limits.h"
#include "unit_search.h"

/* A good moment weighs at least this much of its recording's best one.
 * A moment holding every word of a plain query gets the coverage boost
 * on top of its BM25 sum (twice the weight, at 1.0), so half the best
 * is about where moments that hold only part of the query begin. */
#define SEARCH_GOOD_MOMENT 0.5

/* A question someone asked in a recording, matched by its question,
 * leads that recording's moments for a sentence query when it weighs at
 * least this much of the recording's best timed moment: the answer to a
 * question like the user's beats a passage that only shares more of its
 * words (tests/search-quality/RESULTS.md: session 6, chosen on the tune
 * half). */
#define SEARCH_ASKED_LEADS 0.8

/* A moment that several of a recording's documents place at the same time
 * (two overlapping passages, a passage and its unit) weighs its best
 * document's weight plus this share of the others': when every window
 * holding its cue puts the densest run there, the run is whole, not cut
 * by a window's edge, and among near ties it goes first. Only documents
 * weighing at least SEARCH_AGREEING_FROM of the recording's best timed
 * one are read for it (tests/search-quality/RESULTS.md: session 8,
 * chosen on the tune half). */
#define SEARCH_AGREEING_SHARE 0.05
#define SEARCH_AGREEING_FROM  0.8

/* A query of at least this many words (filters aside), with no search
 * syntax, is a sentence: a question or a pasted error, not keywords. */
#define SEARCH_SENTENCE_WORDS 5

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

static char *filter_value(const char *typed, void *ctx);
static char *speaker_value(const char *typed, void *ctx);
static bool has_syntax(const char *q);

/* The field:value syntax of queries. Filter values are made the index's
 * terms here (index_schema.h), not by Xapian: lower-cased, and a speaker
 * by the key of the name (speaker_terms.h). */
static const qx_field fields[] = {
    {"release", INDEX_TERM_RELEASE, true, filter_value},
    {"kind", INDEX_TERM_KIND, true, filter_value},
    {"speaker", INDEX_TERM_SPEAKER, true, speaker_value},
    {"year", INDEX_TERM_YEAR, true, filter_value},
    {"source", INDEX_TERM_SOURCE, true, filter_value},
    {"title", INDEX_PREFIX_TITLE, false, NULL},
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
	case SEARCH_DAMAGED:
		return "the index is damaged";
	case SEARCH_FAILED:
		return "cannot read the index";
	case SEARCH_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

search_status search_from_qx(qx_status st, qx_db *db, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", qx_db_errmsg(db)[0] ? qx_db_errmsg(db) : qx_status_str(st));
	switch (st) {
	case QX_QUERY_SYNTAX:
		return SEARCH_BAD_QUERY;
	case QX_RETRY:
		return SEARCH_BUSY;
	case QX_NOMEM:
		return SEARCH_NOMEM;
	case QX_CORRUPT:
		/* One wording wherever the damage shows (index_update.h). */
		index_damaged_message(qx_db_errmsg(db), err, errlen);
		return SEARCH_DAMAGED;
	default:
		return SEARCH_FAILED;
	}
}

static search_status check(const reader *r, qx_status st)
{
	return search_check(r, st);
}

/* A release, kind or year as the index holds it: lower-cased. */
static char *filter_value(const char *typed, void *ctx)
{
	(void)ctx;
	char *lower = NULL;
	return qx_utf8_lower(typed, &lower) == QX_OK ? lower : NULL;
}

/* A speaker as the index holds it: the key of the typed name, which the
 * search also keeps (ctx: the filters, or NULL) to place moments where
 * that speaker speaks. */
static char *speaker_value(const char *typed, void *ctx)
{
	filters *f = ctx;
	char *key = NULL, *kept = NULL;
	if (!speaker_key(typed, strlen(typed), &key))
		return NULL;
	if (!f)
		return key;
	char **grown = realloc(f->speakers, (f->speaker_count + 1) * sizeof *grown);
	if (grown)
		f->speakers = grown;
	if (!grown || !(kept = strdup(key))) {
		free(key);
		return NULL;
	}
	f->speakers[f->speaker_count++] = kept;
	return key;
}

/* speaker: finds what a person said: a passage where one of the
 * search's speakers speaks but only others say the query's words is not a
 * match (qx_search_params.accept; ctx: the filters). */
static bool said_by_speakers(const char *data, size_t len, const qx_position *positions, size_t n,
                             void *ctx)
{
	const filters *f = ctx;
	bool keep = true;
	if (f->speaker_count == 0 || n == 0)
		return true;
	json_t *doc = json_loadb(data, len, 0, NULL);
	json_t *cues = json_object_get(doc, "cues");
	if (json_is_array(cues))
		moment_said_by(cues, (const char *const *)f->speakers, f->speaker_count, positions,
		               n, &keep);
	json_decref(doc);
	return keep;
}

static bool filters_add(filters *f, const char *prefix, const char *value)
{
	if (!value || !*value)
		return true;
	bool speaker = strcmp(prefix, INDEX_TERM_SPEAKER) == 0;
	/* A recording id and a document type as the index holds them. */
	bool id =
	    strcmp(prefix, INDEX_TERM_RECORDING) == 0 || strcmp(prefix, INDEX_TERM_DOCTYPE) == 0;
	char *v = speaker ? speaker_value(value, f)
	          : id    ? strdup(value)
	                  : filter_value(value, NULL);
	if (!v)
		return false;
	size_t n = strlen(prefix) + strlen(v) + 1;
	char *term = malloc(n);
	if (term) {
		snprintf(term, n, "%s%s", prefix, v);
		f->terms[f->count++] = term;
	}
	free(v);
	return term != NULL;
}

static void filters_free(filters *f)
{
	for (size_t i = 0; i < f->count; i++)
		free(f->terms[i]);
	for (size_t i = 0; i < f->speaker_count; i++)
		free(f->speakers[i]);
	free(f->speakers);
	*f = (filters){{NULL}, 0, NULL, 0};
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

/* The filter terms and the query as searched: widened by synonyms unless
 * exact. The caller frees both, whatever the status. */
static search_status prepare(const synonyms *syn, const search_request *req, filters *f,
                             char **query)
{
	if (!filters_add(f, INDEX_TERM_RELEASE, req->release) ||
	    !filters_add(f, INDEX_TERM_KIND, req->kind) ||
	    !filters_add(f, INDEX_TERM_SOURCE, req->source) ||
	    !filters_add(f, INDEX_TERM_SPEAKER, req->speaker) ||
	    !filters_add(f, INDEX_TERM_RECORDING, req->recording) ||
	    !filters_add(f, INDEX_TERM_YEAR, req->year) ||
	    (req->questions && !filters_add(f, INDEX_TERM_DOCTYPE, "unit")))
		return SEARCH_NOMEM;
	/* A plain query's own brackets are punctuation ("Eq(u0, 0)" pasted):
	 * blanked, so that the only groups are the vocabulary's, which the
	 * search reads as one word each (xindex.h: coverage_boost). */
	char *plain = strdup(req->query);
	if (!plain)
		return SEARCH_NOMEM;
	if (!has_syntax(req->query))
		for (char *b = plain; (b = strpbrk(b, "()")) != NULL; b++)
			*b = ' ';
	if (req->exact || !syn) {
		*query = plain;
		return SEARCH_OK;
	}
	bool ok = synonyms_rewrite_query(syn, plain, query);
	free(plain);
	return ok ? SEARCH_OK : SEARCH_NOMEM;
}

/* The recordings a page shows: groups [first, want) in rank order, each
 * with its moments [skip, moments) in rank order. With a recording filter
 * a page is that one recording's moments, as many as a page of recordings
 * shows (per_page * SEARCH_MOMENTS_PER_RECORDING). */
typedef struct page {
	unsigned number, per_page;
	size_t want;    /* recordings up to the end of this page */
	size_t first;   /* groups before this are on earlier pages */
	size_t moments; /* a recording's moments up to the end of this page */
	size_t skip;    /* its moments before this are on earlier pages */
	bool one;       /* one recording's moments */
} page;

static page page_of(const search_request *req)
{
	page pg;
	pg.per_page = req->per_page ? req->per_page : 10;
	pg.number = req->page ? req->page : 1;
	pg.one = req->recording && req->recording[0];
	pg.want = pg.one ? 1 : (size_t)pg.number * pg.per_page;
	pg.first = pg.one ? 0 : pg.want - pg.per_page;
	size_t each = pg.one ? (size_t)pg.per_page * SEARCH_MOMENTS_PER_RECORDING : 0;
	pg.moments = pg.one ? pg.number * each : SEARCH_MOMENTS_PER_RECORDING;
	pg.skip = pg.moments - (pg.one ? each : SEARCH_MOMENTS_PER_RECORDING);
	return pg;
}

/* How many documents of a recording the search keeps (collapse_max) to
 * choose its moments up to the end of the page from: as many more as a
 * page of recordings reads (SEARCH_CANDIDATES_PER_RECORDING for its
 * SEARCH_MOMENTS_PER_RECORDING), for those that are no moment of their
 * own (an agenda item matched by the title alone) or at the same time as
 * another (passages sharing a cue). */
static unsigned documents_per_recording(const search_request *req)
{
	page pg = page_of(req);
	return (unsigned)((pg.moments * SEARCH_CANDIDATES_PER_RECORDING +
	                   SEARCH_MOMENTS_PER_RECORDING - 1) /
	                  SEARCH_MOMENTS_PER_RECORDING);
}

/* Is word (n bytes) "field:..." for one of the query fields? */
static bool is_field(const char *word, size_t n)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		size_t len = strlen(fields[i].name);
		if (len < n && strncmp(word, fields[i].name, len) == 0 && word[len] == ':')
			return true;
	}
	return false;
}

/* The length of the filter word at p (release:2.6, speaker:"Maya Chen",
 * its value in straight or curly quotes, as QueryParser reads it), 0 when
 * p is not one. */
static size_t filter_word(const char *p)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		size_t len = strlen(fields[i].name);
		if (!fields[i].boolean || strncmp(p, fields[i].name, len) != 0 || p[len] != ':')
			continue;
		const char *v = p + len + 1, *close = NULL;
		if (*v == '"')
			close = strchr(v + 1, '"');
		else if (strncmp(v, "\xe2\x80\x9c", 3) == 0)
			close = strstr(v + 3, "\xe2\x80\x9d");
		else
			return strcspn(p, " \t\n");
		return close ? (size_t)(close - p) + (*close == '"' ? 1 : 3) : 0;
	}
	return 0;
}

/* Does word (n bytes) hold a quote that starts a phrase? */
static bool has_quote(const char *word, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (word[i] == '"' || (i + 3 <= n && memcmp(word + i, "\xe2\x80\x9c", 3) == 0))
			return true;
	return false;
}

/* Does the query use the search syntax (quotes, operators, fields,
 * +/- prefixes, wildcards), so that its words mean exactly what it says?
 * A plain sentence ("cpu inference: fp16 or bf16", "c++ server") or a
 * pasted error message ("cache_size_limit (8)") is not syntax, whatever
 * punctuation it has: brackets group only around operators. Filters
 * (speaker:maya, release:2.6) are not either: they narrow a question down
 * without making it keywords ("speaker:ravi what do I do if my old
 * checkpoints stopped loading"). */
static bool has_syntax(const char *q)
{
	for (const char *p = q; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		size_t n = filter_word(p);
		if (n) {
			p += n;
			continue;
		}
		n = strcspn(p, " \t\n");
		if (has_quote(p, n))
			return true;
		if (n && ((p[0] == '+' || p[0] == '-') && n > 1))
			return true;
		if (n && (synonyms_is_operator(p, n, false) || is_field(p, n) || p[n - 1] == '*'))
			return true;
		p += n;
	}
	return false;
}

/* Does the best hit hold every word of the query? Otherwise the page says
 * that no moment has them all ("match": "any"). Not Xapian's percentage:
 * a word the vocabulary widens ("fsdp" OR "fully sharded data parallel")
 * keeps a hit that says one of its forms below 100%. */
static search_status top_holds_every_word(const reader *r, bool *match_any)
{
	bool every = false;
	search_status st = check(r, qx_mset_hit_has_every_word(r->ms, 0, &every));
	*match_any = st == SEARCH_OK && !every;
	return st;
}

/* How many matches to look at (search.h: check_at_least), as
 * qx_search_params takes it (0: every one). */
static unsigned matches_to_check(const search_request *req)
{
	return req->check_at_least == SEARCH_CHECK_ALL ? 0
	       : req->check_at_least                   ? req->check_at_least
	                                               : SEARCH_CHECK_AT_LEAST;
}

/* Run the search into r->ms. One query answers the page: collapsing keeps
 * each recording's best documents_per_recording() documents, in rank
 * order, so the first `want` recordings are among the first want * that
 * many hits; the facet spy counts the recordings (the total) and the
 * facets. *match_any says whether the fallback ran. */
static search_status find_matches(reader *r, const search_request *req, const char *query,
                                  const filters *f, size_t want, bool *match_any)
{
	qx_search_params p = search_base_params(query, req->exact);
	p.field_ctx = r->f; /* the query's speaker: words join f's speakers */
	/* Only a search that may name a speaker pays for looking at where
	 * each match's words are. */
	if (req->speaker || strstr(req->query, "speaker:")) {
		p.accept = said_by_speakers;
		p.accept_ctx = r->f;
	}
	p.filters = (const char *const *)f->terms;
	p.filter_count = f->count;
	p.offset = 0;
	p.limit = (unsigned)(want * documents_per_recording(req));
	p.collapse_slot = INDEX_SLOT_RECORDING;
	p.collapse_max = documents_per_recording(req);
	p.facet_slots = facet_slots;
	p.facet_count = sizeof facet_slots / sizeof facet_slots[0];
	p.count_slot = INDEX_SLOT_RECORDING;
	p.check_at_least = matches_to_check(req);
	/* Questions as queries: a sentence's words are not all required; a
	 * moment that holds the rarer ones, and all of them first, ranks
	 * highest (search.h). Operators and quotes keep their meaning. */
	if (!has_syntax(req->query) && !req->by_date)
		p.coverage_boost = SEARCH_COVERAGE_BOOST;
	if (req->by_date) {
		p.sort_by_value = true;
		p.sort_slot = INDEX_SLOT_DATE;
		p.sort_descending = true;
	}
	search_status st = check(r, qx_db_search(r->db, &p, &r->ms));
	if (st == SEARCH_OK && p.coverage_boost > 0 && qx_mset_size(r->ms) > 0)
		st = top_holds_every_word(r, match_any);
	if (st != SEARCH_OK || qx_mset_groups(r->ms) != 0)
		return st;
	/* Nothing. Rank a natural question whose words were never said
	 * together by any of its words instead; the answer says so ("match":
	 * "any"). */
	*match_any = !has_syntax(req->query) && strchr(req->query, ' ') != NULL;
	if (!*match_any)
		return SEARCH_OK;
	qx_mset_free(r->ms);
	r->ms = NULL;
	p.match_any = *match_any;
	return check(r, qx_db_search(r->db, &p, &r->ms));
}

/* "Did you mean": the user's own query with the words the archive does
 * not know corrected (suggest.h), into *out; NULL when there is none. */
static search_status suggestion_for(const reader *r, const synonyms *syn, const search_request *req,
                                    char **out)
{
	suggest_params sp = {req->query, !req->exact, syn, stopwords,
	                     sizeof stopwords / sizeof stopwords[0]};
	return check(r, suggest_query(r->db, &sp, out));
}

/* The query found nothing, or no moment with all its words (*match_any):
 * search the suggestion instead, the same way. Its matches replace r->ms,
 * and *showing is set, when it finds something and the query found
 * nothing, or when its best moment holds every word where the query's did
 * not ("grpah breaks" -> "graph breaks" rather than "breaks" alone);
 * otherwise r->ms stays the query's. */
static search_status follow_suggestion(reader *r, const synonyms *syn, const search_request *req,
                                       const char *suggestion, size_t want, bool *match_any,
                                       bool *showing)
{
	search_request alt = *req;
	filters f = {{NULL}, 0, NULL, 0};
	char *query = NULL;
	qx_mset *original = r->ms;
	bool alt_any = false;
	alt.query = suggestion;
	r->ms = NULL;
	search_status st = prepare(syn, &alt, &f, &query);
	if (st == SEARCH_OK)
		st = find_matches(r, &alt, query, &f, want, &alt_any);
	if (st == SEARCH_OK && qx_mset_groups(r->ms) > 0 &&
	    (qx_mset_groups(original) == 0 || !alt_any)) {
		qx_mset_free(original);
		*match_any = alt_any;
		*showing = true;
	} else {
		qx_mset_free(r->ms);
		r->ms = original;
	}
	free(query);
	filters_free(&f);
	return st;
}

/* How many recordings match (count_total). */
typedef struct search_total {
	unsigned recordings;
	unsigned looked; /* the matches the facets were counted over */
	bool exact;
} search_total;

static search_status count_total(const reader *r, search_total *total);

/* Where qx_mset_each_facet puts one facet's values, each count times
 * scale (facet_scale). */
typedef struct facet_sink {
	json_t *values;
	double scale;
	bool nomem;
} facet_sink;

static bool add_facet(const char *value, unsigned count, void *ctx)
{
	facet_sink *sink = ctx;
	double scaled = (double)count * sink->scale + 0.5;
	json_int_t n = count == 0 ? 0 : scaled < 1 ? 1 : (json_int_t)scaled;
	if (json_object_set_new(sink->values, value, json_integer(n)) == 0)
		return true;
	sink->nomem = true;
	return false;
}

/* 1 when every match was counted. Otherwise the facets count the
 * recordings among a sample of the matches (qx_mset_counted: the first
 * check_at_least in document order, which a build scatters over the
 * archive), and each count is scaled by the estimated total over the
 * sample's recordings, so that "2.7 (about 200)" reads beside "about
 * 1,000 recordings". */
static double facet_scale(const reader *r, const search_total *total)
{
	unsigned counted = qx_mset_groups_counted(r->ms);
	return total->exact || counted == 0 ? 1 : (double)total->recordings / counted;
}

/* {"release": {value: recordings}, "kind": ..., ...} into *out. */
static search_status page_facets(const reader *r, const search_total *total, json_t **out)
{
	json_t *facets = json_object();
	double scale = facet_scale(r, total);
	search_status st = facets ? SEARCH_OK : SEARCH_NOMEM;
	for (size_t k = 0; st == SEARCH_OK && k < sizeof facet_slots / sizeof facet_slots[0]; k++) {
		facet_sink sink = {json_object(), scale, false};
		if (!sink.values || json_object_set_new(facets, facet_names[k], sink.values) != 0) {
			st = SEARCH_NOMEM;
			break;
		}
		st = check(r, qx_mset_each_facet(r->ms, k, add_facet, &sink));
		if (st == SEARCH_OK && sink.nomem)
			st = SEARCH_NOMEM;
	}
	if (st != SEARCH_OK)
		json_decref(facets);
	*out = st == SEARCH_OK ? facets : NULL;
	return st;
}

/* The recording's summary, stored in the index's metadata at index time,
 * into *out ({} when it has none). */
static search_status recording_summary(const reader *r, const char *id, json_t **out)
{
	char key[256], *value = NULL;
	double t0 = search_profile_now();
	snprintf(key, sizeof key, "%s%s", INDEX_META_RECORDING, id);
	/* The same for every search of this revision (search_cache.h). */
	if ((*out = search_cache_get(r->revision, key)) != NULL) {
		r->prof->summaries += search_profile_now() - t0;
		return SEARCH_OK;
	}
	search_status st = check(r, qx_db_get_metadata(r->db, key, &value));
	if (st == SEARCH_OK) {
		*out = json_loads(value, 0, NULL);
		free(value);
		if (!*out)
			*out = json_object();
		st = *out ? SEARCH_OK : SEARCH_NOMEM;
		search_cache_put(r->revision, key, *out);
	}
	r->prof->summaries += search_profile_now() - t0;
	return st;
}

/* One recording on the page: its moments, in rank order, moments in what
 * was said (passages, agenda items) before those that only point at the
 * start (description, notes). */
typedef struct group {
	const char *id; /* borrowed from the match set (qx_mset_hit_group) */
	json_t *summary;
	json_t *timed;
	json_t *later;
	size_t count; /* its moments up to the end of this page */
	/* "N more moments": its matches, the good ones (weighing at least
	 * SEARCH_GOOD_MOMENT * best, its first hit's weight), and of the good
	 * ones among its hits, how many were read (past the page: `extra`)
	 * and how many were a moment at a time of their own (search.h:
	 * "recording_moments"). */
	unsigned matches, good, good_read, good_moments, extra;
	double best;
	double *taken; /* the distinct times of its moments read (owned) */
	size_t taken_count, taken_cap;
} group;

/* The groups found so far, in rank order. */
typedef struct groups {
	group *items; /* room for a page's `want` */
	size_t count;
} groups;

static void groups_free(groups *gs)
{
	for (size_t k = 0; k < gs->count; k++) {
		json_decref(gs->items[k].summary);
		json_decref(gs->items[k].timed);
		json_decref(gs->items[k].later);
		free(gs->items[k].taken);
	}
	free(gs->items);
}

/* Find or add the group of hit i's recording among the first `want`
 * recordings (in rank order). *k is its index, or -1 when the hit belongs
 * to a recording past the page or names none. */
static search_status group_of(const reader *r, unsigned i, groups *gs, size_t want, long *k)
{
	const char *id = NULL;
	*k = -1;
	/* The recording the search grouped it by: no parse of its data, which
	 * every hit of the page would otherwise cost. */
	search_status st = check(r, qx_mset_hit_group(r->ms, i, &id));
	if (st != SEARCH_OK)
		return st;
	if (id && !*id)
		id = NULL; /* a document of no recording */
	for (size_t n = 0; id && n < gs->count; n++) {
		if (strcmp(gs->items[n].id, id) == 0) {
			*k = (long)n;
			break;
		}
	}
	if (!id || *k >= 0 || gs->count == want)
		return SEARCH_OK;
	/* Counted at once, so that groups_free releases what is set here. */
	group *g = &gs->items[gs->count++];
	*g = (group){id, NULL, json_array(), json_array(), 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0};
	/* Hits come in rank order: a recording's first is its best. */
	const char *data;
	size_t len;
	if ((st = check(r, qx_mset_hit(r->ms, i, &data, &len, NULL, &g->best))) != SEARCH_OK ||
	    (st = check(r, qx_mset_group_count(r->ms, id, SEARCH_GOOD_MOMENT * g->best,
	                                       &g->good))) != SEARCH_OK ||
	    (st = check(r, qx_mset_group_count(r->ms, id, 0, &g->matches))) != SEARCH_OK ||
	    (st = recording_summary(r, id, &g->summary)) != SEARCH_OK)
		return st;
	if (!g->timed || !g->later)
		return SEARCH_NOMEM;
	*k = (long)(gs->count - 1);
	return SEARCH_OK;
}

/* Note time t as one of g's moments: *fresh says whether it is new (two
 * moments at one time are one: overlapping passages share a cue, answers
 * play from their question). false when out of memory. */
static bool take(group *g, double t, bool *fresh)
{
	*fresh = true;
	for (size_t m = 0; m < g->taken_count && *fresh; m++)
		*fresh = fabs(g->taken[m] - t) >= 0.001;
	if (!*fresh)
		return true;
	if (g->taken_count == g->taken_cap) {
		size_t cap = g->taken_cap ? 2 * g->taken_cap : SEARCH_MOMENTS_PER_RECORDING;
		double *more = realloc(g->taken, cap * sizeof *more);
		if (!more)
			return false;
		g->taken = more;
		g->taken_cap = cap;
	}
	g->taken[g->taken_count++] = t;
	return true;
}

/* Is hit i a good moment of g's recording? Filters alone weigh nothing:
 * then none is read for the count (search.h: all of them are counted). */
static search_status is_good(const reader *r, unsigned i, const group *g, bool *good)
{
	const char *data;
	size_t len;
	double weight = 0;
	*good = false;
	search_status st = check(r, qx_mset_hit(r->ms, i, &data, &len, NULL, &weight));
	*good = g->best > 0 && weight >= SEARCH_GOOD_MOMENT * g->best;
	return st;
}

/* Is a hit (its data) a timed moment, one to play: a passage, an agenda
 * item or a question's unit, not a recording's notes or description? */
static bool is_timed(json_t *doc)
{
	const char *type = json_string_value(json_object_get(doc, "type"));
	return type && (strcmp(type, "passage") == 0 || strcmp(type, "agenda") == 0 ||
	                strcmp(type, "unit") == 0);
}

/* Place hit i on the page: as a moment of its recording's group, unless
 * that group is on an earlier page, already full, or already has a moment
 * at the same time; a moment on an earlier page of one recording's moments
 * is only noted. Up to SEARCH_MOMENTS_PER_RECORDING good hits past a full
 * group of recordings are read for their time all the same, so that a
 * small "N more moments" counts moments, not documents (two documents at
 * one time are one moment), and a link to "1 more moment" has one more:
 * a few reads per recording, where reading every good hit would cost as
 * much as the page again. */
static search_status place_hit(const reader *r, unsigned i, groups *gs, const page *pg)
{
	long k;
	bool good, fresh = false;
	double t = 0;
	size_t at;
	search_status st = group_of(r, i, gs, pg->want, &k);
	if (st != SEARCH_OK || k < (long)pg->first)
		return st;
	group *g = &gs->items[k];
	bool full = g->count == pg->moments;
	if (full && (pg->one || g->extra == SEARCH_MOMENTS_PER_RECORDING))
		return SEARCH_OK;
	if ((st = is_good(r, i, g, &good)) != SEARCH_OK || (full && !good))
		return st;
	json_t *hit = NULL, *doc = NULL;
	g->good_read += good;
	g->extra += full;
	double t0 = search_profile_now();
	if (full) /* Past the page: only its time, for the count. */
		st = search_moment_place(r, i, &doc, &t, &at);
	else if ((st = search_moment(r, i, g->id, g->summary, &hit)) == SEARCH_OK && hit)
		t = search_number_or(hit, "t", 0);
	r->prof->moments += search_profile_now() - t0;
	if (st != SEARCH_OK || !(full ? doc : hit))
		return st;
	json_decref(doc);
	if (!take(g, t, &fresh))
		st = SEARCH_NOMEM;
	g->good_moments += good && fresh;
	if (!fresh || full || st != SEARCH_OK || ++g->count <= pg->skip) {
		json_decref(hit);
		return st;
	}
	return json_array_append_new(is_timed(hit) ? g->timed : g->later, hit) == 0 ? SEARCH_OK
	                                                                            : SEARCH_NOMEM;
}

/* Append g's moments to hits, each saying how many good moments and
 * matches its recording has (search.h): the good moments read are counted
 * as moments; those not read (past the documents the search keeps per
 * recording) count one each. */
static search_status add_group(json_t *hits, const group *g)
{
	json_int_t unread = g->good > g->good_read ? (json_int_t)(g->good - g->good_read) : 0;
	json_t *moments = json_integer((json_int_t)g->good_moments + unread);
	json_t *matches = json_integer((json_int_t)g->matches);
	search_status st = moments && matches ? SEARCH_OK : SEARCH_NOMEM;
	for (int list = 0; st == SEARCH_OK && list < 2; list++) {
		json_t *hit, *from = list == 0 ? g->timed : g->later;
		size_t i;
		json_array_foreach(from, i, hit)
		{
			if (json_object_set(hit, "recording_moments", moments) != 0 ||
			    json_object_set(hit, "recording_matches", matches) != 0 ||
			    json_array_append(hits, hit) != 0) {
				st = SEARCH_NOMEM;
				break;
			}
		}
	}
	json_decref(moments);
	json_decref(matches);
	return st;
}

/* Is the query a sentence (SEARCH_SENTENCE_WORDS)? */
static bool is_sentence(const char *q)
{
	size_t n = 0;
	if (has_syntax(q))
		return false;
	for (const char *p = q; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		size_t w = filter_word(p);
		if (!w)
			n += (w = strcspn(p, " \t\n")) > 0;
		p += w;
	}
	return n >= SEARCH_SENTENCE_WORDS;
}

/* Is hit i (its data: doc) a question asked, a unit of kind "question"
 * that matched by its question (unit_search.h)? */
static search_status is_asked(const reader *r, unsigned i, json_t *doc, bool *asked)
{
	json_t *placed = NULL;
	double t;
	size_t at;
	*asked = false;
	/* An agenda item (a TAC meeting's unit) is no question asked: its
	 * moment is the item's start, minutes before most answers in it. */
	if (!unit_search_is_unit(doc) || strcmp(unit_search_kind(doc), "question") != 0)
		return SEARCH_OK;
	search_status st = search_moment_place(r, i, &placed, &t, &at);
	*asked = st == SEARCH_OK && placed && unit_search_asked(placed, at, r->questions);
	json_decref(placed);
	return st;
}

/* The lead of each recording on the page (SEARCH_ASKED_LEADS): placed
 * first, and marked in led[] so that page_hits does not place it again.
 * Hits come in rank order, so the recordings' groups are made in their
 * order before any lead is placed; a recording's timed moments (passages,
 * agenda items, units) are weighed against its best one, not against its
 * notes or description, which are no moment to play. */
static search_status place_leads(const reader *r, const page *pg, groups *gs, bool *led)
{
	unsigned n = qx_mset_size(r->ms);
	double *best = calloc(pg->want + 1, sizeof *best);
	bool *done = calloc(pg->want + 1, sizeof *done);
	search_status st = best && done ? SEARCH_OK : SEARCH_NOMEM;
	for (unsigned i = 0; st == SEARCH_OK && i < n; i++) {
		long k;
		json_t *doc = NULL;
		const char *data;
		size_t len;
		double w = 0;
		bool asked = false;
		if ((st = group_of(r, i, gs, pg->want, &k)) != SEARCH_OK || k < 0 || done[k])
			continue;
		if ((st = check(r, qx_mset_hit(r->ms, i, &data, &len, NULL, &w))) != SEARCH_OK ||
		    (st = search_hit_doc(r, i, &doc)) != SEARCH_OK)
			break;
		if (is_timed(doc) && best[k] <= 0)
			best[k] = w;
		/* Weights fall within a recording: past the ratio, none leads. */
		done[k] = best[k] > 0 && w < SEARCH_ASKED_LEADS * best[k];
		if (!done[k] && (st = is_asked(r, i, doc, &asked)) == SEARCH_OK && asked) {
			done[k] = led[i] = true;
			st = place_hit(r, i, gs, pg);
		}
		json_decref(doc);
	}
	free(best);
	free(done);
	return st;
}

/* The answer of hit i's unit (its data: doc) when it is a question asked
 * (is_asked): its span [*from, *to]; *asked false otherwise. */
static search_status asked_answer(const reader *r, unsigned i, json_t *doc, bool *asked,
                                  double *from, double *to)
{
	search_status st = is_asked(r, i, doc, asked);
	json_t *answer = json_object_get(doc, "answer");
	*from = search_number_or(answer, "t", -1);
	*to = search_number_or(answer, "end", -1);
	if (st == SEARCH_OK && (*from < 0 || *to < *from))
		*asked = false;
	return st;
}

/* Does the first cue of the answer of unit hit i (its data: doc) say less
 * of the query than its question does (the weight of the distinct terms
 * of each, moment.h)? Then the answer names the words later, if at all;
 * otherwise its start is where they are said. */
static search_status answer_starts_less(const reader *r, unsigned i, json_t *doc, bool *less)
{
	qx_position *positions = NULL;
	size_t n = 0;
	json_t *cues = json_object_get(doc, "cues");
	json_int_t asked = json_integer_value(json_object_get(doc, "question_cues"));
	*less = false;
	search_status st = check(r, qx_mset_positions(r->ms, i, &positions, &n));
	size_t terms = 0;
	for (size_t k = 0; st == SEARCH_OK && k < n; k++)
		if (positions[k].term + 1 > terms)
			terms = positions[k].term + 1;
	unsigned char *seen = calloc(terms ? terms : 1, 1); /* bit 1: question, 2: answer */
	if (st == SEARCH_OK && !seen)
		st = SEARCH_NOMEM;
	double question = 0, answer = 0;
	for (size_t k = 0; st == SEARCH_OK && k < n; k++) {
		json_int_t cue = (json_int_t)moment_cue_at(cues, positions[k].pos);
		unsigned bit = cue < asked ? 1 : cue == asked ? 2 : 0;
		if (bit && !(seen[positions[k].term] & bit)) {
			seen[positions[k].term] |= bit;
			*(bit == 1 ? &question : &answer) += positions[k].weight;
		}
	}
	*less = st == SEARCH_OK && answer < question - 1e-9;
	free(seen);
	free(positions);
	return st;
}

/* Where the words of keywords are said in the answer to a question that
 * names them (place_said): the earliest passage of recording k's hits
 * that holds every word with its moment in (from + 0.5 s, to], as *said
 * (UINT_MAX: none). A moment at the answer's start is the unit's own. */
static search_status said_in_answer(const reader *r, const groups *gs, long k, double from,
                                    double to, unsigned *said)
{
	unsigned n = qx_mset_size(r->ms);
	double first = to + 1;
	search_status st = SEARCH_OK;
	*said = UINT_MAX;
	for (unsigned j = 0; st == SEARCH_OK && j < n; j++) {
		const char *id = NULL;
		json_t *doc = NULL;
		double t;
		size_t at;
		bool every = false;
		if ((st = check(r, qx_mset_hit_group(r->ms, j, &id))) != SEARCH_OK || !id ||
		    strcmp(id, gs->items[k].id) != 0)
			continue;
		if ((st = search_moment_place(r, j, &doc, &t, &at)) != SEARCH_OK || !doc)
			continue;
		const char *type = json_string_value(json_object_get(doc, "type"));
		bool passage = type && strcmp(type, "passage") == 0;
		json_decref(doc);
		if (!passage || t <= from + 0.5 || t > to || t >= first)
			continue;
		/* QX_INVALID: the search was not one of words (a suggestion
		 * followed with syntax): no passage is known to hold them all. */
		qx_status xs = qx_mset_hit_has_every_word(r->ms, j, &every);
		if (xs != QX_INVALID && (st = check(r, xs)) == SEARCH_OK && every) {
			first = t;
			*said = j;
		}
	}
	return st;
}

/* For keywords (not a sentence): a recording whose best timed hit is a
 * question asked that names them, while its answer says them later, is
 * led by the passage of the answer where they are said (said_in_answer),
 * placed first and marked in led[]; the question follows. */
static search_status place_said(const reader *r, const page *pg, groups *gs, bool *led)
{
	unsigned n = qx_mset_size(r->ms);
	bool *done = calloc(pg->want + 1, sizeof *done);
	search_status st = done ? SEARCH_OK : SEARCH_NOMEM;
	for (unsigned i = 0; st == SEARCH_OK && i < n; i++) {
		long k;
		json_t *doc = NULL;
		bool asked = false;
		double from, to;
		unsigned said = UINT_MAX;
		if ((st = group_of(r, i, gs, pg->want, &k)) != SEARCH_OK || k < 0 || done[k])
			continue;
		if ((st = search_hit_doc(r, i, &doc)) != SEARCH_OK)
			break;
		done[k] = is_timed(doc);
		bool less = false;
		if (done[k] && (st = asked_answer(r, i, doc, &asked, &from, &to)) == SEARCH_OK &&
		    asked && (st = answer_starts_less(r, i, doc, &less)) == SEARCH_OK && less &&
		    (st = said_in_answer(r, gs, k, from, to, &said)) == SEARCH_OK &&
		    said != UINT_MAX) {
			led[said] = true;
			st = place_hit(r, said, gs, pg);
		}
		json_decref(doc);
	}
	free(done);
	return st;
}

/* One of a recording's timed hits read by place_agreed: its index, its
 * weight, where its moment is, and what that moment weighs with the
 * documents that agree on it. */
typedef struct agreeing {
	unsigned i;
	double w, t, score;
	bool said; /* a passage or unit: a window of what was said */
} agreeing;

/* Recording k's timed hits weighing at least SEARCH_AGREEING_FROM of its
 * best one, in rank order, into a (room for cap), *n of them, each
 * scored with the others of what was said that place its moment at the
 * same time (an agenda item is placed at its start by its title). */
static search_status read_agreeing(const reader *r, const groups *gs, size_t k, agreeing *a,
                                   size_t cap, size_t *n)
{
	unsigned hits = qx_mset_size(r->ms);
	double best = 0;
	search_status st = SEARCH_OK;
	*n = 0;
	for (unsigned i = 0; st == SEARCH_OK && i < hits && *n < cap; i++) {
		const char *id = NULL, *data;
		size_t len, at;
		double w = 0, t;
		json_t *doc = NULL;
		if ((st = check(r, qx_mset_hit_group(r->ms, i, &id))) != SEARCH_OK || !id ||
		    strcmp(id, gs->items[k].id) != 0)
			continue;
		if ((st = check(r, qx_mset_hit(r->ms, i, &data, &len, NULL, &w))) != SEARCH_OK)
			break;
		if (best > 0 && w < SEARCH_AGREEING_FROM * best)
			break; /* weights fall within a recording */
		if ((st = search_moment_place(r, i, &doc, &t, &at)) != SEARCH_OK || !doc)
			continue;
		bool timed = is_timed(doc);
		if (timed) {
			const char *type = json_string_value(json_object_get(doc, "type"));
			best = best > 0 ? best : w;
			a[(*n)++] = (agreeing){i, w, t, w, strcmp(type, "agenda") != 0};
		}
		json_decref(doc);
		if (timed && best <= 0)
			break; /* filters alone weigh nothing: nothing to agree on */
	}
	for (size_t m = 0; m < *n; m++)
		for (size_t o = 0; o < *n; o++)
			if (o != m && a[o].said && a[m].said && fabs(a[o].t - a[m].t) < 0.001)
				a[m].score += SEARCH_AGREEING_SHARE * a[o].w;
	return st;
}

/* Each recording on the page that no rule above has led: the moment its
 * documents agree on most (SEARCH_AGREEING_SHARE) leads, placed first and
 * marked in led[], when that is not its best hit's moment already. */
static search_status place_agreed(const reader *r, const page *pg, groups *gs, bool *led)
{
	agreeing a[2 * SEARCH_CANDIDATES_PER_RECORDING];
	search_status st = SEARCH_OK;
	for (size_t k = pg->first; st == SEARCH_OK && k < gs->count; k++) {
		size_t n = 0, lead = 0;
		if (gs->items[k].count > 0)
			continue;
		st = read_agreeing(r, gs, k, a, sizeof a / sizeof a[0], &n);
		for (size_t m = 1; m < n; m++)
			if (a[m].score > a[lead].score + 1e-9 && fabs(a[m].t - a[0].t) >= 0.001)
				lead = m;
		if (st == SEARCH_OK && lead > 0) {
			led[a[lead].i] = true;
			st = place_hit(r, a[lead].i, gs, pg);
		}
	}
	return st;
}

/* The page's moments into *out: its recordings in rank order, each with its
 * moments; for a sentence query, each recording's lead first
 * (place_leads); for keywords, where the answer says them (place_said);
 * otherwise the moment its documents agree on (place_agreed). */
static search_status page_hits(const reader *r, const page *pg, const search_request *req,
                               bool match_any, json_t **out)
{
	groups gs = {calloc(pg->want ? pg->want : 1, sizeof(group)), 0};
	json_t *hits = json_array();
	unsigned n = qx_mset_size(r->ms);
	bool *led = calloc(n ? n : 1, sizeof *led);
	search_status st = gs.items && hits && led ? SEARCH_OK : SEARCH_NOMEM;
	if (st == SEARCH_OK && !req->by_date && r->sentence)
		st = place_leads(r, pg, &gs, led);
	else if (st == SEARCH_OK && !req->by_date && !match_any && !has_syntax(req->query))
		st = place_said(r, pg, &gs, led);
	if (st == SEARCH_OK && !req->by_date)
		st = place_agreed(r, pg, &gs, led);
	for (unsigned i = 0; st == SEARCH_OK && i < n; i++)
		if (!led[i])
			st = place_hit(r, i, &gs, pg);
	for (size_t k = pg->first; st == SEARCH_OK && k < gs.count; k++)
		st = add_group(hits, &gs.items[k]);
	free(led);
	groups_free(&gs);
	if (st != SEARCH_OK)
		json_decref(hits);
	*out = st == SEARCH_OK ? hits : NULL;
	return st;
}

/* "not_found": the words of the user's query that the archive never holds
 * (not_found.h), into answer. */
static search_status add_not_found(const reader *r, const synonyms *syn, const search_request *req,
                                   json_t *answer)
{
	not_found_params p = {.query = req->query,
	                      .stemmed = !req->exact,
	                      .syn = syn,
	                      .stopwords = stopwords,
	                      .stopword_count = sizeof stopwords / sizeof stopwords[0],
	                      .fields = fields,
	                      .field_count = sizeof fields / sizeof fields[0]};
	json_t *words = NULL;
	search_status st = check(r, not_found_words(r->db, &p, &words));
	if (st == SEARCH_OK && json_object_set_new(answer, "not_found", words) != 0)
		st = SEARCH_NOMEM;
	return st;
}

/* The recordings that match, and whether that is an estimate: when Xapian
 * stopped before it looked at every match, qx_mset_groups_estimated, never
 * more than the archive holds (one "about" document each). Counted once a
 * search: the facets are scaled by it (facet_scale). */
static search_status count_total(const reader *r, search_total *total)
{
	unsigned recordings = 0;
	total->exact = qx_mset_counted(r->ms, &total->looked, NULL);
	if (total->exact) {
		total->recordings = qx_mset_groups(r->ms);
		return SEARCH_OK;
	}
	search_status st =
	    check(r, qx_db_term_docs(r->db, INDEX_TERM_DOCTYPE "about", &recordings));
	total->recordings = qx_mset_groups_estimated(r->ms, recordings);
	return st;
}

/* "total" (search.h), and whether it and the facets are estimates. */
static search_status add_totals(const search_total *total, json_t *answer)
{
	if (json_object_set_new(answer, "total", json_integer(total->recordings)) != 0 ||
	    json_object_set_new(answer, "total_is_estimate", json_boolean(!total->exact)) != 0 ||
	    json_object_set_new(answer, "facets_are_estimates", json_boolean(!total->exact)) != 0 ||
	    json_object_set_new(answer, "facets_counted_over", json_integer(total->looked)) != 0)
		return SEARCH_NOMEM;
	return SEARCH_OK;
}

/* One attempt at the whole search: matches, facets, the page's moments,
 * and the answer. */
static search_status run_once(qx_db *db, const synonyms *syn, const search_request *req,
                              json_t **out, char *err, size_t errlen)
{
	filters f = {{NULL}, 0, NULL, 0};
	char *query = NULL;
	search_profile scratch = {0};
	char *revision = NULL;
	/* Without it nothing is cached, and the search is as good. */
	if (qx_db_revision(db, &revision) != QX_OK)
		revision = NULL;
	reader r = {db,
	            NULL,
	            err,
	            errlen,
	            &f,
	            req->questions,
	            req->profile ? req->profile : &scratch,
	            revision,
	            is_sentence(req->query),
	            NULL};
	json_t *hits = NULL, *facets = NULL;
	page pg = page_of(req);
	bool match_any = false, showing = false;
	char *suggestion = NULL;
	*out = NULL;

	double t0 = search_profile_now(), t1;
	search_status status = prepare(syn, req, &f, &query);
	if (status == SEARCH_OK)
		status = find_matches(&r, req, query, &f, pg.want, &match_any);
	if (status == SEARCH_OK)
		status = suggestion_for(&r, syn, req, &suggestion);
	if (status == SEARCH_OK && suggestion && (qx_mset_groups(r.ms) == 0 || match_any))
		status = follow_suggestion(&r, syn, req, suggestion, pg.want, &match_any, &showing);
	r.prof->query += (t1 = search_profile_now()) - t0;
	search_total total = {0, 0, true};
	if (status == SEARCH_OK)
		status = count_total(&r, &total);
	if (status == SEARCH_OK)
		status = page_facets(&r, &total, &facets);
	r.prof->facets += (t0 = search_profile_now()) - t1;
	if (status == SEARCH_OK) {
		r.memo = search_memo_new(&r);
		status = page_hits(&r, &pg, req, match_any, &hits);
		search_memo_free(r.memo, qx_mset_size(r.ms));
		r.memo = NULL;
	}
	r.prof->hits += (t1 = search_profile_now()) - t0;
	if (status == SEARCH_OK) {
		*out = json_pack(
		    "{s:s, s:i, s:i, s:i, s:s, s:o, s:o, s:O, s:O}", "query", req->query, "total",
		    (json_int_t)qx_mset_groups(r.ms), "page", (json_int_t)pg.number, "per_page",
		    (json_int_t)pg.per_page, "match", match_any ? "any" : "all", "suggestion",
		    suggestion ? json_string(suggestion) : json_null(), "showing_results_for",
		    showing ? json_string(suggestion) : json_null(), "hits", hits, "facets",
		    facets);
		if (!*out)
			status = SEARCH_NOMEM;
	}
	if (status == SEARCH_OK)
		status = add_totals(&total, *out);
	if (status == SEARCH_OK)
		status = add_not_found(&r, syn, req, *out);
	r.prof->not_found += search_profile_now() - t1;
	if (status != SEARCH_OK) {
		json_decref(*out);
		*out = NULL;
	}
	if (status == SEARCH_NOMEM)
		snprintf(err, errlen, "out of memory");
	json_decref(hits);
	json_decref(facets);
	qx_mset_free(r.ms);
	free(suggestion);
	free(query);
	free(revision);
	filters_free(&f);
	return status;
}

/* Refuse what no person types before it costs anything (search_limits.h):
 * bytes that are not UTF-8 would otherwise fail deep in the answer's JSON,
 * and a huge query costs time and page size in proportion. */
static search_status request_check(const search_request *req, char *err, size_t errlen)
{
	search_status st = search_limits_query(req->query, err, errlen);
	if (st == SEARCH_OK && (!search_limits_filter("release", req->release, err, errlen) ||
	                        !search_limits_filter("kind", req->kind, err, errlen) ||
	                        !search_limits_filter("speaker", req->speaker, err, errlen) ||
	                        !search_limits_filter("recording", req->recording, err, errlen)))
		st = SEARCH_BAD_QUERY;
	if (st == SEARCH_OK && req->year &&
	    (strlen(req->year) != 4 || strspn(req->year, "0123456789") != 4)) {
		snprintf(err, errlen, "year: expected four digits, such as 2025");
		st = SEARCH_BAD_QUERY;
	}
	if (st == SEARCH_OK && req->source && strcasecmp(req->source, "machine") != 0 &&
	    strcasecmp(req->source, "human") != 0) {
		snprintf(err, errlen, "source: expected machine or human");
		st = SEARCH_BAD_QUERY;
	}
	return st;
}

search_status search_run(qx_db *db, const synonyms *syn, const search_request *req, json_t **out,
                         char *err, size_t errlen)
{
	*out = NULL;
	err[0] = '\0';
	search_status status = request_check(req, err, errlen);
	if (status != SEARCH_OK)
		return status;
	double t0 = search_profile_now();
	/* "Speaker:maya" is the filter speaker:maya (query_fields.h). */
	const char *names[sizeof fields / sizeof fields[0]];
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		names[i] = fields[i].name;
	search_request typed = *req;
	char *query = query_fields_lowercase(req->query, names, sizeof names / sizeof names[0]);
	if (!query) {
		snprintf(err, errlen, "out of memory");
		return SEARCH_NOMEM;
	}
	typed.query = query;
	status = run_once(db, syn, &typed, out, err, errlen);
	/* A writer committed often enough to recycle the revision this reader
	 * was on, noticed by the search or by any later read of its hits: move
	 * to the newest revision and run the whole search again, once. */
	if (status == SEARCH_BUSY) {
		qx_status st = qx_db_reopen(db, NULL);
		if (st != QX_OK) {
			free(query);
			return search_from_qx(st, db, err, errlen);
		}
		err[0] = '\0';
		status = run_once(db, syn, &typed, out, err, errlen);
	}
	free(query);
	if (req->profile)
		req->profile->total += search_profile_now() - t0;
	return status;
}
