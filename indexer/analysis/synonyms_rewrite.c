/* The query rewrite of synonyms.h: a member found in a user's query becomes
 * its whole group, and an identifier also its spoken forms (spoken.h), in
 * QueryParser syntax.
 *
 * Spoken forms are added to the query rather than to the index: the index
 * already holds what a phrase needs (tokenize.h puts an identifier's words
 * at consecutive positions, and "torch dot export" is three words), so an
 * OR of quoted phrases finds "torch dot export dot export" for a typed
 * torch.export.export, and QueryParser's phrase for torch.export.export
 * finds the written form for the spoken query. Extra terms at index time
 * would have to guess which "dot" in speech is code ("scaled dot
 * product"), grow every index, and need a reindex whenever a rule
 * changes. */
#include <stdlib.h>
#include <string.h>

#include "spoken.h"
#include "strbuf.h"
#include "synonyms.h"
#include "synonyms_internal.h"

/* The longest spoken identifier read from a query, in words: nothing
 * real is longer, and the cap keeps the rewrite linear. */
#define SPOKEN_MAX_WORDS 48

/* One whitespace-delimited word of the query, outside quotes. */
typedef struct unit {
	size_t start, end;
	size_t core_start; /* its word or identifier: after a decorator's '@' */
	size_t core_end;   /* end of its word or identifier; the rest is the tail */
	char *key;         /* its term, when rewritable */
	size_t key_len;
	bool rewritable;  /* may be replaced (see synonyms.h) */
	bool bare;        /* rewritable with no tail: may sit inside a phrase match */
	bool space_after; /* only whitespace separates it from the next unit */
} unit;

typedef struct units {
	unit *items;
	size_t count;
	size_t cap;
} units;

static void units_free(units *u)
{
	for (size_t i = 0; i < u->count; i++)
		free(u->items[i].key);
	free(u->items);
}

/* Punctuation a query word may end with and still be rewritten: QueryParser
 * skips it after a ')'. */
static bool is_tail_char(char c)
{
	return c == '.' || c == ',' || c == ';' || c == '!' || c == '?';
}

static bool classify(const char *q, size_t len, unit *u, bool seen_colon)
{
	size_t start = u->start, end = u->end;
	/* QueryParser opens a group at '(' only after whitespace, a bracket,
	 * '+' or '-': "f(x)" is two terms, and "f((a OR b))" fails to parse. */
	bool before_ok = start == 0 || synonyms_is_space(q[start - 1]) ||
	                 (q[start - 1] == '(' && (start == 1 || synonyms_is_space(q[start - 2]) ||
	                                          strchr("()+-", q[start - 2])));
	bool after_ok = end == len || synonyms_is_space(q[end]) || q[end] == ')';
	if (!before_ok || !after_ok || seen_colon)
		return true;
	strbuf key = STRBUF_INIT;
	size_t core_end;
	/* "@helion.kernel": a decorator is its name (QueryParser skips the
	 * '@'). */
	size_t core = q[start] == '@' && end - start > 1 ? start + 1 : start;
	if (!synonyms_leading_core(q + core, end - core, &core_end, &key)) {
		sb_free(&key);
		return false;
	}
	bool ok = core_end > 0 && !synonyms_is_operator(q + core, core_end, false);
	for (size_t i = core + core_end; ok && i < end; i++)
		ok = is_tail_char(q[i]);
	if (ok) {
		u->key_len = key.len;
		u->key = sb_take(&key);
		if (!u->key)
			return false;
		u->core_start = core;
		u->core_end = core + core_end;
		u->rewritable = true;
		u->bare = u->core_end == end;
	}
	sb_free(&key);
	return true;
}

/* Split the query into units. Quoted text, brackets and whitespace are not
 * units; a unit ends at whitespace, ')', a quote, or '(' (but after a ':'
 * a '(' stays in the unit unless it directly follows the ':', because
 * QueryParser reads a boolean filter's value up to a space or ')'). */
static bool lex(const char *q, size_t len, units *out)
{
	bool space_gap = false;
	size_t i = 0;
	while (i < len) {
		size_t ql = synonyms_quote_len(q, len, i);
		if (synonyms_is_space(q[i])) {
			i++;
			continue;
		}
		if (ql) {
			/* Any of the three quotes closes (QueryParser's
			 * IN_QUOTES); an unclosed quote runs to the end. */
			i += ql;
			while (i < len && !synonyms_quote_len(q, len, i))
				i++;
			if (i < len)
				i += synonyms_quote_len(q, len, i);
			space_gap = false;
			continue;
		}
		if (q[i] == '(' || q[i] == ')') {
			i++;
			space_gap = false;
			continue;
		}
		size_t start = i;
		bool seen_colon = false;
		while (i < len && !synonyms_is_space(q[i]) && q[i] != ')' &&
		       !synonyms_quote_len(q, len, i)) {
			if (q[i] == '(' && (!seen_colon || q[i - 1] == ':'))
				break;
			if (q[i] == ':')
				seen_colon = true;
			i++;
		}
		if (out->count > 0)
			out->items[out->count - 1].space_after = space_gap;
		if (out->count == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 16;
			unit *grown = realloc(out->items, cap * sizeof *grown);
			if (!grown)
				return false;
			out->items = grown;
			out->cap = cap;
		}
		unit *u = &out->items[out->count++];
		*u = (unit){start, i, start, i, NULL, 0, false, false, false};
		if (!classify(q, len, u, seen_colon))
			return false;
		space_gap = i < len && synonyms_is_space(q[i]);
	}
	return true;
}

/* Append ` OR "form"` for each spoken form of key that `seen` (the
 * alternatives written so far, '\n'-separated, each followed by '\n') does
 * not have yet, and add them to it. */
static bool write_forms(strbuf *out, const char *key, strbuf *seen)
{
	spoken_forms forms;
	bool ok = spoken_forms_of(key, &forms);
	for (size_t f = 0; ok && f < forms.count; f++) {
		const char *form = forms.form[f];
		size_t n = strlen(form);
		bool dup = false;
		for (const char *at = seen->data; at && !dup && (at = strstr(at, form)); at += n)
			dup = (at == seen->data || at[-1] == '\n') && at[n] == '\n';
		if (dup)
			continue;
		ok = sb_append_str(out, " OR \"") && sb_append_str(out, form) &&
		     sb_append_char(out, '"') && sb_append_str(seen, form) &&
		     sb_append_char(seen, '\n');
	}
	spoken_forms_free(&forms);
	return ok;
}

/* Could key have spoken forms (an identifier, or a name with '_')? A
 * cheap test before spoken_forms_of tokenizes it. */
static bool may_be_spoken(const char *key)
{
	return strpbrk(key, "._-/:@\\") != NULL;
}

/* A group as a query: a parenthesised OR of its members as the file spells
 * them, phrases quoted, then the spoken forms of its identifiers that no
 * member already is. */
static bool write_group(strbuf *out, const group *g)
{
	strbuf seen = STRBUF_INIT;
	bool ok = sb_append_char(out, '(');
	for (size_t m = 0; ok && m < g->count; m++) {
		const member *mb = &g->members[m];
		if (m)
			ok = sb_append_str(out, " OR ");
		if (ok && mb->phrase)
			ok = sb_append_char(out, '"') && sb_append_str(out, mb->text) &&
			     sb_append_char(out, '"');
		else if (ok)
			ok = sb_append_str(out, mb->text);
		ok = ok && sb_append_str(&seen, mb->key) && sb_append_char(&seen, '\n');
	}
	for (size_t m = 0; ok && m < g->count; m++)
		if (!g->members[m].phrase && may_be_spoken(g->members[m].key))
			ok = write_forms(out, g->members[m].key, &seen);
	sb_free(&seen);
	return ok && sb_append_char(out, ')');
}

bool synonyms_expand_groups(synonyms *s)
{
	for (size_t g = 0; g < s->count; g++) {
		strbuf sb = STRBUF_INIT;
		if (!write_group(&sb, &s->groups[g]) || !(s->groups[g].expansion = sb_take(&sb))) {
			sb_free(&sb);
			return false;
		}
	}
	return true;
}

/* How many units from k on can be one phrase (at most cap): each
 * rewritable, and each but the last bare with only whitespace after it. */
static size_t phrase_run(const units *u, size_t k, size_t cap)
{
	size_t n = 0;
	while (n < cap && k + n < u->count && u->items[k + n].rewritable) {
		n++;
		const unit *last = &u->items[k + n - 1];
		if (!last->bare || !last->space_after)
			break;
	}
	return n;
}

/* The longest group member that starts at unit k: *n units (0 for none)
 * of group *g. Grows the key one unit at a time while some member starts
 * with it; keys never grow past the longest member, so each start costs
 * at most that much. key is scratch space. */
static bool group_match(const synonyms *s, const units *u, size_t k, strbuf *key, size_t *n_out,
                        size_t *g_out)
{
	size_t n = 1;
	*n_out = 0;
	if (s->nindex == 0 || u->items[k].key_len > s->max_key)
		return true;
	sb_clear(key);
	if (!sb_append(key, u->items[k].key, u->items[k].key_len))
		return false;
	for (;;) {
		size_t found;
		if (synonyms_find(s, key->data, &found)) {
			*n_out = n;
			*g_out = found;
		}
		if (phrase_run(u, k + n - 1, 2) < 2 ||
		    key->len + 1 + u->items[k + n].key_len > s->max_key)
			return true;
		if (!sb_append_char(key, ' '))
			return false;
		size_t at = synonyms_lower_bound(s, key->data);
		if (at >= s->nindex || strncmp(s->index[at].key, key->data, key->len) != 0)
			return true;
		if (!sb_append(key, u->items[k + n].key, u->items[k + n].key_len))
			return false;
		n++;
	}
}

/* An identifier said aloud starting at unit k ("torch dot underscore
 * check"): *n units (0 for none), the identifier in *ident. */
static bool spoken_match(const units *u, size_t k, size_t *n, strbuf *ident)
{
	const char *words[SPOKEN_MAX_WORDS];
	*n = 0;
	/* A said identifier has a spoken word first or second ("underscore
	 * x", "x dot y", "double underscore x"): most words start none, and
	 * need not gather a run. */
	size_t avail = phrase_run(u, k, 2);
	bool marked = false;
	for (size_t i = 0; i < avail; i++)
		marked = marked || spoken_is_marker(u->items[k + i].key) ||
		         strcmp(u->items[k + i].key, "double") == 0;
	if (!marked)
		return true;
	avail = phrase_run(u, k, SPOKEN_MAX_WORDS);
	for (size_t i = 0; i < avail; i++)
		words[i] = u->items[k + i].key;
	sb_clear(ident);
	return spoken_read(words, avail, n, ident);
}

/* Units first..first+n-1, not in any group, as what was typed OR the
 * identifier's other forms: a typed identifier becomes (ident OR "its
 * spoken forms"); spoken words become ((the words) OR ident OR "its other
 * forms"), so whatever matched the words still does. Nothing is written
 * (*wrote false) when there are no other forms. */
static bool write_spoken(strbuf *out, const char *query, const unit *first, size_t n,
                         const char *ident, bool *wrote)
{
	const unit *last = first + n - 1;
	strbuf seen = STRBUF_INIT, alt = STRBUF_INIT;
	bool ok = true;
	*wrote = false;
	for (size_t i = 0; ok && i < n; i++)
		ok = sb_append_str(&seen, i ? " " : "") && sb_append_str(&seen, first[i].key);
	ok = ok && sb_append_char(&seen, '\n');
	if (ok && n > 1)
		ok = sb_append_str(&alt, " OR ") && sb_append_str(&alt, ident);
	ok = ok && write_forms(&alt, ident, &seen);
	if (ok && alt.len > 0) {
		const char *typed = query + first->core_start;
		size_t typed_len = last->core_end - first->core_start;
		ok = sb_append_str(out, n > 1 ? "((" : "(") && sb_append(out, typed, typed_len) &&
		     sb_append_str(out, n > 1 ? ")" : "") && sb_append(out, alt.data, alt.len) &&
		     sb_append_char(out, ')');
		*wrote = ok;
	}
	sb_free(&seen);
	sb_free(&alt);
	return ok;
}

/* What to write for the units at k: a group (longest member), else an
 * identifier said aloud, else a typed identifier's spoken forms. Appends
 * to out and sets *used to the units replaced (0: none, nothing
 * written). */
static bool rewrite_at(const synonyms *s, const char *query, const units *u, size_t k, strbuf *out,
                       strbuf *key, size_t *used)
{
	size_t gn, g = 0, sn;
	*used = 0;
	if (!group_match(s, u, k, key, &gn, &g) || !spoken_match(u, k, &sn, key))
		return false;
	const unit *first = &u->items[k];
	if (sn > gn) {
		/* "torch dot compile" is torch.compile, a member. */
		if (synonyms_find(s, key->data, &g)) {
			*used = sn;
			return sb_append_str(out, s->groups[g].expansion);
		}
		bool wrote;
		if (!write_spoken(out, query, first, sn, key->data, &wrote))
			return false;
		*used = wrote ? sn : 0;
		return true;
	}
	if (gn) {
		*used = gn;
		return sb_append_str(out, s->groups[g].expansion);
	}
	if (!may_be_spoken(first->key))
		return true;
	bool wrote;
	if (!write_spoken(out, query, first, 1, first->key, &wrote))
		return false;
	*used = wrote ? 1 : 0;
	return true;
}

bool synonyms_rewrite_query(const synonyms *s, const char *query, char **out)
{
	size_t len = strlen(query);
	units u = {NULL, 0, 0};
	strbuf result = STRBUF_INIT, key = STRBUF_INIT, piece = STRBUF_INIT;
	bool ok = false;
	*out = NULL;
	if (s && !lex(query, len, &u))
		goto out;
	size_t copied = 0;
	for (size_t k = 0; k < u.count; k++) {
		if (!u.items[k].rewritable)
			continue;
		size_t used;
		sb_clear(&piece);
		if (!rewrite_at(s, query, &u, k, &piece, &key, &used))
			goto out;
		if (!used)
			continue;
		const unit *last = &u.items[k + used - 1];
		if (!sb_append(&result, query + copied, u.items[k].start - copied) ||
		    !sb_append(&result, piece.data, piece.len) ||
		    !sb_append(&result, query + last->core_end, last->end - last->core_end))
			goto out;
		copied = last->end;
		k += used - 1;
	}
	if (!sb_append(&result, query + copied, len - copied))
		goto out;
	*out = sb_take(&result);
	ok = *out != NULL;
out:
	units_free(&u);
	sb_free(&result);
	sb_free(&key);
	sb_free(&piece);
	return ok;
}
