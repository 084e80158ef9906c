#include "log_line.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static log_format current = LOG_TEXT;

void log_set_format(log_format format)
{
	current = format;
}

log_format log_get_format(void)
{
	return current;
}

bool log_format_parse(const char *name, log_format *out)
{
	if (strcmp(name, "text") == 0)
		*out = LOG_TEXT;
	else if (strcmp(name, "json") == 0)
		*out = LOG_JSON;
	else
		return false;
	return true;
}

void log_timestamp(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char date[32], stamp[48];
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp, sizeof stamp, "%s.%03dZ", date, (int)(ts.tv_nsec / 1000000));
	snprintf(out, size, "%s", stamp);
}

/* The length of the UTF-8 sequence at s (1 to 4), 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_length(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
	if (n == 0 || s[0] > 0xF4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
		return 0;
	return n;
}

bool log_json_string(strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bool ok = sb_append_char(sb, '"');
	while (ok && *p) {
		size_t n = utf8_length(p);
		if (n == 0) {
			ok = sb_append_str(sb, "\\ufffd");
			p++;
		} else if (*p == '"' || *p == '\\') {
			ok = sb_append_char(sb, '\\') && sb_append_char(sb, (char)*p);
			p++;
		} else if (*p < 0x20 || *p == 0x7F) {
			char esc[8];
			snprintf(esc, sizeof esc, "\\u%04x", *p);
			ok = sb_append_str(sb, esc);
			p++;
		} else {
			ok = sb_append(sb, (const char *)p, n);
			p += n;
		}
	}
	return ok && sb_append_char(sb, '"');
}

void log_write(const strbuf *sb)
{
	size_t done = 0;
	while (done < sb->len) {
		ssize_t w = write(STDERR_FILENO, sb->data + done, sb->len - done);
		if (w <= 0)
			return; /* nowhere to say it */
		done += (size_t)w;
	}
}

void log_say(const char *source, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	strbuf sb = STRBUF_INIT;
	bool ok;
	if (current == LOG_JSON) {
		char when[64];
		log_timestamp(when, sizeof when);
		ok = sb_append_str(&sb, "{\"time\":\"") && sb_append_str(&sb, when) &&
		     sb_append_str(&sb, "\",\"level\":\"info\",\"source\":") &&
		     log_json_string(&sb, source) && sb_append_str(&sb, ",\"msg\":") &&
		     log_json_string(&sb, msg) && sb_append_str(&sb, "}\n");
	} else {
		ok = sb_append_str(&sb, "qarchive ") && sb_append_str(&sb, source) &&
		     sb_append_str(&sb, ": ") && sb_append_str(&sb, msg) &&
		     sb_append_char(&sb, '\n');
	}
	if (ok)
		log_write(&sb);
	else
		fprintf(stderr, "qarchive %s: %s\n", source, msg); /* out of memory: unbuffered */
	sb_free(&sb);
}
