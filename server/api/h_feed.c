/* GET /feed.xml: an Atom feed (RFC 4287) of the newest recordings.
 * GET /feed.xml?q=...: a saved search ("tell me when X is said"): one
 * entry per matching moment, newest recordings first, each linking to
 * /watch/<id>?t=N. The other /api/search parameters (release, kind,
 * speaker, recording, exact, limit, type) narrow it the same way.
 * GET /feed.xml?type=questions: the questions asked in the newest
 * recordings (qa_units.h), one entry per question, each linking to
 * /watch/<id>?t=N where it is asked. Every string from the
 * archive or the query is XML-escaped (escape.h); links are absolute, from
 * the Host header (request.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "api.h"
#include "recording_files.h"
#include "search_params.h"

#define FEED_RECORDINGS 20
/* Entries of the questions feed at most: a few recordings' worth. */
#define FEED_QUESTIONS 100

typedef struct feed {
	strbuf sb;
	bool ok;
	char origin[320];
} feed;

static void put(feed *f, const char *s)
{
	f->ok = f->ok && sb_append_str(&f->sb, s);
}

static void put_xml(feed *f, const char *s)
{
	f->ok = f->ok && http_escape_xml(&f->sb, s ? s : "");
}

static void put_url(feed *f, const char *s)
{
	f->ok = f->ok && http_escape_url(&f->sb, s ? s : "");
}

/* An RFC 3339 date-time for a recording's "YYYY-MM-DD" (Atom §3.3). */
static void put_date(feed *f, const char *date)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.10sT00:00:00Z",
	         date && strlen(date) == 10 ? date : "1970-01-01");
	put(f, buf);
}

/* "12:34" or "1:02:03", as the CLI prints a moment. */
static void format_time(double t, char *out, size_t size)
{
	long s = isfinite(t) && t > 0 ? (long)t : 0;
	if (s >= 3600)
		snprintf(out, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, size, "%02ld:%02ld", s / 60, s % 60);
}

static void feed_head(feed *f, const char *title, const char *self_query, const char *alternate,
                      const char *updated)
{
	put(f, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	       "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	put_xml(f, title);
	put(f, "</title>\n<id>");
	put_xml(f, f->origin);
	put(f, "/feed.xml");
	put_xml(f, self_query);
	put(f, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	put_xml(f, f->origin);
	put(f, "/feed.xml");
	put_xml(f, self_query);
	put(f, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_xml(f, f->origin);
	put_xml(f, alternate);
	put(f, "\"/>\n<updated>");
	put_date(f, updated);
	put(f, "</updated>\n<author><name>qarchive</name></author>\n"
	       "<generator>qarchive</generator>\n");
}

static void recording_entry(feed *f, json_t *r)
{
	const char *id = json_string_value(json_object_get(r, "id"));
	const char *description = json_string_value(json_object_get(r, "description"));
	put(f, "<entry>\n<title>");
	put_xml(f, json_string_value(json_object_get(r, "title")));
	put(f, "</title>\n<id>");
	put_xml(f, f->origin);
	put(f, "/watch/");
	put_url(f, id);
	put(f, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_xml(f, f->origin);
	put(f, "/watch/");
	put_url(f, id);
	put(f, "\"/>\n<updated>");
	put_date(f, json_string_value(json_object_get(r, "date")));
	put(f, "</updated>\n<category term=\"");
	put_xml(f, json_string_value(json_object_get(r, "kind")));
	put(f, "\"/>\n<summary>");
	put_xml(f, description ? description : json_string_value(json_object_get(r, "title")));
	put(f, "</summary>\n</entry>\n");
}

static void moment_entry(feed *f, json_t *hit, const char *q)
{
	const char *id = json_string_value(json_object_get(hit, "recording"));
	double t = json_number_value(json_object_get(hit, "t"));
	char when[32], secs[32];
	format_time(t, when, sizeof when);
	snprintf(secs, sizeof secs, "%.0f", isfinite(t) && t > 0 ? floor(t) : 0.0);
	strbuf link = STRBUF_INIT;
	f->ok = f->ok && sb_append_str(&link, f->origin) && sb_append_str(&link, "/watch/") &&
	        http_escape_url(&link, id) && sb_append_str(&link, "?t=") &&
	        sb_append_str(&link, secs) && sb_append_str(&link, "&q=") &&
	        http_escape_url(&link, q);
	put(f, "<entry>\n<title>");
	put_xml(f, json_string_value(json_object_get(hit, "title")));
	put(f, " at ");
	put(f, when);
	put(f, "</title>\n<id>");
	put_xml(f, link.data);
	put(f, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_xml(f, link.data);
	put(f, "\"/>\n<updated>");
	put_date(f, json_string_value(json_object_get(hit, "date")));
	/* The snippet is HTML (matched words in <mark>, the text escaped):
	 * Atom's type="html" carries it escaped once more (RFC 4287 §3.1.1.2). */
	put(f, "</updated>\n<content type=\"html\">");
	put_xml(f, json_string_value(json_object_get(hit, "snippet")));
	put(f, "</content>\n</entry>\n");
	sb_free(&link);
}

typedef struct ranked {
	json_t *hit;
	size_t rank;
} ranked;

/* Newest recording first; within a date, the search's own order. */
static int by_date(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	const char *dx = json_string_value(json_object_get(x->hit, "date"));
	const char *dy = json_string_value(json_object_get(y->hit, "date"));
	int c = strcmp(dy ? dy : "", dx ? dx : "");
	return c ? c : (x->rank > y->rank) - (x->rank < y->rank);
}

static unsigned saved_search(http_request *req, http_reply *out, feed *f)
{
	search_request sr;
	char err[256];
	if (!http_search_params(req, &sr, err, sizeof err))
		return http_reply_error(out, 400, "%s", err);
	if (!http_query(req, "limit"))
		sr.per_page = FEED_RECORDINGS;
	json_t *result = NULL;
	unsigned st = http_search_run(req, &sr, out, &result);
	if (st)
		return st;
	json_t *hits = json_object_get(result, "hits");
	size_t n = json_array_size(hits);
	ranked *order = calloc(n ? n : 1, sizeof *order);
	if (!order) {
		json_decref(result);
		return http_reply_error(out, 500, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		order[i] = (ranked){json_array_get(hits, i), i};
	qsort(order, n, sizeof *order, by_date);

	strbuf self = STRBUF_INIT, alt = STRBUF_INIT, title = STRBUF_INIT;
	f->ok = sb_append_str(&self, "?q=") && http_escape_url(&self, sr.query) &&
	        sb_append_str(&alt, "/search?q=") && http_escape_url(&alt, sr.query) &&
	        sb_append_str(&title, "qarchive: \u201c") && sb_append_str(&title, sr.query) &&
	        sb_append_str(&title, "\u201d");
	feed_head(f, title.data, self.data, alt.data,
	          n ? json_string_value(json_object_get(order[0].hit, "date")) : NULL);
	for (size_t i = 0; i < n; i++)
		moment_entry(f, order[i].hit, sr.query);
	put(f, "</feed>\n");
	sb_free(&self);
	sb_free(&alt);
	sb_free(&title);
	free(order);
	json_decref(result);
	return 0;
}

/* One unit of recording r: q is {"t", "text", "speaker", "kind"} from
 * the recording's summary (a question asked, or an agenda item). */
static void question_entry(feed *f, json_t *r, json_t *q)
{
	const char *id = json_string_value(json_object_get(r, "id"));
	const char *who = json_string_value(json_object_get(q, "speaker"));
	double t = json_number_value(json_object_get(q, "t"));
	char when[32], secs[32];
	format_time(t, when, sizeof when);
	snprintf(secs, sizeof secs, "%.0f", isfinite(t) && t > 0 ? floor(t) : 0.0);
	strbuf link = STRBUF_INIT;
	f->ok = f->ok && sb_append_str(&link, f->origin) && sb_append_str(&link, "/watch/") &&
	        http_escape_url(&link, id) && sb_append_str(&link, "?t=") &&
	        sb_append_str(&link, secs);
	put(f, "<entry>\n<title>");
	put_xml(f, json_string_value(json_object_get(q, "text")));
	put(f, "</title>\n<id>");
	put_xml(f, link.data);
	put(f, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_xml(f, link.data);
	put(f, "\"/>\n<updated>");
	put_date(f, json_string_value(json_object_get(r, "date")));
	const char *kind = json_string_value(json_object_get(q, "kind"));
	/* A meeting's agenda item (agenda_units.h) is discussed, not asked. */
	put(f, kind && strcmp(kind, "agenda") == 0 ? "</updated>\n<summary>Agenda item at "
	                                           : "</updated>\n<summary>Asked at ");
	put(f, when);
	if (who) {
		put(f, " by ");
		put_xml(f, who);
	}
	put(f, " in ");
	put_xml(f, json_string_value(json_object_get(r, "title")));
	put(f, "</summary>\n</entry>\n");
	sb_free(&link);
}

/* The questions asked in the newest recordings, newest recording first. */
static unsigned newest_questions(http_request *req, http_reply *out, feed *f)
{
	json_t *list = NULL;
	unsigned st = http_recordings_newest(req, out, &list);
	if (st)
		return st;
	size_t n = json_array_size(list), written = 0;
	feed_head(f, "qarchive: newest questions", "?type=questions", "/",
	          n ? json_string_value(json_object_get(json_array_get(list, 0), "date")) : NULL);
	for (size_t i = 0; i < n && written < FEED_QUESTIONS; i++) {
		json_t *r = json_array_get(list, i), *qs = json_object_get(r, "questions");
		for (size_t k = 0; k < json_array_size(qs) && written < FEED_QUESTIONS;
		     k++, written++)
			question_entry(f, r, json_array_get(qs, k));
	}
	put(f, "</feed>\n");
	json_decref(list);
	return 0;
}

static unsigned newest(http_request *req, http_reply *out, feed *f)
{
	json_t *list = NULL;
	unsigned st = http_recordings_newest(req, out, &list);
	if (st)
		return st;
	size_t n = json_array_size(list);
	feed_head(f, "qarchive: newest recordings", "", "/",
	          n ? json_string_value(json_object_get(json_array_get(list, 0), "date")) : NULL);
	for (size_t i = 0; i < n && i < FEED_RECORDINGS; i++)
		recording_entry(f, json_array_get(list, i));
	put(f, "</feed>\n");
	json_decref(list);
	return 0;
}

unsigned http_handle_feed(http_request *req, http_reply *out)
{
	feed f = {.sb = STRBUF_INIT, .ok = true};
	http_request_origin(req, f.origin, sizeof f.origin);
	const char *q = http_query(req, "q");
	bool search = (q && q[0]) || http_query(req, "release") || http_query(req, "kind") ||
	              http_query(req, "speaker") || http_query(req, "recording");
	const char *type = http_query(req, "type");
	bool questions = type && strcmp(type, "questions") == 0;
	if (!search && type && type[0] && !questions && strcmp(type, "moments") != 0)
		return http_reply_error(out, 400, "type: expected questions or moments");
	unsigned st = search      ? saved_search(req, out, &f)
	              : questions ? newest_questions(req, out, &f)
	                          : newest(req, out, &f);
	if (st) {
		sb_free(&f.sb);
		return st;
	}
	size_t len = f.sb.len;
	char *text = f.ok ? sb_take(&f.sb) : NULL;
	sb_free(&f.sb);
	if (!text)
		return http_reply_error(out, 500, "out of memory");
	http_reply_take(out, "application/atom+xml; charset=utf-8", text, len);
	http_reply_header_add(out, "Cache-Control", "no-cache");
	return 200;
}
