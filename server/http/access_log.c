#include "access_log.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "log_line.h"
#include "strbuf.h"

/* Append s to the log line with bytes that could forge a line or break
 * the quoted field (controls, '"', '\\', non-ASCII) as \xHH. */
static void clf_escaped(char *out, size_t size, size_t *n, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	for (const unsigned char *p = (const unsigned char *)s; *p && *n + 5 < size; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\') {
			out[(*n)++] = '\\';
			out[(*n)++] = 'x';
			out[(*n)++] = hex[*p >> 4];
			out[(*n)++] = hex[*p & 15];
		} else {
			out[(*n)++] = (char)*p;
		}
	}
	out[*n] = '\0';
}

/* Common Log Format: host ident authuser [date] "request" status bytes. */
static void write_clf(const access_entry *e)
{
	char line[2048], date[64], tail[64];
	struct tm tm;
	size_t n;
	gmtime_r(&e->received, &tm);
	strftime(date, sizeof date, "%d/%b/%Y:%H:%M:%S +0000", &tm);
	n = (size_t)snprintf(line, sizeof line, "%s - - [%s] \"", e->remote, date);
	clf_escaped(line, sizeof line - 96, &n, e->method);
	line[n++] = ' ';
	clf_escaped(line, sizeof line - 96, &n, e->target ? e->target : "-");
	if (e->version[0]) {
		line[n++] = ' ';
		clf_escaped(line, sizeof line - 96, &n, e->version);
	}
	if (e->status && e->bytes)
		snprintf(tail, sizeof tail, "\" %u %llu\n", e->status,
		         (unsigned long long)e->bytes);
	else if (e->status)
		snprintf(tail, sizeof tail, "\" %u -\n", e->status);
	else
		snprintf(tail, sizeof tail, "\" - -\n");
	memcpy(line + n, tail, strlen(tail) + 1);
	n += strlen(tail);
	strbuf sb = {line, n, sizeof line};
	log_write(&sb);
}

/* A target longer than this is cut in the JSON line, as the CLF line's
 * buffer cuts it: a 400 KB query must not make a 400 KB log line. */
#define TARGET_LOGGED_MAX 1900

static bool json_fields(strbuf *sb, const access_entry *e)
{
	char when[64], target[TARGET_LOGGED_MAX + 1], nums[128];
	log_timestamp(when, sizeof when);
	snprintf(target, sizeof target, "%s", e->target ? e->target : "");
	snprintf(nums, sizeof nums, ",\"status\":%u,\"bytes\":%llu,\"duration_ms\":%.3f}\n",
	         e->status, (unsigned long long)e->bytes, e->seconds * 1000.0);
	return sb_append_str(sb, "{\"time\":\"") && sb_append_str(sb, when) &&
	       sb_append_str(sb, "\",\"type\":\"access\",\"remote\":") &&
	       log_json_string(sb, e->remote) && sb_append_str(sb, ",\"method\":") &&
	       log_json_string(sb, e->method) && sb_append_str(sb, ",\"target\":") &&
	       log_json_string(sb, target) && sb_append_str(sb, ",\"version\":") &&
	       log_json_string(sb, e->version) && sb_append_str(sb, ",\"route\":") &&
	       (e->route ? log_json_string(sb, e->route) : sb_append_str(sb, "null")) &&
	       sb_append_str(sb, nums);
}

void access_log_write(const access_entry *e)
{
	if (log_get_format() != LOG_JSON) {
		write_clf(e);
		return;
	}
	strbuf sb = STRBUF_INIT;
	if (json_fields(&sb, e))
		log_write(&sb);
	sb_free(&sb);
}
