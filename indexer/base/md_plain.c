#include "md_plain.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define LINK_MAX 2048

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* Past the marks that open a line: indentation, quote '>'s, one heading's
 * '#'s, a bullet or "1." / "1)", a task box. */
static const char *line_body(const char *p, const char *end)
{
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '>') {
			p++;
			continue;
		}
		break;
	}
	const char *q = p;
	while (q < end && *q == '#')
		q++;
	if (q > p && q - p <= 6 && (q == end || *q == ' '))
		p = q;
	else if (p + 1 < end && strchr("-*+", *p) && p[1] == ' ')
		p += 2;
	else {
		q = p;
		while (q < end && isdigit((unsigned char)*q))
			q++;
		if (q > p && q - p <= 9 && q + 1 < end && (*q == '.' || *q == ')') && q[1] == ' ')
			p = q + 2;
	}
	while (p < end && *p == ' ')
		p++;
	if (end - p >= 3 && p[0] == '[' && strchr(" xX", p[1]) && p[2] == ']')
		p += 3;
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* A table's separator row ("|---|:--:|") or a code fence: dropped whole. */
static bool rule_line(const char *p, const char *end)
{
	if (end - p >= 3 && (strncmp(p, "```", 3) == 0 || strncmp(p, "~~~", 3) == 0))
		return true;
	bool pipe = false, dash = false;
	for (; p < end; p++) {
		if (*p == '|')
			pipe = true;
		else if (*p == '-')
			dash = true;
		else if (*p != ':' && *p != ' ' && *p != '\t')
			return false;
	}
	return pipe && dash;
}

/* "[text](url)" or "![alt](url)" at p: writes the text to *o and returns
 * where the link ends, or NULL when p starts no link. */
static const char *link_text(const char *p, const char *end, char **o)
{
	const char *open = *p == '!' ? p + 1 : p;
	if (open >= end || *open != '[')
		return NULL;
	/* A link is looked for within LINK_MAX bytes, so that a line of
	 * '['s costs linear time, not quadratic. */
	if (end - open > LINK_MAX)
		end = open + LINK_MAX;
	const char *close = memchr(open, ']', (size_t)(end - open));
	if (!close || close + 1 >= end || close[1] != '(')
		return NULL;
	/* The URL may hold balanced brackets: a_(b). */
	const char *paren = close + 2;
	for (int depth = 0; paren < end; paren++) {
		if (*paren == '(')
			depth++;
		else if (*paren == ')' && depth-- == 0)
			break;
	}
	if (paren >= end)
		return NULL;
	for (const char *t = open + 1; t < close; t++)
		if (!strchr("*_`~", *t))
			*(*o)++ = *t;
	return paren + 1;
}

/* One line's body without its inline marks, onto *o. */
static void inline_plain(const char *p, const char *end, char **o)
{
	const char *start = p;
	while (p < end) {
		const char *after = link_text(p, end, o);
		if (after) {
			p = after;
			continue;
		}
		char c = *p;
		if (c == '*' || c == '`' || (c == '~' && p + 1 < end && p[1] == '~')) {
			p += c == '~' ? 2 : 1;
			continue;
		}
		if (c == '|') { /* a table cell's edge */
			*(*o)++ = ' ';
			p++;
			continue;
		}
		/* '_' marks emphasis at a word's edge; inside a word it is part
		 * of it (cache_size_limit). */
		if (c == '_' &&
		    !(p > start && word_char(p[-1]) && p + 1 < end && word_char(p[1]))) {
			p++;
			continue;
		}
		if (c == '<' && end - p > 8 && strncmp(p + 1, "http", 4) == 0) {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			if (gt) {
				memcpy(*o, p + 1, (size_t)(gt - p - 1));
				*o += gt - p - 1;
				p = gt + 1;
				continue;
			}
		}
		*(*o)++ = *p++;
	}
}

char *md_plain(const char *md)
{
	size_t len = md ? strlen(md) : 0;
	char *out = malloc(len + 1), *o = out;
	if (!out)
		return NULL;
	const char *p = md ? md : "", *end = p + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *body = line_body(p, line_end);
		if (!rule_line(body, line_end))
			inline_plain(body, line_end, &o);
		if (nl)
			*o++ = '\n';
		p = nl ? nl + 1 : end;
	}
	*o = '\0';
	return out;
}
