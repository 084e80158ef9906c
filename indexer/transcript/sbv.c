#include "sbv.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "strbuf.h"
#include "text_decode.h"

bool sbv_timing_line(const char *line, size_t len, double *start, double *end)
{
	size_t pos = 0;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (!clock_read(line, len, &pos, true, start) || pos >= len || line[pos++] != ',')
		return false;
	return clock_read(line, len, &pos, true, end) && pos == len;
}

static bool is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return false;
	return true;
}

/* One cue: text is the block's lines joined by '\n'; it is already plain. */
static transcript_status add_cue(transcript *out, double start, double end, size_t line,
                                 strbuf *text)
{
	cue c = {0};
	c.start = start;
	c.end = end;
	c.line = line;
	c.id = strdup("");
	c.text = strdup(text->data ? text->data : "");
	c.plain = strdup(c.text ? c.text : "");
	sb_clear(text);
	if (!c.id || !c.text || !c.plain) {
		cue_free(&c);
		return TRANSCRIPT_NOMEM;
	}
	return transcript_add_cue(out, &c);
}

/* The block state while reading lines: the open cue, if any. */
typedef struct block {
	bool open;
	double start, end;
	size_t line;
	strbuf text;
} block;

static transcript_status close_block(transcript *out, block *b)
{
	if (!b->open)
		return TRANSCRIPT_OK;
	b->open = false;
	return add_cue(out, b->start, b->end, b->line, &b->text);
}

/* Read one line (number n) into the block state. */
static transcript_status read_line(transcript *out, block *b, const char *p, size_t len, size_t n)
{
	double start, end;
	if (is_blank(p, len))
		return close_block(out, b);
	if (sbv_timing_line(p, len, &start, &end)) {
		transcript_status st = close_block(out, b);
		if (st != TRANSCRIPT_OK)
			return st;
		if (end < start)
			return transcript_reject(out, n, "cue ends before it starts (\"%.*s\")",
			                         (int)(len > 60 ? 60 : len), p);
		*b = (block){true, start, end, n, b->text};
		return TRANSCRIPT_OK;
	}
	if (!b->open)
		return transcript_reject(out, n,
		                         "expected a timing line (0:00:01.000,0:00:04.000), "
		                         "found \"%.*s\"",
		                         (int)(len > 60 ? 60 : len), p);
	if ((b->text.len && !sb_append_char(&b->text, '\n')) || !sb_append(&b->text, p, len))
		return TRANSCRIPT_NOMEM;
	return TRANSCRIPT_OK;
}

transcript_status sbv_parse(const char *buf, size_t len, transcript *out)
{
	strbuf text = STRBUF_INIT;
	block b = {false, 0, 0, 0, STRBUF_INIT};
	transcript_status st = TRANSCRIPT_OK;
	bool cp1252 = false;

	out->format = TRANSCRIPT_SBV;
	if (!text_normalize(buf, len, TEXT_UTF8_OR_CP1252, &text, &cp1252))
		return TRANSCRIPT_NOMEM;
	out->used_cp1252 = cp1252;
	size_t n = 1;
	for (size_t at = 0; at < text.len && st == TRANSCRIPT_OK; n++) {
		const char *p = text.data + at;
		const char *lf = memchr(p, '\n', text.len - at);
		size_t line_len = lf ? (size_t)(lf - p) : text.len - at;
		st = read_line(out, &b, p, line_len, n);
		at += line_len + 1;
	}
	if (st == TRANSCRIPT_OK)
		st = close_block(out, &b);
	if (st == TRANSCRIPT_OK && transcript_cue_count(out) == 0)
		st = transcript_reject(out, 0, "empty file: no cues");
	if (st == TRANSCRIPT_NOMEM)
		cue_list_free(&out->cues);
	sb_free(&b.text);
	sb_free(&text);
	return st;
}
