/* qa_units: questions and answers from who speaks when, and from qa.md. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "agenda_units.h"
#include "harness.h"
#include "qa_md.h"
#include "qa_units.h"

#define CUE(s, v, t)                                                                               \
	{                                                                                          \
		.start = (s), .end = (s) + 4, .plain = (char *)(t), .voice = (char *)(v)           \
	}

/* A host (Ann: the most turns), two panelists. */
static cue panel[] = {
    CUE(0, "Ann", "Welcome to the Q and A."),
    CUE(5, "Ann", "Bo, do you want to go first?"),
    CUE(10, "Bo", "Sure. Hi, I'm Bo Lind."), /* an introduction */
    CUE(15, "Cy", "And I'm Cy Park."),
    CUE(20, "Ann", "Great, thanks for joining."), /* 4: reaction ... */
    CUE(25, "Ann", "Let's start with packaging."),
    CUE(30, "Ann", "The notes mention a new index."),
    CUE(35, "Ann", "Bo, what changed there?"), /* 7: asks */
    CUE(40, "Bo", "The index moved."),         /* 8: answer */
    CUE(45, "Bo", "So update your pip config."),
    CUE(50, "Ann", "Which is the painful part."), /* a remark: Bo goes on */
    CUE(55, "Bo", "Yes, it is."),
    CUE(60, "Ann", "Here's one from the chat."), /* 12: announces */
    CUE(65, "Ann", "Does it work on Windows?"),
    CUE(70, "Cy", "Not yet."),                                               /* 14 */
    CUE(75, "Ann", "Let's talk about Intel GPUs, which got a lot of work."), /* 15: a topic */
    CUE(80, "Cy", "Installation got simpler."),
    CUE(85, "Cy", "Does that help? I think so."),   /* a panelist's own '?' */
    CUE(90, "Bo", "It does."),                      /* 18: answered by Bo */
    CUE(95, "Ann", "That's time. Thank you both."), /* a goodbye */
    CUE(100, "Bo", "Bye all."),
};

static void test_detect(void)
{
	cue_list cues = {panel, sizeof panel / sizeof panel[0], sizeof panel / sizeof panel[0]};
	qa_units u = QA_UNITS_INIT;
	CHECK(qa_units_detect(&cues, &u) == QA_UNITS_OK);
	CHECK(u.count == 4);
	if (u.count == 4) {
		/* At most two cues before the question mark: not the reaction. */
		CHECK_NUM(u.items[0].question_t, 25);
		CHECK_STR(u.items[0].question,
		          "Let's start with packaging. The notes mention a new index. Bo, what "
		          "changed there?");
		CHECK_STR(u.items[0].question_speaker, "Ann");
		CHECK_STR(u.items[0].answer_speaker, "Bo");
		CHECK_NUM(u.items[0].answer_t, 40);
		/* The answer runs over the remark to the next question. */
		CHECK(u.items[0].answer_last == 11);
		CHECK_NUM(u.items[0].answer_end, 59);
		CHECK_NUM(u.items[1].question_t, 60); /* from its announcement */
		CHECK_NUM(u.items[1].answer_t, 70);
		CHECK_STR(u.items[1].answer_speaker, "Cy");
		CHECK_NUM(u.items[2].question_t, 75);
		CHECK_NUM(u.items[2].answer_t, 80);
		/* A panelist's turn that asks: up to two cues before its '?'. */
		CHECK_NUM(u.items[3].question_t, 80);
		CHECK_NUM(u.items[3].answer_t, 90);
		CHECK_STR(u.items[3].question_speaker, "Cy");
		CHECK_STR(u.items[3].answer_speaker, "Bo");
		/* The last answer ends before the host speaks again. */
		CHECK(u.items[3].answer_last == 18);
	}
	qa_units_free(&u);
	CHECK(u.count == 0 && u.items == NULL);
}

static void test_detect_without_speakers(void)
{
	cue items[] = {CUE(0, NULL, "Does it work?"), CUE(5, NULL, "Yes.")};
	cue_list cues = {items, 2, 2};
	qa_units u = QA_UNITS_INIT;
	CHECK(qa_units_detect(&cues, &u) == QA_UNITS_OK && u.count == 0);
	cue_list none = {NULL, 0, 0};
	CHECK(qa_units_detect(&none, &u) == QA_UNITS_OK && u.count == 0);
	qa_units_free(&u);
	qa_units_free(NULL);
}

static void test_from_md(void)
{
	cue_list cues = {panel, sizeof panel / sizeof panel[0], sizeof panel / sizeof panel[0]};
	const char *text = "- 0:25 Q: What changed in packaging? / A: the index moved\n"
	                   "- 1:00 Q (A. Host): Windows? / A (Cy Park): Not yet\n"
	                   "- 1:15 Q: Intel GPUs? / A: words nobody said\n";
	qa_md md = QA_MD_INIT;
	qa_units u = QA_UNITS_INIT;
	char err[200] = "";
	CHECK(qa_md_parse(text, strlen(text), &md) == QA_MD_OK && md.count == 3);
	CHECK(qa_units_from_md(&cues, &md, &u, err, sizeof err) == QA_UNITS_OK);
	CHECK(u.count == 3);
	if (u.count == 3) {
		CHECK_NUM(u.items[0].question_t, 25);
		CHECK_STR(u.items[0].question, "What changed in packaging?");
		CHECK_NUM(u.items[0].answer_t, 40); /* found by its words, any case */
		CHECK_STR(u.items[0].answer_speaker, "Bo");
		CHECK(u.items[0].answer_last == 11);
		CHECK_STR(u.items[1].question_speaker, "A. Host"); /* qa.md's names win */
		CHECK_STR(u.items[1].answer_speaker, "Cy Park");
		CHECK_NUM(u.items[1].answer_t, 70);
		/* Words not found: the next speaker's first cue. */
		CHECK_NUM(u.items[2].answer_t, 80);
	}
	qa_units_free(&u);
	qa_md_free(&md);

	text = "- 0:25 Q: a? / A: b\n- 9:00 Q: past the end? / A: c\n";
	CHECK(qa_md_parse(text, strlen(text), &md) == QA_MD_OK);
	CHECK(qa_units_from_md(&cues, &md, &u, err, sizeof err) == QA_UNITS_INVALID);
	CHECK(strncmp(err, "line 2: ", 8) == 0);
	CHECK(u.count == 0 && u.items == NULL);
	qa_md_free(&md);
}

/* A meeting's agenda items as units (agenda_units.h): each item's title is
 * the question, its cues up to the next item the answer; an item with no
 * cue is none; notes between items end nothing. */
static void test_agenda_units(void)
{
	cue items[] = {
	    CUE(0, "Chair", "Welcome, everyone."),
	    CUE(8, "Chair", "First, the minutes."),
	    CUE(30, "Chair", "On to CI."),
	    CUE(31, "Dee", "The runners moved."),
	    CUE(50, "Chair", "Hearing none, that's approved."),
	};
	cue_list cues = {items, 5, 5};
	const char *md = "# Agenda\n\n- 0:00 Welcome and minutes\nA note.\n- 0:30 Multi-cloud "
	                 "CI\n- 9:00 Past the end\n";
	agenda a = AGENDA_INIT;
	CHECK(agenda_parse(md, strlen(md), &a) == AGENDA_OK);
	qa_units u = QA_UNITS_INIT;
	CHECK(agenda_units_build(&cues, &a, &u) == QA_UNITS_OK);
	CHECK(u.count == 2);
	if (u.count == 2) {
		CHECK(u.items[0].kind == QA_UNIT_AGENDA);
		CHECK(u.items[0].written);
		CHECK_STR(u.items[0].question, "Welcome and minutes");
		CHECK_NUM(u.items[0].question_t, 0);
		CHECK(u.items[0].answer_first == 0 && u.items[0].answer_last == 1);
		CHECK_NUM(u.items[0].answer_t, 0);
		CHECK_NUM(u.items[0].answer_end, 12); /* the note does not end it */
		CHECK(u.items[0].question_speaker == NULL && u.items[0].answer_speaker == NULL);
		CHECK_STR(u.items[1].question, "Multi-cloud CI");
		CHECK(u.items[1].answer_first == 2 && u.items[1].answer_last == 4);
		CHECK_NUM(u.items[1].answer_end, 54); /* the last item runs to the end */
		CHECK_STR(qa_unit_kind_str(u.items[1].kind), "agenda");
	}
	qa_units_free(&u);
	/* No cues: no units. */
	cue_list none = {NULL, 0, 0};
	CHECK(agenda_units_build(&none, &a, &u) == QA_UNITS_OK && u.count == 0);
	qa_units_free(&u);
	agenda_free(&a);
}

int main(void)
{
	RUN(test_detect);
	RUN(test_agenda_units);
	RUN(test_detect_without_speakers);
	RUN(test_from_md);
	return harness_finish();
}
