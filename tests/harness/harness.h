/* A tiny test harness: CHECK macros that count, and a closing line
 * "N passed, N failed" that ctest and CI read.
 *
 *     static void test_something(void) { CHECK(1 + 1 == 2); CHECK_STR(a, "x"); }
 *     int main(void) { RUN(test_something); return harness_finish(); }
 */
#ifndef QA_HARNESS_H
#define QA_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

void harness_check(bool ok, const char *expr, const char *file, int line);
void harness_check_str(const char *got, const char *want, const char *expr, const char *file,
                       int line);
void harness_check_num(double got, double want, double tolerance, const char *expr,
                       const char *file, int line);
void harness_run(void (*test)(void), const char *name);
/* Prints "N passed, N failed" and returns the exit status (0 if none failed). */
int harness_finish(void);

#define CHECK(expr)          harness_check((expr), #expr, __FILE__, __LINE__)
#define CHECK_STR(got, want) harness_check_str((got), (want), #got, __FILE__, __LINE__)
#define CHECK_NUM(got, want) harness_check_num((got), (want), 1e-9, #got, __FILE__, __LINE__)
#define RUN(test)            harness_run(test, #test)

#endif
