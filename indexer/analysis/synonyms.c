#include "synonyms.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "tokenize.h"

typedef struct member {
	char *text; /* as written, spaces collapsed */
	char *key;  /* tokenized form: terms joined by single spaces */
	bool phrase;
} member;

typedef struct group {
	member *members;
	size_t count;
} group;

/* One member in the lookup index, sorted by key. */
typedef struct entry {
	const char *key; /* borrowed from its member */
	size_t group;
	size_t line;
} entry;

struct synonyms {
	group *groups;
	size_t count;
	size_t cap;
	entry *index;
	size_t nindex;
	size_t max_key; /* longest key: no longer query text can match */
};

const char *synonyms_status_str(synonyms_status status)
{
	switch (status) {
	case SYNONYMS_OK:
		return "ok";
	case SYNONYMS_INVALID:
		return "invalid synonyms file";
	case SYNONYMS_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

void synonyms_free(synonyms *s)
{
	if (!s)
		return;
	for (size_t g = 0; g < s->count; g++) {
		for (size_t m = 0; m < s->groups[g].count; m++) {
			free(s->groups[g].members[m].text);
			free(s->groups[g].members[m].key);
		}
		free(s->groups[g].members);
	}
	free(s->groups);
	free(s->index);
	free(s);
}

size_t synonyms_group_count(const synonyms *s)
{
	return s ? s->count : 0;
}

size_t synonyms_member_count(const synonyms *s, size_t group)
{
	return s && group < s->count ? s->groups[group].count : 0;
}

const char *synonyms_member(const synonyms *s, size_t group, size_t member)
{
	if (!s || group >= s->count || member >= s->groups[group].count)
		return NULL;
	return s->groups[group].members[member].text;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Length of a double quote at s[i] (", U+201C, U+201D: QueryParser treats
 * all three as phrase quotes), or 0. */
static size_t quote_len(const char *s, size_t len, size_t i)
{
	if (s[i] == '"')
		return 1;
	if (len - i >= 3 && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0x9C || (unsigned char)s[i + 2] == 0x9D))
		return 3;
	return 0;
}

/* The word or identifier that starts text[0..len), as tokenize_text reads
 * it: its end (0 when text does not start with a word character) and, when
 * key is not NULL, its term appended to key. Returns false when out of
 * memory. */
static bool leading_core(const char *text, size_t len, size_t *core_end, strbuf *key)
{
	token_list tokens = TOKEN_LIST_INIT;
	*core_end = 0;
	/* Fast path for the common case, letters, digits and '_' only: one
	 * word, which tokenize_text would only lowercase. */
	size_t plain = 0;
	while (plain < len && ((text[plain] >= 'a' && text[plain] <= 'z') ||
	                       (text[plain] >= 'A' && text[plain] <= 'Z') ||
	                       (text[plain] >= '0' && text[plain] <= '9') || text[plain] == '_'))
		plain++;
	if (plain == len && len > 0) {
		*core_end = len;
		for (size_t i = 0; key && i < len; i++) {
			char c = text[i] >= 'A' && text[i] <= 'Z' ? (char)(text[i] - 'A' + 'a')
			                                          : text[i];
			if (!sb_append_char(key, c))
				return false;
		}
		return true;
	}
	if (!tokenize_text(text, len, 0, &tokens, NULL))
		return false;
	bool ok = true;
	/* The identifier, when there is one, comes before its first word. */
	if (tokens.count > 0 && tokens.items[0].start == 0) {
		*core_end = tokens.items[0].end;
		if (key)
			ok = sb_append_str(key, tokens.items[0].term);
	}
	token_list_free(&tokens);
	return ok;
}

static bool is_operator_word(const char *s, size_t len, bool any_case)
{
	static const char *const ops[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i]);
		if (len != n)
			continue;
		size_t k = 0;
		for (; k < n; k++) {
			char c = s[k];
			if (any_case && c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (c != ops[i][k])
				break;
		}
		if (k == n)
			return true;
	}
	return false;
}

/* QueryParser's operators: AND OR NOT XOR NEAR ADJ, and NEAR/n, ADJ/n. By
 * default QueryParser reads them in upper case only. */
static bool is_query_operator(const char *s, size_t len, bool any_case)
{
	if (is_operator_word(s, len, any_case))
		return true;
	size_t n = len > 5 && s[4] == '/' && is_operator_word(s, 4, any_case)   ? 5
	           : len > 4 && s[3] == '/' && is_operator_word(s, 3, any_case) ? 4
	                                                                        : 0;
	if (n == 0)
		return false;
	for (size_t i = n; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* ---- Parsing ---------------------------------------------------------- */

typedef struct parser {
	synonyms *s;
	size_t line;
	size_t *error_line;
	char *err;
	size_t errlen;
} parser;

static synonyms_status reject(parser *p, size_t line, const char *fmt, ...)
{
	if (p->error_line)
		*p->error_line = line;
	if (p->err && p->errlen > 0) {
		char message[200];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(message, sizeof message, fmt, ap);
		va_end(ap);
		snprintf(p->err, p->errlen, "line %zu: %s", line, message);
	}
	return SYNONYMS_INVALID;
}

/* Build one member from s[0..len) (already trimmed, not empty). */
static synonyms_status make_member(parser *p, const char *s, size_t len, member *m)
{
	strbuf text = STRBUF_INIT, key = STRBUF_INIT;
	synonyms_status status = SYNONYMS_NOMEM;
	size_t words = 0;
	*m = (member){NULL, NULL, false};
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '(' || s[i] == ')' || quote_len(s, len, i)) {
			status = reject(p, p->line,
			                "member \"%.*s\" has a double quote or a parenthesis",
			                (int)len, s);
			goto out;
		}
		if (s[i] == ':') {
			/* QueryParser would read "x:y" as a field prefix. */
			status = reject(p, p->line, "member \"%.*s\" has a ':'", (int)len, s);
			goto out;
		}
	}
	for (size_t i = 0; i < len;) {
		size_t start = i;
		while (i < len && !is_blank(s[i]))
			i++;
		size_t core_end;
		if ((words && (!sb_append_char(&text, ' ') || !sb_append_char(&key, ' '))) ||
		    !sb_append(&text, s + start, i - start) ||
		    !leading_core(s + start, i - start, &core_end, &key))
			goto out;
		if (core_end != i - start) {
			status = reject(p, p->line,
			                "member \"%.*s\": \"%.*s\" is not a word or identifier",
			                (int)len, s, (int)(i - start), s + start);
			goto out;
		}
		words++;
		while (i < len && is_blank(s[i]))
			i++;
	}
	if (words == 1 && is_query_operator(s, len, true)) {
		status = reject(p, p->line, "member \"%.*s\" is a query operator", (int)len, s);
		goto out;
	}
	m->text = sb_take(&text);
	m->key = sb_take(&key);
	m->phrase = words > 1;
	if (!m->text || !m->key) {
		free(m->text);
		free(m->key);
		*m = (member){NULL, NULL, false};
		goto out;
	}
	status = SYNONYMS_OK;
out:
	sb_free(&text);
	sb_free(&key);
	return status;
}

/* Where a comment starts in line[0..len): a '#' at the start or after a
 * space or tab ("c#" is a member); len when there is none. */
static size_t comment_start(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] == '#' && (i == 0 || is_blank(line[i - 1])))
			return i;
	return len;
}

static synonyms_status parse_line(parser *p, const char *line, size_t len)
{
	len = comment_start(line, len);
	while (len > 0 && is_space(line[len - 1]))
		len--;
	size_t i = 0;
	while (i < len && is_space(line[i]))
		i++;
	if (i == len)
		return SYNONYMS_OK;

	group g = {NULL, 0};
	size_t cap = 0;
	synonyms_status status = SYNONYMS_OK;
	for (;;) {
		size_t start = i;
		while (i < len && line[i] != ',')
			i++;
		size_t a = start, b = i;
		while (a < b && is_space(line[a]))
			a++;
		while (b > a && is_space(line[b - 1]))
			b--;
		if (a == b) {
			status = reject(p, p->line, "empty member (a stray ',')");
			goto out;
		}
		if (g.count == cap) {
			size_t grown_cap = cap ? cap * 2 : 4;
			member *grown = realloc(g.members, grown_cap * sizeof *grown);
			if (!grown) {
				status = SYNONYMS_NOMEM;
				goto out;
			}
			g.members = grown;
			cap = grown_cap;
		}
		status = make_member(p, line + a, b - a, &g.members[g.count]);
		if (status != SYNONYMS_OK)
			goto out;
		g.count++;
		if (i == len)
			break;
		i++; /* the ',' */
	}
	if (g.count < 2) {
		status = reject(p, p->line, "a group needs at least two members, separated by ','");
		goto out;
	}
	synonyms *s = p->s;
	if (s->count == s->cap) {
		size_t grown_cap = s->cap ? s->cap * 2 : 16;
		group *grown = realloc(s->groups, grown_cap * sizeof *grown);
		if (!grown) {
			status = SYNONYMS_NOMEM;
			goto out;
		}
		s->groups = grown;
		s->cap = grown_cap;
	}
	s->groups[s->count++] = g;
	return SYNONYMS_OK;
out:
	for (size_t m = 0; m < g.count; m++) {
		free(g.members[m].text);
		free(g.members[m].key);
	}
	free(g.members);
	return status;
}

static int entry_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort every member into the lookup index; a key that occurs twice is an
 * error on the later line (the earliest such line when there are several).
 */
static synonyms_status build_index(parser *p, const size_t *lines)
{
	synonyms *s = p->s;
	size_t n = 0;
	for (size_t g = 0; g < s->count; g++)
		n += s->groups[g].count;
	if (n == 0)
		return SYNONYMS_OK;
	s->index = malloc(n * sizeof *s->index);
	if (!s->index)
		return SYNONYMS_NOMEM;
	for (size_t g = 0; g < s->count; g++) {
		for (size_t m = 0; m < s->groups[g].count; m++) {
			const char *key = s->groups[g].members[m].key;
			s->index[s->nindex++] = (entry){key, g, lines[g]};
			size_t klen = strlen(key);
			if (klen > s->max_key)
				s->max_key = klen;
		}
	}
	qsort(s->index, s->nindex, sizeof *s->index, entry_cmp);
	size_t worst = 0, dup = 0;
	for (size_t i = 1; i < s->nindex; i++) {
		if (strcmp(s->index[i - 1].key, s->index[i].key) == 0 &&
		    (worst == 0 || s->index[i].line < worst)) {
			worst = s->index[i].line;
			dup = i;
		}
	}
	if (worst) {
		const entry *first = &s->index[dup - 1];
		if (first->line == worst)
			return reject(p, worst, "member \"%s\" appears twice in the group",
			              first->key);
		return reject(p, worst, "member \"%s\" is already in the group on line %zu",
		              first->key, first->line);
	}
	return SYNONYMS_OK;
}

synonyms_status synonyms_parse(const char *buf, size_t len, synonyms **out, size_t *error_line,
                               char *err, size_t errlen)
{
	size_t *lines = NULL, lines_cap = 0;
	synonyms_status status = SYNONYMS_NOMEM;
	parser p = {NULL, 0, error_line, err, errlen};
	*out = NULL;
	if (error_line)
		*error_line = 0;
	if (err && errlen > 0)
		err[0] = '\0';
	p.s = calloc(1, sizeof *p.s);
	if (!p.s)
		goto out;
	size_t i = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		size_t start = i;
		while (i < len && buf[i] != '\n' && buf[i] != '\r')
			i++;
		p.line++;
		size_t before = p.s->count;
		status = parse_line(&p, buf + start, i - start);
		if (status != SYNONYMS_OK)
			goto out;
		if (p.s->count != before) {
			/* Remember each group's line for duplicate errors. */
			if (p.s->count > lines_cap) {
				size_t cap = p.s->cap;
				size_t *grown = realloc(lines, cap * sizeof *grown);
				if (!grown) {
					status = SYNONYMS_NOMEM;
					goto out;
				}
				lines = grown;
				lines_cap = cap;
			}
			lines[p.s->count - 1] = p.line;
		}
		if (i < len && buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			i++;
		if (i < len)
			i++;
	}
	status = build_index(&p, lines);
out:
	free(lines);
	if (status != SYNONYMS_OK) {
		synonyms_free(p.s);
		return status;
	}
	*out = p.s;
	return SYNONYMS_OK;
}

/* ---- Query rewriting --------------------------------------------------- */

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
	bool before_ok = start == 0 || is_space(q[start - 1]) ||
	                 (q[start - 1] == '(' &&
	                  (start == 1 || is_space(q[start - 2]) || strchr("()+-", q[start - 2])));
	bool after_ok = end == len || is_space(q[end]) || q[end] == ')';
	if (!before_ok || !after_ok || seen_colon)
		return true;
	strbuf key = STRBUF_INIT;
	size_t core_end;
	if (!leading_core(q + start, end - start, &core_end, &key)) {
		sb_free(&key);
		return false;
	}
	bool ok = core_end > 0 && !is_query_operator(q + start, core_end, false);
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
		size_t ql = quote_len(q, len, i);
		if (is_space(q[i])) {
			i++;
			continue;
		}
		if (ql) {
			/* Any of the three quotes closes (QueryParser's
			 * IN_QUOTES); an unclosed quote runs to the end. */
			i += ql;
			while (i < len && !quote_len(q, len, i))
				i++;
			if (i < len)
				i += quote_len(q, len, i);
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
		while (i < len && !is_space(q[i]) && q[i] != ')' && !quote_len(q, len, i)) {
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
		space_gap = i < len && is_space(q[i]);
	}
	return true;
}

/* The first index entry whose key is >= key. */
static size_t lower_bound(const synonyms *s, const char *key)
{
	size_t lo = 0, hi = s->nindex;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->index[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

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
			size_t at = lower_bound(s, key.data);
			if (at < s->nindex && strcmp(s->index[at].key, key.data) == 0) {
				best = n;
				best_group = s->index[at].group;
			}
			const unit *last = &u.items[k + n - 1];
			if (k + n >= u.count || !last->bare || !last->space_after ||
			    !u.items[k + n].rewritable ||
			    key.len + 1 + u.items[k + n].key_len > s->max_key)
				break;
			if (!sb_append_char(&key, ' '))
				goto out;
			at = lower_bound(s, key.data);
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
		    !write_group(&result, &s->groups[best_group]) ||
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
