/* GET /: the archive at a glance. A search box first (the header has none
 * on this page), then every recording, newest first, in the groups people
 * look for: release Q&As (by release), Helion, TAC meetings (by date),
 * webinars, and anything else. */
#include <stdio.h>
#include <string.h>

#include "count_text.h"
#include "escape.h"
#include "pages.h"
#include "html.h"
#include "picture_tag.h"
#include "recording_files.h"
#include "session_cookie.h"
#include "timecode.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Which group a recording's summary belongs to. */
typedef enum group {
	GROUP_RELEASE,
	GROUP_HELION,
	GROUP_TAC,
	GROUP_WEBINAR,
	GROUP_OTHER,
	GROUP_COUNT
} group;

static group group_of(json_t *rec)
{
	const char *kind = str(rec, "kind"), *release = str(rec, "release");
	if (release && strcmp(release, "helion") == 0)
		return GROUP_HELION;
	if (kind && strcmp(kind, "release-qa") == 0)
		return GROUP_RELEASE;
	if (kind && strcmp(kind, "tac-meeting") == 0)
		return GROUP_TAC;
	if (kind && strcmp(kind, "webinar") == 0)
		return GROUP_WEBINAR;
	return GROUP_OTHER;
}

/* A recording's poster in the list: CSS pixels wide (style.css, .rec .pic). */
#define HOME_PICTURE_WIDTH 112

static const struct {
	const char *id, *heading, *blurb;
} groups[GROUP_COUNT] = {
    [GROUP_RELEASE] = {"release-qa", "Release Q&As",
                       "The live Q&A held for each release, newest release first."},
    [GROUP_HELION] = {"helion", "Helion", "Inside Helion: the kernel language, live."},
    [GROUP_TAC] = {"tac-meeting", "TAC meetings", "The Technical Advisory Council, by date."},
    [GROUP_WEBINAR] = {"webinar", "Webinars", "Deep dives on one topic."},
    [GROUP_OTHER] = {"other", "Other recordings", ""},
};

static bool recording_item(strbuf *sb, const char *archive_dir, json_t *rec, group g)
{
	const char *id = str(rec, "id"), *release = str(rec, "release");
	json_t *duration = json_object_get(rec, "duration");
	bool ok = sb_append_str(sb, "<li class=\"rec\">") &&
	          http_html_picture(sb, archive_dir, id, -1, HOME_PICTURE_WIDTH);
	if (ok && g == GROUP_RELEASE && release)
		ok = sb_append_str(sb, "<span class=\"badge\">") && http_escape_html(sb, release) &&
		     sb_append_str(sb, "</span> ");
	ok = ok && sb_append_str(sb, "<a href=\"/watch/") && http_escape_url(sb, id) &&
	     sb_append_str(sb, "\">") && http_escape_html(sb, str(rec, "title")) &&
	     sb_append_str(sb, "</a>\n<span class=\"meta\">") &&
	     http_html_date(sb, str(rec, "date"));
	if (ok && g != GROUP_RELEASE && g != GROUP_HELION && release)
		ok = sb_append_str(sb, " · ") && http_html_release(sb, release);
	if (ok && json_is_number(duration) && json_number_value(duration) > 0)
		ok = sb_append_str(sb, " · ") && timecode_duration(sb, json_number_value(duration));
	/* A recording accepted without a transcript (an upload with neither
	 * a transcript file nor a subtitle stream) is waiting for one. */
	bool has_transcript = json_is_true(json_object_get(rec, "has_transcript"));
	if (ok && !has_transcript)
		ok = sb_append_str(sb, " · <em>transcript pending</em>");
	else if (ok && json_is_null(json_object_get(rec, "media")))
		ok = sb_append_str(sb, " · <em>transcript only</em>");
	return ok && sb_append_str(sb, "</span></li>\n");
}

/* "42 minutes", "2 hours 23 minutes", "140 hours": how much talk the
 * archive holds, in the words a reader expects at that size (a short
 * archive is not "0 hours"). Empty when nothing has a duration. */
static void talk_length(char *out, size_t size, double seconds)
{
	long minutes = (long)(seconds / 60 + 0.5), hours = minutes / 60;
	if (seconds <= 0)
		out[0] = '\0';
	else if (minutes < 60)
		snprintf(out, size, ", %ld minute%s of talk", minutes < 1 ? 1 : minutes,
		         minutes > 1 ? "s" : "");
	else if (hours < 10 && minutes % 60)
		snprintf(out, size, ", %ld hour%s %ld minute%s of talk", hours,
		         hours > 1 ? "s" : "", minutes % 60, minutes % 60 > 1 ? "s" : "");
	else {
		char n[COUNT_TEXT_SIZE];
		snprintf(out, size, ", %s hour%s of talk", count_text((minutes + 30) / 60, n),
		         (minutes + 30) / 60 > 1 ? "s" : "");
	}
}

unsigned http_handle_home(http_request *req, http_reply *out)
{
	json_t *list = NULL;
	unsigned st = http_recordings_newest(req, out, &list);
	if (st)
		return st;
	size_t n = json_array_size(list), count[GROUP_COUNT] = {0};
	double seconds = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *rec = json_array_get(list, i);
		count[group_of(rec)]++;
		seconds += json_number_value(json_object_get(rec, "duration"));
	}
	strbuf sb = STRBUF_INIT;
	char user[SESSION_USER_SIZE], csrf[SESSION_TOKEN_SIZE];
	bool staff = http_session_user(req, user, csrf);
	http_page page = {
	    .title = "The archive", .page = "home", .user = staff ? user : NULL, .req = req};
	char talk[64], stats[128], recordings[COUNT_TEXT_SIZE];
	talk_length(talk, sizeof talk, seconds);
	snprintf(stats, sizeof stats, "%s recording%s%s.", count_text((long long)n, recordings),
	         n == 1 ? "" : "s", talk);
	bool ok = http_html_begin(&sb, &page) &&
	          sb_append_str(&sb, "<section class=\"hero\" aria-labelledby=\"hero-h\">\n"
	                             "<h1 id=\"hero-h\">Find the moment it was said</h1>\n"
	                             "<p class=\"lead\">Search the recorded release Q&amp;As, "
	                             "webinars and TAC meetings, and land on the answer. ") &&
	          sb_append_str(&sb, stats) &&
	          sb_append_str(&sb, "</p>\n<form class=\"big-search\" action=\"/search\" "
	                             "method=\"get\" role=\"search\">\n<label for=\"q\">Search "
	                             "the archive</label>\n<div class=\"row\"><input "
	                             "type=\"search\" id=\"q\" name=\"q\" "
	                             "placeholder=\"torch.compile on Python 3.13\" "
	                             "autofocus>\n<button type=\"submit\">Search</button></div>\n"
	                             "<p class=\"hint\">Try <a href=\"/search?q=%22dynamic+"
	                             "shapes%22\">\"dynamic shapes\"</a>, <a "
	                             "href=\"/search?q=FSDP\">FSDP</a> or <a "
	                             "href=\"/search?q=kind%3Atac-meeting+CI\">kind:tac-meeting "
	                             "CI</a>.</p>\n</form>\n</section>\n");
	if (ok && n == 0)
		ok = sb_append_str(&sb, "<p class=\"empty\">The archive is empty: add a recording "
		                        "folder and run <code>qarchive index</code>.</p>\n");
	if (ok && n > 0) {
		ok = sb_append_str(&sb, "<nav class=\"toc\" aria-label=\"Groups\"><ul>\n");
		for (int g = 0; ok && g < GROUP_COUNT; g++)
			if (count[g])
				ok = sb_append_str(&sb, "<li><a href=\"#") &&
				     sb_append_str(&sb, groups[g].id) &&
				     sb_append_str(&sb, "\">") &&
				     http_escape_html(&sb, groups[g].heading) &&
				     sb_append_str(&sb, "</a></li>\n");
		ok = ok && sb_append_str(&sb, "</ul></nav>\n<div class=\"groups\">\n");
	}
	for (int g = 0; ok && g < GROUP_COUNT; g++) {
		if (!count[g])
			continue;
		ok = sb_append_str(&sb, "<section class=\"group\" id=\"") &&
		     sb_append_str(&sb, groups[g].id) &&
		     sb_append_str(&sb, "\" aria-labelledby=\"") &&
		     sb_append_str(&sb, groups[g].id) && sb_append_str(&sb, "-h\">\n<h2 id=\"") &&
		     sb_append_str(&sb, groups[g].id) && sb_append_str(&sb, "-h\">") &&
		     http_escape_html(&sb, groups[g].heading) && sb_append_str(&sb, "</h2>\n");
		if (ok && groups[g].blurb[0])
			ok = sb_append_str(&sb, "<p class=\"blurb\">") &&
			     http_escape_html(&sb, groups[g].blurb) && sb_append_str(&sb, "</p>\n");
		ok = ok && sb_append_str(&sb, "<ul class=\"recs\">\n");
		for (size_t i = 0; ok && i < n; i++) {
			json_t *rec = json_array_get(list, i);
			if (group_of(rec) == (group)g)
				ok = recording_item(&sb, req->server->archive_dir, rec, (group)g);
		}
		ok = ok && sb_append_str(&sb, "</ul>\n</section>\n");
	}
	if (ok && n > 0)
		ok = sb_append_str(&sb, "</div>\n");
	ok = ok && http_html_end(&sb);
	json_decref(list);
	return http_html_reply(out, 200, &sb, ok);
}
