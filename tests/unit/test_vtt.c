/* vtt and vtt_timing: the WebVTT parser algorithm (WebVTT §6.1), its
 * timestamps and cue settings. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cue.h"
#include "harness.h"
#include "transcript.h"
#include "vtt.h"
#include "vtt_timing.h"

#define FFFD "\xEF\xBF\xBD"

/* Parse a NUL-free string (or, with vtt_n, any bytes) into *t. */
static transcript_status vtt_n(const char *s, size_t len, transcript *t)
{
	transcript init = TRANSCRIPT_INIT;
	*t = init;
	return vtt_parse(s, len, t);
}

static transcript_status vtt(const char *s, transcript *t)
{
	return vtt_n(s, strlen(s), t);
}

/* How many cues s gives (-1 when the file is rejected). */
static int cue_count(const char *s)
{
	transcript t;
	transcript_status st = vtt(s, &t);
	int n = st == TRANSCRIPT_OK ? (int)t.cues.count : -1;
	transcript_free(&t);
	return n;
}

static bool is_rejected_at_line_1(const char *s, size_t len)
{
	transcript t;
	transcript_status st = vtt_n(s, len, &t);
	bool ok = st == TRANSCRIPT_INVALID && t.error_line == 1 && t.cues.count == 0 &&
	          strncmp(t.error, "line 1: ", 8) == 0 && t.format == TRANSCRIPT_WEBVTT;
	transcript_free(&t);
	return ok;
}

#define REJECTED(lit) is_rejected_at_line_1(lit, sizeof(lit) - 1)

/* The timing line with default settings; returns vtt_timing_line_parse's
 * result. */
static bool timing(const char *line, double *start, double *end, cue_settings *st)
{
	*st = cue_settings_default();
	return vtt_timing_line_parse(line, strlen(line), start, end, st);
}

/* Settings of "00:00.000 --> 00:01.000 <settings>". */
static cue_settings settings_of(const char *settings)
{
	char line[512];
	double a, b;
	cue_settings st;
	snprintf(line, sizeof line, "00:00.000 --> 00:01.000 %s", settings);
	bool ok = timing(line, &a, &b, &st);
	harness_check(ok, "timing line parses", __FILE__, __LINE__);
	return st;
}

static bool timestamp(const char *s, double *seconds, size_t *pos)
{
	*pos = 0;
	return vtt_timestamp_collect(s, strlen(s), pos, seconds);
}

#define CHECK_TS(s, want)                                                                          \
	do {                                                                                       \
		double v_ = -1;                                                                    \
		size_t pos_;                                                                       \
		CHECK(timestamp(s, &v_, &pos_));                                                   \
		CHECK_NUM(v_, want);                                                               \
		CHECK(pos_ == strlen(s));                                                          \
	} while (0)

#define CHECK_TS_FAILS(s)                                                                          \
	do {                                                                                       \
		double v_ = -1;                                                                    \
		size_t pos_;                                                                       \
		CHECK(!timestamp(s, &v_, &pos_));                                                  \
	} while (0)

/* --- signature ------------------------------------------------------------ */

static void test_signature_accepted(void)
{
	CHECK(cue_count("WEBVTT") == 0);
	CHECK(cue_count("WEBVTT\n") == 0);
	CHECK(cue_count("WEBVTT\n\n") == 0);
	CHECK(cue_count("WEBVTT ") == 0);
	CHECK(cue_count("WEBVTT\t") == 0);
	CHECK(cue_count("WEBVTT\r") == 0);
	CHECK(cue_count("WEBVTT\r\n") == 0);
	CHECK(cue_count("WEBVTT - Talk title\n\n00:00.000 --> 00:01.000\nhi") == 1);
	CHECK(cue_count("WEBVTT\tKind: captions\n\n00:00.000 --> 00:01.000\nhi") == 1);
	CHECK(cue_count("WEBVTT \n\n00:00.000 --> 00:01.000\nhi") == 1);
	CHECK(cue_count("\xEF\xBB\xBFWEBVTT\n\n00:00.000 --> 00:01.000\nhi") == 1);
	CHECK(cue_count("\xEF\xBB\xBFWEBVTT") == 0);
	CHECK(cue_count("WEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\nhi") == 1);
	CHECK(cue_count("WEBVTT\r\r00:00.000 --> 00:01.000\rhi") == 1);
}

static void test_signature_rejected(void)
{
	CHECK(REJECTED(""));
	CHECK(REJECTED("WEBVT"));
	CHECK(REJECTED("webvtt"));
	CHECK(REJECTED("WEBVTTX"));
	CHECK(REJECTED("WEBVTT-"));
	CHECK(REJECTED("WEBVTT\f"));
	CHECK(REJECTED("WEBVTTgarbage\n\n00:00.000 --> 00:01.000\nhi"));
	CHECK(REJECTED(" WEBVTT"));
	CHECK(REJECTED("\nWEBVTT"));
	CHECK(REJECTED("WEBSRT\n\n00:00.000 --> 00:01.000\nhi"));
	CHECK(REJECTED("\xEF\xBB\xBF\xEF\xBB\xBFWEBVTT"));
	/* NUL after the signature becomes U+FFFD, which is not whitespace. */
	CHECK(REJECTED("WEBVTT\0\n"));
	CHECK(REJECTED("1\n00:00:01,000 --> 00:00:02,000\nan SRT file\n"));
	CHECK(REJECTED("00:00.000 --> 00:01.000\nno signature"));
}

/* --- line terminators, NUL, encoding ------------------------------------- */

static void check_two_cues(const char *s, const char *what)
{
	transcript t;
	transcript_status st = vtt(s, &t);
	bool ok = st == TRANSCRIPT_OK && t.cues.count == 2;
	harness_check(ok, what, __FILE__, __LINE__);
	if (ok) {
		harness_check_str(t.cues.items[0].id, "a", what, __FILE__, __LINE__);
		harness_check_str(t.cues.items[0].text, "one\ntwo", what, __FILE__, __LINE__);
		harness_check_str(t.cues.items[1].id, "", what, __FILE__, __LINE__);
		harness_check_str(t.cues.items[1].text, "three", what, __FILE__, __LINE__);
		harness_check_num(t.cues.items[1].start, 2, 1e-9, what, __FILE__, __LINE__);
		harness_check_num((double)t.cues.items[1].line, 8, 0, what, __FILE__, __LINE__);
	}
	transcript_free(&t);
}

static void test_line_terminators(void)
{
	check_two_cues("WEBVTT\n\na\n00:00.000 --> 00:01.000\none\ntwo\n\n"
	               "00:02.000 --> 00:03.000\nthree\n",
	               "LF");
	check_two_cues("WEBVTT\r\n\r\na\r\n00:00.000 --> 00:01.000\r\none\r\ntwo\r\n\r\n"
	               "00:02.000 --> 00:03.000\r\nthree\r\n",
	               "CRLF");
	check_two_cues("WEBVTT\r\ra\r00:00.000 --> 00:01.000\rone\rtwo\r\r"
	               "00:02.000 --> 00:03.000\rthree\r",
	               "CR");
	check_two_cues("WEBVTT\r\n\na\r00:00.000 --> 00:01.000\r\none\ntwo\r\r\n"
	               "00:02.000 --> 00:03.000\nthree",
	               "mixed");
}

static void test_nul_replaced(void)
{
	static const char in[] = "WEBVTT\n\nid\0x\n00:00.000 --> 00:01.000\na\0b\n";
	transcript t;
	CHECK(vtt_n(in, sizeof in - 1, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].id, "id" FFFD "x");
		CHECK_STR(t.cues.items[0].text, "a" FFFD "b");
		CHECK_STR(t.cues.items[0].plain, "a" FFFD "b");
	}
	transcript_free(&t);
}

static void test_invalid_utf8_replaced(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n\n00:00.000 --> 00:01.000\ncaf\xE9 \xC3\xA9 \xE2\x82\n", &t) ==
	      TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].text, "caf" FFFD " \xC3\xA9 " FFFD);
	CHECK(!t.used_cp1252);
	transcript_free(&t);
}

/* --- cue identifiers ------------------------------------------------------- */

static void test_cue_identifiers(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n\n1\n00:00.000 --> 00:01.000\none\n\n"
	          "intro \xE2\x80\x94 welcome\n00:01.000 --> 00:02.000\ntwo\n\n"
	          "00:02.000 --> 00:03.000\nthree\n\n"
	          "  spaced  \n00:03.000 --> 00:04.000\nfour\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 4);
	if (t.cues.count == 4) {
		CHECK_STR(t.cues.items[0].id, "1");
		CHECK_STR(t.cues.items[1].id, "intro \xE2\x80\x94 welcome");
		CHECK_STR(t.cues.items[2].id, "");
		CHECK_STR(t.cues.items[3].id, "  spaced  ");
	}
	transcript_free(&t);
}

static void test_identifier_with_arrow_is_a_timing_line(void)
{
	/* "-->" makes the first line the (failed) timing line; the real timing
	 * line is then a second arrow, which starts a new block: one cue, no
	 * identifier. */
	transcript t;
	CHECK(vtt("WEBVTT\n\nchapter-->one\n00:00.000 --> 00:01.000\ntext\n", &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].id, "");
		CHECK_STR(t.cues.items[0].text, "text");
		CHECK_NUM((double)t.cues.items[0].line, 4);
	}
	transcript_free(&t);
}

static void test_block_without_timing_dropped(void)
{
	CHECK(cue_count("WEBVTT\n\njust an id\n\n00:00.000 --> 00:01.000\nhi") == 1);
	CHECK(cue_count("WEBVTT\n\nid\ntext but no timing\n\n") == 0);
	/* A third line with an arrow starts a block of its own. */
	CHECK(cue_count("WEBVTT\n\nfirst\nsecond\n00:00.000 --> 00:01.000\nhi") == 1);
}

/* --- timestamps ------------------------------------------------------------ */

static void test_timestamp_forms(void)
{
	CHECK_TS("00:00.000", 0);
	CHECK_TS("00:01.000", 1);
	CHECK_TS("01:02.003", 62.003);
	CHECK_TS("59:59.999", 3599.999);
	CHECK_TS("00:00:00.000", 0);
	CHECK_TS("01:02:03.004", 3723.004);
	CHECK_TS("1:02:03.004", 3723.004);
	CHECK_TS("123:00:00.000", 442800);
	CHECK_TS("00:59:59.999", 3599.999);
	/* Hours may have any number of digits. */
	CHECK_TS("0000000001:00:00.000", 3600);
}

static void test_timestamp_field_ranges(void)
{
	/* A two-digit first field above 59 can only be hours. */
	CHECK_TS_FAILS("60:00.000");
	CHECK_TS("60:00:00.000", 216000);
	CHECK_TS_FAILS("00:60.000");
	CHECK_TS_FAILS("00:60:00.000");
	CHECK_TS_FAILS("00:00:60.000");
	CHECK_TS_FAILS("99:99.999");
}

static void test_timestamp_digit_counts(void)
{
	/* One digit: that field is hours, and then a third field is needed. */
	CHECK_TS_FAILS("1:02.000");
	CHECK_TS_FAILS("000:01.000");
	CHECK_TS_FAILS("00:1.000");
	CHECK_TS_FAILS("00:001.000");
	CHECK_TS_FAILS("00:00:1.000");
	CHECK_TS_FAILS("00:00:001.000");
	CHECK_TS_FAILS("00:00.00");
	CHECK_TS_FAILS("00:00.0000");
	CHECK_TS_FAILS("00:00.");
	CHECK_TS_FAILS("00:00");
	CHECK_TS_FAILS("00:00:00");
	CHECK_TS_FAILS("00:00,000");
	CHECK_TS_FAILS("00:00:00,000");
	CHECK_TS_FAILS("00:00:00:00.000");
	CHECK_TS_FAILS("");
	CHECK_TS_FAILS(":00.000");
	CHECK_TS_FAILS("a0:00.000");
	CHECK_TS_FAILS(" 00:00.000");
	CHECK_TS_FAILS("-00:01.000");
	CHECK_TS_FAILS("00:0a.000");
}

static void test_timestamp_stops_after_fraction(void)
{
	double v;
	size_t pos;
	CHECK(timestamp("00:01.500 --> x", &v, &pos));
	CHECK_NUM(v, 1.5);
	CHECK(pos == 9);
	/* The length is honoured. */
	pos = 0;
	CHECK(!vtt_timestamp_collect("00:01.5000", 8, &pos, &v));
	pos = 0;
	CHECK(vtt_timestamp_collect("00:01.5009", 9, &pos, &v));
	CHECK_NUM(v, 1.5);
	/* It starts at *pos. */
	pos = 3;
	CHECK(vtt_timestamp_collect("xx 00:02.000", 12, &pos, &v));
	CHECK_NUM(v, 2);
	CHECK(pos == 12);
}

/* --- timing lines ---------------------------------------------------------- */

static void test_timing_line_forms(void)
{
	double a, b;
	cue_settings st;
	CHECK(timing("00:00.000 --> 00:01.000", &a, &b, &st));
	CHECK_NUM(a, 0);
	CHECK_NUM(b, 1);
	CHECK(timing("00:01.000-->00:02.000", &a, &b, &st));
	CHECK_NUM(a, 1);
	CHECK_NUM(b, 2);
	CHECK(timing("  00:01.000 \t-->\t 00:02.000  ", &a, &b, &st));
	CHECK(timing("01:00:00.000 --> 01:00:01.500", &a, &b, &st));
	CHECK_NUM(a, 3600);
	CHECK_NUM(b, 3601.5);
	/* End before start is kept (WebVTT does not reject it). */
	CHECK(timing("00:05.000 --> 00:01.000", &a, &b, &st));
	CHECK_NUM(a, 5);
	CHECK_NUM(b, 1);
}

static void test_timing_line_malformed(void)
{
	double a, b;
	cue_settings st;
	CHECK(!timing("", &a, &b, &st));
	CHECK(!timing("-->", &a, &b, &st));
	CHECK(!timing("00:00.000 -> 00:01.000", &a, &b, &st));
	CHECK(!timing("00:00.000 - -> 00:01.000", &a, &b, &st));
	CHECK(!timing("00:00.000 --> ", &a, &b, &st));
	CHECK(!timing("00:00.000 00:01.000", &a, &b, &st));
	CHECK(!timing("x 00:00.000 --> 00:01.000", &a, &b, &st));
	CHECK(!timing("00:00.000x --> 00:01.000", &a, &b, &st));
	CHECK(!timing("00:00,000 --> 00:01,000", &a, &b, &st));
	CHECK(!timing("00:00.000 --> 00:60.000", &a, &b, &st));
	CHECK(!timing("00:00.000 --> 00:01.0000", &a, &b, &st));
}

/* --- cue settings ---------------------------------------------------------- */

static void test_settings_default(void)
{
	cue_settings st = settings_of("");
	CHECK(st.present);
	CHECK_STR(st.vertical, "");
	CHECK(st.line_auto);
	CHECK(st.snap_to_lines);
	CHECK_STR(st.line_align, "start");
	CHECK(st.position_auto);
	CHECK_STR(st.position_align, "auto");
	CHECK_NUM(st.size, 100);
	CHECK_STR(st.align, "center");
}

static void test_settings_vertical(void)
{
	CHECK_STR(settings_of("vertical:rl").vertical, "rl");
	CHECK_STR(settings_of("vertical:lr").vertical, "lr");
	CHECK_STR(settings_of("vertical:RL").vertical, "");
	CHECK_STR(settings_of("vertical:x").vertical, "");
	CHECK_STR(settings_of("vertical:").vertical, "");
	CHECK_STR(settings_of("vertical").vertical, "");
	CHECK_STR(settings_of(":rl").vertical, "");
	CHECK_STR(settings_of("vertical:rl:x").vertical, "");
	CHECK_STR(settings_of("vertical :rl").vertical, "");
}

static void test_settings_line_number(void)
{
	cue_settings st = settings_of("line:0");
	CHECK(!st.line_auto);
	CHECK_NUM(st.line, 0);
	CHECK(st.snap_to_lines);
	st = settings_of("line:-1");
	CHECK(!st.line_auto);
	CHECK_NUM(st.line, -1);
	CHECK(st.snap_to_lines);
	st = settings_of("line:12");
	CHECK_NUM(st.line, 12);
	st = settings_of("line:1.5");
	CHECK_NUM(st.line, 1.5);
	st = settings_of("line:-0.25");
	CHECK_NUM(st.line, -0.25);
	/* Far past 100: a line number, not a percentage. */
	st = settings_of("line:4294967296");
	CHECK_NUM(st.line, 4294967296.0);
}

static void test_settings_line_percent(void)
{
	cue_settings st = settings_of("line:50%");
	CHECK(!st.line_auto);
	CHECK_NUM(st.line, 50);
	CHECK(!st.snap_to_lines);
	st = settings_of("line:0%");
	CHECK_NUM(st.line, 0);
	CHECK(!st.snap_to_lines);
	st = settings_of("line:100%");
	CHECK_NUM(st.line, 100);
	st = settings_of("line:12.5%");
	CHECK_NUM(st.line, 12.5);
}

static void test_settings_line_alignment(void)
{
	cue_settings st = settings_of("line:50%,start");
	CHECK_NUM(st.line, 50);
	CHECK_STR(st.line_align, "start");
	st = settings_of("line:50%,center");
	CHECK_STR(st.line_align, "center");
	CHECK(!st.snap_to_lines);
	st = settings_of("line:-2,end");
	CHECK_NUM(st.line, -2);
	CHECK_STR(st.line_align, "end");
	CHECK(st.snap_to_lines);
	/* An unknown alignment keeps the line and the default alignment: WPT
	 * settings-line ("line:100%,middle" gives line 100, lineAlign start). */
	st = settings_of("line:100%,middle");
	CHECK(!st.line_auto);
	CHECK_NUM(st.line, 100);
	CHECK(!st.snap_to_lines);
	CHECK_STR(st.line_align, "start");
	/* Case-sensitive. */
	CHECK_STR(settings_of("line:1,END").line_align, "start");
}

static void test_settings_line_invalid(void)
{
	static const char *const invalid[] = {
	    "line:",      "line:abc",  "line:-",       "line:%",      "line:1-2", "line:--1",
	    "line:1.2.3", "line:.5",   "line:5.",      "line:-.5",    "line:1e3", "line:+1",
	    "line:101%",  "line:-5%",  "line:5%%",     "line:.5%",    "line:5.%", "line:,end",
	    "line:x1",    "line:0x10", "line:100.01%", "line:50%abc",
	};
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		cue_settings st = settings_of(invalid[i]);
		harness_check(st.line_auto && st.snap_to_lines, invalid[i], __FILE__, __LINE__);
	}
	/* "line:1,5": the line is 1, the alignment "5" is not one (WPT rule). */
	cue_settings st = settings_of("line:1,5");
	CHECK(!st.line_auto);
	CHECK_NUM(st.line, 1);
	CHECK_STR(st.line_align, "start");
	/* Past the largest double: not a number (WPT settings-line). */
	char big[400] = "line:1";
	memset(big + 6, '0', 320);
	big[326] = '\0';
	st = settings_of(big);
	CHECK(st.line_auto);
}

static void test_settings_position(void)
{
	cue_settings st = settings_of("position:10%");
	CHECK(!st.position_auto);
	CHECK_NUM(st.position, 10);
	CHECK_STR(st.position_align, "auto");
	st = settings_of("position:0%");
	CHECK(!st.position_auto);
	CHECK_NUM(st.position, 0);
	st = settings_of("position:100%");
	CHECK_NUM(st.position, 100);
	st = settings_of("position:1.5%");
	CHECK_NUM(st.position, 1.5);
	st = settings_of("position:25%,line-left");
	CHECK_NUM(st.position, 25);
	CHECK_STR(st.position_align, "line-left");
	st = settings_of("position:25%,center");
	CHECK_STR(st.position_align, "center");
	st = settings_of("position:25%,line-right");
	CHECK_STR(st.position_align, "line-right");
	/* An unknown alignment keeps the position (WPT settings-position). */
	st = settings_of("position:1%,middle");
	CHECK(!st.position_auto);
	CHECK_NUM(st.position, 1);
	CHECK_STR(st.position_align, "auto");
	st = settings_of("position:1%,start");
	CHECK_STR(st.position_align, "auto");
}

static void test_settings_position_invalid(void)
{
	static const char *const invalid[] = {
	    "position:",     "position:10",   "position:101%", "position:-1%", "position:.5%",
	    "position:5.%",  "position:%",    "position:1%%",  "position:x%",  "position:1e1%",
	    "position:,10%", "position:10 %", "position:+10%",
	};
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		cue_settings st = settings_of(invalid[i]);
		harness_check(st.position_auto && strcmp(st.position_align, "auto") == 0,
		              invalid[i], __FILE__, __LINE__);
	}
}

static void test_settings_size(void)
{
	CHECK_NUM(settings_of("size:50%").size, 50);
	CHECK_NUM(settings_of("size:0%").size, 0);
	CHECK_NUM(settings_of("size:100%").size, 100);
	CHECK_NUM(settings_of("size:33.5%").size, 33.5);
	CHECK_NUM(settings_of("size:50").size, 100);
	CHECK_NUM(settings_of("size:101%").size, 100);
	CHECK_NUM(settings_of("size:-1%").size, 100);
	CHECK_NUM(settings_of("size:%").size, 100);
	CHECK_NUM(settings_of("size:").size, 100);
	CHECK_NUM(settings_of("size:50%,x").size, 100);
}

static void test_settings_align(void)
{
	CHECK_STR(settings_of("align:start").align, "start");
	CHECK_STR(settings_of("align:center").align, "center");
	CHECK_STR(settings_of("align:end").align, "end");
	CHECK_STR(settings_of("align:left").align, "left");
	CHECK_STR(settings_of("align:right").align, "right");
	/* "middle" was an old draft's name. */
	CHECK_STR(settings_of("align:middle").align, "center");
	CHECK_STR(settings_of("align:START").align, "center");
	CHECK_STR(settings_of("align:").align, "center");
	CHECK_STR(settings_of("align:start,end").align, "center");
}

static void test_settings_duplicates_last_wins(void)
{
	CHECK_STR(settings_of("align:start align:end").align, "end");
	CHECK_NUM(settings_of("line:1 line:2").line, 2);
	CHECK_NUM(settings_of("size:10% size:20%").size, 20);
	CHECK_STR(settings_of("vertical:rl vertical:lr").vertical, "lr");
	CHECK_NUM(settings_of("position:10% position:20%").position, 20);
	/* An invalid later value is ignored: the earlier one stays. */
	CHECK_NUM(settings_of("size:10% size:200%").size, 10);
	CHECK_STR(settings_of("align:end align:bogus").align, "end");
	/* A later line without a percentage switches snap-to-lines back. */
	cue_settings st = settings_of("line:50% line:3");
	CHECK_NUM(st.line, 3);
	CHECK(st.snap_to_lines);
}

static void test_settings_combined_and_unknown(void)
{
	cue_settings st = settings_of("vertical:lr line:-1,end position:20%,line-left size:40% "
	                              "align:left region:r1 foo:bar bare");
	CHECK_STR(st.vertical, "lr");
	CHECK_NUM(st.line, -1);
	CHECK_STR(st.line_align, "end");
	CHECK(st.snap_to_lines);
	CHECK_NUM(st.position, 20);
	CHECK_STR(st.position_align, "line-left");
	CHECK_NUM(st.size, 40);
	CHECK_STR(st.align, "left");
	/* Any ASCII whitespace separates settings. */
	st = settings_of("\talign:end\t\tsize:10%\f line:5%");
	CHECK_STR(st.align, "end");
	CHECK_NUM(st.size, 10);
	CHECK_NUM(st.line, 5);
}

static void test_settings_in_a_file(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n\n00:00.000 --> 00:01.000 align:start line:0\na\n\n"
	          "00:01.000 --> 00:02.000\nb\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].settings.align, "start");
		CHECK(!t.cues.items[0].settings.line_auto);
		/* Settings do not carry over to the next cue. */
		CHECK_STR(t.cues.items[1].settings.align, "center");
		CHECK(t.cues.items[1].settings.line_auto);
		CHECK(t.cues.items[1].settings.present);
	}
	transcript_free(&t);
}

/* --- blocks ---------------------------------------------------------------- */

static void test_note_style_region_blocks_give_no_cues(void)
{
	CHECK(cue_count("WEBVTT\n\nNOTE a comment\n\n") == 0);
	CHECK(cue_count("WEBVTT\n\nNOTE\nmulti\nline\n\n") == 0);
	CHECK(cue_count("WEBVTT\n\nSTYLE\n::cue { color: red }\n\n") == 0);
	CHECK(cue_count("WEBVTT\n\nREGION\nid:r1 width:40% lines:3\n\n") == 0);

	transcript t;
	CHECK(vtt("WEBVTT\n\nSTYLE\n::cue { color: red }\n\nREGION\nid:r1\n\n"
	          "NOTE before\n\n00:00.000 --> 00:01.000\none\n\n"
	          "NOTE between\nthe cues\n\n00:01.000 --> 00:02.000\ntwo\n\nNOTE at the end",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].text, "one");
		CHECK_STR(t.cues.items[1].text, "two");
	}
	transcript_free(&t);
}

static void test_note_like_identifier_is_a_cue(void)
{
	/* The parser knows no NOTE keyword: a "NOTE" line before a timing line
	 * is that cue's identifier (as in a browser). */
	transcript t;
	CHECK(vtt("WEBVTT\n\nNOTE\n00:00.000 --> 00:01.000\ntext\n", &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].id, "NOTE");
	transcript_free(&t);
	/* A NOTE whose second line has an arrow: that line is a (failed) timing
	 * line, so the block is dropped like any other. */
	CHECK(cue_count("WEBVTT\n\nNOTE\ncomment --> here\nmore\n\n00:00.000 --> 00:01.000\nx") ==
	      1);
	/* Likewise "STYLE" text inside a cue is just text. */
	CHECK(vtt("WEBVTT\n\n00:00.000 --> 00:01.000\nSTYLE\nNOTE\n", &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].text, "STYLE\nNOTE");
	transcript_free(&t);
}

static void test_arrow_in_cue_text_ends_the_cue(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n\n00:00.000 --> 00:01.000\nline one\n00:02.000 --> 00:03.000\n"
	          "line two\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].text, "line one");
		CHECK_STR(t.cues.items[1].text, "line two");
		CHECK_NUM(t.cues.items[1].start, 2);
		CHECK_NUM((double)t.cues.items[1].line, 5);
	}
	transcript_free(&t);

	/* An arrow line that is not a timing line still ends the cue; the block
	 * it starts has no valid timings and is dropped up to the blank line. */
	CHECK(vtt("WEBVTT\n\n00:00.000 --> 00:01.000\nbefore\nA --> B\nafter\n\n"
	          "00:02.000 --> 00:03.000\nnext\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].text, "before");
		CHECK_STR(t.cues.items[1].text, "next");
	}
	transcript_free(&t);

	/* Directly after the timing line, too: the cue is left with no text. */
	CHECK(vtt("WEBVTT\n\n00:00.000 --> 00:01.000\n00:01.000 --> 00:02.000\nx\n", &t) ==
	      TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].text, "");
		CHECK_STR(t.cues.items[1].text, "x");
	}
	transcript_free(&t);
}

static void test_header_ends_at_timing_line(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\nKind: captions\nLanguage: en\n00:00.000 --> 00:01.000\nhello\n", &t) ==
	      TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].id, "");
		CHECK_STR(t.cues.items[0].text, "hello");
		CHECK_NUM((double)t.cues.items[0].line, 4);
	}
	transcript_free(&t);

	/* Straight after the signature line. */
	CHECK(vtt("WEBVTT\n00:00.000 --> 00:01.000\nhello", &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].text, "hello");
		CHECK_NUM((double)t.cues.items[0].line, 2);
	}
	transcript_free(&t);

	/* A header line that looks like an identifier is not one. */
	CHECK(vtt("WEBVTT\nintro\n00:00.000 --> 00:01.000\nhello", &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].id, "");
	transcript_free(&t);

	/* Header text never becomes a cue. */
	CHECK(cue_count("WEBVTT\nKind: captions\n\n") == 0);
	CHECK(cue_count("WEBVTT\nKind: captions") == 0);
}

static void test_end_before_start_kept(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n\n00:05.000 --> 00:01.000\nbackwards\n", &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK_NUM(t.cues.items[0].start, 5);
		CHECK_NUM(t.cues.items[0].end, 1);
	}
	transcript_free(&t);
}

static void test_malformed_timing_drops_the_block(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n\n00:00 --> 00:01\nno millis\n\n00:60.000 --> 00:61.000\nsixty\n\n"
	          "00:01.000 --> 00:02.000\nkept\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].text, "kept");
	transcript_free(&t);
}

static void test_cue_text_and_blank_lines(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n\n\n\n00:00.000 --> 00:01.000\nfirst\n  \nthird\n\n\n\n"
	          "00:01.000 --> 00:02.000\n\n00:02.000 --> 00:03.000\nlast",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 3);
	if (t.cues.count == 3) {
		/* A line of spaces is not blank in WebVTT: it is cue text. */
		CHECK_STR(t.cues.items[0].text, "first\n  \nthird");
		CHECK_STR(t.cues.items[1].text, "");
		CHECK_STR(t.cues.items[1].plain, "");
		CHECK(t.cues.items[1].voice == NULL);
		CHECK_STR(t.cues.items[2].text, "last");
		CHECK_NUM((double)t.cues.items[0].line, 5);
		CHECK_NUM((double)t.cues.items[1].line, 12);
		CHECK_NUM((double)t.cues.items[2].line, 14);
	}
	transcript_free(&t);
}

static void test_cue_text_rendered(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n\n00:00.000 --> 00:01.000\n<v.loud  Ada  Lovelace >Hi &amp; "
	          "<b>bye</b>\n<i>line two</i>\n",
	          &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].text,
		          "<v.loud  Ada  Lovelace >Hi &amp; <b>bye</b>\n<i>line two</i>");
		CHECK_STR(t.cues.items[0].plain, "Hi & bye\nline two");
		CHECK_STR(t.cues.items[0].voice, "Ada Lovelace");
	}
	transcript_free(&t);
}

static void test_format_and_status(void)
{
	transcript t;
	CHECK(vtt("WEBVTT\n", &t) == TRANSCRIPT_OK);
	CHECK(t.format == TRANSCRIPT_WEBVTT);
	CHECK_STR(t.error, "");
	CHECK(t.error_line == 0);
	transcript_free(&t);
	CHECK(t.format == TRANSCRIPT_UNKNOWN);
	CHECK(t.cues.items == NULL && t.cues.count == 0);
	transcript_free(&t); /* twice is fine */
	transcript_free(NULL);
}

int main(void)
{
	RUN(test_signature_accepted);
	RUN(test_signature_rejected);
	RUN(test_line_terminators);
	RUN(test_nul_replaced);
	RUN(test_invalid_utf8_replaced);
	RUN(test_cue_identifiers);
	RUN(test_identifier_with_arrow_is_a_timing_line);
	RUN(test_block_without_timing_dropped);
	RUN(test_timestamp_forms);
	RUN(test_timestamp_field_ranges);
	RUN(test_timestamp_digit_counts);
	RUN(test_timestamp_stops_after_fraction);
	RUN(test_timing_line_forms);
	RUN(test_timing_line_malformed);
	RUN(test_settings_default);
	RUN(test_settings_vertical);
	RUN(test_settings_line_number);
	RUN(test_settings_line_percent);
	RUN(test_settings_line_alignment);
	RUN(test_settings_line_invalid);
	RUN(test_settings_position);
	RUN(test_settings_position_invalid);
	RUN(test_settings_size);
	RUN(test_settings_align);
	RUN(test_settings_duplicates_last_wins);
	RUN(test_settings_combined_and_unknown);
	RUN(test_settings_in_a_file);
	RUN(test_note_style_region_blocks_give_no_cues);
	RUN(test_note_like_identifier_is_a_cue);
	RUN(test_arrow_in_cue_text_ends_the_cue);
	RUN(test_header_ends_at_timing_line);
	RUN(test_end_before_start_kept);
	RUN(test_malformed_timing_drops_the_block);
	RUN(test_cue_text_and_blank_lines);
	RUN(test_cue_text_rendered);
	RUN(test_format_and_status);
	return harness_finish();
}
