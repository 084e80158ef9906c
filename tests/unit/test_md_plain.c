/* md_plain: markdown as plain words for snippets. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "md_plain.h"

static void expect(const char *md, const char *plain)
{
	char *got = md_plain(md);
	CHECK(got != NULL);
	if (got)
		CHECK_STR(got, plain);
	free(got);
}

static void test_blocks(void)
{
	expect("## Sources\n\n- https://example.org/q\n", "Sources\n\nhttps://example.org/q\n");
	expect("> quoted\n>> twice\n", "quoted\ntwice\n");
	expect("1. first\n12) twelfth\n* star\n+ plus\n", "first\ntwelfth\nstar\nplus\n");
	expect("- [x] merged\n- [ ] review\n", "merged\nreview\n");
	expect("| Item | Owner |\n|---|:---:|\n| CI | Ben |\n",
	       "  Item   Owner  \n\n  CI   Ben  \n");
	expect("```c\nint x;\n```\n", "\nint x;\n\n");
	/* Not a heading without the space; seven '#'s are text. */
	expect("#hashtag\n####### seven\n", "#hashtag\n####### seven\n");
}

static void test_inline(void)
{
	expect("A **test** upload, __bold__, *it*, ~~gone~~ and `code`.",
	       "A test upload, bold, it, gone and code.");
	expect("See [the docs](https://x.example/a_(b)) and ![a chart](c.png).",
	       "See the docs and a chart.");
	expect("<https://x.example/y> and cache_size_limit _emphasis_",
	       "https://x.example/y and cache_size_limit emphasis");
	expect("[not a link] (x) and [half](", "[not a link] (x) and [half](");
	expect("", "");
	expect("caf\xc3\xa9_au_lait", "caf\xc3\xa9_au_lait");
}

/* A long line of '[' (each could open a link) stays linear: 4 MB. */
static void test_pathological(void)
{
	size_t n = 4u << 20;
	char *md = malloc(n + 1);
	CHECK(md != NULL);
	if (!md)
		return;
	memset(md, '[', n);
	md[n] = '\0';
	char *got = md_plain(md);
	CHECK(got && strlen(got) == n);
	free(got);
	free(md);
}

int main(void)
{
	RUN(test_blocks);
	RUN(test_inline);
	RUN(test_pathological);
	return harness_finish();
}
