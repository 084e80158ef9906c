// More like this: the documents closest to one document, by relevance
// feedback. The seed document's best terms (by expansion_weight, among the
// stems of one text prefix: a unit's question, not its answer) become an
// OR query over the documents the caller's filters keep, less those with
// the exclude term. See qx_db_similar in xindex.h.
#include "xindex_internal.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>

namespace
{

using xindex::WeighedTerm;

const char *unusable(const qx_similar_params &p)
{
	if (!p.seed || !*p.seed)
		return "no seed term";
	if (!p.prefix)
		return "no text prefix";
	if ((p.filter_count && !p.filters) || (p.stopword_count && !p.stopwords))
		return "a count with no array";
	for (size_t i = 0; i < p.stopword_count; i++)
		if (!p.stopwords[i])
			return "a NULL stopword";
	for (size_t i = 0; i < p.filter_count; i++)
		if (!p.filters[i] || !*p.filters[i])
			return "a NULL or empty filter term";
	if (p.terms < 1 || p.terms > QX_SIMILAR_TERMS_MAX)
		return "terms out of range";
	if (p.min_terms > p.terms)
		return "min_terms above terms";
	if (!(p.min_share >= 0 && p.min_share <= 1))
		return "min_share outside 0..1";
	return nullptr;
}

// The expansion may pick only stems of the caller's text prefix ("Z" +
// prefix + stem, as qx_doc_add_text_term writes them: one term a word, so
// a word and its stem do not count twice) that some other document holds
// too (a word only the seed has, "3.14", can match nothing), and not those
// of the seed's words that are stopwords or names (a question put to
// "Mei-Lin" is not like every other question put to her).
class TextStems : public Xapian::ExpandDecider
{
      public:
	TextStems(const Xapian::Database &db, Xapian::docid seed, const qx_similar_params &p,
	          const Xapian::Stem &stemmer)
	    : db_(db), stems_(std::string("Z") + p.prefix)
	{
		for (size_t i = 0; i < p.stopword_count; i++)
			refused_.insert(stems_ + stemmer(p.stopwords[i]));
		if (!p.names_prefix || !*p.names_prefix)
			return;
		// The seed's own words under the prefix, each checked as a name.
		const std::string words(p.prefix);
		for (auto t = db.termlist_begin(seed); t != db.termlist_end(seed); ++t) {
			const std::string term = *t;
			if (term.compare(0, words.size(), words) != 0 ||
			    term.size() == words.size() ||
			    (term[words.size()] >= 'A' && term[words.size()] <= 'Z'))
				continue;
			const std::string word = term.substr(words.size());
			if (db.term_exists(p.names_prefix + word))
				refused_.insert(stems_ + stemmer(word));
		}
	}
	bool operator()(const std::string &term) const override
	{
		return term.compare(0, stems_.size(), stems_) == 0 && term.size() > stems_.size() &&
		       !(term[stems_.size()] >= 'A' && term[stems_.size()] <= 'Z') &&
		       !refused_.count(term) && db_.get_termfreq(term) >= 2;
	}

      private:
	const Xapian::Database &db_;
	std::string stems_;
	std::set<std::string> refused_;
};

// How much of the seed's expansion weight a document shares: the sum of
// the weights of the query's terms it holds, and how many it holds.
class Shared
{
      public:
	// Kept in term order, so that one pass over a document's termlist
	// (sorted too) finds them all.
	explicit Shared(std::vector<WeighedTerm> terms) : terms_(std::move(terms))
	{
		std::sort(terms_.begin(), terms_.end());
	}
	double total() const
	{
		double sum = 0;
		for (const WeighedTerm &t : terms_)
			sum += t.second;
		return sum;
	}
	// Read through the document, not its docid (which in a search over
	// shards is its shard's, not the combined database's).
	double weight(const Xapian::Document &doc, unsigned *count) const
	{
		double sum = 0;
		*count = 0;
		Xapian::TermIterator it = doc.termlist_begin(), end = doc.termlist_end();
		for (const WeighedTerm &t : terms_) {
			it.skip_to(t.first);
			if (it == end)
				break;
			if (*it == t.first) {
				++*count;
				sum += t.second;
			}
		}
		return sum;
	}

      private:
	std::vector<WeighedTerm> terms_;
};

// A term's weight as evidence that a document is like the seed: the
// Robertson/Sparck Jones weight with the seed as the one relevant
// document (r = R = 1), from the term's frequency over the whole
// database. Not Enquire::get_eset's, whose statistics over shards are
// each shard's own: this one is the same however the index is split.
double expansion_weight(double n_docs, double tf)
{
	return std::log(3 * (n_docs - tf + 0.5) / (tf - 0.5));
}

// The seed's `want` best terms that `allowed` lets through, heaviest
// first (equal weights by term).
std::vector<WeighedTerm> best_terms(const Xapian::Database &db, Xapian::docid seed,
                                    const TextStems &allowed, unsigned want)
{
	std::vector<WeighedTerm> out;
	double n = db.get_doccount();
	for (auto t = db.termlist_begin(seed); t != db.termlist_end(seed); ++t)
		if (allowed(*t))
			out.emplace_back(*t, expansion_weight(n, db.get_termfreq(*t)));
	std::sort(out.begin(), out.end(), [](const WeighedTerm &a, const WeighedTerm &b) {
		return a.second > b.second || (a.second == b.second && a.first < b.first);
	});
	if (out.size() > want)
		out.resize(want);
	return out;
}

// The document's unique term (index_schema.h's "Q"), "" for none.
std::string unique_term(const Xapian::Document &doc)
{
	Xapian::TermIterator t = doc.termlist_begin();
	t.skip_to("Q");
	return t != doc.termlist_end() && (*t)[0] == 'Q' ? *t : std::string();
}

// A document like the seed: the weight it shares, its unique term.
struct Like {
	double weight;
	std::string id;
};

// Add like to out (the best, at most limit, most shared first, equal
// weights by unique term), dropping what falls past limit.
void keep_best(std::vector<Like> &out, Like like, unsigned limit)
{
	auto before = [](const Like &a, const Like &b) {
		return a.weight > b.weight || (a.weight == b.weight && a.id < b.id);
	};
	out.insert(std::upper_bound(out.begin(), out.end(), like, before), std::move(like));
	if (out.size() > limit)
		out.resize(limit);
}

// The weight a candidate must reach to enter a full out, a hair below
// its last (Xapian adds a candidate's weights in its own order); -inf
// while out has room. Candidates come heaviest first, and a document's
// shared weight is never above its weight in the query (which counts
// negative expansion weights as 0): past this, none can enter, and
// reading every match above `needed` cost a watch page of the 1,000-hour
// archive 100 s.
double last_kept(const std::vector<Like> &out, unsigned limit)
{
	if (limit == 0 || out.size() < limit)
		return -std::numeric_limits<double>::infinity();
	double w = out.back().weight;
	return w - std::abs(w) * 1e-9;
}

// The documents that share at least `least` of the terms and `needed` of
// their weight, the most shared first, equal weights by unique term
// (never by docid: over shards, docids interleave), at most `limit`.
// Xapian's remote backend runs no MatchDecider or KeyMaker of ours, so a
// query finds the candidates: each term weighs its expansion weight
// (CoordWeight: 1 per term held, scaled), cut off a hair below `needed`
// (Xapian adds the weights in its own order); each candidate is then read
// as a document (which a remote shard serves) and weighed by Shared, as
// before, so the choice and the order are exact.
std::vector<Like> like_seed(const Xapian::Database &db, const Xapian::Query &filter,
                            const std::vector<WeighedTerm> &weighed, unsigned least, double share,
                            unsigned limit)
{
	std::vector<Xapian::Query> parts;
	for (const WeighedTerm &t : weighed)
		parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t.first),
		                   std::max(t.second, 0.0));
	Shared shared(weighed);
	double needed = shared.total() * share;
	Xapian::Enquire enquire(db);
	enquire.set_query(
	    Xapian::Query(Xapian::Query::OP_FILTER,
	                  Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()), filter));
	enquire.set_weighting_scheme(Xapian::CoordWeight());
	// Heaviest first, a page at a time, until the weight falls short.
	// Not Enquire::set_cutoff: over a remote shard it dropped matches
	// above the cut (Xapian 1.4.22, seen on the bundled archive).
	const Xapian::doccount page = 64;
	double floor = needed * (1 - 1e-9);
	std::vector<Like> out; // the best `limit` so far, in their final order
	for (Xapian::doccount first = 0;; first += page) {
		Xapian::MSet candidates = enquire.get_mset(first, page);
		// Only the first page is prefetched: Xapian 1.4.22's
		// MSet::fetch() reads past its items when the MSet starts
		// after the first match (a crash on 100 hours of talks).
		if (first == 0)
			candidates.fetch();
		bool short_of = false;
		for (auto it = candidates.begin(); it != candidates.end(); ++it) {
			if (it.get_weight() < floor || it.get_weight() < last_kept(out, limit)) {
				short_of = true;
				break;
			}
			Xapian::Document doc = it.get_document();
			unsigned count;
			double weight = shared.weight(doc, &count);
			std::string id = unique_term(doc);
			if (count >= least && weight >= needed && !id.empty())
				keep_best(out, Like{weight, id}, limit);
		}
		if (short_of || candidates.size() < page)
			break;
	}
	return out;
}

// The filters as qx_db_search applies them: OR within a prefix (the
// leading upper-case letters), AND across prefixes, less `exclude`;
// MatchAll when there are none.
Xapian::Query filter_query(const qx_similar_params &p)
{
	std::map<std::string, std::vector<Xapian::Query>> by_prefix;
	for (size_t i = 0; i < p.filter_count; i++) {
		std::string term = p.filters[i];
		size_t n = 0;
		while (n < term.size() && term[n] >= 'A' && term[n] <= 'Z')
			n++;
		by_prefix[term.substr(0, n)].emplace_back(term);
	}
	std::vector<Xapian::Query> groups;
	for (auto &group : by_prefix)
		groups.emplace_back(Xapian::Query::OP_OR, group.second.begin(), group.second.end());
	Xapian::Query query =
	    groups.empty() ? Xapian::Query::MatchAll
	                   : Xapian::Query(Xapian::Query::OP_AND, groups.begin(), groups.end());
	if (p.exclude && *p.exclude)
		query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(p.exclude));
	return query;
}

// Fill result with the documents like the seed; QX_NOT_FOUND when no
// document has the seed term.
qx_status similar(qx_db *db, const qx_similar_params &p, qx_mset &result)
{
	const Xapian::Database &xdb = *db->db;
	Xapian::PostingIterator seed = xdb.postlist_begin(p.seed);
	if (seed == xdb.postlist_end(p.seed)) {
		db->errmsg = std::string("no document has ") + p.seed;
		return QX_NOT_FOUND;
	}
	result.stemmer = Xapian::Stem("english");
	TextStems allowed(xdb, *seed, p, result.stemmer);
	std::vector<WeighedTerm> weighed = best_terms(xdb, *seed, allowed, p.terms);
	if (weighed.size() < std::max(1u, p.min_terms))
		return QX_OK; // too few telling words: nothing is like it
	std::vector<Like> like = like_seed(xdb, filter_query(p), weighed, std::max(1u, p.min_terms),
	                                   p.min_share, p.limit);
	// The hits as a match set, in that order: each by its unique term,
	// weighing its rank (CoordWeight: the scale alone).
	std::vector<Xapian::Query> ranked;
	for (size_t i = 0; i < like.size(); i++)
		ranked.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(like[i].id),
		                    double(like.size() - i));
	result.enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, ranked.begin(), ranked.end()));
	result.enquire.set_weighting_scheme(Xapian::CoordWeight());
	result.mset = result.enquire.get_mset(0, p.limit);
	return QX_OK;
}

} // namespace

qx_status qx_db_similar(qx_db *db, const qx_similar_params *params, qx_mset **out) noexcept
{
	if (!out)
		return QX_INVALID;
	*out = nullptr;
	std::unique_ptr<qx_mset> result;
	qx_status status = xindex::guarded(db, false, [&] {
		if (!params)
			return xindex::invalid(&db->errmsg, "no similar parameters");
		if (const char *why = unusable(*params))
			return xindex::invalid(&db->errmsg, why);
		xindex::read_point(db);
		result.reset(new qx_mset(db));
		return similar(db, *params, *result);
	});
	if (status == QX_OK)
		*out = result.release();
	return status;
}
