// Facets: counts of the matching documents' values in chosen slots (a
// recording's release, kind, speakers, year), the number of distinct
// groups (recordings) among the matches, and how many matches each group
// has. Over local databases our own MatchSpy counts them as the search
// runs; with a remote shard (xapian-tcpsrv), Xapian's own
// ValueCountMatchSpy and queries do (xindex_internal.h: Facets).
#include "xindex_internal.h"

#include <algorithm>
#include <limits>

namespace xindex
{

// Hands each match the matcher looks at to Facets::see (local only).
class Facets::GroupSpy : public Xapian::MatchSpy
{
      public:
	explicit GroupSpy(Facets &facets) : facets_(facets)
	{
	}
	void operator()(const Xapian::Document &doc, double weight) override
	{
		facets_.see(doc, weight);
	}

      private:
	Facets &facets_;
};

// A value slot may hold several values separated by '\n' (a recording's
// speakers). With a count_slot, documents are grouped by that slot's value
// (a recording) and each group is counted once: facet values are the same
// for every document of a group, so each facet value counts groups.
Facets::Facets(std::vector<unsigned> slots, int count_slot, bool local)
    : slots_(std::move(slots)), count_slot_(count_slot), counts_(slots_.size()),
      sample_counts_(slots_.size())
{
	if (grouping() && local)
		group_spy_.reset(new GroupSpy(*this));
	else if (grouping())
		spies_.emplace_back(new Xapian::ValueCountMatchSpy(unsigned(count_slot_)));
	else
		for (unsigned slot : slots_)
			spies_.emplace_back(new Xapian::ValueCountMatchSpy(slot));
}

// One match, grouped and local: its group (none when the slot is empty,
// as ValueCountMatchSpy counts no empty value), its weight, and the facet
// values of a group's first match (each group is counted once).
void Facets::see(const Xapian::Document &doc, double weight)
{
	if (++seen_ <= sample_size_)
		sample_last_ = doc.get_docid();
	const std::string group = doc.get_value(unsigned(count_slot_));
	if (group.empty())
		return;
	std::vector<double> &matches = weights[group];
	matches.push_back(weight);
	if (matches.size() > 1)
		return;
	if (known_) {
		auto found = known_->values.find(group);
		if (found != known_->values.end()) {
			count_group(found->second);
			return;
		}
	}
	std::vector<std::string> values;
	for (size_t k = 0; k < slots_.size(); k++)
		values.push_back(doc.get_value(slots_[k]));
	count_group(values);
	// Bounded by the groups the index holds; a cap all the same.
	if (known_ && known_->values.size() >= 1000000)
		known_->values.clear();
	if (known_)
		known_->values.emplace(group, std::move(values));
}

// A group's first match: its facet values count once, in the sample too
// while the sample fills (sample_first).
void Facets::count_group(const std::vector<std::string> &values)
{
	bool in_sample = sample_size_ && seen_ <= sample_size_;
	if (in_sample)
		sample_groups_++;
	for (size_t k = 0; k < slots_.size(); k++) {
		count_values(counts_[k], values[k], 1);
		if (in_sample)
			count_values(sample_counts_[k], values[k], 1);
	}
}

void Facets::use_known(GroupValues &known)
{
	if (!local() || !grouping())
		return;
	if (known.slots != slots_ || known.count_slot != count_slot_) {
		known.values.clear();
		known.slots = slots_;
		known.count_slot = count_slot_;
	}
	known_ = &known;
}

void Facets::attach(Xapian::Enquire &enquire)
{
	if (group_spy_)
		enquire.add_matchspy(group_spy_.get());
	for (auto &spy : spies_)
		enquire.add_matchspy(spy.get());
}

// Count each of the '\n'-separated values once per `times`.
void Facets::count_values(std::map<std::string, unsigned> &into, const std::string &values,
                          unsigned times)
{
	size_t start = 0;
	while (start < values.size()) {
		size_t end = values.find('\n', start);
		if (end == std::string::npos)
			end = values.size();
		if (end > start)
			into[values.substr(start, end - start)] += times;
		start = end + 1;
	}
}

void Facets::collect(const Xapian::Database &db)
{
	last_docid_ = db.get_lastdocid();
	if (group_spy_) {
		for (const auto &group : weights)
			groups_[group.first] = unsigned(group.second.size());
		return;
	}
	if (spies_.empty())
		return;
	// Every spy sees every match looked at, empty values or not.
	seen_ = spies_[0]->get_total();
	if (!grouping()) {
		for (size_t k = 0; k < slots_.size(); k++)
			for (auto v = spies_[k]->values_begin(); v != spies_[k]->values_end(); ++v)
				count_values(counts_[k], *v, v.get_termfreq());
		return;
	}
	// A document with no group value is in no group (ValueCountMatchSpy
	// counts no empty value).
	for (auto v = spies_[0]->values_begin(); v != spies_[0]->values_end(); ++v)
		groups_[*v] = v.get_termfreq();
	if (groups_.empty() || slots_.empty())
		return;
	// One document of each group, by one query (which runs on a remote
	// shard too): the documents whose group value lies between the first
	// and the last group's, one per group (collapsed), unweighed. Groups
	// in between that did not match are read and left out.
	Xapian::Enquire one(db);
	one.set_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, unsigned(count_slot_),
	                            groups_.begin()->first, groups_.rbegin()->first));
	one.set_weighting_scheme(Xapian::BoolWeight());
	one.set_collapse_key(unsigned(count_slot_), 1);
	Xapian::MSet each = one.get_mset(0, db.get_doccount());
	each.fetch();
	for (auto it = each.begin(); it != each.end(); ++it) {
		if (!groups_.count(it.get_collapse_key()))
			continue;
		Xapian::Document doc = it.get_document();
		for (size_t k = 0; k < slots_.size(); k++)
			count_values(counts_[k], doc.get_value(slots_[k]), 1);
	}
}

size_t Facets::group_matches(const std::string &value) const
{
	auto found = groups_.find(value);
	return found == groups_.end() ? 0 : found->second;
}

std::vector<std::pair<std::string, unsigned>> Facets::sorted(size_t k, bool sample) const
{
	const std::map<std::string, unsigned> &from =
	    sample && sampled() ? sample_counts_[k] : counts_[k];
	std::vector<std::pair<std::string, unsigned>> out(from.begin(), from.end());
	// Stable: equal counts keep the map's order, by value.
	std::stable_sort(out.begin(), out.end(),
	                 [](const auto &a, const auto &b) { return a.second > b.second; });
	return out;
}

// How many of the search's matches in group `value` weigh at least
// min_weight. Local, from the weights the spy kept of every match it saw.
// Otherwise the weights come from the search's own query run once more
// over every match, uncollapsed, each with its group (a collapse key with
// room for every match): a query, so that it runs on a remote shard too,
// and the same query, so that every match weighs what it weighs in the
// search. (Filtered to the group, the same query gave other weights on
// the bundled archive, and Enquire::set_cutoff dropped matches above the
// cut over a remote shard: Xapian 1.4.22.) Run at the first call, kept on
// the match set. The two agree when the search looked at every match
// (tests/scale compares them); past check_at_least, local counts the
// matches looked at (as the facets do), remote the `seen` heaviest.
size_t heavy_matches(qx_mset &mset, const std::string &value, double min_weight)
{
	Facets &facets = *mset.spy;
	size_t all = facets.group_matches(value);
	if (all == 0 || min_weight <= 0)
		return all;
	// The match set's own hits of the group often tell: when it holds all
	// of them, or (ranked by weight) one below min_weight: those it left
	// out, collapsed or past the page, weigh less still. Its hits name
	// their group when it collapsed on the group's slot.
	if (mset.collapsed && mset.collapse_slot == facets.count_slot()) {
		size_t held = 0, heavy = 0;
		bool lighter = false;
		for (auto it = mset.mset.begin(); it != mset.mset.end(); ++it) {
			if (it.get_collapse_key() != value)
				continue;
			held++;
			if (it.get_weight() >= min_weight)
				heavy++;
			else
				lighter = true;
		}
		if (held == all || (lighter && !mset.by_value))
			return heavy;
	}
	if (!facets.weighed && !facets.local()) {
		xindex::read_point(mset.db);
		Xapian::Enquire again(*mset.db->db);
		Xapian::doccount seen = Xapian::doccount(facets.seen());
		again.set_query(mset.enquire.get_query());
		again.set_weighting_scheme(*mset.weight);
		again.set_collapse_key(facets.count_slot(), seen);
		Xapian::MSet ms = again.get_mset(0, seen);
		for (auto it = ms.begin(); it != ms.end(); ++it)
			facets.weights[it.get_collapse_key()].push_back(it.get_weight());
		facets.weighed = true;
	}
	auto found = facets.weights.find(value);
	if (found == facets.weights.end())
		return 0;
	return size_t(std::count_if(found->second.begin(), found->second.end(),
	                            [&](double w) { return w >= min_weight; }));
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
	if (estimated)
		*estimated = ms.get_uncollapsed_matches_estimated();
	// Every match was looked at when the search asked for all of them,
	// when there were fewer than it asked for (Xapian hands over at least
	// check_at_least when there are that many), or when Xapian knows how
	// many match and that many were looked at. (Knowing is not enough:
	// `nccl timeout`, where no document says "timeout", matches what
	// "nccl" does, so Xapian knows there are 13,315, and stops after 2,530
	// all the same.)
	Xapian::doccount lower = ms.get_uncollapsed_matches_lower_bound();
	bool all = mset->check_at_least == 0 || seen < mset->check_at_least ||
	           (lower == ms.get_uncollapsed_matches_upper_bound() && seen >= lower);
	// Otherwise the estimates come from the sample (Facets::sample_first).
	if (!all && mset->spy && mset->spy->sampled())
		seen = mset->spy->sample_size();
	if (looked)
		*looked = unsigned(std::min<size_t>(seen, std::numeric_limits<unsigned>::max()));
	return all;
}

unsigned qx_mset_groups_counted(const qx_mset *mset) noexcept
{
	if (!mset || !mset->spy)
		return 0;
	const xindex::Facets &spy = *mset->spy;
	size_t n = !qx_mset_counted(mset, nullptr, nullptr) && spy.sampled() ? spy.sample_groups()
	                                                                     : spy.groups();
	return unsigned(std::min<size_t>(n, std::numeric_limits<unsigned>::max()));
}

unsigned qx_mset_groups_estimated(const qx_mset *mset, unsigned groups_max) noexcept
{
	if (!mset || !mset->spy)
		return 0;
	const xindex::Facets &spy = *mset->spy;
	double seen = double(spy.groups());
	unsigned looked = 0, estimated = 0;
	if (qx_mset_counted(mset, &looked, &estimated) || looked == 0)
		return unsigned(std::min(seen, double(std::numeric_limits<unsigned>::max())));
	// Locally, from the sample (the first matches in document order);
	// otherwise the groups among the matches looked at, as many more per
	// match in the rest as Xapian estimates there are (Xapian adds up the
	// terms of an OR as though they matched different documents, so this
	// errs high). groups_max caps it; it is never fewer than the groups
	// seen.
	double scaled;
	if (spy.sampled() && spy.sample_span() > 0)
		// The sample's groups over the share of the documents it spans:
		// Xapian's estimate of all matches is no help for a phrase (it
		// guessed a third of `"graph break"`'s on 1,000 hours).
		scaled = double(spy.sample_groups()) / spy.sample_span();
	else
		scaled = seen * double(estimated) / double(looked);
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
		bool sample = !qx_mset_counted(mset, nullptr, nullptr);
		for (const auto &entry : mset->spy->sorted(k, sample))
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
		*count = unsigned(std::min<size_t>(xindex::heavy_matches(*mset, value, min_weight),
		                                   std::numeric_limits<unsigned>::max()));
		return QX_OK;
	} catch (...) {
		return xindex::fail(&mset->db->errmsg);
	}
}
