/* qa_md: the hand-written questions of a recording (qa.md). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qa_md.h"

static qa_md_status parse(const char *s, qa_md *q)
{
	*q = (qa_md)QA_MD_INIT;
	return qa_md_parse(s, strlen(s), q);
}

static void check_rejected(const char *s, size_t want_line, const char *file, int line)
{
	qa_md q;
	qa_md_status st = parse(s, &q);
	harness_check(st == QA_MD_INVALID, s, file, line);
	harness_check_num((double)q.error_line, (double)want_line, 0, s, file, line);
	char prefix[32];
	int n = snprintf(prefix, sizeof prefix, "line %zu: ", want_line);
	harness_check(strncmp(q.error, prefix, (size_t)n) == 0, q.error, file, line);
	harness_check(q.count == 0 && q.units == NULL, "no units when rejected", file, line);
	qa_md_free(&q);
}

#define CHECK_REJECTED(s, l) check_rejected(s, l, __FILE__, __LINE__)

static void test_units(void)
{
	qa_md q;
	const char *s = "# Questions\n"
	                "\n"
	                "Written by staff.\n"
	                "- 01:19 Q: What is 2.6 in a nutshell? / A: So 2.6 went out\n"
	                "* 1:02:03.5 Q (Maya Chen): Is it fast / slow? / A (Ravi): It depends.\n"
	                "- a note without a time\n"
	                "- 1:02:04 not a question, no Q\n";
	CHECK(parse(s, &q) == QA_MD_OK);
	CHECK(q.count == 2);
	if (q.count == 2) {
		CHECK_NUM(q.units[0].t, 79);
		CHECK_STR(q.units[0].question, "What is 2.6 in a nutshell?");
		CHECK_STR(q.units[0].answer, "So 2.6 went out");
		CHECK(q.units[0].question_speaker == NULL && q.units[0].answer_speaker == NULL);
		CHECK(q.units[0].line == 4);
		CHECK_NUM(q.units[1].t, 3723.5);
		/* The last " / A" ends the question: a '/' inside it stays. */
		CHECK_STR(q.units[1].question, "Is it fast / slow?");
		CHECK_STR(q.units[1].question_speaker, "Maya Chen");
		CHECK_STR(q.units[1].answer, "It depends.");
		CHECK_STR(q.units[1].answer_speaker, "Ravi");
		CHECK(q.units[1].line == 5);
	}
	qa_md_free(&q);
	CHECK(q.count == 0 && q.units == NULL);
}

static void test_line_endings_and_bom(void)
{
	const char *variants[] = {
	    "\xEF\xBB\xBF# Q\r\n- 0:01 Q: a? / A: b\r\n- 0:02 Q: c? / A: d\r\n",
	    "# Q\r- 0:01 Q: a? / A: b\r- 0:02 Q: c? / A: d",
	};
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		qa_md q;
		bool ok = parse(variants[i], &q) == QA_MD_OK && q.count == 2;
		CHECK(ok);
		if (ok) {
			CHECK_STR(q.units[1].question, "c?");
			CHECK_STR(q.units[1].answer, "d");
			CHECK(q.units[1].line == 3);
		}
		qa_md_free(&q);
	}
}

static void test_rejected(void)
{
	CHECK_REJECTED("- 01:60 Q: a? / A: b\n", 1);
	CHECK_REJECTED("# t\n- 1:61:00 Q: a? / A: b\n", 2);
	CHECK_REJECTED("- 01:00 What? / A: b\n", 1);
	CHECK_REJECTED("- 01:00 Q: what?\n", 1);
	CHECK_REJECTED("- 01:00 Q:  / A: b\n", 1);
	CHECK_REJECTED("- 01:00 Q: what? / A:   \n", 1);
	CHECK_REJECTED("- 01:00 Q (Maya: what? / A: b\n", 1);
	CHECK_REJECTED("- 02:00 Q: a? / A: b\n\n- 01:00 Q: c? / A: d\n", 3);
}

static void test_empty_and_odd_bytes(void)
{
	qa_md q;
	CHECK(parse("", &q) == QA_MD_OK && q.count == 0);
	qa_md_free(&q);
	/* Invalid UTF-8 is read as U+FFFD, not refused. */
	CHECK(parse("- 0:01 Q: caf\xe9? / A: oui\n", &q) == QA_MD_OK && q.count == 1);
	qa_md_free(&q);
	const char with_nul[] = "- 0:01 Q: a\0b? / A: c\n";
	q = (qa_md)QA_MD_INIT;
	CHECK(qa_md_parse(with_nul, sizeof with_nul - 1, &q) != QA_MD_NOMEM);
	qa_md_free(&q);
	qa_md_free(NULL);
}

int main(void)
{
	RUN(test_units);
	RUN(test_line_endings_and_bom);
	RUN(test_rejected);
	RUN(test_empty_and_odd_bytes);
	return harness_finish();
}
