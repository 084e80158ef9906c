#include "csrf.h"

#include <sodium.h>
#include <string.h>

bool csrf_equal(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t n = strlen(a);
	/* The length is no secret: every token is SESSION_TOKEN_LEN long. */
	if (n == 0 || n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}
