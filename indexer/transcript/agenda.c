#include "agenda.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text_decode.h"

const char *agenda_status_str(agenda_status status)
{
	switch (status) {
	case AGENDA_OK:
		return "ok";
	case AGENDA_INVALID:
		return "invalid agenda";
	case AGENDA_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

void agenda_free(agenda *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->count; i++)
		free(a->entries[i].title);
	free(a->entries);
	a->entries = NULL;
	a->count = a->cap = 0;
	a->error_line = 0;
	a->error[0] = '\0';
}

static agenda_status reject(agenda *a, size_t line, const char *fmt, ...)
{
	char message[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	agenda_free(a);
	a->error_line = line;
	snprintf(a->error, sizeof a->error, "line %zu: %s", line, message);
	return AGENDA_INVALID;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static agenda_status push(agenda *a, agenda_entry_kind kind, double start, const char *text,
                          size_t len, size_t line, unsigned depth)
{
	if (a->count == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		agenda_entry *grown = realloc(a->entries, cap * sizeof *grown);
		if (!grown)
			return AGENDA_NOMEM;
		a->entries = grown;
		a->cap = cap;
	}
	char *title = malloc(len + 1);
	if (!title)
		return AGENDA_NOMEM;
	memcpy(title, text, len);
	title[len] = '\0';
	a->entries[a->count++] = (agenda_entry){kind, start, title, line, depth};
	return AGENDA_OK;
}

/* Length of a list marker at s ("- ", "* ", "+ ", "12. ", "3) "), or 0. */
static size_t list_marker_len(const char *s, size_t len)
{
	size_t i = 0;
	if (len >= 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+')) {
		i = 1;
	} else {
		while (i < len && i < 9 && is_digit(s[i]))
			i++;
		if (i == 0 || i >= len || (s[i] != '.' && s[i] != ')'))
			return 0;
		i++;
	}
	if (i < len && !is_space(s[i]))
		return 0;
	while (i < len && is_space(s[i]))
		i++;
	return i;
}

typedef enum { NO_TIME, TIME_OK, TIME_OUT_OF_RANGE } time_match;

/* A timestamp at s: digits ':' two digits [':' two digits] ['.' digits],
 * ending at the end, a space, a closing bracket or a separator. */
static time_match read_time(const char *s, size_t len, size_t *pos, double *seconds)
{
	size_t i = *pos;
	double fields[3];
	size_t nfields = 0;
	for (;;) {
		size_t start = i;
		double v = 0;
		while (i < len && is_digit(s[i]) && i - start < 12)
			v = v * 10 + (s[i++] - '0');
		if (i == start || (nfields > 0 && i - start != 2))
			return NO_TIME;
		fields[nfields++] = v;
		if (nfields == 3 || i >= len || s[i] != ':' || i + 1 >= len || !is_digit(s[i + 1]))
			break;
		i++;
	}
	if (nfields < 2)
		return NO_TIME;
	double fraction = 0;
	if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1])) {
		double scale = 0.1;
		for (i++; i < len && is_digit(s[i]); i++, scale /= 10)
			fraction += (s[i] - '0') * scale;
	}
	if (i < len && !is_space(s[i]) && !strchr("])-:|\xE2", s[i]))
		return NO_TIME; /* "10:30am": a time of day, not a moment in the recording */
	*pos = i;
	if (fields[nfields - 1] > 59 || (nfields == 3 && fields[1] > 59))
		return TIME_OUT_OF_RANGE;
	*seconds = nfields == 3 ? fields[0] * 3600 + fields[1] * 60 + fields[2]
	                        : fields[0] * 60 + fields[1];
	*seconds += fraction;
	return TIME_OK;
}

/* Skip one separator between time and title: "-", "–", "—", ":" or "|". */
static size_t skip_separator(const char *s, size_t len, size_t i)
{
	while (i < len && is_space(s[i]))
		i++;
	if (i < len && (s[i] == '-' || s[i] == ':' || s[i] == '|'))
		i++;
	else if (len - i >= 3 && memcmp(s + i, "\xE2\x80\x93", 3) == 0) /* en dash */
		i += 3;
	else if (len - i >= 3 && memcmp(s + i, "\xE2\x80\x94", 3) == 0) /* em dash */
		i += 3;
	while (i < len && is_space(s[i]))
		i++;
	return i;
}

static agenda_status parse_line(agenda *a, const char *s, size_t len, size_t number)
{
	size_t indent = 0, i = 0;
	while (i < len && is_space(s[i]))
		indent += s[i++] == '\t' ? 4 : 1;
	while (len > i && is_space(s[len - 1]))
		len--;
	if (i == len)
		return AGENDA_OK;
	unsigned depth = (unsigned)(indent / 2);
	size_t marker = list_marker_len(s + i, len - i);
	if (marker) {
		size_t at = i + marker;
		char open = at < len && (s[at] == '[' || s[at] == '(') ? s[at] : 0;
		size_t t = at + (open ? 1 : 0);
		double seconds = 0;
		time_match m = read_time(s, len, &t, &seconds);
		if (m != NO_TIME && open) {
			char close = open == '[' ? ']' : ')';
			if (t < len && s[t] == close)
				t++;
			else
				m = NO_TIME;
		}
		if (m == TIME_OUT_OF_RANGE)
			return reject(a, number,
			              "timestamp \"%.*s\" has minutes or seconds of 60 or more",
			              (int)(t - at), s + at);
		if (m == TIME_OK) {
			size_t title = skip_separator(s, len, t);
			if (title == len)
				return reject(a, number, "agenda item at \"%.*s\" has no title",
				              (int)(t - at), s + at);
			return push(a, AGENDA_ITEM, seconds, s + title, len - title, number, depth);
		}
	}
	return push(a, AGENDA_NOTE, 0, s + i, len - i, number, depth);
}

agenda_status agenda_parse(const char *buf, size_t len, agenda *out)
{
	strbuf text = STRBUF_INIT;
	agenda_status status = AGENDA_OK;
	if (!text_normalize(buf, len, TEXT_UTF8_REPLACE, &text, NULL))
		return AGENDA_NOMEM;
	size_t pos = 0, number = 1;
	while (pos < text.len && status == AGENDA_OK) {
		const char *line = text.data + pos;
		const char *lf = memchr(line, '\n', text.len - pos);
		size_t n = lf ? (size_t)(lf - line) : text.len - pos;
		status = parse_line(out, line, n, number++);
		pos += n + 1;
	}
	if (status == AGENDA_NOMEM)
		agenda_free(out);
	sb_free(&text);
	return status;
}
