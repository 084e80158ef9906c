#include "errmsg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void errmsg_set(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void errmsg_set_errno(char *err, size_t errlen, const char *path, int errnum)
{
	/* This file has _POSIX_C_SOURCE, not _GNU_SOURCE, so strerror_r is
	 * the XSI one: it fills why or fails. */
	char why[128];
	if (strerror_r(errnum, why, sizeof why) != 0)
		snprintf(why, sizeof why, "error %d", errnum);
	errmsg_set(err, errlen, "%s: %s", path, why);
}
