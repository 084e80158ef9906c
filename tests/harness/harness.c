#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Counted per test function: a test passes when none of its checks fail. */
static int tests_passed, tests_failed, current_failures;

void harness_check(bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		current_failures++;
		fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
	}
}

void harness_check_str(const char *got, const char *want, const char *expr, const char *file,
                       int line)
{
	if (got == want || (got && want && strcmp(got, want) == 0))
		return;
	current_failures++;
	fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", file, line, expr,
	        got ? got : "(null)", want ? want : "(null)");
}

void harness_check_num(double got, double want, double tolerance, const char *expr,
                       const char *file, int line)
{
	if (fabs(got - want) <= tolerance)
		return;
	current_failures++;
	fprintf(stderr, "%s:%d: %s is %.17g, expected %.17g\n", file, line, expr, got, want);
}

void harness_run(void (*test)(void), const char *name)
{
	current_failures = 0;
	test();
	if (current_failures) {
		tests_failed++;
		fprintf(stderr, "FAIL %s\n", name);
	} else {
		tests_passed++;
	}
}

int harness_finish(void)
{
	printf("%d passed, %d failed\n", tests_passed, tests_failed);
	return tests_failed ? 1 : 0;
}
