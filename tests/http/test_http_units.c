/* The server's pure parts: Range (RFC 9110 §14), HTTP dates (§5.6.7),
 * entity tags (§8.8.3), escaping, path decoding, the WebVTT writer, and
 * the pages' helpers (moments in URLs, times, markdown, assets). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "harness.h"
#include "html.h"
#include "range.h"
#include "replica_gate.h"
#include "target_check.h"
#include "timecode.h"
#include "transcript_write.h"
#include "vtt_write.h"
#include "web_assets.h"

static http_range_status range(const char *h, uint64_t size, uint64_t *f, uint64_t *l)
{
	*f = *l = 12345;
	return http_range_parse(h, size, f, l);
}

static void test_range(void)
{
	uint64_t f, l;
	CHECK(range("bytes=0-0", 1000, &f, &l) == HTTP_RANGE_SINGLE && f == 0 && l == 0);
	CHECK(range("bytes=-500", 1000, &f, &l) == HTTP_RANGE_SINGLE && f == 500 && l == 999);
	CHECK(range("bytes=-5000", 1000, &f, &l) == HTTP_RANGE_SINGLE && f == 0 && l == 999);
	CHECK(range("bytes=100-99999", 1000, &f, &l) == HTTP_RANGE_SINGLE && f == 100 && l == 999);
	CHECK(range("bytes=999-", 1000, &f, &l) == HTTP_RANGE_SINGLE && f == 999 && l == 999);
	CHECK(range("BYTES = 1-2", 1000, &f, &l) == HTTP_RANGE_SINGLE && f == 1 && l == 2);
	CHECK(range("bytes= 1-2 ,", 1000, &f, &l) == HTTP_RANGE_SINGLE && f == 1 && l == 2);
	CHECK(range("bytes=1000-", 1000, &f, &l) == HTTP_RANGE_UNSATISFIABLE);
	CHECK(range("bytes=1000-2000", 1000, &f, &l) == HTTP_RANGE_UNSATISFIABLE);
	CHECK(range("bytes=-0", 1000, &f, &l) == HTTP_RANGE_UNSATISFIABLE);
	CHECK(range("bytes=0-", 0, &f, &l) == HTTP_RANGE_UNSATISFIABLE);
	CHECK(range("bytes=-5", 0, &f, &l) == HTTP_RANGE_UNSATISFIABLE);
	CHECK(range("bytes=99999999999999999999999-", 1000, &f, &l) == HTTP_RANGE_UNSATISFIABLE);
	CHECK(range("bytes=0-99999999999999999999999", 1000, &f, &l) == HTTP_RANGE_SINGLE &&
	      l == 999);
	CHECK(range("bytes=0-0,5-9", 1000, &f, &l) == HTTP_RANGE_MULTIPLE);
	CHECK(range("bytes=0-0,2000-", 1000, &f, &l) == HTTP_RANGE_MULTIPLE);
	CHECK(range("bytes=2000-,3000-", 1000, &f, &l) == HTTP_RANGE_UNSATISFIABLE);
	/* Invalid syntax or another unit: ignored (a 200). */
	CHECK(range(NULL, 1000, &f, &l) == HTTP_RANGE_NONE);
	CHECK(range("bytes=5-1", 1000, &f, &l) == HTTP_RANGE_NONE);
	CHECK(range("bytes=", 1000, &f, &l) == HTTP_RANGE_NONE);
	CHECK(range("bytes=-", 1000, &f, &l) == HTTP_RANGE_NONE);
	CHECK(range("bytes=a-b", 1000, &f, &l) == HTTP_RANGE_NONE);
	CHECK(range("bytes=1-2x", 1000, &f, &l) == HTTP_RANGE_NONE);
	CHECK(range("bytes=--1", 1000, &f, &l) == HTTP_RANGE_NONE);
	CHECK(range("pages=0-1", 1000, &f, &l) == HTTP_RANGE_NONE);
	CHECK(range("bytes 0-1", 1000, &f, &l) == HTTP_RANGE_NONE);
	/* Beyond 4 GiB. */
	uint64_t big = 6ull << 30;
	CHECK(range("bytes=5368709120-", big, &f, &l) == HTTP_RANGE_SINGLE && f == 5ull << 30 &&
	      l == big - 1);
}

static void test_dates(void)
{
	char buf[30];
	time_t t;
	http_date_format(784111777, buf);
	CHECK_STR(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	http_date_format(0, buf);
	CHECK_STR(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	CHECK(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t) && t == 784111777);
	CHECK(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t) && t == 784111777);
	CHECK(http_date_parse("Sun Nov  6 08:49:37 1994", &t) && t == 784111777);
	CHECK(http_date_parse("Thu, 29 Feb 2024 23:59:59 GMT", &t) && t == 1709251199);
	CHECK(!http_date_parse("Sun, 06 Nov 1994 08:49:37 PST", &t));
	CHECK(!http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", &t));
	CHECK(!http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT trailing", &t));
	CHECK(!http_date_parse("yesterday", &t));
	CHECK(!http_date_parse("", &t));
	CHECK(!http_date_parse(NULL, &t));
}

static void test_etags(void)
{
	const char *e = "\"abc-1\"";
	CHECK(http_etag_match_weak("\"abc-1\"", e));
	CHECK(http_etag_match_weak("W/\"abc-1\"", e));
	CHECK(http_etag_match_weak("\"x\", \"abc-1\"", e));
	CHECK(http_etag_match_weak("*", e));
	CHECK(!http_etag_match_weak("\"abc\"", e));
	CHECK(!http_etag_match_weak("abc-1", e));
	CHECK(!http_etag_match_weak(NULL, e));
	CHECK(http_etag_match_strong("\"abc-1\"", e));
	CHECK(!http_etag_match_strong("W/\"abc-1\"", e));
	CHECK(!http_etag_match_strong("\"abc-2\"", e));
}

static char *esc(bool (*fn)(strbuf *, const char *), const char *s)
{
	static char out[512];
	strbuf sb = STRBUF_INIT;
	fn(&sb, s);
	snprintf(out, sizeof out, "%s", sb.data ? sb.data : "");
	sb_free(&sb);
	return out;
}

static void test_escape(void)
{
	CHECK_STR(esc(http_escape_html, "<script>alert(\"x\")</script> & 'y'"),
	          "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
	CHECK_STR(esc(http_escape_attr, "\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
	CHECK_STR(esc(http_escape_html, NULL), "");
	CHECK_STR(esc(http_escape_xml, "a\x01"
	                               "b\tc<"),
	          "ab\tc&lt;");
	CHECK_STR(esc(http_escape_url, "a b/c?d=é&~"), "a%20b%2Fc%3Fd%3D%C3%A9%26~");
	CHECK_STR(esc(http_escape_vtt_text, "a --> b\n\n  \nc & <d>\n"),
	          "a --&gt; b\nc &amp; &lt;d&gt;");
	CHECK_STR(esc(http_escape_vtt_text, "\n\nonly\n\n"), "only");
}

static void test_path_decode(void)
{
	char *out;
	bool nomem;
	const char *good = "/media/abc%2Dd%20e";
	CHECK(http_path_decode(good, strlen(good), &out, &nomem));
	CHECK_STR(out, "/media/abc-d e");
	free(out);
	const char *bad[] = {"/media/..%2f..%2fetc",
	                     "/media/a%2Fb",
	                     "/a%00b",
	                     "/a%5cb",
	                     "/a\\b",
	                     "/a%zz",
	                     "/a%2",
	                     "/a%",
	                     "/a%0a"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(!http_path_decode(bad[i], strlen(bad[i]), &out, &nomem) && !out && !nomem);
	}
	/* Decoding stops at the given length (the query is not part of the path). */
	CHECK(http_path_decode("/x?%00", 2, &out, &nomem));
	CHECK_STR(out, "/x");
	free(out);
}

/* replica_gate.h: a replica answers reads and refuses the rest. */
static void test_replica_gate(void)
{
	const char *reads[] = {
	    "/",        "/search",  "/api/search", "/api/recordings", "/api/recordings/x",
	    "/media/x", "/watch/x", "/healthz",    "/uploads",        "/uploadsx",
	    "/loginx",  "/editor"};
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
		CHECK(!http_replica_refuses("GET", reads[i]));
		CHECK(!http_replica_refuses("HEAD", reads[i]));
		CHECK(http_replica_refuses("POST", reads[i]));
	}
	const char *staff[] = {"/login",    "/logout",      "/upload",          "/edit/x",
	                       "/delete/x", "/api/uploads", "/api/uploads/abc", "/upload/"};
	for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++)
		CHECK(http_replica_refuses("GET", staff[i]));
	CHECK(http_replica_refuses("PATCH", "/api/uploads/abc"));
	CHECK(http_replica_refuses("DELETE", "/api/uploads/abc"));
	CHECK(http_replica_refuses("OPTIONS", "/api/uploads"));
	CHECK(http_replica_refuses("get", "/"));
}

/* target_check.h: UTF-8 of the path and of every parameter's name and
 * value, decoded as libmicrohttpd decodes them, and the parameter cap. */
static void test_target_check(void)
{
	char err[256];
	CHECK(http_target_check("/search?q=caf%C3%A9+flex*&page=2", err, sizeof err) ==
	      HTTP_TARGET_OK);
	CHECK(http_target_check("/caf\xc3\xa9?q=%E2%82%AC", err, sizeof err) == HTTP_TARGET_OK);
	/* A malformed escape is taken literally, as MHD does: it is ASCII. */
	CHECK(http_target_check("/a?q=%zz&r=%e", err, sizeof err) == HTTP_TARGET_OK);
	/* After '#' nothing counts (a client should not send it; MHD keeps it). */
	CHECK(http_target_check("/a?q=1#%ff", err, sizeof err) == HTTP_TARGET_OK);
	CHECK(http_target_check("/a?q=caf%e9", err, sizeof err) == HTTP_TARGET_NOT_UTF8);
	CHECK(strstr(err, "query parameter q: not UTF-8") != NULL);
	CHECK(http_target_check("/a?%ff=1", err, sizeof err) == HTTP_TARGET_NOT_UTF8);
	CHECK(strstr(err, "a query parameter is not UTF-8") != NULL);
	CHECK(http_target_check("/a%c0%af", err, sizeof err) == HTTP_TARGET_NOT_UTF8);
	CHECK(strstr(err, "the path is not UTF-8") != NULL);
	CHECK(http_target_check("/a?q=%ed%a0%80", err, sizeof err) == HTTP_TARGET_NOT_UTF8);
	CHECK(http_target_check("/a?q=%f4%90%80%80", err, sizeof err) == HTTP_TARGET_NOT_UTF8);
	CHECK(http_target_check("/a?q=%e2%82", err, sizeof err) == HTTP_TARGET_NOT_UTF8);
	CHECK(http_target_check("/a?q=%e2%82x", err, sizeof err) == HTTP_TARGET_NOT_UTF8);
	CHECK(http_target_check("/a?q=\xe9", err, sizeof err) == HTTP_TARGET_NOT_UTF8);
	/* Empty pieces are no parameters. */
	CHECK(http_target_arg_count("/a") == 0 && http_target_arg_count("/a?") == 0 &&
	      http_target_arg_count("/a?&&") == 0 && http_target_arg_count("/a?x&&y=1&") == 2 &&
	      http_target_arg_count("/a?x#&y&z") == 1);
	strbuf sb = STRBUF_INIT;
	CHECK(sb_append_str(&sb, "/a?"));
	for (int i = 0; i < HTTP_MAX_QUERY_ARGS; i++)
		CHECK(sb_append_str(&sb, "k=v&"));
	CHECK(http_target_check(sb.data, err, sizeof err) == HTTP_TARGET_OK);
	CHECK(sb_append_str(&sb, "k=v"));
	CHECK(http_target_check(sb.data, err, sizeof err) == HTTP_TARGET_TOO_MANY_ARGS);
	CHECK(strstr(err, "too many query parameters") != NULL);
	sb_free(&sb);
}

static void test_vtt_write(void)
{
	cue items[3] = {
	    {.id = "1",
	     .start = 0.5,
	     .end = 2,
	     .text = "<i>x</i>",
	     .plain = "a --> b\n\nc < d",
	     .voice = "Ann <&> Lee"},
	    {.id = "00:00:01.000 --> 00:00:02.000",
	     .start = 3661.25,
	     .end = 3662,
	     .text = "t",
	     .plain = "t",
	     .voice = NULL},
	    {.id = "", .start = -1, .end = 1, .text = "", .plain = "", .voice = NULL},
	};
	cue_list list = {items, 3, 3};
	strbuf sb = STRBUF_INIT;
	CHECK(http_vtt_write_cues(&sb, &list, false));
	CHECK_STR(sb.data, "WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\n<v Ann &lt;&amp;&gt; "
	                   "Lee>a --&gt; b\nc &lt; d\n\n01:01:01.250 --> 01:01:02.000\nt\n\n"
	                   "00:00:00.000 --> 00:00:01.000\n\n");
	sb_free(&sb);

	cue_settings s = cue_settings_default();
	s.present = true;
	s.align = "start";
	s.position_auto = false;
	s.position = 10;
	cue vtt = {.id = "",
	           .start = 1,
	           .end = 2,
	           .text = "<v A>x --> y\n\nz",
	           .plain = "",
	           .settings = s};
	cue_list one = {&vtt, 1, 1};
	CHECK(http_vtt_write_cues(&sb, &one, true));
	CHECK_STR(sb.data,
	          "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 position:10% align:start\n<v A>x --&gt; "
	          "y\nz\n");
	sb_free(&sb);

	http_chapter ch[2] = {{0, "Intro & <hello>"}, {60, ""}};
	CHECK(http_vtt_write_chapters(&sb, ch, 2, 30));
	CHECK_STR(sb.data, "WEBVTT\n\nchapter-1\n00:00:00.000 --> 00:01:00.000\nIntro &amp; "
	                   "&lt;hello&gt;\n\nchapter-2\n00:01:00.000 --> 00:02:00.000\n\n");
	sb_free(&sb);
}

/* SRT and plain text downloads: a blank line inside a cue never ends it
 * (SRT's separator), voices prefix the text, a text file has one
 * paragraph per speaker turn. */
static void test_transcript_write(void)
{
	cue items[4] = {
	    {.id = "", .start = 0.5, .end = 2, .text = "", .plain = "a\n\n\nb\r\n", .voice = "Ann"},
	    {.id = "",
	     .start = 3661.25,
	     .end = 3662,
	     .text = "",
	     .plain = "same turn",
	     .voice = "Ann"},
	    {.id = "", .start = 4000, .end = 4001, .text = "", .plain = "", .voice = NULL},
	    {.id = "", .start = -1, .end = 5, .text = "", .plain = "x", .voice = "Bo"},
	};
	cue_list list = {items, 4, 4};
	strbuf sb = STRBUF_INIT;
	CHECK(http_srt_write_cues(&sb, &list));
	CHECK_STR(sb.data, "1\n00:00:00,500 --> 00:00:02,000\nAnn: a\nb\n\n"
	                   "2\n01:01:01,250 --> 01:01:02,000\nAnn: same turn\n\n"
	                   "3\n01:06:40,000 --> 01:06:41,000\n-\n\n"
	                   "4\n00:00:00,000 --> 00:00:05,000\nBo: x\n\n");
	sb_free(&sb);
	CHECK(http_text_write_cues(&sb, &list));
	CHECK_STR(sb.data, "Ann: a b\nsame turn\n\nBo: x\n");
	sb_free(&sb);
}

static double timecode(const char *s)
{
	double t = -1;
	return timecode_parse(s, &t) ? t : -1;
}

static void test_timecode(void)
{
	CHECK(timecode("754") == 754);
	CHECK(timecode("754.5") == 754.5);
	CHECK(timecode("0") == 0);
	CHECK(timecode("12:34") == 754);
	CHECK(timecode("1:02:03") == 3723);
	CHECK(timecode("01:02:03.250") == 3723.25);
	CHECK(timecode("12m34s") == 754);
	CHECK(timecode("1h2m3s") == 3723);
	CHECK(timecode("1h") == 3600);
	CHECK(timecode("90s") == 90);
	CHECK(timecode("2m") == 120);
	CHECK(timecode("1m30.5s") == 90.5);
	/* Refused: empty, signs, junk, units out of order or twice, seconds or
	 * minutes of 60 and more after the first part, absurd values. */
	const char *bad[] = {"",      "-5",          "+5",     "abc",  "12:",  ":12", "1:2:3:4",
	                     "12:60", "1:60:00",     "1.5:00", "2s1m", "1m1m", "12x", "1h2",
	                     "m",     "99999999999", "754 ",   "7 54", "1e3",  "0x10"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		double t = 5;
		CHECK(!timecode_parse(bad[i], &t) && t == 0);
	}
	double t = 5;
	CHECK(!timecode_parse(NULL, &t) && t == 0);
}

static void test_html_helpers(void)
{
	strbuf sb = STRBUF_INIT;
	CHECK(timecode_clock(&sb, 0) && timecode_clock(&sb, 754.9) && timecode_clock(&sb, 3723) &&
	      timecode_clock(&sb, -3) && timecode_clock(&sb, NAN));
	CHECK_STR(sb.data, "0:0012:341:02:030:000:00");
	sb_clear(&sb);
	CHECK(sb_append_str(&sb, "") && timecode_seconds(&sb, 754) && sb_append_char(&sb, ' ') &&
	      timecode_seconds(&sb, 157.49) && sb_append_char(&sb, ' ') &&
	      timecode_seconds(&sb, 1.0005) && sb_append_char(&sb, ' ') &&
	      timecode_seconds(&sb, -1));
	CHECK_STR(sb.data, "754 157.49 1.001 0");
	sb_clear(&sb);
	CHECK(sb_append_str(&sb, "") && timecode_duration(&sb, 42) && sb_append_char(&sb, '|') &&
	      timecode_duration(&sb, 978.6) && sb_append_char(&sb, '|') &&
	      timecode_duration(&sb, 3900));
	CHECK_STR(sb.data, "42 s|16 min|1 h 5 min");
	sb_clear(&sb);
	CHECK(http_html_date(&sb, "2025-10-22") && http_html_date(&sb, "<b>"));
	CHECK_STR(sb.data, "<time datetime=\"2025-10-22\">22 Oct 2025</time>&lt;b&gt;");
	sb_clear(&sb);
	CHECK(http_html_search_href(&sb, "a&b \"c\"", NULL, "tac-meeting", "", NULL, 2));
	CHECK_STR(sb.data, "/search?q=a%26b%20%22c%22&amp;kind=tac-meeting&amp;page=2");
	sb_clear(&sb);
	CHECK(http_html_search_href(&sb, "x", NULL, NULL, NULL, "2025-01-10-a&b", 1));
	CHECK_STR(sb.data, "/search?q=x&amp;recording=2025-01-10-a%26b");
	sb_clear(&sb);
	CHECK(sb_append_str(&sb, "") && http_html_release(&sb, "2.9") && sb_append_char(&sb, '|') &&
	      http_html_release(&sb, "helion") && sb_append_char(&sb, '|') &&
	      http_html_release(&sb, "<x>"));
	CHECK_STR(sb.data, "Release 2.9|Helion|&lt;x&gt;");
	sb_free(&sb);
}

static void test_markdown(void)
{
	strbuf sb = STRBUF_INIT;
	/* Safe mode: raw HTML and javascript: links never come through. */
	CHECK(http_html_markdown(&sb,
	                         "# Title\n\n<script>alert(1)</script>\n\n"
	                         "<b onmouseover=\"x()\">b</b> [x](javascript:alert(1)) "
	                         "![i](javascript:alert(2))\n",
	                         2));
	CHECK(strstr(sb.data, "<h3>Title</h3>") != NULL);
	CHECK(strstr(sb.data, "<script") == NULL && strstr(sb.data, "onmouseover") == NULL &&
	      strstr(sb.data, "javascript:") == NULL);
	sb_clear(&sb);
	/* Bare URLs become links, without the sentence's punctuation. */
	CHECK(http_html_markdown(&sb,
	                         "See https://example.org/a_(b). And (http://x.org/y), "
	                         "`https://code.example` and [t](https://l.example).\n",
	                         0));
	CHECK_STR(
	    sb.data,
	    "<p>See <a href=\"https://example.org/a_(b)\">https://example.org/a_(b)</a>. "
	    "And (<a href=\"http://x.org/y\">http://x.org/y</a>), "
	    "<code>https://code.example</code> and <a href=\"https://l.example\">t</a>.</p>\n");
	sb_clear(&sb);
	CHECK(http_html_markdown(&sb, "# one\n\n######## deep\n\n###### six\n", 2));
	CHECK(strstr(sb.data, "<h3>one</h3>") != NULL && strstr(sb.data, "<h6>six</h6>") != NULL);
	sb_clear(&sb);
	/* Notes that start at "##" still start right under the page's <h2>:
	 * no gap in the outline. */
	CHECK(http_html_markdown(&sb, "## Minutes\n\n### Decisions\n", 2));
	CHECK(strstr(sb.data, "<h3>Minutes</h3>") != NULL &&
	      strstr(sb.data, "<h4>Decisions</h4>") != NULL);
	sb_clear(&sb);
	/* The rest of a line after a bare URL is still markdown (our own
	 * autolinker used to give up there). */
	CHECK(http_html_markdown(
	    &sb, "Docs: https://a.example/x and **bold**, see www.b.example.\n", 0));
	CHECK_STR(sb.data, "<p>Docs: <a href=\"https://a.example/x\">https://a.example/x</a> and "
	                   "<strong>bold</strong>, see <a href=\"http://www.b.example\">"
	                   "www.b.example</a>.</p>\n");
	sb_clear(&sb);
	/* GitHub's tables, task lists and strikethrough, as TAC minutes use. */
	CHECK(http_html_markdown(&sb,
	                         "| Item | Owner |\n|---|---|\n| CI | ~~Ann~~ Ben |\n\n"
	                         "- [x] merged\n- [ ] review <img src=x onerror=y>\n",
	                         0));
	CHECK(strstr(sb.data, "<table>") != NULL && strstr(sb.data, "<th>Owner</th>") != NULL);
	CHECK(strstr(sb.data, "<td><del>Ann</del> Ben</td>") != NULL);
	/* Each task's checkbox has a name (axe: every form control needs one). */
	CHECK(strstr(sb.data, "type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"done\"") !=
	      NULL);
	CHECK(strstr(sb.data, "type=\"checkbox\" disabled=\"\" aria-label=\"to do\"") != NULL);
	CHECK(strstr(sb.data, "<img") == NULL && strstr(sb.data, "onerror") == NULL);
	sb_free(&sb);
}

static void test_assets(void)
{
	const http_asset *css = http_asset_find("style.css");
	const http_asset *js = http_asset_find("watch.js");
	CHECK(css && strcmp(css->type, "text/css; charset=utf-8") == 0 && css->len > 100);
	CHECK(js && strcmp(js->type, "text/javascript; charset=utf-8") == 0 && js->len > 100);
	CHECK(css && strlen(css->etag) == 18 && css->etag[0] == '"' &&
	      strncmp(css->etag + 1, css->version, 16) == 0);
	CHECK(http_asset_find("../style.css") == NULL && http_asset_find("") == NULL &&
	      http_asset_find(NULL) == NULL && http_asset_find("style.css/") == NULL);
}

int main(void)
{
	RUN(test_range);
	RUN(test_dates);
	RUN(test_etags);
	RUN(test_escape);
	RUN(test_path_decode);
	RUN(test_target_check);
	RUN(test_replica_gate);
	RUN(test_vtt_write);
	RUN(test_transcript_write);
	RUN(test_timecode);
	RUN(test_html_helpers);
	RUN(test_markdown);
	RUN(test_assets);
	return harness_finish();
}
