#include "clock.h"

#include <stdio.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1..max digits at s[*pos]; false when there are none or more. */
static bool digits(const char *s, size_t len, size_t *pos, size_t max, unsigned long *value)
{
	size_t start = *pos;
	unsigned long v = 0;
	while (*pos < len && is_digit(s[*pos]) && *pos - start < max)
		v = v * 10 + (unsigned long)(s[(*pos)++] - '0');
	*value = v;
	return *pos > start && !(*pos < len && is_digit(s[*pos]));
}

/* ".ddd" (1-3 digits) as seconds; false when malformed. */
static bool read_fraction(const char *s, size_t len, size_t *pos, double *frac)
{
	size_t start = ++*pos;
	unsigned long v;
	if (!digits(s, len, pos, 3, &v))
		return false;
	double scale = 1;
	for (size_t i = start; i < *pos; i++)
		scale *= 10;
	*frac = (double)v / scale;
	return true;
}

bool clock_read(const char *s, size_t len, size_t *pos, bool fraction, double *seconds)
{
	size_t p = *pos;
	unsigned long part[3];
	size_t groups = 0;
	/* The first group is hours (up to 4 digits) or minutes (up to 3);
	 * which one is known only after the groups are counted. */
	if (!digits(s, len, &p, 4, &part[groups++]))
		return false;
	while (groups < 3 && p + 1 < len && s[p] == ':' && is_digit(s[p + 1])) {
		size_t start = ++p;
		if (!digits(s, len, &p, 2, &part[groups]) || p - start != 2 || part[groups] > 59)
			return false;
		groups++;
	}
	if (groups < 2 || (groups == 2 && part[0] > 999))
		return false;
	double frac = 0;
	/* "0:12. Next" ends at the '.': a fraction needs its digits. */
	bool has_mark = p < len && (s[p] == '.' || (!fraction && s[p] == ','));
	if (has_mark && p + 1 < len && is_digit(s[p + 1])) {
		if (!read_fraction(s, len, &p, &frac))
			return false;
	} else if (fraction) {
		return false;
	}
	if (p < len && (is_digit(s[p]) || s[p] == ':'))
		return false;
	double h = groups == 3 ? (double)part[0] : 0;
	double m = groups == 3 ? (double)part[1] : (double)part[0];
	double sec = groups == 3 ? (double)part[2] : (double)part[1];
	*seconds = h * 3600 + m * 60 + sec + frac;
	*pos = p;
	return true;
}

void clock_format(double seconds, char *out, size_t size)
{
	long long t = seconds < 0 ? 0 : (long long)seconds;
	if (t >= 3600)
		snprintf(out, size, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, size, "%lld:%02lld", t / 60, t % 60);
}
