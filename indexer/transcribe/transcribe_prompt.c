#include "transcribe_prompt.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "synonyms.h"
#include "vocabulary.h"

static const char lead[] = "Glossary: ";

/* Whether the prompt already names term (", term," or at either end). */
static bool has_term(const strbuf *sb, const char *term)
{
	size_t n = strlen(term);
	const char *p = sb->data ? sb->data + strlen(lead) : NULL;
	while (p && (p = strstr(p, term))) {
		bool starts = p == sb->data + strlen(lead) || (p[-1] == ' ' && p[-2] == ',');
		bool ends = p[n] == '\0' || p[n] == ',';
		if (starts && ends)
			return true;
		p++;
	}
	return false;
}

/* term onto sb unless it is there already; *full once it does not fit.
 * False when out of memory. */
static bool add_term(strbuf *sb, const char *term, bool *full)
{
	if (*full || has_term(sb, term))
		return true;
	bool first = sb->len == strlen(lead);
	/* Room for ", term" and the final '.'. */
	if (sb->len + strlen(term) + (first ? 0 : 2) + 1 > TRANSCRIBE_PROMPT_MAX) {
		*full = true;
		return true;
	}
	return (first || sb_append_str(sb, ", ")) && sb_append_str(sb, term);
}

/* Each group's written form onto sb while it fits; false when out of memory. */
static bool add_groups(strbuf *sb, const synonyms *s, bool *full)
{
	for (size_t g = 0; s && g < synonyms_group_count(s); g++) {
		const char *term = NULL;
		for (size_t m = 0; !term && m < synonyms_member_count(s, g); m++) {
			const char *w = synonyms_member(s, g, m);
			if (w && *w && !strchr(w, ' '))
				term = w;
		}
		if (term && !add_term(sb, term, full))
			return false;
	}
	return true;
}

/* Each '\n'-separated identifier onto sb while it fits (a ',' would read
 * as a separator: such a one is left out); false when out of memory. */
static bool add_identifiers(strbuf *sb, const char *list, bool *full)
{
	while (list && *list) {
		size_t n = strcspn(list, "\n");
		char term[128];
		if (n > 0 && n < sizeof term && !memchr(list, ',', n)) {
			memcpy(term, list, n);
			term[n] = '\0';
			if (!add_term(sb, term, full))
				return false;
		}
		list += n + (list[n] == '\n');
	}
	return true;
}

char *transcribe_prompt_make(const char *archive_text, size_t len, const char *identifiers)
{
	bool full = false;
	synonyms *site = NULL, *builtin = NULL;
	strbuf sb = STRBUF_INIT;
	char *out = NULL;
	const char *b = vocabulary_builtin_text();
	if (archive_text && len &&
	    synonyms_parse(archive_text, len, &site, NULL, NULL, 0) == SYNONYMS_NOMEM)
		goto out;
	if (synonyms_parse(b, strlen(b), &builtin, NULL, NULL, 0) == SYNONYMS_NOMEM)
		goto out;
	if (!sb_append_str(&sb, lead) || !add_groups(&sb, site, &full) ||
	    !add_identifiers(&sb, identifiers, &full) || !add_groups(&sb, builtin, &full))
		goto out;
	if (sb.len == strlen(lead)) {
		out = strdup("");
		goto out;
	}
	if (sb_append_char(&sb, '.'))
		out = sb_take(&sb);
out:
	sb_free(&sb);
	synonyms_free(site);
	synonyms_free(builtin);
	return out;
}
