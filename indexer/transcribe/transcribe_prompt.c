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

/* Each group's written form onto sb while it fits; false when out of memory. */
static bool add_groups(strbuf *sb, const synonyms *s)
{
	for (size_t g = 0; s && g < synonyms_group_count(s); g++) {
		const char *term = NULL;
		for (size_t m = 0; !term && m < synonyms_member_count(s, g); m++) {
			const char *w = synonyms_member(s, g, m);
			if (w && *w && !strchr(w, ' '))
				term = w;
		}
		if (!term || has_term(sb, term))
			continue;
		bool first = sb->len == strlen(lead);
		/* Room for ", term" and the final '.'. */
		if (sb->len + strlen(term) + (first ? 0 : 2) + 1 > TRANSCRIBE_PROMPT_MAX)
			return true;
		if ((!first && !sb_append_str(sb, ", ")) || !sb_append_str(sb, term))
			return false;
	}
	return true;
}

char *transcribe_prompt_make(const char *archive_text, size_t len)
{
	synonyms *site = NULL, *builtin = NULL;
	strbuf sb = STRBUF_INIT;
	char *out = NULL;
	const char *b = vocabulary_builtin_text();
	if (archive_text && len &&
	    synonyms_parse(archive_text, len, &site, NULL, NULL, 0) == SYNONYMS_NOMEM)
		goto out;
	if (synonyms_parse(b, strlen(b), &builtin, NULL, NULL, 0) == SYNONYMS_NOMEM)
		goto out;
	if (!sb_append_str(&sb, lead) || !add_groups(&sb, site) || !add_groups(&sb, builtin))
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
