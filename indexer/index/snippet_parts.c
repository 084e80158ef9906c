/* snippet_parts: the words of a snippet that matched by a piece, marked
 * (snippet_parts.h). */
#include "snippet_parts.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "tokenize.h"

#define MARK_OPEN  "<mark>"
#define MARK_CLOSE "</mark>"

/* A run of snippet text outside the marks, unescaped: text[i] came from
 * html[from[i]] (an entity's one character from its '&'). */
typedef struct plain_run {
	strbuf text;
	size_t *from;
	size_t cap;
} plain_run;

/* The entity at html[i] ('&'): its character and length; Xapian escapes
 * only these three. */
static size_t entity_at(const char *html, char *ch)
{
	static const struct {
		const char *name;
		char ch;
	} entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}};
	for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++) {
		size_t n = strlen(entities[k].name);
		if (strncmp(html, entities[k].name, n) == 0) {
			*ch = entities[k].ch;
			return n;
		}
	}
	*ch = '&';
	return 1;
}

/* html[start..end) unescaped into run, with where each byte came from. */
static bool unescape_run(const char *html, size_t start, size_t end, plain_run *run)
{
	sb_clear(&run->text);
	size_t need = end - start + 1;
	if (need > run->cap) {
		size_t *grown = realloc(run->from, need * sizeof *grown);
		if (!grown)
			return false;
		run->from = grown;
		run->cap = need;
	}
	for (size_t i = start; i < end;) {
		char ch = html[i];
		size_t n = ch == '&' ? entity_at(html + i, &ch) : 1;
		run->from[run->text.len] = i;
		if (!sb_append(&run->text, &ch, 1))
			return false;
		i += n;
	}
	run->from[run->text.len] = end;
	return true;
}

/* Does tokens[w] (a word) have pieces (the tokens after it at its
 * position), one of which the query searches on its own, while the word
 * itself it does not (Xapian marked that already)? Most words have no
 * pieces: they are passed over without asking the query. */
static bool piece_matches(qx_mset *ms, const token_list *tokens, size_t w)
{
	bool found = false;
	for (size_t k = w + 1;
	     !found && k < tokens->count && tokens->items[k].pos == tokens->items[w].pos; k++)
		found = (tokens->items[k].flags & TOKEN_SUBPART) &&
		        qx_mset_is_loose_word(ms, tokens->items[k].term);
	return found && !qx_mset_is_loose_word(ms, tokens->items[w].term);
}

/* html[start..end), text outside the marks, onto out with the words that
 * matched by a piece marked. */
static bool mark_run(qx_mset *ms, const char *html, size_t start, size_t end, plain_run *run,
                     strbuf *out)
{
	token_list tokens = TOKEN_LIST_INIT;
	if (!unescape_run(html, start, end, run) ||
	    !tokenize_text(run->text.data ? run->text.data : "", run->text.len, 0, &tokens, NULL))
		return false;
	size_t copied = start;
	bool ok = true;
	for (size_t w = 0; ok && w < tokens.count; w++) {
		const token *t = &tokens.items[w];
		if (!(t->flags & TOKEN_WORD) || !piece_matches(ms, &tokens, w))
			continue;
		size_t from = run->from[t->start], to = run->from[t->end];
		ok = sb_append(out, html + copied, from - copied) &&
		     sb_append_str(out, MARK_OPEN) && sb_append(out, html + from, to - from) &&
		     sb_append_str(out, MARK_CLOSE);
		copied = to;
	}
	token_list_free(&tokens);
	return ok && sb_append(out, html + copied, end - copied);
}

bool snippet_mark_parts(qx_mset *ms, const char *html, char **out)
{
	strbuf result = STRBUF_INIT;
	plain_run run = {STRBUF_INIT, NULL, 0};
	size_t at = 0, len = strlen(html);
	bool ok = true;
	while (ok && at < len) {
		/* Text up to the next mark, then the mark as it is. */
		const char *open = strstr(html + at, MARK_OPEN);
		size_t text_end = open ? (size_t)(open - html) : len;
		ok = mark_run(ms, html, at, text_end, &run, &result);
		if (!ok || !open)
			break;
		const char *close = strstr(open, MARK_CLOSE);
		size_t mark_end = close ? (size_t)(close - html) + strlen(MARK_CLOSE) : len;
		ok = sb_append(&result, open, mark_end - text_end);
		at = mark_end;
	}
	sb_free(&run.text);
	free(run.from);
	*out = ok ? sb_take(&result) : NULL;
	if (!ok)
		sb_free(&result);
	return ok && *out;
}
