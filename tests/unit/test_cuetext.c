/* cuetext and html_entities: WebVTT cue text (WebVTT §6.4) reduced to the
 * plain text a viewer reads (getCueAsHTML().textContent) and the first
 * voice, with HTML character references as the tokenizer consumes them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cuetext.h"
#include "harness.h"
#include "html_entities.h"
#include "strbuf.h"

#define FFFD "\xEF\xBF\xBD"
#define NBSP "\xC2\xA0"

/* html_entity_consume on s (the text after a '&'); returns the bytes used
 * and leaves the decoded value in *value (caller frees). */
static size_t entity(const char *s, int additional, char **value)
{
	strbuf sb = STRBUF_INIT;
	bool nomem = false;
	size_t used = html_entity_consume(s, strlen(s), additional, false, &sb, &nomem);
	harness_check(!nomem, "!nomem", __FILE__, __LINE__);
	*value = sb_take(&sb);
	return used;
}

#define CHECK_ENTITY(input, want_used, want_value)                                                 \
	do {                                                                                       \
		char *value_;                                                                      \
		CHECK_NUM((double)entity(input, -1, &value_), want_used);                          \
		CHECK_STR(value_, want_value);                                                     \
		free(value_);                                                                      \
	} while (0)

/* Render cue text; *voice is set to the voice (caller frees; may be NULL). */
static char *render(const char *text, char **voice)
{
	char *plain = NULL, *v = NULL;
	bool ok = cuetext_render(text, strlen(text), &plain, &v);
	harness_check(ok && plain, "cuetext_render(...)", __FILE__, __LINE__);
	if (voice)
		*voice = v;
	else
		free(v);
	return plain;
}

#define CHECK_PLAIN(text, want)                                                                    \
	do {                                                                                       \
		char *plain_ = render(text, NULL);                                                 \
		CHECK_STR(plain_, want);                                                           \
		free(plain_);                                                                      \
	} while (0)

/* want_voice may be NULL: no voice span. */
#define CHECK_VOICE(text, want_plain, want_voice)                                                  \
	do {                                                                                       \
		char *voice_ = NULL;                                                               \
		char *plain_ = render(text, &voice_);                                              \
		CHECK_STR(plain_, want_plain);                                                     \
		CHECK_STR(voice_, want_voice);                                                     \
		free(plain_);                                                                      \
		free(voice_);                                                                      \
	} while (0)

/* --- html_entity_consume ---------------------------------------------- */

static void test_entity_named(void)
{
	CHECK_ENTITY("amp;", 4, "&");
	CHECK_ENTITY("lt;", 3, "<");
	CHECK_ENTITY("gt;", 3, ">");
	CHECK_ENTITY("quot;", 5, "\"");
	CHECK_ENTITY("nbsp;", 5, NBSP);
	CHECK_ENTITY("eacute;", 7, "\xC3\xA9");
	CHECK_ENTITY("hellip;", 7, "\xE2\x80\xA6");
	/* Names are case-sensitive. */
	CHECK_ENTITY("AMP;", 4, "&");
	CHECK_ENTITY("Amp;", 0, "");
	/* Longest in the table. */
	CHECK_ENTITY("CounterClockwiseContourIntegral;", 32, "\xE2\x88\xB3");
	/* Text after the reference is not consumed. */
	CHECK_ENTITY("amp; rest", 4, "&");
}

static void test_entity_legacy_without_semicolon(void)
{
	CHECK_ENTITY("amp", 3, "&");
	CHECK_ENTITY("amp rest", 3, "&");
	CHECK_ENTITY("ampx", 3, "&");
	CHECK_ENTITY("lt", 2, "<");
	CHECK_ENTITY("nbsp", 4, NBSP);
	/* Longest match: "not" is a legacy name, "notin;" a full one. */
	CHECK_ENTITY("notit;", 3, "\xC2\xAC");
	CHECK_ENTITY("notin;", 6, "\xE2\x88\x89");
	/* Names that need their ';' are not matched without it. */
	CHECK_ENTITY("hellip", 0, "");
}

static void test_entity_unknown(void)
{
	CHECK_ENTITY("foo;", 0, "");
	CHECK_ENTITY("zzzz", 0, "");
	CHECK_ENTITY("", 0, "");
	CHECK_ENTITY(";", 0, "");
}

static void test_entity_not_a_reference(void)
{
	/* HTML: tab, LF, FF, space, '<', '&' and EOF never start one. */
	CHECK_ENTITY(" amp;", 0, "");
	CHECK_ENTITY("\tamp;", 0, "");
	CHECK_ENTITY("\namp;", 0, "");
	CHECK_ENTITY("\famp;", 0, "");
	CHECK_ENTITY("<amp;", 0, "");
	CHECK_ENTITY("&amp;", 0, "");
	/* Nor does the additional allowed character. */
	char *value;
	CHECK(entity(">amp;", '>', &value) == 0);
	CHECK_STR(value, "");
	free(value);
	CHECK(entity("amp;", '>', &value) == 4);
	CHECK_STR(value, "&");
	free(value);
	/* Without an additional character '>' is just not a name. */
	CHECK(entity(">", -1, &value) == 0);
	free(value);
}

static void test_entity_numeric(void)
{
	CHECK_ENTITY("#38;", 4, "&");
	CHECK_ENTITY("#x26;", 5, "&");
	CHECK_ENTITY("#X26;", 5, "&");
	CHECK_ENTITY("#xe9;", 5, "\xC3\xA9");
	CHECK_ENTITY("#xE9;", 5, "\xC3\xA9");
	CHECK_ENTITY("#233;", 5, "\xC3\xA9");
	CHECK_ENTITY("#0000065;", 9, "A");
	CHECK_ENTITY("#x1F600;", 8, "\xF0\x9F\x98\x80");
	CHECK_ENTITY("#x10FFFF;", 9, "\xF4\x8F\xBF\xBF");
	/* Without ';': still a reference, ending at the last digit. */
	CHECK_ENTITY("#65", 3, "A");
	CHECK_ENTITY("#65x", 3, "A");
	CHECK_ENTITY("#x41g", 4, "A");
	/* Decimal digits only after "#": 'a' ends it. */
	CHECK_ENTITY("#6a", 2, "\x06");
}

static void test_entity_numeric_replacements(void)
{
	/* HTML's numeric character reference end state. */
	CHECK_ENTITY("#0;", 3, FFFD);
	CHECK_ENTITY("#x0;", 4, FFFD);
	CHECK_ENTITY("#x110000;", 9, FFFD);
	CHECK_ENTITY("#1114112;", 9, FFFD);
	CHECK_ENTITY("#99999999999999999999999;", 25, FFFD);
	CHECK_ENTITY("#xFFFFFFFFFFFFFFFFFFFF;", 23, FFFD);
	CHECK_ENTITY("#xD800;", 7, FFFD);
	CHECK_ENTITY("#xDFFF;", 7, FFFD);
	/* 0x80..0x9F are read as Windows-1252... */
	CHECK_ENTITY("#x80;", 5, "\xE2\x82\xAC");
	CHECK_ENTITY("#128;", 5, "\xE2\x82\xAC");
	CHECK_ENTITY("#x93;", 5, "\xE2\x80\x9C");
	CHECK_ENTITY("#x9F;", 5, "\xC5\xB8");
	/* ...except the five it leaves undefined, which stay C1 controls. */
	CHECK_ENTITY("#x81;", 5, "\xC2\x81");
	CHECK_ENTITY("#x9D;", 5, "\xC2\x9D");
}

static void test_entity_numeric_without_digits(void)
{
	CHECK_ENTITY("#", 0, "");
	CHECK_ENTITY("#;", 0, "");
	CHECK_ENTITY("#x", 0, "");
	CHECK_ENTITY("#x;", 0, "");
	CHECK_ENTITY("#xg;", 0, "");
	CHECK_ENTITY("# 1;", 0, "");
}

/* --- cuetext_render ------------------------------------------------------ */

static void test_plain_text_unchanged(void)
{
	CHECK_VOICE("", "", NULL);
	CHECK_VOICE("Hello, world", "Hello, world", NULL);
	CHECK_PLAIN("two\nlines", "two\nlines");
	CHECK_PLAIN("  spaces kept  ", "  spaces kept  ");
	CHECK_PLAIN("caf\xC3\xA9 \xE2\x82\xAC", "caf\xC3\xA9 \xE2\x82\xAC");
	CHECK_PLAIN("a > b", "a > b");
}

static void test_tags_stripped(void)
{
	CHECK_PLAIN("<b>bold</b>", "bold");
	CHECK_PLAIN("<i>it</i> and <u>under</u>", "it and under");
	CHECK_PLAIN("<c.yellow.bg_blue>class</c>", "class");
	CHECK_PLAIN("<c>class</c>", "class");
	CHECK_PLAIN("<lang en-GB>colour</lang>", "colour");
	CHECK_PLAIN("<b><i>nested</i></b>", "nested");
	/* Unknown tags are dropped, their text kept. */
	CHECK_PLAIN("<foo>x</foo><span attr=1>y</span>", "xy");
	/* Unclosed and unmatched tags. */
	CHECK_PLAIN("<b>open", "open");
	CHECK_PLAIN("close</b>", "close");
	CHECK_PLAIN("<b", "");
	CHECK_PLAIN("text<", "text");
	CHECK_PLAIN("text</", "text");
	CHECK_PLAIN("<>empty</>", "empty");
	/* Tags may span lines. */
	CHECK_PLAIN("<c.a\n.b>x</c\n>", "x");
}

static void test_lt_starts_a_tag(void)
{
	/* The tokenizer has no "not a tag": '<' always opens one, up to '>' or
	 * the end of the text (a browser shows the same). */
	CHECK_PLAIN("a < b", "a ");
	CHECK_PLAIN("a <3 b> c", "a  c");
	CHECK_PLAIN("1<2", "1");
	CHECK_PLAIN("a<<b>>c", "a>c");
	/* Written as a reference it survives. */
	CHECK_PLAIN("a &lt; b", "a < b");
	CHECK_PLAIN("&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>");
}

static void test_entities_in_text(void)
{
	CHECK_PLAIN("Tom &amp; Jerry", "Tom & Jerry");
	CHECK_PLAIN("&lt;&gt;", "<>");
	CHECK_PLAIN("a&nbsp;b", "a" NBSP "b");
	CHECK_PLAIN("&amp", "&");
	CHECK_PLAIN("&ampx", "&x");
	CHECK_PLAIN("&amp;amp;", "&amp;");
	CHECK_PLAIN("&#38;&#x26;&#X26;", "&&&");
	CHECK_PLAIN("&#0;", FFFD);
	CHECK_PLAIN("&#x110000;", FFFD);
	CHECK_PLAIN("&#x80;", "\xE2\x82\xAC");
	CHECK_PLAIN("&#xD800;", FFFD);
	CHECK_PLAIN("&#x;", "&#x;");
	CHECK_PLAIN("&unknown;", "&unknown;");
	CHECK_PLAIN("& alone", "& alone");
	CHECK_PLAIN("&", "&");
	CHECK_PLAIN("&&amp;", "&&");
	CHECK_PLAIN("AT&T", "AT&T");
	CHECK_PLAIN("&notit;", "\xC2\xACit;");
	/* A reference ends at '<': the tag is still a tag. */
	CHECK_PLAIN("&amp<b>x", "&x");
	/* Entities inside a tag name do not decode or leak into the text. */
	CHECK_PLAIN("<b&amp;>x</b&amp;>", "x");
}

static void test_timestamp_tags_dropped(void)
{
	CHECK_PLAIN("one <00:00:01.000>two <00:02.500>three", "one two three");
	/* A malformed timestamp tag is dropped just the same. */
	CHECK_PLAIN("a<1:2>b", "ab");
	CHECK_VOICE("<00:01.000>", "", NULL);
}

static void test_ruby_text_kept(void)
{
	CHECK_PLAIN("<ruby>\xE6\xBC\xA2<rt>kan</rt></ruby>", "\xE6\xBC\xA2kan");
	CHECK_PLAIN("<ruby>base<rt>ruby text</ruby>", "baseruby text");
	CHECK_PLAIN("<rt>outside</rt>", "outside");
}

static void test_voice_basic(void)
{
	CHECK_VOICE("<v Bob>Hello</v>", "Hello", "Bob");
	CHECK_VOICE("<v Bob>Hello", "Hello", "Bob");
	CHECK_VOICE("<v Mary Jane>Hi", "Hi", "Mary Jane");
	CHECK_VOICE("<v.loud.angry Bob>Hey", "Hey", "Bob");
	CHECK_VOICE("before <v Bob>after", "before after", "Bob");
	CHECK_VOICE("<b><v Bob>x</v></b>", "x", "Bob");
	/* Not voices. */
	CHECK_VOICE("<V Bob>x", "x", NULL);
	CHECK_VOICE("<vi Bob>x", "x", NULL);
	CHECK_VOICE("<voice Bob>x", "x", NULL);
	CHECK_VOICE("</v Bob>x", "x", NULL);
	CHECK_VOICE("<c Bob>x", "x", NULL);
}

static void test_voice_annotation_is_attribute_context(void)
{
	/* In a tag annotation, references are consumed "as part of an
	 * attribute": a legacy name without ';' before a letter, digit or '='
	 * is left as typed, as browsers show it; with ';' it decodes. */
	CHECK_VOICE("<v A&ampB>x", "x", "A&ampB");
	CHECK_VOICE("<v A&amp=B>x", "x", "A&amp=B");
	CHECK_VOICE("<v A&amp B>x", "x", "A& B");
	CHECK_VOICE("<v A&amp;B>x", "x", "A&B");
	/* In cue text the same legacy form decodes. */
	CHECK_VOICE("A&ampB", "A&B", NULL);
}

static void test_voice_first_only(void)
{
	CHECK_VOICE("<v Alice>one</v> <v Bob>two</v>", "one two", "Alice");
	CHECK_VOICE("<v>bare</v><v Bob>named", "barenamed", "");
}

static void test_voice_bare_is_empty(void)
{
	CHECK_VOICE("<v>text", "text", "");
	CHECK_VOICE("<v.loud>text", "text", "");
	CHECK_VOICE("<v >text", "text", "");
	CHECK_VOICE("<v \t\n>text", "text", "");
}

static void test_voice_annotation_whitespace(void)
{
	/* Stripped at both ends, each run collapsed to one space. */
	CHECK_VOICE("<v  Alice  >x", "x", "Alice");
	CHECK_VOICE("<v Alice   Smith>x", "x", "Alice Smith");
	CHECK_VOICE("<v\tAlice\t\tSmith\t>x", "x", "Alice Smith");
	CHECK_VOICE("<v Alice\nSmith>x", "x", "Alice Smith");
	CHECK_VOICE("<v \f Alice \f Smith \f>x", "x", "Alice Smith");
	CHECK_VOICE("<v.c\tAlice>x", "x", "Alice");
}

static void test_voice_annotation_entities(void)
{
	CHECK_VOICE("<v Tom &amp; Jerry>x", "x", "Tom & Jerry");
	CHECK_VOICE("<v Tom &amp Jerry>x", "x", "Tom & Jerry");
	CHECK_VOICE("<v &lt;narrator&gt;>x", "x", "<narrator>");
	CHECK_VOICE("<v Ren&eacute;e>x", "x",
	            "Ren\xC3\xA9"
	            "e");
	CHECK_VOICE("<v A&#x26;B>x", "x", "A&B");
	CHECK_VOICE("<v a&nbsp;b>x", "x", "a" NBSP "b");
	/* '>' is the additional allowed character: "&>" ends the tag. */
	CHECK_VOICE("<v Bob&>x", "x", "Bob&");
	CHECK_VOICE("<v &unknown;>x", "x", "&unknown;");
	/* Entity-made whitespace collapses like typed whitespace. */
	CHECK_VOICE("<v A&#9;&#32;B>x", "x", "A B");
	/* The annotation may hold '<'. */
	CHECK_VOICE("<v a<b>x", "x", "a<b");
}

static void test_voice_unclosed_tag(void)
{
	CHECK_VOICE("<v Bob", "", "Bob");
	CHECK_VOICE("<v  Bob  ", "", "Bob");
	CHECK_VOICE("<v", "", "");
}

/* Timestamp tags give word times: the offset in the plain text where the
 * timed text starts; a malformed tag gives none. */
static void test_word_times(void)
{
	const char *text = "so<00:00:12.340><c> today</c><00:00:12.6><c> we</c><1:00:01.000>go";
	char *plain = NULL, *voice = NULL;
	cue_word *words = NULL;
	size_t n = 99;
	CHECK(cuetext_render_timed(text, strlen(text), &plain, &voice, &words, &n));
	CHECK_STR(plain, "so today wego");
	CHECK(voice == NULL);
	CHECK(n == 2 && words != NULL);
	if (n == 2) {
		CHECK_NUM((double)words[0].offset, 2);
		CHECK_NUM(words[0].start, 12.34);
		CHECK_NUM((double)words[1].offset, 11);
		CHECK_NUM(words[1].start, 3601);
	}
	free(plain);
	free(words);
	CHECK(cuetext_render_timed("no tags", 7, &plain, &voice, &words, &n));
	CHECK(n == 0 && words == NULL);
	free(plain);
}

int main(void)
{
	RUN(test_word_times);
	RUN(test_entity_named);
	RUN(test_entity_legacy_without_semicolon);
	RUN(test_entity_unknown);
	RUN(test_entity_not_a_reference);
	RUN(test_entity_numeric);
	RUN(test_entity_numeric_replacements);
	RUN(test_entity_numeric_without_digits);
	RUN(test_plain_text_unchanged);
	RUN(test_tags_stripped);
	RUN(test_lt_starts_a_tag);
	RUN(test_entities_in_text);
	RUN(test_timestamp_tags_dropped);
	RUN(test_ruby_text_kept);
	RUN(test_voice_basic);
	RUN(test_voice_annotation_is_attribute_context);
	RUN(test_voice_first_only);
	RUN(test_voice_bare_is_empty);
	RUN(test_voice_annotation_whitespace);
	RUN(test_voice_annotation_entities);
	RUN(test_voice_unclosed_tag);
	return harness_finish();
}
