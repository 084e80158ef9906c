#include "spoken.h"

#include <stdlib.h>
#include <string.h>

#include "tokenize.h"

/* How much of an identifier a form says (spoken.h lists the four). */
typedef enum form_kind {
	FORM_SAID,
	FORM_NAMES_SILENT,
	FORM_NAMES_WRITTEN,
	FORM_SILENT,
} form_kind;

/* The spoken name of a separator character, or NULL. */
static const char *separator_name(char c)
{
	switch (c) {
	case '.':
		return "dot";
	case '-':
		return "dash";
	case '/':
		return "slash";
	case ':':
		return "colon";
	case '\\':
		return "backslash";
	case '@':
		return "at";
	default:
		return NULL;
	}
}

static bool say(strbuf *sb, const char *word, size_t len)
{
	return (sb->len == 0 || sb_append_char(sb, ' ')) && sb_append(sb, word, len);
}

static bool say_str(strbuf *sb, const char *word)
{
	return say(sb, word, strlen(word));
}

static bool say_times(strbuf *sb, const char *word, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!say_str(sb, word))
			return false;
	return true;
}

/* The pieces of a name between its inner runs of '_': silent, or each '_'
 * said. */
static bool say_inner(strbuf *sb, const char *w, size_t n, bool said)
{
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		while (i < n && w[i] != '_')
			i++;
		if (i > start && !say(sb, w + start, i - start))
			return false;
		size_t run = 0;
		while (i < n && w[i] == '_')
			i++, run++;
		if (said && !say_times(sb, "underscore", run))
			return false;
	}
	return true;
}

/* One word of the identifier (it may hold '_': "_dynamo", "__init__",
 * "cache_size_limit") as a form of kind k says it. */
static bool say_word(strbuf *sb, const char *w, size_t n, form_kind k)
{
	size_t lead = 0, trail = 0;
	while (lead < n && w[lead] == '_')
		lead++;
	if (lead == n)
		return k == FORM_SILENT || say_times(sb, "underscore", n);
	while (w[n - 1 - trail] == '_')
		trail++;
	bool dunder = lead == 2 && trail == 2;
	bool ok = true;
	if (k != FORM_SILENT) {
		if (dunder)
			ok = say_str(sb, k == FORM_SAID ? "double underscore" : "dunder");
		else if (lead == 2)
			ok = say_str(sb, "double underscore");
		else
			ok = say_times(sb, "underscore", lead);
	}
	const char *core = w + lead;
	size_t core_len = n - lead - trail;
	if (ok)
		ok = k == FORM_NAMES_WRITTEN ? say(sb, core, core_len)
		                             : say_inner(sb, core, core_len, k == FORM_SAID);
	if (ok && k != FORM_SILENT && !dunder)
		ok = say_times(sb, "underscore", trail);
	return ok;
}

/* The separator run sep[0..n) between two words: each character said in
 * FORM_SAID, all but '-' in the forms that name the path, none when
 * silent. */
static bool say_separator(strbuf *sb, const char *sep, size_t n, form_kind k)
{
	for (size_t i = 0; i < n && k != FORM_SILENT; i++) {
		const char *name = separator_name(sep[i]);
		if (name && (k == FORM_SAID || sep[i] != '-') && !say_str(sb, name))
			return false;
	}
	return true;
}

static size_t word_count(const char *s)
{
	size_t n = *s != '\0';
	for (; *s; s++)
		n += *s == ' ';
	return n;
}

/* Keep form (taking it) unless it is one word, the written phrase, or a
 * form already kept. */
static bool keep(spoken_forms *out, strbuf *form, const char *written)
{
	if (word_count(form->data ? form->data : "") < 2 || strcmp(form->data, written) == 0)
		return true;
	for (size_t i = 0; i < out->count; i++)
		if (strcmp(out->form[i], form->data) == 0)
			return true;
	char *taken = sb_take(form);
	if (!taken)
		return false;
	out->form[out->count++] = taken;
	return true;
}

bool spoken_forms_of(const char *ident, spoken_forms *out)
{
	token_list tokens = TOKEN_LIST_INIT;
	strbuf form = STRBUF_INIT, written = STRBUF_INIT;
	size_t len = strlen(ident);
	bool ok = false;
	*out = (spoken_forms){{NULL}, 0};
	if (!tokenize_text(ident, len, 0, &tokens, NULL))
		goto out;
	for (size_t i = 0; i < tokens.count; i++)
		if (tokens.items[i].flags == TOKEN_WORD &&
		    !say(&written, ident + tokens.items[i].start,
		         tokens.items[i].end - tokens.items[i].start))
			goto out;
	for (form_kind k = FORM_SAID; k <= FORM_SILENT; k++) {
		size_t prev_end = 0;
		bool first = true;
		sb_clear(&form);
		for (size_t i = 0; i < tokens.count; i++) {
			const token *t = &tokens.items[i];
			if (t->flags != TOKEN_WORD)
				continue;
			if ((!first &&
			     !say_separator(&form, ident + prev_end, t->start - prev_end, k)) ||
			    !say_word(&form, ident + t->start, t->end - t->start, k))
				goto out;
			prev_end = t->end;
			first = false;
		}
		if (!keep(out, &form, written.data ? written.data : ""))
			goto out;
	}
	ok = true;
out:
	token_list_free(&tokens);
	sb_free(&form);
	sb_free(&written);
	return ok;
}

void spoken_forms_free(spoken_forms *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->count; i++)
		free(f->form[i]);
	*f = (spoken_forms){{NULL}, 0};
}

/* ---- Reading spoken words back ------------------------------------------ */

typedef enum marker {
	MARK_NONE,
	MARK_DOT,
	MARK_DASH,
	MARK_SLASH,
	MARK_UNDERSCORE,
	MARK_DUNDER,
} marker;

static marker marker_of(const char *w)
{
	static const struct {
		const char *word;
		marker m;
	} marks[] = {{"dot", MARK_DOT},
	             {"dash", MARK_DASH},
	             {"slash", MARK_SLASH},
	             {"underscore", MARK_UNDERSCORE},
	             {"dunder", MARK_DUNDER}};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (strcmp(w, marks[i].word) == 0)
			return marks[i].m;
	return MARK_NONE;
}

bool spoken_is_marker(const char *word)
{
	return marker_of(word) != MARK_NONE;
}

/* One name at words[*i]: "x", "underscore x" (_x), "dunder x" or "double
 * underscore x" (__x__). Appends it and moves *i past it; false (nothing
 * appended) when there is none. *marked says a spoken word was read. */
static bool read_name(const char *const *words, size_t count, size_t *i, strbuf *sb, bool *marked,
                      bool *nomem)
{
	size_t at = *i, skip = 0;
	const char *before = "", *after = "";
	if (at < count && marker_of(words[at]) == MARK_UNDERSCORE)
		skip = 1, before = "_";
	else if (at < count && marker_of(words[at]) == MARK_DUNDER)
		skip = 1, before = "__", after = "__";
	else if (at + 1 < count && strcmp(words[at], "double") == 0 &&
	         marker_of(words[at + 1]) == MARK_UNDERSCORE)
		skip = 2, before = "__", after = "__";
	if (at + skip >= count || marker_of(words[at + skip]) != MARK_NONE)
		return false;
	if (!sb_append_str(sb, before) || !sb_append_str(sb, words[at + skip]) ||
	    !sb_append_str(sb, after)) {
		*nomem = true;
		return false;
	}
	*marked = *marked || skip > 0;
	*i = at + skip + 1;
	return true;
}

bool spoken_read(const char *const *words, size_t count, size_t *used, strbuf *ident)
{
	static const char joiner[] = {
	    [MARK_DOT] = '.', [MARK_DASH] = '-', [MARK_SLASH] = '/', [MARK_UNDERSCORE] = '_'};
	strbuf sb = STRBUF_INIT;
	bool marked = false, nomem = false;
	size_t i = 0;
	*used = 0;
	if (!read_name(words, count, &i, &sb, &marked, &nomem))
		goto out;
	while (i + 1 < count) {
		marker m = marker_of(words[i]);
		if (m == MARK_NONE || m == MARK_DUNDER)
			break;
		size_t j = i + 1, keep_len = sb.len;
		if (!sb_append_char(&sb, joiner[m])) {
			nomem = true;
			goto out;
		}
		if (!read_name(words, count, &j, &sb, &marked, &nomem)) {
			sb.len = keep_len;
			sb.data[keep_len] = '\0';
			break;
		}
		marked = true;
		i = j;
	}
	if (marked && !nomem) {
		if (!sb_append(ident, sb.data, sb.len))
			nomem = true;
		else
			*used = i;
	}
out:
	sb_free(&sb);
	return !nomem;
}
