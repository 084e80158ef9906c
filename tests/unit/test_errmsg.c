/* errmsg: messages into a caller's buffer, and the one thread-safe
 * strerror of the tree. */
#include <errno.h>
#include <string.h>

#include "errmsg.h"
#include "harness.h"

static void test_strerror_fills_the_buffer(void)
{
	char why[ERRMSG_WHY_SIZE];
	CHECK(errmsg_strerror(ENOENT, why, sizeof why) == why);
	CHECK_STR(why, "No such file or directory");
	CHECK_STR(errmsg_strerror(EACCES, why, sizeof why), "Permission denied");
}

/* A number libc has no message for still reads as one line. */
static void test_strerror_unknown_number(void)
{
	char why[ERRMSG_WHY_SIZE];
	errmsg_strerror(99999, why, sizeof why);
	CHECK(why[0] != '\0');
	CHECK(strstr(why, "99999") != NULL);
}

/* A short buffer is cut, never overrun (ASan watches the 6 bytes). */
static void test_strerror_short_buffer(void)
{
	char why[6];
	errmsg_strerror(ENOENT, why, sizeof why);
	CHECK(strlen(why) < sizeof why);
}

static void test_set_errno(void)
{
	char err[64];
	errmsg_set_errno(err, sizeof err, "/no/such", ENOENT);
	CHECK_STR(err, "/no/such: No such file or directory");
	errmsg_set_errno(NULL, 0, "/no/such", ENOENT); /* no message asked for */
	char tiny[8];
	errmsg_set_errno(tiny, sizeof tiny, "/a/long/path", EIO);
	CHECK_STR(tiny, "/a/long");
}

int main(void)
{
	RUN(test_strerror_fills_the_buffer);
	RUN(test_strerror_unknown_number);
	RUN(test_strerror_short_buffer);
	RUN(test_set_errno);
	return harness_finish();
}
