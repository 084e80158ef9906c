#include "speaker_prefix.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest name read as a speaker: "CHAIR (Helena Voss-Lindqvist)" fits. */
#define NAME_MAX_BYTES 48
#define NAME_MAX_WORDS 4

/* Words that start a label, not a name: a prefix whose first word is one
 * of these is text ("Note: the build is green", "Step 2: install"). The
 * list is the labels seen in talk and meeting subtitles. */
static const char *const label_words[] = {
    "action", "agenda",    "attendees", "answer",   "bonus",   "caution",  "chapter", "conclusion",
    "day",    "decision",  "edit",      "error",    "example", "exercise", "figure",  "fyi",
    "hint",   "important", "info",      "item",     "lesson",  "note",     "notes",   "part",
    "ps",     "question",  "re",        "reminder", "result",  "rule",     "section", "slide",
    "source", "step",      "subject",   "summary",  "table",   "tip",      "title",   "todo",
    "topic",  "update",    "warning",   "week",
};

static bool is_label(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof label_words / sizeof label_words[0]; i++)
		if (strlen(label_words[i]) == len && strncasecmp(word, label_words[i], len) == 0)
			return true;
	return false;
}

/* A word of a name starts with an ASCII capital, a digit ("SPEAKER 1"),
 * '(' ("(Helena") or a non-ASCII letter ("Émile": its lead byte). */
static bool starts_name_word(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '(' || c >= 0xC0;
}

static bool in_name(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c >= 0x80 || strchr(".-'()", c) != NULL;
}

bool speaker_name_valid(const char *name, size_t len)
{
	size_t p = 0, first_end = 0;
	unsigned words = 0;
	/* A name starts with a letter: "2: the second point" is a list. */
	if (len == 0 || len > NAME_MAX_BYTES || (name[0] >= '0' && name[0] <= '9'))
		return false;
	while (p < len) {
		if (!starts_name_word((unsigned char)name[p]) || ++words > NAME_MAX_WORDS)
			return false;
		while (p < len && in_name((unsigned char)name[p]))
			p++;
		if (!first_end)
			first_end = p;
		/* Words are separated by one space. */
		if (p < len && (name[p] != ' ' || p + 1 == len || name[p + 1] == ' '))
			return false;
		if (p < len)
			p++;
	}
	return !is_label(name, first_end);
}

/* The name at text: its length up to the ':', or 0 when text does not
 * start with "Name: ". */
static size_t name_len_at(const char *text)
{
	const char *colon = text;
	while (*colon && *colon != ':' && *colon != '\n' && colon - text <= NAME_MAX_BYTES)
		colon++;
	if (*colon != ':' || (colon[1] != ' ' && colon[1] != '\t' && colon[1] != '\n' && colon[1]))
		return 0;
	size_t n = (size_t)(colon - text);
	return speaker_name_valid(text, n) ? n : 0;
}

bool speaker_prefix_find(const char *text, size_t *name_at, size_t *name_len, size_t *text_at)
{
	size_t at = 0;
	if (text[0] == '>' && text[1] == '>') {
		at = 2;
		while (text[at] == ' ')
			at++;
	}
	size_t n = name_len_at(text + at);
	if (n == 0)
		return false;
	*name_at = at;
	*name_len = n;
	size_t after = at + n + 1;
	while (text[after] == ' ' || text[after] == '\t' || text[after] == '\n')
		after++;
	*text_at = after;
	return true;
}

/* Give cue c the voice [name_at, + name_len) of its plain text, which
 * then starts at text_at. */
static bool take_prefix(cue *c, size_t name_at, size_t name_len, size_t text_at)
{
	char *voice = strndup(c->plain + name_at, name_len);
	char *plain = strdup(c->plain + text_at);
	if (!voice || !plain) {
		free(voice);
		free(plain);
		return false;
	}
	for (size_t i = 0; i < c->word_count; i++)
		c->words[i].offset =
		    c->words[i].offset > text_at ? c->words[i].offset - text_at : 0;
	free(c->plain);
	c->plain = plain;
	c->voice = voice;
	return true;
}

bool speaker_prefix_apply_cue(cue *c)
{
	size_t name_at, name_len, text_at;
	if (c->voice || !c->plain || !speaker_prefix_find(c->plain, &name_at, &name_len, &text_at))
		return true;
	return take_prefix(c, name_at, name_len, text_at);
}

bool speaker_prefix_apply(cue_list *cues)
{
	for (size_t k = 0; k < cues->count; k++)
		if (!speaker_prefix_apply_cue(&cues->items[k]))
			return false;
	return true;
}
