/* tokenize: words as Xapian's QueryParser reads them, plus identifiers and
 * sub-parts. Expected word sequences for the Xapian rules were checked
 * against Xapian 1.4.22's TermGenerator and QueryParser. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "strbuf.h"
#include "tokenize.h"

/* The tokens of s, one per space: "term@pos" for a word, "=term@pos" for an
 * identifier, "~term@pos" for a sub-part. Positions start at 0. */
static char *render_n(const char *s, size_t len)
{
	token_list l = TOKEN_LIST_INIT;
	strbuf sb = STRBUF_INIT;
	unsigned next = 12345;
	if (!tokenize_text(s, len, 0, &l, &next))
		abort();
	for (size_t i = 0; i < l.count; i++) {
		const token *t = &l.items[i];
		char pos[32];
		snprintf(pos, sizeof pos, "@%u", t->pos);
		if ((i && !sb_append_char(&sb, ' ')) ||
		    (t->flags == TOKEN_IDENTIFIER && !sb_append_char(&sb, '=')) ||
		    (t->flags == TOKEN_SUBPART && !sb_append_char(&sb, '~')) ||
		    !sb_append_str(&sb, t->term) || !sb_append_str(&sb, pos))
			abort();
	}
	/* next_pos is one past the last word's position. */
	unsigned words = 0;
	for (size_t i = 0; i < l.count; i++)
		words += l.items[i].flags == TOKEN_WORD;
	harness_check(next == words, "next_pos counts the words", __FILE__, __LINE__);
	token_list_free(&l);
	char *out = sb_take(&sb);
	if (!out)
		abort();
	return out;
}

static void check_tokens(const char *s, const char *want, const char *file, int line)
{
	char *got = render_n(s, strlen(s));
	harness_check_str(got, want, s, file, line);
	free(got);
}

#define CHECK_TOKENS(s, want) check_tokens(s, want, __FILE__, __LINE__)

static void test_words_and_separators(void)
{
	CHECK_TOKENS("", "");
	CHECK_TOKENS("  ,;!? ... ---", "");
	CHECK_TOKENS("Hello, World!", "hello@0 world@1");
	CHECK_TOKENS("  the  quick\tbrown\nfox ", "the@0 quick@1 brown@2 fox@3");
	CHECK_TOKENS("snake_case_word", "snake_case_word@0 ~snake@0 ~case@0 ~word@0");
	CHECK_TOKENS("(parens) [brackets] {braces} <angle>",
	             "parens@0 brackets@1 braces@2 angle@3");
	CHECK_TOKENS("a*b a=b a+b a|b a,b", "a@0 b@1 a@2 b@3 a@4 b@5 a@6 b@7 a@8 b@9");
	CHECK_TOKENS("\"quoted\" 'single'", "quoted@0 single@1");
}

static void test_positions_continue(void)
{
	token_list l = TOKEN_LIST_INIT;
	unsigned next = 0;
	const char *cue1 = "we use torch", *cue2 = ".compile? no: torch compile";
	CHECK(tokenize_text(cue1, strlen(cue1), 7, &l, &next));
	CHECK(next == 10);
	CHECK(tokenize_text(cue2, strlen(cue2), next, &l, &next));
	CHECK(next == 14);
	/* A phrase across the cue boundary: "torch" then "compile". */
	CHECK(l.count == 7);
	if (l.count == 7) {
		CHECK_STR(l.items[2].term, "torch");
		CHECK(l.items[2].pos == 9);
		CHECK_STR(l.items[3].term, "compile");
		CHECK(l.items[3].pos == 10);
		CHECK(l.items[3].start == 1 && l.items[3].end == 8); /* offsets in cue2 */
		CHECK(l.items[6].pos == 13);
	}
	/* No words: next_pos is first_pos, and nothing is added. */
	CHECK(tokenize_text("...", 3, 42, &l, &next));
	CHECK(next == 42);
	CHECK(l.count == 7);
	/* A NULL next_pos is allowed. */
	CHECK(tokenize_text("x", 1, 0, &l, NULL));
	CHECK(l.count == 8);
	token_list_free(&l);
	CHECK(l.items == NULL && l.count == 0 && l.cap == 0);
	token_list_free(&l);
	token_list_free(NULL);

	/* Positions stop at UINT_MAX instead of wrapping to 0. */
	CHECK(tokenize_text("a b c", 5, 0xFFFFFFFEu, &l, &next));
	CHECK(l.count == 3 && l.items[0].pos == 0xFFFFFFFEu && l.items[1].pos == 0xFFFFFFFFu &&
	      l.items[2].pos == 0xFFFFFFFFu);
	CHECK(next == 0xFFFFFFFFu);
	token_list_free(&l);
}

static void test_apostrophes(void)
{
	CHECK_TOKENS("don't stop", "don't@0 stop@1");
	CHECK_TOKENS("don\xE2\x80\x99t stop", "don't@0 stop@1"); /* U+2019 */
	CHECK_TOKENS("don\xE2\x80\x9Bt", "don't@0");             /* U+201B */
	CHECK_TOKENS("dogs' toys", "dogs@0 toys@1");             /* not between letters */
	CHECK_TOKENS("'tis \xE2\x80\x98quoted\xE2\x80\x99", "tis@0 quoted@1");
	CHECK_TOKENS("rock 'n' roll", "rock@0 n@1 roll@2");
	CHECK_TOKENS("it''s", "it@0 s@1"); /* one infix character only */
	CHECK_TOKENS("AT&T and R&D", "at&t@0 and@1 r&d@2");
	CHECK_TOKENS("a & b", "a@0 b@1");
}

static void test_numbers(void)
{
	CHECK_TOKENS("PyTorch 2.6 has 3,000 commits",
	             "pytorch@0 ~py@0 ~torch@0 2.6@1 has@2 3,000@3 commits@4");
	CHECK_TOKENS("v2.6.1", "v2.6.1@0 ~v@0 ~2.6.1@0");
	CHECK_TOKENS("1;2", "1;2@0");
	CHECK_TOKENS("9&9 9'9", "9@0 9@1 9@2 9@3"); /* between digits only , . ; */
	CHECK_TOKENS("3.14. Next", "3.14@0 next@1");
	CHECK_TOKENS("1,000,000", "1,000,000@0");
	CHECK_TOKENS("2-3", "=2-3@0 2@0 3@1");
	CHECK_TOKENS("release 2.9.", "release@0 2.9@1");
	CHECK_TOKENS("1\xE2\x81\x84"
	             "2",
	             "1\xE2\x81\x84"
	             "2@0"); /* U+2044 fraction slash */
}

static void test_suffixes(void)
{
	CHECK_TOKENS("C++ and C#", "c++@0 and@1 c#@2");
	CHECK_TOKENS("c+++", "c+++@0");
	CHECK_TOKENS("c++++", "c@0");                 /* more than three: none kept */
	CHECK_TOKENS("fish+chips", "fish@0 chips@1"); /* a word follows */
	CHECK_TOKENS("C++.", "c++@0");
	CHECK_TOKENS("(C#)", "c#@0");
	CHECK_TOKENS("Na+ ions", "na+@0 ions@1");
	CHECK_TOKENS("c++.x", "=c++.x@0 c++@0 x@1"); /* QueryParser: phrase "c++ x" */
	CHECK_TOKENS("CUDA++", "cuda++@0");
	CHECK_TOKENS("FlexAttention++", "flexattention++@0 ~flex@0 ~attention@0");
}

static void test_acronyms(void)
{
	CHECK_TOKENS("the U.S. team", "the@0 us@1 team@2");
	CHECK_TOKENS("P.T.O", "pto@0");
	CHECK_TOKENS("U.N.C.L.E.", "uncle@0");
	CHECK_TOKENS("U.S.-based", "=us-based@0 us@0 based@1");
	CHECK_TOKENS("F.relu", "=f.relu@0 f@0 relu@1");
	CHECK_TOKENS("X.T", "xt@0");
	CHECK_TOKENS("A.Bc", "=a.bc@0 a@0 bc@1");
	CHECK_TOKENS("A.B.Cx", "=a.b.cx@0 a@0 b@1 cx@2");
	CHECK_TOKENS("A.", "a@0");
}

static void test_identifiers(void)
{
	CHECK_TOKENS("use torch.compile today", "use@0 =torch.compile@1 torch@1 compile@2 today@3");
	CHECK_TOKENS("torch._dynamo.config.cache_size_limit",
	             "=torch._dynamo.config.cache_size_limit@0 torch@0 _dynamo@1 ~dynamo@1 "
	             "config@2 cache_size_limit@3 ~cache@3 ~size@3 ~limit@3");
	CHECK_TOKENS("mode=max-autotune", "mode@0 =max-autotune@1 max@1 autotune@2");
	CHECK_TOKENS("torch.nn.functional.scaled_dot_product_attention",
	             "=torch.nn.functional.scaled_dot_product_attention@0 torch@0 nn@1 "
	             "functional@2 scaled_dot_product_attention@3 ~scaled@3 ~dot@3 "
	             "~product@3 ~attention@3");
	CHECK_TOKENS("Torch.Compile", "=torch.compile@0 torch@0 compile@1");
	CHECK_TOKENS("c10::Dispatcher", "=c10::dispatcher@0 c10@0 ~c@0 ~10@0 dispatcher@1");
	CHECK_TOKENS("https://pytorch.org/docs",
	             "=https://pytorch.org/docs@0 https@0 pytorch@1 org@2 docs@3");
	CHECK_TOKENS("me@example.com", "=me@example.com@0 me@0 example@1 com@2");
	CHECK_TOKENS("C:\\Users\\me", "=c:\\users\\me@0 c@0 users@1 me@2");
	CHECK_TOKENS("foo--bar", "=foo--bar@0 foo@0 bar@1");
	CHECK_TOKENS("torch.compile()", "=torch.compile@0 torch@0 compile@1");
	/* Not joiners: a sentence end, a trailing or leading joiner, spaces. */
	CHECK_TOKENS("compile. Next", "compile@0 next@1");
	CHECK_TOKENS("end.", "end@0");
	CHECK_TOKENS(".hidden -flag", "hidden@0 flag@1");
	CHECK_TOKENS("a - b", "a@0 b@1");
	CHECK_TOKENS("a.-", "a@0");
	CHECK_TOKENS("don't.stop", "=don't.stop@0 don't@0 stop@1");
	CHECK_TOKENS("a.b c.d", "=a.b@0 a@0 b@1 =c.d@2 c@2 d@3");
}

static void test_subparts(void)
{
	CHECK_TOKENS("FlexAttention", "flexattention@0 ~flex@0 ~attention@0");
	CHECK_TOKENS("HTTPServer", "httpserver@0 ~http@0 ~server@0");
	CHECK_TOKENS("FSDP2", "fsdp2@0 ~fsdp@0 ~2@0");
	CHECK_TOKENS("bfloat16", "bfloat16@0 ~bfloat@0 ~16@0");
	CHECK_TOKENS("_dynamo", "_dynamo@0 ~dynamo@0");
	CHECK_TOKENS("__init__", "__init__@0 ~init@0");
	CHECK_TOKENS("x_", "x_@0 ~x@0");
	CHECK_TOKENS("_", "_@0");
	CHECK_TOKENS("torch", "torch@0");
	CHECK_TOKENS("TORCH", "torch@0");
	CHECK_TOKENS("GPUs LLMs APIs", "gpus@0 llms@1 apis@2"); /* plural, not gp+us */
	CHECK_TOKENS("DTensor", "dtensor@0 ~d@0 ~tensor@0");
	CHECK_TOKENS("iPhone", "iphone@0 ~i@0 ~phone@0");
	CHECK_TOKENS("fp8E4M3", "fp8e4m3@0 ~fp@0 ~8@0 ~e@0 ~4@0 ~m@0 ~3@0");
	CHECK_TOKENS("PyTorch's", "pytorch's@0 ~py@0 ~torch's@0");
	CHECK_TOKENS("a'_b", "a'_b@0 ~a@0 ~b@0"); /* an apostrophe at a piece edge goes */
	CHECK_TOKENS("getHTTPResponseCode",
	             "gethttpresponsecode@0 ~get@0 ~http@0 ~response@0 ~code@0");
	CHECK_TOKENS("max_autotune_no_cudagraphs.FSDP2",
	             "=max_autotune_no_cudagraphs.fsdp2@0 max_autotune_no_cudagraphs@0 ~max@0 "
	             "~autotune@0 ~no@0 ~cudagraphs@0 fsdp2@1 ~fsdp@1 ~2@1");
	CHECK_TOKENS("naïveBayes", "naïvebayes@0 ~naïve@0 ~bayes@0");
}

static void test_unicode(void)
{
	CHECK_TOKENS("caf\xC3\xA9 na\xC3\xAFve", "caf\xC3\xA9@0 na\xC3\xAFve@1");
	/* Non-ASCII letters keep their case: the C++ layer lowercases them. */
	CHECK_TOKENS("\xC3\x89T\xC3\x89", "\xC3\x89t\xC3\x89@0");
	CHECK_TOKENS("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E text",
	             "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E@0 text@1");
	CHECK_TOKENS("\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",
	             "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82@0");
	CHECK_TOKENS("a\xC2\xA0"
	             "b",
	             "a@0 b@1"); /* NBSP */
	CHECK_TOKENS("a\xE2\x80\x94"
	             "b",
	             "a@0 b@1"); /* em dash */
	CHECK_TOKENS("a\xE2\x80\x93"
	             "b",
	             "a@0 b@1"); /* en dash */
	CHECK_TOKENS("a\xE2\x80\xA6"
	             "b",
	             "a@0 b@1"); /* ellipsis */
	CHECK_TOKENS("a\xE3\x80\x80"
	             "b",
	             "a@0 b@1");                                       /* ideographic space */
	CHECK_TOKENS("\xE2\x80\x9Ctorch\xE2\x80\x9D", "torch@0");      /* curly double quotes */
	CHECK_TOKENS("great \xF0\x9F\x8E\x89 talk", "great@0 talk@1"); /* emoji */
	CHECK_TOKENS("\xE2\x9D\xA4\xEF\xB8\x8F love", "love@0");       /* emoji + VS16 */
	CHECK_TOKENS("zero\xE2\x80\x8Bwidth", "zerowidth@0");          /* U+200B between letters */
	CHECK_TOKENS("\xE2\x80\x8Bx\xE2\x80\x8B", "x@0");
	CHECK_TOKENS("x\xC2\xB2 \xC2\xB5s", "x\xC2\xB2@0 \xC2\xB5s@1"); /* ² and µ are word chars */
	CHECK_TOKENS("a\xC2\xB7"
	             "b",
	             "a\xC2\xB7"
	             "b@0"); /* middle dot infix */
	CHECK_TOKENS("x_\xE2\x80\xBF"
	             "y",
	             "x_\xE2\x80\xBF"
	             "y@0 ~x@0 ~\xE2\x80\xBF"
	             "y@0"); /* U+203F is Pc */
}

static void test_invalid_utf8(void)
{
	CHECK_TOKENS("ab\xFF"
	             "cd",
	             "ab@0 cd@1");
	CHECK_TOKENS("ab\xC3(cd", "ab@0 cd@1");
	CHECK_TOKENS("ab\xE2\x80", "ab@0"); /* truncated at the end */
	CHECK_TOKENS("\xC0\xAF"
	             "x",
	             "x@0"); /* overlong '/' */
	CHECK_TOKENS("\xED\xA0\x80"
	             "x",
	             "x@0"); /* surrogate */
	CHECK_TOKENS("\xF4\x90\x80\x80"
	             "x",
	             "x@0"); /* past U+10FFFF */
	CHECK_TOKENS("a\x80"
	             "b",
	             "a@0 b@1");
	char *got = render_n("a\0b", 3); /* NUL is a separator */
	CHECK_STR(got, "a@0 b@1");
	free(got);
}

static void test_spans(void)
{
	const char *s = "Use torch.compile(mode=\"max-autotune\")";
	token_list l = TOKEN_LIST_INIT;
	CHECK(tokenize_text(s, strlen(s), 0, &l, NULL));
	CHECK(l.count == 8);
	if (l.count == 8) {
		CHECK(l.items[1].flags == TOKEN_IDENTIFIER);
		CHECK(l.items[1].start == 4 && l.items[1].end == 17);
		CHECK(l.items[2].start == 4 && l.items[2].end == 9);
		CHECK(l.items[3].start == 10 && l.items[3].end == 17);
		CHECK_STR(l.items[4].term, "mode");
		CHECK(l.items[5].flags == TOKEN_IDENTIFIER && l.items[5].start == 24 &&
		      l.items[5].end == 36);
	}
	token_list_free(&l);

	const char *w = "x FlexAttention don\xE2\x80\x99t C++";
	CHECK(tokenize_text(w, strlen(w), 0, &l, NULL));
	CHECK(l.count == 6);
	if (l.count == 6) {
		CHECK(l.items[1].start == 2 && l.items[1].end == 15);
		CHECK(l.items[2].start == 2 && l.items[2].end == 6);   /* flex */
		CHECK(l.items[3].start == 6 && l.items[3].end == 15);  /* attention */
		CHECK(l.items[4].start == 16 && l.items[4].end == 23); /* don’t: 7 bytes */
		CHECK(l.items[5].start == 24 && l.items[5].end == 27); /* C++ with suffix */
	}
	token_list_free(&l);
}

/* ---- Linear time on pathological input --------------------------------- */

static double cpu_seconds(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

/* Tokenize `scale` MB/8 of `unit` repeated, then `tail`. */
static void run_repeated(const char *unit, const char *tail, size_t scale)
{
	strbuf sb = STRBUF_INIT;
	size_t n = strlen(unit), target = scale * 1024 * 1024 / 8;
	while (sb.len < target)
		if (!sb_append(&sb, unit, n))
			abort();
	if (!sb_append_str(&sb, tail))
		abort();
	token_list l = TOKEN_LIST_INIT;
	unsigned next = 0;
	CHECK(tokenize_text(sb.data, sb.len, 0, &l, &next));
	token_list_free(&l);
	sb_free(&sb);
}

static void check_linear(const char *unit, const char *tail)
{
	double t0 = cpu_seconds();
	run_repeated(unit, tail, 1);
	double t1 = cpu_seconds();
	run_repeated(unit, tail, 8);
	double t2 = cpu_seconds();
	printf("tokenize 1 MB of \"%s\"+\"%s\": %.3f s (1/8: %.3f s)\n", unit, tail, t2 - t1,
	       t1 - t0);
	harness_check(t2 - t1 <= 16 * (t1 - t0) + 0.5, unit, __FILE__, __LINE__);
	harness_check(t2 - t1 < 20, "1 MB within 20 s", __FILE__, __LINE__);
}

static void test_pathological(void)
{
	check_linear("a.", "a"); /* one identifier of 512k parts */
	check_linear("(", "");
	check_linear("A.", "Ax"); /* acronym scans that fail at the very end */
	check_linear("a'", "a");  /* one long word of infixes */
	check_linear("aB", "");   /* 512k camelCase pieces */
	check_linear("1.", "1");  /* one long number */
	check_linear("+", "");
	check_linear("\xE2\x80\x8B", ""); /* zero-width characters only */
}

int main(void)
{
	RUN(test_words_and_separators);
	RUN(test_positions_continue);
	RUN(test_apostrophes);
	RUN(test_numbers);
	RUN(test_suffixes);
	RUN(test_acronyms);
	RUN(test_identifiers);
	RUN(test_subparts);
	RUN(test_unicode);
	RUN(test_invalid_utf8);
	RUN(test_spans);
	RUN(test_pathological);
	return harness_finish();
}
