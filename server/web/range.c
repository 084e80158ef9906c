#include "range.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "number.h"

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

http_range_status http_range_parse(const char *header, uint64_t size, uint64_t *first,
                                   uint64_t *last)
{
	if (!header)
		return HTTP_RANGE_NONE;
	const char *p = skip_ows(header);
	if (strncasecmp(p, "bytes", 5) != 0)
		return HTTP_RANGE_NONE;
	p = skip_ows(p + 5);
	if (*p++ != '=')
		return HTTP_RANGE_NONE;
	/* §14.1.1: range-set = 1#range-spec; empty list elements are allowed
	 * by the list rule (§5.6.1) and skipped. */
	unsigned count = 0;
	bool satisfiable = false;
	uint64_t f = 0, l = 0;
	for (;;) {
		p = skip_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\0')
			break;
		uint64_t a = 0, b = 0; /* set when have_a / have_b */
		bool have_a = false, have_b = false;
		const char *q = number_scan_u64(p, &a, NULL);
		if (q) {
			have_a = true;
			p = q;
		}
		if (*p++ != '-')
			return HTTP_RANGE_NONE;
		q = number_scan_u64(p, &b, NULL);
		if (q) {
			have_b = true;
			p = q;
		}
		if (!have_a && !have_b)
			return HTTP_RANGE_NONE;
		if (have_a && have_b && b < a)
			return HTTP_RANGE_NONE; /* §14.1.1: invalid, so the header is ignored */
		p = skip_ows(p);
		if (*p != ',' && *p != '\0')
			return HTTP_RANGE_NONE;
		count++;
		if (have_a) {
			if (a < size) {
				satisfiable = true;
				f = a;
				l = have_b && b < size - 1 ? b : size - 1;
			}
		} else if (b > 0 && size > 0) {
			/* A suffix: the last b bytes (§14.1.2), all of them when b
			 * is at least the size. */
			satisfiable = true;
			f = b >= size ? 0 : size - b;
			l = size - 1;
		}
	}
	if (count == 0)
		return HTTP_RANGE_NONE;
	if (!satisfiable)
		return HTTP_RANGE_UNSATISFIABLE;
	if (count > 1)
		return HTTP_RANGE_MULTIPLE;
	*first = f;
	*last = l;
	return HTTP_RANGE_SINGLE;
}

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void http_date_format(time_t t, char out[30])
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		memcpy(out, "Thu, 01 Jan 1970 00:00:00 GMT", 30);
		return;
	}
	/* Every field is in range (gmtime_r), so this is exactly 29 bytes; the
	 * unsigned char casts let the compiler see the widths. */
	char buf[64];
	snprintf(buf, sizeof buf, "%s, %02u %s %04u %02u:%02u:%02u GMT", days[tm.tm_wday % 7],
	         (unsigned char)tm.tm_mday, months[tm.tm_mon % 12], (unsigned)(tm.tm_year + 1900),
	         (unsigned char)tm.tm_hour, (unsigned char)tm.tm_min, (unsigned char)tm.tm_sec);
	memcpy(out, buf, 29);
	out[29] = '\0';
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so no timegm() is needed. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int month_index(const char *name)
{
	for (int i = 0; i < 12; i++)
		if (strcmp(name, months[i]) == 0)
			return i;
	return -1;
}

bool http_date_parse(const char *s, time_t *out)
{
	char mon[4] = "", gmt[4] = "";
	int day, year, hh, mm, ss, n = 0;
	if (!s)
		return false;
	/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
	if (sscanf(s, "%*3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3s%n", &day, mon, &year, &hh,
	           &mm, &ss, gmt, &n) == 7 &&
	    strcmp(gmt, "GMT") == 0) {
		/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
	} else if (sscanf(s, "%*[A-Za-z], %2d-%3[A-Za-z]-%4d %2d:%2d:%2d %3s%n", &day, mon, &year,
	                  &hh, &mm, &ss, gmt, &n) == 7 &&
	           strcmp(gmt, "GMT") == 0) {
		/* §5.6.7: a two-digit year more than 50 years in the future
		 * means the past century; 70 is near enough for file times. */
		if (year < 100)
			year += year < 70 ? 2000 : 1900;
		/* asctime: Sun Nov  6 08:49:37 1994 */
	} else if (sscanf(s, "%*3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", mon, &day, &hh, &mm,
	                  &ss, &year, &n) != 6) {
		return false;
	}
	if (s[n] != '\0')
		return false;
	int m = month_index(mon);
	if (m < 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || year < 1970)
		return false;
	long long t = days_from_civil(year, (unsigned)m + 1, (unsigned)day) * 86400LL +
	              hh * 3600LL + mm * 60LL + ss;
	*out = (time_t)t;
	return true;
}

/* Walk a comma-separated list of entity tags (§8.8.3); call match on each
 * opaque tag. */
static bool etag_list_match(const char *header, const char *etag, bool strong)
{
	if (!header || !etag)
		return false;
	const char *p = skip_ows(header);
	if (*p == '*' && *skip_ows(p + 1) == '\0')
		return true;
	bool etag_weak = strncmp(etag, "W/", 2) == 0;
	const char *opaque = etag_weak ? etag + 2 : etag;
	size_t opaque_len = strlen(opaque);
	while (*p) {
		p = skip_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		bool weak = strncmp(p, "W/", 2) == 0;
		if (weak)
			p += 2;
		if (*p != '"')
			return false;
		const char *end = strchr(p + 1, '"');
		if (!end)
			return false;
		size_t len = (size_t)(end - p) + 1;
		if (len == opaque_len && memcmp(p, opaque, len) == 0 &&
		    (!strong || (!weak && !etag_weak)))
			return true;
		p = end + 1;
	}
	return false;
}

bool http_etag_match_weak(const char *header, const char *etag)
{
	return etag_list_match(header, etag, false);
}

bool http_etag_match_strong(const char *header, const char *etag)
{
	return etag_list_match(header, etag, true);
}
