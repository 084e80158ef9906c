// Snippets: a window of a hit's text with the query's words marked, by
// Xapian's MSet::snippet, and for a query whose exact phrases differ in
// length, by that call over the same words read loose and a pass that
// marks the phrases whole.
//
// Why: Xapian 1.4.22's snippet code (queryparser/termgenerator_internal.cc,
// MSet::Internal::snippet) keeps the words before the current one in a ring
// of longest_phrase - 1 slots and compares a phrase's n-th word with slot
// (n + phrase_next) % (longest_phrase - 1): right for the longest phrases
// only. A shorter phrase of k words is compared with the words
// longest_phrase - 1 - n back, not k - 1 - n, and its last k words are then
// marked. The vocabulary makes exactly such queries: torch.compile becomes
// (torch.compile OR "torch dot compile" OR "torch compile"), phrases of 2,
// 3 and 2 words, so "torch dot compile" matched the first 2-word phrase
// ("torch" two back) and was marked "torch <mark>dot compile</mark>", and
// the written torch.compile (the words torch, compile) matched nothing.
// The same code is in every 1.4 release and in master.
//
// Xapian reads one length of phrase right. So for such a query, Xapian
// chooses the window from a match set of the loose terms, the wildcards and
// the phrases of one length (SnippetWords.choose_msets): the longest that
// the text holds, found by a cheap first pass over it (below). The words in
// that window are then marked by a second MSet::snippet over it alone, from
// a match set of the same words all loose (SnippetWords.loose_mset), which
// Xapian marks right, and a pass joins consecutive marks that spell a
// phrase into one mark and takes the marks off a phrase's words said
// alone. Loose words could not choose the window themselves: a phrase's
// "and" or "dot", each worth as much as a word of the query, drew it away
// from the phrase.
#include "xindex_internal.h"

#include <xapian/unicode.h>

#include <algorithm>

namespace
{

const std::string HI_START = "<mark>", HI_END = "</mark>", OMIT = "…";
// Where the first snippet omitted text: never in its escaped text, so
// unlike "…" never confused with the hit's own.
const std::string OMITTED = "<omit>";
// Every word's weight counts, the background model's too, and the window
// is the best of them all, not the first good one.
const unsigned FLAGS = Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE;

// A query of terms only, in a phrase: QueryParser's phrases (quoted, and
// its phrase generators: torch.compile) are tight, so Xapian's snippet
// code reads them as exact phrases; their window is not in the 1.4 API.
bool is_phrase_of_terms(const Xapian::Query &q)
{
	if (q.get_type() != Xapian::Query::OP_PHRASE)
		return false;
	for (size_t i = 0; i < q.get_num_subqueries(); i++)
		if (q.get_subquery(i).get_type() != Xapian::Query::LEAF_TERM)
			return false;
	return true;
}

// The query's words, read as check_query reads them.
void read_words(const Xapian::Query &q, xindex::SnippetWords &out)
{
	Xapian::Query::op type = q.get_type();
	if (type == Xapian::Query::LEAF_TERM) {
		out.loose.insert(*q.get_terms_begin());
		return;
	}
	if (type == Xapian::Query::OP_WILDCARD) {
		out.wildcards.push_back(q);
		return;
	}
	if (is_phrase_of_terms(q)) {
		std::vector<std::string> phrase;
		for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t)
			phrase.push_back(*t);
		out.phrase_words.insert(phrase.begin(), phrase.end());
		out.phrases.push_back(std::move(phrase));
		return;
	}
	for (size_t i = 0; i < q.get_num_subqueries(); i++)
		read_words(q.get_subquery(i), out);
}

// A match set of no hits for `parts` (ORed), weighed as mset's search: an
// MSet of no hits is enough for MSet::snippet, which reads its query and
// its terms' weights, and Xapian computes those before it matches.
Xapian::MSet snippet_mset(qx_mset &mset, const std::vector<Xapian::Query> &parts)
{
	Xapian::Enquire enquire(*mset.db->db);
	enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()));
	if (mset.weight)
		enquire.set_weighting_scheme(*mset.weight);
	return enquire.get_mset(0, 0);
}

// The query's loose terms and wildcards, as queries.
std::vector<Xapian::Query> loose_parts(const xindex::SnippetWords &words)
{
	std::vector<Xapian::Query> parts(words.wildcards);
	for (const std::string &term : words.loose)
		parts.emplace_back(term);
	return parts;
}

// The query's words, read once per match set (its snippets and
// qx_mset_is_loose_word share them); for a query whose exact phrases
// differ in length (`mixed`: Xapian marks it wrongly), with the match set
// its snippets are marked from.
xindex::SnippetWords &query_words(qx_mset &mset)
{
	if (mset.snippet_words)
		return *mset.snippet_words;
	std::unique_ptr<xindex::SnippetWords> words(new xindex::SnippetWords);
	read_words(mset.enquire.get_query(), *words);
	auto &phrases = words->phrases;
	auto longer = [](const std::vector<std::string> &a, const std::vector<std::string> &b) {
		return a.size() > b.size();
	};
	std::stable_sort(phrases.begin(), phrases.end(), longer);
	words->mixed = !phrases.empty() && phrases.front().size() != phrases.back().size();
	if (words->mixed) {
		std::vector<Xapian::Query> loose = loose_parts(*words);
		for (const std::string &term : words->phrase_words)
			loose.emplace_back(term);
		words->loose_mset = snippet_mset(mset, loose);
	}
	mset.snippet_words = std::move(words);
	return *mset.snippet_words;
}

// The match set that chooses windows by the phrases of `length` words.
const Xapian::MSet &choose_mset(qx_mset &mset, xindex::SnippetWords &words, size_t length)
{
	auto found = words.choose_msets.find(length);
	if (found != words.choose_msets.end())
		return found->second;
	std::vector<Xapian::Query> parts = loose_parts(words);
	for (const auto &phrase : words.phrases)
		if (phrase.size() == length)
			parts.emplace_back(Xapian::Query::OP_PHRASE, phrase.begin(), phrase.end());
	return words.choose_msets.emplace(length, snippet_mset(mset, parts)).first->second;
}

// Snippet text as it was before Xapian escaped '&', '<' and '>'.
std::string unescape(const std::string &html)
{
	std::string text;
	for (size_t i = 0; i < html.size(); i++) {
		if (html[i] == '&') {
			size_t semi = html.find(';', i);
			std::string entity =
			    html.substr(i, semi == std::string::npos ? 1 : semi - i + 1);
			text += entity == "&lt;" ? "<" : entity == "&gt;" ? ">" : "&";
			i += entity.size() - 1;
		} else {
			text += html[i];
		}
	}
	return text;
}

// Snippet text without its marks.
std::string unmarked(const std::string &snippet)
{
	std::string text;
	size_t at = 0;
	while (at < snippet.size()) {
		size_t tag = std::min(snippet.find(HI_START, at), snippet.find(HI_END, at));
		text.append(snippet, at, tag == std::string::npos ? std::string::npos : tag - at);
		if (tag == std::string::npos)
			break;
		at = tag + (snippet.compare(tag, HI_START.size(), HI_START) == 0 ? HI_START.size()
		                                                                 : HI_END.size());
	}
	return text;
}

// A marked word's term as Xapian's snippet code made it (parse_terms):
// lower case, the apostrophes U+2019 and U+201B as ', zero-width
// characters dropped; `html` is the word as the snippet holds it.
std::string term_of(const std::string &html)
{
	std::string text = unescape(html), term;
	for (Xapian::Utf8Iterator it(text); it != Xapian::Utf8Iterator(); ++it) {
		unsigned ch = *it;
		if (ch == 0x2019 || ch == 0x201b)
			ch = '\'';
		else if (ch >= 0x200b && (ch <= 0x200d || ch == 0x2060 || ch == 0xfeff))
			continue;
		Xapian::Unicode::append_utf8(term, Xapian::Unicode::tolower(ch));
	}
	return term;
}

// Whether snippet text (HTML-escaped) holds no word character: two marks
// with only this between them are consecutive words.
bool no_word_between(const std::string &html, size_t from, size_t to)
{
	Xapian::Utf8Iterator it(html.data() + from, to - from);
	for (; it != Xapian::Utf8Iterator(); ++it) {
		if (*it == '&') { // an entity: &amp; &lt; &gt;, none a word
			while (it != Xapian::Utf8Iterator() && *it != ';')
				++it;
			if (it == Xapian::Utf8Iterator())
				break;
		} else if (Xapian::Unicode::is_wordchar(*it)) {
			return false;
		}
	}
	return true;
}

// One marked word of Xapian's snippet, where its tags are, and how the
// pass writes it: whether a mark opens before it and closes after it.
struct Marked {
	size_t open, begin, end, close; // <mark> at open, word [begin, end), </mark> ends at close
	std::string term;
	bool opens = false, closes = false;
};

std::vector<Marked> find_marks(const std::string &snippet)
{
	std::vector<Marked> marks;
	size_t at = 0;
	while ((at = snippet.find(HI_START, at)) != std::string::npos) {
		size_t begin = at + HI_START.size();
		size_t end = snippet.find(HI_END, begin);
		if (end == std::string::npos)
			break;
		Marked m;
		m.open = at;
		m.begin = begin;
		m.end = end;
		m.close = end + HI_END.size();
		m.term = term_of(snippet.substr(begin, end - begin));
		at = m.close;
		marks.push_back(std::move(m));
	}
	return marks;
}

// The longest phrase spelled by marks[i...] (its words count), or 0. Only
// consecutive words: marks[j] follows marks[j - 1] with no word between.
size_t phrase_at(const xindex::SnippetWords &words, const std::vector<Marked> &marks, size_t i,
                 const std::string &snippet)
{
	for (const auto &phrase : words.phrases) { // longest first
		if (i + phrase.size() > marks.size())
			continue;
		size_t n = 0;
		while (
		    n < phrase.size() && marks[i + n].term == phrase[n] &&
		    (n == 0 || no_word_between(snippet, marks[i + n - 1].close, marks[i + n].open)))
			n++;
		if (n == phrase.size())
			return n;
	}
	return 0;
}

// Whether a word marked alone stays marked: it is a loose term of the
// query, or its stem is, as Xapian matches them; a word of the phrases
// only is not (nor when a wildcard also matches it: a wildcard's pattern
// is not in the 1.4 API). A word the pass cannot name (a wildcard's)
// stays.
bool marked_alone(const xindex::SnippetWords &words, const std::string &term,
                  const Xapian::Stem &stemmer)
{
	if (!words.phrase_words.count(term) || words.loose.count(term))
		return true;
	return words.loose.count("Z" + stemmer(term)) > 0;
}

// A snippet marked again, and the words of the longest phrase it shows.
struct Remarked {
	std::string snippet;
	size_t longest = 0;
};

// Xapian's snippet of every word loose, with each phrase it spells marked
// as one and the phrases' words said alone unmarked.
Remarked mark_phrases(const xindex::SnippetWords &words, const std::string &snippet,
                      const Xapian::Stem &stemmer)
{
	Remarked r;
	std::vector<Marked> marks = find_marks(snippet);
	for (size_t i = 0; i < marks.size();) {
		size_t n = phrase_at(words, marks, i, snippet);
		if (n) {
			marks[i].opens = marks[i + n - 1].closes = true;
			r.longest = std::max(r.longest, n);
			i += n;
		} else {
			marks[i].opens = marks[i].closes =
			    marked_alone(words, marks[i].term, stemmer);
			i++;
		}
	}
	size_t copied = 0;
	for (const Marked &m : marks) {
		r.snippet.append(snippet, copied, m.open - copied);
		if (m.opens)
			r.snippet += HI_START;
		r.snippet.append(snippet, m.begin, m.end - m.begin);
		if (m.closes)
			r.snippet += HI_END;
		copied = m.close;
	}
	r.snippet.append(snippet, copied, std::string::npos);
	return r;
}

// The window Xapian chose (`chosen`, made with OMITTED and marks), its
// words marked again from the loose match set. Xapian's own marks if the
// second call does not give back the window's text exactly, which it
// should: the window fits, no word is worth less than nothing without the
// background model, so the window is all of it, and its start and end
// already meet Xapian's rules for punctuation.
std::string remark(const xindex::SnippetWords &words, std::string chosen,
                   const Xapian::Stem &stemmer)
{
	bool lead = chosen.compare(0, OMITTED.size(), OMITTED) == 0;
	if (lead)
		chosen.erase(0, OMITTED.size());
	bool trail = chosen.size() >= OMITTED.size() &&
	             chosen.compare(chosen.size() - OMITTED.size(), OMITTED.size(), OMITTED) == 0;
	if (trail)
		chosen.erase(chosen.size() - OMITTED.size());
	std::string window = unmarked(chosen), text = unescape(window);
	std::string marked =
	    words.loose_mset.snippet(text, text.size(), stemmer, 0, HI_START, HI_END, "");
	if (unmarked(marked) == window)
		chosen = mark_phrases(words, marked, stemmer).snippet;
	return (lead ? OMIT : "") + chosen + (trail ? OMIT : "");
}

// The snippet of a query whose phrases differ in length: the window Xapian
// chooses for the longest phrases the text holds (the longest phrase the
// whole text shows marked from the loose match set: no background model,
// no stemmer, so little cost), marked again. Still one choice with the
// background model per snippet, as before; the two passes add about a
// third to a snippet's time.
std::string best_snippet(qx_mset &mset, xindex::SnippetWords &words, const std::string &text,
                         size_t length)
{
	// Phrases are of words as written, so no stemmer: stemming every word
	// was most of this pass's cost.
	const Xapian::Stem none;
	std::string all =
	    words.loose_mset.snippet(text, text.size(), none, 0, HI_START, HI_END, "");
	size_t longest = mark_phrases(words, all, none).longest;
	const Xapian::MSet &choose =
	    choose_mset(mset, words, longest ? longest : words.phrases.front().size());
	return remark(words,
	              choose.snippet(text, length, mset.stemmer, FLAGS, HI_START, HI_END, OMITTED),
	              mset.stemmer);
}

// text whole, its words marked: no window to choose, so neither the
// background model nor the exhaustive search (flags 0), which read every
// word's frequency from the database.
std::string marked_whole(qx_mset &mset, const std::string &text)
{
	xindex::SnippetWords &words = query_words(mset);
	if (!words.mixed)
		return mset.mset.snippet(text, text.size(), mset.stemmer, 0, HI_START, HI_END, "");
	std::string marked =
	    words.loose_mset.snippet(text, text.size(), mset.stemmer, 0, HI_START, HI_END, "");
	return mark_phrases(words, marked, mset.stemmer).snippet;
}

// A window of text (about length bytes) with its words marked.
std::string snippet_of(qx_mset &mset, const std::string &text, size_t length)
{
	xindex::SnippetWords &words = query_words(mset);
	if (!words.mixed)
		return mset.mset.snippet(text, length, mset.stemmer, FLAGS, HI_START, HI_END, OMIT);
	return best_snippet(mset, words, text, length);
}

// The body of qx_mset_mark and qx_mset_snippet: text made into *out by
// make, failures mapped as every call's.
template <typename Make>
qx_status marked_text(qx_mset *mset, const char *text, char **out, Make &&make) noexcept
{
	if (out)
		*out = nullptr;
	if (!mset)
		return QX_INVALID;
	try {
		mset->db->errmsg.clear();
		if (!text || !out)
			return xindex::invalid(&mset->db->errmsg,
			                       "no text, or no place for it marked");
		xindex::read_point(mset->db);
		*out = xindex::dup_string(make(std::string(text)));
		return QX_OK;
	} catch (...) {
		return xindex::fail(&mset->db->errmsg);
	}
}

} // namespace

qx_status qx_mset_mark(qx_mset *mset, const char *text, char **out) noexcept
{
	return marked_text(mset, text, out,
	                   [&](const std::string &t) { return marked_whole(*mset, t); });
}

qx_status qx_mset_snippet(qx_mset *mset, const char *text, size_t length, char **out) noexcept
{
	return marked_text(mset, text, out,
	                   [&](const std::string &t) { return snippet_of(*mset, t, length); });
}

bool qx_mset_is_loose_word(qx_mset *mset, const char *word) noexcept
{
	if (!mset || !word)
		return false;
	try {
		const std::set<std::string> &loose = query_words(*mset).loose;
		return loose.count(word) || loose.count("Z" + mset->stemmer(word));
	} catch (...) {
		return false;
	}
}
