#include "vtt_rolling.h"

#include <stdlib.h>
#include <string.h>

#include "cuetext.h"
#include "strbuf.h"

/* One non-blank line of a cue: as written (a span of its text, borrowed)
 * and as read (its plain text, trimmed: at plain_at in cue_lines.plain). */
typedef struct cue_line {
	const char *raw;
	size_t raw_len;
	size_t plain_at;
} cue_line;

/* The non-blank lines of one cue, for comparing. A reader keeps two and
 * reuses them from cue to cue, so reading a cue's lines allocates nothing
 * once they have grown to a cue's size. */
typedef struct cue_lines {
	cue_line *items;
	size_t count, cap;
	strbuf plain; /* each line's plain text, NUL-terminated, one after another */
} cue_lines;

static void lines_free(cue_lines *l)
{
	free(l->items);
	sb_free(&l->plain);
	*l = (cue_lines){NULL, 0, 0, STRBUF_INIT};
}

static const char *plain_line(const cue_lines *l, size_t i)
{
	return l->plain.data + l->items[i].plain_at;
}

/* A span trimmed of spaces and tabs, as lines are compared. */
static void trim_span(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Add a line whose plain text is plain[0, n), unless that is blank once
 * trimmed of spaces and tabs. False when out of memory. */
static bool lines_add(cue_lines *l, const char *raw, size_t raw_len, const char *plain, size_t n)
{
	trim_span(&plain, &n);
	if (n == 0)
		return true;
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		cue_line *grown = realloc(l->items, cap * sizeof *grown);
		if (!grown)
			return false;
		l->items = grown;
		l->cap = cap;
	}
	l->items[l->count++] = (cue_line){raw, raw_len, l->plain.len};
	return sb_append(&l->plain, plain, n) && sb_append(&l->plain, "", 1);
}

static size_t count_lf(const char *s, size_t n)
{
	size_t count = 0;
	for (const char *lf = memchr(s, '\n', n); lf;
	     lf = memchr(lf + 1, '\n', (size_t)(s + n - lf - 1)))
		count++;
	return count;
}

/* Is c's plain text the plain texts of its lines, rendered one by one,
 * joined by LF? Yes when no tag runs past the end of its line (a '<'
 * whose '>' is on a later line: rendered alone, the line ends the tag)
 * and no character reference makes a line break ("&#10;"): text runs and
 * references never run past a line's end (html_entities.h reads letters,
 * digits and ';'). Then a cue's lines are read off its plain text, and
 * not rendered once more each, which was a tenth of `qarchive cues`. */
static bool plain_is_lines(const cue *c)
{
	const char *p = c->text, *end = p + strlen(p);
	for (const char *lt = memchr(p, '<', (size_t)(end - p)); lt;
	     lt = memchr(p, '<', (size_t)(end - p))) {
		const char *gt = memchr(lt, '>', (size_t)(end - lt));
		const char *lf = memchr(lt, '\n', (size_t)((gt ? gt : end) - lt));
		if (lf)
			return false;
		if (!gt)
			break;
		p = gt + 1;
	}
	return count_lf(c->plain, strlen(c->plain)) == count_lf(c->text, (size_t)(end - c->text));
}

/* What detection needs of a cue: how many non-blank lines it has, and
 * its first and last (trimmed plain text). */
typedef struct line_edges {
	size_t count;
	const char *first, *last;
	size_t first_len, last_len;
} line_edges;

/* The edges of a plain text whose lines are the cue's (plain_is_lines). */
static void edges_of_plain(const char *plain, line_edges *e)
{
	*e = (line_edges){0, NULL, NULL, 0, 0};
	const char *p = plain, *end = p + strlen(p);
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p)), *s = p;
		size_t n = (size_t)((lf ? lf : end) - p);
		trim_span(&s, &n);
		if (n) {
			if (e->count++ == 0)
				e->first = s, e->first_len = n;
			e->last = s, e->last_len = n;
		}
		if (!lf)
			return;
		p = lf + 1;
	}
}

/* c's non-blank lines into out (emptied first). False when out of
 * memory. */
static bool lines_of(const cue *c, cue_lines *out)
{
	out->count = 0;
	sb_clear(&out->plain);
	bool split = plain_is_lines(c);
	const char *plain = c->plain;
	for (const char *p = c->text;;) {
		size_t n = strcspn(p, "\n");
		bool ok;
		if (split) {
			size_t m = strcspn(plain, "\n");
			ok = lines_add(out, p, n, plain, m);
			plain += m + (plain[m] != '\0');
		} else {
			char *rendered, *voice;
			ok = cuetext_render(p, n, &rendered, &voice) &&
			     lines_add(out, p, n, rendered, strlen(rendered));
			free(rendered);
			free(voice);
		}
		if (!ok)
			return false;
		if (!p[n])
			return true;
		p += n + 1;
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
		while (k < j &&
		       strcmp(plain_line(cur, k), plain_line(prev, prev->count - j + k)) == 0)
			k++;
		if (k == j)
			return j;
	}
	return 0;
}

struct vtt_rolling {
	cue_lines prev;    /* collapse: the last cue's lines */
	cue_lines cur;     /* the cue being read's lines (kept for its room) */
	strbuf last;       /* detection: the last cue's last non-blank line */
	size_t last_count; /* and how many non-blank lines it had */
	size_t cues;       /* cues seen */
	size_t repeats;    /* roll-up cues among them */
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
	lines_free(&r->cur);
	sb_free(&r->last);
	free(r);
}

/* The cue just read becomes the previous one. */
static void lines_advance(vtt_rolling *r)
{
	cue_lines was = r->prev;
	r->prev = r->cur;
	r->cur = was;
}

bool vtt_rolling_see(vtt_rolling *r, const cue *c)
{
	line_edges e;
	if (plain_is_lines(c)) {
		edges_of_plain(c->plain, &e);
	} else {
		if (!lines_of(c, &r->cur))
			return false;
		size_t n = r->cur.count;
		e = (line_edges){n, n ? plain_line(&r->cur, 0) : NULL,
		                 n ? plain_line(&r->cur, n - 1) : NULL, 0, 0};
		e.first_len = n ? strlen(e.first) : 0;
		e.last_len = n ? strlen(e.last) : 0;
	}
	/* A roll-up cue: the line said before, then a new one. Cues of one
	 * line that repeat (hold cues, or a file of "text" cues) are no
	 * evidence either way. */
	if (r->cues > 0 && e.count >= 2 && r->last_count && e.first_len == r->last.len &&
	    memcmp(e.first, r->last.data, e.first_len) == 0)
		r->repeats++;
	r->cues++;
	r->last_count = e.count;
	sb_clear(&r->last);
	return e.count == 0 || sb_append(&r->last, e.last, e.last_len);
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
		    !sb_append(&text, l->items[i].raw, l->items[i].raw_len)) {
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
	if (!lines_of(c, &r->cur))
		return false;
	size_t same = repeated(&r->prev, &r->cur);
	bool ok = same >= r->cur.count || emit_new_lines(c, &r->cur, same, emit, ctx);
	lines_advance(r);
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
