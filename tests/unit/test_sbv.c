/* sbv: YouTube's .sbv captions, as YouTube Studio downloads them, and
 * their speakers through transcript_parse. */
#include <string.h>

#include "harness.h"
#include "sbv.h"
#include "transcript.h"

/* Shaped like a real export: timing line, text lines, a blank line;
 * ">> NAME:" where the speaker changes; a cue of two lines. */
static const char office_hours[] = "0:00:00.400,0:00:03.900\r\n"
                                   ">> ANNA: Welcome to the community office hours.\r\n"
                                   "\r\n"
                                   "0:00:03.900,0:00:07.600\r\n"
                                   "Today we walk through the changes to\r\n"
                                   "the distributed checkpoint format.\r\n"
                                   "\r\n"
                                   "0:00:07.600,0:00:11.200\r\n"
                                   ">> RAJ: How large can a single shard get?\r\n"
                                   "\r\n"
                                   "1:02:03.050,1:02:05.000\r\n"
                                   "An hour later.\r\n";

static transcript_status parse(const char *s, transcript *t)
{
	*t = (transcript)TRANSCRIPT_INIT;
	return transcript_parse(s, strlen(s), TRANSCRIPT_UNKNOWN, NULL, t);
}

static void test_realistic_file(void)
{
	transcript t;
	CHECK(transcript_sniff(office_hours, strlen(office_hours), NULL) == TRANSCRIPT_SBV);
	CHECK(parse(office_hours, &t) == TRANSCRIPT_OK);
	CHECK(t.format == TRANSCRIPT_SBV);
	CHECK(t.cues.count == 4);
	if (t.cues.count == 4) {
		CHECK_NUM(t.cues.items[0].start, 0.4);
		CHECK_NUM(t.cues.items[0].end, 3.9);
		CHECK_STR(t.cues.items[0].voice, "ANNA");
		CHECK_STR(t.cues.items[0].plain, "Welcome to the community office hours.");
		CHECK_STR(t.cues.items[0].text, ">> ANNA: Welcome to the community office hours.");
		CHECK(t.cues.items[1].voice == NULL);
		CHECK_STR(
		    t.cues.items[1].plain,
		    "Today we walk through the changes to\nthe distributed checkpoint format.");
		CHECK_NUM((double)t.cues.items[1].line, 4);
		CHECK_STR(t.cues.items[2].voice, "RAJ");
		CHECK(t.cues.items[3].start > 3723.049 && t.cues.items[3].start < 3723.051);
	}
	transcript_free(&t);
}

static void test_loose(void)
{
	transcript t;
	/* Extra blank lines, no blank line before the next timing line, no
	 * final newline, trailing blanks on the timing line. */
	CHECK(parse("\n\n0:00:01.000,0:00:02.000  \none\n0:00:02.000,0:00:03.000\ntwo", &t) ==
	      TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	transcript_free(&t);
	/* Zero-length cues are kept. */
	CHECK(sbv_parse("0:00:01.000,0:00:01.000\nblip\n", 24, &t) == TRANSCRIPT_OK);
	transcript_free(&t);
}

static size_t rejected_line(const char *s)
{
	transcript t = TRANSCRIPT_INIT;
	size_t line = (size_t)-1;
	if (sbv_parse(s, strlen(s), &t) == TRANSCRIPT_INVALID) {
		line = t.error_line;
		CHECK(t.cues.count == 0 && (line == 0) == (strstr(t.error, "line ") != t.error));
	}
	transcript_free(&t);
	return line;
}

static void test_rejected(void)
{
	CHECK_NUM(
	    (double)rejected_line("0:00:01.000,0:00:02.000\nok\n\n0:00:03.000 0:00:04.000\nx\n"),
	    4);
	CHECK_NUM((double)rejected_line("0:00:05.000,0:00:02.000\nbackwards\n"), 1);
	CHECK_NUM((double)rejected_line("0:00:01.000,0:00:02.000\nok\n\nstray text\n"), 4);
	CHECK_NUM((double)rejected_line("0:00:01.000,0:00:02.000\n\n0:00:01.000,0:61:02.000\nx\n"),
	          3);
	CHECK_NUM((double)rejected_line("\n\n"), 0); /* empty: no cues, no line */
}

static void test_timing_line(void)
{
	double a, b;
	CHECK(sbv_timing_line("0:00:01.000,0:00:04.000", 23, &a, &b) && a == 1 && b == 4);
	CHECK(!sbv_timing_line("0:00:01.000, 0:00:04.000", 24, &a, &b));
	CHECK(!sbv_timing_line("0:00:01,0:00:04", 15, &a, &b)); /* SBV has milliseconds */
	CHECK(!sbv_timing_line("00:00:01,000 --> 00:00:04,000", 29, &a, &b));
}

int main(void)
{
	RUN(test_realistic_file);
	RUN(test_loose);
	RUN(test_rejected);
	RUN(test_timing_line);
	return harness_finish();
}
