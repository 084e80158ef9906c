#include "not_found.h"

#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "synonyms.h"
#include "tokenize.h"

/* The query syntax not_found skips, as QueryParser reads it. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Does the chunk w (n bytes) start with "field:" for one of p's fields? */
static bool is_field(const not_found_params *p, const char *w, size_t n)
{
	for (size_t i = 0; i < p->field_count; i++) {
		size_t len = strlen(p->fields[i].name);
		if (len < n && strncmp(w, p->fields[i].name, len) == 0 && w[len] == ':')
			return true;
	}
	return false;
}

/* What one pass over a query gathers. */
typedef struct scan {
	qx_db *db;
	suggest_params known; /* what suggest_word_known needs */
	json_t *words;        /* the words not found, as typed */
	json_t *seen;         /* their terms, so that each is listed once */
} scan;

/* Check the words of text[0..len) (one chunk of the query). */
static qx_status check_words(scan *s, const char *text, size_t len)
{
	token_list list = TOKEN_LIST_INIT;
	if (!tokenize_text(text, len, 0, &list, NULL))
		return QX_NOMEM;
	qx_status st = QX_OK;
	for (size_t k = 0; st == QX_OK && k < list.count; k++) {
		const token *w = &list.items[k];
		bool found = true;
		if (w->flags != TOKEN_WORD || json_object_get(s->seen, w->term))
			continue;
		if ((st = suggest_word_known(s->db, &s->known, w->term, &found)) != QX_OK || found)
			continue;
		if (json_object_set_new(s->seen, w->term, json_true()) != 0 ||
		    json_array_append_new(s->words,
		                          json_stringn(text + w->start, w->end - w->start)) != 0)
			st = QX_NOMEM;
	}
	token_list_free(&list);
	return st;
}

/* The end of a quoted run starting at q[i] (a '"'): past its closing
 * quote, or the end of the query. */
static size_t after_quote(const char *q, size_t i)
{
	const char *close = strchr(q + i + 1, '"');
	return close ? (size_t)(close - q) + 1 : strlen(q);
}

/* One chunk of the query at q[i] (up to white space; a field's quoted
 * value runs to its closing quote): its words checked unless it is
 * syntax. Sets *next past it. */
static qx_status check_chunk(scan *s, const not_found_params *p, const char *q, size_t i,
                             size_t *next)
{
	size_t n = 0;
	while (q[i + n] && !is_space(q[i + n]))
		n++;
	*next = i + n;
	if (q[i] == '"') {
		*next = after_quote(q, i);
		return check_words(s, q + i, *next - i);
	}
	if (is_field(p, q + i, n)) {
		const char *colon = memchr(q + i, ':', n);
		if (colon[1] == '"')
			*next = after_quote(q, (size_t)(colon + 1 - q));
		return QX_OK;
	}
	if (q[i] == '-' || synonyms_is_operator(q + i, n, false) || memchr(q + i, '*', n))
		return QX_OK;
	return check_words(s, q + i, n);
}

qx_status not_found_words(qx_db *db, const not_found_params *p, json_t **out)
{
	scan s = {db,
	          {NULL, p->stemmed, p->syn, p->stopwords, p->stopword_count},
	          json_array(),
	          json_object()};
	qx_status st = s.words && s.seen ? QX_OK : QX_NOMEM;
	const char *q = p->query ? p->query : "";
	for (size_t i = 0; st == QX_OK && q[i];) {
		if (is_space(q[i]))
			i++;
		else
			st = check_chunk(&s, p, q, i, &i);
	}
	json_decref(s.seen);
	if (st != QX_OK) {
		json_decref(s.words);
		s.words = NULL;
	}
	*out = s.words;
	return st;
}
