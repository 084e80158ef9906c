/* transcript: sniffing the format (content first, the name as tie-breaker),
 * dispatch to the parser, and the shared result helpers. */
#include <stdbool.h>
#include <string.h>

#include "harness.h"
#include "transcript.h"

#define SRT_BODY "1\n00:00:01,000 --> 00:00:02,000\nHello\n"
#define VTT_BODY "WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n"

static transcript_format sniff(const char *s, const char *name)
{
	return transcript_sniff(s, strlen(s), name);
}

static transcript_status parse(const char *s, transcript_format format, const char *name,
                               transcript *t)
{
	transcript init = TRANSCRIPT_INIT;
	*t = init;
	return transcript_parse(s, strlen(s), format, name, t);
}

static void test_sniff_webvtt_by_content(void)
{
	CHECK(sniff(VTT_BODY, NULL) == TRANSCRIPT_WEBVTT);
	CHECK(sniff("WEBVTT", NULL) == TRANSCRIPT_WEBVTT);
	CHECK(sniff("\xEF\xBB\xBFWEBVTT\n", NULL) == TRANSCRIPT_WEBVTT);
	/* Content beats the extension. */
	CHECK(sniff(VTT_BODY, "talk.srt") == TRANSCRIPT_WEBVTT);
	CHECK(sniff(VTT_BODY, "talk.txt") == TRANSCRIPT_WEBVTT);
	/* A bad signature is still WebVTT by content; the parser rejects it. */
	CHECK(sniff("WEBVTTX\n", "x.srt") == TRANSCRIPT_WEBVTT);
}

static void test_sniff_srt_by_content(void)
{
	CHECK(sniff(SRT_BODY, NULL) == TRANSCRIPT_SRT);
	CHECK(sniff(SRT_BODY, "talk.txt") == TRANSCRIPT_SRT);
	CHECK(sniff("00:00:01,000 --> 00:00:02,000\nNo index\n", NULL) == TRANSCRIPT_SRT);
	CHECK(sniff("\n\n  \r\n" SRT_BODY, NULL) == TRANSCRIPT_SRT);
	CHECK(sniff("\xEF\xBB\xBF" SRT_BODY, NULL) == TRANSCRIPT_SRT);
	CHECK(sniff("1\r\n00:00:01,000 --> 00:00:02,000\r\n", NULL) == TRANSCRIPT_SRT);
	CHECK(sniff("1\r00:00:01,000 --> 00:00:02,000\r", NULL) == TRANSCRIPT_SRT);
	CHECK(sniff("  12  \n", NULL) == TRANSCRIPT_SRT);
}

static void test_sniff_vtt_name_wins_over_srt_content(void)
{
	/* The uploader meant WebVTT: sniffed as such, so the parser says the
	 * signature is missing instead of quietly reading SRT. */
	CHECK(sniff(SRT_BODY, "talk.vtt") == TRANSCRIPT_WEBVTT);
	CHECK(sniff(SRT_BODY, "TALK.VTT") == TRANSCRIPT_WEBVTT);
	CHECK(sniff("", "empty.vtt") == TRANSCRIPT_WEBVTT);

	transcript t;
	CHECK(parse(SRT_BODY, TRANSCRIPT_UNKNOWN, "talk.vtt", &t) == TRANSCRIPT_INVALID);
	CHECK(t.format == TRANSCRIPT_WEBVTT);
	CHECK(t.error_line == 1);
	CHECK(strncmp(t.error, "line 1: ", 8) == 0);
	CHECK(t.cues.count == 0);
	transcript_free(&t);
}

static void test_sniff_srt_name_as_tie_breaker(void)
{
	CHECK(sniff("Hello\n", "talk.srt") == TRANSCRIPT_SRT);
	CHECK(sniff("", "talk.SRT") == TRANSCRIPT_SRT);
	CHECK(sniff("", "talk.srt") == TRANSCRIPT_SRT);
}

static void test_sniff_unknown(void)
{
	CHECK(sniff("", NULL) == TRANSCRIPT_UNKNOWN);
	CHECK(sniff("\n\n", NULL) == TRANSCRIPT_UNKNOWN);
	CHECK(sniff("Hello, world\n", NULL) == TRANSCRIPT_UNKNOWN);
	CHECK(sniff("# Agenda\n- 00:01 Intro\n", "agenda.md") == TRANSCRIPT_UNKNOWN);
	CHECK(sniff("webvtt\n", NULL) == TRANSCRIPT_UNKNOWN);
	CHECK(sniff(" WEBVTT\n", NULL) == TRANSCRIPT_UNKNOWN);
	CHECK(sniff("1a\n00:00:01,000 --> 00:00:02,000\n", NULL) == TRANSCRIPT_UNKNOWN);
	/* Names that only look like the extensions. */
	CHECK(sniff("Hello\n", "vtt") == TRANSCRIPT_UNKNOWN);
	CHECK(sniff("Hello\n", "talk.srt.txt") == TRANSCRIPT_UNKNOWN);
	CHECK(sniff("Hello\n", "talkvtt") == TRANSCRIPT_UNKNOWN);
	CHECK(sniff("Hello\n", "") == TRANSCRIPT_UNKNOWN);
}

static void test_parse_dispatch(void)
{
	transcript t;
	CHECK(parse(VTT_BODY, TRANSCRIPT_UNKNOWN, NULL, &t) == TRANSCRIPT_OK);
	CHECK(t.format == TRANSCRIPT_WEBVTT);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK(t.cues.items[0].settings.present);
	transcript_free(&t);

	CHECK(parse(SRT_BODY, TRANSCRIPT_UNKNOWN, "x.txt", &t) == TRANSCRIPT_OK);
	CHECK(t.format == TRANSCRIPT_SRT);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK(!t.cues.items[0].settings.present);
	transcript_free(&t);
}

static void test_parse_forced_format(void)
{
	transcript t;
	/* Forcing overrides sniffing both ways. */
	CHECK(parse(SRT_BODY, TRANSCRIPT_WEBVTT, "x.srt", &t) == TRANSCRIPT_INVALID);
	CHECK(t.format == TRANSCRIPT_WEBVTT);
	transcript_free(&t);
	CHECK(parse(SRT_BODY, TRANSCRIPT_SRT, "x.vtt", &t) == TRANSCRIPT_OK);
	CHECK(t.format == TRANSCRIPT_SRT);
	CHECK(t.cues.count == 1);
	transcript_free(&t);
	CHECK(parse(VTT_BODY, TRANSCRIPT_SRT, NULL, &t) == TRANSCRIPT_INVALID);
	CHECK(t.format == TRANSCRIPT_SRT);
	transcript_free(&t);
}

static void test_parse_unknown_rejected(void)
{
	transcript t;
	CHECK(parse("Hello, world\n", TRANSCRIPT_UNKNOWN, "notes.txt", &t) == TRANSCRIPT_INVALID);
	CHECK(t.format == TRANSCRIPT_UNKNOWN);
	CHECK(t.error_line == 1);
	CHECK(strncmp(t.error, "line 1: ", 8) == 0);
	CHECK(t.cues.count == 0);
	transcript_free(&t);
	CHECK(parse("", TRANSCRIPT_UNKNOWN, NULL, &t) == TRANSCRIPT_INVALID);
	transcript_free(&t);
}

static void test_reject_helper(void)
{
	transcript t = TRANSCRIPT_INIT;
	CHECK(transcript_reject(&t, 12, "bad %s at %d", "thing", 3) == TRANSCRIPT_INVALID);
	CHECK_STR(t.error, "line 12: bad thing at 3");
	CHECK(t.error_line == 12);
	CHECK(transcript_reject(&t, 0, "no line") == TRANSCRIPT_INVALID);
	CHECK_STR(t.error, "no line");
	CHECK(t.error_line == 0);
	/* Long messages are cut, never overflow. */
	char big[1000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	transcript_reject(&t, 7, "%s", big);
	CHECK(strlen(t.error) < sizeof t.error);
	CHECK(strncmp(t.error, "line 7: xxx", 11) == 0);
	transcript_free(&t);
	CHECK_STR(t.error, "");
	CHECK(t.error_line == 0);
}

static void test_strings(void)
{
	CHECK_STR(transcript_format_str(TRANSCRIPT_WEBVTT), "webvtt");
	CHECK_STR(transcript_format_str(TRANSCRIPT_SRT), "srt");
	CHECK_STR(transcript_format_str(TRANSCRIPT_UNKNOWN), "unknown");
	CHECK_STR(transcript_status_str(TRANSCRIPT_OK), "ok");
	CHECK(transcript_status_str(TRANSCRIPT_INVALID)[0] != '\0');
	CHECK(transcript_status_str(TRANSCRIPT_NOMEM)[0] != '\0');
}

int main(void)
{
	RUN(test_sniff_webvtt_by_content);
	RUN(test_sniff_srt_by_content);
	RUN(test_sniff_vtt_name_wins_over_srt_content);
	RUN(test_sniff_srt_name_as_tie_breaker);
	RUN(test_sniff_unknown);
	RUN(test_parse_dispatch);
	RUN(test_parse_forced_format);
	RUN(test_parse_unknown_rejected);
	RUN(test_reject_helper);
	RUN(test_strings);
	return harness_finish();
}
