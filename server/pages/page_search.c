/* GET /search?q=&release=&kind=&speaker=&recording=&page=&type=: the search page.
 *
 * Results come from search_run (through http_search_params and
 * http_search_run, as /api/search), grouped by recording with up to three
 * moments each; a recording with more good moments says "N more moments
 * in this recording", a link to the same search with ?recording=, which
 * lists that recording's moments, thirty a page. Every moment links
 * straight to /watch/<id>?t=N&q=..., so the player starts where it was
 * said and the words are marked. A question someone asked in a recording
 * that the query matches (unit_search.h) shows as "Q (asked at 12:34 by
 * Name): ..." playing from the question and "A (Name, 12:41–14:02): ..."
 * playing from the answer; type=questions lists only those. Facets (release, kind, speaker) add or
 * remove a filter; "did you mean" offers the suggestion; pages of ten
 * recordings.
 *
 * The snippets are the one piece of HTML from elsewhere: Xapian's
 * MSet::snippet escapes the text and adds only <mark>, so they go in as
 * they are. Everything else is escaped here (escape.h, html.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "answer_span.h"
#include "count_text.h"
#include "escape.h"
#include "pages.h"
#include "recording_files.h"
#include "html.h"
#include "picture_tag.h"
#include "search_limits.h"
#include "search_params.h"
#include "session_cookie.h"
#include "timecode.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The filters of the request, the query, and where to link. */
/* A result's picture: CSS pixels wide (style.css, .result .pic). */
#define SEARCH_PICTURE_WIDTH 160

typedef struct state {
	const char *q, *release, *kind, *speaker;
	const char *source;          /* ?source=machine|human, kept by the form */
	const char *recording;       /* one recording's moments (its id), or NULL */
	const char *recording_title; /* its title, for the filter's chip */
	unsigned page;
	bool questions;          /* type=questions: questions asked and their answers only */
	const char *user;        /* signed-in staff, for the header; NULL for visitors */
	const http_request *req; /* for the header (html.h) */
	const char *year;        /* ?year=2025, or NULL */
	bool by_date;            /* sort=date: newest first */
	const char *archive_dir; /* for the results' pictures */
} state;

/* "&amp;name=value" onto the link that starts at sb[at] ('?' for its
 * first parameter), value URL-escaped. */
static bool add_param(strbuf *sb, size_t at, const char *name, const char *value)
{
	bool first = !memchr(sb->data + at, '?', sb->len - at);
	return sb_append_str(sb, first ? "?" : "&amp;") && sb_append_str(sb, name) &&
	       sb_append_char(sb, '=') && http_escape_url(sb, value);
}

static bool href(strbuf *sb, const state *s, unsigned page)
{
	size_t at = sb->len;
	bool ok =
	    http_html_search_href(sb, s->q, s->release, s->kind, s->speaker, s->recording, page);
	/* Every link of the page keeps the source filter and the type, as it
	 * keeps the others. */
	if (ok && s->source)
		ok = add_param(sb, at, "source", s->source);
	if (ok && s->questions)
		ok = add_param(sb, at, "type", "questions");
	if (ok && s->year)
		ok = add_param(sb, at, "year", s->year);
	if (ok && s->by_date)
		ok = add_param(sb, at, "sort", "date");
	return ok;
}

/* "Sort: Relevance · Newest first", the current one marked. */
static bool sort_links(strbuf *sb, const state *s)
{
	state rel = *s, date = *s;
	rel.by_date = false;
	date.by_date = true;
	return sb_append_str(sb, "<p class=\"sort\">Sort: <a href=\"") && href(sb, &rel, 1) &&
	       sb_append_str(sb, s->by_date ? "\">" : "\" aria-current=\"true\">") &&
	       sb_append_str(sb, "Relevance</a> · <a href=\"") && href(sb, &date, 1) &&
	       sb_append_str(sb, s->by_date ? "\" aria-current=\"true\">" : "\">") &&
	       sb_append_str(sb, "Newest first</a></p>\n");
}

/* "Only questions asked" / "All moments": the same search, the other type. */
static bool questions_toggle(strbuf *sb, const state *s)
{
	state other = *s;
	other.questions = !s->questions;
	return sb_append_str(sb, "<p class=\"type-toggle\"><a href=\"") && href(sb, &other, 1) &&
	       sb_append_str(sb, s->questions
	                             ? "\">Show all moments</a></p>\n"
	                             : "\">Only questions asked in the recordings</a></p>\n");
}

static const char help_html[] =
    "<details class=\"help\">\n<summary>How to search</summary>\n<ul>\n"
    "<li>All words are required: <code>torch.compile python 3.13</code></li>\n"
    "<li>A phrase: <code>\"fully sharded data parallel\"</code></li>\n"
    "<li><code>OR</code>, <code>NOT</code>, and a prefix: <code>flex*</code></li>\n"
    "<li>Fields: <code>speaker:\"Maya Chen\"</code>, <code>release:2.7</code>, "
    "<code>kind:tac-meeting</code>, <code>year:2025</code>, <code>title:export</code></li>\n"
    "<li>Who made the transcript: <code>source:human</code>, or <code>source:machine</code> "
    "for speech recognition's</li>\n"
    "<li>Code is found whole and by its parts: <code>cache_size_limit</code></li>\n"
    "</ul>\n</details>\n";

/* The page's own search box: the query, plus the active filters as hidden
 * fields so a new query keeps them. */
static bool search_form(strbuf *sb, const state *s)
{
	bool ok = sb_append_str(sb, "<form class=\"big-search\" action=\"/search\" method=\"get\" "
	                            "role=\"search\">\n<label for=\"q\" class=\"vh\">Search the "
	                            "archive</label>\n<div class=\"row\"><input type=\"search\" "
	                            "id=\"q\" name=\"q\" value=\"") &&
	          http_escape_attr(sb, s->q) &&
	          sb_append_str(sb, "\" placeholder=\"Search what was said\">\n<button "
	                            "type=\"submit\">Search</button></div>\n");
	const char *names[] = {"release", "kind", "speaker", "recording", "source", "year", "sort"};
	const char *values[] = {s->release,
	                        s->kind,
	                        s->speaker,
	                        s->recording,
	                        s->source,
	                        s->year,
	                        s->by_date ? "date" : NULL};
	for (int i = 0; ok && i < 7; i++)
		if (values[i])
			ok = sb_append_str(sb, "<input type=\"hidden\" name=\"") &&
			     sb_append_str(sb, names[i]) && sb_append_str(sb, "\" value=\"") &&
			     http_escape_attr(sb, values[i]) && sb_append_str(sb, "\">\n");
	if (ok && s->questions)
		ok = sb_append_str(sb,
		                   "<input type=\"hidden\" name=\"type\" value=\"questions\">\n");
	return ok && sb_append_str(sb, "</form>\n");
}

/* What a facet value is called: kinds get their label, releases theirs. */
static bool facet_label(strbuf *sb, const char *field, const char *value)
{
	if (strcmp(field, "kind") == 0)
		return http_escape_html(sb, http_html_kind_label(value));
	if (strcmp(field, "release") == 0)
		return http_html_release(sb, value);
	if (strcmp(field, "source") == 0 && strcasecmp(value, "machine") == 0)
		return sb_append_str(sb, "machine transcripts");
	if (strcmp(field, "source") == 0 && strcasecmp(value, "human") == 0)
		return sb_append_str(sb, "human transcripts");
	return http_escape_html(sb, value);
}

/* The active filters, each a link that removes it. */
static bool filter_chips(strbuf *sb, const state *s)
{
	if (!s->release && !s->kind && !s->speaker && !s->recording && !s->source && !s->year)
		return true;
	bool ok = sb_append_str(sb, "<p class=\"chips\">Only ");
	const char *fields[] = {"release", "kind", "speaker", "recording", "source", "year"};
	const char *values[] = {s->release, s->kind,
	                        s->speaker, s->recording_title ? s->recording_title : s->recording,
	                        s->source,  s->year};
	for (int i = 0; ok && i < 6; i++) {
		if (!values[i])
			continue;
		state without = *s;
		if (i == 0)
			without.release = NULL;
		else if (i == 1)
			without.kind = NULL;
		else if (i == 2)
			without.speaker = NULL;
		else if (i == 3)
			without.recording = NULL;
		else if (i == 4)
			without.source = NULL;
		else
			without.year = NULL;
		ok = sb_append_str(sb, "<a class=\"chip\" href=\"") && href(sb, &without, 1) &&
		     sb_append_str(sb, "\">") && facet_label(sb, fields[i], values[i]) &&
		     sb_append_str(sb, " <span aria-hidden=\"true\">×</span><span class=\"vh\"> "
		                       "(remove this filter)</span></a> ");
	}
	return ok && sb_append_str(sb, "</p>\n");
}

/* One facet field: each value a link that adds the filter (or removes it,
 * when it is the active one), with its count of recordings. */
static bool facet_list(strbuf *sb, const state *s, json_t *facets, const char *field,
                       const char *heading, size_t shown)
{
	json_t *values = json_object_get(facets, field);
	const char *active = strcmp(field, "release") == 0 ? s->release
	                     : strcmp(field, "kind") == 0  ? s->kind
	                     : strcmp(field, "year") == 0  ? s->year
	                                                   : s->speaker;
	if (json_object_size(values) == 0)
		return true;
	bool ok = sb_append_str(sb, "<section class=\"facet\">\n<h3>") &&
	          sb_append_str(sb, heading) && sb_append_str(sb, "</h3>\n<ul>\n");
	const char *value;
	json_t *count;
	size_t i = 0;
	json_object_foreach(values, value, count)
	{
		if (!ok)
			break;
		if (i == shown)
			ok = sb_append_str(sb, "</ul>\n<details><summary>More</summary>\n<ul>\n");
		i++;
		bool on = active && strcmp(active, value) == 0;
		state next = *s;
		const char *v = on ? NULL : value;
		if (strcmp(field, "release") == 0)
			next.release = v;
		else if (strcmp(field, "kind") == 0)
			next.kind = v;
		else if (strcmp(field, "year") == 0)
			next.year = v;
		else
			next.speaker = v;
		char n[COUNT_TEXT_SIZE];
		count_text((long long)json_integer_value(count), n);
		ok = ok && sb_append_str(sb, "<li><a href=\"") && href(sb, &next, 1) &&
		     sb_append_str(sb, on ? "\" aria-current=\"true\" class=\"on\">" : "\">") &&
		     facet_label(sb, field, value) &&
		     (!on || sb_append_str(sb, "<span class=\"vh\"> (selected: remove)</span>")) &&
		     sb_append_str(sb, " <span class=\"count\">") && sb_append_str(sb, n) &&
		     sb_append_str(sb, "</span></a></li>\n");
	}
	if (ok && i > shown)
		ok = sb_append_str(sb, "</ul>\n</details>\n<ul>\n");
	return ok && sb_append_str(sb, "</ul>\n</section>\n");
}

/* The link to a moment: where it was said, with the query to mark. */
static bool moment_href(strbuf *sb, const state *s, const char *id, const char *type, double t)
{
	bool timed = !type || strcmp(type, "passage") == 0 || strcmp(type, "agenda") == 0;
	bool ok = sb_append_str(sb, "/watch/") && http_escape_url(sb, id);
	if (ok && timed)
		ok = sb_append_str(sb, "?t=") && timecode_seconds(sb, t);
	if (ok && s->q && s->q[0])
		ok = sb_append_str(sb, timed ? "&amp;q=" : "?q=") && http_escape_url(sb, s->q);
	if (ok && !timed)
		ok = sb_append_str(sb, strcmp(type, "notes") == 0 ? "#notes" : "#about");
	return ok;
}

/* The link to a unit's question: it plays from there, and the watch page
 * marks its answer (answer_span.h). */
static bool unit_href(strbuf *sb, const state *s, const char *id, double qt, json_t *answer)
{
	double at = json_number_value(json_object_get(answer, "t"));
	double end = json_number_value(json_object_get(answer, "end"));
	return moment_href(sb, s, id, "passage", qt) && sb_append_str(sb, "&amp;answer=") &&
	       answer_span_write(sb, at, end);
}

/* A meeting's agenda item (unit_search.h: "kind": "agenda"): "Agenda item
 * (at 12:34): title" linking to it, "Discussed (12:34–20:01): first
 * sentence…", and a decision stated in it. */
static bool agenda_unit_item(strbuf *sb, const state *s, json_t *hit, json_t *unit)
{
	json_t *q = json_object_get(unit, "question"), *a = json_object_get(unit, "answer");
	json_t *decided = json_array_get(json_object_get(unit, "decisions"), 0);
	const char *id = str(hit, "recording"), *snippet = str(hit, "snippet");
	double qt = json_number_value(json_object_get(q, "t"));
	bool ok = sb_append_str(sb, "<li class=\"unit agenda-unit\"><a class=\"moment\" href=\"") &&
	          unit_href(sb, s, id, qt, a) && sb_append_str(sb, "\"><span class=\"ts\">") &&
	          timecode_clock(sb, qt) &&
	          sb_append_str(sb, "</span> <span class=\"snippet\"><span class=\"tag\">Agenda "
	                            "item</span> ") &&
	          /* Xapian escaped the snippet, as every snippet here. */
	          (snippet && snippet[0] ? sb_append_str(sb, snippet)
	                                 : http_escape_html(sb, str(q, "text"))) &&
	          sb_append_str(sb, "</span></a><p class=\"discussed\">Discussed ") &&
	          timecode_clock(sb, json_number_value(json_object_get(a, "t"))) &&
	          sb_append_str(sb, "\u2013") &&
	          timecode_clock(sb, json_number_value(json_object_get(a, "end"))) &&
	          sb_append_str(sb, "</p>");
	if (ok && decided)
		ok =
		    sb_append_str(sb, "<p class=\"decided\"><span class=\"tag\">Decided</span> ") &&
		    http_escape_html(sb, str(decided, "text")) && sb_append_str(sb, "</p>");
	return ok && sb_append_str(sb, "</li>\n");
}

/* "Q (asked at 12:34 by Name): ..." linking to the question, and "A (Name,
 * 12:41–14:02): first sentence…" linking to the answer (unit_search.h).
 * Every part is the archive's text: escaped (the question is the hit's
 * snippet, escaped by Xapian). */
static bool unit_item(strbuf *sb, const state *s, json_t *hit, json_t *unit)
{
	json_t *q = json_object_get(unit, "question"), *a = json_object_get(unit, "answer");
	const char *id = str(hit, "recording"), *asker = str(q, "speaker"),
	           *answerer = str(a, "speaker");
	double qt = json_number_value(json_object_get(q, "t"));
	double at = json_number_value(json_object_get(a, "t"));
	double end = json_number_value(json_object_get(a, "end"));
	const char *kind = str(unit, "kind");
	if (kind && strcmp(kind, "agenda") == 0)
		return agenda_unit_item(sb, s, hit, unit);
	bool ok = sb_append_str(sb, "<li class=\"unit\"><a class=\"moment\" href=\"") &&
	          unit_href(sb, s, id, qt, a) && sb_append_str(sb, "\"><span class=\"ts\">") &&
	          timecode_clock(sb, qt) &&
	          sb_append_str(sb, "</span> <span class=\"snippet\"><span class=\"tag\">Q</span> "
	                            "(asked at ") &&
	          timecode_clock(sb, qt);
	if (ok && asker)
		ok = sb_append_str(sb, " by ") && http_escape_html(sb, asker);
	/* The hit's snippet is the question, its words marked (search.h);
	 * Xapian escaped it, as every snippet here. */
	const char *snippet = str(hit, "snippet");
	ok = ok && sb_append_str(sb, "): ") &&
	     (snippet && snippet[0] ? sb_append_str(sb, snippet)
	                            : http_escape_html(sb, str(q, "text"))) &&
	     sb_append_str(sb, "</span></a><a class=\"moment answer\" href=\"") &&
	     unit_href(sb, s, id, at, a) && sb_append_str(sb, "\"><span class=\"ts\">") &&
	     timecode_clock(sb, at) &&
	     sb_append_str(sb, "</span> <span class=\"snippet\"><span class=\"tag\">A</span> (");
	if (ok && answerer)
		ok = http_escape_html(sb, answerer) && sb_append_str(sb, ", ");
	/* Its first sentence, its words marked (escaped by Xapian, as the
	 * question); "…" says there is more, after a full stop too. */
	const char *said = str(a, "text"), *marked = str(a, "snippet");
	size_t n = said ? strlen(said) : 0, m = marked ? strlen(marked) : 0;
	bool stop = n && strchr(".?!", said[n - 1]);
	/* A sentence that ends in "…" itself needs no other. */
	bool cut = m >= 3 && strcmp(marked + m - 3, "\u2026") == 0;
	const char *more = cut ? "" : stop ? " …" : "…";
	return ok && timecode_clock(sb, at) && sb_append_str(sb, "\u2013") &&
	       timecode_clock(sb, end) && sb_append_str(sb, "): ") &&
	       (m ? sb_append_str(sb, marked) : http_escape_html(sb, said)) &&
	       sb_append_str(sb, more) && sb_append_str(sb, "</span></a></li>\n");
}

static bool moment_item(strbuf *sb, const state *s, json_t *hit)
{
	json_t *unit = json_object_get(hit, "unit");
	if (unit)
		return unit_item(sb, s, hit, unit);
	const char *type = str(hit, "type"), *snippet = str(hit, "snippet");
	double t = json_number_value(json_object_get(hit, "t"));
	bool timed = !type || strcmp(type, "passage") == 0 || strcmp(type, "agenda") == 0;
	bool ok = sb_append_str(sb, "<li><a class=\"moment\" href=\"") &&
	          moment_href(sb, s, str(hit, "recording"), type, t) &&
	          sb_append_str(sb, "\"><span class=\"ts\">");
	if (ok && timed)
		ok = timecode_clock(sb, t);
	else if (ok)
		ok = sb_append_str(sb, strcmp(type, "notes") == 0 ? "Notes" : "About");
	ok = ok && sb_append_str(sb, "</span> <span class=\"snippet\">");
	if (ok && type && strcmp(type, "agenda") == 0)
		ok = sb_append_str(sb, "<span class=\"tag\">Agenda</span> ");
	const char *who = str(hit, "speaker");
	if (ok && who && who[0])
		ok = sb_append_str(sb, "<span class=\"who\">") && http_escape_html(sb, who) &&
		     sb_append_str(sb, ":</span> ");
	/* Escaped by Xapian, <mark> added: inserted as is (see above). */
	return ok && sb_append_str(sb, snippet && snippet[0] ? snippet : "…") &&
	       sb_append_str(sb, "</span></a></li>\n");
}

/* After a recording's moments: "N more moments in this recording", a link
 * to its moments, when it has more good ones than the page shows (search.h:
 * "recording_moments"). Not on the page of one recording's moments, nor
 * for filters alone (every moment of a recording matches them). */
static bool more_moments(strbuf *sb, const state *s, json_t *first, size_t shown)
{
	json_int_t good = json_integer_value(json_object_get(first, "recording_moments"));
	if (s->recording || !s->q[0] || good <= (json_int_t)shown)
		return true;
	state one = *s;
	one.recording = str(first, "recording");
	char n[64], more[COUNT_TEXT_SIZE];
	snprintf(n, sizeof n, "%s more moment%s",
	         count_text((long long)(good - (json_int_t)shown), more),
	         good - (json_int_t)shown == 1 ? "" : "s");
	return sb_append_str(sb, "<p class=\"more\"><a href=\"") && href(sb, &one, 1) &&
	       sb_append_str(sb, "\">") && sb_append_str(sb, n) &&
	       sb_append_str(sb, " in this recording</a></p>\n");
}

/* The moment a result's picture shows: its first hit's (a question's
 * when the hit is one), or -1 (the poster) for a hit in the notes or the
 * description, which has no time. */
static double picture_moment(json_t *hit)
{
	json_t *unit = json_object_get(hit, "unit");
	if (unit)
		return json_number_value(json_object_get(json_object_get(unit, "question"), "t"));
	const char *type = str(hit, "type");
	bool timed = !type || strcmp(type, "passage") == 0 || strcmp(type, "agenda") == 0;
	return timed ? json_number_value(json_object_get(hit, "t")) : -1;
}

static bool result_group(strbuf *sb, const state *s, json_t *hits, size_t from, size_t to)
{
	json_t *first = json_array_get(hits, from);
	const char *id = str(first, "recording"), *release = str(first, "release");
	bool ok = sb_append_str(sb, "<li class=\"result\">\n") &&
	          http_html_picture(sb, s->archive_dir, id, picture_moment(first),
	                            SEARCH_PICTURE_WIDTH) &&
	          sb_append_str(sb, "<h2><a href=\"/watch/") && http_escape_url(sb, id);
	if (ok && s->q && s->q[0])
		ok = sb_append_str(sb, "?q=") && http_escape_url(sb, s->q);
	ok = ok && sb_append_str(sb, "\">") && http_escape_html(sb, str(first, "title")) &&
	     sb_append_str(sb, "</a></h2>\n<p class=\"meta\">") &&
	     http_escape_html(sb, http_html_kind_label(str(first, "kind")));
	if (ok && release)
		ok = sb_append_str(sb, " · ") && http_html_release(sb, release);
	ok = ok && sb_append_str(sb, " · ") && http_html_date(sb, str(first, "date"));
	json_t *duration = json_object_get(first, "duration");
	if (ok && json_is_number(duration) && json_number_value(duration) > 0)
		ok = sb_append_str(sb, " · <span class=\"duration\"><span class=\"vh\">length "
		                       "</span>") &&
		     timecode_duration(sb, json_number_value(duration)) &&
		     sb_append_str(sb, "</span>");
	const char *made = str(first, "transcript");
	if (ok && made && strcmp(made, "machine") == 0)
		ok = sb_append_str(sb, " · <span class=\"tag machine\" title=\"made by speech "
		                       "recognition: names and terms may be wrong\">machine "
		                       "transcript</span>");
	ok = ok && sb_append_str(sb, "</p>\n<ul class=\"moments\">\n");
	for (size_t i = from; ok && i < to; i++)
		ok = moment_item(sb, s, json_array_get(hits, i));
	return ok && sb_append_str(sb, "</ul>\n") && more_moments(sb, s, first, to - from) &&
	       sb_append_str(sb, "</li>\n");
}

static bool pagination(strbuf *sb, const state *s, unsigned pages)
{
	if (pages <= 1)
		return true;
	char n[16];
	bool ok = sb_append_str(sb, "<nav class=\"pages\" aria-label=\"Result pages\"><ul>\n");
	if (ok && s->page > 1)
		ok = sb_append_str(sb, "<li><a rel=\"prev\" href=\"") && href(sb, s, s->page - 1) &&
		     sb_append_str(sb, "\">← Previous</a></li>\n");
	/* The first, the last, and two either side of the current page. */
	bool gap = false;
	for (unsigned p = 1; ok && p <= pages; p++) {
		bool near = p == 1 || p == pages || (p + 2 >= s->page && p <= s->page + 2);
		if (!near) {
			if (!gap)
				ok = sb_append_str(sb, "<li class=\"gap\">…</li>\n");
			gap = true;
			continue;
		}
		gap = false;
		snprintf(n, sizeof n, "%u", p);
		if (p == s->page)
			ok = sb_append_str(sb, "<li><a aria-current=\"page\" href=\"") &&
			     href(sb, s, p) && sb_append_str(sb, "\">");
		else
			ok = sb_append_str(sb, "<li><a href=\"") && href(sb, s, p) &&
			     sb_append_str(sb, "\"><span class=\"vh\">Page </span>");
		ok = ok && sb_append_str(sb, n) && sb_append_str(sb, "</a></li>\n");
	}
	if (ok && s->page < pages)
		ok = sb_append_str(sb, "<li><a rel=\"next\" href=\"") && href(sb, s, s->page + 1) &&
		     sb_append_str(sb, "\">Next →</a></li>\n");
	return ok && sb_append_str(sb, "</ul></nav>\n");
}

/* "Did you mean ...?", a link to the suggestion's search (none: nothing). */
static bool suggestion_line(strbuf *sb, const state *s, const char *suggestion)
{
	if (!suggestion || !suggestion[0])
		return true;
	state sug = *s;
	sug.q = suggestion;
	return sb_append_str(sb, "<p class=\"suggest\">Did you mean <a href=\"") &&
	       href(sb, &sug, 1) && sb_append_str(sb, "\">") && http_escape_html(sb, suggestion) &&
	       sb_append_str(sb, "</a>?</p>\n");
}

/* The facets beside the results: each value a link that narrows them.
 * Past search.h's check_at_least matches the counts are over the matches
 * looked at, and the aside says so. */
static bool facets_aside(strbuf *sb, const state *s, json_t *result)
{
	json_t *facets = json_object_get(result, "facets");
	char note[160] = "", sample[COUNT_TEXT_SIZE];
	if (json_is_true(json_object_get(result, "facets_are_estimates")))
		snprintf(note, sizeof note,
		         "<p class=\"facet-note\">Estimated from a sample of %s "
		         "matching passages.</p>\n",
		         count_text((long long)json_integer_value(
		                        json_object_get(result, "facets_counted_over")),
		                    sample));
	return sb_append_str(sb, "<aside class=\"facets\" aria-labelledby=\"facets-h\">\n"
	                         "<h2 id=\"facets-h\">Narrow down</h2>\n") &&
	       sb_append_str(sb, note) && facet_list(sb, s, facets, "release", "Release", 12) &&
	       facet_list(sb, s, facets, "kind", "Kind", 12) &&
	       facet_list(sb, s, facets, "speaker", "Speaker", 8) &&
	       facet_list(sb, s, facets, "year", "Year", 8) && sb_append_str(sb, "</aside>\n");
}

/* "Not found: debug": the words of the query the archive never holds
 * (search.h: "not_found"), crossed out as search engines show them; the
 * label says it for those who do not see the line. */
static bool not_found_line(strbuf *sb, json_t *result)
{
	json_t *words = json_object_get(result, "not_found"), *word;
	size_t i;
	if (json_array_size(words) == 0)
		return true;
	bool ok = sb_append_str(sb, "<p class=\"not-found\">Not found: ");
	json_array_foreach(words, i, word)
	{
		ok = ok && (i == 0 || sb_append_str(sb, ", ")) && sb_append_str(sb, "<s>") &&
		     http_escape_html(sb, json_string_value(word)) && sb_append_str(sb, "</s>");
	}
	return ok && sb_append_str(sb, "</p>\n");
}

/* "N recordings match" (or, for one recording, its moments), the page's
 * position, and whether every word was found. */
static bool count_line(strbuf *sb, const state *s, json_t *result, unsigned pages)
{
	json_t *hits = json_object_get(result, "hits");
	json_int_t total = json_integer_value(json_object_get(result, "total"));
	/* Matching documents, of which two at one time are one moment
	 * (search.h): on a single page, the moments listed are exact. */
	json_int_t moments =
	    pages > 1
	        ? json_integer_value(json_object_get(json_array_get(hits, 0), "recording_matches"))
	        : (json_int_t)json_array_size(hits);
	const char *match = str(result, "match");
	char count[160], n[COUNT_TEXT_SIZE];
	if (s->recording)
		snprintf(count, sizeof count, "%s moment%s in this recording match%s",
		         count_text((long long)moments, n), moments == 1 ? "" : "s",
		         moments == 1 ? "es" : "");
	else
		snprintf(count, sizeof count, "%s%s recording%s match%s",
		         json_is_true(json_object_get(result, "total_is_estimate")) ? "About " : "",
		         count_text((long long)total, n), total == 1 ? "" : "s",
		         total == 1 ? "es" : "");
	bool ok =
	    sb_append_str(sb, "<p class=\"count\" role=\"status\">") && sb_append_str(sb, count);
	if (ok && pages > 1) {
		char of[COUNT_TEXT_SIZE];
		snprintf(count, sizeof count, " · page %s of %s", count_text(s->page, n),
		         count_text(pages, of));
		ok = sb_append_str(sb, count);
	}
	ok = ok && sb_append_str(sb, ".");
	if (ok && match && strcmp(match, "any") == 0)
		ok = sb_append_str(sb, s->recording
		                           ? " None has every word, so these have some of them."
		                           : " No recording has every word, so these have "
		                             "some of them.");
	return ok && sb_append_str(sb, "</p>\n");
}

/* The results: the count, each recording with its moments, and the pages
 * (of recordings; of moments, thirty a page by default, for one
 * recording). */
static bool result_list(strbuf *sb, const state *s, json_t *result, unsigned per_page)
{
	json_t *hits = json_object_get(result, "hits");
	size_t n = json_array_size(hits);
	json_int_t total = json_integer_value(json_object_get(result, "total"));
	if (s->recording) {
		total = json_integer_value(
		    json_object_get(json_array_get(hits, 0), "recording_matches"));
		per_page *= SEARCH_MOMENTS_PER_RECORDING;
	}
	per_page = per_page ? per_page : 1;
	unsigned pages = (unsigned)((total + per_page - 1) / per_page);
	bool ok = count_line(sb, s, result, pages) && sb_append_str(sb, "<ol class=\"results\">\n");
	size_t from = 0;
	for (size_t i = 1; ok && i <= n; i++) {
		const char *a = str(json_array_get(hits, from), "recording");
		const char *b = i < n ? str(json_array_get(hits, i), "recording") : NULL;
		if (i < n && a && b && strcmp(a, b) == 0)
			continue;
		ok = result_group(sb, s, hits, from, i);
		from = i;
	}
	return ok && sb_append_str(sb, "</ol>\n") && pagination(sb, s, pages);
}

static bool empty_state(strbuf *sb, const state *s)
{
	bool ok = sb_append_str(sb, "<div class=\"empty\">\n<h2>Nothing found</h2>\n<p>No moment "
	                            "in the archive matches ");
	if (ok && s->q && s->q[0])
		ok = sb_append_str(sb, "<q>") && http_escape_html(sb, s->q) &&
		     sb_append_str(sb, "</q>");
	else
		ok = ok && sb_append_str(sb, "these filters");
	ok = ok && sb_append_str(sb, ".</p>\n<ul>\n<li>Check the spelling, or say it in "
	                             "other words.</li>\n<li>Try another "
	                             "word for it: <em>compile</em> finds <em>compiling</em>, and "
	                             "abbreviations such as FSDP find what they stand "
	                             "for.</li>\n");
	if (ok && (s->release || s->kind || s->speaker || s->recording || s->source || s->year)) {
		state all = {.q = s->q, .page = 1};
		ok = sb_append_str(sb, "<li><a href=\"") && href(sb, &all, 1) &&
		     sb_append_str(sb, "\">Search without the filters</a>.</li>\n");
	}
	return ok && sb_append_str(sb, "<li>Or <a href=\"/\">browse every recording</a>.</li>\n"
	                               "</ul>\n</div>\n");
}

/* The page around an error the user can fix (a query that does not parse,
 * a bad page number): 400 with the form and the message. */
static unsigned user_error(http_reply *out, const state *s, const char *message)
{
	strbuf sb = STRBUF_INIT;
	http_page page = {
	    .title = "Search", .query = s->q, .page = "search", .user = s->user, .req = s->req};
	bool ok = http_html_begin(&sb, &page) && sb_append_str(&sb, "<h1>Search</h1>\n") &&
	          search_form(&sb, s) &&
	          sb_append_str(&sb, "<p class=\"error\" role=\"alert\"><strong>That search "
	                             "could not be run.</strong> ") &&
	          http_escape_html(&sb, message) && sb_append_str(&sb, "</p>\n") &&
	          sb_append_str(&sb, help_html) && http_html_end(&sb);
	return http_html_reply(out, 400, &sb, ok);
}

/* A parameter as the page may show it again: not when search_run would
 * refuse it for its bytes or length (search_limits.h), so that a hostile
 * query is neither echoed into the form and every link nor made into a
 * page of invalid UTF-8. */
static const char *echo(const char *value)
{
	return search_limits_echoable(value) ? value : NULL;
}

/* Whether the request asks for anything (an empty form asks nothing). */
static bool asks(const http_request *req)
{
	static const char *const names[] = {"q",         "release", "kind", "speaker",
	                                    "recording", "source",  "year"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = http_query(req, names[i]);
		if (v && v[0])
			return true;
	}
	return false;
}

/* Examples of what to search for, each a link: words, a phrase, a field. */
static const char examples_html[] =
    "<section class=\"examples\" aria-labelledby=\"examples-h\">\n"
    "<h2 id=\"examples-h\">Try</h2>\n<ul>\n"
    "<li><a href=\"/search?q=%22dynamic+shapes%22\">\"dynamic shapes\"</a>: a phrase</li>\n"
    "<li><a href=\"/search?q=FSDP\">FSDP</a>: an abbreviation and what it stands for</li>\n"
    "<li><a href=\"/search?q=kind%3Atac-meeting+CI\">kind:tac-meeting CI</a>: in TAC "
    "meetings only</li>\n"
    "<li><a href=\"/search?q=torch.compile&amp;sort=date\">torch.compile, newest "
    "first</a></li>\n</ul>\n</section>\n";

/* The newest recordings (at most `max`), each linking to its page. */
static bool newest_list(strbuf *sb, json_t *list, size_t max)
{
	size_t n = json_array_size(list);
	if (n == 0)
		return true;
	bool ok = sb_append_str(sb, "<section class=\"newest\" aria-labelledby=\"newest-h\">\n"
	                            "<h2 id=\"newest-h\">Newest recordings</h2>\n<ul>\n");
	for (size_t i = 0; ok && i < n && i < max; i++) {
		json_t *rec = json_array_get(list, i);
		json_t *duration = json_object_get(rec, "duration");
		ok = sb_append_str(sb, "<li><a href=\"/watch/") &&
		     http_escape_url(sb, str(rec, "id")) && sb_append_str(sb, "\">") &&
		     http_escape_html(sb, str(rec, "title")) &&
		     sb_append_str(sb, "</a> <span class=\"meta\">") &&
		     http_escape_html(sb, http_html_kind_label(str(rec, "kind"))) &&
		     sb_append_str(sb, " · ") && http_html_date(sb, str(rec, "date"));
		if (ok && json_is_number(duration) && json_number_value(duration) > 0)
			ok = sb_append_str(sb, " · ") &&
			     timecode_duration(sb, json_number_value(duration));
		ok = ok && sb_append_str(sb, "</span></li>\n");
	}
	if (ok && n > max)
		ok = sb_append_str(sb, "<li><a href=\"/\">Every recording</a></li>\n");
	return ok && sb_append_str(sb, "</ul>\n</section>\n");
}

/* /search with nothing asked: the form, examples to try and the newest
 * recordings, rather than a bare box. */
static unsigned start_page(http_request *req, http_reply *out, const state *s)
{
	json_t *list = NULL;
	unsigned st = http_recordings_newest(req, out, &list);
	if (st)
		return st;
	strbuf sb = STRBUF_INIT;
	http_page page = {.title = "Search", .page = "search", .user = s->user, .req = req};
	bool ok =
	    http_html_begin(&sb, &page) && sb_append_str(&sb, "<h1>Search the archive</h1>\n") &&
	    search_form(&sb, s) && sb_append_str(&sb, "<div class=\"start\">\n") &&
	    sb_append_str(&sb, examples_html) && newest_list(&sb, list, 6) &&
	    sb_append_str(&sb, "</div>\n") && sb_append_str(&sb, help_html) && http_html_end(&sb);
	json_decref(list);
	return http_html_reply(out, 200, &sb, ok);
}

unsigned http_handle_search_page(http_request *req, http_reply *out)
{
	search_request sr;
	char err[512];
	json_t *result = NULL;
	bool params_ok = http_search_params(req, &sr, err, sizeof err);
	search_profile profile = {0};
	if (params_ok && http_search_profiled(req))
		sr.profile = &profile;
	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	bool staff = http_session_user(req, user, csrf);
	state s = {.q = echo(sr.query) ? sr.query : "",
	           .release = echo(sr.release),
	           .kind = echo(sr.kind),
	           .speaker = echo(sr.speaker),
	           .source = echo(sr.source),
	           .recording = echo(sr.recording),
	           .page = sr.page,
	           .questions = sr.questions,
	           .user = staff ? user : NULL,
	           .req = req,
	           .year = echo(sr.year),
	           .by_date = sr.by_date,
	           .archive_dir = req->server->archive_dir};
	if (!asks(req))
		return start_page(req, out, &s);
	if (!params_ok)
		return user_error(out, &s, err);
	unsigned st = http_search_run(req, &sr, out, &result);
	if (st == 400) {
		char message[512];
		snprintf(message, sizeof message, "%s", out->message ? out->message : "bad query");
		return user_error(out, &s, message);
	}
	if (st)
		return st;

	double rendered = search_profile_now();
	json_t *hits = json_object_get(result, "hits");
	const char *suggestion = str(result, "suggestion");
	json_int_t total = json_integer_value(json_object_get(result, "total"));
	size_t n = json_array_size(hits);
	if (s.recording)
		s.recording_title = str(json_array_get(hits, 0), "title");

	strbuf sb = STRBUF_INIT;
	char title[300];
	snprintf(title, sizeof title, "%.200s: search", s.q[0] ? s.q : "Filtered");
	http_page page = {
	    .title = title, .query = s.q, .page = "search", .user = s.user, .req = req};
	bool ok = http_html_begin(&sb, &page) && sb_append_str(&sb, "<h1>");
	if (ok && s.q[0])
		ok = sb_append_str(&sb, "Results for <q>") && http_escape_html(&sb, s.q) &&
		     sb_append_str(&sb, "</q>");
	else
		ok = ok && sb_append_str(&sb, "Recordings");
	ok = ok && sb_append_str(&sb, "</h1>\n") && search_form(&sb, &s) &&
	     sb_append_str(&sb, "<div class=\"search-layout\">\n<div class=\"results-col\">\n") &&
	     filter_chips(&sb, &s) && questions_toggle(&sb, &s) && (n == 0 || sort_links(&sb, &s));
	ok = ok && suggestion_line(&sb, &s, suggestion) && not_found_line(&sb, result);
	if (ok && n == 0 && total > 0) {
		state first = s;
		ok = sb_append_str(&sb, "<p class=\"empty\">There are fewer pages than that. <a "
		                        "href=\"") &&
		     href(&sb, &first, 1) &&
		     sb_append_str(&sb, "\">Back to the first page</a>.</p>\n");
	} else if (ok && n == 0) {
		ok = empty_state(&sb, &s);
	} else if (ok) {
		ok = result_list(&sb, &s, result, sr.per_page);
	}
	ok = ok && sb_append_str(&sb, "</div>\n") && (total == 0 || facets_aside(&sb, &s, result));
	ok = ok && sb_append_str(&sb, "</div>\n") && sb_append_str(&sb, help_html) &&
	     http_html_end(&sb);
	json_decref(result);
	if (sr.profile)
		http_search_timing(out, sr.profile, "html", search_profile_now() - rendered);
	return http_html_reply(out, 200, &sb, ok);
}
