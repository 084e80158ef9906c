// Running a search: the user's query parsed as QueryParser syntax with
// qarchive's fields, stemming and stopwords, the filters around it,
// collapsing and facets, and the match set it gives (read in
// xindex_hits.cc and xindex_facets.cc).
#include "xindex_internal.h"

#include <cstdlib>
#include <new>

namespace
{

// The prefix of a filter term: its leading run of upper-case ASCII letters
// (Xapian's convention for term prefixes).
std::string term_prefix(const std::string &term)
{
	size_t n = 0;
	while (n < term.size() && term[n] >= 'A' && term[n] <= 'Z')
		n++;
	return term.substr(0, n);
}

// Why params cannot be used (a count with no array, a NULL string in an
// array), or NULL when they can.
const char *unusable(const qx_search_params &p)
{
	if (!p.query)
		return "no query";
	if (!(p.coverage_boost >= 0 && p.coverage_boost < 1e6))
		return "a coverage boost that is negative, too large or not a number";
	if ((p.filter_count && !p.filters) || (p.field_count && !p.fields) ||
	    (p.facet_count && !p.facet_slots) || (p.stopword_count && !p.stopwords))
		return "a count with no array";
	for (size_t i = 0; i < p.filter_count; i++)
		if (!p.filters[i])
			return "a NULL filter term";
	for (size_t i = 0; i < p.field_count; i++)
		if (!p.fields[i].name || !p.fields[i].prefix)
			return "a field with no name or prefix";
	for (size_t i = 0; i < p.stopword_count; i++)
		if (!p.stopwords[i])
			return "a NULL stopword";
	return nullptr;
}

// A boolean field whose terms the caller makes (qx_field.value): the
// value as typed becomes prefix + value(typed, ctx).
class FieldFilter : public Xapian::FieldProcessor
{
      public:
	FieldFilter(const qx_field &field, void *ctx) : field_(field), ctx_(ctx)
	{
	}
	Xapian::Query operator()(const std::string &typed) override
	{
		std::unique_ptr<char, void (*)(void *)> value(field_.value(typed.c_str(), ctx_),
		                                              std::free);
		if (!value)
			throw std::bad_alloc();
		return Xapian::Query(std::string(field_.prefix) + value.get());
	}

      private:
	qx_field field_;
	void *ctx_;
};

// qp.parse_query, and for a query read as words (qx_search_params:
// coverage_boost), once more without boolean syntax when its brackets or
// operators do not parse.
Xapian::Query parse_words(Xapian::QueryParser &qp, const char *query, unsigned flags, bool words)
{
	try {
		return qp.parse_query(query, flags);
	} catch (const Xapian::QueryParserError &) {
		if (!words)
			throw;
	}
	return qp.parse_query(query, flags & ~unsigned(Xapian::QueryParser::FLAG_BOOLEAN));
}

// Parse the user's query. The stemmer is kept on the mset (snippets and
// positions stem as the query did), the suggestion too when asked for.
Xapian::Query parse(const qx_search_params &params, const Xapian::Database &db, qx_mset &result)
{
	Xapian::SimpleStopper stopper; // outlives qp, which points to it
	Xapian::QueryParser qp;
	qp.set_database(db);
	if (!params.exact) {
		result.stemmer = Xapian::Stem("english");
		qp.set_stemmer(result.stemmer);
		qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
	}
	for (size_t i = 0; i < params.stopword_count; i++)
		stopper.add(params.stopwords[i]);
	if (params.stopword_count)
		qp.set_stopper(&stopper);
	bool optional = params.match_any || params.coverage_boost > 0;
	qp.set_default_op(optional ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
	// Wildcards expand to at most this many terms: "a*" must not turn
	// into a query over the whole vocabulary.
	qp.set_max_expansion(256, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
	for (size_t i = 0; i < params.field_count; i++) {
		const qx_field &f = params.fields[i];
		// Each field's values are one group: speaker:a speaker:b is
		// either speaker, as two filter terms of one prefix are.
		if (f.boolean && f.value)
			qp.add_boolean_prefix(f.name,
			                      (new FieldFilter(f, params.field_ctx))->release());
		else if (f.boolean)
			qp.add_boolean_prefix(f.name, f.prefix);
		else
			qp.add_prefix(f.name, f.prefix);
	}
	unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
	if (params.suggest)
		flags |= Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
	// A question or a pasted error message is words, not syntax: a
	// leading '-' in "--foo" must not exclude a word. Its OR and brackets
	// are kept: they are the vocabulary's groups ("(fsdp OR \"fully
	// sharded data parallel\")", synonyms.h), which must stay one word
	// when every word is required; a query whose brackets do not parse
	// ("Eq(u0, 0" pasted) is read as words.
	bool words = params.coverage_boost > 0 && !params.match_any;
	if (words)
		flags &= ~unsigned(Xapian::QueryParser::FLAG_LOVEHATE);
	Xapian::Query query = parse_words(qp, params.query, flags, words);
	if (params.suggest)
		result.suggestion = qp.get_corrected_query_string();
	if (words) {
		// The same words, all required: a document that holds every one
		// gets this on top of its OR weight.
		qp.set_default_op(Xapian::Query::OP_AND);
		Xapian::Query all = parse_words(qp, params.query, flags, words);
		result.words = true;
		result.every = all;
		query = Xapian::Query(
		    Xapian::Query::OP_OR, query,
		    Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, all, params.coverage_boost));
	}
	return query;
}

// Filters: OR within a prefix, AND across prefixes. A query with no terms
// of its own (filters only) matches every filtered document, unweighted.
Xapian::Query filtered(Xapian::Query query, const qx_search_params &params)
{
	std::map<std::string, std::vector<Xapian::Query>> by_prefix;
	for (size_t i = 0; i < params.filter_count; i++) {
		std::string term = params.filters[i];
		by_prefix[term_prefix(term)].emplace_back(term);
	}
	for (auto &group : by_prefix) {
		Xapian::Query any(Xapian::Query::OP_OR, group.second.begin(), group.second.end());
		query = query.empty() ? Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, any, 0)
		                      : Xapian::Query(Xapian::Query::OP_FILTER, query, any);
	}
	return query;
}

// Keeps the matches the caller accepts (qx_search_params.accept), given
// where the query's terms are in each.
class Acceptor
{
      public:
	Acceptor(const qx_search_params &params, const Xapian::Query &query,
	         const Xapian::Stem &stemmer)
	    : params_(params), stemmer_(stemmer)
	{
		for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end();
		     ++t)
			terms_.emplace_back(*t, 0.0);
	}
	// Match did of db (db's own docid), read as doc.
	bool operator()(const Xapian::Database &db, Xapian::docid did,
	                const Xapian::Document &doc) const
	{
		std::vector<qx_position> positions =
		    xindex::term_positions(db, did, terms_, stemmer_);
		if (positions.empty())
			return true;
		const std::string data = doc.get_data();
		return params_.accept(data.data(), data.size(), positions.data(), positions.size(),
		                      params_.accept_ctx);
	}

      private:
	const qx_search_params &params_;
	const Xapian::Stem &stemmer_;
	std::vector<xindex::WeighedTerm> terms_;
};

// BM25 with less weight on repeats and on length than Xapian's defaults
// (k1 1, b 0.5): a passage is a short window of cues, where a common word
// said three times ("model", "cuda") should not outweigh a rarer word of
// the question said once, nor a long cue count against its words. Chosen
// on the tuning half of tests/search-quality (RESULTS.md: k1 0.5, b 0.3).
Xapian::Weight *new_weighting()
{
	return new Xapian::BM25Weight(0.5, 0, 1, 0.3, 0.5);
}

// The document's unique term ("Q" and its id, Xapian's convention, as
// qx_db_replace's; index_schema.h): what names one document in every
// shard, where a docid names it in one database only.
std::string unique_term(const Xapian::Document &doc)
{
	Xapian::TermIterator t = doc.termlist_begin();
	t.skip_to("Q");
	if (t == doc.termlist_end() || (*t)[0] != 'Q')
		throw Xapian::InvalidArgumentError("a hit with no unique (Q) term");
	return *t;
}

// The query less the matches the caller's accept drops. Xapian's remote
// backend runs no MatchDecider of ours, so the decision is made here, over
// every match (read as documents, which a remote shard serves), and the
// dropped ones leave the query by their unique terms (AND_NOT adds no
// weight): the hits, totals and facets of the search then count none of
// them, as when a MatchDecider dropped them.
Xapian::Query accepted(const qx_search_params &params, const Xapian::Database &db,
                       const Xapian::Query &query, const qx_mset &result)
{
	Xapian::Enquire every(db);
	every.set_query(query);
	every.set_weighting_scheme(Xapian::BoolWeight());
	Xapian::MSet all = every.get_mset(0, db.get_doccount());
	all.fetch();
	Acceptor accept(params, query, result.stemmer);
	std::vector<Xapian::Query> dropped;
	for (auto it = all.begin(); it != all.end(); ++it) {
		Xapian::Document doc = it.get_document();
		if (!accept(db, *it, doc))
			dropped.emplace_back(unique_term(doc));
	}
	if (dropped.empty())
		return query;
	return Xapian::Query(Xapian::Query::OP_AND_NOT, query,
	                     Xapian::Query(Xapian::Query::OP_OR, dropped.begin(), dropped.end()));
}

// Collapsing and facets, then the match set.
void run(const qx_search_params &params, const Xapian::Database &db, qx_mset &result)
{
	result.collapsed = params.collapse_slot >= 0;
	result.collapse_slot = unsigned(params.collapse_slot >= 0 ? params.collapse_slot : 0);
	result.by_value = params.sort_by_value;
	if (params.sort_by_value)
		result.enquire.set_sort_by_value_then_relevance(params.sort_slot,
		                                                params.sort_descending);
	else if (params.collapse_slot >= 0)
		// Equal weights by group, not by docid (xindex.h: collapse_slot).
		result.enquire.set_sort_by_relevance_then_value(unsigned(params.collapse_slot),
		                                                false);
	if (params.collapse_slot >= 0)
		result.enquire.set_collapse_key(unsigned(params.collapse_slot),
		                                params.collapse_max ? params.collapse_max : 1);
	if (params.facet_count || params.count_slot >= 0) {
		std::vector<unsigned> slots(params.facet_slots,
		                            params.facet_slots + params.facet_count);
		result.spy.reset(new xindex::Facets(slots, params.count_slot, !result.db->remote));
		if (!result.db->writable)
			result.spy->use_known(result.db->group_values);
		result.spy->sample_first(params.check_at_least);
		result.spy->attach(result.enquire);
	}
	// Every match by default, so that totals and facet counts are exact;
	// with check_at_least, Xapian may stop after that many once no later
	// match can reach the page (the hits stay the same).
	Xapian::doccount all = db.get_doccount();
	if (params.check_at_least && params.check_at_least < all)
		all = params.check_at_least;
	result.check_at_least = params.check_at_least;
	if (params.accept)
		result.enquire.set_query(accepted(params, db, result.enquire.get_query(), result));
	result.mset = result.enquire.get_mset(params.offset, params.limit, all);
	if (result.spy)
		result.spy->collect(db);
}

} // namespace

qx_status qx_mset_hit_has_every_word(qx_mset *mset, unsigned i, bool *every) noexcept
{
	if (every)
		*every = false;
	return xindex::mset_guarded(mset, i, [&](const Xapian::MSetIterator &it) {
		if (!every)
			return xindex::invalid(&mset->db->errmsg, "no place for the answer");
		if (!mset->words)
			return xindex::invalid(&mset->db->errmsg,
			                       "not a search with a coverage boost");
		// Filters alone: no word to miss.
		*every = true;
		if (mset->every.empty())
			return QX_OK;
		xindex::read_point(mset->db);
		// The hit alone (its unique term), if it holds every word: a
		// query, so that it runs where the document is (a remote shard
		// runs no code of ours).
		Xapian::Enquire check(*mset->db->db);
		check.set_query(Xapian::Query(Xapian::Query::OP_FILTER, mset->every,
		                              Xapian::Query(unique_term(it.get_document()))));
		check.set_weighting_scheme(Xapian::BoolWeight());
		*every = !check.get_mset(0, 1).empty();
		return QX_OK;
	});
}

qx_status qx_db_search(qx_db *db, const qx_search_params *params, qx_mset **out) noexcept
{
	if (!out)
		return QX_INVALID;
	*out = nullptr;
	std::unique_ptr<qx_mset> result;
	qx_status status = xindex::guarded(db, false, [&] {
		if (!params)
			return xindex::invalid(&db->errmsg, "no search parameters");
		if (const char *why = unusable(*params))
			return xindex::invalid(&db->errmsg, why);
		xindex::read_point(db);
		result.reset(new qx_mset(db));
		result->enquire.set_query(filtered(parse(*params, *db->db, *result), *params));
		result->weight.reset(new_weighting());
		result->enquire.set_weighting_scheme(*result->weight);
		run(*params, *db->db, *result);
		return QX_OK;
	});
	if (status == QX_OK)
		*out = result.release();
	return status;
}
