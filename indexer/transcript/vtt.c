#include "vtt.h"

#include <stdlib.h>
#include <string.h>

#include "cuetext.h"
#include "strbuf.h"
#include "text_decode.h"
#include "vtt_timing.h"

/* A cursor over normalized text (LF the only line terminator). `line` is the
 * 1-based number of the line `pos` is on, for error messages and cue.line. */
typedef struct cursor {
	const char *s;
	size_t len;
	size_t pos;
	size_t line;
} cursor;

/* Collect a sequence of code points that are not LF; step over the LF.
 * Sets *at_eof when the line ended at the end of input instead. */
static void next_line(cursor *c, const char **line, size_t *line_len, bool *at_eof)
{
	const char *start = c->s + c->pos;
	const char *lf = memchr(start, '\n', c->len - c->pos);
	size_t n = lf ? (size_t)(lf - start) : c->len - c->pos;
	*line = start;
	*line_len = n;
	c->pos += n;
	*at_eof = c->pos >= c->len;
	if (!*at_eof) {
		c->pos++; /* the LF */
		c->line++;
	}
}

static void skip_blank_lines(cursor *c)
{
	while (c->pos < c->len && c->s[c->pos] == '\n') {
		c->pos++;
		c->line++;
	}
}

static bool contains_arrow(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
			return true;
	return false;
}

/* Build the cue from its parts and add it to the list. */
static transcript_status add_cue(transcript *out, const char *id, double start, double end,
                                 const cue_settings *settings, size_t line, const strbuf *text)
{
	cue c = {0};
	c.start = start;
	c.end = end;
	c.settings = *settings;
	c.line = line;
	c.id = strdup(id);
	c.text = malloc(text->len + 1);
	if (!c.id || !c.text)
		goto nomem;
	if (text->len)
		memcpy(c.text, text->data, text->len);
	c.text[text->len] = '\0';
	if (!cuetext_render_timed(c.text, text->len, &c.plain, &c.voice, &c.words,
	                          &c.word_count))
		goto nomem;
	return transcript_add_cue(out, &c);
nomem:
	free(c.id);
	free(c.text);
	return TRANSCRIPT_NOMEM;
}

/* "Collect a WebVTT block" (WebVTT §6.1). Reads one block starting at the
 * cursor; a cue is added to out->cues, anything else (header, NOTE, STYLE,
 * REGION, a block whose timings do not parse) is dropped. */
static transcript_status collect_block(cursor *c, bool in_header, transcript *out)
{
	size_t line_count = 0;
	size_t previous_pos = c->pos, previous_line = c->line;
	strbuf buffer = STRBUF_INIT; /* the identifier, then the cue text */
	bool seen_arrow = false, have_cue = false;
	size_t cue_line = 0;
	char *id_copy = NULL;
	double start = 0, end = 0;
	cue_settings settings = cue_settings_default();
	transcript_status status = TRANSCRIPT_OK;

	for (;;) {
		const char *line;
		size_t line_len, this_line = c->line;
		bool at_eof;
		next_line(c, &line, &line_len, &at_eof);
		line_count++;

		if (contains_arrow(line, line_len)) {
			/* A "-->" on the first line, or on the second after an
			 * identifier, is this block's timing line; anywhere else it
			 * starts the next block, so rewind to that line. */
			if (!in_header && (line_count == 1 || (line_count == 2 && !seen_arrow))) {
				seen_arrow = true;
				previous_pos = c->pos;
				previous_line = c->line;
				settings = cue_settings_default();
				if (vtt_timing_line_parse(line, line_len, &start, &end,
				                          &settings)) {
					/* What was collected so far is the identifier; the
					 * buffer starts over for the cue text. */
					free(id_copy);
					id_copy = sb_take(&buffer);
					if (!id_copy) {
						status = TRANSCRIPT_NOMEM;
						break;
					}
					cue_line = this_line;
					have_cue = true;
				} else {
					have_cue = false;
				}
			} else {
				c->pos = previous_pos;
				c->line = previous_line;
				break;
			}
		} else if (line_len == 0) {
			break;
		} else {
			/* STYLE and REGION blocks (before the first cue) are recognised
			 * here in the spec; neither yields a cue, and their lines fall
			 * through to a block without a timing line, which is dropped
			 * the same way, so no special case is needed for the cues. */
			if ((buffer.len && !sb_append_char(&buffer, '\n')) ||
			    !sb_append(&buffer, line, line_len)) {
				status = TRANSCRIPT_NOMEM;
				break;
			}
			previous_pos = c->pos;
			previous_line = c->line;
		}
		if (at_eof)
			break;
	}
	if (status == TRANSCRIPT_OK && have_cue)
		status = add_cue(out, id_copy, start, end, &settings, cue_line, &buffer);
	free(id_copy);
	sb_free(&buffer);
	return status;
}

transcript_status vtt_parse(const char *buf, size_t len, transcript *out)
{
	strbuf text = STRBUF_INIT;
	transcript_status status = TRANSCRIPT_OK;

	out->format = TRANSCRIPT_WEBVTT;
	if (!text_normalize(buf, len, TEXT_UTF8_REPLACE, &text, NULL))
		return TRANSCRIPT_NOMEM;

	cursor c = {text.data, text.len, 0, 1};
	/* Signature: "WEBVTT" alone, or followed by a space, tab or line end. */
	if (c.len < 6 || memcmp(c.s, "WEBVTT", 6) != 0 ||
	    (c.len > 6 && c.s[6] != ' ' && c.s[6] != '\t' && c.s[6] != '\n')) {
		status = transcript_reject(out, 1,
		                           "not a WebVTT file: the first line must be \"WEBVTT\"");
		goto out;
	}
	/* The rest of the signature line is free text. */
	const char *line;
	size_t line_len;
	bool at_eof;
	c.pos = 6;
	next_line(&c, &line, &line_len, &at_eof);
	if (at_eof)
		goto out;
	/* Header: everything up to the first blank line, except that a timing
	 * line ends it (and starts the first cue). */
	if (c.s[c.pos] != '\n') {
		status = collect_block(&c, true, out);
		if (status != TRANSCRIPT_OK)
			goto out;
	} else {
		c.pos++;
		c.line++;
	}
	skip_blank_lines(&c);
	while (c.pos < c.len) {
		status = collect_block(&c, false, out);
		if (status != TRANSCRIPT_OK)
			goto out;
		skip_blank_lines(&c);
	}
out:
	if (status == TRANSCRIPT_NOMEM)
		cue_list_free(&out->cues);
	sb_free(&text);
	return status;
}
