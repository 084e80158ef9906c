// xindex_internal.h: what the xindex_*.cc files share, and nothing else
// includes. The handles behind xindex.h's opaque types, the facet counter
// an mset owns, and the boundary every exported function goes through:
// `fail` turns the exception being handled into a qx_status (the one
// mapping), and `guarded`/`mset_guarded` wrap a whole body in it.
#ifndef QA_XINDEX_INTERNAL_H
#define QA_XINDEX_INTERNAL_H

#include "xindex.h"

#include <xapian.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace xindex
{

// Each group's facet values as a read handle's revision holds them: a
// group's documents hold the same values (xindex.h: count_slot), so a
// group seen by one search needs no reads of its slots by the next. The
// local facet spy reads them at a group's first match, from value streams
// it seeks far ahead: 10-15% of a search's CPU on the 100-hour bench
// archive (bench/RESULTS.md, "/api/search after session 9's cuts").
struct GroupValues {
	std::vector<unsigned> slots; // the facet slots the values are of
	int count_slot = -1;         // and the slot that names a group
	std::unordered_map<std::string, std::vector<std::string>> values; // group -> one per slot
};

} // namespace xindex

struct qx_db {
	std::unique_ptr<Xapian::Database> db; // a WritableDatabase when writable
	bool writable = false;
	// A handle over several shards (xindex_shards.cc): db combines them
	// for search; each is also kept alone, since Xapian reads user
	// metadata from the first sub-database only and ours (the recordings'
	// summaries) is spread over all. Empty for an ordinary handle.
	std::vector<Xapian::Database> shards;
	// Whether a shard is served by xapian-tcpsrv: a search then runs no
	// code of ours in the matcher (no MatchSpy but Xapian's own, no
	// MatchDecider) and takes the remote-capable path (Facets::local).
	bool remote = false;
	// Every change a writer makes is inside a Xapian transaction, so that
	// closing can discard it (xindex_db.cc): one is open (in_transaction)
	// and qx_db_begin opened it (explicit_transaction), or the first
	// change did (see writing()).
	bool in_transaction = false;
	bool explicit_transaction = false;
	std::string errmsg;
	std::string path;
	// The test hook (xindex_test.h): reads to let through, then reads to
	// fail as though a writer had recycled this revision.
	unsigned fault_after = 0;
	unsigned fault_times = 0;
	// For the revision db reads: emptied by every qx_db_reopen, and never
	// used by a writable handle, whose own changes would leave it stale.
	xindex::GroupValues group_values;

	Xapian::WritableDatabase &writer()
	{
		return *static_cast<Xapian::WritableDatabase *>(db.get());
	}
};

struct qx_doc {
	Xapian::Document doc;
};

namespace xindex
{

// Facets and groups over the matching documents (xindex_facets.cc).
// Two ways to count, checked against each other by tests/scale
// (compare_shards.py: remote shards against the combined index):
// - local (no sub-database is remote): our own MatchSpy reads each match's
//   group as the matcher hands it over, the facet values from a group's
//   first match, and keeps each match's weight for heavy_matches: no
//   query but the search's.
// - remote-capable: Xapian's ValueCountMatchSpy (the one match spy that
//   xapian-tcpsrv runs; a custom one is "not suitable for use with remote
//   searches") counts the groups, then one query reads a document per
//   group for its facet values, and heavy_matches runs the search again.
class Facets
{
      public:
	Facets(std::vector<unsigned> slots, int count_slot, bool local);
	// Add the spies to enquire before get_mset.
	void attach(Xapian::Enquire &enquire);
	// After get_mset: the counts. Grouped, each group's facet values are
	// read from one of its documents (any: a group's documents hold the
	// same values): remote-capable, found by one query over the groups'
	// slot values.
	void collect(const Xapian::Database &db);
	// Local and grouped: take a group's facet values from known, and add
	// those read (known is emptied first when it holds other slots').
	void use_known(GroupValues &known);
	// Local and grouped: also count the facets and groups of the first n
	// matches looked at apart (sampled()), for a search that may stop
	// counting past n (check_at_least). Until n matches are in, Xapian
	// raises no weight bound, so those n are every match in document
	// order, a sample of the archive (index_update.c writes recordings
	// in a scattered order); after them it looks only at matches that
	// can still reach the page, which are the heavier ones.
	void sample_first(size_t n)
	{
		sample_size_ = local() && grouping() ? n : 0;
	}
	// Whether the first matches were counted apart, and more came after.
	bool sampled() const
	{
		return sample_size_ && seen_ > sample_size_;
	}
	size_t sample_size() const
	{
		return sample_size_;
	}
	// Distinct groups among the sample's matches.
	size_t sample_groups() const
	{
		return sample_groups_;
	}
	// The share of the database's documents (by number) the sample
	// spans: its last match's docid over the last docid there is. A build
	// scatters the recordings over the docids, so this is about the share
	// of the recordings it spans; 0 when unknown.
	double sample_span() const
	{
		return last_docid_ ? double(sample_last_) / double(last_docid_) : 0;
	}
	// Values of facet k (k < facet_count()), most frequent first (then by
	// value, for a stable order): over the sample's matches when
	// `sample` (and sampled()), else over every match looked at.
	std::vector<std::pair<std::string, unsigned>> sorted(size_t k, bool sample = false) const;
	size_t facet_count() const
	{
		return slots_.size();
	}
	// Whether matches are grouped (a count_slot was given), and by which
	// slot.
	bool grouping() const
	{
		return count_slot_ >= 0;
	}
	unsigned count_slot() const
	{
		return unsigned(count_slot_);
	}
	// Whether the local MatchSpy counted (and kept every seen match's
	// weight in `weights`).
	bool local() const
	{
		return bool(group_spy_);
	}
	// Distinct groups among the matches (count_slot only).
	size_t groups() const
	{
		return groups_.size();
	}
	// Matches looked at (each is counted in the facets and groups).
	size_t seen() const
	{
		return seen_;
	}
	// Matches in group `value` (count_slot only; 0 for a group with none).
	size_t group_matches(const std::string &value) const;
	// Each group's matches by weight: of every match looked at when
	// local(), otherwise once heavy_matches needed them (weighed).
	std::map<std::string, std::vector<double>> weights;
	bool weighed = false;

      private:
	class GroupSpy;
	void see(const Xapian::Document &doc, double weight);
	void count_values(std::map<std::string, unsigned> &into, const std::string &values,
	                  unsigned times);
	void count_group(const std::vector<std::string> &values);
	std::vector<unsigned> slots_;
	int count_slot_;
	// Grouped and local: our spy. Grouped otherwise: one ValueCountMatchSpy
	// on count_slot. Not grouped: one ValueCountMatchSpy per facet slot.
	std::unique_ptr<Xapian::MatchSpy> group_spy_;
	GroupValues *known_ = nullptr; // use_known's, or none
	std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies_;
	std::vector<std::map<std::string, unsigned>> counts_;
	std::map<std::string, unsigned> groups_; // group -> its matches
	size_t seen_ = 0;
	size_t sample_size_ = 0, sample_groups_ = 0;
	Xapian::docid sample_last_ = 0, last_docid_ = 0;
	std::vector<std::map<std::string, unsigned>> sample_counts_;
};

// Map the exception being handled to a status, saving its message in
// *errmsg (if not NULL). Call only from inside a catch block.
qx_status fail(std::string *errmsg) noexcept;

// A malloc'd copy of s for a C caller to free(); throws std::bad_alloc.
char *dup_string(const std::string &s);

// Every call that reads the database calls this first: it throws the
// failure a test armed with qx_test_fail_reads (xindex_test.h), if any.
void read_point(qx_db *db);

// Move every shard of a multi-shard handle to its latest revision
// (xindex_shards.cc); whether any had a newer one.
bool reopen_shards(qx_db *db);

// Refuse an unusable argument: QX_INVALID, with why in *errmsg. A bad
// argument to this noexcept API is a status, never undefined behaviour.
inline qx_status invalid(std::string *errmsg, const char *why)
{
	*errmsg = why;
	return QX_INVALID;
}

// The body of every call that opens a handle (qx_db_open,
// qx_db_open_shards): fn(db, message) makes *db (a new qx_db) and returns
// QX_OK, or a status with why in message. On QX_OK *out is the handle;
// otherwise the half-made one is deleted and the message handed to the
// caller in *errmsg (malloc'd, may be NULL).
template <typename Fn> qx_status open_guarded(qx_db **out, char **errmsg, Fn &&fn) noexcept
{
	if (out)
		*out = nullptr;
	if (errmsg)
		*errmsg = nullptr;
	std::string message;
	qx_status status = QX_OK;
	qx_db *db = nullptr;
	try {
		status = out ? fn(db, message) : invalid(&message, "no place for the handle");
		if (status == QX_OK) {
			*out = db;
			return QX_OK;
		}
	} catch (...) {
		status = fail(&message);
	}
	delete db;
	if (errmsg) {
		try {
			*errmsg = dup_string(message);
		} catch (...) {
			*errmsg = nullptr;
		}
	}
	return status;
}

// The body of every qx_db call: clear the message, refuse a read-only
// handle where a writer is needed, run fn, map exceptions.
template <typename Fn> qx_status guarded(qx_db *db, bool need_writer, Fn &&fn) noexcept
{
	if (!db)
		return QX_INVALID;
	try {
		db->errmsg.clear();
		if (need_writer && !db->writable) {
			db->errmsg = "the index was opened read-only";
			return QX_INVALID;
		}
		return fn();
	} catch (...) {
		return fail(&db->errmsg);
	}
}

// A query term and its weight.
using WeighedTerm = std::pair<std::string, double>;

// Every position at which one of terms occurs in document did of db (a
// docid of db itself, combined over shards), numbered by
// the term's index in terms and carrying its weight, in position order. A
// stem ("Z" term, no positions) is found through the document's own words
// with that stem (stemmer: the query's). xindex_hits.cc.
// words, when given, are the document's unprefixed words in termlist order
// (its termlist read by the caller already), and stem_memo a memo of the
// stemmer's answers: a search's hits share most of their words.
std::vector<qx_position>
term_positions(const Xapian::Database &db, Xapian::docid did, const std::vector<WeighedTerm> &terms,
               const Xapian::Stem &stemmer, const std::vector<std::string> *words = nullptr,
               std::unordered_map<std::string, std::string> *stem_memo = nullptr);

// The writer of db, inside a transaction (starting one if none is open):
// every change goes through this, so that qx_db_close can discard it.
Xapian::WritableDatabase &writing(qx_db *db);

// A query's words as Xapian's snippet code reads them (1.4.22,
// queryparser/termgenerator_internal.cc: check_query), for its snippets:
// a query whose exact phrases differ in length (mixed) that code marks
// wrongly (xindex_snippet.cc says how and what is done instead).
struct SnippetWords {
	bool mixed = false;                            // phrases of more than one length
	std::vector<std::vector<std::string>> phrases; // the exact phrases, longest first
	std::set<std::string> loose;                   // terms outside them (stems as "Z...")
	std::set<std::string> phrase_words;            // the phrases' terms
	std::vector<Xapian::Query> wildcards;          // as in the query
	// Match sets for MSet::snippet, which reads the query and the term
	// weights of the match set it is called on: to choose the window, one
	// per length of phrase, of the loose terms, the wildcards and the
	// phrases of that length, which Xapian reads right (made when first
	// needed); to mark it, one of every term and wildcard loose.
	std::map<size_t, Xapian::MSet> choose_msets;
	Xapian::MSet loose_mset;
};

} // namespace xindex

struct qx_mset {
	qx_db *db;
	Xapian::Enquire enquire;
	Xapian::MSet mset;
	Xapian::Stem stemmer;
	std::string suggestion;
	std::unique_ptr<xindex::Facets> spy;
	// The search's weighting, for the queries that count a group's
	// matches above a weight (qx_mset_group_count).
	std::unique_ptr<Xapian::Weight> weight;
	std::map<unsigned, std::string> data_cache;  // hit index -> document data
	std::map<unsigned, std::string> group_cache; // hit index -> collapse key
	std::map<std::string, double> term_weights;  // query term -> its weight in moments
	bool collapsed = false;                      // the search had a collapse slot
	unsigned collapse_slot = 0;                  // which, when it had
	bool by_value = false;                       // ranked by sort_by_value, not weight
	Xapian::doccount check_at_least = 0;         // the search's; 0: every match
	bool words = false;  // read as words (qx_search_params.coverage_boost)
	Xapian::Query every; // then every word required (empty: no words)
	// The query's terms in query order, numbered from 1 as
	// Enquire::get_matching_terms numbers them, and whether one is a stem:
	// read at the first hit's positions (xindex_hits.cc).
	std::map<std::string, unsigned> query_order;
	bool query_order_read = false;
	bool query_stems = false;
	std::unordered_map<std::string, std::string> stem_memo; // word -> its stem
	// Read from the query at the first snippet or qx_mset_is_loose_word
	// (xindex_snippet.cc: query_words).
	std::unique_ptr<xindex::SnippetWords> snippet_words;

	explicit qx_mset(qx_db *d) : db(d), enquire(*d->db)
	{
	}
};

namespace xindex
{

// The body of every call on the i-th hit of mset: clear the message, check
// i, run fn on the hit, map exceptions (messages go on the mset's db).
template <typename Fn> qx_status mset_guarded(qx_mset *mset, unsigned i, Fn &&fn) noexcept
{
	if (!mset)
		return QX_INVALID;
	try {
		mset->db->errmsg.clear();
		if (i >= mset->mset.size())
			return invalid(&mset->db->errmsg, "no such hit");
		return fn(mset->mset[i]);
	} catch (...) {
		return fail(&mset->db->errmsg);
	}
}

// How many matches of the search in group `value` weigh at least
// min_weight (xindex_facets.cc; qx_mset_group_count).
size_t heavy_matches(qx_mset &mset, const std::string &value, double min_weight);

} // namespace xindex

#endif
