// Facets: counts of the matching documents' values in chosen slots (a
// recording's release, kind, speakers, year), gathered while the search
// runs, the number of distinct groups (recordings) among the matches, and
// how many matches each group has.
#include "xindex_internal.h"

#include <algorithm>
#include <limits>

namespace xindex
{

// A value slot may hold several values separated by '\n' (a recording's
// speakers). With a count_slot, documents are grouped by that slot's value
// (a recording) and only a group's first document is counted: facet values
// are the same for every document of a group, so each facet value counts
// groups, and the rest of a group costs one value read (and its weight is
// kept, for "N more moments in this recording").
FacetSpy::FacetSpy(std::vector<unsigned> slots, int count_slot, Xapian::doccount check_at_least)
    : slots_(std::move(slots)), count_slot_(count_slot), counts_(slots_.size()),
      check_at_least_(check_at_least)
{
}

void FacetSpy::operator()(const Xapian::Document &doc, double weight)
{
	// The matcher hands documents over in docid order; up to
	// check_at_least it hands over every match, so the groups seen by
	// then, over the docids covered by then, are a sample of the whole.
	if (++seen_ == check_at_least_)
		sample_docid_ = doc.get_docid();
	if (count_slot_ >= 0) {
		std::vector<double> &weights = groups_[doc.get_value(unsigned(count_slot_))];
		weights.push_back(weight);
		if (weights.size() > 1)
			return;
		if (seen_ <= check_at_least_)
			sample_groups_++;
	}
	for (size_t k = 0; k < slots_.size(); k++) {
		const std::string values = doc.get_value(slots_[k]);
		size_t start = 0;
		while (start < values.size()) {
			size_t end = values.find('\n', start);
			if (end == std::string::npos)
				end = values.size();
			if (end > start)
				counts_[k][values.substr(start, end - start)]++;
			start = end + 1;
		}
	}
}

size_t FacetSpy::group_count(const std::string &value, double min_weight) const
{
	auto found = groups_.find(value);
	if (found == groups_.end())
		return 0;
	return size_t(std::count_if(found->second.begin(), found->second.end(),
	                            [&](double w) { return w >= min_weight; }));
}

std::vector<std::pair<std::string, unsigned>> FacetSpy::sorted(size_t k) const
{
	std::vector<std::pair<std::string, unsigned>> out(counts_[k].begin(), counts_[k].end());
	// Stable: equal counts keep the map's order, by value.
	std::stable_sort(out.begin(), out.end(),
	                 [](const auto &a, const auto &b) { return a.second > b.second; });
	return out;
}

} // namespace xindex

unsigned qx_mset_groups(const qx_mset *mset) noexcept
{
	return mset && mset->spy ? unsigned(mset->spy->groups()) : 0;
}

bool qx_mset_counted(const qx_mset *mset, unsigned *looked, unsigned *estimated) noexcept
{
	if (looked)
		*looked = 0;
	if (estimated)
		*estimated = 0;
	if (!mset)
		return false;
	const Xapian::MSet &ms = mset->mset;
	size_t seen = mset->spy ? mset->spy->seen() : 0;
	if (looked)
		*looked = unsigned(std::min<size_t>(seen, std::numeric_limits<unsigned>::max()));
	if (estimated)
		*estimated = ms.get_uncollapsed_matches_estimated();
	// Every match was looked at when the search asked for all of them,
	// when there were fewer than it asked for (Xapian hands over at least
	// check_at_least when there are that many), or when Xapian says so.
	return mset->check_at_least == 0 || seen < mset->check_at_least ||
	       ms.get_uncollapsed_matches_lower_bound() == ms.get_uncollapsed_matches_upper_bound();
}

unsigned qx_mset_groups_estimated(const qx_mset *mset, unsigned groups_max) noexcept
{
	if (!mset || !mset->spy)
		return 0;
	const xindex::FacetSpy &spy = *mset->spy;
	double seen = double(spy.groups());
	if (qx_mset_counted(mset, nullptr, nullptr) || spy.sample_docid() == 0)
		return unsigned(std::min(seen, double(std::numeric_limits<unsigned>::max())));
	// The first check_at_least matches cover docids 1..sample_docid: as
	// many groups per docid in the rest. (Xapian's own estimate of the
	// matches is no help: it adds up the terms of an OR as though they
	// matched different documents, which the coverage boost's never do.)
	double scaled = double(spy.sample_groups()) * double(mset->last_docid) /
	                double(spy.sample_docid());
	if (groups_max && scaled > groups_max)
		scaled = groups_max;
	if (scaled < seen)
		scaled = seen;
	return unsigned(std::min(scaled + 0.5, double(std::numeric_limits<unsigned>::max())));
}

qx_status qx_mset_each_facet(qx_mset *mset, size_t k,
                             bool (*fn)(const char *value, unsigned count, void *ctx),
                             void *ctx) noexcept
{
	if (!mset)
		return QX_INVALID;
	try {
		mset->db->errmsg.clear();
		if (!fn)
			return xindex::invalid(&mset->db->errmsg, "no function to call");
		if (!mset->spy || k >= mset->spy->facet_count())
			return xindex::invalid(&mset->db->errmsg,
			                       "no such facet: the search had fewer facet slots");
		for (const auto &entry : mset->spy->sorted(k))
			if (!fn(entry.first.c_str(), entry.second, ctx))
				break;
		return QX_OK;
	} catch (...) {
		return xindex::fail(&mset->db->errmsg);
	}
}

qx_status qx_mset_group_count(qx_mset *mset, const char *value, double min_weight,
                              unsigned *count) noexcept
{
	if (count)
		*count = 0;
	if (!mset)
		return QX_INVALID;
	try {
		mset->db->errmsg.clear();
		if (!value || !count)
			return xindex::invalid(&mset->db->errmsg,
			                       "no group, or no place for its count");
		if (!mset->spy || !mset->spy->grouping())
			return xindex::invalid(&mset->db->errmsg,
			                       "the search did not group its matches (count_slot)");
		*count = unsigned(std::min<size_t>(mset->spy->group_count(value, min_weight),
		                                   std::numeric_limits<unsigned>::max()));
		return QX_OK;
	} catch (...) {
		return xindex::fail(&mset->db->errmsg);
	}
}
