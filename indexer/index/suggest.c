#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "english.h"
#include "spoken.h"
#include "strbuf.h"
#include "tokenize.h"

/* Longest word tried split anywhere (rule 4): each split costs two term
 * look-ups, and real run-together words are short. */
#define SPLIT_ANY_MAX 32

/* One word of the query that a suggestion may change. */
typedef struct word {
	size_t start, end; /* its bytes in the query */
	char *term;        /* as the index has it (tokenize.h) */
	bool alone;        /* the whole of its whitespace-separated unit: may join */
	bool space_after;  /* the next word is the next unit, only whitespace between */
	bool edited;       /* already part of a change */
} word;

typedef struct words {
	word *items;
	size_t count;
	size_t cap;
} words;

typedef struct ctx {
	qx_db *db;
	const suggest_params *p;
} ctx;

/* One change: query bytes [start, end) become text. */
typedef struct edit {
	size_t start, end;
	char *text;
} edit;

typedef struct edits {
	edit *items;
	size_t count;
	size_t cap;
} edits;

static void words_free(words *w)
{
	for (size_t i = 0; i < w->count; i++)
		free(w->items[i].term);
	free(w->items);
}

static void edits_free(edits *e)
{
	for (size_t i = 0; i < e->count; i++)
		free(e->items[i].text);
	free(e->items);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static size_t quote_len(const char *q, size_t len, size_t i)
{
	if (q[i] == '"')
		return 1;
	if (len - i >= 3 && (unsigned char)q[i] == 0xE2 && (unsigned char)q[i + 1] == 0x80 &&
	    ((unsigned char)q[i + 2] == 0x9C || (unsigned char)q[i + 2] == 0x9D))
		return 3;
	return 0;
}

/* Units a suggestion leaves alone: field:value, +x -x ~x, wildcards, and
 * QueryParser's operators (upper case). */
static bool untouchable(const char *u, size_t n)
{
	static const char *const ops[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
	if (memchr(u, ':', n) || memchr(u, '*', n) || strchr("+-~", u[0]))
		return true;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t k = strlen(ops[i]);
		if (n >= k && memcmp(u, ops[i], k) == 0 && (n == k || u[k] == '/'))
			return true;
	}
	return false;
}

static bool push_word(words *w, word item)
{
	if (w->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		word *grown = realloc(w->items, cap * sizeof *grown);
		if (!grown)
			return false;
		w->items = grown;
		w->cap = cap;
	}
	w->items[w->count++] = item;
	return true;
}

/* The words of unit q[start, end), appended to *w. */
static bool unit_words(const char *q, size_t start, size_t end, words *w)
{
	token_list tokens = TOKEN_LIST_INIT;
	if (!tokenize_text(q + start, end - start, 0, &tokens, NULL))
		return false;
	size_t n = 0, first = w->count;
	bool ok = true;
	for (size_t i = 0; ok && i < tokens.count; i++) {
		token *t = &tokens.items[i];
		if (t->flags != TOKEN_WORD)
			continue;
		ok = push_word(
		    w, (word){start + t->start, start + t->end, t->term, false, false, false});
		if (ok)
			t->term = NULL; /* now the word's */
		n++;
	}
	if (ok && n == 1)
		w->items[first].alone =
		    w->items[first].start == start && w->items[first].end == end;
	token_list_free(&tokens);
	return ok;
}

/* The words of the query a suggestion may change, in order. */
static bool collect(const char *q, words *w)
{
	size_t len = strlen(q), i = 0;
	while (i < len) {
		size_t ql = quote_len(q, len, i);
		if (ql) { /* quoted is exact: skip to the closing quote */
			for (i += ql; i < len && !quote_len(q, len, i); i++)
				;
			i += i < len ? quote_len(q, len, i) : 0;
			continue;
		}
		if (is_space(q[i]) || q[i] == '(' || q[i] == ')') {
			i++;
			continue;
		}
		size_t start = i, before = w->count;
		while (i < len && !is_space(q[i]) && q[i] != '(' && q[i] != ')' &&
		       !quote_len(q, len, i))
			i++;
		if (!untouchable(q + start, i - start) && !unit_words(q, start, i, w))
			return false;
		/* Whitespace only up to the next unit's first word? */
		size_t j = i;
		while (j < len && is_space(q[j]))
			j++;
		if (w->count > before && w->count > 0)
			w->items[w->count - 1].space_after =
			    j > i && j < len && !quote_len(q, len, j) && q[j] != '(' && q[j] != ')';
	}
	return true;
}

/* Documents holding term exactly (stemmed false) or by its stem. */
static qx_status freq_of(const ctx *c, const char *term, bool stemmed, unsigned *freq)
{
	return qx_db_term_freq(c->db, term, stemmed, freq);
}

static bool is_stopword(const ctx *c, const char *term)
{
	for (size_t i = 0; i < c->p->stopword_count; i++)
		if (strcmp(c->p->stopwords[i], term) == 0)
			return true;
	return false;
}

/* Does the index hold term, as a query would match it? */
static qx_status in_index(const ctx *c, const char *term, bool *known)
{
	unsigned freq = 0;
	qx_status st = freq_of(c, term, false, &freq);
	if (st == QX_OK && freq == 0 && c->p->stemmed)
		st = freq_of(c, term, true, &freq);
	*known = freq > 0;
	return st;
}

/* A name with '_' is known when each of its parts is (the spoken-form
 * rules search add_safe_globals as "add safe globals"). */
static qx_status parts_known(const ctx *c, const char *term, bool *known)
{
	char *copy = strdup(term);
	qx_status st = copy ? QX_OK : QX_NOMEM;
	size_t parts = 0;
	*known = copy != NULL;
	for (char *save = NULL, *part = copy ? strtok_r(copy, "_", &save) : NULL;
	     st == QX_OK && *known && part; part = strtok_r(NULL, "_", &save), parts++)
		st = in_index(c, part, known);
	*known = *known && parts > 0;
	free(copy);
	return st;
}

/* Is term known (suggest.h says what that means)? */
static qx_status known(const ctx *c, const char *term, bool *out)
{
	*out = is_stopword(c, term) || spoken_is_marker(term) || synonyms_knows(c->p->syn, term);
	if (*out)
		return QX_OK;
	qx_status st = in_index(c, term, out);
	if (st == QX_OK && !*out && strchr(term, '_'))
		st = parts_known(c, term, out);
	return st;
}

static bool push_edit(edits *e, size_t start, size_t end, char *text)
{
	if (e->count == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		edit *grown = realloc(e->items, cap * sizeof *grown);
		if (!grown)
			return false;
		e->items = grown;
		e->cap = cap;
	}
	e->items[e->count++] = (edit){start, end, text};
	return true;
}

/* a followed by b (b_len bytes) and, when sep is not '\0', sep between:
 * caller frees; NULL when out of memory. */
static char *joined(const char *a, size_t a_len, char sep, const char *b, size_t b_len)
{
	char *out = malloc(a_len + 1 + b_len + 1);
	if (!out)
		return NULL;
	memcpy(out, a, a_len);
	size_t n = a_len;
	if (sep)
		out[n++] = sep;
	memcpy(out + n, b, b_len);
	out[n + b_len] = '\0';
	return out;
}

/* Rule 1: words w[i] and w[i + 1], written together, are a known word. */
static qx_status try_join(const ctx *c, words *w, size_t i, edits *e, bool *done)
{
	word *a = &w->items[i], *b = &w->items[i + 1];
	*done = false;
	if (!a->alone || !b->alone || !a->space_after || a->edited || b->edited)
		return QX_OK;
	char *text = joined(a->term, strlen(a->term), '\0', b->term, strlen(b->term));
	if (!text)
		return QX_NOMEM;
	bool ok = false;
	qx_status st = in_index(c, text, &ok);
	if (st == QX_OK && ok) {
		if (!push_edit(e, a->start, b->end, text))
			st = QX_NOMEM;
		else
			a->edited = b->edited = *done = true;
	}
	if (!*done)
		free(text);
	return st;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Rules 2 and 4: term split at byte k into two words the index has
 * (exactly, not by stem: a split is a bold change). *freq is the rarer
 * part's count, 0 when a part is missing. */
static qx_status split_freq(const ctx *c, const char *term, size_t k, unsigned *freq)
{
	char *left = joined(term, k, '\0', "", 0);
	unsigned fl = 0, fr = 0;
	qx_status st = left ? freq_of(c, left, false, &fl) : QX_NOMEM;
	if (st == QX_OK && fl > 0)
		st = freq_of(c, term + k, false, &fr);
	free(left);
	*freq = fl < fr ? fl : fr;
	return st;
}

/* The best split of term: where letters meet digits (digits_only), or
 * anywhere leaving two parts of two bytes or more, the one whose rarer
 * part is most common. *at is 0 when there is none. */
static qx_status best_split(const ctx *c, const char *term, bool digits_only, size_t *at)
{
	size_t len = strlen(term);
	unsigned best = 0;
	*at = 0;
	if (!digits_only && len > SPLIT_ANY_MAX)
		return QX_OK;
	for (size_t k = digits_only ? 1 : 2; k + (digits_only ? 1 : 2) <= len; k++) {
		bool boundary = digits_only ? (is_alpha(term[k - 1]) && is_digit(term[k])) ||
		                                  (is_digit(term[k - 1]) && is_alpha(term[k]))
		                            : ((unsigned char)term[k] & 0xC0) != 0x80;
		unsigned freq = 0;
		qx_status st = boundary ? split_freq(c, term, k, &freq) : QX_OK;
		if (st != QX_OK)
			return st;
		if (freq > best) {
			best = freq;
			*at = k;
		}
	}
	return QX_OK;
}

/* Rule 3: the spelling dictionary's nearest word, if known. NULL (and
 * QX_OK) when there is none. */
static qx_status spelled(const ctx *c, const char *term, char **out)
{
	size_t len = strlen(term);
	*out = NULL;
	if (len < 3)
		return QX_OK;
	char *near = NULL;
	qx_status st = qx_db_spelling_suggestion(c->db, term, len <= 4 ? 1 : 2, &near);
	bool ok = false;
	if (st == QX_OK && near[0] && strcmp(near, term) != 0)
		st = known(c, near, &ok);
	if (st == QX_OK && ok)
		*out = near;
	else
		free(near);
	return st;
}

/* Is b the same word as a, inflected ("recompilation", "recompilations")?
 * Searched as typed (--exact), a word is unknown when only another of its
 * forms is said, and that form is worth suggesting. One starts with the
 * other: a cheap test that needs no stemmer, and too loose for a stemmed
 * search, where an unknown English word's forms are unknown too ("newly"
 * is not "new"), so it is asked under --exact only. */
static bool same_word(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	return strncmp(a, b, la < lb ? la : lb) == 0;
}

/* Rules 2 to 4 for the unknown word w: its replacement in *out, or NULL.
 * An English word the archive does not hold ("figure", "hangs") is spelled
 * as its writer meant: rules 3 and 4 leave it alone (english.h says why),
 * but, under --exact, for another form of it (same_word). */
static qx_status replace_word(const ctx *c, const word *w, char **out)
{
	size_t at = 0;
	*out = NULL;
	qx_status st = best_split(c, w->term, true, &at);
	bool english = st == QX_OK && !at && english_check(w->term) == ENGLISH_WORD;
	if (st == QX_OK && !at) {
		if ((st = spelled(c, w->term, out)) != QX_OK)
			return st;
		if (*out && english && (c->p->stemmed || !same_word(w->term, *out))) {
			free(*out);
			*out = NULL;
		}
		if (*out || english)
			return st;
		st = best_split(c, w->term, false, &at);
	}
	if (st == QX_OK && at &&
	    !(*out = joined(w->term, at, ' ', w->term + at, strlen(w->term) - at)))
		st = QX_NOMEM;
	return st;
}

/* The changes for the unknown word i: a join with a neighbour, else a
 * replacement of the word alone. */
static qx_status fix_word(const ctx *c, words *w, size_t i, edits *e)
{
	bool done = false;
	qx_status st = QX_OK;
	if (i + 1 < w->count)
		st = try_join(c, w, i, e, &done);
	if (st == QX_OK && !done && i > 0)
		st = try_join(c, w, i - 1, e, &done);
	if (st != QX_OK || done || w->items[i].edited)
		return st;
	char *text = NULL;
	if ((st = replace_word(c, &w->items[i], &text)) != QX_OK || !text)
		return st;
	if (!push_edit(e, w->items[i].start, w->items[i].end, text)) {
		free(text);
		return QX_NOMEM;
	}
	w->items[i].edited = true;
	return QX_OK;
}

static int edit_cmp(const void *a, const void *b)
{
	const edit *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* query with the edits made, into *out (caller frees). */
static qx_status apply(const char *query, edits *e, char **out)
{
	strbuf sb = STRBUF_INIT;
	size_t copied = 0;
	bool ok = true;
	qsort(e->items, e->count, sizeof *e->items, edit_cmp);
	for (size_t i = 0; ok && i < e->count; i++) {
		ok = sb_append(&sb, query + copied, e->items[i].start - copied) &&
		     sb_append_str(&sb, e->items[i].text);
		copied = e->items[i].end;
	}
	ok = ok && sb_append_str(&sb, query + copied);
	*out = ok ? sb_take(&sb) : NULL;
	sb_free(&sb);
	return *out ? QX_OK : QX_NOMEM;
}

/* One round: every unknown word fixed where a rule applies. *out is the
 * changed query, or NULL when nothing changed. */
static qx_status suggest_once(const ctx *c, const char *query, char **out)
{
	words w = {NULL, 0, 0};
	edits e = {NULL, 0, 0};
	qx_status st = collect(query, &w) ? QX_OK : QX_NOMEM;
	*out = NULL;
	if (w.count > SUGGEST_MAX_WORDS)
		goto out;
	for (size_t i = 0; st == QX_OK && i < w.count; i++) {
		bool ok = true;
		if (!w.items[i].edited && (st = known(c, w.items[i].term, &ok)) == QX_OK && !ok)
			st = fix_word(c, &w, i, &e);
	}
	if (st == QX_OK && e.count > 0)
		st = apply(query, &e, out);
out:
	words_free(&w);
	edits_free(&e);
	return st;
}

qx_status suggest_query(qx_db *db, const suggest_params *p, char **out)
{
	ctx c = {db, p};
	char *current = NULL;
	qx_status st = QX_OK;
	*out = NULL;
	if (!p || !p->query)
		return QX_INVALID;
	/* Each round turns unknown words into known ones, so the rounds end;
	 * the bound is for safety. The last round changes nothing: following
	 * the suggestion suggests nothing more. */
	for (size_t round = 0; round <= SUGGEST_MAX_WORDS; round++) {
		char *next = NULL;
		st = suggest_once(&c, current ? current : p->query, &next);
		if (st != QX_OK || !next)
			break;
		free(current);
		current = next;
	}
	if (st != QX_OK) {
		free(current);
		return st;
	}
	*out = current;
	return QX_OK;
}

qx_status suggest_word_known(qx_db *db, const suggest_params *p, const char *term, bool *out)
{
	ctx c = {db, p};
	return known(&c, term, out);
}
