/* speaker_prefix: "Name: text" read as who speaks, and the texts that only
 * look like it (labels, times, lists, sentences with a colon). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "speaker_prefix.h"

/* The name s starts with ("" when none), and where its words start. */
static char *name_of(const char *s, size_t *text_at)
{
	size_t at, len, after = 0;
	char *out = speaker_prefix_find(s, &at, &len, &after) ? strndup(s + at, len) : strdup("");
	if (text_at)
		*text_at = after;
	return out;
}

#define CHECK_NAME(s, want)                                                                        \
	do {                                                                                       \
		char *n_ = name_of(s, NULL);                                                       \
		CHECK_STR(n_, want);                                                               \
		free(n_);                                                                          \
	} while (0)

static void test_names(void)
{
	size_t at;
	const char *line = "Priya Raman: Okay, let's start.";
	char *n = name_of(line, &at);
	CHECK_STR(n, "Priya Raman");
	CHECK_STR(&line[at], "Okay, let's start.");
	free(n);
	CHECK_NAME("SPEAKER 1: Thanks for having me.", "SPEAKER 1");
	CHECK_NAME("Speaker 12: yes", "Speaker 12");
	CHECK_NAME("Tomás Ferreira: We are at eighty percent.", "Tomás Ferreira");
	CHECK_NAME("Émile Zola: bonjour", "Émile Zola");
	CHECK_NAME("Dr. Smith: come in", "Dr. Smith");
	CHECK_NAME("CHAIR (Helena Voss): Let's start.", "CHAIR (Helena Voss)");
	CHECK_NAME("Mary-Kate O'Neil: hi", "Mary-Kate O'Neil");
	CHECK_NAME("ANNA: Welcome", "ANNA");
	CHECK_NAME("Q: how big can it get?", "Q");
	/* Broadcast captions and SBV mark a change of speaker with ">>". */
	line = ">> RAJ: How large can a shard get?";
	n = name_of(line, &at);
	CHECK_STR(n, "RAJ");
	CHECK_STR(&line[at], "How large can a shard get?");
	free(n);
	/* The name alone on its line, the words on the next. */
	line = "Jane Doe:\nHello there";
	n = name_of(line, &at);
	CHECK_STR(n, "Jane Doe");
	CHECK_STR(&line[at], "Hello there");
	free(n);
	CHECK_NAME("Jane Doe:", "Jane Doe");
}

static void test_not_names(void)
{
	/* Labels: the first word names what follows, not who says it. */
	CHECK_NAME("Note: the planner is off by default.", "");
	CHECK_NAME("NOTE: read this", "");
	CHECK_NAME("Warning: this deletes the cache.", "");
	CHECK_NAME("Step 2: install the wheel", "");
	CHECK_NAME("Question: how big can it get?", "");
	CHECK_NAME("Update: it shipped", "");
	CHECK_NAME("Attendees: Priya, Tomás", "");
	/* Times and lists. */
	CHECK_NAME("12:30 is when we meet", "");
	CHECK_NAME("At 12:30 we measured a third less.", "");
	CHECK_NAME("Meet at 12:30: bring laptops", "");
	CHECK_NAME("2: the second point", "");
	CHECK_NAME("1:02:03 later", "");
	/* Sentences: lower-case words, too many words, no space after. */
	CHECK_NAME("note: lower case is no prefix", "");
	CHECK_NAME("This is what I mean: a cache", "");
	CHECK_NAME("The Big Long Project Name Here: done", "");
	CHECK_NAME("Https://pytorch.org: the site", "");
	CHECK_NAME("Ratio:3 to 1", "");
	CHECK_NAME("Jane  Doe: two spaces", "");
	CHECK_NAME("Jane Doe : space before", "");
	CHECK_NAME(": nothing", "");
	CHECK_NAME("", "");
	CHECK_NAME(">>", "");
	CHECK_NAME(">> so what do you think", "");
	/* Longer than a name. */
	CHECK_NAME("Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz: x", "");
}

static cue make(const char *plain)
{
	cue c = {0};
	c.id = strdup("");
	c.text = strdup(plain);
	c.plain = strdup(plain);
	return c;
}

static void test_apply(void)
{
	cue_list l = {NULL, 0, 0};
	cue a = make("Priya Raman: First item."), b = make("Note: not a name."),
	    c = make("Tomás Ferreira: Ok.");
	c.voice = strdup("Someone Else"); /* a <v> voice wins */
	a.words = malloc(sizeof *a.words);
	a.words[0] = (cue_word){19, 1.5}; /* "item." in the full text */
	a.word_count = 1;
	CHECK(cue_list_push(&l, &a) && cue_list_push(&l, &b) && cue_list_push(&l, &c));
	CHECK(speaker_prefix_apply(&l));
	CHECK_STR(l.items[0].voice, "Priya Raman");
	CHECK_STR(l.items[0].plain, "First item.");
	CHECK_STR(l.items[0].text, "Priya Raman: First item."); /* as written */
	CHECK_NUM((double)l.items[0].words[0].offset, 6);       /* moved with the text */
	CHECK(l.items[1].voice == NULL);
	CHECK_STR(l.items[1].plain, "Note: not a name.");
	CHECK_STR(l.items[2].voice, "Someone Else");
	CHECK_STR(l.items[2].plain, "Tomás Ferreira: Ok.");
	cue_list_free(&l);
}

int main(void)
{
	RUN(test_names);
	RUN(test_not_names);
	RUN(test_apply);
	return harness_finish();
}
