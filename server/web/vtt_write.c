#include "vtt_write.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

/* "HH:MM:SS.mmm" (WebVTT §4.2.1; hours may exceed two digits), negative
 * and non-finite times as 0. out holds at least 32 bytes. */
static void http_vtt_timestamp(double t, char *out, size_t size)
{
	if (!isfinite(t) || t < 0)
		t = 0;
	if (t > 3.6e9)
		t = 3.6e9; /* keeps the hours within a few digits */
	long long ms = llround(t * 1000);
	snprintf(out, size, "%02lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60,
	         ms / 1000 % 60, ms % 1000);
}

static bool append_timing(strbuf *sb, double start, double end)
{
	char a[32], b[32];
	http_vtt_timestamp(start, a, sizeof a);
	/* A browser drops nothing for end < start, but the cue never shows;
	 * keep the file honest rather than invent a time. */
	http_vtt_timestamp(end, b, sizeof b);
	return sb_append_str(sb, a) && sb_append_str(sb, " --> ") && sb_append_str(sb, b);
}

/* The settings list of a WebVTT cue (WebVTT §4.4), defaults left out. */
static bool append_settings(strbuf *sb, const cue_settings *s)
{
	char buf[96];
	if (!s->present)
		return true;
	if (s->vertical && s->vertical[0]) {
		snprintf(buf, sizeof buf, " vertical:%s", s->vertical);
		if (!sb_append_str(sb, buf))
			return false;
	}
	if (!s->line_auto) {
		if (s->snap_to_lines)
			snprintf(buf, sizeof buf, " line:%.0f", s->line);
		else
			snprintf(buf, sizeof buf, " line:%g%%", s->line);
		if (!sb_append_str(sb, buf))
			return false;
		if (s->line_align && strcmp(s->line_align, "start") != 0 &&
		    (!sb_append_char(sb, ',') || !sb_append_str(sb, s->line_align)))
			return false;
	}
	if (!s->position_auto) {
		snprintf(buf, sizeof buf, " position:%g%%", s->position);
		if (!sb_append_str(sb, buf))
			return false;
		if (s->position_align && strcmp(s->position_align, "auto") != 0 &&
		    (!sb_append_char(sb, ',') || !sb_append_str(sb, s->position_align)))
			return false;
	}
	if (s->size != 100) {
		snprintf(buf, sizeof buf, " size:%g%%", s->size);
		if (!sb_append_str(sb, buf))
			return false;
	}
	if (s->align && strcmp(s->align, "center") != 0) {
		snprintf(buf, sizeof buf, " align:%s", s->align);
		if (!sb_append_str(sb, buf))
			return false;
	}
	return true;
}

/* Cue text written by a WebVTT author: kept as is, except that a line
 * holding "-->" (which the parser never leaves in a cue, but an edited
 * list might) has its '>' escaped, and blank lines are dropped. */
static bool append_as_written(strbuf *sb, const char *text)
{
	bool at_line_start = true;
	size_t start = sb->len;
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			if (!at_line_start && !sb_append_char(sb, '\n'))
				return false;
			at_line_start = true;
			continue;
		}
		at_line_start = false;
		if (p[0] == '-' && p[1] == '-' && p[2] == '>') {
			if (!sb_append_str(sb, "--&gt;"))
				return false;
			p += 2;
			continue;
		}
		if (!sb_append_char(sb, *p))
			return false;
	}
	if (sb->len > start && sb->data[sb->len - 1] == '\n')
		sb->data[--sb->len] = '\0';
	return true;
}

/* A voice annotation (WebVTT §4.2.2) may not hold '>' or '&' raw, nor a
 * line break. */
static bool append_voice(strbuf *sb, const char *voice)
{
	if (!sb_append_str(sb, "<v "))
		return false;
	for (const char *p = voice; *p; p++) {
		bool ok = *p == '&'                  ? sb_append_str(sb, "&amp;")
		          : *p == '>'                ? sb_append_str(sb, "&gt;")
		          : *p == '<'                ? sb_append_str(sb, "&lt;")
		          : *p == '\n' || *p == '\r' ? sb_append_char(sb, ' ')
		                                     : sb_append_char(sb, *p);
		if (!ok)
			return false;
	}
	return sb_append_char(sb, '>');
}

static bool id_usable(const char *id)
{
	return id && id[0] && !strstr(id, "-->") && !strchr(id, '\n') && !strchr(id, '\r');
}

bool http_vtt_write_cues(strbuf *sb, const cue_list *cues, bool as_written)
{
	if (!sb_append_str(sb, "WEBVTT\n"))
		return false;
	for (size_t i = 0; i < cues->count; i++) {
		const cue *c = &cues->items[i];
		if (!sb_append_char(sb, '\n'))
			return false;
		if (id_usable(c->id) && (!sb_append_str(sb, c->id) || !sb_append_char(sb, '\n')))
			return false;
		if (!append_timing(sb, c->start, c->end) ||
		    (as_written && !append_settings(sb, &c->settings)) || !sb_append_char(sb, '\n'))
			return false;
		if (as_written) {
			if (!append_as_written(sb, c->text ? c->text : ""))
				return false;
		} else {
			if (c->voice && c->voice[0] && !append_voice(sb, c->voice))
				return false;
			if (!http_escape_vtt_text(sb, c->plain ? c->plain : ""))
				return false;
		}
		/* An empty payload is allowed (§4.1); the line ending is not
		 * optional. */
		if (!sb_append_char(sb, '\n'))
			return false;
	}
	return true;
}

bool http_vtt_write_chapters(strbuf *sb, const http_chapter *chapters, size_t count, double end)
{
	if (!sb_append_str(sb, "WEBVTT\n"))
		return false;
	for (size_t i = 0; i < count; i++) {
		double start = chapters[i].start;
		double stop = i + 1 < count ? chapters[i + 1].start : end;
		if (!(stop > start))
			stop = start + 60;
		char id[32];
		snprintf(id, sizeof id, "chapter-%zu", i + 1);
		if (!sb_append_char(sb, '\n') || !sb_append_str(sb, id) ||
		    !sb_append_char(sb, '\n') || !append_timing(sb, start, stop) ||
		    !sb_append_char(sb, '\n') || !http_escape_vtt_text(sb, chapters[i].title) ||
		    !sb_append_char(sb, '\n'))
			return false;
	}
	return true;
}
