#include "store_error.h"

#include <errno.h>

unsigned http_store_error_status(int errnum)
{
	switch (errnum) {
	case ENOSPC:
	case EDQUOT:
		return 507;
	case EROFS:
		return 503;
	default:
		return 500;
	}
}
