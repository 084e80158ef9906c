/* answer_span: ?answer=FROM-TO, a unit's answer as its link carries it. */
#include <stdbool.h>
#include <string.h>

#include "answer_span.h"
#include "harness.h"
#include "strbuf.h"

static void test_write(void)
{
	strbuf sb = STRBUF_INIT;
	CHECK(answer_span_write(&sb, 754, 812.5));
	CHECK_STR(sb.data, "754-812.5");
	sb_free(&sb);
	/* An end before the start writes an answer of no length. */
	CHECK(answer_span_write(&sb, 20, 10));
	CHECK_STR(sb.data, "20-20");
	sb_free(&sb);
}

static void test_parse(void)
{
	double a, b;
	CHECK(answer_span_parse("754-812.5", &a, &b));
	CHECK_NUM(a, 754);
	CHECK_NUM(b, 812.5);
	CHECK(answer_span_parse("12:34-13:02", &a, &b));
	CHECK_NUM(a, 754);
	CHECK_NUM(b, 782);
	CHECK(answer_span_parse("5-5", &a, &b) && a == 5 && b == 5);
	static const char *const bad[] = {
	    NULL,    "",
	    "754",   "-812",
	    "754-",  "812-754",
	    "x-9",   "9-x",
	    "1-2-3", "1111111111111111111111111111111111111111111111111111111111111111111-2",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		a = b = -1;
		CHECK(!answer_span_parse(bad[i], &a, &b));
		CHECK(a == 0 && b == 0);
	}
}

static void test_holds(void)
{
	/* The answer from 40 to 59: cues starting in it. */
	CHECK(answer_span_holds(40, 59, 40, 44));
	CHECK(answer_span_holds(40, 59, 55, 59));
	CHECK(!answer_span_holds(40, 59, 35, 39));
	/* The cue after it starts where it ends: not the answer's. */
	CHECK(!answer_span_holds(40, 59, 59, 63));
	/* An answer that starts inside a cue marks that cue. */
	CHECK(answer_span_holds(41.5, 59, 40, 44));
	/* An answer of no length marks the cue it starts at. */
	CHECK(answer_span_holds(40, 40, 40, 44));
}

int main(void)
{
	RUN(test_write);
	RUN(test_parse);
	RUN(test_holds);
	return harness_finish();
}
