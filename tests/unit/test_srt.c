/* srt: the loose SubRip parser (the SRT rules of the conformance README). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "srt.h"
#include "transcript.h"

static transcript_status srt_n(const char *s, size_t len, transcript *t)
{
	transcript init = TRANSCRIPT_INIT;
	*t = init;
	return srt_parse(s, len, t);
}

static transcript_status srt(const char *s, transcript *t)
{
	return srt_n(s, strlen(s), t);
}

/* The cue count, or -1 when rejected. */
static int cue_count(const char *s)
{
	transcript t;
	int n = srt(s, &t) == TRANSCRIPT_OK ? (int)t.cues.count : -1;
	transcript_free(&t);
	return n;
}

/* The line a rejected file names (0 when accepted or without a line). The
 * error text must start with "line N: " for that line. */
static size_t error_line(const char *s)
{
	transcript t;
	size_t line = 0;
	if (srt(s, &t) == TRANSCRIPT_INVALID) {
		line = t.error_line;
		char prefix[32];
		int n = snprintf(prefix, sizeof prefix, "line %zu: ", line);
		harness_check(line > 0 && strncmp(t.error, prefix, (size_t)n) == 0,
		              "error starts with its line", __FILE__, __LINE__);
		harness_check(t.cues.count == 0, "no cues when rejected", __FILE__, __LINE__);
	}
	transcript_free(&t);
	return line;
}

#define CHECK_LINE(s, want) CHECK_NUM((double)error_line(s), want)

/* The single cue of s. */
#define ONE_CUE(s, t)                                                                              \
	do {                                                                                       \
		CHECK(srt(s, &(t)) == TRANSCRIPT_OK);                                              \
		CHECK((t).cues.count == 1);                                                        \
	} while (0)

static char *plain(const char *text)
{
	return srt_plain_text(text, strlen(text));
}

#define CHECK_PLAIN(text, want)                                                                    \
	do {                                                                                       \
		char *p_ = plain(text);                                                            \
		CHECK_STR(p_, want);                                                               \
		free(p_);                                                                          \
	} while (0)

static void test_basic(void)
{
	transcript t;
	CHECK(srt("1\n00:00:01,000 --> 00:00:02,500\nHello\n\n"
	          "2\n00:01:03,250 --> 01:00:00,000\nWorld\nagain\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.format == TRANSCRIPT_SRT);
	CHECK(!t.used_cp1252);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		const cue *a = &t.cues.items[0], *b = &t.cues.items[1];
		CHECK_STR(a->id, "1");
		CHECK_NUM(a->start, 1);
		CHECK_NUM(a->end, 2.5);
		CHECK_STR(a->text, "Hello");
		CHECK_STR(a->plain, "Hello");
		CHECK(a->voice == NULL);
		CHECK(!a->settings.present);
		CHECK_NUM((double)a->line, 2);
		CHECK_STR(b->id, "2");
		CHECK_NUM(b->start, 63.25);
		CHECK_NUM(b->end, 3600);
		CHECK_STR(b->text, "World\nagain");
		CHECK_NUM((double)b->line, 6);
	}
	transcript_free(&t);
}

static void test_millisecond_separators(void)
{
	transcript t;
	ONE_CUE("1\n00:00:01.000 --> 00:00:02.500\nx\n", t);
	if (t.cues.count == 1)
		CHECK_NUM(t.cues.items[0].end, 2.5);
	transcript_free(&t);
	ONE_CUE("1\n00:00:01,100 --> 00:00:02.200\nx\n", t);
	if (t.cues.count == 1) {
		CHECK_NUM(t.cues.items[0].start, 1.1);
		CHECK_NUM(t.cues.items[0].end, 2.2);
	}
	transcript_free(&t);
	ONE_CUE("1\n00:00:01.999 --> 00:00:02,001\nx\n", t);
	transcript_free(&t);
}

static void test_hours_minutes_seconds_digits(void)
{
	transcript t;
	ONE_CUE("1\n1:02:03,004 --> 10:00:00,000\nx\n", t);
	if (t.cues.count == 1) {
		CHECK_NUM(t.cues.items[0].start, 3723.004);
		CHECK_NUM(t.cues.items[0].end, 36000);
	}
	transcript_free(&t);
	/* Some tools write one-digit minutes and seconds. */
	ONE_CUE("1\n0:0:1,000 --> 0:0:2,000\nx\n", t);
	if (t.cues.count == 1) {
		CHECK_NUM(t.cues.items[0].start, 1);
		CHECK_NUM(t.cues.items[0].end, 2);
	}
	transcript_free(&t);
	ONE_CUE("1\n99:59:59,999 --> 99:59:59,999\nx\n", t);
	if (t.cues.count == 1)
		CHECK_NUM(t.cues.items[0].start, 99 * 3600 + 59 * 60 + 59.999);
	transcript_free(&t);
}

static void test_malformed_timestamps_rejected(void)
{
	static const char *const bad[] = {
	    "100:00:00,000 --> 100:00:01,000", /* three-digit hours */
	    "00:00:01,00 --> 00:00:02,000",    /* two-digit millis */
	    "00:00:01,0000 --> 00:00:02,000",  /* four-digit millis */
	    "00:00:01 --> 00:00:02",           /* no millis */
	    "00:00:01:000 --> 00:00:02:000",   /* ':' before millis */
	    "00:00:01;000 --> 00:00:02;000",   /* ';' before millis */
	    "00:60:00,000 --> 00:61:00,000",   /* minutes past 59 */
	    "00:00:60,000 --> 00:00:61,000",   /* seconds past 59 */
	    "00:000:01,000 --> 00:00:02,000",  /* three-digit minutes */
	    "00:00:001,000 --> 00:00:02,000",  /* three-digit seconds */
	    "00:01,000 --> 00:02,000",         /* no hours */
	    "00:00:01,000 -> 00:00:02,000",    /* short arrow */
	    "00:00:01,000 --> ",               /* no end */
	    "00:00:01,000 --> 00:00:02,000x",  /* garbage glued to the end */
	    "x00:00:01,000 --> 00:00:02,000",  /* garbage before */
	    "00:0x:01,000 --> 00:00:02,000",   /* a letter in a field */
	    "-00:00:01,000 --> 00:00:02,000",  /* a sign */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char file[128];
		snprintf(file, sizeof file, "1\n%s\ntext\n", bad[i]);
		harness_check(error_line(file) == 2, bad[i], __FILE__, __LINE__);
	}
}

static void test_arrow_spacing_and_trailing_coordinates(void)
{
	transcript t;
	ONE_CUE("1\n00:00:01,000-->00:00:02,000\nx\n", t);
	transcript_free(&t);
	ONE_CUE("1\n  00:00:01,000\t-->  00:00:02,000  \nx\n", t);
	transcript_free(&t);
	ONE_CUE("1\n00:00:01,000 --> 00:00:02,000 X1:100 X2:600 Y1:20 Y2:50\nx\n", t);
	if (t.cues.count == 1) {
		CHECK_NUM(t.cues.items[0].end, 2);
		CHECK_STR(t.cues.items[0].text, "x");
	}
	transcript_free(&t);
}

static void test_index_optional_and_free_form(void)
{
	transcript t;
	CHECK(srt("00:00:01,000 --> 00:00:02,000\nno index\n\n"
	          "7\n00:00:03,000 --> 00:00:04,000\nseven\n\n"
	          "3\n00:00:05,000 --> 00:00:06,000\nthree\n\n"
	          "intro\n00:00:07,000 --> 00:00:08,000\nnamed\n\n"
	          "12 \t\n00:00:09,000 --> 00:00:10,000\ntrailing space\n\n"
	          "00:00:11,000 --> 00:00:12,000\nagain none\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 6);
	if (t.cues.count == 6) {
		CHECK_STR(t.cues.items[0].id, "");
		CHECK_STR(t.cues.items[1].id, "7");
		CHECK_STR(t.cues.items[2].id, "3");
		CHECK_STR(t.cues.items[3].id, "intro");
		CHECK_STR(t.cues.items[4].id, "12");
		CHECK_STR(t.cues.items[5].id, "");
		CHECK_NUM((double)t.cues.items[0].line, 1);
		CHECK_NUM((double)t.cues.items[5].line, 20);
	}
	transcript_free(&t);
}

static void test_blank_lines(void)
{
	transcript t;
	CHECK(srt("\n\n  \n1\n00:00:01,000 --> 00:00:02,000\nfirst\n\n\n \t \n\n"
	          "2\n00:00:03,000 --> 00:00:04,000\nsecond\n   \n"
	          "3\n00:00:05,000 --> 00:00:06,000\nthird\n\n\n\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 3);
	if (t.cues.count == 3) {
		CHECK_STR(t.cues.items[0].text, "first");
		CHECK_NUM((double)t.cues.items[0].line, 5);
		/* A line of whitespace ends the cue like an empty one. */
		CHECK_STR(t.cues.items[1].text, "second");
		CHECK_NUM((double)t.cues.items[1].line, 12);
		CHECK_STR(t.cues.items[2].text, "third");
		CHECK_NUM((double)t.cues.items[2].line, 16);
	}
	transcript_free(&t);
	/* No trailing newline. */
	CHECK(cue_count("1\n00:00:01,000 --> 00:00:02,000\nlast") == 1);
}

static void test_empty_text(void)
{
	transcript t;
	CHECK(srt("1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\nx\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].text, "");
		CHECK_STR(t.cues.items[0].plain, "");
	}
	transcript_free(&t);
	CHECK(cue_count("1\n00:00:01,000 --> 00:00:02,000") == 1);
}

static void test_line_endings(void)
{
	const char *variants[] = {
	    "\xEF\xBB\xBF"
	    "1\r\n00:00:01,000 --> 00:00:02,000\r\na\r\nb\r\n\r\n2\r\n00:00:03,000 --> "
	    "00:00:04,000\r\nc\r\n",
	    "1\r00:00:01,000 --> 00:00:02,000\ra\rb\r\r2\r00:00:03,000 --> 00:00:04,000\rc\r",
	    "1\n00:00:01,000 --> 00:00:02,000\r\na\rb\n\r\n2\r00:00:03,000 --> 00:00:04,000\nc",
	};
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		transcript t;
		bool ok = srt(variants[i], &t) == TRANSCRIPT_OK && t.cues.count == 2;
		CHECK(ok);
		if (ok) {
			CHECK_STR(t.cues.items[0].id, "1");
			CHECK_STR(t.cues.items[0].text, "a\nb");
			CHECK_STR(t.cues.items[1].text, "c");
			CHECK_NUM((double)t.cues.items[1].line, 7);
		}
		transcript_free(&t);
	}
}

static void test_nul_replaced(void)
{
	static const char in[] = "1\n00:00:01,000 --> 00:00:02,000\na\0b\n";
	transcript t;
	CHECK(srt_n(in, sizeof in - 1, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].text, "a\xEF\xBF\xBD"
		                                "b");
	transcript_free(&t);
}

static void test_windows_1252_fallback(void)
{
	transcript t;
	ONE_CUE("1\n00:00:01,000 --> 00:00:02,000\ncaf\xE9 \x93quoted\x94 \x80"
	        "5\n",
	        t);
	CHECK(t.used_cp1252);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].text,
		          "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC"
		          "5");
		CHECK_STR(t.cues.items[0].plain,
		          "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC"
		          "5");
	}
	transcript_free(&t);
	/* UTF-8 stays UTF-8. */
	ONE_CUE("1\n00:00:01,000 --> 00:00:02,000\ncaf\xC3\xA9 \xE2\x82\xAC\n", t);
	CHECK(!t.used_cp1252);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].text, "caf\xC3\xA9 \xE2\x82\xAC");
	transcript_free(&t);
	/* With a BOM and CRLF. */
	ONE_CUE("\xEF\xBB\xBF"
	        "1\r\n00:00:01,000 --> 00:00:02,000\r\n\xE9t\xE9\r\n",
	        t);
	CHECK(t.used_cp1252);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].id, "1");
		CHECK_STR(t.cues.items[0].text, "\xC3\xA9t\xC3\xA9");
	}
	transcript_free(&t);
}

static void test_formatting_tags(void)
{
	transcript t;
	ONE_CUE("1\n00:00:01,000 --> 00:00:02,000\n<i>it</i> <b>bold</b> <u>under</u> "
	        "<font color=\"#ff0000\">red</font>\n{\\an8}top <I>IT</I> <FONT face=\"Arial\" "
	        "size=\"12\">f</Font>\n",
	        t);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].text,
		          "<i>it</i> <b>bold</b> <u>under</u> <font color=\"#ff0000\">red</font>\n"
		          "{\\an8}top <I>IT</I> <FONT face=\"Arial\" size=\"12\">f</Font>");
		CHECK_STR(t.cues.items[0].plain, "it bold under red\ntop IT f");
		CHECK(t.cues.items[0].voice == NULL);
	}
	transcript_free(&t);
	/* No character references in SRT. */
	ONE_CUE("1\n00:00:01,000 --> 00:00:02,000\nTom &amp; Jerry &lt;3\n", t);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].plain, "Tom &amp; Jerry &lt;3");
	transcript_free(&t);
}

static void test_plain_text_rules(void)
{
	CHECK_PLAIN("", "");
	CHECK_PLAIN("<i>a</i><b>b</b><u>c</u><s>d</s>", "abcd");
	CHECK_PLAIN("<I>a</I><B>b</B><U>c</U><S>d</S>", "abcd");
	CHECK_PLAIN("<font color=red>x</font>", "x");
	CHECK_PLAIN("<font\tcolor=red>x</FONT>", "x");
	CHECK_PLAIN("{\\an8}x", "x");
	CHECK_PLAIN("{\\pos(10,20)\\c&H00FF00&}x", "x");
	/* A '<' that does not start one of those tags is text. */
	CHECK_PLAIN("a < b", "a < b");
	CHECK_PLAIN("I <3 you", "I <3 you");
	CHECK_PLAIN("x<y>z", "x<y>z");
	CHECK_PLAIN("<span>x</span>", "<span>x</span>");
	CHECK_PLAIN("<v Bob>x", "<v Bob>x");
	CHECK_PLAIN("<i", "<i");
	CHECK_PLAIN("<i x>", "<i x>");
	CHECK_PLAIN("<b >", "<b >");
	CHECK_PLAIN("<fontx>", "<fontx>");
	CHECK_PLAIN("<font", "<font");
	CHECK_PLAIN("<font color=red", "<font color=red");
	CHECK_PLAIN("</", "</");
	CHECK_PLAIN("<", "<");
	CHECK_PLAIN("<<i>>", "<>");
	/* A tag does not span lines. */
	CHECK_PLAIN("<font color=red\n>x", "<font color=red\n>x");
	CHECK_PLAIN("<font color=a\n<i>x</i>", "<font color=a\nx");
	CHECK_PLAIN("<i>a\n</i><font color=b>c\n</font>", "a\nc\n");
	/* Several of each, closed and not. */
	CHECK_PLAIN("{\\an8}a{\\i1}b{c}{\\b0", "ab{c}{\\b0");
	CHECK_PLAIN("<font a>b</font><font c>d<font e", "bd<font e");
	CHECK_PLAIN("<b>1</b><b 2><b>3</b>", "1<b 2>3");
	/* A '{' that does not start an override is text, as is an unclosed one. */
	CHECK_PLAIN("{braces}", "{braces}");
	CHECK_PLAIN("{\\an8", "{\\an8");
	CHECK_PLAIN("{", "{");
	/* The length is honoured. */
	char *p = srt_plain_text("<i>abc</i>", 5);
	CHECK_STR(p, "ab");
	free(p);
}

static void test_end_before_start_rejected(void)
{
	CHECK_LINE("1\n00:00:05,000 --> 00:00:04,000\nbackwards\n", 2);
	CHECK_LINE("1\n00:00:01,000 --> 00:00:02,000\nok\n\n"
	           "2\n00:00:05,000 --> 00:00:04,999\nbackwards\n",
	           6);
	/* Equal start and end is fine. */
	CHECK(cue_count("1\n00:00:05,000 --> 00:00:05,000\nzero\n") == 1);
	/* The message names both times. */
	transcript t;
	CHECK(srt("1\n00:00:05,000 --> 00:00:04,000\nx\n", &t) == TRANSCRIPT_INVALID);
	CHECK(strstr(t.error, "00:00:04,000") != NULL);
	CHECK(strstr(t.error, "00:00:05,000") != NULL);
	transcript_free(&t);
}

static void test_error_lines_count_crlf_once(void)
{
	CHECK_LINE("1\r\n00:00:01,000 --> 00:00:02,000\r\nok\r\n\r\n"
	           "2\r\n00:00:03,000 --> 00:0x:04,000\r\nbroken\r\n",
	           6);
	CHECK_LINE("1\r00:00:01,000 --> 00:00:02,000\rok\r\r2\r00:00:03,000 --> 00:0x:04,000\r", 6);
	CHECK_LINE("\xEF\xBB\xBF"
	           "1\r\n00:00:01,000 --> 00:00:02,000\r\nok\r\n\r\n"
	           "2\r\n00:00:05,000 --> 00:00:04,000\r\nbroken\r\n",
	           6);
}

static void test_malformed_timing_after_cues(void)
{
	CHECK_LINE("1\n00:00:01,000 --> 00:00:02,000\nfine\n\n"
	           "2\n00:00:03,000 --> 00:0x:04,000\nbroken\n",
	           6);
	/* Without an index the timing line is the block's first line. */
	CHECK_LINE("00:00:01,000 --> 00:00:02,000\nfine\n\n00:00:03 --> 00:00:04\nbroken\n", 4);
	/* A missing arrow makes the line an index; the next line is then not a
	 * timing line. */
	CHECK_LINE("1\n00:00:01,000 00:00:02,000\nno arrow\n", 2);
}

static void test_index_without_timing(void)
{
	CHECK_LINE("1\nHello\n", 2);
	CHECK_LINE("1\n\n00:00:01,000 --> 00:00:02,000\nx\n", 2);
	CHECK_LINE("1\n00:00:01,000 --> 00:00:02,000\nx\n\n2\nno timing\n", 6);
	/* An index as the last line: reported on that line (there is no next). */
	CHECK_LINE("1\n00:00:01,000 --> 00:00:02,000\nx\n\n2\n", 5);
	CHECK_LINE("1\n00:00:01,000 --> 00:00:02,000\nx\n\n2", 5);
	/* Text after a blank line inside a cue reads as a new block, and that
	 * line is the one named. */
	CHECK_LINE("1\n00:00:01,000 --> 00:00:02,000\nfirst paragraph\n\nsecond paragraph\n", 5);
	/* A timing line without its arrow opening a block is named itself. */
	CHECK_LINE("1\n00:00:01,000 --> 00:00:02,000\nx\n\n00:00:03,000 00:00:04,000\ny\n", 5);
}

static void test_empty_file_rejected(void)
{
	static const char *const empty[] = {"", "\n", "\n\n  \t\n", "\r\n\r\n", "\xEF\xBB\xBF"};
	for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
		transcript t;
		transcript_status st = srt(empty[i], &t);
		CHECK(st == TRANSCRIPT_INVALID);
		CHECK(t.error[0] != '\0');
		CHECK(t.cues.count == 0);
		CHECK(t.format == TRANSCRIPT_SRT);
		transcript_free(&t);
	}
}

static void test_missing_blank_line_forgiven(void)
{
	transcript t;
	/* Index + timing line right after the text. */
	CHECK(srt("1\n00:00:01,000 --> 00:00:02,000\nHello\n2\n00:00:03,000 --> 00:00:04,000\n"
	          "World\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].text, "Hello");
		CHECK_STR(t.cues.items[1].id, "2");
		CHECK_STR(t.cues.items[1].text, "World");
		CHECK_NUM((double)t.cues.items[1].line, 5);
	}
	transcript_free(&t);
	/* A timing line right after the text. */
	CHECK(srt("1\n00:00:01,000 --> 00:00:02,000\nHello\n00:00:03,000 --> 00:00:04,000\nWorld",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].text, "Hello");
		CHECK_STR(t.cues.items[1].id, "");
		CHECK_STR(t.cues.items[1].text, "World");
	}
	transcript_free(&t);
	/* Not unmistakable: a number not followed by a timing line, and an
	 * arrow that is not a timing line, are text. */
	ONE_CUE("1\n00:00:01,000 --> 00:00:02,000\nThe year\n1999\nwas long\n", t);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].text, "The year\n1999\nwas long");
	transcript_free(&t);
	ONE_CUE("1\n00:00:01,000 --> 00:00:02,000\nA --> B\n42\n", t);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].text, "A --> B\n42");
	transcript_free(&t);
	/* A number followed by a malformed timing line is text too. */
	ONE_CUE("1\n00:00:01,000 --> 00:00:02,000\nx\n2\n00:00:03 --> 00:00:04\n", t);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].text, "x\n2\n00:00:03 --> 00:00:04");
	transcript_free(&t);
}

static void test_rejection_drops_earlier_cues(void)
{
	transcript t;
	CHECK(srt("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:02 --> x\n", &t) ==
	      TRANSCRIPT_INVALID);
	CHECK(t.cues.count == 0);
	CHECK(t.cues.items == NULL);
	CHECK(strstr(t.error, "00:00:02 --> x") != NULL);
	transcript_free(&t);
}

static void test_long_bad_line_quoted_short(void)
{
	char file[400] = "1\n";
	memset(file + 2, 'x', 300);
	strcpy(file + 302, "\nmore\n");
	transcript t;
	CHECK(srt(file, &t) == TRANSCRIPT_INVALID);
	CHECK(t.error_line == 2);
	CHECK(strlen(t.error) < sizeof t.error);
	transcript_free(&t);
}

int main(void)
{
	RUN(test_basic);
	RUN(test_millisecond_separators);
	RUN(test_hours_minutes_seconds_digits);
	RUN(test_malformed_timestamps_rejected);
	RUN(test_arrow_spacing_and_trailing_coordinates);
	RUN(test_index_optional_and_free_form);
	RUN(test_blank_lines);
	RUN(test_empty_text);
	RUN(test_line_endings);
	RUN(test_nul_replaced);
	RUN(test_windows_1252_fallback);
	RUN(test_formatting_tags);
	RUN(test_plain_text_rules);
	RUN(test_end_before_start_rejected);
	RUN(test_error_lines_count_crlf_once);
	RUN(test_malformed_timing_after_cues);
	RUN(test_index_without_timing);
	RUN(test_empty_file_rejected);
	RUN(test_missing_blank_line_forgiven);
	RUN(test_rejection_drops_earlier_cues);
	RUN(test_long_bad_line_quoted_short);
	return harness_finish();
}
