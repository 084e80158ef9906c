/* moment: where in a passage a hit's moment is; with speaker: filters,
 * among the cues of those speakers. */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>

#include "harness.h"
#include "moment.h"

/* Hannah asks about the cache key (positions 0-5), Mei-Lin Zhou answers
 * (6-12), Mei-Lin Zhao adds something (13-). */
static json_t *passage(void)
{
	return json_pack("[{s:f, s:i, s:s, s:s, s:f}, {s:f, s:i, s:s, s:s}, {s:f, s:i, s:s, s:s}]",
	                 "s", 10.0, "p", 0, "v", "Hannah Okoye", "text",
	                 "what goes into the cache key?", "a", 14.0, "s", 14.0, "p", 6, "v",
	                 "Mei-Lin Zhou", "text", "the source and shapes go into the cache key", "s",
	                 20.0, "p", 13, "v", "Mei-Lin Zhao", "text", "and wheels are separate");
}

static void test_in_voice(void)
{
	json_t *cues = passage();
	/* "cache" and "key" in the question and in the answer. */
	qx_position pos[] = {{4, 0, 1.0}, {5, 1, 1.0}, {10, 0, 1.0}, {11, 1, 1.0}};
	size_t n = 4;
	long first = 99;
	const char *zhou[] = {"zhou"};
	CHECK(moment_in_voice(cues, zhou, 1, pos, &n, &first));
	CHECK(first == 1);
	CHECK(n == 2 && pos[0].pos == 10 && pos[1].pos == 11);

	/* hannah: the question is hers; the answer is not. */
	qx_position pos2[] = {{4, 0, 1.0}, {5, 1, 1.0}, {10, 0, 1.0}, {11, 1, 1.0}};
	n = 4;
	const char *hannah[] = {"hannah"};
	CHECK(moment_in_voice(cues, hannah, 1, pos2, &n, &first));
	CHECK(first == 0);
	CHECK(n == 2 && pos2[0].pos == 4 && pos2[1].pos == 5);

	/* Zhao said none of the words: her first cue is the moment. */
	qx_position pos3[] = {{4, 0, 1.0}, {10, 0, 1.0}};
	n = 2;
	const char *zhao[] = {"mei lin zhao"};
	CHECK(moment_in_voice(cues, zhao, 1, pos3, &n, &first));
	CHECK(first == 2 && n == 0);

	/* Nobody of that name here (a passage matched by the recording's
	 * listed speakers), or no filter: positions stay as they are. */
	qx_position pos4[] = {{4, 0, 1.0}, {10, 0, 1.0}};
	n = 2;
	const char *nobody[] = {"ravi"};
	CHECK(moment_in_voice(cues, nobody, 1, pos4, &n, &first));
	CHECK(first == -1 && n == 2);
	CHECK(moment_in_voice(cues, NULL, 0, pos4, &n, &first));
	CHECK(first == -1 && n == 2);
	json_decref(cues);
}

static void test_densest(void)
{
	/* The rarer term's run wins over a run of one common term. */
	qx_position pos[] = {{1, 0, 0.5}, {2, 0, 0.5}, {40, 0, 0.5}, {41, 1, 3.0}};
	unsigned at = 0;
	CHECK(moment_densest(pos, 4, &at, NULL));
	CHECK(at == 40);
	CHECK(!moment_densest(pos, 0, &at, NULL));

	/* "compile it once ... torch.compiler.nested_compile_region": the
	 * run starts at the identifier, not at the word before it whose term
	 * it says again; a leading term said once stays the start. */
	qx_position ident[] = {{10, 0, 1.0}, {16, 1, 2.0}, {17, 0, 1.0}, {18, 2, 3.0}};
	CHECK(moment_densest(ident, 4, &at, NULL));
	CHECK(at == 16);
	qx_position once[] = {{10, 0, 1.0}, {16, 1, 2.0}, {18, 2, 3.0}};
	CHECK(moment_densest(once, 3, &at, NULL));
	CHECK(at == 10);
	/* One word said twice: its first. */
	qx_position twice[] = {{0, 0, 1.0}, {7, 0, 1.0}};
	CHECK(moment_densest(twice, 2, &at, NULL));
	CHECK(at == 0);
}

/* A cue's "w" times its words from its "p" on. */
static void test_word_time(void)
{
	json_t *cue = json_loads("{\"s\": 15.79, \"p\": 40, \"w\": [15.79, 16.1, 16.41]}", 0, NULL);
	CHECK_NUM(moment_word_time(cue, 41, -1), 16.1);
	CHECK_NUM(moment_word_time(cue, 42, -1), 16.41);
	CHECK_NUM(moment_word_time(cue, 43, -1), -1); /* past its words */
	CHECK_NUM(moment_word_time(cue, 39, -1), -1); /* before them */
	json_decref(cue);
	cue = json_loads("{\"s\": 1, \"p\": 4}", 0, NULL);
	CHECK_NUM(moment_word_time(cue, 4, 1), 1); /* no word times */
	json_decref(cue);
}

/* A moment in a question plays from its answer; a statement the same
 * turn made two cues or more before its asking cue is no part of the
 * question ("I'm hearing support ..., so let me state them. One, ...
 * Objections?"): it plays from itself. */
static void test_play_from(void)
{
	json_t *cues = json_pack(
	    "[{s:f, s:s, s:f}, {s:f, s:s, s:f}, {s:f, s:s, s:f}, {s:f, s:s, s:f}, {s:f, s:s}]", "s",
	    10.0, "text", "I'm hearing support for a signal, so let me state them.", "a", 30.0, "s",
	    15.0, "text", "One, the job runs only on labelled pull requests.", "a", 30.0, "s", 20.0,
	    "text", "Two, the vendor keeps an on-call.", "a", 30.0, "s", 25.0, "text",
	    "Objections?", "a", 30.0, "s", 30.0, "text", "None from me.");
	CHECK_NUM(moment_play_from(cues, 0), 10.0);
	CHECK_NUM(moment_play_from(cues, 1), 15.0);
	CHECK_NUM(moment_play_from(cues, 2), 30.0); /* the cue before the asking one */
	CHECK_NUM(moment_play_from(cues, 3), 30.0);
	CHECK_NUM(moment_play_from(cues, 4), 30.0); /* the answer itself */
	/* A passage that ends inside the question cannot tell: the answer. */
	json_array_remove(cues, 4);
	json_array_remove(cues, 3);
	json_array_remove(cues, 2);
	CHECK_NUM(moment_play_from(cues, 0), 10.0);
	CHECK_NUM(moment_play_from(cues, 1), 30.0);
	json_decref(cues);
}

int main(void)
{
	RUN(test_word_time);
	RUN(test_in_voice);
	RUN(test_densest);
	RUN(test_play_from);
	return harness_finish();
}
