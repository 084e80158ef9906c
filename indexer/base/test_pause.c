#include "test_pause.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "number.h"

void test_pause(const char *seconds_variable)
{
	unsigned seconds;
	if (number_parse_unsigned(getenv(seconds_variable), 1, UINT_MAX, &seconds) != NUMBER_OK)
		return;
	const char *flag = getenv("QARCHIVE_PAUSE_FLAG");
	int fd = flag ? open(flag, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
	if (fd < 0) {
		sleep(seconds);
		return;
	}
	close(fd);
	struct timespec now, end, step = {0, 20 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	do {
		nanosleep(&step, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (
	    access(flag, F_OK) == 0 &&
	    (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec)));
}
