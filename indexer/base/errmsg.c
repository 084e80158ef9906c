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

const char *errmsg_strerror(int errnum, char *buf, size_t len)
{
	/* This file has _POSIX_C_SOURCE, not _GNU_SOURCE, so strerror_r is
	 * the XSI one: it fills buf or fails. The GNU one may return a static
	 * string instead, which is why every caller goes through here. */
	if (len > 0 && strerror_r(errnum, buf, len) != 0)
		snprintf(buf, len, "error %d", errnum);
	return buf;
}

void errmsg_set_errno(char *err, size_t errlen, const char *path, int errnum)
{
	char why[ERRMSG_WHY_SIZE];
	errmsg_set(err, errlen, "%s: %s", path, errmsg_strerror(errnum, why, sizeof why));
}
