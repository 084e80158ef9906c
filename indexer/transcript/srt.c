#include "srt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text_decode.h"

typedef struct line_reader {
	const char *s;
	size_t len;
	size_t pos;
	size_t number; /* 1-based number of the line `pos` starts */
} line_reader;

typedef struct text_line {
	const char *p;
	size_t len;
	size_t number;
} text_line;

/* Read the next line; false at the end of input. */
static bool read_line(line_reader *r, text_line *out)
{
	if (r->pos >= r->len)
		return false;
	const char *start = r->s + r->pos;
	const char *lf = memchr(start, '\n', r->len - r->pos);
	size_t n = lf ? (size_t)(lf - start) : r->len - r->pos;
	out->p = start;
	out->len = n;
	out->number = r->number++;
	r->pos += n + (lf ? 1 : 0);
	return true;
}

static bool peek_line(const line_reader *r, text_line *out)
{
	line_reader copy = *r;
	return read_line(&copy, out);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

static bool is_blank(const text_line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (!is_space(l->p[i]))
			return false;
	return true;
}

static size_t trimmed_len(const text_line *l)
{
	size_t n = l->len;
	while (n > 0 && is_space(l->p[n - 1]))
		n--;
	return n;
}

static bool contains_arrow(const text_line *l)
{
	for (size_t i = 0; i + 2 < l->len; i++)
		if (l->p[i] == '-' && l->p[i + 1] == '-' && l->p[i + 2] == '>')
			return true;
	return false;
}

/* "12:" or "1:2" at the start (after blanks): the shape of an SRT timestamp,
 * never of a cue number. */
static bool starts_like_timestamp(const text_line *l)
{
	size_t i = 0, digits = 0;
	while (i < l->len && is_space(l->p[i]))
		i++;
	while (i < l->len && l->p[i] >= '0' && l->p[i] <= '9') {
		i++;
		digits++;
	}
	return digits >= 1 && digits <= 2 && i < l->len && l->p[i] == ':';
}

static bool is_index(const text_line *l)
{
	size_t n = trimmed_len(l), i = 0;
	while (i < n && is_space(l->p[i]))
		i++;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (l->p[i] < '0' || l->p[i] > '9')
			return false;
	return true;
}

/* Read 1..max digits at s[*pos]; false if there are none or more than max. */
static bool read_digits(const char *s, size_t len, size_t *pos, size_t min, size_t max, long *value)
{
	size_t start = *pos;
	long v = 0;
	while (*pos < len && s[*pos] >= '0' && s[*pos] <= '9' && *pos - start < max + 1)
		v = v * 10 + (s[(*pos)++] - '0');
	size_t n = *pos - start;
	*value = v;
	return n >= min && n <= max;
}

/* H:MM:SS,mmm with 1-2 digit fields and ',' or '.' before exactly three
 * millisecond digits. Returns milliseconds, or -1 when malformed. */
static long long read_timestamp(const char *s, size_t len, size_t *pos)
{
	long h, m, sec, ms;
	if (!read_digits(s, len, pos, 1, 2, &h) || *pos >= len || s[(*pos)++] != ':')
		return -1;
	if (!read_digits(s, len, pos, 1, 2, &m) || *pos >= len || s[(*pos)++] != ':')
		return -1;
	if (!read_digits(s, len, pos, 1, 2, &sec) || *pos >= len)
		return -1;
	if (s[*pos] != ',' && s[*pos] != '.')
		return -1;
	(*pos)++;
	if (!read_digits(s, len, pos, 3, 3, &ms))
		return -1;
	if (m > 59 || sec > 59)
		return -1;
	return ((long long)h * 3600 + m * 60 + sec) * 1000 + ms;
}

/* "START --> END[ anything]". */
static bool parse_timing(const text_line *l, long long *start, long long *end)
{
	size_t pos = 0, n = l->len;
	const char *s = l->p;
	while (pos < n && is_space(s[pos]))
		pos++;
	if ((*start = read_timestamp(s, n, &pos)) < 0)
		return false;
	while (pos < n && is_space(s[pos]))
		pos++;
	if (n - pos < 3 || memcmp(s + pos, "-->", 3) != 0)
		return false;
	pos += 3;
	while (pos < n && is_space(s[pos]))
		pos++;
	if ((*end = read_timestamp(s, n, &pos)) < 0)
		return false;
	return pos == n || is_space(s[pos]);
}

static void format_timestamp(long long ms, char *out, size_t size)
{
	snprintf(out, size, "%02lld:%02lld:%02lld,%03lld", ms / 3600000, ms / 60000 % 60,
	         ms / 1000 % 60, ms % 1000);
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool starts_with_nocase(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(s[i]) != word[i])
			return false;
	return true;
}

/* Where the next byte c is at or after `from` (len when there is none).
 * srt_plain_text asks with (almost) increasing `from`, so the last full
 * search is remembered: without it, a line of unclosed "{\" or "<font "
 * rescans the rest of the text at each one, which is quadratic. */
typedef struct byte_finder {
	char c;
	bool known;
	size_t from; /* the last full search started here... */
	size_t at;   /* ...and found c here (len: nowhere) */
} byte_finder;

static size_t byte_find(byte_finder *f, const char *text, size_t len, size_t from)
{
	if (f->known && from <= f->from) {
		/* Only [from, f->from) is unsearched: a few bytes, since a tag
		 * check looks at most a tag name past the current '<'. */
		const char *p = memchr(text + from, f->c, f->from - from);
		return p ? (size_t)(p - text) : f->at;
	}
	if (!f->known || f->at < from) {
		const char *p = memchr(text + from, f->c, len - from);
		f->known = true;
		f->from = from;
		f->at = p ? (size_t)(p - text) : len;
	}
	return f->at;
}

/* If text[i] ('<') starts one of SRT's formatting tags (<i> <b> <u> <s>,
 * their end tags, <font ...> and </font>, any case), return its length up
 * to and including '>'; otherwise 0, and the '<' is ordinary text. */
static size_t formatting_tag_len(const char *text, size_t len, size_t i, byte_finder *gt,
                                 byte_finder *lf)
{
	static const char *const names[] = {"i", "b", "u", "s", "font"};
	size_t j = i + 1;
	if (j < len && text[j] == '/')
		j++;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		size_t nlen = strlen(names[k]);
		if (!starts_with_nocase(text + j, len - j, names[k]) || j + nlen >= len)
			continue;
		size_t after = j + nlen;
		bool is_font = nlen == 4;
		if (text[after] != '>' && !(is_font && is_space(text[after])))
			continue;
		size_t close = byte_find(gt, text, len, after);
		if (close == len || byte_find(lf, text, len, after) < close)
			return 0;
		return close - i + 1;
	}
	return 0;
}

char *srt_plain_text(const char *text, size_t len)
{
	strbuf out = STRBUF_INIT;
	byte_finder gt = {'>', false, 0, 0}, lf = {'\n', false, 0, 0}, brace = {'}', false, 0, 0};
	size_t i = 0;
	while (i < len) {
		size_t skip = 0;
		if (text[i] == '<') {
			skip = formatting_tag_len(text, len, i, &gt, &lf);
		} else if (text[i] == '{' && i + 1 < len && text[i + 1] == '\\') {
			/* An ASS override block such as {\an8} or {\pos(10,20)}. */
			size_t close = byte_find(&brace, text, len, i);
			if (close < len)
				skip = close - i + 1;
		}
		if (skip) {
			i += skip;
			continue;
		}
		/* Copy up to the next possible tag start in one go. */
		size_t run = 1;
		while (i + run < len && text[i + run] != '<' && text[i + run] != '{')
			run++;
		if (!sb_append(&out, text + i, run)) {
			sb_free(&out);
			return NULL;
		}
		i += run;
	}
	return sb_take(&out);
}

/* Lines after the timing line up to a blank line are the cue text. A
 * missing blank line before the next cue is forgiven when the next cue is
 * unmistakable: an index line directly followed by a valid timing line, or a
 * valid timing line itself. */
static bool starts_next_cue(const line_reader *r, const text_line *l)
{
	long long a, b;
	if (contains_arrow(l))
		return parse_timing(l, &a, &b);
	if (!is_index(l))
		return false;
	line_reader after = *r;
	text_line next;
	if (!read_line(&after, &next) || !read_line(&after, &next))
		return false;
	return contains_arrow(&next) && parse_timing(&next, &a, &b);
}

static transcript_status add_cue(transcript *out, const text_line *id, long long start,
                                 long long end, size_t timing_line, const strbuf *text)
{
	cue c = {0};
	c.start = (double)start / 1000.0;
	c.end = (double)end / 1000.0;
	c.line = timing_line;
	size_t id_len = id ? trimmed_len(id) : 0;
	c.id = malloc(id_len + 1);
	c.text = malloc(text->len + 1);
	c.plain = srt_plain_text(text->data ? text->data : "", text->len);
	if (!c.id || !c.text || !c.plain) {
		free(c.id);
		free(c.text);
		free(c.plain);
		return TRANSCRIPT_NOMEM;
	}
	if (id_len)
		memcpy(c.id, id->p, id_len);
	c.id[id_len] = '\0';
	if (text->len)
		memcpy(c.text, text->data, text->len);
	c.text[text->len] = '\0';
	return transcript_add_cue(out, &c);
}

/* Shorten a line for an error message. */
static int quote_len(const text_line *l)
{
	return (int)(l->len > 60 ? 60 : l->len);
}

transcript_status srt_parse(const char *buf, size_t len, transcript *out)
{
	strbuf text = STRBUF_INIT, cue_text = STRBUF_INIT;
	transcript_status status = TRANSCRIPT_OK;
	bool cp1252 = false;

	out->format = TRANSCRIPT_SRT;
	if (!text_normalize(buf, len, TEXT_UTF8_OR_CP1252, &text, &cp1252))
		return TRANSCRIPT_NOMEM;
	out->used_cp1252 = cp1252;

	line_reader r = {text.data, text.len, 0, 1};
	text_line l;
	for (;;) {
		/* Blank lines between blocks. */
		bool more;
		while ((more = read_line(&r, &l)) && is_blank(&l))
			;
		if (!more)
			break;

		text_line index_line, timing = l;
		/* A block starts with its timing line or with an index line. A
		 * first line that starts like a timestamp is a timing line gone
		 * wrong (no arrow), reported as such on its own line. */
		bool has_index = !contains_arrow(&l) && !starts_like_timestamp(&l);
		if (has_index) {
			index_line = l;
			bool more = read_line(&r, &timing);
			if (!is_index(&l) && (!more || !contains_arrow(&timing))) {
				status = transcript_reject(
				    out, l.number,
				    "\"%.*s\" is neither a cue number nor a timing line (a blank "
				    "line inside a cue's text?)",
				    quote_len(&l), l.p);
				goto out;
			}
			if (!more || is_blank(&timing)) {
				status = transcript_reject(out, more ? timing.number : l.number,
				                           "expected a timing line (00:00:01,000 "
				                           "--> 00:00:02,000) after cue "
				                           "number \"%.*s\"",
				                           quote_len(&l), l.p);
				goto out;
			}
		}
		long long start, end;
		if (!parse_timing(&timing, &start, &end)) {
			status = transcript_reject(out, timing.number,
			                           "malformed timing line \"%.*s\" (expected "
			                           "HH:MM:SS,mmm --> HH:MM:SS,mmm)",
			                           quote_len(&timing), timing.p);
			goto out;
		}
		if (end < start) {
			char a[32], b[32];
			format_timestamp(start, a, sizeof a);
			format_timestamp(end, b, sizeof b);
			status = transcript_reject(out, timing.number,
			                           "cue ends (%s) before it starts (%s)", b, a);
			goto out;
		}
		sb_clear(&cue_text);
		text_line next;
		while (peek_line(&r, &next) && !is_blank(&next) && !starts_next_cue(&r, &next)) {
			read_line(&r, &next);
			if ((cue_text.len && !sb_append_char(&cue_text, '\n')) ||
			    !sb_append(&cue_text, next.p, next.len)) {
				status = TRANSCRIPT_NOMEM;
				goto out;
			}
		}
		status = add_cue(out, has_index ? &index_line : NULL, start, end, timing.number,
		                 &cue_text);
		if (status != TRANSCRIPT_OK)
			goto out;
	}
	if (transcript_cue_count(out) == 0)
		status = transcript_reject(out, 0, "empty file: no cues");
out:
	if (status == TRANSCRIPT_NOMEM)
		cue_list_free(&out->cues);
	sb_free(&cue_text);
	sb_free(&text);
	return status;
}
