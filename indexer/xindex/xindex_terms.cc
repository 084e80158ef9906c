// The archive's vocabulary, one word at a time: how many documents hold a
// word (or its stem), and the spelling dictionary's nearest word. Search
// builds its "did you mean" from these (indexer/index/suggest.c), so the
// suggestion is made of the user's own words, not of a rewritten query.
#include "xindex_internal.h"

#include <cstring>

using xindex::guarded;

qx_status qx_db_term_freq(qx_db *db, const char *word, bool stemmed, unsigned *freq) noexcept
{
	if (freq)
		*freq = 0;
	return guarded(db, false, [&] {
		if (!word || !*word || !freq)
			return xindex::invalid(&db->errmsg, "no word, or no place for its count");
		xindex::read_point(db);
		// Lowercased and stemmed exactly as qx_doc_add_text_term stores
		// them, so a word counts where a query for it would match.
		std::string term = Xapian::Unicode::tolower(word);
		if (stemmed) {
			std::string stem = Xapian::Stem("english")(term);
			if (stem.empty())
				return QX_OK;
			term = "Z" + stem;
		}
		// Longer terms are never stored (qx_doc_add_text_term skips them),
		// and Xapian refuses to look them up.
		if (term.size() > 240)
			return QX_OK;
		*freq = db->db->get_termfreq(term);
		return QX_OK;
	});
}

qx_status qx_db_term_docs(qx_db *db, const char *term, unsigned *freq) noexcept
{
	if (freq)
		*freq = 0;
	return guarded(db, false, [&] {
		if (!term || !*term || !freq)
			return xindex::invalid(&db->errmsg, "no term, or no place for its count");
		xindex::read_point(db);
		if (std::strlen(term) <= 240)
			*freq = db->db->get_termfreq(term);
		return QX_OK;
	});
}

qx_status qx_db_spelling_suggestion(qx_db *db, const char *word, unsigned max_edits,
                                    char **out) noexcept
{
	if (out)
		*out = nullptr;
	return guarded(db, false, [&] {
		if (!word || !out)
			return xindex::invalid(&db->errmsg, "no word, or no place for the answer");
		xindex::read_point(db);
		std::string lower = Xapian::Unicode::tolower(word);
		std::string best;
		if (!lower.empty() && lower.size() <= 240)
			best = db->db->get_spelling_suggestion(lower, max_edits);
		*out = xindex::dup_string(best);
		return QX_OK;
	});
}
