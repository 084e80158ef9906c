#include "answer_span.h"

#include <string.h>

#include "timecode.h"

bool answer_span_write(strbuf *sb, double from, double to)
{
	return timecode_seconds(sb, from) && sb_append_char(sb, '-') &&
	       timecode_seconds(sb, to > from ? to : from);
}

bool answer_span_parse(const char *s, double *from, double *to)
{
	*from = *to = 0;
	const char *dash = s ? strchr(s, '-') : NULL;
	char head[64];
	/* A moment is short ("1h2m3s.5" at most a dozen bytes): a longer
	 * head is no moment. */
	if (!dash || (size_t)(dash - s) >= sizeof head)
		return false;
	memcpy(head, s, (size_t)(dash - s));
	head[dash - s] = '\0';
	double a, b;
	if (!timecode_parse(head, &a) || !timecode_parse(dash + 1, &b) || b < a)
		return false;
	*from = a;
	*to = b;
	return true;
}

bool answer_span_holds(double from, double to, double start, double end)
{
	/* Times in a URL have three decimals at most: a millisecond's slack. */
	const double slack = 0.001;
	/* The cue after the answer often starts where the answer ends. */
	bool starts_inside = start >= from - slack && (start < to - slack || start <= from + slack);
	bool span_inside = from >= start - slack && from < end;
	return starts_inside || span_inside;
}
