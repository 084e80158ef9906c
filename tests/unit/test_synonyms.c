/* synonyms: the synonyms.txt format, and the query rewrite for Xapian's
 * QueryParser. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "spoken.h"
#include "strbuf.h"
#include "synonyms.h"
#include "vocabulary.h"

static const char *const sample = "# A comment line\n"
                                  "\n"
                                  "fsdp, fully sharded data parallel\n"
                                  "torch.compile, torch dot compile\n"
                                  "  bf16 ,bfloat16,  brain   float 16  # trailing comment\n"
                                  "c#, csharp #comment\n"
                                  "foo, bar baz, bar\n"
                                  "don\xE2\x80\x99t, do not\n"
                                  "research and development, r&d\n";

static synonyms *load(const char *text)
{
	synonyms *s = NULL;
	size_t line = 99;
	char err[128] = "x";
	synonyms_status st = synonyms_parse(text, strlen(text), &s, &line, err, sizeof err);
	CHECK(st == SYNONYMS_OK);
	CHECK(line == 0);
	CHECK_STR(err, "");
	if (st != SYNONYMS_OK)
		abort();
	return s;
}

static void check_rewrite(const synonyms *s, const char *query, const char *want, const char *file,
                          int line)
{
	char *out = (char *)"unset";
	bool ok = synonyms_rewrite_query(s, query, &out);
	harness_check(ok, query, file, line);
	harness_check_str(ok ? out : NULL, want, query, file, line);
	if (ok)
		free(out);
}

#define CHECK_REWRITE(s, query, want) check_rewrite(s, query, want, __FILE__, __LINE__)

/* text must be rejected at want_line with "line N: " leading the message. */
static void check_rejected(const char *text, size_t want_line, const char *file, int line)
{
	synonyms *s = (synonyms *)1;
	size_t got_line = 0;
	char err[200];
	synonyms_status st = synonyms_parse(text, strlen(text), &s, &got_line, err, sizeof err);
	harness_check(st == SYNONYMS_INVALID, text, file, line);
	harness_check(s == NULL, "no set when rejected", file, line);
	harness_check_num((double)got_line, (double)want_line, 0, text, file, line);
	char prefix[32];
	int n = snprintf(prefix, sizeof prefix, "line %zu: ", want_line);
	harness_check(strncmp(err, prefix, (size_t)n) == 0, err, file, line);
}

#define CHECK_REJECTED(text, line) check_rejected(text, line, __FILE__, __LINE__)

static void test_parse(void)
{
	synonyms *s = load(sample);
	CHECK(synonyms_group_count(s) == 7);
	CHECK(synonyms_member_count(s, 0) == 2);
	CHECK_STR(synonyms_member(s, 0, 1), "fully sharded data parallel");
	CHECK(synonyms_member_count(s, 2) == 3);
	CHECK_STR(synonyms_member(s, 2, 0), "bf16");
	CHECK_STR(synonyms_member(s, 2, 2), "brain float 16"); /* spaces collapsed */
	CHECK(synonyms_member_count(s, 3) == 2);               /* "c#" is no comment */
	CHECK_STR(synonyms_member(s, 3, 0), "c#");
	CHECK_STR(synonyms_member(s, 3, 1), "csharp");
	CHECK(synonyms_member_count(s, 99) == 0);
	CHECK(synonyms_member(s, 0, 2) == NULL);
	CHECK(synonyms_member(s, 99, 0) == NULL);
	synonyms_free(s);

	/* CRLF, lone CR, a BOM, no final newline, whitespace-only lines. */
	s = load("\xEF\xBB\xBF"
	         "a, b\r\nc, d\re, f\n \t \n#x\ng, h");
	CHECK(synonyms_group_count(s) == 4);
	CHECK_STR(synonyms_member(s, 0, 0), "a");
	CHECK_STR(synonyms_member(s, 3, 1), "h");
	synonyms_free(s);

	/* Empty and comment-only files give an empty set. */
	s = load("");
	CHECK(synonyms_group_count(s) == 0);
	CHECK_REWRITE(s, "fsdp", "fsdp");
	synonyms_free(s);
	s = load("# nothing\n\n   \n");
	CHECK(synonyms_group_count(s) == 0);
	synonyms_free(s);

	synonyms_free(NULL);
	CHECK(synonyms_group_count(NULL) == 0);
	CHECK_STR(synonyms_status_str(SYNONYMS_OK), "ok");
	CHECK_STR(synonyms_status_str(SYNONYMS_INVALID), "invalid synonyms file");
	CHECK_STR(synonyms_status_str(SYNONYMS_NOMEM), "out of memory");
}

static void test_parse_errors(void)
{
	CHECK_REJECTED("fsdp\n", 1);
	CHECK_REJECTED("a, b\n\n# c\nlonely # only one\n", 4);
	CHECK_REJECTED("a, b\nc,, d\n", 2);
	CHECK_REJECTED("a, b,\n", 1);
	CHECK_REJECTED(", a, b\n", 1);
	CHECK_REJECTED("a, b\r\nc, , d\r\n", 2);
	CHECK_REJECTED("a, \"b c\"\n", 1);
	CHECK_REJECTED("a, \xE2\x80\x9C"
	               "b\xE2\x80\x9D\n",
	               1);
	CHECK_REJECTED("a, f(x)\n", 1);
	CHECK_REJECTED("a, b)\n", 1);
	CHECK_REJECTED("a, release:2.9\n", 1);
	CHECK_REJECTED("fp8, fp8!\n", 1);
	CHECK_REJECTED("flex, flex*\n", 1);
	CHECK_REJECTED("x, +y\n", 1);
	CHECK_REJECTED("x, -y\n", 1);
	CHECK_REJECTED("a, b\nx, AND\n", 2);
	CHECK_REJECTED("or, either\n", 1);
	CHECK_REJECTED("x, near/3\n", 1);
	CHECK_REJECTED("a, b\nc, d\nA, e\n", 3);      /* a member in two groups */
	CHECK_REJECTED("a, b, c, B\n", 1);            /* twice in one group */
	CHECK_REJECTED("p q, r\nx, y\ns, P  Q\n", 3); /* phrases compare by words */
	CHECK_REJECTED("don't, x\ndon\xE2\x80\x99t, y\n", 2);
	CHECK_REJECTED("a, b\n\xFF, c\n", 2); /* not a word */
	CHECK_REJECTED("a, b,# c\n", 1);      /* a '#' after ',' is no comment */

	/* A phrase may contain an operator word (quoted, it is a word). */
	synonyms *s = load("research and development, r&d\nbread AND butter, toast\n");
	synonyms_free(s);

	/* error_line and err may be NULL; err is cut to errlen. */
	s = (synonyms *)1;
	CHECK(synonyms_parse("x\n", 2, &s, NULL, NULL, 0) == SYNONYMS_INVALID);
	CHECK(s == NULL);
	char small[8];
	size_t line = 0;
	CHECK(synonyms_parse("x\n", 2, &s, &line, small, sizeof small) == SYNONYMS_INVALID);
	CHECK_STR(small, "line 1:");
	CHECK(line == 1);
}

static void test_rewrite_examples(void)
{
	synonyms *s = load(sample);
	CHECK_REWRITE(s, "fsdp checkpoint", "(fsdp OR \"fully sharded data parallel\") checkpoint");
	CHECK_REWRITE(s, "how to use torch dot compile",
	              "how to use (torch.compile OR \"torch dot compile\")");
	CHECK_REWRITE(s, "torch.compile", "(torch.compile OR \"torch dot compile\")");
	CHECK_REWRITE(s, "FSDP", "(fsdp OR \"fully sharded data parallel\")");
	CHECK_REWRITE(s, "Fully Sharded  DATA\tparallel",
	              "(fsdp OR \"fully sharded data parallel\")");
	CHECK_REWRITE(s, "bfloat16 vs BF16",
	              "(bf16 OR bfloat16 OR \"brain float 16\") vs "
	              "(bf16 OR bfloat16 OR \"brain float 16\")");
	CHECK_REWRITE(s, "C# tips", "(c# OR csharp) tips");
	CHECK_REWRITE(s, "don't", "(don\xE2\x80\x99t OR \"do not\")");
	CHECK_REWRITE(s, "research and development", "(\"research and development\" OR r&d)");
	CHECK_REWRITE(s, "", "");
	CHECK_REWRITE(s, "   ", "   ");
	CHECK_REWRITE(s, "nothing here", "nothing here");
	CHECK_REWRITE(NULL, "fsdp", "fsdp");
	synonyms_free(s);
}

static void test_rewrite_matching(void)
{
	synonyms *s = load(sample);
	/* Longest match first, and a partial phrase is left alone. */
	CHECK_REWRITE(s, "bar baz bar", "(foo OR \"bar baz\" OR bar) (foo OR \"bar baz\" OR bar)");
	CHECK_REWRITE(s, "fully sharded data", "fully sharded data");
	CHECK_REWRITE(s, "fully sharded data fsdp",
	              "fully sharded data (fsdp OR \"fully sharded data parallel\")");
	CHECK_REWRITE(s, "torch dot", "torch dot");
	/* The whole query word must match: no match inside identifiers. */
	CHECK_REWRITE(s, "fsdp2 myfsdp", "fsdp2 myfsdp");
	CHECK_REWRITE(s, "fsdp.wrap",
	              "(fsdp.wrap OR \"fsdp dot wrap\")"); /* its spoken form only */
	CHECK_REWRITE(s, "torch.compile.x torch-compile",
	              "(torch.compile.x OR \"torch dot compile dot x\") "
	              "(torch-compile OR \"torch dash compile\")");
	/* Trailing sentence punctuation stays after the ')'. */
	CHECK_REWRITE(s, "fsdp? torch.compile, ok.",
	              "(fsdp OR \"fully sharded data parallel\")? "
	              "(torch.compile OR \"torch dot compile\"), ok.");
	CHECK_REWRITE(s, "torch dot compile!", "(torch.compile OR \"torch dot compile\")!");
	/* Punctuation inside a phrase breaks it. */
	CHECK_REWRITE(s, "torch, dot compile", "torch, dot compile");
	/* Brackets: inside a group is fine; glued to a word is not a group. */
	CHECK_REWRITE(s, "(fsdp OR x)", "((fsdp OR \"fully sharded data parallel\") OR x)");
	CHECK_REWRITE(s, "x -(fsdp)", "x -((fsdp OR \"fully sharded data parallel\"))");
	CHECK_REWRITE(s, "f(fsdp) fsdp(x)", "f(fsdp) fsdp(x)");
	CHECK_REWRITE(s, "(torch dot compile)", "((torch.compile OR \"torch dot compile\"))");
	CHECK_REWRITE(s, "(torch dot) compile", "(torch dot) compile");
	/* Spacing is kept byte for byte around a replacement. */
	CHECK_REWRITE(s, "  a\t\tfsdp  \n b ",
	              "  a\t\t(fsdp OR \"fully sharded data parallel\")  \n b ");
	synonyms_free(s);
}

static void test_rewrite_exclusions(void)
{
	synonyms *s = load(sample);
	/* Quoted text is exact, with ASCII or curly quotes, closed or not. */
	CHECK_REWRITE(s, "\"fsdp checkpoint\" fsdp",
	              "\"fsdp checkpoint\" (fsdp OR \"fully sharded data parallel\")");
	CHECK_REWRITE(s, "\"torch dot compile\"", "\"torch dot compile\"");
	CHECK_REWRITE(s,
	              "\xE2\x80\x9C"
	              "fsdp\xE2\x80\x9D",
	              "\xE2\x80\x9C"
	              "fsdp\xE2\x80\x9D");
	CHECK_REWRITE(s, "\"fsdp", "\"fsdp");
	CHECK_REWRITE(s, "x \"a fsdp", "x \"a fsdp");
	CHECK_REWRITE(s, "fsdp\"x\"", "fsdp\"x\"");
	CHECK_REWRITE(s, "torch \"dot\" compile", "torch \"dot\" compile");
	/* field:value. */
	CHECK_REWRITE(s, "release:2.9 fsdp",
	              "release:2.9 (fsdp OR \"fully sharded data parallel\")");
	CHECK_REWRITE(s, "title:fsdp", "title:fsdp");
	CHECK_REWRITE(s, "speaker:\"fsdp\"", "speaker:\"fsdp\"");
	CHECK_REWRITE(s, "speaker:foo(fsdp)", "speaker:foo(fsdp)");
	CHECK_REWRITE(s, "title:(fsdp)", "title:(fsdp)");
	CHECK_REWRITE(s, "title:(x fsdp)", "title:(x (fsdp OR \"fully sharded data parallel\"))");
	/* Operators are never rewritten, and end a phrase. */
	CHECK_REWRITE(s, "fsdp AND torch.compile",
	              "(fsdp OR \"fully sharded data parallel\") AND "
	              "(torch.compile OR \"torch dot compile\")");
	CHECK_REWRITE(s, "research AND development", "research AND development");
	CHECK_REWRITE(s, "torch NEAR dot compile", "torch NEAR dot compile");
	CHECK_REWRITE(s, "fsdp NEAR/3 x", "(fsdp OR \"fully sharded data parallel\") NEAR/3 x");
	CHECK_REWRITE(s, "torch ADJ/2 dot compile", "torch ADJ/2 dot compile");
	CHECK_REWRITE(s, "OR XOR NOT", "OR XOR NOT");
	/* Love/hate and synonym prefixes, wildcards. */
	CHECK_REWRITE(s, "+fsdp -fsdp ~fsdp", "+fsdp -fsdp ~fsdp");
	CHECK_REWRITE(s, "-torch.compile +torch dot compile", "-torch.compile +torch dot compile");
	CHECK_REWRITE(s, "fsdp* flex*", "fsdp* flex*");
	CHECK_REWRITE(s, "torch dot compile*", "torch dot compile*");
	/* Other punctuation on the word. */
	CHECK_REWRITE(s, "'fsdp' [fsdp] fsdp's fsdp+", "'fsdp' [fsdp] fsdp's fsdp+");
	synonyms_free(s);
}

/* ---- Spoken forms of identifiers ---------------------------------------- */

/* The forms of ident, joined by " | ". */
static void check_forms(const char *ident, const char *want, const char *file, int line)
{
	spoken_forms f;
	strbuf got = STRBUF_INIT;
	harness_check(spoken_forms_of(ident, &f), ident, file, line);
	for (size_t i = 0; i < f.count; i++)
		if ((i && !sb_append_str(&got, " | ")) || !sb_append_str(&got, f.form[i]))
			abort();
	harness_check_str(got.data ? got.data : "", want, ident, file, line);
	spoken_forms_free(&f);
	sb_free(&got);
}

#define CHECK_FORMS(ident, want) check_forms(ident, want, __FILE__, __LINE__)

/* What spoken_read makes of the words of text ("" for no identifier), and
 * how many words it takes. */
static void check_read(const char *text, const char *want, size_t want_used, const char *file,
                       int line)
{
	const char *words[32];
	char buf[256];
	size_t n = 0, used = 99;
	snprintf(buf, sizeof buf, "%s", text);
	for (char *w = strtok(buf, " "); w && n < 32; w = strtok(NULL, " "))
		words[n++] = w;
	strbuf ident = STRBUF_INIT;
	harness_check(spoken_read(words, n, &used, &ident), text, file, line);
	harness_check_str(ident.data ? ident.data : "", want, text, file, line);
	harness_check_num((double)used, (double)want_used, 0, text, file, line);
	sb_free(&ident);
}

#define CHECK_READ(text, want, used) check_read(text, want, used, __FILE__, __LINE__)

static void test_spoken_forms(void)
{
	CHECK_FORMS("torch.export.export", "torch dot export dot export");
	CHECK_FORMS("torch._check", "torch dot underscore check | torch check");
	CHECK_FORMS("torch._dynamo.config.cache_size_limit",
	            "torch dot underscore dynamo dot config dot cache underscore size underscore "
	            "limit | torch dot underscore dynamo dot config dot cache size limit | "
	            "torch dot underscore dynamo dot config dot cache_size_limit | "
	            "torch dynamo config cache size limit");
	CHECK_FORMS("add_safe_globals",
	            "add underscore safe underscore globals | add safe globals");
	CHECK_FORMS("__init__", "double underscore init | dunder init");
	CHECK_FORMS("x.__init__", "x dot double underscore init | x dot dunder init | x init");
	CHECK_FORMS("_private", "underscore private");
	CHECK_FORMS("tail_", "tail underscore");
	CHECK_FORMS("max-autotune-no-cudagraphs", "max dash autotune dash no dash cudagraphs");
	CHECK_FORMS("torch/csrc/stable/accelerator.h",
	            "torch slash csrc slash stable slash accelerator dot h");
	CHECK_FORMS("hl.register_tunable",
	            "hl dot register underscore tunable | hl dot register tunable | "
	            "hl dot register_tunable | hl register tunable");
	/* Plain words have none; nor have single-word forms. */
	CHECK_FORMS("torch", "");
	CHECK_FORMS("2.6", "");
	CHECK_FORMS("python3.13", "");
	CHECK_FORMS("_", "");
	CHECK_FORMS("", "");
}

static void test_spoken_read(void)
{
	CHECK_READ("torch dot export dot export", "torch.export.export", 5);
	CHECK_READ("torch dot underscore check", "torch._check", 4);
	CHECK_READ("set underscore stance please", "set_stance", 3);
	CHECK_READ("cache underscore size underscore limit", "cache_size_limit", 5);
	CHECK_READ("dunder init", "__init__", 2);
	CHECK_READ("double underscore init", "__init__", 3);
	CHECK_READ("underscore check", "_check", 2);
	CHECK_READ("max dash autotune", "max-autotune", 3);
	CHECK_READ("torch slash csrc", "torch/csrc", 3);
	/* The longest identifier, then ordinary words. */
	CHECK_READ("torch dot compile mode", "torch.compile", 3);
	CHECK_READ("torch dot compile dot", "torch.compile", 3);
	CHECK_READ("a dot dot b", "", 0);
	/* No spoken separator, or none between real words. */
	CHECK_READ("torch compile", "", 0);
	CHECK_READ("torch dot", "", 0);
	CHECK_READ("dot product", "", 0);
	CHECK_READ("underscore", "", 0);
	CHECK_READ("dunder dot x", "", 0);
	CHECK_READ("double precision", "", 0);
	CHECK_READ("", "", 0);
}

static void test_rewrite_spoken(void)
{
	synonyms *s = load(sample);
	/* A typed identifier also finds what was said aloud. */
	CHECK_REWRITE(s, "torch.export.export",
	              "(torch.export.export OR \"torch dot export dot export\")");
	CHECK_REWRITE(s, "torch._check works?",
	              "(torch._check OR \"torch dot underscore check\" OR \"torch check\") works?");
	CHECK_REWRITE(s, "add_safe_globals",
	              "(add_safe_globals OR \"add underscore safe underscore globals\" OR "
	              "\"add safe globals\")");
	CHECK_REWRITE(s, "@helion.kernel", "(helion.kernel OR \"helion dot kernel\")");
	CHECK_REWRITE(s, "__init__", "(__init__ OR \"double underscore init\" OR \"dunder init\")");
	/* Words said aloud also find the written identifier; what the words
	 * matched still matches. */
	CHECK_REWRITE(s, "torch dot export dot export now",
	              "((torch dot export dot export) OR torch.export.export) now");
	CHECK_REWRITE(s, "use torch dot underscore check",
	              "use ((torch dot underscore check) OR torch._check OR \"torch check\")");
	CHECK_REWRITE(s, "set underscore stance",
	              "((set underscore stance) OR set_stance OR \"set stance\")");
	CHECK_REWRITE(s, "dunder  init",
	              "((dunder  init) OR __init__ OR \"double underscore init\")");
	/* A spoken identifier that is a member is its group. */
	CHECK_REWRITE(s, "torch dot compile", "(torch.compile OR \"torch dot compile\")");
	/* A longer member beats a shorter spoken run, and the other way round. */
	synonyms *t = load("scaled dot product attention, sdpa\nx.y, why\n");
	CHECK_REWRITE(t, "scaled dot product attention",
	              "(\"scaled dot product attention\" OR sdpa)");
	CHECK_REWRITE(t, "scaled dot product", "((scaled dot product) OR scaled.product)");
	CHECK_REWRITE(t, "x dot y", "(x.y OR why OR \"x dot y\")");
	synonyms_free(t);
	/* Plain words, quotes, fields, operators and prefixes are left alone. */
	CHECK_REWRITE(s, "torch dot", "torch dot");
	CHECK_REWRITE(s, "2.6 python3.13", "2.6 python3.13");
	CHECK_REWRITE(s, "\"torch.export.export\"", "\"torch.export.export\"");
	CHECK_REWRITE(s, "title:torch.export", "title:torch.export");
	CHECK_REWRITE(s, "-torch._check +a_b", "-torch._check +a_b");
	CHECK_REWRITE(s, "torch AND dot AND compile", "torch AND dot AND compile");
	CHECK_REWRITE(s, "torch dot, compile", "torch dot, compile");
	CHECK_REWRITE(s, "a_b*", "a_b*");
	/* An empty set still applies the rules; no set applies nothing. */
	synonyms *none = load("");
	CHECK_REWRITE(none, "a_b", "(a_b OR \"a underscore b\" OR \"a b\")");
	synonyms_free(none);
	CHECK_REWRITE(NULL, "a_b", "a_b");
	synonyms_free(s);
}

/* ---- The built-in vocabulary and merging --------------------------------- */

/* Which group (index) holds member text, or -1. */
static long group_of(const synonyms *s, const char *text)
{
	for (size_t g = 0; g < synonyms_group_count(s); g++)
		for (size_t m = 0; m < synonyms_member_count(s, g); m++)
			if (strcmp(synonyms_member(s, g, m), text) == 0)
				return (long)g;
	return -1;
}

static synonyms *merged(const char *base_text, const char *over_text)
{
	synonyms *base = load(base_text), *over = load(over_text), *out = (synonyms *)1;
	CHECK(synonyms_merge(base, over, &out) == SYNONYMS_OK);
	synonyms_free(base);
	synonyms_free(over);
	return out;
}

static void test_removal_lines(void)
{
	synonyms *s = load("a, b\n-c\n  - d e  # a phrase\n");
	CHECK(synonyms_group_count(s) == 1); /* removals are no groups */
	/* A removal matches nothing in a query. */
	CHECK_REWRITE(s, "c d e a", "c d e (a OR b)");
	synonyms_free(s);
	CHECK_REJECTED("a, b\n-\n", 2);
	CHECK_REJECTED("-a, b\n", 1);
	CHECK_REJECTED("-a\nx, A\n", 2); /* removed and in a group */
	CHECK_REJECTED("x, a\n-a\n", 2);
	CHECK_REJECTED("-a\n-a\n", 2);
	CHECK_REJECTED("-(a)\n", 1);
	CHECK_REJECTED("-AND\n", 1);
	CHECK_REJECTED("--a\n", 1);
}

static void test_merge(void)
{
	const char *base = "fsdp, fully sharded data parallel\n"
	                   "tp, tensor parallel, tensor parallelism\n"
	                   "pp, pipeline parallel\n"
	                   "hf, hugging face\n";
	/* Adding: the archive's groups come after the built-in ones. */
	synonyms *s = merged(base, "oota, o o t a\n");
	CHECK(synonyms_group_count(s) == 5);
	CHECK(group_of(s, "o o t a") == 4 && group_of(s, "fsdp") == 0);
	CHECK_REWRITE(s, "fsdp oota",
	              "(fsdp OR \"fully sharded data parallel\") (oota OR \"o o t a\")");
	synonyms_free(s);

	/* Overriding: a member the archive names leaves its built-in group;
	 * a group left with one member is gone; "-x" removes x. */
	s = merged(base, "TP, toilet paper\n"
	                 "pipeline parallel, pipelining\n"
	                 "-hf\n");
	CHECK(group_of(s, "tp") == -1 && group_of(s, "TP") >= 0);
	CHECK(group_of(s, "tensor parallel") >= 0 &&
	      group_of(s, "tensor parallel") != group_of(s, "TP"));
	CHECK(group_of(s, "pp") == -1); /* its group had one member left */
	CHECK(group_of(s, "hf") == -1 && group_of(s, "hugging face") == -1);
	CHECK(synonyms_group_count(s) == 4);
	CHECK_REWRITE(s, "tp", "(TP OR \"toilet paper\")");
	CHECK_REWRITE(s, "tensor parallelism", "(\"tensor parallel\" OR \"tensor parallelism\")");
	CHECK_REWRITE(s, "pp hf", "pp hf");
	CHECK_REWRITE(s, "pipeline parallel", "(\"pipeline parallel\" OR pipelining)");
	synonyms_free(s);

	/* Extending a built-in group: repeat it with the new member. */
	s = merged(base, "fsdp, fully sharded data parallel, fsdp2\n");
	CHECK(synonyms_group_count(s) == 4);
	CHECK_REWRITE(s, "fsdp2", "(fsdp OR \"fully sharded data parallel\" OR fsdp2)");
	synonyms_free(s);

	/* Either side may be missing; the inputs stay as they were. */
	synonyms *b = load(base), *out = NULL;
	CHECK(synonyms_merge(b, NULL, &out) == SYNONYMS_OK && synonyms_group_count(out) == 4);
	synonyms_free(out);
	CHECK(synonyms_merge(NULL, b, &out) == SYNONYMS_OK && synonyms_group_count(out) == 4);
	synonyms_free(out);
	CHECK(synonyms_merge(NULL, NULL, &out) == SYNONYMS_OK && synonyms_group_count(out) == 0);
	CHECK_REWRITE(out, "fsdp", "fsdp");
	synonyms_free(out);
	CHECK(synonyms_group_count(b) == 4 && group_of(b, "tp") == 1);
	synonyms_free(b);
}

static void test_builtin_vocabulary(void)
{
	/* The built-in list parses on its own (a broken one is our bug). */
	const char *text = vocabulary_builtin_text();
	synonyms *s = load(text);
	CHECK(synonyms_group_count(s) >= 80);
	synonyms_free(s);

	/* An archive without synonyms.txt still knows the field. */
	s = NULL;
	CHECK(vocabulary_load(NULL, 0, &s, NULL, NULL, 0) == SYNONYMS_OK && s != NULL);
	static const char *const known[] = {
	    "fsdp", "hsdp",          "ddp",  "tp",  "pp",   "aoti",        "aotinductor",
	    "oom",  "out of memory", "nccl", "amp", "sdpa", "gqa",         "moe",
	    "tma",  "amx",           "xpu",  "dcp", "hf",   "hugging face"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		harness_check(group_of(s, known[i]) >= 0, known[i], __FILE__, __LINE__);
	CHECK(group_of(s, "aoti") == group_of(s, "aotinductor"));
	CHECK(group_of(s, "oom") == group_of(s, "out of memory"));
	CHECK_REWRITE(s, "FSDP OOM",
	              "(fsdp OR \"fully sharded data parallel\") "
	              "(oom OR ooms OR \"out of memory\" OR out-of-memory OR \"out dash of dash "
	              "memory\")");
	/* Identifiers in the list are also found said aloud. */
	CHECK_REWRITE(s, "torch dot compile",
	              "(torch.compile OR \"torch compile\" OR \"torch dot compile\")");
	synonyms_free(s);

	/* The archive's text adds and overrides; "" is no file. */
	const char *archive = "nccl, collectives library\n-hf\n";
	CHECK(vocabulary_load(archive, strlen(archive), &s, NULL, NULL, 0) == SYNONYMS_OK);
	CHECK(group_of(s, "nickel") >= 0 && group_of(s, "nickel") != group_of(s, "nccl"));
	CHECK(group_of(s, "hf") == -1 && group_of(s, "hugging face") >= 0);
	CHECK(group_of(s, "hugging face") == group_of(s, "huggingface"));
	CHECK_REWRITE(s, "nccl", "(nccl OR \"collectives library\")");
	synonyms_free(s);
	CHECK(vocabulary_load("", 0, &s, NULL, NULL, 0) == SYNONYMS_OK && group_of(s, "fsdp") >= 0);
	synonyms_free(s);

	/* A bad archive file: its line, and no set. */
	size_t line = 0;
	char err[128];
	s = (synonyms *)1;
	CHECK(vocabulary_load("a, b\nlonely\n", 12, &s, &line, err, sizeof err) ==
	      SYNONYMS_INVALID);
	CHECK(s == NULL && line == 2 && strncmp(err, "line 2: ", 8) == 0);
}

/* ---- Linear time on pathological input --------------------------------- */

static double cpu_seconds(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

static char *repeated(const char *unit, size_t bytes)
{
	strbuf sb = STRBUF_INIT;
	size_t n = strlen(unit);
	while (sb.len < bytes)
		if (!sb_append(&sb, unit, n))
			abort();
	char *s = sb_take(&sb);
	if (!s)
		abort();
	return s;
}

static void rewrite_repeated(const synonyms *s, const char *unit, size_t bytes)
{
	char *q = repeated(unit, bytes), *out = NULL;
	CHECK(synonyms_rewrite_query(s, q, &out));
	CHECK(out != NULL);
	free(out);
	free(q);
}

/* Rewriting `kb` KB of unit repeated costs about 8 times an eighth of it. */
static void check_linear_rewrite_kb(const synonyms *s, const char *unit, size_t kb)
{
	double t0 = cpu_seconds();
	rewrite_repeated(s, unit, kb * 1024 / 8);
	double t1 = cpu_seconds();
	rewrite_repeated(s, unit, kb * 1024);
	double t2 = cpu_seconds();
	printf("rewrite %zu KB of \"%s\": %.3f s (1/8: %.3f s)\n", kb, unit, t2 - t1, t1 - t0);
	harness_check(t2 - t1 <= 16 * (t1 - t0) + 0.5, unit, __FILE__, __LINE__);
}

static void check_linear_rewrite(const synonyms *s, const char *unit)
{
	check_linear_rewrite_kb(s, unit, 1024);
}

static void parse_repeated(const char *unit, size_t bytes)
{
	char *text = repeated(unit, bytes);
	synonyms *s = NULL;
	synonyms_status st = synonyms_parse(text, strlen(text), &s, NULL, NULL, 0);
	CHECK(st == SYNONYMS_OK || st == SYNONYMS_INVALID);
	synonyms_free(s);
	free(text);
}

static void test_pathological(void)
{
	synonyms *s = load(sample);
	check_linear_rewrite(s, "(");
	check_linear_rewrite(s, "a.");
	check_linear_rewrite(s, "\"");
	check_linear_rewrite(s, "fully "); /* every word starts a phrase prefix */
	check_linear_rewrite(s, "fully sharded data ");
	check_linear_rewrite(s, "fsdp "); /* every word rewritten */
	check_linear_rewrite(s, "x:(");
	check_linear_rewrite(s, "A.");
	/* Spoken forms: every word an identifier, or one endless said one
	 * (smaller: each identifier costs its four forms, and the point is
	 * the ratio). */
	check_linear_rewrite_kb(s, "a_b.c ", 256);
	check_linear_rewrite_kb(s, "a dot ", 256);
	check_linear_rewrite_kb(s, "x dot underscore ", 256);
	check_linear_rewrite_kb(s, "double underscore ", 256);
	synonyms_free(s);

	/* Each parses (or is rejected) without crashing; their speed is the
	 * bench's business, not a timed unit test's. */
	parse_repeated("a, b\n", 1024 * 1024); /* rejected: duplicates, at line 2 */
	parse_repeated("a.a, ", 1024 * 1024);  /* one huge line, duplicate members */
	parse_repeated("(((((", 1024 * 1024);

	/* 100k distinct groups parse, and a query still rewrites fast. */
	strbuf file = STRBUF_INIT;
	for (int i = 0; i < 100000; i++) {
		char line[64];
		snprintf(line, sizeof line, "w%d, v%d x%d\n", i, i, i);
		if (!sb_append_str(&file, line))
			abort();
	}
	s = load(file.data);
	CHECK(synonyms_group_count(s) == 100000);
	CHECK_REWRITE(s, "w99999 v5 x5", "(w99999 OR \"v99999 x99999\") (w5 OR \"v5 x5\")");
	check_linear_rewrite(s, "v1 ");
	synonyms_free(s);
	sb_free(&file);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_parse_errors);
	RUN(test_rewrite_examples);
	RUN(test_rewrite_matching);
	RUN(test_rewrite_exclusions);
	RUN(test_spoken_forms);
	RUN(test_spoken_read);
	RUN(test_rewrite_spoken);
	RUN(test_removal_lines);
	RUN(test_merge);
	RUN(test_builtin_vocabulary);
	RUN(test_pathological);
	return harness_finish();
}
