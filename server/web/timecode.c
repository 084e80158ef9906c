#include "timecode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "number.h"

static long whole_seconds(double seconds)
{
	/* 1e9 s is 31 years: far past any recording, and safe in a long. */
	return isfinite(seconds) && seconds > 0 ? (long)fmin(floor(seconds), 1e9) : 0;
}

bool timecode_clock(strbuf *sb, double seconds)
{
	char buf[40];
	long s = whole_seconds(seconds);
	if (s >= 3600)
		snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
	return sb_append_str(sb, buf);
}

bool timecode_seconds(strbuf *sb, double seconds)
{
	char buf[40];
	if (!isfinite(seconds) || seconds <= 0)
		seconds = 0;
	seconds = fmin(seconds, 1e9);
	snprintf(buf, sizeof buf, "%.3f", floor(seconds * 1000 + 0.5) / 1000);
	/* "754.000" → "754", "157.490" → "157.49" */
	char *dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + strlen(buf);
		while (end > dot + 1 && end[-1] == '0')
			*--end = '\0';
		if (end == dot + 1)
			*dot = '\0';
	}
	return sb_append_str(sb, buf);
}

bool timecode_duration(strbuf *sb, double seconds)
{
	char buf[48];
	long s = whole_seconds(seconds + 0.5);
	if (s < 60)
		snprintf(buf, sizeof buf, "%ld s", s);
	else if (s < 3600)
		snprintf(buf, sizeof buf, "%ld min", (s + 30) / 60);
	else
		snprintf(buf, sizeof buf, "%ld h %ld min", s / 3600, (s % 3600 + 30) / 60);
	return sb_append_str(sb, buf);
}

/* Digits with an optional fraction at *p; advances *p. */
static bool number(const char **p, double *out)
{
	const char *end = number_scan_decimal(*p, out);
	if (end)
		*p = end;
	return end != NULL;
}

bool timecode_parse(const char *s, double *out)
{
	double total = 0, v;
	const char *p = s;
	*out = 0;
	if (!s || !*s)
		return false;
	if (strchr(s, ':')) {
		/* [H:]MM:SS[.fff]: the parts after the first are below 60. */
		double parts[3];
		int n = 0;
		for (;;) {
			if (n == 3 || !number(&p, &parts[n]))
				return false;
			n++;
			if (*p != ':')
				break;
			p++;
		}
		if (*p || n < 2)
			return false;
		for (int i = 0; i < n; i++) {
			if (i > 0 && parts[i] >= 60)
				return false;
			if (i < n - 1 && parts[i] != floor(parts[i]))
				return false;
			total = total * 60 + parts[i];
		}
	} else if (strpbrk(s, "hms")) {
		/* 1h2m3s, 12m34s, 90s, 2m: each unit once, in that order. */
		static const char units[] = "hms";
		static const double scale[] = {3600, 60, 1};
		int next = 0;
		while (*p) {
			if (!number(&p, &v))
				return false;
			const char *u = strchr(units + next, *p);
			if (!*p || !u)
				return false;
			total += v * scale[u - units];
			next = (int)(u - units) + 1;
			p++;
		}
	} else {
		if (!number(&p, &total) || *p)
			return false;
	}
	if (total > 100 * 86400.0)
		return false;
	*out = total;
	return true;
}
