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
FacetSpy::FacetSpy(std::vector<unsigned> slots, int count_slot)
    : slots_(std::move(slots)), count_slot_(count_slot), counts_(slots_.size())
{
}

void FacetSpy::operator()(const Xapian::Document &doc, double weight)
{
	if (count_slot_ >= 0) {
		std::vector<double> &weights = groups_[doc.get_value(unsigned(count_slot_))];
		weights.push_back(weight);
		if (weights.size() > 1)
			return;
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
