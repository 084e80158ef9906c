/* The query rewrite of synonyms.h: a member found in a user's query becomes
 * its whole group, in QueryParser syntax. */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "synonyms.h"
#include "synonyms_internal.h"

/* One whitespace-delimited word of the query, outside quotes. */
typedef struct unit {
	size_t start, end;
	size_t core_end; /* end of its word or identifier; the rest is the tail */
	char *key;       /* its term, when rewritable */
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
	if (!synonyms_leading_core(q + start, end - start, &core_end, &key)) {
		sb_free(&key);
		return false;
	}
	bool ok = core_end > 0 && !synonyms_is_operator(q + start, core_end, false);
	for (size_t i = start + core_end; ok && i < end; i++)
		ok = is_tail_char(q[i]);
	if (ok) {
		u->key_len = key.len;
		u->key = sb_take(&key);
		if (!u->key)
			return false;
		u->core_end = start + core_end;
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
		*u = (unit){start, i, i, NULL, 0, false, false, false};
		if (!classify(q, len, u, seen_colon))
			return false;
		space_gap = i < len && synonyms_is_space(q[i]);
	}
	return true;
}

/* A group as a query: a parenthesised OR of its members as the file spells
 * them, phrases quoted. */
static bool write_group(strbuf *out, const group *g)
{
	bool ok = sb_append_char(out, '(');
	for (size_t m = 0; ok && m < g->count; m++) {
		if (m)
			ok = sb_append_str(out, " OR ");
		if (ok && g->members[m].phrase)
			ok = sb_append_char(out, '"') && sb_append_str(out, g->members[m].text) &&
			     sb_append_char(out, '"');
		else if (ok)
			ok = sb_append_str(out, g->members[m].text);
	}
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

bool synonyms_rewrite_query(const synonyms *s, const char *query, char **out)
{
	size_t len = strlen(query);
	units u = {NULL, 0, 0};
	strbuf result = STRBUF_INIT, key = STRBUF_INIT;
	bool ok = false;
	*out = NULL;
	if (s && s->nindex > 0 && !lex(query, len, &u))
		goto out;
	size_t copied = 0;
	for (size_t k = 0; k < u.count; k++) {
		if (!u.items[k].rewritable || u.items[k].key_len > s->max_key)
			continue;
		/* Longest match: grow the key one unit at a time while some
		 * member starts with it. Keys never grow past the longest
		 * member, so each start costs at most that much. */
		size_t best = 0, best_group = 0, n = 1;
		sb_clear(&key);
		if (!sb_append(&key, u.items[k].key, u.items[k].key_len))
			goto out;
		for (;;) {
			size_t found;
			if (synonyms_find(s, key.data, &found)) {
				best = n;
				best_group = found;
			}
			const unit *last = &u.items[k + n - 1];
			if (k + n >= u.count || !last->bare || !last->space_after ||
			    !u.items[k + n].rewritable ||
			    key.len + 1 + u.items[k + n].key_len > s->max_key)
				break;
			if (!sb_append_char(&key, ' '))
				goto out;
			size_t at = synonyms_lower_bound(s, key.data);
			if (at >= s->nindex || strncmp(s->index[at].key, key.data, key.len) != 0)
				break;
			if (!sb_append(&key, u.items[k + n].key, u.items[k + n].key_len))
				goto out;
			n++;
		}
		if (!best)
			continue;
		const unit *first = &u.items[k], *last = &u.items[k + best - 1];
		if (!sb_append(&result, query + copied, first->start - copied) ||
		    !sb_append_str(&result, s->groups[best_group].expansion) ||
		    !sb_append(&result, query + last->core_end, last->end - last->core_end))
			goto out;
		copied = last->end;
		k += best - 1;
	}
	if (!sb_append(&result, query + copied, len - copied))
		goto out;
	*out = sb_take(&result);
	ok = *out != NULL;
out:
	units_free(&u);
	sb_free(&result);
	sb_free(&key);
	return ok;
}
