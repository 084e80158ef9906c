/* turns: who says each cue (voices, "Name:" prefixes, carried on), and
 * where a question's answer starts. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "turns.h"

#define CUE(s, v, t)                                                                               \
	{                                                                                          \
		.start = (s), .end = (s) + 4, .plain = (char *)(t), .voice = (char *)(v)           \
	}

static bool said_by(const turns_speaker *who, const char *name)
{
	if (!name)
		return who->name == NULL;
	return who->name && who->len == strlen(name) && memcmp(who->name, name, who->len) == 0;
}

static void test_speakers(void)
{
	cue items[] = {
	    CUE(0, NULL, "Welcome, everyone."),                         /* no one yet */
	    CUE(5, NULL, "CHAIR (Helena Voss): Let's start."),          /* a prefix */
	    CUE(10, NULL, "The minutes are approved."),                 /* carried on */
	    CUE(15, NULL, "Marcus Lindqvist: Bandwidth is the issue."), /* another prefix */
	    CUE(20, "Ann Host", "Thanks, Marcus."),                     /* a voice */
	    CUE(25, "", "note: lower case is no prefix"),               /* carried on */
	};
	cue_list cues = {items, sizeof items / sizeof items[0], sizeof items / sizeof items[0]};
	turns_speaker *who = NULL;
	CHECK(turns_speakers(&cues, &who));
	CHECK(who != NULL);
	if (!who)
		return;
	CHECK(said_by(&who[0], NULL));
	CHECK(said_by(&who[1], "CHAIR (Helena Voss)"));
	CHECK(said_by(&who[2], "CHAIR (Helena Voss)"));
	CHECK(said_by(&who[3], "Marcus Lindqvist"));
	CHECK(said_by(&who[4], "Ann Host"));
	CHECK(said_by(&who[5], "Ann Host"));
	free(who);

	cue_list none = {NULL, 0, 0};
	who = (turns_speaker *)1;
	CHECK(turns_speakers(&none, &who) && who == NULL);
}

static void test_answers(void)
{
	/* Ann asks; Bo answers at 10: the question's cues play from there. */
	cue items[] = {
	    CUE(0, "Ann", "Here's a question from the chat."),
	    CUE(5, "Ann", "Does it work on Windows?"),
	    CUE(10, "Bo", "Yes, since 2.6."),
	    CUE(15, "Bo", "Any other questions?"),
	};
	cue_list cues = {items, 4, 4};
	double *answer = NULL;
	CHECK(turns_answer_starts(&cues, &answer));
	CHECK(answer != NULL);
	if (!answer)
		return;
	CHECK_NUM(answer[0], 10);
	CHECK_NUM(answer[1], 10);
	CHECK_NUM(answer[2], -1);
	/* The last turn has no answer after it. */
	CHECK_NUM(answer[3], -1);
	free(answer);
}

int main(void)
{
	RUN(test_speakers);
	RUN(test_answers);
	return harness_finish();
}
