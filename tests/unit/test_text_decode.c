/* text_decode: UTF-8 (WHATWG decode, BOM), the Windows-1252 fallback, and
 * the normalization every parser relies on (CR/CRLF -> LF, NUL -> U+FFFD). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "strbuf.h"
#include "text_decode.h"

#define FFFD "\xEF\xBF\xBD"

/* Normalize a byte string given with its length; the result is caller-freed. */
static char *normalize_n(const char *bytes, size_t len, text_encoding enc, bool *cp1252)
{
	strbuf sb = STRBUF_INIT;
	if (!text_normalize(bytes, len, enc, &sb, cp1252)) {
		sb_free(&sb);
		return NULL;
	}
	return sb_take(&sb);
}

/* Most cases have no NUL inside, so strlen gives the length. */
static char *utf8(const char *bytes)
{
	return normalize_n(bytes, strlen(bytes), TEXT_UTF8_REPLACE, NULL);
}

static char *legacy(const char *bytes, bool *cp1252)
{
	return normalize_n(bytes, strlen(bytes), TEXT_UTF8_OR_CP1252, cp1252);
}

#define CHECK_NORM(expr, want)                                                                     \
	do {                                                                                       \
		char *got_ = (expr);                                                               \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

static void test_ascii_passes_through(void)
{
	CHECK_NORM(utf8("WEBVTT\n\nhello"), "WEBVTT\n\nhello");
	CHECK_NORM(utf8("tab\there, form\ffeed"), "tab\there, form\ffeed");
}

static void test_empty_input_gives_empty_string(void)
{
	strbuf sb = STRBUF_INIT;
	CHECK(text_normalize("", 0, TEXT_UTF8_REPLACE, &sb, NULL));
	/* Not NULL: parsers index into the data without checking. */
	CHECK(sb.data != NULL);
	CHECK(sb.len == 0);
	sb_free(&sb);

	bool cp1252 = true;
	CHECK(text_normalize("", 0, TEXT_UTF8_OR_CP1252, &sb, &cp1252));
	CHECK(sb.data != NULL && sb.len == 0);
	CHECK(!cp1252);
	sb_free(&sb);
}

static void test_appends_to_existing_content(void)
{
	strbuf sb = STRBUF_INIT;
	CHECK(sb_append_str(&sb, "abc"));
	CHECK(text_normalize("d\r\ne", 4, TEXT_UTF8_REPLACE, &sb, NULL));
	CHECK_STR(sb.data, "abcd\ne");
	CHECK(sb.len == 6);
	sb_free(&sb);
}

static void test_bom_is_skipped(void)
{
	CHECK_NORM(utf8("\xEF\xBB\xBFWEBVTT"), "WEBVTT");
	CHECK_NORM(utf8("\xEF\xBB\xBF"), "");
	/* Only the first: a second U+FEFF is text. */
	CHECK_NORM(utf8("\xEF\xBB\xBF\xEF\xBB\xBFx"), "\xEF\xBB\xBFx");
	/* Not at the start: kept. */
	CHECK_NORM(utf8("a\xEF\xBB\xBF"), "a\xEF\xBB\xBF");
	/* A truncated BOM (EF BB) is an incomplete sequence: one U+FFFD. */
	CHECK_NORM(utf8("\xEF\xBB"), FFFD);
	/* A BOM in front of a Windows-1252 file is skipped too. */
	bool cp1252 = false;
	CHECK_NORM(legacy("\xEF\xBB\xBF"
	                  "caf\xE9",
	                  &cp1252),
	           "caf\xC3\xA9");
	CHECK(cp1252);
}

static void test_line_terminators(void)
{
	CHECK_NORM(utf8("a\r\nb"), "a\nb");
	CHECK_NORM(utf8("a\rb"), "a\nb");
	CHECK_NORM(utf8("a\nb"), "a\nb");
	CHECK_NORM(utf8("a\r\r\nb"), "a\n\nb");
	CHECK_NORM(utf8("a\n\rb"), "a\n\nb");
	CHECK_NORM(utf8("a\r\n\r\nb"), "a\n\nb");
	CHECK_NORM(utf8("a\r\r\rb"), "a\n\n\nb");
	CHECK_NORM(utf8("a\r"), "a\n");
	CHECK_NORM(utf8("\r\n"), "\n");
	CHECK_NORM(utf8("\n\r\n\r"), "\n\n\n");
	/* Something between CR and LF: two line ends. */
	CHECK_NORM(utf8("a\r\xFF\nb"), "a\n" FFFD "\nb");
	/* The same rules in the Windows-1252 fallback. */
	CHECK_NORM(legacy("\xE9\r\n\xE9\r\xE9", NULL), "\xC3\xA9\n\xC3\xA9\n\xC3\xA9");
}

static void test_nul_becomes_replacement_character(void)
{
	CHECK_NORM(normalize_n("a\0b", 3, TEXT_UTF8_REPLACE, NULL), "a" FFFD "b");
	CHECK_NORM(normalize_n("\0\0", 2, TEXT_UTF8_REPLACE, NULL), FFFD FFFD);
	CHECK_NORM(normalize_n("\r\0\n", 3, TEXT_UTF8_REPLACE, NULL), "\n" FFFD "\n");
	bool cp1252 = false;
	CHECK_NORM(normalize_n("\xE9\0", 2, TEXT_UTF8_OR_CP1252, &cp1252), "\xC3\xA9" FFFD);
	CHECK(cp1252);
	/* NUL is valid UTF-8: no fallback for it. */
	CHECK_NORM(normalize_n("\xC3\xA9\0", 3, TEXT_UTF8_OR_CP1252, &cp1252), "\xC3\xA9" FFFD);
	CHECK(!cp1252);
}

static void test_valid_utf8_kept(void)
{
	CHECK_NORM(utf8("caf\xC3\xA9"), "caf\xC3\xA9");
	CHECK_NORM(utf8("\xE2\x82\xAC"), "\xE2\x82\xAC");
	CHECK_NORM(utf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
	CHECK_NORM(utf8("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
	CHECK_NORM(utf8("\xEF\xBF\xBD"), FFFD);
}

/* WHATWG "UTF-8 decoder": each maximal invalid subpart is one U+FFFD, and the
 * byte that broke a sequence is read again as the start of the next. */
static void test_invalid_utf8_replaced(void)
{
	CHECK_NORM(utf8("a\x80z"), "a" FFFD "z");
	CHECK_NORM(utf8("\xBF\xBF"), FFFD FFFD);
	CHECK_NORM(utf8("\xFF"), FFFD);
	CHECK_NORM(utf8("\xFE\xFF"), FFFD FFFD);
	CHECK_NORM(utf8("\xF5\x80"), FFFD FFFD);
	/* Overlong forms. */
	CHECK_NORM(utf8("\xC0\x80"), FFFD FFFD);
	CHECK_NORM(utf8("\xC1\xBF"), FFFD FFFD);
	CHECK_NORM(utf8("\xE0\x80\x80"), FFFD FFFD FFFD);
	CHECK_NORM(utf8("\xF0\x80\x80\x80"), FFFD FFFD FFFD FFFD);
	/* Surrogates. */
	CHECK_NORM(utf8("\xED\xA0\x80"), FFFD FFFD FFFD);
	CHECK_NORM(utf8("\xED\x9F\xBF"), "\xED\x9F\xBF"); /* U+D7FF is fine */
	/* Past U+10FFFF. */
	CHECK_NORM(utf8("\xF4\x90\x80\x80"), FFFD FFFD FFFD FFFD);
	/* Truncated sequences: one U+FFFD for the whole prefix. */
	CHECK_NORM(utf8("\xE2\x82"), FFFD);
	CHECK_NORM(utf8("\xF0\x9F\x98"), FFFD);
	CHECK_NORM(utf8("\xC3"), FFFD);
	/* Truncated by an ASCII byte, which is kept. */
	CHECK_NORM(utf8("\xE2\x82x"), FFFD "x");
	CHECK_NORM(utf8("\xC3\n"), FFFD "\n");
	CHECK_NORM(utf8("\xC3\r\n"), FFFD "\n");
	/* Truncated by the lead byte of a valid sequence, which is kept. */
	CHECK_NORM(utf8("\xE2\xC3\xA9"), FFFD "\xC3\xA9");
	/* Windows-1252 bytes read as UTF-8 (a WebVTT file is always UTF-8). */
	CHECK_NORM(utf8("caf\xE9"), "caf" FFFD);
	CHECK_NORM(utf8("\x93quoted\x94"), FFFD "quoted" FFFD);
}

static void test_is_utf8(void)
{
	CHECK(text_is_utf8("", 0));
	CHECK(text_is_utf8("plain ascii", 11));
	CHECK(text_is_utf8("a\0b", 3));
	CHECK(text_is_utf8("caf\xC3\xA9", 5));
	CHECK(text_is_utf8("\xF0\x9F\x98\x80", 4));
	CHECK(text_is_utf8("\xF4\x8F\xBF\xBF", 4));
	CHECK(text_is_utf8("\xEF\xBB\xBF", 3));
	CHECK(!text_is_utf8("caf\xE9", 4));
	CHECK(!text_is_utf8("\x80", 1));
	CHECK(!text_is_utf8("\xC0\x80", 2));
	CHECK(!text_is_utf8("\xE0\x80\x80", 3));
	CHECK(!text_is_utf8("\xED\xA0\x80", 3));
	CHECK(!text_is_utf8("\xF4\x90\x80\x80", 4));
	CHECK(!text_is_utf8("\xF5\x80\x80\x80", 4));
	CHECK(!text_is_utf8("\xC3", 1));
	CHECK(!text_is_utf8("\xE2\x82", 2));
	/* The length is honoured: the continuation byte past it does not count. */
	CHECK(!text_is_utf8("\xC3\xA9", 1));
	CHECK(text_is_utf8("\xC3\xA9\xFF", 2));
}

static void test_cp1252_fallback(void)
{
	bool cp1252 = false;
	CHECK_NORM(legacy("caf\xE9", &cp1252), "caf\xC3\xA9");
	CHECK(cp1252);
	/* Curly quotes, the euro sign, an ellipsis and a dash. */
	CHECK_NORM(legacy("\x93Hi\x94 \x80 5\x85 \x96", NULL),
	           "\xE2\x80\x9CHi\xE2\x80\x9D \xE2\x82\xAC 5\xE2\x80\xA6 \xE2\x80\x93");
	/* The five undefined bytes map to the C1 control of the same value. */
	CHECK_NORM(legacy("\x81\x8D\x8F\x90\x9D", NULL),
	           "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D");
	/* Latin-1 range: the same code point. */
	CHECK_NORM(legacy("\xA0\xFF", NULL), "\xC2\xA0\xC3\xBF");
	/* One bad byte anywhere switches the whole file, so earlier UTF-8 is read
	 * as Windows-1252 too (what the fallback means: the file is legacy). */
	CHECK_NORM(legacy("\xC3\xA9 \xE9", &cp1252), "\xC3\x83\xC2\xA9 \xC3\xA9");
	CHECK(cp1252);
}

static void test_cp1252_not_used_for_utf8(void)
{
	bool cp1252 = true;
	CHECK_NORM(legacy("caf\xC3\xA9 \xE2\x80\x9C", &cp1252), "caf\xC3\xA9 \xE2\x80\x9C");
	CHECK(!cp1252);
	cp1252 = true;
	CHECK_NORM(legacy("ascii only", &cp1252), "ascii only");
	CHECK(!cp1252);
	/* TEXT_UTF8_REPLACE never falls back. */
	cp1252 = true;
	CHECK_NORM(normalize_n("caf\xE9", 4, TEXT_UTF8_REPLACE, &cp1252), "caf" FFFD);
	CHECK(!cp1252);
}

/* text_normalized: the input itself when it needs nothing, else the same
 * text text_normalize makes; and text_is_utf8's eight-bytes-at-a-time
 * ASCII path sees a bad byte wherever it is. */
static void test_normalized_in_place(void)
{
#define INPUT(text)                                                                                \
	{                                                                                          \
		text, sizeof text - 1                                                              \
	}
	static const struct {
		const char *text;
		size_t len;
	} inputs[] = {
	    INPUT("WEBVTT\n\nplain ascii, long enough for whole words\n"),
	    INPUT("caf\xC3\xA9 \xE2\x82\xAC"),
	    INPUT("a\r\nb"),
	    INPUT("\xEF\xBB\xBFWEBVTT"),
	    INPUT("nul\0here"),
	    INPUT("caf\xE9 latin-1"),
	    INPUT(""),
	};
#undef INPUT
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		for (int enc = 0; enc < 2; enc++) {
			strbuf copy = STRBUF_INIT, want = STRBUF_INIT;
			const char *text;
			size_t n;
			bool a = true, b = true;
			CHECK(text_normalized(inputs[i].text, inputs[i].len, (text_encoding)enc,
			                      &copy, &text, &n, &a));
			CHECK(text_normalize(inputs[i].text, inputs[i].len, (text_encoding)enc,
			                     &want, &b));
			CHECK(n == want.len && memcmp(text, want.data, n) == 0 && a == b);
			/* In place exactly when there was nothing to change. */
			CHECK((text == inputs[i].text) == (i < 2));
			CHECK(i >= 2 || copy.len == 0);
			sb_free(&copy);
			sb_free(&want);
		}
	}
	char buf[40];
	for (size_t at = 0; at < sizeof buf; at++) {
		memset(buf, 'x', sizeof buf);
		buf[at] = (char)0xC3; /* a lead byte with no continuation */
		CHECK(!text_is_utf8(buf, sizeof buf));
		CHECK(text_is_utf8(buf, at));
	}
}

int main(void)
{
	RUN(test_ascii_passes_through);
	RUN(test_empty_input_gives_empty_string);
	RUN(test_appends_to_existing_content);
	RUN(test_bom_is_skipped);
	RUN(test_line_terminators);
	RUN(test_nul_becomes_replacement_character);
	RUN(test_valid_utf8_kept);
	RUN(test_invalid_utf8_replaced);
	RUN(test_is_utf8);
	RUN(test_cp1252_fallback);
	RUN(test_cp1252_not_used_for_utf8);
	RUN(test_normalized_in_place);
	return harness_finish();
}
