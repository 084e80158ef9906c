/* GET /watch/<id>?t=754[&end=800][&answer=760-812][&q=...]: one recording
 * (answer: a question's answer to mark, answer_span.h).
 *
 * Works with scripts off: the player's src carries a media fragment
 * (#t=START or #t=START,END, W3C Media Fragments URI 1.0 §4.2.1), so the
 * browser itself starts at the moment (and stops at the end of a clip);
 * every cue's and agenda item's time is a link to ?t=N. watch.js then
 * enhances: seeking without reloading, following the spoken cue, marking
 * the words of ?q=, copying a link to the moment, clips from a selection.
 *
 * t and end accept 754, 754.5, 12:34, 1:02:03, 12m34s, 1h2m3s
 * (timecode_parse); anything else is ignored rather than refused, so
 * a mangled shared link still opens the recording.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "answer_span.h"
#include "escape.h"
#include "file_io.h"
#include "pages.h"
#include "html.h"
#include "pictures_store.h"
#include "recording_files.h"
#include "search_limits.h"
#include "session_cookie.h"
#include "notes_links.h"
#include "share_meta.h"
#include "watch_next.h"
#include "timecode.h"
#include "transcribe_job.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Whether the media file (by its extension) is sound only: then <audio>. */
static bool audio_only(const char *media)
{
	static const char *const audio[] = {"m4a",  "mp3", "aac",  "oga", "ogg",
	                                    "opus", "wav", "flac", "mka"};
	const char *dot = media ? strrchr(media, '.') : NULL;
	for (size_t i = 0; dot && i < sizeof audio / sizeof audio[0]; i++)
		if (strcasecmp(dot + 1, audio[i]) == 0)
			return true;
	return false;
}

typedef struct watch {
	const char *id;
	bool staff;    /* signed in: links to edit and delete */
	const char *q; /* NULL when absent or empty */
	bool has_t, has_end;
	double t, end;
	bool has_answer;               /* ?answer=FROM-TO: a unit's answer, marked */
	double answer_from, answer_to; /* when has_answer (answer_span.h) */
	bool machine;                  /* the transcript is speech recognition's */
	bool has_job;                  /* no transcript, and a transcription job */
	bool has_media;                /* a media file to play and download */
	transcribe_job job;            /* when has_job */
	pictures_info pics;            /* its poster and storyboard, when made */
} watch;

/* /watch/<id>?t=N[&q=...], escaped for an attribute. */
static bool moment_href(strbuf *sb, const watch *w, double t)
{
	bool ok = sb_append_str(sb, "/watch/") && http_escape_url(sb, w->id) &&
	          sb_append_str(sb, "?t=") && timecode_seconds(sb, t);
	if (ok && w->q)
		ok = sb_append_str(sb, "&amp;q=") && http_escape_url(sb, w->q);
	return ok;
}

static bool player(strbuf *sb, const watch *w, json_t *summary, bool has_cues)
{
	const char *media = str(summary, "media");
	if (!media || json_is_null(json_object_get(summary, "media")))
		return sb_append_str(sb, has_cues ? "<p class=\"no-media\">This recording has no "
		                                    "audio or video here; its transcript is "
		                                    "below.</p>\n"
		                                  : "<p class=\"no-media\">This recording has no "
		                                    "audio or video here.</p>\n");
	const char *tag = audio_only(media) ? "audio" : "video";
	bool ok = sb_append_str(sb, "<div class=\"player\" data-id=\"") &&
	          http_escape_attr(sb, w->id) && sb_append_str(sb, "\">\n<") &&
	          sb_append_str(sb, tag) &&
	          sb_append_str(sb, " id=\"player\" controls preload=\"metadata\" "
	                            "playsinline src=\"/media/") &&
	          http_escape_url(sb, w->id);
	if (ok && (w->has_t || w->has_end)) {
		ok = sb_append_str(sb, "#t=") && timecode_seconds(sb, w->has_t ? w->t : 0);
		if (ok && w->has_end)
			ok = sb_append_char(sb, ',') && timecode_seconds(sb, w->end);
	}
	ok = ok && sb_append_str(sb, "\" data-start=\"") &&
	     timecode_seconds(sb, w->has_t ? w->t : 0) && sb_append_char(sb, '"');
	/* Pictures (pictures_store.h): the poster frame, and the storyboard
	 * the control bar's hover preview reads. */
	bool video = tag[0] == 'v' && w->pics.published && w->pics.video;
	if (ok && video)
		ok = sb_append_str(sb, " poster=\"/pictures/") && http_escape_url(sb, w->id) &&
		     sb_append_str(sb, "/poster.jpg\"");
	if (ok && video && w->pics.storyboard)
		ok = sb_append_str(sb, " data-storyboard=\"/pictures/") &&
		     http_escape_url(sb, w->id) && sb_append_str(sb, "/storyboard.json\"");
	/* player.js: chapters drawn before the metadata arrives; a ?t= link
	 * plays from t (when the browser lets it). */
	json_t *duration = json_object_get(summary, "duration");
	if (ok && json_is_number(duration) && json_number_value(duration) > 0)
		ok = sb_append_str(sb, " data-duration=\"") &&
		     timecode_seconds(sb, json_number_value(duration)) && sb_append_char(sb, '"');
	if (ok && w->has_t)
		ok = sb_append_str(sb, " data-autoplay");
	if (ok && w->has_end)
		ok = sb_append_str(sb, " data-end=\"") && timecode_seconds(sb, w->end) &&
		     sb_append_char(sb, '"');
	ok = ok && sb_append_str(sb, ">\n");
	/* Not "default": the transcript is on the page already, and player.js
	 * builds the captions from it; the track is fetched only when someone
	 * without scripts turns captions on. */
	if (ok && has_cues)
		ok = sb_append_str(sb, "<track kind=\"captions\" src=\"/captions/") &&
		     http_escape_url(sb, w->id) &&
		     sb_append_str(sb, ".vtt\" srclang=\"en\" label=\"English\">\n");
	if (ok && json_array_size(json_object_get(summary, "agenda")) > 0)
		ok = sb_append_str(sb, "<track kind=\"chapters\" src=\"/chapters/") &&
		     http_escape_url(sb, w->id) &&
		     sb_append_str(sb, ".vtt\" srclang=\"en\" label=\"Chapters\">\n");
	ok = ok && sb_append_str(sb, "<p>This browser cannot play it here: <a href=\"/media/") &&
	     http_escape_url(sb, w->id) &&
	     sb_append_str(sb, "\">download the recording</a>.</p>\n") && sb_append_str(sb, "</") &&
	     sb_append_str(sb, tag) &&
	     sb_append_str(sb, ">\n</div>\n<div class=\"player-tools\" hidden>\n"
	                       "<button type=\"button\" id=\"copy-moment\">Copy link to this "
	                       "moment</button>\n<input type=\"text\" id=\"copy-fallback\" "
	                       "readonly hidden aria-label=\"Link to this moment\">\n"
	                       "<span id=\"copy-status\" role=\"status\"></span>\n</div>\n");
	if (ok && w->has_end) {
		ok = sb_append_str(sb, "<p class=\"clip-note\">This link plays a clip, from ") &&
		     timecode_clock(sb, w->has_t ? w->t : 0) && sb_append_str(sb, " to ") &&
		     timecode_clock(sb, w->end) && sb_append_str(sb, ". <a href=\"") &&
		     moment_href(sb, w, w->has_t ? w->t : 0) &&
		     sb_append_str(sb, "\">Keep playing past the end</a>.</p>\n");
	}
	return ok;
}

/* Under a TAC meeting's agenda item, the decisions stated in it
 * (decisions.h): "Decided", each a link to where it is said. */
static bool decided(strbuf *sb, const watch *w, json_t *decisions)
{
	size_t n = json_array_size(decisions);
	bool ok = n == 0 || sb_append_str(sb, "<ul class=\"decisions\">");
	for (size_t i = 0; ok && i < n; i++) {
		json_t *d = json_array_get(decisions, i);
		double t = json_number_value(json_object_get(d, "t"));
		ok = sb_append_str(sb, "<li><span class=\"tag\">Decided</span> <a href=\"") &&
		     moment_href(sb, w, t) && sb_append_str(sb, "\" data-t=\"") &&
		     timecode_seconds(sb, t) && sb_append_str(sb, "\">") &&
		     http_escape_html(sb, str(d, "text")) && sb_append_str(sb, "</a></li>");
	}
	return ok && (n == 0 || sb_append_str(sb, "</ul>"));
}

static bool agenda(strbuf *sb, const watch *w, json_t *items)
{
	size_t n = json_array_size(items);
	if (n == 0)
		return true;
	bool ok = sb_append_str(sb, "<section class=\"agenda\" aria-labelledby=\"agenda-h\">\n"
	                            "<h2 id=\"agenda-h\">Agenda</h2>\n<ol class=\"chapters\" "
	                            "data-chapters>\n");
	for (size_t i = 0; ok && i < n; i++) {
		json_t *item = json_array_get(items, i);
		double start = json_number_value(json_object_get(item, "start"));
		ok = sb_append_str(sb, "<li data-start=\"") && timecode_seconds(sb, start) &&
		     sb_append_str(sb, "\"><a href=\"") && moment_href(sb, w, start) &&
		     sb_append_str(sb, "\" data-t=\"") && timecode_seconds(sb, start) &&
		     sb_append_str(sb, "\"><span class=\"ts\">") && timecode_clock(sb, start) &&
		     sb_append_str(sb, "</span> <span class=\"title\">") &&
		     http_escape_html(sb, str(item, "title")) && sb_append_str(sb, "</span></a>") &&
		     decided(sb, w, json_object_get(item, "decisions")) &&
		     sb_append_str(sb, "</li>\n");
	}
	return ok && sb_append_str(sb, "</ol>\n</section>\n");
}

/* Under a question, the closest one asked in another recording
 * (similar_units.h): "Also asked in 2.7: …", a link to where it is asked.
 * One only: the page stays a list of this recording's questions. */
static bool also_asked(strbuf *sb, json_t *similar)
{
	const char *rec = str(similar, "recording"), *text = str(similar, "question");
	const char *where =
	    str(similar, "release") ? str(similar, "release") : str(similar, "title");
	if (!rec || !text)
		return true;
	double t = json_number_value(json_object_get(similar, "t"));
	return sb_append_str(sb, "<p class=\"also\">Also asked in ") &&
	       http_escape_html(sb, where ? where : rec) &&
	       sb_append_str(sb, ": <a href=\"/watch/") && http_escape_html(sb, rec) &&
	       sb_append_str(sb, "?t=") && timecode_seconds(sb, t) && sb_append_str(sb, "\">") &&
	       http_escape_html(sb, text) && sb_append_str(sb, "</a></p>");
}

/* "Questions in this Q&A": the questions asked (qa_units.h, from the
 * recording's summary), each a link to its start; watch.js seeks there and
 * marks the one being asked or answered. */
static bool questions(strbuf *sb, const watch *w, json_t *items)
{
	size_t n = json_array_size(items), asked = 0;
	for (size_t i = 0; i < n; i++) {
		const char *kind = str(json_array_get(items, i), "kind");
		asked += !kind || strcmp(kind, "agenda") != 0;
	}
	if (asked == 0)
		return true;
	bool ok = sb_append_str(sb, "<section class=\"asked\" aria-labelledby=\"asked-h\">\n"
	                            "<h2 id=\"asked-h\">Questions in this Q&amp;A</h2>\n"
	                            "<ol class=\"chapters\">\n");
	for (size_t i = 0; ok && i < n; i++) {
		json_t *item = json_array_get(items, i);
		double start = json_number_value(json_object_get(item, "t"));
		const char *who = str(item, "speaker"), *kind = str(item, "kind");
		/* A meeting's agenda items are units too (agenda_units.h); the
		 * agenda above lists them with their decisions. */
		if (kind && strcmp(kind, "agenda") == 0)
			continue;
		ok = sb_append_str(sb, "<li data-start=\"") && timecode_seconds(sb, start) &&
		     sb_append_str(sb, "\"><a href=\"") && moment_href(sb, w, start) &&
		     sb_append_str(sb, "\" data-t=\"") && timecode_seconds(sb, start) &&
		     sb_append_str(sb, "\"><span class=\"ts\">") && timecode_clock(sb, start) &&
		     sb_append_str(sb, "</span> <span class=\"title\">") &&
		     http_escape_html(sb, str(item, "text"));
		if (ok && who)
			ok = sb_append_str(sb, " <span class=\"who\">(") &&
			     http_escape_html(sb, who) && sb_append_str(sb, ")</span>");
		ok = ok && sb_append_str(sb, "</span></a>") &&
		     also_asked(sb, json_array_get(json_object_get(item, "similar"), 0)) &&
		     sb_append_str(sb, "</li>\n");
	}
	return ok && sb_append_str(sb, "</ol>\n</section>\n");
}

/* The index of the cue being spoken at t: the last that starts at or
 * before it (cues are in time order; an overlap goes to the later one). */
static size_t cue_at(const cue_list *cues, double t)
{
	size_t at = 0;
	for (size_t i = 0; i < cues->count; i++)
		if (cues->items[i].start <= t + 0.001)
			at = i;
	return at;
}

/* Where speech recognition stands for a recording without a transcript:
 * queued, "Transcribing: 40%", or why it failed (the recording itself
 * plays on regardless). */
static bool transcription_note(strbuf *sb, const watch *w)
{
	char text[sizeof w->job.message + 64];
	transcribe_job_describe(&w->job, time(NULL), text, sizeof text);
	if (text[0] >= 'a' && text[0] <= 'z')
		text[0] = (char)(text[0] - 'a' + 'A'); /* a sentence: "Transcribing: 40%" */
	bool failed = w->job.state == TRANSCRIBE_STATE_FAILED;
	bool ok = sb_append_str(sb, "<p class=\"empty transcription\" data-state=\"") &&
	          sb_append_str(sb, transcribe_state_str(w->job.state)) &&
	          sb_append_str(sb, "\" role=\"status\"><span class=\"job-text\">") &&
	          http_escape_html(sb, text) && sb_append_str(sb, "</span>") &&
	          sb_append_str(sb, failed ? ". The recording plays as usual; its title, "
	                                     "description, agenda and notes are searchable."
	                                   : ". Speech recognition is making a machine "
	                                     "transcript; it becomes searchable when done.");
	if (ok && w->staff)
		ok = sb_append_str(sb, " <a href=\"/edit/") && http_escape_url(sb, w->id) &&
		     sb_append_str(sb, "#f-transcript\">Add a transcript</a>.");
	return ok && sb_append_str(sb, "</p>\n</section>\n");
}

/* The label of a machine transcript, and for staff the way to replace it. */
static bool machine_label(strbuf *sb, const watch *w)
{
	bool ok =
	    sb_append_str(sb, "<p class=\"machine-label\"><strong>Machine transcript</strong>: "
	                      "made by speech recognition, so names and terms may be "
	                      "wrong.");
	if (ok && w->staff)
		ok = sb_append_str(sb, " <a href=\"/edit/") && http_escape_url(sb, w->id) &&
		     sb_append_str(sb, "#f-transcript\">Replace it with a human transcript</a>.");
	return ok && sb_append_str(sb, "</p>\n");
}

/* Above the transcript of a unit's link (?answer=): where its answer is,
 * a link to its start; the answer's cues are marked below ("cue answer")
 * and the list carries the span for scripts (data-answer-start, -end). */
static bool answer_note(strbuf *sb, const watch *w)
{
	if (!w->has_answer)
		return true;
	return sb_append_str(sb, "<p class=\"answer-note\" data-answer-start=\"") &&
	       timecode_seconds(sb, w->answer_from) && sb_append_str(sb, "\" data-answer-end=\"") &&
	       timecode_seconds(sb, w->answer_to) &&
	       sb_append_str(sb, "\"><span class=\"tag\">A</span> The answer, <a href=\"") &&
	       moment_href(sb, w, w->answer_from) && sb_append_str(sb, "\" data-t=\"") &&
	       timecode_seconds(sb, w->answer_from) && sb_append_str(sb, "\">") &&
	       timecode_clock(sb, w->answer_from) && sb_append_str(sb, "\u2013") &&
	       timecode_clock(sb, w->answer_to) &&
	       sb_append_str(sb, "</a>, is marked in the transcript.</p>\n");
}

/* Under the cues: the transcript to download (h_captions.c) and the
 * media; also where "Skip the transcript" lands. */
static bool downloads(strbuf *sb, const watch *w)
{
	static const char *const as[][2] = {{"vtt", "WebVTT"}, {"srt", "SRT"}, {"txt", "text"}};
	bool ok = sb_append_str(sb, "<p class=\"downloads\" id=\"after-transcript\" "
	                            "tabindex=\"-1\">Download the transcript:");
	for (size_t i = 0; ok && i < sizeof as / sizeof as[0]; i++)
		ok = sb_append_str(sb, i ? " · <a href=\"/captions/" : " <a href=\"/captions/") &&
		     http_escape_url(sb, w->id) && sb_append_char(sb, '.') &&
		     sb_append_str(sb, as[i][0]) && sb_append_str(sb, "\" download>") &&
		     sb_append_str(sb, as[i][1]) && sb_append_str(sb, "</a>");
	if (ok && w->has_media)
		ok = sb_append_str(sb, ". <a href=\"/media/") && http_escape_url(sb, w->id) &&
		     sb_append_str(sb, "\" download>Download the recording</a>");
	return ok && sb_append_str(sb, ".</p>\n");
}

static bool transcript_section(strbuf *sb, const watch *w, const http_transcript *tr,
                               bool unreadable)
{
	const cue_list *cues = tr->cues;
	bool ok = sb_append_str(sb, "<section class=\"transcript\" id=\"transcript\" "
	                            "aria-labelledby=\"transcript-h\">\n<div class=\"bar\">\n"
	                            "<h2 id=\"transcript-h\">Transcript</h2>\n");
	if (ok && cues->count > 0)
		ok = sb_append_str(sb, "<div class=\"tools\" hidden>\n<button type=\"button\" "
		                       "id=\"follow\" aria-pressed=\"true\">Follow along</button>\n"
		                       "</div>\n");
	ok = ok && sb_append_str(sb, "</div>\n");
	if (ok && cues->count > 0)
		ok = answer_note(sb, w);
	if (ok && cues->count == 0 && !unreadable && w->has_job)
		return transcription_note(sb, w);
	if (ok && cues->count > 0 && w->machine)
		ok = machine_label(sb, w);
	if (ok && cues->count == 0) {
		/* A recording with neither a transcript file nor a subtitle
		 * stream is accepted (staff add the transcript later): it is
		 * pending, and its title, description, agenda and notes are
		 * searchable meanwhile. */
		const char *why = unreadable
		                      ? "The transcript could not be read; try again later."
		                      : "Transcript pending: this recording has no transcript yet. "
		                        "Its description, agenda and notes are searchable "
		                        "meanwhile.";
		ok = sb_append_str(sb, "<p class=\"empty transcript-pending\">") &&
		     http_escape_html(sb, why);
		if (ok && w->staff && !unreadable)
			ok = sb_append_str(sb, " <a href=\"/edit/") && http_escape_url(sb, w->id) &&
			     sb_append_str(sb, "#f-transcript\">Add the transcript</a>.");
		return ok && sb_append_str(sb, "</p>\n</section>\n");
	}
	if (ok)
		ok = sb_append_str(sb,
		                   "<p class=\"clip-offer\" hidden></p>\n"
		                   "<p class=\"hint\">Select a stretch of the transcript to get a "
		                   "link to just that clip.</p>\n<a class=\"skip-transcript\" "
		                   "href=\"#after-transcript\">Skip the transcript</a>\n"
		                   "<ol class=\"cues\" id=\"cues\">\n");
	size_t current = w->has_t ? cue_at(cues, w->t) : (size_t)-1;
	const char *last_voice = NULL;
	char num[32];
	for (size_t i = 0; ok && i < cues->count; i++) {
		const cue *c = &cues->items[i];
		snprintf(num, sizeof num, "%zu", i + 1);
		bool answer = w->has_answer &&
		              answer_span_holds(w->answer_from, w->answer_to, c->start, c->end);
		ok = sb_append_str(sb, answer ? "<li class=\"cue answer\" id=\"cue-"
		                              : "<li class=\"cue\" id=\"cue-") &&
		     sb_append_str(sb, num) && sb_append_str(sb, "\" data-start=\"") &&
		     timecode_seconds(sb, c->start) && sb_append_str(sb, "\" data-end=\"") &&
		     timecode_seconds(sb, c->end) && sb_append_char(sb, '"') &&
		     (i != current || sb_append_str(sb, " aria-current=\"true\"")) &&
		     sb_append_str(sb, "><a class=\"ts\" href=\"") &&
		     moment_href(sb, w, c->start) && sb_append_str(sb, "\" data-t=\"") &&
		     timecode_seconds(sb, c->start) && sb_append_str(sb, "\">") &&
		     timecode_clock(sb, c->start) && sb_append_str(sb, "</a> ");
		if (ok && c->voice && (!last_voice || strcmp(last_voice, c->voice) != 0))
			ok = sb_append_str(sb, "<span class=\"voice\">") &&
			     http_escape_html(sb, c->voice) && sb_append_str(sb, "</span> ");
		if (c->voice)
			last_voice = c->voice;
		ok = ok && sb_append_str(sb, "<span class=\"text\">") &&
		     http_escape_html(sb, c->plain) && sb_append_str(sb, "</span></li>\n");
	}
	return ok && sb_append_str(sb, "</ol>\n") && downloads(sb, w) &&
	       sb_append_str(sb, "</section>\n");
}

/* The notes, their headings linked to the agenda items they name
 * (notes_links.h: the minutes of a meeting play from each item). */
static bool notes_html(strbuf *sb, const char *notes, json_t *agenda, const char *id)
{
	strbuf html = STRBUF_INIT;
	bool ok = http_html_markdown(&html, notes, 2) &&
	          (!html.data || http_notes_link_headings(sb, html.data, agenda, id));
	sb_free(&html);
	return ok;
}

static bool about(strbuf *sb, json_t *summary, const char *notes, json_t *newest, const char *id)
{
	const char *description = str(summary, "description");
	json_t *speakers = json_object_get(summary, "speakers");
	bool ok = sb_append_str(sb, "<div class=\"about\">\n");
	if (ok && description && description[0])
		ok = sb_append_str(sb, "<section id=\"about\" aria-labelledby=\"about-h\">\n<h2 "
		                       "id=\"about-h\">About</h2>\n<div class=\"prose\">\n") &&
		     http_html_markdown(sb, description, 2) &&
		     sb_append_str(sb, "</div>\n</section>\n");
	if (ok && json_array_size(speakers) > 0) {
		ok =
		    sb_append_str(sb, "<section aria-labelledby=\"speakers-h\">\n<h2 "
		                      "id=\"speakers-h\">Speakers</h2>\n<ul class=\"speakers\">\n");
		for (size_t i = 0; ok && i < json_array_size(speakers); i++) {
			json_t *sp = json_array_get(speakers, i);
			const char *name =
			    json_is_string(sp) ? json_string_value(sp) : str(sp, "name");
			const char *role = json_is_object(sp) ? str(sp, "role") : NULL;
			ok = sb_append_str(sb, "<li><a href=\"") &&
			     http_html_search_href(sb, NULL, NULL, NULL, name, NULL, 1) &&
			     sb_append_str(sb, "\">") && http_escape_html(sb, name) &&
			     sb_append_str(sb, "</a>");
			if (ok && role && role[0])
				ok = sb_append_str(sb, " <span class=\"role\">") &&
				     http_escape_html(sb, role) && sb_append_str(sb, "</span>");
			ok = ok && sb_append_str(sb, "</li>\n");
		}
		ok = ok && sb_append_str(sb, "</ul>\n</section>\n");
	}
	if (ok && notes && notes[0])
		ok = sb_append_str(sb, "<section id=\"notes\" aria-labelledby=\"notes-h\">\n<h2 "
		                       "id=\"notes-h\">Notes</h2>\n<div class=\"prose\">\n") &&
		     notes_html(sb, notes, json_object_get(summary, "agenda"), id) &&
		     sb_append_str(sb, "</div>\n</section>\n");
	return ok && (!newest || http_watch_next(sb, newest, id, summary)) &&
	       sb_append_str(sb, "</div>\n");
}

/* For staff: where the background worker is with the pictures (poster,
 * storyboard, waveform: pictures_queue.h). A recording without media gets
 * none, so nothing is said of them. */
static bool pictures_note(strbuf *sb, const watch *w)
{
	char text[64];
	const pictures_info *p = &w->pics;
	if (!w->has_media)
		return true;
	switch (p->state) {
	case PICTURES_STATE_RUNNING:
		snprintf(text, sizeof text, "Pictures: being made, %d%%", p->progress);
		return sb_append_str(sb, "<span class=\"pictures-state\">") &&
		       sb_append_str(sb, text) && sb_append_str(sb, "</span>");
	case PICTURES_STATE_FAILED:
		return sb_append_str(sb, "<span class=\"pictures-state\">Pictures failed: ") &&
		       http_escape_html(sb, p->error) && sb_append_str(sb, "</span>");
	case PICTURES_STATE_DONE:
		return sb_append_str(sb, "<span class=\"pictures-state\">Pictures made</span>");
	case PICTURES_STATE_NONE:
		break;
	}
	return sb_append_str(sb, "<span class=\"pictures-state\">Pictures not made yet</span>");
}

/* For signed-in staff: change or delete the recording (page_edit.c,
 * page_delete.c). Visitors see nothing of it. */
static bool staff_actions(strbuf *sb, const watch *w)
{
	if (!w->staff)
		return true;
	return sb_append_str(sb, "<p class=\"staff-actions\"><a href=\"/edit/") &&
	       http_escape_url(sb, w->id) &&
	       sb_append_str(sb, "\">Edit</a> <a class=\"danger\" href=\"/delete/") &&
	       http_escape_url(sb, w->id) && sb_append_str(sb, "\">Delete</a> ") &&
	       pictures_note(sb, w) && sb_append_str(sb, "</p>\n");
}

static bool heading(strbuf *sb, json_t *summary, const watch *w)
{
	const char *kind = str(summary, "kind"), *release = str(summary, "release");
	json_t *duration = json_object_get(summary, "duration");
	json_t *speakers = json_object_get(summary, "speakers");
	bool ok =
	    sb_append_str(sb, "<header class=\"rec-head\">\n<p class=\"kicker\"><a href=\"") &&
	    http_html_search_href(sb, NULL, NULL, kind, NULL, NULL, 1) &&
	    sb_append_str(sb, "\">") && http_escape_html(sb, http_html_kind_label(kind)) &&
	    sb_append_str(sb, "</a>");
	if (ok && release)
		ok = sb_append_str(sb, " · <a href=\"") &&
		     http_html_search_href(sb, NULL, release, NULL, NULL, NULL, 1) &&
		     sb_append_str(sb, "\">") && http_html_release(sb, release) &&
		     sb_append_str(sb, "</a>");
	ok = ok && sb_append_str(sb, "</p>\n<h1>") && http_escape_html(sb, str(summary, "title")) &&
	     sb_append_str(sb, "</h1>\n<p class=\"meta\">") &&
	     http_html_date(sb, str(summary, "date"));
	if (ok && json_is_number(duration) && json_number_value(duration) > 0)
		ok = sb_append_str(sb, " · ") && timecode_duration(sb, json_number_value(duration));
	for (size_t i = 0; ok && i < json_array_size(speakers); i++) {
		json_t *sp = json_array_get(speakers, i);
		const char *name = json_is_string(sp) ? json_string_value(sp) : str(sp, "name");
		ok = sb_append_str(sb, i == 0 ? " · " : ", ") && http_escape_html(sb, name);
	}
	return ok && sb_append_str(sb, "</p>\n") && staff_actions(sb, w) &&
	       sb_append_str(sb, "</header>\n");
}

/* For sites that show a link to this page (share_meta.h): the words at
 * ?t= (the cue then spoken) or the description, the poster when the
 * pictures worker made one. */
static bool share_meta(strbuf *sb, http_request *req, const watch *w, json_t *summary,
                       const http_transcript *tr)
{
	char origin[320];
	http_request_origin(req, origin, sizeof origin);
	const char *media = str(summary, "media");
	const char *text = str(summary, "description");
	if (w->has_t && tr->cues->count > 0)
		text = tr->cues->items[cue_at(tr->cues, w->t)].plain;
	http_share s = {.origin = origin,
	                .id = w->id,
	                .title = str(summary, "title") ? str(summary, "title") : w->id,
	                .text = text,
	                .has_t = w->has_t,
	                .t = w->t,
	                .video = media && !audio_only(media),
	                /* The pictures layer's word, not the file system's: a
	                 * set is published whole (pictures_make.h), so a poster
	                 * it names is there and complete. */
	                .poster = media && w->pics.published && w->pics.poster_width > 0};
	return http_share_meta(sb, &s);
}

unsigned http_handle_watch(http_request *req, http_reply *out)
{
	json_t *summary = NULL, *newest = NULL;
	recording rec = RECORDING_INIT;
	http_transcript tr = {0};
	char *notes = NULL;
	strbuf sb = STRBUF_INIT;
	watch w = {.id = req->rest};
	unsigned st = http_recording_summary(req, out, w.id, &summary);
	if (st || (st = http_recording_similar(req, out, w.id, summary)) ||
	    (st = http_recording_load(req, out, w.id, &rec)))
		goto out;
	/* A transcript that no longer reads is a note on the page, not a
	 * failed page: the player, agenda and notes still help. */
	bool unreadable = http_transcript_load(&rec, &tr, out) != 0;
	if (unreadable) {
		http_transcript_free(&tr);
		free(out->message);
		out->message = NULL;
		static const cue_list none = {NULL, 0, 0};
		tr = (http_transcript){.cues = &none};
	}
	/* Where to go next (watch_next.h); a page without it rather than none. */
	if (http_recordings_newest(req, out, &newest) != 0) {
		free(out->message);
		out->message = NULL;
		newest = NULL;
	}
	size_t len;
	if (rec.notes_path && file_read_all(rec.notes_path, &notes, &len) != 0)
		notes = NULL; /* unreadable since indexing: show none */

	/* The words to mark, echoed into every moment link: not a query that
	 * search would refuse for its bytes or length (search_limits.h). */
	const char *q = http_query(req, "q");
	w.q = q && q[0] && search_limits_echoable(q) ? q : NULL;
	w.has_t = timecode_parse(http_query(req, "t"), &w.t);
	w.has_end = timecode_parse(http_query(req, "end"), &w.end) && w.end > (w.has_t ? w.t : 0);
	w.has_answer = answer_span_parse(http_query(req, "answer"), &w.answer_from, &w.answer_to);

	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	w.staff = http_session_user(req, user, csrf);
	w.machine = rec.transcript_machine;
	w.has_media = str(summary, "media") != NULL;
	w.has_job = !rec.transcript_path && transcribe_job_read(req->server->archive_dir, w.id,
	                                                        &w.job) == TRANSCRIBE_JOB_OK;
	pictures_info_read(req->server->archive_dir, w.id, &w.pics); /* none when unreadable */

	const char *title = str(summary, "title");
	strbuf head = STRBUF_INIT;
	bool head_ok = share_meta(&head, req, &w, summary, &tr);
	http_page page = {.head = head_ok ? head.data : NULL,
	                  .title = title ? title : w.id,
	                  .user = w.staff ? user : NULL,
	                  .query = w.q,
	                  .header_search = true,
	                  .script = "watch.js",
	                  .extra = "player.js",
	                  .page = "watch",
	                  .req = req};
	bool ok = http_html_begin(&sb, &page) &&
	          sb_append_str(&sb, "<article class=\"recording\">\n") &&
	          heading(&sb, summary, &w) &&
	          sb_append_str(&sb, "<div class=\"watch\">\n<div class=\"watch-main\">\n") &&
	          player(&sb, &w, summary, tr.cues->count > 0) &&
	          agenda(&sb, &w, json_object_get(summary, "agenda")) &&
	          questions(&sb, &w, json_object_get(summary, "questions")) &&
	          sb_append_str(&sb, "</div>\n") && transcript_section(&sb, &w, &tr, unreadable) &&
	          about(&sb, summary, notes, newest, w.id) &&
	          sb_append_str(&sb, "</div>\n</article>\n") && http_html_end(&sb);
	st = http_html_reply(out, 200, &sb, ok);
	sb_free(&head);
out:
	sb_free(&sb);
	free(notes);
	http_transcript_free(&tr);
	recording_free(&rec);
	json_decref(summary);
	json_decref(newest);
	return st;
}
