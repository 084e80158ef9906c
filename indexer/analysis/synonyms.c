#include "synonyms.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "synonyms_internal.h"
#include "tokenize.h"

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

static void group_free(group *g)
{
	for (size_t m = 0; m < g->count; m++) {
		free(g->members[m].text);
		free(g->members[m].key);
	}
	free(g->members);
	free(g->expansion);
	*g = (group){NULL, 0, 0, NULL};
}

void synonyms_free(synonyms *s)
{
	if (!s)
		return;
	for (size_t g = 0; g < s->count; g++)
		group_free(&s->groups[g]);
	for (size_t g = 0; g < s->nremoved; g++)
		group_free(&s->removed[g]);
	free(s->groups);
	free(s->removed);
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

size_t synonyms_quote_len(const char *s, size_t len, size_t i)
{
	if (s[i] == '"')
		return 1;
	if (len - i >= 3 && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0x9C || (unsigned char)s[i + 2] == 0x9D))
		return 3;
	return 0;
}

bool synonyms_leading_core(const char *text, size_t len, size_t *core_end, strbuf *key)
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

bool synonyms_is_operator(const char *s, size_t len, bool any_case)
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
		if (s[i] == '(' || s[i] == ')' || synonyms_quote_len(s, len, i)) {
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
		    !synonyms_leading_core(s + start, i - start, &core_end, &key))
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
	if (words == 1 && synonyms_is_operator(s, len, true)) {
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

/* Append g to *list (growing it); on failure g is the caller's to free. */
static bool push_group(group **list, size_t *count, size_t *cap, group g)
{
	if (*count == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 16;
		group *grown = realloc(*list, grown_cap * sizeof *grown);
		if (!grown)
			return false;
		*list = grown;
		*cap = grown_cap;
	}
	(*list)[(*count)++] = g;
	return true;
}

/* Add one member to g. */
static synonyms_status add_member(parser *p, group *g, size_t *cap, const char *s, size_t len)
{
	if (g->count == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 4;
		member *grown = realloc(g->members, grown_cap * sizeof *grown);
		if (!grown)
			return SYNONYMS_NOMEM;
		g->members = grown;
		*cap = grown_cap;
	}
	synonyms_status status = make_member(p, s, len, &g->members[g->count]);
	if (status == SYNONYMS_OK)
		g->count++;
	return status;
}

/* A "-member" line: the member leaves whatever group a vocabulary merged
 * under this file gives it (synonyms_merge), and joins none. */
static synonyms_status parse_removal(parser *p, const char *line, size_t len)
{
	group g = {NULL, 0, p->line, NULL};
	size_t cap = 0;
	if (memchr(line, ',', len))
		return reject(p, p->line, "a '-' line names one member, without ','");
	size_t a = 0;
	while (a < len && synonyms_is_space(line[a]))
		a++;
	if (a == len)
		return reject(p, p->line, "a '-' line needs a member after the '-'");
	synonyms_status status = add_member(p, &g, &cap, line + a, len - a);
	if (status == SYNONYMS_OK &&
	    !push_group(&p->s->removed, &p->s->nremoved, &p->s->removed_cap, g))
		status = SYNONYMS_NOMEM;
	if (status != SYNONYMS_OK)
		group_free(&g);
	return status;
}

static synonyms_status parse_line(parser *p, const char *line, size_t len)
{
	len = comment_start(line, len);
	while (len > 0 && synonyms_is_space(line[len - 1]))
		len--;
	size_t i = 0;
	while (i < len && synonyms_is_space(line[i]))
		i++;
	if (i == len)
		return SYNONYMS_OK;
	if (line[i] == '-')
		return parse_removal(p, line + i + 1, len - i - 1);

	group g = {NULL, 0, p->line, NULL};
	size_t cap = 0;
	synonyms_status status = SYNONYMS_OK;
	for (;;) {
		size_t start = i;
		while (i < len && line[i] != ',')
			i++;
		size_t a = start, b = i;
		while (a < b && synonyms_is_space(line[a]))
			a++;
		while (b > a && synonyms_is_space(line[b - 1]))
			b--;
		if (a == b) {
			status = reject(p, p->line, "empty member (a stray ',')");
			goto out;
		}
		if ((status = add_member(p, &g, &cap, line + a, b - a)) != SYNONYMS_OK)
			goto out;
		if (i == len)
			break;
		i++; /* the ',' */
	}
	if (g.count < 2) {
		status = reject(p, p->line, "a group needs at least two members, separated by ','");
		goto out;
	}
	if (push_group(&p->s->groups, &p->s->count, &p->s->cap, g))
		return SYNONYMS_OK;
	status = SYNONYMS_NOMEM;
out:
	group_free(&g);
	return status;
}

/* ---- The lookup index --------------------------------------------------- */

static int entry_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void add_entries(synonyms *s, const group *list, size_t count, bool removal)
{
	for (size_t g = 0; g < count; g++) {
		for (size_t m = 0; m < list[g].count; m++) {
			const char *key = list[g].members[m].key;
			s->index[s->nindex++] = (entry){key, g, list[g].line, removal};
			size_t klen = strlen(key);
			if (klen > s->max_key)
				s->max_key = klen;
		}
	}
}

/* Sort every member (and removal) into the lookup index and fill the
 * groups' expansions. A key that occurs twice is an error on the later
 * line (the earliest such line when there are several); p may be NULL
 * when that cannot happen (a merge). */
static synonyms_status build_index(parser *p, synonyms *s)
{
	size_t n = 0;
	for (size_t g = 0; g < s->count; g++)
		n += s->groups[g].count;
	n += s->nremoved;
	if (n > 0 && !(s->index = malloc(n * sizeof *s->index)))
		return SYNONYMS_NOMEM;
	add_entries(s, s->groups, s->count, false);
	add_entries(s, s->removed, s->nremoved, true);
	if (s->nindex > 1)
		qsort(s->index, s->nindex, sizeof *s->index, entry_cmp);
	size_t worst = 0, dup = 0;
	for (size_t i = 1; i < s->nindex; i++) {
		if (strcmp(s->index[i - 1].key, s->index[i].key) == 0 &&
		    (worst == 0 || s->index[i].line < worst)) {
			worst = s->index[i].line;
			dup = i;
		}
	}
	if (worst && p) {
		const entry *first = &s->index[dup - 1];
		if (first->line == worst)
			return reject(p, worst, "member \"%s\" appears twice in the group",
			              first->key);
		return reject(p, worst, "member \"%s\" is already on line %zu", first->key,
		              first->line);
	}
	return synonyms_expand_groups(s) ? SYNONYMS_OK : SYNONYMS_NOMEM;
}

size_t synonyms_lower_bound(const synonyms *s, const char *key)
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

bool synonyms_find(const synonyms *s, const char *key, size_t *group)
{
	size_t at = synonyms_lower_bound(s, key);
	if (at >= s->nindex || strcmp(s->index[at].key, key) != 0 || s->index[at].removal)
		return false;
	*group = s->index[at].group;
	return true;
}

bool synonyms_knows(const synonyms *s, const char *word)
{
	size_t g, n = strlen(word);
	if (!s || n == 0)
		return false;
	if (synonyms_find(s, word, &g))
		return true;
	for (g = 0; g < s->count; g++) {
		for (size_t m = 0; m < s->groups[g].count; m++) {
			const member *mb = &s->groups[g].members[m];
			for (const char *at = mb->phrase ? mb->key : NULL;
			     at && (at = strstr(at, word)); at += n)
				if ((at == mb->key || at[-1] == ' ') &&
				    (at[n] == ' ' || at[n] == '\0'))
					return true;
		}
	}
	return false;
}

synonyms_status synonyms_parse(const char *buf, size_t len, synonyms **out, size_t *error_line,
                               char *err, size_t errlen)
{
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
		status = parse_line(&p, buf + start, i - start);
		if (status != SYNONYMS_OK)
			goto out;
		if (i < len && buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			i++;
		if (i < len)
			i++;
	}
	status = build_index(&p, p.s);
out:
	if (status != SYNONYMS_OK) {
		synonyms_free(p.s);
		return status;
	}
	*out = p.s;
	return SYNONYMS_OK;
}

/* ---- Merging ------------------------------------------------------------ */

/* Does s name key, in a group or on a '-' line? */
static bool names(const synonyms *s, const char *key)
{
	if (!s)
		return false;
	size_t at = synonyms_lower_bound(s, key);
	return at < s->nindex && strcmp(s->index[at].key, key) == 0;
}

/* Copy g's members that `drop` does not name into *out (line kept). */
static bool copy_group(const group *g, const synonyms *drop, group *out)
{
	*out = (group){calloc(g->count ? g->count : 1, sizeof(member)), 0, g->line, NULL};
	if (!out->members)
		return false;
	for (size_t m = 0; m < g->count; m++) {
		const member *from = &g->members[m];
		if (names(drop, from->key))
			continue;
		member *to = &out->members[out->count];
		*to = (member){strdup(from->text), strdup(from->key), from->phrase};
		if (!to->text || !to->key) {
			free(to->text);
			free(to->key);
			return false;
		}
		out->count++;
	}
	return true;
}

/* Copy the groups of from (without what drop names) into s; a group left
 * with fewer than two members is no group. */
static bool copy_groups(synonyms *s, const synonyms *from, const synonyms *drop)
{
	for (size_t g = 0; from && g < from->count; g++) {
		group copy;
		if (!copy_group(&from->groups[g], drop, &copy)) {
			group_free(&copy);
			return false;
		}
		if (copy.count < 2)
			group_free(&copy);
		else if (!push_group(&s->groups, &s->count, &s->cap, copy)) {
			group_free(&copy);
			return false;
		}
	}
	return true;
}

synonyms_status synonyms_merge(const synonyms *base, const synonyms *over, synonyms **out)
{
	synonyms *s = calloc(1, sizeof *s);
	*out = NULL;
	/* Members are unique within base and within over, and what over names
	 * leaves base: the merged index has no duplicate to report. */
	if (!s || !copy_groups(s, base, over) || !copy_groups(s, over, NULL) ||
	    build_index(NULL, s) != SYNONYMS_OK) {
		synonyms_free(s);
		return SYNONYMS_NOMEM;
	}
	*out = s;
	return SYNONYMS_OK;
}
