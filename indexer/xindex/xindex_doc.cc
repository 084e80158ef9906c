// Documents being built: text terms (with their stems), boolean filter
// terms, value slots and data; the sortable encoding of numbers for value
// slots, and Xapian's lower-casing for terms built outside it.
#include "xindex_internal.h"

#include <cmath>
#include <cstring>
#include <unordered_map>

namespace
{

// The body of every qx_doc call: a document has no message to keep, so
// only the status says what went wrong.
template <typename Fn> qx_status doc_guarded(qx_doc *doc, Fn &&fn) noexcept
{
	if (!doc)
		return QX_INVALID;
	try {
		return fn();
	} catch (...) {
		return xindex::fail(nullptr);
	}
}

// Words whose stems stem_of keeps: a few times an archive's vocabulary
// (100 hours of the benchmark's talks: ~20,000 words), a few MB at most.
constexpr size_t STEMS_KEPT = 65536;

// The English stem of word (lower-cased), as Xapian::Stem gives it. A
// transcript says the same few thousand words again and again, and the
// Snowball stemmer costs more than a hash lookup (2.5% of a fresh build's
// profile), so each thread keeps the stems it made, emptied when full.
// The reference is valid until the next call.
const std::string &stem_of(const std::string &word)
{
	thread_local Xapian::Stem stemmer("english");
	thread_local std::unordered_map<std::string, std::string> stems;
	auto it = stems.find(word);
	if (it != stems.end())
		return it->second;
	if (stems.size() >= STEMS_KEPT)
		stems.clear();
	return stems.emplace(word, stemmer(word)).first->second;
}

} // namespace

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
		std::string word = Xapian::Unicode::tolower(term);
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
			const std::string &stem = stem_of(word);
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
		if (!bytes && len)
			return QX_INVALID;
		doc->doc.add_value(slot, std::string(bytes ? bytes : "", len));
		return QX_OK;
	});
}

qx_status qx_doc_set_data(qx_doc *doc, const char *bytes, size_t len) noexcept
{
	return doc_guarded(doc, [&] {
		if (!bytes && len)
			return QX_INVALID;
		doc->doc.set_data(std::string(bytes ? bytes : "", len));
		return QX_OK;
	});
}

qx_status qx_sortable_serialise(double value, char out[16], size_t *len) noexcept
{
	// NaN has no place in a sort order (Xapian leaves it undefined).
	if (!out || !len || std::isnan(value))
		return QX_INVALID;
	try {
		std::string s = Xapian::sortable_serialise(value);
		if (s.size() > 16)
			return QX_INTERNAL;
		std::memcpy(out, s.data(), s.size());
		*len = s.size();
		return QX_OK;
	} catch (...) {
		return xindex::fail(nullptr);
	}
}

qx_status qx_utf8_lower(const char *text, char **out) noexcept
{
	if (!out)
		return QX_INVALID;
	*out = nullptr;
	if (!text)
		return QX_INVALID;
	try {
		*out = xindex::dup_string(Xapian::Unicode::tolower(text));
		return QX_OK;
	} catch (...) {
		return xindex::fail(nullptr);
	}
}
