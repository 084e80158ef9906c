#include "vtt_rolling.h"

#include <stdlib.h>
#include <string.h>

#include "cuetext.h"
#include "strbuf.h"

/* The non-blank lines of one cue: each as written (a span of its text)
 * and as read (its plain text, trimmed), for comparing. */
typedef struct cue_lines {
	size_t count;
	const char **raw;
	size_t *raw_len;
	char **plain;
} cue_lines;

static void lines_free(cue_lines *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->plain[i]);
	free(l->raw);
	free(l->raw_len);
	free(l->plain);
	*l = (cue_lines){0, NULL, NULL, NULL};
}

static char *trimmed(char *s)
{
	size_t start = 0, n = strlen(s);
	while (s[start] == ' ' || s[start] == '\t')
		start++;
	while (n > start && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	memmove(s, s + start, n - start);
	s[n - start] = '\0';
	return s;
}

/* Split c's text into its non-blank lines. False when out of memory. */
static bool lines_of(const cue *c, cue_lines *out)
{
	size_t cap = 1;
	for (const char *p = c->text; *p; p++)
		cap += *p == '\n';
	*out = (cue_lines){0, malloc(cap * sizeof(char *)), malloc(cap * sizeof(size_t)),
	                   malloc(cap * sizeof(char *))};
	if (!out->raw || !out->raw_len || !out->plain) {
		lines_free(out);
		return false;
	}
	for (const char *p = c->text;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *plain, *voice;
		if (!cuetext_render(p, n, &plain, &voice)) {
			lines_free(out);
			return false;
		}
		free(voice);
		if (*trimmed(plain)) {
			out->raw[out->count] = p;
			out->raw_len[out->count] = n;
			out->plain[out->count++] = plain;
		} else {
			free(plain);
		}
		if (!nl)
			return true;
		p = nl + 1;
	}
}

/* A roll-up cue shows two or three lines: a longer run of repeats is not
 * looked for, which keeps a cue of many lines from costing their square. */
#define ROLLING_MAX_REPEAT 4

/* How many of cur's first lines repeat prev's last ones (the most). */
static size_t repeated(const cue_lines *prev, const cue_lines *cur)
{
	size_t most = prev->count < cur->count ? prev->count : cur->count;
	if (most > ROLLING_MAX_REPEAT)
		most = ROLLING_MAX_REPEAT;
	for (size_t j = most; j > 0; j--) {
		size_t k = 0;
		while (k < j && strcmp(cur->plain[k], prev->plain[prev->count - j + k]) == 0)
			k++;
		if (k == j)
			return j;
	}
	return 0;
}

struct vtt_rolling {
	cue_lines prev; /* the last cue seen's lines */
	size_t cues;    /* cues seen */
	size_t repeats; /* roll-up cues among them */
};

vtt_rolling *vtt_rolling_new(void)
{
	return calloc(1, sizeof(vtt_rolling));
}

void vtt_rolling_free(vtt_rolling *r)
{
	if (!r)
		return;
	lines_free(&r->prev);
	free(r);
}

bool vtt_rolling_see(vtt_rolling *r, const cue *c)
{
	cue_lines cur;
	if (!lines_of(c, &cur))
		return false;
	/* A roll-up cue: the line said before, then a new one. Cues of one
	 * line that repeat (hold cues, or a file of "text" cues) are no
	 * evidence either way. */
	if (r->cues > 0 && cur.count >= 2 && r->prev.count &&
	    strcmp(cur.plain[0], r->prev.plain[r->prev.count - 1]) == 0)
		r->repeats++;
	r->cues++;
	lines_free(&r->prev);
	r->prev = cur;
	return true;
}

bool vtt_rolling_found(const vtt_rolling *r)
{
	/* YouTube alternates roll-up and hold cues: about half are roll-up. */
	return r->repeats >= 2 && r->repeats * 4 >= r->cues - 1;
}

bool vtt_rolling_detect(const cue_list *cues, bool *nomem)
{
	vtt_rolling *r = vtt_rolling_new();
	*nomem = r == NULL;
	for (size_t k = 0; r && k < cues->count && !*nomem; k++)
		*nomem = !vtt_rolling_see(r, &cues->items[k]);
	bool found = !*nomem && vtt_rolling_found(r);
	vtt_rolling_free(r);
	return found;
}

/* The cue for lines [from, count) of source cue c, handed to emit. */
static bool emit_new_lines(const cue *c, const cue_lines *l, size_t from,
                           bool (*emit)(void *ctx, cue *c), void *ctx)
{
	strbuf text = STRBUF_INIT;
	for (size_t i = from; i < l->count; i++)
		if ((text.len && !sb_append_char(&text, '\n')) ||
		    !sb_append(&text, l->raw[i], l->raw_len[i])) {
			sb_free(&text);
			return false;
		}
	cue n = {0};
	n.start = c->start;
	n.end = c->end;
	n.line = c->line;
	n.settings = c->settings;
	n.id = strdup(c->id);
	n.text = sb_take(&text);
	if (!n.id || !n.text ||
	    !cuetext_render_timed(n.text, strlen(n.text), &n.plain, &n.voice, &n.words,
	                          &n.word_count)) {
		sb_free(&text);
		cue_free(&n);
		return false;
	}
	return emit(ctx, &n);
}

bool vtt_rolling_next(vtt_rolling *r, const cue *c, bool (*emit)(void *ctx, cue *c), void *ctx)
{
	cue_lines cur;
	if (!lines_of(c, &cur))
		return false;
	size_t same = repeated(&r->prev, &cur);
	bool ok = same >= cur.count || emit_new_lines(c, &cur, same, emit, ctx);
	lines_free(&r->prev);
	r->prev = cur;
	return ok;
}

static bool push_to_list(void *ctx, cue *c)
{
	return cue_list_push(ctx, c);
}

bool vtt_rolling_collapse(cue_list *cues)
{
	cue_list out = {NULL, 0, 0};
	vtt_rolling *r = vtt_rolling_new();
	bool ok = r != NULL;
	for (size_t k = 0; k < cues->count && ok; k++)
		ok = vtt_rolling_next(r, &cues->items[k], push_to_list, &out);
	vtt_rolling_free(r);
	if (!ok) {
		cue_list_free(&out);
		return false;
	}
	cue_list_free(cues);
	*cues = out;
	return true;
}
