#include "cuetext.h"

#include <stdlib.h>
#include <string.h>

#include "html_entities.h"
#include "strbuf.h"
#include "vtt_timing.h"

/* ASCII whitespace as the cue text tokenizer knows it: tab, LF, FF, space
 * (CR was turned into LF before parsing). */
static bool is_tag_space(char c)
{
	return c == '\t' || c == '\n' || c == '\f' || c == ' ';
}

/* The timestamp tags met so far (cue.h: cue_word), when asked for. */
typedef struct word_times {
	cue_word *items;
	size_t count, cap;
} word_times;

typedef struct tokenizer {
	const char *p;
	size_t len;
	size_t pos;
	bool nomem;
	word_times *words; /* NULL: not asked for */
} tokenizer;

/* A timestamp tag's content [from, to): "00:00:12.340" (WebVTT §4.2.2:
 * a WebVTT timestamp, nothing else). One that does not parse is ignored,
 * as the cue text parser ignores it. */
static void note_timestamp(tokenizer *t, size_t from, size_t to, size_t plain_len)
{
	double seconds;
	size_t pos = 0;
	if (!t->words || !vtt_timestamp_collect(t->p + from, to - from, &pos, &seconds) ||
	    pos != to - from)
		return;
	word_times *w = t->words;
	if (w->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		cue_word *grown = realloc(w->items, cap * sizeof *grown);
		if (!grown) {
			t->nomem = true;
			return;
		}
		w->items = grown;
		w->cap = cap;
	}
	w->items[w->count++] = (cue_word){plain_len, seconds};
}

/* Data state: text up to the next '<' goes to plain, with references
 * decoded. */
static void read_text(tokenizer *t, strbuf *plain)
{
	while (t->pos < t->len && t->p[t->pos] != '<' && !t->nomem) {
		/* Copy the run up to the next '&' or '<' in one go. */
		size_t run = 0;
		while (t->pos + run < t->len && t->p[t->pos + run] != '<' &&
		       t->p[t->pos + run] != '&')
			run++;
		if (run) {
			if (!sb_append(plain, t->p + t->pos, run))
				t->nomem = true;
			t->pos += run;
			continue;
		}
		char c = t->p[t->pos++];
		if (c == '&') {
			size_t used = html_entity_consume(t->p + t->pos, t->len - t->pos, -1, false,
			                                  plain, &t->nomem);
			if (used) {
				t->pos += used;
				continue;
			}
		}
		if (!t->nomem && !sb_append_char(plain, c))
			t->nomem = true;
	}
}

/* The annotation rule of the start tag annotation state: strip leading and
 * trailing ASCII whitespace and collapse each run of it into one space. */
static char *collapse_annotation(const strbuf *raw)
{
	strbuf out = STRBUF_INIT;
	bool pending_space = false;
	if (!sb_reserve(&out, raw->len))
		return NULL;
	for (size_t i = 0; i < raw->len;) {
		if (is_tag_space(raw->data[i]) || raw->data[i] == '\r') {
			pending_space = out.len > 0;
			i++;
			continue;
		}
		size_t run = 1; /* a word, appended whole */
		while (i + run < raw->len && !is_tag_space(raw->data[i + run]) &&
		       raw->data[i + run] != '\r')
			run++;
		if ((pending_space && !sb_append_char(&out, ' ')) ||
		    !sb_append(&out, raw->data + i, run)) {
			sb_free(&out);
			return NULL;
		}
		pending_space = false;
		i += run;
	}
	return sb_take(&out);
}

/* Called at a '<'. Consumes one tag (start, end or timestamp tag; all of
 * them end at '>' or at the end of the text) and, for the first <v> start
 * tag, records the voice. Tags contribute nothing to the plain text. */
static void read_tag(tokenizer *t, char **voice, size_t plain_len)
{
	size_t name_start = ++t->pos;
	char first = t->pos < t->len ? t->p[t->pos] : '\0';

	/* End tags ("</...>") carry nothing the index keeps; timestamp tags
	 * ("<00:01.000>") only when word times are asked for: skip to '>'. */
	if (t->pos < t->len && (first == '/' || (first >= '0' && first <= '9'))) {
		while (t->pos < t->len && t->p[t->pos] != '>')
			t->pos++;
		if (first != '/')
			note_timestamp(t, name_start, t->pos, plain_len);
		if (t->pos < t->len)
			t->pos++;
		return;
	}
	/* Start tag: name, then ".class" parts, then an annotation after
	 * whitespace. */
	while (t->pos < t->len && !is_tag_space(t->p[t->pos]) && t->p[t->pos] != '.' &&
	       t->p[t->pos] != '>')
		t->pos++;
	size_t name_len = t->pos - name_start;
	bool is_voice = name_len == 1 && t->p[name_start] == 'v';

	while (t->pos < t->len && t->p[t->pos] == '.') {
		t->pos++;
		while (t->pos < t->len && !is_tag_space(t->p[t->pos]) && t->p[t->pos] != '.' &&
		       t->p[t->pos] != '>')
			t->pos++;
	}
	strbuf annotation = STRBUF_INIT;
	bool keep = is_voice && !*voice; /* only the first voice's is kept */
	if (t->pos < t->len && is_tag_space(t->p[t->pos]) && !keep) {
		/* References never hold a '>': the tag ends at the first. */
		const char *gt = memchr(t->p + t->pos, '>', t->len - t->pos);
		t->pos = gt ? (size_t)(gt - t->p) : t->len;
	} else if (t->pos < t->len && is_tag_space(t->p[t->pos])) {
		t->pos++;
		while (t->pos < t->len && t->p[t->pos] != '>' && !t->nomem) {
			size_t run = 0;
			while (t->pos + run < t->len && t->p[t->pos + run] != '>' &&
			       t->p[t->pos + run] != '&')
				run++;
			if (run) {
				if (!sb_append(&annotation, t->p + t->pos, run))
					t->nomem = true;
				t->pos += run;
				continue;
			}
			char c = t->p[t->pos++];
			if (c == '&') {
				/* Start tag annotation state: references decode as in
				 * an HTML attribute, with '>' as the additional allowed
				 * character. */
				size_t used =
				    html_entity_consume(t->p + t->pos, t->len - t->pos, '>', true,
				                        &annotation, &t->nomem);
				if (used) {
					t->pos += used;
					continue;
				}
			}
			if (!t->nomem && !sb_append_char(&annotation, c))
				t->nomem = true;
		}
	}
	if (t->pos < t->len)
		t->pos++; /* the '>' */
	if (keep && !t->nomem) {
		*voice = collapse_annotation(&annotation);
		if (!*voice)
			t->nomem = true;
	}
	sb_free(&annotation);
}

bool cuetext_render_timed(const char *text, size_t len, char **plain, char **voice,
                          cue_word **words, size_t *word_count)
{
	word_times times = {NULL, 0, 0};
	tokenizer t = {text, len, 0, false, words ? &times : NULL};
	strbuf out = STRBUF_INIT;
	char *first_voice = NULL;

	/* The plain text is seldom longer than the text: room for it at once
	 * saves the strbuf's doublings from 32 bytes up, cue after cue. */
	if (!sb_reserve(&out, len))
		t.nomem = true;
	while (t.pos < t.len && !t.nomem) {
		if (t.p[t.pos] == '<')
			read_tag(&t, &first_voice, out.len);
		else
			read_text(&t, &out);
	}
	*plain = t.nomem ? NULL : sb_take(&out);
	if (t.nomem || !*plain) {
		sb_free(&out);
		free(*plain);
		free(first_voice);
		free(times.items);
		*plain = NULL;
		*voice = NULL;
		if (words)
			*words = NULL, *word_count = 0;
		return false;
	}
	*voice = first_voice;
	if (words)
		*words = times.items, *word_count = times.count;
	return true;
}

bool cuetext_render(const char *text, size_t len, char **plain, char **voice)
{
	return cuetext_render_timed(text, len, plain, voice, NULL, NULL);
}
