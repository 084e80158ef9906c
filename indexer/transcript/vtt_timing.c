#include "vtt_timing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "ASCII whitespace" in the WebVTT spec: tab, LF, FF, CR, space. */
static bool is_space(char c)
{
	return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Collect a run of digits; returns how many, and their value in *value
 * (a double, so that an absurd number of hour digits cannot overflow). */
static size_t collect_digits(const char *s, size_t len, size_t *pos, double *value)
{
	size_t start = *pos;
	double v = 0;
	while (*pos < len && is_digit(s[*pos]))
		v = v * 10 + (s[(*pos)++] - '0');
	*value = v;
	return *pos - start;
}

bool vtt_timestamp_collect(const char *s, size_t len, size_t *pos, double *seconds)
{
	double v1, v2, v3, v4;
	bool hours_first = false;

	if (*pos >= len || !is_digit(s[*pos]))
		return false;
	size_t n = collect_digits(s, len, pos, &v1);
	/* A first field that is not two digits, or above 59, can only be hours. */
	if (n != 2 || v1 > 59)
		hours_first = true;
	if (*pos >= len || s[*pos] != ':')
		return false;
	(*pos)++;
	if (collect_digits(s, len, pos, &v2) != 2)
		return false;
	if (hours_first || (*pos < len && s[*pos] == ':')) {
		if (*pos >= len || s[*pos] != ':')
			return false;
		(*pos)++;
		if (collect_digits(s, len, pos, &v3) != 2)
			return false;
	} else {
		v3 = v2;
		v2 = v1;
		v1 = 0;
	}
	if (*pos >= len || s[*pos] != '.')
		return false;
	(*pos)++;
	if (collect_digits(s, len, pos, &v4) != 3)
		return false;
	if (v2 > 59 || v3 > 59)
		return false;
	*seconds = v1 * 3600 + v2 * 60 + v3 + v4 / 1000;
	return true;
}

/* "Parse a percentage string": digits, optionally '.' and digits, then
 * '%', between 0 and 100. */
static bool parse_percentage(const char *s, size_t len, double *out)
{
	size_t i = 0;
	while (i < len && is_digit(s[i]))
		i++;
	if (i == 0)
		return false;
	if (i < len && s[i] == '.') {
		size_t frac = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == frac)
			return false;
	}
	if (i + 1 != len || s[i] != '%')
		return false;
	char tmp[64];
	double value;
	if (i < sizeof tmp) {
		memcpy(tmp, s, i);
		tmp[i] = '\0';
		value = strtod(tmp, NULL);
	} else {
		/* Hundreds of digits: only leading zeros can keep it in range, and
		 * strtod on a heap copy reads it correctly either way. */
		char *big = malloc(i + 1);
		if (!big)
			return false;
		memcpy(big, s, i);
		big[i] = '\0';
		value = strtod(big, NULL);
		free(big);
	}
	if (value < 0 || value > 100)
		return false;
	*out = value;
	return true;
}

/* The non-percentage form of a "line" value: an optionally signed real
 * number (WebVTT §6.1, "line" setting steps). */
static bool parse_line_number(const char *s, size_t len, double *out)
{
	size_t dots = 0, dot_at = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '-') {
			if (i != 0)
				return false;
		} else if (c == '.') {
			dots++;
			dot_at = i;
		} else if (!is_digit(c)) {
			return false;
		}
	}
	if (dots > 1)
		return false;
	if (dots == 1 && (dot_at == 0 || dot_at + 1 == len || !is_digit(s[dot_at - 1]) ||
	                  !is_digit(s[dot_at + 1])))
		return false;
	char *copy = malloc(len + 1);
	if (!copy)
		return false;
	memcpy(copy, s, len);
	copy[len] = '\0';
	double value = strtod(copy, NULL);
	free(copy);
	/* Past the largest double the number is not representable: WPT
	 * settings-line treats "greater than Number.MAX_VALUE" as invalid. */
	if (isinf(value))
		return false;
	*out = value;
	return true;
}

static bool equals(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Split "value" at its first comma: the position part and the alignment
 * part (NULL when there is no comma). */
static void split_comma(const char *v, size_t vlen, size_t *pos_len, const char **align,
                        size_t *align_len)
{
	const char *comma = memchr(v, ',', vlen);
	*pos_len = comma ? (size_t)(comma - v) : vlen;
	*align = comma ? comma + 1 : NULL;
	*align_len = comma ? vlen - *pos_len - 1 : 0;
}

static void apply_line(const char *v, size_t vlen, cue_settings *st)
{
	size_t pos_len, align_len;
	const char *align;
	split_comma(v, vlen, &pos_len, &align, &align_len);

	bool has_digit = false;
	for (size_t i = 0; i < pos_len; i++)
		has_digit |= is_digit(v[i]);
	if (!has_digit)
		return;
	double number;
	bool percent = v[pos_len - 1] == '%';
	if (percent ? !parse_percentage(v, pos_len, &number)
	            : !parse_line_number(v, pos_len, &number))
		return;
	st->line_auto = false;
	st->line = number;
	st->snap_to_lines = !percent;
	/* An unknown alignment is ignored and the line kept: the WPT
	 * settings-line expectations ("line:100%,middle" gives line 100). */
	if (align) {
		if (equals(align, align_len, "start"))
			st->line_align = "start";
		else if (equals(align, align_len, "center"))
			st->line_align = "center";
		else if (equals(align, align_len, "end"))
			st->line_align = "end";
	}
}

static void apply_position(const char *v, size_t vlen, cue_settings *st)
{
	size_t pos_len, align_len;
	const char *align;
	double number;
	split_comma(v, vlen, &pos_len, &align, &align_len);
	if (!parse_percentage(v, pos_len, &number))
		return;
	st->position_auto = false;
	st->position = number;
	if (align) {
		if (equals(align, align_len, "line-left"))
			st->position_align = "line-left";
		else if (equals(align, align_len, "center"))
			st->position_align = "center";
		else if (equals(align, align_len, "line-right"))
			st->position_align = "line-right";
	}
}

static void apply_setting(const char *name, size_t nlen, const char *v, size_t vlen,
                          cue_settings *st)
{
	double number;
	if (equals(name, nlen, "vertical")) {
		if (equals(v, vlen, "rl"))
			st->vertical = "rl";
		else if (equals(v, vlen, "lr"))
			st->vertical = "lr";
	} else if (equals(name, nlen, "line")) {
		apply_line(v, vlen, st);
	} else if (equals(name, nlen, "position")) {
		apply_position(v, vlen, st);
	} else if (equals(name, nlen, "size")) {
		if (parse_percentage(v, vlen, &number))
			st->size = number;
	} else if (equals(name, nlen, "align")) {
		static const char *const aligns[] = {"start", "center", "end", "left", "right"};
		for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++)
			if (equals(v, vlen, aligns[i]))
				st->align = aligns[i];
	}
	/* "region" and unknown names: nothing a transcript needs. */
}

/* Split on ASCII whitespace; each "name:value" token with a non-empty name
 * and value is applied in order, so a later duplicate wins. */
static void parse_settings(const char *s, size_t len, cue_settings *st)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && is_space(s[i]))
			i++;
		size_t start = i;
		while (i < len && !is_space(s[i]))
			i++;
		if (i == start)
			break;
		const char *colon = memchr(s + start, ':', i - start);
		if (!colon || colon == s + start || colon == s + i - 1)
			continue;
		size_t nlen = (size_t)(colon - (s + start));
		apply_setting(s + start, nlen, colon + 1, i - start - nlen - 1, st);
	}
}

bool vtt_timing_line_parse(const char *line, size_t len, double *start, double *end,
                           cue_settings *settings)
{
	size_t pos = 0;
	while (pos < len && is_space(line[pos]))
		pos++;
	if (!vtt_timestamp_collect(line, len, &pos, start))
		return false;
	while (pos < len && is_space(line[pos]))
		pos++;
	if (len - pos < 3 || memcmp(line + pos, "-->", 3) != 0)
		return false;
	pos += 3;
	while (pos < len && is_space(line[pos]))
		pos++;
	if (!vtt_timestamp_collect(line, len, &pos, end))
		return false;
	parse_settings(line + pos, len - pos, settings);
	return true;
}
