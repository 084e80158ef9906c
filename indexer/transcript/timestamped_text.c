#include "timestamped_text.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "speaker_prefix.h"
#include "strbuf.h"
#include "text_decode.h"

/* How fast people speak, for the last cue's length: 150 words a minute. */
#define WORDS_PER_SECOND     2.5
#define LAST_CUE_MIN_SECONDS 2.0
/* How far into a file the sniffer looks for times. */
#define SNIFF_LINES 40
#define SNIFF_BYTES 16384
/* A title and a list of attendees come before the first time (Meet). */
#define SNIFF_EARLY_LINES 10

/* One line, read. */
typedef struct text_line {
	bool stamped;
	double t;
	const char *name; /* Otter's heading: the speaker before the time */
	size_t name_len;
	const char *content; /* the words on the line (after a leading time) */
	size_t content_len;
} text_line;

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t';
}

/* "[0:12]", "(0:12)" or "0:12" at the start, then a blank or the end. */
static bool leading_time(const char *p, size_t len, double *t, size_t *after)
{
	size_t pos = 0;
	char close = p[0] == '[' ? ']' : p[0] == '(' ? ')' : '\0';
	if (close)
		pos = 1;
	if (!clock_read(p, len, &pos, false, t))
		return false;
	if (close && (pos >= len || p[pos++] != close))
		return false;
	if (pos < len && !is_blank_char(p[pos]))
		return false;
	while (pos < len && is_blank_char(p[pos]))
		pos++;
	/* "00:00:01,000 --> 00:00:02,000" is a subtitle timing line. */
	if (len - pos >= 3 && memcmp(p + pos, "-->", 3) == 0)
		return false;
	*after = pos;
	return true;
}

/* Otter's "Jane Doe  12:30": a name, blanks, a time, nothing else. */
static bool heading(const char *p, size_t len, text_line *out)
{
	size_t at = len;
	while (at > 0 && !is_blank_char(p[at - 1]))
		at--;
	size_t pos = at, name_len = at;
	double t;
	if (at == 0 || !clock_read(p, len, &pos, false, &t) || pos != len)
		return false;
	while (name_len > 0 && is_blank_char(p[name_len - 1]))
		name_len--;
	if (!speaker_name_valid(p, name_len))
		return false;
	*out = (text_line){true, t, p, name_len, p + len, 0};
	return true;
}

/* Read a line (trimmed, not blank). */
static void classify(const char *p, size_t len, text_line *out)
{
	size_t after;
	double t;
	if (leading_time(p, len, &t, &after))
		*out = (text_line){true, t, NULL, 0, p + after, len - after};
	else if (!heading(p, len, out))
		*out = (text_line){false, 0, NULL, 0, p, len};
}

/* The next line of s from *at, trimmed; false at the end. Lines end at LF,
 * CR or CRLF (the sniffer reads raw bytes). */
static bool next_line(const char *s, size_t len, size_t *at, const char **p, size_t *n)
{
	if (*at >= len)
		return false;
	size_t start = *at, end = start;
	while (end < len && s[end] != '\n' && s[end] != '\r')
		end++;
	*at = end + (end < len && s[end] == '\r' && end + 1 < len && s[end + 1] == '\n' ? 2 : 1);
	while (start < end && is_blank_char(s[start]))
		start++;
	while (end > start && is_blank_char(s[end - 1]))
		end--;
	*p = s + start;
	*n = end - start;
	return true;
}

bool timestamped_text_sniff(const char *buf, size_t len)
{
	size_t at = 0, lines = 0, stamped = 0, n;
	bool early = false;
	const char *p;
	if (len > SNIFF_BYTES)
		len = SNIFF_BYTES;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		at = 3;
	while (lines < SNIFF_LINES && next_line(buf, len, &at, &p, &n)) {
		if (n == 0)
			continue;
		text_line l;
		classify(p, n, &l);
		early |= lines < SNIFF_EARLY_LINES && l.stamped;
		lines++;
		stamped += l.stamped;
	}
	/* One time near the top is enough: an Otter paragraph, or Meet's five
	 * minutes between times, can hide the second one past what is read. */
	return stamped >= 2 || early;
}

/* A line of text to become a cue, and the time it comes under. */
typedef struct utterance {
	size_t segment; /* index of the time it is said under */
	const char *text, *plain, *name;
	size_t text_len, plain_len, name_len;
	size_t line;
	size_t words;
} utterance;

typedef struct reader {
	double *times; /* segment starts */
	size_t segments, seg_cap;
	utterance *u;
	size_t count, cap;
	const char *name; /* the speaker so far */
	size_t name_len;
} reader;

static size_t word_count(const char *p, size_t n)
{
	size_t words = 0;
	for (size_t i = 0; i < n; i++)
		words += !is_blank_char(p[i]) && (i == 0 || is_blank_char(p[i - 1]));
	return words;
}

static bool grow(void **items, size_t *cap, size_t count, size_t size)
{
	if (count < *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 64;
	void *grown = realloc(*items, n * size);
	if (!grown)
		return false;
	*items = grown;
	*cap = n;
	return true;
}

static bool add_segment(reader *r, double t)
{
	if (!grow((void **)&r->times, &r->seg_cap, r->segments, sizeof *r->times))
		return false;
	r->times[r->segments++] = t;
	return true;
}

/* A line of words (content[0..len), NUL-free, line number n). */
static bool add_utterance(reader *r, const char *content, size_t len, size_t n)
{
	if (len == 0)
		return true;
	if ((r->segments == 0 && !add_segment(r, 0)) ||
	    !grow((void **)&r->u, &r->cap, r->count, sizeof *r->u))
		return false;
	utterance *u = &r->u[r->count++];
	*u = (utterance){r->segments - 1, content, content, NULL, len, len, 0, n, 0};
	/* speaker_prefix_find reads a NUL-terminated string: the line is
	 * copied, bounded by the longest prefix it could find. */
	char head[128];
	size_t h = len < sizeof head - 1 ? len : sizeof head - 1;
	memcpy(head, content, h);
	head[h] = '\0';
	size_t name_at, name_len, text_at;
	if (speaker_prefix_find(head, &name_at, &name_len, &text_at) && text_at <= h) {
		r->name = content + name_at;
		r->name_len = name_len;
		u->plain = content + text_at;
		u->plain_len = len - text_at;
	}
	u->name = r->name;
	u->name_len = r->name_len;
	u->words = word_count(u->plain, u->plain_len);
	return true;
}

/* Read every line into r. */
static transcript_status read_lines(const strbuf *text, reader *r, transcript *out)
{
	size_t at = 0, number = 0, n, stamp_line = 0;
	const char *p;
	while (next_line(text->data ? text->data : "", text->len, &at, &p, &n)) {
		number++;
		if (n == 0)
			continue;
		text_line l;
		classify(p, n, &l);
		if (l.stamped) {
			double before = r->segments ? r->times[r->segments - 1] : 0;
			if (stamp_line && l.t < before) {
				char a[32], b[32];
				clock_format(l.t, a, sizeof a);
				clock_format(before, b, sizeof b);
				return transcript_reject(
				    out, number,
				    "the time %s comes after %s (line %zu): times "
				    "must not go backwards",
				    a, b, stamp_line);
			}
			stamp_line = number;
			if (!add_segment(r, l.t))
				return TRANSCRIPT_NOMEM;
			if (l.name)
				r->name = l.name, r->name_len = l.name_len;
		}
		if (!add_utterance(r, l.content, l.content_len, number))
			return TRANSCRIPT_NOMEM;
	}
	if (!stamp_line)
		return transcript_reject(out, 1,
		                         "no times found: expected lines like \"[00:12:30] Name: "
		                         "text\", \"00:12:30 text\" or \"Name  12:30\" followed by "
		                         "the text");
	if (r->count == 0)
		return transcript_reject(out, 0, "empty file: no cues");
	return TRANSCRIPT_OK;
}

static char *copy(const char *p, size_t n)
{
	return p ? strndup(p, n) : NULL;
}

static transcript_status add_cue(transcript *out, const utterance *u, double start, double end)
{
	cue c = {0};
	c.start = start;
	c.end = end;
	c.line = u->line;
	c.id = strdup("");
	c.text = copy(u->text, u->text_len);
	c.plain = copy(u->plain, u->plain_len);
	c.voice = copy(u->name, u->name_len);
	if (!c.id || !c.text || !c.plain || (u->name && !c.voice)) {
		cue_free(&c);
		return TRANSCRIPT_NOMEM;
	}
	return transcript_add_cue(out, &c);
}

/* The cues of segment s: utterances [first, next) share its span, by
 * their words. */
static transcript_status add_segment_cues(transcript *out, const reader *r, size_t s, size_t first,
                                          size_t next)
{
	size_t words = 0, before = 0;
	for (size_t i = first; i < next; i++)
		words += r->u[i].words;
	double start = r->times[s];
	double end = s + 1 < r->segments ? r->times[s + 1] : start + words / WORDS_PER_SECOND;
	if (s + 1 == r->segments && end < start + LAST_CUE_MIN_SECONDS)
		end = start + LAST_CUE_MIN_SECONDS;
	for (size_t i = first; i < next; i++) {
		/* Without words (a line of punctuation) the lines share it evenly. */
		double from = words ? (double)before / words : (double)(i - first) / (next - first);
		before += r->u[i].words;
		double to =
		    words ? (double)before / words : (double)(i - first + 1) / (next - first);
		transcript_status st = add_cue(out, &r->u[i], start + (end - start) * from,
		                               start + (end - start) * to);
		if (st != TRANSCRIPT_OK)
			return st;
	}
	return TRANSCRIPT_OK;
}

transcript_status timestamped_text_parse(const char *buf, size_t len, transcript *out)
{
	strbuf text = STRBUF_INIT;
	reader r = {0};
	bool cp1252 = false;

	out->format = TRANSCRIPT_TEXT;
	if (!text_normalize(buf, len, TEXT_UTF8_OR_CP1252, &text, &cp1252))
		return TRANSCRIPT_NOMEM;
	out->used_cp1252 = cp1252;
	transcript_status st = read_lines(&text, &r, out);
	for (size_t first = 0; st == TRANSCRIPT_OK && first < r.count;) {
		size_t next = first;
		while (next < r.count && r.u[next].segment == r.u[first].segment)
			next++;
		st = add_segment_cues(out, &r, r.u[first].segment, first, next);
		first = next;
	}
	if (st == TRANSCRIPT_NOMEM)
		cue_list_free(&out->cues);
	free(r.times);
	free(r.u);
	sb_free(&text);
	return st;
}
