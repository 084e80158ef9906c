#include "transcript.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sbv.h"
#include "speaker_prefix.h"
#include "srt.h"
#include "timestamped_text.h"
#include "vtt.h"
#include "vtt_rolling.h"

const char *transcript_status_str(transcript_status status)
{
	switch (status) {
	case TRANSCRIPT_OK:
		return "ok";
	case TRANSCRIPT_INVALID:
		return "invalid transcript";
	case TRANSCRIPT_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

const char *transcript_format_str(transcript_format format)
{
	switch (format) {
	case TRANSCRIPT_UNKNOWN:
		return "unknown";
	case TRANSCRIPT_WEBVTT:
		return "webvtt";
	case TRANSCRIPT_SRT:
		return "srt";
	case TRANSCRIPT_SBV:
		return "sbv";
	case TRANSCRIPT_TEXT:
		return "text";
	}
	return "unknown";
}

const char *transcript_format_ext(transcript_format format)
{
	switch (format) {
	case TRANSCRIPT_UNKNOWN:
	case TRANSCRIPT_WEBVTT:
		return "vtt";
	case TRANSCRIPT_SRT:
		return "srt";
	case TRANSCRIPT_SBV:
		return "sbv";
	case TRANSCRIPT_TEXT:
		return "txt";
	}
	return "vtt";
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	if (n < s)
		return false;
	for (size_t i = 0; i < s; i++) {
		char c = name[n - s + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != suffix[i])
			return false;
	}
	return true;
}

/* The first non-blank line: [*from, *to). */
static void first_line(const char *p, size_t len, size_t *from, size_t *to)
{
	size_t i = 0;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	size_t end = i;
	while (end < len && p[end] != '\r' && p[end] != '\n')
		end++;
	*from = i;
	*to = end;
}

static bool looks_like_sbv(const char *p, size_t len)
{
	size_t i, end;
	double a, b;
	first_line(p, len, &i, &end);
	return end > i && sbv_timing_line(p + i, end - i, &a, &b);
}

/* Does the first non-blank line look like the start of an SRT block: a bare
 * index number, or a line with a "-->" arrow? */
static bool looks_like_srt(const char *p, size_t len)
{
	size_t i, end;
	first_line(p, len, &i, &end);
	if (end == i)
		return false;
	bool digits_only = true;
	for (size_t k = i; k < end; k++) {
		if (k + 2 < end && p[k] == '-' && p[k + 1] == '-' && p[k + 2] == '>')
			return true;
		if (!(p[k] >= '0' && p[k] <= '9') && p[k] != ' ' && p[k] != '\t')
			digits_only = false;
	}
	return digits_only;
}

transcript_format transcript_sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		len -= 3;
	}
	if (len >= 6 && memcmp(p, "WEBVTT", 6) == 0)
		return TRANSCRIPT_WEBVTT;
	if (name && has_suffix(name, ".vtt"))
		return TRANSCRIPT_WEBVTT;
	if (looks_like_sbv(p, len))
		return TRANSCRIPT_SBV;
	if (looks_like_srt(p, len))
		return TRANSCRIPT_SRT;
	if (timestamped_text_sniff(p, len))
		return TRANSCRIPT_TEXT;
	if (name && has_suffix(name, ".srt"))
		return TRANSCRIPT_SRT;
	if (name && has_suffix(name, ".sbv"))
		return TRANSCRIPT_SBV;
	return TRANSCRIPT_UNKNOWN;
}

static transcript_status parse_format(const char *buf, size_t len, transcript_format format,
                                      transcript *out)
{
	switch (format) {
	case TRANSCRIPT_WEBVTT:
		return vtt_parse(buf, len, out);
	case TRANSCRIPT_SRT:
		return srt_parse(buf, len, out);
	case TRANSCRIPT_SBV:
		return sbv_parse(buf, len, out);
	case TRANSCRIPT_TEXT:
		return timestamped_text_parse(buf, len, out);
	case TRANSCRIPT_UNKNOWN:
		break;
	}
	return transcript_reject(out, 1,
	                         "not a WebVTT, SRT, SBV or timestamped text transcript (expected "
	                         "\"WEBVTT\", a cue number, \"0:00:01.000,0:00:04.000\", or "
	                         "lines like \"[00:12:30] Name: text\")");
}

transcript_status transcript_parse(const char *buf, size_t len, transcript_format format,
                                   const char *name, transcript *out)
{
	if (format == TRANSCRIPT_UNKNOWN)
		format = transcript_sniff(buf, len, name);
	out->format = format;
	transcript_status st = parse_format(buf, len, format, out);
	bool nomem = false;
	if (st == TRANSCRIPT_OK && format == TRANSCRIPT_WEBVTT &&
	    (out->rolling = vtt_rolling_detect(&out->cues, &nomem)) &&
	    !vtt_rolling_collapse(&out->cues))
		nomem = true;
	if (st == TRANSCRIPT_OK && (nomem || !speaker_prefix_apply(&out->cues)))
		st = TRANSCRIPT_NOMEM;
	if (st == TRANSCRIPT_NOMEM)
		cue_list_free(&out->cues);
	return st;
}

/* transcript_stream's own sink, between the parser and the caller's: what
 * transcript_parse does to the list afterwards, done to each cue. */
typedef struct stream_state {
	const transcript_sink *sink; /* the caller's */
	vtt_rolling *detect;         /* WebVTT, first read: roll-up captions? */
	vtt_rolling *collapse;       /* second read, when they are: one cue per line */
} stream_state;

/* A cue as the caller gets it: its "Name: " prefix read, as
 * speaker_prefix_apply does after any parser. */
static bool deliver(stream_state *s, cue *c)
{
	return speaker_prefix_apply_cue(c) && s->sink->cue(s->sink->ctx, c);
}

static bool stream_cue(void *ctx, cue *c)
{
	stream_state *s = ctx;
	return (!s->detect || vtt_rolling_see(s->detect, c)) && deliver(s, c);
}

/* vtt_rolling_next's emit: owns the collapsed cue. */
static bool deliver_collapsed(void *ctx, cue *c)
{
	bool ok = deliver(ctx, c);
	cue_free(c);
	return ok;
}

static bool stream_rolling_cue(void *ctx, cue *c)
{
	stream_state *s = ctx;
	return vtt_rolling_next(s->collapse, c, deliver_collapsed, s);
}

transcript_status transcript_stream(const char *buf, size_t len, transcript_format format,
                                    const char *name, const transcript_sink *sink, transcript *out)
{
	if (format == TRANSCRIPT_UNKNOWN)
		format = transcript_sniff(buf, len, name);
	out->format = format;
	stream_state s = {sink, NULL, NULL};
	transcript_sink mine = {stream_cue, NULL, &s};
	transcript_status st = TRANSCRIPT_OK;
	if (format == TRANSCRIPT_WEBVTT && !(s.detect = vtt_rolling_new()))
		st = TRANSCRIPT_NOMEM;
	out->sink = &mine;
	out->streamed = 0;
	if (st == TRANSCRIPT_OK)
		st = parse_format(buf, len, format, out);
	/* Roll-up captions are known only once every cue was seen: read the
	 * file again, collapsed, as transcript_parse collapses its list. */
	if (st == TRANSCRIPT_OK && s.detect && vtt_rolling_found(s.detect)) {
		out->rolling = true;
		if (sink->restart)
			sink->restart(sink->ctx);
		mine.cue = stream_rolling_cue;
		out->streamed = 0;
		st = (s.collapse = vtt_rolling_new()) ? parse_format(buf, len, format, out)
		                                      : TRANSCRIPT_NOMEM;
	}
	out->sink = NULL;
	vtt_rolling_free(s.detect);
	vtt_rolling_free(s.collapse);
	return st;
}

transcript_status transcript_add_cue(transcript *out, cue *c)
{
	if (!out->sink)
		return cue_list_push(&out->cues, c) ? TRANSCRIPT_OK : TRANSCRIPT_NOMEM;
	bool ok = out->sink->cue(out->sink->ctx, c);
	cue_free(c);
	if (!ok)
		return TRANSCRIPT_NOMEM;
	out->streamed++;
	return TRANSCRIPT_OK;
}

size_t transcript_cue_count(const transcript *t)
{
	return t->sink ? t->streamed : t->cues.count;
}

void transcript_free(transcript *t)
{
	if (!t)
		return;
	cue_list_free(&t->cues);
	t->format = TRANSCRIPT_UNKNOWN;
	t->used_cp1252 = false;
	t->rolling = false;
	t->error_line = 0;
	t->error[0] = '\0';
	t->sink = NULL;
	t->streamed = 0;
}

transcript_status transcript_reject(transcript *t, size_t line, const char *fmt, ...)
{
	char message[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(t->error, sizeof t->error, "line %zu: %s", line, message);
	else
		snprintf(t->error, sizeof t->error, "%s", message);
	t->error_line = line;
	cue_list_free(&t->cues);
	return TRANSCRIPT_INVALID;
}
