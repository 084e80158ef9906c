/* test_pause: a test hook that holds a write in the middle, so a test can
 * run a second writer, a search, an upload or a kill -9 against it.
 *
 * test_pause("QARCHIVE_INDEX_PAUSE") does nothing unless that variable
 * holds a number of seconds. Then it waits that long, or, when
 * QARCHIVE_PAUSE_FLAG names a file, it creates that file as it starts
 * waiting and stops as soon as the test removes it (or the seconds pass).
 * The flag is the test's signal that the pause has begun and its way to
 * end it, so no test has to sleep into a timing window. Compiled into
 * every build, like crash_point.h, so tests exercise the binary that
 * ships; the cost is one getenv() per write. */
#ifndef QA_BASE_TEST_PAUSE_H
#define QA_BASE_TEST_PAUSE_H

void test_pause(const char *seconds_variable);

#endif
