// Reading a match set: its size and totals, each hit's data, weight and
// first matched position, snippets of text with the query's terms marked,
// and the spelling suggestion.
#include "xindex_internal.h"

#include <cctype>
#include <set>

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
		Xapian::Document doc = it.get_document();
		auto &cache = mset->data_cache;
		auto found = cache.find(i);
		if (found == cache.end())
			found = cache.emplace(i, doc.get_data()).first;
		*data = found->second.data();
		*len = found->second.size();
		if (percent)
			*percent = it.get_percent();
		if (weight)
			*weight = it.get_weight();
		return QX_OK;
	});
}

qx_status qx_mset_first_position(qx_mset *mset, unsigned i, unsigned *pos, bool *found) noexcept
{
	if (found)
		*found = false;
	return mset_guarded(mset, i, [&](const Xapian::MSetIterator &it) {
		if (!pos || !found)
			return xindex::invalid(&mset->db->errmsg, "no place for the position");
		xindex::read_point(mset->db);
		Xapian::docid did = *it;
		const Xapian::Database &db = *mset->db->db;
		std::set<std::string> stems; // matched "Z" terms: stems, no positions
		auto consider = [&](const std::string &term) {
			auto p = db.positionlist_begin(did, term);
			if (p != db.positionlist_end(did, term) && (!*found || *p < *pos)) {
				*pos = *p;
				*found = true;
			}
		};
		for (auto t = mset->enquire.get_matching_terms_begin(it);
		     t != mset->enquire.get_matching_terms_end(it); ++t) {
			const std::string term = *t;
			if (term.size() > 1 && term[0] == 'Z' &&
			    std::islower((unsigned char)term[1]))
				stems.insert(term.substr(1));
			else
				consider(term);
		}
		// A stemmed match: the document's own words with that stem hold
		// the positions.
		if (!stems.empty()) {
			for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
				const std::string word = *t;
				if (word.empty() || (word[0] >= 'A' && word[0] <= 'Z'))
					continue; // prefixed: a stem, a filter, a field
				if (stems.count(mset->stemmer(word)))
					consider(word);
			}
		}
		return QX_OK;
	});
}

qx_status qx_mset_snippet(qx_mset *mset, const char *text, size_t length, char **out) noexcept
{
	if (out)
		*out = nullptr;
	if (!mset)
		return QX_INVALID;
	try {
		mset->db->errmsg.clear();
		if (!text || !out)
			return xindex::invalid(&mset->db->errmsg,
			                       "no text, or no place for the snippet");
		xindex::read_point(mset->db);
		std::string snippet = mset->mset.snippet(text, length, mset->stemmer,
		                                         Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
		                                             Xapian::MSet::SNIPPET_EXHAUSTIVE,
		                                         "<mark>", "</mark>", "…");
		*out = xindex::dup_string(snippet);
		return QX_OK;
	} catch (...) {
		return xindex::fail(&mset->db->errmsg);
	}
}

const char *qx_mset_suggestion(const qx_mset *mset) noexcept
{
	return mset ? mset->suggestion.c_str() : "";
}
