/* timestamped_text: the text Otter, Zoom and Meet give, and clock times. */
#include <string.h>

#include "clock.h"
#include "harness.h"
#include "timestamped_text.h"
#include "transcript.h"

static transcript_status parse(const char *s, transcript *t)
{
	*t = (transcript)TRANSCRIPT_INIT;
	return transcript_parse(s, strlen(s), TRANSCRIPT_UNKNOWN, NULL, t);
}

#define CUE(t, i) ((t).cues.items[i])

/* Otter's export: "Name  M:SS", the paragraph, a blank line. */
static void test_otter(void)
{
	transcript t;
	const char *s = "Priya Raman  0:00\nGood morning, everyone. Let's begin.\n\n"
	                "Tomás Ferreira  0:12\nThe binary size regression is fixed.\n\n"
	                "Speaker 3  1:02:03\nI can take those.\n";
	CHECK(parse(s, &t) == TRANSCRIPT_OK && t.format == TRANSCRIPT_TEXT);
	CHECK(t.cues.count == 3);
	if (t.cues.count == 3) {
		CHECK_STR(CUE(t, 0).voice, "Priya Raman");
		CHECK_STR(CUE(t, 0).plain, "Good morning, everyone. Let's begin.");
		CHECK_NUM(CUE(t, 0).start, 0);
		CHECK_NUM(CUE(t, 0).end, 12); /* where the next begins */
		CHECK_STR(CUE(t, 1).voice, "Tomás Ferreira");
		CHECK_NUM(CUE(t, 1).end, 3723);
		CHECK_STR(CUE(t, 2).voice, "Speaker 3");
		/* The last: its 4 words at 150 a minute, but 2 s at least. */
		CHECK_NUM(CUE(t, 2).end, 3723 + 2);
		CHECK_NUM((double)CUE(t, 2).line, 8);
	}
	transcript_free(&t);
}

/* Zoom/Meet: "[hh:mm:ss] Name: text", and the same without brackets. */
static void test_stamped_lines(void)
{
	transcript t;
	CHECK(parse("[00:00:05] Priya Raman: Welcome to the sync.\n"
	            "[00:00:12] Tomás Ferreira: The toolkit supports per channel scales now, and "
	            "more.\n",
	            &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_NUM(CUE(t, 0).start, 5);
		CHECK_NUM(CUE(t, 0).end, 12);
		CHECK_STR(CUE(t, 0).text, "Priya Raman: Welcome to the sync.");
		CHECK_STR(CUE(t, 0).plain, "Welcome to the sync.");
		CHECK_NUM(CUE(t, 1).end, 12 + 9 / 2.5); /* 9 words */
	}
	transcript_free(&t);
	CHECK(parse("00:00:02 Priya Raman: Profiler changes.\n00:00:09 The trace viewer.\n", &t) ==
	      TRANSCRIPT_OK);
	/* A line without a name is said by the one before. */
	CHECK(t.cues.count == 2 && CUE(t, 1).voice && strcmp(CUE(t, 1).voice, "Priya Raman") == 0);
	transcript_free(&t);
}

/* Meet and YouTube's "Show transcript": a time alone, then the lines. The
 * lines under one time share its span by their words; a title before the
 * first time is kept, at 0. */
static void test_time_headings(void)
{
	transcript t;
	CHECK(parse("Sync - Transcript\n00:00:00\n\nPriya Raman: one two three\n"
	            "Tomás Ferreira: four\n00:00:40\nPriya Raman: done\n",
	            &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 4);
	if (t.cues.count == 4) {
		CHECK_STR(CUE(t, 0).plain, "Sync - Transcript");
		CHECK_NUM(CUE(t, 1).start, 0);
		CHECK_NUM(CUE(t, 1).end, 30);
		CHECK_NUM(CUE(t, 2).start, 30);
		CHECK_NUM(CUE(t, 2).end, 40);
		CHECK_STR(CUE(t, 2).voice, "Tomás Ferreira");
		CHECK_NUM(CUE(t, 3).start, 40);
	}
	transcript_free(&t);
	CHECK(parse("0:00\nso today we look at\n0:04\nthe new cache\n", &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2 && CUE(t, 0).voice == NULL && CUE(t, 1).start == 4);
	transcript_free(&t);
}

static size_t rejected_line(const char *s, transcript_format f)
{
	transcript t = TRANSCRIPT_INIT;
	size_t line = (size_t)-1;
	if (transcript_parse(s, strlen(s), f, NULL, &t) == TRANSCRIPT_INVALID)
		line = t.error_line;
	transcript_free(&t);
	return line;
}

static void test_rejected(void)
{
	CHECK_NUM((double)rejected_line("[00:00:05] A: one\n[00:00:12] B: two\n\n[00:00:09] A: x\n",
	                                TRANSCRIPT_UNKNOWN),
	          4);
	CHECK_NUM((double)rejected_line("just some notes\nwith no times\n", TRANSCRIPT_TEXT), 1);
	CHECK_NUM((double)rejected_line("\n \n", TRANSCRIPT_TEXT), 1);
}

static void test_sniff(void)
{
	const char *yes[] = {
	    "[00:00:05] Priya: hi\n[00:00:09] Tom: yo\n",
	    "Priya Raman  0:00\nhello\n\nTom  0:10\nbye\n",
	    "Title\nAttendees\n00:00:00\nA: x\n00:05:00\nB: y\n",
	    "\357\273\2770:00\r\nhello\r\n0:04\r\nworld\r\n", /* a BOM, in octal */
	    "0:00\nhello\n",                                  /* a short file: one time is enough */
	    /* One near the top: the next may be past a long paragraph. */
	    "Priya Raman  0:00\nA long paragraph.\nmore\nmore\nmore\n",
	    "Sync\nAttendees: A, B\n00:00:00\nA: x\nmore\nmore\nmore\nmore\n",
	};
	const char *no[] = {
	    "Hello\nWe meet at 10:30 tomorrow.\nBring laptops.\nSee you.\n",
	    "1a\n00:00:01,000 --> 00:00:02,000\n",
	    "1:30pm meeting\n2:45pm break\n",
	    "Meeting notes\n- agreed on 12:30\n- more\n- more\n",
	    "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n0:00 too late\n",
	};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		CHECK(transcript_sniff(yes[i], strlen(yes[i]), NULL) == TRANSCRIPT_TEXT);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		CHECK(transcript_sniff(no[i], strlen(no[i]), NULL) != TRANSCRIPT_TEXT);
}

static bool clock(const char *s, bool fraction, double want)
{
	size_t pos = 0;
	double t = -1;
	return clock_read(s, strlen(s), &pos, fraction, &t) && t > want - 1e-9 && t < want + 1e-9;
}

static void test_clock(void)
{
	CHECK(clock("0:04", false, 4));
	CHECK(clock("12:30", false, 750));
	CHECK(clock("1:02:03", false, 3723));
	CHECK(clock("01:02:03.5", false, 3723.5));
	CHECK(clock("0:00:01.250", true, 1.25));
	CHECK(clock("75:00", false, 4500)); /* Otter past an hour without hours */
	CHECK(!clock("0:00:01", true, 1));  /* SBV needs the fraction */
	CHECK(!clock("1:2", false, 62));
	CHECK(!clock("1:60", false, 120));
	CHECK(!clock("12", false, 12));
	CHECK(!clock("1:02:03:04", false, 0));
	CHECK(!clock("12345:00", false, 0));
	char out[32];
	clock_format(3723.9, out, sizeof out);
	CHECK_STR(out, "1:02:03");
	clock_format(9, out, sizeof out);
	CHECK_STR(out, "0:09");
}

int main(void)
{
	RUN(test_otter);
	RUN(test_stamped_lines);
	RUN(test_time_headings);
	RUN(test_rejected);
	RUN(test_sniff);
	RUN(test_clock);
	return harness_finish();
}
