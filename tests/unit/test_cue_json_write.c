/* cue_json_write and transcript_stream against what they replace in
 * `qarchive cues`: json_out_print(transcript_json(transcript_parse(...))).
 * Every document is built both ways and must be the same bytes: made-up
 * transcripts of every format (settings, voices, word times, escapes,
 * roll-up captions, a rejection at line N), cues with awkward numbers and
 * strings, and the files named on the command line (ctest passes the
 * bundled transcripts). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cue_json.h"
#include "cue_json_write.h"
#include "file_io.h"
#include "harness.h"
#include "strbuf.h"
#include "transcript.h"

/* What json_out_print prints (cli/json_out.c: the same flags). */
static char *jansson_text(json_t *v)
{
	char *s = v ? json_dumps(v, JSON_INDENT(1) | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(v);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *line = malloc(n + 2);
	if (line) {
		memcpy(line, s, n);
		memcpy(line + n, "\n", 2);
	}
	free(s);
	return line;
}

typedef struct collect {
	strbuf out;
	size_t count;
	int restarts;
} collect;

static bool collect_cue(void *ctx, cue *c)
{
	collect *k = ctx;
	if (!cue_json_write_cue(&k->out, c, k->count == 0))
		return false;
	k->count++;
	return true;
}

static void collect_restart(void *ctx)
{
	collect *k = ctx;
	sb_clear(&k->out);
	k->count = 0;
	k->restarts++;
}

/* The streamed document of buf, as cue_spool prints it. */
static char *streamed_text(const char *buf, size_t len, const char *name, transcript *t,
                           transcript_status *st, int *restarts)
{
	collect k = {STRBUF_INIT, 0, 0};
	transcript_sink sink = {collect_cue, collect_restart, &k};
	*st = transcript_stream(buf, len, TRANSCRIPT_UNKNOWN, name, &sink, t);
	*restarts = k.restarts;
	strbuf doc = STRBUF_INIT;
	bool ok =
	    cue_json_write_head(&doc, *st, t->format) &&
	    (*st != TRANSCRIPT_OK || sb_append(&doc, k.out.data ? k.out.data : "", k.out.len)) &&
	    cue_json_write_tail(&doc, *st == TRANSCRIPT_OK ? k.count : 0, t, *st);
	sb_free(&k.out);
	char *s = ok ? sb_take(&doc) : NULL;
	sb_free(&doc);
	return s;
}

/* Both ways; returns whether they agree (and reports where not). */
static bool same_both_ways(const char *label, const char *buf, size_t len, const char *name)
{
	transcript a = TRANSCRIPT_INIT, b = TRANSCRIPT_INIT;
	transcript_status sa = transcript_parse(buf, len, TRANSCRIPT_UNKNOWN, name, &a);
	char *want = jansson_text(transcript_json(&a, sa));
	transcript_status sb;
	int restarts;
	char *got = streamed_text(buf, len, name, &b, &sb, &restarts);
	bool ok = want && got && sa == sb && strcmp(want, got) == 0 &&
	          strcmp(a.error, b.error) == 0 && a.error_line == b.error_line &&
	          a.rolling == b.rolling && restarts == (a.rolling ? 1 : 0) && b.cues.count == 0;
	if (!ok) {
		fprintf(stderr, "%s: differs\n--- jansson\n%.2000s\n--- streamed\n%.2000s\n", label,
		        want ? want : "(null)", got ? got : "(null)");
	}
	free(want);
	free(got);
	transcript_free(&a);
	transcript_free(&b);
	return ok;
}

#define SAME(name, text) CHECK(same_both_ways(name, text, strlen(text), name))

static void test_webvtt(void)
{
	SAME("cues.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.500\nHello \"world\" \\ &amp; "
	                 "<b>bold</b>\n\n00:01:02.250 --> 00:01:03.100 align:start position:10% "
	                 "line:-1 size:50% vertical:rl\n<v Ann Lee>Tab\there</v>\nsecond line\n");
	SAME("empty.vtt", "WEBVTT\n");
	SAME("bad.vtt", "WEBVT\n\n00:00:01.000 --> 00:00:02.000\nx\n");
	SAME("words.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:02.000 line:50% position:25%\n"
	                  "so<00:00:00.500><c> today</c><00:00:01.250><c> we</c>\n\n"
	                  "00:00:02.000 --> 00:00:03.000 line:1.5e3\nKim: a prefix\n");
	SAME("controls.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na&#1;b&#31;c\x7f"
	                     "d&#x2028;e \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n");
	/* Roll-up captions: streamed twice, the second time collapsed. */
	SAME("rolling.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nwelcome back\n\n"
	                    "00:00:02.000 --> 00:00:04.000\nwelcome back\ntoday<00:00:02.500><c> we"
	                    "</c>\n\n00:00:04.000 --> 00:00:06.000\ntoday we\nlook at\n\n"
	                    "00:00:06.000 --> 00:00:08.000\nlook at\nthe cache\n");
}

static void test_other_formats(void)
{
	SAME("a.srt", "1\n00:00:01,000 --> 00:00:02,000\n<i>SPEAKER 1:</i> caf\xe9\n\n"
	              "2\n00:00:03,000 --> 00:00:04,250\nnext\n");
	/* Rejected at line 6 after one good cue: no cues, the same error. */
	SAME("late.srt",
	     "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:05,000 --> 00:00:04,000\n"
	     "ends before it starts\n");
	SAME("none.srt", "\n\n");
	SAME("a.sbv", "0:00:01.000,0:00:02.000\n>> Bo: hi\n\n0:00:02.500,0:00:03.000\nbye\n");
	SAME("a.txt", "[00:00:01] Ann: one\n[00:00:05] Bo: two\n");
}

/* One cue built by hand, written both ways inside a document. */
static bool same_cue(const cue *c)
{
	transcript t = TRANSCRIPT_INIT;
	t.format = TRANSCRIPT_WEBVTT;
	t.cues.items = (cue *)c;
	t.cues.count = 1;
	char *want = jansson_text(transcript_json(&t, TRANSCRIPT_OK));
	strbuf got = STRBUF_INIT;
	bool writable = cue_json_writable(c);
	bool ok = cue_json_write_head(&got, TRANSCRIPT_OK, t.format) &&
	          cue_json_write_cue(&got, c, true) &&
	          cue_json_write_tail(&got, 1, &t, TRANSCRIPT_OK);
	bool same = want ? ok && writable && strcmp(want, got.data) == 0 : !ok && !writable;
	if (!same)
		fprintf(stderr, "--- jansson\n%s\n--- written\n%s\n", want ? want : "(null)",
		        got.data ? got.data : "(null)");
	free(want);
	sb_free(&got);
	return same;
}

static void test_numbers(void)
{
	const double values[] = {0.0,
	                         -0.0,
	                         0.001,
	                         0.0004,
	                         1e-7,
	                         0.1 + 0.2,
	                         754.5,
	                         3599.999,
	                         1e11,
	                         999999999999.999,
	                         1e12,
	                         1e15,
	                         1e21,
	                         -2.5,
	                         1e300,
	                         1.7976931348623157e308,
	                         -1.7976931348623157e308,
	                         5e-324,
	                         123456.7891,
	                         86400.12};
	const size_t n = sizeof values / sizeof values[0];
	cue_word words[2] = {{0, 0}, {3, 0}};
	for (size_t i = 0; i < n; i++) {
		cue c = {"",   values[i], values[(i + 1) % n],    "t",   "t",
		         NULL, 1,         cue_settings_default(), words, 2};
		c.settings.line_auto = c.settings.position_auto = false;
		c.settings.line = values[(i + 2) % n];
		c.settings.position = values[(i + 3) % n];
		c.settings.size = values[(i + 4) % n];
		words[0].start = values[(i + 5) % n];
		words[1].start = values[(i + 6) % n];
		CHECK(same_cue(&c));
	}
	/* Where json_real refuses: both ways give nothing. */
	cue bad = {"", NAN, 1, "t", "t", NULL, 1, {0}, NULL, 0};
	CHECK(same_cue(&bad));
	bad.start = 1;
	bad.end = INFINITY;
	CHECK(same_cue(&bad));
	/* Whole milliseconds, the fast path, over a wide range. */
	for (long long k = 1; k < 400000000000LL; k = k * 7 + 13) {
		cue c = {"", (double)k / 1000, (double)(k + 1) / 1000, "", "", "v", 1, {0}, NULL,
		         0};
		CHECK(same_cue(&c));
	}
	/* Times summed as vtt_timing sums them (not k / 1000 exactly). */
	for (int ms = 0; ms < 1000; ms += 7) {
		cue c = {"",
		         3600.0 * 2 + 60 * 17 + 41 + ms / 1000.0,
		         59 + ms / 1000.0,
		         "",
		         "",
		         NULL,
		         1,
		         {0},
		         NULL,
		         0};
		CHECK(same_cue(&c));
	}
}

static void test_strings(void)
{
	char all[128];
	for (int i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	cue c = {all, 1, 2, all, "\xe2\x80\xa8 \xc3\xa9", all, 7, {0}, NULL, 0};
	CHECK(same_cue(&c));
}

static void test_files(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *data;
		size_t len;
		int err = file_read_all(argv[i], &data, &len);
		CHECK(err == 0);
		if (err)
			continue;
		CHECK(same_both_ways(argv[i], data, len, argv[i]));
		free(data);
	}
}

static int g_argc;
static char **g_argv;

static void test_given_files(void)
{
	test_files(g_argc, g_argv);
}

int main(int argc, char **argv)
{
	g_argc = argc;
	g_argv = argv;
	RUN(test_webvtt);
	RUN(test_other_formats);
	RUN(test_numbers);
	RUN(test_strings);
	RUN(test_given_files);
	return harness_finish();
}
