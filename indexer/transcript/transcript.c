#include "transcript.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "srt.h"
#include "vtt.h"

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
	}
	return "unknown";
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

/* Does the first non-blank line look like the start of an SRT block: a bare
 * index number, or a line with a "-->" arrow? */
static bool looks_like_srt(const char *p, size_t len)
{
	size_t i = 0;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	size_t end = i;
	while (end < len && p[end] != '\r' && p[end] != '\n')
		end++;
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
	if (looks_like_srt(p, len) || (name && has_suffix(name, ".srt")))
		return TRANSCRIPT_SRT;
	return TRANSCRIPT_UNKNOWN;
}

transcript_status transcript_parse(const char *buf, size_t len, transcript_format format,
                                   const char *name, transcript *out)
{
	if (format == TRANSCRIPT_UNKNOWN)
		format = transcript_sniff(buf, len, name);
	out->format = format;
	switch (format) {
	case TRANSCRIPT_WEBVTT:
		return vtt_parse(buf, len, out);
	case TRANSCRIPT_SRT:
		return srt_parse(buf, len, out);
	case TRANSCRIPT_UNKNOWN:
		break;
	}
	return transcript_reject(out, 1,
	                         "not a WebVTT or SRT transcript (a WebVTT file starts with "
	                         "\"WEBVTT\"; an SRT file with a cue number or a timing line)");
}

void transcript_free(transcript *t)
{
	if (!t)
		return;
	cue_list_free(&t->cues);
	t->format = TRANSCRIPT_UNKNOWN;
	t->used_cp1252 = false;
	t->error_line = 0;
	t->error[0] = '\0';
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
