/* WebVTT as meeting and video tools write it, through transcript_parse:
 * YouTube's automatic (roll-up) captions read one line once with their
 * word times, Zoom's "Name: text" and Teams' <v Name> as voices. */
#include <string.h>

#include "harness.h"
#include "transcript.h"
#include "vtt_rolling.h"

/* Shaped like `yt-dlp --write-auto-subs` output: the header lines, the
 * settings, a cue with a blank-looking first line, the 10 ms hold cues,
 * each line shown again above the next, a timestamp tag before each word. */
static const char youtube[] =
    "WEBVTT\nKind: captions\nLanguage: en\n\n"
    "00:00:00.000 --> 00:00:02.260 align:start position:0%\n"
    " \n"
    "welcome<00:00:00.310><c> back</c><00:00:00.620><c> to</c><00:00:00.930><c> the</c>"
    "<00:00:01.240><c> release</c>\n\n"
    "00:00:02.260 --> 00:00:02.270 align:start position:0%\n"
    "welcome back to the release\n \n\n"
    "00:00:02.270 --> 00:00:05.150 align:start position:0%\n"
    "welcome back to the release\n"
    "today<00:00:02.580><c> we</c><00:00:02.890><c> look</c><00:00:03.200><c> at</c>\n\n"
    "00:00:05.150 --> 00:00:05.160 align:start position:0%\n"
    "today we look at\n \n\n"
    "00:00:05.160 --> 00:00:07.420 align:start position:0%\n"
    "today we look at\n"
    "the<00:00:05.470><c> new</c><00:00:05.780><c> cache</c>\n\n"
    "00:00:07.420 --> 00:00:07.430 align:start position:0%\n"
    "the new cache\n \n\n"
    /* The same line said twice in a row is said twice. */
    "00:00:07.430 --> 00:00:09.000 align:start position:0%\n"
    "the new cache\n"
    "the<00:00:07.800><c> new</c><00:00:08.100><c> cache</c>\n\n";

static transcript_status parse(const char *s, transcript *t)
{
	*t = (transcript)TRANSCRIPT_INIT;
	return transcript_parse(s, strlen(s), TRANSCRIPT_UNKNOWN, NULL, t);
}

#define CUE(t, i) ((t).cues.items[i])

static void test_youtube_lines_once(void)
{
	transcript t;
	CHECK(parse(youtube, &t) == TRANSCRIPT_OK && t.rolling);
	CHECK(t.cues.count == 4);
	if (t.cues.count == 4) {
		CHECK_STR(CUE(t, 0).plain, "welcome back to the release");
		CHECK_STR(CUE(t, 1).plain, "today we look at");
		CHECK_STR(CUE(t, 2).plain, "the new cache");
		CHECK_STR(CUE(t, 3).plain, "the new cache");
		CHECK_NUM(CUE(t, 1).start, 2.27);
		CHECK_NUM(CUE(t, 1).end, 5.15);
		CHECK(CUE(t, 1).settings.present && strcmp(CUE(t, 1).settings.align, "start") == 0);
		/* Word times: "we" at 2.58, offset 5 in "today we look at". */
		CHECK(CUE(t, 1).word_count == 3);
		if (CUE(t, 1).word_count == 3) {
			CHECK_NUM((double)CUE(t, 1).words[0].offset, 5);
			CHECK_NUM(CUE(t, 1).words[0].start, 2.58);
			CHECK_NUM(CUE(t, 1).words[2].start, 3.2);
		}
		/* The text served as captions is the new line, tags and all. */
		CHECK(strstr(CUE(t, 1).text, "welcome") == NULL);
		CHECK(strstr(CUE(t, 1).text, "<00:00:02.580>") != NULL);
	}
	transcript_free(&t);
}

/* Ordinary captions that happen to repeat a line are left alone. */
static void test_not_rolling(void)
{
	transcript t;
	const char *s = "WEBVTT\n\n00:01.000 --> 00:02.000\nAre you ready?\n\n"
	                "00:02.000 --> 00:03.000\nYes.\n\n00:03.000 --> 00:04.000\nYes.\n\n"
	                "00:04.000 --> 00:05.000\nThen go.\n\n00:05.000 --> 00:06.000\nNow?\n\n"
	                "00:06.000 --> 00:07.000\nNow.\n";
	CHECK(parse(s, &t) == TRANSCRIPT_OK && !t.rolling && t.cues.count == 6);
	transcript_free(&t);
	/* Two-line cues whose first line is new each time. */
	CHECK(parse("WEBVTT\n\n00:01.000 --> 00:02.000\n- Hi.\n- Hello.\n\n"
	            "00:02.000 --> 00:03.000\n- Hello.\n- Bye.\n\n"
	            "00:03.000 --> 00:04.000\nOk\n\n00:04.000 --> 00:05.000\nfine\n\n"
	            "00:05.000 --> 00:06.000\nwell\n",
	            &t) == TRANSCRIPT_OK);
	CHECK(!t.rolling && t.cues.count == 5);
	transcript_free(&t);
	/* Every cue says the same (as the WPT settings tests do). */
	CHECK(parse("WEBVTT\n\n00:01.000 --> 00:02.000 position:10%\ntext\n\n"
	            "00:02.000 --> 00:03.000 position:20%\ntext\n\n"
	            "00:03.000 --> 00:04.000 position:30%\ntext\n\n"
	            "00:04.000 --> 00:05.000 position:40%\ntext\n",
	            &t) == TRANSCRIPT_OK);
	CHECK(!t.rolling && t.cues.count == 4);
	transcript_free(&t);
}

static void test_zoom(void)
{
	transcript t;
	CHECK(parse("WEBVTT\n\n1\n00:00:01.020 --> 00:00:05.340\n"
	            "Priya Raman: Okay, let's get started.\n\n"
	            "2\n00:00:05.340 --> 00:00:09.870\nTomás Ferreira: Note: ARM is separate.\n\n"
	            "3\n00:00:10.110 --> 00:00:14.560\nNote: the runners are billed apart.\n",
	            &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 3 && !t.rolling);
	if (t.cues.count == 3) {
		CHECK_STR(CUE(t, 0).id, "1");
		CHECK_STR(CUE(t, 0).voice, "Priya Raman");
		CHECK_STR(CUE(t, 0).plain, "Okay, let's get started.");
		CHECK_STR(CUE(t, 1).voice, "Tomás Ferreira");
		CHECK_STR(CUE(t, 1).plain, "Note: ARM is separate.");
		CHECK(CUE(t, 2).voice == NULL);
	}
	transcript_free(&t);
}

static void test_teams(void)
{
	transcript t;
	CHECK(
	    parse("WEBVTT\r\n\r\n3f1c9a2e-6b1d-4c55-9e0a-2d7b8c4f1a90/12-0\r\n"
	          "00:00:03.120 --> 00:00:06.480\r\n<v Priya Raman>Thanks for joining.</v>\r\n\r\n"
	          "3f1c9a2e-6b1d-4c55-9e0a-2d7b8c4f1a90/13-0\r\n00:00:06.480 --> 00:00:09.950\r\n"
	          "<v Tomás Ferreira>Summary: two packages.</v>\r\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(CUE(t, 0).id, "3f1c9a2e-6b1d-4c55-9e0a-2d7b8c4f1a90/12-0");
		CHECK_STR(CUE(t, 0).voice, "Priya Raman");
		CHECK_STR(CUE(t, 1).voice, "Tomás Ferreira");
		CHECK_STR(CUE(t, 1).plain, "Summary: two packages.");
	}
	transcript_free(&t);
}

/* Lines are compared as each renders alone, also where the cue's plain
 * text is not its lines' plain texts joined (a tag that runs past its
 * line's end, a reference that makes a line break): read off the plain
 * text, neither file below would be roll-up captions. */
static void test_lines_rendered_alone(void)
{
	transcript t;
	CHECK(parse("WEBVTT\n\n00:01.000 --> 00:02.000\nalpha\n\n"
	            "00:02.000 --> 00:03.000\nalpha <i\n>beta\n\n"
	            "00:03.000 --> 00:04.000\n>beta <i\n>gamma\n",
	            &t) == TRANSCRIPT_OK);
	CHECK(t.rolling && t.cues.count == 3);
	if (t.cues.count == 3) {
		CHECK_STR(CUE(t, 0).plain, "alpha");
		CHECK_STR(CUE(t, 1).plain, ">beta");
		CHECK_STR(CUE(t, 2).plain, ">gamma");
	}
	transcript_free(&t);
	CHECK(parse("WEBVTT\n\n00:01.000 --> 00:02.000\none\n\n"
	            "00:02.000 --> 00:03.000\none\ntwo&#10;three\n\n"
	            "00:03.000 --> 00:04.000\ntwo&#10;three\nfour\n",
	            &t) == TRANSCRIPT_OK);
	CHECK(t.rolling && t.cues.count == 3);
	if (t.cues.count == 3) {
		CHECK_STR(CUE(t, 0).plain, "one");
		CHECK_STR(CUE(t, 1).plain, "two\nthree");
		CHECK_STR(CUE(t, 2).plain, "four");
	}
	transcript_free(&t);
}

int main(void)
{
	RUN(test_youtube_lines_once);
	RUN(test_not_rolling);
	RUN(test_zoom);
	RUN(test_teams);
	RUN(test_lines_rendered_alone);
	return harness_finish();
}
