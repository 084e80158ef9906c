// Reading a match set: its size and totals, each hit's data, weight and
// first matched position, and the spelling suggestion (snippets:
// xindex_snippet.cc).
#include "xindex_internal.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

using xindex::mset_guarded;

void qx_mset_free(qx_mset *mset) noexcept
{
	delete mset;
}

unsigned qx_mset_size(const qx_mset *mset) noexcept
{
	return mset ? mset->mset.size() : 0;
}

unsigned qx_mset_total(const qx_mset *mset) noexcept
{
	return mset ? mset->mset.get_matches_estimated() : 0;
}

qx_status qx_mset_hit(qx_mset *mset, unsigned i, const char **data, size_t *len, int *percent,
                      double *weight) noexcept
{
	// The document's data is copied into a per-hit cache so the pointer
	// stays valid until qx_mset_free.
	return mset_guarded(mset, i, [&](const Xapian::MSetIterator &it) {
		if (!data || !len)
			return xindex::invalid(&mset->db->errmsg, "no place for the data");
		xindex::read_point(mset->db);
		auto &cache = mset->data_cache;
		auto found = cache.find(i);
		if (found == cache.end())
			found = cache.emplace(i, it.get_document().get_data()).first;
		*data = found->second.data();
		*len = found->second.size();
		if (percent)
			*percent = it.get_percent();
		if (weight)
			*weight = it.get_weight();
		return QX_OK;
	});
}

qx_status qx_mset_hit_group(qx_mset *mset, unsigned i, const char **value) noexcept
{
	if (value)
		*value = nullptr;
	return mset_guarded(mset, i, [&](const Xapian::MSetIterator &it) {
		if (!value)
			return xindex::invalid(&mset->db->errmsg, "no place for the value");
		if (!mset->collapsed)
			return xindex::invalid(&mset->db->errmsg, "the search did not collapse");
		auto found = mset->group_cache.find(i);
		if (found == mset->group_cache.end())
			found = mset->group_cache.emplace(i, it.get_collapse_key()).first;
		*value = found->second.c_str();
		return QX_OK;
	});
}

namespace xindex
{

// A stem term of the query ("Z" and a lower-case letter), not a prefix.
static bool is_stem(const std::string &term)
{
	return term.size() > 1 && term[0] == 'Z' && std::islower((unsigned char)term[1]);
}

// A word as the document's termlist holds it, with no prefix (a stem, a
// filter, a field).
static bool is_word(const std::string &term)
{
	return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z');
}

std::vector<qx_position> term_positions(const Xapian::Database &db, Xapian::docid did,
                                        const std::vector<WeighedTerm> &terms,
                                        const Xapian::Stem &stemmer,
                                        const std::vector<std::string> *words,
                                        std::unordered_map<std::string, std::string> *stem_memo)
{
	// By the combined database's docid (an MSet's, never a MatchDecider's
	// document's, which is its shard's): Xapian finds the shard, local or
	// remote. Each term's positions directly, not through the document's
	// termlist read again for every term (twice the cost of a page's
	// positions on the 100-hour archive).
	std::vector<qx_position> out;
	std::map<std::string, std::pair<unsigned, double>> stems; // stem -> (term, weight)
	auto collect = [&](const std::string &term, unsigned id, double weight) {
		for (auto p = db.positionlist_begin(did, term); p != db.positionlist_end(did, term);
		     ++p)
			out.push_back(qx_position{*p, id, weight});
	};
	for (unsigned id = 0; id < terms.size(); id++) {
		const std::string &term = terms[id].first;
		if (is_stem(term))
			stems[term.substr(1)] = {id, terms[id].second};
		else
			collect(term, id, terms[id].second);
	}
	auto stem_of = [&](const std::string &word) -> std::string {
		if (!stem_memo)
			return stemmer(word);
		auto found = stem_memo->find(word);
		if (found == stem_memo->end())
			found = stem_memo->emplace(word, stemmer(word)).first;
		return found->second;
	};
	auto collect_stemmed = [&](const std::string &word) {
		auto stem = stems.find(stem_of(word));
		if (stem != stems.end())
			collect(word, stem->second.first, stem->second.second);
	};
	if (!stems.empty() && words) {
		for (const std::string &word : *words)
			collect_stemmed(word);
	} else if (!stems.empty()) {
		for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
			const std::string word = *t;
			if (is_word(word))
				collect_stemmed(word);
		}
	}
	std::sort(out.begin(), out.end(), [](const qx_position &a, const qx_position &b) {
		return a.pos < b.pos || (a.pos == b.pos && a.weight > b.weight);
	});
	return out;
}

} // namespace xindex

namespace
{

// How much a word of the query weighs in a moment: its BM25 inverse
// document frequency (as Xapian's BM25Weight computes it), so that rarer
// words weigh more. From the term's frequency over the whole database,
// which a search over shards adds up exactly; not MSet::get_termweight,
// which over shards is the sum of each shard's own bound.
// Kept on the match set: the frequency is read from the index (a pread
// of its postlist table, more than a tenth of a page's moments on the
// 100-hour archive) and is the same for every hit of one search.
double term_weight(qx_mset &mset, const std::string &term)
{
	auto found = mset.term_weights.find(term);
	if (found != mset.term_weights.end())
		return found->second;
	double n = mset.db->db->get_doccount(), tf = mset.mset.get_termfreq(term);
	double tw = (n - tf + 0.5) / (tf + 0.5);
	if (tw < 2)
		tw = tw * 0.5 + 1; // as BM25Weight: never negative for common words
	double weight = std::log(tw);
	mset.term_weights.emplace(term, weight);
	return weight;
}

// The query's terms numbered as Enquire::get_matching_terms numbers them:
// in query order, a term's first place counts.
void read_query_order(qx_mset &mset)
{
	if (mset.query_order_read)
		return;
	const Xapian::Query &query = mset.enquire.get_query();
	unsigned index = 1;
	for (auto t = query.get_terms_begin(); t != query.get_terms_end(); ++t) {
		if (mset.query_order.emplace(*t, index).second)
			index++;
		mset.query_stems = mset.query_stems || xindex::is_stem(*t);
	}
	mset.query_order_read = true;
}

// Every position at which one of the query's terms occurs in hit `it`, with
// that term's weight (term_weight). The document's termlist is read once
// for both what Enquire::get_matching_terms gives (the query's terms it
// holds, in query order) and the words whose stem the query holds
// (term_positions), which read it a second time.
std::vector<qx_position> matched_positions(qx_mset *mset, const Xapian::MSetIterator &it)
{
	const Xapian::Database &db = *mset->db->db;
	read_query_order(*mset);
	std::vector<std::string> matching, words;
	for (auto t = db.termlist_begin(*it); t != db.termlist_end(*it); ++t) {
		std::string term = *t;
		if (mset->query_order.count(term))
			matching.push_back(term);
		if (mset->query_stems && xindex::is_word(term))
			words.push_back(std::move(term));
	}
	std::sort(matching.begin(), matching.end(),
	          [&](const std::string &a, const std::string &b) {
		          return mset->query_order.at(a) < mset->query_order.at(b);
	          });
	std::vector<xindex::WeighedTerm> terms;
	for (const std::string &term : matching)
		terms.emplace_back(term, term_weight(*mset, term));
	return xindex::term_positions(db, *it, terms, mset->stemmer, &words, &mset->stem_memo);
}

} // namespace

qx_status qx_mset_first_position(qx_mset *mset, unsigned i, unsigned *pos, bool *found) noexcept
{
	if (found)
		*found = false;
	return mset_guarded(mset, i, [&](const Xapian::MSetIterator &it) {
		if (!pos || !found)
			return xindex::invalid(&mset->db->errmsg, "no place for the position");
		xindex::read_point(mset->db);
		std::vector<qx_position> all = matched_positions(mset, it);
		if (!all.empty()) {
			*pos = all.front().pos;
			*found = true;
		}
		return QX_OK;
	});
}

qx_status qx_mset_positions(qx_mset *mset, unsigned i, qx_position **out, size_t *count) noexcept
{
	if (out)
		*out = nullptr;
	if (count)
		*count = 0;
	return mset_guarded(mset, i, [&](const Xapian::MSetIterator &it) {
		if (!out || !count)
			return xindex::invalid(&mset->db->errmsg, "no place for the positions");
		xindex::read_point(mset->db);
		std::vector<qx_position> all = matched_positions(mset, it);
		if (all.empty())
			return QX_OK;
		auto *copy = static_cast<qx_position *>(malloc(all.size() * sizeof(qx_position)));
		if (!copy)
			throw std::bad_alloc();
		std::copy(all.begin(), all.end(), copy);
		*out = copy;
		*count = all.size();
		return QX_OK;
	});
}

const char *qx_mset_suggestion(const qx_mset *mset) noexcept
{
	return mset ? mset->suggestion.c_str() : "";
}
