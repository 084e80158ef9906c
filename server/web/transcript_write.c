#include "transcript_write.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "HH:MM:SS,mmm" (SubRip's comma), negative and non-finite times as 0. */
static bool append_srt_time(strbuf *sb, double t)
{
	char out[48];
	if (!isfinite(t) || t < 0)
		t = 0;
	if (t > 3.6e9)
		t = 3.6e9; /* keeps the hours within a few digits */
	long long ms = llround(t * 1000);
	snprintf(out, sizeof out, "%02lld:%02lld:%02lld,%03lld", ms / 3600000, ms / 60000 % 60,
	         ms / 1000 % 60, ms % 1000);
	return sb_append_str(sb, out);
}

/* text with every run of line breaks (and \r) made `sep`, and no
 * trailing one: an SRT cue's lines are never blank, a text line is one. */
static bool append_lines(strbuf *sb, const char *text, const char *sep)
{
	bool ok = true, pending = false, any = false;
	for (const char *p = text ? text : ""; ok && *p; p++) {
		if (*p == '\n' || *p == '\r') {
			pending = any;
			continue;
		}
		if (pending)
			ok = sb_append_str(sb, sep);
		pending = false;
		any = true;
		ok = ok && sb_append_char(sb, *p);
	}
	return ok;
}

bool http_srt_write_cues(strbuf *sb, const cue_list *cues)
{
	char num[32];
	bool ok = true;
	for (size_t i = 0; ok && i < cues->count; i++) {
		const cue *c = &cues->items[i];
		snprintf(num, sizeof num, "%zu\n", i + 1);
		ok = sb_append_str(sb, num) && append_srt_time(sb, c->start) &&
		     sb_append_str(sb, " --> ") && append_srt_time(sb, c->end) &&
		     sb_append_char(sb, '\n');
		if (ok && c->voice)
			ok = sb_append_str(sb, c->voice) && sb_append_str(sb, ": ");
		ok = ok && append_lines(sb, c->plain, "\n") &&
		     sb_append_str(sb, (c->plain && c->plain[0]) || c->voice ? "\n\n" : "-\n\n");
	}
	return ok;
}

bool http_text_write_cues(strbuf *sb, const cue_list *cues)
{
	const char *last_voice = NULL;
	bool ok = true, any = false;
	for (size_t i = 0; ok && i < cues->count; i++) {
		const cue *c = &cues->items[i];
		if (!c->plain || !c->plain[0])
			continue; /* nothing said: no empty line */
		bool turn = c->voice && (!last_voice || strcmp(last_voice, c->voice) != 0);
		if (turn && any)
			ok = sb_append_char(sb, '\n'); /* a blank line between turns */
		if (ok && turn)
			ok = sb_append_str(sb, c->voice) && sb_append_str(sb, ": ");
		if (c->voice)
			last_voice = c->voice;
		ok = ok && append_lines(sb, c->plain, " ") && sb_append_char(sb, '\n');
		any = true;
	}
	return ok;
}
