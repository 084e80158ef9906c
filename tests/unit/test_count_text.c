/* count_text: counts on pages with their digits grouped. */
#include <limits.h>

#include "count_text.h"
#include "harness.h"

static void test_groups(void)
{
	char buf[COUNT_TEXT_SIZE];
	CHECK_STR(count_text(0, buf), "0");
	CHECK_STR(count_text(7, buf), "7");
	CHECK_STR(count_text(999, buf), "999");
	CHECK_STR(count_text(1000, buf), "1,000");
	CHECK_STR(count_text(12400, buf), "12,400");
	CHECK_STR(count_text(100000, buf), "100,000");
	CHECK_STR(count_text(1234567, buf), "1,234,567");
	CHECK_STR(count_text(-1000, buf), "-1,000");
	CHECK_STR(count_text(-999, buf), "-999");
}

static void test_extremes(void)
{
	char buf[COUNT_TEXT_SIZE];
	CHECK_STR(count_text(LLONG_MAX, buf), "9,223,372,036,854,775,807");
	CHECK_STR(count_text(LLONG_MIN, buf), "-9,223,372,036,854,775,808");
}

int main(void)
{
	RUN(test_groups);
	RUN(test_extremes);
	return harness_finish();
}
