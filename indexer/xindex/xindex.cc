// xindex: qarchive's C interface (xindex.h) implemented over libxapian.
//
// The only C++ in the tree. Every exported function is noexcept, wraps its
// whole body in try, and turns any exception into a qx_status through one
// helper (fail), keeping the message on the handle. Nothing C++ leaks out.
#include "xindex.h"

#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <cctype>
#include <set>
#include <unordered_set>
#include <string>
#include <utility>
#include <vector>

struct qx_db {
	std::unique_ptr<Xapian::Database> db; // a WritableDatabase when writable
	bool writable = false;
	bool in_transaction = false;
	std::string errmsg;
	std::string path;

	Xapian::WritableDatabase &writer()
	{
		return *static_cast<Xapian::WritableDatabase *>(db.get());
	}
};

struct qx_doc {
	Xapian::Document doc;
	Xapian::Stem stemmer{"english"};
};

namespace
{

// Counts facet values over every matching document. A value slot may hold
// several values separated by '\n' (a recording's speakers). With a
// count_slot, documents are grouped by that slot's value (a recording) and
// only a group's first document is counted: facet values are the same for
// every document of a group, so each facet value counts groups, and the
// rest of a group costs one value read.
class FacetSpy : public Xapian::MatchSpy
{
      public:
	FacetSpy(std::vector<unsigned> slots, int count_slot)
	    : slots_(std::move(slots)), count_slot_(count_slot), counts_(slots_.size())
	{
	}

	void operator()(const Xapian::Document &doc, double) override
	{
		if (count_slot_ >= 0 &&
		    !groups_.insert(doc.get_value(unsigned(count_slot_))).second)
			return;
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

	// Values of facet k, most frequent first (then by value, for a stable
	// order).
	std::vector<std::pair<std::string, unsigned>> sorted(size_t k) const
	{
		std::vector<std::pair<std::string, unsigned>> out(counts_[k].begin(),
		                                                  counts_[k].end());
		std::stable_sort(out.begin(), out.end(),
		                 [](const auto &a, const auto &b) { return a.second > b.second; });
		return out;
	}

	// Distinct groups among the matches (count_slot only).
	size_t groups() const
	{
		return groups_.size();
	}

      private:
	std::vector<unsigned> slots_;
	int count_slot_;
	std::vector<std::map<std::string, unsigned>> counts_;
	std::unordered_set<std::string> groups_;
};

// Map the exception being handled to a status, saving its message. Called
// only from inside a catch block.
qx_status fail(std::string *errmsg) noexcept
{
	qx_status status = QX_INTERNAL;
	const char *detail = "unexpected error";
	std::string text;
	try {
		try {
			throw;
		} catch (const Xapian::DatabaseLockError &e) {
			status = QX_LOCKED;
			text = "the index is busy: another process is writing to it (" +
			       e.get_msg() + ")";
		} catch (const Xapian::DatabaseModifiedError &e) {
			status = QX_RETRY;
			text = "the index changed while reading it: " + e.get_msg();
		} catch (const Xapian::QueryParserError &e) {
			status = QX_QUERY_SYNTAX;
			text = "cannot understand the query: " + e.get_msg();
		} catch (const Xapian::DatabaseCorruptError &e) {
			status = QX_CORRUPT;
			text = "the index is damaged: " + e.get_msg();
		} catch (const Xapian::DatabaseNotFoundError &e) {
			status = QX_NOT_FOUND;
			text = "no index here: " + e.get_msg();
		} catch (const Xapian::Error &e) {
			status = QX_XAPIAN;
			text = e.get_type() + std::string(": ") + e.get_msg();
			if (!e.get_context().empty())
				text += " (" + e.get_context() + ")";
		} catch (const std::bad_alloc &) {
			status = QX_NOMEM;
			detail = "out of memory";
		} catch (const std::exception &e) {
			status = QX_INTERNAL;
			text = std::string("unexpected error: ") + e.what();
		} catch (...) {
			status = QX_INTERNAL;
		}
		if (errmsg)
			*errmsg = text.empty() ? std::string(detail) : text;
	} catch (...) {
		// Building the message itself ran out of memory: keep the status.
		if (status != QX_NOMEM && status != QX_LOCKED && status != QX_RETRY)
			status = QX_NOMEM;
	}
	return status;
}

char *dup_string(const std::string &s)
{
	char *out = static_cast<char *>(std::malloc(s.size() + 1));
	if (!out)
		throw std::bad_alloc();
	std::memcpy(out, s.data(), s.size());
	out[s.size()] = '\0';
	return out;
}

std::string lowercase(const std::string &s)
{
	return Xapian::Unicode::tolower(s);
}

// The prefix of a filter term: its leading run of upper-case ASCII letters
// (Xapian's convention for term prefixes).
std::string term_prefix(const std::string &term)
{
	size_t n = 0;
	while (n < term.size() && term[n] >= 'A' && term[n] <= 'Z')
		n++;
	return term.substr(0, n);
}

} // namespace

struct qx_mset {
	qx_db *db;
	Xapian::Enquire enquire;
	Xapian::MSet mset;
	Xapian::Stem stemmer;
	std::string suggestion;
	std::unique_ptr<FacetSpy> spy;
	std::map<unsigned, std::string> data_cache; // hit index -> document data

	explicit qx_mset(qx_db *d) : db(d), enquire(*d->db)
	{
	}
};

namespace
{

// The body of every qx_db call: clear the message, run fn, map exceptions.
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

template <typename Fn> qx_status doc_guarded(qx_doc *doc, Fn &&fn) noexcept
{
	if (!doc)
		return QX_INVALID;
	try {
		return fn();
	} catch (...) {
		return fail(nullptr);
	}
}

template <typename Fn> qx_status mset_guarded(qx_mset *mset, unsigned i, Fn &&fn) noexcept
{
	if (!mset)
		return QX_INVALID;
	try {
		mset->db->errmsg.clear();
		if (i >= mset->mset.size())
			return QX_INVALID;
		return fn(mset->mset[i]);
	} catch (...) {
		return fail(&mset->db->errmsg);
	}
}

} // namespace

const char *qx_status_str(qx_status status) noexcept
{
	switch (status) {
	case QX_OK:
		return "ok";
	case QX_NOT_FOUND:
		return "no index";
	case QX_LOCKED:
		return "the index is busy";
	case QX_RETRY:
		return "the index changed: retry";
	case QX_QUERY_SYNTAX:
		return "query syntax error";
	case QX_CORRUPT:
		return "the index is damaged";
	case QX_XAPIAN:
		return "index error";
	case QX_NOMEM:
		return "out of memory";
	case QX_INVALID:
		return "invalid argument";
	case QX_INTERNAL:
		return "internal error";
	}
	return "unknown status";
}

qx_status qx_db_open(const char *path, bool writable, qx_db **out, char **errmsg) noexcept
{
	*out = nullptr;
	if (errmsg)
		*errmsg = nullptr;
	std::string message;
	qx_status status = QX_OK;
	qx_db *db = nullptr;
	try {
		if (!path)
			return QX_INVALID;
		db = new qx_db;
		db->path = path;
		db->writable = writable;
		if (writable)
			db->db.reset(new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN));
		else
			db->db.reset(new Xapian::Database(path));
		*out = db;
		return QX_OK;
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

void qx_db_close(qx_db *db) noexcept
{
	if (!db)
		return;
	try {
		if (db->writable)
			db->writer().close();
	} catch (...) {
		// Closing a writer that cannot flush loses only uncommitted
		// changes, which close() discards by contract anyway.
	}
	delete db;
}

const char *qx_db_errmsg(const qx_db *db) noexcept
{
	return db ? db->errmsg.c_str() : "no database handle";
}

qx_status qx_db_reopen(qx_db *db, bool *changed) noexcept
{
	return guarded(db, false, [&] {
		bool c = db->db->reopen();
		if (changed)
			*changed = c;
		return QX_OK;
	});
}

qx_status qx_db_doc_count(qx_db *db, unsigned *out) noexcept
{
	return guarded(db, false, [&] {
		*out = db->db->get_doccount();
		return QX_OK;
	});
}

qx_status qx_db_begin(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		db->writer().begin_transaction(true);
		db->in_transaction = true;
		return QX_OK;
	});
}

qx_status qx_db_commit(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		// Outside a transaction, commit() makes the pending changes
		// durable and visible in one step, just the same.
		if (db->in_transaction)
			db->writer().commit_transaction();
		else
			db->writer().commit();
		db->in_transaction = false;
		return QX_OK;
	});
}

qx_status qx_db_cancel(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		if (!db->in_transaction)
			return QX_INVALID;
		db->in_transaction = false;
		db->writer().cancel_transaction();
		return QX_OK;
	});
}

qx_status qx_db_replace(qx_db *db, const char *unique_term, const qx_doc *doc) noexcept
{
	return guarded(db, true, [&] {
		if (!unique_term || !doc)
			return QX_INVALID;
		db->writer().replace_document(unique_term, doc->doc);
		return QX_OK;
	});
}

qx_status qx_db_add(qx_db *db, const qx_doc *doc) noexcept
{
	return guarded(db, true, [&] {
		if (!doc)
			return QX_INVALID;
		db->writer().add_document(doc->doc);
		return QX_OK;
	});
}

qx_status qx_db_delete(qx_db *db, const char *term) noexcept
{
	return guarded(db, true, [&] {
		if (!term)
			return QX_INVALID;
		db->writer().delete_document(term);
		return QX_OK;
	});
}

qx_status qx_db_add_spelling(qx_db *db, const char *word, unsigned freq_inc) noexcept
{
	return guarded(db, true, [&] {
		if (!word)
			return QX_INVALID;
		db->writer().add_spelling(lowercase(word), freq_inc);
		return QX_OK;
	});
}

qx_status qx_db_set_metadata(qx_db *db, const char *key, const char *value) noexcept
{
	return guarded(db, true, [&] {
		if (!key || !*key || !value)
			return QX_INVALID;
		db->writer().set_metadata(key, value);
		return QX_OK;
	});
}

qx_status qx_db_get_metadata(qx_db *db, const char *key, char **value) noexcept
{
	*value = nullptr;
	return guarded(db, false, [&] {
		if (!key || !*key)
			return QX_INVALID;
		*value = dup_string(db->db->get_metadata(key));
		return QX_OK;
	});
}

qx_status qx_db_each_metadata(qx_db *db, const char *prefix,
                              bool (*fn)(const char *key, const char *value, void *ctx),
                              void *ctx) noexcept
{
	return guarded(db, false, [&] {
		std::string p = prefix ? prefix : "";
		for (auto it = db->db->metadata_keys_begin(p); it != db->db->metadata_keys_end(p);
		     ++it) {
			std::string key = *it;
			std::string value = db->db->get_metadata(key);
			if (!fn(key.c_str(), value.c_str(), ctx))
				break;
		}
		return QX_OK;
	});
}

qx_doc *qx_doc_new(void) noexcept
{
	try {
		return new qx_doc;
	} catch (...) {
		return nullptr;
	}
}

void qx_doc_free(qx_doc *doc) noexcept
{
	delete doc;
}

qx_status qx_doc_add_text_term(qx_doc *doc, const char *prefix, const char *term, unsigned pos,
                               bool positional, unsigned wdf_inc, bool exact_only) noexcept
{
	return doc_guarded(doc, [&] {
		if (!term || !*term)
			return QX_INVALID;
		std::string p = prefix ? prefix : "";
		std::string word = lowercase(term);
		// Xapian's limit is 245 bytes per term; a longer "word" is noise
		// (a URL, base64) and would throw, so skip it.
		if (p.size() + word.size() > 240)
			return QX_OK;
		if (positional)
			doc->doc.add_posting(p + word, pos, wdf_inc);
		else
			doc->doc.add_term(p + word, wdf_inc);
		// The stem carries no positions, as with Xapian's TermGenerator:
		// phrases match the words as said, and positions stored twice
		// would double the largest table for nothing
		// (qx_mset_first_position maps a stem back to its words).
		if (!exact_only) {
			std::string stem = doc->stemmer(word);
			if (!stem.empty())
				doc->doc.add_term("Z" + p + stem, wdf_inc);
		}
		return QX_OK;
	});
}

qx_status qx_doc_add_boolean_term(qx_doc *doc, const char *term) noexcept
{
	return doc_guarded(doc, [&] {
		if (!term || !*term)
			return QX_INVALID;
		if (std::strlen(term) > 240)
			return QX_INVALID;
		doc->doc.add_boolean_term(term);
		return QX_OK;
	});
}

qx_status qx_doc_set_value(qx_doc *doc, unsigned slot, const char *bytes, size_t len) noexcept
{
	return doc_guarded(doc, [&] {
		doc->doc.add_value(slot, std::string(bytes, len));
		return QX_OK;
	});
}

qx_status qx_doc_set_data(qx_doc *doc, const char *bytes, size_t len) noexcept
{
	return doc_guarded(doc, [&] {
		doc->doc.set_data(std::string(bytes, len));
		return QX_OK;
	});
}

qx_status qx_db_search(qx_db *db, const qx_search_params *params, qx_mset **out) noexcept
{
	*out = nullptr;
	std::unique_ptr<qx_mset> result;
	Xapian::SimpleStopper stopper;
	qx_status status = guarded(db, false, [&] {
		if (!params || !params->query)
			return QX_INVALID;
		result.reset(new qx_mset(db));
		Xapian::QueryParser qp;
		qp.set_database(*db->db);
		if (!params->exact) {
			result->stemmer = Xapian::Stem("english");
			qp.set_stemmer(result->stemmer);
			qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
		}
		for (size_t i = 0; i < params->stopword_count; i++)
			stopper.add(params->stopwords[i]);
		if (params->stopword_count)
			qp.set_stopper(&stopper);
		qp.set_default_op(params->match_any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
		// Wildcards expand to at most this many terms: "a*" must not
		// turn into a query over the whole vocabulary.
		qp.set_max_expansion(256, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
		for (size_t i = 0; i < params->field_count; i++) {
			const qx_field &f = params->fields[i];
			if (f.boolean)
				qp.add_boolean_prefix(f.name, f.prefix);
			else
				qp.add_prefix(f.name, f.prefix);
		}
		unsigned flags =
		    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
		if (params->suggest)
			flags |= Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
		Xapian::Query query = qp.parse_query(params->query, flags);
		if (params->suggest)
			result->suggestion = qp.get_corrected_query_string();

		// Filters: OR within a prefix, AND across prefixes.
		std::map<std::string, std::vector<Xapian::Query>> by_prefix;
		for (size_t i = 0; i < params->filter_count; i++) {
			std::string term = params->filters[i];
			by_prefix[term_prefix(term)].emplace_back(term);
		}
		for (auto &group : by_prefix) {
			Xapian::Query any(Xapian::Query::OP_OR, group.second.begin(),
			                  group.second.end());
			query = query.empty()
			            ? Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, any, 0)
			            : Xapian::Query(Xapian::Query::OP_FILTER, query, any);
		}
		result->enquire.set_query(query);
		if (params->collapse_slot >= 0)
			result->enquire.set_collapse_key(unsigned(params->collapse_slot),
			                                 params->collapse_max ? params->collapse_max
			                                                      : 1);
		if (params->facet_count || params->count_slot >= 0) {
			std::vector<unsigned> slots(params->facet_slots,
			                            params->facet_slots + params->facet_count);
			result->spy.reset(new FacetSpy(slots, params->count_slot));
			result->enquire.add_matchspy(result->spy.get());
		}
		// Look at every match, so that totals and facet counts are exact
		// rather than estimates (archives are small: thousands of
		// passages, not billions).
		Xapian::doccount all = db->db->get_doccount();
		result->mset = result->enquire.get_mset(params->offset, params->limit, all);
		return QX_OK;
	});
	if (status == QX_OK)
		*out = result.release();
	return status;
}

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

unsigned qx_mset_groups(const qx_mset *mset) noexcept
{
	return mset && mset->spy ? unsigned(mset->spy->groups()) : 0;
}

qx_status qx_mset_hit(qx_mset *mset, unsigned i, const char **data, size_t *len, int *percent,
                      double *weight) noexcept
{
	// The document's data is copied into a per-hit cache so the pointer
	// stays valid until qx_mset_free.
	return mset_guarded(mset, i, [&](const Xapian::MSetIterator &it) {
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
	*found = false;
	return mset_guarded(mset, i, [&](const Xapian::MSetIterator &it) {
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
			if (term.size() > 1 && term[0] == 'Z' && std::islower((unsigned char)term[1]))
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
	*out = nullptr;
	if (!mset || !text)
		return QX_INVALID;
	try {
		mset->db->errmsg.clear();
		std::string snippet = mset->mset.snippet(text, length, mset->stemmer,
		                                         Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
		                                             Xapian::MSet::SNIPPET_EXHAUSTIVE,
		                                         "<mark>", "</mark>", "…");
		*out = dup_string(snippet);
		return QX_OK;
	} catch (...) {
		return fail(&mset->db->errmsg);
	}
}

const char *qx_mset_suggestion(const qx_mset *mset) noexcept
{
	return mset ? mset->suggestion.c_str() : "";
}

qx_status qx_mset_each_facet(qx_mset *mset, size_t k,
                             bool (*fn)(const char *value, unsigned count, void *ctx),
                             void *ctx) noexcept
{
	if (!mset)
		return QX_INVALID;
	try {
		mset->db->errmsg.clear();
		if (!mset->spy)
			return QX_INVALID;
		for (const auto &entry : mset->spy->sorted(k))
			if (!fn(entry.first.c_str(), entry.second, ctx))
				break;
		return QX_OK;
	} catch (...) {
		return fail(&mset->db->errmsg);
	}
}

qx_status qx_sortable_serialise(double value, char out[16], size_t *len) noexcept
{
	try {
		std::string s = Xapian::sortable_serialise(value);
		if (s.size() > 16)
			return QX_INTERNAL;
		std::memcpy(out, s.data(), s.size());
		*len = s.size();
		return QX_OK;
	} catch (...) {
		return fail(nullptr);
	}
}
