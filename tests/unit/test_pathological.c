/* Pathological inputs: huge cue counts, megabyte lines, deep tag nesting,
 * runs of '&' and of "-->" lines. Each must finish and stay linear.
 *
 *     test_pathological CASE     run one case (ctest runs each on its own)
 *     test_pathological          run them all
 *
 * Every case runs twice: at 1/8 of its size and at full size (100k cues,
 * 1 MB). ctest's TIMEOUT catches a hang; the CPU-time ratio between the two
 * runs catches quadratic work that would still finish within the timeout
 * at 1 MB (it would not at 100 MB). Linear work grows about 8x; the budget
 * allows 16x plus half a second of noise, against 64x for quadratic.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agenda.h"
#include "cuetext.h"
#include "harness.h"
#include "srt.h"
#include "strbuf.h"
#include "transcript.h"
#include "vtt.h"

enum { MB = 1024 * 1024, FULL = 8 };

/* Append `what` until sb holds at least `bytes` more bytes. */
static void repeat(strbuf *sb, const char *what, size_t bytes)
{
	size_t n = strlen(what), target = sb->len + bytes;
	while (sb->len < target)
		if (!sb_append(sb, what, n))
			abort();
}

static void add(strbuf *sb, const char *s)
{
	if (!sb_append_str(sb, s))
		abort();
}

static transcript_status parse_vtt(const strbuf *in, transcript *t)
{
	transcript init = TRANSCRIPT_INIT;
	*t = init;
	return vtt_parse(in->data, in->len, t);
}

static transcript_status parse_srt(const strbuf *in, transcript *t)
{
	transcript init = TRANSCRIPT_INIT;
	*t = init;
	return srt_parse(in->data, in->len, t);
}

/* Each case takes a scale (1 or FULL) and checks its own results. */

static void vtt_many_cues(size_t scale)
{
	size_t n = 100000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT\n\n");
	for (size_t i = 0; i < n; i++) {
		char cue[160];
		snprintf(cue, sizeof cue,
		         "%zu\n%02zu:%02zu:%02zu.000 --> %02zu:%02zu:%02zu.500 align:start "
		         "line:10%%\n<v Speaker %zu>Text &amp; more</v>\n\n",
		         i, i / 3600, i / 60 % 60, i % 60, i / 3600, i / 60 % 60, i % 60, i);
		add(&in, cue);
	}
	transcript t;
	CHECK(parse_vtt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == n);
	if (t.cues.count == n && n > 0) {
		const cue *last = &t.cues.items[n - 1];
		CHECK_NUM(last->end - last->start, 0.5);
		CHECK_STR(last->plain, "Text & more");
		CHECK_STR(last->settings.align, "start");
	}
	transcript_free(&t);
	sb_free(&in);
}

static void srt_many_cues(size_t scale)
{
	size_t n = 100000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char cue[160];
		snprintf(cue, sizeof cue,
		         "%zu\r\n%02zu:%02zu:%02zu,000 --> %02zu:%02zu:%02zu,500\r\n<i>Line</i> "
		         "%zu\r\n\r\n",
		         i + 1, i / 3600, i / 60 % 60, i % 60, i / 3600, i / 60 % 60, i % 60, i);
		add(&in, cue);
	}
	transcript t;
	CHECK(parse_srt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == n);
	if (t.cues.count == n && n > 0)
		CHECK_NUM((double)t.cues.items[n - 1].line, (double)(4 * n - 2));
	transcript_free(&t);
	sb_free(&in);
}

static void vtt_long_line(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT ");
	repeat(&in, "header ", bytes);
	add(&in, "\n\n");
	repeat(&in, "id-", bytes);
	add(&in, "\n00:00.000 --> 00:01.000 ");
	repeat(&in, "x:y ", bytes);
	add(&in, "\n");
	size_t text_start = in.len;
	repeat(&in, "word ", bytes);
	size_t text_len = in.len - text_start;
	transcript t;
	CHECK(parse_vtt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK(strlen(t.cues.items[0].text) == text_len);
		CHECK(strlen(t.cues.items[0].plain) == text_len);
	}
	transcript_free(&t);
	sb_free(&in);
}

static void srt_long_line(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "1\n00:00:01,000 --> 00:00:02,000 ");
	repeat(&in, "X1:1 ", bytes);
	add(&in, "\n");
	size_t text_start = in.len;
	repeat(&in, "<i>word</i> ", bytes);
	size_t text_len = in.len - text_start;
	transcript t;
	CHECK(parse_srt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK(strlen(t.cues.items[0].text) == text_len);
		CHECK(strlen(t.cues.items[0].plain) == text_len / 12 * 5);
	}
	transcript_free(&t);
	sb_free(&in);
}

static void cuetext_nested_tags(size_t scale)
{
	size_t n = 100000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		add(&in, i % 2 ? "<b>" : "<v.c Speaker>");
	add(&in, "deep");
	for (size_t i = 0; i < n; i++)
		add(&in, i % 2 ? "</b>" : "</v>");
	char *plain, *voice;
	CHECK(cuetext_render(in.data, in.len, &plain, &voice));
	CHECK_STR(plain, "deep");
	CHECK_STR(voice, "Speaker");
	free(plain);
	free(voice);
	sb_free(&in);
}

static void vtt_nested_tags(size_t scale)
{
	size_t n = 100000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT\n\n00:00.000 --> 00:01.000\n");
	for (size_t i = 0; i < n; i++)
		add(&in, "<b>");
	add(&in, "deep");
	/* Unclosed, and a last tag cut off by the end of the file. */
	add(&in, "<ruby");
	transcript t;
	CHECK(parse_vtt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].plain, "deep");
	transcript_free(&t);
	sb_free(&in);
}

static void srt_nested_tags(size_t scale)
{
	size_t n = 100000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "1\n00:00:01,000 --> 00:00:02,000\n");
	for (size_t i = 0; i < n; i++)
		add(&in, "<b><font color=red>");
	add(&in, "deep");
	for (size_t i = 0; i < n; i++)
		add(&in, "</font></b>");
	transcript t;
	CHECK(parse_srt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK_STR(t.cues.items[0].plain, "deep");
	transcript_free(&t);
	sb_free(&in);
}

static void vtt_ampersands(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT\n\n00:00.000 --> 00:01.000\n");
	size_t start = in.len;
	repeat(&in, "&", bytes);
	size_t n = in.len - start;
	add(&in, "\n\n00:01.000 --> 00:02.000\n<v ");
	repeat(&in, "&", bytes);
	add(&in, ">x\n");
	transcript t;
	CHECK(parse_vtt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK(strlen(t.cues.items[0].plain) == n);
		CHECK(strspn(t.cues.items[0].plain, "&") == n);
		CHECK(strlen(t.cues.items[1].voice) == n);
	}
	transcript_free(&t);
	sb_free(&in);
}

static void cuetext_near_miss_entities(size_t scale)
{
	/* Each '&' makes the named-reference lookup try its longest window. */
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	repeat(&in, "&CounterClockwiseContourIntegralX&#&#x&#1114112&amp", bytes);
	char *plain, *voice;
	CHECK(cuetext_render(in.data, in.len, &plain, &voice));
	CHECK(plain != NULL && strlen(plain) > 0);
	CHECK(voice == NULL);
	free(plain);
	free(voice);
	sb_free(&in);
}

static void srt_ampersands(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "1\n00:00:01,000 --> 00:00:02,000\n");
	size_t start = in.len;
	repeat(&in, "&", bytes);
	size_t n = in.len - start;
	transcript t;
	CHECK(parse_srt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK(strlen(t.cues.items[0].plain) == n);
	transcript_free(&t);
	sb_free(&in);
}

static void vtt_arrow_lines(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT\n\n");
	repeat(&in, "-->\n", bytes);
	add(&in, "\n00:00.000 --> 00:01.000\n");
	repeat(&in, "a-->b\n", bytes);
	add(&in, "\n00:01.000 --> 00:02.000\nlast\n");
	transcript t;
	CHECK(parse_vtt(&in, &t) == TRANSCRIPT_OK);
	/* Each arrow line ends a block: only the two timing lines make cues. */
	CHECK(t.cues.count == 2);
	if (t.cues.count == 2) {
		CHECK_STR(t.cues.items[0].text, "");
		CHECK_STR(t.cues.items[1].text, "last");
	}
	transcript_free(&t);
	sb_free(&in);
}

static void srt_arrow_lines(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "1\n00:00:01,000 --> 00:00:02,000\n");
	size_t start = in.len;
	repeat(&in, "-->\n", bytes);
	size_t n = in.len - start;
	transcript t;
	CHECK(parse_srt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1)
		CHECK(strlen(t.cues.items[0].text) == n - 1);
	transcript_free(&t);
	sb_free(&in);
	/* As the first line, a malformed timing line: rejected at once. */
	repeat(&in, "-->\n", bytes);
	CHECK(parse_srt(&in, &t) == TRANSCRIPT_INVALID);
	CHECK(t.error_line == 1);
	transcript_free(&t);
	sb_free(&in);
}

static void srt_unclosed_overrides(size_t scale)
{
	/* "{\" with no '}' and "<font " with no '>' on its line: text, not
	 * markup. Each one must not rescan the rest of the text, whether the
	 * closing character is missing or comes after the end of the line. */
	size_t bytes = MB * scale / FULL;
	static const char *const runs[][2] = {
	    {"{\\", ""}, {"<font ", ""}, {"<font ", "\n>"}, {"</font\t", "\n>"}, {"<i<b<u", "\n>"},
	};
	for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
		strbuf in = STRBUF_INIT;
		add(&in, "1\n00:00:01,000 --> 00:00:02,000\n");
		size_t start = in.len;
		repeat(&in, runs[k][0], bytes);
		add(&in, runs[k][1]);
		size_t n = in.len - start;
		transcript t;
		CHECK(parse_srt(&in, &t) == TRANSCRIPT_OK);
		CHECK(t.cues.count == 1);
		if (t.cues.count == 1)
			CHECK(strlen(t.cues.items[0].plain) == n);
		transcript_free(&t);
		sb_free(&in);
	}
}

static void vtt_long_settings(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT\n\n00:00.000 --> 00:01.000 position:");
	repeat(&in, "0", bytes);
	add(&in, "5% line:");
	repeat(&in, "0", bytes);
	add(&in, "7 size:");
	repeat(&in, "1", bytes);
	add(&in, "% align:");
	repeat(&in, "x", bytes);
	add(&in, "\ntext\n");
	transcript t;
	CHECK(parse_vtt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK_NUM(t.cues.items[0].settings.position, 5);
		CHECK_NUM(t.cues.items[0].settings.line, 7);
		CHECK_NUM(t.cues.items[0].settings.size, 100);
		CHECK_STR(t.cues.items[0].settings.align, "center");
	}
	transcript_free(&t);
	sb_free(&in);
}

static void vtt_unclosed_tag(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT\n\n00:00.000 --> 00:01.000\n<v ");
	repeat(&in, "a \t", bytes);
	transcript t;
	CHECK(parse_vtt(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.cues.count == 1);
	if (t.cues.count == 1) {
		CHECK_STR(t.cues.items[0].plain, "");
		CHECK(strncmp(t.cues.items[0].voice, "a a a", 5) == 0);
	}
	transcript_free(&t);
	sb_free(&in);
}

static void agenda_many_items(size_t scale)
{
	size_t n = 100000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char line[96];
		snprintf(line, sizeof line, "%s- %zu:%02zu:%02zu Item %zu\nnote %zu\n",
		         i % 3 ? "  " : "", i / 3600, i / 60 % 60, i % 60, i, i);
		add(&in, line);
	}
	agenda a = AGENDA_INIT;
	CHECK(agenda_parse(in.data, in.len, &a) == AGENDA_OK);
	CHECK(a.count == 2 * n);
	agenda_free(&a);
	sb_free(&in);
}

static void agenda_long_line(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "- 00:01 ");
	repeat(&in, "title ", bytes);
	add(&in, "\n");
	repeat(&in, " ", bytes);
	add(&in, "- ");
	repeat(&in, "1", bytes);
	add(&in, ":00 digits\n- ");
	repeat(&in, "[(", bytes);
	add(&in, "\n");
	agenda a = AGENDA_INIT;
	CHECK(agenda_parse(in.data, in.len, &a) == AGENDA_OK);
	CHECK(a.count == 3);
	if (a.count == 3) {
		CHECK(a.entries[0].kind == AGENDA_ITEM);
		CHECK(a.entries[1].kind == AGENDA_NOTE);
		CHECK(a.entries[2].kind == AGENDA_NOTE);
	}
	agenda_free(&a);
	sb_free(&in);
}

static void sniff_long_first_line(size_t scale)
{
	size_t bytes = MB * scale / FULL;
	strbuf in = STRBUF_INIT;
	repeat(&in, "1234567890", bytes);
	add(&in, "\n");
	CHECK(transcript_sniff(in.data, in.len, NULL) == TRANSCRIPT_SRT);
	sb_clear(&in);
	repeat(&in, "\n \r\t", bytes);
	CHECK(transcript_sniff(in.data, in.len, NULL) == TRANSCRIPT_UNKNOWN);
	sb_free(&in);
}

typedef struct pathological_case {
	const char *name;
	void (*run)(size_t scale);
} pathological_case;

static transcript_status parse_any(const strbuf *in, transcript *t)
{
	transcript init = TRANSCRIPT_INIT;
	*t = init;
	return transcript_parse(in->data, in->len, TRANSCRIPT_UNKNOWN, NULL, t);
}

/* YouTube's roll-up captions: each line in a cue of its own, a hold cue,
 * and again above the next line (vtt_rolling.h). */
static void youtube_rolling_cues(size_t scale)
{
	size_t n = 50000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT\nKind: captions\nLanguage: en\n\n");
	for (size_t i = 0; i < n; i++) {
		char cue[400];
		size_t s = i * 2;
		snprintf(
		    cue, sizeof cue,
		    "%02zu:%02zu:%02zu.000 --> %02zu:%02zu:%02zu.990 align:start position:0%%\n"
		    "line %zu said\nline<%02zu:%02zu:%02zu.500><c> %zu</c><%02zu:%02zu:%02zu.700>"
		    "<c> said</c>\n\n%02zu:%02zu:%02zu.990 --> %02zu:%02zu:%02zu.999 "
		    "align:start position:0%%\nline %zu said\n \n\n",
		    s / 3600, s / 60 % 60, s % 60, (s + 1) / 3600, (s + 1) / 60 % 60, (s + 1) % 60,
		    i ? i - 1 : 0, s / 3600, s / 60 % 60, s % 60, i, s / 3600, s / 60 % 60, s % 60,
		    (s + 1) / 3600, (s + 1) / 60 % 60, (s + 1) % 60, (s + 1) / 3600,
		    (s + 1) / 60 % 60, (s + 1) % 60, i);
		add(&in, cue);
	}
	transcript t;
	CHECK(parse_any(&in, &t) == TRANSCRIPT_OK);
	CHECK(t.rolling && t.cues.count == n);
	if (t.cues.count == n && n > 1) {
		char want[40];
		snprintf(want, sizeof want, "line %zu said", n - 1);
		CHECK_STR(t.cues.items[n - 1].plain, want);
		CHECK(t.cues.items[n - 1].word_count == 2);
	}
	transcript_free(&t);
	sb_free(&in);
}

/* A cue of 1 MB of word timestamps. */
static void vtt_timestamp_tags(size_t scale)
{
	strbuf in = STRBUF_INIT;
	add(&in, "WEBVTT\n\n00:00:01.000 --> 00:00:09.000\n");
	repeat(&in, "<00:00:02.000><c> w</c>", MB * scale / FULL);
	add(&in, "\n");
	transcript t;
	CHECK(parse_any(&in, &t) == TRANSCRIPT_OK && t.cues.count == 1);
	CHECK(t.cues.count == 1 && t.cues.items[0].word_count > 1000 * scale / FULL);
	transcript_free(&t);
	sb_free(&in);
}

static void text_many_lines(size_t scale)
{
	size_t n = 100000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char line[120];
		snprintf(line, sizeof line, "[%02zu:%02zu:%02zu] Speaker %zu: said line %zu\n",
		         i / 3600, i / 60 % 60, i % 60, i % 7, i);
		add(&in, line);
	}
	transcript t;
	CHECK(parse_any(&in, &t) == TRANSCRIPT_OK && t.format == TRANSCRIPT_TEXT);
	CHECK(t.cues.count == n);
	transcript_free(&t);
	sb_free(&in);
}

/* One time, then a megabyte line, and many lines sharing one span. */
static void text_long_line(size_t scale)
{
	strbuf in = STRBUF_INIT;
	add(&in, "0:00\n0:01\nAnna Bell: ");
	repeat(&in, "word ", MB * scale / FULL);
	add(&in, "\n");
	repeat(&in, "Tom: x\n", MB * scale / FULL);
	transcript t;
	CHECK(parse_any(&in, &t) == TRANSCRIPT_OK && t.format == TRANSCRIPT_TEXT);
	CHECK(t.cues.count > 1 && t.cues.items[0].voice &&
	      strcmp(t.cues.items[0].voice, "Anna Bell") == 0);
	transcript_free(&t);
	sb_free(&in);
}

static void sbv_many_cues(size_t scale)
{
	size_t n = 100000 * scale / FULL;
	strbuf in = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char cue[120];
		snprintf(cue, sizeof cue,
		         "%zu:%02zu:%02zu.000,%zu:%02zu:%02zu.500\n>> ANNA: cue %zu\n\n", i / 3600,
		         i / 60 % 60, i % 60, i / 3600, i / 60 % 60, i % 60, i);
		add(&in, cue);
	}
	transcript t;
	CHECK(parse_any(&in, &t) == TRANSCRIPT_OK && t.format == TRANSCRIPT_SBV);
	CHECK(t.cues.count == n && (n == 0 || strcmp(t.cues.items[n - 1].voice, "ANNA") == 0));
	transcript_free(&t);
	sb_free(&in);
}

static const pathological_case cases[] = {
    {"youtube_100k_rolling_cues", youtube_rolling_cues},
    {"vtt_1mb_timestamp_tags", vtt_timestamp_tags},
    {"text_100k_lines", text_many_lines},
    {"text_1mb_line", text_long_line},
    {"sbv_100k_cues", sbv_many_cues},
    {"vtt_100k_cues", vtt_many_cues},
    {"srt_100k_cues", srt_many_cues},
    {"vtt_1mb_line", vtt_long_line},
    {"srt_1mb_line", srt_long_line},
    {"cuetext_100k_nested_tags", cuetext_nested_tags},
    {"vtt_100k_nested_tags", vtt_nested_tags},
    {"srt_100k_nested_tags", srt_nested_tags},
    {"vtt_1mb_ampersands", vtt_ampersands},
    {"cuetext_1mb_near_miss_entities", cuetext_near_miss_entities},
    {"srt_1mb_ampersands", srt_ampersands},
    {"vtt_1mb_arrow_lines", vtt_arrow_lines},
    {"srt_1mb_arrow_lines", srt_arrow_lines},
    {"srt_1mb_unclosed_overrides", srt_unclosed_overrides},
    {"vtt_1mb_settings", vtt_long_settings},
    {"vtt_1mb_unclosed_tag", vtt_unclosed_tag},
    {"agenda_100k_items", agenda_many_items},
    {"agenda_1mb_line", agenda_long_line},
    {"sniff_1mb_first_line", sniff_long_first_line},
};

static double cpu_seconds(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

static const pathological_case *current;

static void run_current(void)
{
	double t0 = cpu_seconds();
	current->run(1);
	double t1 = cpu_seconds();
	current->run(FULL);
	double t2 = cpu_seconds();
	double small = t1 - t0, full = t2 - t1;
	printf("%s: %.3f s at 1/%d size, %.3f s at full size\n", current->name, small, FULL, full);
	harness_check(full <= 2 * FULL * small + 0.5, "CPU time grows linearly with the input",
	              __FILE__, __LINE__);
}

int main(int argc, char **argv)
{
	size_t ncases = sizeof cases / sizeof cases[0];
	bool found = false;
	for (size_t i = 0; i < ncases; i++) {
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		found = true;
		current = &cases[i];
		harness_run(run_current, cases[i].name);
	}
	if (!found) {
		fprintf(stderr, "test_pathological: no case named '%s'\n", argv[1]);
		return 2;
	}
	return harness_finish();
}
